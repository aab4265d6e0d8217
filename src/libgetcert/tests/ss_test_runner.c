/*
 * strongSwan's test library (test_runner.c), compiled from the configured
 * strongSwan tree: it is neither installed nor shipped with
 * --with-dev-headers (shared/STYLE.md §5).
 */
#include <test_runner.c>

/*
 * Copyright (C) 2026 getcert developers
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.  See <http://www.fsf.org/copyleft/gpl.txt>.
 *
 * This program is distributed in the hope that it will be useful, but
 * WITHOUT ANY WARRANTY; without even the implied warranty of MERCHANTABILITY
 * or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU General Public License
 * for more details.
 */

/**
 * The main() of a getcert unit test program, shared by the test programs.
 *
 * Define before including this file:
 *   GT_SUITES_H	the header listing TEST_SUITE(x) lines, as a string
 *   GT_NAME		the program's name
 *   GT_PLUGINS		the plugins to load
 *   GT_PLUGIN_PATH	an additional plugin directory, or NULL
 *
 * @defgroup getcert_test_main getcert_test_main
 * @{ @ingroup libgetcert
 */

#include <test_runner.h>

#include "getcert_test_certs.h"

/* declare test suite constructors */
#define TEST_SUITE(x) test_suite_t* x();
#include GT_SUITES_H
#undef TEST_SUITE

static test_configuration_t tests[] = {
#define TEST_SUITE(x) \
	{ .suite = x, },
#include GT_SUITES_H
#undef TEST_SUITE
	{ .suite = NULL, }
};

static bool test_runner_init(bool init)
{
	return gt_test_init(init, GT_PLUGINS, GT_PLUGIN_PATH);
}

int main(int argc, char *argv[])
{
	return test_runner_run(GT_NAME, tests, test_runner_init);
}

/** @}*/

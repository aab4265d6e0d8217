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

#include <test_runner.h>

#include <getcert_test_certs.h>

/* declare test suite constructors */
#define TEST_SUITE(x) test_suite_t* x();
#include "getcert_tests.h"
#undef TEST_SUITE

static test_configuration_t tests[] = {
#define TEST_SUITE(x) \
	{ .suite = x, },
#include "getcert_tests.h"
	{ .suite = NULL, }
};

static bool test_runner_init(bool init)
{
	return gt_test_init(init, "random nonce openssl pem pkcs1 pkcs8 x509 pubkey constraints getcert",
						GETCERT_PLUGIN_DIR);
}

int main(int argc, char *argv[])
{
	return test_runner_run("getcert", tests, test_runner_init);
}

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

/**
 * Plugins the tests run with, the installed ones and our freshly built one
 */
#define TEST_PLUGINS "random nonce openssl pem pkcs1 pkcs8 x509 pubkey " \
					 "constraints getcert"

static bool test_runner_init(bool init)
{
	if (init)
	{
		char *plugins = getenv("TESTS_PLUGINS") ?: TEST_PLUGINS;

		lib->plugins->add_path(lib->plugins, GETCERT_PLUGIN_DIR);
		if (!lib->plugins->load(lib->plugins, plugins))
		{
			return FALSE;
		}
	}
	else
	{
		lib->processor->set_threads(lib->processor, 0);
		lib->processor->cancel(lib->processor);
		lib->plugins->unload(lib->plugins);
	}
	return TRUE;
}

int main(int argc, char *argv[])
{
	return test_runner_run("getcert", tests, test_runner_init);
}

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

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* asprintf */
#endif
#include <stdio.h>

#include <test_suite.h>
#include <getcert_test_certs.h>

#include <getcertd_auth.h>
#include <getcertd_conf.h>
#include <getcertd_policy.h>
#include <getcertd_throttle.h>

/**
 * Replace the settings by "<ns> { <conf> }"
 */
static void set_conf(char *conf)
{
	char *str;

	ck_assert(asprintf(&str, "%s {\n%s\n}\n", lib->ns, conf) > 0);
	ck_assert(lib->settings->load_string(lib->settings, str, FALSE));
	free(str);
}

/**
 * A policy with one option set, and whether getcertd accepts it
 */
static struct {
	char *option;
	bool ok;
} policy_tests[] = {
	{ "", TRUE },
	{ "lifetime = 10m", TRUE },
	{ "lifetime = 2s", TRUE },
	{ "lifetime = 3650d", TRUE },
	{ "lifetime = 1x", FALSE },
	{ "lifetime = 0", FALSE },
	{ "lifetime = 3651d", FALSE },
	{ "lifetime = -1h", FALSE },
	{ "backdate = 0", TRUE },
	{ "backdate = 5 m", FALSE },
	{ "backdate = 8d", FALSE },
	{ "max_renewal_age = 0", TRUE },
	{ "max_renewal_age = 1ms", FALSE },
	{ "min_rsa_bits = 3072", TRUE },
	{ "min_rsa_bits = 3072x", FALSE },
	{ "min_rsa_bits = 0x800", FALSE },
	{ "min_rsa_bits = 512", FALSE },
	{ "allow_des = yes", TRUE },
	{ "allow_des = no", TRUE },
	{ "allow_des = yess", FALSE },
};

START_TEST(test_policy)
{
	linked_list_t *policies;
	char *conf;

	ck_assert(asprintf(&conf, "policies {\n p {\n  subject = CN=%%u\n"
					   "  %s\n }\n}", policy_tests[_i].option) > 0);
	set_conf(conf);
	free(conf);
	policies = getcertd_policy_load();
	ck_assert(!policies == !policy_tests[_i].ok);
	DESTROY_FUNCTION_IF(policies, (void*)getcertd_policy_destroy);
}
END_TEST

START_TEST(test_policy_values)
{
	linked_list_t *policies;
	getcertd_policy_t *policy;

	set_conf("policies {\n p {\n  subject = CN=%u\n  lifetime = 2h\n"
			 "  backdate = 1m\n  max_renewal_age = 1d\n"
			 "  min_rsa_bits = 3072\n  allow_des = yes\n }\n}");
	policies = getcertd_policy_load();
	ck_assert(policies);
	ck_assert(policies->get_first(policies, (void**)&policy) == SUCCESS);
	ck_assert_int_eq(policy->lifetime, 7200);
	ck_assert_int_eq(policy->backdate, 60);
	ck_assert_int_eq(policy->max_renewal_age, 86400);
	ck_assert_int_eq(policy->min_rsa, 3072);
	ck_assert(policy->allow_weak);
	policies->destroy_function(policies, (void*)getcertd_policy_destroy);

	set_conf("policies {\n p {\n  subject = CN=%u\n }\n}");
	policies = getcertd_policy_load();
	ck_assert(policies);
	ck_assert(policies->get_first(policies, (void**)&policy) == SUCCESS);
	ck_assert_int_eq(policy->lifetime, 3600);
	ck_assert_int_eq(policy->backdate, 300);
	ck_assert_int_eq(policy->max_renewal_age, 86400);
	ck_assert_int_eq(policy->min_rsa, 2048);
	ck_assert(!policy->allow_weak);
	policies->destroy_function(policies, (void*)getcertd_policy_destroy);
}
END_TEST

START_TEST(test_dotted_users)
{
	linked_list_t *policies;

	set_conf("allow_dotted_users = maybe\n"
			 "policies {\n p {\n  subject = CN=%u\n }\n}");
	ck_assert(!getcertd_policy_load());
	set_conf("allow_dotted_users = yes\n"
			 "policies {\n p {\n  subject = CN=%u\n }\n}");
	policies = getcertd_policy_load();
	ck_assert(policies);
	policies->destroy_function(policies, (void*)getcertd_policy_destroy);
}
END_TEST

/**
 * A throttle or RADIUS option, and whether getcertd accepts it
 */
static struct {
	char *option;
	bool ok;
} throttle_tests[] = {
	{ "", TRUE },
	{ "throttle {\n window = 5m\n}", TRUE },
	{ "throttle {\n window = 1x\n}", FALSE },
	{ "throttle {\n window = 0\n}", FALSE },
	{ "throttle {\n max_per_address = 0\n}", TRUE },
	{ "throttle {\n max_per_address = -1\n}", FALSE },
	{ "throttle {\n max_per_user_address = 5x\n}", FALSE },
	{ "throttle {\n max_per_user = many\n}", FALSE },
	{ "throttle {\n max_entries = 10000001\n}", FALSE },
	{ "throttle {\n radius_rate = 0.5\n}", TRUE },
	{ "throttle {\n radius_rate = fast\n}", FALSE },
	{ "throttle {\n radius_rate = -1\n}", FALSE },
	{ "throttle {\n radius_burst = 0\n}", TRUE },
	{ "throttle {\n radius_burst = 1e3\n}", FALSE },
	{ "radius {\n max_concurrent = 1\n}", TRUE },
	{ "radius {\n max_concurrent = 0\n}", FALSE },
	{ "radius {\n max_concurrent = 1025\n}", FALSE },
	{ "radius {\n max_concurrent_per_address = 0\n}", TRUE },
	{ "radius {\n max_concurrent_per_address = 4k\n}", FALSE },
};

START_TEST(test_throttle)
{
	getcertd_throttle_conf_t conf;

	set_conf(throttle_tests[_i].option);
	ck_assert(getcertd_throttle_conf_load(&conf) == throttle_tests[_i].ok);
}
END_TEST

START_TEST(test_throttle_values)
{
	getcertd_throttle_conf_t conf;

	set_conf("");
	ck_assert(getcertd_throttle_conf_load(&conf));
	ck_assert_int_eq(conf.window, 60);
	ck_assert_int_eq(conf.max_per_address, 20);
	ck_assert_int_eq(conf.max_per_user_address, 5);
	ck_assert_int_eq(conf.max_per_user, 50);
	ck_assert_int_eq(conf.max_entries, 10000);
	ck_assert(conf.radius_rate == 50.0);
	ck_assert_int_eq(conf.radius_burst, 100);
	ck_assert_int_eq(conf.max_concurrent, 32);
	ck_assert_int_eq(conf.max_concurrent_per_address, 4);
	ck_assert(conf.now == NULL);

	set_conf("throttle {\n window = 2m\n max_per_address = 0\n"
			 " radius_rate = 2.5\n}\nradius {\n max_concurrent = 3\n}");
	ck_assert(getcertd_throttle_conf_load(&conf));
	ck_assert_int_eq(conf.window, 120);
	ck_assert_int_eq(conf.max_per_address, 0);
	ck_assert(conf.radius_rate == 2.5);
	ck_assert_int_eq(conf.max_concurrent, 3);
}
END_TEST

START_TEST(test_retry_after)
{
	u_int val = 0;

	set_conf("");
	ck_assert(getcertd_conf_retry_after(&val));
	ck_assert_int_eq(val, 10);
	set_conf("retry_after = 1m");
	ck_assert(getcertd_conf_retry_after(&val));
	ck_assert_int_eq(val, 60);
	set_conf("retry_after = 0");
	ck_assert(!getcertd_conf_retry_after(&val));
	set_conf("retry_after = 10 seconds");
	ck_assert(!getcertd_conf_retry_after(&val));
	set_conf("retry_after = 2d");
	ck_assert(!getcertd_conf_retry_after(&val));
}
END_TEST

/**
 * RADIUS client options (of the server, of the client), and whether
 * getcertd accepts them
 */
static struct {
	char *server;
	char *client;
	bool ok;
} radius_tests[] = {
	{ "", "", TRUE },
	{ "port = 1645", "", TRUE },
	{ "port = 0", "", FALSE },
	{ "port = 65536", "", FALSE },
	{ "port = radius", "", FALSE },
	{ "", "timeout = 3000", TRUE },
	{ "", "timeout = 3s", FALSE },
	{ "", "timeout = 0", FALSE },
	{ "", "retransmit = 0", TRUE },
	{ "", "retransmit = 11", FALSE },
	{ "", "backoff = 1.5", TRUE },
	{ "", "backoff = 0.5", FALSE },
	{ "", "backoff = 2x", FALSE },
	{ "", "max_concurrent = 1x", FALSE },
};

START_TEST(test_radius)
{
	getcertd_auth_t *auth;
	char *conf;

	ck_assert(asprintf(&conf, "radius {\n servers {\n  a {\n"
					   "   address = 127.0.0.1\n   secret = s\n   %s\n"
					   "  }\n }\n %s\n}", radius_tests[_i].server,
					   radius_tests[_i].client) > 0);
	set_conf(conf);
	free(conf);
	auth = getcertd_auth_create(NULL);
	ck_assert(!auth == !radius_tests[_i].ok);
	DESTROY_IF(auth);
}
END_TEST

START_TEST(test_auth_retry_after)
{
	getcertd_auth_t *auth;

	set_conf("retry_after = soon");
	ck_assert(!getcertd_auth_create(NULL));
	set_conf("throttle {\n window = 1x\n}");
	ck_assert(!getcertd_auth_create(NULL));
	set_conf("retry_after = 1m");
	auth = getcertd_auth_create(NULL);
	ck_assert(auth);
	auth->destroy(auth);
}
END_TEST

/**
 * Settings and whether getcertd starts with them; which of the CA, the
 * policies and RADIUS the refusal names
 */
#define CA "ca {\n cert = ca.pem\n key = ca.key\n}\n"
#define RADIUS "radius {\n servers {\n a {\n  address = 127.0.0.1\n" \
			   "  secret = s\n }\n }\n}\n"
static struct {
	char *conf;
	bool ok;
	bool ca;
	bool policies;
	bool radius;
} configured_tests[] = {
	/* the installed template: every option commented out */
	{ "# ca {\n#  cert =\n# }\n", FALSE, TRUE, TRUE, TRUE },
	{ "", FALSE, TRUE, TRUE, TRUE },
	{ CA, FALSE, FALSE, TRUE, TRUE },
	{ CA RADIUS, FALSE, FALSE, TRUE, FALSE },
	{ "ca {\n cert = ca.pem\n}\npolicies {\n p {\n  auth = challenge\n"
	  " }\n}\n", FALSE, TRUE, FALSE, FALSE },
	{ "ca {\n cert = ca.pem\n key =\n}\npolicies {\n p {\n"
	  "  auth = challenge\n }\n}\n", FALSE, TRUE, FALSE, FALSE },
	{ CA "policies {\n p {\n  subject = CN=%u\n }\n}\n",
	  FALSE, FALSE, FALSE, TRUE },
	{ CA "policies {\n p {\n  auth = challenge\n }\n q {\n"
	  "  auth = radius\n }\n}\n", FALSE, FALSE, FALSE, TRUE },
	{ CA "policies {\n p {\n  auth = challenge\n }\n}\n",
	  TRUE, FALSE, FALSE, FALSE },
	{ CA RADIUS "policies {\n p {\n  subject = CN=%u\n }\n}\n",
	  TRUE, FALSE, FALSE, FALSE },
};

/**
 * Whether the captured log holds a line starting with "  <ns>.<option>"
 */
static bool names(char *option)
{
	char *str;
	bool found;

	ck_assert(asprintf(&str, "\n  %s.%s", lib->ns, option) > 0);
	found = gt_log_contains(str);
	free(str);
	return found;
}

START_TEST(test_configured)
{
	bool ok;

	set_conf(configured_tests[_i].conf);
	gt_log_start();
	ok = getcertd_conf_configured("/etc/getcertd.conf");
	ck_assert(ok == configured_tests[_i].ok);
	ck_assert(gt_log_contains("getcertd is not configured, refusing to "
							  "start; set in /etc/getcertd.conf:\n") == !ok);
	ck_assert(gt_log_contains("\nsee getcertd.conf(5)\n") == !ok);
	ck_assert(names("ca.cert and ") == configured_tests[_i].ca);
	ck_assert(gt_log_contains("ca.key: the CA certificate and its private "
							  "key (and ") == configured_tests[_i].ca);
	ck_assert(gt_log_contains(".ca.ra_key for an RA that decrypts "
							  "requests)") == configured_tests[_i].ca);
	ck_assert(names("policies.<name>: at least one issuance policy") ==
			  configured_tests[_i].policies);
	ck_assert(names("radius.servers.<name>: the RADIUS servers") ==
			  configured_tests[_i].radius);
	gt_log_stop();
}
END_TEST

Suite *config_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("config");

	tc = tcase_create("policy");
	tcase_add_loop_test(tc, test_policy, 0, countof(policy_tests));
	tcase_add_test(tc, test_policy_values);
	tcase_add_test(tc, test_dotted_users);
	suite_add_tcase(s, tc);

	tc = tcase_create("throttle");
	tcase_add_loop_test(tc, test_throttle, 0, countof(throttle_tests));
	tcase_add_test(tc, test_throttle_values);
	suite_add_tcase(s, tc);

	tc = tcase_create("retry_after");
	tcase_add_test(tc, test_retry_after);
	suite_add_tcase(s, tc);

	tc = tcase_create("radius");
	tcase_add_loop_test(tc, test_radius, 0, countof(radius_tests));
	tcase_add_test(tc, test_auth_retry_after);
	suite_add_tcase(s, tc);

	tc = tcase_create("refused unconfigured");
	tcase_add_loop_test(tc, test_configured, 0, countof(configured_tests));
	suite_add_tcase(s, tc);

	return s;
}

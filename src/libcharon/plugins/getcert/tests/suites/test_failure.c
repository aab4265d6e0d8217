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

#include <test_suite.h>

#include "../../getcert_failure.h"
#include "getcert_test_charon.h"

#include <unistd.h>

static getcert_config_t *config;
static getcert_profile_t *profile;
static getcert_failure_t *failure;
static char *ca_path;

START_SETUP(setup_failure)
{
	config = gtc_config("     failure_backoff = 60\n"
						"     failure_backoff_max = 200", NULL, NULL,
						&ca_path);
	profile = config->get_profile(config, "carol");
	ck_assert(profile);
	failure = getcert_failure_create("carol");
}
END_SETUP

START_TEARDOWN(teardown_failure)
{
	failure->destroy(failure);
	profile->destroy(profile);
	config->destroy(config);
	unlink(ca_path);
	free(ca_path);
}
END_TEARDOWN

START_TEST(test_backoff_timing)
{
	time_t now = 1000000;

	/* no back-off before a failure */
	ck_assert_int_eq(failure->get_until(failure), 0);
	ck_assert(failure->check(failure, profile, now) == GETCERT_FAILURE_PASS);

	/* failure_backoff, doubling with each failure, at most the maximum */
	ck_assert_int_eq(failure->start(failure, profile, GETCERT_ERR_AUTH,
									"rejected", 1, now), 60);
	ck_assert_int_eq(failure->get_until(failure), now + 60);
	ck_assert(failure->check(failure, profile, now + 59) ==
			  GETCERT_FAILURE_ASK_SECRET);
	ck_assert_int_eq(failure->start(failure, profile, GETCERT_ERR_AUTH,
									"rejected", 1, now), 120);
	ck_assert_int_eq(failure->get_until(failure), now + 120);
	ck_assert_int_eq(failure->start(failure, profile, GETCERT_ERR_AUTH,
									"rejected", 1, now), 200);
	ck_assert_int_eq(failure->start(failure, profile, GETCERT_ERR_AUTH,
									"rejected", 1, now), 200);
	ck_assert_int_eq(failure->get_until(failure), now + 200);

	/* over at until: the back-off ends, the failures in a row stay */
	ck_assert(failure->check(failure, profile, now + 199) !=
			  GETCERT_FAILURE_PASS);
	ck_assert(failure->check(failure, profile, now + 200) ==
			  GETCERT_FAILURE_PASS);
	ck_assert_int_eq(failure->get_until(failure), 0);
	ck_assert_int_eq(failure->start(failure, profile, GETCERT_ERR_AUTH,
									"rejected", 1, now), 200);

	/* a success starts from failure_backoff again */
	failure->succeeded(failure);
	ck_assert_int_eq(failure->get_until(failure), 0);
	ck_assert_int_eq(failure->start(failure, profile, GETCERT_ERR_AUTH,
									"rejected", 1, now), 60);
}
END_TEST

START_TEST(test_backoff_lift)
{
	getcert_profile_t *changed;
	getcert_config_t *other;
	char msg[256], *path;
	time_t now = 1000000;

	/* a server that failed verification before a secret was sent waits */
	failure->start(failure, profile, GETCERT_ERR_TLS, "server", 0, now);
	ck_assert(failure->check(failure, profile, now + 1) ==
			  GETCERT_FAILURE_WAIT);
	failure->describe(failure, msg, sizeof(msg));
	ck_assert(strstr(msg, "server at "));
	ck_assert(strstr(msg, "unless the profile changes"));

	/* no password available: a new secret lifts it, as one sent */
	failure->start(failure, profile, GETCERT_ERR_NO_CREDENTIALS, "none", 0,
				   now);
	ck_assert(failure->check(failure, profile, now + 1) ==
			  GETCERT_FAILURE_ASK_SECRET);
	failure->describe(failure, msg, sizeof(msg));
	ck_assert(strstr(msg, "unless a new secret is loaded"));
	failure->lift(failure, profile);
	ck_assert_int_eq(failure->get_until(failure), 0);

	/* another profile object (a reload) lifts it */
	failure->start(failure, profile, GETCERT_ERR_AUTH, "rejected", 1, now);
	other = gtc_config("", NULL, NULL, &path);
	changed = other->get_profile(other, "carol");
	ck_assert(changed);
	ck_assert(failure->check(failure, changed, now + 1) ==
			  GETCERT_FAILURE_PASS);
	ck_assert_int_eq(failure->get_until(failure), 0);
	changed->destroy(changed);
	other->destroy(other);
	unlink(path);
	free(path);
}
END_TEST

START_TEST(test_backs_off)
{
	ck_assert(getcert_failure_backs_off(GETCERT_ERR_AUTH));
	ck_assert(getcert_failure_backs_off(GETCERT_ERR_REJECTED));
	ck_assert(getcert_failure_backs_off(GETCERT_ERR_NO_CREDENTIALS));
	ck_assert(!getcert_failure_backs_off(GETCERT_OK));
	ck_assert(!getcert_failure_backs_off(GETCERT_ERR_INTERNAL));
	ck_assert(!getcert_failure_backs_off(GETCERT_ERR_CANCELLED));
	ck_assert(!getcert_failure_backs_off(GETCERT_ERR_TRANSPORT));
}
END_TEST

Suite *failure_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("failure");

	tc = tcase_create("back-off");
	tcase_add_checked_fixture(tc, setup_failure, teardown_failure);
	tcase_add_test(tc, test_backoff_timing);
	tcase_add_test(tc, test_backoff_lift);
	tcase_add_test(tc, test_backs_off);
	suite_add_tcase(s, tc);

	return s;
}

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

#include <getcertd_throttle.h>

/**
 * Clock of the throttle under test, ms
 */
static uint64_t fake_now;

static uint64_t clock_cb()
{
	return fake_now;
}

/**
 * Throttle with the defaults of getcertd.opt and the fake clock
 */
static getcertd_throttle_t *create(getcertd_throttle_conf_t *conf)
{
	getcertd_throttle_conf_t defaults = {
		.window = 60,
		.max_per_address = 20,
		.max_per_user_address = 5,
		.max_per_user = 50,
		.max_entries = 10000,
		.max_concurrent = 32,
		.max_concurrent_per_address = 4,
		.radius_rate = 0,
		.radius_burst = 0,
	};

	fake_now = 1000000;
	conf = conf ?: &defaults;
	conf->now = clock_cb;
	return getcertd_throttle_create(conf);
}

/**
 * Whether user may try from client now
 */
static bool allowed(getcertd_throttle_t *t, char *user, char *client)
{
	u_int failures = 0, retry_after = 0;

	return t->check(t, user, client, &failures, &retry_after);
}

START_TEST(test_user_address)
{
	getcertd_throttle_t *t;
	u_int i, failures = 0, retry_after = 0;

	t = create(NULL);
	for (i = 0; i < 5; i++)
	{
		ck_assert(allowed(t, "carol", "10.0.0.1"));
		t->failure(t, "carol", "10.0.0.1");
		fake_now += 1000;
	}
	ck_assert(!t->check(t, "carol", "10.0.0.1", &failures, &retry_after));
	ck_assert_int_eq(failures, 5);
	/* the first failure was 5 s ago, it leaves the window in 55 s */
	ck_assert_int_eq(retry_after, 55);
	/* not the user from elsewhere, not another user from there */
	ck_assert(allowed(t, "carol", "10.0.0.2"));
	ck_assert(allowed(t, "dave", "10.0.0.1"));
	/* a prefix of the key is another key */
	ck_assert(allowed(t, "carol", "10.0.0.10"));
	ck_assert(allowed(t, "caro", "l 10.0.0.1"));
	t->destroy(t);
}
END_TEST

START_TEST(test_sliding_window)
{
	getcertd_throttle_t *t;
	u_int i;

	t = create(NULL);
	for (i = 0; i < 5; i++)
	{
		t->failure(t, "carol", "10.0.0.1");
		fake_now += 10000;
	}
	/* failures at 0, 10, 20, 30, 40 s, now 50 s */
	ck_assert(!allowed(t, "carol", "10.0.0.1"));
	fake_now += 9999;
	ck_assert(!allowed(t, "carol", "10.0.0.1"));
	fake_now += 1;
	/* the first one left the window, one try */
	ck_assert(allowed(t, "carol", "10.0.0.1"));
	t->failure(t, "carol", "10.0.0.1");
	ck_assert(!allowed(t, "carol", "10.0.0.1"));
	fake_now += 60000;
	ck_assert(allowed(t, "carol", "10.0.0.1"));
	t->destroy(t);
}
END_TEST

START_TEST(test_address)
{
	getcertd_throttle_t *t;
	char user[16];
	u_int i, failures = 0, retry_after = 0;

	t = create(NULL);
	/* guessing through many user names from one address */
	for (i = 0; i < 20; i++)
	{
		snprintf(user, sizeof(user), "user%u", i);
		ck_assert(allowed(t, user, "10.0.0.1"));
		t->failure(t, user, "10.0.0.1");
	}
	ck_assert(!t->check(t, "fresh", "10.0.0.1", &failures, &retry_after));
	ck_assert_int_eq(failures, 20);
	ck_assert_int_eq(retry_after, 60);
	ck_assert(allowed(t, "fresh", "10.0.0.2"));
	ck_assert(allowed(t, "user1", "10.0.0.2"));
	t->destroy(t);
}
END_TEST

START_TEST(test_user)
{
	getcertd_throttle_t *t;
	char client[32];
	u_int i, failures = 0, retry_after = 0;

	t = create(NULL);
	/* one address cannot lock carol out elsewhere */
	for (i = 0; i < 100; i++)
	{
		if (allowed(t, "carol", "10.0.0.1"))
		{
			t->failure(t, "carol", "10.0.0.1");
		}
	}
	ck_assert(allowed(t, "carol", "10.0.0.2"));
	/* many addresses can, up to the per-user limit */
	for (i = 0; i < 45; i++)
	{
		snprintf(client, sizeof(client), "10.1.0.%u", i);
		t->failure(t, "carol", client);
	}
	ck_assert(!t->check(t, "carol", "10.0.0.2", &failures, &retry_after));
	ck_assert_int_eq(failures, 50);
	ck_assert(allowed(t, "dave", "10.0.0.2"));
	t->destroy(t);
}
END_TEST

START_TEST(test_success)
{
	getcertd_throttle_t *t;
	u_int i;

	t = create(NULL);
	for (i = 0; i < 5; i++)
	{
		t->failure(t, "carol", "10.0.0.1");
	}
	ck_assert(!allowed(t, "carol", "10.0.0.1"));
	t->success(t, "carol", "10.0.0.1");
	ck_assert(allowed(t, "carol", "10.0.0.1"));
	/* the address and user counters stay */
	for (i = 0; i < 15; i++)
	{
		t->failure(t, "carol", "10.0.0.1");
		t->success(t, "carol", "10.0.0.1");
	}
	ck_assert(!allowed(t, "carol", "10.0.0.1"));
	ck_assert(!allowed(t, "dave", "10.0.0.1"));
	t->destroy(t);
}
END_TEST

START_TEST(test_max_entries)
{
	getcertd_throttle_conf_t conf = {
		.window = 60,
		.max_per_user_address = 1,
		.max_entries = 4,
	};
	getcertd_throttle_t *t;
	char user[16];
	u_int i;

	t = create(&conf);
	for (i = 0; i < 4; i++)
	{
		snprintf(user, sizeof(user), "user%u", i);
		t->failure(t, user, "10.0.0.1");
		fake_now += 1000;
	}
	ck_assert(!allowed(t, "user0", "10.0.0.1"));
	/* a fifth evicts the oldest */
	t->failure(t, "user4", "10.0.0.1");
	ck_assert(allowed(t, "user0", "10.0.0.1"));
	ck_assert(!allowed(t, "user1", "10.0.0.1"));
	ck_assert(!allowed(t, "user4", "10.0.0.1"));
	/* many more stay bounded, the newest counted */
	for (i = 0; i < 10000; i++)
	{
		snprintf(user, sizeof(user), "x%u", i);
		t->failure(t, user, "10.0.0.1");
	}
	ck_assert(!allowed(t, "x9999", "10.0.0.1"));
	ck_assert(allowed(t, "x0", "10.0.0.1"));
	/* expired ones go first */
	fake_now += 61000;
	t->failure(t, "late", "10.0.0.1");
	ck_assert(!allowed(t, "late", "10.0.0.1"));
	t->destroy(t);
}
END_TEST

START_TEST(test_concurrent)
{
	getcertd_throttle_conf_t conf = {
		.window = 60,
		.max_concurrent = 3,
		.max_concurrent_per_address = 2,
	};
	getcertd_throttle_t *t;
	u_int retry_after;

	t = create(&conf);
	ck_assert_int_eq(t->acquire(t, "a", &retry_after), GETCERTD_THROTTLE_OK);
	ck_assert_int_eq(t->acquire(t, "a", &retry_after), GETCERTD_THROTTLE_OK);
	ck_assert_int_eq(t->acquire(t, "a", &retry_after),
					 GETCERTD_THROTTLE_CONCURRENT);
	ck_assert_int_eq(t->acquire(t, "b", &retry_after), GETCERTD_THROTTLE_OK);
	ck_assert_int_eq(t->acquire(t, "c", &retry_after),
					 GETCERTD_THROTTLE_BUSY);
	ck_assert(retry_after >= 1);
	t->release(t, "a");
	ck_assert_int_eq(t->acquire(t, "c", &retry_after), GETCERTD_THROTTLE_OK);
	ck_assert_int_eq(t->acquire(t, "a", &retry_after),
					 GETCERTD_THROTTLE_BUSY);
	t->release(t, "a");
	t->release(t, "b");
	t->release(t, "c");
	ck_assert_int_eq(t->acquire(t, "a", &retry_after), GETCERTD_THROTTLE_OK);
	ck_assert_int_eq(t->acquire(t, "a", &retry_after), GETCERTD_THROTTLE_OK);
	t->release(t, "a");
	t->release(t, "a");
	/* releasing more than taken changes nothing */
	t->release(t, "a");
	ck_assert_int_eq(t->acquire(t, "a", &retry_after), GETCERTD_THROTTLE_OK);
	ck_assert_int_eq(t->acquire(t, "b", &retry_after), GETCERTD_THROTTLE_OK);
	ck_assert_int_eq(t->acquire(t, "c", &retry_after), GETCERTD_THROTTLE_OK);
	ck_assert_int_eq(t->acquire(t, "d", &retry_after),
					 GETCERTD_THROTTLE_BUSY);
	t->release(t, "a");
	t->release(t, "b");
	t->release(t, "c");
	t->destroy(t);
}
END_TEST

START_TEST(test_rate)
{
	getcertd_throttle_conf_t conf = {
		.window = 60,
		.radius_rate = 2,
		.radius_burst = 3,
	};
	getcertd_throttle_t *t;
	u_int i, retry_after, sent = 0;

	t = create(&conf);
	for (i = 0; i < 3; i++)
	{
		ck_assert_int_eq(t->acquire(t, "a", &retry_after),
						 GETCERTD_THROTTLE_OK);
		t->release(t, "a");
	}
	ck_assert_int_eq(t->acquire(t, "a", &retry_after),
					 GETCERTD_THROTTLE_RATE);
	ck_assert_int_eq(retry_after, 1);
	fake_now += 500;
	ck_assert_int_eq(t->acquire(t, "b", &retry_after), GETCERTD_THROTTLE_OK);
	t->release(t, "b");
	ck_assert_int_eq(t->acquire(t, "b", &retry_after),
					 GETCERTD_THROTTLE_RATE);
	/* over 10 s of hammering: burst plus 2 per second */
	for (i = 0; i < 1000; i++)
	{
		fake_now += 10;
		if (t->acquire(t, "c", &retry_after) == GETCERTD_THROTTLE_OK)
		{
			t->release(t, "c");
			sent++;
		}
	}
	ck_assert_int_eq(sent, 20);
	/* after a quiet time no more than the burst */
	fake_now += 3600 * 1000;
	for (i = 0, sent = 0; i < 10; i++)
	{
		if (t->acquire(t, "c", &retry_after) == GETCERTD_THROTTLE_OK)
		{
			t->release(t, "c");
			sent++;
		}
	}
	ck_assert_int_eq(sent, 3);
	t->destroy(t);
}
END_TEST

Suite *throttle_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("getcertd_throttle");

	tc = tcase_create("failed logins");
	tcase_add_test(tc, test_user_address);
	tcase_add_test(tc, test_sliding_window);
	tcase_add_test(tc, test_address);
	tcase_add_test(tc, test_user);
	tcase_add_test(tc, test_success);
	tcase_add_test(tc, test_max_entries);
	suite_add_tcase(s, tc);

	tc = tcase_create("RADIUS slots");
	tcase_add_test(tc, test_concurrent);
	tcase_add_test(tc, test_rate);
	suite_add_tcase(s, tc);

	return s;
}

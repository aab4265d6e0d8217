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

#include "../../getcert_renewal.h"

#include <time.h>

#include <getcert_test_certs.h>
#include <threading/mutex.h>
#include <threading/condvar.h>

static getcert_profile_opts_t opts = {
	.renew_fraction = 0.7,
	.renew_lead = 60,
	.renew_jitter = 0.1,
	.retry_interval = 30,
	.retry_max = 600,
};

START_TEST(test_time_no_rng)
{
	private_key_t *key;
	certificate_t *cert;
	time_t not_before, not_after;

	key = gt_key();
	cert = gt_cert(key, "CN=carol", NULL, NULL, NULL, FALSE, 10000);
	ck_assert(cert);
	cert->get_validity(cert, NULL, &not_before, &not_after);
	/* without an RNG there is no jitter: at 70% of the lifetime */
	ck_assert_int_eq(getcert_renewal_time(&opts, cert, NULL),
					 getcert_renew_at(&opts, not_before, not_after, 0));
	ck_assert_int_eq(getcert_renewal_time(&opts, cert, NULL),
					 not_after - (time_t)((not_after - not_before) * 0.3));
	cert->destroy(cert);
	key->destroy(key);
}
END_TEST

START_TEST(test_time_jitter)
{
	private_key_t *key;
	certificate_t *cert;
	time_t not_before, not_after, at, earliest, latest;
	rng_t *rng;
	int i;

	key = gt_key();
	cert = gt_cert(key, "CN=carol", NULL, NULL, NULL, FALSE, 10000);
	ck_assert(cert);
	cert->get_validity(cert, NULL, &not_before, &not_after);
	rng = lib->crypto->create_rng(lib->crypto, RNG_WEAK);
	ck_assert(rng);
	earliest = getcert_renew_at(&opts, not_before, not_after, 1.0);
	latest = getcert_renew_at(&opts, not_before, not_after, 0.0);
	ck_assert(earliest < latest);
	for (i = 0; i < 20; i++)
	{	/* brought forward by at most the jitter */
		at = getcert_renewal_time(&opts, cert, rng);
		ck_assert(at >= earliest && at <= latest);
	}
	rng->destroy(rng);
	cert->destroy(cert);
	key->destroy(key);
}
END_TEST

START_TEST(test_retry)
{
	/* transient: retry_interval, doubling, at most retry_max */
	ck_assert_int_eq(getcert_renewal_retry(&opts, 0, TRUE), 30);
	ck_assert_int_eq(getcert_renewal_retry(&opts, 30, TRUE), 60);
	ck_assert_int_eq(getcert_renewal_retry(&opts, 480, TRUE), 600);
	ck_assert_int_eq(getcert_renewal_retry(&opts, 600, TRUE), 600);
	/* refused: only after retry_max, whatever came before */
	ck_assert_int_eq(getcert_renewal_retry(&opts, 0, FALSE), 600);
	ck_assert_int_eq(getcert_renewal_retry(&opts, 60, FALSE), 600);
	/* at least retry_interval */
	opts.retry_max = 10;
	ck_assert_int_eq(getcert_renewal_retry(&opts, 0, FALSE), 30);
	opts.retry_max = 600;
}
END_TEST

static mutex_t *mutex;
static condvar_t *condvar;
static u_int calls;

/**
 * Count evaluations, next one in a second
 */
static u_int count_cb(void *data)
{
	ck_assert(data == &calls);
	mutex->lock(mutex);
	calls++;
	condvar->broadcast(condvar);
	mutex->unlock(mutex);
	return 1;
}

/**
 * Wait until calls reaches a number, FALSE after ms
 */
static bool wait_calls(u_int count, u_int ms)
{
	timeval_t until;
	bool ok;

	time_monotonic(&until);
	timeval_add_ms(&until, ms);
	mutex->lock(mutex);
	while (calls < count)
	{
		if (condvar->timed_wait_abs(condvar, mutex, until))
		{
			break;
		}
	}
	ok = calls >= count;
	mutex->unlock(mutex);
	return ok;
}

/**
 * Current number of calls
 */
static u_int get_calls()
{
	u_int count;

	mutex->lock(mutex);
	count = calls;
	mutex->unlock(mutex);
	return count;
}

START_SETUP(setup_tick)
{
	mutex = mutex_create(MUTEX_TYPE_DEFAULT);
	condvar = condvar_create(CONDVAR_TYPE_DEFAULT);
	calls = 0;
	if (lib->processor->get_total_threads(lib->processor) < 2)
	{
		lib->processor->set_threads(lib->processor, 2);
	}
}
END_SETUP

START_TEARDOWN(teardown_tick)
{
	condvar->destroy(condvar);
	mutex->destroy(mutex);
}
END_TEARDOWN

START_TEST(test_tick)
{
	getcert_renewal_t *renewal;
	u_int before;

	renewal = getcert_renewal_create(count_cb, &calls);
	/* nothing before the first trigger */
	ck_assert(!wait_calls(1, 300));
	renewal->trigger(renewal, 0);
	ck_assert(wait_calls(1, 2000));
	/* rescheduled after the second the evaluation asked for */
	ck_assert(wait_calls(2, 3000));
	/* a new chain supersedes the running one: one evaluation a second,
	 * not two */
	renewal->trigger(renewal, 0);
	ck_assert(wait_calls(get_calls() + 1, 2000));
	before = get_calls();
	sleep(3);
	ck_assert(get_calls() - before <= 4);
	ck_assert(get_calls() - before >= 2);
	/* a superseding chain with a delay stops the running one at once */
	renewal->trigger(renewal, 60);
	sleep(2);
	before = get_calls();
	sleep(2);
	ck_assert_int_eq(get_calls(), before);
	/* the scheduled job stays behind (it can not be cancelled) */
	lib->scheduler->flush(lib->scheduler);
	renewal->destroy(renewal);
}
END_TEST

Suite *renewal_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("getcert renewal");

	tc = tcase_create("timing");
	tcase_add_test(tc, test_time_no_rng);
	tcase_add_test(tc, test_time_jitter);
	tcase_add_test(tc, test_retry);
	suite_add_tcase(s, tc);

	tc = tcase_create("tick");
	tcase_add_checked_fixture(tc, setup_tick, teardown_tick);
	tcase_add_test(tc, test_tick);
	test_case_set_timeout(tc, 30);
	suite_add_tcase(s, tc);

	return s;
}

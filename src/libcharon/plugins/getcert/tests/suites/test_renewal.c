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

/**
 * A deterministic RNG for the jitter tests: xorshift32 from a seed
 */
typedef struct {
	rng_t rng;
	uint32_t state;
} seeded_rng_t;

METHOD(rng_t, seeded_get_bytes, bool,
	seeded_rng_t *this, size_t len, uint8_t *buffer)
{
	uint32_t x;

	while (len--)
	{
		x = this->state;
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		this->state = x;
		*buffer++ = x >> 24;
	}
	return TRUE;
}

METHOD(rng_t, seeded_destroy, void,
	seeded_rng_t *this)
{
	free(this);
}

static rng_t *seeded_rng(uint32_t seed)
{
	seeded_rng_t *this;

	INIT(this,
		.rng = {
			.get_bytes = _seeded_get_bytes,
			.destroy = _seeded_destroy,
		},
		.state = seed ?: 1,
	);
	return &this->rng;
}

START_TEST(test_random)
{
	rng_t *rng;
	double r;
	int i;

	/* no RNG: no jitter */
	ck_assert(getcert_renewal_random(NULL) == 0.0);
	rng = seeded_rng(_i + 1);
	for (i = 0; i < 1000; i++)
	{
		r = getcert_renewal_random(rng);
		ck_assert(r >= 0.0 && r < 1.0);
	}
	rng->destroy(rng);
}
END_TEST

START_TEST(test_jitter_bounds)
{
	getcert_profile_opts_t o = opts;

	/* without Retry-After within [backoff/2, backoff] */
	ck_assert_int_eq(getcert_renewal_jitter(&o, 30, 0, 0.0), 15);
	ck_assert_int_eq(getcert_renewal_jitter(&o, 30, 0, 0.5), 23);
	ck_assert_int_eq(getcert_renewal_jitter(&o, 30, 0, 0.999999), 30);
	ck_assert_int_eq(getcert_renewal_jitter(&o, 31, 0, 0.0), 16);
	ck_assert_int_eq(getcert_renewal_jitter(&o, 31, 0, 0.999999), 31);
	/* out of range randomness is clamped */
	ck_assert_int_eq(getcert_renewal_jitter(&o, 30, 0, -1.0), 15);
	ck_assert_int_eq(getcert_renewal_jitter(&o, 30, 0, 2.0), 30);
	/* never 0 */
	ck_assert_int_eq(getcert_renewal_jitter(&o, 0, 0, 0.0), 1);
	ck_assert_int_eq(getcert_renewal_jitter(&o, 1, 0, 0.9), 1);
	ck_assert_int_eq(getcert_renewal_jitter(&o, 2, 0, 0.9), 2);
	/* never before Retry-After, spread over half the back-off beyond it */
	ck_assert_int_eq(getcert_renewal_jitter(&o, 30, 10, 0.0), 15);
	ck_assert_int_eq(getcert_renewal_jitter(&o, 30, 20, 0.0), 20);
	ck_assert_int_eq(getcert_renewal_jitter(&o, 30, 20, 0.999999), 35);
	ck_assert_int_eq(getcert_renewal_jitter(&o, 30, 100, 0.0), 100);
	ck_assert_int_eq(getcert_renewal_jitter(&o, 30, 100, 0.999999), 115);
	/* never beyond retry_max (600), which caps Retry-After and back-off */
	ck_assert_int_eq(getcert_renewal_jitter(&o, 600, 0, 0.999999), 600);
	ck_assert_int_eq(getcert_renewal_jitter(&o, 5000, 0, 0.0), 300);
	ck_assert_int_eq(getcert_renewal_jitter(&o, 30, 590, 0.999999), 600);
	ck_assert_int_eq(getcert_renewal_jitter(&o, 30, 86400, 0.0), 600);
	ck_assert_int_eq(getcert_renewal_jitter(&o, 30, 86400, 0.999999), 600);
}
END_TEST

/**
 * Seeds of the spread tests
 */
static uint32_t seeds[] = { 1, 42, 0xdeadbeef, 20261202 };

START_TEST(test_jitter_spread)
{
	u_int counts[61] = {}, delay, backoff, retry_after, i, j, worst, lo, hi;
	rng_t *rng;

	rng = seeded_rng(seeds[_i]);
	/* 1000 clients of a CA outage, first retry after 60s: spread over
	 * [30, 60], no second gets more than a tenth of them */
	for (i = 0; i < 1000; i++)
	{
		delay = getcert_renewal_jitter(&opts, 60, 0,
									   getcert_renewal_random(rng));
		ck_assert(delay >= 30 && delay <= 60);
		counts[delay]++;
	}
	worst = lo = hi = 0;
	for (i = 30; i <= 60; i++)
	{
		worst = max(worst, counts[i]);
		lo = lo ?: (counts[i] ? i : 0);
		hi = counts[i] ? i : hi;
	}
	ck_assert(worst <= 100);
	/* the whole range is used */
	ck_assert(lo <= 32);
	ck_assert(hi >= 58);
	/* retries of a series with a CA that says Retry-After: never before
	 * it, never beyond retry_max */
	for (i = 0; i < 100; i++)
	{
		backoff = 0;
		retry_after = (i % 3) * 40;
		for (j = 0; j < 10; j++)
		{
			backoff = getcert_renewal_retry(&opts, backoff, TRUE);
			delay = getcert_renewal_jitter(&opts, backoff, retry_after,
										   getcert_renewal_random(rng));
			ck_assert(delay >= retry_after);
			ck_assert(delay >= backoff - backoff / 2);
			ck_assert(delay <= opts.retry_max);
		}
	}
	rng->destroy(rng);
}
END_TEST

START_TEST(test_time_spread)
{
	private_key_t *key;
	certificate_t *cert;
	time_t not_before, not_after, at, earliest, latest;
	u_int counts[128] = {}, i, worst = 0, used = 0;
	rng_t *rng;

	/* 1000 certificates issued in the same second (one here, renewed
	 * 1000 times): renewals spread over the jitter window */
	key = gt_key();
	cert = gt_cert(key, "CN=carol", NULL, NULL, NULL, FALSE, 1000);
	ck_assert(cert);
	cert->get_validity(cert, NULL, &not_before, &not_after);
	earliest = getcert_renew_at(&opts, not_before, not_after, 1.0);
	latest = getcert_renew_at(&opts, not_before, not_after, 0.0);
	/* renew_jitter 0.1 of a 1000s lifetime */
	ck_assert(latest - earliest >= 99 && latest - earliest < countof(counts));
	rng = seeded_rng(seeds[_i]);
	for (i = 0; i < 1000; i++)
	{
		at = getcert_renewal_time(&opts, cert, rng);
		ck_assert(at >= earliest && at <= latest);
		counts[latest - at]++;
	}
	for (i = 0; i < countof(counts); i++)
	{
		worst = max(worst, counts[i]);
		used += counts[i] > 0;
	}
	/* no second gets more than 3% of them, most seconds get some */
	ck_assert(worst <= 30);
	ck_assert(used >= 90);
	rng->destroy(rng);
	cert->destroy(cert);
	key->destroy(key);
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

	tc = tcase_create("jitter");
	tcase_add_loop_test(tc, test_random, 0, 3);
	tcase_add_test(tc, test_jitter_bounds);
	tcase_add_loop_test(tc, test_jitter_spread, 0, countof(seeds));
	tcase_add_loop_test(tc, test_time_spread, 0, countof(seeds));
	suite_add_tcase(s, tc);

	tc = tcase_create("tick");
	tcase_add_checked_fixture(tc, setup_tick, teardown_tick);
	tcase_add_test(tc, test_tick);
	test_case_set_timeout(tc, 30);
	suite_add_tcase(s, tc);

	return s;
}

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

#include <getcert_wait.h>

#include <threading/thread.h>

/**
 * Milliseconds elapsed since a monotonic time
 */
static u_int since_ms(timeval_t *start)
{
	timeval_t now, diff;

	time_monotonic(&now);
	timersub(&now, start, &diff);
	return diff.tv_sec * 1000 + diff.tv_usec / 1000;
}

START_TEST(test_timeout)
{
	getcert_wait_t *wait;
	timeval_t start;

	wait = getcert_wait_create();
	ck_assert(!wait->is_cancelled(wait));
	time_monotonic(&start);
	ck_assert(wait->wait(wait, 150));
	ck_assert(since_ms(&start) >= 150);
	ck_assert(!wait->is_cancelled(wait));
	wait->destroy(wait);
}
END_TEST

/**
 * Cancel after a short delay, from another thread
 */
static void *cancel_later(getcert_wait_t *wait)
{
	usleep(100000);
	wait->cancel(wait);
	return NULL;
}

START_TEST(test_cancel)
{
	getcert_wait_t *wait;
	thread_t *thread;
	timeval_t start;

	wait = getcert_wait_create();
	thread = thread_create((thread_main_t)cancel_later, wait);
	time_monotonic(&start);
	/* a minute's wait ends with the cancellation */
	ck_assert(!wait->wait(wait, 60000));
	ck_assert(since_ms(&start) < 30000);
	thread->join(thread);
	ck_assert(wait->is_cancelled(wait));
	/* and every later wait ends at once */
	time_monotonic(&start);
	ck_assert(!wait->wait(wait, 60000));
	ck_assert(since_ms(&start) < 30000);
	wait->destroy(wait);
}
END_TEST

Suite *wait_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("wait");

	tc = tcase_create("timeout");
	tcase_add_test(tc, test_timeout);
	suite_add_tcase(s, tc);

	tc = tcase_create("cancel");
	tcase_add_test(tc, test_cancel);
	suite_add_tcase(s, tc);

	return s;
}

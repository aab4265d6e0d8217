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

#include "../../getcert_running.h"

#include <time.h>
#include <unistd.h>

#include <threading/thread.h>

/**
 * An engine that counts cancel() calls
 */
typedef struct {
	/** interface, only cancel is set */
	getcert_enroll_t engine;
	/** cancel() calls */
	u_int cancelled;
} test_engine_t;

METHOD(getcert_enroll_t, engine_cancel, void,
	test_engine_t *this)
{
	this->cancelled++;
}

START_TEST(test_cancel)
{
	getcert_running_t *running;
	test_engine_t one = { .engine = { .cancel = _engine_cancel, }, };
	test_engine_t two = { .engine = { .cancel = _engine_cancel, }, };

	running = getcert_running_create();
	ck_assert(!running->is_cancelled(running));
	ck_assert(running->enter(running));
	ck_assert(running->add_engine(running, &one.engine));
	ck_assert(running->add_engine(running, &two.engine));
	running->remove_engine(running, &two.engine);

	/* the registered engines are cancelled, nothing new starts */
	running->cancel(running);
	ck_assert(running->is_cancelled(running));
	ck_assert_int_eq(one.cancelled, 1);
	ck_assert_int_eq(two.cancelled, 0);
	ck_assert(!running->enter(running));
	ck_assert(!running->add_engine(running, &two.engine));
	running->cancel(running);
	ck_assert_int_eq(two.cancelled, 0);
	running->remove_engine(running, &one.engine);

	/* the thread that entered before is still counted */
	ck_assert_int_eq(running->wait(running, 10), 1);
	running->leave(running);
	ck_assert_int_eq(running->wait(running, 10), 0);
	running->destroy(running);
}
END_TEST

/**
 * Leave after a while, on another thread
 */
static void *leave_later(getcert_running_t *running)
{
	usleep(100000);
	running->leave(running);
	return NULL;
}

START_TEST(test_wait)
{
	getcert_running_t *running;
	thread_t *thread;
	time_t start;

	running = getcert_running_create();
	ck_assert_int_eq(running->wait(running, 10), 0);
	ck_assert(running->enter(running));
	ck_assert(running->enter(running));
	running->leave(running);
	/* bounded while one is counted */
	ck_assert_int_eq(running->wait(running, 50), 1);
	/* ends as soon as the last one leaves */
	thread = thread_create((thread_main_t)leave_later, running);
	ck_assert(thread);
	start = time(NULL);
	ck_assert_int_eq(running->wait(running, 10000), 0);
	ck_assert(time(NULL) - start < 5);
	thread->join(thread);
	running->destroy(running);
}
END_TEST

Suite *running_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("running");

	tc = tcase_create("cancel");
	tcase_add_test(tc, test_cancel);
	tcase_add_test(tc, test_wait);
	suite_add_tcase(s, tc);

	return s;
}

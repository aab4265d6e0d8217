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

#include "../../getcert_controller.h"
#include "getcert_test_charon.h"

#include <unistd.h>

#include <daemon.h>
#include <threading/mutex.h>
#include <threading/condvar.h>

static gtc_manager_t *manager;
static getcert_config_t *config;
static getcert_binding_t *binding;
static char *ca_path;

/**
 * The controller the wrapper wraps, recording initiations
 */
typedef struct {
	/** implements controller_t */
	controller_t controller;
	/** initiate() calls */
	u_int initiated;
	/** connection of the last one */
	char conn[64];
	/** callback of the last one */
	controller_cb_t cb;
	/** terminate_ike() calls */
	u_int terminated;
	/** signalled on initiate() */
	condvar_t *condvar;
	/** protects initiated */
	mutex_t *mutex;
} fake_controller_t;

static fake_controller_t orig;
static controller_t *real;

METHOD(controller_t, initiate, status_t,
	fake_controller_t *this, peer_cfg_t *peer_cfg, child_cfg_t *child_cfg,
	controller_cb_t callback, void *param, u_int timeout, bool limits)
{
	this->mutex->lock(this->mutex);
	this->initiated++;
	snprintf(this->conn, sizeof(this->conn), "%s",
			 peer_cfg->get_name(peer_cfg));
	this->cb = callback;
	this->condvar->broadcast(this->condvar);
	this->mutex->unlock(this->mutex);
	peer_cfg->destroy(peer_cfg);
	DESTROY_IF(child_cfg);
	return NEED_MORE;
}

METHOD(controller_t, terminate_ike, status_t,
	fake_controller_t *this, uint32_t unique_id, bool force,
	controller_cb_t callback, void *param, u_int timeout)
{
	this->terminated = unique_id;
	return NOT_FOUND;
}

/**
 * Messages the initiation callback got
 */
static char messages[gtc_messages];

/**
 * Initiate "home" for an identity through charon's controller, with or
 * without a callback
 */
static status_t initiate_home(char *id, bool cb)
{
	controller_t *c = charon->controller;

	return c->initiate(c, gtc_conn(AUTH_CLASS_PUBKEY, id, NULL), NULL,
					   cb ? gtc_collect : NULL, cb ? messages : NULL, 0,
					   FALSE);
}

START_SETUP(setup_controller)
{
	gtc_charon_init();
	config = gtc_config("", NULL, NULL, &ca_path);
	binding = getcert_binding_create(config);
	manager = gtc_manager_create();
	orig = (fake_controller_t){
		.controller = {
			.initiate = _initiate,
			.terminate_ike = _terminate_ike,
		},
		.mutex = mutex_create(MUTEX_TYPE_DEFAULT),
		.condvar = condvar_create(CONDVAR_TYPE_DEFAULT),
	};
	real = charon->controller;
	charon->controller = &orig.controller;
	messages[0] = '\0';
}
END_SETUP

START_TEARDOWN(teardown_controller)
{
	charon->controller = real;
	orig.mutex->destroy(orig.mutex);
	orig.condvar->destroy(orig.condvar);
	manager->manager.destroy(&manager->manager);
	binding->destroy(binding);
	config->destroy(config);
	unlink(ca_path);
	free(ca_path);
	gtc_charon_deinit();
}
END_TEARDOWN

START_TEST(test_wraps)
{
	getcert_controller_t *controller;

	controller = getcert_controller_create(binding, &manager->manager);
	ck_assert(charon->controller == &controller->controller);
	/* what it does not intercept goes to the wrapped controller */
	ck_assert_int_eq(charon->controller->terminate_ike(charon->controller,
									42, FALSE, NULL, NULL, 0), NOT_FOUND);
	ck_assert_int_eq(orig.terminated, 42);
	controller->destroy(controller);
	ck_assert(charon->controller == &orig.controller);
}
END_TEST

START_TEST(test_unbound)
{
	getcert_controller_t *controller;

	controller = getcert_controller_create(binding, &manager->manager);
	/* not bound to a profile: straight through, no enrollment */
	ck_assert_int_eq(initiate_home("dave@example.org", TRUE), NEED_MORE);
	ck_assert_int_eq(orig.initiated, 1);
	ck_assert(orig.cb == gtc_collect);
	ck_assert_int_eq(manager->acquired, 0);
	controller->destroy(controller);
}
END_TEST

START_TEST(test_bound_acquired)
{
	getcert_controller_t *controller;

	manager->acquire_result = TRUE;
	controller = getcert_controller_create(binding, &manager->manager);
	/* the certificate first, on the caller's thread, then IKE_SA_INIT */
	ck_assert_int_eq(initiate_home("carol@example.org", TRUE), NEED_MORE);
	ck_assert_int_eq(manager->acquired, 1);
	ck_assert_str_eq(manager->profile, "carol");
	ck_assert_str_eq(manager->conn, "home");
	ck_assert_int_eq(orig.initiated, 1);
	ck_assert_str_eq(orig.conn, "home");
	controller->destroy(controller);
}
END_TEST

START_TEST(test_bound_no_cert)
{
	getcert_controller_t *controller;

	manager->acquire_result = FALSE;
	controller = getcert_controller_create(binding, &manager->manager);
	/* no certificate: aborted before any IKE_SA, the caller is told */
	ck_assert_int_eq(initiate_home("carol@example.org", TRUE), FAILED);
	ck_assert_int_eq(manager->acquired, 1);
	ck_assert_int_eq(orig.initiated, 0);
	ck_assert(strstr(messages, "getcert: initiating 'home' aborted: no "
					 "certificate for profile 'carol'"));
	ck_assert(gtc_log_contains("getcert: initiating 'home' aborted"));
	controller->destroy(controller);
}
END_TEST

/**
 * Wait for an initiation of the wrapped controller, FALSE after 5 s
 */
static bool wait_initiated(u_int count)
{
	timeval_t until;

	time_monotonic(&until);
	timeval_add_ms(&until, 5000);
	orig.mutex->lock(orig.mutex);
	while (orig.initiated < count &&
		   !orig.condvar->timed_wait_abs(orig.condvar, orig.mutex, until))
	{
	}
	count = orig.initiated >= count;
	orig.mutex->unlock(orig.mutex);
	return count;
}

START_TEST(test_deferred)
{
	getcert_controller_t *controller;
	int i;

	if (lib->processor->get_total_threads(lib->processor) < 2)
	{
		lib->processor->set_threads(lib->processor, 2);
	}
	manager->acquire_result = TRUE;
	controller = getcert_controller_create(binding, &manager->manager);
	/* without a callback (start action) it enrolls in a job, then
	 * initiates from there */
	ck_assert_int_eq(initiate_home("carol@example.org", FALSE), SUCCESS);
	ck_assert(wait_initiated(1));
	ck_assert_int_eq(manager->acquired, 1);
	ck_assert_str_eq(orig.conn, "home");
	ck_assert(orig.cb == NULL);

	/* without a certificate the deferred initiation is dropped */
	manager->acquire_result = FALSE;
	ck_assert_int_eq(initiate_home("carol@example.org", FALSE), SUCCESS);
	for (i = 0; i < 500 && !gtc_log_contains("aborted"); i++)
	{
		usleep(10000);
	}
	ck_assert_int_eq(manager->acquired, 2);
	ck_assert_int_eq(orig.initiated, 1);
	ck_assert(gtc_log_contains("getcert: initiating 'home' aborted: no "
							   "certificate for profile 'carol'"));
	controller->destroy(controller);
}
END_TEST

Suite *controller_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("getcert controller");

	tc = tcase_create("initiate");
	tcase_add_checked_fixture(tc, setup_controller, teardown_controller);
	tcase_add_test(tc, test_wraps);
	tcase_add_test(tc, test_unbound);
	tcase_add_test(tc, test_bound_acquired);
	tcase_add_test(tc, test_bound_no_cert);
	tcase_add_test(tc, test_deferred);
	test_case_set_timeout(tc, 30);
	suite_add_tcase(s, tc);

	return s;
}

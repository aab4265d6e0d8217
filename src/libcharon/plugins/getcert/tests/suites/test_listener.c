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

#include "../../getcert_listener.h"
#include "getcert_test_charon.h"

#include <unistd.h>

#include <daemon.h>
#include <getcert_test_certs.h>

static gtc_manager_t *manager;
static getcert_creds_t *creds;
static getcert_config_t *config;
static getcert_binding_t *binding;
static getcert_listener_t *listener;
static char *ca_path;
static private_key_t *key;
static certificate_t *ours, *other;

/**
 * A fake IKE_SA, with what the listener asks
 */
typedef struct {
	/** the interface, only the methods the listener calls are set */
	ike_sa_t ike_sa;
	/** state */
	ike_sa_state_t state;
	/** connection, or NULL */
	peer_cfg_t *peer_cfg;
	/** local auth rounds, auth_cfg_t* */
	linked_list_t *auths;
	/** IKE_SA id */
	ike_sa_id_t *id;
	/** unique id */
	uint32_t unique;
} fake_ike_sa_t;

METHOD(ike_sa_t, get_state, ike_sa_state_t,
	fake_ike_sa_t *this)
{
	return this->state;
}

METHOD(ike_sa_t, get_peer_cfg, peer_cfg_t*,
	fake_ike_sa_t *this)
{
	return this->peer_cfg;
}

METHOD(ike_sa_t, create_auth_cfg_enumerator, enumerator_t*,
	fake_ike_sa_t *this, bool local)
{
	ck_assert(local);
	return this->auths->create_enumerator(this->auths);
}

METHOD(ike_sa_t, get_name, char*,
	fake_ike_sa_t *this)
{
	return "home";
}

METHOD(ike_sa_t, get_unique_id, uint32_t,
	fake_ike_sa_t *this)
{
	return this->unique;
}

METHOD(ike_sa_t, get_id, ike_sa_id_t*,
	fake_ike_sa_t *this)
{
	return this->id;
}

/**
 * Create a fake IKE_SA, authenticated with cert if not NULL
 */
static fake_ike_sa_t *fake_ike_sa(ike_sa_state_t state, char *conn_id,
								  certificate_t *cert, uint32_t unique)
{
	fake_ike_sa_t *this;
	auth_cfg_t *auth;

	INIT(this,
		.ike_sa = {
			.get_state = _get_state,
			.get_peer_cfg = _get_peer_cfg,
			.create_auth_cfg_enumerator = _create_auth_cfg_enumerator,
			.get_name = _get_name,
			.get_unique_id = _get_unique_id,
			.get_id = _get_id,
		},
		.state = state,
		.peer_cfg = conn_id ? gtc_conn(AUTH_CLASS_PUBKEY, conn_id, NULL) : NULL,
		.auths = linked_list_create(),
		.id = ike_sa_id_create(IKEV2, unique, unique + 1, TRUE),
		.unique = unique,
	);
	auth = auth_cfg_create();
	if (cert)
	{
		auth->add(auth, AUTH_RULE_SUBJECT_CERT, cert->get_ref(cert));
	}
	this->auths->insert_last(this->auths, auth);
	return this;
}

/**
 * Destroy a fake IKE_SA
 */
static void fake_ike_sa_destroy(fake_ike_sa_t *this)
{
	DESTROY_IF(this->peer_cfg);
	this->auths->destroy_offset(this->auths, offsetof(auth_cfg_t, destroy));
	this->id->destroy(this->id);
	free(this);
}

/**
 * A fake IKE_SA manager enumerating fake IKE_SAs
 */
typedef struct {
	/** the interface, only create_enumerator is set */
	ike_sa_manager_t manager;
	/** IKE_SAs, ike_sa_t* */
	linked_list_t *sas;
} fake_sa_manager_t;

METHOD(ike_sa_manager_t, create_enumerator, enumerator_t*,
	fake_sa_manager_t *this, bool wait)
{
	return this->sas->create_enumerator(this->sas);
}

START_SETUP(setup_listener)
{
	private_key_t *ca_key, *other_key;
	certificate_t *ca;

	gtc_charon_init();
	/* no processor threads: queued jobs stay queued, to be counted */
	lib->processor->set_threads(lib->processor, 0);
	config = gtc_config("", &ca_key, &ca, &ca_path);
	binding = getcert_binding_create(config);
	manager = gtc_manager_create();
	creds = getcert_creds_create();
	listener = getcert_listener_create(binding, &manager->manager, creds);
	key = gt_key();
	ours = gt_cert(key, "CN=carol@example.org", "carol@example.org", ca_key,
				   ca, FALSE, 600);
	other_key = gt_key();
	other = gt_cert(other_key, "CN=carol@example.org", "carol@example.org",
					ca_key, ca, FALSE, 600);
	ck_assert(ours && other);
	/* ours is the one the credential set holds */
	ck_assert(creds->install(creds, "carol", ours->get_ref(ours),
							 key->get_ref(key), ca));
	other_key->destroy(other_key);
	ca->destroy(ca);
	ca_key->destroy(ca_key);
}
END_SETUP

START_TEARDOWN(teardown_listener)
{
	listener->destroy(listener);
	manager->manager.destroy(&manager->manager);
	creds->destroy(creds);
	binding->destroy(binding);
	config->destroy(config);
	ours->destroy(ours);
	other->destroy(other);
	key->destroy(key);
	unlink(ca_path);
	free(ca_path);
	gtc_charon_deinit();
}
END_TEARDOWN

START_TEST(test_connecting_triggers)
{
	fake_ike_sa_t *bound, *unbound, *none;
	listener_t *l = &listener->listener;

	bound = fake_ike_sa(IKE_CONNECTING, "carol@example.org", NULL, 1);
	unbound = fake_ike_sa(IKE_CONNECTING, "dave@example.org", NULL, 2);
	none = fake_ike_sa(IKE_CONNECTING, NULL, NULL, 3);

	/* only a bound connection that starts connecting triggers */
	ck_assert(l->ike_state_change(l, &bound->ike_sa, IKE_ESTABLISHED));
	ck_assert(l->ike_state_change(l, &bound->ike_sa, IKE_DELETING));
	ck_assert_int_eq(manager->triggered, 0);
	ck_assert(l->ike_state_change(l, &bound->ike_sa, IKE_CONNECTING));
	ck_assert_int_eq(manager->triggered, 1);
	ck_assert_str_eq(manager->profile, "carol");
	ck_assert(l->ike_state_change(l, &unbound->ike_sa, IKE_CONNECTING));
	ck_assert(l->ike_state_change(l, &none->ike_sa, IKE_CONNECTING));
	ck_assert_int_eq(manager->triggered, 1);
	/* the hook never blocks: no enrollment, no job */
	ck_assert_int_eq(manager->acquired, 0);
	ck_assert_int_eq(lib->scheduler->get_job_load(lib->scheduler), 0);

	fake_ike_sa_destroy(bound);
	fake_ike_sa_destroy(unbound);
	fake_ike_sa_destroy(none);
}
END_TEST

START_TEST(test_updown_caps_lifetime)
{
	fake_ike_sa_t *with_ours, *with_other, *without;
	listener_t *l = &listener->listener;
	u_int load;

	with_ours = fake_ike_sa(IKE_ESTABLISHED, "carol@example.org", ours, 1);
	with_other = fake_ike_sa(IKE_ESTABLISHED, "carol@example.org", other, 2);
	without = fake_ike_sa(IKE_ESTABLISHED, "carol@example.org", NULL, 3);
	load = lib->scheduler->get_job_load(lib->scheduler);

	/* an IKE_SA that goes down, or did not use our certificate: nothing */
	ck_assert(l->ike_updown(l, &with_ours->ike_sa, FALSE));
	ck_assert(l->ike_updown(l, &with_other->ike_sa, TRUE));
	ck_assert(l->ike_updown(l, &without->ike_sa, TRUE));
	ck_assert_int_eq(lib->scheduler->get_job_load(lib->scheduler), load);

	/* one authenticated with ours ends with the certificate */
	ck_assert(l->ike_updown(l, &with_ours->ike_sa, TRUE));
	ck_assert_int_eq(lib->scheduler->get_job_load(lib->scheduler), load + 1);
	ck_assert(gtc_log_contains("getcert: IKE_SA home[1] ends at"));
	ck_assert(gtc_log_contains("with its certificate unless "
							   "reauthenticated"));

	fake_ike_sa_destroy(with_ours);
	fake_ike_sa_destroy(with_other);
	fake_ike_sa_destroy(without);
}
END_TEST

START_TEST(test_rekey_keeps_cap)
{
	fake_ike_sa_t *old, *new, *other_old;
	listener_t *l = &listener->listener;
	u_int load;

	old = fake_ike_sa(IKE_REKEYING, "carol@example.org", ours, 1);
	new = fake_ike_sa(IKE_ESTABLISHED, "carol@example.org", NULL, 2);
	other_old = fake_ike_sa(IKE_REKEYING, "carol@example.org", other, 3);
	load = lib->scheduler->get_job_load(lib->scheduler);

	ck_assert(l->ike_rekey(l, &other_old->ike_sa, &new->ike_sa));
	ck_assert_int_eq(lib->scheduler->get_job_load(lib->scheduler), load);
	/* the new IKE_SA inherits the old one's authentication and cap */
	ck_assert(l->ike_rekey(l, &old->ike_sa, &new->ike_sa));
	ck_assert_int_eq(lib->scheduler->get_job_load(lib->scheduler), load + 1);
	ck_assert(gtc_log_contains("getcert: IKE_SA home[2] ends at"));

	fake_ike_sa_destroy(old);
	fake_ike_sa_destroy(new);
	fake_ike_sa_destroy(other_old);
}
END_TEST

/**
 * Raise an alert on the listener
 */
static bool alert(listener_t *l, alert_t alert, ...)
{
	va_list args;
	bool keep;

	va_start(args, alert);
	keep = l->alert(l, NULL, alert, args);
	va_end(args);
	return keep;
}

START_TEST(test_shutdown_cancels)
{
	listener_t *l = &listener->listener;

	ck_assert(alert(l, ALERT_RETRANSMIT_SEND, NULL, 1));
	ck_assert_int_eq(manager->cancelled, 0);
	ck_assert(alert(l, ALERT_SHUTDOWN_SIGNAL, SIGTERM));
	ck_assert_int_eq(manager->cancelled, 1);
}
END_TEST

START_TEST(test_reauthenticate)
{
	fake_sa_manager_t sa_manager = {
		.manager = {
			.create_enumerator = _create_enumerator,
		},
		.sas = linked_list_create(),
	};
	fake_ike_sa_t *uses, *uses2, *connecting, *uses_other;
	getcert_profile_t *profile;
	u_int load;

	uses = fake_ike_sa(IKE_ESTABLISHED, "carol@example.org", ours, 11);
	uses2 = fake_ike_sa(IKE_ESTABLISHED, "carol@example.org", ours, 12);
	connecting = fake_ike_sa(IKE_CONNECTING, "carol@example.org", ours, 13);
	uses_other = fake_ike_sa(IKE_ESTABLISHED, "carol@example.org", other, 14);
	sa_manager.sas->insert_last(sa_manager.sas, uses);
	sa_manager.sas->insert_last(sa_manager.sas, connecting);
	sa_manager.sas->insert_last(sa_manager.sas, uses_other);
	sa_manager.sas->insert_last(sa_manager.sas, uses2);
	charon->ike_sa_manager = &sa_manager.manager;
	profile = config->get_profile(config, "carol");
	ck_assert(profile);
	load = lib->processor->get_job_load(lib->processor, JOB_PRIO_MEDIUM);

	/* the established IKE_SAs that used the replaced certificate, only */
	listener->reauthenticate(listener, profile, ours);
	ck_assert_int_eq(lib->processor->get_job_load(lib->processor,
												  JOB_PRIO_MEDIUM), load + 2);
	ck_assert(gtc_log_contains("getcert: profile 'carol': reauthenticating "
							   "IKE_SA home[11] with the new certificate"));
	ck_assert(gtc_log_contains("IKE_SA home[12] with the new"));
	ck_assert(!gtc_log_contains("home[13]"));
	ck_assert(!gtc_log_contains("home[14]"));

	charon->ike_sa_manager = NULL;
	profile->destroy(profile);
	sa_manager.sas->destroy_function(sa_manager.sas,
									 (void*)fake_ike_sa_destroy);
}
END_TEST

Suite *listener_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("getcert listener");

	tc = tcase_create("hooks");
	tcase_add_checked_fixture(tc, setup_listener, teardown_listener);
	tcase_add_test(tc, test_connecting_triggers);
	tcase_add_test(tc, test_updown_caps_lifetime);
	tcase_add_test(tc, test_rekey_keeps_cap);
	tcase_add_test(tc, test_shutdown_cancels);
	tcase_add_test(tc, test_reauthenticate);
	suite_add_tcase(s, tc);

	return s;
}

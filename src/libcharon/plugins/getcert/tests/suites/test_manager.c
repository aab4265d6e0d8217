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

#include "../../getcert_manager.h"
#include "../../getcert_store.h"
#include "getcert_test_charon.h"

#include <unistd.h>

#include <getcert_test_ca.h>
#include <getcert_test_certs.h>
#include <threading/mutex.h>

static getcert_config_t *config;
static getcert_creds_t *creds;
static getcert_manager_t *manager;
static getcert_profile_t *profile;
static private_key_t *ca_key;
static certificate_t *ca;
static char *ca_path, dir[64];

/**
 * In-process CA the enrollments of the "enrollment" case talk to, or NULL
 */
static gt_ca_t *test_ca;

/**
 * Capabilities of the in-process CA
 */
#define TEST_CA_CAPS "Renewal\nSHA-256\nAES\nSCEPStandard\nPOSTPKIOperation"

/**
 * Certificates reported replaced, and the last one
 */
static u_int replaced_count;
static certificate_t *replaced_cert;
static mutex_t *replaced_lock;

/**
 * A transport over the in-process CA, counting like libcurl's
 */
typedef struct {
	/** transport interface, handed to the client */
	getcert_curl_t curl;
	/** requests sent */
	u_int requests;
	/** HTTP authentication of the client: user, callback, its data */
	identification_t *user;
	getcert_credential_cb_t cb;
	void *data;
} test_curl_t;

/**
 * Passwords the EST transport asked the credential callback for
 */
static u_int password_asks;

METHOD(getcert_transport_t, tc_est_request, getcert_err_t,
	test_curl_t *this, char *operation, char *content_type, chunk_t message,
	getcert_http_reply_t *reply)
{
	chunk_t secret = chunk_empty;
	bool ok;

	this->requests++;
	if (streq(operation, "simpleenroll") ||
		streq(operation, "serverkeygen") ||
		(streq(operation, "simplereenroll") && !test_ca->est_client))
	{	/* HTTP Basic, as getcertd answers these with 401 first (its
		 * /serverkeygen also on renewal, with a TLS client certificate) */
		password_asks++;
		ok = this->cb && this->cb(this->data, this->user, NULL, 1, &secret) &&
			 chunk_equals(secret, chunk_from_str("carol-pw"));
		chunk_clear(&secret);
		if (!ok)
		{
			*reply = (getcert_http_reply_t){};
			return GETCERT_ERR_AUTH;
		}
	}
	return test_ca->transport.est_request(&test_ca->transport, operation,
										  content_type, message, reply);
}

METHOD(getcert_transport_t, tc_set_client_auth, bool,
	test_curl_t *this, certificate_t *cert, private_key_t *key)
{
	return test_ca->transport.set_client_auth(&test_ca->transport, cert, key);
}

METHOD(getcert_transport_t, tc_request, getcert_err_t,
	test_curl_t *this, char *operation, chunk_t message, bool post,
	chunk_t *body, char **type)
{
	this->requests++;
	return test_ca->transport.request(&test_ca->transport, operation,
									  message, post, body, type);
}

METHOD(getcert_transport_t, tc_is_authenticated, bool,
	test_curl_t *this)
{
	return test_ca->transport.is_authenticated(&test_ca->transport);
}

METHOD(getcert_transport_t, tc_trust_ca, bool,
	test_curl_t *this, certificate_t *cert)
{
	return test_ca->transport.trust_ca(&test_ca->transport, cert);
}

METHOD(getcert_transport_t, tc_destroy, void,
	test_curl_t *this)
{
	DESTROY_IF(this->user);
	free(this);
}

METHOD(getcert_curl_t, tc_get_requests, u_int,
	test_curl_t *this)
{
	return this->requests;
}

METHOD(getcert_curl_t, tc_get_connects, u_int,
	test_curl_t *this)
{
	return 0;
}

METHOD(getcert_curl_t, tc_get_retry_after, u_int,
	test_curl_t *this)
{
	return 0;
}

METHOD(getcert_curl_t, tc_forget, void,
	test_curl_t *this)
{	/* as libcurl's: the TLS client credentials are wiped */
	if (test_ca->transport.set_client_auth)
	{
		test_ca->transport.set_client_auth(&test_ca->transport, NULL, NULL);
	}
}

/**
 * Client constructor handed to the manager (a getcert_client_constructor_t):
 * libgetcert's client over the in-process CA
 */
static getcert_client_t *test_client_create(getcert_client_params_t *params)
{
	test_curl_t *this;

	INIT(this,
		.curl = {
			.transport = {
				.request = _tc_request,
				.is_authenticated = _tc_is_authenticated,
				.trust_ca = _tc_trust_ca,
				.destroy = _tc_destroy,
			},
			.get_requests = _tc_get_requests,
			.get_connects = _tc_get_connects,
			.get_retry_after = _tc_get_retry_after,
			.forget = _tc_forget,
		},
		.user = params->user ? params->user->clone(params->user) : NULL,
		.cb = params->cb,
		.data = params->data,
	);
	if (params->protocol == GETCERT_PROTOCOL_EST)
	{
		this->curl.transport.est_request = _tc_est_request;
		this->curl.transport.set_client_auth = _tc_set_client_auth;
	}
	return getcert_client_create_on(params, &this->curl);
}

/**
 * The manager reports a replaced certificate (a getcert_replaced_cb_t)
 */
static void replaced(void *data, getcert_profile_t *profile,
					 certificate_t *old)
{
	replaced_lock->lock(replaced_lock);
	replaced_count++;
	DESTROY_IF(replaced_cert);
	replaced_cert = old->get_ref(old);
	replaced_lock->unlock(replaced_lock);
}

/**
 * Messages the initiation callback got
 */
static char messages[gtc_messages];

/**
 * Save a pair for carol issued by a CA, valid for lifetime seconds
 */
static certificate_t *save_pair(private_key_t *signer, certificate_t *issuer,
								int lifetime)
{
	getcert_store_t *store;
	certificate_t *cert;
	private_key_t *key;

	key = gt_key();
	cert = gt_cert(key, "CN=carol@example.org", "carol@example.org",
				   signer, issuer, FALSE, lifetime);
	ck_assert(cert);
	store = getcert_store_create(dir);
	ck_assert(store);
	ck_assert(store->save(store, "carol", cert, key));
	store->destroy(store);
	key->destroy(key);
	return cert;
}

/**
 * Whether the store holds a pair for carol
 */
static bool saved()
{
	getcert_store_t *store;
	certificate_t *cert;
	private_key_t *key;
	bool found;

	store = getcert_store_create(dir);
	ck_assert(store);
	found = store->load(store, "carol", &cert, &key);
	if (found)
	{
		cert->destroy(cert);
		key->destroy(key);
	}
	store->destroy(store);
	return found;
}

/**
 * Remove dir and the files in it
 */
static void remove_dir()
{
	enumerator_t *enumerator;
	char *file;

	enumerator = enumerator_create_directory(dir);
	while (enumerator && enumerator->enumerate(enumerator, NULL, &file, NULL))
	{
		unlink(file);
	}
	DESTROY_IF(enumerator);
	ck_assert(rmdir(dir) == 0);
}

/**
 * Create the manager for the config, persisting to dir
 */
static void create_manager()
{
	lib->settings->set_str(lib->settings, "%s.plugins.getcert.persist_dir",
						   dir, lib->ns);
	manager = getcert_manager_create(config, creds,
									 test_ca ? test_client_create : NULL);
}

START_SETUP(setup_manager)
{
	gtc_charon_init();
	if (lib->processor->get_total_threads(lib->processor) < 2)
	{
		lib->processor->set_threads(lib->processor, 2);
	}
	strcpy(dir, "/tmp/getcert-manager-XXXXXX");
	ck_assert(mkdtemp(dir));
	config = gtc_config("     timeout = 5", &ca_key,
						&ca, &ca_path);
	profile = config->get_profile(config, "carol");
	ck_assert(profile);
	creds = getcert_creds_create();
	messages[0] = '\0';
	manager = NULL;
	test_ca = NULL;
}
END_SETUP

START_SETUP(setup_enrollment)
{
	gtc_charon_init();
	if (lib->processor->get_total_threads(lib->processor) < 2)
	{
		lib->processor->set_threads(lib->processor, 2);
	}
	strcpy(dir, "/tmp/getcert-manager-XXXXXX");
	ck_assert(mkdtemp(dir));
	test_ca = gt_ca_create(TEST_CA_CAPS);
	ck_assert(test_ca && test_ca->ca);
	ca = test_ca->ca->get_ref(test_ca->ca);
	ca_key = test_ca->key->get_ref(test_ca->key);
	/* the CA issues for 660s from 60s ago: renewal is due after a tenth
	 * of that, in about 6s */
	config = gtc_config_ca("     timeout = 5\n"
						   "     renew_lead = 1h\n"
						   "     renew_jitter = 0\n"
						   "     failure_backoff = 1h", ca, &ca_path);
	profile = config->get_profile(config, "carol");
	ck_assert(profile);
	creds = getcert_creds_create();
	messages[0] = '\0';
	manager = NULL;
	replaced_count = 0;
	replaced_cert = NULL;
	replaced_lock = mutex_create(MUTEX_TYPE_DEFAULT);
}
END_SETUP

/**
 * Secrets of the EST enrollments
 */
static mem_cred_t *secrets;

/**
 * Set up an EST profile with the given option lines added
 */
static void est_setup(char *options)
{
	char body[512];

	gtc_charon_init();
	if (lib->processor->get_total_threads(lib->processor) < 2)
	{
		lib->processor->set_threads(lib->processor, 2);
	}
	strcpy(dir, "/tmp/getcert-manager-XXXXXX");
	ck_assert(mkdtemp(dir));
	test_ca = gt_ca_create(TEST_CA_CAPS);
	ck_assert(test_ca && test_ca->ca);
	ca = test_ca->ca->get_ref(test_ca->ca);
	ca_key = test_ca->key->get_ref(test_ca->key);
	/* renewal due in about 6s, as in setup_enrollment */
	snprintf(body, sizeof(body), "     protocol = est\n"
			 "     key_type = ecdsa\n"
			 "     timeout = 5\n"
			 "     renew_lead = 1h\n"
			 "     renew_jitter = 0\n"
			 "     failure_backoff = 1h%s", options);
	config = gtc_config_ca(body, ca, &ca_path);
	profile = config->get_profile(config, "carol");
	ck_assert(profile);
	ck_assert_int_eq(profile->get_protocol(profile), GETCERT_PROTOCOL_EST);
	creds = getcert_creds_create();
	secrets = mem_cred_create();
	gtc_add_secret(secrets, SHARED_EAP, "carol-pw", "carol", NULL);
	lib->credmgr->add_set(lib->credmgr, &secrets->set);
	password_asks = 0;
	messages[0] = '\0';
	manager = NULL;
	replaced_count = 0;
	replaced_cert = NULL;
	replaced_lock = mutex_create(MUTEX_TYPE_DEFAULT);
}

START_SETUP(setup_est)
{
	est_setup("");
	ck_assert(!profile->server_keygen(profile));
}
END_SETUP

START_SETUP(setup_est_keygen)
{
	est_setup("\n     server_keygen = yes");
	ck_assert(profile->server_keygen(profile));
}
END_SETUP

START_TEARDOWN(teardown_manager)
{
	/* as charon: no job runs or fires once the manager is gone */
	lib->processor->cancel(lib->processor);
	lib->scheduler->flush(lib->scheduler);
	if (manager)
	{
		manager->destroy(manager);
	}
	ck_assert(!creds->get_cert(creds, "carol"));
	creds->destroy(creds);
	if (test_ca)
	{
		test_ca->destroy(test_ca);
		DESTROY_IF(replaced_cert);
		replaced_lock->destroy(replaced_lock);
	}
	profile->destroy(profile);
	config->destroy(config);
	ca->destroy(ca);
	ca_key->destroy(ca_key);
	unlink(ca_path);
	free(ca_path);
	remove_dir();
	gtc_charon_deinit();
}
END_TEARDOWN

START_TEARDOWN(teardown_est)
{
	lib->credmgr->remove_set(lib->credmgr, &secrets->set);
	secrets->destroy(secrets);
	teardown_manager(_i);
}
END_TEARDOWN

START_TEST(test_loads_saved)
{
	certificate_t *cert, *installed;

	cert = save_pair(ca_key, ca, 3600);
	create_manager();
	/* the saved pair is in the credential set, which owns it */
	installed = creds->get_cert(creds, "carol");
	ck_assert(installed);
	ck_assert(installed->equals(installed, cert));
	installed->destroy(installed);
	ck_assert(creds->is_ours(creds, cert));
	ck_assert(gtc_log_contains("getcert: profile 'carol': loaded saved "
							   "'carol@example.org'"));

	/* valid and not due: an initiation goes ahead, no CA contact */
	ck_assert(manager->acquire(manager, profile, "home", gtc_collect,
							   messages));
	ck_assert_str_eq(messages, "");
	ck_assert(!gtc_log_contains("waits for"));
	cert->destroy(cert);
}
END_TEST

START_TEST(test_saved_untrusted)
{
	certificate_t *cert, *other_ca;
	private_key_t *other_key;

	other_key = gt_key();
	other_ca = gt_cert(other_key, "CN=Other CA", NULL, NULL, NULL, TRUE, 3600);
	cert = save_pair(other_key, other_ca, 3600);
	create_manager();
	/* a saved pair that does not chain to ca_cert is never installed */
	ck_assert(!creds->get_cert(creds, "carol"));
	ck_assert(!creds->is_ours(creds, cert));
	ck_assert(gtc_log_contains("saved certificate 'CN=carol@example.org' "
							   "is not valid for the profile, ignored"));
	cert->destroy(cert);
	other_ca->destroy(other_ca);
	other_key->destroy(other_key);
}
END_TEST

START_TEST(test_reload_removed)
{
	certificate_t *cert;

	cert = save_pair(ca_key, ca, 3600);
	create_manager();
	ck_assert(creds->get_cert(creds, "carol") != NULL);
	ck_assert(lib->settings->load_string(lib->settings, "", FALSE));
	ck_assert_int_eq(config->reload(config), 0);
	manager->reload(manager);
	/* the pair goes with its profile, the certificate stays ours for the
	 * IKE_SAs that used it */
	ck_assert(!creds->get_cert(creds, "carol"));
	ck_assert(creds->is_ours(creds, cert));
	ck_assert(gtc_log_contains("getcert: profile 'carol' removed, its "
							   "certificate too"));
	/* removed from the set, not from the disk */
	ck_assert(saved());
	cert->destroy(cert);
}
END_TEST

START_TEST(test_enroll_ca_down)
{
	create_manager();
	/* nothing listens at the CA: the initiation waits for the enrollment,
	 * which fails; the caller is told */
	ck_assert(!manager->acquire(manager, profile, "home", gtc_collect,
								messages));
	ck_assert(strstr(messages, "getcert: profile 'carol': connection 'home' "
					 "waits for enrollment"));
	ck_assert(strstr(messages, "getcert: profile 'carol': enrollment "
					 "failed, see the log for the reason"));
	ck_assert(gtc_log_contains("getcert: profile 'carol': enrollment of "
							   "'carol@example.org' failed: "));
	ck_assert(!creds->get_cert(creds, "carol"));
	/* a transport error starts no back-off: the next one tries again;
	 * a background retry is scheduled within [interval/2, interval] */
	ck_assert(!gtc_log_contains("back-off"));
	ck_assert(gtc_log_contains("getcert: profile 'carol': next attempt at "));
	ck_assert(gtc_log_contains(", Retry-After 0s)"));
	messages[0] = '\0';
	ck_assert(!manager->acquire(manager, profile, "home", gtc_collect,
								messages));
	ck_assert(strstr(messages, "waits for enrollment"));
	ck_assert(!saved());
}
END_TEST

START_TEST(test_cancelled)
{
	create_manager();
	manager->cancel(manager);
	/* no new enrollment once cancelled, no wait */
	ck_assert(!manager->acquire(manager, profile, "home", gtc_collect,
								messages));
	ck_assert_str_eq(messages, "");
	manager->trigger(manager, profile);
	ck_assert(!gtc_log_contains("enrollment of"));
}
END_TEST

START_TEST(test_expired_removed)
{
	certificate_t *cert, *installed;
	int i;

	cert = save_pair(ca_key, ca, 3);
	create_manager();
	installed = creds->get_cert(creds, "carol");
	ck_assert(installed);
	installed->destroy(installed);
	/* the tick notices the expiry by wall clock and drops the pair, from
	 * the set and the disk */
	for (i = 0; i < 100 && creds->get_cert(creds, "carol"); i++)
	{
		usleep(100000);
	}
	ck_assert(!creds->get_cert(creds, "carol"));
	for (i = 0; i < 20 && saved(); i++)
	{
		usleep(100000);
	}
	ck_assert(!saved());
	ck_assert(gtc_log_contains("getcert: profile 'carol': certificate "
							   "expired at"));
	ck_assert(creds->is_ours(creds, cert));
	cert->destroy(cert);
}
END_TEST

START_TEST(test_enroll_install_renew)
{
	certificate_t *cert, *renewed;
	int i;

	create_manager();
	manager->set_replaced_cb(manager, replaced, NULL);
	/* an initiation enrolls: GetCACaps, GetCACert, PKCSReq */
	ck_assert(manager->acquire(manager, profile, "home", gtc_collect,
							   messages));
	ck_assert(strstr(messages, "waits for enrollment"));
	ck_assert_int_eq(test_ca->count[GETCERT_SCEP_PKCS_REQ], 1);
	ck_assert_int_eq(test_ca->requests, 3);
	/* the pair is in the credential set, issued by the CA, and saved */
	cert = creds->get_cert(creds, "carol");
	ck_assert(cert);
	ck_assert(cert->issued_by(cert, test_ca->ca, NULL));
	ck_assert(creds->is_ours(creds, cert));
	ck_assert(saved());
	ck_assert(gtc_log_contains("getcert: profile 'carol': enrolled "
							   "'carol@example.org', serial "));
	/* the renewal is scheduled (the transport counts no connections) */
	ck_assert(gtc_log_contains("getcert: profile 'carol': 3 HTTP requests, "
							   "0 new connections; renewal due at"));
	ck_assert_int_eq(replaced_count, 0);

	/* valid and not due: no CA contact */
	messages[0] = '\0';
	ck_assert(manager->acquire(manager, profile, "home", gtc_collect,
							   messages));
	ck_assert_str_eq(messages, "");
	ck_assert_int_eq(test_ca->requests, 3);

	/* the scheduled renewal runs by itself, signed with the current pair;
	 * the new pair replaces it and the replaced one is reported */
	for (i = 0; i < 200 && !test_ca->count[GETCERT_SCEP_RENEWAL_REQ]; i++)
	{
		usleep(100000);
	}
	ck_assert_int_eq(test_ca->count[GETCERT_SCEP_RENEWAL_REQ], 1);
	for (i = 0; i < 100 && !gtc_log_contains("renewed"); i++)
	{
		usleep(100000);
	}
	ck_assert(gtc_log_contains("getcert: profile 'carol': renewed "
							   "'carol@example.org', serial "));
	ck_assert(test_ca->last_signer->equals(test_ca->last_signer, cert));
	renewed = creds->get_cert(creds, "carol");
	ck_assert(renewed);
	ck_assert(!renewed->equals(renewed, cert));
	/* the replaced certificate stays ours for the IKE_SAs that used it */
	ck_assert(creds->is_ours(creds, cert));
	replaced_lock->lock(replaced_lock);
	ck_assert_int_eq(replaced_count, 1);
	ck_assert(replaced_cert->equals(replaced_cert, cert));
	replaced_lock->unlock(replaced_lock);
	renewed->destroy(renewed);
	cert->destroy(cert);
}
END_TEST

/**
 * Wait up to 30 s for a line in the log
 */
static bool wait_log(char *str)
{
	int i;

	for (i = 0; i < 300 && !gtc_log_contains(str); i++)
	{
		usleep(100000);
	}
	return gtc_log_contains(str);
}

START_TEST(test_nextkey_enroll)
{
	certificate_t *cert;
	private_key_t *key;

	create_manager();
	/* the profile's key is generated ahead, at load */
	ck_assert(wait_log("getcert: profile 'carol': next RSA key ready "
					   "(2048 bits)"));
	ck_assert(manager->acquire(manager, profile, "home", gtc_collect,
							   messages));
	/* the enrollment took it instead of generating one */
	ck_assert(gtc_log_contains("getcert: profile 'carol': using the RSA key "
							   "of 2048 bits generated ahead"));
	ck_assert(creds->get_pair(creds, "carol", &cert, &key));
	ck_assert_int_eq(key->get_type(key), KEY_RSA);
	ck_assert_int_eq(key->get_keysize(key), 2048);
	cert->destroy(cert);
	key->destroy(key);
}
END_TEST

START_TEST(test_nextkey_reload)
{
	create_manager();
	ck_assert(wait_log("getcert: profile 'carol': next RSA key ready "
					   "(2048 bits)"));
	/* another key size: the key is replaced by one of the new size */
	lib->settings->set_str(lib->settings,
					"%s.plugins.getcert.profiles.carol.key_size", "3072",
					lib->ns);
	ck_assert_int_eq(config->reload(config), 1);
	manager->reload(manager);
	ck_assert(wait_log("getcert: profile 'carol': next RSA key ready "
					   "(3072 bits)"));
	/* the profile removed: its key goes (leak detective), no new one */
	ck_assert(lib->settings->load_string(lib->settings, "", FALSE));
	ck_assert_int_eq(config->reload(config), 0);
	manager->reload(manager);
}
END_TEST

START_TEST(test_enroll_rejected_backoff)
{
	test_ca->mode = GT_CA_FAIL;
	test_ca->fail = GETCERT_SCEP_BAD_REQUEST;
	create_manager();
	/* the CA refuses: nothing installed, the caller and the log are told
	 * why, and the back-off starts */
	ck_assert(!manager->acquire(manager, profile, "home", gtc_collect,
								messages));
	ck_assert(strstr(messages, "enrollment failed, see the log for the "
					 "reason"));
	ck_assert_int_eq(test_ca->count[GETCERT_SCEP_PKCS_REQ], 1);
	ck_assert(!creds->get_cert(creds, "carol"));
	ck_assert(!saved());
	ck_assert(gtc_log_contains("getcert: profile 'carol': enrollment of "
							   "'carol@example.org' failed: "));
	ck_assert(gtc_log_contains("(failInfo badRequest: "));
	ck_assert(gtc_log_contains("getcert: profile 'carol': no new enrollment "
							   "before "));
	ck_assert(gtc_log_contains("(back-off 3600s)"));

	/* the next initiation fails at once: no CA contact, no secret sent */
	messages[0] = '\0';
	test_ca->mode = GT_CA_ISSUE;
	ck_assert(!manager->acquire(manager, profile, "home", gtc_collect,
								messages));
	ck_assert(strstr(messages, "not retrying before"));
	ck_assert(strstr(messages, "unless the profile changes"));
	ck_assert_int_eq(test_ca->count[GETCERT_SCEP_PKCS_REQ], 1);
	/* nor does a background trigger contact the CA */
	manager->trigger(manager, profile);
	usleep(200000);
	ck_assert_int_eq(test_ca->count[GETCERT_SCEP_PKCS_REQ], 1);
	ck_assert(!creds->get_cert(creds, "carol"));
}
END_TEST

/**
 * Type and size of the key installed for carol, and whether the store
 * holds the same pair
 */
static void assert_pair(key_type_t type, u_int bits, certificate_t *cert)
{
	certificate_t *installed = NULL, *loaded;
	private_key_t *key = NULL, *loaded_key;
	getcert_store_t *store;

	ck_assert(creds->get_pair(creds, "carol", &installed, &key));
	ck_assert(installed->equals(installed, cert));
	ck_assert_int_eq(key->get_type(key), type);
	ck_assert_int_eq(key->get_keysize(key), bits);
	/* persisted as PEM, and loads again */
	store = getcert_store_create(dir);
	ck_assert(store);
	ck_assert(store->load(store, "carol", &loaded, &loaded_key));
	ck_assert(loaded->equals(loaded, cert));
	ck_assert_int_eq(loaded_key->get_type(loaded_key), type);
	store->destroy(store);
	loaded->destroy(loaded);
	loaded_key->destroy(loaded_key);
	installed->destroy(installed);
	key->destroy(key);
}

START_TEST(test_est_enroll_renew)
{
	certificate_t *cert, *renewed;
	int i;

	create_manager();
	manager->set_replaced_cb(manager, replaced, NULL);
	/* an initiation enrolls: /cacerts, /csrattrs (204), /simpleenroll with
	 * the user's password */
	ck_assert(manager->acquire(manager, profile, "home", gtc_collect,
							   messages));
	ck_assert_int_eq(test_ca->est_count[0], 1);
	ck_assert_int_eq(test_ca->est_count[1], 1);
	ck_assert_int_eq(test_ca->est_count[2], 1);
	ck_assert_int_eq(test_ca->requests, 3);
	ck_assert_int_eq(password_asks, 1);
	cert = creds->get_cert(creds, "carol");
	ck_assert(cert);
	ck_assert(cert->issued_by(cert, test_ca->ca, NULL));
	/* the profile's ECDSA key, P-256 by default */
	assert_pair(KEY_ECDSA, 256, cert);
	ck_assert(gtc_log_contains("getcert: profile 'carol': enrolled "
							   "'carol@example.org', serial "));
	/* the client credentials are not kept between enrollments */
	ck_assert(!test_ca->est_client);

	/* the scheduled renewal: /simplereenroll, TLS client auth by the
	 * current pair, the CA and /csrattrs known: one request, no password */
	for (i = 0; i < 200 && !gtc_log_contains("renewed"); i++)
	{
		usleep(100000);
	}
	ck_assert(gtc_log_contains("getcert: profile 'carol': renewed "
							   "'carol@example.org', serial "));
	ck_assert_int_eq(test_ca->est_count[3], 1);
	ck_assert_int_eq(test_ca->est_count[2], 1);
	ck_assert_int_eq(test_ca->requests, 4);
	ck_assert(test_ca->est_reenroll_client);
	ck_assert(test_ca->est_reenroll_client->equals(
										test_ca->est_reenroll_client, cert));
	ck_assert_int_eq(password_asks, 1);
	renewed = creds->get_cert(creds, "carol");
	ck_assert(renewed);
	ck_assert(!renewed->equals(renewed, cert));
	assert_pair(KEY_ECDSA, 256, renewed);
	/* reported replaced: the listener reauthenticates as for SCEP */
	replaced_lock->lock(replaced_lock);
	ck_assert_int_eq(replaced_count, 1);
	ck_assert(replaced_cert->equals(replaced_cert, cert));
	replaced_lock->unlock(replaced_lock);
	ck_assert(!test_ca->est_client);
	renewed->destroy(renewed);
	cert->destroy(cert);
}
END_TEST

START_TEST(test_est_csrattrs_size)
{
	certificate_t *cert;

	/* /csrattrs: SEQUENCE { secp384r1 }, within the profile's policy */
	test_ca->est_csrattrs = chunk_clone(chunk_from_chars(
								0x30, 0x07, 0x06, 0x05, 0x2b, 0x81, 0x04,
								0x00, 0x22));
	create_manager();
	ck_assert(manager->acquire(manager, profile, "home", gtc_collect,
							   messages));
	cert = creds->get_cert(creds, "carol");
	ck_assert(cert);
	assert_pair(KEY_ECDSA, 384, cert);
	cert->destroy(cert);
}
END_TEST

START_TEST(test_est_csrattrs_refused)
{
	/* /csrattrs: SEQUENCE { rsaEncryption }, the profile allows ECDSA only */
	test_ca->est_csrattrs = chunk_clone(chunk_from_chars(
								0x30, 0x0b, 0x06, 0x09, 0x2a, 0x86, 0x48,
								0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01));
	create_manager();
	ck_assert(!manager->acquire(manager, profile, "home", gtc_collect,
								messages));
	ck_assert(strstr(messages, "enrollment failed, see the log for the "
					 "reason"));
	/* no request sent, no password asked */
	ck_assert_int_eq(test_ca->est_count[2], 0);
	ck_assert_int_eq(password_asks, 0);
	ck_assert(!creds->get_cert(creds, "carol"));
	ck_assert(!saved());
	ck_assert(gtc_log_contains("the server asks for a RSA key, the profile "
							   "allows ECDSA only"));
	ck_assert(gtc_log_contains("getcert: profile 'carol': enrollment of "
							   "'carol@example.org' failed: the EST server "
							   "asks for a key the profile does not allow "
							   "(ECDSA, 0 bits"));
	/* backed off as other failures */
	ck_assert(gtc_log_contains("(back-off 3600s)"));
	messages[0] = '\0';
	ck_assert(!manager->acquire(manager, profile, "home", gtc_collect,
								messages));
	ck_assert(strstr(messages, "not retrying before"));
	ck_assert_int_eq(test_ca->est_count[1], 1);
}
END_TEST

/**
 * Whether two private keys are the same key
 */
static bool same_key(private_key_t *a, private_key_t *b)
{
	return a && b && private_key_equals(a, b);
}

START_TEST(test_est_keygen_enroll_renew)
{
	certificate_t *cert, *renewed;
	private_key_t *key = NULL;
	int i;

	create_manager();
	manager->set_replaced_cb(manager, replaced, NULL);
	/* an initiation enrolls: /cacerts, /csrattrs (204), /serverkeygen with
	 * the user's password; no key generated here, no /simpleenroll */
	ck_assert(manager->acquire(manager, profile, "home", gtc_collect,
							   messages));
	ck_assert_int_eq(test_ca->est_count[0], 1);
	ck_assert_int_eq(test_ca->est_count[1], 1);
	ck_assert_int_eq(test_ca->est_count[2], 0);
	ck_assert_int_eq(test_ca->est_count[4], 1);
	ck_assert_int_eq(test_ca->requests, 3);
	ck_assert_int_eq(password_asks, 1);
	/* the request asked for the key encrypted to its own key */
	ck_assert(test_ca->est_keygen_key_id.len);
	ck_assert(test_ca->est_keygen_key_id_ok);
	cert = creds->get_cert(creds, "carol");
	ck_assert(cert);
	ck_assert(cert->issued_by(cert, test_ca->ca, NULL));
	/* the server's ECDSA P-256 key is installed and persisted */
	assert_pair(KEY_ECDSA, 256, cert);
	ck_assert(creds->get_pair(creds, "carol", &renewed, &key));
	ck_assert(same_key(key, test_ca->est_keygen_key));
	renewed->destroy(renewed);
	key->destroy(key);
	ck_assert(gtc_log_contains("getcert: profile 'carol': the EST server "
							   "generated the ECDSA key of 256 bits"));
	ck_assert(gtc_log_contains("getcert: profile 'carol': enrolled "
							   "'carol@example.org', serial "));
	ck_assert(!test_ca->est_client);

	/* the scheduled renewal: /serverkeygen again, TLS client auth by the
	 * current pair, and the password again (as this test CA asks for it,
	 * a server authenticating /serverkeygen by password only) */
	for (i = 0; i < 200 && !gtc_log_contains("renewed"); i++)
	{
		usleep(100000);
	}
	ck_assert(gtc_log_contains("getcert: profile 'carol': renewed "
							   "'carol@example.org', serial "));
	ck_assert_int_eq(test_ca->est_count[4], 2);
	ck_assert_int_eq(test_ca->est_count[3], 0);
	ck_assert_int_eq(test_ca->est_count[2], 0);
	ck_assert_int_eq(test_ca->est_count[0], 1);
	ck_assert_int_eq(test_ca->requests, 4);
	ck_assert_int_eq(password_asks, 2);
	ck_assert(test_ca->est_keygen_key_id_ok);
	renewed = creds->get_cert(creds, "carol");
	ck_assert(renewed);
	ck_assert(!renewed->equals(renewed, cert));
	assert_pair(KEY_ECDSA, 256, renewed);
	ck_assert(creds->get_pair(creds, "carol", &renewed, &key));
	ck_assert(same_key(key, test_ca->est_keygen_key));
	renewed->destroy(renewed);
	key->destroy(key);
	/* reported replaced: the listener reauthenticates as for SCEP */
	replaced_lock->lock(replaced_lock);
	ck_assert_int_eq(replaced_count, 1);
	ck_assert(replaced_cert->equals(replaced_cert, cert));
	replaced_lock->unlock(replaced_lock);
	ck_assert(!test_ca->est_client);
	cert->destroy(cert);
	renewed = creds->get_cert(creds, "carol");
	renewed->destroy(renewed);
}
END_TEST

START_TEST(test_est_keygen_plain_refused)
{
	/* the server returns the key as application/pkcs8: never accepted */
	test_ca->est_keygen = GT_KEYGEN_PLAIN;
	create_manager();
	ck_assert(!manager->acquire(manager, profile, "home", gtc_collect,
								messages));
	ck_assert_int_eq(test_ca->est_count[4], 1);
	ck_assert_int_eq(test_ca->est_count[2], 0);
	/* it was asked for encrypted */
	ck_assert(test_ca->est_keygen_key_id_ok);
	ck_assert(gtc_log_contains("returned the private key unencrypted"));
	ck_assert(!creds->get_cert(creds, "carol"));
	ck_assert(!saved());
}
END_TEST

START_TEST(test_est_keygen_type_refused)
{
	/* the server generates an RSA key, the profile allows ECDSA only */
	test_ca->est_keygen_type = KEY_RSA;
	create_manager();
	ck_assert(!manager->acquire(manager, profile, "home", gtc_collect,
								messages));
	ck_assert_int_eq(test_ca->est_count[4], 1);
	ck_assert(gtc_log_contains("/serverkeygen returned a RSA key of 2048 "
							   "bits, the profile allows ECDSA"));
	ck_assert(!creds->get_cert(creds, "carol"));
	ck_assert(!saved());
}
END_TEST

Suite *manager_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("getcert manager");

	tc = tcase_create("pairs");
	tcase_add_checked_fixture(tc, setup_manager, teardown_manager);
	tcase_add_test(tc, test_loads_saved);
	tcase_add_test(tc, test_saved_untrusted);
	tcase_add_test(tc, test_reload_removed);
	tcase_add_test(tc, test_enroll_ca_down);
	tcase_add_test(tc, test_cancelled);
	tcase_add_test(tc, test_expired_removed);
	test_case_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = tcase_create("enrollment");
	tcase_add_checked_fixture(tc, setup_enrollment, teardown_manager);
	tcase_add_test(tc, test_enroll_install_renew);
	tcase_add_test(tc, test_enroll_rejected_backoff);
	tcase_add_test(tc, test_nextkey_enroll);
	tcase_add_test(tc, test_nextkey_reload);
	test_case_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = tcase_create("EST");
	tcase_add_checked_fixture(tc, setup_est, teardown_est);
	tcase_add_test(tc, test_est_enroll_renew);
	tcase_add_test(tc, test_est_csrattrs_size);
	tcase_add_test(tc, test_est_csrattrs_refused);
	test_case_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = tcase_create("EST server-side key generation");
	tcase_add_checked_fixture(tc, setup_est_keygen, teardown_est);
	tcase_add_test(tc, test_est_keygen_enroll_renew);
	tcase_add_test(tc, test_est_keygen_plain_refused);
	tcase_add_test(tc, test_est_keygen_type_refused);
	test_case_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	return s;
}

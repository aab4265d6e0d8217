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

#include <unistd.h>

#include "../../getcert_session.h"
#include <getcert_test_certs.h>

/**
 * The CA certificate file the profiles pin, and the rejected secrets
 */
static char *ca_path;
static getcert_secrets_t *rejected;

/**
 * A fake client: records the parameters it was created with, and, for
 * EST, answers get_key_spec() as a server's /csrattrs would
 */
static struct {
	getcert_client_t client;
	getcert_curl_t curl;
	getcert_est_enroll_t est;
	/** the parameters, copied */
	getcert_protocol_t protocol;
	char url[128];
	char label[64];
	bool have_label;
	bool allow_http;
	u_int max_tries;
	u_int timeout;
	/** what the "server" asks for: KEY_ANY for nothing, bits 0 for any */
	getcert_key_spec_t ask;
	/** error get_key_spec() returns instead */
	getcert_err_t err;
	/** the policy get_key_spec() got */
	getcert_key_spec_t policy;
	/** get_key_spec() calls */
	u_int spec_calls;
	/** whether get_key_spec() got the current pair and set the TLS client
	 *  auth with it, as the engine does */
	bool auth_at_spec;
	/** TLS client certificate set */
	certificate_t *auth_cert;
	/** the transport's server is authenticated */
	bool authenticated;
	/** enroll_keygen() calls, the policy it got, whether with the
	 *  current pair */
	u_int keygen_calls;
	getcert_key_spec_t keygen_policy;
	bool keygen_current;
	/** the key enroll_keygen() returns: type and size */
	getcert_key_spec_t keygen;
	/** enroll() calls */
	u_int enroll_calls;
} fake;

METHOD(getcert_client_t, fc_get_engine, getcert_enroll_t*,
	void *this)
{
	return &fake.est.enroll;
}

METHOD(getcert_client_t, fc_get_est, getcert_est_enroll_t*,
	void *this)
{
	return fake.protocol == GETCERT_PROTOCOL_EST ? &fake.est : NULL;
}

METHOD(getcert_client_t, fc_get_curl, getcert_curl_t*,
	void *this)
{
	return &fake.curl;
}

METHOD(getcert_client_t, fc_destroy, void,
	void *this)
{
}

METHOD(getcert_curl_t, fc_forget, void,
	void *this)
{
	fake.auth_cert = NULL;
}

METHOD(getcert_transport_t, fc_set_client_auth, bool,
	void *this, certificate_t *cert, private_key_t *key)
{
	fake.auth_cert = cert;
	return TRUE;
}

METHOD(getcert_transport_t, fc_is_authenticated, bool,
	void *this)
{
	return fake.authenticated;
}

METHOD(getcert_est_enroll_t, fc_get_key_spec, getcert_err_t,
	void *this, certificate_t *current, private_key_t *current_key,
	getcert_key_spec_t *spec)
{
	fake.spec_calls++;
	fake.policy = *spec;
	/* as the engine does: the current pair authenticates the TLS client
	 * before the first request, once the server is authenticated */
	if (current && current_key && fake.authenticated)
	{
		fc_set_client_auth(NULL, current, current_key);
	}
	fake.auth_at_spec = fake.auth_cert != NULL;
	if (fake.err != GETCERT_OK)
	{
		return fake.err;
	}
	if (fake.ask.type != KEY_ANY && fake.ask.type != spec->type)
	{
		return GETCERT_ERR_POLICY;
	}
	if (fake.ask.type != KEY_ANY && !spec->bits)
	{
		spec->bits = fake.ask.bits;
	}
	return GETCERT_OK;
}

/**
 * A certificate for a key, as an issued one
 */
static certificate_t *fake_cert(private_key_t *key)
{
	return gt_cert(key, "CN=carol@example.org", NULL, NULL, NULL, FALSE,
				   600);
}

METHOD(getcert_est_enroll_t, fc_enroll_keygen, getcert_err_t,
	void *this, getcert_key_spec_t *spec, certificate_t *current,
	private_key_t *current_key, private_key_t **key, certificate_t **cert)
{
	fake.keygen_calls++;
	fake.keygen_policy = *spec;
	fake.keygen_current = current && current_key;
	*key = lib->creds->create(lib->creds, CRED_PRIVATE_KEY,
							  fake.keygen.type, BUILD_KEY_SIZE,
							  fake.keygen.bits, BUILD_END);
	ck_assert(*key);
	*cert = fake_cert(*key);
	ck_assert(*cert);
	getcert_key_get_spec(*key, spec);
	return GETCERT_OK;
}

METHOD(getcert_enroll_t, fc_enroll, getcert_err_t,
	void *this, private_key_t *key, certificate_t *current,
	private_key_t *current_key, certificate_t **cert)
{
	fake.enroll_calls++;
	*cert = fake_cert(key);
	return *cert ? GETCERT_OK : GETCERT_ERR_INTERNAL;
}

/**
 * Client constructor of the session
 */
static getcert_client_t *fake_create(getcert_client_params_t *params)
{
	fake.protocol = params->protocol;
	snprintf(fake.url, sizeof(fake.url), "%s", params->url);
	fake.have_label = params->est_label != NULL;
	snprintf(fake.label, sizeof(fake.label), "%s", params->est_label ?: "");
	fake.allow_http = params->allow_http;
	fake.max_tries = params->max_tries;
	fake.timeout = params->timeout;
	fake.client = (getcert_client_t){
		.get_engine = (void*)_fc_get_engine,
		.get_est = (void*)_fc_get_est,
		.get_curl = (void*)_fc_get_curl,
		.destroy = (void*)_fc_destroy,
	};
	fake.curl = (getcert_curl_t){
		.transport = {
			.set_client_auth = (void*)_fc_set_client_auth,
			.is_authenticated = (void*)_fc_is_authenticated,
		},
		.forget = (void*)_fc_forget,
	};
	fake.est = (getcert_est_enroll_t){
		.enroll = {
			.enroll = (void*)_fc_enroll,
		},
		.get_key_spec = (void*)_fc_get_key_spec,
		.enroll_keygen = (void*)_fc_enroll_keygen,
	};
	return &fake.client;
}

START_SETUP(setup_session)
{
	private_key_t *key;
	certificate_t *ca;

	memset(&fake, 0, sizeof(fake));
	fake.ask.type = KEY_ANY;
	fake.authenticated = TRUE;
	key = gt_key();
	ck_assert(key);
	ca = gt_cert(key, "C=CH, O=getcert, CN=Test CA", NULL, NULL, NULL,
				 TRUE, 3600);
	ck_assert(ca);
	ca_path = gt_write_cert(ca);
	ck_assert(ca_path);
	ca->destroy(ca);
	key->destroy(key);
	rejected = getcert_secrets_create();
	gt_log_start();
}
END_SETUP

START_TEARDOWN(teardown_session)
{
	gt_log_stop();
	rejected->destroy(rejected);
	unlink(ca_path);
	free(ca_path);
}
END_TEARDOWN

/**
 * Create the session of profile "p" with the given extra lines
 */
static getcert_session_t *create(char *url, char *extra)
{
	getcert_profile_t *profile;
	getcert_session_t *session;
	settings_t *settings;
	char *conf;

	ck_assert(asprintf(&conf, "charon {\n plugins {\n  getcert {\n"
				"   profiles {\n    p {\n     url = %s\n"
				"     identity = carol@example.org\n     ca_cert = %s\n"
				"     max_tries = 4\n     timeout = 17\n%s\n"
				"    }\n   }\n  }\n }\n}\n", url, ca_path, extra) > 0);
	settings = settings_create_string(conf);
	profile = getcert_profile_create(settings, "charon", "p");
	settings->destroy(settings);
	free(conf);
	ck_assert(profile);
	session = getcert_session_create(profile, rejected, fake_create, NULL);
	profile->destroy(profile);
	ck_assert(session);
	return session;
}

START_TEST(test_params_scep)
{
	getcert_session_t *session;

	session = create("https://ca.example.org/scep", "");
	ck_assert_int_eq(fake.protocol, GETCERT_PROTOCOL_SCEP);
	ck_assert_str_eq(fake.url, "https://ca.example.org/scep");
	ck_assert(!fake.have_label);
	ck_assert_int_eq(fake.max_tries, 4);
	ck_assert_int_eq(fake.timeout, 17);
	session->destroy(session);
}
END_TEST

START_TEST(test_params_est)
{
	getcert_session_t *session;

	session = create("https://ca.example.org:8443",
					 "protocol = est\nest_label = vpn");
	ck_assert_int_eq(fake.protocol, GETCERT_PROTOCOL_EST);
	ck_assert_str_eq(fake.url, "https://ca.example.org:8443");
	ck_assert(fake.have_label);
	ck_assert_str_eq(fake.label, "vpn");
	ck_assert(!fake.allow_http);
	session->destroy(session);
}
END_TEST

/**
 * Keys generated for a profile and a server's request
 */
static struct {
	char *extra;
	/** what the EST server asks for (KEY_ANY: nothing) */
	key_type_t ask;
	u_int ask_bits;
	/** the policy the engine gets, and the key generated */
	key_type_t type;
	u_int policy_bits;
	u_int bits;
} keys[] = {
	/* SCEP: no /csrattrs */
	{ "", KEY_ANY, 0, KEY_RSA, 2048, 2048 },
	{ "key_size = 3072", KEY_ANY, 0, KEY_RSA, 3072, 3072 },
	/* EST, the server asks for nothing: the defaults */
	{ "protocol = est", KEY_ANY, 0, KEY_RSA, 0, 2048 },
	{ "protocol = est\nkey_type = ecdsa", KEY_ANY, 0, KEY_ECDSA, 0, 256 },
	{ "protocol = est\nkey_type = ecdsa\nkey_size = 384", KEY_ANY, 0,
	  KEY_ECDSA, 384, 384 },
	{ "protocol = est\nkey_type = ed25519", KEY_ANY, 0, KEY_ED25519, 0, 256 },
	/* EST, the server's size within the policy */
	{ "protocol = est\nkey_type = ecdsa", KEY_ECDSA, 384, KEY_ECDSA, 0, 384 },
	{ "protocol = est\nkey_type = ecdsa", KEY_ECDSA, 521, KEY_ECDSA, 0, 521 },
	{ "protocol = est", KEY_RSA, 3072, KEY_RSA, 0, 3072 },
	{ "protocol = est\nkey_type = ed25519", KEY_ED25519, 0, KEY_ED25519, 0,
	  256 },
};

START_TEST(test_generate)
{
	getcert_session_t *session;
	private_key_t *key;

	fake.ask.type = keys[_i].ask;
	fake.ask.bits = keys[_i].ask_bits;
	session = create(strstr(keys[_i].extra, "est") ? "https://ca.example.org"
						: "https://ca.example.org/scep", keys[_i].extra);
	ck_assert_int_eq(session->generate_key(session, NULL, NULL, &key),
					 GETCERT_OK);
	ck_assert(key);
	ck_assert_int_eq(key->get_type(key), keys[_i].type);
	ck_assert_int_eq(key->get_keysize(key), keys[_i].bits);
	if (fake.protocol == GETCERT_PROTOCOL_EST)
	{
		ck_assert_int_eq(fake.spec_calls, 1);
		ck_assert_int_eq(fake.policy.type, keys[_i].type);
		ck_assert_int_eq(fake.policy.bits, keys[_i].policy_bits);
	}
	else
	{
		ck_assert_int_eq(fake.spec_calls, 0);
	}
	ck_assert(!fake.auth_at_spec);
	key->destroy(key);
	session->destroy(session);
}
END_TEST

/**
 * Server requests the plugin refuses
 */
static struct {
	char *extra;
	key_type_t ask;
	u_int ask_bits;
	getcert_err_t err;
	char *log;
} refused[] = {
	/* another type than the profile's: the engine refuses */
	{ "key_type = ecdsa", KEY_RSA, 2048, GETCERT_ERR_POLICY, NULL },
	{ "key_type = ed25519", KEY_ECDSA, 256, GETCERT_ERR_POLICY, NULL },
	/* a size the profile leaves open, but that we do not generate */
	{ "", KEY_RSA, 1024, GETCERT_ERR_POLICY, "RSA key of 1024 bits" },
	{ "", KEY_RSA, 16384, GETCERT_ERR_POLICY, "RSA key of 16384 bits" },
	{ "key_type = ecdsa", KEY_ECDSA, 224, GETCERT_ERR_POLICY,
	  "ECDSA key of 224 bits" },
};

START_TEST(test_refused)
{
	getcert_session_t *session;
	private_key_t *key = (void*)1;
	char extra[128];

	fake.ask.type = refused[_i].ask;
	fake.ask.bits = refused[_i].ask_bits;
	snprintf(extra, sizeof(extra), "protocol = est\n%s", refused[_i].extra);
	session = create("https://ca.example.org", extra);
	ck_assert_int_eq(session->generate_key(session, NULL, NULL, &key),
					 refused[_i].err);
	ck_assert(!key);
	if (refused[_i].log)
	{
		ck_assert(gt_log_contains(refused[_i].log));
		ck_assert(gt_log_contains("outside what the profile allows"));
	}
	session->destroy(session);
}
END_TEST

START_TEST(test_spec_error)
{
	getcert_session_t *session;
	private_key_t *key = (void*)1;

	fake.err = GETCERT_ERR_CA_MISMATCH;
	session = create("https://ca.example.org", "protocol = est");
	ck_assert_int_eq(session->generate_key(session, NULL, NULL, &key),
					 GETCERT_ERR_CA_MISMATCH);
	ck_assert(!key);
	session->destroy(session);
}
END_TEST

START_TEST(test_renewal_client_auth)
{
	getcert_session_t *session;
	private_key_t *key, *current_key;
	certificate_t *current;

	current_key = gt_key();
	ck_assert(current_key);
	current = gt_cert(current_key, "CN=carol@example.org", NULL, NULL, NULL,
					  FALSE, 600);
	ck_assert(current);

	/* the current pair authenticates /cacerts and /csrattrs already */
	session = create("https://ca.example.org",
					 "protocol = est\nkey_type = ecdsa");
	ck_assert_int_eq(session->generate_key(session, current, current_key,
										   &key), GETCERT_OK);
	ck_assert(fake.auth_at_spec);
	ck_assert(fake.auth_cert == current);
	key->destroy(key);
	session->forget(session);
	ck_assert(!fake.auth_cert);
	session->destroy(session);

	/* not to a server that is not authenticated (yet) */
	fake.authenticated = FALSE;
	session = create("https://ca.example.org",
					 "protocol = est\nkey_type = ecdsa");
	ck_assert_int_eq(session->generate_key(session, current, current_key,
										   &key), GETCERT_OK);
	ck_assert(!fake.auth_at_spec);
	key->destroy(key);
	session->destroy(session);

	/* SCEP: no client auth */
	fake.authenticated = TRUE;
	session = create("https://ca.example.org/scep", "");
	ck_assert_int_eq(session->generate_key(session, current, current_key,
										   &key), GETCERT_OK);
	ck_assert(!fake.auth_cert);
	ck_assert_int_eq(key->get_type(key), KEY_RSA);
	key->destroy(key);
	session->destroy(session);

	current->destroy(current);
	current_key->destroy(current_key);
}
END_TEST

START_TEST(test_enroll_keygen)
{
	getcert_session_t *session;
	private_key_t *key, *current_key;
	certificate_t *cert, *current;

	current_key = gt_key();
	ck_assert(current_key);
	current = fake_cert(current_key);
	ck_assert(current);

	/* server_keygen: enroll_keygen() with the profile's policy, no key
	 * generated here, no /csrattrs of our own, no enroll() */
	fake.keygen = (getcert_key_spec_t){ .type = KEY_ECDSA, .bits = 384 };
	session = create("https://ca.example.org", "protocol = est\n"
					 "key_type = ecdsa\nserver_keygen = yes");
	ck_assert_int_eq(session->enroll(session, NULL, NULL, &key, &cert),
					 GETCERT_OK);
	ck_assert(key && cert);
	ck_assert_int_eq(fake.keygen_calls, 1);
	ck_assert_int_eq(fake.keygen_policy.type, KEY_ECDSA);
	ck_assert_int_eq(fake.keygen_policy.bits, 0);
	ck_assert(!fake.keygen_current);
	ck_assert_int_eq(fake.spec_calls, 0);
	ck_assert_int_eq(fake.enroll_calls, 0);
	ck_assert_int_eq(key->get_type(key), KEY_ECDSA);
	ck_assert_int_eq(key->get_keysize(key), 384);
	ck_assert(gt_log_contains("getcert: profile 'p': the EST server "
							  "generated the ECDSA key of 384 bits"));
	key->destroy(key);
	cert->destroy(cert);
	/* renewal: the current pair goes to the engine */
	ck_assert_int_eq(session->enroll(session, current, current_key, &key,
									 &cert), GETCERT_OK);
	ck_assert_int_eq(fake.keygen_calls, 2);
	ck_assert(fake.keygen_current);
	ck_assert_int_eq(fake.enroll_calls, 0);
	key->destroy(key);
	cert->destroy(cert);
	session->destroy(session);

	/* a key the plugin would not generate is refused, nothing returned */
	fake.keygen = (getcert_key_spec_t){ .type = KEY_RSA, .bits = 1024 };
	session = create("https://ca.example.org", "protocol = est\n"
					 "server_keygen = yes");
	key = (void*)1;
	cert = (void*)1;
	ck_assert_int_eq(session->enroll(session, NULL, NULL, &key, &cert),
					 GETCERT_ERR_POLICY);
	ck_assert(!key && !cert);
	ck_assert(gt_log_contains("generated a RSA key of 1024 bits, outside "
							  "what the profile allows"));
	session->destroy(session);

	/* without server_keygen: generate_key() and enroll() */
	fake.keygen_calls = 0;
	session = create("https://ca.example.org", "protocol = est\n"
					 "key_type = ecdsa");
	ck_assert_int_eq(session->enroll(session, NULL, NULL, &key, &cert),
					 GETCERT_OK);
	ck_assert(key && cert);
	ck_assert_int_eq(fake.keygen_calls, 0);
	ck_assert_int_eq(fake.spec_calls, 1);
	ck_assert_int_eq(fake.enroll_calls, 1);
	key->destroy(key);
	cert->destroy(cert);
	session->destroy(session);

	current->destroy(current);
	current_key->destroy(current_key);
}
END_TEST

Suite *session_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("getcert session");

	tc = tcase_create("client parameters");
	tcase_add_checked_fixture(tc, setup_session, teardown_session);
	tcase_add_test(tc, test_params_scep);
	tcase_add_test(tc, test_params_est);
	suite_add_tcase(s, tc);

	tc = tcase_create("key generation");
	tcase_add_checked_fixture(tc, setup_session, teardown_session);
	test_case_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_generate, 0, countof(keys));
	tcase_add_loop_test(tc, test_refused, 0, countof(refused));
	tcase_add_test(tc, test_spec_error);
	tcase_add_test(tc, test_renewal_client_auth);
	suite_add_tcase(s, tc);

	tc = tcase_create("enrollment");
	tcase_add_checked_fixture(tc, setup_session, teardown_session);
	test_case_set_timeout(tc, 60);
	tcase_add_test(tc, test_enroll_keygen);
	suite_add_tcase(s, tc);

	return s;
}

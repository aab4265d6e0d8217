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

#include "../../getcert_binding.h"
#include <getcert_test_certs.h>
#include "getcert_test_charon.h"

static char *ca_path;
static getcert_config_t *config;
static getcert_binding_t *binding;
static void *plugin_binding;

START_SETUP(setup_binding)
{
	private_key_t *key;
	certificate_t *ca;
	settings_t *settings;
	char *conf;

	key = gt_key();
	ca = gt_cert(key, "CN=Test CA", NULL, NULL, NULL, TRUE, 3600);
	ck_assert(ca);
	ca_path = gt_write_cert(ca);
	ck_assert(ca_path);
	ca->destroy(ca);
	key->destroy(key);
	ck_assert(asprintf(&conf, "charon {\n plugins {\n  getcert {\n"
				"   profiles {\n    carol {\n"
				"     identity = carol@example.org\n"
				"     url = https://ca.example.org/scep\n"
				"     ca_cert = %s\n    }\n   }\n  }\n }\n}\n", ca_path) > 0);
	settings = settings_create_string(conf);
	free(conf);
	config = getcert_config_create(settings, "charon");
	settings->destroy(settings);
	ck_assert_int_eq(config->get_count(config), 1);
	/* the loaded plugin's binding steps aside for the one tested here */
	plugin_binding = lib->get(lib, GETCERT_BINDING_OBJECT);
	lib->set(lib, GETCERT_BINDING_OBJECT, NULL);
	binding = getcert_binding_create(config);
	gt_log_start();
}
END_SETUP

START_TEARDOWN(teardown_binding)
{
	gt_log_stop();
	binding->destroy(binding);
	if (plugin_binding)
	{
		lib->set(lib, GETCERT_BINDING_OBJECT, plugin_binding);
	}
	config->destroy(config);
	unlink(ca_path);
	free(ca_path);
}
END_TEARDOWN

/**
 * Load a certificate the way vici does for local.cert<suffix>
 */
static certificate_t *load(char *module, char *handle)
{
	return lib->creds->create(lib->creds, CRED_CERTIFICATE, CERT_X509,
							  BUILD_PKCS11_MODULE, module,
							  BUILD_PKCS11_KEYID, chunk_from_str(handle),
							  BUILD_END);
}

START_TEST(test_placeholder)
{
	certificate_t *cert, *again;
	identification_t *subject;

	cert = load("getcert", "carol");
	ck_assert(cert);
	subject = identification_create_from_string(
								"O=getcert, OU=placeholder, CN=profile carol");
	ck_assert(cert->get_subject(cert)->equals(cert->get_subject(cert),
											  subject));
	subject->destroy(subject);
	/* never usable: expired and its key is gone */
	ck_assert(!cert->get_validity(cert, NULL, NULL, NULL));
	ck_assert(!lib->credmgr->get_private(lib->credmgr, KEY_ANY,
										 cert->get_subject(cert), NULL));
	/* the same placeholder on every load */
	again = load("getcert", "carol");
	ck_assert(again);
	ck_assert(cert->equals(cert, again));
	cert->destroy(cert);
	again->destroy(again);
}
END_TEST

START_TEST(test_registered)
{
	certificate_t *cert;

	ck_assert(lib->get(lib, GETCERT_BINDING_OBJECT) == binding);
	binding->destroy(binding);
	ck_assert(!lib->get(lib, GETCERT_BINDING_OBJECT));
	ck_assert(!load("getcert", "carol"));
	binding = getcert_binding_create(config);
	ck_assert(lib->get(lib, GETCERT_BINDING_OBJECT) == binding);
	cert = load("getcert", "carol");
	ck_assert(cert);
	cert->destroy(cert);
}
END_TEST

START_TEST(test_not_ours)
{
	ck_assert(!load("opensc-pkcs11.so", "carol"));
	ck_assert(!gt_log_contains("handle"));
	ck_assert(!gt_log_contains("bound to profile"));
}
END_TEST

START_TEST(test_unknown_profile)
{
	ck_assert(!load("getcert", "dave"));
	ck_assert(gt_log_contains("profile 'dave'"));
	ck_assert(gt_log_contains("not configured"));
}
END_TEST

START_TEST(test_bad_handle)
{
	ck_assert(!load("getcert", "ca/rol"));
	ck_assert(gt_log_contains("not the hex encoded name of a profile"));
}
END_TEST

/**
 * Name of the profile a connection is bound to, "" if none
 */
static char *bound(peer_cfg_t *peer_cfg)
{
	static char name[32];
	getcert_profile_t *profile;

	profile = binding->find(binding, peer_cfg);
	snprintf(name, sizeof(name), "%s",
			 profile ? profile->get_name(profile) : "");
	DESTROY_IF(profile);
	peer_cfg->destroy(peer_cfg);
	return name;
}

START_TEST(test_find)
{
	certificate_t *placeholder, *other;
	private_key_t *key;

	placeholder = load("getcert", "carol");
	ck_assert(placeholder);
	/* cert-gc { module = getcert; handle = 6361726f6c } */
	ck_assert_str_eq(bound(gtc_conn(AUTH_CLASS_PUBKEY, "carol@example.org",
									   placeholder)), "carol");
	/* zero-config: local.id is the profile's identity, no certificate */
	ck_assert_str_eq(bound(gtc_conn(AUTH_CLASS_PUBKEY, "carol@example.org",
									   NULL)), "carol");
	/* another identity, or not pubkey authentication */
	ck_assert_str_eq(bound(gtc_conn(AUTH_CLASS_PUBKEY, "dave@example.org",
									   NULL)), "");
	ck_assert_str_eq(bound(gtc_conn(AUTH_CLASS_EAP, "carol@example.org",
									   NULL)), "");
	/* a certificate of its own pins the connection to that certificate */
	key = gt_key();
	other = gt_cert(key, "CN=carol@example.org", "carol@example.org", NULL,
					NULL, FALSE, 3600);
	ck_assert(other);
	ck_assert_str_eq(bound(gtc_conn(AUTH_CLASS_PUBKEY, "carol@example.org",
									   other)), "");
	key->destroy(key);
}
END_TEST

Suite *binding_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("getcert binding");

	tc = tcase_create("vici certificate handle");
	tcase_add_checked_fixture(tc, setup_binding, teardown_binding);
	tcase_add_test(tc, test_placeholder);
	tcase_add_test(tc, test_registered);
	tcase_add_test(tc, test_not_ours);
	tcase_add_test(tc, test_unknown_profile);
	tcase_add_test(tc, test_bad_handle);
	suite_add_tcase(s, tc);

	tc = tcase_create("connection to profile");
	tcase_add_checked_fixture(tc, setup_binding, teardown_binding);
	tcase_add_test(tc, test_find);
	suite_add_tcase(s, tc);

	return s;
}

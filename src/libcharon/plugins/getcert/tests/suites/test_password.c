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

#include "../../getcert_password.h"

#include <unistd.h>

#include <getcert_test_certs.h>
#include <credentials/sets/mem_cred.h>

static mem_cred_t *creds;
static identification_t *carol;
static getcert_secrets_t *rejected;
static char *ca_path;

/**
 * Add a secret with up to two owners
 */
static void add_secret(shared_key_type_t type, char *secret, char *owner1,
					   char *owner2)
{
	shared_key_t *shared;
	linked_list_t *owners;

	owners = linked_list_create();
	if (owner1)
	{
		owners->insert_last(owners, identification_create_from_string(owner1));
	}
	if (owner2)
	{
		owners->insert_last(owners, identification_create_from_string(owner2));
	}
	shared = shared_key_create(type, chunk_clone(chunk_from_str(secret)));
	creds->add_shared_list(creds, shared, owners);
}

/**
 * Create carol's profile, optionally accepting CA-owned secrets
 */
static getcert_profile_t *create_profile(bool ca_owner)
{
	getcert_profile_t *profile;
	settings_t *settings;
	char *conf;

	ck_assert(asprintf(&conf, "charon {\n plugins {\n  getcert {\n"
				"   profiles {\n    carol {\n"
				"     identity = carol@example.org\n"
				"     user = carol\n"
				"     url = https://ca.example.org/scep\n"
				"     ca_cert = %s\n"
				"     ca_secret_owner = %s\n    }\n   }\n  }\n }\n}\n",
				ca_path, ca_owner ? "yes" : "no") > 0);
	settings = settings_create_string(conf);
	free(conf);
	profile = getcert_profile_create(settings, "charon", "carol");
	settings->destroy(settings);
	ck_assert(profile);
	return profile;
}

START_SETUP(setup_password)
{
	private_key_t *key;
	certificate_t *ca;

	key = gt_key();
	ca = gt_cert(key, "CN=Test CA", NULL, NULL, NULL, TRUE, 3600);
	ck_assert(ca);
	ca_path = gt_write_cert(ca);
	ck_assert(ca_path);
	ca->destroy(ca);
	key->destroy(key);

	creds = mem_cred_create();
	lib->credmgr->add_set(lib->credmgr, &creds->set);
	carol = identification_create_from_string("carol");
	rejected = getcert_secrets_create();
	/* another user's, a wildcard, the CA host's, carol's own, one of carol
	 * and the CA host, and a PIN of carol */
	add_secret(SHARED_EAP, "dave", "dave", NULL);
	add_secret(SHARED_EAP, "any", "%any", NULL);
	add_secret(SHARED_EAP, "host", "ca.example.org", NULL);
	add_secret(SHARED_EAP, "own", "carol", NULL);
	add_secret(SHARED_EAP, "both", "carol", "ca.example.org");
	add_secret(SHARED_PIN, "pin", "carol", NULL);
	gt_log_start();
}
END_SETUP

START_TEARDOWN(teardown_password)
{
	gt_log_stop();
	lib->credmgr->remove_set(lib->credmgr, &creds->set);
	creds->destroy(creds);
	carol->destroy(carol);
	rejected->destroy(rejected);
	unlink(ca_path);
	free(ca_path);
}
END_TEARDOWN

/**
 * Ask for a secret, return it as string (static buffer) or NULL
 */
static char *ask(getcert_password_t *password, char *challenge,
				 u_int attempt)
{
	static char buf[64];
	chunk_t secret = chunk_empty;

	if (!password->get_secret(password, carol, challenge, attempt, &secret))
	{
		return NULL;
	}
	snprintf(buf, sizeof(buf), "%.*s", (int)secret.len, secret.ptr);
	chunk_clear(&secret);
	return buf;
}

/**
 * Collect the secrets answered to password requests until none is left,
 * sorted and comma separated
 */
static void drain(getcert_password_t *password, char *out, size_t len)
{
	char *names[8], *tmp, *secret;
	int count = 0, i, j;

	while (count < 8 && (secret = ask(password, NULL, count + 1)))
	{
		names[count++] = strdup(secret);
	}
	for (i = 0; i < count; i++)
	{
		for (j = i + 1; j < count; j++)
		{
			if (strcmp(names[j], names[i]) < 0)
			{
				tmp = names[i];
				names[i] = names[j];
				names[j] = tmp;
			}
		}
	}
	out[0] = '\0';
	for (i = 0; i < count; i++)
	{
		snprintf(out + strlen(out), len - strlen(out), "%s%s",
				 i ? "," : "", names[i]);
		free(names[i]);
	}
}

START_TEST(test_owned_each_once)
{
	getcert_profile_t *profile;
	getcert_password_t *password;
	char out[128];

	profile = create_profile(FALSE);
	password = getcert_password_create(profile, rejected);
	/* carol's own secrets, each once; never dave's, %any's or the host's */
	drain(password, out, sizeof(out));
	ck_assert_str_eq(out, "both,own");
	ck_assert(gt_log_contains("the CA rejected the password of 'carol' and "
							  "no other password is available"));
	password->destroy(password);
	profile->destroy(profile);
}
END_TEST

START_TEST(test_none)
{
	getcert_profile_t *profile;
	getcert_password_t *password;

	lib->credmgr->remove_set(lib->credmgr, &creds->set);
	creds->destroy(creds);
	creds = mem_cred_create();
	lib->credmgr->add_set(lib->credmgr, &creds->set);
	add_secret(SHARED_EAP, "dave", "dave", NULL);

	profile = create_profile(FALSE);
	password = getcert_password_create(profile, rejected);
	ck_assert(ask(password, NULL, 1) == NULL);
	ck_assert(gt_log_contains("no password for 'carol' (an EAP secret for "
							  "it, or a prompt)"));
	password->destroy(password);
	profile->destroy(profile);
}
END_TEST

START_TEST(test_ca_owner)
{
	getcert_profile_t *profile;
	getcert_password_t *password;
	char out[128];

	profile = create_profile(TRUE);
	password = getcert_password_create(profile, rejected);
	/* the CA host's secret too, still never another user's or %any's */
	drain(password, out, sizeof(out));
	ck_assert_str_eq(out, "both,host,own");
	password->destroy(password);
	profile->destroy(profile);
}
END_TEST

START_TEST(test_challenge_pin)
{
	getcert_profile_t *profile;
	getcert_password_t *password;
	char out[128], *secret;

	profile = create_profile(FALSE);
	password = getcert_password_create(profile, rejected);
	drain(password, out, sizeof(out));
	ck_assert_str_eq(out, "both,own");
	/* the EAP secrets are sent, the challenge gets the PIN, once */
	secret = ask(password, "Enter your token code:\x01", 1);
	ck_assert(secret);
	ck_assert_str_eq(secret, "pin");
	ck_assert(gt_log_contains("profile 'carol': the CA asks: Enter your "
							  "token code:?"));
	ck_assert(ask(password, "again", 2) == NULL);
	ck_assert(gt_log_contains("no answer for 'carol' to the CA's "
							  "challenge"));
	password->destroy(password);
	profile->destroy(profile);
}
END_TEST

START_TEST(test_challenge_eap_first)
{
	getcert_profile_t *profile;
	getcert_password_t *password;
	char *secret;

	profile = create_profile(FALSE);
	password = getcert_password_create(profile, rejected);
	/* an EAP secret not sent yet answers a challenge before the PIN */
	secret = ask(password, "otp", 1);
	ck_assert(secret);
	ck_assert(streq(secret, "own") || streq(secret, "both"));
	password->destroy(password);
	profile->destroy(profile);
}
END_TEST

START_TEST(test_rejected_remember_forget)
{
	getcert_profile_t *profile;
	getcert_password_t *password;
	char out[128];

	profile = create_profile(FALSE);
	password = getcert_password_create(profile, rejected);
	drain(password, out, sizeof(out));
	ck_assert_str_eq(out, "both,own");
	/* forgotten: the next enrollment may send them again */
	password->forget(password);
	drain(password, out, sizeof(out));
	ck_assert_str_eq(out, "both,own");
	/* remembered as rejected: never again, not even after forget() */
	ck_assert_int_eq(password->remember_sent(password), 2);
	ck_assert_int_eq(rejected->get_count(rejected), 2);
	ck_assert(rejected->contains(rejected, chunk_from_str("own")));
	ck_assert(rejected->contains(rejected, chunk_from_str("both")));
	password->forget(password);
	ck_assert_int_eq(password->remember_sent(password), 0);
	ck_assert(ask(password, NULL, 1) == NULL);
	/* a new secret of carol's is sent */
	add_secret(SHARED_EAP, "new", "carol", NULL);
	drain(password, out, sizeof(out));
	ck_assert_str_eq(out, "new");
	password->destroy(password);
	profile->destroy(profile);
}
END_TEST

START_TEST(test_url_host)
{
	identification_t *id;

	id = getcert_url_host("https://ca.example.org:8443/scep?x=1");
	ck_assert(id);
	ck_assert(chunk_equals(id->get_encoding(id),
						   chunk_from_str("ca.example.org")));
	id->destroy(id);
	id = getcert_url_host("http://[2001:db8::1]:80/scep");
	ck_assert(id);
	ck_assert_int_eq(id->get_type(id), ID_IPV6_ADDR);
	id->destroy(id);
	ck_assert(getcert_url_host("ca.example.org/scep") == NULL);
	ck_assert(getcert_url_host("https:///scep") == NULL);
}
END_TEST

Suite *password_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("getcert password");

	tc = tcase_create("secrets");
	tcase_add_checked_fixture(tc, setup_password, teardown_password);
	tcase_add_test(tc, test_owned_each_once);
	tcase_add_test(tc, test_none);
	tcase_add_test(tc, test_ca_owner);
	tcase_add_test(tc, test_challenge_pin);
	tcase_add_test(tc, test_challenge_eap_first);
	tcase_add_test(tc, test_rejected_remember_forget);
	suite_add_tcase(s, tc);

	tc = tcase_create("url host");
	tcase_add_test(tc, test_url_host);
	suite_add_tcase(s, tc);

	return s;
}

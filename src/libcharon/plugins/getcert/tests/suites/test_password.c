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
#include "getcert_test_charon.h"

#include <unistd.h>

#include <getcert_test_certs.h>
#include <credentials/sets/mem_cred.h>

static mem_cred_t *creds;
static identification_t *carol;
static getcert_secrets_t *rejected;
static getcert_config_t *config;
static getcert_profile_t *profile;
static getcert_password_t *password;
static char *ca_path;

/**
 * Create the password source of carol's profile (its CA at 127.0.0.1),
 * optionally accepting CA-owned secrets
 */
static void start(bool ca_owner)
{
	config = gtc_config(ca_owner ? "     ca_secret_owner = yes" : "", NULL,
						NULL, &ca_path);
	profile = config->get_profile(config, "carol");
	ck_assert(profile);
	password = getcert_password_create(profile, rejected);
}

START_SETUP(setup_password)
{
	creds = mem_cred_create();
	lib->credmgr->add_set(lib->credmgr, &creds->set);
	carol = identification_create_from_string("carol");
	rejected = getcert_secrets_create();
	config = NULL;
	/* another user's, a wildcard, the CA host's, carol's own, one of carol
	 * and the CA host, and a PIN of carol */
	gtc_add_secret(creds, SHARED_EAP, "dave", "dave", NULL);
	gtc_add_secret(creds, SHARED_EAP, "any", "%any", NULL);
	gtc_add_secret(creds, SHARED_EAP, "host", "127.0.0.1", NULL);
	gtc_add_secret(creds, SHARED_EAP, "own", "carol", NULL);
	gtc_add_secret(creds, SHARED_EAP, "both", "carol", "127.0.0.1");
	gtc_add_secret(creds, SHARED_PIN, "pin", "carol", NULL);
	gt_log_start();
}
END_SETUP

START_TEARDOWN(teardown_password)
{
	gt_log_stop();
	if (config)
	{
		password->destroy(password);
		profile->destroy(profile);
		config->destroy(config);
		unlink(ca_path);
		free(ca_path);
	}
	lib->credmgr->remove_set(lib->credmgr, &creds->set);
	creds->destroy(creds);
	carol->destroy(carol);
	rejected->destroy(rejected);
}
END_TEARDOWN

/**
 * Ask for a secret, return it as string (static buffer) or NULL
 */
static char *ask(char *challenge, u_int attempt)
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
 * Answer password requests until none is left, the secrets in the order
 * sent as ",a,b,"; returns how many
 */
static u_int drain(char *out, size_t len)
{
	char *secret;
	u_int count = 0;

	snprintf(out, len, ",");
	while (count < 8 && (secret = ask(NULL, count + 1)))
	{
		snprintf(out + strlen(out), len - strlen(out), "%s,", secret);
		count++;
	}
	return count;
}

/**
 * Whether a secret is in what drain() returned
 */
static bool sent(char *out, char *secret)
{
	char item[64];

	snprintf(item, sizeof(item), ",%s,", secret);
	return strstr(out, item) != NULL;
}

START_TEST(test_owned_each_once)
{
	char out[128];

	start(FALSE);
	/* carol's own secrets, each once; never dave's, %any's or the host's */
	ck_assert_int_eq(drain(out, sizeof(out)), 2);
	ck_assert(sent(out, "own") && sent(out, "both"));
	ck_assert(gt_log_contains("the CA rejected the password of 'carol' and "
							  "no other password is available"));
}
END_TEST

START_TEST(test_none)
{
	lib->credmgr->remove_set(lib->credmgr, &creds->set);
	creds->destroy(creds);
	creds = mem_cred_create();
	lib->credmgr->add_set(lib->credmgr, &creds->set);
	gtc_add_secret(creds, SHARED_EAP, "dave", "dave", NULL);

	start(FALSE);
	ck_assert(ask(NULL, 1) == NULL);
	ck_assert(gt_log_contains("no password for 'carol' (an EAP secret for "
							  "it, or a prompt)"));
}
END_TEST

START_TEST(test_ca_owner)
{
	char out[128];

	start(TRUE);
	/* the CA host's secret too, still never another user's or %any's */
	ck_assert_int_eq(drain(out, sizeof(out)), 3);
	ck_assert(sent(out, "own") && sent(out, "both") && sent(out, "host"));
}
END_TEST

START_TEST(test_challenge_pin)
{
	char out[128], *secret;

	start(FALSE);
	ck_assert_int_eq(drain(out, sizeof(out)), 2);
	/* the EAP secrets are sent, the challenge gets the PIN, once */
	secret = ask("Enter your token code:\x01", 1);
	ck_assert(secret);
	ck_assert_str_eq(secret, "pin");
	ck_assert(gt_log_contains("profile 'carol': the CA asks: Enter your "
							  "token code:?"));
	ck_assert(ask("again", 2) == NULL);
	ck_assert(gt_log_contains("no answer for 'carol' to the CA's "
							  "challenge"));
}
END_TEST

START_TEST(test_challenge_eap_first)
{
	char *secret;

	start(FALSE);
	/* an EAP secret not sent yet answers a challenge before the PIN */
	secret = ask("otp", 1);
	ck_assert(secret);
	ck_assert(streq(secret, "own") || streq(secret, "both"));
}
END_TEST

START_TEST(test_rejected_remember_forget)
{
	char out[128];

	start(FALSE);
	ck_assert_int_eq(drain(out, sizeof(out)), 2);
	/* forgotten: the next enrollment may send them again */
	password->forget(password);
	ck_assert_int_eq(drain(out, sizeof(out)), 2);
	/* remembered as rejected: never again, not even after forget() */
	ck_assert_int_eq(password->remember_sent(password), 2);
	ck_assert_int_eq(rejected->get_count(rejected), 2);
	ck_assert(rejected->contains(rejected, chunk_from_str("own")));
	ck_assert(rejected->contains(rejected, chunk_from_str("both")));
	password->forget(password);
	ck_assert_int_eq(password->remember_sent(password), 0);
	ck_assert(ask(NULL, 1) == NULL);
	/* a new secret of carol's is sent */
	gtc_add_secret(creds, SHARED_EAP, "new", "carol", NULL);
	ck_assert_int_eq(drain(out, sizeof(out)), 1);
	ck_assert(sent(out, "new"));
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

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

#include "../../getcert_creds.h"
#include <getcert_test_certs.h>

#include <credentials/auth_cfg.h>

static getcert_creds_t *creds;
static private_key_t *ca_key;
static certificate_t *ca;

/**
 * Two pairs for carol, one for dave
 */
static certificate_t *cert1, *cert2, *cert3;
static private_key_t *key1, *key2, *key3;

static certificate_t *issue(char *san, private_key_t **key);

START_SETUP(setup_creds)
{
	ca_key = gt_key();
	ca = gt_cert(ca_key, "CN=Test CA", NULL, NULL, NULL, TRUE, 3600);
	ck_assert(ca);
	creds = getcert_creds_create();
	lib->credmgr->add_set(lib->credmgr, creds->get_set(creds));
	cert1 = issue("carol@example.org", &key1);
	cert2 = issue("carol@example.org", &key2);
	cert3 = issue("dave@example.org", &key3);
}
END_SETUP

START_TEARDOWN(teardown_creds)
{
	lib->credmgr->remove_set(lib->credmgr, creds->get_set(creds));
	creds->destroy(creds);
	cert1->destroy(cert1);
	cert2->destroy(cert2);
	cert3->destroy(cert3);
	key1->destroy(key1);
	key2->destroy(key2);
	key3->destroy(key3);
	ca->destroy(ca);
	ca_key->destroy(ca_key);
}
END_TEARDOWN

/**
 * Issue a certificate for an identity, returning the key too
 */
static certificate_t *issue(char *san, private_key_t **key)
{
	char dn[128];

	*key = gt_key();
	ck_assert(*key);
	snprintf(dn, sizeof(dn), "O=getcert, CN=%s", san);
	return gt_cert(*key, dn, san, ca_key, ca, FALSE, 600);
}

/**
 * Look up the private key charon would use for an identity
 */
static private_key_t *lookup_key(char *idstr)
{
	identification_t *id;
	private_key_t *key;
	auth_cfg_t *auth;

	id = identification_create_from_string(idstr);
	auth = auth_cfg_create();
	key = lib->credmgr->get_private(lib->credmgr, KEY_ANY, id, auth);
	auth->destroy(auth);
	id->destroy(id);
	return key;
}

/**
 * Check whether the set still has a key, looked up by its key id
 */
static bool has_key(private_key_t *key)
{
	identification_t *keyid;
	private_key_t *found;
	chunk_t fp;

	ck_assert(key->get_fingerprint(key, KEYID_PUBKEY_SHA1, &fp));
	keyid = identification_create_from_encoding(ID_KEY_ID, fp);
	found = lib->credmgr->get_private(lib->credmgr, KEY_ANY, keyid, NULL);
	keyid->destroy(keyid);
	DESTROY_IF(found);
	return found != NULL;
}

/**
 * Compare two keys by their public key fingerprint
 */
static bool same_key(private_key_t *a, private_key_t *b)
{
	chunk_t fa, fb;

	return a->get_fingerprint(a, KEYID_PUBKEY_SHA1, &fa) &&
		   b->get_fingerprint(b, KEYID_PUBKEY_SHA1, &fb) &&
		   chunk_equals(fa, fb);
}

/**
 * Install a pair, passing new references
 */
static bool install(char *name, certificate_t *cert, private_key_t *key)
{
	return creds->install(creds, name, cert->get_ref(cert), key->get_ref(key),
						  NULL);
}

/**
 * Check that the set serves a key for an identity, and which
 */
static void assert_used_key(char *id, private_key_t *expected)
{
	private_key_t *used;

	used = lookup_key(id);
	ck_assert(used);
	ck_assert(same_key(used, expected));
	used->destroy(used);
}

/**
 * Check which certificate is installed for a profile
 */
static void assert_installed(char *name, certificate_t *expected)
{
	certificate_t *found;

	found = creds->get_cert(creds, name);
	ck_assert(found);
	ck_assert(found->equals(found, expected));
	found->destroy(found);
}

START_TEST(test_install_lookup)
{
	certificate_t *found;
	identification_t *id;

	ck_assert(!lookup_key("carol@example.org"));
	ck_assert(install("carol", cert1, key1));
	assert_used_key("carol@example.org", key1);

	id = identification_create_from_string("carol@example.org");
	found = lib->credmgr->get_cert(lib->credmgr, CERT_X509, KEY_ANY, id,
								   FALSE);
	id->destroy(id);
	ck_assert(found);
	ck_assert(found->equals(found, cert1));
	found->destroy(found);

	assert_installed("carol", cert1);
	ck_assert(!creds->get_cert(creds, "dave"));
}
END_TEST

/**
 * Key types of EST profiles, as IKE asks for them
 */
static struct {
	key_type_t type;
	u_int bits;
} key_types[] = {
	{ KEY_ECDSA, 384 },
	{ KEY_ED25519, 0 },
};

START_TEST(test_key_types)
{
	certificate_t *cert, *found;
	private_key_t *key, *used;
	identification_t *id;

	key = lib->creds->create(lib->creds, CRED_PRIVATE_KEY,
							 key_types[_i].type, BUILD_KEY_SIZE,
							 key_types[_i].bits, BUILD_END);
	ck_assert(key);
	cert = gt_cert(key, "O=getcert, CN=erin@example.org", "erin@example.org",
				   ca_key, ca, FALSE, 600);
	ck_assert(cert);
	ck_assert(install("erin", cert, key));

	/* pubkey auth asks for the key type of the certificate */
	id = identification_create_from_string("erin@example.org");
	used = lib->credmgr->get_private(lib->credmgr, key_types[_i].type, id,
									 NULL);
	ck_assert(used);
	ck_assert(same_key(used, key));
	used->destroy(used);
	ck_assert(!lib->credmgr->get_private(lib->credmgr, KEY_RSA, id, NULL));
	found = lib->credmgr->get_cert(lib->credmgr, CERT_X509,
								   key_types[_i].type, id, FALSE);
	ck_assert(found);
	ck_assert(found->equals(found, cert));
	found->destroy(found);
	id->destroy(id);
	assert_used_key("erin@example.org", key);

	cert->destroy(cert);
	key->destroy(key);
}
END_TEST

START_TEST(test_replace)
{
	ck_assert(install("carol", cert1, key1));
	ck_assert(install("carol", cert2, key2));

	/* the old key left the set, so the old certificate can't be used */
	ck_assert(!has_key(key1));
	ck_assert(has_key(key2));
	assert_used_key("carol@example.org", key2);
	assert_installed("carol", cert2);
}
END_TEST

START_TEST(test_mismatch_keeps_old)
{
	ck_assert(install("carol", cert1, key1));
	/* certificate of one key, private key of another */
	ck_assert(!install("carol", cert2, key1));
	ck_assert(has_key(key1));
	assert_installed("carol", cert1);
	assert_used_key("carol@example.org", key1);
}
END_TEST

START_TEST(test_remove)
{
	ck_assert(install("carol", cert1, key1));
	ck_assert(install("dave", cert3, key3));

	ck_assert(creds->remove(creds, "carol"));
	ck_assert(!creds->remove(creds, "carol"));
	ck_assert(!has_key(key1));
	ck_assert(!lookup_key("carol@example.org"));
	ck_assert(!creds->get_cert(creds, "carol"));

	/* the other profile's pair is untouched */
	assert_used_key("dave@example.org", key3);
	assert_installed("dave", cert3);
}
END_TEST

START_TEST(test_get_pair)
{
	certificate_t *cert;
	private_key_t *key;

	ck_assert(!creds->get_pair(creds, "carol", &cert, &key));
	ck_assert(install("carol", cert1, key1));
	ck_assert(creds->get_pair(creds, "carol", &cert, &key));
	ck_assert(cert->equals(cert, cert1));
	ck_assert(key->equals(key, key1));
	cert->destroy(cert);
	key->destroy(key);
	ck_assert(install("carol", cert2, key2));
	ck_assert(creds->get_pair(creds, "carol", &cert, &key));
	ck_assert(cert->equals(cert, cert2));
	ck_assert(key->equals(key, key2));
	cert->destroy(cert);
	key->destroy(key);
}
END_TEST

START_TEST(test_is_ours)
{
	ck_assert(!creds->is_ours(creds, cert1));
	ck_assert(install("carol", cert1, key1));
	ck_assert(install("dave", cert3, key3));
	ck_assert(creds->is_ours(creds, cert1));
	ck_assert(creds->is_ours(creds, cert3));
	ck_assert(!creds->is_ours(creds, cert2));
	ck_assert(!creds->is_ours(creds, ca));

	/* the replaced certificate stays ours, for the IKE_SAs that used it */
	ck_assert(install("carol", cert2, key2));
	ck_assert(creds->is_ours(creds, cert2));
	ck_assert(creds->is_ours(creds, cert1));
	/* a refused replacement changes nothing */
	ck_assert(!install("carol", cert1, key3));
	ck_assert(creds->is_ours(creds, cert1));

	/* a removed one too, but only the last one of each profile */
	ck_assert(creds->remove(creds, "carol"));
	ck_assert(creds->is_ours(creds, cert2));
	ck_assert(!creds->is_ours(creds, cert1));
	ck_assert(creds->is_ours(creds, cert3));

	/* a first install after removal replaces nothing */
	ck_assert(install("carol", cert1, key1));
	ck_assert(creds->is_ours(creds, cert1));
	ck_assert(!creds->is_ours(creds, cert2));
}
END_TEST

Suite *creds_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("getcert creds");

	tc = tcase_create("pairs");
	tcase_add_checked_fixture(tc, setup_creds, teardown_creds);
	tcase_add_test(tc, test_install_lookup);
	tcase_add_loop_test(tc, test_key_types, 0, countof(key_types));
	tcase_add_test(tc, test_replace);
	tcase_add_test(tc, test_mismatch_keeps_old);
	tcase_add_test(tc, test_remove);
	tcase_add_test(tc, test_get_pair);
	tcase_add_test(tc, test_is_ours);
	suite_add_tcase(s, tc);

	return s;
}

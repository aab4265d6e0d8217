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

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <getcert_keypkg.h>
#include <getcert_cms_signed.h>
#include <getcert_cms_enveloped.h>
#include <getcert_test_certs.h>

#include <asn1/oid.h>
#include <credentials/certificates/x509.h>

/** the CA signing packages, an ECDSA one */
static private_key_t *ca_key;
static certificate_t *ca;
static linked_list_t *signers;
/** the client's ephemeral RSA key the request names */
static private_key_t *client;
static public_key_t *client_pub;
static chunk_t client_id;

START_SETUP(setup_keypkg)
{
	ca_key = gt_key();
	ck_assert(ca_key);
	ca = gt_cert(ca_key, "CN=keypkg CA", NULL, NULL, NULL, TRUE, 3600);
	ck_assert(ca);
	signers = linked_list_create_with_items(ca, NULL);
	client = gt_rsa_key(2048);
	ck_assert(client);
	client_pub = client->get_public_key(client);
	ck_assert(getcert_keypkg_key_id(client_pub, &client_id));
}
END_SETUP

START_TEARDOWN(teardown_keypkg)
{
	chunk_free(&client_id);
	client_pub->destroy(client_pub);
	client->destroy(client);
	signers->destroy(signers);
	ca->destroy(ca);
	ca_key->destroy(ca_key);
}
END_TEARDOWN

/**
 * Generate a key of the types the server generates
 */
static private_key_t *gen_key(int i)
{
	switch (i)
	{
		case 0:
			return gt_key();
		case 1:
			return gt_rsa_key(2048);
		case 2:
			return lib->creds->create(lib->creds, CRED_PRIVATE_KEY,
									  KEY_ED25519, BUILD_END);
		default:
			return lib->creds->create(lib->creds, CRED_PRIVATE_KEY,
									  KEY_ECDSA, BUILD_KEY_SIZE, 384,
									  BUILD_END);
	}
}

/**
 * Assert two private keys are the same key
 */
static void assert_same_key(private_key_t *a, private_key_t *b)
{
	chunk_t fa, fb;

	ck_assert_int_eq(a->get_type(a), b->get_type(b));
	ck_assert(a->get_fingerprint(a, KEYID_PUBKEY_SHA1, &fa));
	ck_assert(b->get_fingerprint(b, KEYID_PUBKEY_SHA1, &fb));
	ck_assert_chunk_eq(fa, fb);
}

/**
 * Run testing/der-check.py on an encoding
 */
static void assert_der(chunk_t der, char *mode)
{
	char path[] = "/tmp/gt-keypkg-XXXXXX", cmd[1024];
	char *srcdir;
	FILE *f;
	int fd;

	srcdir = getenv("srcdir") ?: ".";
	fd = mkstemp(path);
	ck_assert(fd >= 0);
	f = fdopen(fd, "w");
	ck_assert(fwrite(der.ptr, der.len, 1, f) == 1);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "python3 %s/../../testing/der-check.py %s %s "
			 ">/dev/null", srcdir, mode, path);
	ck_assert_int_eq(system(cmd), 0);
	unlink(path);
}

START_TEST(test_build_parse)
{
	private_key_t *key, *parsed;
	chunk_t pkg, inner, pki;

	key = gen_key(_i);
	ck_assert(key);
	pkg = getcert_keypkg_build(key);
	ck_assert(pkg.len);
	assert_der(pkg, "--any");
	ck_assert_int_eq(getcert_keypkg_parse(pkg, FALSE, &parsed), GETCERT_OK);
	assert_same_key(key, parsed);
	parsed->destroy(parsed);

	/* the OneAsymmetricKey alone is a PKCS#8 PrivateKeyInfo */
	inner = pkg;
	ck_assert(asn1_unwrap(&inner, &pki) == ASN1_SEQUENCE);
	ck_assert_int_eq(getcert_keypkg_parse(pki, TRUE, &parsed), GETCERT_OK);
	assert_same_key(key, parsed);
	parsed->destroy(parsed);
	/* but it is no package, nor the package a PrivateKeyInfo */
	ck_assert_int_eq(getcert_keypkg_parse(pki, FALSE, &parsed),
					 GETCERT_ERR_MALFORMED);
	ck_assert_int_eq(getcert_keypkg_parse(pkg, TRUE, &parsed),
					 GETCERT_ERR_MALFORMED);
	ck_assert(!parsed);
	chunk_clear(&pkg);
	key->destroy(key);
}
END_TEST

START_TEST(test_round_trip)
{
	private_key_t *key, *parsed;
	chunk_t env, plain;
	getcert_cms_t *cms;

	key = gen_key(_i);
	ck_assert(key);
	env = getcert_keypkg_protect(key, ca, ca_key, client_pub, client_id);
	ck_assert(env.len);
	assert_der(env, "--cms");
	ck_assert_int_eq(getcert_keypkg_unprotect(env, client, signers, &parsed),
					 GETCERT_OK);
	assert_same_key(key, parsed);
	parsed->destroy(parsed);

	/* what is inside: SignedData of id-ct-KP-aKeyPackage, canonical */
	ck_assert_int_eq(getcert_cms_decrypt_ski(env, client_id, client, 0,
											 chunk_empty, &plain), GETCERT_OK);
	assert_der(plain, "--cms");
	cms = getcert_cms_parse(plain);
	ck_assert(cms);
	ck_assert_chunk_eq(cms->get_content_type(cms),
					   GETCERT_OID_KP_AKEYPACKAGE);
	cms->destroy(cms);
	chunk_clear(&plain);
	chunk_free(&env);
	key->destroy(key);
}
END_TEST

START_TEST(test_rsa_signer)
{
	private_key_t *key, *rsa, *parsed;
	certificate_t *rsa_ca;
	linked_list_t *list;
	chunk_t env;

	rsa = gt_rsa_key(2048);
	rsa_ca = gt_cert(rsa, "CN=RSA CA", NULL, NULL, NULL, TRUE, 3600);
	list = linked_list_create_with_items(rsa_ca, NULL);
	key = gt_key();
	env = getcert_keypkg_protect(key, rsa_ca, rsa, client_pub, client_id);
	ck_assert(env.len);
	assert_der(env, "--cms");
	ck_assert_int_eq(getcert_keypkg_unprotect(env, client, list, &parsed),
					 GETCERT_OK);
	assert_same_key(key, parsed);
	parsed->destroy(parsed);
	/* the ECDSA CA is not the signer */
	gt_log_start();
	ck_assert_int_eq(getcert_keypkg_unprotect(env, client, signers, &parsed),
					 GETCERT_ERR_SIGNATURE);
	ck_assert(gt_log_contains("not signed by a trusted signer"));
	gt_log_stop();
	chunk_free(&env);
	key->destroy(key);
	list->destroy(list);
	rsa_ca->destroy(rsa_ca);
	rsa->destroy(rsa);
}
END_TEST

START_TEST(test_key_id)
{
	certificate_t *cert;
	x509_t *x509;

	/* the identifier is the subjectKeyIdentifier a certificate gets */
	cert = gt_cert(client, "CN=client", NULL, ca_key, ca, FALSE, 3600);
	x509 = (x509_t*)cert;
	ck_assert_chunk_eq(x509->get_subjectKeyIdentifier(x509), client_id);
	ck_assert_int_eq(client_id.len, 20);
	cert->destroy(cert);
}
END_TEST

START_TEST(test_protect_refused)
{
	private_key_t *key;
	public_key_t *pub;
	chunk_t env;

	key = gt_key();
	/* an identifier that does not name the key */
	gt_log_start();
	env = getcert_keypkg_protect(key, ca, ca_key, client_pub,
								 chunk_from_chars(0x01,0x02,0x03));
	ck_assert(!env.len);
	ck_assert(gt_log_contains("does not name the recipient key"));
	gt_log_stop();
	/* no key transport to an ECDSA key */
	pub = key->get_public_key(key);
	gt_log_start();
	env = getcert_keypkg_protect(key, ca, ca_key, pub, client_id);
	ck_assert(!env.len);
	ck_assert(gt_log_contains("can only encrypt to an RSA key"));
	gt_log_stop();
	pub->destroy(pub);
	key->destroy(key);
}
END_TEST

START_TEST(test_wrong_recipient)
{
	private_key_t *key, *other, *parsed;
	chunk_t env;

	key = gt_key();
	env = getcert_keypkg_protect(key, ca, ca_key, client_pub, client_id);
	other = gt_rsa_key(1024);
	gt_log_start();
	ck_assert_int_eq(getcert_keypkg_unprotect(env, other, signers, &parsed),
					 GETCERT_ERR_ENVELOPE);
	ck_assert(gt_log_contains("not addressed to key identifier"));
	gt_log_stop();
	ck_assert(!parsed);
	/* not an RSA key at all */
	ck_assert_int_eq(getcert_keypkg_unprotect(env, key, signers, &parsed),
					 GETCERT_ERR_DECRYPT);
	other->destroy(other);
	chunk_free(&env);
	key->destroy(key);
}
END_TEST

/**
 * Envelope a (signed or not) message to the client
 */
static chunk_t envelope(chunk_t msg)
{
	chunk_t env;

	env = getcert_cms_build_enveloped_ski(msg, client_pub, client_id);
	ck_assert(env.len);
	return env;
}

START_TEST(test_unsigned)
{
	private_key_t *key, *parsed;
	chunk_t pkg, msg, env;

	key = gt_key();
	pkg = getcert_keypkg_build(key);
	/* SignedData without SignerInfo */
	msg = getcert_cms_wrap(OID_PKCS7_SIGNED_DATA,
				asn1_wrap(ASN1_SEQUENCE, "cmmm",
					ASN1_INTEGER_1,
					asn1_wrap(ASN1_SET, ""),
					asn1_wrap(ASN1_SEQUENCE, "mm",
						asn1_simple_object(ASN1_OID,
										   GETCERT_OID_KP_AKEYPACKAGE),
						asn1_wrap(ASN1_CONTEXT_C_0, "m",
							asn1_wrap(ASN1_OCTET_STRING, "c", pkg))),
					asn1_wrap(ASN1_SET, "")));
	env = envelope(msg);
	gt_log_start();
	ck_assert_int_eq(getcert_keypkg_unprotect(env, client, signers, &parsed),
					 GETCERT_ERR_SIGNATURE);
	ck_assert(gt_log_contains("SignedData is not signed"));
	gt_log_stop();
	chunk_free(&env);
	chunk_clear(&msg);

	/* the bare package in EnvelopedData, no SignedData at all */
	env = envelope(pkg);
	gt_log_start();
	ck_assert_int_eq(getcert_keypkg_unprotect(env, client, signers, &parsed),
					 GETCERT_ERR_MALFORMED);
	ck_assert(gt_log_contains("decrypted content is not SignedData"));
	gt_log_stop();
	chunk_free(&env);
	chunk_clear(&pkg);
	key->destroy(key);
}
END_TEST

START_TEST(test_untrusted)
{
	private_key_t *key, *rogue, *parsed;
	certificate_t *rogue_ca;
	chunk_t env;

	/* same name as the CA, other key */
	rogue = gt_key();
	rogue_ca = gt_cert(rogue, "CN=keypkg CA", NULL, NULL, NULL, TRUE, 3600);
	key = gt_key();
	env = getcert_keypkg_protect(key, rogue_ca, rogue, client_pub, client_id);
	ck_assert(env.len);
	gt_log_start();
	ck_assert_int_eq(getcert_keypkg_unprotect(env, client, signers, &parsed),
					 GETCERT_ERR_SIGNATURE);
	ck_assert(gt_log_contains("not signed by a trusted signer"));
	gt_log_stop();
	ck_assert(!parsed);
	chunk_free(&env);
	key->destroy(key);
	rogue_ca->destroy(rogue_ca);
	rogue->destroy(rogue);
}
END_TEST

START_TEST(test_wrong_content_type)
{
	private_key_t *key, *parsed;
	chunk_t pkg, msg, env;

	key = gt_key();
	pkg = getcert_keypkg_build(key);
	/* signed as id-data, as SCEP messages are */
	msg = getcert_cms_build_signed(pkg, chunk_empty, ca, ca_key, HASH_SHA256,
								   FALSE);
	env = envelope(msg);
	gt_log_start();
	ck_assert_int_eq(getcert_keypkg_unprotect(env, client, signers, &parsed),
					 GETCERT_ERR_MALFORMED);
	ck_assert(gt_log_contains("content type is not id-ct-KP-aKeyPackage"));
	gt_log_stop();
	ck_assert(!parsed);
	chunk_free(&env);
	chunk_clear(&msg);
	chunk_clear(&pkg);
	key->destroy(key);
}
END_TEST

START_TEST(test_sha1_refused)
{
	private_key_t *key, *parsed;
	chunk_t pkg, msg, env;

	key = gt_key();
	pkg = getcert_keypkg_build(key);
	msg = getcert_cms_build_signed_type(pkg, GETCERT_OID_KP_AKEYPACKAGE,
										chunk_empty, ca, ca_key, HASH_SHA1,
										FALSE);
	ck_assert(msg.len);
	env = envelope(msg);
	ck_assert_int_eq(getcert_keypkg_unprotect(env, client, signers, &parsed),
					 GETCERT_ERR_POLICY);
	chunk_free(&env);
	chunk_clear(&msg);
	chunk_clear(&pkg);
	key->destroy(key);
}
END_TEST

START_TEST(test_two_keys)
{
	private_key_t *a, *b, *parsed;
	chunk_t pa, pb, ia, ib, rest, two, msg, env;

	a = gt_key();
	b = gt_key();
	pa = getcert_keypkg_build(a);
	pb = getcert_keypkg_build(b);
	rest = pa;
	asn1_unwrap(&rest, &ia);
	rest = pb;
	asn1_unwrap(&rest, &ib);
	two = asn1_wrap(ASN1_SEQUENCE, "cc", ia, ib);
	gt_log_start();
	ck_assert_int_eq(getcert_keypkg_parse(two, FALSE, &parsed),
					 GETCERT_ERR_MALFORMED);
	ck_assert(gt_log_contains("holds more than one key"));
	gt_log_stop();
	/* also when it is signed and encrypted */
	msg = getcert_cms_build_signed_type(two, GETCERT_OID_KP_AKEYPACKAGE,
										chunk_empty, ca, ca_key, HASH_SHA256,
										FALSE);
	env = envelope(msg);
	ck_assert_int_eq(getcert_keypkg_unprotect(env, client, signers, &parsed),
					 GETCERT_ERR_MALFORMED);
	ck_assert(!parsed);
	/* and none */
	ck_assert_int_eq(getcert_keypkg_parse(chunk_from_chars(0x30,0x00), FALSE,
										  &parsed), GETCERT_ERR_MALFORMED);
	chunk_free(&env);
	chunk_clear(&msg);
	chunk_clear(&two);
	chunk_clear(&pa);
	chunk_clear(&pb);
	a->destroy(a);
	b->destroy(b);
}
END_TEST

/**
 * Malformed packages and PrivateKeyInfos
 */
static struct {
	chunk_t blob;
	bool pkcs8;
} garbage[] = {
	{ chunk_from_chars(0x00), FALSE },
	{ chunk_from_chars(0x30,0x80,0x00,0x00), FALSE },
	{ chunk_from_chars(0x30,0x03,0x02,0x01,0x00), TRUE },
	/* version 2 */
	{ chunk_from_chars(0x30,0x0e,0x02,0x01,0x02,0x30,0x05,0x06,0x03,0x2b,
					   0x65,0x70,0x04,0x02,0x04,0x00), TRUE },
	/* Ed25519 with an empty privateKey */
	{ chunk_from_chars(0x30,0x0c,0x02,0x01,0x00,0x30,0x05,0x06,0x03,0x2b,
					   0x65,0x70,0x04,0x00), TRUE },
	/* Ed25519 with a privateKey of the wrong length */
	{ chunk_from_chars(0x30,0x0e,0x02,0x01,0x00,0x30,0x05,0x06,0x03,0x2b,
					   0x65,0x70,0x04,0x02,0x04,0x00), TRUE },
	/* unknown algorithm 1.3.101.110 (X25519) */
	{ chunk_from_chars(0x30,0x0e,0x02,0x01,0x00,0x30,0x05,0x06,0x03,0x2b,
					   0x65,0x6e,0x04,0x02,0x04,0x00), TRUE },
	/* trailing byte */
	{ chunk_from_chars(0x30,0x03,0x02,0x01,0x00,0x00), TRUE },
};

START_TEST(test_garbage)
{
	private_key_t *parsed = (void*)1;
	chunk_t env;

	ck_assert_int_eq(getcert_keypkg_parse(garbage[_i].blob,
										  garbage[_i].pkcs8, &parsed),
					 GETCERT_ERR_MALFORMED);
	ck_assert(!parsed);
	/* random bytes as the protected package */
	ck_assert_int_eq(getcert_keypkg_unprotect(garbage[_i].blob, client,
											  signers, &parsed),
					 GETCERT_ERR_MALFORMED);
	/* garbage encrypted to us */
	env = envelope(garbage[_i].blob);
	ck_assert_int_eq(getcert_keypkg_unprotect(env, client, signers, &parsed),
					 GETCERT_ERR_MALFORMED);
	chunk_free(&env);
}
END_TEST

Suite *keypkg_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("key packages");

	tc = tcase_create("AsymmetricKeyPackage");
	tcase_add_checked_fixture(tc, setup_keypkg, teardown_keypkg);
	/* RSA key generation, on a loaded machine */
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_build_parse, 0, 4);
	tcase_add_loop_test(tc, test_garbage, 0, countof(garbage));
	tcase_add_test(tc, test_two_keys);
	suite_add_tcase(s, tc);

	tc = tcase_create("protected");
	tcase_add_checked_fixture(tc, setup_keypkg, teardown_keypkg);
	/* RSA key generation, on a loaded machine */
	tcase_set_timeout(tc, 30);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_round_trip, 0, 4);
	tcase_add_test(tc, test_rsa_signer);
	tcase_add_test(tc, test_key_id);
	tcase_add_test(tc, test_protect_refused);
	suite_add_tcase(s, tc);

	tc = tcase_create("refused");
	tcase_add_checked_fixture(tc, setup_keypkg, teardown_keypkg);
	/* RSA key generation, on a loaded machine */
	tcase_set_timeout(tc, 30);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_wrong_recipient);
	tcase_add_test(tc, test_unsigned);
	tcase_add_test(tc, test_untrusted);
	tcase_add_test(tc, test_wrong_content_type);
	tcase_add_test(tc, test_sha1_refused);
	suite_add_tcase(s, tc);

	return s;
}

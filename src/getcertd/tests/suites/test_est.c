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

#define _GNU_SOURCE /* asprintf */
#include <stdio.h>
#include <time.h>

#include <test_suite.h>

#include <getcertd_est.h>
#include <getcert_est.h>
#include <getcert_test_certs.h>
#include <getcert_x509.h>

#include <credentials/certificates/x509.h>

/*******************************************************************************
 * routing
 */

static struct {
	char *path;
	bool ok;
	char *label;
	getcertd_est_op_t op;
} routes[] = {
	{ "/.well-known/est/cacerts", TRUE, NULL, GETCERTD_EST_CACERTS },
	{ "/.well-known/est/simpleenroll", TRUE, NULL, GETCERTD_EST_SIMPLEENROLL },
	{ "/.well-known/est/simplereenroll", TRUE, NULL,
		GETCERTD_EST_SIMPLEREENROLL },
	{ "/.well-known/est/csrattrs", TRUE, NULL, GETCERTD_EST_CSRATTRS },
	{ "/.well-known/est/serverkeygen", TRUE, NULL, GETCERTD_EST_SERVERKEYGEN },
	{ "/.well-known/est/fullcmc", TRUE, NULL, GETCERTD_EST_FULLCMC },
	{ "/.well-known/est/ike/cacerts", TRUE, "ike", GETCERTD_EST_CACERTS },
	{ "/.well-known/est/a.b-c_9/simpleenroll", TRUE, "a.b-c_9",
		GETCERTD_EST_SIMPLEENROLL },
	{ "/.well-known/est/", FALSE },
	{ "/.well-known/est", FALSE },
	{ "/.well-known/est/cacerts/", FALSE },
	{ "/.well-known/est//cacerts", FALSE },
	{ "/.well-known/est/a/b/cacerts", FALSE },
	{ "/.well-known/est/../cacerts", FALSE },
	{ "/.well-known/est/./cacerts", FALSE },
	{ "/.well-known/est/cacerts/cacerts", FALSE },
	{ "/.well-known/est/l%20x/cacerts", FALSE },
	{ "/.well-known/est/ike/unknown", FALSE },
	{ "/.well-known/est/CACERTS", FALSE },
	{ "/scep", FALSE },
	{ "/.well-known/estx/cacerts", FALSE },
	{ "/.well-known/est/0123456789012345678901234567890123456789012345678901"
	  "234567890123456789/cacerts", FALSE },
};

START_TEST(test_route)
{
	getcertd_est_op_t op;
	char *label = NULL;
	bool ok;

	ok = getcertd_est_route(routes[_i].path, &label, &op);
	ck_assert_msg(ok == routes[_i].ok, "%s", routes[_i].path);
	if (ok)
	{
		ck_assert_int_eq(op, routes[_i].op);
		if (routes[_i].label)
		{
			ck_assert_str_eq(label, routes[_i].label);
		}
		else
		{
			ck_assert(label == NULL);
		}
	}
	else
	{
		ck_assert(label == NULL);
	}
	free(label);
}
END_TEST

/*******************************************************************************
 * label mapping (policies)
 */

static void settings(char *conf)
{
	char *str;

	ck_assert(asprintf(&str, "%s {\n%s\n}\n", lib->ns, conf) > 0);
	ck_assert(lib->settings->load_string(lib->settings, str, FALSE));
	free(str);
}

#define POLICY(name, extra) \
	name " { subject = CN=%u\n lifetime = 1h\n " extra "\n }\n"

START_TEST(test_labels)
{
	linked_list_t *policies;
	getcertd_policy_t *policy;

	settings("policies {\n"
			 POLICY("a", "est = yes")
			 POLICY("b", "path = /b/scep\n est_label = ike")
			 POLICY("c", "path = /c/scep")
			 "}");
	policies = getcertd_policy_load();
	ck_assert(policies);
	policy = getcertd_policy_find_est(policies, NULL);
	ck_assert(policy);
	ck_assert_str_eq(policy->name, "a");
	policy = getcertd_policy_find_est(policies, "ike");
	ck_assert(policy);
	ck_assert_str_eq(policy->name, "b");
	ck_assert(getcertd_policy_find_est(policies, "c") == NULL);
	ck_assert(getcertd_policy_find_est(policies, "other") == NULL);
	policy = getcertd_policy_named(policies, "c");
	ck_assert(policy && !policy->est);
	policies->destroy_function(policies, (void*)getcertd_policy_destroy);
}
END_TEST

static char *bad_labels[] = {
	/* two policies on /.well-known/est/ */
	POLICY("a", "est = yes") POLICY("b", "path = /b\n est = yes"),
	/* two on one label */
	POLICY("a", "est_label = x") POLICY("b", "path = /b\n est_label = x"),
	/* an operation as label */
	POLICY("a", "est_label = cacerts"),
	/* not a label */
	POLICY("a", "est_label = a/b"),
	POLICY("a", "est_label = .."),
	/* a label without EST */
	POLICY("a", "est = no\n est_label = x"),
	/* EST needs RADIUS */
	POLICY("a", "est = yes\n auth = challenge\n challenge_password = x"),
	/* key types */
	POLICY("a", "key_types = dsa"),
	POLICY("a", "key_types = ,"),
};

START_TEST(test_labels_bad)
{
	char *conf;

	ck_assert(asprintf(&conf, "policies {\n%s}", bad_labels[_i]) > 0);
	settings(conf);
	free(conf);
	ck_assert(getcertd_policy_load() == NULL);
}
END_TEST

/*******************************************************************************
 * base64 bodies (RFC 8951)
 */

/**
 * getcertd decodes EST bodies with libgetcert's RFC 8951 decoder
 */
static bool b64(chunk_t in, chunk_t *out)
{
	return getcert_est_decode(in, NULL, out) == GETCERT_OK;
}

START_TEST(test_base64)
{
	chunk_t out;

	ck_assert(b64(chunk_from_str("AAEC"), &out));
	ck_assert_chunk_eq(out, chunk_from_chars(0x00, 0x01, 0x02));
	chunk_free(&out);
	ck_assert(b64(chunk_from_str("AA\r\nEC\n"), &out));
	ck_assert_chunk_eq(out, chunk_from_chars(0x00, 0x01, 0x02));
	chunk_free(&out);
	ck_assert(b64(chunk_from_str(" AAE=\t"), &out));
	ck_assert_chunk_eq(out, chunk_from_chars(0x00, 0x01));
	chunk_free(&out);
	ck_assert(!b64(chunk_from_str(""), &out));
	ck_assert(!b64(chunk_from_str("\r\n"), &out));
	ck_assert(!b64(chunk_from_str("AAE"), &out));
	ck_assert(!b64(chunk_from_str("AA=C"), &out));
	ck_assert(!b64(chunk_from_str("A==="), &out));
	ck_assert(!b64(chunk_from_str("===="), &out));
	ck_assert(!b64(chunk_from_str("AA-C"), &out));
	ck_assert(!b64(chunk_from_chars('A', 'A', 0, 'C'), &out));
	ck_assert(!b64(chunk_from_chars('A', 'A', 0xc3, 'C'), &out));
	ck_assert(!b64(
			chunk_from_str("-----BEGIN CERTIFICATE REQUEST-----"), &out));
}
END_TEST

/*******************************************************************************
 * csrattrs
 */

START_TEST(test_csrattrs)
{
	getcertd_policy_t policy = {
		.key_types = GETCERTD_KEY_RSA | GETCERTD_KEY_ECDSA |
					 GETCERTD_KEY_ED25519,
	};
	chunk_t der;

	/* nothing asked: 204 */
	der = getcertd_est_csrattrs(&policy);
	ck_assert(der.len == 0);

	/* a subjectAltName */
	policy.san = "%u@strongswan.org";
	der = getcertd_est_csrattrs(&policy);
	ck_assert_chunk_eq(der, chunk_from_chars(
		0x30, 0x14,
			0x30, 0x12,
				0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09,
					  0x0e,
				0x31, 0x05,
					0x06, 0x03, 0x55, 0x1d, 0x11));
	chunk_free(&der);
}
END_TEST

START_TEST(test_csrattrs_keys)
{
	getcertd_policy_t policy = {
		.key_types = GETCERTD_KEY_ECDSA,
	};
	chunk_t der;

	der = getcertd_est_csrattrs(&policy);
	ck_assert_chunk_eq(der, chunk_from_chars(
		0x30, 0x25,
			0x30, 0x23,
				0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
				0x31, 0x18,
					0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22,
					0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x23,
					0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01,
						  0x07));
	chunk_free(&der);

	policy.key_types = GETCERTD_KEY_RSA | GETCERTD_KEY_ED25519;
	der = getcertd_est_csrattrs(&policy);
	ck_assert_chunk_eq(der, chunk_from_chars(
		0x30, 0x10,
			0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01,
			0x06, 0x03, 0x2b, 0x65, 0x70));
	chunk_free(&der);
}
END_TEST

/*******************************************************************************
 * key types
 */

START_TEST(test_key_types)
{
	getcertd_policy_t policy = {
		.key_types = GETCERTD_KEY_RSA | GETCERTD_KEY_ECDSA,
		.min_rsa = 2048,
	};
	private_key_t *ec, *rsa;
	public_key_t *public;
	char *reason = NULL;

	ec = gt_key();
	rsa = gt_rsa_key(1024);
	public = ec->get_public_key(ec);
	ck_assert(getcertd_policy_key_ok(&policy, public, &reason));
	policy.key_types = GETCERTD_KEY_RSA;
	ck_assert(!getcertd_policy_key_ok(&policy, public, &reason));
	ck_assert_str_eq(reason, "CSR key type not allowed by the policy");
	public->destroy(public);
	public = rsa->get_public_key(rsa);
	ck_assert(!getcertd_policy_key_ok(&policy, public, &reason));
	ck_assert_str_eq(reason, "CSR key too weak");
	policy.min_rsa = 1024;
	ck_assert(getcertd_policy_key_ok(&policy, public, &reason));
	policy.key_types = GETCERTD_KEY_ED25519;
	ck_assert(!getcertd_policy_key_ok(&policy, public, &reason));
	public->destroy(public);
	ec->destroy(ec);
	rsa->destroy(rsa);
}
END_TEST

/*******************************************************************************
 * issuing for RSA, ECDSA and Ed25519 keys with an RSA or ECDSA CA
 */

START_TEST(test_issue_key_types)
{
	private_key_t *ca_key, *keys[3];
	certificate_t *ca, *cert, *cert2, *csr;
	getcertd_issuer_t *issuer;
	identification_t *subject;
	linked_list_t *sans;
	public_key_t *public;
	chunk_t der, spki, spki_rsa = chunk_empty, keyid;
	time_t now = time(NULL);
	int i;

	ca_key = _i ? gt_key() : gt_rsa_key(1024);
	ca = gt_cert(ca_key, "CN=EST CA", NULL, NULL, NULL, TRUE, 3600);
	issuer = getcertd_issuer_create(ca->get_ref(ca), ca_key->get_ref(ca_key));
	keys[0] = gt_rsa_key(1024);
	keys[1] = gt_key();
	keys[2] = lib->creds->create(lib->creds, CRED_PRIVATE_KEY, KEY_ED25519,
								 BUILD_END);
	ck_assert(keys[2]);
	subject = identification_create_from_string("CN=carol");
	sans = linked_list_create_with_items(
			identification_create_from_string("carol@strongswan.org"), NULL);
	for (i = 0; i < countof(keys); i++)
	{
		public = keys[i]->get_public_key(keys[i]);
		cert = issuer->issue(issuer, public, chunk_empty, subject, sans,
							 now - 60, now + 3600, GETCERTD_EKU_CLIENT_AUTH);
		ck_assert(cert);
		ck_assert(cert->issued_by(cert, ca, NULL));
		ck_assert(getcert_key_matches(cert, keys[i]));

		/* the same with the SubjectPublicKeyInfo of a CSR, as it is */
		der = getcert_x509_build_csr(keys[i], subject, NULL, chunk_empty,
							i == 2 ? HASH_IDENTITY : HASH_SHA256);
		csr = lib->creds->create(lib->creds, CRED_CERTIFICATE,
								 CERT_PKCS10_REQUEST, BUILD_BLOB_ASN1_DER,
								 der, BUILD_END);
		ck_assert(csr);
		chunk_free(&der);
		ck_assert(getcert_x509_csr_spki(csr, &spki));
		cert2 = issuer->issue(issuer, public, spki, subject, sans,
							  now - 60, now + 3600, GETCERTD_EKU_CLIENT_AUTH);
		ck_assert(cert2);
		ck_assert(cert2->issued_by(cert2, ca, NULL));
		ck_assert(getcert_key_matches(cert2, keys[i]));
		ck_assert_chunk_eq(((x509_t*)cert)->get_subjectKeyIdentifier(
								(x509_t*)cert),
						   ((x509_t*)cert2)->get_subjectKeyIdentifier(
								(x509_t*)cert2));
		ck_assert(getcert_x509_key_id(csr, &keyid));
		ck_assert_chunk_eq(keyid, ((x509_t*)cert2)->get_subjectKeyIdentifier(
								(x509_t*)cert2));
		chunk_free(&keyid);
		cert2->destroy(cert2);
		if (i == 0)
		{
			spki_rsa = spki;
		}
		else
		{	/* the RSA key's SPKI is not taken for a key of another type */
			cert2 = issuer->issue(issuer, public, spki_rsa, subject, sans,
								  now - 60, now + 3600, 0);
			ck_assert(cert2);
			ck_assert(getcert_key_matches(cert2, keys[i]));
			cert2->destroy(cert2);
			chunk_free(&spki);
		}
		csr->destroy(csr);
		cert->destroy(cert);
		public->destroy(public);
		keys[i]->destroy(keys[i]);
	}
	chunk_free(&spki_rsa);
	sans->destroy_offset(sans, offsetof(identification_t, destroy));
	subject->destroy(subject);
	issuer->destroy(issuer);
	ca->destroy(ca);
	ca_key->destroy(ca_key);
}
END_TEST

/*******************************************************************************
 * client certificates
 */

/**
 * Records: one certificate, as issued, revoked or not
 */
static struct {
	getcertd_db_t db;
	certificate_t *cert;
	bool revoked;
	bool superseded;
} records;

static certificate_t *get_cert(getcertd_db_t *this, chunk_t serial)
{
	x509_t *x509 = (x509_t*)records.cert;

	if (records.cert && chunk_equals(serial, x509->get_serial(x509)))
	{
		return records.cert->get_ref(records.cert);
	}
	return NULL;
}

static bool get_info(getcertd_db_t *this, chunk_t serial,
					 getcertd_cert_info_t *info)
{
	x509_t *x509 = (x509_t*)records.cert;

	if (records.cert && chunk_equals(serial, x509->get_serial(x509)))
	{
		*info = (getcertd_cert_info_t){
			.user = strdup("carol"),
			.policy = strdup("radius"),
			.chain_start = time(NULL),
			.revoked = records.revoked,
			.superseded = records.superseded,
		};
		return TRUE;
	}
	return FALSE;
}

static private_key_t *ca_key, *ee_key;
static certificate_t *ca;

START_SETUP(setup_client)
{
	records = (typeof(records)){
		.db = {
			.get_cert = get_cert,
			.get_info = get_info,
		},
	};
	ca_key = gt_key();
	ee_key = gt_key();
	ca = gt_cert(ca_key, "CN=EST CA", NULL, NULL, NULL, TRUE, 3600);
	ck_assert(ca_key && ee_key && ca);
}
END_SETUP

START_TEARDOWN(teardown_client)
{
	DESTROY_IF(records.cert);
	ca->destroy(ca);
	ca_key->destroy(ca_key);
	ee_key->destroy(ee_key);
}
END_TEARDOWN

/**
 * Check a certificate as presented, expect a reason or acceptance (NULL)
 */
static void check_client(certificate_t *cert, char *expected)
{
	getcertd_cert_info_t info;
	certificate_t *accepted;
	chunk_t der;
	char *reason = NULL;

	ck_assert(cert->get_encoding(cert, CERT_ASN1_DER, &der));
	accepted = getcertd_est_client_cert(&records.db, ca, der, &info, &reason);
	chunk_free(&der);
	if (expected)
	{
		ck_assert(accepted == NULL);
		ck_assert_str_eq(reason, expected);
	}
	else
	{
		ck_assert(accepted);
		ck_assert_str_eq(info.user, "carol");
		accepted->destroy(accepted);
	}
	getcertd_cert_info_clear(&info);
}

START_TEST(test_client_ok)
{
	records.cert = gt_cert(ee_key, "CN=carol", "carol@strongswan.org",
						   ca_key, ca, FALSE, 3600);
	check_client(records.cert, NULL);
}
END_TEST

START_TEST(test_client_revoked)
{
	records.cert = gt_cert(ee_key, "CN=carol", "carol@strongswan.org",
						   ca_key, ca, FALSE, 3600);
	records.revoked = TRUE;
	check_client(records.cert, "client certificate revoked");
}
END_TEST

START_TEST(test_client_expired)
{
	records.cert = gt_cert(ee_key, "CN=carol", "carol@strongswan.org",
						   ca_key, ca, FALSE, -60);
	check_client(records.cert, "client certificate expired or not yet valid");
}
END_TEST

START_TEST(test_client_foreign)
{
	private_key_t *other_key;
	certificate_t *other_ca, *cert;

	other_key = gt_key();
	other_ca = gt_cert(other_key, "CN=EST CA", NULL, NULL, NULL, TRUE, 3600);
	cert = gt_cert(ee_key, "CN=carol", "carol@strongswan.org", other_key,
				   other_ca, FALSE, 3600);
	/* the same name as our CA, another key */
	check_client(cert, "client certificate not issued by this CA");
	cert->destroy(cert);
	other_ca->destroy(other_ca);
	other_key->destroy(other_key);
}
END_TEST

START_TEST(test_client_unrecorded)
{
	certificate_t *cert;

	/* signed with our CA key, but not issued by getcertd */
	cert = gt_cert(ee_key, "CN=carol", "carol@strongswan.org", ca_key, ca,
				   FALSE, 3600);
	check_client(cert, "client certificate not issued by getcertd");
	cert->destroy(cert);
}
END_TEST

START_TEST(test_client_garbage)
{
	getcertd_cert_info_t info;
	char *reason = NULL;

	ck_assert(!getcertd_est_client_cert(&records.db, ca,
						chunk_from_chars(0x30, 0x03, 0x02, 0x01, 0x00),
						&info, &reason));
	ck_assert_str_eq(reason, "client certificate malformed");
}
END_TEST

Suite *est_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("est");

	tc = tcase_create("routing");
	tcase_add_loop_test(tc, test_route, 0, countof(routes));
	suite_add_tcase(s, tc);

	tc = tcase_create("labels");
	tcase_add_test(tc, test_labels);
	tcase_add_loop_test(tc, test_labels_bad, 0, countof(bad_labels));
	suite_add_tcase(s, tc);

	tc = tcase_create("base64");
	tcase_add_test(tc, test_base64);
	suite_add_tcase(s, tc);

	tc = tcase_create("csrattrs");
	tcase_add_test(tc, test_csrattrs);
	tcase_add_test(tc, test_csrattrs_keys);
	suite_add_tcase(s, tc);

	tc = tcase_create("key types");
	tcase_add_test(tc, test_key_types);
	suite_add_tcase(s, tc);

	tc = tcase_create("issuing");
	tcase_add_loop_test(tc, test_issue_key_types, 0, 2);
	suite_add_tcase(s, tc);

	tc = tcase_create("client certificates");
	tcase_add_checked_fixture(tc, setup_client, teardown_client);
	tcase_add_test(tc, test_client_ok);
	tcase_add_test(tc, test_client_revoked);
	tcase_add_test(tc, test_client_expired);
	tcase_add_test(tc, test_client_foreign);
	tcase_add_test(tc, test_client_unrecorded);
	tcase_add_test(tc, test_client_garbage);
	suite_add_tcase(s, tc);

	return s;
}

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

#include <getcert_est.h>
#include <getcert_est_enroll.h>
#include <getcert_client.h>
#include <getcert_cms_signed.h>
#include <getcert_test_ca.h>
#include <getcert_test_certs.h>

#include <asn1/asn1.h>
#include <asn1/oid.h>
#include <credentials/certificates/pkcs10.h>
#include <credentials/certificates/x509.h>

/*******************************************************************************
 * body decoding (RFC 8951)
 */

START_TEST(test_decode)
{
	chunk_t der;

	ck_assert(getcert_est_decode(chunk_from_str("AAEC"), NULL, &der) ==
			  GETCERT_OK);
	ck_assert_chunk_eq(der, chunk_from_chars(0x00, 0x01, 0x02));
	chunk_free(&der);
	/* line breaks anywhere, Content-Transfer-Encoding tolerated */
	ck_assert(getcert_est_decode(chunk_from_str("AA\r\nEC\nAw\t==\r\n"),
								 "BASE64", &der) == GETCERT_OK);
	ck_assert_chunk_eq(der, chunk_from_chars(0x00, 0x01, 0x02, 0x03));
	chunk_free(&der);
}
END_TEST

static struct {
	char *body;
	char *encoding;
} bad_bodies[] = {
	{ "", NULL },
	{ "\r\n", NULL },
	{ "AAEC", "binary" },
	{ "AAEC", "7bit" },
	{ "AAE", NULL },
	{ "AA==AAAA", NULL },
	{ "AAE===", NULL },
	{ "AA-C", NULL },
	{ "\x30\x03\x02\x01\x00", NULL },
	{ "AAEC\x00", NULL },
};

START_TEST(test_decode_bad)
{
	chunk_t der, body;

	body = chunk_from_str(bad_bodies[_i].body);
	if (_i == countof(bad_bodies) - 1)
	{
		body.len = 5;
	}
	ck_assert(getcert_est_decode(body, bad_bodies[_i].encoding, &der) ==
			  GETCERT_ERR_MALFORMED);
	ck_assert(!der.len);
}
END_TEST

START_TEST(test_parse_certs)
{
	private_key_t *key;
	certificate_t *cert, *got;
	linked_list_t *list;
	chunk_t der;

	key = gt_key();
	cert = gt_cert(key, "CN=est", NULL, NULL, NULL, TRUE, 600);
	list = linked_list_create_with_items(cert, NULL);
	der = getcert_cms_build_certs_only(list);
	list->destroy(list);

	list = linked_list_create();
	ck_assert(getcert_est_parse_certs(der, list) == GETCERT_OK);
	ck_assert_int_eq(list->get_count(list), 1);
	list->get_first(list, (void**)&got);
	ck_assert(got->equals(got, cert));
	list->destroy_offset(list, offsetof(certificate_t, destroy));

	/* truncated, and a SignedData without certificates */
	list = linked_list_create();
	ck_assert(getcert_est_parse_certs(chunk_create(der.ptr, der.len - 1),
									  list) == GETCERT_ERR_MALFORMED);
	chunk_free(&der);
	list->destroy(list);
	list = linked_list_create();
	der = getcert_cms_build_certs_only(list);
	ck_assert(getcert_est_parse_certs(der, list) == GETCERT_ERR_MALFORMED);
	ck_assert_int_eq(list->get_count(list), 0);
	chunk_free(&der);
	list->destroy(list);
	cert->destroy(cert);
	key->destroy(key);
}
END_TEST

/*******************************************************************************
 * /csrattrs
 */

/* RFC 7030 4.5.2 example: challengePassword, ecPublicKey {secp384r1},
 * extensionRequest {macAddress}, ecdsa-with-SHA384 */
#define RFC7030_CSRATTRS "MEEGCSqGSIb3DQEJBzASBgcqhkjOPQIBMQcGBSuBBAAiMBYGCSqG" \
						 "SIb3DQEJDjEJBgcrBgEBAQEWBggqhkjOPQQDAw=="

START_TEST(test_csrattrs_rfc7030)
{
	getcert_est_csrattrs_t attrs;
	chunk_t der;

	ck_assert(getcert_est_decode(chunk_from_str(RFC7030_CSRATTRS), NULL,
								 &der) == GETCERT_OK);
	ck_assert(getcert_est_parse_csrattrs(der, &attrs) == GETCERT_OK);
	ck_assert_int_eq(attrs.key_type, KEY_ECDSA);
	ck_assert_int_eq(attrs.curve, 384);
	ck_assert_int_eq(attrs.digest, HASH_SHA384);
	ck_assert(attrs.challenge_password);
	ck_assert(attrs.extension_request);
	chunk_free(&der);
}
END_TEST

START_TEST(test_csrattrs_forms)
{
	getcert_est_csrattrs_t attrs;
	chunk_t der;

	/* empty: nothing asked */
	ck_assert(getcert_est_parse_csrattrs(chunk_empty, &attrs) == GETCERT_OK);
	ck_assert_int_eq(attrs.key_type, KEY_ANY);
	ck_assert_int_eq(attrs.digest, HASH_UNKNOWN);
	der = chunk_from_chars(0x30, 0x00);
	ck_assert(getcert_est_parse_csrattrs(der, &attrs) == GETCERT_OK);
	ck_assert_int_eq(attrs.key_type, KEY_ANY);

	/* Ed25519 */
	der = asn1_wrap(ASN1_SEQUENCE, "m", asn1_build_known_oid(OID_ED25519));
	ck_assert(getcert_est_parse_csrattrs(der, &attrs) == GETCERT_OK);
	ck_assert_int_eq(attrs.key_type, KEY_ED25519);
	ck_assert_int_eq(attrs.digest, HASH_IDENTITY);
	chunk_free(&der);

	/* rsaEncryption with a size, an unknown OID */
	der = asn1_wrap(ASN1_SEQUENCE, "mm",
			asn1_wrap(ASN1_SEQUENCE, "mm",
				asn1_build_known_oid(OID_RSA_ENCRYPTION),
				asn1_wrap(ASN1_SET, "m",
					asn1_wrap(ASN1_INTEGER, "c", chunk_from_chars(0x0c, 0x00)))),
			asn1_wrap(ASN1_OID, "c", chunk_from_chars(0x2b, 0x06, 0x01, 0x7f)));
	ck_assert(getcert_est_parse_csrattrs(der, &attrs) == GETCERT_OK);
	ck_assert_int_eq(attrs.key_type, KEY_RSA);
	ck_assert_int_eq(attrs.rsa_bits, 3072);
	ck_assert_int_eq(attrs.unknown, 1);
	chunk_free(&der);

	/* several curves are alternatives, the first preferred, unsupported
	 * ones skipped (getcertd's ECDSA policies list them like this) */
	der = asn1_wrap(ASN1_SEQUENCE, "m",
			asn1_wrap(ASN1_SEQUENCE, "mm",
				asn1_build_known_oid(OID_EC_PUBLICKEY),
				asn1_wrap(ASN1_SET, "mmm",
					asn1_build_known_oid(OID_SECT384R1),
					asn1_wrap(ASN1_OID, "c",
						chunk_from_chars(0x2b, 0x24, 0x03, 0x03,
										 0x02, 0x08, 0x01, 0x01, 0x07)),
					asn1_build_known_oid(OID_PRIME256V1))));
	ck_assert(getcert_est_parse_csrattrs(der, &attrs) == GETCERT_OK);
	ck_assert_int_eq(attrs.key_type, KEY_ECDSA);
	ck_assert_int_eq(attrs.curve, 384);
	ck_assert_int_eq(attrs.curves,
					 GETCERT_EST_CURVE_P256 | GETCERT_EST_CURVE_P384);
	chunk_free(&der);

	/* a plain curve OID */
	der = asn1_wrap(ASN1_SEQUENCE, "m", asn1_build_known_oid(OID_PRIME256V1));
	ck_assert(getcert_est_parse_csrattrs(der, &attrs) == GETCERT_OK);
	ck_assert_int_eq(attrs.key_type, KEY_ECDSA);
	ck_assert_int_eq(attrs.curve, 256);
	chunk_free(&der);
}
END_TEST

/**
 * Malformed or contradicting /csrattrs
 */
static chunk_t bad_csrattrs(int i)
{
	switch (i)
	{
		case 0:	/* not a SEQUENCE */
			return asn1_wrap(ASN1_SET, "m", asn1_build_known_oid(OID_ED25519));
		case 1:	/* trailing data */
			/* chunk_cat() evaluates its arguments twice */
			return chunk_cat("cc", chunk_from_chars(0x30, 0x00),
							 chunk_from_chars(0x00));
		case 2:	/* attribute without values */
			return asn1_wrap(ASN1_SEQUENCE, "m",
						asn1_wrap(ASN1_SEQUENCE, "mm",
							asn1_build_known_oid(OID_EC_PUBLICKEY),
							asn1_wrap(ASN1_SET, "")));
		case 3:	/* two key types */
			return asn1_wrap(ASN1_SEQUENCE, "mm",
						asn1_build_known_oid(OID_ED25519),
						asn1_build_known_oid(OID_RSA_ENCRYPTION));
		case 4:	/* an ecPublicKey attribute with unsupported curves only */
			return asn1_wrap(ASN1_SEQUENCE, "m",
						asn1_wrap(ASN1_SEQUENCE, "mm",
							asn1_build_known_oid(OID_EC_PUBLICKEY),
							asn1_wrap(ASN1_SET, "m",
								asn1_wrap(ASN1_OID, "c",
									chunk_from_chars(0x2b, 0x24, 0x03, 0x03,
										0x02, 0x08, 0x01, 0x01, 0x07)))));
		case 5:	/* ecPublicKey with an INTEGER */
			return asn1_wrap(ASN1_SEQUENCE, "m",
						asn1_wrap(ASN1_SEQUENCE, "mm",
							asn1_build_known_oid(OID_EC_PUBLICKEY),
							asn1_wrap(ASN1_SET, "m",
								asn1_wrap(ASN1_INTEGER, "c",
										  chunk_from_chars(0x01)))));
		case 6:	/* an item that is neither OID nor attribute */
			return asn1_wrap(ASN1_SEQUENCE, "m",
						asn1_wrap(ASN1_INTEGER, "c", chunk_from_chars(0x01)));
		case 7:	/* an RSA size that is negative */
			return asn1_wrap(ASN1_SEQUENCE, "m",
						asn1_wrap(ASN1_SEQUENCE, "mm",
							asn1_build_known_oid(OID_RSA_ENCRYPTION),
							asn1_wrap(ASN1_SET, "m",
								asn1_wrap(ASN1_INTEGER, "c",
										  chunk_from_chars(0x80)))));
		case 8:	/* a curve and ecdsa... with an RSA signature */
			return asn1_wrap(ASN1_SEQUENCE, "mm",
						asn1_build_known_oid(OID_PRIME256V1),
						asn1_build_known_oid(OID_SHA256_WITH_RSA));
		default: /* truncated */
			return chunk_clone(chunk_from_chars(0x30, 0x05, 0x06, 0x03));
	}
}

START_TEST(test_csrattrs_bad)
{
	getcert_est_csrattrs_t attrs;
	chunk_t der;

	der = bad_csrattrs(_i);
	ck_assert(getcert_est_parse_csrattrs(der, &attrs) ==
			  GETCERT_ERR_MALFORMED);
	chunk_free(&der);
}
END_TEST

START_TEST(test_csrattrs_too_many)
{
	getcert_est_csrattrs_t attrs;
	chunk_t der = chunk_empty, oid;
	int i;

	for (i = 0; i <= GETCERT_EST_MAX_CSRATTRS; i++)
	{
		oid = asn1_build_known_oid(OID_CHALLENGE_PASSWORD);
		der = chunk_cat("mm", der, oid);
	}
	der = asn1_wrap(ASN1_SEQUENCE, "m", der);
	ck_assert(getcert_est_parse_csrattrs(der, &attrs) ==
			  GETCERT_ERR_MALFORMED);
	chunk_free(&der);
}
END_TEST

/*******************************************************************************
 * multipart/mixed
 */

#define MULTIPART \
	"preamble\r\n" \
	"--est-boundary\r\n" \
	"Content-Type: application/pkcs8\r\n" \
	"Content-Transfer-Encoding: base64\r\n" \
	"\r\n" \
	"AAEC\r\n" \
	"--est-boundary  \r\n" \
	"content-type: application/pkcs7-mime; smime-type=certs-only\r\n" \
	"\r\n" \
	"AwQF\r\n" \
	"--est-boundary--\r\n" \
	"epilogue\r\n"

START_TEST(test_multipart)
{
	getcert_est_part_t parts[GETCERT_EST_MAX_PARTS];
	chunk_t body;
	u_int count;

	ck_assert(getcert_est_parse_multipart(chunk_from_str(MULTIPART),
					"multipart/mixed; boundary=est-boundary", parts,
					countof(parts), &count) == GETCERT_OK);
	ck_assert_int_eq(count, 2);
	ck_assert_str_eq(parts[0].type, "application/pkcs8");
	ck_assert_str_eq(parts[0].encoding, "base64");
	ck_assert_chunk_eq(parts[0].body, chunk_from_str("AAEC"));
	ck_assert(getcert_est_type_is(parts[1].type, "application/pkcs7-mime"));
	ck_assert(!parts[1].encoding);
	ck_assert_chunk_eq(parts[1].body, chunk_from_str("AwQF"));
	getcert_est_parts_free(parts, count);

	/* quoted boundary, LF line ends */
	ck_assert(getcert_est_parse_multipart(chunk_from_str(
					"--a b\nContent-Type: x/y\n\nbody\n--a b--"),
					"Multipart/Mixed;boundary=\"a b\"", parts,
					countof(parts), &count) == GETCERT_OK);
	ck_assert_int_eq(count, 1);
	ck_assert_chunk_eq(parts[0].body, chunk_from_str("body"));
	getcert_est_parts_free(parts, count);

	/* an empty part (found by fuzz_est: its body must not be NULL) */
	body = chunk_from_str("--b\r\n\r\n\r\n--b--");
	ck_assert(getcert_est_parse_multipart(body, "multipart/mixed; boundary=b",
					parts, countof(parts), &count) == GETCERT_OK);
	ck_assert_int_eq(count, 1);
	ck_assert_int_eq(parts[0].body.len, 0);
	ck_assert(parts[0].body.ptr >= body.ptr &&
			  parts[0].body.ptr <= body.ptr + body.len);
	getcert_est_parts_free(parts, count);
}
END_TEST

static struct {
	char *body;
	char *type;
} bad_multiparts[] = {
	{ MULTIPART, "multipart/alternative; boundary=est-boundary" },
	{ MULTIPART, "multipart/mixed" },
	{ MULTIPART, "multipart/mixed; boundary=" },
	{ MULTIPART, "multipart/mixed; boundary=\"est-boundary" },
	{ MULTIPART, "multipart/mixed; boundary=other" },
	{ MULTIPART, "multipart/mixed; boundary=01234567890123456789012345678901"
				 "234567890123456789012345678901234567890" },
	{ MULTIPART, "multipart/mixed; boundary=est\x01" },
	{ "--b\r\n\r\nx\r\n--b\r\n\r\ny\r\n", "multipart/mixed; boundary=b" },
	{ "--b\r\nno header end\r\n--b--", "multipart/mixed; boundary=b" },
	{ "--b--", "multipart/mixed; boundary=b" },
	{ "--bx\r\n\r\nx\r\n--b--", "multipart/mixed; boundary=b" },
	{ "--b\r\nContent-Type: a\r\nContent-Type: b\r\n\r\nx\r\n--b--",
	  "multipart/mixed; boundary=b" },
	{ "--b\r\n\r\n1\r\n--b\r\n\r\n2\r\n--b\r\n\r\n3\r\n--b\r\n\r\n4\r\n"
	  "--b\r\n\r\n5\r\n--b--", "multipart/mixed; boundary=b" },
};

START_TEST(test_multipart_bad)
{
	getcert_est_part_t parts[GETCERT_EST_MAX_PARTS];
	u_int count = 42;

	ck_assert(getcert_est_parse_multipart(
					chunk_from_str(bad_multiparts[_i].body),
					bad_multiparts[_i].type, parts, countof(parts),
					&count) == GETCERT_ERR_MALFORMED);
	ck_assert_int_eq(count, 0);
}
END_TEST

START_TEST(test_multipart_long_header)
{
	getcert_est_part_t parts[GETCERT_EST_MAX_PARTS];
	char body[2048];
	u_int count;

	snprintf(body, sizeof(body), "--b\r\nX-Long: %01500d\r\n\r\nx\r\n--b--",
			 0);
	ck_assert(getcert_est_parse_multipart(chunk_from_str(body),
					"multipart/mixed; boundary=b", parts, countof(parts),
					&count) == GETCERT_ERR_MALFORMED);
}
END_TEST

/*******************************************************************************
 * EST engine against the in-process CA's EST responder
 */

static gt_ca_t *ca;
static identification_t *identity;
static getcert_enroll_params_t params;

START_SETUP(setup_est)
{
	ca = gt_ca_create("");
	identity = identification_create_from_string("carol@strongswan.org");
	params = (getcert_enroll_params_t){
		.identity = identity,
		.ca_cert = ca->ca,
		.poll_interval = 1,
		.poll_max = 2,
		.poll_timeout = 10,
		.max_skew = 300,
	};
	gt_log_start();
}
END_SETUP

START_TEARDOWN(teardown_est)
{
	gt_log_stop();
	identity->destroy(identity);
	ca->destroy(ca);
}
END_TEARDOWN

/**
 * Enroll a key over EST
 */
static getcert_err_t est_enroll(private_key_t *key, certificate_t *current,
								private_key_t *current_key,
								certificate_t **cert, u_int *polls)
{
	getcert_est_enroll_t *est;
	getcert_err_t err;

	est = getcert_est_enroll_create(&ca->transport, &params);
	ck_assert(est);
	err = est->enroll.enroll(&est->enroll, key, current, current_key, cert);
	if (polls)
	{
		*polls = est->enroll.get_polls(&est->enroll);
	}
	est->enroll.destroy(&est->enroll);
	return err;
}

/**
 * Generate a key
 */
static private_key_t *make_key(key_type_t type, u_int bits)
{
	private_key_t *key;

	if (type == KEY_RSA)
	{
		return gt_rsa_key(bits);
	}
	key = lib->creds->create(lib->creds, CRED_PRIVATE_KEY, type,
							 BUILD_KEY_SIZE, bits, BUILD_END);
	ck_assert(key);
	return key;
}

static struct {
	key_type_t type;
	u_int bits;
	int sig_oid;
} key_types[] = {
	{ KEY_ECDSA, 256, OID_ECDSA_WITH_SHA256 },
	{ KEY_ECDSA, 384, OID_ECDSA_WITH_SHA384 },
	{ KEY_ED25519, 0, OID_ED25519 },
	{ KEY_RSA, 1024, OID_SHA256_WITH_RSA },
};

START_TEST(test_est_enroll)
{
	private_key_t *key;
	certificate_t *cert = NULL;
	chunk_t csr, info, alg;

	key = make_key(key_types[_i].type, key_types[_i].bits);
	ca->est_line = 64;
	ck_assert(est_enroll(key, NULL, NULL, &cert, NULL) == GETCERT_OK);
	ck_assert(cert);
	ck_assert(getcert_key_matches(cert, key));
	ck_assert_int_eq(ca->est_count[0], 1);
	ck_assert_int_eq(ca->est_count[1], 1);
	ck_assert_int_eq(ca->est_count[2], 1);
	ck_assert_int_eq(ca->est_count[3], 0);
	ck_assert(!ca->est_client);

	/* the CSR is signed with the scheme of the key */
	csr = ca->est_last_csr;
	ck_assert(asn1_unwrap(&csr, &csr) == ASN1_SEQUENCE);
	ck_assert(asn1_unwrap(&csr, &info) == ASN1_SEQUENCE);
	ck_assert(asn1_unwrap(&csr, &alg) == ASN1_SEQUENCE);
	ck_assert(asn1_unwrap(&alg, &alg) == ASN1_OID);
	ck_assert_int_eq(asn1_known_oid(alg), key_types[_i].sig_oid);
	cert->destroy(cert);
	key->destroy(key);
}
END_TEST

START_TEST(test_est_renew)
{
	private_key_t *key, *new_key;
	certificate_t *cert = NULL, *renewed = NULL, *current;

	key = gt_key();
	new_key = gt_key();
	ck_assert(est_enroll(key, NULL, NULL, &cert, NULL) == GETCERT_OK);
	ck_assert(est_enroll(new_key, cert, key, &renewed, NULL) == GETCERT_OK);
	ck_assert(getcert_key_matches(renewed, new_key));
	ck_assert_int_eq(ca->est_count[2], 1);
	ck_assert_int_eq(ca->est_count[3], 1);
	/* TLS client authentication with the current certificate */
	ck_assert(ca->est_reenroll_client);
	ck_assert(ca->est_reenroll_client->equals(ca->est_reenroll_client, cert));

	/* the CA returning the current certificate is no renewal */
	ca->mode = GT_CA_REISSUE_LAST;
	current = renewed;
	renewed = NULL;
	ck_assert(est_enroll(new_key, current, new_key, &renewed, NULL) ==
			  GETCERT_ERR_NOT_RENEWED);
	ck_assert(!renewed);
	current->destroy(current);
	ca->mode = GT_CA_OLDER;
	ck_assert(est_enroll(new_key, cert, key, &renewed, NULL) ==
			  GETCERT_ERR_NOT_RENEWED);
	ck_assert(!renewed);

	/* never to a server that is not authenticated */
	ca->mode = GT_CA_ISSUE;
	ca->unauthenticated = TRUE;
	ck_assert(est_enroll(new_key, cert, key, &renewed, NULL) ==
			  GETCERT_ERR_TLS);
	ck_assert_int_eq(ca->est_count[3], 3);
	ck_assert(gt_log_contains("re-enrollment needs an authenticated server"));
	cert->destroy(cert);
	key->destroy(key);
	new_key->destroy(new_key);
}
END_TEST

START_TEST(test_est_wrong_ca)
{
	private_key_t *key;
	certificate_t *cert = NULL;

	key = gt_key();
	ca->est_wrong_ca = TRUE;
	ck_assert(est_enroll(key, NULL, NULL, &cert, NULL) ==
			  GETCERT_ERR_CA_MISMATCH);
	ck_assert(!cert);
	ck_assert_int_eq(ca->est_count[2], 0);
	ck_assert(gt_log_contains("does not match the pinned CA"));
	key->destroy(key);
}
END_TEST

START_TEST(test_est_fingerprint_pin)
{
	private_key_t *key;
	certificate_t *cert = NULL;
	chunk_t fp;

	key = gt_key();
	ck_assert(getcert_x509_fingerprint(ca->ca, &fp));
	params.ca_cert = NULL;
	params.ca_fingerprint = fp;
	ca->unauthenticated = TRUE;
	ca->anchor_on_trust = TRUE;
	ck_assert(est_enroll(key, NULL, NULL, &cert, NULL) == GETCERT_OK);
	/* /cacerts again over the anchored connection */
	ck_assert_int_eq(ca->est_count[0], 2);
	ck_assert_int_eq(ca->trust_calls, 2);
	cert->destroy(cert);
	chunk_free(&fp);
	key->destroy(key);
}
END_TEST

static struct {
	gt_ca_mode_t mode;
	getcert_err_t err;
} bad_issue[] = {
	{ GT_CA_WRONG_KEY, GETCERT_ERR_CERT_KEY },
	{ GT_CA_WRONG_IDENTITY, GETCERT_ERR_CERT_IDENTITY },
	{ GT_CA_WRONG_CHAIN, GETCERT_ERR_CERT_CHAIN },
	{ GT_CA_EXPIRED, GETCERT_ERR_CERT_VALIDITY },
	{ GT_CA_GARBAGE, GETCERT_ERR_MALFORMED },
};

START_TEST(test_est_bad_issue)
{
	private_key_t *key;
	certificate_t *cert = NULL;

	key = gt_key();
	ca->mode = bad_issue[_i].mode;
	ck_assert_int_eq(est_enroll(key, NULL, NULL, &cert, NULL),
					 bad_issue[_i].err);
	ck_assert(!cert);
	key->destroy(key);
}
END_TEST

START_TEST(test_est_bodies)
{
	private_key_t *key;
	certificate_t *cert = NULL;

	key = gt_key();
	/* DER instead of base64 is refused */
	ca->est_binary = TRUE;
	ck_assert(est_enroll(key, NULL, NULL, &cert, NULL) ==
			  GETCERT_ERR_MALFORMED);
	ck_assert(!cert);
	/* oversized */
	ca->est_binary = FALSE;
	ca->est_max_size = 512;
	ck_assert(est_enroll(key, NULL, NULL, &cert, NULL) ==
			  GETCERT_ERR_TOO_LARGE);
	ck_assert(!cert);
	key->destroy(key);
}
END_TEST

START_TEST(test_est_pending)
{
	private_key_t *key;
	certificate_t *cert = NULL;
	u_int polls;

	key = gt_key();
	ca->est_pending = 1;
	ca->est_retry_after = 1;
	ck_assert(est_enroll(key, NULL, NULL, &cert, &polls) == GETCERT_OK);
	ck_assert_int_eq(polls, 1);
	ck_assert_int_eq(ca->est_count[2], 2);
	cert->destroy(cert);
	cert = NULL;

	/* a Retry-After beyond the polling time gives up at once */
	ca->est_pending = 1;
	ca->est_retry_after = 3600;
	ck_assert(est_enroll(key, NULL, NULL, &cert, &polls) ==
			  GETCERT_ERR_PENDING);
	ck_assert_int_eq(polls, 0);
	ck_assert(!cert);

	/* pending for ever: bounded by poll_timeout */
	ca->est_pending = 1000;
	ca->est_retry_after = 0;
	params.poll_timeout = 2;
	ck_assert(est_enroll(key, NULL, NULL, &cert, &polls) ==
			  GETCERT_ERR_PENDING);
	ck_assert(polls >= 1 && polls <= 2);
	ck_assert(!cert);
	key->destroy(key);
}
END_TEST

START_TEST(test_est_renew_one_setup)
{
	getcert_est_enroll_t *est;
	getcert_key_spec_t spec = { .type = KEY_ECDSA };
	private_key_t *key, *new_key;
	certificate_t *cert = NULL, *renewed = NULL;

	key = gt_key();
	ck_assert(est_enroll(key, NULL, NULL, &cert, NULL) == GETCERT_OK);
	ck_assert(!ca->est_client);

	/* the key choice of a renewal authenticates as client from the start */
	est = getcert_est_enroll_create(&ca->transport, &params);
	ck_assert(est->get_key_spec(est, cert, key, &spec) == GETCERT_OK);
	ck_assert(ca->est_client && ca->est_client->equals(ca->est_client, cert));
	ck_assert_int_eq(ca->est_count[0], 2);
	new_key = make_key(KEY_ECDSA, spec.bits);
	ck_assert(est->enroll.enroll(&est->enroll, new_key, cert, key,
								 &renewed) == GETCERT_OK);
	/* no /cacerts again, the client certificate unchanged */
	ck_assert_int_eq(ca->est_count[0], 2);
	ck_assert_int_eq(ca->est_count[3], 1);
	ck_assert(ca->est_reenroll_client->equals(ca->est_reenroll_client, cert));
	est->enroll.destroy(&est->enroll);
	renewed->destroy(renewed);
	cert->destroy(cert);
	key->destroy(key);
	new_key->destroy(new_key);
}
END_TEST

START_TEST(test_est_requests)
{
	getcert_est_enroll_t *est;
	getcert_key_spec_t spec = { .type = KEY_ECDSA };
	private_key_t *key, *new_key;
	certificate_t *cert = NULL, *renewed = NULL;

	/* the server asks /simpleenroll for a password, as getcertd does */
	ca->http_auth = TRUE;
	est = getcert_est_enroll_create(&ca->transport, &params);
	ck_assert(est->get_key_spec(est, NULL, NULL, &spec) == GETCERT_OK);
	key = make_key(KEY_ECDSA, spec.bits);
	ck_assert(est->enroll.enroll(&est->enroll, key, NULL, NULL, &cert) ==
			  GETCERT_OK);
	/* /cacerts, /csrattrs, /simpleenroll with the password: no 401 */
	ck_assert_int_eq(ca->requests, 3);
	ck_assert_int_eq(ca->preauths, 1);
	ck_assert_int_eq(ca->auth_401s, 0);

	/* the renewal on the same engine: /simplereenroll only, authenticated
	 * by the TLS client certificate, no password */
	ca->credentials = FALSE;
	spec = (getcert_key_spec_t){ .type = KEY_ECDSA };
	ck_assert(est->get_key_spec(est, cert, key, &spec) == GETCERT_OK);
	new_key = make_key(KEY_ECDSA, spec.bits);
	ck_assert(est->enroll.enroll(&est->enroll, new_key, cert, key,
								 &renewed) == GETCERT_OK);
	ck_assert_int_eq(ca->requests, 4);
	ck_assert_int_eq(ca->est_count[3], 1);
	ck_assert_int_eq(ca->preauths, 1);
	ck_assert(!ca->credentials);
	est->enroll.destroy(&est->enroll);
	renewed->destroy(renewed);
	cert->destroy(cert);
	key->destroy(key);
	new_key->destroy(new_key);
}
END_TEST

START_TEST(test_est_requests_no_preauth)
{
	private_key_t *key;
	certificate_t *cert = NULL;

	ca->http_auth = TRUE;
	ca->transport.preauth = NULL;
	key = gt_key();
	ck_assert(est_enroll(key, NULL, NULL, &cert, NULL) == GETCERT_OK);
	/* the 401 round */
	ck_assert_int_eq(ca->requests, 4);
	ck_assert_int_eq(ca->auth_401s, 1);
	cert->destroy(cert);
	key->destroy(key);
}
END_TEST

START_TEST(test_est_csrattrs_policy)
{
	getcert_est_enroll_t *est;
	getcert_key_spec_t spec;
	private_key_t *key;
	certificate_t *cert = NULL;

	ck_assert(getcert_est_decode(chunk_from_str(RFC7030_CSRATTRS), NULL,
								 &ca->est_csrattrs) == GETCERT_OK);
	/* the server asks for P-384: a P-256 key is refused before enrolling */
	key = gt_key();
	ck_assert(est_enroll(key, NULL, NULL, &cert, NULL) == GETCERT_ERR_POLICY);
	ck_assert_int_eq(ca->est_count[2], 0);
	ck_assert(gt_log_contains("384"));
	key->destroy(key);

	est = getcert_est_enroll_create(&ca->transport, &params);
	/* a profile allowing any ECDSA curve gets P-384 */
	spec = (getcert_key_spec_t){ .type = KEY_ECDSA };
	ck_assert(est->get_key_spec(est, NULL, NULL, &spec) == GETCERT_OK);
	ck_assert_int_eq(spec.bits, 384);
	/* fixed P-256 and RSA are outside of what the server asks for */
	spec = (getcert_key_spec_t){ .type = KEY_ECDSA, .bits = 256 };
	ck_assert(est->get_key_spec(est, NULL, NULL, &spec) == GETCERT_ERR_POLICY);
	spec = (getcert_key_spec_t){ .type = KEY_RSA };
	ck_assert(est->get_key_spec(est, NULL, NULL, &spec) == GETCERT_ERR_POLICY);
	/* /csrattrs fetched once per engine */
	ck_assert_int_eq(ca->est_count[1], 2);

	key = make_key(KEY_ECDSA, 384);
	ck_assert(est->enroll.enroll(&est->enroll, key, NULL, NULL, &cert) ==
			  GETCERT_OK);
	ck_assert(getcert_key_matches(cert, key));
	cert->destroy(cert);
	key->destroy(key);
	est->enroll.destroy(&est->enroll);
}
END_TEST

START_TEST(test_est_no_csrattrs)
{
	getcert_est_enroll_t *est;
	getcert_key_spec_t spec = { .type = KEY_RSA };

	est = getcert_est_enroll_create(&ca->transport, &params);
	ck_assert(est->get_key_spec(est, NULL, NULL, &spec) == GETCERT_OK);
	ck_assert_int_eq(spec.bits, 2048);
	spec = (getcert_key_spec_t){ .type = KEY_ED25519 };
	ck_assert(est->get_key_spec(est, NULL, NULL, &spec) == GETCERT_OK);
	ck_assert(est->enroll.get_crl(&est->enroll, NULL, NULL, NULL) ==
			  GETCERT_ERR_PROTOCOL);
	est->enroll.destroy(&est->enroll);
}
END_TEST

START_TEST(test_est_client_params)
{
	getcert_client_params_t p = {
		.protocol = GETCERT_PROTOCOL_EST,
		.url = "http://127.0.0.1:1",
		.allow_http = TRUE,
		.identity = identity,
		.ca_cert = ca->ca,
	};
	getcert_client_t *client;

	/* EST is HTTPS only */
	ck_assert(!getcert_client_create(&p));
	p.url = "https://127.0.0.1:1";
	p.est_label = "../x";
	ck_assert(!getcert_client_create(&p));
	p.est_label = "arbitraryLabel1";
	client = getcert_client_create(&p);
	ck_assert(client);
	ck_assert(client->get_est(client));
	ck_assert(client->get_engine(client) ==
			  &client->get_est(client)->enroll);
	client->destroy(client);
	p.protocol = GETCERT_PROTOCOL_SCEP;
	client = getcert_client_create(&p);
	ck_assert(client);
	ck_assert(!client->get_est(client));
	client->destroy(client);
	ck_assert(getcert_est_label_valid("a-b_c.d~e"));
	ck_assert(!getcert_est_label_valid(""));
	ck_assert(!getcert_est_label_valid(".."));
	ck_assert(!getcert_est_label_valid("a/b"));
}
END_TEST

/*******************************************************************************
 * /serverkeygen (RFC 7030 4.4)
 */

/**
 * Enroll with server-side key generation
 */
static getcert_err_t est_keygen(getcert_key_spec_t *spec,
								certificate_t *current,
								private_key_t *current_key,
								private_key_t **key, certificate_t **cert)
{
	getcert_est_enroll_t *est;
	getcert_err_t err;

	est = getcert_est_enroll_create(&ca->transport, &params);
	ck_assert(est);
	*key = (private_key_t*)1;
	*cert = (certificate_t*)1;
	err = est->enroll_keygen(est, spec, current, current_key, key, cert);
	est->enroll.destroy(&est->enroll);
	if (err != GETCERT_OK)
	{	/* nothing returned */
		ck_assert(!*key);
		ck_assert(!*cert);
	}
	return err;
}

/**
 * The public key of the CSR the CA received
 */
static public_key_t *last_csr_key()
{
	certificate_t *csr;
	public_key_t *public;

	csr = lib->creds->create(lib->creds, CRED_CERTIFICATE, CERT_PKCS10_REQUEST,
							 BUILD_BLOB_ASN1_DER, ca->est_last_csr, BUILD_END);
	ck_assert(csr);
	public = csr->get_public_key(csr);
	csr->destroy(csr);
	ck_assert(public);
	return public;
}

/**
 * Whether two keys are the same pair
 */
static bool same_key(private_key_t *a, private_key_t *b)
{
	public_key_t *pa, *pb;
	bool same;

	pa = a->get_public_key(a);
	pb = b->get_public_key(b);
	same = pa && pb && pa->equals(pa, pb);
	DESTROY_IF(pa);
	DESTROY_IF(pb);
	return same;
}

static struct {
	key_type_t type;
	u_int bits;
} keygen_types[] = {
	{ KEY_ECDSA, 256 },
	{ KEY_ECDSA, 384 },
	{ KEY_ED25519, 0 },
	{ KEY_RSA, 2048 },
};

START_TEST(test_est_keygen)
{
	getcert_key_spec_t spec = { .type = keygen_types[_i].type };
	private_key_t *key;
	certificate_t *cert;
	public_key_t *csr_key;

	ca->est_keygen_type = keygen_types[_i].type;
	ca->est_keygen_bits = keygen_types[_i].bits;
	ca->est_line = 64;
	if (keygen_types[_i].type == KEY_ED25519)
	{	/* /csrattrs asks for Ed25519 (and its signature), which the CSR's
		 * ephemeral RSA key can not follow */
		ca->est_csrattrs = chunk_clone(chunk_from_chars(
										0x30,0x05,0x06,0x03,0x2b,0x65,0x70));
	}
	ck_assert(est_keygen(&spec, NULL, NULL, &key, &cert) == GETCERT_OK);
	ck_assert(getcert_key_matches(cert, key));
	ck_assert(same_key(key, ca->est_keygen_key));
	ck_assert_int_eq(spec.type, keygen_types[_i].type);
	ck_assert_int_eq(spec.bits, keygen_types[_i].bits);
	ck_assert_int_eq(ca->est_count[2], 0);
	ck_assert_int_eq(ca->est_count[4], 1);
	ck_assert(!ca->est_client);
	/* the CSR is signed by an ephemeral RSA-2048 key it names as
	 * AsymmetricDecryptKeyIdentifier */
	csr_key = last_csr_key();
	ck_assert_int_eq(csr_key->get_type(csr_key), KEY_RSA);
	ck_assert_int_eq(csr_key->get_keysize(csr_key), 2048);
	csr_key->destroy(csr_key);
	ck_assert_int_eq(ca->est_keygen_key_id.len, HASH_SIZE_SHA1);
	ck_assert(ca->est_keygen_key_id_ok);
	cert->destroy(cert);
	key->destroy(key);
}
END_TEST

START_TEST(test_est_keygen_forms)
{
	getcert_key_spec_t spec = { .type = KEY_ECDSA };
	private_key_t *key;
	certificate_t *cert;
	gt_keygen_t modes[] = { GT_KEYGEN_CERTS_FIRST, GT_KEYGEN_BARE_TYPES };
	int i;

	/* either order; smime-type and Content-Transfer-Encoding optional */
	for (i = 0; i < countof(modes); i++)
	{
		ca->est_keygen = modes[i];
		ck_assert(est_keygen(&spec, NULL, NULL, &key, &cert) == GETCERT_OK);
		ck_assert(getcert_key_matches(cert, key));
		cert->destroy(cert);
		key->destroy(key);
	}
	/* signed by an RA the CA issued, found in /cacerts */
	ca->est_keygen = GT_KEYGEN_OK;
	ca->use_ra = TRUE;
	ca->est_ra_in_cacerts = TRUE;
	ck_assert(est_keygen(&spec, NULL, NULL, &key, &cert) == GETCERT_OK);
	ck_assert(same_key(key, ca->est_keygen_key));
	cert->destroy(cert);
	key->destroy(key);
}
END_TEST

START_TEST(test_est_keygen_renew)
{
	getcert_key_spec_t spec = { .type = KEY_ED25519 };
	private_key_t *key, *new_key;
	certificate_t *cert, *renewed;
	public_key_t *csr_key, *current;

	ca->est_keygen_type = KEY_ED25519;
	ck_assert(est_keygen(&spec, NULL, NULL, &key, &cert) == GETCERT_OK);
	ck_assert(est_keygen(&spec, cert, key, &new_key, &renewed) == GETCERT_OK);
	ck_assert(getcert_key_matches(renewed, new_key));
	ck_assert(!same_key(key, new_key));
	ck_assert_int_eq(ca->est_count[4], 2);
	ck_assert_int_eq(ca->est_count[3], 0);
	/* TLS client authentication with the current certificate, and the
	 * request signed with a new ephemeral key, not the current one */
	ck_assert(ca->est_client && ca->est_client->equals(ca->est_client, cert));
	csr_key = last_csr_key();
	current = key->get_public_key(key);
	ck_assert(!csr_key->equals(csr_key, current));
	ck_assert(ca->est_keygen_key_id_ok);
	current->destroy(current);
	csr_key->destroy(csr_key);
	renewed->destroy(renewed);
	new_key->destroy(new_key);

	/* the CA returning an older certificate is no renewal */
	ca->mode = GT_CA_OLDER;
	ck_assert(est_keygen(&spec, cert, key, &new_key, &renewed) ==
			  GETCERT_ERR_NOT_RENEWED);
	/* never from a server that is not authenticated */
	ca->mode = GT_CA_ISSUE;
	ca->unauthenticated = TRUE;
	ck_assert(est_keygen(&spec, cert, key, &new_key, &renewed) ==
			  GETCERT_ERR_TLS);
	ck_assert_int_eq(ca->est_count[4], 3);
	cert->destroy(cert);
	key->destroy(key);
}
END_TEST

START_TEST(test_est_keygen_plain)
{
	getcert_key_spec_t spec = { .type = KEY_ECDSA };
	private_key_t *key;
	certificate_t *cert;

	/* by default a key protected by TLS alone is refused */
	ca->est_keygen = GT_KEYGEN_PLAIN;
	ck_assert(est_keygen(&spec, NULL, NULL, &key, &cert) ==
			  GETCERT_ERR_POLICY);
	ck_assert(gt_log_contains("unencrypted (application/pkcs8"));
	ck_assert(ca->est_keygen_key_id_ok);

	/* allowed: the CSR does not ask for encryption, pkcs8 accepted */
	params.allow_plain_key = TRUE;
	ca->est_keygen = GT_KEYGEN_OK;
	ck_assert(est_keygen(&spec, NULL, NULL, &key, &cert) == GETCERT_OK);
	ck_assert_int_eq(ca->est_keygen_key_id.len, 0);
	ck_assert(same_key(key, ca->est_keygen_key));
	ck_assert(getcert_key_matches(cert, key));
	cert->destroy(cert);
	key->destroy(key);
}
END_TEST

START_TEST(test_est_keygen_pending)
{
	getcert_key_spec_t spec = { .type = KEY_ECDSA };
	private_key_t *key;
	certificate_t *cert;

	ca->est_pending = 1;
	ca->est_retry_after = 1;
	ck_assert(est_keygen(&spec, NULL, NULL, &key, &cert) == GETCERT_OK);
	ck_assert_int_eq(ca->est_count[4], 2);
	cert->destroy(cert);
	key->destroy(key);
}
END_TEST

static struct {
	/** what the CA does */
	gt_keygen_t keygen;
	gt_ca_mode_t mode;
	bool wrong_ca;
	bool ra;
	size_t max_size;
	key_type_t generates;
	/** the error expected */
	getcert_err_t err;
	char *log;
} bad_keygen[] = {
	/* wrong CA in /cacerts */
	{ .wrong_ca = TRUE, .err = GETCERT_ERR_CA_MISMATCH,
	  .log = "does not match the pinned CA" },
	/* a certificate for another key */
	{ .mode = GT_CA_WRONG_KEY, .err = GETCERT_ERR_CERT_KEY,
	  .log = "does not match the certificate" },
	/* a key package that does not match the certificate */
	{ .keygen = GT_KEYGEN_OTHER_KEY, .err = GETCERT_ERR_CERT_KEY,
	  .log = "does not match the certificate" },
	/* unsigned key package: no SignedData, or one without signer */
	{ .keygen = GT_KEYGEN_UNSIGNED, .err = GETCERT_ERR_MALFORMED,
	  .log = "key package of /serverkeygen is not acceptable" },
	{ .keygen = GT_KEYGEN_NO_SIGNER, .err = GETCERT_ERR_SIGNATURE,
	  .log = "key package of /serverkeygen is not acceptable" },
	/* wrongly signed: another CA of the same name */
	{ .keygen = GT_KEYGEN_WRONG_SIGNER, .err = GETCERT_ERR_SIGNATURE,
	  .log = "key package of /serverkeygen is not acceptable" },
	/* wrongly signed: an RA that is not in /cacerts */
	{ .ra = TRUE, .err = GETCERT_ERR_SIGNATURE,
	  .log = "key package of /serverkeygen is not acceptable" },
	/* malformed multipart */
	{ .keygen = GT_KEYGEN_TWO_KEYS, .err = GETCERT_ERR_MALFORMED,
	  .log = "not one key and one certificate" },
	{ .keygen = GT_KEYGEN_EXTRA_PART, .err = GETCERT_ERR_MALFORMED,
	  .log = "Content-Type 'text/plain'" },
	{ .keygen = GT_KEYGEN_NO_CERTS, .err = GETCERT_ERR_MALFORMED,
	  .log = "not one key and one certificate" },
	{ .keygen = GT_KEYGEN_UNTERMINATED, .err = GETCERT_ERR_MALFORMED,
	  .log = "multipart/mixed" },
	/* oversized body */
	{ .max_size = 1024, .err = GETCERT_ERR_TOO_LARGE },
	/* the usual issuance checks */
	{ .mode = GT_CA_WRONG_IDENTITY, .err = GETCERT_ERR_CERT_IDENTITY },
	{ .mode = GT_CA_WRONG_CHAIN, .err = GETCERT_ERR_CERT_CHAIN },
	{ .mode = GT_CA_EXPIRED, .err = GETCERT_ERR_CERT_VALIDITY },
	/* a key of a type the profile does not allow */
	{ .generates = KEY_ED25519, .err = GETCERT_ERR_POLICY,
	  .log = "the profile allows ECDSA" },
};

START_TEST(test_est_keygen_bad)
{
	getcert_key_spec_t spec = { .type = KEY_ECDSA };
	private_key_t *key;
	certificate_t *cert;
	getcert_err_t err;

	ca->est_keygen = bad_keygen[_i].keygen;
	ca->mode = bad_keygen[_i].mode ?: GT_CA_ISSUE;
	ca->est_wrong_ca = bad_keygen[_i].wrong_ca;
	ca->use_ra = bad_keygen[_i].ra;
	ca->est_max_size = bad_keygen[_i].max_size;
	ca->est_keygen_type = bad_keygen[_i].generates;
	err = est_keygen(&spec, NULL, NULL, &key, &cert);
	ck_assert_int_eq(err, bad_keygen[_i].err);
	if (bad_keygen[_i].log)
	{
		ck_assert(gt_log_contains(bad_keygen[_i].log));
	}
	ck_assert_int_eq(spec.type, KEY_ECDSA);
}
END_TEST

Suite *est_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("est");

	tc = tcase_create("formats");
	tcase_add_test(tc, test_decode);
	tcase_add_loop_test(tc, test_decode_bad, 0, countof(bad_bodies));
	tcase_add_test(tc, test_parse_certs);
	tcase_add_test(tc, test_csrattrs_rfc7030);
	tcase_add_test(tc, test_csrattrs_forms);
	tcase_add_loop_test(tc, test_csrattrs_bad, 0, 10);
	tcase_add_test(tc, test_csrattrs_too_many);
	tcase_add_test(tc, test_multipart);
	tcase_add_loop_test(tc, test_multipart_bad, 0, countof(bad_multiparts));
	tcase_add_test(tc, test_multipart_long_header);
	suite_add_tcase(s, tc);

	tc = tcase_create("engine");
	tcase_add_checked_fixture(tc, setup_est, teardown_est);
	tcase_add_loop_test(tc, test_est_enroll, 0, countof(key_types));
	tcase_add_test(tc, test_est_renew);
	tcase_add_test(tc, test_est_renew_one_setup);
	tcase_add_test(tc, test_est_wrong_ca);
	tcase_add_test(tc, test_est_fingerprint_pin);
	tcase_add_loop_test(tc, test_est_bad_issue, 0, countof(bad_issue));
	tcase_add_test(tc, test_est_bodies);
	tcase_add_test(tc, test_est_csrattrs_policy);
	tcase_add_test(tc, test_est_no_csrattrs);
	tcase_add_test(tc, test_est_client_params);
	tcase_add_test(tc, test_est_requests);
	tcase_add_test(tc, test_est_requests_no_preauth);
	suite_add_tcase(s, tc);

	tc = tcase_create("pending");
	tcase_add_checked_fixture(tc, setup_est, teardown_est);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_est_pending);
	tcase_add_test(tc, test_est_keygen_pending);
	suite_add_tcase(s, tc);

	tc = tcase_create("serverkeygen");
	tcase_add_checked_fixture(tc, setup_est, teardown_est);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_est_keygen, 0, countof(keygen_types));
	tcase_add_test(tc, test_est_keygen_forms);
	tcase_add_test(tc, test_est_keygen_renew);
	tcase_add_test(tc, test_est_keygen_plain);
	tcase_add_loop_test(tc, test_est_keygen_bad, 0, countof(bad_keygen));
	suite_add_tcase(s, tc);

	return s;
}

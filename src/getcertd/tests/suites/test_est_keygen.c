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

#define _GNU_SOURCE /* memmem */
#include <string.h>
#include <time.h>

#include <test_suite.h>

#include <getcertd_est.h>
#include <getcert_test_certs.h>
#include <getcert_keypkg.h>
#include <getcert_est.h>
#include <getcert_cms.h>
#include <getcert_x509.h>

#include <asn1/asn1.h>
#include <asn1/oid.h>

/**
 * Records: what add_issued() got, and the one certificate a TLS client
 * may renew with (current), as issued under a policy, revoked, superseded
 */
static struct {
	getcertd_db_t db;
	certificate_t *cert;
	bool server_keygen;
	int issued;
	chunk_t renews;
	char *user;
	certificate_t *current;
	char *policy;
	time_t chain_start;
	bool revoked;
	bool superseded;
} db;

static bool add_issued(getcertd_db_t *this, certificate_t *cert,
					   getcertd_tx_t *tx, chunk_t replaces)
{
	DESTROY_IF(db.cert);
	db.cert = cert->get_ref(cert);
	db.server_keygen = tx->server_keygen;
	chunk_free(&db.renews);
	db.renews = chunk_clone(tx->renews);
	free(db.user);
	db.user = strdup(tx->user);
	db.issued++;
	return TRUE;
}

static certificate_t *get_cert(getcertd_db_t *this, chunk_t serial)
{
	x509_t *x509 = (x509_t*)db.current;

	if (db.current && chunk_equals(serial, x509->get_serial(x509)))
	{
		return db.current->get_ref(db.current);
	}
	return NULL;
}

static bool get_info(getcertd_db_t *this, chunk_t serial,
					 getcertd_cert_info_t *info)
{
	x509_t *x509 = (x509_t*)db.current;

	if (db.current && chunk_equals(serial, x509->get_serial(x509)))
	{
		*info = (getcertd_cert_info_t){
			.user = strdup("alice"),
			.policy = strdup(db.policy),
			.chain_start = db.chain_start,
			.revoked = db.revoked,
			.superseded = db.superseded,
		};
		return TRUE;
	}
	return FALSE;
}

/**
 * Authentication: RADIUS accepts alice (or, if refuse is set, nobody: 401),
 * counted
 */
static struct {
	getcertd_auth_t auth;
	int asked;
	bool refuse;
} auth;

static bool available(getcertd_auth_t *this)
{
	return TRUE;
}

static bool authenticate(getcertd_auth_t *this, getcertd_request_t *request,
						 char **user, char **result,
						 getcertd_response_t *response)
{
	auth.asked++;
	if (auth.refuse)
	{
		getcertd_response_plain(response, 401, "authentication required\n");
		*result = "no credentials";
		return FALSE;
	}
	*user = strdup("alice");
	return TRUE;
}

static private_key_t *ca_key, *client;
static certificate_t *ca;
static getcertd_issuer_t *issuer;
static getcertd_policy_t policy, noskg;
static linked_list_t *policies, *signers;
static getcertd_est_t *est;

START_SETUP(setup_keygen)
{
	ca_key = gt_key();
	ca = gt_cert(ca_key, "CN=EST CA", NULL, NULL, NULL, TRUE, 3600);
	issuer = getcertd_issuer_create(ca->get_ref(ca), ca_key->get_ref(ca_key));
	client = gt_rsa_key(2048);
	ck_assert(client);
	policy = (getcertd_policy_t){
		.name = "keygen",
		.subject = "CN=%u",
		.lifetime = 3600,
		.radius = TRUE,
		.ekus = GETCERTD_EKU_CLIENT_AUTH,
		.min_rsa = 2048,
		.key_types = GETCERTD_KEY_RSA | GETCERTD_KEY_ECDSA |
					 GETCERTD_KEY_ED25519,
		.est = TRUE,
		.server_keygen = GETCERTD_SKG_ENCRYPTED,
		.skg_type = KEY_ECDSA,
		.skg_bits = 256,
		.max_renewal_age = 86400,
	};
	noskg = policy;
	noskg.name = "noskg";
	noskg.est_label = "noskg";
	noskg.server_keygen = GETCERTD_SKG_NO;
	policies = linked_list_create_with_items(&policy, &noskg, NULL);
	signers = linked_list_create_with_items(ca, NULL);
	db.db.add_issued = add_issued;
	db.db.get_cert = get_cert;
	db.db.get_info = get_info;
	db.issued = 0;
	db.server_keygen = FALSE;
	db.policy = "keygen";
	db.chain_start = time(NULL);
	db.revoked = db.superseded = FALSE;
	auth.refuse = FALSE;
	auth.auth.available = available;
	auth.auth.authenticate = authenticate;
	auth.asked = 0;
	est = getcertd_est_create(&db.db, issuer, &auth.auth, policies, 5);
}
END_SETUP

START_TEARDOWN(teardown_keygen)
{
	est->destroy(est);
	DESTROY_IF(db.cert);
	db.cert = NULL;
	DESTROY_IF(db.current);
	db.current = NULL;
	chunk_free(&db.renews);
	free(db.user);
	db.user = NULL;
	signers->destroy(signers);
	policies->destroy(policies);
	client->destroy(client);
	issuer->destroy(issuer);
	ca->destroy(ca);
	ca_key->destroy(ca_key);
}
END_TEARDOWN

/**
 * A CSR of a key for CN=alice, with an AsymmetricDecryptKeyIdentifier
 * attribute if id is given
 */
static chunk_t build_csr(private_key_t *key, chunk_t id)
{
	identification_t *subject;
	public_key_t *public;
	chunk_t spki, info, attrs = chunk_empty, sig, csr;
	signature_scheme_t scheme;
	int oid;

	subject = identification_create_from_string("CN=alice");
	public = key->get_public_key(key);
	ck_assert(public->get_encoding(public, PUBKEY_SPKI_ASN1_DER, &spki));
	public->destroy(public);
	if (id.len)
	{
		attrs = asn1_wrap(ASN1_SEQUENCE, "mm",
					asn1_simple_object(ASN1_OID,
									   GETCERT_OID_ASYMM_DECRYPT_KEY_ID),
					asn1_wrap(ASN1_SET, "m",
						asn1_simple_object(ASN1_OCTET_STRING, id)));
	}
	info = asn1_wrap(ASN1_SEQUENCE, "ccmm",
				ASN1_INTEGER_0,
				subject->get_encoding(subject),
				spki,
				asn1_wrap(ASN1_CONTEXT_C_0, "m", attrs));
	subject->destroy(subject);
	if (key->get_type(key) == KEY_RSA)
	{
		scheme = SIGN_RSA_EMSA_PKCS1_SHA2_256;
		oid = OID_SHA256_WITH_RSA;
	}
	else
	{
		scheme = SIGN_ECDSA_WITH_SHA256_DER;
		oid = OID_ECDSA_WITH_SHA256;
	}
	ck_assert(key->sign(key, scheme, NULL, info, &sig));
	csr = asn1_wrap(ASN1_SEQUENCE, "mmm",
				info,
				key->get_type(key) == KEY_RSA ? asn1_algorithmIdentifier(oid)
					: asn1_wrap(ASN1_SEQUENCE, "m", asn1_build_known_oid(oid)),
				asn1_bitstring("m", sig));
	return csr;
}

/**
 * Whether a response body contains a text
 */
static bool body_has(getcertd_response_t *response, char *text)
{
	return memmem(response->body.ptr, response->body.len, text,
				  strlen(text)) != NULL;
}

/**
 * Send a CSR to serverkeygen
 */
static void request_cert(chunk_t csr, bool tls, certificate_t *peer,
						 getcertd_response_t *response)
{
	getcertd_request_t req = {
		.method = "POST",
		.path = "/.well-known/est/serverkeygen",
		.tls = tls,
	};

	if (peer)
	{
		ck_assert(peer->get_encoding(peer, CERT_ASN1_DER, &req.peer_cert));
	}

	req.body = chunk_to_base64(csr, NULL);
	if (req.body.len && req.body.ptr[req.body.len - 1] == 0)
	{
		req.body.len--;
	}
	*response = (getcertd_response_t){};
	est->handle(est, &req, response);
	chunk_free(&req.body);
	chunk_free(&req.peer_cert);
}

/**
 * Send a CSR to serverkeygen without a TLS client certificate
 */
static void request(chunk_t csr, bool tls, getcertd_response_t *response)
{
	request_cert(csr, tls, NULL, response);
}

/**
 * The client's key identifier
 */
static chunk_t client_id()
{
	public_key_t *public;
	chunk_t id;

	public = client->get_public_key(client);
	ck_assert(getcert_keypkg_key_id(public, &id));
	public->destroy(public);
	return id;
}

/**
 * Check a 200 answer: the key part, then the certificate of that key
 */
static void check_answer(getcertd_response_t *response, bool encrypted)
{
	getcert_est_part_t parts[GETCERT_EST_MAX_PARTS];
	linked_list_t *certs;
	certificate_t *cert;
	private_key_t *key;
	chunk_t der;
	u_int count, i;

	ck_assert_int_eq(response->status, 200);
	ck_assert(strpfx(response->type, "multipart/mixed"));
	ck_assert(response->secret == !encrypted);
	ck_assert_int_eq(getcert_est_parse_multipart(response->body,
							response->type, parts, countof(parts), &count),
					 GETCERT_OK);
	ck_assert_int_eq(count, 2);
	ck_assert_str_eq(parts[0].type, encrypted ?
					 "application/pkcs7-mime; smime-type=server-generated-key"
					 : "application/pkcs8");
	ck_assert_str_eq(parts[1].type,
					 "application/pkcs7-mime; smime-type=certs-only");
	ck_assert_int_eq(getcert_est_decode(parts[0].body, parts[0].encoding,
										&der), GETCERT_OK);
	if (encrypted)
	{
		ck_assert_int_eq(getcert_keypkg_unprotect(der, client, signers, &key),
						 GETCERT_OK);
	}
	else
	{
		ck_assert_int_eq(getcert_keypkg_parse(der, TRUE, &key), GETCERT_OK);
	}
	chunk_clear(&der);
	ck_assert_int_eq(key->get_type(key), KEY_ECDSA);
	ck_assert_int_eq(key->get_keysize(key), 256);

	ck_assert_int_eq(getcert_est_decode(parts[1].body, parts[1].encoding,
										&der), GETCERT_OK);
	certs = linked_list_create();
	ck_assert_int_eq(getcert_est_parse_certs(der, certs), GETCERT_OK);
	chunk_free(&der);
	ck_assert_int_eq(certs->get_count(certs), 1);
	certs->get_first(certs, (void**)&cert);
	/* the generated key is certified, not the CSR's */
	ck_assert(getcert_key_matches(cert, key));
	ck_assert(!getcert_key_matches(cert, client));
	ck_assert(cert->issued_by(cert, ca, NULL));
	ck_assert(cert->equals(cert, db.cert));
	ck_assert(db.server_keygen);
	ck_assert_int_eq(db.issued, 1);
	certs->destroy_offset(certs, offsetof(certificate_t, destroy));
	key->destroy(key);
	for (i = 0; i < count; i++)
	{
		free(parts[i].type);
		free(parts[i].encoding);
	}
}

START_TEST(test_encrypted)
{
	getcertd_response_t response;
	chunk_t csr, id;

	/* _i: policy encrypted, yes */
	policy.server_keygen = _i ? GETCERTD_SKG_YES : GETCERTD_SKG_ENCRYPTED;
	id = client_id();
	csr = build_csr(client, id);
	request(csr, FALSE, &response);
	check_answer(&response, TRUE);
	ck_assert_int_eq(auth.asked, 1);
	chunk_clear(&response.body);
	chunk_free(&csr);
	chunk_free(&id);
}
END_TEST

START_TEST(test_plain)
{
	getcertd_response_t response;
	chunk_t csr;

	policy.server_keygen = GETCERTD_SKG_YES;
	csr = build_csr(client, chunk_empty);
	request(csr, TRUE, &response);
	check_answer(&response, FALSE);
	chunk_clear(&response.body);

	/* not without TLS */
	request(csr, FALSE, &response);
	ck_assert_int_eq(response.status, 403);
	ck_assert(body_has(&response, "only over TLS"));
	chunk_free(&response.body);
	chunk_free(&csr);
}
END_TEST

START_TEST(test_policy_no)
{
	getcertd_response_t response;
	chunk_t csr, id;

	policy.server_keygen = GETCERTD_SKG_NO;
	id = client_id();
	csr = build_csr(client, id);
	request(csr, TRUE, &response);
	ck_assert_int_eq(response.status, 501);
	ck_assert(body_has(&response, "not offered"));
	ck_assert_int_eq(auth.asked, 0);
	ck_assert_int_eq(db.issued, 0);
	chunk_free(&response.body);
	chunk_free(&csr);
	chunk_free(&id);
}
END_TEST

START_TEST(test_refused)
{
	getcertd_response_t response;
	private_key_t *other, *ec;
	chunk_t csr, id, other_id;
	public_key_t *public;

	/* no key identifier with policy encrypted */
	csr = build_csr(client, chunk_empty);
	request(csr, TRUE, &response);
	ck_assert_int_eq(response.status, 400);
	ck_assert(body_has(&response, "AsymmetricDecryptKeyIdentifier "
					 "naming the CSR's RSA key missing"));
	chunk_free(&response.body);
	chunk_free(&csr);

	/* the identifier of another key */
	other = gt_rsa_key(2048);
	public = other->get_public_key(other);
	ck_assert(getcert_keypkg_key_id(public, &other_id));
	public->destroy(public);
	csr = build_csr(client, other_id);
	request(csr, TRUE, &response);
	ck_assert_int_eq(response.status, 400);
	ck_assert(body_has(&response, "does not name the CSR's key"));
	chunk_free(&response.body);
	chunk_free(&csr);
	chunk_free(&other_id);
	other->destroy(other);

	/* an ECDSA key can not be encrypted to */
	ec = gt_key();
	public = ec->get_public_key(ec);
	ck_assert(getcert_keypkg_key_id(public, &id));
	public->destroy(public);
	csr = build_csr(ec, id);
	request(csr, TRUE, &response);
	ck_assert_int_eq(response.status, 400);
	ck_assert(body_has(&response, "RSA of at least 2048 bits"));
	chunk_free(&response.body);
	chunk_free(&csr);
	chunk_free(&id);
	ec->destroy(ec);

	/* RSA-1024 neither */
	other = gt_rsa_key(1024);
	public = other->get_public_key(other);
	ck_assert(getcert_keypkg_key_id(public, &id));
	public->destroy(public);
	csr = build_csr(other, id);
	request(csr, TRUE, &response);
	ck_assert_int_eq(response.status, 400);
	ck_assert(body_has(&response, "RSA of at least 2048 bits"));
	chunk_free(&response.body);
	chunk_free(&csr);
	chunk_free(&id);
	other->destroy(other);

	/* garbage */
	request(chunk_from_str("no CSR"), TRUE, &response);
	ck_assert_int_eq(response.status, 400);
	chunk_free(&response.body);

	ck_assert_int_eq(auth.asked, 0);
	ck_assert_int_eq(db.issued, 0);
}
END_TEST

/*******************************************************************************
 * renewal with a TLS client certificate
 */

/**
 * alice's current certificate, recorded as issued by getcertd
 */
static certificate_t *current_cert(char *subject, char *san)
{
	private_key_t *key;
	certificate_t *cert;

	key = gt_key();
	cert = gt_cert(key, subject, san, ca_key, ca, FALSE, 3600);
	key->destroy(key);
	ck_assert(cert);
	return cert;
}

/**
 * Check that the answer renews cert: issued without asking RADIUS, the
 * serial of cert recorded as renewed (superseded by add_issued)
 */
static void check_renewal(getcertd_response_t *response, certificate_t *cert)
{
	x509_t *x509 = (x509_t*)cert;

	check_answer(response, TRUE);
	ck_assert_chunk_eq(db.renews, x509->get_serial(x509));
	ck_assert_str_eq(db.user, "alice");
}

START_TEST(test_renew)
{
	getcertd_response_t response;
	chunk_t csr, id;

	auth.refuse = TRUE;
	db.current = current_cert("CN=alice", NULL);
	id = client_id();
	csr = build_csr(client, id);
	request_cert(csr, TRUE, db.current, &response);
	check_renewal(&response, db.current);
	ck_assert_int_eq(auth.asked, 0);
	chunk_clear(&response.body);
	chunk_free(&csr);
	chunk_free(&id);
}
END_TEST

START_TEST(test_renew_old_chain)
{
	getcertd_response_t response;
	chunk_t csr, id;

	/* beyond max_renewal_age: the password of the same user too */
	policy.max_renewal_age = 60;
	db.chain_start = time(NULL) - 120;
	db.current = current_cert("CN=alice", NULL);
	id = client_id();
	csr = build_csr(client, id);
	auth.refuse = TRUE;
	request_cert(csr, TRUE, db.current, &response);
	ck_assert_int_eq(response.status, 401);
	ck_assert_int_eq(db.issued, 0);
	chunk_free(&response.body);
	auth.refuse = FALSE;
	request_cert(csr, TRUE, db.current, &response);
	check_renewal(&response, db.current);
	ck_assert_int_eq(auth.asked, 2);
	chunk_clear(&response.body);
	chunk_free(&csr);
	chunk_free(&id);
}
END_TEST

/**
 * Certificates that do not renew: HTTP Basic then, as a first enrollment
 */
START_TEST(test_renew_refused)
{
	getcertd_response_t response;
	private_key_t *other_key, *key;
	certificate_t *other_ca = NULL, *peer;
	chunk_t csr, id;

	db.current = current_cert("CN=alice", NULL);
	peer = db.current->get_ref(db.current);
	switch (_i)
	{
		case 0:
			/* foreign: another CA of the same name */
			other_key = gt_key();
			other_ca = gt_cert(other_key, "CN=EST CA", NULL, NULL, NULL, TRUE,
							   3600);
			key = gt_key();
			peer->destroy(peer);
			peer = gt_cert(key, "CN=alice", NULL, other_key, other_ca, FALSE,
						   3600);
			key->destroy(key);
			other_key->destroy(other_key);
			break;
		case 1:
			db.revoked = TRUE;
			break;
		case 2:
			db.superseded = TRUE;
			break;
		case 3:
			/* signed with the CA key but not recorded */
			peer->destroy(peer);
			peer = current_cert("CN=alice", NULL);
			break;
		case 4:
			/* the CSR's names are not the certificate's */
			DESTROY_IF(db.current);
			db.current = current_cert("CN=alice", "alice@strongswan.org");
			peer->destroy(peer);
			peer = db.current->get_ref(db.current);
			break;
		case 5:
			/* expired */
			DESTROY_IF(db.current);
			key = gt_key();
			db.current = gt_cert(key, "CN=alice", NULL, ca_key, ca, FALSE, -60);
			key->destroy(key);
			peer->destroy(peer);
			peer = db.current->get_ref(db.current);
			break;
	}
	id = client_id();
	csr = build_csr(client, id);
	/* without a password: 401, nothing issued */
	auth.refuse = TRUE;
	request_cert(csr, TRUE, peer, &response);
	ck_assert_int_eq(response.status, 401);
	ck_assert_int_eq(auth.asked, 1);
	ck_assert_int_eq(db.issued, 0);
	chunk_free(&response.body);
	/* with it: a first enrollment, renewing nothing */
	auth.refuse = FALSE;
	request_cert(csr, TRUE, peer, &response);
	check_answer(&response, TRUE);
	ck_assert_int_eq(auth.asked, 2);
	ck_assert(db.renews.len == 0);
	chunk_clear(&response.body);
	chunk_free(&csr);
	chunk_free(&id);
	peer->destroy(peer);
	DESTROY_IF(other_ca);
}
END_TEST

START_TEST(test_renew_policy_no)
{
	getcertd_response_t response;
	chunk_t csr, id;

	/* the certificate's policy offers no server-side key generation */
	db.policy = "noskg";
	db.current = current_cert("CN=alice", NULL);
	id = client_id();
	csr = build_csr(client, id);
	request_cert(csr, TRUE, db.current, &response);
	ck_assert_int_eq(response.status, 501);
	ck_assert(body_has(&response, "not offered"));
	ck_assert_int_eq(auth.asked, 0);
	ck_assert_int_eq(db.issued, 0);
	chunk_free(&response.body);
	chunk_free(&csr);
	chunk_free(&id);
}
END_TEST

Suite *est_keygen_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("est serverkeygen");

	tc = tcase_create("serverkeygen");
	tcase_add_checked_fixture(tc, setup_keygen, teardown_keygen);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_encrypted, 0, 2);
	tcase_add_test(tc, test_plain);
	tcase_add_test(tc, test_policy_no);
	tcase_add_test(tc, test_refused);
	suite_add_tcase(s, tc);

	tc = tcase_create("serverkeygen renewal");
	tcase_add_checked_fixture(tc, setup_keygen, teardown_keygen);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_renew);
	tcase_add_test(tc, test_renew_old_chain);
	tcase_add_loop_test(tc, test_renew_refused, 0, 6);
	tcase_add_test(tc, test_renew_policy_no);
	suite_add_tcase(s, tc);

	return s;
}

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

#include <time.h>

#include <getcertd_replay.h>
#include <getcert_test_certs.h>

#include <credentials/certificates/x509.h>

/**
 * A CSR as pki --scep makes it
 */
static certificate_t *csr(private_key_t *key, char *subject, char *password)
{
	certificate_t *cert;
	identification_t *id;

	id = identification_create_from_string(subject);
	cert = lib->creds->create(lib->creds, CRED_CERTIFICATE,
							  CERT_PKCS10_REQUEST, BUILD_SIGNING_KEY, key,
							  BUILD_SUBJECT, id,
							  BUILD_CHALLENGE_PWD, chunk_from_str(password),
							  BUILD_END);
	id->destroy(id);
	ck_assert(cert);
	return cert;
}

/**
 * The self-signed certificate pki --scep signs its request with: made
 * afresh for every run, notBefore the second it runs in, the serial
 * derived from the key (as the transactionID is)
 */
static certificate_t *pki_signer(private_key_t *key, char *subject,
								 time_t not_before)
{
	certificate_t *cert;
	public_key_t *public;
	identification_t *id;
	chunk_t serial = chunk_from_chars(0x1d, 0xb1, 0xb7, 0x77, 0x0b, 0x49);

	public = key->get_public_key(key);
	id = identification_create_from_string(subject);
	cert = lib->creds->create(lib->creds, CRED_CERTIFICATE, CERT_X509,
							  BUILD_SIGNING_KEY, key, BUILD_PUBLIC_KEY, public,
							  BUILD_SUBJECT, id,
							  BUILD_NOT_BEFORE_TIME, not_before,
							  BUILD_NOT_AFTER_TIME,
							  not_before + 365 * 24 * 60 * 60,
							  BUILD_SERIAL, serial, BUILD_END);
	id->destroy(id);
	public->destroy(public);
	ck_assert(cert);
	return cert;
}

/**
 * Whether two certificates are encoded alike
 */
static bool same_encoding(certificate_t *a, certificate_t *b)
{
	chunk_t ea, eb;
	bool same;

	ck_assert(a->get_encoding(a, CERT_ASN1_DER, &ea));
	ck_assert(b->get_encoding(b, CERT_ASN1_DER, &eb));
	same = chunk_equals(ea, eb);
	chunk_free(&ea);
	chunk_free(&eb);
	return same;
}

/**
 * CA of the tests
 */
static private_key_t *ca_key;
static certificate_t *ca;

static void setup_ca()
{
	ca_key = gt_key();
	ca = gt_cert(ca_key, "C=CH, O=getcert test, CN=CA", NULL, NULL, NULL,
				 TRUE, 3600);
	ck_assert(ca);
}

static void teardown_ca()
{
	ca->destroy(ca);
	ca_key->destroy(ca_key);
}

/**
 * Whether the requests csr_a, signed with signer_a, and csr_b, signed with
 * signer_b, are the same request to getcertd
 */
static bool same_request(certificate_t *csr_a, certificate_t *signer_a,
						 certificate_t *csr_b, certificate_t *signer_b)
{
	chunk_t a, b;
	bool same;

	a = getcertd_replay_request_id(csr_a, signer_a, ca);
	b = getcertd_replay_request_id(csr_b, signer_b, ca);
	ck_assert(a.len && b.len);
	same = chunk_equals(a, b);
	chunk_free(&a);
	chunk_free(&b);
	return same;
}

/**
 * pki --scep run twice with one key, the second run in a later second:
 * its self-signed certificate differs in notBefore and signature, the
 * request is the same (getcertd-enroll issued a second certificate for
 * such a replay when the runs straddled a second boundary)
 */
START_TEST(test_pki_second_boundary)
{
	private_key_t *key;
	certificate_t *req1, *req2, *signer1, *signer2;
	time_t now = time(NULL);

	key = gt_rsa_key(1024);
	req1 = csr(key, "C=CH, O=getcert test, OU=remote, CN=erin", "secret");
	req2 = csr(key, "C=CH, O=getcert test, OU=remote, CN=erin", "secret");
	signer1 = pki_signer(key, "C=CH, O=getcert test, OU=remote, CN=erin",
						 now);
	signer2 = pki_signer(key, "C=CH, O=getcert test, OU=remote, CN=erin",
						 now + 1);
	/* what the two runs send: the same CSR, another signer */
	ck_assert(same_encoding(req1, req2));
	ck_assert(!same_encoding(signer1, signer2));
	ck_assert(req1->issued_by(req1, req1, NULL));
	ck_assert(signer2->issued_by(signer2, signer2, NULL));
	ck_assert(same_request(req1, signer1, req2, signer2));
	req1->destroy(req1);
	req2->destroy(req2);
	signer1->destroy(signer1);
	signer2->destroy(signer2);
	key->destroy(key);
}
END_TEST

/**
 * An ECDSA signature differs each time: the same CSR signed again is the
 * same request
 */
START_TEST(test_ecdsa_signed_again)
{
	private_key_t *key;
	certificate_t *req1, *req2, *signer;

	key = gt_key();
	req1 = csr(key, "C=CH, O=getcert test, CN=erin", "secret");
	req2 = csr(key, "C=CH, O=getcert test, CN=erin", "secret");
	signer = pki_signer(key, "C=CH, O=getcert test, CN=erin", time(NULL));
	ck_assert(!same_encoding(req1, req2));
	ck_assert(same_request(req1, signer, req2, signer));
	req1->destroy(req1);
	req2->destroy(req2);
	signer->destroy(signer);
	key->destroy(key);
}
END_TEST

/**
 * Another subject, another challengePassword or another key is another
 * request
 */
START_TEST(test_other_csr)
{
	private_key_t *key, *other;
	certificate_t *req, *subject, *password, *key2, *signer;

	key = gt_key();
	other = gt_key();
	req = csr(key, "C=CH, O=getcert test, CN=erin", "secret");
	subject = csr(key, "C=CH, O=getcert test, CN=frank", "secret");
	password = csr(key, "C=CH, O=getcert test, CN=erin", "secret2");
	key2 = csr(other, "C=CH, O=getcert test, CN=erin", "secret");
	signer = pki_signer(key, "C=CH, O=getcert test, CN=erin", time(NULL));
	ck_assert(!same_request(req, signer, subject, signer));
	ck_assert(!same_request(req, signer, password, signer));
	ck_assert(!same_request(req, signer, key2, signer));
	signer->destroy(signer);
	req->destroy(req);
	subject->destroy(subject);
	password->destroy(password);
	key2->destroy(key2);
	key->destroy(key);
	other->destroy(other);
}
END_TEST

/**
 * A renewal is identified by the certificate of ours it is signed with:
 * signed with another one, or self-signed, it is another request
 */
START_TEST(test_signed_with_ours)
{
	private_key_t *key;
	certificate_t *cert1, *cert2, *self, *req;

	key = gt_key();
	cert1 = gt_cert(key, "C=CH, O=getcert test, CN=erin", NULL, ca_key, ca,
					FALSE, 600);
	cert2 = gt_cert(key, "C=CH, O=getcert test, CN=erin", NULL, ca_key, ca,
					FALSE, 600);
	self = pki_signer(key, "C=CH, O=getcert test, CN=erin", time(NULL));
	req = csr(key, "C=CH, O=getcert test, CN=erin", "");
	ck_assert(same_request(req, cert1, req, cert1));
	ck_assert(!same_request(req, cert1, req, cert2));
	ck_assert(!same_request(req, cert1, req, self));
	req->destroy(req);
	self->destroy(self);
	cert1->destroy(cert1);
	cert2->destroy(cert2);
	key->destroy(key);
}
END_TEST

Suite *replay_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("replay");

	tc = tcase_create("request id");
	tcase_add_checked_fixture(tc, setup_ca, teardown_ca);
	tcase_add_test(tc, test_pki_second_boundary);
	tcase_add_test(tc, test_ecdsa_signed_again);
	tcase_add_test(tc, test_other_csr);
	tcase_add_test(tc, test_signed_with_ours);
	suite_add_tcase(s, tc);

	return s;
}

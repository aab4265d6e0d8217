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

#include <getcert_enroll.h>
#include <getcert_test_ca.h>
#include <getcert_test_certs.h>

#include <getcert_x509.h>
#include <credentials/certificates/x509.h>
#include <threading/thread.h>

#define CAPS_MICROMDM "Renewal\nSHA-1\nSHA-256\nAES\nDES3\nSCEPStandard\n" \
					  "POSTPKIOperation"

static gt_ca_t *ca;
static private_key_t *key;
static identification_t *identity;
static getcert_enroll_params_t params;

START_SETUP(setup_enroll)
{
	ca = gt_ca_create(CAPS_MICROMDM);
	key = gt_rsa_key(1024);
	ck_assert(ca->ca && key);
	identity = identification_create_from_string("carol@strongswan.org");
	params = (getcert_enroll_params_t){
		.identity = identity,
		.ca_cert = ca->ca,
		.challenge_password = "secret",
		.poll_timeout = 10,
		.max_skew = 300,
	};
	gt_log_start();
}
END_SETUP

START_TEARDOWN(teardown_enroll)
{
	gt_log_stop();
	identity->destroy(identity);
	key->destroy(key);
	ca->destroy(ca);
}
END_TEARDOWN

/**
 * Run one enrollment with the current params
 */
static getcert_err_t enroll(private_key_t *k, certificate_t *current,
							private_key_t *current_key, certificate_t **cert,
							getcert_scep_fail_t *fail)
{
	getcert_enroll_t *engine;
	getcert_err_t err;

	engine = getcert_enroll_create(&ca->transport, &params);
	err = engine->enroll(engine, k, current, current_key, cert);
	if (fail)
	{
		*fail = engine->get_fail_info(engine);
	}
	engine->destroy(engine);
	return err;
}

START_TEST(test_enroll)
{
	certificate_t *cert;

	ck_assert_int_eq(enroll(key, NULL, NULL, &cert, NULL), GETCERT_OK);
	ck_assert(cert);
	ck_assert(cert->has_subject(cert, identity) == ID_MATCH_PERFECT);
	ck_assert(cert->issued_by(cert, ca->ca, NULL));
	/* GetCACaps, GetCACert, one PKCSReq by POST */
	ck_assert_int_eq(ca->requests, 3);
	ck_assert_int_eq(ca->posts, 1);
	ck_assert_int_eq(ca->count[GETCERT_SCEP_PKCS_REQ], 1);
	ck_assert_str_eq(ca->last_challenge, "secret");
	/* signed with a self-signed certificate of the new key */
	ck_assert(ca->last_signer->issued_by(ca->last_signer, ca->last_signer,
										 NULL));
	cert->destroy(cert);
}
END_TEST

START_TEST(test_enroll_get)
{
	certificate_t *cert;

	ca->destroy(ca);
	ca = gt_ca_create("AES\nSHA-256\n");
	params.ca_cert = ca->ca;
	params.challenge_password = NULL;
	ck_assert_int_eq(enroll(key, NULL, NULL, &cert, NULL), GETCERT_OK);
	ck_assert_int_eq(ca->posts, 0);
	ck_assert(!ca->last_challenge);
	cert->destroy(cert);
}
END_TEST

START_TEST(test_fingerprint_pin)
{
	certificate_t *cert;
	chunk_t fp;

	ck_assert(getcert_x509_fingerprint(ca->ca, &fp));
	params.ca_cert = NULL;
	params.ca_fingerprint = fp;
	ck_assert_int_eq(enroll(key, NULL, NULL, &cert, NULL), GETCERT_OK);
	cert->destroy(cert);

	/* one bit off */
	fp.ptr[0] ^= 0x01;
	ck_assert_int_eq(enroll(key, NULL, NULL, &cert, NULL),
					 GETCERT_ERR_CA_MISMATCH);
	ck_assert(!cert);
	chunk_free(&fp);
}
END_TEST

START_TEST(test_ca_mismatch)
{
	private_key_t *other_key;
	certificate_t *other, *cert;

	other_key = gt_rsa_key(1024);
	other = gt_cert(other_key, "C=CH, O=getcert, CN=Test SCEP CA", NULL,
					NULL, NULL, TRUE, 3600);
	params.ca_cert = other;
	ck_assert_int_eq(enroll(key, NULL, NULL, &cert, NULL),
					 GETCERT_ERR_CA_MISMATCH);
	ck_assert(!cert);
	/* nothing was sent after GetCACert */
	ck_assert_int_eq(ca->requests, 2);
	other->destroy(other);
	other_key->destroy(other_key);
}
END_TEST

START_TEST(test_renewal)
{
	certificate_t *first, *second;
	private_key_t *key2;

	ck_assert_int_eq(enroll(key, NULL, NULL, &first, NULL), GETCERT_OK);
	key2 = gt_rsa_key(1024);
	ck_assert_int_eq(enroll(key2, first, key, &second, NULL), GETCERT_OK);
	ck_assert_int_eq(ca->count[GETCERT_SCEP_RENEWAL_REQ], 1);
	/* signed with the current certificate */
	ck_assert(ca->last_signer->equals(ca->last_signer, first));
	ck_assert(getcert_check_issued(second, key2, ca->ca, identity, 0) ==
			  GETCERT_OK);
	first->destroy(first);
	second->destroy(second);
	key2->destroy(key2);
}
END_TEST

START_TEST(test_renewal_without_cap)
{
	certificate_t *first, *second;

	ca->destroy(ca);
	ca = gt_ca_create("AES\nSHA-256\nPOSTPKIOperation");
	params.ca_cert = ca->ca;
	ck_assert_int_eq(enroll(key, NULL, NULL, &first, NULL), GETCERT_OK);
	ck_assert_int_eq(enroll(key, first, key, &second, NULL), GETCERT_OK);
	/* a PKCSReq, but signed with the current certificate */
	ck_assert_int_eq(ca->count[GETCERT_SCEP_RENEWAL_REQ], 0);
	ck_assert_int_eq(ca->count[GETCERT_SCEP_PKCS_REQ], 2);
	ck_assert(ca->last_signer->equals(ca->last_signer, first));
	first->destroy(first);
	second->destroy(second);
}
END_TEST

START_TEST(test_renewal_fallback)
{
	certificate_t *first, *second;

	ck_assert_int_eq(enroll(key, NULL, NULL, &first, NULL), GETCERT_OK);
	ca->mode = GT_CA_REJECT_RENEWAL;
	ck_assert_int_eq(enroll(key, first, key, &second, NULL), GETCERT_OK);
	ck_assert_int_eq(ca->count[GETCERT_SCEP_RENEWAL_REQ], 1);
	ck_assert_int_eq(ca->count[GETCERT_SCEP_PKCS_REQ], 2);
	ck_assert(ca->last_signer->equals(ca->last_signer, first));
	ck_assert(gt_log_contains("retrying as PKCSReq signed with the current "
							  "certificate"));
	first->destroy(first);
	second->destroy(second);
}
END_TEST

START_TEST(test_renewal_same_cert)
{
	certificate_t *first, *second;

	ck_assert_int_eq(enroll(key, NULL, NULL, &first, NULL), GETCERT_OK);
	/* the CA answers the renewal with the current certificate */
	ca->mode = GT_CA_REISSUE_LAST;
	ck_assert_int_eq(enroll(key, first, key, &second, NULL),
					 GETCERT_ERR_NOT_RENEWED);
	ck_assert(!second);
	ck_assert_int_eq(ca->count[GETCERT_SCEP_RENEWAL_REQ], 1);
	ck_assert(gt_log_contains("returned the current certificate"));
	first->destroy(first);
}
END_TEST

START_TEST(test_renewal_older)
{
	certificate_t *first, *second;
	private_key_t *key2;

	ck_assert_int_eq(enroll(key, NULL, NULL, &first, NULL), GETCERT_OK);
	/* another certificate for the new key, but valid from before ours */
	ca->mode = GT_CA_OLDER;
	key2 = gt_rsa_key(1024);
	ck_assert_int_eq(enroll(key2, first, key, &second, NULL),
					 GETCERT_ERR_NOT_RENEWED);
	ck_assert(!second);
	ck_assert(gt_log_contains("not later than the current one"));
	ck_assert(!getcert_err_is_transient(GETCERT_ERR_NOT_RENEWED));
	first->destroy(first);
	key2->destroy(key2);
}
END_TEST

START_TEST(test_renewal_newer)
{
	certificate_t *first, *second;
	private_key_t *key2;
	time_t nb1, nb2;

	ck_assert_int_eq(enroll(key, NULL, NULL, &first, NULL), GETCERT_OK);
	key2 = gt_rsa_key(1024);
	ck_assert_int_eq(enroll(key2, first, key, &second, NULL), GETCERT_OK);
	ck_assert(second);
	first->get_validity(first, NULL, &nb1, NULL);
	second->get_validity(second, NULL, &nb2, NULL);
	ck_assert(nb2 > nb1);
	ck_assert(!chunk_equals(((x509_t*)first)->get_serial((x509_t*)first),
							((x509_t*)second)->get_serial((x509_t*)second)));
	ck_assert(!gt_log_contains("not later than the current one"));
	first->destroy(first);
	second->destroy(second);
	key2->destroy(key2);
}
END_TEST

START_TEST(test_pending)
{
	certificate_t *cert;
	getcert_enroll_t *engine;

	ca->pending = 3;
	engine = getcert_enroll_create(&ca->transport, &params);
	ck_assert_int_eq(engine->enroll(engine, key, NULL, NULL, &cert),
					 GETCERT_OK);
	ck_assert_int_eq(engine->get_polls(engine), 3);
	ck_assert_int_eq(ca->count[GETCERT_SCEP_CERT_POLL], 3);
	ck_assert(cert);
	cert->destroy(cert);
	engine->destroy(engine);
}
END_TEST

START_TEST(test_pending_forever)
{
	certificate_t *cert;

	ca->pending = 1000;
	params.poll_timeout = 4;
	ck_assert_int_eq(enroll(key, NULL, NULL, &cert, NULL),
					 GETCERT_ERR_PENDING);
	ck_assert(!cert);
	/* bounded: each poll counts at least a second */
	ck_assert_int_eq(ca->count[GETCERT_SCEP_CERT_POLL], 4);
	ck_assert(gt_log_contains("still PENDING"));
}
END_TEST

START_TEST(test_pending_deadline)
{
	certificate_t *cert;
	getcert_enroll_t *engine;
	timeval_t start, end;
	long ms;

	/* waits of 2s and 2s would overshoot 3s: the second one is clipped to
	 * 1s and the last poll is sent at the deadline. Real sleeps, measured
	 * on the monotonic clock the engine's deadline uses. */
	ca->pending = 1000;
	params.poll_timeout = 3;
	params.poll_interval = 2;
	params.poll_max = 2;
	engine = getcert_enroll_create(&ca->transport, &params);
	time_monotonic(&start);
	ck_assert_int_eq(engine->enroll(engine, key, NULL, NULL, &cert),
					 GETCERT_ERR_PENDING);
	time_monotonic(&end);
	ck_assert(!cert);
	ms = (end.tv_sec - start.tv_sec) * 1000 +
		 (end.tv_usec - start.tv_usec) / 1000;
	ck_assert(ms >= 2900);
	ck_assert(ms <= 3500);
	ck_assert_int_eq(engine->get_polls(engine), 2);
	ck_assert(gt_log_contains("polling in 2s"));
	ck_assert(gt_log_contains("polling in 1s"));
	ck_assert(gt_log_contains("still PENDING after 3s"));
	engine->destroy(engine);
}
END_TEST

/**
 * Cancel an engine after a moment, from another thread
 */
static void *cancel_later(getcert_enroll_t *engine)
{
	usleep(300000);
	engine->cancel(engine);
	return NULL;
}

START_TEST(test_pending_cancel)
{
	getcert_enroll_t *engine;
	certificate_t *cert;
	thread_t *thread;
	timeval_t start, end;

	ca->pending = 1000;
	params.poll_interval = 30;
	params.poll_max = 30;
	params.poll_timeout = 300;
	engine = getcert_enroll_create(&ca->transport, &params);
	thread = thread_create((thread_main_t)cancel_later, engine);
	time_monotonic(&start);
	ck_assert_int_eq(engine->enroll(engine, key, NULL, NULL, &cert),
					 GETCERT_ERR_CANCELLED);
	time_monotonic(&end);
	thread->join(thread);
	ck_assert(!cert);
	/* the 30 s wait before the first poll ended at once */
	ck_assert(end.tv_sec - start.tv_sec < 5);
	ck_assert_int_eq(ca->count[GETCERT_SCEP_CERT_POLL], 0);
	/* the caller logs the cancellation, the engine does not */
	ck_assert(!gt_log_contains("cancel"));
	/* and it stays cancelled */
	ck_assert_int_eq(engine->enroll(engine, key, NULL, NULL, &cert),
					 GETCERT_ERR_CANCELLED);
	ck_assert_int_eq(ca->count[GETCERT_SCEP_PKCS_REQ], 1);
	engine->destroy(engine);
}
END_TEST

START_TEST(test_cancel_before)
{
	getcert_enroll_t *engine;
	certificate_t *cert;

	engine = getcert_enroll_create(&ca->transport, &params);
	engine->cancel(engine);
	ck_assert_int_eq(engine->enroll(engine, key, NULL, NULL, &cert),
					 GETCERT_ERR_CANCELLED);
	ck_assert(!cert);
	/* nothing was sent */
	ck_assert_int_eq(ca->requests, 0);
	engine->destroy(engine);
}
END_TEST

START_TEST(test_fail_info)
{
	certificate_t *cert;
	getcert_scep_fail_t fail;

	ca->mode = GT_CA_FAIL;
	ca->fail = _i;
	ck_assert_int_eq(enroll(key, NULL, NULL, &cert, &fail),
					 GETCERT_ERR_REJECTED);
	ck_assert(!cert);
	ck_assert_int_eq(fail, _i);
	/* no retry, in particular no algorithm downgrade after badAlg */
	ck_assert_int_eq(ca->count[GETCERT_SCEP_PKCS_REQ], 1);
	ck_assert_int_eq(ca->requests, 3);
	ck_assert(gt_log_contains(_i == GETCERT_SCEP_FAIL_NONE ? "no failInfo given"
						: _i == GETCERT_SCEP_BAD_ALG ? "badAlg" : "rejected"));
}
END_TEST

static struct {
	gt_ca_mode_t mode;
	getcert_err_t err;
} misbehaviour[] = {
	{ GT_CA_WRONG_SIGNER,	GETCERT_ERR_SIGNATURE },
	{ GT_CA_WRONG_TRANSID,	GETCERT_ERR_TRANSACTION },
	{ GT_CA_WRONG_NONCE,	GETCERT_ERR_NONCE },
	{ GT_CA_WRONG_KEY,		GETCERT_ERR_CERT_KEY },
	{ GT_CA_WRONG_IDENTITY,	GETCERT_ERR_CERT_IDENTITY },
	{ GT_CA_WRONG_CHAIN,	GETCERT_ERR_CERT_CHAIN },
	{ GT_CA_WRONG_EKU,		GETCERT_ERR_CERT_IDENTITY },
	{ GT_CA_EXPIRED,		GETCERT_ERR_CERT_VALIDITY },
	{ GT_CA_NO_ENVELOPE,	GETCERT_ERR_ENVELOPE },
	{ GT_CA_EMPTY_ENVELOPE,	GETCERT_ERR_ENVELOPE },
	{ GT_CA_NOT_CERTREP,	GETCERT_ERR_PROTOCOL },
	{ GT_CA_BAD_STATUS,		GETCERT_ERR_PROTOCOL },
	{ GT_CA_GARBAGE,		GETCERT_ERR_MALFORMED },
};

START_TEST(test_misbehaviour)
{
	certificate_t *cert;

	ca->mode = misbehaviour[_i].mode;
	ck_assert_int_eq(enroll(key, NULL, NULL, &cert, NULL),
					 misbehaviour[_i].err);
	ck_assert(!cert);
}
END_TEST

START_TEST(test_ra)
{
	getcert_enroll_t *engine;
	certificate_t *cert;

	/* the RA decrypts requests and signs replies */
	ca->use_ra = TRUE;
	engine = getcert_enroll_create(&ca->transport, &params);
	ck_assert_int_eq(engine->enroll(engine, key, NULL, NULL, &cert),
					 GETCERT_OK);
	ck_assert(engine->get_ca_cert(engine)->equals(engine->get_ca_cert(engine),
												  ca->ca));
	ck_assert(cert->issued_by(cert, ca->ca, NULL));
	cert->destroy(cert);
	engine->destroy(engine);
}
END_TEST

START_TEST(test_ra_unauthenticated)
{
	certificate_t *cert;

	/* over an unauthenticated connection an RA that is not pinned is not
	 * believed: the request goes to the CA, which can not decrypt it as
	 * the RA would */
	ca->use_ra = TRUE;
	ca->unauthenticated = TRUE;
	ck_assert(enroll(key, NULL, NULL, &cert, NULL) != GETCERT_OK);
	ck_assert(!cert);
	ck_assert(gt_log_contains("the server is not authenticated and the RA "
							  "is not pinned"));
	ck_assert_int_eq(ca->count[GETCERT_SCEP_PKCS_REQ], 0);
}
END_TEST

START_TEST(test_ra_pinned)
{
	certificate_t *cert;
	chunk_t fp, other = chunk_from_chars(
		0x01,0x02,0x03,0x04,0x05,0x06,0x07,0x08,0x09,0x0a,0x0b,0x0c,0x0d,0x0e,
		0x0f,0x10,0x11,0x12,0x13,0x14,0x15,0x16,0x17,0x18,0x19,0x1a,0x1b,0x1c,
		0x1d,0x1e,0x1f,0x20);

	ca->use_ra = TRUE;
	ca->unauthenticated = TRUE;
	ck_assert(getcert_x509_fingerprint(ca->ra, &fp));
	/* one of several pins */
	params.ra_fingerprints = chunk_cat("cm", other, fp);
	ck_assert_int_eq(enroll(key, NULL, NULL, &cert, NULL), GETCERT_OK);
	ck_assert(cert->issued_by(cert, ca->ca, NULL));
	cert->destroy(cert);
	chunk_free(&params.ra_fingerprints);
}
END_TEST

/**
 * Certificates of the kind issued to users, offered as RA next to the CA
 */
static struct {
	u_int ku;
	u_int flags;
} user_like[] = {
	/* no keyUsage at all */
	{ 0, X509_CLIENT_AUTH },
	/* digitalSignature only, as getcertd issues */
	{ GETCERT_KU_DIGITAL_SIGNATURE, X509_CLIENT_AUTH },
	{ GETCERT_KU_DIGITAL_SIGNATURE, X509_NONE },
	/* keyEncipherment, but a user's extended key usage */
	{ GETCERT_KU_DIGITAL_SIGNATURE | GETCERT_KU_KEY_ENCIPHERMENT,
	  X509_CLIENT_AUTH },
	{ GETCERT_KU_KEY_ENCIPHERMENT, X509_IKE_INTERMEDIATE | X509_CLIENT_AUTH },
};

START_TEST(test_ra_user_cert)
{
	private_key_t *user_key;
	certificate_t *cert;

	/* a user certificate issued by the CA injected into GetCACert over an
	 * authenticated connection: never an RA, nothing is encrypted to it
	 * (the CA decrypts, so the enrollment works) and it signs nothing */
	user_key = gt_rsa_key(1024);
	ca->extra = gt_cert_usage(user_key, "C=CH, O=getcert, CN=mallory",
							  ca->key, ca->ca, user_like[_i].ku,
							  user_like[_i].flags);
	ck_assert(ca->extra);
	ck_assert_int_eq(enroll(key, NULL, NULL, &cert, NULL), GETCERT_OK);
	ck_assert(gt_log_contains("not an RA"));
	cert->destroy(cert);
	user_key->destroy(user_key);
}
END_TEST

START_TEST(test_ra_role)
{
	certificate_t *cert;

	/* an RA without digitalSignature receives requests (the test CA
	 * decrypts them with the RA key) but its CertReps are not believed */
	ca->use_ra = TRUE;
	ca->ra->destroy(ca->ra);
	ca->ra = gt_cert_usage(ca->ra_key, "C=CH, O=getcert, CN=Test SCEP RA",
						   ca->key, ca->ca, GETCERT_KU_KEY_ENCIPHERMENT,
						   X509_NONE);
	ck_assert(ca->ra);
	ck_assert_int_eq(enroll(key, NULL, NULL, &cert, NULL),
					 GETCERT_ERR_SIGNATURE);
	ck_assert(!cert);
}
END_TEST

START_TEST(test_anchor_on_trust)
{
	certificate_t *cert;

	/* pinned by fingerprint only: the transport anchors TLS to the CA once
	 * it matched, capabilities and certificates are fetched again, and only
	 * then the RA counts */
	ca->use_ra = TRUE;
	ca->unauthenticated = TRUE;
	ca->anchor_on_trust = TRUE;
	ck_assert_int_eq(enroll(key, NULL, NULL, &cert, NULL), GETCERT_OK);
	ck_assert_int_eq(ca->trust_calls, 2);
	/* GetCACaps and GetCACert twice, one PKCSReq */
	ck_assert_int_eq(ca->requests, 5);
	ck_assert(gt_log_contains("fetching capabilities and certificates "
							  "again"));
	cert->destroy(cert);
}
END_TEST

START_TEST(test_reply_policy)
{
	certificate_t *cert;

	/* CertReps follow the request policy: SHA-1 signatures and DES/3DES
	 * envelopes only where allowed */
	switch (_i)
	{
		case 0:
			ca->reply_sha1 = TRUE;
			break;
		case 1:
			ca->reply_enc = ENCR_3DES;
			break;
		default:
			ca->reply_enc = ENCR_DES;
			break;
	}
	ck_assert_int_eq(enroll(key, NULL, NULL, &cert, NULL), GETCERT_ERR_POLICY);
	ck_assert(!cert);
	switch (_i)
	{
		case 0:
			params.allow_sha1 = TRUE;
			break;
		case 1:
			params.allow_des3 = TRUE;
			break;
		default:
			/* allowing 3DES does not allow single DES */
			params.allow_des3 = TRUE;
			ck_assert_int_eq(enroll(key, NULL, NULL, &cert, NULL),
							 GETCERT_ERR_POLICY);
			params.allow_des = TRUE;
			break;
	}
	ck_assert_int_eq(enroll(key, NULL, NULL, &cert, NULL), GETCERT_OK);
	cert->destroy(cert);
}
END_TEST

START_TEST(test_rsa_encryption_oid)
{
	certificate_t *cert;

	/* signature algorithm given as rsaEncryption, as some servers do */
	ca->rsa_oid = TRUE;
	ck_assert_int_eq(enroll(key, NULL, NULL, &cert, NULL), GETCERT_OK);
	cert->destroy(cert);
}
END_TEST

START_TEST(test_clock_skew)
{
	certificate_t *cert;

	/* valid from 30 minutes from now: our clock is behind */
	ca->mode = GT_CA_FUTURE;
	params.max_skew = 3600;
	ck_assert_int_eq(enroll(key, NULL, NULL, &cert, NULL), GETCERT_OK);
	ck_assert(gt_log_contains("our clock is about 1800s behind"));
	cert->destroy(cert);
	params.max_skew = 60;
	ck_assert_int_eq(enroll(key, NULL, NULL, &cert, NULL),
					 GETCERT_ERR_CERT_VALIDITY);
}
END_TEST

START_TEST(test_policy)
{
	certificate_t *cert;

	/* a server with DES3 and SHA-1 only */
	ca->destroy(ca);
	ca = gt_ca_create("DES3\nSHA-1\nPOSTPKIOperation");
	params.ca_cert = ca->ca;
	ck_assert_int_eq(enroll(key, NULL, NULL, &cert, NULL), GETCERT_ERR_POLICY);
	ck_assert_int_eq(ca->requests, 2);
	params.allow_des3 = TRUE;
	ck_assert_int_eq(enroll(key, NULL, NULL, &cert, NULL), GETCERT_ERR_POLICY);
	params.allow_sha1 = TRUE;
	ck_assert_int_eq(enroll(key, NULL, NULL, &cert, NULL), GETCERT_OK);
	cert->destroy(cert);
}
END_TEST

START_TEST(test_get_cert_crl)
{
	getcert_enroll_t *engine;
	certificate_t *cert, *fetched, *crl;
	x509_t *x509;

	engine = getcert_enroll_create(&ca->transport, &params);
	ck_assert_int_eq(engine->enroll(engine, key, NULL, NULL, &cert),
					 GETCERT_OK);
	x509 = (x509_t*)cert;
	ck_assert_int_eq(engine->get_cert(engine, cert, key,
						x509->get_serial(x509), &fetched), GETCERT_OK);
	ck_assert(fetched->equals(fetched, cert));
	ck_assert_int_eq(ca->count[GETCERT_SCEP_GET_CERT], 1);
	ck_assert_int_eq(engine->get_crl(engine, cert, key, &crl), GETCERT_OK);
	ck_assert_int_eq(crl->get_type(crl), CERT_X509_CRL);
	ck_assert_int_eq(ca->count[GETCERT_SCEP_GET_CRL], 1);
	crl->destroy(crl);
	fetched->destroy(fetched);
	cert->destroy(cert);
	engine->destroy(engine);
}
END_TEST

START_TEST(test_requests_first_renewal)
{
	getcert_enroll_t *engine;
	certificate_t *first, *second;
	private_key_t *key2;

	/* the server asks PKCSReqs for a password, as getcertd does */
	ca->http_auth = TRUE;
	engine = getcert_enroll_create(&ca->transport, &params);
	ck_assert_int_eq(engine->enroll(engine, key, NULL, NULL, &first),
					 GETCERT_OK);
	/* GetCACaps, GetCACert, PKCSReq with the password: no 401 round */
	ck_assert_int_eq(ca->requests, 3);
	ck_assert_int_eq(ca->preauths, 1);
	ck_assert_int_eq(ca->auth_401s, 0);
	ck_assert_int_eq(ca->count[GETCERT_SCEP_PKCS_REQ], 1);

	/* the renewal on the same engine: the RenewalReq only, no password */
	ca->credentials = FALSE;
	key2 = gt_rsa_key(1024);
	ck_assert_int_eq(engine->enroll(engine, key2, first, key, &second),
					 GETCERT_OK);
	ck_assert_int_eq(ca->requests, 4);
	ck_assert_int_eq(ca->count[GETCERT_SCEP_RENEWAL_REQ], 1);
	ck_assert_int_eq(ca->preauths, 1);
	ck_assert_int_eq(ca->auth_401s, 0);
	ck_assert(!ca->credentials);
	ck_assert(ca->last_signer->equals(ca->last_signer, first));
	first->destroy(first);
	second->destroy(second);
	key2->destroy(key2);
	engine->destroy(engine);
}
END_TEST

START_TEST(test_requests_no_preauth)
{
	getcert_enroll_t *engine;
	certificate_t *cert;

	/* a transport that does not send the password ahead: the 401 round */
	ca->http_auth = TRUE;
	ca->transport.preauth = NULL;
	engine = getcert_enroll_create(&ca->transport, &params);
	ck_assert_int_eq(engine->enroll(engine, key, NULL, NULL, &cert),
					 GETCERT_OK);
	ck_assert_int_eq(ca->requests, 4);
	ck_assert_int_eq(ca->auth_401s, 1);
	ck_assert_int_eq(ca->preauths, 0);
	cert->destroy(cert);
	engine->destroy(engine);
}
END_TEST

START_TEST(test_requests_unauthenticated)
{
	getcert_enroll_t *engine;
	certificate_t *cert;

	/* never ahead to a server that is not authenticated (plain HTTP):
	 * the test CA's preauth() refuses as getcert_curl_t's does */
	ca->http_auth = TRUE;
	ca->unauthenticated = TRUE;
	engine = getcert_enroll_create(&ca->transport, &params);
	ck_assert_int_eq(engine->enroll(engine, key, NULL, NULL, &cert),
					 GETCERT_OK);
	ck_assert_int_eq(ca->preauths, 0);
	ck_assert_int_eq(ca->auth_401s, 1);
	cert->destroy(cert);
	engine->destroy(engine);
}
END_TEST

START_TEST(test_renewal_new_ra)
{
	getcert_enroll_t *engine;
	certificate_t *first, *second;
	private_key_t *key2;

	ca->use_ra = TRUE;
	engine = getcert_enroll_create(&ca->transport, &params);
	ck_assert_int_eq(engine->enroll(engine, key, NULL, NULL, &first),
					 GETCERT_OK);
	ck_assert_int_eq(ca->requests, 3);

	/* the CA rolls its RA over: the request encrypted to the old one and
	 * the reply signed by the new one fail, the engine fetches caps and
	 * certificates again and sends the renewal once more */
	ca->ra->destroy(ca->ra);
	ca->ra_key->destroy(ca->ra_key);
	ca->ra_key = gt_rsa_key(1024);
	ca->ra = gt_cert_usage(ca->ra_key, "C=CH, O=getcert, CN=Test SCEP RA 2",
						   ca->key, ca->ca, GETCERT_KU_DIGITAL_SIGNATURE |
						   GETCERT_KU_KEY_ENCIPHERMENT, X509_NONE);
	key2 = gt_rsa_key(1024);
	ck_assert_int_eq(engine->enroll(engine, key2, first, key, &second),
					 GETCERT_OK);
	ck_assert(gt_log_contains("fetching them again"));
	/* RenewalReq, GetCACaps, GetCACert, RenewalReq */
	ck_assert_int_eq(ca->requests, 7);
	ck_assert(getcert_check_issued(second, key2, ca->ca, identity, 0) ==
			  GETCERT_OK);

	/* and the next renewal goes out with the new RA at once */
	first->destroy(first);
	first = second;
	key->destroy(key);
	key = key2;
	key2 = gt_rsa_key(1024);
	ck_assert_int_eq(engine->enroll(engine, key2, first, key, &second),
					 GETCERT_OK);
	ck_assert_int_eq(ca->requests, 8);
	first->destroy(first);
	second->destroy(second);
	key2->destroy(key2);
	engine->destroy(engine);
}
END_TEST

START_TEST(test_renewal_rejected_not_refetched)
{
	getcert_enroll_t *engine;
	certificate_t *first, *second;
	private_key_t *key2;

	engine = getcert_enroll_create(&ca->transport, &params);
	ck_assert_int_eq(engine->enroll(engine, key, NULL, NULL, &first),
					 GETCERT_OK);
	/* a plain rejection is not a sign of outdated certificates */
	ca->mode = GT_CA_FAIL;
	ca->fail = GETCERT_SCEP_BAD_REQUEST;
	key2 = gt_rsa_key(1024);
	ck_assert_int_eq(engine->enroll(engine, key2, first, key, &second),
					 GETCERT_ERR_REJECTED);
	/* RenewalReq, PKCSReq signed with the current certificate */
	ck_assert_int_eq(ca->requests, 5);
	first->destroy(first);
	key2->destroy(key2);
	engine->destroy(engine);
}
END_TEST

Suite *enroll_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("enrollment engine");

	tc = tcase_create("enroll");
	tcase_add_checked_fixture(tc, setup_enroll, teardown_enroll);
	tcase_add_test(tc, test_enroll);
	tcase_add_test(tc, test_enroll_get);
	tcase_add_test(tc, test_fingerprint_pin);
	tcase_add_test(tc, test_ca_mismatch);
	tcase_add_test(tc, test_ra);
	tcase_add_test(tc, test_ra_unauthenticated);
	tcase_add_test(tc, test_ra_pinned);
	tcase_add_loop_test(tc, test_ra_user_cert, 0, countof(user_like));
	tcase_add_test(tc, test_ra_role);
	tcase_add_test(tc, test_anchor_on_trust);
	tcase_add_loop_test(tc, test_reply_policy, 0, 3);
	tcase_add_test(tc, test_rsa_encryption_oid);
	tcase_add_test(tc, test_clock_skew);
	tcase_add_test(tc, test_policy);
	tcase_add_test(tc, test_get_cert_crl);
	suite_add_tcase(s, tc);

	tc = tcase_create("renewal");
	tcase_add_checked_fixture(tc, setup_enroll, teardown_enroll);
	tcase_add_test(tc, test_renewal);
	tcase_add_test(tc, test_renewal_without_cap);
	tcase_add_test(tc, test_renewal_fallback);
	tcase_add_test(tc, test_renewal_same_cert);
	tcase_add_test(tc, test_renewal_older);
	tcase_add_test(tc, test_renewal_newer);
	tcase_add_test(tc, test_renewal_new_ra);
	tcase_add_test(tc, test_renewal_rejected_not_refetched);
	suite_add_tcase(s, tc);

	tc = tcase_create("requests");
	tcase_add_checked_fixture(tc, setup_enroll, teardown_enroll);
	tcase_add_test(tc, test_requests_first_renewal);
	tcase_add_test(tc, test_requests_no_preauth);
	tcase_add_test(tc, test_requests_unauthenticated);
	suite_add_tcase(s, tc);

	tc = tcase_create("pending");
	tcase_add_checked_fixture(tc, setup_enroll, teardown_enroll);
	tcase_add_test(tc, test_pending);
	tcase_add_test(tc, test_pending_forever);
	tcase_add_test(tc, test_pending_cancel);
	tcase_add_test(tc, test_cancel_before);
	tcase_add_test(tc, test_pending_deadline);
	tcase_set_timeout(tc, 10);
	suite_add_tcase(s, tc);

	tc = tcase_create("failures");
	tcase_add_checked_fixture(tc, setup_enroll, teardown_enroll);
	tcase_add_loop_test(tc, test_fail_info, GETCERT_SCEP_BAD_ALG,
						GETCERT_SCEP_FAIL_NONE + 1);
	tcase_add_loop_test(tc, test_misbehaviour, 0, countof(misbehaviour));
	suite_add_tcase(s, tc);

	return s;
}

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

#include <getcert_scep.h>
#include <getcert_cms_signed.h>
#include <getcert_cms_enveloped.h>
#include <getcert_test_certs.h>

#include <asn1/oid.h>

static private_key_t *ca_key, *key;
static certificate_t *ca, *self;
static linked_list_t *trusted;
static getcert_scep_request_t req;
static u_char nonce_bytes[16] = {0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15};

START_SETUP(setup_scep)
{
	ca_key = gt_rsa_key(1024);
	key = gt_rsa_key(1024);
	ca = gt_cert(ca_key, "CN=SCEP CA", NULL, NULL, NULL, TRUE, 3600);
	self = gt_cert(key, "CN=carol", NULL, NULL, NULL, FALSE, 3600);
	ck_assert(ca && self);
	trusted = linked_list_create_with_items(ca, NULL);
	req = (getcert_scep_request_t){
		.type = GETCERT_SCEP_PKCS_REQ,
		.data = chunk_from_str("a CSR"),
		.transid = chunk_from_str("ABCDEF0123"),
		.nonce = chunk_from_thing(nonce_bytes),
		.recipient = ca,
		.enc_alg = ENCR_AES_CBC,
		.enc_key_size = 128,
		.signer = self,
		.key = key,
		.digest = HASH_SHA256,
	};
}
END_SETUP

START_TEARDOWN(teardown_scep)
{
	trusted->destroy(trusted);
	ca->destroy(ca);
	self->destroy(self);
	ca_key->destroy(ca_key);
	key->destroy(key);
}
END_TEARDOWN

START_TEST(test_request)
{
	getcert_cms_t *cms;
	linked_list_t *signers;
	chunk_t msg, value, plain;

	msg = getcert_scep_build_request(&req);
	ck_assert(msg.len);
	cms = getcert_cms_parse(msg);
	ck_assert(cms);
	signers = linked_list_create_with_items(self, NULL);
	ck_assert(cms->verify(cms, signers, NULL));
	signers->destroy(signers);
	ck_assert(cms->get_attribute(cms, OID_PKI_MESSAGE_TYPE,
								 ASN1_PRINTABLESTRING, &value));
	ck_assert_chunk_eq(value, chunk_from_str("19"));
	ck_assert(cms->get_attribute(cms, OID_PKI_TRANS_ID, ASN1_PRINTABLESTRING,
								 &value));
	ck_assert_chunk_eq(value, req.transid);
	ck_assert(cms->get_attribute(cms, OID_PKI_SENDER_NONCE, ASN1_OCTET_STRING,
								 &value));
	ck_assert_chunk_eq(value, req.nonce);
	ck_assert(getcert_cms_decrypt(cms->get_content(cms), ca, ca_key,
								  GETCERT_CMS_AES_ONLY, chunk_empty,
								  &plain) == GETCERT_OK);
	ck_assert_chunk_eq(plain, req.data);
	chunk_free(&plain);
	cms->destroy(cms);
	chunk_free(&msg);
}
END_TEST

START_TEST(test_success)
{
	getcert_scep_reply_t reply;
	chunk_t msg;

	msg = getcert_scep_build_certrep(&req, GETCERT_SCEP_SUCCESS,
									 GETCERT_SCEP_FAIL_NONE,
									 chunk_from_str("issued"), ENCR_AES_CBC,
									 128, ca, ca_key, HASH_SHA256, FALSE);
	ck_assert_int_eq(getcert_scep_parse_reply(msg, &req, trusted, &reply),
					 GETCERT_OK);
	ck_assert_int_eq(reply.status, GETCERT_SCEP_SUCCESS);
	ck_assert_chunk_eq(reply.data, chunk_from_str("issued"));
	ck_assert(reply.signer == ca);
	chunk_free(&reply.data);
	chunk_free(&msg);
}
END_TEST

START_TEST(test_fail_info)
{
	getcert_scep_reply_t reply;
	chunk_t msg;

	/* every failInfo, and none */
	msg = getcert_scep_build_certrep(&req, GETCERT_SCEP_FAILURE, _i,
									 chunk_empty, ENCR_AES_CBC, 128, ca, ca_key,
									 HASH_SHA256, FALSE);
	ck_assert_int_eq(getcert_scep_parse_reply(msg, &req, trusted, &reply),
					 GETCERT_OK);
	ck_assert_int_eq(reply.status, GETCERT_SCEP_FAILURE);
	ck_assert_int_eq(reply.fail, _i);
	ck_assert(!reply.data.len);
	chunk_free(&msg);
}
END_TEST

START_TEST(test_pending)
{
	getcert_scep_reply_t reply;
	chunk_t msg;

	msg = getcert_scep_build_certrep(&req, GETCERT_SCEP_PENDING,
									 GETCERT_SCEP_FAIL_NONE, chunk_empty,
									 ENCR_AES_CBC, 128, ca, ca_key, HASH_SHA256,
									 FALSE);
	ck_assert_int_eq(getcert_scep_parse_reply(msg, &req, trusted, &reply),
					 GETCERT_OK);
	ck_assert_int_eq(reply.status, GETCERT_SCEP_PENDING);
	chunk_free(&msg);
}
END_TEST

/**
 * Sign a CertRep with arbitrary SCEP attribute values
 */
static chunk_t odd(char *type, char *status, char *fail, chunk_t transid,
				   chunk_t nonce, chunk_t envelope)
{
	chunk_t attrs, msg, a[6];

	/* chunk_cat() evaluates its arguments twice, build them first */
	a[0] = getcert_cms_attribute(OID_PKI_MESSAGE_TYPE,
			asn1_wrap(ASN1_PRINTABLESTRING, "c", chunk_from_str(type)));
	a[1] = getcert_cms_attribute(OID_PKI_STATUS,
			asn1_wrap(ASN1_PRINTABLESTRING, "c", chunk_from_str(status)));
	a[2] = getcert_cms_attribute(OID_PKI_TRANS_ID,
			asn1_wrap(ASN1_PRINTABLESTRING, "c", transid));
	a[3] = getcert_cms_attribute(OID_PKI_RECIPIENT_NONCE,
			asn1_wrap(ASN1_OCTET_STRING, "c", nonce));
	a[4] = getcert_cms_attribute(OID_PKI_SENDER_NONCE,
			asn1_wrap(ASN1_OCTET_STRING, "c", req.nonce));
	a[5] = fail ? getcert_cms_attribute(OID_PKI_FAIL_INFO,
			asn1_wrap(ASN1_PRINTABLESTRING, "c", chunk_from_str(fail)))
				: chunk_empty;
	attrs = chunk_cat("mmmmmm", a[0], a[1], a[2], a[3], a[4], a[5]);
	msg = getcert_cms_build_signed(envelope, attrs, ca, ca_key, HASH_SHA256,
								   FALSE);
	chunk_free(&attrs);
	return msg;
}

START_TEST(test_invalid)
{
	chunk_t msg, other = chunk_from_str("OTHER"), envelope;
	chunk_t nonce = chunk_from_chars(9,9,9,9,9,9,9,9,9,9,9,9,9,9,9,9);
	private_key_t *other_key;
	certificate_t *other_ca;
	getcert_err_t expected;
	getcert_scep_reply_t reply;

	envelope = getcert_cms_build_enveloped(chunk_from_str("x"), self,
										   ENCR_AES_CBC, 128);
	switch (_i)
	{
		case 0:
			msg = odd("3", "0", NULL, other, req.nonce, envelope);
			expected = GETCERT_ERR_TRANSACTION;
			break;
		case 1:
			msg = odd("3", "0", NULL, req.transid, nonce, envelope);
			expected = GETCERT_ERR_NONCE;
			break;
		case 2:
			msg = odd("19", "0", NULL, req.transid, req.nonce, envelope);
			expected = GETCERT_ERR_PROTOCOL;
			break;
		case 3:
			msg = odd("3", "1", NULL, req.transid, req.nonce, chunk_empty);
			expected = GETCERT_ERR_PROTOCOL;
			break;
		case 4:
			msg = odd("3", "2", "5", req.transid, req.nonce, chunk_empty);
			expected = GETCERT_ERR_PROTOCOL;
			break;
		case 5:
			msg = odd("3", "0", NULL, req.transid, req.nonce, chunk_empty);
			expected = GETCERT_ERR_ENVELOPE;
			break;
		case 6:
			/* envelope for someone else */
			chunk_free(&envelope);
			envelope = getcert_cms_build_enveloped(chunk_from_str("x"), ca,
												   ENCR_AES_CBC, 128);
			msg = odd("3", "0", NULL, req.transid, req.nonce, envelope);
			expected = GETCERT_ERR_ENVELOPE;
			break;
		case 7:
			other_key = gt_rsa_key(1024);
			other_ca = gt_cert(other_key, "CN=SCEP CA", NULL, NULL, NULL,
							   TRUE, 3600);
			msg =
				getcert_scep_build_certrep(&req, GETCERT_SCEP_PENDING,
										   GETCERT_SCEP_FAIL_NONE, chunk_empty,
										   ENCR_AES_CBC, 128, other_ca,
										   other_key, HASH_SHA256, FALSE);
			other_ca->destroy(other_ca);
			other_key->destroy(other_key);
			expected = GETCERT_ERR_SIGNATURE;
			break;
		case 8:
			msg = chunk_clone(chunk_from_chars(0x30,0x80,0x00,0x00));
			expected = GETCERT_ERR_MALFORMED;
			break;
		default:
			/* the request itself is no reply: signer not trusted */
			msg = getcert_scep_build_request(&req);
			expected = GETCERT_ERR_SIGNATURE;
			break;
	}
	ck_assert_int_eq(getcert_scep_parse_reply(msg, &req, trusted, &reply),
					 expected);
	ck_assert(!reply.data.len);
	chunk_free(&envelope);
	chunk_free(&msg);
}
END_TEST

START_TEST(test_parse_request_undecryptable)
{
	getcert_scep_request_t parsed;
	chunk_t msg, env, ktri, cek = chunk_from_chars(1,2,3,4,5,6,7,8,9,10,11,
												   12,13,14,15,16);
	chunk_t secret = chunk_from_chars(0x42);
	getcert_err_t err;

	/* 0: a valid request, 1: an encrypted key that is not PKCS#1 */
	ktri = getcert_cms_build_ktri(ca, chunk_from_chars(0x00, 0x55, 0x01));
	env = _i ? getcert_cms_build_enveloped_with(req.data, ENCR_AES_CBC, 128,
											cek, ktri, TRUE)
			 : getcert_cms_build_enveloped(req.data, ca, ENCR_AES_CBC, 128);
	ck_assert(env.len);
	msg = getcert_scep_sign_request(&req, env);
	ck_assert(msg.len);
	/* 1: decrypted with a substitute key (implicit rejection), whose padding
	 * is wrong, except by chance (about 1 in 256, the encrypted key is
	 * random): then the content is garbage */
	err = getcert_scep_parse_request(msg, ca, ca_key, FALSE, secret, &parsed);
	ck_assert(err == (_i ? GETCERT_ERR_DECRYPT : GETCERT_OK) ||
			  (_i && err == GETCERT_OK));
	/* what the server needs to answer it: all but the content */
	ck_assert_int_eq(parsed.type, GETCERT_SCEP_PKCS_REQ);
	ck_assert_chunk_eq(parsed.transid, req.transid);
	ck_assert_chunk_eq(parsed.nonce, req.nonce);
	ck_assert(parsed.signer && parsed.signer->equals(parsed.signer, self));
	if (_i && err == GETCERT_ERR_DECRYPT)
	{
		ck_assert(!parsed.data.len);
	}
	else if (_i)
	{
		ck_assert(!chunk_equals(parsed.data, req.data));
	}
	else
	{
		ck_assert_chunk_eq(parsed.data, req.data);
	}
	getcert_scep_request_clear(&parsed);
	chunk_free(&msg);
	chunk_free(&env);
	chunk_free(&ktri);
}
END_TEST

START_TEST(test_ca_certs)
{
	linked_list_t *certs, *list;
	certificate_t *ra;
	private_key_t *ra_key;
	chunk_t der, p7;

	certs = linked_list_create();
	ck_assert(ca->get_encoding(ca, CERT_ASN1_DER, &der));
	ck_assert(
		getcert_scep_parse_ca_certs(der, "application/x-x509-ca-cert", certs));
	ck_assert(getcert_scep_parse_ca_certs(der, NULL, certs));
	ck_assert_int_eq(certs->get_count(certs), 2);
	ck_assert(
		!getcert_scep_parse_ca_certs(chunk_from_str("junk"), NULL, certs));
	ck_assert(!getcert_scep_parse_ca_certs(chunk_empty, NULL, certs));
	ck_assert(!getcert_scep_parse_ca_certs(der, "application/x-x509-ca-ra-cert",
								   certs));
	chunk_free(&der);
	certs->destroy_offset(certs, offsetof(certificate_t, destroy));

	ra_key = gt_rsa_key(1024);
	ra = gt_cert(ra_key, "CN=SCEP RA", NULL, ca_key, ca, FALSE, 3600);
	list = linked_list_create_with_items(ca, ra, NULL);
	p7 = getcert_cms_build_certs_only(list);
	list->destroy(list);
	certs = linked_list_create();
	ck_assert(getcert_scep_parse_ca_certs(p7, "application/x-x509-ca-ra-cert",
								  certs));
	ck_assert(getcert_scep_parse_ca_certs(p7, "text/plain", certs));
	ck_assert_int_eq(certs->get_count(certs), 4);
	certs->destroy_offset(certs, offsetof(certificate_t, destroy));
	chunk_free(&p7);
	ra->destroy(ra);
	ra_key->destroy(ra_key);
}
END_TEST

Suite *scep_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("SCEP messages");

	tc = tcase_create("messages");
	tcase_add_checked_fixture(tc, setup_scep, teardown_scep);
	tcase_add_test(tc, test_request);
	tcase_add_test(tc, test_success);
	tcase_add_loop_test(tc, test_fail_info, GETCERT_SCEP_BAD_ALG,
						GETCERT_SCEP_FAIL_NONE + 1);
	tcase_add_test(tc, test_pending);
	tcase_add_loop_test(tc, test_invalid, 0, 10);
	tcase_add_test(tc, test_ca_certs);
	tcase_add_loop_test(tc, test_parse_request_undecryptable, 0, 2);
	suite_add_tcase(s, tc);

	return s;
}

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

/*
 * libFuzzer target: getcert_scep_parse_reply() on a CertRep answering a fixed
 * request (fixed transactionID and senderNonce, signed with the fixed
 * self-signed client certificate), trusting the fixed CA.
 */

#include "fuzz_common.h"

#include <getcert_scep.h>
#include <getcert_cms_signed.h>
#include <getcert_cms_enveloped.h>

#include <asn1/asn1.h>
#include <asn1/oid.h>

#define TRANSID "2F3C88B9C2E1F0A7D8E9B6A5C4D3E2F1"

static u_char nonce[16] = {
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };

static getcert_scep_request_t req;
static linked_list_t *trusted;

/**
 * Build an authentic CertRep (signed by the CA, matching transactionID
 * and recipientNonce) with the given, maybe invalid, attribute values
 */
static chunk_t bad_certrep(char *type, char *status, char *fail,
						   bool sender_nonce)
{
	chunk_t attrs = chunk_empty, attr, msg;

	/* chunk_cat() evaluates its arguments twice, build them first */
	attr = getcert_cms_attribute(OID_PKI_MESSAGE_TYPE,
				asn1_wrap(ASN1_PRINTABLESTRING, "c", chunk_from_str(type)));
	attrs = chunk_cat("mm", attrs, attr);
	attr = getcert_cms_attribute(OID_PKI_TRANS_ID,
				asn1_wrap(ASN1_PRINTABLESTRING, "c", req.transid));
	attrs = chunk_cat("mm", attrs, attr);
	attr = getcert_cms_attribute(OID_PKI_RECIPIENT_NONCE,
				asn1_wrap(ASN1_OCTET_STRING, "c", req.nonce));
	attrs = chunk_cat("mm", attrs, attr);
	if (sender_nonce)
	{
		attr = getcert_cms_attribute(OID_PKI_SENDER_NONCE,
				asn1_wrap(ASN1_OCTET_STRING, "c",
						  chunk_from_str("sender nonce 16b")));
		attrs = chunk_cat("mm", attrs, attr);
	}
	attr = getcert_cms_attribute(OID_PKI_STATUS,
				asn1_wrap(ASN1_PRINTABLESTRING, "c", chunk_from_str(status)));
	attrs = chunk_cat("mm", attrs, attr);
	if (fail)
	{
		attr = getcert_cms_attribute(OID_PKI_FAIL_INFO,
				asn1_wrap(ASN1_PRINTABLESTRING, "c", chunk_from_str(fail)));
		attrs = chunk_cat("mm", attrs, attr);
	}
	msg = fuzz_build_signed(chunk_empty, attrs, fx.ca, fx.ca_key, HASH_SHA256,
							FALSE, chunk_empty);
	chunk_free(&attrs);
	return msg;
}

static void write_seeds(char *dir)
{
	static struct {
		char *name;
		char *type;
		char *status;
		char *fail;
		bool sender_nonce;
	} bad[] = {
		{ "bad-messagetype", "19", "3", NULL, TRUE },
		{ "bad-messagetype-long", "0003", "3", NULL, TRUE },
		{ "bad-sendernonce", "3", "3", NULL, FALSE },
		{ "bad-status", "3", "1", NULL, TRUE },
		{ "bad-status-text", "3", "x", NULL, TRUE },
		{ "bad-failinfo", "3", "2", "9", TRUE },
		{ "bad-failinfo-text", "3", "2", "", TRUE },
	};
	static struct {
		getcert_scep_fail_t fail;
		char *name;
	} fails[] = {
		{ GETCERT_SCEP_BAD_ALG, "failure-badalg" },
		{ GETCERT_SCEP_BAD_MESSAGE_CHECK, "failure-badmessagecheck" },
		{ GETCERT_SCEP_BAD_REQUEST, "failure-badrequest" },
		{ GETCERT_SCEP_BAD_TIME, "failure-badtime" },
		{ GETCERT_SCEP_BAD_CERT_ID, "failure-badcertid" },
		{ GETCERT_SCEP_FAIL_NONE, "failure-none" },
	};
	getcert_scep_request_t other = req;
	linked_list_t *certs;
	chunk_t issued, env, attrs, status, rnonce, st;
	int i;

	/* the messageData of a SUCCESS: certs-only with the issued cert */
	certs = linked_list_create_with_items(fx.client, fx.ca, NULL);
	issued = getcert_cms_build_certs_only(certs);
	certs->destroy(certs);

	fuzz_write_seed_free(dir, "success-aes128-sha256",
						 getcert_scep_build_certrep(&req, GETCERT_SCEP_SUCCESS,
													GETCERT_SCEP_FAIL_NONE,
													issued, ENCR_AES_CBC, 128,
													fx.ca, fx.ca_key,
													HASH_SHA256, FALSE));
	fuzz_write_seed_free(dir, "success-aes256-sha512",
						 getcert_scep_build_certrep(&req, GETCERT_SCEP_SUCCESS,
													GETCERT_SCEP_FAIL_NONE,
													issued, ENCR_AES_CBC, 256,
													fx.ca, fx.ca_key,
													HASH_SHA512, FALSE));
	/* DES and DES3, as micromdm answers */
	fuzz_write_seed_free(dir, "success-des-sha256",
						 getcert_scep_build_certrep(&req, GETCERT_SCEP_SUCCESS,
													GETCERT_SCEP_FAIL_NONE,
													issued, ENCR_DES, 64, fx.ca,
													fx.ca_key, HASH_SHA256,
													TRUE));
	env = fuzz_build_enveloped(issued, fx.client, ENCR_DES, 64,
							   FUZZ_ENV_CONSTRUCTED);
	fuzz_write_seed_free(dir, "success-des-constructed",
						 getcert_scep_sign_certrep(&req, GETCERT_SCEP_SUCCESS,
												   GETCERT_SCEP_FAIL_NONE, env,
												   fx.ca, fx.ca_key,
												   HASH_SHA256, FALSE));
	chunk_free(&env);
	fuzz_write_seed_free(dir, "success-3des-sha1",
						 getcert_scep_build_certrep(&req, GETCERT_SCEP_SUCCESS,
													GETCERT_SCEP_FAIL_NONE,
													issued, ENCR_3DES, 192,
													fx.ca, fx.ca_key, HASH_SHA1,
													FALSE));
	/* rsaEncryption as signature algorithm, SKI recipient, OAEP */
	env = fuzz_build_enveloped(issued, fx.client, ENCR_AES_CBC, 192,
							   FUZZ_ENV_SKI | FUZZ_ENV_OAEP | FUZZ_ENV_OTHER |
							   FUZZ_ENV_CONSTRUCTED);
	fuzz_write_seed_free(dir, "success-ski-oaep-rsaoid",
						 getcert_scep_sign_certrep(&req, GETCERT_SCEP_SUCCESS,
												   GETCERT_SCEP_FAIL_NONE, env,
												   fx.ca, fx.ca_key,
												   HASH_SHA384, TRUE));
	chunk_free(&env);
	/* envelope for someone else */
	env = getcert_cms_build_enveloped(issued, fx.ca, ENCR_AES_CBC, 128);
	fuzz_write_seed_free(dir, "success-not-for-us",
						 getcert_scep_sign_certrep(&req, GETCERT_SCEP_SUCCESS,
												   GETCERT_SCEP_FAIL_NONE, env,
												   fx.ca, fx.ca_key,
												   HASH_SHA256, FALSE));
	chunk_free(&env);
	fuzz_write_seed_free(dir, "success-no-envelope",
						 getcert_scep_sign_certrep(&req, GETCERT_SCEP_SUCCESS,
												   GETCERT_SCEP_FAIL_NONE,
												   chunk_empty, fx.ca,
												   fx.ca_key, HASH_SHA256,
												   FALSE));
	chunk_free(&issued);

	for (i = 0; i < countof(fails); i++)
	{
		fuzz_write_seed_free(dir, fails[i].name,
							 getcert_scep_build_certrep(&req,
														GETCERT_SCEP_FAILURE,
														fails[i].fail,
														chunk_empty,
														ENCR_AES_CBC, 128,
														fx.ca, fx.ca_key,
														HASH_SHA256, FALSE));
	}
	fuzz_write_seed_free(dir, "pending",
						 getcert_scep_build_certrep(&req, GETCERT_SCEP_PENDING,
													GETCERT_SCEP_FAIL_NONE,
													chunk_empty, ENCR_AES_CBC,
													128, fx.ca, fx.ca_key,
													HASH_SHA256, FALSE));
	/* signed with the CA's identity by SKI */
	attrs = fuzz_scep_attrs(GETCERT_SCEP_CERT_REP, TRANSID,
							chunk_from_thing(nonce));
	status = getcert_cms_attribute(OID_PKI_STATUS,
				asn1_wrap(ASN1_PRINTABLESTRING, "c", chunk_from_str("3")));
	rnonce = getcert_cms_attribute(OID_PKI_RECIPIENT_NONCE,
				asn1_wrap(ASN1_OCTET_STRING, "c", chunk_from_thing(nonce)));
	st = chunk_cat("mmm", attrs, status, rnonce);
	fuzz_write_seed_free(dir, "pending-ski",
			fuzz_build_signed(chunk_empty, st, fx.ca, fx.ca_key, HASH_SHA256,
							  TRUE, chunk_empty));
	chunk_free(&st);

	/* mismatching transaction and nonce, untrusted signer */
	other.transid = chunk_from_str("OTHERTRANSACTION");
	fuzz_write_seed_free(dir, "pending-other-transid",
						 getcert_scep_build_certrep(&other,
													GETCERT_SCEP_PENDING,
													GETCERT_SCEP_FAIL_NONE,
													chunk_empty, ENCR_AES_CBC,
													128, fx.ca, fx.ca_key,
													HASH_SHA256, FALSE));
	other = req;
	other.nonce = chunk_from_str("another nonce!!!");
	fuzz_write_seed_free(dir, "pending-other-nonce",
						 getcert_scep_build_certrep(&other,
													GETCERT_SCEP_PENDING,
													GETCERT_SCEP_FAIL_NONE,
													chunk_empty, ENCR_AES_CBC,
													128, fx.ca, fx.ca_key,
													HASH_SHA256, FALSE));
	fuzz_write_seed_free(dir, "pending-untrusted-signer",
						 getcert_scep_build_certrep(&req, GETCERT_SCEP_PENDING,
													GETCERT_SCEP_FAIL_NONE,
													chunk_empty, ENCR_AES_CBC,
													128, fx.ra, fx.ra_key,
													HASH_SHA256, FALSE));
	/* authentic, but with invalid SCEP attributes */
	for (i = 0; i < countof(bad); i++)
	{
		fuzz_write_seed_free(dir, bad[i].name,
				bad_certrep(bad[i].type, bad[i].status, bad[i].fail,
							bad[i].sender_nonce));
	}

	/* our own request isn't a CertRep */
	fuzz_write_seed_free(dir, "request", getcert_scep_build_request(&req));
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_init("fuzz_certrep");
	req = (getcert_scep_request_t){
		.type = GETCERT_SCEP_PKCS_REQ,
		.data = chunk_from_str("a CSR would be here"),
		.transid = chunk_from_str(TRANSID),
		.nonce = chunk_from_thing(nonce),
		.recipient = fx.ca,
		.enc_alg = ENCR_AES_CBC,
		.enc_key_size = 128,
		.signer = fx.client,
		.key = fx.client_key,
		.digest = HASH_SHA256,
		/* the most lenient profile (micromdm's scepserver), so that every
		 * algorithm's code path is reached */
		.reply_sha1 = TRUE,
		.reply_weak = GETCERT_CMS_ALLOW_DES3 | GETCERT_CMS_ALLOW_DES,
	};
	trusted = linked_list_create_with_items(fx.ca, NULL);
	fuzz_seeds(write_seeds);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	chunk_t blob = chunk_create((u_char*)data, size);
	getcert_scep_reply_t reply;
	getcert_err_t err;

	err = getcert_scep_parse_reply(blob, &req, trusted, &reply);
	if (err == GETCERT_OK)
	{	/* what the contract promises */
		if (reply.signer != fx.ca ||
			(reply.status != GETCERT_SCEP_SUCCESS &&
			 reply.status != GETCERT_SCEP_FAILURE &&
			 reply.status != GETCERT_SCEP_PENDING) ||
			(reply.status == GETCERT_SCEP_FAILURE &&
			 reply.fail > GETCERT_SCEP_FAIL_NONE))
		{
			abort();
		}
		fuzz_touch(reply.data);
	}
	if (fuzz_debug)
	{
		fprintf(stderr, "getcert_scep_parse_reply: %s",
				enum_to_name(getcert_err_names, err));
		if (err == GETCERT_OK)
		{
			fprintf(stderr, ", %s, failInfo %d, %zu bytes of data",
					enum_to_name(getcert_scep_status_names, reply.status),
					(int)reply.fail, reply.data.len);
		}
		fprintf(stderr, "\n");
	}
	fuzz_sink(err);
	chunk_clear(&reply.data);
	return 0;
}

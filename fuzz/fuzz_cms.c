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
 * libFuzzer target: getcert_cms_parse() and every accessor of the parsed
 * SignedData, verify() against the fixed trusted signers (and against the
 * certificates the message carries), and getcert_cms_decrypt() of the
 * input and of the encapsulated content with the fixed client key.
 */

#include "fuzz_common.h"

#include <getcert_cms_signed.h>
#include <getcert_cms_enveloped.h>
#include <getcert_scep.h>

#include <asn1/oid.h>

/**
 * Trusted signers: the CA (RSA), its ECDSA RA and the client (so that
 * requests verify, too)
 */
static linked_list_t *trusted;

/**
 * Attribute types looked up
 */
static int oids[] = {
	OID_PKI_MESSAGE_TYPE,
	OID_PKI_STATUS,
	OID_PKI_FAIL_INFO,
	OID_PKI_SENDER_NONCE,
	OID_PKI_RECIPIENT_NONCE,
	OID_PKI_TRANS_ID,
	OID_PKCS9_CONTENT_TYPE,
	OID_PKCS9_MESSAGE_DIGEST,
	OID_PKCS9_SIGNING_TIME,
	OID_UNKNOWN,
};

/**
 * Value tags asked for
 */
static asn1_t tags[] = {
	ASN1_PRINTABLESTRING,
	ASN1_OCTET_STRING,
	ASN1_OID,
	ASN1_UTCTIME,
	ASN1_IA5STRING,
	ASN1_SEQUENCE,
};

static u_char nonce[16] = {
	0xf0, 0x0d, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13 };

static void write_seeds(char *dir)
{
	getcert_scep_request_t req = {
		.type = GETCERT_SCEP_PKCS_REQ,
		.data = chunk_from_str("a CSR would be here"),
		.transid = chunk_from_str("FUZZTRANSID"),
		.nonce = chunk_from_thing(nonce),
		.recipient = fx.ca,
		.enc_alg = ENCR_AES_CBC,
		.enc_key_size = 128,
		.signer = fx.client,
		.key = fx.client_key,
		.digest = HASH_SHA256,
	};
	linked_list_t *certs;
	chunk_t attrs, attr, issued, env, big;
	int i;

	certs = linked_list_create_with_items(fx.ca, fx.ra, fx.client, NULL);
	issued = getcert_cms_build_certs_only(certs);
	certs->destroy(certs);
	fuzz_write_seed(dir, "certs-only", issued);
	certs = linked_list_create_with_items(fx.ca, NULL);
	fuzz_write_seed_free(dir, "degenerate-crl",
			getcert_cms_build_degenerate(certs, fx.crl));
	certs->destroy(certs);
	fuzz_write_seed_free(dir, "signed-crl",
			fuzz_build_signed(chunk_empty, chunk_empty, fx.ca, fx.ca_key,
							  HASH_SHA256, FALSE, fx.crl));

	/* signed by the CA, the RA, the client; all digests, both ways to
	 * name an RSA signature, signer by issuer/serial and by SKI */
	attrs = fuzz_scep_attrs(GETCERT_SCEP_CERT_REP, "FUZZTRANSID",
							chunk_from_thing(nonce));
	fuzz_write_seed_free(dir, "signed-ca-sha256",
			getcert_cms_build_signed(chunk_from_str("content"), attrs,
									 fx.ca, fx.ca_key, HASH_SHA256, FALSE));
	fuzz_write_seed_free(dir, "signed-ca-sha1-rsaoid",
			getcert_cms_build_signed(chunk_from_str("content"), attrs,
									 fx.ca, fx.ca_key, HASH_SHA1, TRUE));
	fuzz_write_seed_free(dir, "signed-ca-sha384",
			getcert_cms_build_signed(chunk_from_str("content"), attrs,
									 fx.ca, fx.ca_key, HASH_SHA384, FALSE));
	fuzz_write_seed_free(dir, "signed-ca-sha512-rsaoid",
			getcert_cms_build_signed(chunk_from_str("content"), attrs,
									 fx.ca, fx.ca_key, HASH_SHA512, TRUE));
	fuzz_write_seed_free(dir, "signed-ca-empty",
			getcert_cms_build_signed(chunk_empty, attrs,
									 fx.ca, fx.ca_key, HASH_SHA256, FALSE));
	fuzz_write_seed_free(dir, "signed-ra-ecdsa-sha256",
			getcert_cms_build_signed(chunk_from_str("content"), attrs,
									 fx.ra, fx.ra_key, HASH_SHA256, FALSE));
	fuzz_write_seed_free(dir, "signed-ra-ecdsa-sha384",
			getcert_cms_build_signed(chunk_from_str("content"), attrs,
									 fx.ra, fx.ra_key, HASH_SHA384, FALSE));
	fuzz_write_seed_free(dir, "signed-ca-ski-crl",
			fuzz_build_signed(chunk_from_str("content"), attrs,
							  fx.ca, fx.ca_key, HASH_SHA256, TRUE, fx.crl));
	fuzz_write_seed_free(dir, "signed-ra-ski",
			fuzz_build_signed(chunk_from_str("content"), attrs,
							  fx.ra, fx.ra_key, HASH_SHA512, TRUE,
							  chunk_empty));
	chunk_free(&attrs);

	/* without signed attributes; with more than verify() accepts */
	fuzz_write_seed_free(dir, "signed-no-attrs",
			fuzz_build_signed_no_attrs(chunk_from_str("content"), fx.ca,
									   fx.ca_key, HASH_SHA256));
	attrs = chunk_empty;
	for (i = 0; i < 17; i++)
	{	/* 1.2.3.<i> with a NULL value */
		attr = asn1_wrap(ASN1_SEQUENCE, "mm",
					asn1_wrap(ASN1_OID, "c", chunk_from_chars(0x2a, 0x03, i)),
					asn1_wrap(ASN1_SET, "c", chunk_from_chars(ASN1_NULL, 0)));
		attrs = chunk_cat("mm", attrs, attr);
	}
	fuzz_write_seed_free(dir, "signed-17-attrs",
			fuzz_build_signed(chunk_from_str("content"), attrs, fx.ca,
							  fx.ca_key, HASH_SHA256, FALSE, chunk_empty));
	chunk_free(&attrs);

	/* a request (envelope for the CA, we can't decrypt it) */
	fuzz_write_seed_free(dir, "pkcsreq", getcert_scep_build_request(&req));

	/* CertReps whose envelope is for us */
	req.signer = fx.client;
	fuzz_write_seed_free(dir, "certrep-success",
						 getcert_scep_build_certrep(&req, GETCERT_SCEP_SUCCESS,
													GETCERT_SCEP_FAIL_NONE,
													issued, ENCR_AES_CBC, 128,
													fx.ca, fx.ca_key,
													HASH_SHA256, FALSE));
	fuzz_write_seed_free(dir, "certrep-success-des",
						 getcert_scep_build_certrep(&req, GETCERT_SCEP_SUCCESS,
													GETCERT_SCEP_FAIL_NONE,
													issued, ENCR_DES, 64, fx.ca,
													fx.ca_key, HASH_SHA256,
													FALSE));
	fuzz_write_seed_free(dir, "certrep-success-3des",
						 getcert_scep_build_certrep(&req, GETCERT_SCEP_SUCCESS,
													GETCERT_SCEP_FAIL_NONE,
													issued, ENCR_3DES, 192,
													fx.ca, fx.ca_key, HASH_SHA1,
													FALSE));
	fuzz_write_seed_free(dir, "certrep-failure",
						 getcert_scep_build_certrep(&req, GETCERT_SCEP_FAILURE,
													GETCERT_SCEP_BAD_REQUEST,
													chunk_empty, ENCR_AES_CBC,
													128, fx.ca, fx.ca_key,
													HASH_SHA256, FALSE));
	env = fuzz_build_enveloped(issued, fx.client, ENCR_AES_CBC, 256,
							   FUZZ_ENV_SKI | FUZZ_ENV_OAEP | FUZZ_ENV_OTHER);
	fuzz_write_seed_free(dir, "certrep-success-ski-oaep",
						 getcert_scep_sign_certrep(&req, GETCERT_SCEP_SUCCESS,
												   GETCERT_SCEP_FAIL_NONE, env,
												   fx.ca, fx.ca_key,
												   HASH_SHA512, TRUE));

	/* EnvelopedData for us, for getcert_cms_decrypt() */
	fuzz_write_seed(dir, "enveloped-ski-oaep-aes256", env);
	chunk_free(&env);
	fuzz_write_seed_free(dir, "enveloped-aes128",
			getcert_cms_build_enveloped(issued, fx.client, ENCR_AES_CBC, 128));
	fuzz_write_seed_free(dir, "enveloped-aes192",
			getcert_cms_build_enveloped(chunk_from_str("x"), fx.client,
										ENCR_AES_CBC, 192));
	fuzz_write_seed_free(dir, "enveloped-3des",
			getcert_cms_build_enveloped(chunk_from_str("0123456789abcdef"),
										fx.client, ENCR_3DES, 192));
	fuzz_write_seed_free(dir, "enveloped-other-recipients",
			fuzz_build_enveloped(chunk_from_str("plain"), fx.client,
								 ENCR_AES_CBC, 128, FUZZ_ENV_OTHER));
	fuzz_write_seed_free(dir, "enveloped-oaep",
			fuzz_build_enveloped(chunk_from_str("plain"), fx.client,
								 ENCR_AES_CBC, 128, FUZZ_ENV_OAEP));
	fuzz_write_seed_free(dir, "enveloped-des-constructed",
			fuzz_build_enveloped(chunk_from_str("plain text, 23 bytes..."),
								 fx.client, ENCR_DES, 64,
								 FUZZ_ENV_CONSTRUCTED));
	fuzz_write_seed_free(dir, "enveloped-aes128-constructed",
			fuzz_build_enveloped(issued, fx.client, ENCR_AES_CBC, 128,
								 FUZZ_ENV_CONSTRUCTED));
	/* 12000 encrypted bytes in 24000 segments, 60 KB: under run.sh's
	 * -max_len=65536, and far over -timeout=10 if joining them were
	 * quadratic in the number of segments */
	big = chunk_alloc(11999);
	memset(big.ptr, 'x', big.len);
	fuzz_write_seed_free(dir, "enveloped-aes128-tiny-segments",
			fuzz_build_enveloped(big, fx.client, ENCR_AES_CBC, 128,
								 FUZZ_ENV_TINY_SEGMENTS));
	chunk_free(&big);
	fuzz_write_seed_free(dir, "enveloped-bad-iv",
			fuzz_build_enveloped(chunk_from_str("plain"), fx.client,
								 ENCR_AES_CBC, 128, FUZZ_ENV_BAD_IV));
	fuzz_write_seed_free(dir, "enveloped-bad-cek",
			fuzz_build_enveloped(chunk_from_str("plain"), fx.client,
								 ENCR_AES_CBC, 256, FUZZ_ENV_BAD_CEK));
	fuzz_write_seed_free(dir, "enveloped-not-us",
			getcert_cms_build_enveloped(chunk_from_str("plain"), fx.ca,
										ENCR_AES_CBC, 128));
	chunk_free(&issued);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_init("fuzz_cms");
	trusted = linked_list_create_with_items(fx.ca, fx.ra, fx.client, NULL);
	fuzz_seeds(write_seeds);
	return 0;
}

/**
 * Decrypt an EnvelopedData with the fixed client key
 */
static bool decrypt(chunk_t blob, bool allow_weak)
{
	chunk_t plain = chunk_empty;
	u_int weak;

	weak = allow_weak ? GETCERT_CMS_ALLOW_DES3 | GETCERT_CMS_ALLOW_DES
					  : GETCERT_CMS_AES_ONLY;
	if (getcert_cms_decrypt(blob, fx.client, fx.client_key, weak,
							chunk_empty, &plain) == GETCERT_OK)
	{
		if (fuzz_debug)
		{
			fprintf(stderr, "decrypted %zu bytes\n", plain.len);
		}
		fuzz_touch(plain);
		/* decrypted messageData is a certs-only SignedData */
		getcert_cms_t *inner = getcert_cms_parse(plain);
		if (inner)
		{
			fuzz_touch(inner->get_content(inner));
			inner->destroy(inner);
		}
		chunk_clear(&plain);
		return TRUE;
	}
	if (plain.ptr)
	{	/* not documented, but the callers don't free it on failure */
		fuzz_touch(plain);
		chunk_clear(&plain);
	}
	return FALSE;
}

/**
 * Exercise a parsed message
 */
static void exercise(getcert_cms_t *cms)
{
	enumerator_t *enumerator;
	linked_list_t *carried;
	certificate_t *cert, *signer;
	chunk_t value, *crl;
	int i, j;
	bool ok;

	fuzz_touch(cms->get_content(cms));

	carried = linked_list_create();
	enumerator = cms->create_cert_enumerator(cms);
	while (enumerator->enumerate(enumerator, &cert))
	{
		fuzz_sink(cert->get_type(cert));
		fuzz_sink(cert->has_subject(cert, fx.ca->get_subject(fx.ca)));
		carried->insert_last(carried, cert);
	}
	enumerator->destroy(enumerator);

	enumerator = cms->create_crl_enumerator(cms);
	while (enumerator->enumerate(enumerator, &crl))
	{
		fuzz_touch(*crl);
	}
	enumerator->destroy(enumerator);

	for (i = 0; i < countof(oids); i++)
	{
		for (j = 0; j < countof(tags); j++)
		{
			if (cms->get_attribute(cms, oids[i], tags[j], &value))
			{
				fuzz_touch(value);
			}
		}
	}

	signer = fx.ca;
	ok = cms->verify(cms, trusted, &signer);
	if (ok != (signer != NULL) ||
		(ok && signer != fx.ca && signer != fx.ra && signer != fx.client))
	{	/* the signer is one of the trusted certificates, or NULL */
		abort();
	}
	if (fuzz_debug)
	{
		fprintf(stderr, "parsed, %d certs, verify: %s%s%Y\n",
				carried->get_count(carried),
				ok ? "ok" : "failed", ok ? ", signer " : "",
				ok ? signer->get_subject(signer) : NULL);
	}
	fuzz_sink(cms->verify(cms, trusted, NULL));
	/* signers carried by the message itself (RA certificates the client
	 * verifies separately) */
	if (carried->get_count(carried))
	{
		fuzz_sink(cms->verify(cms, carried, &signer));
	}
	carried->destroy(carried);

	/* SCEP: the content is an EnvelopedData, weak ciphers are accepted
	 * in replies (as getcert_scep_parse_reply() does) */
	if (cms->get_content(cms).len)
	{
		decrypt(cms->get_content(cms), TRUE);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	getcert_cms_t *cms;
	chunk_t blob;

	/* libFuzzer passes an exactly sized heap copy, overreads are caught */
	blob = chunk_create((u_char*)data, size);

	cms = getcert_cms_parse(blob);
	if (cms)
	{
		exercise(cms);
		cms->destroy(cms);
	}
	/* a top-level EnvelopedData, with weak ciphers refused, then allowed */
	if (!decrypt(blob, FALSE))
	{
		decrypt(blob, TRUE);
	}
	return 0;
}

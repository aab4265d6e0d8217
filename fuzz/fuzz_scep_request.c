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
 * libFuzzer target: getcertd's side of SCEP, scep_parse_request() on a
 * pkiMessage as clients send it (CMS SignedData, EnvelopedData for the CA)
 * and the PKCS#10 request or IssuerAndSerialNumber inside.
 */

#include "fuzz_common.h"

#include <getcert_scep.h>
#include <getcert_cms.h>

#include <asn1/asn1.h>
#include <credentials/certificates/pkcs10.h>

static u_char nonce[16] = {
	15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0 };

/**
 * Build a request as a client would, from the fixtures
 */
static chunk_t request(scep_msg_t type, chunk_t data, encryption_algorithm_t alg,
					   size_t key_size)
{
	scep_request_t req = {
		.type = type,
		.data = data,
		.transid = chunk_from_str("5EED5EED5EED5EED"),
		.nonce = chunk_from_thing(nonce),
		.recipient = fx.ca,
		.enc_alg = alg,
		.enc_key_size = key_size,
		.signer = fx.client,
		.key = fx.client_key,
		.digest = HASH_SHA256,
	};
	return scep_build_request(&req);
}

static void write_seeds(char *dir)
{
	certificate_t *csr;
	chunk_t der = chunk_empty, ias;
	identification_t *id;

	id = identification_create_from_string("C=CH, O=getcert, CN=carol");
	csr = lib->creds->create(lib->creds, CRED_CERTIFICATE,
				CERT_PKCS10_REQUEST, BUILD_SIGNING_KEY, fx.client_key,
				BUILD_SUBJECT, id, BUILD_CHALLENGE_PWD, chunk_from_str("secret"),
				BUILD_END);
	id->destroy(id);
	if (csr)
	{
		csr->get_encoding(csr, CERT_ASN1_DER, &der);
		csr->destroy(csr);
	}
	fuzz_write_seed_free(dir, "pkcsreq-aes128",
						 request(SCEP_PKCS_REQ, der, ENCR_AES_CBC, 128));
	fuzz_write_seed_free(dir, "renewalreq-aes256",
						 request(SCEP_RENEWAL_REQ, der, ENCR_AES_CBC, 256));
	fuzz_write_seed_free(dir, "pkcsreq-des3",
						 request(SCEP_PKCS_REQ, der, ENCR_3DES, 192));
	ias = asn1_wrap(ASN1_SEQUENCE, "cm",
				fx.ca->get_subject(fx.ca)->get_encoding(fx.ca->get_subject(fx.ca)),
				asn1_integer("c", chunk_from_chars(0x42)));
	fuzz_write_seed_free(dir, "getcert", request(SCEP_GET_CERT, ias,
												 ENCR_AES_CBC, 128));
	fuzz_write_seed_free(dir, "getcrl", request(SCEP_GET_CRL, ias,
												ENCR_AES_CBC, 128));
	fuzz_write_seed_free(dir, "certpoll", request(SCEP_CERT_POLL, ias,
												  ENCR_AES_CBC, 128));
	chunk_free(&ias);
	chunk_free(&der);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_init("fuzz_scep_request");
	fuzz_seeds(write_seeds);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	chunk_t blob = chunk_create((u_char*)data, size);
	enumerator_t *enumerator;
	identification_t *id;
	certificate_t *csr;
	scep_request_t req;
	getcert_err_t err;
	pkcs10_t *pkcs10;

	err = scep_parse_request(blob, fx.ca, fx.ca_key, TRUE, &req);
	if (err == GETCERT_OK)
	{
		if (!req.signer || !req.transid.len || !req.nonce.len)
		{	/* what the contract promises */
			abort();
		}
		/* what getcertd does next with a PKCSReq */
		csr = lib->creds->create(lib->creds, CRED_CERTIFICATE,
								 CERT_PKCS10_REQUEST, BUILD_BLOB_ASN1_DER,
								 req.data, BUILD_END);
		if (csr)
		{
			pkcs10 = (pkcs10_t*)csr;
			fuzz_touch(pkcs10->get_challengePassword(pkcs10));
			fuzz_sink(csr->issued_by(csr, csr, NULL));
			enumerator = pkcs10->create_subjectAltName_enumerator(pkcs10);
			while (enumerator->enumerate(enumerator, &id))
			{
				fuzz_touch(id->get_encoding(id));
			}
			enumerator->destroy(enumerator);
			csr->destroy(csr);
		}
		fuzz_touch(req.data);
		scep_request_clear(&req);
	}
	fuzz_sink(err);
	return 0;
}

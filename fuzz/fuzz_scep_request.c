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
 * libFuzzer target: getcertd's side of SCEP, getcert_scep_parse_request() on a
 * pkiMessage as clients send it (CMS SignedData, EnvelopedData for the CA)
 * and the PKCS#10 request or IssuerAndSerialNumber inside.
 */

#include "fuzz_common.h"

#include <getcert_scep.h>

#include <asn1/asn1.h>
#include <credentials/certificates/pkcs10.h>

static void write_seeds(char *dir)
{
	chunk_t der, ias;

	der = fuzz_csr("C=CH, O=getcert, CN=carol");
	fuzz_write_seed_free(dir, "pkcsreq-aes128",
			fuzz_scep_request(GETCERT_SCEP_PKCS_REQ, der, ENCR_AES_CBC, 128));
	fuzz_write_seed_free(dir, "renewalreq-aes256",
						 fuzz_scep_request(GETCERT_SCEP_RENEWAL_REQ, der,
										   ENCR_AES_CBC, 256));
	fuzz_write_seed_free(dir, "pkcsreq-des3",
			fuzz_scep_request(GETCERT_SCEP_PKCS_REQ, der, ENCR_3DES, 192));
	ias = asn1_wrap(ASN1_SEQUENCE, "cm",
				fx.ca->get_subject(fx.ca)->get_encoding(fx.ca->get_subject(fx.ca)),
				asn1_integer("c", chunk_from_chars(0x42)));
	fuzz_write_seed_free(dir, "getcert",
			fuzz_scep_request(GETCERT_SCEP_GET_CERT, ias, ENCR_AES_CBC, 128));
	fuzz_write_seed_free(dir, "getcrl",
			fuzz_scep_request(GETCERT_SCEP_GET_CRL, ias, ENCR_AES_CBC, 128));
	fuzz_write_seed_free(dir, "certpoll",
			fuzz_scep_request(GETCERT_SCEP_CERT_POLL, ias, ENCR_AES_CBC, 128));
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
	getcert_scep_request_t req;
	getcert_err_t err;
	pkcs10_t *pkcs10;

	err = getcert_scep_parse_request(blob, fx.ca, fx.ca_key, TRUE,
							 chunk_from_chars(0x01, 0x02, 0x03, 0x04), &req);
	if (err == GETCERT_OK || err == GETCERT_ERR_DECRYPT)
	{
		if (!req.signer || !req.transid.len || !req.nonce.len ||
			(err == GETCERT_ERR_DECRYPT && req.data.len))
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
		getcert_scep_request_clear(&req);
	}
	fuzz_sink(err);
	return 0;
}

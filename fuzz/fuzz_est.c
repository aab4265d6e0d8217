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
 * libFuzzer target: what getcertd's EST service parses from a client:
 * the path (getcertd_est_route()), the base64 body and the CSR in it
 * (getcert_est_decode(), the PKCS#10 parser, the policy's key check) and
 * the TLS client certificate (getcertd_est_client_cert() against the CA
 * fixture, records holding the RA fixture as issued).
 *
 * Input: byte 0 selects the parser (0: path, 1: body, 2: client
 * certificate, modulo 3), the rest is its input.
 */

#include "fuzz_common.h"

#include <getcertd_est.h>
#include <getcert_est.h>

#include <credentials/certificates/x509.h>

static certificate_t *get_cert(getcertd_db_t *this, chunk_t serial)
{
	x509_t *x509 = (x509_t*)fx.ra;

	return chunk_equals(serial, x509->get_serial(x509)) ? fx.ra->get_ref(fx.ra)
														: NULL;
}

static bool get_info(getcertd_db_t *this, chunk_t serial,
					 getcertd_cert_info_t *info)
{
	x509_t *x509 = (x509_t*)fx.ra;

	if (!chunk_equals(serial, x509->get_serial(x509)))
	{
		return FALSE;
	}
	*info = (getcertd_cert_info_t){
		.user = strdup("carol"),
		.policy = strdup("radius"),
	};
	return TRUE;
}

static getcertd_db_t db = {
	.get_cert = get_cert,
	.get_info = get_info,
};

/**
 * Write a seed: a selector byte and a string
 */
static void seed(char *dir, char *name, u_char selector, char *str)
{
	fuzz_write_seed_free(dir, name, chunk_cat("cc", chunk_from_thing(selector),
											  chunk_from_str(str)));
}

static void write_seeds(char *dir)
{
	chunk_t csr, b64, der;

	seed(dir, "path-cacerts", 0, "/.well-known/est/cacerts");
	seed(dir, "path-label", 0, "/.well-known/est/ike/simplereenroll");
	seed(dir, "path-bad", 0, "/.well-known/est/../a/csrattrs/");
	csr = fuzz_csr("CN=carol");
	b64 = chunk_to_base64(csr, NULL);
	fuzz_write_seed_free(dir, "body-csr",
			chunk_cat("cc", chunk_from_chars(0x01), b64));
	/* with line breaks, as RFC 8951 allows */
	fuzz_write_seed_free(dir, "body-csr-lines",
			chunk_cat("ccccc", chunk_from_chars(0x01),
					  chunk_create(b64.ptr, 20), chunk_from_str("\r\n"),
					  chunk_create(b64.ptr + 20, b64.len - 21),
					  chunk_from_str("\n")));
	chunk_free(&b64);
	chunk_free(&csr);
	fuzz_write_seed(dir, "body-bad", chunk_from_str("\x01QUJD=RA=="));
	if (fx.ra->get_encoding(fx.ra, CERT_ASN1_DER, &der))
	{
		fuzz_write_seed_free(dir, "cert-recorded",
				chunk_cat("cm", chunk_from_chars(0x02), der));
	}
	if (fx.client->get_encoding(fx.client, CERT_ASN1_DER, &der))
	{
		fuzz_write_seed_free(dir, "cert-foreign",
				chunk_cat("cm", chunk_from_chars(0x02), der));
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_init("fuzz_est");
	fuzz_seeds(write_seeds);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	getcertd_policy_t policy = {
		.key_types = GETCERTD_KEY_RSA | GETCERTD_KEY_ECDSA |
					 GETCERTD_KEY_ED25519,
		.min_rsa = 2048,
	};
	getcertd_cert_info_t info;
	getcertd_est_op_t op;
	certificate_t *cert;
	public_key_t *public;
	chunk_t in, out;
	char *path, *label, *reason;

	if (!size)
	{
		return 0;
	}
	in = chunk_create((u_char*)data + 1, size - 1);
	switch (data[0] % 3)
	{
		case 0:
			path = strndup(in.ptr, in.len);
			if (getcertd_est_route(path, &label, &op))
			{
				if (op > GETCERTD_EST_CSRATTRS ||
					(label && !getcertd_policy_valid_label(label)))
				{
					abort();
				}
				fuzz_sink(op);
				free(label);
			}
			free(path);
			break;
		case 1:
			if (getcert_est_decode(in, NULL, &out) == GETCERT_OK)
			{
				cert = lib->creds->create(lib->creds, CRED_CERTIFICATE,
								CERT_PKCS10_REQUEST, BUILD_BLOB_ASN1_DER, out,
								BUILD_END);
				if (cert)
				{
					fuzz_sink(cert->issued_by(cert, cert, NULL));
					public = cert->get_public_key(cert);
					if (public)
					{
						fuzz_sink(getcertd_policy_key_ok(&policy, public,
														 &reason));
						public->destroy(public);
					}
					cert->destroy(cert);
				}
				chunk_free(&out);
			}
			break;
		default:
			cert = getcertd_est_client_cert(&db, fx.ca, in, &info, &reason);
			if (cert)
			{
				if (!streq(info.user, "carol"))
				{
					abort();
				}
				cert->destroy(cert);
			}
			getcertd_cert_info_clear(&info);
			break;
	}
	return 0;
}

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
 * libFuzzer target: the EST wire formats of getcert_est.c. The first input
 * byte chooses the parser, the rest is the input:
 *   0  getcert_est_decode() without Content-Transfer-Encoding, then the
 *      certs-only parser on the result (/cacerts, enrollment replies)
 *   1  getcert_est_decode() with "base64", then the /csrattrs parser
 *   2  getcert_est_parse_certs() on DER
 *   3  getcert_est_parse_csrattrs() on DER
 *   4  getcert_est_parse_multipart(), boundary "est"
 *   5  getcert_est_parse_multipart(), the Content-Type is the input's first
 *      line, the body the rest
 */

#include "fuzz_common.h"

#include <getcert_est.h>
#include <getcert_cms_signed.h>
#include <asn1/asn1.h>
#include <asn1/oid.h>

/**
 * Write a seed with a selector byte (body freed)
 */
static void seed(char *dir, char *name, u_char sel, chunk_t body)
{
	fuzz_write_seed_free(dir, name,
						 chunk_cat("cm", chunk_from_thing(sel), body));
}

/* RFC 7030 4.5.2 */
#define RFC7030_CSRATTRS "MEEGCSqGSIb3DQEJBzASBgcqhkjOPQIBMQcGBSuBBAAiMBYGCSqG" \
						 "SIb3DQEJDjEJBgcrBgEBAQEWBggqhkjOPQQDAw=="

#define MULTIPART \
	"--est\r\nContent-Type: application/pkcs8\r\n" \
	"Content-Transfer-Encoding: base64\r\n\r\nAAEC\r\n" \
	"--est\r\nContent-Type: application/pkcs7-mime; smime-type=certs-only\r\n" \
	"\r\nAwQF\r\n--est--\r\n"

static void write_seeds(char *dir)
{
	linked_list_t *certs;
	chunk_t p7, b64, attrs, rsa;

	certs = linked_list_create_with_items(fx.ca, fx.client, NULL);
	p7 = getcert_cms_build_certs_only(certs);
	certs->destroy(certs);
	b64 = chunk_to_base64(p7, NULL);

	seed(dir, "certs-b64", 0, chunk_clone(b64));
	seed(dir, "certs-der", 2, chunk_clone(p7));
	seed(dir, "csrattrs-b64", 1,
		 chunk_clone(chunk_from_str(RFC7030_CSRATTRS)));
	attrs = chunk_from_base64(chunk_from_str(RFC7030_CSRATTRS), NULL);
	seed(dir, "csrattrs-der", 3, attrs);
	rsa = asn1_wrap(ASN1_SEQUENCE, "mmm",
			asn1_wrap(ASN1_SEQUENCE, "mm",
				asn1_build_known_oid(OID_RSA_ENCRYPTION),
				asn1_wrap(ASN1_SET, "m",
					asn1_wrap(ASN1_INTEGER, "c", chunk_from_chars(0x0c, 0x00)))),
			asn1_build_known_oid(OID_ED25519),
			asn1_build_known_oid(OID_SHA256_WITH_RSA));
	seed(dir, "csrattrs-rsa", 3, rsa);
	seed(dir, "multipart", 4, chunk_clone(chunk_from_str(MULTIPART)));
	seed(dir, "multipart-type", 5, chunk_cat("cc",
		chunk_from_str("multipart/mixed; boundary=\"est\"\n"),
		chunk_from_str(MULTIPART)));
	seed(dir, "multipart-certs", 4, chunk_cat("ccc",
		chunk_from_str("--est\r\nContent-Type: application/pkcs7-mime\r\n"
					   "\r\n"), b64, chunk_from_str("\r\n--est--")));
	chunk_free(&b64);
	chunk_free(&p7);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_init("fuzz_est_client");
	fuzz_seeds(write_seeds);
	return 0;
}

/**
 * Parse certificates and look at them as the engine does
 */
static void certs(chunk_t der)
{
	enumerator_t *enumerator;
	linked_list_t *list;
	certificate_t *cert;
	getcert_err_t err;

	list = linked_list_create();
	err = getcert_est_parse_certs(der, list);
	if ((err == GETCERT_OK) != (list->get_count(list) > 0))
	{
		abort();
	}
	enumerator = list->create_enumerator(list);
	while (enumerator->enumerate(enumerator, &cert))
	{
		fuzz_sink(cert->equals(cert, fx.ca));
	}
	enumerator->destroy(enumerator);
	list->destroy_offset(list, offsetof(certificate_t, destroy));
}

/**
 * Parse /csrattrs, check the invariants
 */
static void csrattrs(chunk_t der)
{
	getcert_est_csrattrs_t attrs;

	if (getcert_est_parse_csrattrs(der, &attrs) == GETCERT_OK)
	{
		if ((attrs.curve && attrs.key_type != KEY_ECDSA) ||
			(attrs.curve && !(attrs.curves &
							  getcert_est_curve_bit(attrs.curve))) ||
			(attrs.rsa_bits && attrs.key_type != KEY_RSA))
		{
			abort();
		}
		fuzz_sink(attrs.key_type + attrs.curve + attrs.rsa_bits +
				  attrs.digest + attrs.unknown);
	}
}

/**
 * Parse multipart/mixed, check the parts lie within the body
 */
static void multipart(chunk_t body, char *type)
{
	getcert_est_part_t parts[GETCERT_EST_MAX_PARTS];
	u_int count, i;

	if (getcert_est_parse_multipart(body, type, parts, countof(parts),
									&count) != GETCERT_OK)
	{
		if (count)
		{
			abort();
		}
		return;
	}
	if (!count || count > countof(parts))
	{
		abort();
	}
	for (i = 0; i < count; i++)
	{
		if (parts[i].body.ptr < body.ptr ||
			parts[i].body.ptr + parts[i].body.len > body.ptr + body.len)
		{
			abort();
		}
		fuzz_sink(getcert_est_type_is(parts[i].type, "application/pkcs8"));
		fuzz_sink(parts[i].encoding ? strlen(parts[i].encoding) : 0);
	}
	getcert_est_parts_free(parts, count);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	chunk_t body, der;
	char *type;
	u_char *nl;

	if (!size)
	{
		return 0;
	}
	body = chunk_create((u_char*)data + 1, size - 1);
	switch (data[0] % 6)
	{
		case 0:
			if (getcert_est_decode(body, NULL, &der) == GETCERT_OK)
			{
				certs(der);
				chunk_free(&der);
			}
			else if (der.len)
			{
				abort();
			}
			break;
		case 1:
			if (getcert_est_decode(body, "base64", &der) == GETCERT_OK)
			{
				csrattrs(der);
				chunk_free(&der);
			}
			break;
		case 2:
			certs(body);
			break;
		case 3:
			csrattrs(body);
			break;
		case 4:
			multipart(body, "multipart/mixed; boundary=est");
			break;
		case 5:
			nl = memchr(body.ptr, '\n', min(body.len, 256));
			if (!nl)
			{
				break;
			}
			type = strndup(body.ptr, nl - body.ptr);
			multipart(chunk_skip(body, nl - body.ptr + 1), type);
			free(type);
			break;
	}
	return 0;
}

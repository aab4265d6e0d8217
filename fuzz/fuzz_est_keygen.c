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
 * libFuzzer target: the EST client's /serverkeygen reply parser,
 * getcert_est_parse_keygen() (multipart/mixed, the parts told apart, the
 * key package unprotected or the PKCS#8 key parsed, the certificates).
 * The first input byte's bit 0 allows an application/pkcs8 key; then the
 * Content-Type of the reply up to the first LF, then the body. The key
 * package is decrypted with the fixtures' client key and verified against
 * the CA and the RA.
 */

#include "fuzz_common.h"

#include <getcert_est_enroll.h>
#include <getcert_keypkg.h>
#include <getcert_cms_signed.h>
#include <asn1/asn1.h>

#define TYPE "multipart/mixed; boundary=skg\n"

/**
 * One part, base64 with Content-Transfer-Encoding
 */
static chunk_t part(char *type, chunk_t der)
{
	chunk_t b64, out;
	char head[200];

	snprintf(head, sizeof(head), "--skg\r\nContent-Type: %s\r\n"
			 "Content-Transfer-Encoding: base64\r\n\r\n", type);
	b64 = chunk_to_base64(der, NULL);
	out = chunk_cat("cmc", chunk_from_str(head), b64, chunk_from_str("\r\n"));
	return out;
}

/**
 * Write a seed: selector, Content-Type line, body (freed)
 */
static void seed(char *dir, char *name, u_char sel, chunk_t body)
{
	fuzz_write_seed_free(dir, name, chunk_cat("ccm", chunk_from_thing(sel),
											  chunk_from_str(TYPE), body));
}

static void write_seeds(char *dir)
{
	linked_list_t *list;
	public_key_t *public;
	chunk_t id, pkg, certs, key, p8, blob, k, c;
	chunk_t end = chunk_from_str("--skg--\r\n");
	char *keytype = "application/pkcs7-mime; smime-type=server-generated-key";
	char *certtype = "application/pkcs7-mime; smime-type=certs-only";

	public = fx.client_key->get_public_key(fx.client_key);
	if (!public || !getcert_keypkg_key_id(public, &id))
	{
		abort();
	}
	/* the RA's ECDSA key as the generated one, signed by the CA */
	pkg = getcert_keypkg_protect(fx.ra_key, fx.ca, fx.ca_key, public, id);
	public->destroy(public);
	chunk_free(&id);
	list = linked_list_create_with_items(fx.ra, fx.ca, NULL);
	certs = getcert_cms_build_certs_only(list);
	list->destroy(list);
	key = getcert_keypkg_build(fx.ra_key);
	blob = key;
	if (!pkg.len || !certs.len || asn1_unwrap(&blob, &p8) != ASN1_SEQUENCE)
	{
		abort();
	}
	/* chunk_cat() evaluates its arguments twice: parts built first */
	k = part(keytype, pkg);
	c = part(certtype, certs);
	seed(dir, "encrypted", 0, chunk_cat("ccc", k, c, end));
	seed(dir, "certs-first", 0, chunk_cat("ccc", c, k, end));
	chunk_free(&k);
	chunk_free(&c);
	k = part("application/pkcs7-mime", pkg);
	c = part("application/pkcs7-mime", certs);
	seed(dir, "bare-types", 0, chunk_cat("ccc", k, c, end));
	chunk_free(&k);
	chunk_free(&c);
	k = part("application/pkcs8", p8);
	c = part(certtype, certs);
	seed(dir, "plain", 1, chunk_cat("ccc", k, c, end));
	chunk_clear(&k);
	chunk_free(&c);
	chunk_clear(&key);
	chunk_free(&pkg);
	chunk_free(&certs);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_init("fuzz_est_keygen");
	fuzz_seeds(write_seeds);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	getcert_http_reply_t reply = { .status = 200 };
	linked_list_t *signers, *certs;
	private_key_t *key = NULL;
	getcert_err_t err;
	chunk_t in = chunk_create((u_char*)data, size);
	u_char *lf;
	bool plain;

	if (!in.len)
	{
		return 0;
	}
	plain = in.ptr[0] & 1;
	in = chunk_skip(in, 1);
	lf = in.len ? memchr(in.ptr, '\n', in.len) : NULL;
	if (!lf)
	{
		return 0;
	}
	reply.type = strndup(in.ptr, lf - in.ptr);
	reply.body = chunk_clone(chunk_skip(in, lf - in.ptr + 1));
	signers = linked_list_create_with_items(fx.ca, fx.ra, NULL);
	certs = linked_list_create();
	err = getcert_est_parse_keygen(&reply, fx.client_key, signers, plain,
								   &key, certs);
	if ((err == GETCERT_OK) != (key != NULL) ||
		(err != GETCERT_OK && certs->get_count(certs)))
	{
		abort();
	}
	if (fuzz_debug)
	{
		fprintf(stderr, "%s: %d certificates\n", key ? "key" : "no key",
				certs->get_count(certs));
	}
	if (key)
	{
		fuzz_sink(key->get_type(key));
		key->destroy(key);
	}
	certs->destroy_offset(certs, offsetof(certificate_t, destroy));
	signers->destroy(signers);
	getcert_http_reply_clear(&reply);
	return 0;
}

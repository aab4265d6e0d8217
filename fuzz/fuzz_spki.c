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
 * libFuzzer target: the strict DER checker and the subjectPublicKeyInfo
 * getcertd takes from a CSR as it is (src/libgetcert/getcert_x509.c).
 * Bit 0 of the first byte picks the input: 0, the rest is an SPKI:
 * getcert_x509_der_canonical(), and getcert_x509_spki_usable() and
 * getcert_x509_spki_keyid() against the key strongSwan parses from it and
 * against the fixed CA (RSA-1024) and RA (ECDSA P-256) keys;
 * 1, the rest is a PKCS#10 request: getcert_x509_csr_spki() and
 * getcert_x509_key_id(). Where an SPKI is taken, it must be the very
 * encoding strongSwan gives the key and its key id strongSwan's
 * KEYID_PUBKEY_SHA1 (abort otherwise); canonical DER must parse as one
 * element for strongSwan's asn1_unwrap() too.
 */

#include "fuzz_common.h"

#include <getcert_x509.h>

#include <asn1/asn1.h>

/**
 * Abort unless an SPKI taken for a key is the key's encoding and its key
 * id the key's
 */
static void check_taken(chunk_t spki, public_key_t *public)
{
	chunk_t encoding, keyid, fp;

	if (!public->get_encoding(public, PUBKEY_SPKI_ASN1_DER, &encoding) ||
		!chunk_equals(encoding, spki))
	{
		fprintf(stderr, "SPKI taken that is not the key's encoding\n");
		abort();
	}
	chunk_free(&encoding);
	if (!getcert_x509_spki_keyid(spki, &keyid) ||
		!public->get_fingerprint(public, KEYID_PUBKEY_SHA1, &fp) ||
		!chunk_equals(keyid, fp))
	{
		fprintf(stderr, "key id of a taken SPKI is not strongSwan's\n");
		abort();
	}
	chunk_free(&keyid);
}

/**
 * Abort unless an SPKI usable for a fixed key is, if it is a key at all
 * (a point off the curve is not, but only parsing tells), that of a key of
 * the same type and size
 */
static void usable_for(chunk_t spki, private_key_t *key)
{
	public_key_t *public, *parsed;

	public = key->get_public_key(key);
	if (getcert_x509_spki_usable(spki, public))
	{
		parsed = lib->creds->create(lib->creds, CRED_PUBLIC_KEY, KEY_ANY,
									BUILD_BLOB_ASN1_DER, spki, BUILD_END);
		if (parsed)
		{
			if (parsed->get_type(parsed) != public->get_type(public) ||
				parsed->get_keysize(parsed) != public->get_keysize(public))
			{
				fprintf(stderr, "SPKI usable for a key of another type\n");
				abort();
			}
			check_taken(spki, parsed);
			parsed->destroy(parsed);
		}
	}
	public->destroy(public);
}

/**
 * An SPKI
 */
static void spki(chunk_t data)
{
	public_key_t *public;
	chunk_t rest = data, inner, keyid;

	if (getcert_x509_der_canonical(data))
	{
		if (asn1_unwrap(&rest, &inner) == ASN1_INVALID || rest.len)
		{
			fprintf(stderr, "canonical DER strongSwan does not parse\n");
			abort();
		}
		fuzz_sink(fuzz_touch(inner));
	}
	if (getcert_x509_spki_keyid(data, &keyid))
	{
		fuzz_sink(fuzz_touch(keyid));
		chunk_free(&keyid);
	}
	public = lib->creds->create(lib->creds, CRED_PUBLIC_KEY, KEY_ANY,
								BUILD_BLOB_ASN1_DER, data, BUILD_END);
	if (public)
	{
		if (getcert_x509_spki_usable(data, public))
		{
			check_taken(data, public);
		}
		public->destroy(public);
	}
	/* usable for a fixed key (no key material compared): then it is a
	 * key of that type and size, whose encoding it is */
	usable_for(data, fx.ca_key);
	usable_for(data, fx.ra_key);
}

/**
 * A PKCS#10 request
 */
static void csr(chunk_t data)
{
	certificate_t *csr;
	public_key_t *public;
	chunk_t spki, keyid, fp;

	csr = lib->creds->create(lib->creds, CRED_CERTIFICATE,
							 CERT_PKCS10_REQUEST, BUILD_BLOB_ASN1_DER, data,
							 BUILD_END);
	if (!csr)
	{
		return;
	}
	public = csr->get_public_key(csr);
	if (getcert_x509_csr_spki(csr, &spki))
	{
		check_taken(spki, public);
		chunk_free(&spki);
	}
	if (getcert_x509_key_id(csr, &keyid))
	{
		if (!public ||
			!public->get_fingerprint(public, KEYID_PUBKEY_SHA1, &fp) ||
			!chunk_equals(keyid, fp))
		{
			fprintf(stderr, "key id of a CSR is not strongSwan's\n");
			abort();
		}
		chunk_free(&keyid);
	}
	DESTROY_IF(public);
	csr->destroy(csr);
}

/**
 * A seed: the selector byte, then the data
 */
static void seed(char *dir, char *name, u_char selector, chunk_t data)
{
	fuzz_write_seed_free(dir, name, chunk_cat("cm", chunk_from_thing(selector),
											  data));
}

static void write_seeds(char *dir)
{
	struct {
		char *name;
		key_type_t type;
		int bits;
	} keys[] = {
		{ "rsa1024", KEY_RSA, 1024 },
		{ "ecdsa256", KEY_ECDSA, 256 },
		{ "ecdsa384", KEY_ECDSA, 384 },
		{ "ecdsa521", KEY_ECDSA, 521 },
		{ "ed25519", KEY_ED25519, 0 },
		{ "ed448", KEY_ED448, 0 },
	};
	identification_t *subject;
	private_key_t *key;
	public_key_t *public;
	chunk_t enc;
	char name[64];
	int i;

	subject = identification_create_from_string("C=CH, O=getcert, CN=carol");
	for (i = 0; i < countof(keys); i++)
	{
		key = lib->creds->create(lib->creds, CRED_PRIVATE_KEY, keys[i].type,
								 keys[i].bits ? BUILD_KEY_SIZE : BUILD_END,
								 keys[i].bits, BUILD_END);
		public = key ? key->get_public_key(key) : NULL;
		if (!public ||
			!public->get_encoding(public, PUBKEY_SPKI_ASN1_DER, &enc))
		{
			fprintf(stderr, "generating a %s key failed\n", keys[i].name);
			abort();
		}
		snprintf(name, sizeof(name), "spki-%s", keys[i].name);
		seed(dir, name, 0, enc);
		enc = getcert_x509_build_csr(key, subject, NULL, chunk_empty,
						keys[i].type == KEY_ED25519 ||
						keys[i].type == KEY_ED448 ? HASH_IDENTITY
												  : HASH_SHA256);
		if (!enc.len)
		{
			fprintf(stderr, "building a %s CSR failed\n", keys[i].name);
			abort();
		}
		snprintf(name, sizeof(name), "csr-%s", keys[i].name);
		seed(dir, name, 1, enc);
		public->destroy(public);
		key->destroy(key);
	}
	subject->destroy(subject);
	/* strongSwan's CSR of the client fixture, with a challengePassword */
	seed(dir, "csr-client", 1, fuzz_csr("C=CH, O=getcert, CN=client"));
	/* DER with every type the checker knows, and a few it refuses */
	seed(dir, "der-types", 0, chunk_clone(chunk_from_chars(
		0x30,0x19,0x02,0x02,0x00,0x80,0x05,0x00,0x06,0x03,0x2b,0x65,0x70,
		0x03,0x02,0x03,0x80,0x04,0x01,0xaa,0x30,0x05,0x02,0x01,0xff,0x30,
		0x00)));
	seed(dir, "der-long-form", 0, chunk_clone(chunk_from_chars(
		0x30,0x81,0x05,0x05,0x00,0x02,0x01,0x00)));
	seed(dir, "der-indefinite", 0, chunk_clone(chunk_from_chars(
		0x30,0x80,0x05,0x00,0x00,0x00)));
	seed(dir, "der-constructed-bits", 0, chunk_clone(chunk_from_chars(
		0x23,0x04,0x03,0x02,0x00,0xaa)));
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_init("fuzz_spki");
	fuzz_seeds(write_seeds);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	chunk_t in;

	if (!size)
	{
		return 0;
	}
	/* a heap copy of exactly the input, so ASan sees any over-read */
	in = chunk_clone(chunk_create((u_char*)data + 1, size - 1));
	if (data[0] & 0x01)
	{
		csr(in);
	}
	else
	{
		spki(in);
	}
	chunk_free(&in);
	return 0;
}

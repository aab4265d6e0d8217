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
 * libFuzzer target: server-generated key packages as an EST client gets
 * them from /serverkeygen: getcert_keypkg_unprotect() of the input with
 * the fixed client key (RSA) against the trusted CA and RA, and
 * getcert_keypkg_parse() of the input as AsymmetricKeyPackage and as a
 * bare PKCS#8 PrivateKeyInfo (application/pkcs8).
 */

#include "fuzz_common.h"

#include <getcert_keypkg.h>
#include <getcert_cms_signed.h>
#include <getcert_cms_enveloped.h>

#include <asn1/asn1.h>

/**
 * Trusted signers: the CA (RSA) and its ECDSA RA
 */
static linked_list_t *signers;

/**
 * Subject key identifier of the client key
 */
static chunk_t client_id;

/**
 * A generated key of a type
 */
static private_key_t *gen(key_type_t type, int bits)
{
	private_key_t *key;

	key = lib->creds->create(lib->creds, CRED_PRIVATE_KEY, type,
							 bits ? BUILD_KEY_SIZE : BUILD_END, bits,
							 BUILD_END);
	if (!key)
	{
		fprintf(stderr, "generating a %N key failed\n", key_type_names, type);
		abort();
	}
	return key;
}

static void write_seeds(char *dir)
{
	private_key_t *keys[4];
	public_key_t *client;
	chunk_t pkg, inner, rest, two;
	char *names[] = { "ecdsa256", "ecdsa384", "rsa1024", "ed25519" };
	char name[64];
	int i;

	keys[0] = gen(KEY_ECDSA, 256);
	keys[1] = gen(KEY_ECDSA, 384);
	keys[2] = gen(KEY_RSA, 1024);
	keys[3] = gen(KEY_ED25519, 0);
	client = fx.client_key->get_public_key(fx.client_key);

	for (i = 0; i < countof(keys); i++)
	{
		pkg = getcert_keypkg_build(keys[i]);
		snprintf(name, sizeof(name), "package-%s", names[i]);
		fuzz_write_seed(dir, name, pkg);
		rest = pkg;
		asn1_unwrap(&rest, &inner);
		snprintf(name, sizeof(name), "pkcs8-%s", names[i]);
		fuzz_write_seed(dir, name, inner);
		snprintf(name, sizeof(name), "protected-ca-%s", names[i]);
		fuzz_write_seed_free(dir, name,
				getcert_keypkg_protect(keys[i], fx.ca, fx.ca_key, client,
									   client_id));
		snprintf(name, sizeof(name), "protected-ra-%s", names[i]);
		fuzz_write_seed_free(dir, name,
				getcert_keypkg_protect(keys[i], fx.ra, fx.ra_key, client,
									   client_id));
		if (i == 0)
		{
			/* two keys, signed and encrypted */
			two = asn1_wrap(ASN1_SEQUENCE, "cc", inner, inner);
			fuzz_write_seed_free(dir, "package-two", two);
			fuzz_write_seed_free(dir, "protected-unsigned-data",
				getcert_cms_build_enveloped_ski(pkg, client, client_id));
		}
		chunk_clear(&pkg);
	}
	for (i = 0; i < countof(keys); i++)
	{
		keys[i]->destroy(keys[i]);
	}
	client->destroy(client);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	public_key_t *client;

	fuzz_init("fuzz_keypkg");
	signers = linked_list_create_with_items(fx.ca, fx.ra, NULL);
	client = fx.client_key->get_public_key(fx.client_key);
	if (!client || !getcert_keypkg_key_id(client, &client_id))
	{
		abort();
	}
	client->destroy(client);
	fuzz_seeds(write_seeds);
	return 0;
}

/**
 * Exercise a parsed key
 */
static void exercise(private_key_t *key)
{
	chunk_t enc;

	if (fuzz_debug)
	{
		fprintf(stderr, "%N key of %d bits\n", key_type_names,
				key->get_type(key), key->get_keysize(key));
	}
	if (key->get_encoding(key, PRIVKEY_ASN1_DER, &enc))
	{
		fuzz_touch(enc);
		chunk_clear(&enc);
	}
	key->destroy(key);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	private_key_t *key;
	chunk_t blob;

	/* libFuzzer passes an exactly sized heap copy, overreads are caught */
	blob = chunk_create((u_char*)data, size);

	if (getcert_keypkg_unprotect(blob, fx.client_key, signers,
								 &key) == GETCERT_OK)
	{
		exercise(key);
	}
	if (getcert_keypkg_parse(blob, FALSE, &key) == GETCERT_OK)
	{
		exercise(key);
	}
	if (getcert_keypkg_parse(blob, TRUE, &key) == GETCERT_OK)
	{
		exercise(key);
	}
	return 0;
}

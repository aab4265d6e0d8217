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
 * libFuzzer target: getcert_scep_parse_ca_certs() on a GetCACert reply. The
 * first input byte chooses the Content-Type (none, application/x-x509-ca-cert,
 * application/x-x509-ca-ra-cert), the rest is the body.
 */

#include "fuzz_common.h"

#include <getcert_scep.h>
#include <getcert_x509.h>
#include <getcert_cms_signed.h>

static char *types[] = {
	NULL,
	"application/x-x509-ca-cert",
	"application/x-x509-ca-ra-cert",
};

/**
 * Write a seed with a type selector byte
 */
static void seed(char *dir, char *name, u_char type, chunk_t body)
{
	fuzz_write_seed_free(dir, name,
						 chunk_cat("cc", chunk_from_thing(type), body));
}

static void write_seeds(char *dir)
{
	linked_list_t *certs;
	chunk_t der, p7;

	if (!fx.ca->get_encoding(fx.ca, CERT_ASN1_DER, &der))
	{
		abort();
	}
	certs = linked_list_create_with_items(fx.ca, fx.ra, fx.client, NULL);
	p7 = getcert_cms_build_certs_only(certs);
	certs->destroy(certs);

	seed(dir, "der-none", 0, der);
	seed(dir, "der-ca-cert", 1, der);
	seed(dir, "der-ca-ra-cert", 2, der);
	seed(dir, "p7-none", 0, p7);
	seed(dir, "p7-ca-cert", 1, p7);
	seed(dir, "p7-ca-ra-cert", 2, p7);
	chunk_free(&der);
	chunk_free(&p7);

	certs = linked_list_create();
	p7 = getcert_cms_build_certs_only(certs);
	certs->destroy(certs);
	seed(dir, "p7-empty", 2, p7);
	chunk_free(&p7);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_init("fuzz_ca_certs");
	fuzz_seeds(write_seeds);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enumerator_t *enumerator;
	linked_list_t *certs;
	certificate_t *cert;
	chunk_t body;
	char *type;
	u_int usage;
	bool ok;

	if (!size)
	{
		return 0;
	}
	type = types[data[0] % countof(types)];
	body = chunk_create((u_char*)data + 1, size - 1);

	certs = linked_list_create();
	ok = getcert_scep_parse_ca_certs(body, type, certs);
	if (ok != (certs->get_count(certs) > 0))
	{	/* TRUE if and only if at least one certificate was parsed */
		abort();
	}
	enumerator = certs->create_enumerator(certs);
	while (enumerator->enumerate(enumerator, &cert))
	{	/* what getcert does with them: compare, look at the key */
		public_key_t *public;

		fuzz_sink(cert->get_type(cert));
		fuzz_sink(cert->equals(cert, fx.ca));
		fuzz_sink(cert->has_subject(cert, fx.ca->get_subject(fx.ca)));
		/* the keyUsage an RA's role depends on */
		fuzz_sink(getcert_x509_key_usage(cert, &usage) + usage);
		fuzz_sink(getcert_x509_allows(cert, GETCERT_KU_KEY_ENCIPHERMENT));
		public = cert->get_public_key(cert);
		if (public)
		{
			fuzz_sink(public->get_keysize(public));
			public->destroy(public);
		}
	}
	enumerator->destroy(enumerator);
	certs->destroy_offset(certs, offsetof(certificate_t, destroy));
	return 0;
}

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

#include "getcert_x509.h"

#include <asn1/asn1.h>
#include <asn1/oid.h>

/**
 * Take the next element of a blob if it has the expected tag
 */
static bool take(chunk_t *blob, asn1_t tag, chunk_t *inner)
{
	if (!blob->len || blob->ptr[0] != tag)
	{
		return FALSE;
	}
	return asn1_unwrap(blob, inner) == tag;
}

/*
 * Described in header
 */
bool getcert_x509_extension(certificate_t *cert, int wanted, chunk_t *value)
{
	chunk_t der, blob, tbs, ext, exts, oid, elem;
	bool found = FALSE;

	*value = chunk_empty;
	if (cert->get_type(cert) != CERT_X509 ||
		!cert->get_encoding(cert, CERT_ASN1_DER, &der))
	{
		return FALSE;
	}
	blob = der;
	if (!take(&blob, ASN1_SEQUENCE, &blob) ||
		!take(&blob, ASN1_SEQUENCE, &tbs))
	{
		chunk_free(&der);
		return FALSE;
	}
	/* skip everything up to the [3] extensions; an element that does not
	 * parse ends the search (it is never skipped forever) */
	while (tbs.len && tbs.ptr[0] != ASN1_CONTEXT_C_3)
	{
		if (asn1_unwrap(&tbs, &elem) == ASN1_INVALID)
		{
			tbs = chunk_empty;
		}
	}
	if (take(&tbs, ASN1_CONTEXT_C_3, &exts) &&
		take(&exts, ASN1_SEQUENCE, &exts))
	{
		while (!found && take(&exts, ASN1_SEQUENCE, &ext) &&
			   take(&ext, ASN1_OID, &oid))
		{
			if (asn1_known_oid(oid) != wanted)
			{
				continue;
			}
			found = TRUE;
			if (ext.len && ext.ptr[0] == ASN1_BOOLEAN &&
				asn1_unwrap(&ext, &elem) != ASN1_BOOLEAN)
			{
				break;
			}
			if (take(&ext, ASN1_OCTET_STRING, &elem) && !ext.len)
			{
				*value = chunk_clone(elem);
			}
		}
	}
	chunk_free(&der);
	return found;
}

/**
 * Parse the keyUsage BIT STRING of an extension value
 */
static bool parse_key_usage(chunk_t value, u_int *usage)
{
	chunk_t bits;
	int i;

	*usage = 0;
	if (!take(&value, ASN1_BIT_STRING, &bits) || value.len ||
		bits.len < 1 || bits.len > 3 || bits.ptr[0] > 7)
	{
		return FALSE;
	}
	for (i = 0; i < 9 && i / 8 + 1 < bits.len; i++)
	{
		if (bits.ptr[1 + i / 8] & (0x80 >> (i % 8)))
		{
			*usage |= (1 << i);
		}
	}
	return TRUE;
}

/*
 * Described in header
 */
bool getcert_x509_key_usage(certificate_t *cert, u_int *usage)
{
	chunk_t value;
	bool ok;

	*usage = 0;
	if (!getcert_x509_extension(cert, OID_KEY_USAGE, &value))
	{
		return FALSE;
	}
	ok = parse_key_usage(value, usage);
	chunk_free(&value);
	return ok;
}

/*
 * Described in header
 */
bool getcert_x509_allows(certificate_t *cert, getcert_key_usage_t usage)
{
	chunk_t value;
	u_int bits;
	bool ok;

	if (!getcert_x509_extension(cert, OID_KEY_USAGE, &value))
	{
		return TRUE;
	}
	/* a keyUsage that does not parse allows nothing */
	ok = parse_key_usage(value, &bits) && (bits & usage);
	chunk_free(&value);
	return ok;
}

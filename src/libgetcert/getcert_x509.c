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

/**
 * Find the value of an extension in a certificate's DER encoding
 */
static bool find_extension(chunk_t der, int wanted, chunk_t *value)
{
	chunk_t cert, tbs, ext, exts, oid, elem;

	if (!take(&der, ASN1_SEQUENCE, &cert) ||
		!take(&cert, ASN1_SEQUENCE, &tbs))
	{
		return FALSE;
	}
	/* skip everything up to the [3] extensions */
	while (tbs.len && tbs.ptr[0] != ASN1_CONTEXT_C_3)
	{
		if (asn1_unwrap(&tbs, &elem) == ASN1_INVALID)
		{
			return FALSE;
		}
	}
	if (!take(&tbs, ASN1_CONTEXT_C_3, &exts) ||
		!take(&exts, ASN1_SEQUENCE, &exts))
	{
		return FALSE;
	}
	while (take(&exts, ASN1_SEQUENCE, &ext))
	{
		if (!take(&ext, ASN1_OID, &oid))
		{
			return FALSE;
		}
		if (ext.len && ext.ptr[0] == ASN1_BOOLEAN &&
			asn1_unwrap(&ext, &elem) != ASN1_BOOLEAN)
		{
			return FALSE;
		}
		if (asn1_known_oid(oid) == wanted)
		{
			return take(&ext, ASN1_OCTET_STRING, value) && !ext.len;
		}
	}
	return FALSE;
}

/*
 * Described in header
 */
bool getcert_x509_key_usage(certificate_t *cert, u_int *usage)
{
	chunk_t der, value, bits;
	bool ok = FALSE;
	int i;

	*usage = 0;
	if (cert->get_type(cert) != CERT_X509 ||
		!cert->get_encoding(cert, CERT_ASN1_DER, &der))
	{
		return FALSE;
	}
	if (find_extension(der, OID_KEY_USAGE, &value) &&
		take(&value, ASN1_BIT_STRING, &bits) && !value.len &&
		bits.len >= 1 && bits.len <= 3 && bits.ptr[0] < 8)
	{
		for (i = 0; i < 9 && i / 8 + 1 < bits.len; i++)
		{
			if (bits.ptr[1 + i / 8] & (0x80 >> (i % 8)))
			{
				*usage |= (1 << i);
			}
		}
		ok = TRUE;
	}
	chunk_free(&der);
	return ok;
}

/*
 * Described in header
 */
bool getcert_x509_allows(certificate_t *cert, getcert_key_usage_t usage)
{
	u_int bits;

	return !getcert_x509_key_usage(cert, &bits) || (bits & usage);
}

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

#include <ctype.h>

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

/**
 * Extended key usages by OID
 */
static const struct {
	chunk_t oid;
	getcert_eku_t usage;
} ekus[] = {
	{ chunk_from_chars(0x55,0x1d,0x25,0x00), GETCERT_EKU_ANY },
	{ chunk_from_chars(0x2b,0x06,0x01,0x05,0x05,0x07,0x03,0x01),
	  GETCERT_EKU_SERVER_AUTH },
	{ chunk_from_chars(0x2b,0x06,0x01,0x05,0x05,0x07,0x03,0x02),
	  GETCERT_EKU_CLIENT_AUTH },
	{ chunk_from_chars(0x2b,0x06,0x01,0x05,0x05,0x07,0x03,0x11),
	  GETCERT_EKU_IPSEC_IKE },
	{ chunk_from_chars(0x2b,0x06,0x01,0x05,0x05,0x08,0x02,0x02),
	  GETCERT_EKU_IKE_INTERMEDIATE },
};

/*
 * Described in header
 */
bool getcert_x509_eku(certificate_t *cert, u_int *usage)
{
	chunk_t value, blob, seq, oid;
	bool ok;
	int i;

	*usage = 0;
	if (!getcert_x509_extension(cert, OID_EXTENDED_KEY_USAGE, &value))
	{
		return FALSE;
	}
	blob = value;
	ok = take(&blob, ASN1_SEQUENCE, &seq) && !blob.len && seq.len;
	while (ok && seq.len)
	{
		ok = take(&seq, ASN1_OID, &oid) && oid.len;
		for (i = 0; ok && i < countof(ekus); i++)
		{
			if (chunk_equals(oid, ekus[i].oid))
			{
				*usage |= ekus[i].usage;
				break;
			}
		}
		if (ok && i == countof(ekus))
		{
			*usage |= GETCERT_EKU_OTHER;
		}
	}
	chunk_free(&value);
	if (!ok)
	{
		*usage = 0;
	}
	return ok;
}

/*
 * Described in header
 */
bool getcert_x509_fingerprint(certificate_t *cert, chunk_t *fp)
{
	hasher_t *hasher;
	chunk_t der;
	bool ok;

	*fp = chunk_empty;
	hasher = lib->crypto->create_hasher(lib->crypto, HASH_SHA256);
	if (!hasher)
	{
		return FALSE;
	}
	if (!cert->get_encoding(cert, CERT_ASN1_DER, &der))
	{
		hasher->destroy(hasher);
		return FALSE;
	}
	ok = hasher->allocate_hash(hasher, der, fp);
	hasher->destroy(hasher);
	chunk_free(&der);
	return ok;
}

/*
 * Described in header
 */
bool getcert_x509_parse_fingerprints(char *str, chunk_t *fps)
{
	char hex[2 * HASH_SIZE_SHA256];
	chunk_t fp;
	int len = 0;

	*fps = chunk_empty;
	for (;; str++)
	{
		if (*str == ':')
		{
			continue;
		}
		if (!*str || *str == ',' || isspace(*str))
		{
			if (len == sizeof(hex))
			{
				fp = chunk_from_hex(chunk_create(hex, len), NULL);
				*fps = chunk_cat("mm", *fps, fp);
				len = 0;
			}
			else if (len)
			{
				break;
			}
			if (!*str)
			{
				return fps->len > 0;
			}
			continue;
		}
		if (!isxdigit(*str) || len == sizeof(hex))
		{
			break;
		}
		hex[len++] = *str;
	}
	chunk_free(fps);
	return FALSE;
}

/*
 * Described in header
 */
bool getcert_x509_fingerprint_listed(certificate_t *cert, chunk_t fps)
{
	chunk_t fp;
	bool listed = FALSE;
	size_t i;

	if (!fps.len || !getcert_x509_fingerprint(cert, &fp))
	{
		return FALSE;
	}
	for (i = 0; i + fp.len <= fps.len; i += fp.len)
	{
		listed |= chunk_equals(fp, chunk_create(fps.ptr + i, fp.len));
	}
	chunk_free(&fp);
	return listed;
}

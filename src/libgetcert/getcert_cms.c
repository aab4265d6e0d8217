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


#include "getcert_cms.h"

#include <utils/debug.h>
#include <asn1/oid.h>
#include <credentials/certificates/x509.h>

/*
 * Described in header
 */
char *getcert_cms_oid_name(int oid)
{
	return oid == OID_UNKNOWN ? "(unknown)" : (char*)oid_names[oid].name;
}

/*
 * Described in header
 */
bool getcert_cms_take(chunk_t *blob, asn1_t tag, chunk_t *inner,
					  chunk_t *tlv)
{
	chunk_t rest = *blob, in;

	if (!blob->len || blob->ptr[0] != tag ||
		asn1_unwrap(&rest, &in) != tag)
	{
		return FALSE;
	}
	if (tlv)
	{
		*tlv = chunk_create(blob->ptr, blob->len - rest.len);
	}
	/* assigned last, so that inner may be blob */
	*blob = rest;
	*inner = in;
	return TRUE;
}

/*
 * Described in header
 */
bool getcert_cms_take_alg(chunk_t *blob, int *oid, chunk_t *params)
{
	chunk_t seq, obj;

	if (!getcert_cms_take(blob, ASN1_SEQUENCE, &seq, NULL) ||
		!getcert_cms_take(&seq, ASN1_OID, &obj, NULL))
	{
		return FALSE;
	}
	*oid = asn1_known_oid(obj);
	if (params)
	{
		*params = seq;
		return TRUE;
	}
	return !seq.len || (seq.len == 2 && seq.ptr[0] == ASN1_NULL &&
						seq.ptr[1] == 0);
}

/*
 * Described in header
 */
bool getcert_cms_unwrap(chunk_t blob, int type, chunk_t *content)
{
	chunk_t seq, oid;

	if (!getcert_cms_take(&blob, ASN1_SEQUENCE, &seq, NULL) || blob.len ||
		!getcert_cms_take(&seq, ASN1_OID, &oid, NULL) ||
		!getcert_cms_take(&seq, ASN1_CONTEXT_C_0, content, NULL) || seq.len)
	{
		DBG1(DBG_LIB, "CMS: malformed ContentInfo");
		return FALSE;
	}
	if (asn1_known_oid(oid) != type)
	{
		DBG1(DBG_LIB, "CMS: ContentInfo does not hold %s",
			 type == OID_PKCS7_SIGNED_DATA ? "SignedData" : "EnvelopedData");
		return FALSE;
	}
	return TRUE;
}

/*
 * Described in header
 */
chunk_t getcert_cms_wrap(int type, chunk_t content)
{
	return asn1_wrap(ASN1_SEQUENCE, "mm", asn1_build_known_oid(type),
					 asn1_wrap(ASN1_CONTEXT_C_0, "m", content));
}

/**
 * Strip leading zero bytes of an INTEGER's contents
 */
static chunk_t strip_zeros(chunk_t num)
{
	while (num.len && num.ptr[0] == 0)
	{
		num = chunk_skip(num, 1);
	}
	return num;
}

/*
 * Described in header
 */
bool getcert_cms_id_matches(certificate_t *cert, chunk_t sid)
{
	identification_t *issuer;
	chunk_t inner, name, serial;
	x509_t *x509;
	bool match;

	if (cert->get_type(cert) != CERT_X509)
	{
		return FALSE;
	}
	x509 = (x509_t*)cert;
	if (getcert_cms_take(&sid, ASN1_CONTEXT_S_0, &inner, NULL))
	{
		return !sid.len && inner.len &&
			   chunk_equals(inner, x509->get_subjectKeyIdentifier(x509));
	}
	if (!getcert_cms_take(&sid, ASN1_SEQUENCE, &inner, NULL) || sid.len ||
		!getcert_cms_take(&inner, ASN1_SEQUENCE, &serial, &name) ||
		!getcert_cms_take(&inner, ASN1_INTEGER, &serial, NULL) || inner.len)
	{
		return FALSE;
	}
	if (!chunk_equals(strip_zeros(serial),
					  strip_zeros(x509->get_serial(x509))))
	{
		return FALSE;
	}
	issuer = identification_create_from_encoding(ID_DER_ASN1_DN, name);
	match = issuer->equals(issuer, cert->get_issuer(cert));
	issuer->destroy(issuer);
	return match;
}

/*
 * Described in header
 */
chunk_t getcert_cms_issuer_serial(certificate_t *cert)
{
	identification_t *issuer = cert->get_issuer(cert);
	x509_t *x509 = (x509_t*)cert;

	return asn1_wrap(ASN1_SEQUENCE, "cm",
					 issuer->get_encoding(issuer),
					 asn1_integer("c", x509->get_serial(x509)));
}

/*
 * Described in header
 */
chunk_t getcert_cms_attribute(int oid, chunk_t value)
{
	return asn1_wrap(ASN1_SEQUENCE, "mm", asn1_build_known_oid(oid),
					 asn1_wrap(ASN1_SET, "m", value));
}

/**
 * Compare two encodings in DER SET OF order (X.690 11.6): as octet
 * strings, the shorter one padded with zeros at the end
 */
static int cmp_der(const void *a, const void *b)
{
	const chunk_t *x = a, *y = b;
	int diff;

	diff = memcmp(x->ptr, y->ptr, min(x->len, y->len));
	if (diff)
	{
		return diff;
	}
	return (int)x->len - (int)y->len;
}

/*
 * Described in header
 */
chunk_t getcert_cms_sort_set(chunk_t elements)
{
	chunk_t rest, inner, *list, sorted;
	u_char *pos;
	int count = 0, i;

	for (rest = elements; rest.len; count++)
	{
		if (asn1_unwrap(&rest, &inner) == ASN1_INVALID)
		{
			return chunk_empty;
		}
	}
	if (!count)
	{
		return chunk_empty;
	}
	list = calloc(count, sizeof(chunk_t));
	for (rest = elements, i = 0; i < count; i++)
	{	/* rest.ptr is NULL after the last one */
		list[i] = rest;
		asn1_unwrap(&rest, &inner);
		list[i].len -= rest.len;
	}
	qsort(list, count, sizeof(chunk_t), cmp_der);
	sorted = chunk_alloc(elements.len);
	for (pos = sorted.ptr, i = 0; i < count; i++)
	{
		memcpy(pos, list[i].ptr, list[i].len);
		pos += list[i].len;
	}
	free(list);
	return sorted;
}

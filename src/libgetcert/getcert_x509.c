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
#include "getcert_cms.h"
#include "getcert_serial.h"

#include <ctype.h>
#include <time.h>

#include <asn1/asn1.h>
#include <asn1/oid.h>
#include <utils/debug.h>

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
	if (!getcert_cms_take(&blob, ASN1_SEQUENCE, &blob, NULL) ||
		!getcert_cms_take(&blob, ASN1_SEQUENCE, &tbs, NULL))
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
	if (getcert_cms_take(&tbs, ASN1_CONTEXT_C_3, &exts, NULL) &&
		getcert_cms_take(&exts, ASN1_SEQUENCE, &exts, NULL))
	{
		while (!found && getcert_cms_take(&exts, ASN1_SEQUENCE, &ext, NULL) &&
			   getcert_cms_take(&ext, ASN1_OID, &oid, NULL))
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
			if (getcert_cms_take(&ext, ASN1_OCTET_STRING, &elem, NULL) &&
				!ext.len)
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
	if (!getcert_cms_take(&value, ASN1_BIT_STRING, &bits, NULL) || value.len ||
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
 * Build the GeneralName of an identity, chunk_empty if not supported
 */
static chunk_t general_name(identification_t *id)
{
	switch (id->get_type(id))
	{
		case ID_RFC822_ADDR:
			return asn1_wrap(ASN1_CONTEXT_S_1, "c", id->get_encoding(id));
		case ID_FQDN:
			return asn1_wrap(ASN1_CONTEXT_S_2, "c", id->get_encoding(id));
		case ID_DER_ASN1_DN:
			return asn1_wrap(ASN1_CONTEXT_C_4, "c", id->get_encoding(id));
		case ID_IPV4_ADDR:
		case ID_IPV6_ADDR:
			return asn1_wrap(ASN1_CONTEXT_S_7, "c", id->get_encoding(id));
		default:
			return chunk_empty;
	}
}

/*
 * Described in header
 */
chunk_t getcert_x509_general_names(linked_list_t *ids)
{
	enumerator_t *enumerator;
	identification_t *id;
	chunk_t names = chunk_empty, name;

	if (!ids)
	{
		return chunk_empty;
	}
	enumerator = ids->create_enumerator(ids);
	while (enumerator->enumerate(enumerator, &id))
	{	/* chunk_cat() evaluates its arguments twice */
		name = general_name(id);
		names = chunk_cat("mm", names, name);
	}
	enumerator->destroy(enumerator);
	return names.len ? asn1_wrap(ASN1_SEQUENCE, "m", names) : chunk_empty;
}

/**
 * Build the extensionRequest attribute for subjectAltNames, chunk_empty
 * if there are none
 */
static chunk_t extension_request(linked_list_t *sans)
{
	chunk_t names;

	names = getcert_x509_general_names(sans);
	if (!names.len)
	{
		return chunk_empty;
	}
	return getcert_cms_attribute(OID_EXTENSION_REQUEST,
				asn1_wrap(ASN1_SEQUENCE, "m",
					asn1_wrap(ASN1_SEQUENCE, "mm",
						asn1_build_known_oid(OID_SUBJECT_ALT_NAME),
						asn1_wrap(ASN1_OCTET_STRING, "m", names))));
}

/*
 * Described in header
 */
chunk_t getcert_x509_build_csr(private_key_t *key, identification_t *subject,
							   linked_list_t *sans, chunk_t password,
							   hash_algorithm_t digest)
{
	return getcert_x509_build_csr_attrs(key, subject, sans, password,
										chunk_empty, digest);
}

/*
 * Described in header
 */
chunk_t getcert_x509_build_csr_attrs(private_key_t *key,
									 identification_t *subject,
									 linked_list_t *sans, chunk_t password,
									 chunk_t more, hash_algorithm_t digest)
{
	signature_params_t params = {};
	public_key_t *public;
	chunk_t spki, ext_req, challenge = chunk_empty, attrs, sorted, info;
	chunk_t alg, signature, der;

	params.scheme = signature_scheme_from_oid(
			hasher_signature_algorithm_to_oid(digest, key->get_type(key)));
	if (params.scheme == SIGN_UNKNOWN ||
		!signature_params_build(&params, &alg))
	{
		return chunk_empty;
	}
	public = key->get_public_key(key);
	if (!public || !public->get_encoding(public, PUBKEY_SPKI_ASN1_DER, &spki))
	{
		DESTROY_IF(public);
		chunk_free(&alg);
		return chunk_empty;
	}
	public->destroy(public);

	ext_req = extension_request(sans);
	if (password.len)
	{
		challenge = asn1_wrap(ASN1_SEQUENCE, "ms",
						asn1_build_known_oid(OID_CHALLENGE_PASSWORD),
						asn1_wrap(ASN1_SET, "s",
							asn1_wrap(ASN1_UTF8STRING, "c", password)));
	}
	/* Attributes is a SET OF: sorted, whatever the attributes are */
	attrs = chunk_cat("msc", ext_req, challenge, more);
	sorted = getcert_cms_sort_set(attrs);
	if (attrs.len && !sorted.len)
	{
		chunk_clear(&attrs);
		chunk_free(&spki);
		chunk_free(&alg);
		return chunk_empty;
	}
	chunk_clear(&attrs);
	info = asn1_wrap(ASN1_SEQUENCE, "ccms",
					 ASN1_INTEGER_0, subject->get_encoding(subject), spki,
					 asn1_wrap(ASN1_CONTEXT_C_0, "s", sorted));
	if (!key->sign(key, params.scheme, NULL, info, &signature))
	{
		chunk_clear(&info);
		chunk_free(&alg);
		return chunk_empty;
	}
	der = asn1_wrap(ASN1_SEQUENCE, "cmm", info, alg,
					asn1_bitstring("m", signature));
	chunk_clear(&info);
	return der;
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
	{	/* no restriction */
		return TRUE;
	}
	blob = value;
	ok = getcert_cms_take(&blob, ASN1_SEQUENCE, &seq, NULL) && !blob.len &&
		 seq.len;
	while (ok && seq.len)
	{
		ok = getcert_cms_take(&seq, ASN1_OID, &oid, NULL) && oid.len;
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

/**
 * Whether the extendedKeyUsage (if any) allows IKE (RFC 4945 5.1.3.12):
 * any, serverAuth, clientAuth, ipsecIKE, iKEIntermediate
 */
static bool eku_allows_ike(certificate_t *cert)
{
	u_int usage;

	return getcert_x509_eku(cert, &usage) &&
		   (!usage || (usage & (GETCERT_EKU_ANY | GETCERT_EKU_SERVER_AUTH |
								GETCERT_EKU_CLIENT_AUTH |
								GETCERT_EKU_IPSEC_IKE |
								GETCERT_EKU_IKE_INTERMEDIATE)));
}

/*
 * Described in header
 */
bool getcert_key_matches(certificate_t *cert, private_key_t *key)
{
	public_key_t *public;
	bool match;

	public = cert->get_public_key(cert);
	match = public && key->belongs_to(key, public);
	DESTROY_IF(public);
	return match;
}

/*
 * Described in header
 */
getcert_err_t getcert_check_issued(certificate_t *cert, private_key_t *key,
								   certificate_t *ca,
								   identification_t *identity,
								   u_int max_skew)
{
	time_t now, not_before, not_after;

	if (!getcert_key_matches(cert, key))
	{
		DBG1(DBG_LIB, "issued certificate '%Y' is not for our key",
			 cert->get_subject(cert));
		return GETCERT_ERR_CERT_KEY;
	}
	if (!cert->issued_by(cert, ca, NULL))
	{
		DBG1(DBG_LIB, "issued certificate '%Y' is not signed by CA '%Y'",
			 cert->get_subject(cert), ca->get_subject(ca));
		return GETCERT_ERR_CERT_CHAIN;
	}
	if (cert->has_subject(cert, identity) != ID_MATCH_PERFECT)
	{
		DBG1(DBG_LIB, "issued certificate '%Y' does not carry identity '%Y'",
			 cert->get_subject(cert), identity);
		return GETCERT_ERR_CERT_IDENTITY;
	}
	if (!eku_allows_ike(cert))
	{
		DBG1(DBG_LIB, "issued certificate '%Y' has an extended key usage "
			 "that excludes IKE", cert->get_subject(cert));
		return GETCERT_ERR_CERT_IDENTITY;
	}
	now = time(NULL);
	cert->get_validity(cert, &now, &not_before, &not_after);
	if (not_after <= not_before || not_after <= now)
	{
		DBG1(DBG_LIB, "issued certificate '%Y' is not valid: %T to %T",
			 cert->get_subject(cert), &not_before, FALSE, &not_after, FALSE);
		return GETCERT_ERR_CERT_VALIDITY;
	}
	if (not_before > now)
	{
		if (not_before - now > max_skew)
		{
			DBG1(DBG_LIB, "issued certificate '%Y' is valid only from %T, "
				 "our clock is %ds behind the CA's", cert->get_subject(cert),
				 &not_before, FALSE, (int)(not_before - now));
			return GETCERT_ERR_CERT_VALIDITY;
		}
		DBG1(DBG_LIB, "warning: issued certificate '%Y' is valid from %T, "
			 "our clock is about %ds behind the CA's",
			 cert->get_subject(cert), &not_before, FALSE,
			 (int)(not_before - now));
	}
	return GETCERT_OK;
}

/*
 * Described in header
 */
certificate_t *getcert_x509_self_signed(identification_t *subject,
										private_key_t *key, time_t not_before,
										time_t not_after)
{
	certificate_t *cert;
	public_key_t *public;
	chunk_t serial;

	serial = getcert_serial_create();
	public = key->get_public_key(key);
	if (!public || !serial.len)
	{
		DESTROY_IF(public);
		chunk_free(&serial);
		return NULL;
	}
	cert = lib->creds->create(lib->creds, CRED_CERTIFICATE, CERT_X509,
							  BUILD_SIGNING_KEY, key, BUILD_PUBLIC_KEY, public,
							  BUILD_SUBJECT, subject,
							  BUILD_SERIAL, serial,
							  BUILD_NOT_BEFORE_TIME, not_before,
							  BUILD_NOT_AFTER_TIME, not_after,
							  BUILD_DIGEST_ALG, HASH_SHA256, BUILD_END);
	public->destroy(public);
	chunk_free(&serial);
	return cert;
}

/*
 * Described in header
 */
certificate_t *getcert_self_signed(identification_t *subject,
								   private_key_t *key)
{
	time_t now = time(NULL);

	return getcert_x509_self_signed(subject, key, now - 300,
									now + 7 * 24 * 3600);
}

/**
 * Deepest nesting of SEQUENCEs getcert_x509_der_canonical() accepts
 */
#define DER_MAX_DEPTH 16

/**
 * Take the next element of a blob if its header is canonical: a definite
 * length in the fewest octets (X.690 10.1), within the blob
 */
static bool der_take(chunk_t *blob, u_char *tag, chunk_t *content)
{
	size_t len, i, n;

	if (blob->len < 2)
	{
		return FALSE;
	}
	*tag = blob->ptr[0];
	len = blob->ptr[1];
	i = 2;
	if (len & 0x80)
	{	/* 0x80 is the indefinite form; four octets are plenty here */
		n = len & 0x7f;
		if (n == 0 || n > 4 || blob->len - 2 < n || blob->ptr[2] == 0)
		{
			return FALSE;
		}
		for (len = 0; i < 2 + n; i++)
		{
			len = (len << 8) | blob->ptr[i];
		}
		if (len < 0x80)
		{	/* the short form is the only DER one */
			return FALSE;
		}
	}
	if (blob->len - i < len)
	{
		return FALSE;
	}
	*content = chunk_create(blob->ptr + i, len);
	*blob = chunk_skip(*blob, i + len);
	return TRUE;
}

/**
 * Whether the contents of an element are canonical for its tag
 */
static bool der_contents(u_char tag, chunk_t content, int depth)
{
	chunk_t inner;
	u_char unused;
	size_t i;

	switch (tag)
	{
		case ASN1_SEQUENCE:
			if (depth >= DER_MAX_DEPTH)
			{
				return FALSE;
			}
			while (content.len)
			{
				if (!der_take(&content, &tag, &inner) ||
					!der_contents(tag, inner, depth + 1))
				{
					return FALSE;
				}
			}
			return TRUE;
		case ASN1_INTEGER:
			/* X.690 8.3.2: the first nine bits are never all equal */
			return content.len == 1 ||
				   (content.len > 1 &&
					!(content.ptr[0] == 0x00 && !(content.ptr[1] & 0x80)) &&
					!(content.ptr[0] == 0xff && (content.ptr[1] & 0x80)));
		case ASN1_BIT_STRING:
			/* X.690 8.6.2.2, 8.6.2.3, 11.2.1 */
			if (!content.len || content.ptr[0] > 7)
			{
				return FALSE;
			}
			unused = content.ptr[0];
			if (content.len == 1)
			{
				return unused == 0;
			}
			return !(content.ptr[content.len - 1] & ((1 << unused) - 1));
		case ASN1_OCTET_STRING:
			return TRUE;
		case ASN1_NULL:
			return content.len == 0;
		case ASN1_OID:
			/* X.690 8.19.2: subidentifiers in the fewest octets, each
			 * ending with an octet without bit 8 */
			if (!content.len || (content.ptr[content.len - 1] & 0x80))
			{
				return FALSE;
			}
			for (i = 0; i < content.len; i++)
			{
				if (content.ptr[i] == 0x80 &&
					(i == 0 || !(content.ptr[i - 1] & 0x80)))
				{
					return FALSE;
				}
			}
			return TRUE;
		default:
			return FALSE;
	}
}

/*
 * Described in header
 */
bool getcert_x509_der_canonical(chunk_t der)
{
	chunk_t content;
	u_char tag;

	return der_take(&der, &tag, &content) && !der.len &&
		   der_contents(tag, content, 0);
}

/**
 * OIDs (contents of the encoding) of the keys getcert_x509_spki_usable()
 * checks: rsaEncryption, id-ecPublicKey and its named curves, id-Ed25519
 * and id-Ed448. Compared whole: asn1_known_oid() also matches OIDs that
 * merely start with a known one.
 */
static const chunk_t oid_rsa = chunk_from_chars(
	0x2a,0x86,0x48,0x86,0xf7,0x0d,0x01,0x01,0x01);
static const chunk_t oid_ec = chunk_from_chars(
	0x2a,0x86,0x48,0xce,0x3d,0x02,0x01);
static const chunk_t oid_ed25519 = chunk_from_chars(0x2b,0x65,0x70);
static const chunk_t oid_ed448 = chunk_from_chars(0x2b,0x65,0x71);

/**
 * Named curves with the key size strongSwan reports for them
 */
static const struct {
	chunk_t oid;
	int keysize;
} curves[] = {
	{ chunk_from_chars(0x2a,0x86,0x48,0xce,0x3d,0x03,0x01,0x07), 256 },
	{ chunk_from_chars(0x2b,0x81,0x04,0x00,0x22), 384 },
	{ chunk_from_chars(0x2b,0x81,0x04,0x00,0x23), 521 },
};

/**
 * Split a SubjectPublicKeyInfo into algorithm OID, parameters (the
 * encodings after the OID, empty if absent) and the subjectPublicKey's
 * octets; FALSE if the BIT STRING has unused bits
 */
static bool spki_parts(chunk_t spki, chunk_t *oid, chunk_t *params,
					   chunk_t *key)
{
	chunk_t seq, alg;

	if (!getcert_cms_take(&spki, ASN1_SEQUENCE, &seq, NULL) || spki.len ||
		!getcert_cms_take(&seq, ASN1_SEQUENCE, &alg, NULL) ||
		!getcert_cms_take(&alg, ASN1_OID, oid, NULL) ||
		!getcert_cms_take(&seq, ASN1_BIT_STRING, key, NULL) || seq.len ||
		!key->len || key->ptr[0] != 0)
	{
		return FALSE;
	}
	*params = alg;
	*key = chunk_skip(*key, 1);
	return TRUE;
}

/**
 * Whether a subjectPublicKey is a canonical RSAPublicKey (RFC 8017 A.1.1)
 * of positive INTEGERs with a modulus of the key size
 */
static bool rsa_key_ok(chunk_t key, int keysize)
{
	chunk_t seq, n, e;
	int bits;
	u_char top;

	if (!getcert_x509_der_canonical(key) ||
		!getcert_cms_take(&key, ASN1_SEQUENCE, &seq, NULL) ||
		!getcert_cms_take(&seq, ASN1_INTEGER, &n, NULL) ||
		!getcert_cms_take(&seq, ASN1_INTEGER, &e, NULL) || seq.len ||
		(n.ptr[0] & 0x80) || (e.ptr[0] & 0x80))
	{
		return FALSE;
	}
	if (n.ptr[0] == 0)
	{	/* minimal, hence followed by an octet with bit 8 set */
		n = chunk_skip(n, 1);
	}
	if (!n.len || !n.ptr[0])
	{
		return FALSE;
	}
	bits = (n.len - 1) * 8;
	for (top = n.ptr[0]; top; top >>= 1)
	{
		bits++;
	}
	return bits == keysize;
}

/**
 * Whether EC parameters name a curve of the key size and the point is
 * uncompressed with coordinates of its length (SEC 1 2.3.3)
 */
static bool ec_key_ok(chunk_t params, chunk_t key, int keysize)
{
	chunk_t curve;
	int i;

	if (!getcert_cms_take(&params, ASN1_OID, &curve, NULL) || params.len)
	{
		return FALSE;
	}
	for (i = 0; i < countof(curves); i++)
	{
		if (chunk_equals(curve, curves[i].oid))
		{
			return curves[i].keysize == keysize &&
				   key.len == 1 + 2 * ((keysize + 7) / 8) &&
				   key.ptr[0] == 0x04;
		}
	}
	return FALSE;
}

/*
 * Described in header
 */
bool getcert_x509_spki_usable(chunk_t spki, public_key_t *public)
{
	chunk_t oid, params, key;

	if (!getcert_x509_der_canonical(spki) ||
		!spki_parts(spki, &oid, &params, &key))
	{
		return FALSE;
	}
	switch (public->get_type(public))
	{
		case KEY_RSA:
			/* RFC 3279 2.3.1: the parameters MUST be NULL */
			return chunk_equals(oid, oid_rsa) &&
				   chunk_equals(params, chunk_from_chars(0x05,0x00)) &&
				   rsa_key_ok(key, public->get_keysize(public));
		case KEY_ECDSA:
			return chunk_equals(oid, oid_ec) &&
				   ec_key_ok(params, key, public->get_keysize(public));
		case KEY_ED25519:
			/* RFC 8410 3: the parameters MUST be absent */
			return chunk_equals(oid, oid_ed25519) && !params.len &&
				   key.len == 32;
		case KEY_ED448:
			return chunk_equals(oid, oid_ed448) && !params.len &&
				   key.len == 57;
		default:
			return FALSE;
	}
}

/*
 * Described in header
 */
bool getcert_x509_csr_spki(certificate_t *csr, chunk_t *spki)
{
	public_key_t *public;
	chunk_t der, blob, info, elem, tlv;
	bool ok = FALSE;

	*spki = chunk_empty;
	if (csr->get_type(csr) != CERT_PKCS10_REQUEST ||
		!csr->get_encoding(csr, CERT_ASN1_DER, &der))
	{
		return FALSE;
	}
	/* CertificationRequest: certificationRequestInfo: version, subject,
	 * subjectPKInfo (RFC 2986 4) */
	blob = der;
	if (getcert_cms_take(&blob, ASN1_SEQUENCE, &blob, NULL) &&
		getcert_cms_take(&blob, ASN1_SEQUENCE, &info, NULL) &&
		getcert_cms_take(&info, ASN1_INTEGER, &elem, NULL) &&
		getcert_cms_take(&info, ASN1_SEQUENCE, &elem, NULL) &&
		getcert_cms_take(&info, ASN1_SEQUENCE, &elem, &tlv))
	{
		public = csr->get_public_key(csr);
		if (public && getcert_x509_spki_usable(tlv, public))
		{
			*spki = chunk_clone(tlv);
			ok = TRUE;
		}
		DESTROY_IF(public);
	}
	if (!ok)
	{
		DBG2(DBG_LIB, "subjectPublicKeyInfo of CSR '%Y' not taken as is",
			 csr->get_subject(csr));
	}
	chunk_free(&der);
	return ok;
}

/*
 * Described in header
 */
bool getcert_x509_spki_keyid(chunk_t spki, chunk_t *keyid)
{
	hasher_t *hasher;
	chunk_t oid, params, key;
	bool ok;

	*keyid = chunk_empty;
	if (!spki_parts(spki, &oid, &params, &key))
	{
		return FALSE;
	}
	hasher = lib->crypto->create_hasher(lib->crypto, HASH_SHA1);
	if (!hasher)
	{
		return FALSE;
	}
	ok = hasher->allocate_hash(hasher, key, keyid);
	hasher->destroy(hasher);
	if (!ok)
	{
		*keyid = chunk_empty;
	}
	return ok;
}

/*
 * Described in header
 */
bool getcert_x509_key_id(certificate_t *cert, chunk_t *keyid)
{
	public_key_t *public;
	chunk_t spki, fp;
	bool ok = FALSE;

	*keyid = chunk_empty;
	if (getcert_x509_csr_spki(cert, &spki))
	{
		ok = getcert_x509_spki_keyid(spki, keyid);
		chunk_free(&spki);
		if (ok)
		{
			return TRUE;
		}
	}
	public = cert->get_public_key(cert);
	if (public)
	{
		if (public->get_fingerprint(public, KEYID_PUBKEY_SHA1, &fp))
		{
			*keyid = chunk_clone(fp);
			ok = TRUE;
		}
		public->destroy(public);
	}
	return ok;
}

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

#include "getcert_est.h"
#include "getcert_cms_signed.h"

#include <ctype.h>

#include <asn1/asn1.h>
#include <asn1/oid.h>
#include <utils/debug.h>

/**
 * Longest header line of a multipart part we accept
 */
#define MAX_PART_HEADER 1024

/**
 * Most header lines of a part
 */
#define MAX_PART_HEADERS 16

/**
 * Longest multipart boundary (RFC 2046 5.1.1)
 */
#define MAX_BOUNDARY 70

/**
 * Whether a character is of the base64 alphabet (RFC 4648 4)
 */
static bool is_b64(u_char c)
{
	/* ASCII only, whatever the locale says of isalnum() */
	return c < 0x80 && (isalnum(c) || c == '+' || c == '/');
}

/*
 * Described in header
 */
getcert_err_t getcert_est_decode(chunk_t body, char *encoding, chunk_t *der)
{
	chunk_t clean;
	size_t i, pad = 0;

	*der = chunk_empty;
	if (encoding && !strcaseeq(encoding, "base64"))
	{
		DBG1(DBG_LIB, "EST: Content-Transfer-Encoding '%s' refused, only "
			 "base64 is accepted", encoding);
		return GETCERT_ERR_MALFORMED;
	}
	clean = chunk_alloc(body.len);
	clean.len = 0;
	for (i = 0; i < body.len; i++)
	{
		u_char c = body.ptr[i];

		if (c == '\r' || c == '\n' || c == ' ' || c == '\t')
		{
			continue;
		}
		if (c == '=')
		{
			pad++;
		}
		else if (!is_b64(c) || pad)
		{	/* not base64, or data after the padding */
			DBG1(DBG_LIB, "EST: body is not base64 (byte 0x%02x at offset "
				 "%zu)", c, i);
			chunk_clear(&clean);
			return GETCERT_ERR_MALFORMED;
		}
		clean.ptr[clean.len++] = c;
	}
	if (!clean.len || clean.len % 4 || pad > 2)
	{
		DBG1(DBG_LIB, "EST: body is not base64 (%zu characters, %zu padding)",
			 clean.len, pad);
		chunk_clear(&clean);
		return GETCERT_ERR_MALFORMED;
	}
	/* wiped: a body may be a private key (application/pkcs8) */
	*der = chunk_from_base64(clean, NULL);
	chunk_clear(&clean);
	if (!der->len)
	{
		chunk_free(der);
		return GETCERT_ERR_MALFORMED;
	}
	return GETCERT_OK;
}

/*
 * Described in header
 */
getcert_err_t getcert_est_parse_certs(chunk_t der, linked_list_t *certs)
{
	if (!getcert_cms_parse_certs(der, certs))
	{
		DBG1(DBG_LIB, "EST: reply is not a certs-only CMS SignedData with a "
			 "certificate");
		return GETCERT_ERR_MALFORMED;
	}
	return GETCERT_OK;
}

/**
 * Set a requested value, refusing a contradicting one
 */
static bool request_value(u_int *dst, u_int value, char *what)
{
	if (*dst && *dst != value)
	{
		DBG1(DBG_LIB, "EST: /csrattrs asks for two %ss (%u and %u)", what,
			 *dst, value);
		return FALSE;
	}
	*dst = value;
	return TRUE;
}

/**
 * Set the requested key type, refusing a contradicting one
 */
static bool request_key(getcert_est_csrattrs_t *attrs, key_type_t type)
{
	if (attrs->key_type != KEY_ANY && attrs->key_type != type)
	{
		DBG1(DBG_LIB, "EST: /csrattrs asks for two key types (%N and %N)",
			 key_type_names, attrs->key_type, key_type_names, type);
		return FALSE;
	}
	attrs->key_type = type;
	return TRUE;
}

/**
 * Set the requested digest, refusing a contradicting one
 */
static bool request_digest(getcert_est_csrattrs_t *attrs,
						   hash_algorithm_t digest)
{
	if (attrs->digest != HASH_UNKNOWN && attrs->digest != digest)
	{
		DBG1(DBG_LIB, "EST: /csrattrs asks for two signature digests");
		return FALSE;
	}
	attrs->digest = digest;
	return TRUE;
}

/**
 * Add a curve the server accepts, the first one preferred
 */
static bool add_curve(getcert_est_csrattrs_t *attrs, u_int bits)
{
	attrs->curves |= getcert_est_curve_bit(bits);
	if (!attrs->curve)
	{
		attrs->curve = bits;
	}
	return TRUE;
}

/**
 * Curve size of a curve OID, 0 if unknown
 */
static u_int curve_bits(int oid)
{
	switch (oid)
	{
		case OID_PRIME256V1:
			return 256;
		case OID_SECT384R1:
			return 384;
		case OID_SECT521R1:
			return 521;
		default:
			return 0;
	}
}

/**
 * Interpret one OID (alone, or the type of an attribute without values
 * we understand)
 */
static bool parse_oid(getcert_est_csrattrs_t *attrs, int oid)
{
	switch (oid)
	{
		case OID_EC_PUBLICKEY:
			return request_key(attrs, KEY_ECDSA);
		case OID_PRIME256V1:
		case OID_SECT384R1:
		case OID_SECT521R1:
			return request_key(attrs, KEY_ECDSA) &&
				   add_curve(attrs, curve_bits(oid));
		case OID_ED25519:
			return request_key(attrs, KEY_ED25519) &&
				   request_digest(attrs, HASH_IDENTITY);
		case OID_RSA_ENCRYPTION:
			return request_key(attrs, KEY_RSA);
		case OID_ECDSA_WITH_SHA256:
			return request_key(attrs, KEY_ECDSA) &&
				   request_digest(attrs, HASH_SHA256);
		case OID_ECDSA_WITH_SHA384:
			return request_key(attrs, KEY_ECDSA) &&
				   request_digest(attrs, HASH_SHA384);
		case OID_ECDSA_WITH_SHA512:
			return request_key(attrs, KEY_ECDSA) &&
				   request_digest(attrs, HASH_SHA512);
		case OID_SHA256_WITH_RSA:
			return request_key(attrs, KEY_RSA) &&
				   request_digest(attrs, HASH_SHA256);
		case OID_SHA384_WITH_RSA:
			return request_key(attrs, KEY_RSA) &&
				   request_digest(attrs, HASH_SHA384);
		case OID_SHA512_WITH_RSA:
			return request_key(attrs, KEY_RSA) &&
				   request_digest(attrs, HASH_SHA512);
		case OID_CHALLENGE_PASSWORD:
			attrs->challenge_password = TRUE;
			return TRUE;
		case OID_EXTENSION_REQUEST:
			attrs->extension_request = TRUE;
			return TRUE;
		default:
			attrs->unknown++;
			return TRUE;
	}
}

/**
 * Interpret an Attribute { type, values SET SIZE (1..MAX) OF value }
 */
static bool parse_attribute(getcert_est_csrattrs_t *attrs, chunk_t attr)
{
	chunk_t type, values, value;
	u_int bits, curves = 0;
	int oid, count = 0;

	if (asn1_unwrap(&attr, &type) != ASN1_OID || !type.len ||
		asn1_unwrap(&attr, &values) != ASN1_SET || attr.len)
	{
		DBG1(DBG_LIB, "EST: /csrattrs holds a malformed attribute");
		return FALSE;
	}
	oid = asn1_known_oid(type);
	if (!parse_oid(attrs, oid))
	{
		return FALSE;
	}
	while (values.len)
	{
		int tag = asn1_unwrap(&values, &value);

		if (tag == ASN1_INVALID || ++count > GETCERT_EST_MAX_CSRATTRS)
		{
			DBG1(DBG_LIB, "EST: /csrattrs holds a malformed attribute value");
			return FALSE;
		}
		switch (oid)
		{
			case OID_EC_PUBLICKEY:
				if (tag != ASN1_OID)
				{
					DBG1(DBG_LIB, "EST: /csrattrs names a curve that is not "
						 "an OID");
					return FALSE;
				}
				bits = curve_bits(asn1_known_oid(value));
				if (bits)
				{	/* unsupported alternatives are skipped */
					add_curve(attrs, bits);
					curves++;
				}
				break;
			case OID_RSA_ENCRYPTION:
				if (tag != ASN1_INTEGER || !value.len || value.len > 3 ||
					(value.ptr[0] & 0x80))
				{
					DBG1(DBG_LIB, "EST: /csrattrs asks for an RSA key size "
						 "that is not a small positive INTEGER");
					return FALSE;
				}
				bits = asn1_parse_integer_uint64(value);
				if (!request_value(&attrs->rsa_bits, bits, "RSA key size"))
				{
					return FALSE;
				}
				break;
			default:
				/* challengePassword, extensionRequest templates and unknown
				 * attributes: nothing we take from the values */
				break;
		}
	}
	if (!count)
	{
		DBG1(DBG_LIB, "EST: /csrattrs holds an attribute without values");
		return FALSE;
	}
	if (oid == OID_EC_PUBLICKEY && !curves)
	{
		DBG1(DBG_LIB, "EST: /csrattrs asks for unsupported elliptic curves "
			 "only (we have P-256, P-384 and P-521)");
		return FALSE;
	}
	return TRUE;
}

/*
 * Described in header
 */
getcert_err_t getcert_est_parse_csrattrs(chunk_t der,
										 getcert_est_csrattrs_t *attrs)
{
	chunk_t seq, item;
	int count = 0;
	bool ok = TRUE;

	*attrs = (getcert_est_csrattrs_t){
		.key_type = KEY_ANY,
		.digest = HASH_UNKNOWN,
	};
	if (!der.len)
	{
		return GETCERT_OK;
	}
	if (asn1_unwrap(&der, &seq) != ASN1_SEQUENCE || der.len)
	{
		DBG1(DBG_LIB, "EST: /csrattrs reply is not a SEQUENCE");
		return GETCERT_ERR_MALFORMED;
	}
	while (ok && seq.len)
	{
		if (++count > GETCERT_EST_MAX_CSRATTRS)
		{
			DBG1(DBG_LIB, "EST: /csrattrs holds more than %d items",
				 GETCERT_EST_MAX_CSRATTRS);
			return GETCERT_ERR_MALFORMED;
		}
		switch (asn1_unwrap(&seq, &item))
		{
			case ASN1_OID:
				ok = item.len && parse_oid(attrs, asn1_known_oid(item));
				break;
			case ASN1_SEQUENCE:
				ok = parse_attribute(attrs, item);
				break;
			default:
				DBG1(DBG_LIB, "EST: /csrattrs holds an item that is neither "
					 "an OID nor an attribute");
				ok = FALSE;
				break;
		}
	}
	if (!ok)
	{
		return GETCERT_ERR_MALFORMED;
	}
	if (attrs->curve && attrs->key_type != KEY_ECDSA)
	{
		DBG1(DBG_LIB, "EST: /csrattrs asks for a curve and a %N key",
			 key_type_names, attrs->key_type);
		return GETCERT_ERR_MALFORMED;
	}
	if (attrs->rsa_bits && attrs->key_type != KEY_RSA)
	{
		DBG1(DBG_LIB, "EST: /csrattrs asks for an RSA size and a %N key",
			 key_type_names, attrs->key_type);
		return GETCERT_ERR_MALFORMED;
	}
	return GETCERT_OK;
}

/*
 * Described in header
 */
bool getcert_est_type_is(char *type, char *media)
{
	size_t len = strlen(media);

	if (!type)
	{
		return FALSE;
	}
	while (*type == ' ' || *type == '\t')
	{
		type++;
	}
	return strncaseeq(type, media, len) &&
		   (!type[len] || type[len] == ';' || type[len] == ' ' ||
			type[len] == '\t');
}

/**
 * Get the boundary parameter of a multipart/mixed Content-Type
 */
static bool get_boundary(char *type, char *boundary)
{
	char *pos, *end;
	size_t len;

	if (!getcert_est_type_is(type, "multipart/mixed"))
	{
		DBG1(DBG_LIB, "EST: reply is not multipart/mixed");
		return FALSE;
	}
	pos = type;
	while ((pos = strchr(pos, ';')))
	{
		pos++;
		while (*pos == ' ' || *pos == '\t')
		{
			pos++;
		}
		if (!strncaseeq(pos, "boundary=", strlen("boundary=")))
		{
			continue;
		}
		pos += strlen("boundary=");
		if (*pos == '"')
		{
			pos++;
			end = strchr(pos, '"');
			if (!end)
			{
				break;
			}
		}
		else
		{
			end = pos + strcspn(pos, "; \t");
		}
		len = end - pos;
		if (!len || len > MAX_BOUNDARY)
		{
			break;
		}
		memcpy(boundary, pos, len);
		boundary[len] = '\0';
		/* RFC 2046 bchars; a boundary must not end with a space */
		for (; *pos && pos < end; pos++)
		{
			if (!isalnum(*pos) && !strchr("'()+_,-./:=? ", *pos))
			{
				goto bad;
			}
		}
		if (boundary[len - 1] == ' ')
		{
			goto bad;
		}
		return TRUE;
	}
bad:
	DBG1(DBG_LIB, "EST: multipart/mixed reply without a valid boundary");
	return FALSE;
}

/**
 * Find a delimiter line "--boundary" at the start of a line, from pos;
 * returns its offset or -1
 */
static ssize_t find_delimiter(chunk_t body, size_t pos, char *delim,
							  size_t dlen)
{
	size_t i;

	for (i = pos; i + dlen <= body.len; i++)
	{
		if ((i == 0 || body.ptr[i - 1] == '\n') &&
			memeq(body.ptr + i, delim, dlen))
		{
			return i;
		}
	}
	return -1;
}

/**
 * Parse the headers of a part (up to the empty line), return FALSE if
 * malformed; advances part to the body
 */
static bool parse_part_headers(chunk_t *part, getcert_est_part_t *out)
{
	chunk_t line;
	u_char *nl;
	int lines = 0;
	char **dst;
	size_t n;

	while (TRUE)
	{
		nl = part->len ? memchr(part->ptr, '\n', part->len) : NULL;
		if (!nl || ++lines > MAX_PART_HEADERS + 1)
		{
			return FALSE;
		}
		line = chunk_create(part->ptr, nl - part->ptr);
		/* not chunk_skip(): an empty body still points into the input */
		part->ptr += line.len + 1;
		part->len -= line.len + 1;
		if (line.len && line.ptr[line.len - 1] == '\r')
		{
			line.len--;
		}
		if (!line.len)
		{
			return TRUE;
		}
		if (line.len > MAX_PART_HEADER || memchr(line.ptr, '\0', line.len))
		{
			return FALSE;
		}
		dst = NULL;
		if (line.len > 13 && strncaseeq(line.ptr, "Content-Type:", 13))
		{
			dst = &out->type;
			n = 13;
		}
		else if (line.len > 26 &&
				 strncaseeq(line.ptr, "Content-Transfer-Encoding:", 26))
		{
			dst = &out->encoding;
			n = 26;
		}
		if (dst)
		{
			line.ptr += n;
			line.len -= n;
			while (line.len && (line.ptr[0] == ' ' || line.ptr[0] == '\t'))
			{
				line.ptr++;
				line.len--;
			}
			while (line.len && (line.ptr[line.len - 1] == ' ' ||
								line.ptr[line.len - 1] == '\t'))
			{
				line.len--;
			}
			if (*dst)
			{	/* a header twice */
				return FALSE;
			}
			*dst = strndup(line.ptr, line.len);
		}
	}
}

/*
 * Described in header
 */
void getcert_est_parts_free(getcert_est_part_t *parts, u_int count)
{
	u_int i;

	for (i = 0; i < count; i++)
	{
		free(parts[i].type);
		free(parts[i].encoding);
		parts[i] = (getcert_est_part_t){};
	}
}

/*
 * Described in header
 */
getcert_err_t getcert_est_parse_multipart(chunk_t body, char *content_type,
										  getcert_est_part_t *parts, u_int max,
										  u_int *count)
{
	char boundary[MAX_BOUNDARY + 1], delim[MAX_BOUNDARY + 3];
	ssize_t start, next;
	size_t dlen, pos;
	chunk_t part;
	u_int n = 0;

	*count = 0;
	max = min(max, GETCERT_EST_MAX_PARTS);
	if (!get_boundary(content_type, boundary))
	{
		return GETCERT_ERR_MALFORMED;
	}
	snprintf(delim, sizeof(delim), "--%s", boundary);
	dlen = strlen(delim);

	start = find_delimiter(body, 0, delim, dlen);
	if (start < 0)
	{
		DBG1(DBG_LIB, "EST: multipart/mixed reply without a delimiter");
		return GETCERT_ERR_MALFORMED;
	}
	pos = start + dlen;
	while (TRUE)
	{
		/* after a delimiter: "--" closes, else transport padding + EOL */
		if (pos + 2 <= body.len && memeq(body.ptr + pos, "--", 2))
		{
			break;
		}
		while (pos < body.len && (body.ptr[pos] == ' ' ||
								  body.ptr[pos] == '\t'))
		{
			pos++;
		}
		if (pos < body.len && body.ptr[pos] == '\r')
		{
			pos++;
		}
		if (pos >= body.len || body.ptr[pos] != '\n')
		{
			goto malformed;
		}
		pos++;
		next = find_delimiter(body, pos, delim, dlen);
		if (next < 0)
		{	/* no closing delimiter */
			goto malformed;
		}
		if (n >= max)
		{
			DBG1(DBG_LIB, "EST: multipart/mixed reply with more than %u parts",
				 max);
			getcert_est_parts_free(parts, n);
			return GETCERT_ERR_MALFORMED;
		}
		/* the CRLF before the delimiter belongs to it */
		part = chunk_create(body.ptr + pos, next - pos);
		if (!part.len || part.ptr[part.len - 1] != '\n')
		{
			goto malformed;
		}
		part.len--;
		if (part.len && part.ptr[part.len - 1] == '\r')
		{
			part.len--;
		}
		parts[n] = (getcert_est_part_t){};
		n++;
		if (!parse_part_headers(&part, &parts[n - 1]))
		{
			goto malformed;
		}
		parts[n - 1].body = part;
		pos = next + dlen;
	}
	if (!n)
	{
		goto malformed;
	}
	*count = n;
	return GETCERT_OK;

malformed:
	DBG1(DBG_LIB, "EST: malformed multipart/mixed reply");
	getcert_est_parts_free(parts, n);
	return GETCERT_ERR_MALFORMED;
}

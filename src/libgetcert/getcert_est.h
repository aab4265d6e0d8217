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

/**
 * @defgroup getcert_est getcert_est
 * @{ @ingroup libgetcert
 */

#ifndef GETCERT_EST_H_
#define GETCERT_EST_H_

#include "getcert_error.h"

#include <library.h>
#include <collections/linked_list.h>
#include <credentials/keys/public_key.h>

typedef struct getcert_est_csrattrs_t getcert_est_csrattrs_t;
typedef struct getcert_est_part_t getcert_est_part_t;

/**
 * Most parts of a multipart/mixed reply we accept (serverkeygen: 2).
 */
#define GETCERT_EST_MAX_PARTS 4

/**
 * Most attributes/OIDs of a /csrattrs reply we accept.
 */
#define GETCERT_EST_MAX_CSRATTRS 64

/**
 * Decode an EST body (RFC 8951 section 3.2.2): base64, with or without line
 * breaks (CR, LF, space, tab anywhere between the characters), padding
 * required at the end only. A Content-Transfer-Encoding header is
 * tolerated when it says base64 and not required; any other value is
 * refused.
 *
 * @param body			body as received
 * @param encoding		Content-Transfer-Encoding, or NULL
 * @param der			receives the allocated decoded body
 * @return				GETCERT_OK or GETCERT_ERR_MALFORMED
 */
getcert_err_t getcert_est_decode(chunk_t body, char *encoding, chunk_t *der);

/**
 * Parse the certificates of a /cacerts or enrollment reply: a certs-only
 * CMS SignedData (application/pkcs7-mime), decoded by getcert_est_decode(),
 * with the same parser as SCEP's GetCACert (getcert_cms_parse_certs()).
 *
 * @param der			decoded body
 * @param certs			list receiving certificate_t*
 * @return				GETCERT_OK or GETCERT_ERR_MALFORMED
 */
getcert_err_t getcert_est_parse_certs(chunk_t der, linked_list_t *certs);

/**
 * What a /csrattrs reply asks for (RFC 7030 4.5, RFC 8951 3.4).
 */
struct getcert_est_csrattrs_t {
	/** requested key type, KEY_ANY if none */
	key_type_t key_type;
	/** requested ECDSA curve in bits (256, 384, 521), 0 if none */
	u_int curve;
	/** requested RSA key size in bits, 0 if none */
	u_int rsa_bits;
	/** requested signature digest, HASH_UNKNOWN if none (HASH_IDENTITY
	 *  for Ed25519) */
	hash_algorithm_t digest;
	/** the server asks for a challengePassword */
	bool challenge_password;
	/** the server sent an extensionRequest attribute */
	bool extension_request;
	/** OIDs and attribute types we do not know (ignored) */
	u_int unknown;
};

/**
 * Parse a /csrattrs reply: CsrAttrs ::= SEQUENCE SIZE (0..MAX) OF AttrOrOID,
 * AttrOrOID ::= CHOICE { oid OBJECT IDENTIFIER, attribute Attribute }.
 *
 * Key types: id-ecPublicKey (alone or as an attribute whose value is the
 * curve), a curve OID, id-Ed25519, rsaEncryption (alone or as an attribute
 * with the key size as INTEGER); signature algorithms ecdsa-with-SHA*,
 * sha*WithRSAEncryption, Ed25519. Contradicting key types, curves or
 * digests are refused. An empty body (or empty SEQUENCE) asks for nothing.
 *
 * @param der			decoded body, may be empty
 * @param attrs			receives what the server asks for
 * @return				GETCERT_OK or GETCERT_ERR_MALFORMED
 */
getcert_err_t getcert_est_parse_csrattrs(chunk_t der,
										 getcert_est_csrattrs_t *attrs);

/**
 * One part of a multipart/mixed body.
 */
struct getcert_est_part_t {
	/** Content-Type of the part (allocated), NULL if absent */
	char *type;
	/** Content-Transfer-Encoding of the part (allocated), NULL if absent */
	char *encoding;
	/** body of the part, pointing into the parsed body */
	chunk_t body;
};

/**
 * Parse a multipart/mixed body (RFC 2046 5.1): the boundary from the
 * Content-Type parameter (1 to 70 characters, quoted or not), preamble and
 * epilogue ignored, a closing delimiter required, CRLF or LF line ends,
 * part headers bounded, at most max parts.
 *
 * @param body			body as received
 * @param content_type	Content-Type header of the reply
 * @param parts			array receiving the parts
 * @param max			size of the array (at most GETCERT_EST_MAX_PARTS)
 * @param count			receives the number of parts
 * @return				GETCERT_OK or GETCERT_ERR_MALFORMED (parts freed)
 */
getcert_err_t getcert_est_parse_multipart(chunk_t body, char *content_type,
										  getcert_est_part_t *parts, u_int max,
										  u_int *count);

/**
 * Free the headers of parsed parts.
 *
 * @param parts			parts
 * @param count			number of parts
 */
void getcert_est_parts_free(getcert_est_part_t *parts, u_int count);

/**
 * Whether a Content-Type is a given media type, ignoring parameters and
 * case ("application/pkcs7-mime; smime-type=certs-only").
 *
 * @param type			Content-Type header value, or NULL
 * @param media			media type
 * @return				TRUE if it is
 */
bool getcert_est_type_is(char *type, char *media);

#endif /** GETCERT_EST_H_ @}*/

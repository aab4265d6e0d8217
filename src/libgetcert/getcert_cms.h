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
 * @defgroup libgetcert libgetcert
 *
 * @defgroup getcert_cms getcert_cms
 * @{ @ingroup libgetcert
 */

#ifndef GETCERT_CMS_H_
#define GETCERT_CMS_H_

#include <library.h>
#include <credentials/certificates/certificate.h>
#include <asn1/asn1.h>

/*
 * CMS (RFC 5652) as SCEP uses it, in three files as strongSwan's pkcs7
 * plugin has them: this one holds what SignedData (getcert_cms_signed.h)
 * and EnvelopedData (getcert_cms_enveloped.h) share, the strict DER
 * reading of ContentInfo and its elements, signer/recipient identifiers,
 * and Attributes in DER SET OF order (which PKCS#10 requests use too).
 */

/**
 * id-ct-KP-aKeyPackage (2.16.840.1.101.2.1.2.78.5, RFC 5958 4), the
 * contents of its encoding: OIDs strongSwan's table does not know are kept
 * here and compared as encodings.
 */
#define GETCERT_OID_KP_AKEYPACKAGE \
	chunk_from_chars(0x60,0x86,0x48,0x01,0x65,0x02,0x01,0x02,0x4e,0x05)

/**
 * id-aa-asymmDecryptKeyID (1.2.840.113549.1.9.16.2.54, RFC 7030 4.4.1.2),
 * the CSR attribute AsymmetricDecryptKeyIdentifier, contents of the OID
 * encoding.
 */
#define GETCERT_OID_ASYMM_DECRYPT_KEY_ID \
	chunk_from_chars(0x2a,0x86,0x48,0x86,0xf7,0x0d,0x01,0x09,0x10,0x02,0x36)

/**
 * Printable name of an OID.
 *
 * @param oid			known OID (asn1_known_oid()), or OID_UNKNOWN
 * @return				name, "(unknown)" for OID_UNKNOWN
 */
char *getcert_cms_oid_name(int oid);

/**
 * Take the next element of a blob if it has the expected tag.
 *
 * @param blob			remaining elements, advanced past the element
 * @param tag			expected ASN.1 tag
 * @param inner			receives the element's contents (may be blob)
 * @param tlv			receives the complete element, or NULL
 * @return				FALSE if the next element is not a definite-length
 *						element with that tag (blob unchanged)
 */
bool getcert_cms_take(chunk_t *blob, asn1_t tag, chunk_t *inner,
					  chunk_t *tlv);

/**
 * Take the next element of a blob as an AlgorithmIdentifier.
 *
 * @param blob			remaining elements, advanced past the element
 * @param oid			receives the known OID (or OID_UNKNOWN)
 * @param params		receives the parameters (any), or NULL to accept
 *						absent or NULL parameters only
 * @return				FALSE if not an AlgorithmIdentifier (as accepted)
 */
bool getcert_cms_take_alg(chunk_t *blob, int *oid, chunk_t *params);

/**
 * Parse a ContentInfo of a given content type.
 *
 * @param blob			DER encoding, no trailing bytes
 * @param type			expected contentType (OID_PKCS7_SIGNED_DATA or
 *						OID_PKCS7_ENVELOPED_DATA)
 * @param content		receives the contents of the [0] EXPLICIT content
 * @return				FALSE if malformed or of another type (logged)
 */
bool getcert_cms_unwrap(chunk_t blob, int type, chunk_t *content);

/**
 * Build a ContentInfo.
 *
 * @param type			contentType
 * @param content		complete encoding of the content, adopted
 * @return				allocated DER encoding
 */
chunk_t getcert_cms_wrap(int type, chunk_t content);

/**
 * Check whether a certificate is the one named by a CMS signer/recipient
 * identifier (IssuerAndSerialNumber or [0] subjectKeyIdentifier).
 *
 * @param cert			certificate
 * @param sid			complete DER encoding of the identifier
 * @return				TRUE if it names cert
 */
bool getcert_cms_id_matches(certificate_t *cert, chunk_t sid);

/**
 * Build the IssuerAndSerialNumber of an X.509 certificate.
 *
 * @param cert			certificate
 * @return				allocated DER encoding
 */
chunk_t getcert_cms_issuer_serial(certificate_t *cert);

/**
 * Build an Attribute with a single value.
 *
 * @param oid			attribute type
 * @param value			complete encoding of the value, adopted
 * @return				allocated Attribute encoding
 */
chunk_t getcert_cms_attribute(int oid, chunk_t value);

/**
 * Sort concatenated element encodings into the order of a DER SET OF
 * (X.690 11.6: ascending as octet strings, a shorter one that is a
 * prefix of a longer one first).
 *
 * @param elements		concatenated DER encodings (TLVs)
 * @return				allocated sorted concatenation, chunk_empty if
 *						elements is empty or not a concatenation of TLVs
 */
chunk_t getcert_cms_sort_set(chunk_t elements);

#endif /** GETCERT_CMS_H_ @}*/

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
 * @defgroup getcert_cms_signed getcert_cms_signed
 * @{ @ingroup libgetcert
 */

#ifndef GETCERT_CMS_SIGNED_H_
#define GETCERT_CMS_SIGNED_H_

#include "getcert_cms.h"

#include <collections/linked_list.h>
#include <credentials/keys/private_key.h>

typedef struct getcert_cms_t getcert_cms_t;

/**
 * A parsed CMS SignedData (RFC 5652), as SCEP servers send it.
 *
 * Parsing is strict DER: definite lengths, no trailing bytes, a primitive
 * eContent. Signers are never taken from the message itself: verify()
 * only accepts one of the certificates the caller trusts (the pinned CA or
 * its RA), and requires signed attributes with matching contentType and
 * messageDigest. The signature algorithm may be given as rsaEncryption
 * (with the digest from digestAlgorithm), as <hash>WithRSAEncryption or as
 * ecdsa-with-<hash>; it must agree with digestAlgorithm.
 */
struct getcert_cms_t {


	/**
	 * The encapsulated content, empty if absent (certs-only).
	 *
	 * @return			content, points into the parsed blob
	 */
	chunk_t (*get_content)(getcert_cms_t *this);

	/**
	 * The eContentType, as the contents of its OID encoding (verify()
	 * checks the contentType signed attribute is the same).
	 *
	 * @return			OID contents, points into the parsed blob
	 */
	chunk_t (*get_content_type)(getcert_cms_t *this);

	/**
	 * Enumerate the certificates the message carries.
	 *
	 * These are untrusted: use them only after checking them against a
	 * trust anchor.
	 *
	 * @return			enumerator over certificate_t*
	 */
	enumerator_t *(*create_cert_enumerator)(getcert_cms_t *this);

	/**
	 * Enumerate the CRLs the message carries (DER encodings).
	 *
	 * @return			enumerator over chunk_t*
	 */
	enumerator_t *(*create_crl_enumerator)(getcert_cms_t *this);


	/**
	 * Verify the single signature against trusted signer certificates.
	 *
	 * @param trusted	list of certificate_t*, the only acceptable signers
	 * @param signer	receives the signer (not a new reference), or NULL
	 * @return			TRUE if the signature and signed attributes verify
	 */
	bool (*verify)(getcert_cms_t *this, linked_list_t *trusted,
				   certificate_t **signer);

	/**
	 * Digest algorithm of the single signature.
	 *
	 * @return			digest algorithm, HASH_UNKNOWN if not signed
	 */
	hash_algorithm_t (*get_digest)(getcert_cms_t *this);

	/**
	 * Get the single value of a signed attribute.
	 *
	 * @param oid		attribute type
	 * @param type		expected ASN.1 tag of the value
	 * @param value		receives the value's contents (without tag)
	 * @return			FALSE if absent, not of that type or not single
	 */
	bool (*get_attribute)(getcert_cms_t *this, int oid, asn1_t type,
						  chunk_t *value);

	/**
	 * Destroy a getcert_cms_t.
	 */
	void (*destroy)(getcert_cms_t *this);
};

/**
 * Parse a ContentInfo holding SignedData.
 *
 * @param blob			DER encoding, must stay valid while the object lives
 * @return				parsed message, NULL if malformed (reason logged)
 */
getcert_cms_t *getcert_cms_parse(chunk_t blob);

/**
 * Parse the certificates of a (certs-only) SignedData ContentInfo: the one
 * parser of SCEP's GetCACert and of EST's /cacerts and enrollment replies.
 *
 * @param blob			DER encoding
 * @param certs			list receiving certificate_t* (new references)
 * @return				TRUE if it parsed and holds at least one certificate
 */
bool getcert_cms_parse_certs(chunk_t blob, linked_list_t *certs);

/**
 * Build a degenerate certs-only SignedData ContentInfo.
 *
 * @param certs			list of certificate_t*
 * @return				allocated DER encoding, chunk_empty on failure
 */
chunk_t getcert_cms_build_certs_only(linked_list_t *certs);

/**
 * Build a degenerate SignedData ContentInfo with certificates and a CRL
 * (the answer to GetCRL).
 *
 * @param certs			list of certificate_t*
 * @param crl			DER encoding of a CRL, or empty
 * @return				allocated DER encoding, chunk_empty on failure
 */
chunk_t getcert_cms_build_degenerate(linked_list_t *certs, chunk_t crl);

/**
 * Build the signed attributes of a SignerInfo: contentType data, the
 * messageDigest of the content, signingTime now and the given attributes,
 * as a DER sorted SET OF (to be signed as is, and carried with the tag
 * changed to [0]).
 *
 * @param content		encapsulated data, the messageDigest is over it
 * @param digest		digest algorithm
 * @param attrs			further Attribute encodings, concatenated, or empty
 * @return				allocated SET OF Attribute, chunk_empty on failure
 */
chunk_t getcert_cms_build_signed_attrs(chunk_t content, hash_algorithm_t digest,
									   chunk_t attrs);

/**
 * Build signed attributes as getcert_cms_build_signed_attrs() does, with
 * a contentType other than data.
 *
 * @param content		encapsulated content, the messageDigest is over it
 * @param type_oid		contents of the eContentType OID encoding, empty
 *						for data
 * @param digest		digest algorithm
 * @param attrs			further Attribute encodings, concatenated, or empty
 * @return				allocated SET OF Attribute, chunk_empty on failure
 */
chunk_t getcert_cms_build_signed_attrs_type(chunk_t content, chunk_t type_oid,
											hash_algorithm_t digest,
											chunk_t attrs);

/**
 * Build the signatureAlgorithm of a SignerInfo: an AlgorithmIdentifier
 * with NULL parameters for RSA, with absent parameters otherwise (ECDSA).
 *
 * @param type			type of the signer key
 * @param oid			signature algorithm OID
 * @return				allocated DER encoding
 */
chunk_t getcert_cms_build_sig_alg(key_type_t type, int oid);

/**
 * Build an EncapsulatedContentInfo of type data, without eContent if the
 * content is empty (as a certs-only message or a CertRep without content).
 *
 * @param content		data to encapsulate, may be empty
 * @return				allocated DER encoding
 */
chunk_t getcert_cms_build_encap_data(chunk_t content);

/**
 * Build a SignedData ContentInfo with one signer and signed attributes.
 *
 * contentType, messageDigest and signingTime are added to the given
 * attributes; the SET OF is DER sorted.
 *
 * @param content		data to encapsulate (OID_PKCS7_DATA), may be empty
 * @param attrs			further Attribute encodings, concatenated, or empty
 * @param signer		signer certificate, included in the message
 * @param key			signer key
 * @param digest		digest algorithm
 * @param rsa_oid		for RSA keys, name the signature algorithm
 *						rsaEncryption instead of <hash>WithRSAEncryption
 * @return				allocated DER encoding, chunk_empty on failure
 */
chunk_t getcert_cms_build_signed(chunk_t content, chunk_t attrs,
								 certificate_t *signer, private_key_t *key,
								 hash_algorithm_t digest, bool rsa_oid);

/**
 * Build a SignedData ContentInfo as getcert_cms_build_signed() does, with
 * an eContentType other than data (and the same contentType attribute).
 *
 * @param content		content to encapsulate, not empty
 * @param type_oid		contents of the eContentType OID encoding, empty
 *						for data
 * @param attrs			further Attribute encodings, concatenated, or empty
 * @param signer		signer certificate, included in the message
 * @param key			signer key
 * @param digest		digest algorithm
 * @param rsa_oid		for RSA keys, name the signature algorithm
 *						rsaEncryption instead of <hash>WithRSAEncryption
 * @return				allocated DER encoding, chunk_empty on failure
 */
chunk_t getcert_cms_build_signed_type(chunk_t content, chunk_t type_oid,
									  chunk_t attrs, certificate_t *signer,
									  private_key_t *key,
									  hash_algorithm_t digest, bool rsa_oid);

#endif /** GETCERT_CMS_SIGNED_H_ @}*/

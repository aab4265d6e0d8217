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
#include <collections/linked_list.h>
#include <credentials/certificates/certificate.h>
#include <credentials/keys/private_key.h>
#include <crypto/crypters/crypter.h>
#include <asn1/asn1.h>

#include "getcert_error.h"

typedef struct getcert_cms_t getcert_cms_t;
typedef enum getcert_cms_weak_t getcert_cms_weak_t;

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
	 * Type of the encapsulated content.
	 *
	 * @return			OID (OID_PKCS7_DATA for SCEP)
	 */
	int (*get_content_type)(getcert_cms_t *this);

	/**
	 * The encapsulated content, empty if absent (certs-only).
	 *
	 * @return			content, points into the parsed blob
	 */
	chunk_t (*get_content)(getcert_cms_t *this);

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
	 * Number of SignerInfos.
	 *
	 * @return			0 for certs-only messages
	 */
	u_int (*get_signer_count)(getcert_cms_t *this);

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
 * Content encryption algorithms getcert_cms_decrypt() accepts besides
 * AES-CBC, a set of flags.
 */
enum getcert_cms_weak_t {
	/** AES-128/192/256-CBC only */
	GETCERT_CMS_AES_ONLY = 0,
	/** also DES-EDE3-CBC */
	GETCERT_CMS_ALLOW_DES3 = (1<<0),
	/** also DES-CBC */
	GETCERT_CMS_ALLOW_DES = (1<<1),
};

/**
 * Decrypt a ContentInfo holding EnvelopedData with key transport.
 *
 * The recipient must be identified by our certificate (issuer and serial
 * or subjectKeyIdentifier); the first KeyTransRecipientInfo addressed to
 * us is used, never another one. Content encryption AES-128/192/256-CBC,
 * and DES-EDE3-CBC or DES-CBC only where weak allows them.
 *
 * The encrypted key is rejected implicitly (RFC 3218 section 2.3): if it
 * does not decrypt (PKCS#1 v1.5 or OAEP) to a key of the length the
 * content encryption needs, the content is decrypted with a substitute
 * key, the first bytes of HMAC-SHA-256(secret, encrypted key): the same
 * message always gives the same result, and a bad encrypted key fails
 * exactly as bad content padding does, with GETCERT_ERR_DECRYPT.
 *
 * @param blob			DER encoding
 * @param cert			our certificate, as the sender addressed us
 * @param key			our private key
 * @param weak			getcert_cms_weak_t flags: weak content encryption
 *						accepted
 * @param secret		key of the substitute key derivation, empty for a
 *						random substitute
 * @param plain			receives the allocated plaintext
 * @return				GETCERT_OK; for what the message says in clear:
 *						GETCERT_ERR_MALFORMED (structure), _POLICY
 *						(algorithm not accepted), _ENVELOPE (not
 *						addressed to us, key transport not supported);
 *						GETCERT_ERR_DECRYPT for every decryption failure
 */
getcert_err_t getcert_cms_decrypt(chunk_t blob, certificate_t *cert,
								  private_key_t *key, u_int weak,
								  chunk_t secret, chunk_t *plain);

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
 * Sort concatenated element encodings into the order of a DER SET OF
 * (X.690 11.6: ascending as octet strings, a shorter one that is a
 * prefix of a longer one first).
 *
 * @param elements		concatenated DER encodings (TLVs)
 * @return				allocated sorted concatenation, chunk_empty if
 *						elements is empty or not a concatenation of TLVs
 */
chunk_t getcert_cms_sort_set(chunk_t elements);

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
 * Build an EnvelopedData ContentInfo with RSA key transport.
 *
 * @param content		data to encrypt
 * @param recipient		recipient certificate (RSA key)
 * @param alg			ENCR_AES_CBC or ENCR_3DES
 * @param key_size		key size in bits (128, 192, 256 for AES)
 * @return				allocated DER encoding, chunk_empty on failure
 */
chunk_t getcert_cms_build_enveloped(chunk_t content, certificate_t *recipient,
									encryption_algorithm_t alg,
									size_t key_size);

/**
 * Build a KeyTransRecipientInfo (rsaEncryption) for a recipient.
 *
 * @param recipient		recipient certificate (issuer and serial)
 * @param encrypted		encrypted content encryption key
 * @return				allocated DER encoding
 */
chunk_t getcert_cms_build_ktri(certificate_t *recipient, chunk_t encrypted);

/**
 * Build a ContentInfo holding EnvelopedData from its parts, for tests and
 * probes that need envelopes getcert_cms_build_enveloped() never builds.
 *
 * @param content		data to encrypt
 * @param alg			content encryption algorithm
 * @param key_size		key size in bits
 * @param cek			content encryption key
 * @param ktris			RecipientInfo encodings, concatenated
 * @param pad			add block cipher padding (else the content must
 *						be a multiple of the block size)
 * @return				allocated DER encoding, chunk_empty on failure
 */
chunk_t getcert_cms_build_enveloped_with(chunk_t content,
										 encryption_algorithm_t alg,
										 size_t key_size, chunk_t cek,
										 chunk_t ktris, bool pad);

/**
 * Build an Attribute with a single value.
 *
 * @param oid			attribute type
 * @param value			complete encoding of the value, adopted
 * @return				allocated Attribute encoding
 */
chunk_t getcert_cms_attribute(int oid, chunk_t value);

/**
 * Check whether a certificate is the one named by a CMS signer/recipient
 * identifier (IssuerAndSerialNumber or [0] subjectKeyIdentifier).
 *
 * @param cert			certificate
 * @param sid			complete DER encoding of the identifier
 * @return				TRUE if it names cert
 */
bool getcert_cms_id_matches(certificate_t *cert, chunk_t sid);

#endif /** GETCERT_CMS_H_ @}*/

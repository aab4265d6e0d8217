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
 * @defgroup getcert_cms_enveloped getcert_cms_enveloped
 * @{ @ingroup libgetcert
 */

#ifndef GETCERT_CMS_ENVELOPED_H_
#define GETCERT_CMS_ENVELOPED_H_

#include "getcert_cms.h"
#include "getcert_error.h"

#include <credentials/keys/private_key.h>
#include <crypto/crypters/crypter.h>

typedef enum getcert_cms_weak_t getcert_cms_weak_t;

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
 * Decrypt as getcert_cms_decrypt() does, for a recipient without a
 * certificate: the KeyTransRecipientInfo must name it by the [0]
 * subjectKeyIdentifier ski.
 *
 * @param blob			DER encoding
 * @param ski			our key identifier, as we gave it to the sender
 * @param key			our private key
 * @param weak			getcert_cms_weak_t flags
 * @param secret		key of the substitute key derivation, or empty
 * @param plain			receives the allocated plaintext
 * @return				as getcert_cms_decrypt()
 */
getcert_err_t getcert_cms_decrypt_ski(chunk_t blob, chunk_t ski,
									  private_key_t *key, u_int weak,
									  chunk_t secret, chunk_t *plain);

/**
 * Build an EnvelopedData ContentInfo (AES-256-CBC) of a SignedData (the
 * encryptedContentInfo's contentType says id-signedData) for an RSA public
 * key without certificate: a KeyTransRecipientInfo version 2 naming it by [0]
 * subjectKeyIdentifier, the key encrypted with RSAES-OAEP (default
 * parameters: SHA-1, MGF1-SHA-1), which, unlike PKCS#1 v1.5, is no
 * padding oracle (RFC 3218 2.3.2).
 *
 * @param content		SignedData ContentInfo to encrypt
 * @param public		recipient's RSA public key
 * @param ski			its subjectKeyIdentifier
 * @return				allocated DER encoding, chunk_empty on failure
 */
chunk_t getcert_cms_build_enveloped_ski(chunk_t content, public_key_t *public,
										chunk_t ski);

/**
 * Build a KeyTransRecipientInfo version 2 with a [0] subjectKeyIdentifier
 * and RSAES-OAEP (default parameters).
 *
 * @param ski			recipient key identifier
 * @param encrypted		encrypted content encryption key
 * @return				allocated DER encoding
 */
chunk_t getcert_cms_build_ktri_ski(chunk_t ski, chunk_t encrypted);

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

#endif /** GETCERT_CMS_ENVELOPED_H_ @}*/

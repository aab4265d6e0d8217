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
 * @defgroup getcert_keypkg getcert_keypkg
 * @{ @ingroup libgetcert
 *
 * Server-generated keys (RFC 7030 4.4, draft-turner-cmc-serverkeygeneration):
 * the private key travels as an AsymmetricKeyPackage (RFC 5958) holding one
 * OneAsymmetricKey, inside SignedData (eContentType id-ct-KP-aKeyPackage,
 * 2.16.840.1.101.2.1.2.78.5) signed by the CA or its RA, inside
 * EnvelopedData encrypted to a public key the client supplied (RSA key
 * transport, KeyTransRecipientInfo with a subjectKeyIdentifier: the
 * client's key has no certificate when it is the ephemeral key of the
 * request). Where a policy allows it and the client asks for no encryption,
 * the key travels protected by TLS alone as a PKCS#8 PrivateKeyInfo
 * (application/pkcs8).
 *
 * The client asks for encryption by putting an AsymmetricDecryptKeyIdentifier
 * attribute (1.2.840.113549.1.9.16.2.54, RFC 7030 4.4.1.2) into the CSR it
 * sends to /serverkeygen: the subjectKeyIdentifier (SHA-1 of the
 * subjectPublicKey, RFC 5280 4.2.1.2 method 1) of the CSR's own RSA key,
 * which the server encrypts to.
 */

#ifndef GETCERT_KEYPKG_H_
#define GETCERT_KEYPKG_H_

#include "getcert_error.h"

#include <library.h>
#include <credentials/keys/private_key.h>
#include <credentials/certificates/certificate.h>
#include <collections/linked_list.h>

/**
 * Encode an AsymmetricKeyPackage with one OneAsymmetricKey (version v1,
 * no attributes, no public key) holding the private key in canonical DER.
 *
 * @param key			private key (RSA, ECDSA, Ed25519)
 * @return				allocated DER encoding (clear it with chunk_clear()),
 *						chunk_empty on failure
 */
chunk_t getcert_keypkg_build(private_key_t *key);

/**
 * Parse an AsymmetricKeyPackage holding exactly one OneAsymmetricKey (v1
 * or v2), or, with pkcs8 set, a bare PKCS#8 PrivateKeyInfo.
 *
 * @param blob			DER encoding (not modified, may be wiped after)
 * @param pkcs8			expect a bare PrivateKeyInfo (application/pkcs8)
 * @param key			receives the private key
 * @return				GETCERT_OK, GETCERT_ERR_MALFORMED for anything but
 *						exactly one well-formed key
 */
getcert_err_t getcert_keypkg_parse(chunk_t blob, bool pkcs8,
								   private_key_t **key);

/**
 * Server side: protect a generated key for the client: the key package,
 * signed by the signer, encrypted to the recipient.
 *
 * @param key			generated private key
 * @param signer		CA or RA certificate signing the package
 * @param signer_key	its private key
 * @param recipient		client's RSA public key to encrypt to
 * @param recipient_id	subjectKeyIdentifier the client named
 * @return				allocated ContentInfo (EnvelopedData) DER,
 *						chunk_empty on failure
 */
chunk_t getcert_keypkg_protect(private_key_t *key, certificate_t *signer,
							   private_key_t *signer_key,
							   public_key_t *recipient, chunk_t recipient_id);

/**
 * Client side: decrypt a protected key package with the key the request
 * named, verify its SignedData against one of the trusted signers (the
 * pinned CA, or an RA certificate the CA issued), and parse the key.
 *
 * @param blob			ContentInfo (EnvelopedData) DER
 * @param decrypt_key	the client's RSA private key the request named
 * @param signers		trusted signer certificates (certificate_t*)
 * @param key			receives the private key
 * @return				GETCERT_OK; GETCERT_ERR_MALFORMED,
 *						GETCERT_ERR_DECRYPT, GETCERT_ERR_SIGNATURE (not
 *						signed, or not by a trusted signer),
 *						GETCERT_ERR_POLICY (weak algorithm) otherwise
 */
getcert_err_t getcert_keypkg_unprotect(chunk_t blob, private_key_t *decrypt_key,
									   linked_list_t *signers,
									   private_key_t **key);

/**
 * The subjectKeyIdentifier of a public key (SHA-1 of the subjectPublicKey
 * BIT STRING contents), as AsymmetricDecryptKeyIdentifier carries it.
 *
 * @param key			public key
 * @param ski			receives the allocated identifier
 * @return				TRUE on success
 */
bool getcert_keypkg_key_id(public_key_t *key, chunk_t *ski);

#endif /** GETCERT_KEYPKG_H_ @}*/

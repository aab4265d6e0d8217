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
 * @defgroup getcert_est_enroll getcert_est_enroll
 * @{ @ingroup libgetcert
 */

#ifndef GETCERT_EST_ENROLL_H_
#define GETCERT_EST_ENROLL_H_

#include "getcert_enroll.h"
#include "getcert_est.h"

typedef struct getcert_est_enroll_t getcert_est_enroll_t;
typedef struct getcert_key_spec_t getcert_key_spec_t;

/**
 * A key type with its size (RSA: modulus bits; ECDSA: curve bits, 256 or
 * 384 (521 if the server asks for it); Ed25519: 0).
 *
 * As a profile's policy, bits 0 means "any size the server asks for
 * (default: RSA 2048, ECDSA P-256)"; a set value must be met exactly.
 */
struct getcert_key_spec_t {
	/** KEY_RSA, KEY_ECDSA or KEY_ED25519 */
	key_type_t type;
	/** size, 0 for the default or what the server asks for */
	u_int bits;
};

/**
 * EST enrollment engine (RFC 7030, RFC 8951) over a getcert_transport_t
 * with est_request(), with the same interface and the same checks as the
 * SCEP engine:
 *
 * - get_ca(): GET /cacerts, the pinned CA found and checked by
 *   getcert_match_ca() exactly as for GetCACert (trust_ca() and fetch
 *   again when the transport anchors TLS to it only now).
 * - enroll(): without current certificate POST /simpleenroll (a 401 is
 *   answered with the credential callback of the transport, as for SCEP);
 *   with one POST /simplereenroll with TLS client authentication by the
 *   current certificate and key (set before the first request, so the
 *   whole renewal runs on one connection when the server keeps it open).
 *   The key must meet /csrattrs (key type, curve, RSA size) or the request
 *   is refused (GETCERT_ERR_POLICY). 202 + Retry-After is honoured within
 *   poll_interval/poll_max/poll_timeout: a Retry-After beyond what is left
 *   of poll_timeout gives up at once (GETCERT_ERR_PENDING). The issued
 *   certificate goes through getcert_check_issued() and, for a renewal,
 *   getcert_is_renewed().
 * - enroll_keygen(): POST /serverkeygen (RFC 7030 4.4), the server
 *   generates the key, see there.
 * - get_crl() and get_cert() do not exist in EST: GETCERT_ERR_PROTOCOL.
 */
struct getcert_est_enroll_t {

	/**
	 * The engine interface (getcert_enroll_t compatible).
	 */
	getcert_enroll_t enroll;

	/**
	 * Resolve the key to generate: fetch /csrattrs (once per engine, after
	 * get_ca()) and fill what the server asks for into the profile's
	 * policy. A server asking for another key type, or for a size/curve
	 * other than the one the policy fixes, is refused with a clear error.
	 * A server without /csrattrs (204, 404) asks for nothing.
	 *
	 * Before a renewal, pass the current certificate and key: TLS client
	 * authentication is set up before the first request, so that these
	 * requests and the /simplereenroll of enroll() share one connection.
	 *
	 * @param current	current certificate of a renewal, or NULL
	 * @param current_key its key, or NULL
	 * @param spec		the profile's policy in, the key to generate out
	 * @return			GETCERT_OK, GETCERT_ERR_POLICY or the error
	 */
	getcert_err_t (*get_key_spec)(getcert_est_enroll_t *this,
								  certificate_t *current,
								  private_key_t *current_key,
								  getcert_key_spec_t *spec);

	/**
	 * Enroll with server-side key generation (RFC 7030 4.4): the server
	 * generates the key pair, issues the certificate and returns both.
	 *
	 * The request is a CSR with the subject/SAN of enroll() (on renewal
	 * the current certificate's subject), signed with an ephemeral
	 * RSA-2048 key generated for this request only, always, also on
	 * renewal and whatever the current key is: the current key only
	 * authenticates TLS, a copy of it never decrypts the new key, and an
	 * ECDSA/Ed25519 current key could not be encrypted to (key transport).
	 * The CSR carries AsymmetricDecryptKeyIdentifier (1.2.840.113549.1.9.
	 * 16.2.54) = getcert_keypkg_key_id() of that key: the server encrypts
	 * the key package to it. It goes to an authenticated server only, with
	 * the same 401 rounds as /simpleenroll, or on renewal (current and
	 * current_key) with TLS client authentication as /simplereenroll; 202
	 * is polled as for enroll().
	 *
	 * The reply must be multipart/mixed with exactly two parts, in either
	 * order: the key (application/pkcs7-mime; smime-type=
	 * server-generated-key: EnvelopedData, unprotected with
	 * getcert_keypkg_unprotect() against the pinned CA or an RA
	 * certificate in /cacerts the CA issued) and the certificate
	 * (application/pkcs7-mime; smime-type=certs-only); a pkcs7-mime part
	 * without smime-type is told by its ContentInfo type. A key as
	 * application/pkcs8 (protected by TLS alone) is refused with
	 * GETCERT_ERR_POLICY unless params.allow_plain_key is set (then the
	 * CSR does not ask for encryption and either form is accepted).
	 * Anything else is GETCERT_ERR_MALFORMED.
	 *
	 * The returned key must be of the type the profile allows (spec, met
	 * against /csrattrs as get_key_spec() does; a fixed size must match),
	 * the certificate must certify it (GETCERT_ERR_CERT_KEY otherwise) and
	 * pass getcert_check_issued() and, on renewal, getcert_is_renewed().
	 * Only then are both returned; the ephemeral key and every
	 * intermediate plaintext are wiped, on every path.
	 *
	 * @param spec		the profile's key policy in, the returned key's
	 *					type and size out
	 * @param current	current certificate of a renewal, or NULL
	 * @param current_key its key, or NULL
	 * @param key		receives the server-generated private key
	 * @param cert		receives the issued certificate
	 * @return			GETCERT_OK or the error (nothing returned then)
	 */
	getcert_err_t (*enroll_keygen)(getcert_est_enroll_t *this,
								   getcert_key_spec_t *spec,
								   certificate_t *current,
								   private_key_t *current_key,
								   private_key_t **key, certificate_t **cert);
};

/**
 * Create an EST enrollment engine. Of the parameters, ca_ident, allow_des*
 * allow_sha1 and ra_fingerprints have no meaning for EST; the
 * challenge_password goes into the CSR as for SCEP.
 *
 * @param transport		transport with est_request() (not adopted)
 * @param params		parameters, copied
 * @return				engine, NULL if the transport lacks est_request()
 */
getcert_est_enroll_t *getcert_est_enroll_create(getcert_transport_t *transport,
												getcert_enroll_params_t *params);

/**
 * Parse a /serverkeygen reply (RFC 7030 4.4.2), as enroll_keygen() does:
 * multipart/mixed with exactly one key part and one certs-only part, in
 * either order (a pkcs7-mime part without smime-type told by its
 * ContentInfo type); the key unprotected with getcert_keypkg_unprotect(),
 * or an application/pkcs8 key taken as it is if allow_plain is set (else
 * GETCERT_ERR_POLICY). The key is not checked against the certificates.
 * Every decoded part is wiped.
 *
 * @param reply			the reply (status, Content-Type, body)
 * @param decrypt_key	the RSA key the request named
 * @param signers		trusted signers of the key package (certificate_t*)
 * @param allow_plain	accept an unencrypted application/pkcs8 key
 * @param key			receives the key
 * @param certs			receives the certificates (certificate_t*)
 * @return				GETCERT_OK, or the error with nothing returned
 */
getcert_err_t getcert_est_parse_keygen(getcert_http_reply_t *reply,
									   private_key_t *decrypt_key,
									   linked_list_t *signers, bool allow_plain,
									   private_key_t **key,
									   linked_list_t *certs);

/**
 * The digest a CSR for a key is signed with: none (HASH_IDENTITY) for
 * Ed25519, SHA-384 for ECDSA P-384, SHA-512 for P-521, else SHA-256.
 *
 * @param key			key
 * @return				digest
 */
hash_algorithm_t getcert_key_digest(private_key_t *key);

/**
 * The getcert_key_spec_t of a key.
 *
 * @param key			key
 * @param spec			receives type and bits
 */
void getcert_key_get_spec(private_key_t *key, getcert_key_spec_t *spec);

#endif /** GETCERT_EST_ENROLL_H_ @}*/

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
 * @defgroup getcert_scep getcert_scep
 * @{ @ingroup libgetcert
 */

#ifndef GETCERT_SCEP_H_
#define GETCERT_SCEP_H_

#include "getcert_error.h"

#include <library.h>
#include <collections/linked_list.h>
#include <credentials/certificates/certificate.h>
#include <credentials/keys/private_key.h>
#include <crypto/crypters/crypter.h>

typedef enum getcert_scep_msg_t getcert_scep_msg_t;
typedef enum getcert_scep_status_t getcert_scep_status_t;
typedef enum getcert_scep_fail_t getcert_scep_fail_t;
typedef enum getcert_scep_caps_t getcert_scep_caps_t;
typedef struct getcert_scep_reply_t getcert_scep_reply_t;
typedef struct getcert_scep_request_t getcert_scep_request_t;

/**
 * SCEP messageType values (RFC 8894 3.2.1.2).
 */
enum getcert_scep_msg_t {
	GETCERT_SCEP_CERT_REP = 3,
	GETCERT_SCEP_RENEWAL_REQ = 17,
	GETCERT_SCEP_PKCS_REQ = 19,
	GETCERT_SCEP_CERT_POLL = 20,
	GETCERT_SCEP_GET_CERT = 21,
	GETCERT_SCEP_GET_CRL = 22,
};

/**
 * enum names for getcert_scep_msg_t.
 */
extern enum_name_t *getcert_scep_msg_names;

/**
 * SCEP pkiStatus values (RFC 8894 3.2.1.3).
 */
enum getcert_scep_status_t {
	GETCERT_SCEP_SUCCESS = 0,
	GETCERT_SCEP_FAILURE = 2,
	GETCERT_SCEP_PENDING = 3,
};

/**
 * enum names for getcert_scep_status_t.
 */
extern enum_name_t *getcert_scep_status_names;

/**
 * SCEP failInfo values (RFC 8894 3.2.1.4).
 */
enum getcert_scep_fail_t {
	GETCERT_SCEP_BAD_ALG = 0,
	GETCERT_SCEP_BAD_MESSAGE_CHECK = 1,
	GETCERT_SCEP_BAD_REQUEST = 2,
	GETCERT_SCEP_BAD_TIME = 3,
	GETCERT_SCEP_BAD_CERT_ID = 4,
	/** FAILURE without failInfo */
	GETCERT_SCEP_FAIL_NONE = 5,
};

/**
 * Actionable descriptions of getcert_scep_fail_t.
 */
extern enum_name_t *getcert_scep_fail_names;

/**
 * Capabilities from GetCACaps (RFC 8894 3.5.2).
 */
enum getcert_scep_caps_t {
	GETCERT_SCEP_CAP_AES = (1<<0),
	GETCERT_SCEP_CAP_DES3 = (1<<1),
	GETCERT_SCEP_CAP_GET_NEXT_CA_CERT = (1<<2),
	GETCERT_SCEP_CAP_POST_PKI_OPERATION = (1<<3),
	GETCERT_SCEP_CAP_RENEWAL = (1<<4),
	GETCERT_SCEP_CAP_SHA1 = (1<<5),
	GETCERT_SCEP_CAP_SHA256 = (1<<6),
	GETCERT_SCEP_CAP_SHA512 = (1<<7),
	GETCERT_SCEP_CAP_SCEP_STANDARD = (1<<8),
};

/**
 * Parse a GetCACaps reply: one capability per line, matched as a whole
 * line, case-insensitively; unknown lines are ignored.
 *
 * SCEPStandard implies AES, POSTPKIOperation and SHA-256.
 *
 * @param reply			body of the reply
 * @return				getcert_scep_caps_t flags
 */
u_int getcert_scep_parse_caps(chunk_t reply);

/**
 * Parse a GetCACert reply: a single DER certificate
 * (application/x-x509-ca-cert) or a certs-only CMS SignedData with CA and
 * RA certificates (application/x-x509-ca-ra-cert).
 *
 * @param reply			body of the reply
 * @param content_type	Content-Type of the reply, NULL to detect
 * @param certs			list receiving certificate_t*
 * @return				TRUE if at least one certificate was parsed
 */
bool getcert_scep_parse_ca_certs(chunk_t reply, char *content_type,
						 linked_list_t *certs);

/**
 * A SCEP request to build.
 */
struct getcert_scep_request_t {
	/** PKCSReq, RenewalReq, CertPoll, GetCert or GetCRL */
	getcert_scep_msg_t type;
	/** messageData: CSR, IssuerAndSubject or IssuerAndSerialNumber */
	chunk_t data;
	/** transactionID (printable) */
	chunk_t transid;
	/** senderNonce, 16 bytes */
	chunk_t nonce;
	/** certificate the envelope is encrypted for (CA or RA) */
	certificate_t *recipient;
	/** content encryption algorithm (ENCR_AES_CBC or ENCR_3DES) */
	encryption_algorithm_t enc_alg;
	/** key size of enc_alg in bits */
	size_t enc_key_size;
	/** signer certificate (self-signed or the current certificate) */
	certificate_t *signer;
	/** signer key */
	private_key_t *key;
	/** digest algorithm of the signature */
	hash_algorithm_t digest;
	/** accept a CertRep signed with SHA-1 (local policy) */
	bool reply_sha1;
	/** getcert_cms_weak_t flags: weak encryption accepted in a CertRep
	 *  envelope (local policy) */
	u_int reply_weak;
};

/**
 * Build a signed and encrypted SCEP request (pkiMessage).
 *
 * @param req			request parameters
 * @return				allocated DER encoding, chunk_empty on failure
 */
chunk_t getcert_scep_build_request(getcert_scep_request_t *req);

/**
 * Sign a SCEP request around an envelope built by the caller (tests and
 * probes; getcert_scep_build_request() builds the envelope itself).
 *
 * @param req			request parameters (data, recipient and enc_*
 *						unused)
 * @param envelope		EnvelopedData ContentInfo
 * @return				allocated DER encoding, chunk_empty on failure
 */
chunk_t getcert_scep_sign_request(getcert_scep_request_t *req,
								  chunk_t envelope);

/**
 * A verified CertRep.
 */
struct getcert_scep_reply_t {
	/** SUCCESS, FAILURE or PENDING */
	getcert_scep_status_t status;
	/** failInfo for FAILURE */
	getcert_scep_fail_t fail;
	/** decrypted messageData for SUCCESS (allocated, wipe after use) */
	chunk_t data;
	/** signer of the reply (CA or RA certificate, no new reference) */
	certificate_t *signer;
};

/**
 * Verify and parse a CertRep to one of our requests.
 *
 * Checks, each a distinct error: structure (MALFORMED), signature by a
 * trusted signer with signed attributes (SIGNATURE), messageType CertRep
 * and a known pkiStatus/failInfo (PROTOCOL), transactionID (TRANSACTION),
 * recipientNonce equal to our senderNonce (NONCE), for SUCCESS a non-empty
 * envelope that decrypts for us (ENVELOPE).
 *
 * Algorithms follow the local policy of the request: the signature's
 * digest is SHA-256, -384 or -512, SHA-1 only with reply_sha1; the
 * envelope is AES-CBC, DES-EDE3-CBC or DES-CBC only as reply_weak allows
 * (POLICY).
 *
 * @param blob			DER encoding of the CertRep
 * @param req			the request it answers (transid, nonce, signer, key)
 * @param trusted		certificate_t*, the pinned CA and verified RAs
 * @param reply			receives the reply
 * @return				GETCERT_OK or the error
 */
getcert_err_t getcert_scep_parse_reply(chunk_t blob,
									   getcert_scep_request_t *req,
									   linked_list_t *trusted,
									   getcert_scep_reply_t *reply);

/**
 * Build a CertRep (server side).
 *
 * @param req			the parsed request's transid, nonce (becomes the
 *						recipientNonce) and signer (the envelope's recipient)
 * @param status		pkiStatus
 * @param fail			failInfo for FAILURE, GETCERT_SCEP_FAIL_NONE to omit
 * @param data			messageData for SUCCESS (certs-only SignedData)
 * @param enc_alg		content encryption of the envelope
 * @param enc_key_size	its key size in bits
 * @param signer		CA or RA certificate signing the reply
 * @param key			its key
 * @param digest		digest algorithm
 * @param rsa_oid		name the signature algorithm rsaEncryption (the
 *						classic PKCS#7 form some clients require)
 * @return				allocated DER encoding, chunk_empty on failure
 */
chunk_t getcert_scep_build_certrep(getcert_scep_request_t *req,
								   getcert_scep_status_t status,
								   getcert_scep_fail_t fail, chunk_t data,
								   encryption_algorithm_t enc_alg,
								   size_t enc_key_size, certificate_t *signer,
								   private_key_t *key, hash_algorithm_t digest,
								   bool rsa_oid);

/**
 * Parse and verify a SCEP request (server side).
 *
 * The signature must verify with the certificate the message carries
 * (self-signed for a first PKCSReq, or a certificate the CA issued for a
 * RenewalReq; whether that certificate is acceptable is for the caller
 * to decide). The envelope must decrypt with the CA or RA key, with
 * implicit rejection of the encrypted key (getcert_cms_decrypt()).
 *
 * @param blob			DER encoding of the pkiMessage
 * @param cert			CA or RA certificate the request is encrypted for
 * @param key			its private key
 * @param allow_weak	accept DES/DES3 encrypted requests
 * @param secret		key of the substitute key derivation
 * @param req			receives type, data (decrypted), transid, nonce and
 *						signer (new reference); free the members with
 *						getcert_scep_request_clear()
 * @return				GETCERT_OK; GETCERT_ERR_MALFORMED, _SIGNATURE,
 *						_PROTOCOL, _POLICY or _ENVELOPE for what the
 *						request says in clear; GETCERT_ERR_DECRYPT if the
 *						content does not decrypt, with every member but
 *						data set: answer it exactly as a request whose
 *						decrypted content is unusable
 */
getcert_err_t getcert_scep_parse_request(chunk_t blob, certificate_t *cert,
								 private_key_t *key, bool allow_weak,
								 chunk_t secret, getcert_scep_request_t *req);

/**
 * Free the members of a request parsed by getcert_scep_parse_request().
 *
 * @param req			request to clear (data is wiped)
 */
void getcert_scep_request_clear(getcert_scep_request_t *req);

/**
 * Sign a CertRep around an already built envelope (server side).
 *
 * @param req			the request answered (transid, nonce)
 * @param status		pkiStatus
 * @param fail			failInfo for FAILURE, GETCERT_SCEP_FAIL_NONE to omit
 * @param envelope		EnvelopedData for SUCCESS, or empty
 * @param signer		CA or RA certificate signing the reply
 * @param key			its key
 * @param digest		digest algorithm
 * @param rsa_oid		name the signature algorithm rsaEncryption
 * @return				allocated DER encoding, chunk_empty on failure
 */
chunk_t getcert_scep_sign_certrep(getcert_scep_request_t *req,
								  getcert_scep_status_t status,
								  getcert_scep_fail_t fail, chunk_t envelope,
								  certificate_t *signer, private_key_t *key,
								  hash_algorithm_t digest, bool rsa_oid);

#endif /** GETCERT_SCEP_H_ @}*/

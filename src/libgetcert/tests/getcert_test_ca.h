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
 * An in-process SCEP CA for unit tests, built on libgetcert's own server
 * side message code, speaking through the getcert_transport_t interface.
 * It misbehaves on request, to exercise every check of the client.
 *
 * @defgroup getcert_test_ca getcert_test_ca
 * @{ @ingroup libgetcert
 */

#ifndef GETCERT_TEST_CA_H_
#define GETCERT_TEST_CA_H_

#include <getcert_transport.h>
#include <getcert_scep.h>

typedef struct gt_ca_t gt_ca_t;
typedef enum gt_ca_mode_t gt_ca_mode_t;
typedef enum gt_keygen_t gt_keygen_t;

/**
 * How the test CA answers /serverkeygen.
 */
enum gt_keygen_t {
	/** the key package encrypted to the CSR's key, signed by the CA (or
	 *  the RA with use_ra); application/pkcs8 if the CSR does not ask for
	 *  encryption */
	GT_KEYGEN_OK,
	/** application/pkcs8 whatever the CSR asks for */
	GT_KEYGEN_PLAIN,
	/** the certs-only part first */
	GT_KEYGEN_CERTS_FIRST,
	/** parts without smime-type and Content-Transfer-Encoding */
	GT_KEYGEN_BARE_TYPES,
	/** an AsymmetricKeyPackage in EnvelopedData without SignedData */
	GT_KEYGEN_UNSIGNED,
	/** the key package in a SignedData without SignerInfo */
	GT_KEYGEN_NO_SIGNER,
	/** the key package signed by another CA of the same name */
	GT_KEYGEN_WRONG_SIGNER,
	/** the key package holds another key than the certificate */
	GT_KEYGEN_OTHER_KEY,
	/** the key part twice */
	GT_KEYGEN_TWO_KEYS,
	/** a third, unknown part */
	GT_KEYGEN_EXTRA_PART,
	/** the key part only */
	GT_KEYGEN_NO_CERTS,
	/** no closing delimiter */
	GT_KEYGEN_UNTERMINATED,
};

/**
 * How the test CA answers PKIOperation requests.
 */
enum gt_ca_mode_t {
	/** issue a correct certificate */
	GT_CA_ISSUE,
	/** FAILURE with the configured failInfo */
	GT_CA_FAIL,
	/** FAILURE for RenewalReq, issue for PKCSReq */
	GT_CA_REJECT_RENEWAL,
	/** sign the reply with another CA */
	GT_CA_WRONG_SIGNER,
	/** reply with another transactionID */
	GT_CA_WRONG_TRANSID,
	/** reply with a recipientNonce that is not our senderNonce */
	GT_CA_WRONG_NONCE,
	/** issue a certificate for another key */
	GT_CA_WRONG_KEY,
	/** issue a certificate for another identity */
	GT_CA_WRONG_IDENTITY,
	/** issue a certificate signed by another CA */
	GT_CA_WRONG_CHAIN,
	/** issue a certificate with EKU OCSPSigning only */
	GT_CA_WRONG_EKU,
	/** issue a certificate that expired */
	GT_CA_EXPIRED,
	/** issue a certificate valid from 30 minutes in the future */
	GT_CA_FUTURE,
	/** SUCCESS without envelope */
	GT_CA_NO_ENVELOPE,
	/** SUCCESS with an envelope whose encrypted content is empty */
	GT_CA_EMPTY_ENVELOPE,
	/** reply with messageType PKCSReq instead of CertRep */
	GT_CA_NOT_CERTREP,
	/** pkiStatus 7 */
	GT_CA_BAD_STATUS,
	/** a garbage reply */
	GT_CA_GARBAGE,
	/** answer a request with the last certificate issued, again */
	GT_CA_REISSUE_LAST,
	/** issue a certificate valid from before the last one issued */
	GT_CA_OLDER,
};

/**
 * The test CA.
 */
struct gt_ca_t {

	/**
	 * Transport interface the engine talks to.
	 */
	getcert_transport_t transport;

	/**
	 * Answer mode.
	 */
	gt_ca_mode_t mode;

	/**
	 * failInfo for GT_CA_FAIL.
	 */
	getcert_scep_fail_t fail;

	/**
	 * PENDING replies before a request completes.
	 */
	int pending;

	/**
	 * Sign replies with signature algorithm rsaEncryption.
	 */
	bool rsa_oid;

	/**
	 * The CA certificate.
	 */
	certificate_t *ca;

	/**
	 * The CA's key (to issue more certificates in tests).
	 */
	private_key_t *key;

	/**
	 * Use an RA: GetCACert returns CA and RA, requests are decrypted and
	 * replies signed with the RA's key.
	 */
	bool use_ra;

	/**
	 * The RA certificate (keyUsage digitalSignature and keyEncipherment).
	 */
	certificate_t *ra;

	/**
	 * The RA's key.
	 */
	private_key_t *ra_key;

	/**
	 * Another certificate GetCACert returns, or NULL.
	 */
	certificate_t *extra;

	/**
	 * The transport does not authenticate the server (plain HTTP, or TLS
	 * not anchored yet).
	 */
	bool unauthenticated;

	/**
	 * The first trust_ca() anchors the transport (fingerprint-only pin):
	 * it returns TRUE and the server is authenticated from then on.
	 */
	bool anchor_on_trust;

	/**
	 * trust_ca() calls.
	 */
	int trust_calls;

	/**
	 * Sign CertReps with SHA-1.
	 */
	bool reply_sha1;

	/**
	 * Content encryption of CertRep envelopes, 0 for AES-128-CBC.
	 */
	encryption_algorithm_t reply_enc;

	/**
	 * Number of requests per messageType, index getcert_scep_msg_t.
	 */
	int count[32];

	/**
	 * HTTP requests in total, and how many were POST.
	 */
	int requests;
	int posts;

	/**
	 * Signer of the last PKIOperation request.
	 */
	certificate_t *last_signer;

	/**
	 * challengePassword of the last CSR, allocated or NULL.
	 */
	char *last_challenge;

	/**
	 * Directory to keep each PKIOperation request in, or NULL: the message
	 * as <n>-<messageType>.der, its decrypted content as
	 * <n>-<messageType>-content.der and a self-signed signer certificate
	 * as <n>-<messageType>-signer.der (n counts from 1); the key that
	 * decrypts them (PKCS#1) as recipient-key.der, its certificate as
	 * recipient.der.
	 */
	char *capture;

	/**
	 * EST responder (est_request()): 202 replies before an enrollment
	 * request is answered.
	 */
	int est_pending;

	/**
	 * EST: Retry-After of a 202, seconds (0: none).
	 */
	u_int est_retry_after;

	/**
	 * EST: /csrattrs body (DER, owned: chunk_free()d on destroy), empty
	 * for 204.
	 */
	chunk_t est_csrattrs;

	/**
	 * EST: /cacerts returns another CA of the same name.
	 */
	bool est_wrong_ca;

	/**
	 * EST: replies in DER instead of base64.
	 */
	bool est_binary;

	/**
	 * EST: line length of base64 replies, 0 for none.
	 */
	int est_line;

	/**
	 * EST: the transport's body limit; a longer reply fails with
	 * GETCERT_ERR_TOO_LARGE as libcurl's write callback does (0: none).
	 */
	size_t est_max_size;

	/**
	 * EST: requests per operation: cacerts, csrattrs, simpleenroll,
	 * simplereenroll, serverkeygen.
	 */
	int est_count[5];

	/**
	 * EST: how /serverkeygen answers.
	 */
	gt_keygen_t est_keygen;

	/**
	 * EST: type and size (0: default) of the keys /serverkeygen generates.
	 */
	key_type_t est_keygen_type;
	u_int est_keygen_bits;

	/**
	 * EST: /cacerts also returns the RA certificate.
	 */
	bool est_ra_in_cacerts;

	/**
	 * EST: the AsymmetricDecryptKeyIdentifier of the last /serverkeygen
	 * CSR (owned), empty if it had none; whether it named the CSR's key.
	 */
	chunk_t est_keygen_key_id;
	bool est_keygen_key_id_ok;

	/**
	 * EST: the last key /serverkeygen generated (a reference), or NULL.
	 */
	private_key_t *est_keygen_key;

	/**
	 * Ask for HTTP authentication as getcertd does: a PKCSReq without a
	 * current certificate (SCEP), /simpleenroll and /serverkeygen without
	 * a TLS client certificate (EST) that arrive without credentials cost
	 * one more HTTP request (the 401 the transport answers), counted in
	 * requests and auth_401s; credentials are sent from then on, or from
	 * a preauth() on (the transport offers preauth() only if this is set).
	 */
	bool http_auth;

	/**
	 * http_auth: 401s answered, preauth() calls that set credentials, and
	 * whether credentials are being sent.
	 */
	int auth_401s;
	int preauths;
	bool credentials;

	/**
	 * EST: TLS client certificate set by set_client_auth(), or NULL, and
	 * the one that was set when the last simplereenroll arrived.
	 */
	certificate_t *est_client;
	certificate_t *est_reenroll_client;

	/**
	 * EST: the last CSR received (DER), owned.
	 */
	chunk_t est_last_csr;

	/**
	 * Destroy the test CA.
	 */
	void (*destroy)(gt_ca_t *this);
};

/**
 * Create a test CA with a fresh RSA key.
 *
 * @param caps			GetCACaps reply
 * @return				test CA
 */
gt_ca_t *gt_ca_create(char *caps);

#endif /** GETCERT_TEST_CA_H_ @}*/

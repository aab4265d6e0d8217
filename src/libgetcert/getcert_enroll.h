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
 * @defgroup getcert_enroll getcert_enroll
 * @{ @ingroup libgetcert
 */

#ifndef GETCERT_ENROLL_H_
#define GETCERT_ENROLL_H_

#include "getcert_error.h"
#include "getcert_scep.h"
#include "getcert_transport.h"
#include "getcert_x509.h"

#include <library.h>
#include <collections/linked_list.h>
#include <utils/identification.h>
#include <credentials/certificates/certificate.h>
#include <credentials/keys/private_key.h>

/**
 * How long the engine keeps the capabilities and CA/RA certificates of
 * get_ca() for later enrollments (renewals), in seconds: they are fetched
 * again after this time, when one of them expired, and when a renewal sent
 * with them fails as outdated ones would make it fail (then it is sent
 * again once).
 */
#define GETCERT_CA_CACHE_TIME (24 * 60 * 60)

typedef struct getcert_enroll_t getcert_enroll_t;
typedef struct getcert_enroll_params_t getcert_enroll_params_t;

/**
 * What to enroll for, and the local policy.
 */
struct getcert_enroll_params_t {
	/** identity the issued certificate must carry (subject or SAN) */
	identification_t *identity;
	/** subject DN of the request, NULL for "CN=<identity>" */
	identification_t *subject;
	/** pinned CA certificate, or NULL */
	certificate_t *ca_cert;
	/** pinned SHA-256 fingerprint of the CA certificate, or empty */
	chunk_t ca_fingerprint;
	/** pinned SHA-256 fingerprints of RA certificates, concatenated
	 *  (getcert_x509_parse_fingerprints()), or empty */
	chunk_t ra_fingerprints;
	/** message of GetCACert (CA identifier), or NULL */
	char *ca_ident;
	/** SCEP challengePassword to put into the request, or NULL */
	char *challenge_password;
	/** encrypt requests with DES-EDE3-CBC if the server lacks AES, and
	 *  accept it in CertRep envelopes */
	bool allow_des3;
	/** accept SHA-1 if the server lacks SHA-256, and in CertReps */
	bool allow_sha1;
	/** accept DES-CBC in CertRep envelopes (never used in requests) */
	bool allow_des;
	/** first CertPoll delay in seconds (doubles up to poll_max) */
	u_int poll_interval;
	/** longest CertPoll delay in seconds */
	u_int poll_max;
	/** give up polling after this many seconds: the whole polling time,
	 *  the last wait is clipped to it (each poll counts >= 1 s) */
	u_int poll_timeout;
	/** clock skew in seconds tolerated for the notBefore of the result */
	u_int max_skew;
	/** EST /serverkeygen only: ask for the key protected by TLS alone
	 *  (application/pkcs8, RFC 7030 4.4.2) and accept it; default FALSE:
	 *  asked for encrypted, an unencrypted key is refused */
	bool allow_plain_key;
};

/**
 * SCEP enrollment engine (RFC 8894) over a getcert_transport_t.
 */
struct getcert_enroll_t {

	/**
	 * Fetch capabilities and CA/RA certificates and check them against
	 * the pin and the local algorithm policy. Done by enroll() if needed.
	 *
	 * The CA must match the pin. An RA (another certificate of the reply,
	 * issued by the CA and valid) is believed only if the reply came from
	 * an authenticated server (transport's is_authenticated()) or the RA
	 * is pinned (ra_fingerprints), and only for its role: the recipient
	 * of requests needs keyEncipherment, a CertRep signer
	 * digitalSignature. An RA that is not pinned must have a keyUsage
	 * with keyEncipherment, must not be a CA and must not carry an
	 * extended key usage of the kind issued to users (clientAuth,
	 * ipsecIKE, anyExtendedKeyUsage). Without an RA requests go to the CA.
	 * When the transport anchors TLS to the CA only now (trust_ca()),
	 * everything is fetched again over the authenticated connection.
	 *
	 * @return			GETCERT_OK or the error
	 */
	getcert_err_t (*get_ca)(getcert_enroll_t *this);


	/**
	 * The verified CA certificate, after get_ca().
	 *
	 * @return			CA certificate (no new reference), or NULL
	 */
	certificate_t *(*get_ca_cert)(getcert_enroll_t *this);

	/**
	 * Enroll a key: PKCSReq with a self-signed certificate, or with a
	 * current certificate a RenewalReq (if the server offers Renewal),
	 * falling back to a PKCSReq signed with the current certificate if the
	 * server rejects the RenewalReq. PENDING is polled with backoff.
	 * A renewal whose result is the current certificate, or not newer
	 * than it (same serial, notBefore not later), fails with
	 * GETCERT_ERR_NOT_RENEWED.
	 *
	 * @param key		key to certify
	 * @param current	current certificate for renewal, or NULL
	 * @param current_key its key, or NULL
	 * @param cert		receives the verified issued certificate
	 * @return			GETCERT_OK or the error
	 */
	getcert_err_t (*enroll)(getcert_enroll_t *this, private_key_t *key,
							certificate_t *current, private_key_t *current_key,
							certificate_t **cert);

	/**
	 * Fetch the CRL of the CA (GetCRL), signed with a current certificate.
	 *
	 * @param current	our current certificate (names issuer and serial)
	 * @param key		its key
	 * @param crl		receives the CRL, verified against the CA
	 * @return			GETCERT_OK or the error
	 */
	getcert_err_t (*get_crl)(getcert_enroll_t *this, certificate_t *current,
							 private_key_t *key, certificate_t **crl);

	/**
	 * Fetch an issued certificate by serial number (GetCert).
	 *
	 * @param current	our current certificate, signs the request
	 * @param key		its key
	 * @param serial	serial number of the certificate to get
	 * @param cert		receives the certificate, verified against the CA
	 * @return			GETCERT_OK or the error
	 */
	getcert_err_t (*get_cert)(getcert_enroll_t *this, certificate_t *current,
							  private_key_t *key, chunk_t serial,
							  certificate_t **cert);

	/**
	 * failInfo of the last FAILURE reply.
	 *
	 * @return			failInfo, GETCERT_SCEP_FAIL_NONE if none
	 */
	getcert_scep_fail_t (*get_fail_info)(getcert_enroll_t *this);

	/**
	 * Number of CertPoll requests sent by the last enroll().
	 *
	 * @return			number of polls
	 */
	u_int (*get_polls)(getcert_enroll_t *this);

	/**
	 * Cancel the running operation and every later one, from any thread:
	 * a wait between CertPolls ends at once, the transport's request is
	 * aborted, and the operation returns GETCERT_ERR_CANCELLED without
	 * logging it (the caller does, once). The running operation must have
	 * returned before destroy() is called.
	 */
	void (*cancel)(getcert_enroll_t *this);

	/**
	 * Destroy the engine (not the transport).
	 */
	void (*destroy)(getcert_enroll_t *this);
};

/**
 * Create an enrollment engine.
 *
 * @param transport		transport to the server (not adopted)
 * @param params		parameters, copied
 * @return				engine
 */
getcert_enroll_t *getcert_enroll_create(getcert_transport_t *transport,
										getcert_enroll_params_t *params);

/**
 * Find the pinned CA among the certificates a server sent (GetCACert,
 * EST /cacerts) and check it: it must match ca_cert (or, without one, a
 * fingerprint of ca_fingerprint), be a CA and be valid now. The same check
 * for SCEP and EST.
 *
 * @param certs			certificate_t* the server sent
 * @param ca_cert		pinned CA certificate, or NULL
 * @param ca_fingerprint	pinned SHA-256 fingerprints, if no ca_cert
 * @param ca			receives the matching CA (new reference)
 * @return				GETCERT_OK, GETCERT_ERR_CA_MISMATCH or
 *						GETCERT_ERR_CERT_VALIDITY
 */
getcert_err_t getcert_match_ca(linked_list_t *certs, certificate_t *ca_cert,
							   chunk_t ca_fingerprint, certificate_t **ca);

/**
 * Whether a certificate a renewal returned is newer than the current one:
 * another certificate (encoding and serial) with a later notBefore.
 *
 * @param cert			certificate returned
 * @param current		current certificate
 * @return				TRUE if renewed (reason logged if not)
 */
bool getcert_is_renewed(certificate_t *cert, certificate_t *current);

#endif /** GETCERT_ENROLL_H_ @}*/

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
 * @defgroup getcert_client getcert_client
 * @{ @ingroup libgetcert
 */

#ifndef GETCERT_CLIENT_H_
#define GETCERT_CLIENT_H_

#include "getcert_curl.h"
#include "getcert_enroll.h"
#include "getcert_est_enroll.h"

typedef struct getcert_client_t getcert_client_t;
typedef struct getcert_client_params_t getcert_client_params_t;
typedef enum getcert_protocol_t getcert_protocol_t;

/**
 * Enrollment protocol of a profile.
 */
enum getcert_protocol_t {
	/** SCEP (RFC 8894), the default */
	GETCERT_PROTOCOL_SCEP = 0,
	/** EST (RFC 7030, RFC 8951), HTTPS only */
	GETCERT_PROTOCOL_EST,
};

/**
 * Names of getcert_protocol_t ("scep", "est").
 */
extern enum_name_t *getcert_protocol_names;

/**
 * What differs between the clients (the charon plugin, getcert-enroll);
 * the rest (polling, clock skew, size and round limits) is the same for
 * all and set by getcert_client_create().
 */
struct getcert_client_params_t {
	/** protocol, GETCERT_PROTOCOL_SCEP (0) by default */
	getcert_protocol_t protocol;
	/** SCEP URL, https:// (http:// only with allow_http); for EST
	 *  https://host[:port] (then /.well-known/est) or the EST base */
	char *url;
	/** EST CA label (RFC 7030 3.2.2), or NULL */
	char *est_label;
	/** allow a plain http:// URL (no credentials are ever sent on it) */
	bool allow_http;
	/** identity the issued certificate must carry (subject or SAN) */
	identification_t *identity;
	/** subject DN of the request, NULL for "CN=<identity>" */
	identification_t *subject;
	/** pinned CA certificate, or NULL */
	certificate_t *ca_cert;
	/** pinned SHA-256 fingerprint of the CA certificate, or empty */
	chunk_t ca_fingerprint;
	/** pinned SHA-256 fingerprints of RA certificates, or empty */
	chunk_t ra_fingerprints;
	/** the only TLS trust anchor, or NULL */
	certificate_t *tls_ca;
	/** TLS server public key pins (getcert_curl_parse_pin()), or NULL */
	char *tls_pin;
	/** accept DES-EDE3-CBC if the server lacks AES */
	bool allow_des3;
	/** accept SHA-1 if the server lacks SHA-256 */
	bool allow_sha1;
	/** accept DES-CBC in CertRep envelopes */
	bool allow_des;
	/** SCEP challengePassword to put into the request, or NULL */
	char *challenge_password;
	/** user for HTTP authentication */
	identification_t *user;
	/** credential callback for HTTP authentication, NULL for none */
	getcert_credential_cb_t cb;
	/** data for cb */
	void *data;
	/** how often a rejected password is asked again */
	u_int max_tries;
	/** send the password with the enrolling request (SCEP PKCSReq, EST
	 *  /simpleenroll, /serverkeygen) without waiting for the server's 401,
	 *  towards an authenticated server only (getcert_transport_t.preauth) */
	bool preemptive_auth;
	/** connect timeout, seconds */
	u_int connect_timeout;
	/** total timeout of one request, seconds */
	u_int timeout;
	/** abort if less than 1 byte/s arrives for this many seconds */
	u_int low_speed_time;
	/** give up polling a pending request after this many seconds */
	u_int poll_timeout;
	/** EST /serverkeygen: ask for and accept a private key protected by
	 *  TLS alone (application/pkcs8) instead of encrypted to us */
	bool allow_plain_key;
};

/**
 * A SCEP or EST client: the enrollment engine over the libcurl transport,
 * one connection kept for all its operations.
 *
 * With protocol EST, get_engine() returns the EST engine through the same
 * getcert_enroll_t interface (get_crl()/get_cert() fail with
 * GETCERT_ERR_PROTOCOL), and get_est() its extension to choose the key
 * type by /csrattrs before generating the key, or to have the server
 * generate it (enroll_keygen()).
 */
struct getcert_client_t {

	/**
	 * The enrollment engine, to enroll, fetch CRLs and cancel.
	 *
	 * @return			engine (owned by the client)
	 */
	getcert_enroll_t *(*get_engine)(getcert_client_t *this);

	/**
	 * The EST engine, for get_key_spec() and enroll_keygen().
	 *
	 * @return			EST engine (owned by the client), NULL for SCEP
	 */
	getcert_est_enroll_t *(*get_est)(getcert_client_t *this);

	/**
	 * The transport, for its counters and to forget credentials.
	 *
	 * @return			transport (owned by the client)
	 */
	getcert_curl_t *(*get_curl)(getcert_client_t *this);

	/**
	 * Destroy the engine and the transport, closing the connection.
	 */
	void (*destroy)(getcert_client_t *this);
};

/**
 * Create a client.
 *
 * @param params		parameters, copied
 * @return				client, NULL if the URL is not acceptable (EST:
 *						not https://, or a bad label)
 */
getcert_client_t *getcert_client_create(getcert_client_params_t *params);

/**
 * Create a client over a given transport instead of libcurl's (unit tests
 * run it over an in-process CA); the engine gets the same parameters and
 * constants as with getcert_client_create().
 *
 * @param params		parameters, copied (the transport's are not used)
 * @param curl			transport, adopted (destroyed with the client)
 * @return				client, NULL if EST and the transport has no
 *						est_request() (curl is destroyed then)
 */
getcert_client_t *getcert_client_create_on(getcert_client_params_t *params,
										   getcert_curl_t *curl);

#endif /** GETCERT_CLIENT_H_ @}*/

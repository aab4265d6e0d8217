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
 * @defgroup getcert_transport getcert_transport
 * @{ @ingroup libgetcert
 */

#ifndef GETCERT_TRANSPORT_H_
#define GETCERT_TRANSPORT_H_

#include "getcert_error.h"

#include <library.h>
#include <credentials/certificates/certificate.h>
#include <credentials/keys/private_key.h>

typedef struct getcert_transport_t getcert_transport_t;
typedef struct getcert_http_reply_t getcert_http_reply_t;

/**
 * Reply to an EST request (RFC 7030): status 200, 202 or 204; every other
 * status is an error of est_request().
 */
struct getcert_http_reply_t {
	/** HTTP status code: 200, 202 (retry later) or 204 (no content) */
	u_int status;
	/** allocated body (still transfer-encoded, see getcert_est_decode()) */
	chunk_t body;
	/** allocated Content-Type, or NULL */
	char *type;
	/** allocated Content-Transfer-Encoding, or NULL */
	char *encoding;
	/** Retry-After of a 202 in seconds (delta-seconds or an HTTP-date in
	 *  the future), 0 if absent or unparsable */
	u_int retry_after;
};

/**
 * Free what a getcert_http_reply_t holds and zero it.
 *
 * @param reply			reply to clear
 */
static inline void getcert_http_reply_clear(getcert_http_reply_t *reply)
{
	chunk_free(&reply->body);
	free(reply->type);
	free(reply->encoding);
	*reply = (getcert_http_reply_t){};
}

/**
 * Carries SCEP operations to the server (HTTP GET/POST on one URL).
 *
 * The libcurl implementation is getcert_curl_t; HTTP authentication
 * is handled inside the transport, only towards an authenticated server.
 */
struct getcert_transport_t {

	/**
	 * Perform one SCEP operation.
	 *
	 * For GET the message goes base64/URL-encoded into the query
	 * ("operation=OP&message=MSG"); for POST it is the body.
	 *
	 * @param operation		SCEP operation, e.g. "GetCACaps"
	 * @param message		message (binary for PKIOperation), may be empty
	 * @param post			send with POST
	 * @param body			receives the allocated response body
	 * @param type			receives the allocated Content-Type, or NULL
	 * @return				GETCERT_OK or the error
	 */
	getcert_err_t (*request)(getcert_transport_t *this, char *operation,
							 chunk_t message, bool post, chunk_t *body,
							 char **type);

	/**
	 * Perform one EST operation (RFC 7030 section 3.2.2) on
	 * <base>/.well-known/est[/label]/<operation>, HTTPS only.
	 *
	 * A 401 is answered exactly as for request() (same credential
	 * callback, same rounds, only towards an authenticated server).
	 * Optional: NULL for a transport that only speaks SCEP.
	 *
	 * @param operation		"cacerts", "csrattrs", "simpleenroll", ...
	 * @param content_type	Content-Type to POST with, NULL for a GET
	 * @param message		body of a POST
	 * @param reply			receives status, body and headers; clear it
	 *						with getcert_http_reply_clear()
	 * @return				GETCERT_OK or the error (also for a status
	 *						other than 200, 202 and 204)
	 */
	getcert_err_t (*est_request)(getcert_transport_t *this, char *operation,
								 char *content_type, chunk_t message,
								 getcert_http_reply_t *reply);

	/**
	 * Authenticate as a TLS client with a certificate and its key from
	 * now on (EST re-enrollment), or not (both NULL). The key is kept in
	 * memory only and wiped when replaced or on destroy(). Set it before
	 * the first request of an operation so that the connection opened
	 * then is reused for all of them. Optional: NULL if unsupported.
	 *
	 * @param cert			client certificate, or NULL
	 * @param key			its private key, or NULL
	 * @return				TRUE if set
	 */
	bool (*set_client_auth)(getcert_transport_t *this, certificate_t *cert,
							private_key_t *key);

	/**
	 * Send the HTTP credentials with the next request already, without
	 * waiting for a 401 (pre-emptive Basic authentication), then with
	 * every later one, as after a 401. Called by the engines before the
	 * request that enrolls with a password (SCEP PKCSReq without a current
	 * certificate, EST /simpleenroll and /serverkeygen without TLS client
	 * authentication), never before another one. Only done if configured,
	 * only towards an authenticated server (is_authenticated(); a
	 * fingerprint-only profile after trust_ca()), never over plain HTTP;
	 * no redirect is ever followed. A 401 to them is answered as any 401.
	 * Optional: NULL if unsupported.
	 *
	 * @return				TRUE if the next request carries credentials
	 */
	bool (*preauth)(getcert_transport_t *this);

	/**
	 * Whether the server is authenticated: replies come over TLS whose
	 * server certificate verified against the configured trust anchor or
	 * public key pin. Never over plain HTTP, and not before a transport
	 * without a configured anchor was anchored with trust_ca().
	 *
	 * @return				TRUE if the server is authenticated
	 */
	bool (*is_authenticated)(getcert_transport_t *this);

	/**
	 * Report that the CA certificate of GetCACert matched the pin.
	 *
	 * A transport without a configured TLS anchor or pin answers no HTTP
	 * authentication request before; it anchors TLS to
	 * this CA from now on, on a new connection; what it received before
	 * was not authenticated and should be fetched again.
	 *
	 * @param ca			the pinned CA certificate
	 * @return				TRUE if the trust changed (fetch again)
	 */
	bool (*trust_ca)(getcert_transport_t *this, certificate_t *ca);

	/**
	 * Abort the running request and refuse later ones, which then return
	 * GETCERT_ERR_CANCELLED without logging. Safe to call from another
	 * thread. Optional: NULL if the transport cannot be cancelled.
	 */
	void (*cancel)(getcert_transport_t *this);

	/**
	 * Destroy the transport, closing its connection.
	 */
	void (*destroy)(getcert_transport_t *this);
};

#endif /** GETCERT_TRANSPORT_H_ @}*/

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
 * @defgroup getcert_curl getcert_curl
 * @{ @ingroup libgetcert
 */

#ifndef GETCERT_CURL_H_
#define GETCERT_CURL_H_

#include "getcert_transport.h"
#include "getcert_http_auth.h"

#include <credentials/certificates/certificate.h>

typedef struct getcert_curl_t getcert_curl_t;
typedef struct getcert_curl_params_t getcert_curl_params_t;

/**
 * Connection parameters.
 */
struct getcert_curl_params_t {
	/** SCEP URL, https:// (http:// only with allow_http) */
	char *url;
	/** the only TLS trust anchor, or NULL (never the system's CAs) */
	certificate_t *tls_ca;
	/** the pinned enrollment CA, or NULL if pinned by fingerprint only;
	 *  the TLS anchor if neither tls_ca nor tls_pin is set */
	certificate_t *ca_cert;
	/** TLS server public key pins as getcert_curl_parse_pin() returns
	 *  them, or NULL */
	char *tls_pin;
	/** allow a plain http:// URL (no credentials are ever sent on it) */
	bool allow_http;
	/** user for HTTP authentication */
	identification_t *user;
	/** credential callback for HTTP authentication, NULL for none */
	getcert_credential_cb_t cb;
	/** data for cb */
	void *data;
	/** connect timeout, seconds */
	u_int connect_timeout;
	/** total timeout of one request, seconds */
	u_int timeout;
	/** abort if less than 1 byte/s arrives for this many seconds */
	u_int low_speed_time;
	/** largest response body accepted, bytes */
	size_t max_size;
	/** how often a rejected password is asked again */
	u_int max_tries;
	/** how many server challenges are answered at most */
	u_int max_rounds;
	/** preauth(): send the password with the enrolling request without
	 *  waiting for a 401 (Basic, authenticated server only) */
	bool preemptive_auth;
	/** EST (RFC 7030): HTTPS only, est_request() on the EST base; url is
	 *  https://host[:port] (for /.well-known/est) or the base itself */
	bool est;
	/** EST CA label (RFC 7030 3.2.2), or NULL */
	char *est_label;
};

/**
 * SCEP transport on libcurl: one handle, hence one kept-alive connection,
 * for all requests of one enrollment.
 *
 * Redirects are never followed. Credentials are sent only after a 401, or
 * with preemptive_auth when the engine calls preauth(), on a connection
 * whose server was authenticated, never over plain HTTP, and
 * are wiped after use: with the CA pinned by fingerprint only, not before
 * the engine reported the matching CA (trust_ca()) and TLS is anchored.
 *
 * The server is authenticated by a TLS public key pin (tls_pin), and/or by
 * its certificate chaining to the one trust anchor: tls_ca, else, without
 * a pin, the enrollment CA. The system's CA store is never used. The
 * certificate must carry a DNS or IP subjectAltName matching the URL (the
 * subject's CN is never considered) and, when the anchor is the enrollment
 * CA, which also issues user certificates, the serverAuth extended key
 * usage. A profile pinning the CA by fingerprint only has no anchor before
 * GetCACert: those first requests are not authenticated, and the transport
 * anchors to the CA once the engine matched it (trust_ca()).
 */
struct getcert_curl_t {

	/**
	 * Implements getcert_transport_t.
	 */
	getcert_transport_t transport;

	/**
	 * Number of HTTP requests sent (including 401 rounds).
	 *
	 * @return			requests
	 */
	u_int (*get_requests)(getcert_curl_t *this);

	/**
	 * Number of connections opened (TLS handshakes for https).
	 *
	 * @return			connections
	 */
	u_int (*get_connects)(getcert_curl_t *this);

	/**
	 * Retry-After (RFC 9110 10.2.3) of the last answer if it was a 503 or
	 * 429, for the caller's back-off.
	 *
	 * @return			seconds, 0 if none (or the last answer was another)
	 */
	u_int (*get_retry_after)(getcert_curl_t *this);

	/**
	 * Forget (wipe) the credentials sent, keeping the connection: the next
	 * request goes without them and a 401 asks the callback again.
	 */
	void (*forget)(getcert_curl_t *this);
};

/**
 * Create a libcurl transport.
 *
 * @param params		parameters, copied
 * @return				transport, NULL if the URL is not acceptable
 */
getcert_curl_t *getcert_curl_create(getcert_curl_params_t *params);

/**
 * Parse TLS server public key pins: curl's "sha256//<base64>" form, several
 * separated by ';', or one SHA-256 in hex (colons allowed), each the
 * SHA-256 of the server's DER SubjectPublicKeyInfo.
 *
 * @param value			configured value
 * @return				allocated "sha256//<base64>[;...]", NULL if invalid
 */
char *getcert_curl_parse_pin(char *value);

/**
 * Whether an EST CA label is acceptable: 1 to 64 characters out of RFC 3986's
 * unreserved set, not "." or "..".
 *
 * @param label			label
 * @return				TRUE if valid
 */
bool getcert_est_label_valid(char *label);

#endif /** GETCERT_CURL_H_ @}*/

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
 * @{ @ingroup getcert
 */

#ifndef GETCERT_CURL_H_
#define GETCERT_CURL_H_

#include <getcert_transport.h>
#include <getcert_http_auth.h>

#include <credentials/certificates/certificate.h>

typedef struct getcert_curl_t getcert_curl_t;
typedef struct getcert_curl_params_t getcert_curl_params_t;

/**
 * Connection parameters.
 */
struct getcert_curl_params_t {
	/** SCEP URL, https:// (http:// only with allow_http) */
	char *url;
	/** the only TLS trust anchor, or NULL for the system's CAs */
	certificate_t *tls_ca;
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
};

/**
 * SCEP transport on libcurl: one handle, hence one kept-alive connection,
 * for all requests of one enrollment.
 *
 * Redirects are never followed. Credentials are sent only after a 401 on
 * a connection whose server certificate verified against the pinned CA,
 * never over plain HTTP, and are wiped after use.
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

#endif /** GETCERT_CURL_H_ @}*/

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

typedef struct getcert_transport_t getcert_transport_t;

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

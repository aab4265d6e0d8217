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
 * @defgroup getcertd getcertd
 *
 * @defgroup getcertd_http getcertd_http
 * @{ @ingroup getcertd
 */

#ifndef GETCERTD_HTTP_H_
#define GETCERTD_HTTP_H_

#include <library.h>
#include <networking/host.h>

typedef struct getcertd_http_t getcertd_http_t;
typedef struct getcertd_request_t getcertd_request_t;
typedef struct getcertd_response_t getcertd_response_t;

/**
 * An HTTP request, as the handler sees it.
 */
struct getcertd_request_t {
	/** "GET" or "POST" */
	char *method;
	/** path of the URL, without query */
	char *path;
	/** query parameter "operation", or NULL */
	char *operation;
	/** query parameter "message" (decoded), or NULL */
	char *message;
	/** request body */
	chunk_t body;
	/** Authorization header, or NULL */
	char *authorization;
	/** GETCERT-State header, or NULL */
	char *state;
	/** client address */
	host_t *client;
	/** DER of the certificate the client presented in the TLS handshake
	 * (which proved possession of its key), empty if none; not verified */
	chunk_t peer_cert;
	/** the request came over TLS */
	bool tls;
};

/**
 * An HTTP response, filled by the handler.
 */
struct getcertd_response_t {
	/** status code */
	u_int status;
	/** Content-Type, static string or NULL */
	char *type;
	/** body, allocated */
	chunk_t body;
	/** WWW-Authenticate header, allocated or NULL */
	char *www_authenticate;
	/** Retry-After seconds, 0 for none */
	u_int retry_after;
	/** Content-Transfer-Encoding, static string or NULL */
	char *encoding;
	/** the body holds a secret (a private key): every copy is wiped */
	bool secret;
};

/**
 * Fill a response with a plain text body.
 *
 * @param response		response to fill
 * @param status		HTTP status code
 * @param text			body
 */
static inline void getcertd_response_plain(getcertd_response_t *response,
										   u_int status, char *text)
{
	response->status = status;
	response->type = "text/plain";
	response->body = chunk_clone(chunk_from_str(text));
}

/**
 * Handle one request; runs in a worker thread and may block.
 *
 * @param data			user data
 * @param request		the request
 * @param response		the response to fill
 */
typedef void (*getcertd_handler_t)(void *data, getcertd_request_t *request,
								   getcertd_response_t *response);

/**
 * HTTP(S) server on libmicrohttpd.
 *
 * libmicrohttpd's polling thread reads requests; complete requests are
 * suspended and queued as jobs to lib->processor's worker threads, which
 * run the (blocking) handler and resume the connection. Under a burst,
 * requests wait in the job queue instead of failing.
 *
 * Over TLS, a client certificate is requested, not required (RFC 7030
 * 3.3.2): the CA certificate is named as acceptable issuer, and what the
 * client presents is handed to the handler unverified, in peer_cert.
 */
struct getcertd_http_t {

	/**
	 * Destroy the server, closing all connections.
	 */
	void (*destroy)(getcertd_http_t *this);
};

/**
 * Start the server as configured in getcertd.* settings.
 *
 * @param handler		request handler
 * @param data			data for handler
 * @return				server, NULL on error (logged)
 */
getcertd_http_t *getcertd_http_create(getcertd_handler_t handler, void *data);

#endif /** GETCERTD_HTTP_H_ @}*/

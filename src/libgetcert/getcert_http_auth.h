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
 * @defgroup getcert_http_auth getcert_http_auth
 * @{ @ingroup libgetcert
 */

#ifndef GETCERT_HTTP_AUTH_H_
#define GETCERT_HTTP_AUTH_H_

#include "getcert_error.h"

#include <library.h>
#include <utils/identification.h>

typedef struct getcert_http_auth_t getcert_http_auth_t;
typedef struct getcert_http_challenge_t getcert_http_challenge_t;

/**
 * Longest challenge text of a WWW-Authenticate header (unescaped)
 */
#define GETCERT_HTTP_MAX_CHALLENGE 1024

/**
 * Longest state of a WWW-Authenticate header
 */
#define GETCERT_HTTP_MAX_STATE 512

/**
 * Obtain a secret for HTTP authentication.
 *
 * @param data			user data
 * @param user			user name
 * @param challenge		NULL to ask for the password, or the text of a
 *						server challenge (OTP, challenge/response) to answer
 * @param attempt		1 for the first request of this kind, 2 after the
 *						server rejected the first answer, ...
 * @param secret		receives the allocated secret (wiped by the caller)
 * @return				FALSE if no secret is available
 */
typedef bool (*getcert_credential_cb_t)(void *data, identification_t *user,
										char *challenge, u_int attempt,
										chunk_t *secret);

/**
 * The parts of a WWW-Authenticate header getcert uses.
 */
struct getcert_http_challenge_t {
	/** a Basic challenge was found */
	bool basic;
	/** realm, allocated or NULL */
	char *realm;
	/** challenge text to show the user, allocated or NULL */
	char *challenge;
	/** opaque state to echo in GETCERT-State, allocated or NULL */
	char *state;
};

/**
 * Parse a WWW-Authenticate header value (RFC 7235: challenges with
 * auth-params, token or quoted-string values).
 *
 * @param value			header value
 * @param out			receives the Basic challenge's parameters; free
 *						with getcert_http_challenge_free()
 * @return				FALSE if the header is malformed
 */
bool getcert_http_challenge_parse(char *value, getcert_http_challenge_t *out);

/**
 * Encode a Basic challenge as WWW-Authenticate header value, the form
 * getcert_http_challenge_parse() reads (docs/http-auth.md):
 *
 *   Basic realm="<realm>"[, challenge="<text>"][, state="<state>"]
 *
 * Values are quoted-strings with '"' and '\\' escaped; control characters
 * other than tab, which the parser refuses, are sent as '?'.
 *
 * @param challenge		realm (required), challenge text and state (each
 *						NULL to leave it out); basic is ignored
 * @return				allocated header value, NULL if the realm is
 *						missing, the text is longer than
 *						GETCERT_HTTP_MAX_CHALLENGE or the state is not
 *						at most GETCERT_HTTP_MAX_STATE characters of
 *						A-Z a-z 0-9 - . _ ~ + / = (what the parser takes)
 */
char *getcert_http_challenge_encode(getcert_http_challenge_t *challenge);

/**
 * Free the members of a parsed challenge.
 *
 * @param challenge		challenge to free the members of
 */
void getcert_http_challenge_free(getcert_http_challenge_t *challenge);

/**
 * HTTP Basic authentication rounds of the GETCERT convention.
 *
 * The server answers a request without credentials with 401 and
 * "WWW-Authenticate: Basic realm=..."; the client resends it with
 * "Authorization: Basic base64(user:password)". A RADIUS Access-Challenge
 * comes back as 401 with "Basic realm=..., challenge=\"<text>\",
 * state=\"<opaque>\""; the client shows the text, and resends with the
 * answer as password and "GETCERT-State: <opaque>". A 401 without
 * challenge after credentials were sent means they were rejected.
 */
struct getcert_http_auth_t {

	/**
	 * Handle a 401 response, obtain credentials for the next attempt.
	 *
	 * @param header	value of the WWW-Authenticate header, or NULL
	 * @return			GETCERT_OK to resend with get_headers(), or
	 *					GETCERT_ERR_AUTH / GETCERT_ERR_NO_CREDENTIALS
	 */
	getcert_err_t (*challenge)(getcert_http_auth_t *this, char *header);

	/**
	 * Obtain the password before the server asked for it (pre-emptive
	 * Basic authentication), so the next request carries it. It counts as
	 * the first password sent: a 401 to it is handled as a 401 to the
	 * password sent after the first 401 (a challenge is answered, a 401
	 * without one is a rejection). The caller decides whether the server
	 * may get it (authenticated, Basic known to be accepted). Without a
	 * secret nothing is set and nothing counted (logged at level 2 only):
	 * a later 401 is handled as if preempt() had not been called.
	 *
	 * @return			TRUE if credentials are set for the next request
	 */
	bool (*preempt)(getcert_http_auth_t *this);

	/**
	 * Value of the Authorization header to send, NULL before any 401 or
	 * preempt().
	 *
	 * @return			header value (internal, wiped on destroy)
	 */
	char *(*get_authorization)(getcert_http_auth_t *this);

	/**
	 * Value of the GETCERT-State header to send, NULL if none.
	 *
	 * @return			header value (internal)
	 */
	char *(*get_state)(getcert_http_auth_t *this);


	/**
	 * Forget the credentials sent (wipes them) and start over: the next
	 * 401 asks for the password again, with fresh limits. Called between
	 * two enrollments over the same transport.
	 */
	void (*reset)(getcert_http_auth_t *this);

	/**
	 * Destroy the object, wiping the credentials.
	 */
	void (*destroy)(getcert_http_auth_t *this);
};

/**
 * Create the authentication state of one enrollment.
 *
 * @param user			user name (must not contain ':')
 * @param cb			credential callback
 * @param data			data for cb
 * @param max_tries		how often a rejected password is asked again
 * @param max_rounds	how many challenges are answered at most
 * @return				object
 */
getcert_http_auth_t *getcert_http_auth_create(identification_t *user,
											  getcert_credential_cb_t cb,
											  void *data, u_int max_tries,
											  u_int max_rounds);

#endif /** GETCERT_HTTP_AUTH_H_ @}*/

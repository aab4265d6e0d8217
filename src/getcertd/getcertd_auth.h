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
 * @defgroup getcertd_auth getcertd_auth
 * @{ @ingroup getcertd
 */

#ifndef GETCERTD_AUTH_H_
#define GETCERTD_AUTH_H_

#include "getcertd_http.h"
#include "getcertd_db.h"

typedef struct getcertd_auth_t getcertd_auth_t;

/**
 * Longest GETCERT-State accepted, decoded (a RADIUS attribute value)
 */
#define GETCERTD_AUTH_MAX_STATE 253

/**
 * HTTP Basic authentication of enrollment requests, checked against
 * RADIUS (docs/http-auth.md): 401 challenges, RADIUS Access-Challenges
 * relayed as 401 with the prompt, 503 while RADIUS is unreachable.
 *
 * Credentials are parsed strictly; malformed, empty or oversized ones
 * are refused with 400/401 before any RADIUS traffic. Failed logins are
 * throttled (429, getcertd_throttle_t), and RADIUS transactions in flight
 * are bounded in total (503 "RADIUS busy") and per client (429).
 */
struct getcertd_auth_t {

	/**
	 * Whether RADIUS servers are configured.
	 *
	 * @return			TRUE if requests can be authenticated
	 */
	bool (*available)(getcertd_auth_t *this);

	/**
	 * Authenticate a request by its HTTP Basic credentials.
	 *
	 * @param request	request
	 * @param user		receives the allocated user name, if one was sent
	 *					(also on failure, for the log)
	 * @param result	receives a static text for the log on failure
	 * @param response	filled on failure (400, 401, 429, 500, 503)
	 * @return			TRUE if RADIUS accepted the user
	 */
	bool (*authenticate)(getcertd_auth_t *this, getcertd_request_t *request,
						 char **user, char **result,
						 getcertd_response_t *response);

	/**
	 * Destroy the authenticator.
	 */
	void (*destroy)(getcertd_auth_t *this);
};

/**
 * Create the authenticator from getcertd.radius and getcertd.realm.
 *
 * @param db			records; if shared by several getcertd, the login
 *						throttle's failure counters are kept there; NULL
 *						to keep them in memory
 * @return				authenticator, NULL on configuration errors (logged)
 */
getcertd_auth_t *getcertd_auth_create(getcertd_db_t *db);

/**
 * Decode strict base64 (RFC 4648 4): the standard alphabet, padded to a
 * multiple of 4, '=' only at the end, unused bits zero, nothing else (no
 * whitespace, no line breaks).
 *
 * @param in			text
 * @param out			receives the allocated binary
 * @return				FALSE if the text is not strict base64 or empty
 */
bool getcertd_auth_base64(char *in, chunk_t *out);

/**
 * Parse the value of an Authorization header carrying Basic credentials
 * (RFC 7617), strictly: strict base64, a ':', a user name and password
 * without control characters (< 0x20, 0x7f), a password of 1 to
 * GETCERTD_RADIUS_MAX_PASSWORD bytes.
 *
 * @param header		header value
 * @param user			receives the allocated user name
 * @param password		receives the allocated password (chunk_clear() it)
 * @param reason		receives a static text on failure, for log and body
 * @return				0 on success, else the HTTP status to answer with
 *						(400 malformed, 401 unacceptable credentials)
 */
u_int getcertd_auth_parse_basic(char *header, char **user, chunk_t *password,
								char **reason);

/**
 * Parse a GETCERT-State header: strict base64 of 1 to
 * GETCERTD_AUTH_MAX_STATE bytes.
 *
 * @param header		header value
 * @param state			receives the allocated State
 * @param reason		receives a static text on failure
 * @return				TRUE if valid
 */
bool getcertd_auth_parse_state(char *header, chunk_t *state, char **reason);

/**
 * Copy text for the log: printable ASCII kept, anything else as '?', cut
 * to fit buf (marked by "...").
 *
 * @param in			text, may contain anything
 * @param len			length of in
 * @param buf			receives the NUL-terminated text
 * @param size			size of buf (at least 4)
 * @return				buf
 */
char *getcertd_auth_sanitize(char *in, size_t len, char *buf, size_t size);

#endif /** GETCERTD_AUTH_H_ @}*/

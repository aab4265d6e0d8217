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

typedef struct getcertd_auth_t getcertd_auth_t;

/**
 * HTTP Basic authentication of enrollment requests, checked against
 * RADIUS (docs/http-auth.md): 401 challenges, RADIUS Access-Challenges
 * relayed as 401 with the prompt, 503 while RADIUS is unreachable.
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
	 * @param response	filled on failure (401, 503)
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
 * @return				authenticator, NULL on configuration errors (logged)
 */
getcertd_auth_t *getcertd_auth_create();

#endif /** GETCERTD_AUTH_H_ @}*/

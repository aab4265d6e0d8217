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
 * @defgroup getcertd_scep getcertd_scep
 * @{ @ingroup getcertd
 */

#ifndef GETCERTD_SCEP_H_
#define GETCERTD_SCEP_H_

#include "getcertd_http.h"
#include "getcertd_db.h"

typedef struct getcertd_scep_t getcertd_scep_t;

/**
 * The GETCERT CA service: SCEP (RFC 8894) on the configured paths, HTTP
 * Basic authentication checked against RADIUS (docs/http-auth.md) or
 * SCEP's challengePassword, issuance policy, records.
 */
struct getcertd_scep_t {

	/**
	 * Handle an HTTP request (a getcertd_handler_t).
	 *
	 * @param request	request
	 * @param response	response to fill
	 */
	void (*handle)(getcertd_scep_t *this, getcertd_request_t *request,
				   getcertd_response_t *response);

	/**
	 * Destroy the service.
	 */
	void (*destroy)(getcertd_scep_t *this);
};

/**
 * Create the service from getcertd.* settings.
 *
 * @param db			records (not adopted)
 * @return				service, NULL on configuration errors (logged)
 */
getcertd_scep_t *getcertd_scep_create(getcertd_db_t *db);

#endif /** GETCERTD_SCEP_H_ @}*/

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
 * @defgroup getcertd_crl getcertd_crl
 * @{ @ingroup getcertd
 */

#ifndef GETCERTD_CRL_H_
#define GETCERTD_CRL_H_

#include "getcertd_db.h"
#include "getcertd_issuer.h"

typedef struct getcertd_crl_t getcertd_crl_t;

/**
 * The CA's current CRL, cached: it is signed again (with the next CRL
 * number) only when the revocations change or when less than a quarter of
 * its lifetime is left before nextUpdate. Thread-safe.
 */
struct getcertd_crl_t {

	/**
	 * Get the current CRL, signing a new one if needed.
	 *
	 * @return			DER encoded CRL (allocated), chunk_empty on failure
	 */
	chunk_t (*get)(getcertd_crl_t *this);

	/**
	 * Destroy the cache.
	 */
	void (*destroy)(getcertd_crl_t *this);
};

/**
 * Create a CRL cache.
 *
 * @param issuer		signs the CRLs (no reference taken)
 * @param db			revocations and CRL numbers (no reference taken)
 * @param lifetime		seconds between thisUpdate and nextUpdate
 * @return				CRL cache
 */
getcertd_crl_t *getcertd_crl_create(getcertd_issuer_t *issuer,
									getcertd_db_t *db, u_int lifetime);

#endif /** GETCERTD_CRL_H_ @}*/

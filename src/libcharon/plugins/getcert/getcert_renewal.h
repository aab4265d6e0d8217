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
 * @defgroup getcert_renewal getcert_renewal
 * @{ @ingroup getcert
 */

#ifndef GETCERT_RENEWAL_H_
#define GETCERT_RENEWAL_H_

#include "getcert_profile.h"

#include <crypto/rngs/rng.h>

typedef struct getcert_renewal_t getcert_renewal_t;

/**
 * Evaluation of all profiles by wall clock, called by the tick.
 *
 * @param data			data given to getcert_renewal_create()
 * @return				seconds until the next evaluation (>= 1)
 */
typedef u_int (*getcert_renewal_cb_t)(void *data);

/**
 * The renewal tick (model: certexpire_cron): a job chain that evaluates
 * all profiles by wall clock and reschedules itself for the time the
 * evaluation asks for, so suspend and clock jumps are noticed. A new chain
 * supersedes the running one, which stops at its next run.
 *
 * Needs only libstrongswan.
 */
struct getcert_renewal_t {

	/**
	 * Start a new tick chain, superseding the running one.
	 *
	 * @param delay		seconds until the first evaluation, 0 for at once
	 */
	void (*trigger)(getcert_renewal_t *this, u_int delay);

	/**
	 * Destroy the tick. As with certexpire_cron, a scheduled tick job can
	 * not be cancelled: charon flushes the scheduler before it unloads
	 * plugins.
	 */
	void (*destroy)(getcert_renewal_t *this);
};

/**
 * Create the renewal tick; it starts with the first trigger().
 *
 * @param cb			evaluation
 * @param data			its data
 * @return				tick
 */
getcert_renewal_t *getcert_renewal_create(getcert_renewal_cb_t cb,
										  void *data);

/**
 * When to renew a certificate (getcert_renew_at()), with a random jitter
 * from a weak RNG.
 *
 * @param opts			profile options
 * @param cert			certificate
 * @param rng			RNG for the jitter, NULL for none
 * @return				renewal time (wall clock)
 */
time_t getcert_renewal_time(getcert_profile_opts_t *opts, certificate_t *cert,
							rng_t *rng);

/**
 * Retry interval after a failed renewal while the current certificate is
 * still valid: a transient error retries after retry_interval, doubling
 * up to retry_max; a CA that refused gets the request again only after
 * retry_max (at least retry_interval).
 *
 * @param opts			profile options
 * @param backoff		the current retry interval, 0 after a success
 * @param transient		whether the error is transient
 * @return				the new retry interval in seconds
 */
u_int getcert_renewal_retry(getcert_profile_opts_t *opts, u_int backoff,
							bool transient);

/**
 * A random number for the jitter, uniform in [0, 1).
 *
 * @param rng			RNG (RNG_WEAK suffices), NULL for none
 * @return				random number, 0 without an RNG or if it fails
 */
double getcert_renewal_random(rng_t *rng);

/**
 * Delay of a retry after a transient failure (CA unreachable, an HTTP error
 * such as 503, a request still pending), with jitter so that the clients of
 * a CA outage do not all come back in the same second when it ends:
 * uniform within [backoff/2, backoff] ("equal jitter" around the
 * exponential back-off of getcert_renewal_retry()), never before the CA's
 * Retry-After (spread over half the back-off beyond it), never beyond
 * retry_max, which also caps a longer Retry-After.
 *
 * @param opts			profile options (retry_max)
 * @param backoff		retry interval, getcert_renewal_retry()
 * @param retry_after	Retry-After of the CA's last answer (s), 0 for none
 * @param rnd			random number in [0, 1), getcert_renewal_random()
 * @return				seconds until the retry, at least 1
 */
u_int getcert_renewal_jitter(getcert_profile_opts_t *opts, u_int backoff,
							 u_int retry_after, double rnd);

#endif /** GETCERT_RENEWAL_H_ @}*/

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
 * @defgroup getcert_failure getcert_failure
 * @{ @ingroup getcert
 */

#ifndef GETCERT_FAILURE_H_
#define GETCERT_FAILURE_H_

#include "getcert_profile.h"
#include "getcert_secrets.h"

#include <getcert_enroll.h>

typedef struct getcert_failure_t getcert_failure_t;
typedef enum getcert_failure_check_t getcert_failure_check_t;

/**
 * Length of a failure reason
 */
#define GETCERT_FAILURE_REASON_LEN 160

/**
 * Whether an initiation may enroll, as the back-off sees it.
 */
enum getcert_failure_check_t {
	/** no back-off (none, over, or lifted by a changed profile) */
	GETCERT_FAILURE_PASS,
	/** backing off, but a secret not rejected yet lifts it (lift()) */
	GETCERT_FAILURE_ASK_SECRET,
	/** backing off until get_until() */
	GETCERT_FAILURE_WAIT,
};

/**
 * The failures of a profile's first enrollment and the back-off they
 * start: no new enrollment before failure_backoff (doubling with each
 * failure in a row, at most failure_backoff_max) unless the profile changes
 * or, if a secret was sent or none was available, a new secret is loaded.
 *
 * Not thread-safe: the manager guards it with the lock of the profile's
 * entry. Logs, but calls neither the credential manager nor out.
 */
struct getcert_failure_t {

	/**
	 * A first enrollment failed with an error that backs off
	 * (getcert_failure_backs_off()): start the back-off and log its end.
	 *
	 * @param profile	profile that failed (a reference is kept)
	 * @param err		error
	 * @param reason	reason for the log (getcert_failure_reason())
	 * @param sent		number of secrets the enrollment sent
	 * @param now		current time (wall clock)
	 * @return			back-off in seconds
	 */
	u_int (*start)(getcert_failure_t *this, getcert_profile_t *profile,
				   getcert_err_t err, char *reason, u_int sent, time_t now);

	/**
	 * An enrollment succeeded: no back-off, failures in a row start from
	 * zero, the rejected secrets are forgotten.
	 */
	void (*succeeded)(getcert_failure_t *this);

	/**
	 * Check the back-off before an initiation enrolls. Ends it if it is
	 * over (forgetting the rejected secrets) or if the profile changed
	 * (logged).
	 *
	 * @param profile	profile the initiation uses
	 * @param now		current time (wall clock)
	 * @return			whether to enroll, ask for a new secret, or wait
	 */
	getcert_failure_check_t (*check)(getcert_failure_t *this,
									 getcert_profile_t *profile, time_t now);

	/**
	 * A new secret is available: end the back-off (logged), keeping the
	 * rejected secrets so that the enrollment sends the new one.
	 *
	 * @param profile	profile
	 */
	void (*lift)(getcert_failure_t *this, getcert_profile_t *profile);

	/**
	 * End of the back-off.
	 *
	 * @return			no enrollment before this (wall clock), 0 for none
	 */
	time_t (*get_until)(getcert_failure_t *this);

	/**
	 * Describe a running back-off, for the log and the controller.
	 *
	 * @param buf		buffer
	 * @param len		its size
	 */
	void (*describe)(getcert_failure_t *this, char *buf, size_t len);

	/**
	 * Secrets the failed enrollments sent, as keyed hashes.
	 *
	 * @return			secrets (owned by this object)
	 */
	getcert_secrets_t *(*get_rejected)(getcert_failure_t *this);

	/**
	 * Destroy the object.
	 */
	void (*destroy)(getcert_failure_t *this);
};

/**
 * Create the failure state of a profile.
 *
 * @param name			profile name, for the log (not copied)
 * @return				failure state, no back-off
 */
getcert_failure_t *getcert_failure_create(char *name);

/**
 * Whether a failed first enrollment backs off: a final answer of the CA
 * (credentials rejected, a refused request, an unusable reply, a server
 * that failed verification), not a transport error worth retrying at once
 * nor a local failure.
 *
 * @param err			outcome of the enrollment
 * @return				TRUE if it backs off
 */
bool getcert_failure_backs_off(getcert_err_t err);

/**
 * Describe why an enrollment failed.
 *
 * @param profile		profile
 * @param engine		engine that failed (its failInfo), or NULL
 * @param err			error
 * @param reason		buffer
 * @param len			its size
 */
void getcert_failure_reason(getcert_profile_t *profile,
							getcert_enroll_t *engine, getcert_err_t err,
							char *reason, size_t len);

/**
 * Log an enrollment or renewal failure.
 *
 * @param profile		profile
 * @param reason		getcert_failure_reason()
 * @param current		certificate kept (a renewal failed), or NULL
 * @param retry			seconds until the retry, 0 for none
 */
void getcert_failure_log(getcert_profile_t *profile, char *reason,
						 certificate_t *current, u_int retry);

/**
 * Log an installed pair.
 *
 * @param profile		profile
 * @param cert			installed certificate
 * @param what			how it was obtained ("enrolled", "renewed", ...)
 * @param ms			duration of the enrollment
 */
void getcert_failure_log_installed(getcert_profile_t *profile,
								   certificate_t *cert, char *what, u_int ms);

#endif /** GETCERT_FAILURE_H_ @}*/

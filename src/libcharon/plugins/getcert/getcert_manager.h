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
 * @defgroup getcert_manager getcert_manager
 * @{ @ingroup getcert
 */

#ifndef GETCERT_MANAGER_H_
#define GETCERT_MANAGER_H_

#include "getcert_config.h"
#include "getcert_creds.h"

#include "getcert_session.h"

#include <control/controller.h>

typedef struct getcert_manager_t getcert_manager_t;

/**
 * Called after a profile's certificate was replaced by a new one, on the
 * enrollment's thread and without the manager's locks held.
 *
 * @param data			data given to set_replaced_cb()
 * @param profile		profile
 * @param old			the certificate that was replaced
 */
typedef void (*getcert_replaced_cb_t)(void *data, getcert_profile_t *profile,
									  certificate_t *old);

/**
 * Keeps each profile's key and certificate: enrolls when a connection
 * needs a certificate, renews in the background (fraction of the lifetime,
 * lead time, jitter; re-evaluated by wall clock so suspend and clock jumps
 * are noticed), replaces the pair atomically and tells the listener, which
 * reauthenticates the IKE_SAs that use the old certificate,
 * make-before-break.
 *
 * Enrollment and renewal run in jobs; one enrollment per profile runs at a
 * time and concurrent callers share it. Passwords come from the credential
 * manager (SHARED_EAP for user and server), challenges are shown in the log
 * and answered with the next SHARED_EAP or a SHARED_PIN secret.
 */
struct getcert_manager_t {

	/**
	 * Make sure a profile has a valid certificate: enroll if it has none,
	 * renew if renewal is due, and wait for the outcome. Blocks: never call
	 * from a bus hook or with a lock held.
	 *
	 * @param profile	profile
	 * @param conn		name of the connection that needs it, for the log
	 * @param cb		controller callback to show progress, or NULL
	 * @param param		its parameter
	 * @return			TRUE if a valid certificate is installed
	 */
	bool (*acquire)(getcert_manager_t *this, getcert_profile_t *profile,
					char *conn, controller_cb_t cb, void *param);

	/**
	 * Start enrollment or renewal in the background if the profile needs
	 * it. Never blocks, may be called from a bus hook.
	 *
	 * @param profile	profile
	 */
	void (*trigger)(getcert_manager_t *this, getcert_profile_t *profile);

	/**
	 * Profiles were reloaded: drop pairs of removed profiles.
	 */
	void (*reload)(getcert_manager_t *this);

	/**
	 * Set the function told about replaced certificates (the listener
	 * reauthenticates the IKE_SAs that used them).
	 *
	 * @param cb		function, NULL for none
	 * @param data		its data
	 */
	void (*set_replaced_cb)(getcert_manager_t *this, getcert_replaced_cb_t cb,
							void *data);

	/**
	 * Cancel running enrollments and refuse new ones (charon shuts down):
	 * they end at once with GETCERT_ERR_CANCELLED, without a thread
	 * cancellation. Does not block; safe in a bus hook and in a job's
	 * cancel callback.
	 */
	void (*cancel)(getcert_manager_t *this);

	/**
	 * Destroy the manager, removing every pair from the credential set;
	 * cancels running enrollments and waits (bounded) for them to end.
	 */
	void (*destroy)(getcert_manager_t *this);
};

/**
 * Create the manager; loads persisted pairs if a persist_dir is set.
 *
 * @param config		profiles
 * @param creds			credential set, the owner of the installed pairs
 * @param client		client constructor, NULL for getcert_client_create()
 *						(libcurl); unit tests pass one over an in-process CA
 * @return				manager
 */
getcert_manager_t *getcert_manager_create(getcert_config_t *config,
										  getcert_creds_t *creds,
										  getcert_client_constructor_t client);

#endif /** GETCERT_MANAGER_H_ @}*/

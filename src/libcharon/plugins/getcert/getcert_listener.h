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
 * @defgroup getcert_listener getcert_listener
 * @{ @ingroup getcert
 */

#ifndef GETCERT_LISTENER_H_
#define GETCERT_LISTENER_H_

#include "getcert_binding.h"
#include "getcert_manager.h"
#include "getcert_creds.h"

#include <bus/listeners/listener.h>

typedef struct getcert_listener_t getcert_listener_t;

/**
 * Bus listener: starts enrollment in the background when an IKE_SA of a
 * bound connection starts connecting without going through the controller
 * (trap, reauthentication), and makes sure no IKE_SA authenticated with
 * one of our certificates outlives that certificate's notAfter. Its hooks
 * never block; they only queue and schedule jobs. After a renewal it
 * reauthenticates the IKE_SAs that used the old certificate.
 */
struct getcert_listener_t {

	/**
	 * Implements listener_t.
	 */
	listener_t listener;

	/**
	 * Queue reauthentication of the established IKE_SAs that
	 * authenticated with a certificate that was replaced, onto the new
	 * one (a getcert_replaced_cb_t). Enumerates the IKE_SA manager: never
	 * call from a bus hook.
	 *
	 * @param profile	profile whose certificate was replaced
	 * @param old		the replaced certificate
	 */
	void (*reauthenticate)(getcert_listener_t *this,
						   getcert_profile_t *profile, certificate_t *old);

	/**
	 * Destroy the listener.
	 */
	void (*destroy)(getcert_listener_t *this);
};

/**
 * Create the listener.
 *
 * @param binding		connection to profile binding
 * @param manager		enrollment manager
 * @param creds			credential set owning the enrolled pairs
 * @return				listener
 */
getcert_listener_t *getcert_listener_create(getcert_binding_t *binding,
											getcert_manager_t *manager,
											getcert_creds_t *creds);

#endif /** GETCERT_LISTENER_H_ @}*/

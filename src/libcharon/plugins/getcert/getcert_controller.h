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
 * @defgroup getcert_controller getcert_controller
 * @{ @ingroup getcert
 */

#ifndef GETCERT_CONTROLLER_H_
#define GETCERT_CONTROLLER_H_

#include "getcert_binding.h"
#include "getcert_manager.h"

#include <control/controller.h>

typedef struct getcert_controller_t getcert_controller_t;

/**
 * Enroll before IKE_SA_INIT: wraps charon's controller, through which
 * swanctl/vici, charon-cmd, charon-nm and start actions initiate. An
 * initiation of a connection bound to a profile without a valid
 * certificate first waits for the (shared) enrollment, on the caller's
 * thread, which the controller blocks anyway until the SA is up; only then
 * the IKE_SA is created, so the gateway's half-open timeout never runs
 * while a user types a password. Initiations without a callback (start
 * actions) enroll in a job and initiate from there. No bus hook before
 * IKE_AUTH may block, so this is the one place an initiation can wait.
 */
struct getcert_controller_t {

	/**
	 * Implements controller_t, delegating to the wrapped controller.
	 */
	controller_t controller;

	/**
	 * Put back the wrapped controller and destroy this wrapper.
	 */
	void (*destroy)(getcert_controller_t *this);
};

/**
 * Wrap charon->controller.
 *
 * @param binding		connection to profile binding
 * @param manager		enrollment manager
 * @return				wrapper, installed as charon->controller
 */
getcert_controller_t *getcert_controller_create(getcert_binding_t *binding,
												getcert_manager_t *manager);

#endif /** GETCERT_CONTROLLER_H_ @}*/

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
 *
 * Why a wrapper: strongSwan 5.9.8 has no hook that may delay an initiation
 * before its IKE_SA exists, so the plugin replaces the public field
 * charon->controller (daemon_t). docs/upstream/ holds the controller hook
 * that would replace this file.
 *
 * Contract (load and unload order):
 * - charon creates its controller in libcharon_init() (daemon_create()),
 *   before any plugin loads, and destroys it in the daemon's destroy()
 *   after lib->plugins->unload(): getcert_controller_create() runs in the
 *   getcert feature callback (PLUGIN_PROVIDE(CUSTOM, "getcert")), when
 *   charon->controller exists; destroy() runs in the same callback on
 *   unload. The plugin declares no dependency on other plugins'
 *   controllers: none is expected.
 * - Initiations look the controller up at call time
 *   (charon->controller->initiate()), so those made after the feature was
 *   registered pass the wrapper; vici/stroke/charon-cmd/charon-nm, start
 *   actions (start_action_job) and mediation (initiate_mediation_job) all
 *   do. A plugin that keeps the controller pointer it saw before getcert
 *   loaded bypasses it.
 * - Another plugin wrapping charon->controller the same way stacks: the
 *   later one wraps the earlier one. Unloading in reverse order (what the
 *   plugin loader does) unwinds the stack. If the plugin that loaded after
 *   us is still in place when we unload, destroy() leaves charon->controller
 *   alone (it still points to the other wrapper, which points to ours) and
 *   frees only this wrapper's state: the other plugin must not call into
 *   it afterwards, so such a stack must unload in reverse order.
 * - destroy() restores the controller it wrapped (charon->controller =
 *   the original) if ours is still installed; the wrapper's own
 *   controller_t.destroy does nothing, because charon destroys its own
 *   controller, not the wrapper.
 * - Running deferred initiations (jobs) are cancelled with the processor
 *   before plugins unload (daemon.c cancels the processor, then flushes the
 *   scheduler), and cancel the manager's enrollments.
 *
 * What bypasses it (no wait for enrollment, the IKE_SA starts without a
 * certificate; the listener's IKE_CONNECTING hook then only triggers an
 * enrollment in the background, the next attempt has the certificate):
 * - trap policies: acquires from the kernel initiate through the
 *   trap_manager, not the controller;
 * - IKE_SAs charon starts itself: reauthentication, rekeying, MOBIKE and
 *   redirects reuse the existing IKE_SA's configuration (a renewal keeps
 *   the old certificate valid meanwhile, so these have one), DPD restarts
 *   and retries (close_action/dpd_action = restart, keyingtries);
 * - HA: IKE_SAs synchronized from the other node are never initiated here;
 * - any caller that keeps a controller pointer taken before getcert
 *   loaded (see above).
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

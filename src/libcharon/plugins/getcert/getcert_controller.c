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

#include "getcert_controller.h"

#include <daemon.h>
#include <processing/jobs/callback_job.h>

typedef struct private_getcert_controller_t private_getcert_controller_t;

/**
 * Private data of a getcert_controller_t object.
 */
struct private_getcert_controller_t {

	/**
	 * Public interface.
	 */
	getcert_controller_t public;

	/**
	 * The wrapped controller.
	 */
	controller_t *orig;

	/**
	 * Connection to profile binding.
	 */
	getcert_binding_t *binding;

	/**
	 * Enrollment manager.
	 */
	getcert_manager_t *manager;
};

/**
 * A deferred initiation (no callback)
 */
typedef struct {
	/** wrapper */
	private_getcert_controller_t *this;
	/** profile */
	getcert_profile_t *profile;
	/** connection */
	peer_cfg_t *peer_cfg;
	/** child, or NULL */
	child_cfg_t *child_cfg;
	/** check limits */
	bool limits;
} deferred_t;

/**
 * Enroll, then initiate
 */
static job_requeue_t initiate_deferred(deferred_t *data)
{
	private_getcert_controller_t *this = data->this;
	peer_cfg_t *peer_cfg = data->peer_cfg;
	child_cfg_t *child_cfg = data->child_cfg;

	data->peer_cfg = NULL;
	data->child_cfg = NULL;
	if (!this->manager->acquire(this->manager, data->profile,
								peer_cfg->get_name(peer_cfg), NULL, NULL))
	{
		DBG1(DBG_CFG, "getcert: initiating '%s' aborted: no certificate for "
			 "profile '%s'", peer_cfg->get_name(peer_cfg),
			 data->profile->get_name(data->profile));
		peer_cfg->destroy(peer_cfg);
		DESTROY_IF(child_cfg);
		return JOB_REQUEUE_NONE;
	}
	this->orig->initiate(this->orig, peer_cfg, child_cfg, NULL, NULL, 0,
						 data->limits);
	return JOB_REQUEUE_NONE;
}

/**
 * The processor cancels a deferred initiation (charon shuts down): its
 * enrollment, or its wait for one, ends soon without a thread cancellation
 */
static bool deferred_cancel(deferred_t *data)
{
	data->this->manager->cancel(data->this->manager);
	return TRUE;
}

/**
 * Destroy a deferred initiation
 */
static void deferred_destroy(deferred_t *data)
{
	DESTROY_IF(data->peer_cfg);
	DESTROY_IF(data->child_cfg);
	data->profile->destroy(data->profile);
	free(data);
}

METHOD(controller_t, initiate, status_t,
	private_getcert_controller_t *this, peer_cfg_t *peer_cfg,
	child_cfg_t *child_cfg, controller_cb_t callback, void *param,
	u_int timeout, bool limits)
{
	getcert_profile_t *profile;
	deferred_t *data;
	char msg[256];
	bool ok;

	profile = this->binding->find(this->binding, peer_cfg);
	if (!profile)
	{
		return this->orig->initiate(this->orig, peer_cfg, child_cfg, callback,
									param, timeout, limits);
	}
	if (!callback)
	{
		INIT(data,
			.this = this,
			.profile = profile,
			.peer_cfg = peer_cfg,
			.child_cfg = child_cfg,
			.limits = limits,
		);
		lib->processor->queue_job(lib->processor,
			(job_t*)callback_job_create((callback_job_cb_t)initiate_deferred,
									data, (void*)deferred_destroy,
									(callback_job_cancel_t)deferred_cancel));
		return SUCCESS;
	}
	ok = this->manager->acquire(this->manager, profile,
								peer_cfg->get_name(peer_cfg), callback, param);
	if (!ok)
	{
		snprintf(msg, sizeof(msg), "getcert: initiating '%s' aborted: no "
				 "certificate for profile '%s'", peer_cfg->get_name(peer_cfg),
				 profile->get_name(profile));
		DBG1(DBG_CFG, "%s", msg);
		callback(param, DBG_CFG, 1, NULL, msg);
		profile->destroy(profile);
		peer_cfg->destroy(peer_cfg);
		DESTROY_IF(child_cfg);
		return FAILED;
	}
	profile->destroy(profile);
	return this->orig->initiate(this->orig, peer_cfg, child_cfg, callback,
								param, timeout, limits);
}

METHOD(controller_t, create_ike_sa_enumerator, enumerator_t*,
	private_getcert_controller_t *this, bool wait)
{
	return this->orig->create_ike_sa_enumerator(this->orig, wait);
}

METHOD(controller_t, terminate_ike, status_t,
	private_getcert_controller_t *this, uint32_t unique_id, bool force,
	controller_cb_t callback, void *param, u_int timeout)
{
	return this->orig->terminate_ike(this->orig, unique_id, force, callback,
									 param, timeout);
}

METHOD(controller_t, terminate_child, status_t,
	private_getcert_controller_t *this, uint32_t unique_id,
	controller_cb_t callback, void *param, u_int timeout)
{
	return this->orig->terminate_child(this->orig, unique_id, callback,
									   param, timeout);
}

METHOD(controller_t, controller_destroy, void,
	private_getcert_controller_t *this)
{
	/* charon destroys its controller after unloading plugins, by then the
	 * original is back in place; nothing to do if we get here */
}

METHOD(getcert_controller_t, destroy, void,
	private_getcert_controller_t *this)
{
	if (charon->controller == &this->public.controller)
	{
		charon->controller = this->orig;
	}
	free(this);
}

/*
 * Described in header
 */
getcert_controller_t *getcert_controller_create(getcert_binding_t *binding,
												getcert_manager_t *manager)
{
	private_getcert_controller_t *this;

	INIT(this,
		.public = {
			.controller = {
				.create_ike_sa_enumerator = _create_ike_sa_enumerator,
				.initiate = _initiate,
				.terminate_ike = _terminate_ike,
				.terminate_child = _terminate_child,
				.destroy = _controller_destroy,
			},
			.destroy = _destroy,
		},
		.orig = charon->controller,
		.binding = binding,
		.manager = manager,
	);
	charon->controller = &this->public.controller;
	return &this->public;
}

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

#include "getcert_nextkey.h"

#include <utils/debug.h>
#include <threading/mutex.h>
#include <processing/jobs/callback_job.h>

typedef struct private_getcert_nextkey_t private_getcert_nextkey_t;

/**
 * Private data of a getcert_nextkey_t object.
 */
struct private_getcert_nextkey_t {

	/**
	 * Public interface.
	 */
	getcert_nextkey_t public;

	/**
	 * Profile name.
	 */
	char *name;

	/**
	 * Type and size of the keys generated.
	 */
	key_type_t type;
	u_int bits;

	/**
	 * The ready key, or NULL.
	 */
	private_key_t *key;

	/**
	 * A generation job is queued or runs.
	 */
	bool running;

	/**
	 * Protects key and running.
	 */
	mutex_t *mutex;

	/**
	 * References: the owner's, sessions', a job's.
	 */
	refcount_t ref;
};

/**
 * Generate a key of the given type and size
 */
static private_key_t *generate(key_type_t type, u_int bits)
{
	if (type == KEY_ED25519)
	{
		return lib->creds->create(lib->creds, CRED_PRIVATE_KEY, KEY_ED25519,
								  BUILD_END);
	}
	return lib->creds->create(lib->creds, CRED_PRIVATE_KEY, type,
							  BUILD_KEY_SIZE, bits, BUILD_END);
}

/**
 * The generation job
 */
static job_requeue_t generate_job(private_getcert_nextkey_t *this)
{
	private_key_t *key;

	key = generate(this->type, this->bits);
	if (!key)
	{
		DBG1(DBG_CFG, "getcert: profile '%s': generating the next %N key of "
			 "%u bits failed, the enrollment generates its own", this->name,
			 key_type_names, this->type, this->bits);
	}
	this->mutex->lock(this->mutex);
	if (key && !this->key)
	{
		this->key = key;
		key = NULL;
		DBG1(DBG_CFG, "getcert: profile '%s': next %N key ready (%u bits)",
			 this->name, key_type_names, this->type, this->bits);
	}
	this->running = FALSE;
	this->mutex->unlock(this->mutex);
	DESTROY_IF(key);
	return JOB_REQUEUE_NONE;
}

/**
 * The processor cancels the job (charon shuts down): key generation ends
 * by itself, soon
 */
static bool cancel_job(private_getcert_nextkey_t *this)
{
	return TRUE;
}

/**
 * Start a generation job, after delay ms, if there is neither a key nor a
 * job, with the mutex held
 */
static void start(private_getcert_nextkey_t *this, u_int delay)
{
	job_t *job;

	if (this->key || this->running)
	{
		return;
	}
	this->running = TRUE;
	ref_get(&this->ref);
	/* low priority: IKE and enrollment jobs go first */
	job = (job_t*)callback_job_create_with_prio(
								(callback_job_cb_t)generate_job, this,
								(callback_job_cleanup_t)this->public.destroy,
								(callback_job_cancel_t)cancel_job, JOB_PRIO_LOW);
	if (delay)
	{
		lib->scheduler->schedule_job_ms(lib->scheduler, job, delay);
	}
	else
	{
		lib->processor->queue_job(lib->processor, job);
	}
}

METHOD(getcert_nextkey_t, generates, bool,
	private_getcert_nextkey_t *this, key_type_t type, u_int bits)
{
	return this->type == type && this->bits == bits;
}

METHOD(getcert_nextkey_t, take, private_key_t*,
	private_getcert_nextkey_t *this, key_type_t type, u_int bits)
{
	private_key_t *key = NULL;

	if (!generates(this, type, bits))
	{
		return NULL;
	}
	this->mutex->lock(this->mutex);
	if (this->key)
	{
		key = this->key;
		this->key = NULL;
	}
	/* not at once: the key was taken for an enrollment the connection
	 * waits for, whose IKE exchange should not share the CPU with this */
	start(this, key ? GETCERT_NEXTKEY_DELAY : 0);
	this->mutex->unlock(this->mutex);
	return key;
}

METHOD(getcert_nextkey_t, is_ready, bool,
	private_getcert_nextkey_t *this)
{
	bool ready;

	this->mutex->lock(this->mutex);
	ready = this->key != NULL;
	this->mutex->unlock(this->mutex);
	return ready;
}

METHOD(getcert_nextkey_t, get_ref, getcert_nextkey_t*,
	private_getcert_nextkey_t *this)
{
	ref_get(&this->ref);
	return &this->public;
}

METHOD(getcert_nextkey_t, destroy, void,
	private_getcert_nextkey_t *this)
{
	if (ref_put(&this->ref))
	{
		DESTROY_IF(this->key);
		this->mutex->destroy(this->mutex);
		free(this->name);
		free(this);
	}
}

/*
 * Described in header
 */
getcert_nextkey_t *getcert_nextkey_create(char *name, key_type_t type,
										  u_int bits)
{
	private_getcert_nextkey_t *this;

	INIT(this,
		.public = {
			.take = _take,
			.is_ready = _is_ready,
			.generates = _generates,
			.get_ref = _get_ref,
			.destroy = _destroy,
		},
		.name = strdup(name),
		.type = type,
		.bits = type == KEY_ED25519 ? 0 : bits,
		.mutex = mutex_create(MUTEX_TYPE_DEFAULT),
		.ref = 1,
	);
	this->mutex->lock(this->mutex);
	start(this, 0);
	this->mutex->unlock(this->mutex);
	return &this->public;
}

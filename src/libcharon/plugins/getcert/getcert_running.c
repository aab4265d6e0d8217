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

#include "getcert_running.h"

#include <collections/linked_list.h>
#include <threading/mutex.h>
#include <threading/condvar.h>

typedef struct private_getcert_running_t private_getcert_running_t;

/**
 * Private data of a getcert_running_t object.
 */
struct private_getcert_running_t {

	/**
	 * Public interface.
	 */
	getcert_running_t public;

	/**
	 * Protects cancelled, running and engines.
	 */
	mutex_t *lock;

	/**
	 * Signalled when running drops to zero.
	 */
	condvar_t *idle;

	/**
	 * cancel() was called: no new enrollment starts.
	 */
	bool cancelled;

	/**
	 * Threads in an enrollment or in acquire().
	 */
	u_int running;

	/**
	 * Engines of running enrollments, getcert_enroll_t*.
	 */
	linked_list_t *engines;
};

METHOD(getcert_running_t, enter, bool,
	private_getcert_running_t *this)
{
	bool ok;

	this->lock->lock(this->lock);
	ok = !this->cancelled;
	if (ok)
	{
		this->running++;
	}
	this->lock->unlock(this->lock);
	return ok;
}

METHOD(getcert_running_t, leave, void,
	private_getcert_running_t *this)
{
	this->lock->lock(this->lock);
	if (--this->running == 0)
	{
		this->idle->broadcast(this->idle);
	}
	this->lock->unlock(this->lock);
}

METHOD(getcert_running_t, add_engine, bool,
	private_getcert_running_t *this, getcert_enroll_t *engine)
{
	bool ok;

	this->lock->lock(this->lock);
	ok = !this->cancelled;
	if (ok)
	{
		this->engines->insert_last(this->engines, engine);
	}
	this->lock->unlock(this->lock);
	return ok;
}

METHOD(getcert_running_t, remove_engine, void,
	private_getcert_running_t *this, getcert_enroll_t *engine)
{
	this->lock->lock(this->lock);
	this->engines->remove(this->engines, engine, NULL);
	this->lock->unlock(this->lock);
}

METHOD(getcert_running_t, is_cancelled, bool,
	private_getcert_running_t *this)
{
	bool cancelled;

	this->lock->lock(this->lock);
	cancelled = this->cancelled;
	this->lock->unlock(this->lock);
	return cancelled;
}

METHOD(getcert_running_t, cancel, void,
	private_getcert_running_t *this)
{
	enumerator_t *enumerator;
	getcert_enroll_t *engine;

	this->lock->lock(this->lock);
	this->cancelled = TRUE;
	enumerator = this->engines->create_enumerator(this->engines);
	while (enumerator->enumerate(enumerator, &engine))
	{
		engine->cancel(engine);
	}
	enumerator->destroy(enumerator);
	this->lock->unlock(this->lock);
}

METHOD(getcert_running_t, wait_, u_int,
	private_getcert_running_t *this, u_int ms)
{
	timeval_t until;
	bool timed_out = FALSE;
	u_int running;

	time_monotonic(&until);
	timeval_add_ms(&until, ms);
	this->lock->lock(this->lock);
	while (this->running && !timed_out)
	{
		timed_out = this->idle->timed_wait_abs(this->idle, this->lock, until);
	}
	running = this->running;
	this->lock->unlock(this->lock);
	return running;
}

METHOD(getcert_running_t, destroy, void,
	private_getcert_running_t *this)
{
	this->engines->destroy(this->engines);
	this->idle->destroy(this->idle);
	this->lock->destroy(this->lock);
	free(this);
}

/*
 * Described in header
 */
getcert_running_t *getcert_running_create()
{
	private_getcert_running_t *this;

	INIT(this,
		.public = {
			.enter = _enter,
			.leave = _leave,
			.add_engine = _add_engine,
			.remove_engine = _remove_engine,
			.is_cancelled = _is_cancelled,
			.cancel = _cancel,
			.wait = _wait_,
			.destroy = _destroy,
		},
		.lock = mutex_create(MUTEX_TYPE_DEFAULT),
		.idle = condvar_create(CONDVAR_TYPE_DEFAULT),
		.engines = linked_list_create(),
	);
	return &this->public;
}

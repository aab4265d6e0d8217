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

#include "getcert_wait.h"

#include <threading/mutex.h>
#include <threading/condvar.h>
#include <threading/thread.h>

typedef struct private_getcert_wait_t private_getcert_wait_t;

/**
 * Private data of a getcert_wait_t object.
 */
struct private_getcert_wait_t {

	/**
	 * Public interface.
	 */
	getcert_wait_t public;

	/**
	 * Protects cancelled.
	 */
	mutex_t *mutex;

	/**
	 * Signalled by cancel().
	 */
	condvar_t *condvar;

	/**
	 * cancel() was called.
	 */
	bool cancelled;
};

METHOD(getcert_wait_t, wait_, bool,
	private_getcert_wait_t *this, u_int ms)
{
	timeval_t until;
	bool timed_out = FALSE, cancelled;

	time_monotonic(&until);
	until.tv_sec += ms / 1000;
	until.tv_usec += (ms % 1000) * 1000;
	if (until.tv_usec >= 1000000)
	{
		until.tv_sec++;
		until.tv_usec -= 1000000;
	}
	this->mutex->lock(this->mutex);
	thread_cleanup_push((thread_cleanup_t)this->mutex->unlock, this->mutex);
	while (!this->cancelled && !timed_out)
	{
		timed_out = this->condvar->timed_wait_abs(this->condvar, this->mutex,
												  until);
	}
	cancelled = this->cancelled;
	thread_cleanup_pop(TRUE);
	return !cancelled;
}

METHOD(getcert_wait_t, is_cancelled, bool,
	private_getcert_wait_t *this)
{
	bool cancelled;

	this->mutex->lock(this->mutex);
	cancelled = this->cancelled;
	this->mutex->unlock(this->mutex);
	return cancelled;
}

METHOD(getcert_wait_t, cancel, void,
	private_getcert_wait_t *this)
{
	this->mutex->lock(this->mutex);
	this->cancelled = TRUE;
	this->condvar->broadcast(this->condvar);
	this->mutex->unlock(this->mutex);
}

METHOD(getcert_wait_t, destroy, void,
	private_getcert_wait_t *this)
{
	this->condvar->destroy(this->condvar);
	this->mutex->destroy(this->mutex);
	free(this);
}

/*
 * Described in header
 */
getcert_wait_t *getcert_wait_create()
{
	private_getcert_wait_t *this;

	INIT(this,
		.public = {
			.wait = _wait_,
			.is_cancelled = _is_cancelled,
			.cancel = _cancel,
			.destroy = _destroy,
		},
		.mutex = mutex_create(MUTEX_TYPE_DEFAULT),
		.condvar = condvar_create(CONDVAR_TYPE_DEFAULT),
	);
	return &this->public;
}

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
 * @defgroup getcert_running getcert_running
 * @{ @ingroup getcert
 */

#ifndef GETCERT_RUNNING_H_
#define GETCERT_RUNNING_H_

#include <getcert_enroll.h>

typedef struct getcert_running_t getcert_running_t;

/**
 * The manager's running work and its cancellation at shutdown: threads in
 * an enrollment or waiting for one are counted, the engines of running
 * enrollments registered, and cancel() ends them at once (without a thread
 * cancellation) and refuses new ones.
 *
 * Its lock is a leaf: taken after the manager's, never held while calling
 * out except to cancel an engine (which does not block). Job cancel
 * callbacks call cancel() under the processor's lock, the alert hook under
 * the bus'.
 */
struct getcert_running_t {

	/**
	 * Count a thread that uses the manager, unless cancelled.
	 *
	 * @return			FALSE if cancelled (not counted)
	 */
	bool (*enter)(getcert_running_t *this);

	/**
	 * A thread counted by enter() is done with the manager.
	 */
	void (*leave)(getcert_running_t *this);

	/**
	 * Register the engine of a running enrollment, so cancel() reaches it.
	 *
	 * @param engine	engine
	 * @return			FALSE if cancelled (not registered)
	 */
	bool (*add_engine)(getcert_running_t *this, getcert_enroll_t *engine);

	/**
	 * Unregister the engine of an enrollment that ended.
	 *
	 * @param engine	engine
	 */
	void (*remove_engine)(getcert_running_t *this, getcert_enroll_t *engine);

	/**
	 * Whether cancel() was called.
	 *
	 * @return			TRUE if cancelled
	 */
	bool (*is_cancelled)(getcert_running_t *this);

	/**
	 * Cancel the registered engines and refuse new threads and engines.
	 * Does not block.
	 */
	void (*cancel)(getcert_running_t *this);

	/**
	 * Wait until no counted thread is left, at most ms.
	 *
	 * @param ms		longest wait, in ms
	 * @return			threads still counted
	 */
	u_int (*wait)(getcert_running_t *this, u_int ms);

	/**
	 * Destroy the object (no thread may be counted).
	 */
	void (*destroy)(getcert_running_t *this);
};

/**
 * Create the object, not cancelled, nothing running.
 *
 * @return				object
 */
getcert_running_t *getcert_running_create();

#endif /** GETCERT_RUNNING_H_ @}*/

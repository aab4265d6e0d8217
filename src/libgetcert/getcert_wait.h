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
 * @defgroup getcert_wait getcert_wait
 * @{ @ingroup libgetcert
 */

#ifndef GETCERT_WAIT_H_
#define GETCERT_WAIT_H_

#include <library.h>

typedef struct getcert_wait_t getcert_wait_t;

/**
 * The cancellable wait of an enrollment engine (SCEP and EST): the pause
 * between polls or retries ends early when the engine is cancelled from
 * another thread, and every later wait ends at once.
 */
struct getcert_wait_t {

	/**
	 * Wait for a number of milliseconds, or until cancel() is called. A
	 * thread cancellation point that releases the internal mutex if the
	 * thread is cancelled in the wait.
	 *
	 * @param ms			milliseconds
	 * @return				FALSE if cancelled
	 */
	bool (*wait)(getcert_wait_t *this, u_int ms);

	/**
	 * Whether cancel() was called.
	 *
	 * @return				TRUE if cancelled
	 */
	bool (*is_cancelled)(getcert_wait_t *this);

	/**
	 * End the running wait and every later one. Safe to call from another
	 * thread.
	 */
	void (*cancel)(getcert_wait_t *this);

	/**
	 * Destroy the object.
	 */
	void (*destroy)(getcert_wait_t *this);
};

/**
 * Create a cancellable wait.
 *
 * @return				object
 */
getcert_wait_t *getcert_wait_create();

#endif /** GETCERT_WAIT_H_ @}*/

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
 * @defgroup getcert_nextkey getcert_nextkey
 * @{ @ingroup getcert
 */

#ifndef GETCERT_NEXTKEY_H_
#define GETCERT_NEXTKEY_H_

#include <library.h>
#include <credentials/keys/private_key.h>

typedef struct getcert_nextkey_t getcert_nextkey_t;

/**
 * Delay in ms before the next key is generated after one was taken.
 */
#define GETCERT_NEXTKEY_DELAY 1000

/**
 * The key of a profile's next enrollment, generated ahead of time: a job
 * of lib->processor generates it when the object is created and again
 * after each take(), so neither a first enrollment nor a renewal waits for
 * key generation. The key lives in memory only and is destroyed (its
 * private parts wiped by the crypto plugin) when the object is.
 *
 * Needs libstrongswan only. The generation job holds a reference: a job
 * still generating when the object is destroyed discards its key, and
 * charon cancels the processor (running jobs finish, queued ones are
 * destroyed) before it unloads plugins, so no job outlives the plugin.
 */
struct getcert_nextkey_t {

	/**
	 * Take the key if it is ready and of the given type and size, and
	 * start generating the next, GETCERT_NEXTKEY_DELAY ms later (not
	 * competing with the connection that waits for the enrollment), or
	 * at once without a ready key. Never waits: without a ready key the
	 * caller generates one itself.
	 *
	 * @param type		key type wanted
	 * @param bits		RSA/ECDSA size wanted (0 for Ed25519)
	 * @return			the key (owned by the caller), or NULL
	 */
	private_key_t *(*take)(getcert_nextkey_t *this, key_type_t type,
						   u_int bits);

	/**
	 * Whether a key is ready.
	 *
	 * @return			TRUE if take() would return a key of its type
	 */
	bool (*is_ready)(getcert_nextkey_t *this);

	/**
	 * Whether the object generates keys of a type and size.
	 *
	 * @param type		key type
	 * @param bits		RSA/ECDSA size (0 for Ed25519)
	 * @return			TRUE if so
	 */
	bool (*generates)(getcert_nextkey_t *this, key_type_t type, u_int bits);

	/**
	 * Get a reference.
	 *
	 * @return			this
	 */
	getcert_nextkey_t *(*get_ref)(getcert_nextkey_t *this);

	/**
	 * Drop a reference; the last one destroys the key.
	 */
	void (*destroy)(getcert_nextkey_t *this);
};

/**
 * Create the next-key holder of a profile and start generating.
 *
 * @param name			profile name (for the log)
 * @param type			KEY_RSA, KEY_ECDSA or KEY_ED25519
 * @param bits			RSA modulus or ECDSA curve bits (0 for Ed25519)
 * @return				object
 */
getcert_nextkey_t *getcert_nextkey_create(char *name, key_type_t type,
										  u_int bits);

#endif /** GETCERT_NEXTKEY_H_ @}*/

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

#include "getcert_serial.h"

/*
 * Described in header
 */
chunk_t getcert_serial_create()
{
	chunk_t serial = chunk_empty;
	rng_t *rng;

	rng = lib->crypto->create_rng(lib->crypto, RNG_STRONG);
	if (!rng || !rng->allocate_bytes(rng, GETCERT_SERIAL_LEN, &serial))
	{
		DESTROY_IF(rng);
		return chunk_empty;
	}
	rng->destroy(rng);
	serial.ptr[0] = (serial.ptr[0] & 0x7f) | 0x40;
	return serial;
}

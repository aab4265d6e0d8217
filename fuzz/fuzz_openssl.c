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

#include <openssl/crypto.h>

void fuzz_openssl_no_atexit();

/*
 * Described in fuzz_common.h
 */
void fuzz_openssl_no_atexit()
{
	OPENSSL_init_crypto(OPENSSL_INIT_NO_ATEXIT, NULL);
}

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
 * @defgroup getcert_serial getcert_serial
 * @{ @ingroup libgetcert
 */

#ifndef GETCERT_SERIAL_H_
#define GETCERT_SERIAL_H_

#include <library.h>

/**
 * Length of the serial numbers created, in bytes.
 */
#define GETCERT_SERIAL_LEN 16

/**
 * Create a random, unpredictable certificate serial number that is a
 * positive DER-minimal INTEGER (first byte 0x40..0x7f: no sign bit, no
 * leading zero; OpenSSL rejects serials with leading zero bytes).
 *
 * @return				allocated serial, chunk_empty if no RNG
 */
chunk_t getcert_serial_create();

#endif /** GETCERT_SERIAL_H_ @}*/

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
 * @defgroup getcert_settings getcert_settings
 * @{ @ingroup libgetcert
 */

#ifndef GETCERT_SETTINGS_H_
#define GETCERT_SETTINGS_H_

#include <library.h>

/**
 * Parse a duration with strongSwan's timespan_from_string(), strictly:
 * digits and an optional unit s, m, h or d, nothing else.
 *
 * timespan_from_string() alone also takes a sign, white space before the
 * unit and anything after it (it reads "5ms" as five minutes), which a
 * configuration or command line error should not silently become.
 *
 * @param str		string to parse
 * @param min		smallest accepted duration, in seconds
 * @param max		largest accepted duration, in seconds
 * @param[out] val	duration in seconds, unchanged on failure
 * @return			TRUE if str is a duration from min to max
 */
bool getcert_duration_from_string(char *str, u_int min, u_int max,
								  u_int *val);

#endif /** GETCERT_SETTINGS_H_ @}*/

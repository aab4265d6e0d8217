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

#include "getcert_settings.h"

/**
 * More significant digits than this could overflow when multiplied by
 * the unit; no accepted duration comes near it
 */
#define MAX_DIGITS 10

/*
 * Described in header
 */
bool getcert_duration_from_string(char *str, u_int min, u_int max,
								  u_int *val)
{
	size_t zeros, digits;
	time_t span;

	if (!str)
	{
		return FALSE;
	}
	zeros = strspn(str, "0");
	digits = strspn(str, "0123456789");
	if (!digits || digits - zeros > MAX_DIGITS ||
		(str[digits] && (!strchr("smhd", str[digits]) || str[digits + 1])) ||
		!timespan_from_string(str, NULL, &span) ||
		span < min || span > max)
	{
		return FALSE;
	}
	*val = span;
	return TRUE;
}

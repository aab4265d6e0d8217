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

#include <errno.h>
#include <math.h>
#include <stdarg.h>

#include <utils/debug.h>

/**
 * More significant digits than this could overflow when multiplied by
 * the unit; no accepted duration comes near it
 */
#define MAX_DIGITS 10

/**
 * More significant digits than this do not fit into 64 bits
 */
#define MAX_NUMBER_DIGITS 20

/**
 * The decimal digits str starts with, 0 if none or more than max
 * significant ones (leading zeros are not)
 */
static size_t leading_digits(char *str, size_t max)
{
	size_t zeros, digits;

	if (!str)
	{
		return 0;
	}
	zeros = strspn(str, "0");
	digits = strspn(str, "0123456789");
	return digits - zeros > max ? 0 : digits;
}

/*
 * Described in header
 */
bool getcert_duration_from_string(char *str, u_int min, u_int max,
								  u_int *val)
{
	size_t digits;
	time_t span;

	digits = leading_digits(str, MAX_DIGITS);
	if (!digits ||
		(str[digits] && (!strchr("smhd", str[digits]) || str[digits + 1])) ||
		!timespan_from_string(str, NULL, &span) ||
		span < min || span > max)
	{
		return FALSE;
	}
	*val = span;
	return TRUE;
}

/*
 * Described in header
 */
bool getcert_number_from_string(char *str, uint64_t min, uint64_t max,
								uint64_t *val)
{
	size_t digits;
	uint64_t num;

	digits = leading_digits(str, MAX_NUMBER_DIGITS);
	if (!digits || str[digits])
	{
		return FALSE;
	}
	errno = 0;
	num = strtoull(str, NULL, 10);
	if (errno || num < min || num > max)
	{
		return FALSE;
	}
	*val = num;
	return TRUE;
}

/*
 * Described in header
 */
bool getcert_bool_from_string(char *str, bool *val)
{
	if (!str)
	{
		return FALSE;
	}
	if (strcaseeq(str, "1") || strcaseeq(str, "yes") ||
		strcaseeq(str, "true") || strcaseeq(str, "enabled"))
	{
		*val = TRUE;
		return TRUE;
	}
	if (strcaseeq(str, "0") || strcaseeq(str, "no") ||
		strcaseeq(str, "false") || strcaseeq(str, "disabled"))
	{
		*val = FALSE;
		return TRUE;
	}
	return FALSE;
}

/*
 * Described in header
 */
bool getcert_fraction_from_string(char *str, double min, double max,
								  double *val)
{
	double num;

	num = settings_value_as_double(str, NAN);
	if (!(num >= min && num <= max))
	{
		return FALSE;
	}
	*val = num;
	return TRUE;
}

/**
 * Format the option name and look it up, NULL if unset
 */
static char *get_value(settings_t *settings, char *name, size_t len,
					   char *key, va_list args)
{
	char escaped[2 * BUF_LEN];
	int i, j = 0;

	vsnprintf(name, len, key, args);
	/* settings->get_str() formats each part of the key it is given: a '%'
	 * in a section name (a policy or profile name) must stay a '%' */
	for (i = 0; name[i] && j < sizeof(escaped) - 2; i++)
	{
		if (name[i] == '%')
		{
			escaped[j++] = '%';
		}
		escaped[j++] = name[i];
	}
	escaped[j] = '\0';
	return settings->get_str(settings, escaped, NULL);
}

/**
 * Log that an option's value is not what is expected, FALSE
 */
static bool refuse(char *prefix, char *name, char *str, char *fmt, ...)
{
	char expected[BUF_LEN];
	va_list args;

	va_start(args, fmt);
	vsnprintf(expected, sizeof(expected), fmt, args);
	va_end(args);
	DBG1(DBG_CFG, "%s%s '%s' is not %s", prefix, name, str, expected);
	return FALSE;
}

/*
 * Described in header
 */
bool getcert_settings_duration(settings_t *settings, char *prefix, u_int def,
							   u_int min, u_int max, u_int *out,
							   char *key, ...)
{
	char name[BUF_LEN], *str;
	va_list args;

	va_start(args, key);
	str = get_value(settings, name, sizeof(name), key, args);
	va_end(args);
	*out = def;
	return !str || getcert_duration_from_string(str, min, max, out) ||
		   refuse(prefix, name, str, "a duration from %us to %us (digits "
				  "with an optional s, m, h or d)", min, max);
}

/*
 * Described in header
 */
bool getcert_settings_number(settings_t *settings, char *prefix,
							 uint64_t def, uint64_t min, uint64_t max,
							 uint64_t *out, char *key, ...)
{
	char name[BUF_LEN], *str;
	va_list args;

	va_start(args, key);
	str = get_value(settings, name, sizeof(name), key, args);
	va_end(args);
	*out = def;
	return !str || getcert_number_from_string(str, min, max, out) ||
		   refuse(prefix, name, str, "a number from %llu to %llu (decimal "
				  "digits)", (unsigned long long)min,
				  (unsigned long long)max);
}

/*
 * Described in header
 */
bool getcert_settings_bool(settings_t *settings, char *prefix, bool def,
						   bool *out, char *key, ...)
{
	char name[BUF_LEN], *str;
	va_list args;

	va_start(args, key);
	str = get_value(settings, name, sizeof(name), key, args);
	va_end(args);
	*out = def;
	return !str || getcert_bool_from_string(str, out) ||
		   refuse(prefix, name, str, "a boolean (yes or no)");
}

/*
 * Described in header
 */
bool getcert_settings_fraction(settings_t *settings, char *prefix,
							   double def, double min, double max,
							   double *out, char *key, ...)
{
	char name[BUF_LEN], *str;
	va_list args;

	va_start(args, key);
	str = get_value(settings, name, sizeof(name), key, args);
	va_end(args);
	*out = def;
	return !str || getcert_fraction_from_string(str, min, max, out) ||
		   refuse(prefix, name, str, "a number from %.2f to %.2f", min, max);
}

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

/**
 * Parse a decimal number strictly: digits only (no sign, no white space,
 * no hexadecimal, nothing after them).
 *
 * settings_value_as_int() and friends take a sign, leading white space and
 * "0x" and return the default for anything else, so "1x" silently becomes
 * the default.
 *
 * @param str		string to parse
 * @param min		smallest accepted value
 * @param max		largest accepted value
 * @param[out] val	value, unchanged on failure
 * @return			TRUE if str is a number from min to max
 */
bool getcert_number_from_string(char *str, uint64_t min, uint64_t max,
								uint64_t *val);

/**
 * Parse a boolean strictly: the words settings_value_as_bool() knows
 * (yes, true, enabled, 1 and no, false, disabled, 0, in any case), and
 * nothing else (settings_value_as_bool() returns the default for that).
 *
 * @param str		string to parse
 * @param[out] val	value, unchanged on failure
 * @return			TRUE if str is a boolean
 */
bool getcert_bool_from_string(char *str, bool *val);

/**
 * Parse a decimal fraction (e.g. "0.5", "2", "1e3") in [min, max].
 *
 * @param str		string to parse
 * @param min		smallest accepted value
 * @param max		largest accepted value
 * @param[out] val	value, unchanged on failure
 * @return			TRUE if str is a number from min to max
 */
bool getcert_fraction_from_string(char *str, double min, double max,
								  double *val);

/**
 * Read a duration option, or fail with a clear message.
 *
 * An unset option gives def. A set one must be what
 * getcert_duration_from_string() accepts in [min, max]: otherwise the
 * message "<prefix><option> '<value>' is not a duration from <min>s to
 * <max>s (...)" is logged (DBG1, DBG_CFG) and FALSE returned, so that
 * the caller refuses the configuration instead of silently using the
 * default as settings->get_time() does.
 *
 * @param settings	settings to read
 * @param prefix	start of the error message, "" for none
 * @param def		value of an unset option
 * @param min		smallest accepted duration, in seconds
 * @param max		largest accepted duration, in seconds
 * @param[out] out	duration in seconds (def if unset)
 * @param key		option name, printf() format
 * @param ...		arguments for key
 * @return			FALSE if the option is set to anything else
 */
bool getcert_settings_duration(settings_t *settings, char *prefix, u_int def,
							   u_int min, u_int max, u_int *out,
							   char *key, ...);

/**
 * Read a number option, or fail with a clear message.
 *
 * Like getcert_settings_duration(), with getcert_number_from_string().
 *
 * @param settings	settings to read
 * @param prefix	start of the error message, "" for none
 * @param def		value of an unset option
 * @param min		smallest accepted value
 * @param max		largest accepted value
 * @param[out] out	value (def if unset)
 * @param key		option name, printf() format
 * @param ...		arguments for key
 * @return			FALSE if the option is set to anything else
 */
bool getcert_settings_number(settings_t *settings, char *prefix,
							 uint64_t def, uint64_t min, uint64_t max,
							 uint64_t *out, char *key, ...);

/**
 * Read a boolean option, or fail with a clear message.
 *
 * Like getcert_settings_duration(), with getcert_bool_from_string().
 *
 * @param settings	settings to read
 * @param prefix	start of the error message, "" for none
 * @param def		value of an unset option
 * @param[out] out	value (def if unset)
 * @param key		option name, printf() format
 * @param ...		arguments for key
 * @return			FALSE if the option is set to anything else
 */
bool getcert_settings_bool(settings_t *settings, char *prefix, bool def,
						   bool *out, char *key, ...);

/**
 * Read a fraction option, or fail with a clear message.
 *
 * Like getcert_settings_duration(), with getcert_fraction_from_string().
 *
 * @param settings	settings to read
 * @param prefix	start of the error message, "" for none
 * @param def		value of an unset option
 * @param min		smallest accepted value
 * @param max		largest accepted value
 * @param[out] out	value (def if unset)
 * @param key		option name, printf() format
 * @param ...		arguments for key
 * @return			FALSE if the option is set to anything else
 */
bool getcert_settings_fraction(settings_t *settings, char *prefix,
							   double def, double min, double max,
							   double *out, char *key, ...);

#endif /** GETCERT_SETTINGS_H_ @}*/

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

#include <test_suite.h>

#include <getcert_settings.h>

static struct {
	char *str;
	bool ok;
	u_int val;
} duration_tests[] = {
	{ "0", TRUE, 0 },
	{ "5", TRUE, 5 },
	{ "5s", TRUE, 5 },
	{ "5m", TRUE, 300 },
	{ "5h", TRUE, 18000 },
	{ "5d", TRUE, 432000 },
	{ "000000000000005m", TRUE, 300 },
	{ "365d", TRUE, 365 * 86400 },
	/* out of [0, 365d] */
	{ "366d", FALSE, 0 },
	{ "4294967296", FALSE, 0 },
	/* what timespan_from_string() alone accepts */
	{ "5ms", FALSE, 0 },
	{ "5 s", FALSE, 0 },
	{ " 5", FALSE, 0 },
	{ "+5", FALSE, 0 },
	{ "-5", FALSE, 0 },
	{ "5ss", FALSE, 0 },
	/* what neither accepts */
	{ NULL, FALSE, 0 },
	{ "", FALSE, 0 },
	{ "s", FALSE, 0 },
	{ "5x", FALSE, 0 },
	{ "1.5h", FALSE, 0 },
	{ "1y", FALSE, 0 },
	{ "0x10", FALSE, 0 },
	/* would overflow when multiplied */
	{ "99999999999999999d", FALSE, 0 },
	{ "18446744073709551616", FALSE, 0 },
};

START_TEST(test_duration)
{
	u_int val = 42;

	ck_assert(getcert_duration_from_string(duration_tests[_i].str, 0,
										   365 * 86400, &val) ==
			  duration_tests[_i].ok);
	ck_assert_int_eq(val, duration_tests[_i].ok ? duration_tests[_i].val
												: 42);
}
END_TEST

START_TEST(test_duration_range)
{
	u_int val = 0;

	ck_assert(!getcert_duration_from_string("0", 1, 60, &val));
	ck_assert(getcert_duration_from_string("1", 1, 60, &val));
	ck_assert_int_eq(val, 1);
	ck_assert(getcert_duration_from_string("1m", 1, 60, &val));
	ck_assert_int_eq(val, 60);
	ck_assert(!getcert_duration_from_string("61", 1, 60, &val));
	ck_assert_int_eq(val, 60);
}
END_TEST

Suite *settings_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("settings");

	tc = tcase_create("duration");
	tcase_add_loop_test(tc, test_duration, 0, countof(duration_tests));
	tcase_add_test(tc, test_duration_range);
	suite_add_tcase(s, tc);

	return s;
}

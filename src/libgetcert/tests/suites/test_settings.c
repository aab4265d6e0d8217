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

static struct {
	char *str;
	bool ok;
	uint64_t val;
} number_tests[] = {
	{ "0", TRUE, 0 },
	{ "1", TRUE, 1 },
	{ "65535", TRUE, 65535 },
	{ "000000000000000000000065535", TRUE, 65535 },
	/* out of [0, 65535] */
	{ "65536", FALSE, 0 },
	{ "18446744073709551616", FALSE, 0 },
	{ "99999999999999999999999", FALSE, 0 },
	/* what settings_value_as_int() accepts or falls back on */
	{ "1x", FALSE, 0 },
	{ " 5", FALSE, 0 },
	{ "+5", FALSE, 0 },
	{ "-5", FALSE, 0 },
	{ "0x10", FALSE, 0 },
	{ "5s", FALSE, 0 },
	{ "1.5", FALSE, 0 },
	{ NULL, FALSE, 0 },
	{ "", FALSE, 0 },
};

START_TEST(test_number)
{
	uint64_t val = 42;

	ck_assert(getcert_number_from_string(number_tests[_i].str, 0, 65535,
										 &val) == number_tests[_i].ok);
	ck_assert_int_eq(val, number_tests[_i].ok ? number_tests[_i].val : 42);
}
END_TEST

START_TEST(test_number_range)
{
	uint64_t val = 0;

	ck_assert(!getcert_number_from_string("0", 1, 10, &val));
	ck_assert(getcert_number_from_string("1", 1, 10, &val));
	ck_assert_int_eq(val, 1);
	ck_assert(getcert_number_from_string("10", 1, 10, &val));
	ck_assert_int_eq(val, 10);
	ck_assert(!getcert_number_from_string("11", 1, 10, &val));
	ck_assert_int_eq(val, 10);
	ck_assert(getcert_number_from_string("18446744073709551615", 0,
										 UINT64_MAX, &val));
	ck_assert(val == UINT64_MAX);
}
END_TEST

static struct {
	char *str;
	bool ok;
	bool val;
} bool_tests[] = {
	{ "yes", TRUE, TRUE },
	{ "TRUE", TRUE, TRUE },
	{ "enabled", TRUE, TRUE },
	{ "1", TRUE, TRUE },
	{ "no", TRUE, FALSE },
	{ "False", TRUE, FALSE },
	{ "disabled", TRUE, FALSE },
	{ "0", TRUE, FALSE },
	{ "yess", FALSE, FALSE },
	{ "y", FALSE, FALSE },
	{ "2", FALSE, FALSE },
	{ "on", FALSE, FALSE },
	{ " yes", FALSE, FALSE },
	{ "", FALSE, FALSE },
	{ NULL, FALSE, FALSE },
};

START_TEST(test_bool)
{
	bool val;

	val = !bool_tests[_i].val;
	ck_assert(getcert_bool_from_string(bool_tests[_i].str, &val) ==
			  bool_tests[_i].ok);
	ck_assert(val == (bool_tests[_i].ok ? bool_tests[_i].val
										: !bool_tests[_i].val));
}
END_TEST

static struct {
	char *str;
	bool ok;
	double val;
} fraction_tests[] = {
	{ "0", TRUE, 0.0 },
	{ "0.5", TRUE, 0.5 },
	{ "2", TRUE, 2.0 },
	{ "1e1", TRUE, 10.0 },
	{ "10.5", FALSE, 0 },
	{ "-0.5", FALSE, 0 },
	{ "2x", FALSE, 0 },
	{ "nan", FALSE, 0 },
	{ "inf", FALSE, 0 },
	{ "", FALSE, 0 },
	{ NULL, FALSE, 0 },
};

START_TEST(test_fraction)
{
	double val = 42.0;

	ck_assert(getcert_fraction_from_string(fraction_tests[_i].str, 0.0, 10.0,
										   &val) == fraction_tests[_i].ok);
	ck_assert(val == (fraction_tests[_i].ok ? fraction_tests[_i].val : 42.0));
}
END_TEST

/**
 * Settings with one of each kind, set well and badly
 */
static settings_t *test_settings()
{
	return settings_create_string(
		"t {\n"
		"  dur = 2m\n  bad_dur = 1x\n  big_dur = 2h\n"
		"  num = 7\n  bad_num = 7x\n  big_num = 11\n"
		"  yes = yes\n  bad_bool = yess\n"
		"  frac = 0.5\n  bad_frac = 0.5x\n"
		"  sub {\n    name {\n      dur = 1x\n    }\n"
		"    50% {\n      dur = 1m\n    }\n  }\n"
		"}\n");
}

START_TEST(test_settings_read)
{
	settings_t *settings;
	u_int dur;
	uint64_t num;
	bool yes;
	double frac;

	settings = test_settings();
	ck_assert(getcert_settings_duration(settings, "", 5, 0, 3600, &dur,
										"t.dur"));
	ck_assert_int_eq(dur, 120);
	ck_assert(getcert_settings_duration(settings, "", 5, 0, 3600, &dur,
										"t.unset"));
	ck_assert_int_eq(dur, 5);
	ck_assert(!getcert_settings_duration(settings, "", 5, 0, 3600, &dur,
										 "t.bad_dur"));
	ck_assert(!getcert_settings_duration(settings, "", 5, 0, 3600, &dur,
										 "t.big_dur"));
	ck_assert(!getcert_settings_duration(settings, "", 5, 0, 3600, &dur,
										 "t.%s.%s.dur", "sub", "name"));
	ck_assert(getcert_settings_duration(settings, "", 5, 0, 3600, &dur,
										"t.sub.%s.dur", "50%"));
	ck_assert_int_eq(dur, 60);

	ck_assert(getcert_settings_number(settings, "", 3, 1, 10, &num, "t.num"));
	ck_assert_int_eq(num, 7);
	ck_assert(getcert_settings_number(settings, "", 3, 1, 10, &num,
									  "t.unset"));
	ck_assert_int_eq(num, 3);
	ck_assert(!getcert_settings_number(settings, "", 3, 1, 10, &num,
									   "t.bad_num"));
	ck_assert(!getcert_settings_number(settings, "", 3, 1, 10, &num,
									   "t.big_num"));

	ck_assert(getcert_settings_bool(settings, "", FALSE, &yes, "t.yes"));
	ck_assert(yes);
	ck_assert(getcert_settings_bool(settings, "", TRUE, &yes, "t.unset"));
	ck_assert(yes);
	ck_assert(!getcert_settings_bool(settings, "", FALSE, &yes,
									 "t.bad_bool"));

	ck_assert(getcert_settings_fraction(settings, "", 0.1, 0.0, 1.0, &frac,
										"t.frac"));
	ck_assert(frac == 0.5);
	ck_assert(getcert_settings_fraction(settings, "", 0.1, 0.0, 1.0, &frac,
										"t.unset"));
	ck_assert(frac == 0.1);
	ck_assert(!getcert_settings_fraction(settings, "", 0.1, 0.0, 1.0, &frac,
										 "t.bad_frac"));
	settings->destroy(settings);
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

	tc = tcase_create("number");
	tcase_add_loop_test(tc, test_number, 0, countof(number_tests));
	tcase_add_test(tc, test_number_range);
	suite_add_tcase(s, tc);

	tc = tcase_create("bool");
	tcase_add_loop_test(tc, test_bool, 0, countof(bool_tests));
	suite_add_tcase(s, tc);

	tc = tcase_create("fraction");
	tcase_add_loop_test(tc, test_fraction, 0, countof(fraction_tests));
	suite_add_tcase(s, tc);

	tc = tcase_create("settings");
	tcase_add_test(tc, test_settings_read);
	suite_add_tcase(s, tc);

	return s;
}

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

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* asprintf */
#endif
#include <stdio.h>

#include <test_suite.h>

#include <getcertd_auth.h>

/**
 * Strict base64 test vectors: text, decoded (NULL: must be refused)
 */
static struct {
	char *in;
	char *out;
	size_t len;
} b64_tests[] = {
	{ "Y2Fyb2w6cHc=", "carol:pw", 8 },
	{ "Zg==", "f", 1 },
	{ "Zm8=", "fo", 2 },
	{ "Zm9v", "foo", 3 },
	{ "+/+/", "\xfb\xff\xbf", 3 },
	{ "AA==", "\0", 1 },
	{ "", NULL },
	{ "Y2Fyb2w6cHc", NULL },			/* padding missing */
	{ "Y2Fyb2w6cHc=x", NULL },		/* trailing garbage */
	{ "Y2Fyb2w6cHc==", NULL },		/* too much padding */
	{ "Y2Fyb2w6cHc=\n", NULL },		/* line break */
	{ "Y2Fy b2w6cHc=", NULL },		/* whitespace inside */
	{ "Y2Fy\tb2w6cHc=", NULL },
	{ " Y2Fyb2w6cHc=", NULL },
	{ "Y2Fyb2w6cHd=", NULL },		/* unused bits not zero */
	{ "Zh==", NULL },
	{ "Y2F=b2w6", NULL },			/* padding inside */
	{ "====", NULL },
	{ "A===", NULL },
	{ "Y2Fy-2w6", NULL },			/* base64url, not base64 */
	{ "Y2Fy_2w6", NULL },
	{ "Y2Fy!2w6", NULL },
	{ "Y2Fy\xc3\xa4w6", NULL },
};

START_TEST(test_base64)
{
	chunk_t out = chunk_empty;
	bool ok;

	ok = getcertd_auth_base64(b64_tests[_i].in, &out);
	if (b64_tests[_i].out)
	{
		ck_assert(ok);
		ck_assert(chunk_equals(out, chunk_create(b64_tests[_i].out,
												 b64_tests[_i].len)));
		chunk_free(&out);
	}
	else
	{
		ck_assert(!ok);
	}
}
END_TEST

/**
 * Build "Basic base64(raw)"
 */
static char *basic(chunk_t raw)
{
	chunk_t b64;
	char *header;

	b64 = chunk_to_base64(raw, NULL);
	ck_assert(asprintf(&header, "Basic %.*s", (int)b64.len, b64.ptr) > 0);
	chunk_free(&b64);
	return header;
}

/**
 * Basic credentials: decoded value (or header), expected status
 */
static struct {
	chunk_t raw;
	char *header;
	u_int status;
	char *user;
	char *password;
} basic_tests[] = {
	{ .raw = { "carol:carol-pw", 14 }, .user = "carol",
	  .password = "carol-pw" },
	{ .header = "basic Y2Fyb2w6cHc=", .user = "carol", .password = "pw" },
	{ .header = "BASIC   Y2Fyb2w6cHc=", .user = "carol", .password = "pw" },
	{ .raw = { "carol:a:b", 9 }, .user = "carol", .password = "a:b" },
	{ .raw = { "carol:\xc3\xa4\xc3\xb6", 10 }, .user = "carol",
	  .password = "\xc3\xa4\xc3\xb6" },
	{ .header = "Bearer Y2Fyb2w6cHc=", .status = 401 },
	{ .header = "Basic", .status = 401 },
	{ .header = "BasicY2Fyb2w6cHc=", .status = 401 },
	{ .header = "Basic ", .status = 400 },
	{ .header = "Basic Y2Fyb2w6cHc=x", .status = 400 },
	{ .header = "Basic Y2Fyb2w6cHc", .status = 400 },
	{ .header = "Basic Y2Fy b2w6cHc=", .status = 400 },
	{ .header = "Basic !!!!", .status = 400 },
	{ .raw = { "carol", 5 }, .status = 400 },
	{ .raw = { ":pw", 3 }, .status = 401 },
	{ .raw = { "carol:", 6 }, .status = 401 },
	{ .raw = { "carol:p\0w", 9 }, .status = 401 },
	{ .raw = { "carol:pw\0", 9 }, .status = 401 },
	{ .raw = { "car\0ol:pw", 9 }, .status = 401 },
	{ .raw = { "carol:p\nw", 9 }, .status = 401 },
	{ .raw = { "carol:p\x7fw", 9 }, .status = 401 },
	{ .raw = { "carol\x1b:pw", 9 }, .status = 401 },
	{ .raw = { "carol:\t", 7 }, .status = 401 },
};

START_TEST(test_basic)
{
	chunk_t password = chunk_empty;
	char *header, *user = NULL, *reason = NULL;
	u_int status;

	header = basic_tests[_i].header ? strdup(basic_tests[_i].header)
									: basic(basic_tests[_i].raw);
	status = getcertd_auth_parse_basic(header, &user, &password, &reason);
	ck_assert_int_eq(status, basic_tests[_i].status);
	if (!status)
	{
		ck_assert_str_eq(user, basic_tests[_i].user);
		ck_assert_chunk_eq(password,
						   chunk_from_str(basic_tests[_i].password));
		ck_assert(!reason);
	}
	else
	{
		ck_assert(!user);
		ck_assert(!password.ptr);
		ck_assert(reason);
	}
	free(user);
	chunk_clear(&password);
	free(header);
}
END_TEST

START_TEST(test_basic_password_length)
{
	chunk_t raw, password = chunk_empty;
	char *header, *user = NULL, *reason = NULL;
	u_int status;

	/* "carol:" and _i bytes of password, RADIUS carries 128 */
	raw = chunk_alloc(6 + _i);
	memcpy(raw.ptr, "carol:", 6);
	memset(raw.ptr + 6, 'x', _i);
	header = basic(raw);
	status = getcertd_auth_parse_basic(header, &user, &password, &reason);
	if (_i <= 128)
	{
		ck_assert_int_eq(status, 0);
		ck_assert_int_eq(password.len, _i);
	}
	else
	{
		ck_assert_int_eq(status, 401);
		ck_assert(strstr(reason, "128"));
		ck_assert(!user);
	}
	free(user);
	chunk_clear(&password);
	chunk_free(&raw);
	free(header);
}
END_TEST

START_TEST(test_state)
{
	chunk_t raw, b64, state = chunk_empty;
	char *text, *reason = NULL;

	raw = chunk_alloc(_i);
	memset(raw.ptr, 0xa5, raw.len);
	b64 = chunk_to_base64(raw, NULL);
	text = strndup(b64.ptr, b64.len);
	if (_i <= GETCERTD_AUTH_MAX_STATE)
	{
		ck_assert(getcertd_auth_parse_state(text, &state, &reason));
		ck_assert_chunk_eq(state, raw);
	}
	else
	{
		ck_assert(!getcertd_auth_parse_state(text, &state, &reason));
		ck_assert(strstr(reason, "253"));
	}
	chunk_free(&state);
	chunk_free(&raw);
	chunk_free(&b64);
	free(text);
}
END_TEST

START_TEST(test_state_malformed)
{
	chunk_t state = chunk_empty;
	char *reason = NULL;

	ck_assert(!getcertd_auth_parse_state("", &state, &reason));
	ck_assert(!getcertd_auth_parse_state("AAAA AAAA", &state, &reason));
	ck_assert(!getcertd_auth_parse_state("AAA", &state, &reason));
	ck_assert(!getcertd_auth_parse_state("AAAA\r\n", &state, &reason));
	ck_assert(reason);
	ck_assert(!state.ptr);
}
END_TEST

START_TEST(test_sanitize)
{
	char buf[8];

	ck_assert_str_eq(getcertd_auth_sanitize("carol", 5, buf, sizeof(buf)),
					 "carol");
	ck_assert_str_eq(getcertd_auth_sanitize("c\0a\nr\x1b", 6, buf,
											sizeof(buf)), "c?a?r?");
	ck_assert_str_eq(getcertd_auth_sanitize("\xc3\xa4\x7f", 3, buf,
											sizeof(buf)), "???");
	ck_assert_str_eq(getcertd_auth_sanitize("carolcarol", 10, buf,
											sizeof(buf)), "caro...");
	ck_assert_str_eq(getcertd_auth_sanitize("", 0, buf, sizeof(buf)), "");
}
END_TEST

Suite *auth_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("getcertd_auth");

	tc = tcase_create("strict base64");
	tcase_add_loop_test(tc, test_base64, 0, countof(b64_tests));
	suite_add_tcase(s, tc);

	tc = tcase_create("Basic credentials");
	tcase_add_loop_test(tc, test_basic, 0, countof(basic_tests));
	tcase_add_loop_test(tc, test_basic_password_length, 126, 131);
	suite_add_tcase(s, tc);

	tc = tcase_create("GETCERT-State");
	tcase_add_loop_test(tc, test_state, 1, 4);
	tcase_add_loop_test(tc, test_state, 251, 256);
	tcase_add_loop_test(tc, test_state, 1000, 1001);
	tcase_add_test(tc, test_state_malformed);
	suite_add_tcase(s, tc);

	tc = tcase_create("sanitize");
	tcase_add_test(tc, test_sanitize);
	suite_add_tcase(s, tc);

	return s;
}

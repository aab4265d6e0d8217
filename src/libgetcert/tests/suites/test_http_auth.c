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

#include <getcert_http_auth.h>
#include <getcert_test_certs.h>

START_TEST(test_parse_basic)
{
	getcert_http_challenge_t c;

	ck_assert(getcert_http_challenge_parse("Basic realm=\"getcert\"", &c));
	ck_assert(c.basic);
	ck_assert_str_eq(c.realm, "getcert");
	ck_assert(!c.challenge && !c.state);
	getcert_http_challenge_free(&c);

	ck_assert(getcert_http_challenge_parse("basic REALM=x", &c));
	ck_assert(c.basic);
	ck_assert_str_eq(c.realm, "x");
	getcert_http_challenge_free(&c);
}
END_TEST

START_TEST(test_parse_challenge)
{
	getcert_http_challenge_t c;

	ck_assert(getcert_http_challenge_parse("Basic realm=\"getcert\", "
				"challenge=\"Enter the code for \\\"carol\\\", please\", "
				"state=\"c3RhdGU=\"", &c));
	ck_assert(c.basic);
	ck_assert_str_eq(c.challenge, "Enter the code for \"carol\", please");
	ck_assert_str_eq(c.state, "c3RhdGU=");
	getcert_http_challenge_free(&c);
}
END_TEST

START_TEST(test_parse_schemes)
{
	getcert_http_challenge_t c;

	ck_assert(getcert_http_challenge_parse("Negotiate abc==, Basic "
										   "realm=\"r\", Bearer x=y", &c));
	ck_assert(c.basic);
	ck_assert_str_eq(c.realm, "r");
	getcert_http_challenge_free(&c);

	ck_assert(getcert_http_challenge_parse("Digest realm=\"r\", "
										   "challenge=\"x\"", &c));
	ck_assert(!c.basic);
	ck_assert(!c.challenge);
	getcert_http_challenge_free(&c);
}
END_TEST

static char *malformed[] = {
	"Basic realm=\"unterminated",
	"Basic realm=",
	"Basic state=\"a b\"",
	"Basic state=\"a\nb\"",
	"Basic realm=\"a\x01\"",
	"=x",
	"\"quoted\"",
};

START_TEST(test_parse_malformed)
{
	getcert_http_challenge_t c;

	ck_assert(!getcert_http_challenge_parse(malformed[_i], &c));
	ck_assert(!c.realm && !c.challenge && !c.state);
}
END_TEST

static struct {
	/** realm, challenge text and state to encode */
	char *realm;
	char *challenge;
	char *state;
	/** the header value getcertd sends for them */
	char *header;
} round_trip[] = {
	{ "getcert", NULL, NULL, "Basic realm=\"getcert\"" },
	{ "getcert", "Enter the code for \"carol\", please", "c3RhdGU=",
	  "Basic realm=\"getcert\", challenge=\"Enter the code for \\\"carol\\\", "
	  "please\", state=\"c3RhdGU=\"" },
	{ "getcert", "", "AAEC", "Basic realm=\"getcert\", challenge=\"\", "
	  "state=\"AAEC\"" },
	{ "a \"quoted\" realm", "back\\slash\\", "-._~+/=",
	  "Basic realm=\"a \\\"quoted\\\" realm\", "
	  "challenge=\"back\\\\slash\\\\\", state=\"-._~+/=\"" },
	{ "r", "tab\there, caf\xc3\xa9 ,=\"\\", NULL,
	  "Basic realm=\"r\", challenge=\"tab\there, caf\xc3\xa9 ,=\\\"\\\\\"" },
	{ "", "challenge=\"x\", state=\"y\"", "s",
	  "Basic realm=\"\", challenge=\"challenge=\\\"x\\\", "
	  "state=\\\"y\\\"\", state=\"s\"" },
};

/**
 * Check an optional string
 */
static void assert_opt_str(char *value, char *expected)
{
	if (expected)
	{
		ck_assert(value);
		ck_assert_str_eq(value, expected);
	}
	else
	{
		ck_assert(!value);
	}
}

/**
 * Encode a challenge, check the header (unless NULL) and what it parses to
 */
static void check_encode(getcert_http_challenge_t *in, char *header,
						 getcert_http_challenge_t *expected)
{
	getcert_http_challenge_t out;
	char *encoded;

	encoded = getcert_http_challenge_encode(in);
	ck_assert(encoded);
	if (header)
	{
		ck_assert_str_eq(encoded, header);
	}
	ck_assert(getcert_http_challenge_parse(encoded, &out));
	ck_assert(out.basic);
	assert_opt_str(out.realm, expected->realm);
	assert_opt_str(out.challenge, expected->challenge);
	assert_opt_str(out.state, expected->state);
	getcert_http_challenge_free(&out);
	free(encoded);
}

START_TEST(test_encode_round_trip)
{
	getcert_http_challenge_t in = {
		.realm = round_trip[_i].realm,
		.challenge = round_trip[_i].challenge,
		.state = round_trip[_i].state,
	};

	check_encode(&in, round_trip[_i].header, &in);
}
END_TEST

START_TEST(test_encode_control)
{
	getcert_http_challenge_t in = {
		.realm = "r\x01",
		.challenge = "line\r\nbreak\x7f\x1b[0m",
	}, out = {
		.realm = "r?",
		.challenge = "line??break??[0m",
	};

	/* the parser refuses control characters, they are sent as '?' */
	check_encode(&in, "Basic realm=\"r?\", challenge=\"line??break??[0m\"",
				 &out);
}
END_TEST

START_TEST(test_encode_limits)
{
	getcert_http_challenge_t in = {
		.realm = "r",
	};
	char text[GETCERT_HTTP_MAX_CHALLENGE + 2];
	char state[GETCERT_HTTP_MAX_STATE + 2];

	memset(text, '"', sizeof(text) - 2);
	text[sizeof(text) - 2] = '\0';
	memset(state, 'A', sizeof(state) - 2);
	state[sizeof(state) - 2] = '\0';
	in.challenge = text;
	in.state = state;
	check_encode(&in, NULL, &in);

	/* what the parser would refuse is not encoded */
	strcat(text, "x");
	ck_assert(!getcert_http_challenge_encode(&in));
	text[GETCERT_HTTP_MAX_CHALLENGE] = '\0';
	strcat(state, "A");
	ck_assert(!getcert_http_challenge_encode(&in));
	in.state = "a b";
	ck_assert(!getcert_http_challenge_encode(&in));
	in.state = "a\"b";
	ck_assert(!getcert_http_challenge_encode(&in));
	in.state = NULL;
	in.realm = NULL;
	ck_assert(!getcert_http_challenge_encode(&in));
}
END_TEST

/**
 * Credential callback recording its calls
 */
static struct {
	int calls;
	char challenge[64];
	u_int attempt;
	bool refuse;
} cb_state;

static bool credential_cb(void *data, identification_t *user,
						  char *challenge, u_int attempt, chunk_t *secret)
{
	cb_state.calls++;
	cb_state.attempt = attempt;
	snprintf(cb_state.challenge, sizeof(cb_state.challenge), "%s",
			 challenge ?: "");
	if (cb_state.refuse)
	{
		return FALSE;
	}
	*secret = chunk_clone(chunk_from_str(challenge ? "123456" : "s3cr3t"));
	return TRUE;
}

static getcert_http_auth_t *create(char *user, u_int tries, u_int rounds)
{
	identification_t *id;
	getcert_http_auth_t *auth;

	memset(&cb_state, 0, sizeof(cb_state));
	id = identification_create_from_string(user);
	auth = getcert_http_auth_create(id, credential_cb, NULL, tries, rounds);
	id->destroy(id);
	return auth;
}

START_TEST(test_password)
{
	getcert_http_auth_t *auth;

	gt_log_start();
	auth = create("carol", 2, 3);
	ck_assert(!auth->get_authorization(auth));
	ck_assert_int_eq(auth->challenge(auth, "Basic realm=\"getcert\""),
					 GETCERT_OK);
	ck_assert_int_eq(cb_state.calls, 1);
	ck_assert_int_eq(cb_state.attempt, 1);
	/* base64("carol:s3cr3t") */
	ck_assert_str_eq(auth->get_authorization(auth),
					 "Basic Y2Fyb2w6czNjcjN0");
	ck_assert(!auth->get_state(auth));
	/* the secret never shows up in the log */
	ck_assert(!gt_log_contains("s3cr3t"));
	ck_assert(!gt_log_contains("Y2Fyb2w6czNjcjN0"));
	auth->destroy(auth);
	gt_log_stop();
}
END_TEST

START_TEST(test_rejected_bounded)
{
	getcert_http_auth_t *auth;

	gt_log_start();
	auth = create("carol", 2, 3);
	ck_assert_int_eq(auth->challenge(auth, "Basic realm=x"), GETCERT_OK);
	ck_assert_int_eq(auth->challenge(auth, "Basic realm=x"), GETCERT_OK);
	ck_assert_int_eq(cb_state.attempt, 2);
	ck_assert(gt_log_contains("server rejected the password of 'carol'"));
	/* no third try: the account must not be locked out */
	ck_assert_int_eq(auth->challenge(auth, "Basic realm=x"),
					 GETCERT_ERR_AUTH);
	ck_assert_int_eq(cb_state.calls, 2);
	ck_assert(!auth->get_authorization(auth));
	ck_assert(gt_log_contains("giving up after 2 rejected attempts"));
	auth->destroy(auth);
	gt_log_stop();
}
END_TEST

START_TEST(test_reset)
{
	getcert_http_auth_t *auth;

	auth = create("carol", 1, 3);
	ck_assert_int_eq(auth->challenge(auth, "Basic realm=x"), GETCERT_OK);
	ck_assert(auth->get_authorization(auth));
	/* the next enrollment over the same transport starts over */
	auth->reset(auth);
	ck_assert(!auth->get_authorization(auth));
	ck_assert_int_eq(auth->challenge(auth, "Basic realm=x"), GETCERT_OK);
	ck_assert_int_eq(cb_state.attempt, 1);
	ck_assert_int_eq(cb_state.calls, 2);
	/* ...with its own limit */
	ck_assert_int_eq(auth->challenge(auth, "Basic realm=x"),
					 GETCERT_ERR_AUTH);
	auth->destroy(auth);
}
END_TEST

START_TEST(test_rejected_no_other)
{
	getcert_http_auth_t *auth;

	auth = create("carol", 3, 3);
	ck_assert_int_eq(auth->challenge(auth, "Basic realm=x"), GETCERT_OK);
	/* rejected, and the callback has nothing else: the credentials failed,
	 * they were not missing */
	cb_state.refuse = TRUE;
	ck_assert_int_eq(auth->challenge(auth, "Basic realm=x"),
					 GETCERT_ERR_AUTH);
	ck_assert_int_eq(cb_state.attempt, 2);
	auth->destroy(auth);
}
END_TEST

START_TEST(test_challenge_rounds)
{
	getcert_http_auth_t *auth;

	auth = create("carol", 2, 2);
	ck_assert_int_eq(auth->challenge(auth, "Basic realm=x"), GETCERT_OK);
	ck_assert_int_eq(auth->challenge(auth, "Basic realm=x, challenge=\"OTP "
					 "for carol\", state=\"abc\""), GETCERT_OK);
	ck_assert_str_eq(cb_state.challenge, "OTP for carol");
	/* base64("carol:123456") */
	ck_assert_str_eq(auth->get_authorization(auth),
					 "Basic Y2Fyb2w6MTIzNDU2");
	ck_assert_str_eq(auth->get_state(auth), "abc");
	ck_assert_int_eq(auth->challenge(auth, "Basic realm=x, challenge=\"next\", "
					 "state=\"def\""), GETCERT_OK);
	ck_assert_str_eq(auth->get_state(auth), "def");
	/* a third challenge is one too many */
	ck_assert_int_eq(auth->challenge(auth, "Basic realm=x, challenge=\"more\", "
					 "state=\"ghi\""), GETCERT_ERR_AUTH);
	ck_assert(!auth->get_authorization(auth));
	ck_assert(!auth->get_state(auth));
	auth->destroy(auth);
}
END_TEST

START_TEST(test_no_credentials)
{
	getcert_http_auth_t *auth;

	auth = create("carol", 2, 2);
	cb_state.refuse = TRUE;
	ck_assert_int_eq(auth->challenge(auth, "Basic realm=x"),
					 GETCERT_ERR_NO_CREDENTIALS);
	auth->destroy(auth);

	/* RFC 7617: no colon in a Basic user name */
	auth = create("ca:rol", 2, 2);
	ck_assert_int_eq(auth->challenge(auth, "Basic realm=x"),
					 GETCERT_ERR_NO_CREDENTIALS);
	ck_assert_int_eq(cb_state.calls, 0);
	auth->destroy(auth);
}
END_TEST

START_TEST(test_no_basic)
{
	getcert_http_auth_t *auth;

	auth = create("carol", 2, 2);
	ck_assert_int_eq(auth->challenge(auth, NULL), GETCERT_ERR_AUTH);
	ck_assert_int_eq(auth->challenge(auth, "Digest realm=x, nonce=y"),
					 GETCERT_ERR_AUTH);
	ck_assert_int_eq(auth->challenge(auth, "Basic realm=\"x"),
					 GETCERT_ERR_AUTH);
	ck_assert_int_eq(cb_state.calls, 0);
	auth->destroy(auth);
}
END_TEST

START_TEST(test_preempt)
{
	getcert_http_auth_t *auth;

	gt_log_start();
	auth = create("carol", 2, 3);
	/* the password before any 401, as the first attempt */
	ck_assert(auth->preempt(auth));
	ck_assert_int_eq(cb_state.calls, 1);
	ck_assert_int_eq(cb_state.attempt, 1);
	ck_assert_str_eq(cb_state.challenge, "");
	ck_assert_str_eq(auth->get_authorization(auth),
					 "Basic Y2Fyb2w6czNjcjN0");
	ck_assert(!auth->get_state(auth));
	/* asked once: a second preempt() keeps what is set */
	ck_assert(auth->preempt(auth));
	ck_assert_int_eq(cb_state.calls, 1);
	ck_assert(!gt_log_contains("s3cr3t"));
	ck_assert(!gt_log_contains("Y2Fyb2w6czNjcjN0"));
	auth->destroy(auth);
	gt_log_stop();
}
END_TEST

START_TEST(test_preempt_rejected)
{
	getcert_http_auth_t *auth;

	gt_log_start();
	auth = create("carol", 2, 3);
	ck_assert(auth->preempt(auth));
	/* a 401 without challenge to it: rejected, the second and last try */
	ck_assert_int_eq(auth->challenge(auth, "Basic realm=x"), GETCERT_OK);
	ck_assert_int_eq(cb_state.attempt, 2);
	ck_assert(gt_log_contains("server rejected the password of 'carol'"));
	ck_assert_int_eq(auth->challenge(auth, "Basic realm=x"),
					 GETCERT_ERR_AUTH);
	ck_assert_int_eq(cb_state.calls, 2);
	ck_assert(gt_log_contains("giving up after 2 rejected attempts"));
	/* no pre-emptive password after a rejection */
	ck_assert(!auth->preempt(auth));
	ck_assert_int_eq(cb_state.calls, 2);
	ck_assert(!auth->get_authorization(auth));
	auth->destroy(auth);

	/* max_tries 1: a rejected pre-emptive password is the only one */
	auth = create("carol", 1, 3);
	ck_assert(auth->preempt(auth));
	ck_assert_int_eq(auth->challenge(auth, "Basic realm=x"),
					 GETCERT_ERR_AUTH);
	ck_assert_int_eq(cb_state.calls, 1);
	auth->destroy(auth);
	gt_log_stop();
}
END_TEST

START_TEST(test_preempt_challenge)
{
	getcert_http_auth_t *auth;

	auth = create("carol", 2, 2);
	ck_assert(auth->preempt(auth));
	/* the server answers the password with a challenge (RADIUS
	 * Access-Challenge relayed as 401): answered as after a 401 */
	ck_assert_int_eq(auth->challenge(auth, "Basic realm=x, challenge=\"OTP "
					 "for carol\", state=\"abc\""), GETCERT_OK);
	ck_assert_int_eq(cb_state.calls, 2);
	ck_assert_str_eq(cb_state.challenge, "OTP for carol");
	ck_assert_int_eq(cb_state.attempt, 1);
	/* base64("carol:123456") */
	ck_assert_str_eq(auth->get_authorization(auth),
					 "Basic Y2Fyb2w6MTIzNDU2");
	ck_assert_str_eq(auth->get_state(auth), "abc");
	/* a pending challenge leads: preempt() changes nothing */
	ck_assert(auth->preempt(auth));
	ck_assert_int_eq(cb_state.calls, 2);
	ck_assert_str_eq(auth->get_state(auth), "abc");
	auth->destroy(auth);
}
END_TEST

START_TEST(test_preempt_no_secret)
{
	getcert_http_auth_t *auth;

	gt_log_start();
	auth = create("carol", 2, 2);
	cb_state.refuse = TRUE;
	/* nothing set, nothing counted */
	ck_assert(!auth->preempt(auth));
	ck_assert(!auth->get_authorization(auth));
	ck_assert_int_eq(cb_state.calls, 1);
	ck_assert(gt_log_contains("no password available"));
	/* the 401 then asks as without preempt(): attempt 1 */
	cb_state.refuse = FALSE;
	ck_assert_int_eq(auth->challenge(auth, "Basic realm=x"), GETCERT_OK);
	ck_assert_int_eq(cb_state.attempt, 1);
	ck_assert_str_eq(auth->get_authorization(auth),
					 "Basic Y2Fyb2w6czNjcjN0");
	auth->destroy(auth);

	/* RFC 7617: no colon in a Basic user name, never asked */
	auth = create("ca:rol", 2, 2);
	ck_assert(!auth->preempt(auth));
	ck_assert_int_eq(cb_state.calls, 0);
	auth->destroy(auth);
	gt_log_stop();
}
END_TEST

START_TEST(test_preempt_reset)
{
	getcert_http_auth_t *auth;

	auth = create("carol", 1, 2);
	ck_assert(auth->preempt(auth));
	/* the next enrollment over the same transport sends it afresh */
	auth->reset(auth);
	ck_assert(!auth->get_authorization(auth));
	ck_assert(auth->preempt(auth));
	ck_assert_int_eq(cb_state.calls, 2);
	ck_assert_int_eq(cb_state.attempt, 1);
	auth->destroy(auth);
}
END_TEST

Suite *http_auth_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("HTTP authentication");

	tc = tcase_create("WWW-Authenticate");
	tcase_add_test(tc, test_parse_basic);
	tcase_add_test(tc, test_parse_challenge);
	tcase_add_test(tc, test_parse_schemes);
	tcase_add_loop_test(tc, test_parse_malformed, 0, countof(malformed));
	tcase_add_loop_test(tc, test_encode_round_trip, 0, countof(round_trip));
	tcase_add_test(tc, test_encode_control);
	tcase_add_test(tc, test_encode_limits);
	suite_add_tcase(s, tc);

	tc = tcase_create("401 rounds");
	tcase_add_test(tc, test_password);
	tcase_add_test(tc, test_rejected_bounded);
	tcase_add_test(tc, test_reset);
	tcase_add_test(tc, test_rejected_no_other);
	tcase_add_test(tc, test_challenge_rounds);
	tcase_add_test(tc, test_no_credentials);
	tcase_add_test(tc, test_no_basic);
	suite_add_tcase(s, tc);

	tc = tcase_create("pre-emptive password");
	tcase_add_test(tc, test_preempt);
	tcase_add_test(tc, test_preempt_rejected);
	tcase_add_test(tc, test_preempt_challenge);
	tcase_add_test(tc, test_preempt_no_secret);
	tcase_add_test(tc, test_preempt_reset);
	suite_add_tcase(s, tc);

	return s;
}

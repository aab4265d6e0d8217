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

/*
 * libFuzzer target: getcert_http_challenge_parse() on a WWW-Authenticate
 * header value, and a few rounds of getcert_http_auth_t->challenge().
 *
 * The whole input (up to the first NUL) is parsed as one header value; a
 * Basic challenge with a realm that parses is encoded again with
 * getcert_http_challenge_encode(), which must give a header that parses
 * to the same realm, challenge text and state;
 * for the rounds it is split at newlines, each line being the header of
 * the next 401 response (an empty line: a 401 without the header).
 */

#include "fuzz_common.h"

#include <getcert_http_auth.h>

#define ROUNDS 6

static identification_t *user;

/**
 * Credential callback: a fixed secret (none for the challenge "none", as
 * if the user cancelled)
 */
static bool get_secret(void *data, identification_t *id, char *challenge,
					   u_int attempt, chunk_t *secret)
{
	if (challenge)
	{	/* the text is the server's, read all of it */
		fuzz_touch(chunk_from_str(challenge));
		if (streq(challenge, "none"))
		{
			return FALSE;
		}
	}
	*secret = chunk_clone(chunk_from_str("s3cr3t-p4ssw0rd"));
	return TRUE;
}

static void write_seeds(char *dir)
{
	fuzz_write_seed(dir, "basic",
		chunk_from_str("Basic realm=\"getcert\""));
	fuzz_write_seed(dir, "challenge",
		chunk_from_str("Basic realm=\"getcert\", challenge=\"Enter code\", "
					   "state=\"c3RhdGU=\""));
	fuzz_write_seed(dir, "negotiate-basic",
		chunk_from_str("Negotiate abc==, Basic realm=x"));
	fuzz_write_seed(dir, "rounds",
		chunk_from_str("Basic realm=\"getcert\"\n"
					   "Basic realm=\"getcert\", challenge=\"Enter the "
					   "code sent to \\\"you\\\"\", state=c3RhdGU=\n"
					   "Basic realm=\"getcert\", challenge=\"Again\", "
					   "state=\"YWJj\"\n"
					   "Basic realm=\"getcert\"\n\n"
					   "Basic realm=getcert"));
	fuzz_write_seed(dir, "cancelled",
		chunk_from_str("Basic realm=\"getcert\", challenge=none"));
	fuzz_write_seed(dir, "multi",
		chunk_from_str("Bearer realm=\"x\", error=\"invalid_token\", "
					   "Digest realm=\"d\", nonce=\"n\", qop=\"auth\", "
					   "basic REALM=\"a\\\\b\", Challenge=token, "
					   "STATE=abc-._~+/=, Basic realm=second"));
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_init("fuzz_www_authenticate");
	user = identification_create_from_string("carol@example.com");
	fuzz_seeds(write_seeds);
	return 0;
}

/**
 * Exactly sized NUL-terminated heap copy of part of the input
 */
static char *copy(const uint8_t *data, size_t len)
{
	char *str = malloc(len + 1);

	memcpy(str, data, len);
	str[len] = '\0';
	return str;
}

/**
 * Whether two optional strings are equal
 */
static bool same(char *a, char *b)
{
	return a == b || (a && b && streq(a, b));
}

/**
 * Encode a parsed challenge, parse it again, abort unless the same
 */
static void round_trip(getcert_http_challenge_t *parsed)
{
	getcert_http_challenge_t again;
	char *header;

	header = getcert_http_challenge_encode(parsed);
	if (!header || !getcert_http_challenge_parse(header, &again) ||
		!again.basic || !same(again.realm, parsed->realm) ||
		!same(again.challenge, parsed->challenge) ||
		!same(again.state, parsed->state))
	{
		abort();
	}
	getcert_http_challenge_free(&again);
	free(header);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	getcert_http_challenge_t parsed;
	getcert_http_auth_t *auth;
	const uint8_t *pos, *end = data + size, *nl;
	char *value, *header;
	getcert_err_t err;
	int i;

	value = copy(data, size);
	if (getcert_http_challenge_parse(value, &parsed))
	{
		if (parsed.realm)
		{
			fuzz_touch(chunk_from_str(parsed.realm));
		}
		if (parsed.challenge)
		{
			fuzz_touch(chunk_from_str(parsed.challenge));
		}
		if (parsed.state)
		{
			fuzz_touch(chunk_from_str(parsed.state));
		}
		fuzz_sink(parsed.basic);
		if (parsed.basic && parsed.realm)
		{
			round_trip(&parsed);
		}
		getcert_http_challenge_free(&parsed);
	}
	else if (parsed.realm || parsed.challenge || parsed.state)
	{	/* nothing must be left allocated on failure */
		abort();
	}

	auth = getcert_http_auth_create(user, get_secret, NULL, 2, 3);
	pos = data;
	for (i = 0; i < ROUNDS; i++)
	{
		nl = memchr(pos, '\n', end - pos);
		if (!nl)
		{
			nl = end;
		}
		header = nl > pos ? copy(pos, nl - pos) : NULL;
		err = auth->challenge(auth, header);
		free(header);
		if (err == GETCERT_OK)
		{
			if (!auth->get_authorization(auth))
			{
				abort();
			}
			fuzz_touch(chunk_from_str(auth->get_authorization(auth)));
			if (auth->get_state(auth))
			{
				fuzz_touch(chunk_from_str(auth->get_state(auth)));
			}
		}
		if (err != GETCERT_OK)
		{
			break;
		}
		if (nl == end)
		{	/* the last header repeats */
			continue;
		}
		pos = nl + 1;
	}
	auth->reset(auth);
	auth->destroy(auth);
	free(value);
	return 0;
}

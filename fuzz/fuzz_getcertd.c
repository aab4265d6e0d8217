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
 * libFuzzer target: getcertd's request handling, the way an HTTP request
 * reaches it from libmicrohttpd (method, path, operation, message, body,
 * Authorization), through SCEP parsing, policy, issuance and records
 * (in-memory SQLite), with the test fixtures as CA.
 *
 * Input: byte 0 selects operation (bits 0-1), POST (bit 2), path (bit 3-4),
 * an Authorization header (bit 5) and a GETCERT-State header (bit 6); the
 * rest is the body (POST) or the message parameter (GET), preceded by
 * "authorization\n" with bit 5 and "state\n" with bit 6. The headers also
 * go through getcertd_auth's strict parsers directly (no RADIUS here).
 */

#include "fuzz_common.h"

#include <getcertd_scep.h>
#include <getcertd_db.h>
#include <getcertd_auth.h>
#include <getcert_scep.h>

#include <unistd.h>

static getcertd_scep_t *scep;
static getcertd_db_t *db;

static void write_seeds(char *dir)
{
	chunk_t der, msg;

	der = fuzz_csr("CN=carol");
	msg = fuzz_scep_request(GETCERT_SCEP_PKCS_REQ, der, ENCR_AES_CBC, 128);
	/* POST PKIOperation on /scep, and on /manual/scep */
	fuzz_write_seed_free(dir, "post-pkcsreq",
			chunk_cat("cc", chunk_from_chars(0x06), msg));
	fuzz_write_seed_free(dir, "post-pkcsreq-manual",
			chunk_cat("cc", chunk_from_chars(0x0e), msg));
	chunk_free(&msg);
	chunk_free(&der);
	fuzz_write_seed(dir, "get-caps", chunk_from_chars(0x00));
	fuzz_write_seed(dir, "get-cacert", chunk_from_chars(0x01));
	fuzz_write_seed(dir, "get-pkiop-b64", chunk_from_str("\x02MIIB+/a="));
	fuzz_write_seed(dir, "auth-basic",
			chunk_from_str("\x26" "Basic Y2Fyb2w6cHc=\nbody"));
	fuzz_write_seed(dir, "auth-basic-state",
			chunk_from_str("\x66" "Basic Y2Fyb2w6cHc=\nAAECAw==\nbody"));
	fuzz_write_seed(dir, "auth-basic-nul",
			chunk_from_str("\x26" "Basic Y2Fyb2w6cAB3\nbody"));
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char conf[2048], *fixtures;

	fuzz_init("fuzz_getcertd");
	fixtures = getenv("FUZZ_FIXTURES") ?: FUZZ_FIXTURES_DIR;
	snprintf(conf, sizeof(conf),
		"fuzz_getcertd {\n"
		" ca {\n  cert = %s/ca.crt\n  key = %s/ca.key\n }\n"
		" policies {\n"
		"  plain {\n   path = /scep\n   subject = CN=%%u\n"
		"   san = %%u@example.org\n   auth = challenge\n"
		"   challenge_password = secret\n   allow_des = yes\n"
		"   min_rsa_bits = 1024\n  }\n"
		"  manual {\n   path = /manual/scep\n   subject = CN=%%u\n"
		"   auth = challenge\n   challenge_password = secret\n"
		"   approval = manual\n   min_rsa_bits = 1024\n  }\n"
		" }\n}\n", fixtures, fixtures);
	if (!lib->settings->load_string(lib->settings, conf, TRUE))
	{
		fprintf(stderr, "loading the configuration failed\n");
		exit(1);
	}
	db = getcertd_db_create("sqlite://:memory:");
	scep = db ? getcertd_scep_create(db) : NULL;
	if (!scep)
	{
		fprintf(stderr, "creating the getcertd service failed\n");
		exit(1);
	}
	fuzz_seeds(write_seeds);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char *ops[] = { "GetCACaps", "GetCACert", "PKIOperation",
						   "Bogus" };
	static char *paths[] = { "/scep", "/manual/scep", "/other", "/scep/" };
	getcertd_request_t request = {};
	getcertd_response_t response = {};
	chunk_t input = chunk_create((u_char*)data, size), rest;
	char *nl, *auth = NULL, *state = NULL, *message = NULL, *user = NULL;
	char *reason, buf[32];
	chunk_t password = chunk_empty, decoded = chunk_empty;
	u_char sel;

	if (!size)
	{
		return 0;
	}
	sel = input.ptr[0];
	rest = chunk_skip(input, 1);
	if ((sel & 0x20) && rest.len)
	{
		nl = memchr(rest.ptr, '\n', rest.len);
		if (nl)
		{
			auth = strndup(rest.ptr, nl - (char*)rest.ptr);
			rest = chunk_skip(rest, nl - (char*)rest.ptr + 1);
		}
	}
	if ((sel & 0x40) && rest.len)
	{
		nl = memchr(rest.ptr, '\n', rest.len);
		if (nl)
		{
			state = strndup(rest.ptr, nl - (char*)rest.ptr);
			rest = chunk_skip(rest, nl - (char*)rest.ptr + 1);
		}
	}
	if (auth)
	{
		if (getcertd_auth_parse_basic(auth, &user, &password, &reason) == 0)
		{	/* what reaches RADIUS: no control bytes, 1-128 bytes */
			if (!password.len || password.len > 128 ||
				memchr(password.ptr, '\0', password.len) || !*user)
			{
				abort();
			}
			getcertd_auth_sanitize(user, strlen(user), buf, sizeof(buf));
			free(user);
			chunk_clear(&password);
		}
	}
	if (state && getcertd_auth_parse_state(state, &decoded, &reason))
	{
		if (!decoded.len || decoded.len > GETCERTD_AUTH_MAX_STATE)
		{
			abort();
		}
		chunk_free(&decoded);
	}
	request.method = (sel & 0x04) ? "POST" : "GET";
	request.path = paths[(sel >> 3) & 0x03];
	request.operation = ops[sel & 0x03];
	if (sel & 0x04)
	{
		request.body = rest;
	}
	else
	{
		message = rest.len ? strndup(rest.ptr, rest.len) : strdup("");
		request.message = message;
	}
	request.authorization = auth;
	request.state = state;

	scep->handle(scep, &request, &response);
	if (!response.status)
	{	/* every request gets an answer */
		abort();
	}
	fuzz_touch(response.body);
	chunk_free(&response.body);
	free(response.www_authenticate);
	free(message);
	free(auth);
	free(state);
	return 0;
}

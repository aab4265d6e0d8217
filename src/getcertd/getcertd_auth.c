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

#include "getcertd_auth.h"
#include "getcertd_conf.h"
#include "getcertd_policy.h"
#include "getcertd_throttle.h"
#include "getcertd_radius.h"

#include <getcert_http_auth.h>
#include <getcert_settings.h>

#include <utils/debug.h>

typedef struct private_getcertd_auth_t private_getcertd_auth_t;

/**
 * Private data of a getcertd_auth_t object.
 */
struct private_getcertd_auth_t {

	/**
	 * Public interface.
	 */
	getcertd_auth_t public;

	/**
	 * RADIUS client, NULL if not configured.
	 */
	getcertd_radius_t *radius;

	/**
	 * Realm of the Basic challenges.
	 */
	char *realm;

	/**
	 * Seconds clients should wait when RADIUS is down.
	 */
	u_int retry_after;

	/**
	 * Failure counters and RADIUS concurrency.
	 */
	getcertd_throttle_t *throttle;

	/**
	 * Window of the failure counters, for the log.
	 */
	u_int window;
};

/**
 * Value of a base64 character, -1 if outside the alphabet
 */
static int b64_value(u_char c)
{
	if (c >= 'A' && c <= 'Z')
	{
		return c - 'A';
	}
	if (c >= 'a' && c <= 'z')
	{
		return c - 'a' + 26;
	}
	if (c >= '0' && c <= '9')
	{
		return c - '0' + 52;
	}
	if (c == '+')
	{
		return 62;
	}
	if (c == '/')
	{
		return 63;
	}
	return -1;
}

/*
 * Described in header
 */
bool getcertd_auth_base64(char *in, chunk_t *out)
{
	size_t len, i, pad = 0, pos = 0;
	uint32_t group;
	u_char *buf;
	int j, v;

	len = strlen(in);
	if (!len || len % 4)
	{
		return FALSE;
	}
	if (in[len - 1] == '=')
	{
		pad = in[len - 2] == '=' ? 2 : 1;
	}
	buf = malloc(len / 4 * 3);
	for (i = 0; i < len; i += 4)
	{
		group = 0;
		for (j = 0; j < 4; j++)
		{
			if (i + j >= len - pad)
			{	/* padding: unused bits of the last group must be zero */
				group <<= 6;
				continue;
			}
			v = b64_value(in[i + j]);
			if (v < 0)
			{
				memwipe(buf, len / 4 * 3);
				free(buf);
				return FALSE;
			}
			group = (group << 6) | v;
		}
		buf[pos++] = group >> 16;
		buf[pos++] = group >> 8;
		buf[pos++] = group;
	}
	if ((pad == 1 && (group & 0xff)) || (pad == 2 && (group & 0xffff)))
	{
		memwipe(buf, len / 4 * 3);
		free(buf);
		return FALSE;
	}
	*out = chunk_create(buf, pos - pad);
	return TRUE;
}

/**
 * Whether a chunk contains a control character (< 0x20, 0x7f, NUL)
 */
static bool has_control(chunk_t data)
{
	size_t i;

	for (i = 0; i < data.len; i++)
	{
		if (data.ptr[i] < 0x20 || data.ptr[i] == 0x7f)
		{
			return TRUE;
		}
	}
	return FALSE;
}

/*
 * Described in header
 */
u_int getcertd_auth_parse_basic(char *header, char **user, chunk_t *password,
								char **reason)
{
	chunk_t decoded, name, pw;
	u_char *colon;

	if (!header || !strncaseeq(header, "Basic", 5) || header[5] != ' ')
	{
		*reason = "no Basic credentials";
		return 401;
	}
	header += 5;
	while (*header == ' ')
	{
		header++;
	}
	if (!getcertd_auth_base64(header, &decoded))
	{
		*reason = "malformed Basic credentials (not strict base64)";
		return 400;
	}
	colon = memchr(decoded.ptr, ':', decoded.len);
	if (!colon)
	{
		chunk_clear(&decoded);
		*reason = "malformed Basic credentials (no ':')";
		return 400;
	}
	name = chunk_create(decoded.ptr, colon - decoded.ptr);
	pw = chunk_skip(decoded, name.len + 1);
	if (!name.len)
	{
		*reason = "empty user name";
	}
	else if (has_control(name))
	{
		*reason = "control character in the user name";
	}
	else if (has_control(pw))
	{
		*reason = "control character in the password";
	}
	else if (!pw.len)
	{
		*reason = "empty password";
	}
	else if (pw.len > GETCERTD_RADIUS_MAX_PASSWORD)
	{
		*reason = "password longer than 128 bytes (RFC 2865 5.2)";
	}
	else
	{
		*user = strndup(name.ptr, name.len);
		*password = chunk_clone(pw);
		chunk_clear(&decoded);
		return 0;
	}
	chunk_clear(&decoded);
	return 401;
}

/*
 * Described in header
 */
bool getcertd_auth_parse_state(char *header, chunk_t *state, char **reason)
{
	if (!getcertd_auth_base64(header, state))
	{
		*reason = "malformed GETCERT-State (not strict base64)";
		return FALSE;
	}
	if (state->len > GETCERTD_AUTH_MAX_STATE)
	{
		chunk_free(state);
		*reason = "GETCERT-State longer than 253 bytes";
		return FALSE;
	}
	return TRUE;
}

/*
 * Described in header
 */
char *getcertd_auth_sanitize(char *in, size_t len, char *buf, size_t size)
{
	size_t i;

	for (i = 0; i < len && i < size - 1; i++)
	{
		buf[i] = (in[i] >= 0x20 && in[i] < 0x7f) ? in[i] : '?';
	}
	buf[i] = '\0';
	if (i < len)
	{
		strcpy(buf + size - 4, "...");
	}
	return buf;
}

/**
 * Ask for credentials (401), optionally with a RADIUS challenge
 */
static void unauthorized(private_getcertd_auth_t *this, char **result,
						 getcertd_response_t *response,
						 getcertd_radius_reply_t *reply)
{
	getcert_http_challenge_t challenge = {
		.realm = this->realm,
	};
	chunk_t state = chunk_empty;

	response->status = 401;
	response->type = "text/plain";
	if (*result && !reply)
	{	/* why the credentials were not acceptable */
		response->body = chunk_cat("cc", chunk_from_str(*result),
								   chunk_from_chars('\n'));
	}
	else
	{
		response->body = chunk_clone(
							chunk_from_str("authentication required\n"));
	}
	if (reply && reply->state.len)
	{	/* relay the Reply-Message, base64 the State */
		state = chunk_to_base64(reply->state, NULL);
		challenge.challenge = reply->message ?: "";
		challenge.state = state.ptr;
	}
	response->www_authenticate = getcert_http_challenge_encode(&challenge);
	chunk_free(&state);
	if (challenge.state)
	{
		*result = "challenge";
		return;
	}
	*result = *result ?: "401";
}

/**
 * Create the RADIUS client from the settings, if servers are configured
 */
static bool load_radius(private_getcertd_auth_t *this)
{
	enumerator_t *enumerator;
	getcertd_radius_server_t servers[16];
	char *name, *secret;
	uint64_t port, timeout, retransmit;
	double backoff;
	u_int count = 0;

	enumerator = lib->settings->create_section_enumerator(lib->settings,
											"%s.radius.servers", lib->ns);
	while (enumerator->enumerate(enumerator, &name) &&
		   count < countof(servers))
	{
		secret = lib->settings->get_str(lib->settings,
					"%s.radius.servers.%s.secret", NULL, lib->ns, name);
		if (!getcert_settings_number(lib->settings, "", 1812, 1, 65535,
					&port, "%s.radius.servers.%s.port", lib->ns, name))
		{
			enumerator->destroy(enumerator);
			return FALSE;
		}
		servers[count] = (getcertd_radius_server_t){
			.address = lib->settings->get_str(lib->settings,
					"%s.radius.servers.%s.address", NULL, lib->ns, name),
			.port = port,
			.secret = chunk_from_str(secret ?: ""),
		};
		if (!servers[count].address || !secret)
		{
			DBG1(DBG_APP, "%s.radius.servers.%s needs address and secret",
				 lib->ns, name);
			enumerator->destroy(enumerator);
			return FALSE;
		}
		count++;
	}
	enumerator->destroy(enumerator);
	if (!count)
	{
		return TRUE;
	}
	if (!getcert_settings_number(lib->settings, "", 1000, 1, 600000,
					&timeout, "%s.radius.timeout", lib->ns) ||
		!getcert_settings_number(lib->settings, "", 2, 0, 10,
					&retransmit, "%s.radius.retransmit", lib->ns) ||
		!getcert_settings_fraction(lib->settings, "", 2.0, 1.0, 10.0,
					&backoff, "%s.radius.backoff", lib->ns))
	{
		return FALSE;
	}
	this->radius = getcertd_radius_create(servers, count,
				lib->settings->get_str(lib->settings,
						"%s.radius.nas_identifier", "getcertd", lib->ns),
				timeout, retransmit, backoff);
	return this->radius != NULL;
}

METHOD(getcertd_auth_t, available, bool,
	private_getcertd_auth_t *this)
{
	return this->radius != NULL;
}

/**
 * Refuse a request with a status and Retry-After, the reason as body
 */
static void refuse(char **result, char *reason, getcertd_response_t *response,
				   u_int status, u_int retry_after)
{
	*result = reason;
	response->status = status;
	response->type = "text/plain";
	response->body = chunk_cat("cc", chunk_from_str(reason),
							   chunk_from_chars('\n'));
	response->retry_after = retry_after;
}

/**
 * Ask RADIUS, within the concurrency and rate limits
 */
static bool ask_radius(private_getcertd_auth_t *this, char *user,
					   chunk_t password, chunk_t state, char *client,
					   char **result, getcertd_response_t *response)
{
	getcertd_radius_reply_t reply = {};
	getcertd_radius_result_t res;
	u_int retry_after;

	switch (this->throttle->acquire(this->throttle, client, &retry_after))
	{
		case GETCERTD_THROTTLE_OK:
			break;
		case GETCERTD_THROTTLE_CONCURRENT:
			DBG1(DBG_APP, "throttled: user=%s client=%s (too many "
				 "concurrent logins)", user, client);
			refuse(result, "too many concurrent logins", response, 429,
				   retry_after);
			return FALSE;
		case GETCERTD_THROTTLE_BUSY:
			DBG1(DBG_APP, "RADIUS busy: user=%s client=%s", user, client);
			refuse(result, "RADIUS busy", response, 503,
				   max(retry_after, 1));
			return FALSE;
		case GETCERTD_THROTTLE_RATE:
		default:
			DBG1(DBG_APP, "RADIUS rate limit: user=%s client=%s", user,
				 client);
			refuse(result, "RADIUS rate limit", response, 503, retry_after);
			return FALSE;
	}
	res = this->radius->authenticate(this->radius, user, password, state,
									 streq(client, "-") ? NULL : client,
									 &reply);
	this->throttle->release(this->throttle, client);
	switch (res)
	{
		case GETCERTD_RADIUS_ACCEPT:
			this->throttle->success(this->throttle, user, client);
			getcertd_radius_reply_free(&reply);
			return TRUE;
		case GETCERTD_RADIUS_CHALLENGE:
			unauthorized(this, result, response, &reply);
			break;
		case GETCERTD_RADIUS_REJECT:
			this->throttle->failure(this->throttle, user, client);
			*result = "rejected by RADIUS";
			unauthorized(this, result, response, NULL);
			break;
		case GETCERTD_RADIUS_TIMEOUT:
			*result = "RADIUS unreachable";
			getcertd_response_plain(response, 503,
									"authentication service unavailable\n");
			response->retry_after = this->retry_after;
			break;
		default:
			/* the inputs were checked, this is a local failure */
			*result = "RADIUS request failed";
			getcertd_response_plain(response, 500,
									"authentication failed\n");
			break;
	}
	getcertd_radius_reply_free(&reply);
	return FALSE;
}

METHOD(getcertd_auth_t, authenticate, bool,
	private_getcertd_auth_t *this, getcertd_request_t *request, char **user,
	char **result, getcertd_response_t *response)
{
	chunk_t password = chunk_empty, state = chunk_empty;
	char client[64] = "-", name[68], *reason = NULL;
	u_int status, failures = 0, retry_after = 0;
	bool ok;

	if (request->client)
	{
		snprintf(client, sizeof(client), "%H", request->client);
	}
	if (!request->authorization)
	{
		unauthorized(this, result, response, NULL);
		return FALSE;
	}
	status = getcertd_auth_parse_basic(request->authorization, user,
									   &password, &reason);
	if (status)
	{
		*result = reason;
		if (status == 401)
		{
			unauthorized(this, result, response, NULL);
		}
		else
		{
			refuse(result, reason, response, status, 0);
		}
		return FALSE;
	}
	if (!getcertd_policy_valid_user(*user))
	{
		DBG1(DBG_APP, "refused user name '%s' from %s",
			 getcertd_auth_sanitize(*user, strlen(*user), name, sizeof(name)),
			 client);
		*result = "invalid user name";
		unauthorized(this, result, response, NULL);
		free(*user);
		*user = NULL;
		chunk_clear(&password);
		return FALSE;
	}
	if (request->state &&
		!getcertd_auth_parse_state(request->state, &state, &reason))
	{
		*result = reason;
		unauthorized(this, result, response, NULL);
		chunk_clear(&password);
		return FALSE;
	}
	if (!this->throttle->check(this->throttle, *user, client, &failures,
							   &retry_after))
	{
		DBG1(DBG_APP, "throttled: user=%s client=%s (%u failures in %u s)",
			 *user, client, failures, this->window);
		refuse(result, "too many failed logins, try again later", response,
			   429, retry_after);
		chunk_clear(&password);
		chunk_free(&state);
		return FALSE;
	}
	ok = ask_radius(this, *user, password, state, client, result, response);
	chunk_clear(&password);
	chunk_free(&state);
	return ok;
}

METHOD(getcertd_auth_t, destroy, void,
	private_getcertd_auth_t *this)
{
	DESTROY_IF(this->radius);
	DESTROY_IF(this->throttle);
	free(this->realm);
	free(this);
}

/*
 * Described in header
 */
getcertd_auth_t *getcertd_auth_create(getcertd_db_t *db)
{
	private_getcertd_auth_t *this;
	getcertd_throttle_conf_t conf;

	INIT(this,
		.public = {
			.available = _available,
			.authenticate = _authenticate,
			.destroy = _destroy,
		},
		.realm = strdup(lib->settings->get_str(lib->settings, "%s.realm",
											   "getcert", lib->ns)),
	);

	if (!getcertd_conf_retry_after(&this->retry_after) ||
		!load_radius(this) || !getcertd_throttle_conf_load(&conf))
	{
		destroy(this);
		return NULL;
	}
	this->window = conf.window;
	conf.shared = db && db->is_shared(db) ? db : NULL;
	this->throttle = getcertd_throttle_create(&conf);
	return &this->public;
}

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

#define _GNU_SOURCE /* asprintf */
#include <stdio.h>

#include "getcertd_auth.h"
#include "getcertd_policy.h"

#include <getcert_radius.h>

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
	getcert_radius_t *radius;

	/**
	 * Realm of the Basic challenges.
	 */
	char *realm;

	/**
	 * Seconds clients should wait when RADIUS is down.
	 */
	u_int retry_after;
};

/**
 * Decode HTTP Basic credentials
 */
static bool basic_credentials(char *header, char **user, chunk_t *password)
{
	chunk_t decoded;
	char *colon;

	if (!header || !strncaseeq(header, "Basic ", 6))
	{
		return FALSE;
	}
	decoded = chunk_from_base64(chunk_from_str(header + 6), NULL);
	colon = memchr(decoded.ptr, ':', decoded.len);
	if (!colon || colon == (char*)decoded.ptr)
	{
		chunk_clear(&decoded);
		return FALSE;
	}
	*user = strndup(decoded.ptr, colon - (char*)decoded.ptr);
	*password = chunk_clone(chunk_create(colon + 1,
						decoded.len - (colon + 1 - (char*)decoded.ptr)));
	chunk_clear(&decoded);
	return TRUE;
}

/**
 * Ask for credentials (401), optionally with a RADIUS challenge
 */
static void unauthorized(private_getcertd_auth_t *this, char **result,
						 getcertd_response_t *response,
						 getcert_radius_reply_t *reply)
{
	chunk_t state;
	char *text, *dst, *src;

	response->status = 401;
	response->type = "text/plain";
	response->body = chunk_clone(chunk_from_str("authentication required\n"));
	if (reply && reply->state.len)
	{	/* quote the challenge text, base64 the state */
		src = reply->message ?: "";
		text = dst = malloc(strlen(src) * 2 + 1);
		for (; *src; src++)
		{
			if (*src == '"' || *src == '\\')
			{
				*dst++ = '\\';
			}
			*dst++ = *src;
		}
		*dst = '\0';
		state = chunk_to_base64(reply->state, NULL);
		if (asprintf(&response->www_authenticate, "Basic realm=\"%s\", "
					 "challenge=\"%s\", state=\"%.*s\"", this->realm,
					 text, (int)state.len, state.ptr) < 0)
		{
			response->www_authenticate = NULL;
		}
		free(text);
		chunk_free(&state);
		*result = "challenge";
		return;
	}
	if (asprintf(&response->www_authenticate, "Basic realm=\"%s\"",
				 this->realm) < 0)
	{
		response->www_authenticate = NULL;
	}
	*result = *result ?: "401";
}

/**
 * Create the RADIUS client from the settings, if servers are configured
 */
static bool load_radius(private_getcertd_auth_t *this)
{
	enumerator_t *enumerator;
	getcert_radius_server_t servers[16];
	char *name, *secret;
	u_int count = 0;

	enumerator = lib->settings->create_section_enumerator(lib->settings,
											"%s.radius.servers", lib->ns);
	while (enumerator->enumerate(enumerator, &name) &&
		   count < countof(servers))
	{
		secret = lib->settings->get_str(lib->settings,
					"%s.radius.servers.%s.secret", NULL, lib->ns, name);
		servers[count] = (getcert_radius_server_t){
			.address = lib->settings->get_str(lib->settings,
					"%s.radius.servers.%s.address", NULL, lib->ns, name),
			.port = lib->settings->get_int(lib->settings,
					"%s.radius.servers.%s.port", 1812, lib->ns, name),
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
	this->radius = getcert_radius_create(servers, count,
				lib->settings->get_str(lib->settings,
						"%s.radius.nas_identifier", "getcertd", lib->ns),
				lib->settings->get_int(lib->settings,
						"%s.radius.timeout", 1000, lib->ns),
				lib->settings->get_int(lib->settings,
						"%s.radius.retransmit", 2, lib->ns),
				lib->settings->get_double(lib->settings,
						"%s.radius.backoff", 2.0, lib->ns));
	return this->radius != NULL;
}

METHOD(getcertd_auth_t, available, bool,
	private_getcertd_auth_t *this)
{
	return this->radius != NULL;
}

METHOD(getcertd_auth_t, authenticate, bool,
	private_getcertd_auth_t *this, getcertd_request_t *request, char **user,
	char **result, getcertd_response_t *response)
{
	getcert_radius_reply_t reply = {};
	getcert_radius_result_t res;
	chunk_t password, state = chunk_empty;
	char client[64] = "";

	if (!request->authorization)
	{
		unauthorized(this, result, response, NULL);
		return FALSE;
	}
	if (!basic_credentials(request->authorization, user, &password))
	{
		*result = "malformed Authorization";
		unauthorized(this, result, response, NULL);
		return FALSE;
	}
	if (!getcertd_policy_valid_user(*user))
	{
		*result = "invalid user name";
		unauthorized(this, result, response, NULL);
		free(*user);
		*user = NULL;
		chunk_clear(&password);
		return FALSE;
	}
	if (request->state)
	{
		state = chunk_from_base64(chunk_from_str(request->state), NULL);
	}
	if (request->client)
	{
		snprintf(client, sizeof(client), "%H", request->client);
	}
	res = this->radius->authenticate(this->radius, *user, password, state,
									 client, &reply);
	chunk_clear(&password);
	chunk_free(&state);
	switch (res)
	{
		case GETCERT_RADIUS_ACCEPT:
			getcert_radius_reply_free(&reply);
			return TRUE;
		case GETCERT_RADIUS_CHALLENGE:
			unauthorized(this, result, response, &reply);
			break;
		case GETCERT_RADIUS_REJECT:
			*result = "rejected by RADIUS";
			unauthorized(this, result, response, NULL);
			break;
		default:
			*result = "RADIUS unreachable";
			getcertd_response_plain(response, 503,
									"authentication service unavailable\n");
			response->retry_after = this->retry_after;
			break;
	}
	getcert_radius_reply_free(&reply);
	return FALSE;
}

METHOD(getcertd_auth_t, destroy, void,
	private_getcertd_auth_t *this)
{
	DESTROY_IF(this->radius);
	free(this->realm);
	free(this);
}

/*
 * Described in header
 */
getcertd_auth_t *getcertd_auth_create()
{
	private_getcertd_auth_t *this;

	INIT(this,
		.public = {
			.available = _available,
			.authenticate = _authenticate,
			.destroy = _destroy,
		},
		.realm = strdup(lib->settings->get_str(lib->settings, "%s.realm",
											   "getcert", lib->ns)),
		.retry_after = lib->settings->get_time(lib->settings,
											   "%s.retry_after", 10, lib->ns),
	);

	if (!load_radius(this))
	{
		destroy(this);
		return NULL;
	}
	return &this->public;
}

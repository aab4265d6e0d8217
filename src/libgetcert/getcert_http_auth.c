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

#include "getcert_http_auth.h"

#include <ctype.h>

#include <utils/debug.h>

/**
 * RFC 7230 tchar
 */
static bool is_tchar(char c)
{
	return isalnum(c) || (c && strchr("!#$%&'*+-.^_`|~", c));
}

/**
 * Skip optional white space
 */
static void skip_ws(char **pos)
{
	while (**pos == ' ' || **pos == '\t')
	{
		(*pos)++;
	}
}

/**
 * Read a token, returns its length
 */
static int read_token(char **pos, char **start)
{
	*start = *pos;
	while (is_tchar(**pos))
	{
		(*pos)++;
	}
	return *pos - *start;
}

/**
 * Read a token or quoted-string value into an allocated string
 */
static char *read_value(char **pos)
{
	char *start, *out, *dst;
	int len;

	if (**pos != '"')
	{
		len = read_token(pos, &start);
		return len ? strndup(start, len) : NULL;
	}
	(*pos)++;
	out = dst = malloc(strlen(*pos) + 1);
	while (**pos && **pos != '"')
	{
		if (**pos == '\\')
		{
			(*pos)++;
			if (!**pos)
			{
				break;
			}
		}
		if (iscntrl(**pos) && **pos != '\t')
		{
			break;
		}
		*dst++ = *(*pos)++;
	}
	if (**pos != '"')
	{
		free(out);
		return NULL;
	}
	(*pos)++;
	*dst = '\0';
	return out;
}

/**
 * Check a state value: token68 characters only
 */
static bool valid_state(char *state)
{
	if (strlen(state) > GETCERT_HTTP_MAX_STATE)
	{
		return FALSE;
	}
	for (; *state; state++)
	{
		if (!isalnum(*state) && !strchr("-._~+/=", *state))
		{
			return FALSE;
		}
	}
	return TRUE;
}

/*
 * Described in header
 */
void getcert_http_challenge_free(getcert_http_challenge_t *challenge)
{
	free(challenge->realm);
	free(challenge->challenge);
	free(challenge->state);
	*challenge = (getcert_http_challenge_t){};
}

/**
 * Check whether a token68 follows (token, '=' padding, then ',' or end),
 * skip it if so
 */
static bool skip_token68(char **pos)
{
	char *p = *pos, *start;

	skip_ws(&p);
	if (!read_token(&p, &start))
	{
		return FALSE;
	}
	while (*p == '=')
	{
		p++;
	}
	skip_ws(&p);
	if (*p && *p != ',')
	{	/* an auth-param, name=value */
		return FALSE;
	}
	*pos = p;
	return TRUE;
}

/*
 * Described in header
 */
bool getcert_http_challenge_parse(char *value, getcert_http_challenge_t *out)
{
	char *pos = value, *name, **target, *val;
	bool in_basic = FALSE, seen_basic = FALSE;
	int len;

	*out = (getcert_http_challenge_t){};
	while (TRUE)
	{
		skip_ws(&pos);
		while (*pos == ',')
		{
			pos++;
			skip_ws(&pos);
		}
		if (!*pos)
		{
			break;
		}
		len = read_token(&pos, &name);
		if (!len)
		{
			goto error;
		}
		skip_ws(&pos);
		if (*pos == '=')
		{	/* auth-param of the current scheme */
			pos++;
			skip_ws(&pos);
			val = read_value(&pos);
			if (!val)
			{
				goto error;
			}
			target = NULL;
			if (in_basic)
			{
				if (len == 5 && strncaseeq(name, "realm", 5))
				{
					target = &out->realm;
				}
				else if (len == 9 && strncaseeq(name, "challenge", 9))
				{
					target = &out->challenge;
				}
				else if (len == 5 && strncaseeq(name, "state", 5))
				{
					target = &out->state;
				}
			}
			if (target && !*target)
			{
				*target = val;
			}
			else
			{	/* unknown, other scheme's or repeated: ignored */
				free(val);
			}
			continue;
		}
		/* a new challenge starts with its scheme, maybe with a token68 */
		in_basic = len == 5 && strncaseeq(name, "Basic", 5) && !seen_basic;
		seen_basic |= in_basic;
		if (skip_token68(&pos) && in_basic)
		{	/* Basic challenges carry auth-params only */
			goto error;
		}
	}
	out->basic = seen_basic;
	if ((out->challenge &&
		 strlen(out->challenge) > GETCERT_HTTP_MAX_CHALLENGE) ||
		(out->state && !valid_state(out->state)))
	{
		goto error;
	}
	return TRUE;

error:
	getcert_http_challenge_free(out);
	return FALSE;
}

/**
 * Write an auth-param with a quoted-string value to pos, advance pos
 */
static void write_param(char **pos, char *name, char *value)
{
	char *dst = *pos;

	dst += sprintf(dst, "%s=\"", name);
	for (; *value; value++)
	{
		if (*value == '"' || *value == '\\')
		{
			*dst++ = '\\';
		}
		if (iscntrl((u_char)*value) && *value != '\t')
		{	/* the parser refuses them, even escaped */
			*dst++ = '?';
			continue;
		}
		*dst++ = *value;
	}
	*dst++ = '"';
	*dst = '\0';
	*pos = dst;
}

/*
 * Described in header
 */
char *getcert_http_challenge_encode(getcert_http_challenge_t *challenge)
{
	char *out, *pos;
	size_t len;

	if (!challenge->realm ||
		(challenge->challenge &&
		 strlen(challenge->challenge) > GETCERT_HTTP_MAX_CHALLENGE) ||
		(challenge->state && !valid_state(challenge->state)))
	{
		return NULL;
	}
	/* every character escaped at worst, plus names, quotes and commas */
	len = 2 * (strlen(challenge->realm) +
			   strlen(challenge->challenge ?: "") +
			   strlen(challenge->state ?: "")) + 64;
	out = pos = malloc(len);
	pos += sprintf(pos, "Basic ");
	write_param(&pos, "realm", challenge->realm);
	if (challenge->challenge)
	{
		pos += sprintf(pos, ", ");
		write_param(&pos, "challenge", challenge->challenge);
	}
	if (challenge->state)
	{
		pos += sprintf(pos, ", ");
		write_param(&pos, "state", challenge->state);
	}
	return out;
}

typedef struct private_getcert_http_auth_t private_getcert_http_auth_t;

/**
 * Private data of a getcert_http_auth_t object.
 */
struct private_getcert_http_auth_t {

	/**
	 * Public interface.
	 */
	getcert_http_auth_t public;

	/**
	 * User name.
	 */
	identification_t *user;

	/**
	 * Credential callback and its data.
	 */
	getcert_credential_cb_t cb;
	void *data;

	/**
	 * Limits.
	 */
	u_int max_tries;
	u_int max_rounds;

	/**
	 * Passwords asked so far, challenges answered so far.
	 */
	u_int tries;
	u_int rounds;

	/**
	 * Whether the credentials in authorization answered a challenge.
	 */
	bool answered_challenge;

	/**
	 * Authorization header value, wiped on change.
	 */
	char *authorization;

	/**
	 * GETCERT-State header value.
	 */
	char *state;
};

/**
 * Wipe and free the current credentials
 */
static void forget(private_getcert_http_auth_t *this)
{
	if (this->authorization)
	{
		memwipe(this->authorization, strlen(this->authorization));
		free(this->authorization);
		this->authorization = NULL;
	}
	free(this->state);
	this->state = NULL;
}

/**
 * Ask the callback and build the Authorization header
 */
static getcert_err_t ask(private_getcert_http_auth_t *this, char *challenge,
						 u_int attempt, level_t level)
{
	chunk_t secret = chunk_empty, plain, b64;
	char user[256];
	int len;

	len = snprintf(user, sizeof(user), "%Y", this->user);
	if (len <= 0 || len >= sizeof(user) || strchr(user, ':'))
	{
		DBG1(DBG_LIB, "HTTP auth: user name '%Y' can not be sent with Basic "
			 "authentication", this->user);
		return GETCERT_ERR_NO_CREDENTIALS;
	}
	if (!this->cb(this->data, this->user, challenge, attempt, &secret))
	{
		dbg(DBG_LIB, level, "HTTP auth: no %s%s available for '%Y'",
			 challenge ? "answer to the challenge" : "password",
			 attempt > 1 ? " other than the rejected one" : "", this->user);
		/* after a rejection the credentials were what failed */
		return attempt > 1 ? GETCERT_ERR_AUTH : GETCERT_ERR_NO_CREDENTIALS;
	}
	plain = chunk_cat("ccc", chunk_create(user, len), chunk_from_chars(':'),
					  secret);
	chunk_clear(&secret);
	b64 = chunk_to_base64(plain, NULL);
	chunk_clear(&plain);
	forget(this);
	this->authorization = malloc(b64.len + strlen("Basic ") + 1);
	sprintf(this->authorization, "Basic %.*s", (int)b64.len, b64.ptr);
	chunk_clear(&b64);
	return this->authorization ? GETCERT_OK : GETCERT_ERR_INTERNAL;
}

METHOD(getcert_http_auth_t, challenge, getcert_err_t,
	private_getcert_http_auth_t *this, char *header)
{
	getcert_http_challenge_t parsed;
	getcert_err_t err;
	char *state;

	if (!header || !getcert_http_challenge_parse(header, &parsed))
	{
		DBG1(DBG_LIB, "HTTP auth: 401 without a valid WWW-Authenticate "
			 "header");
		forget(this);
		return GETCERT_ERR_AUTH;
	}
	if (!parsed.basic)
	{
		DBG1(DBG_LIB, "HTTP auth: server does not offer Basic "
			 "authentication");
		getcert_http_challenge_free(&parsed);
		forget(this);
		return GETCERT_ERR_AUTH;
	}
	if (parsed.challenge)
	{
		if (++this->rounds > this->max_rounds)
		{
			DBG1(DBG_LIB, "HTTP auth: more than %u challenges, giving up",
				 this->max_rounds);
			getcert_http_challenge_free(&parsed);
			forget(this);
			return GETCERT_ERR_AUTH;
		}
		DBG1(DBG_LIB, "HTTP auth: server challenge for '%Y'", this->user);
		state = parsed.state;
		parsed.state = NULL;
		err = ask(this, parsed.challenge, 1, LEVEL_CTRL);
		/* the previous round's state, unless ask() forgot it already */
		free(this->state);
		this->state = state;
		this->answered_challenge = TRUE;
	}
	else
	{
		if (this->authorization)
		{
			DBG1(DBG_LIB, "HTTP auth: server rejected the %s of '%Y'",
				 this->answered_challenge ? "answer" : "password", this->user);
		}
		if (this->tries >= this->max_tries)
		{
			DBG1(DBG_LIB, "HTTP auth: giving up after %u rejected attempt%s, "
				 "to avoid locking the account", this->tries,
				 this->tries == 1 ? "" : "s");
			getcert_http_challenge_free(&parsed);
			forget(this);
			return GETCERT_ERR_AUTH;
		}
		this->tries++;
		this->answered_challenge = FALSE;
		err = ask(this, NULL, this->tries, LEVEL_CTRL);
	}
	getcert_http_challenge_free(&parsed);
	if (err != GETCERT_OK)
	{
		forget(this);
	}
	return err;
}

METHOD(getcert_http_auth_t, preempt, bool,
	private_getcert_http_auth_t *this)
{
	if (this->authorization)
	{	/* sent already (after a 401 or pre-emptively) */
		return TRUE;
	}
	if (this->tries || this->rounds)
	{	/* a password was rejected or a challenge is pending: 401s lead */
		return FALSE;
	}
	if (ask(this, NULL, 1, LEVEL_DIAG) != GETCERT_OK)
	{
		forget(this);
		return FALSE;
	}
	this->tries = 1;
	this->answered_challenge = FALSE;
	DBG2(DBG_LIB, "HTTP auth: sending the password of '%Y' without "
		 "waiting for a 401", this->user);
	return TRUE;
}

METHOD(getcert_http_auth_t, get_authorization, char*,
	private_getcert_http_auth_t *this)
{
	return this->authorization;
}

METHOD(getcert_http_auth_t, get_state, char*,
	private_getcert_http_auth_t *this)
{
	return this->state;
}

METHOD(getcert_http_auth_t, reset, void,
	private_getcert_http_auth_t *this)
{
	forget(this);
	this->tries = 0;
	this->rounds = 0;
	this->answered_challenge = FALSE;
}

METHOD(getcert_http_auth_t, destroy, void,
	private_getcert_http_auth_t *this)
{
	forget(this);
	this->user->destroy(this->user);
	free(this);
}

/*
 * Described in header
 */
getcert_http_auth_t *getcert_http_auth_create(identification_t *user,
											  getcert_credential_cb_t cb,
											  void *data, u_int max_tries,
											  u_int max_rounds)
{
	private_getcert_http_auth_t *this;

	INIT(this,
		.public = {
			.challenge = _challenge,
			.preempt = _preempt,
			.get_authorization = _get_authorization,
			.get_state = _get_state,
			.reset = _reset,
			.destroy = _destroy,
		},
		.user = user->clone(user),
		.cb = cb,
		.data = data,
		.max_tries = max_tries,
		.max_rounds = max_rounds,
	);

	return &this->public;
}

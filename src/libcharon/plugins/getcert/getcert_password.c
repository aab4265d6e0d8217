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

#include "getcert_password.h"

#include <ctype.h>

#include <utils/debug.h>
#include <collections/linked_list.h>

/**
 * Longest challenge text shown in the log
 */
#define MAX_CHALLENGE_LEN 200

typedef struct private_getcert_password_t private_getcert_password_t;

/**
 * Private data of a getcert_password_t object.
 */
struct private_getcert_password_t {

	/**
	 * Public interface.
	 */
	getcert_password_t public;

	/**
	 * Profile.
	 */
	getcert_profile_t *profile;

	/**
	 * The server's identity (host of the URL), or NULL.
	 */
	identification_t *server;

	/**
	 * Secrets sent in this enrollment, chunk_t* (wiped).
	 */
	linked_list_t *sent;

	/**
	 * Secrets a failed enrollment sent, not sent again.
	 */
	getcert_secrets_t *rejected;
};

/*
 * Described in header
 */
identification_t *getcert_url_host(char *url)
{
	char *start, host[256];
	size_t len;

	start = strstr(url, "://");
	if (!start)
	{
		return NULL;
	}
	start += 3;
	if (*start == '[')
	{
		start++;
		len = strcspn(start, "]");
	}
	else
	{
		len = strcspn(start, ":/?#");
	}
	if (!len || len >= sizeof(host))
	{
		return NULL;
	}
	memcpy(host, start, len);
	host[len] = '\0';
	return identification_create_from_string(host);
}

/**
 * Wipe and free a sent secret
 */
static void sent_destroy(chunk_t *sent)
{
	chunk_clear(sent);
	free(sent);
}

/**
 * Whether a secret was already sent in this enrollment
 */
static bool was_sent(private_getcert_password_t *this, chunk_t secret)
{
	enumerator_t *enumerator;
	chunk_t *sent;
	bool found = FALSE;

	enumerator = this->sent->create_enumerator(this->sent);
	while (enumerator->enumerate(enumerator, &sent))
	{
		if (chunk_equals_const(*sent, secret))
		{
			found = TRUE;
			break;
		}
	}
	enumerator->destroy(enumerator);
	return found;
}

/**
 * Find a secret meant for the CA that was neither sent in this enrollment
 * nor rejected in a failed one: owned by the user, then, if the profile
 * says so, by the CA's host
 */
static bool find_new_secret(private_getcert_password_t *this,
							identification_t *user, shared_key_type_t type,
							chunk_t *secret)
{
	enumerator_t *enumerator;
	shared_key_t *shared;
	chunk_t key;
	bool found = FALSE, server_owned;
	int pass;

	server_owned = this->profile->get_opts(this->profile)->ca_secret_owner;
	for (pass = 0; !found && pass < (server_owned ? 2 : 1); pass++)
	{
		enumerator = getcert_secrets_create_enumerator(type, user,
												this->server, pass > 0);
		while (enumerator->enumerate(enumerator, &shared))
		{
			key = shared->get_key(shared);
			if (key.len && !was_sent(this, key) &&
				!this->rejected->contains(this->rejected, key))
			{
				*secret = chunk_clone(key);
				found = TRUE;
				break;
			}
		}
		enumerator->destroy(enumerator);
	}
	return found;
}

/**
 * Copy printable characters of a challenge for the log
 */
static void printable(char *in, char *out, size_t len)
{
	size_t i;

	for (i = 0; in[i] && i < len - 1; i++)
	{
		out[i] = isprint((u_char)in[i]) ? in[i] : '?';
	}
	out[i] = '\0';
}

METHOD(getcert_password_t, get_secret, bool,
	private_getcert_password_t *this, identification_t *user,
	char *challenge, u_int attempt, chunk_t *secret)
{
	char *name = this->profile->get_name(this->profile);
	char text[MAX_CHALLENGE_LEN + 1];
	chunk_t *sent;

	if (challenge)
	{
		printable(challenge, text, sizeof(text));
		DBG1(DBG_CFG, "getcert: profile '%s': the CA asks: %s", name, text);
		if (!find_new_secret(this, user, SHARED_EAP, secret) &&
			!find_new_secret(this, user, SHARED_PIN, secret))
		{
			DBG1(DBG_CFG, "getcert: profile '%s': no answer for '%Y' to the "
				 "CA's challenge", name, user);
			return FALSE;
		}
	}
	else if (!find_new_secret(this, user, SHARED_EAP, secret))
	{
		if (attempt > 1)
		{
			DBG1(DBG_CFG, "getcert: profile '%s': the CA rejected the "
				 "password of '%Y' and no other password is available",
				 name, user);
		}
		else
		{
			DBG1(DBG_CFG, "getcert: profile '%s': no password for '%Y' "
				 "(an EAP secret for it, or a prompt)", name, user);
		}
		return FALSE;
	}
	INIT(sent);
	*sent = chunk_clone(*secret);
	this->sent->insert_last(this->sent, sent);
	return TRUE;
}

METHOD(getcert_password_t, remember_sent, u_int,
	private_getcert_password_t *this)
{
	enumerator_t *enumerator;
	chunk_t *sent;
	u_int count = 0;

	enumerator = this->sent->create_enumerator(this->sent);
	while (enumerator->enumerate(enumerator, &sent))
	{
		this->rejected->add(this->rejected, *sent);
		count++;
	}
	enumerator->destroy(enumerator);
	return count;
}

METHOD(getcert_password_t, forget, void,
	private_getcert_password_t *this)
{
	chunk_t *sent;

	while (this->sent->remove_first(this->sent, (void**)&sent) == SUCCESS)
	{
		sent_destroy(sent);
	}
}

METHOD(getcert_password_t, destroy, void,
	private_getcert_password_t *this)
{
	this->sent->destroy_function(this->sent, (void*)sent_destroy);
	DESTROY_IF(this->server);
	free(this);
}

/*
 * Described in header
 */
getcert_password_t *getcert_password_create(getcert_profile_t *profile,
											getcert_secrets_t *rejected)
{
	private_getcert_password_t *this;

	INIT(this,
		.public = {
			.get_secret = _get_secret,
			.remember_sent = _remember_sent,
			.forget = _forget,
			.destroy = _destroy,
		},
		.profile = profile,
		.server = getcert_url_host(profile->get_url(profile)),
		.sent = linked_list_create(),
		.rejected = rejected,
	);
	return &this->public;
}

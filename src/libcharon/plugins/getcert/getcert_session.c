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

#include "getcert_session.h"

typedef struct private_getcert_session_t private_getcert_session_t;

/**
 * Private data of a getcert_session_t object.
 */
struct private_getcert_session_t {

	/**
	 * Public interface.
	 */
	getcert_session_t public;

	/**
	 * Profile the session was created for.
	 */
	getcert_profile_t *profile;

	/**
	 * Client, kept between enrollments: its transport keeps the
	 * connection, its engine the CA, RAs and caps.
	 */
	getcert_client_t *client;

	/**
	 * Password source of the session.
	 */
	getcert_password_t *password;

	/**
	 * The profile's pre-generated key, or NULL.
	 */
	getcert_nextkey_t *nextkey;
};

/**
 * Credential callback of the session's transport: the password source
 * answers
 */
static bool credential_cb(private_getcert_session_t *this,
						  identification_t *user, char *challenge,
						  u_int attempt, chunk_t *secret)
{
	return this->password->get_secret(this->password, user, challenge,
									  attempt, secret);
}

METHOD(getcert_session_t, is_for, bool,
	private_getcert_session_t *this, getcert_profile_t *profile)
{
	return this->profile == profile;
}

METHOD(getcert_session_t, get_client, getcert_client_t*,
	private_getcert_session_t *this)
{
	return this->client;
}

METHOD(getcert_session_t, get_password, getcert_password_t*,
	private_getcert_session_t *this)
{
	return this->password;
}

/**
 * Whether the plugin generates keys of a type and size
 */
static bool key_supported(getcert_key_spec_t *spec)
{
	switch (spec->type)
	{
		case KEY_RSA:
			return spec->bits == 2048 || spec->bits == 3072 ||
				   spec->bits == 4096;
		case KEY_ECDSA:
			return spec->bits == 256 || spec->bits == 384 ||
				   spec->bits == 521;
		case KEY_ED25519:
			return TRUE;
		default:
			return FALSE;
	}
}

METHOD(getcert_session_t, generate_key, getcert_err_t,
	private_getcert_session_t *this, certificate_t *current,
	private_key_t *current_key, private_key_t **key)
{
	getcert_est_enroll_t *est;
	getcert_key_spec_t spec = {
		.type = this->profile->get_key_type(this->profile),
		.bits = this->profile->get_key_size(this->profile),
	};
	getcert_err_t err;

	*key = NULL;
	est = this->client->get_est(this->client);
	if (est)
	{
		/* with the current pair, the engine sets up TLS client auth before
		 * its first request: /cacerts, /csrattrs and /simplereenroll share
		 * one connection */
		err = est->get_key_spec(est, current, current_key, &spec);
		if (err != GETCERT_OK)
		{
			return err;
		}
		/* what the server leaves open: the defaults */
		if (spec.type == KEY_RSA && !spec.bits)
		{
			spec.bits = GETCERT_KEY_SIZE_DEFAULT;
		}
		if (spec.type == KEY_ECDSA && !spec.bits)
		{
			spec.bits = 256;
		}
		if (!key_supported(&spec))
		{
			DBG1(DBG_CFG, "getcert: profile '%s': the EST server asks for a "
				 "%N key of %u bits, outside what the profile allows (RSA "
				 "2048/3072/4096, ECDSA P-256/P-384/P-521): refused",
				 this->profile->get_name(this->profile), key_type_names,
				 spec.type, spec.bits);
			return GETCERT_ERR_POLICY;
		}
	}
	if (this->nextkey)
	{
		*key = this->nextkey->take(this->nextkey, spec.type, spec.bits);
		if (*key)
		{
			DBG2(DBG_CFG, "getcert: profile '%s': using the %N key of %u "
				 "bits generated ahead", this->profile->get_name(this->profile),
				 key_type_names, spec.type, spec.bits);
			return GETCERT_OK;
		}
	}
	if (spec.type == KEY_ED25519)
	{
		*key = lib->creds->create(lib->creds, CRED_PRIVATE_KEY, KEY_ED25519,
								  BUILD_END);
	}
	else
	{
		*key = lib->creds->create(lib->creds, CRED_PRIVATE_KEY, spec.type,
								  BUILD_KEY_SIZE, spec.bits, BUILD_END);
	}
	if (!*key)
	{
		DBG1(DBG_CFG, "getcert: profile '%s': generating a %N key of %u bits "
			 "failed (is a plugin generating them loaded?)",
			 this->profile->get_name(this->profile), key_type_names,
			 spec.type, spec.bits);
		return GETCERT_ERR_INTERNAL;
	}
	return GETCERT_OK;
}

/**
 * Enroll with a key the EST server generates (/serverkeygen)
 */
static getcert_err_t enroll_keygen(private_getcert_session_t *this,
								   getcert_est_enroll_t *est,
								   certificate_t *current,
								   private_key_t *current_key,
								   private_key_t **key, certificate_t **cert)
{
	getcert_key_spec_t spec = {
		.type = this->profile->get_key_type(this->profile),
		.bits = this->profile->get_key_size(this->profile),
	};
	getcert_err_t err;

	/* the engine meets /csrattrs and the profile's policy, asks for the
	 * key encrypted to an ephemeral key of the request, and, on renewal,
	 * authenticates TLS with the current pair */
	err = est->enroll_keygen(est, &spec, current, current_key, key, cert);
	if (err != GETCERT_OK)
	{
		return err;
	}
	if (!key_supported(&spec))
	{
		DBG1(DBG_CFG, "getcert: profile '%s': the EST server generated a "
			 "%N key of %u bits, outside what the profile allows (RSA "
			 "2048/3072/4096, ECDSA P-256/P-384/P-521): refused",
			 this->profile->get_name(this->profile), key_type_names,
			 spec.type, spec.bits);
		(*key)->destroy(*key);
		(*cert)->destroy(*cert);
		*key = NULL;
		*cert = NULL;
		return GETCERT_ERR_POLICY;
	}
	DBG1(DBG_CFG, "getcert: profile '%s': the EST server generated the "
		 "%N key of %u bits", this->profile->get_name(this->profile),
		 key_type_names, spec.type, spec.bits);
	return GETCERT_OK;
}

METHOD(getcert_session_t, enroll, getcert_err_t,
	private_getcert_session_t *this, certificate_t *current,
	private_key_t *current_key, private_key_t **key, certificate_t **cert)
{
	getcert_enroll_t *engine;
	getcert_est_enroll_t *est;
	getcert_err_t err;

	*key = NULL;
	*cert = NULL;
	if (this->profile->server_keygen(this->profile))
	{
		est = this->client->get_est(this->client);
		if (!est)
		{	/* the profile refuses server_keygen without protocol = est */
			return GETCERT_ERR_INTERNAL;
		}
		return enroll_keygen(this, est, current, current_key, key, cert);
	}
	err = generate_key(this, current, current_key, key);
	if (err != GETCERT_OK)
	{
		return err;
	}
	engine = this->client->get_engine(this->client);
	err = engine->enroll(engine, *key, current, current_key, cert);
	if (err != GETCERT_OK)
	{
		(*key)->destroy(*key);
		*key = NULL;
	}
	return err;
}

METHOD(getcert_session_t, forget, void,
	private_getcert_session_t *this)
{
	getcert_curl_t *curl;

	curl = this->client->get_curl(this->client);
	curl->forget(curl);
	this->password->forget(this->password);
}

METHOD(getcert_session_t, destroy, void,
	private_getcert_session_t *this)
{
	DESTROY_IF(this->client);
	DESTROY_IF(this->nextkey);
	this->password->destroy(this->password);
	this->profile->destroy(this->profile);
	free(this);
}

/*
 * Described in header
 */
getcert_session_t *getcert_session_create(getcert_profile_t *profile,
										  getcert_secrets_t *rejected,
										  getcert_client_constructor_t client,
										  getcert_nextkey_t *nextkey)
{
	private_getcert_session_t *this;
	getcert_profile_opts_t *opts = profile->get_opts(profile);
	getcert_client_params_t params = {
		.protocol = profile->get_protocol(profile),
		.url = profile->get_url(profile),
		.est_label = profile->get_est_label(profile),
		.allow_http = profile->allows_plain_http(profile),
		.identity = profile->get_identity(profile),
		.ca_cert = profile->get_ca_cert(profile),
		.ca_fingerprint = profile->get_ca_fingerprint(profile),
		.ra_fingerprints = profile->get_ra_fingerprints(profile),
		.tls_ca = profile->get_tls_ca(profile),
		.tls_pin = profile->get_tls_pin(profile),
		.allow_sha1 = opts->allow_sha1,
		.allow_des3 = opts->allow_des3,
		.allow_des = opts->allow_des,
		.user = profile->get_user(profile),
		.cb = (getcert_credential_cb_t)credential_cb,
		.max_tries = opts->max_tries,
		.preemptive_auth = opts->preemptive_auth,
		.connect_timeout = opts->timeout,
		.timeout = opts->timeout,
		.low_speed_time = opts->timeout,
		.poll_timeout = opts->timeout,
	};

	INIT(this,
		.public = {
			.is_for = _is_for,
			.get_client = _get_client,
			.get_password = _get_password,
			.generate_key = _generate_key,
			.enroll = _enroll,
			.forget = _forget,
			.destroy = _destroy,
		},
		.profile = profile->get_ref(profile),
		.password = getcert_password_create(profile, rejected),
		.nextkey = nextkey ? nextkey->get_ref(nextkey) : NULL,
	);
	params.data = this;
	this->client = client(&params);
	if (!this->client)
	{
		destroy(this);
		return NULL;
	}
	return &this->public;
}

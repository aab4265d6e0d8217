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
	this->password->destroy(this->password);
	this->profile->destroy(this->profile);
	free(this);
}

/*
 * Described in header
 */
getcert_session_t *getcert_session_create(getcert_profile_t *profile,
										  getcert_secrets_t *rejected,
										  getcert_client_constructor_t client)
{
	private_getcert_session_t *this;
	getcert_profile_opts_t *opts = profile->get_opts(profile);
	getcert_client_params_t params = {
		.url = profile->get_url(profile),
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
			.forget = _forget,
			.destroy = _destroy,
		},
		.profile = profile->get_ref(profile),
		.password = getcert_password_create(profile, rejected),
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

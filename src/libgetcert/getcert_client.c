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

#include "getcert_client.h"

/**
 * First CertPoll delay, doubling up to POLL_MAX (seconds)
 */
#define POLL_INTERVAL 5

/**
 * Longest CertPoll delay (seconds)
 */
#define POLL_MAX 60

/**
 * Clock skew tolerated for the notBefore of an issued certificate (seconds)
 */
#define MAX_SKEW 300

/**
 * Largest response body accepted (bytes)
 */
#define MAX_SIZE (64 * 1024)

/**
 * Server challenges answered at most in one request
 */
#define MAX_ROUNDS 5

typedef struct private_getcert_client_t private_getcert_client_t;

/**
 * Private data of a getcert_client_t object.
 */
struct private_getcert_client_t {

	/**
	 * Public interface.
	 */
	getcert_client_t public;

	/**
	 * The transport.
	 */
	getcert_curl_t *curl;

	/**
	 * The engine over it.
	 */
	getcert_enroll_t *engine;

	/**
	 * The same engine if EST, else NULL.
	 */
	getcert_est_enroll_t *est;
};

ENUM(getcert_protocol_names, GETCERT_PROTOCOL_SCEP, GETCERT_PROTOCOL_EST,
	"scep",
	"est",
);

METHOD(getcert_client_t, get_est, getcert_est_enroll_t*,
	private_getcert_client_t *this)
{
	return this->est;
}

METHOD(getcert_client_t, get_engine, getcert_enroll_t*,
	private_getcert_client_t *this)
{
	return this->engine;
}

METHOD(getcert_client_t, get_curl, getcert_curl_t*,
	private_getcert_client_t *this)
{
	return this->curl;
}

METHOD(getcert_client_t, destroy, void,
	private_getcert_client_t *this)
{
	this->engine->destroy(this->engine);
	this->curl->transport.destroy(&this->curl->transport);
	free(this);
}

/*
 * Described in header
 */
getcert_client_t *getcert_client_create_on(getcert_client_params_t *params,
										   getcert_curl_t *curl)
{
	private_getcert_client_t *this;
	getcert_enroll_params_t engine = {
		.identity = params->identity,
		.subject = params->subject,
		.ca_cert = params->ca_cert,
		.ca_fingerprint = params->ca_fingerprint,
		.ra_fingerprints = params->ra_fingerprints,
		.challenge_password = params->challenge_password,
		.allow_des3 = params->allow_des3,
		.allow_sha1 = params->allow_sha1,
		.allow_des = params->allow_des,
		.poll_interval = POLL_INTERVAL,
		.poll_max = POLL_MAX,
		.poll_timeout = params->poll_timeout,
		.max_skew = MAX_SKEW,
		.allow_plain_key = params->allow_plain_key,
	};

	INIT(this,
		.public = {
			.get_engine = _get_engine,
			.get_est = _get_est,
			.get_curl = _get_curl,
			.destroy = _destroy,
		},
		.curl = curl,
	);
	if (params->protocol == GETCERT_PROTOCOL_EST)
	{
		this->est = getcert_est_enroll_create(&this->curl->transport, &engine);
		if (!this->est)
		{
			curl->transport.destroy(&curl->transport);
			free(this);
			return NULL;
		}
		this->engine = &this->est->enroll;
	}
	else
	{
		this->engine = getcert_enroll_create(&this->curl->transport, &engine);
	}
	return &this->public;
}

/*
 * Described in header
 */
getcert_client_t *getcert_client_create(getcert_client_params_t *params)
{
	getcert_curl_t *curl;
	getcert_curl_params_t curl_params = {
		.url = params->url,
		.tls_ca = params->tls_ca,
		.ca_cert = params->ca_cert,
		.tls_pin = params->tls_pin,
		.allow_http = params->allow_http,
		.user = params->user,
		.cb = params->cb,
		.data = params->data,
		.connect_timeout = params->connect_timeout,
		.timeout = params->timeout,
		.low_speed_time = params->low_speed_time,
		.max_size = MAX_SIZE,
		.max_tries = params->max_tries,
		.max_rounds = MAX_ROUNDS,
		.preemptive_auth = params->preemptive_auth,
		.est = params->protocol == GETCERT_PROTOCOL_EST,
		.est_label = params->est_label,
	};

	curl = getcert_curl_create(&curl_params);
	if (!curl)
	{
		return NULL;
	}
	return getcert_client_create_on(params, curl);
}

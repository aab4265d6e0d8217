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

#include "getcert_test_charon.h"

#include <test_suite.h>

#include <daemon.h>
#include <getcert_test_certs.h>
#include <threading/mutex.h>

/**
 * Captured bus messages
 */
static chunk_t captured;

/**
 * Protects captured
 */
static mutex_t *capture_lock;

/**
 * Log a bus message into captured
 */
static void capture_log(logger_t *this, debug_t group, level_t level,
						int thread, ike_sa_t *ike_sa, const char *message)
{
	size_t len = strlen(message);

	capture_lock->lock(capture_lock);
	captured = chunk_cat("mcc", captured, chunk_create((u_char*)message, len),
						 chunk_from_chars('\n'));
	capture_lock->unlock(capture_lock);
}

/**
 * Capture up to level 2
 */
static level_t capture_level(logger_t *this, debug_t group)
{
	return LEVEL_DIAG;
}

/**
 * The capturing logger
 */
static logger_t capture = {
	.log = capture_log,
	.get_level = capture_level,
};

/*
 * Described in header
 */
void gtc_charon_init()
{
	ck_assert(libcharon_init());
	capture_lock = mutex_create(MUTEX_TYPE_DEFAULT);
	captured = chunk_empty;
	charon->bus->add_logger(charon->bus, &capture);
}

/*
 * Described in header
 */
void gtc_charon_deinit()
{
	charon->bus->remove_logger(charon->bus, &capture);
	libcharon_deinit();
	chunk_free(&captured);
	capture_lock->destroy(capture_lock);
}

/*
 * Described in header
 */
bool gtc_log_contains(char *str)
{
	char *text;
	bool found;

	capture_lock->lock(capture_lock);
	text = strndup(captured.ptr, captured.len);
	capture_lock->unlock(capture_lock);
	found = text && strstr(text, str) != NULL;
	free(text);
	return found;
}

METHOD(getcert_manager_t, acquire, bool,
	gtc_manager_t *this, getcert_profile_t *profile, char *conn,
	controller_cb_t cb, void *param)
{
	this->acquired++;
	snprintf(this->profile, sizeof(this->profile), "%s",
			 profile->get_name(profile));
	snprintf(this->conn, sizeof(this->conn), "%s", conn);
	return this->acquire_result;
}

METHOD(getcert_manager_t, trigger, void,
	gtc_manager_t *this, getcert_profile_t *profile)
{
	this->triggered++;
	snprintf(this->profile, sizeof(this->profile), "%s",
			 profile->get_name(profile));
}

METHOD(getcert_manager_t, cancel, void,
	gtc_manager_t *this)
{
	this->cancelled++;
}

METHOD(getcert_manager_t, destroy, void,
	gtc_manager_t *this)
{
	free(this);
}

/*
 * Described in header
 */
gtc_manager_t *gtc_manager_create()
{
	gtc_manager_t *this;

	INIT(this,
		.manager = {
			.acquire = _acquire,
			.trigger = _trigger,
			.cancel = _cancel,
			.destroy = _destroy,
		},
	);
	return this;
}

/*
 * Described in header
 */
getcert_config_t *gtc_config_ca(char *extra, certificate_t *cert,
								char **ca_path)
{
	getcert_config_t *config;
	char conf[1024];

	*ca_path = gt_write_cert(cert);
	ck_assert(*ca_path);
	ck_assert(snprintf(conf, sizeof(conf), "%s {\n plugins {\n  getcert {\n"
				"   profiles {\n    carol {\n"
				"     identity = carol@example.org\n"
				"     user = carol\n"
				"     url = https://127.0.0.1:1/scep\n"
				"     ca_cert = %s\n%s\n    }\n   }\n  }\n }\n}\n",
				lib->ns, *ca_path, extra) < sizeof(conf));
	ck_assert(lib->settings->load_string(lib->settings, conf, FALSE));
	config = getcert_config_create(lib->settings, lib->ns);
	ck_assert_int_eq(config->get_count(config), 1);
	return config;
}

/*
 * Described in header
 */
getcert_config_t *gtc_config(char *extra, private_key_t **ca_key,
							 certificate_t **ca, char **ca_path)
{
	getcert_config_t *config;
	private_key_t *key;
	certificate_t *cert;

	key = gt_key();
	cert = gt_cert(key, "CN=Test CA", NULL, NULL, NULL, TRUE, 3600);
	ck_assert(cert);
	config = gtc_config_ca(extra, cert, ca_path);
	if (ca_key)
	{
		*ca_key = key;
	}
	else
	{
		key->destroy(key);
	}
	if (ca)
	{
		*ca = cert;
	}
	else
	{
		cert->destroy(cert);
	}
	return config;
}

/*
 * Described in header
 */
peer_cfg_t *gtc_conn(auth_class_t class, char *id, certificate_t *cert)
{
	ike_cfg_create_t ike = {
		.version = IKEV2,
		.local = "0.0.0.0",
		.remote = "192.168.0.1",
		.remote_port = 500,
	};
	peer_cfg_create_t peer = {
		.cert_policy = CERT_SEND_IF_ASKED,
	};
	peer_cfg_t *peer_cfg;
	auth_cfg_t *auth;

	peer_cfg = peer_cfg_create("home", ike_cfg_create(&ike), &peer);
	auth = auth_cfg_create();
	auth->add(auth, AUTH_RULE_AUTH_CLASS, class);
	if (id)
	{
		auth->add(auth, AUTH_RULE_IDENTITY,
				  identification_create_from_string(id));
	}
	if (cert)
	{
		auth->add(auth, AUTH_RULE_SUBJECT_CERT, cert);
	}
	peer_cfg->add_auth_cfg(peer_cfg, auth, TRUE);
	return peer_cfg;
}

/*
 * Described in header
 */
bool gtc_collect(void *param, debug_t group, level_t level, ike_sa_t *ike_sa,
				 const char *message)
{
	char *buf = param;
	size_t len = strlen(buf);

	snprintf(buf + len, gtc_messages - len, "%s\n", message);
	return TRUE;
}

/*
 * Described in header
 */
void gtc_add_secret(mem_cred_t *creds, shared_key_type_t type, char *secret,
					char *owner1, char *owner2)
{
	shared_key_t *shared;
	linked_list_t *owners;

	owners = linked_list_create();
	if (owner1)
	{
		owners->insert_last(owners, identification_create_from_string(owner1));
	}
	if (owner2)
	{
		owners->insert_last(owners, identification_create_from_string(owner2));
	}
	shared = shared_key_create(type, chunk_clone(chunk_from_str(secret)));
	creds->add_shared_list(creds, shared, owners);
}

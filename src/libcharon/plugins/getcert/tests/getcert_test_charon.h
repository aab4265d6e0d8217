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

/**
 * Helpers of the unit tests of the plugin parts that need libcharon: a
 * libcharon instance without IKE_SA manager (as libcharon_tests.c), a
 * logger capturing its bus' messages, a fake manager recording calls, a
 * profile "carol" and connections bound to it.
 *
 * @defgroup getcert_test_charon getcert_test_charon
 * @{ @ingroup getcert
 */

#ifndef GETCERT_TEST_CHARON_H_
#define GETCERT_TEST_CHARON_H_

#include "../getcert_manager.h"
#include "../getcert_binding.h"

#include <config/peer_cfg.h>
#include <credentials/sets/mem_cred.h>

/**
 * Start libcharon and capture the messages of its bus.
 */
void gtc_charon_init();

/**
 * Stop libcharon.
 */
void gtc_charon_deinit();

/**
 * Whether the bus logged a message containing a string since
 * gtc_charon_init().
 *
 * @param str		string
 * @return			TRUE if logged
 */
bool gtc_log_contains(char *str);

/**
 * Fake manager recording calls.
 */
typedef struct {
	/** implements getcert_manager_t */
	getcert_manager_t manager;
	/** acquire() calls */
	u_int acquired;
	/** what acquire() returns */
	bool acquire_result;
	/** conn argument of the last acquire() */
	char conn[64];
	/** trigger() calls */
	u_int triggered;
	/** profile name of the last acquire() or trigger() */
	char profile[64];
	/** cancel() calls */
	u_int cancelled;
} gtc_manager_t;

/**
 * Create a fake manager.
 *
 * @return			fake manager, destroyed by manager.destroy()
 */
gtc_manager_t *gtc_manager_create();

/**
 * Load the profile "carol" (identity carol@example.org, user carol, a CA
 * URL where nothing listens) with a fresh CA certificate written to a
 * file, and extra profile settings, into lib->settings (replacing them),
 * and create a config of lib->settings.
 *
 * @param extra		further lines of the profile section, or ""
 * @param ca_key	receives the CA's key, or NULL
 * @param ca		receives the CA's certificate, or NULL
 * @param ca_path	receives the path of the CA file (free() and unlink())
 * @return			config
 */
getcert_config_t *gtc_config(char *extra, private_key_t **ca_key,
							 certificate_t **ca, char **ca_path);

/**
 * As gtc_config(), with a given CA certificate (e.g. a gt_ca_t's).
 *
 * @param extra		further lines of the profile section, or ""
 * @param ca		the CA's certificate, written to a file
 * @param ca_path	receives the path of the CA file (free() and unlink())
 * @return			config
 */
getcert_config_t *gtc_config_ca(char *extra, certificate_t *ca,
								char **ca_path);

/**
 * Create the connection "home" with one local auth round (a pubkey round
 * of carol@example.org is bound to carol's profile by zero-config).
 *
 * @param class		auth class of the round
 * @param id		local identity, or NULL
 * @param cert		certificate of the round (adopted), or NULL
 * @return			connection
 */
peer_cfg_t *gtc_conn(auth_class_t class, char *id, certificate_t *cert);

/**
 * Controller callback appending each message and a newline to the buffer
 * given as param (of gtc_messages bytes).
 */
bool gtc_collect(void *param, debug_t group, level_t level, ike_sa_t *ike_sa,
				 const char *message);

/**
 * Size of the buffer gtc_collect() appends to
 */
#define gtc_messages 2048

/**
 * Add a shared secret with up to two owners to a set.
 *
 * @param creds		set
 * @param type		SHARED_EAP, SHARED_PIN, ...
 * @param secret	secret
 * @param owner1	first owner, or NULL
 * @param owner2	second owner, or NULL
 */
void gtc_add_secret(mem_cred_t *creds, shared_key_type_t type, char *secret,
					char *owner1, char *owner2);

#endif /** GETCERT_TEST_CHARON_H_ @}*/

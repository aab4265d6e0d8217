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
 * @defgroup getcert_persisted getcert_persisted
 * @{ @ingroup getcert
 */

#ifndef GETCERT_PERSISTED_H_
#define GETCERT_PERSISTED_H_

#include "getcert_config.h"
#include "getcert_creds.h"
#include "getcert_store.h"

/**
 * Called for each persisted pair that was installed.
 *
 * @param data			data given to getcert_persisted_load()
 * @param profile		profile
 * @param cert			installed certificate
 */
typedef void (*getcert_persisted_cb_t)(void *data, getcert_profile_t *profile,
									   certificate_t *cert);

/**
 * Install the persisted pairs of all profiles at startup. A saved pair is
 * only trusted if the profile pins a ca_cert and the pair passes the checks
 * of an issued certificate (chain, key, identity); others are ignored.
 *
 * @param store			store to load from
 * @param config		profiles
 * @param creds			credential set to install into
 * @param cb			called for each installed pair
 * @param data			data for cb
 */
void getcert_persisted_load(getcert_store_t *store, getcert_config_t *config,
							getcert_creds_t *creds, getcert_persisted_cb_t cb,
							void *data);

#endif /** GETCERT_PERSISTED_H_ @}*/

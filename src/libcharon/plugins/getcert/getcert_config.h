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
 * @defgroup getcert_config getcert_config
 * @{ @ingroup getcert
 */

#ifndef GETCERT_CONFIG_H_
#define GETCERT_CONFIG_H_

#include "getcert_profile.h"

#include <collections/enumerator.h>

typedef struct getcert_config_t getcert_config_t;

/**
 * The set of enrollment profiles read from <ns>.plugins.getcert.profiles.
 *
 * Invalid profiles are logged and skipped, they never fail the whole set.
 */
struct getcert_config_t {

	/**
	 * Re-read all profiles from the settings.
	 *
	 * Profiles that did not change keep their objects, so state bound to
	 * them survives a reload.
	 *
	 * @return			number of valid profiles now loaded
	 */
	u_int (*reload)(getcert_config_t *this);

	/**
	 * Get a profile by name.
	 *
	 * @param name		profile name
	 * @return			new reference to the profile, NULL if not found
	 */
	getcert_profile_t *(*get_profile)(getcert_config_t *this, char *name);

	/**
	 * Find the profile issuing certificates for an identity.
	 *
	 * @param id		identity to look for
	 * @return			new reference to the profile, NULL if none
	 */
	getcert_profile_t *(*find_by_identity)(getcert_config_t *this,
										   identification_t *id);

	/**
	 * Create an enumerator over the loaded profiles.
	 *
	 * The enumerator holds a read lock, do not call reload() while it
	 * exists.
	 *
	 * @return			enumerator over getcert_profile_t*
	 */
	enumerator_t *(*create_enumerator)(getcert_config_t *this);

	/**
	 * Number of valid profiles loaded.
	 *
	 * @return			number of profiles
	 */
	u_int (*get_count)(getcert_config_t *this);

	/**
	 * Destroy a getcert_config_t.
	 */
	void (*destroy)(getcert_config_t *this);
};

/**
 * Create the profile set and load the profiles.
 *
 * @param settings		settings to read, usually lib->settings
 * @param ns			namespace, usually lib->ns
 * @return				profile set
 */
getcert_config_t *getcert_config_create(settings_t *settings, const char *ns);

#endif /** GETCERT_CONFIG_H_ @}*/

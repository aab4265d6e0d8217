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

#include "getcert_persisted.h"
#include "getcert_failure.h"

#include <getcert_x509.h>

/*
 * Described in header
 */
void getcert_persisted_load(getcert_store_t *store, getcert_config_t *config,
							getcert_creds_t *creds, getcert_persisted_cb_t cb,
							void *data)
{
	enumerator_t *enumerator;
	getcert_profile_t *profile;
	certificate_t *cert;
	private_key_t *key;
	char *name;

	enumerator = config->create_enumerator(config);
	while (enumerator->enumerate(enumerator, &profile))
	{
		name = profile->get_name(profile);
		if (!profile->get_ca_cert(profile) ||
			!store->load(store, name, &cert, &key))
		{	/* a saved pair is only trusted if it chains to ca_cert */
			continue;
		}
		if (getcert_check_issued(cert, key, profile->get_ca_cert(profile),
								 profile->get_identity(profile),
								 0) != GETCERT_OK)
		{
			DBG1(DBG_CFG, "getcert: profile '%s': saved certificate '%Y' is "
				 "not valid for the profile, ignored", name,
				 cert->get_subject(cert));
			cert->destroy(cert);
			key->destroy(key);
			continue;
		}
		if (!creds->install(creds, name, cert->get_ref(cert),
							key->get_ref(key), profile->get_ca_cert(profile)))
		{
			cert->destroy(cert);
			key->destroy(key);
			continue;
		}
		cb(data, profile, cert);
		getcert_failure_log_installed(profile, cert, "loaded saved", 0);
		cert->destroy(cert);
		key->destroy(key);
	}
	enumerator->destroy(enumerator);
}

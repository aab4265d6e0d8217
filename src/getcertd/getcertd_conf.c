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

#define _GNU_SOURCE
#include <sched.h>

#include "getcertd_conf.h"

#include <getcert_settings.h>
#include <utils/debug.h>

/*
 * Described in header
 */
bool getcertd_conf_retry_after(u_int *retry_after)
{
	return getcert_settings_duration(lib->settings, "", 10, 1, 86400,
									 retry_after, "%s.retry_after", lib->ns);
}

/*
 * Described in header
 */
u_int getcertd_conf_cpus()
{
	cpu_set_t set;
	int count;

	if (sched_getaffinity(0, sizeof(set), &set) == 0)
	{
		count = CPU_COUNT(&set);
		if (count > 0)
		{
			return count;
		}
	}
	count = sysconf(_SC_NPROCESSORS_ONLN);
	return count > 0 ? count : 1;
}

/**
 * Whether an option is set to a non-empty value
 */
static bool is_set(char *key)
{
	char *value;

	value = lib->settings->get_str(lib->settings, "%s.ca.%s", NULL, lib->ns,
								   key);
	return value && *value;
}

/*
 * Described in header
 */
bool getcertd_conf_configured(char *file)
{
	enumerator_t *enumerator;
	char *name, *auth;
	bool ca, policies = FALSE, radius_needed = FALSE, radius;

	ca = is_set("cert") && is_set("key");
	enumerator = lib->settings->create_section_enumerator(lib->settings,
											"%s.policies", lib->ns);
	while (enumerator->enumerate(enumerator, &name))
	{
		policies = TRUE;
		auth = lib->settings->get_str(lib->settings, "%s.policies.%s.auth",
									  "radius", lib->ns, name);
		radius_needed |= streq(auth, "radius");
	}
	enumerator->destroy(enumerator);
	/* without a policy, the one to add authenticates with RADIUS unless
	 * told otherwise */
	radius_needed |= !policies;
	enumerator = lib->settings->create_section_enumerator(lib->settings,
											"%s.radius.servers", lib->ns);
	radius = enumerator->enumerate(enumerator, &name);
	enumerator->destroy(enumerator);

	if (ca && policies && (radius || !radius_needed))
	{
		return TRUE;
	}
	DBG1(DBG_APP, "getcertd is not configured, refusing to start; set in "
		 "%s:", file);
	if (!ca)
	{
		DBG1(DBG_APP, "  %s.ca.cert and %s.ca.key: the CA certificate and "
			 "its private key (and %s.ca.ra_cert and %s.ca.ra_key for an RA "
			 "that decrypts requests)", lib->ns, lib->ns, lib->ns, lib->ns);
	}
	if (!policies)
	{
		DBG1(DBG_APP, "  %s.policies.<name>: at least one issuance policy "
			 "(path, subject, auth)", lib->ns);
	}
	if (radius_needed && !radius)
	{
		DBG1(DBG_APP, "  %s.radius.servers.<name>: the RADIUS servers "
			 "checking HTTP Basic logins (address, secret), for policies "
			 "with auth = radius, the default", lib->ns);
	}
	DBG1(DBG_APP, "see getcertd.conf(5)");
	return FALSE;
}

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

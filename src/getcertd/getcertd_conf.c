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

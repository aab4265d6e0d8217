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
 * @defgroup getcertd_conf getcertd_conf
 * @{ @ingroup getcertd
 */

#ifndef GETCERTD_CONF_H_
#define GETCERTD_CONF_H_

#include <library.h>

/**
 * Read getcertd.retry_after (1s to 1d, default 10s), which the HTTP
 * server, the SCEP service and the authentication all answer 503 with.
 *
 * A bad value is logged, naming the option and the value
 * (getcert_settings_duration()).
 *
 * @param[out] retry_after	seconds
 * @return					FALSE if the option has a bad value
 */
bool getcertd_conf_retry_after(u_int *retry_after);

/**
 * Processors this process may run on (its CPU affinity, which containers
 * and systemd's CPUAffinity= narrow), at least 1: the default of the
 * thread counts that should follow the cores.
 *
 * @return					number of processors
 */
u_int getcertd_conf_cpus();

/**
 * Whether the settings configure a CA that can serve: ca.cert and ca.key,
 * at least one policy, and RADIUS servers if a policy authenticates with
 * RADIUS (auth = radius, the default). getcertd refuses to start otherwise,
 * e.g. with the installed template, where every option is commented out.
 *
 * What is missing is logged, naming the options to set and the file.
 * The values themselves are checked later, where they are used.
 *
 * @param file				configuration file, for the message
 * @return					TRUE if configured
 */
bool getcertd_conf_configured(char *file);

#endif /** GETCERTD_CONF_H_ @}*/

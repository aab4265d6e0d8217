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
 * @defgroup getcert getcert
 * @ingroup cplugins
 *
 * @defgroup getcert_plugin getcert_plugin
 * @{ @ingroup getcert
 */

#ifndef GETCERT_PLUGIN_H_
#define GETCERT_PLUGIN_H_

#include <plugins/plugin.h>

typedef struct getcert_plugin_t getcert_plugin_t;

/**
 * Plugin obtaining short-lived certificates over GETCERT (SCEP over HTTPS
 * with HTTP authentication against the user's RADIUS account).
 */
struct getcert_plugin_t {

	/**
	 * Implements plugin interface.
	 */
	plugin_t plugin;
};

#endif /** GETCERT_PLUGIN_H_ @}*/

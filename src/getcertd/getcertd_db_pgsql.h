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
 * @defgroup getcertd_db_pgsql getcertd_db_pgsql
 * @{ @ingroup getcertd_db
 */

#ifndef GETCERTD_DB_PGSQL_H_
#define GETCERTD_DB_PGSQL_H_

#include "getcertd_db.h"

/**
 * Open (and create or migrate) the records in PostgreSQL over libpq,
 * shared by several getcertd: a small pool of connections (one per
 * worker that needs one), reconnecting after the server restarted, with
 * connect and statement timeouts.
 *
 * @param uri			postgresql://[user[:password]@]host[:port]/db[?...]
 *						(libpq's URI, its parameters override the
 *						defaults connect_timeout=5 and the statement,
 *						lock and idle-in-transaction timeouts in options)
 * @return				database, NULL on error (logged, never the
 *						password)
 */
getcertd_db_t *getcertd_db_pgsql_create(char *uri);

#endif /** GETCERTD_DB_PGSQL_H_ @}*/

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
 * @defgroup getcertd_db_sqlite getcertd_db_sqlite
 * @{ @ingroup getcertd_db
 */

#ifndef GETCERTD_DB_SQLITE_H_
#define GETCERTD_DB_SQLITE_H_

#include "getcertd_db.h"

/**
 * Open (and create or migrate) the records in SQLite, over strongSwan's
 * database interface: its SQLite implementation compiled into getcertd
 * (getcertd_sqlite_database.c), no sqlite plugin needed. One connection
 * shared by every thread, serialized.
 *
 * @param uri			sqlite:///path/to/file.db
 * @return				database, NULL on error (logged)
 */
getcertd_db_t *getcertd_db_sqlite_create(char *uri);

#endif /** GETCERTD_DB_SQLITE_H_ @}*/

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

/*
 * strongSwan's own SQLite database_t (sqlite_database_create()), compiled
 * into getcertd from the configured strongSwan tree instead of loaded as the
 * sqlite plugin: distributions build strongSwan without --enable-sqlite
 * (Debian ships no libstrongswan-sqlite.so). One implementation: the file
 * is included from the tree, not copied.
 *
 * strongSwan's configure defines HAVE_SQLITE3_PREPARE_V2 only with
 * --enable-sqlite; every SQLite getcertd supports (>= 3.16, see
 * configure.ac) has sqlite3_prepare_v2(), so it is defined here (empty, as
 * config.h would, should the tree define it too).
 */
#ifndef HAVE_SQLITE3_PREPARE_V2
#define HAVE_SQLITE3_PREPARE_V2
#endif

#include <plugins/sqlite/sqlite_database.c>

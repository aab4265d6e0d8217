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

#include "getcertd_db.h"
#include "getcertd_db_sqlite.h"
#ifndef GETCERTD_DB_NO_PGSQL
#include "getcertd_db_pgsql.h"
#endif
#include "getcertd_auth.h"

#include <utils/debug.h>

ENUM(getcertd_tx_state_names, GETCERTD_TX_NONE, GETCERTD_TX_ISSUED,
	"none",
	"pending",
	"approved",
	"rejected",
	"issued",
);

/*
 * Described in header
 */
void getcertd_tx_clear(getcertd_tx_t *tx)
{
	chunk_free(&tx->keyid);
	chunk_free(&tx->nonce);
	chunk_free(&tx->request);
	chunk_free(&tx->csr);
	chunk_free(&tx->serial);
	chunk_free(&tx->renews);
	free(tx->transid);
	free(tx->user);
	free(tx->policy);
	free(tx->client);
	*tx = (getcertd_tx_t){};
}

/*
 * Described in header
 */
void getcertd_cert_info_clear(getcertd_cert_info_t *info)
{
	free(info->user);
	free(info->policy);
	*info = (getcertd_cert_info_t){};
}

/*
 * Described in header
 */
char *getcertd_db_sane(char *str, char *buf, size_t len)
{
	return str ? getcertd_auth_sanitize(str, strlen(str), buf, len) : "-";
}

/*
 * Described in header
 */
getcertd_db_t *getcertd_db_create(char *uri)
{
	char *colon;

	if (strpfx(uri, "sqlite://"))
	{
		return getcertd_db_sqlite_create(uri);
	}
#ifndef GETCERTD_DB_NO_PGSQL	/* the fuzz targets' build */
	if (strpfx(uri, "postgresql://") || strpfx(uri, "postgres://"))
	{
		return getcertd_db_pgsql_create(uri);
	}
#endif
	/* only the scheme: the rest may hold a password */
	colon = strchr(uri, ':');
	DBG1(DBG_APP, "database URI of scheme '%.*s' names no supported backend "
		 "(sqlite://, postgresql://)", colon ? (int)min(colon - uri, 32) : 0,
		 uri);
	return NULL;
}

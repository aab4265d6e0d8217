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

#include "getcertd_db_sqlite.h"
#include "getcertd_issuer.h"

#include <stdio.h>
#include <time.h>

#include <utils/debug.h>
#include <database/database.h>
#include <plugins/sqlite/sqlite_database.h>
#include <threading/mutex.h>
#include <credentials/certificates/x509.h>

typedef struct private_getcertd_db_t private_getcertd_db_t;

/**
 * Private data of a getcertd_db_t object.
 */
struct private_getcertd_db_t {

	/**
	 * Public interface.
	 */
	getcertd_db_t public;

	/**
	 * The database.
	 */
	database_t *db;

	/**
	 * Serializes all access: strongSwan's sqlite database_t (compiled in,
	 * getcertd_sqlite_database.c, not the sqlite plugin) shares one
	 * connection between threads but tracks transactions per thread, so a
	 * second thread's BEGIN fails while another's transaction is open, and
	 * its plain writes would join that transaction
	 */
	mutex_t *mutex;
};

/**
 * Schema, created if missing
 */
static char *schema[] = {
	"CREATE TABLE IF NOT EXISTS certificates ("
	" serial BLOB PRIMARY KEY,"
	" subject TEXT NOT NULL,"
	" user TEXT,"
	" keyid BLOB NOT NULL,"
	" not_before INTEGER NOT NULL,"
	" not_after INTEGER NOT NULL,"
	" client TEXT,"
	" transid TEXT,"
	" policy TEXT,"
	" issued INTEGER NOT NULL,"
	" revoked INTEGER,"
	" cert BLOB NOT NULL,"
	" chain_start INTEGER,"
	" superseded BLOB,"
	" server_keygen INTEGER)",
	"CREATE TABLE IF NOT EXISTS transactions ("
	" transid TEXT PRIMARY KEY,"
	" state INTEGER NOT NULL,"
	" keyid BLOB NOT NULL,"
	" user TEXT,"
	" policy TEXT,"
	" client TEXT,"
	" csr BLOB,"
	" serial BLOB,"
	" created INTEGER NOT NULL,"
	" nonce BLOB,"
	" request BLOB,"
	" chain_start INTEGER)",
	"CREATE TABLE IF NOT EXISTS counters ("
	" name TEXT PRIMARY KEY,"
	" value INTEGER NOT NULL)",
	"CREATE INDEX IF NOT EXISTS certificates_user ON certificates (user)",
};

/**
 * Columns added since the first schema: table, column, type; rows written
 * before have NULL there (chain_start then counts from issuance)
 */
static struct {
	char *table;
	char *column;
	char *type;
} added[] = {
	{ "certificates",	"chain_start",	"INTEGER"	},
	{ "certificates",	"superseded",	"BLOB"		},
	{ "certificates",	"server_keygen", "INTEGER"	},
	{ "transactions",	"nonce",		"BLOB"		},
	{ "transactions",	"request",		"BLOB"		},
	{ "transactions",	"chain_start",	"INTEGER"	},
};

/**
 * Begin a transaction. strongSwan 5.9.8's sqlite database_t commits on
 * rollback() of an outermost transaction (its rollback flag is only kept
 * for nested ones): hold a second reference, so that rollback() marks the
 * transaction and end() then really rolls it back.
 */
static bool begin(private_getcertd_db_t *this)
{
	if (!this->db->transaction(this->db, TRUE))
	{
		return FALSE;
	}
	if (!this->db->transaction(this->db, TRUE))
	{
		this->db->commit(this->db);
		return FALSE;
	}
	return TRUE;
}

/**
 * End a transaction begun with begin(): commit if ok, else roll back.
 * Returns TRUE if committed.
 */
static bool end(private_getcertd_db_t *this, bool ok)
{
	if (ok)
	{
		this->db->commit(this->db);
	}
	else
	{
		this->db->rollback(this->db);
	}
	return this->db->commit(this->db) && ok;
}

METHOD(getcertd_db_t, get_transaction, getcertd_tx_state_t,
	private_getcertd_db_t *this, char *transid, getcertd_tx_t *tx)
{
	enumerator_t *enumerator;
	chunk_t keyid, nonce, request, csr, serial;
	char *user, *policy, *client;
	u_int chain_start;
	int state;

	*tx = (getcertd_tx_t){
		.state = GETCERTD_TX_NONE,
	};
	this->mutex->lock(this->mutex);
	enumerator = this->db->query(this->db,
				"SELECT state, keyid, nonce, request, user, policy, client, "
				"csr, serial, chain_start FROM transactions WHERE transid = ?",
				DB_TEXT, transid, DB_INT, DB_BLOB, DB_BLOB, DB_BLOB, DB_TEXT,
				DB_TEXT, DB_TEXT, DB_BLOB, DB_BLOB, DB_UINT);
	if (enumerator)
	{
		if (enumerator->enumerate(enumerator, &state, &keyid, &nonce,
								  &request, &user, &policy, &client, &csr,
								  &serial, &chain_start))
		{
			*tx = (getcertd_tx_t){
				.transid = strdup(transid),
				.state = state,
				.keyid = chunk_clone(keyid),
				.nonce = chunk_clone(nonce),
				.request = chunk_clone(request),
				.user = strdupnull(user),
				.policy = strdupnull(policy),
				.client = strdupnull(client),
				.csr = chunk_clone(csr),
				.serial = chunk_clone(serial),
				.chain_start = chain_start,
			};
		}
		enumerator->destroy(enumerator);
	}
	this->mutex->unlock(this->mutex);
	return tx->state;
}

METHOD(getcertd_db_t, add_pending, bool,
	private_getcertd_db_t *this, getcertd_tx_t *tx)
{
	bool ok;

	this->mutex->lock(this->mutex);
	ok = this->db->execute(this->db, NULL,
				"INSERT INTO transactions (transid, state, keyid, nonce, "
				"request, user, policy, client, csr, chain_start, created) "
				"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
				DB_TEXT, tx->transid, DB_INT, GETCERTD_TX_PENDING,
				DB_BLOB, tx->keyid, DB_BLOB, tx->nonce, DB_BLOB, tx->request,
				DB_TEXT, tx->user, DB_TEXT, tx->policy, DB_TEXT, tx->client,
				DB_BLOB, tx->csr, DB_UINT, (u_int)tx->chain_start,
				DB_UINT, (u_int)time(NULL)) == 1;
	this->mutex->unlock(this->mutex);
	return ok;
}

METHOD(getcertd_db_t, decide, bool,
	private_getcertd_db_t *this, char *transid, bool approve)
{
	bool ok;

	this->mutex->lock(this->mutex);
	ok = this->db->execute(this->db, NULL,
				"UPDATE transactions SET state = ? WHERE transid = ? AND "
				"state = ?", DB_INT, approve ? GETCERTD_TX_APPROVED
											 : GETCERTD_TX_REJECTED,
				DB_TEXT, transid,
				DB_INT, GETCERTD_TX_PENDING) == 1;
	this->mutex->unlock(this->mutex);
	return ok;
}

METHOD(getcertd_db_t, add_issued, bool,
	private_getcertd_db_t *this, certificate_t *cert, getcertd_tx_t *tx,
	chunk_t replaces)
{
	x509_t *x509 = (x509_t*)cert;
	time_t not_before, not_after, now = time(NULL);
	char subject[512];
	chunk_t der, serial;
	bool ok = FALSE;

	if (!cert->get_encoding(cert, CERT_ASN1_DER, &der))
	{
		return FALSE;
	}
	serial = x509->get_serial(x509);
	cert->get_validity(cert, NULL, &not_before, &not_after);
	snprintf(subject, sizeof(subject), "%Y", cert->get_subject(cert));
	this->mutex->lock(this->mutex);
	if (!begin(this))
	{
		this->mutex->unlock(this->mutex);
		chunk_free(&der);
		return FALSE;
	}
	ok = this->db->execute(this->db, NULL,
				"INSERT INTO certificates (serial, subject, user, keyid, "
				"not_before, not_after, client, transid, policy, issued, "
				"chain_start, cert, server_keygen) "
				"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
				DB_BLOB, serial, DB_TEXT, subject, DB_TEXT, tx->user,
				DB_BLOB, tx->keyid, DB_UINT, (u_int)not_before,
				DB_UINT, (u_int)not_after, DB_TEXT, tx->client,
				DB_TEXT, tx->transid, DB_TEXT, tx->policy, DB_UINT, (u_int)now,
				DB_UINT, (u_int)tx->chain_start, DB_BLOB, der,
				DB_INT, tx->server_keygen ? 1 : 0) == 1 &&
		/* the renewed certificate must be the newest of its chain: one of
		 * two concurrent renewals with it fails here */
		(!tx->renews.len ||
		 this->db->execute(this->db, NULL,
				"UPDATE certificates SET superseded = ? WHERE serial = ? AND "
				"superseded IS NULL AND revoked IS NULL",
				DB_BLOB, serial, DB_BLOB, tx->renews) == 1) &&
		/* an approved request completes; a transaction the client reuses
		 * is replaced if it still is the one looked at; any other existing
		 * transaction makes the INSERT fail: one certificate per
		 * transaction, even for concurrent retransmissions */
		(this->db->execute(this->db, NULL,
				"UPDATE transactions SET state = ?, serial = ? "
				"WHERE transid = ? AND state = ?",
				DB_INT, GETCERTD_TX_ISSUED, DB_BLOB, serial,
				DB_TEXT, tx->transid, DB_INT, GETCERTD_TX_APPROVED) == 1 ||
		 (replaces.len &&
		  this->db->execute(this->db, NULL,
				"UPDATE transactions SET keyid = ?, nonce = ?, request = ?, "
				"user = ?, policy = ?, client = ?, serial = ?, "
				"chain_start = ?, created = ? "
				"WHERE transid = ? AND state = ? AND serial = ?",
				DB_BLOB, tx->keyid, DB_BLOB, tx->nonce, DB_BLOB, tx->request,
				DB_TEXT, tx->user, DB_TEXT, tx->policy, DB_TEXT, tx->client,
				DB_BLOB, serial, DB_UINT, (u_int)tx->chain_start,
				DB_UINT, (u_int)now, DB_TEXT, tx->transid,
				DB_INT, GETCERTD_TX_ISSUED, DB_BLOB, replaces) == 1) ||
		 (!replaces.len &&
		  this->db->execute(this->db, NULL,
				"INSERT INTO transactions (transid, state, keyid, nonce, "
				"request, user, policy, client, serial, chain_start, created) "
				"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
				DB_TEXT, tx->transid, DB_INT, GETCERTD_TX_ISSUED,
				DB_BLOB, tx->keyid, DB_BLOB, tx->nonce, DB_BLOB, tx->request,
				DB_TEXT, tx->user, DB_TEXT, tx->policy, DB_TEXT, tx->client,
				DB_BLOB, serial, DB_UINT, (u_int)tx->chain_start,
				DB_UINT, (u_int)now) == 1));
	ok = end(this, ok);
	this->mutex->unlock(this->mutex);
	chunk_free(&der);
	return ok;
}

METHOD(getcertd_db_t, get_cert, certificate_t*,
	private_getcertd_db_t *this, chunk_t serial)
{
	enumerator_t *enumerator;
	certificate_t *cert = NULL;
	chunk_t der;

	this->mutex->lock(this->mutex);
	enumerator = this->db->query(this->db,
				"SELECT cert FROM certificates WHERE serial = ?",
				DB_BLOB, serial, DB_BLOB);
	if (enumerator)
	{
		if (enumerator->enumerate(enumerator, &der))
		{
			cert = lib->creds->create(lib->creds, CRED_CERTIFICATE,
							CERT_X509, BUILD_BLOB_ASN1_DER, der, BUILD_END);
		}
		enumerator->destroy(enumerator);
	}
	this->mutex->unlock(this->mutex);
	return cert;
}

METHOD(getcertd_db_t, get_info, bool,
	private_getcertd_db_t *this, chunk_t serial, getcertd_cert_info_t *info)
{
	enumerator_t *enumerator;
	bool found = FALSE;
	u_int chain_start, revoked;
	chunk_t superseded;
	char *user, *policy;

	*info = (getcertd_cert_info_t){};
	this->mutex->lock(this->mutex);
	enumerator = this->db->query(this->db,
				"SELECT user, policy, coalesce(chain_start, issued), revoked, "
				"superseded FROM certificates WHERE serial = ?",
				DB_BLOB, serial, DB_TEXT, DB_TEXT, DB_UINT, DB_UINT, DB_BLOB);
	if (enumerator)
	{
		if (enumerator->enumerate(enumerator, &user, &policy, &chain_start,
								  &revoked, &superseded))
		{
			*info = (getcertd_cert_info_t){
				.user = strdupnull(user),
				.policy = strdupnull(policy),
				.chain_start = chain_start,
				.revoked = revoked != 0,
				.superseded = superseded.len != 0,
			};
			found = TRUE;
		}
		enumerator->destroy(enumerator);
	}
	this->mutex->unlock(this->mutex);
	return found;
}

METHOD(getcertd_db_t, revoke, bool,
	private_getcertd_db_t *this, chunk_t serial)
{
	bool ok;

	this->mutex->lock(this->mutex);
	ok = this->db->execute(this->db, NULL,
				"UPDATE certificates SET revoked = ? WHERE serial = ? AND "
				"revoked IS NULL", DB_UINT, (u_int)time(NULL),
				DB_BLOB, serial) == 1;
	this->mutex->unlock(this->mutex);
	return ok;
}

METHOD(getcertd_db_t, revoke_user, int,
	private_getcertd_db_t *this, char *user)
{
	int count;

	this->mutex->lock(this->mutex);
	count = this->db->execute(this->db, NULL,
				"UPDATE certificates SET revoked = ? WHERE user = ? AND "
				"revoked IS NULL AND not_after > ?", DB_UINT, (u_int)time(NULL),
				DB_TEXT, user, DB_UINT, (u_int)time(NULL));
	this->mutex->unlock(this->mutex);
	return count;
}

METHOD(getcertd_db_t, get_revoked, linked_list_t*,
	private_getcertd_db_t *this)
{
	enumerator_t *enumerator;
	getcertd_revoked_t *revoked;
	linked_list_t *list;
	chunk_t serial;
	u_int date;

	list = linked_list_create();
	this->mutex->lock(this->mutex);
	enumerator = this->db->query(this->db,
				"SELECT serial, revoked FROM certificates WHERE revoked IS NOT "
				"NULL ORDER BY revoked", DB_BLOB, DB_UINT);
	if (!enumerator)
	{	/* never a CRL that says nothing is revoked because of an error */
		this->mutex->unlock(this->mutex);
		list->destroy(list);
		return NULL;
	}
	else
	{
		while (enumerator->enumerate(enumerator, &serial, &date))
		{
			INIT(revoked,
				.serial = chunk_clone(serial),
				.date = date,
			);
			list->insert_last(list, revoked);
		}
		enumerator->destroy(enumerator);
	}
	this->mutex->unlock(this->mutex);
	return list;
}

METHOD(getcertd_db_t, next_crl_number, u_int,
	private_getcertd_db_t *this)
{
	enumerator_t *enumerator;
	u_int number = 0, last = 0;

	this->mutex->lock(this->mutex);
	if (!begin(this))
	{
		this->mutex->unlock(this->mutex);
		return 0;
	}
	enumerator = this->db->query(this->db,
				"SELECT value FROM counters WHERE name = 'crl'", DB_UINT);
	if (enumerator)
	{
		number = 1;
		if (enumerator->enumerate(enumerator, &last))
		{
			number = last + 1;
		}
		enumerator->destroy(enumerator);
	}
	/* 0 on any error: a CRL number is never used twice */
	if (!end(this, number &&
			 this->db->execute(this->db, NULL,
				"INSERT OR REPLACE INTO counters (name, value) VALUES "
				"('crl', ?)", DB_UINT, number) == 1))
	{
		number = 0;
	}
	this->mutex->unlock(this->mutex);
	return number;
}

METHOD(getcertd_db_t, list, void,
	private_getcertd_db_t *this, FILE *out, bool pending)
{
	enumerator_t *enumerator;
	chunk_t serial;
	char *subject, *user, *client, *policy, *transid;
	char b1[512], b2[128], b3[64], b4[129];
	u_int nb, na, revoked, created, skg;

	this->mutex->lock(this->mutex);
	if (!pending)
	{
		enumerator = this->db->query(this->db,
				"SELECT serial, subject, user, not_before, not_after, client, "
				"revoked, server_keygen FROM certificates ORDER BY issued",
				DB_BLOB, DB_TEXT, DB_TEXT, DB_UINT, DB_UINT, DB_TEXT, DB_UINT,
				DB_UINT);
		while (enumerator &&
			   enumerator->enumerate(enumerator, &serial, &subject, &user,
									 &nb, &na, &client, &revoked, &skg))
		{
			fprintf(out, "%#B  '%s'  user=%s  valid %T..%T  client=%s%s%s\n",
					&serial, getcertd_db_sane(subject, b1, sizeof(b1)),
					getcertd_db_sane(user, b2, sizeof(b2)), &(time_t){nb},
					TRUE, &(time_t){na}, TRUE,
					getcertd_db_sane(client, b3, sizeof(b3)),
					skg ? "  key=server-generated" : "",
					revoked ? "  REVOKED" : "");
		}
		DESTROY_IF(enumerator);
	}
	enumerator = this->db->query(this->db,
				"SELECT transid, user, policy, client, created FROM "
				"transactions WHERE state = ? ORDER BY created",
				DB_INT, GETCERTD_TX_PENDING,
				DB_TEXT, DB_TEXT, DB_TEXT, DB_TEXT, DB_UINT);
	while (enumerator &&
		   enumerator->enumerate(enumerator, &transid, &user, &policy,
								 &client, &created))
	{
		fprintf(out, "pending %s  user=%s  policy=%s  client=%s  since "
				"%T\n", getcertd_db_sane(transid, b4, sizeof(b4)),
				getcertd_db_sane(user, b2, sizeof(b2)),
				getcertd_db_sane(policy, b1, sizeof(b1)),
				getcertd_db_sane(client, b3, sizeof(b3)),
				&(time_t){created}, TRUE);
	}
	DESTROY_IF(enumerator);
	this->mutex->unlock(this->mutex);
}

METHOD(getcertd_db_t, is_shared, bool,
	private_getcertd_db_t *this)
{	/* a file of one getcertd */
	return FALSE;
}

METHOD(getcertd_db_t, get_failures, bool,
	private_getcertd_db_t *this, char *key, uint64_t since, u_int limit,
	u_int *count, uint64_t *oldest)
{
	enumerator_t *enumerator;
	double first;
	int n;
	bool ok = FALSE;

	/* times in ms as REAL: strongSwan's database_t has no 64-bit integer,
	 * a double holds them exactly */
	this->mutex->lock(this->mutex);
	enumerator = this->db->query(this->db,
				"SELECT count(*), coalesce(min(at), ?) FROM (SELECT at FROM "
				"failures WHERE key = ? AND at >= ? ORDER BY at DESC LIMIT ?)",
				DB_DOUBLE, (double)since, DB_TEXT, key, DB_DOUBLE,
				(double)since, DB_INT, (int)min(limit, INT_MAX),
				DB_INT, DB_DOUBLE);
	if (enumerator && enumerator->enumerate(enumerator, &n, &first))
	{
		*count = n;
		*oldest = first;
		ok = TRUE;
	}
	DESTROY_IF(enumerator);
	this->mutex->unlock(this->mutex);
	return ok;
}

METHOD(getcertd_db_t, add_failure, bool,
	private_getcertd_db_t *this, char *key, uint64_t now, uint64_t expired)
{
	bool ok;

	this->mutex->lock(this->mutex);
	ok = this->db->execute(this->db, NULL,
				"DELETE FROM failures WHERE at < ?",
				DB_DOUBLE, (double)expired) >= 0 &&
		 this->db->execute(this->db, NULL,
				"INSERT INTO failures (key, at) VALUES (?, ?)",
				DB_TEXT, key, DB_DOUBLE, (double)now) == 1;
	this->mutex->unlock(this->mutex);
	return ok;
}

METHOD(getcertd_db_t, clear_failures, bool,
	private_getcertd_db_t *this, char *key)
{
	bool ok;

	this->mutex->lock(this->mutex);
	ok = this->db->execute(this->db, NULL,
				"DELETE FROM failures WHERE key = ?", DB_TEXT, key) >= 0;
	this->mutex->unlock(this->mutex);
	return ok;
}

METHOD(getcertd_db_t, destroy, void,
	private_getcertd_db_t *this)
{
	this->db->destroy(this->db);
	this->mutex->destroy(this->mutex);
	free(this);
}

/**
 * Add the columns a database created by an earlier version lacks
 */
static bool add_columns(private_getcertd_db_t *this)
{
	enumerator_t *enumerator;
	char sql[128];
	int i, count;

	for (i = 0; i < countof(added); i++)
	{
		count = -1;
		enumerator = this->db->query(this->db,
					"SELECT count(*) FROM pragma_table_info(?) WHERE name = ?",
					DB_TEXT, added[i].table, DB_TEXT, added[i].column, DB_INT);
		if (!enumerator || !enumerator->enumerate(enumerator, &count))
		{
			DESTROY_IF(enumerator);
			return FALSE;
		}
		enumerator->destroy(enumerator);
		if (count)
		{
			continue;
		}
		snprintf(sql, sizeof(sql), "ALTER TABLE %s ADD COLUMN %s %s",
				 added[i].table, added[i].column, added[i].type);
		if (this->db->execute(this->db, NULL, sql) < 0)
		{
			return FALSE;
		}
		DBG1(DBG_APP, "database: added %s.%s", added[i].table,
			 added[i].column);
	}
	return TRUE;
}

/**
 * Write-ahead logging: a commit appends to the -wal file and syncs it once
 * (synchronous = FULL keeps every recorded certificate across a power
 * loss), where the default rollback journal creates, syncs and deletes a
 * journal and syncs the database for each issuance. Readers (the operator's
 * getcertd --list) no longer block the writer. An in-memory database (tests,
 * fuzzing) has no file to log to and stays in journal_mode "memory".
 */
static bool use_wal(private_getcertd_db_t *this, char *uri)
{
	enumerator_t *enumerator;
	char *mode = NULL;
	bool ok = FALSE;

	enumerator = this->db->query(this->db, "PRAGMA journal_mode = WAL",
								 DB_TEXT);
	if (enumerator)
	{
		ok = enumerator->enumerate(enumerator, &mode) && mode &&
			 (strcaseeq(mode, "wal") ||
			  (streq(uri, "sqlite://:memory:") && strcaseeq(mode, "memory")));
		enumerator->destroy(enumerator);
	}
	if (!ok || this->db->execute(this->db, NULL,
								 "PRAGMA synchronous = FULL") < 0)
	{
		DBG1(DBG_APP, "switching the database '%s' to write-ahead logging "
			 "failed", uri);
		return FALSE;
	}
	return TRUE;
}

/**
 * Version of the schema getcertd_db_sqlite_create() brings a database to
 */
#define SCHEMA_VERSION 2

/**
 * Schema version 2: the login throttle's failure counters
 */
static char *schema_v2[] = {
	"CREATE TABLE IF NOT EXISTS failures ("
	" key TEXT NOT NULL,"
	" at REAL NOT NULL)",
	"CREATE INDEX IF NOT EXISTS failures_key ON failures (key, at)",
	"CREATE INDEX IF NOT EXISTS failures_at ON failures (at)",
};

/**
 * Version of the schema, 0 for a database of before versioning (or a new
 * one), -1 on errors
 */
static int get_version(private_getcertd_db_t *this)
{
	enumerator_t *enumerator;
	int version = -1;

	if (this->db->execute(this->db, NULL,
				"CREATE TABLE IF NOT EXISTS schema_version ("
				" version INTEGER NOT NULL)") < 0)
	{
		return -1;
	}
	enumerator = this->db->query(this->db,
				"SELECT coalesce(max(version), 0) FROM schema_version",
				DB_INT);
	if (!enumerator || !enumerator->enumerate(enumerator, &version))
	{
		version = -1;
	}
	DESTROY_IF(enumerator);
	return version;
}

/**
 * Run one step of the migration and record its version, all or nothing
 */
static bool migrate_step(private_getcertd_db_t *this, char **sql, int count,
						 bool columns, int version)
{
	bool ok = TRUE;
	int i;

	if (!begin(this))
	{
		return FALSE;
	}
	for (i = 0; ok && i < count; i++)
	{
		ok = this->db->execute(this->db, NULL, sql[i]) >= 0;
	}
	ok = ok && (!columns || add_columns(this)) &&
		 this->db->execute(this->db, NULL, "DELETE FROM schema_version") >= 0 &&
		 this->db->execute(this->db, NULL,
				"INSERT INTO schema_version (version) VALUES (?)",
				DB_INT, version) == 1;
	if (!end(this, ok))
	{
		return FALSE;
	}
	DBG1(DBG_APP, "database: schema version %d", version);
	return TRUE;
}

/**
 * Create the schema or bring an older one to SCHEMA_VERSION. Version 1 is
 * the schema of before versioning with every column added since (a
 * database without schema_version gets the columns it lacks); version 2
 * adds the failure counters.
 */
static bool migrate(private_getcertd_db_t *this, char *uri)
{
	int version;

	version = get_version(this);
	if (version < 0)
	{
		DBG1(DBG_APP, "reading the schema version of '%s' failed", uri);
		return FALSE;
	}
	if (version > SCHEMA_VERSION)
	{
		DBG1(DBG_APP, "database '%s' has schema version %d, this getcertd "
			 "knows up to %d: refusing to use it", uri, version,
			 SCHEMA_VERSION);
		return FALSE;
	}
	if ((version < 1 &&
		 !migrate_step(this, schema, countof(schema), TRUE, 1)) ||
		(version < 2 &&
		 !migrate_step(this, schema_v2, countof(schema_v2), FALSE, 2)))
	{
		DBG1(DBG_APP, "updating the database schema in '%s' from version %d "
			 "failed", uri, version);
		return FALSE;
	}
	return TRUE;
}

/*
 * Described in header
 */
getcertd_db_t *getcertd_db_sqlite_create(char *uri)
{
	private_getcertd_db_t *this;
	sqlite_database_t *sqlite;

	INIT(this,
		.public = {
			.get_transaction = _get_transaction,
			.add_pending = _add_pending,
			.decide = _decide,
			.add_issued = _add_issued,
			.get_cert = _get_cert,
			.get_info = _get_info,
			.revoke = _revoke,
			.revoke_user = _revoke_user,
			.get_revoked = _get_revoked,
			.next_crl_number = _next_crl_number,
			.list = _list,
			.is_shared = _is_shared,
			.get_failures = _get_failures,
			.add_failure = _add_failure,
			.clear_failures = _clear_failures,
			.destroy = _destroy,
		},
		.mutex = mutex_create(MUTEX_TYPE_DEFAULT),
	);
	sqlite = sqlite_database_create(uri);
	if (sqlite)
	{
		this->db = &sqlite->db;
	}
	if (!this->db)
	{
		DBG1(DBG_APP, "opening database '%s' failed", uri);
		this->mutex->destroy(this->mutex);
		free(this);
		return NULL;
	}
	if (!use_wal(this, uri) || !migrate(this, uri))
	{
		destroy(this);
		return NULL;
	}
	return &this->public;
}

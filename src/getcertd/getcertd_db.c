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
#include "getcertd_issuer.h"

#include <stdio.h>
#include <time.h>

#include <utils/debug.h>
#include <database/database.h>
#include <threading/mutex.h>
#include <credentials/certificates/x509.h>

ENUM(getcertd_tx_state_names, GETCERTD_TX_NONE, GETCERTD_TX_ISSUED,
	"none",
	"pending",
	"approved",
	"rejected",
	"issued",
);

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
	 * Serializes all access: strongSwan's sqlite database_t shares one
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
	" cert BLOB NOT NULL)",
	"CREATE TABLE IF NOT EXISTS transactions ("
	" transid TEXT PRIMARY KEY,"
	" state INTEGER NOT NULL,"
	" keyid BLOB NOT NULL,"
	" user TEXT,"
	" policy TEXT,"
	" client TEXT,"
	" csr BLOB,"
	" serial BLOB,"
	" created INTEGER NOT NULL)",
	"CREATE TABLE IF NOT EXISTS counters ("
	" name TEXT PRIMARY KEY,"
	" value INTEGER NOT NULL)",
};

METHOD(getcertd_db_t, get_transaction, getcertd_tx_state_t,
	private_getcertd_db_t *this, char *transid, chunk_t *keyid,
	chunk_t *serial, chunk_t *csr, char **user)
{
	enumerator_t *enumerator;
	getcertd_tx_state_t state = GETCERTD_TX_NONE;
	chunk_t k, s, c;
	char *u;
	int st;

	this->mutex->lock(this->mutex);
	enumerator = this->db->query(this->db,
				"SELECT state, keyid, serial, csr, user FROM transactions "
				"WHERE transid = ?", DB_TEXT, transid,
				DB_INT, DB_BLOB, DB_BLOB, DB_BLOB, DB_TEXT);
	if (enumerator)
	{
		if (enumerator->enumerate(enumerator, &st, &k, &s, &c, &u))
		{
			state = st;
			if (keyid)
			{
				*keyid = chunk_clone(k);
			}
			if (serial)
			{
				*serial = chunk_clone(s);
			}
			if (csr)
			{
				*csr = chunk_clone(c);
			}
			if (user)
			{
				*user = strdupnull(u);
			}
		}
		enumerator->destroy(enumerator);
	}
	this->mutex->unlock(this->mutex);
	return state;
}

METHOD(getcertd_db_t, add_pending, bool,
	private_getcertd_db_t *this, char *transid, chunk_t keyid, char *user,
	char *policy, char *client, chunk_t csr)
{
	bool ok;

	this->mutex->lock(this->mutex);
	ok = this->db->execute(this->db, NULL,
				"INSERT INTO transactions (transid, state, keyid, user, "
				"policy, client, csr, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
				DB_TEXT, transid, DB_INT, GETCERTD_TX_PENDING, DB_BLOB, keyid,
				DB_TEXT, user, DB_TEXT, policy, DB_TEXT, client, DB_BLOB, csr,
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
	private_getcertd_db_t *this, certificate_t *cert, char *transid,
	chunk_t keyid, char *user, char *policy, char *client)
{
	x509_t *x509 = (x509_t*)cert;
	time_t not_before, not_after;
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
	if (!this->db->transaction(this->db, TRUE))
	{
		this->mutex->unlock(this->mutex);
		chunk_free(&der);
		return FALSE;
	}
	if (this->db->execute(this->db, NULL,
				"INSERT INTO certificates (serial, subject, user, keyid, "
				"not_before, not_after, client, transid, policy, issued, cert) "
				"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
				DB_BLOB, serial, DB_TEXT, subject, DB_TEXT, user,
				DB_BLOB, keyid, DB_UINT, (u_int)not_before,
				DB_UINT, (u_int)not_after, DB_TEXT, client, DB_TEXT, transid,
				DB_TEXT, policy, DB_UINT, (u_int)time(NULL),
				DB_BLOB, der) == 1 &&
		/* an approved request completes; any other existing transaction
		 * makes the INSERT fail: one certificate per transaction, even
		 * for concurrent replays */
		(this->db->execute(this->db, NULL,
				"UPDATE transactions SET state = ?, serial = ? "
				"WHERE transid = ? AND state = ?",
				DB_INT, GETCERTD_TX_ISSUED, DB_BLOB, serial, DB_TEXT, transid,
				DB_INT, GETCERTD_TX_APPROVED) == 1 ||
		 this->db->execute(this->db, NULL,
				"INSERT INTO transactions (transid, state, keyid, "
				"user, policy, client, serial, created) "
				"VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
				DB_TEXT, transid, DB_INT, GETCERTD_TX_ISSUED, DB_BLOB, keyid,
				DB_TEXT, user, DB_TEXT, policy, DB_TEXT, client,
				DB_BLOB, serial, DB_UINT, (u_int)time(NULL)) == 1))
	{
		ok = this->db->commit(this->db);
	}
	else
	{
		this->db->rollback(this->db);
	}
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
	private_getcertd_db_t *this, chunk_t serial, char **user, bool *revoked)
{
	enumerator_t *enumerator;
	bool found = FALSE;
	u_int rev;
	char *u;

	this->mutex->lock(this->mutex);
	enumerator = this->db->query(this->db,
				"SELECT user, revoked FROM certificates WHERE serial = ?",
				DB_BLOB, serial, DB_TEXT, DB_UINT);
	if (enumerator)
	{
		if (enumerator->enumerate(enumerator, &u, &rev))
		{
			*user = strdupnull(u);
			*revoked = rev != 0;
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

/*
 * Described in header
 */
void getcertd_revoked_free(void *data)
{
	getcertd_revoked_t *revoked = data;

	chunk_free(&revoked->serial);
	free(revoked);
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
	if (enumerator)
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
	u_int number = 1;

	this->mutex->lock(this->mutex);
	if (!this->db->transaction(this->db, TRUE))
	{
		this->mutex->unlock(this->mutex);
		return number;
	}
	enumerator = this->db->query(this->db,
				"SELECT value FROM counters WHERE name = 'crl'", DB_UINT);
	if (enumerator)
	{
		if (enumerator->enumerate(enumerator, &number))
		{
			number++;
		}
		enumerator->destroy(enumerator);
	}
	this->db->execute(this->db, NULL,
				"INSERT OR REPLACE INTO counters (name, value) VALUES "
				"('crl', ?)", DB_UINT, number);
	this->db->commit(this->db);
	this->mutex->unlock(this->mutex);
	return number;
}

METHOD(getcertd_db_t, list, void,
	private_getcertd_db_t *this, FILE *out, bool pending)
{
	enumerator_t *enumerator;
	chunk_t serial;
	char *subject, *user, *client, *policy, *transid;
	u_int nb, na, revoked, created;

	this->mutex->lock(this->mutex);
	if (!pending)
	{
		enumerator = this->db->query(this->db,
				"SELECT serial, subject, user, not_before, not_after, client, "
				"revoked FROM certificates ORDER BY issued",
				DB_BLOB, DB_TEXT, DB_TEXT, DB_UINT, DB_UINT, DB_TEXT, DB_UINT);
		while (enumerator &&
			   enumerator->enumerate(enumerator, &serial, &subject, &user,
									 &nb, &na, &client, &revoked))
		{
			fprintf(out, "%#B  '%s'  user=%s  valid %T..%T  client=%s%s\n",
					&serial, subject, user ?: "-", &(time_t){nb}, TRUE,
					&(time_t){na}, TRUE, client ?: "-",
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
				"%T\n", transid, user ?: "-",
				policy ?: "-", client ?: "-", &(time_t){created}, TRUE);
	}
	DESTROY_IF(enumerator);
	this->mutex->unlock(this->mutex);
}

METHOD(getcertd_db_t, destroy, void,
	private_getcertd_db_t *this)
{
	this->db->destroy(this->db);
	this->mutex->destroy(this->mutex);
	free(this);
}

/*
 * Described in header
 */
getcertd_db_t *getcertd_db_create(char *uri)
{
	private_getcertd_db_t *this;
	int i;

	INIT(this,
		.public = {
			.get_transaction = _get_transaction,
			.add_pending = _add_pending,
			.decide = _decide,
			.add_issued = _add_issued,
			.get_cert = _get_cert,
			.get_info = _get_info,
			.revoke = _revoke,
			.get_revoked = _get_revoked,
			.next_crl_number = _next_crl_number,
			.list = _list,
			.destroy = _destroy,
		},
		.db = lib->db->create(lib->db, uri),
		.mutex = mutex_create(MUTEX_TYPE_DEFAULT),
	);
	if (!this->db)
	{
		DBG1(DBG_APP, "opening database '%s' failed", uri);
		this->mutex->destroy(this->mutex);
		free(this);
		return NULL;
	}
	for (i = 0; i < countof(schema); i++)
	{
		if (this->db->execute(this->db, NULL, schema[i]) < 0)
		{
			DBG1(DBG_APP, "creating the database schema in '%s' failed", uri);
			destroy(this);
			return NULL;
		}
	}
	return &this->public;
}

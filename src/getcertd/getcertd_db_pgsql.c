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

#include "getcertd_db_pgsql.h"
#include "getcertd_issuer.h"

#include <stdio.h>
#include <time.h>
#include <libpq-fe.h>

#include <utils/debug.h>
#include <threading/mutex.h>
#include <collections/linked_list.h>
#include <credentials/certificates/x509.h>

typedef struct private_getcertd_db_t private_getcertd_db_t;

/**
 * Idle connections kept at most; more are opened while workers need them
 * and closed when given back
 */
#define MAX_IDLE 16

/**
 * Version of the schema getcertd_db_pgsql_create() brings a database to
 */
#define SCHEMA_VERSION 2

/**
 * Key of the advisory lock that serializes the schema migrations of
 * getcertd instances starting at once
 */
#define MIGRATE_LOCK "4711000013"

/**
 * Parameters of a statement, at most
 */
#define MAX_PARAMS 20

/**
 * Private data of a getcertd_db_t object.
 */
struct private_getcertd_db_t {

	/**
	 * Public interface.
	 */
	getcertd_db_t public;

	/**
	 * libpq URI (may hold a password: wiped, never logged)
	 */
	char *uri;

	/**
	 * Idle connections, PGconn*
	 */
	linked_list_t *idle;

	/**
	 * Protects idle
	 */
	mutex_t *mutex;
};

/**
 * Parameters of a statement: text, or binary for bytea; NULL values for
 * NULL strings and empty chunks
 */
typedef struct {
	int count;
	const char *values[MAX_PARAMS];
	int lengths[MAX_PARAMS];
	int formats[MAX_PARAMS];
	char numbers[MAX_PARAMS][24];
} params_t;

/**
 * Add a text parameter, NULL for SQL NULL
 */
static void p_text(params_t *p, char *value)
{
	p->values[p->count] = value;
	p->lengths[p->count] = 0;
	p->formats[p->count++] = 0;
}

/**
 * Add a bytea parameter (binary), empty for SQL NULL
 */
static void p_blob(params_t *p, chunk_t value)
{
	p->values[p->count] = value.len ? (char*)value.ptr : NULL;
	p->lengths[p->count] = value.len;
	p->formats[p->count++] = 1;
}

/**
 * Add an integer parameter
 */
static void p_int(params_t *p, int64_t value)
{
	snprintf(p->numbers[p->count], sizeof(p->numbers[0]), "%lld",
			 (long long)value);
	p_text(p, p->numbers[p->count]);
}

/**
 * A bytea column of a binary result, empty for NULL (borrowed)
 */
static chunk_t r_blob(PGresult *res, int row, int col)
{
	if (PQgetisnull(res, row, col))
	{
		return chunk_empty;
	}
	return chunk_create((u_char*)PQgetvalue(res, row, col),
						PQgetlength(res, row, col));
}

/**
 * A text column of a binary result, NULL for NULL (allocated)
 */
static char *r_text(PGresult *res, int row, int col)
{
	if (PQgetisnull(res, row, col))
	{
		return NULL;
	}
	return strndup(PQgetvalue(res, row, col), PQgetlength(res, row, col));
}

/**
 * An integer (int2/4/8) or boolean column of a binary result, 0 for NULL
 */
static int64_t r_int(PGresult *res, int row, int col)
{
	u_char *value = (u_char*)PQgetvalue(res, row, col);

	if (PQgetisnull(res, row, col))
	{
		return 0;
	}
	switch (PQgetlength(res, row, col))
	{
		case 1:
			return value[0];
		case 2:
			return (int16_t)untoh16(value);
		case 4:
			return (int32_t)untoh32(value);
		case 8:
			return (int64_t)untoh64(value);
		default:
			return 0;
	}
}

/**
 * Log libpq's last message without its trailing newline
 */
static void log_error(char *what, char *message)
{
	int len = strlen(message);

	while (len && message[len - 1] == '\n')
	{
		len--;
	}
	DBG1(DBG_APP, "PostgreSQL: %s: %.*s", what, len, message);
}

/**
 * libpq's notices (NOTICE, WARNING of the server) go to the log at level
 * 2, not to stderr
 */
static void notice_cb(void *arg, const char *message)
{
	DBG2(DBG_APP, "PostgreSQL: %s", message);
}

/**
 * Open a connection. Our timeouts come first, so the URI's parameters
 * override them: connect_timeout bounds the connection, the statement,
 * lock and idle-in-transaction timeouts every statement, so a worker
 * never waits forever on the database.
 */
static PGconn *connect_db(private_getcertd_db_t *this)
{
	const char *keywords[] = {
		"connect_timeout", "options", "application_name", "dbname", NULL,
	};
	const char *values[] = {
		"5", "-c statement_timeout=10000 -c lock_timeout=5000 "
		"-c idle_in_transaction_session_timeout=10000", "getcertd",
		this->uri, NULL,
	};
	PGconn *conn;

	conn = PQconnectdbParams(keywords, values, 1);
	if (!conn)
	{
		DBG1(DBG_APP, "PostgreSQL: out of memory");
		return NULL;
	}
	if (PQstatus(conn) != CONNECTION_OK)
	{
		log_error("connecting failed", PQerrorMessage(conn));
		PQfinish(conn);
		return NULL;
	}
	PQsetNoticeProcessor(conn, notice_cb, NULL);
	return conn;
}

/**
 * Take an idle connection or open one
 */
static PGconn *get_conn(private_getcertd_db_t *this)
{
	PGconn *conn = NULL;

	this->mutex->lock(this->mutex);
	this->idle->remove_first(this->idle, (void**)&conn);
	this->mutex->unlock(this->mutex);
	return conn ?: connect_db(this);
}

/**
 * Give a connection back: kept if it is healthy and outside a
 * transaction, closed otherwise
 */
static void put_conn(private_getcertd_db_t *this, PGconn *conn)
{
	if (PQstatus(conn) == CONNECTION_OK &&
		PQtransactionStatus(conn) == PQTRANS_IDLE)
	{
		this->mutex->lock(this->mutex);
		if (this->idle->get_count(this->idle) < MAX_IDLE)
		{
			this->idle->insert_last(this->idle, conn);
			conn = NULL;
		}
		this->mutex->unlock(this->mutex);
	}
	if (conn)
	{
		PQfinish(conn);
	}
}

/**
 * Close every idle connection
 */
static void flush_idle(private_getcertd_db_t *this)
{
	PGconn *conn;

	this->mutex->lock(this->mutex);
	while (this->idle->remove_first(this->idle, (void**)&conn) == SUCCESS)
	{
		PQfinish(conn);
	}
	this->mutex->unlock(this->mutex);
}

/**
 * Run one statement in its own transaction (one round trip), results in
 * binary. A connection the server closed (restart, idle timeout) is
 * replaced and the statement sent once more: every statement here is
 * safe to repeat (a repeated issuance fails on the serial and the caller
 * reads the transaction back).
 *
 * @return			result to PQclear(), NULL on errors (logged)
 */
static PGresult *exec(private_getcertd_db_t *this, char *sql, params_t *p)
{
	ExecStatusType status;
	PGresult *res;
	PGconn *conn;
	bool lost;
	int attempt;

	for (attempt = 0; attempt < 2; attempt++)
	{
		conn = get_conn(this);
		if (!conn)
		{
			return NULL;
		}
		res = PQexecParams(conn, sql, p ? p->count : 0, NULL,
						   p ? p->values : NULL, p ? p->lengths : NULL,
						   p ? p->formats : NULL, 1);
		status = PQresultStatus(res);
		if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK)
		{
			put_conn(this, conn);
			return res;
		}
		lost = PQstatus(conn) == CONNECTION_BAD;
		if (!lost || attempt)
		{
			log_error(lost ? "connection lost" : "statement failed",
					  res ? PQresultErrorMessage(res) : PQerrorMessage(conn));
		}
		PQclear(res);
		put_conn(this, conn);
		if (!lost)
		{
			break;
		}
		/* the idle ones are most likely gone too (server restarted) */
		flush_idle(this);
	}
	return NULL;
}

/**
 * Run a statement that changes rows, -1 on errors, else the rows changed
 */
static int exec_count(private_getcertd_db_t *this, char *sql, params_t *p)
{
	PGresult *res;
	int count;

	res = exec(this, sql, p);
	if (!res)
	{
		return -1;
	}
	count = atoi(PQcmdTuples(res));
	PQclear(res);
	return count;
}

METHOD(getcertd_db_t, get_transaction, getcertd_tx_state_t,
	private_getcertd_db_t *this, char *transid, getcertd_tx_t *tx)
{
	params_t p = {};
	PGresult *res;

	*tx = (getcertd_tx_t){
		.state = GETCERTD_TX_NONE,
	};
	p_text(&p, transid);
	res = exec(this, "SELECT state, keyid, nonce, request, \"user\", policy, "
			   "client, csr, serial, chain_start FROM transactions "
			   "WHERE transid = $1", &p);
	if (res && PQntuples(res) == 1)
	{
		*tx = (getcertd_tx_t){
			.transid = strdup(transid),
			.state = r_int(res, 0, 0),
			.keyid = chunk_clone(r_blob(res, 0, 1)),
			.nonce = chunk_clone(r_blob(res, 0, 2)),
			.request = chunk_clone(r_blob(res, 0, 3)),
			.user = r_text(res, 0, 4),
			.policy = r_text(res, 0, 5),
			.client = r_text(res, 0, 6),
			.csr = chunk_clone(r_blob(res, 0, 7)),
			.serial = chunk_clone(r_blob(res, 0, 8)),
			.chain_start = r_int(res, 0, 9),
		};
	}
	PQclear(res);
	return tx->state;
}

METHOD(getcertd_db_t, add_pending, bool,
	private_getcertd_db_t *this, getcertd_tx_t *tx)
{
	params_t p = {};

	p_text(&p, tx->transid);
	p_int(&p, GETCERTD_TX_PENDING);
	p_blob(&p, tx->keyid);
	p_blob(&p, tx->nonce);
	p_blob(&p, tx->request);
	p_text(&p, tx->user);
	p_text(&p, tx->policy);
	p_text(&p, tx->client);
	p_blob(&p, tx->csr);
	p_int(&p, tx->chain_start);
	p_int(&p, time(NULL));
	return exec_count(this, "INSERT INTO transactions (transid, state, keyid, "
				"nonce, request, \"user\", policy, client, csr, chain_start, "
				"created) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
				"$11) ON CONFLICT (transid) DO NOTHING", &p) == 1;
}

METHOD(getcertd_db_t, decide, bool,
	private_getcertd_db_t *this, char *transid, bool approve)
{
	params_t p = {};

	p_int(&p, approve ? GETCERTD_TX_APPROVED : GETCERTD_TX_REJECTED);
	p_text(&p, transid);
	p_int(&p, GETCERTD_TX_PENDING);
	return exec_count(this, "UPDATE transactions SET state = $1 "
				"WHERE transid = $2 AND state = $3", &p) == 1;
}

/**
 * The issuance as one server-side function, called in one statement: one
 * round trip, one transaction (the statement's). In order: the certificate
 * (its serial is the primary key: never two alike); the renewed
 * certificate superseded, which it must not be already (two concurrent
 * renewals with it: the second waits for the first's row lock, then finds
 * it superseded); the transaction issued: completing an approved one,
 * replacing the issued one whose serial is p_replaces, or new (the
 * primary key on transid makes the loser of two concurrent copies fail).
 * Any failure raises and rolls all of it back; the caller reads the
 * transaction again and answers with the winner's certificate.
 */
static char *issue_function =
	"CREATE OR REPLACE FUNCTION getcertd_issue(p_serial bytea, "
	" p_subject text, p_user text, p_keyid bytea, p_not_before bigint, "
	" p_not_after bigint, p_client text, p_transid text, p_policy text, "
	" p_now bigint, p_chain_start bigint, p_cert bytea, "
	" p_server_keygen boolean, p_renews bytea, p_replaces bytea, "
	" p_nonce bytea, p_request bytea, p_approved integer, "
	" p_issued integer) RETURNS void LANGUAGE plpgsql AS $$ "
	"BEGIN "
	" INSERT INTO certificates (serial, subject, \"user\", keyid, "
	"  not_before, not_after, client, transid, policy, issued, "
	"  chain_start, cert, server_keygen) VALUES (p_serial, p_subject, "
	"  p_user, p_keyid, p_not_before, p_not_after, p_client, p_transid, "
	"  p_policy, p_now, p_chain_start, p_cert, p_server_keygen); "
	" IF p_renews IS NOT NULL THEN "
	"  UPDATE certificates SET superseded = p_serial "
	"   WHERE serial = p_renews AND superseded IS NULL "
	"   AND revoked IS NULL; "
	"  IF NOT FOUND THEN "
	"   RAISE EXCEPTION 'renewed certificate superseded or revoked' "
	"    USING ERRCODE = 'GC001'; "
	"  END IF; "
	" END IF; "
	" UPDATE transactions SET state = p_issued, serial = p_serial "
	"  WHERE transid = p_transid AND state = p_approved; "
	" IF FOUND THEN "
	"  RETURN; "
	" END IF; "
	" IF p_replaces IS NOT NULL THEN "
	"  UPDATE transactions SET keyid = p_keyid, nonce = p_nonce, "
	"   request = p_request, \"user\" = p_user, policy = p_policy, "
	"   client = p_client, serial = p_serial, "
	"   chain_start = p_chain_start, created = p_now "
	"   WHERE transid = p_transid AND state = p_issued "
	"   AND serial = p_replaces; "
	"  IF NOT FOUND THEN "
	"   RAISE EXCEPTION 'replaced transaction changed' "
	"    USING ERRCODE = 'GC002'; "
	"  END IF; "
	" ELSE "
	"  INSERT INTO transactions (transid, state, keyid, nonce, request, "
	"   \"user\", policy, client, serial, chain_start, created) VALUES "
	"   (p_transid, p_issued, p_keyid, p_nonce, p_request, p_user, "
	"   p_policy, p_client, p_serial, p_chain_start, p_now); "
	" END IF; "
	"END $$";

METHOD(getcertd_db_t, add_issued, bool,
	private_getcertd_db_t *this, certificate_t *cert, getcertd_tx_t *tx,
	chunk_t replaces)
{
	x509_t *x509 = (x509_t*)cert;
	time_t not_before, not_after;
	char subject[512];
	params_t p = {};
	PGresult *res;
	chunk_t der;

	if (!cert->get_encoding(cert, CERT_ASN1_DER, &der))
	{
		return FALSE;
	}
	cert->get_validity(cert, NULL, &not_before, &not_after);
	snprintf(subject, sizeof(subject), "%Y", cert->get_subject(cert));
	p_blob(&p, x509->get_serial(x509));
	p_text(&p, subject);
	p_text(&p, tx->user);
	p_blob(&p, tx->keyid);
	p_int(&p, not_before);
	p_int(&p, not_after);
	p_text(&p, tx->client);
	p_text(&p, tx->transid);
	p_text(&p, tx->policy);
	p_int(&p, time(NULL));
	p_int(&p, tx->chain_start);
	p_blob(&p, der);
	p_text(&p, tx->server_keygen ? "true" : "false");
	p_blob(&p, tx->renews);
	p_blob(&p, replaces);
	p_blob(&p, tx->nonce);
	p_blob(&p, tx->request);
	p_int(&p, GETCERTD_TX_APPROVED);
	p_int(&p, GETCERTD_TX_ISSUED);
	res = exec(this, "SELECT getcertd_issue($1, $2, $3, $4, $5, $6, $7, $8, "
			   "$9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)", &p);
	chunk_free(&der);
	PQclear(res);
	return res != NULL;
}

METHOD(getcertd_db_t, get_cert, certificate_t*,
	private_getcertd_db_t *this, chunk_t serial)
{
	certificate_t *cert = NULL;
	params_t p = {};
	PGresult *res;

	p_blob(&p, serial);
	res = exec(this, "SELECT cert FROM certificates WHERE serial = $1", &p);
	if (res && PQntuples(res) == 1)
	{
		cert = lib->creds->create(lib->creds, CRED_CERTIFICATE, CERT_X509,
								  BUILD_BLOB_ASN1_DER, r_blob(res, 0, 0),
								  BUILD_END);
	}
	PQclear(res);
	return cert;
}

METHOD(getcertd_db_t, get_info, bool,
	private_getcertd_db_t *this, chunk_t serial, getcertd_cert_info_t *info)
{
	params_t p = {};
	PGresult *res;
	bool found = FALSE;

	*info = (getcertd_cert_info_t){};
	p_blob(&p, serial);
	res = exec(this, "SELECT \"user\", policy, coalesce(chain_start, issued), "
			   "revoked IS NOT NULL, superseded IS NOT NULL FROM certificates "
			   "WHERE serial = $1", &p);
	if (res && PQntuples(res) == 1)
	{
		*info = (getcertd_cert_info_t){
			.user = r_text(res, 0, 0),
			.policy = r_text(res, 0, 1),
			.chain_start = r_int(res, 0, 2),
			.revoked = r_int(res, 0, 3) != 0,
			.superseded = r_int(res, 0, 4) != 0,
		};
		found = TRUE;
	}
	PQclear(res);
	return found;
}

METHOD(getcertd_db_t, revoke, bool,
	private_getcertd_db_t *this, chunk_t serial)
{
	params_t p = {};

	p_int(&p, time(NULL));
	p_blob(&p, serial);
	return exec_count(this, "UPDATE certificates SET revoked = $1 "
				"WHERE serial = $2 AND revoked IS NULL", &p) == 1;
}

METHOD(getcertd_db_t, revoke_user, int,
	private_getcertd_db_t *this, char *user)
{
	params_t p = {};

	p_int(&p, time(NULL));
	p_text(&p, user);
	return exec_count(this, "UPDATE certificates SET revoked = $1 "
				"WHERE \"user\" = $2 AND revoked IS NULL AND not_after > $1",
				&p);
}

METHOD(getcertd_db_t, get_revoked, linked_list_t*,
	private_getcertd_db_t *this)
{
	getcertd_revoked_t *revoked;
	linked_list_t *list;
	PGresult *res;
	int i;

	res = exec(this, "SELECT serial, revoked FROM certificates "
			   "WHERE revoked IS NOT NULL ORDER BY revoked", NULL);
	if (!res)
	{	/* never a CRL that says nothing is revoked because of an error */
		return NULL;
	}
	list = linked_list_create();
	for (i = 0; i < PQntuples(res); i++)
	{
		INIT(revoked,
			.serial = chunk_clone(r_blob(res, i, 0)),
			.date = r_int(res, i, 1),
		);
		list->insert_last(list, revoked);
	}
	PQclear(res);
	return list;
}

METHOD(getcertd_db_t, next_crl_number, u_int,
	private_getcertd_db_t *this)
{
	PGresult *res;
	int64_t number = 0;

	/* a sequence: every instance gets another number, never one twice */
	res = exec(this, "SELECT nextval('crl_number')", NULL);
	if (res && PQntuples(res) == 1)
	{
		number = r_int(res, 0, 0);
	}
	PQclear(res);
	return number > 0 && number <= UINT_MAX ? number : 0;
}

METHOD(getcertd_db_t, list, void,
	private_getcertd_db_t *this, FILE *out, bool pending)
{
	char b1[512], b2[128], b3[64], b4[129], *s1, *s2, *s3, *s4;
	params_t p = {};
	PGresult *res;
	chunk_t serial;
	int i;

	if (!pending)
	{
		res = exec(this, "SELECT serial, subject, \"user\", not_before, "
				   "not_after, client, revoked IS NOT NULL, server_keygen "
				   "FROM certificates ORDER BY issued", NULL);
		for (i = 0; res && i < PQntuples(res); i++)
		{
			serial = r_blob(res, i, 0);
			s1 = r_text(res, i, 1);
			s2 = r_text(res, i, 2);
			s3 = r_text(res, i, 5);
			fprintf(out, "%#B  '%s'  user=%s  valid %T..%T  client=%s%s%s\n",
					&serial, getcertd_db_sane(s1, b1, sizeof(b1)),
					getcertd_db_sane(s2, b2, sizeof(b2)),
					&(time_t){r_int(res, i, 3)}, TRUE,
					&(time_t){r_int(res, i, 4)}, TRUE,
					getcertd_db_sane(s3, b3, sizeof(b3)),
					r_int(res, i, 7) ? "  key=server-generated" : "",
					r_int(res, i, 6) ? "  REVOKED" : "");
			free(s1);
			free(s2);
			free(s3);
		}
		PQclear(res);
	}
	p_int(&p, GETCERTD_TX_PENDING);
	res = exec(this, "SELECT transid, \"user\", policy, client, created "
			   "FROM transactions WHERE state = $1 ORDER BY created", &p);
	for (i = 0; res && i < PQntuples(res); i++)
	{
		s4 = r_text(res, i, 0);
		s2 = r_text(res, i, 1);
		s1 = r_text(res, i, 2);
		s3 = r_text(res, i, 3);
		fprintf(out, "pending %s  user=%s  policy=%s  client=%s  since "
				"%T\n", getcertd_db_sane(s4, b4, sizeof(b4)),
				getcertd_db_sane(s2, b2, sizeof(b2)),
				getcertd_db_sane(s1, b1, sizeof(b1)),
				getcertd_db_sane(s3, b3, sizeof(b3)),
				&(time_t){r_int(res, i, 4)}, TRUE);
		free(s1);
		free(s2);
		free(s3);
		free(s4);
	}
	PQclear(res);
}

METHOD(getcertd_db_t, is_shared, bool,
	private_getcertd_db_t *this)
{
	return TRUE;
}

METHOD(getcertd_db_t, get_failures, bool,
	private_getcertd_db_t *this, char *key, uint64_t since, u_int limit,
	u_int *count, uint64_t *oldest)
{
	params_t p = {};
	PGresult *res;
	bool ok = FALSE;

	p_text(&p, key);
	p_int(&p, since);
	p_int(&p, limit);
	res = exec(this, "SELECT count(*), coalesce(min(at), $2) FROM (SELECT at "
			   "FROM failures WHERE key = $1 AND at >= $2 ORDER BY at DESC "
			   "LIMIT $3) AS newest", &p);
	if (res && PQntuples(res) == 1)
	{
		*count = r_int(res, 0, 0);
		*oldest = r_int(res, 0, 1);
		ok = TRUE;
	}
	PQclear(res);
	return ok;
}

METHOD(getcertd_db_t, add_failure, bool,
	private_getcertd_db_t *this, char *key, uint64_t now, uint64_t expired)
{
	params_t p = {};

	p_text(&p, key);
	p_int(&p, now);
	p_int(&p, expired);
	return exec_count(this, "WITH expired AS (DELETE FROM failures "
				"WHERE at < $3) INSERT INTO failures (key, at) "
				"VALUES ($1, $2)", &p) == 1;
}

METHOD(getcertd_db_t, clear_failures, bool,
	private_getcertd_db_t *this, char *key)
{
	params_t p = {};

	p_text(&p, key);
	return exec_count(this, "DELETE FROM failures WHERE key = $1", &p) >= 0;
}

METHOD(getcertd_db_t, destroy, void,
	private_getcertd_db_t *this)
{
	this->idle->destroy_function(this->idle, (void*)PQfinish);
	this->mutex->destroy(this->mutex);
	if (this->uri)
	{
		memwipe(this->uri, strlen(this->uri));
		free(this->uri);
	}
	free(this);
}

/**
 * Schema version 1: the records
 */
static char *schema_v1[] = {
	"CREATE TABLE certificates ("
	" serial bytea PRIMARY KEY,"
	" subject text NOT NULL,"
	" \"user\" text,"
	" keyid bytea NOT NULL,"
	" not_before bigint NOT NULL,"
	" not_after bigint NOT NULL,"
	" client text,"
	" transid text,"
	" policy text,"
	" issued bigint NOT NULL,"
	" revoked bigint,"
	" cert bytea NOT NULL,"
	" chain_start bigint,"
	" superseded bytea,"
	" server_keygen boolean NOT NULL DEFAULT false)",
	"CREATE INDEX certificates_user ON certificates (\"user\")",
	"CREATE INDEX certificates_revoked ON certificates (revoked) "
	" WHERE revoked IS NOT NULL",
	"CREATE TABLE transactions ("
	" transid text PRIMARY KEY,"
	" state integer NOT NULL,"
	" keyid bytea NOT NULL,"
	" \"user\" text,"
	" policy text,"
	" client text,"
	" csr bytea,"
	" serial bytea,"
	" created bigint NOT NULL,"
	" nonce bytea,"
	" request bytea,"
	" chain_start bigint)",
	"CREATE INDEX transactions_pending ON transactions (created) "
	" WHERE state = 1",
	"CREATE SEQUENCE crl_number",
	NULL,	/* issue_function */
};

/**
 * Schema version 2: the login throttle's failure counters
 */
static char *schema_v2[] = {
	"CREATE TABLE failures ("
	" key text NOT NULL,"
	" at bigint NOT NULL)",
	"CREATE INDEX failures_key ON failures (key, at)",
	"CREATE INDEX failures_at ON failures (at)",
};

/**
 * Run a statement without parameters on a connection, TRUE if it worked
 */
static bool exec_on(PGconn *conn, char *sql, int64_t *value)
{
	PGresult *res;
	bool ok;

	res = PQexecParams(conn, sql, 0, NULL, NULL, NULL, NULL, 1);
	ok = PQresultStatus(res) == PGRES_COMMAND_OK ||
		 PQresultStatus(res) == PGRES_TUPLES_OK;
	if (!ok)
	{
		log_error("migrating the schema failed",
				  res ? PQresultErrorMessage(res) : PQerrorMessage(conn));
	}
	else if (value && PQntuples(res) == 1)
	{
		*value = r_int(res, 0, 0);
	}
	PQclear(res);
	return ok;
}

/**
 * Run the statements of a schema version on a connection
 */
static bool exec_all(PGconn *conn, char **sql, int count)
{
	int i;

	for (i = 0; i < count; i++)
	{
		if (!exec_on(conn, sql[i] ?: issue_function, NULL))
		{
			return FALSE;
		}
	}
	return TRUE;
}

/**
 * Create the schema or bring an older one to SCHEMA_VERSION, in one
 * transaction under an advisory lock: instances starting at once migrate
 * one after the other, the later ones find the work done.
 */
static bool migrate(private_getcertd_db_t *this)
{
	char sql[128];
	int64_t version = -1;
	PGconn *conn;
	bool ok;

	conn = get_conn(this);
	if (!conn)
	{
		return FALSE;
	}
	ok = exec_on(conn, "BEGIN", NULL) &&
		 exec_on(conn, "SELECT pg_advisory_xact_lock(" MIGRATE_LOCK ")",
				 NULL) &&
		 exec_on(conn, "CREATE TABLE IF NOT EXISTS schema_version ("
				 " version integer NOT NULL)", NULL) &&
		 exec_on(conn, "SELECT coalesce(max(version), 0)::bigint "
				 "FROM schema_version", &version);
	if (ok && version > SCHEMA_VERSION)
	{
		DBG1(DBG_APP, "PostgreSQL: schema version %lld, this getcertd knows "
			 "up to %d: refusing to use the database", (long long)version,
			 SCHEMA_VERSION);
		ok = FALSE;
	}
	if (ok && version < SCHEMA_VERSION)
	{
		snprintf(sql, sizeof(sql), "INSERT INTO schema_version (version) "
				 "VALUES (%d)", SCHEMA_VERSION);
		ok = (version >= 1 || exec_all(conn, schema_v1,
									   countof(schema_v1))) &&
			 (version >= 2 || exec_all(conn, schema_v2,
									   countof(schema_v2))) &&
			 exec_on(conn, "DELETE FROM schema_version", NULL) &&
			 exec_on(conn, sql, NULL);
	}
	ok = exec_on(conn, ok ? "COMMIT" : "ROLLBACK", NULL) && ok;
	if (ok && version < SCHEMA_VERSION)
	{
		DBG1(DBG_APP, "PostgreSQL: schema version %d (was %lld)",
			 SCHEMA_VERSION, (long long)version);
	}
	put_conn(this, conn);
	return ok;
}

/*
 * Described in header
 */
getcertd_db_t *getcertd_db_pgsql_create(char *uri)
{
	private_getcertd_db_t *this;

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
		.uri = strdup(uri),
		.idle = linked_list_create(),
		.mutex = mutex_create(MUTEX_TYPE_DEFAULT),
	);
	if (!migrate(this))
	{
		DBG1(DBG_APP, "opening the PostgreSQL database failed");
		destroy(this);
		return NULL;
	}
	return &this->public;
}

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

#include <test_suite.h>
#include <getcert_test_certs.h>

#include <getcertd_db.h>
#include <getcertd_throttle.h>
#include <getcertd_issuer.h>

#include <glob.h>
#include <pwd.h>
#include <signal.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <libpq-fe.h>

#include <credentials/certificates/x509.h>
#include <threading/thread.h>
#include <plugins/sqlite/sqlite_database.h>

#include <sched.h>
#include <time.h>

/**
 * Backends the storage tests run against: SQLite always; PostgreSQL in a
 * throwaway server this test starts (Unix socket only, no TCP), if
 * Debian's server is installed and GETCERTD_TEST_PGSQL is not "no"
 */
enum {
	BACKEND_SQLITE,
	BACKEND_PGSQL,
	BACKEND_COUNT,
};

/**
 * The throwaway PostgreSQL server: directory (socket and data), PID, URI
 */
static char pg_dir[64];
static pid_t pg_pid;
static char pg_uri[256];

/**
 * Directory of Debian's PostgreSQL server binaries, NULL if not installed
 */
static char *pg_bindir()
{
	static char dir[128];
	glob_t g;

	if (dir[0])
	{
		return dir;
	}
	if (glob("/usr/lib/postgresql/*/bin/initdb", 0, NULL, &g) != 0)
	{
		return NULL;
	}
	snprintf(dir, sizeof(dir), "%s", g.gl_pathv[g.gl_pathc - 1]);
	*strrchr(dir, '/') = '\0';
	globfree(&g);
	return dir;
}

/**
 * Whether the PostgreSQL tests run
 */
static bool pg_wanted()
{
	char *env = getenv("GETCERTD_TEST_PGSQL");

	return !(env && streq(env, "no")) && pg_bindir() && getuid() == 0 &&
		   getpwnam("postgres");
}

/**
 * Stop the throwaway server, remove its files
 */
static void pg_stop()
{
	char cmd[128];

	if (pg_pid > 0)
	{
		kill(pg_pid, SIGINT);
		waitpid(pg_pid, NULL, 0);
		pg_pid = 0;
	}
	if (pg_dir[0])
	{
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", pg_dir);
		ignore_result(system(cmd));
		pg_dir[0] = '\0';
	}
}

/**
 * Start the throwaway server once for the test run (stopped at exit)
 */
static void pg_start()
{
	struct passwd *pw;
	char cmd[512], data[128];
	int i;

	if (pg_pid)
	{
		return;
	}
	pw = getpwnam("postgres");
	ck_assert(pw);
	strcpy(pg_dir, "/tmp/getcertd-pgtest.XXXXXX");
	ck_assert(mkdtemp(pg_dir));
	ck_assert(chown(pg_dir, pw->pw_uid, pw->pw_gid) == 0);
	atexit(pg_stop);
	snprintf(data, sizeof(data), "%s/data", pg_dir);
	snprintf(cmd, sizeof(cmd), "runuser -u postgres -- %s/initdb -D %s "
			 "-A trust -U postgres -E UTF8 --no-sync >%s/initdb.log 2>&1",
			 pg_bindir(), data, pg_dir);
	ck_assert_msg(system(cmd) == 0, "initdb failed, see %s/initdb.log",
				  pg_dir);
	pg_pid = fork();
	ck_assert(pg_pid >= 0);
	if (pg_pid == 0)
	{
		if (setgid(pw->pw_gid) == 0 && setuid(pw->pw_uid) == 0)
		{
			snprintf(cmd, sizeof(cmd), "%s/postgres.log", pg_dir);
			if (!freopen(cmd, "a", stderr) ||
				!freopen("/dev/null", "w", stdout))
			{
				_exit(126);
			}
			snprintf(cmd, sizeof(cmd), "%s/postgres", pg_bindir());
			execl(cmd, "postgres", "-D", data, "-k", pg_dir,
				  "-c", "listen_addresses=", "-c", "fsync=off", NULL);
		}
		_exit(127);
	}
	snprintf(pg_uri, sizeof(pg_uri),
			 "postgresql://postgres@/postgres?host=%s", pg_dir);
	for (i = 0; i < 300 && PQping(pg_uri) != PQPING_OK; i++)
	{
		usleep(50000);
	}
	ck_assert_msg(PQping(pg_uri) == PQPING_OK, "PostgreSQL did not start");
}

/**
 * Empty the PostgreSQL database: drop every table, sequence and function
 */
static void pg_reset()
{
	PGresult *res;
	PGconn *conn;

	conn = PQconnectdb(pg_uri);
	ck_assert(PQstatus(conn) == CONNECTION_OK);
	res = PQexec(conn, "SET client_min_messages = warning; "
				 "DROP SCHEMA public CASCADE; CREATE SCHEMA public");
	ck_assert(PQresultStatus(res) == PGRES_COMMAND_OK);
	PQclear(res);
	PQfinish(conn);
}

/**
 * Open a fresh database of a backend
 */
static getcertd_db_t *open_backend(int backend)
{
	getcertd_db_t *db;

	if (backend == BACKEND_PGSQL)
	{
		pg_start();
		pg_reset();
		db = getcertd_db_create(pg_uri);
	}
	else
	{
		db = getcertd_db_create("sqlite://:memory:");
	}
	ck_assert(db);
	return db;
}

static private_key_t *ca_key, *ee_key;
static certificate_t *ca;
static getcertd_db_t *db;

START_SETUP(setup_db)
{
	ca_key = gt_key();
	ee_key = gt_key();
	ca = gt_cert(ca_key, "CN=DB CA", NULL, NULL, NULL, TRUE, 3600);
	ck_assert(ca_key && ee_key && ca);
	db = open_backend(_i % BACKEND_COUNT);
}
END_SETUP

START_TEARDOWN(teardown_db)
{
	db->destroy(db);
	ca->destroy(ca);
	ca_key->destroy(ca_key);
	ee_key->destroy(ee_key);
}
END_TEARDOWN

/**
 * A certificate for carol (fresh random serial), lifetime in seconds
 */
static certificate_t *issue(int lifetime)
{
	certificate_t *cert;

	cert = gt_cert(ee_key, "CN=carol", "carol@strongswan.org", ca_key, ca,
				   FALSE, lifetime);
	ck_assert(cert);
	return cert;
}

static chunk_t serial_of(certificate_t *cert)
{
	return ((x509_t*)cert)->get_serial((x509_t*)cert);
}

static u_char keyid[] = { 0x01, 0x02, 0x03, 0x04 };
static u_char nonce[] = { 0x05, 0x06 };
static u_char request[] = { 0x07, 0x08, 0x09 };
static u_char csr[] = { 0x30, 0x00 };

/**
 * A transaction of carol's as the SCEP and EST code fill it
 */
static getcertd_tx_t tx_of(char *transid)
{
	return (getcertd_tx_t){
		.transid = transid,
		.keyid = chunk_create(keyid, sizeof(keyid)),
		.nonce = chunk_create(nonce, sizeof(nonce)),
		.request = chunk_create(request, sizeof(request)),
		.user = "carol",
		.policy = "users",
		.client = "192.0.2.1",
		.csr = chunk_create(csr, sizeof(csr)),
		.chain_start = 1700000000,
	};
}

/**
 * Check the recorded transaction: state and serial
 */
static void check_tx(char *transid, getcertd_tx_state_t state,
					 certificate_t *cert)
{
	getcertd_tx_t tx;

	ck_assert_int_eq(db->get_transaction(db, transid, &tx), state);
	ck_assert_int_eq(tx.state, state);
	if (state != GETCERTD_TX_NONE)
	{
		ck_assert_str_eq(tx.transid, transid);
		ck_assert_str_eq(tx.user, "carol");
		ck_assert_str_eq(tx.policy, "users");
		ck_assert_str_eq(tx.client, "192.0.2.1");
		ck_assert_chunk_eq(tx.keyid, chunk_create(keyid, sizeof(keyid)));
		ck_assert_chunk_eq(tx.nonce, chunk_create(nonce, sizeof(nonce)));
		ck_assert_chunk_eq(tx.request,
						   chunk_create(request, sizeof(request)));
		ck_assert_int_eq(tx.chain_start, 1700000000);
	}
	if (cert)
	{
		ck_assert_chunk_eq(tx.serial, serial_of(cert));
	}
	getcertd_tx_clear(&tx);
}

/**
 * Whether the certificate is recorded, byte for byte
 */
static bool recorded(certificate_t *cert)
{
	certificate_t *found;
	bool same;

	found = db->get_cert(db, serial_of(cert));
	same = found && found->equals(found, cert);
	DESTROY_IF(found);
	return same;
}

START_TEST(test_issue)
{
	getcertd_cert_info_t info;
	certificate_t *cert;
	getcertd_tx_t tx = tx_of("tx-issue");

	check_tx("tx-issue", GETCERTD_TX_NONE, NULL);
	cert = issue(3600);
	tx.server_keygen = TRUE;
	ck_assert(db->add_issued(db, cert, &tx, chunk_empty));
	check_tx("tx-issue", GETCERTD_TX_ISSUED, cert);
	ck_assert(recorded(cert));
	ck_assert(db->get_info(db, serial_of(cert), &info));
	ck_assert_str_eq(info.user, "carol");
	ck_assert_str_eq(info.policy, "users");
	ck_assert_int_eq(info.chain_start, 1700000000);
	ck_assert(!info.revoked);
	ck_assert(!info.superseded);
	getcertd_cert_info_clear(&info);
	ck_assert(!db->get_info(db, chunk_from_chars(0x42), &info));
	ck_assert(!db->get_cert(db, chunk_from_chars(0x42)));
	cert->destroy(cert);
}
END_TEST

START_TEST(test_issue_twice)
{
	certificate_t *first, *second;
	getcertd_tx_t tx = tx_of("tx-twice");

	/* a concurrent retransmission that lost: not recorded, the winner's
	 * certificate stays the transaction's */
	first = issue(3600);
	second = issue(3600);
	ck_assert(db->add_issued(db, first, &tx, chunk_empty));
	ck_assert(!db->add_issued(db, second, &tx, chunk_empty));
	check_tx("tx-twice", GETCERTD_TX_ISSUED, first);
	ck_assert(recorded(first));
	ck_assert(!recorded(second));
	/* the same serial twice never */
	tx.transid = "tx-other";
	ck_assert(!db->add_issued(db, first, &tx, chunk_empty));
	check_tx("tx-other", GETCERTD_TX_NONE, NULL);
	first->destroy(first);
	second->destroy(second);
}
END_TEST

START_TEST(test_replace)
{
	certificate_t *first, *second, *third;
	getcertd_tx_t tx = tx_of("tx-replace");

	first = issue(3600);
	second = issue(3600);
	third = issue(3600);
	ck_assert(db->add_issued(db, first, &tx, chunk_empty));
	/* the client reuses its transactionID: replaced if still the one
	 * looked at */
	ck_assert(db->add_issued(db, second, &tx, serial_of(first)));
	check_tx("tx-replace", GETCERTD_TX_ISSUED, second);
	ck_assert(!db->add_issued(db, third, &tx, serial_of(first)));
	check_tx("tx-replace", GETCERTD_TX_ISSUED, second);
	ck_assert(!recorded(third));
	first->destroy(first);
	second->destroy(second);
	third->destroy(third);
}
END_TEST

START_TEST(test_renew)
{
	getcertd_cert_info_t info;
	certificate_t *old, *new, *other;
	getcertd_tx_t tx = tx_of("tx-old");

	old = issue(3600);
	new = issue(3600);
	other = issue(3600);
	ck_assert(db->add_issued(db, old, &tx, chunk_empty));
	tx.transid = "tx-new";
	tx.renews = serial_of(old);
	ck_assert(db->add_issued(db, new, &tx, chunk_empty));
	ck_assert(db->get_info(db, serial_of(old), &info));
	ck_assert(info.superseded);
	getcertd_cert_info_clear(&info);
	/* only the newest certificate of a chain renews: all rolled back */
	tx.transid = "tx-other";
	ck_assert(!db->add_issued(db, other, &tx, chunk_empty));
	ck_assert(!recorded(other));
	check_tx("tx-other", GETCERTD_TX_NONE, NULL);
	/* neither does a revoked one */
	tx.renews = serial_of(new);
	ck_assert(db->revoke(db, serial_of(new)));
	ck_assert(!db->add_issued(db, other, &tx, chunk_empty));
	ck_assert(!recorded(other));
	old->destroy(old);
	new->destroy(new);
	other->destroy(other);
}
END_TEST

START_TEST(test_pending)
{
	certificate_t *cert;
	getcertd_tx_t tx = tx_of("tx-pending"), known;
	char *buf = NULL;
	size_t len = 0;
	FILE *out;

	ck_assert(db->add_pending(db, &tx));
	ck_assert(!db->add_pending(db, &tx));
	ck_assert_int_eq(db->get_transaction(db, "tx-pending", &known),
					 GETCERTD_TX_PENDING);
	ck_assert_chunk_eq(known.csr, chunk_create(csr, sizeof(csr)));
	getcertd_tx_clear(&known);
	out = open_memstream(&buf, &len);
	db->list(db, out, TRUE);
	fclose(out);
	ck_assert(strstr(buf, "pending tx-pending  user=carol  policy=users  "
					 "client=192.0.2.1"));
	free(buf);
	ck_assert(!db->decide(db, "tx-unknown", TRUE));
	ck_assert(db->decide(db, "tx-pending", TRUE));
	ck_assert(!db->decide(db, "tx-pending", FALSE));
	check_tx("tx-pending", GETCERTD_TX_APPROVED, NULL);
	cert = issue(3600);
	ck_assert(db->add_issued(db, cert, &tx, chunk_empty));
	check_tx("tx-pending", GETCERTD_TX_ISSUED, cert);
	cert->destroy(cert);

	tx.transid = "tx-rejected";
	ck_assert(db->add_pending(db, &tx));
	ck_assert(db->decide(db, "tx-rejected", FALSE));
	check_tx("tx-rejected", GETCERTD_TX_REJECTED, NULL);
}
END_TEST

START_TEST(test_revoke)
{
	certificate_t *a, *b, *expired;
	getcertd_revoked_t *revoked;
	getcertd_tx_t tx = tx_of("tx-a");
	linked_list_t *list;
	char *buf = NULL;
	size_t len = 0;
	FILE *out;

	a = issue(3600);
	b = issue(3600);
	expired = issue(-60);
	ck_assert(db->add_issued(db, a, &tx, chunk_empty));
	tx.transid = "tx-b";
	ck_assert(db->add_issued(db, b, &tx, chunk_empty));
	tx.transid = "tx-expired";
	ck_assert(db->add_issued(db, expired, &tx, chunk_empty));
	list = db->get_revoked(db);
	ck_assert(list);
	ck_assert_int_eq(list->get_count(list), 0);
	list->destroy(list);

	ck_assert(db->revoke(db, serial_of(a)));
	ck_assert(!db->revoke(db, serial_of(a)));
	ck_assert(!db->revoke(db, chunk_from_chars(0x42)));
	/* the current ones not revoked yet: b, not the expired one */
	ck_assert_int_eq(db->revoke_user(db, "carol"), 1);
	ck_assert_int_eq(db->revoke_user(db, "dave"), 0);
	list = db->get_revoked(db);
	ck_assert(list);
	ck_assert_int_eq(list->get_count(list), 2);
	ck_assert(list->get_first(list, (void**)&revoked) == SUCCESS);
	ck_assert(chunk_equals(revoked->serial, serial_of(a)) ||
			  chunk_equals(revoked->serial, serial_of(b)));
	ck_assert(revoked->date > time(NULL) - 60 &&
			  revoked->date <= time(NULL));
	list->destroy_function(list, (void*)getcertd_revoked_free);

	out = open_memstream(&buf, &len);
	db->list(db, out, FALSE);
	fclose(out);
	ck_assert(strstr(buf, "'CN=carol'  user=carol"));
	ck_assert(strstr(buf, "  REVOKED"));
	ck_assert(strstr(buf, "key=server-generated") == NULL);
	free(buf);
	a->destroy(a);
	b->destroy(b);
	expired->destroy(expired);
}
END_TEST

START_TEST(test_crl_number)
{
	ck_assert_int_eq(db->next_crl_number(db), 1);
	ck_assert_int_eq(db->next_crl_number(db), 2);
	ck_assert_int_eq(db->next_crl_number(db), 3);
}
END_TEST

START_TEST(test_failures)
{
	uint64_t oldest;
	u_int count;

	ck_assert_int_eq(db->is_shared(db), _i == BACKEND_PGSQL);
	ck_assert(db->get_failures(db, "u carol", 0, 5, &count, &oldest));
	ck_assert_int_eq(count, 0);
	ck_assert(db->add_failure(db, "u carol", 1700000001000ULL, 0));
	ck_assert(db->add_failure(db, "u carol", 1700000002000ULL, 0));
	ck_assert(db->add_failure(db, "u carol", 1700000003000ULL, 0));
	ck_assert(db->add_failure(db, "u dave", 1700000003000ULL, 0));
	/* the newest two of them */
	ck_assert(db->get_failures(db, "u carol", 0, 2, &count, &oldest));
	ck_assert_int_eq(count, 2);
	ck_assert(oldest == 1700000002000ULL);
	ck_assert(db->get_failures(db, "u carol", 0, 5, &count, &oldest));
	ck_assert_int_eq(count, 3);
	ck_assert(oldest == 1700000001000ULL);
	/* only those since */
	ck_assert(db->get_failures(db, "u carol", 1700000002500ULL, 5, &count,
							   &oldest));
	ck_assert_int_eq(count, 1);
	ck_assert(oldest == 1700000003000ULL);
	/* a new failure forgets those too old to count, of every key */
	ck_assert(db->add_failure(db, "u dave", 1700000004000ULL,
							  1700000002500ULL));
	ck_assert(db->get_failures(db, "u carol", 0, 5, &count, &oldest));
	ck_assert_int_eq(count, 1);
	ck_assert(db->clear_failures(db, "u carol"));
	ck_assert(db->get_failures(db, "u carol", 0, 5, &count, &oldest));
	ck_assert_int_eq(count, 0);
	ck_assert(db->get_failures(db, "u dave", 0, 5, &count, &oldest));
	ck_assert_int_eq(count, 2);
}
END_TEST

/**
 * Racers of test_race: each records its own certificate for the same
 * transaction (or renewing the same certificate) through one of two
 * database objects, as two getcertd would
 */
#define RACERS 8

typedef struct {
	getcertd_db_t *db;
	certificate_t *cert;
	getcertd_tx_t tx;
	bool ok;
} racer_t;

static volatile bool race_start;

static void *race(racer_t *racer)
{
	while (!race_start)
	{
		sched_yield();
	}
	racer->ok = racer->db->add_issued(racer->db, racer->cert, &racer->tx,
									  chunk_empty);
	return NULL;
}

START_TEST(test_race)
{
	racer_t racers[RACERS];
	thread_t *threads[RACERS];
	certificate_t *old = NULL, *winner = NULL;
	getcertd_db_t *other;
	getcertd_tx_t tx;
	char transid[RACERS][16];
	int i, wins = 0, recorded_count = 0;
	bool renewal = _i >= BACKEND_COUNT;

	/* a second object on the same records: another getcertd on
	 * PostgreSQL, the same one for SQLite (a file of one getcertd) */
	other = (_i % BACKEND_COUNT) == BACKEND_PGSQL ? getcertd_db_create(pg_uri)
												  : db;
	ck_assert(other);
	if (renewal)
	{	/* concurrent renewals of one certificate, new transactions */
		old = issue(3600);
		tx = tx_of("tx-renewed");
		ck_assert(db->add_issued(db, old, &tx, chunk_empty));
	}
	race_start = FALSE;
	for (i = 0; i < RACERS; i++)
	{
		snprintf(transid[i], sizeof(transid[i]), "tx-race-%d", i);
		racers[i] = (racer_t){
			.db = i % 2 ? other : db,
			.cert = issue(3600),
			.tx = tx_of(renewal ? transid[i] : "tx-race"),
		};
		if (renewal)
		{
			racers[i].tx.renews = serial_of(old);
		}
		threads[i] = thread_create((void*)race, &racers[i]);
		ck_assert(threads[i]);
	}
	race_start = TRUE;
	for (i = 0; i < RACERS; i++)
	{
		threads[i]->join(threads[i]);
	}
	for (i = 0; i < RACERS; i++)
	{
		if (racers[i].ok)
		{
			wins++;
			winner = racers[i].cert;
		}
		if (recorded(racers[i].cert))
		{
			recorded_count++;
		}
	}
	/* one certificate: the winner's, recorded, its transaction's */
	ck_assert_int_eq(wins, 1);
	ck_assert_int_eq(recorded_count, 1);
	ck_assert(recorded(winner));
	for (i = 0; i < RACERS; i++)
	{
		if (racers[i].ok)
		{
			check_tx(racers[i].tx.transid, GETCERTD_TX_ISSUED, winner);
		}
		else if (renewal)
		{
			check_tx(racers[i].tx.transid, GETCERTD_TX_NONE, NULL);
		}
		racers[i].cert->destroy(racers[i].cert);
	}
	DESTROY_IF(old);
	if (other != db)
	{
		other->destroy(other);
	}
}
END_TEST

/**
 * Clock of the throttles sharing a database
 */
static uint64_t fake_now;

static uint64_t clock_cb()
{
	return fake_now;
}

START_TEST(test_throttle_shared)
{
	getcertd_throttle_conf_t conf = {
		.window = 60,
		.max_per_address = 20,
		.max_per_user_address = 5,
		.max_per_user = 50,
		.max_concurrent = 32,
		.max_concurrent_per_address = 4,
		.now = clock_cb,
		.shared = db,
	};
	getcertd_throttle_t *a, *b;
	u_int i, failures = 0, retry_after = 0;

	/* two instances on one database: failures at either count at both,
	 * N instances give an attacker no more guesses than one */
	fake_now = 1700000000000ULL;
	a = getcertd_throttle_create(&conf);
	b = getcertd_throttle_create(&conf);
	for (i = 0; i < 5; i++)
	{
		ck_assert(a->check(a, "carol", "10.0.0.1", &failures, &retry_after));
		ck_assert(b->check(b, "carol", "10.0.0.1", &failures, &retry_after));
		(i % 2 ? a : b)->failure(i % 2 ? a : b, "carol", "10.0.0.1");
		fake_now += 1000;
	}
	ck_assert(!a->check(a, "carol", "10.0.0.1", &failures, &retry_after));
	ck_assert_int_eq(failures, 5);
	ck_assert_int_eq(retry_after, 55);
	ck_assert(!b->check(b, "carol", "10.0.0.1", &failures, &retry_after));
	ck_assert_int_eq(failures, 5);
	ck_assert(a->check(a, "carol", "10.0.0.2", &failures, &retry_after));
	ck_assert(b->check(b, "dave", "10.0.0.1", &failures, &retry_after));
	/* the window passes */
	fake_now += 55000;
	ck_assert(b->check(b, "carol", "10.0.0.1", &failures, &retry_after));
	/* a success at one clears the user+address counter at both */
	fake_now += 60000;
	for (i = 0; i < 5; i++)
	{
		a->failure(a, "carol", "10.0.0.1");
	}
	ck_assert(!b->check(b, "carol", "10.0.0.1", &failures, &retry_after));
	b->success(b, "carol", "10.0.0.1");
	ck_assert(a->check(a, "carol", "10.0.0.1", &failures, &retry_after));
	a->destroy(a);
	b->destroy(b);
}
END_TEST

/**
 * Records whose failure counters cannot be read or written (database down)
 */
static bool failures_broken(getcertd_db_t *this, char *key, uint64_t since,
							u_int limit, u_int *count, uint64_t *oldest)
{
	return FALSE;
}

static bool add_failure_broken(getcertd_db_t *this, char *key, uint64_t now,
							   uint64_t expired)
{
	return FALSE;
}

START_TEST(test_throttle_shared_error)
{
	getcertd_db_t broken = {
		.get_failures = failures_broken,
		.add_failure = add_failure_broken,
	};
	getcertd_throttle_conf_t conf = {
		.window = 60,
		.max_per_user_address = 5,
		.now = clock_cb,
		.shared = &broken,
	};
	getcertd_throttle_t *t;
	u_int failures = 7, retry_after = 0;

	/* no guess goes uncounted: unreadable counts throttle */
	fake_now = 1700000000000ULL;
	t = getcertd_throttle_create(&conf);
	ck_assert(!t->check(t, "carol", "10.0.0.1", &failures, &retry_after));
	ck_assert_int_eq(failures, 0);
	ck_assert_int_eq(retry_after, 1);
	t->failure(t, "carol", "10.0.0.1");
	t->destroy(t);
}
END_TEST

/**
 * Old SQLite schema: the tables before versioning and before the columns
 * added since (chain_start, superseded, server_keygen, nonce, request)
 */
static char *old_schema[] = {
	"CREATE TABLE certificates (serial BLOB PRIMARY KEY, subject TEXT NOT "
	"NULL, user TEXT, keyid BLOB NOT NULL, not_before INTEGER NOT NULL, "
	"not_after INTEGER NOT NULL, client TEXT, transid TEXT, policy TEXT, "
	"issued INTEGER NOT NULL, revoked INTEGER, cert BLOB NOT NULL)",
	"CREATE TABLE transactions (transid TEXT PRIMARY KEY, state INTEGER NOT "
	"NULL, keyid BLOB NOT NULL, user TEXT, policy TEXT, client TEXT, csr "
	"BLOB, serial BLOB, created INTEGER NOT NULL)",
	"CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL)",
	"INSERT INTO counters (name, value) VALUES ('crl', 7)",
};

/**
 * A connection of its own to an SQLite database, with strongSwan's SQLite
 * code compiled into getcertd (the tests load no sqlite plugin)
 */
static database_t *raw_open(char *uri)
{
	sqlite_database_t *sqlite;

	sqlite = sqlite_database_create(uri);
	return sqlite ? &sqlite->db : NULL;
}

START_TEST(test_sqlite_migrate)
{
	getcertd_cert_info_t info;
	certificate_t *cert;
	enumerator_t *enumerator;
	database_t *raw;
	char path[] = "/tmp/getcertd-dbtest.XXXXXX", uri[64];
	uint64_t oldest;
	u_int count;
	chunk_t der;
	char *mode;
	int fd, i, version;

	fd = mkstemp(path);
	ck_assert(fd >= 0);
	close(fd);
	snprintf(uri, sizeof(uri), "sqlite://%s", path);
	/* a database of before versioning with one certificate */
	cert = issue(3600);
	ck_assert(cert->get_encoding(cert, CERT_ASN1_DER, &der));
	raw = raw_open(uri);
	ck_assert(raw);
	for (i = 0; i < countof(old_schema); i++)
	{
		ck_assert(raw->execute(raw, NULL, old_schema[i]) >= 0);
	}
	ck_assert(raw->execute(raw, NULL, "INSERT INTO certificates (serial, "
				"subject, user, keyid, not_before, not_after, issued, policy, "
				"cert) VALUES (?, 'CN=carol', 'carol', x'01', 1, 2, 1600000000, "
				"'users', ?)", DB_BLOB, serial_of(cert), DB_BLOB, der) == 1);
	raw->destroy(raw);
	chunk_free(&der);

	/* migrated: the old record reads (chain_start from issuance), the new
	 * parts work, the CRL number goes on */
	db->destroy(db);
	db = getcertd_db_create(uri);
	ck_assert(db);
	ck_assert(recorded(cert));
	ck_assert(db->get_info(db, serial_of(cert), &info));
	ck_assert_str_eq(info.user, "carol");
	ck_assert_int_eq(info.chain_start, 1600000000);
	ck_assert(!info.superseded);
	getcertd_cert_info_clear(&info);
	ck_assert_int_eq(db->next_crl_number(db), 8);
	ck_assert(db->add_failure(db, "u carol", 1000, 0));
	ck_assert(db->get_failures(db, "u carol", 0, 5, &count, &oldest));
	ck_assert_int_eq(count, 1);
	db->destroy(db);

	/* opened again: nothing to do, same version */
	db = getcertd_db_create(uri);
	ck_assert(db);
	ck_assert_int_eq(db->next_crl_number(db), 9);
	db->destroy(db);
	raw = raw_open(uri);
	ck_assert(raw);
	enumerator = raw->query(raw, "SELECT version FROM schema_version",
							DB_INT);
	ck_assert(enumerator && enumerator->enumerate(enumerator, &version));
	ck_assert_int_eq(version, 2);
	ck_assert(!enumerator->enumerate(enumerator, &version));
	enumerator->destroy(enumerator);
	/* getcertd left the file in write-ahead logging (persistent) */
	enumerator = raw->query(raw, "PRAGMA journal_mode", DB_TEXT);
	ck_assert(enumerator && enumerator->enumerate(enumerator, &mode));
	ck_assert_str_eq(mode, "wal");
	enumerator->destroy(enumerator);
	/* a newer getcertd's database is refused, not damaged */
	ck_assert(raw->execute(raw, NULL, "UPDATE schema_version SET "
						   "version = 99") == 1);
	raw->destroy(raw);
	db = getcertd_db_create(uri);
	ck_assert(db == NULL);

	db = getcertd_db_create("sqlite://:memory:");
	ck_assert(db);
	unlink(path);
	cert->destroy(cert);
}
END_TEST

START_TEST(test_bad_uri)
{
	ck_assert(getcertd_db_create("mysql://user:secret@host/db") == NULL);
	ck_assert(getcertd_db_create("/var/lib/getcertd/getcertd.db") == NULL);
	ck_assert(getcertd_db_create("") == NULL);
}
END_TEST

START_TEST(test_no_sqlite_plugin)
{
	getcertd_db_t *mem;

	/* the tests load getcertd's default plugins, no sqlite plugin: no
	 * database_t for SQLite in strongSwan's factory, yet getcertd's SQLite
	 * storage works (strongSwan's SQLite code compiled in) */
	ck_assert(lib->db->create(lib->db, "sqlite://:memory:") == NULL);
	mem = getcertd_db_create("sqlite://:memory:");
	ck_assert(mem);
	ck_assert_int_eq(mem->next_crl_number(mem), 1);
	ck_assert_int_eq(mem->next_crl_number(mem), 2);
	mem->destroy(mem);
}
END_TEST

START_TEST(test_pgsql_unreachable)
{
	/* a bounded connect, a clear error, no database object */
	ck_assert(getcertd_db_create("postgresql://getcertd@/getcertd?"
					"host=/nonexistent&connect_timeout=2") == NULL);
}
END_TEST

START_TEST(test_pgsql_reconnect)
{
	certificate_t *cert;
	getcertd_tx_t tx = tx_of("tx-reconnect");
	PGresult *res;
	PGconn *conn;

	ck_assert_int_eq(db->next_crl_number(db), 1);
	/* the server ends every session of getcertd (as a restart does):
	 * the next statements reconnect */
	conn = PQconnectdb(pg_uri);
	ck_assert(PQstatus(conn) == CONNECTION_OK);
	res = PQexec(conn, "SELECT pg_terminate_backend(pid) FROM "
				 "pg_stat_activity WHERE application_name = 'getcertd'");
	ck_assert(PQresultStatus(res) == PGRES_TUPLES_OK);
	ck_assert(PQntuples(res) >= 1);
	PQclear(res);
	PQfinish(conn);
	ck_assert_int_eq(db->next_crl_number(db), 2);
	cert = issue(3600);
	ck_assert(db->add_issued(db, cert, &tx, chunk_empty));
	check_tx("tx-reconnect", GETCERTD_TX_ISSUED, cert);
	cert->destroy(cert);
}
END_TEST

Suite *db_suite_create()
{
	Suite *s;
	TCase *tc;
	int i, backends = pg_wanted() ? BACKEND_COUNT : BACKEND_SQLITE + 1;

	s = suite_create("getcertd db");

	tc = tcase_create("storage interface, SQLite and PostgreSQL");
	tcase_add_checked_fixture(tc, setup_db, teardown_db);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_issue, 0, backends);
	tcase_add_loop_test(tc, test_issue_twice, 0, backends);
	tcase_add_loop_test(tc, test_replace, 0, backends);
	tcase_add_loop_test(tc, test_renew, 0, backends);
	tcase_add_loop_test(tc, test_pending, 0, backends);
	tcase_add_loop_test(tc, test_revoke, 0, backends);
	tcase_add_loop_test(tc, test_crl_number, 0, backends);
	tcase_add_loop_test(tc, test_failures, 0, backends);
	tcase_add_loop_test(tc, test_throttle_shared, 0, backends);
	suite_add_tcase(s, tc);

	tc = tcase_create("concurrent issuance, one certificate");
	tcase_add_checked_fixture(tc, setup_db, teardown_db);
	tcase_set_timeout(tc, 60);
	/* 0..backends-1: one transaction, BACKEND_COUNT..: one renewal */
	for (i = 0; i < backends; i++)
	{
		tcase_add_loop_test(tc, test_race, i, i + 1);
		tcase_add_loop_test(tc, test_race, BACKEND_COUNT + i,
							BACKEND_COUNT + i + 1);
	}
	suite_add_tcase(s, tc);

	tc = tcase_create("SQLite schema versions");
	tcase_add_checked_fixture(tc, setup_db, teardown_db);
	tcase_add_loop_test(tc, test_sqlite_migrate, BACKEND_SQLITE,
						BACKEND_SQLITE + 1);
	suite_add_tcase(s, tc);

	tc = tcase_create("shared throttle, database errors");
	tcase_add_test(tc, test_throttle_shared_error);
	suite_add_tcase(s, tc);

	tc = tcase_create("database URIs");
	tcase_add_test(tc, test_bad_uri);
	tcase_add_test(tc, test_no_sqlite_plugin);
	tcase_add_test(tc, test_pgsql_unreachable);
	suite_add_tcase(s, tc);

	if (backends > BACKEND_PGSQL)
	{
		tc = tcase_create("PostgreSQL connections");
		tcase_add_checked_fixture(tc, setup_db, teardown_db);
		tcase_set_timeout(tc, 60);
		tcase_add_loop_test(tc, test_pgsql_reconnect, BACKEND_PGSQL,
							BACKEND_PGSQL + 1);
		suite_add_tcase(s, tc);
	}
	return s;
}

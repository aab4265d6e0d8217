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
 * getcertd: the GETCERT CA. SCEP over HTTP(S), HTTP Basic authentication
 * checked against RADIUS, short-lived certificates for IKE.
 */

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <signal.h>
#include <syslog.h>
#include <getopt.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <errno.h>

#include <library.h>
#include <utils/debug.h>
#include <threading/thread.h>

#include "getcertd_conf.h"
#include "getcertd_http.h"
#include "getcertd_scep.h"
#include "getcertd_db.h"
#include "getcertd_throttle.h"

#include <getcert_settings.h>

/**
 * Default configuration file
 */
#ifndef GETCERTD_CONF
#define GETCERTD_CONF "/etc/getcertd.conf"
#endif

/**
 * Log level, and whether to log to syslog
 */
static level_t log_level = 1;
static bool use_syslog = FALSE;

/**
 * dbg() hook: stderr or syslog, one line each
 */
static void dbg_getcertd(debug_t group, level_t level, char *fmt, ...)
{
	char buf[2048];
	va_list args;

	if (level > log_level)
	{
		return;
	}
	va_start(args, fmt);
	vsnprintf(buf, sizeof(buf), fmt, args);
	va_end(args);
	if (use_syslog)
	{
		syslog(LOG_INFO, "%s", buf);
	}
	else
	{
		fprintf(stderr, "%s\n", buf);
	}
}

static void usage(FILE *out)
{
	fprintf(out,
"usage: getcertd [--config FILE] [--foreground] [--debug LEVEL]\n"
"       getcertd [--config FILE] list [--pending]\n"
"       getcertd [--config FILE] approve|reject TRANSACTIONID\n"
"       getcertd [--config FILE] revoke SERIAL | --user USER\n"
"\n"
"  Runs the GETCERT CA configured in the getcertd section of FILE\n"
"  (default " GETCERTD_CONF ", strongswan.conf syntax, see getcertd(8)),\n"
"  or manages its records: list issued certificates and pending requests,\n"
"  approve or reject a pending request, revoke a certificate (hex serial)\n"
"  or every current certificate of a user.\n");
}

/**
 * Open the database named in the settings
 */
static getcertd_db_t *open_db()
{
	char uri[512], *path;

	path = lib->settings->get_str(lib->settings, "%s.database",
								  "/var/lib/getcertd/getcertd.db", lib->ns);
	if (strstr(path, "://"))
	{	/* a URI: sqlite://, postgresql:// */
		return getcertd_db_create(path);
	}
	snprintf(uri, sizeof(uri), "sqlite://%s", path);
	return getcertd_db_create(uri);
}

/**
 * Operator commands
 */
static int command(int argc, char *argv[])
{
	getcertd_db_t *db;
	chunk_t serial;
	int rc = 1, count;

	db = open_db();
	if (!db)
	{
		return 2;
	}
	if (streq(argv[0], "list") && argc <= 2)
	{
		db->list(db, stdout, argc == 2 && streq(argv[1], "--pending"));
		rc = 0;
	}
	else if ((streq(argv[0], "approve") || streq(argv[0], "reject")) &&
			 argc == 2)
	{
		if (db->decide(db, argv[1], streq(argv[0], "approve")))
		{
			printf("%sd %s\n", argv[0], argv[1]);
			rc = 0;
		}
		else
		{
			fprintf(stderr, "no pending request '%s'\n", argv[1]);
		}
	}
	else if (streq(argv[0], "revoke") && argc == 3 &&
			 streq(argv[1], "--user"))
	{
		count = db->revoke_user(db, argv[2]);
		if (count >= 0)
		{
			printf("revoked %d certificate%s of user '%s'\n", count,
				   count == 1 ? "" : "s", argv[2]);
			rc = 0;
		}
		else
		{
			fprintf(stderr, "revoking the certificates of '%s' failed\n",
					argv[2]);
		}
	}
	else if (streq(argv[0], "revoke") && argc == 2)
	{
		serial = chunk_from_hex(chunk_from_str(argv[1]), NULL);
		if (db->revoke(db, serial))
		{
			printf("revoked %s\n", argv[1]);
			rc = 0;
		}
		else
		{
			fprintf(stderr, "no unrevoked certificate with serial '%s'\n",
					argv[1]);
		}
		chunk_free(&serial);
	}
	else
	{
		usage(stderr);
	}
	db->destroy(db);
	return rc;
}

/**
 * Create the pid file without following links: a stale regular file is
 * removed, a symbolic link (or anything else) refused, so a writable
 * directory does not let others redirect the write
 */
static bool write_pidfile(char *path)
{
	struct stat st;
	char buf[32];
	int fd, len;

	if (lstat(path, &st) == 0)
	{
		if (!S_ISREG(st.st_mode))
		{
			DBG1(DBG_APP, "pid file %s is %s, refused", path,
				 S_ISLNK(st.st_mode) ? "a symbolic link" : "not a file");
			return FALSE;
		}
		unlink(path);
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			  0644);
	if (fd < 0)
	{
		DBG1(DBG_APP, "creating pid file %s failed: %s", path,
			 strerror(errno));
		return FALSE;
	}
	len = snprintf(buf, sizeof(buf), "%d\n", getpid());
	if (write(fd, buf, len) != len)
	{
		DBG1(DBG_APP, "writing pid file %s failed: %s", path,
			 strerror(errno));
		close(fd);
		unlink(path);
		return FALSE;
	}
	close(fd);
	return TRUE;
}

/**
 * Run the server until SIGINT/SIGTERM
 */
static int run(bool foreground)
{
	getcertd_http_t *http;
	getcertd_scep_t *scep;
	getcertd_db_t *db;
	sigset_t set;
	char *pidfile;
	uint64_t workers;
	u_int max_concurrent;
	int sig;

	if (!foreground)
	{
		if (daemon(0, 0) != 0)
		{
			fprintf(stderr, "daemonizing failed\n");
			return 2;
		}
		use_syslog = TRUE;
		openlog("getcertd", LOG_PID, LOG_DAEMON);
	}
	/* the signals we wait for, blocked in every thread */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	db = open_db();
	if (!db)
	{
		return 2;
	}
	scep = getcertd_scep_create(db);
	if (!scep)
	{
		db->destroy(db);
		return 2;
	}
	if (!getcert_settings_number(lib->settings, "", 8, 1, 1024, &workers,
								 "%s.workers", lib->ns) ||
		!getcertd_throttle_max_concurrent(&max_concurrent))
	{
		scep->destroy(scep);
		db->destroy(db);
		return 2;
	}
	/* the scheduler occupies one processor thread for good; at most
	 * radius.max_concurrent threads wait on RADIUS at a time (further
	 * logins get 503 "RADIUS busy"), so "workers" threads always remain
	 * for issuance, renewals and GetCACert */
	lib->processor->set_threads(lib->processor, 1 + workers + max_concurrent);
	http = getcertd_http_create((getcertd_handler_t)scep->handle, scep);
	if (!http)
	{
		/* the workers are running: without this, library_deinit() hangs
		 * destroying the scheduler a worker waits on */
		lib->processor->cancel(lib->processor);
		scep->destroy(scep);
		db->destroy(db);
		return 2;
	}
	pidfile = lib->settings->get_str(lib->settings, "%s.pid_file", NULL,
									 lib->ns);
	if (pidfile && !write_pidfile(pidfile))
	{
		http->destroy(http);
		lib->processor->cancel(lib->processor);
		scep->destroy(scep);
		db->destroy(db);
		return 2;
	}
	DBG1(DBG_APP, "getcertd started");
	while (sigwait(&set, &sig) == 0)
	{
		if (sig == SIGHUP)
		{
			DBG1(DBG_APP, "SIGHUP ignored, restart to reload");
			continue;
		}
		DBG1(DBG_APP, "%s received, shutting down",
			 sig == SIGINT ? "SIGINT" : "SIGTERM");
		break;
	}
	http->destroy(http);
	lib->processor->cancel(lib->processor);
	scep->destroy(scep);
	db->destroy(db);
	if (pidfile)
	{
		unlink(pidfile);
	}
	return 0;
}

int main(int argc, char *argv[])
{
	struct option long_opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "debug", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	char *config = GETCERTD_CONF;
	bool foreground = FALSE;
	int c, rc;

	while ((c = getopt_long(argc, argv, "+c:fd:h", long_opts, NULL)) != -1)
	{
		switch (c)
		{
			case 'c':
				config = optarg;
				break;
			case 'f':
				foreground = TRUE;
				break;
			case 'd':
				log_level = settings_value_as_int(optarg, INT_MIN);
				if (log_level == INT_MIN)
				{
					fprintf(stderr, "--debug '%s' is not a number\n", optarg);
					return 1;
				}
				break;
			case 'h':
				usage(stdout);
				return 0;
			default:
				usage(stderr);
				return 1;
		}
	}
	dbg = dbg_getcertd;
	if (!library_init(config, "getcertd"))
	{
		library_deinit();
		fprintf(stderr, "initializing with '%s' failed\n", config);
		return 2;
	}
	if (!lib->plugins->load(lib->plugins,
			lib->settings->get_str(lib->settings, "%s.load",
				"random nonce x509 pkcs1 pubkey openssl pem pkcs8 constraints",
				lib->ns)))
	{
		fprintf(stderr, "loading plugins failed\n");
		library_deinit();
		return 2;
	}
	if (optind < argc)
	{
		rc = command(argc - optind, argv + optind);
	}
	else if (!getcertd_conf_configured(config))
	{	/* before daemonizing (the message on stderr, the exit code to the
		 * caller) and before the database is created */
		rc = 2;
	}
	else
	{
		rc = run(foreground);
	}
	library_deinit();
	return rc;
}

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

#include "getcertd_http.h"
#include "getcertd_conf.h"
#include "getcertd_tls.h"

#include <errno.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <microhttpd.h>
#include <gnutls/gnutls.h>

#include <getcert_settings.h>

#include <utils/debug.h>
#include <processing/jobs/callback_job.h>
#include <threading/mutex.h>
#include <threading/condvar.h>

typedef struct private_getcertd_http_t private_getcertd_http_t;

/**
 * Memory of a connection in libmicrohttpd: the request line, the headers
 * and the read buffer. Bodies are copied out as they arrive (bounded by
 * max_request_size and max_buffered), so a GET PKIOperation's message,
 * which travels in the URL, is what needs the most (up to about 24 KiB).
 * libmicrohttpd takes larger pools from mmap(), a map, page faults and an
 * unmap for every connection (a tenth of the CPU per issuance).
 */
#define CONNECTION_MEMORY (32 * 1024)

/**
 * The TLS credentials of the HTTPS server, for retrieve_cert()
 */
static getcertd_tls_t *tls_creds;

/**
 * Private data of a getcertd_http_t object.
 */
struct private_getcertd_http_t {

	/**
	 * Public interface.
	 */
	getcertd_http_t public;

	/**
	 * libmicrohttpd daemon.
	 */
	struct MHD_Daemon *daemon;

	/**
	 * Request handler and its data.
	 */
	getcertd_handler_t handler;
	void *data;

	/**
	 * Largest request body accepted.
	 */
	size_t max_size;

	/**
	 * Largest total of request bodies held in memory (503 beyond).
	 */
	size_t max_buffered;

	/**
	 * Most requests queued for or handled by workers (503 beyond).
	 */
	u_int max_queued;

	/**
	 * Longest wait in the queue before a request is answered with 503
	 * instead of being handled (ms).
	 */
	u_int queue_timeout;

	/**
	 * Retry-After of 503 answers (s).
	 */
	u_int retry_after;

	/**
	 * Bytes of request bodies held (mutex).
	 */
	size_t buffered;

	/**
	 * TLS certificate chain and key, must live as long as the daemon.
	 */
	getcertd_tls_t *tls;

	/**
	 * Issuer named in TLS certificate requests (PEM), or empty.
	 */
	chunk_t tls_trust;

	/**
	 * Requests being handled by workers, and a condvar to wait for them.
	 */
	u_int active;
	mutex_t *mutex;
	condvar_t *condvar;
};

/**
 * State of one request.
 */
typedef struct {
	/** server */
	private_getcertd_http_t *http;
	/** connection */
	struct MHD_Connection *connection;
	/** request as handed to the handler */
	getcertd_request_t request;
	/** response, once handled */
	getcertd_response_t response;
	/** body too large */
	bool too_large;
	/** total of buffered bodies over the limit */
	bool overloaded;
	/** reason for a 400 found in the headers, static */
	char *bad_request;
	/** when the request was queued */
	timeval_t queued;
	/** the handler ran */
	bool done;
} request_ctx_t;

/**
 * Free a request context
 */
static void ctx_destroy(request_ctx_t *ctx)
{
	private_getcertd_http_t *this = ctx->http;

	this->mutex->lock(this->mutex);
	this->buffered -= ctx->request.body.len;
	this->mutex->unlock(this->mutex);
	free(ctx->request.method);
	free(ctx->request.path);
	free(ctx->request.operation);
	free(ctx->request.message);
	chunk_free(&ctx->request.body);
	if (ctx->request.authorization)
	{
		memwipe(ctx->request.authorization,
				strlen(ctx->request.authorization));
		free(ctx->request.authorization);
	}
	free(ctx->request.state);
	chunk_free(&ctx->request.peer_cert);
	DESTROY_IF(ctx->request.client);
	chunk_clear(&ctx->response.body);
	free(ctx->response.www_authenticate);
	free(ctx);
}

/**
 * Copy a connection value, NULL if absent
 */
static char *value(struct MHD_Connection *connection, enum MHD_ValueKind kind,
				   char *name)
{
	const char *val;

	val = MHD_lookup_connection_value(connection, kind, name);
	return val ? strdup(val) : NULL;
}

/**
 * Milliseconds from a to b
 */
static uint64_t diff_ms(timeval_t *a, timeval_t *b)
{
	return ((uint64_t)b->tv_sec - a->tv_sec) * 1000 +
		   ((int64_t)b->tv_usec - a->tv_usec) / 1000;
}

/**
 * Job: run the handler, resume the connection
 */
static job_requeue_t run_request(request_ctx_t *ctx)
{
	private_getcertd_http_t *this = ctx->http;
	timeval_t now;

	time_monotonic(&now);
	if (diff_ms(&ctx->queued, &now) > this->queue_timeout)
	{	/* the client has likely given up, don't make others wait longer */
		DBG1(DBG_APP, "%H %s %s waited %u ms in the queue, answered 503",
			 ctx->request.client, ctx->request.method, ctx->request.path,
			 (u_int)diff_ms(&ctx->queued, &now));
		getcertd_response_plain(&ctx->response, 503, "server busy\n");
		ctx->response.retry_after = this->retry_after;
	}
	else
	{
		this->handler(this->data, &ctx->request, &ctx->response);
	}
	ctx->done = TRUE;
	MHD_resume_connection(ctx->connection);

	this->mutex->lock(this->mutex);
	this->active--;
	this->condvar->signal(this->condvar);
	this->mutex->unlock(this->mutex);
	return JOB_REQUEUE_NONE;
}

/**
 * Wipe and free a body MHD held (MHD_ContentReaderFreeCallback)
 */
static void free_secret(void *cls)
{
	chunk_t *body = cls;

	chunk_clear(body);
	free(body);
}

/**
 * Queue a simple response
 */
static enum MHD_Result respond(struct MHD_Connection *connection,
							   getcertd_response_t *out)
{
	struct MHD_Response *response;
	enum MHD_Result ret;
	char buf[16];

	if (out->secret)
	{	/* MHD's copy is wiped, too, when it is done sending it */
		chunk_t *copy = malloc_thing(chunk_t);

		*copy = chunk_clone(out->body);
		response = MHD_create_response_from_buffer_with_free_callback_cls(
						copy->len, copy->ptr, free_secret, copy);
		if (!response)
		{
			free_secret(copy);
		}
	}
	else
	{
		response = MHD_create_response_from_buffer(out->body.len,
									out->body.ptr, MHD_RESPMEM_MUST_COPY);
	}
	if (!response)
	{
		return MHD_NO;
	}
	if (out->type)
	{
		MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE,
								out->type);
	}
	if (out->www_authenticate)
	{
		MHD_add_response_header(response, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
								out->www_authenticate);
	}
	if (out->encoding)
	{
		MHD_add_response_header(response,
								MHD_HTTP_HEADER_CONTENT_TRANSFER_ENCODING,
								out->encoding);
	}
	if (out->retry_after)
	{
		snprintf(buf, sizeof(buf), "%u", out->retry_after);
		MHD_add_response_header(response, MHD_HTTP_HEADER_RETRY_AFTER, buf);
	}
	ret = MHD_queue_response(connection, out->status, response);
	MHD_destroy_response(response);
	return ret;
}

/**
 * Queue a response and free its body
 */
static enum MHD_Result respond_free(struct MHD_Connection *connection,
									getcertd_response_t *out)
{
	enum MHD_Result ret;

	ret = respond(connection, out);
	chunk_clear(&out->body);
	return ret;
}

/**
 * Answer 503 with Retry-After: too much held or queued
 */
static enum MHD_Result busy(private_getcertd_http_t *this,
							struct MHD_Connection *connection)
{
	getcertd_response_t error = {};

	getcertd_response_plain(&error, MHD_HTTP_SERVICE_UNAVAILABLE,
							"server busy\n");
	error.retry_after = this->retry_after;
	return respond_free(connection, &error);
}

/**
 * Counts of the headers that must not repeat
 */
typedef struct {
	u_int authorization;
	u_int state;
} header_count_t;

/**
 * MHD_KeyValueIterator counting headers
 */
static enum MHD_Result count_header(void *cls, enum MHD_ValueKind kind,
									const char *key, const char *value)
{
	header_count_t *count = cls;

	if (strcaseeq(key, MHD_HTTP_HEADER_AUTHORIZATION))
	{
		count->authorization++;
	}
	else if (strcaseeq(key, "GETCERT-State"))
	{
		count->state++;
	}
	return MHD_YES;
}

/**
 * A reason for 400 if Authorization or GETCERT-State is repeated (which
 * one MHD_lookup_connection_value() returns is not for us to guess)
 */
static char *duplicate_headers(struct MHD_Connection *connection)
{
	header_count_t count = {};

	MHD_get_connection_values(connection, MHD_HEADER_KIND, count_header,
							  &count);
	if (count.authorization > 1)
	{
		return "more than one Authorization header";
	}
	if (count.state > 1)
	{
		return "more than one GETCERT-State header";
	}
	return NULL;
}

/**
 * The first certificate a TLS client presented, DER, or chunk_empty
 */
static chunk_t peer_cert(struct MHD_Connection *connection)
{
	const union MHD_ConnectionInfo *info;
	const gnutls_datum_t *certs;
	unsigned int count = 0;

	info = MHD_get_connection_info(connection,
								   MHD_CONNECTION_INFO_GNUTLS_SESSION);
	if (!info || !info->tls_session)
	{
		return chunk_empty;
	}
	certs = gnutls_certificate_get_peers(info->tls_session, &count);
	if (!certs || !count || !certs[0].size)
	{
		return chunk_empty;
	}
	return chunk_clone(chunk_create(certs[0].data, certs[0].size));
}

/**
 * libmicrohttpd access handler
 */
static enum MHD_Result access_cb(void *cls, struct MHD_Connection *connection,
								 const char *url, const char *method,
								 const char *version, const char *upload,
								 size_t *upload_size, void **con_cls)
{
	private_getcertd_http_t *this = cls;
	const union MHD_ConnectionInfo *info;
	request_ctx_t *ctx = *con_cls;
	getcertd_response_t error = {};

	if (!ctx)
	{
		INIT(ctx,
			.http = this,
			.connection = connection,
			.request = {
				.method = strdup(method),
				.path = strdup(url),
			},
			.bad_request = duplicate_headers(connection),
		);
		*con_cls = ctx;
		return MHD_YES;
	}
	if (*upload_size)
	{
		if (ctx->request.body.len + *upload_size > this->max_size)
		{
			ctx->too_large = TRUE;
		}
		else if (!ctx->too_large && !ctx->overloaded && !ctx->bad_request)
		{
			this->mutex->lock(this->mutex);
			if (this->buffered + *upload_size > this->max_buffered)
			{
				ctx->overloaded = TRUE;
			}
			else
			{
				this->buffered += *upload_size;
			}
			this->mutex->unlock(this->mutex);
			if (!ctx->overloaded)
			{
				ctx->request.body = chunk_cat("mc", ctx->request.body,
								chunk_create((u_char*)upload, *upload_size));
			}
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (ctx->done)
	{
		return respond(connection, &ctx->response);
	}
	if (ctx->bad_request)
	{
		DBG1(DBG_APP, "%s %s: %s, answered 400", method, url,
			 ctx->bad_request);
		error.status = MHD_HTTP_BAD_REQUEST;
		error.type = "text/plain";
		error.body = chunk_cat("cc", chunk_from_str(ctx->bad_request),
							   chunk_from_chars('\n'));
		return respond_free(connection, &error);
	}
	if (ctx->too_large)
	{
		error.status = MHD_HTTP_CONTENT_TOO_LARGE;
		return respond(connection, &error);
	}
	if (ctx->overloaded)
	{
		DBG1(DBG_APP, "%s %s: request bodies held exceed %zu bytes, "
			 "answered 503", method, url, this->max_buffered);
		return busy(this, connection);
	}
	if (!streq(method, "GET") && !streq(method, "POST"))
	{
		error.status = MHD_HTTP_METHOD_NOT_ALLOWED;
		return respond(connection, &error);
	}
	ctx->request.operation = value(connection, MHD_GET_ARGUMENT_KIND,
								   "operation");
	ctx->request.message = value(connection, MHD_GET_ARGUMENT_KIND,
								 "message");
	ctx->request.authorization = value(connection, MHD_HEADER_KIND,
									   MHD_HTTP_HEADER_AUTHORIZATION);
	ctx->request.state = value(connection, MHD_HEADER_KIND, "GETCERT-State");
	ctx->request.peer_cert = peer_cert(connection);
	info = MHD_get_connection_info(connection,
								   MHD_CONNECTION_INFO_GNUTLS_SESSION);
	ctx->request.tls = info && info->tls_session;
	info = MHD_get_connection_info(connection,
								   MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (info && info->client_addr)
	{
		ctx->request.client = host_create_from_sockaddr(info->client_addr);
	}

	this->mutex->lock(this->mutex);
	if (this->active >= this->max_queued)
	{
		this->mutex->unlock(this->mutex);
		DBG1(DBG_APP, "%s %s: %u requests queued, answered 503", method, url,
			 this->max_queued);
		return busy(this, connection);
	}
	this->active++;
	this->mutex->unlock(this->mutex);
	time_monotonic(&ctx->queued);
	MHD_suspend_connection(connection);
	lib->processor->queue_job(lib->processor, (job_t*)
				callback_job_create((callback_job_cb_t)run_request, ctx,
									NULL, NULL));
	return MHD_YES;
}

/**
 * libmicrohttpd request completion callback
 */
static void completed_cb(void *cls, struct MHD_Connection *connection,
						 void **con_cls, enum MHD_RequestTerminationCode toe)
{
	request_ctx_t *ctx = *con_cls;

	if (ctx)
	{
		ctx_destroy(ctx);
		*con_cls = NULL;
	}
}

/**
 * libmicrohttpd error log
 */
static void log_cb(void *cls, const char *fmt, va_list ap)
{
	char buf[512];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	DBG1(DBG_APP, "http: %s", buf);
}

METHOD(getcertd_http_t, destroy, void,
	private_getcertd_http_t *this)
{
	if (this->daemon)
	{
		/* stop accepting, let the workers finish what they have */
		MHD_quiesce_daemon(this->daemon);
		this->mutex->lock(this->mutex);
		while (this->active)
		{
			this->condvar->timed_wait(this->condvar, this->mutex, 100);
		}
		this->mutex->unlock(this->mutex);
		MHD_stop_daemon(this->daemon);
	}
	if (this->tls)
	{
		tls_creds = NULL;
		this->tls->destroy(this->tls);
	}
	chunk_free(&this->tls_trust);
	this->mutex->destroy(this->mutex);
	this->condvar->destroy(this->condvar);
	free(this);
}

/**
 * gnutls_certificate_retrieve_function2 for MHD_OPTION_HTTPS_CERT_CALLBACK
 * (which passes no user data; one HTTPS server per process): the chain and
 * the key of tls_creds
 */
static int retrieve_cert(gnutls_session_t session,
						 const gnutls_datum_t *req_ca_dn, int nreqs,
						 const gnutls_pk_algorithm_t *pk_algos,
						 int pk_algos_length, gnutls_pcert_st **pcert,
						 unsigned int *pcert_length, gnutls_privkey_t *key)
{
	getcertd_tls_t *tls = tls_creds;

	if (!tls)
	{
		return -1;
	}
	tls->get(tls, pcert, pcert_length, key);
	return 0;
}

/**
 * The CA certificate as NUL-terminated PEM for GnuTLS (the file may be
 * DER or PEM)
 */
static bool read_ca_pem(char *path, chunk_t *pem)
{
	certificate_t *ca;
	chunk_t enc;

	ca = lib->creds->create(lib->creds, CRED_CERTIFICATE, CERT_X509,
							BUILD_FROM_FILE, path, BUILD_END);
	if (!ca || !ca->get_encoding(ca, CERT_PEM, &enc))
	{
		DBG1(DBG_APP, "loading '%s' for TLS client authentication failed",
			 path);
		DESTROY_IF(ca);
		return FALSE;
	}
	ca->destroy(ca);
	*pem = chunk_cat("mc", enc, chunk_from_chars('\0'));
	return TRUE;
}

/**
 * Open files getcertd needs besides its connections: listening socket,
 * epoll and signalling, database, RADIUS sockets, logs, the CA's files
 */
#define FD_RESERVE 64

/**
 * Raise the soft limit of open files to what connection_limit needs, up to
 * the hard limit (the soft limit is 1024 under systemd by default); lower
 * connection_limit (logged) if even the hard limit does not suffice, so
 * that accept() never fails for lack of descriptors
 */
static void fit_fd_limit(uint64_t *connection_limit)
{
	struct rlimit rl;
	rlim_t want, soft, fit;

	want = *connection_limit + FD_RESERVE;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY ||
		rl.rlim_cur >= want)
	{
		return;
	}
	soft = rl.rlim_cur;
	rl.rlim_cur = (rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= want)
				  ? want : rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
	{
		rl.rlim_cur = soft;
	}
	if (rl.rlim_cur < want)
	{
		fit = rl.rlim_cur > 2 * FD_RESERVE ? rl.rlim_cur - FD_RESERVE
										   : max(rl.rlim_cur / 2, 1);
		DBG1(DBG_APP, "open files are limited to %ju: accepting at most %ju "
			 "connections at a time, not %llu (raise LimitNOFILE or ulimit "
			 "-n)", (uintmax_t)rl.rlim_cur, (uintmax_t)fit,
			 (unsigned long long)*connection_limit);
		*connection_limit = fit;
	}
}

/**
 * Log how many connections are accepted at a time and how many more the
 * kernel queues: the listen queue is capped by net.core.somaxconn (of the
 * network namespace), which a burst of clients beyond both finds full (their
 * SYNs are dropped and retransmitted after 1, 3, 7, ... s)
 */
static void log_limits(uint64_t connection_limit, uint64_t backlog)
{
	char buf[32] = "";
	FILE *file;
	long somaxconn = 0;

	file = fopen("/proc/sys/net/core/somaxconn", "r");
	if (file)
	{
		if (fgets(buf, sizeof(buf), file))
		{
			somaxconn = strtol(buf, NULL, 10);
		}
		fclose(file);
	}
	if (somaxconn > 0 && somaxconn < backlog)
	{
		DBG1(DBG_APP, "accepting %llu connections at a time, the kernel "
			 "queues %ld more (listen_backlog %llu is capped by "
			 "net.core.somaxconn %ld)", (unsigned long long)connection_limit,
			 somaxconn, (unsigned long long)backlog, somaxconn);
	}
	else
	{
		DBG1(DBG_APP, "accepting %llu connections at a time, the kernel "
			 "queues %llu more", (unsigned long long)connection_limit,
			 (unsigned long long)backlog);
	}
}

/*
 * Described in header
 */
getcertd_http_t *getcertd_http_create(getcertd_handler_t handler, void *data)
{
	private_getcertd_http_t *this;
	char *address, *cert, *key, *trust;
	bool client_auth;
	host_t *host;
	u_int flags, queue_timeout, connection_timeout;
	uint64_t max_size, max_buffered, max_queued, connection_limit, backlog;
	uint64_t port, threads;

	INIT(this,
		.public = {
			.destroy = _destroy,
		},
		.handler = handler,
		.data = data,
		.mutex = mutex_create(MUTEX_TYPE_DEFAULT),
		.condvar = condvar_create(CONDVAR_TYPE_DEFAULT),
	);

	if (!getcert_settings_number(lib->settings, "", 65536, 1, 16777216,
					&max_size, "%s.max_request_size", lib->ns) ||
		!getcert_settings_number(lib->settings, "", 32 * 1024 * 1024, 1,
					UINT_MAX, &max_buffered, "%s.max_buffered", lib->ns) ||
		!getcert_settings_number(lib->settings, "", 4096, 1, 1000000,
					&max_queued, "%s.max_queued", lib->ns) ||
		!getcert_settings_duration(lib->settings, "", 30, 1, 86400,
					&queue_timeout, "%s.queue_timeout", lib->ns) ||
		!getcertd_conf_retry_after(&this->retry_after) ||
		!getcert_settings_number(lib->settings, "", 512, 1, 1000000,
					&connection_limit, "%s.connection_limit", lib->ns) ||
		!getcert_settings_duration(lib->settings, "", 30, 1, 86400,
					&connection_timeout, "%s.connection_timeout",
					lib->ns) ||
		!getcert_settings_number(lib->settings, "", 16384, 1, 1000000,
					&backlog, "%s.listen_backlog", lib->ns) ||
		!getcert_settings_number(lib->settings, "", getcertd_conf_cpus(), 1,
					256, &threads, "%s.http_threads", lib->ns))
	{
		destroy(this);
		return NULL;
	}
	fit_fd_limit(&connection_limit);
	this->max_size = max_size;
	this->max_buffered = max_buffered;
	this->max_queued = max_queued;
	this->queue_timeout = 1000 * queue_timeout;

	cert = lib->settings->get_str(lib->settings, "%s.tls.cert", NULL,
								  lib->ns);
	key = lib->settings->get_str(lib->settings, "%s.tls.key", NULL, lib->ns);
	if (cert || key)
	{
		if (!cert || !key)
		{
			DBG1(DBG_APP, "%s.tls needs a readable cert and key", lib->ns);
			destroy(this);
			return NULL;
		}
		if (tls_creds)
		{
			DBG1(DBG_APP, "only one HTTPS server per process");
			destroy(this);
			return NULL;
		}
		this->tls = getcertd_tls_create(cert, key);
		if (!this->tls)
		{
			DBG1(DBG_APP, "%s.tls needs a readable cert and key", lib->ns);
			destroy(this);
			return NULL;
		}
		tls_creds = this->tls;
	}
	/* a client certificate is requested naming our CA as issuer (and
	 * verified by the handler, not by GnuTLS) */
	trust = lib->settings->get_str(lib->settings, "%s.ca.cert", NULL,
								   lib->ns);
	if (!getcert_settings_bool(lib->settings, "", TRUE, &client_auth,
					"%s.tls.client_auth", lib->ns) ||
		(cert && client_auth && trust && !read_ca_pem(trust,
													  &this->tls_trust)))
	{
		destroy(this);
		return NULL;
	}
	if (!getcert_settings_number(lib->settings, "", cert ? 443 : 80, 1,
					65535, &port, "%s.port", lib->ns))
	{
		destroy(this);
		return NULL;
	}
	address = lib->settings->get_str(lib->settings, "%s.listen", "0.0.0.0",
									 lib->ns);
	host = host_create_from_string(address, port);
	if (!host)
	{
		DBG1(DBG_APP, "invalid %s.listen address '%s'", lib->ns, address);
		destroy(this);
		return NULL;
	}

	flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
			MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
	if (cert)
	{
		flags |= MHD_USE_TLS;
	}
	this->daemon = MHD_start_daemon(flags, port, NULL, NULL,
				access_cb, this,
				MHD_OPTION_EXTERNAL_LOGGER, log_cb, this,
				MHD_OPTION_SOCK_ADDR, host->get_sockaddr(host),
				MHD_OPTION_NOTIFY_COMPLETED, completed_cb, this,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned int)connection_limit,
				MHD_OPTION_CONNECTION_TIMEOUT, connection_timeout,
				MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONNECTION_MEMORY,
				MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned int)backlog,
				MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)threads,
				cert ? MHD_OPTION_HTTPS_CERT_CALLBACK : MHD_OPTION_END,
				retrieve_cert,
				this->tls_trust.len ? MHD_OPTION_HTTPS_MEM_TRUST
									: MHD_OPTION_END,
				this->tls_trust.ptr,
				MHD_OPTION_END);
	if (!this->daemon)
	{
		DBG1(DBG_APP, "starting the HTTP%s server on %#H failed",
			 cert ? "S" : "", host);
		host->destroy(host);
		destroy(this);
		return NULL;
	}
	DBG1(DBG_APP, "listening on %#H (%s)", host, cert ? "HTTPS" : "HTTP");
	host->destroy(host);
	log_limits(connection_limit, backlog);
	return &this->public;
}

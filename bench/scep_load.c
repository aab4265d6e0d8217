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
 * scep_load: SCEP issuance load generator (benchmark tool, not installed).
 *
 * Pre-builds N PKCSReq messages (RSA-2048 keys from a small pool used round
 * robin, but a fresh transactionID, senderNonce, subject CN=<prefix>-<i> and
 * self-signed certificate for each, so every request is a new issuance),
 * then POSTs them (operation=PKIOperation) with libcurl's multi interface,
 * at most K in flight. The clock runs from the first request sent to the
 * last answer received; the answers are verified afterwards with
 * getcert_scep_parse_reply() (signature by the CA, transactionID, nonce,
 * SUCCESS, envelope decrypts, certificate for our key), so that the client's
 * own RSA decryptions do not take CPU from the server while it is measured.
 *
 * Prints one line:
 *   requests=N ok=X errors=E seconds=S rate=R p50_ms=.. p99_ms=..
 *   max_ms=.. started_s=..
 * rate is ok/seconds; latencies are those of the ok requests, from the
 * moment the request was handed to libcurl (queueing in the server
 * included) to the last byte of the answer; started_s is the time from the
 * first request handed to libcurl to the last (--ramp). Errors are broken
 * down on stderr.
 * Exit status 0 if every request succeeded, 1 otherwise, 2 on setup errors.
 */

#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <getopt.h>
#include <time.h>
#include <netdb.h>
#include <pthread.h>
#include <arpa/inet.h>
#include <curl/curl.h>

#include <library.h>
#include <utils/debug.h>
#include <credentials/certificates/x509.h>
#include <credentials/certificates/pkcs10.h>

#include "getcert_scep.h"
#include "getcert_cms_enveloped.h"
#include "getcert_serial.h"
#include "getcert_enroll.h"
#include "getcert_error.h"

/** outcome of one request */
typedef enum {
	OUT_NONE,			/* not completed (deadline) */
	OUT_OK,
	OUT_TRANSPORT,		/* curl error: connect, reset, timeout, TLS */
	OUT_HTTP,			/* HTTP status != 200 */
	OUT_PARSE,			/* getcert_scep_parse_reply failed */
	OUT_FAILURE,		/* pkiStatus FAILURE */
	OUT_PENDING,		/* pkiStatus PENDING */
	OUT_NOCERT,			/* SUCCESS without a certificate for our key */
	OUT_MAX,
} outcome_t;

static const char *outcome_names[] = {
	"unfinished", "ok", "transport", "http", "parse", "failure", "pending",
	"no-cert",
};

typedef struct {
	int idx;
	getcert_scep_request_t req;
	certificate_t *self;
	chunk_t msg;
	/** answer */
	u_char *body;
	size_t len, size;
	long http;
	CURLcode cc;
	char errbuf[CURL_ERROR_SIZE];
	double t_start, t_end;
	outcome_t out;
	char detail[160];
} load_job_t;

static struct {
	char *url;
	char *ca_file;
	char *ra_file;
	int n, k;
	char *challenge;
	int nkeys;
	char *tls_ca;
	bool new_conn;
	int timeout;
	char *prefix;
	int threads;
	int verbose;
	double ramp;
	bool allow_sha1;
	u_int allow_weak;
} opt = {
	.timeout = 300,
	.prefix = "load",
	.threads = 0,
};

static certificate_t *ca_cert, *ra_cert;
static linked_list_t *trusted;
static private_key_t **keys;
static load_job_t *jobs;
static encryption_algorithm_t enc_alg = ENCR_AES_CBC;
static size_t enc_key_size = 128;
static hash_algorithm_t digest = HASH_SHA256;
static struct curl_slist *resolve;
static struct curl_slist *headers;
static char *op_url;

static double now()
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void usage(FILE *out)
{
	fprintf(out,
"usage: scep_load [options] URL CA-CERT N K CHALLENGE NKEYS\n"
"  URL        SCEP URL (http:// or https://, host name or IP address; the\n"
"             name is resolved once, before the clock starts)\n"
"  CA-CERT    SCEP CA certificate (PEM/DER): requests are encrypted to it,\n"
"             answers must be signed by it\n"
"  N          number of PKCSReq to send\n"
"  K          at most K in flight\n"
"  CHALLENGE  challengePassword put into every CSR\n"
"  NKEYS      RSA-2048 keys to generate and use round robin\n"
"options:\n"
"  --cacert FILE       pin this CA for TLS (https URLs)\n"
"  --ra FILE           the server's RA certificate: requests are encrypted\n"
"                      to it, answers must be signed by it\n"
"  --new-connections   one connection (and TLS handshake, no session\n"
"                      resumption) per request, as many clients would;\n"
"                      default: reuse connections\n"
"  --timeout SEC       limit per request and, times two, for the run (300)\n"
"  --prefix STR        CN prefix, CN=<prefix>-<i> (load)\n"
"  --threads N         threads preparing and verifying (CPUs)\n"
"  --ramp SEC          start the N requests spread evenly over SEC seconds\n"
"  --allow-sha1        accept answers signed with SHA-1\n"
"  --allow-des3        accept answers encrypted with DES-EDE3-CBC\n"
"  --allow-des         accept answers encrypted with DES-CBC (micromdm's\n"
"                      scepserver answers as its clients ask, or DES)\n"
"                      (a storm: K = N and --ramp 1 starts all of them\n"
"                      within one second), default: all at once\n"
"  --verbose           strongSwan debug output\n");
}

/* ---- preparation --------------------------------------------------- */

static int next_prep;
static int prep_failed;
static pthread_mutex_t prep_lock = PTHREAD_MUTEX_INITIALIZER;

static int take(int *counter, int max)
{
	int i;

	pthread_mutex_lock(&prep_lock);
	i = *counter < max ? (*counter)++ : -1;
	pthread_mutex_unlock(&prep_lock);
	return i;
}

static void *gen_keys(void *arg)
{
	int i;

	while ((i = take(&next_prep, opt.nkeys)) >= 0)
	{
		keys[i] = lib->creds->create(lib->creds, CRED_PRIVATE_KEY, KEY_RSA,
									 BUILD_KEY_SIZE, 2048, BUILD_END);
		if (!keys[i])
		{
			prep_failed = 1;
		}
	}
	return NULL;
}

static bool build_job(load_job_t *job, rng_t *rng)
{
	identification_t *subject;
	certificate_t *csr;
	private_key_t *key = keys[job->idx % opt.nkeys];
	chunk_t csr_der = chunk_empty, rnd;
	char buf[128];

	snprintf(buf, sizeof(buf), "CN=%s-%d", opt.prefix, job->idx);
	subject = identification_create_from_string(buf);
	csr = lib->creds->create(lib->creds, CRED_CERTIFICATE,
					CERT_PKCS10_REQUEST, BUILD_SIGNING_KEY, key,
					BUILD_SUBJECT, subject,
					BUILD_CHALLENGE_PWD, chunk_from_str(opt.challenge),
					BUILD_DIGEST_ALG, digest, BUILD_END);
	if (!csr || !csr->get_encoding(csr, CERT_ASN1_DER, &csr_der))
	{
		DESTROY_IF(csr);
		subject->destroy(subject);
		return FALSE;
	}
	csr->destroy(csr);
	job->self = getcert_self_signed(subject, key);
	subject->destroy(subject);
	if (!job->self ||
		!rng->allocate_bytes(rng, 16, &rnd) ||
		!rng->allocate_bytes(rng, 16, &job->req.nonce))
	{
		chunk_free(&csr_der);
		return FALSE;
	}
	/* printable, fresh for every request */
	job->req.transid = chunk_to_hex(rnd, NULL, FALSE);
	chunk_free(&rnd);
	job->req.type = GETCERT_SCEP_PKCS_REQ;
	job->req.data = csr_der;
	job->req.recipient = ra_cert ?: ca_cert;
	job->req.enc_alg = enc_alg;
	job->req.enc_key_size = enc_key_size;
	job->req.signer = job->self;
	job->req.key = key;
	job->req.digest = digest;
	job->req.reply_sha1 = opt.allow_sha1;
	job->req.reply_weak = opt.allow_weak;
	job->msg = getcert_scep_build_request(&job->req);
	return job->msg.len > 0;
}

static void *prep_jobs(void *arg)
{
	rng_t *rng;
	int i;

	rng = lib->crypto->create_rng(lib->crypto, RNG_WEAK);
	if (!rng)
	{
		prep_failed = 1;
		return NULL;
	}
	while ((i = take(&next_prep, opt.n)) >= 0)
	{
		jobs[i].idx = i;
		if (!build_job(&jobs[i], rng))
		{
			prep_failed = 1;
		}
	}
	rng->destroy(rng);
	return NULL;
}

static bool run_threads(void *(*fn)(void*))
{
	pthread_t tids[64];
	int i, n = opt.threads;

	next_prep = 0;
	prep_failed = 0;
	for (i = 0; i < n; i++)
	{
		if (pthread_create(&tids[i], NULL, fn, NULL) != 0)
		{
			n = i;
			prep_failed = 1;
			break;
		}
	}
	for (i = 0; i < n; i++)
	{
		pthread_join(tids[i], NULL);
	}
	return !prep_failed;
}

/* ---- verification (after the clock) --------------------------------- */

static void verify_job(load_job_t *job)
{
	getcert_scep_reply_t reply;
	getcert_err_t err;
	linked_list_t *certs;
	certificate_t *cert;
	public_key_t *ours, *theirs;
	enumerator_t *enumerator;
	bool found = FALSE;

	err = getcert_scep_parse_reply(chunk_create(job->body, job->len), &job->req,
						   trusted, &reply);
	if (err != GETCERT_OK)
	{
		job->out = OUT_PARSE;
		snprintf(job->detail, sizeof(job->detail), "%s",
				 enum_to_name(getcert_err_names, err));
		return;
	}
	switch (reply.status)
	{
		case GETCERT_SCEP_FAILURE:
			job->out = OUT_FAILURE;
			snprintf(job->detail, sizeof(job->detail), "failInfo %d",
					 reply.fail);
			return;
		case GETCERT_SCEP_PENDING:
			job->out = OUT_PENDING;
			return;
		case GETCERT_SCEP_SUCCESS:
			break;
	}
	certs = linked_list_create();
	ours = job->req.key->get_public_key(job->req.key);
	if (ours && getcert_scep_parse_ca_certs(reply.data,
									"application/x-x509-ca-ra-cert", certs))
	{
		enumerator = certs->create_enumerator(certs);
		while (!found && enumerator->enumerate(enumerator, &cert))
		{
			theirs = cert->get_public_key(cert);
			if (theirs)
			{
				found = public_key_equals(ours, theirs) &&
						cert->issued_by(cert, ca_cert, NULL);
				theirs->destroy(theirs);
			}
		}
		enumerator->destroy(enumerator);
	}
	DESTROY_IF(ours);
	certs->destroy_offset(certs, offsetof(certificate_t, destroy));
	chunk_clear(&reply.data);
	if (found)
	{
		job->out = OUT_OK;
	}
	else
	{
		job->out = OUT_NOCERT;
		snprintf(job->detail, sizeof(job->detail),
				 "no certificate for our key issued by the CA");
	}
}

static int next_verify;

static void *verify_jobs(void *arg)
{
	int i;

	while ((i = take(&next_verify, opt.n)) >= 0)
	{
		if (jobs[i].out == OUT_NONE && jobs[i].http == 200 &&
			jobs[i].cc == CURLE_OK)
		{
			verify_job(&jobs[i]);
		}
	}
	return NULL;
}

/* ---- HTTP ------------------------------------------------------------ */

static size_t write_cb(char *ptr, size_t size, size_t nmemb, void *data)
{
	load_job_t *job = data;
	size_t len = size * nmemb;

	if (job->len + len > 1024 * 1024)
	{
		return 0;
	}
	if (job->len + len > job->size)
	{
		job->size = max(job->size * 2, job->len + len);
		job->body = realloc(job->body, job->size);
	}
	memcpy(job->body + job->len, ptr, len);
	job->len += len;
	return len;
}

static void common_opts(CURL *curl)
{
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, (long)opt.timeout);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, (long)opt.timeout);
	curl_easy_setopt(curl, CURLOPT_RESOLVE, resolve);
	curl_easy_setopt(curl, CURLOPT_PROXY, "");
	if (opt.tls_ca)
	{
		curl_easy_setopt(curl, CURLOPT_CAINFO, opt.tls_ca);
		curl_easy_setopt(curl, CURLOPT_CAPATH, NULL);
		curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
		curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
	}
	if (opt.new_conn)
	{
		curl_easy_setopt(curl, CURLOPT_FRESH_CONNECT, 1L);
		curl_easy_setopt(curl, CURLOPT_FORBID_REUSE, 1L);
		curl_easy_setopt(curl, CURLOPT_SSL_SESSIONID_CACHE, 0L);
	}
}

/* resolve the URL's host once, pin it with CURLOPT_RESOLVE */
static bool pin_address()
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res;
	char host[256], addr[INET6_ADDRSTRLEN], entry[512], *h, *e;
	const char *p = strstr(opt.url, "://");
	int port = strncmp(opt.url, "https", 5) == 0 ? 443 : 80;
	size_t len;

	if (!p)
	{
		return FALSE;
	}
	h = (char*)p + 3;
	len = strcspn(h, "/?#");
	snprintf(host, sizeof(host), "%.*s", (int)len, h);
	if (host[0] == '[')
	{	/* IPv6 literal: nothing to resolve */
		return TRUE;
	}
	e = strrchr(host, ':');
	if (e)
	{
		*e = '\0';
		port = atoi(e + 1);
	}
	if (getaddrinfo(host, NULL, &hints, &res) != 0)
	{
		fprintf(stderr, "scep_load: can't resolve '%s'\n", host);
		return FALSE;
	}
	if (res->ai_family == AF_INET)
	{
		inet_ntop(AF_INET, &((struct sockaddr_in*)res->ai_addr)->sin_addr,
				  addr, sizeof(addr));
	}
	else
	{
		inet_ntop(AF_INET6, &((struct sockaddr_in6*)res->ai_addr)->sin6_addr,
				  addr, sizeof(addr));
	}
	freeaddrinfo(res);
	snprintf(entry, sizeof(entry), "%s:%d:%s", host, port, addr);
	resolve = curl_slist_append(NULL, entry);
	return TRUE;
}

static bool get_caps(u_int *caps)
{
	load_job_t tmp = {};
	char url[2048];
	CURL *curl;
	CURLcode cc;

	snprintf(url, sizeof(url), "%s?operation=GetCACaps", opt.url);
	curl = curl_easy_init();
	common_opts(curl);
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &tmp);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, tmp.errbuf);
	cc = curl_easy_perform(curl);
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &tmp.http);
	curl_easy_cleanup(curl);
	if (cc != CURLE_OK || tmp.http != 200)
	{
		fprintf(stderr, "scep_load: GetCACaps failed: %s (HTTP %ld)\n",
				cc != CURLE_OK ? (tmp.errbuf[0] ? tmp.errbuf
							  : curl_easy_strerror(cc)) : "status", tmp.http);
		free(tmp.body);
		return FALSE;
	}
	*caps = getcert_scep_parse_caps(chunk_create(tmp.body, tmp.len));
	free(tmp.body);
	return TRUE;
}

static CURL *make_easy(load_job_t *job)
{
	CURL *curl;

	curl = curl_easy_init();
	if (!curl)
	{
		return NULL;
	}
	common_opts(curl);
	curl_easy_setopt(curl, CURLOPT_URL, op_url);
	curl_easy_setopt(curl, CURLOPT_POST, 1L);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS, job->msg.ptr);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)job->msg.len);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, job);
	curl_easy_setopt(curl, CURLOPT_PRIVATE, job);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, job->errbuf);
	return curl;
}

/* run all jobs, at most K in flight; returns wall time */
static double run_load()
{
	CURLM *multi;
	CURLMsg *msg;
	CURL *curl;
	load_job_t *job;
	int next = 0, running = 0, done = 0, still, left;
	double t0, t1, deadline, due;
	long wait_ms;

	multi = curl_multi_init();
	/* with reused connections keep enough of them around */
	curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, (long)opt.k);
	t0 = now();
	deadline = t0 + 2.0 * opt.timeout;
	while (done < opt.n)
	{
		while (running < opt.k && next < opt.n)
		{
			if (opt.ramp > 0 && now() < t0 + opt.ramp * next / opt.n)
			{	/* not yet due */
				break;
			}
			job = &jobs[next++];
			curl = make_easy(job);
			job->t_start = now();
			if (!curl || curl_multi_add_handle(multi, curl) != CURLM_OK)
			{
				job->cc = CURLE_OUT_OF_MEMORY;
				job->out = OUT_TRANSPORT;
				snprintf(job->detail, sizeof(job->detail), "adding failed");
				if (curl)
				{
					curl_easy_cleanup(curl);
				}
				done++;
				continue;
			}
			running++;
		}
		curl_multi_perform(multi, &still);
		while ((msg = curl_multi_info_read(multi, &left)))
		{
			if (msg->msg != CURLMSG_DONE)
			{
				continue;
			}
			curl = msg->easy_handle;
			curl_easy_getinfo(curl, CURLINFO_PRIVATE, (char**)&job);
			job->t_end = now();
			job->cc = msg->data.result;
			curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &job->http);
			if (job->cc != CURLE_OK)
			{
				job->out = OUT_TRANSPORT;
				snprintf(job->detail, sizeof(job->detail), "curl %d: %s",
						 job->cc, job->errbuf[0] ? job->errbuf
									: curl_easy_strerror(job->cc));
			}
			else if (job->http != 200)
			{
				job->out = OUT_HTTP;
				snprintf(job->detail, sizeof(job->detail), "HTTP %ld: %.*s",
						 job->http, (int)min(job->len, 80),
						 job->body ? (char*)job->body : "");
				for (char *pos = job->detail; *pos; pos++)
				{	/* one line per error */
					if (*pos < ' ' || *pos > '~')
					{
						*pos = *(pos + 1) ? ' ' : '\0';
					}
				}
			}
			curl_multi_remove_handle(multi, curl);
			curl_easy_cleanup(curl);
			running--;
			done++;
		}
		if (done < opt.n)
		{
			if (now() > deadline)
			{
				fprintf(stderr, "scep_load: run deadline (%ds) passed with "
						"%d requests unfinished\n", 2 * opt.timeout,
						opt.n - done);
				break;
			}
			wait_ms = 100;
			if (opt.ramp > 0 && next < opt.n && running < opt.k)
			{	/* wake up for the next start */
				due = t0 + opt.ramp * next / opt.n - now();
				wait_ms = max(0, min(wait_ms, (long)(due * 1000)));
			}
			curl_multi_poll(multi, NULL, 0, wait_ms, NULL);
		}
	}
	t1 = now();
	/* abandon what is left (only after the deadline) */
	for (int i = 0; i < opt.n; i++)
	{
		if (jobs[i].t_start && !jobs[i].t_end && jobs[i].out == OUT_NONE)
		{
			snprintf(jobs[i].detail, sizeof(jobs[i].detail),
					 "unfinished at the deadline");
		}
	}
	curl_multi_cleanup(multi);	/* handles left are leaked, we exit soon */
	return t1 - t0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double*)a, y = *(const double*)b;

	return x < y ? -1 : x > y;
}

static double percentile(double *v, int n, double p)
{
	int i;

	if (!n)
	{
		return 0;
	}
	i = (int)(p * n + 0.999999) - 1;
	return v[max(0, min(i, n - 1))];
}

/**
 * Load a certificate, saying which one failed
 */
static certificate_t *load_cert(char *file, char *what)
{
	certificate_t *cert;

	cert = lib->creds->create(lib->creds, CRED_CERTIFICATE, CERT_X509,
							  BUILD_FROM_FILE, file, BUILD_END);
	if (!cert)
	{
		fprintf(stderr, "scep_load: can't load %s certificate '%s'\n", what,
				file);
	}
	return cert;
}

int main(int argc, char *argv[])
{
	struct option long_opts[] = {
		{ "cacert", required_argument, NULL, 'c' },
		{ "ra", required_argument, NULL, 'r' },
		{ "new-connections", no_argument, NULL, 'n' },
		{ "timeout", required_argument, NULL, 't' },
		{ "prefix", required_argument, NULL, 'p' },
		{ "threads", required_argument, NULL, 'T' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "ramp", required_argument, NULL, 'R' },
		{ "allow-sha1", no_argument, NULL, '1' },
		{ "allow-des3", no_argument, NULL, '3' },
		{ "allow-des", no_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	int c, i, ok = 0, count[OUT_MAX] = {}, shown[OUT_MAX] = {};
	double secs, *lat, first = 0, last = 0;
	u_int caps;

	while ((c = getopt_long(argc, argv, "", long_opts, NULL)) != -1)
	{
		switch (c)
		{
			case 'c': opt.tls_ca = optarg; break;
			case 'r': opt.ra_file = optarg; break;
			case 'n': opt.new_conn = TRUE; break;
			case 't': opt.timeout = atoi(optarg); break;
			case 'p': opt.prefix = optarg; break;
			case 'T': opt.threads = atoi(optarg); break;
			case 'v': opt.verbose = 1; break;
			case 'R': opt.ramp = atof(optarg); break;
			case '1': opt.allow_sha1 = TRUE; break;
			case '3': opt.allow_weak |= GETCERT_CMS_ALLOW_DES3; break;
			case 'D': opt.allow_weak |= GETCERT_CMS_ALLOW_DES; break;
			case 'h': usage(stdout); return 0;
			default: usage(stderr); return 2;
		}
	}
	if (argc - optind != 6)
	{
		usage(stderr);
		return 2;
	}
	opt.url = argv[optind];
	opt.ca_file = argv[optind + 1];
	opt.n = atoi(argv[optind + 2]);
	opt.k = atoi(argv[optind + 3]);
	opt.challenge = argv[optind + 4];
	opt.nkeys = atoi(argv[optind + 5]);
	if (opt.n < 1 || opt.k < 1 || opt.nkeys < 1 || opt.timeout < 1 ||
		opt.ramp < 0 || opt.ramp > 3600)
	{
		usage(stderr);
		return 2;
	}
	if (opt.threads < 1)
	{
		opt.threads = max(1, min(64, (int)sysconf(_SC_NPROCESSORS_ONLN)));
	}
	opt.threads = min(opt.threads, 64);

	dbg_default_set_level(opt.verbose ? 1 : -1);
	library_init(NULL, "scep_load");
	atexit(library_deinit);
	if (!lib->plugins->load(lib->plugins,
			"random nonce openssl pem pkcs1 pkcs8 x509 pubkey constraints"))
	{
		fprintf(stderr, "scep_load: loading plugins failed\n");
		return 2;
	}
	if (curl_global_init(CURL_GLOBAL_ALL) != CURLE_OK)
	{
		return 2;
	}
	ca_cert = load_cert(opt.ca_file, "CA");
	ra_cert = opt.ra_file ? load_cert(opt.ra_file, "RA") : NULL;
	if (!ca_cert || (opt.ra_file && !ra_cert))
	{
		return 2;
	}
	trusted = linked_list_create_with_items(ra_cert ?: ca_cert, NULL);
	if (!pin_address() || !get_caps(&caps))
	{
		return 2;
	}
	if (!(caps & GETCERT_SCEP_CAP_POST_PKI_OPERATION))
	{
		fprintf(stderr, "scep_load: server does not offer POSTPKIOperation\n");
		return 2;
	}
	if (!(caps & GETCERT_SCEP_CAP_AES))
	{
		if (!(caps & GETCERT_SCEP_CAP_DES3))
		{
			fprintf(stderr, "scep_load: server offers neither AES nor DES3\n");
			return 2;
		}
		fprintf(stderr, "scep_load: no AES in GetCACaps, using DES3\n");
		enc_alg = ENCR_3DES;
		enc_key_size = 192;
	}
	if (!(caps & GETCERT_SCEP_CAP_SHA256))
	{
		fprintf(stderr, "scep_load: no SHA-256 in GetCACaps, using SHA-1\n");
		digest = HASH_SHA1;
	}

	keys = calloc(opt.nkeys, sizeof(*keys));
	jobs = calloc(opt.n, sizeof(*jobs));
	if (!run_threads(gen_keys))
	{
		fprintf(stderr, "scep_load: generating RSA keys failed\n");
		return 2;
	}
	if (!run_threads(prep_jobs))
	{
		fprintf(stderr, "scep_load: building requests failed\n");
		return 2;
	}
	if (asprintf(&op_url, "%s?operation=PKIOperation", opt.url) < 0)
	{
		return 2;
	}
	headers = curl_slist_append(NULL,
								"Content-Type: application/x-pki-message");
	/* no 100-continue round trip for the ~3 KiB bodies */
	headers = curl_slist_append(headers, "Expect:");

	secs = run_load();

	next_verify = 0;
	{
		pthread_t tids[64];

		for (i = 0; i < opt.threads; i++)
		{
			pthread_create(&tids[i], NULL, verify_jobs, NULL);
		}
		for (i = 0; i < opt.threads; i++)
		{
			pthread_join(tids[i], NULL);
		}
	}

	lat = calloc(opt.n, sizeof(*lat));
	for (i = 0; i < opt.n; i++)
	{
		load_job_t *job = &jobs[i];

		count[job->out]++;
		if (job->t_start)
		{
			first = first ? min(first, job->t_start) : job->t_start;
			last = max(last, job->t_start);
		}
		if (job->out == OUT_OK)
		{
			lat[ok++] = (job->t_end - job->t_start) * 1000.0;
		}
		else if (shown[job->out]++ < 3)
		{
			fprintf(stderr, "scep_load: request %d (transid %.*s): %s%s%s\n",
					i, (int)job->req.transid.len, job->req.transid.ptr,
					outcome_names[job->out], job->detail[0] ? ": " : "",
					job->detail);
		}
	}
	for (i = 0; i < OUT_MAX; i++)
	{
		if (i != OUT_OK && count[i])
		{
			fprintf(stderr, "scep_load: %d x %s\n", count[i],
					outcome_names[i]);
		}
	}
	qsort(lat, ok, sizeof(*lat), cmp_double);
	printf("requests=%d ok=%d errors=%d seconds=%.3f rate=%.1f p50_ms=%.1f "
		   "p99_ms=%.1f max_ms=%.1f started_s=%.3f\n", opt.n, ok, opt.n - ok,
		   secs, secs > 0 ? ok / secs : 0.0, percentile(lat, ok, 0.50),
		   percentile(lat, ok, 0.99), percentile(lat, ok, 1.0), last - first);
	fflush(stdout);
	/* the jobs, keys and CA go with the process */
	return ok == opt.n ? 0 : 1;
}

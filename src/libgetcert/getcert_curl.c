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

#include "getcert_curl.h"

#include "getcert_x509.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <curl/curl.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <utils/debug.h>

/**
 * Longest response header line we keep (Content-Type, WWW-Authenticate)
 */
#define MAX_HEADER 4096

typedef struct private_getcert_curl_t private_getcert_curl_t;

/**
 * Private data of a getcert_curl_t object.
 */
struct private_getcert_curl_t {

	/**
	 * Public interface.
	 */
	getcert_curl_t public;

	/**
	 * The handle, kept for all requests (connection reuse).
	 */
	CURL *curl;

	/**
	 * Base URL.
	 */
	char *url;

	/**
	 * Plain HTTP in use (never send credentials).
	 */
	bool plain;

	/**
	 * Host of the URL (name or address) the server certificate must name.
	 */
	char *host;

	/**
	 * The one TLS trust anchor (tls_ca, the enrollment CA or the CA
	 * anchored by trust_ca()), NULL for none.
	 */
	certificate_t *anchor;

	/**
	 * The anchor is the enrollment CA: require serverAuth.
	 */
	bool anchor_is_ca;

	/**
	 * Public key pins of the server, NULL for none.
	 */
	char *pin;

	/**
	 * The next request opens a new connection (the trust changed).
	 */
	bool fresh;

	/**
	 * Limits.
	 */
	size_t max_size;

	/**
	 * HTTP authentication state, NULL without callback.
	 */
	getcert_http_auth_t *auth;

	/**
	 * preauth() sends the password without waiting for a 401.
	 */
	bool preemptive;

	/**
	 * Response of the current request.
	 */
	chunk_t body;
	bool too_large;
	char *content_type;
	char *www_authenticate;
	char *location;
	char *encoding;
	char *retry_after;

	/**
	 * EST base URL (.../.well-known/est[/label]), NULL for SCEP only.
	 */
	char *est_base;

	/**
	 * TLS client certificate and key (PEM), referenced by libcurl without
	 * a copy, wiped when replaced and on destroy().
	 */
	chunk_t client_cert;
	chunk_t client_key;

	/**
	 * Statistics.
	 */
	u_int requests;
	u_int connects;

	/**
	 * Retry-After of the last answer if it was a 503 or 429, seconds.
	 */
	u_int busy_retry_after;

	/**
	 * cancel() was called: libcurl aborts through the progress callback,
	 * later requests fail (atomic, set from another thread).
	 */
	bool cancelled;

	/**
	 * Error message buffer of libcurl.
	 */
	char error[CURL_ERROR_SIZE];
};

/**
 * Whether cancel() was called
 */
static bool is_cancelled(private_getcert_curl_t *this)
{
	return __atomic_load_n(&this->cancelled, __ATOMIC_SEQ_CST);
}

/**
 * Progress callback: a non-zero return aborts the transfer, which libcurl
 * calls at least once a second, also while it waits for a connection or
 * for the response (instead of a thread cancellation inside libcurl)
 */
static int xferinfo_cb(private_getcert_curl_t *this, curl_off_t dltotal,
					   curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
	return is_cancelled(this) ? 1 : 0;
}

/**
 * Write callback: collect the body up to the size limit
 */
static size_t write_cb(char *ptr, size_t size, size_t nmemb,
					   private_getcert_curl_t *this)
{
	size_t len = size * nmemb;

	if (this->body.len + len > this->max_size)
	{
		this->too_large = TRUE;
		return 0;
	}
	this->body = chunk_cat("mc", this->body, chunk_create(ptr, len));
	return len;
}

/**
 * Store a copy of a header value, trimmed
 */
static void keep_header(char **dst, char *value, size_t len)
{
	while (len && isspace(*value))
	{
		value++;
		len--;
	}
	while (len && isspace(value[len - 1]))
	{
		len--;
	}
	free(*dst);
	*dst = strndup(value, min(len, MAX_HEADER));
}

/**
 * Header callback: keep the headers we need
 */
static size_t header_cb(char *ptr, size_t size, size_t nmemb,
						private_getcert_curl_t *this)
{
	size_t len = size * nmemb;
	struct {
		char *name;
		char **dst;
	} headers[] = {
		{ "Content-Type:", &this->content_type },
		{ "WWW-Authenticate:", &this->www_authenticate },
		{ "Location:", &this->location },
		{ "Content-Transfer-Encoding:", &this->encoding },
		{ "Retry-After:", &this->retry_after },
	};
	int i, n;

	if (len >= 5 && strncaseeq(ptr, "HTTP/", 5))
	{	/* a new response (e.g. after 100 Continue), forget the last */
		free(this->content_type);
		free(this->www_authenticate);
		free(this->location);
		free(this->encoding);
		free(this->retry_after);
		this->content_type = this->www_authenticate = this->location = NULL;
		this->encoding = this->retry_after = NULL;
	}
	for (i = 0; i < countof(headers); i++)
	{
		n = strlen(headers[i].name);
		if (len > n && strncaseeq(ptr, headers[i].name, n) &&
			!(*headers[i].dst && headers[i].dst == &this->www_authenticate))
		{
			keep_header(headers[i].dst, ptr + n, len - n);
		}
	}
	return len;
}

/**
 * URL-encode a string (RFC 3986 unreserved characters kept)
 */
static char *url_encode(chunk_t in)
{
	char *out, *pos;
	int i;

	out = pos = malloc(in.len * 3 + 1);
	for (i = 0; i < in.len; i++)
	{
		if (isalnum(in.ptr[i]) || strchr("-._~", in.ptr[i]))
		{
			*pos++ = in.ptr[i];
		}
		else
		{
			pos += sprintf(pos, "%%%02X", in.ptr[i]);
		}
	}
	*pos = '\0';
	return out;
}

/**
 * Build the request URL
 */
static char *build_url(private_getcert_curl_t *this, char *operation,
					   chunk_t message, bool post)
{
	chunk_t b64 = chunk_empty;
	char *url, *msg = NULL, *op;
	size_t len;

	op = url_encode(chunk_from_str(operation));
	if (message.len && !post)
	{
		if (streq(operation, "PKIOperation"))
		{
			b64 = chunk_to_base64(message, NULL);
			msg = url_encode(b64);
			chunk_free(&b64);
		}
		else
		{
			msg = url_encode(message);
		}
	}
	len = strlen(this->url) + strlen(op) + (msg ? strlen(msg) : 0) + 32;
	url = malloc(len);
	snprintf(url, len, "%s%soperation=%s%s%s", this->url,
			 strchr(this->url, '?') ? "&" : "?", op,
			 msg ? "&message=" : "", msg ?: "");
	free(op);
	free(msg);
	return url;
}

/**
 * Free a header list, wiping it (it may hold credentials)
 */
static void free_headers(struct curl_slist *headers)
{
	struct curl_slist *h;

	for (h = headers; h; h = h->next)
	{
		memwipe(h->data, strlen(h->data));
	}
	curl_slist_free_all(headers);
}

/**
 * Build the request headers
 */
static struct curl_slist *build_headers(private_getcert_curl_t *this,
										char *content_type)
{
	struct curl_slist *headers = NULL;
	char buf[2048];

	/* we never wait for 100 Continue */
	headers = curl_slist_append(headers, "Expect:");
	if (content_type)
	{
		snprintf(buf, sizeof(buf), "Content-Type: %s", content_type);
		headers = curl_slist_append(headers, buf);
	}
	if (this->auth && this->auth->get_authorization(this->auth))
	{
		snprintf(buf, sizeof(buf), "Authorization: %s",
				 this->auth->get_authorization(this->auth));
		headers = curl_slist_append(headers, buf);
		memwipe(buf, sizeof(buf));
		if (this->auth->get_state(this->auth))
		{
			snprintf(buf, sizeof(buf), "GETCERT-State: %s",
					 this->auth->get_state(this->auth));
			headers = curl_slist_append(headers, buf);
		}
	}
	return headers;
}

/**
 * Map a libcurl error to ours
 */
static getcert_err_t map_error(private_getcert_curl_t *this, CURLcode res)
{
	if (is_cancelled(this))
	{	/* the caller logs the cancellation */
		DBG2(DBG_LIB, "getcert: request to %s cancelled", this->url);
		return GETCERT_ERR_CANCELLED;
	}
	switch (res)
	{
		case CURLE_PEER_FAILED_VERIFICATION:
		case CURLE_SSL_CACERT_BADFILE:
		case CURLE_SSL_CONNECT_ERROR:
		case CURLE_SSL_CERTPROBLEM:
		case CURLE_SSL_ISSUER_ERROR:
		case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
			DBG1(DBG_LIB, "getcert: TLS with %s failed: %s", this->url,
				 this->error[0] ? this->error : curl_easy_strerror(res));
			return GETCERT_ERR_TLS;
		case CURLE_FILESIZE_EXCEEDED:
			this->too_large = TRUE;
			/* fall through */
		case CURLE_WRITE_ERROR:
			if (this->too_large)
			{
				DBG1(DBG_LIB, "getcert: response from %s larger than %zu "
					 "bytes, aborted", this->url, this->max_size);
				return GETCERT_ERR_TOO_LARGE;
			}
			/* fall through */
		default:
			DBG1(DBG_LIB, "getcert: request to %s failed: %s", this->url,
				 this->error[0] ? this->error : curl_easy_strerror(res));
			return GETCERT_ERR_TRANSPORT;
	}
}

/**
 * Perform one HTTP request, returns the status code or 0 on error
 */
static getcert_err_t perform(private_getcert_curl_t *this, char *url,
							 char *content_type, chunk_t message, bool post,
							 long *code)
{
	struct curl_slist *headers;
	CURLcode res;
	long connects = 0;

	chunk_free(&this->body);
	this->too_large = FALSE;
	this->error[0] = '\0';
	headers = build_headers(this, post ? content_type : NULL);
	curl_easy_setopt(this->curl, CURLOPT_URL, url);
	curl_easy_setopt(this->curl, CURLOPT_HTTPHEADER, headers);
	if (post)
	{
		curl_easy_setopt(this->curl, CURLOPT_POST, 1L);
		curl_easy_setopt(this->curl, CURLOPT_POSTFIELDS, message.ptr);
		curl_easy_setopt(this->curl, CURLOPT_POSTFIELDSIZE, (long)message.len);
	}
	else
	{
		curl_easy_setopt(this->curl, CURLOPT_HTTPGET, 1L);
	}
	curl_easy_setopt(this->curl, CURLOPT_FRESH_CONNECT, this->fresh ? 1L : 0L);
	this->requests++;
	res = curl_easy_perform(this->curl);
	this->fresh = FALSE;
	curl_easy_setopt(this->curl, CURLOPT_HTTPHEADER, NULL);
	free_headers(headers);
	curl_easy_getinfo(this->curl, CURLINFO_NUM_CONNECTS, &connects);
	this->connects += connects;
	if (res != CURLE_OK)
	{
		return map_error(this, res);
	}
	curl_easy_getinfo(this->curl, CURLINFO_RESPONSE_CODE, code);
	return GETCERT_OK;
}

/**
 * Send a request, answering 401s with the credentials of the callback
 * (only towards an authenticated server), the same for SCEP and EST
 */
static getcert_err_t exchange(private_getcert_curl_t *this, char *url,
							  char *content_type, chunk_t message, bool post,
							  long *code_out)
{
	getcert_err_t err;
	long code = 0;

	while (TRUE)
	{
		err = perform(this, url, content_type, message, post, &code);
		if (err == GETCERT_OK && is_cancelled(this))
		{	/* cancelled after the transfer, or in the credential callback */
			err = GETCERT_ERR_CANCELLED;
		}
		if (err != GETCERT_OK || code != 401)
		{
			break;
		}
		if (!this->auth)
		{
			DBG1(DBG_LIB, "getcert: %s asks for authentication, but no "
				 "credentials are configured", this->url);
			err = GETCERT_ERR_AUTH;
			break;
		}
		if (this->plain)
		{
			DBG1(DBG_LIB, "getcert: %s asks for credentials over plain HTTP, "
				 "refused", this->url);
			err = GETCERT_ERR_AUTH;
			break;
		}
		if (!this->anchor && !this->pin)
		{	/* the CA is pinned by fingerprint only and did not match yet */
			DBG1(DBG_LIB, "getcert: %s asks for credentials before its CA "
				 "certificate matched the pin, refused", this->url);
			err = GETCERT_ERR_AUTH;
			break;
		}
		/* the TLS handshake authenticated the server before this 401 */
		err = this->auth->challenge(this->auth, this->www_authenticate);
		if (err != GETCERT_OK)
		{
			break;
		}
	}
	if (err != GETCERT_OK)
	{
		chunk_free(&this->body);
	}
	*code_out = code;
	return err;
}

static void note_busy(private_getcert_curl_t *this, long code);

METHOD(getcert_transport_t, request, getcert_err_t,
	private_getcert_curl_t *this, char *operation, chunk_t message,
	bool post, chunk_t *body, char **type)
{
	getcert_err_t err;
	char *url;
	long code = 0;

	if (is_cancelled(this))
	{
		return GETCERT_ERR_CANCELLED;
	}
	url = build_url(this, operation, message, post);
	if (!url)
	{
		return GETCERT_ERR_INTERNAL;
	}
	err = exchange(this, url, "application/x-pki-message", message, post,
				   &code);
	free(url);
	note_busy(this, code);
	if (err != GETCERT_OK)
	{
		return err;
	}
	if (code != 200)
	{
		if (code >= 300 && code < 400)
		{
			DBG1(DBG_LIB, "getcert: %s %s redirects to '%s', not followed",
				 this->url, operation, this->location ?: "");
		}
		else
		{
			DBG1(DBG_LIB, "getcert: %s %s answered HTTP %ld", this->url,
				 operation, code);
		}
		chunk_free(&this->body);
		return GETCERT_ERR_HTTP;
	}
	*body = this->body;
	this->body = chunk_empty;
	if (type)
	{
		*type = this->content_type ? strdup(this->content_type) : NULL;
	}
	return GETCERT_OK;
}

/**
 * Parse a Retry-After value (RFC 9110 10.2.3): delta-seconds or an
 * HTTP-date, in seconds from now; 0 if absent or unparsable
 */
static u_int parse_retry_after(char *value)
{
	unsigned long long secs = 0;
	time_t when, now;
	char *end;

	if (!value || !*value)
	{
		return 0;
	}
	if (isdigit(*value))
	{
		errno = 0;
		secs = strtoull(value, &end, 10);
		if (errno || *end)
		{
			return secs > UINT_MAX || errno == ERANGE ? UINT_MAX : 0;
		}
		return min(secs, UINT_MAX);
	}
	when = curl_getdate(value, NULL);
	now = time(NULL);
	if (when == -1 || when <= now)
	{
		return 0;
	}
	return min((unsigned long long)(when - now), UINT_MAX);
}

/**
 * Remember the Retry-After of a 503 or 429 answer (0 for any other)
 */
static void note_busy(private_getcert_curl_t *this, long code)
{
	this->busy_retry_after = 0;
	if (code == 503 || code == 429)
	{
		this->busy_retry_after = parse_retry_after(this->retry_after);
	}
}

METHOD(getcert_transport_t, est_request, getcert_err_t,
	private_getcert_curl_t *this, char *operation, char *content_type,
	chunk_t message, getcert_http_reply_t *reply)
{
	getcert_err_t err;
	char *url;
	long code = 0;

	*reply = (getcert_http_reply_t){};
	if (is_cancelled(this))
	{
		return GETCERT_ERR_CANCELLED;
	}
	if (!this->est_base)
	{
		DBG1(DBG_LIB, "getcert: %s is not an EST URL", this->url);
		return GETCERT_ERR_INTERNAL;
	}
	url = malloc(strlen(this->est_base) + strlen(operation) + 2);
	sprintf(url, "%s/%s", this->est_base, operation);
	err = exchange(this, url, content_type, message, content_type != NULL,
				   &code);
	note_busy(this, code);
	if (err != GETCERT_OK)
	{
		free(url);
		return err;
	}
	switch (code)
	{
		case 200:
		case 202:
		case 204:
			break;
		default:
			if (code >= 300 && code < 400)
			{
				DBG1(DBG_LIB, "getcert: EST %s redirects to '%s', not "
					 "followed", url, this->location ?: "");
			}
			else
			{
				DBG1(DBG_LIB, "getcert: EST %s answered HTTP %ld", url, code);
			}
			chunk_free(&this->body);
			free(url);
			return GETCERT_ERR_HTTP;
	}
	free(url);
	reply->status = code;
	reply->body = this->body;
	this->body = chunk_empty;
	reply->type = strdupnull(this->content_type);
	reply->encoding = strdupnull(this->encoding);
	if (code == 202)
	{
		reply->retry_after = parse_retry_after(this->retry_after);
	}
	return GETCERT_OK;
}

/**
 * Wipe and free the client credentials handed to libcurl
 */
static void clear_client_auth(private_getcert_curl_t *this)
{
	curl_easy_setopt(this->curl, CURLOPT_SSLCERT_BLOB, NULL);
	curl_easy_setopt(this->curl, CURLOPT_SSLKEY_BLOB, NULL);
	chunk_free(&this->client_cert);
	chunk_clear(&this->client_key);
}

METHOD(getcert_transport_t, set_client_auth, bool,
	private_getcert_curl_t *this, certificate_t *cert, private_key_t *key)
{
	struct curl_blob blob;

	clear_client_auth(this);
	if (!cert || !key)
	{
		return TRUE;
	}
	if (this->plain)
	{
		return FALSE;
	}
	if (!cert->get_encoding(cert, CERT_PEM, &this->client_cert) ||
		!key->get_encoding(key, PRIVKEY_PEM, &this->client_key))
	{
		DBG1(DBG_LIB, "getcert: encoding the TLS client credentials failed");
		clear_client_auth(this);
		return FALSE;
	}
	/* no copy inside libcurl: we wipe the key ourselves */
	blob = (struct curl_blob){
		.data = this->client_cert.ptr,
		.len = this->client_cert.len,
		.flags = CURL_BLOB_NOCOPY,
	};
	if (curl_easy_setopt(this->curl, CURLOPT_SSLCERT_BLOB, &blob) != CURLE_OK ||
		curl_easy_setopt(this->curl, CURLOPT_SSLCERTTYPE, "PEM") != CURLE_OK)
	{
		DBG1(DBG_LIB, "getcert: libcurl does not support TLS client "
			 "certificates from memory");
		clear_client_auth(this);
		return FALSE;
	}
	blob = (struct curl_blob){
		.data = this->client_key.ptr,
		.len = this->client_key.len,
		.flags = CURL_BLOB_NOCOPY,
	};
	if (curl_easy_setopt(this->curl, CURLOPT_SSLKEY_BLOB, &blob) != CURLE_OK ||
		curl_easy_setopt(this->curl, CURLOPT_SSLKEYTYPE, "PEM") != CURLE_OK)
	{
		DBG1(DBG_LIB, "getcert: libcurl does not support TLS client keys "
			 "from memory");
		clear_client_auth(this);
		return FALSE;
	}
	return TRUE;
}

METHOD(getcert_curl_t, get_requests, u_int,
	private_getcert_curl_t *this)
{
	return this->requests;
}

METHOD(getcert_curl_t, get_connects, u_int,
	private_getcert_curl_t *this)
{
	return this->connects;
}

METHOD(getcert_curl_t, get_retry_after, u_int,
	private_getcert_curl_t *this)
{
	return this->busy_retry_after;
}

METHOD(getcert_curl_t, forget, void,
	private_getcert_curl_t *this)
{
	if (this->auth)
	{
		this->auth->reset(this->auth);
	}
}

/**
 * Require the serverAuth extended key usage of the server certificate
 * (OpenSSL accepts a certificate without extendedKeyUsage for servers)
 */
static int verify_server_auth(int ok, X509_STORE_CTX *ctx)
{
	X509 *cert;

	if (ok && X509_STORE_CTX_get_error_depth(ctx) == 0)
	{
		cert = X509_STORE_CTX_get_current_cert(ctx);
		if (!(X509_get_extension_flags(cert) & EXFLAG_XKUSAGE) ||
			!(X509_get_extended_key_usage(cert) & XKU_SSL_SERVER))
		{
			X509_STORE_CTX_set_error(ctx, X509_V_ERR_INVALID_PURPOSE);
			return 0;
		}
	}
	return ok;
}

/**
 * Set up the checks of the server certificate for a new connection
 * (libcurl's OpenSSL backend calls this after its own setup)
 */
static CURLcode ssl_ctx_cb(CURL *curl, void *ssl_ctx, void *data)
{
	private_getcert_curl_t *this = data;
	X509_VERIFY_PARAM *param;

	if (!this->anchor)
	{	/* pinned by public key only, or not anchored yet */
		return CURLE_OK;
	}
	param = SSL_CTX_get0_param(ssl_ctx);
	/* a DNS or IP subjectAltName must match, never the subject's CN */
	X509_VERIFY_PARAM_set_hostflags(param,
								X509_CHECK_FLAG_NEVER_CHECK_SUBJECT |
								X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
	if (X509_VERIFY_PARAM_set1_ip_asc(param, this->host) != 1 &&
		X509_VERIFY_PARAM_set1_host(param, this->host, 0) != 1)
	{
		return CURLE_SSL_CERTPROBLEM;
	}
	X509_VERIFY_PARAM_set_purpose(param, X509_PURPOSE_SSL_SERVER);
	SSL_CTX_set_verify(ssl_ctx, SSL_VERIFY_PEER,
					   this->anchor_is_ca ? verify_server_auth : NULL);
	return CURLE_OK;
}

/**
 * Use a certificate as the one TLS trust anchor, or none (a pin only, or
 * not anchored yet)
 */
static bool set_anchor(private_getcert_curl_t *this, certificate_t *anchor)
{
	struct curl_blob blob;
	chunk_t pem;
	bool ok;

	if (!anchor)
	{
		curl_easy_setopt(this->curl, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(this->curl, CURLOPT_SSL_VERIFYHOST, 0L);
		/* no session of an unauthenticated connection is ever resumed */
		curl_easy_setopt(this->curl, CURLOPT_SSL_SESSIONID_CACHE, 0L);
		return TRUE;
	}
	if (!anchor->get_encoding(anchor, CERT_PEM, &pem))
	{
		return FALSE;
	}
	blob = (struct curl_blob){
		.data = pem.ptr,
		.len = pem.len,
		.flags = CURL_BLOB_COPY,
	};
	/* the anchor only, no system CA directory or file */
	curl_easy_setopt(this->curl, CURLOPT_CAPATH, NULL);
	ok = curl_easy_setopt(this->curl, CURLOPT_CAINFO_BLOB,
						  &blob) == CURLE_OK;
	chunk_free(&pem);
	curl_easy_setopt(this->curl, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(this->curl, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(this->curl, CURLOPT_SSL_SESSIONID_CACHE, 1L);
	DESTROY_IF(this->anchor);
	this->anchor = anchor->get_ref(anchor);
	return ok;
}

METHOD(getcert_transport_t, is_authenticated, bool,
	private_getcert_curl_t *this)
{
	return !this->plain && (this->anchor || this->pin);
}

METHOD(getcert_transport_t, preauth, bool,
	private_getcert_curl_t *this)
{
	if (!this->auth || !this->preemptive || is_cancelled(this))
	{
		return FALSE;
	}
	if (!is_authenticated(this))
	{	/* plain HTTP, or a fingerprint-only CA that did not match yet:
		 * credentials only ever answer a 401 there (which is refused) */
		DBG2(DBG_LIB, "getcert: %s is not authenticated, no credentials "
			 "without a 401", this->url);
		return FALSE;
	}
	/* every connection, a reused or a new one, is verified against the
	 * anchor or pin in its TLS handshake before the request is sent, and
	 * no redirect is followed: the credentials reach this server only */
	return this->auth->preempt(this->auth);
}

METHOD(getcert_transport_t, trust_ca, bool,
	private_getcert_curl_t *this, certificate_t *ca)
{
	if (this->plain)
	{
		return FALSE;
	}
	if (this->anchor)
	{
		if (this->anchor_is_ca || !this->anchor->equals(this->anchor, ca))
		{
			return FALSE;
		}
		/* tls_ca is the enrollment CA pinned by fingerprint */
		DBG1(DBG_LIB, "getcert: %s: the TLS anchor is the enrollment CA, "
			 "its server certificate must have the serverAuth usage",
			 this->url);
	}
	else if (this->pin)
	{
		return FALSE;
	}
	else
	{
		DBG1(DBG_LIB, "getcert: %s: TLS anchored to the CA '%Y' that matches "
			 "the pinned fingerprint", this->url, ca->get_subject(ca));
		if (!set_anchor(this, ca))
		{
			return FALSE;
		}
	}
	this->anchor_is_ca = TRUE;
	this->fresh = TRUE;
	return TRUE;
}

METHOD(getcert_transport_t, cancel, void,
	private_getcert_curl_t *this)
{
	__atomic_store_n(&this->cancelled, TRUE, __ATOMIC_SEQ_CST);
}

METHOD(getcert_transport_t, destroy, void,
	private_getcert_curl_t *this)
{
	if (this->curl)
	{
		clear_client_auth(this);
	}
	curl_easy_cleanup(this->curl);
	chunk_free(&this->client_cert);
	chunk_clear(&this->client_key);
	DESTROY_IF(this->anchor);
	free(this->pin);
	free(this->host);
	DESTROY_IF(this->auth);
	chunk_free(&this->body);
	free(this->content_type);
	free(this->www_authenticate);
	free(this->location);
	free(this->encoding);
	free(this->retry_after);
	free(this->est_base);
	free(this->url);
	free(this);
}

/**
 * The host of a URL, without the brackets of an IPv6 address
 */
static char *url_host(char *url)
{
	CURLU *u;
	char *host = NULL, *copy = NULL;
	size_t len;

	u = curl_url();
	if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
		curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK)
	{
		len = strlen(host);
		if (len > 2 && host[0] == '[' && host[len - 1] == ']')
		{
			copy = strndup(host + 1, len - 2);
		}
		else
		{
			copy = strdup(host);
		}
		curl_free(host);
	}
	curl_url_cleanup(u);
	return copy;
}

/*
 * Described in header
 */
char *getcert_curl_parse_pin(char *value)
{
	enumerator_t *enumerator;
	chunk_t fp, hash;
	char *token, *out, *b64;
	bool ok = TRUE;

	if (!value)
	{
		return NULL;
	}
	/* normalized, never longer than the value or one pin in curl's form */
	out = calloc(1, strlen(value) + 64);
	if (!strpfx(value, "sha256//"))
	{
		if (!getcert_x509_parse_fingerprints(value, &fp) ||
			fp.len != HASH_SIZE_SHA256)
		{
			chunk_free(&fp);
			free(out);
			return NULL;
		}
		b64 = chunk_to_base64(fp, NULL).ptr;
		chunk_free(&fp);
		sprintf(out, "sha256//%s", b64);
		free(b64);
		return out;
	}
	enumerator = enumerator_create_token(value, ";", " ");
	while (ok && enumerator->enumerate(enumerator, &token))
	{
		/* sha256// and the base64 of 32 bytes: 43 characters and '=' */
		hash = chunk_empty;
		ok = strpfx(token, "sha256//") && strlen(token) == 8 + 44;
		if (ok)
		{
			hash = chunk_from_base64(chunk_from_str(token + 8), NULL);
			ok = hash.len == HASH_SIZE_SHA256;
		}
		chunk_free(&hash);
		if (ok)
		{
			if (*out)
			{
				strcat(out, ";");
			}
			strcat(out, token);
		}
	}
	enumerator->destroy(enumerator);
	if (!ok || !*out)
	{
		free(out);
		return NULL;
	}
	return out;
}

/**
 * Set up server authentication: the pins, and the anchor (tls_ca, else
 * the enrollment CA if there is no pin), with our checks of the server
 * certificate; never the system's CA store
 */
static bool set_tls(private_getcert_curl_t *this,
					getcert_curl_params_t *params)
{
	certificate_t *anchor;

	if (curl_easy_setopt(this->curl, CURLOPT_SSL_CTX_FUNCTION,
						 ssl_ctx_cb) != CURLE_OK ||
		curl_easy_setopt(this->curl, CURLOPT_SSL_CTX_DATA, this) != CURLE_OK)
	{
		DBG1(DBG_LIB, "getcert: libcurl lacks the OpenSSL backend needed to "
			 "check the server certificate");
		return FALSE;
	}
	if (this->pin &&
		curl_easy_setopt(this->curl, CURLOPT_PINNEDPUBLICKEY,
						 this->pin) != CURLE_OK)
	{
		DBG1(DBG_LIB, "getcert: libcurl does not support tls_pin");
		return FALSE;
	}
	anchor = params->tls_ca ?: (this->pin ? NULL : params->ca_cert);
	if (!set_anchor(this, anchor))
	{
		DBG1(DBG_LIB, "getcert: setting the TLS trust anchor failed");
		return FALSE;
	}
	this->anchor_is_ca = anchor && params->ca_cert &&
						 anchor->equals(anchor, params->ca_cert);
	return TRUE;
}

/*
 * Described in header
 */
bool getcert_est_label_valid(char *label)
{
	int i;

	/* RFC 7030 3.2.2: a path segment; we allow RFC 3986 unreserved only */
	if (!label || !*label || strlen(label) > 64)
	{
		return FALSE;
	}
	for (i = 0; label[i]; i++)
	{
		if (!isalnum(label[i]) && !strchr("-._~", label[i]))
		{
			return FALSE;
		}
	}
	return !streq(label, ".") && !streq(label, "..");
}

/**
 * The EST base of a URL: https://host[:port] gets /.well-known/est, a URL
 * with a path is taken as the base itself; then the label, if any
 */
static char *est_base(char *url, char *label)
{
	CURLU *u;
	char *path = NULL, *base = NULL, *trimmed;
	size_t len;

	if (strchr(url, '?') || strchr(url, '#'))
	{
		DBG1(DBG_LIB, "getcert: EST URL '%s' must not have a query", url);
		return NULL;
	}
	u = curl_url();
	if (!u || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
		curl_url_get(u, CURLUPART_PATH, &path, 0) != CURLUE_OK)
	{
		curl_url_cleanup(u);
		return NULL;
	}
	trimmed = strdup(url);
	len = strlen(trimmed);
	while (len && trimmed[len - 1] == '/')
	{
		trimmed[--len] = '\0';
	}
	len += strlen("/.well-known/est/") + (label ? strlen(label) : 0) + 1;
	base = malloc(len);
	snprintf(base, len, "%s%s%s%s", trimmed,
			 (!path[0] || streq(path, "/")) ? "/.well-known/est" : "",
			 label ? "/" : "", label ?: "");
	free(trimmed);
	curl_free(path);
	curl_url_cleanup(u);
	return base;
}

/*
 * Described in header
 */
getcert_curl_t *getcert_curl_create(getcert_curl_params_t *params)
{
	private_getcert_curl_t *this;
	bool https;

	https = strncaseeq(params->url, "https://", strlen("https://"));
	if (params->est && !https)
	{
		DBG1(DBG_LIB, "getcert: EST URL '%s' is not https:// (EST is HTTPS "
			 "only)", params->url);
		return NULL;
	}
	if (params->est && params->est_label &&
		!getcert_est_label_valid(params->est_label))
	{
		DBG1(DBG_LIB, "getcert: EST label '%s' is not a valid path segment "
			 "(letters, digits, '-', '.', '_', '~')", params->est_label);
		return NULL;
	}
	if (!https && !(params->allow_http &&
					strncaseeq(params->url, "http://", strlen("http://"))))
	{
		DBG1(DBG_LIB, "getcert: URL '%s' is not https://", params->url);
		return NULL;
	}

	INIT(this,
		.public = {
			.transport = {
				.request = _request,
				.est_request = _est_request,
				.set_client_auth = _set_client_auth,
				.preauth = _preauth,
				.is_authenticated = _is_authenticated,
				.trust_ca = _trust_ca,
				.cancel = _cancel,
				.destroy = _destroy,
			},
			.get_requests = _get_requests,
			.get_connects = _get_connects,
			.get_retry_after = _get_retry_after,
			.forget = _forget,
		},
		.curl = curl_easy_init(),
		.url = strdup(params->url),
		.plain = !https,
		.host = url_host(params->url),
		.pin = strdupnull(params->tls_pin),
		.max_size = params->max_size,
		.preemptive = params->preemptive_auth,
	);
	if (params->est)
	{
		this->est_base = est_base(params->url, params->est_label);
		if (!this->est_base)
		{
			DBG1(DBG_LIB, "getcert: EST URL '%s' is not acceptable",
				 params->url);
			destroy(this);
			return NULL;
		}
	}
	if (!this->curl || !this->host)
	{
		DBG1(DBG_LIB, "getcert: URL '%s' has no host", params->url);
		destroy(this);
		return NULL;
	}
	if (params->cb && params->user)
	{
		this->auth = getcert_http_auth_create(params->user, params->cb,
									params->data, params->max_tries,
									params->max_rounds);
	}
	curl_easy_setopt(this->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(this->curl, CURLOPT_XFERINFOFUNCTION, xferinfo_cb);
	curl_easy_setopt(this->curl, CURLOPT_XFERINFODATA, this);
	curl_easy_setopt(this->curl, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(this->curl, CURLOPT_ERRORBUFFER, this->error);
	curl_easy_setopt(this->curl, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(this->curl, CURLOPT_PROTOCOLS_STR,
					 https ? "https" : "http");
	curl_easy_setopt(this->curl, CURLOPT_REDIR_PROTOCOLS_STR, "");
	curl_easy_setopt(this->curl, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(this->curl, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(this->curl, CURLOPT_CONNECTTIMEOUT,
					 (long)params->connect_timeout);
	curl_easy_setopt(this->curl, CURLOPT_TIMEOUT, (long)params->timeout);
	curl_easy_setopt(this->curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(this->curl, CURLOPT_LOW_SPEED_TIME,
					 (long)params->low_speed_time);
	curl_easy_setopt(this->curl, CURLOPT_MAXFILESIZE_LARGE,
					 (curl_off_t)params->max_size);
	curl_easy_setopt(this->curl, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(this->curl, CURLOPT_WRITEDATA, this);
	curl_easy_setopt(this->curl, CURLOPT_HEADERFUNCTION, header_cb);
	curl_easy_setopt(this->curl, CURLOPT_HEADERDATA, this);
	curl_easy_setopt(this->curl, CURLOPT_USERAGENT, "getcert/0.1");
	curl_easy_setopt(this->curl, CURLOPT_TCP_KEEPALIVE, 1L);
	if (https && !set_tls(this, params))
	{
		destroy(this);
		return NULL;
	}
	return &this->public;
}

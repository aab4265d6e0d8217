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

#include "getcert_est_enroll.h"

#include <utils/debug.h>
#include <threading/mutex.h>
#include <threading/condvar.h>
#include <threading/thread.h>
#include <credentials/certificates/x509.h>

typedef struct private_getcert_est_enroll_t private_getcert_est_enroll_t;

/**
 * Private data of a getcert_est_enroll_t object.
 */
struct private_getcert_est_enroll_t {

	/**
	 * Public interface.
	 */
	getcert_est_enroll_t public;

	/**
	 * Transport to the server.
	 */
	getcert_transport_t *transport;

	/**
	 * Copied parameters (identities, certificates and chunks owned).
	 */
	getcert_enroll_params_t params;

	/**
	 * The verified CA certificate, after get_ca().
	 */
	certificate_t *ca;

	/**
	 * What /csrattrs asks for, and whether it was fetched.
	 */
	getcert_est_csrattrs_t attrs;
	bool have_attrs;

	/**
	 * 202 replies waited for in the last enroll().
	 */
	u_int polls;

	/**
	 * Protects cancelled, for the wait between retries.
	 */
	mutex_t *mutex;

	/**
	 * Signalled by cancel().
	 */
	condvar_t *condvar;

	/**
	 * cancel() was called, every operation ends.
	 */
	bool cancelled;
};

/*
 * Described in header
 */
hash_algorithm_t getcert_key_digest(private_key_t *key)
{
	switch (key->get_type(key))
	{
		case KEY_ED25519:
		case KEY_ED448:
			return HASH_IDENTITY;
		case KEY_ECDSA:
			switch (key->get_keysize(key))
			{
				case 384:
					return HASH_SHA384;
				case 521:
					return HASH_SHA512;
				default:
					return HASH_SHA256;
			}
		default:
			return HASH_SHA256;
	}
}

/*
 * Described in header
 */
void getcert_key_get_spec(private_key_t *key, getcert_key_spec_t *spec)
{
	spec->type = key->get_type(key);
	spec->bits = spec->type == KEY_ED25519 ? 0 : key->get_keysize(key);
}

/**
 * Whether cancel() was called
 */
static bool is_cancelled(private_getcert_est_enroll_t *this)
{
	bool cancelled;

	this->mutex->lock(this->mutex);
	cancelled = this->cancelled;
	this->mutex->unlock(this->mutex);
	return cancelled;
}

/**
 * Wait for a number of seconds, or until cancel(); FALSE if cancelled
 */
static bool wait_s(private_getcert_est_enroll_t *this, u_int s)
{
	timeval_t until;
	bool timed_out = FALSE, cancelled;

	time_monotonic(&until);
	until.tv_sec += s;
	this->mutex->lock(this->mutex);
	thread_cleanup_push((thread_cleanup_t)this->mutex->unlock, this->mutex);
	while (!this->cancelled && !timed_out)
	{
		timed_out = this->condvar->timed_wait_abs(this->condvar, this->mutex,
												  until);
	}
	cancelled = this->cancelled;
	thread_cleanup_pop(TRUE);
	return !cancelled;
}

/**
 * GET an operation expecting certificates (200), decoded and parsed
 */
static getcert_err_t get_certs(private_getcert_est_enroll_t *this,
							   getcert_http_reply_t *reply, char *op,
							   linked_list_t *certs)
{
	getcert_err_t err;
	chunk_t der;

	if (reply->status != 200)
	{
		DBG1(DBG_LIB, "EST: %s answered HTTP %u without certificates", op,
			 reply->status);
		return GETCERT_ERR_MALFORMED;
	}
	if (reply->type &&
		!getcert_est_type_is(reply->type, "application/pkcs7-mime"))
	{
		DBG1(DBG_LIB, "EST: %s answered with Content-Type '%s', not "
			 "application/pkcs7-mime", op, reply->type);
		return GETCERT_ERR_MALFORMED;
	}
	err = getcert_est_decode(reply->body, reply->encoding, &der);
	if (err == GETCERT_OK)
	{
		err = getcert_est_parse_certs(der, certs);
		chunk_free(&der);
	}
	return err;
}

/**
 * GET /cacerts and check it against the pin
 */
static getcert_err_t fetch_ca(private_getcert_est_enroll_t *this)
{
	getcert_http_reply_t reply;
	linked_list_t *certs;
	getcert_err_t err;

	DESTROY_IF(this->ca);
	this->ca = NULL;
	err = this->transport->est_request(this->transport, "cacerts", NULL,
									   chunk_empty, &reply);
	if (err != GETCERT_OK)
	{
		return err;
	}
	certs = linked_list_create();
	err = get_certs(this, &reply, "/cacerts", certs);
	if (err == GETCERT_OK)
	{
		err = getcert_match_ca(certs, this->params.ca_cert,
							   this->params.ca_fingerprint, &this->ca);
	}
	certs->destroy_offset(certs, offsetof(certificate_t, destroy));
	getcert_http_reply_clear(&reply);
	return err;
}

METHOD(getcert_enroll_t, get_ca, getcert_err_t,
	private_getcert_est_enroll_t *this)
{
	getcert_err_t err;

	if (this->ca)
	{
		return GETCERT_OK;
	}
	if (is_cancelled(this))
	{
		return GETCERT_ERR_CANCELLED;
	}
	err = fetch_ca(this);
	if (err == GETCERT_OK &&
		this->transport->trust_ca(this->transport, this->ca))
	{
		DBG1(DBG_LIB, "EST: the server's CA '%Y' matches the pin, fetching "
			 "/cacerts again over TLS authenticated with it",
			 this->ca->get_subject(this->ca));
		err = fetch_ca(this);
		if (err == GETCERT_OK &&
			this->transport->trust_ca(this->transport, this->ca))
		{
			err = GETCERT_ERR_INTERNAL;
		}
	}
	if (err != GETCERT_OK)
	{
		DESTROY_IF(this->ca);
		this->ca = NULL;
	}
	return err;
}

METHOD(getcert_enroll_t, get_ca_cert, certificate_t*,
	private_getcert_est_enroll_t *this)
{
	return this->ca;
}

/**
 * GET /csrattrs once; a server without it asks for nothing
 */
static getcert_err_t fetch_attrs(private_getcert_est_enroll_t *this)
{
	getcert_http_reply_t reply;
	getcert_err_t err;
	chunk_t der = chunk_empty;

	if (this->have_attrs)
	{
		return GETCERT_OK;
	}
	err = this->transport->est_request(this->transport, "csrattrs", NULL,
									   chunk_empty, &reply);
	if (err == GETCERT_ERR_HTTP)
	{	/* 404/501: no attributes (RFC 7030 4.5.2) */
		DBG2(DBG_LIB, "EST: no /csrattrs, the server asks for nothing");
		this->attrs = (getcert_est_csrattrs_t){
			.key_type = KEY_ANY,
			.digest = HASH_UNKNOWN,
		};
		this->have_attrs = TRUE;
		return GETCERT_OK;
	}
	if (err != GETCERT_OK)
	{
		return err;
	}
	if (reply.status == 200 && reply.body.len)
	{
		err = getcert_est_decode(reply.body, reply.encoding, &der);
	}
	if (err == GETCERT_OK)
	{
		err = getcert_est_parse_csrattrs(der, &this->attrs);
	}
	chunk_free(&der);
	getcert_http_reply_clear(&reply);
	this->have_attrs = err == GETCERT_OK;
	return err;
}

/**
 * Check a key spec against what /csrattrs asks for (type/size fixed, or 0
 * to take the server's), fill in the size
 */
static getcert_err_t meet_attrs(private_getcert_est_enroll_t *this,
								getcert_key_spec_t *spec, bool fixed)
{
	getcert_est_csrattrs_t *a = &this->attrs;
	u_int want;

	if (a->key_type != KEY_ANY && a->key_type != spec->type)
	{
		DBG1(DBG_LIB, "EST: the server asks for a %N key, the profile "
			 "allows %N only: refused", key_type_names, a->key_type,
			 key_type_names, spec->type);
		return GETCERT_ERR_POLICY;
	}
	want = spec->type == KEY_ECDSA ? a->curve :
		   spec->type == KEY_RSA ? a->rsa_bits : 0;
	if (want && spec->bits && want != spec->bits)
	{
		DBG1(DBG_LIB, "EST: the server asks for a %N key of %u bits, the %s "
			 "is of %u bits: refused", key_type_names, spec->type, want,
			 fixed ? "key" : "profile allows", spec->bits);
		return GETCERT_ERR_POLICY;
	}
	if (!spec->bits)
	{
		spec->bits = want ?: (spec->type == KEY_RSA ? 2048 :
							  spec->type == KEY_ECDSA ? 256 : 0);
	}
	if (a->challenge_password && !this->params.challenge_password)
	{
		DBG1(DBG_LIB, "EST: the server asks for a challengePassword, none "
			 "is configured");
	}
	return GETCERT_OK;
}

METHOD(getcert_est_enroll_t, get_key_spec, getcert_err_t,
	private_getcert_est_enroll_t *this, getcert_key_spec_t *spec)
{
	getcert_err_t err;

	err = get_ca(this);
	if (err == GETCERT_OK)
	{
		err = fetch_attrs(this);
	}
	if (err == GETCERT_OK)
	{
		err = meet_attrs(this, spec, FALSE);
	}
	return err;
}

/**
 * Subject DN of the request: the current certificate's on renewal (RFC
 * 7030 4.2.2), configured, the identity if it is a DN, or CN=<identity>
 */
static identification_t *request_subject(private_getcert_est_enroll_t *this,
										 certificate_t *current)
{
	identification_t *id = this->params.identity;
	char buf[512];

	if (current)
	{
		return current->get_subject(current)->clone(
											current->get_subject(current));
	}
	if (this->params.subject)
	{
		return this->params.subject->clone(this->params.subject);
	}
	if (id->get_type(id) == ID_DER_ASN1_DN)
	{
		return id->clone(id);
	}
	snprintf(buf, sizeof(buf), "CN=%Y", id);
	return identification_create_from_string(buf);
}

/**
 * The base64 PKCS#10 request (RFC 8951), the DER wiped
 */
static chunk_t build_request(private_getcert_est_enroll_t *this,
							 private_key_t *key, certificate_t *current)
{
	identification_t *subject, *id = this->params.identity;
	linked_list_t *sans;
	chunk_t der, b64, password = chunk_empty;
	hash_algorithm_t digest;

	digest = getcert_key_digest(key);
	if (this->attrs.digest != HASH_UNKNOWN && digest != HASH_IDENTITY &&
		this->attrs.digest != digest)
	{
		DBG2(DBG_LIB, "EST: signing the request with %N as /csrattrs asks",
			 hash_algorithm_names, this->attrs.digest);
		digest = this->attrs.digest;
	}
	subject = request_subject(this, current);
	sans = linked_list_create();
	if (id->get_type(id) != ID_DER_ASN1_DN)
	{
		sans->insert_last(sans, id);
	}
	if (this->params.challenge_password)
	{
		password = chunk_from_str(this->params.challenge_password);
	}
	der = getcert_x509_build_csr(key, subject, sans, password, digest);
	sans->destroy(sans);
	subject->destroy(subject);
	if (!der.len)
	{
		DBG1(DBG_LIB, "EST: building the request for the %N key failed",
			 key_type_names, key->get_type(key));
		return chunk_empty;
	}
	b64 = chunk_to_base64(der, NULL);
	chunk_clear(&der);
	return b64;
}

/**
 * Pick the certificate for our key out of an enrollment reply
 */
static certificate_t *pick_cert(linked_list_t *certs, private_key_t *key)
{
	enumerator_t *enumerator;
	certificate_t *cert, *found = NULL, *other = NULL;

	enumerator = certs->create_enumerator(certs);
	while (enumerator->enumerate(enumerator, &cert))
	{
		if (cert->get_type(cert) != CERT_X509)
		{
			continue;
		}
		if (getcert_key_matches(cert, key))
		{
			found = cert;
			break;
		}
		if (!other && !(((x509_t*)cert)->get_flags((x509_t*)cert) & X509_CA))
		{	/* for a precise error */
			other = cert;
		}
	}
	enumerator->destroy(enumerator);
	found = found ?: other;
	return found ? found->get_ref(found) : NULL;
}

/**
 * POST the request, retrying on 202 within the polling bounds
 */
static getcert_err_t post_polling(private_getcert_est_enroll_t *this,
								  char *op, chunk_t request,
								  getcert_http_reply_t *reply)
{
	getcert_err_t err;
	timeval_t start, now;
	u_int delay, elapsed, wait;

	time_monotonic(&start);
	delay = min(this->params.poll_interval, this->params.poll_max);
	while (TRUE)
	{
		err = this->transport->est_request(this->transport, op,
									"application/pkcs10", request, reply);
		if (err != GETCERT_OK || reply->status != 202)
		{
			return err;
		}
		time_monotonic(&now);
		elapsed = now.tv_sec - start.tv_sec;
		/* Retry-After within [1, poll_max], else our own backoff */
		wait = reply->retry_after ? min(reply->retry_after,
										max(this->params.poll_max, 1))
								  : max(delay, 1);
		if (reply->retry_after > this->params.poll_timeout ||
			elapsed + wait > this->params.poll_timeout)
		{
			DBG1(DBG_LIB, "EST: %s still pending after %us (retry after "
				 "%us), beyond the polling time of %us: giving up", op,
				 elapsed, reply->retry_after ?: wait,
				 this->params.poll_timeout);
			getcert_http_reply_clear(reply);
			return GETCERT_ERR_PENDING;
		}
		getcert_http_reply_clear(reply);
		DBG1(DBG_LIB, "EST: %s pending at the CA (202), retrying in %us", op,
			 wait);
		if (!wait_s(this, wait))
		{
			return GETCERT_ERR_CANCELLED;
		}
		this->polls++;
		delay = min(max(delay * 2, this->params.poll_interval),
					this->params.poll_max);
	}
}

METHOD(getcert_enroll_t, enroll, getcert_err_t,
	private_getcert_est_enroll_t *this, private_key_t *key,
	certificate_t *current, private_key_t *current_key,
	certificate_t **out)
{
	getcert_key_spec_t spec;
	getcert_http_reply_t reply = {};
	linked_list_t *certs;
	certificate_t *cert;
	getcert_err_t err;
	chunk_t request;
	char *op;
	bool renew = current && current_key, client_auth = FALSE;

	*out = NULL;
	this->polls = 0;
	if (is_cancelled(this))
	{
		return GETCERT_ERR_CANCELLED;
	}
	if (renew && !this->transport->set_client_auth)
	{
		DBG1(DBG_LIB, "EST: the transport has no TLS client authentication "
			 "for re-enrollment");
		return GETCERT_ERR_TLS;
	}
	if (renew && this->transport->is_authenticated(this->transport))
	{	/* before the first request: one connection for all of them */
		if (!this->transport->set_client_auth(this->transport, current,
											  current_key))
		{
			return GETCERT_ERR_TLS;
		}
		client_auth = TRUE;
	}
	err = get_ca(this);
	if (err != GETCERT_OK)
	{
		return err;
	}
	if (renew && !client_auth)
	{	/* not to a server that is not authenticated */
		if (!this->transport->is_authenticated(this->transport))
		{
			DBG1(DBG_LIB, "EST: re-enrollment needs an authenticated server");
			return GETCERT_ERR_TLS;
		}
		if (!this->transport->set_client_auth(this->transport, current,
											  current_key))
		{
			return GETCERT_ERR_TLS;
		}
	}
	err = fetch_attrs(this);
	if (err != GETCERT_OK)
	{
		return err;
	}
	getcert_key_get_spec(key, &spec);
	err = meet_attrs(this, &spec, TRUE);
	if (err != GETCERT_OK)
	{
		return err;
	}
	request = build_request(this, key, renew ? current : NULL);
	if (!request.len)
	{
		return GETCERT_ERR_INTERNAL;
	}
	op = renew ? "simplereenroll" : "simpleenroll";
	err = post_polling(this, op, request, &reply);
	chunk_clear(&request);
	if (err != GETCERT_OK)
	{
		return err;
	}
	certs = linked_list_create();
	err = get_certs(this, &reply, op, certs);
	getcert_http_reply_clear(&reply);
	if (err == GETCERT_OK)
	{
		cert = pick_cert(certs, key);
		if (!cert)
		{
			DBG1(DBG_LIB, "EST: %s reply holds no end-entity certificate", op);
			err = GETCERT_ERR_MALFORMED;
		}
		else
		{
			err = getcert_check_issued(cert, key, this->ca,
									   this->params.identity,
									   this->params.max_skew);
			if (err == GETCERT_OK && current &&
				!getcert_is_renewed(cert, current))
			{
				err = GETCERT_ERR_NOT_RENEWED;
			}
			if (err == GETCERT_OK)
			{
				*out = cert;
			}
			else
			{
				cert->destroy(cert);
			}
		}
	}
	certs->destroy_offset(certs, offsetof(certificate_t, destroy));
	return err;
}

METHOD(getcert_enroll_t, get_crl, getcert_err_t,
	private_getcert_est_enroll_t *this, certificate_t *current,
	private_key_t *key, certificate_t **crl)
{
	DBG1(DBG_LIB, "EST: fetching a CRL is not an EST operation");
	return GETCERT_ERR_PROTOCOL;
}

METHOD(getcert_enroll_t, get_cert, getcert_err_t,
	private_getcert_est_enroll_t *this, certificate_t *current,
	private_key_t *key, chunk_t serial, certificate_t **cert)
{
	DBG1(DBG_LIB, "EST: fetching a certificate by serial is not an EST "
		 "operation");
	return GETCERT_ERR_PROTOCOL;
}

METHOD(getcert_enroll_t, get_fail_info, getcert_scep_fail_t,
	private_getcert_est_enroll_t *this)
{
	return GETCERT_SCEP_FAIL_NONE;
}

METHOD(getcert_enroll_t, get_polls, u_int,
	private_getcert_est_enroll_t *this)
{
	return this->polls;
}

METHOD(getcert_enroll_t, cancel, void,
	private_getcert_est_enroll_t *this)
{
	this->mutex->lock(this->mutex);
	this->cancelled = TRUE;
	this->condvar->broadcast(this->condvar);
	this->mutex->unlock(this->mutex);
	if (this->transport->cancel)
	{
		this->transport->cancel(this->transport);
	}
}

METHOD(getcert_enroll_t, destroy, void,
	private_getcert_est_enroll_t *this)
{
	DESTROY_IF(this->ca);
	DESTROY_IF(this->params.identity);
	DESTROY_IF(this->params.subject);
	DESTROY_IF(this->params.ca_cert);
	chunk_free(&this->params.ca_fingerprint);
	if (this->params.challenge_password)
	{
		memwipe(this->params.challenge_password,
				strlen(this->params.challenge_password));
		free(this->params.challenge_password);
	}
	this->condvar->destroy(this->condvar);
	this->mutex->destroy(this->mutex);
	free(this);
}

/*
 * Described in header
 */
getcert_est_enroll_t *getcert_est_enroll_create(getcert_transport_t *transport,
												getcert_enroll_params_t *params)
{
	private_getcert_est_enroll_t *this;

	if (!transport->est_request)
	{
		DBG1(DBG_LIB, "EST: the transport does not speak EST");
		return NULL;
	}
	INIT(this,
		.public = {
			.enroll = {
				.get_ca = _get_ca,
				.get_ca_cert = _get_ca_cert,
				.enroll = _enroll,
				.get_crl = _get_crl,
				.get_cert = _get_cert,
				.get_fail_info = _get_fail_info,
				.get_polls = _get_polls,
				.cancel = _cancel,
				.destroy = _destroy,
			},
			.get_key_spec = _get_key_spec,
		},
		.transport = transport,
		.params = *params,
		.mutex = mutex_create(MUTEX_TYPE_DEFAULT),
		.condvar = condvar_create(CONDVAR_TYPE_DEFAULT),
	);
	this->params.identity = params->identity->clone(params->identity);
	this->params.subject = params->subject ?
							params->subject->clone(params->subject) : NULL;
	this->params.ca_cert = params->ca_cert ?
							params->ca_cert->get_ref(params->ca_cert) : NULL;
	this->params.ca_fingerprint = chunk_clone(params->ca_fingerprint);
	this->params.ra_fingerprints = chunk_empty;
	this->params.ca_ident = NULL;
	this->params.challenge_password = strdupnull(params->challenge_password);
	return &this->public;
}

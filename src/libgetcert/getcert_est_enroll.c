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
#include "getcert_wait.h"
#include "getcert_keypkg.h"
#include "getcert_x509.h"

#include <utils/debug.h>
#include <credentials/certificates/x509.h>
#include <asn1/asn1.h>
#include <asn1/oid.h>

/**
 * Size of the ephemeral RSA key a /serverkeygen request names
 */
#define KEYGEN_RSA_BITS 2048

/**
 * id-aa-asymmDecryptKeyID, 1.2.840.113549.1.9.16.2.54 (RFC 7030 4.4.1.2)
 */
static chunk_t asymm_decrypt_key_id_oid = chunk_from_chars(
	0x2a,0x86,0x48,0x86,0xf7,0x0d,0x01,0x09,0x10,0x02,0x36);

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
	 * RA certificates of /cacerts the verified CA issued (certificate_t*),
	 * trusted to sign server-generated key packages.
	 */
	linked_list_t *ras;

	/**
	 * When /cacerts was fetched (monotonic seconds).
	 */
	time_t fetched;

	/**
	 * What /csrattrs asks for, and whether it was fetched.
	 */
	getcert_est_csrattrs_t attrs;
	bool have_attrs;

	/**
	 * The TLS client certificate set on the transport, or NULL.
	 */
	certificate_t *client;

	/**
	 * 202 replies waited for in the last enroll().
	 */
	u_int polls;

	/**
	 * The wait between polls, ended by cancel().
	 */
	getcert_wait_t *wait;
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
 * Authenticate as TLS client with the current certificate, once: a server
 * that is not authenticated yet gets it only after get_ca() anchored TLS
 * (done is FALSE then)
 */
static getcert_err_t client_auth(private_getcert_est_enroll_t *this,
								 certificate_t *current, private_key_t *key,
								 bool *done)
{
	*done = FALSE;
	if (this->client && this->client->equals(this->client, current))
	{
		*done = TRUE;
		return GETCERT_OK;
	}
	if (!this->transport->set_client_auth)
	{
		DBG1(DBG_LIB, "EST: the transport has no TLS client authentication "
			 "for re-enrollment");
		return GETCERT_ERR_TLS;
	}
	if (!this->transport->is_authenticated(this->transport))
	{
		return GETCERT_OK;
	}
	if (!this->transport->set_client_auth(this->transport, current, key))
	{
		return GETCERT_ERR_TLS;
	}
	DESTROY_IF(this->client);
	this->client = current->get_ref(current);
	*done = TRUE;
	return GETCERT_OK;
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
 * Keep the RA certificates of /cacerts: issued by the verified CA (not the
 * CA itself), currently valid
 */
static void keep_ras(private_getcert_est_enroll_t *this, linked_list_t *certs)
{
	enumerator_t *enumerator;
	certificate_t *cert;

	enumerator = certs->create_enumerator(certs);
	while (enumerator->enumerate(enumerator, &cert))
	{
		if (cert->get_type(cert) == CERT_X509 &&
			!cert->equals(cert, this->ca) &&
			cert->get_validity(cert, NULL, NULL, NULL) &&
			cert->issued_by(cert, this->ca, NULL))
		{
			DBG2(DBG_LIB, "EST: RA certificate '%Y' in /cacerts",
				 cert->get_subject(cert));
			this->ras->insert_last(this->ras, cert->get_ref(cert));
		}
	}
	enumerator->destroy(enumerator);
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
	this->ras->destroy_offset(this->ras, offsetof(certificate_t, destroy));
	this->ras = linked_list_create();
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
	if (err == GETCERT_OK)
	{
		keep_ras(this, certs);
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
	{	/* kept from an earlier enrollment of this engine (a renewal) for
		 * GETCERT_CA_CACHE_TIME while the CA is valid, with /csrattrs */
		if (time_monotonic(NULL) - this->fetched < GETCERT_CA_CACHE_TIME &&
			this->ca->get_validity(this->ca, NULL, NULL, NULL))
		{
			return GETCERT_OK;
		}
		DBG2(DBG_LIB, "EST: fetching /cacerts and /csrattrs again");
		this->have_attrs = FALSE;
	}
	if (this->wait->is_cancelled(this->wait))
	{
		return GETCERT_ERR_CANCELLED;
	}
	this->fetched = time_monotonic(NULL);
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
	if (want && spec->bits && spec->type == KEY_ECDSA &&
		(a->curves & getcert_est_curve_bit(spec->bits)))
	{	/* one of the curves the server lists */
		want = spec->bits;
	}
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
	private_getcert_est_enroll_t *this, certificate_t *current,
	private_key_t *current_key, getcert_key_spec_t *spec)
{
	getcert_err_t err = GETCERT_OK;
	bool authed;

	if (current && current_key)
	{	/* the renewal's connection from the start */
		err = client_auth(this, current, current_key, &authed);
	}
	if (err == GETCERT_OK)
	{
		err = get_ca(this);
	}
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
							 private_key_t *key, certificate_t *current,
							 chunk_t attrs)
{
	identification_t *subject, *id = this->params.identity;
	linked_list_t *sans;
	chunk_t der, b64, password = chunk_empty;
	hash_algorithm_t digest;

	digest = getcert_key_digest(key);
	/* HASH_IDENTITY asks for Ed25519: meaningless for another key (the
	 * ephemeral RSA key of /serverkeygen) */
	if (this->attrs.digest != HASH_UNKNOWN &&
		this->attrs.digest != HASH_IDENTITY && digest != HASH_IDENTITY &&
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
	der = getcert_x509_build_csr_attrs(key, subject, sans, password, attrs,
									   digest);
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
 * Send the password with the enrolling request of a first enrollment,
 * without a round trip for the 401 (if the transport is configured to and
 * the server is authenticated); never on a renewal, whose TLS client
 * certificate authenticates it
 */
static void preauth(private_getcert_est_enroll_t *this)
{
	if (this->transport->preauth)
	{
		this->transport->preauth(this->transport);
	}
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
		if (!this->wait->wait(this->wait, wait * 1000))
		{
			return GETCERT_ERR_CANCELLED;
		}
		this->polls++;
		delay = min(max(delay * 2, this->params.poll_interval),
					this->params.poll_max);
	}
}

/**
 * What every enrollment does first: TLS client authentication for a
 * renewal (before the first request: one connection for all of them),
 * the CA, /csrattrs
 */
static getcert_err_t prepare(private_getcert_est_enroll_t *this,
							 certificate_t *current, private_key_t *current_key)
{
	getcert_err_t err;
	bool renew = current && current_key, authed = FALSE;

	this->polls = 0;
	if (this->wait->is_cancelled(this->wait))
	{
		return GETCERT_ERR_CANCELLED;
	}
	if (renew)
	{
		err = client_auth(this, current, current_key, &authed);
		if (err != GETCERT_OK)
		{
			return err;
		}
	}
	err = get_ca(this);
	if (err != GETCERT_OK)
	{
		return err;
	}
	if (renew && !authed)
	{	/* never to a server that is not authenticated */
		err = client_auth(this, current, current_key, &authed);
		if (err == GETCERT_OK && !authed)
		{
			DBG1(DBG_LIB, "EST: re-enrollment needs an authenticated server");
			err = GETCERT_ERR_TLS;
		}
		if (err != GETCERT_OK)
		{
			return err;
		}
	}
	return fetch_attrs(this);
}

/**
 * Check an issued certificate as every issuance is checked
 */
static getcert_err_t check_cert(private_getcert_est_enroll_t *this,
								certificate_t *cert, private_key_t *key,
								certificate_t *current)
{
	getcert_err_t err;

	err = getcert_check_issued(cert, key, this->ca, this->params.identity,
							   this->params.max_skew);
	if (err == GETCERT_OK && current && !getcert_is_renewed(cert, current))
	{
		err = GETCERT_ERR_NOT_RENEWED;
	}
	return err;
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
	bool renew = current && current_key;

	*out = NULL;
	err = prepare(this, current, current_key);
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
	request = build_request(this, key, renew ? current : NULL, chunk_empty);
	if (!request.len)
	{
		return GETCERT_ERR_INTERNAL;
	}
	op = renew ? "simplereenroll" : "simpleenroll";
	if (!renew)
	{
		preauth(this);
	}
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
			err = check_cert(this, cert, key, current);
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

/**
 * Kinds of a /serverkeygen reply part
 */
typedef enum {
	PART_OTHER,
	PART_KEY,
	PART_PLAIN_KEY,
	PART_CERTS,
} part_kind_t;

/**
 * The smime-type parameter of a Content-Type, case-insensitive, quoted or
 * not, into buf; FALSE if absent
 */
static bool smime_type(char *type, char *buf, size_t len)
{
	char *pos = type, *end;
	size_t n;

	while ((pos = strchr(pos, ';')))
	{
		pos++;
		pos += strspn(pos, " \t");
		if (strncasecmp(pos, "smime-type", strlen("smime-type")))
		{
			continue;
		}
		pos += strlen("smime-type");
		pos += strspn(pos, " \t");
		if (*pos != '=')
		{
			continue;
		}
		pos++;
		pos += strspn(pos, " \t");
		if (*pos == '"')
		{
			pos++;
			end = strchr(pos, '"');
			n = end ? end - pos : 0;
		}
		else
		{
			n = strcspn(pos, " \t;");
		}
		if (!n || n >= len)
		{
			return FALSE;
		}
		memcpy(buf, pos, n);
		buf[n] = '\0';
		return TRUE;
	}
	return FALSE;
}

/**
 * Decode a part and tell its kind; a pkcs7-mime part without smime-type
 * by its ContentInfo type
 */
static part_kind_t part_kind(getcert_est_part_t *part, chunk_t *der)
{
	char smime[32];
	chunk_t blob, inner, oid;

	*der = chunk_empty;
	if (getcert_est_decode(part->body, part->encoding, der) != GETCERT_OK)
	{
		return PART_OTHER;
	}
	if (getcert_est_type_is(part->type, "application/pkcs8"))
	{
		return PART_PLAIN_KEY;
	}
	if (!getcert_est_type_is(part->type, "application/pkcs7-mime"))
	{
		DBG1(DBG_LIB, "EST: /serverkeygen reply part of Content-Type '%s'",
			 part->type ?: "(none)");
		return PART_OTHER;
	}
	if (smime_type(part->type, smime, sizeof(smime)))
	{
		if (strcaseeq(smime, "server-generated-key"))
		{
			return PART_KEY;
		}
		if (strcaseeq(smime, "certs-only"))
		{
			return PART_CERTS;
		}
		DBG1(DBG_LIB, "EST: /serverkeygen reply part of smime-type '%s'",
			 smime);
		return PART_OTHER;
	}
	/* ContentInfo ::= SEQUENCE { contentType OID, ... } */
	blob = *der;
	if (asn1_unwrap(&blob, &inner) == ASN1_SEQUENCE &&
		asn1_unwrap(&inner, &oid) == ASN1_OID)
	{
		switch (asn1_known_oid(oid))
		{
			case OID_PKCS7_ENVELOPED_DATA:
				return PART_KEY;
			case OID_PKCS7_SIGNED_DATA:
				return PART_CERTS;
			default:
				break;
		}
	}
	DBG1(DBG_LIB, "EST: /serverkeygen reply part of Content-Type '%s' is "
		 "neither a key nor certificates", part->type);
	return PART_OTHER;
}

/*
 * Described in header
 */
getcert_err_t getcert_est_parse_keygen(getcert_http_reply_t *reply,
									   private_key_t *decrypt_key,
									   linked_list_t *signers, bool allow_plain,
									   private_key_t **key,
									   linked_list_t *certs)
{
	getcert_est_part_t parts[GETCERT_EST_MAX_PARTS];
	chunk_t der[GETCERT_EST_MAX_PARTS] = {}, key_der = chunk_empty;
	chunk_t certs_der = chunk_empty;
	part_kind_t kind, key_kind = PART_OTHER;
	certificate_t *cert;
	getcert_err_t err;
	u_int count = 0, i, keys = 0, certs_parts = 0;

	*key = NULL;
	if (reply->status != 200)
	{
		DBG1(DBG_LIB, "EST: /serverkeygen answered HTTP %u without key and "
			 "certificate", reply->status);
		return GETCERT_ERR_MALFORMED;
	}
	err = getcert_est_parse_multipart(reply->body, reply->type, parts,
									  GETCERT_EST_MAX_PARTS, &count);
	if (err != GETCERT_OK)
	{
		return err;
	}
	for (i = 0; i < count; i++)
	{
		kind = part_kind(&parts[i], &der[i]);
		switch (kind)
		{
			case PART_KEY:
			case PART_PLAIN_KEY:
				keys++;
				key_kind = kind;
				key_der = der[i];
				break;
			case PART_CERTS:
				certs_parts++;
				certs_der = der[i];
				break;
			default:
				err = GETCERT_ERR_MALFORMED;
				break;
		}
	}
	getcert_est_parts_free(parts, count);
	if (err == GETCERT_OK && (count != 2 || keys != 1 || certs_parts != 1))
	{
		DBG1(DBG_LIB, "EST: /serverkeygen reply of %u parts (%u keys, %u "
			 "certificate parts), not one key and one certificate", count,
			 keys, certs_parts);
		err = GETCERT_ERR_MALFORMED;
	}
	if (err == GETCERT_OK && key_kind == PART_PLAIN_KEY &&
		!allow_plain)
	{
		DBG1(DBG_LIB, "EST: /serverkeygen returned the private key "
			 "unencrypted (application/pkcs8, protected by TLS only), we "
			 "asked for it encrypted: refused");
		err = GETCERT_ERR_POLICY;
	}
	if (err == GETCERT_OK)
	{
		err = getcert_est_parse_certs(certs_der, certs);
	}
	if (err == GETCERT_OK && key_kind == PART_PLAIN_KEY)
	{
		err = getcert_keypkg_parse(key_der, TRUE, key);
	}
	else if (err == GETCERT_OK)
	{
		err = getcert_keypkg_unprotect(key_der, decrypt_key, signers, key);
		if (err != GETCERT_OK)
		{
			DBG1(DBG_LIB, "EST: the key package of /serverkeygen is not "
				 "acceptable (%N): refused", getcert_err_names, err);
		}
	}
	for (i = 0; i < count; i++)
	{	/* one of them holds the key */
		chunk_clear(&der[i]);
	}
	if (err != GETCERT_OK)
	{
		DESTROY_IF(*key);
		*key = NULL;
		while (certs->remove_last(certs, (void**)&cert) == SUCCESS)
		{
			cert->destroy(cert);
		}
	}
	return err;
}

/**
 * Whether a server-generated key is of the type and size the profile
 * allows
 */
static bool key_allowed(private_key_t *key, getcert_key_spec_t *want,
						bool fixed)
{
	getcert_key_spec_t got;

	getcert_key_get_spec(key, &got);
	if (got.type != want->type ||
		(fixed && got.bits != want->bits) ||
		(got.type == KEY_RSA && got.bits < 2048) ||
		(got.type == KEY_ECDSA && !getcert_est_curve_bit(got.bits)))
	{
		DBG1(DBG_LIB, "EST: /serverkeygen returned a %N key of %u bits, the "
			 "profile allows %N%s%.0u: refused", key_type_names, got.type,
			 got.bits, key_type_names, want->type,
			 fixed ? " of the size set" : "", want->bits);
		return FALSE;
	}
	*want = got;
	return TRUE;
}

/**
 * The AsymmetricDecryptKeyIdentifier attribute naming a key
 */
static chunk_t decrypt_key_id_attr(private_key_t *key)
{
	public_key_t *public;
	chunk_t ski;
	bool ok;

	public = key->get_public_key(key);
	if (!public)
	{
		return chunk_empty;
	}
	ok = getcert_keypkg_key_id(public, &ski);
	public->destroy(public);
	if (!ok)
	{
		return chunk_empty;
	}
	return asn1_wrap(ASN1_SEQUENCE, "cm",
					 asn1_simple_object(ASN1_OID, asymm_decrypt_key_id_oid),
					 asn1_wrap(ASN1_SET, "m",
							   asn1_wrap(ASN1_OCTET_STRING, "m", ski)));
}

METHOD(getcert_est_enroll_t, enroll_keygen, getcert_err_t,
	private_getcert_est_enroll_t *this, getcert_key_spec_t *spec,
	certificate_t *current, private_key_t *current_key,
	private_key_t **out_key, certificate_t **out)
{
	getcert_key_spec_t want = *spec;
	getcert_http_reply_t reply = {};
	private_key_t *ephemeral, *key = NULL;
	linked_list_t *certs;
	certificate_t *cert = NULL;
	linked_list_t *signers;
	getcert_err_t err;
	chunk_t request, attr = chunk_empty;
	bool renew = current && current_key;

	*out_key = NULL;
	*out = NULL;
	err = prepare(this, current, current_key);
	if (err != GETCERT_OK)
	{
		return err;
	}
	err = meet_attrs(this, &want, FALSE);
	if (err != GETCERT_OK)
	{
		return err;
	}
	if (!this->transport->is_authenticated(this->transport))
	{	/* the private key comes back: never from an unknown server */
		DBG1(DBG_LIB, "EST: server-side key generation needs an "
			 "authenticated server");
		return GETCERT_ERR_TLS;
	}
	ephemeral = lib->creds->create(lib->creds, CRED_PRIVATE_KEY, KEY_RSA,
								   BUILD_KEY_SIZE, KEYGEN_RSA_BITS, BUILD_END);
	if (!ephemeral)
	{
		DBG1(DBG_LIB, "EST: generating the ephemeral RSA key of the "
			 "/serverkeygen request failed");
		return GETCERT_ERR_INTERNAL;
	}
	if (!this->params.allow_plain_key)
	{	/* ask for the key encrypted to the ephemeral one */
		attr = decrypt_key_id_attr(ephemeral);
		if (!attr.len)
		{
			ephemeral->destroy(ephemeral);
			return GETCERT_ERR_INTERNAL;
		}
	}
	request = build_request(this, ephemeral, renew ? current : NULL, attr);
	chunk_free(&attr);
	if (!request.len)
	{
		ephemeral->destroy(ephemeral);
		return GETCERT_ERR_INTERNAL;
	}
	if (!renew)
	{
		preauth(this);
	}
	err = post_polling(this, "serverkeygen", request, &reply);
	chunk_clear(&request);
	certs = linked_list_create();
	if (err == GETCERT_OK)
	{
		signers = linked_list_create_from_enumerator(
									this->ras->create_enumerator(this->ras));
		signers->insert_first(signers, this->ca);
		err = getcert_est_parse_keygen(&reply, ephemeral, signers,
									   this->params.allow_plain_key, &key,
									   certs);
		signers->destroy(signers);
	}
	/* the body may hold the key in clear (application/pkcs8) */
	chunk_clear(&reply.body);
	getcert_http_reply_clear(&reply);
	ephemeral->destroy(ephemeral);
	if (err == GETCERT_OK && !key_allowed(key, &want, spec->bits != 0))
	{
		err = GETCERT_ERR_POLICY;
	}
	if (err == GETCERT_OK)
	{
		cert = pick_cert(certs, key);
		if (!cert)
		{
			DBG1(DBG_LIB, "EST: /serverkeygen reply holds no end-entity "
				 "certificate");
			err = GETCERT_ERR_MALFORMED;
		}
	}
	if (err == GETCERT_OK && !getcert_key_matches(cert, key))
	{
		DBG1(DBG_LIB, "EST: the key /serverkeygen returned does not match "
			 "the certificate '%Y': refused", cert->get_subject(cert));
		err = GETCERT_ERR_CERT_KEY;
	}
	if (err == GETCERT_OK)
	{
		err = check_cert(this, cert, key, current);
	}
	certs->destroy_offset(certs, offsetof(certificate_t, destroy));
	if (err != GETCERT_OK)
	{
		DESTROY_IF(cert);
		DESTROY_IF(key);
		return err;
	}
	*spec = want;
	*out_key = key;
	*out = cert;
	return GETCERT_OK;
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
	this->wait->cancel(this->wait);
	if (this->transport->cancel)
	{
		this->transport->cancel(this->transport);
	}
}

METHOD(getcert_enroll_t, destroy, void,
	private_getcert_est_enroll_t *this)
{
	DESTROY_IF(this->ca);
	this->ras->destroy_offset(this->ras, offsetof(certificate_t, destroy));
	DESTROY_IF(this->client);
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
	this->wait->destroy(this->wait);
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
			.enroll_keygen = _enroll_keygen,
		},
		.ras = linked_list_create(),
		.transport = transport,
		.params = *params,
		.wait = getcert_wait_create(),
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

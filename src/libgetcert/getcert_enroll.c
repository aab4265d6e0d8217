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

#include "getcert_enroll.h"
#include "getcert_wait.h"
#include "getcert_x509.h"
#include "getcert_cms_signed.h"
#include "getcert_cms_enveloped.h"

#include <time.h>
#include <errno.h>

#include <utils/debug.h>
#include <asn1/asn1.h>
#include <asn1/oid.h>
#include <collections/linked_list.h>
#include <credentials/certificates/x509.h>

typedef struct private_getcert_enroll_t private_getcert_enroll_t;

/**
 * Private data of a getcert_enroll_t object.
 */
struct private_getcert_enroll_t {

	/**
	 * Public interface.
	 */
	getcert_enroll_t public;

	/**
	 * Transport to the server.
	 */
	getcert_transport_t *transport;

	/**
	 * Copied parameters (identities, certificate and chunks owned).
	 */
	getcert_enroll_params_t params;

	/**
	 * Server capabilities, after get_ca().
	 */
	u_int caps;

	/**
	 * Whether get_ca() succeeded.
	 */
	bool have_ca;

	/**
	 * When get_ca() fetched what it holds (monotonic seconds).
	 */
	time_t fetched;

	/**
	 * The verified CA certificate.
	 */
	certificate_t *ca;

	/**
	 * Certificate requests are encrypted for (RA or CA).
	 */
	certificate_t *recipient;

	/**
	 * Acceptable signers of replies (CA and verified RAs).
	 */
	linked_list_t *trusted;

	/**
	 * Algorithms chosen by policy and capabilities.
	 */
	encryption_algorithm_t enc_alg;
	size_t enc_key_size;
	hash_algorithm_t digest;

	/**
	 * failInfo of the last FAILURE.
	 */
	getcert_scep_fail_t fail;

	/**
	 * CertPolls sent by the last enroll().
	 */
	u_int polls;

	/**
	 * The wait between polls, ended by cancel().
	 */
	getcert_wait_t *wait;
};

/**
 * Choose algorithms by policy and capabilities, never below policy
 */
static getcert_err_t choose_algorithms(private_getcert_enroll_t *this)
{
	if (this->caps & GETCERT_SCEP_CAP_AES)
	{
		this->enc_alg = ENCR_AES_CBC;
		this->enc_key_size = 128;
	}
	else if (this->params.allow_des3 && (this->caps & GETCERT_SCEP_CAP_DES3))
	{
		DBG1(DBG_LIB, "SCEP: server lacks AES, using DES-EDE3-CBC as "
			 "allowed by configuration");
		this->enc_alg = ENCR_3DES;
		this->enc_key_size = 192;
	}
	else
	{
		DBG1(DBG_LIB, "SCEP: server does not offer AES (and DES3 is not "
			 "allowed), refusing to enroll");
		return GETCERT_ERR_POLICY;
	}
	if (this->caps & GETCERT_SCEP_CAP_SHA256)
	{
		this->digest = HASH_SHA256;
	}
	else if (this->params.allow_sha1 && (this->caps & GETCERT_SCEP_CAP_SHA1))
	{
		DBG1(DBG_LIB, "SCEP: server lacks SHA-256, using SHA-1 as allowed "
			 "by configuration");
		this->digest = HASH_SHA1;
	}
	else
	{
		DBG1(DBG_LIB, "SCEP: server does not offer SHA-256 (and SHA-1 is "
			 "not allowed), refusing to enroll");
		return GETCERT_ERR_POLICY;
	}
	return GETCERT_OK;
}

/**
 * Whether a certificate that is not pinned looks like an RA: a keyUsage
 * with keyEncipherment, not a CA, no extended key usage of the kind issued
 * to users
 */
static bool looks_like_ra(certificate_t *cert)
{
	x509_t *x509 = (x509_t*)cert;
	u_int usage, eku;

	return getcert_x509_key_usage(cert, &usage) &&
		   (usage & GETCERT_KU_KEY_ENCIPHERMENT) &&
		   !(x509->get_flags(x509) & X509_CA) &&
		   getcert_x509_eku(cert, &eku) &&
		   !(eku & (GETCERT_EKU_ANY | GETCERT_EKU_CLIENT_AUTH |
					GETCERT_EKU_IPSEC_IKE));
}

/**
 * Accept a certificate of a GetCACert reply as RA, for its roles
 */
static void add_ra(private_getcert_enroll_t *this, certificate_t *cert,
				   certificate_t **ra_enc)
{
	bool pinned, sign, encrypt;

	if (!cert->issued_by(cert, this->ca, NULL) ||
		!cert->get_validity(cert, NULL, NULL, NULL))
	{
		DBG1(DBG_LIB, "SCEP: ignoring certificate '%Y' not issued by the "
			 "CA or not valid", cert->get_subject(cert));
		return;
	}
	pinned = getcert_x509_fingerprint_listed(cert,
											 this->params.ra_fingerprints);
	if (!pinned && !this->transport->is_authenticated(this->transport))
	{
		DBG1(DBG_LIB, "SCEP: ignoring RA certificate '%Y': the server is "
			 "not authenticated and the RA is not pinned",
			 cert->get_subject(cert));
		return;
	}
	if (!pinned && !looks_like_ra(cert))
	{
		DBG1(DBG_LIB, "SCEP: ignoring certificate '%Y': not an RA (an RA "
			 "has a keyUsage with keyEncipherment, is no CA and has no "
			 "extended key usage of a user)", cert->get_subject(cert));
		return;
	}
	sign = getcert_x509_allows(cert, GETCERT_KU_DIGITAL_SIGNATURE);
	encrypt = getcert_x509_allows(cert, GETCERT_KU_KEY_ENCIPHERMENT);
	if (sign)
	{
		this->trusted->insert_last(this->trusted, cert->get_ref(cert));
	}
	if (encrypt && !*ra_enc)
	{
		*ra_enc = cert;
	}
	DBG2(DBG_LIB, "SCEP: RA '%Y'%s%s%s", cert->get_subject(cert),
		 pinned ? " (pinned)" : "", sign ? " signs CertReps" : "",
		 encrypt ? " receives requests" : "");
}

/*
 * Described in header
 */
getcert_err_t getcert_match_ca(linked_list_t *certs, certificate_t *ca_cert,
							   chunk_t ca_fingerprint, certificate_t **out)
{
	enumerator_t *enumerator;
	certificate_t *cert, *ca = NULL;
	time_t not_before, not_after;
	x509_t *x509;

	*out = NULL;
	enumerator = certs->create_enumerator(certs);
	while (enumerator->enumerate(enumerator, &cert))
	{
		if (ca_cert ? ca_cert->equals(ca_cert, cert)
					: getcert_x509_fingerprint_listed(cert, ca_fingerprint))
		{
			ca = cert;
			break;
		}
	}
	enumerator->destroy(enumerator);
	if (!ca)
	{
		DBG1(DBG_LIB, "getcert: the server's CA certificate does not match "
			 "the pinned CA");
		return GETCERT_ERR_CA_MISMATCH;
	}
	x509 = (x509_t*)ca;
	if (ca->get_type(ca) != CERT_X509 || !(x509->get_flags(x509) & X509_CA))
	{
		DBG1(DBG_LIB, "getcert: pinned certificate '%Y' is not a CA",
			 ca->get_subject(ca));
		return GETCERT_ERR_CA_MISMATCH;
	}
	if (!ca->get_validity(ca, NULL, &not_before, &not_after))
	{
		DBG1(DBG_LIB, "getcert: CA certificate '%Y' is not valid now (valid "
			 "from %T to %T)", ca->get_subject(ca), &not_before,
			 FALSE, &not_after, FALSE);
		return GETCERT_ERR_CERT_VALIDITY;
	}
	*out = ca->get_ref(ca);
	return GETCERT_OK;
}

/**
 * Check the CA/RA certificates of a GetCACert reply against the pin
 */
static getcert_err_t check_ca_certs(private_getcert_enroll_t *this,
									linked_list_t *certs)
{
	enumerator_t *enumerator;
	certificate_t *cert, *ra_enc = NULL;
	getcert_err_t err;

	err = getcert_match_ca(certs, this->params.ca_cert,
						   this->params.ca_fingerprint, &this->ca);
	if (err != GETCERT_OK)
	{
		return err;
	}
	this->trusted->insert_last(this->trusted, this->ca->get_ref(this->ca));

	enumerator = certs->create_enumerator(certs);
	while (enumerator->enumerate(enumerator, &cert))
	{
		if (!cert->equals(cert, this->ca))
		{
			add_ra(this, cert, &ra_enc);
		}
	}
	enumerator->destroy(enumerator);
	this->recipient = ra_enc ?: this->ca;
	this->recipient->get_ref(this->recipient);
	return GETCERT_OK;
}

/**
 * Forget what get_ca() learned
 */
static void reset_ca(private_getcert_enroll_t *this)
{
	this->trusted->destroy_offset(this->trusted,
								  offsetof(certificate_t, destroy));
	this->trusted = linked_list_create();
	DESTROY_IF(this->ca);
	DESTROY_IF(this->recipient);
	this->ca = this->recipient = NULL;
	this->caps = 0;
	this->have_ca = FALSE;
}

/**
 * GetCACaps and GetCACert, checked against the pin
 */
static getcert_err_t fetch_ca(private_getcert_enroll_t *this)
{
	linked_list_t *certs;
	getcert_err_t err;
	chunk_t body;
	char *type = NULL;

	reset_ca(this);
	err = this->transport->request(this->transport, "GetCACaps", chunk_empty,
								   FALSE, &body, NULL);
	if (err != GETCERT_OK)
	{
		return err;
	}
	this->caps = getcert_scep_parse_caps(body);
	chunk_free(&body);

	err = this->transport->request(this->transport, "GetCACert",
					chunk_from_str(this->params.ca_ident ?: ""), FALSE,
					&body, &type);
	if (err != GETCERT_OK)
	{
		return err;
	}
	certs = linked_list_create();
	if (!getcert_scep_parse_ca_certs(body, type, certs))
	{
		err = GETCERT_ERR_MALFORMED;
	}
	else
	{
		err = check_ca_certs(this, certs);
	}
	certs->destroy_offset(certs, offsetof(certificate_t, destroy));
	chunk_free(&body);
	free(type);
	return err;
}

/**
 * Whether what get_ca() fetched may still be used: not older than
 * GETCERT_CA_CACHE_TIME, the CA and every RA certificate valid now
 */
static bool ca_cache_valid(private_getcert_enroll_t *this)
{
	enumerator_t *enumerator;
	certificate_t *cert;
	bool valid;

	if (!this->have_ca)
	{
		return FALSE;
	}
	if (time_monotonic(NULL) - this->fetched >= GETCERT_CA_CACHE_TIME)
	{
		DBG2(DBG_LIB, "SCEP: capabilities and CA certificates fetched %us "
			 "ago, fetching them again", GETCERT_CA_CACHE_TIME);
		return FALSE;
	}
	valid = this->recipient->get_validity(this->recipient, NULL, NULL, NULL);
	enumerator = this->trusted->create_enumerator(this->trusted);
	while (valid && enumerator->enumerate(enumerator, &cert))
	{
		valid = cert->get_validity(cert, NULL, NULL, NULL);
	}
	enumerator->destroy(enumerator);
	if (!valid)
	{
		DBG1(DBG_LIB, "SCEP: a CA or RA certificate fetched before expired, "
			 "fetching them again");
	}
	return valid;
}

METHOD(getcert_enroll_t, get_ca, getcert_err_t,
	private_getcert_enroll_t *this)
{
	getcert_err_t err;

	if (ca_cache_valid(this))
	{
		return GETCERT_OK;
	}
	err = fetch_ca(this);
	if (err == GETCERT_OK &&
		this->transport->trust_ca(this->transport, this->ca))
	{
		DBG1(DBG_LIB, "SCEP: the server's CA '%Y' matches the pin, fetching "
			 "capabilities and certificates again over TLS authenticated "
			 "with it", this->ca->get_subject(this->ca));
		err = fetch_ca(this);
		if (err == GETCERT_OK &&
			this->transport->trust_ca(this->transport, this->ca))
		{
			err = GETCERT_ERR_INTERNAL;
		}
	}
	if (err == GETCERT_OK)
	{
		err = choose_algorithms(this);
	}
	this->have_ca = err == GETCERT_OK;
	this->fetched = time_monotonic(NULL);
	return err;
}
/**
 * Generate a random senderNonce
 */
static bool new_nonce(chunk_t *nonce)
{
	rng_t *rng;
	bool ok;

	rng = lib->crypto->create_rng(lib->crypto, RNG_WEAK);
	ok = rng && rng->allocate_bytes(rng, 16, nonce);
	DESTROY_IF(rng);
	return ok;
}

/**
 * Send a request, verify and parse the reply
 */
static getcert_err_t transact(private_getcert_enroll_t *this,
							  getcert_scep_request_t *req,
							  getcert_scep_reply_t *reply)
{
	getcert_err_t err;
	chunk_t msg, body;
	char *type = NULL;

	/* replies follow the policy of requests */
	req->reply_sha1 = this->params.allow_sha1;
	req->reply_weak = (this->params.allow_des3 ? GETCERT_CMS_ALLOW_DES3 : 0) |
					  (this->params.allow_des ? GETCERT_CMS_ALLOW_DES : 0);
	chunk_free(&req->nonce);
	if (!new_nonce(&req->nonce))
	{
		return GETCERT_ERR_INTERNAL;
	}
	msg = getcert_scep_build_request(req);
	if (!msg.len)
	{
		DBG1(DBG_LIB, "SCEP: building %N failed", getcert_scep_msg_names,
			 req->type);
		return GETCERT_ERR_INTERNAL;
	}
	DBG2(DBG_LIB, "SCEP: sending %N", getcert_scep_msg_names, req->type);
	err = this->transport->request(this->transport, "PKIOperation", msg,
						(this->caps & GETCERT_SCEP_CAP_POST_PKI_OPERATION) != 0,
						&body, &type);
	chunk_free(&msg);
	if (err != GETCERT_OK)
	{
		return err;
	}
	if (type && !strcaseeq(type, "application/x-pki-message"))
	{
		DBG1(DBG_LIB, "SCEP: reply has Content-Type '%s'", type);
	}
	free(type);
	err = getcert_scep_parse_reply(body, req, this->trusted, reply);
	chunk_free(&body);
	if (err == GETCERT_OK && reply->status == GETCERT_SCEP_FAILURE)
	{
		this->fail = reply->fail;
		DBG1(DBG_LIB, "SCEP: %N rejected: %N", getcert_scep_msg_names,
			 req->type, getcert_scep_fail_names, reply->fail);
	}
	return err;
}

/**
 * Extract the certificate for our key from a certs-only SignedData
 */
static getcert_err_t extract_cert(private_getcert_enroll_t *this,
								  chunk_t data, private_key_t *key,
								  certificate_t **out)
{
	enumerator_t *enumerator;
	certificate_t *cert;
	getcert_cms_t *cms;

	cms = getcert_cms_parse(data);
	if (!cms)
	{
		return GETCERT_ERR_MALFORMED;
	}
	*out = NULL;
	enumerator = cms->create_cert_enumerator(cms);
	while (enumerator->enumerate(enumerator, &cert))
	{
		if (!key || getcert_key_matches(cert, key))
		{
			*out = cert->get_ref(cert);
			break;
		}
	}
	if (!*out)
	{	/* take the first non-CA certificate for a precise error */
		enumerator->destroy(enumerator);
		enumerator = cms->create_cert_enumerator(cms);
		while (enumerator->enumerate(enumerator, &cert))
		{
			if (!(((x509_t*)cert)->get_flags((x509_t*)cert) & X509_CA))
			{
				*out = cert->get_ref(cert);
				break;
			}
		}
	}
	enumerator->destroy(enumerator);
	cms->destroy(cms);
	if (!*out)
	{
		DBG1(DBG_LIB, "SCEP: CertRep holds no certificate");
		return GETCERT_ERR_MALFORMED;
	}
	return GETCERT_OK;
}

/**
 * Send a request, poll while PENDING. poll_timeout bounds the whole time
 * spent polling: the last wait is clipped to the deadline (a final poll
 * at the deadline is sent), and every poll counts at least a second, so a
 * zero interval cannot poll without bound either.
 */
static getcert_err_t request_polling(private_getcert_enroll_t *this,
									 getcert_scep_request_t *req,
									 chunk_t subject,
									 getcert_scep_reply_t *reply)
{
	getcert_err_t err;
	uint64_t timeout = this->params.poll_timeout * 1000ULL, waited = 0;
	uint64_t elapsed, wait;
	timeval_t start, now;
	u_int delay;
	chunk_t data;

	err = transact(this, req, reply);
	delay = min(this->params.poll_interval, this->params.poll_max);
	time_monotonic(&start);
	while (err == GETCERT_OK && reply->status == GETCERT_SCEP_PENDING)
	{
		/* milliseconds: whole seconds would round the deadline */
		time_monotonic(&now);
		elapsed = (now.tv_sec - start.tv_sec) * 1000ULL +
				  now.tv_usec / 1000 - start.tv_usec / 1000;
		elapsed = max(waited, elapsed);
		if (elapsed >= timeout)
		{
			DBG1(DBG_LIB, "SCEP: request still PENDING after %us, giving up",
				 (u_int)(elapsed / 1000));
			return GETCERT_ERR_PENDING;
		}
		wait = min(delay * 1000ULL, timeout - elapsed);
		DBG1(DBG_LIB, "SCEP: request PENDING at the CA, polling in %us",
			 (u_int)((wait + 999) / 1000));
		if (!this->wait->wait(this->wait, wait))
		{
			return GETCERT_ERR_CANCELLED;
		}
		/* every poll counts at least a second against the timeout */
		waited = elapsed + max(wait, 1000);
		delay = min(max(delay * 2, this->params.poll_interval),
					this->params.poll_max);

		/* IssuerAndSubject, same transactionID */
		data = req->data;
		req->data = asn1_wrap(ASN1_SEQUENCE, "cc",
							  this->ca->get_subject(this->ca)->get_encoding(
										this->ca->get_subject(this->ca)),
							  subject);
		req->type = GETCERT_SCEP_CERT_POLL;
		this->polls++;
		err = transact(this, req, reply);
		chunk_free(&req->data);
		req->data = data;
	}
	return err;
}

/**
 * Create the PKCS#10 request, canonical DER whatever its attributes
 */
static chunk_t build_csr(private_getcert_enroll_t *this,
						 identification_t *subject, private_key_t *key)
{
	linked_list_t *sans;
	chunk_t der, password = chunk_empty;
	identification_t *id = this->params.identity;

	sans = linked_list_create();
	if (id->get_type(id) != ID_DER_ASN1_DN)
	{
		sans->insert_last(sans, id);
	}
	if (this->params.challenge_password)
	{
		password = chunk_from_str(this->params.challenge_password);
	}
	der = getcert_x509_build_csr(key, subject, sans, password, this->digest);
	sans->destroy(sans);
	return der;
}

/**
 * Transaction ID: hex SHA-256 of the subjectPublicKeyInfo
 */
static chunk_t transaction_id(private_key_t *key)
{
	public_key_t *public;
	hasher_t *hasher;
	chunk_t spki, hash = chunk_empty, hex = chunk_empty;

	public = key->get_public_key(key);
	hasher = lib->crypto->create_hasher(lib->crypto, HASH_SHA256);
	if (public && hasher &&
		public->get_encoding(public, PUBKEY_SPKI_ASN1_DER, &spki))
	{
		if (hasher->allocate_hash(hasher, spki, &hash))
		{
			hex = chunk_to_hex(hash, NULL, TRUE);
			chunk_free(&hash);
		}
		chunk_free(&spki);
	}
	DESTROY_IF(public);
	DESTROY_IF(hasher);
	return hex;
}

/*
 * Described in header
 */
bool getcert_is_renewed(certificate_t *cert, certificate_t *current)
{
	time_t nb, current_nb;
	chunk_t serial, current_serial;

	if (cert->equals(cert, current))
	{
		DBG1(DBG_LIB, "SCEP: the CA returned the current certificate "
			 "'%Y' instead of a renewed one", cert->get_subject(cert));
		return FALSE;
	}
	serial = ((x509_t*)cert)->get_serial((x509_t*)cert);
	current_serial = ((x509_t*)current)->get_serial((x509_t*)current);
	if (chunk_equals(serial, current_serial))
	{
		DBG1(DBG_LIB, "SCEP: the renewed certificate has the serial %#B of "
			 "the current one", &serial);
		return FALSE;
	}
	cert->get_validity(cert, NULL, &nb, NULL);
	current->get_validity(current, NULL, &current_nb, NULL);
	if (nb <= current_nb)
	{
		DBG1(DBG_LIB, "SCEP: the renewed certificate is valid from %T, not "
			 "later than the current one (valid from %T)", &nb, FALSE,
			 &current_nb, FALSE);
		return FALSE;
	}
	return TRUE;
}

/**
 * Subject DN of the request: configured, the identity if it is a DN, or
 * CN=<identity>
 */
static identification_t *default_subject(private_getcert_enroll_t *this)
{
	identification_t *id = this->params.identity;
	char buf[512];

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
 * Send the request (RenewalReq with a current certificate if the server
 * offers Renewal, else PKCSReq), with the recipient and algorithms get_ca()
 * chose; a rejected RenewalReq is retried as PKCSReq signed with the
 * current certificate
 */
static getcert_err_t renew_or_enroll(private_getcert_enroll_t *this,
									 getcert_scep_request_t *req, bool renew,
									 identification_t *subject,
									 getcert_scep_reply_t *reply)
{
	getcert_err_t err;

	req->recipient = this->recipient;
	req->enc_alg = this->enc_alg;
	req->enc_key_size = this->enc_key_size;
	req->digest = this->digest;
	req->type = (renew && (this->caps & GETCERT_SCEP_CAP_RENEWAL))
		? GETCERT_SCEP_RENEWAL_REQ : GETCERT_SCEP_PKCS_REQ;
	err = request_polling(this, req, subject->get_encoding(subject), reply);
	if (err == GETCERT_OK && reply->status == GETCERT_SCEP_FAILURE &&
		req->type == GETCERT_SCEP_RENEWAL_REQ)
	{
		DBG1(DBG_LIB, "SCEP: RenewalReq rejected, retrying as PKCSReq signed "
			 "with the current certificate");
		req->type = GETCERT_SCEP_PKCS_REQ;
		chunk_clear(&reply->data);
		err = request_polling(this, req, subject->get_encoding(subject),
							  reply);
	}
	return err;
}

/**
 * Whether a renewal's outcome may be due to outdated CA/RA certificates or
 * caps: a reply not verifiable or decryptable with them, an HTTP error or
 * a badMessageCheck (the server could not decrypt or verify the request)
 */
static bool stale_ca(getcert_err_t err, getcert_scep_reply_t *reply)
{
	switch (err)
	{
		case GETCERT_ERR_HTTP:
		case GETCERT_ERR_SIGNATURE:
		case GETCERT_ERR_ENVELOPE:
		case GETCERT_ERR_DECRYPT:
		case GETCERT_ERR_CERT_CHAIN:
			return TRUE;
		case GETCERT_OK:
			return reply->status == GETCERT_SCEP_FAILURE &&
				   reply->fail == GETCERT_SCEP_BAD_MESSAGE_CHECK;
		default:
			return FALSE;
	}
}

METHOD(getcert_enroll_t, enroll, getcert_err_t,
	private_getcert_enroll_t *this, private_key_t *key,
	certificate_t *current, private_key_t *current_key,
	certificate_t **out)
{
	identification_t *subject;
	certificate_t *self = NULL, *cert;
	getcert_scep_request_t req = {};
	getcert_scep_reply_t reply = {};
	getcert_err_t err;
	bool cached, renew = current && current_key;

	*out = NULL;
	this->fail = GETCERT_SCEP_FAIL_NONE;
	this->polls = 0;
	if (this->wait->is_cancelled(this->wait))
	{
		return GETCERT_ERR_CANCELLED;
	}
	cached = ca_cache_valid(this);
	err = get_ca(this);
	if (err != GETCERT_OK)
	{
		return err;
	}
	subject = default_subject(this);
	req = (getcert_scep_request_t){
		.data = build_csr(this, subject, key),
		.transid = transaction_id(key),
		.recipient = this->recipient,
		.enc_alg = this->enc_alg,
		.enc_key_size = this->enc_key_size,
		.digest = this->digest,
	};
	if (!req.data.len || !req.transid.len)
	{
		err = GETCERT_ERR_INTERNAL;
		goto out;
	}
	if (renew)
	{
		req.signer = current;
		req.key = current_key;
	}
	else
	{
		self = getcert_self_signed(subject, key);
		if (!self)
		{
			err = GETCERT_ERR_INTERNAL;
			goto out;
		}
		req.signer = self;
		req.key = key;
		req.type = GETCERT_SCEP_PKCS_REQ;
		/* the PKCSReq of a first enrollment is the request a server
		 * answers with 401: send the password with it (if configured,
		 * authenticated servers only) instead of a round trip for the 401 */
		if (this->transport->preauth)
		{
			this->transport->preauth(this->transport);
		}
	}
	err = renew_or_enroll(this, &req, renew, subject, &reply);
	if (cached && renew && stale_ca(err, &reply))
	{	/* the renewal went out with what an earlier enrollment fetched: a
		 * new RA (or caps) shows as a reply we can't verify or a request
		 * the server can't decrypt; no password is involved, so fetch
		 * everything again and send it once more */
		if (err == GETCERT_OK)
		{
			DBG1(DBG_LIB, "SCEP: the CA could not check the renewal sent "
				 "with the CA and RA certificates fetched before "
				 "(badMessageCheck), fetching them again");
		}
		else
		{
			DBG1(DBG_LIB, "SCEP: renewal with the CA and RA certificates "
				 "fetched before failed (%N), fetching them again",
				 getcert_err_names, err);
		}
		chunk_clear(&reply.data);
		reply = (getcert_scep_reply_t){};
		reset_ca(this);
		err = get_ca(this);
		if (err == GETCERT_OK)
		{
			err = renew_or_enroll(this, &req, renew, subject, &reply);
		}
	}
	if (err != GETCERT_OK)
	{
		goto out;
	}
	if (reply.status == GETCERT_SCEP_FAILURE)
	{
		err = GETCERT_ERR_REJECTED;
		goto out;
	}
	err = extract_cert(this, reply.data, key, &cert);
	if (err == GETCERT_OK)
	{
		err = getcert_check_issued(cert, key, this->ca,
								   this->params.identity,
								   this->params.max_skew);
		if (err == GETCERT_OK && current && !getcert_is_renewed(cert, current))
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

out:
	chunk_clear(&reply.data);
	chunk_clear(&req.data);
	chunk_free(&req.transid);
	chunk_free(&req.nonce);
	DESTROY_IF(self);
	subject->destroy(subject);
	return err;
}

/**
 * Send GetCert/GetCRL for an IssuerAndSerialNumber, return the reply data
 */
static getcert_err_t query(private_getcert_enroll_t *this,
						   getcert_scep_msg_t type, certificate_t *current,
						   private_key_t *key, chunk_t serial, chunk_t *data)
{
	identification_t *issuer;
	getcert_scep_request_t req;
	getcert_scep_reply_t reply = {};
	getcert_err_t err;

	err = get_ca(this);
	if (err != GETCERT_OK)
	{
		return err;
	}
	issuer = this->ca->get_subject(this->ca);
	req = (getcert_scep_request_t){
		.type = type,
		.data = asn1_wrap(ASN1_SEQUENCE, "cm", issuer->get_encoding(issuer),
						  asn1_integer("c", serial)),
		.transid = transaction_id(key),
		.recipient = this->recipient,
		.enc_alg = this->enc_alg,
		.enc_key_size = this->enc_key_size,
		.signer = current,
		.key = key,
		.digest = this->digest,
	};
	err = req.transid.len ? transact(this, &req, &reply)
						  : GETCERT_ERR_INTERNAL;
	if (err == GETCERT_OK)
	{
		switch (reply.status)
		{
			case GETCERT_SCEP_SUCCESS:
				*data = reply.data;
				reply.data = chunk_empty;
				break;
			case GETCERT_SCEP_FAILURE:
				err = GETCERT_ERR_REJECTED;
				break;
			case GETCERT_SCEP_PENDING:
				DBG1(DBG_LIB, "SCEP: %N answered PENDING",
					 getcert_scep_msg_names, type);
				err = GETCERT_ERR_PROTOCOL;
				break;
		}
	}
	chunk_clear(&reply.data);
	chunk_free(&req.data);
	chunk_free(&req.transid);
	chunk_free(&req.nonce);
	return err;
}

METHOD(getcert_enroll_t, get_crl, getcert_err_t,
	private_getcert_enroll_t *this, certificate_t *current,
	private_key_t *key, certificate_t **out)
{
	enumerator_t *enumerator;
	getcert_cms_t *cms;
	getcert_err_t err;
	certificate_t *crl = NULL;
	chunk_t data, *der;
	x509_t *x509 = (x509_t*)current;

	*out = NULL;
	err = query(this, GETCERT_SCEP_GET_CRL, current, key,
				x509->get_serial(x509), &data);
	if (err != GETCERT_OK)
	{
		return err;
	}
	cms = getcert_cms_parse(data);
	if (cms)
	{
		enumerator = cms->create_crl_enumerator(cms);
		if (enumerator->enumerate(enumerator, &der))
		{
			crl = lib->creds->create(lib->creds, CRED_CERTIFICATE,
							CERT_X509_CRL, BUILD_BLOB_ASN1_DER, *der,
							BUILD_END);
		}
		enumerator->destroy(enumerator);
		cms->destroy(cms);
	}
	chunk_free(&data);
	if (!crl)
	{
		DBG1(DBG_LIB, "SCEP: GetCRL reply holds no CRL");
		return GETCERT_ERR_MALFORMED;
	}
	if (!crl->issued_by(crl, this->ca, NULL))
	{
		DBG1(DBG_LIB, "SCEP: CRL is not signed by the CA");
		crl->destroy(crl);
		return GETCERT_ERR_CERT_CHAIN;
	}
	*out = crl;
	return GETCERT_OK;
}

METHOD(getcert_enroll_t, get_cert, getcert_err_t,
	private_getcert_enroll_t *this, certificate_t *current,
	private_key_t *key, chunk_t serial, certificate_t **out)
{
	getcert_err_t err;
	chunk_t data;

	*out = NULL;
	err = query(this, GETCERT_SCEP_GET_CERT, current, key, serial, &data);
	if (err != GETCERT_OK)
	{
		return err;
	}
	err = extract_cert(this, data, NULL, out);
	chunk_free(&data);
	if (err == GETCERT_OK && !(*out)->issued_by(*out, this->ca, NULL))
	{
		DBG1(DBG_LIB, "SCEP: certificate is not signed by the CA");
		(*out)->destroy(*out);
		*out = NULL;
		err = GETCERT_ERR_CERT_CHAIN;
	}
	return err;
}

METHOD(getcert_enroll_t, get_ca_cert, certificate_t*,
	private_getcert_enroll_t *this)
{
	return this->ca;
}

METHOD(getcert_enroll_t, get_fail_info, getcert_scep_fail_t,
	private_getcert_enroll_t *this)
{
	return this->fail;
}

METHOD(getcert_enroll_t, get_polls, u_int,
	private_getcert_enroll_t *this)
{
	return this->polls;
}

METHOD(getcert_enroll_t, cancel, void,
	private_getcert_enroll_t *this)
{
	this->wait->cancel(this->wait);
	if (this->transport->cancel)
	{
		this->transport->cancel(this->transport);
	}
}

METHOD(getcert_enroll_t, destroy, void,
	private_getcert_enroll_t *this)
{
	this->trusted->destroy_offset(this->trusted,
								  offsetof(certificate_t, destroy));
	DESTROY_IF(this->ca);
	DESTROY_IF(this->recipient);
	DESTROY_IF(this->params.identity);
	DESTROY_IF(this->params.subject);
	DESTROY_IF(this->params.ca_cert);
	chunk_free(&this->params.ca_fingerprint);
	chunk_free(&this->params.ra_fingerprints);
	free(this->params.ca_ident);
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
getcert_enroll_t *getcert_enroll_create(getcert_transport_t *transport,
										getcert_enroll_params_t *params)
{
	private_getcert_enroll_t *this;

	INIT(this,
		.public = {
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
		.transport = transport,
		.params = *params,
		.trusted = linked_list_create(),
		.fail = GETCERT_SCEP_FAIL_NONE,
		.wait = getcert_wait_create(),
	);
	this->params.identity = params->identity->clone(params->identity);
	this->params.subject = params->subject ?
						params->subject->clone(params->subject) : NULL;
	this->params.ca_cert = params->ca_cert ?
						params->ca_cert->get_ref(params->ca_cert) : NULL;
	this->params.ca_fingerprint = chunk_clone(params->ca_fingerprint);
	this->params.ra_fingerprints = chunk_clone(params->ra_fingerprints);
	this->params.ca_ident = strdupnull(params->ca_ident);
	this->params.challenge_password = strdupnull(params->challenge_password);
	return &this->public;
}

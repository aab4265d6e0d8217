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

#define _GNU_SOURCE /* asprintf */
#include <stdio.h>

#include "getcertd_scep.h"
#include "getcertd_issuer.h"
#include "getcertd_policy.h"
#include "getcertd_auth.h"
#include "getcertd_crl.h"
#include "getcertd_replay.h"
#include "getcertd_conf.h"
#include "getcertd_est.h"

#include <time.h>
#include <sys/time.h>

#include <getcert_scep.h>
#include <getcert_cms_signed.h>
#include <getcert_x509.h>
#include <getcert_enroll.h>
#include <getcert_settings.h>

#include <utils/debug.h>
#include <asn1/asn1.h>
#include <asn1/oid.h>
#include <collections/linked_list.h>
#include <credentials/certificates/x509.h>
#include <credentials/certificates/pkcs10.h>

typedef struct private_getcertd_scep_t private_getcertd_scep_t;

/**
 * Private data of a getcertd_scep_t object.
 */
struct private_getcertd_scep_t {

	/**
	 * Public interface.
	 */
	getcertd_scep_t public;

	/**
	 * Records.
	 */
	getcertd_db_t *db;

	/**
	 * Certificate issuer (CA certificate and key).
	 */
	getcertd_issuer_t *issuer;

	/**
	 * RA certificate and key, NULL if the CA handles SCEP itself.
	 */
	certificate_t *ra;
	private_key_t *ra_key;

	/**
	 * Private key of the CA, for SCEP without RA.
	 */
	private_key_t *ca_key;

	/**
	 * Key of the substitute content encryption keys (implicit rejection).
	 */
	chunk_t reject_secret;

	/**
	 * HTTP Basic authentication against RADIUS.
	 */
	getcertd_auth_t *auth;

	/**
	 * Policies, getcertd_policy_t*.
	 */
	linked_list_t *policies;

	/**
	 * Seconds clients should wait when RADIUS is down.
	 */
	u_int retry_after;

	/**
	 * Lifetime of CRLs.
	 */
	u_int crl_lifetime;

	/**
	 * The current CRL, signed again only when needed.
	 */
	getcertd_crl_t *crl;

	/**
	 * EST on /.well-known/est/, on the same issuer, records and policies.
	 */
	getcertd_est_t *est;
};

/**
 * Context of one SCEP request, for logging and replies
 */
typedef struct {
	/** policy */
	getcertd_policy_t *policy;
	/** parsed request */
	getcert_scep_request_t req;
	/** NUL-terminated transactionID */
	char transid[129];
	/** authenticated user, allocated */
	char *user;
	/** client address as string */
	char client[64];
	/** result, for the log */
	char *result;
	/** the transaction, as far as known (borrowed members but keyid and
	 * request) */
	getcertd_tx_t tx;
} ctx_t;

/**
 * Certificate and key of the SCEP endpoint (RA, or CA)
 */
static certificate_t *scep_cert(private_getcertd_scep_t *this)
{
	return this->ra ?: this->issuer->get_ca(this->issuer);
}

static private_key_t *scep_key(private_getcertd_scep_t *this)
{
	return this->ra ? this->ra_key : this->ca_key;
}

/**
 * Build a CertRep response
 */
static void certrep(private_getcertd_scep_t *this, ctx_t *ctx,
					getcertd_response_t *response, getcert_scep_status_t status,
					getcert_scep_fail_t fail, chunk_t data)
{
	chunk_t msg;

	/* rsaEncryption as signature algorithm: pki --scep 5.9.8 accepts no
	 * other, and every client accepts it */
	msg = getcert_scep_build_certrep(&ctx->req, status, fail, data,
									 ENCR_AES_CBC, 128, scep_cert(this),
									 scep_key(this), HASH_SHA256, TRUE);
	if (!msg.len)
	{
		getcertd_response_plain(response, 500, "building the reply failed\n");
		ctx->result = "error";
		return;
	}
	response->status = 200;
	response->type = "application/x-pki-message";
	response->body = msg;
	if (!ctx->result)
	{
		ctx->result = status == GETCERT_SCEP_SUCCESS ? "SUCCESS" :
					  status == GETCERT_SCEP_PENDING ? "PENDING" : "FAILURE";
	}
}

/**
 * Reply FAILURE with a reason for the log
 */
static void failure(private_getcertd_scep_t *this, ctx_t *ctx,
					getcertd_response_t *response, getcert_scep_fail_t fail,
					char *reason)
{
	ctx->result = reason;
	certrep(this, ctx, response, GETCERT_SCEP_FAILURE, fail, chunk_empty);
}

/**
 * Reply to a request whose encrypted content is unusable: it did not
 * decrypt, or what it decrypted to does not parse. One answer for all of
 * them, whatever the reason (only the log tells), so that nobody learns
 * anything about a ciphertext they sent (no padding oracle)
 */
static void unusable(private_getcertd_scep_t *this, ctx_t *ctx,
					 getcertd_response_t *response, char *reason)
{
	failure(this, ctx, response, GETCERT_SCEP_BAD_REQUEST, reason);
}

/**
 * Reply SUCCESS with a certificate
 */
static void success(private_getcertd_scep_t *this, ctx_t *ctx,
					getcertd_response_t *response, certificate_t *cert)
{
	linked_list_t *list;
	chunk_t data;

	list = linked_list_create_with_items(cert, NULL);
	data = getcert_cms_build_certs_only(list);
	list->destroy(list);
	certrep(this, ctx, response, GETCERT_SCEP_SUCCESS, GETCERT_SCEP_FAIL_NONE,
			data);
	chunk_free(&data);
}

/**
 * Check a CSR: signature, key strength
 */
static bool csr_ok(private_getcertd_scep_t *this, ctx_t *ctx,
				   certificate_t *csr, char **reason)
{
	public_key_t *public;
	bool ok = TRUE;

	if (!csr->issued_by(csr, csr, NULL))
	{
		*reason = "CSR self-signature invalid";
		return FALSE;
	}
	public = csr->get_public_key(csr);
	if (!public)
	{
		*reason = "CSR key not supported";
		return FALSE;
	}
	ok = getcertd_policy_key_ok(ctx->policy, public, reason);
	public->destroy(public);
	return ok;
}

/**
 * Key id of a CSR's or certificate's public key; of a CSR from the
 * subjectPublicKeyInfo as the client encoded it, if canonical
 */
static chunk_t key_id(certificate_t *cert)
{
	chunk_t keyid;

	getcert_x509_key_id(cert, &keyid);
	return keyid;
}

/**
 * Whether a recorded certificate is current: valid now, not revoked
 */
static bool current(private_getcertd_scep_t *this, certificate_t *cert)
{
	getcertd_cert_info_t info;
	x509_t *x509 = (x509_t*)cert;
	bool ok;

	ok = cert->get_validity(cert, NULL, NULL, NULL) &&
		 this->db->get_info(this->db, x509->get_serial(x509), &info) &&
		 !info.revoked;
	getcertd_cert_info_clear(&info);
	return ok;
}

/**
 * Answer a request whose transactionID we know already. Only a
 * retransmission gets the stored answer again: the same key and request
 * with the same senderNonce, or, for a PKCSReq whose certificate is still
 * current, with a fresh one (pki --scep resends so). A renewal, or a
 * PKCSReq of the same key after its certificate ended, is issued anew,
 * replacing the transaction: replaces receives the serial to replace.
 * Returns TRUE if answered.
 */
static bool known_transaction(private_getcertd_scep_t *this, ctx_t *ctx,
							  getcertd_response_t *response, bool renewal,
							  chunk_t *replaces)
{
	getcertd_tx_t known;
	certificate_t *cert = NULL;
	bool same_key, same, answered = TRUE;

	switch (this->db->get_transaction(this->db, ctx->transid, &known))
	{
		case GETCERTD_TX_NONE:
			answered = FALSE;
			break;
		case GETCERTD_TX_ISSUED:
			same_key = chunk_equals(known.keyid, ctx->tx.keyid);
			same = same_key && chunk_equals(known.request, ctx->tx.request);
			cert = this->db->get_cert(this->db, known.serial);
			if (cert && same &&
				(chunk_equals(known.nonce, ctx->tx.nonce) ||
				 (!renewal && current(this, cert))))
			{	/* the same answer again, never a second certificate */
				ctx->result = "replay, same certificate";
				success(this, ctx, response, cert);
			}
			else if (renewal || same_key)
			{
				*replaces = chunk_clone(known.serial);
				answered = FALSE;
			}
			else
			{
				failure(this, ctx, response, GETCERT_SCEP_BAD_REQUEST,
						"transactionID reused for another key");
			}
			break;
		case GETCERTD_TX_PENDING:
		case GETCERTD_TX_APPROVED:
			if (!chunk_equals(known.keyid, ctx->tx.keyid))
			{
				failure(this, ctx, response, GETCERT_SCEP_BAD_REQUEST,
						"transactionID reused for another key");
				break;
			}
			ctx->result = "still pending";
			certrep(this, ctx, response, GETCERT_SCEP_PENDING,
					GETCERT_SCEP_FAIL_NONE, chunk_empty);
			break;
		case GETCERTD_TX_REJECTED:
			failure(this, ctx, response, GETCERT_SCEP_BAD_REQUEST,
					"rejected by the operator");
			break;
	}
	DESTROY_IF(cert);
	getcertd_tx_clear(&known);
	return answered;
}

/**
 * Fill in the transaction of the request being answered
 */
static void fill_tx(ctx_t *ctx)
{
	ctx->tx.transid = ctx->transid;
	ctx->tx.nonce = ctx->req.nonce;
	ctx->tx.user = ctx->user;
	ctx->tx.policy = ctx->policy->name;
	ctx->tx.client = ctx->client;
}

/**
 * Issue a certificate for a CSR and the names granted, record it, reply
 */
static void issue(private_getcertd_scep_t *this, ctx_t *ctx,
				  getcertd_response_t *response, certificate_t *csr,
				  identification_t *subject, linked_list_t *sans,
				  chunk_t replaces, bool renew)
{
	getcertd_cert_info_t info = {};
	certificate_t *cert;
	public_key_t *public;
	time_t now = time(NULL), not_before, signed_nb;
	chunk_t none = chunk_empty, spki;
	bool superseded;

	not_before = now - ctx->policy->backdate;
	if (renew)
	{	/* a renewal starts later than the certificate it renews, which
		 * clients check (one issued in the same second would not be newer) */
		ctx->req.signer->get_validity(ctx->req.signer, NULL, &signed_nb,
									  NULL);
		not_before = max(not_before, signed_nb + 1);
	}
	public = csr->get_public_key(csr);
	/* the client's encoding of the key if it is canonical, else none */
	getcert_x509_csr_spki(csr, &spki);
	cert = this->issuer->issue(this->issuer, public, spki, subject, sans,
							   not_before, now + ctx->policy->lifetime,
							   ctx->policy->ekus);
	public->destroy(public);
	chunk_free(&spki);
	if (!cert)
	{
		getcertd_response_plain(response, 500, "issuing failed\n");
		ctx->result = "issuing failed";
		return;
	}
	fill_tx(ctx);
	/* recorded before it is handed out, or not handed out at all */
	if (this->db->add_issued(this->db, cert, &ctx->tx, replaces))
	{
		success(this, ctx, response, cert);
		ctx->result = "issued";
		cert->destroy(cert);
		return;
	}
	cert->destroy(cert);
	DBG1(DBG_APP, "recording certificate for '%s' failed, not issued",
		 ctx->user);
	/* a concurrent copy of this request won the race? answer alike */
	if (known_transaction(this, ctx, response, ctx->tx.renews.len != 0,
						  &none))
	{
		return;
	}
	chunk_free(&none);
	superseded = ctx->tx.renews.len &&
				 this->db->get_info(this->db, ctx->tx.renews, &info) &&
				 info.superseded;
	getcertd_cert_info_clear(&info);
	if (superseded)
	{	/* another renewal with it won the race */
		failure(this, ctx, response, GETCERT_SCEP_BAD_REQUEST,
				"renewal with a superseded certificate");
		return;
	}
	getcertd_response_plain(response, 503,
							"database unavailable, try again later\n");
	response->retry_after = this->retry_after;
	ctx->result = "database error";
}

/**
 * Authenticate a PKCSReq: challengePassword or HTTP Basic against RADIUS.
 * Returns TRUE with ctx->user set, or FALSE with the response filled.
 */
static bool authenticate(private_getcertd_scep_t *this, ctx_t *ctx,
						 getcertd_request_t *request,
						 getcertd_response_t *response, pkcs10_t *csr)
{
	certificate_t *cert = (certificate_t*)csr;
	chunk_t challenge;
	char buf[300], *cn;

	challenge = csr->get_challengePassword(csr);
	if (challenge.len && ctx->policy->challenge)
	{
		if (!chunk_equals_const(challenge,
								chunk_from_str(ctx->policy->challenge)))
		{
			failure(this, ctx, response, GETCERT_SCEP_BAD_REQUEST,
					"wrong challenge password");
			return FALSE;
		}
		/* plain SCEP: the user is the CN the client asked for */
		snprintf(buf, sizeof(buf), "%Y", cert->get_subject(cert));
		cn = strstr(buf, "CN=");
		if (!cn || !getcertd_policy_valid_user(cn + 3))
		{
			failure(this, ctx, response, GETCERT_SCEP_BAD_REQUEST,
					"challenge password with an unusable CN");
			return FALSE;
		}
		ctx->user = strdup(cn + 3);
		return TRUE;
	}
	if (!ctx->policy->radius || !this->auth->available(this->auth))
	{
		failure(this, ctx, response, GETCERT_SCEP_BAD_REQUEST,
				"no credentials");
		return FALSE;
	}
	return this->auth->authenticate(this->auth, request, &ctx->user,
									&ctx->result, response);
}

/**
 * A renewal: signed with a current certificate we issued. Issued under
 * the policy that issued that certificate, whatever path it came on; only
 * the newest certificate of a chain renews (a retransmission of the
 * renewal that superseded it is answered with the stored certificate);
 * after the policy's max_renewal_age the user authenticates again.
 * Returns TRUE with ctx->user and ctx->tx filled, or FALSE with the
 * response filled.
 */
static bool renewal(private_getcertd_scep_t *this, ctx_t *ctx,
					getcertd_request_t *request,
					getcertd_response_t *response, certificate_t *csr,
					getcertd_cert_info_t *info)
{
	x509_t *x509 = (x509_t*)ctx->req.signer;
	getcertd_policy_t *policy;
	chunk_t replaces = chunk_empty;
	time_t now = time(NULL);

	if (info->superseded)
	{
		/* a retransmission of the renewal that superseded it gets the
		 * stored answer again, anything else is refused */
		ctx->user = info->user;
		info->user = NULL;
		if (!known_transaction(this, ctx, response, TRUE, &replaces))
		{
			failure(this, ctx, response, GETCERT_SCEP_BAD_REQUEST,
					"renewal with a superseded certificate (only the newest "
					"of a chain renews)");
		}
		chunk_free(&replaces);
		return FALSE;
	}
	policy = getcertd_policy_named(this->policies, info->policy);
	if (!policy)
	{
		DBG1(DBG_APP, "policy '%s' of the certificate renewed is no longer "
			 "configured", info->policy ?: "-");
		failure(this, ctx, response, GETCERT_SCEP_BAD_REQUEST,
				"renewal under a removed policy");
		return FALSE;
	}
	if (policy != ctx->policy)
	{
		DBG1(DBG_APP, "renewal sent to %s stays under policy '%s' of %s",
			 ctx->policy->path, policy->name, policy->path);
		ctx->policy = policy;
	}
	ctx->tx.renews = x509->get_serial(x509);
	if (now - info->chain_start <= policy->max_renewal_age)
	{
		ctx->user = info->user;
		info->user = NULL;
		ctx->tx.chain_start = info->chain_start;
		return TRUE;
	}
	/* the end of the chain: the user authenticates again, so RADIUS
	 * decides whether the account may still renew */
	DBG1(DBG_APP, "renewal chain of '%s' began %us ago, beyond "
		 "max_renewal_age: credentials required", info->user ?: "-",
		 (u_int)(now - info->chain_start));
	if (!authenticate(this, ctx, request, response, (pkcs10_t*)csr))
	{
		return FALSE;
	}
	if (!info->user || !streq(ctx->user, info->user))
	{
		failure(this, ctx, response, GETCERT_SCEP_BAD_REQUEST,
				"renewal with the credentials of another user");
		return FALSE;
	}
	ctx->tx.chain_start = now;
	return TRUE;
}

/**
 * PKCSReq and RenewalReq
 */
static void enroll(private_getcertd_scep_t *this, ctx_t *ctx,
				   getcertd_request_t *request, getcertd_response_t *response)
{
	certificate_t *csr, *signer = ctx->req.signer;
	getcertd_cert_info_t info = {};
	identification_t *subject = NULL;
	linked_list_t *sans;
	x509_t *x509 = (x509_t*)signer;
	chunk_t replaces = chunk_empty;
	bool ours, renew = FALSE;
	char *reason;

	csr = lib->creds->create(lib->creds, CRED_CERTIFICATE,
							 CERT_PKCS10_REQUEST, BUILD_BLOB_ASN1_DER,
							 ctx->req.data, BUILD_END);
	if (!csr)
	{
		unusable(this, ctx, response, "malformed CSR");
		return;
	}
	if (!csr_ok(this, ctx, csr, &reason))
	{
		failure(this, ctx, response, GETCERT_SCEP_BAD_MESSAGE_CHECK, reason);
		csr->destroy(csr);
		return;
	}
	sans = linked_list_create();
	ctx->tx.keyid = key_id(csr);
	/* a retransmission is known by its senderNonce before it is issued */
	ctx->tx.nonce = ctx->req.nonce;
	ctx->tx.request = getcertd_replay_request_id(csr, signer,
								this->issuer->get_ca(this->issuer));
	ours = signer->issued_by(signer, this->issuer->get_ca(this->issuer), NULL);
	if (ours)
	{
		if (!this->db->get_info(this->db, x509->get_serial(x509), &info) ||
			info.revoked)
		{
			failure(this, ctx, response, GETCERT_SCEP_BAD_REQUEST,
					"signed with an unknown or revoked certificate");
			goto out;
		}
		/* RFC 8894 allows a PKCSReq signed with an existing certificate:
		 * with an expired one, it is a new enrollment */
		renew = signer->get_validity(signer, NULL, NULL, NULL);
		if (!renew && ctx->req.type != GETCERT_SCEP_PKCS_REQ)
		{
			failure(this, ctx, response, GETCERT_SCEP_BAD_REQUEST,
					"renewal with an expired certificate");
			goto out;
		}
	}
	if (renew)
	{
		if (!renewal(this, ctx, request, response, csr, &info))
		{
			goto out;
		}
	}
	else
	{
		if (!ours && !signer->issued_by(signer, signer, NULL))
		{
			failure(this, ctx, response, GETCERT_SCEP_BAD_REQUEST,
					"request signed with a foreign certificate");
			goto out;
		}
		if (!authenticate(this, ctx, request, response, (pkcs10_t*)csr))
		{
			goto out;
		}
		ctx->tx.chain_start = time(NULL);
	}
	subject = getcertd_policy_granted(ctx->policy, ctx->user, sans);
	if (!getcertd_policy_subject_ok(csr->get_subject(csr), subject, sans,
									ctx->user) ||
		!getcertd_policy_sans_ok((pkcs10_t*)csr, sans))
	{
		DBG1(DBG_APP, "CSR of '%s' asks for '%Y', not a name of that user",
			 ctx->user, csr->get_subject(csr));
		failure(this, ctx, response, GETCERT_SCEP_BAD_REQUEST,
				"CSR for a name the user does not own");
		goto out;
	}
	if (known_transaction(this, ctx, response, renew, &replaces))
	{
		goto out;
	}
	/* a renewal is authenticated by what was approved before */
	if (ctx->policy->manual && !renew)
	{
		fill_tx(ctx);
		ctx->tx.csr = ctx->req.data;
		if (replaces.len)
		{	/* the operator decides on transactions, not on their reuse */
			failure(this, ctx, response, GETCERT_SCEP_BAD_REQUEST,
					"transactionID of an issued request reused for approval");
		}
		else if (!this->db->add_pending(this->db, &ctx->tx))
		{
			getcertd_response_plain(response, 503,
									"database unavailable, try again later\n");
			response->retry_after = this->retry_after;
			ctx->result = "database error";
		}
		else
		{
			ctx->result = "pending approval";
			certrep(this, ctx, response, GETCERT_SCEP_PENDING,
					GETCERT_SCEP_FAIL_NONE, chunk_empty);
		}
		goto out;
	}
	issue(this, ctx, response, csr, subject, sans, replaces, renew);

out:
	getcertd_cert_info_clear(&info);
	chunk_free(&replaces);
	DESTROY_IF(subject);
	sans->destroy_offset(sans, offsetof(identification_t, destroy));
	csr->destroy(csr);
}

/**
 * CertPoll: only the requester (same key, same transactionID), under the
 * policy the request was made under
 */
static void poll_cert(private_getcertd_scep_t *this, ctx_t *ctx,
					  getcertd_response_t *response)
{
	getcertd_tx_t known;
	certificate_t *csr, *cert;
	identification_t *subject;
	linked_list_t *sans;
	chunk_t blob = ctx->req.data, inner, name, keyid;

	if (asn1_unwrap(&blob, &inner) != ASN1_SEQUENCE || blob.len ||
		asn1_unwrap(&inner, &name) != ASN1_SEQUENCE ||
		asn1_unwrap(&inner, &name) != ASN1_SEQUENCE || inner.len)
	{
		unusable(this, ctx, response, "malformed IssuerAndSubject");
		return;
	}
	if (this->db->get_transaction(this->db, ctx->transid, &known) ==
			GETCERTD_TX_NONE)
	{
		failure(this, ctx, response, GETCERT_SCEP_BAD_CERT_ID,
				"poll for an unknown transaction");
		return;
	}
	keyid = key_id(ctx->req.signer);
	if (!chunk_equals(keyid, known.keyid))
	{
		failure(this, ctx, response, GETCERT_SCEP_BAD_REQUEST,
				"poll by another key than the requester's");
	}
	else if (!known.policy || !streq(known.policy, ctx->policy->name))
	{
		failure(this, ctx, response, GETCERT_SCEP_BAD_REQUEST,
				"poll under another policy than the request's");
	}
	else switch (known.state)
	{
		case GETCERTD_TX_APPROVED:
			csr = lib->creds->create(lib->creds, CRED_CERTIFICATE,
							CERT_PKCS10_REQUEST, BUILD_BLOB_ASN1_DER,
							known.csr, BUILD_END);
			if (!csr || !known.user)
			{
				DESTROY_IF(csr);
				failure(this, ctx, response, GETCERT_SCEP_BAD_REQUEST,
						"stored request unusable");
				break;
			}
			ctx->user = strdup(known.user);
			ctx->tx.keyid = chunk_clone(known.keyid);
			ctx->tx.request = chunk_clone(known.request);
			ctx->tx.chain_start = time(NULL);
			sans = linked_list_create();
			subject = getcertd_policy_granted(ctx->policy, ctx->user, sans);
			issue(this, ctx, response, csr, subject, sans, chunk_empty, FALSE);
			subject->destroy(subject);
			sans->destroy_offset(sans, offsetof(identification_t, destroy));
			csr->destroy(csr);
			break;
		case GETCERTD_TX_PENDING:
			ctx->result = "still pending";
			certrep(this, ctx, response, GETCERT_SCEP_PENDING,
					GETCERT_SCEP_FAIL_NONE, chunk_empty);
			break;
		case GETCERTD_TX_ISSUED:
			cert = this->db->get_cert(this->db, known.serial);
			if (!cert)
			{
				failure(this, ctx, response, GETCERT_SCEP_BAD_CERT_ID,
						"issued certificate not found");
				break;
			}
			ctx->result = "poll, issued";
			success(this, ctx, response, cert);
			cert->destroy(cert);
			break;
		default:
			failure(this, ctx, response, GETCERT_SCEP_BAD_REQUEST,
					"rejected by the operator");
			break;
	}
	chunk_free(&keyid);
	getcertd_tx_clear(&known);
}

/**
 * GetCert and GetCRL: IssuerAndSerialNumber
 */
static void get_cert_crl(private_getcertd_scep_t *this, ctx_t *ctx,
						 getcertd_response_t *response)
{
	certificate_t *cert;
	linked_list_t *empty;
	chunk_t blob = ctx->req.data, inner, name, serial, der, data;

	if (asn1_unwrap(&blob, &inner) != ASN1_SEQUENCE || blob.len ||
		asn1_unwrap(&inner, &name) != ASN1_SEQUENCE ||
		asn1_unwrap(&inner, &serial) != ASN1_INTEGER || inner.len)
	{
		unusable(this, ctx, response, "malformed IssuerAndSerialNumber");
		return;
	}
	if (ctx->req.type == GETCERT_SCEP_GET_CERT)
	{
		while (serial.len > 1 && serial.ptr[0] == 0)
		{
			serial = chunk_skip(serial, 1);
		}
		cert = this->db->get_cert(this->db, serial);
		if (!cert)
		{
			failure(this, ctx, response, GETCERT_SCEP_BAD_CERT_ID,
					"no such certificate");
			return;
		}
		success(this, ctx, response, cert);
		cert->destroy(cert);
		return;
	}
	der = this->crl->get(this->crl);
	if (!der.len)
	{
		getcertd_response_plain(response, 503,
								"CRL not available, try again later\n");
		response->retry_after = this->retry_after;
		ctx->result = "CRL failed";
		return;
	}
	empty = linked_list_create();
	data = getcert_cms_build_degenerate(empty, der);
	empty->destroy(empty);
	certrep(this, ctx, response, GETCERT_SCEP_SUCCESS, GETCERT_SCEP_FAIL_NONE,
			data);
	chunk_free(&data);
	chunk_free(&der);
}

/**
 * PKIOperation
 */
static void pki_operation(private_getcertd_scep_t *this, ctx_t *ctx,
						  getcertd_request_t *request,
						  getcertd_response_t *response)
{
	getcert_err_t err;
	chunk_t msg;
	char *b64, *pos;

	if (streq(request->method, "POST"))
	{
		msg = chunk_clone(request->body);
	}
	else if (request->message)
	{	/* tolerate clients that did not escape '+' and line breaks */
		b64 = strdup(request->message);
		for (pos = b64; *pos; pos++)
		{
			if (*pos == ' ')
			{
				*pos = '+';
			}
		}
		msg = chunk_from_base64(chunk_from_str(b64), NULL);
		free(b64);
	}
	else
	{
		getcertd_response_plain(response, 400,
								"PKIOperation without message\n");
		ctx->result = "no message";
		return;
	}
	err = getcert_scep_parse_request(msg, scep_cert(this), scep_key(this),
							 ctx->policy->allow_weak, this->reject_secret,
							 &ctx->req);
	chunk_free(&msg);
	switch (err)
	{
		case GETCERT_OK:
		case GETCERT_ERR_DECRYPT:
			break;
		case GETCERT_ERR_SIGNATURE:
			ctx->result = "request signature invalid";
			/* fall-through */
		default:
			getcertd_response_plain(response, 400, "invalid SCEP request\n");
			ctx->result = ctx->result ?: "malformed request";
			return;
	}
	/* a PrintableString by the protocol, not necessarily by the sender:
	 * it goes into the log and the operator's terminal */
	getcertd_auth_sanitize(ctx->req.transid.ptr, ctx->req.transid.len,
						   ctx->transid, sizeof(ctx->transid));
	if (err == GETCERT_ERR_DECRYPT)
	{
		unusable(this, ctx, response, "content not decryptable");
		return;
	}
	switch (ctx->req.type)
	{
		case GETCERT_SCEP_PKCS_REQ:
		case GETCERT_SCEP_RENEWAL_REQ:
			enroll(this, ctx, request, response);
			break;
		case GETCERT_SCEP_CERT_POLL:
			poll_cert(this, ctx, response);
			break;
		case GETCERT_SCEP_GET_CERT:
		case GETCERT_SCEP_GET_CRL:
			get_cert_crl(this, ctx, response);
			break;
		default:
			failure(this, ctx, response, GETCERT_SCEP_BAD_REQUEST,
					"unsupported messageType");
			break;
	}
}

/**
 * GetCACert
 */
static void get_ca_cert(private_getcertd_scep_t *this,
						getcertd_response_t *response)
{
	certificate_t *ca = this->issuer->get_ca(this->issuer);
	linked_list_t *list;

	response->status = 200;
	if (this->ra)
	{
		list = linked_list_create_with_items(ca, this->ra, NULL);
		response->body = getcert_cms_build_certs_only(list);
		list->destroy(list);
		response->type = "application/x-x509-ca-ra-cert";
	}
	else if (ca->get_encoding(ca, CERT_ASN1_DER, &response->body))
	{
		response->type = "application/x-x509-ca-cert";
	}
	if (!response->body.len)
	{
		getcertd_response_plain(response, 500, "encoding failed\n");
	}
}

METHOD(getcertd_scep_t, handle, void,
	private_getcertd_scep_t *this, getcertd_request_t *request,
	getcertd_response_t *response)
{
	ctx_t ctx = {};
	struct timeval start, end;
	char *op = request->operation ?: "-";

	if (getcertd_est_path(request->path))
	{
		this->est->handle(this->est, request, response);
		return;
	}
	gettimeofday(&start, NULL);
	if (request->client)
	{
		snprintf(ctx.client, sizeof(ctx.client), "%H", request->client);
	}
	ctx.policy = getcertd_policy_find(this->policies, request->path);
	if (!ctx.policy)
	{
		getcertd_response_plain(response, 404, "no SCEP service here\n");
		ctx.result = "unknown path";
	}
	else if (streq(op, "GetCACaps"))
	{
		/* DES3 only where the policy accepts it (pki --scep 5.9.8 tests
		 * its bit for SHA-256, see the note in conf/getcertd.opt) */
		getcertd_response_plain(response, 200, ctx.policy->allow_weak ?
			  "POSTPKIOperation\nRenewal\nSHA-256\nSHA-512\nAES\nDES3\n"
			  "SCEPStandard\n" :
			  "POSTPKIOperation\nRenewal\nSHA-256\nSHA-512\nAES\n"
			  "SCEPStandard\n");
		ctx.result = "ok";
	}
	else if (streq(op, "GetCACert"))
	{
		get_ca_cert(this, response);
		ctx.result = "ok";
	}
	else if (streq(op, "PKIOperation"))
	{
		pki_operation(this, &ctx, request, response);
	}
	else
	{
		getcertd_response_plain(response, 400, "unknown operation\n");
		ctx.result = "unknown operation";
	}
	gettimeofday(&end, NULL);
	DBG1(DBG_APP, "%s %s %s %s%s%s user=%s transid=%s result=%s status=%u "
		 "%ldms", ctx.client[0] ? ctx.client : "-", request->method,
		 request->path, op, ctx.req.type ? " " : "",
		 ctx.req.type ? enum_to_name(getcert_scep_msg_names, ctx.req.type) : "",
		 ctx.user ?: "-",
		 ctx.transid[0] ? ctx.transid : "-", ctx.result ?: "-",
		 response->status, (end.tv_sec - start.tv_sec) * 1000 +
		 (end.tv_usec - start.tv_usec) / 1000);
	getcert_scep_request_clear(&ctx.req);
	chunk_free(&ctx.tx.keyid);
	chunk_free(&ctx.tx.request);
	free(ctx.user);
}

/**
 * Load a certificate or key file named by a setting in <ns>.ca
 */
static void *load(credential_type_t type, char *key)
{
	char *path;
	void *cred;

	/* settings split keys at dots of the format, not of the arguments */
	path = lib->settings->get_str(lib->settings, "%s.ca.%s", NULL, lib->ns,
								  key);
	if (!path)
	{
		return NULL;
	}
	cred = lib->creds->create(lib->creds, type,
							  type == CRED_CERTIFICATE ? CERT_X509 : KEY_ANY,
							  BUILD_FROM_FILE, path, BUILD_END);
	if (!cred)
	{
		DBG1(DBG_APP, "%s.ca.%s: loading '%s' failed", lib->ns, key, path);
	}
	return cred;
}

/**
 * Check the certificates and keys that sign CertReps and decrypt requests:
 * refuse what cannot work, warn about what works with lenient clients only
 */
static bool check_keys(private_getcertd_scep_t *this)
{
	certificate_t *ca = this->issuer->get_ca(this->issuer);
	public_key_t *public;
	bool rsa;

	if (!getcert_key_matches(ca, this->ca_key))
	{
		DBG1(DBG_APP, "%s.ca.key is not the key of %s.ca.cert", lib->ns,
			 lib->ns);
		return FALSE;
	}
	if (!this->ra)
	{
		DBG1(DBG_APP, "warning: no %s.ca.ra_cert: requests are decrypted "
			 "with the CA's signing key; configure an RA certificate and "
			 "key (keyEncipherment, digitalSignature) for SCEP", lib->ns);
		if (!getcert_x509_allows(ca, GETCERT_KU_DIGITAL_SIGNATURE) ||
			!getcert_x509_allows(ca, GETCERT_KU_KEY_ENCIPHERMENT))
		{
			DBG1(DBG_APP, "warning: the keyUsage of %s.ca.cert lacks "
				 "digitalSignature or keyEncipherment: strict clients "
				 "refuse CertReps it signs or requests encrypted to it",
				 lib->ns);
		}
		return TRUE;
	}
	public = this->ra->get_public_key(this->ra);
	rsa = public && public->get_type(public) == KEY_RSA;
	DESTROY_IF(public);
	if (!rsa || !getcert_key_matches(this->ra, this->ra_key))
	{
		DBG1(DBG_APP, "%s.ca.ra_cert must be an RSA certificate and "
			 "%s.ca.ra_key its key", lib->ns, lib->ns);
		return FALSE;
	}
	if (!this->ra->issued_by(this->ra, ca, NULL) ||
		!this->ra->get_validity(this->ra, NULL, NULL, NULL))
	{
		DBG1(DBG_APP, "%s.ca.ra_cert is not a currently valid certificate "
			 "issued by %s.ca.cert: clients cannot verify it", lib->ns,
			 lib->ns);
		return FALSE;
	}
	if (!getcert_x509_allows(this->ra, GETCERT_KU_DIGITAL_SIGNATURE) ||
		!getcert_x509_allows(this->ra, GETCERT_KU_KEY_ENCIPHERMENT))
	{
		DBG1(DBG_APP, "%s.ca.ra_cert needs keyUsage digitalSignature "
			 "(to sign CertReps) and keyEncipherment (to be the recipient "
			 "of requests)", lib->ns);
		return FALSE;
	}
	return TRUE;
}

METHOD(getcertd_scep_t, destroy, void,
	private_getcertd_scep_t *this)
{
	DESTROY_IF(this->est);
	DESTROY_FUNCTION_IF(this->policies, (void*)getcertd_policy_destroy);
	DESTROY_IF(this->crl);
	DESTROY_IF(this->issuer);
	DESTROY_IF(this->ra);
	DESTROY_IF(this->ra_key);
	DESTROY_IF(this->ca_key);
	DESTROY_IF(this->auth);
	chunk_clear(&this->reject_secret);
	free(this);
}

/*
 * Described in header
 */
getcertd_scep_t *getcertd_scep_create(getcertd_db_t *db)
{
	private_getcertd_scep_t *this;
	certificate_t *ca;
	private_key_t *key;
	rng_t *rng;

	INIT(this,
		.public = {
			.handle = _handle,
			.destroy = _destroy,
		},
		.db = db,
	);

	if (!getcertd_conf_retry_after(&this->retry_after) ||
		!getcert_settings_duration(lib->settings, "", 3600, 1, 365 * 86400,
					&this->crl_lifetime, "%s.crl_lifetime", lib->ns))
	{
		destroy(this);
		return NULL;
	}
	ca = load(CRED_CERTIFICATE, "cert");
	key = load(CRED_PRIVATE_KEY, "key");
	if (!ca || !key)
	{
		DBG1(DBG_APP, "%s.ca.cert and %s.ca.key are required", lib->ns,
			 lib->ns);
		DESTROY_IF(ca);
		DESTROY_IF(key);
		destroy(this);
		return NULL;
	}
	this->ca_key = key->get_ref(key);
	this->issuer = getcertd_issuer_create(ca, key);
	this->crl = getcertd_crl_create(this->issuer, db, this->crl_lifetime);
	if (lib->settings->get_str(lib->settings, "%s.ca.ra_cert", NULL, lib->ns))
	{
		this->ra = load(CRED_CERTIFICATE, "ra_cert");
		this->ra_key = load(CRED_PRIVATE_KEY, "ra_key");
		if (!this->ra || !this->ra_key)
		{
			destroy(this);
			return NULL;
		}
	}
	rng = lib->crypto->create_rng(lib->crypto, RNG_STRONG);
	if (!rng || !rng->allocate_bytes(rng, 32, &this->reject_secret))
	{
		DBG1(DBG_APP, "no strong random number generator");
		DESTROY_IF(rng);
		destroy(this);
		return NULL;
	}
	rng->destroy(rng);
	this->auth = getcertd_auth_create();
	this->policies = getcertd_policy_load();
	if (!check_keys(this) || !this->auth || !this->policies)
	{
		destroy(this);
		return NULL;
	}
	this->est = getcertd_est_create(db, this->issuer, this->auth,
									this->policies, this->retry_after);
	return &this->public;
}

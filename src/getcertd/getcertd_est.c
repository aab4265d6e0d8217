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

#include "getcertd_est.h"
#include "getcertd_replay.h"

#include <ctype.h>
#include <time.h>
#include <sys/time.h>

#include <getcert_cms_signed.h>
#include <getcert_est.h>
#include <getcert_keypkg.h>
#include <getcert_x509.h>

#include <utils/debug.h>
#include <asn1/asn1.h>
#include <asn1/oid.h>
#include <credentials/certificates/x509.h>
#include <credentials/certificates/pkcs10.h>

ENUM(getcertd_est_op_names, GETCERTD_EST_CACERTS, GETCERTD_EST_CSRATTRS,
	"cacerts",
	"simpleenroll",
	"simplereenroll",
	"fullcmc",
	"serverkeygen",
	"csrattrs",
);

typedef struct private_getcertd_est_t private_getcertd_est_t;

/**
 * Private data of a getcertd_est_t object.
 */
struct private_getcertd_est_t {

	/**
	 * Public interface.
	 */
	getcertd_est_t public;

	/**
	 * Records.
	 */
	getcertd_db_t *db;

	/**
	 * Issuer.
	 */
	getcertd_issuer_t *issuer;

	/**
	 * HTTP Basic authentication against RADIUS.
	 */
	getcertd_auth_t *auth;

	/**
	 * Policies, getcertd_policy_t*.
	 */
	linked_list_t *policies;

	/**
	 * Retry-After of 202 and 503 answers.
	 */
	u_int retry_after;
};

/**
 * Context of one EST request, for logging and replies
 */
typedef struct {
	/** operation */
	getcertd_est_op_t op;
	/** label, allocated or NULL */
	char *label;
	/** policy */
	getcertd_policy_t *policy;
	/** authenticated user, allocated */
	char *user;
	/** result, for the log */
	char *result;
	/** client address as string */
	char client[64];
	/** transaction: transid allocated, keyid and request allocated */
	getcertd_tx_t tx;
	/** transactionID buffer */
	char transid[48];
} ctx_t;

/*
 * Described in header
 */
bool getcertd_est_path(char *path)
{
	return path && strpfx(path, GETCERTD_EST_PREFIX);
}

/*
 * Described in header
 */
bool getcertd_est_route(char *path, char **label, getcertd_est_op_t *op)
{
	char *rest, *slash, *name;
	int i;

	*label = NULL;
	if (!getcertd_est_path(path))
	{
		return FALSE;
	}
	rest = path + strlen(GETCERTD_EST_PREFIX);
	slash = strchr(rest, '/');
	name = rest;
	if (slash)
	{
		if (strchr(slash + 1, '/') || slash == rest)
		{
			return FALSE;
		}
		name = slash + 1;
	}
	for (i = GETCERTD_EST_CACERTS; i <= GETCERTD_EST_CSRATTRS; i++)
	{
		if (streq(name, enum_to_name(getcertd_est_op_names, i)))
		{
			break;
		}
	}
	if (i > GETCERTD_EST_CSRATTRS)
	{
		return FALSE;
	}
	if (slash)
	{
		*label = strndup(rest, slash - rest);
		if (!getcertd_policy_valid_label(*label))
		{
			free(*label);
			*label = NULL;
			return FALSE;
		}
	}
	*op = i;
	return TRUE;
}

/**
 * DER of an OID known to strongSwan
 */
static chunk_t oid(int known)
{
	return asn1_build_known_oid(known);
}

/*
 * Described in header
 */
chunk_t getcertd_est_csrattrs(getcertd_policy_t *policy)
{
	chunk_t attrs = chunk_empty, part, curves;
	u_int all = GETCERTD_KEY_RSA | GETCERTD_KEY_ECDSA | GETCERTD_KEY_ED25519;

	if ((policy->key_types & all) != all)
	{
		if (policy->key_types & GETCERTD_KEY_RSA)
		{
			/* chunk_cat() evaluates its arguments twice: never a call in it */
			part = oid(OID_RSA_ENCRYPTION);
			attrs = chunk_cat("mm", attrs, part);
		}
		if (policy->key_types & GETCERTD_KEY_ECDSA)
		{
			/* a SET OF in DER order: secp384r1 and secp521r1 (06 05 ...)
			 * before prime256v1 (06 08 ...) */
			curves = asn1_wrap(ASN1_SET, "mmm", oid(OID_SECT384R1),
							   oid(OID_SECT521R1), oid(OID_PRIME256V1));
			part = asn1_wrap(ASN1_SEQUENCE, "mm", oid(OID_EC_PUBLICKEY),
							 curves);
			attrs = chunk_cat("mm", attrs, part);
		}
		if (policy->key_types & GETCERTD_KEY_ED25519)
		{
			part = oid(OID_ED25519);
			attrs = chunk_cat("mm", attrs, part);
		}
	}
	if (policy->san)
	{	/* as in RFC 7030 4.5.2's example: the extensions to request */
		part = asn1_wrap(ASN1_SET, "m", oid(OID_SUBJECT_ALT_NAME));
		part = asn1_wrap(ASN1_SEQUENCE, "mm", oid(OID_EXTENSION_REQUEST),
						 part);
		attrs = chunk_cat("mm", attrs, part);
	}
	if (!attrs.len)
	{
		return chunk_empty;
	}
	return asn1_wrap(ASN1_SEQUENCE, "m", attrs);
}

/*
 * Described in header
 */
certificate_t *getcertd_est_client_cert(getcertd_db_t *db, certificate_t *ca,
										chunk_t der,
										getcertd_cert_info_t *info,
										char **reason)
{
	certificate_t *cert, *recorded;
	chunk_t enc = chunk_empty, serial;
	bool same;

	*info = (getcertd_cert_info_t){};
	cert = lib->creds->create(lib->creds, CRED_CERTIFICATE, CERT_X509,
							  BUILD_BLOB_ASN1_DER, der, BUILD_END);
	if (!cert)
	{
		*reason = "client certificate malformed";
		return NULL;
	}
	if (!cert->issued_by(cert, ca, NULL))
	{
		*reason = "client certificate not issued by this CA";
		cert->destroy(cert);
		return NULL;
	}
	if (!cert->get_validity(cert, NULL, NULL, NULL))
	{
		*reason = "client certificate expired or not yet valid";
		cert->destroy(cert);
		return NULL;
	}
	serial = ((x509_t*)cert)->get_serial((x509_t*)cert);
	recorded = db->get_cert(db, serial);
	same = recorded && recorded->get_encoding(recorded, CERT_ASN1_DER, &enc) &&
		   chunk_equals(enc, der);
	chunk_free(&enc);
	DESTROY_IF(recorded);
	if (!same || !db->get_info(db, serial, info))
	{	/* issued with the CA key, but not by getcertd (e.g. TLS server
		 * certificates) */
		*reason = "client certificate not issued by getcertd";
		cert->destroy(cert);
		return NULL;
	}
	if (info->revoked)
	{
		*reason = "client certificate revoked";
		cert->destroy(cert);
		return NULL;
	}
	return cert;
}

/**
 * Fill a response with base64 of a DER body (RFC 8951: no line breaks
 * needed; Content-Transfer-Encoding sent for RFC 7030 clients, which
 * RFC 8951 clients tolerate)
 */
static void reply_base64(getcertd_response_t *response, char *type,
						 chunk_t der)
{
	response->status = 200;
	response->type = type;
	response->encoding = "base64";
	response->body = chunk_to_base64(der, NULL);
	/* chunk_to_base64 counts the terminating NUL */
	if (response->body.len && response->body.ptr[response->body.len - 1] == 0)
	{
		response->body.len--;
	}
}

/**
 * Reply with a certificate, certs-only CMS
 */
static void reply_cert(getcertd_response_t *response, certificate_t *cert)
{
	linked_list_t *list;
	chunk_t der;

	list = linked_list_create_with_items(cert, NULL);
	der = getcert_cms_build_certs_only(list);
	list->destroy(list);
	if (!der.len)
	{
		getcertd_response_plain(response, 500, "encoding failed\n");
		return;
	}
	reply_base64(response, "application/pkcs7-mime; smime-type=certs-only",
				 der);
	chunk_free(&der);
}

/**
 * Refuse with a status and a reason (body and log)
 */
static void refuse(ctx_t *ctx, getcertd_response_t *response, u_int status,
				   char *reason)
{
	char buf[256];

	ctx->result = reason;
	snprintf(buf, sizeof(buf), "%s\n", reason);
	getcertd_response_plain(response, status, buf);
}

/**
 * 202: waiting for an operator, poll by sending the request again
 */
static void pending(private_getcertd_est_t *this, ctx_t *ctx,
					getcertd_response_t *response)
{
	getcertd_response_plain(response, 202, "pending approval\n");
	response->retry_after = this->retry_after;
	ctx->result = ctx->result ?: "pending approval";
}

/**
 * Whether every subjectAltName of a CSR is one of the certificate's and
 * the other way round (RFC 7030 4.2.2)
 */
static bool same_sans(pkcs10_t *csr, x509_t *cert)
{
	enumerator_t *a, *b;
	identification_t *id, *other;
	bool found, ok = TRUE;
	int csr_count = 0, cert_count = 0;

	a = csr->create_subjectAltName_enumerator(csr);
	while (ok && a->enumerate(a, &id))
	{
		csr_count++;
		found = FALSE;
		b = cert->create_subjectAltName_enumerator(cert);
		while (!found && b->enumerate(b, &other))
		{
			found = id->equals(id, other);
		}
		b->destroy(b);
		ok = found;
	}
	a->destroy(a);
	b = cert->create_subjectAltName_enumerator(cert);
	while (b->enumerate(b, &other))
	{
		cert_count++;
	}
	b->destroy(b);
	return ok && csr_count == cert_count;
}

/**
 * Whether a recorded certificate is current: valid now, not revoked
 */
static bool current(private_getcertd_est_t *this, certificate_t *cert)
{
	getcertd_cert_info_t info = {};
	x509_t *x509 = (x509_t*)cert;
	bool ok;

	ok = cert->get_validity(cert, NULL, NULL, NULL) &&
		 this->db->get_info(this->db, x509->get_serial(x509), &info) &&
		 !info.revoked;
	getcertd_cert_info_clear(&info);
	return ok;
}

/**
 * Issue and record a certificate for a key (with its SubjectPublicKeyInfo
 * from the CSR, if usable), NULL with the response filled if that failed
 */
static certificate_t *issue_cert(private_getcertd_est_t *this, ctx_t *ctx,
								 getcertd_response_t *response,
								 public_key_t *public, chunk_t spki,
								 certificate_t *renewed, chunk_t replaces)
{
	identification_t *subject;
	linked_list_t *sans;
	certificate_t *cert;
	time_t now = time(NULL), not_before, renewed_nb;

	not_before = now - ctx->policy->backdate;
	if (renewed)
	{	/* a renewal starts later than the certificate it renews */
		renewed->get_validity(renewed, NULL, &renewed_nb, NULL);
		not_before = max(not_before, renewed_nb + 1);
	}
	sans = linked_list_create();
	subject = getcertd_policy_granted(ctx->policy, ctx->user, sans);
	cert = this->issuer->issue(this->issuer, public, spki, subject, sans,
							   not_before, now + ctx->policy->lifetime,
							   ctx->policy->ekus);
	subject->destroy(subject);
	sans->destroy_offset(sans, offsetof(identification_t, destroy));
	if (!cert)
	{
		getcertd_response_plain(response, 500, "issuing failed\n");
		ctx->result = "issuing failed";
		return NULL;
	}
	ctx->tx.user = ctx->user;
	ctx->tx.policy = ctx->policy->name;
	ctx->tx.client = ctx->client;
	/* recorded before it is handed out, or not handed out at all */
	if (!this->db->add_issued(this->db, cert, &ctx->tx, replaces))
	{
		DBG1(DBG_APP, "recording certificate for '%s' failed, not issued",
			 ctx->user);
		getcertd_response_plain(response, 503,
								"not issued, try again later\n");
		response->retry_after = this->retry_after;
		ctx->result = "database error";
		cert->destroy(cert);
		return NULL;
	}
	ctx->result = "issued";
	return cert;
}

/**
 * Issue, record and reply
 */
static void issue(private_getcertd_est_t *this, ctx_t *ctx,
				  getcertd_response_t *response, certificate_t *csr,
				  certificate_t *renewed, chunk_t replaces)
{
	certificate_t *cert;
	public_key_t *public;
	chunk_t spki;

	public = csr->get_public_key(csr);
	if (!public)
	{
		getcertd_response_plain(response, 500, "issuing failed\n");
		ctx->result = "issuing failed";
		return;
	}
	/* the client's encoding of the key if it is canonical, else none */
	getcert_x509_csr_spki(csr, &spki);
	cert = issue_cert(this, ctx, response, public, spki, renewed, replaces);
	public->destroy(public);
	chunk_free(&spki);
	if (cert)
	{
		reply_cert(response, cert);
		cert->destroy(cert);
	}
}

/**
 * Answer a request whose transaction (the same CSR) is known. Returns TRUE
 * if answered, FALSE to issue (replaces set if it replaces the stored
 * transaction).
 */
static bool known(private_getcertd_est_t *this, ctx_t *ctx,
				  getcertd_response_t *response, certificate_t *csr,
				  bool renew, chunk_t *replaces)
{
	getcertd_tx_t tx;
	certificate_t *cert;
	bool answered = TRUE;

	switch (this->db->get_transaction(this->db, ctx->tx.transid, &tx))
	{
		case GETCERTD_TX_NONE:
			answered = FALSE;
			break;
		case GETCERTD_TX_ISSUED:
			cert = this->db->get_cert(this->db, tx.serial);
			if (!tx.user || !streq(tx.user, ctx->user) ||
				!chunk_equals(tx.keyid, ctx->tx.keyid))
			{
				refuse(ctx, response, 403, "request of another user");
			}
			else if (cert && chunk_equals(tx.request, ctx->tx.request) &&
					 current(this, cert))
			{	/* the same answer again, never a second certificate */
				reply_cert(response, cert);
				ctx->result = "replay, same certificate";
			}
			else
			{
				*replaces = chunk_clone(tx.serial);
				answered = FALSE;
			}
			DESTROY_IF(cert);
			break;
		case GETCERTD_TX_PENDING:
		case GETCERTD_TX_APPROVED:
			if (!tx.user || !streq(tx.user, ctx->user) || renew)
			{
				refuse(ctx, response, 403, "request of another user");
			}
			else if (tx.state == GETCERTD_TX_PENDING)
			{
				ctx->result = "still pending";
				pending(this, ctx, response);
			}
			else
			{	/* approved: issue now */
				ctx->tx.chain_start = time(NULL);
				issue(this, ctx, response, csr, NULL, chunk_empty);
			}
			break;
		case GETCERTD_TX_REJECTED:
			refuse(ctx, response, 403, "rejected by the operator");
			break;
	}
	getcertd_tx_clear(&tx);
	return answered;
}

/**
 * The certificate a TLS client renews with (simplereenroll, serverkeygen):
 * issued by getcertd and recorded, valid, not revoked, the CSR's subject
 * and subjectAltNames those of the certificate (RFC 7030 4.2.2), its policy
 * still configured. Sets ctx->policy to the certificate's policy and
 * ctx->tx.renews. Whether it is the newest of its chain is left to the
 * caller (info->superseded). Returns NULL with a static reason if refused.
 */
static certificate_t *renewal_cert(private_getcertd_est_t *this, ctx_t *ctx,
								   getcertd_request_t *request,
								   certificate_t *csr,
								   getcertd_cert_info_t *info, char **reason)
{
	certificate_t *cert;
	getcertd_policy_t *policy;

	if (!request->peer_cert.len)
	{
		*reason = "no TLS client certificate";
		return NULL;
	}
	cert = getcertd_est_client_cert(this->db,
						this->issuer->get_ca(this->issuer), request->peer_cert,
						info, reason);
	if (!cert)
	{
		return NULL;
	}
	if (!csr->get_subject(csr)->equals(csr->get_subject(csr),
									   cert->get_subject(cert)) ||
		!same_sans((pkcs10_t*)csr, (x509_t*)cert))
	{
		*reason = "CSR names differ from the certificate renewed";
		cert->destroy(cert);
		return NULL;
	}
	policy = getcertd_policy_named(this->policies, info->policy);
	if (!policy)
	{
		*reason = "renewal under a removed policy";
		cert->destroy(cert);
		return NULL;
	}
	if (policy != ctx->policy)
	{
		DBG1(DBG_APP, "renewal sent to EST label '%s' stays under policy "
			 "'%s'", ctx->label ?: "", policy->name);
		ctx->policy = policy;
	}
	ctx->tx.renews = ((x509_t*)cert)->get_serial((x509_t*)cert);
	return cert;
}

/**
 * The renewal chain of a certificate renewal_cert() accepted: within
 * max_renewal_age the certificate authenticates alone, beyond it HTTP Basic
 * of the same user is required too. Returns cert with ctx->user and chain
 * set, or NULL with the response filled and cert destroyed.
 */
static certificate_t *renewal_chain(private_getcertd_est_t *this, ctx_t *ctx,
									getcertd_request_t *request,
									getcertd_response_t *response,
									certificate_t *cert,
									getcertd_cert_info_t *info)
{
	time_t now = time(NULL);

	if (now - info->chain_start <= ctx->policy->max_renewal_age)
	{
		ctx->user = info->user;
		info->user = NULL;
		ctx->tx.chain_start = info->chain_start;
		return cert;
	}
	DBG1(DBG_APP, "renewal chain of '%s' began %us ago, beyond "
		 "max_renewal_age: credentials required", info->user ?: "-",
		 (u_int)(now - info->chain_start));
	if (!this->auth->authenticate(this->auth, request, &ctx->user,
								  &ctx->result, response))
	{
		goto refused;
	}
	if (!info->user || !streq(ctx->user, info->user))
	{
		refuse(ctx, response, 403, "renewal with the credentials of another "
			   "user");
		goto refused;
	}
	ctx->tx.chain_start = now;
	return cert;

refused:
	ctx->tx.renews = chunk_empty;
	cert->destroy(cert);
	return NULL;
}

/**
 * simplereenroll: the TLS client certificate authenticates, renewal rules
 * as for SCEP. Returns the renewed certificate with ctx->user, policy and
 * chain set, or NULL with the response filled.
 */
static certificate_t *reenroll_auth(private_getcertd_est_t *this, ctx_t *ctx,
									getcertd_request_t *request,
									getcertd_response_t *response,
									certificate_t *csr,
									getcertd_cert_info_t *info)
{
	certificate_t *cert;
	char *reason;

	if (!request->peer_cert.len)
	{
		refuse(ctx, response, 403, "simplereenroll without a TLS client "
			   "certificate");
		return NULL;
	}
	cert = renewal_cert(this, ctx, request, csr, info, &reason);
	if (!cert)
	{
		refuse(ctx, response, 403, reason);
		return NULL;
	}
	return renewal_chain(this, ctx, request, response, cert, info);
}

/**
 * The transactionID of an EST request: EST has none, the request (CSR
 * and, for a renewal, the certificate renewed) under its policy
 * identifies it, a retransmission or a poll sends it again
 */
static bool transaction_id(ctx_t *ctx)
{
	hasher_t *hasher;
	u_char hash[HASH_SIZE_SHA256];
	chunk_t digest;

	hasher = lib->crypto->create_hasher(lib->crypto, HASH_SHA256);
	if (!ctx->tx.request.len || !hasher ||
		!hasher->get_hash(hasher, ctx->tx.request, NULL) ||
		!hasher->get_hash(hasher, chunk_from_str(ctx->policy->name), hash))
	{
		DESTROY_IF(hasher);
		return FALSE;
	}
	hasher->destroy(hasher);
	digest = chunk_create(hash, 16);
	snprintf(ctx->transid, sizeof(ctx->transid), "EST-%+B", &digest);
	ctx->tx.transid = ctx->transid;
	return TRUE;
}

/**
 * HTTP Basic against RADIUS for simpleenroll and serverkeygen; FALSE with
 * the response filled if the client is not authenticated
 */
static bool basic_auth(private_getcertd_est_t *this, ctx_t *ctx,
					   getcertd_request_t *request,
					   getcertd_response_t *response)
{
	if (!this->auth->available(this->auth))
	{
		refuse(ctx, response, 503, "no RADIUS server configured");
		return FALSE;
	}
	if (!this->auth->authenticate(this->auth, request, &ctx->user,
								  &ctx->result, response))
	{
		return FALSE;
	}
	ctx->tx.chain_start = time(NULL);
	return TRUE;
}

/**
 * The CSR asks only for names the policy grants the authenticated user;
 * FALSE with the response filled (403) otherwise
 */
static bool csr_names_ok(ctx_t *ctx, getcertd_response_t *response,
						 certificate_t *csr)
{
	identification_t *subject;
	linked_list_t *sans;
	bool ok;

	sans = linked_list_create();
	subject = getcertd_policy_granted(ctx->policy, ctx->user, sans);
	ok = getcertd_policy_subject_ok(csr->get_subject(csr), subject, sans,
									ctx->user) &&
		 getcertd_policy_sans_ok((pkcs10_t*)csr, sans);
	subject->destroy(subject);
	sans->destroy_offset(sans, offsetof(identification_t, destroy));
	if (!ok)
	{
		DBG1(DBG_APP, "CSR of '%s' asks for '%Y', not a name of that user",
			 ctx->user, csr->get_subject(csr));
		refuse(ctx, response, 403, "CSR for a name the user does not own");
	}
	return ok;
}

/**
 * simpleenroll and simplereenroll
 */
static void enroll(private_getcertd_est_t *this, ctx_t *ctx,
				   getcertd_request_t *request, getcertd_response_t *response)
{
	certificate_t *csr = NULL, *renewed = NULL;
	getcertd_cert_info_t info = {};
	public_key_t *public;
	chunk_t der, keyid, replaces = chunk_empty;
	bool renew = ctx->op == GETCERTD_EST_SIMPLEREENROLL, ok;
	char *reason;

	if (!streq(request->method, "POST"))
	{
		refuse(ctx, response, 405, "POST required");
		return;
	}
	if (getcert_est_decode(request->body, NULL, &der) != GETCERT_OK)
	{
		refuse(ctx, response, 400, "body is not base64");
		return;
	}
	csr = lib->creds->create(lib->creds, CRED_CERTIFICATE,
							 CERT_PKCS10_REQUEST, BUILD_BLOB_ASN1_DER, der,
							 BUILD_END);
	chunk_free(&der);
	if (!csr)
	{
		refuse(ctx, response, 400, "malformed CSR");
		return;
	}
	if (!csr->issued_by(csr, csr, NULL))
	{
		refuse(ctx, response, 400, "CSR self-signature invalid");
		goto out;
	}
	public = csr->get_public_key(csr);
	if (!public)
	{
		refuse(ctx, response, 400, "CSR key not supported");
		goto out;
	}
	ok = getcertd_policy_key_ok(ctx->policy, public, &reason);
	if (ok && getcert_x509_key_id(csr, &keyid))
	{	/* from the CSR's subjectPublicKeyInfo if canonical */
		ctx->tx.keyid = keyid;
	}
	public->destroy(public);
	if (!ok)
	{
		refuse(ctx, response, 400, reason);
		goto out;
	}
	if (renew)
	{
		renewed = reenroll_auth(this, ctx, request, response, csr, &info);
		if (!renewed)
		{
			goto out;
		}
	}
	else
	{
		if (!basic_auth(this, ctx, request, response))
		{
			goto out;
		}
	}
	if (!csr_names_ok(ctx, response, csr))
	{
		goto out;
	}
	ctx->tx.request = getcertd_replay_request_id(csr, renewed ?: csr,
									this->issuer->get_ca(this->issuer));
	if (!transaction_id(ctx))
	{
		refuse(ctx, response, 500, "hashing failed");
		goto out;
	}
	if (known(this, ctx, response, csr, renew, &replaces))
	{
		goto out;
	}
	if (renew && info.superseded)
	{
		refuse(ctx, response, 403, "renewal with a superseded certificate "
			   "(only the newest of a chain renews)");
		goto out;
	}
	if (ctx->policy->manual && !renew)
	{
		if (replaces.len)
		{
			refuse(ctx, response, 403, "request of an issued certificate "
				   "sent again for approval");
			goto out;
		}
		ctx->tx.user = ctx->user;
		ctx->tx.policy = ctx->policy->name;
		ctx->tx.client = ctx->client;
		ctx->tx.csr = csr->get_encoding(csr, CERT_ASN1_DER, &der) ? der
																  : chunk_empty;
		if (!this->db->add_pending(this->db, &ctx->tx))
		{
			getcertd_response_plain(response, 503,
									"database unavailable, try again later\n");
			response->retry_after = this->retry_after;
			ctx->result = "database error";
		}
		else
		{
			pending(this, ctx, response);
		}
		chunk_free(&ctx->tx.csr);
		goto out;
	}
	issue(this, ctx, response, csr, renewed, replaces);

out:
	getcertd_cert_info_clear(&info);
	chunk_free(&replaces);
	DESTROY_IF(renewed);
	DESTROY_IF(csr);
}

/**
 * id-aa-decryptKeyID (1.2.840.113549.1.9.16.2.37, RFC 7030 4.4.1.1): a
 * symmetric key to encrypt the generated key with, which getcertd has none
 * of
 */
#define OID_DECRYPT_KEY_ID \
	chunk_from_chars(0x2a,0x86,0x48,0x86,0xf7,0x0d,0x01,0x09,0x10,0x02,0x25)

/**
 * Boundary of the multipart/mixed answer of serverkeygen: '-' is no base64
 * character, the parts can not contain it
 */
#define SKG_BOUNDARY "getcertd-serverkeygen-part"

/**
 * The key identifier a CSR asks the generated key be encrypted to: the
 * single OCTET STRING value of its AsymmetricDecryptKeyIdentifier
 * attribute. Returns FALSE with a reason if the CSR has a malformed one,
 * or DecryptKeyIdentifier; id is empty if it has none.
 */
static bool decrypt_key_id(certificate_t *csr, chunk_t *id, char **reason)
{
	chunk_t der, seq, info, tlv, attrs, attr, oid, values, value;
	bool ok = FALSE;

	*id = chunk_empty;
	*reason = "malformed CSR attributes";
	if (!csr->get_encoding(csr, CERT_ASN1_DER, &der))
	{
		return FALSE;
	}
	seq = der;
	if (!getcert_cms_take(&seq, ASN1_SEQUENCE, &seq, NULL) ||
		!getcert_cms_take(&seq, ASN1_SEQUENCE, &info, NULL) ||
		!getcert_cms_take(&info, ASN1_INTEGER, &tlv, NULL) ||
		!getcert_cms_take(&info, ASN1_SEQUENCE, &tlv, NULL) ||
		!getcert_cms_take(&info, ASN1_SEQUENCE, &tlv, NULL))
	{
		goto out;
	}
	if (!info.len)
	{
		ok = TRUE;
		goto out;
	}
	if (!getcert_cms_take(&info, ASN1_CONTEXT_C_0, &attrs, NULL) || info.len)
	{
		goto out;
	}
	while (attrs.len)
	{
		if (!getcert_cms_take(&attrs, ASN1_SEQUENCE, &attr, NULL) ||
			!getcert_cms_take(&attr, ASN1_OID, &oid, NULL) ||
			!getcert_cms_take(&attr, ASN1_SET, &values, NULL) || attr.len)
		{
			goto out;
		}
		if (chunk_equals(oid, OID_DECRYPT_KEY_ID))
		{
			*reason = "DecryptKeyIdentifier (a symmetric key) not supported, "
					  "use AsymmetricDecryptKeyIdentifier";
			goto out;
		}
		if (!chunk_equals(oid, GETCERT_OID_ASYMM_DECRYPT_KEY_ID))
		{
			continue;
		}
		if (id->len ||
			!getcert_cms_take(&values, ASN1_OCTET_STRING, &value, NULL) ||
			values.len || !value.len)
		{
			*reason = "AsymmetricDecryptKeyIdentifier is not a single "
					  "OCTET STRING";
			chunk_free(id);
			goto out;
		}
		*id = chunk_clone(value);
	}
	ok = TRUE;

out:
	chunk_free(&der);
	return ok;
}

/**
 * One base64 part of a multipart/mixed body
 */
static chunk_t skg_part(char *type, chunk_t der)
{
	chunk_t b64, part;

	b64 = chunk_to_base64(der, NULL);
	if (b64.len && b64.ptr[b64.len - 1] == 0)
	{
		b64.len--;
	}
	part = chunk_cat("cccsc",
				chunk_from_str("--" SKG_BOUNDARY "\r\nContent-Type: "),
				chunk_from_str(type),
				chunk_from_str("\r\nContent-Transfer-Encoding: base64"
							   "\r\n\r\n"),
				b64, chunk_from_str("\r\n"));
	return part;
}

/**
 * Generate the key a policy asks for
 */
static private_key_t *skg_generate(getcertd_policy_t *policy)
{
	if (policy->skg_bits)
	{
		return lib->creds->create(lib->creds, CRED_PRIVATE_KEY,
								  policy->skg_type, BUILD_KEY_SIZE,
								  policy->skg_bits, BUILD_END);
	}
	return lib->creds->create(lib->creds, CRED_PRIVATE_KEY, policy->skg_type,
							  BUILD_END);
}

/**
 * Whether the policy in ctx serves a serverkeygen request asking the key
 * encrypted to the CSR's key identified by id (empty: unencrypted), fills
 * the response if not
 */
static bool skg_protection_ok(ctx_t *ctx, getcertd_request_t *request,
							  getcertd_response_t *response,
							  public_key_t *public, chunk_t id)
{
	chunk_t csr_id = chunk_empty;
	bool ok;

	if (ctx->policy->server_keygen == GETCERTD_SKG_NO)
	{
		refuse(ctx, response, 501, "server-side key generation not offered "
			   "by this policy");
		return FALSE;
	}
	if (id.len)
	{
		if (public->get_type(public) != KEY_RSA ||
			public->get_keysize(public) < 2048)
		{
			refuse(ctx, response, 400, "AsymmetricDecryptKeyIdentifier needs "
				   "the CSR's key to be RSA of at least 2048 bits");
			return FALSE;
		}
		ok = getcert_keypkg_key_id(public, &csr_id) &&
			 chunk_equals(id, csr_id);
		chunk_free(&csr_id);
		if (!ok)
		{
			refuse(ctx, response, 400, "AsymmetricDecryptKeyIdentifier does "
				   "not name the CSR's key");
			return FALSE;
		}
	}
	else if (ctx->policy->server_keygen == GETCERTD_SKG_ENCRYPTED)
	{
		refuse(ctx, response, 400, "policy requires the key encrypted: "
			   "AsymmetricDecryptKeyIdentifier naming the CSR's RSA key "
			   "missing");
		return FALSE;
	}
	else if (!request->tls)
	{
		refuse(ctx, response, 403, "an unencrypted key only over TLS");
		return FALSE;
	}
	return TRUE;
}

/**
 * serverkeygen renewal (RFC 7030 4.4 "as in 4.2.2"): the TLS client
 * certificate authenticates as for simplereenroll, if renewal_cert() accepts
 * it and it is the newest of its chain; the policy switched to the
 * certificate's is checked again. Returns the renewed certificate, or NULL
 * with ctx->policy unchanged if the certificate does not renew (HTTP Basic
 * then, as a first enrollment), or NULL with *refused and the response
 * filled.
 */
static certificate_t *skg_renewal(private_getcertd_est_t *this, ctx_t *ctx,
								  getcertd_request_t *request,
								  getcertd_response_t *response,
								  certificate_t *csr, public_key_t *public,
								  chunk_t id, getcertd_cert_info_t *info,
								  bool *refused)
{
	getcertd_policy_t *label_policy = ctx->policy;
	certificate_t *cert;
	char *reason;

	*refused = FALSE;
	if (!request->peer_cert.len)
	{
		return NULL;
	}
	cert = renewal_cert(this, ctx, request, csr, info, &reason);
	if (cert && info->superseded)
	{
		reason = "superseded (only the newest of a chain renews)";
		DESTROY_IF(cert);
		cert = NULL;
	}
	if (!cert)
	{
		DBG1(DBG_APP, "serverkeygen: TLS client certificate does not renew: "
			 "%s; HTTP Basic required", reason);
		ctx->policy = label_policy;
		ctx->tx.renews = chunk_empty;
		getcertd_cert_info_clear(info);
		*info = (getcertd_cert_info_t){};
		return NULL;
	}
	if (ctx->policy != label_policy &&
		!skg_protection_ok(ctx, request, response, public, id))
	{
		ctx->tx.renews = chunk_empty;
		cert->destroy(cert);
		*refused = TRUE;
		return NULL;
	}
	cert = renewal_chain(this, ctx, request, response, cert, info);
	*refused = !cert;
	return cert;
}

/**
 * A transactionID of its own for every serverkeygen request: the key is
 * never stored, a request sent again gets a new key and certificate
 */
static bool skg_transaction_id(ctx_t *ctx)
{
	u_char buf[16];
	chunk_t rnd = chunk_from_thing(buf);
	rng_t *rng;
	bool ok;

	rng = lib->crypto->create_rng(lib->crypto, RNG_WEAK);
	ok = rng && rng->get_bytes(rng, sizeof(buf), buf);
	DESTROY_IF(rng);
	if (ok)
	{
		snprintf(ctx->transid, sizeof(ctx->transid), "ESTKG-%+B", &rnd);
		ctx->tx.transid = ctx->transid;
	}
	return ok;
}

/**
 * serverkeygen (RFC 7030 4.4): authenticated as simplereenroll by a TLS
 * client certificate that renews (the issued certificate supersedes it),
 * otherwise as simpleenroll; the CSR names the subject and, with
 * AsymmetricDecryptKeyIdentifier, its own RSA key to encrypt the generated
 * key to; the CSR's key is not certified
 */
static void serverkeygen(private_getcertd_est_t *this, ctx_t *ctx,
						 getcertd_request_t *request,
						 getcertd_response_t *response)
{
	certificate_t *csr = NULL, *cert = NULL, *renewed = NULL;
	getcertd_cert_info_t info = {};
	private_key_t *key = NULL;
	public_key_t *public = NULL, *generated = NULL;
	linked_list_t *sans;
	chunk_t der, id = chunk_empty, keypart = chunk_empty;
	chunk_t certpart, keyid, certs;
	char *reason, *keytype;
	bool refused;

	if (ctx->policy->server_keygen == GETCERTD_SKG_NO)
	{
		refuse(ctx, response, 501, "server-side key generation not offered "
			   "by this policy");
		return;
	}
	if (!streq(request->method, "POST"))
	{
		refuse(ctx, response, 405, "POST required");
		return;
	}
	if (getcert_est_decode(request->body, NULL, &der) != GETCERT_OK)
	{
		refuse(ctx, response, 400, "body is not base64");
		return;
	}
	csr = lib->creds->create(lib->creds, CRED_CERTIFICATE,
							 CERT_PKCS10_REQUEST, BUILD_BLOB_ASN1_DER, der,
							 BUILD_END);
	chunk_free(&der);
	if (!csr)
	{
		refuse(ctx, response, 400, "malformed CSR");
		return;
	}
	if (!csr->issued_by(csr, csr, NULL))
	{
		refuse(ctx, response, 400, "CSR self-signature invalid");
		goto out;
	}
	if (!decrypt_key_id(csr, &id, &reason))
	{
		refuse(ctx, response, 400, reason);
		goto out;
	}
	public = csr->get_public_key(csr);
	if (!public)
	{
		refuse(ctx, response, 400, "CSR key not supported");
		goto out;
	}
	if (!skg_protection_ok(ctx, request, response, public, id))
	{
		goto out;
	}
	renewed = skg_renewal(this, ctx, request, response, csr, public, id,
						  &info, &refused);
	if (refused)
	{
		goto out;
	}
	if (!renewed)
	{
		if (!basic_auth(this, ctx, request, response))
		{
			goto out;
		}
	}
	if (!csr_names_ok(ctx, response, csr))
	{
		goto out;
	}

	key = skg_generate(ctx->policy);
	generated = key ? key->get_public_key(key) : NULL;
	if (!generated ||
		!generated->get_fingerprint(generated, KEYID_PUBKEY_SHA1, &keyid))
	{
		refuse(ctx, response, 500, "key generation failed");
		goto out;
	}
	ctx->tx.keyid = chunk_clone(keyid);
	/* the key part first: nothing is issued if it can not be sent */
	if (id.len)
	{
		der = this->issuer->protect_key(this->issuer, key, public, id);
		keytype = "application/pkcs7-mime; smime-type=server-generated-key";
	}
	else
	{
		der = getcert_keypkg_build(key);
		if (der.len)
		{	/* the package's one OneAsymmetricKey v1, a PrivateKeyInfo */
			chunk_t rest = der, inner;

			if (asn1_unwrap(&rest, &inner) == ASN1_SEQUENCE)
			{
				inner = chunk_clone(inner);
			}
			else
			{
				inner = chunk_empty;
			}
			chunk_clear(&der);
			der = inner;
		}
		keytype = "application/pkcs8";
	}
	if (!der.len)
	{
		refuse(ctx, response, 500, "protecting the generated key failed");
		goto out;
	}
	keypart = skg_part(keytype, der);
	chunk_clear(&der);

	ctx->tx.request = getcertd_replay_request_id(csr, renewed ?: csr,
									this->issuer->get_ca(this->issuer));
	if (!skg_transaction_id(ctx))
	{
		refuse(ctx, response, 500, "random number generation failed");
		goto out;
	}
	ctx->tx.server_keygen = TRUE;
	cert = issue_cert(this, ctx, response, generated, chunk_empty, renewed,
					  chunk_empty);
	if (!cert)
	{
		goto out;
	}
	sans = linked_list_create_with_items(cert, NULL);
	certs = getcert_cms_build_certs_only(sans);
	sans->destroy(sans);
	if (!certs.len)
	{
		refuse(ctx, response, 500, "encoding failed");
		goto out;
	}
	certpart = skg_part("application/pkcs7-mime; smime-type=certs-only",
						certs);
	chunk_free(&certs);
	response->status = 200;
	response->type = "multipart/mixed; boundary=" SKG_BOUNDARY;
	response->secret = !id.len;
	response->body = chunk_cat("scc", keypart, certpart,
							   chunk_from_str("--" SKG_BOUNDARY "--\r\n"));
	keypart = chunk_empty;
	chunk_free(&certpart);
	ctx->result = id.len ? "issued, key generated, encrypted"
						 : "issued, key generated, unencrypted over TLS";

out:
	chunk_clear(&keypart);
	chunk_free(&id);
	getcertd_cert_info_clear(&info);
	DESTROY_IF(renewed);
	DESTROY_IF(cert);
	DESTROY_IF(generated);
	/* the generated key is never stored; its destruction wipes it */
	DESTROY_IF(key);
	DESTROY_IF(public);
	DESTROY_IF(csr);
}

/**
 * cacerts: the CA certificate, certs-only CMS (RFC 7030 4.1.3)
 */
static void cacerts(private_getcertd_est_t *this, ctx_t *ctx,
					getcertd_response_t *response)
{
	reply_cert(response, this->issuer->get_ca(this->issuer));
	ctx->result = response->status == 200 ? "ok" : "encoding failed";
}

/**
 * csrattrs: what the policy asks for, 204 if nothing (RFC 7030 4.5.2)
 */
static void csrattrs(private_getcertd_est_t *this, ctx_t *ctx,
					 getcertd_response_t *response)
{
	chunk_t der;

	der = getcertd_est_csrattrs(ctx->policy);
	if (!der.len)
	{
		response->status = 204;
		ctx->result = "nothing asked";
		return;
	}
	reply_base64(response, "application/csrattrs", der);
	chunk_free(&der);
	ctx->result = "ok";
}

METHOD(getcertd_est_t, handle, void,
	private_getcertd_est_t *this, getcertd_request_t *request,
	getcertd_response_t *response)
{
	ctx_t ctx = {};
	struct timeval start, end;
	char path[128];

	gettimeofday(&start, NULL);
	if (request->client)
	{
		snprintf(ctx.client, sizeof(ctx.client), "%H", request->client);
	}
	getcertd_auth_sanitize(request->path, strlen(request->path), path,
						   sizeof(path));
	if (!getcertd_est_route(request->path, &ctx.label, &ctx.op))
	{
		refuse(&ctx, response, 404, "no EST operation here");
	}
	else if (!(ctx.policy = getcertd_policy_find_est(this->policies,
													 ctx.label)))
	{
		refuse(&ctx, response, 404, "no EST service for this label");
	}
	else switch (ctx.op)
	{
		case GETCERTD_EST_CACERTS:
		case GETCERTD_EST_CSRATTRS:
			if (!streq(request->method, "GET"))
			{
				refuse(&ctx, response, 405, "GET required");
			}
			else if (ctx.op == GETCERTD_EST_CACERTS)
			{
				cacerts(this, &ctx, response);
			}
			else
			{
				csrattrs(this, &ctx, response);
			}
			break;
		case GETCERTD_EST_SIMPLEENROLL:
		case GETCERTD_EST_SIMPLEREENROLL:
			enroll(this, &ctx, request, response);
			break;
		case GETCERTD_EST_SERVERKEYGEN:
			serverkeygen(this, &ctx, request, response);
			break;
		default:
			refuse(&ctx, response, 501, "operation not implemented");
			break;
	}
	gettimeofday(&end, NULL);
	DBG1(DBG_APP, "%s %s %s EST %s user=%s cert=%s result=%s status=%u "
		 "%ldms transid=%s", ctx.client[0] ? ctx.client : "-",
		 request->method, path, ctx.policy ? ctx.policy->name : "-",
		 ctx.user ?: "-", request->peer_cert.len ? "yes" : "no",
		 ctx.result ?: "-", response->status,
		 (end.tv_sec - start.tv_sec) * 1000 +
		 (end.tv_usec - start.tv_usec) / 1000,
		 ctx.transid[0] ? ctx.transid : "-");
	chunk_free(&ctx.tx.keyid);
	chunk_free(&ctx.tx.request);
	free(ctx.user);
	free(ctx.label);
}

METHOD(getcertd_est_t, destroy, void,
	private_getcertd_est_t *this)
{
	free(this);
}

/*
 * Described in header
 */
getcertd_est_t *getcertd_est_create(getcertd_db_t *db,
									getcertd_issuer_t *issuer,
									getcertd_auth_t *auth,
									linked_list_t *policies,
									u_int retry_after)
{
	private_getcertd_est_t *this;

	INIT(this,
		.public = {
			.handle = _handle,
			.destroy = _destroy,
		},
		.db = db,
		.issuer = issuer,
		.auth = auth,
		.policies = policies,
		.retry_after = retry_after,
	);
	return &this->public;
}

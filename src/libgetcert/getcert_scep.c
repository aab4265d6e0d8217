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

#include "getcert_scep.h"
#include "getcert_cms_signed.h"
#include "getcert_cms_enveloped.h"

#include <ctype.h>

#include <utils/debug.h>
#include <asn1/asn1.h>
#include <asn1/oid.h>

ENUM_BEGIN(getcert_scep_msg_names, GETCERT_SCEP_CERT_REP,
		   GETCERT_SCEP_CERT_REP,
	"CertRep");
ENUM_NEXT(getcert_scep_msg_names, GETCERT_SCEP_RENEWAL_REQ,
		  GETCERT_SCEP_RENEWAL_REQ, GETCERT_SCEP_CERT_REP,
	"RenewalReq");
ENUM_NEXT(getcert_scep_msg_names, GETCERT_SCEP_PKCS_REQ, GETCERT_SCEP_GET_CRL,
		  GETCERT_SCEP_RENEWAL_REQ,
	"PKCSReq",
	"CertPoll",
	"GetCert",
	"GetCRL");
ENUM_END(getcert_scep_msg_names, GETCERT_SCEP_GET_CRL);

ENUM_BEGIN(getcert_scep_status_names, GETCERT_SCEP_SUCCESS,
		   GETCERT_SCEP_SUCCESS,
	"SUCCESS");
ENUM_NEXT(getcert_scep_status_names, GETCERT_SCEP_FAILURE,
		  GETCERT_SCEP_PENDING, GETCERT_SCEP_SUCCESS,
	"FAILURE",
	"PENDING");
ENUM_END(getcert_scep_status_names, GETCERT_SCEP_PENDING);

ENUM(getcert_scep_fail_names, GETCERT_SCEP_BAD_ALG, GETCERT_SCEP_FAIL_NONE,
	"badAlg: the CA does not support the algorithms used",
	"badMessageCheck: the CA could not verify the request's signature",
	"badRequest: the CA does not permit this request (identity or "
		"credentials not accepted)",
	"badTime: the request's time is too far from the CA's clock",
	"badCertId: the CA found no certificate matching the request",
	"no failInfo given",
);

/**
 * Capability names and flags
 */
static struct {
	char *name;
	u_int flag;
} caps[] = {
	{ "AES",				GETCERT_SCEP_CAP_AES },
	{ "DES3",				GETCERT_SCEP_CAP_DES3 },
	{ "GetNextCACert",		GETCERT_SCEP_CAP_GET_NEXT_CA_CERT },
	{ "POSTPKIOperation",	GETCERT_SCEP_CAP_POST_PKI_OPERATION },
	{ "Renewal",			GETCERT_SCEP_CAP_RENEWAL },
	{ "SHA-1",				GETCERT_SCEP_CAP_SHA1 },
	{ "SHA-256",			GETCERT_SCEP_CAP_SHA256 },
	{ "SHA-512",			GETCERT_SCEP_CAP_SHA512 },
	{ "SCEPStandard",		GETCERT_SCEP_CAP_SCEP_STANDARD },
};

/*
 * Described in header
 */
u_int getcert_scep_parse_caps(chunk_t reply)
{
	chunk_t line;
	u_int flags = 0;
	int i;

	while (reply.len)
	{
		line = reply;
		for (i = 0; i < reply.len; i++)
		{
			if (reply.ptr[i] == '\n')
			{
				line.len = i;
				break;
			}
		}
		reply = chunk_skip(reply, line.len + 1 > reply.len ? reply.len
														   : line.len + 1);
		/* trim white space, including a CR of CRLF line ends */
		while (line.len && isspace(line.ptr[0]))
		{
			line = chunk_skip(line, 1);
		}
		while (line.len && isspace(line.ptr[line.len - 1]))
		{
			line.len--;
		}
		for (i = 0; i < countof(caps); i++)
		{
			if (line.len == strlen(caps[i].name) &&
				strncaseeq(line.ptr, caps[i].name, line.len))
			{
				flags |= caps[i].flag;
			}
		}
	}
	if (flags & GETCERT_SCEP_CAP_SCEP_STANDARD)
	{	/* RFC 8894 3.5.2 */
		flags |= GETCERT_SCEP_CAP_AES | GETCERT_SCEP_CAP_POST_PKI_OPERATION |
			GETCERT_SCEP_CAP_SHA256;
	}
	return flags;
}

/*
 * Described in header
 */
bool getcert_scep_parse_ca_certs(chunk_t reply, char *content_type,
						 linked_list_t *certs)
{
	certificate_t *cert;
	bool single;

	if (!reply.len)
	{
		DBG1(DBG_LIB, "SCEP: empty GetCACert reply");
		return FALSE;
	}
	if (content_type &&
		strcaseeq(content_type, "application/x-x509-ca-ra-cert"))
	{
		single = FALSE;
	}
	else if (content_type &&
			 strcaseeq(content_type, "application/x-x509-ca-cert"))
	{
		single = TRUE;
	}
	else
	{	/* no or another type: a ContentInfo starts with an OID */
		chunk_t inner = reply;

		single = asn1_unwrap(&inner, &inner) != ASN1_SEQUENCE ||
				 !inner.len || inner.ptr[0] != ASN1_OID;
	}
	if (single)
	{
		cert = lib->creds->create(lib->creds, CRED_CERTIFICATE, CERT_X509,
								  BUILD_BLOB_ASN1_DER, reply, BUILD_END);
		if (!cert)
		{
			DBG1(DBG_LIB, "SCEP: GetCACert reply is not a certificate");
			return FALSE;
		}
		certs->insert_last(certs, cert);
		return TRUE;
	}
	if (!getcert_cms_parse_certs(reply, certs))
	{
		DBG1(DBG_LIB, "SCEP: GetCACert reply is not a PKCS#7 certificate "
			 "list with a certificate");
		return FALSE;
	}
	return TRUE;
}

/**
 * Build a PrintableString attribute value
 */
static chunk_t printable(char *str)
{
	return asn1_wrap(ASN1_PRINTABLESTRING, "c", chunk_from_str(str));
}

/**
 * Build the SCEP attributes common to requests and replies
 */
static chunk_t scep_attrs(getcert_scep_msg_t type, chunk_t transid,
						  chunk_t nonce)
{
	char buf[8];

	chunk_t msg_type, trans_id, sender_nonce;

	/* chunk_cat() evaluates its arguments twice, build them first */
	snprintf(buf, sizeof(buf), "%d", type);
	msg_type = getcert_cms_attribute(OID_PKI_MESSAGE_TYPE, printable(buf));
	trans_id = getcert_cms_attribute(OID_PKI_TRANS_ID,
						asn1_wrap(ASN1_PRINTABLESTRING, "c", transid));
	sender_nonce = getcert_cms_attribute(OID_PKI_SENDER_NONCE,
						asn1_wrap(ASN1_OCTET_STRING, "c", nonce));
	return chunk_cat("mmm", msg_type, trans_id, sender_nonce);
}

/*
 * Described in header
 */
chunk_t getcert_scep_sign_request(getcert_scep_request_t *req, chunk_t envelope)
{
	chunk_t attrs, msg;

	attrs = scep_attrs(req->type, req->transid, req->nonce);
	msg = getcert_cms_build_signed(envelope, attrs, req->signer, req->key,
								   req->digest, FALSE);
	chunk_free(&attrs);
	return msg;
}

/*
 * Described in header
 */
chunk_t getcert_scep_build_request(getcert_scep_request_t *req)
{
	chunk_t envelope, msg;

	envelope = getcert_cms_build_enveloped(req->data, req->recipient,
										   req->enc_alg, req->enc_key_size);
	if (!envelope.len)
	{
		return chunk_empty;
	}
	msg = getcert_scep_sign_request(req, envelope);
	chunk_free(&envelope);
	return msg;
}

/*
 * Described in header
 */
chunk_t getcert_scep_sign_certrep(getcert_scep_request_t *req,
								  getcert_scep_status_t status,
								  getcert_scep_fail_t fail, chunk_t envelope,
								  certificate_t *signer, private_key_t *key,
								  hash_algorithm_t digest, bool rsa_oid)
{
	chunk_t attrs, msg, nonce, common, pki_status, recipient_nonce, fail_info;
	char buf[8];
	rng_t *rng;

	rng = lib->crypto->create_rng(lib->crypto, RNG_WEAK);
	if (!rng || !rng->allocate_bytes(rng, 16, &nonce))
	{
		DESTROY_IF(rng);
		return chunk_empty;
	}
	rng->destroy(rng);
	/* chunk_cat() evaluates its arguments twice, build them first */
	common = scep_attrs(GETCERT_SCEP_CERT_REP, req->transid, nonce);
	chunk_free(&nonce);
	snprintf(buf, sizeof(buf), "%d", status);
	pki_status = getcert_cms_attribute(OID_PKI_STATUS, printable(buf));
	recipient_nonce = getcert_cms_attribute(OID_PKI_RECIPIENT_NONCE,
						asn1_wrap(ASN1_OCTET_STRING, "c", req->nonce));
	fail_info = chunk_empty;
	if (status == GETCERT_SCEP_FAILURE && fail != GETCERT_SCEP_FAIL_NONE)
	{
		snprintf(buf, sizeof(buf), "%d", fail);
		fail_info = getcert_cms_attribute(OID_PKI_FAIL_INFO, printable(buf));
	}
	attrs = chunk_cat("mmmm", common, pki_status, recipient_nonce, fail_info);
	msg = getcert_cms_build_signed(envelope, attrs, signer, key, digest,
								   rsa_oid);
	chunk_free(&attrs);
	return msg;
}

/*
 * Described in header
 */
chunk_t getcert_scep_build_certrep(getcert_scep_request_t *req,
								   getcert_scep_status_t status,
								   getcert_scep_fail_t fail, chunk_t data,
								   encryption_algorithm_t enc_alg,
								   size_t enc_key_size, certificate_t *signer,
								   private_key_t *key, hash_algorithm_t digest,
								   bool rsa_oid)
{
	chunk_t envelope = chunk_empty, msg;

	if (status == GETCERT_SCEP_SUCCESS)
	{
		envelope = getcert_cms_build_enveloped(data, req->signer, enc_alg,
											   enc_key_size);
		if (!envelope.len)
		{
			return chunk_empty;
		}
	}
	msg = getcert_scep_sign_certrep(req, status, fail, envelope, signer, key,
									digest, rsa_oid);
	chunk_free(&envelope);
	return msg;
}

/**
 * Parse a small decimal number given as PrintableString attribute
 */
static bool get_number(getcert_cms_t *cms, int oid, int *value)
{
	chunk_t str;
	int i, num = 0;

	if (!cms->get_attribute(cms, oid, ASN1_PRINTABLESTRING, &str) ||
		!str.len || str.len > 3)
	{
		return FALSE;
	}
	for (i = 0; i < str.len; i++)
	{
		if (!isdigit(str.ptr[i]))
		{
			return FALSE;
		}
		num = num * 10 + str.ptr[i] - '0';
	}
	*value = num;
	return TRUE;
}

/*
 * Described in header
 */
getcert_err_t getcert_scep_parse_reply(chunk_t blob,
									   getcert_scep_request_t *req,
									   linked_list_t *trusted,
									   getcert_scep_reply_t *reply)
{
	getcert_cms_t *cms;
	getcert_err_t err = GETCERT_OK;
	chunk_t value = chunk_empty;
	int num;

	*reply = (getcert_scep_reply_t){
		.fail = GETCERT_SCEP_FAIL_NONE,
	};
	cms = getcert_cms_parse(blob);
	if (!cms)
	{
		return GETCERT_ERR_MALFORMED;
	}
	if (!cms->verify(cms, trusted, &reply->signer))
	{
		err = GETCERT_ERR_SIGNATURE;
		goto out;
	}
	if (cms->get_digest(cms) == HASH_SHA1 && !req->reply_sha1)
	{
		DBG1(DBG_LIB, "SCEP: CertRep signed with SHA-1, not accepted by "
			 "policy");
		err = GETCERT_ERR_POLICY;
		goto out;
	}
	if (!get_number(cms, OID_PKI_MESSAGE_TYPE, &num) ||
		num != GETCERT_SCEP_CERT_REP)
	{
		DBG1(DBG_LIB, "SCEP: reply is not a CertRep");
		err = GETCERT_ERR_PROTOCOL;
		goto out;
	}
	if (!cms->get_attribute(cms, OID_PKI_TRANS_ID, ASN1_PRINTABLESTRING,
							&value) || !chunk_equals(value, req->transid))
	{
		DBG1(DBG_LIB, "SCEP: CertRep transactionID '%.*s' is not ours",
			 (int)min(value.len, 64), value.ptr);
		err = GETCERT_ERR_TRANSACTION;
		goto out;
	}
	if (!cms->get_attribute(cms, OID_PKI_RECIPIENT_NONCE, ASN1_OCTET_STRING,
							&value) || !chunk_equals_const(value, req->nonce))
	{
		DBG1(DBG_LIB, "SCEP: CertRep recipientNonce is not our senderNonce");
		err = GETCERT_ERR_NONCE;
		goto out;
	}
	if (!cms->get_attribute(cms, OID_PKI_SENDER_NONCE, ASN1_OCTET_STRING,
							&value) || value.len < 8)
	{
		DBG1(DBG_LIB, "SCEP: CertRep senderNonce missing");
		err = GETCERT_ERR_PROTOCOL;
		goto out;
	}
	if (!get_number(cms, OID_PKI_STATUS, &num) ||
		(num != GETCERT_SCEP_SUCCESS && num != GETCERT_SCEP_FAILURE &&
		 num != GETCERT_SCEP_PENDING))
	{
		DBG1(DBG_LIB, "SCEP: CertRep pkiStatus missing or unknown");
		err = GETCERT_ERR_PROTOCOL;
		goto out;
	}
	reply->status = num;
	switch (reply->status)
	{
		case GETCERT_SCEP_FAILURE:
			if (cms->get_attribute(cms, OID_PKI_FAIL_INFO,
								   ASN1_PRINTABLESTRING, &value))
			{
				if (!get_number(cms, OID_PKI_FAIL_INFO, &num) ||
					num > GETCERT_SCEP_BAD_CERT_ID)
				{
					DBG1(DBG_LIB, "SCEP: CertRep failInfo unknown");
					err = GETCERT_ERR_PROTOCOL;
					goto out;
				}
				reply->fail = num;
			}
			break;
		case GETCERT_SCEP_PENDING:
			break;
		case GETCERT_SCEP_SUCCESS:
			if (!cms->get_content(cms).len)
			{
				DBG1(DBG_LIB, "SCEP: CertRep SUCCESS without envelope");
				err = GETCERT_ERR_ENVELOPE;
				goto out;
			}
			err = getcert_cms_decrypt(cms->get_content(cms), req->signer,
								req->key, req->reply_weak, chunk_empty,
								&reply->data);
			if (err != GETCERT_OK)
			{
				err = err == GETCERT_ERR_POLICY ? err : GETCERT_ERR_ENVELOPE;
				goto out;
			}
			break;
	}
out:
	cms->destroy(cms);
	return err;
}

/*
 * Described in header
 */
getcert_err_t getcert_scep_parse_request(chunk_t blob, certificate_t *cert,
								 private_key_t *key, bool allow_weak,
								 chunk_t secret, getcert_scep_request_t *req)
{
	enumerator_t *enumerator;
	linked_list_t *candidates;
	certificate_t *signer = NULL, *c;
	getcert_cms_t *cms;
	getcert_err_t err = GETCERT_OK;
	chunk_t value;
	u_int weak;
	int num;

	*req = (getcert_scep_request_t){};
	cms = getcert_cms_parse(blob);
	if (!cms)
	{
		return GETCERT_ERR_MALFORMED;
	}
	candidates = linked_list_create();
	enumerator = cms->create_cert_enumerator(cms);
	while (enumerator->enumerate(enumerator, &c))
	{
		candidates->insert_last(candidates, c);
	}
	enumerator->destroy(enumerator);
	if (!cms->verify(cms, candidates, &signer))
	{
		err = GETCERT_ERR_SIGNATURE;
		goto out;
	}
	if (!get_number(cms, OID_PKI_MESSAGE_TYPE, &num) ||
		(num != GETCERT_SCEP_PKCS_REQ && num != GETCERT_SCEP_RENEWAL_REQ &&
		 num != GETCERT_SCEP_CERT_POLL && num != GETCERT_SCEP_GET_CERT &&
		 num != GETCERT_SCEP_GET_CRL))
	{
		DBG1(DBG_LIB, "SCEP: request messageType missing or unknown");
		err = GETCERT_ERR_PROTOCOL;
		goto out;
	}
	req->type = num;
	if (!cms->get_attribute(cms, OID_PKI_TRANS_ID, ASN1_PRINTABLESTRING,
							&value) || !value.len || value.len > 128)
	{
		DBG1(DBG_LIB, "SCEP: request transactionID missing or invalid");
		err = GETCERT_ERR_PROTOCOL;
		goto out;
	}
	req->transid = chunk_clone(value);
	if (!cms->get_attribute(cms, OID_PKI_SENDER_NONCE, ASN1_OCTET_STRING,
							&value) || value.len < 8 || value.len > 64)
	{
		DBG1(DBG_LIB, "SCEP: request senderNonce missing or invalid");
		err = GETCERT_ERR_PROTOCOL;
		goto out;
	}
	req->nonce = chunk_clone(value);
	req->signer = signer->get_ref(signer);
	weak = allow_weak ? GETCERT_CMS_ALLOW_DES3 | GETCERT_CMS_ALLOW_DES
					  : GETCERT_CMS_AES_ONLY;
	err = getcert_cms_decrypt(cms->get_content(cms), cert, key, weak,
							  secret, &req->data);

out:
	candidates->destroy(candidates);
	cms->destroy(cms);
	if (err != GETCERT_OK && err != GETCERT_ERR_DECRYPT)
	{
		getcert_scep_request_clear(req);
	}
	return err;
}

/*
 * Described in header
 */
void getcert_scep_request_clear(getcert_scep_request_t *req)
{
	chunk_clear(&req->data);
	chunk_free(&req->transid);
	chunk_free(&req->nonce);
	DESTROY_IF(req->signer);
	*req = (getcert_scep_request_t){};
}

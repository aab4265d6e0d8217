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

#include "getcert_test_ca.h"
#include "getcert_test_certs.h"

#include <time.h>
#include <limits.h>

#include <getcert_cms_signed.h>
#include <getcert_cms_enveloped.h>
#include <getcert_x509.h>
#include <getcert_keypkg.h>

#include <asn1/asn1.h>
#include <asn1/oid.h>
#include <collections/linked_list.h>
#include <credentials/certificates/pkcs10.h>
#include <credentials/certificates/x509.h>

typedef struct private_gt_ca_t private_gt_ca_t;

/**
 * Private data of the test CA.
 */
struct private_gt_ca_t {

	/**
	 * Public interface.
	 */
	gt_ca_t public;

	/**
	 * GetCACaps reply.
	 */
	char *caps;

	/**
	 * Another CA, for misbehaviour.
	 */
	certificate_t *other;
	private_key_t *other_key;

	/**
	 * The pending request's CSR.
	 */
	certificate_t *pending_csr;

	/**
	 * The last certificate issued.
	 */
	certificate_t *issued;

	/**
	 * Serial of the next certificate.
	 */
	u_char serial;

	/**
	 * notBefore of the last certificate issued; each new one starts later,
	 * as with a real CA, even within the same second.
	 */
	time_t last_nb;

	/**
	 * Requests captured so far.
	 */
	int captured;
};

/**
 * Issue a certificate for a CSR
 */
static certificate_t *issue_for(private_gt_ca_t *this, certificate_t *csr,
								public_key_t *key_to_certify)
{
	pkcs10_t *req = (pkcs10_t*)csr;
	enumerator_t *enumerator;
	identification_t *id, *subject;
	certificate_t *cert, *issuer = this->public.ca;
	private_key_t *key = this->public.key, *other_key = NULL;
	public_key_t *public;
	linked_list_t *sans;
	time_t now = time(NULL), nb = now - 60, na = now + 600;
	gt_ca_mode_t mode = this->public.mode;
	chunk_t serial = chunk_from_thing(this->serial);

	this->serial++;
	public = key_to_certify ? key_to_certify->get_ref(key_to_certify)
							: csr->get_public_key(csr);
	subject = csr->get_subject(csr)->clone(csr->get_subject(csr));
	sans = linked_list_create();
	enumerator = req->create_subjectAltName_enumerator(req);
	while (enumerator->enumerate(enumerator, &id))
	{
		sans->insert_last(sans, id->clone(id));
	}
	enumerator->destroy(enumerator);

	switch (mode)
	{
		case GT_CA_WRONG_KEY:
			other_key = gt_rsa_key(1024);
			public->destroy(public);
			public = other_key->get_public_key(other_key);
			break;
		case GT_CA_WRONG_IDENTITY:
			subject->destroy(subject);
			subject = identification_create_from_string("CN=mallory");
			sans->destroy_offset(sans, offsetof(identification_t, destroy));
			sans = linked_list_create();
			break;
		case GT_CA_WRONG_CHAIN:
			issuer = this->other;
			key = this->other_key;
			break;
		case GT_CA_EXPIRED:
			nb = now - 7200;
			na = now - 3600;
			break;
		case GT_CA_FUTURE:
			nb = now + 1800;
			na = now + 7200;
			break;
		case GT_CA_OLDER:
			nb = this->last_nb - 60;
			break;
		default:
			nb = max(nb, this->last_nb + 1);
			break;
	}
	this->last_nb = nb;
	/* an EKU that excludes IKE: OCSPSigning only */
	cert = lib->creds->create(lib->creds, CRED_CERTIFICATE, CERT_X509,
				BUILD_SIGNING_KEY, key, BUILD_SIGNING_CERT, issuer,
				BUILD_PUBLIC_KEY, public, BUILD_SUBJECT, subject,
				BUILD_SUBJECT_ALTNAMES, sans, BUILD_SERIAL, serial,
				BUILD_X509_FLAG, mode == GT_CA_WRONG_EKU ? X509_OCSP_SIGNER
														 : X509_CLIENT_AUTH,
				BUILD_NOT_BEFORE_TIME, nb, BUILD_NOT_AFTER_TIME, na,
				BUILD_END);
	sans->destroy_offset(sans, offsetof(identification_t, destroy));
	subject->destroy(subject);
	public->destroy(public);
	DESTROY_IF(other_key);
	DESTROY_IF(this->issued);
	this->issued = cert ? cert->get_ref(cert) : NULL;
	return cert;
}

/**
 * Issue a certificate for the key of a CSR
 */
static certificate_t *issue(private_gt_ca_t *this, certificate_t *csr)
{
	return issue_for(this, csr, NULL);
}

/**
 * Certificate and key that sign replies and decrypt requests
 */
static certificate_t *signer_cert(private_gt_ca_t *this)
{
	return this->public.use_ra ? this->public.ra : this->public.ca;
}

static private_key_t *signer_key(private_gt_ca_t *this)
{
	return this->public.use_ra ? this->public.ra_key : this->public.key;
}

/**
 * Build a certs-only reply around a certificate and sign the CertRep
 */
static chunk_t success(private_gt_ca_t *this, getcert_scep_request_t *req,
					   certificate_t *cert, chunk_t crl)
{
	linked_list_t *list;
	chunk_t data, envelope, msg;

	list = linked_list_create();
	if (cert)
	{
		list->insert_last(list, cert);
	}
	data = getcert_cms_build_degenerate(list, crl);
	list->destroy(list);
	switch (this->public.mode)
	{
		case GT_CA_NO_ENVELOPE:
			envelope = chunk_empty;
			break;
		case GT_CA_EMPTY_ENVELOPE:
			envelope = asn1_wrap(ASN1_SEQUENCE, "mm",
				asn1_build_known_oid(OID_PKCS7_ENVELOPED_DATA),
				asn1_wrap(ASN1_CONTEXT_C_0, "m",
					asn1_wrap(ASN1_SEQUENCE, "cmm",
						ASN1_INTEGER_0,
						asn1_wrap(ASN1_SET, ""),
						asn1_wrap(ASN1_SEQUENCE, "mm",
							asn1_build_known_oid(OID_PKCS7_DATA),
							asn1_wrap(ASN1_SEQUENCE, "mm",
								asn1_build_known_oid(OID_AES128_CBC),
								asn1_wrap(ASN1_OCTET_STRING, "c",
									chunk_from_chars(0,1,2,3,4,5,6,7,8,9,
											10,11,12,13,14,15)))))));
			break;
		default:
			envelope = getcert_cms_build_enveloped(data, req->signer,
						this->public.reply_enc ?: ENCR_AES_CBC,
						this->public.reply_enc == ENCR_DES ? 64 :
						this->public.reply_enc == ENCR_3DES ? 192 : 128);
			break;
	}
	chunk_free(&data);
	msg = getcert_scep_sign_certrep(req, GETCERT_SCEP_SUCCESS,
									GETCERT_SCEP_FAIL_NONE, envelope,
									signer_cert(this), signer_key(this),
									this->public.reply_sha1 ? HASH_SHA1
															: HASH_SHA256,
									this->public.rsa_oid);
	chunk_free(&envelope);
	return msg;
}

/**
 * Reply with arbitrary messageType/pkiStatus attributes
 */
static chunk_t odd_reply(private_gt_ca_t *this, getcert_scep_request_t *req,
						 char *type, char *status)
{
	chunk_t attrs, msg, a[5];

	/* chunk_cat() evaluates its arguments twice, build them first */
	a[0] = getcert_cms_attribute(OID_PKI_MESSAGE_TYPE,
			asn1_wrap(ASN1_PRINTABLESTRING, "c", chunk_from_str(type)));
	a[1] = getcert_cms_attribute(OID_PKI_STATUS,
			asn1_wrap(ASN1_PRINTABLESTRING, "c", chunk_from_str(status)));
	a[2] = getcert_cms_attribute(OID_PKI_TRANS_ID,
			asn1_wrap(ASN1_PRINTABLESTRING, "c", req->transid));
	a[3] = getcert_cms_attribute(OID_PKI_SENDER_NONCE,
			asn1_wrap(ASN1_OCTET_STRING, "c", req->nonce));
	a[4] = getcert_cms_attribute(OID_PKI_RECIPIENT_NONCE,
			asn1_wrap(ASN1_OCTET_STRING, "c", req->nonce));
	attrs = chunk_cat("mmmmm", a[0], a[1], a[2], a[3], a[4]);
	msg = getcert_cms_build_signed(chunk_empty, attrs, this->public.ca,
								   this->public.key, HASH_SHA256, FALSE);
	chunk_free(&attrs);
	return msg;
}

/**
 * Make a CRL
 */
static chunk_t make_crl(private_gt_ca_t *this)
{
	certificate_t *crl;
	time_t now = time(NULL);
	chunk_t der = chunk_empty;

	crl = lib->creds->create(lib->creds, CRED_CERTIFICATE, CERT_X509_CRL,
					BUILD_SIGNING_KEY, this->public.key,
					BUILD_SIGNING_CERT, this->public.ca,
					BUILD_SERIAL, chunk_from_chars(0x01),
					BUILD_NOT_BEFORE_TIME, now,
					BUILD_NOT_AFTER_TIME, now + 3600, BUILD_END);
	if (crl)
	{
		crl->get_encoding(crl, CERT_ASN1_DER, &der);
		crl->destroy(crl);
	}
	return der;
}

/**
 * A nonce that is not the client's
 */
static u_char other_nonce[16] = {1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16};

/**
 * Keep a request, its content and a self-signed signer in files
 */
static void capture(private_gt_ca_t *this, chunk_t msg,
					getcert_scep_request_t *req)
{
	char path[PATH_MAX], *dir = this->public.capture;
	chunk_t der;
	int n;

	n = ++this->captured;
	if (n == 1 && signer_key(this)->get_encoding(signer_key(this),
												 PRIVKEY_ASN1_DER, &der))
	{	/* the recipient's key, to decrypt the requests independently */
		snprintf(path, sizeof(path), "%s/recipient-key.der", dir);
		chunk_write(der, path, 077, TRUE);
		chunk_clear(&der);
	}
	if (n == 1 && signer_cert(this)->get_encoding(signer_cert(this),
												  CERT_ASN1_DER, &der))
	{
		snprintf(path, sizeof(path), "%s/recipient.der", dir);
		chunk_write(der, path, 022, TRUE);
		chunk_free(&der);
	}
	snprintf(path, sizeof(path), "%s/%d-%d.der", dir, n, req->type);
	chunk_write(msg, path, 022, TRUE);
	snprintf(path, sizeof(path), "%s/%d-%d-content.der", dir, n, req->type);
	chunk_write(req->data, path, 022, TRUE);
	if (req->signer->issued_by(req->signer, req->signer, NULL) &&
		req->signer->get_encoding(req->signer, CERT_ASN1_DER, &der))
	{
		snprintf(path, sizeof(path), "%s/%d-%d-signer.der", dir, n,
				 req->type);
		chunk_write(der, path, 022, TRUE);
		chunk_free(&der);
	}
}

/**
 * Handle a PKIOperation
 */
static chunk_t pki_operation(private_gt_ca_t *this, chunk_t msg)
{
	getcert_scep_request_t req;
	certificate_t *csr = NULL, *cert;
	chunk_t value, reply = chunk_empty, crl, transid, nonce;
	pkcs10_t *pkcs10;
	int type;

	if (getcert_scep_parse_request(msg, signer_cert(this), signer_key(this),
								   TRUE, chunk_empty, &req) != GETCERT_OK)
	{
		return chunk_empty;
	}
	type = req.type;
	this->public.count[type & 31]++;
	if (this->public.capture)
	{
		capture(this, msg, &req);
	}
	DESTROY_IF(this->public.last_signer);
	this->public.last_signer = req.signer->get_ref(req.signer);
	transid = req.transid;
	nonce = req.nonce;
	if (type == GETCERT_SCEP_PKCS_REQ || type == GETCERT_SCEP_RENEWAL_REQ)
	{
		csr = lib->creds->create(lib->creds, CRED_CERTIFICATE,
								 CERT_PKCS10_REQUEST, BUILD_BLOB_ASN1_DER,
								 req.data, BUILD_END);
		if (!csr)
		{
			goto out;
		}
		pkcs10 = (pkcs10_t*)csr;
		value = pkcs10->get_challengePassword(pkcs10);
		free(this->public.last_challenge);
		this->public.last_challenge = value.len ?
								strndup(value.ptr, value.len) : NULL;
		DESTROY_IF(this->pending_csr);
		this->pending_csr = csr->get_ref(csr);
	}
	if (type == GETCERT_SCEP_GET_CRL)
	{
		crl = make_crl(this);
		reply = success(this, &req, NULL, crl);
		chunk_free(&crl);
		goto out;
	}
	if (type == GETCERT_SCEP_GET_CERT)
	{
		reply = success(this, &req, this->issued, chunk_empty);
		goto out;
	}
	switch (this->public.mode)
	{
		case GT_CA_FAIL:
			reply =
				getcert_scep_build_certrep(&req, GETCERT_SCEP_FAILURE,
										   this->public.fail, chunk_empty,
										   ENCR_AES_CBC, 128, signer_cert(this),
										   signer_key(this), HASH_SHA256,
										   FALSE);
			goto out;
		case GT_CA_REJECT_RENEWAL:
			if (type == GETCERT_SCEP_RENEWAL_REQ)
			{
				reply = getcert_scep_build_certrep(&req, GETCERT_SCEP_FAILURE,
												   GETCERT_SCEP_BAD_REQUEST,
												   chunk_empty, ENCR_AES_CBC,
												   128, this->public.ca,
												   this->public.key,
												   HASH_SHA256, FALSE);
				goto out;
			}
			break;
		case GT_CA_WRONG_SIGNER:
			reply = getcert_scep_build_certrep(&req, GETCERT_SCEP_FAILURE,
											   GETCERT_SCEP_BAD_REQUEST,
											   chunk_empty, ENCR_AES_CBC, 128,
											   this->other, this->other_key,
											   HASH_SHA256, FALSE);
			goto out;
		case GT_CA_WRONG_TRANSID:
			req.transid = chunk_from_str("0123456789");
			break;
		case GT_CA_WRONG_NONCE:
			req.nonce = chunk_from_thing(other_nonce);
			break;
		case GT_CA_NOT_CERTREP:
			reply = odd_reply(this, &req, "19", "0");
			goto out;
		case GT_CA_BAD_STATUS:
			reply = odd_reply(this, &req, "3", "7");
			goto out;
		case GT_CA_GARBAGE:
			reply = chunk_clone(chunk_from_chars(0x30,0x03,0x02,0x01,0x00));
			goto out;
		default:
			break;
	}
	if (this->public.pending > 0)
	{
		this->public.pending--;
		reply =
			getcert_scep_build_certrep(&req, GETCERT_SCEP_PENDING,
									   GETCERT_SCEP_FAIL_NONE, chunk_empty,
									   ENCR_AES_CBC, 128, signer_cert(this),
									   signer_key(this), HASH_SHA256, FALSE);
		goto out;
	}
	if (!this->pending_csr)
	{
		goto out;
	}
	if (this->public.mode == GT_CA_REISSUE_LAST && this->issued)
	{
		reply = success(this, &req, this->issued, chunk_empty);
		goto out;
	}
	cert = issue(this, this->pending_csr);
	if (cert)
	{
		reply = success(this, &req, cert, chunk_empty);
		cert->destroy(cert);
	}

out:
	DESTROY_IF(csr);
	/* the misbehaviour modes may have pointed these elsewhere */
	req.transid = transid;
	req.nonce = nonce;
	getcert_scep_request_clear(&req);
	return reply;
}

/**
 * http_auth: a request that needs a password; without credentials the
 * server's 401 and the transport's answer cost a request more
 */
static void http_auth(private_gt_ca_t *this)
{
	if (this->public.http_auth && !this->public.credentials)
	{
		this->public.requests++;
		this->public.auth_401s++;
		this->public.credentials = TRUE;
	}
}

METHOD(getcert_transport_t, preauth, bool,
	private_gt_ca_t *this)
{
	if (!this->public.http_auth || this->public.unauthenticated)
	{
		return FALSE;
	}
	if (!this->public.credentials)
	{
		this->public.preauths++;
		this->public.credentials = TRUE;
	}
	return TRUE;
}

METHOD(getcert_transport_t, request, getcert_err_t,
	private_gt_ca_t *this, char *operation, chunk_t message, bool post,
	chunk_t *body, char **type)
{
	int pkcsreqs;

	this->public.requests++;
	this->public.posts += post;
	if (type)
	{
		*type = NULL;
	}
	if (streq(operation, "GetCACaps"))
	{
		*body = chunk_clone(chunk_from_str(this->caps));
		return GETCERT_OK;
	}
	if (streq(operation, "GetCACert") &&
		(this->public.use_ra || this->public.extra))
	{
		linked_list_t *list;

		if (type)
		{
			*type = strdup("application/x-x509-ca-ra-cert");
		}
		list = linked_list_create_with_items(this->public.ca, NULL);
		if (this->public.use_ra)
		{
			list->insert_last(list, this->public.ra);
		}
		if (this->public.extra)
		{
			list->insert_last(list, this->public.extra);
		}
		*body = getcert_cms_build_certs_only(list);
		list->destroy(list);
		return GETCERT_OK;
	}
	if (streq(operation, "GetCACert"))
	{
		if (type)
		{
			*type = strdup("application/x-x509-ca-cert");
		}
		return this->public.ca->get_encoding(this->public.ca, CERT_ASN1_DER,
											 body) ? GETCERT_OK
												   : GETCERT_ERR_INTERNAL;
	}
	if (streq(operation, "PKIOperation"))
	{
		pkcsreqs = this->public.count[GETCERT_SCEP_PKCS_REQ];
		*body = pki_operation(this, message);
		if (this->public.count[GETCERT_SCEP_PKCS_REQ] > pkcsreqs &&
			this->public.last_signer && this->public.last_signer->issued_by(
					this->public.last_signer, this->public.last_signer, NULL))
		{	/* self-signed: a first enrollment, authenticated by password */
			http_auth(this);
		}
		if (type)
		{
			*type = strdup("application/x-pki-message");
		}
		return body->len ? GETCERT_OK : GETCERT_ERR_HTTP;
	}
	return GETCERT_ERR_HTTP;
}

/**
 * Encode an EST reply body: base64 (with line breaks), or DER
 */
static chunk_t est_body(private_gt_ca_t *this, chunk_t der)
{
	chunk_t b64, out;
	int line = this->public.est_line, i, n;

	if (this->public.est_binary)
	{
		return der;
	}
	b64 = chunk_to_base64(der, NULL);
	chunk_free(&der);
	if (!line)
	{
		return b64;
	}
	out = chunk_alloc(b64.len + 2 * (b64.len / line + 1));
	for (i = 0, n = 0; i < b64.len; i++)
	{
		out.ptr[n++] = b64.ptr[i];
		if ((i + 1) % line == 0)
		{
			out.ptr[n++] = '\r';
			out.ptr[n++] = '\n';
		}
	}
	out.len = n;
	chunk_free(&b64);
	return out;
}

/**
 * Certs-only reply with the given certificates
 */
static chunk_t est_certs(private_gt_ca_t *this, certificate_t *a,
						 certificate_t *b)
{
	linked_list_t *list;
	chunk_t der;

	list = linked_list_create_with_items(a, NULL);
	if (b)
	{
		list->insert_last(list, b);
	}
	der = getcert_cms_build_certs_only(list);
	list->destroy(list);
	return est_body(this, der);
}

/**
 * Answer simpleenroll/simplereenroll
 */
static getcert_err_t est_enroll(private_gt_ca_t *this, chunk_t message,
								getcert_http_reply_t *reply)
{
	certificate_t *csr, *cert;
	chunk_t der;

	if (this->public.est_pending > 0)
	{
		this->public.est_pending--;
		reply->status = 202;
		reply->retry_after = this->public.est_retry_after;
		return GETCERT_OK;
	}
	der = chunk_from_base64(message, NULL);
	chunk_free(&this->public.est_last_csr);
	this->public.est_last_csr = der;
	csr = lib->creds->create(lib->creds, CRED_CERTIFICATE, CERT_PKCS10_REQUEST,
							 BUILD_BLOB_ASN1_DER, der, BUILD_END);
	if (!csr || !csr->issued_by(csr, csr, NULL))
	{
		DESTROY_IF(csr);
		return GETCERT_ERR_HTTP;
	}
	if (this->public.mode == GT_CA_GARBAGE)
	{
		csr->destroy(csr);
		reply->status = 200;
		reply->body = chunk_clone(chunk_from_str("this is not base64!"));
		return GETCERT_OK;
	}
	if (this->public.mode == GT_CA_REISSUE_LAST && this->issued)
	{
		cert = this->issued->get_ref(this->issued);
	}
	else
	{
		cert = issue(this, csr);
	}
	csr->destroy(csr);
	if (!cert)
	{
		return GETCERT_ERR_HTTP;
	}
	reply->status = 200;
	reply->type = strdup("application/pkcs7-mime; smime-type=certs-only");
	reply->body = est_certs(this, cert, this->public.ca);
	cert->destroy(cert);
	return GETCERT_OK;
}

/**
 * AsymmetricDecryptKeyIdentifier attribute type and its SET { OCTET
 * STRING (20) } header
 */
static u_char adki_attr[] = {
	0x06,0x0b,0x2a,0x86,0x48,0x86,0xf7,0x0d,0x01,0x09,0x10,0x02,0x36,
	0x31,0x16,0x04,0x14,
};

/**
 * Find the AsymmetricDecryptKeyIdentifier in a CSR
 */
static chunk_t csr_key_id(chunk_t der)
{
	size_t i;

	for (i = 0; i + sizeof(adki_attr) + 20 <= der.len; i++)
	{
		if (memeq(der.ptr + i, adki_attr, sizeof(adki_attr)))
		{
			return chunk_clone(chunk_create(der.ptr + i + sizeof(adki_attr),
											20));
		}
	}
	return chunk_empty;
}

/**
 * An EnvelopedData of an AsymmetricKeyPackage without signature: bare, or
 * in a SignedData without SignerInfo; encrypted to a key named by its
 * subjectKeyIdentifier
 */
static chunk_t unsigned_package(private_key_t *key, public_key_t *recipient,
								chunk_t id, bool signed_data)
{
	chunk_t pkg, cek, enc, ktri, out = chunk_empty;
	rng_t *rng;

	pkg = getcert_keypkg_build(key);
	if (signed_data)
	{	/* id-ct-KP-aKeyPackage, 2.16.840.1.101.2.1.2.78.5 */
		pkg = asn1_wrap(ASN1_SEQUENCE, "mm",
				asn1_build_known_oid(OID_PKCS7_SIGNED_DATA),
				asn1_wrap(ASN1_CONTEXT_C_0, "m",
					asn1_wrap(ASN1_SEQUENCE, "mmmm",
						asn1_integer("c", chunk_from_chars(0x03)),
						asn1_wrap(ASN1_SET, ""),
						asn1_wrap(ASN1_SEQUENCE, "mm",
							asn1_simple_object(ASN1_OID, chunk_from_chars(
								0x60,0x86,0x48,0x01,0x65,0x02,0x01,0x02,
								0x4e,0x05)),
							asn1_wrap(ASN1_CONTEXT_C_0, "m",
								asn1_wrap(ASN1_OCTET_STRING, "s", pkg))),
						asn1_wrap(ASN1_SET, ""))));
	}
	rng = lib->crypto->create_rng(lib->crypto, RNG_STRONG);
	if (!rng || !rng->allocate_bytes(rng, 16, &cek))
	{
		DESTROY_IF(rng);
		chunk_clear(&pkg);
		return chunk_empty;
	}
	rng->destroy(rng);
	if (recipient->encrypt(recipient, ENCRYPT_RSA_PKCS1, NULL, cek, &enc))
	{
		ktri = asn1_wrap(ASN1_SEQUENCE, "mmmm",
						 asn1_integer("c", chunk_from_chars(0x02)),
						 asn1_wrap(ASN1_CONTEXT_S_0, "c", id),
						 asn1_algorithmIdentifier(OID_RSA_ENCRYPTION),
						 asn1_wrap(ASN1_OCTET_STRING, "m", enc));
		out = getcert_cms_build_enveloped_with(pkg, ENCR_AES_CBC, 128, cek,
											   ktri, TRUE);
		chunk_free(&ktri);
	}
	chunk_clear(&cek);
	chunk_clear(&pkg);
	return out;
}

/**
 * The PrivateKeyInfo of a key (the OneAsymmetricKey v1 of its package)
 */
static chunk_t pkcs8(private_key_t *key)
{
	chunk_t pkg, blob, inner, out = chunk_empty;

	pkg = getcert_keypkg_build(key);
	blob = pkg;
	if (asn1_unwrap(&blob, &inner) == ASN1_SEQUENCE)
	{
		out = chunk_clone(inner);
	}
	chunk_clear(&pkg);
	return out;
}

/**
 * Append one part to a multipart body
 */
static chunk_t add_part(chunk_t body, char *type, chunk_t der, bool bare)
{
	chunk_t b64, head;
	char buf[256];

	if (bare)
	{
		snprintf(buf, sizeof(buf), "--skg-boundary\r\nContent-Type: %s\r\n\r\n",
				 type);
	}
	else
	{
		snprintf(buf, sizeof(buf), "--skg-boundary\r\nContent-Type: %s\r\n"
				 "Content-Transfer-Encoding: base64\r\n\r\n", type);
	}
	head = chunk_from_str(buf);
	b64 = chunk_to_base64(der, NULL);
	body = chunk_cat("mccc", body, head, b64, chunk_from_str("\r\n"));
	chunk_clear(&b64);
	return body;
}

/**
 * Answer serverkeygen
 */
static getcert_err_t est_keygen(private_gt_ca_t *this, chunk_t message,
								getcert_http_reply_t *reply)
{
	gt_keygen_t mode = this->public.est_keygen;
	certificate_t *csr, *cert;
	private_key_t *key, *other = NULL;
	public_key_t *public, *recipient;
	linked_list_t *list;
	chunk_t der, id, keypart = chunk_empty, certs, body = chunk_empty;
	char *keytype = "application/pkcs7-mime; smime-type=server-generated-key";
	char *certtype = "application/pkcs7-mime; smime-type=certs-only";
	key_type_t type = this->public.est_keygen_type ?: KEY_ECDSA;
	u_int bits = this->public.est_keygen_bits;
	bool bare = mode == GT_KEYGEN_BARE_TYPES;

	if (this->public.est_pending > 0)
	{
		this->public.est_pending--;
		reply->status = 202;
		reply->retry_after = this->public.est_retry_after;
		return GETCERT_OK;
	}
	der = chunk_from_base64(message, NULL);
	chunk_free(&this->public.est_last_csr);
	this->public.est_last_csr = der;
	csr = lib->creds->create(lib->creds, CRED_CERTIFICATE, CERT_PKCS10_REQUEST,
							 BUILD_BLOB_ASN1_DER, der, BUILD_END);
	if (!csr || !csr->issued_by(csr, csr, NULL))
	{
		DESTROY_IF(csr);
		return GETCERT_ERR_HTTP;
	}
	recipient = csr->get_public_key(csr);
	chunk_free(&this->public.est_keygen_key_id);
	this->public.est_keygen_key_id = csr_key_id(der);
	this->public.est_keygen_key_id_ok = FALSE;
	if (this->public.est_keygen_key_id.len &&
		getcert_keypkg_key_id(recipient, &id))
	{
		this->public.est_keygen_key_id_ok =
				chunk_equals(id, this->public.est_keygen_key_id);
		chunk_free(&id);
	}
	if (!bits)
	{
		bits = type == KEY_RSA ? 2048 : type == KEY_ECDSA ? 256 : 0;
	}
	key = lib->creds->create(lib->creds, CRED_PRIVATE_KEY, type,
							 BUILD_KEY_SIZE, bits, BUILD_END);
	public = key ? key->get_public_key(key) : NULL;
	cert = public ? issue_for(this, csr, public) : NULL;
	csr->destroy(csr);
	DESTROY_IF(public);
	DESTROY_IF(this->public.est_keygen_key);
	this->public.est_keygen_key = key;
	if (!cert)
	{
		recipient->destroy(recipient);
		return GETCERT_ERR_HTTP;
	}
	if (mode == GT_KEYGEN_OTHER_KEY)
	{
		other = lib->creds->create(lib->creds, CRED_PRIVATE_KEY, type,
								   BUILD_KEY_SIZE, bits, BUILD_END);
		key = other;
	}
	id = this->public.est_keygen_key_id;
	if (mode == GT_KEYGEN_PLAIN || !id.len)
	{
		keytype = "application/pkcs8";
		keypart = pkcs8(key);
	}
	else if (mode == GT_KEYGEN_UNSIGNED)
	{
		keypart = unsigned_package(key, recipient, id, FALSE);
	}
	else if (mode == GT_KEYGEN_NO_SIGNER)
	{
		keypart = unsigned_package(key, recipient, id, TRUE);
	}
	else if (mode == GT_KEYGEN_WRONG_SIGNER)
	{
		keypart = getcert_keypkg_protect(key, this->other, this->other_key,
										 recipient, id);
	}
	else
	{
		keypart = getcert_keypkg_protect(key, signer_cert(this),
										 signer_key(this), recipient, id);
	}
	DESTROY_IF(other);
	recipient->destroy(recipient);
	list = linked_list_create_with_items(cert, this->public.ca, NULL);
	certs = getcert_cms_build_certs_only(list);
	list->destroy(list);
	cert->destroy(cert);
	if (!keypart.len || !certs.len)
	{
		chunk_clear(&keypart);
		chunk_free(&certs);
		return GETCERT_ERR_HTTP;
	}
	if (bare)
	{
		keytype = streq(keytype, "application/pkcs8") ? keytype
													: "application/pkcs7-mime";
		certtype = "application/pkcs7-mime";
	}
	body = chunk_clone(chunk_from_str("preamble\r\n"));
	if (mode == GT_KEYGEN_CERTS_FIRST)
	{
		body = add_part(body, certtype, certs, bare);
		body = add_part(body, keytype, keypart, bare);
	}
	else
	{
		body = add_part(body, keytype, keypart, bare);
		if (mode == GT_KEYGEN_TWO_KEYS)
		{
			body = add_part(body, keytype, keypart, bare);
		}
		if (mode != GT_KEYGEN_NO_CERTS)
		{
			body = add_part(body, certtype, certs, bare);
		}
		if (mode == GT_KEYGEN_EXTRA_PART)
		{
			body = add_part(body, "text/plain", chunk_from_str("hello"), bare);
		}
	}
	if (mode != GT_KEYGEN_UNTERMINATED)
	{
		body = chunk_cat("mc", body, chunk_from_str("--skg-boundary--\r\n"));
	}
	chunk_clear(&keypart);
	chunk_free(&certs);
	reply->status = 200;
	reply->type = strdup("multipart/mixed; boundary=skg-boundary");
	reply->body = body;
	return GETCERT_OK;
}

METHOD(getcert_transport_t, est_request, getcert_err_t,
	private_gt_ca_t *this, char *operation, char *content_type,
	chunk_t message, getcert_http_reply_t *reply)
{
	getcert_err_t err = GETCERT_OK;

	*reply = (getcert_http_reply_t){};
	this->public.requests++;
	this->public.posts += content_type != NULL;
	if (streq(operation, "cacerts") && !content_type)
	{
		this->public.est_count[0]++;
		reply->status = 200;
		reply->type = strdup("application/pkcs7-mime");
		reply->body = est_certs(this, this->public.est_wrong_ca ? this->other
													: this->public.ca,
						this->public.est_ra_in_cacerts ? this->public.ra : NULL);
	}
	else if (streq(operation, "csrattrs") && !content_type)
	{
		this->public.est_count[1]++;
		reply->status = this->public.est_csrattrs.len ? 200 : 204;
		if (this->public.est_csrattrs.len)
		{
			reply->type = strdup("application/csrattrs");
			reply->body = est_body(this,
								   chunk_clone(this->public.est_csrattrs));
		}
	}
	else if (streq(operation, "simpleenroll") && content_type &&
			 streq(content_type, "application/pkcs10"))
	{
		this->public.est_count[2]++;
		http_auth(this);
		err = est_enroll(this, message, reply);
	}
	else if (streq(operation, "simplereenroll") && content_type &&
			 streq(content_type, "application/pkcs10"))
	{
		this->public.est_count[3]++;
		if (!this->public.est_client)
		{	/* a server would answer 401 */
			return GETCERT_ERR_AUTH;
		}
		DESTROY_IF(this->public.est_reenroll_client);
		this->public.est_reenroll_client =
				this->public.est_client->get_ref(this->public.est_client);
		err = est_enroll(this, message, reply);
	}
	else if (streq(operation, "serverkeygen") && content_type &&
			 streq(content_type, "application/pkcs10"))
	{
		this->public.est_count[4]++;
		if (!this->public.est_client)
		{
			http_auth(this);
		}
		err = est_keygen(this, message, reply);
	}
	else
	{
		err = GETCERT_ERR_HTTP;
	}
	if (err == GETCERT_OK && this->public.est_max_size &&
		reply->body.len > this->public.est_max_size)
	{
		getcert_http_reply_clear(reply);
		err = GETCERT_ERR_TOO_LARGE;
	}
	if (err != GETCERT_OK)
	{
		getcert_http_reply_clear(reply);
	}
	return err;
}

METHOD(getcert_transport_t, set_client_auth, bool,
	private_gt_ca_t *this, certificate_t *cert, private_key_t *key)
{
	DESTROY_IF(this->public.est_client);
	this->public.est_client = cert ? cert->get_ref(cert) : NULL;
	return TRUE;
}

METHOD(gt_ca_t, destroy, void,
	private_gt_ca_t *this)
{
	DESTROY_IF(this->public.ca);
	DESTROY_IF(this->public.ra);
	DESTROY_IF(this->public.extra);
	DESTROY_IF(this->public.ra_key);
	DESTROY_IF(this->public.last_signer);
	DESTROY_IF(this->public.key);
	DESTROY_IF(this->other);
	DESTROY_IF(this->other_key);
	DESTROY_IF(this->pending_csr);
	DESTROY_IF(this->issued);
	free(this->public.last_challenge);
	DESTROY_IF(this->public.est_client);
	DESTROY_IF(this->public.est_reenroll_client);
	chunk_free(&this->public.est_csrattrs);
	chunk_free(&this->public.est_last_csr);
	chunk_free(&this->public.est_keygen_key_id);
	DESTROY_IF(this->public.est_keygen_key);
	free(this->caps);
	free(this);
}

METHOD(getcert_transport_t, is_authenticated, bool,
	private_gt_ca_t *this)
{
	return !this->public.unauthenticated;
}

METHOD(getcert_transport_t, trust_ca, bool,
	private_gt_ca_t *this, certificate_t *ca)
{
	this->public.trust_calls++;
	if (this->public.anchor_on_trust && this->public.unauthenticated)
	{
		this->public.unauthenticated = FALSE;
		return TRUE;
	}
	return FALSE;
}

METHOD(getcert_transport_t, transport_destroy, void,
	private_gt_ca_t *this)
{
	/* owned by the test, see destroy() */
}

/*
 * Described in header
 */
gt_ca_t *gt_ca_create(char *caps)
{
	private_gt_ca_t *this;

	INIT(this,
		.public = {
			.transport = {
				.request = _request,
				.est_request = _est_request,
				.set_client_auth = _set_client_auth,
				.preauth = _preauth,
				.is_authenticated = _is_authenticated,
				.trust_ca = _trust_ca,
				.destroy = _transport_destroy,
			},
			.destroy = _destroy,
		},
		.caps = strdup(caps),
		.other_key = gt_rsa_key(1024),
		.serial = 2,
	);
	this->public.key = gt_rsa_key(1024);
	this->public.ra_key = gt_rsa_key(1024);
	this->public.ca = gt_cert(this->public.key, "C=CH, O=getcert, "
							  "CN=Test SCEP CA", NULL, NULL, NULL, TRUE, 3600);
	this->public.ra = gt_cert_usage(this->public.ra_key, "C=CH, O=getcert, "
							  "CN=Test SCEP RA", this->public.key, this->public.ca,
							  GETCERT_KU_DIGITAL_SIGNATURE |
							  GETCERT_KU_KEY_ENCIPHERMENT, X509_NONE);
	this->other = gt_cert(this->other_key, "C=CH, O=getcert, CN=Test SCEP CA",
						  NULL, NULL, NULL, TRUE, 3600);
	return &this->public;
}

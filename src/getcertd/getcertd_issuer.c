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

#include "getcertd_issuer.h"

#include <time.h>

#include <getcert_serial.h>
#include <getcert_x509.h>
#include <getcert_keypkg.h>

#include <utils/debug.h>
#include <asn1/asn1.h>
#include <asn1/oid.h>
#include <credentials/certificates/x509.h>
#include <credentials/certificates/crl.h>

typedef struct private_getcertd_issuer_t private_getcertd_issuer_t;

/**
 * Private data of a getcertd_issuer_t object.
 */
struct private_getcertd_issuer_t {

	/**
	 * Public interface.
	 */
	getcertd_issuer_t public;

	/**
	 * CA certificate.
	 */
	certificate_t *ca;

	/**
	 * CA key.
	 */
	private_key_t *key;
};

/**
 * ipsecIKE (RFC 4945 5.1.3.12), unknown to strongSwan's OID table
 */
static const chunk_t oid_ipsec_ike = chunk_from_chars(
	0x06,0x08,0x2b,0x06,0x01,0x05,0x05,0x07,0x03,0x11);

/**
 * Build an Extension
 */
static chunk_t extension(int oid, bool critical, chunk_t value)
{
	return asn1_wrap(ASN1_SEQUENCE, "mcm", asn1_build_known_oid(oid),
					 critical ? chunk_from_chars(0x01,0x01,0xff) : chunk_empty,
					 asn1_wrap(ASN1_OCTET_STRING, "m", value));
}

/**
 * Encode a validity time
 */
static chunk_t validity_time(time_t t)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	return asn1_from_time(&t, tm.tm_year + 1900 < 2050 ? ASN1_UTCTIME
													   : ASN1_GENERALIZEDTIME);
}

/**
 * Signature algorithm of the CA key: SHA-256 with RSA, ECDSA with the hash
 * matching the curve (RFC 5480 4: SHA-384 for P-384, SHA-512 for P-521)
 */
static int signature_oid(private_getcertd_issuer_t *this)
{
	hash_algorithm_t hash = HASH_SHA256;

	if (this->key->get_type(this->key) == KEY_ECDSA)
	{
		switch (this->key->get_keysize(this->key))
		{
			case 384:
				hash = HASH_SHA384;
				break;
			case 521:
				hash = HASH_SHA512;
				break;
			default:
				break;
		}
	}
	return hasher_signature_algorithm_to_oid(hash,
											 this->key->get_type(this->key));
}

/**
 * AlgorithmIdentifier of a signature algorithm
 */
static chunk_t signature_alg(private_getcertd_issuer_t *this)
{
	if (this->key->get_type(this->key) == KEY_RSA)
	{
		return asn1_algorithmIdentifier(signature_oid(this));
	}
	return asn1_wrap(ASN1_SEQUENCE, "m",
					 asn1_build_known_oid(signature_oid(this)));
}

/**
 * The subject's SubjectPublicKeyInfo and its key identifier: the client's
 * encoding if it stands for the key, else encoded anew (the openssl
 * plugin's keys call OpenSSL 3's encoders for that, each encoding costing
 * a good part of the certificate)
 */
static bool subject_key(public_key_t *public, chunk_t spki_in, chunk_t *spki,
						chunk_t *keyid)
{
	chunk_t fp;

	if (spki_in.len && getcert_x509_spki_usable(spki_in, public) &&
		getcert_x509_spki_keyid(spki_in, keyid))
	{
		*spki = chunk_clone(spki_in);
		return TRUE;
	}
	if (!public->get_encoding(public, PUBKEY_SPKI_ASN1_DER, spki))
	{
		return FALSE;
	}
	if (!public->get_fingerprint(public, KEYID_PUBKEY_SHA1, &fp))
	{
		chunk_free(spki);
		return FALSE;
	}
	*keyid = chunk_clone(fp);
	return TRUE;
}

METHOD(getcertd_issuer_t, issue, certificate_t*,
	private_getcertd_issuer_t *this, public_key_t *public, chunk_t spki_in,
	identification_t *subject, linked_list_t *sans, time_t not_before,
	time_t not_after, u_int ekus)
{
	identification_t *issuer;
	certificate_t *cert;
	chunk_t names, spki, keyid, serial, tbs, sig, der;
	chunk_t exts, eku = chunk_empty, san = chunk_empty, ca_keyid;
	chunk_t bc, ku, ski, aki, client;
	x509_t *ca = (x509_t*)this->ca;

	if (!subject_key(public, spki_in, &spki, &keyid))
	{
		return NULL;
	}
	names = getcert_x509_general_names(sans);
	serial = getcert_serial_create();
	if (!serial.len)
	{
		chunk_free(&names);
		chunk_free(&spki);
		chunk_free(&keyid);
		return NULL;
	}
	if (names.len)
	{
		san = extension(OID_SUBJECT_ALT_NAME, FALSE, names);
	}
	if (ekus)
	{
		/* never serverAuth: no issued certificate is a TLS server's */
		client = (ekus & GETCERTD_EKU_CLIENT_AUTH) ?
						asn1_build_known_oid(OID_CLIENT_AUTH) : chunk_empty;
		eku = chunk_cat("mc", client,
			(ekus & GETCERTD_EKU_IPSEC_IKE) ? oid_ipsec_ike : chunk_empty);
		eku = extension(OID_EXTENDED_KEY_USAGE, FALSE,
						asn1_wrap(ASN1_SEQUENCE, "m", eku));
	}
	ca_keyid = ca->get_subjectKeyIdentifier(ca);
	bc = extension(OID_BASIC_CONSTRAINTS, TRUE, asn1_wrap(ASN1_SEQUENCE, ""));
	/* digitalSignature (bit 0): 7 unused bits, 0x80 */
	ku = extension(OID_KEY_USAGE, TRUE,
				asn1_wrap(ASN1_BIT_STRING, "c", chunk_from_chars(0x07,0x80)));
	ski = extension(OID_SUBJECT_KEY_ID, FALSE,
				asn1_wrap(ASN1_OCTET_STRING, "m", keyid));
	aki = extension(OID_AUTHORITY_KEY_ID, FALSE,
				asn1_wrap(ASN1_SEQUENCE, "m",
						  asn1_wrap(ASN1_CONTEXT_S_0, "c", ca_keyid)));
	exts = chunk_cat("mmmmmm", bc, ku, san, ski, aki, eku);

	issuer = this->ca->get_subject(this->ca);
	tbs = asn1_wrap(ASN1_SEQUENCE, "mmmcmcmm",
			asn1_wrap(ASN1_CONTEXT_C_0, "c", chunk_from_chars(0x02,0x01,0x02)),
			asn1_integer("m", serial),
			signature_alg(this),
			issuer->get_encoding(issuer),
			asn1_wrap(ASN1_SEQUENCE, "mm", validity_time(not_before),
					  validity_time(not_after)),
			subject->get_encoding(subject),
			spki,
			asn1_wrap(ASN1_CONTEXT_C_3, "m",
					  asn1_wrap(ASN1_SEQUENCE, "m", exts)));
	if (!this->key->sign(this->key, signature_scheme_from_oid(
							signature_oid(this)), NULL, tbs, &sig))
	{
		DBG1(DBG_LIB, "signing the certificate failed");
		chunk_free(&tbs);
		return NULL;
	}
	der = asn1_wrap(ASN1_SEQUENCE, "mmm", tbs, signature_alg(this),
					asn1_bitstring("m", sig));
	cert = lib->creds->create(lib->creds, CRED_CERTIFICATE, CERT_X509,
							  BUILD_BLOB_ASN1_DER, der, BUILD_END);
	chunk_free(&der);
	return cert;
}

/**
 * An INTEGER from an unsigned serial number, leading zeros removed
 */
static chunk_t serial_integer(chunk_t serial)
{
	while (serial.len > 1 && serial.ptr[0] == 0)
	{
		serial = chunk_skip(serial, 1);
	}
	return asn1_integer("c", serial);
}

/**
 * The CRL is encoded here: strongSwan's x509 plugin writes an empty
 * revokedCertificates SEQUENCE into a CRL without revocations, where
 * RFC 5280 5.1.2.6 wants the field absent. Entries carry no reasonCode
 * (unspecified, RFC 5280 5.3.1).
 */
METHOD(getcertd_issuer_t, issue_crl, certificate_t*,
	private_getcertd_issuer_t *this, linked_list_t *revoked, u_int number,
	u_int next_update)
{
	enumerator_t *enumerator;
	getcertd_revoked_t *entry;
	identification_t *issuer;
	x509_t *ca = (x509_t*)this->ca;
	time_t now = time(NULL);
	chunk_t list = chunk_empty, item, exts, akid, crl_number, tbs, sig, der;
	certificate_t *crl;

	enumerator = revoked->create_enumerator(revoked);
	while (enumerator->enumerate(enumerator, &entry))
	{	/* chunk_cat() evaluates its arguments twice */
		item = asn1_wrap(ASN1_SEQUENCE, "mm", serial_integer(entry->serial),
						 validity_time(entry->date));
		list = chunk_cat("mm", list, item);
	}
	enumerator->destroy(enumerator);
	if (list.len)
	{
		list = asn1_wrap(ASN1_SEQUENCE, "m", list);
	}
	/* chunk_cat() evaluates its arguments twice: build them first */
	akid = extension(OID_AUTHORITY_KEY_ID, FALSE,
				asn1_wrap(ASN1_SEQUENCE, "m",
					asn1_wrap(ASN1_CONTEXT_S_0, "c",
							  ca->get_subjectKeyIdentifier(ca))));
	crl_number = extension(OID_CRL_NUMBER, FALSE,
					asn1_integer("m", asn1_integer_from_uint64(number)));
	exts = chunk_cat("mm", akid, crl_number);
	issuer = this->ca->get_subject(this->ca);
	tbs = asn1_wrap(ASN1_SEQUENCE, "cmcmmmm",
			chunk_from_chars(0x02,0x01,0x01),
			signature_alg(this),
			issuer->get_encoding(issuer),
			validity_time(now),
			validity_time(now + next_update),
			list,
			asn1_wrap(ASN1_CONTEXT_C_0, "m",
					  asn1_wrap(ASN1_SEQUENCE, "m", exts)));
	if (!this->key->sign(this->key, signature_scheme_from_oid(
							signature_oid(this)), NULL, tbs, &sig))
	{
		DBG1(DBG_LIB, "signing the CRL failed");
		chunk_free(&tbs);
		return NULL;
	}
	der = asn1_wrap(ASN1_SEQUENCE, "mmm", tbs, signature_alg(this),
					asn1_bitstring("m", sig));
	crl = lib->creds->create(lib->creds, CRED_CERTIFICATE, CERT_X509_CRL,
							 BUILD_BLOB_ASN1_DER, der, BUILD_END);
	chunk_free(&der);
	return crl;
}

METHOD(getcertd_issuer_t, get_ca, certificate_t*,
	private_getcertd_issuer_t *this)
{
	return this->ca;
}

METHOD(getcertd_issuer_t, protect_key, chunk_t,
	private_getcertd_issuer_t *this, private_key_t *key,
	public_key_t *recipient, chunk_t recipient_id)
{
	return getcert_keypkg_protect(key, this->ca, this->key, recipient,
								  recipient_id);
}

METHOD(getcertd_issuer_t, destroy, void,
	private_getcertd_issuer_t *this)
{
	this->ca->destroy(this->ca);
	this->key->destroy(this->key);
	free(this);
}

/*
 * Described in header
 */
void getcertd_revoked_free(void *data)
{
	getcertd_revoked_t *revoked = data;

	chunk_free(&revoked->serial);
	free(revoked);
}

/*
 * Described in header
 */
getcertd_issuer_t *getcertd_issuer_create(certificate_t *ca,
										  private_key_t *key)
{
	private_getcertd_issuer_t *this;

	INIT(this,
		.public = {
			.issue = _issue,
			.issue_crl = _issue_crl,
			.get_ca = _get_ca,
			.protect_key = _protect_key,
			.destroy = _destroy,
		},
		.ca = ca,
		.key = key,
	);
	return &this->public;
}

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

#include "getcert_cms.h"

#include <time.h>

#include <utils/debug.h>
#include <asn1/asn1.h>
#include <asn1/oid.h>
#include <crypto/hashers/hasher.h>
#include <crypto/crypters/crypter.h>
#include <credentials/certificates/x509.h>

typedef struct private_getcert_cms_t private_getcert_cms_t;

/**
 * Printable name of an OID
 */
static char *oid_name(int oid)
{
	return oid == OID_UNKNOWN ? "(unknown)" : (char*)oid_names[oid].name;
}

/**
 * Private data of a getcert_cms_t object.
 */
struct private_getcert_cms_t {

	/**
	 * Public interface.
	 */
	getcert_cms_t public;

	/**
	 * eContentType OID.
	 */
	int content_type;

	/**
	 * eContent, empty if absent.
	 */
	chunk_t content;

	/**
	 * Certificates carried, certificate_t*.
	 */
	linked_list_t *certs;

	/**
	 * CRLs carried, chunk_t* pointing into the blob.
	 */
	linked_list_t *crls;

	/**
	 * Number of SignerInfos.
	 */
	u_int signers;

	/**
	 * Signer identifier (complete encoding).
	 */
	chunk_t sid;

	/**
	 * Digest algorithm of the signer.
	 */
	hash_algorithm_t digest;

	/**
	 * Signature algorithm OID of the signer.
	 */
	int sig_oid;

	/**
	 * Signed attributes, complete [0] IMPLICIT encoding, empty if absent.
	 */
	chunk_t attrs;

	/**
	 * The signature.
	 */
	chunk_t signature;
};

/**
 * Take the next element of a blob if it has the expected tag
 */
static bool take(chunk_t *blob, asn1_t tag, chunk_t *inner, chunk_t *tlv)
{
	chunk_t rest = *blob, in;

	if (!blob->len || blob->ptr[0] != tag ||
		asn1_unwrap(&rest, &in) != tag)
	{
		return FALSE;
	}
	if (tlv)
	{
		*tlv = chunk_create(blob->ptr, blob->len - rest.len);
	}
	/* assigned last, so that inner may be blob */
	*blob = rest;
	*inner = in;
	return TRUE;
}

/**
 * Parse an AlgorithmIdentifier with absent or NULL parameters (or, with
 * params given, any parameters)
 */
static bool take_alg(chunk_t *blob, int *oid, chunk_t *params)
{
	chunk_t seq, obj;

	if (!take(blob, ASN1_SEQUENCE, &seq, NULL) ||
		!take(&seq, ASN1_OID, &obj, NULL))
	{
		return FALSE;
	}
	*oid = asn1_known_oid(obj);
	if (params)
	{
		*params = seq;
		return TRUE;
	}
	return !seq.len || (seq.len == 2 && seq.ptr[0] == ASN1_NULL &&
						seq.ptr[1] == 0);
}

/**
 * Parse the certificates of a SignedData
 */
static bool parse_certs(private_getcert_cms_t *this, chunk_t set)
{
	certificate_t *cert;
	chunk_t inner, tlv;

	while (set.len)
	{
		if (!take(&set, ASN1_SEQUENCE, &inner, &tlv))
		{
			DBG1(DBG_LIB, "CMS: certificates hold something else than "
				 "X.509 certificates");
			return FALSE;
		}
		cert = lib->creds->create(lib->creds, CRED_CERTIFICATE, CERT_X509,
								  BUILD_BLOB_ASN1_DER, tlv, BUILD_END);
		if (!cert)
		{
			DBG1(DBG_LIB, "CMS: unparsable certificate");
			return FALSE;
		}
		this->certs->insert_last(this->certs, cert);
	}
	return TRUE;
}

/**
 * Check the signed attributes for well-formedness and unique types
 */
static bool check_attrs(chunk_t attrs)
{
	chunk_t seq, oid, values, seen[16];
	int count = 0, i;

	while (attrs.len)
	{
		if (!take(&attrs, ASN1_SEQUENCE, &seq, NULL) ||
			!take(&seq, ASN1_OID, &oid, NULL) ||
			!take(&seq, ASN1_SET, &values, NULL) || seq.len || !values.len)
		{
			DBG1(DBG_LIB, "CMS: malformed signed attribute");
			return FALSE;
		}
		for (i = 0; i < count; i++)
		{
			if (chunk_equals(seen[i], oid))
			{
				DBG1(DBG_LIB, "CMS: signed attribute %s appears twice",
					 oid_name(asn1_known_oid(oid)));
				return FALSE;
			}
		}
		if (count == countof(seen))
		{
			DBG1(DBG_LIB, "CMS: too many signed attributes");
			return FALSE;
		}
		seen[count++] = oid;
	}
	return TRUE;
}

/**
 * Parse the single SignerInfo
 */
static bool parse_signer(private_getcert_cms_t *this, chunk_t blob)
{
	chunk_t seq, version, inner, octets;
	int oid;

	if (!take(&blob, ASN1_SEQUENCE, &seq, NULL) || blob.len)
	{
		DBG1(DBG_LIB, "CMS: malformed SignerInfo");
		return FALSE;
	}
	if (!take(&seq, ASN1_INTEGER, &version, NULL) ||
		!(take(&seq, ASN1_SEQUENCE, &inner, &this->sid) ||
		  take(&seq, ASN1_CONTEXT_S_0, &inner, &this->sid)) ||
		!take_alg(&seq, &oid, NULL))
	{
		DBG1(DBG_LIB, "CMS: malformed SignerInfo header");
		return FALSE;
	}
	this->digest = hasher_algorithm_from_oid(oid);
	if (seq.len && seq.ptr[0] == ASN1_CONTEXT_C_0)
	{
		if (!take(&seq, ASN1_CONTEXT_C_0, &inner, &this->attrs) ||
			!check_attrs(inner))
		{
			DBG1(DBG_LIB, "CMS: malformed signed attributes");
			return FALSE;
		}
	}
	if (!take_alg(&seq, &this->sig_oid, NULL) ||
		!take(&seq, ASN1_OCTET_STRING, &this->signature, NULL) ||
		!this->signature.len)
	{
		DBG1(DBG_LIB, "CMS: malformed signature in SignerInfo");
		return FALSE;
	}
	if (seq.len && !take(&seq, ASN1_CONTEXT_C_1, &octets, NULL))
	{
		DBG1(DBG_LIB, "CMS: trailing data in SignerInfo");
		return FALSE;
	}
	if (seq.len)
	{
		DBG1(DBG_LIB, "CMS: trailing data in SignerInfo");
		return FALSE;
	}
	return TRUE;
}

/**
 * Parse a SignedData
 */
static bool parse_signed_data(private_getcert_cms_t *this, chunk_t blob)
{
	chunk_t seq, version, set, encap, oid, explicit, signers;

	if (!take(&blob, ASN1_SEQUENCE, &seq, NULL) || blob.len ||
		!take(&seq, ASN1_INTEGER, &version, NULL) ||
		!take(&seq, ASN1_SET, &set, NULL) ||
		!take(&seq, ASN1_SEQUENCE, &encap, NULL) ||
		!take(&encap, ASN1_OID, &oid, NULL))
	{
		DBG1(DBG_LIB, "CMS: malformed SignedData");
		return FALSE;
	}
	this->content_type = asn1_known_oid(oid);
	if (encap.len)
	{
		if (!take(&encap, ASN1_CONTEXT_C_0, &explicit, NULL) || encap.len ||
			!take(&explicit, ASN1_OCTET_STRING, &this->content, NULL) ||
			explicit.len)
		{
			DBG1(DBG_LIB, "CMS: encapsulated content is not a single DER "
				 "OCTET STRING");
			return FALSE;
		}
	}
	if (seq.len && seq.ptr[0] == ASN1_CONTEXT_C_0)
	{
		if (!take(&seq, ASN1_CONTEXT_C_0, &set, NULL) ||
			!parse_certs(this, set))
		{
			return FALSE;
		}
	}
	if (seq.len && seq.ptr[0] == ASN1_CONTEXT_C_1)
	{
		chunk_t inner, tlv, *crl;

		take(&seq, ASN1_CONTEXT_C_1, &set, NULL);
		while (set.len)
		{
			if (!take(&set, ASN1_SEQUENCE, &inner, &tlv))
			{
				DBG1(DBG_LIB, "CMS: malformed CRL");
				return FALSE;
			}
			crl = malloc_thing(chunk_t);
			*crl = tlv;
			this->crls->insert_last(this->crls, crl);
		}
	}
	if (!take(&seq, ASN1_SET, &signers, NULL) || seq.len)
	{
		DBG1(DBG_LIB, "CMS: malformed SignerInfos");
		return FALSE;
	}
	if (signers.len)
	{
		this->signers = 1;
		return parse_signer(this, signers);
	}
	return TRUE;
}

METHOD(getcert_cms_t, get_content_type, int,
	private_getcert_cms_t *this)
{
	return this->content_type;
}

METHOD(getcert_cms_t, get_content, chunk_t,
	private_getcert_cms_t *this)
{
	return this->content;
}

METHOD(getcert_cms_t, create_cert_enumerator, enumerator_t*,
	private_getcert_cms_t *this)
{
	return this->certs->create_enumerator(this->certs);
}

METHOD(getcert_cms_t, create_crl_enumerator, enumerator_t*,
	private_getcert_cms_t *this)
{
	return this->crls->create_enumerator(this->crls);
}

METHOD(getcert_cms_t, get_signer_count, u_int,
	private_getcert_cms_t *this)
{
	return this->signers;
}

/**
 * Strip leading zero bytes of an INTEGER's contents
 */
static chunk_t strip_zeros(chunk_t num)
{
	while (num.len && num.ptr[0] == 0)
	{
		num = chunk_skip(num, 1);
	}
	return num;
}

/*
 * Described in header
 */
bool getcert_cms_id_matches(certificate_t *cert, chunk_t sid)
{
	identification_t *issuer;
	chunk_t inner, name, serial;
	x509_t *x509;
	bool match;

	if (cert->get_type(cert) != CERT_X509)
	{
		return FALSE;
	}
	x509 = (x509_t*)cert;
	if (take(&sid, ASN1_CONTEXT_S_0, &inner, NULL))
	{
		return !sid.len && inner.len &&
			   chunk_equals(inner, x509->get_subjectKeyIdentifier(x509));
	}
	if (!take(&sid, ASN1_SEQUENCE, &inner, NULL) || sid.len ||
		!take(&inner, ASN1_SEQUENCE, &serial, &name) ||
		!take(&inner, ASN1_INTEGER, &serial, NULL) || inner.len)
	{
		return FALSE;
	}
	if (!chunk_equals(strip_zeros(serial),
					  strip_zeros(x509->get_serial(x509))))
	{
		return FALSE;
	}
	issuer = identification_create_from_encoding(ID_DER_ASN1_DN, name);
	match = issuer->equals(issuer, cert->get_issuer(cert));
	issuer->destroy(issuer);
	return match;
}

/**
 * Map digest and signature algorithm to a signature scheme
 */
static signature_scheme_t get_scheme(private_getcert_cms_t *this)
{
	signature_scheme_t scheme;

	switch (this->digest)
	{
		case HASH_SHA1:
		case HASH_SHA256:
		case HASH_SHA384:
		case HASH_SHA512:
			break;
		default:
			DBG1(DBG_LIB, "CMS: digest algorithm %N not accepted",
				 hash_algorithm_short_names, this->digest);
			return SIGN_UNKNOWN;
	}
	if (this->sig_oid == OID_RSA_ENCRYPTION)
	{
		switch (this->digest)
		{
			case HASH_SHA1:
				return SIGN_RSA_EMSA_PKCS1_SHA1;
			case HASH_SHA256:
				return SIGN_RSA_EMSA_PKCS1_SHA2_256;
			case HASH_SHA384:
				return SIGN_RSA_EMSA_PKCS1_SHA2_384;
			default:
				return SIGN_RSA_EMSA_PKCS1_SHA2_512;
		}
	}
	scheme = signature_scheme_from_oid(this->sig_oid);
	if (scheme == SIGN_UNKNOWN ||
		hasher_from_signature_scheme(scheme, NULL) != this->digest)
	{
		DBG1(DBG_LIB, "CMS: signature algorithm %s does not fit digest "
			 "algorithm %N", oid_name(this->sig_oid),
			 hash_algorithm_short_names,
			 this->digest);
		return SIGN_UNKNOWN;
	}
	return scheme;
}

/**
 * Check contentType and messageDigest signed attributes
 */
static bool check_digest(private_getcert_cms_t *this)
{
	chunk_t value, hash;
	hasher_t *hasher;
	bool ok;

	if (!this->public.get_attribute(&this->public, OID_PKCS9_CONTENT_TYPE,
									ASN1_OID, &value) ||
		asn1_known_oid(value) != this->content_type)
	{
		DBG1(DBG_LIB, "CMS: contentType attribute missing or not matching");
		return FALSE;
	}
	if (!this->public.get_attribute(&this->public, OID_PKCS9_MESSAGE_DIGEST,
									ASN1_OCTET_STRING, &value))
	{
		DBG1(DBG_LIB, "CMS: messageDigest attribute missing");
		return FALSE;
	}
	hasher = lib->crypto->create_hasher(lib->crypto, this->digest);
	if (!hasher || !hasher->allocate_hash(hasher, this->content, &hash))
	{
		DESTROY_IF(hasher);
		DBG1(DBG_LIB, "CMS: %N not available", hash_algorithm_short_names,
			 this->digest);
		return FALSE;
	}
	hasher->destroy(hasher);
	ok = chunk_equals_const(hash, value);
	chunk_free(&hash);
	if (!ok)
	{
		DBG1(DBG_LIB, "CMS: messageDigest does not match the content");
	}
	return ok;
}

METHOD(getcert_cms_t, verify, bool,
	private_getcert_cms_t *this, linked_list_t *trusted,
	certificate_t **signer_out)
{
	enumerator_t *enumerator;
	certificate_t *cert, *signer = NULL;
	signature_scheme_t scheme;
	public_key_t *public;
	chunk_t data;
	bool ok;

	if (signer_out)
	{
		*signer_out = NULL;
	}
	if (this->signers != 1)
	{
		DBG1(DBG_LIB, "CMS: message is not signed");
		return FALSE;
	}
	enumerator = trusted->create_enumerator(trusted);
	while (enumerator->enumerate(enumerator, &cert))
	{
		if (getcert_cms_id_matches(cert, this->sid))
		{
			signer = cert;
			break;
		}
	}
	enumerator->destroy(enumerator);
	if (!signer)
	{
		DBG1(DBG_LIB, "CMS: signer is not the pinned CA or its RA");
		return FALSE;
	}
	if (!this->attrs.len)
	{
		DBG1(DBG_LIB, "CMS: signed attributes missing");
		return FALSE;
	}
	scheme = get_scheme(this);
	if (scheme == SIGN_UNKNOWN || !check_digest(this))
	{
		return FALSE;
	}
	public = signer->get_public_key(signer);
	if (!public)
	{
		return FALSE;
	}
	/* the signature covers the attributes tagged as SET OF */
	data = chunk_clone(this->attrs);
	data.ptr[0] = ASN1_SET;
	ok = public->verify(public, scheme, NULL, data, this->signature);
	public->destroy(public);
	chunk_free(&data);
	if (!ok)
	{
		DBG1(DBG_LIB, "CMS: signature of '%Y' invalid",
			 signer->get_subject(signer));
		return FALSE;
	}
	if (signer_out)
	{
		*signer_out = signer;
	}
	return TRUE;
}

METHOD(getcert_cms_t, get_digest, hash_algorithm_t,
	private_getcert_cms_t *this)
{
	return this->signers == 1 ? this->digest : HASH_UNKNOWN;
}

METHOD(getcert_cms_t, get_attribute, bool,
	private_getcert_cms_t *this, int oid, asn1_t type, chunk_t *value)
{
	chunk_t attrs, seq, obj, values, inner;

	if (!this->attrs.len)
	{
		return FALSE;
	}
	attrs = this->attrs;
	take(&attrs, ASN1_CONTEXT_C_0, &attrs, NULL);
	while (attrs.len)
	{
		/* well-formedness was checked while parsing */
		take(&attrs, ASN1_SEQUENCE, &seq, NULL);
		take(&seq, ASN1_OID, &obj, NULL);
		take(&seq, ASN1_SET, &values, NULL);
		if (asn1_known_oid(obj) != oid)
		{
			continue;
		}
		if (!take(&values, type, &inner, NULL) || values.len)
		{
			return FALSE;
		}
		*value = inner;
		return TRUE;
	}
	return FALSE;
}

METHOD(getcert_cms_t, destroy, void,
	private_getcert_cms_t *this)
{
	this->certs->destroy_offset(this->certs,
								offsetof(certificate_t, destroy));
	this->crls->destroy_function(this->crls, free);
	free(this);
}

/*
 * Described in header
 */
getcert_cms_t *getcert_cms_parse(chunk_t blob)
{
	private_getcert_cms_t *this;
	chunk_t seq, oid, content;

	if (!take(&blob, ASN1_SEQUENCE, &seq, NULL) || blob.len ||
		!take(&seq, ASN1_OID, &oid, NULL) ||
		!take(&seq, ASN1_CONTEXT_C_0, &content, NULL) || seq.len)
	{
		DBG1(DBG_LIB, "CMS: malformed ContentInfo");
		return NULL;
	}
	if (asn1_known_oid(oid) != OID_PKCS7_SIGNED_DATA)
	{
		DBG1(DBG_LIB, "CMS: ContentInfo does not hold SignedData");
		return NULL;
	}

	INIT(this,
		.public = {
			.get_content_type = _get_content_type,
			.get_content = _get_content,
			.create_cert_enumerator = _create_cert_enumerator,
			.create_crl_enumerator = _create_crl_enumerator,
			.get_signer_count = _get_signer_count,
			.verify = _verify,
			.get_digest = _get_digest,
			.get_attribute = _get_attribute,
			.destroy = _destroy,
		},
		.certs = linked_list_create(),
		.crls = linked_list_create(),
		.digest = HASH_UNKNOWN,
		.sig_oid = OID_UNKNOWN,
	);

	if (!parse_signed_data(this, content))
	{
		destroy(this);
		return NULL;
	}
	return &this->public;
}

/**
 * Parse a KeyTransRecipientInfo
 */
static bool parse_ktri(chunk_t ktri, chunk_t *rid, int *oid, chunk_t *params,
					   chunk_t *encrypted)
{
	chunk_t version, inner;

	return take(&ktri, ASN1_INTEGER, &version, NULL) &&
		   (take(&ktri, ASN1_SEQUENCE, &inner, rid) ||
			take(&ktri, ASN1_CONTEXT_S_0, &inner, rid)) &&
		   take_alg(&ktri, oid, params) &&
		   take(&ktri, ASN1_OCTET_STRING, encrypted, NULL) && !ktri.len;
}

/**
 * Join the OCTET STRING segments of a constructed encryptedContent (Go's
 * pkcs7 sends one) in linear time
 */
static bool join_segments(chunk_t segments, chunk_t *joined)
{
	chunk_t rest = segments, segment;
	size_t len = 0;

	while (rest.len)
	{
		if (!take(&rest, ASN1_OCTET_STRING, &segment, NULL))
		{
			return FALSE;
		}
		len += segment.len;
	}
	*joined = chunk_alloc(len);
	for (len = 0, rest = segments; rest.len; len += segment.len)
	{
		take(&rest, ASN1_OCTET_STRING, &segment, NULL);
		memcpy(joined->ptr + len, segment.ptr, segment.len);
	}
	return TRUE;
}

/**
 * The key content decryption continues with when the encrypted key does
 * not decrypt to a key of the right length (RFC 3218 §2.3): the first len
 * bytes of HMAC-SHA-256(secret, encrypted key), random without a secret
 */
static bool substitute_key(chunk_t secret, chunk_t encrypted, size_t len,
						   chunk_t *key)
{
	prf_t *prf;
	rng_t *rng;
	bool ok;

	if (!secret.len)
	{
		rng = lib->crypto->create_rng(lib->crypto, RNG_WEAK);
		ok = rng && rng->allocate_bytes(rng, len, key);
		DESTROY_IF(rng);
		return ok;
	}
	prf = lib->crypto->create_prf(lib->crypto, PRF_HMAC_SHA2_256);
	ok = prf && len <= prf->get_block_size(prf) &&
		 prf->set_key(prf, secret) &&
		 prf->allocate_bytes(prf, encrypted, key);
	DESTROY_IF(prf);
	if (ok)
	{
		memwipe(key->ptr + len, key->len - len);
		key->len = len;
	}
	return ok;
}

/**
 * Remove block cipher padding, without branching on the plaintext
 */
static bool unpad(chunk_t *plain, size_t bs)
{
	u_char pad, bad, in;
	size_t i;

	pad = plain->ptr[plain->len - 1];
	bad = (pad == 0) | (pad > bs);
	for (i = 1; i <= bs; i++)
	{
		/* 0xff if byte i from the end is padding, 0x00 otherwise */
		in = (u_char)(((int)i - (int)pad - 1) >> 8);
		bad |= in & (plain->ptr[plain->len - i] ^ pad);
	}
	if (bad)
	{
		return FALSE;
	}
	plain->len -= pad;
	return TRUE;
}

/*
 * Described in header
 */
getcert_err_t getcert_cms_decrypt(chunk_t blob, certificate_t *cert,
								  private_key_t *key, u_int weak,
								  chunk_t secret, chunk_t *plain)
{
	chunk_t seq, oid, env, version, infos, info, eci, params, iv;
	chunk_t rid, ekey, encrypted = chunk_empty, cek = chunk_empty;
	chunk_t substitute = chunk_empty;
	encryption_algorithm_t alg;
	encryption_scheme_t scheme;
	crypter_t *crypter = NULL;
	getcert_err_t err = GETCERT_ERR_MALFORMED;
	size_t key_size;
	int alg_oid, kt_oid;
	bool found = FALSE;

	*plain = chunk_empty;
	if (!take(&blob, ASN1_SEQUENCE, &seq, NULL) || blob.len ||
		!take(&seq, ASN1_OID, &oid, NULL) ||
		!take(&seq, ASN1_CONTEXT_C_0, &env, NULL) || seq.len)
	{
		DBG1(DBG_LIB, "CMS: malformed ContentInfo");
		return err;
	}
	if (asn1_known_oid(oid) != OID_PKCS7_ENVELOPED_DATA)
	{
		DBG1(DBG_LIB, "CMS: ContentInfo does not hold EnvelopedData");
		return err;
	}
	if (!take(&env, ASN1_SEQUENCE, &seq, NULL) || env.len ||
		!take(&seq, ASN1_INTEGER, &version, NULL))
	{
		DBG1(DBG_LIB, "CMS: malformed EnvelopedData");
		return err;
	}
	if (seq.len && seq.ptr[0] == ASN1_CONTEXT_C_0)
	{	/* originatorInfo, not needed for key transport */
		take(&seq, ASN1_CONTEXT_C_0, &info, NULL);
	}
	if (!take(&seq, ASN1_SET, &infos, NULL) ||
		!take(&seq, ASN1_SEQUENCE, &eci, NULL) ||
		(seq.len && !take(&seq, ASN1_CONTEXT_C_1, &info, NULL)) || seq.len ||
		!take(&eci, ASN1_OID, &oid, NULL) ||
		!take_alg(&eci, &alg_oid, &params))
	{
		DBG1(DBG_LIB, "CMS: malformed EnvelopedData");
		return err;
	}
	if (take(&eci, ASN1_CONTEXT_S_0, &info, NULL))
	{
		encrypted = chunk_clone(info);
	}
	else if (!take(&eci, ASN1_CONTEXT_C_0, &info, NULL) ||
			 !join_segments(info, &encrypted))
	{
		encrypted = chunk_empty;
	}
	if (!encrypted.len || eci.len)
	{
		DBG1(DBG_LIB, "CMS: EnvelopedData without encrypted content");
		goto out;
	}

	/* what the message says in clear first: algorithms and sizes */
	alg = encryption_algorithm_from_oid(alg_oid, &key_size);
	if (alg != ENCR_AES_CBC &&
		!(alg == ENCR_3DES && (weak & GETCERT_CMS_ALLOW_DES3)) &&
		!(alg == ENCR_DES && (weak & GETCERT_CMS_ALLOW_DES)))
	{
		DBG1(DBG_LIB, "CMS: content encryption %s not accepted by policy",
			 oid_name(alg_oid));
		err = GETCERT_ERR_POLICY;
		goto out;
	}
	crypter = lib->crypto->create_crypter(lib->crypto, alg, key_size / 8);
	if (!crypter)
	{
		DBG1(DBG_LIB, "CMS: %N not available", encryption_algorithm_names,
			 alg);
		err = GETCERT_ERR_INTERNAL;
		goto out;
	}
	if (!take(&params, ASN1_OCTET_STRING, &iv, NULL) || params.len ||
		iv.len != crypter->get_iv_size(crypter) ||
		encrypted.len % crypter->get_block_size(crypter))
	{
		DBG1(DBG_LIB, "CMS: IV or encrypted content length does not fit %N",
			 encryption_algorithm_names, alg);
		goto out;
	}

	/* the first KeyTransRecipientInfo addressed to us, never another */
	while (infos.len && !found)
	{
		if (!take(&infos, ASN1_SEQUENCE, &info, NULL))
		{	/* other RecipientInfo types are tagged, skip them */
			if (asn1_unwrap(&infos, &info) == ASN1_INVALID)
			{
				DBG1(DBG_LIB, "CMS: malformed RecipientInfos");
				goto out;
			}
			continue;
		}
		if (!parse_ktri(info, &rid, &kt_oid, &params, &ekey))
		{
			DBG1(DBG_LIB, "CMS: malformed KeyTransRecipientInfo");
			goto out;
		}
		found = getcert_cms_id_matches(cert, rid);
	}
	err = GETCERT_ERR_ENVELOPE;
	if (!found)
	{
		DBG1(DBG_LIB, "CMS: EnvelopedData not addressed to '%Y'",
			 cert->get_subject(cert));
		goto out;
	}
	switch (kt_oid)
	{
		case OID_RSA_ENCRYPTION:
			scheme = ENCRYPT_RSA_PKCS1;
			break;
		case OID_RSAES_OAEP:
			/* only the default parameters: SHA-1, MGF1-SHA-1 */
			if (params.len > 2)
			{
				DBG1(DBG_LIB, "CMS: RSAES-OAEP parameters not supported");
				goto out;
			}
			scheme = ENCRYPT_RSA_OAEP_SHA1;
			break;
		default:
			DBG1(DBG_LIB, "CMS: key encryption algorithm not supported");
			goto out;
	}

	/* from here on, every failure is one outcome: implicit rejection of
	 * the encrypted key, then content decryption with whatever key */
	err = GETCERT_ERR_INTERNAL;
	if (!substitute_key(secret, ekey, crypter->get_key_size(crypter),
						&substitute))
	{
		goto out;
	}
	if (!key->decrypt(key, scheme, NULL, ekey, &cek) ||
		cek.len != substitute.len)
	{
#ifdef GETCERT_TEST_EXPLICIT_REJECTION
		/* only for the test that shows what the oracle looks like */
		DBG1(DBG_LIB, "CMS: encrypted key invalid (explicit rejection)");
		err = GETCERT_ERR_ENVELOPE;
		goto out;
#endif
		DBG1(DBG_LIB, "CMS: encrypted key invalid, continuing with a "
			 "substitute key");
		chunk_clear(&cek);
		cek = substitute;
		substitute = chunk_empty;
	}
	err = GETCERT_ERR_DECRYPT;
	if (!crypter->set_key(crypter, cek) ||
		!crypter->decrypt(crypter, encrypted, iv, plain))
	{
		DBG1(DBG_LIB, "CMS: content decryption failed");
		*plain = chunk_empty;
		goto out;
	}
	if (!unpad(plain, crypter->get_block_size(crypter)))
	{
		DBG1(DBG_LIB, "CMS: invalid padding of decrypted content");
		chunk_clear(plain);
		goto out;
	}
	err = GETCERT_OK;

out:
	DESTROY_IF(crypter);
	chunk_clear(&cek);
	chunk_clear(&substitute);
	chunk_free(&encrypted);
	return err;
}

/*
 * Described in header
 */
chunk_t getcert_cms_build_degenerate(linked_list_t *certs, chunk_t crl)
{
	enumerator_t *enumerator;
	certificate_t *cert;
	chunk_t all = chunk_empty, der, sorted;

	enumerator = certs->create_enumerator(certs);
	while (enumerator->enumerate(enumerator, &cert))
	{
		if (!cert->get_encoding(cert, CERT_ASN1_DER, &der))
		{
			enumerator->destroy(enumerator);
			chunk_free(&all);
			return chunk_empty;
		}
		all = chunk_cat("mm", all, der);
	}
	enumerator->destroy(enumerator);
	/* certificates is a SET OF */
	sorted = getcert_cms_sort_set(all);
	chunk_free(&all);
	all = sorted;

	return asn1_wrap(ASN1_SEQUENCE, "mm",
				asn1_build_known_oid(OID_PKCS7_SIGNED_DATA),
				asn1_wrap(ASN1_CONTEXT_C_0, "m",
					asn1_wrap(ASN1_SEQUENCE, "cmmmmm",
						ASN1_INTEGER_1,
						asn1_wrap(ASN1_SET, ""),
						asn1_wrap(ASN1_SEQUENCE, "m",
							asn1_build_known_oid(OID_PKCS7_DATA)),
						all.len ? asn1_wrap(ASN1_CONTEXT_C_0, "m", all)
								: chunk_empty,
						crl.len ? asn1_wrap(ASN1_CONTEXT_C_1, "c", crl)
								: chunk_empty,
						asn1_wrap(ASN1_SET, ""))));
}

/*
 * Described in header
 */
chunk_t getcert_cms_build_certs_only(linked_list_t *certs)
{
	return getcert_cms_build_degenerate(certs, chunk_empty);
}

/**
 * Build an IssuerAndSerialNumber for a certificate
 */
static chunk_t build_issuer_serial(certificate_t *cert)
{
	identification_t *issuer = cert->get_issuer(cert);
	x509_t *x509 = (x509_t*)cert;

	return asn1_wrap(ASN1_SEQUENCE, "cm",
					 issuer->get_encoding(issuer),
					 asn1_integer("c", x509->get_serial(x509)));
}

/*
 * Described in header
 */
chunk_t getcert_cms_attribute(int oid, chunk_t value)
{
	return asn1_wrap(ASN1_SEQUENCE, "mm", asn1_build_known_oid(oid),
					 asn1_wrap(ASN1_SET, "m", value));
}

/**
 * Compare two encodings in DER SET OF order (X.690 11.6): as octet
 * strings, the shorter one padded with zeros at the end
 */
static int cmp_der(const void *a, const void *b)
{
	const chunk_t *x = a, *y = b;
	int diff;

	diff = memcmp(x->ptr, y->ptr, min(x->len, y->len));
	if (diff)
	{
		return diff;
	}
	return (int)x->len - (int)y->len;
}

/*
 * Described in header
 */
chunk_t getcert_cms_sort_set(chunk_t elements)
{
	chunk_t rest, inner, *list, sorted;
	u_char *pos;
	int count = 0, i;

	for (rest = elements; rest.len; count++)
	{
		if (asn1_unwrap(&rest, &inner) == ASN1_INVALID)
		{
			return chunk_empty;
		}
	}
	if (!count)
	{
		return chunk_empty;
	}
	list = calloc(count, sizeof(chunk_t));
	for (rest = elements, i = 0; i < count; i++)
	{	/* rest.ptr is NULL after the last one */
		list[i] = rest;
		asn1_unwrap(&rest, &inner);
		list[i].len -= rest.len;
	}
	qsort(list, count, sizeof(chunk_t), cmp_der);
	sorted = chunk_alloc(elements.len);
	for (pos = sorted.ptr, i = 0; i < count; i++)
	{
		memcpy(pos, list[i].ptr, list[i].len);
		pos += list[i].len;
	}
	free(list);
	return sorted;
}

/*
 * Described in header
 */
chunk_t getcert_cms_build_signed(chunk_t content, chunk_t attrs,
								 certificate_t *signer, private_key_t *key,
								 hash_algorithm_t digest, bool rsa_oid)
{
	signature_scheme_t scheme;
	chunk_t hash, all, sorted, set, signature, cert, sig_alg, encap;
	chunk_t type, md, st;
	hasher_t *hasher;
	time_t now = time(NULL);
	int oid;

	oid = hasher_signature_algorithm_to_oid(digest, key->get_type(key));
	scheme = signature_scheme_from_oid(oid);
	hasher = lib->crypto->create_hasher(lib->crypto, digest);
	if (scheme == SIGN_UNKNOWN || !hasher ||
		!hasher->allocate_hash(hasher, content, &hash))
	{
		DESTROY_IF(hasher);
		return chunk_empty;
	}
	hasher->destroy(hasher);

	/* chunk_cat() evaluates its arguments twice, build them first */
	type = getcert_cms_attribute(OID_PKCS9_CONTENT_TYPE,
								 asn1_build_known_oid(OID_PKCS7_DATA));
	md = getcert_cms_attribute(OID_PKCS9_MESSAGE_DIGEST,
							   asn1_wrap(ASN1_OCTET_STRING, "m", hash));
	st = getcert_cms_attribute(OID_PKCS9_SIGNING_TIME,
							   asn1_from_time(&now, ASN1_UTCTIME));
	all = chunk_cat("mmmc", type, md, st, attrs);
	sorted = getcert_cms_sort_set(all);
	chunk_free(&all);
	if (!sorted.len)
	{
		return chunk_empty;
	}
	set = asn1_wrap(ASN1_SET, "m", sorted);
	if (!key->sign(key, scheme, NULL, set, &signature))
	{
		chunk_free(&set);
		return chunk_empty;
	}
	set.ptr[0] = ASN1_CONTEXT_C_0;
	if (!signer->get_encoding(signer, CERT_ASN1_DER, &cert))
	{
		chunk_free(&set);
		chunk_free(&signature);
		return chunk_empty;
	}
	if (rsa_oid && key->get_type(key) == KEY_RSA)
	{
		oid = OID_RSA_ENCRYPTION;
	}
	if (key->get_type(key) == KEY_RSA)
	{
		sig_alg = asn1_algorithmIdentifier(oid);
	}
	else
	{	/* ECDSA: parameters absent */
		sig_alg = asn1_wrap(ASN1_SEQUENCE, "m", asn1_build_known_oid(oid));
	}
	if (content.len)
	{
		encap = asn1_wrap(ASN1_SEQUENCE, "mm",
					asn1_build_known_oid(OID_PKCS7_DATA),
					asn1_wrap(ASN1_CONTEXT_C_0, "m",
						asn1_wrap(ASN1_OCTET_STRING, "c", content)));
	}
	else
	{
		encap = asn1_wrap(ASN1_SEQUENCE, "m",
						  asn1_build_known_oid(OID_PKCS7_DATA));
	}
	return asn1_wrap(ASN1_SEQUENCE, "mm",
				asn1_build_known_oid(OID_PKCS7_SIGNED_DATA),
				asn1_wrap(ASN1_CONTEXT_C_0, "m",
					asn1_wrap(ASN1_SEQUENCE, "cmmmm",
						ASN1_INTEGER_1,
						asn1_wrap(ASN1_SET, "m",
							asn1_algorithmIdentifier(
								hasher_algorithm_to_oid(digest))),
						encap,
						asn1_wrap(ASN1_CONTEXT_C_0, "m", cert),
						asn1_wrap(ASN1_SET, "m",
							asn1_wrap(ASN1_SEQUENCE, "cmmmmm",
								ASN1_INTEGER_1,
								build_issuer_serial(signer),
								asn1_algorithmIdentifier(
									hasher_algorithm_to_oid(digest)),
								set, sig_alg,
								asn1_wrap(ASN1_OCTET_STRING, "m",
										  signature))))));
}

/*
 * Described in header
 */
chunk_t getcert_cms_build_ktri(certificate_t *recipient, chunk_t encrypted)
{
	return asn1_wrap(ASN1_SEQUENCE, "cmmm",
				ASN1_INTEGER_0,
				build_issuer_serial(recipient),
				asn1_algorithmIdentifier(OID_RSA_ENCRYPTION),
				asn1_wrap(ASN1_OCTET_STRING, "c", encrypted));
}

/*
 * Described in header
 */
chunk_t getcert_cms_build_enveloped_with(chunk_t content,
										 encryption_algorithm_t alg,
										 size_t key_size, chunk_t cek,
										 chunk_t ktris, bool pad)
{
	chunk_t iv = chunk_empty, padded, encrypted;
	crypter_t *crypter;
	rng_t *rng;
	size_t bs, len;
	int oid;

	oid = encryption_algorithm_to_oid(alg, key_size);
	crypter = lib->crypto->create_crypter(lib->crypto, alg, key_size / 8);
	rng = lib->crypto->create_rng(lib->crypto, RNG_WEAK);
	if (oid == OID_UNKNOWN || !crypter || !rng ||
		!rng->allocate_bytes(rng, crypter->get_iv_size(crypter), &iv) ||
		!crypter->set_key(crypter, cek))
	{
		chunk_free(&iv);
		DESTROY_IF(crypter);
		DESTROY_IF(rng);
		return chunk_empty;
	}
	rng->destroy(rng);
	bs = crypter->get_block_size(crypter);
	len = pad ? bs - content.len % bs : 0;
	padded = chunk_alloc(content.len + len);
	memcpy(padded.ptr, content.ptr, content.len);
	memset(padded.ptr + content.len, len, len);
	if (padded.len % bs ||
		!crypter->encrypt(crypter, padded, iv, &encrypted))
	{
		chunk_clear(&padded);
		chunk_free(&iv);
		crypter->destroy(crypter);
		return chunk_empty;
	}
	chunk_clear(&padded);
	crypter->destroy(crypter);

	return asn1_wrap(ASN1_SEQUENCE, "mm",
				asn1_build_known_oid(OID_PKCS7_ENVELOPED_DATA),
				asn1_wrap(ASN1_CONTEXT_C_0, "m",
					asn1_wrap(ASN1_SEQUENCE, "cmm",
						ASN1_INTEGER_0,
						asn1_wrap(ASN1_SET, "c", ktris),
						asn1_wrap(ASN1_SEQUENCE, "mmm",
							asn1_build_known_oid(OID_PKCS7_DATA),
							asn1_wrap(ASN1_SEQUENCE, "mm",
								asn1_build_known_oid(oid),
								asn1_wrap(ASN1_OCTET_STRING, "m", iv)),
							asn1_wrap(ASN1_CONTEXT_S_0, "m", encrypted)))));
}

/*
 * Described in header
 */
chunk_t getcert_cms_build_enveloped(chunk_t content, certificate_t *recipient,
									encryption_algorithm_t alg,
									size_t key_size)
{
	chunk_t cek = chunk_empty, ekey = chunk_empty, ktri, env = chunk_empty;
	public_key_t *public;
	rng_t *rng;

	rng = lib->crypto->create_rng(lib->crypto, RNG_STRONG);
	public = recipient->get_public_key(recipient);
	if (rng && public &&
		rng->allocate_bytes(rng, key_size / 8, &cek) &&
		public->encrypt(public, ENCRYPT_RSA_PKCS1, NULL, cek, &ekey))
	{
		ktri = getcert_cms_build_ktri(recipient, ekey);
		env = getcert_cms_build_enveloped_with(content, alg, key_size, cek,
											   ktri, TRUE);
		chunk_free(&ktri);
	}
	chunk_clear(&cek);
	chunk_free(&ekey);
	DESTROY_IF(rng);
	DESTROY_IF(public);
	return env;
}

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


#include "getcert_cms_signed.h"

#include <time.h>

#include <utils/debug.h>
#include <asn1/asn1.h>
#include <asn1/oid.h>
#include <crypto/hashers/hasher.h>

typedef struct private_getcert_cms_t private_getcert_cms_t;

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
	 * eContentType OID, contents of the encoding (points into the blob).
	 */
	chunk_t content_type_oid;

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
 * Parse the certificates of a SignedData
 */
static bool parse_certs(private_getcert_cms_t *this, chunk_t set)
{
	certificate_t *cert;
	chunk_t inner, tlv;

	while (set.len)
	{
		if (!getcert_cms_take(&set, ASN1_SEQUENCE, &inner, &tlv))
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
		if (!getcert_cms_take(&attrs, ASN1_SEQUENCE, &seq, NULL) ||
			!getcert_cms_take(&seq, ASN1_OID, &oid, NULL) ||
			!getcert_cms_take(&seq, ASN1_SET, &values, NULL) || seq.len ||
			!values.len)
		{
			DBG1(DBG_LIB, "CMS: malformed signed attribute");
			return FALSE;
		}
		for (i = 0; i < count; i++)
		{
			if (chunk_equals(seen[i], oid))
			{
				DBG1(DBG_LIB, "CMS: signed attribute %s appears twice",
					 getcert_cms_oid_name(asn1_known_oid(oid)));
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

	if (!getcert_cms_take(&blob, ASN1_SEQUENCE, &seq, NULL) || blob.len)
	{
		DBG1(DBG_LIB, "CMS: malformed SignerInfo");
		return FALSE;
	}
	if (!getcert_cms_take(&seq, ASN1_INTEGER, &version, NULL) ||
		!(getcert_cms_take(&seq, ASN1_SEQUENCE, &inner, &this->sid) ||
		  getcert_cms_take(&seq, ASN1_CONTEXT_S_0, &inner, &this->sid)) ||
		!getcert_cms_take_alg(&seq, &oid, NULL))
	{
		DBG1(DBG_LIB, "CMS: malformed SignerInfo header");
		return FALSE;
	}
	this->digest = hasher_algorithm_from_oid(oid);
	if (seq.len && seq.ptr[0] == ASN1_CONTEXT_C_0)
	{
		if (!getcert_cms_take(&seq, ASN1_CONTEXT_C_0, &inner, &this->attrs) ||
			!check_attrs(inner))
		{
			DBG1(DBG_LIB, "CMS: malformed signed attributes");
			return FALSE;
		}
	}
	if (!getcert_cms_take_alg(&seq, &this->sig_oid, NULL) ||
		!getcert_cms_take(&seq, ASN1_OCTET_STRING, &this->signature, NULL) ||
		!this->signature.len)
	{
		DBG1(DBG_LIB, "CMS: malformed signature in SignerInfo");
		return FALSE;
	}
	if (seq.len && !getcert_cms_take(&seq, ASN1_CONTEXT_C_1, &octets, NULL))
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

	if (!getcert_cms_take(&blob, ASN1_SEQUENCE, &seq, NULL) || blob.len ||
		!getcert_cms_take(&seq, ASN1_INTEGER, &version, NULL) ||
		!getcert_cms_take(&seq, ASN1_SET, &set, NULL) ||
		!getcert_cms_take(&seq, ASN1_SEQUENCE, &encap, NULL) ||
		!getcert_cms_take(&encap, ASN1_OID, &oid, NULL))
	{
		DBG1(DBG_LIB, "CMS: malformed SignedData");
		return FALSE;
	}
	this->content_type = asn1_known_oid(oid);
	this->content_type_oid = oid;
	if (encap.len)
	{
		if (!getcert_cms_take(&encap, ASN1_CONTEXT_C_0, &explicit, NULL) ||
			encap.len ||
			!getcert_cms_take(&explicit, ASN1_OCTET_STRING, &this->content,
							  NULL) ||
			explicit.len)
		{
			DBG1(DBG_LIB, "CMS: encapsulated content is not a single DER "
				 "OCTET STRING");
			return FALSE;
		}
	}
	if (seq.len && seq.ptr[0] == ASN1_CONTEXT_C_0)
	{
		if (!getcert_cms_take(&seq, ASN1_CONTEXT_C_0, &set, NULL) ||
			!parse_certs(this, set))
		{
			return FALSE;
		}
	}
	if (seq.len && seq.ptr[0] == ASN1_CONTEXT_C_1)
	{
		chunk_t inner, tlv, *crl;

		getcert_cms_take(&seq, ASN1_CONTEXT_C_1, &set, NULL);
		while (set.len)
		{
			if (!getcert_cms_take(&set, ASN1_SEQUENCE, &inner, &tlv))
			{
				DBG1(DBG_LIB, "CMS: malformed CRL");
				return FALSE;
			}
			crl = malloc_thing(chunk_t);
			*crl = tlv;
			this->crls->insert_last(this->crls, crl);
		}
	}
	if (!getcert_cms_take(&seq, ASN1_SET, &signers, NULL) || seq.len)
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

METHOD(getcert_cms_t, get_content, chunk_t,
	private_getcert_cms_t *this)
{
	return this->content;
}

METHOD(getcert_cms_t, get_content_type, chunk_t,
	private_getcert_cms_t *this)
{
	return this->content_type_oid;
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
			 "algorithm %N", getcert_cms_oid_name(this->sig_oid),
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

	/* compared as encodings: two OIDs unknown to strongSwan are not equal */
	if (!this->public.get_attribute(&this->public, OID_PKCS9_CONTENT_TYPE,
									ASN1_OID, &value) ||
		!chunk_equals(value, this->content_type_oid))
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
	getcert_cms_take(&attrs, ASN1_CONTEXT_C_0, &attrs, NULL);
	while (attrs.len)
	{
		/* well-formedness was checked while parsing */
		getcert_cms_take(&attrs, ASN1_SEQUENCE, &seq, NULL);
		getcert_cms_take(&seq, ASN1_OID, &obj, NULL);
		getcert_cms_take(&seq, ASN1_SET, &values, NULL);
		if (asn1_known_oid(obj) != oid)
		{
			continue;
		}
		if (!getcert_cms_take(&values, type, &inner, NULL) || values.len)
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
	chunk_t content;

	if (!getcert_cms_unwrap(blob, OID_PKCS7_SIGNED_DATA, &content))
	{
		return NULL;
	}

	INIT(this,
		.public = {
			.get_content = _get_content,
			.get_content_type = _get_content_type,
			.create_cert_enumerator = _create_cert_enumerator,
			.create_crl_enumerator = _create_crl_enumerator,
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

	return getcert_cms_wrap(OID_PKCS7_SIGNED_DATA,
				asn1_wrap(ASN1_SEQUENCE, "cmmmmm",
					ASN1_INTEGER_1,
					asn1_wrap(ASN1_SET, ""),
					asn1_wrap(ASN1_SEQUENCE, "m",
						asn1_build_known_oid(OID_PKCS7_DATA)),
					all.len ? asn1_wrap(ASN1_CONTEXT_C_0, "m", all)
							: chunk_empty,
					crl.len ? asn1_wrap(ASN1_CONTEXT_C_1, "c", crl)
							: chunk_empty,
					asn1_wrap(ASN1_SET, "")));
}

/*
 * Described in header
 */
chunk_t getcert_cms_build_certs_only(linked_list_t *certs)
{
	return getcert_cms_build_degenerate(certs, chunk_empty);
}

/*
 * Described in header
 */
chunk_t getcert_cms_build_signed_attrs(chunk_t content, hash_algorithm_t digest,
									   chunk_t attrs)
{
	return getcert_cms_build_signed_attrs_type(content, chunk_empty, digest,
											   attrs);
}

/*
 * Described in header
 */
chunk_t getcert_cms_build_signed_attrs_type(chunk_t content, chunk_t type_oid,
											hash_algorithm_t digest,
											chunk_t attrs)
{
	chunk_t hash, all, sorted, type, md, st;
	hasher_t *hasher;
	time_t now = time(NULL);

	hasher = lib->crypto->create_hasher(lib->crypto, digest);
	if (!hasher || !hasher->allocate_hash(hasher, content, &hash))
	{
		DESTROY_IF(hasher);
		return chunk_empty;
	}
	hasher->destroy(hasher);

	/* chunk_cat() evaluates its arguments twice, build them first */
	type = getcert_cms_attribute(OID_PKCS9_CONTENT_TYPE,
						type_oid.len ? asn1_simple_object(ASN1_OID, type_oid)
									 : asn1_build_known_oid(OID_PKCS7_DATA));
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
	return asn1_wrap(ASN1_SET, "m", sorted);
}

/*
 * Described in header
 */
chunk_t getcert_cms_build_sig_alg(key_type_t type, int oid)
{
	if (type == KEY_RSA)
	{
		return asn1_algorithmIdentifier(oid);
	}
	/* ECDSA: parameters absent */
	return asn1_wrap(ASN1_SEQUENCE, "m", asn1_build_known_oid(oid));
}

/*
 * Described in header
 */
chunk_t getcert_cms_build_encap_data(chunk_t content)
{
	if (content.len)
	{
		return asn1_wrap(ASN1_SEQUENCE, "mm",
					asn1_build_known_oid(OID_PKCS7_DATA),
					asn1_wrap(ASN1_CONTEXT_C_0, "m",
						asn1_wrap(ASN1_OCTET_STRING, "c", content)));
	}
	return asn1_wrap(ASN1_SEQUENCE, "m", asn1_build_known_oid(OID_PKCS7_DATA));
}

/*
 * Described in header
 */
chunk_t getcert_cms_build_signed(chunk_t content, chunk_t attrs,
								 certificate_t *signer, private_key_t *key,
								 hash_algorithm_t digest, bool rsa_oid)
{
	return getcert_cms_build_signed_type(content, chunk_empty, attrs, signer,
										 key, digest, rsa_oid);
}

/*
 * Described in header
 */
chunk_t getcert_cms_build_signed_type(chunk_t content, chunk_t type_oid,
									  chunk_t attrs, certificate_t *signer,
									  private_key_t *key,
									  hash_algorithm_t digest, bool rsa_oid)
{
	chunk_t encap;

	signature_scheme_t scheme;
	chunk_t set, signature, cert;
	int oid;

	oid = hasher_signature_algorithm_to_oid(digest, key->get_type(key));
	scheme = signature_scheme_from_oid(oid);
	if (scheme == SIGN_UNKNOWN)
	{
		return chunk_empty;
	}
	set = getcert_cms_build_signed_attrs_type(content, type_oid, digest,
											  attrs);
	if (!set.len)
	{
		return chunk_empty;
	}
	if (!key->sign(key, scheme, NULL, set, &signature))
	{
		chunk_free(&set);
		return chunk_empty;
	}
	/* signed as SET OF, carried as [0] IMPLICIT */
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
	/* the content may be secret (a key package): every intermediate copy
	 * of it is wiped ("s") */
	if (type_oid.len)
	{
		encap = asn1_wrap(ASN1_SEQUENCE, "ms",
					asn1_simple_object(ASN1_OID, type_oid),
					asn1_wrap(ASN1_CONTEXT_C_0, "s",
						asn1_wrap(ASN1_OCTET_STRING, "c", content)));
	}
	else
	{
		encap = getcert_cms_build_encap_data(content);
	}
	return asn1_wrap(ASN1_SEQUENCE, "ms",
				asn1_build_known_oid(OID_PKCS7_SIGNED_DATA),
				asn1_wrap(ASN1_CONTEXT_C_0, "s",
				asn1_wrap(ASN1_SEQUENCE, "cmsmm",
					ASN1_INTEGER_1,
					asn1_wrap(ASN1_SET, "m",
						asn1_algorithmIdentifier(
							hasher_algorithm_to_oid(digest))),
					encap,
					asn1_wrap(ASN1_CONTEXT_C_0, "m", cert),
					asn1_wrap(ASN1_SET, "m",
						asn1_wrap(ASN1_SEQUENCE, "cmmmmm",
							ASN1_INTEGER_1,
							getcert_cms_issuer_serial(signer),
							asn1_algorithmIdentifier(
								hasher_algorithm_to_oid(digest)),
							set,
							getcert_cms_build_sig_alg(key->get_type(key), oid),
							asn1_wrap(ASN1_OCTET_STRING, "m",
									  signature))))));
}

/*
 * Described in header
 */
bool getcert_cms_parse_certs(chunk_t blob, linked_list_t *certs)
{
	enumerator_t *enumerator;
	certificate_t *cert;
	getcert_cms_t *cms;
	int count = 0;

	cms = getcert_cms_parse(blob);
	if (!cms)
	{
		return FALSE;
	}
	enumerator = cms->create_cert_enumerator(cms);
	while (enumerator->enumerate(enumerator, &cert))
	{
		certs->insert_last(certs, cert->get_ref(cert));
		count++;
	}
	enumerator->destroy(enumerator);
	cms->destroy(cms);
	return count > 0;
}

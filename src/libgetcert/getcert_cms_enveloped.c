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


#include "getcert_cms_enveloped.h"

#include <utils/debug.h>
#include <asn1/asn1.h>
#include <asn1/oid.h>
#include <crypto/crypters/crypter.h>

/**
 * Parse a KeyTransRecipientInfo
 */
static bool parse_ktri(chunk_t ktri, chunk_t *rid, int *oid, chunk_t *params,
					   chunk_t *encrypted)
{
	chunk_t version, inner;

	return getcert_cms_take(&ktri, ASN1_INTEGER, &version, NULL) &&
		   (getcert_cms_take(&ktri, ASN1_SEQUENCE, &inner, rid) ||
			getcert_cms_take(&ktri, ASN1_CONTEXT_S_0, &inner, rid)) &&
		   getcert_cms_take_alg(&ktri, oid, params) &&
		   getcert_cms_take(&ktri, ASN1_OCTET_STRING, encrypted, NULL) &&
		   !ktri.len;
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
		if (!getcert_cms_take(&rest, ASN1_OCTET_STRING, &segment, NULL))
		{
			return FALSE;
		}
		len += segment.len;
	}
	*joined = chunk_alloc(len);
	for (len = 0, rest = segments; rest.len; len += segment.len)
	{
		getcert_cms_take(&rest, ASN1_OCTET_STRING, &segment, NULL);
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

/**
 * Check whether a recipient identifier is the [0] subjectKeyIdentifier ski
 */
static bool ski_matches(chunk_t ski, chunk_t rid)
{
	chunk_t inner;

	return getcert_cms_take(&rid, ASN1_CONTEXT_S_0, &inner, NULL) &&
		   !rid.len && inner.len && chunk_equals(inner, ski);
}

/**
 * Decrypt for a recipient named by certificate, or by key identifier alone
 */
static getcert_err_t decrypt(chunk_t blob, certificate_t *cert, chunk_t ski,
							 private_key_t *key, u_int weak, chunk_t secret,
							 chunk_t *plain)
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
	if (!getcert_cms_unwrap(blob, OID_PKCS7_ENVELOPED_DATA, &env))
	{
		return err;
	}
	if (!getcert_cms_take(&env, ASN1_SEQUENCE, &seq, NULL) || env.len ||
		!getcert_cms_take(&seq, ASN1_INTEGER, &version, NULL))
	{
		DBG1(DBG_LIB, "CMS: malformed EnvelopedData");
		return err;
	}
	if (seq.len && seq.ptr[0] == ASN1_CONTEXT_C_0)
	{	/* originatorInfo, not needed for key transport */
		getcert_cms_take(&seq, ASN1_CONTEXT_C_0, &info, NULL);
	}
	if (!getcert_cms_take(&seq, ASN1_SET, &infos, NULL) ||
		!getcert_cms_take(&seq, ASN1_SEQUENCE, &eci, NULL) ||
		(seq.len &&
		 !getcert_cms_take(&seq, ASN1_CONTEXT_C_1, &info, NULL)) ||
		seq.len ||
		!getcert_cms_take(&eci, ASN1_OID, &oid, NULL) ||
		!getcert_cms_take_alg(&eci, &alg_oid, &params))
	{
		DBG1(DBG_LIB, "CMS: malformed EnvelopedData");
		return err;
	}
	if (getcert_cms_take(&eci, ASN1_CONTEXT_S_0, &info, NULL))
	{
		encrypted = chunk_clone(info);
	}
	else if (!getcert_cms_take(&eci, ASN1_CONTEXT_C_0, &info, NULL) ||
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
			 getcert_cms_oid_name(alg_oid));
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
	if (!getcert_cms_take(&params, ASN1_OCTET_STRING, &iv, NULL) ||
		params.len ||
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
		if (!getcert_cms_take(&infos, ASN1_SEQUENCE, &info, NULL))
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
		found = cert ? getcert_cms_id_matches(cert, rid)
					 : ski_matches(ski, rid);
	}
	err = GETCERT_ERR_ENVELOPE;
	if (!found)
	{
		if (cert)
		{
			DBG1(DBG_LIB, "CMS: EnvelopedData not addressed to '%Y'",
				 cert->get_subject(cert));
		}
		else
		{
			DBG1(DBG_LIB, "CMS: EnvelopedData not addressed to key "
				 "identifier %#B", &ski);
		}
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
getcert_err_t getcert_cms_decrypt(chunk_t blob, certificate_t *cert,
								  private_key_t *key, u_int weak,
								  chunk_t secret, chunk_t *plain)
{
	return decrypt(blob, cert, chunk_empty, key, weak, secret, plain);
}

/*
 * Described in header
 */
getcert_err_t getcert_cms_decrypt_ski(chunk_t blob, chunk_t ski,
									  private_key_t *key, u_int weak,
									  chunk_t secret, chunk_t *plain)
{
	*plain = chunk_empty;
	if (!ski.len)
	{
		return GETCERT_ERR_ENVELOPE;
	}
	return decrypt(blob, NULL, ski, key, weak, secret, plain);
}

/*
 * Described in header
 */
chunk_t getcert_cms_build_ktri(certificate_t *recipient, chunk_t encrypted)
{
	return asn1_wrap(ASN1_SEQUENCE, "cmmm",
				ASN1_INTEGER_0,
				getcert_cms_issuer_serial(recipient),
				asn1_algorithmIdentifier(OID_RSA_ENCRYPTION),
				asn1_wrap(ASN1_OCTET_STRING, "c", encrypted));
}

/**
 * Whether all RecipientInfos are KeyTransRecipientInfos version 0, which
 * makes the EnvelopedData version 0, else 2 (RFC 5652 6.1)
 */
static bool all_v0(chunk_t infos)
{
	chunk_t info, version;

	while (infos.len)
	{
		if (!getcert_cms_take(&infos, ASN1_SEQUENCE, &info, NULL) ||
			!getcert_cms_take(&info, ASN1_INTEGER, &version, NULL) ||
			!chunk_equals(version, chunk_from_chars(0x00)))
		{
			return FALSE;
		}
	}
	return TRUE;
}

/**
 * Build an EnvelopedData ContentInfo, its content of the given type
 */
static chunk_t build_enveloped(int type, chunk_t content,
							   encryption_algorithm_t alg, size_t key_size,
							   chunk_t cek, chunk_t ktris, bool pad)
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

	return getcert_cms_wrap(OID_PKCS7_ENVELOPED_DATA,
				asn1_wrap(ASN1_SEQUENCE, "cmm",
					all_v0(ktris) ? ASN1_INTEGER_0 : ASN1_INTEGER_2,
					asn1_wrap(ASN1_SET, "c", ktris),
					asn1_wrap(ASN1_SEQUENCE, "mmm",
						asn1_build_known_oid(type),
						asn1_wrap(ASN1_SEQUENCE, "mm",
							asn1_build_known_oid(oid),
							asn1_wrap(ASN1_OCTET_STRING, "m", iv)),
						asn1_wrap(ASN1_CONTEXT_S_0, "m", encrypted))));
}

/*
 * Described in header
 */
chunk_t getcert_cms_build_enveloped_with(chunk_t content,
										 encryption_algorithm_t alg,
										 size_t key_size, chunk_t cek,
										 chunk_t ktris, bool pad)
{
	return build_enveloped(OID_PKCS7_DATA, content, alg, key_size, cek, ktris,
						   pad);
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

/*
 * Described in header
 */
chunk_t getcert_cms_build_ktri_ski(chunk_t ski, chunk_t encrypted)
{
	/* version 2 for a subjectKeyIdentifier (RFC 5652 6.2.1); RSAES-OAEP
	 * with the default parameters, an empty SEQUENCE (RFC 4055 4.1) */
	return asn1_wrap(ASN1_SEQUENCE, "cmmm",
				ASN1_INTEGER_2,
				asn1_simple_object(ASN1_CONTEXT_S_0, ski),
				asn1_wrap(ASN1_SEQUENCE, "mm",
					asn1_build_known_oid(OID_RSAES_OAEP),
					asn1_wrap(ASN1_SEQUENCE, "")),
				asn1_wrap(ASN1_OCTET_STRING, "c", encrypted));
}

/*
 * Described in header
 */
chunk_t getcert_cms_build_enveloped_ski(chunk_t content, public_key_t *public,
										chunk_t ski)
{
	chunk_t cek = chunk_empty, ekey = chunk_empty, ktri, env = chunk_empty;
	rng_t *rng;

	if (public->get_type(public) != KEY_RSA || !ski.len)
	{
		return chunk_empty;
	}
	rng = lib->crypto->create_rng(lib->crypto, RNG_STRONG);
	if (rng && rng->allocate_bytes(rng, 32, &cek) &&
		public->encrypt(public, ENCRYPT_RSA_OAEP_SHA1, NULL, cek, &ekey))
	{
		ktri = getcert_cms_build_ktri_ski(ski, ekey);
		/* the content is a SignedData (RFC 5652 6.1: contentType is the
		 * type of the content encrypted) */
		env = build_enveloped(OID_PKCS7_SIGNED_DATA, content, ENCR_AES_CBC,
							  256, cek, ktri, TRUE);
		chunk_free(&ktri);
	}
	chunk_clear(&cek);
	chunk_free(&ekey);
	DESTROY_IF(rng);
	return env;
}

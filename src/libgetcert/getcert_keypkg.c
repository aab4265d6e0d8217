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

#include "getcert_keypkg.h"
#include "getcert_cms.h"
#include "getcert_cms_signed.h"
#include "getcert_cms_enveloped.h"

#include <utils/debug.h>
#include <asn1/asn1.h>
#include <asn1/oid.h>

/**
 * Key type of a privateKeyAlgorithm, KEY_ANY if not one we accept
 */
static key_type_t key_type_of(int oid)
{
	switch (oid)
	{
		case OID_RSA_ENCRYPTION:
			return KEY_RSA;
		case OID_EC_PUBLICKEY:
			return KEY_ECDSA;
		case OID_ED25519:
			return KEY_ED25519;
		case OID_ED448:
			return KEY_ED448;
		default:
			return KEY_ANY;
	}
}

/**
 * Parse a OneAsymmetricKey (RFC 5958 2), or a PrivateKeyInfo (version v1,
 * no publicKey) with pkcs8 set: the privateKeyAlgorithm (complete
 * encoding), its key type and the privateKey contents, pointing into blob
 */
static bool parse_one_key(chunk_t blob, bool pkcs8, chunk_t *alg,
						  key_type_t *type, chunk_t *priv)
{
	chunk_t seq, version, inner, tlv, params;
	int oid;
	bool v2;

	if (!getcert_cms_take(&blob, ASN1_SEQUENCE, &seq, NULL) || blob.len ||
		!getcert_cms_take(&seq, ASN1_INTEGER, &version, NULL) ||
		version.len != 1)
	{
		DBG1(DBG_LIB, "key package: malformed OneAsymmetricKey");
		return FALSE;
	}
	switch (version.ptr[0])
	{
		case 0:
			v2 = FALSE;
			break;
		case 1:
			v2 = TRUE;
			if (!pkcs8)
			{
				break;
			}
			/* fall-through */
		default:
			DBG1(DBG_LIB, "key package: OneAsymmetricKey version %d not "
				 "supported", version.ptr[0]);
			return FALSE;
	}
	if (!getcert_cms_take(&seq, ASN1_SEQUENCE, &inner, alg))
	{
		DBG1(DBG_LIB, "key package: malformed privateKeyAlgorithm");
		return FALSE;
	}
	tlv = *alg;
	if (!getcert_cms_take_alg(&tlv, &oid, &params) || tlv.len)
	{
		DBG1(DBG_LIB, "key package: malformed privateKeyAlgorithm");
		return FALSE;
	}
	*type = key_type_of(oid);
	if (*type == KEY_ANY)
	{
		DBG1(DBG_LIB, "key package: private key algorithm %s not supported",
			 getcert_cms_oid_name(oid));
		return FALSE;
	}
	if (!getcert_cms_take(&seq, ASN1_OCTET_STRING, priv, NULL) ||
		!priv->len)
	{
		DBG1(DBG_LIB, "key package: malformed privateKey");
		return FALSE;
	}
	if (seq.len && seq.ptr[0] == ASN1_CONTEXT_C_0 &&
		!getcert_cms_take(&seq, ASN1_CONTEXT_C_0, &inner, NULL))
	{
		DBG1(DBG_LIB, "key package: malformed attributes");
		return FALSE;
	}
	if (seq.len && v2 && seq.ptr[0] == ASN1_CONTEXT_S_1 &&
		!getcert_cms_take(&seq, ASN1_CONTEXT_S_1, &inner, NULL))
	{
		DBG1(DBG_LIB, "key package: malformed publicKey");
		return FALSE;
	}
	if (seq.len)
	{
		DBG1(DBG_LIB, "key package: trailing data in OneAsymmetricKey");
		return FALSE;
	}
	return TRUE;
}

/**
 * Build a PrivateKeyInfo v1 without attributes from its parts
 */
static chunk_t build_pki(chunk_t alg, chunk_t priv)
{
	/* the OCTET STRING holds the secret: moved with wiping */
	return asn1_wrap(ASN1_SEQUENCE, "cms",
				ASN1_INTEGER_0,
				chunk_clone(alg),
				asn1_wrap(ASN1_OCTET_STRING, "c", priv));
}

/**
 * The privateKeyAlgorithm of a key whose encoding is not PKCS#8
 */
static chunk_t build_alg(private_key_t *key)
{
	int curve;

	switch (key->get_type(key))
	{
		case KEY_RSA:
			return asn1_algorithmIdentifier(OID_RSA_ENCRYPTION);
		case KEY_ECDSA:
			switch (key->get_keysize(key))
			{
				case 256:
					curve = OID_PRIME256V1;
					break;
				case 384:
					curve = OID_SECT384R1;
					break;
				case 521:
					curve = OID_SECT521R1;
					break;
				default:
					return chunk_empty;
			}
			return asn1_wrap(ASN1_SEQUENCE, "mm",
						asn1_build_known_oid(OID_EC_PUBLICKEY),
						asn1_build_known_oid(curve));
		default:
			return chunk_empty;
	}
}

/**
 * The PrivateKeyInfo (v1, no attributes) of a key
 */
static chunk_t build_private_key_info(private_key_t *key)
{
	chunk_t enc, alg, priv, pki = chunk_empty;
	key_type_t type;

	if (!key->get_encoding(key, PRIVKEY_ASN1_DER, &enc))
	{
		DBG1(DBG_LIB, "key package: encoding the %N key failed",
			 key_type_names, key->get_type(key));
		return chunk_empty;
	}
	if (enc.len && enc.ptr[0] == ASN1_SEQUENCE &&
		parse_one_key(enc, FALSE, &alg, &type, &priv))
	{	/* already PKCS#8 (Ed25519 from the openssl plugin), re-encoded
		 * as v1 without attributes or public key */
		if (type == key->get_type(key))
		{
			pki = build_pki(alg, priv);
		}
	}
	else
	{	/* RSAPrivateKey, ECPrivateKey */
		alg = build_alg(key);
		if (alg.len)
		{
			pki = build_pki(alg, enc);
			chunk_free(&alg);
		}
	}
	chunk_clear(&enc);
	if (!pki.len)
	{
		DBG1(DBG_LIB, "key package: %N key not supported", key_type_names,
			 key->get_type(key));
	}
	return pki;
}

/*
 * Described in header
 */
chunk_t getcert_keypkg_build(private_key_t *key)
{
	chunk_t pki;

	pki = build_private_key_info(key);
	if (!pki.len)
	{
		return chunk_empty;
	}
	/* SEQUENCE SIZE (1..MAX) OF OneAsymmetricKey, the secret copied once */
	return asn1_wrap(ASN1_SEQUENCE, "s", pki);
}

/*
 * Described in header
 */
getcert_err_t getcert_keypkg_parse(chunk_t blob, bool pkcs8,
								   private_key_t **key)
{
	chunk_t one, inner, alg, priv, pki;
	key_type_t type;

	*key = NULL;
	one = blob;
	if (!pkcs8)
	{
		if (!getcert_cms_take(&blob, ASN1_SEQUENCE, &inner, NULL) ||
			blob.len)
		{
			DBG1(DBG_LIB, "key package: AsymmetricKeyPackage is not a DER "
				 "SEQUENCE");
			return GETCERT_ERR_MALFORMED;
		}
		if (!inner.len)
		{
			DBG1(DBG_LIB, "key package: AsymmetricKeyPackage holds no key");
			return GETCERT_ERR_MALFORMED;
		}
		if (!getcert_cms_take(&inner, ASN1_SEQUENCE, &priv, &one))
		{
			DBG1(DBG_LIB, "key package: malformed OneAsymmetricKey");
			return GETCERT_ERR_MALFORMED;
		}
		if (inner.len)
		{
			DBG1(DBG_LIB, "key package: AsymmetricKeyPackage holds more "
				 "than one key");
			return GETCERT_ERR_MALFORMED;
		}
	}
	if (!parse_one_key(one, pkcs8, &alg, &type, &priv))
	{
		return GETCERT_ERR_MALFORMED;
	}
	pki = build_pki(alg, priv);
	*key = lib->creds->create(lib->creds, CRED_PRIVATE_KEY, KEY_ANY,
							  BUILD_BLOB_ASN1_DER, pki, BUILD_END);
	chunk_clear(&pki);
	if (!*key)
	{
		DBG1(DBG_LIB, "key package: the %N private key does not parse",
			 key_type_names, type);
		return GETCERT_ERR_MALFORMED;
	}
	if ((*key)->get_type(*key) != type)
	{
		DBG1(DBG_LIB, "key package: private key is not of its algorithm's "
			 "type %N", key_type_names, type);
		(*key)->destroy(*key);
		*key = NULL;
		return GETCERT_ERR_MALFORMED;
	}
	return GETCERT_OK;
}

/*
 * Described in header
 */
bool getcert_keypkg_key_id(public_key_t *key, chunk_t *ski)
{
	chunk_t fp;

	*ski = chunk_empty;
	if (!key->get_fingerprint(key, KEYID_PUBKEY_SHA1, &fp) || !fp.len)
	{
		return FALSE;
	}
	*ski = chunk_clone(fp);
	return TRUE;
}

/*
 * Described in header
 */
chunk_t getcert_keypkg_protect(private_key_t *key, certificate_t *signer,
							   private_key_t *signer_key,
							   public_key_t *recipient, chunk_t recipient_id)
{
	chunk_t pkg, signed_data, ski, env = chunk_empty;

	if (recipient->get_type(recipient) != KEY_RSA)
	{
		DBG1(DBG_LIB, "key package: can only encrypt to an RSA key, not %N",
			 key_type_names, recipient->get_type(recipient));
		return chunk_empty;
	}
	if (!getcert_keypkg_key_id(recipient, &ski))
	{
		return chunk_empty;
	}
	if (!chunk_equals(ski, recipient_id))
	{
		DBG1(DBG_LIB, "key package: key identifier %#B does not name the "
			 "recipient key", &recipient_id);
		chunk_free(&ski);
		return chunk_empty;
	}
	chunk_free(&ski);
	pkg = getcert_keypkg_build(key);
	if (!pkg.len)
	{
		return chunk_empty;
	}
	signed_data = getcert_cms_build_signed_type(pkg,
								GETCERT_OID_KP_AKEYPACKAGE, chunk_empty,
								signer, signer_key, HASH_SHA256, FALSE);
	chunk_clear(&pkg);
	if (!signed_data.len)
	{
		DBG1(DBG_LIB, "key package: signing with the %N key of '%Y' failed",
			 key_type_names, signer_key->get_type(signer_key),
			 signer->get_subject(signer));
		return chunk_empty;
	}
	env = getcert_cms_build_enveloped_ski(signed_data, recipient,
										  recipient_id);
	chunk_clear(&signed_data);
	if (!env.len)
	{
		DBG1(DBG_LIB, "key package: encrypting to the recipient key failed");
	}
	return env;
}

/*
 * Described in header
 */
getcert_err_t getcert_keypkg_unprotect(chunk_t blob, private_key_t *decrypt_key,
									   linked_list_t *signers,
									   private_key_t **key)
{
	public_key_t *public;
	getcert_cms_t *cms;
	getcert_err_t err;
	chunk_t ski, plain;

	*key = NULL;
	if (decrypt_key->get_type(decrypt_key) != KEY_RSA)
	{
		DBG1(DBG_LIB, "key package: decryption key is not an RSA key");
		return GETCERT_ERR_DECRYPT;
	}
	public = decrypt_key->get_public_key(decrypt_key);
	if (!public || !getcert_keypkg_key_id(public, &ski))
	{
		DESTROY_IF(public);
		return GETCERT_ERR_INTERNAL;
	}
	public->destroy(public);
	err = getcert_cms_decrypt_ski(blob, ski, decrypt_key, GETCERT_CMS_AES_ONLY,
								  chunk_empty, &plain);
	chunk_free(&ski);
	if (err != GETCERT_OK)
	{
		DBG1(DBG_LIB, "key package: EnvelopedData does not decrypt with our "
			 "key: %N", getcert_err_names, err);
		return err;
	}
	cms = getcert_cms_parse(plain);
	if (!cms)
	{
		DBG1(DBG_LIB, "key package: decrypted content is not SignedData");
		chunk_clear(&plain);
		return GETCERT_ERR_MALFORMED;
	}
	if (cms->get_digest(cms) == HASH_UNKNOWN)
	{
		DBG1(DBG_LIB, "key package: SignedData is not signed");
		err = GETCERT_ERR_SIGNATURE;
	}
	else if (!cms->verify(cms, signers, NULL))
	{
		DBG1(DBG_LIB, "key package: SignedData not signed by a trusted "
			 "signer (the CA or its RA)");
		err = GETCERT_ERR_SIGNATURE;
	}
	else if (cms->get_digest(cms) == HASH_SHA1)
	{
		DBG1(DBG_LIB, "key package: signed with SHA-1, not accepted");
		err = GETCERT_ERR_POLICY;
	}
	else if (!chunk_equals(cms->get_content_type(cms),
						   GETCERT_OID_KP_AKEYPACKAGE))
	{
		DBG1(DBG_LIB, "key package: content type is not "
			 "id-ct-KP-aKeyPackage");
		err = GETCERT_ERR_MALFORMED;
	}
	else
	{
		err = getcert_keypkg_parse(cms->get_content(cms), FALSE, key);
	}
	cms->destroy(cms);
	chunk_clear(&plain);
	return err;
}

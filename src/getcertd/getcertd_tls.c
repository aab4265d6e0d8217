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

#include "getcertd_tls.h"

#include <errno.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <utils/debug.h>

/**
 * Most certificates of the chain sent
 */
#define MAX_CHAIN 8

typedef struct private_getcertd_tls_t private_getcertd_tls_t;

/**
 * Private data of a getcertd_tls_t object.
 */
struct private_getcertd_tls_t {

	/**
	 * Public interface.
	 */
	getcertd_tls_t public;

	/**
	 * Certificate chain, the server's first.
	 */
	gnutls_pcert_st chain[MAX_CHAIN];

	/**
	 * Certificates in chain.
	 */
	u_int count;

	/**
	 * GnuTLS' view of the key (external, signs through key).
	 */
	gnutls_privkey_t gkey;

	/**
	 * The private key, in OpenSSL.
	 */
	EVP_PKEY *key;

	/**
	 * Its type (EVP_PKEY_RSA, EVP_PKEY_EC, EVP_PKEY_ED25519) and bits.
	 */
	int type;
	int bits;
};

/**
 * How a TLS signature algorithm signs with the key: the digest (NULL for
 * a DigestInfo or Ed25519) and whether with RSA-PSS; FALSE if the key
 * cannot make it
 */
static bool map_algo(private_getcertd_tls_t *this,
					 gnutls_sign_algorithm_t algo, const EVP_MD **md,
					 bool *pss)
{
	*md = NULL;
	*pss = FALSE;
	switch (this->type)
	{
		case EVP_PKEY_RSA:
			switch (algo)
			{
				case GNUTLS_SIGN_RSA_RAW:
					return TRUE;
				case GNUTLS_SIGN_RSA_PSS_RSAE_SHA256:
					*pss = TRUE;
					/* fall-through */
				case GNUTLS_SIGN_RSA_SHA256:
					*md = EVP_sha256();
					return TRUE;
				case GNUTLS_SIGN_RSA_PSS_RSAE_SHA384:
					*pss = TRUE;
					/* fall-through */
				case GNUTLS_SIGN_RSA_SHA384:
					*md = EVP_sha384();
					return TRUE;
				case GNUTLS_SIGN_RSA_PSS_RSAE_SHA512:
					*pss = TRUE;
					/* fall-through */
				case GNUTLS_SIGN_RSA_SHA512:
					*md = EVP_sha512();
					return TRUE;
				default:
					return FALSE;
			}
		case EVP_PKEY_EC:
			switch (algo)
			{
				case GNUTLS_SIGN_ECDSA_SECP256R1_SHA256:
					if (this->bits != 256)
					{
						return FALSE;
					}
					/* fall-through */
				case GNUTLS_SIGN_ECDSA_SHA256:
					*md = EVP_sha256();
					return TRUE;
				case GNUTLS_SIGN_ECDSA_SECP384R1_SHA384:
					if (this->bits != 384)
					{
						return FALSE;
					}
					/* fall-through */
				case GNUTLS_SIGN_ECDSA_SHA384:
					*md = EVP_sha384();
					return TRUE;
				case GNUTLS_SIGN_ECDSA_SECP521R1_SHA512:
					if (this->bits != 521)
					{
						return FALSE;
					}
					/* fall-through */
				case GNUTLS_SIGN_ECDSA_SHA512:
					*md = EVP_sha512();
					return TRUE;
				default:
					return FALSE;
			}
		case EVP_PKEY_ED25519:
			return algo == GNUTLS_SIGN_EDDSA_ED25519;
		default:
			return FALSE;
	}
}

/**
 * Copy a signature into memory GnuTLS frees
 */
static int export_sig(u_char *sig, size_t len, gnutls_datum_t *signature)
{
	signature->data = gnutls_malloc(len);
	if (!signature->data)
	{
		return GNUTLS_E_MEMORY_ERROR;
	}
	memcpy(signature->data, sig, len);
	signature->size = len;
	return 0;
}

/**
 * gnutls_privkey_sign_hash_func: GnuTLS hashes the handshake data of RSA
 * and ECDSA signatures itself (for RSA PKCS#1 v1.5 it passes the
 * DigestInfo as GNUTLS_SIGN_RSA_RAW)
 */
static int sign_hash(gnutls_privkey_t gkey, gnutls_sign_algorithm_t algo,
					 void *userdata, unsigned int flags,
					 const gnutls_datum_t *hash, gnutls_datum_t *signature)
{
	private_getcertd_tls_t *this = userdata;
	EVP_PKEY_CTX *ctx;
	const EVP_MD *md;
	u_char sig[1024];
	size_t len = sizeof(sig);
	bool pss;
	int err = GNUTLS_E_PK_SIGN_FAILED;

	if (this->type == EVP_PKEY_ED25519 || !map_algo(this, algo, &md, &pss))
	{
		return GNUTLS_E_UNSUPPORTED_SIGNATURE_ALGORITHM;
	}
	ctx = EVP_PKEY_CTX_new(this->key, NULL);
	if (ctx && EVP_PKEY_sign_init(ctx) > 0 &&
		(this->type != EVP_PKEY_RSA ||
		 EVP_PKEY_CTX_set_rsa_padding(ctx, pss ? RSA_PKCS1_PSS_PADDING
											   : RSA_PKCS1_PADDING) > 0) &&
		(!md || EVP_PKEY_CTX_set_signature_md(ctx, md) > 0) &&
		(!pss || (EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, md) > 0 &&
				  EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx,
										RSA_PSS_SALTLEN_DIGEST) > 0)) &&
		EVP_PKEY_sign(ctx, sig, &len, hash->data, hash->size) > 0)
	{
		err = export_sig(sig, len, signature);
	}
	else
	{
		DBG1(DBG_APP, "TLS: signing with the server key failed");
	}
	EVP_PKEY_CTX_free(ctx);
	return err;
}

/**
 * gnutls_privkey_sign_data_func: Ed25519 signs the data itself
 */
static int sign_data(gnutls_privkey_t gkey, gnutls_sign_algorithm_t algo,
					 void *userdata, unsigned int flags,
					 const gnutls_datum_t *data, gnutls_datum_t *signature)
{
	private_getcertd_tls_t *this = userdata;
	EVP_MD_CTX *ctx;
	u_char sig[64];
	size_t len = sizeof(sig);
	int err = GNUTLS_E_PK_SIGN_FAILED;

	if (this->type != EVP_PKEY_ED25519 ||
		algo != GNUTLS_SIGN_EDDSA_ED25519)
	{
		return GNUTLS_E_UNSUPPORTED_SIGNATURE_ALGORITHM;
	}
	ctx = EVP_MD_CTX_new();
	if (ctx && EVP_DigestSignInit(ctx, NULL, NULL, NULL, this->key) > 0 &&
		EVP_DigestSign(ctx, sig, &len, data->data, data->size) > 0)
	{
		err = export_sig(sig, len, signature);
	}
	else
	{
		DBG1(DBG_APP, "TLS: signing with the server key failed");
	}
	EVP_MD_CTX_free(ctx);
	return err;
}

/**
 * gnutls_privkey_info_func
 */
static int info(gnutls_privkey_t gkey, unsigned int flags, void *userdata)
{
	private_getcertd_tls_t *this = userdata;
	const EVP_MD *md;
	bool pss;

	if (flags & GNUTLS_PRIVKEY_INFO_HAVE_SIGN_ALGO)
	{
		return map_algo(this, GNUTLS_FLAGS_TO_SIGN_ALGO(flags), &md, &pss);
	}
	if (flags & GNUTLS_PRIVKEY_INFO_PK_ALGO_BITS)
	{
		return this->bits;
	}
	if (flags & GNUTLS_PRIVKEY_INFO_PK_ALGO)
	{
		switch (this->type)
		{
			case EVP_PKEY_RSA:
				return GNUTLS_PK_RSA;
			case EVP_PKEY_EC:
				return GNUTLS_PK_ECDSA;
			case EVP_PKEY_ED25519:
				return GNUTLS_PK_EDDSA_ED25519;
			default:
				return GNUTLS_PK_UNKNOWN;
		}
	}
	if (flags & GNUTLS_PRIVKEY_INFO_SIGN_ALGO)
	{
		return GNUTLS_SIGN_UNKNOWN;
	}
	return GNUTLS_E_UNIMPLEMENTED_FEATURE;
}

METHOD(getcertd_tls_t, get, void,
	private_getcertd_tls_t *this, gnutls_pcert_st **pcert, u_int *count,
	gnutls_privkey_t *key)
{
	*pcert = this->chain;
	*count = this->count;
	*key = this->gkey;
}

METHOD(getcertd_tls_t, destroy, void,
	private_getcertd_tls_t *this)
{
	u_int i;

	if (this->gkey)
	{
		gnutls_privkey_deinit(this->gkey);
	}
	for (i = 0; i < this->count; i++)
	{
		gnutls_pcert_deinit(&this->chain[i]);
	}
	EVP_PKEY_free(this->key);
	free(this);
}

/**
 * Load the private key (PEM or DER), check that it is the one of the
 * chain's first certificate
 */
static bool load_key(private_getcertd_tls_t *this, char *path)
{
	const u_char *der;
	chunk_t *map;
	X509 *x509;
	BIO *bio;
	bool ok;

	map = chunk_map(path, FALSE);
	if (!map)
	{
		DBG1(DBG_APP, "reading '%s' failed: %s", path, strerror(errno));
		return FALSE;
	}
	bio = BIO_new_mem_buf(map->ptr, map->len);
	this->key = bio ? PEM_read_bio_PrivateKey(bio, NULL, NULL, "") : NULL;
	BIO_free(bio);
	if (!this->key)
	{
		der = map->ptr;
		this->key = d2i_AutoPrivateKey(NULL, &der, map->len);
	}
	chunk_unmap(map);
	if (!this->key)
	{
		DBG1(DBG_APP, "no private key (PEM or DER, not encrypted) in '%s'",
			 path);
		return FALSE;
	}
	this->type = EVP_PKEY_get_base_id(this->key);
	this->bits = EVP_PKEY_get_bits(this->key);
	if (this->type != EVP_PKEY_RSA && this->type != EVP_PKEY_EC &&
		this->type != EVP_PKEY_ED25519)
	{
		DBG1(DBG_APP, "the TLS key in '%s' is not RSA, ECDSA or Ed25519",
			 path);
		return FALSE;
	}
	der = this->chain[0].cert.data;
	x509 = d2i_X509(NULL, &der, this->chain[0].cert.size);
	ok = x509 && X509_check_private_key(x509, this->key) == 1;
	X509_free(x509);
	if (!ok)
	{
		DBG1(DBG_APP, "the key in '%s' does not belong to the TLS "
			 "certificate", path);
	}
	return ok;
}

/*
 * Described in header
 */
getcertd_tls_t *getcertd_tls_create(char *cert, char *key)
{
	private_getcertd_tls_t *this;
	gnutls_datum_t data;
	chunk_t *map;
	int err;

	INIT(this,
		.public = {
			.get = _get,
			.destroy = _destroy,
		},
		.count = MAX_CHAIN,
	);

	map = chunk_map(cert, FALSE);
	if (!map)
	{
		DBG1(DBG_APP, "reading '%s' failed: %s", cert, strerror(errno));
		this->count = 0;
		destroy(this);
		return NULL;
	}
	data = (gnutls_datum_t){ .data = map->ptr, .size = map->len, };
	err = gnutls_pcert_list_import_x509_raw(this->chain, &this->count, &data,
											GNUTLS_X509_FMT_PEM, 0);
	chunk_unmap(map);
	if (err < 0 || !this->count)
	{
		DBG1(DBG_APP, "no certificate chain (PEM, at most %d certificates) "
			 "in '%s': %s", MAX_CHAIN, cert, gnutls_strerror(err));
		this->count = 0;
		destroy(this);
		return NULL;
	}
	if (!load_key(this, key))
	{
		destroy(this);
		return NULL;
	}
	if (gnutls_privkey_init(&this->gkey) < 0)
	{
		this->gkey = NULL;
		destroy(this);
		return NULL;
	}
	err = gnutls_privkey_import_ext4(this->gkey, this, sign_data, sign_hash,
									 NULL, NULL, info, 0);
	if (err < 0)
	{
		DBG1(DBG_APP, "using the TLS key '%s' failed: %s", key,
			 gnutls_strerror(err));
		destroy(this);
		return NULL;
	}
	return &this->public;
}

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

#include "fuzz_common.h"

#include <getcert_scep.h>

#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <time.h>
#include <sys/stat.h>

#include <getcert_cms_signed.h>

#include <utils/debug.h>
#include <asn1/asn1.h>
#include <asn1/oid.h>
#include <crypto/hashers/hasher.h>
#include <credentials/certificates/x509.h>

#ifndef FUZZ_FIXTURES_DIR
#define FUZZ_FIXTURES_DIR "fixtures"
#endif

fuzz_fixtures_t fx;
bool fuzz_debug;

static volatile uint32_t sink;

/**
 * dbg() hook dropping everything
 */
static void dbg_silent(debug_t group, level_t level, char *fmt, ...)
{
}

static void __attribute__((noreturn)) die(char *fmt, char *arg)
{
	fprintf(stderr, "fuzz: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n");
	abort();
}

/**
 * Path of a fixture file
 */
static char *fixture_path(char *name)
{
	static char path[PATH_MAX];
	char *dir = getenv("FUZZ_FIXTURES") ?: FUZZ_FIXTURES_DIR;

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path))
	{
		die("fixture path too long: %s", dir);
	}
	return path;
}

static private_key_t *load_key(char *name, key_type_t type)
{
	private_key_t *key;
	char *path = fixture_path(name);

	key = lib->creds->create(lib->creds, CRED_PRIVATE_KEY, type,
							 BUILD_FROM_FILE, path, BUILD_END);
	if (!key)
	{
		die("loading private key %s failed (set FUZZ_FIXTURES?)", path);
	}
	return key;
}

static certificate_t *load_cert(char *name, certificate_type_t type)
{
	certificate_t *cert;
	char *path = fixture_path(name);

	cert = lib->creds->create(lib->creds, CRED_CERTIFICATE, type,
							  BUILD_FROM_FILE, path, BUILD_END);
	if (!cert)
	{
		die("loading certificate %s failed (set FUZZ_FIXTURES?)", path);
	}
	return cert;
}

/*
 * Described in header
 */
/**
 * Use every algorithm a target may reach once, so that OpenSSL's lazy
 * one-time allocations (provider method caches, the legacy provider for
 * DES) happen before fuzzing and are not reported as leaks of an input
 */
static void warm_up()
{
	struct {
		encryption_algorithm_t alg;
		size_t key_size;
	} crypters[] = {
		{ ENCR_AES_CBC, 16 }, { ENCR_AES_CBC, 24 }, { ENCR_AES_CBC, 32 },
		{ ENCR_3DES, 24 }, { ENCR_DES, 8 },
	};
	hash_algorithm_t hashes[] = {
		HASH_SHA1, HASH_SHA224, HASH_SHA256, HASH_SHA384, HASH_SHA512, HASH_MD5,
	};
	u_char buf[64] = {};
	chunk_t data = chunk_from_thing(buf), out;
	crypter_t *crypter;
	hasher_t *hasher;
	int i;

	for (i = 0; i < countof(crypters); i++)
	{
		crypter = lib->crypto->create_crypter(lib->crypto, crypters[i].alg,
											  crypters[i].key_size);
		if (crypter)
		{
			if (crypter->set_key(crypter, chunk_create(buf,
										crypter->get_key_size(crypter))) &&
				crypter->encrypt(crypter, chunk_create(buf, 32),
						chunk_create(buf, crypter->get_iv_size(crypter)), &out))
			{
				chunk_free(&out);
			}
			crypter->destroy(crypter);
		}
	}
	for (i = 0; i < countof(hashes); i++)
	{
		hasher = lib->crypto->create_hasher(lib->crypto, hashes[i]);
		if (hasher)
		{
			if (hasher->allocate_hash(hasher, data, &out))
			{
				chunk_free(&out);
			}
			hasher->destroy(hasher);
		}
	}
	/* failing RSA decryptions, both paddings */
	if (fx.ca_key->decrypt(fx.ca_key, ENCRYPT_RSA_PKCS1, NULL, data, &out))
	{
		chunk_free(&out);
	}
	if (fx.ca_key->decrypt(fx.ca_key, ENCRYPT_RSA_OAEP_SHA1, NULL, data, &out))
	{
		chunk_free(&out);
	}
}

void fuzz_init(char *name)
{
	certificate_t *crl;

	/* OpenSSL's atexit() cleanup runs before LeakSanitizer's check and
	 * frees its provider store, but not the legacy and default providers
	 * strongSwan's openssl plugin loads (they keep the reference
	 * OSSL_PROVIDER_load() took): reported as indirect leaks at exit in
	 * some runs. A fuzzer process ends with its state, nothing to clean. */
	fuzz_openssl_no_atexit();
	if (!library_init(NULL, name))
	{
		die("library_init() failed for %s", name);
	}
	if (!lib->plugins->load(lib->plugins, FUZZ_PLUGINS))
	{
		die("loading plugins '%s' failed", FUZZ_PLUGINS);
	}
	fuzz_debug = getenv("FUZZ_DEBUG") != NULL;
	if (!fuzz_debug)
	{
		dbg = dbg_silent;
	}
	fx.ca_key = load_key("ca.key", KEY_RSA);
	fx.ca = load_cert("ca.crt", CERT_X509);
	fx.ra_key = load_key("ra.key", KEY_ECDSA);
	fx.ra = load_cert("ra.crt", CERT_X509);
	fx.client_key = load_key("client.key", KEY_RSA);
	fx.client = load_cert("client.crt", CERT_X509);
	crl = load_cert("ca.crl", CERT_X509_CRL);
	if (!crl->get_encoding(crl, CERT_ASN1_DER, &fx.crl))
	{
		die("encoding %s failed", "ca.crl");
	}
	crl->destroy(crl);
	warm_up();
}

/*
 * Described in header
 */
char *fuzz_seed_dir(void)
{
	char *dir = getenv("FUZZ_WRITE_SEEDS");

	if (!dir || !*dir)
	{
		return NULL;
	}
	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
	{
		die("creating seed directory %s failed", dir);
	}
	return dir;
}

/*
 * Described in header
 */
void fuzz_seeds(void (*write_seeds)(char *dir))
{
	char *dir = fuzz_seed_dir();

	if (dir)
	{
		write_seeds(dir);
		exit(0);
	}
}

/*
 * Described in header
 */
void fuzz_write_seed(char *dir, char *name, chunk_t data)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!data.len)
	{
		die("building seed %s failed", name);
	}
	if (!chunk_write(data, path, 022, TRUE))
	{
		die("writing seed %s failed", path);
	}
}

/*
 * Described in header
 */
void fuzz_write_seed_free(char *dir, char *name, chunk_t data)
{
	fuzz_write_seed(dir, name, data);
	chunk_free(&data);
}

/*
 * Described in header
 */
uint32_t fuzz_touch(chunk_t data)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i < data.len; i++)
	{
		sum = sum * 31 + data.ptr[i];
	}
	sink ^= sum;
	return sum;
}

/*
 * Described in header
 */
void fuzz_sink(uint32_t value)
{
	sink ^= value;
}

/**
 * [0] SubjectKeyIdentifier of a certificate
 */
static chunk_t ski_id(certificate_t *cert)
{
	x509_t *x509 = (x509_t*)cert;

	return asn1_wrap(ASN1_CONTEXT_S_0, "c",
					 x509->get_subjectKeyIdentifier(x509));
}

/*
 * Described in header
 */
chunk_t fuzz_build_signed(chunk_t content, chunk_t attrs,
						  certificate_t *signer, private_key_t *key,
						  hash_algorithm_t digest, bool ski, chunk_t crl)
{
	chunk_t set, signature, cert, sig_alg, encap;
	chunk_t crls = chunk_empty, body, version, digests, certs, signers;
	signature_scheme_t scheme;
	int oid;

	oid = hasher_signature_algorithm_to_oid(digest, key->get_type(key));
	scheme = signature_scheme_from_oid(oid);
	set = getcert_cms_build_signed_attrs(content, digest, attrs);
	if (!set.len)
	{
		die("hasher %s not available", "for seed");
	}
	if (!key->sign(key, scheme, NULL, set, &signature))
	{
		die("signing %s failed", "seed");
	}
	set.ptr[0] = ASN1_CONTEXT_C_0;
	if (!signer->get_encoding(signer, CERT_ASN1_DER, &cert))
	{
		die("encoding %s failed", "signer");
	}
	sig_alg = getcert_cms_build_sig_alg(key->get_type(key), oid);
	encap = getcert_cms_build_encap_data(content);
	if (crl.len)
	{
		crls = asn1_wrap(ASN1_CONTEXT_C_1, "c", crl);
	}
	/* chunk_cat() evaluates its arguments twice, build them first */
	version = ski ? chunk_from_chars(0x02, 0x01, 0x03) : ASN1_INTEGER_1;
	digests = asn1_wrap(ASN1_SET, "m",
					asn1_algorithmIdentifier(hasher_algorithm_to_oid(digest)));
	certs = asn1_wrap(ASN1_CONTEXT_C_0, "m", cert);
	signers = asn1_wrap(ASN1_SET, "m",
					asn1_wrap(ASN1_SEQUENCE, "cmmmmm", version,
						ski ? ski_id(signer) : getcert_cms_issuer_serial(signer),
						asn1_algorithmIdentifier(
							hasher_algorithm_to_oid(digest)),
						set, sig_alg,
						asn1_wrap(ASN1_OCTET_STRING, "m", signature)));
	body = chunk_cat("cmmmmm", version, digests, encap, certs, crls, signers);
	return asn1_wrap(ASN1_SEQUENCE, "mm",
				asn1_build_known_oid(OID_PKCS7_SIGNED_DATA),
				asn1_wrap(ASN1_CONTEXT_C_0, "m",
					asn1_wrap(ASN1_SEQUENCE, "m", body)));
}

/*
 * Described in header
 */
chunk_t fuzz_build_signed_no_attrs(chunk_t content, certificate_t *signer,
								   private_key_t *key, hash_algorithm_t digest)
{
	chunk_t signature, cert, sig_alg, version, digests, encap, certs;
	chunk_t signers, body;
	signature_scheme_t scheme;
	int oid;

	oid = hasher_signature_algorithm_to_oid(digest, key->get_type(key));
	scheme = signature_scheme_from_oid(oid);
	if (!key->sign(key, scheme, NULL, content, &signature) ||
		!signer->get_encoding(signer, CERT_ASN1_DER, &cert))
	{
		die("signing %s failed", "seed");
	}
	sig_alg = getcert_cms_build_sig_alg(key->get_type(key), oid);
	/* chunk_cat() evaluates its arguments twice, build them first */
	version = ASN1_INTEGER_1;
	digests = asn1_wrap(ASN1_SET, "m",
					asn1_algorithmIdentifier(hasher_algorithm_to_oid(digest)));
	encap = asn1_wrap(ASN1_SEQUENCE, "mm",
				asn1_build_known_oid(OID_PKCS7_DATA),
				asn1_wrap(ASN1_CONTEXT_C_0, "m",
					asn1_wrap(ASN1_OCTET_STRING, "c", content)));
	certs = asn1_wrap(ASN1_CONTEXT_C_0, "m", cert);
	signers = asn1_wrap(ASN1_SET, "m",
					asn1_wrap(ASN1_SEQUENCE, "cmmmm", version,
						getcert_cms_issuer_serial(signer),
						asn1_algorithmIdentifier(
							hasher_algorithm_to_oid(digest)),
						sig_alg,
						asn1_wrap(ASN1_OCTET_STRING, "m", signature)));
	body = chunk_cat("cmmmm", version, digests, encap, certs, signers);
	return asn1_wrap(ASN1_SEQUENCE, "mm",
				asn1_build_known_oid(OID_PKCS7_SIGNED_DATA),
				asn1_wrap(ASN1_CONTEXT_C_0, "m",
					asn1_wrap(ASN1_SEQUENCE, "m", body)));
}

/**
 * Encrypt the content encryption key for a recipient
 */
static chunk_t ktri(certificate_t *recipient, chunk_t cek, bool ski,
					bool oaep)
{
	public_key_t *public;
	chunk_t ekey;

	public = recipient->get_public_key(recipient);
	if (!public || !public->encrypt(public, oaep ? ENCRYPT_RSA_OAEP_SHA1
												 : ENCRYPT_RSA_PKCS1,
									NULL, cek, &ekey))
	{
		die("encrypting the CEK %s failed", "for a seed");
	}
	public->destroy(public);
	return asn1_wrap(ASN1_SEQUENCE, "cmmm",
				ski ? chunk_from_chars(0x02, 0x01, 0x02) : ASN1_INTEGER_0,
				ski ? ski_id(recipient) : getcert_cms_issuer_serial(recipient),
				oaep ? asn1_wrap(ASN1_SEQUENCE, "m",
								 asn1_build_known_oid(OID_RSAES_OAEP))
					 : asn1_algorithmIdentifier(OID_RSA_ENCRYPTION),
				asn1_wrap(ASN1_OCTET_STRING, "m", ekey));
}

/*
 * Described in header
 */
chunk_t fuzz_build_enveloped(chunk_t content, certificate_t *recipient,
							 encryption_algorithm_t alg, size_t key_size,
							 u_int opts)
{
	bool ski = opts & FUZZ_ENV_SKI, oaep = opts & FUZZ_ENV_OAEP;
	bool other = opts & FUZZ_ENV_OTHER;
	chunk_t cek, iv, padded, encrypted, infos, others = chunk_empty;
	chunk_t kari, not_us, us, eci, part;
	crypter_t *crypter;
	rng_t *rng;
	size_t bs, pad;
	int oid;

	oid = encryption_algorithm_to_oid(alg, key_size);
	crypter = lib->crypto->create_crypter(lib->crypto, alg, key_size / 8);
	rng = lib->crypto->create_rng(lib->crypto, RNG_WEAK);
	if (oid == OID_UNKNOWN || !crypter || !rng ||
		!rng->allocate_bytes(rng, crypter->get_key_size(crypter), &cek) ||
		!rng->allocate_bytes(rng, crypter->get_iv_size(crypter), &iv) ||
		!crypter->set_key(crypter, cek))
	{
		die("crypter for %s not available", "seed");
	}
	rng->destroy(rng);
	if (opts & FUZZ_ENV_BAD_IV)
	{
		iv.len--;
	}
	bs = crypter->get_block_size(crypter);
	pad = bs - content.len % bs;
	padded = chunk_alloc(content.len + pad);
	memcpy(padded.ptr, content.ptr, content.len);
	memset(padded.ptr + content.len, pad, pad);
	if (opts & FUZZ_ENV_BAD_IV)
	{	/* the crypter wants a full IV */
		iv.len++;
		if (!crypter->encrypt(crypter, padded, iv, &encrypted))
		{
			die("encrypting %s failed", "seed");
		}
		iv.len--;
	}
	else if (!crypter->encrypt(crypter, padded, iv, &encrypted))
	{
		die("encrypting %s failed", "seed");
	}
	if (opts & FUZZ_ENV_BAD_CEK)
	{
		cek.len--;
	}
	crypter->destroy(crypter);
	chunk_free(&padded);

	/* chunk_cat() evaluates its arguments twice, build them first */
	if (other)
	{	/* a KeyAgreeRecipientInfo stub and a recipient that isn't us */
		kari = asn1_wrap(ASN1_CONTEXT_C_1, "c",
						 chunk_from_chars(0x02, 0x01, 0x03));
		not_us = ktri(fx.ca, cek, FALSE, FALSE);
		others = chunk_cat("mm", kari, not_us);
	}
	us = ktri(recipient, cek, ski, oaep);
	infos = chunk_cat("mm", others, us);
	chunk_free(&cek);

	if (opts & FUZZ_ENV_CONSTRUCTED)
	{	/* segments of 7 bytes, as a BER encoder may split it */
		chunk_t rest = encrypted, segs = chunk_empty;

		while (rest.len)
		{
			part = asn1_wrap(ASN1_OCTET_STRING, "c",
							 chunk_create(rest.ptr, min(rest.len, 7)));
			segs = chunk_cat("mm", segs, part);
			rest = chunk_skip(rest, min(rest.len, 7));
		}
		chunk_free(&encrypted);
		eci = asn1_wrap(ASN1_CONTEXT_C_0, "m", segs);
	}
	else if (opts & FUZZ_ENV_TINY_SEGMENTS)
	{	/* written in place: chunk_cat() per segment is quadratic */
		chunk_t segs = chunk_alloc(encrypted.len * 5);
		u_char *pos = segs.ptr;
		size_t i;

		for (i = 0; i < encrypted.len; i++)
		{
			*pos++ = ASN1_OCTET_STRING;
			*pos++ = 1;
			*pos++ = encrypted.ptr[i];
			*pos++ = ASN1_OCTET_STRING;
			*pos++ = 0;
		}
		chunk_free(&encrypted);
		eci = asn1_wrap(ASN1_CONTEXT_C_0, "m", segs);
	}
	else
	{
		eci = asn1_wrap(ASN1_CONTEXT_S_0, "m", encrypted);
	}

	return asn1_wrap(ASN1_SEQUENCE, "mm",
				asn1_build_known_oid(OID_PKCS7_ENVELOPED_DATA),
				asn1_wrap(ASN1_CONTEXT_C_0, "m",
					asn1_wrap(ASN1_SEQUENCE, "cmm",
						ski || other ? chunk_from_chars(0x02, 0x01, 0x02)
									 : ASN1_INTEGER_0,
						asn1_wrap(ASN1_SET, "m", infos),
						asn1_wrap(ASN1_SEQUENCE, "mmm",
							asn1_build_known_oid(OID_PKCS7_DATA),
							asn1_wrap(ASN1_SEQUENCE, "mm",
								asn1_build_known_oid(oid),
								asn1_wrap(ASN1_OCTET_STRING, "m", iv)),
							eci))));
}

/*
 * Described in header
 */
chunk_t fuzz_scep_attrs(int type, char *transid, chunk_t nonce)
{
	chunk_t msg_type, trans_id, sender_nonce;
	char buf[8];

	/* chunk_cat() evaluates its arguments twice, build them first */
	snprintf(buf, sizeof(buf), "%d", type);
	msg_type = getcert_cms_attribute(OID_PKI_MESSAGE_TYPE,
					asn1_wrap(ASN1_PRINTABLESTRING, "c", chunk_from_str(buf)));
	trans_id = getcert_cms_attribute(OID_PKI_TRANS_ID,
					asn1_wrap(ASN1_PRINTABLESTRING, "c",
							  chunk_from_str(transid)));
	sender_nonce = getcert_cms_attribute(OID_PKI_SENDER_NONCE,
					asn1_wrap(ASN1_OCTET_STRING, "c", nonce));
	return chunk_cat("mmm", msg_type, trans_id, sender_nonce);
}

/*
 * Described in header
 */
chunk_t fuzz_csr(char *subject)
{
	identification_t *id;
	certificate_t *csr;
	chunk_t der;

	id = identification_create_from_string(subject);
	csr = lib->creds->create(lib->creds, CRED_CERTIFICATE,
				CERT_PKCS10_REQUEST, BUILD_SIGNING_KEY, fx.client_key,
				BUILD_SUBJECT, id, BUILD_CHALLENGE_PWD, chunk_from_str("secret"),
				BUILD_END);
	id->destroy(id);
	if (!csr || !csr->get_encoding(csr, CERT_ASN1_DER, &der))
	{
		die("building the CSR for %s failed", subject);
	}
	csr->destroy(csr);
	return der;
}

/*
 * Described in header
 */
chunk_t fuzz_scep_request(int type, chunk_t data, encryption_algorithm_t alg,
						  size_t key_size)
{
	static u_char nonce[16] = {
		15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0 };
	getcert_scep_request_t req = {
		.type = type,
		.data = data,
		.transid = chunk_from_str("5EED5EED5EED5EED"),
		.nonce = chunk_from_thing(nonce),
		.recipient = fx.ca,
		.enc_alg = alg,
		.enc_key_size = key_size,
		.signer = fx.client,
		.key = fx.client_key,
		.digest = HASH_SHA256,
	};

	return getcert_scep_build_request(&req);
}

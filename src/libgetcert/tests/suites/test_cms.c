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

#include <test_suite.h>

#include <getcert_cms_signed.h>
#include <getcert_cms_enveloped.h>
#include <getcert_x509.h>
#include <getcert_test_certs.h>

#include <asn1/oid.h>
#include <credentials/certificates/x509.h>

static private_key_t *key;
static certificate_t *cert;
static linked_list_t *trusted;

START_SETUP(setup_cms)
{
	key = gt_rsa_key(1024);
	ck_assert(key);
	cert = gt_cert(key, "CN=signer", NULL, NULL, NULL, TRUE, 3600);
	ck_assert(cert);
	trusted = linked_list_create();
	trusted->insert_last(trusted, cert);
}
END_SETUP

START_TEARDOWN(teardown_cms)
{
	trusted->destroy(trusted);
	cert->destroy(cert);
	key->destroy(key);
}
END_TEARDOWN

static chunk_t content = chunk_from_chars(0x01,0x02,0x03,0x04,0x05);

static chunk_t sign(bool rsa_oid)
{
	chunk_t attr, msg;

	attr = getcert_cms_attribute(OID_PKI_TRANS_ID,
				asn1_wrap(ASN1_PRINTABLESTRING, "c", chunk_from_str("T1")));
	msg = getcert_cms_build_signed(content, attr, cert, key, HASH_SHA256,
								   rsa_oid);
	chunk_free(&attr);
	ck_assert(msg.len);
	return msg;
}

START_TEST(test_signed)
{
	getcert_cms_t *cms;
	certificate_t *signer;
	chunk_t msg, value;

	/* _i: signature algorithm sha256WithRSAEncryption or rsaEncryption */
	msg = sign(_i);
	cms = getcert_cms_parse(msg);
	ck_assert(cms);
	ck_assert_chunk_eq(cms->get_content(cms), content);
	ck_assert(cms->verify(cms, trusted, &signer));
	ck_assert(signer == cert);
	ck_assert(cms->get_attribute(cms, OID_PKI_TRANS_ID, ASN1_PRINTABLESTRING,
								 &value));
	ck_assert_chunk_eq(value, chunk_from_str("T1"));
	ck_assert(!cms->get_attribute(cms, OID_PKI_TRANS_ID, ASN1_OCTET_STRING,
								  &value));
	ck_assert(!cms->get_attribute(cms, OID_PKI_STATUS, ASN1_PRINTABLESTRING,
								  &value));
	cms->destroy(cms);
	chunk_free(&msg);
}
END_TEST

START_TEST(test_signed_ecdsa)
{
	private_key_t *ec;
	certificate_t *ec_cert;
	linked_list_t *list;
	getcert_cms_t *cms;
	chunk_t msg;

	ec = gt_key();
	ec_cert = gt_cert(ec, "CN=ec", NULL, NULL, NULL, TRUE, 3600);
	msg = getcert_cms_build_signed(content, chunk_empty, ec_cert, ec,
								   HASH_SHA256, FALSE);
	cms = getcert_cms_parse(msg);
	ck_assert(cms);
	list = linked_list_create_with_items(ec_cert, NULL);
	ck_assert(cms->verify(cms, list, NULL));
	/* an ECDSA signer is not the RSA one */
	ck_assert(!cms->verify(cms, trusted, NULL));
	list->destroy(list);
	cms->destroy(cms);
	chunk_free(&msg);
	ec_cert->destroy(ec_cert);
	ec->destroy(ec);
}
END_TEST

START_TEST(test_untrusted_signer)
{
	private_key_t *other_key;
	certificate_t *other;
	linked_list_t *list;
	getcert_cms_t *cms;
	chunk_t msg;

	msg = sign(FALSE);
	cms = getcert_cms_parse(msg);
	/* same subject, other key and serial */
	other_key = gt_rsa_key(1024);
	other = gt_cert(other_key, "CN=signer", NULL, NULL, NULL, TRUE, 3600);
	list = linked_list_create_with_items(other, NULL);
	gt_log_start();
	ck_assert(!cms->verify(cms, list, NULL));
	ck_assert(gt_log_contains("signer is not the pinned CA or its RA"));
	gt_log_stop();
	list->destroy(list);
	other->destroy(other);
	other_key->destroy(other_key);
	cms->destroy(cms);
	chunk_free(&msg);
}
END_TEST

/**
 * Find a byte sequence, returns its offset
 */
static int find(chunk_t hay, chunk_t needle, bool last)
{
	int i, found = -1;

	for (i = 0; i + needle.len <= hay.len; i++)
	{
		if (memeq(hay.ptr + i, needle.ptr, needle.len))
		{
			found = i;
			if (!last)
			{
				break;
			}
		}
	}
	return found;
}

START_TEST(test_tampered)
{
	getcert_cms_t *cms;
	chunk_t msg;
	int pos;

	msg = sign(FALSE);
	gt_log_start();
	switch (_i)
	{
		case 0:
			/* the content */
			pos = find(msg, content, FALSE);
			ck_assert(pos > 0);
			msg.ptr[pos + 2] ^= 0x01;
			break;
		case 1:
			/* the signature, at the very end */
			msg.ptr[msg.len - 1] ^= 0x01;
			break;
		case 2:
			/* a signed attribute */
			pos = find(msg, chunk_from_str("T1"), TRUE);
			ck_assert(pos > 0);
			msg.ptr[pos] = 'X';
			break;
	}
	cms = getcert_cms_parse(msg);
	ck_assert(cms);
	ck_assert(!cms->verify(cms, trusted, NULL));
	ck_assert(gt_log_contains(_i ? "signature of 'CN=signer' invalid"
								 : "messageDigest does not match"));
	gt_log_stop();
	cms->destroy(cms);
	chunk_free(&msg);
}
END_TEST

START_TEST(test_no_signed_attrs)
{
	getcert_cms_t *cms;
	chunk_t msg, sig, cert_der;

	/* a signature directly over the content, without signed attributes */
	ck_assert(key->sign(key, SIGN_RSA_EMSA_PKCS1_SHA2_256, NULL, content,
						&sig));
	ck_assert(cert->get_encoding(cert, CERT_ASN1_DER, &cert_der));
	msg = asn1_wrap(ASN1_SEQUENCE, "mm",
			asn1_build_known_oid(OID_PKCS7_SIGNED_DATA),
			asn1_wrap(ASN1_CONTEXT_C_0, "m",
				asn1_wrap(ASN1_SEQUENCE, "cmmmm",
					ASN1_INTEGER_1,
					asn1_wrap(ASN1_SET, "m",
						asn1_algorithmIdentifier(OID_SHA256)),
					asn1_wrap(ASN1_SEQUENCE, "mm",
						asn1_build_known_oid(OID_PKCS7_DATA),
						asn1_wrap(ASN1_CONTEXT_C_0, "m",
							asn1_wrap(ASN1_OCTET_STRING, "c", content))),
					asn1_wrap(ASN1_CONTEXT_C_0, "m", cert_der),
					asn1_wrap(ASN1_SET, "m",
						asn1_wrap(ASN1_SEQUENCE, "cmmmm",
							ASN1_INTEGER_1,
							getcert_cms_issuer_serial(cert),
							asn1_algorithmIdentifier(OID_SHA256),
							asn1_algorithmIdentifier(OID_SHA256_WITH_RSA),
							asn1_wrap(ASN1_OCTET_STRING, "m", sig))))));
	cms = getcert_cms_parse(msg);
	ck_assert(cms);
	gt_log_start();
	ck_assert(!cms->verify(cms, trusted, NULL));
	ck_assert(gt_log_contains("signed attributes missing"));
	gt_log_stop();
	cms->destroy(cms);
	chunk_free(&msg);
}
END_TEST

START_TEST(test_malformed)
{
	chunk_t msg, bad;

	msg = sign(FALSE);
	switch (_i)
	{
		case 0:	/* trailing byte */
			bad = chunk_cat("cc", msg, chunk_from_chars(0x00));
			break;
		case 1:	/* truncated */
			bad = chunk_clone(chunk_create(msg.ptr, msg.len - 1));
			break;
		case 2:	/* indefinite length */
			bad = chunk_clone(msg);
			bad.ptr[1] = 0x80;
			break;
		case 3:	/* huge length */
			bad = chunk_clone(msg);
			bad.ptr[1] = 0x84;
			bad.ptr[2] = bad.ptr[3] = bad.ptr[4] = bad.ptr[5] = 0xff;
			break;
		case 4:	/* empty */
			bad = chunk_empty;
			break;
		default:	/* EnvelopedData is no SignedData */
			chunk_free(&msg);
			msg = getcert_cms_build_enveloped(content, cert, ENCR_AES_CBC,
											  128);
			bad = chunk_clone(msg);
			break;
	}
	ck_assert(!getcert_cms_parse(bad));
	chunk_free(&bad);
	chunk_free(&msg);
}
END_TEST

static struct {
	encryption_algorithm_t alg;
	size_t key_size;
	u_int weak;
	bool ok;
} envelopes[] = {
	{ ENCR_AES_CBC, 128, GETCERT_CMS_AES_ONLY, TRUE },
	{ ENCR_AES_CBC, 192, GETCERT_CMS_AES_ONLY, TRUE },
	{ ENCR_AES_CBC, 256, GETCERT_CMS_AES_ONLY, TRUE },
	{ ENCR_3DES, 192, GETCERT_CMS_ALLOW_DES3, TRUE },
	{ ENCR_DES, 64, GETCERT_CMS_ALLOW_DES, TRUE },
	/* DES3 and DES only where explicitly allowed, each on its own */
	{ ENCR_3DES, 192, GETCERT_CMS_AES_ONLY, FALSE },
	{ ENCR_DES, 64, GETCERT_CMS_AES_ONLY, FALSE },
	{ ENCR_3DES, 192, GETCERT_CMS_ALLOW_DES, FALSE },
	{ ENCR_DES, 64, GETCERT_CMS_ALLOW_DES3, FALSE },
};

/**
 * Content lengths around the block sizes
 */
static int lengths[] = { 0, 1, 7, 8, 15, 16, 17, 32 };

START_TEST(test_envelope)
{
	chunk_t env, plain, data;
	int i;

	data = chunk_alloca(32);
	memset(data.ptr, 0x5a, data.len);
	for (i = 0; i < countof(lengths); i++)
	{
		data.len = lengths[i];
		env = getcert_cms_build_enveloped(data, cert, envelopes[_i].alg,
										  envelopes[_i].key_size);
		ck_assert(env.len);
		ck_assert((getcert_cms_decrypt(env, cert, key,
					envelopes[_i].weak, chunk_empty, &plain) ==
				   GETCERT_OK) == envelopes[_i].ok);
		if (envelopes[_i].ok)
		{
			ck_assert_chunk_eq(plain, data);
			chunk_free(&plain);
		}
		chunk_free(&env);
	}
}
END_TEST

START_TEST(test_envelope_other_recipient)
{
	private_key_t *other_key;
	certificate_t *other;
	chunk_t env, plain;

	other_key = gt_rsa_key(1024);
	other = gt_cert(other_key, "CN=other", NULL, NULL, NULL, FALSE, 3600);
	env = getcert_cms_build_enveloped(content, other, ENCR_AES_CBC, 128);
	gt_log_start();
	ck_assert(getcert_cms_decrypt(env, cert, key, GETCERT_CMS_AES_ONLY, chunk_empty,
								  &plain) == GETCERT_ERR_ENVELOPE);
	ck_assert(gt_log_contains("not addressed to 'CN=signer'"));
	gt_log_stop();
	chunk_free(&env);
	other->destroy(other);
	other_key->destroy(other_key);
}
END_TEST

START_TEST(test_envelope_corrupt)
{
	chunk_t env, plain;
	int last = _i == 0;

	env = getcert_cms_build_enveloped(content, cert, ENCR_AES_CBC, 128);
	/* 0: last byte of the IV before the single encrypted block (flips
	 * the last padding byte from 0x0b to 0xf4: always invalid), 1: empty
	 * the encrypted content's length */
	if (last)
	{
		env.ptr[env.len - 19] ^= 0xff;
	}
	else
	{
		env.ptr[env.len - 17] = 0x00;	/* length byte of [0] */
	}
	ck_assert(getcert_cms_decrypt(env, cert, key, GETCERT_CMS_AES_ONLY, chunk_empty,
								  &plain) == (last ? GETCERT_ERR_DECRYPT
												   : GETCERT_ERR_MALFORMED));
	chunk_free(&env);
}
END_TEST

static chunk_t reject_secret = chunk_from_chars(
	0x10,0x11,0x12,0x13,0x14,0x15,0x16,0x17,0x18,0x19,0x1a,0x1b,0x1c,0x1d,
	0x1e,0x1f);

/**
 * Encrypt a key to our certificate (valid PKCS#1 v1.5)
 */
static chunk_t encrypt_key(chunk_t cek)
{
	public_key_t *public;
	chunk_t ekey;

	public = cert->get_public_key(cert);
	ck_assert(public->encrypt(public, ENCRYPT_RSA_PKCS1, NULL, cek, &ekey));
	public->destroy(public);
	return ekey;
}

/**
 * The substitute key for an encrypted key, as documented
 */
static chunk_t substitute(chunk_t ekey, size_t len)
{
	prf_t *prf;
	chunk_t out;

	prf = lib->crypto->create_prf(lib->crypto, PRF_HMAC_SHA2_256);
	ck_assert(prf->set_key(prf, reject_secret));
	ck_assert(prf->allocate_bytes(prf, ekey, &out));
	prf->destroy(prf);
	out.len = len;
	return out;
}

/**
 * An envelope for us with one KeyTransRecipientInfo carrying ekey, its
 * content encrypted with cek
 */
static chunk_t envelope_with(chunk_t ekey, chunk_t cek, bool pad)
{
	chunk_t ktri, env;

	ktri = getcert_cms_build_ktri(cert, ekey);
	env = getcert_cms_build_enveloped_with(content, ENCR_AES_CBC, 128, cek,
										   ktri, pad);
	chunk_free(&ktri);
	ck_assert(env.len);
	return env;
}

/**
 * Encrypted keys that are not a PKCS#1 v1.5 encryption of a 16 byte key:
 * 0: random bytes (invalid padding), 1: a valid encryption of 15 bytes,
 * 2: of 17 bytes, 3: of nothing
 */
static chunk_t bad_ekey(int i)
{
	chunk_t ekey, rnd = chunk_alloca(128);
	rng_t *rng;

	switch (i)
	{
		case 0:
			rng = lib->crypto->create_rng(lib->crypto, RNG_WEAK);
			ck_assert(rng->get_bytes(rng, rnd.len, rnd.ptr));
			rng->destroy(rng);
			rnd.ptr[0] = 0x00;
			rnd.ptr[1] = 0x55;		/* never a PKCS#1 v1.5 block type */
			return chunk_clone(rnd);
		case 1:
			return encrypt_key(chunk_from_chars(1,2,3,4,5,6,7,8,9,10,11,12,
												13,14,15));
		case 2:
			return encrypt_key(chunk_from_chars(1,2,3,4,5,6,7,8,9,10,11,12,
												13,14,15,16,17));
		default:
			ekey = encrypt_key(chunk_from_chars(0));
			return ekey;
	}
}

START_TEST(test_implicit_rejection)
{
	chunk_t cek = chunk_from_chars(0xc0,0xc1,0xc2,0xc3,0xc4,0xc5,0xc6,0xc7,
								   0xc8,0xc9,0xca,0xcb,0xcc,0xcd,0xce,0xcf);
	chunk_t ekey, env, plain = chunk_empty, subst;
	getcert_err_t err;

	/* an invalid encrypted key fails alike: as content decryption, which
	 * with the substitute key, like any wrong key, ends in bad padding, or
	 * (about once in 256 encrypted keys: PKCS#1 padding is random) in
	 * valid padding around garbage; never in the content */
	ekey = bad_ekey(_i);
	env = envelope_with(ekey, cek, TRUE);
	err = getcert_cms_decrypt(env, cert, key, GETCERT_CMS_AES_ONLY,
							  reject_secret, &plain);
	ck_assert(err == GETCERT_ERR_DECRYPT || err == GETCERT_OK);
	ck_assert(err == GETCERT_OK || !plain.len);
	ck_assert(!chunk_equals(plain, content));
	chunk_free(&plain);
	chunk_free(&env);

	/* because the content is decrypted with the substitute key, which is
	 * derived from the encrypted key: content encrypted with it decrypts,
	 * every time */
	subst = substitute(ekey, 16);
	env = envelope_with(ekey, subst, TRUE);
	ck_assert(getcert_cms_decrypt(env, cert, key, GETCERT_CMS_AES_ONLY, reject_secret,
								  &plain) == GETCERT_OK);
	ck_assert_chunk_eq(plain, content);
	chunk_free(&plain);
	ck_assert(getcert_cms_decrypt(env, cert, key, GETCERT_CMS_AES_ONLY, reject_secret,
								  &plain) == GETCERT_OK);
	ck_assert_chunk_eq(plain, content);
	chunk_free(&plain);
	chunk_free(&env);
	chunk_clear(&subst);
	chunk_free(&ekey);
}
END_TEST

START_TEST(test_implicit_rejection_valid)
{
	chunk_t cek = chunk_from_chars(0xc0,0xc1,0xc2,0xc3,0xc4,0xc5,0xc6,0xc7,
								   0xc8,0xc9,0xca,0xcb,0xcc,0xcd,0xce,0xcf);
	chunk_t ekey, env, plain, subst;

	/* a valid encrypted key is used, never the substitute */
	ekey = encrypt_key(cek);
	env = envelope_with(ekey, cek, TRUE);
	ck_assert(getcert_cms_decrypt(env, cert, key, GETCERT_CMS_AES_ONLY, reject_secret,
								  &plain) == GETCERT_OK);
	ck_assert_chunk_eq(plain, content);
	chunk_free(&plain);
	chunk_free(&env);
	subst = substitute(ekey, 16);
	env = envelope_with(ekey, subst, TRUE);
	/* decrypted with the real key, the padding is wrong, except by chance
	 * (about 1 in 256, the encrypted key is random): then it is garbage */
	switch (getcert_cms_decrypt(env, cert, key, GETCERT_CMS_AES_ONLY,
								reject_secret, &plain))
	{
		case GETCERT_ERR_DECRYPT:
			break;
		case GETCERT_OK:
			ck_assert(!chunk_equals(plain, content));
			chunk_free(&plain);
			break;
		default:
			ck_assert_msg(FALSE, "unexpected result");
	}
	chunk_free(&env);
	chunk_clear(&subst);
	chunk_free(&ekey);
}
END_TEST

START_TEST(test_first_recipient)
{
	chunk_t cek = chunk_from_chars(0xc0,0xc1,0xc2,0xc3,0xc4,0xc5,0xc6,0xc7,
								   0xc8,0xc9,0xca,0xcb,0xcc,0xcd,0xce,0xcf);
	chunk_t good, bad, ktris, other, env, plain = chunk_empty, ekey;
	private_key_t *other_key;
	certificate_t *other_cert;
	getcert_err_t err;
	getcert_err_t expected[] = {
		GETCERT_ERR_DECRYPT, GETCERT_OK, GETCERT_OK,
	};

	ekey = encrypt_key(cek);
	good = getcert_cms_build_ktri(cert, ekey);
	chunk_free(&ekey);
	bad = bad_ekey(0);
	other_key = gt_rsa_key(1024);
	other_cert = gt_cert(other_key, "CN=other", NULL, NULL, NULL, FALSE,
						 3600);
	other = getcert_cms_build_ktri(other_cert, bad);
	chunk_free(&bad);
	bad = getcert_cms_build_ktri(cert, chunk_from_chars(0x00, 0x55, 0x01));
	switch (_i)
	{
		case 0:
			/* an invalid one for us first: never fall through to the
			 * valid one after it */
			ktris = chunk_cat("cc", bad, good);
			break;
		case 1:
			ktris = chunk_cat("cc", good, bad);
			break;
		default:
			/* ones for others are skipped */
			ktris = chunk_cat("cc", other, good);
			break;
	}
	env = getcert_cms_build_enveloped_with(content, ENCR_AES_CBC, 128, cek,
										   ktris, TRUE);
	err = getcert_cms_decrypt(env, cert, key, GETCERT_CMS_AES_ONLY,
							  reject_secret, &plain);
	if (expected[_i] == GETCERT_OK)
	{
		ck_assert(err == GETCERT_OK);
		ck_assert_chunk_eq(plain, content);
	}
	else
	{	/* the substitute key ends in bad padding, or (once in about 256
		 * random IVs) in valid padding around garbage: never the content */
		ck_assert(err == expected[_i] || err == GETCERT_OK);
		ck_assert(!chunk_equals(plain, content));
	}
	chunk_free(&plain);
	chunk_free(&env);
	chunk_free(&ktris);
	chunk_free(&good);
	chunk_free(&bad);
	chunk_free(&other);
	other_cert->destroy(other_cert);
	other_key->destroy(other_key);
}
END_TEST

START_TEST(test_bad_padding)
{
	chunk_t cek = chunk_from_chars(0xc0,0xc1,0xc2,0xc3,0xc4,0xc5,0xc6,0xc7,
								   0xc8,0xc9,0xca,0xcb,0xcc,0xcd,0xce,0xcf);
	/* last bytes: 0x00, 0x11 (> block size), 0x02 0x03 (inconsistent) */
	chunk_t tails[] = {
		chunk_from_chars(0x00),
		chunk_from_chars(0x11),
		chunk_from_chars(0x02,0x03),
		chunk_from_chars(0x03,0x03,0x03),
	};
	chunk_t ekey, ktri, padded, env, plain;

	padded = chunk_alloca(32);
	memset(padded.ptr, 0x41, padded.len);
	memcpy(padded.ptr + padded.len - tails[_i].len, tails[_i].ptr,
		   tails[_i].len);
	ekey = encrypt_key(cek);
	ktri = getcert_cms_build_ktri(cert, ekey);
	env = getcert_cms_build_enveloped_with(padded, ENCR_AES_CBC, 128, cek,
										   ktri, FALSE);
	/* bad padding fails exactly as a bad encrypted key does */
	ck_assert(getcert_cms_decrypt(env, cert, key, GETCERT_CMS_AES_ONLY, reject_secret,
								  &plain) ==
			  (_i == 3 ? GETCERT_OK : GETCERT_ERR_DECRYPT));
	if (_i == 3)
	{
		ck_assert_int_eq(plain.len, 29);
		chunk_free(&plain);
	}
	chunk_free(&env);
	chunk_free(&ktri);
	chunk_free(&ekey);
}
END_TEST

/**
 * An envelope for us of data encrypted with cek, its encrypted content
 * [0] constructed, one OCTET STRING per byte, each followed by an empty
 * one if empty is set (written in place, as a BER encoder may split it)
 */
static chunk_t constructed_envelope(chunk_t data, chunk_t cek, chunk_t ktri,
									bool empty)
{
	chunk_t env, prim, segments, rebuilt, oid, seq, inner, eci, alg, tlv;
	u_char *pos;
	size_t i;

	env = getcert_cms_build_enveloped_with(data, ENCR_AES_CBC, 128, cek,
										   ktri, TRUE);
	ck_assert(env.len);
	/* ContentInfo { oid, [0] { SEQUENCE { version, SET, eci } } } */
	seq = env;
	ck_assert(asn1_unwrap(&seq, &inner) == ASN1_SEQUENCE);
	ck_assert(asn1_unwrap(&inner, &oid) == ASN1_OID);
	ck_assert(asn1_unwrap(&inner, &seq) == ASN1_CONTEXT_C_0);
	ck_assert(asn1_unwrap(&seq, &inner) == ASN1_SEQUENCE);
	ck_assert(asn1_unwrap(&inner, &tlv) == ASN1_INTEGER);
	ck_assert(asn1_unwrap(&inner, &tlv) == ASN1_SET);
	ck_assert(asn1_unwrap(&inner, &eci) == ASN1_SEQUENCE);
	ck_assert(asn1_unwrap(&eci, &tlv) == ASN1_OID);
	alg = eci;
	ck_assert(asn1_unwrap(&eci, &tlv) == ASN1_SEQUENCE);
	alg.len -= eci.len;
	ck_assert(asn1_unwrap(&eci, &prim) == ASN1_CONTEXT_S_0);
	segments = chunk_alloc(prim.len * (empty ? 5 : 3));
	pos = segments.ptr;
	for (i = 0; i < prim.len; i++)
	{
		*pos++ = ASN1_OCTET_STRING;
		*pos++ = 1;
		*pos++ = prim.ptr[i];
		if (empty)
		{
			*pos++ = ASN1_OCTET_STRING;
			*pos++ = 0;
		}
	}
	rebuilt = asn1_wrap(ASN1_SEQUENCE, "mm",
				asn1_build_known_oid(OID_PKCS7_ENVELOPED_DATA),
				asn1_wrap(ASN1_CONTEXT_C_0, "m",
					asn1_wrap(ASN1_SEQUENCE, "cmm",
						ASN1_INTEGER_0,
						asn1_wrap(ASN1_SET, "c", ktri),
						asn1_wrap(ASN1_SEQUENCE, "mcm",
							asn1_build_known_oid(OID_PKCS7_DATA),
							alg, asn1_wrap(ASN1_CONTEXT_C_0, "m", segments)))));
	chunk_free(&env);
	return rebuilt;
}

static chunk_t cek_c = chunk_from_chars(0xc0,0xc1,0xc2,0xc3,0xc4,0xc5,0xc6,
										0xc7,0xc8,0xc9,0xca,0xcb,0xcc,0xcd,
										0xce,0xcf);

START_TEST(test_constructed_content)
{
	chunk_t ekey, ktri, plain, rebuilt;

	/* the encrypted content in segments of one byte each, [0] constructed
	 * (as Go's pkcs7 sends it, only longer) */
	ekey = encrypt_key(cek_c);
	ktri = getcert_cms_build_ktri(cert, ekey);
	rebuilt = constructed_envelope(content, cek_c, ktri, FALSE);
	ck_assert(getcert_cms_decrypt(rebuilt, cert, key, GETCERT_CMS_AES_ONLY, reject_secret,
								  &plain) == GETCERT_OK);
	ck_assert_chunk_eq(plain, content);
	chunk_free(&plain);
	chunk_free(&rebuilt);
	chunk_free(&ktri);
	chunk_free(&ekey);
}
END_TEST

/*
 * No quadratic work on attacker input: 12000 encrypted bytes in 24000
 * segments of one and zero bytes (60 KB, what fuzz_cms's seed
 * enveloped-aes128-tiny-segments holds). Not timed: measured with the
 * fuzzer (fuzz/README.md), joining by chunk_cat() per segment took about
 * ten times as long per execution as the linear join; this asserts the
 * input is decrypted whole.
 */
START_TEST(test_many_segments)
{
	chunk_t ekey, ktri, plain, rebuilt, data;

	data = chunk_alloc(11999);
	memset(data.ptr, 'x', data.len);
	ekey = encrypt_key(cek_c);
	ktri = getcert_cms_build_ktri(cert, ekey);
	rebuilt = constructed_envelope(data, cek_c, ktri, TRUE);
	ck_assert(rebuilt.len > 60000);
	ck_assert(getcert_cms_decrypt(rebuilt, cert, key, GETCERT_CMS_AES_ONLY, reject_secret,
								  &plain) == GETCERT_OK);
	ck_assert_chunk_eq(plain, data);
	chunk_free(&plain);
	chunk_free(&rebuilt);
	chunk_free(&ktri);
	chunk_free(&ekey);
	chunk_free(&data);
}
END_TEST

/**
 * Our certificate with one byte appended inside its TBSCertificate (after
 * the extensions): the signature no longer verifies, but strongSwan's x509
 * parser hands it on
 */
static certificate_t *trailing_byte_cert()
{
	chunk_t der, fixed;

	ck_assert(cert->get_encoding(cert, CERT_ASN1_DER, &der));
	/* 30 82 LL LL 30 82 TT TT <tbs> ... */
	ck_assert(der.ptr[1] == 0x82 && der.ptr[5] == 0x82);
	fixed = chunk_alloc(der.len + 1);
	memcpy(fixed.ptr, der.ptr, 8 + (der.ptr[6] << 8 | der.ptr[7]));
	fixed.ptr[8 + (der.ptr[6] << 8 | der.ptr[7])] = 0x05;
	memcpy(fixed.ptr + 9 + (der.ptr[6] << 8 | der.ptr[7]),
		   der.ptr + 8 + (der.ptr[6] << 8 | der.ptr[7]),
		   der.len - 8 - (der.ptr[6] << 8 | der.ptr[7]));
	fixed.ptr[2] = (der.len - 3) >> 8;
	fixed.ptr[3] = (der.len - 3) & 0xff;
	fixed.ptr[6] = ((der.ptr[6] << 8 | der.ptr[7]) + 1) >> 8;
	fixed.ptr[7] = ((der.ptr[6] << 8 | der.ptr[7]) + 1) & 0xff;
	chunk_free(&der);
	return lib->creds->create(lib->creds, CRED_CERTIFICATE, CERT_X509,
							  BUILD_BLOB_ASN1_DER, fixed, BUILD_END);
}

START_TEST(test_extension_trailing_byte)
{
	certificate_t *odd;
	chunk_t value;
	u_int usage;

	/* strongSwan's x509 parser accepts it */
	odd = trailing_byte_cert();
	ck_assert(odd);
	/* the search ends (it looped forever on a TBS with one trailing
	 * byte before the extensions were reached) */
	getcert_x509_key_usage(odd, &usage);
	getcert_x509_allows(odd, GETCERT_KU_KEY_ENCIPHERMENT);
	if (getcert_x509_extension(odd, OID_EXTENDED_KEY_USAGE, &value))
	{
		chunk_free(&value);
	}
	odd->destroy(odd);
}
END_TEST

START_TEST(test_eku)
{
	private_key_t *ee_key;
	certificate_t *ee;
	u_int usage;

	/* no extendedKeyUsage: no restriction, no bits */
	ck_assert(getcert_x509_eku(cert, &usage));
	ck_assert_int_eq(usage, 0);
	ee_key = gt_rsa_key(1024);
	ee = gt_cert_usage(ee_key, "CN=ee", key, cert, 0,
					   X509_CLIENT_AUTH | X509_SERVER_AUTH);
	ck_assert(ee);
	ck_assert(getcert_x509_eku(ee, &usage));
	ck_assert_int_eq(usage,
					 GETCERT_EKU_CLIENT_AUTH | GETCERT_EKU_SERVER_AUTH);
	ee->destroy(ee);
	ee = gt_cert_usage(ee_key, "CN=ee", key, cert, 0, X509_OCSP_SIGNER);
	ck_assert(getcert_x509_eku(ee, &usage));
	ck_assert_int_eq(usage, GETCERT_EKU_OTHER);
	ee->destroy(ee);
	ee_key->destroy(ee_key);
}
END_TEST

START_TEST(test_key_usage)
{
	private_key_t *ra_key;
	certificate_t *ra;
	u_int usage;

	/* gt_cert() makes CA certificates with keyCertSign and cRLSign (as
	 * pki --self --ca), end entities without keyUsage */
	ck_assert(getcert_x509_key_usage(cert, &usage));
	ck_assert(usage & GETCERT_KU_KEY_CERT_SIGN);
	ck_assert(!(usage & GETCERT_KU_KEY_ENCIPHERMENT));
	ck_assert(!getcert_x509_allows(cert, GETCERT_KU_KEY_ENCIPHERMENT));
	ra_key = gt_rsa_key(1024);
	ra = gt_cert(ra_key, "CN=ee", NULL, key, cert, FALSE, 3600);
	ck_assert(!getcert_x509_key_usage(ra, &usage));
	ck_assert(getcert_x509_allows(ra, GETCERT_KU_KEY_ENCIPHERMENT));
	ck_assert(getcert_x509_allows(ra, GETCERT_KU_DIGITAL_SIGNATURE));
	ra->destroy(ra);
	ra_key->destroy(ra_key);
}
END_TEST

START_TEST(test_certs_only)
{
	linked_list_t *list;
	getcert_cms_t *cms;
	enumerator_t *enumerator;
	certificate_t *c;
	chunk_t msg;
	int count = 0;

	list = linked_list_create_with_items(cert, cert, NULL);
	msg = getcert_cms_build_certs_only(list);
	list->destroy(list);
	cms = getcert_cms_parse(msg);
	ck_assert(cms);
	ck_assert(!cms->get_content(cms).len);
	enumerator = cms->create_cert_enumerator(cms);
	while (enumerator->enumerate(enumerator, &c))
	{
		ck_assert(c->equals(c, cert));
		count++;
	}
	enumerator->destroy(enumerator);
	ck_assert_int_eq(count, 2);
	ck_assert(!cms->verify(cms, trusted, NULL));
	cms->destroy(cms);
	chunk_free(&msg);
}
END_TEST

Suite *cms_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("CMS");

	tc = tcase_create("SignedData");
	tcase_add_checked_fixture(tc, setup_cms, teardown_cms);
	tcase_add_loop_test(tc, test_signed, 0, 2);
	tcase_add_test(tc, test_signed_ecdsa);
	tcase_add_test(tc, test_untrusted_signer);
	tcase_add_loop_test(tc, test_tampered, 0, 3);
	tcase_add_test(tc, test_no_signed_attrs);
	tcase_add_loop_test(tc, test_malformed, 0, 6);
	tcase_add_test(tc, test_certs_only);
	suite_add_tcase(s, tc);

	tc = tcase_create("EnvelopedData");
	tcase_add_checked_fixture(tc, setup_cms, teardown_cms);
	tcase_add_loop_test(tc, test_envelope, 0, countof(envelopes));
	tcase_add_test(tc, test_envelope_other_recipient);
	tcase_add_loop_test(tc, test_envelope_corrupt, 0, 2);
	suite_add_tcase(s, tc);

	tc = tcase_create("certificate extensions");
	tcase_add_checked_fixture(tc, setup_cms, teardown_cms);
	tcase_add_test(tc, test_key_usage);
	tcase_add_test(tc, test_eku);
	tcase_add_test(tc, test_extension_trailing_byte);
	suite_add_tcase(s, tc);

	tc = tcase_create("implicit rejection");
	tcase_add_checked_fixture(tc, setup_cms, teardown_cms);
	tcase_add_loop_test(tc, test_implicit_rejection, 0, 4);
	tcase_add_test(tc, test_implicit_rejection_valid);
	tcase_add_loop_test(tc, test_first_recipient, 0, 3);
	tcase_add_loop_test(tc, test_bad_padding, 0, 4);
	tcase_add_test(tc, test_constructed_content);
	tcase_add_test(tc, test_many_segments);
	suite_add_tcase(s, tc);

	return s;
}

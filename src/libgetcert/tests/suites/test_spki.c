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

#include <getcert_x509.h>
#include <getcert_test_certs.h>

#include <asn1/asn1.h>
#include <asn1/oid.h>
#include <credentials/certificates/x509.h>

/*******************************************************************************
 * strict DER checker
 */

/**
 * Canonical encodings of the types a SubjectPublicKeyInfo is made of
 */
static char *canonical[] = {
	"0500",
	"3000",
	"020100",
	"02017f",
	"02020080",
	"0201ff",
	"0202ff7f",
	"020400ffffff",
	"030100",
	"03020000",
	"0303000102",
	"03020380",
	"030307ff80",
	"0400",
	"0403010203",
	"06032b6570",
	"06092a864886f70d010101",
	"0603813402",
	"0606ffffff7f0101",
	"300d06092a864886f70d0101010500",
	"300430020500",
	"30083006300430020500",
};

/**
 * Non-canonical or foreign encodings, each refused
 */
static char *refused[] = {
	/* empty, truncated header, length beyond the data */
	"",
	"30",
	"0401",
	"040500",
	"3003050000",
	/* indefinite length */
	"30800500" "0000",
	"2480040100" "0000",
	/* long form for less than 128 octets, leading zero length octets */
	"04810100",
	"3081030201" "00",
	"04820001" "00",
	/* five length octets, reserved 0xff */
	"04850000000001" "00",
	"04ff00",
	/* INTEGER: empty, leading zero, leading 0xff */
	"0200",
	"0202007f",
	"02020000",
	"0202ff80",
	"0202ffff",
	"300402020001",
	/* NULL with contents */
	"050100",
	/* BIT STRING: empty, more than 7 unused bits, unused bits in an
	 * empty string, non-zero padding bits, constructed */
	"0300",
	"03020800",
	"030101",
	"030201ff",
	"03020301",
	"2304030200aa",
	/* constructed OCTET STRING */
	"2403040101",
	/* OID: empty, subidentifier with a leading 0x80, unterminated */
	"0600",
	"06032b8001",
	"0602802b",
	"06022b86",
	/* trailing octets */
	"050000",
	"3000" "3000",
	"02010000",
	/* other tags: SET, BOOLEAN, UTF8String, PrintableString, context
	 * specific, application, high tag number form, BIT STRING in a SET */
	"3100",
	"0101ff",
	"0c0141",
	"130141",
	"a000",
	"8000",
	"6000",
	"1f2000",
	"3103030100",
	/* a refused element inside a SEQUENCE */
	"3003050100",
	"3007300506032b8001",
};

START_TEST(test_der_canonical)
{
	chunk_t der;

	der = chunk_from_hex(chunk_from_str(canonical[_i]), NULL);
	ck_assert_msg(getcert_x509_der_canonical(der), "%s", canonical[_i]);
	chunk_free(&der);
}
END_TEST

START_TEST(test_der_refused)
{
	chunk_t der;

	der = chunk_from_hex(chunk_from_str(refused[_i]), NULL);
	ck_assert_msg(!getcert_x509_der_canonical(der), "%s", refused[_i]);
	chunk_free(&der);
}
END_TEST

START_TEST(test_der_long_form)
{
	chunk_t der, tmp, content;

	/* 128 octets need the long form, and one length octet */
	content = chunk_alloca(128);
	memset(content.ptr, 0x5a, content.len);
	der = asn1_wrap(ASN1_OCTET_STRING, "c", content);
	ck_assert_int_eq(der.ptr[1], 0x81);
	ck_assert(getcert_x509_der_canonical(der));
	/* the same in two length octets */
	tmp = chunk_cat("cc", chunk_from_chars(0x04,0x82,0x00),
					chunk_skip(der, 2));
	chunk_free(&der);
	ck_assert(!getcert_x509_der_canonical(tmp));
	chunk_free(&tmp);
	/* 256 octets: two length octets */
	content = chunk_alloca(256);
	memset(content.ptr, 0, content.len);
	der = asn1_wrap(ASN1_OCTET_STRING, "c", content);
	ck_assert_int_eq(der.ptr[1], 0x82);
	ck_assert(getcert_x509_der_canonical(der));
	chunk_free(&der);
}
END_TEST

START_TEST(test_der_depth)
{
	chunk_t der = chunk_from_chars(0x05,0x00), tmp;
	int i;

	der = chunk_clone(der);
	for (i = 0; i < 16; i++)
	{
		der = asn1_wrap(ASN1_SEQUENCE, "m", der);
	}
	ck_assert(getcert_x509_der_canonical(der));
	tmp = der;
	der = asn1_wrap(ASN1_SEQUENCE, "m", tmp);
	ck_assert(!getcert_x509_der_canonical(der));
	chunk_free(&der);
}
END_TEST

/*******************************************************************************
 * SubjectPublicKeyInfo of CSRs and key identifiers
 */

/**
 * Key types and sizes
 */
static struct {
	key_type_t type;
	int size;
} keys[] = {
	{ KEY_RSA, 1024 },
	{ KEY_RSA, 2048 },
	{ KEY_ECDSA, 256 },
	{ KEY_ECDSA, 384 },
	{ KEY_ECDSA, 521 },
	{ KEY_ED25519, 0 },
	{ KEY_ED448, 0 },
};

/**
 * Generate a key of keys[i]
 */
static private_key_t *gen_key(int i)
{
	private_key_t *key;

	if (keys[i].size)
	{
		key = lib->creds->create(lib->creds, CRED_PRIVATE_KEY, keys[i].type,
								 BUILD_KEY_SIZE, keys[i].size, BUILD_END);
	}
	else
	{
		key = lib->creds->create(lib->creds, CRED_PRIVATE_KEY, keys[i].type,
								 BUILD_END);
	}
	ck_assert(key);
	return key;
}

/**
 * A parsed CSR of a key, made by libgetcert
 */
static certificate_t *make_csr(private_key_t *key)
{
	identification_t *subject;
	certificate_t *csr;
	chunk_t der;

	subject = identification_create_from_string("C=CH, O=getcert, CN=carol");
	/* EdDSA signs the message itself */
	der = getcert_x509_build_csr(key, subject, NULL, chunk_empty,
						key->get_type(key) == KEY_ED25519 ||
						key->get_type(key) == KEY_ED448 ? HASH_IDENTITY
														: HASH_SHA256);
	subject->destroy(subject);
	ck_assert(der.len);
	csr = lib->creds->create(lib->creds, CRED_CERTIFICATE,
							 CERT_PKCS10_REQUEST, BUILD_BLOB_ASN1_DER, der,
							 BUILD_END);
	chunk_free(&der);
	ck_assert(csr);
	return csr;
}

START_TEST(test_csr_spki_keyid)
{
	private_key_t *key;
	public_key_t *public, *csr_public, *parsed;
	certificate_t *csr;
	chunk_t spki, encoding, keyid, fp, id;

	key = gen_key(_i);
	csr = make_csr(key);
	public = key->get_public_key(key);
	csr_public = csr->get_public_key(csr);
	ck_assert(csr_public);

	/* the SPKI as the client encoded it: OpenSSL's encoding of the key */
	ck_assert(getcert_x509_csr_spki(csr, &spki));
	ck_assert(public->get_encoding(public, PUBKEY_SPKI_ASN1_DER, &encoding));
	ck_assert_chunk_eq(spki, encoding);
	ck_assert(getcert_x509_der_canonical(spki));
	ck_assert(getcert_x509_spki_usable(spki, csr_public));
	ck_assert(getcert_x509_spki_usable(spki, public));

	/* RFC 5280 4.2.1.2 method 1 is strongSwan's KEYID_PUBKEY_SHA1, however
	 * the key was made: generated, from the CSR, parsed from the SPKI */
	ck_assert(getcert_x509_spki_keyid(spki, &keyid));
	ck_assert_int_eq(keyid.len, HASH_SIZE_SHA1);
	ck_assert(public->get_fingerprint(public, KEYID_PUBKEY_SHA1, &fp));
	ck_assert_chunk_eq(keyid, fp);
	ck_assert(key->get_fingerprint(key, KEYID_PUBKEY_SHA1, &fp));
	ck_assert_chunk_eq(keyid, fp);
	ck_assert(csr_public->get_fingerprint(csr_public, KEYID_PUBKEY_SHA1,
										  &fp));
	ck_assert_chunk_eq(keyid, fp);
	parsed = lib->creds->create(lib->creds, CRED_PUBLIC_KEY, KEY_ANY,
								BUILD_BLOB_ASN1_DER, spki, BUILD_END);
	ck_assert(parsed);
	ck_assert(parsed->get_fingerprint(parsed, KEYID_PUBKEY_SHA1, &fp));
	ck_assert_chunk_eq(keyid, fp);
	parsed->destroy(parsed);

	/* the key id of the CSR, from the SPKI */
	ck_assert(getcert_x509_key_id(csr, &id));
	ck_assert_chunk_eq(keyid, id);

	chunk_free(&id);
	chunk_free(&keyid);
	chunk_free(&encoding);
	chunk_free(&spki);
	csr_public->destroy(csr_public);
	public->destroy(public);
	csr->destroy(csr);
	key->destroy(key);
}
END_TEST

START_TEST(test_cert_key_id)
{
	private_key_t *key;
	certificate_t *cert;
	x509_t *x509;
	chunk_t id, spki;

	/* a certificate: no SPKI taken, strongSwan's key id */
	key = gt_key();
	cert = gt_cert(key, "CN=carol", NULL, NULL, NULL, FALSE, 3600);
	ck_assert(!getcert_x509_csr_spki(cert, &spki));
	ck_assert(!spki.len);
	ck_assert(getcert_x509_key_id(cert, &id));
	x509 = (x509_t*)cert;
	ck_assert_chunk_eq(id, x509->get_subjectKeyIdentifier(x509));
	chunk_free(&id);
	cert->destroy(cert);
	key->destroy(key);
}
END_TEST

/**
 * The subjectPublicKey of an SPKI, without the unused bits octet
 */
static chunk_t spki_key(chunk_t spki)
{
	chunk_t seq, elem;

	ck_assert(asn1_unwrap(&spki, &seq) == ASN1_SEQUENCE);
	ck_assert(asn1_unwrap(&seq, &elem) == ASN1_SEQUENCE);
	ck_assert(asn1_unwrap(&seq, &elem) == ASN1_BIT_STRING);
	ck_assert(elem.len && elem.ptr[0] == 0);
	return chunk_skip(elem, 1);
}

/**
 * Build an SPKI from an AlgorithmIdentifier's contents and key octets
 */
static chunk_t build_spki(chunk_t alg, chunk_t key)
{
	return asn1_wrap(ASN1_SEQUENCE, "mm",
					 asn1_wrap(ASN1_SEQUENCE, "c", alg),
					 asn1_bitstring("c", key));
}

/**
 * Variants of the SPKI of a key that must not be taken for it
 */
static chunk_t bad_spki(int variant, chunk_t spki, key_type_t type,
						int size)
{
	chunk_t rsa_alg = chunk_from_chars(0x06,0x09,0x2a,0x86,0x48,0x86,0xf7,
									   0x0d,0x01,0x01,0x01,0x05,0x00);
	chunk_t ec_alg = chunk_from_chars(0x06,0x07,0x2a,0x86,0x48,0xce,0x3d,0x02,
									  0x01,0x06,0x08,0x2a,0x86,0x48,0xce,0x3d,
									  0x03,0x01,0x07);
	chunk_t p384_alg = chunk_from_chars(0x06,0x07,0x2a,0x86,0x48,0xce,0x3d,
										0x02,0x01,0x06,0x05,0x2b,0x81,0x04,
										0x00,0x22);
	chunk_t ed_alg = chunk_from_chars(0x06,0x03,0x2b,0x65,0x70);
	chunk_t ed_null = chunk_from_chars(0x06,0x03,0x2b,0x65,0x70,0x05,0x00);
	chunk_t key = spki_key(spki), seq, n, e, copy;

	switch (variant)
	{
		case 0:
			/* trailing octet */
			return chunk_cat("cc", spki, chunk_from_chars(0x00));
		case 1:
			/* a non-minimal outer length: a zero octet more, or the long
			 * form for less than 128 octets */
			if (spki.ptr[1] & 0x80)
			{
				return chunk_cat("cc", chunk_from_chars(0x30,
									0x80 | ((spki.ptr[1] & 0x7f) + 1), 0x00),
								 chunk_skip(spki, 2));
			}
			return chunk_cat("cc", chunk_from_chars(0x30, 0x81, spki.ptr[1]),
							 chunk_skip(spki, 2));
		case 2:
			/* a subjectPublicKey with unused bits (zero padding bits, so
			 * the BIT STRING itself is canonical) */
			copy = chunk_clone(spki);
			copy.ptr[key.ptr - 1 - spki.ptr] = 0x01;
			copy.ptr[copy.len - 1] &= 0xfe;
			return copy;
		default:
			break;
	}
	switch (type)
	{
		case KEY_RSA:
			ck_assert(asn1_unwrap(&key, &seq) == ASN1_SEQUENCE);
			ck_assert(asn1_unwrap(&seq, &n) == ASN1_INTEGER);
			ck_assert(asn1_unwrap(&seq, &e) == ASN1_INTEGER);
			switch (variant)
			{
				case 3:
					/* parameters absent */
					return build_spki(chunk_create(rsa_alg.ptr, 11),
									  spki_key(spki));
				case 4:
					/* a modulus with a superfluous zero octet */
					copy = asn1_wrap(ASN1_SEQUENCE, "mm",
							asn1_wrap(ASN1_INTEGER, "cc",
									  chunk_from_chars(0x00), n),
							asn1_wrap(ASN1_INTEGER, "c", e));
					spki = build_spki(rsa_alg, copy);
					chunk_free(&copy);
					return spki;
				case 5:
					/* a negative modulus (the zero octet dropped) */
					ck_assert(n.ptr[0] == 0);
					copy = asn1_wrap(ASN1_SEQUENCE, "mm",
							asn1_wrap(ASN1_INTEGER, "c", chunk_skip(n, 1)),
							asn1_wrap(ASN1_INTEGER, "c", e));
					spki = build_spki(rsa_alg, copy);
					chunk_free(&copy);
					return spki;
				case 6:
					/* a modulus one octet shorter */
					copy = asn1_wrap(ASN1_SEQUENCE, "mm",
							asn1_wrap(ASN1_INTEGER, "c",
									  chunk_create(n.ptr, n.len - 1)),
							asn1_wrap(ASN1_INTEGER, "c", e));
					spki = build_spki(rsa_alg, copy);
					chunk_free(&copy);
					return spki;
				case 7:
					/* another algorithm: the RSA key as an EC key */
					return build_spki(ec_alg, spki_key(spki));
				case 8:
					/* something after the RSAPublicKey */
					copy = chunk_cat("cc", spki_key(spki),
									 chunk_from_chars(0x05,0x00));
					spki = build_spki(rsa_alg, copy);
					chunk_free(&copy);
					return spki;
				default:
					return chunk_empty;
			}
		case KEY_ECDSA:
			switch (variant)
			{
				case 3:
					/* the compressed point */
					copy = chunk_clone(chunk_create(key.ptr,
													1 + (key.len - 1) / 2));
					copy.ptr[0] = 0x02 | (key.ptr[key.len - 1] & 0x01);
					spki = build_spki(ec_alg, copy);
					chunk_free(&copy);
					return spki;
				case 4:
					/* another curve */
					return build_spki(size == 384 ? ec_alg : p384_alg, key);
				case 5:
					/* the point one octet short */
					return build_spki(ec_alg,
									  chunk_create(key.ptr, key.len - 1));
				case 6:
					/* the point as an Ed25519 key */
					return build_spki(ed_alg, key);
				default:
					return chunk_empty;
			}
		case KEY_ED25519:
			switch (variant)
			{
				case 3:
					/* NULL parameters */
					return build_spki(ed_null, key);
				case 4:
					/* an octet more */
					copy = chunk_cat("cc", key, chunk_from_chars(0x00));
					spki = build_spki(ed_alg, copy);
					chunk_free(&copy);
					return spki;
				case 5:
					/* the key as an RSA key */
					return build_spki(rsa_alg, key);
				default:
					return chunk_empty;
			}
		default:
			return chunk_empty;
	}
}

START_TEST(test_spki_refused)
{
	private_key_t *key;
	public_key_t *public;
	chunk_t spki, bad, keyid;
	int variant, count = 0;

	key = gen_key(_i);
	public = key->get_public_key(key);
	ck_assert(public->get_encoding(public, PUBKEY_SPKI_ASN1_DER, &spki));
	ck_assert(getcert_x509_spki_usable(spki, public));
	for (variant = 0; ; variant++)
	{
		bad = bad_spki(variant, spki, keys[_i].type, keys[_i].size);
		if (!bad.len)
		{
			break;
		}
		ck_assert_msg(!getcert_x509_spki_usable(bad, public), "variant %d",
					  variant);
		if (variant == 2)
		{	/* no key id of a key that is not whole octets */
			ck_assert(!getcert_x509_spki_keyid(bad, &keyid));
			ck_assert(!keyid.len);
		}
		chunk_free(&bad);
		count++;
	}
	ck_assert(count >= 3);
	chunk_free(&spki);
	public->destroy(public);
	key->destroy(key);
}
END_TEST

/**
 * A CSR signed by an RSA key with the SPKI given
 */
static certificate_t *csr_with_spki(private_key_t *key, chunk_t spki)
{
	chunk_t info, sig, der;
	certificate_t *csr;

	info = asn1_wrap(ASN1_SEQUENCE, "cmcc", ASN1_INTEGER_0,
					 asn1_wrap(ASN1_SEQUENCE, "m",
						asn1_wrap(ASN1_SET, "m",
							asn1_wrap(ASN1_SEQUENCE, "mm",
								asn1_build_known_oid(OID_COMMON_NAME),
								asn1_wrap(ASN1_UTF8STRING, "c",
										  chunk_from_str("carol"))))),
					 spki, chunk_from_chars(0xa0,0x00));
	ck_assert(key->sign(key, SIGN_RSA_EMSA_PKCS1_SHA2_256, NULL, info,
						&sig));
	der = asn1_wrap(ASN1_SEQUENCE, "mmm", info,
					asn1_algorithmIdentifier(OID_SHA256_WITH_RSA),
					asn1_bitstring("m", sig));
	csr = lib->creds->create(lib->creds, CRED_CERTIFICATE,
							 CERT_PKCS10_REQUEST, BUILD_BLOB_ASN1_DER, der,
							 BUILD_END);
	chunk_free(&der);
	return csr;
}

START_TEST(test_csr_fallback)
{
	private_key_t *key;
	public_key_t *public;
	certificate_t *csr;
	chunk_t spki, bad, id, fp, none;
	int variant, parsed = 0;

	/* CSRs strongSwan accepts whose SPKI is not canonical: the key id is
	 * strongSwan's, from the key, not from the client's octets */
	key = gen_key(0);
	public = key->get_public_key(key);
	ck_assert(public->get_encoding(public, PUBKEY_SPKI_ASN1_DER, &spki));
	ck_assert(public->get_fingerprint(public, KEYID_PUBKEY_SHA1, &fp));

	csr = csr_with_spki(key, spki);
	ck_assert(csr);
	ck_assert(csr->issued_by(csr, csr, NULL));
	ck_assert(getcert_x509_csr_spki(csr, &none));
	chunk_free(&none);
	csr->destroy(csr);

	for (variant = 1; variant < 5; variant += 3)
	{	/* a non-minimal outer length, a modulus with a zero octet more */
		bad = bad_spki(variant, spki, KEY_RSA, 1024);
		csr = csr_with_spki(key, bad);
		chunk_free(&bad);
		if (!csr)
		{
			continue;
		}
		parsed++;
		ck_assert(csr->issued_by(csr, csr, NULL));
		ck_assert(!getcert_x509_csr_spki(csr, &none));
		ck_assert(!none.len);
		ck_assert(getcert_x509_key_id(csr, &id));
		ck_assert_chunk_eq(id, fp);
		chunk_free(&id);
		csr->destroy(csr);
	}
	/* the plugins here accept at least the non-minimal length */
	ck_assert(parsed > 0);
	chunk_free(&spki);
	public->destroy(public);
	key->destroy(key);
}
END_TEST

Suite *spki_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("subjectPublicKeyInfo");

	tc = tcase_create("strict DER");
	tcase_add_loop_test(tc, test_der_canonical, 0, countof(canonical));
	tcase_add_loop_test(tc, test_der_refused, 0, countof(refused));
	tcase_add_test(tc, test_der_long_form);
	tcase_add_test(tc, test_der_depth);
	suite_add_tcase(s, tc);

	tc = tcase_create("CSR key");
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_csr_spki_keyid, 0, countof(keys));
	tcase_add_test(tc, test_cert_key_id);
	tcase_add_loop_test(tc, test_spki_refused, 0, countof(keys));
	tcase_add_test(tc, test_csr_fallback);
	suite_add_tcase(s, tc);

	return s;
}

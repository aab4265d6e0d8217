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
#include <getcert_x509.h>
#include <getcert_test_certs.h>

#include <asn1/asn1.h>
#include <asn1/oid.h>
#include <credentials/certificates/pkcs10.h>

/**
 * Whether concatenated encodings are in DER SET OF order; counts them
 */
static bool der_sorted(chunk_t set, int *count)
{
	chunk_t prev = chunk_empty, cur, inner;

	*count = 0;
	while (set.len)
	{
		cur = set;
		ck_assert(asn1_unwrap(&set, &inner) != ASN1_INVALID);
		cur.len -= set.len;
		if (prev.len && chunk_compare(prev, cur) > 0)
		{
			return FALSE;
		}
		prev = cur;
		(*count)++;
	}
	return TRUE;
}

/**
 * The contents of the attributes [0] of a CertificationRequest
 */
static chunk_t csr_attributes(chunk_t der)
{
	chunk_t info, field;
	int i;

	ck_assert(asn1_unwrap(&der, &der) == ASN1_SEQUENCE);
	ck_assert(asn1_unwrap(&der, &info) == ASN1_SEQUENCE);
	/* version, subject, subjectPKInfo */
	for (i = 0; i < 3; i++)
	{
		ck_assert(asn1_unwrap(&info, &field) != ASN1_INVALID);
	}
	ck_assert(info.len && info.ptr[0] == ASN1_CONTEXT_C_0);
	ck_assert(asn1_unwrap(&info, &field) == ASN1_CONTEXT_C_0);
	ck_assert(!info.len);
	return field;
}

/**
 * Attribute combinations: SAN, challengePassword length, ECDSA key
 */
static struct {
	char *san;
	int password;
	bool ecdsa;
	int attributes;
} csrs[] = {
	{ "carol@strongswan.org", 6, FALSE, 2 },
	/* a challengePassword attribute longer than the extensionRequest */
	{ "carol@strongswan.org", 200, FALSE, 2 },
	{ "vpn.strongswan.org", 40, FALSE, 2 },
	{ "10.1.0.2", 1, FALSE, 2 },
	{ NULL, 6, FALSE, 1 },
	{ "carol@strongswan.org", 0, FALSE, 1 },
	{ NULL, 0, FALSE, 0 },
	{ "carol@strongswan.org", 6, TRUE, 2 },
};

START_TEST(test_csr_der_order)
{
	private_key_t *key;
	identification_t *subject, *san = NULL, *id;
	certificate_t *csr;
	enumerator_t *enumerator;
	linked_list_t *sans;
	chunk_t der, password = chunk_empty, value;
	pkcs10_t *req;
	char buf[256];
	int count;
	bool found = FALSE;

	key = csrs[_i].ecdsa ? gt_key() : gt_rsa_key(1024);
	ck_assert(key);
	subject = identification_create_from_string("C=CH, O=getcert, CN=carol");
	sans = linked_list_create();
	if (csrs[_i].san)
	{
		san = identification_create_from_string(csrs[_i].san);
		sans->insert_last(sans, san);
	}
	memset(buf, 'x', csrs[_i].password);
	password = chunk_create(buf, csrs[_i].password);

	der = getcert_x509_build_csr(key, subject, sans, password, HASH_SHA256);
	ck_assert(der.len);
	ck_assert(der_sorted(csr_attributes(der), &count));
	ck_assert_int_eq(count, csrs[_i].attributes);

	/* strongSwan's own parser reads it back, signature included */
	csr = lib->creds->create(lib->creds, CRED_CERTIFICATE,
							 CERT_PKCS10_REQUEST, BUILD_BLOB_ASN1_DER, der,
							 BUILD_END);
	ck_assert(csr);
	ck_assert(csr->issued_by(csr, csr, NULL));
	ck_assert(csr->get_subject(csr)->equals(csr->get_subject(csr), subject));
	req = (pkcs10_t*)csr;
	value = req->get_challengePassword(req);
	ck_assert_chunk_eq(value, password);
	enumerator = req->create_subjectAltName_enumerator(req);
	while (enumerator->enumerate(enumerator, &id))
	{
		ck_assert(san && id->equals(id, san));
		found = TRUE;
	}
	enumerator->destroy(enumerator);
	ck_assert(found == (san != NULL));

	csr->destroy(csr);
	chunk_clear(&der);
	DESTROY_IF(san);
	sans->destroy(sans);
	subject->destroy(subject);
	key->destroy(key);
}
END_TEST

/**
 * Concatenations of TLVs and their DER SET OF order
 */
static struct {
	chunk_t in;
	chunk_t out;
} sets[] = {
	{ chunk_from_chars(0x02,0x01,0x02, 0x02,0x01,0x01),
	  chunk_from_chars(0x02,0x01,0x01, 0x02,0x01,0x02) },
	/* the length octets count: a shorter element first */
	{ chunk_from_chars(0x30,0x03,0x02,0x01,0x00, 0x30,0x00),
	  chunk_from_chars(0x30,0x00, 0x30,0x03,0x02,0x01,0x00) },
	{ chunk_from_chars(0x31,0x00, 0x04,0x01,0xff, 0x30,0x00),
	  chunk_from_chars(0x04,0x01,0xff, 0x30,0x00, 0x31,0x00) },
	{ chunk_from_chars(0x04,0x01,0xff),
	  chunk_from_chars(0x04,0x01,0xff) },
	/* not a concatenation of TLVs */
	{ chunk_from_chars(0x04,0x02,0xff),
	  { NULL, 0 } },
	{ chunk_from_chars(0x04,0x01,0xff, 0x00),
	  { NULL, 0 } },
};

START_TEST(test_sort_set)
{
	chunk_t sorted;

	sorted = getcert_cms_sort_set(sets[_i].in);
	ck_assert_chunk_eq(sorted, sets[_i].out);
	chunk_free(&sorted);
}
END_TEST

/**
 * The contents of the SignedData in a ContentInfo
 */
static chunk_t signed_data(chunk_t msg)
{
	chunk_t oid;

	ck_assert(asn1_unwrap(&msg, &msg) == ASN1_SEQUENCE);
	ck_assert(asn1_unwrap(&msg, &oid) == ASN1_OID);
	ck_assert(asn1_unwrap(&msg, &msg) == ASN1_CONTEXT_C_0);
	ck_assert(asn1_unwrap(&msg, &msg) == ASN1_SEQUENCE);
	return msg;
}

START_TEST(test_signed_attrs_der_order)
{
	private_key_t *key;
	certificate_t *cert;
	chunk_t attrs, a, b, msg, rest, field, set;
	int i, count;

	key = gt_rsa_key(1024);
	cert = gt_cert(key, "CN=signer", NULL, NULL, NULL, FALSE, 3600);
	ck_assert(key && cert);
	/* given in reverse order, with the three the builder adds */
	a = getcert_cms_attribute(OID_PKI_SENDER_NONCE,
				asn1_wrap(ASN1_OCTET_STRING, "c", chunk_from_str("nonce")));
	b = getcert_cms_attribute(OID_PKI_MESSAGE_TYPE,
				asn1_wrap(ASN1_PRINTABLESTRING, "c", chunk_from_str("19")));
	attrs = chunk_cat("mm", a, b);
	msg = getcert_cms_build_signed(chunk_from_str("content"), attrs, cert,
								   key, HASH_SHA256, FALSE);
	ck_assert(msg.len);
	/* the last field of the SignedData: signerInfos */
	rest = signed_data(msg);
	while (rest.len)
	{
		ck_assert(asn1_unwrap(&rest, &field) != ASN1_INVALID);
	}
	/* one SignerInfo: version, sid, digestAlgorithm, signedAttrs */
	ck_assert(asn1_unwrap(&field, &field) == ASN1_SEQUENCE);
	for (i = 0; i < 3; i++)
	{
		ck_assert(asn1_unwrap(&field, &set) != ASN1_INVALID);
	}
	ck_assert(asn1_unwrap(&field, &set) == ASN1_CONTEXT_C_0);
	ck_assert(der_sorted(set, &count));
	ck_assert_int_eq(count, 5);
	chunk_free(&msg);
	chunk_free(&attrs);
	cert->destroy(cert);
	key->destroy(key);
}
END_TEST

START_TEST(test_certs_der_order)
{
	private_key_t *key;
	certificate_t *a, *b;
	linked_list_t *certs;
	chunk_t msg, rest, field;
	int count;

	key = gt_rsa_key(1024);
	a = gt_cert(key, "CN=a", NULL, NULL, NULL, TRUE, 3600);
	b = gt_cert(key, "CN=a long name that makes it longer", NULL, NULL,
				NULL, TRUE, 3600);
	ck_assert(key && a && b);
	/* the longer first */
	certs = linked_list_create_with_items(b, a, NULL);
	msg = getcert_cms_build_certs_only(certs);
	/* SignedData: version, digests, encap, certificates */
	rest = signed_data(msg);
	ck_assert(asn1_unwrap(&rest, &field) == ASN1_INTEGER);
	ck_assert(asn1_unwrap(&rest, &field) == ASN1_SET);
	ck_assert(asn1_unwrap(&rest, &field) == ASN1_SEQUENCE);
	ck_assert(asn1_unwrap(&rest, &field) == ASN1_CONTEXT_C_0);
	ck_assert(der_sorted(field, &count));
	ck_assert_int_eq(count, 2);
	chunk_free(&msg);
	certs->destroy(certs);
	a->destroy(a);
	b->destroy(b);
	key->destroy(key);
}
END_TEST

Suite *csr_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("der order");

	tc = tcase_create("PKCS#10 attributes");
	tcase_add_loop_test(tc, test_csr_der_order, 0, countof(csrs));
	suite_add_tcase(s, tc);

	tc = tcase_create("SET OF");
	tcase_add_loop_test(tc, test_sort_set, 0, countof(sets));
	tcase_add_test(tc, test_signed_attrs_der_order);
	tcase_add_test(tc, test_certs_der_order);
	suite_add_tcase(s, tc);

	return s;
}

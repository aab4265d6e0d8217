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

#include <time.h>

#include <getcertd_crl.h>
#include <getcert_test_certs.h>

#include <credentials/certificates/crl.h>

/**
 * Records for the cache: revocations and CRL numbers, either of which can
 * fail as a database does
 */
static struct {
	getcertd_db_t db;
	linked_list_t *revoked;
	bool read_fails;
	bool number_fails;
	u_int number;
} records;

static linked_list_t *get_revoked(getcertd_db_t *this)
{
	enumerator_t *enumerator;
	getcertd_revoked_t *entry, *copy;
	linked_list_t *list;

	if (records.read_fails)
	{
		return NULL;
	}
	list = linked_list_create();
	enumerator = records.revoked->create_enumerator(records.revoked);
	while (enumerator->enumerate(enumerator, &entry))
	{
		INIT(copy,
			.serial = chunk_clone(entry->serial),
			.date = entry->date,
		);
		list->insert_last(list, copy);
	}
	enumerator->destroy(enumerator);
	return list;
}

static u_int next_crl_number(getcertd_db_t *this)
{
	return records.number_fails ? 0 : ++records.number;
}

static void add_revocation(u_char serial)
{
	getcertd_revoked_t *entry;

	INIT(entry,
		.serial = chunk_clone(chunk_from_thing(serial)),
		.date = time(NULL),
	);
	records.revoked->insert_last(records.revoked, entry);
}

static private_key_t *key;
static certificate_t *ca;
static getcertd_issuer_t *issuer;
static getcertd_crl_t *cache;

START_SETUP(setup_crl)
{
	records = (typeof(records)){
		.db = {
			.get_revoked = get_revoked,
			.next_crl_number = next_crl_number,
		},
		.revoked = linked_list_create(),
	};
	key = gt_rsa_key(1024);
	ca = gt_cert(key, "CN=CRL CA", NULL, NULL, NULL, TRUE, 3600);
	ck_assert(key && ca);
	issuer = getcertd_issuer_create(ca->get_ref(ca), key->get_ref(key));
	ck_assert(issuer);
	cache = getcertd_crl_create(issuer, &records.db, 3600);
}
END_SETUP

START_TEARDOWN(teardown_crl)
{
	cache->destroy(cache);
	issuer->destroy(issuer);
	ca->destroy(ca);
	key->destroy(key);
	records.revoked->destroy_function(records.revoked,
									  getcertd_revoked_free);
}
END_TEARDOWN

/**
 * The CRL number of a CRL, and whether it lists a serial
 */
static u_int parse(chunk_t der, u_char *serial, bool *listed)
{
	certificate_t *cert;
	enumerator_t *enumerator;
	crl_reason_t reason;
	time_t date;
	chunk_t number, revoked;
	u_int value = 0;

	cert = lib->creds->create(lib->creds, CRED_CERTIFICATE, CERT_X509_CRL,
							  BUILD_BLOB_ASN1_DER, der, BUILD_END);
	ck_assert(cert);
	ck_assert(cert->issued_by(cert, ca, NULL));
	number = ((crl_t*)cert)->get_serial((crl_t*)cert);
	while (number.len)
	{
		value = value << 8 | number.ptr[0];
		number = chunk_skip(number, 1);
	}
	if (listed)
	{
		*listed = FALSE;
		enumerator = ((crl_t*)cert)->create_enumerator((crl_t*)cert);
		while (enumerator->enumerate(enumerator, &revoked, &date, &reason))
		{
			*listed |= chunk_equals(revoked, chunk_create(serial, 1));
		}
		enumerator->destroy(enumerator);
	}
	cert->destroy(cert);
	return value;
}

START_TEST(test_cached)
{
	chunk_t first, second;

	first = cache->get(cache);
	ck_assert_int_eq(parse(first, NULL, NULL), 1);
	second = cache->get(cache);
	/* not signed again: the same CRL, no CRL number used */
	ck_assert_chunk_eq(first, second);
	ck_assert_int_eq(records.number, 1);
	chunk_free(&first);
	chunk_free(&second);
}
END_TEST

START_TEST(test_revocation)
{
	chunk_t first, second;
	u_char serial = 0x42;
	bool listed;

	first = cache->get(cache);
	add_revocation(serial);
	second = cache->get(cache);
	ck_assert_int_eq(parse(second, &serial, &listed), 2);
	ck_assert(listed);
	chunk_free(&first);
	chunk_free(&second);
}
END_TEST

START_TEST(test_records_fail)
{
	chunk_t first, second;
	u_char serial = 0x42;
	bool listed;

	/* 0: revocations unreadable, 1: no CRL number */
	first = cache->get(cache);
	add_revocation(serial);
	records.read_fails = _i == 0;
	records.number_fails = _i == 1;
	/* never a CRL signed from what could not be read, or with a number
	 * used before: the last one, until its nextUpdate */
	second = cache->get(cache);
	ck_assert_chunk_eq(first, second);
	ck_assert_int_eq(records.number, 1);
	records.read_fails = records.number_fails = FALSE;
	chunk_free(&second);
	second = cache->get(cache);
	ck_assert_int_eq(parse(second, &serial, &listed), 2);
	ck_assert(listed);
	chunk_free(&first);
	chunk_free(&second);
}
END_TEST

START_TEST(test_records_fail_first)
{
	chunk_t crl;

	records.read_fails = _i == 0;
	records.number_fails = _i == 1;
	crl = cache->get(cache);
	ck_assert(!crl.len);
}
END_TEST

Suite *crl_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("CRL cache");

	tc = tcase_create("get");
	tcase_add_checked_fixture(tc, setup_crl, teardown_crl);
	tcase_add_test(tc, test_cached);
	tcase_add_test(tc, test_revocation);
	tcase_add_loop_test(tc, test_records_fail, 0, 2);
	tcase_add_loop_test(tc, test_records_fail_first, 0, 2);
	suite_add_tcase(s, tc);

	return s;
}

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

#include <getcert_scep.h>

static struct {
	char *reply;
	u_int caps;
} caps_tests[] = {
	/* micromdm scepserver 2.1.0, without a final newline */
	{"Renewal\nSHA-1\nSHA-256\nAES\nDES3\nSCEPStandard\nPOSTPKIOperation",
	 GETCERT_SCEP_CAP_RENEWAL | GETCERT_SCEP_CAP_SHA1 |
		 GETCERT_SCEP_CAP_SHA256 | GETCERT_SCEP_CAP_AES |
		 GETCERT_SCEP_CAP_DES3 | GETCERT_SCEP_CAP_SCEP_STANDARD |
		 GETCERT_SCEP_CAP_POST_PKI_OPERATION},
	/* case-insensitive, CRLF */
	{"aes\r\nsha-256\r\npostpkioperation\r\n",
	 GETCERT_SCEP_CAP_AES | GETCERT_SCEP_CAP_SHA256 |
		 GETCERT_SCEP_CAP_POST_PKI_OPERATION},
	/* whole lines only: prefixes and extensions match nothing */
	{"AESX\nSHA-2567\nSHA\nRenew\nPOST\n", 0},
	/* empty lines match nothing (pki --scep 5.9.8 matched everything) */
	{"\n\n\r\n", 0},
	{"", 0},
	/* white space around a capability is ignored */
	{"  AES \t\n\tRenewal\n", GETCERT_SCEP_CAP_AES | GETCERT_SCEP_CAP_RENEWAL},
	/* SCEPStandard implies AES, POSTPKIOperation and SHA-256 */
	{"SCEPStandard",
	 GETCERT_SCEP_CAP_SCEP_STANDARD | GETCERT_SCEP_CAP_AES |
		 GETCERT_SCEP_CAP_SHA256 | GETCERT_SCEP_CAP_POST_PKI_OPERATION},
	{"GetNextCACert\nSHA-512\nDES3",
	 GETCERT_SCEP_CAP_GET_NEXT_CA_CERT | GETCERT_SCEP_CAP_SHA512 |
		 GETCERT_SCEP_CAP_DES3},
	/* binary junk does not match */
	{"A\0ES\nAES\0", 0},
};

START_TEST(test_caps)
{
	chunk_t reply = chunk_from_str(caps_tests[_i].reply);

	if (_i == countof(caps_tests) - 1)
	{	/* with embedded NULs */
		reply = chunk_create(caps_tests[_i].reply, 9);
	}
	ck_assert_int_eq(getcert_scep_parse_caps(reply), caps_tests[_i].caps);
}
END_TEST

Suite *caps_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("GetCACaps");

	tc = tcase_create("parse");
	tcase_add_loop_test(tc, test_caps, 0, countof(caps_tests));
	suite_add_tcase(s, tc);

	return s;
}

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

/*
 * libFuzzer target: getcert_scep_parse_caps() on a GetCACaps reply body.
 */

#include "fuzz_common.h"

#include <getcert_scep.h>

static void write_seeds(char *dir)
{
	/* micromdm's reply */
	fuzz_write_seed(dir, "micromdm", chunk_from_str(
		"Renewal\nSHA-1\nSHA-256\nAES\nDES3\nSCEPStandard\nPOSTPKIOperation"));
	fuzz_write_seed(dir, "crlf", chunk_from_str(
		"POSTPKIOperation\r\nGetNextCACert\r\nSHA-512\r\n  aes \r\n"));
	fuzz_write_seed(dir, "all", chunk_from_str(
		"AES\nDES3\nGetNextCACert\nPOSTPKIOperation\nRenewal\nSHA-1\n"
		"SHA-256\nSHA-512\nSCEPStandard\n"));
	fuzz_write_seed(dir, "unknown", chunk_from_str(
		"Update\nsha-256\n\n\tDES3\t\nSCEPStandardX\nRSA-OAEP\n"));
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_init("fuzz_caps");
	fuzz_seeds(write_seeds);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	u_int caps;

	caps = getcert_scep_parse_caps(chunk_create((u_char*)data, size));
	if (caps & GETCERT_SCEP_CAP_SCEP_STANDARD)
	{	/* documented implication */
		if ((caps &
			 (GETCERT_SCEP_CAP_AES | GETCERT_SCEP_CAP_POST_PKI_OPERATION |
			  GETCERT_SCEP_CAP_SHA256)) !=
			(GETCERT_SCEP_CAP_AES | GETCERT_SCEP_CAP_POST_PKI_OPERATION |
			 GETCERT_SCEP_CAP_SHA256))
		{
			abort();
		}
	}
	fuzz_sink(caps);
	return 0;
}

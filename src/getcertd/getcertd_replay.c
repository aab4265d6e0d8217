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

#include "getcertd_replay.h"

#include <asn1/asn1.h>
#include <crypto/hashers/hasher.h>

/**
 * The certificationRequestInfo of a DER encoded CSR, with its header
 */
static bool request_info(chunk_t der, chunk_t *info)
{
	chunk_t outer, inner;

	if (asn1_unwrap(&der, &outer) != ASN1_SEQUENCE)
	{
		return FALSE;
	}
	*info = outer;
	if (asn1_unwrap(&outer, &inner) != ASN1_SEQUENCE)
	{
		return FALSE;
	}
	info->len = inner.ptr + inner.len - info->ptr;
	return TRUE;
}

/*
 * Described in header
 */
chunk_t getcertd_replay_request_id(certificate_t *csr, certificate_t *signer,
								   certificate_t *ca)
{
	hasher_t *hasher;
	chunk_t der = chunk_empty, ours = chunk_empty, info;
	chunk_t digest = chunk_empty;
	bool issued;

	/* a self-signed certificate is made afresh with each request */
	issued = signer->issued_by(signer, ca, NULL);
	hasher = lib->crypto->create_hasher(lib->crypto, HASH_SHA256);
	if (!hasher ||
		!csr->get_encoding(csr, CERT_ASN1_DER, &der) ||
		!request_info(der, &info) ||
		(issued && !signer->get_encoding(signer, CERT_ASN1_DER, &ours)) ||
		!hasher->get_hash(hasher, info, NULL) ||
		!hasher->allocate_hash(hasher, ours, &digest))
	{
		digest = chunk_empty;
	}
	DESTROY_IF(hasher);
	chunk_free(&der);
	chunk_free(&ours);
	return digest;
}

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

#include "getcert_error.h"

ENUM(getcert_err_names, GETCERT_OK, GETCERT_ERR_CANCELLED,
	"success",
	"connection failed",
	"TLS handshake failed (server certificate not verified)",
	"unexpected HTTP response",
	"response too large",
	"credentials rejected",
	"no credentials available",
	"malformed response",
	"CA certificate does not match the pinned one",
	"server does not support the required algorithms",
	"reply not signed by the pinned CA or RA",
	"reply for another transaction",
	"reply nonce does not match the request",
	"invalid SCEP messageType, pkiStatus or failInfo",
	"envelope missing, empty or not for us",
	"envelope content not decryptable",
	"request rejected by the CA",
	"request still pending at the CA",
	"issued certificate is not for our key",
	"issued certificate does not chain to the pinned CA",
	"issued certificate does not carry our identity",
	"issued certificate validity is not acceptable",
	"the CA did not renew the certificate",
	"internal error",
	"cancelled",
);

/*
 * Described in header
 */
bool getcert_err_is_transient(getcert_err_t err)
{
	switch (err)
	{
		case GETCERT_ERR_TRANSPORT:
		case GETCERT_ERR_HTTP:
		case GETCERT_ERR_PENDING:
			return TRUE;
		default:
			return FALSE;
	}
}

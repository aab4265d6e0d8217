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

/**
 * @defgroup getcert_error getcert_error
 * @{ @ingroup libgetcert
 */

#ifndef GETCERT_ERROR_H_
#define GETCERT_ERROR_H_

#include <library.h>

typedef enum getcert_err_t getcert_err_t;

/**
 * Outcome of an enrollment step, each failure distinct and actionable.
 */
enum getcert_err_t {
	/** success */
	GETCERT_OK = 0,
	/** connection failed, reset, timed out: transient, retry later */
	GETCERT_ERR_TRANSPORT,
	/** TLS handshake failed, server certificate not verified */
	GETCERT_ERR_TLS,
	/** unexpected HTTP status or redirect */
	GETCERT_ERR_HTTP,
	/** response larger than allowed */
	GETCERT_ERR_TOO_LARGE,
	/** the server rejected the credentials (final 401) */
	GETCERT_ERR_AUTH,
	/** no credentials available for HTTP authentication */
	GETCERT_ERR_NO_CREDENTIALS,
	/** malformed response (DER, CMS, caps, CA certificates) */
	GETCERT_ERR_MALFORMED,
	/** the CA certificate does not match the pinned one */
	GETCERT_ERR_CA_MISMATCH,
	/** the server's capabilities do not meet local algorithm policy */
	GETCERT_ERR_POLICY,
	/** CertRep not signed by the pinned CA/RA, or signature invalid */
	GETCERT_ERR_SIGNATURE,
	/** CertRep for another transaction */
	GETCERT_ERR_TRANSACTION,
	/** recipientNonce is not our senderNonce */
	GETCERT_ERR_NONCE,
	/** messageType, pkiStatus or failInfo invalid */
	GETCERT_ERR_PROTOCOL,
	/** envelope missing, empty, not for us or not supported */
	GETCERT_ERR_ENVELOPE,
	/** envelope content does not decrypt (key, padding) */
	GETCERT_ERR_DECRYPT,
	/** the CA answered FAILURE */
	GETCERT_ERR_REJECTED,
	/** the request stayed PENDING beyond the configured time */
	GETCERT_ERR_PENDING,
	/** issued certificate is not for our public key */
	GETCERT_ERR_CERT_KEY,
	/** issued certificate does not chain to the pinned CA */
	GETCERT_ERR_CERT_CHAIN,
	/** issued certificate does not carry our identity */
	GETCERT_ERR_CERT_IDENTITY,
	/** issued certificate not valid now, or inconsistent validity */
	GETCERT_ERR_CERT_VALIDITY,
	/** a renewal returned the current certificate, or one not newer */
	GETCERT_ERR_NOT_RENEWED,
	/** local failure (crypto not available, out of memory) */
	GETCERT_ERR_INTERNAL,
	/** the enrollment was cancelled (daemon shutdown) */
	GETCERT_ERR_CANCELLED,
};

/**
 * enum names for getcert_err_t.
 */
extern enum_name_t *getcert_err_names;

/**
 * Whether an error is transient, worth retrying with backoff.
 *
 * @param err			error
 * @return				TRUE if transient
 */
bool getcert_err_is_transient(getcert_err_t err);

#endif /** GETCERT_ERROR_H_ @}*/

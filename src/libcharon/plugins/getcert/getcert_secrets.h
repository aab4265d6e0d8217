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
 * @defgroup getcert_secrets getcert_secrets
 * @{ @ingroup getcert
 */

#ifndef GETCERT_SECRETS_H_
#define GETCERT_SECRETS_H_

#include <library.h>
#include <credentials/keys/shared_key.h>
#include <utils/identification.h>

typedef struct getcert_secrets_t getcert_secrets_t;

/**
 * A set of secrets (those a failed enrollment sent), kept only as
 * HMAC-SHA-256 under a random key of this set, never in clear: enough to
 * tell whether a secret is one of them, not to recover it.
 *
 * Thread-safe. Needs only libstrongswan.
 */
struct getcert_secrets_t {

	/**
	 * Remember a secret.
	 *
	 * @param secret	secret, not kept
	 * @return			FALSE if no HMAC is available
	 */
	bool (*add)(getcert_secrets_t *this, chunk_t secret);

	/**
	 * Check whether a secret is in the set. Without an HMAC every secret
	 * counts as known, so nothing is taken for new.
	 *
	 * @param secret	secret
	 * @return			TRUE if it was added
	 */
	bool (*contains)(getcert_secrets_t *this, chunk_t secret);

	/**
	 * Number of secrets in the set.
	 *
	 * @return			count
	 */
	u_int (*get_count)(getcert_secrets_t *this);

	/**
	 * Forget all secrets (their hashes are wiped).
	 */
	void (*clear)(getcert_secrets_t *this);

	/**
	 * Destroy the set, wiping the hashes and the key.
	 */
	void (*destroy)(getcert_secrets_t *this);
};

/**
 * Create an empty set with a fresh random HMAC key.
 *
 * @return				set
 */
getcert_secrets_t *getcert_secrets_create();

/**
 * Enumerate the secrets of the credential manager meant for a CA: those of
 * the type whose owner is the user itself (a perfect match, as
 * id_match_t), and with server_owned those whose owner is the CA's host
 * too. Secrets that merely match the server, a wildcard (%any) owner or
 * other users are skipped.
 *
 * The enumerator yields (shared_key_t *shared), not a new reference. It
 * holds the credential manager's read lock.
 *
 * @param type			SHARED_EAP or SHARED_PIN
 * @param user			user identity, the owner
 * @param server		identity of the CA's host, or NULL
 * @param server_owned	also yield secrets owned by server
 * @return				enumerator over shared_key_t*
 */
enumerator_t *getcert_secrets_create_enumerator(shared_key_type_t type,
							identification_t *user, identification_t *server,
							bool server_owned);

/**
 * Check whether the credential manager offers a secret meant for the CA
 * (see getcert_secrets_create_enumerator()) that is not in a set.
 *
 * @param set			secrets tried already
 * @param type			SHARED_EAP or SHARED_PIN
 * @param user			user identity, the owner
 * @param server		identity of the CA's host, or NULL
 * @param server_owned	secrets owned by server count too
 * @return				TRUE if such a secret is available
 */
bool getcert_secrets_offers_new(getcert_secrets_t *set,
							shared_key_type_t type, identification_t *user,
							identification_t *server, bool server_owned);

#endif /** GETCERT_SECRETS_H_ @}*/

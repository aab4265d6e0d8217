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
 * @defgroup getcert_creds getcert_creds
 * @{ @ingroup getcert
 */

#ifndef GETCERT_CREDS_H_
#define GETCERT_CREDS_H_

#include <credentials/credential_set.h>
#include <credentials/certificates/certificate.h>
#include <credentials/keys/private_key.h>

typedef struct getcert_creds_t getcert_creds_t;

/**
 * In-memory credential set serving each profile's current key and
 * certificate, built on a mem_cred_t. It is the one owner of each
 * profile's pair and of the certificate the current one replaced (or the
 * removed one): the manager asks it.
 *
 * A pair is replaced so that every certificate in the set always has its
 * private key in the set: the new key is added, then the certificates are
 * swapped in one step, then the old key is removed. After the swap the old
 * private key is gone, so charon can not keep using the old certificate.
 *
 * Changes (install, remove) are serialized and call into the mem_cred_t.
 * Queries (get_cert, get_pair, is_ours) only read the pair table under a
 * lock that is never held while calling out, so they never wait for the
 * mem_cred_t's lock: safe in a bus hook and with other locks held.
 */
struct getcert_creds_t {

	/**
	 * Get the credential set to register with the credential manager.
	 *
	 * @return			credential set
	 */
	credential_set_t *(*get_set)(getcert_creds_t *this);

	/**
	 * Install (or replace) the key and certificate of a profile.
	 *
	 * The certificate's public key must match the private key.
	 *
	 * @param name		profile name
	 * @param cert		certificate, reference gets adopted
	 * @param key		private key, reference gets adopted
	 * @param ca		issuing CA served as chain certificate, or NULL
	 *					(not adopted)
	 * @return			FALSE if key and certificate do not match (both
	 *					are destroyed, the installed pair is kept); on
	 *					success the replaced certificate, if any, becomes
	 *					the previous one
	 */
	bool (*install)(getcert_creds_t *this, char *name, certificate_t *cert,
					private_key_t *key, certificate_t *ca);

	/**
	 * Remove the key and certificate of a profile; the certificate is
	 * remembered as the previous one (still ours, see is_ours()).
	 *
	 * @param name		profile name
	 * @return			TRUE if a pair was installed
	 */
	bool (*remove)(getcert_creds_t *this, char *name);

	/**
	 * Get the certificate currently installed for a profile.
	 *
	 * @param name		profile name
	 * @return			new reference to the certificate, NULL if none
	 */
	certificate_t *(*get_cert)(getcert_creds_t *this, char *name);

	/**
	 * Get the pair currently installed for a profile, both at once.
	 *
	 * @param name		profile name
	 * @param cert		receives a new reference to the certificate
	 * @param key		receives a new reference to its private key
	 * @return			FALSE if none is installed
	 */
	bool (*get_pair)(getcert_creds_t *this, char *name, certificate_t **cert,
					 private_key_t **key);

	/**
	 * Check whether a certificate is the current one of a profile or the
	 * one the current one replaced (or the last removed one).
	 *
	 * @param cert		certificate
	 * @return			TRUE if ours
	 */
	bool (*is_ours)(getcert_creds_t *this, certificate_t *cert);

	/**
	 * Destroy a getcert_creds_t.
	 */
	void (*destroy)(getcert_creds_t *this);
};

/**
 * Create an empty credential set.
 *
 * @return				credential set
 */
getcert_creds_t *getcert_creds_create();

#endif /** GETCERT_CREDS_H_ @}*/

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
 * certificate, built on a mem_cred_t.
 *
 * A pair is replaced so that every certificate in the set always has its
 * private key in the set: the new key is added, then the certificates are
 * swapped in one step, then the old key is removed. After the swap the old
 * private key is gone, so charon can not keep using the old certificate.
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
	 *					are destroyed, the installed pair is kept)
	 */
	bool (*install)(getcert_creds_t *this, char *name, certificate_t *cert,
					private_key_t *key, certificate_t *ca);

	/**
	 * Remove the key and certificate of a profile.
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

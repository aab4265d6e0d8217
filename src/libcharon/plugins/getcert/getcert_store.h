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
 * @defgroup getcert_store getcert_store
 * @{ @ingroup getcert
 */

#ifndef GETCERT_STORE_H_
#define GETCERT_STORE_H_

#include <library.h>
#include <credentials/certificates/certificate.h>
#include <credentials/keys/private_key.h>

typedef struct getcert_store_t getcert_store_t;

/**
 * Optional persistence of each profile's key and certificate, so that a
 * restarted charon need not enroll again.
 *
 * One file per profile, <dir>/<name>.pem, mode 0600, holding the PEM
 * certificate followed by the PEM private key as strongSwan's PRIVKEY_PEM
 * encodes it (PKCS#1 "RSA PRIVATE KEY" or SEC1 "EC PRIVATE KEY"), which
 * "pki --print --in <file>" (the certificate, the first block) and openssl
 * read. Needs the pem plugin. A file of the format written before,
 * <dir>/<name>.pair (DER certificate followed by DER key), is loaded if
 * there is no .pem file, rewritten as .pem and removed; save() and
 * remove() remove it too. A pair is written to a temporary file in the same
 * directory (O_EXCL|O_NOFOLLOW, 0600, fsync) and renamed over the old
 * one, so key and certificate are always replaced together. Symbolic
 * links are never followed (the directory is opened with O_NOFOLLOW and
 * every file with openat(O_NOFOLLOW)); files that are not regular, not
 * owned by us or readable by group/others, larger than 64 KiB, not
 * exactly a certificate and a key (PEM headers, as of encrypted keys,
 * are refused), or whose key does not match the certificate, are ignored
 * with a log line. Key material read or encoded is wiped after use.
 */
struct getcert_store_t {

	/**
	 * Save a profile's pair, replacing the saved one atomically.
	 *
	 * @param name		profile name ([a-zA-Z0-9_-.], not starting with '.')
	 * @param cert		certificate
	 * @param key		its private key
	 * @return			TRUE if saved
	 */
	bool (*save)(getcert_store_t *this, char *name, certificate_t *cert,
				 private_key_t *key);

	/**
	 * Load a profile's saved pair.
	 *
	 * @param name		profile name
	 * @param cert		receives the certificate
	 * @param key		receives the private key
	 * @return			FALSE if there is no complete, matching pair
	 */
	bool (*load)(getcert_store_t *this, char *name, certificate_t **cert,
				 private_key_t **key);

	/**
	 * Remove a profile's saved pair (e.g. after it expired).
	 *
	 * @param name		profile name
	 */
	void (*remove)(getcert_store_t *this, char *name);

	/**
	 * Destroy the store (does not touch the files).
	 */
	void (*destroy)(getcert_store_t *this);
};

/**
 * Open the persistence directory, creating it (0700) if missing.
 *
 * @param dir			directory path
 * @return				store, NULL if the directory is unusable (logged)
 */
getcert_store_t *getcert_store_create(char *dir);

#endif /** GETCERT_STORE_H_ @}*/

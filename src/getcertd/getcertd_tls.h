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
 * @defgroup getcertd_tls getcertd_tls
 * @{ @ingroup getcertd
 */

#ifndef GETCERTD_TLS_H_
#define GETCERTD_TLS_H_

#include <library.h>

#include <gnutls/gnutls.h>
#include <gnutls/abstract.h>

typedef struct getcertd_tls_t getcertd_tls_t;

/**
 * The HTTPS server's credentials for GnuTLS: the certificate chain of the
 * tls.cert file, and its private key held by strongSwan (the openssl
 * plugin), which makes the handshake signatures.
 *
 * GnuTLS' own RSA (nettle) costs about three times as much per signature
 * as OpenSSL's; with a new TLS connection per enrollment the handshake
 * signature is one of the four private key operations of an issuance.
 * The key never leaves strongSwan's private_key_t: GnuTLS gets an
 * external key (gnutls_privkey_import_ext4()) whose callbacks sign
 * through it.
 */
struct getcertd_tls_t {

	/**
	 * The chain and key for a session, as a
	 * gnutls_certificate_retrieve_function2 returns them (borrowed).
	 *
	 * @param pcert		receives the chain
	 * @param count		receives its length
	 * @param key		receives the key
	 */
	void (*get)(getcertd_tls_t *this, gnutls_pcert_st **pcert,
				u_int *count, gnutls_privkey_t *key);

	/**
	 * Destroy the credentials, after every session using them.
	 */
	void (*destroy)(getcertd_tls_t *this);
};

/**
 * Load the certificate chain (PEM, the server's certificate first) and
 * its private key (PEM or DER, RSA, ECDSA or Ed25519).
 *
 * @param cert			path of the certificate chain
 * @param key			path of the private key
 * @return				credentials, NULL on error (logged: unreadable,
 *						no certificate, the key does not match)
 */
getcertd_tls_t *getcertd_tls_create(char *cert, char *key);

#endif /** GETCERTD_TLS_H_ @}*/

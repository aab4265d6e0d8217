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
 * Helpers for the getcert unit tests: throw-away keys and certificates
 * made with libstrongswan, and capture of log output.
 *
 * @defgroup getcert_test_certs getcert_test_certs
 * @{ @ingroup getcert
 */

#ifndef GETCERT_TEST_CERTS_H_
#define GETCERT_TEST_CERTS_H_

#include <library.h>
#include <credentials/certificates/certificate.h>
#include <credentials/keys/private_key.h>

/**
 * test_runner init/deinit: load plugins (TESTS_PLUGINS overrides), or
 * stop the processor and unload them.
 *
 * @param init		TRUE to initialize, FALSE to clean up
 * @param plugins	plugins to load
 * @param path		additional plugin directory, or NULL
 * @return			FALSE if the plugins could not be loaded
 */
bool gt_test_init(bool init, char *plugins, char *path);

/**
 * Generate a fresh ECDSA P-256 key (fast, enough for these tests).
 *
 * @return			private key
 */
private_key_t *gt_key();

/**
 * Generate a fresh RSA key (SCEP needs RSA for key transport).
 *
 * @param bits		modulus length
 * @return			private key
 */
private_key_t *gt_rsa_key(int bits);

/**
 * Issue a certificate.
 *
 * @param key		key of the subject
 * @param subject	subject DN, e.g. "C=CH, O=strongSwan, CN=carol"
 * @param san		subjectAltName, or NULL
 * @param signer	key of the issuer, NULL for self-signed
 * @param issuer	certificate of the issuer, NULL for self-signed
 * @param ca		TRUE to issue a CA certificate
 * @param lifetime	seconds of validity from now (negative: expired)
 * @return			certificate
 */
certificate_t *gt_cert(private_key_t *key, char *subject, char *san,
					   private_key_t *signer, certificate_t *issuer, bool ca,
					   int lifetime);

/**
 * Create an end-entity certificate with a keyUsage and extended key usages,
 * which strongSwan's x509 builder does not write for end entities (valid
 * for an hour).
 *
 * @param key		key to certify
 * @param subject	subject DN
 * @param signer	key of the issuer
 * @param issuer	certificate of the issuer
 * @param ku		getcert_key_usage_t bits, 0 for no keyUsage
 * @param flags		x509_flag_t extended key usages (X509_SERVER_AUTH,
 *					X509_CLIENT_AUTH, X509_IKE_INTERMEDIATE, ...)
 * @return			certificate
 */
certificate_t *gt_cert_usage(private_key_t *key, char *subject,
							 private_key_t *signer, certificate_t *issuer,
							 u_int ku, u_int flags);

/**
 * Write a certificate in DER to a new temporary file.
 *
 * @param cert		certificate
 * @return			allocated path of the file
 */
char *gt_write_cert(certificate_t *cert);

/**
 * Start capturing everything logged through dbg().
 */
void gt_log_start();

/**
 * Check whether a captured log line contains a string.
 *
 * @param str		string to look for
 * @return			TRUE if found
 */
bool gt_log_contains(char *str);

/**
 * Stop capturing, restore the previous dbg() hook.
 */
void gt_log_stop();

#endif /** GETCERT_TEST_CERTS_H_ @}*/

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
 * @defgroup getcert_x509 getcert_x509
 * @{ @ingroup libgetcert
 */

#ifndef GETCERT_X509_H_
#define GETCERT_X509_H_

#include <library.h>
#include <credentials/certificates/certificate.h>
#include <credentials/keys/private_key.h>
#include <collections/linked_list.h>

typedef enum getcert_key_usage_t getcert_key_usage_t;

/**
 * Bits of the keyUsage extension (RFC 5280 section 4.2.1.3) that SCEP
 * roles depend on, which strongSwan 5.9.8's x509_t does not expose.
 */
enum getcert_key_usage_t {
	GETCERT_KU_DIGITAL_SIGNATURE = (1<<0),
	GETCERT_KU_KEY_ENCIPHERMENT = (1<<2),
	GETCERT_KU_KEY_CERT_SIGN = (1<<5),
};

/**
 * Find an extension of an X.509 certificate.
 *
 * @param cert			certificate
 * @param oid			OID of the extension (asn1_known_oid())
 * @param value			receives the allocated contents of extnValue, empty
 *						if the extension is malformed
 * @return				TRUE if the certificate has the extension
 */
bool getcert_x509_extension(certificate_t *cert, int oid, chunk_t *value);

/**
 * Get the keyUsage of an X.509 certificate.
 *
 * @param cert			certificate
 * @param usage			receives getcert_key_usage_t bits (all nine bits of
 *						the extension, bit n of the BIT STRING as 1<<n)
 * @return				TRUE if the certificate has a well-formed keyUsage
 *						extension
 */
bool getcert_x509_key_usage(certificate_t *cert, u_int *usage);

/**
 * Whether a certificate may be used for a key usage: it has no keyUsage
 * extension, or a well-formed one with the bit.
 *
 * @param cert			certificate
 * @param usage			one getcert_key_usage_t bit
 * @return				TRUE if allowed
 */
bool getcert_x509_allows(certificate_t *cert, getcert_key_usage_t usage);

/**
 * Build the GeneralNames (RFC 5280 section 4.2.1.6) of identities, as in a
 * subjectAltName extension.
 *
 * @param ids			identification_t*: RFC 822 addresses, FQDNs, DNs or
 *						IP addresses (other types are skipped), or NULL
 * @return				allocated DER encoding, chunk_empty if none
 */
chunk_t getcert_x509_general_names(linked_list_t *ids);

/**
 * Build and sign a PKCS#10 certification request in canonical DER.
 *
 * strongSwan 5.9.8's builder lists the extensionRequest before the
 * challengePassword whatever their encodings, which breaks the DER order
 * of the attributes SET OF (X.690 11.6) that strict parsers require. This
 * one sorts the attributes. The signature algorithm is the one strongSwan
 * uses for the key type and digest.
 *
 * @param key			key to certify and sign with
 * @param subject		subject DN
 * @param sans			identification_t* for a subjectAltName extension
 *						request, or NULL (types other than
 *						getcert_x509_general_names()'s are skipped)
 * @param password		challengePassword (UTF8String), or chunk_empty
 * @param digest		digest algorithm of the signature
 * @return				allocated DER encoding (holds the password: wipe
 *						it with chunk_clear()), chunk_empty on failure
 */
chunk_t getcert_x509_build_csr(private_key_t *key, identification_t *subject,
							   linked_list_t *sans, chunk_t password,
							   hash_algorithm_t digest);

#endif /** GETCERT_X509_H_ @}*/

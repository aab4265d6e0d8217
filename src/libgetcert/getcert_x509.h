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

#include "getcert_error.h"

#include <library.h>
#include <utils/identification.h>
#include <credentials/certificates/certificate.h>
#include <credentials/keys/private_key.h>
#include <collections/linked_list.h>

typedef enum getcert_key_usage_t getcert_key_usage_t;
typedef enum getcert_eku_t getcert_eku_t;

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
 * Extended key usages (RFC 5280 section 4.2.1.12, RFC 4945 5.1.3.12) that
 * the roles of SCEP and IKE depend on.
 */
enum getcert_eku_t {
	GETCERT_EKU_ANY = (1<<0),
	GETCERT_EKU_SERVER_AUTH = (1<<1),
	GETCERT_EKU_CLIENT_AUTH = (1<<2),
	GETCERT_EKU_IPSEC_IKE = (1<<3),
	GETCERT_EKU_IKE_INTERMEDIATE = (1<<4),
	/** any other purpose */
	GETCERT_EKU_OTHER = (1<<5),
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

/**
 * Build and sign a PKCS#10 certification request as
 * getcert_x509_build_csr() does, with more attributes (sorted into the
 * SET OF with the others), e.g. AsymmetricDecryptKeyIdentifier for EST's
 * /serverkeygen (RFC 7030 4.4.1.2).
 *
 * @param key			key to certify and sign with
 * @param subject		subject DN
 * @param sans			identification_t* for a subjectAltName extension
 *						request, or NULL
 * @param password		challengePassword (UTF8String), or chunk_empty
 * @param attrs			further DER Attribute encodings, concatenated, or
 *						chunk_empty
 * @param digest		digest algorithm of the signature
 * @return				allocated DER encoding (wipe it with
 *						chunk_clear()), chunk_empty on failure
 */
chunk_t getcert_x509_build_csr_attrs(private_key_t *key,
									 identification_t *subject,
									 linked_list_t *sans, chunk_t password,
									 chunk_t attrs, hash_algorithm_t digest);

/**
 * Get the extendedKeyUsage of an X.509 certificate.
 *
 * @param cert			certificate
 * @param usage			receives getcert_eku_t bits, 0 if the certificate
 *						has no extendedKeyUsage extension (a well-formed
 *						one lists at least one usage)
 * @return				FALSE if the extension is malformed
 */
bool getcert_x509_eku(certificate_t *cert, u_int *usage);

/**
 * Calculate the SHA-256 fingerprint of a certificate's DER encoding.
 *
 * @param cert			certificate
 * @param fp			receives the allocated fingerprint
 * @return				TRUE if calculated
 */
bool getcert_x509_fingerprint(certificate_t *cert, chunk_t *fp);

/**
 * Parse SHA-256 fingerprints: 64 hex digits each (colons allowed),
 * separated by commas and/or white space.
 *
 * @param str			configured value
 * @param fps			receives the allocated fingerprints, concatenated
 *						(HASH_SIZE_SHA256 bytes each)
 * @return				FALSE if empty or not fingerprints
 */
bool getcert_x509_parse_fingerprints(char *str, chunk_t *fps);

/**
 * Whether a certificate's SHA-256 fingerprint is one of a list.
 *
 * @param cert			certificate
 * @param fps			fingerprints as getcert_x509_parse_fingerprints()
 *						returns them
 * @return				TRUE if listed
 */
bool getcert_x509_fingerprint_listed(certificate_t *cert, chunk_t fps);

/**
 * Check whether a private key belongs to a certificate's public key.
 *
 * @param cert			certificate
 * @param key			private key
 * @return				TRUE if the certificate certifies the key
 */
bool getcert_key_matches(certificate_t *cert, private_key_t *key);

/**
 * Check a certificate issued to us before installing it.
 *
 * @param cert			issued certificate
 * @param key			our private key
 * @param ca			pinned CA certificate
 * @param identity		identity it must carry
 * @param max_skew		tolerated clock skew for notBefore, seconds
 * @return				GETCERT_OK, GETCERT_ERR_CERT_KEY, _CHAIN, _IDENTITY
 *						or _VALIDITY
 */
getcert_err_t getcert_check_issued(certificate_t *cert, private_key_t *key,
								   certificate_t *ca, identification_t *identity,
								   u_int max_skew);

/**
 * Create a self-signed X.509 certificate (random serial, SHA-256).
 *
 * @param subject		subject and issuer DN
 * @param key			the key to certify and sign with
 * @param not_before	start of the validity
 * @param not_after		end of the validity
 * @return				certificate, NULL on failure
 */
certificate_t *getcert_x509_self_signed(identification_t *subject,
										private_key_t *key, time_t not_before,
										time_t not_after);

/**
 * Create the self-signed certificate a PKCSReq without a current
 * certificate is signed with (random serial, valid for a week).
 *
 * @param subject		subject DN of the request
 * @param key			the key to certify
 * @return				certificate, NULL on failure
 */
certificate_t *getcert_self_signed(identification_t *subject,
								   private_key_t *key);

/**
 * Check that an encoding is one element of canonical DER (X.690 10) made
 * only of the universal types a SubjectPublicKeyInfo (RFC 5280 4.1,
 * RFC 3279, RFC 5480, RFC 8410) is built from: SEQUENCE, OBJECT
 * IDENTIFIER, NULL, INTEGER, BIT STRING and OCTET STRING.
 *
 * Refused: indefinite lengths, lengths not in the fewest octets (the long
 * form for less than 128 octets, leading zero octets), lengths beyond the
 * data, any other tag (constructed strings included), a non-empty NULL,
 * an empty or non-minimal INTEGER (leading 0x00 or 0xff octet), an empty
 * OID or one with a non-minimal or unterminated subidentifier, a BIT
 * STRING without its unused-bits octet, with more than 7 unused bits,
 * unused bits in an empty string or non-zero padding bits, nesting deeper
 * than 16 levels, and anything after the element.
 *
 * @param der			encoding (untrusted)
 * @return				TRUE if canonical
 */
bool getcert_x509_der_canonical(chunk_t der);

/**
 * Check that the SubjectPublicKeyInfo strongSwan parsed a key from may
 * stand for the key as it is: canonical DER (getcert_x509_der_canonical())
 * and consistent with the key: rsaEncryption with NULL parameters and a
 * canonical RSAPublicKey of positive INTEGERs whose modulus has the key's
 * size; id-ecPublicKey on the named curve P-256, P-384 or P-521 of the
 * key's size with an uncompressed point; id-Ed25519 or id-Ed448 without
 * parameters and with a key of 32 or 57 octets. The subjectPublicKey BIT
 * STRING has no unused bits. Other key types and curves are refused.
 *
 * The key material is not compared (that would take encoding the key):
 * an SPKI of another key of the same type and size passes. Pass only the
 * encoding the key was parsed from, e.g. both from one CSR.
 *
 * @param spki			DER encoding of the SubjectPublicKeyInfo (untrusted)
 * @param public		the key strongSwan parsed from it
 * @return				TRUE if spki may stand for the key
 */
bool getcert_x509_spki_usable(chunk_t spki, public_key_t *public);

/**
 * Get the SubjectPublicKeyInfo of a PKCS#10 certification request exactly
 * as the client encoded it (certificationRequestInfo.subjectPKInfo), if
 * getcert_x509_spki_usable() accepts it for the request's public key.
 * Using it spares encoding the key again.
 *
 * @param csr			certification request (CERT_PKCS10_REQUEST)
 * @param spki			receives the allocated DER encoding, chunk_empty if
 *						not usable
 * @return				TRUE if usable
 */
bool getcert_x509_csr_spki(certificate_t *csr, chunk_t *spki);

/**
 * Calculate the key identifier of a SubjectPublicKeyInfo, the SHA-1 hash
 * of the subjectPublicKey BIT STRING's bits (RFC 5280 4.2.1.2, method 1).
 * For an SPKI accepted by getcert_x509_spki_usable() this is strongSwan's
 * KEYID_PUBKEY_SHA1 of the key (SHA-1 of the PKCS#1 RSAPublicKey, of the
 * EC point, of the raw EdDSA key).
 *
 * @param spki			DER encoding of the SubjectPublicKeyInfo
 * @param keyid			receives the allocated identifier
 * @return				FALSE if spki is not a SubjectPublicKeyInfo with a
 *						whole number of octets in its key, or hashing failed
 */
bool getcert_x509_spki_keyid(chunk_t spki, chunk_t *keyid);

/**
 * Key identifier (KEYID_PUBKEY_SHA1) of the public key of a PKCS#10
 * certification request or a certificate: of a request from the client's
 * SubjectPublicKeyInfo if getcert_x509_csr_spki() accepts it, otherwise
 * the fingerprint strongSwan computes from the key.
 *
 * @param cert			certification request or certificate
 * @param keyid			receives the allocated identifier
 * @return				FALSE if the key is not supported
 */
bool getcert_x509_key_id(certificate_t *cert, chunk_t *keyid);

#endif /** GETCERT_X509_H_ @}*/

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
 * @defgroup getcertd_issuer getcertd_issuer
 * @{ @ingroup getcertd
 */

#ifndef GETCERTD_ISSUER_H_
#define GETCERTD_ISSUER_H_

#include <library.h>
#include <collections/linked_list.h>
#include <credentials/certificates/certificate.h>
#include <credentials/keys/private_key.h>

typedef struct getcertd_issuer_t getcertd_issuer_t;
typedef struct getcertd_revoked_t getcertd_revoked_t;
typedef enum getcertd_eku_t getcertd_eku_t;

/**
 * A revoked certificate, for the CRL.
 */
struct getcertd_revoked_t {
	/** serial number */
	chunk_t serial;
	/** revocation time */
	time_t date;
};

/**
 * Extended key usages an issued certificate may carry; never serverAuth.
 */
enum getcertd_eku_t {
	GETCERTD_EKU_CLIENT_AUTH = (1<<1),
	GETCERTD_EKU_IPSEC_IKE = (1<<2),
};

/**
 * Issues end entity certificates with the RFC 4945 profile for IKE:
 * version 3, a random positive serial, keyUsage digitalSignature
 * (critical), basicConstraints CA:FALSE, subjectAltName, subject and
 * authority key identifiers, and by policy extendedKeyUsage clientAuth and
 * ipsecIKE (deviating from RFC 4945 5.1.3.12, which says a CA SHOULD NOT
 * include one: without it, OpenSSL accepts the certificate as a TLS
 * server's). Never serverAuth.
 *
 * strongSwan's x509 plugin generates no keyUsage for end entities, hence
 * the certificate is encoded here.
 */
struct getcertd_issuer_t {

	/**
	 * Issue a certificate.
	 *
	 * The subject's SubjectPublicKeyInfo is taken as the client encoded
	 * it in its request if spki is given and getcert_x509_spki_usable()
	 * accepts it for public (the subjectKeyIdentifier is then hashed from
	 * it); otherwise the key is encoded anew.
	 *
	 * @param public		subject's public key
	 * @param spki			the SubjectPublicKeyInfo public was parsed from,
	 *						of the same request (getcert_x509_csr_spki()),
	 *						or chunk_empty
	 * @param subject		subject DN
	 * @param sans			subjectAltNames, identification_t*
	 * @param not_before	start of validity
	 * @param not_after		end of validity
	 * @param ekus			getcertd_eku_t flags, 0 for no EKU extension
	 * @return				certificate, NULL on failure
	 */
	certificate_t *(*issue)(getcertd_issuer_t *this, public_key_t *public,
							chunk_t spki, identification_t *subject,
							linked_list_t *sans, time_t not_before,
							time_t not_after, u_int ekus);

	/**
	 * Issue a CRL.
	 *
	 * @param revoked		getcertd_revoked_t*
	 * @param number		CRL number
	 * @param next_update	seconds until the next update
	 * @return				CRL, NULL on failure
	 */
	certificate_t *(*issue_crl)(getcertd_issuer_t *this,
								linked_list_t *revoked, u_int number,
								u_int next_update);

	/**
	 * The CA certificate.
	 *
	 * @return				CA certificate (no new reference)
	 */
	certificate_t *(*get_ca)(getcertd_issuer_t *this);

	/**
	 * Protect a server-generated key for a client (RFC 7030 4.4.2): the
	 * key package signed with the CA key, encrypted to the client's key.
	 *
	 * @param key			generated private key
	 * @param recipient		client's RSA public key
	 * @param recipient_id	its subjectKeyIdentifier, as the CSR named it
	 * @return				allocated ContentInfo DER, chunk_empty on failure
	 */
	chunk_t (*protect_key)(getcertd_issuer_t *this, private_key_t *key,
						   public_key_t *recipient, chunk_t recipient_id);

	/**
	 * Destroy the issuer.
	 */
	void (*destroy)(getcertd_issuer_t *this);
};

/**
 * Free a getcertd_revoked_t.
 *
 * @param revoked		entry
 */
void getcertd_revoked_free(void *revoked);

/**
 * Create an issuer.
 *
 * @param ca			CA certificate (reference adopted)
 * @param key			CA key, RSA or ECDSA (reference adopted)
 * @return				issuer
 */
getcertd_issuer_t *getcertd_issuer_create(certificate_t *ca,
										  private_key_t *key);

#endif /** GETCERTD_ISSUER_H_ @}*/

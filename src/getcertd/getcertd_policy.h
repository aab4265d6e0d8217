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
 * @defgroup getcertd_policy getcertd_policy
 * @{ @ingroup getcertd
 */

#ifndef GETCERTD_POLICY_H_
#define GETCERTD_POLICY_H_

#include <library.h>
#include <collections/linked_list.h>
#include <credentials/certificates/pkcs10.h>

typedef struct getcertd_policy_t getcertd_policy_t;
typedef enum getcertd_key_type_t getcertd_key_type_t;
typedef enum getcertd_skg_t getcertd_skg_t;

/**
 * Key types a policy accepts in CSRs (flags).
 */
enum getcertd_key_type_t {
	GETCERTD_KEY_RSA = (1<<0),
	GETCERTD_KEY_ECDSA = (1<<1),
	GETCERTD_KEY_ED25519 = (1<<2),
};

/**
 * Server-side key generation (EST /serverkeygen, RFC 7030 4.4) a policy
 * offers.
 */
enum getcertd_skg_t {
	/** not offered (501) */
	GETCERTD_SKG_NO,
	/** only encrypted to the CSR's RSA key (AsymmetricDecryptKeyIdentifier) */
	GETCERTD_SKG_ENCRYPTED,
	/** also unencrypted (application/pkcs8) over TLS */
	GETCERTD_SKG_YES,
};

/**
 * Longest EST label (RFC 7030 3.2.2), characters
 */
#define GETCERTD_POLICY_MAX_LABEL 64

/**
 * An issuance policy, served on one path: who may enroll, how, and what
 * the certificates say.
 */
struct getcertd_policy_t {
	/** name of the settings section */
	char *name;
	/** URL path */
	char *path;
	/** subject DN template, %u is the user */
	char *subject;
	/** subjectAltName template, or NULL */
	char *san;
	/** certificate lifetime, seconds */
	u_int lifetime;
	/** notBefore backdating, seconds */
	u_int backdate;
	/** longest time after an authentication that renewals need none */
	u_int max_renewal_age;
	/** requests wait for an operator */
	bool manual;
	/** HTTP Basic authentication against RADIUS */
	bool radius;
	/** SCEP challengePassword accepted instead, or NULL */
	char *challenge;
	/** extended key usages of issued certificates */
	u_int ekus;
	/** smallest RSA key accepted, bits */
	u_int min_rsa;
	/** accept DES/DES3 encrypted requests (legacy clients) */
	bool allow_weak;
	/** getcertd_key_type_t flags of the CSR keys accepted */
	u_int key_types;
	/** served over EST (RFC 7030) */
	bool est;
	/** EST label (/.well-known/est/<label>/), NULL for none */
	char *est_label;
	/** server-side key generation offered */
	getcertd_skg_t server_keygen;
	/** type of the keys generated */
	key_type_t skg_type;
	/** size of the keys generated, bits */
	u_int skg_bits;
};

/**
 * Load the policies from getcertd.policies.
 *
 * @return				list of getcertd_policy_t*, NULL on errors (logged)
 */
linked_list_t *getcertd_policy_load();

/**
 * Destroy a policy.
 *
 * @param policy		policy to destroy
 */
void getcertd_policy_destroy(getcertd_policy_t *policy);

/**
 * Find the policy serving a path.
 *
 * @param policies		list of getcertd_policy_t*
 * @param path			URL path
 * @return				policy, NULL if none
 */
getcertd_policy_t *getcertd_policy_find(linked_list_t *policies, char *path);

/**
 * Find the policy serving an EST label.
 *
 * @param policies		list of getcertd_policy_t*
 * @param label			EST label, NULL for /.well-known/est/ itself
 * @return				policy, NULL if none
 */
getcertd_policy_t *getcertd_policy_find_est(linked_list_t *policies,
											char *label);

/**
 * Whether a string is a usable EST label: 1 to GETCERTD_POLICY_MAX_LABEL
 * characters of [A-Za-z0-9._-], not "." or "..", not the name of an EST
 * operation (RFC 7030 3.2.2).
 *
 * @param label			label
 * @return				TRUE if usable
 */
bool getcertd_policy_valid_label(char *label);

/**
 * Check the key of a CSR against a policy: type allowed, RSA at least
 * min_rsa bits, ECDSA on P-256, P-384 or P-521.
 *
 * @param policy		policy
 * @param public		key of the CSR
 * @param reason		receives a static text if refused
 * @return				TRUE if acceptable
 */
bool getcertd_policy_key_ok(getcertd_policy_t *policy, public_key_t *public,
							char **reason);

/**
 * Find a policy by its name (the policy a certificate was issued under).
 *
 * @param policies		list of getcertd_policy_t*
 * @param name			name of the settings section, or NULL
 * @return				policy, NULL if none
 */
getcertd_policy_t *getcertd_policy_named(linked_list_t *policies,
										 char *name);

/**
 * Check a user name: it goes into DNs and subjectAltNames. Refused are
 * characters other than alphanumerics and "._-@", IP address literals,
 * and (unless getcertd.allow_dotted_users) dotted names without '@'
 * whose last label is alphabetic, as they look like host names.
 *
 * @param user			user name
 * @return				TRUE if usable
 */
bool getcertd_policy_valid_user(char *user);

/**
 * Build the names a user is granted by a policy.
 *
 * @param policy		policy
 * @param user			authenticated user
 * @param sans			list to add granted subjectAltNames to
 * @return				granted subject DN
 */
identification_t *getcertd_policy_granted(getcertd_policy_t *policy,
										  char *user, linked_list_t *sans);

/**
 * Whether a CSR subject is acceptable for the names granted: the granted
 * DN, or a single CN holding the user or a granted subjectAltName.
 *
 * @param csr_subject	subject the CSR asks for
 * @param dn			granted subject DN
 * @param sans			granted subjectAltNames, identification_t*
 * @param user			authenticated user, or NULL
 * @return				TRUE if acceptable
 */
bool getcertd_policy_subject_ok(identification_t *csr_subject,
								identification_t *dn, linked_list_t *sans,
								char *user);

/**
 * Whether every subjectAltName a CSR asks for is granted.
 *
 * @param csr			CSR
 * @param sans			granted subjectAltNames, identification_t*
 * @return				TRUE if all are granted
 */
bool getcertd_policy_sans_ok(pkcs10_t *csr, linked_list_t *sans);

#endif /** GETCERTD_POLICY_H_ @}*/

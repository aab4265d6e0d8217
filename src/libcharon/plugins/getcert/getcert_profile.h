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
 * @defgroup getcert_profile getcert_profile
 * @{ @ingroup getcert
 */

#ifndef GETCERT_PROFILE_H_
#define GETCERT_PROFILE_H_

#include <library.h>
#include <credentials/certificates/certificate.h>
#include <utils/identification.h>

#include <getcert_client.h>

typedef struct getcert_profile_t getcert_profile_t;
typedef struct getcert_profile_opts_t getcert_profile_opts_t;

/**
 * RSA modulus length used if a SCEP profile does not configure one (an EST
 * profile takes what /csrattrs asks for, else this).
 */
#define GETCERT_KEY_SIZE_DEFAULT 2048

/**
 * When and how often a profile enrolls; all times in seconds.
 */
struct getcert_profile_opts_t {
	/** bound on one enrollment attempt (connect, requests, polling) */
	u_int timeout;
	/** renew when this fraction of the lifetime has passed */
	double renew_fraction;
	/** ...but at least this long before notAfter */
	u_int renew_lead;
	/** random fraction of the lifetime renewal is brought forward by */
	double renew_jitter;
	/** first retry after a failed renewal, doubles with each failure */
	u_int retry_interval;
	/** longest retry interval */
	u_int retry_max;
	/** password attempts per enrollment */
	u_int max_tries;
	/** send the password with the enrolling request, not after a 401 */
	bool preemptive_auth;
	/** SHA-1 in requests if the server lacks SHA-256, and in CertReps */
	bool allow_sha1;
	/** DES-EDE3-CBC in requests if the server lacks AES, and in CertReps */
	bool allow_des3;
	/** DES-CBC in CertRep envelopes */
	bool allow_des;
	/** no new enrollment this long after a failed first enrollment */
	u_int failure_backoff;
	/** longest back-off, it doubles with each failure in a row */
	u_int failure_backoff_max;
	/** secrets owned by the CA's host name are sent too, not only the
	 *  user's own */
	bool ca_secret_owner;
};

/**
 * An enrollment profile: where and as whom a certificate is obtained.
 *
 * Profiles are read from <ns>.plugins.getcert.profiles.<name> and are
 * immutable once created; a reload creates new objects.
 */
struct getcert_profile_t {

	/**
	 * Name of the profile (its settings section).
	 *
	 * @return			profile name
	 */
	char *(*get_name)(getcert_profile_t *this);

	/**
	 * URL of the GETCERT/SCEP service, or the EST server's base.
	 *
	 * @return			URL, https:// unless plain HTTP was explicitly allowed
	 *					(SCEP only)
	 */
	char *(*get_url)(getcert_profile_t *this);

	/**
	 * Enrollment protocol (option protocol = scep|est).
	 *
	 * @return			GETCERT_PROTOCOL_SCEP (default) or GETCERT_PROTOCOL_EST
	 */
	getcert_protocol_t (*get_protocol)(getcert_profile_t *this);

	/**
	 * EST CA label (RFC 7030 3.2.2), EST profiles only.
	 *
	 * @return			label, or NULL for none
	 */
	char *(*get_est_label)(getcert_profile_t *this);

	/**
	 * Identity the certificate is issued for (subject or subjectAltName),
	 * also the IKE identity a connection uses with it.
	 *
	 * @return			identity
	 */
	identification_t *(*get_identity)(getcert_profile_t *this);

	/**
	 * User name authenticated by the CA (RADIUS), defaults to the identity.
	 *
	 * @return			user name
	 */
	identification_t *(*get_user)(getcert_profile_t *this);

	/**
	 * Pinned CA certificate, if configured.
	 *
	 * @return			CA certificate (not a new reference), or NULL
	 */
	certificate_t *(*get_ca_cert)(getcert_profile_t *this);

	/**
	 * Pinned SHA-256 fingerprint of the CA certificate's DER encoding.
	 *
	 * If only ca_cert is configured, this is the fingerprint of that
	 * certificate; if both are configured they were checked to match.
	 *
	 * @return			32 byte fingerprint, or chunk_empty if not known
	 */
	chunk_t (*get_ca_fingerprint)(getcert_profile_t *this);

	/**
	 * TLS trust anchor for the HTTPS server, if not the pinned CA.
	 * @return			certificate (not a new reference), or NULL
	 */
	certificate_t *(*get_tls_ca)(getcert_profile_t *this);

	/**
	 * Public key pins of the HTTPS server (getcert_curl_parse_pin()).
	 * @return			"sha256//<base64>[;...]", or NULL
	 */
	char *(*get_tls_pin)(getcert_profile_t *this);

	/**
	 * Pinned SHA-256 fingerprints of the CA's RA certificates.
	 * @return			concatenated 32 byte fingerprints, or chunk_empty
	 */
	chunk_t (*get_ra_fingerprints)(getcert_profile_t *this);

	/**
	 * Timing options of the profile.
	 * @return			options (owned by the profile)
	 */
	getcert_profile_opts_t *(*get_opts)(getcert_profile_t *this);

	/**
	 * Whether a plain http:// URL was explicitly allowed.
	 *
	 * @return			TRUE if plain HTTP is allowed
	 */
	bool (*allows_plain_http)(getcert_profile_t *this);

	/**
	 * Type of the keys generated for this profile (option key_type =
	 * rsa|ecdsa|ed25519; SCEP profiles are RSA only).
	 *
	 * @return			KEY_RSA (default), KEY_ECDSA or KEY_ED25519
	 */
	key_type_t (*get_key_type)(getcert_profile_t *this);

	/**
	 * Size of the keys generated for this profile: RSA modulus bits (2048,
	 * 3072, 4096), ECDSA curve bits (256, 384), 0 for Ed25519. For an EST
	 * profile 0 also means "what /csrattrs asks for, within the policy";
	 * a SCEP profile without key_size has GETCERT_KEY_SIZE_DEFAULT.
	 *
	 * @return			key size in bits, or 0
	 */
	u_int (*get_key_size)(getcert_profile_t *this);

	/**
	 * Whether the EST server generates the key (option server_keygen,
	 * EST profiles only): enrollments and renewals go to /serverkeygen
	 * (RFC 7030 4.4) and always ask for the key encrypted to an ephemeral
	 * key of the request; key type and size are the policy the returned
	 * key must meet.
	 *
	 * @return			TRUE if the server generates the key
	 */
	bool (*server_keygen)(getcert_profile_t *this);

	/**
	 * Check whether two profiles are configured identically.
	 *
	 * @param other		profile to compare with
	 * @return			TRUE if equal
	 */
	bool (*equals)(getcert_profile_t *this, getcert_profile_t *other);

	/**
	 * Get a new reference to this profile.
	 *
	 * @return			this, with a reference more
	 */
	getcert_profile_t *(*get_ref)(getcert_profile_t *this);

	/**
	 * Release a reference, destroy the profile with the last one.
	 */
	void (*destroy)(getcert_profile_t *this);
};

/**
 * Read and validate a profile from settings.
 *
 * Every problem is logged with the full name of the offending key.
 *
 * @param settings		settings to read from
 * @param ns			namespace (lib->ns), e.g. "charon"
 * @param name			name of the profile's section below
 *						<ns>.plugins.getcert.profiles
 * @return				profile, or NULL if the profile is invalid
 */
getcert_profile_t *getcert_profile_create(settings_t *settings, char *ns,
										  char *name);

/**
 * When to renew a certificate: at renew_fraction of its lifetime, but at
 * least renew_lead before notAfter (never within the first tenth of the
 * lifetime), brought forward by up to renew_jitter of the lifetime.
 *
 * @param opts			profile options
 * @param not_before	notBefore of the certificate
 * @param not_after		notAfter of the certificate
 * @param rnd			random value in [0, 1] scaling the jitter
 * @return				renewal time
 */
time_t getcert_renew_at(getcert_profile_opts_t *opts, time_t not_before,
						time_t not_after, double rnd);

/**
 * Back-off after failed first enrollments in a row: failure_backoff,
 * doubling with each further failure, at most failure_backoff_max.
 *
 * @param opts			profile options
 * @param failures		failures in a row, including this one (>= 1)
 * @return				back-off in seconds
 */
u_int getcert_failure_backoff(getcert_profile_opts_t *opts, u_int failures);

#endif /** GETCERT_PROFILE_H_ @}*/

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
 * @defgroup getcert_session getcert_session
 * @{ @ingroup getcert
 */

#ifndef GETCERT_SESSION_H_
#define GETCERT_SESSION_H_

#include "getcert_nextkey.h"
#include "getcert_password.h"
#include "getcert_profile.h"
#include "getcert_secrets.h"

#include <getcert_client.h>

typedef struct getcert_session_t getcert_session_t;

/**
 * Constructor of the client (engine and transport) the enrollments of a
 * profile run on, with the signature of getcert_client_create().
 *
 * @param params		client parameters
 * @return				client, NULL if the parameters are not acceptable
 */
typedef getcert_client_t *(*getcert_client_constructor_t)(
										getcert_client_params_t *params);

/**
 * The enrollment session of a profile: one client (transport and engine)
 * and one password source serve all its enrollments, so a renewal reuses
 * the known CA and capabilities (one request) and, if the server kept it
 * open, the TLS connection. A changed profile needs a new session.
 *
 * Not thread-safe: the manager hands it to one enrollment at a time.
 */
struct getcert_session_t {

	/**
	 * Whether the session was created for this profile object (a reload
	 * creates new ones).
	 *
	 * @param profile	profile
	 * @return			TRUE if created for it
	 */
	bool (*is_for)(getcert_session_t *this, getcert_profile_t *profile);

	/**
	 * The client the enrollments run on.
	 *
	 * @return			client (owned by the session)
	 */
	getcert_client_t *(*get_client)(getcert_session_t *this);

	/**
	 * The password source answering the transport's credential requests.
	 *
	 * @return			password source (owned by the session)
	 */
	getcert_password_t *(*get_password)(getcert_session_t *this);

	/**
	 * Generate the key of the next enrollment: the profile's key type and
	 * size; the pre-generated key if it is ready and of that type and size
	 * (else generated here, without waiting for it). For EST, /csrattrs is fetched first (get_key_spec()) and what
	 * the server asks for is taken within the profile's policy (a size the
	 * profile leaves open: RSA 2048, 3072 or 4096 bits, ECDSA P-256, P-384
	 * or P-521); a server asking for anything else fails the enrollment.
	 * On an EST renewal the current pair authenticates the TLS connection
	 * from the first request on, so that the whole renewal can run on one
	 * connection.
	 *
	 * @param current		current certificate (renewal), or NULL
	 * @param current_key	its key, or NULL
	 * @param key			receives the new key
	 * @return				GETCERT_OK, GETCERT_ERR_POLICY (refused key),
	 *						GETCERT_ERR_INTERNAL (generation failed), or
	 *						the error of /cacerts or /csrattrs
	 */
	getcert_err_t (*generate_key)(getcert_session_t *this,
								  certificate_t *current,
								  private_key_t *current_key,
								  private_key_t **key);

	/**
	 * Run one enrollment or renewal on the session's client.
	 *
	 * Without server_keygen: generate_key(), then the engine's enroll().
	 * With server_keygen (EST only): the engine's enroll_keygen() with
	 * the profile's key type and size as policy; the server generates the
	 * key and returns it encrypted to an ephemeral key of the request
	 * (never as plain application/pkcs8), and a key outside what
	 * generate_key() would accept is refused. On renewal the current pair
	 * authenticates TLS, but /serverkeygen may still ask for the password.
	 *
	 * @param current		current certificate (renewal), or NULL
	 * @param current_key	its key, or NULL
	 * @param key			receives the new key
	 * @param cert			receives the issued certificate
	 * @return				GETCERT_OK (both returned), or the error (none)
	 */
	getcert_err_t (*enroll)(getcert_session_t *this, certificate_t *current,
							private_key_t *current_key, private_key_t **key,
							certificate_t **cert);

	/**
	 * Forget the secrets of the enrollment that ended; the session stays.
	 */
	void (*forget)(getcert_session_t *this);

	/**
	 * End the session: transport, engine, credential data.
	 */
	void (*destroy)(getcert_session_t *this);
};

/**
 * Start a session for a profile.
 *
 * @param profile		profile (a reference is kept)
 * @param rejected		secrets the password source must not send again
 * @param client		client constructor
 * @param nextkey		the profile's pre-generated key generate_key()
 *						takes if it is ready and of the kind needed, or
 *						NULL (a reference is kept)
 * @return				session, NULL if no client could be created
 */
getcert_session_t *getcert_session_create(getcert_profile_t *profile,
										  getcert_secrets_t *rejected,
										  getcert_client_constructor_t client,
										  getcert_nextkey_t *nextkey);

#endif /** GETCERT_SESSION_H_ @}*/

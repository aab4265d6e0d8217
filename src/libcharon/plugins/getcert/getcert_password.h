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
 * @defgroup getcert_password getcert_password
 * @{ @ingroup getcert
 */

#ifndef GETCERT_PASSWORD_H_
#define GETCERT_PASSWORD_H_

#include "getcert_profile.h"
#include "getcert_secrets.h"

typedef struct getcert_password_t getcert_password_t;

/**
 * Password source of one enrollment session, answering the HTTP
 * authentication from lib->credmgr (model: charon-cmd's cmd_creds and
 * libstrongswan's callback_cred).
 *
 * Passwords are SHARED_EAP secrets owned by the user (swanctl secrets,
 * charon-cmd's prompt, charon-nm), with the profile's ca_secret_owner also
 * those owned by the CA's host; each is sent once per enrollment and never
 * one a failed enrollment sent (the rejected set). A server challenge is
 * logged (printable characters only) and answered with a SHARED_EAP secret
 * not sent yet, or a SHARED_PIN (charon-cmd prompts "PIN:").
 *
 * Needs only libstrongswan. Not thread-safe: one enrollment uses it at a
 * time.
 */
struct getcert_password_t {

	/**
	 * Credential callback, a getcert_credential_cb_t with this object as
	 * its data.
	 *
	 * @param user		user identity
	 * @param challenge	server challenge text, or NULL to ask for the
	 *					password
	 * @param attempt	1 for the first request of this kind, 2 after a
	 *					rejection, ...
	 * @param secret	receives an allocated copy (wiped by the caller)
	 * @return			FALSE if no new secret is available
	 */
	bool (*get_secret)(getcert_password_t *this, identification_t *user,
					   char *challenge, u_int attempt, chunk_t *secret);

	/**
	 * Add the secrets sent in this enrollment to the rejected set (as
	 * keyed hashes), before forget() wipes them.
	 *
	 * @return			number of secrets sent
	 */
	u_int (*remember_sent)(getcert_password_t *this);

	/**
	 * Wipe the secrets sent in the enrollment that ended; the next one may
	 * send them again (unless they were remembered as rejected).
	 */
	void (*forget)(getcert_password_t *this);

	/**
	 * Destroy the source, wiping the secrets sent.
	 */
	void (*destroy)(getcert_password_t *this);
};

/**
 * Create the password source of a profile's session.
 *
 * @param profile		profile (not referenced, must outlive the source)
 * @param rejected		secrets not to send (not adopted, must outlive it)
 * @return				password source
 */
getcert_password_t *getcert_password_create(getcert_profile_t *profile,
											getcert_secrets_t *rejected);

/**
 * Extract the host of a URL as identity: the owner of CA-owned secrets.
 *
 * @param url			URL
 * @return				identity, NULL if the URL has no host
 */
identification_t *getcert_url_host(char *url);

#endif /** GETCERT_PASSWORD_H_ @}*/

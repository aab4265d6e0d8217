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
 * @defgroup getcert_binding getcert_binding
 * @{ @ingroup getcert
 */

#ifndef GETCERT_BINDING_H_
#define GETCERT_BINDING_H_

#include "getcert_config.h"

#include <config/peer_cfg.h>

typedef struct getcert_binding_t getcert_binding_t;

/**
 * Module name a swanctl.conf local.cert<suffix> section names to bind a
 * connection to a profile: cert-gc { module = getcert; handle = <hex of
 * the profile name> }.
 */
#define GETCERT_MODULE "getcert"

/**
 * Name under which the binding registers itself with lib->set(), for its
 * CERT_X509 builder (a plain function) to find it with lib->get().
 */
#define GETCERT_BINDING_OBJECT "getcert-binding"

/**
 * Binds connections to profiles.
 *
 * vici hands local.cert<suffix> { module = getcert; handle = <hex> } to
 * the CERT_X509 builders as BUILD_PKCS11_MODULE/BUILD_PKCS11_KEYID. The
 * builder registered here claims that module and returns the profile's
 * placeholder: a fixed, expired, self-signed certificate whose key was
 * thrown away. It marks the auth round as bound to the profile and never
 * pins a real certificate: as no key exists for it, the credential manager
 * looks the private key up by the connection's local.id and finds the
 * profile's current pair, across renewals.
 *
 * Without a cert section, a pubkey round whose local.id equals a profile's
 * identity is bound to that profile (zero-config).
 */
struct getcert_binding_t {

	/**
	 * Find the profile a connection is bound to.
	 *
	 * @param peer_cfg	connection
	 * @return			profile (new reference), or NULL
	 */
	getcert_profile_t *(*find)(getcert_binding_t *this, peer_cfg_t *peer_cfg);

	/**
	 * Destroy the binding, unregistering the builder and the lib object.
	 */
	void (*destroy)(getcert_binding_t *this);
};

/**
 * Create the binding, register it as GETCERT_BINDING_OBJECT with lib->set()
 * and register its CERT_X509 builder. One binding is registered at a time:
 * while another is, this one logs that and its builder serves the other.
 *
 * @param config		profiles
 * @return				binding
 */
getcert_binding_t *getcert_binding_create(getcert_config_t *config);

#endif /** GETCERT_BINDING_H_ @}*/

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

#include "getcert_binding.h"

#include <getcert_x509.h>

#include <ctype.h>
#include <time.h>

#include <utils/debug.h>
#include <collections/hashtable.h>
#include <threading/mutex.h>

typedef struct private_getcert_binding_t private_getcert_binding_t;

/**
 * Longest profile name a handle may carry
 */
#define MAX_NAME_LEN 64

/**
 * Private data of a getcert_binding_t object.
 */
struct private_getcert_binding_t {

	/**
	 * Public interface.
	 */
	getcert_binding_t public;

	/**
	 * Profiles.
	 */
	getcert_config_t *config;

	/**
	 * Placeholders, profile name => certificate_t*.
	 */
	hashtable_t *placeholders;

	/**
	 * Protects placeholders.
	 */
	mutex_t *mutex;
};

/**
 * Create the placeholder certificate of a profile: self-signed, expired,
 * signed with a key that is destroyed right away, subject
 * "O=getcert, OU=placeholder, CN=profile <name>"
 */
static certificate_t *create_placeholder(char *name)
{
	private_key_t *key;
	certificate_t *cert;
	identification_t *subject;
	time_t now = time(NULL);
	char dn[128];

	key = lib->creds->create(lib->creds, CRED_PRIVATE_KEY, KEY_ECDSA,
							 BUILD_KEY_SIZE, 256, BUILD_END);
	if (!key)
	{
		key = lib->creds->create(lib->creds, CRED_PRIVATE_KEY, KEY_RSA,
								 BUILD_KEY_SIZE, 2048, BUILD_END);
	}
	if (!key)
	{
		return NULL;
	}
	snprintf(dn, sizeof(dn), "O=getcert, OU=placeholder, CN=profile %s", name);
	subject = identification_create_from_string(dn);
	cert = getcert_x509_self_signed(subject, key, now - 2 * 86400,
									now - 86400);
	subject->destroy(subject);
	key->destroy(key);
	return cert;
}

/**
 * Get the placeholder of a profile, creating it on first use
 */
static certificate_t *get_placeholder(private_getcert_binding_t *this,
									  char *name)
{
	certificate_t *cert;

	this->mutex->lock(this->mutex);
	cert = this->placeholders->get(this->placeholders, name);
	if (!cert)
	{
		cert = create_placeholder(name);
		if (cert)
		{
			this->placeholders->put(this->placeholders, strdup(name), cert);
		}
	}
	cert = cert ? cert->get_ref(cert) : NULL;
	this->mutex->unlock(this->mutex);
	return cert;
}

/**
 * Name of the profile a certificate is the placeholder of, allocated
 */
static char *placeholder_owner(private_getcert_binding_t *this,
							   certificate_t *cert)
{
	enumerator_t *enumerator;
	certificate_t *placeholder;
	char *name, *owner = NULL;

	this->mutex->lock(this->mutex);
	enumerator = this->placeholders->create_enumerator(this->placeholders);
	while (enumerator->enumerate(enumerator, &name, &placeholder))
	{
		if (placeholder->equals(placeholder, cert))
		{
			owner = strdup(name);
			break;
		}
	}
	enumerator->destroy(enumerator);
	this->mutex->unlock(this->mutex);
	return owner;
}

/**
 * Builder for CERT_X509 claiming BUILD_PKCS11_MODULE "getcert"
 */
static certificate_t *load_handle(certificate_type_t type, va_list args)
{
	private_getcert_binding_t *this;
	getcert_profile_t *profile;
	certificate_t *cert;
	char *module = NULL, name[MAX_NAME_LEN + 1];
	chunk_t handle = chunk_empty;
	size_t i;

	while (TRUE)
	{
		switch (va_arg(args, builder_part_t))
		{
			case BUILD_PKCS11_MODULE:
				module = va_arg(args, char*);
				continue;
			case BUILD_PKCS11_KEYID:
				handle = va_arg(args, chunk_t);
				continue;
			case BUILD_END:
				break;
			default:
				return NULL;
		}
		break;
	}
	if (!module || !streq(module, GETCERT_MODULE))
	{
		return NULL;
	}
	/* builders are plain functions: the binding is found through lib, as
	 * pkcs11's builders find the "pkcs11-manager" */
	this = lib->get(lib, GETCERT_BINDING_OBJECT);
	if (!this)
	{
		return NULL;
	}
	if (!handle.len || handle.len > MAX_NAME_LEN)
	{
		DBG1(DBG_CFG, "getcert: handle of a '%s' certificate must be the hex "
			 "encoded name of a profile (1 to %d characters)", GETCERT_MODULE,
			 MAX_NAME_LEN);
		return NULL;
	}
	for (i = 0; i < handle.len; i++)
	{
		if (!isalnum(handle.ptr[i]) && !strchr("-_.", handle.ptr[i]))
		{
			DBG1(DBG_CFG, "getcert: handle %#B is not the hex encoded name of "
				 "a profile", &handle);
			return NULL;
		}
	}
	memcpy(name, handle.ptr, handle.len);
	name[handle.len] = '\0';
	profile = this->config->get_profile(this->config, name);
	if (!profile)
	{
		DBG1(DBG_CFG, "getcert: connection names profile '%s' (handle %#B), "
			 "which is not configured", name, &handle);
		return NULL;
	}
	profile->destroy(profile);
	cert = get_placeholder(this, name);
	if (cert)
	{
		DBG2(DBG_CFG, "getcert: connection bound to profile '%s'", name);
	}
	return cert;
}

/**
 * Check whether an auth round is pubkey (or unspecified) authentication
 */
static bool is_pubkey(auth_cfg_t *auth)
{
	uintptr_t class;

	class = (uintptr_t)auth->get(auth, AUTH_RULE_AUTH_CLASS);
	return class == AUTH_CLASS_PUBKEY || class == AUTH_CLASS_ANY;
}

METHOD(getcert_binding_t, find, getcert_profile_t*,
	private_getcert_binding_t *this, peer_cfg_t *peer_cfg)
{
	enumerator_t *enumerator;
	getcert_profile_t *profile = NULL;
	identification_t *id;
	certificate_t *cert;
	auth_cfg_t *auth;
	char *name;

	enumerator = peer_cfg->create_auth_cfg_enumerator(peer_cfg, TRUE);
	while (!profile && enumerator->enumerate(enumerator, &auth))
	{
		if (!is_pubkey(auth))
		{
			continue;
		}
		cert = auth->get(auth, AUTH_RULE_SUBJECT_CERT);
		if (cert)
		{
			name = placeholder_owner(this, cert);
			if (name)
			{
				profile = this->config->get_profile(this->config, name);
				free(name);
			}
			continue;
		}
		id = auth->get(auth, AUTH_RULE_IDENTITY);
		if (id && id->get_type(id) != ID_ANY)
		{
			profile = this->config->find_by_identity(this->config, id);
		}
	}
	enumerator->destroy(enumerator);
	return profile;
}

METHOD(getcert_binding_t, destroy, void,
	private_getcert_binding_t *this)
{
	enumerator_t *enumerator;
	certificate_t *cert;
	char *name;

	lib->creds->remove_builder(lib->creds, (builder_function_t)load_handle);
	if (lib->get(lib, GETCERT_BINDING_OBJECT) == this)
	{
		lib->set(lib, GETCERT_BINDING_OBJECT, NULL);
	}
	enumerator = this->placeholders->create_enumerator(this->placeholders);
	while (enumerator->enumerate(enumerator, &name, &cert))
	{
		free(name);
		cert->destroy(cert);
	}
	enumerator->destroy(enumerator);
	this->placeholders->destroy(this->placeholders);
	this->mutex->destroy(this->mutex);
	free(this);
}

/*
 * Described in header
 */
getcert_binding_t *getcert_binding_create(getcert_config_t *config)
{
	private_getcert_binding_t *this;

	INIT(this,
		.public = {
			.find = _find,
			.destroy = _destroy,
		},
		.config = config,
		.placeholders = hashtable_create(hashtable_hash_str,
										 hashtable_equals_str, 8),
		.mutex = mutex_create(MUTEX_TYPE_DEFAULT),
	);
	if (!lib->set(lib, GETCERT_BINDING_OBJECT, this))
	{
		DBG1(DBG_CFG, "getcert: another binding is registered as '%s', "
			 "connections are bound by that one", GETCERT_BINDING_OBJECT);
	}
	lib->creds->add_builder(lib->creds, CRED_CERTIFICATE, CERT_X509, FALSE,
							"getcert", (builder_function_t)load_handle);
	return &this->public;
}

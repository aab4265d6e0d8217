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

#include "getcert_creds.h"

#include <getcert_enroll.h>

#include <utils/debug.h>
#include <collections/hashtable.h>
#include <credentials/sets/mem_cred.h>
#include <threading/mutex.h>
#include <threading/rwlock.h>

typedef struct private_getcert_creds_t private_getcert_creds_t;

/**
 * Private data of a getcert_creds_t object.
 */
struct private_getcert_creds_t {

	/**
	 * Public interface.
	 */
	getcert_creds_t public;

	/**
	 * The set lookups go to.
	 */
	mem_cred_t *creds;

	/**
	 * Installed pairs, char* => pair_t*.
	 */
	hashtable_t *pairs;

	/**
	 * Previous certificate of each profile, char* => prev_t*.
	 */
	hashtable_t *prevs;

	/**
	 * Serializes changes, which call into the mem_cred; lookups of charon
	 * only take the mem_cred's lock.
	 */
	mutex_t *mutex;

	/**
	 * Protects pairs and prevs; never held while calling out.
	 */
	rwlock_t *lock;
};

/**
 * The certificate a profile's current one replaced.
 */
typedef struct {
	/** profile name, hashtable key */
	char *name;
	/** certificate */
	certificate_t *cert;
} prev_t;

/**
 * A profile's installed key and certificate.
 */
typedef struct {
	/** profile name, hashtable key */
	char *name;
	/** certificate */
	certificate_t *cert;
	/** its private key */
	private_key_t *key;
	/** issuing CA, served as untrusted chain certificate, or NULL */
	certificate_t *ca;
} pair_t;

/**
 * Destroy a pair
 */
static void pair_destroy(pair_t *pair)
{
	pair->cert->destroy(pair->cert);
	pair->key->destroy(pair->key);
	DESTROY_IF(pair->ca);
	free(pair->name);
	free(pair);
}

/**
 * Add the certificates of a pair to a set
 */
static void add_certs(mem_cred_t *certs, pair_t *pair)
{
	certs->add_cert(certs, FALSE, pair->cert->get_ref(pair->cert));
	if (pair->ca)
	{
		certs->add_cert(certs, FALSE, pair->ca->get_ref(pair->ca));
	}
}

/**
 * Swap the set's certificates for those of the installed pairs, with the
 * profile name replaced by pair (or removed if NULL), in one step; with
 * the mutex held (the pair table only changes under it)
 */
static void update_certs(private_getcert_creds_t *this, char *name,
						 pair_t *replacement)
{
	enumerator_t *enumerator;
	mem_cred_t *certs;
	pair_t *pair;

	certs = mem_cred_create();
	enumerator = this->pairs->create_enumerator(this->pairs);
	while (enumerator->enumerate(enumerator, NULL, &pair))
	{
		if (!streq(pair->name, name))
		{
			add_certs(certs, pair);
		}
	}
	enumerator->destroy(enumerator);
	if (replacement)
	{
		add_certs(certs, replacement);
	}
	this->creds->replace_certs(this->creds, certs, FALSE);
	certs->destroy(certs);
}

/**
 * Destroy a previous certificate
 */
static void prev_destroy(prev_t *prev)
{
	DESTROY_IF(prev->cert);
	free(prev->name);
	free(prev);
}

/**
 * Put a pair in the table (or remove the profile's if NULL), remembering
 * the certificate it replaces as previous; with the mutex held
 */
static pair_t *swap_pair(private_getcert_creds_t *this, char *name,
						 pair_t *pair)
{
	prev_t *prev, *old_prev;
	pair_t *old;

	INIT(prev,
		.name = strdup(name),
	);
	this->lock->write_lock(this->lock);
	if (pair)
	{
		old = this->pairs->put(this->pairs, pair->name, pair);
	}
	else
	{
		old = this->pairs->remove(this->pairs, name);
	}
	prev->cert = old ? old->cert->get_ref(old->cert) : NULL;
	old_prev = this->prevs->put(this->prevs, prev->name, prev);
	this->lock->unlock(this->lock);
	if (old_prev)
	{
		prev_destroy(old_prev);
	}
	return old;
}

/**
 * Remove a private key from the set
 */
static void remove_key(private_getcert_creds_t *this, private_key_t *key)
{
	chunk_t fp;

	if (key->get_fingerprint(key, KEYID_PUBKEY_SHA1, &fp))
	{
		this->creds->remove_key(this->creds, fp);
	}
}

METHOD(getcert_creds_t, get_set, credential_set_t*,
	private_getcert_creds_t *this)
{
	return &this->creds->set;
}

METHOD(getcert_creds_t, install, bool,
	private_getcert_creds_t *this, char *name, certificate_t *cert,
	private_key_t *key, certificate_t *ca)
{
	pair_t *pair, *old;

	if (!getcert_key_matches(cert, key))
	{
		DBG1(DBG_CFG, "getcert: profile '%s': certificate '%Y' does not "
			 "match the private key, not installed", name,
			 cert->get_subject(cert));
		cert->destroy(cert);
		key->destroy(key);
		return FALSE;
	}

	INIT(pair,
		.name = strdup(name),
		.cert = cert,
		.key = key,
		.ca = ca ? ca->get_ref(ca) : NULL,
	);

	this->mutex->lock(this->mutex);
	/* make before break: new key, then new certificates, then no old key */
	this->creds->add_key(this->creds, key->get_ref(key));
	update_certs(this, name, pair);
	old = swap_pair(this, name, pair);
	if (old)
	{
		remove_key(this, old->key);
		pair_destroy(old);
	}
	this->mutex->unlock(this->mutex);
	return TRUE;
}

METHOD(getcert_creds_t, remove_, bool,
	private_getcert_creds_t *this, char *name)
{
	pair_t *old;

	this->mutex->lock(this->mutex);
	if (!this->pairs->get(this->pairs, name))
	{
		this->mutex->unlock(this->mutex);
		return FALSE;
	}
	update_certs(this, name, NULL);
	old = swap_pair(this, name, NULL);
	remove_key(this, old->key);
	pair_destroy(old);
	this->mutex->unlock(this->mutex);
	return TRUE;
}

METHOD(getcert_creds_t, get_cert, certificate_t*,
	private_getcert_creds_t *this, char *name)
{
	certificate_t *cert = NULL;
	pair_t *pair;

	this->lock->read_lock(this->lock);
	pair = this->pairs->get(this->pairs, name);
	if (pair)
	{
		cert = pair->cert->get_ref(pair->cert);
	}
	this->lock->unlock(this->lock);
	return cert;
}

METHOD(getcert_creds_t, get_pair, bool,
	private_getcert_creds_t *this, char *name, certificate_t **cert,
	private_key_t **key)
{
	pair_t *pair;

	this->lock->read_lock(this->lock);
	pair = this->pairs->get(this->pairs, name);
	if (pair)
	{
		*cert = pair->cert->get_ref(pair->cert);
		*key = pair->key->get_ref(pair->key);
	}
	this->lock->unlock(this->lock);
	return pair != NULL;
}

METHOD(getcert_creds_t, is_ours, bool,
	private_getcert_creds_t *this, certificate_t *cert)
{
	enumerator_t *enumerator;
	pair_t *pair;
	prev_t *prev;
	bool found = FALSE;

	this->lock->read_lock(this->lock);
	enumerator = this->pairs->create_enumerator(this->pairs);
	while (!found && enumerator->enumerate(enumerator, NULL, &pair))
	{
		found = pair->cert->equals(pair->cert, cert);
	}
	enumerator->destroy(enumerator);
	enumerator = this->prevs->create_enumerator(this->prevs);
	while (!found && enumerator->enumerate(enumerator, NULL, &prev))
	{
		found = prev->cert && prev->cert->equals(prev->cert, cert);
	}
	enumerator->destroy(enumerator);
	this->lock->unlock(this->lock);
	return found;
}

METHOD(getcert_creds_t, destroy, void,
	private_getcert_creds_t *this)
{
	this->pairs->destroy_function(this->pairs, (void*)pair_destroy);
	this->prevs->destroy_function(this->prevs, (void*)prev_destroy);
	this->creds->destroy(this->creds);
	this->mutex->destroy(this->mutex);
	this->lock->destroy(this->lock);
	free(this);
}

/*
 * Described in header
 */
getcert_creds_t *getcert_creds_create()
{
	private_getcert_creds_t *this;

	INIT(this,
		.public = {
			.get_set = _get_set,
			.install = _install,
			.remove = _remove_,
			.get_cert = _get_cert,
			.get_pair = _get_pair,
			.is_ours = _is_ours,
			.destroy = _destroy,
		},
		.creds = mem_cred_create(),
		.pairs = hashtable_create(hashtable_hash_str, hashtable_equals_str, 8),
		.prevs = hashtable_create(hashtable_hash_str, hashtable_equals_str, 8),
		.mutex = mutex_create(MUTEX_TYPE_DEFAULT),
		.lock = rwlock_create(RWLOCK_TYPE_DEFAULT),
	);

	return &this->public;
}

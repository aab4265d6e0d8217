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

#include "getcert_secrets.h"

#include <collections/linked_list.h>
#include <crypto/prfs/prf.h>
#include <threading/mutex.h>

typedef struct private_getcert_secrets_t private_getcert_secrets_t;

/**
 * Length of the random HMAC key
 */
#define HMAC_KEY_LEN 32

/**
 * Private data of a getcert_secrets_t object.
 */
struct private_getcert_secrets_t {

	/**
	 * Public interface.
	 */
	getcert_secrets_t public;

	/**
	 * HMAC-SHA-256 keyed with a random key, NULL if not available
	 */
	prf_t *prf;

	/**
	 * HMACs of the secrets, chunk_t*
	 */
	linked_list_t *hashes;

	/**
	 * Protects prf and hashes
	 */
	mutex_t *mutex;
};

/**
 * Wipe and free a hash
 */
static void hash_destroy(chunk_t *hash)
{
	chunk_clear(hash);
	free(hash);
}

/**
 * HMAC of a secret, with the mutex held
 */
static bool hmac(private_getcert_secrets_t *this, chunk_t secret,
				 chunk_t *hash)
{
	return this->prf && this->prf->allocate_bytes(this->prf, secret, hash);
}

/**
 * Whether a hash is in the set, with the mutex held
 */
static bool has_hash(private_getcert_secrets_t *this, chunk_t hash)
{
	enumerator_t *enumerator;
	chunk_t *current;
	bool found = FALSE;

	enumerator = this->hashes->create_enumerator(this->hashes);
	while (enumerator->enumerate(enumerator, &current))
	{
		if (chunk_equals_const(*current, hash))
		{
			found = TRUE;
			break;
		}
	}
	enumerator->destroy(enumerator);
	return found;
}

METHOD(getcert_secrets_t, add, bool,
	private_getcert_secrets_t *this, chunk_t secret)
{
	chunk_t hash, *entry;
	bool ok;

	this->mutex->lock(this->mutex);
	ok = hmac(this, secret, &hash);
	if (ok)
	{
		if (has_hash(this, hash))
		{
			chunk_clear(&hash);
		}
		else
		{
			INIT(entry);
			*entry = hash;
			this->hashes->insert_last(this->hashes, entry);
		}
	}
	this->mutex->unlock(this->mutex);
	return ok;
}

METHOD(getcert_secrets_t, contains, bool,
	private_getcert_secrets_t *this, chunk_t secret)
{
	chunk_t hash;
	bool found = TRUE;

	this->mutex->lock(this->mutex);
	if (hmac(this, secret, &hash))
	{
		found = has_hash(this, hash);
		chunk_clear(&hash);
	}
	this->mutex->unlock(this->mutex);
	return found;
}

METHOD(getcert_secrets_t, get_count, u_int,
	private_getcert_secrets_t *this)
{
	u_int count;

	this->mutex->lock(this->mutex);
	count = this->hashes->get_count(this->hashes);
	this->mutex->unlock(this->mutex);
	return count;
}

METHOD(getcert_secrets_t, clear, void,
	private_getcert_secrets_t *this)
{
	chunk_t *hash;

	this->mutex->lock(this->mutex);
	while (this->hashes->remove_first(this->hashes,
									  (void**)&hash) == SUCCESS)
	{
		hash_destroy(hash);
	}
	this->mutex->unlock(this->mutex);
}

METHOD(getcert_secrets_t, destroy, void,
	private_getcert_secrets_t *this)
{
	this->hashes->destroy_function(this->hashes, (void*)hash_destroy);
	DESTROY_IF(this->prf);
	this->mutex->destroy(this->mutex);
	free(this);
}

/*
 * Described in header
 */
getcert_secrets_t *getcert_secrets_create()
{
	private_getcert_secrets_t *this;
	uint8_t buf[HMAC_KEY_LEN];
	rng_t *rng;

	INIT(this,
		.public = {
			.add = _add,
			.contains = _contains,
			.get_count = _get_count,
			.clear = _clear,
			.destroy = _destroy,
		},
		.hashes = linked_list_create(),
		.mutex = mutex_create(MUTEX_TYPE_DEFAULT),
		.prf = lib->crypto->create_prf(lib->crypto, PRF_HMAC_SHA2_256),
	);
	rng = lib->crypto->create_rng(lib->crypto, RNG_STRONG);
	if (!this->prf || !rng ||
		!rng->get_bytes(rng, sizeof(buf), buf) ||
		!this->prf->set_key(this->prf, chunk_from_thing(buf)))
	{
		DBG1(DBG_CFG, "getcert: no HMAC-SHA-256 or random key, a rejected "
			 "secret cannot be told from a new one");
		DESTROY_IF(this->prf);
		this->prf = NULL;
	}
	memwipe(buf, sizeof(buf));
	DESTROY_IF(rng);
	return &this->public;
}

/**
 * Data of the filter of getcert_secrets_create_enumerator()
 */
typedef struct {
	/** also secrets owned by the CA's host */
	bool server_owned;
} filter_data_t;

CALLBACK(owned_filter, bool,
	filter_data_t *data, enumerator_t *orig, va_list args)
{
	id_match_t match_me, match_other;
	shared_key_t *shared, **out;

	VA_ARGS_VGET(args, out);

	while (orig->enumerate(orig, &shared, &match_me, &match_other))
	{
		if (match_me == ID_MATCH_PERFECT ||
			(data->server_owned && match_other == ID_MATCH_PERFECT))
		{
			*out = shared;
			return TRUE;
		}
	}
	return FALSE;
}

/*
 * Described in header
 */
enumerator_t *getcert_secrets_create_enumerator(shared_key_type_t type,
							identification_t *user, identification_t *server,
							bool server_owned)
{
	filter_data_t *data;

	INIT(data,
		.server_owned = server_owned && server,
	);
	return enumerator_create_filter(
				lib->credmgr->create_shared_enumerator(lib->credmgr, type,
													   user, server),
				owned_filter, data, free);
}

/*
 * Described in header
 */
bool getcert_secrets_offers_new(getcert_secrets_t *set,
							shared_key_type_t type, identification_t *user,
							identification_t *server, bool server_owned)
{
	enumerator_t *enumerator;
	shared_key_t *shared;
	chunk_t key;
	bool found = FALSE;

	enumerator = getcert_secrets_create_enumerator(type, user, server,
												   server_owned);
	while (enumerator->enumerate(enumerator, &shared))
	{
		key = shared->get_key(shared);
		if (key.len && !set->contains(set, key))
		{
			found = TRUE;
			break;
		}
	}
	enumerator->destroy(enumerator);
	return found;
}

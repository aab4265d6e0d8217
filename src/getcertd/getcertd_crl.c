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

#include "getcertd_crl.h"

#include <time.h>
#include <stdlib.h>

#include <utils/debug.h>
#include <threading/mutex.h>

typedef struct private_getcertd_crl_t private_getcertd_crl_t;

/**
 * Private data of a getcertd_crl_t object.
 */
struct private_getcertd_crl_t {

	/**
	 * Public interface.
	 */
	getcertd_crl_t public;

	/**
	 * Signs CRLs.
	 */
	getcertd_issuer_t *issuer;

	/**
	 * Revocations and CRL numbers.
	 */
	getcertd_db_t *db;

	/**
	 * Lifetime of a CRL, seconds.
	 */
	u_int lifetime;

	/**
	 * DER of the cached CRL, chunk_empty if none.
	 */
	chunk_t der;

	/**
	 * The revocations the cached CRL was built from, canonical form.
	 */
	chunk_t revoked;

	/**
	 * When the cached CRL is signed again at the latest.
	 */
	time_t refresh;

	/**
	 * nextUpdate of the cached CRL.
	 */
	time_t next_update;

	/**
	 * Serializes checking and signing.
	 */
	mutex_t *mutex;
};

/**
 * Compare two revocations in canonical form, for qsort()
 */
static int compare_entries(const void *a, const void *b)
{
	return chunk_compare(*(chunk_t*)a, *(chunk_t*)b);
}

/**
 * Canonical form of a list of revocations, independent of its order:
 * the sorted entries (8 bytes time, 2 bytes length, serial)
 */
static chunk_t canonical(linked_list_t *revoked)
{
	enumerator_t *enumerator;
	getcertd_revoked_t *entry;
	chunk_t *entries, all = chunk_empty;
	uint64_t date;
	uint16_t len;
	int count, i = 0;

	count = revoked->get_count(revoked);
	if (!count)
	{
		return chunk_empty;
	}
	entries = calloc(count, sizeof(chunk_t));
	enumerator = revoked->create_enumerator(revoked);
	while (i < count && enumerator->enumerate(enumerator, &entry))
	{
		date = htobe64((uint64_t)entry->date);
		len = htons(min(entry->serial.len, 0xffff));
		entries[i++] = chunk_cat("ccc", chunk_from_thing(date),
								 chunk_from_thing(len), entry->serial);
	}
	enumerator->destroy(enumerator);
	qsort(entries, i, sizeof(chunk_t), compare_entries);
	for (count = 0; count < i; count++)
	{	/* chunk_cat() evaluates its arguments twice */
		all = chunk_cat("mm", all, entries[count]);
	}
	free(entries);
	return all;
}

/**
 * When no new CRL can be signed: a copy of the last one until its
 * nextUpdate, it stays what it was (mutex held)
 */
static chunk_t last_crl(private_getcertd_crl_t *this, time_t now)
{
	return this->der.len && now < this->next_update ? chunk_clone(this->der)
													: chunk_empty;
}

METHOD(getcertd_crl_t, get, chunk_t,
	private_getcertd_crl_t *this)
{
	linked_list_t *revoked;
	certificate_t *crl;
	chunk_t current, der, copy = chunk_empty;
	time_t now = time(NULL);
	u_int number;

	revoked = this->db->get_revoked(this->db);
	if (!revoked)
	{	/* never sign a CRL from records we could not read */
		this->mutex->lock(this->mutex);
		copy = last_crl(this, now);
		this->mutex->unlock(this->mutex);
		DBG1(DBG_APP, "reading the revocations failed, %s", copy.len ?
			 "serving the last CRL" : "no CRL to serve");
		return copy;
	}
	current = canonical(revoked);

	this->mutex->lock(this->mutex);
	/* (chunk_equals() is FALSE for two empty chunks) */
	if (this->der.len && now < this->refresh &&
		current.len == this->revoked.len &&
		memeq(current.ptr, this->revoked.ptr, current.len))
	{
		copy = chunk_clone(this->der);
		this->mutex->unlock(this->mutex);
		chunk_free(&current);
		revoked->destroy_function(revoked, getcertd_revoked_free);
		return copy;
	}
	number = this->db->next_crl_number(this->db);
	crl = number ? this->issuer->issue_crl(this->issuer, revoked, number,
										   this->lifetime) : NULL;
	if (crl && crl->get_encoding(crl, CERT_ASN1_DER, &der))
	{
		chunk_free(&this->der);
		chunk_free(&this->revoked);
		this->der = der;
		this->revoked = current;
		current = chunk_empty;
		/* sign again when a quarter of the lifetime is left */
		this->refresh = now + this->lifetime - this->lifetime / 4;
		this->next_update = now + this->lifetime;
		copy = chunk_clone(this->der);
		DBG1(DBG_APP, "signed CRL number %u with %d revoked certificates, "
			 "valid for %us", number, revoked->get_count(revoked),
			 this->lifetime);
	}
	else
	{
		DBG1(DBG_APP, "signing CRL number %u failed", number);
		copy = last_crl(this, now);
	}
	this->mutex->unlock(this->mutex);
	DESTROY_IF(crl);
	chunk_free(&current);
	revoked->destroy_function(revoked, getcertd_revoked_free);
	return copy;
}

METHOD(getcertd_crl_t, destroy, void,
	private_getcertd_crl_t *this)
{
	this->mutex->destroy(this->mutex);
	chunk_free(&this->der);
	chunk_free(&this->revoked);
	free(this);
}

/*
 * Described in header
 */
getcertd_crl_t *getcertd_crl_create(getcertd_issuer_t *issuer,
									getcertd_db_t *db, u_int lifetime)
{
	private_getcertd_crl_t *this;

	INIT(this,
		.public = {
			.get = _get,
			.destroy = _destroy,
		},
		.issuer = issuer,
		.db = db,
		.lifetime = max(lifetime, 1),
		.mutex = mutex_create(MUTEX_TYPE_DEFAULT),
	);
	return &this->public;
}

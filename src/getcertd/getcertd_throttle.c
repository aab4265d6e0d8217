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

#define _GNU_SOURCE /* asprintf */
#include <stdio.h>

#include "getcertd_throttle.h"

#include <getcert_settings.h>

#include <sys/time.h>
#include <utils/debug.h>

#include <collections/hashtable.h>
#include <threading/mutex.h>

typedef struct private_getcertd_throttle_t private_getcertd_throttle_t;

/**
 * Private data of a getcertd_throttle_t object.
 */
struct private_getcertd_throttle_t {

	/**
	 * Public interface.
	 */
	getcertd_throttle_t public;

	/**
	 * Limits.
	 */
	getcertd_throttle_conf_t conf;

	/**
	 * Failure counters, entry_t by key ("a " address, "u " user,
	 * "ua " user " " address).
	 */
	hashtable_t *failures;

	/**
	 * Authentications in flight per address, inflight_t by address.
	 */
	hashtable_t *inflight;

	/**
	 * Authentications in flight in total.
	 */
	u_int concurrent;

	/**
	 * Tokens of the Access-Request bucket, and when it was last filled (ms).
	 */
	double tokens;
	uint64_t filled;

	/**
	 * Protects everything above.
	 */
	mutex_t *mutex;
};

/**
 * A failure counter: the times (ms) of the last "limit" failures, a ring.
 */
typedef struct {
	/** key, allocated */
	char *key;
	/** failures stored (at most limit) */
	u_int count;
	/** where the next failure goes */
	u_int next;
	/** capacity of times */
	u_int limit;
	/** newest failure */
	uint64_t last;
	/** failure times */
	uint64_t times[];
} entry_t;

/**
 * Authentications in flight of an address.
 */
typedef struct {
	/** address, allocated */
	char *key;
	/** transactions in flight */
	u_int count;
} inflight_t;

/**
 * Milliseconds on the monotonic clock, or on the wall clock if the
 * counters are shared with other hosts
 */
static uint64_t now_ms(private_getcertd_throttle_t *this)
{
	timeval_t tv;

	if (this->conf.now)
	{
		return this->conf.now();
	}
	if (this->conf.shared)
	{
		gettimeofday(&tv, NULL);
	}
	else
	{
		time_monotonic(&tv);
	}
	return (uint64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

/**
 * Window in ms
 */
static inline uint64_t window_ms(private_getcertd_throttle_t *this)
{
	return (uint64_t)this->conf.window * 1000;
}

/**
 * Failures of an entry in the window; the oldest of them in oldest
 */
static u_int in_window(private_getcertd_throttle_t *this, entry_t *entry,
					   uint64_t now, uint64_t *oldest)
{
	u_int i, count = 0;

	*oldest = now;
	for (i = 0; i < entry->count; i++)
	{
		if (entry->times[i] + window_ms(this) > now)
		{
			count++;
			*oldest = min(*oldest, entry->times[i]);
		}
	}
	return count;
}

/**
 * Build a key, to free
 */
static char *make_key(char *kind, char *user, char *client)
{
	char *key;

	if (asprintf(&key, "%s %s%s%s", kind, user ?: "", user && client ? " " : "",
				 client ?: "") < 0)
	{
		return NULL;
	}
	return key;
}

/**
 * Check one counter in the shared records, TRUE if under the limit; a
 * database error throttles for a second
 */
static bool check_shared(private_getcertd_throttle_t *this, char *key,
						 u_int limit, uint64_t now, u_int *failures,
						 u_int *retry_after)
{
	getcertd_db_t *db = this->conf.shared;
	uint64_t since, oldest;
	u_int count;

	since = now > window_ms(this) ? now - window_ms(this) + 1 : 0;
	if (!db->get_failures(db, key, since, limit, &count, &oldest))
	{
		DBG1(DBG_APP, "reading the shared failure counters failed, login "
			 "throttled");
		*failures = 0;
		*retry_after = 1;
		return FALSE;
	}
	if (count < limit)
	{
		return TRUE;
	}
	*failures = count;
	*retry_after = max(1, (oldest + window_ms(this) - now + 999) / 1000);
	return FALSE;
}

/**
 * Check one counter, TRUE if under the limit
 */
static bool check_one(private_getcertd_throttle_t *this, char *key,
					  u_int limit, uint64_t now, u_int *failures,
					  u_int *retry_after)
{
	entry_t *entry;
	uint64_t oldest;
	u_int count;

	if (!limit || !key)
	{
		return TRUE;
	}
	if (this->conf.shared)
	{
		return check_shared(this, key, limit, now, failures, retry_after);
	}
	entry = this->failures->get(this->failures, key);
	if (!entry)
	{
		return TRUE;
	}
	count = in_window(this, entry, now, &oldest);
	if (count < limit)
	{
		return TRUE;
	}
	*failures = count;
	*retry_after = max(1, (oldest + window_ms(this) - now + 999) / 1000);
	return FALSE;
}

METHOD(getcertd_throttle_t, check, bool,
	private_getcertd_throttle_t *this, char *user, char *client,
	u_int *failures, u_int *retry_after)
{
	char *ua, *a, *u;
	uint64_t now;
	bool ok;

	ua = make_key("ua", user, client);
	a = make_key("a", NULL, client);
	u = make_key("u", user, NULL);
	/* shared counters are the database's to protect */
	if (!this->conf.shared)
	{
		this->mutex->lock(this->mutex);
	}
	now = now_ms(this);
	ok = check_one(this, ua, this->conf.max_per_user_address, now,
				   failures, retry_after) &&
		 check_one(this, a, this->conf.max_per_address, now,
				   failures, retry_after) &&
		 check_one(this, u, this->conf.max_per_user, now,
				   failures, retry_after);
	if (!this->conf.shared)
	{
		this->mutex->unlock(this->mutex);
	}
	free(ua);
	free(a);
	free(u);
	return ok;
}

/**
 * Destroy a failure counter
 */
static void entry_destroy(entry_t *entry)
{
	free(entry->key);
	free(entry);
}

/**
 * Make room for a new counter: drop the expired ones, and if that is not
 * enough the one with the oldest failure
 */
static void evict(private_getcertd_throttle_t *this, uint64_t now)
{
	enumerator_t *enumerator;
	entry_t *entry, *oldest = NULL;
	char *key;

	enumerator = this->failures->create_enumerator(this->failures);
	while (enumerator->enumerate(enumerator, &key, &entry))
	{
		if (entry->last + window_ms(this) <= now)
		{
			this->failures->remove_at(this->failures, enumerator);
			entry_destroy(entry);
		}
		else if (!oldest || entry->last < oldest->last)
		{
			oldest = entry;
		}
	}
	enumerator->destroy(enumerator);
	if (this->conf.max_entries &&
		this->failures->get_count(this->failures) >= this->conf.max_entries &&
		oldest)
	{
		this->failures->remove(this->failures, oldest->key);
		entry_destroy(oldest);
	}
}

/**
 * Count a failure in one counter (takes key)
 */
static void count_one(private_getcertd_throttle_t *this, char *key,
					  u_int limit, uint64_t now)
{
	entry_t *entry;

	if (!limit || !key)
	{
		free(key);
		return;
	}
	if (this->conf.shared)
	{
		if (!this->conf.shared->add_failure(this->conf.shared, key, now,
							now > window_ms(this) ? now - window_ms(this) : 0))
		{
			DBG1(DBG_APP, "recording a failed login in the shared failure "
				 "counters failed");
		}
		free(key);
		return;
	}
	entry = this->failures->get(this->failures, key);
	if (!entry)
	{
		if (this->conf.max_entries &&
			this->failures->get_count(this->failures) >=
												this->conf.max_entries)
		{
			evict(this, now);
		}
		entry = calloc(1, sizeof(*entry) + limit * sizeof(entry->times[0]));
		entry->key = key;
		entry->limit = limit;
		this->failures->put(this->failures, entry->key, entry);
	}
	else
	{
		free(key);
	}
	entry->times[entry->next] = now;
	entry->next = (entry->next + 1) % entry->limit;
	entry->count = min(entry->count + 1, entry->limit);
	entry->last = now;
}

METHOD(getcertd_throttle_t, failure, void,
	private_getcertd_throttle_t *this, char *user, char *client)
{
	uint64_t now;

	if (!this->conf.shared)
	{
		this->mutex->lock(this->mutex);
	}
	now = now_ms(this);
	count_one(this, make_key("ua", user, client),
			  this->conf.max_per_user_address, now);
	count_one(this, make_key("a", NULL, client),
			  this->conf.max_per_address, now);
	count_one(this, make_key("u", user, NULL),
			  this->conf.max_per_user, now);
	if (!this->conf.shared)
	{
		this->mutex->unlock(this->mutex);
	}
}

METHOD(getcertd_throttle_t, success, void,
	private_getcertd_throttle_t *this, char *user, char *client)
{
	entry_t *entry;
	char *key;

	key = make_key("ua", user, client);
	if (!key)
	{
		return;
	}
	if (this->conf.shared)
	{
		if (!this->conf.shared->clear_failures(this->conf.shared, key))
		{
			DBG1(DBG_APP, "clearing a shared failure counter failed");
		}
		free(key);
		return;
	}
	this->mutex->lock(this->mutex);
	entry = this->failures->remove(this->failures, key);
	this->mutex->unlock(this->mutex);
	if (entry)
	{
		entry_destroy(entry);
	}
	free(key);
}

/**
 * Take a token of the Access-Request bucket
 */
static bool take_token(private_getcertd_throttle_t *this, u_int *retry_after)
{
	uint64_t now;

	if (this->conf.radius_rate <= 0)
	{
		return TRUE;
	}
	now = now_ms(this);
	this->tokens = min((double)max(this->conf.radius_burst, 1),
					   this->tokens + (now - this->filled) *
									  this->conf.radius_rate / 1000.0);
	this->filled = now;
	if (this->tokens >= 1.0)
	{
		this->tokens -= 1.0;
		return TRUE;
	}
	*retry_after = max(1, (u_int)((1.0 - this->tokens) /
								  this->conf.radius_rate + 0.999));
	return FALSE;
}

METHOD(getcertd_throttle_t, acquire, getcertd_throttle_result_t,
	private_getcertd_throttle_t *this, char *client, u_int *retry_after)
{
	inflight_t *inflight;

	*retry_after = 1;
	this->mutex->lock(this->mutex);
	inflight = this->inflight->get(this->inflight, client);
	if (this->conf.max_concurrent_per_address && inflight &&
		inflight->count >= this->conf.max_concurrent_per_address)
	{
		this->mutex->unlock(this->mutex);
		return GETCERTD_THROTTLE_CONCURRENT;
	}
	if (this->conf.max_concurrent &&
		this->concurrent >= this->conf.max_concurrent)
	{
		this->mutex->unlock(this->mutex);
		return GETCERTD_THROTTLE_BUSY;
	}
	if (!take_token(this, retry_after))
	{
		this->mutex->unlock(this->mutex);
		return GETCERTD_THROTTLE_RATE;
	}
	if (!inflight)
	{
		INIT(inflight,
			.key = strdup(client),
		);
		this->inflight->put(this->inflight, inflight->key, inflight);
	}
	inflight->count++;
	this->concurrent++;
	this->mutex->unlock(this->mutex);
	return GETCERTD_THROTTLE_OK;
}

METHOD(getcertd_throttle_t, release, void,
	private_getcertd_throttle_t *this, char *client)
{
	inflight_t *inflight;

	this->mutex->lock(this->mutex);
	inflight = this->inflight->get(this->inflight, client);
	if (inflight)
	{
		this->concurrent--;
		if (--inflight->count == 0)
		{
			this->inflight->remove(this->inflight, client);
			free(inflight->key);
			free(inflight);
		}
	}
	this->mutex->unlock(this->mutex);
}

/**
 * Destroy an in-flight counter
 */
static void inflight_destroy(inflight_t *inflight, const void *key)
{
	free(inflight->key);
	free(inflight);
}

/**
 * Destroy a failure counter, for the hashtable
 */
static void entry_destroy_cb(entry_t *entry, const void *key)
{
	entry_destroy(entry);
}

METHOD(getcertd_throttle_t, destroy, void,
	private_getcertd_throttle_t *this)
{
	this->failures->destroy_function(this->failures,
									 (void*)entry_destroy_cb);
	this->inflight->destroy_function(this->inflight,
									 (void*)inflight_destroy);
	this->mutex->destroy(this->mutex);
	free(this);
}

/*
 * Described in header
 */
getcertd_throttle_t *getcertd_throttle_create(getcertd_throttle_conf_t *conf)
{
	private_getcertd_throttle_t *this;

	INIT(this,
		.public = {
			.check = _check,
			.failure = _failure,
			.success = _success,
			.acquire = _acquire,
			.release = _release,
			.destroy = _destroy,
		},
		.conf = *conf,
		.failures = hashtable_create(hashtable_hash_str,
									 hashtable_equals_str, 64),
		.inflight = hashtable_create(hashtable_hash_str,
									 hashtable_equals_str, 16),
		.mutex = mutex_create(MUTEX_TYPE_DEFAULT),
	);
	this->tokens = max(this->conf.radius_burst, 1);
	this->filled = now_ms(this);
	return &this->public;
}

/*
 * Described in header
 */
bool getcertd_throttle_max_concurrent(u_int *max_concurrent)
{
	uint64_t val;

	if (!getcert_settings_number(lib->settings, "", 32, 1, 1024, &val,
								 "%s.radius.max_concurrent", lib->ns))
	{
		return FALSE;
	}
	*max_concurrent = val;
	return TRUE;
}

/**
 * Read a number option of the throttle, 0 to max
 */
static bool get_limit(char *key, uint64_t def, uint64_t max, u_int *out)
{
	uint64_t val;

	if (!getcert_settings_number(lib->settings, "", def, 0, max, &val,
								 "%s.%s", lib->ns, key))
	{
		return FALSE;
	}
	*out = val;
	return TRUE;
}

/*
 * Described in header
 */
bool getcertd_throttle_conf_load(getcertd_throttle_conf_t *conf)
{
	*conf = (getcertd_throttle_conf_t){};
	return getcert_settings_duration(lib->settings, "", 60, 1, 86400,
								&conf->window, "%s.throttle.window",
								lib->ns) &&
		get_limit("throttle.max_per_address", 20, 1000000,
				  &conf->max_per_address) &&
		get_limit("throttle.max_per_user_address", 5, 1000000,
				  &conf->max_per_user_address) &&
		get_limit("throttle.max_per_user", 50, 1000000,
				  &conf->max_per_user) &&
		get_limit("throttle.max_entries", 10000, 10000000,
				  &conf->max_entries) &&
		getcert_settings_fraction(lib->settings, "", 50.0, 0.0, 1000000.0,
								&conf->radius_rate,
								"%s.throttle.radius_rate", lib->ns) &&
		get_limit("throttle.radius_burst", 100, 1000000,
				  &conf->radius_burst) &&
		getcertd_throttle_max_concurrent(&conf->max_concurrent) &&
		get_limit("radius.max_concurrent_per_address", 4, 1024,
				  &conf->max_concurrent_per_address);
}

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
 * @defgroup getcertd_throttle getcertd_throttle
 * @{ @ingroup getcertd
 */

#ifndef GETCERTD_THROTTLE_H_
#define GETCERTD_THROTTLE_H_

#include <library.h>

#include "getcertd_db.h"

typedef struct getcertd_throttle_t getcertd_throttle_t;
typedef struct getcertd_throttle_conf_t getcertd_throttle_conf_t;
typedef enum getcertd_throttle_result_t getcertd_throttle_result_t;

/**
 * Outcome of getcertd_throttle_t.acquire()
 */
enum getcertd_throttle_result_t {
	/** a RADIUS slot was taken, release() it */
	GETCERTD_THROTTLE_OK,
	/** the client has too many authentications in flight (429) */
	GETCERTD_THROTTLE_CONCURRENT,
	/** every RADIUS slot is taken (503) */
	GETCERTD_THROTTLE_BUSY,
	/** the Access-Request rate limit is reached (503) */
	GETCERTD_THROTTLE_RATE,
};

/**
 * Limits of a throttle, 0 for a limit means "none".
 */
struct getcertd_throttle_conf_t {
	/** sliding window of the failure counters, seconds */
	u_int window;
	/** failures per client address in the window */
	u_int max_per_address;
	/** failures per user name and client address in the window */
	u_int max_per_user_address;
	/** failures per user name, from any address, in the window */
	u_int max_per_user;
	/** failure counters kept at most (oldest evicted) */
	u_int max_entries;
	/** RADIUS transactions in flight at most */
	u_int max_concurrent;
	/** RADIUS transactions in flight per client address at most */
	u_int max_concurrent_per_address;
	/** Access-Requests per second (token bucket rate), 0 unlimited */
	double radius_rate;
	/** Access-Requests sent at once after a quiet time (bucket size) */
	u_int radius_burst;
	/** clock in ms (tests), NULL for the monotonic clock, or the wall
	 * clock with shared counters */
	uint64_t (*now)(void);
	/** records shared by several getcertd: the failure counters are kept
	 * there instead of in memory, so N instances allow no more guesses
	 * than one; NULL to keep them in memory (not owned) */
	getcertd_db_t *shared;
};

/**
 * Throttling of HTTP Basic logins checked against RADIUS: failure counters
 * with a sliding window per client address, per user and address and per
 * user, a bound on concurrent RADIUS transactions (in total and per
 * client address) and a token bucket on Access-Requests. Thread-safe.
 *
 * Clients are identified by the text of their address, users by name;
 * both are only used as keys.
 *
 * The failure counters are in memory, or, with several getcertd on one
 * database (conf.shared), in the database, with times of the wall clock
 * (the instances' clocks are assumed synchronized). A database error
 * counts as throttled: no RADIUS guess goes uncounted. The RADIUS
 * concurrency bounds and the Access-Request rate stay per instance: they
 * protect this instance's workers and RADIUS from its own load.
 */
struct getcertd_throttle_t {

	/**
	 * Check whether a login may be tried now.
	 *
	 * @param user			user name
	 * @param client		client address
	 * @param failures		receives the failures counted against the limit
	 *						that was hit
	 * @param retry_after	receives seconds until that limit allows a try
	 * @return				TRUE if the login may go to RADIUS
	 */
	bool (*check)(getcertd_throttle_t *this, char *user, char *client,
				  u_int *failures, u_int *retry_after);

	/**
	 * Count a failed login (rejected by RADIUS).
	 *
	 * @param user			user name
	 * @param client		client address
	 */
	void (*failure)(getcertd_throttle_t *this, char *user, char *client);

	/**
	 * A successful login: clears the user+address counter.
	 *
	 * @param user			user name
	 * @param client		client address
	 */
	void (*success)(getcertd_throttle_t *this, char *user, char *client);

	/**
	 * Take a RADIUS slot for a client (and a token of the rate limit).
	 *
	 * @param client		client address
	 * @param retry_after	receives seconds to wait if refused
	 * @return				GETCERTD_THROTTLE_OK if taken
	 */
	getcertd_throttle_result_t (*acquire)(getcertd_throttle_t *this,
										  char *client, u_int *retry_after);

	/**
	 * Release a slot taken with acquire().
	 *
	 * @param client		client address
	 */
	void (*release)(getcertd_throttle_t *this, char *client);

	/**
	 * Destroy the throttle.
	 */
	void (*destroy)(getcertd_throttle_t *this);
};

/**
 * Create a throttle with the given limits.
 *
 * @param conf			limits (copied)
 * @return				throttle
 */
getcertd_throttle_t *getcertd_throttle_create(getcertd_throttle_conf_t *conf);

/**
 * Read the limits from getcertd.throttle.* and getcertd.radius.* settings.
 *
 * A bad value (not a duration or number, or out of range) is logged,
 * naming the option and the value.
 *
 * @param conf			receives the limits
 * @return				FALSE if an option has a bad value
 */
bool getcertd_throttle_conf_load(getcertd_throttle_conf_t *conf);

/**
 * getcertd.radius.max_concurrent: RADIUS transactions in flight at most,
 * and the worker threads reserved for them (getcertd.c).
 *
 * @param[out] max_concurrent	configured value, 1 to 1024
 * @return						FALSE if the option has a bad value (logged)
 */
bool getcertd_throttle_max_concurrent(u_int *max_concurrent);

#endif /** GETCERTD_THROTTLE_H_ @}*/

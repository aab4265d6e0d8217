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

#include "getcert_renewal.h"

#include <processing/jobs/callback_job.h>
#include <threading/mutex.h>

typedef struct private_getcert_renewal_t private_getcert_renewal_t;

/**
 * Private data of a getcert_renewal_t object.
 */
struct private_getcert_renewal_t {

	/**
	 * Public interface.
	 */
	getcert_renewal_t public;

	/**
	 * Evaluation.
	 */
	getcert_renewal_cb_t cb;

	/**
	 * Its data.
	 */
	void *data;

	/**
	 * Generation of the tick chain, older chains stop.
	 */
	u_int tick;

	/**
	 * Protects tick.
	 */
	mutex_t *mutex;
};

/**
 * Tick data
 */
typedef struct {
	/** the tick */
	private_getcert_renewal_t *this;
	/** generation of this chain */
	u_int tick;
} tick_data_t;

/**
 * Evaluate unless superseded; reschedules itself
 */
static job_requeue_t tick_job(tick_data_t *data)
{
	private_getcert_renewal_t *this = data->this;
	bool current;

	this->mutex->lock(this->mutex);
	current = data->tick == this->tick;
	this->mutex->unlock(this->mutex);
	if (!current)
	{
		return JOB_REQUEUE_NONE;
	}
	return JOB_RESCHEDULE(max(this->cb(this->data), 1));
}

METHOD(getcert_renewal_t, trigger, void,
	private_getcert_renewal_t *this, u_int delay)
{
	tick_data_t *data;
	job_t *job;

	INIT(data,
		.this = this,
	);
	this->mutex->lock(this->mutex);
	data->tick = ++this->tick;
	this->mutex->unlock(this->mutex);
	job = (job_t*)callback_job_create((callback_job_cb_t)tick_job, data,
									  free, NULL);
	if (delay)
	{
		lib->scheduler->schedule_job(lib->scheduler, job, delay);
	}
	else
	{
		lib->processor->queue_job(lib->processor, job);
	}
}

METHOD(getcert_renewal_t, destroy, void,
	private_getcert_renewal_t *this)
{
	this->mutex->destroy(this->mutex);
	free(this);
}

/*
 * Described in header
 */
getcert_renewal_t *getcert_renewal_create(getcert_renewal_cb_t cb,
										  void *data)
{
	private_getcert_renewal_t *this;

	INIT(this,
		.public = {
			.trigger = _trigger,
			.destroy = _destroy,
		},
		.cb = cb,
		.data = data,
		.mutex = mutex_create(MUTEX_TYPE_DEFAULT),
	);
	return &this->public;
}

/*
 * Described in header
 */
time_t getcert_renewal_time(getcert_profile_opts_t *opts, certificate_t *cert,
							rng_t *rng)
{
	time_t not_before, not_after;

	cert->get_validity(cert, NULL, &not_before, &not_after);
	return getcert_renew_at(opts, not_before, not_after,
							getcert_renewal_random(rng));
}

/*
 * Described in header
 */
double getcert_renewal_random(rng_t *rng)
{
	uint32_t rnd;

	if (!rng || !rng->get_bytes(rng, sizeof(rnd), (uint8_t*)&rnd))
	{
		return 0.0;
	}
	return rnd / ((double)UINT32_MAX + 1.0);
}

/*
 * Described in header
 */
u_int getcert_renewal_jitter(getcert_profile_opts_t *opts, u_int backoff,
							 u_int retry_after, double rnd)
{
	u_int cap, lo, span, delay;

	cap = max(opts->retry_max, 1);
	backoff = min(max(backoff, 1), cap);
	/* the CA's minimum, unless it is beyond our maximum */
	lo = max(backoff - backoff / 2, min(retry_after, cap));
	span = backoff / 2;
	rnd = max(0.0, min(rnd, 1.0));
	delay = lo + min((u_int)(rnd * (span + 1)), span);
	return min(delay, cap);
}

/*
 * Described in header
 */
u_int getcert_renewal_retry(getcert_profile_opts_t *opts, u_int backoff,
							bool transient)
{
	if (transient)
	{
		return backoff ? min(backoff * 2, opts->retry_max)
					   : opts->retry_interval;
	}
	return max(opts->retry_max, opts->retry_interval);
}

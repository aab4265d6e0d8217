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

#include "getcert_manager.h"
#include "getcert_failure.h"
#include "getcert_password.h"
#include "getcert_persisted.h"
#include "getcert_running.h"
#include "getcert_renewal.h"
#include "getcert_secrets.h"
#include "getcert_store.h"

#include <getcert_client.h>

#include <time.h>

#include <daemon.h>
#include <collections/hashtable.h>
#include <collections/linked_list.h>
#include <credentials/certificates/x509.h>
#include <processing/jobs/callback_job.h>
#include <threading/mutex.h>
#include <threading/condvar.h>
#include <threading/thread.h>

typedef struct private_getcert_manager_t private_getcert_manager_t;

/**
 * Private data of a getcert_manager_t object.
 */
struct private_getcert_manager_t {

	/**
	 * Public interface.
	 */
	getcert_manager_t public;

	/**
	 * Profiles.
	 */
	getcert_config_t *config;

	/**
	 * Credential set pairs are installed into.
	 */
	getcert_creds_t *creds;

	/**
	 * Constructor of session clients.
	 */
	getcert_client_constructor_t client_create;

	/**
	 * Optional persistence, or NULL.
	 */
	getcert_store_t *store;

	/**
	 * State per profile name, char* => entry_t*.
	 */
	hashtable_t *entries;

	/**
	 * Protects entries and their state. Taken by bus hooks (trigger()):
	 * never held for disk I/O (the store) or changes of the credential set
	 * (install/remove, which call into its mem_cred_t), nor while calling
	 * out (replaced callback, credential manager). The set's queries
	 * (get_cert, get_pair) are made under it: they take only the set's
	 * leaf lock, which is never held while calling out (getcert_creds.h).
	 */
	mutex_t *mutex;

	/**
	 * Serializes changes of the installed pairs (credential set and
	 * store, with the disk I/O of the latter). Never taken by a bus hook;
	 * taken before mutex, never while holding it.
	 */
	mutex_t *pair_lock;

	/**
	 * Signalled when an enrollment attempt finishes.
	 */
	condvar_t *done;

	/**
	 * Renewal tick.
	 */
	getcert_renewal_t *renewal;

	/**
	 * Longest interval between two evaluations, seconds.
	 */
	u_int check_interval;

	/**
	 * Weak RNG for the renewal jitter.
	 */
	rng_t *rng;

	/**
	 * Threads and engines at work, cancelled at shutdown; its lock is
	 * taken after mutex, never before it.
	 */
	getcert_running_t *running;

	/**
	 * Called after a pair was replaced, or NULL.
	 */
	getcert_replaced_cb_t replaced;

	/**
	 * Data for replaced.
	 */
	void *replaced_data;
};

/**
 * State of one profile.
 */
typedef struct {
	/** profile name, hashtable key; the pair is the credential set's */
	char *name;
	/** when to renew the current certificate (wall clock) */
	time_t renew_at;
	/** no background retry before this time (wall clock) */
	time_t retry_at;
	/** current retry interval, 0 after success */
	u_int backoff;
	/** an enrollment job runs */
	bool busy;
	/** number of finished attempts */
	u_int attempts;
	/** outcome of the last attempt */
	getcert_err_t result;
	/** client and password source kept between enrollments, or NULL */
	getcert_session_t *session;
	/** the profile changed during an enrollment, end the session after */
	bool stale;
	/** failures of the first enrollment and their back-off */
	getcert_failure_t *failure;
	/** the key of the next enrollment, generated ahead, or NULL */
	getcert_nextkey_t *nextkey;
} entry_t;

/**
 * Data of an enrollment job.
 */
typedef struct {
	/** manager */
	private_getcert_manager_t *this;
	/** profile, own reference */
	getcert_profile_t *profile;
} job_data_t;

/**
 * Get or create the entry of a profile, with the mutex held
 */
static entry_t *get_entry(private_getcert_manager_t *this, char *name)
{
	entry_t *entry;

	entry = this->entries->get(this->entries, name);
	if (!entry)
	{
		INIT(entry,
			.name = strdup(name),
		);
		entry->failure = getcert_failure_create(entry->name);
		this->entries->put(this->entries, entry->name, entry);
	}
	return entry;
}

/**
 * End the session of an entry: transport, engine, credential data
 */
static void session_end(entry_t *entry)
{
	DESTROY_IF(entry->session);
	entry->session = NULL;
	entry->stale = FALSE;
}

/**
 * Destroy an entry
 */
static void entry_destroy(entry_t *entry)
{
	session_end(entry);
	DESTROY_IF(entry->nextkey);
	entry->failure->destroy(entry->failure);
	free(entry->name);
	free(entry);
}

/**
 * Keep the next key of a profile generated ahead, with the mutex held:
 * started for a profile that generates its keys, replaced if the key type
 * or size changed, none for server_keygen or a removed profile (NULL)
 */
static void prepare_nextkey(entry_t *entry, getcert_profile_t *profile)
{
	key_type_t type;
	u_int bits = 0;

	if (!profile || profile->server_keygen(profile))
	{
		DESTROY_IF(entry->nextkey);
		entry->nextkey = NULL;
		return;
	}
	type = profile->get_key_type(profile);
	switch (type)
	{
		case KEY_RSA:
			bits = profile->get_key_size(profile) ?: GETCERT_KEY_SIZE_DEFAULT;
			break;
		case KEY_ECDSA:
			bits = profile->get_key_size(profile) ?: 256;
			break;
		default:
			break;
	}
	if (entry->nextkey && entry->nextkey->generates(entry->nextkey, type, bits))
	{
		return;
	}
	DESTROY_IF(entry->nextkey);
	entry->nextkey = getcert_nextkey_create(entry->name, type, bits);
}

/**
 * Whether a certificate is valid at a time
 */
static bool valid_at(certificate_t *cert, time_t when)
{
	return cert && cert->get_validity(cert, &when, NULL, NULL);
}

/**
 * Whether the certificate installed for a profile is valid at a time; the
 * credential set's query takes no lock that is held while calling out
 */
static bool installed_valid_at(private_getcert_manager_t *this, char *name,
							   time_t when)
{
	certificate_t *cert;
	bool valid;

	cert = this->creds->get_cert(this->creds, name);
	valid = valid_at(cert, when);
	DESTROY_IF(cert);
	return valid;
}

/**
 * Whether a certificate is installed for a profile
 */
static bool installed(private_getcert_manager_t *this, char *name)
{
	certificate_t *cert;

	cert = this->creds->get_cert(this->creds, name);
	DESTROY_IF(cert);
	return cert != NULL;
}

/**
 * Run one enrollment or renewal for a profile whose entry was marked busy,
 * by a thread counted by running->enter(). Not a thread cancellation
 * point: a cancelled enrollment ends through cancel(), never inside libcurl
 * or with a lock held.
 */
static void enroll(private_getcert_manager_t *this, getcert_profile_t *profile)
{
	getcert_profile_opts_t *opts = profile->get_opts(profile);
	char *name = profile->get_name(profile);
	certificate_t *current = NULL, *cert = NULL, *old = NULL;
	private_key_t *current_key = NULL, *key;
	getcert_enroll_t *engine = NULL;
	getcert_curl_t *curl = NULL;
	getcert_client_t *client;
	getcert_password_t *password;
	getcert_err_t err = GETCERT_ERR_INTERNAL;
	timeval_t start, end;
	entry_t *entry;
	u_int retry = 0, ms, requests = 0, connects = 0, sent = 0;
	u_int retry_after = 0;
	char reason[GETCERT_FAILURE_REASON_LEN];
	getcert_replaced_cb_t replaced;
	void *replaced_data;
	bool renewal, cancellable;

	cancellable = thread_cancelability(FALSE);
	time_monotonic(&start);
	if (this->creds->get_pair(this->creds, name, &current, &current_key) &&
		!valid_at(current, time(NULL)))
	{	/* a renewal signs the request with the current, valid pair */
		current->destroy(current);
		current_key->destroy(current_key);
		current = NULL;
		current_key = NULL;
	}
	this->mutex->lock(this->mutex);
	entry = get_entry(this, name);
	if (!entry->session || !entry->session->is_for(entry->session, profile))
	{	/* first enrollment, or the profile changed */
		session_end(entry);
		prepare_nextkey(entry, profile);
		entry->session = getcert_session_create(profile,
								entry->failure->get_rejected(entry->failure),
								this->client_create, entry->nextkey);
	}
	if (entry->session)
	{
		client = entry->session->get_client(entry->session);
		engine = client->get_engine(client);
		curl = client->get_curl(client);
		requests = curl->get_requests(curl);
		connects = curl->get_connects(curl);
	}
	this->mutex->unlock(this->mutex);
	renewal = current != NULL;

	/* the session is ours while the entry is busy */
	if (engine && !this->running->add_engine(this->running, engine))
	{
		engine = NULL;
		err = GETCERT_ERR_CANCELLED;
	}
	key = NULL;
	if (engine)
	{	/* the key the profile asks for (EST: within /csrattrs), generated
		 * here or, with server_keygen, by the EST server */
		err = entry->session->enroll(entry->session, current, current_key,
									 &key, &cert);
		if (!renewal && getcert_failure_backs_off(err))
		{	/* as keyed hashes, before they are wiped */
			password = entry->session->get_password(entry->session);
			sent = password->remember_sent(password);
		}
		this->running->remove_engine(this->running, engine);
		entry->session->forget(entry->session);
		requests = curl->get_requests(curl) - requests;
		connects = curl->get_connects(curl) - connects;
		retry_after = curl->get_retry_after(curl);
	}
	time_monotonic(&end);
	ms = (end.tv_sec - start.tv_sec) * 1000 +
		 (end.tv_usec - start.tv_usec) / 1000;

	if (err == GETCERT_OK)
	{	/* installed and saved before waiters are woken, but without the
		 * mutex a bus hook takes: the set's write lock and the fsync may
		 * wait */
		this->pair_lock->lock(this->pair_lock);
		old = this->creds->get_cert(this->creds, name);
		if (this->creds->install(this->creds, name, cert->get_ref(cert),
								 key->get_ref(key),
								 profile->get_ca_cert(profile)))
		{
			if (this->store)
			{
				this->store->save(this->store, name, cert, key);
			}
		}
		else
		{
			err = GETCERT_ERR_CERT_KEY;
			DESTROY_IF(old);
			old = NULL;
		}
		this->pair_lock->unlock(this->pair_lock);
	}

	this->mutex->lock(this->mutex);
	if (err == GETCERT_OK)
	{
		entry->renew_at = getcert_renewal_time(opts, cert, this->rng);
		entry->backoff = 0;
		entry->retry_at = 0;
		entry->failure->succeeded(entry->failure);
		getcert_failure_log_installed(profile, cert,
									  renewal ? "renewed" : "enrolled", ms);
		DBG2(DBG_CFG, "getcert: profile '%s': %u HTTP requests, %u new "
			 "connections; renewal due at %T", name, requests, connects,
			 &entry->renew_at, FALSE);
		/* reauthenticate below, without our lock */
	}
	if (err == GETCERT_ERR_CANCELLED)
	{	/* no backoff: charon shuts down */
		getcert_failure_reason(profile, engine, err, reason, sizeof(reason));
		getcert_failure_log(profile, reason, current, 0);
	}
	else if (err != GETCERT_OK)
	{
		if ((renewal && installed_valid_at(this, name, time(NULL))) ||
			(!renewal && getcert_err_is_transient(err) &&
			 err != GETCERT_ERR_PENDING))
		{	/* keep the old pair while it is valid, retry with backoff; a
			 * rejected renewal is retried only after retry_max, so a
			 * refusing CA does not get the same request again and again.
			 * A first enrollment the CA did not answer (down, 503) is
			 * retried in the background (not one still pending after
			 * polling: that would queue new requests for approval at
			 * the CA; the next initiation asks again). Transient retries
			 * are spread (jitter), so that the clients of a CA outage do
			 * not all come back in the same second, never before
			 * Retry-After */
			entry->backoff = getcert_renewal_retry(opts, entry->backoff,
										getcert_err_is_transient(err));
			retry = entry->backoff;
			if (getcert_err_is_transient(err))
			{
				retry = getcert_renewal_jitter(opts, entry->backoff,
								retry_after, getcert_renewal_random(this->rng));
			}
			entry->retry_at = time(NULL) + retry;
		}
		else if (!renewal)
		{	/* no background retry of this first enrollment */
			entry->backoff = 0;
			entry->retry_at = 0;
		}
		getcert_failure_reason(profile, engine, err, reason, sizeof(reason));
		getcert_failure_log(profile, reason, current, retry);
		if (retry)
		{
			DBG1(DBG_CFG, "getcert: profile '%s': next attempt at %T, in %us "
				 "(interval %us, Retry-After %us)", name, &entry->retry_at,
				 FALSE, retry, entry->backoff, retry_after);
		}
		if (!renewal && getcert_failure_backs_off(err))
		{	/* a final answer: this back-off decides, no retry */
			entry->failure->start(entry->failure, profile, err, reason, sent,
								  time(NULL));
		}
	}
	if (err != GETCERT_OK || entry->stale)
	{	/* start afresh next time: the CA may have changed */
		session_end(entry);
	}
	entry->result = err;
	entry->attempts++;
	entry->busy = FALSE;
	this->done->broadcast(this->done);
	this->mutex->unlock(this->mutex);

	if (old)
	{
		this->mutex->lock(this->mutex);
		replaced = this->replaced;
		replaced_data = this->replaced_data;
		this->mutex->unlock(this->mutex);
		if (replaced && !this->running->is_cancelled(this->running))
		{
			replaced(replaced_data, profile, old);
		}
		old->destroy(old);
	}
	if (!this->running->is_cancelled(this->running))
	{
		this->renewal->trigger(this->renewal, 0);
	}

	DESTROY_IF(cert);
	DESTROY_IF(key);
	DESTROY_IF(current);
	DESTROY_IF(current_key);
	thread_cancelability(cancellable);
}

/**
 * Run one enrollment or renewal in a job
 */
static job_requeue_t enroll_job(job_data_t *data)
{
	getcert_running_t *running = data->this->running;

	if (running->enter(running))
	{
		enroll(data->this, data->profile);
		running->leave(running);
	}
	return JOB_REQUEUE_NONE;
}

/**
 * The processor cancels the enrollment job (charon shuts down): the job
 * ends itself, soon, instead of being cancelled inside libcurl
 */
static bool cancel_job(job_data_t *data)
{
	data->this->public.cancel(&data->this->public);
	return TRUE;
}

/**
 * Destroy job data
 */
static void job_data_destroy(job_data_t *data)
{
	data->profile->destroy(data->profile);
	free(data);
}

/**
 * Start an enrollment job for an entry, with the mutex held
 */
static void start_job(private_getcert_manager_t *this, entry_t *entry,
					  getcert_profile_t *profile)
{
	job_data_t *data;

	if (entry->busy || this->running->is_cancelled(this->running))
	{
		return;
	}
	entry->busy = TRUE;
	INIT(data,
		.this = this,
		.profile = profile->get_ref(profile),
	);
	lib->processor->queue_job(lib->processor,
			(job_t*)callback_job_create((callback_job_cb_t)enroll_job, data,
										(void*)job_data_destroy,
										(callback_job_cancel_t)cancel_job));
}

/**
 * Whether an entry's certificate is due for renewal now
 */
static bool renewal_due(private_getcert_manager_t *this, entry_t *entry,
						time_t now)
{
	return now >= entry->renew_at && installed(this, entry->name);
}

/**
 * Check the back-off of a failed first enrollment before an initiation
 * enrolls, with the mutex held (released while the credential manager is
 * asked for a new secret, which may prompt); FALSE with msg filled if the
 * initiation must fail at once
 */
static bool backoff_passed(private_getcert_manager_t *this, entry_t *entry,
						   getcert_profile_t *profile, char *msg, size_t len)
{
	getcert_profile_opts_t *opts = profile->get_opts(profile);
	getcert_failure_t *failure = entry->failure;
	identification_t *server;
	time_t until = failure->get_until(failure);
	bool fresh;

	if (!until || entry->busy)
	{
		return TRUE;
	}
	switch (failure->check(failure, profile, time(NULL)))
	{
		case GETCERT_FAILURE_PASS:
			return TRUE;
		case GETCERT_FAILURE_ASK_SECRET:
			server = getcert_url_host(profile->get_url(profile));
			this->mutex->unlock(this->mutex);
			fresh = getcert_secrets_offers_new(failure->get_rejected(failure),
									SHARED_EAP, profile->get_user(profile),
									server, opts->ca_secret_owner);
			this->mutex->lock(this->mutex);
			DESTROY_IF(server);
			if (fresh)
			{
				if (failure->get_until(failure) == until)
				{
					failure->lift(failure, profile);
				}
				return TRUE;
			}
			if (failure->get_until(failure) != until)
			{	/* changed meanwhile (an enrollment ended): evaluate afresh */
				return backoff_passed(this, entry, profile, msg, len);
			}
			break;
		case GETCERT_FAILURE_WAIT:
			break;
	}
	failure->describe(failure, msg, len);
	DBG1(DBG_CFG, "%s", msg);
	return FALSE;
}

METHOD(getcert_manager_t, acquire, bool,
	private_getcert_manager_t *this, getcert_profile_t *profile, char *conn,
	controller_cb_t cb, void *param)
{
	char *name = profile->get_name(profile), msg[256];
	time_t now = time(NULL);
	entry_t *entry;
	u_int attempts;
	bool valid;

	if (!this->running->enter(this->running))
	{
		return FALSE;
	}
	thread_cleanup_push((thread_cleanup_t)this->running->leave,
						this->running);
	this->mutex->lock(this->mutex);
	entry = get_entry(this, name);
	valid = installed_valid_at(this, name, now);
	if (valid && !renewal_due(this, entry, now))
	{
		this->mutex->unlock(this->mutex);
		thread_cleanup_pop(TRUE);
		return TRUE;
	}
	if (!valid && !backoff_passed(this, entry, profile, msg, sizeof(msg)))
	{	/* no CA contact, no secret sent */
		this->mutex->unlock(this->mutex);
		if (cb)
		{
			cb(param, DBG_CFG, 1, NULL, msg);
		}
		thread_cleanup_pop(TRUE);
		return FALSE;
	}
	snprintf(msg, sizeof(msg), "getcert: profile '%s': connection '%s' "
			 "waits for %s", name, conn, valid ? "renewal" : "enrollment");
	DBG1(DBG_CFG, "%s", msg);
	if (cb)
	{
		cb(param, DBG_CFG, 1, NULL, msg);
	}
	/* an initiation tries now, regardless of the background backoff; it
	 * enrolls on its own thread, which it blocks anyway, unless another
	 * enrollment runs already, which it then waits for */
	attempts = entry->attempts;
	if (!entry->busy)
	{
		entry->busy = TRUE;
		this->mutex->unlock(this->mutex);
		enroll(this, profile);
		this->mutex->lock(this->mutex);
	}
	thread_cleanup_push((void*)this->mutex->unlock, this->mutex);
	/* cancel() can't signal done (it must not take our mutex), so a wait
	 * for another thread's enrollment looks at it every second */
	while (entry->attempts == attempts &&
		   !this->running->is_cancelled(this->running))
	{
		this->done->timed_wait(this->done, this->mutex, 1000);
	}
	valid = installed_valid_at(this, name, time(NULL));
	if (!valid && cb)
	{
		snprintf(msg, sizeof(msg), "getcert: profile '%s': %s", name,
				 entry->result == GETCERT_OK ? "no valid certificate" :
				 "enrollment failed, see the log for the reason");
		cb(param, DBG_CFG, 1, NULL, msg);
	}
	thread_cleanup_pop(TRUE);
	thread_cleanup_pop(TRUE);
	return valid;
}

METHOD(getcert_manager_t, trigger, void,
	private_getcert_manager_t *this, getcert_profile_t *profile)
{
	char *name = profile->get_name(profile);
	time_t now = time(NULL);
	entry_t *entry;
	bool valid;

	this->mutex->lock(this->mutex);
	entry = get_entry(this, name);
	valid = installed_valid_at(this, name, now);
	if (!entry->busy && now >= entry->retry_at &&
		(!valid || renewal_due(this, entry, now)) &&
		(valid || now >= entry->failure->get_until(entry->failure)))
	{
		start_job(this, entry, profile);
	}
	this->mutex->unlock(this->mutex);
}

/**
 * A pair to remove, decided with the mutex held
 */
typedef struct {
	/** profile name */
	char *name;
	/** the certificate found installed */
	certificate_t *cert;
	/** remove the saved pair too */
	bool unsave;
} drop_t;

/**
 * Note a pair to remove once the mutex is released
 */
static void drop_later(linked_list_t *drops, char *name, certificate_t *cert,
					   bool unsave)
{
	drop_t *drop;

	INIT(drop,
		.name = strdup(name),
		.cert = cert->get_ref(cert),
		.unsave = unsave,
	);
	drops->insert_last(drops, drop);
}

/**
 * Remove the pairs noted, without the mutex: each from the credential set
 * (remembered there as previous, still ours for the IKE_SAs that
 * authenticated with it) and, if noted, from the store; a pair replaced
 * meanwhile stays
 */
static void drop_pairs(private_getcert_manager_t *this, linked_list_t *drops)
{
	certificate_t *current;
	drop_t *drop;

	while (drops->remove_first(drops, (void**)&drop) == SUCCESS)
	{
		this->pair_lock->lock(this->pair_lock);
		current = this->creds->get_cert(this->creds, drop->name);
		if (current && current->equals(current, drop->cert))
		{
			this->creds->remove(this->creds, drop->name);
			if (drop->unsave && this->store)
			{
				this->store->remove(this->store, drop->name);
			}
		}
		this->pair_lock->unlock(this->pair_lock);
		DESTROY_IF(current);
		drop->cert->destroy(drop->cert);
		free(drop->name);
		free(drop);
	}
	drops->destroy(drops);
}

/**
 * Retry a first enrollment that failed transiently when its time comes,
 * with the mutex held; a profile removed meanwhile is not retried
 */
static void retry_first(private_getcert_manager_t *this, entry_t *entry,
						time_t now, time_t *next)
{
	getcert_profile_t *profile;

	profile = this->config->get_profile(this->config, entry->name);
	if (!profile)
	{
		entry->retry_at = 0;
		entry->backoff = 0;
		return;
	}
	if (now >= entry->retry_at)
	{
		start_job(this, entry, profile);
	}
	else
	{
		*next = min(*next, entry->retry_at);
	}
	profile->destroy(profile);
}

/**
 * Evaluate all profiles by wall clock for the renewal tick: drop expired
 * pairs, start due renewals; returns the seconds until the next evaluation
 */
static u_int evaluate(private_getcert_manager_t *this)
{
	enumerator_t *enumerator;
	getcert_profile_t *profile;
	certificate_t *cert;
	linked_list_t *drops;
	time_t now = time(NULL), next, not_after;
	entry_t *entry;

	drops = linked_list_create();
	this->mutex->lock(this->mutex);
	next = now + this->check_interval;
	enumerator = this->entries->create_enumerator(this->entries);
	while (enumerator->enumerate(enumerator, NULL, &entry))
	{
		cert = this->creds->get_cert(this->creds, entry->name);
		if (!cert)
		{	/* a first enrollment the CA did not answer is retried */
			if (entry->retry_at && !entry->busy)
			{
				retry_first(this, entry, now, &next);
			}
			continue;
		}
		cert->get_validity(cert, NULL, NULL, &not_after);
		if (now > not_after)
		{
			DBG1(DBG_CFG, "getcert: profile '%s': certificate expired at %T, "
				 "removed", entry->name, &not_after, FALSE);
			drop_later(drops, entry->name, cert, TRUE);
			cert->destroy(cert);
			continue;
		}
		cert->destroy(cert);
		profile = this->config->get_profile(this->config, entry->name);
		if (!profile)
		{
			continue;
		}
		if (!entry->busy && now >= entry->renew_at && now >= entry->retry_at)
		{
			start_job(this, entry, profile);
		}
		profile->destroy(profile);
		if (!entry->busy)
		{
			next = min(next, max(entry->renew_at, entry->retry_at));
		}
		next = min(next, not_after + 1);
	}
	enumerator->destroy(enumerator);
	this->mutex->unlock(this->mutex);
	drop_pairs(this, drops);

	return next > now ? next - now : 1;
}

/**
 * A persisted pair was installed: schedule its renewal
 */
static void persisted_loaded(private_getcert_manager_t *this,
							 getcert_profile_t *profile, certificate_t *cert)
{
	entry_t *entry;

	this->mutex->lock(this->mutex);
	entry = get_entry(this, profile->get_name(profile));
	entry->renew_at = getcert_renewal_time(profile->get_opts(profile), cert,
										   this->rng);
	this->mutex->unlock(this->mutex);
}

/**
 * Start generating the next key of every loaded profile (those with an
 * entry got theirs replaced or dropped by reload())
 */
static void prepare_nextkeys(private_getcert_manager_t *this)
{
	enumerator_t *enumerator;
	getcert_profile_t *profile;
	entry_t *entry;

	this->mutex->lock(this->mutex);
	enumerator = this->config->create_enumerator(this->config);
	while (enumerator->enumerate(enumerator, &profile))
	{
		entry = get_entry(this, profile->get_name(profile));
		prepare_nextkey(entry, profile);
	}
	enumerator->destroy(enumerator);
	this->mutex->unlock(this->mutex);
}

METHOD(getcert_manager_t, reload, void,
	private_getcert_manager_t *this)
{
	enumerator_t *enumerator;
	getcert_profile_t *profile;
	certificate_t *cert;
	linked_list_t *drops;
	entry_t *entry;

	drops = linked_list_create();
	this->mutex->lock(this->mutex);
	enumerator = this->entries->create_enumerator(this->entries);
	while (enumerator->enumerate(enumerator, NULL, &entry))
	{
		cert = this->creds->get_cert(this->creds, entry->name);
		profile = this->config->get_profile(this->config, entry->name);
		if (entry->session &&
			!entry->session->is_for(entry->session, profile))
		{	/* changed or removed: no session with the old settings */
			if (entry->busy)
			{
				entry->stale = TRUE;
			}
			else
			{
				session_end(entry);
			}
		}
		prepare_nextkey(entry, profile);
		if (profile)
		{
			if (cert && !cert->has_subject(cert,
										profile->get_identity(profile)))
			{
				DBG1(DBG_CFG, "getcert: profile '%s': identity changed, "
					 "certificate removed", entry->name);
				drop_later(drops, entry->name, cert, FALSE);
			}
			profile->destroy(profile);
		}
		else if (cert)
		{
			DBG1(DBG_CFG, "getcert: profile '%s' removed, its certificate "
				 "too", entry->name);
			drop_later(drops, entry->name, cert, FALSE);
		}
		DESTROY_IF(cert);
	}
	enumerator->destroy(enumerator);
	this->mutex->unlock(this->mutex);
	drop_pairs(this, drops);
	prepare_nextkeys(this);
	this->renewal->trigger(this->renewal, 0);
}

METHOD(getcert_manager_t, set_replaced_cb, void,
	private_getcert_manager_t *this, getcert_replaced_cb_t cb, void *data)
{
	this->mutex->lock(this->mutex);
	this->replaced = cb;
	this->replaced_data = data;
	this->mutex->unlock(this->mutex);
}

METHOD(getcert_manager_t, cancel, void,
	private_getcert_manager_t *this)
{
	this->running->cancel(this->running);
}

/**
 * How long destroy() waits for running enrollments, in ms
 */
#define DESTROY_WAIT 10000

METHOD(getcert_manager_t, destroy, void,
	private_getcert_manager_t *this)
{
	enumerator_t *enumerator;
	entry_t *entry;
	u_int running;

	/* charon cancelled the processor's threads before it unloads plugins,
	 * so enrollments of its jobs have ended; one on another thread ends
	 * soon once cancelled, we wait for it without holding our lock */
	cancel(this);
	running = this->running->wait(this->running, DESTROY_WAIT);
	if (running)
	{	/* leak rather than free what a running thread still uses */
		DBG1(DBG_CFG, "getcert: %u enrollments still running after %u ms, "
			 "their state is not freed", running, DESTROY_WAIT);
		return;
	}

	enumerator = this->entries->create_enumerator(this->entries);
	while (enumerator->enumerate(enumerator, NULL, &entry))
	{
		this->creds->remove(this->creds, entry->name);
	}
	enumerator->destroy(enumerator);
	this->entries->destroy_function(this->entries, (void*)entry_destroy);
	this->renewal->destroy(this->renewal);
	DESTROY_IF(this->store);
	DESTROY_IF(this->rng);
	this->done->destroy(this->done);
	this->mutex->destroy(this->mutex);
	this->pair_lock->destroy(this->pair_lock);
	this->running->destroy(this->running);
	free(this);
}

/*
 * Described in header
 */
getcert_manager_t *getcert_manager_create(getcert_config_t *config,
										  getcert_creds_t *creds,
										  getcert_client_constructor_t client)
{
	private_getcert_manager_t *this;
	char *dir;

	INIT(this,
		.public = {
			.acquire = _acquire,
			.trigger = _trigger,
			.reload = _reload,
			.set_replaced_cb = _set_replaced_cb,
			.cancel = _cancel,
			.destroy = _destroy,
		},
		.config = config,
		.creds = creds,
		.client_create = client ?: getcert_client_create,
		.entries = hashtable_create(hashtable_hash_str, hashtable_equals_str,
									8),
		.mutex = mutex_create(MUTEX_TYPE_DEFAULT),
		.pair_lock = mutex_create(MUTEX_TYPE_DEFAULT),
		.done = condvar_create(CONDVAR_TYPE_DEFAULT),
		.running = getcert_running_create(),
		.check_interval = lib->settings->get_time(lib->settings,
							"%s.plugins.getcert.check_interval", 30, lib->ns),
		.rng = lib->crypto->create_rng(lib->crypto, RNG_WEAK),
	);
	this->check_interval = max(this->check_interval, 1);
	this->renewal = getcert_renewal_create((getcert_renewal_cb_t)evaluate,
										   this);

	dir = lib->settings->get_str(lib->settings,
							"%s.plugins.getcert.persist_dir", NULL, lib->ns);
	if (dir && *dir)
	{
		this->store = getcert_store_create(dir);
		if (this->store)
		{
			getcert_persisted_load(this->store, config, creds,
						(getcert_persisted_cb_t)persisted_loaded, this);
		}
	}
	prepare_nextkeys(this);
	this->renewal->trigger(this->renewal, 0);
	return &this->public;
}

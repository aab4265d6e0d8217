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

#include "getcert_failure.h"

#include <credentials/certificates/x509.h>

typedef struct private_getcert_failure_t private_getcert_failure_t;

/**
 * Private data of a getcert_failure_t object.
 */
struct private_getcert_failure_t {

	/**
	 * Public interface.
	 */
	getcert_failure_t public;

	/**
	 * Profile name, for the log.
	 */
	char *name;

	/**
	 * A first enrollment failed: no new one before this (wall clock).
	 */
	time_t until;

	/**
	 * When it failed.
	 */
	time_t at;

	/**
	 * Why it failed, for the log.
	 */
	char reason[GETCERT_FAILURE_REASON_LEN];

	/**
	 * First enrollments failed in a row, the back-off grows with them.
	 */
	u_int failures;

	/**
	 * A secret not in rejected lifts the back-off.
	 */
	bool lift_by_secret;

	/**
	 * The profile that failed, a changed profile lifts the back-off.
	 */
	getcert_profile_t *failed;

	/**
	 * Secrets the failed enrollments sent, as keyed hashes.
	 */
	getcert_secrets_t *rejected;
};

/**
 * End the back-off; the rejected secrets are kept if a new secret lifted
 * it, so that the enrollment sends that one
 */
static void end(private_getcert_failure_t *this, bool keep_rejected)
{
	this->until = 0;
	this->lift_by_secret = FALSE;
	DESTROY_IF(this->failed);
	this->failed = NULL;
	if (!keep_rejected)
	{
		this->rejected->clear(this->rejected);
	}
}

METHOD(getcert_failure_t, start, u_int,
	private_getcert_failure_t *this, getcert_profile_t *profile,
	getcert_err_t err, char *reason, u_int sent, time_t now)
{
	u_int backoff;

	this->failures++;
	backoff = getcert_failure_backoff(profile->get_opts(profile),
									  this->failures);
	this->at = now;
	this->until = this->at + backoff;
	/* a new secret helps if one was sent or none was available; a server
	 * that failed verification before any was sent waits for the time or a
	 * changed profile */
	this->lift_by_secret = sent || err == GETCERT_ERR_NO_CREDENTIALS;
	strncpy(this->reason, reason, sizeof(this->reason) - 1);
	this->reason[sizeof(this->reason) - 1] = '\0';
	DESTROY_IF(this->failed);
	this->failed = profile->get_ref(profile);
	DBG1(DBG_CFG, "getcert: profile '%s': no new enrollment before %T "
		 "(back-off %us)%s", this->name, &this->until, FALSE,
		 backoff, this->lift_by_secret ?
		 " unless a new secret is loaded" : "");
	return backoff;
}

METHOD(getcert_failure_t, succeeded, void,
	private_getcert_failure_t *this)
{
	this->failures = 0;
	end(this, FALSE);
}

METHOD(getcert_failure_t, check, getcert_failure_check_t,
	private_getcert_failure_t *this, getcert_profile_t *profile, time_t now)
{
	if (!this->until)
	{
		return GETCERT_FAILURE_PASS;
	}
	if (now >= this->until)
	{	/* over: the next attempt may send any secret again */
		end(this, FALSE);
		return GETCERT_FAILURE_PASS;
	}
	if (this->failed != profile)
	{
		DBG1(DBG_CFG, "getcert: profile '%s': the profile changed, its "
			 "back-off is lifted", this->name);
		end(this, FALSE);
		return GETCERT_FAILURE_PASS;
	}
	return this->lift_by_secret ? GETCERT_FAILURE_ASK_SECRET
								: GETCERT_FAILURE_WAIT;
}

METHOD(getcert_failure_t, lift, void,
	private_getcert_failure_t *this, getcert_profile_t *profile)
{
	DBG1(DBG_CFG, "getcert: profile '%s': a new secret for '%Y' "
		 "is available, the back-off is lifted", this->name,
		 profile->get_user(profile));
	end(this, TRUE);
}

METHOD(getcert_failure_t, get_until, time_t,
	private_getcert_failure_t *this)
{
	return this->until;
}

METHOD(getcert_failure_t, describe, void,
	private_getcert_failure_t *this, char *buf, size_t len)
{
	snprintf(buf, len, "getcert: profile '%s': %s at %T; not retrying "
			 "before %T unless %s", this->name, this->reason,
			 &this->at, FALSE, &this->until, FALSE,
			 this->lift_by_secret ? "a new secret is loaded" :
			 "the profile changes");
}

METHOD(getcert_failure_t, get_rejected, getcert_secrets_t*,
	private_getcert_failure_t *this)
{
	return this->rejected;
}

METHOD(getcert_failure_t, destroy, void,
	private_getcert_failure_t *this)
{
	DESTROY_IF(this->failed);
	this->rejected->destroy(this->rejected);
	free(this);
}

/*
 * Described in header
 */
getcert_failure_t *getcert_failure_create(char *name)
{
	private_getcert_failure_t *this;

	INIT(this,
		.public = {
			.start = _start,
			.succeeded = _succeeded,
			.check = _check,
			.lift = _lift,
			.get_until = _get_until,
			.describe = _describe,
			.get_rejected = _get_rejected,
			.destroy = _destroy,
		},
		.name = name,
		.rejected = getcert_secrets_create(),
	);
	return &this->public;
}

/*
 * Described in header
 */
bool getcert_failure_backs_off(getcert_err_t err)
{
	return err != GETCERT_OK && err != GETCERT_ERR_INTERNAL &&
		   err != GETCERT_ERR_CANCELLED && !getcert_err_is_transient(err);
}

/*
 * Described in header
 */
void getcert_failure_reason(getcert_profile_t *profile,
							getcert_enroll_t *engine, getcert_err_t err,
							char *reason, size_t len)
{
	getcert_scep_fail_t fail;

	switch (err)
	{
		case GETCERT_ERR_AUTH:
			snprintf(reason, len, "the CA rejected the credentials of '%Y'",
					 profile->get_user(profile));
			break;
		case GETCERT_ERR_NO_CREDENTIALS:
			snprintf(reason, len, "no password available for '%Y'",
					 profile->get_user(profile));
			break;
		case GETCERT_ERR_CANCELLED:
			snprintf(reason, len, "cancelled, charon is shutting down");
			break;
		case GETCERT_ERR_POLICY:
			if (profile->get_protocol(profile) == GETCERT_PROTOCOL_EST)
			{	/* the only policy an EST server can fail */
				snprintf(reason, len, "the EST server asks for a key the "
						 "profile does not allow (%N, %u bits; 0: any size "
						 "of RSA 2048-4096, ECDSA P-256-P-521)",
						 key_type_names, profile->get_key_type(profile),
						 profile->get_key_size(profile));
				break;
			}
			snprintf(reason, len, "%N", getcert_err_names, err);
			break;
		case GETCERT_ERR_REJECTED:
			fail =
				engine ? engine->get_fail_info(engine) : GETCERT_SCEP_FAIL_NONE;
			snprintf(reason, len, "%N (failInfo %N)", getcert_err_names, err,
					 getcert_scep_fail_names, fail);
			break;
		default:
			snprintf(reason, len, "%N", getcert_err_names, err);
			break;
	}
}

/*
 * Described in header
 */
void getcert_failure_log(getcert_profile_t *profile, char *reason,
						 certificate_t *current, u_int retry)
{
	char when[64] = "", keep[160] = "";
	x509_t *x509 = (x509_t*)current;
	time_t not_after;
	chunk_t serial;

	if (retry)
	{
		snprintf(when, sizeof(when), ", retrying in %us", retry);
	}
	if (current)
	{
		serial = x509->get_serial(x509);
		current->get_validity(current, NULL, NULL, &not_after);
		snprintf(keep, sizeof(keep), "; keeping serial %#B, valid until %T",
				 &serial, &not_after, FALSE);
	}
	DBG1(DBG_CFG, "getcert: profile '%s': %s of '%Y' failed: %s%s%s",
		 profile->get_name(profile), current ? "renewal" : "enrollment",
		 profile->get_identity(profile), reason, when, keep);
}

/*
 * Described in header
 */
void getcert_failure_log_installed(getcert_profile_t *profile,
								   certificate_t *cert, char *what, u_int ms)
{
	time_t not_after;
	x509_t *x509 = (x509_t*)cert;
	chunk_t serial;

	cert->get_validity(cert, NULL, NULL, &not_after);
	serial = x509->get_serial(x509);
	DBG1(DBG_CFG, "getcert: profile '%s': %s '%Y', serial %#B, valid until "
		 "%T (%u ms)", profile->get_name(profile), what,
		 profile->get_identity(profile), &serial, &not_after, FALSE, ms);
}

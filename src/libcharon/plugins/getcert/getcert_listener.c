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

#include "getcert_listener.h"

#include <time.h>

#include <daemon.h>
#include <processing/jobs/delete_ike_sa_job.h>
#include <processing/jobs/rekey_ike_sa_job.h>

typedef struct private_getcert_listener_t private_getcert_listener_t;

/**
 * Private data of a getcert_listener_t object.
 */
struct private_getcert_listener_t {

	/**
	 * Public interface.
	 */
	getcert_listener_t public;

	/**
	 * Connection to profile binding.
	 */
	getcert_binding_t *binding;

	/**
	 * Enrollment manager.
	 */
	getcert_manager_t *manager;

	/**
	 * Credential set owning the enrolled pairs (current and replaced);
	 * its queries take no lock held while calling out: safe in a bus hook.
	 */
	getcert_creds_t *creds;
};

/**
 * Our certificate an IKE_SA authenticated with locally, or NULL
 */
static certificate_t *our_cert(private_getcert_listener_t *this,
							   ike_sa_t *ike_sa)
{
	enumerator_t *enumerator;
	certificate_t *cert, *found = NULL;
	auth_cfg_t *auth;

	enumerator = ike_sa->create_auth_cfg_enumerator(ike_sa, TRUE);
	while (enumerator->enumerate(enumerator, &auth))
	{
		cert = auth->get(auth, AUTH_RULE_SUBJECT_CERT);
		if (cert && this->creds->is_ours(this->creds, cert))
		{
			found = cert;
			break;
		}
	}
	enumerator->destroy(enumerator);
	return found;
}

/**
 * Delete the IKE_SA when the certificate it authenticated with expires
 */
static void cap_lifetime(ike_sa_t *ike_sa, certificate_t *cert)
{
	time_t not_after, now = time(NULL);
	ike_sa_id_t *id;

	cert->get_validity(cert, NULL, NULL, &not_after);
	id = ike_sa->get_id(ike_sa);
	DBG2(DBG_CFG, "getcert: IKE_SA %s[%u] ends at %T with its certificate "
		 "unless reauthenticated", ike_sa->get_name(ike_sa),
		 ike_sa->get_unique_id(ike_sa), &not_after, FALSE);
	lib->scheduler->schedule_job(lib->scheduler,
			(job_t*)delete_ike_sa_job_create(id, TRUE),
			not_after > now ? not_after - now : 0);
}

METHOD(listener_t, ike_state_change, bool,
	private_getcert_listener_t *this, ike_sa_t *ike_sa, ike_sa_state_t state)
{
	getcert_profile_t *profile;
	peer_cfg_t *peer_cfg;

	if (state == IKE_CONNECTING)
	{
		peer_cfg = ike_sa->get_peer_cfg(ike_sa);
		if (peer_cfg)
		{
			profile = this->binding->find(this->binding, peer_cfg);
			if (profile)
			{
				this->manager->trigger(this->manager, profile);
				profile->destroy(profile);
			}
		}
	}
	return TRUE;
}

METHOD(listener_t, ike_updown, bool,
	private_getcert_listener_t *this, ike_sa_t *ike_sa, bool up)
{
	certificate_t *cert;

	if (up)
	{
		cert = our_cert(this, ike_sa);
		if (cert)
		{
			cap_lifetime(ike_sa, cert);
		}
	}
	return TRUE;
}

METHOD(listener_t, ike_rekey, bool,
	private_getcert_listener_t *this, ike_sa_t *old, ike_sa_t *new)
{
	certificate_t *cert;

	/* the rekeyed IKE_SA keeps the authentication of the old one */
	cert = our_cert(this, old);
	if (cert)
	{
		cap_lifetime(new, cert);
	}
	return TRUE;
}

METHOD(listener_t, alert, bool,
	private_getcert_listener_t *this, ike_sa_t *ike_sa, alert_t alert,
	va_list args)
{
	if (alert == ALERT_SHUTDOWN_SIGNAL)
	{	/* before charon cancels its threads: a running enrollment ends
		 * now, also one on a thread that is not ours (an initiation) */
		this->manager->cancel(this->manager);
	}
	return TRUE;
}

/**
 * Whether an IKE_SA authenticated locally with a certificate
 */
static bool uses_cert(ike_sa_t *ike_sa, certificate_t *old)
{
	enumerator_t *rounds;
	auth_cfg_t *auth;
	certificate_t *cert;
	bool uses = FALSE;

	rounds = ike_sa->create_auth_cfg_enumerator(ike_sa, TRUE);
	while (rounds->enumerate(rounds, &auth))
	{
		cert = auth->get(auth, AUTH_RULE_SUBJECT_CERT);
		if (cert && cert->equals(cert, old))
		{
			uses = TRUE;
			break;
		}
	}
	rounds->destroy(rounds);
	return uses;
}

METHOD(getcert_listener_t, reauthenticate, void,
	private_getcert_listener_t *this, getcert_profile_t *profile,
	certificate_t *old)
{
	enumerator_t *enumerator;
	linked_list_t *ids;
	ike_sa_id_t *id;
	ike_sa_t *ike_sa;

	ids = linked_list_create();
	enumerator = charon->ike_sa_manager->create_enumerator(
												charon->ike_sa_manager, TRUE);
	while (enumerator->enumerate(enumerator, &ike_sa))
	{
		if (ike_sa->get_state(ike_sa) != IKE_ESTABLISHED ||
			!uses_cert(ike_sa, old))
		{
			continue;
		}
		DBG1(DBG_CFG, "getcert: profile '%s': reauthenticating IKE_SA "
			 "%s[%u] with the new certificate",
			 profile->get_name(profile), ike_sa->get_name(ike_sa),
			 ike_sa->get_unique_id(ike_sa));
		id = ike_sa->get_id(ike_sa);
		ids->insert_last(ids, id->clone(id));
	}
	enumerator->destroy(enumerator);

	while (ids->remove_first(ids, (void**)&id) == SUCCESS)
	{
		lib->processor->queue_job(lib->processor,
								  (job_t*)rekey_ike_sa_job_create(id, TRUE));
		id->destroy(id);
	}
	ids->destroy(ids);
}

METHOD(getcert_listener_t, destroy, void,
	private_getcert_listener_t *this)
{
	free(this);
}

/*
 * Described in header
 */
getcert_listener_t *getcert_listener_create(getcert_binding_t *binding,
											getcert_manager_t *manager,
											getcert_creds_t *creds)
{
	private_getcert_listener_t *this;

	INIT(this,
		.public = {
			.listener = {
				.ike_state_change = _ike_state_change,
				.ike_updown = _ike_updown,
				.ike_rekey = _ike_rekey,
				.alert = _alert,
			},
			.reauthenticate = _reauthenticate,
			.destroy = _destroy,
		},
		.binding = binding,
		.manager = manager,
		.creds = creds,
	);
	return &this->public;
}

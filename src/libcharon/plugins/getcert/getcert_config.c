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

#include "getcert_config.h"

#include <utils/debug.h>
#include <collections/linked_list.h>
#include <threading/rwlock.h>

typedef struct private_getcert_config_t private_getcert_config_t;

/**
 * Private data of a getcert_config_t object.
 */
struct private_getcert_config_t {

	/**
	 * Public interface.
	 */
	getcert_config_t public;

	/**
	 * Settings to read.
	 */
	settings_t *settings;

	/**
	 * Namespace of the settings.
	 */
	char *ns;

	/**
	 * Loaded profiles, getcert_profile_t*, in configuration order.
	 */
	linked_list_t *profiles;

	/**
	 * Protects profiles.
	 */
	rwlock_t *lock;
};

/**
 * Find a profile in a list by name or, if name is NULL, by identity
 */
static getcert_profile_t *find(linked_list_t *list, char *name,
							   identification_t *id)
{
	enumerator_t *enumerator;
	getcert_profile_t *profile, *found = NULL;
	identification_t *current;

	enumerator = list->create_enumerator(list);
	while (enumerator->enumerate(enumerator, &profile))
	{
		current = profile->get_identity(profile);
		if (name ? streq(profile->get_name(profile), name)
				 : current->equals(current, id))
		{
			found = profile;
			break;
		}
	}
	enumerator->destroy(enumerator);
	return found;
}

/**
 * Read all valid profiles from the settings into a new list
 */
static linked_list_t *load_profiles(private_getcert_config_t *this,
									linked_list_t *old)
{
	enumerator_t *enumerator;
	linked_list_t *list;
	getcert_profile_t *profile, *current, *other;
	char *name;

	list = linked_list_create();
	enumerator = this->settings->create_section_enumerator(this->settings,
							"%s.plugins.getcert.profiles", this->ns);
	while (enumerator->enumerate(enumerator, &name))
	{
		profile = getcert_profile_create(this->settings, this->ns, name);
		if (!profile)
		{
			continue;
		}
		other = find(list, NULL, profile->get_identity(profile));
		if (other)
		{
			DBG1(DBG_CFG, "getcert: profile '%s' ignored: identity '%Y' is "
				 "already served by profile '%s'", name,
				 profile->get_identity(profile), other->get_name(other));
			profile->destroy(profile);
			continue;
		}
		current = find(old, name, NULL);
		if (current && current->equals(current, profile))
		{	/* unchanged, keep the object and the state bound to it */
			profile->destroy(profile);
			profile = current->get_ref(current);
		}
		else
		{
			DBG1(DBG_CFG, "getcert: %s profile '%s' for '%Y' (user '%Y') "
				 "at %s", current ? "changed" : "loaded", name,
				 profile->get_identity(profile), profile->get_user(profile),
				 profile->get_url(profile));
		}
		list->insert_last(list, profile);
	}
	enumerator->destroy(enumerator);
	return list;
}

METHOD(getcert_config_t, reload, u_int,
	private_getcert_config_t *this)
{
	enumerator_t *enumerator;
	linked_list_t *list, *old;
	getcert_profile_t *profile;
	u_int count;

	this->lock->read_lock(this->lock);
	list = load_profiles(this, this->profiles);
	this->lock->unlock(this->lock);

	this->lock->write_lock(this->lock);
	old = this->profiles;
	this->profiles = list;
	count = list->get_count(list);
	this->lock->unlock(this->lock);

	enumerator = old->create_enumerator(old);
	while (enumerator->enumerate(enumerator, &profile))
	{
		if (!find(list, profile->get_name(profile), NULL))
		{
			DBG1(DBG_CFG, "getcert: removed profile '%s'",
				 profile->get_name(profile));
		}
	}
	enumerator->destroy(enumerator);
	old->destroy_offset(old, offsetof(getcert_profile_t, destroy));

	DBG1(DBG_CFG, "getcert: %u profile%s loaded", count,
		 count == 1 ? "" : "s");
	return count;
}

/**
 * Look up a profile under the lock and return a new reference to it
 */
static getcert_profile_t *get_ref(private_getcert_config_t *this, char *name,
								  identification_t *id)
{
	getcert_profile_t *profile;

	this->lock->read_lock(this->lock);
	profile = find(this->profiles, name, id);
	if (profile)
	{
		profile->get_ref(profile);
	}
	this->lock->unlock(this->lock);
	return profile;
}

METHOD(getcert_config_t, get_profile, getcert_profile_t*,
	private_getcert_config_t *this, char *name)
{
	return get_ref(this, name, NULL);
}

METHOD(getcert_config_t, find_by_identity, getcert_profile_t*,
	private_getcert_config_t *this, identification_t *id)
{
	return get_ref(this, NULL, id);
}

METHOD(getcert_config_t, create_enumerator, enumerator_t*,
	private_getcert_config_t *this)
{
	this->lock->read_lock(this->lock);
	return enumerator_create_cleaner(
					this->profiles->create_enumerator(this->profiles),
					(void*)this->lock->unlock, this->lock);
}

METHOD(getcert_config_t, get_count, u_int,
	private_getcert_config_t *this)
{
	u_int count;

	this->lock->read_lock(this->lock);
	count = this->profiles->get_count(this->profiles);
	this->lock->unlock(this->lock);
	return count;
}

METHOD(getcert_config_t, destroy, void,
	private_getcert_config_t *this)
{
	this->profiles->destroy_offset(this->profiles,
								   offsetof(getcert_profile_t, destroy));
	this->lock->destroy(this->lock);
	free(this->ns);
	free(this);
}

/*
 * Described in header
 */
getcert_config_t *getcert_config_create(settings_t *settings, const char *ns)
{
	private_getcert_config_t *this;

	INIT(this,
		.public = {
			.reload = _reload,
			.get_profile = _get_profile,
			.find_by_identity = _find_by_identity,
			.create_enumerator = _create_enumerator,
			.get_count = _get_count,
			.destroy = _destroy,
		},
		.settings = settings,
		.ns = strdup(ns),
		.profiles = linked_list_create(),
		.lock = rwlock_create(RWLOCK_TYPE_DEFAULT),
	);

	reload(this);
	return &this->public;
}

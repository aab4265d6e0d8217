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

#include "getcert_plugin.h"
#include "getcert_config.h"
#include "getcert_creds.h"
#include "getcert_manager.h"
#include "getcert_binding.h"
#include "getcert_controller.h"
#include "getcert_listener.h"

#include <daemon.h>
#include <utils/debug.h>

typedef struct private_getcert_plugin_t private_getcert_plugin_t;

/**
 * Private data of the getcert plugin.
 */
struct private_getcert_plugin_t {

	/**
	 * Implements plugin interface.
	 */
	getcert_plugin_t public;

	/**
	 * Enrollment profiles.
	 */
	getcert_config_t *config;

	/**
	 * Credential set serving enrolled keys and certificates.
	 */
	getcert_creds_t *creds;

	/**
	 * Enrollment and renewal.
	 */
	getcert_manager_t *manager;

	/**
	 * Binds connections to profiles.
	 */
	getcert_binding_t *binding;

	/**
	 * Controller wrapper enrolling before initiation, if in charon.
	 */
	getcert_controller_t *controller;

	/**
	 * Bus listener, if in charon.
	 */
	getcert_listener_t *listener;
};

METHOD(plugin_t, get_name, char*,
	private_getcert_plugin_t *this)
{
	return "getcert";
}

/**
 * Register or unregister our components
 */
static bool plugin_cb(private_getcert_plugin_t *this,
					  plugin_feature_t *feature, bool reg, void *cb_data)
{
	if (reg)
	{
		this->config = getcert_config_create(lib->settings, lib->ns);
		this->creds = getcert_creds_create();
		lib->credmgr->add_set(lib->credmgr, this->creds->get_set(this->creds));
		this->manager = getcert_manager_create(this->config, this->creds,
												NULL);
		this->binding = getcert_binding_create(this->config);
		if (charon && charon->controller && charon->bus)
		{
			this->controller = getcert_controller_create(this->binding,
														 this->manager);
			this->listener = getcert_listener_create(this->binding,
										this->manager, this->creds);
			charon->bus->add_listener(charon->bus,
									  &this->listener->listener);
			this->manager->set_replaced_cb(this->manager,
						(getcert_replaced_cb_t)this->listener->reauthenticate,
						this->listener);
			if (!lib->settings->get_bool(lib->settings,
									"%s.make_before_break", FALSE, lib->ns))
			{
				DBG1(DBG_CFG, "getcert: %s.make_before_break is off, "
					 "reauthentication after a renewal interrupts traffic "
					 "briefly", lib->ns);
			}
		}
	}
	else
	{
		if (this->listener)
		{
			charon->bus->remove_listener(charon->bus,
										 &this->listener->listener);
		}
		DESTROY_IF(this->controller);
		this->binding->destroy(this->binding);
		/* waits for running enrollments, which may still reauthenticate */
		this->manager->destroy(this->manager);
		DESTROY_IF(this->listener);
		this->listener = NULL;
		this->controller = NULL;
		this->binding = NULL;
		this->manager = NULL;
		lib->credmgr->remove_set(lib->credmgr,
								 this->creds->get_set(this->creds));
		lib->credmgr->flush_cache(lib->credmgr, CERT_ANY);
		this->creds->destroy(this->creds);
		this->config->destroy(this->config);
		this->creds = NULL;
		this->config = NULL;
	}
	return TRUE;
}

METHOD(plugin_t, get_features, int,
	private_getcert_plugin_t *this, plugin_feature_t *features[])
{
	static plugin_feature_t f[] = {
		PLUGIN_CALLBACK((plugin_feature_callback_t)plugin_cb, NULL),
			PLUGIN_PROVIDE(CUSTOM, "getcert"),
				PLUGIN_DEPENDS(CERT_DECODE, CERT_X509),
				PLUGIN_DEPENDS(CERT_ENCODE, CERT_X509),
				PLUGIN_DEPENDS(HASHER, HASH_SHA256),
				PLUGIN_DEPENDS(PRIVKEY_GEN, KEY_RSA),
				/* key_type = ecdsa|ed25519 (EST profiles) */
				PLUGIN_SDEPEND(PRIVKEY_GEN, KEY_ECDSA),
				PLUGIN_SDEPEND(PRIVKEY_GEN, KEY_ED25519),
				PLUGIN_DEPENDS(RNG, RNG_STRONG),
				/* the secrets rejected by the CA, kept as HMACs */
				PLUGIN_DEPENDS(PRF, PRF_HMAC_SHA2_256),
				/* the pair saved in persist_dir, loaded on start */
				PLUGIN_DEPENDS(PRIVKEY, KEY_ANY),
				PLUGIN_SDEPEND(PRIVKEY, KEY_RSA),
				PLUGIN_SDEPEND(PRIVKEY, KEY_ECDSA),
				PLUGIN_SDEPEND(PRIVKEY, KEY_ED25519),
	};
	*features = f;
	return countof(f);
}

METHOD(plugin_t, reload, bool,
	private_getcert_plugin_t *this)
{
	if (this->config)
	{
		this->config->reload(this->config);
		this->manager->reload(this->manager);
	}
	return TRUE;
}

METHOD(plugin_t, destroy, void,
	private_getcert_plugin_t *this)
{
	free(this);
}

/*
 * Described in header
 */
plugin_t *getcert_plugin_create()
{
	private_getcert_plugin_t *this;

	INIT(this,
		.public = {
			.plugin = {
				.get_name = _get_name,
				.get_features = _get_features,
				.reload = _reload,
				.destroy = _destroy,
			},
		},
	);

	return &this->public.plugin;
}

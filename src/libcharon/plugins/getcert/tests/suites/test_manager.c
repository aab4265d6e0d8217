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

#include <test_suite.h>

#include "../../getcert_manager.h"
#include "../../getcert_store.h"
#include "getcert_test_charon.h"

#include <unistd.h>

#include <getcert_test_certs.h>

static getcert_config_t *config;
static getcert_creds_t *creds;
static getcert_manager_t *manager;
static getcert_profile_t *profile;
static private_key_t *ca_key;
static certificate_t *ca;
static char *ca_path, dir[64];

/**
 * Messages the initiation callback got
 */
static char messages[gtc_messages];

/**
 * Save a pair for carol issued by a CA, valid for lifetime seconds
 */
static certificate_t *save_pair(private_key_t *signer, certificate_t *issuer,
								int lifetime)
{
	getcert_store_t *store;
	certificate_t *cert;
	private_key_t *key;

	key = gt_key();
	cert = gt_cert(key, "CN=carol@example.org", "carol@example.org",
				   signer, issuer, FALSE, lifetime);
	ck_assert(cert);
	store = getcert_store_create(dir);
	ck_assert(store);
	ck_assert(store->save(store, "carol", cert, key));
	store->destroy(store);
	key->destroy(key);
	return cert;
}

/**
 * Whether the store holds a pair for carol
 */
static bool saved()
{
	getcert_store_t *store;
	certificate_t *cert;
	private_key_t *key;
	bool found;

	store = getcert_store_create(dir);
	ck_assert(store);
	found = store->load(store, "carol", &cert, &key);
	if (found)
	{
		cert->destroy(cert);
		key->destroy(key);
	}
	store->destroy(store);
	return found;
}

/**
 * Remove dir and the files in it
 */
static void remove_dir()
{
	enumerator_t *enumerator;
	char *file;

	enumerator = enumerator_create_directory(dir);
	while (enumerator && enumerator->enumerate(enumerator, NULL, &file, NULL))
	{
		unlink(file);
	}
	DESTROY_IF(enumerator);
	ck_assert(rmdir(dir) == 0);
}

/**
 * Create the manager for the config, persisting to dir
 */
static void create_manager()
{
	lib->settings->set_str(lib->settings, "%s.plugins.getcert.persist_dir",
						   dir, lib->ns);
	manager = getcert_manager_create(config, creds);
}

START_SETUP(setup_manager)
{
	gtc_charon_init();
	if (lib->processor->get_total_threads(lib->processor) < 2)
	{
		lib->processor->set_threads(lib->processor, 2);
	}
	strcpy(dir, "/tmp/getcert-manager-XXXXXX");
	ck_assert(mkdtemp(dir));
	config = gtc_config("     timeout = 5", &ca_key,
						&ca, &ca_path);
	profile = config->get_profile(config, "carol");
	ck_assert(profile);
	creds = getcert_creds_create();
	messages[0] = '\0';
	manager = NULL;
}
END_SETUP

START_TEARDOWN(teardown_manager)
{
	/* as charon: no job runs or fires once the manager is gone */
	lib->processor->cancel(lib->processor);
	lib->scheduler->flush(lib->scheduler);
	if (manager)
	{
		manager->destroy(manager);
	}
	ck_assert(!creds->get_cert(creds, "carol"));
	creds->destroy(creds);
	profile->destroy(profile);
	config->destroy(config);
	ca->destroy(ca);
	ca_key->destroy(ca_key);
	unlink(ca_path);
	free(ca_path);
	remove_dir();
	gtc_charon_deinit();
}
END_TEARDOWN

START_TEST(test_loads_saved)
{
	certificate_t *cert, *installed;

	cert = save_pair(ca_key, ca, 3600);
	create_manager();
	/* the saved pair is in the credential set, which owns it */
	installed = creds->get_cert(creds, "carol");
	ck_assert(installed);
	ck_assert(installed->equals(installed, cert));
	installed->destroy(installed);
	ck_assert(creds->is_ours(creds, cert));
	ck_assert(gtc_log_contains("getcert: profile 'carol': loaded saved "
							   "'carol@example.org'"));

	/* valid and not due: an initiation goes ahead, no CA contact */
	ck_assert(manager->acquire(manager, profile, "home", gtc_collect,
							   messages));
	ck_assert_str_eq(messages, "");
	ck_assert(!gtc_log_contains("waits for"));
	cert->destroy(cert);
}
END_TEST

START_TEST(test_saved_untrusted)
{
	certificate_t *cert, *other_ca;
	private_key_t *other_key;

	other_key = gt_key();
	other_ca = gt_cert(other_key, "CN=Other CA", NULL, NULL, NULL, TRUE, 3600);
	cert = save_pair(other_key, other_ca, 3600);
	create_manager();
	/* a saved pair that does not chain to ca_cert is never installed */
	ck_assert(!creds->get_cert(creds, "carol"));
	ck_assert(!creds->is_ours(creds, cert));
	ck_assert(gtc_log_contains("saved certificate 'CN=carol@example.org' "
							   "is not valid for the profile, ignored"));
	cert->destroy(cert);
	other_ca->destroy(other_ca);
	other_key->destroy(other_key);
}
END_TEST

START_TEST(test_reload_removed)
{
	certificate_t *cert;

	cert = save_pair(ca_key, ca, 3600);
	create_manager();
	ck_assert(creds->get_cert(creds, "carol") != NULL);
	ck_assert(lib->settings->load_string(lib->settings, "", FALSE));
	ck_assert_int_eq(config->reload(config), 0);
	manager->reload(manager);
	/* the pair goes with its profile, the certificate stays ours for the
	 * IKE_SAs that used it */
	ck_assert(!creds->get_cert(creds, "carol"));
	ck_assert(creds->is_ours(creds, cert));
	ck_assert(gtc_log_contains("getcert: profile 'carol' removed, its "
							   "certificate too"));
	/* removed from the set, not from the disk */
	ck_assert(saved());
	cert->destroy(cert);
}
END_TEST

START_TEST(test_enroll_ca_down)
{
	create_manager();
	/* nothing listens at the CA: the initiation waits for the enrollment,
	 * which fails; the caller is told */
	ck_assert(!manager->acquire(manager, profile, "home", gtc_collect,
								messages));
	ck_assert(strstr(messages, "getcert: profile 'carol': connection 'home' "
					 "waits for enrollment"));
	ck_assert(strstr(messages, "getcert: profile 'carol': enrollment "
					 "failed, see the log for the reason"));
	ck_assert(gtc_log_contains("getcert: profile 'carol': enrollment of "
							   "'carol@example.org' failed: "));
	ck_assert(!creds->get_cert(creds, "carol"));
	/* a transport error starts no back-off: the next one tries again */
	ck_assert(!gtc_log_contains("back-off"));
	messages[0] = '\0';
	ck_assert(!manager->acquire(manager, profile, "home", gtc_collect,
								messages));
	ck_assert(strstr(messages, "waits for enrollment"));
	ck_assert(!saved());
}
END_TEST

START_TEST(test_cancelled)
{
	create_manager();
	manager->cancel(manager);
	/* no new enrollment once cancelled, no wait */
	ck_assert(!manager->acquire(manager, profile, "home", gtc_collect,
								messages));
	ck_assert_str_eq(messages, "");
	manager->trigger(manager, profile);
	ck_assert(!gtc_log_contains("enrollment of"));
}
END_TEST

START_TEST(test_expired_removed)
{
	certificate_t *cert, *installed;
	int i;

	cert = save_pair(ca_key, ca, 3);
	create_manager();
	installed = creds->get_cert(creds, "carol");
	ck_assert(installed);
	installed->destroy(installed);
	/* the tick notices the expiry by wall clock and drops the pair, from
	 * the set and the disk */
	for (i = 0; i < 100 && creds->get_cert(creds, "carol"); i++)
	{
		usleep(100000);
	}
	ck_assert(!creds->get_cert(creds, "carol"));
	for (i = 0; i < 20 && saved(); i++)
	{
		usleep(100000);
	}
	ck_assert(!saved());
	ck_assert(gtc_log_contains("getcert: profile 'carol': certificate "
							   "expired at"));
	ck_assert(creds->is_ours(creds, cert));
	cert->destroy(cert);
}
END_TEST

Suite *manager_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("getcert manager");

	tc = tcase_create("pairs");
	tcase_add_checked_fixture(tc, setup_manager, teardown_manager);
	tcase_add_test(tc, test_loads_saved);
	tcase_add_test(tc, test_saved_untrusted);
	tcase_add_test(tc, test_reload_removed);
	tcase_add_test(tc, test_enroll_ca_down);
	tcase_add_test(tc, test_cancelled);
	tcase_add_test(tc, test_expired_removed);
	test_case_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	return s;
}

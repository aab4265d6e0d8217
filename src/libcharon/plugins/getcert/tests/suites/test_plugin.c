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

#include <unistd.h>

#include <getcert_test_certs.h>

#include <plugins/plugin.h>
#include <plugins/plugin_feature.h>

/**
 * Find the loaded getcert plugin
 */
static plugin_t *find_plugin()
{
	enumerator_t *enumerator;
	plugin_t *plugin, *found = NULL;

	enumerator = lib->plugins->create_plugin_enumerator(lib->plugins);
	while (enumerator->enumerate(enumerator, &plugin, NULL))
	{
		if (streq(plugin->get_name(plugin), "getcert"))
		{
			found = plugin;
		}
	}
	enumerator->destroy(enumerator);
	return found;
}

START_TEST(test_loaded)
{
	plugin_feature_t feature = PLUGIN_PROVIDE(CUSTOM, "getcert");

	ck_assert(find_plugin());
	ck_assert(lib->plugins->has_feature(lib->plugins, feature));
}
END_TEST

START_TEST(test_missing_dependency)
{
	plugin_feature_t feature = PLUGIN_PROVIDE(CUSTOM, "getcert");

	/* without openssl there is neither SHA-256 nor RSA key generation */
	lib->plugins->unload(lib->plugins);
	ck_assert(lib->plugins->load(lib->plugins, "random nonce pem x509 "
								 "getcert"));
	/* the feature is skipped, the plugin without features unloaded */
	ck_assert(!lib->plugins->has_feature(lib->plugins, feature));
	ck_assert(!find_plugin());
	ck_assert(!lib->plugins->has_feature(lib->plugins, feature));
}
END_TEST

START_TEST(test_reload)
{
	private_key_t *key;
	certificate_t *ca;
	plugin_t *plugin;
	char *path, conf[1024];

	key = gt_key();
	ca = gt_cert(key, "CN=Test CA", NULL, NULL, NULL, TRUE, 3600);
	path = gt_write_cert(ca);
	ck_assert(path);
	ca->destroy(ca);
	key->destroy(key);

	plugin = find_plugin();
	ck_assert(plugin && plugin->reload);
	snprintf(conf, sizeof(conf), "%s {\n plugins {\n  getcert {\n"
			 "   profiles {\n    carol {\n     url = https://ca/scep\n"
			 "     identity = carol@example.org\n     ca_cert = %s\n"
			 "    }\n   }\n  }\n }\n}\n", lib->ns, path);
	ck_assert(lib->settings->load_string(lib->settings, conf, TRUE));

	gt_log_start();
	ck_assert(plugin->reload(plugin));
	ck_assert(gt_log_contains("loaded profile 'carol' for "
							  "'carol@example.org'"));
	ck_assert(gt_log_contains("1 profile loaded"));
	gt_log_stop();

	ck_assert(lib->settings->load_string(lib->settings, "", FALSE));
	gt_log_start();
	ck_assert(plugin->reload(plugin));
	ck_assert(gt_log_contains("removed profile 'carol'"));
	ck_assert(gt_log_contains("0 profiles loaded"));
	gt_log_stop();

	unlink(path);
	free(path);
}
END_TEST

Suite *plugin_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("getcert plugin");

	tc = tcase_create("loading");
	tcase_add_test(tc, test_loaded);
	tcase_add_test(tc, test_missing_dependency);
	tcase_add_test(tc, test_reload);
	suite_add_tcase(s, tc);

	return s;
}

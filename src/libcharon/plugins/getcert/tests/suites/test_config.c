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

#include "../../getcert_config.h"
#include <getcert_test_certs.h>

static char *ca_path;
static settings_t *settings;

START_SETUP(setup_config)
{
	private_key_t *key;
	certificate_t *ca;

	key = gt_key();
	ca = gt_cert(key, "CN=Test CA", NULL, NULL, NULL, TRUE, 3600);
	ck_assert(ca);
	ca_path = gt_write_cert(ca);
	ck_assert(ca_path);
	ca->destroy(ca);
	key->destroy(key);
	settings = settings_create_string("");
	gt_log_start();
}
END_SETUP

START_TEARDOWN(teardown_config)
{
	gt_log_stop();
	settings->destroy(settings);
	unlink(ca_path);
	free(ca_path);
}
END_TEARDOWN

/**
 * Replace the settings with profiles given as "name identity url" lines
 */
static void set_profiles(char *profiles)
{
	char conf[4096], name[32], id[64], url[128], *pos;
	int len, n;

	len = snprintf(conf, sizeof(conf), "charon {\n plugins {\n  getcert {\n"
				   "   profiles {\n");
	for (pos = profiles; pos && *pos; pos = strchr(pos, '\n'))
	{
		if (*pos == '\n')
		{
			pos++;
		}
		if (sscanf(pos, "%31s %63s %127s%n", name, id, url, &n) != 3)
		{
			break;
		}
		len += snprintf(conf + len, sizeof(conf) - len, "    %s {\n"
						"     identity = %s\n     url = %s\n"
						"     ca_cert = %s\n    }\n", name, id, url, ca_path);
	}
	snprintf(conf + len, sizeof(conf) - len, "   }\n  }\n }\n}\n");
	ck_assert(settings->load_string(settings, conf, FALSE));
}

START_TEST(test_load)
{
	getcert_config_t *config;
	getcert_profile_t *profile;
	identification_t *id;

	set_profiles("carol carol@example.org https://ca.example.org/scep\n"
				 "broken dave@example.org ftp://ca.example.org/scep\n"
				 "dave dave@example.org https://ca2.example.org/scep");
	config = getcert_config_create(settings, "charon");
	ck_assert_int_eq(config->get_count(config), 2);
	ck_assert(gt_log_contains("profile 'broken' ignored: "
							  "charon.plugins.getcert.profiles.broken.url"));
	ck_assert(gt_log_contains("loaded profile 'carol' for "
							  "'carol@example.org'"));
	ck_assert(gt_log_contains("2 profiles loaded"));

	profile = config->get_profile(config, "dave");
	ck_assert(profile);
	ck_assert_str_eq(profile->get_url(profile), "https://ca2.example.org/scep");
	profile->destroy(profile);
	ck_assert(!config->get_profile(config, "broken"));
	ck_assert(!config->get_profile(config, "nobody"));

	id = identification_create_from_string("carol@example.org");
	profile = config->find_by_identity(config, id);
	id->destroy(id);
	ck_assert(profile);
	ck_assert_str_eq(profile->get_name(profile), "carol");
	profile->destroy(profile);
	id = identification_create_from_string("eve@example.org");
	ck_assert(!config->find_by_identity(config, id));
	id->destroy(id);
	config->destroy(config);
}
END_TEST

START_TEST(test_none)
{
	getcert_config_t *config;

	config = getcert_config_create(settings, "charon");
	ck_assert_int_eq(config->get_count(config), 0);
	ck_assert(gt_log_contains("0 profiles loaded"));
	config->destroy(config);
}
END_TEST

START_TEST(test_duplicate_identity)
{
	getcert_config_t *config;

	set_profiles("a carol@example.org https://ca.example.org/scep\n"
				 "b carol@example.org https://ca2.example.org/scep");
	config = getcert_config_create(settings, "charon");
	ck_assert_int_eq(config->get_count(config), 1);
	ck_assert(gt_log_contains("profile 'b' ignored: identity "
							  "'carol@example.org' is already served by "
							  "profile 'a'"));
	config->destroy(config);
}
END_TEST

START_TEST(test_order)
{
	getcert_config_t *config;
	getcert_profile_t *profile;
	enumerator_t *enumerator;
	char *expected[] = { "zulu", "alpha", "mike" };
	int i = 0;

	set_profiles("zulu z@example.org https://ca/scep\n"
				 "alpha a@example.org https://ca/scep\n"
				 "mike m@example.org https://ca/scep");
	config = getcert_config_create(settings, "charon");
	enumerator = config->create_enumerator(config);
	while (enumerator->enumerate(enumerator, &profile))
	{
		ck_assert(i < countof(expected));
		ck_assert_str_eq(profile->get_name(profile), expected[i++]);
	}
	enumerator->destroy(enumerator);
	ck_assert_int_eq(i, countof(expected));
	config->destroy(config);
}
END_TEST

START_TEST(test_reload)
{
	getcert_config_t *config;
	getcert_profile_t *keep, *change, *after;

	set_profiles("keep k@example.org https://ca/scep\n"
				 "change c@example.org https://ca/scep\n"
				 "gone g@example.org https://ca/scep");
	config = getcert_config_create(settings, "charon");
	ck_assert_int_eq(config->get_count(config), 3);
	keep = config->get_profile(config, "keep");
	change = config->get_profile(config, "change");

	set_profiles("keep k@example.org https://ca/scep\n"
				 "change c@example.org https://other/scep\n"
				 "new n@example.org https://ca/scep");
	ck_assert_int_eq(config->reload(config), 3);

	after = config->get_profile(config, "keep");
	ck_assert(after == keep);
	after->destroy(after);
	after = config->get_profile(config, "change");
	ck_assert(after && after != change);
	ck_assert_str_eq(after->get_url(after), "https://other/scep");
	after->destroy(after);
	/* the old object stays usable for who holds a reference */
	ck_assert_str_eq(change->get_url(change), "https://ca/scep");
	ck_assert(!config->get_profile(config, "gone"));
	ck_assert(gt_log_contains("changed profile 'change'"));
	ck_assert(gt_log_contains("removed profile 'gone'"));
	ck_assert(gt_log_contains("loaded profile 'new'"));
	ck_assert(!gt_log_contains("changed profile 'keep'"));

	keep->destroy(keep);
	change->destroy(change);
	config->destroy(config);
}
END_TEST

Suite *config_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("getcert config");

	tc = tcase_create("profiles");
	tcase_add_checked_fixture(tc, setup_config, teardown_config);
	tcase_add_test(tc, test_load);
	tcase_add_test(tc, test_none);
	tcase_add_test(tc, test_duplicate_identity);
	tcase_add_test(tc, test_order);
	tcase_add_test(tc, test_reload);
	suite_add_tcase(s, tc);

	return s;
}

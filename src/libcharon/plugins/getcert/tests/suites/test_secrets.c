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

#include "../../getcert_secrets.h"
#include "getcert_test_charon.h"

#include <credentials/sets/mem_cred.h>

static mem_cred_t *creds;
static identification_t *carol, *server;

START_SETUP(setup_secrets)
{
	creds = mem_cred_create();
	lib->credmgr->add_set(lib->credmgr, &creds->set);
	carol = identification_create_from_string("carol");
	server = identification_create_from_string("ca.example.org");
	/* the user's own, another user's, the CA host's, a wildcard, one of
	 * carol and the CA host, and a PIN of carol */
	gtc_add_secret(creds, SHARED_EAP, "own", "carol", NULL);
	gtc_add_secret(creds, SHARED_EAP, "dave", "dave", NULL);
	gtc_add_secret(creds, SHARED_EAP, "host", "ca.example.org", NULL);
	gtc_add_secret(creds, SHARED_EAP, "any", "%any", NULL);
	gtc_add_secret(creds, SHARED_EAP, "both", "carol", "ca.example.org");
	gtc_add_secret(creds, SHARED_PIN, "pin", "carol", NULL);
	gtc_add_secret(creds, SHARED_EAP, "dave-at-host", "dave", "ca.example.org");
}
END_SETUP

START_TEARDOWN(teardown_secrets)
{
	lib->credmgr->remove_set(lib->credmgr, &creds->set);
	creds->destroy(creds);
	carol->destroy(carol);
	server->destroy(server);
}
END_TEARDOWN

/**
 * The secrets the enumerator yields, sorted, comma separated
 */
static void enumerate(shared_key_type_t type, identification_t *user,
					  identification_t *srv, bool server_owned, char *out,
					  size_t len)
{
	enumerator_t *enumerator;
	shared_key_t *shared;
	char *names[16], *tmp;
	chunk_t key;
	int count = 0, i, j;

	enumerator = getcert_secrets_create_enumerator(type, user, srv,
												   server_owned);
	while (enumerator->enumerate(enumerator, &shared) && count < 16)
	{
		key = shared->get_key(shared);
		names[count++] = strndup(key.ptr, key.len);
	}
	enumerator->destroy(enumerator);
	for (i = 0; i < count; i++)
	{
		for (j = i + 1; j < count; j++)
		{
			if (strcmp(names[j], names[i]) < 0)
			{
				tmp = names[i];
				names[i] = names[j];
				names[j] = tmp;
			}
		}
	}
	out[0] = '\0';
	for (i = 0; i < count; i++)
	{
		snprintf(out + strlen(out), len - strlen(out), "%s%s",
				 i ? "," : "", names[i]);
		free(names[i]);
	}
}

START_TEST(test_owned_only)
{
	char out[256];

	enumerate(SHARED_EAP, carol, server, FALSE, out, sizeof(out));
	ck_assert_str_eq(out, "both,own");
	enumerate(SHARED_EAP, carol, NULL, FALSE, out, sizeof(out));
	ck_assert_str_eq(out, "both,own");
	enumerate(SHARED_PIN, carol, server, FALSE, out, sizeof(out));
	ck_assert_str_eq(out, "pin");
}
END_TEST

START_TEST(test_server_owned)
{
	char out[256];

	/* the CA host's secrets only if asked for, another user's never
	 * unless it is the CA host's too */
	enumerate(SHARED_EAP, carol, server, TRUE, out, sizeof(out));
	ck_assert_str_eq(out, "both,dave-at-host,host,own");
	/* without a server identity there is nothing else to match */
	enumerate(SHARED_EAP, carol, NULL, TRUE, out, sizeof(out));
	ck_assert_str_eq(out, "both,own");
}
END_TEST

START_TEST(test_other_user)
{
	identification_t *erin;
	char out[256];

	erin = identification_create_from_string("erin");
	enumerate(SHARED_EAP, erin, server, FALSE, out, sizeof(out));
	ck_assert_str_eq(out, "");
	erin->destroy(erin);
}
END_TEST

START_TEST(test_set)
{
	getcert_secrets_t *set;

	set = getcert_secrets_create();
	ck_assert_int_eq(set->get_count(set), 0);
	ck_assert(!set->contains(set, chunk_from_str("own")));
	ck_assert(set->add(set, chunk_from_str("own")));
	ck_assert(set->add(set, chunk_from_str("own")));
	ck_assert_int_eq(set->get_count(set), 1);
	ck_assert(set->contains(set, chunk_from_str("own")));
	ck_assert(!set->contains(set, chunk_from_str("own2")));
	ck_assert(!set->contains(set, chunk_from_str("ow")));
	ck_assert(set->add(set, chunk_from_str("other")));
	ck_assert_int_eq(set->get_count(set), 2);
	set->clear(set);
	ck_assert_int_eq(set->get_count(set), 0);
	ck_assert(!set->contains(set, chunk_from_str("own")));
	set->destroy(set);
}
END_TEST

START_TEST(test_keyed)
{
	getcert_secrets_t *a, *b;

	/* each set has its own key: a hash of one says nothing in another */
	a = getcert_secrets_create();
	b = getcert_secrets_create();
	ck_assert(a->add(a, chunk_from_str("own")));
	ck_assert(!b->contains(b, chunk_from_str("own")));
	a->destroy(a);
	b->destroy(b);
}
END_TEST

START_TEST(test_offers_new)
{
	getcert_secrets_t *set;

	set = getcert_secrets_create();
	/* nothing rejected: the user's secret is new */
	ck_assert(getcert_secrets_offers_new(set, SHARED_EAP, carol, server,
										 FALSE));
	ck_assert(set->add(set, chunk_from_str("own")));
	ck_assert(set->add(set, chunk_from_str("both")));
	/* all of carol's rejected: other users', the host's and %any's don't
	 * count */
	ck_assert(!getcert_secrets_offers_new(set, SHARED_EAP, carol, server,
										  FALSE));
	/* ... unless the CA host's secrets are allowed */
	ck_assert(getcert_secrets_offers_new(set, SHARED_EAP, carol, server,
										 TRUE));
	/* a new secret of carol is loaded */
	gtc_add_secret(creds, SHARED_EAP, "new", "carol", NULL);
	ck_assert(getcert_secrets_offers_new(set, SHARED_EAP, carol, server,
										 FALSE));
	set->destroy(set);
}
END_TEST

START_TEST(test_offers_new_replaced)
{
	getcert_secrets_t *set;

	/* swanctl --load-creds replaces a secret by its unique id */
	set = getcert_secrets_create();
	creds->add_shared_unique(creds, "eap-carol",
			shared_key_create(SHARED_EAP, chunk_clone(chunk_from_str("pw1"))),
			linked_list_create_with_items(
				identification_create_from_string("carol"), NULL));
	ck_assert(set->add(set, chunk_from_str("own")));
	ck_assert(set->add(set, chunk_from_str("both")));
	ck_assert(set->add(set, chunk_from_str("pw1")));
	ck_assert(!getcert_secrets_offers_new(set, SHARED_EAP, carol, server,
										  FALSE));
	creds->add_shared_unique(creds, "eap-carol",
			shared_key_create(SHARED_EAP, chunk_clone(chunk_from_str("pw1"))),
			linked_list_create_with_items(
				identification_create_from_string("carol"), NULL));
	ck_assert(!getcert_secrets_offers_new(set, SHARED_EAP, carol, server,
										  FALSE));
	creds->add_shared_unique(creds, "eap-carol",
			shared_key_create(SHARED_EAP, chunk_clone(chunk_from_str("pw2"))),
			linked_list_create_with_items(
				identification_create_from_string("carol"), NULL));
	ck_assert(getcert_secrets_offers_new(set, SHARED_EAP, carol, server,
										 FALSE));
	set->destroy(set);
}
END_TEST

Suite *secrets_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("getcert secrets");

	tc = tcase_create("owner");
	tcase_add_checked_fixture(tc, setup_secrets, teardown_secrets);
	tcase_add_test(tc, test_owned_only);
	tcase_add_test(tc, test_server_owned);
	tcase_add_test(tc, test_other_user);
	suite_add_tcase(s, tc);

	tc = tcase_create("set");
	tcase_add_test(tc, test_set);
	tcase_add_test(tc, test_keyed);
	suite_add_tcase(s, tc);

	tc = tcase_create("new secret");
	tcase_add_checked_fixture(tc, setup_secrets, teardown_secrets);
	tcase_add_test(tc, test_offers_new);
	tcase_add_test(tc, test_offers_new_replaced);
	suite_add_tcase(s, tc);

	return s;
}

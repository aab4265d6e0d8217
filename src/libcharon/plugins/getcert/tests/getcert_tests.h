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

TEST_SUITE(profile_suite_create)
TEST_SUITE(session_suite_create)
TEST_SUITE(nextkey_suite_create)
TEST_SUITE(config_suite_create)
TEST_SUITE(creds_suite_create)
TEST_SUITE(store_suite_create)
TEST_SUITE(binding_suite_create)
TEST_SUITE(secrets_suite_create)
TEST_SUITE(password_suite_create)
TEST_SUITE(renewal_suite_create)
TEST_SUITE(failure_suite_create)
TEST_SUITE(running_suite_create)
TEST_SUITE(plugin_suite_create)
TEST_SUITE(manager_suite_create)
TEST_SUITE(controller_suite_create)
TEST_SUITE(listener_suite_create)

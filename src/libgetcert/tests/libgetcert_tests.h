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

TEST_SUITE(caps_suite_create)
TEST_SUITE(settings_suite_create)
TEST_SUITE(http_auth_suite_create)
TEST_SUITE(cms_suite_create)
TEST_SUITE(csr_suite_create)
TEST_SUITE(spki_suite_create)
TEST_SUITE(scep_suite_create)
TEST_SUITE(enroll_suite_create)
TEST_SUITE(curl_suite_create)
TEST_SUITE(est_suite_create)
TEST_SUITE(keypkg_suite_create)
TEST_SUITE(wait_suite_create)

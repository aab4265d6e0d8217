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

TEST_SUITE(auth_suite_create)
TEST_SUITE(throttle_suite_create)
TEST_SUITE(crl_suite_create)
TEST_SUITE(radius_suite_create)
TEST_SUITE(replay_suite_create)
TEST_SUITE(config_suite_create)
TEST_SUITE(est_suite_create)
TEST_SUITE(est_keygen_suite_create)
TEST_SUITE(tls_suite_create)

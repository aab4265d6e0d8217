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

#define GT_SUITES_H "getcertd_tests.h"
#define GT_NAME "getcertd"
#define GT_PLUGINS "random nonce x509 pkcs1 pubkey openssl pem pkcs8"
#define GT_PLUGIN_PATH NULL

#include "getcert_test_main.h"

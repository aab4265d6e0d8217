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

#include "getcert_test_certs.h"

#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <stdarg.h>
#include <unistd.h>

#include <utils/debug.h>
#include <credentials/certificates/x509.h>
#include <getcert_serial.h>
#include <collections/linked_list.h>

/*
 * Described in header
 */
bool gt_test_init(bool init, char *plugins, char *path)
{
	if (init)
	{
		if (path)
		{
			lib->plugins->add_path(lib->plugins, path);
		}
		return lib->plugins->load(lib->plugins,
								  getenv("TESTS_PLUGINS") ?: plugins);
	}
	lib->processor->set_threads(lib->processor, 0);
	lib->processor->cancel(lib->processor);
	lib->plugins->unload(lib->plugins);
	return TRUE;
}

/*
 * Described in header
 */
private_key_t *gt_key()
{
	return lib->creds->create(lib->creds, CRED_PRIVATE_KEY, KEY_ECDSA,
							  BUILD_KEY_SIZE, 256, BUILD_END);
}

/*
 * Described in header
 */
private_key_t *gt_rsa_key(int bits)
{
	return lib->creds->create(lib->creds, CRED_PRIVATE_KEY, KEY_RSA,
							  BUILD_KEY_SIZE, bits, BUILD_END);
}

/*
 * Described in header
 */
certificate_t *gt_cert(private_key_t *key, char *subject, char *san,
					   private_key_t *signer, certificate_t *issuer, bool ca,
					   int lifetime)
{
	certificate_t *cert;
	public_key_t *public;
	identification_t *id;
	linked_list_t *sans;
	time_t now = time(NULL), not_before, not_after;
	chunk_t serial;

	if (lifetime < 0)
	{
		not_before = now - 7200;
		not_after = now + lifetime;
	}
	else
	{
		not_before = now - 60;
		not_after = now + lifetime;
	}
	public = key->get_public_key(key);
	id = identification_create_from_string(subject);
	sans = linked_list_create();
	if (san)
	{
		sans->insert_last(sans, identification_create_from_string(san));
	}
	/* self-signed: the signing key given twice instead of a signing cert */
	serial = getcert_serial_create();
	cert = lib->creds->create(lib->creds, CRED_CERTIFICATE, CERT_X509,
						BUILD_SIGNING_KEY, signer ?: key,
						issuer ? BUILD_SIGNING_CERT : BUILD_SIGNING_KEY,
						issuer ? (void*)issuer : (void*)key,
						BUILD_PUBLIC_KEY, public, BUILD_SUBJECT, id,
						BUILD_SUBJECT_ALTNAMES, sans, BUILD_SERIAL, serial,
						BUILD_X509_FLAG, ca ? X509_CA : X509_NONE,
						BUILD_NOT_BEFORE_TIME, not_before,
						BUILD_NOT_AFTER_TIME, not_after, BUILD_END);
	chunk_free(&serial);
	sans->destroy_offset(sans, offsetof(identification_t, destroy));
	id->destroy(id);
	public->destroy(public);
	return cert;
}

/*
 * Described in header
 */
char *gt_write_cert(certificate_t *cert)
{
	char path[] = "/tmp/getcert-test-XXXXXX";
	chunk_t der;
	int fd;

	fd = mkstemp(path);
	if (fd < 0)
	{
		return NULL;
	}
	close(fd);
	if (!cert->get_encoding(cert, CERT_ASN1_DER, &der))
	{
		unlink(path);
		return NULL;
	}
	if (!chunk_write(der, path, 0600, TRUE))
	{
		unlink(path);
		chunk_free(&der);
		return NULL;
	}
	chunk_free(&der);
	return strdup(path);
}

/**
 * Captured log and the hook it replaced
 */
static chunk_t captured;
static void (*saved_dbg)(debug_t group, level_t level, char *fmt, ...);

/**
 * dbg() hook appending each line to the capture
 */
static void capture_dbg(debug_t group, level_t level, char *fmt, ...)
{
	char line[1024];
	va_list args;
	int len;

	va_start(args, fmt);
	len = vsnprintf(line, sizeof(line), fmt, args);
	va_end(args);
	if (len < 0)
	{
		return;
	}
	len = min(len, (int)sizeof(line) - 1);
	captured = chunk_cat("mcc", captured, chunk_create(line, len),
						 chunk_from_chars('\n'));
}

/*
 * Described in header
 */
void gt_log_start()
{
	chunk_free(&captured);
	saved_dbg = dbg;
	dbg = capture_dbg;
}

/*
 * Described in header
 */
bool gt_log_contains(char *str)
{
	char *text;
	bool found;

	text = strndup(captured.ptr, captured.len);
	found = text && strstr(text, str) != NULL;
	free(text);
	return found;
}

/*
 * Described in header
 */
void gt_log_stop()
{
	if (saved_dbg)
	{
		dbg = saved_dbg;
		saved_dbg = NULL;
	}
	chunk_free(&captured);
}

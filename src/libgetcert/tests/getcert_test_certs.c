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
#include <pthread.h>

#include <utils/debug.h>
#include <asn1/asn1.h>
#include <asn1/oid.h>
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

/**
 * Take the next element of a blob with its header
 */
static chunk_t take_whole(chunk_t *blob)
{
	chunk_t start = *blob, inner;

	if (asn1_unwrap(blob, &inner) == ASN1_INVALID)
	{
		return chunk_empty;
	}
	return chunk_create(start.ptr, blob->ptr - start.ptr);
}

/*
 * Described in header
 */
certificate_t *gt_cert_usage(private_key_t *key, char *subject,
							 private_key_t *signer, certificate_t *issuer,
							 u_int ku, u_int flags)
{
	certificate_t *cert, *out = NULL;
	public_key_t *public;
	identification_t *id;
	chunk_t der, blob, tbs, sigalg, elem, head = chunk_empty, exts = chunk_empty;
	chunk_t bits, ext, new_tbs, sig, serial;
	u_char byte[2];
	int n, unused;

	public = key->get_public_key(key);
	id = identification_create_from_string(subject);
	serial = getcert_serial_create();
	cert = lib->creds->create(lib->creds, CRED_CERTIFICATE, CERT_X509,
						BUILD_SIGNING_KEY, signer, BUILD_SIGNING_CERT, issuer,
						BUILD_PUBLIC_KEY, public, BUILD_SUBJECT, id,
						BUILD_SERIAL, serial, BUILD_X509_FLAG, flags,
						BUILD_NOT_BEFORE_TIME, time(NULL) - 60,
						BUILD_NOT_AFTER_TIME, time(NULL) + 3600, BUILD_END);
	chunk_free(&serial);
	id->destroy(id);
	public->destroy(public);
	if (!cert || !cert->get_encoding(cert, CERT_ASN1_DER, &der))
	{
		DESTROY_IF(cert);
		return NULL;
	}
	cert->destroy(cert);
	if (!ku)
	{
		out = lib->creds->create(lib->creds, CRED_CERTIFICATE, CERT_X509,
								 BUILD_BLOB_ASN1_DER, der, BUILD_END);
		chunk_free(&der);
		return out;
	}
	/* the TBS up to the extensions, and the extensions' contents */
	blob = der;
	asn1_unwrap(&blob, &blob);
	asn1_unwrap(&blob, &tbs);
	sigalg = take_whole(&blob);
	while (tbs.len)
	{
		if (tbs.ptr[0] == ASN1_CONTEXT_C_3)
		{
			asn1_unwrap(&tbs, &elem);
			asn1_unwrap(&elem, &exts);
			break;
		}
		elem = take_whole(&tbs);
		head = chunk_cat("mc", head, elem);
	}
	/* keyUsage: a BIT STRING of up to nine bits, DER without trailing 0s */
	byte[0] = byte[1] = 0;
	for (n = 0; n < 9; n++)
	{
		if (ku & (1 << n))
		{
			byte[n / 8] |= 0x80 >> (n % 8);
		}
	}
	n = byte[1] ? 2 : 1;
	bits = chunk_cat("cc", chunk_from_chars(0), chunk_create(byte, n));
	for (unused = 0; unused < 8; unused++)
	{
		if (bits.ptr[n] & (1 << unused))
		{
			bits.ptr[0] = unused;
			break;
		}
	}
	ext = asn1_wrap(ASN1_SEQUENCE, "mmm",
				asn1_build_known_oid(OID_KEY_USAGE),
				asn1_wrap(ASN1_BOOLEAN, "c", chunk_from_chars(0xFF)),
				asn1_wrap(ASN1_OCTET_STRING, "m",
					asn1_wrap(ASN1_BIT_STRING, "m", bits)));
	new_tbs = asn1_wrap(ASN1_SEQUENCE, "mm", head,
					asn1_wrap(ASN1_CONTEXT_C_3, "m",
						asn1_wrap(ASN1_SEQUENCE, "cm", exts, ext)));
	if (signer->sign(signer, SIGN_RSA_EMSA_PKCS1_SHA2_256, NULL, new_tbs,
					 &sig))
	{
		blob = asn1_wrap(ASN1_SEQUENCE, "mcm", new_tbs, sigalg,
						 asn1_bitstring("m", sig));
		out = lib->creds->create(lib->creds, CRED_CERTIFICATE, CERT_X509,
								 BUILD_BLOB_ASN1_DER, blob, BUILD_END);
		chunk_free(&blob);
	}
	else
	{
		chunk_free(&new_tbs);
	}
	chunk_free(&der);
	return out;
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
 * Captured log and the hook it replaced; the lock serializes threads that
 * log at the same time (a test's thread and the engine's)
 */
static chunk_t captured;
static pthread_mutex_t captured_lock = PTHREAD_MUTEX_INITIALIZER;
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
	pthread_mutex_lock(&captured_lock);
	captured = chunk_cat("mcc", captured, chunk_create(line, len),
						 chunk_from_chars('\n'));
	pthread_mutex_unlock(&captured_lock);
}

/*
 * Described in header
 */
void gt_log_start()
{
	pthread_mutex_lock(&captured_lock);
	chunk_free(&captured);
	pthread_mutex_unlock(&captured_lock);
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

	pthread_mutex_lock(&captured_lock);
	text = strndup(captured.ptr, captured.len);
	pthread_mutex_unlock(&captured_lock);
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
	pthread_mutex_lock(&captured_lock);
	chunk_free(&captured);
	pthread_mutex_unlock(&captured_lock);
}

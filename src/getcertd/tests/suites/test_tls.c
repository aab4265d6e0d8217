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
#include <sys/socket.h>

#include <threading/thread.h>

#include "getcertd_tls.h"

/**
 * Temporary directory of the key and certificate files
 */
static char dir[] = "/tmp/getcertd-tls-XXXXXX";

/**
 * Credentials under test, for retrieve()
 */
static getcertd_tls_t *tls;

/**
 * The server's certificate as a client trusts it (PEM)
 */
static chunk_t trusted;

/**
 * gnutls_certificate_retrieve_function2 as getcertd_http uses it
 */
static int retrieve(gnutls_session_t session, const gnutls_datum_t *req_ca_dn,
					int nreqs, const gnutls_pk_algorithm_t *pk_algos,
					int pk_algos_length, gnutls_pcert_st **pcert,
					unsigned int *pcert_length, gnutls_privkey_t *key)
{
	tls->get(tls, pcert, pcert_length, key);
	return 0;
}

/**
 * Write a chunk to a file in dir
 */
static char *write_file(char *name, chunk_t data)
{
	char *path;
	FILE *f;

	ck_assert(asprintf(&path, "%s/%s", dir, name) > 0);
	f = fopen(path, "w");
	ck_assert(f);
	ck_assert_int_eq(fwrite(data.ptr, 1, data.len, f), data.len);
	fclose(f);
	return path;
}

/**
 * A key of the given type and a self-signed certificate for it, as files
 * (PEM); the certificate's PEM in trusted
 */
static void make_files(key_type_t type, u_int bits, char **cert_path,
					   char **key_path, cred_encoding_type_t key_enc)
{
	private_key_t *key;
	public_key_t *public;
	certificate_t *cert;
	identification_t *id;
	chunk_t enc;

	key = lib->creds->create(lib->creds, CRED_PRIVATE_KEY, type,
							 BUILD_KEY_SIZE, bits, BUILD_END);
	ck_assert(key);
	id = identification_create_from_string("C=CH, O=getcert, CN=tls test");
	public = key->get_public_key(key);
	ck_assert(public);
	cert = lib->creds->create(lib->creds, CRED_CERTIFICATE, CERT_X509,
							  BUILD_SIGNING_KEY, key, BUILD_PUBLIC_KEY, public,
							  BUILD_SUBJECT, id,
							  BUILD_SERIAL, chunk_from_chars(0x01),
							  BUILD_NOT_BEFORE_TIME, time(NULL) - 60,
							  BUILD_NOT_AFTER_TIME, time(NULL) + 3600,
							  BUILD_DIGEST_ALG, type == KEY_ED25519 ? HASH_IDENTITY
																	: HASH_SHA256,
							  BUILD_END);
	public->destroy(public);
	id->destroy(id);
	ck_assert(cert);
	chunk_free(&trusted);
	ck_assert(cert->get_encoding(cert, CERT_PEM, &trusted));
	*cert_path = write_file("cert.pem", trusted);
	ck_assert(key->get_encoding(key, key_enc, &enc));
	*key_path = write_file("key", enc);
	chunk_clear(&enc);
	cert->destroy(cert);
	key->destroy(key);
}

/**
 * Client side of a handshake
 */
typedef struct {
	int fd;
	char *priority;
	int result;
	gnutls_sign_algorithm_t sig;
	u_int status;
} client_t;

static void *client_main(client_t *client)
{
	gnutls_certificate_credentials_t cred;
	gnutls_session_t session;
	gnutls_datum_t ca = {
		.data = trusted.ptr,
		.size = trusted.len,
	};

	gnutls_certificate_allocate_credentials(&cred);
	gnutls_certificate_set_x509_trust_mem(cred, &ca, GNUTLS_X509_FMT_PEM);
	gnutls_init(&session, GNUTLS_CLIENT);
	gnutls_priority_set_direct(session, client->priority, NULL);
	gnutls_credentials_set(session, GNUTLS_CRD_CERTIFICATE, cred);
	gnutls_transport_set_int(session, client->fd);
	do
	{
		client->result = gnutls_handshake(session);
	}
	while (client->result < 0 && !gnutls_error_is_fatal(client->result));
	if (client->result == 0)
	{
		client->sig = gnutls_sign_algorithm_get(session);
		gnutls_certificate_verify_peers2(session, &client->status);
	}
	gnutls_bye(session, GNUTLS_SHUT_WR);
	gnutls_deinit(session);
	gnutls_certificate_free_credentials(cred);
	return NULL;
}

/**
 * A TLS handshake of a GnuTLS server with tls against a GnuTLS client with
 * the given priorities; the signature algorithm the client verified
 */
static gnutls_sign_algorithm_t handshake(char *priority)
{
	gnutls_certificate_credentials_t cred;
	gnutls_session_t session;
	client_t client = {
		.priority = priority,
	};
	thread_t *thread;
	int fds[2], err;

	ck_assert(socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
	client.fd = fds[1];
	thread = thread_create((void*)client_main, &client);
	ck_assert(thread);

	gnutls_certificate_allocate_credentials(&cred);
	gnutls_certificate_set_retrieve_function2(cred, retrieve);
	gnutls_init(&session, GNUTLS_SERVER);
	gnutls_priority_set_direct(session, "NORMAL", NULL);
	gnutls_credentials_set(session, GNUTLS_CRD_CERTIFICATE, cred);
	gnutls_transport_set_int(session, fds[0]);
	do
	{
		err = gnutls_handshake(session);
	}
	while (err < 0 && !gnutls_error_is_fatal(err));
	if (err < 0)
	{
		/* let the client see the failure and end */
		shutdown(fds[0], SHUT_RDWR);
	}
	thread->join(thread);
	gnutls_deinit(session);
	gnutls_certificate_free_credentials(cred);
	close(fds[0]);
	close(fds[1]);

	ck_assert_msg(err == 0, "server: %s", gnutls_strerror(err));
	ck_assert_msg(client.result == 0, "client: %s",
				  gnutls_strerror(client.result));
	/* the signature verified: the chain is trusted, the name unchecked */
	ck_assert_int_eq(client.status, 0);
	return client.sig;
}

static struct {
	key_type_t type;
	u_int bits;
	char *priority;
	gnutls_sign_algorithm_t sig;
} handshakes[] = {
	{ KEY_RSA, 2048, "NORMAL:-VERS-ALL:+VERS-TLS1.3",
	  GNUTLS_SIGN_RSA_PSS_RSAE_SHA256 },
	{ KEY_RSA, 2048, "NORMAL:-VERS-ALL:+VERS-TLS1.2",
	  GNUTLS_SIGN_RSA_SHA256 },
	{ KEY_RSA, 2048, "NORMAL:-VERS-ALL:+VERS-TLS1.2:-SIGN-ALL:+SIGN-RSA-PSS-RSAE-SHA256",
	  GNUTLS_SIGN_RSA_PSS_RSAE_SHA256 },
	{ KEY_RSA, 2048, "NORMAL:-VERS-ALL:+VERS-TLS1.2:-SIGN-ALL:+SIGN-RSA-SHA384",
	  GNUTLS_SIGN_RSA_SHA384 },
	{ KEY_RSA, 2048, "NORMAL:-VERS-ALL:+VERS-TLS1.3:-SIGN-ALL:+SIGN-RSA-PSS-RSAE-SHA512",
	  GNUTLS_SIGN_RSA_PSS_RSAE_SHA512 },
	{ KEY_ECDSA, 256, "NORMAL:-VERS-ALL:+VERS-TLS1.3",
	  GNUTLS_SIGN_ECDSA_SECP256R1_SHA256 },
	{ KEY_ECDSA, 384, "NORMAL:-VERS-ALL:+VERS-TLS1.3",
	  GNUTLS_SIGN_ECDSA_SECP384R1_SHA384 },
	{ KEY_ECDSA, 256, "NORMAL:-VERS-ALL:+VERS-TLS1.2:-SIGN-ALL:+SIGN-ECDSA-SHA512",
	  GNUTLS_SIGN_ECDSA_SHA512 },
	{ KEY_ED25519, 256, "NORMAL:-VERS-ALL:+VERS-TLS1.3",
	  GNUTLS_SIGN_EDDSA_ED25519 },
};

/**
 * Destroy the credentials under test, remove and free the files' paths
 */
static void done(char *cert, char *key)
{
	tls->destroy(tls);
	tls = NULL;
	unlink(cert);
	unlink(key);
	free(cert);
	free(key);
}

START_TEST(test_handshake)
{
	char *cert, *key;

	make_files(handshakes[_i].type, handshakes[_i].bits, &cert, &key,
			   _i % 2 ? PRIVKEY_PEM : PRIVKEY_ASN1_DER);
	tls = getcertd_tls_create(cert, key);
	ck_assert(tls);
	ck_assert_int_eq(handshake(handshakes[_i].priority), handshakes[_i].sig);
	done(cert, key);
}
END_TEST

START_TEST(test_refused)
{
	private_key_t *other;
	char *cert, *key, *path;
	chunk_t enc;

	make_files(KEY_ECDSA, 256, &cert, &key, PRIVKEY_PEM);

	/* a key that is not the certificate's */
	other = lib->creds->create(lib->creds, CRED_PRIVATE_KEY, KEY_ECDSA,
							   BUILD_KEY_SIZE, 256, BUILD_END);
	ck_assert(other);
	ck_assert(other->get_encoding(other, PRIVKEY_PEM, &enc));
	other->destroy(other);
	path = write_file("other", enc);
	chunk_clear(&enc);
	ck_assert(!getcertd_tls_create(cert, path));
	unlink(path);
	free(path);

	/* no such files, no certificate, no key */
	ck_assert(!getcertd_tls_create("/nonexistent/cert.pem", key));
	ck_assert(!getcertd_tls_create(cert, "/nonexistent/key.pem"));
	ck_assert(!getcertd_tls_create(key, key));
	ck_assert(!getcertd_tls_create(cert, cert));

	/* the right pair is accepted */
	tls = getcertd_tls_create(cert, key);
	ck_assert(tls);
	done(cert, key);
}
END_TEST

START_SETUP(setup)
{
	ck_assert(mkdtemp(dir));
}
END_SETUP

START_TEARDOWN(teardown)
{
	rmdir(dir);
	strcpy(dir, "/tmp/getcertd-tls-XXXXXX");
	chunk_free(&trusted);
}
END_TEARDOWN

Suite *tls_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("TLS server key");

	tc = tcase_create("handshake");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_handshake, 0, countof(handshakes));
	suite_add_tcase(s, tc);

	tc = tcase_create("refused");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_refused);
	suite_add_tcase(s, tc);

	return s;
}

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

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "../../getcert_store.h"
#include <getcert_test_certs.h>

/**
 * Temporary directory of a test, and the store directory within it
 */
static char tmp[64], dir[128];

static getcert_store_t *store;

/**
 * Two self-signed pairs (ECDSA, fast to generate)
 */
static certificate_t *cert1, *cert2;
static private_key_t *key1, *key2;

START_SETUP(setup_store)
{
	strcpy(tmp, "/tmp/getcert-store-XXXXXX");
	ck_assert(mkdtemp(tmp));
	snprintf(dir, sizeof(dir), "%s/store", tmp);

	key1 = gt_key();
	key2 = gt_key();
	ck_assert(key1 && key2);
	cert1 = gt_cert(key1, "O=getcert, CN=carol", NULL, NULL, NULL,
					FALSE, 600);
	cert2 = gt_cert(key2, "O=getcert, CN=carol", NULL, NULL, NULL,
					FALSE, 600);
	ck_assert(cert1 && cert2);

	store = getcert_store_create(dir);
	ck_assert(store);
}
END_SETUP

/**
 * Remove a directory tree, without following symbolic links
 */
static void rm_tree(char *path)
{
	struct dirent *entry;
	struct stat st;
	char sub[512];
	DIR *d;

	if (lstat(path, &st) != 0)
	{
		return;
	}
	if (!S_ISDIR(st.st_mode))
	{
		unlink(path);
		return;
	}
	chmod(path, 0700);
	d = opendir(path);
	if (d)
	{
		while ((entry = readdir(d)))
		{
			if (streq(entry->d_name, ".") || streq(entry->d_name, ".."))
			{
				continue;
			}
			snprintf(sub, sizeof(sub), "%s/%s", path, entry->d_name);
			rm_tree(sub);
		}
		closedir(d);
	}
	rmdir(path);
}

START_TEARDOWN(teardown_store)
{
	DESTROY_IF(store);
	store = NULL;
	cert1->destroy(cert1);
	cert2->destroy(cert2);
	key1->destroy(key1);
	key2->destroy(key2);
	rm_tree(tmp);
}
END_TEARDOWN

/**
 * Build a path relative to the store directory
 */
static char *path(char *file)
{
	static char buf[512];

	snprintf(buf, sizeof(buf), "%s/%s", dir, file);
	return buf;
}

/**
 * Write a file with exactly the given mode
 */
static void write_file(char *file, chunk_t data, mode_t mode)
{
	int fd;

	fd = open(file, O_CREAT | O_TRUNC | O_WRONLY | O_NOFOLLOW, mode);
	ck_assert(fd >= 0);
	ck_assert(fchmod(fd, mode) == 0);
	ck_assert(write(fd, data.ptr, data.len) == (ssize_t)data.len);
	ck_assert(close(fd) == 0);
}

/**
 * Read a whole file
 */
static chunk_t read_file(char *file)
{
	chunk_t *data, copy;

	data = chunk_map(file, FALSE);
	ck_assert(data);
	copy = chunk_clone(*data);
	chunk_unmap(data);
	return copy;
}

/**
 * The file formats the malformed file tests loop over: what we write, and
 * what the version before PEM wrote
 */
static struct {
	/** the pair file of profile "carol" */
	char *file;
	/** encoding of certificates and keys */
	cred_encoding_type_t cert, key;
	/** how much of the key's encoding to cut off to truncate it */
	size_t cut;
} formats[] = {
	{ "carol.pem", CERT_PEM, PRIVKEY_PEM, 10 },
	{ "carol.pair", CERT_ASN1_DER, PRIVKEY_ASN1_DER, 1 },
};

/**
 * Encode a certificate in the format of the test
 */
static chunk_t enc_cert(int format, certificate_t *cert)
{
	chunk_t enc;

	ck_assert(cert->get_encoding(cert, formats[format].cert, &enc));
	return enc;
}

/**
 * Encode a key in the format of the test
 */
static chunk_t enc_key(int format, private_key_t *key)
{
	chunk_t enc;

	ck_assert(key->get_encoding(key, formats[format].key, &enc));
	return enc;
}

/**
 * Encode a pair in the format of the test
 */
static chunk_t enc_pair(int format, certificate_t *cert, private_key_t *key)
{
	chunk_t c, k;

	c = enc_cert(format, cert);
	k = enc_key(format, key);
	return chunk_cat("mm", c, k);
}

/**
 * DER encoding of a certificate
 */
static chunk_t cert_der(certificate_t *cert)
{
	chunk_t der;

	ck_assert(cert->get_encoding(cert, CERT_ASN1_DER, &der));
	return der;
}

/**
 * DER encoding of a private key
 */
static chunk_t key_der(private_key_t *key)
{
	chunk_t der;

	ck_assert(key->get_encoding(key, PRIVKEY_ASN1_DER, &der));
	return der;
}

/**
 * A certificate's and a key's DER encodings, concatenated: the format
 * written before PEM
 */
static chunk_t pair_der(certificate_t *cert, private_key_t *key)
{
	return enc_pair(1, cert, key);
}

/**
 * PEM encodings of a certificate and a key, concatenated: the file format
 */
static chunk_t pair_pem(certificate_t *cert, private_key_t *key)
{
	return enc_pair(0, cert, key);
}

/**
 * Compare two keys by their public key fingerprint
 */
static bool same_key(private_key_t *a, private_key_t *b)
{
	chunk_t fa, fb;

	return a->get_fingerprint(a, KEYID_PUBKEY_SHA1, &fa) &&
		   b->get_fingerprint(b, KEYID_PUBKEY_SHA1, &fb) &&
		   chunk_equals(fa, fb);
}

/**
 * Load a pair and check it is the expected one
 */
static void assert_loads(char *name, certificate_t *cert,
						 private_key_t *key)
{
	certificate_t *loaded_cert = NULL;
	private_key_t *loaded_key = NULL;
	chunk_t a, b;

	ck_assert(store->load(store, name, &loaded_cert, &loaded_key));
	ck_assert(loaded_cert && loaded_key);
	a = cert_der(cert);
	b = cert_der(loaded_cert);
	ck_assert_chunk_eq(a, b);
	chunk_free(&a);
	chunk_free(&b);
	ck_assert(same_key(loaded_key, key));
	loaded_cert->destroy(loaded_cert);
	loaded_key->destroy(loaded_key);
}

/**
 * Check that a pair does not load, and nothing is returned
 */
static void assert_no_load(char *name)
{
	certificate_t *cert = NULL;
	private_key_t *key = NULL;

	ck_assert(!store->load(store, name, &cert, &key));
	ck_assert(!cert);
	ck_assert(!key);
}

/**
 * Count the entries of the store directory other than "." and "..",
 * optionally checking that the only one is called "only"
 */
static int count_entries(char *only)
{
	struct dirent *entry;
	int count = 0;
	DIR *d;

	d = opendir(dir);
	ck_assert(d);
	while ((entry = readdir(d)))
	{
		if (streq(entry->d_name, ".") || streq(entry->d_name, ".."))
		{
			continue;
		}
		if (only)
		{
			ck_assert_str_eq(entry->d_name, only);
		}
		count++;
	}
	closedir(d);
	return count;
}

START_TEST(test_round_trip)
{
	ck_assert(store->save(store, "carol", cert1, key1));
	assert_loads("carol", cert1, key1);
	/* another profile is independent */
	assert_no_load("dave");
	ck_assert(store->save(store, "dave", cert2, key2));
	assert_loads("dave", cert2, key2);
	assert_loads("carol", cert1, key1);
}
END_TEST

START_TEST(test_round_trip_rsa)
{
	certificate_t *cert;
	private_key_t *key;

	/* PKCS#1 RSAPrivateKey instead of SEC1 */
	key = gt_rsa_key(2048);
	ck_assert(key);
	cert = gt_cert(key, "O=getcert, CN=dave", NULL, NULL, NULL, FALSE,
				   600);
	ck_assert(cert);
	ck_assert(store->save(store, "dave", cert, key));
	assert_loads("dave", cert, key);
	cert->destroy(cert);
	key->destroy(key);
}
END_TEST

/**
 * Key types of EST profiles: SEC1 EC P-384 and PKCS#8 Ed25519
 */
static struct {
	key_type_t type;
	u_int bits;
	char *label;
} key_types[] = {
	{ KEY_ECDSA, 384, "-----BEGIN EC PRIVATE KEY-----" },
	{ KEY_ECDSA, 521, "-----BEGIN EC PRIVATE KEY-----" },
	{ KEY_ED25519, 0, "-----BEGIN PRIVATE KEY-----" },
};

START_TEST(test_round_trip_types)
{
	certificate_t *cert, *loaded_cert = NULL;
	private_key_t *key, *loaded_key = NULL;
	chunk_t data;

	key = lib->creds->create(lib->creds, CRED_PRIVATE_KEY,
							 key_types[_i].type, BUILD_KEY_SIZE,
							 key_types[_i].bits, BUILD_END);
	ck_assert(key);
	/* issued by an ECDSA key (an Ed25519 self-signature needs no digest) */
	cert = gt_cert(key, "O=getcert, CN=dave", NULL, key1, cert1, FALSE, 600);
	ck_assert(cert);
	ck_assert(store->save(store, "dave", cert, key));
	data = read_file(path("dave.pem"));
	ck_assert(memstr(data.ptr, key_types[_i].label, data.len));
	chunk_clear(&data);
	assert_loads("dave", cert, key);
	ck_assert(store->load(store, "dave", &loaded_cert, &loaded_key));
	ck_assert_int_eq(loaded_key->get_type(loaded_key), key_types[_i].type);
	ck_assert_int_eq(loaded_key->get_keysize(loaded_key),
					 key->get_keysize(key));
	loaded_cert->destroy(loaded_cert);
	loaded_key->destroy(loaded_key);
	cert->destroy(cert);
	key->destroy(key);
}
END_TEST

START_TEST(test_file_format)
{
	certificate_t *cert;
	chunk_t data, expected, a, b;

	/* certificate PEM immediately followed by key PEM, nothing else */
	ck_assert(store->save(store, "carol", cert1, key1));
	data = read_file(path("carol.pem"));
	expected = pair_pem(cert1, key1);
	ck_assert_chunk_eq(data, expected);
	ck_assert(chunk_equals(chunk_create(data.ptr, 28),
						   chunk_from_str("-----BEGIN CERTIFICATE-----\n")));
	ck_assert(memstr(data.ptr, "\n-----BEGIN EC PRIVATE KEY-----\n",
					 data.len));
	chunk_clear(&data);
	chunk_clear(&expected);

	/* the certificate loads from the file as "pki --print --in" loads it */
	cert = lib->creds->create(lib->creds, CRED_CERTIFICATE, CERT_X509,
							  BUILD_FROM_FILE, path("carol.pem"), BUILD_END);
	ck_assert(cert);
	a = cert_der(cert);
	b = cert_der(cert1);
	ck_assert_chunk_eq(a, b);
	chunk_free(&a);
	chunk_free(&b);
	cert->destroy(cert);
}
END_TEST

START_TEST(test_modes)
{
	getcert_store_t *again;
	struct stat st;

	ck_assert(lstat(dir, &st) == 0);
	ck_assert(S_ISDIR(st.st_mode));
	ck_assert_int_eq((int)(st.st_mode & 07777), 0700);

	ck_assert(store->save(store, "carol", cert1, key1));
	ck_assert(lstat(path("carol.pem"), &st) == 0);
	ck_assert(S_ISREG(st.st_mode));
	ck_assert_int_eq((int)(st.st_mode & 07777), 0600);
	ck_assert_int_eq(st.st_uid, geteuid());

	/* an existing directory is reused with its files */
	again = getcert_store_create(dir);
	ck_assert(again);
	store->destroy(store);
	store = again;
	assert_loads("carol", cert1, key1);
}
END_TEST

START_TEST(test_replace)
{
	ck_assert(store->save(store, "carol", cert1, key1));
	ck_assert(store->save(store, "carol", cert2, key2));
	assert_loads("carol", cert2, key2);
	/* no temporary files left behind */
	ck_assert_int_eq(count_entries("carol.pem"), 1);
}
END_TEST

START_TEST(test_save_mismatch)
{
	ck_assert(store->save(store, "carol", cert1, key1));
	ck_assert(!store->save(store, "carol", cert1, key2));
	/* the old pair is untouched */
	assert_loads("carol", cert1, key1);
	ck_assert_int_eq(count_entries("carol.pem"), 1);
}
END_TEST

START_TEST(test_save_fails_cleanly)
{
	/* a directory in the way makes the rename fail */
	ck_assert(mkdir(path("carol.pem"), 0700) == 0);
	ck_assert(!store->save(store, "carol", cert1, key1));
	ck_assert_int_eq(count_entries("carol.pem"), 1);
	assert_no_load("carol");
}
END_TEST

START_TEST(test_legacy_garbage)
{
	chunk_t data, cert, key;

	/* not ASN.1 at all */
	write_file(path("carol.pair"), chunk_from_str("hello world\n"), 0600);
	assert_no_load("carol");

	/* empty */
	write_file(path("carol.pair"), chunk_empty, 0600);
	assert_no_load("carol");

	/* a SEQUENCE claiming more than there is */
	write_file(path("carol.pair"),
			   chunk_from_chars(0x30, 0x84, 0x7f, 0xff, 0xff, 0xff, 0x00),
			   0600);
	assert_no_load("carol");

	/* indefinite length */
	write_file(path("carol.pair"), chunk_from_chars(0x30, 0x80, 0x00, 0x00),
			   0600);
	assert_no_load("carol");

	/* two well-formed SEQUENCEs that are neither certificate nor key */
	write_file(path("carol.pair"),
			   chunk_from_chars(0x30, 0x03, 0x02, 0x01, 0x00,
								0x30, 0x03, 0x02, 0x01, 0x00), 0600);
	assert_no_load("carol");

	/* the key before the certificate */
	cert = cert_der(cert1);
	key = key_der(key1);
	data = chunk_cat("cc", key, cert);
	write_file(path("carol.pair"), data, 0600);
	chunk_clear(&data);
	assert_no_load("carol");

	/* a valid certificate, then garbage */
	data = chunk_cat("cc", cert, chunk_from_str("hello world, and more"));
	write_file(path("carol.pair"), data, 0600);
	chunk_clear(&data);
	assert_no_load("carol");

	chunk_free(&cert);
	chunk_clear(&key);
}
END_TEST

/**
 * Write the pair in PEM with something changed: the PEM of the
 * certificate and the key, with "before" replaced by "after" in the key
 */
static void write_pem_edited(char *before, char *after)
{
	chunk_t pem, data;
	u_char *pos;
	size_t off;

	pem = pair_pem(cert1, key1);
	pos = memstr(pem.ptr, before, pem.len);
	ck_assert(pos);
	off = pos - pem.ptr;
	data = chunk_cat("ccc", chunk_create(pem.ptr, off), chunk_from_str(after),
					 chunk_skip(pem, off + strlen(before)));
	write_file(path("carol.pem"), data, 0600);
	chunk_clear(&data);
	chunk_clear(&pem);
}

START_TEST(test_truncated)
{
	char *file = path(formats[_i].file);
	chunk_t data, cert, key;

	cert = enc_cert(_i, cert1);
	key = enc_key(_i, key1);

	/* the certificate only */
	write_file(file, cert, 0600);
	assert_no_load("carol");

	/* the certificate and part of the key */
	data = chunk_cat("cc", cert,
					 chunk_create(key.ptr, key.len - formats[_i].cut));
	write_file(file, data, 0600);
	chunk_clear(&data);
	assert_no_load("carol");

	/* part of the certificate */
	write_file(file, chunk_create(cert.ptr, cert.len / 2), 0600);
	assert_no_load("carol");

	/* sanity check: the complete pair written the same way loads (a
	 * carol.pair is rewritten as carol.pem, removed for the next check) */
	data = chunk_cat("cc", cert, key);
	write_file(file, data, 0600);
	chunk_clear(&data);
	assert_loads("carol", cert1, key1);
	if (_i)
	{
		ck_assert(unlink(path("carol.pem")) == 0);
	}

	/* the file is left in place */
	write_file(file, cert, 0600);
	assert_no_load("carol");
	ck_assert(access(file, F_OK) == 0);

	chunk_free(&cert);
	chunk_clear(&key);
}
END_TEST

START_TEST(test_trailing)
{
	chunk_t data, pair, key;

	pair = enc_pair(_i, cert1, key1);
	data = chunk_cat("mc", pair, chunk_from_chars(0x00));
	write_file(path(formats[_i].file), data, 0600);
	chunk_clear(&data);
	assert_no_load("carol");

	/* a second key after the pair */
	pair = enc_pair(_i, cert1, key1);
	key = enc_key(_i, key1);
	data = chunk_cat("mm", pair, key);
	write_file(path(formats[_i].file), data, 0600);
	chunk_clear(&data);
	assert_no_load("carol");
}
END_TEST

START_TEST(test_too_large)
{
	chunk_t data, pad, pair;

	/* a pair followed by 64 KiB of zeros */
	pad = chunk_alloc(64 * 1024);
	memset(pad.ptr, 0, pad.len);
	pair = enc_pair(_i, cert1, key1);
	data = chunk_cat("mm", pair, pad);
	write_file(path(formats[_i].file), data, 0600);
	chunk_clear(&data);
	gt_log_start();
	assert_no_load("carol");
	ck_assert(gt_log_contains("larger than"));
	gt_log_stop();
}
END_TEST

START_TEST(test_load_mismatch)
{
	chunk_t data;

	data = enc_pair(_i, cert1, key2);
	write_file(path(formats[_i].file), data, 0600);
	chunk_clear(&data);
	gt_log_start();
	assert_no_load("carol");
	ck_assert(gt_log_contains("does not match"));
	gt_log_stop();
	/* left in place */
	ck_assert(access(path(formats[_i].file), F_OK) == 0);
}
END_TEST

START_TEST(test_garbage)
{
	chunk_t data, cert, key;

	/* not PEM at all */
	write_file(path("carol.pem"), chunk_from_str("hello world\n"), 0600);
	assert_no_load("carol");

	/* empty */
	write_file(path("carol.pem"), chunk_empty, 0600);
	assert_no_load("carol");

	/* a BEGIN line without END */
	write_file(path("carol.pem"),
			   chunk_from_str("-----BEGIN CERTIFICATE-----\nMIIB\n"), 0600);
	assert_no_load("carol");

	/* DER instead of PEM (the format written before, in the new file) */
	data = pair_der(cert1, key1);
	write_file(path("carol.pem"), data, 0600);
	chunk_clear(&data);
	assert_no_load("carol");

	/* the key before the certificate */
	ck_assert(cert1->get_encoding(cert1, CERT_PEM, &cert));
	ck_assert(key1->get_encoding(key1, PRIVKEY_PEM, &key));
	data = chunk_cat("cc", key, cert);
	write_file(path("carol.pem"), data, 0600);
	chunk_clear(&data);
	assert_no_load("carol");

	/* two certificates */
	data = chunk_cat("cc", cert, cert);
	write_file(path("carol.pem"), data, 0600);
	chunk_clear(&data);
	assert_no_load("carol");

	/* labels right, contents not base64 of a certificate and a key */
	write_pem_edited("-----BEGIN EC PRIVATE KEY-----\n",
					 "-----BEGIN EC PRIVATE KEY-----\nAAAA");
	assert_no_load("carol");
	write_file(path("carol.pem"), chunk_from_str(
			   "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
			   "-----BEGIN EC PRIVATE KEY-----\nAAAA\n"
			   "-----END EC PRIVATE KEY-----\n"), 0600);
	assert_no_load("carol");

	chunk_free(&cert);
	chunk_clear(&key);
}
END_TEST

START_TEST(test_pem_headers)
{
	/* headers, as of an encrypted key, are refused before any decryption
	 * (which would ask the credential manager for a passphrase) */
	write_pem_edited("-----BEGIN EC PRIVATE KEY-----\n",
					 "-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
					 "DEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF\n"
					 "\n");
	gt_log_start();
	assert_no_load("carol");
	ck_assert(gt_log_contains("no complete PEM private key"));
	gt_log_stop();
}
END_TEST

START_TEST(test_migrate)
{
	chunk_t data, expected;
	struct stat st;

	/* a pair file written by the version before PEM */
	data = pair_der(cert1, key1);
	write_file(path("carol.pair"), data, 0600);
	chunk_clear(&data);

	gt_log_start();
	assert_loads("carol", cert1, key1);
	ck_assert(gt_log_contains("rewriting it as 'carol.pem'"));
	gt_log_stop();

	/* rewritten as PEM, 0600, the old file removed */
	ck_assert_int_eq(count_entries("carol.pem"), 1);
	ck_assert(lstat(path("carol.pem"), &st) == 0);
	ck_assert_int_eq((int)(st.st_mode & 07777), 0600);
	data = read_file(path("carol.pem"));
	expected = pair_pem(cert1, key1);
	ck_assert_chunk_eq(data, expected);
	chunk_clear(&data);
	chunk_clear(&expected);

	/* and loads from there */
	assert_loads("carol", cert1, key1);
}
END_TEST

START_TEST(test_migrate_rsa)
{
	certificate_t *cert;
	private_key_t *key;
	chunk_t data;

	key = gt_rsa_key(2048);
	ck_assert(key);
	cert = gt_cert(key, "O=getcert, CN=dave", NULL, NULL, NULL, FALSE,
				   600);
	ck_assert(cert);
	data = pair_der(cert, key);
	write_file(path("dave.pair"), data, 0600);
	chunk_clear(&data);
	assert_loads("dave", cert, key);
	ck_assert_int_eq(count_entries("dave.pem"), 1);
	data = read_file(path("dave.pem"));
	ck_assert(memstr(data.ptr, "\n-----BEGIN RSA PRIVATE KEY-----\n",
					 data.len));
	chunk_clear(&data);
	assert_loads("dave", cert, key);
	cert->destroy(cert);
	key->destroy(key);
}
END_TEST

START_TEST(test_pem_first)
{
	chunk_t data;

	/* a .pem file wins over a .pair file, which is left alone */
	ck_assert(store->save(store, "carol", cert1, key1));
	data = pair_der(cert2, key2);
	write_file(path("carol.pair"), data, 0600);
	chunk_clear(&data);
	assert_loads("carol", cert1, key1);
	ck_assert(access(path("carol.pair"), F_OK) == 0);

	/* a broken .pem file is not replaced by the .pair file either */
	write_file(path("carol.pem"), chunk_from_str("hello world\n"), 0600);
	assert_no_load("carol");
	ck_assert_int_eq(count_entries(NULL), 2);
}
END_TEST

START_TEST(test_save_removes_legacy)
{
	chunk_t data;

	data = pair_der(cert2, key2);
	write_file(path("carol.pair"), data, 0600);
	chunk_clear(&data);
	ck_assert(store->save(store, "carol", cert1, key1));
	ck_assert_int_eq(count_entries("carol.pem"), 1);
	assert_loads("carol", cert1, key1);
}
END_TEST

START_TEST(test_legacy_symlink)
{
	chunk_t before, after;
	char target[128];

	/* a legacy pair outside the store, linked into it */
	snprintf(target, sizeof(target), "%s/target", tmp);
	before = pair_der(cert1, key1);
	write_file(target, before, 0600);
	ck_assert(symlink(target, path("carol.pair")) == 0);

	gt_log_start();
	assert_no_load("carol");
	ck_assert(gt_log_contains("symbolic link"));
	gt_log_stop();
	ck_assert(access(path("carol.pem"), F_OK) != 0);

	/* a legacy file that is group readable is not migrated either */
	ck_assert(unlink(path("carol.pair")) == 0);
	write_file(path("carol.pair"), before, 0640);
	assert_no_load("carol");
	ck_assert_int_eq(count_entries("carol.pair"), 1);

	after = read_file(target);
	ck_assert_chunk_eq(before, after);
	chunk_clear(&before);
	chunk_clear(&after);
}
END_TEST

START_TEST(test_symlink_file)
{
	chunk_t data, before, after;
	char target[128];
	struct stat st;

	/* a valid pair outside the store, linked into it */
	snprintf(target, sizeof(target), "%s/target", tmp);
	before = pair_pem(cert1, key1);
	write_file(target, before, 0600);
	ck_assert(symlink(target, path("carol.pem")) == 0);

	gt_log_start();
	assert_no_load("carol");
	ck_assert(gt_log_contains("symbolic link"));
	gt_log_stop();

	/* saving replaces the link, the target stays unchanged */
	ck_assert(store->save(store, "carol", cert2, key2));
	after = read_file(target);
	ck_assert_chunk_eq(before, after);
	ck_assert(lstat(path("carol.pem"), &st) == 0);
	ck_assert(S_ISREG(st.st_mode));
	assert_loads("carol", cert2, key2);

	/* removing removes the link, not its target */
	ck_assert(symlink(target, path("dave.pem")) == 0);
	store->remove(store, "dave");
	ck_assert(lstat(path("dave.pem"), &st) != 0);
	data = read_file(target);
	ck_assert_chunk_eq(before, data);

	chunk_clear(&before);
	chunk_clear(&after);
	chunk_clear(&data);
}
END_TEST

START_TEST(test_not_regular)
{
	ck_assert(mkdir(path("carol.pem"), 0700) == 0);
	assert_no_load("carol");

	/* a FIFO neither blocks nor loads */
	ck_assert(mkfifo(path("dave.pem"), 0600) == 0);
	gt_log_start();
	assert_no_load("dave");
	ck_assert(gt_log_contains("not a regular file"));
	gt_log_stop();
}
END_TEST

START_TEST(test_symlink_dir)
{
	char real[128], link[128];

	snprintf(real, sizeof(real), "%s/real", tmp);
	snprintf(link, sizeof(link), "%s/link", tmp);
	ck_assert(mkdir(real, 0700) == 0);
	ck_assert(symlink(real, link) == 0);
	ck_assert(getcert_store_create(link) == NULL);

	/* a dangling link is not followed to create a directory either */
	snprintf(real, sizeof(real), "%s/nowhere", tmp);
	snprintf(link, sizeof(link), "%s/dangling", tmp);
	ck_assert(symlink(real, link) == 0);
	ck_assert(getcert_store_create(link) == NULL);
	ck_assert(access(real, F_OK) != 0);
}
END_TEST

START_TEST(test_bad_dir)
{
	char sub[128];

	/* group or other writable */
	snprintf(sub, sizeof(sub), "%s/shared", tmp);
	ck_assert(mkdir(sub, 0700) == 0);
	ck_assert(chmod(sub, 0770) == 0);
	ck_assert(getcert_store_create(sub) == NULL);
	ck_assert(chmod(sub, 0702) == 0);
	ck_assert(getcert_store_create(sub) == NULL);
	/* group readable is fine, the files are 0600 */
	ck_assert(chmod(sub, 0750) == 0);
	store->destroy(store);
	store = getcert_store_create(sub);
	ck_assert(store);

	/* a regular file */
	snprintf(sub, sizeof(sub), "%s/file", tmp);
	write_file(sub, chunk_from_str("x"), 0600);
	ck_assert(getcert_store_create(sub) == NULL);

	/* a missing parent */
	snprintf(sub, sizeof(sub), "%s/missing/store", tmp);
	ck_assert(getcert_store_create(sub) == NULL);

	ck_assert(getcert_store_create("") == NULL);
}
END_TEST

START_TEST(test_not_owned)
{
	char sub[128];

	if (geteuid() != 0)
	{	/* can't give files away */
		return;
	}
	snprintf(sub, sizeof(sub), "%s/other", tmp);
	ck_assert(mkdir(sub, 0700) == 0);
	ck_assert(chown(sub, 1, -1) == 0);
	ck_assert(getcert_store_create(sub) == NULL);

	ck_assert(store->save(store, "carol", cert1, key1));
	ck_assert(chown(path("carol.pem"), 1, -1) == 0);
	assert_no_load("carol");
}
END_TEST

START_TEST(test_group_readable)
{
	ck_assert(store->save(store, "carol", cert1, key1));
	ck_assert(chmod(path("carol.pem"), 0640) == 0);
	gt_log_start();
	assert_no_load("carol");
	ck_assert(gt_log_contains("accessible by group or others"));
	gt_log_stop();
	ck_assert(chmod(path("carol.pem"), 0604) == 0);
	assert_no_load("carol");
	ck_assert(chmod(path("carol.pem"), 0610) == 0);
	assert_no_load("carol");
	/* only the mode was the problem */
	ck_assert(chmod(path("carol.pem"), 0600) == 0);
	assert_loads("carol", cert1, key1);
}
END_TEST

/**
 * Invalid profile names
 */
static char *bad_names[] = {
	"../x",
	".hidden",
	"a/b",
	"",
	".",
	"..",
	"a b",
	"a\nb",
	"carol\\x",
	"k\xc3\xa4se",
	/* 65 characters */
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
};

START_TEST(test_bad_names)
{
	char outside[128];

	/* store something to make sure load does not fail for lack of files */
	ck_assert(store->save(store, "x", cert1, key1));

	ck_assert(!store->save(store, bad_names[_i], cert1, key1));
	assert_no_load(bad_names[_i]);
	store->remove(store, bad_names[_i]);

	/* nothing written, nothing removed, nothing outside */
	ck_assert_int_eq(count_entries("x.pem"), 1);
	snprintf(outside, sizeof(outside), "%s/x.pem", tmp);
	ck_assert(access(outside, F_OK) != 0);
	assert_loads("x", cert1, key1);
}
END_TEST

START_TEST(test_good_names)
{
	/* 64 characters, the maximum */
	char *name = "a-B_0.9aaaaaaaaaaaaaaaaaaaaaaaaaa"
				 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

	ck_assert_int_eq((int)strlen(name), 64);
	ck_assert(store->save(store, name, cert1, key1));
	assert_loads(name, cert1, key1);
	ck_assert(store->save(store, "-", cert2, key2));
	assert_loads("-", cert2, key2);
	ck_assert_int_eq(count_entries(NULL), 2);
}
END_TEST

START_TEST(test_remove)
{
	ck_assert(store->save(store, "carol", cert1, key1));
	ck_assert(store->save(store, "dave", cert2, key2));
	store->remove(store, "carol");
	assert_no_load("carol");
	ck_assert(access(path("carol.pem"), F_OK) != 0);
	/* removing again is fine */
	store->remove(store, "carol");
	/* the other pair is untouched */
	assert_loads("dave", cert2, key2);
	ck_assert_int_eq(count_entries("dave.pem"), 1);
}
END_TEST

START_TEST(test_remove_legacy)
{
	chunk_t data;

	data = pair_der(cert1, key1);
	write_file(path("carol.pair"), data, 0600);
	chunk_clear(&data);
	store->remove(store, "carol");
	assert_no_load("carol");
	ck_assert_int_eq(count_entries(NULL), 0);
}
END_TEST

Suite *store_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("getcert store");

	tc = tcase_create("save and load");
	tcase_add_checked_fixture(tc, setup_store, teardown_store);
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_round_trip_rsa);
	tcase_add_loop_test(tc, test_round_trip_types, 0, countof(key_types));
	tcase_add_test(tc, test_file_format);
	tcase_add_test(tc, test_modes);
	tcase_add_test(tc, test_replace);
	tcase_add_test(tc, test_save_mismatch);
	tcase_add_test(tc, test_save_fails_cleanly);
	tcase_add_test(tc, test_remove);
	tcase_add_test(tc, test_remove_legacy);
	suite_add_tcase(s, tc);

	tc = tcase_create("malformed files");
	tcase_add_checked_fixture(tc, setup_store, teardown_store);
	tcase_add_loop_test(tc, test_truncated, 0, countof(formats));
	tcase_add_test(tc, test_garbage);
	tcase_add_loop_test(tc, test_trailing, 0, countof(formats));
	tcase_add_loop_test(tc, test_too_large, 0, countof(formats));
	tcase_add_loop_test(tc, test_load_mismatch, 0, countof(formats));
	tcase_add_test(tc, test_pem_headers);
	suite_add_tcase(s, tc);

	tc = tcase_create("files written before PEM");
	tcase_add_checked_fixture(tc, setup_store, teardown_store);
	tcase_add_test(tc, test_migrate);
	tcase_add_test(tc, test_migrate_rsa);
	tcase_add_test(tc, test_pem_first);
	tcase_add_test(tc, test_save_removes_legacy);
	tcase_add_test(tc, test_legacy_symlink);
	suite_add_tcase(s, tc);

	tc = tcase_create("malformed files written before PEM");
	tcase_add_checked_fixture(tc, setup_store, teardown_store);
	tcase_add_test(tc, test_legacy_garbage);
	suite_add_tcase(s, tc);

	tc = tcase_create("file system");
	tcase_add_checked_fixture(tc, setup_store, teardown_store);
	tcase_add_test(tc, test_symlink_file);
	tcase_add_test(tc, test_not_regular);
	tcase_add_test(tc, test_symlink_dir);
	tcase_add_test(tc, test_bad_dir);
	tcase_add_test(tc, test_not_owned);
	tcase_add_test(tc, test_group_readable);
	suite_add_tcase(s, tc);

	tc = tcase_create("names");
	tcase_add_checked_fixture(tc, setup_store, teardown_store);
	tcase_add_loop_test(tc, test_bad_names, 0, countof(bad_names));
	tcase_add_test(tc, test_good_names);
	suite_add_tcase(s, tc);

	return s;
}

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

#include "getcert_store.h"

#include <getcert_enroll.h>

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <utils/debug.h>
#include <asn1/asn1.h>

/**
 * Largest pair file we read
 */
#define MAX_PAIR_SIZE (64 * 1024)

/**
 * Longest profile name we accept
 */
#define MAX_NAME_LEN 64

/**
 * Suffix of pair files: the certificate and the key in PEM
 */
#define PAIR_SUFFIX ".pem"

/**
 * Suffix of pair files written before 2026-12 (DER certificate and key),
 * loaded once and rewritten as PEM
 */
#define LEGACY_SUFFIX ".pair"

/**
 * Room for a pair file name
 */
#define FILE_LEN (MAX_NAME_LEN + sizeof(LEGACY_SUFFIX))

/**
 * What the lines of a PEM body (without headers) consist of
 */
#define BASE64_LINE_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" \
						  "0123456789+/=\n"

/**
 * PEM label of the certificate
 */
#define CERT_LABEL "CERTIFICATE"

/**
 * PEM labels of the private keys PRIVKEY_PEM writes: PKCS#1 RSA, SEC1 EC,
 * PKCS#8 (EdDSA)
 */
static char *key_labels[] = {
	"RSA PRIVATE KEY",
	"EC PRIVATE KEY",
	"PRIVATE KEY",
};

/**
 * How often we pick another temporary name if one exists
 */
#define TEMP_TRIES 16

typedef struct private_getcert_store_t private_getcert_store_t;

/**
 * Private data of a getcert_store_t object.
 */
struct private_getcert_store_t {

	/**
	 * Public interface.
	 */
	getcert_store_t public;

	/**
	 * Directory path, for log messages
	 */
	char *dir;

	/**
	 * Directory, opened with O_NOFOLLOW, all files are relative to it
	 */
	int fd;
};

/**
 * Counter making temporary names unique within this process
 */
static refcount_t temp_counter = 0;

/**
 * Check a profile name, so that it can't leave the directory or hide
 */
static bool valid_name(char *name)
{
	size_t len, i;

	len = name ? strlen(name) : 0;
	if (len == 0 || len > MAX_NAME_LEN || name[0] == '.')
	{
		return FALSE;
	}
	for (i = 0; i < len; i++)
	{
		/* not isalnum(), which depends on the locale */
		if (!(name[i] >= 'a' && name[i] <= 'z') &&
			!(name[i] >= 'A' && name[i] <= 'Z') &&
			!(name[i] >= '0' && name[i] <= '9') &&
			!strchr("_.-", name[i]))
		{
			return FALSE;
		}
	}
	return TRUE;
}

/**
 * Check the name and build the file name of its pair with a suffix
 */
static bool pair_file(char *name, char *suffix, char *buf, size_t len)
{
	if (!valid_name(name))
	{
		DBG1(DBG_CFG, "getcert: invalid profile name for the key store, "
			 "only up to %d of [a-zA-Z0-9_.-], not starting with '.', "
			 "refused", MAX_NAME_LEN);
		return FALSE;
	}
	snprintf(buf, len, "%s%s", name, suffix);
	return TRUE;
}

/**
 * Write all of a buffer, retrying on short writes and EINTR
 */
static bool write_all(int fd, chunk_t data)
{
	ssize_t len;

	while (data.len)
	{
		len = write(fd, data.ptr, data.len);
		if (len < 0)
		{
			if (errno == EINTR)
			{
				continue;
			}
			return FALSE;
		}
		data = chunk_skip(data, len);
	}
	return TRUE;
}

/**
 * Create a new temporary file next to the pair file, 0600
 */
static int create_temp(private_getcert_store_t *this, char *file,
					   char *buf, size_t len)
{
	int fd, i;

	for (i = 0; i < TEMP_TRIES; i++)
	{
		snprintf(buf, len, ".%s.%u.%u", file, (u_int)getpid(),
				 (u_int)ref_get(&temp_counter));
		fd = openat(this->fd, buf,
					O_CREAT | O_EXCL | O_NOFOLLOW | O_WRONLY | O_CLOEXEC,
					S_IRUSR | S_IWUSR);
		if (fd >= 0 || errno != EEXIST)
		{
			return fd;
		}
	}
	return -1;
}

/**
 * Write the encoded pair to a temporary file and rename it over the pair
 * file, unlinking the temporary file on failure
 */
static bool write_pair(private_getcert_store_t *this, char *file,
					   chunk_t data)
{
	char temp[128];
	int fd;

	fd = create_temp(this, file, temp, sizeof(temp));
	if (fd < 0)
	{
		DBG1(DBG_CFG, "getcert: creating temporary file for '%s' in '%s' "
			 "failed: %s", file, this->dir, strerror(errno));
		return FALSE;
	}
	if (!write_all(fd, data) || fsync(fd) != 0)
	{
		DBG1(DBG_CFG, "getcert: writing '%s' in '%s' failed: %s", file,
			 this->dir, strerror(errno));
		close(fd);
		unlinkat(this->fd, temp, 0);
		return FALSE;
	}
	if (close(fd) != 0)
	{
		DBG1(DBG_CFG, "getcert: writing '%s' in '%s' failed: %s", file,
			 this->dir, strerror(errno));
		unlinkat(this->fd, temp, 0);
		return FALSE;
	}
	if (renameat(this->fd, temp, this->fd, file) != 0)
	{
		DBG1(DBG_CFG, "getcert: replacing '%s' in '%s' failed: %s", file,
			 this->dir, strerror(errno));
		unlinkat(this->fd, temp, 0);
		return FALSE;
	}
	if (fsync(this->fd) != 0)
	{
		DBG1(DBG_CFG, "getcert: syncing '%s' failed, '%s' might not be "
			 "durable: %s", this->dir, file, strerror(errno));
		return FALSE;
	}
	return TRUE;
}

/**
 * Remove a pair file written before PEM, if any
 */
static void remove_legacy(private_getcert_store_t *this, char *name)
{
	char file[FILE_LEN];

	if (pair_file(name, LEGACY_SUFFIX, file, sizeof(file)) &&
		unlinkat(this->fd, file, 0) != 0 && errno != ENOENT)
	{
		DBG1(DBG_CFG, "getcert: removing '%s' in '%s' failed: %s",
			 file, this->dir, strerror(errno));
	}
}

METHOD(getcert_store_t, save, bool,
	private_getcert_store_t *this, char *name, certificate_t *cert,
	private_key_t *key)
{
	chunk_t cert_pem, key_pem, data;
	char file[FILE_LEN];
	bool success;

	if (!pair_file(name, PAIR_SUFFIX, file, sizeof(file)))
	{
		return FALSE;
	}
	if (!getcert_key_matches(cert, key))
	{
		DBG1(DBG_CFG, "getcert: profile '%s': certificate '%Y' does not "
			 "match the private key, not saved", name,
			 cert->get_subject(cert));
		return FALSE;
	}
	/* PEM encoding needs the pem plugin */
	if (!cert->get_encoding(cert, CERT_PEM, &cert_pem))
	{
		DBG1(DBG_CFG, "getcert: profile '%s': PEM encoding of the "
			 "certificate failed, not saved", name);
		return FALSE;
	}
	if (!key->get_encoding(key, PRIVKEY_PEM, &key_pem))
	{
		DBG1(DBG_CFG, "getcert: profile '%s': PEM encoding of the private "
			 "key failed, not saved", name);
		chunk_free(&cert_pem);
		return FALSE;
	}
	data = chunk_cat("ms", cert_pem, key_pem);
	success = write_pair(this, file, data);
	chunk_clear(&data);
	if (success)
	{
		remove_legacy(this, name);
		DBG1(DBG_CFG, "getcert: profile '%s': saved certificate '%Y' and "
			 "key to '%s'", name, cert->get_subject(cert), this->dir);
	}
	return success;
}

/**
 * Split the first complete ASN.1 SEQUENCE off a blob
 */
static bool split_sequence(chunk_t *blob, chunk_t *object)
{
	chunk_t rest = *blob;
	size_t len;

	if (rest.len < 2 || rest.ptr[0] != ASN1_SEQUENCE)
	{
		return FALSE;
	}
	len = asn1_length(&rest);
	if (len == ASN1_INVALID_LENGTH || len > rest.len)
	{
		return FALSE;
	}
	*object = chunk_create(blob->ptr, rest.ptr - blob->ptr + len);
	*blob = chunk_skip(*blob, object->len);
	return TRUE;
}

/**
 * Open a pair file and check its type, owner and permissions
 */
static int open_pair(private_getcert_store_t *this, char *file, bool *missing)
{
	struct stat st;
	int fd;

	*missing = FALSE;
	/* O_NONBLOCK so a FIFO can't block us, fstat() rejects it anyway */
	fd = openat(this->fd, file,
				O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
	{
		if (errno == ENOENT)
		{
			DBG2(DBG_CFG, "getcert: no '%s' in '%s'", file, this->dir);
			*missing = TRUE;
		}
		else if (errno == ELOOP)
		{
			DBG1(DBG_CFG, "getcert: '%s' in '%s' is a symbolic link, "
				 "ignored", file, this->dir);
		}
		else
		{
			DBG1(DBG_CFG, "getcert: opening '%s' in '%s' failed: %s",
				 file, this->dir, strerror(errno));
		}
		return -1;
	}
	if (fstat(fd, &st) != 0)
	{
		DBG1(DBG_CFG, "getcert: stat of '%s' in '%s' failed: %s",
			 file, this->dir, strerror(errno));
	}
	else if (!S_ISREG(st.st_mode))
	{
		DBG1(DBG_CFG, "getcert: '%s' in '%s' is not a regular file, "
			 "ignored", file, this->dir);
	}
	else if (st.st_uid != geteuid())
	{
		DBG1(DBG_CFG, "getcert: '%s' in '%s' is owned by uid %u, not by "
			 "us, ignored", file, this->dir, (u_int)st.st_uid);
	}
	else if (st.st_mode & (S_IRWXG | S_IRWXO))
	{
		DBG1(DBG_CFG, "getcert: '%s' in '%s' is accessible by group or "
			 "others (mode %04o), ignored", file, this->dir,
			 (u_int)(st.st_mode & 07777));
	}
	else if (st.st_size > MAX_PAIR_SIZE)
	{
		DBG1(DBG_CFG, "getcert: '%s' in '%s' is larger than %d bytes, "
			 "ignored", file, this->dir, MAX_PAIR_SIZE);
	}
	else
	{
		return fd;
	}
	close(fd);
	return -1;
}

/**
 * Read a pair file, at most MAX_PAIR_SIZE bytes, into a buffer of
 * MAX_PAIR_SIZE + 1 bytes (to be wiped by the caller)
 */
static bool read_pair(private_getcert_store_t *this, int fd, char *file,
					  chunk_t buf, chunk_t *data)
{
	ssize_t len;
	size_t total = 0;

	while (total < buf.len)
	{
		len = read(fd, buf.ptr + total, buf.len - total);
		if (len < 0)
		{
			if (errno == EINTR)
			{
				continue;
			}
			DBG1(DBG_CFG, "getcert: reading '%s' in '%s' failed: %s",
				 file, this->dir, strerror(errno));
			return FALSE;
		}
		if (len == 0)
		{
			break;
		}
		total += len;
	}
	if (total > MAX_PAIR_SIZE)
	{	/* grew since we checked it */
		DBG1(DBG_CFG, "getcert: '%s' in '%s' is larger than %d bytes, "
			 "ignored", file, this->dir, MAX_PAIR_SIZE);
		return FALSE;
	}
	*data = chunk_create(buf.ptr, total);
	return TRUE;
}

/**
 * Split a PEM block with the given label off the start of data: BEGIN
 * line, base64 lines, END line and the line break after it. Headers (as
 * in encrypted PEM) are refused.
 */
static bool split_pem(chunk_t *data, char *label, chunk_t *block)
{
	char begin[64], end[64];
	size_t begin_len, end_len, i;
	u_char *pos;

	begin_len = snprintf(begin, sizeof(begin), "-----BEGIN %s-----\n", label);
	end_len = snprintf(end, sizeof(end), "\n-----END %s-----", label);
	if (data->len < begin_len || !memeq(data->ptr, begin, begin_len))
	{
		return FALSE;
	}
	pos = memstr(data->ptr + begin_len - 1, end, data->len - begin_len + 1);
	if (!pos)
	{
		return FALSE;
	}
	for (i = begin_len; data->ptr + i < pos; i++)
	{
		/* not isalnum(), which depends on the locale */
		if (!memchr(BASE64_LINE_CHARS, data->ptr[i],
					strlen(BASE64_LINE_CHARS)))
		{
			return FALSE;
		}
	}
	*block = chunk_create(data->ptr, pos - data->ptr + end_len);
	*data = chunk_skip(*data, block->len);
	if (data->len && data->ptr[0] == '\n')
	{
		*data = chunk_skip(*data, 1);
	}
	return TRUE;
}

/**
 * Split the certificate's and the key's PEM off a pair file
 */
static bool split_pem_pair(private_getcert_store_t *this, char *file,
						   chunk_t *data, chunk_t *cert, chunk_t *key)
{
	int i;

	if (!split_pem(data, CERT_LABEL, cert))
	{
		DBG1(DBG_CFG, "getcert: '%s' in '%s' does not start with a PEM "
			 "certificate, ignored", file, this->dir);
		return FALSE;
	}
	*key = chunk_empty;
	for (i = 0; i < countof(key_labels) && !key->len; i++)
	{
		split_pem(data, key_labels[i], key);
	}
	if (!key->len)
	{
		DBG1(DBG_CFG, "getcert: '%s' in '%s' has no complete PEM private "
			 "key after the certificate, ignored", file, this->dir);
		return FALSE;
	}
	return TRUE;
}

/**
 * Split the certificate's and the key's DER off a pair file written before
 * PEM
 */
static bool split_der_pair(private_getcert_store_t *this, char *file,
						   chunk_t *data, chunk_t *cert, chunk_t *key)
{
	if (!split_sequence(data, cert))
	{
		DBG1(DBG_CFG, "getcert: '%s' in '%s' does not start with a "
			 "certificate, ignored", file, this->dir);
		return FALSE;
	}
	if (!split_sequence(data, key))
	{
		DBG1(DBG_CFG, "getcert: '%s' in '%s' has no complete private key "
			 "after the certificate, ignored", file, this->dir);
		return FALSE;
	}
	return TRUE;
}

/**
 * A pair file format
 */
typedef struct {
	/** suffix of the file name */
	char *suffix;
	/** splits the certificate and the key off the file's data */
	bool (*split)(private_getcert_store_t *this, char *file, chunk_t *data,
				  chunk_t *cert, chunk_t *key);
	/** builder part the two are passed as */
	builder_part_t part;
} pair_format_t;

/**
 * The format we write, PEM
 */
static pair_format_t pem_format = {
	PAIR_SUFFIX, split_pem_pair, BUILD_BLOB_PEM,
};

/**
 * The format written before, DER, loaded to be rewritten as PEM
 */
static pair_format_t legacy_format = {
	LEGACY_SUFFIX, split_der_pair, BUILD_BLOB_ASN1_DER,
};

/**
 * Parse a pair: exactly a certificate followed by a private key that
 * matches it
 */
static bool parse_pair(private_getcert_store_t *this, char *file,
					   pair_format_t *format, chunk_t data,
					   certificate_t **cert_out, private_key_t **key_out)
{
	certificate_t *cert;
	private_key_t *key;
	chunk_t cert_blob, key_blob;

	if (!format->split(this, file, &data, &cert_blob, &key_blob))
	{
		return FALSE;
	}
	if (data.len)
	{
		DBG1(DBG_CFG, "getcert: '%s' in '%s' has %u unexpected bytes after "
			 "the private key, ignored", file, this->dir, (u_int)data.len);
		return FALSE;
	}
	cert = lib->creds->create(lib->creds, CRED_CERTIFICATE, CERT_X509,
							  format->part, cert_blob, BUILD_END);
	if (!cert)
	{
		DBG1(DBG_CFG, "getcert: parsing the certificate in '%s' in '%s' "
			 "failed, ignored", file, this->dir);
		return FALSE;
	}
	key = lib->creds->create(lib->creds, CRED_PRIVATE_KEY, KEY_ANY,
							 format->part, key_blob, BUILD_END);
	if (!key)
	{
		DBG1(DBG_CFG, "getcert: parsing the private key in '%s' in '%s' "
			 "failed, ignored", file, this->dir);
		cert->destroy(cert);
		return FALSE;
	}
	if (!getcert_key_matches(cert, key))
	{
		DBG1(DBG_CFG, "getcert: certificate '%Y' in '%s' in '%s' does not "
			 "match the private key, ignored", cert->get_subject(cert),
			 file, this->dir);
		cert->destroy(cert);
		key->destroy(key);
		return FALSE;
	}
	*cert_out = cert;
	*key_out = key;
	return TRUE;
}

/**
 * Read and parse a pair file of a format, if it exists
 */
static bool load_file(private_getcert_store_t *this, char *file,
					  pair_format_t *format, certificate_t **cert,
					  private_key_t **key, bool *missing)
{
	chunk_t buf, data;
	bool success;
	int fd;

	fd = open_pair(this, file, missing);
	if (fd < 0)
	{
		return FALSE;
	}
	buf = chunk_alloc(MAX_PAIR_SIZE + 1);
	success = read_pair(this, fd, file, buf, &data) &&
			  parse_pair(this, file, format, data, cert, key);
	close(fd);
	chunk_clear(&buf);
	return success;
}

METHOD(getcert_store_t, load, bool,
	private_getcert_store_t *this, char *name, certificate_t **cert,
	private_key_t **key)
{
	char file[FILE_LEN], legacy[FILE_LEN];
	bool missing;

	if (!pair_file(name, pem_format.suffix, file, sizeof(file)) ||
		!pair_file(name, legacy_format.suffix, legacy, sizeof(legacy)))
	{
		return FALSE;
	}
	if (load_file(this, file, &pem_format, cert, key, &missing))
	{
		DBG1(DBG_CFG, "getcert: profile '%s': loaded certificate '%Y' and "
			 "key from '%s'", name, (*cert)->get_subject(*cert), this->dir);
		return TRUE;
	}
	if (!missing ||
		!load_file(this, legacy, &legacy_format, cert, key, &missing))
	{
		return FALSE;
	}
	DBG1(DBG_CFG, "getcert: profile '%s': loaded certificate '%Y' and key "
		 "from '%s' in '%s', rewriting it as '%s'", name,
		 (*cert)->get_subject(*cert), legacy, this->dir, file);
	/* removes the legacy file once the PEM one is written */
	save(this, name, *cert, *key);
	return TRUE;
}

METHOD(getcert_store_t, remove_, void,
	private_getcert_store_t *this, char *name)
{
	char file[FILE_LEN];

	if (!pair_file(name, PAIR_SUFFIX, file, sizeof(file)))
	{
		return;
	}
	remove_legacy(this, name);
	if (unlinkat(this->fd, file, 0) != 0)
	{
		if (errno != ENOENT)
		{
			DBG1(DBG_CFG, "getcert: removing '%s' in '%s' failed: %s",
				 file, this->dir, strerror(errno));
		}
		return;
	}
	DBG1(DBG_CFG, "getcert: profile '%s': removed saved pair from '%s'",
		 name, this->dir);
}

METHOD(getcert_store_t, destroy, void,
	private_getcert_store_t *this)
{
	close(this->fd);
	free(this->dir);
	free(this);
}

/**
 * Open the directory and check its type, owner and permissions
 */
static int open_dir(char *dir)
{
	struct stat st;
	int fd;

	if (mkdir(dir, S_IRWXU) == 0)
	{
		DBG1(DBG_CFG, "getcert: created key store directory '%s'", dir);
	}
	else if (errno != EEXIST)
	{
		DBG1(DBG_CFG, "getcert: creating key store directory '%s' "
			 "failed: %s", dir, strerror(errno));
		return -1;
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
	{
		if (errno == ELOOP || errno == ENOTDIR)
		{
			DBG1(DBG_CFG, "getcert: key store '%s' is a symbolic link or "
				 "not a directory, refused", dir);
		}
		else
		{
			DBG1(DBG_CFG, "getcert: opening key store directory '%s' "
				 "failed: %s", dir, strerror(errno));
		}
		return -1;
	}
	if (fstat(fd, &st) != 0)
	{
		DBG1(DBG_CFG, "getcert: stat of key store directory '%s' failed: "
			 "%s", dir, strerror(errno));
	}
	else if (!S_ISDIR(st.st_mode))
	{
		DBG1(DBG_CFG, "getcert: key store '%s' is not a directory, "
			 "refused", dir);
	}
	else if (st.st_uid != geteuid())
	{
		DBG1(DBG_CFG, "getcert: key store directory '%s' is owned by uid "
			 "%u, not by us, refused", dir, (u_int)st.st_uid);
	}
	else if (st.st_mode & (S_IWGRP | S_IWOTH))
	{
		DBG1(DBG_CFG, "getcert: key store directory '%s' is writable by "
			 "group or others (mode %04o), refused", dir,
			 (u_int)(st.st_mode & 07777));
	}
	else
	{
		return fd;
	}
	close(fd);
	return -1;
}

/*
 * Described in header
 */
getcert_store_t *getcert_store_create(char *dir)
{
	private_getcert_store_t *this;
	int fd;

	if (!dir || !*dir)
	{
		DBG1(DBG_CFG, "getcert: no key store directory given");
		return NULL;
	}
	fd = open_dir(dir);
	if (fd < 0)
	{
		return NULL;
	}

	INIT(this,
		.public = {
			.save = _save,
			.load = _load,
			.remove = _remove_,
			.destroy = _destroy,
		},
		.dir = strdup(dir),
		.fd = fd,
	);

	return &this->public;
}

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

/*
 * getcert-enroll: obtain a certificate over GETCERT (SCEP over HTTPS with
 * HTTP authentication) from the command line, with the engine the charon
 * plugin uses.
 */

#include <stdio.h>
#include <ctype.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include <getopt.h>
#include <errno.h>
#include <libgen.h>
#include <time.h>
#include <sys/time.h>
#include <sys/stat.h>

#include <library.h>
#include <utils/debug.h>

#include <getcert_client.h>
#include <getcert_settings.h>
#include <getcert_x509.h>

/**
 * Plugins loaded unless strongswan.conf's getcert-enroll.load says otherwise
 */
#define GETCERT_ENROLL_PLUGINS \
	"random nonce x509 pkcs1 pubkey openssl pem pkcs8 constraints"

/**
 * Command line options
 */
static struct {
	char *url;
	char *identity;
	char *subject;
	char *user;
	char *ca_cert;
	char *ca_fp;
	char *tls_ca;
	char *tls_pin;
	char *ra_fp;
	char *challenge_file;
	char *password_file;
	char *key;
	char *renew_cert;
	char *renew_key;
	char *out_key;
	char *out_cert;
	char *get_crl;
	char *protocol;
	char *est_label;
	char *key_type;
	char *curve;
	int key_size;
	bool plain_http;
	/** wait for the server's 401 before sending the password */
	bool no_preemptive_auth;
	bool allow_des3;
	bool allow_sha1;
	bool allow_des;
	bool stats;
	bool replace;
	bool server_keygen;
	bool allow_plain_key;
	u_int timeout;
	u_int poll_timeout;
	int level;
} opt = {
	.timeout = 30,
	.poll_timeout = 300,
	.level = 1,
};

static void usage(FILE *out)
{
	fprintf(out,
"usage: getcert-enroll --url URL --identity ID --out-key FILE --out-cert FILE\n"
"         [--ca-cert FILE] [--ca-fingerprint SHA256] [--tls-ca FILE]\n"
"         [--tls-pin sha256//BASE64] [--ra-fingerprint SHA256[,...]]\n"
"         [--user NAME] [--password-file FILE] [--challenge-file FILE]\n"
"         [--subject DN] [--key FILE | [--key-type rsa|ecdsa|ed25519]\n"
"         [--key-size BITS] [--curve p256|p384]]\n"
"         [--protocol scep|est] [--est-label LABEL]\n"
"         [--server-keygen [--allow-plain-key]]\n"
"         [--renew-cert FILE --renew-key FILE] [--replace] [--plain-http]\n"
"         [--no-preemptive-auth]\n"
"         [--allow-des3] [--allow-sha1] [--allow-des]\n"
"         [--timeout S] [--poll-timeout S]\n"
"         [--stats] [--debug LEVEL]\n"
"       getcert-enroll --url URL --ca-cert FILE --renew-cert FILE\n"
"         --renew-key FILE --identity ID --get-crl FILE [--replace]\n"
"\n"
"  The CA is pinned with --ca-cert and/or --ca-fingerprint. The HTTPS\n"
"  server is authenticated by --tls-pin (SHA-256 of its public key) and/or\n"
"  its certificate chaining to --tls-ca, else to the CA (it then needs the\n"
"  serverAuth usage); its DNS or IP subjectAltName must match the URL. The\n"
"  system's CAs are never used; nothing is sent before the CA matched.\n"
"  RAs in GetCACert count only over authenticated HTTPS or pinned with\n"
"  --ra-fingerprint. --allow-des3/--allow-sha1 also accept them in replies,\n"
"  --allow-des accepts DES-CBC in replies only. The HTTP password comes\n"
"  from --password-file or GETCERT_PASSWORD; server challenges are shown\n"
"  on stderr and answered from stdin. The password goes with the request\n"
"  that enrolls (PKCSReq, /simpleenroll, /serverkeygen; never with a\n"
"  renewal) without waiting for the server's 401, over authenticated\n"
"  HTTPS only; a 401 to it is answered as usual (a challenge, or a\n"
"  rejection); --no-preemptive-auth waits for the 401 instead.\n"
"  SCEP's challengePassword comes from\n"
"  --challenge-file (one line, \"-\" reads stdin) or GETCERT_CHALLENGE,\n"
"  never from the command line. --get-crl fetches the CA's CRL (GetCRL,\n"
"  signed with the current certificate) instead of enrolling.\n"
"\n"
"  Output files are created new (O_EXCL|O_NOFOLLOW), the key 0600, the\n"
"  certificate and CRL 0644; an existing file or a symbolic link at an\n"
"  output path is refused before anything is sent. --replace replaces\n"
"  existing regular files instead: each is written to a new temporary\n"
"  file in the same directory, synced and renamed over it (never through\n"
"  a symbolic link, which is still refused). A renewal that returns no\n"
"  newer certificate fails (exit 3) and leaves the current files alone.\n"
"  --protocol est enrolls over EST (RFC 7030/8951, HTTPS only): the URL\n"
"  is https://host[:port] (then /.well-known/est) or the EST base,\n"
"  --est-label adds a CA label. /cacerts is checked against the pin as\n"
"  GetCACert is; /simpleenroll answers HTTP authentication as SCEP does;\n"
"  with --renew-cert/--renew-key /simplereenroll authenticates by TLS\n"
"  with that certificate and key (no password). A new key is RSA\n"
"  (--key-size 2048, 3072 or 4096, default 2048), ECDSA (--curve p256 or\n"
"  p384, default p256) or Ed25519 (--key-type); SCEP takes RSA only.\n"
"  With EST, what the server's /csrattrs asks for fills in an unset size\n"
"  or curve; a request outside of the options is refused (exit 2).\n"
"  --server-keygen (EST only) has the server generate the key\n"
"  (/serverkeygen, RFC 7030 4.4) of the type the key options select; it\n"
"  comes back encrypted to an ephemeral RSA key of the request and signed\n"
"  by the CA or its RA, and is written to --out-key only once it matches\n"
"  the certificate. --allow-plain-key asks for and accepts it protected\n"
"  by TLS alone (application/pkcs8) instead.\n"
"  --timeout and --poll-timeout take seconds, or a number with a unit\n"
"  s, m, h or d.\n"
"  The crypto plugins come from strongswan.conf's getcert-enroll.load\n"
"  (default: " GETCERT_ENROLL_PLUGINS ").\n"
"  Exit codes: 0 issued, 1 usage, 2 failed, 3 rejected by the CA (or\n"
"  not renewed) or authentication, 4 transient (retry later).\n");
}

/**
 * Credential callback: password from file/environment, challenges from
 * the terminal
 */
static bool credential_cb(void *data, identification_t *user,
						  char *challenge, u_int attempt, chunk_t *secret)
{
	char line[512], *pw;
	chunk_t file;
	size_t len;
	int fd;

	if (challenge)
	{
		fprintf(stderr, "%s\nresponse for '%Y': ", challenge, user);
		if (!fgets(line, sizeof(line), stdin))
		{
			return FALSE;
		}
		len = strcspn(line, "\r\n");
		*secret = chunk_clone(chunk_create(line, len));
		memwipe(line, sizeof(line));
		return TRUE;
	}
	if (attempt > 1)
	{	/* the configured password was rejected, no point resending it */
		return FALSE;
	}
	if (opt.password_file)
	{
		fd = open(opt.password_file, O_RDONLY);
		if (fd < 0 || !chunk_from_fd(fd, &file))
		{
			fprintf(stderr, "reading %s failed\n", opt.password_file);
			if (fd >= 0)
			{
				close(fd);
			}
			return FALSE;
		}
		close(fd);
		len = 0;
		while (len < file.len && file.ptr[len] != '\n' &&
			   file.ptr[len] != '\r')
		{
			len++;
		}
		*secret = chunk_clone(chunk_create(file.ptr, len));
		chunk_clear(&file);
		return TRUE;
	}
	pw = getenv("GETCERT_PASSWORD");
	if (pw)
	{
		*secret = chunk_clone(chunk_from_str(pw));
		return TRUE;
	}
	return FALSE;
}

/**
 * Load a certificate file
 */
static certificate_t *load_cert(char *path)
{
	certificate_t *cert;

	cert = lib->creds->create(lib->creds, CRED_CERTIFICATE, CERT_X509,
							  BUILD_FROM_FILE, path, BUILD_END);
	if (!cert)
	{
		fprintf(stderr, "loading certificate %s failed\n", path);
	}
	return cert;
}

/**
 * Load a private key file
 */
static private_key_t *load_key(char *path)
{
	private_key_t *key;

	key = lib->creds->create(lib->creds, CRED_PRIVATE_KEY, KEY_ANY,
							 BUILD_FROM_FILE, path, BUILD_END);
	if (!key)
	{
		fprintf(stderr, "loading private key %s failed\n", path);
	}
	return key;
}

/**
 * Check before enrolling that an output path can be written: nothing there,
 * or with --replace a regular file. Never follows a symbolic link.
 */
static bool check_output(char *path)
{
	struct stat st;

	if (lstat(path, &st) != 0)
	{
		if (errno == ENOENT)
		{
			return TRUE;
		}
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return FALSE;
	}
	if (S_ISLNK(st.st_mode))
	{
		fprintf(stderr, "%s is a symbolic link, refusing to write through "
				"or replace it\n", path);
		return FALSE;
	}
	if (!S_ISREG(st.st_mode))
	{
		fprintf(stderr, "%s exists and is not a regular file, refusing to "
				"write it\n", path);
		return FALSE;
	}
	if (!opt.replace)
	{
		fprintf(stderr, "%s exists, refusing to overwrite it (--replace "
				"replaces it atomically)\n", path);
		return FALSE;
	}
	return TRUE;
}

/**
 * Write data to a file created with O_EXCL|O_NOFOLLOW and sync it; a
 * file that exists (a symbolic link included) is never opened.
 * Returns 0, or the errno of the failure (nothing is left behind).
 */
static int write_new(char *path, chunk_t data, mode_t mode)
{
	ssize_t len;
	int fd, err = 0;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			  mode);
	if (fd < 0)
	{
		return errno;
	}
	while (data.len)
	{
		len = write(fd, data.ptr, data.len);
		if (len < 0 && errno == EINTR)
		{
			continue;
		}
		if (len <= 0)
		{
			err = len ? errno : EIO;
			break;
		}
		data = chunk_skip(data, len);
	}
	if (!err && fsync(fd) != 0)
	{
		err = errno;
	}
	if (close(fd) != 0 && !err)
	{
		err = errno;
	}
	if (err)
	{
		unlink(path);
	}
	return err;
}

/**
 * An output file being written
 */
typedef struct {
	/** the path given on the command line */
	char *path;
	/** the temporary file it is staged in with --replace */
	char tmp[PATH_MAX];
	/** whether the file (path, or tmp with --replace) exists now */
	bool created;
} out_file_t;

/**
 * Stage an output file: without --replace create it new at its path,
 * with --replace create a new temporary file in the same directory
 */
static bool stage(out_file_t *out, chunk_t data, mode_t mode)
{
	rng_t *rng;
	char *target = out->path;
	uint32_t rnd;
	int i;

	int err = EINVAL;

	if (!opt.replace)
	{
		err = write_new(target, data, mode);
		if (err)
		{
			fprintf(stderr, "creating %s failed: %s%s\n", target,
					strerror(err), err == EEXIST ? " (left as it is)" : "");
		}
		out->created = !err;
		return out->created;
	}
	rng = lib->crypto->create_rng(lib->crypto, RNG_WEAK);
	for (i = 0; rng && i < 8; i++)
	{
		if (!rng->get_bytes(rng, sizeof(rnd), (uint8_t*)&rnd) ||
			snprintf(out->tmp, sizeof(out->tmp), "%s.%08x.tmp", target,
					 rnd) >= sizeof(out->tmp))
		{
			err = EINVAL;
			break;
		}
		err = write_new(out->tmp, data, mode);
		if (err != EEXIST)
		{
			break;
		}
	}
	DESTROY_IF(rng);
	if (err)
	{
		fprintf(stderr, "creating a temporary file for %s failed: %s\n",
				target, strerror(err));
	}
	out->created = !err;
	return out->created;
}

/**
 * Sync the directory of a path, so a rename is durable
 */
static void sync_dir(char *path)
{
	char buf[PATH_MAX];
	int fd;

	snprintf(buf, sizeof(buf), "%s", path);
	fd = open(dirname(buf), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0)
	{
		fsync(fd);
		close(fd);
	}
}

/**
 * Put a staged file in place: with --replace rename the temporary file
 * over the path (rename replaces a directory entry, it never follows a
 * symbolic link at the target, which check_output() refused anyway)
 */
static bool commit(out_file_t *out)
{
	if (!opt.replace)
	{
		return TRUE;
	}
	if (!check_output(out->path))
	{
		return FALSE;
	}
	if (rename(out->tmp, out->path) != 0)
	{
		fprintf(stderr, "replacing %s failed: %s\n", out->path,
				strerror(errno));
		return FALSE;
	}
	out->created = FALSE;
	sync_dir(out->path);
	return TRUE;
}

/**
 * Remove what a failed write left behind: a temporary file, or a new
 * file whose partner could not be written
 */
static void discard(out_file_t *out)
{
	if (out->created)
	{
		unlink(opt.replace ? out->tmp : out->path);
		out->created = FALSE;
	}
}

/**
 * Write one file, new or (--replace) replacing a regular file atomically
 */
static bool write_file(char *path, chunk_t data, mode_t mode)
{
	out_file_t out = { .path = path };

	if (stage(&out, data, mode) && commit(&out))
	{
		return TRUE;
	}
	discard(&out);
	return FALSE;
}

/**
 * Write the key (0600) and the certificate (0644) as a pair: both new
 * files, or with --replace both staged before either replaces its file
 */
static bool write_pair(chunk_t key, chunk_t cert)
{
	out_file_t k = { .path = opt.out_key }, c = { .path = opt.out_cert };

	if (stage(&k, key, 0600) && stage(&c, cert, 0644) && commit(&k))
	{
		if (commit(&c))
		{
			return TRUE;
		}
		if (opt.replace)
		{	/* rename() in the same directory hardly fails, but say so */
			fprintf(stderr, "warning: %s was replaced but %s was not, they "
					"do not match\n", opt.out_key, opt.out_cert);
		}
	}
	discard(&k);
	discard(&c);
	return FALSE;
}

/**
 * Read the SCEP challengePassword from --challenge-file or
 * GETCERT_CHALLENGE (wiped from the environment); one line, the trailing
 * newline stripped. Returns FALSE on a bad source, *pw NULL if none.
 */
static bool read_challenge(char **pw)
{
	chunk_t data = chunk_empty;
	char *env;
	size_t len;
	int fd;
	bool ok = FALSE;

	*pw = NULL;
	if (opt.challenge_file)
	{
		fd = streq(opt.challenge_file, "-") ? 0
					: open(opt.challenge_file, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || !chunk_from_fd(fd, &data))
		{
			fprintf(stderr, "reading the challenge password from %s "
					"failed\n", opt.challenge_file);
			if (fd > 0)
			{
				close(fd);
			}
			return FALSE;
		}
		if (fd > 0)
		{
			close(fd);
		}
	}
	else
	{
		env = getenv("GETCERT_CHALLENGE");
		if (!env)
		{
			return TRUE;
		}
		data = chunk_clone(chunk_from_str(env));
		memwipe(env, strlen(env));
		unsetenv("GETCERT_CHALLENGE");
	}
	len = data.len;
	if (len && data.ptr[len - 1] == '\n')
	{
		len--;
		if (len && data.ptr[len - 1] == '\r')
		{
			len--;
		}
	}
	if (!len)
	{
		fprintf(stderr, "the challenge password is empty\n");
	}
	else if (memchr(data.ptr, '\n', len) || memchr(data.ptr, '\r', len) ||
			 memchr(data.ptr, '\0', len))
	{
		fprintf(stderr, "the challenge password must be a single line\n");
	}
	else if (len > 255)
	{
		fprintf(stderr, "the challenge password is longer than 255 "
				"characters\n");
	}
	else
	{
		*pw = strndup(data.ptr, len);
		ok = TRUE;
	}
	chunk_clear(&data);
	return ok;
}

/**
 * Parse the duration of an option, up to a year
 */
static bool get_duration(char *name, char *str, u_int *out)
{
	if (!getcert_duration_from_string(str, 0, 365 * 86400, out))
	{
		fprintf(stderr, "--%s '%s' is not a duration from 0s to %us (digits "
				"with an optional s, m, h or d)\n", name, str, 365 * 86400);
		return FALSE;
	}
	return TRUE;
}

/**
 * The key to generate from --key-type, --key-size and --curve; bits 0
 * leaves the size to EST's /csrattrs (or the default)
 */
static bool key_spec(getcert_key_spec_t *spec)
{
	char *type = opt.key_type ?: "rsa";

	if (streq(type, "rsa"))
	{
		spec->type = KEY_RSA;
		if (opt.curve)
		{
			fprintf(stderr, "--curve is for ECDSA keys\n");
			return FALSE;
		}
		if (opt.key_size && opt.key_size != 2048 && opt.key_size != 3072 &&
			opt.key_size != 4096)
		{
			fprintf(stderr, "--key-size must be 2048, 3072 or 4096\n");
			return FALSE;
		}
		spec->bits = opt.key_size;
	}
	else if (streq(type, "ecdsa"))
	{
		spec->type = KEY_ECDSA;
		if (opt.key_size)
		{
			fprintf(stderr, "--key-size is for RSA keys, ECDSA takes "
					"--curve\n");
			return FALSE;
		}
		if (!opt.curve)
		{
			spec->bits = 0;
		}
		else if (streq(opt.curve, "p256"))
		{
			spec->bits = 256;
		}
		else if (streq(opt.curve, "p384"))
		{
			spec->bits = 384;
		}
		else
		{
			fprintf(stderr, "--curve must be p256 or p384\n");
			return FALSE;
		}
	}
	else if (streq(type, "ed25519"))
	{
		spec->type = KEY_ED25519;
		if (opt.key_size || opt.curve)
		{
			fprintf(stderr, "Ed25519 keys take neither --key-size nor "
					"--curve\n");
			return FALSE;
		}
	}
	else
	{
		fprintf(stderr, "--key-type must be rsa, ecdsa or ed25519\n");
		return FALSE;
	}
	if (opt.key && (opt.key_type || opt.key_size || opt.curve))
	{
		fprintf(stderr, "--key takes an existing key, --key-type, "
				"--key-size and --curve generate one\n");
		return FALSE;
	}
	return TRUE;
}

static int run()
{
	getcert_client_params_t params = {
		.url = opt.url,
		.allow_http = opt.plain_http,
		.allow_des3 = opt.allow_des3,
		.allow_sha1 = opt.allow_sha1,
		.allow_des = opt.allow_des,
		.cb = credential_cb,
		.max_tries = 1,
		.preemptive_auth = !opt.no_preemptive_auth,
		.connect_timeout = 10,
		.timeout = opt.timeout,
		.low_speed_time = 10,
		.poll_timeout = opt.poll_timeout,
	};
	private_key_t *key = NULL, *renew_key = NULL;
	certificate_t *ca = NULL, *tls_ca = NULL, *renew = NULL, *cert = NULL;
	identification_t *identity, *user, *subject = NULL;
	getcert_client_t *client = NULL;
	getcert_enroll_t *engine;
	getcert_curl_t *curl;
	getcert_err_t err = GETCERT_ERR_INTERNAL;
	struct timeval start, end;
	chunk_t enc, key_enc = chunk_empty;
	char *challenge = NULL;
	int rc = 2;
	bool est = opt.protocol && streq(opt.protocol, "est");
	getcert_key_spec_t spec = {};

	if (!key_spec(&spec))
	{
		return 1;
	}
	if (est && (opt.plain_http || opt.get_crl || opt.ra_fp ||
				opt.allow_des || opt.allow_des3 || opt.allow_sha1))
	{
		fprintf(stderr, "--plain-http, --get-crl, --ra-fingerprint and "
				"--allow-des* /--allow-sha1 are SCEP options, not for EST\n");
		return 1;
	}
	if (opt.server_keygen && (!est || opt.key || opt.get_crl))
	{
		fprintf(stderr, "--server-keygen needs --protocol est, and takes "
				"neither --key nor --get-crl\n");
		return 1;
	}
	if (opt.allow_plain_key && !opt.server_keygen)
	{
		fprintf(stderr, "--allow-plain-key needs --server-keygen\n");
		return 1;
	}
	if (!est && opt.est_label)
	{
		fprintf(stderr, "--est-label needs --protocol est\n");
		return 1;
	}
	if (!est && spec.type != KEY_RSA)
	{
		fprintf(stderr, "SCEP enrolls RSA keys only (it encrypts to the "
				"requester's key): use --protocol est for %N keys\n",
				key_type_names, spec.type);
		return 1;
	}

	/* refuse an unusable output path before anything is sent */
	if (opt.get_crl ? !check_output(opt.get_crl)
					: !check_output(opt.out_key) || !check_output(opt.out_cert))
	{
		return 1;
	}
	if (!read_challenge(&challenge))
	{
		return 1;
	}
	identity = identification_create_from_string(opt.identity);
	user = identification_create_from_string(opt.user ?: opt.identity);
	if (opt.subject)
	{
		subject = identification_create_from_string(opt.subject);
	}
	if ((opt.ca_cert && !(ca = load_cert(opt.ca_cert))) ||
		(opt.tls_ca && !(tls_ca = load_cert(opt.tls_ca))) ||
		(opt.renew_cert && !(renew = load_cert(opt.renew_cert))) ||
		(opt.renew_key && !(renew_key = load_key(opt.renew_key))) ||
		(opt.key && !(key = load_key(opt.key))))
	{
		goto out;
	}
	if (opt.ca_fp &&
		(!getcert_x509_parse_fingerprints(opt.ca_fp, &params.ca_fingerprint) ||
		 params.ca_fingerprint.len != HASH_SIZE_SHA256))
	{
		fprintf(stderr, "invalid --ca-fingerprint\n");
		rc = 1;
		goto out;
	}
	if (opt.ra_fp &&
		!getcert_x509_parse_fingerprints(opt.ra_fp, &params.ra_fingerprints))
	{
		fprintf(stderr, "invalid --ra-fingerprint\n");
		rc = 1;
		goto out;
	}
	if (opt.tls_pin &&
		!(params.tls_pin = getcert_curl_parse_pin(opt.tls_pin)))
	{
		fprintf(stderr, "invalid --tls-pin (sha256//BASE64[;...] or the "
				"SHA-256 in hex)\n");
		rc = 1;
		goto out;
	}
	params.protocol = est ? GETCERT_PROTOCOL_EST : GETCERT_PROTOCOL_SCEP;
	params.est_label = opt.est_label;
	params.identity = identity;
	params.subject = subject;
	params.ca_cert = ca;
	params.user = user;
	params.tls_ca = tls_ca;
	params.challenge_password = challenge;
	params.allow_plain_key = opt.allow_plain_key;
	client = getcert_client_create(&params);
	if (!client)
	{
		rc = 1;
		goto out;
	}
	engine = client->get_engine(client);
	curl = client->get_curl(client);

	if (!key && !opt.get_crl && !opt.server_keygen)
	{
		if (est)
		{	/* what /csrattrs asks for, within the options */
			err = client->get_est(client)->get_key_spec(client->get_est(client),
												renew, renew_key, &spec);
			if (err != GETCERT_OK)
			{
				fprintf(stderr, "enrollment failed: %N\n", getcert_err_names,
						err);
				rc = getcert_err_is_transient(err) ? 4 : 2;
				goto out;
			}
		}
		else if (!spec.bits)
		{
			spec.bits = 2048;
		}
		key = lib->creds->create(lib->creds, CRED_PRIVATE_KEY, spec.type,
								 BUILD_KEY_SIZE, spec.bits, BUILD_END);
		if (!key)
		{
			if (spec.bits)
			{	/* "an RSA 2048 key", "an ECDSA 384 key" */
				fprintf(stderr, "generating an %N %u key failed\n",
						key_type_names, spec.type, spec.bits);
			}
			else
			{
				fprintf(stderr, "generating an %N key failed\n",
						key_type_names, spec.type);
			}
			goto out;
		}
	}

	if (opt.get_crl)
	{
		err = engine->get_crl(engine, renew, renew_key, &cert);
		if (err == GETCERT_OK && cert->get_encoding(cert, CERT_PEM, &enc))
		{
			if (write_file(opt.get_crl, enc, 0644))
			{
				printf("CRL of '%Y' written to %s\n", cert->get_issuer(cert),
					   opt.get_crl);
				rc = 0;
			}
			chunk_free(&enc);
		}
		else
		{
			fprintf(stderr, "GetCRL failed: %N\n", getcert_err_names, err);
		}
		goto out;
	}
	gettimeofday(&start, NULL);
	if (opt.server_keygen)
	{	/* the key comes with the certificate, checked against it */
		err = client->get_est(client)->enroll_keygen(client->get_est(client),
										&spec, renew, renew_key, &key, &cert);
	}
	else
	{
		err = engine->enroll(engine, key, renew, renew_key, &cert);
	}
	gettimeofday(&end, NULL);
	if (opt.stats)
	{
		printf("requests=%u connections=%u polls=%u ms=%ld\n",
			   curl->get_requests(curl), curl->get_connects(curl),
			   engine->get_polls(engine),
			   (end.tv_sec - start.tv_sec) * 1000 +
			   (end.tv_usec - start.tv_usec) / 1000);
	}
	if (err != GETCERT_OK)
	{
		fprintf(stderr, "enrollment failed: %N\n", getcert_err_names, err);
		if (err == GETCERT_ERR_REJECTED)
		{
			fprintf(stderr, "  %N\n", getcert_scep_fail_names,
					engine->get_fail_info(engine));
		}
		if (err == GETCERT_ERR_NOT_RENEWED)
		{
			fprintf(stderr, "  %s and %s are left as they are\n",
					opt.renew_cert, opt.renew_key);
		}
		rc = err == GETCERT_ERR_REJECTED || err == GETCERT_ERR_AUTH ||
			 err == GETCERT_ERR_NO_CREDENTIALS ||
			 err == GETCERT_ERR_NOT_RENEWED ? 3 :
			 getcert_err_is_transient(err) ? 4 : 2;
		goto out;
	}
	if (!key->get_encoding(key, PRIVKEY_PEM, &key_enc) ||
		!cert->get_encoding(cert, CERT_PEM, &enc))
	{
		goto out;
	}
	if (!write_pair(key_enc, enc))
	{
		chunk_free(&enc);
		goto out;
	}
	chunk_free(&enc);
	printf("issued '%Y' by '%Y'\n", cert->get_subject(cert),
		   cert->get_issuer(cert));
	if (opt.server_keygen)
	{
		printf("key generated by the server: %N %u\n", key_type_names,
			   spec.type, spec.bits);
	}
	rc = 0;

out:
	chunk_clear(&key_enc);
	if (challenge)
	{
		memwipe(challenge, strlen(challenge));
		free(challenge);
	}
	DESTROY_IF(client);
	DESTROY_IF(cert);
	DESTROY_IF(key);
	DESTROY_IF(renew_key);
	DESTROY_IF(renew);
	DESTROY_IF(ca);
	DESTROY_IF(tls_ca);
	DESTROY_IF(subject);
	identity->destroy(identity);
	user->destroy(user);
	chunk_free(&params.ca_fingerprint);
	chunk_free(&params.ra_fingerprints);
	free(params.tls_pin);
	return rc;
}

int main(int argc, char *argv[])
{
	struct option long_opts[] = {
		{ "url", required_argument, NULL, 'u' },
		{ "identity", required_argument, NULL, 'i' },
		{ "subject", required_argument, NULL, 's' },
		{ "user", required_argument, NULL, 'U' },
		{ "ca-cert", required_argument, NULL, 'c' },
		{ "ca-fingerprint", required_argument, NULL, 'f' },
		{ "tls-ca", required_argument, NULL, 't' },
		{ "tls-pin", required_argument, NULL, 'Q' },
		{ "ra-fingerprint", required_argument, NULL, 'A' },
		{ "allow-des", no_argument, NULL, 'D' },
		{ "challenge", required_argument, NULL, 'C' },
		{ "challenge-file", required_argument, NULL, 'F' },
		{ "replace", no_argument, NULL, 'W' },
		{ "server-keygen", no_argument, NULL, 'G' },
		{ "allow-plain-key", no_argument, NULL, 'J' },
		{ "password-file", required_argument, NULL, 'p' },
		{ "key", required_argument, NULL, 'k' },
		{ "key-size", required_argument, NULL, 'b' },
		{ "key-type", required_argument, NULL, 'y' },
		{ "curve", required_argument, NULL, 'v' },
		{ "protocol", required_argument, NULL, 'o' },
		{ "est-label", required_argument, NULL, 'l' },
		{ "renew-cert", required_argument, NULL, 'r' },
		{ "renew-key", required_argument, NULL, 'R' },
		{ "out-key", required_argument, NULL, 'K' },
		{ "out-cert", required_argument, NULL, 'O' },
		{ "plain-http", no_argument, NULL, 'H' },
		{ "no-preemptive-auth", no_argument, NULL, 'N' },
		{ "allow-des3", no_argument, NULL, '3' },
		{ "allow-sha1", no_argument, NULL, '1' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "poll-timeout", required_argument, NULL, 'P' },
		{ "stats", no_argument, NULL, 'S' },
		{ "get-crl", required_argument, NULL, 'L' },
		{ "debug", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	int c, rc;

	while ((c = getopt_long(argc, argv, "", long_opts, NULL)) != -1)
	{
		switch (c)
		{
			case 'u': opt.url = optarg; break;
			case 'i': opt.identity = optarg; break;
			case 's': opt.subject = optarg; break;
			case 'U': opt.user = optarg; break;
			case 'c': opt.ca_cert = optarg; break;
			case 'f': opt.ca_fp = optarg; break;
			case 't': opt.tls_ca = optarg; break;
			case 'Q': opt.tls_pin = optarg; break;
			case 'A': opt.ra_fp = optarg; break;
			case 'D': opt.allow_des = TRUE; break;
			case 'C':
				memwipe(optarg, strlen(optarg));
				fprintf(stderr, "--challenge is refused: a password on the "
						"command line is visible to every user (ps, "
						"/proc); use --challenge-file FILE (\"-\" for "
						"stdin) or the GETCERT_CHALLENGE environment "
						"variable\n");
				return 1;
			case 'F': opt.challenge_file = optarg; break;
			case 'W': opt.replace = TRUE; break;
			case 'G': opt.server_keygen = TRUE; break;
			case 'J': opt.allow_plain_key = TRUE; break;
			case 'p': opt.password_file = optarg; break;
			case 'k': opt.key = optarg; break;
			case 'b':
				opt.key_size = settings_value_as_int(optarg, -1);
				if (opt.key_size <= 0)
				{
					fprintf(stderr, "--key-size '%s' is not a number\n",
							optarg);
					return 1;
				}
				break;
			case 'y': opt.key_type = optarg; break;
			case 'v': opt.curve = optarg; break;
			case 'o':
				if (!streq(optarg, "scep") && !streq(optarg, "est"))
				{
					fprintf(stderr, "--protocol must be scep or est\n");
					return 1;
				}
				opt.protocol = optarg;
				break;
			case 'l':
				if (!getcert_est_label_valid(optarg))
				{
					fprintf(stderr, "--est-label '%s' is not a valid label "
							"(letters, digits, '-', '.', '_', '~')\n", optarg);
					return 1;
				}
				opt.est_label = optarg;
				break;
			case 'r': opt.renew_cert = optarg; break;
			case 'R': opt.renew_key = optarg; break;
			case 'K': opt.out_key = optarg; break;
			case 'O': opt.out_cert = optarg; break;
			case 'H': opt.plain_http = TRUE; break;
			case 'N': opt.no_preemptive_auth = TRUE; break;
			case '3': opt.allow_des3 = TRUE; break;
			case '1': opt.allow_sha1 = TRUE; break;
			case 'T':
				if (!get_duration("timeout", optarg, &opt.timeout))
				{
					return 1;
				}
				break;
			case 'P':
				if (!get_duration("poll-timeout", optarg, &opt.poll_timeout))
				{
					return 1;
				}
				break;
			case 'S': opt.stats = TRUE; break;
			case 'L': opt.get_crl = optarg; break;
			case 'd':
				opt.level = settings_value_as_int(optarg, INT_MIN);
				if (opt.level == INT_MIN)
				{
					fprintf(stderr, "--debug '%s' is not a number\n", optarg);
					return 1;
				}
				break;
			case 'h': usage(stdout); return 0;
			default: usage(stderr); return 1;
		}
	}
	if (!opt.url || !opt.identity ||
		(opt.get_crl ? !opt.renew_cert
					 : (!opt.out_key || !opt.out_cert)) ||
		(!opt.ca_cert && !opt.ca_fp) || !!opt.renew_cert != !!opt.renew_key ||
		optind != argc)
	{
		usage(stderr);
		return 1;
	}
	dbg_default_set_level(opt.level);
	if (!library_init(NULL, "getcert-enroll"))
	{
		library_deinit();
		fprintf(stderr, "initializing libstrongswan failed\n");
		return 2;
	}
	atexit(library_deinit);
	/* as pki reads pki.load */
	if (!lib->plugins->load(lib->plugins,
			lib->settings->get_str(lib->settings, "getcert-enroll.load",
								   GETCERT_ENROLL_PLUGINS)))
	{
		fprintf(stderr, "loading plugins failed\n");
		return 2;
	}
	rc = run();
	return rc;
}

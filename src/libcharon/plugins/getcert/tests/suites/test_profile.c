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

#include "../../getcert_profile.h"
#include <getcert_test_certs.h>
#include <getcert_x509.h>

/**
 * Files with a CA certificate (1$), an end entity certificate (2$) and an
 * expired CA certificate (3$), and the SHA-256 fingerprint of the first
 */
static char *ca_path, *ee_path, *old_path;
static chunk_t ca_fp;

START_SETUP(setup_certs)
{
	private_key_t *ca_key, *ee_key;
	certificate_t *ca, *ee, *old;

	ca_key = gt_key();
	ee_key = gt_key();
	ck_assert(ca_key && ee_key);
	ca = gt_cert(ca_key, "C=CH, O=getcert, CN=Test CA", NULL, NULL, NULL,
				 TRUE, 3600);
	ee = gt_cert(ee_key, "C=CH, O=getcert, CN=carol", NULL, ca_key, ca,
				 FALSE, 3600);
	old = gt_cert(ca_key, "C=CH, O=getcert, CN=Old CA", NULL, NULL, NULL,
				  TRUE, -60);
	ck_assert(ca && ee && old);
	ca_path = gt_write_cert(ca);
	ee_path = gt_write_cert(ee);
	old_path = gt_write_cert(old);
	ck_assert(ca_path && ee_path && old_path);

	ck_assert(getcert_x509_fingerprint(ca, &ca_fp));

	ca->destroy(ca);
	ee->destroy(ee);
	old->destroy(old);
	ca_key->destroy(ca_key);
	ee_key->destroy(ee_key);
	gt_log_start();
}
END_SETUP

START_TEARDOWN(teardown_certs)
{
	gt_log_stop();
	unlink(ca_path);
	unlink(ee_path);
	unlink(old_path);
	free(ca_path);
	free(ee_path);
	free(old_path);
	chunk_free(&ca_fp);
}
END_TEARDOWN

/**
 * Expand the certificate files into a body: %1$s, %2$s and %3$s are their
 * paths, %% is %. Not printf(): a body may name only some of them, and
 * leaving out a positional argument is undefined (glibc's fortified printf
 * aborts)
 */
static void expand(char *body, size_t len, char *fmt)
{
	char *files[] = { ca_path, ee_path, old_path };
	size_t pos = 0, n;

	while (*fmt)
	{
		if (fmt[0] == '%' && fmt[1] == '%')
		{
			ck_assert(pos + 1 < len);
			body[pos++] = '%';
			fmt += 2;
		}
		else if (fmt[0] == '%' && fmt[1] >= '1' && fmt[1] <= '3' &&
				 fmt[2] == '$' && fmt[3] == 's')
		{
			n = strlen(files[fmt[1] - '1']);
			ck_assert(pos + n < len);
			memcpy(body + pos, files[fmt[1] - '1'], n);
			pos += n;
			fmt += 4;
		}
		else
		{
			ck_assert(fmt[0] != '%');
			ck_assert(pos + 1 < len);
			body[pos++] = *fmt++;
		}
	}
	body[pos] = '\0';
}

/**
 * Create profile "p" from the body of its section; the body may refer to
 * the certificate files as %1$s, %2$s and %3$s (expand())
 */
static getcert_profile_t *create(char *body_fmt)
{
	getcert_profile_t *profile;
	settings_t *settings;
	char body[1024], *conf;

	expand(body, sizeof(body), body_fmt);
	ck_assert(asprintf(&conf, "charon {\n plugins {\n  getcert {\n"
				"   profiles {\n    p {\n%s\n    }\n   }\n  }\n }\n}\n",
				body) > 0);
	settings = settings_create_string(conf);
	profile = getcert_profile_create(settings, "charon", "p");
	settings->destroy(settings);
	free(conf);
	return profile;
}

START_TEST(test_minimal)
{
	getcert_profile_t *profile;

	profile = create("url = https://ca.example.org/scep\n"
					 "identity = carol@example.org\n"
					 "ca_cert = %1$s\n");
	ck_assert(profile);
	ck_assert_str_eq(profile->get_name(profile), "p");
	ck_assert_str_eq(profile->get_url(profile), "https://ca.example.org/scep");
	ck_assert_int_eq(profile->get_identity(profile)->get_type(
							profile->get_identity(profile)), ID_RFC822_ADDR);
	ck_assert(profile->get_user(profile)->equals(profile->get_user(profile),
											profile->get_identity(profile)));
	ck_assert(profile->get_ca_cert(profile));
	ck_assert_chunk_eq(profile->get_ca_fingerprint(profile), ca_fp);
	ck_assert(!profile->allows_plain_http(profile));
	ck_assert_int_eq(profile->get_key_size(profile), 2048);
	ck_assert_int_eq(profile->get_key_type(profile), KEY_RSA);
	ck_assert_int_eq(profile->get_protocol(profile), GETCERT_PROTOCOL_SCEP);
	ck_assert(!profile->get_est_label(profile));
	ck_assert(!profile->server_keygen(profile));
	profile->destroy(profile);
}
END_TEST

/**
 * Valid protocol and key options and what they give
 */
static struct {
	char *body;
	getcert_protocol_t protocol;
	char *label;
	key_type_t type;
	u_int size;
	bool skg;
} keys[] = {
	{ "protocol = scep", GETCERT_PROTOCOL_SCEP, NULL, KEY_RSA, 2048 },
	{ "protocol = SCEP\nkey_type = rsa\nkey_size = 3072",
	  GETCERT_PROTOCOL_SCEP, NULL, KEY_RSA, 3072 },
	{ "key_type = rsa\nkey_size = 0", GETCERT_PROTOCOL_SCEP, NULL, KEY_RSA,
	  2048 },
	{ "protocol = est", GETCERT_PROTOCOL_EST, NULL, KEY_RSA, 0 },
	{ "protocol = est\nkey_size = 4096", GETCERT_PROTOCOL_EST, NULL, KEY_RSA,
	  4096 },
	{ "protocol = est\nest_label = vpn-users_1.x~",
	  GETCERT_PROTOCOL_EST, "vpn-users_1.x~", KEY_RSA, 0 },
	{ "protocol = est\nkey_type = ecdsa", GETCERT_PROTOCOL_EST, NULL,
	  KEY_ECDSA, 0 },
	{ "protocol = est\nkey_type = ECDSA\nkey_size = 256",
	  GETCERT_PROTOCOL_EST, NULL, KEY_ECDSA, 256 },
	{ "protocol = est\nkey_type = ecdsa\nkey_size = 384",
	  GETCERT_PROTOCOL_EST, NULL, KEY_ECDSA, 384 },
	{ "protocol = est\nkey_type = ed25519", GETCERT_PROTOCOL_EST, NULL,
	  KEY_ED25519, 0 },
	{ "protocol = est\nkey_type = ed25519\nkey_size = 0",
	  GETCERT_PROTOCOL_EST, NULL, KEY_ED25519, 0 },
	{ "protocol = est\nkey_type = ecdsa\nserver_keygen = yes",
	  GETCERT_PROTOCOL_EST, NULL, KEY_ECDSA, 0, TRUE },
	{ "protocol = est\nkey_size = 3072\nserver_keygen = yes",
	  GETCERT_PROTOCOL_EST, NULL, KEY_RSA, 3072, TRUE },
	{ "protocol = est\nkey_type = ed25519\nserver_keygen = no",
	  GETCERT_PROTOCOL_EST, NULL, KEY_ED25519, 0, FALSE },
	{ "protocol = scep\nserver_keygen = no", GETCERT_PROTOCOL_SCEP, NULL,
	  KEY_RSA, 2048, FALSE },
};

START_TEST(test_keys)
{
	getcert_profile_t *profile;
	char body[512];

	snprintf(body, sizeof(body), "url = https://ca.example.org\n"
			 "identity = carol@example.org\nca_cert = %%1$s\n%s",
			 keys[_i].body);
	profile = create(body);
	ck_assert(profile);
	ck_assert_int_eq(profile->get_protocol(profile), keys[_i].protocol);
	if (keys[_i].label)
	{
		ck_assert_str_eq(profile->get_est_label(profile), keys[_i].label);
	}
	else
	{
		ck_assert(!profile->get_est_label(profile));
	}
	ck_assert_int_eq(profile->get_key_type(profile), keys[_i].type);
	ck_assert_int_eq(profile->get_key_size(profile), keys[_i].size);
	ck_assert(profile->server_keygen(profile) == keys[_i].skg);
	profile->destroy(profile);
}
END_TEST

START_TEST(test_all_options)
{
	getcert_profile_t *profile;
	identification_t *user;
	char body[512];
	chunk_t fp;

	/* fingerprint in upper case with colons, matching the file */
	fp = chunk_to_hex(ca_fp, NULL, TRUE);
	snprintf(body, sizeof(body),
			 "url = http://10.1.0.150:8080/scep\n"
			 "plain_http = yes\n"
			 "identity = C=CH, O=getcert, CN=carol\n"
			 "user = carol\n"
			 "key_size = 4096\n"
			 "ca_cert = %%1$s\n"
			 "ca_fingerprint = %.*s:%.*s\n", 10, fp.ptr,
			 (int)fp.len - 10, fp.ptr + 10);
	chunk_free(&fp);
	profile = create(body);
	ck_assert(profile);
	ck_assert(profile->allows_plain_http(profile));
	ck_assert_int_eq(profile->get_key_size(profile), 4096);
	user = identification_create_from_string("carol");
	ck_assert(user->equals(user, profile->get_user(profile)));
	user->destroy(user);
	ck_assert_int_eq(profile->get_identity(profile)->get_type(
							profile->get_identity(profile)), ID_DER_ASN1_DN);
	ck_assert_chunk_eq(profile->get_ca_fingerprint(profile), ca_fp);
	profile->destroy(profile);
}
END_TEST

START_TEST(test_timing_defaults)
{
	getcert_profile_t *profile;
	getcert_profile_opts_t *o;

	profile = create("url = https://ca.example.org/scep\n"
					 "identity = carol@example.org\n"
					 "ca_cert = %1$s\n");
	ck_assert(profile);
	o = profile->get_opts(profile);
	ck_assert_int_eq(o->timeout, 30);
	ck_assert(o->renew_fraction == 0.5);
	ck_assert_int_eq(o->renew_lead, 300);
	ck_assert(o->renew_jitter == 0.05);
	ck_assert_int_eq(o->retry_interval, 30);
	ck_assert_int_eq(o->retry_max, 3600);
	ck_assert_int_eq(o->max_tries, 3);
	ck_assert_int_eq(o->failure_backoff, 300);
	ck_assert_int_eq(o->failure_backoff_max, 3600);
	ck_assert(!o->ca_secret_owner);
	ck_assert(!profile->get_tls_ca(profile));
	profile->destroy(profile);
}
END_TEST

START_TEST(test_timing_options)
{
	getcert_profile_t *profile;
	getcert_profile_opts_t *o;

	profile = create("url = https://ca.example.org/scep\n"
					 "identity = carol@example.org\n"
					 "ca_cert = %1$s\n"
					 "tls_ca = %1$s\n"
					 "timeout = 5s\n"
					 "renew_fraction = 0.75\n"
					 "renew_lead = 2m\n"
					 "renew_jitter = 0\n"
					 "retry_interval = 10\n"
					 "retry_max = 1d\n"
					 "max_tries = 1\n"
					 "failure_backoff = 90s\n"
					 "failure_backoff_max = 2h\n"
					 "ca_secret_owner = yes\n");
	ck_assert(profile);
	o = profile->get_opts(profile);
	ck_assert_int_eq(o->timeout, 5);
	ck_assert(o->renew_fraction == 0.75);
	ck_assert_int_eq(o->renew_lead, 120);
	ck_assert(o->renew_jitter == 0.0);
	ck_assert_int_eq(o->retry_interval, 10);
	ck_assert_int_eq(o->retry_max, 86400);
	ck_assert_int_eq(o->max_tries, 1);
	ck_assert_int_eq(o->failure_backoff, 90);
	ck_assert_int_eq(o->failure_backoff_max, 7200);
	ck_assert(o->ca_secret_owner);
	ck_assert(profile->get_tls_ca(profile));
	profile->destroy(profile);
}
END_TEST

START_TEST(test_renew_at)
{
	getcert_profile_opts_t o = {
		.renew_fraction = 0.5,
		.renew_lead = 10,
		.renew_jitter = 0.0,
	};

	/* 2 minute certificate, renewed at half its lifetime */
	ck_assert_int_eq(getcert_renew_at(&o, 1000, 1120, 0.7), 1060);
	/* the lead time wins if it is longer than the rest of the lifetime */
	o.renew_lead = 100;
	ck_assert_int_eq(getcert_renew_at(&o, 1000, 1120, 0.0), 1020);
	/* but renewal never falls into the first tenth of the lifetime */
	o.renew_lead = 3600;
	ck_assert_int_eq(getcert_renew_at(&o, 1000, 1120, 0.0), 1012);
	/* the jitter brings renewal forward by up to its share of the life */
	o.renew_lead = 10;
	o.renew_jitter = 0.1;
	ck_assert_int_eq(getcert_renew_at(&o, 1000, 1120, 0.0), 1060);
	ck_assert_int_eq(getcert_renew_at(&o, 1000, 1120, 0.5), 1054);
	ck_assert_int_eq(getcert_renew_at(&o, 1000, 1120, 1.0), 1048);
	/* a week's certificate at 0.75: 42 hours before the end */
	o.renew_fraction = 0.75;
	o.renew_jitter = 0.0;
	ck_assert_int_eq(getcert_renew_at(&o, 0, 7 * 86400, 0.0),
					 7 * 86400 - 42 * 3600);
	/* inconsistent validity: renew right away */
	ck_assert_int_eq(getcert_renew_at(&o, 1000, 900, 0.0), 1000);
}
END_TEST

START_TEST(test_failure_backoff)
{
	getcert_profile_opts_t o = {
		.failure_backoff = 300,
		.failure_backoff_max = 3600,
	};

	ck_assert_int_eq(getcert_failure_backoff(&o, 0), 300);
	ck_assert_int_eq(getcert_failure_backoff(&o, 1), 300);
	ck_assert_int_eq(getcert_failure_backoff(&o, 2), 600);
	ck_assert_int_eq(getcert_failure_backoff(&o, 4), 2400);
	ck_assert_int_eq(getcert_failure_backoff(&o, 5), 3600);
	ck_assert_int_eq(getcert_failure_backoff(&o, 1000), 3600);
	o.failure_backoff = o.failure_backoff_max = 7 * 86400;
	ck_assert_int_eq(getcert_failure_backoff(&o, 1000), 7 * 86400);
}
END_TEST

START_TEST(test_fingerprint_only)
{
	getcert_profile_t *profile;
	char body[512];
	chunk_t fp;

	fp = chunk_to_hex(ca_fp, NULL, FALSE);
	snprintf(body, sizeof(body),
			 "url = https://ca.example.org/scep\n"
			 "identity = carol@example.org\n"
			 "ca_fingerprint = %.*s\n", (int)fp.len, fp.ptr);
	chunk_free(&fp);
	profile = create(body);
	ck_assert(profile);
	ck_assert(!profile->get_ca_cert(profile));
	ck_assert_chunk_eq(profile->get_ca_fingerprint(profile), ca_fp);
	profile->destroy(profile);
}
END_TEST

START_TEST(test_pins)
{
	getcert_profile_t *profile;
	chunk_t fps;

	/* curl's form, several; hex normalized to curl's form; RA pins */
	profile = create("url = https://ca/scep\nidentity = a@b\n"
		"ca_cert = %1$s\n"
		"tls_pin = sha256//AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8= ; "
		"sha256//ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=\n"
		"ra_fingerprint = 00112233445566778899aabbccddeeff00112233445566778899"
		"aabbccddeeff, ff:ee:dd:cc:bb:aa:99:88:77:66:55:44:33:22:11:00:ff:ee:"
		"dd:cc:bb:aa:99:88:77:66:55:44:33:22:11:00");
	ck_assert(profile);
	ck_assert_str_eq(profile->get_tls_pin(profile),
		"sha256//AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=;"
		"sha256//ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=");
	fps = profile->get_ra_fingerprints(profile);
	ck_assert_int_eq(fps.len, 2 * HASH_SIZE_SHA256);
	ck_assert_int_eq(fps.ptr[0], 0x00);
	ck_assert_int_eq(fps.ptr[HASH_SIZE_SHA256], 0xff);
	profile->destroy(profile);

	profile = create("url = https://ca/scep\nidentity = a@b\n"
		"ca_cert = %1$s\n"
		"tls_pin = 000102030405060708090a0b0c0d0e0f"
		"101112131415161718191a1b1c1d1e1f");
	ck_assert(profile);
	ck_assert_str_eq(profile->get_tls_pin(profile),
		"sha256//AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
	ck_assert(!profile->get_ra_fingerprints(profile).len);
	profile->destroy(profile);
}
END_TEST

START_TEST(test_expired_ca_warns)
{
	getcert_profile_t *profile;

	profile = create("url = https://ca.example.org/scep\n"
					 "identity = carol@example.org\n"
					 "ca_cert = %3$s\n");
	ck_assert(profile);
	ck_assert(gt_log_contains("is not valid now"));
	profile->destroy(profile);
}
END_TEST

/**
 * Invalid profiles and the key the log must name
 */
static struct {
	char *body;
	char *key;
	char *why;
} invalid[] = {
	{ "identity = carol@example.org\nca_cert = %1$s",
	  "url", "is missing" },
	{ "url = ftp://ca.example.org/scep\nidentity = a@b\nca_cert = %1$s",
	  "url", "https://" },
	{ "url = http://ca.example.org/scep\nidentity = a@b\nca_cert = %1$s",
	  "url", "plain_http = yes" },
	{ "url = https:///scep\nidentity = a@b\nca_cert = %1$s",
	  "url", "no host" },
	{ "url = https://ca.example.org/a b\nidentity = a@b\nca_cert = %1$s",
	  "url", "white space" },
	{ "url = https://ca.example.org/scep\nca_cert = %1$s",
	  "identity", "is missing" },
	{ "url = https://ca.example.org/scep\nidentity = %%any\nca_cert = %1$s",
	  "identity", "not a specific identity" },
	{ "url = https://ca/scep\nidentity = a@b\nuser = \"\"\nca_cert = %1$s",
	  "user", "is empty" },
	{ "url = https://ca/scep\nidentity = a@b\nkey_size = 1024\nca_cert = %1$s",
	  "key_size", "2048, 3072 or 4096" },
	{ "url = https://ca/scep\nidentity = a@b\nkey_size = 2048x\nca_cert = %1$s",
	  "key_size", "2048, 3072 or 4096" },
	{ "url = https://ca/scep\nidentity = a@b\nkey_size = -2048\nca_cert = %1$s",
	  "key_size", "2048, 3072 or 4096" },
	{ "url = https://ca\nidentity = a@b\nca_cert = %1$s\nprotocol = cmp",
	  "protocol", "'cmp' is neither scep nor est" },
	{ "url = https://ca\nidentity = a@b\nca_cert = %1$s\nprotocol = \"\"",
	  "protocol", "is neither scep nor est" },
	{ "url = https://ca\nidentity = a@b\nca_cert = %1$s\nest_label = x",
	  "est_label", "is for protocol = est only" },
	{ "url = https://ca\nidentity = a@b\nca_cert = %1$s\nprotocol = est\n"
	  "est_label = a/b", "est_label", "is not an EST CA label" },
	{ "url = https://ca\nidentity = a@b\nca_cert = %1$s\nprotocol = est\n"
	  "est_label = ..", "est_label", "is not an EST CA label" },
	{ "url = https://ca\nidentity = a@b\nca_cert = %1$s\nprotocol = est\n"
	  "est_label = \"\"", "est_label", "is not an EST CA label" },
	{ "url = http://ca\nidentity = a@b\nca_cert = %1$s\nprotocol = est",
	  "url", "EST runs over https:// only" },
	{ "url = http://ca\nidentity = a@b\nca_cert = %1$s\nprotocol = est\n"
	  "plain_http = yes", "plain_http", "is for SCEP only" },
	{ "url = https://ca/?x=1\nidentity = a@b\nca_cert = %1$s\n"
	  "protocol = est", "url", "has a query or fragment" },
	{ "url = https://ca/scep\nidentity = a@b\nca_cert = %1$s\n"
	  "key_type = ecdsa", "key_type", "SCEP transports keys to RSA only" },
	{ "url = https://ca/scep\nidentity = a@b\nca_cert = %1$s\n"
	  "protocol = scep\nkey_type = ed25519", "key_type",
	  "SCEP transports keys to RSA only" },
	{ "url = https://ca\nidentity = a@b\nca_cert = %1$s\nprotocol = est\n"
	  "key_type = dsa", "key_type", "'dsa' is not rsa, ecdsa or ed25519" },
	{ "url = https://ca\nidentity = a@b\nca_cert = %1$s\nprotocol = est\n"
	  "key_size = 1024", "key_size", "2048, 3072 or 4096" },
	{ "url = https://ca\nidentity = a@b\nca_cert = %1$s\nprotocol = est\n"
	  "key_type = ecdsa\nkey_size = 2048", "key_size", "256 or 384" },
	{ "url = https://ca\nidentity = a@b\nca_cert = %1$s\nprotocol = est\n"
	  "key_type = ecdsa\nkey_size = 521", "key_size", "256 or 384" },
	{ "url = https://ca\nidentity = a@b\nca_cert = %1$s\nprotocol = est\n"
	  "key_type = ecdsa\nkey_size = p256", "key_size", "256 or 384" },
	{ "url = https://ca\nidentity = a@b\nca_cert = %1$s\nprotocol = est\n"
	  "key_type = ed25519\nkey_size = 256", "key_size",
	  "must not be set for key_type = ed25519" },
	{ "url = https://ca/scep\nidentity = a@b\nca_cert = %1$s\n"
	  "server_keygen = yes", "server_keygen", "is for protocol = est only" },
	{ "url = https://ca/scep\nidentity = a@b\nca_cert = %1$s\n"
	  "protocol = scep\nserver_keygen = yes", "server_keygen",
	  "SCEP has no server-side key generation" },
	{ "url = https://ca/scep\nidentity = a@b",
	  "ca_cert", "is required" },
	{ "url = https://ca/scep\nidentity = a@b\nca_cert = /nonexistent/ca.der",
	  "ca_cert", "not a readable" },
	{ "url = https://ca/scep\nidentity = a@b\nca_cert = %2$s",
	  "ca_cert", "not a CA certificate" },
	{ "url = https://ca/scep\nidentity = a@b\nca_fingerprint = 00:11",
	  "ca_fingerprint", "64 hex digits" },
	{ "url = https://ca/scep\nidentity = a@b\nca_fingerprint = "
	  "zz112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
	  "ca_fingerprint", "64 hex digits" },
	{ "url = https://ca/scep\nidentity = a@b\nca_cert = %1$s\nca_fingerprint = "
	  "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
	  "ca_fingerprint", "does not match" },
	{ "url = https://ca/scep\nidentity = a@b\nca_cert = %1$s\n"
	  "tls_ca = /nonexistent/tls.pem", "tls_ca", "not a readable" },
	{ "url = https://ca/scep\nidentity = a@b\nca_cert = %1$s\ntimeout = 0",
	  "timeout", "not a duration from 1s" },
	{ "url = https://ca/scep\nidentity = a@b\nca_cert = %1$s\ntimeout = 5x",
	  "timeout", "not a duration" },
	{ "url = https://ca/scep\nidentity = a@b\nca_cert = %1$s\ntimeout = -5",
	  "timeout", "not a duration" },
	{ "url = https://ca/scep\nidentity = a@b\nca_cert = %1$s\ntimeout = 5ms",
	  "timeout", "not a duration" },
	{ "url = https://ca/scep\nidentity = a@b\nca_cert = %1$s\n"
	  "renew_fraction = 1.5", "renew_fraction", "from 0.10 to 0.90" },
	{ "url = https://ca/scep\nidentity = a@b\nca_cert = %1$s\n"
	  "renew_fraction = half", "renew_fraction", "not a number" },
	{ "url = https://ca/scep\nidentity = a@b\nca_cert = %1$s\n"
	  "renew_jitter = 0.5", "renew_jitter", "from 0.00 to 0.30" },
	{ "url = https://ca/scep\nidentity = a@b\nca_cert = %1$s\n"
	  "renew_lead = 1y", "renew_lead", "not a duration" },
	{ "url = https://ca/scep\nidentity = a@b\nca_cert = %1$s\n"
	  "retry_interval = 1h\nretry_max = 10m", "retry_max", "shorter than" },
	{ "url = https://ca/scep\nidentity = a@b\nca_cert = %1$s\n"
	  "max_tries = 0", "max_tries", "1 to 10" },
	{ "url = https://ca/scep\nidentity = a@b\nca_cert = %1$s\n"
	  "max_tries = 4294967297", "max_tries", "1 to 10" },
	{ "url = https://ca/scep\nidentity = a@b\nca_cert = %1$s\n"
	  "tls_pin = sha256//abc", "tls_pin", "not a public key pin" },
	{ "url = https://ca/scep\nidentity = a@b\nca_cert = %1$s\n"
	  "tls_pin = sha256//AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=;md5//x",
	  "tls_pin", "not a public key pin" },
	{ "url = https://ca/scep\nidentity = a@b\nca_cert = %1$s\n"
	  "tls_pin = 00:11", "tls_pin", "not a public key pin" },
	{ "url = https://ca/scep\nidentity = a@b\nca_cert = %1$s\n"
	  "ra_fingerprint = 00112233", "ra_fingerprint", "SHA-256 fingerprints" },
	{ "url = https://ca/scep\nidentity = a@b\nca_cert = %1$s\n"
	  "ra_fingerprint = 00112233445566778899aabbccddeeff00112233445566778899"
	  "aabbccddeeff, 0011", "ra_fingerprint", "SHA-256 fingerprints" },
	{ "url = https://ca/scep\nidentity = a@b\nca_cert = %1$s\n"
	  "failure_backoff = 0", "failure_backoff", "not a duration from 1s" },
	{ "url = https://ca/scep\nidentity = a@b\nca_cert = %1$s\n"
	  "failure_backoff = 10m\nfailure_backoff_max = 5m",
	  "failure_backoff_max", "shorter than" },
};

START_TEST(test_invalid)
{
	char expected[128];

	ck_assert(!create(invalid[_i].body));
	snprintf(expected, sizeof(expected),
			 "profile 'p' ignored: charon.plugins.getcert.profiles.p.%s ",
			 invalid[_i].key);
	ck_assert_msg(gt_log_contains(expected), "log does not name '%s'",
				  expected);
	ck_assert_msg(gt_log_contains(invalid[_i].why), "log does not say '%s'",
				  invalid[_i].why);
}
END_TEST

START_TEST(test_equals)
{
	getcert_profile_t *a, *b, *c;

	a = create("url = https://ca/scep\nidentity = a@b\nca_cert = %1$s");
	b = create("url = https://ca/scep\nidentity = a@b\nca_cert = %1$s");
	c = create("url = https://ca/scep\nidentity = a@b\nca_cert = %1$s\n"
			   "key_size = 3072");
	ck_assert(a && b && c);
	ck_assert(a->equals(a, b));
	ck_assert(!a->equals(a, c));
	c->destroy(c);
	c = create("url = https://ca/scep\nidentity = a@b\nca_cert = %1$s\n"
			   "renew_fraction = 0.6");
	ck_assert(c);
	ck_assert(!a->equals(a, c));
	c->destroy(c);
	c = create("url = https://ca/scep\nidentity = a@b\nca_cert = %1$s\n"
			   "ca_secret_owner = yes");
	ck_assert(c);
	ck_assert(!a->equals(a, c));
	c->destroy(c);
	c = create("url = https://ca/scep\nidentity = a@b\nca_cert = %1$s\n"
			   "protocol = est");
	ck_assert(c);
	ck_assert(!a->equals(a, c));
	c->destroy(c);
	a->destroy(a);
	a = create("url = https://ca/scep\nidentity = a@b\nca_cert = %1$s\n"
			   "protocol = est\nkey_type = ecdsa");
	c = create("url = https://ca/scep\nidentity = a@b\nca_cert = %1$s\n"
			   "protocol = est\nkey_type = ecdsa\nkey_size = 384");
	ck_assert(a && c);
	ck_assert(!a->equals(a, c));
	c->destroy(c);
	c = create("url = https://ca/scep\nidentity = a@b\nca_cert = %1$s\n"
			   "protocol = est\nkey_type = ed25519");
	ck_assert(c);
	ck_assert(!a->equals(a, c));
	c->destroy(c);
	c = create("url = https://ca/scep\nidentity = a@b\nca_cert = %1$s\n"
			   "protocol = est\nkey_type = ecdsa\nserver_keygen = yes");
	ck_assert(c);
	ck_assert(!a->equals(a, c));
	c->destroy(c);
	c = create("url = https://ca/scep\nidentity = a@b\nca_cert = %1$s\n"
			   "protocol = est\nkey_type = ecdsa\nest_label = x");
	ck_assert(c);
	ck_assert(!a->equals(a, c));
	c->destroy(c);
	c = create("url = https://ca/scep\nidentity = a@b\nca_cert = %1$s\n"
			   "protocol = est\nkey_type = ecdsa");
	ck_assert(c);
	ck_assert(a->equals(a, c));
	ck_assert(a->get_ref(a) == a);
	a->destroy(a);
	ck_assert_str_eq(a->get_name(a), "p");
	a->destroy(a);
	b->destroy(b);
	c->destroy(c);
}
END_TEST

Suite *profile_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("getcert profile");

	tc = tcase_create("valid");
	tcase_add_checked_fixture(tc, setup_certs, teardown_certs);
	tcase_add_test(tc, test_minimal);
	tcase_add_test(tc, test_all_options);
	tcase_add_test(tc, test_fingerprint_only);
	tcase_add_test(tc, test_pins);
	tcase_add_test(tc, test_expired_ca_warns);
	tcase_add_test(tc, test_equals);
	tcase_add_test(tc, test_timing_defaults);
	tcase_add_test(tc, test_timing_options);
	tcase_add_loop_test(tc, test_keys, 0, countof(keys));
	suite_add_tcase(s, tc);

	tc = tcase_create("renewal time");
	tcase_add_test(tc, test_renew_at);
	tcase_add_test(tc, test_failure_backoff);
	suite_add_tcase(s, tc);

	tc = tcase_create("invalid");
	tcase_add_checked_fixture(tc, setup_certs, teardown_certs);
	tcase_add_loop_test(tc, test_invalid, 0, countof(invalid));
	suite_add_tcase(s, tc);

	return s;
}

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

#include "getcert_profile.h"

#include <ctype.h>

#include <getcert_curl.h>
#include <getcert_settings.h>
#include <getcert_x509.h>

#include <utils/debug.h>
#include <credentials/certificates/x509.h>

typedef struct private_getcert_profile_t private_getcert_profile_t;

/**
 * Private data of a getcert_profile_t object.
 */
struct private_getcert_profile_t {

	/**
	 * Public interface.
	 */
	getcert_profile_t public;

	/**
	 * Profile name.
	 */
	char *name;

	/**
	 * Service URL.
	 */
	char *url;

	/**
	 * Enrollment protocol.
	 */
	getcert_protocol_t protocol;

	/**
	 * EST CA label, or NULL.
	 */
	char *est_label;

	/**
	 * Certificate identity.
	 */
	identification_t *identity;

	/**
	 * User name for HTTP authentication.
	 */
	identification_t *user;

	/**
	 * Pinned CA certificate, if any.
	 */
	certificate_t *ca_cert;

	/**
	 * Path the CA certificate was loaded from, if any.
	 */
	char *ca_path;

	/**
	 * SHA-256 fingerprint of the CA certificate, if known.
	 */
	chunk_t ca_fp;

	/**
	 * TLS trust anchor, if not the CA
	 */
	certificate_t *tls_ca;

	/**
	 * Path the TLS trust anchor was loaded from, if any.
	 */
	char *tls_ca_path;

	/**
	 * TLS server public key pins, if any.
	 */
	char *tls_pin;

	/**
	 * Pinned RA fingerprints, if any.
	 */
	chunk_t ra_fps;

	/**
	 * Timing options.
	 */
	getcert_profile_opts_t opts;

	/**
	 * Plain HTTP explicitly allowed.
	 */
	bool plain_http;

	/**
	 * Key type.
	 */
	key_type_t key_type;

	/**
	 * Key size (RSA bits, ECDSA curve bits), 0 for Ed25519 or the server's
	 * choice (EST).
	 */
	u_int key_size;

	/**
	 * The EST server generates the key (/serverkeygen).
	 */
	bool server_keygen;

	/**
	 * Reference count.
	 */
	refcount_t ref;
};

METHOD(getcert_profile_t, get_name, char*,
	private_getcert_profile_t *this)
{
	return this->name;
}

METHOD(getcert_profile_t, get_url, char*,
	private_getcert_profile_t *this)
{
	return this->url;
}

METHOD(getcert_profile_t, get_protocol, getcert_protocol_t,
	private_getcert_profile_t *this)
{
	return this->protocol;
}

METHOD(getcert_profile_t, get_est_label, char*,
	private_getcert_profile_t *this)
{
	return this->est_label;
}

METHOD(getcert_profile_t, get_identity, identification_t*,
	private_getcert_profile_t *this)
{
	return this->identity;
}

METHOD(getcert_profile_t, get_user, identification_t*,
	private_getcert_profile_t *this)
{
	return this->user;
}

METHOD(getcert_profile_t, get_ca_cert, certificate_t*,
	private_getcert_profile_t *this)
{
	return this->ca_cert;
}

METHOD(getcert_profile_t, get_ca_fingerprint, chunk_t,
	private_getcert_profile_t *this)
{
	return this->ca_fp;
}

METHOD(getcert_profile_t, get_tls_ca, certificate_t*,
	private_getcert_profile_t *this)
{
	return this->tls_ca;
}

METHOD(getcert_profile_t, get_opts, getcert_profile_opts_t*,
	private_getcert_profile_t *this)
{
	return &this->opts;
}

METHOD(getcert_profile_t, allows_plain_http, bool,
	private_getcert_profile_t *this)
{
	return this->plain_http;
}

METHOD(getcert_profile_t, get_key_type, key_type_t,
	private_getcert_profile_t *this)
{
	return this->key_type;
}

METHOD(getcert_profile_t, get_key_size, u_int,
	private_getcert_profile_t *this)
{
	return this->key_size;
}

METHOD(getcert_profile_t, server_keygen, bool,
	private_getcert_profile_t *this)
{
	return this->server_keygen;
}

METHOD(getcert_profile_t, get_tls_pin, char*,
	private_getcert_profile_t *this)
{
	return this->tls_pin;
}

METHOD(getcert_profile_t, get_ra_fingerprints, chunk_t,
	private_getcert_profile_t *this)
{
	return this->ra_fps;
}

METHOD(getcert_profile_t, equals, bool,
	private_getcert_profile_t *this, getcert_profile_t *other_public)
{
	private_getcert_profile_t *other = (private_getcert_profile_t*)other_public;

	return streq(this->name, other->name) &&
		   streq(this->url, other->url) &&
		   this->protocol == other->protocol &&
		   streq(this->est_label ?: "", other->est_label ?: "") &&
		   this->identity->equals(this->identity, other->identity) &&
		   this->user->equals(this->user, other->user) &&
		   chunk_equals(this->ca_fp, other->ca_fp) &&
		   this->plain_http == other->plain_http &&
		   this->key_type == other->key_type &&
		   this->key_size == other->key_size &&
		   this->server_keygen == other->server_keygen &&
		   streq(this->ca_path ?: "", other->ca_path ?: "") &&
		   streq(this->tls_ca_path ?: "", other->tls_ca_path ?: "") &&
		   streq(this->tls_pin ?: "", other->tls_pin ?: "") &&
		   chunk_compare(this->ra_fps, other->ra_fps) == 0 &&
		   memeq(&this->opts, &other->opts, sizeof(this->opts));
}

METHOD(getcert_profile_t, get_ref, getcert_profile_t*,
	private_getcert_profile_t *this)
{
	ref_get(&this->ref);
	return &this->public;
}

METHOD(getcert_profile_t, destroy, void,
	private_getcert_profile_t *this)
{
	if (ref_put(&this->ref))
	{
		DESTROY_IF(this->identity);
		DESTROY_IF(this->user);
		DESTROY_IF(this->ca_cert);
		DESTROY_IF(this->tls_ca);
		free(this->tls_ca_path);
		free(this->tls_pin);
		chunk_free(&this->ra_fps);
		chunk_free(&this->ca_fp);
		free(this->ca_path);
		free(this->name);
		free(this->url);
		free(this->est_label);
		free(this);
	}
}

/**
 * Log a problem with a key of a profile, naming the key in full
 */
#define PROFILE_ERROR(ns, name, key, fmt, ...) \
	DBG1(DBG_CFG, "getcert: profile '%s' ignored: " \
		 "%s.plugins.getcert.profiles.%s.%s " fmt, \
		 name, ns, name, key, ##__VA_ARGS__)

/**
 * Check that the URL has an allowed scheme and a host
 */
static bool check_url(private_getcert_profile_t *this, char *ns)
{
	char *host;

	if (strncaseeq(this->url, "https://", strlen("https://")))
	{
		host = this->url + strlen("https://");
	}
	else if (this->protocol == GETCERT_PROTOCOL_EST &&
			 strncaseeq(this->url, "http://", strlen("http://")))
	{
		PROFILE_ERROR(ns, this->name, "url", "is plain http://, but EST "
					  "runs over https:// only (RFC 7030 3.3)");
		return FALSE;
	}
	else if (strncaseeq(this->url, "http://", strlen("http://")))
	{
		if (!this->plain_http)
		{
			PROFILE_ERROR(ns, this->name, "url", "is plain http://, which "
						  "needs plain_http = yes (SCEP protection only)");
			return FALSE;
		}
		host = this->url + strlen("http://");
	}
	else
	{
		PROFILE_ERROR(ns, this->name, "url", "must be an https:// URL");
		return FALSE;
	}
	if (!*host || *host == '/' || *host == ':' || *host == '?')
	{
		PROFILE_ERROR(ns, this->name, "url", "has no host");
		return FALSE;
	}
	for (; *host; host++)
	{
		if (isspace(*host) || iscntrl(*host))
		{
			PROFILE_ERROR(ns, this->name, "url", "contains white space or "
						  "control characters");
			return FALSE;
		}
	}
	if (this->protocol == GETCERT_PROTOCOL_EST &&
		(strchr(this->url, '?') || strchr(this->url, '#')))
	{
		PROFILE_ERROR(ns, this->name, "url", "has a query or fragment, but "
					  "is the EST server's base (https://host[:port], "
					  "/.well-known/est is added)");
		return FALSE;
	}
	return TRUE;
}

/**
 * Read the protocol and the EST label
 */
static bool load_protocol(private_getcert_profile_t *this,
						  settings_t *settings, char *ns)
{
	char *str;

	str = settings->get_str(settings, "%s.plugins.getcert.profiles.%s."
							"protocol", NULL, ns, this->name);
	if (!str || strcaseeq(str, "scep"))
	{
		this->protocol = GETCERT_PROTOCOL_SCEP;
	}
	else if (strcaseeq(str, "est"))
	{
		this->protocol = GETCERT_PROTOCOL_EST;
	}
	else
	{
		PROFILE_ERROR(ns, this->name, "protocol", "'%s' is neither scep "
					  "nor est", str);
		return FALSE;
	}
	str = settings->get_str(settings, "%s.plugins.getcert.profiles.%s."
							"est_label", NULL, ns, this->name);
	if (!str)
	{
		return TRUE;
	}
	if (this->protocol != GETCERT_PROTOCOL_EST)
	{
		PROFILE_ERROR(ns, this->name, "est_label", "is for protocol = est "
					  "only");
		return FALSE;
	}
	if (!getcert_est_label_valid(str))
	{
		PROFILE_ERROR(ns, this->name, "est_label", "'%s' is not an EST CA "
					  "label (1 to 64 letters, digits, '-', '.', '_', '~')",
					  str);
		return FALSE;
	}
	this->est_label = strdup(str);
	return TRUE;
}

/**
 * Read the key type and size
 */
static bool load_key(private_getcert_profile_t *this, settings_t *settings,
					 char *ns)
{
	uint64_t size = 0;
	char *str;

	str = settings->get_str(settings, "%s.plugins.getcert.profiles.%s."
							"key_type", NULL, ns, this->name);
	if (!str || strcaseeq(str, "rsa"))
	{
		this->key_type = KEY_RSA;
	}
	else if (strcaseeq(str, "ecdsa"))
	{
		this->key_type = KEY_ECDSA;
	}
	else if (strcaseeq(str, "ed25519"))
	{
		this->key_type = KEY_ED25519;
	}
	else
	{
		PROFILE_ERROR(ns, this->name, "key_type", "'%s' is not rsa, ecdsa "
					  "or ed25519", str);
		return FALSE;
	}
	if (this->key_type != KEY_RSA && this->protocol != GETCERT_PROTOCOL_EST)
	{
		PROFILE_ERROR(ns, this->name, "key_type", "is %s, but SCEP "
					  "transports keys to RSA only (protocol = est for "
					  "ECDSA and Ed25519 keys)", str);
		return FALSE;
	}
	str = settings->get_str(settings, "%s.plugins.getcert.profiles.%s."
							"key_size", NULL, ns, this->name);
	if (str && !getcert_number_from_string(str, 0, UINT_MAX, &size))
	{
		size = 1;	/* not a number: refused below, by type */
	}
	switch (this->key_type)
	{
		case KEY_RSA:
			if (size != 0 && size != 2048 && size != 3072 && size != 4096)
			{
				PROFILE_ERROR(ns, this->name, "key_size", "must be 2048, "
							  "3072 or 4096 (RSA bits), or 0 for the "
							  "default");
				return FALSE;
			}
			if (!size && this->protocol != GETCERT_PROTOCOL_EST)
			{	/* EST: what /csrattrs asks for */
				size = GETCERT_KEY_SIZE_DEFAULT;
			}
			break;
		case KEY_ECDSA:
			if (size != 0 && size != 256 && size != 384)
			{
				PROFILE_ERROR(ns, this->name, "key_size", "must be 256 or 384 "
							  "(ECDSA curve P-256 or P-384), or 0 for the "
							  "default");
				return FALSE;
			}
			break;
		default:
			if (size != 0)
			{
				PROFILE_ERROR(ns, this->name, "key_size", "must not be set "
							  "for key_type = ed25519 (or 0)");
				return FALSE;
			}
			break;
	}
	this->key_size = size;

	this->server_keygen = settings->get_bool(settings,
							"%s.plugins.getcert.profiles.%s.server_keygen",
							FALSE, ns, this->name);
	if (this->server_keygen && this->protocol != GETCERT_PROTOCOL_EST)
	{
		PROFILE_ERROR(ns, this->name, "server_keygen", "is for protocol = "
					  "est only: SCEP has no server-side key generation");
		return FALSE;
	}
	return TRUE;
}

/**
 * Load the pinned CA certificate and/or fingerprint
 */
static bool load_ca(private_getcert_profile_t *this, settings_t *settings,
					char *ns)
{
	chunk_t fp = chunk_empty;
	time_t not_before, not_after;
	char *str;
	x509_t *x509;

	str = settings->get_str(settings, "%s.plugins.getcert.profiles.%s."
							"ca_fingerprint", NULL, ns, this->name);
	if (str && (!getcert_x509_parse_fingerprints(str, &this->ca_fp) ||
				this->ca_fp.len != HASH_SIZE_SHA256))
	{
		PROFILE_ERROR(ns, this->name, "ca_fingerprint", "is not a SHA-256 "
					  "fingerprint (64 hex digits, colons allowed)");
		return FALSE;
	}
	this->ca_path = strdupnull(settings->get_str(settings,
							"%s.plugins.getcert.profiles.%s.ca_cert", NULL,
							ns, this->name));
	if (!this->ca_path)
	{
		if (!this->ca_fp.len)
		{
			PROFILE_ERROR(ns, this->name, "ca_cert", "(or ca_fingerprint) "
						  "is required to pin the CA");
			return FALSE;
		}
		return TRUE;
	}
	this->ca_cert = lib->creds->create(lib->creds, CRED_CERTIFICATE,
							CERT_X509, BUILD_FROM_FILE, this->ca_path,
							BUILD_END);
	if (!this->ca_cert)
	{
		PROFILE_ERROR(ns, this->name, "ca_cert", "'%s' is not a readable "
					  "X.509 certificate", this->ca_path);
		return FALSE;
	}
	x509 = (x509_t*)this->ca_cert;
	if (!(x509->get_flags(x509) & X509_CA))
	{
		PROFILE_ERROR(ns, this->name, "ca_cert", "'%s' is not a CA "
					  "certificate", this->ca_path);
		return FALSE;
	}
	if (!getcert_x509_fingerprint(this->ca_cert, &fp))
	{
		PROFILE_ERROR(ns, this->name, "ca_cert", "'%s': SHA-256 "
					  "fingerprint not available", this->ca_path);
		return FALSE;
	}
	if (this->ca_fp.len && !chunk_equals(fp, this->ca_fp))
	{
		PROFILE_ERROR(ns, this->name, "ca_fingerprint", "does not match "
					  "ca_cert '%s' (SHA-256 %#B)", this->ca_path, &fp);
		chunk_free(&fp);
		return FALSE;
	}
	chunk_free(&this->ca_fp);
	this->ca_fp = fp;
	if (!this->ca_cert->get_validity(this->ca_cert, NULL, &not_before,
									 &not_after))
	{
		DBG1(DBG_CFG, "getcert: profile '%s': CA certificate '%s' is not "
			 "valid now (valid from %T to %T)", this->name, this->ca_path,
			 &not_before, FALSE, &not_after, FALSE);
	}
	return TRUE;
}

/**
 * Read a decimal option, 0 if it is not a number (settings->get_int() would
 * return the default for that)
 */
static uint64_t get_number(settings_t *settings, char *ns, char *name,
						   char *key, uint64_t def)
{
	char *str;

	str = settings->get_str(settings, "%s.plugins.getcert.profiles.%s.%s",
							NULL, ns, name, key);
	return str ? settings_value_as_uint64(str, 0) : def;
}

/**
 * Start of the messages about a profile option that has a bad value
 */
static void profile_prefix(private_getcert_profile_t *this, char *buf,
						   size_t len)
{
	snprintf(buf, len, "getcert: profile '%s' ignored: ", this->name);
}

/**
 * Read a duration option, in [min, max] seconds (settings->get_time() would
 * return the default for a value it cannot parse)
 */
static bool get_duration(private_getcert_profile_t *this, settings_t *settings,
						 char *ns, char *key, u_int def, u_int min, u_int max,
						 u_int *out)
{
	char prefix[BUF_LEN];

	profile_prefix(this, prefix, sizeof(prefix));
	return getcert_settings_duration(settings, prefix, def, min, max, out,
							"%s.plugins.getcert.profiles.%s.%s", ns,
							this->name, key);
}

/**
 * Read a fraction option, in [min, max] (settings->get_double() would
 * return the default for a value it cannot parse)
 */
static bool get_fraction(private_getcert_profile_t *this, settings_t *settings,
						 char *ns, char *key, double def, double min,
						 double max, double *out)
{
	char prefix[BUF_LEN];

	profile_prefix(this, prefix, sizeof(prefix));
	return getcert_settings_fraction(settings, prefix, def, min, max, out,
							"%s.plugins.getcert.profiles.%s.%s", ns,
							this->name, key);
}

/**
 * Read the timing options
 */
static bool load_opts(private_getcert_profile_t *this, settings_t *settings,
					  char *ns)
{
	getcert_profile_opts_t *o = &this->opts;
	uint64_t tries;

	/* equals() compares the options with memeq(), padding included */
	memset(o, 0, sizeof(*o));
	if (!get_duration(this, settings, ns, "timeout", 30, 1, 3600,
					  &o->timeout) ||
		!get_fraction(this, settings, ns, "renew_fraction", 0.5, 0.1, 0.9,
					  &o->renew_fraction) ||
		!get_duration(this, settings, ns, "renew_lead", 300, 0, 30 * 86400,
					  &o->renew_lead) ||
		!get_fraction(this, settings, ns, "renew_jitter", 0.05, 0.0, 0.3,
					  &o->renew_jitter) ||
		!get_duration(this, settings, ns, "retry_interval", 30, 1, 86400,
					  &o->retry_interval) ||
		!get_duration(this, settings, ns, "retry_max", 3600, 1, 7 * 86400,
					  &o->retry_max) ||
		!get_duration(this, settings, ns, "failure_backoff", 300, 1, 86400,
					  &o->failure_backoff) ||
		!get_duration(this, settings, ns, "failure_backoff_max", 3600, 1,
					  7 * 86400, &o->failure_backoff_max))
	{
		return FALSE;
	}
	if (o->retry_max < o->retry_interval)
	{
		PROFILE_ERROR(ns, this->name, "retry_max", "is shorter than "
					  "retry_interval");
		return FALSE;
	}
	if (o->failure_backoff_max < o->failure_backoff)
	{
		PROFILE_ERROR(ns, this->name, "failure_backoff_max", "is shorter "
					  "than failure_backoff");
		return FALSE;
	}
	o->ca_secret_owner = settings->get_bool(settings,
							"%s.plugins.getcert.profiles.%s.ca_secret_owner",
							FALSE, ns, this->name);
	tries = get_number(settings, ns, this->name, "max_tries", 3);
	if (tries < 1 || tries > 10)
	{
		PROFILE_ERROR(ns, this->name, "max_tries", "must be 1 to 10");
		return FALSE;
	}
	o->max_tries = tries;
	o->preemptive_auth = settings->get_bool(settings,
							"%s.plugins.getcert.profiles.%s.preemptive_auth",
							TRUE, ns, this->name);
	o->allow_sha1 = settings->get_bool(settings, "%s.plugins.getcert.profiles."
							"%s.allow_sha1", FALSE, ns, this->name);
	o->allow_des3 = settings->get_bool(settings, "%s.plugins.getcert.profiles."
							"%s.allow_des3", FALSE, ns, this->name);
	o->allow_des = settings->get_bool(settings, "%s.plugins.getcert.profiles."
							"%s.allow_des", FALSE, ns, this->name);
	return TRUE;
}

/**
 * Load the optional TLS trust anchor and pins, and the RA pins
 */
static bool load_tls_ca(private_getcert_profile_t *this, settings_t *settings,
						char *ns)
{
	char *str;

	this->tls_ca_path = strdupnull(settings->get_str(settings,
							"%s.plugins.getcert.profiles.%s.tls_ca", NULL,
							ns, this->name));
	str = settings->get_str(settings, "%s.plugins.getcert.profiles.%s."
							"tls_pin", NULL, ns, this->name);
	if (str && !(this->tls_pin = getcert_curl_parse_pin(str)))
	{
		PROFILE_ERROR(ns, this->name, "tls_pin", "is not a public key pin "
					  "(sha256//<base64 of the SHA-256 of the server's "
					  "SubjectPublicKeyInfo>, several separated by ';', or "
					  "that SHA-256 in hex)");
		return FALSE;
	}
	str = settings->get_str(settings, "%s.plugins.getcert.profiles.%s."
							"ra_fingerprint", NULL, ns, this->name);
	if (str && !getcert_x509_parse_fingerprints(str, &this->ra_fps))
	{
		PROFILE_ERROR(ns, this->name, "ra_fingerprint", "is not a list of "
					  "SHA-256 fingerprints (64 hex digits each, colons "
					  "allowed, separated by commas)");
		return FALSE;
	}
	if (!this->tls_ca_path)
	{
		return TRUE;
	}
	this->tls_ca = lib->creds->create(lib->creds, CRED_CERTIFICATE,
							CERT_X509, BUILD_FROM_FILE, this->tls_ca_path,
							BUILD_END);
	if (!this->tls_ca)
	{
		PROFILE_ERROR(ns, this->name, "tls_ca", "'%s' is not a readable "
					  "X.509 certificate", this->tls_ca_path);
		return FALSE;
	}
	return TRUE;
}

/*
 * Described in header
 */
getcert_profile_t *getcert_profile_create(settings_t *settings, char *ns,
										  char *name)
{
	private_getcert_profile_t *this;
	char *str;

	INIT(this,
		.public = {
			.get_name = _get_name,
			.get_url = _get_url,
			.get_protocol = _get_protocol,
			.get_est_label = _get_est_label,
			.get_identity = _get_identity,
			.get_user = _get_user,
			.get_ca_cert = _get_ca_cert,
			.get_ca_fingerprint = _get_ca_fingerprint,
			.get_tls_ca = _get_tls_ca,
			.get_tls_pin = _get_tls_pin,
			.get_ra_fingerprints = _get_ra_fingerprints,
			.get_opts = _get_opts,
			.allows_plain_http = _allows_plain_http,
			.get_key_type = _get_key_type,
			.get_key_size = _get_key_size,
			.server_keygen = _server_keygen,
			.equals = _equals,
			.get_ref = _get_ref,
			.destroy = _destroy,
		},
		.name = strdup(name),
		.plain_http = settings->get_bool(settings,
							"%s.plugins.getcert.profiles.%s.plain_http",
							FALSE, ns, name),
		.ref = 1,
	);

	if (!load_protocol(this, settings, ns))
	{
		goto error;
	}
	if (this->plain_http && this->protocol == GETCERT_PROTOCOL_EST)
	{
		PROFILE_ERROR(ns, name, "plain_http", "is for SCEP only: EST runs "
					  "over https:// only (RFC 7030 3.3)");
		goto error;
	}
	this->url = strdupnull(settings->get_str(settings,
							"%s.plugins.getcert.profiles.%s.url", NULL,
							ns, name));
	if (!this->url || !*this->url)
	{
		PROFILE_ERROR(ns, name, "url", "is missing");
		goto error;
	}
	if (!check_url(this, ns))
	{
		goto error;
	}

	str = settings->get_str(settings, "%s.plugins.getcert.profiles.%s."
							"identity", NULL, ns, name);
	if (!str || !*str)
	{
		PROFILE_ERROR(ns, name, "identity", "is missing");
		goto error;
	}
	this->identity = identification_create_from_string(str);
	if (this->identity->get_type(this->identity) == ID_ANY)
	{
		PROFILE_ERROR(ns, name, "identity", "'%s' is not a specific "
					  "identity", str);
		goto error;
	}

	str = settings->get_str(settings, "%s.plugins.getcert.profiles.%s."
							"user", NULL, ns, name);
	if (str && !*str)
	{
		PROFILE_ERROR(ns, name, "user", "is empty");
		goto error;
	}
	this->user = str ? identification_create_from_string(str)
					 : this->identity->clone(this->identity);

	if (!load_key(this, settings, ns) ||
		!load_ca(this, settings, ns) ||
		!load_tls_ca(this, settings, ns) ||
		!load_opts(this, settings, ns))
	{
		goto error;
	}
	return &this->public;

error:
	destroy(this);
	return NULL;
}

/*
 * Described in header
 */
time_t getcert_renew_at(getcert_profile_opts_t *opts, time_t not_before,
						time_t not_after, double rnd)
{
	time_t life, remaining, at;

	life = not_after - not_before;
	if (life <= 0)
	{
		return not_before;
	}
	remaining = max((time_t)(life * (1.0 - opts->renew_fraction)),
					(time_t)opts->renew_lead);
	remaining = min(remaining, life - life / 10);
	at = not_after - remaining;
	at -= (time_t)(life * opts->renew_jitter * rnd);
	return max(at, not_before + life / 10);
}

/*
 * Described in header
 */
u_int getcert_failure_backoff(getcert_profile_opts_t *opts, u_int failures)
{
	uint64_t backoff;

	backoff = (uint64_t)opts->failure_backoff <<
								min(max(failures, 1) - 1, 20);
	return min(backoff, opts->failure_backoff_max);
}

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

#include "getcertd_policy.h"
#include "getcertd_issuer.h"

#include <ctype.h>
#include <arpa/inet.h>

#include <utils/debug.h>

#include <getcert_settings.h>

/*
 * Described in header
 */
void getcertd_policy_destroy(getcertd_policy_t *policy)
{
	free(policy->name);
	free(policy->path);
	free(policy->subject);
	free(policy->san);
	free(policy->challenge);
	free(policy->est_label);
	free(policy);
}

/**
 * Parse the eku setting of a policy. Without one, certificates carry
 * clientAuth and ipsecIKE: RFC 4945 5.1.3.12 says a CA SHOULD NOT include
 * an EKU, but without one OpenSSL (and curl) accept a user certificate as
 * TLS server certificate of any host named like the user. serverAuth is
 * never granted.
 */
static bool parse_ekus(getcertd_policy_t *policy)
{
	enumerator_t *enumerator;
	char *value, *eku;
	bool ok = TRUE;

	value = lib->settings->get_str(lib->settings, "%s.policies.%s.eku",
								   NULL, lib->ns, policy->name);
	if (!value)
	{
		policy->ekus = GETCERTD_EKU_CLIENT_AUTH | GETCERTD_EKU_IPSEC_IKE;
		return TRUE;
	}
	if (streq(value, "none"))
	{
		DBG1(DBG_APP, "WARNING: %s.policies.%s.eku = none: certificates "
			 "without extendedKeyUsage pass as TLS server certificates "
			 "for hosts named like their subject", lib->ns, policy->name);
		policy->ekus = 0;
		return TRUE;
	}
	enumerator = enumerator_create_token(value, ",", " ");
	while (enumerator->enumerate(enumerator, &eku))
	{
		if (streq(eku, "clientAuth"))
		{
			policy->ekus |= GETCERTD_EKU_CLIENT_AUTH;
		}
		else if (streq(eku, "ipsecIKE"))
		{
			policy->ekus |= GETCERTD_EKU_IPSEC_IKE;
		}
		else if (streq(eku, "serverAuth"))
		{
			DBG1(DBG_APP, "%s.policies.%s.eku: serverAuth refused, getcertd "
				 "never issues TLS server certificates", lib->ns,
				 policy->name);
			ok = FALSE;
		}
		else
		{
			DBG1(DBG_APP, "%s.policies.%s.eku: unknown '%s'", lib->ns,
				 policy->name, eku);
			ok = FALSE;
		}
	}
	enumerator->destroy(enumerator);
	if (ok && !policy->ekus)
	{
		DBG1(DBG_APP, "%s.policies.%s.eku: empty, use 'none' to issue "
			 "certificates without extendedKeyUsage", lib->ns,
			 policy->name);
		ok = FALSE;
	}
	return ok;
}

/**
 * Parse the key_types setting of a policy (default: rsa, ecdsa, ed25519)
 */
static bool parse_key_types(getcertd_policy_t *policy)
{
	enumerator_t *enumerator;
	char *value, *type;
	bool ok = TRUE;

	value = lib->settings->get_str(lib->settings, "%s.policies.%s.key_types",
								   "rsa, ecdsa, ed25519", lib->ns,
								   policy->name);
	enumerator = enumerator_create_token(value, ",", " ");
	while (enumerator->enumerate(enumerator, &type))
	{
		if (streq(type, "rsa"))
		{
			policy->key_types |= GETCERTD_KEY_RSA;
		}
		else if (streq(type, "ecdsa"))
		{
			policy->key_types |= GETCERTD_KEY_ECDSA;
		}
		else if (streq(type, "ed25519"))
		{
			policy->key_types |= GETCERTD_KEY_ED25519;
		}
		else
		{
			DBG1(DBG_APP, "%s.policies.%s.key_types: unknown '%s' (rsa, "
				 "ecdsa, ed25519)", lib->ns, policy->name, type);
			ok = FALSE;
		}
	}
	enumerator->destroy(enumerator);
	if (ok && !policy->key_types)
	{
		DBG1(DBG_APP, "%s.policies.%s.key_types: empty", lib->ns,
			 policy->name);
		ok = FALSE;
	}
	return ok;
}

/*
 * Described in header
 */
bool getcertd_policy_valid_label(char *label)
{
	char *ops[] = { "cacerts", "simpleenroll", "simplereenroll", "fullcmc",
					"serverkeygen", "csrattrs" };
	char *pos;
	int i;

	if (!label || !*label || strlen(label) > GETCERTD_POLICY_MAX_LABEL ||
		streq(label, ".") || streq(label, ".."))
	{
		return FALSE;
	}
	for (pos = label; *pos; pos++)
	{
		if (!isalnum(*pos) && !strchr("._-", *pos))
		{
			return FALSE;
		}
	}
	for (i = 0; i < countof(ops); i++)
	{
		if (streq(label, ops[i]))
		{
			return FALSE;
		}
	}
	return TRUE;
}

/**
 * Read the EST options of a policy: est, est_label
 */
static bool parse_est(getcertd_policy_t *policy)
{
	char *label;

	label = lib->settings->get_str(lib->settings, "%s.policies.%s.est_label",
								   NULL, lib->ns, policy->name);
	if (!getcert_settings_bool(lib->settings, "", label != NULL,
					&policy->est, "%s.policies.%s.est", lib->ns, policy->name))
	{
		return FALSE;
	}
	if (label && !getcertd_policy_valid_label(label))
	{
		DBG1(DBG_APP, "%s.policies.%s.est_label: '%s' is not a label of "
			 "1 to %d characters [A-Za-z0-9._-], nor an EST operation",
			 lib->ns, policy->name, label, GETCERTD_POLICY_MAX_LABEL);
		return FALSE;
	}
	if (label && !policy->est)
	{
		DBG1(DBG_APP, "%s.policies.%s: est_label with est = no", lib->ns,
			 policy->name);
		return FALSE;
	}
	if (policy->est && !policy->radius)
	{
		DBG1(DBG_APP, "%s.policies.%s: EST needs auth = radius (HTTP Basic)",
			 lib->ns, policy->name);
		return FALSE;
	}
	policy->est_label = strdupnull(label);
	return TRUE;
}

/**
 * Read the server-side key generation options of a policy: server_keygen,
 * server_keygen_key
 */
static bool parse_skg(getcertd_policy_t *policy)
{
	struct {
		char *name;
		key_type_t type;
		u_int bits;
		u_int flag;
	} types[] = {
		{ "ecdsa-256",	KEY_ECDSA,		256,	GETCERTD_KEY_ECDSA		},
		{ "ecdsa-384",	KEY_ECDSA,		384,	GETCERTD_KEY_ECDSA		},
		{ "ecdsa-521",	KEY_ECDSA,		521,	GETCERTD_KEY_ECDSA		},
		{ "ed25519",	KEY_ED25519,	0,		GETCERTD_KEY_ED25519	},
		{ "rsa-2048",	KEY_RSA,		2048,	GETCERTD_KEY_RSA		},
		{ "rsa-3072",	KEY_RSA,		3072,	GETCERTD_KEY_RSA		},
		{ "rsa-4096",	KEY_RSA,		4096,	GETCERTD_KEY_RSA		},
	};
	char *value;
	int i;

	value = lib->settings->get_str(lib->settings,
								   "%s.policies.%s.server_keygen", "no",
								   lib->ns, policy->name);
	if (streq(value, "no"))
	{
		policy->server_keygen = GETCERTD_SKG_NO;
	}
	else if (streq(value, "encrypted"))
	{
		policy->server_keygen = GETCERTD_SKG_ENCRYPTED;
	}
	else if (streq(value, "yes"))
	{
		policy->server_keygen = GETCERTD_SKG_YES;
	}
	else
	{
		DBG1(DBG_APP, "%s.policies.%s.server_keygen: '%s' is not no, "
			 "encrypted or yes", lib->ns, policy->name, value);
		return FALSE;
	}
	value = lib->settings->get_str(lib->settings,
								   "%s.policies.%s.server_keygen_key",
								   "ecdsa-256", lib->ns, policy->name);
	for (i = 0; i < countof(types); i++)
	{
		if (streq(value, types[i].name))
		{
			break;
		}
	}
	if (i == countof(types))
	{
		DBG1(DBG_APP, "%s.policies.%s.server_keygen_key: unknown '%s' "
			 "(ecdsa-256, ecdsa-384, ecdsa-521, ed25519, rsa-2048, rsa-3072, "
			 "rsa-4096)", lib->ns, policy->name, value);
		return FALSE;
	}
	policy->skg_type = types[i].type;
	policy->skg_bits = types[i].bits;
	if (policy->server_keygen == GETCERTD_SKG_NO)
	{
		return TRUE;
	}
	if (!policy->est)
	{
		DBG1(DBG_APP, "%s.policies.%s: server_keygen needs est = yes",
			 lib->ns, policy->name);
		return FALSE;
	}
	if (policy->manual)
	{	/* the generated key is never stored: nothing to hand out later */
		DBG1(DBG_APP, "%s.policies.%s: server_keygen needs approval = auto",
			 lib->ns, policy->name);
		return FALSE;
	}
	if (!(policy->key_types & types[i].flag) ||
		(types[i].type == KEY_RSA && types[i].bits < policy->min_rsa))
	{
		DBG1(DBG_APP, "%s.policies.%s: server_keygen_key %s is not allowed "
			 "by key_types/min_rsa_bits", lib->ns, policy->name, value);
		return FALSE;
	}
	return TRUE;
}

/**
 * Whether two policies are served on the same EST path
 */
CALLBACK(same_est_cb, bool,
	getcertd_policy_t *a, va_list args)
{
	getcertd_policy_t *b;

	VA_ARGS_VGET(args, b);
	return a->est && b->est &&
		   (a->est_label ? b->est_label && streq(a->est_label, b->est_label)
						 : !b->est_label);
}

/*
 * Described in header
 */
bool getcertd_policy_key_ok(getcertd_policy_t *policy, public_key_t *public,
							char **reason)
{
	int size = public->get_keysize(public);

	switch (public->get_type(public))
	{
		case KEY_RSA:
			if (!(policy->key_types & GETCERTD_KEY_RSA))
			{
				break;
			}
			if (size < policy->min_rsa)
			{
				*reason = "CSR key too weak";
				return FALSE;
			}
			return TRUE;
		case KEY_ECDSA:
			if (!(policy->key_types & GETCERTD_KEY_ECDSA))
			{
				break;
			}
			if (size != 256 && size != 384 && size != 521)
			{
				*reason = "CSR key on an unsupported curve";
				return FALSE;
			}
			return TRUE;
		case KEY_ED25519:
			if (!(policy->key_types & GETCERTD_KEY_ED25519))
			{
				break;
			}
			return TRUE;
		default:
			break;
	}
	*reason = "CSR key type not allowed by the policy";
	return FALSE;
}

/**
 * Read the durations, numbers and booleans of a policy, FALSE (logged,
 * naming the option and its value) if one has a bad value
 */
static bool load_numbers(getcertd_policy_t *policy)
{
	uint64_t min_rsa;

	if (!getcert_settings_duration(lib->settings, "", 3600, 1, 3650 * 86400,
					&policy->lifetime, "%s.policies.%s.lifetime", lib->ns,
					policy->name) ||
		!getcert_settings_duration(lib->settings, "", 300, 0, 7 * 86400,
					&policy->backdate, "%s.policies.%s.backdate", lib->ns,
					policy->name) ||
		!getcert_settings_duration(lib->settings, "", 86400, 0, 3650 * 86400,
					&policy->max_renewal_age,
					"%s.policies.%s.max_renewal_age", lib->ns,
					policy->name) ||
		!getcert_settings_number(lib->settings, "", 2048, 1024, 16384,
					&min_rsa, "%s.policies.%s.min_rsa_bits", lib->ns,
					policy->name) ||
		!getcert_settings_bool(lib->settings, "", FALSE, &policy->allow_weak,
					"%s.policies.%s.allow_des", lib->ns, policy->name))
	{
		return FALSE;
	}
	policy->min_rsa = min_rsa;
	return TRUE;
}

/*
 * Described in header
 */
linked_list_t *getcertd_policy_load()
{
	enumerator_t *enumerator;
	linked_list_t *policies;
	getcertd_policy_t *policy;
	char *name, *approval, *auth;
	bool dotted;

	/* read for each user name by getcertd_policy_valid_user(), whose
	 * settings->get_bool() gives the same value for what is accepted here */
	if (!getcert_settings_bool(lib->settings, "", FALSE, &dotted,
							   "%s.allow_dotted_users", lib->ns))
	{
		return NULL;
	}
	policies = linked_list_create();
	enumerator = lib->settings->create_section_enumerator(lib->settings,
												"%s.policies", lib->ns);
	while (enumerator->enumerate(enumerator, &name))
	{
		INIT(policy,
			.name = strdup(name),
			.path = strdup(lib->settings->get_str(lib->settings,
							"%s.policies.%s.path", "/scep", lib->ns, name)),
			.subject = strdupnull(lib->settings->get_str(lib->settings,
							"%s.policies.%s.subject", NULL, lib->ns, name)),
			.san = strdupnull(lib->settings->get_str(lib->settings,
							"%s.policies.%s.san", NULL, lib->ns, name)),
			.challenge = strdupnull(lib->settings->get_str(lib->settings,
							"%s.policies.%s.challenge_password", NULL,
							lib->ns, name)),
		);
		if (!load_numbers(policy))
		{
			getcertd_policy_destroy(policy);
			enumerator->destroy(enumerator);
			policies->destroy_function(policies,
									   (void*)getcertd_policy_destroy);
			return NULL;
		}
		approval = lib->settings->get_str(lib->settings,
							"%s.policies.%s.approval", "auto", lib->ns, name);
		auth = lib->settings->get_str(lib->settings,
							"%s.policies.%s.auth", "radius", lib->ns, name);
		policy->manual = streq(approval, "manual");
		policy->radius = streq(auth, "radius");
		if (!parse_ekus(policy) || !parse_key_types(policy) ||
			!parse_est(policy) || !parse_skg(policy))
		{
			policy->lifetime = 0;
		}
		else if (policies->find_first(policies, same_est_cb, NULL, policy))
		{
			DBG1(DBG_APP, "%s.policies.%s: another policy is served on "
				 "/.well-known/est/%s already", lib->ns, name,
				 policy->est_label ?: "");
			policy->lifetime = 0;
		}
		if (!policy->subject || !policy->lifetime || policy->path[0] != '/' ||
			(!streq(approval, "auto") && !policy->manual) ||
			(!policy->radius && !streq(auth, "challenge")) ||
			(!policy->radius && !policy->challenge))
		{
			DBG1(DBG_APP, "%s.policies.%s: needs a subject template, a "
				 "positive lifetime, a path starting with '/', approval "
				 "auto|manual, auth radius|challenge (challenge needs "
				 "challenge_password)", lib->ns, name);
			getcertd_policy_destroy(policy);
			enumerator->destroy(enumerator);
			policies->destroy_function(policies,
									   (void*)getcertd_policy_destroy);
			return NULL;
		}
		if (policy->est)
		{
			DBG1(DBG_APP, "policy '%s' on /.well-known/est/%s%s", name,
				 policy->est_label ?: "", policy->est_label ? "/" : "");
		}
		DBG1(DBG_APP, "policy '%s' on %s: subject '%s', san '%s', lifetime "
			 "%us, %s approval, %s", name, policy->path, policy->subject,
			 policy->san ?: "-", policy->lifetime,
			 policy->manual ? "manual" : "automatic",
			 policy->radius ? "RADIUS" : "challenge password");
		policies->insert_last(policies, policy);
	}
	enumerator->destroy(enumerator);
	if (!policies->get_count(policies))
	{
		DBG1(DBG_APP, "no %s.policies configured", lib->ns);
		policies->destroy(policies);
		return NULL;
	}
	return policies;
}

/**
 * Whether a name is an IPv4 or IPv6 address literal, in any form
 * inet_aton() accepts with a dot (10.1, 0x0a.0.0.1)
 */
static bool is_address(char *name)
{
	struct in6_addr in6;
	struct in_addr in;

	return inet_pton(AF_INET6, name, &in6) == 1 ||
		   inet_pton(AF_INET, name, &in) == 1 ||
		   (strchr(name, '.') && inet_aton(name, &in));
}

/**
 * Whether a name looks like a host name: dotted LDH labels without '@'
 * whose last label is alphabetic (ca.example.org)
 */
static bool is_host_name(char *name)
{
	char *last;

	if (strchr(name, '@') || !(last = strrchr(name, '.')))
	{
		return FALSE;
	}
	for (last++; *last; last++)
	{
		if (!isalpha(*last))
		{
			return FALSE;
		}
	}
	return last[-1] != '.';
}

/*
 * Described in header
 */
bool getcertd_policy_valid_user(char *user)
{
	char *pos;
	int len = 0;

	for (pos = user; *pos; pos++, len++)
	{
		if (!isalnum(*pos) && !strchr("._-@", *pos))
		{
			return FALSE;
		}
	}
	if (len == 0 || len > 64)
	{
		return FALSE;
	}
	if (is_address(user))
	{
		DBG1(DBG_APP, "user name '%s' refused: an IP address", user);
		return FALSE;
	}
	if (is_host_name(user) &&
		!lib->settings->get_bool(lib->settings, "%s.allow_dotted_users",
								 FALSE, lib->ns))
	{
		DBG1(DBG_APP, "user name '%s' refused: looks like a host name "
			 "(%s.allow_dotted_users)", user, lib->ns);
		return FALSE;
	}
	return TRUE;
}

/**
 * Expand a template, %u is the user
 */
static identification_t *expand(char *template, char *user)
{
	char buf[512], *pos = buf;
	int len;

	while (*template && pos < buf + sizeof(buf) - 1)
	{
		if (template[0] == '%' && template[1] == 'u')
		{
			len = snprintf(pos, buf + sizeof(buf) - pos, "%s", user);
			pos += min(len, buf + sizeof(buf) - 1 - pos);
			template += 2;
			continue;
		}
		*pos++ = *template++;
	}
	*pos = '\0';
	return identification_create_from_string(buf);
}

/*
 * Described in header
 */
bool getcertd_policy_subject_ok(identification_t *csr_subject,
								identification_t *dn, linked_list_t *sans,
								char *user)
{
	enumerator_t *enumerator;
	identification_t *san;
	char buf[300];
	bool ok = FALSE;

	if (csr_subject->equals(csr_subject, dn))
	{
		return TRUE;
	}
	enumerator = sans->create_enumerator(sans);
	while (enumerator->enumerate(enumerator, &san) && !ok)
	{
		snprintf(buf, sizeof(buf), "CN=%Y", san);
		san = identification_create_from_string(buf);
		ok = csr_subject->equals(csr_subject, san);
		san->destroy(san);
	}
	enumerator->destroy(enumerator);
	if (!ok && user)
	{
		snprintf(buf, sizeof(buf), "CN=%s", user);
		san = identification_create_from_string(buf);
		ok = csr_subject->equals(csr_subject, san);
		san->destroy(san);
	}
	return ok;
}

/*
 * Described in header
 */
bool getcertd_policy_sans_ok(pkcs10_t *csr, linked_list_t *sans)
{
	enumerator_t *enumerator, *inner;
	identification_t *id, *granted;
	bool ok = TRUE, found;

	enumerator = csr->create_subjectAltName_enumerator(csr);
	while (ok && enumerator->enumerate(enumerator, &id))
	{
		found = FALSE;
		inner = sans->create_enumerator(sans);
		while (!found && inner->enumerate(inner, &granted))
		{
			found = id->equals(id, granted);
		}
		inner->destroy(inner);
		ok = found;
	}
	enumerator->destroy(enumerator);
	return ok;
}

/*
 * Described in header
 */
identification_t *getcertd_policy_granted(getcertd_policy_t *policy,
										  char *user, linked_list_t *sans)
{
	if (policy->san)
	{
		sans->insert_last(sans, expand(policy->san, user));
	}
	return expand(policy->subject, user);
}

/*
 * Described in header
 */
CALLBACK(match_path, bool,
	getcertd_policy_t *policy, va_list args)
{
	char *path;

	VA_ARGS_VGET(args, path);
	return streq(policy->path, path);
}

CALLBACK(match_name, bool,
	getcertd_policy_t *policy, va_list args)
{
	char *name;

	VA_ARGS_VGET(args, name);
	return streq(policy->name, name);
}

/*
 * Described in header
 */
getcertd_policy_t *getcertd_policy_find(linked_list_t *policies, char *path)
{
	getcertd_policy_t *found = NULL;

	policies->find_first(policies, match_path, (void**)&found, path);
	return found;
}

CALLBACK(match_est, bool,
	getcertd_policy_t *policy, va_list args)
{
	char *label;

	VA_ARGS_VGET(args, label);
	return policy->est && (label ? policy->est_label &&
						   streq(policy->est_label, label) : !policy->est_label);
}

/*
 * Described in header
 */
getcertd_policy_t *getcertd_policy_find_est(linked_list_t *policies,
											char *label)
{
	getcertd_policy_t *found = NULL;

	policies->find_first(policies, match_est, (void**)&found, label);
	return found;
}

/*
 * Described in header
 */
getcertd_policy_t *getcertd_policy_named(linked_list_t *policies,
										 char *name)
{
	getcertd_policy_t *found = NULL;

	if (name)
	{
		policies->find_first(policies, match_name, (void**)&found, name);
	}
	return found;
}

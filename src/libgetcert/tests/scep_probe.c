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
 * scep_probe: builds the requests an attacker sends to learn something
 * about the server's decryption (PKCS#1 v1.5 and CBC padding oracles,
 * fall-through between recipientInfos), and decodes the CertReps the
 * server answers with, so that a test can compare the answers.
 *
 *   scep_probe build <kind> <recipient.pem> <out.der> [transactionID]
 *   scep_probe decode <signer.pem> <reply.der>
 *
 * Every request is a PKCSReq signed with a fresh self-signed certificate,
 * transactionID and senderNonce of fixed sizes, content encrypted with
 * AES-128-CBC. Kinds (what the server must answer alike):
 *   pkcs1        encrypted key with invalid PKCS#1 v1.5 padding
 *   pkcs1-short  valid PKCS#1 v1.5 of a 15 byte key
 *   wrong-key    valid PKCS#1 v1.5 of a key the content is not encrypted
 *                with (content decrypts to garbage)
 *   padding      right key, content with invalid CBC padding
 *   not-der      right key and padding, content not DER
 *   fallthrough  an invalid recipientInfo for the server first, then a
 *                valid one with a valid CSR (challengePassword "secret",
 *                CN=probe): a server that falls through issues
 *   valid        the same request, correctly encrypted (the control: it
 *                must be issued)
 *   poll         a CertPoll (IssuerAndSubject CN=probe) for the
 *                transactionID given
 * decode prints "pkiStatus=<n> failInfo=<n|->" of a CertRep whose
 * signature verifies with the given certificate.
 *
 *   scep_probe emit <dir>
 *   scep_probe emit-keygen <dir>
 *
 * runs the client's enrollment engine against the in-process test CA
 * (getcert_test_ca, with an RA) and keeps every request it sends in dir
 * (see gt_ca_t.capture): a PKCSReq with subjectAltName and
 * challengePassword answered PENDING, the CertPoll, a RenewalReq with
 * subjectAltName only, GetCert, GetCRL, a PKCSReq with a DN identity and
 * challengePassword only, and one with a 200 character challengePassword
 * (an attribute longer than the extensionRequest).
 *
 * emit-keygen runs the EST engine's enroll_keygen() against the test CA's
 * /serverkeygen and keeps the CSR it sends (signed by the ephemeral RSA
 * key, with subjectAltName, challengePassword and
 * AsymmetricDecryptKeyIdentifier) as serverkeygen-csr.der, the one of the
 * renewal as serverkeygen-renew-csr.der.
 *
 * Environment, for requests that are not probes:
 *   PROBE_KEY=file     the requester's RSA key, read if the file exists,
 *                      else generated and written there (PKCS#1 DER)
 *   PROBE_SIGNER=file  sign with this certificate (DER or PEM) and
 *                      PROBE_KEY, instead of a fresh self-signed one
 *   PROBE_TYPE=renewal a RenewalReq instead of a PKCSReq
 *   PROBE_CN=name      the CSR's CN instead of "probe" (another request
 *                      of the same key)
 */

#include <stdio.h>
#include <unistd.h>
#include <limits.h>

#include <library.h>
#include <asn1/asn1.h>
#include <asn1/oid.h>

#include <getcert_cms_signed.h>
#include <getcert_cms_enveloped.h>
#include <getcert_scep.h>
#include <getcert_enroll.h>
#include <getcert_est_enroll.h>
#include <getcert_x509.h>
#include <getcert_test_ca.h>
#include <getcert_test_certs.h>

#include <credentials/certificates/x509.h>

/**
 * The default transactionID, fixed so that replies are comparable
 */
#define TRANSID "PROBE0123456789ABCDEF"

/**
 * Random bytes
 */
static chunk_t random_bytes(size_t len)
{
	rng_t *rng;
	chunk_t out = chunk_empty;

	rng = lib->crypto->create_rng(lib->crypto, RNG_WEAK);
	if (!rng || !rng->allocate_bytes(rng, len, &out))
	{
		out = chunk_empty;
	}
	DESTROY_IF(rng);
	return out;
}

/**
 * Encrypt a key to the recipient with PKCS#1 v1.5
 */
static chunk_t encrypt_key(certificate_t *recipient, chunk_t cek)
{
	public_key_t *public;
	chunk_t ekey = chunk_empty;

	public = recipient->get_public_key(recipient);
	if (!public || !public->encrypt(public, ENCRYPT_RSA_PKCS1, NULL, cek,
									&ekey))
	{
		ekey = chunk_empty;
	}
	DESTROY_IF(public);
	return ekey;
}

/**
 * Build a valid CSR for CN=probe (or PROBE_CN) with challengePassword
 * "secret"
 */
static chunk_t build_csr(private_key_t *key)
{
	identification_t *dn;
	chunk_t der;
	char subject[256], *cn = getenv("PROBE_CN");

	snprintf(subject, sizeof(subject), "C=CH, O=getcert test, OU=remote, "
			 "CN=%s", cn ?: "probe");
	dn = identification_create_from_string(subject);
	der = getcert_x509_build_csr(key, dn, NULL, chunk_from_str("secret"),
								 HASH_SHA256);
	dn->destroy(dn);
	return der;
}

/**
 * Build the envelope of a kind of probe
 */
static chunk_t build_envelope(char *kind, certificate_t *recipient,
							  chunk_t csr)
{
	chunk_t cek, other, ekey, ktri, ktris, padded, env = chunk_empty;
	chunk_t invalid;

	cek = random_bytes(16);
	other = random_bytes(16);
	invalid = random_bytes(256);
	/* 0x00 0x55: never a PKCS#1 v1.5 block, smaller than any modulus */
	invalid.ptr[0] = 0x00;
	invalid.ptr[1] = 0x55;
	ekey = encrypt_key(recipient, cek);
	ktri = getcert_cms_build_ktri(recipient, ekey);
	if (streq(kind, "pkcs1") || streq(kind, "pkcs1-short") ||
		streq(kind, "wrong-key"))
	{
		chunk_free(&ktri);
		chunk_free(&ekey);
		ekey = streq(kind, "pkcs1") ? chunk_clone(invalid) :
			   streq(kind, "pkcs1-short") ?
					encrypt_key(recipient, chunk_create(other.ptr, 15)) :
					encrypt_key(recipient, other);
		ktri = getcert_cms_build_ktri(recipient, ekey);
		env = getcert_cms_build_enveloped_with(csr, ENCR_AES_CBC, 128, cek,
											   ktri, TRUE);
	}
	else if (streq(kind, "padding"))
	{	/* a whole number of blocks ending in 0x00 */
		padded = chunk_alloca(csr.len - csr.len % 16 + 16);
		memset(padded.ptr, 0, padded.len);
		memcpy(padded.ptr, csr.ptr, min(csr.len, padded.len - 1));
		padded.ptr[padded.len - 1] = 0x00;
		env = getcert_cms_build_enveloped_with(padded, ENCR_AES_CBC, 128,
											   cek, ktri, FALSE);
	}
	else if (streq(kind, "not-der"))
	{
		env = getcert_cms_build_enveloped_with(
					chunk_from_str("this is not DER at all"), ENCR_AES_CBC,
					128, cek, ktri, TRUE);
	}
	else if (streq(kind, "valid") || streq(kind, "poll"))
	{
		env = getcert_cms_build_enveloped_with(csr, ENCR_AES_CBC, 128, cek,
											   ktri, TRUE);
	}
	else if (streq(kind, "fallthrough"))
	{
		other = getcert_cms_build_ktri(recipient, invalid);
		ktris = chunk_cat("mc", other, ktri);
		other = chunk_empty;
		env = getcert_cms_build_enveloped_with(csr, ENCR_AES_CBC, 128, cek,
											   ktris, TRUE);
		chunk_free(&ktris);
	}
	chunk_clear(&cek);
	chunk_clear(&other);
	chunk_free(&invalid);
	chunk_free(&ekey);
	chunk_free(&ktri);
	return env;
}

/**
 * The requester's key: PROBE_KEY if it exists, else a new one (written to
 * PROBE_KEY if set)
 */
static private_key_t *requester_key()
{
	private_key_t *key;
	char *file = getenv("PROBE_KEY");
	chunk_t der;

	if (file && access(file, R_OK) == 0)
	{
		return lib->creds->create(lib->creds, CRED_PRIVATE_KEY, KEY_RSA,
								  BUILD_FROM_FILE, file, BUILD_END);
	}
	key = lib->creds->create(lib->creds, CRED_PRIVATE_KEY, KEY_RSA,
							 BUILD_KEY_SIZE, 2048, BUILD_END);
	if (key && file)
	{
		if (!key->get_encoding(key, PRIVKEY_ASN1_DER, &der) ||
			!chunk_write(der, file, 0077, TRUE))
		{
			fprintf(stderr, "writing %s failed\n", file);
			key->destroy(key);
			key = NULL;
		}
		chunk_clear(&der);
	}
	return key;
}

/**
 * IssuerAndSubject of a CertPoll: the recipient's issuer, CN=probe
 */
static chunk_t issuer_and_subject(certificate_t *recipient)
{
	identification_t *subject;
	chunk_t content;

	subject = identification_create_from_string("C=CH, O=getcert test, "
												"OU=remote, CN=probe");
	content = asn1_wrap(ASN1_SEQUENCE, "cc",
				recipient->get_issuer(recipient)->get_encoding(
										recipient->get_issuer(recipient)),
				subject->get_encoding(subject));
	subject->destroy(subject);
	return content;
}

/**
 * Build a probe
 */
static int build(char *kind, char *recipient_file, char *out, char *transid)
{
	certificate_t *recipient, *self;
	identification_t *dn;
	private_key_t *key;
	getcert_scep_request_t req;
	chunk_t csr, env, msg, nonce;
	char *type = getenv("PROBE_TYPE"), *signer = getenv("PROBE_SIGNER");
	int status = 1;

	recipient = lib->creds->create(lib->creds, CRED_CERTIFICATE, CERT_X509,
								   BUILD_FROM_FILE, recipient_file, BUILD_END);
	key = requester_key();
	if (!recipient || !key)
	{
		fprintf(stderr, "loading %s or generating a key failed\n",
				recipient_file);
		DESTROY_IF(recipient);
		DESTROY_IF(key);
		return 1;
	}
	if (signer)
	{
		self = lib->creds->create(lib->creds, CRED_CERTIFICATE, CERT_X509,
								  BUILD_FROM_FILE, signer, BUILD_END);
	}
	else
	{
		dn = identification_create_from_string("CN=probe");
		self = getcert_self_signed(dn, key);
		dn->destroy(dn);
	}
	csr = streq(kind, "poll") ? issuer_and_subject(recipient)
							  : build_csr(key);
	env = build_envelope(kind, recipient, csr);
	nonce = random_bytes(16);
	req = (getcert_scep_request_t){
		.type = streq(kind, "poll") ? GETCERT_SCEP_CERT_POLL :
				type && streq(type, "renewal") ? GETCERT_SCEP_RENEWAL_REQ :
				GETCERT_SCEP_PKCS_REQ,
		.transid = chunk_from_str(transid),
		.nonce = nonce,
		.signer = self,
		.key = key,
		.digest = HASH_SHA256,
	};
	msg = env.len && self ? getcert_scep_sign_request(&req, env) : chunk_empty;
	if (!msg.len)
	{
		fprintf(stderr, "building probe '%s' failed\n", kind);
	}
	else if (!chunk_write(msg, out, 0022, TRUE))
	{
		fprintf(stderr, "writing %s failed\n", out);
	}
	else
	{
		status = 0;
	}
	chunk_free(&msg);
	chunk_free(&env);
	chunk_free(&csr);
	chunk_free(&nonce);
	DESTROY_IF(self);
	key->destroy(key);
	recipient->destroy(recipient);
	return status;
}

/**
 * Decode a CertRep
 */
static int decode(char *signer_file, char *reply_file)
{
	certificate_t *signer;
	linked_list_t *trusted;
	getcert_cms_t *cms = NULL;
	chunk_t *reply, status, fail = chunk_empty;
	int rc = 1;

	signer = lib->creds->create(lib->creds, CRED_CERTIFICATE, CERT_X509,
								BUILD_FROM_FILE, signer_file, BUILD_END);
	reply = chunk_map(reply_file, FALSE);
	if (!signer || !reply)
	{
		fprintf(stderr, "loading %s or %s failed\n", signer_file,
				reply_file);
		goto out;
	}
	cms = getcert_cms_parse(*reply);
	trusted = linked_list_create_with_items(signer, NULL);
	if (!cms || !cms->verify(cms, trusted, NULL) ||
		!cms->get_attribute(cms, OID_PKI_STATUS, ASN1_PRINTABLESTRING,
							&status))
	{
		fprintf(stderr, "%s is not a CertRep signed by %s\n", reply_file,
				signer_file);
		trusted->destroy(trusted);
		goto out;
	}
	trusted->destroy(trusted);
	cms->get_attribute(cms, OID_PKI_FAIL_INFO, ASN1_PRINTABLESTRING, &fail);
	printf("pkiStatus=%.*s failInfo=%.*s\n", (int)status.len, status.ptr,
		   fail.len ? (int)fail.len : 1, fail.len ? (char*)fail.ptr : "-");
	rc = 0;

out:
	DESTROY_IF(cms);
	if (reply)
	{
		chunk_unmap(reply);
	}
	DESTROY_IF(signer);
	return rc;
}

/**
 * One enrollment with the test CA
 */
static bool emit_enroll(gt_ca_t *ca, getcert_enroll_params_t *params,
						private_key_t *key, certificate_t *current,
						private_key_t *current_key, certificate_t **cert)
{
	getcert_enroll_t *engine;
	getcert_err_t err;

	engine = getcert_enroll_create(&ca->transport, params);
	err = engine->enroll(engine, key, current, current_key, cert);
	engine->destroy(engine);
	if (err != GETCERT_OK)
	{
		fprintf(stderr, "enrollment of '%Y' failed: %N\n", params->identity,
				getcert_err_names, err);
		return FALSE;
	}
	return TRUE;
}

/**
 * Make the engine send every kind of request, keep them in dir
 */
static int emit(char *dir)
{
	getcert_enroll_params_t params;
	getcert_enroll_t *engine;
	identification_t *carol, *dave;
	certificate_t *cert = NULL, *renewed = NULL, *got = NULL, *crl = NULL;
	certificate_t *other = NULL;
	private_key_t *key, *key2;
	char password[201];
	x509_t *x509;
	bool ok = FALSE;
	gt_ca_t *ca;

	ca = gt_ca_create("Renewal\nSHA-256\nAES\nPOSTPKIOperation\n");
	ca->use_ra = TRUE;
	ca->capture = dir;
	ca->pending = 1;
	key = gt_rsa_key(2048);
	key2 = gt_rsa_key(2048);
	carol = identification_create_from_string("carol@strongswan.org");
	dave = identification_create_from_string("C=CH, O=getcert, CN=dave");
	params = (getcert_enroll_params_t){
		.identity = carol,
		.ca_cert = ca->ca,
		.challenge_password = "secret",
		.poll_timeout = 10,
		.max_skew = 300,
	};
	/* PKCSReq (SAN and challengePassword), PENDING, CertPoll */
	if (!key || !key2 || !emit_enroll(ca, &params, key, NULL, NULL, &cert))
	{
		goto out;
	}
	/* RenewalReq, SAN only */
	params.challenge_password = NULL;
	if (!emit_enroll(ca, &params, key2, cert, key, &renewed))
	{
		goto out;
	}
	/* GetCert and GetCRL, signed with the current certificate */
	x509 = (x509_t*)cert;
	engine = getcert_enroll_create(&ca->transport, &params);
	if (engine->get_cert(engine, renewed, key2, x509->get_serial(x509),
						 &got) != GETCERT_OK ||
		engine->get_crl(engine, renewed, key2, &crl) != GETCERT_OK)
	{
		fprintf(stderr, "GetCert or GetCRL failed\n");
		engine->destroy(engine);
		goto out;
	}
	engine->destroy(engine);
	/* PKCSReq with challengePassword only */
	params.identity = dave;
	params.challenge_password = "secret";
	if (!emit_enroll(ca, &params, key2, NULL, NULL, &other))
	{
		goto out;
	}
	/* a challengePassword attribute longer than the extensionRequest */
	other->destroy(other);
	other = NULL;
	memset(password, 'p', sizeof(password) - 1);
	password[sizeof(password) - 1] = '\0';
	params.identity = carol;
	params.challenge_password = password;
	ok = emit_enroll(ca, &params, key, NULL, NULL, &other);

out:
	DESTROY_IF(cert);
	DESTROY_IF(renewed);
	DESTROY_IF(got);
	DESTROY_IF(crl);
	DESTROY_IF(other);
	DESTROY_IF(key);
	DESTROY_IF(key2);
	carol->destroy(carol);
	dave->destroy(dave);
	ca->destroy(ca);
	return ok ? 0 : 1;
}

/**
 * Write a chunk to dir/name
 */
static bool emit_file(char *dir, char *name, chunk_t data)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!chunk_write(data, path, 022, TRUE))
	{
		fprintf(stderr, "writing %s failed\n", path);
		return FALSE;
	}
	return TRUE;
}

/**
 * Have the EST engine send /serverkeygen requests, keep their CSRs in dir
 */
static int emit_keygen(char *dir)
{
	getcert_enroll_params_t params;
	getcert_est_enroll_t *est;
	getcert_key_spec_t spec = { .type = KEY_ECDSA };
	identification_t *carol;
	certificate_t *cert = NULL, *renewed = NULL;
	private_key_t *key = NULL, *key2 = NULL;
	bool ok = FALSE;
	gt_ca_t *ca;

	ca = gt_ca_create("");
	carol = identification_create_from_string("carol@strongswan.org");
	params = (getcert_enroll_params_t){
		.identity = carol,
		.ca_cert = ca->ca,
		.challenge_password = "secret",
		.poll_timeout = 10,
		.max_skew = 300,
	};
	est = getcert_est_enroll_create(&ca->transport, &params);
	if (est->enroll_keygen(est, &spec, NULL, NULL, &key, &cert) !=
			GETCERT_OK ||
		!emit_file(dir, "serverkeygen-csr.der", ca->est_last_csr) ||
		est->enroll_keygen(est, &spec, cert, key, &key2, &renewed) !=
			GETCERT_OK ||
		!emit_file(dir, "serverkeygen-renew-csr.der", ca->est_last_csr))
	{
		fprintf(stderr, "serverkeygen failed\n");
	}
	else
	{
		ok = TRUE;
	}
	est->enroll.destroy(&est->enroll);
	DESTROY_IF(cert);
	DESTROY_IF(renewed);
	DESTROY_IF(key);
	DESTROY_IF(key2);
	carol->destroy(carol);
	ca->destroy(ca);
	return ok ? 0 : 1;
}

int main(int argc, char *argv[])
{
	int status = 1;

	library_init(NULL, "scep_probe");
	atexit(library_deinit);
	if (!lib->plugins->load(lib->plugins,
			"random nonce openssl pem pkcs1 pkcs8 x509 pubkey constraints"))
	{
		fprintf(stderr, "loading plugins failed\n");
		return 1;
	}
	if ((argc == 5 || argc == 6) && streq(argv[1], "build"))
	{
		status = build(argv[2], argv[3], argv[4],
					   argc == 6 ? argv[5] : TRANSID);
	}
	else if (argc == 4 && streq(argv[1], "decode"))
	{
		status = decode(argv[2], argv[3]);
	}
	else if (argc == 3 && streq(argv[1], "emit"))
	{
		status = emit(argv[2]);
	}
	else if (argc == 3 && streq(argv[1], "emit-keygen"))
	{
		status = emit_keygen(argv[2]);
	}
	else
	{
		fprintf(stderr, "usage: scep_probe build <kind> <recipient.pem> "
				"<out.der> [transactionID]\n"
				"       scep_probe decode <signer.pem> <reply.der>\n"
				"       scep_probe emit <dir>\n"
				"       scep_probe emit-keygen <dir>\n");
	}
	return status;
}

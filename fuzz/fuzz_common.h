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

/**
 * Shared parts of the libFuzzer targets for libgetcert: library
 * initialization, the committed fixtures (keys and certificates in
 * fuzz/fixtures/) and seed writing (FUZZ_WRITE_SEEDS=dir).
 */

#ifndef FUZZ_COMMON_H_
#define FUZZ_COMMON_H_

#include <stdio.h>
#include <stdint.h>
#include <stddef.h>

#include <library.h>
#include <collections/linked_list.h>
#include <credentials/certificates/certificate.h>
#include <credentials/keys/private_key.h>
#include <crypto/crypters/crypter.h>

/**
 * Plugins the targets load (as the unit tests do).
 */
#define FUZZ_PLUGINS "random nonce openssl pem pkcs1 pkcs8 x509 pubkey " \
					 "constraints"

/**
 * The fixed keys and certificates, loaded once by fuzz_init().
 */
typedef struct {
	/** RSA-1024 SCEP CA, trusted signer */
	private_key_t *ca_key;
	certificate_t *ca;
	/** ECDSA P-256 certificate issued by the CA, second trusted signer */
	private_key_t *ra_key;
	certificate_t *ra;
	/** RSA-1024 self-signed client certificate, recipient of envelopes */
	private_key_t *client_key;
	certificate_t *client;
	/** DER encoding of a CRL of the CA (seeds only) */
	chunk_t crl;
} fuzz_fixtures_t;

extern fuzz_fixtures_t fx;

/**
 * TRUE if FUZZ_DEBUG is set: the log is not silenced and the targets
 * print what they got, for looking at single inputs.
 */
extern bool fuzz_debug;

/**
 * Initialize OpenSSL without its atexit() cleanup (fuzz_openssl.c, apart
 * because OpenSSL's headers clash with strongSwan's asn1.h).
 */
void fuzz_openssl_no_atexit();

/**
 * Initialize libstrongswan, load the plugins and the fixtures, silence
 * the log (unless FUZZ_DEBUG is set). Aborts on failure.
 *
 * @param name			name of the target
 */
void fuzz_init(char *name);

/**
 * Directory to write seeds into, if FUZZ_WRITE_SEEDS is set.
 *
 * @return				directory (created), or NULL
 */
char *fuzz_seed_dir(void);

/**
 * If FUZZ_WRITE_SEEDS names a directory, write the target's seeds into it
 * and exit; called at the end of LLVMFuzzerInitialize().
 *
 * @param write_seeds	the target's seed writer
 */
void fuzz_seeds(void (*write_seeds)(char *dir));

/**
 * Write one seed file, aborts on failure.
 *
 * @param dir			directory
 * @param name			file name
 * @param data			contents
 */
void fuzz_write_seed(char *dir, char *name, chunk_t data);

/**
 * Write one seed file and free the data (chunk_free).
 */
void fuzz_write_seed_free(char *dir, char *name, chunk_t data);

/**
 * Read every byte of a chunk in instrumented code (so ASan sees reads of
 * chunks the library points into the input), return a checksum.
 *
 * @param data			data to read
 * @return				checksum
 */
uint32_t fuzz_touch(chunk_t data);

/**
 * Fold a value into a sink the compiler can not optimize away.
 */
void fuzz_sink(uint32_t value);

/**
 * Build a SignedData like getcert_cms_build_signed(), but with more
 * choices, for seeds that reach paths the library's builders don't use.
 *
 * @param content		content (OID_PKCS7_DATA), may be empty
 * @param attrs			further Attribute encodings, concatenated
 * @param signer		signer certificate (included)
 * @param key			signer key
 * @param digest		digest algorithm
 * @param ski			identify the signer by [0] subjectKeyIdentifier
 * @param crl			CRL to include, or chunk_empty
 * @return				allocated DER encoding
 */
chunk_t fuzz_build_signed(chunk_t content, chunk_t attrs,
						  certificate_t *signer, private_key_t *key,
						  hash_algorithm_t digest, bool ski, chunk_t crl);

/**
 * Build a SignedData without signed attributes (the signature covers the
 * content directly).
 *
 * @param content		content (OID_PKCS7_DATA)
 * @param signer		signer certificate (included)
 * @param key			signer key
 * @param digest		digest algorithm
 * @return				allocated DER encoding
 */
chunk_t fuzz_build_signed_no_attrs(chunk_t content, certificate_t *signer,
								   private_key_t *key, hash_algorithm_t digest);

/**
 * Options of fuzz_build_enveloped()
 */
enum {
	/** identify the recipient by [0] subjectKeyIdentifier */
	FUZZ_ENV_SKI = (1<<0),
	/** RSAES-OAEP instead of PKCS#1 v1.5 key transport */
	FUZZ_ENV_OAEP = (1<<1),
	/** prepend a KeyAgreeRecipientInfo ([1]) and a KeyTransRecipientInfo
	 * for another certificate */
	FUZZ_ENV_OTHER = (1<<2),
	/** encryptedContent in constructed form, split into OCTET STRINGs */
	FUZZ_ENV_CONSTRUCTED = (1<<3),
	/** an IV one byte short */
	FUZZ_ENV_BAD_IV = (1<<4),
	/** a content encryption key one byte short */
	FUZZ_ENV_BAD_CEK = (1<<5),
	/** encryptedContent in constructed form, each byte its own OCTET
	 * STRING followed by an empty one (5 bytes of DER per byte): the most
	 * segments per input byte, for the bound on joining them */
	FUZZ_ENV_TINY_SEGMENTS = (1<<6),
};

/**
 * Build an EnvelopedData like getcert_cms_build_enveloped(), with more
 * choices.
 *
 * @param content		data to encrypt
 * @param recipient		recipient certificate (RSA)
 * @param alg			ENCR_AES_CBC, ENCR_3DES or ENCR_DES
 * @param key_size		key size in bits
 * @param opts			FUZZ_ENV_* flags
 * @return				allocated DER encoding
 */
chunk_t fuzz_build_enveloped(chunk_t content, certificate_t *recipient,
							 encryption_algorithm_t alg, size_t key_size,
							 u_int opts);

/**
 * The SCEP attributes of a message (messageType, transactionID,
 * senderNonce), concatenated.
 */
chunk_t fuzz_scep_attrs(int type, char *transid, chunk_t nonce);

/**
 * PKCS#10 request of the client key, with challengePassword "secret".
 *
 * @param subject		subject DN
 * @return				allocated DER encoding
 */
chunk_t fuzz_csr(char *subject);

/**
 * A SCEP request as a client sends it: signed with the client fixture,
 * encrypted for the CA fixture.
 *
 * @param type			getcert_scep_msg_t
 * @param data			messageData
 * @param alg			content encryption
 * @param key_size		its key size in bits
 * @return				allocated DER encoding
 */
chunk_t fuzz_scep_request(int type, chunk_t data, encryption_algorithm_t alg,
						  size_t key_size);

#endif /** FUZZ_COMMON_H_ */

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
 * @defgroup getcertd_est getcertd_est
 * @{ @ingroup getcertd
 */

#ifndef GETCERTD_EST_H_
#define GETCERTD_EST_H_

#include "getcertd_http.h"
#include "getcertd_db.h"
#include "getcertd_auth.h"
#include "getcertd_issuer.h"
#include "getcertd_policy.h"

typedef struct getcertd_est_t getcertd_est_t;
typedef enum getcertd_est_op_t getcertd_est_op_t;

/**
 * Path prefix of EST (RFC 7030 3.2.2)
 */
#define GETCERTD_EST_PREFIX "/.well-known/est/"

/**
 * EST operations (RFC 7030 3.2.2).
 */
enum getcertd_est_op_t {
	GETCERTD_EST_CACERTS,
	GETCERTD_EST_SIMPLEENROLL,
	GETCERTD_EST_SIMPLEREENROLL,
	GETCERTD_EST_FULLCMC,
	GETCERTD_EST_SERVERKEYGEN,
	GETCERTD_EST_CSRATTRS,
};

/**
 * enum names for getcertd_est_op_t (the path segments).
 */
extern enum_name_t *getcertd_est_op_names;

/**
 * EST (RFC 7030, RFC 8951) on /.well-known/est/ and
 * /.well-known/est/<label>/, each served by the policy with that est_label:
 * cacerts, csrattrs, simpleenroll (HTTP Basic checked against RADIUS, as
 * for SCEP), simplereenroll (TLS client authentication with a current
 * certificate getcertd issued), serverkeygen where the policy offers it
 * (RFC 7030 4.4: HTTP Basic as simpleenroll, the key generated here,
 * encrypted to the CSR's key or, where allowed, as PKCS#8 over TLS, never
 * stored). fullcmc answers 501.
 */
struct getcertd_est_t {

	/**
	 * Handle a request whose path starts with GETCERTD_EST_PREFIX.
	 *
	 * @param request	request
	 * @param response	response to fill
	 */
	void (*handle)(getcertd_est_t *this, getcertd_request_t *request,
				   getcertd_response_t *response);

	/**
	 * Destroy the service.
	 */
	void (*destroy)(getcertd_est_t *this);
};

/**
 * Create the EST service on the objects of the SCEP service.
 *
 * @param db			records (not adopted)
 * @param issuer		issuer (not adopted)
 * @param auth			HTTP Basic authentication (not adopted)
 * @param policies		policies, getcertd_policy_t* (not adopted)
 * @param retry_after	Retry-After of 202 and 503 answers
 * @return				service
 */
getcertd_est_t *getcertd_est_create(getcertd_db_t *db,
									getcertd_issuer_t *issuer,
									getcertd_auth_t *auth,
									linked_list_t *policies,
									u_int retry_after);

/**
 * Whether a path is an EST path (starts with GETCERTD_EST_PREFIX).
 *
 * @param path			URL path
 * @return				TRUE for EST
 */
bool getcertd_est_path(char *path);

/**
 * Split an EST path into label and operation: /.well-known/est/<op> or
 * /.well-known/est/<label>/<op>, nothing else (no empty segments, no
 * trailing slash, a label as getcertd_policy_valid_label() accepts).
 *
 * @param path			URL path
 * @param label			receives the allocated label, NULL for none
 * @param op			receives the operation
 * @return				FALSE if the path is no EST operation
 */
bool getcertd_est_route(char *path, char **label, getcertd_est_op_t *op);

/**
 * Encode the CSR attributes a policy asks for (RFC 7030 4.5.2, DER): the
 * key types it accepts if it restricts them (rsaEncryption, id-Ed25519,
 * id-ecPublicKey with the curves), and extensionRequest naming
 * subjectAltName if the policy grants one.
 *
 * @param policy		policy
 * @return				allocated CsrAttrs, chunk_empty if the policy
 *						asks for nothing (204)
 */
chunk_t getcertd_est_csrattrs(getcertd_policy_t *policy);

/**
 * Check the certificate a TLS client presented for simplereenroll: an X.509
 * certificate signed by ca, valid now, recorded by getcertd as issued (the
 * same encoding) and not revoked. Whether it is the newest of its chain is
 * left to the caller (info->superseded).
 *
 * @param db			records
 * @param ca			CA certificate
 * @param der			certificate presented, DER
 * @param info			receives what the records say about it, free with
 *						getcertd_cert_info_clear()
 * @param reason		receives a static text if refused
 * @return				the certificate, NULL if refused
 */
certificate_t *getcertd_est_client_cert(getcertd_db_t *db, certificate_t *ca,
										chunk_t der,
										getcertd_cert_info_t *info,
										char **reason);

#endif /** GETCERTD_EST_H_ @}*/

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
 * @defgroup getcertd_db getcertd_db
 * @{ @ingroup getcertd
 */

#ifndef GETCERTD_DB_H_
#define GETCERTD_DB_H_

#include <library.h>
#include <collections/linked_list.h>
#include <credentials/certificates/certificate.h>

typedef struct getcertd_db_t getcertd_db_t;
typedef enum getcertd_tx_state_t getcertd_tx_state_t;

/**
 * State of a SCEP transaction.
 */
enum getcertd_tx_state_t {
	/** unknown transaction */
	GETCERTD_TX_NONE,
	/** waiting for an operator */
	GETCERTD_TX_PENDING,
	/** approved by an operator, not yet issued */
	GETCERTD_TX_APPROVED,
	/** rejected by an operator */
	GETCERTD_TX_REJECTED,
	/** certificate issued */
	GETCERTD_TX_ISSUED,
};

/**
 * enum names for getcertd_tx_state_t.
 */
extern enum_name_t *getcertd_tx_state_names;

/**
 * The CA's records in SQLite (strongSwan's database interface): every
 * issued certificate is recorded before it is handed out, transactions
 * make replays answer with the same certificate, revocations feed the CRL.
 */
struct getcertd_db_t {

	/**
	 * Look up a transaction.
	 *
	 * @param transid	transactionID
	 * @param keyid		receives the SHA-1 key id of the request, or NULL
	 * @param serial	receives the serial if issued, or NULL
	 * @param csr		receives the CSR if pending/approved, or NULL
	 * @param user		receives the authenticated user, or NULL
	 * @return			state
	 */
	getcertd_tx_state_t (*get_transaction)(getcertd_db_t *this,
								char *transid, chunk_t *keyid,
								chunk_t *serial, chunk_t *csr, char **user);

	/**
	 * Record a request that waits for approval.
	 *
	 * @return			FALSE if not recorded (database error)
	 */
	bool (*add_pending)(getcertd_db_t *this, char *transid, chunk_t keyid,
						char *user, char *policy, char *client, chunk_t csr);

	/**
	 * Approve or reject a pending request (operator).
	 *
	 * @param transid	transactionID as printed by list_pending
	 * @param approve	TRUE to approve, FALSE to reject
	 * @return			FALSE if no such pending request
	 */
	bool (*decide)(getcertd_db_t *this, char *transid, bool approve);

	/**
	 * Record an issued certificate, before handing it out.
	 *
	 * @return			FALSE if not recorded: do not hand it out
	 */
	bool (*add_issued)(getcertd_db_t *this, certificate_t *cert,
					   char *transid, chunk_t keyid, char *user,
					   char *policy, char *client);

	/**
	 * Get an issued certificate.
	 *
	 * @param serial	serial number
	 * @return			certificate, NULL if none
	 */
	certificate_t *(*get_cert)(getcertd_db_t *this, chunk_t serial);

	/**
	 * Look up who a certificate was issued to, and whether it is revoked.
	 *
	 * @param serial	serial number
	 * @param user		receives the allocated user name, or NULL
	 * @param revoked	receives TRUE if revoked
	 * @return			FALSE if the certificate is unknown
	 */
	bool (*get_info)(getcertd_db_t *this, chunk_t serial, char **user,
					 bool *revoked);

	/**
	 * Revoke a certificate.
	 *
	 * @param serial	serial number
	 * @return			FALSE if no such certificate
	 */
	bool (*revoke)(getcertd_db_t *this, chunk_t serial);

	/**
	 * Revoked certificates.
	 *
	 * @return			list of getcertd_revoked_t*, free with
	 *					destroy_function(list, getcertd_revoked_free)
	 */
	linked_list_t *(*get_revoked)(getcertd_db_t *this);

	/**
	 * Number of the next CRL (increments).
	 *
	 * @return			CRL number
	 */
	u_int (*next_crl_number)(getcertd_db_t *this);

	/**
	 * Print issued certificates and pending requests (operator).
	 *
	 * @param out		stream to print to
	 * @param pending	only pending requests
	 */
	void (*list)(getcertd_db_t *this, FILE *out, bool pending);

	/**
	 * Destroy the database connection.
	 */
	void (*destroy)(getcertd_db_t *this);
};

/**
 * Free a getcertd_revoked_t from get_revoked().
 *
 * @param revoked		entry
 */
void getcertd_revoked_free(void *revoked);

/**
 * Open (and create) the database.
 *
 * @param uri			strongSwan database URI, e.g. sqlite:///var/lib/x.db
 * @return				database, NULL on error (logged)
 */
getcertd_db_t *getcertd_db_create(char *uri);

#endif /** GETCERTD_DB_H_ @}*/

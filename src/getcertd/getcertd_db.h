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
typedef struct getcertd_tx_t getcertd_tx_t;
typedef struct getcertd_cert_info_t getcertd_cert_info_t;

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
 * A SCEP transaction: what was asked, by whom, and what became of it.
 * Members are allocated when filled by get_transaction(), borrowed when
 * passed to add_pending() and add_issued().
 */
struct getcertd_tx_t {
	/** transactionID */
	char *transid;
	/** state */
	getcertd_tx_state_t state;
	/** SHA-1 key id of the requester's (CSR's) public key */
	chunk_t keyid;
	/** senderNonce of the request */
	chunk_t nonce;
	/** digest identifying the request: its CSR and signer certificate */
	chunk_t request;
	/** authenticated user */
	char *user;
	/** name of the policy the request was made under */
	char *policy;
	/** client address */
	char *client;
	/** CSR, if pending or approved */
	chunk_t csr;
	/** serial of the certificate, if issued */
	chunk_t serial;
	/** when the user last authenticated for this chain of renewals */
	time_t chain_start;
	/** serial of the certificate this issuance renews, or empty */
	chunk_t renews;
};

/**
 * What the records say about an issued certificate.
 */
struct getcertd_cert_info_t {
	/** user it was issued to */
	char *user;
	/** policy it was issued under */
	char *policy;
	/** when the user last authenticated for its chain of renewals */
	time_t chain_start;
	/** revoked */
	bool revoked;
	/** renewed: a newer certificate of its chain exists */
	bool superseded;
};

/**
 * The CA's records in SQLite (strongSwan's database interface): every
 * issued certificate is recorded before it is handed out, transactions
 * make retransmissions answer with the same certificate, chains of
 * renewals are tracked, revocations feed the CRL.
 */
struct getcertd_db_t {

	/**
	 * Look up a transaction.
	 *
	 * @param transid	transactionID
	 * @param tx		receives the transaction (state GETCERTD_TX_NONE if
	 *					unknown), free the members with getcertd_tx_clear()
	 * @return			state
	 */
	getcertd_tx_state_t (*get_transaction)(getcertd_db_t *this,
										   char *transid, getcertd_tx_t *tx);

	/**
	 * Record a request that waits for approval.
	 *
	 * @param tx		transaction (state, serial and renews unused)
	 * @return			FALSE if not recorded (database error, exists)
	 */
	bool (*add_pending)(getcertd_db_t *this, getcertd_tx_t *tx);

	/**
	 * Approve or reject a pending request (operator).
	 *
	 * @param transid	transactionID as printed by list_pending
	 * @param approve	TRUE to approve, FALSE to reject
	 * @return			FALSE if no such pending request
	 */
	bool (*decide)(getcertd_db_t *this, char *transid, bool approve);

	/**
	 * Record an issued certificate before it is handed out, in one
	 * database transaction: the certificate; the certificate it renews
	 * (tx->renews) superseded, which it must not be already (only the
	 * newest certificate of a chain renews, even for concurrent requests);
	 * the transaction issued: completing an approved one, replacing the
	 * issued one whose serial is replaces (a client that reuses its
	 * transactionID), or new (one certificate per transaction, even for
	 * concurrent retransmissions).
	 *
	 * @param cert		issued certificate
	 * @param tx		transaction (state, csr and serial unused)
	 * @param replaces	serial of the issued transaction to replace, or
	 *					empty
	 * @return			FALSE if not recorded: do not hand it out
	 */
	bool (*add_issued)(getcertd_db_t *this, certificate_t *cert,
					   getcertd_tx_t *tx, chunk_t replaces);

	/**
	 * Get an issued certificate.
	 *
	 * @param serial	serial number
	 * @return			certificate, NULL if none
	 */
	certificate_t *(*get_cert)(getcertd_db_t *this, chunk_t serial);

	/**
	 * Look up what the records say about a certificate.
	 *
	 * @param serial	serial number
	 * @param info		receives the information, free the members with
	 *					getcertd_cert_info_clear()
	 * @return			FALSE if the certificate is unknown
	 */
	bool (*get_info)(getcertd_db_t *this, chunk_t serial,
					 getcertd_cert_info_t *info);

	/**
	 * Revoke a certificate.
	 *
	 * @param serial	serial number
	 * @return			FALSE if no such certificate
	 */
	bool (*revoke)(getcertd_db_t *this, chunk_t serial);

	/**
	 * Revoke the current certificates of a user (not expired, not
	 * revoked).
	 *
	 * @param user		user name
	 * @return			number of certificates revoked, -1 on error
	 */
	int (*revoke_user)(getcertd_db_t *this, char *user);

	/**
	 * Revoked certificates.
	 *
	 * @return			list of getcertd_revoked_t*, free with
	 *					destroy_function(list, getcertd_revoked_free);
	 *					NULL if the database could not be read
	 */
	linked_list_t *(*get_revoked)(getcertd_db_t *this);

	/**
	 * Number of the next CRL (increments).
	 *
	 * @return			CRL number, 0 on database errors
	 */
	u_int (*next_crl_number)(getcertd_db_t *this);

	/**
	 * Print issued certificates and pending requests (operator), names
	 * and addresses as printable characters only.
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
 * Free the members of a transaction filled by get_transaction().
 *
 * @param tx			transaction
 */
void getcertd_tx_clear(getcertd_tx_t *tx);

/**
 * Free the members of a getcertd_cert_info_t filled by get_info().
 *
 * @param info			information
 */
void getcertd_cert_info_clear(getcertd_cert_info_t *info);

/**
 * Open (and create) the database.
 *
 * @param uri			strongSwan database URI, e.g. sqlite:///var/lib/x.db
 * @return				database, NULL on error (logged)
 */
getcertd_db_t *getcertd_db_create(char *uri);

#endif /** GETCERTD_DB_H_ @}*/

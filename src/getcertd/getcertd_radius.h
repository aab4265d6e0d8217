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
 * @defgroup getcertd_radius getcertd_radius
 * @{ @ingroup getcertd
 */

#ifndef GETCERTD_RADIUS_H_
#define GETCERTD_RADIUS_H_

#include <library.h>

typedef struct getcertd_radius_t getcertd_radius_t;
typedef struct getcertd_radius_server_t getcertd_radius_server_t;
typedef struct getcertd_radius_reply_t getcertd_radius_reply_t;
typedef enum getcertd_radius_result_t getcertd_radius_result_t;

/**
 * Default RADIUS authentication port
 */
#define GETCERTD_RADIUS_PORT 1812

/**
 * Longest password accepted (RFC 2865 5.2)
 */
#define GETCERTD_RADIUS_MAX_PASSWORD 128

/**
 * Longest Reply-Message text returned (bytes, after sanitizing; longer
 * text is cut at a character boundary)
 */
#define GETCERTD_RADIUS_MAX_MESSAGE 1024

/**
 * Length of the Request/Response Authenticator
 */
#define GETCERTD_RADIUS_AUTH_LEN 16

/**
 * Outcome of an authentication
 */
enum getcertd_radius_result_t {
	/** Access-Accept */
	GETCERTD_RADIUS_ACCEPT,
	/** Access-Reject */
	GETCERTD_RADIUS_REJECT,
	/** Access-Challenge, answer with the State it carries */
	GETCERTD_RADIUS_CHALLENGE,
	/** no server sent a valid answer in time */
	GETCERTD_RADIUS_TIMEOUT,
	/** invalid arguments or local failure; for
	 * getcertd_radius_verify_reply(): invalid packet, to be dropped */
	GETCERTD_RADIUS_ERROR,
};

/**
 * Names of getcertd_radius_result_t
 */
extern enum_name_t *getcertd_radius_result_names;

/**
 * A RADIUS server
 */
struct getcertd_radius_server_t {
	/** IP address or host name (resolved on each authentication) */
	char *address;
	/** UDP port, 0 for GETCERTD_RADIUS_PORT */
	uint16_t port;
	/** shared secret */
	chunk_t secret;
};

/**
 * What a server answered, besides the result
 */
struct getcertd_radius_reply_t {
	/** State attribute of an Access-Challenge (allocated), else empty */
	chunk_t state;
	/** Reply-Message attributes, concatenated in the order received,
	 * with anything but printable UTF-8 replaced by '?' (tab, CR and LF
	 * by ' '), at most GETCERTD_RADIUS_MAX_MESSAGE bytes; allocated, NULL
	 * if the reply had none */
	char *message;
};

/**
 * Free the members of a reply (the struct itself is the caller's).
 *
 * @param reply			reply to clear
 */
void getcertd_radius_reply_free(getcertd_radius_reply_t *reply);

/**
 * PAP client of RFC 2865, hardened against Blast-RADIUS (CVE-2024-3596).
 *
 * Each Access-Request carries Message-Authenticator (RFC 3579 3.2) as its
 * first attribute. A reply is accepted only if its length fields are
 * consistent, its code is Access-Accept/-Reject/-Challenge, its Identifier
 * and Response Authenticator match and it carries exactly one valid
 * Message-Authenticator; anything else is dropped (logged at level 2) and
 * the client keeps waiting until the timeout.
 *
 * Servers are tried in the order given: each one gets the request and
 * up to "retransmit" identical retransmissions, the first after "timeout"
 * ms, each further one after the previous wait multiplied by "backoff";
 * then the next server is tried with a new Identifier and Request
 * Authenticator. Every call uses its own UDP socket, connect()ed to the
 * server, so datagrams from other addresses are never seen.
 *
 * The object is immutable after creation: authenticate() may be called
 * from many threads at once.
 */
struct getcertd_radius_t {

	/**
	 * Check a user name and password (or challenge answer), blocking.
	 *
	 * On GETCERTD_RADIUS_CHALLENGE, call again with the answer as password
	 * and reply->state as state.
	 *
	 * @param user			user name (1-253 bytes)
	 * @param password		password, at most GETCERTD_RADIUS_MAX_PASSWORD
	 *						bytes; never logged, copies wiped
	 * @param state			State of the previous Access-Challenge, or
	 *						chunk_empty (at most 253 bytes)
	 * @param calling_station	Calling-Station-Id (e.g. the HTTP
	 *						client's address), or NULL (at most 253 bytes)
	 * @param reply			receives the State (CHALLENGE) and Reply-Message
	 *						(ACCEPT, REJECT, CHALLENGE); free with
	 *						getcertd_radius_reply_free() (always safe)
	 * @return				result
	 */
	getcertd_radius_result_t (*authenticate)(getcertd_radius_t *this,
								char *user, chunk_t password, chunk_t state,
								char *calling_station,
								getcertd_radius_reply_t *reply);

	/**
	 * Destroy the object, wiping the shared secrets.
	 */
	void (*destroy)(getcertd_radius_t *this);
};

/**
 * Create a RADIUS client.
 *
 * @param servers		servers in the order to try them (copied)
 * @param count			number of servers (at least 1)
 * @param nas_identifier	NAS-Identifier to send (1-253 bytes)
 * @param timeout		wait for the first try to a server in ms (> 0)
 * @param retransmit	retransmissions per server (0: one try each)
 * @param backoff		factor each further wait grows by (>= 1.0)
 * @return				client, NULL on invalid arguments or if MD5,
 *						HMAC-MD5 or a strong RNG are not available
 */
getcertd_radius_t *getcertd_radius_create(getcertd_radius_server_t *servers,
										  u_int count, char *nas_identifier,
										  u_int timeout, u_int retransmit,
										  double backoff);

/**
 * Encode an Access-Request (the packet authenticate() sends).
 *
 * Attributes in this order: Message-Authenticator, User-Name,
 * User-Password (hidden with the secret and request authenticator, RFC
 * 2865 5.2), NAS-Identifier, State (if given), Calling-Station-Id (if
 * given).
 *
 * @param id			Identifier
 * @param request_authenticator	GETCERTD_RADIUS_AUTH_LEN random bytes
 * @param secret		shared secret
 * @param user			user name (1-253 bytes)
 * @param password		password (0-128 bytes)
 * @param state			State to send, or chunk_empty (at most 253 bytes)
 * @param nas_identifier	NAS-Identifier (1-253 bytes)
 * @param calling_station	Calling-Station-Id, or NULL (at most 253)
 * @param packet		receives the allocated packet (free it with
 *						chunk_clear(), the hidden password is in it)
 * @return				FALSE on invalid arguments or crypto failure
 */
bool getcertd_radius_build_request(uint8_t id, chunk_t request_authenticator,
								   chunk_t secret, char *user,
								   chunk_t password, chunk_t state,
								   char *nas_identifier,
								   char *calling_station, chunk_t *packet);

/**
 * Parse and verify a reply to an Access-Request (no I/O, any input).
 *
 * Bytes after the packet's Length are padding and ignored (RFC 2865 3).
 *
 * @param packet		received datagram
 * @param id			Identifier of the request
 * @param request_authenticator	Request Authenticator of the request
 * @param secret		shared secret
 * @param reply			receives State and Reply-Message on success
 *						(zeroed on failure); free with
 *						getcertd_radius_reply_free()
 * @return				GETCERTD_RADIUS_ACCEPT, _REJECT or _CHALLENGE;
 *						GETCERTD_RADIUS_ERROR if the packet is invalid and
 *						must be dropped (reason logged at level 2)
 */
getcertd_radius_result_t getcertd_radius_verify_reply(chunk_t packet,
								uint8_t id, chunk_t request_authenticator,
								chunk_t secret,
								getcertd_radius_reply_t *reply);

#endif /** GETCERTD_RADIUS_H_ @}*/

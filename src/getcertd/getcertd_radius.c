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

#include "getcertd_radius.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <unistd.h>
#include <sys/socket.h>

#include <utils/debug.h>
#include <networking/host.h>
#include <threading/thread.h>
#include <crypto/hashers/hasher.h>
#include <crypto/signers/signer.h>

ENUM(getcertd_radius_result_names, GETCERTD_RADIUS_ACCEPT,
	 GETCERTD_RADIUS_ERROR,
	"ACCEPT",
	"REJECT",
	"CHALLENGE",
	"TIMEOUT",
	"ERROR",
);

/**
 * Packet codes
 */
#define CODE_ACCESS_REQUEST 1
#define CODE_ACCESS_ACCEPT 2
#define CODE_ACCESS_REJECT 3
#define CODE_ACCESS_CHALLENGE 11

/**
 * Attribute types
 */
#define ATTR_USER_NAME 1
#define ATTR_USER_PASSWORD 2
#define ATTR_REPLY_MESSAGE 18
#define ATTR_STATE 24
#define ATTR_CALLING_STATION_ID 31
#define ATTR_NAS_IDENTIFIER 32
#define ATTR_MESSAGE_AUTHENTICATOR 80

/**
 * Header: Code, Identifier, Length, Authenticator
 */
#define HEADER_LEN 20

/**
 * Largest packet (RFC 2865 3)
 */
#define MAX_PACKET 4096

/**
 * Longest attribute value
 */
#define MAX_VALUE 253

/**
 * Length of the Message-Authenticator attribute
 */
#define MSG_AUTH_ATTR_LEN (2 + 16)

/**
 * Offset of the authenticator
 */
#define AUTH_OFFSET 4

typedef struct private_getcertd_radius_t private_getcertd_radius_t;

/**
 * Private data of a getcertd_radius_t object.
 */
struct private_getcertd_radius_t {

	/**
	 * Public interface.
	 */
	getcertd_radius_t public;

	/**
	 * Servers, copied
	 */
	getcertd_radius_server_t *servers;

	/**
	 * Number of servers
	 */
	u_int count;

	/**
	 * NAS-Identifier
	 */
	char *nas_identifier;

	/**
	 * First wait in ms
	 */
	u_int timeout;

	/**
	 * Retransmissions per server
	 */
	u_int retransmit;

	/**
	 * Factor the wait grows by
	 */
	double backoff;
};

/*
 * Described in header
 */
void getcertd_radius_reply_free(getcertd_radius_reply_t *reply)
{
	chunk_free(&reply->state);
	free(reply->message);
	reply->message = NULL;
}

/**
 * HMAC-MD5 of data with key, into a 16 byte buffer
 */
static bool hmac_md5(chunk_t key, chunk_t data, uint8_t *out)
{
	signer_t *signer;
	bool ok;

	signer = lib->crypto->create_signer(lib->crypto, AUTH_HMAC_MD5_128);
	if (!signer)
	{
		DBG1(DBG_LIB, "RADIUS: HMAC-MD5 not available");
		return FALSE;
	}
	ok = signer->set_key(signer, key) &&
		 signer->get_signature(signer, data, out);
	signer->destroy(signer);
	return ok;
}

/**
 * Create an MD5 hasher
 */
static hasher_t *create_md5()
{
	hasher_t *hasher;

	hasher = lib->crypto->create_hasher(lib->crypto, HASH_MD5);
	if (!hasher)
	{
		DBG1(DBG_LIB, "RADIUS: MD5 not available");
	}
	return hasher;
}

/**
 * Append an attribute to a packet buffer of MAX_PACKET bytes
 */
static bool add_attr(uint8_t *buf, size_t *len, uint8_t type, chunk_t value)
{
	if (value.len > MAX_VALUE || *len + 2 + value.len > MAX_PACKET)
	{
		return FALSE;
	}
	buf[(*len)++] = type;
	buf[(*len)++] = 2 + value.len;
	memcpy(buf + *len, value.ptr, value.len);
	*len += value.len;
	return TRUE;
}

/**
 * Hide a password (RFC 2865 5.2) into out (padded length returned in
 * out_len), using the shared secret and the request authenticator
 */
static bool hide_password(chunk_t password, chunk_t secret, chunk_t ra,
						  uint8_t *out, size_t *out_len)
{
	uint8_t b[HASH_SIZE_MD5];
	hasher_t *hasher;
	chunk_t prev = ra;
	size_t len, i, j;
	bool ok = TRUE;

	len = max(16, round_up(password.len, 16));
	memset(out, 0, len);
	memcpy(out, password.ptr, password.len);

	hasher = create_md5();
	if (!hasher)
	{
		return FALSE;
	}
	for (i = 0; i < len && ok; i += 16)
	{
		/* b(i) = MD5(S + c(i-1)), c(0) = RA; c(i) = p(i) xor b(i) */
		ok = hasher->get_hash(hasher, secret, NULL) &&
			 hasher->get_hash(hasher, prev, b);
		for (j = 0; j < 16; j++)
		{
			out[i + j] ^= b[j];
		}
		prev = chunk_create(out + i, 16);
	}
	hasher->destroy(hasher);
	memwipe(b, sizeof(b));
	*out_len = len;
	return ok;
}

/**
 * Check a string attribute value
 */
static bool valid_str(char *str, bool optional)
{
	if (!str)
	{
		return optional;
	}
	return strlen(str) > 0 && strlen(str) <= MAX_VALUE;
}

/*
 * Described in header
 */
bool getcertd_radius_build_request(uint8_t id, chunk_t request_authenticator,
								   chunk_t secret, char *user,
								   chunk_t password, chunk_t state,
								   char *nas_identifier,
								   char *calling_station, chunk_t *packet)
{
	uint8_t buf[MAX_PACKET], hidden[GETCERTD_RADIUS_MAX_PASSWORD];
	size_t len = HEADER_LEN, hidden_len = 0;
	bool ok;

	*packet = chunk_empty;
	if (request_authenticator.len != GETCERTD_RADIUS_AUTH_LEN ||
		!secret.len || !valid_str(user, FALSE) ||
		!valid_str(nas_identifier, FALSE) ||
		!valid_str(calling_station, TRUE) ||
		password.len > GETCERTD_RADIUS_MAX_PASSWORD ||
		state.len > MAX_VALUE)
	{
		DBG1(DBG_LIB, "RADIUS: invalid Access-Request parameters");
		return FALSE;
	}
	if (!hide_password(password, secret, request_authenticator,
					   hidden, &hidden_len))
	{
		memwipe(hidden, sizeof(hidden));
		return FALSE;
	}
	buf[0] = CODE_ACCESS_REQUEST;
	buf[1] = id;
	memcpy(buf + AUTH_OFFSET, request_authenticator.ptr,
		   GETCERTD_RADIUS_AUTH_LEN);

	/* Message-Authenticator first (Blast-RADIUS), zeroed for the HMAC */
	ok = add_attr(buf, &len, ATTR_MESSAGE_AUTHENTICATOR,
				  chunk_from_chars(0, 0, 0, 0, 0, 0, 0, 0,
								   0, 0, 0, 0, 0, 0, 0, 0)) &&
		 add_attr(buf, &len, ATTR_USER_NAME, chunk_from_str(user)) &&
		 add_attr(buf, &len, ATTR_USER_PASSWORD,
				  chunk_create(hidden, hidden_len)) &&
		 add_attr(buf, &len, ATTR_NAS_IDENTIFIER,
				  chunk_from_str(nas_identifier));
	if (ok && state.len)
	{
		ok = add_attr(buf, &len, ATTR_STATE, state);
	}
	if (ok && calling_station)
	{
		ok = add_attr(buf, &len, ATTR_CALLING_STATION_ID,
					  chunk_from_str(calling_station));
	}
	memwipe(hidden, sizeof(hidden));
	if (ok)
	{
		htoun16(buf + 2, len);
		ok = hmac_md5(secret, chunk_create(buf, len),
					  buf + HEADER_LEN + 2);
	}
	if (ok)
	{
		*packet = chunk_clone(chunk_create(buf, len));
	}
	memwipe(buf, len);
	return ok;
}

/**
 * Decode one UTF-8 character at the start of data, returns its length
 * or 0 if invalid
 */
static size_t utf8_char(chunk_t data, uint32_t *cp)
{
	uint8_t c = data.ptr[0];
	uint32_t min;
	size_t len, i;

	if (c < 0x80)
	{
		*cp = c;
		return 1;
	}
	if ((c & 0xE0) == 0xC0)
	{
		len = 2;
		min = 0x80;
		*cp = c & 0x1F;
	}
	else if ((c & 0xF0) == 0xE0)
	{
		len = 3;
		min = 0x800;
		*cp = c & 0x0F;
	}
	else if ((c & 0xF8) == 0xF0)
	{
		len = 4;
		min = 0x10000;
		*cp = c & 0x07;
	}
	else
	{
		return 0;
	}
	if (data.len < len)
	{
		return 0;
	}
	for (i = 1; i < len; i++)
	{
		if ((data.ptr[i] & 0xC0) != 0x80)
		{
			return 0;
		}
		*cp = (*cp << 6) | (data.ptr[i] & 0x3F);
	}
	if (*cp < min || *cp > 0x10FFFF || (*cp >= 0xD800 && *cp <= 0xDFFF))
	{	/* overlong, out of range, surrogate */
		return 0;
	}
	return len;
}

/**
 * Whether a code point is not fit to be shown: controls, line/paragraph
 * separators, bidi overrides and isolates, BOM, noncharacters
 */
static bool unprintable(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp < 0xA0) ||
		   (cp >= 0x2028 && cp <= 0x202E) ||
		   (cp >= 0x2066 && cp <= 0x2069) ||
		   cp == 0xFEFF || (cp & 0xFFFE) == 0xFFFE ||
		   (cp >= 0xFDD0 && cp <= 0xFDEF);
}

/**
 * Sanitize Reply-Message text into an allocated string of at most
 * GETCERTD_RADIUS_MAX_MESSAGE bytes, cut at a character boundary
 */
static char *sanitize(chunk_t text)
{
	char buf[GETCERTD_RADIUS_MAX_MESSAGE + 1];
	size_t len = 0, n;
	uint32_t cp;

	while (text.len)
	{
		n = utf8_char(text, &cp);
		if (n && !unprintable(cp))
		{
			if (len + n > GETCERTD_RADIUS_MAX_MESSAGE)
			{
				break;
			}
			memcpy(buf + len, text.ptr, n);
			len += n;
		}
		else
		{
			if (len + 1 > GETCERTD_RADIUS_MAX_MESSAGE)
			{
				break;
			}
			buf[len++] = (n && (cp == '\t' || cp == '\r' || cp == '\n'))
						 ? ' ' : '?';
		}
		text = chunk_skip(text, n ?: 1);
	}
	if (text.len)
	{
		DBG2(DBG_LIB, "RADIUS: Reply-Message truncated to %zu bytes", len);
	}
	buf[len] = '\0';
	return strdup(buf);
}

/**
 * Check the Response Authenticator of a packet (Length already checked)
 */
static bool verify_response_auth(chunk_t packet, chunk_t ra, chunk_t secret)
{
	uint8_t hash[HASH_SIZE_MD5];
	hasher_t *hasher;
	bool ok;

	hasher = create_md5();
	if (!hasher)
	{
		return FALSE;
	}
	ok = hasher->get_hash(hasher, chunk_create(packet.ptr, AUTH_OFFSET),
						  NULL) &&
		 hasher->get_hash(hasher, ra, NULL) &&
		 hasher->get_hash(hasher, chunk_skip(packet, HEADER_LEN), NULL) &&
		 hasher->get_hash(hasher, secret, hash);
	hasher->destroy(hasher);
	return ok && memeq_const(hash, packet.ptr + AUTH_OFFSET, sizeof(hash));
}

/**
 * Check the Message-Authenticator value at offset ma of a packet: the
 * HMAC-MD5 with the Request Authenticator in the header and the value
 * zeroed
 */
static bool verify_msg_auth(chunk_t packet, size_t ma, chunk_t ra,
							chunk_t secret)
{
	uint8_t buf[MAX_PACKET], mac[HASH_SIZE_MD5];
	bool ok;

	memcpy(buf, packet.ptr, packet.len);
	memcpy(buf + AUTH_OFFSET, ra.ptr, GETCERTD_RADIUS_AUTH_LEN);
	memset(buf + ma, 0, sizeof(mac));
	ok = hmac_md5(secret, chunk_create(buf, packet.len), mac);
	return ok && memeq_const(mac, packet.ptr + ma, sizeof(mac));
}

/*
 * Described in header
 */
getcertd_radius_result_t getcertd_radius_verify_reply(chunk_t packet,
								uint8_t id, chunk_t request_authenticator,
								chunk_t secret,
								getcertd_radius_reply_t *reply)
{
	getcertd_radius_result_t result;
	uint8_t text[MAX_PACKET];
	chunk_t state = chunk_empty;
	size_t len, pos, ma = 0, text_len = 0;
	bool messages = FALSE;
	uint8_t type, attr_len;

	*reply = (getcertd_radius_reply_t){};
	if (request_authenticator.len != GETCERTD_RADIUS_AUTH_LEN || !secret.len)
	{
		DBG1(DBG_LIB, "RADIUS: invalid verification parameters");
		return GETCERTD_RADIUS_ERROR;
	}
	if (packet.len < HEADER_LEN)
	{
		DBG2(DBG_LIB, "RADIUS: dropped reply of %zu bytes, too short",
			 packet.len);
		return GETCERTD_RADIUS_ERROR;
	}
	len = untoh16(packet.ptr + 2);
	if (len < HEADER_LEN || len > MAX_PACKET || len > packet.len)
	{
		DBG2(DBG_LIB, "RADIUS: dropped reply with Length %zu in %zu bytes",
			 len, packet.len);
		return GETCERTD_RADIUS_ERROR;
	}
	/* anything after Length is padding (RFC 2865 3) */
	packet.len = len;

	switch (packet.ptr[0])
	{
		case CODE_ACCESS_ACCEPT:
			result = GETCERTD_RADIUS_ACCEPT;
			break;
		case CODE_ACCESS_REJECT:
			result = GETCERTD_RADIUS_REJECT;
			break;
		case CODE_ACCESS_CHALLENGE:
			result = GETCERTD_RADIUS_CHALLENGE;
			break;
		default:
			DBG2(DBG_LIB, "RADIUS: dropped reply with code %u",
				 packet.ptr[0]);
			return GETCERTD_RADIUS_ERROR;
	}
	if (packet.ptr[1] != id)
	{
		DBG2(DBG_LIB, "RADIUS: dropped reply with Identifier %u, "
			 "expected %u", packet.ptr[1], id);
		return GETCERTD_RADIUS_ERROR;
	}

	/* structure first, to find the Message-Authenticator */
	for (pos = HEADER_LEN; pos < len; pos += attr_len)
	{
		if (len - pos < 2)
		{
			DBG2(DBG_LIB, "RADIUS: dropped reply with truncated attribute");
			return GETCERTD_RADIUS_ERROR;
		}
		type = packet.ptr[pos];
		attr_len = packet.ptr[pos + 1];
		if (attr_len < 2 || attr_len > len - pos)
		{
			DBG2(DBG_LIB, "RADIUS: dropped reply with invalid length %u of "
				 "attribute %u", attr_len, type);
			return GETCERTD_RADIUS_ERROR;
		}
		switch (type)
		{
			case ATTR_MESSAGE_AUTHENTICATOR:
				if (attr_len != MSG_AUTH_ATTR_LEN || ma)
				{
					DBG2(DBG_LIB, "RADIUS: dropped reply with invalid or "
						 "repeated Message-Authenticator");
					return GETCERTD_RADIUS_ERROR;
				}
				ma = pos + 2;
				break;
			case ATTR_STATE:
				if (attr_len < 3 || state.len)
				{
					DBG2(DBG_LIB, "RADIUS: dropped reply with empty or "
						 "repeated State");
					return GETCERTD_RADIUS_ERROR;
				}
				state = chunk_create(packet.ptr + pos + 2, attr_len - 2);
				break;
			default:
				break;
		}
	}
	if (!ma)
	{
		DBG2(DBG_LIB, "RADIUS: dropped reply without Message-Authenticator");
		return GETCERTD_RADIUS_ERROR;
	}
	if (!verify_response_auth(packet, request_authenticator, secret))
	{
		DBG2(DBG_LIB, "RADIUS: dropped reply with invalid Response "
			 "Authenticator");
		return GETCERTD_RADIUS_ERROR;
	}
	if (!verify_msg_auth(packet, ma, request_authenticator, secret))
	{
		DBG2(DBG_LIB, "RADIUS: dropped reply with invalid "
			 "Message-Authenticator");
		return GETCERTD_RADIUS_ERROR;
	}

	/* authentic; Reply-Messages are concatenated first, a character
	 * may be split between two of them */
	for (pos = HEADER_LEN; pos < len; pos += attr_len)
	{
		type = packet.ptr[pos];
		attr_len = packet.ptr[pos + 1];
		if (type == ATTR_REPLY_MESSAGE)
		{
			memcpy(text + text_len, packet.ptr + pos + 2, attr_len - 2);
			text_len += attr_len - 2;
			messages = TRUE;
		}
	}
	if (messages)
	{
		reply->message = sanitize(chunk_create(text, text_len));
	}
	if (result == GETCERTD_RADIUS_CHALLENGE)
	{
		reply->state = chunk_clone(state);
	}
	return result;
}

/**
 * Milliseconds from now until a deadline, 0 if passed
 */
static int ms_until(timeval_t *deadline)
{
	timeval_t now;
	int64_t ms;

	time_monotonic(&now);
	ms = (int64_t)(deadline->tv_sec - now.tv_sec) * 1000 +
		 (deadline->tv_usec - now.tv_usec) / 1000;
	return ms > 0 ? (ms > INT_MAX ? INT_MAX : ms) : 0;
}

/**
 * Receive and verify replies until the deadline, returns
 * GETCERTD_RADIUS_TIMEOUT if none was valid
 */
static getcertd_radius_result_t wait_reply(int fd, host_t *host,
								timeval_t *deadline, uint8_t id, chunk_t ra,
								chunk_t secret, getcertd_radius_reply_t *reply)
{
	getcertd_radius_result_t result;
	struct pollfd pfd = {
		.fd = fd,
		.events = POLLIN,
	};
	uint8_t buf[MAX_PACKET];
	ssize_t len;
	int ms;

	while (TRUE)
	{
		ms = ms_until(deadline);
		if (!ms)
		{
			return GETCERTD_RADIUS_TIMEOUT;
		}
		switch (poll(&pfd, 1, ms))
		{
			case 0:
				return GETCERTD_RADIUS_TIMEOUT;
			case -1:
				if (errno == EINTR)
				{
					continue;
				}
				DBG1(DBG_LIB, "RADIUS: poll() failed: %s", strerror(errno));
				return GETCERTD_RADIUS_ERROR;
			default:
				break;
		}
		/* MSG_TRUNC: the real length of longer datagrams */
		len = recv(fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC);
		if (len < 0)
		{
			if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
			{
				continue;
			}
			/* e.g. ECONNREFUSED after an ICMP error, which anybody could
			 * send: keep waiting */
			DBG2(DBG_LIB, "RADIUS: receiving from %#H failed: %s", host,
				 strerror(errno));
			continue;
		}
		if (len > (ssize_t)sizeof(buf))
		{
			DBG2(DBG_LIB, "RADIUS: dropped reply of %zd bytes from %#H, "
				 "too long", len, host);
			continue;
		}
		result = getcertd_radius_verify_reply(chunk_create(buf, len), id, ra,
											  secret, reply);
		if (result != GETCERTD_RADIUS_ERROR)
		{
			return result;
		}
	}
}

/**
 * Send a request to one server, retransmit, wait for a valid reply
 */
static getcertd_radius_result_t try_server(private_getcertd_radius_t *this,
								getcertd_radius_server_t *server, rng_t *rng,
								char *user, chunk_t password, chunk_t state,
								char *calling_station,
								getcertd_radius_reply_t *reply)
{
	getcertd_radius_result_t result = GETCERTD_RADIUS_TIMEOUT;
	uint8_t id, ra[GETCERTD_RADIUS_AUTH_LEN];
	chunk_t packet;
	timeval_t deadline;
	host_t *host;
	double wait = this->timeout;
	u_int try;
	int fd;

	host = host_create_from_dns(server->address, AF_UNSPEC, server->port);
	if (!host)
	{
		DBG1(DBG_LIB, "RADIUS: resolving server '%s' failed",
			 server->address);
		return GETCERTD_RADIUS_TIMEOUT;
	}
	fd = socket(host->get_family(host), SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
	{
		DBG1(DBG_LIB, "RADIUS: creating socket failed: %s", strerror(errno));
		host->destroy(host);
		return GETCERTD_RADIUS_ERROR;
	}
	if (connect(fd, host->get_sockaddr(host),
				*host->get_sockaddr_len(host)) != 0)
	{
		DBG1(DBG_LIB, "RADIUS: connecting to %#H failed: %s", host,
			 strerror(errno));
		close(fd);
		host->destroy(host);
		return GETCERTD_RADIUS_TIMEOUT;
	}
	if (!rng->get_bytes(rng, 1, &id) ||
		!rng->get_bytes(rng, sizeof(ra), ra) ||
		!getcertd_radius_build_request(id, chunk_from_thing(ra),
						server->secret, user, password, state,
						this->nas_identifier, calling_station, &packet))
	{
		close(fd);
		host->destroy(host);
		return GETCERTD_RADIUS_ERROR;
	}

	for (try = 0; try <= this->retransmit; try++)
	{
		DBG2(DBG_LIB, "RADIUS: sending Access-Request (Identifier %u) to "
			 "%#H, try %u", id, host, try + 1);
		if (send(fd, packet.ptr, packet.len, 0) != packet.len)
		{	/* wait anyway, a previous try might still be answered */
			DBG1(DBG_LIB, "RADIUS: sending to %#H failed: %s", host,
				 strerror(errno));
		}
		time_monotonic(&deadline);
		timeval_add_ms(&deadline, wait > 3600000 ? 3600000 : (u_int)wait);
		result = wait_reply(fd, host, &deadline, id, chunk_from_thing(ra),
							server->secret, reply);
		if (result != GETCERTD_RADIUS_TIMEOUT)
		{
			break;
		}
		wait *= this->backoff;
	}
	switch (result)
	{
		case GETCERTD_RADIUS_TIMEOUT:
			DBG1(DBG_LIB, "RADIUS: no valid reply from %#H after %u tries",
				 host, this->retransmit + 1);
			break;
		case GETCERTD_RADIUS_ERROR:
			break;
		default:
			DBG1(DBG_LIB, "RADIUS: received Access-%s from %#H",
				 result == GETCERTD_RADIUS_ACCEPT ? "Accept" :
				 result == GETCERTD_RADIUS_REJECT ? "Reject" : "Challenge",
				 host);
			break;
	}
	chunk_clear(&packet);
	memwipe(ra, sizeof(ra));
	close(fd);
	host->destroy(host);
	return result;
}

METHOD(getcertd_radius_t, authenticate, getcertd_radius_result_t,
	private_getcertd_radius_t *this, char *user, chunk_t password,
	chunk_t state, char *calling_station, getcertd_radius_reply_t *reply)
{
	getcertd_radius_result_t result = GETCERTD_RADIUS_TIMEOUT;
	rng_t *rng;
	bool old;
	u_int i;

	*reply = (getcertd_radius_reply_t){};
	if (!valid_str(user, FALSE) || !valid_str(calling_station, TRUE) ||
		password.len > GETCERTD_RADIUS_MAX_PASSWORD || state.len > MAX_VALUE)
	{
		DBG1(DBG_LIB, "RADIUS: invalid user name, password, State or "
			 "Calling-Station-Id length");
		return GETCERTD_RADIUS_ERROR;
	}
	rng = lib->crypto->create_rng(lib->crypto, RNG_STRONG);
	if (!rng)
	{
		DBG1(DBG_LIB, "RADIUS: no RNG available");
		return GETCERTD_RADIUS_ERROR;
	}
	/* nothing to clean up on cancellation, waits are bounded */
	old = thread_cancelability(FALSE);
	for (i = 0; i < this->count; i++)
	{
		result = try_server(this, &this->servers[i], rng, user, password,
							state, calling_station, reply);
		if (result != GETCERTD_RADIUS_TIMEOUT)
		{
			break;
		}
	}
	thread_cancelability(old);
	rng->destroy(rng);
	if (result == GETCERTD_RADIUS_TIMEOUT)
	{
		DBG1(DBG_LIB, "RADIUS: no server answered");
	}
	return result;
}

METHOD(getcertd_radius_t, destroy, void,
	private_getcertd_radius_t *this)
{
	u_int i;

	for (i = 0; i < this->count; i++)
	{
		free(this->servers[i].address);
		chunk_clear(&this->servers[i].secret);
	}
	free(this->servers);
	free(this->nas_identifier);
	free(this);
}

/**
 * Check that the crypto we need is available
 */
static bool check_crypto()
{
	hasher_t *hasher;
	signer_t *signer;
	rng_t *rng;
	bool ok;

	hasher = lib->crypto->create_hasher(lib->crypto, HASH_MD5);
	signer = lib->crypto->create_signer(lib->crypto, AUTH_HMAC_MD5_128);
	rng = lib->crypto->create_rng(lib->crypto, RNG_STRONG);
	ok = hasher && signer && rng;
	DESTROY_IF(hasher);
	DESTROY_IF(signer);
	DESTROY_IF(rng);
	if (!ok)
	{
		DBG1(DBG_LIB, "RADIUS: MD5, HMAC-MD5 or a strong RNG not available");
	}
	return ok;
}

/*
 * Described in header
 */
getcertd_radius_t *getcertd_radius_create(getcertd_radius_server_t *servers,
										  u_int count, char *nas_identifier,
										  u_int timeout, u_int retransmit,
										  double backoff)
{
	private_getcertd_radius_t *this;
	u_int i;

	if (!count || !servers || !valid_str(nas_identifier, FALSE) ||
		!timeout || !(backoff >= 1.0) || retransmit > 100)
	{
		DBG1(DBG_LIB, "RADIUS: invalid client configuration");
		return NULL;
	}
	for (i = 0; i < count; i++)
	{
		if (!servers[i].address || !*servers[i].address ||
			!servers[i].secret.len)
		{
			DBG1(DBG_LIB, "RADIUS: server %u without address or secret",
				 i + 1);
			return NULL;
		}
	}
	if (!check_crypto())
	{
		return NULL;
	}

	INIT(this,
		.public = {
			.authenticate = _authenticate,
			.destroy = _destroy,
		},
		.servers = calloc(count, sizeof(getcertd_radius_server_t)),
		.count = count,
		.nas_identifier = strdup(nas_identifier),
		.timeout = timeout,
		.retransmit = retransmit,
		.backoff = backoff,
	);
	for (i = 0; i < count; i++)
	{
		this->servers[i] = (getcertd_radius_server_t){
			.address = strdup(servers[i].address),
			.port = servers[i].port ?: GETCERTD_RADIUS_PORT,
			.secret = chunk_clone(servers[i].secret),
		};
	}
	return &this->public;
}

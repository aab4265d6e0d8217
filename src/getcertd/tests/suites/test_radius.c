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

#include <getcertd_radius.h>
#include <getcert_test_certs.h>

#include <errno.h>
#include <poll.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <threading/thread.h>
#include <crypto/hashers/hasher.h>
#include <crypto/prfs/prf.h>

/*
 * Reference code of the tests, independent of getcertd_radius.c (PRF
 * instead of signer, chunk based), checked against published vectors.
 */

/**
 * MD5 of the concatenation of up to four chunks
 */
static void t_md5(chunk_t a, chunk_t b, chunk_t c, chunk_t d, uint8_t *out)
{
	hasher_t *hasher;
	chunk_t all;

	all = chunk_cat("cccc", a, b, c, d);
	hasher = lib->crypto->create_hasher(lib->crypto, HASH_MD5);
	ck_assert(hasher);
	ck_assert(hasher->get_hash(hasher, all, out));
	hasher->destroy(hasher);
	chunk_free(&all);
}

/**
 * HMAC-MD5
 */
static void t_hmac(chunk_t key, chunk_t data, uint8_t *out)
{
	prf_t *prf;

	prf = lib->crypto->create_prf(lib->crypto, PRF_HMAC_MD5);
	ck_assert(prf);
	ck_assert(prf->set_key(prf, key));
	ck_assert(prf->get_bytes(prf, data, out));
	prf->destroy(prf);
}

/**
 * An encoded attribute (allocated)
 */
static chunk_t t_attr(uint8_t type, chunk_t value)
{
	return chunk_cat("cc", chunk_from_chars(type, value.len + 2), value);
}

/**
 * Concatenate two allocated attribute encodings, freeing them (a function,
 * chunk_cat() evaluates its arguments twice)
 */
static chunk_t t_attrs(chunk_t a, chunk_t b)
{
	return chunk_cat("mm", a, b);
}

/**
 * Append fixed bytes to an allocated attribute encoding, freeing it
 */
static chunk_t t_append(chunk_t a, chunk_t raw)
{
	return chunk_cat("mc", a, raw);
}

/**
 * Options of t_reply()
 */
enum {
	/** no Message-Authenticator */
	T_NO_MA = (1<<0),
	/** Message-Authenticator after the other attributes */
	T_MA_LAST = (1<<1),
	/** Message-Authenticator computed over the Response Authenticator */
	T_MA_OVER_RESPONSE = (1<<2),
	/** flip a bit of the Message-Authenticator (authenticator still ok) */
	T_BAD_MA = (1<<3),
	/** flip a bit of the Response Authenticator */
	T_BAD_AUTH = (1<<4),
};

/**
 * Build a reply: Message-Authenticator (HMAC-MD5 over the packet with the
 * Request Authenticator and the attribute value zeroed), then the
 * Response Authenticator MD5(Code+ID+Length+RequestAuth+Attributes+Secret).
 * attrs (the other attributes) is freed.
 */
static chunk_t t_reply(uint8_t code, uint8_t id, chunk_t ra, chunk_t secret,
					   chunk_t attrs, u_int opts)
{
	chunk_t zero = chunk_from_chars(0, 0, 0, 0, 0, 0, 0, 0,
									0, 0, 0, 0, 0, 0, 0, 0);
	chunk_t ma = chunk_empty, packet, hdr;
	size_t ma_off = 0;
	uint8_t mac[16], auth[16];

	if (!(opts & T_NO_MA))
	{
		ma = t_attr(80, zero);
	}
	hdr = chunk_from_chars(code, id, 0, 0);
	if (opts & T_MA_LAST)
	{
		packet = chunk_cat("ccmm", hdr, ra, attrs, ma);
		ma_off = 20 + attrs.len + 2;
	}
	else
	{
		packet = chunk_cat("ccmm", hdr, ra, ma, attrs);
		ma_off = 22;
	}
	htoun16(packet.ptr + 2, packet.len);
	if (!(opts & T_NO_MA))
	{
		if (opts & T_MA_OVER_RESPONSE)
		{	/* as if the server used its Response Authenticator: fill it in
			 * first, without Message-Authenticator value */
			t_md5(chunk_create(packet.ptr, 4), ra, chunk_skip(packet, 20),
				  secret, auth);
			memcpy(packet.ptr + 4, auth, 16);
		}
		t_hmac(secret, packet, mac);
		memcpy(packet.ptr + ma_off, mac, 16);
		memcpy(packet.ptr + 4, ra.ptr, 16);
		if (opts & T_BAD_MA)
		{
			packet.ptr[ma_off + 7] ^= 0x10;
		}
	}
	t_md5(chunk_create(packet.ptr, 4), ra, chunk_skip(packet, 20), secret,
		  auth);
	memcpy(packet.ptr + 4, auth, 16);
	if (opts & T_BAD_AUTH)
	{
		packet.ptr[4 + 15] ^= 0x01;
	}
	return packet;
}

/**
 * Find the value of the n-th attribute of a type in a packet
 */
static bool t_find(chunk_t packet, uint8_t type, int n, chunk_t *value)
{
	size_t pos = 20;

	while (pos + 2 <= packet.len && packet.ptr[pos + 1] >= 2 &&
		   pos + packet.ptr[pos + 1] <= packet.len)
	{
		if (packet.ptr[pos] == type && n-- == 0)
		{
			*value = chunk_create(packet.ptr + pos + 2,
								  packet.ptr[pos + 1] - 2);
			return TRUE;
		}
		pos += packet.ptr[pos + 1];
	}
	return FALSE;
}

/**
 * Check that a request's first attribute is a valid Message-Authenticator
 */
static bool t_request_ma_ok(chunk_t packet, chunk_t secret)
{
	uint8_t mac[16];
	chunk_t copy;
	bool ok;

	if (packet.len < 38 || packet.ptr[0] != 1 ||
		untoh16(packet.ptr + 2) != packet.len ||
		packet.ptr[20] != 80 || packet.ptr[21] != 18)
	{
		return FALSE;
	}
	copy = chunk_clone(packet);
	memset(copy.ptr + 22, 0, 16);
	t_hmac(secret, copy, mac);
	ok = memeq(mac, packet.ptr + 22, 16);
	chunk_free(&copy);
	return ok;
}

/**
 * Recover a hidden password (RFC 2865 5.2), NUL padding removed
 */
static chunk_t t_unhide(chunk_t hidden, chunk_t secret, chunk_t ra)
{
	chunk_t plain, prev = ra;
	uint8_t b[16];
	size_t i, j;

	if (!hidden.len || hidden.len % 16 || hidden.len > 128)
	{
		return chunk_empty;
	}
	plain = chunk_alloc(hidden.len);
	for (i = 0; i < hidden.len; i += 16)
	{
		t_md5(secret, prev, chunk_empty, chunk_empty, b);
		for (j = 0; j < 16; j++)
		{
			plain.ptr[i + j] = hidden.ptr[i + j] ^ b[j];
		}
		prev = chunk_create(hidden.ptr + i, 16);
	}
	while (plain.len && plain.ptr[plain.len - 1] == 0)
	{
		plain.len--;
	}
	return plain;
}

/*
 * RFC 2865 7.1: nemo/arctangent, secret xyzzy5461
 */
static chunk_t rfc_secret = { (u_char*)"xyzzy5461", 9 };
static chunk_t rfc_ra = chunk_from_chars(
	0x0f, 0x40, 0x3f, 0x94, 0x73, 0x97, 0x80, 0x57,
	0xbd, 0x83, 0xd5, 0xcb, 0x98, 0xf4, 0x22, 0x7a);
static chunk_t rfc_hidden = chunk_from_chars(
	0x0d, 0xbe, 0x70, 0x8d, 0x93, 0xd4, 0x13, 0xce,
	0x31, 0x96, 0xe4, 0x3f, 0x78, 0x2a, 0x0a, 0xee);
/* the Access-Accept of 7.1, valid but without Message-Authenticator */
static chunk_t rfc_accept = chunk_from_chars(
	0x02, 0x00, 0x00, 0x26, 0x86, 0xfe, 0x22, 0x0e,
	0x76, 0x24, 0xba, 0x2a, 0x10, 0x05, 0xf6, 0xbf,
	0x9b, 0x55, 0xe0, 0xb2, 0x06, 0x06, 0x00, 0x00,
	0x00, 0x01, 0x0f, 0x06, 0x00, 0x00, 0x00, 0x00,
	0x0e, 0x06, 0xc0, 0xa8, 0x01, 0x03);

START_TEST(test_reference_vectors)
{
	/* RFC 5997 6: Status-Server with Message-Authenticator */
	chunk_t status = chunk_from_chars(
		0x0c, 0xda, 0x00, 0x26, 0x8a, 0x54, 0xf4, 0x68,
		0x6f, 0xb3, 0x94, 0xc5, 0x28, 0x66, 0xe3, 0x02,
		0x18, 0x5d, 0x06, 0x23, 0x50, 0x12, 0x5a, 0x66,
		0x5e, 0x2e, 0x1e, 0x84, 0x11, 0xf3, 0xe2, 0x43,
		0x82, 0x20, 0x97, 0xc8, 0x4f, 0xa3), copy, plain;
	uint8_t out[16];

	copy = chunk_clone(status);
	memset(copy.ptr + 22, 0, 16);
	t_hmac(rfc_secret, copy, out);
	ck_assert(memeq(out, status.ptr + 22, 16));
	chunk_free(&copy);

	t_md5(chunk_create(rfc_accept.ptr, 4), rfc_ra,
		  chunk_skip(rfc_accept, 20), rfc_secret, out);
	ck_assert(memeq(out, rfc_accept.ptr + 4, 16));

	plain = t_unhide(rfc_hidden, rfc_secret, rfc_ra);
	ck_assert_chunk_eq(plain, chunk_from_str("arctangent"));
	chunk_free(&plain);
}
END_TEST

START_TEST(test_request_rfc2865)
{
	chunk_t packet, value;

	ck_assert(getcertd_radius_build_request(0, rfc_ra, rfc_secret, "nemo",
						chunk_from_str("arctangent"), chunk_empty,
						"getcertd", NULL, &packet));
	ck_assert_int_eq(packet.ptr[0], 1);
	ck_assert_int_eq(packet.ptr[1], 0);
	ck_assert_int_eq(untoh16(packet.ptr + 2), packet.len);
	ck_assert(chunk_equals(chunk_create(packet.ptr + 4, 16), rfc_ra));
	/* Message-Authenticator first and valid */
	ck_assert(t_request_ma_ok(packet, rfc_secret));
	ck_assert(t_find(packet, 1, 0, &value));
	ck_assert_chunk_eq(value, chunk_from_str("nemo"));
	ck_assert(t_find(packet, 2, 0, &value));
	ck_assert_chunk_eq(value, rfc_hidden);
	ck_assert(t_find(packet, 32, 0, &value));
	ck_assert_chunk_eq(value, chunk_from_str("getcertd"));
	ck_assert(!t_find(packet, 24, 0, &value));
	ck_assert(!t_find(packet, 31, 0, &value));
	ck_assert(!t_find(packet, 80, 1, &value));
	/* 20 + 18 + 6 + 18 + 10 */
	ck_assert_int_eq(packet.len, 72);
	chunk_clear(&packet);
}
END_TEST

START_TEST(test_request_password_lengths)
{
	uint8_t raw[129];
	chunk_t packet, value, plain, ra, secret, pw;
	size_t lens[] = { 0, 1, 15, 16, 17, 40, 127, 128 }, expected;
	int i;

	ra = chunk_from_chars(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
						  16);
	secret = chunk_from_str("a rather long shared secret, 40 bytes...");
	for (i = 0; i < sizeof(raw); i++)
	{
		raw[i] = 'A' + (i * 7) % 26;
	}
	for (i = 0; i < countof(lens); i++)
	{
		pw = chunk_create(raw, lens[i]);
		ck_assert(getcertd_radius_build_request(0x42, ra, secret, "carol", pw,
						chunk_empty, "nas", NULL, &packet));
		ck_assert(t_request_ma_ok(packet, secret));
		ck_assert(t_find(packet, 2, 0, &value));
		expected = max(16, round_up(lens[i], 16));
		ck_assert_int_eq(value.len, expected);
		/* the plain text must not show */
		if (lens[i] >= 4)
		{
			ck_assert(!memmem(packet.ptr, packet.len, raw, 4));
		}
		plain = t_unhide(value, secret, ra);
		ck_assert_chunk_eq(plain, pw);
		chunk_free(&plain);
		chunk_clear(&packet);
	}
	ck_assert(!getcertd_radius_build_request(0x42, ra, secret, "carol",
						chunk_create(raw, 129), chunk_empty, "nas", NULL,
						&packet));
	ck_assert(!packet.ptr);
}
END_TEST

START_TEST(test_request_state)
{
	chunk_t packet, value, state, ra, secret = chunk_from_str("s");
	char long_str[255];

	ra = chunk_from_chars(0xff, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
						  15, 0);
	state = chunk_from_chars(0x00, 0x01, 0xfe, 0xff);
	ck_assert(getcertd_radius_build_request(200, ra, secret, "carol",
						chunk_from_str("123456"), state, "nas",
						"192.0.2.1", &packet));
	ck_assert_int_eq(packet.ptr[1], 200);
	ck_assert(t_request_ma_ok(packet, secret));
	ck_assert(t_find(packet, 24, 0, &value));
	ck_assert_chunk_eq(value, state);
	ck_assert(t_find(packet, 31, 0, &value));
	ck_assert_chunk_eq(value, chunk_from_str("192.0.2.1"));
	chunk_clear(&packet);

	/* limits */
	memset(long_str, 'x', sizeof(long_str));
	long_str[253] = '\0';
	ck_assert(getcertd_radius_build_request(1, ra, secret, long_str,
						chunk_from_str("pw"), chunk_empty, long_str,
						long_str, &packet));
	chunk_clear(&packet);
	long_str[253] = 'x';
	long_str[254] = '\0';
	ck_assert(!getcertd_radius_build_request(1, ra, secret, long_str,
						chunk_from_str("pw"), chunk_empty, "nas", NULL,
						&packet));
	ck_assert(!getcertd_radius_build_request(1, ra, secret, "carol",
						chunk_from_str("pw"), chunk_empty, "nas", long_str,
						&packet));
	ck_assert(!getcertd_radius_build_request(1, ra, secret, "carol",
						chunk_from_str("pw"), chunk_create((u_char*)long_str, 254),
						"nas", NULL, &packet));
	ck_assert(!getcertd_radius_build_request(1, ra, secret, "",
						chunk_from_str("pw"), chunk_empty, "nas", NULL,
						&packet));
	ck_assert(!getcertd_radius_build_request(1, ra, chunk_empty, "carol",
						chunk_from_str("pw"), chunk_empty, "nas", NULL,
						&packet));
	ck_assert(!getcertd_radius_build_request(1, chunk_create(ra.ptr, 15),
						secret, "carol", chunk_from_str("pw"), chunk_empty,
						"nas", NULL, &packet));
}
END_TEST

/*
 * Reply verification
 */

static chunk_t v_secret = { (u_char*)"testing123", 10 };
static chunk_t v_ra = chunk_from_chars(
	0x10, 0x21, 0x32, 0x43, 0x54, 0x65, 0x76, 0x87,
	0x98, 0xa9, 0xba, 0xcb, 0xdc, 0xed, 0xfe, 0x0f);
#define V_ID 0x5a

START_TEST(test_reply_accept)
{
	getcertd_radius_reply_t reply;
	chunk_t packet;

	packet = t_reply(2, V_ID, v_ra, v_secret,
					 t_attr(18, chunk_from_str("Welcome, carol")), 0);
	ck_assert_int_eq(getcertd_radius_verify_reply(packet, V_ID, v_ra,
							v_secret, &reply), GETCERTD_RADIUS_ACCEPT);
	ck_assert_str_eq(reply.message, "Welcome, carol");
	ck_assert(!reply.state.ptr);
	getcertd_radius_reply_free(&reply);
	getcertd_radius_reply_free(&reply);
	chunk_free(&packet);

	/* Message-Authenticator may be anywhere, no attributes needed */
	packet = t_reply(2, V_ID, v_ra, v_secret, chunk_empty, T_MA_LAST);
	ck_assert_int_eq(getcertd_radius_verify_reply(packet, V_ID, v_ra,
							v_secret, &reply), GETCERTD_RADIUS_ACCEPT);
	ck_assert(!reply.message);
	chunk_free(&packet);

	packet = t_reply(2, V_ID, v_ra, v_secret,
			t_attrs(t_attr(6, chunk_from_chars(0, 0, 0, 8)),
					t_attr(24, chunk_from_str("ignored in Accept"))),
			T_MA_LAST);
	ck_assert_int_eq(getcertd_radius_verify_reply(packet, V_ID, v_ra,
							v_secret, &reply), GETCERTD_RADIUS_ACCEPT);
	ck_assert(!reply.message);
	ck_assert(!reply.state.ptr);
	chunk_free(&packet);
}
END_TEST

START_TEST(test_reply_reject)
{
	getcertd_radius_reply_t reply;
	chunk_t packet;

	packet = t_reply(3, V_ID, v_ra, v_secret,
					 t_attr(18, chunk_from_str("Wrong password")), 0);
	ck_assert_int_eq(getcertd_radius_verify_reply(packet, V_ID, v_ra,
							v_secret, &reply), GETCERTD_RADIUS_REJECT);
	ck_assert_str_eq(reply.message, "Wrong password");
	getcertd_radius_reply_free(&reply);
	chunk_free(&packet);
}
END_TEST

START_TEST(test_reply_challenge)
{
	getcertd_radius_reply_t reply;
	chunk_t packet, state = chunk_from_chars(0x00, 's', 0xff, 't');

	packet = t_reply(11, V_ID, v_ra, v_secret,
			t_attrs(t_attrs(t_attr(18, chunk_from_str("Enter the code ")),
							t_attr(24, state)),
					t_attr(18, chunk_from_str("sent to you"))), 0);
	ck_assert_int_eq(getcertd_radius_verify_reply(packet, V_ID, v_ra,
							v_secret, &reply), GETCERTD_RADIUS_CHALLENGE);
	ck_assert_str_eq(reply.message, "Enter the code sent to you");
	ck_assert_chunk_eq(reply.state, state);
	ck_assert(reply.state.ptr != packet.ptr + 20 + 18 + 17 + 2);
	getcertd_radius_reply_free(&reply);
	ck_assert(!reply.state.ptr && !reply.message);
	chunk_free(&packet);

	/* a challenge without State is passed on as such */
	packet = t_reply(11, V_ID, v_ra, v_secret, chunk_empty, 0);
	ck_assert_int_eq(getcertd_radius_verify_reply(packet, V_ID, v_ra,
							v_secret, &reply), GETCERTD_RADIUS_CHALLENGE);
	ck_assert(!reply.state.len && !reply.message);
	chunk_free(&packet);
}
END_TEST

START_TEST(test_reply_padding)
{
	getcertd_radius_reply_t reply;
	chunk_t packet;

	/* octets after Length are padding (RFC 2865 3) */
	packet = t_reply(2, V_ID, v_ra, v_secret, chunk_empty, 0);
	packet = chunk_cat("mc", packet, chunk_from_chars(0xde, 0xad, 0xbe));
	ck_assert_int_eq(getcertd_radius_verify_reply(packet, V_ID, v_ra,
							v_secret, &reply), GETCERTD_RADIUS_ACCEPT);
	chunk_free(&packet);
}
END_TEST

START_TEST(test_reply_rfc2865_no_ma)
{
	getcertd_radius_reply_t reply;

	/* authentic, but without Message-Authenticator */
	gt_log_start();
	ck_assert_int_eq(getcertd_radius_verify_reply(rfc_accept, 0, rfc_ra,
							rfc_secret, &reply), GETCERTD_RADIUS_ERROR);
	ck_assert(gt_log_contains("without Message-Authenticator"));
	gt_log_stop();
	ck_assert(!reply.message && !reply.state.ptr);
}
END_TEST

/**
 * Invalid replies, built from a valid Access-Accept, and the log message
 * each must give
 */
static struct {
	char *desc;
	char *log;
} invalid[] = {
	{ "no Message-Authenticator", "without Message-Authenticator" },
	{ "bad Message-Authenticator", "invalid Message-Authenticator" },
	{ "Message-Authenticator over Response Authenticator",
		"invalid Message-Authenticator" },
	{ "bad Response Authenticator", "invalid Response Authenticator" },
	{ "wrong Identifier", "Identifier" },
	{ "wrong secret", "invalid Response Authenticator" },
	{ "code 1", "code 1" },
	{ "code 5", "code 5" },
	{ "empty", "too short" },
	{ "19 bytes", "too short" },
	{ "Length 19", "Length 19" },
	{ "Length 0", "Length 0" },
	{ "truncated", "Length" },
	{ "Length one too long", "Length" },
	{ "Length over 4096", "Length 4097" },
	{ "attribute length 0", "invalid length 0" },
	{ "attribute length 1", "invalid length 1" },
	{ "attribute past end", "invalid length" },
	{ "one byte left", "truncated attribute" },
	{ "Message-Authenticator length 17", "invalid or repeated Message" },
	{ "Message-Authenticator length 19", "invalid or repeated Message" },
	{ "two Message-Authenticators", "invalid or repeated Message" },
	{ "two States", "repeated State" },
	{ "empty State", "empty or repeated State" },
	{ "Message-Authenticator of another packet",
		"invalid Message-Authenticator" },
};

START_TEST(test_reply_invalid)
{
	getcertd_radius_reply_t reply = {
		.message = (char*)1,
	};
	chunk_t packet, other, msg = t_attr(18, chunk_from_str("hello"));
	chunk_t zero16 = chunk_from_chars(0, 0, 0, 0, 0, 0, 0, 0,
									  0, 0, 0, 0, 0, 0, 0, 0);
	uint8_t id = V_ID;

	switch (_i)
	{
		case 0:
			packet = t_reply(2, V_ID, v_ra, v_secret, msg, T_NO_MA);
			break;
		case 1:
			packet = t_reply(2, V_ID, v_ra, v_secret, msg, T_BAD_MA);
			break;
		case 2:
			packet = t_reply(2, V_ID, v_ra, v_secret, msg,
							 T_MA_OVER_RESPONSE);
			break;
		case 3:
			packet = t_reply(2, V_ID, v_ra, v_secret, msg, T_BAD_AUTH);
			break;
		case 4:
			packet = t_reply(2, V_ID, v_ra, v_secret, msg, 0);
			id = V_ID + 1;
			break;
		case 5:
			packet = t_reply(2, V_ID, v_ra, chunk_from_str("testing124"),
							 msg, 0);
			break;
		case 6:
			packet = t_reply(1, V_ID, v_ra, v_secret, msg, 0);
			break;
		case 7:
			packet = t_reply(5, V_ID, v_ra, v_secret, msg, 0);
			break;
		case 8:
			chunk_free(&msg);
			packet = chunk_empty;
			break;
		case 9:
			packet = t_reply(2, V_ID, v_ra, v_secret, msg, 0);
			packet.len = 19;
			break;
		case 10:
			packet = t_reply(2, V_ID, v_ra, v_secret, msg, 0);
			htoun16(packet.ptr + 2, 19);
			break;
		case 11:
			packet = t_reply(2, V_ID, v_ra, v_secret, msg, 0);
			htoun16(packet.ptr + 2, 0);
			break;
		case 12:
			packet = t_reply(2, V_ID, v_ra, v_secret, msg, 0);
			packet.len--;
			break;
		case 13:
			packet = t_reply(2, V_ID, v_ra, v_secret, msg, 0);
			htoun16(packet.ptr + 2, packet.len + 1);
			break;
		case 14:
		{	/* a datagram of 4097 bytes, with matching Length */
			chunk_t big = chunk_alloc(4097 - 20 - 18);
			size_t pos;

			chunk_free(&msg);
			for (pos = 0; pos < big.len; pos += 255)
			{
				big.ptr[pos] = 18;
				big.ptr[pos + 1] = min(255, big.len - pos);
				memset(big.ptr + pos + 2, 'x', big.ptr[pos + 1] - 2);
			}
			packet = t_reply(2, V_ID, v_ra, v_secret, big, 0);
			break;
		}
		case 15:
			packet = t_reply(2, V_ID, v_ra, v_secret,
					t_append(msg, chunk_from_chars(18, 0, 'a', 'b')), 0);
			break;
		case 16:
			packet = t_reply(2, V_ID, v_ra, v_secret,
					t_append(msg, chunk_from_chars(18, 1, 'a', 'b')), 0);
			break;
		case 17:
			packet = t_reply(2, V_ID, v_ra, v_secret,
					t_append(msg, chunk_from_chars(18, 5, 'a', 'b')), 0);
			break;
		case 18:
			packet = t_reply(2, V_ID, v_ra, v_secret,
					t_append(msg, chunk_from_chars(18)), 0);
			break;
		case 19:
			packet = t_reply(2, V_ID, v_ra, v_secret,
					t_attrs(msg, t_attr(80, chunk_create(zero16.ptr, 15))),
					T_NO_MA);
			break;
		case 20:
			packet = t_reply(2, V_ID, v_ra, v_secret,
					t_attrs(msg, t_attr(80, chunk_from_chars(0, 0, 0, 0,
							0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))),
					T_NO_MA);
			break;
		case 21:
			packet = t_reply(2, V_ID, v_ra, v_secret,
					t_attrs(msg, t_attr(80, zero16)), 0);
			break;
		case 22:
			packet = t_reply(11, V_ID, v_ra, v_secret,
					t_attrs(t_attr(24, chunk_from_str("a")),
							t_attr(24, chunk_from_str("b"))), 0);
			chunk_free(&msg);
			break;
		case 23:
			packet = t_reply(11, V_ID, v_ra, v_secret,
							 t_attr(24, chunk_empty), 0);
			chunk_free(&msg);
			break;
		case 24:
		{	/* a valid Message-Authenticator, but from another reply with
			 * otherwise equal length, e.g. a Reject turned Accept */
			other = t_reply(3, V_ID, v_ra, v_secret, chunk_clone(msg), 0);
			packet = t_reply(2, V_ID, v_ra, v_secret, msg, 0);
			memcpy(packet.ptr + 22, other.ptr + 22, 16);
			/* recompute the Response Authenticator so only the
			 * Message-Authenticator is wrong */
			memcpy(packet.ptr + 4, v_ra.ptr, 16);
			{
				uint8_t auth[16];

				t_md5(chunk_create(packet.ptr, 4), v_ra,
					  chunk_skip(packet, 20), v_secret, auth);
				memcpy(packet.ptr + 4, auth, 16);
			}
			chunk_free(&other);
			break;
		}
		default:
			ck_assert(FALSE);
			return;
	}
	gt_log_start();
	ck_assert_int_eq(getcertd_radius_verify_reply(packet, id, v_ra, v_secret,
							&reply), GETCERTD_RADIUS_ERROR);
	if (!gt_log_contains(invalid[_i].log))
	{
		fail("%s: log lacks '%s'", invalid[_i].desc, invalid[_i].log);
	}
	gt_log_stop();
	ck_assert(!reply.message && !reply.state.ptr);
	chunk_free(&packet);
}
END_TEST

START_TEST(test_reply_sanitize)
{
	getcertd_radius_reply_t reply;
	chunk_t packet;
	char *expected = "Hi  ??Gr\xc3\xbc" "ezi \xe2\x82\xac?(???????";

	packet = t_reply(3, V_ID, v_ra, v_secret,
		t_attrs(t_attrs(t_attrs(t_attr(18, chunk_from_str("Hi\r\n")),
								t_attr(18, chunk_from_str("\x01\x7f"))),
						t_attrs(t_attr(18, chunk_from_str(
									"Gr\xc3\xbc" "ezi \xe2\x82\xac")),
								t_attr(18, chunk_from_str("\xc3\x28")))),
				t_attrs(t_attrs(t_attr(18, chunk_from_str("\xc0\xaf")),
								t_attr(18, chunk_from_str("\xed\xa0\x80"))),
						t_attrs(t_attr(18, chunk_from_str("\xe2\x80\xae")),
								t_attr(18, chunk_from_str("\xc2\x85"))))),
		0);
	ck_assert_int_eq(getcertd_radius_verify_reply(packet, V_ID, v_ra,
							v_secret, &reply), GETCERTD_RADIUS_REJECT);
	ck_assert_str_eq(reply.message, expected);
	getcertd_radius_reply_free(&reply);
	chunk_free(&packet);

	/* a NUL, and a character split between two attributes (servers
	 * split long text at 253 bytes), a lead byte at the very end */
	packet = t_reply(3, V_ID, v_ra, v_secret,
		t_attrs(t_attrs(t_attr(18, chunk_from_chars('a', 0, 'b', 0xe2, 0x82)),
						t_attr(18, chunk_from_chars(0xac, 'c'))),
				t_attr(18, chunk_from_chars(0xe2))), 0);
	ck_assert_int_eq(getcertd_radius_verify_reply(packet, V_ID, v_ra,
							v_secret, &reply), GETCERTD_RADIUS_REJECT);
	ck_assert_str_eq(reply.message, "a?b\xe2\x82\xac" "c?");
	getcertd_radius_reply_free(&reply);
	chunk_free(&packet);
}
END_TEST

START_TEST(test_reply_message_limit)
{
	getcertd_radius_reply_t reply;
	chunk_t packet, attrs = chunk_empty;
	char a[250], b[21];
	int i;

	memset(a, 'a', sizeof(a));
	memset(b, 'b', sizeof(b));
	for (i = 0; i < 4; i++)
	{
		attrs = t_attrs(attrs, t_attr(18, chunk_from_thing(a)));
	}
	/* 1021 bytes, then two 3-byte characters: only one fits */
	attrs = t_attrs(attrs, t_attr(18, chunk_from_thing(b)));
	attrs = t_attrs(attrs, t_attr(18, chunk_from_str(
											"\xe2\x82\xac\xe2\x82\xac")));
	attrs = t_attrs(attrs, t_attr(18, chunk_from_str("more")));
	packet = t_reply(11, V_ID, v_ra, v_secret, attrs, 0);
	ck_assert_int_eq(getcertd_radius_verify_reply(packet, V_ID, v_ra,
							v_secret, &reply), GETCERTD_RADIUS_CHALLENGE);
	ck_assert_int_eq(strlen(reply.message), 1024);
	ck_assert(streq(reply.message + 1021, "\xe2\x82\xac"));
	ck_assert(reply.message[0] == 'a' && reply.message[1000] == 'b');
	getcertd_radius_reply_free(&reply);
	chunk_free(&packet);
}
END_TEST

/*
 * Fake RADIUS servers on 127.0.0.1
 */

typedef enum {
	/** never answer */
	FS_SILENT,
	/** Accept carol/carol-pw, Reject others */
	FS_PASSWORD,
	/** several invalid replies, then the valid one */
	FS_INVALID_FIRST,
	/** invalid replies only */
	FS_INVALID_ONLY,
	/** Challenge without State, Accept with State and the code */
	FS_CHALLENGE,
	/** a valid Accept, but from another port */
	FS_OTHER_PORT,
} fs_mode_t;

typedef struct {
	fs_mode_t mode;
	chunk_t secret;
	int fd;
	int other_fd;
	uint16_t port;
	thread_t *thread;
	volatile bool stop;
	/** requests received, and how many were well-formed */
	u_int requests;
	u_int good_requests;
	/** replies sent that must be dropped */
	u_int invalid_sent;
	/** first and last request */
	chunk_t first;
	chunk_t last;
	/** requests with a State (FS_CHALLENGE) */
	u_int with_state;
} fake_server_t;

#define CHALLENGE_STATE "st-4711"

/**
 * Send a reply to a request
 */
static void fs_send(fake_server_t *fs, int fd, struct sockaddr_in *to,
					chunk_t reply)
{
	ignore_result(sendto(fd, reply.ptr, reply.len, 0, (struct sockaddr*)to,
						 sizeof(*to)));
	chunk_free(&reply);
}

/**
 * Handle one request
 */
static void fs_handle(fake_server_t *fs, chunk_t req, struct sockaddr_in *from)
{
	chunk_t ra, user = chunk_empty, hidden = chunk_empty, state = chunk_empty;
	chunk_t pw, nas, msg;
	uint8_t id;
	bool ok;

	fs->requests++;
	if (!fs->first.ptr)
	{
		fs->first = chunk_clone(req);
	}
	chunk_free(&fs->last);
	fs->last = chunk_clone(req);
	if (!t_request_ma_ok(req, fs->secret) ||
		!t_find(req, 1, 0, &user) || !t_find(req, 2, 0, &hidden) ||
		!t_find(req, 32, 0, &nas))
	{
		return;
	}
	fs->good_requests++;
	id = req.ptr[1];
	ra = chunk_create(req.ptr + 4, 16);
	pw = t_unhide(hidden, fs->secret, ra);
	if (t_find(req, 24, 0, &state))
	{
		fs->with_state++;
	}
	ok = chunk_equals(user, chunk_from_str("carol")) &&
		 chunk_equals(pw, chunk_from_str("carol-pw"));
	msg = t_attr(18, chunk_from_str(ok ? "Welcome" : "Wrong password"));

	switch (fs->mode)
	{
		case FS_SILENT:
			chunk_free(&msg);
			break;
		case FS_PASSWORD:
			fs_send(fs, fs->fd, from,
					t_reply(ok ? 2 : 3, id, ra, fs->secret, msg, 0));
			break;
		case FS_INVALID_ONLY:
		case FS_INVALID_FIRST:
			fs_send(fs, fs->fd, from, t_reply(2, id, ra, fs->secret,
											  chunk_clone(msg), T_NO_MA));
			fs_send(fs, fs->fd, from, t_reply(2, id, ra, fs->secret,
											  chunk_clone(msg), T_BAD_MA));
			fs_send(fs, fs->fd, from, t_reply(2, id, ra, fs->secret,
											  chunk_clone(msg), T_BAD_AUTH));
			fs_send(fs, fs->fd, from, t_reply(2, id + 1, ra, fs->secret,
											  chunk_clone(msg), 0));
			fs_send(fs, fs->fd, from, t_reply(2, id, ra,
									chunk_from_str("wrong"),
									chunk_clone(msg), 0));
			fs->invalid_sent += 5;
			if (fs->mode == FS_INVALID_FIRST)
			{
				fs_send(fs, fs->fd, from, t_reply(3, id, ra, fs->secret,
						t_attr(18, chunk_from_str("the valid one")), 0));
			}
			chunk_free(&msg);
			break;
		case FS_CHALLENGE:
			chunk_free(&msg);
			if (!state.len)
			{
				fs_send(fs, fs->fd, from, t_reply(11, id, ra, fs->secret,
					t_attrs(t_attrs(
						t_attr(18, chunk_from_str("Enter the code ")),
						t_attr(24, chunk_from_str(CHALLENGE_STATE))),
						t_attr(18, chunk_from_str("sent to carol"))), 0));
			}
			else
			{
				ok = chunk_equals(state, chunk_from_str(CHALLENGE_STATE)) &&
					 chunk_equals(pw, chunk_from_str("123456"));
				fs_send(fs, fs->fd, from, t_reply(ok ? 2 : 3, id, ra,
												  fs->secret, chunk_empty, 0));
			}
			break;
		case FS_OTHER_PORT:
			fs_send(fs, fs->other_fd, from,
					t_reply(2, id, ra, fs->secret, msg, 0));
			break;
	}
	chunk_clear(&pw);
}

static void *fs_run(fake_server_t *fs)
{
	struct sockaddr_in from;
	socklen_t len;
	struct pollfd pfd = {
		.fd = fs->fd,
		.events = POLLIN,
	};
	uint8_t buf[8192];
	ssize_t n;

	while (!fs->stop)
	{
		if (poll(&pfd, 1, 10) <= 0)
		{
			continue;
		}
		len = sizeof(from);
		n = recvfrom(fs->fd, buf, sizeof(buf), 0, (struct sockaddr*)&from,
					 &len);
		if (n > 0)
		{
			fs_handle(fs, chunk_create(buf, n), &from);
		}
	}
	return NULL;
}

/**
 * A bound UDP socket on 127.0.0.1, port chosen by the kernel
 */
static int fs_socket(uint16_t *port)
{
	struct sockaddr_in addr = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	socklen_t len = sizeof(addr);
	int fd;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	ck_assert(fd >= 0);
	ck_assert(bind(fd, (struct sockaddr*)&addr, sizeof(addr)) == 0);
	ck_assert(getsockname(fd, (struct sockaddr*)&addr, &len) == 0);
	*port = ntohs(addr.sin_port);
	return fd;
}

/**
 * Servers running, stopped by the teardown if a test fails
 */
static fake_server_t *running[4];

static fake_server_t *fs_start(fs_mode_t mode, char *secret)
{
	fake_server_t *fs;
	uint16_t other_port;
	int i;

	INIT(fs,
		.mode = mode,
		.secret = chunk_from_str(secret),
	);
	fs->fd = fs_socket(&fs->port);
	fs->other_fd = fs_socket(&other_port);
	fs->thread = thread_create((thread_main_t)fs_run, fs);
	ck_assert(fs->thread);
	for (i = 0; i < countof(running); i++)
	{
		if (!running[i])
		{
			running[i] = fs;
			break;
		}
	}
	return fs;
}

/**
 * Stop the server thread, the counters stay readable
 */
static void fs_stop(fake_server_t *fs)
{
	if (fs->thread)
	{
		fs->stop = TRUE;
		fs->thread->join(fs->thread);
		fs->thread = NULL;
		close(fs->fd);
		close(fs->other_fd);
	}
}

static void fs_destroy(fake_server_t *fs)
{
	int i;

	for (i = 0; i < countof(running); i++)
	{
		if (running[i] == fs)
		{
			running[i] = NULL;
		}
	}
	fs_stop(fs);
	chunk_free(&fs->first);
	chunk_free(&fs->last);
	free(fs);
}

START_TEARDOWN(teardown_servers)
{
	int i;

	gt_log_stop();
	for (i = 0; i < countof(running); i++)
	{
		if (running[i])
		{
			fs_destroy(running[i]);
		}
	}
}
END_TEARDOWN

/**
 * Milliseconds since a timestamp
 */
static int ms_since(timeval_t *start)
{
	timeval_t now;

	time_monotonic(&now);
	return (now.tv_sec - start->tv_sec) * 1000 +
		   (now.tv_usec - start->tv_usec) / 1000;
}

/**
 * Client for up to two fake servers (port 0: none)
 */
static getcertd_radius_t *client(uint16_t port1, char *secret1,
								 uint16_t port2, char *secret2,
								 u_int timeout, u_int retransmit)
{
	getcertd_radius_server_t servers[] = {
		{ "127.0.0.1", port1, chunk_from_str(secret1) },
		{ "127.0.0.1", port2, chunk_from_str(secret2 ?: "x") },
	};
	getcertd_radius_t *radius;

	radius = getcertd_radius_create(servers, port2 ? 2 : 1, "getcertd-test",
								    timeout, retransmit, 2.0);
	ck_assert(radius);
	return radius;
}

START_TEST(test_client_accept)
{
	getcertd_radius_reply_t reply;
	getcertd_radius_t *radius;
	fake_server_t *fs;
	chunk_t value;

	fs = fs_start(FS_PASSWORD, "s3cret");
	radius = client(fs->port, "s3cret", 0, NULL, 1000, 2);

	ck_assert_int_eq(radius->authenticate(radius, "carol",
						chunk_from_str("carol-pw"), chunk_empty,
						"192.0.2.7", &reply), GETCERTD_RADIUS_ACCEPT);
	ck_assert_str_eq(reply.message, "Welcome");
	ck_assert(!reply.state.ptr);
	getcertd_radius_reply_free(&reply);
	ck_assert_int_eq(radius->authenticate(radius, "carol",
						chunk_from_str("wrong"), chunk_empty, NULL, &reply),
					 GETCERTD_RADIUS_REJECT);
	ck_assert_str_eq(reply.message, "Wrong password");
	getcertd_radius_reply_free(&reply);

	radius->destroy(radius);
	fs_stop(fs);
	ck_assert_int_eq(fs->requests, 2);
	ck_assert_int_eq(fs->good_requests, 2);
	/* what the server saw */
	ck_assert(t_request_ma_ok(fs->first, chunk_from_str("s3cret")));
	ck_assert(t_find(fs->first, 32, 0, &value));
	ck_assert_chunk_eq(value, chunk_from_str("getcertd-test"));
	ck_assert(t_find(fs->first, 31, 0, &value));
	ck_assert_chunk_eq(value, chunk_from_str("192.0.2.7"));
	ck_assert(!t_find(fs->last, 31, 0, &value));
	ck_assert(!memmem(fs->first.ptr, fs->first.len, "carol-pw", 8));
	ck_assert(!chunk_equals(chunk_create(fs->first.ptr + 4, 16),
							chunk_create(fs->last.ptr + 4, 16)));
	fs_destroy(fs);
}
END_TEST

START_TEST(test_client_invalid_first)
{
	getcertd_radius_reply_t reply;
	getcertd_radius_t *radius;
	fake_server_t *fs;

	fs = fs_start(FS_INVALID_FIRST, "s3cret");
	radius = client(fs->port, "s3cret", 0, NULL, 1000, 0);

	gt_log_start();
	ck_assert_int_eq(radius->authenticate(radius, "carol",
						chunk_from_str("carol-pw"), chunk_empty, NULL,
						&reply), GETCERTD_RADIUS_REJECT);
	ck_assert_str_eq(reply.message, "the valid one");
	getcertd_radius_reply_free(&reply);
	ck_assert(gt_log_contains("without Message-Authenticator"));
	ck_assert(gt_log_contains("invalid Message-Authenticator"));
	ck_assert(gt_log_contains("invalid Response Authenticator"));
	ck_assert(gt_log_contains("Identifier"));
	ck_assert(!gt_log_contains("carol-pw"));
	gt_log_stop();

	radius->destroy(radius);
	fs_stop(fs);
	ck_assert_int_eq(fs->requests, 1);
	ck_assert_int_eq(fs->invalid_sent, 5);
	fs_destroy(fs);
}
END_TEST

START_TEST(test_client_invalid_only)
{
	getcertd_radius_reply_t reply;
	getcertd_radius_t *radius;
	fake_server_t *fs;
	timeval_t start;
	int ms;

	/* 100 ms + 200 ms, forged replies must not end the waits early */
	fs = fs_start(_i ? FS_OTHER_PORT : FS_INVALID_ONLY, "s3cret");
	radius = client(fs->port, "s3cret", 0, NULL, 100, 1);

	time_monotonic(&start);
	ck_assert_int_eq(radius->authenticate(radius, "carol",
						chunk_from_str("carol-pw"), chunk_empty, NULL,
						&reply), GETCERTD_RADIUS_TIMEOUT);
	ms = ms_since(&start);
	ck_assert(!reply.message && !reply.state.ptr);
	ck_assert_msg(ms >= 295 && ms < 1000, "took %d ms", ms);

	radius->destroy(radius);
	fs_stop(fs);
	ck_assert_int_eq(fs->requests, 2);
	/* retransmissions are identical */
	ck_assert_chunk_eq(fs->first, fs->last);
	fs_destroy(fs);
}
END_TEST

START_TEST(test_client_failover)
{
	getcertd_radius_reply_t reply;
	getcertd_radius_t *radius;
	fake_server_t *silent, *fs;
	timeval_t start;
	int ms;

	silent = fs_start(FS_SILENT, "first");
	fs = fs_start(FS_PASSWORD, "second");
	/* first server: 100 + 200 + 400 ms */
	radius = client(silent->port, "first", fs->port, "second", 100, 2);

	time_monotonic(&start);
	ck_assert_int_eq(radius->authenticate(radius, "carol",
						chunk_from_str("carol-pw"), chunk_empty, NULL,
						&reply), GETCERTD_RADIUS_ACCEPT);
	ms = ms_since(&start);
	getcertd_radius_reply_free(&reply);
	ck_assert_msg(ms >= 695 && ms < 1500, "took %d ms", ms);

	radius->destroy(radius);
	fs_stop(silent);
	fs_stop(fs);
	ck_assert_int_eq(silent->requests, 3);
	ck_assert_int_eq(silent->good_requests, 3);
	ck_assert_chunk_eq(silent->first, silent->last);
	ck_assert_int_eq(fs->requests, 1);
	ck_assert_int_eq(fs->good_requests, 1);
	/* each server gets its own Request Authenticator */
	ck_assert(!chunk_equals(chunk_create(silent->first.ptr + 4, 16),
							chunk_create(fs->first.ptr + 4, 16)));
	fs_destroy(silent);
	fs_destroy(fs);
}
END_TEST

START_TEST(test_client_unreachable)
{
	getcertd_radius_reply_t reply;
	getcertd_radius_t *radius;
	fake_server_t *fs;
	uint16_t closed;
	timeval_t start;
	int ms;

	/* nobody listens on the first port: ICMP errors don't end the wait
	 * either, anybody could send them */
	close(fs_socket(&closed));
	fs = fs_start(FS_PASSWORD, "second");
	radius = client(closed, "first", fs->port, "second", 100, 1);

	time_monotonic(&start);
	ck_assert_int_eq(radius->authenticate(radius, "carol",
						chunk_from_str("carol-pw"), chunk_empty, NULL,
						&reply), GETCERTD_RADIUS_ACCEPT);
	ms = ms_since(&start);
	getcertd_radius_reply_free(&reply);
	ck_assert_msg(ms >= 295 && ms < 1200, "took %d ms", ms);
	radius->destroy(radius);
	fs_destroy(fs);
}
END_TEST

START_TEST(test_client_timeout)
{
	getcertd_radius_reply_t reply;
	getcertd_radius_t *radius;
	fake_server_t *a, *b;
	timeval_t start;
	int ms;

	a = fs_start(FS_SILENT, "a");
	b = fs_start(FS_SILENT, "b");
	radius = client(a->port, "a", b->port, "b", 100, 0);

	time_monotonic(&start);
	ck_assert_int_eq(radius->authenticate(radius, "carol",
						chunk_from_str("carol-pw"), chunk_empty, NULL,
						&reply), GETCERTD_RADIUS_TIMEOUT);
	ms = ms_since(&start);
	ck_assert_msg(ms >= 195 && ms < 800, "took %d ms", ms);
	radius->destroy(radius);
	fs_stop(a);
	fs_stop(b);
	ck_assert_int_eq(a->requests, 1);
	ck_assert_int_eq(b->requests, 1);
	fs_destroy(a);
	fs_destroy(b);
}
END_TEST

START_TEST(test_client_challenge)
{
	getcertd_radius_reply_t reply, second;
	getcertd_radius_t *radius;
	fake_server_t *fs;

	fs = fs_start(FS_CHALLENGE, "s3cret");
	radius = client(fs->port, "s3cret", 0, NULL, 1000, 0);

	ck_assert_int_eq(radius->authenticate(radius, "carol",
						chunk_from_str("carol-pw"), chunk_empty, NULL,
						&reply), GETCERTD_RADIUS_CHALLENGE);
	ck_assert_str_eq(reply.message, "Enter the code sent to carol");
	ck_assert_chunk_eq(reply.state, chunk_from_str(CHALLENGE_STATE));

	ck_assert_int_eq(radius->authenticate(radius, "carol",
						chunk_from_str("123456"), reply.state, NULL,
						&second), GETCERTD_RADIUS_ACCEPT);
	ck_assert(!second.message && !second.state.ptr);
	ck_assert_int_eq(radius->authenticate(radius, "carol",
						chunk_from_str("654321"), reply.state, NULL,
						&second), GETCERTD_RADIUS_REJECT);
	getcertd_radius_reply_free(&reply);

	radius->destroy(radius);
	fs_stop(fs);
	ck_assert_int_eq(fs->requests, 3);
	ck_assert_int_eq(fs->with_state, 2);
	fs_destroy(fs);
}
END_TEST

/**
 * Concurrent callers
 */
#define CONCURRENT_THREADS 8
#define CONCURRENT_CALLS 10

static void *concurrent_run(getcertd_radius_t *radius)
{
	getcertd_radius_reply_t reply;
	uintptr_t good = 0;
	int i;

	for (i = 0; i < CONCURRENT_CALLS; i++)
	{
		if (radius->authenticate(radius, "carol",
					chunk_from_str(i % 2 ? "carol-pw" : "wrong"), chunk_empty,
					NULL, &reply) ==
			(i % 2 ? GETCERTD_RADIUS_ACCEPT : GETCERTD_RADIUS_REJECT))
		{
			good++;
		}
		getcertd_radius_reply_free(&reply);
	}
	return (void*)good;
}

START_TEST(test_client_concurrent)
{
	thread_t *threads[CONCURRENT_THREADS];
	getcertd_radius_t *radius;
	fake_server_t *fs;
	uintptr_t good = 0;
	int i;

	fs = fs_start(FS_PASSWORD, "s3cret");
	radius = client(fs->port, "s3cret", 0, NULL, 2000, 1);
	for (i = 0; i < CONCURRENT_THREADS; i++)
	{
		threads[i] = thread_create((thread_main_t)concurrent_run, radius);
		ck_assert(threads[i]);
	}
	for (i = 0; i < CONCURRENT_THREADS; i++)
	{
		good += (uintptr_t)threads[i]->join(threads[i]);
	}
	ck_assert_int_eq(good, CONCURRENT_THREADS * CONCURRENT_CALLS);
	radius->destroy(radius);
	fs_stop(fs);
	ck_assert_int_eq(fs->requests, CONCURRENT_THREADS * CONCURRENT_CALLS);
	fs_destroy(fs);
}
END_TEST

START_TEST(test_client_invalid_args)
{
	getcertd_radius_server_t ok = { "127.0.0.1", 0, chunk_from_str("s") };
	getcertd_radius_server_t no_secret = { "127.0.0.1", 1812, chunk_empty };
	getcertd_radius_server_t no_addr = { NULL, 1812, chunk_from_str("s") };
	getcertd_radius_reply_t reply;
	getcertd_radius_t *radius;
	char pw[129];

	ck_assert(!getcertd_radius_create(&ok, 0, "nas", 100, 1, 2.0));
	ck_assert(!getcertd_radius_create(NULL, 1, "nas", 100, 1, 2.0));
	ck_assert(!getcertd_radius_create(&no_secret, 1, "nas", 100, 1, 2.0));
	ck_assert(!getcertd_radius_create(&no_addr, 1, "nas", 100, 1, 2.0));
	ck_assert(!getcertd_radius_create(&ok, 1, NULL, 100, 1, 2.0));
	ck_assert(!getcertd_radius_create(&ok, 1, "", 100, 1, 2.0));
	ck_assert(!getcertd_radius_create(&ok, 1, "nas", 0, 1, 2.0));
	ck_assert(!getcertd_radius_create(&ok, 1, "nas", 100, 1, 0.5));

	radius = getcertd_radius_create(&ok, 1, "nas", 100, 0, 1.0);
	ck_assert(radius);
	memset(pw, 'p', sizeof(pw));
	ck_assert_int_eq(radius->authenticate(radius, "carol",
						chunk_from_thing(pw), chunk_empty, NULL, &reply),
					 GETCERTD_RADIUS_ERROR);
	ck_assert_int_eq(radius->authenticate(radius, "",
						chunk_from_str("pw"), chunk_empty, NULL, &reply),
					 GETCERTD_RADIUS_ERROR);
	ck_assert_int_eq(radius->authenticate(radius, NULL,
						chunk_from_str("pw"), chunk_empty, NULL, &reply),
					 GETCERTD_RADIUS_ERROR);
	ck_assert(!reply.message && !reply.state.ptr);
	radius->destroy(radius);
}
END_TEST

Suite *radius_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("RADIUS client");

	tc = tcase_create("Access-Request");
	tcase_add_test(tc, test_reference_vectors);
	tcase_add_test(tc, test_request_rfc2865);
	tcase_add_test(tc, test_request_password_lengths);
	tcase_add_test(tc, test_request_state);
	suite_add_tcase(s, tc);

	tc = tcase_create("reply verification");
	tcase_add_test(tc, test_reply_accept);
	tcase_add_test(tc, test_reply_reject);
	tcase_add_test(tc, test_reply_challenge);
	tcase_add_test(tc, test_reply_padding);
	tcase_add_test(tc, test_reply_rfc2865_no_ma);
	tcase_add_loop_test(tc, test_reply_invalid, 0, countof(invalid));
	tcase_add_test(tc, test_reply_sanitize);
	tcase_add_test(tc, test_reply_message_limit);
	suite_add_tcase(s, tc);

	tc = tcase_create("client");
	tcase_set_timeout(tc, 10);
	tcase_add_checked_fixture(tc, NULL, teardown_servers);
	tcase_add_test(tc, test_client_accept);
	tcase_add_test(tc, test_client_invalid_first);
	tcase_add_loop_test(tc, test_client_invalid_only, 0, 2);
	tcase_add_test(tc, test_client_failover);
	tcase_add_test(tc, test_client_unreachable);
	tcase_add_test(tc, test_client_timeout);
	tcase_add_test(tc, test_client_challenge);
	tcase_add_test(tc, test_client_concurrent);
	tcase_add_test(tc, test_client_invalid_args);
	suite_add_tcase(s, tc);

	return s;
}

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
 * libFuzzer target: getcertd_radius_verify_reply() on a RADIUS reply to an
 * Access-Request with a fixed Identifier, Request Authenticator and
 * shared secret.
 *
 * The first input byte holds flags, the rest is the datagram:
 *  - bit 0: before verifying, fill in valid authenticators (the first
 *    Message-Authenticator found, then the Response Authenticator) over
 *    the packet up to its Length, so the fuzzer gets past the MD5 and
 *    HMAC-MD5 checks and into the parsing of authentic replies
 *  - bit 1: expect the Identifier the packet carries, else the fixed one
 * A valid reply is also verified with another Identifier and another
 * secret, which must fail.
 */

#include "fuzz_common.h"

#include <getcertd_radius.h>

#include <crypto/hashers/hasher.h>
#include <crypto/prfs/prf.h>

#define FLAG_FIXUP 0x01
#define FLAG_ANY_ID 0x02

#define FIXED_ID 0x5a

static chunk_t secret = { (u_char*)"fuzz-secret", 11 };
static chunk_t other_secret = { (u_char*)"fuzz-secreT", 11 };
static chunk_t ra = chunk_from_chars(
	0x10, 0x21, 0x32, 0x43, 0x54, 0x65, 0x76, 0x87,
	0x98, 0xa9, 0xba, 0xcb, 0xdc, 0xed, 0xfe, 0x0f);

static hasher_t *md5;
static prf_t *hmac;

/**
 * Fill in the Message-Authenticator (first attribute 80 of length 18, if
 * any) and the Response Authenticator of packet[0..Length), leniently
 */
static void fixup(chunk_t packet)
{
	size_t len, pos, ma = 0;
	uint8_t mac[HASH_SIZE_MD5];

	if (packet.len < 20)
	{
		return;
	}
	len = min(untoh16(packet.ptr + 2), packet.len);
	if (len < 20)
	{
		return;
	}
	for (pos = 20; pos + 2 <= len && packet.ptr[pos + 1] >= 2;
		 pos += packet.ptr[pos + 1])
	{
		if (packet.ptr[pos] == 80 && packet.ptr[pos + 1] == 18 &&
			pos + 18 <= len)
		{
			ma = pos + 2;
			break;
		}
	}
	memcpy(packet.ptr + 4, ra.ptr, 16);
	if (ma)
	{
		memset(packet.ptr + ma, 0, 16);
		if (!hmac->get_bytes(hmac, chunk_create(packet.ptr, len), mac))
		{
			abort();
		}
		memcpy(packet.ptr + ma, mac, 16);
	}
	if (!md5->get_hash(md5, chunk_create(packet.ptr, len), NULL) ||
		!md5->get_hash(md5, secret, mac))
	{
		abort();
	}
	memcpy(packet.ptr + 4, mac, 16);
}

/**
 * A reply with valid authenticators: Message-Authenticator first, then
 * attrs; flags byte in front
 */
static chunk_t build_seed(uint8_t flags, uint8_t code, uint8_t id,
						  chunk_t attrs)
{
	chunk_t seed;

	seed = chunk_cat("ccccc", chunk_from_chars(flags, code, id, 0, 0),
					 ra, chunk_from_chars(80, 18), chunk_from_chars(
						0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
					 attrs);
	htoun16(seed.ptr + 3, seed.len - 1);
	fixup(chunk_skip(seed, 1));
	return seed;
}

static void write_seeds(char *dir)
{
	chunk_t seed;

	fuzz_write_seed_free(dir, "accept", build_seed(0, 2, FIXED_ID,
		chunk_from_chars(18, 9, 'W', 'e', 'l', 'c', 'o', 'm', 'e')));
	fuzz_write_seed_free(dir, "reject", build_seed(0, 3, FIXED_ID,
		chunk_from_chars(18, 16, 'W', 'r', 'o', 'n', 'g', ' ', 'p', 'a',
						 's', 's', 'w', 'o', 'r', 'd')));
	fuzz_write_seed_free(dir, "challenge", build_seed(0, 11, FIXED_ID,
		chunk_from_chars(18, 8, 'E', 'n', 't', 'e', 'r', ' ',
						 24, 9, 's', 't', '-', '4', '7', '1', '1',
						 18, 10, 't', 'h', 'e', ' ', 'c', 'o', 'd', 'e',
						 6, 6, 0, 0, 0, 8)));
	/* UTF-8 split between two Reply-Messages, controls, a stray byte */
	fuzz_write_seed_free(dir, "utf8", build_seed(FLAG_FIXUP, 3, FIXED_ID,
		chunk_from_chars(18, 9, 'G', 'r', 0xc3, 0xbc, 'e', 'z', 'i',
						 18, 8, 0xe2, 0x82, 0xac, '\r', '\n', 0x01,
						 18, 5, 0xc0, 0xaf, 0xff)));
	/* authenticators to be filled in, another Identifier */
	seed = build_seed(FLAG_FIXUP | FLAG_ANY_ID, 2, 0x17,
					  chunk_from_chars(1, 7, 'c', 'a', 'r', 'o', 'l'));
	memset(seed.ptr + 5, 0, 16);
	fuzz_write_seed_free(dir, "fixup", seed);
	/* Message-Authenticator last */
	seed = chunk_cat("cccc", chunk_from_chars(FLAG_FIXUP, 2, FIXED_ID, 0, 0),
					 ra, chunk_from_chars(18, 4, 'o', 'k', 80, 18),
					 chunk_from_chars(0, 0, 0, 0, 0, 0, 0, 0,
									  0, 0, 0, 0, 0, 0, 0, 0));
	htoun16(seed.ptr + 3, seed.len - 1);
	fuzz_write_seed_free(dir, "ma-last", seed);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_init("fuzz_radius");
	md5 = lib->crypto->create_hasher(lib->crypto, HASH_MD5);
	hmac = lib->crypto->create_prf(lib->crypto, PRF_HMAC_MD5);
	if (!md5 || !hmac || !hmac->set_key(hmac, secret))
	{
		fprintf(stderr, "fuzz: MD5 or HMAC-MD5 not available\n");
		abort();
	}
	fuzz_seeds(write_seeds);
	return 0;
}

/**
 * Check what a successful verification returned
 */
static void check_reply(getcertd_radius_result_t result,
						getcertd_radius_reply_t *reply)
{
	size_t len, i;

	if (result != GETCERTD_RADIUS_ACCEPT && result != GETCERTD_RADIUS_REJECT &&
		result != GETCERTD_RADIUS_CHALLENGE)
	{
		abort();
	}
	if (reply->state.len && result != GETCERTD_RADIUS_CHALLENGE)
	{
		abort();
	}
	fuzz_touch(reply->state);
	if (reply->message)
	{
		len = strlen(reply->message);
		if (len > GETCERTD_RADIUS_MAX_MESSAGE)
		{
			abort();
		}
		for (i = 0; i < len; i++)
		{	/* no C0 controls or DEL; C1 would be 0xc2 0x80-0x9f */
			uint8_t c = reply->message[i];

			if (c < 0x20 || c == 0x7f ||
				(c == 0xc2 && i + 1 < len &&
				 (uint8_t)reply->message[i + 1] < 0xa0))
			{
				abort();
			}
		}
		fuzz_touch(chunk_create((u_char*)reply->message, len));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	getcertd_radius_reply_t reply, again;
	getcertd_radius_result_t result;
	chunk_t packet;
	uint8_t flags, id = FIXED_ID;

	if (!size)
	{
		return 0;
	}
	flags = data[0];
	/* exactly sized heap copy, so ASan sees any read past the end */
	packet = chunk_clone(chunk_create((u_char*)data + 1, size - 1));
	if (flags & FLAG_FIXUP)
	{
		fixup(packet);
	}
	if ((flags & FLAG_ANY_ID) && packet.len >= 2)
	{
		id = packet.ptr[1];
	}
	result = getcertd_radius_verify_reply(packet, id, ra, secret, &reply);
	if (fuzz_debug)
	{
		fprintf(stderr, "result %s, state of %zu bytes, message '%s'\n",
				enum_to_name(getcertd_radius_result_names, result),
				reply.state.len, reply.message ?: "(none)");
	}
	if (result == GETCERTD_RADIUS_ERROR)
	{
		if (reply.message || reply.state.ptr)
		{	/* nothing may be returned with an invalid packet */
			abort();
		}
	}
	else
	{
		check_reply(result, &reply);
		/* valid for this request only */
		if (getcertd_radius_verify_reply(packet, id + 1, ra, secret,
										 &again) != GETCERTD_RADIUS_ERROR ||
			getcertd_radius_verify_reply(packet, id, ra, other_secret,
										 &again) != GETCERTD_RADIUS_ERROR)
		{
			abort();
		}
	}
	getcertd_radius_reply_free(&reply);
	chunk_free(&packet);
	return 0;
}

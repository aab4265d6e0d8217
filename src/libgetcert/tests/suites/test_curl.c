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

#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <threading/thread.h>

#include <getcert_curl.h>
#include <getcert_test_certs.h>

/**
 * A listening socket on 127.0.0.1 that never accepts (the kernel completes
 * the handshake, nobody answers), and its URL
 */
static int mute_server(char *url, size_t len)
{
	struct sockaddr_in addr = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	socklen_t addrlen = sizeof(addr);
	int fd;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert(fd >= 0);
	ck_assert(bind(fd, (struct sockaddr*)&addr, sizeof(addr)) == 0);
	ck_assert(listen(fd, 4) == 0);
	ck_assert(getsockname(fd, (struct sockaddr*)&addr, &addrlen) == 0);
	snprintf(url, len, "http://127.0.0.1:%u/scep", ntohs(addr.sin_port));
	return fd;
}

/**
 * Cancel a transport after a moment, from another thread
 */
static void *cancel_later(getcert_transport_t *transport)
{
	usleep(300000);
	transport->cancel(transport);
	return NULL;
}

START_TEST(test_cancel_in_transfer)
{
	getcert_curl_params_t params = {
		.allow_http = TRUE,
		.connect_timeout = 30,
		.timeout = 30,
		.low_speed_time = 30,
		.max_size = 1024,
	};
	getcert_curl_t *curl;
	thread_t *thread;
	timeval_t start, end;
	chunk_t body = chunk_empty;
	char url[64];
	int fd;

	fd = mute_server(url, sizeof(url));
	params.url = url;
	curl = getcert_curl_create(&params);
	ck_assert(curl);
	thread = thread_create((thread_main_t)cancel_later, &curl->transport);
	time_monotonic(&start);
	/* libcurl waits for an answer, the progress callback aborts it */
	ck_assert_int_eq(curl->transport.request(&curl->transport, "GetCACaps",
								chunk_empty, FALSE, &body, NULL),
					 GETCERT_ERR_CANCELLED);
	time_monotonic(&end);
	thread->join(thread);
	ck_assert(!body.len);
	ck_assert(end.tv_sec - start.tv_sec < 5);
	/* later requests fail at once */
	ck_assert_int_eq(curl->transport.request(&curl->transport, "GetCACaps",
								chunk_empty, FALSE, &body, NULL),
					 GETCERT_ERR_CANCELLED);
	ck_assert_int_eq(curl->get_requests(curl), 1);
	curl->transport.destroy(&curl->transport);
	close(fd);
}
END_TEST

/**
 * Credential callback counting its calls
 */
static int cb_calls;

static bool credential_cb(void *data, identification_t *user,
						  char *challenge, u_int attempt, chunk_t *secret)
{
	cb_calls++;
	*secret = chunk_clone(chunk_from_str("s3cr3t"));
	return TRUE;
}

/**
 * Whether a transport with these parameters sends the password ahead
 */
static bool preauth(char *url, certificate_t *ca, char *pin, bool preemptive)
{
	identification_t *user;
	getcert_curl_params_t params = {
		.url = url,
		.ca_cert = ca,
		.tls_pin = pin,
		.allow_http = TRUE,
		.cb = credential_cb,
		.connect_timeout = 5,
		.timeout = 5,
		.low_speed_time = 5,
		.max_size = 1024,
		.max_tries = 1,
		.max_rounds = 1,
		.preemptive_auth = preemptive,
	};
	getcert_curl_t *curl;
	bool sent;

	user = identification_create_from_string("carol");
	params.user = user;
	curl = getcert_curl_create(&params);
	ck_assert(curl);
	sent = curl->transport.preauth(&curl->transport);
	curl->transport.destroy(&curl->transport);
	user->destroy(user);
	return sent;
}

START_TEST(test_preauth_conditions)
{
	private_key_t *key;
	certificate_t *ca;
	char *pin;

	key = gt_key();
	ca = gt_cert(key, "CN=Test CA", NULL, NULL, NULL, TRUE, 600);
	pin = getcert_curl_parse_pin("sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
								 "AAAAAAAA=");
	ck_assert(pin);
	cb_calls = 0;
	/* never over plain HTTP, whatever is pinned */
	ck_assert(!preauth("http://127.0.0.1/scep", ca, NULL, TRUE));
	/* never to a server nothing authenticates yet (fingerprint-only CA) */
	ck_assert(!preauth("https://127.0.0.1/scep", NULL, NULL, TRUE));
	/* never when not configured */
	ck_assert(!preauth("https://127.0.0.1/scep", ca, NULL, FALSE));
	ck_assert_int_eq(cb_calls, 0);
	/* over HTTPS anchored to the CA or pinned: the password is taken (the
	 * request then goes only after the handshake verified the server) */
	ck_assert(preauth("https://127.0.0.1/scep", ca, NULL, TRUE));
	ck_assert_int_eq(cb_calls, 1);
	ck_assert(preauth("https://127.0.0.1/scep", NULL, pin, TRUE));
	ck_assert_int_eq(cb_calls, 2);
	free(pin);
	ca->destroy(ca);
	key->destroy(key);
}
END_TEST

Suite *curl_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("curl");

	tc = tcase_create("cancel");
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_cancel_in_transfer);
	suite_add_tcase(s, tc);

	tc = tcase_create("pre-emptive password");
	tcase_add_test(tc, test_preauth_conditions);
	suite_add_tcase(s, tc);

	return s;
}

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

Suite *curl_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("curl");

	tc = tcase_create("cancel");
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_cancel_in_transfer);
	suite_add_tcase(s, tc);

	return s;
}

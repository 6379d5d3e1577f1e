/*
 * Tests of agt_imds: IMDSv2 tokens (their TTLs, their use, expiry and
 * checks, a restart with the same or another secret, the token strings
 * themselves), the endpoint disabled, X-Forwarded-For on the token PUT,
 * methods, and malformed or oversized requests sent on raw sockets.
 * Fixtures: agt_imds_test.h.
 */
#include <unistd.h>

#include "agt_imds_test.h"

#include "mc_buf.h"
#include "mc_cleanup.h"

static void
test_token_ttl(void **state)
{
	static const struct {
		const char	*ttl;	/* NULL: no header */
		long		 status;
	} cases[] = {
		{ "1", 200 }, { "21600", 200 }, { "60", 200 }, { "00060", 200 },
		{ NULL, 400 }, { "", 400 }, { "0", 400 }, { "21601", 400 },
		{ "-1", 400 }, { "+5", 400 }, { "1e3", 400 }, { "5x", 400 },
		{ "abc", 400 }, { "999999999999999999999", 400 },
		{ "000060", 400 }, { "6 0", 400 }, { "0x10", 400 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < MC_NELEMS(cases); i++) {
		if (put_token(cases[i].ttl) != cases[i].status)
			fail_msg("ttl \"%s\" answers %ld",
			    cases[i].ttl != NULL ? cases[i].ttl : "(none)",
			    R.status);
		if (cases[i].status != 200)
			continue;
		assert_true(R.body.len > 0);
		assert_int_equal(strtol(resp_header(
		    "X-aws-ec2-metadata-token-ttl-seconds"), NULL, 10),
		    strtol(cases[i].ttl, NULL, 10));
		assert_string_equal(resp_header("Content-Type"), "text/plain");
	}
	/* A trailing slash on the token path is accepted too. */
	assert_int_equal(call("PUT", AGT_IMDS_TOKEN_PATH "/",
	    "X-aws-ec2-metadata-token-ttl-seconds: 5", NULL), 200);
}

static void
test_token_use(void **state)
{
	char	copy[sizeof(token)];

	(void)state;
	/* IMDSv1 works while tokens are optional. */
	assert_int_equal(get("/latest/meta-data/instance-id"), 200);
	assert_null(resp_header("X-aws-ec2-metadata-token-ttl-seconds"));
	take_token("60");
	assert_int_equal(get("/latest/meta-data/instance-id"), 200);
	assert_body("i-0123456789abcdef0");
	assert_string_equal(resp_header("X-aws-ec2-metadata-token-ttl-seconds"),
	    "60");
	/* Just before the end it works; at the end it does not. */
	now_ms = T0_MS + 59999;
	assert_int_equal(get("/latest/meta-data/instance-id"), 200);
	assert_string_equal(resp_header("X-aws-ec2-metadata-token-ttl-seconds"),
	    "1");
	now_ms = T0_MS + 60000;
	assert_int_equal(get("/latest/meta-data/instance-id"), 401);
	assert_null(resp_header("X-aws-ec2-metadata-token-ttl-seconds"));
	/* A clock set back 7 hours sees a token it could not have made. */
	now_ms = T0_MS - 7 * 3600 * 1000LL;
	assert_int_equal(get("/latest/meta-data/instance-id"), 401);
	now_ms = T0_MS;
	/* A token sent is checked even when none is required. */
	memcpy(copy, token, sizeof(copy));
	token[5] = token[5] == 'A' ? 'B' : 'A';
	assert_int_equal(get("/latest/meta-data/instance-id"), 401);
	assert_int_equal(call("GET", "/latest/meta-data/",
	    "X-aws-ec2-metadata-token;", NULL), 401);
	assert_int_equal(call("GET", "/latest/meta-data/",
	    "X-aws-ec2-metadata-token: garbage", NULL), 401);
	/* Another instance at the address: the token was not made for it. */
	memcpy(token, copy, sizeof(token));
	S(id, "i-0aaaaaaaaaaaaaaaa");
	assert_int_equal(get("/latest/meta-data/instance-id"), 401);
	S(id, "i-0123456789abcdef0");
	assert_int_equal(get("/latest/meta-data/instance-id"), 200);
	/* Tokens required: none is 401, a good one works. */
	tmpl.http_tokens_required = true;
	assert_int_equal(get("/latest/meta-data/instance-id"), 200);
	token[0] = '\0';
	assert_int_equal(get("/latest/meta-data/instance-id"), 401);
	assert_int_equal(get("/2009-04-04/meta-data/instance-id"), 401);
	assert_int_equal(get("/"), 401);
	/* The token PUT itself needs no token. */
	take_token("21600");
	assert_int_equal(get("/latest/meta-data/instance-id"), 200);
}

/* Tokens survive a restart with the same secret, not with another. */
static void
test_token_restart(void **state)
{
	(void)state;
	take_token("600");
	agt_imds_free(imds);
	imds = new_imds();
	listen_as(imds, LABEL_A, &port_a);
	now_ms += 1000;
	assert_int_equal(get("/latest/meta-data/instance-id"), 200);
	agt_imds_free(imds);
	secret[0] ^= 1;
	imds = new_imds();
	listen_as(imds, LABEL_A, &port_a);
	assert_int_equal(get("/latest/meta-data/instance-id"), 401);
}

static void
test_endpoint_disabled(void **state)
{
	static const char *const methods[] = { "GET", "HEAD", "PUT", "POST" };
	size_t i;

	(void)state;
	take_token("60");
	tmpl.http_endpoint_enabled = false;
	for (i = 0; i < MC_NELEMS(methods); i++)
		assert_int_equal(call(methods[i], "/latest/meta-data/", NULL,
		    NULL), 403);
	assert_int_equal(get("/latest/meta-data/instance-id"), 403);
	assert_int_equal(put_token("60"), 403);
	assert_int_equal(get("/"), 403);
}

static void
test_forwarded(void **state)
{
	(void)state;
	assert_int_equal(call("PUT", AGT_IMDS_TOKEN_PATH,
	    "X-aws-ec2-metadata-token-ttl-seconds: 60",
	    "X-Forwarded-For: 10.0.0.9"), 403);
	assert_int_equal(call("PUT", AGT_IMDS_TOKEN_PATH,
	    "X-aws-ec2-metadata-token-ttl-seconds: 60",
	    "x-forwarded-for;"), 403);
	/* Only the token PUT cares. */
	assert_int_equal(call("GET", "/latest/meta-data/instance-id",
	    "X-Forwarded-For: 10.0.0.9", NULL), 200);
}

static void
test_methods(void **state)
{
	static const struct {
		const char	*method, *path;
		long		 status;
		const char	*allow;
	} cases[] = {
		{ "POST", "/latest/meta-data/", 405, "GET, HEAD" },
		{ "DELETE", "/latest/meta-data/instance-id", 405, "GET, HEAD" },
		{ "PATCH", "/latest/user-data", 405, "GET, HEAD" },
		{ "OPTIONS", "/", 405, "GET, HEAD" },
		{ "FOO", "/latest/", 405, "GET, HEAD" },
		{ "get", "/latest/", 405, "GET, HEAD" },
		{ "PUT", "/latest/meta-data/", 405, "GET, HEAD" },
		{ "PUT", "/2021-03-23/api/token", 405, "GET, HEAD" },
		{ "GET", AGT_IMDS_TOKEN_PATH, 405, "PUT" },
		{ "HEAD", AGT_IMDS_TOKEN_PATH, 405, "PUT" },
		{ "POST", AGT_IMDS_TOKEN_PATH, 405, "PUT" },
		{ "HEAD", "/latest/meta-data/instance-id", 200, NULL },
	};
	size_t i;

	(void)state;
	for (i = 0; i < MC_NELEMS(cases); i++) {
		if (call(cases[i].method, cases[i].path, NULL, NULL) !=
		    cases[i].status)
			fail_msg("%s %s answers %ld", cases[i].method,
			    cases[i].path, R.status);
		if (cases[i].allow != NULL)
			assert_string_equal(resp_header("Allow"),
			    cases[i].allow);
	}
	/* HEAD: the headers of GET, no body. */
	assert_int_equal(call("HEAD", "/latest/meta-data/instance-id", NULL,
	    NULL), 200);
	assert_body("");
	assert_string_equal(resp_header("Content-Length"), "19");
}

static void
test_bad_requests(void **state)
{
	static const char *const garbage[] = {
		"\x01\x02\x03\r\n\r\n",
		"GET\r\n\r\n",
		"GET /latest/ HTTP/9.9\r\nHost: x\r\n\r\n",
		"GET /latest/ HTTP/1.1\r\nHost: x\r\nBad header\r\n\r\n",
		"GET latest HTTP/1.1\r\nHost: x\r\n\r\n",
		"PUT /latest/api/token HTTP/1.1\r\nHost: x\r\n"
		    "Content-Length: -5\r\n\r\n",
		"PUT /latest/api/token HTTP/1.1\r\nHost: x\r\n"
		    "Content-Length: 99999999999999999999999\r\n\r\n",
	};
	struct mc_buf	big;
	size_t		i;
	int		fd, status;

	(void)state;
	for (i = 0; i < MC_NELEMS(garbage); i++) {
		status = raw_once(garbage[i]);
		if (status == 200)
			fail_msg("garbage %zu answered 200", i);
	}
	/* HTTP/1.0 without Host is fine. */
	assert_int_equal(raw_once("GET /latest/meta-data/instance-id "
	    "HTTP/1.0\r\n\r\n"), 200);
	/* A small body on a GET is ignored. */
	assert_int_equal(raw_once("GET /latest/ HTTP/1.1\r\nHost: x\r\n"
	    "Content-Length: 5\r\n\r\nhello"), 200);
	/* A declared big body is refused before it is read. */
	assert_int_equal(raw_once("PUT /latest/api/token HTTP/1.1\r\nHost: x"
	    "\r\nContent-Length: 1000000\r\n\r\n"), 413);
	/* Huge headers and URLs are refused, not buffered. */
	mc_buf_init(&big, 0);
	mc_buf_adds(&big, "GET /latest/ HTTP/1.1\r\nHost: x\r\nX-Big: ");
	for (i = 0; i < 100000; i++)
		mc_buf_addc(&big, 'a');
	mc_buf_adds(&big, "\r\n\r\n");
	status = raw_once(big.data);
	assert_true(status == 0 || status >= 400);
	mc_buf_reset(&big);
	mc_buf_adds(&big, "GET /latest/");
	for (i = 0; i < 100000; i++)
		mc_buf_addc(&big, 'a');
	mc_buf_adds(&big, " HTTP/1.1\r\nHost: x\r\n\r\n");
	status = raw_once(big.data);
	assert_true(status == 0 || status >= 400);
	/* An endless chunked body is cut off. */
	fd = raw_connect(port_a, "127.0.0.1");
	mc_buf_reset(&big);
	mc_buf_adds(&big, "PUT /latest/api/token HTTP/1.1\r\nHost: x\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n");
	send_all(fd, big.data, big.len);
	mc_buf_reset(&big);
	mc_buf_adds(&big, "400\r\n");
	for (i = 0; i < 0x400; i++)
		mc_buf_addc(&big, 'x');
	mc_buf_adds(&big, "\r\n");
	for (i = 0; i < 64; i++)
		send_all(fd, big.data, big.len);
	assert_int_equal(raw_response(fd, &big), 0);
	(void)close(fd);
	mc_buf_clear(&big);
	/* After all that it still serves. */
	assert_int_equal(get("/latest/meta-data/instance-id"), 200);
}

static void
test_token_strings(void **state)
{
	static const char *const bad[] = {
		"", "A", "====", "AQAAAaIE0nbL7jLF2ZsiGnWu2vPKVNwrqm75iNWFtNwd"
		"G+wdY7Gmh6g=", "not base64 at all!",
		"AQAAAaIE0nbL 7jLF2ZsiGnWu2vPKVNwrqm75iNWFtNwdG+wdY7Gmh6g=",
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
		"AAAAAAAAAAAA",
	};
	char		tok[AGT_IMDS_TOKEN_MAX + 1], t2[AGT_IMDS_TOKEN_MAX + 1];
	int64_t		left = 0;
	size_t		i;

	(void)state;
	assert_int_equal(agt_imds_token_make(secret, "i-1", T0_MS + 1500, tok,
	    sizeof(tok)), 0);
	assert_int_equal(agt_imds_token_check(secret, "i-1", tok, T0_MS,
	    &left), 0);
	assert_int_equal(left, 2);	/* 1.5 s left rounds up */
	assert_int_equal(agt_imds_token_check(secret, "i-2", tok, T0_MS,
	    &left), -1);
	assert_int_equal(agt_imds_token_check(secret, "i-1", NULL, T0_MS,
	    &left), -1);
	for (i = 0; i < MC_NELEMS(bad); i++)
		assert_int_equal(agt_imds_token_check(secret, "i-1", bad[i],
		    T0_MS, &left), -1);
	/* Each changed character of a good token spoils it. */
	for (i = 0; tok[i] != '\0' && tok[i] != '='; i++) {
		memcpy(t2, tok, sizeof(t2));
		t2[i] = t2[i] == 'A' ? 'B' : 'A';
		assert_int_equal(agt_imds_token_check(secret, "i-1", t2, T0_MS,
		    &left), -1);
	}
	/* Too small a buffer, too long an id: refused, not overrun. */
	assert_int_equal(agt_imds_token_make(secret, "i-1", T0_MS, tok, 8), -1);
	memset(t2, 'i', sizeof(t2) - 1);
	t2[sizeof(t2) - 1] = '\0';
	assert_int_equal(agt_imds_token_make(secret, t2, T0_MS, tok,
	    sizeof(tok)), -1);
}

int
main(void)
{
#define T(f)	cmocka_unit_test_setup_teardown(f, imds_setup, imds_teardown)
	const struct CMUnitTest tests[] = {
		T(test_token_ttl),
		T(test_token_use),
		T(test_token_restart),
		T(test_endpoint_disabled),
		T(test_forwarded),
		T(test_methods),
		T(test_bad_requests),
		T(test_token_strings),
	};
	int rc;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}

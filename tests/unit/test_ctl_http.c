/*
 * Tests of ctl_http through a real libmicrohttpd listener on 127.0.0.1,
 * driven by libcurl: what the handler sees (raw query, headers, body),
 * the body limit, and bodies streamed to a sink (uploads): taken whole
 * past the limit, refused before they are read, dropped mid-way.
 */
#include <curl/curl.h>

#include "mc_test.h"

#include "mc_buf.h"
#include "mc_conf.h"
#include "mc_err.h"
#include "ctl_http.h"

#define LIMIT	1024

/* What the echo handler saw, read by the test after each request. */
static struct {
	char	method[16], path[256], query[256], body[LIMIT + 1];
	char	hdr_x[64];
	bool	too_large;
	size_t	n_hdrs;
} seen;

static void
echo(void *arg, const struct ctl_http_req *req, struct ctl_http_resp *resp)
{
	size_t i;

	(void)arg;
	memset(&seen, 0, sizeof(seen));
	(void)snprintf(seen.method, sizeof(seen.method), "%s", req->method);
	(void)snprintf(seen.path, sizeof(seen.path), "%s", req->path);
	(void)snprintf(seen.query, sizeof(seen.query), "%s", req->query);
	if (req->body != NULL)
		(void)snprintf(seen.body, sizeof(seen.body), "%.*s",
		    (int)req->body_len, req->body);
	for (i = 0; i < req->n_hdrs; i++)
		if (strcasecmp(req->hdrs[i].name, "X-Test") == 0)
			(void)snprintf(seen.hdr_x, sizeof(seen.hdr_x), "%s",
			    req->hdrs[i].value);
	seen.n_hdrs = req->n_hdrs;
	seen.too_large = req->too_large;
	resp->status = req->too_large ? 413 : 200;
	resp->content_type = "text/plain";
	resp->body = strdup("pong");
	resp->body_len = 4;
	(void)snprintf(resp->request_id, sizeof(resp->request_id), "rid-1");
}

static size_t
collect(char *p, size_t size, size_t n, void *arg)
{
	mc_buf_add(arg, p, size * n);
	return size * n;
}

/* Send one request; curl's result, and the status into *ret_status. */
static CURLcode
try_req(uint16_t port, const char *target, const char *post, size_t len,
    struct mc_buf *body, struct mc_buf *hdrs, long *ret_status)
{
	CURL			*c = curl_easy_init();
	struct curl_slist	*h = NULL;
	char			 url[512];
	CURLcode		 rc;

	(void)snprintf(url, sizeof(url), "http://127.0.0.1:%u%s", port, target);
	h = curl_slist_append(h, "X-Test:  spaced value ");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, body);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, hdrs);
	if (post != NULL) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, post);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)len);
	}
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, ret_status);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return rc;
}

/* Send one request; returns the status, fills body and headers. */
static long
send_req(uint16_t port, const char *target, const char *post, size_t len,
    struct mc_buf *body, struct mc_buf *hdrs)
{
	long status = 0;

	assert_int_equal(try_req(port, target, post, len, body, hdrs,
	    &status), CURLE_OK);
	return status;
}

static struct ctl_http *
start_with(int (*stream)(void *, const struct ctl_http_req *,
    struct ctl_http_sink *, struct ctl_http_resp *))
{
	struct ctl_http_opts	 o;
	struct ctl_http		*h = NULL;
	struct mc_err		 err = { 0 };

	memset(&o, 0, sizeof(o));
	assert_int_equal(mc_addr_parse("127.0.0.1:0", &o.addr, &err), 0);
	o.body_limit = LIMIT;
	o.threads = 2;
	o.conn_limit = 16;
	o.timeout_s = 5;
	o.stream = stream;
	assert_int_equal(ctl_http_start(&o, echo, NULL, &h, &err), 0);
	assert_true(ctl_http_port(h) > 0);
	return h;
}

static struct ctl_http *
start(void)
{
	return start_with(NULL);
}

static void
test_request_parts(void **state)
{
	struct ctl_http	*h = start();
	struct mc_buf	 body, hdrs;

	(void)state;
	mc_buf_init(&body, 0);
	mc_buf_init(&hdrs, 0);
	assert_int_equal(send_req(ctl_http_port(h), "/p%2Fx?a=%2F+b&c",
	    "k=v&x=%41", 9, &body, &hdrs), 200);
	assert_string_equal(seen.method, "POST");
	/* Raw, as sent: SigV4 depends on it. */
	assert_string_equal(seen.path, "/p%2Fx");
	assert_string_equal(seen.query, "a=%2F+b&c");
	assert_string_equal(seen.body, "k=v&x=%41");
	assert_string_equal(seen.hdr_x, "spaced value ");
	assert_false(seen.too_large);
	assert_string_equal(body.data, "pong");
	assert_non_null(strcasestr(hdrs.data, "\nx-amzn-RequestId: rid-1\r\n"));
	assert_non_null(strcasestr(hdrs.data, "\nDate: "));
	assert_non_null(strcasestr(hdrs.data, "\nContent-Type: text/plain"));

	mc_buf_reset(&body);
	assert_int_equal(send_req(ctl_http_port(h), "/", NULL, 0, &body,
	    &hdrs), 200);
	assert_string_equal(seen.method, "GET");
	assert_string_equal(seen.query, "");
	assert_string_equal(seen.body, "");
	mc_buf_clear(&body);
	mc_buf_clear(&hdrs);
	ctl_http_free(h);
}

static void
test_body_limit(void **state)
{
	struct ctl_http	*h = start();
	struct mc_buf	 body, hdrs;
	char		*big = malloc(LIMIT + 2);

	(void)state;
	memset(big, 'a', LIMIT + 1);
	big[LIMIT + 1] = '\0';
	mc_buf_init(&body, 0);
	mc_buf_init(&hdrs, 0);
	/* Exactly the limit passes; one byte more does not. */
	assert_int_equal(send_req(ctl_http_port(h), "/", big, LIMIT, &body,
	    &hdrs), 200);
	assert_false(seen.too_large);
	assert_int_equal(send_req(ctl_http_port(h), "/", big, LIMIT + 1, &body,
	    &hdrs), 413);
	assert_true(seen.too_large);
	/* The listener still serves afterwards. */
	assert_int_equal(send_req(ctl_http_port(h), "/", "x=1", 3, &body,
	    &hdrs), 200);
	free(big);
	mc_buf_clear(&body);
	mc_buf_clear(&hdrs);
	ctl_http_free(h);
}

/* The sink of the streaming tests: what it got, and how it ended. */
static struct {
	size_t	bytes;
	bool	ended, complete, handler_saw_ctx;
	int	ctx;
} sink;

static int
sink_write(void *ctx, const char *data, size_t len)
{
	(void)data;
	assert_ptr_equal(ctx, &sink.ctx);
	sink.bytes += len;
	/* "/drop" wants no more than the first piece. */
	return sink.ctx == 2 && sink.bytes > 0 ? -1 : 0;
}

static void
sink_end(void *ctx, bool complete)
{
	assert_ptr_equal(ctx, &sink.ctx);
	sink.ended = true;
	sink.complete = complete;
}

/* /up and /drop are streamed, /refuse answered at once, the rest read. */
static int
stream_hook(void *arg, const struct ctl_http_req *req,
    struct ctl_http_sink *ret, struct ctl_http_resp *resp)
{
	(void)arg;
	if (strcmp(req->path, "/refuse") == 0) {
		resp->status = 403;
		resp->content_type = "text/plain";
		resp->body = strdup("no");
		resp->body_len = 2;
		return -1;
	}
	if (strcmp(req->path, "/up") != 0 && strcmp(req->path, "/drop") != 0)
		return 0;
	assert_null(req->body);
	memset(&sink, 0, sizeof(sink));
	sink.ctx = strcmp(req->path, "/drop") == 0 ? 2 : 1;
	ret->ctx = &sink.ctx;
	ret->write = sink_write;
	ret->end = sink_end;
	return 1;
}

static void
test_stream(void **state)
{
	struct ctl_http	*h = start_with(stream_hook);
	struct mc_buf	 body, hdrs;
	size_t		 big_len = 64 * LIMIT + 7;	/* past the limit */
	char		*big = malloc(big_len);
	long		 status = 0;

	(void)state;
	memset(big, 'u', big_len);
	mc_buf_init(&body, 0);
	mc_buf_init(&hdrs, 0);
	/* Streamed whole, past body_limit; the handler sees no body. */
	assert_int_equal(send_req(ctl_http_port(h), "/up", big, big_len, &body,
	    &hdrs), 200);
	assert_int_equal(sink.bytes, big_len);
	assert_true(sink.ended && sink.complete);
	assert_string_equal(seen.path, "/up");
	assert_string_equal(seen.body, "");
	assert_false(seen.too_large);
	/* Refused from its head: answered, its body never read. */
	mc_buf_reset(&body);
	assert_int_equal(send_req(ctl_http_port(h), "/refuse", big, big_len,
	    &body, &hdrs), 403);
	assert_string_equal(body.data, "no");
	/* A sink that gives up drops the connection; no handler runs. */
	memset(&seen, 0, sizeof(seen));
	assert_int_not_equal(try_req(ctl_http_port(h), "/drop", big, big_len,
	    &body, &hdrs, &status), CURLE_OK);
	assert_true(sink.ended);
	assert_false(sink.complete);
	assert_string_equal(seen.path, "");
	/* Others are read as usual; the listener still serves. */
	assert_int_equal(send_req(ctl_http_port(h), "/", "x=1", 3, &body,
	    &hdrs), 200);
	assert_string_equal(seen.body, "x=1");
	free(big);
	mc_buf_clear(&body);
	mc_buf_clear(&hdrs);
	ctl_http_free(h);
}

static void
test_port_taken(void **state)
{
	struct ctl_http		*h = start(), *h2 = NULL;
	struct ctl_http_opts	 o;
	struct mc_err		 err = { 0 };

	(void)state;
	memset(&o, 0, sizeof(o));
	(void)snprintf(o.addr.host, sizeof(o.addr.host), "127.0.0.1");
	o.addr.port = ctl_http_port(h);
	o.body_limit = LIMIT;
	o.threads = 1;
	o.conn_limit = 4;
	o.timeout_s = 5;
	assert_int_equal(ctl_http_start(&o, echo, NULL, &h2, &err), -1);
	assert_null(h2);
	assert_non_null(strstr(err.msg, "Address already in use"));
	ctl_http_free(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_parts),
		cmocka_unit_test(test_body_limit),
		cmocka_unit_test(test_stream),
		cmocka_unit_test(test_port_taken),
	};
	int rc;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}

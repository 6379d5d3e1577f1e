/*
 * Tests of ami_http against a real libmicrohttpd server on 127.0.0.1:
 * redirects, refused protocols (also behind a redirect), the time
 * limit, and bad requests.  Resuming is covered by test_ami_cache.
 */
#include <curl/curl.h>

#include "ami_test.h"

#include "mc_cleanup.h"
#include "mc_err.h"
#include "ami_http.h"

#define IMG_SIZE	(64 * 1024)

struct fixture {
	char			*dir;
	char			 src[512], out[512];
	struct ami_test_srv	*srv;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->dir = mc_test_tmpdir();
	(void)snprintf(f->src, sizeof(f->src), "%s/src", f->dir);
	(void)snprintf(f->out, sizeof(f->out), "%s/out", f->dir);
	ami_test_write_file(f->src, IMG_SIZE);
	f->srv = ami_test_srv_start(f->src);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	ami_test_srv_stop(f->srv);
	mc_test_rmdir(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

static void
test_get_table(void **state)
{
	static const struct {
		const char		*path;	/* on the server, or a URL */
		enum ami_test_mode	 mode;
		long			 timeout_s;
		uint64_t		 max_bytes;
		const char		*want_msg;	/* NULL: success */
	} cases[] = {
		{ "/file", AMI_TEST_SERVE, 10, IMG_SIZE, NULL },
		{ "/redirect", AMI_TEST_SERVE, 10, IMG_SIZE, NULL },
		{ "/file", AMI_TEST_CHUNKED, 10, IMG_SIZE, NULL },
		{ "/loop", AMI_TEST_SERVE, 10, IMG_SIZE, "redirects" },
		{ "/tofile", AMI_TEST_SERVE, 10, IMG_SIZE, "only http and" },
		{ "file:///etc/passwd", AMI_TEST_SERVE, 10, IMG_SIZE,
		    "only http and" },
		{ "ftp://127.0.0.1/x", AMI_TEST_SERVE, 10, IMG_SIZE,
		    "only http and" },
		{ "/nothing", AMI_TEST_SERVE, 10, IMG_SIZE, "HTTP 404" },
		{ "/file", AMI_TEST_SERVE, 10, IMG_SIZE - 1, "larger than" },
		{ "/file", AMI_TEST_CHUNKED, 10, IMG_SIZE - 1, "larger than" },
		{ "/file", AMI_TEST_STALL, 1, IMG_SIZE, "Timeout" },
		{ "http://127.0.0.1:1/", AMI_TEST_SERVE, 10, IMG_SIZE,
		    "download failed" },
	};
	struct fixture	*f = *state;
	char		 url[256];
	size_t		 i;

	for (i = 0; i < MC_NELEMS(cases); i++) {
		struct ami_http_req	 req = {
			.url = url, .max_bytes = cases[i].max_bytes,
			.timeout_s = cases[i].timeout_s,
			.code = MC_EC_INVALID_PARAMETER_VALUE };
		struct mc_err		 err = { 0 };
		MC_AUTOCLOSE int	 fd = -1;
		MC_AUTOFREE char	*got = NULL;
		uint64_t		 size = 0;
		size_t			 n = 0;
		int			 rc;

		f->srv->mode = cases[i].mode;
		if (cases[i].path[0] == '/')
			ami_test_url(f->srv, cases[i].path, url, sizeof(url));
		else
			(void)snprintf(url, sizeof(url), "%s", cases[i].path);
		fd = open(f->out, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		assert_true(fd >= 0);
		rc = ami_http_get(&req, fd, &size, &err);
		if (cases[i].want_msg == NULL) {
			if (rc != 0)
				fail_msg("%s: %s", cases[i].path, err.msg);
			assert_int_equal(size, IMG_SIZE);
			got = mc_test_read(f->out, &n);
			assert_int_equal(n, IMG_SIZE);
			continue;
		}
		assert_int_equal(rc, -1);
		if (err.code != MC_EC_INVALID_PARAMETER_VALUE ||
		    strstr(err.msg, cases[i].want_msg) == NULL)
			fail_msg("%s: %d %s", cases[i].path, err.code, err.msg);
	}
}

/* The extra header reaches the server, once, as one line. */
static void
test_header(void **state)
{
	struct fixture		*f = *state;
	char			 url[256];
	struct ami_http_req	 req = { .url = url, .max_bytes = IMG_SIZE,
				    .timeout_s = 10,
				    .code = MC_EC_INTERNAL_ERROR };
	struct mc_err		 err = { 0 };
	MC_AUTOCLOSE int	 fd = open(f->out, O_RDWR | O_CREAT |
				    O_CLOEXEC, 0600);
	uint64_t		 size;

	ami_test_url(f->srv, "/file", url, sizeof(url));
	req.header = "Authorization: Bearer abc";
	assert_int_equal(ami_http_get(&req, fd, &size, &err), 0);
	assert_string_equal(f->srv->auth, "Bearer abc");

	req.header = "Authorization: Bearer abc\nX-Evil: 1";
	assert_int_equal(ami_http_get(&req, fd, &size, &err), -1);
	assert_int_equal(err.code, MC_EC_INTERNAL_ERROR);
	assert_int_equal(ami_test_requests(f->srv, NULL), 1);
}

static void
test_bad_requests(void **state)
{
	struct fixture		*f = *state;
	MC_AUTOCLOSE int	 fd = open(f->out, O_RDWR | O_CREAT |
				    O_CLOEXEC, 0600);
	struct ami_http_req	 req = { .url = "", .max_bytes = 10,
				    .timeout_s = 10,
				    .code = MC_EC_INVALID_PARAMETER_VALUE };
	struct mc_err		 err = { 0 };
	uint64_t		 size;

	assert_int_equal(ami_http_get(&req, fd, &size, &err), -1);
	assert_int_equal(err.code, MC_EC_INVALID_PARAMETER_VALUE);
	memset(&err, 0, sizeof(err));
	req.url = "http://127.0.0.1:1/";
	req.offset = 11;
	assert_int_equal(ami_http_get(&req, fd, &size, &err), -1);
	assert_int_equal(err.code, MC_EC_INTERNAL_ERROR);
	assert_int_equal(ami_test_requests(f->srv, NULL), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_get_table, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_header, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_requests, setup,
		    teardown),
	};
	int rc;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}

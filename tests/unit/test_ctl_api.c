/*
 * Tests of ctl_api_serve, the front door, on requests built in memory
 * and signed here: a good request, and the error paths whose replies a
 * real client cannot provoke (an internal failure must not leak its
 * details, and is the only 5xx besides throttling).
 */
#include <sqlite3.h>
#include <time.h>

#include "ctl_test.h"

#include "mc_buf.h"
#include "mc_conf.h"
#include "mc_time.h"
#include "ctl_account.h"
#include "ctl_api.h"
#include "ctl_conf.h"
#include "ctl_http.h"
#include "ctl_rate.h"
#include "ctl_sigv4.h"
#include "ctl_store.h"

struct fixture {
	char			*dir;
	struct ctl_conf		 conf;
	struct ctl_store	*store;
	struct ctl_api		 api;
	struct ctl_key		 key;
};

static int
setup(void **state)
{
	struct fixture		*f = calloc(1, sizeof(*f));
	struct ctl_account	 a;
	struct mc_err		 err = { 0 };
	enum mc_conf_verb	 verb;
	char			*argv[] = { "t", "--config", "/dev/null",
	    "--state-dir", NULL, NULL };

	f->dir = mc_test_tmpdir();
	argv[4] = f->dir;
	assert_int_equal(ctl_conf_load(&f->conf, 5, argv, &verb, NULL, &err),
	    0);
	assert_int_equal(ctl_store_open(f->dir, &f->store, &err), 0);
	assert_int_equal(ctl_account_create(f->store, "t", &a, &f->key, &err),
	    0);
	f->api.conf = &f->conf;
	f->api.store = f->store;
	f->api.rate = ctl_rate_new(0, 1);
	f->api.itypes = &f->conf.itypes;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	ctl_rate_free(f->api.rate);
	ctl_store_free(f->store);
	ctl_conf_clear(&f->conf);
	mc_test_rmdir(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

/* Serve body, signed with f's key now when sign is true. */
static void
serve(struct fixture *f, const char *body, bool sign,
    struct ctl_http_resp *resp)
{
	struct ctl_http_hdr	hh[4] = {
		{ "Host", "127.0.0.1:8773" },
		{ "Content-Type", "application/x-www-form-urlencoded" },
		{ "X-Amz-Date", "" },
		{ "Authorization", "" },
	};
	struct ctl_sigv4_hdr	sh[3];
	struct ctl_sigv4_cred	c;
	struct ctl_sigv4_msg	m;
	struct ctl_http_req	req;
	struct mc_buf		creq, sts;
	struct mc_err		err = { 0 };
	struct tm		tm;
	time_t			now = time(NULL);
	unsigned char		key[32];
	char			authz[1536];
	int			i;

	memset(&c, 0, sizeof(c));
	(void)gmtime_r(&now, &tm);
	(void)strftime(c.amz_date, sizeof(c.amz_date), "%Y%m%dT%H%M%SZ", &tm);
	memcpy(c.date, c.amz_date, 8);
	(void)snprintf(c.region, sizeof(c.region), "mc-1");
	(void)snprintf(c.service, sizeof(c.service), "ec2");
	(void)snprintf(c.signed_headers, sizeof(c.signed_headers),
	    "content-type;host;x-amz-date");
	hh[2].value = c.amz_date;
	for (i = 0; i < 3; i++)
		sh[i] = (struct ctl_sigv4_hdr){ hh[i].name, hh[i].value };
	m = (struct ctl_sigv4_msg){ "POST", "/", NULL, sh, 3, body,
	    strlen(body) };
	mc_buf_init(&creq, 0);
	mc_buf_init(&sts, 0);
	assert_int_equal(ctl_sigv4_canonical_request(&m, &c, &creq, &err), 0);
	ctl_sigv4_string_to_sign(&c, creq.data, creq.len, &sts);
	ctl_sigv4_signing_key(f->key.secret, c.date, c.region, c.service, key);
	ctl_sigv4_sign(key, sts.data, sts.len, c.signature);
	(void)snprintf(authz, sizeof(authz), "AWS4-HMAC-SHA256 Credential="
	    "%s/%s/mc-1/ec2/aws4_request, SignedHeaders=%s, Signature=%s",
	    f->key.id, c.date, c.signed_headers, c.signature);
	hh[3].value = authz;
	mc_buf_clear(&creq);
	mc_buf_clear(&sts);

	req = (struct ctl_http_req){ "POST", "/", "", hh, sign ? 4 : 2, body,
	    strlen(body), false, NULL, "127.0.0.1" };
	memset(resp, 0, sizeof(*resp));
	ctl_api_serve(&f->api, &req, resp);
}

static void
test_good_request(void **state)
{
	struct fixture		*f = *state;
	struct ctl_http_resp	 r;
	char			 rid[128];

	serve(f, "Action=DescribeRegions&Version=2016-11-15", true, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.content_type, "text/xml;charset=UTF-8");
	assert_non_null(strstr(r.body, "<DescribeRegionsResponse xmlns=\""
	    CTL_API_XMLNS "\"><requestId>"));
	(void)snprintf(rid, sizeof(rid), "<requestId>%s</requestId>",
	    r.request_id);
	assert_non_null(strstr(r.body, rid));
	assert_int_equal(strlen(r.body), r.body_len);
	free(r.body);
}

static void
test_unsigned(void **state)
{
	struct fixture		*f = *state;
	struct ctl_http_resp	 r;

	serve(f, "Action=DescribeRegions&Version=2016-11-15", false, &r);
	assert_int_equal(r.status, 403);
	assert_non_null(strstr(r.body, "<Code>MissingAuthenticationToken"
	    "</Code>"));
	free(r.body);
}

static void
test_internal_error_hides_details(void **state)
{
	struct fixture		*f = *state;
	struct ctl_http_resp	 r;
	struct mc_err		 err = { 0 };
	sqlite3			*db = ctl_store_get(f->store, &err);

	/* Break the store under the front door. */
	assert_int_equal(sqlite3_exec(db, "DROP TABLE access_keys", NULL, NULL,
	    NULL), SQLITE_OK);
	ctl_store_put(f->store, db);
	serve(f, "Action=DescribeRegions&Version=2016-11-15", true, &r);
	assert_int_equal(r.status, 500);
	assert_non_null(strstr(r.body, "<Code>InternalError</Code>"
	    "<Message>An internal error has occurred</Message>"));
	assert_null(strstr(r.body, "access_keys"));
	assert_null(strstr(r.body, "no such table"));
	free(r.body);
}

/* The action table is searched by bisection: it must stay sorted. */
static void
test_actions_sorted(void **state)
{
	size_t i;

	(void)state;
	for (i = 1; i < ctl_n_actions; i++)
		assert_true(strcmp(ctl_actions[i - 1].name,
		    ctl_actions[i].name) < 0);
	for (i = 0; i < ctl_n_actions; i++)
		assert_ptr_equal(ctl_action_find(ctl_actions[i].name),
		    &ctl_actions[i]);
	assert_null(ctl_action_find("NoSuchAction"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_actions_sorted),
		cmocka_unit_test_setup_teardown(test_good_request, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_unsigned, setup, teardown),
		cmocka_unit_test_setup_teardown(test_internal_error_hides_details,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

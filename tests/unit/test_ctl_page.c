/*
 * Tests of ctl_page: MaxResults bounds, tokens, the combination with
 * explicit IDs, and walking a listing page by page.
 */
#include "ctl_test.h"

#include "mc_cleanup.h"
#include "mc_err.h"
#include "ctl_page.h"
#include "ctl_query.h"
#include "ctl_xml.h"

static const struct ctl_page_rules rules = { 5, 1000, 1000 };

static void
test_round_trip(void **state)
{
	struct ctl_query	q;
	struct ctl_page		p;
	struct mc_err		err = { 0 };
	char			token[CTL_PAGE_TOKEN_MAX], query[400];

	(void)state;
	ctl_page_token("i-0123456789abcdef0", token, sizeof(token));
	(void)snprintf(query, sizeof(query), "MaxResults=5&NextToken=%s",
	    token);
	ctl_test_query(&q, query);
	assert_int_equal(ctl_page_parse(&q, &rules, false, &p, &err), 0);
	assert_int_equal(p.max, 5);
	assert_true(p.has_after);
	assert_string_equal(p.after, "i-0123456789abcdef0");
	assert_false(ctl_page_after(&p, "i-0123456789abcdef0"));
	assert_true(ctl_page_after(&p, "i-0123456789abcdef1"));
	ctl_query_clear(&q);

	ctl_test_query(&q, "");
	assert_int_equal(ctl_page_parse(&q, &rules, true, &p, &err), 0);
	assert_int_equal(p.max, 1000);
	assert_false(p.has_after);
	assert_true(ctl_page_after(&p, "anything"));
	ctl_query_clear(&q);
}

static void
test_bad_table(void **state)
{
	static const struct {
		const char	*query;
		bool		 has_ids;
		enum mc_ec	 want;
	} cases[] = {
		{ "MaxResults=4", false, MC_EC_INVALID_PARAMETER_VALUE },
		{ "MaxResults=1001", false, MC_EC_INVALID_PARAMETER_VALUE },
		{ "MaxResults=x", false, MC_EC_INVALID_PARAMETER_VALUE },
		{ "MaxResults=5", true, MC_EC_INVALID_PARAMETER_COMBINATION },
		{ "NextToken=garbage", false, MC_EC_INVALID_PARAMETER_VALUE },
		{ "NextToken=mc1.", false, MC_EC_INVALID_PARAMETER_VALUE },
		{ "NextToken=mc1.6", false, MC_EC_INVALID_PARAMETER_VALUE },
		{ "NextToken=mc1.zz", false, MC_EC_INVALID_PARAMETER_VALUE },
		{ "NextToken=mc1.0a", false, MC_EC_INVALID_PARAMETER_VALUE },
		{ "NextToken=mc1.6162", false, MC_EC_NONE },
		{ "NextToken=", false, MC_EC_NONE },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ctl_query	q;
		struct ctl_page		p;
		struct mc_err		err = { 0 };
		int			rc;

		ctl_test_query(&q, cases[i].query);
		rc = ctl_page_parse(&q, &rules, cases[i].has_ids, &p, &err);
		if (rc != (cases[i].want == MC_EC_NONE ? 0 : -1) ||
		    err.code != cases[i].want)
			fail_msg("case %zu: rc %d code %d", i, rc, err.code);
		ctl_query_clear(&q);
	}
}

static const char *const walk_keys[] = { "a", "b", "c", "d", "e", "f" };

static const char *
walk_key(const void *ctx, size_t i)
{
	(void)ctx;
	return walk_keys[i];
}

/* Every key but "c" passes; "e" fails the store (when ctx says so). */
static int
walk_show(void *ctx, size_t i, struct ctl_xml *out, struct mc_err *err)
{
	if (ctx != NULL && strcmp(walk_keys[i], "e") == 0)
		return mc_err_set(err, MC_EC_INTERNAL_ERROR, "broken");
	if (strcmp(walk_keys[i], "c") == 0)
		return 0;
	if (out != NULL)
		ctl_xml_str(out, "item", walk_keys[i]);
	return 1;
}

/* Walk one page of two after "after" (NULL: the start); the document. */
static char *
walk(const char *after, int fail, int *ret_rc)
{
	struct ctl_page	page = { 2, after != NULL, "" };
	struct ctl_xml	x;
	struct mc_err	err = { 0 };
	char		*doc;
	size_t		len;

	if (after != NULL)
		(void)snprintf(page.after, sizeof(page.after), "%s", after);
	ctl_xml_init(&x, 0);
	ctl_xml_open(&x, "r");
	*ret_rc = ctl_page_walk(&page, "set", MC_NELEMS(walk_keys), walk_key,
	    walk_show, fail ? &page : NULL, &x, &err);
	ctl_xml_close(&x);
	doc = ctl_xml_steal(&x, &len);
	ctl_xml_clear(&x);
	return doc;
}

static void
test_walk(void **state)
{
	char	token[CTL_PAGE_TOKEN_MAX], *doc;
	int	rc;

	(void)state;
	doc = walk(NULL, 0, &rc);
	assert_int_equal(rc, 0);
	ctl_page_token("c", token, sizeof(token));
	/* a, b; "c" does not pass, "d" would be third: after "c" next. */
	assert_non_null(strstr(doc, "<set><item>a</item><item>b</item></set>"));
	assert_non_null(strstr(doc, token));
	free(doc);
	doc = walk("c", 0, &rc);
	ctl_page_token("e", token, sizeof(token));
	assert_non_null(strstr(doc, "<set><item>d</item><item>e</item></set>"));
	assert_non_null(strstr(doc, token));
	free(doc);
	doc = walk("e", 0, &rc);
	assert_non_null(strstr(doc, "<set><item>f</item></set>"));
	assert_null(strstr(doc, "nextToken"));
	free(doc);
	doc = walk("c", 1, &rc);
	assert_int_equal(rc, -1);
	free(doc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_bad_table),
		cmocka_unit_test(test_walk),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

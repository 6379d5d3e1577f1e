/*
 * Tests of ctl_page: MaxResults bounds, tokens, and the combination with
 * explicit IDs.
 */
#include "ctl_test.h"

#include "mc_err.h"
#include "ctl_page.h"
#include "ctl_query.h"

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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_bad_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Tests of ctl_query: decoding of form-encoded parameters, nested and
 * repeated keys, and every way the text can be bad.
 */
#include "mc_test.h"

#include "mc_err.h"
#include "ctl_query.h"

static void
test_nested_and_repeated(void **state)
{
	static const char body[] = "Action=DescribeInstances&Version=2016-11-15"
	    "&Filter.1.Name=tag%3AName&Filter.1.Value.1=web+1"
	    "&Filter.1.Value.2=db%201&Filter.10.Name=instance-state-name"
	    "&Filter.2.Value.1=%E2%9C%93&Empty=&Bare&&"
	    "TagSpecification.1.Tag.2.Key=a%2Bb%3Dc%26d";
	struct ctl_query	q;
	struct mc_err		err = { 0 };

	(void)state;
	ctl_query_init(&q);
	assert_int_equal(ctl_query_add(&q, body, strlen(body), &err), 0);
	assert_int_equal(ctl_query_finish(&q, &err), 0);
	assert_int_equal(q.n, 10);
	assert_string_equal(ctl_query_get(&q, "Filter.1.Name"), "tag:Name");
	assert_string_equal(ctl_query_get(&q, "Filter.1.Value.1"), "web 1");
	assert_string_equal(ctl_query_get(&q, "Filter.1.Value.2"), "db 1");
	assert_string_equal(ctl_query_get(&q, "Filter.10.Name"),
	    "instance-state-name");
	assert_string_equal(ctl_query_get(&q, "Filter.2.Value.1"),
	    "\xe2\x9c\x93");
	assert_string_equal(ctl_query_get(&q, "Empty"), "");
	assert_string_equal(ctl_query_get(&q, "Bare"), "");
	assert_string_equal(ctl_query_get(&q, "TagSpecification.1.Tag.2.Key"),
	    "a+b=c&d");
	assert_null(ctl_query_get(&q, "Filter.3.Name"));
	ctl_query_remove(&q, "Action");
	assert_null(ctl_query_get(&q, "Action"));
	assert_string_equal(ctl_query_get(&q, "Version"), "2016-11-15");
	assert_int_equal(q.n, 9);
	ctl_query_clear(&q);
}

/* Body and URL query string merge into one map. */
static void
test_two_sources(void **state)
{
	struct ctl_query	q;
	struct mc_err		err = { 0 };

	(void)state;
	ctl_query_init(&q);
	assert_int_equal(ctl_query_add(&q, "b=2", 3, &err), 0);
	assert_int_equal(ctl_query_add(&q, "a=1&c=3", 7, &err), 0);
	assert_int_equal(ctl_query_finish(&q, &err), 0);
	assert_string_equal(q.v[0].key, "a");
	assert_string_equal(q.v[1].key, "b");
	assert_string_equal(q.v[2].key, "c");
	ctl_query_clear(&q);
	ctl_query_init(&q);
	assert_int_equal(ctl_query_add(&q, "a=1", 3, &err), 0);
	assert_int_equal(ctl_query_add(&q, "a=2", 3, &err), 0);
	assert_int_equal(ctl_query_finish(&q, &err), -1);
	assert_int_equal(err.code, MC_EC_INVALID_PARAMETER_VALUE);
	ctl_query_clear(&q);
}

static void
test_bad_input_table(void **state)
{
	static const struct {
		const char	*text;
		size_t		 len;	/* 0: strlen */
		enum mc_ec	 want;
	} cases[] = {
		{ "a=%", 0, MC_EC_INVALID_PARAMETER_VALUE },
		{ "a=%4", 0, MC_EC_INVALID_PARAMETER_VALUE },
		{ "a=%zz", 0, MC_EC_INVALID_PARAMETER_VALUE },
		{ "a=%4g", 0, MC_EC_INVALID_PARAMETER_VALUE },
		{ "%=1", 0, MC_EC_INVALID_PARAMETER_VALUE },
		{ "a=%00", 0, MC_EC_INVALID_PARAMETER_VALUE },
		{ "a=b\0c", 5, MC_EC_INVALID_PARAMETER_VALUE },
		{ "a=%ff", 0, MC_EC_INVALID_PARAMETER_VALUE },
		{ "a=%C0%AF", 0, MC_EC_INVALID_PARAMETER_VALUE },
		{ "a=%ED%A0%80", 0, MC_EC_INVALID_PARAMETER_VALUE },
		{ "=1", 0, MC_EC_INVALID_PARAMETER_VALUE },
		{ "a=1&=2", 0, MC_EC_INVALID_PARAMETER_VALUE },
		{ "a=1&a=2", 0, MC_EC_INVALID_PARAMETER_VALUE },
		{ "a=%41", 0, MC_EC_NONE },
		{ "", 0, MC_EC_NONE },
		{ "&&&", 0, MC_EC_NONE },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ctl_query	q;
		struct mc_err		err = { 0 };
		size_t			len = cases[i].len;
		int			rc;

		if (len == 0)
			len = strlen(cases[i].text);
		ctl_query_init(&q);
		rc = ctl_query_add(&q, cases[i].text, len, &err);
		if (rc == 0)
			rc = ctl_query_finish(&q, &err);
		if (rc != (cases[i].want == MC_EC_NONE ? 0 : -1) ||
		    err.code != cases[i].want)
			fail_msg("case %zu (%s): rc %d code %d", i,
			    cases[i].text, rc, err.code);
		ctl_query_clear(&q);
	}
}

static void
test_limits(void **state)
{
	struct ctl_query	 q;
	struct mc_err		 err = { 0 };
	char			*big;
	size_t			 i, n = (CTL_QUERY_MAX_PARAMS + 1) * 8;

	(void)state;
	/* One key over the length limit. */
	big = calloc(1, CTL_QUERY_MAX_KEY + 8);
	memset(big, 'k', CTL_QUERY_MAX_KEY + 1);
	ctl_query_init(&q);
	assert_int_equal(ctl_query_add(&q, big, strlen(big), &err), -1);
	assert_int_equal(err.code, MC_EC_INVALID_PARAMETER_VALUE);
	ctl_query_clear(&q);
	free(big);

	/* One pair more than the limit. */
	big = calloc(1, n + 1);
	for (i = 0; i <= CTL_QUERY_MAX_PARAMS; i++)
		(void)snprintf(big + strlen(big), n + 1 - strlen(big),
		    "k%zu&", i);
	err = (struct mc_err){ 0 };
	ctl_query_init(&q);
	assert_int_equal(ctl_query_add(&q, big, strlen(big), &err), -1);
	assert_int_equal(err.code, MC_EC_INVALID_PARAMETER_VALUE);
	ctl_query_clear(&q);
	free(big);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nested_and_repeated),
		cmocka_unit_test(test_two_sources),
		cmocka_unit_test(test_bad_input_table),
		cmocka_unit_test(test_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

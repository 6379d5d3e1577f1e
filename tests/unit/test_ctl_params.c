/*
 * Tests of ctl_params: key patterns, unknown parameters, typed values
 * and list indices.
 */
#include "ctl_test.h"

#include "mc_err.h"
#include "ctl_params.h"
#include "ctl_query.h"

static void
test_match_table(void **state)
{
	static const struct {
		const char	*pattern, *key;
		bool		 want;
	} cases[] = {
		{ "MaxResults", "MaxResults", true },
		{ "MaxResults", "MaxResult", false },
		{ "MaxResults", "MaxResults.1", false },
		{ "InstanceId.N", "InstanceId.1", true },
		{ "InstanceId.N", "InstanceId.1000", true },
		{ "InstanceId.N", "InstanceId.1001", false },
		{ "InstanceId.N", "InstanceId.0", false },
		{ "InstanceId.N", "InstanceId.01", false },
		{ "InstanceId.N", "InstanceId.-1", false },
		{ "InstanceId.N", "InstanceId.x", false },
		{ "InstanceId.N", "InstanceId.", false },
		{ "InstanceId.N", "InstanceId", false },
		{ "Filter.N.Value.N", "Filter.2.Value.13", true },
		{ "Filter.N.Value.N", "Filter.2.Value", false },
		{ "Filter.N.Value.N", "Filter.2.Name.1", false },
		{ "Filter.N.Name", "Filter.1.Name.", false },
		{ "Filter.N.Name", "filter.1.Name", false },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (ctl_params_match(cases[i].pattern, cases[i].key) !=
		    cases[i].want)
			fail_msg("case %zu: %s ~ %s", i, cases[i].pattern,
			    cases[i].key);
}

static void
test_check_table(void **state)
{
	static const struct ctl_pspec specs[] = {
		{ "InstanceType.N", CTL_P_STR },
		{ "MaxResults", CTL_P_INT },
		{ "IncludeAll", CTL_P_BOOL },
	};
	static const struct {
		const char	*query;
		enum mc_ec	 want;
	} cases[] = {
		{ "InstanceType.1=t3.micro&MaxResults=5&IncludeAll=true",
		    MC_EC_NONE },
		{ "IncludeAll=FALSE", MC_EC_NONE },
		{ "MaxResults=-3", MC_EC_NONE },
		{ "Bogus=1", MC_EC_UNKNOWN_PARAMETER },
		{ "InstanceType=t3.micro", MC_EC_UNKNOWN_PARAMETER },
		{ "InstanceType.0=t3.micro", MC_EC_UNKNOWN_PARAMETER },
		{ "MaxResults=five", MC_EC_INVALID_PARAMETER_VALUE },
		{ "MaxResults=", MC_EC_INVALID_PARAMETER_VALUE },
		{ "MaxResults=+5", MC_EC_INVALID_PARAMETER_VALUE },
		{ "MaxResults=5x", MC_EC_INVALID_PARAMETER_VALUE },
		{ "MaxResults=99999999999999999999", MC_EC_INVALID_PARAMETER_VALUE },
		{ "IncludeAll=1", MC_EC_INVALID_PARAMETER_VALUE },
		{ "IncludeAll=yes", MC_EC_INVALID_PARAMETER_VALUE },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ctl_query	q;
		struct mc_err		err = { 0 };
		int			rc;

		ctl_test_query(&q, cases[i].query);
		rc = ctl_params_check(&q, specs, 3, &err);
		if (rc != (cases[i].want == MC_EC_NONE ? 0 : -1) ||
		    err.code != cases[i].want)
			fail_msg("case %zu (%s): rc %d code %d", i,
			    cases[i].query, rc, err.code);
		ctl_query_clear(&q);
	}
}

static void
test_typed_values(void **state)
{
	struct ctl_query	q;
	struct mc_err		err = { 0 };
	long long		v = 7;
	bool			b = false;

	(void)state;
	ctl_test_query(&q, "MaxResults=50&DryRun=True&Big=1001");
	assert_int_equal(ctl_params_int(&q, "Absent", 5, 1000, &v, &err), 0);
	assert_int_equal(v, 7);
	assert_int_equal(ctl_params_int(&q, "MaxResults", 5, 1000, &v, &err),
	    1);
	assert_int_equal(v, 50);
	assert_int_equal(ctl_params_int(&q, "Big", 5, 1000, &v, &err), -1);
	assert_int_equal(err.code, MC_EC_INVALID_PARAMETER_VALUE);
	assert_int_equal(v, 50);
	assert_int_equal(ctl_params_bool(&q, "DryRun", &b, &err), 1);
	assert_true(b);
	ctl_query_clear(&q);
}

static void
test_lists(void **state)
{
	struct ctl_query	 q;
	struct mc_err		 err = { 0 };
	const char		**v = NULL;
	unsigned		 idx[8];
	size_t			 n;

	(void)state;
	ctl_test_query(&q, "Id.10=c&Id.2=b&Id.1=a&Filter.3.Name=x&Filter.3.Value.1=y&"
	    "Filter.1.Name=z&Ids.1=no&Id=no");
	assert_int_equal(ctl_params_strlist(&q, "Id", &v, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_string_equal(v[0], "a");
	assert_string_equal(v[1], "b");
	assert_string_equal(v[2], "c");
	free(v);
	assert_int_equal(ctl_params_indices(&q, "Filter", idx, 8), 2);
	assert_int_equal(idx[0], 1);
	assert_int_equal(idx[1], 3);
	assert_int_equal(ctl_params_strlist(&q, "None", &v, &n, &err), 0);
	assert_int_equal(n, 0);
	assert_null(v);
	ctl_query_clear(&q);
}

static bool
known_abc(const void *ctx, const char *name)
{
	(void)ctx;
	return strlen(name) == 1 && strchr("abc", name[0]) != NULL;
}

static void
test_selects_and_known(void **state)
{
	const char	*names[] = { "a", "x", "c", "y" };
	struct mc_err	 err = { 0 };

	(void)state;
	assert_true(ctl_params_selects(names, 4, "x"));
	assert_false(ctl_params_selects(names, 4, "b"));
	assert_true(ctl_params_selects(NULL, 0, "anything"));
	assert_int_equal(ctl_params_all_known(names, 1, known_abc, NULL,
	    MC_EC_INVALID_INSTANCE_TYPE, "Unknown: ", &err), 0);
	assert_int_equal(ctl_params_all_known(names, 4, known_abc, NULL,
	    MC_EC_INVALID_INSTANCE_TYPE, "Unknown: ", &err), -1);
	assert_int_equal(err.code, MC_EC_INVALID_INSTANCE_TYPE);
	assert_string_equal(err.msg, "Unknown: [x, y]");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_match_table),
		cmocka_unit_test(test_check_table),
		cmocka_unit_test(test_typed_values),
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_selects_and_known),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Tests of ctl_filter: wildcards, parsing of Filter.N, and matching
 * (values ORed, filters ANDed, tags).
 */
#include "ctl_test.h"

#include "mc_err.h"
#include "ctl_filter.h"
#include "ctl_query.h"

enum { F_NAME, F_STATE, F_TAG };

static const struct ctl_filter_def defs[] = {
	{ "name", F_NAME },
	{ "state", F_STATE },
	{ "tag:*", F_TAG },
};

struct thing {
	const char	*name, *state, *tag_key, *tag_value;
};

static void
thing_values(const void *res, const struct ctl_filter *f,
    struct ctl_fvals *fv)
{
	const struct thing *t = res;

	switch (f->field) {
	case F_NAME:	ctl_fvals_add(fv, t->name); break;
	case F_STATE:	ctl_fvals_addf(fv, "%s", t->state); break;
	case F_TAG:
		if (strcmp(f->name + 4, t->tag_key) == 0)
			ctl_fvals_add(fv, t->tag_value);
		break;
	}
}

static void
test_glob_table(void **state)
{
	static const struct {
		const char	*pattern, *s;
		bool		 want;
	} cases[] = {
		{ "web", "web", true },
		{ "web", "web1", false },
		{ "web*", "web1", true },
		{ "web*", "web", true },
		{ "*", "", true },
		{ "", "", true },
		{ "", "a", false },
		{ "w?b", "web", true },
		{ "w?b", "wb", false },
		{ "*b*", "abc", true },
		{ "a*c*e", "abcde", true },
		{ "a*c*e", "abcdf", false },
		{ "*aab", "aaaab", true },
		{ "\\*", "*", true },
		{ "\\*", "a", false },
		{ "a\\?", "a?", true },
		{ "a\\?", "ab", false },
		{ "\\\\", "\\", true },
		{ "x\\", "x\\", true },
		{ "Web", "web", false },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (ctl_filter_glob(cases[i].pattern, cases[i].s) !=
		    cases[i].want)
			fail_msg("case %zu: '%s' ~ '%s'", i, cases[i].pattern,
			    cases[i].s);
}

static void
test_parse_errors(void **state)
{
	static const struct {
		const char	*query;
		enum mc_ec	 want;
	} cases[] = {
		{ "Filter.1.Name=name&Filter.1.Value.1=a", MC_EC_NONE },
		{ "Filter.1.Name=tag:env&Filter.1.Value.1=a", MC_EC_NONE },
		{ "", MC_EC_NONE },
		{ "Filter.1.Name=bogus&Filter.1.Value.1=a",
		    MC_EC_INVALID_PARAMETER_VALUE },
		{ "Filter.1.Name=tag:&Filter.1.Value.1=a",
		    MC_EC_INVALID_PARAMETER_VALUE },
		{ "Filter.1.Name=name", MC_EC_INVALID_PARAMETER_VALUE },
		{ "Filter.1.Value.1=a", MC_EC_INVALID_PARAMETER_VALUE },
		{ "Filter.1.Name=&Filter.1.Value.1=a",
		    MC_EC_INVALID_PARAMETER_VALUE },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ctl_query	q;
		struct ctl_filters	f = { NULL, 0 };
		struct mc_err		err = { 0 };
		int			rc;

		ctl_test_query(&q, cases[i].query);
		rc = ctl_filters_parse(&q, defs, 3, &f, &err);
		if (rc != (cases[i].want == MC_EC_NONE ? 0 : -1) ||
		    err.code != cases[i].want)
			fail_msg("case %zu: rc %d code %d", i, rc, err.code);
		ctl_filters_clear(&f);
		ctl_query_clear(&q);
	}
}

static void
test_too_many(void **state)
{
	struct ctl_query	q;
	struct ctl_filters	f = { NULL, 0 };
	struct mc_err		err = { 0 };
	char			buf[8192] = "";
	int			i;

	(void)state;
	for (i = 1; i <= CTL_FILTER_MAX + 1; i++)
		(void)snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf),
		    "Filter.%d.Name=name&Filter.%d.Value.1=x&", i, i);
	ctl_test_query(&q, buf);
	assert_int_equal(ctl_filters_parse(&q, defs, 3, &f, &err), -1);
	assert_int_equal(err.code, MC_EC_INVALID_PARAMETER_VALUE);
	ctl_query_clear(&q);
}

static void
test_match(void **state)
{
	static const struct thing a = { "web1", "running", "env", "prod" };
	static const struct thing b = { "db1", "stopped", "env", "dev" };
	static const struct {
		const char	*query;
		bool		 a, b;
	} cases[] = {
		{ "", true, true },
		{ "Filter.1.Name=name&Filter.1.Value.1=web*", true, false },
		/* values ORed */
		{ "Filter.1.Name=name&Filter.1.Value.1=web*&"
		    "Filter.1.Value.2=db1", true, true },
		/* filters ANDed */
		{ "Filter.1.Name=name&Filter.1.Value.1=*1&"
		    "Filter.2.Name=state&Filter.2.Value.1=stopped", false, true },
		{ "Filter.1.Name=tag:env&Filter.1.Value.1=prod", true, false },
		{ "Filter.1.Name=tag:other&Filter.1.Value.1=*", false, false },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ctl_query	q;
		struct ctl_filters	f = { NULL, 0 };
		struct mc_err		err = { 0 };

		ctl_test_query(&q, cases[i].query);
		assert_int_equal(ctl_filters_parse(&q, defs, 3, &f, &err), 0);
		if (ctl_filters_match(&f, thing_values, &a) != cases[i].a ||
		    ctl_filters_match(&f, thing_values, &b) != cases[i].b)
			fail_msg("case %zu", i);
		ctl_filters_clear(&f);
		ctl_query_clear(&q);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_glob_table),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_too_many),
		cmocka_unit_test(test_match),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

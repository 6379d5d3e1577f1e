/*
 * Tests of ctl_tagspec: TagSpecification parsing and EC2's tag rules.
 */
#include "ctl_test.h"

#include "mc_err.h"
#include "ctl_query.h"
#include "ctl_tagspec.h"

static const char *const types[] = { "instance", "volume", NULL };

static void
test_parse(void **state)
{
	const struct ctl_tagspec	*s;
	struct ctl_tagspecs		 ts;
	struct ctl_query		 q;
	struct mc_err			 err = { 0 };

	(void)state;
	ctl_test_query(&q, "TagSpecification.1.ResourceType=instance&"
	    "TagSpecification.1.Tag.1.Key=Name&"
	    "TagSpecification.1.Tag.1.Value=web&"
	    "TagSpecification.1.Tag.2.Key=env&"
	    "TagSpecification.1.Tag.2.Value=&"
	    "TagSpecification.1.Tag.3.Key=solo&"
	    "TagSpecification.2.ResourceType=volume&"
	    "TagSpecification.2.Tag.1.Key=Name&"
	    "TagSpecification.2.Tag.1.Value=web-root");
	assert_int_equal(ctl_tagspecs_parse(&q, types, &ts, &err), 0);
	assert_int_equal(ts.n, 2);
	s = ctl_tagspecs_find(&ts, "instance");
	assert_non_null(s);
	assert_int_equal(s->n_tags, 3);
	assert_string_equal(s->tags[0].key, "Name");
	assert_string_equal(s->tags[0].value, "web");
	assert_string_equal(s->tags[1].value, "");
	assert_string_equal(s->tags[2].value, "");
	s = ctl_tagspecs_find(&ts, "volume");
	assert_string_equal(s->tags[0].value, "web-root");
	assert_null(ctl_tagspecs_find(&ts, "image"));
	ctl_tagspecs_clear(&ts);
	ctl_query_clear(&q);
}

static void
test_bad_table(void **state)
{
	static const struct {
		const char	*query;
		enum mc_ec	 want;
	} cases[] = {
		{ "TagSpecification.1.Tag.1.Key=a", MC_EC_MISSING_PARAMETER },
		{ "TagSpecification.1.ResourceType=image&"
		    "TagSpecification.1.Tag.1.Key=a",
		    MC_EC_INVALID_PARAMETER_VALUE },
		{ "TagSpecification.1.ResourceType=instance&"
		    "TagSpecification.1.Tag.1.Key=aws:x",
		    MC_EC_INVALID_PARAMETER_VALUE },
		{ "TagSpecification.1.ResourceType=instance&"
		    "TagSpecification.1.Tag.1.Value=v",
		    MC_EC_INVALID_PARAMETER_VALUE },
		{ "TagSpecification.1.ResourceType=instance&"
		    "TagSpecification.1.Tag.1.Key=a&"
		    "TagSpecification.1.Tag.2.Key=a",
		    MC_EC_INVALID_PARAMETER_VALUE },
		{ "TagSpecification.1.ResourceType=instance&"
		    "TagSpecification.2.ResourceType=instance",
		    MC_EC_INVALID_PARAMETER_VALUE },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ctl_tagspecs	ts = { NULL, 0 };
		struct ctl_query	q;
		struct mc_err		err = { 0 };
		int			rc;

		ctl_test_query(&q, cases[i].query);
		rc = ctl_tagspecs_parse(&q, types, &ts, &err);
		if (rc != -1 || err.code != cases[i].want)
			fail_msg("case %zu: rc %d code %d", i, rc, err.code);
		ctl_tagspecs_clear(&ts);
		ctl_query_clear(&q);
	}
}

static void
test_tag_check(void **state)
{
	char		key[200], value[300];
	struct mc_err	err = { 0 };

	(void)state;
	memset(key, 'k', sizeof(key));
	key[128] = '\0';
	memset(value, 'v', sizeof(value));
	value[256] = '\0';
	assert_int_equal(ctl_tag_check(key, value, &err), 0);
	/* 128 characters of two bytes each are still 128 characters. */
	assert_int_equal(ctl_tag_check("\xc3\xa9\xc3\xa9", "", &err), 0);
	key[128] = 'k';
	key[129] = '\0';
	assert_int_equal(ctl_tag_check(key, "", &err), -1);
	err = (struct mc_err){ 0 };
	value[256] = 'v';
	value[257] = '\0';
	assert_int_equal(ctl_tag_check("k", value, &err), -1);
	err = (struct mc_err){ 0 };
	assert_int_equal(ctl_tag_check("", "v", &err), -1);
	err = (struct mc_err){ 0 };
	assert_int_equal(ctl_tag_check("AWS:Name", "v", &err), -1);
}

static void
test_too_many_tags(void **state)
{
	struct ctl_tagspecs	ts = { NULL, 0 };
	struct ctl_query	q;
	struct mc_err		err = { 0 };
	char			buf[8192] = "TagSpecification.1.ResourceType=volume";
	int			i;

	(void)state;
	for (i = 1; i <= CTL_TAGS_MAX + 1; i++)
		(void)snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf),
		    "&TagSpecification.1.Tag.%d.Key=k%d", i, i);
	ctl_test_query(&q, buf);
	assert_int_equal(ctl_tagspecs_parse(&q, types, &ts, &err), -1);
	assert_int_equal(err.code, MC_EC_INVALID_PARAMETER_VALUE);
	ctl_query_clear(&q);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_bad_table),
		cmocka_unit_test(test_tag_check),
		cmocka_unit_test(test_too_many_tags),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

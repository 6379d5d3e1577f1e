/*
 * Tests of ctl_itypes: the built-in catalog, user types from the config
 * (added or replacing), and bad type lines.
 */
#include "mc_test.h"

#include "mc_conf.h"
#include "mc_err.h"
#include "ctl_itypes.h"

static void
test_builtin(void **state)
{
	struct mc_strv			 none = { NULL, 0 };
	struct ctl_itypes		 c;
	struct mc_err			 err = { 0 };
	const struct ctl_itype		*t;
	size_t				 i;

	(void)state;
	assert_int_equal(ctl_itypes_build(&none, &c, &err), 0);
	t = ctl_itypes_find(&c, "t3.nano");
	assert_non_null(t);
	assert_int_equal(t->vcpus, 2);
	assert_int_equal(t->mem_mib, 512);
	t = ctl_itypes_find(&c, "m5.2xlarge");
	assert_non_null(t);
	assert_int_equal(t->vcpus, 8);
	assert_int_equal(t->mem_mib, 32768);
	assert_null(ctl_itypes_find(&c, "m5.3xlarge"));
	assert_null(ctl_itypes_find(&c, ""));
	for (i = 1; i < c.n; i++)
		assert_true(strcmp(c.v[i - 1].name, c.v[i].name) < 0);
	ctl_itypes_clear(&c);
}

static void
test_user_types(void **state)
{
	char			*lines[] = { "mc.tiny 1 256", "t3.micro 4 4096" };
	struct mc_strv		 extra = { lines, 2 };
	struct ctl_itypes	 c;
	struct mc_err		 err = { 0 };
	const struct ctl_itype	*t;

	(void)state;
	assert_int_equal(ctl_itypes_build(&extra, &c, &err), 0);
	t = ctl_itypes_find(&c, "mc.tiny");
	assert_non_null(t);
	assert_int_equal(t->mem_mib, 256);
	t = ctl_itypes_find(&c, "t3.micro");
	assert_int_equal(t->vcpus, 4);
	assert_int_equal(t->mem_mib, 4096);
	ctl_itypes_clear(&c);
}

static void
test_parse_table(void **state)
{
	static const struct {
		const char	*line;
		bool		 ok;
	} cases[] = {
		{ "mc.small 1 2048", true },
		{ "  mc.small   1	2048  ", true },
		{ "mc.small 1", false },
		{ "mc.small 1 2048 extra", false },
		{ "MC.small 1 2048", false },
		{ ".small 1 2048", false },
		{ "mc/small 1 2048", false },
		{ "mc.small 0 2048", false },
		{ "mc.small 257 2048", false },
		{ "mc.small -1 2048", false },
		{ "mc.small 1 63", false },
		{ "mc.small 1 4194305", false },
		{ "mc.small 1 2048MiB", false },
		{ "mc.small one 2048", false },
		{ "", false },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ctl_itype	t;
		struct mc_err		err = { 0 };
		int			rc = ctl_itype_parse(cases[i].line, &t, &err);

		if ((rc == 0) != cases[i].ok)
			fail_msg("case %zu '%s': rc %d", i, cases[i].line, rc);
		if (rc < 0)
			assert_int_equal(err.code,
			    MC_EC_INVALID_PARAMETER_VALUE);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builtin),
		cmocka_unit_test(test_user_types),
		cmocka_unit_test(test_parse_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Tests of mc_time: ISO 8601 output and strict SigV4 date parsing.
 */
#include "mc_test.h"

#include "mc_time.h"

static void
test_iso8601(void **state)
{
	char buf[MC_TIME_ISO_MAX];

	(void)state;
	mc_time_iso8601(0, buf, sizeof(buf));
	assert_string_equal(buf, "1970-01-01T00:00:00.000Z");
	mc_time_iso8601(1795784400123LL, buf, sizeof(buf));
	assert_string_equal(buf, "2026-11-27T13:00:00.123Z");
	assert_true(mc_time_now_ms() > 1795784400000LL - 86400000LL * 365);
}

static void
test_parse_amz_table(void **state)
{
	static const struct {
		const char	*s;
		long long	 want;	/* -1: refused */
	} cases[] = {
		{ "20261127T130000Z", 1795784400 },
		{ "19700101T000000Z", 0 },
		{ "20240229T000000Z", 1709164800 },
		{ "20230229T000000Z", -1 },
		{ "20261131T000000Z", -1 },
		{ "20261127T240000Z", -1 },
		{ "20261127T126000Z", -1 },
		{ "20261127 130000Z", -1 },
		{ "20261127T130000", -1 },
		{ "20261127T130000Z1", -1 },
		{ "2026112xT130000Z", -1 },
		{ "19691231T235959Z", -1 },
		{ "", -1 },
		{ NULL, -1 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		time_t	t = 42;
		int	rc = mc_time_parse_amz(cases[i].s, &t);

		if (cases[i].want < 0) {
			assert_int_equal(rc, -1);
			assert_int_equal(t, 42);
		} else {
			assert_int_equal(rc, 0);
			assert_int_equal((long long)t, cases[i].want);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_iso8601),
		cmocka_unit_test(test_parse_amz_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Tests of mc_utf8: well-formed and ill-formed sequences.
 */
#include "mc_test.h"

#include "mc_utf8.h"

static void
test_table(void **state)
{
	static const struct {
		const char	*s;
		bool		 valid;
	} cases[] = {
		{ "", true },
		{ "ascii", true },
		{ "\xc3\xa9", true },
		{ "\xe2\x82\xac", true },
		{ "\xf0\x9f\x98\x80", true },
		{ "\xf4\x8f\xbf\xbf", true },		/* U+10FFFF */
		{ "\xf4\x90\x80\x80", false },		/* beyond Unicode */
		{ "\xc0\x80", false },			/* overlong NUL */
		{ "\xe0\x80\xaf", false },		/* overlong / */
		{ "\xed\xa0\x80", false },		/* surrogate */
		{ "\x80", false },
		{ "\xc3", false },
		{ "\xe2\x82", false },
		{ "\xff", false },
		{ "a\xc3\x28", false },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (mc_utf8_valid(cases[i].s, strlen(cases[i].s)) !=
		    cases[i].valid)
			fail_msg("case %zu", i);
}

static void
test_next(void **state)
{
	uint32_t cp = 0;

	(void)state;
	assert_int_equal(mc_utf8_next((const unsigned char *)"\xe2\x82\xac",
	    3, &cp), 3);
	assert_int_equal(cp, 0x20ac);
	assert_int_equal(mc_utf8_next((const unsigned char *)"\xe2\x82\xac",
	    2, &cp), 0);
	assert_int_equal(mc_utf8_next((const unsigned char *)"", 0, &cp), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_next),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

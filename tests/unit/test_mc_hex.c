/*
 * Tests of mc_hex.
 */
#include "mc_test.h"

#include "mc_hex.h"

static void
test_value_and_encode(void **state)
{
	static const struct {
		char	c;
		int	want;
	} cases[] = {
		{ '0', 0 }, { '9', 9 }, { 'a', 10 }, { 'F', 15 }, { 'g', -1 },
		{ ' ', -1 }, { '\0', -1 }, { '/', -1 }, { ':', -1 },
	};
	char	out[9];
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(mc_hex_value(cases[i].c), cases[i].want);
	mc_hex_encode("\x00\x7f\xab\xff", 4, out);
	assert_string_equal(out, "007fabff");
	mc_hex_encode("", 0, out);
	assert_string_equal(out, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_value_and_encode),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

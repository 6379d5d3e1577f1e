/*
 * Tests of mc_ipv4: what is refused matters as much as what parses.
 */
#include "mc_test.h"

#include "mc_ipv4.h"

static void
test_addresses(void **state)
{
	static const struct {
		const char	*in;
		bool		 ok;
		uint32_t	 want;
	} cases[] = {
		{ "0.0.0.0", true, 0 },
		{ "10.0.1.5", true, 0x0a000105 },
		{ "255.255.255.255", true, 0xffffffff },
		{ "169.254.169.254", true, 0xa9fea9fe },
		{ "256.1.1.1", false, 0 }, { "1.1.1", false, 0 },
		{ "1.1.1.1.1", false, 0 }, { "01.1.1.1", false, 0 },
		{ "1.1.1.1 ", false, 0 }, { " 1.1.1.1", false, 0 },
		{ "1..1.1", false, 0 }, { "", false, 0 }, { "a.b.c.d", false, 0 },
		{ "-1.1.1.1", false, 0 }, { "1.1.1.1/32", false, 0 },
		{ "1111.1.1.1", false, 0 }, { "1.1.1.", false, 0 },
	};
	char		buf[MC_IPV4_STR_MAX];
	uint32_t	a;
	size_t		i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		a = 7;
		assert_int_equal(mc_ipv4_parse(cases[i].in, &a), cases[i].ok);
		if (!cases[i].ok) {
			assert_int_equal(a, 7);	/* untouched */
			continue;
		}
		assert_int_equal(a, cases[i].want);
		assert_string_equal(mc_ipv4_str(a, buf), cases[i].in);
	}
	assert_false(mc_ipv4_parse(NULL, &a));
}

static void
test_blocks(void **state)
{
	static const struct {
		const char	*in;
		bool		 ok;
	} cases[] = {
		{ "10.0.0.0/16", true }, { "0.0.0.0/0", true },
		{ "10.0.1.5/32", true }, { "172.31.16.0/20", true },
		{ "10.0.0.1/16", false },	/* host bits */
		{ "10.0.0.0/33", false }, { "10.0.0.0/", false },
		{ "10.0.0.0", false }, { "10.0.0.0/016", false },
		{ "10.0.0.0/16/1", false }, { "/16", false },
		{ "10.0.0.0/-1", false }, { "10.0.0.0/ 16", false },
	};
	struct mc_cidr	c;
	char		buf[MC_CIDR_STR_MAX];
	size_t		i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(mc_cidr_parse(cases[i].in, &c), cases[i].ok);
		if (cases[i].ok)
			assert_string_equal(mc_cidr_str(&c, buf), cases[i].in);
	}
}

static void
test_masked(void **state)
{
	static const struct {
		const char	*in;
		const char	*want;		/* NULL: refused */
	} cases[] = {
		{ "10.0.0.5/8", "10.0.0.0/8" },
		{ "10.0.0.0/8", "10.0.0.0/8" },
		{ "192.168.7.9/32", "192.168.7.9/32" },
		{ "1.2.3.4/0", "0.0.0.0/0" },
		{ "10.0.0.5/33", NULL },
		{ "10.0.0.5", NULL },
		{ "10.0.0/8", NULL },
	};
	struct mc_cidr	c;
	char		buf[MC_CIDR_STR_MAX];
	size_t		i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(mc_cidr_parse_masked(cases[i].in, &c),
		    cases[i].want != NULL);
		if (cases[i].want != NULL)
			assert_string_equal(mc_cidr_str(&c, buf), cases[i].want);
	}
	assert_false(mc_cidr_parse("10.0.0.5/8", &c));
}

static void
test_arithmetic(void **state)
{
	struct mc_cidr	vpc, a, b, c;

	(void)state;
	assert_true(mc_cidr_parse("10.0.0.0/16", &vpc));
	assert_true(mc_cidr_parse("10.0.1.0/24", &a));
	assert_true(mc_cidr_parse("10.0.1.128/25", &b));
	assert_true(mc_cidr_parse("10.1.0.0/24", &c));
	assert_int_equal(mc_cidr_mask(0), 0);
	assert_int_equal(mc_cidr_mask(24), 0xffffff00);
	assert_int_equal(mc_cidr_mask(32), 0xffffffff);
	assert_int_equal(mc_cidr_size(&vpc), 65536);
	assert_int_equal(mc_cidr_last(&a), 0x0a0001ff);
	assert_true(mc_cidr_within(&vpc, &a));
	assert_true(mc_cidr_within(&a, &b));
	assert_false(mc_cidr_within(&b, &a));
	assert_false(mc_cidr_within(&vpc, &c));
	assert_true(mc_cidr_overlap(&a, &b));
	assert_true(mc_cidr_overlap(&b, &a));
	assert_false(mc_cidr_overlap(&a, &c));
	assert_true(mc_cidr_has(&a, 0x0a0001ff));
	assert_false(mc_cidr_has(&a, 0x0a000200));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_blocks),
		cmocka_unit_test(test_masked),
		cmocka_unit_test(test_arithmetic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

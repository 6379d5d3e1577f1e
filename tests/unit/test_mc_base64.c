/*
 * Tests of mc_base64: RFC 4648's vectors both ways, and bad input.
 */
#include "mc_test.h"

#include "mc_base64.h"
#include "mc_err.h"

static void
test_vectors(void **state)
{
	static const char *const plain[] = { "", "f", "fo", "foo", "foob",
	    "fooba", "foobar" };
	static const char *const coded[] = { "", "Zg==", "Zm8=", "Zm9v",
	    "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy" };
	size_t i;

	(void)state;
	for (i = 0; i < 7; i++) {
		struct mc_err	 err = { 0 };
		unsigned char	*back = NULL;
		size_t		 n = 0;
		char		*s = mc_base64_encode(plain[i], strlen(plain[i]));

		assert_string_equal(s, coded[i]);
		assert_int_equal(mc_base64_decode(s, &back, &n, &err), 0);
		assert_int_equal(n, strlen(plain[i]));
		assert_memory_equal(back, plain[i], n);
		free(s);
		free(back);
	}
}

static void
test_decode_table(void **state)
{
	static const struct {
		const char	*in;
		int		 rc;
	} cases[] = {
		{ "Zm9v\nYmFy", 0 },	/* whitespace skipped */
		{ "Zm9vYg", 0 },	/* padding optional */
		{ "Zm9v!", -1 },
		{ "Z", -1 },
		{ "Zm=9v", -1 },
		{ "Zg===", -1 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mc_err	 err = { 0 };
		unsigned char	*out = NULL;
		size_t		 n;

		assert_int_equal(mc_base64_decode(cases[i].in, &out, &n, &err),
		    cases[i].rc);
		free(out);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_decode_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

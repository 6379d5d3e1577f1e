/*
 * Tests of mc_buf: growth, formatting, the limit and the sticky flag.
 */
#include "mc_test.h"

#include "mc_buf.h"

static void
test_grow_and_steal(void **state)
{
	struct mc_buf	 b;
	char		*s;
	size_t		 len = 0;
	int		 i;

	(void)state;
	mc_buf_init(&b, 0);
	s = mc_buf_steal(&b, &len);
	assert_string_equal(s, "");
	assert_int_equal(len, 0);
	free(s);
	for (i = 0; i < 1000; i++)
		mc_buf_addf(&b, "%d,", i % 10);
	mc_buf_adds(&b, "end");
	mc_buf_addc(&b, '!');
	assert_int_equal(b.len, 2000 + 4);
	s = mc_buf_steal(&b, &len);
	assert_int_equal(len, 2004);
	assert_string_equal(s + 2000, "end!");
	assert_null(b.data);
	free(s);
}

static void
test_limit_is_sticky(void **state)
{
	struct mc_buf b;

	(void)state;
	mc_buf_init(&b, 8);
	mc_buf_adds(&b, "12345678");
	assert_false(b.failed);
	mc_buf_addc(&b, '9');
	assert_true(b.failed);
	mc_buf_adds(&b, "");
	assert_true(b.failed);
	assert_null(mc_buf_steal(&b, NULL));
	mc_buf_init(&b, 8);
	mc_buf_adds(&b, "1234");
	mc_buf_reset(&b);
	mc_buf_adds(&b, "abcd");
	assert_string_equal(b.data, "abcd");
	mc_buf_clear(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grow_and_steal),
		cmocka_unit_test(test_limit_is_sticky),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

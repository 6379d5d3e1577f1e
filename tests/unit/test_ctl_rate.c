/*
 * Tests of ctl_rate: the bucket refills at the rate, caps at the burst,
 * keeps accounts apart, and survives more accounts than slots.
 */
#include "mc_test.h"

#include "ctl_rate.h"

static void
test_bucket(void **state)
{
	struct ctl_rate	*r = ctl_rate_new(10, 3);
	int64_t		 t = 1000000;

	(void)state;
	assert_non_null(r);
	assert_true(ctl_rate_take(r, "111111111111", t));
	assert_true(ctl_rate_take(r, "111111111111", t));
	assert_true(ctl_rate_take(r, "111111111111", t));
	assert_false(ctl_rate_take(r, "111111111111", t));
	/* Another account has its own bucket. */
	assert_true(ctl_rate_take(r, "222222222222", t));
	/* 10/s: one token back after 100 ms, and no more than the burst. */
	assert_false(ctl_rate_take(r, "111111111111", t + 99));
	assert_true(ctl_rate_take(r, "111111111111", t + 100));
	assert_false(ctl_rate_take(r, "111111111111", t + 100));
	t += 100000;
	assert_true(ctl_rate_take(r, "111111111111", t));
	assert_true(ctl_rate_take(r, "111111111111", t));
	assert_true(ctl_rate_take(r, "111111111111", t));
	assert_false(ctl_rate_take(r, "111111111111", t));
	ctl_rate_free(r);
}

static void
test_off_and_many(void **state)
{
	struct ctl_rate	*r = ctl_rate_new(0, 1);
	char		 acct[16];
	int		 i;

	(void)state;
	for (i = 0; i < 1000; i++)
		assert_true(ctl_rate_take(r, "111111111111", 0));
	ctl_rate_free(r);
	r = ctl_rate_new(1, 1);
	for (i = 0; i < 20000; i++) {
		(void)snprintf(acct, sizeof(acct), "%012d", i);
		assert_true(ctl_rate_take(r, acct, i));
	}
	ctl_rate_free(r);
	ctl_rate_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bucket),
		cmocka_unit_test(test_off_and_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Tests of mc_id: new IDs pass their own check; malformed IDs get their
 * kind's error.
 */
#include "mc_test.h"

#include "mc_err.h"
#include "mc_id.h"

static void
test_new_id_passes_check(void **state)
{
	char		 id[MC_ID_MAX], other[MC_ID_MAX];
	struct mc_err	 err = { 0 };

	(void)state;
	assert_int_equal(mc_id_new(MC_ID_INSTANCE, id, sizeof(id), &err), 0);
	assert_int_equal(strlen(id), strlen("i-") + 17);
	assert_int_equal(mc_id_check(MC_ID_INSTANCE, id, &err), 0);
	assert_int_equal(mc_id_new(MC_ID_INSTANCE, other, sizeof(other), &err),
	    0);
	assert_string_not_equal(id, other);
	assert_int_equal(mc_id_new(MC_ID_IMAGE, id, sizeof(id), &err), 0);
	assert_int_equal(strncmp(id, "ami-", 4), 0);
	assert_int_equal(err.code, MC_EC_NONE);
}

static void
test_check_table(void **state)
{
	static const struct {
		enum mc_id_kind	 kind;
		const char	*id;
		enum mc_ec	 want;	/* MC_EC_NONE: accepted */
	} cases[] = {
		{ MC_ID_INSTANCE, "i-0123456789abcdef0", MC_EC_NONE },
		{ MC_ID_INSTANCE, "i-1a2b3c4d", MC_EC_NONE },
		{ MC_ID_INSTANCE, "i-", MC_EC_INVALID_INSTANCE_ID_MALFORMED },
		{ MC_ID_INSTANCE, "i-0123456789ABCDEF0",
		    MC_EC_INVALID_INSTANCE_ID_MALFORMED },
		{ MC_ID_INSTANCE, "i-0123456789abcdef0 ",
		    MC_EC_INVALID_INSTANCE_ID_MALFORMED },
		{ MC_ID_INSTANCE, "ami-0123456789abcdef0",
		    MC_EC_INVALID_INSTANCE_ID_MALFORMED },
		{ MC_ID_IMAGE, "ami-0123456789abcdef0", MC_EC_NONE },
		{ MC_ID_IMAGE, "ami-123", MC_EC_INVALID_AMI_ID_MALFORMED },
		{ MC_ID_VOLUME, NULL, MC_EC_INVALID_VOLUME_ID_MALFORMED },
		{ MC_ID_RESERVATION, "r-0123456789abcdef0", MC_EC_NONE },
		{ MC_ID_KEY_PAIR, "key-0123456789abcdef0", MC_EC_NONE },
		{ MC_ID_KEY_PAIR, "key-01234567x9abcdef0",
		    MC_EC_INVALID_PARAMETER_VALUE },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mc_err err = { 0 };
		int rc = mc_id_check(cases[i].kind, cases[i].id, &err);

		assert_int_equal(rc, cases[i].want == MC_EC_NONE ? 0 : -1);
		assert_int_equal(err.code, cases[i].want);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_id_passes_check),
		cmocka_unit_test(test_check_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

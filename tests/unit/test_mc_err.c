/*
 * Tests of mc_err: the first error wins, and the error mapper gives each
 * code EC2's name and HTTP status.
 */
#include <errno.h>

#include "mc_test.h"

#include "mc_err.h"

static void
test_first_wins(void **state)
{
	struct mc_err err = { 0 };

	(void)state;
	assert_int_equal(mc_err_set(&err, MC_EC_MISSING_PARAMETER, "first %d",
	    1), -1);
	assert_int_equal(mc_err_sys(&err, EIO, "second"), -1);
	assert_int_equal(err.code, MC_EC_MISSING_PARAMETER);
	assert_string_equal(err.msg, "first 1");
	assert_int_equal(err.sys_errno, 0);
	assert_int_equal(mc_err_set(NULL, MC_EC_INTERNAL_ERROR, "x"), -1);
}

static void
test_sys_keeps_errno(void **state)
{
	struct mc_err err = { 0 };

	(void)state;
	assert_int_equal(mc_err_sys(&err, ENOSPC, "disk %s", "full"), -1);
	assert_int_equal(err.code, MC_EC_INTERNAL_ERROR);
	assert_int_equal(err.sys_errno, ENOSPC);
	assert_string_equal(err.msg, "disk full");
}

static void
test_long_message_is_cut(void **state)
{
	struct mc_err	err = { 0 };
	char		big[1000];

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	mc_err_set(&err, MC_EC_INVALID_PARAMETER_VALUE, "%s", big);
	assert_int_equal(strlen(err.msg), sizeof(err.msg) - 1);
}

static void
test_mapper_table(void **state)
{
	static const struct {
		enum mc_ec	 code;
		const char	*name;
		int		 status;
	} cases[] = {
		{ MC_EC_INTERNAL_ERROR, "InternalError", 500 },
		{ MC_EC_AUTH_FAILURE, "AuthFailure", 401 },
		{ MC_EC_SIGNATURE_DOES_NOT_MATCH, "SignatureDoesNotMatch", 403 },
		{ MC_EC_INCOMPLETE_SIGNATURE, "IncompleteSignature", 400 },
		{ MC_EC_MISSING_AUTHENTICATION_TOKEN,
		    "MissingAuthenticationToken", 403 },
		{ MC_EC_REQUEST_EXPIRED, "RequestExpired", 400 },
		{ MC_EC_INVALID_ACTION, "InvalidAction", 400 },
		{ MC_EC_MISSING_PARAMETER, "MissingParameter", 400 },
		{ MC_EC_INVALID_PARAMETER_VALUE, "InvalidParameterValue", 400 },
		{ MC_EC_INVALID_PARAMETER_COMBINATION,
		    "InvalidParameterCombination", 400 },
		{ MC_EC_UNKNOWN_PARAMETER, "UnknownParameter", 400 },
		{ MC_EC_DRY_RUN_OPERATION, "DryRunOperation", 412 },
		{ MC_EC_UNAUTHORIZED_OPERATION, "UnauthorizedOperation", 403 },
		{ MC_EC_REQUEST_LIMIT_EXCEEDED, "RequestLimitExceeded", 503 },
		{ MC_EC_REQUEST_TOO_LARGE, "InvalidParameterValue", 413 },
		{ MC_EC_INVALID_INSTANCE_TYPE, "InvalidInstanceType", 400 },
		{ MC_EC_INVALID_INSTANCE_ID_MALFORMED,
		    "InvalidInstanceID.Malformed", 400 },
		{ MC_EC_INSUFFICIENT_INSTANCE_CAPACITY,
		    "InsufficientInstanceCapacity", 500 },
		{ MC_EC_INCORRECT_INSTANCE_STATE, "IncorrectInstanceState", 400 },
		{ MC_EC_INVALID_KEY_PAIR_NOT_FOUND, "InvalidKeyPair.NotFound",
		    400 },
		{ MC_EC_INVALID_KEY_PAIR_DUPLICATE, "InvalidKeyPair.Duplicate",
		    400 },
		{ MC_EC_INVALID_KEY_FORMAT, "InvalidKey.Format", 400 },
		{ MC_EC_RESOURCE_LIMIT_EXCEEDED, "ResourceLimitExceeded", 400 },
		{ MC_EC__MAX, "InternalError", 500 },
	};
	size_t	i;
	int	c;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_string_equal(mc_err_name(cases[i].code), cases[i].name);
		assert_int_equal(mc_err_http_status(cases[i].code),
		    cases[i].status);
	}
	/*
	 * Every code has a row, and only the server's own failures,
	 * throttling and a lack of capacity are 5xx: SDKs retry those.
	 */
	for (c = MC_EC_NONE + 1; c < MC_EC__MAX; c++) {
		int status = mc_err_http_status((enum mc_ec)c);

		assert_non_null(mc_err_name((enum mc_ec)c));
		assert_true(status >= 400 && status < 600);
		if (status >= 500)
			assert_true(c == MC_EC_INTERNAL_ERROR ||
			    c == MC_EC_REQUEST_LIMIT_EXCEEDED ||
			    c == MC_EC_INSUFFICIENT_INSTANCE_CAPACITY ||
			    c == MC_EC_INSUFFICIENT_ADDRESS_CAPACITY);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_wins),
		cmocka_unit_test(test_sys_keeps_errno),
		cmocka_unit_test(test_long_message_is_cut),
		cmocka_unit_test(test_mapper_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Tests of ctl_vol_rules: volume types, sizes, IOPS and throughput with
 * their defaults, ModifyVolume's rules, device names (the root device
 * and other attachments in use, aliases of one disk, the attachment
 * limit) and the attachment state table.
 */
#include "ctl_test.h"

#include "mc_err.h"
#include "ctl_vol_rules.h"

#define NO	-1LL	/* not given */

static void
test_types(void **state)
{
	static const char *const names[] = { "standard", "io1", "io2", "gp2",
	    "sc1", "st1", "gp3" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		assert_int_equal(ctl_vol_type_parse(names[i]), (int)i);
		assert_string_equal(ctl_vol_type_name((enum ctl_vol_type)i),
		    names[i]);
	}
	assert_int_equal(ctl_vol_type_parse("GP3"), -1);
	assert_int_equal(ctl_vol_type_parse(""), -1);
	assert_int_equal(ctl_vol_type_parse(NULL), -1);
	assert_int_equal(ctl_vol_type_parse("gp3 "), -1);
	assert_string_equal(ctl_vol_type_name(CTL_VT__MAX), "");
	assert_int_equal(CTL_VT_DEFAULT, CTL_VT_GP2);
}

static void
test_spec(void **state)
{
	static const struct {
		enum ctl_vol_type	type;
		long long		size, iops, tput;
		enum mc_ec		want;
		long long		want_iops, want_tput;
	} cases[] = {
		/* Sizes at and past each type's bounds. */
		{ CTL_VT_GP2, 1, NO, NO, MC_EC_NONE, 100, 0 },
		{ CTL_VT_GP2, 0, NO, NO, MC_EC_INVALID_PARAMETER_VALUE, 0, 0 },
		{ CTL_VT_GP2, -5, NO, NO, MC_EC_INVALID_PARAMETER_VALUE, 0, 0 },
		{ CTL_VT_GP2, 16384, NO, NO, MC_EC_NONE, 16000, 0 },
		{ CTL_VT_GP2, 16385, NO, NO, MC_EC_INVALID_PARAMETER_VALUE, 0, 0 },
		{ CTL_VT_GP2, 100, NO, NO, MC_EC_NONE, 300, 0 },
		{ CTL_VT_GP3, 1, NO, NO, MC_EC_NONE, 3000, 125 },
		{ CTL_VT_GP3, 65536, NO, NO, MC_EC_NONE, 3000, 125 },
		{ CTL_VT_GP3, 65537, NO, NO, MC_EC_INVALID_PARAMETER_VALUE, 0, 0 },
		{ CTL_VT_GP3, 999999, NO, NO, MC_EC_INVALID_PARAMETER_VALUE, 0, 0 },
		{ CTL_VT_STANDARD, 1024, NO, NO, MC_EC_NONE, 0, 0 },
		{ CTL_VT_STANDARD, 1025, NO, NO, MC_EC_INVALID_PARAMETER_VALUE, 0, 0 },
		{ CTL_VT_ST1, 124, NO, NO, MC_EC_INVALID_PARAMETER_VALUE, 0, 0 },
		{ CTL_VT_SC1, 125, NO, NO, MC_EC_NONE, 0, 0 },
		{ CTL_VT_IO1, 3, 100, NO, MC_EC_INVALID_PARAMETER_VALUE, 0, 0 },
		{ CTL_VT_IO2, 65536, 1000, NO, MC_EC_NONE, 1000, 0 },
		/* IOPS: required, refused, ranges and per-GiB ratios. */
		{ CTL_VT_IO1, 10, NO, NO, MC_EC_MISSING_PARAMETER, 0, 0 },
		{ CTL_VT_IO2, 10, NO, NO, MC_EC_MISSING_PARAMETER, 0, 0 },
		{ CTL_VT_IO1, 10, 500, NO, MC_EC_NONE, 500, 0 },
		{ CTL_VT_IO1, 10, 501, NO, MC_EC_INVALID_PARAMETER_VALUE, 0, 0 },
		{ CTL_VT_IO1, 10, 99, NO, MC_EC_INVALID_PARAMETER_VALUE, 0, 0 },
		{ CTL_VT_IO1, 16384, 64001, NO, MC_EC_INVALID_PARAMETER_VALUE, 0, 0 },
		{ CTL_VT_IO2, 10, 10000, NO, MC_EC_NONE, 10000, 0 },
		{ CTL_VT_IO2, 300, 256000, NO, MC_EC_NONE, 256000, 0 },
		{ CTL_VT_IO2, 300, 256001, NO, MC_EC_INVALID_PARAMETER_VALUE, 0, 0 },
		{ CTL_VT_GP2, 10, 300, NO, MC_EC_INVALID_PARAMETER_COMBINATION, 0, 0 },
		{ CTL_VT_ST1, 500, 300, NO, MC_EC_INVALID_PARAMETER_COMBINATION, 0, 0 },
		{ CTL_VT_STANDARD, 5, 0, NO,
		    MC_EC_INVALID_PARAMETER_COMBINATION, 0, 0 },
		{ CTL_VT_GP3, 1, 3000, NO, MC_EC_NONE, 3000, 125 },
		{ CTL_VT_GP3, 1, 2999, NO, MC_EC_INVALID_PARAMETER_VALUE, 0, 0 },
		{ CTL_VT_GP3, 8, 4000, NO, MC_EC_NONE, 4000, 125 },
		{ CTL_VT_GP3, 7, 4000, NO, MC_EC_INVALID_PARAMETER_VALUE, 0, 0 },
		{ CTL_VT_GP3, 1000, 80000, NO, MC_EC_NONE, 80000, 125 },
		{ CTL_VT_GP3, 1000, 80001, NO, MC_EC_INVALID_PARAMETER_VALUE, 0, 0 },
		/* Throughput: gp3 only, 125-2000, 0.25 MiB/s per IOPS. */
		{ CTL_VT_GP3, 10, NO, 750, MC_EC_NONE, 3000, 750 },
		{ CTL_VT_GP3, 10, NO, 751, MC_EC_INVALID_PARAMETER_VALUE, 0, 0 },
		{ CTL_VT_GP3, 10, NO, 124, MC_EC_INVALID_PARAMETER_VALUE, 0, 0 },
		{ CTL_VT_GP3, 100, 8000, 2000, MC_EC_NONE, 8000, 2000 },
		{ CTL_VT_GP3, 100, 16000, 2001, MC_EC_INVALID_PARAMETER_VALUE, 0, 0 },
		{ CTL_VT_GP2, 10, NO, 125, MC_EC_INVALID_PARAMETER_COMBINATION, 0, 0 },
		{ CTL_VT_IO1, 10, 100, 200, MC_EC_INVALID_PARAMETER_COMBINATION, 0, 0 },
		{ CTL_VT__MAX, 10, NO, NO, MC_EC_INVALID_PARAMETER_VALUE, 0, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ctl_vol_spec	s = { cases[i].type, cases[i].size,
		    cases[i].iops, cases[i].tput };
		struct mc_err		err = { 0 };
		int			rc = ctl_vol_spec_check(&s, &err);

		if (err.code != cases[i].want)
			fail_msg("case %zu: got %s (%s)", i,
			    mc_err_name(err.code), err.msg);
		assert_int_equal(rc, cases[i].want == MC_EC_NONE ? 0 : -1);
		if (rc == 0) {
			assert_int_equal(s.iops, cases[i].want_iops);
			assert_int_equal(s.throughput, cases[i].want_tput);
		} else {
			assert_true(strlen(err.msg) > 10);
		}
	}
}

static void
test_messages(void **state)
{
	struct ctl_vol_spec	s = { CTL_VT_GP2, 0, NO, NO };
	struct mc_err		err = { 0 };

	(void)state;
	assert_int_equal(ctl_vol_spec_check(&s, &err), -1);
	assert_string_equal(err.msg, "Volume of 0GiB is too small; minimum is "
	    "1GiB.");
	memset(&err, 0, sizeof(err));
	s.size_gib = 20000;
	assert_int_equal(ctl_vol_spec_check(&s, &err), -1);
	assert_string_equal(err.msg, "Volume of 20000GiB is too large for "
	    "volume type gp2; maximum is 16384GiB.");
}

static void
test_modify(void **state)
{
	static const struct {
		struct ctl_vol_spec	old;	/* as stored */
		struct ctl_vol_spec	want;	/* as asked */
		enum mc_ec		code;
		long long		iops, tput;
	} cases[] = {
		{ { CTL_VT_GP3, 10, 3000, 125 }, { CTL_VT_GP3, 20, NO, NO },
		    MC_EC_NONE, 3000, 125 },
		{ { CTL_VT_GP3, 10, 4000, 500 }, { CTL_VT_GP3, 10, NO, NO },
		    MC_EC_NONE, 4000, 500 },
		{ { CTL_VT_GP3, 10, 3000, 125 }, { CTL_VT_GP3, 9, NO, NO },
		    MC_EC_INVALID_PARAMETER_VALUE, 0, 0 },
		{ { CTL_VT_GP2, 10, 100, 0 }, { CTL_VT_GP2, 100, NO, NO },
		    MC_EC_NONE, 300, 0 },
		{ { CTL_VT_GP2, 10, 100, 0 }, { CTL_VT_GP3, 10, NO, NO },
		    MC_EC_NONE, 3000, 125 },
		{ { CTL_VT_GP3, 10, 3000, 125 }, { CTL_VT_GP2, 10, NO, NO },
		    MC_EC_NONE, 100, 0 },
		{ { CTL_VT_GP3, 10, 3000, 125 }, { CTL_VT_IO1, 10, NO, NO },
		    MC_EC_MISSING_PARAMETER, 0, 0 },
		{ { CTL_VT_IO1, 10, 400, 0 }, { CTL_VT_IO1, 12, NO, NO },
		    MC_EC_NONE, 400, 0 },
		{ { CTL_VT_IO1, 10, 400, 0 }, { CTL_VT_IO1, 10, 600, NO },
		    MC_EC_INVALID_PARAMETER_VALUE, 0, 0 },
		{ { CTL_VT_GP2, 10, 100, 0 }, { CTL_VT_GP2, 10, NO, 200 },
		    MC_EC_INVALID_PARAMETER_COMBINATION, 0, 0 },
		{ { CTL_VT_GP2, 10, 100, 0 }, { CTL_VT_ST1, 10, NO, NO },
		    MC_EC_INVALID_PARAMETER_VALUE, 0, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ctl_vol_spec	want = cases[i].want;
		struct mc_err		err = { 0 };
		int			rc;

		rc = ctl_vol_spec_modify(&cases[i].old, &want, &err);
		if (err.code != cases[i].code)
			fail_msg("case %zu: got %s (%s)", i,
			    mc_err_name(err.code), err.msg);
		assert_int_equal(rc, cases[i].code == MC_EC_NONE ? 0 : -1);
		if (rc == 0) {
			assert_int_equal(want.iops, cases[i].iops);
			assert_int_equal(want.throughput, cases[i].tput);
		}
	}
}

static void
test_devices(void **state)
{
	static const struct {
		const char	*a, *b;
		bool		 same;
	} pairs[] = {
		{ "/dev/sdf", "/dev/sdf", true },
		{ "/dev/sdf", "/dev/xvdf", true },
		{ "/dev/sdf1", "/dev/sdf", true },
		{ "/dev/vdf", "/dev/xvdf2", true },
		{ "/dev/sda1", "/dev/xvda", true },
		{ "/dev/sdf", "/dev/sdg", false },
		{ "/dev/xvdba", "/dev/xvdb", false },
		{ "/dev/xvdba", "/dev/sdba", true },
		{ "/dev/nvme0n1", "/dev/nvme0n1", true },
		{ "/dev/nvme0n1", "/dev/sda", false },
		{ "/dev/sdf", "", false },
	};
	static const char *const ok[] = { "/dev/sdf", "/dev/xvdz", "/dev/vdb",
	    "/dev/sdba", "/dev/sdf15", "/dev/xvda" };
	static const char *const bad[] = { "", "/dev/sd", "/dev/sdF",
	    "/dev/hdf", "/dev/sdabc", "/dev/sdf0", "/dev/sdf16", "sdf",
	    "/dev/sdf ", "/dev/sdf/../sdg", "/dev/nvme1n1", "/dev/sdf01" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		assert_int_equal(ctl_vol_device_same(pairs[i].a, pairs[i].b),
		    pairs[i].same);
		assert_int_equal(ctl_vol_device_same(pairs[i].b, pairs[i].a),
		    pairs[i].same);
	}
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		assert_true(ctl_vol_device_ok(ok[i]));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(ctl_vol_device_ok(bad[i]));
	assert_false(ctl_vol_device_ok(NULL));
}

static void
test_device_check(void **state)
{
	static const char *const used[] = { "/dev/sdf", "/dev/xvdg" };
	static const struct {
		const char	*dev, *root;
		size_t		 n_used;
		enum mc_ec	 want;
	} cases[] = {
		{ "/dev/sdh", "/dev/xvda", 2, MC_EC_NONE },
		{ "/dev/sdf", "/dev/xvda", 2, MC_EC_INVALID_PARAMETER_VALUE },
		{ "/dev/xvdf", "/dev/xvda", 2, MC_EC_INVALID_PARAMETER_VALUE },
		{ "/dev/sdg", "/dev/xvda", 2, MC_EC_INVALID_PARAMETER_VALUE },
		{ "/dev/sdg", "/dev/xvda", 1, MC_EC_NONE },
		{ "/dev/xvda", "/dev/xvda", 0, MC_EC_INVALID_PARAMETER_VALUE },
		{ "/dev/sda1", "/dev/xvda", 0, MC_EC_INVALID_PARAMETER_VALUE },
		{ "/dev/sda", "/dev/sda1", 0, MC_EC_INVALID_PARAMETER_VALUE },
		{ "/dev/xvda", NULL, 0, MC_EC_NONE },
		{ "/dev/bad", "/dev/xvda", 0, MC_EC_INVALID_PARAMETER_VALUE },
		{ NULL, "/dev/xvda", 0, MC_EC_INVALID_PARAMETER_VALUE },
	};
	const char	*many[CTL_VOL_ATTACH_MAX];
	char		 names[CTL_VOL_ATTACH_MAX][16];
	struct mc_err	 err = { 0 };
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mc_err e = { 0 };

		assert_int_equal(ctl_vol_device_check(cases[i].dev,
		    cases[i].root, used, cases[i].n_used, &e),
		    cases[i].want == MC_EC_NONE ? 0 : -1);
		assert_int_equal(e.code, cases[i].want);
	}
	assert_int_equal(ctl_vol_device_check("/dev/sdf", "/dev/xvda", used, 2,
	    &err), -1);
	assert_string_equal(err.msg, "Invalid value '/dev/sdf' for unixDevice. "
	    "Attachment point /dev/sdf is already in use");
	/* 24 in use: the 25th is over the limit, wherever it goes. */
	for (i = 0; i < CTL_VOL_ATTACH_MAX; i++) {
		(void)snprintf(names[i], sizeof(names[i]), "/dev/sd%c%c",
		    (int)('b' + i / 20), (int)('a' + i % 20));
		many[i] = names[i];
	}
	memset(&err, 0, sizeof(err));
	assert_int_equal(ctl_vol_device_check("/dev/sdz", "/dev/xvda", many,
	    CTL_VOL_ATTACH_MAX, &err), -1);
	assert_int_equal(err.code, MC_EC_ATTACHMENT_LIMIT_EXCEEDED);
	memset(&err, 0, sizeof(err));
	assert_int_equal(ctl_vol_device_check("/dev/sdz", "/dev/xvda", many,
	    CTL_VOL_ATTACH_MAX - 1, &err), 0);
}

static void
test_astates(void **state)
{
	static const struct {
		enum ctl_vol_astate	from;
		enum ctl_vol_seen	seen;
		enum ctl_vol_astate	to;
	} cases[] = {
		{ CTL_VA_ATTACHING, CTL_VS_PRESENT, CTL_VA_ATTACHED },
		{ CTL_VA_ATTACHING, CTL_VS_ABSENT, CTL_VA_ATTACHING },
		{ CTL_VA_ATTACHING, CTL_VS_NO_DOMAIN, CTL_VA_ATTACHED },
		{ CTL_VA_ATTACHED, CTL_VS_PRESENT, CTL_VA_ATTACHED },
		{ CTL_VA_ATTACHED, CTL_VS_ABSENT, CTL_VA_ATTACHED },
		{ CTL_VA_ATTACHED, CTL_VS_NO_DOMAIN, CTL_VA_ATTACHED },
		{ CTL_VA_DETACHING, CTL_VS_PRESENT, CTL_VA_DETACHING },
		{ CTL_VA_DETACHING, CTL_VS_ABSENT, CTL_VA_DETACHED },
		{ CTL_VA_DETACHING, CTL_VS_NO_DOMAIN, CTL_VA_DETACHED },
		{ CTL_VA_DETACHED, CTL_VS_PRESENT, CTL_VA_DETACHED },
		{ CTL_VA__MAX, CTL_VS_PRESENT, CTL_VA__MAX },
		{ CTL_VA_ATTACHING, CTL_VS__MAX, CTL_VA_ATTACHING },
	};
	static const char *const names[] = { "attaching", "attached",
	    "detaching", "detached" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(ctl_vol_astate_next(cases[i].from,
		    cases[i].seen), cases[i].to);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		assert_int_equal(ctl_vol_astate_parse(names[i]), (int)i);
		assert_string_equal(ctl_vol_astate_name(
		    (enum ctl_vol_astate)i), names[i]);
	}
	assert_int_equal(ctl_vol_astate_parse("busy"), -1);
	assert_int_equal(ctl_vol_astate_parse(NULL), -1);
	assert_true(ctl_vol_astate_wanted(CTL_VA_ATTACHING));
	assert_true(ctl_vol_astate_wanted(CTL_VA_ATTACHED));
	assert_false(ctl_vol_astate_wanted(CTL_VA_DETACHING));
	assert_false(ctl_vol_astate_wanted(CTL_VA_DETACHED));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_spec),
		cmocka_unit_test(test_messages),
		cmocka_unit_test(test_modify),
		cmocka_unit_test(test_devices),
		cmocka_unit_test(test_device_check),
		cmocka_unit_test(test_astates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

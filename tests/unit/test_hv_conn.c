/*
 * Tests of hv_conn: the KVM-or-TCG choice from fake cpuinfo files and
 * fake /dev/kvm paths, and connections to libvirt's in-process test
 * driver (test:///default), which needs no daemon.
 */
#include "mc_test.h"

#include "mc_cleanup.h"
#include "mc_err.h"
#include "hv_conn.h"

#define DATA	"data/hv_conn"
#define OPENS	"/dev/null"			/* opens read-write */
#define MISSING	"/nonexistent/minicloud/kvm"	/* does not */

static const struct {
	const char	*choice;
	const char	*cpuinfo;	/* under DATA; NULL: a missing file */
	const char	*kvm;
	int		 rc;
	enum hv_accel	 want;
	const char	*msg;		/* why on success, err.msg on failure */
} accel_cases[] = {
	{ "auto", "vmx", OPENS, 0, HV_ACCEL_KVM,
	    "vmx in " DATA "/vmx.cpuinfo and /dev/null opens" },
	{ "auto", "svm", OPENS, 0, HV_ACCEL_KVM,
	    "svm in " DATA "/svm.cpuinfo and /dev/null opens" },
	{ "auto", "second-cpu", OPENS, 0, HV_ACCEL_KVM, NULL },
	{ "auto", "tight", OPENS, 0, HV_ACCEL_KVM, NULL },
	{ "auto", "vmx", MISSING, 0, HV_ACCEL_TCG,
	    "vmx in " DATA "/vmx.cpuinfo but " MISSING " does not open: "
	    "No such file or directory" },
	{ "auto", "none", OPENS, 0, HV_ACCEL_TCG,
	    "no vmx/svm in " DATA "/none.cpuinfo" },
	{ "auto", "lookalike", OPENS, 0, HV_ACCEL_TCG, NULL },
	{ "auto", "empty", OPENS, 0, HV_ACCEL_TCG, NULL },
	{ "auto", NULL, OPENS, 0, HV_ACCEL_TCG,
	    "cannot read " DATA "/missing.cpuinfo: No such file or directory" },
	{ "tcg", "vmx", OPENS, 0, HV_ACCEL_TCG,
	    "tcg chosen in the configuration" },
	{ "kvm", "svm", OPENS, 0, HV_ACCEL_KVM, NULL },
	{ "kvm", "none", OPENS, -1, 0,
	    "kvm chosen but not usable: no vmx/svm in " DATA "/none.cpuinfo" },
	{ "kvm", "vmx", MISSING, -1, 0, NULL },
	{ "KVM", "vmx", OPENS, -1, 0,
	    "accelerator \"KVM\" is not auto, kvm or tcg" },
	{ "", "vmx", OPENS, -1, 0, NULL },
	{ NULL, "vmx", OPENS, -1, 0, NULL },
};

static void
test_accel_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < MC_NELEMS(accel_cases); i++) {
		struct mc_err	err = { 0 };
		enum hv_accel	got = HV_ACCEL__MAX;
		char		path[256], why[256] = "untouched";
		int		rc;

		(void)snprintf(path, sizeof(path), DATA "/%s.cpuinfo",
		    accel_cases[i].cpuinfo != NULL ? accel_cases[i].cpuinfo :
		    "missing");
		rc = hv_accel_choose(accel_cases[i].choice, path,
		    accel_cases[i].kvm, &got, why, sizeof(why), &err);
		if (rc != accel_cases[i].rc)
			fail_msg("case %zu: rc %d (%s)", i, rc, err.msg);
		if (rc == 0) {
			assert_int_equal(got, accel_cases[i].want);
			assert_int_equal(err.code, MC_EC_NONE);
		} else {
			assert_int_equal(got, HV_ACCEL__MAX);
			assert_string_equal(why, "untouched");
			assert_int_equal(err.code,
			    MC_EC_INVALID_PARAMETER_VALUE);
		}
		if (accel_cases[i].msg != NULL)
			assert_string_equal(rc == 0 ? why : err.msg,
			    accel_cases[i].msg);
	}
}

/* why may be left out, and is cut to its size. */
static void
test_accel_why(void **state)
{
	enum hv_accel	got;
	char		why[8];

	(void)state;
	assert_int_equal(hv_accel_choose("auto", DATA "/none.cpuinfo", OPENS,
	    &got, NULL, 0, NULL), 0);
	assert_int_equal(got, HV_ACCEL_TCG);
	assert_int_equal(hv_accel_choose("auto", DATA "/none.cpuinfo", OPENS,
	    &got, why, sizeof(why), NULL), 0);
	assert_string_equal(why, "no vmx/");
	assert_string_equal(hv_accel_name(HV_ACCEL_KVM), "kvm");
	assert_string_equal(hv_accel_name(HV_ACCEL_TCG), "tcg");
	assert_string_equal(hv_accel_name(HV_ACCEL__MAX), "?");
}

static void
test_init_twice(void **state)
{
	struct mc_err err = { 0 };

	(void)state;
	assert_int_equal(hv_init(&err), 0);
	assert_int_equal(hv_init(&err), 0);
	assert_int_equal(hv_init(NULL), 0);
	assert_int_equal(err.code, MC_EC_NONE);
}

static void
test_test_driver(void **state)
{
	struct hv_conn		*c = NULL;
	struct hv_capacity	 cap;
	struct mc_err		 err = { 0 };

	(void)state;
	assert_int_equal(hv_init(&err), 0);
	assert_int_equal(hv_conn_open("test:///default", &c, &err), 0);
	assert_true(hv_conn_alive(c));
	assert_non_null(hv_conn_virt(c));
	assert_int_equal(hv_conn_capacity(c, &cap, &err), 0);
	/* The test driver's fixed host: 16 CPUs, 3 GiB. */
	assert_int_equal(cap.vcpus, 16);
	assert_int_equal(cap.mem_mib, 3 * 1024);
	hv_conn_free(c);
	hv_conn_free(NULL);
	assert_false(hv_conn_alive(NULL));
}

static void
test_open_fails(void **state)
{
	static const char *const uris[] = {
		"nosuchdriver:///system",
		"qemu:///bogus",
		"",
	};
	struct hv_conn	*c = NULL;
	size_t		 i;

	(void)state;
	for (i = 0; i < MC_NELEMS(uris); i++) {
		struct mc_err err = { 0 };

		assert_int_equal(hv_conn_open(uris[i], &c, &err), -1);
		assert_null(c);
		if (uris[i][0] == '\0') {
			assert_string_equal(err.msg, "no libvirt URI");
			continue;
		}
		assert_int_equal(err.code, MC_EC_INTERNAL_ERROR);
		assert_non_null(strstr(err.msg, "cannot connect to libvirt at "));
		assert_non_null(strstr(err.msg, uris[i]));
	}
	assert_int_equal(hv_conn_open(NULL, &c, NULL), -1);
	assert_null(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accel_table),
		cmocka_unit_test(test_accel_why),
		cmocka_unit_test(test_init_twice),
		cmocka_unit_test(test_test_driver),
		cmocka_unit_test(test_open_fails),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

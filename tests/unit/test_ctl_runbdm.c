/*
 * Tests of ctl_runbdm_parse: RunInstances' BlockDeviceMapping.N read
 * into volumes to make (defaults, NoDevice and VirtualName ignored, a
 * snapshot named; ctl_runbdm_resolve is tested end to end) and
 * the mappings refused (device names, repeats, sizes, snapshots,
 * encryption, the limit), and the root volume (the image's size, or a
 * larger one mapped; never smaller, never kept after termination).
 */
#include "ctl_test.h"

#include <stdio.h>
#include <string.h>

#include "mc_err.h"
#include "ctl_query.h"
#include "ctl_runbdm.h"

#define ROOT	"/dev/xvda"
#define ROOT_GIB 2	/* the image's size */

/* Parse the form text s; the query stays in *q for the borrowed names. */
static int
parse(struct ctl_query *q, const char *s, struct ctl_runbdm *b,
    struct mc_err *err)
{
	struct mc_err qerr = { 0 };

	ctl_query_init(q);
	assert_int_equal(ctl_query_add(q, s, strlen(s), &qerr), 0);
	assert_int_equal(ctl_query_finish(q, &qerr), 0);
	return ctl_runbdm_parse(q, ROOT, ROOT_GIB, "", b, err);
}

static void
test_made(void **state)
{
	struct ctl_query	q;
	struct ctl_runbdm	b;
	struct mc_err		err = { 0 };

	(void)state;
	assert_int_equal(parse(&q, "BlockDeviceMapping.1.DeviceName=/dev/sdf&"
	    "BlockDeviceMapping.1.Ebs.VolumeSize=2&"
	    "BlockDeviceMapping.2.DeviceName=/dev/sdg&"
	    "BlockDeviceMapping.2.Ebs.VolumeSize=10&"
	    "BlockDeviceMapping.2.Ebs.VolumeType=gp3&"
	    "BlockDeviceMapping.2.Ebs.Iops=4000&"
	    "BlockDeviceMapping.2.Ebs.DeleteOnTermination=false&"
	    "BlockDeviceMapping.3.DeviceName=/dev/sdh&"
	    "BlockDeviceMapping.3.NoDevice=&"
	    "BlockDeviceMapping.4.DeviceName=/dev/sdb&"
	    "BlockDeviceMapping.4.VirtualName=ephemeral0&"
	    "BlockDeviceMapping.5.DeviceName=/dev/xvda&"
	    "BlockDeviceMapping.5.NoDevice=", &b, &err), 0);
	assert_int_equal(err.code, MC_EC_NONE);
	assert_int_equal(b.n, 2);
	assert_string_equal(b.v[0].device, "/dev/sdf");
	assert_int_equal(b.v[0].spec.type, CTL_VT_GP2);
	assert_int_equal(b.v[0].spec.size_gib, 2);
	assert_int_equal(b.v[0].spec.iops, 100);
	assert_true(b.v[0].delete_on_termination);
	assert_string_equal(b.v[1].device, "/dev/sdg");
	assert_int_equal(b.v[1].spec.type, CTL_VT_GP3);
	assert_int_equal(b.v[1].spec.iops, 4000);
	assert_int_equal(b.v[1].spec.throughput, 125);
	assert_false(b.v[1].delete_on_termination);
	ctl_query_clear(&q);

	assert_int_equal(parse(&q, "ImageId=ami-1", &b, &err), 0);
	assert_int_equal(b.n, 0);
	ctl_query_clear(&q);

	/* From a snapshot: its size is settled once it is found. */
	assert_int_equal(parse(&q, "BlockDeviceMapping.1.DeviceName=/dev/sdf&"
	    "BlockDeviceMapping.1.Ebs.SnapshotId=snap-12345678", &b, &err), 0);
	assert_int_equal(b.n, 1);
	assert_string_equal(b.v[0].snapshot, "snap-12345678");
	assert_int_equal(b.v[0].spec.size_gib, -1);
	assert_true(b.v[0].delete_on_termination);
	ctl_query_clear(&q);
	assert_int_equal(parse(&q, "BlockDeviceMapping.1.DeviceName=/dev/sdf&"
	    "BlockDeviceMapping.1.Ebs.VolumeSize=2", &b, &err), 0);
	assert_null(b.v[0].snapshot);
	ctl_query_clear(&q);
}

static void
test_refused(void **state)
{
	static const struct {
		const char	*form;
		enum mc_ec	 want;
	} cases[] = {
		{ "BlockDeviceMapping.1.Ebs.VolumeSize=1",
		    MC_EC_MISSING_PARAMETER },
		{ "BlockDeviceMapping.1.DeviceName=/dev/sdf",
		    MC_EC_MISSING_PARAMETER },
		{ "BlockDeviceMapping.1.DeviceName=/dev/foo&"
		    "BlockDeviceMapping.1.Ebs.VolumeSize=1",
		    MC_EC_INVALID_BLOCK_DEVICE_MAPPING },
		{ "BlockDeviceMapping.1.DeviceName=/dev/sdf&"
		    "BlockDeviceMapping.1.Ebs.VolumeSize=1&"
		    "BlockDeviceMapping.2.DeviceName=/dev/xvdf&"
		    "BlockDeviceMapping.2.Ebs.VolumeSize=1",
		    MC_EC_INVALID_BLOCK_DEVICE_MAPPING },
		{ "BlockDeviceMapping.1.DeviceName=/dev/xvda&"
		    "BlockDeviceMapping.1.Ebs.VolumeSize=1",
		    MC_EC_INVALID_BLOCK_DEVICE_MAPPING },
		{ "BlockDeviceMapping.1.DeviceName=/dev/sda1&"
		    "BlockDeviceMapping.1.Ebs.DeleteOnTermination=false",
		    MC_EC_OPERATION_NOT_PERMITTED },
		{ "BlockDeviceMapping.1.DeviceName=/dev/xvda&"
		    "BlockDeviceMapping.1.Ebs.VolumeSize=9&"
		    "BlockDeviceMapping.2.DeviceName=/dev/sda1&"
		    "BlockDeviceMapping.2.Ebs.VolumeSize=9",
		    MC_EC_INVALID_BLOCK_DEVICE_MAPPING },
		{ "BlockDeviceMapping.1.DeviceName=/dev/xvda&"
		    "BlockDeviceMapping.1.Ebs.VolumeSize=99999999",
		    MC_EC_INVALID_PARAMETER_VALUE },
		{ "BlockDeviceMapping.1.DeviceName=/dev/sdf&"
		    "BlockDeviceMapping.1.Ebs.VolumeSize=0",
		    MC_EC_INVALID_PARAMETER_VALUE },
		{ "BlockDeviceMapping.1.DeviceName=/dev/sdf&"
		    "BlockDeviceMapping.1.Ebs.VolumeSize=1&"
		    "BlockDeviceMapping.1.Ebs.VolumeType=gp9",
		    MC_EC_INVALID_PARAMETER_VALUE },
		{ "BlockDeviceMapping.1.DeviceName=/dev/sdf&"
		    "BlockDeviceMapping.1.Ebs.VolumeSize=1&"
		    "BlockDeviceMapping.1.Ebs.Iops=500",
		    MC_EC_INVALID_PARAMETER_COMBINATION },
		{ "BlockDeviceMapping.1.DeviceName=/dev/sdf&"
		    "BlockDeviceMapping.1.Ebs.VolumeSize=1&"
		    "BlockDeviceMapping.1.Ebs.Encrypted=true",
		    MC_EC_INVALID_PARAMETER_VALUE },
		{ "BlockDeviceMapping.1.DeviceName=/dev/xvda&"
		    "BlockDeviceMapping.1.Ebs.SnapshotId=snap-12345678",
		    MC_EC_INVALID_BLOCK_DEVICE_MAPPING },	/* not the image's */
		{ "BlockDeviceMapping.1.DeviceName=/dev/sdf&"
		    "BlockDeviceMapping.1.Ebs.SnapshotId=snip-1",
		    MC_EC_INVALID_SNAPSHOT_ID_MALFORMED },
	};
	struct ctl_query	q;
	struct ctl_runbdm	b;
	size_t			i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mc_err err = { 0 };

		assert_int_equal(parse(&q, cases[i].form, &b, &err), -1);
		if (err.code != cases[i].want)
			fail_msg("%s: %d, not %d (%s)", cases[i].form, err.code,
			    cases[i].want, err.msg);
		ctl_query_clear(&q);
	}
}

/* The root volume: the image's size by default, a mapping grows it. */
static void
test_root(void **state)
{
	struct ctl_query	q;
	struct ctl_runbdm	b;
	struct mc_err		err = { 0 };

	(void)state;
	assert_int_equal(parse(&q, "ImageId=ami-1", &b, &err), 0);
	assert_int_equal(b.root.size_gib, ROOT_GIB);
	assert_int_equal(b.root.type, CTL_VT_GP2);
	assert_false(b.root_mapped);
	assert_string_equal(b.root_device, ROOT);
	ctl_query_clear(&q);
	assert_int_equal(parse(&q, "BlockDeviceMapping.1.DeviceName=/dev/sda1&"
	    "BlockDeviceMapping.1.Ebs.VolumeSize=9&"
	    "BlockDeviceMapping.1.Ebs.VolumeType=gp3&"
	    "BlockDeviceMapping.2.DeviceName=/dev/sdf&"
	    "BlockDeviceMapping.2.Ebs.VolumeSize=1", &b, &err), 0);
	assert_int_equal(b.n, 1);
	assert_true(b.root_mapped);
	assert_int_equal(b.root.size_gib, 9);
	assert_int_equal(b.root.type, CTL_VT_GP3);
	ctl_query_clear(&q);
	/* Only the type: the image's size. */
	assert_int_equal(parse(&q, "BlockDeviceMapping.1.DeviceName=/dev/xvda&"
	    "BlockDeviceMapping.1.Ebs.VolumeType=standard", &b, &err), 0);
	assert_int_equal(b.root.size_gib, ROOT_GIB);
	assert_int_equal(b.root.type, CTL_VT_STANDARD);
	ctl_query_clear(&q);
}

static void
test_limit(void **state)
{
	struct ctl_query	q;
	struct ctl_runbdm	b;
	struct mc_err		err = { 0 };
	char			form[4096];
	size_t			len = 0;
	int			i;

	(void)state;
	for (i = 0; i < CTL_RUNBDM_MAX + 1; i++)
		len += (size_t)snprintf(form + len, sizeof(form) - len,
		    "%sBlockDeviceMapping.%d.DeviceName=/dev/sd%c%c&"
		    "BlockDeviceMapping.%d.Ebs.VolumeSize=1", i ? "&" : "",
		    i + 1, 'b' + i / 20, 'a' + i % 20, i + 1);
	assert_int_equal(parse(&q, form, &b, &err), -1);
	assert_int_equal(err.code, MC_EC_ATTACHMENT_LIMIT_EXCEEDED);
	ctl_query_clear(&q);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_made),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_root),
		cmocka_unit_test(test_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Tests of mc_proto: each message survives encode then decode, and the
 * decoders refuse what the other side must not send.
 */
#include "mc_test.h"

#include "mc_err.h"
#include "mc_proto.h"

static void
test_host_round_trip(void **state)
{
	struct mc_proto_host	h = { "host-1", "mc-1a", 2, 23000, 80, "tcg",
	    "no vmx/svm in /proc/cpuinfo", "0.3" }, back;
	struct mc_err		err = { 0 };
	char			*json = mc_proto_host_json(&h);

	(void)state;
	assert_non_null(json);
	assert_int_equal(mc_proto_host_parse(json, strlen(json), &back, &err),
	    0);
	assert_string_equal(back.name, "host-1");
	assert_int_equal(back.mem_mib, 23000);
	assert_string_equal(back.accel_why, "no vmx/svm in /proc/cpuinfo");
	free(json);
}

static void
test_desired_round_trip(void **state)
{
	struct mc_proto_inst	w;
	struct mc_proto_desired	d = { 7, 60, &w, 1 }, back;
	struct mc_err		err = { 0 };
	char			*json;

	(void)state;
	memset(&w, 0, sizeof(w));
	strcpy(w.id, "i-0123456789abcdef0");
	strcpy(w.account, "123456789012");
	strcpy(w.reservation, "r-0123456789abcdef0");
	strcpy(w.type, "t3.micro");
	w.vcpus = 2;
	w.mem_mib = 1024;
	strcpy(w.image.id, "ami-0123456789abcdef0");
	strcpy(w.image.format, "qcow2");
	memset(w.image.sha256, 'a', 64);
	w.image.size = 12345;
	w.want = MC_PROTO_WANT_STOPPED;
	strcpy(w.state, "stopping");
	w.force = true;
	w.reboot_seq = 3;
	json = mc_proto_desired_json(&d);
	assert_non_null(json);
	assert_null(strstr(json, "\"kernel\""));	/* empty: left out */
	assert_int_equal(mc_proto_desired_parse(json, strlen(json), &back,
	    &err), 0);
	assert_int_equal(back.generation, 7);
	assert_int_equal(back.n, 1);
	assert_string_equal(back.v[0].id, w.id);
	assert_int_equal(back.v[0].want, MC_PROTO_WANT_STOPPED);
	assert_true(back.v[0].force);
	assert_int_equal(back.v[0].reboot_seq, 3);
	assert_int_equal(back.v[0].image.size, 12345);
	assert_string_equal(back.v[0].kernel.id, "");
	mc_proto_desired_clear(&back);
	free(json);
}

static void
test_report_bad_table(void **state)
{
	static const char *const bad[] = {
		"",
		"[]",
		"{\"instances\": 5}",
		"{\"instances\": [{\"id\": \"i-0123456789abcdef0\"}]}",
		"{\"instances\": [{\"id\": \"i-XYZ\", \"state\": \"running\"}]}",
		"{\"instances\": [{\"id\": \"i-0123456789abcdef0\", "
		    "\"state\": \"flying\"}]}",
		"{\"instances\": [{\"id\": \"i-0123456789abcdef0\", "
		    "\"state\": \"running\", \"reboot_seq\": -1}]}",
		"{\"instances\": [{\"id\": \"i-0123456789abcdef0\", "
		    "\"state\": \"running\", \"error\": \"a\\u0001b\"}]}",
		"{\"generation\": \"seven\"}",
		"{} trailing",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct mc_proto_report	r;
		struct mc_err		err = { 0 };

		if (mc_proto_report_parse(bad[i], strlen(bad[i]), &r, &err) == 0)
			fail_msg("case %zu accepted: %s", i, bad[i]);
		assert_int_equal(err.code, MC_EC_INVALID_PARAMETER_VALUE);
	}
}

static void
test_host_bad_table(void **state)
{
	static const char *const bad[] = {
		"{\"name\": \"Host\", \"zone\": \"z\", \"vcpus\": 1, "
		    "\"mem_mib\": 1, \"disk_gib\": 1, \"accel\": \"tcg\"}",
		"{\"name\": \"h\", \"zone\": \"z\", \"vcpus\": 0, "
		    "\"mem_mib\": 1, \"disk_gib\": 1, \"accel\": \"tcg\"}",
		"{\"name\": \"h\", \"zone\": \"z\", \"vcpus\": 1, "
		    "\"mem_mib\": 1, \"disk_gib\": 1, \"accel\": \"xen\"}",
		"{\"name\": \"../etc\", \"zone\": \"z\", \"vcpus\": 1, "
		    "\"mem_mib\": 1, \"disk_gib\": 1, \"accel\": \"tcg\"}",
		"{\"name\": \"h\", \"vcpus\": 1, \"mem_mib\": 1, "
		    "\"disk_gib\": 1, \"accel\": \"tcg\"}",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct mc_proto_host	h;
		struct mc_err		err = { 0 };

		if (mc_proto_host_parse(bad[i], strlen(bad[i]), &h, &err) == 0)
			fail_msg("case %zu accepted", i);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_host_round_trip),
		cmocka_unit_test(test_desired_round_trip),
		cmocka_unit_test(test_report_bad_table),
		cmocka_unit_test(test_host_bad_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Tests of hv_domain that need no guest, on libvirt's in-process test
 * driver: its error paths, listing, and the disk logic.  A real
 * instance on qemu:///system, with and without volumes:
 * test_hv_domain_real.c.  Fixtures: hv_domain_test.h.
 */
#include "hv_domain_test.h"

#include "mc_cleanup.h"
#include "mc_err.h"

#define OTHER_ID	"i-0d0d0d0d0d0d0d0d0"

static struct hv_conn *
open_test_driver(void)
{
	struct hv_conn	*c = NULL;
	struct mc_err	 err = { 0 };

	assert_int_equal(hv_init(&err), 0);
	assert_int_equal(hv_conn_open("test:///default", &c, &err), 0);
	return c;
}

/* Names that are not instance ids never reach libvirt. */
static void
test_bad_names(void **state)
{
	static const char *const names[] = {
		"test", "", "i-0F0F0F0F0F0F0F0F0", "i-0f0f0f0f0f0f0f0f0'", NULL,
	};
	struct hv_conn	*c = open_test_driver();
	enum hv_state	 st = HV_STATE__MAX;
	char		*xml = NULL;
	size_t		 i;

	(void)state;
	for (i = 0; i < MC_NELEMS(names); i++) {
		struct mc_err	err[7];
		const char	*n = names[i];

		memset(err, 0, sizeof(err));
		assert_int_equal(hv_domain_start(c, n, &err[0]), -1);
		assert_int_equal(hv_domain_shutdown(c, n, &err[1]), -1);
		assert_int_equal(hv_domain_destroy(c, n, &err[2]), -1);
		assert_int_equal(hv_domain_reboot(c, n, true, &err[3]), -1);
		assert_int_equal(hv_domain_undefine(c, n, &err[4]), -1);
		assert_int_equal(hv_domain_state(c, n, &st, &err[5]), -1);
		assert_int_equal(hv_domain_xml(c, n, &xml, &err[6]), -1);
		for (size_t k = 0; k < MC_NELEMS(err); k++)
			assert_int_equal(err[k].code,
			    MC_EC_INVALID_INSTANCE_ID_MALFORMED);
	}
	assert_int_equal(st, HV_STATE__MAX);
	assert_null(xml);
	hv_conn_free(c);
}

/* A missing domain: an error to act on, fine to stop or forget. */
static void
test_missing(void **state)
{
	struct hv_conn	*c = open_test_driver();
	struct mc_err	 err = { 0 };
	enum hv_state	 st = HV_STATE__MAX;
	char		*xml = NULL;

	(void)state;
	assert_int_equal(hv_domain_start(c, ID, &err), -1);
	assert_string_equal(err.msg, "domain " ID " does not exist");
	assert_int_equal(hv_domain_shutdown(c, ID, NULL), -1);
	assert_int_equal(hv_domain_reboot(c, ID, false, NULL), -1);
	assert_int_equal(hv_domain_xml(c, ID, &xml, NULL), -1);
	assert_null(xml);
	memset(&err, 0, sizeof(err));
	assert_int_equal(hv_domain_destroy(c, ID, &err), 0);
	assert_int_equal(hv_domain_undefine(c, ID, &err), 0);
	assert_int_equal(hv_domain_state(c, ID, &st, &err), 0);
	assert_int_equal(st, HV_STATE_NONE);
	assert_int_equal(err.code, MC_EC_NONE);
	hv_conn_free(c);
}

static void
test_define_list(void **state)
{
	struct hv_conn		*c = open_test_driver();
	struct hv_spec		 spec;
	struct mc_err		 err = { 0 };
	MC_AUTOFREE struct hv_domain_info *list = NULL;
	MC_AUTOFREE char	*xml = NULL;
	size_t			 n = 99;
	enum hv_state		 st;

	(void)state;
	/* The test driver's own domain "test" is not ours. */
	assert_int_equal(hv_domain_list(c, &list, &n, &err), 0);
	assert_null(list);
	assert_int_equal(n, 0);
	spec_fill(&spec, ID, "/nonexistent", false);
	spec.vcpus = 0;
	assert_int_equal(hv_domain_define(c, &spec, &err), -1);
	assert_int_equal(err.code, MC_EC_INVALID_PARAMETER_VALUE);
	memset(&err, 0, sizeof(err));
	spec.vcpus = 1;
	assert_int_equal(hv_domain_define(c, &spec, &err), 0);
	assert_int_equal(hv_domain_define(c, &spec, &err), 0);	/* again */
	assert_int_equal(hv_domain_start(c, ID, &err), 0);
	assert_int_equal(hv_domain_list(c, &list, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].meta.instance_id, ID);
	assert_string_equal(list[0].meta.account_id, "000000000042");
	assert_string_equal(list[0].meta.image_id, "ami-0000000000000c0de");
	assert_string_equal(list[0].meta.reservation_id, "r-0f0f0f0f0f0f0f0f0");
	assert_int_equal(list[0].state, HV_STATE_RUNNING);
	assert_int_equal(hv_domain_xml(c, ID, &xml, &err), 0);
	assert_non_null(strstr(xml, "<name>" ID "</name>"));
	/* A running domain is not undefined behind its back. */
	assert_int_equal(hv_domain_undefine(c, ID, &err), -1);
	assert_string_equal(err.msg,
	    "domain " ID ": cannot undefine it while it runs");
	memset(&err, 0, sizeof(err));
	assert_int_equal(hv_domain_destroy(c, ID, &err), 0);
	assert_int_equal(hv_domain_destroy(c, ID, &err), 0);	/* off: fine */
	assert_int_equal(hv_domain_state(c, ID, &st, &err), 0);
	assert_int_equal(st, HV_STATE_SHUTOFF);
	assert_int_equal(hv_domain_undefine(c, ID, &err), 0);
	hv_conn_free(c);
}

/* libvirt's refusals come back naming the domain. */
static void
test_libvirt_refuses(void **state)
{
	struct hv_conn	*c = open_test_driver();
	struct hv_spec	 spec;
	struct mc_err	 err = { 0 };

	(void)state;
	spec_fill(&spec, ID, "/nonexistent", false);
	assert_int_equal(hv_domain_define(c, &spec, &err), 0);
	/* Another name with the same UUID. */
	strcpy(spec.instance_id, OTHER_ID);
	assert_int_equal(hv_domain_define(c, &spec, &err), -1);
	assert_int_equal(err.code, MC_EC_INTERNAL_ERROR);
	assert_true(strncmp(err.msg, "domain " OTHER_ID ": cannot define it: ",
	    strlen("domain " OTHER_ID ": cannot define it: ")) == 0);
	assert_non_null(strstr(err.msg, "already"));
	assert_int_equal(hv_domain_undefine(c, ID, NULL), 0);
	hv_conn_free(c);
}

static void
test_disk_bad_names(void **state)
{
	static const char *const names[] = { "test", "", NULL };
	struct hv_conn	*c = open_test_driver();
	struct hv_disk	 d, *list = NULL;
	size_t		 i, n = 99;

	(void)state;
	disk_of(&d, "vdb", V1, HV_FORMAT_QCOW2, "/v/1.qcow2");
	for (i = 0; i < MC_NELEMS(names); i++) {
		struct mc_err	err[3];

		memset(err, 0, sizeof(err));
		assert_int_equal(hv_domain_disk_attach(c, names[i], &d,
		    &err[0]), -1);
		assert_int_equal(hv_domain_disk_detach(c, names[i], "vdb",
		    &err[1]), -1);
		assert_int_equal(hv_domain_disks(c, names[i], &list, &n,
		    &err[2]), -1);
		for (size_t k = 0; k < MC_NELEMS(err); k++)
			assert_int_equal(err[k].code,
			    MC_EC_INVALID_INSTANCE_ID_MALFORMED);
	}
	assert_null(list);
	assert_int_equal(n, 99);
	hv_conn_free(c);
}

/* Attach, detach and list without a guest: what needs no libvirt call. */
static void
test_disk_logic(void **state)
{
	struct hv_conn		*c = open_test_driver();
	MC_AUTOFREE struct hv_spec *spec = calloc(1, sizeof(*spec));
	struct hv_disk		 other, *list = NULL;
	struct mc_err		 err = { 0 };
	size_t			 n;

	(void)state;
	assert_non_null(spec);
	spec_fill(spec, ID, "/nonexistent", false);
	disk_of(&spec->disks[0], "vdb", V1, HV_FORMAT_QCOW2, "/v/1.qcow2");
	disk_of(&spec->disks[1], "vdc", V2, HV_FORMAT_RAW, "/v/2.raw");
	spec->n_disks = 2;
	assert_int_equal(hv_domain_disk_attach(c, ID, &spec->disks[0], &err),
	    -1);
	assert_string_equal(err.msg, "domain " ID " does not exist");
	assert_int_equal(hv_domain_disk_detach(c, ID, "vdb", NULL), -1);
	assert_int_equal(hv_domain_disks(c, ID, &list, &n, NULL), -1);
	assert_null(list);
	memset(&err, 0, sizeof(err));
	assert_int_equal(hv_domain_define(c, spec, &err), 0);
	expect_disks(c, spec->disks, 2);
	/* There already: nothing to do. */
	assert_int_equal(hv_domain_disk_attach(c, ID, &spec->disks[1], &err),
	    0);
	/* Taken: another serial at vdb, V1's serial at vdd. */
	other = spec->disks[1];
	strcpy(other.target, "vdb");
	assert_int_equal(hv_domain_disk_attach(c, ID, &other, &err), -1);
	assert_string_equal(err.msg, "domain " ID ": cannot attach disk vdb "
	    "(vol0f0f0f0f0f0f0f0f2): its target is taken by disk vdb "
	    "(vol0f0f0f0f0f0f0f0f1)");
	other = spec->disks[0];
	strcpy(other.target, "vdd");
	memset(&err, 0, sizeof(err));
	assert_int_equal(hv_domain_disk_attach(c, ID, &other, &err), -1);
	assert_non_null(strstr(err.msg, "its serial is taken by disk vdb"));
	/* The same target and serial on another file is another disk. */
	other = spec->disks[0];
	strcpy(other.path, "/v/elsewhere.qcow2");
	assert_int_equal(hv_domain_disk_attach(c, ID, &other, NULL), -1);
	strcpy(other.target, "vda");
	memset(&err, 0, sizeof(err));
	assert_int_equal(hv_domain_disk_attach(c, ID, &other, &err), -1);
	assert_int_equal(err.code, MC_EC_INVALID_PARAMETER_VALUE);
	/* Not there: nothing to do; bad names of disks. */
	assert_int_equal(hv_domain_disk_detach(c, ID, "vdx", &err), 0);
	assert_int_equal(hv_domain_disk_detach(c, ID, "vda", &err), 0);
	assert_int_equal(hv_domain_disk_detach(c, ID, "vol00000000000000009",
	    &err), 0);
	assert_int_equal(hv_domain_disk_detach(c, ID, "", &err), -1);
	assert_int_equal(hv_domain_disk_detach(c, ID, NULL, NULL), -1);
	assert_int_equal(hv_domain_disk_detach(c, ID, "vol0f0f0f0f0f0f0f0f10",
	    NULL), -1);
	/* The test driver cannot detach: libvirt's refusal, named. */
	memset(&err, 0, sizeof(err));
	assert_int_equal(hv_domain_disk_detach(c, ID, "vdb", &err), -1);
	assert_true(strncmp(err.msg, "domain " ID ": cannot detach disk vdb: ",
	    strlen("domain " ID ": cannot detach disk vdb: ")) == 0);
	/* Running: the live XML, which has both too. */
	assert_int_equal(hv_domain_start(c, ID, NULL), 0);
	expect_disks(c, spec->disks, 2);
	assert_int_equal(hv_domain_disk_attach(c, ID, &spec->disks[0], NULL),
	    0);
	assert_int_equal(hv_domain_destroy(c, ID, NULL), 0);
	assert_int_equal(hv_domain_undefine(c, ID, NULL), 0);
	hv_conn_free(c);
}

/* A Ceph RBD volume passes libvirt's schema and reads back whole. */
static void
test_disk_rbd_defines(void **state)
{
	struct hv_conn		*c = open_test_driver();
	MC_AUTOFREE struct hv_spec *spec = calloc(1, sizeof(*spec));
	MC_AUTOFREE struct hv_disk *got = NULL;
	struct hv_disk		*d;
	struct mc_err		 err = { 0 };
	size_t			 n = 0;

	(void)state;
	assert_non_null(spec);
	spec_fill(spec, ID, "/nonexistent", false);
	d = &spec->disks[spec->n_disks++];
	disk_of(d, "vdb", V1, HV_FORMAT_RAW, "");
	d->type = HV_DISK_NETWORK;
	strcpy(d->protocol, "rbd");
	strcpy(d->name, "volumes/" V1);
	strcpy(d->hosts[0].name, "10.0.0.1");
	d->hosts[0].port = 6789;
	strcpy(d->hosts[1].name, "mon2.example");
	d->n_hosts = 2;
	strcpy(d->auth_user, "minicloud");
	strcpy(d->auth_secret, "0123abcd-0000-4000-8000-00000000beef");
	if (hv_domain_define(c, spec, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(hv_domain_disks(c, ID, &got, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(got[0].type, HV_DISK_NETWORK);
	assert_string_equal(got[0].name, d->name);
	assert_int_equal(got[0].n_hosts, 2);
	assert_int_equal(got[0].hosts[0].port, 6789);
	assert_string_equal(got[0].hosts[1].name, "mon2.example");
	assert_string_equal(got[0].auth_secret, d->auth_secret);
	assert_int_equal(hv_domain_undefine(c, ID, NULL), 0);
	hv_conn_free(c);
}

static void
test_state_names(void **state)
{
	static const char *const want[HV_STATE__MAX] = {
		"none", "shutoff", "running", "shutdown", "paused", "crashed",
		"other",
	};
	int i;

	(void)state;
	for (i = 0; i < HV_STATE__MAX; i++)
		assert_string_equal(hv_state_name((enum hv_state)i), want[i]);
	assert_string_equal(hv_state_name(HV_STATE__MAX), "?");
}

int
main(void)
{
	const struct CMUnitTest driver[] = {
		cmocka_unit_test(test_bad_names),
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_define_list),
		cmocka_unit_test(test_libvirt_refuses),
		cmocka_unit_test(test_state_names),
		cmocka_unit_test(test_disk_bad_names),
		cmocka_unit_test(test_disk_logic),
		cmocka_unit_test(test_disk_rbd_defines),
	};

	return cmocka_run_group_tests_name("test driver", driver, NULL, NULL);
}

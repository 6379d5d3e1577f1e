/*
 * Tests of hv_xml and hv_spec on disks, beyond the golden files (in
 * test_hv_xml.c): what a .in file cannot say, refused by hv_disk_check
 * and hv_spec_check; the disk serial; the disks read back from
 * libvirt's XML and from hand-written XML.  Fixtures: hv_xml_test.h.
 */
#include "hv_xml_test.h"

#include "mc_buf.h"
#include "mc_cleanup.h"
#include "mc_err.h"
#include "hv_xml.h"

enum spoil {
	S_NONE, S_NET_PATH, S_FILE_NAME, S_FILE_HOST, S_FILE_AUTH, S_NO_HOSTS,
	S_HOSTS_5, S_HOST_EMPTY, S_HOST_LONG, S_TYPE, S_FORMAT, S_SERIAL_LONG,
	S_TARGET_LONG, S_SECRET_ONLY,
};

static void
disk_spoil(struct hv_disk *d, enum spoil how)
{
	switch (how) {
	case S_NET_PATH:	strcpy(d->path, "/x"); break;
	case S_FILE_NAME:	strcpy(d->name, "a/b"); break;
	case S_FILE_HOST:	d->n_hosts = 1; break;
	case S_FILE_AUTH:	strcpy(d->auth_user, "u"); break;
	case S_NO_HOSTS:	d->n_hosts = 0; break;
	case S_HOSTS_5:		d->n_hosts = 5; break;
	case S_HOST_EMPTY:	d->hosts[0].name[0] = '\0'; break;
	case S_HOST_LONG:
		memset(d->hosts[0].name, 'a', sizeof(d->hosts[0].name));
		break;
	case S_TYPE:		d->type = HV_DISK__MAX; break;
	case S_FORMAT:		d->format = (enum hv_format)-1; break;
	case S_SERIAL_LONG:
		memset(d->serial, 'a', sizeof(d->serial));
		break;
	case S_TARGET_LONG:	memcpy(d->target, "vdbb", 4); break;
	case S_SECRET_ONLY:
		strcpy(d->auth_secret, "0123abcd-0000-4000-8000-00000000beef");
		break;
	case S_NONE:		break;
	}
}

/* What a .in file cannot say, checked through hv_disk_check. */
static void
test_disk_check_table(void **state)
{
	static const struct {
		bool		 net;
		enum spoil	 how;
		const char	*want;		/* NULL: accepted */
	} cases[] = {
		{ false, S_NONE, NULL },
		{ true, S_NONE, NULL },
		{ true, S_NET_PATH, "a network disk has a protocol and a name, "
		    "and no path" },
		{ false, S_FILE_NAME, "a file disk has no network source" },
		{ false, S_FILE_HOST, "a file disk has no network source" },
		{ false, S_FILE_AUTH, "a file disk has no network source" },
		{ true, S_NO_HOSTS, "a network disk has 1..4 hosts" },
		{ true, S_HOSTS_5, "a network disk has 1..4 hosts" },
		{ true, S_HOST_EMPTY, "a host is not a name" },
		{ true, S_HOST_LONG, "a host is not a name" },
		{ false, S_TYPE, "unknown type or format" },
		{ false, S_FORMAT, "unknown type or format" },
		{ false, S_SERIAL_LONG, "serial is not terminated" },
		{ false, S_TARGET_LONG, "target is not terminated" },
		{ true, S_SECRET_ONLY, "auth_user and auth_secret go together" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < MC_NELEMS(cases); i++) {
		struct hv_disk	 d;
		struct mc_err	 err = { 0 };
		char		*xml = NULL;
		int		 rc;

		disk_fill(&d, cases[i].net);
		disk_spoil(&d, cases[i].how);
		rc = hv_disk_check(&d, &err);
		if (cases[i].want == NULL) {
			if (rc != 0)
				fail_msg("case %zu: %s", i, err.msg);
			continue;
		}
		assert_int_equal(rc, -1);
		assert_int_equal(err.code, MC_EC_INVALID_PARAMETER_VALUE);
		if (strncmp(err.msg, "invalid disk: ", 14) != 0 ||
		    strncmp(err.msg + 14, cases[i].want,
		    strlen(cases[i].want)) != 0)
			fail_msg("case %zu: %s", i, err.msg);
		assert_int_equal(hv_xml_disk(&d, &xml, NULL), -1);
		assert_null(xml);
	}
}

static void
test_too_many_disks(void **state)
{
	MC_AUTOFREE struct hv_spec	*spec = calloc(1, sizeof(*spec));
	struct mc_err			 err = { 0 };
	size_t				 i;

	(void)state;
	assert_non_null(spec);
	spec_load(DATA "/tcg.in", spec);
	for (i = 0; i < HV_DISKS_MAX; i++) {
		disk_fill(&spec->disks[i], false);
		spec->disks[i].target[2] = (char)('b' + i);
		(void)snprintf(spec->disks[i].serial, HV_SERIAL_MAX + 1,
		    "vol%zu", i);
	}
	spec->n_disks = HV_DISKS_MAX;
	assert_int_equal(hv_spec_check(spec, &err), 0);
	spec->n_disks++;
	assert_int_equal(hv_spec_check(spec, &err), -1);
	assert_string_equal(err.msg,
	    "invalid instance spec: more than 24 disks");
}

static void
test_serial_for(void **state)
{
	static const struct {
		const char	*vol;
		const char	*want;		/* NULL: refused */
	} cases[] = {
		{ "vol-0123456789abcdef0", "vol0123456789abcdef0" },
		{ "vol-1a2b3c4d", "vol1a2b3c4d" },
		{ "vol-0123456789abcdef", NULL },
		{ "i-0123456789abcdef0", NULL },
		{ "", NULL },
		{ NULL, NULL },
	};
	size_t i;

	(void)state;
	for (i = 0; i < MC_NELEMS(cases); i++) {
		char		buf[HV_SERIAL_MAX + 1] = "untouched";
		struct mc_err	err = { 0 };
		int		rc = hv_serial_for(cases[i].vol, buf, &err);

		if (cases[i].want == NULL) {
			assert_int_equal(rc, -1);
			assert_int_equal(err.code,
			    MC_EC_INVALID_VOLUME_ID_MALFORMED);
			assert_string_equal(buf, "untouched");
			continue;
		}
		assert_int_equal(rc, 0);
		assert_string_equal(buf, cases[i].want);
	}
	assert_string_equal(hv_format_name(HV_FORMAT_RAW), "raw");
	assert_string_equal(hv_format_name(HV_FORMAT_QCOW2), "qcow2");
	assert_string_equal(hv_format_name(HV_FORMAT__MAX), "?");
}

/* Disks as libvirt gave them back: live with a backing chain, and rbd. */
static void
test_libvirt_disks(void **state)
{
	MC_AUTOFREE char	*live = mc_test_read(DATA
	    "/libvirt-disks-live.txt", NULL);
	MC_AUTOFREE char	*rbd = mc_test_read(DATA
	    "/libvirt-disks-rbd.txt", NULL);
	struct hv_disk		 want[2];

	(void)state;
	assert_non_null(live);
	assert_non_null(rbd);
	disk_fill(&want[0], false);
	strcpy(want[0].path,
	    "/tmp/mc-unit-hvdisk-fix/vol-0123456789abcdef0.qcow2");
	disk_fill(&want[1], false);
	strcpy(want[1].target, "vdc");
	strcpy(want[1].serial, "vol1a2b3c4d");
	want[1].format = HV_FORMAT_RAW;
	strcpy(want[1].path, "/tmp/mc-unit-hvdisk-fix/vol-1a2b3c4d.raw");
	check_disks(live, want, 2);
	disk_fill(&want[0], true);
	strcpy(want[0].serial, "vol00000000000000001");
	strcpy(want[0].name, "volumes/vol-00000000000000001");
	strcpy(want[0].hosts[0].name, "mon1.example");
	want[0].hosts[0].port = 6789;
	strcpy(want[0].hosts[1].name, "10.0.0.2");
	want[0].hosts[1].port = 3300;
	want[0].n_hosts = 2;
	strcpy(want[0].auth_user, "minicloud");
	strcpy(want[0].auth_secret, "0123abcd-0000-4000-8000-00000000beef");
	disk_fill(&want[1], false);
	strcpy(want[1].target, "vdz");
	strcpy(want[1].path,
	    "/var/lib/minicloud/volumes/vol-0123456789abcdef0.qcow2");
	check_disks(rbd, want, 2);
}

#define DISK(attrs, body) "<disk " attrs "><driver type='raw'/>" body \
	"</disk>"
#define DEV(disks)	"<domain><devices>" disks "</devices></domain>"
#define T_VDB		"<target dev='vdb'/><serial>s1</serial>"

/* Hand-written XML: what is an extra disk, and what is bad. */
static void
test_parse_disks_table(void **state)
{
	static const struct {
		const char	*xml;
		int		 want;	/* disks found, or -1 */
		const char	*path;	/* of the last one found */
	} cases[] = {
		{ DEV(DISK("type='file' device='disk'", "<source file='/a'/>"
		    T_VDB)), 1, "/a" },
		/* a CD-ROM, the root disk, a SCSI disk, a block device */
		{ DEV(DISK("type='file' device='cdrom'", T_VDB)), 0, NULL },
		{ DEV(DISK("type='file' device='disk'", "<target dev='vda'/>")),
		    0, NULL },
		{ DEV(DISK("type='file' device='disk'", "<target dev='sdb'/>")),
		    0, NULL },
		{ DEV(DISK("type='block' device='disk'", T_VDB)), 0, NULL },
		/* others' long values are skipped, not refused */
		{ DEV(DISK("type='file' device='disk'", "<target dev='vdaa'/>"
		    "<serial>a-serial-longer-than-twenty</serial>")), 0, NULL },
		{ DEV(DISK("type='file' device='disk'", T_VDB
		    "<driver type='vmdk'/>")), 0, NULL },
		/* sources below the disk's own are the backing chain's */
		{ DEV(DISK("type='file' device='disk'", "<source file='/a'/>"
		    "<backingStore><source file='/b'/></backingStore>" T_VDB)),
		    1, "/a" },
		/* disks outside <devices>, or prefixed, are not ours */
		{ "<domain>" DISK("type='file' device='disk'", T_VDB)
		    "</domain>", 0, NULL },
		{ DEV("<x:disk xmlns:x='urn:x' type='file' device='disk'>"
		    T_VDB "</x:disk>"), 0, NULL },
		{ DEV(DISK("type='network' device='disk'", "<source "
		    "protocol='rbd' name='p/i'><host name='h' port='x'/>"
		    "</source>" T_VDB)), -1, NULL },
		{ DEV(DISK("type='network' device='disk'", "<source "
		    "protocol='rbd' name='p/i'><host name='h' port='65536'/>"
		    "</source>" T_VDB)), -1, NULL },
		{ DEV(DISK("type='network' device='disk'", "<source "
		    "protocol='rbd' name='p/i'><host name='1'/><host name='2'/>"
		    "<host name='3'/><host name='4'/><host name='5'/></source>"
		    T_VDB)), -1, NULL },
		{ DEV(DISK("type='file' device='disk'", "<source file='/&bad;'/>"
		    T_VDB)), -1, NULL },
		{ DEV(DISK("type='file' device='disk'", "<target dev='vdb'/>"
		    "<serial>vol0123456789abcdef0X</serial>")), 0, NULL },
	};
	size_t i;

	(void)state;
	for (i = 0; i < MC_NELEMS(cases); i++) {
		MC_AUTOFREE struct hv_disk	*got = NULL;
		struct mc_err			 err = { 0 };
		size_t				 n = 99;
		int				 rc;

		rc = hv_xml_parse_disks(cases[i].xml, &got, &n, &err);
		if (cases[i].want < 0) {
			if (rc != -1)
				fail_msg("case %zu: accepted", i);
			assert_int_equal(n, 99);
			continue;
		}
		if (rc != 0 || (int)n != cases[i].want)
			fail_msg("case %zu: rc %d n %zu %s", i, rc, n, err.msg);
		if (n > 0)
			assert_string_equal(got[n - 1].path, cases[i].path);
	}
}

/* More extra disks than a domain may have is an error, not a cut. */
static void
test_parse_disks_many(void **state)
{
	struct mc_buf			 b;
	MC_AUTOFREE char		*xml = NULL;
	MC_AUTOFREE struct hv_disk	*got = NULL;
	struct mc_err			 err = { 0 };
	size_t				 n = 0, i;

	(void)state;
	mc_buf_init(&b, 1 << 20);
	mc_buf_adds(&b, "<domain><devices>");
	for (i = 0; i <= HV_DISKS_MAX; i++)
		mc_buf_addf(&b, "<disk type='file' device='disk'><driver "
		    "type='raw'/><source file='/%zu'/><target dev='vd%c'/>"
		    "<serial>s%zu</serial></disk>", i, (char)('b' + i % 25),
		    i);
	mc_buf_adds(&b, "</devices></domain>");
	assert_non_null(xml = mc_buf_steal(&b, NULL));
	assert_int_equal(hv_xml_parse_disks(xml, &got, &n, &err), -1);
	assert_non_null(strstr(err.msg, "too many extra disks"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_disk_check_table),
		cmocka_unit_test(test_too_many_disks),
		cmocka_unit_test(test_serial_for),
		cmocka_unit_test(test_libvirt_disks),
		cmocka_unit_test(test_parse_disks_table),
		cmocka_unit_test(test_parse_disks_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

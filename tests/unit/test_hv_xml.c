/*
 * Tests of hv_xml and hv_spec: domain XML golden files made from spec
 * descriptions (data/hv_xml/<case>.in -> .xml, bad-<case>.in -> .err),
 * and disk XML from one disk (disk-<case>.in -> .xml), each read back;
 * the metadata read back from libvirt's rewrite of our XML and from
 * hand-written XML; the instance UUID.  Disks beyond the golden files:
 * test_hv_xml_disks.c.  Fixtures: hv_xml_test.h.
 */
#include <dirent.h>

#include "hv_xml_test.h"

#include "mc_cleanup.h"
#include "mc_err.h"
#include "hv_xml.h"

#define MAX_CASES	96

/* Our own XML must give back the ids and disks it was made from. */
static void
check_roundtrip(const struct hv_spec *spec, const char *xml)
{
	struct hv_meta	m;
	struct mc_err	err = { 0 };

	assert_int_equal(hv_xml_parse_meta(xml, &m, &err), 1);
	assert_string_equal(m.instance_id, spec->instance_id);
	assert_string_equal(m.account_id, spec->account_id);
	assert_string_equal(m.image_id, spec->image_id);
	assert_string_equal(m.reservation_id, spec->reservation_id);
	check_disks(xml, spec->disks, spec->n_disks);
}

/* disk-<case>.in: the first disk alone, through hv_xml_disk. */
static void
check_disk_case(const char *name, const struct hv_spec *spec)
{
	MC_AUTOFREE char	*xml = NULL, *doc = NULL;
	struct mc_err		 err = { 0 };
	char			 path[512];

	assert_int_equal(spec->n_disks, 1);
	if (hv_xml_disk(&spec->disks[0], &xml, &err) < 0)
		fail_msg("%s: %s", name, err.msg);
	(void)snprintf(path, sizeof(path), DATA "/%s.xml", name);
	mc_test_golden(path, xml);
	assert_true(asprintf(&doc, "<domain><devices>%s</devices></domain>",
	    xml) > 0);
	check_disks(doc, spec->disks, 1);
}

static void
check_case(const char *name)
{
	struct hv_spec		 spec;
	struct mc_err		 err = { 0 };
	MC_AUTOFREE char	*xml = NULL;
	char			 path[512], msg[300];
	bool			 bad = strncmp(name, "bad-", 4) == 0;
	int			 rc;

	(void)snprintf(path, sizeof(path), DATA "/%s.in", name);
	spec_load(path, &spec);
	if (strncmp(name, "disk-", 5) == 0) {
		check_disk_case(name, &spec);
		return;
	}
	rc = hv_xml_domain(&spec, &xml, &err);
	(void)snprintf(path, sizeof(path), DATA "/%s.%s", name,
	    bad ? "err" : "xml");
	if (bad) {
		if (rc != -1)
			fail_msg("%s: accepted", name);
		assert_null(xml);
		assert_int_equal(err.code, MC_EC_INVALID_PARAMETER_VALUE);
		(void)snprintf(msg, sizeof(msg), "%s\n", err.msg);
		mc_test_golden(path, msg);
		return;
	}
	if (rc != 0)
		fail_msg("%s: %s", name, err.msg);
	mc_test_golden(path, xml);
	check_roundtrip(&spec, xml);
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
test_golden(void **state)
{
	DIR		*d = opendir(DATA);
	struct dirent	*e;
	char		*names[MAX_CASES];
	size_t		 n = 0, i, len, n_bad = 0;

	(void)state;
	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		len = strlen(e->d_name);
		if (len <= 3 || strcmp(e->d_name + len - 3, ".in") != 0)
			continue;
		assert_true(n < MAX_CASES);
		names[n] = strndup(e->d_name, len - 3);
		n_bad += strncmp(names[n], "bad-", 4) == 0;
		n++;
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_names);
	for (i = 0; i < n; i++) {
		check_case(names[i]);
		free(names[i]);
	}
	assert_true(n - n_bad >= 10);
	assert_true(n_bad >= 30);
}

/* What a .in file cannot say: a field without its NUL. */
static void
test_unterminated(void **state)
{
	struct hv_spec	 spec;
	struct mc_err	 err = { 0 };
	char		*xml = NULL;

	(void)state;
	spec_load(DATA "/tcg.in", &spec);
	memset(spec.instance_type, 'a', sizeof(spec.instance_type));
	assert_int_equal(hv_spec_check(&spec, &err), -1);
	assert_string_equal(err.msg,
	    "invalid instance spec: instance_type is not terminated");
	assert_int_equal(hv_xml_metadata(&spec, &xml, &err), -1);
	assert_null(xml);
}

static void
test_metadata_elem(void **state)
{
	struct hv_spec		 spec;
	struct hv_meta		 m;
	struct mc_err		 err = { 0 };
	MC_AUTOFREE char	*xml = NULL;

	(void)state;
	spec_load(DATA "/escaping.in", &spec);
	assert_int_equal(hv_xml_metadata(&spec, &xml, &err), 0);
	assert_string_equal(xml,
	    "<minicloud:instance xmlns:minicloud='urn:minicloud:instance:1'>\n"
	    "  <minicloud:id>i-0123456789abcdef0</minicloud:id>\n"
	    "  <minicloud:account>123456789012</minicloud:account>\n"
	    "  <minicloud:image>ami-0123456789abcdef0</minicloud:image>\n"
	    "  <minicloud:reservation>r-0123456789abcdef0"
	    "</minicloud:reservation>\n"
	    "</minicloud:instance>\n");
	assert_int_equal(hv_xml_parse_meta(xml, &m, &err), 1);
	assert_string_equal(m.instance_id, "i-0123456789abcdef0");
}

static void
test_uuid(void **state)
{
	static const struct {
		const char	*id;
		const char	*want;	/* "ec2" + sha256sum's first 29 digits */
	} cases[] = {
		{ "i-0f0f0f0f0f0f0f0f0", "ec29db6a-e3b6-eae1-e563-70954a222e89" },
		{ "i-0123456789abcdef0", "ec257df7-3291-f7c5-3991-9b062b1a6e8a" },
	};
	struct mc_err	err = { 0 };
	char		buf[HV_UUID_LEN + 1], again[HV_UUID_LEN + 1];
	size_t		i;

	(void)state;
	for (i = 0; i < MC_NELEMS(cases); i++) {
		assert_int_equal(hv_uuid_for(cases[i].id, buf, &err), 0);
		assert_string_equal(buf, cases[i].want);
		assert_int_equal(hv_uuid_for(cases[i].id, again, &err), 0);
		assert_string_equal(again, buf);
	}
	assert_int_equal(err.code, MC_EC_NONE);
}

/* The domain XML libvirt gave back for a domain defined from ours. */
static void
test_libvirt_fixture(void **state)
{
	MC_AUTOFREE char	*xml = mc_test_read(DATA "/libvirt-dumpxml.txt",
	    NULL);
	struct hv_meta		 m;
	struct mc_err		 err = { 0 };

	(void)state;
	assert_non_null(xml);
	assert_int_equal(hv_xml_parse_meta(xml, &m, &err), 1);
	assert_string_equal(m.instance_id, "i-0f0f0f0f0f0f0f0f0");
	assert_string_equal(m.account_id, "000000000042");
	assert_string_equal(m.image_id, "ami-0000000000000c0de");
	assert_string_equal(m.reservation_id, "r-0f0f0f0f0f0f0f0f0");
}

#define NS	"'urn:minicloud:instance:1'"
#define ID	"i-0123456789abcdef0"
#define IDS	"<m:id>" ID "</m:id><m:account>123456789012</m:account>" \
		"<m:image>ami-0123456789abcdef0</m:image>" \
		"<m:reservation>r-0123456789abcdef0</m:reservation>"

static const struct {
	const char	*xml;
	int		 want;		/* hv_xml_parse_meta's return */
	const char	*account;	/* want, when want == 1 */
} parse_cases[] = {
	/* libvirt's output: another prefix, its own namespaces around */
	{ "<domain type='qemu' xmlns:qemu='http://libvirt.org/schemas/domain/"
	    "qemu/1.0'><name>" ID "</name><metadata><m:instance xmlns:m=" NS
	    ">" IDS "</m:instance></metadata><devices/></domain>", 1,
	    "123456789012" },
	/* the element alone, declaring its namespace */
	{ "<m:instance xmlns:m=" NS ">" IDS "</m:instance>", 1,
	    "123456789012" },
	/* a default namespace instead of a prefix */
	{ "<instance xmlns=" NS "><id>" ID "</id><account>1</account>"
	    "</instance>", 1, "1" },
	/* entities, character references, CDATA, comments, PI, DOCTYPE */
	{ "<?xml version='1.0'?><!DOCTYPE domain><!-- <m:instance> -->"
	    "<domain><m:instance xmlns:m='urn:minicloud:instance:&#49;'>"
	    "<m:id>\n  <![CDATA[" ID "]]>\n</m:id><m:account>&#x31;&amp;"
	    "&lt;&gt;&quot;&apos;&#233;</m:account></m:instance></domain>", 1,
	    "1&<>\"'\xc3\xa9" },
	/* one-digit references; no sign, space or 0x in them */
	{ "<m:instance xmlns:m=" NS "><m:id>" ID "</m:id><m:account>&#55;"
	    "&#x9;</m:account></m:instance>", 1, "7" },
	{ "<m:instance xmlns:m=" NS "><m:id>" ID "</m:id><m:account>&#x0x31;"
	    "</m:account></m:instance>", -1, NULL },
	{ "<m:instance xmlns:m=" NS "><m:id>" ID "</m:id><m:account>&# 49;"
	    "</m:account></m:instance>", -1, NULL },
	{ "<m:instance xmlns:m=" NS "><m:id>" ID "</m:id><m:account>&#+49;"
	    "</m:account></m:instance>", -1, NULL },
	{ "<m:instance xmlns:m=" NS "><m:id>" ID "</m:id><m:account>&#x;"
	    "</m:account></m:instance>", -1, NULL },
	{ "<m:instance xmlns:m=" NS "><m:id>" ID "</m:id><m:account>&#;"
	    "</m:account></m:instance>", -1, NULL },
	{ "<m:instance xmlns:m=" NS "><m:id>" ID "</m:id><m:account>&#x110000;"
	    "</m:account></m:instance>", -1, NULL },
	/* the same names in another namespace, or none */
	{ "<domain><metadata><m:instance xmlns:m='urn:other'>" IDS
	    "</m:instance></metadata></domain>", 0, NULL },
	{ "<domain><instance><id>" ID "</id></instance></domain>", 0, NULL },
	{ "<domain type='kvm'><name>vm1</name></domain>", 0, NULL },
	/* our prefix, shadowed by an inner declaration */
	{ "<a xmlns:m=" NS "><b xmlns:m='urn:x'><m:instance>" IDS
	    "</m:instance></b></a>", 0, NULL },
	/* ... and out of scope again */
	{ "<a><b xmlns:m=" NS "/><m:instance>" IDS "</m:instance></a>", 0,
	    NULL },
	/* our element's children only count directly under it */
	{ "<m:instance xmlns:m=" NS "><x><m:id>" ID "</m:id></x>"
	    "</m:instance>", -1, NULL },
	/* bad XML */
	{ "", -1, NULL },
	{ "   ", -1, NULL },
	{ "<domain>", -1, NULL },
	{ "<domain></domian>", -1, NULL },
	{ "</domain>", -1, NULL },
	{ "<domain/><domain/>", -1, NULL },
	{ "<domain/>text", -1, NULL },
	{ "<domain a=b/>", -1, NULL },
	{ "<domain a='b/>", -1, NULL },
	{ "<domain a/>", -1, NULL },
	{ "<domain><!-- never closed </domain>", -1, NULL },
	{ "<domain><![CDATA[ never closed </domain>", -1, NULL },
	{ "<", -1, NULL },
	{ "<domain xmlns:m=" NS "><m:instance><m:id>&bogus;</m:id>"
	    "</m:instance></domain>", -1, NULL },
	{ "<domain xmlns:m=" NS "><m:instance><m:id>&#0;</m:id>"
	    "</m:instance></domain>", -1, NULL },
	{ "<domain xmlns:m=" NS "><m:instance><m:id>&#xd800;</m:id>"
	    "</m:instance></domain>", -1, NULL },
	{ "<domain xmlns:m=" NS "><m:instance><m:id>&amp</m:id>"
	    "</m:instance></domain>", -1, NULL },
	/* ours, but without a well-formed instance id */
	{ "<m:instance xmlns:m=" NS "><m:id>i-xyz</m:id></m:instance>", -1,
	    NULL },
	{ "<m:instance xmlns:m=" NS "/>", -1, NULL },
	{ "<m:instance xmlns:m=" NS "><m:id>" ID "0000000000000000</m:id>"
	    "</m:instance>", -1, NULL },
};

static void
test_parse_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < MC_NELEMS(parse_cases); i++) {
		struct hv_meta	m = { .account_id = "untouched" };
		struct mc_err	err = { 0 };
		int		rc = hv_xml_parse_meta(parse_cases[i].xml, &m,
		    &err);

		if (rc != parse_cases[i].want)
			fail_msg("case %zu: got %d (%s)", i, rc, err.msg);
		assert_int_equal(err.code, rc < 0 ? MC_EC_INTERNAL_ERROR :
		    MC_EC_NONE);
		if (rc == 1) {
			assert_string_equal(m.instance_id, ID);
			assert_string_equal(m.account_id,
			    parse_cases[i].account);
		} else {
			assert_string_equal(m.account_id, "untouched");
		}
	}
}

/* Deeper than the reader's stack: an error, not an overflow. */
static void
test_parse_deep(void **state)
{
	struct hv_meta	 m;
	struct mc_err	 err = { 0 };
	char		*xml = malloc(200 * 7 + 1);
	size_t		 i, n = 0;

	(void)state;
	assert_non_null(xml);
	for (i = 0; i < 100; i++)
		n += (size_t)sprintf(xml + n, "<a>");
	for (i = 0; i < 100; i++)
		n += (size_t)sprintf(xml + n, "</a>");
	assert_int_equal(hv_xml_parse_meta(xml, &m, &err), -1);
	assert_non_null(strstr(err.msg, "nested too deeply"));
	free(xml);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_unterminated),
		cmocka_unit_test(test_metadata_elem),
		cmocka_unit_test(test_uuid),
		cmocka_unit_test(test_libvirt_fixture),
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_parse_deep),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

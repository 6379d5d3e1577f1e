/*
 * Tests of hv_xml and hv_spec: domain XML golden files made from spec
 * descriptions (data/hv_xml/<case>.in -> .xml, bad-<case>.in -> .err),
 * and disk XML from one disk (disk-<case>.in -> .xml); the metadata and
 * the disks read back from our own XML, from libvirt's rewrite of it
 * and from hand-written XML; the instance UUID and the disk serial.
 */
#include <dirent.h>

#include "mc_test.h"

#include "mc_buf.h"
#include "mc_cleanup.h"
#include "mc_err.h"
#include "mc_hex.h"
#include "hv_spec.h"
#include "hv_xml.h"

#define DATA		"data/hv_xml"
#define MAX_CASES	96

enum kind { K_STR, K_UINT, K_BOOL };

/* Keys of a .in file: one line "key=value" per spec field. */
#define KEY(f, k) { #f, offsetof(struct hv_spec, f), \
	sizeof(((struct hv_spec *)0)->f), k }
static const struct {
	const char	*key;
	size_t		 off, size;
	enum kind	 kind;
} keys[] = {
	KEY(instance_id, K_STR), KEY(account_id, K_STR), KEY(image_id, K_STR),
	KEY(reservation_id, K_STR), KEY(instance_type, K_STR),
	KEY(uuid, K_STR), KEY(vcpus, K_UINT), KEY(mem_mib, K_UINT),
	KEY(kvm, K_BOOL), KEY(disk_path, K_STR), KEY(console_path, K_STR),
	KEY(kernel_path, K_STR), KEY(initrd_path, K_STR), KEY(cmdline, K_STR),
	KEY(nic_tap, K_STR), KEY(nic_mac, K_STR),
};

/* Values may carry any byte as \xHH, and a backslash as \\. */
static void
unescape(const char *v, char *out, size_t outsz)
{
	size_t n = 0;

	for (; *v != '\0'; v++) {
		assert_true(n + 1 < outsz);
		if (v[0] == '\\' && v[1] == 'x') {
			out[n++] = (char)(mc_hex_value(v[2]) * 16 +
			    mc_hex_value(v[3]));
			v += 3;
		} else if (v[0] == '\\' && v[1] == '\\') {
			out[n++] = '\\';
			v++;
		} else {
			out[n++] = *v;
		}
	}
	out[n] = '\0';
}

/* A token of a disk line into field (fieldsz bytes); "-" is empty. */
static void
disk_token(char **save, char *field, size_t fieldsz)
{
	char *t = strtok_r(NULL, " ", save);

	assert_non_null(t);
	if (strcmp(t, "-") == 0)
		field[0] = '\0';
	else
		unescape(t, field, fieldsz);
}

/* "HOST[:PORT],..." */
static void
disk_hosts(char **save, struct hv_disk *d)
{
	char *t = strtok_r(NULL, " ", save), *h, *hsave = NULL, *colon;

	assert_non_null(t);
	for (h = strtok_r(t, ",", &hsave); h != NULL;
	    h = strtok_r(NULL, ",", &hsave)) {
		assert_true(d->n_hosts < HV_DISK_HOSTS_MAX);
		if ((colon = strrchr(h, ':')) != NULL &&
		    strspn(colon + 1, "0123456789") == strlen(colon + 1)) {
			d->hosts[d->n_hosts].port = (unsigned)atoi(colon + 1);
			*colon = '\0';
		}
		unescape(h, d->hosts[d->n_hosts++].name, HV_HOST_MAX + 1);
	}
}

/*
 * disk=TARGET SERIAL FORMAT PATH
 * netdisk=TARGET SERIAL FORMAT PROTOCOL NAME HOSTS [USER SECRET]
 * Tokens are \xHH-escaped; "-" is an empty field; an unknown format
 * becomes HV_FORMAT__MAX.
 */
static void
disk_add(struct hv_spec *spec, bool net, char *val)
{
	struct hv_disk	*d;
	char		*save = NULL, *user, fmt[16];
	int		 f;

	assert_true(spec->n_disks < HV_DISKS_MAX);
	d = &spec->disks[spec->n_disks++];
	unescape(strtok_r(val, " ", &save), d->target, sizeof(d->target));
	disk_token(&save, d->serial, sizeof(d->serial));
	disk_token(&save, fmt, sizeof(fmt));
	for (f = 0; f < HV_FORMAT__MAX; f++)
		if (strcmp(fmt, hv_format_name((enum hv_format)f)) == 0)
			break;
	d->format = (enum hv_format)f;
	d->type = net ? HV_DISK_NETWORK : HV_DISK_FILE;
	if (!net) {
		disk_token(&save, d->path, sizeof(d->path));
		return;
	}
	disk_token(&save, d->protocol, sizeof(d->protocol));
	disk_token(&save, d->name, sizeof(d->name));
	disk_hosts(&save, d);
	if ((user = strtok_r(NULL, " ", &save)) == NULL)
		return;
	unescape(user, d->auth_user, sizeof(d->auth_user));
	disk_token(&save, d->auth_secret, sizeof(d->auth_secret));
}

static void
spec_set(struct hv_spec *spec, const char *key, const char *val)
{
	size_t	 i;
	char	*f;

	if (strcmp(key, "disk") == 0 || strcmp(key, "netdisk") == 0) {
		MC_AUTOFREE char *copy = strdup(val);

		assert_non_null(copy);
		disk_add(spec, key[0] == 'n', copy);
		return;
	}
	for (i = 0; i < MC_NELEMS(keys); i++)
		if (strcmp(keys[i].key, key) == 0)
			break;
	if (i == MC_NELEMS(keys))
		fail_msg("unknown key %s", key);
	f = (char *)spec + keys[i].off;
	if (keys[i].kind == K_STR)
		unescape(val, f, keys[i].size);
	else if (keys[i].kind == K_UINT)
		*(unsigned *)(void *)f = (unsigned)strtoul(val, NULL, 10);
	else
		*(bool *)(void *)f = strcmp(val, "1") == 0;
}

/* Read a .in file; without a uuid line the spec gets hv_uuid_for's. */
static void
spec_load(const char *path, struct hv_spec *spec)
{
	MC_AUTOFREE char	*text = mc_test_read(path, NULL);
	char			*line, *save = NULL, *eq;
	struct mc_err		 err = { 0 };

	assert_non_null(text);
	memset(spec, 0, sizeof(*spec));
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#')
			continue;
		eq = strchr(line, '=');
		assert_non_null(eq);
		*eq = '\0';
		spec_set(spec, line, eq + 1);
	}
	if (spec->uuid[0] == '\0')
		assert_int_equal(hv_uuid_for(spec->instance_id, spec->uuid,
		    &err), 0);
}

static void
disk_equal(const struct hv_disk *got, const struct hv_disk *want)
{
	size_t i;

	assert_string_equal(got->target, want->target);
	assert_string_equal(got->serial, want->serial);
	assert_int_equal(got->type, want->type);
	assert_int_equal(got->format, want->format);
	assert_string_equal(got->path, want->path);
	assert_string_equal(got->protocol, want->protocol);
	assert_string_equal(got->name, want->name);
	assert_int_equal(got->n_hosts, want->n_hosts);
	for (i = 0; i < want->n_hosts; i++) {
		assert_string_equal(got->hosts[i].name, want->hosts[i].name);
		assert_int_equal(got->hosts[i].port, want->hosts[i].port);
	}
	assert_string_equal(got->auth_user, want->auth_user);
	assert_string_equal(got->auth_secret, want->auth_secret);
}

/* The disks read back from xml must be want[0..n). */
static void
check_disks(const char *xml, const struct hv_disk *want, size_t n)
{
	MC_AUTOFREE struct hv_disk	*got = NULL;
	struct mc_err			 err = { 0 };
	size_t				 n_got = 99, i;

	if (hv_xml_parse_disks(xml, &got, &n_got, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(n_got, n);
	assert_true((got == NULL) == (n == 0));
	for (i = 0; i < n; i++)
		disk_equal(&got[i], &want[i]);
}

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

/* A good file disk, to spoil one field at a time. */
static void
disk_fill(struct hv_disk *d, bool net)
{
	memset(d, 0, sizeof(*d));
	strcpy(d->target, "vdb");
	strcpy(d->serial, "vol0123456789abcdef0");
	d->format = net ? HV_FORMAT_RAW : HV_FORMAT_QCOW2;
	d->type = net ? HV_DISK_NETWORK : HV_DISK_FILE;
	if (!net) {
		strcpy(d->path, "/v/vol-0123456789abcdef0.qcow2");
		return;
	}
	strcpy(d->protocol, "rbd");
	strcpy(d->name, "volumes/vol-0123456789abcdef0");
	strcpy(d->hosts[0].name, "mon1");
	d->n_hosts = 1;
}

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
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_unterminated),
		cmocka_unit_test(test_metadata_elem),
		cmocka_unit_test(test_uuid),
		cmocka_unit_test(test_libvirt_fixture),
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_parse_deep),
		cmocka_unit_test(test_disk_check_table),
		cmocka_unit_test(test_too_many_disks),
		cmocka_unit_test(test_serial_for),
		cmocka_unit_test(test_libvirt_disks),
		cmocka_unit_test(test_parse_disks_table),
		cmocka_unit_test(test_parse_disks_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Tests of ami_format: headers built in memory (qcow2 field by field,
 * the magics of refused formats, raw disks) walked as a table, then
 * ami_format_probe on real files that qemu-img makes.
 */
#include <sys/stat.h>

#include <stdbool.h>

#include "mc_test.h"

#include "mc_cleanup.h"
#include "mc_err.h"
#include "ami_format.h"

#define MIB		(1024ull * 1024)
#define BAD		MC_EC_INVALID_PARAMETER_VALUE
#define GIB		(1024 * MIB)

/* The qcow2 header fields a case sets; 0 means the field's good value. */
struct qhdr {
	uint32_t	version;
	uint64_t	backing_off;
	uint32_t	backing_len;
	uint32_t	cluster_bits;
	uint64_t	size;
	uint32_t	crypt;
	uint64_t	incompat;
	uint32_t	refcount_order;
	uint32_t	hdr_len;
	uint32_t	ext_type;	/* one header extension, if not 0 */
	bool		no_size;	/* virtual size 0 */
};

/* A refused format: its magic in a 1 MiB file. */
#define REFUSED(name, off, magic, len, fmt)				\
	{ name, false, { 0 }, off, magic, len, 4096, MIB,		\
	    MC_EC_INVALID_PARAMETER_VALUE, "format " fmt, 0, 0 }

static const struct fcase {
	const char	*name;
	bool		 qcow;		/* build a qcow2 header from q */
	struct qhdr	 q;
	size_t		 magic_off;	/* else put magic at magic_off */
	const char	*magic;
	size_t		 magic_len;
	size_t		 n;		/* head bytes given */
	uint64_t	 file_size;
	enum mc_ec	 want_code;	/* MC_EC_NONE: accepted */
	const char	*want_msg;	/* substring of err.msg */
	enum ami_format	 want_fmt;
	uint64_t	 want_vsize;
} cases[] = {
	{ "qcow2 v2", true, { .version = 2 }, .n = 4096,
	    .file_size = 196608, .want_fmt = AMI_FORMAT_QCOW2,
	    .want_vsize = GIB },
	{ "qcow2 v3", true, { .version = 3 }, .n = 4096,
	    .file_size = 196608, .want_fmt = AMI_FORMAT_QCOW2,
	    .want_vsize = GIB },
	{ "qcow2 v3 header 112, dirty", true, { .version = 3, .hdr_len = 112,
	    .incompat = 1 }, .n = 4096, .file_size = 196608,
	    .want_fmt = AMI_FORMAT_QCOW2, .want_vsize = GIB },
	{ "qcow2 v3 feature table ext", true, { .version = 3,
	    .ext_type = 0x6803f857 }, .n = 4096, .file_size = 196608,
	    .want_fmt = AMI_FORMAT_QCOW2, .want_vsize = GIB },
	{ "qcow2 v2 head just the header", true, { .version = 2 }, .n = 72,
	    .file_size = 196608, .want_fmt = AMI_FORMAT_QCOW2,
	    .want_vsize = GIB },
	{ "qcow2 odd file size", true, { .version = 3 }, .n = 4096,
	    .file_size = 196609, .want_fmt = AMI_FORMAT_QCOW2,
	    .want_vsize = GIB },
	{ "backing file", true, { .version = 3, .backing_off = 112,
	    .backing_len = 8 }, .n = 4096, .file_size = 196608,
	    MC_EC_INVALID_PARAMETER_VALUE, "with a backing file" },
	{ "backing size only", true, { .version = 2, .backing_len = 8 },
	    .n = 4096, .file_size = 196608,
	    MC_EC_INVALID_PARAMETER_VALUE, "with a backing file" },
	{ "qcow v1", true, { .version = 1 }, .n = 4096, .file_size = 196608,
	    MC_EC_INVALID_PARAMETER_VALUE, "qcow (version 1)" },
	{ "version 4", true, { .version = 4 }, .n = 4096, .file_size = 196608,
	    MC_EC_INVALID_PARAMETER_VALUE, "qcow2 version 4 is not" },
	{ "version 0", true, { .version = 0 }, .n = 4096, .file_size = 196608,
	    MC_EC_INVALID_PARAMETER_VALUE, "qcow2 version 0 is not" },
	{ "version 2^32-1", true, { .version = 0xffffffff }, .n = 4096,
	    .file_size = 196608, MC_EC_INVALID_PARAMETER_VALUE,
	    "qcow2 version 4294967295 is not" },
	{ "truncated v2", true, { .version = 2 }, .n = 40, .file_size = 40,
	    MC_EC_INVALID_PARAMETER_VALUE, "truncated" },
	{ "truncated magic only", true, { .version = 2 }, .n = 4,
	    .file_size = 4, MC_EC_INVALID_PARAMETER_VALUE, "truncated" },
	{ "truncated v3", true, { .version = 3 }, .n = 80, .file_size = 80,
	    MC_EC_INVALID_PARAMETER_VALUE, "truncated" },
	{ "cluster bits 8", true, { .version = 3, .cluster_bits = 8 },
	    .n = 4096, .file_size = 196608, MC_EC_INVALID_PARAMETER_VALUE,
	    "not valid" },
	{ "cluster bits 22", true, { .version = 2, .cluster_bits = 22 },
	    .n = 4096, .file_size = 196608, MC_EC_INVALID_PARAMETER_VALUE,
	    "not valid" },
	{ "virtual size 0", true, { .version = 3, .no_size = true },
	    .n = 4096, .file_size = 196608, MC_EC_INVALID_PARAMETER_VALUE,
	    "not valid" },
	{ "virtual size 2^63", true, { .version = 3, .size = 1ull << 63 },
	    .n = 4096, .file_size = 196608, MC_EC_INVALID_PARAMETER_VALUE,
	    "not valid" },
	{ "header length 100", true, { .version = 3, .hdr_len = 100 },
	    .n = 4096, .file_size = 196608, MC_EC_INVALID_PARAMETER_VALUE,
	    "not valid" },
	{ "refcount order 7", true, { .version = 3, .refcount_order = 7 },
	    .n = 4096, .file_size = 196608, MC_EC_INVALID_PARAMETER_VALUE,
	    "not valid" },
	{ "encrypted", true, { .version = 3, .crypt = 2 }, .n = 4096,
	    .file_size = 196608, MC_EC_INVALID_PARAMETER_VALUE, "encrypted" },
	{ "external data file bit", true, { .version = 3, .incompat = 4 },
	    .n = 4096, .file_size = 196608, MC_EC_INVALID_PARAMETER_VALUE,
	    "external data file" },
	{ "external data file ext", true, { .version = 2,
	    .ext_type = 0x44415441 }, .n = 4096, .file_size = 196608,
	    MC_EC_INVALID_PARAMETER_VALUE, "external data file" },
	{ "corrupt", true, { .version = 3, .incompat = 2 }, .n = 4096,
	    .file_size = 196608, MC_EC_INVALID_PARAMETER_VALUE, "corrupt" },
	{ "unknown incompat", true, { .version = 3, .incompat = 1u << 10 },
	    .n = 4096, .file_size = 196608, MC_EC_INVALID_PARAMETER_VALUE,
	    "unknown incompatible" },
	REFUSED("vmdk sparse", 0, "KDMV", 4, "vmdk"),
	REFUSED("vmdk cowd", 0, "COWD", 4, "vmdk"),
	REFUSED("vmdk descriptor", 0, "# Disk DescriptorFile\n", 22, "vmdk"),
	REFUSED("vdi", 64, "\x7f\x10\xda\xbe", 4, "vdi"),
	REFUSED("vhdx", 0, "vhdxfile", 8, "vhdx"),
	REFUSED("qed", 0, "QED\0", 4, "qed"),
	REFUSED("vpc", 0, "conectix", 8, "vpc"),
	REFUSED("luks", 0, "LUKS\xba\xbe", 6, "luks"),
	REFUSED("cloop", 0, "#!/bin/sh\n#V2.0 Format\nmodprobe", 31, "cloop"),
	REFUSED("bochs", 0, "Bochs Virtual HD Image", 22, "bochs"),
	REFUSED("parallels", 0, "WithoutFreeSpace", 16, "parallels"),
	{ "raw MBR", false, {}, 510, "\x55\xaa", 2, 4096, MIB, MC_EC_NONE,
	    NULL, AMI_FORMAT_RAW, MIB },
	{ "raw one sector", false, {}, 0, "x", 1, 512, 512, MC_EC_NONE,
	    NULL, AMI_FORMAT_RAW, 512 },
	{ "raw vdi magic too far", false, {}, 64, "\x7f\x10\xda", 3, 66, 512,
	    MC_EC_NONE, NULL, AMI_FORMAT_RAW, 512 },
	{ "raw 'QFI' only", false, {}, 0, "QFI", 3, 3, 512, MC_EC_NONE, NULL,
	    AMI_FORMAT_RAW, 512 },
	{ "raw not whole sectors", false, {}, 510, "\x55\xaa", 2, 1000, 1000,
	    MC_EC_INVALID_PARAMETER_VALUE, "512-byte sectors", 0, 0 },
	{ "empty", false, {}, 0, "", 0, 0, 0, MC_EC_INVALID_PARAMETER_VALUE,
	    "empty", 0, 0 },
	{ "head longer than file", false, {}, 0, "", 0, 1024, 512,
	    MC_EC_INTERNAL_ERROR, "changed", 0, 0 },
};

static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static void
put64(unsigned char *p, uint64_t v)
{
	put32(p, v >> 32);
	put32(p + 4, (uint32_t)v);
}

/* A qcow2 header as qemu-img writes it, with the case's changes. */
static void
build_qcow2(unsigned char *h, const struct qhdr *q)
{
	uint32_t hdr_len = q->hdr_len != 0 ? q->hdr_len : 104;
	uint32_t ext_at = q->version == 3 ? hdr_len : 72;

	memcpy(h, "QFI\xfb", 4);
	put32(h + 4, q->version);
	put64(h + 8, q->backing_off);
	put32(h + 16, q->backing_len);
	put32(h + 20, q->cluster_bits != 0 ? q->cluster_bits : 16);
	put64(h + 24, q->no_size ? 0 : q->size != 0 ? q->size : GIB);
	put32(h + 32, q->crypt);
	if (q->version == 3) {
		put64(h + 72, q->incompat);
		put32(h + 96, q->refcount_order != 0 ? q->refcount_order : 4);
		put32(h + 100, hdr_len);
	}
	if (q->ext_type != 0) {
		put32(h + ext_at, q->ext_type);
		put32(h + ext_at + 4, 12);	/* padded to 16 */
		memcpy(h + ext_at + 8, "/etc/shadow\0", 12);
	}
}

static void
test_detect_table(void **state)
{
	unsigned char	head[AMI_FORMAT_HEAD];
	size_t		i;

	(void)state;
	for (i = 0; i < MC_NELEMS(cases); i++) {
		const struct fcase	*c = &cases[i];
		struct mc_err		 err = { 0 };
		struct ami_probe	 p = { .format = AMI_FORMAT__MAX };
		int			 rc;

		memset(head, 0, sizeof(head));
		if (c->qcow)
			build_qcow2(head, &c->q);
		else
			memcpy(head + c->magic_off, c->magic, c->magic_len);
		rc = ami_format_detect(head, c->n, c->file_size, &p, &err);
		if (err.code != c->want_code)
			fail_msg("%s: code %d (%s), want %d", c->name, err.code,
			    err.msg, c->want_code);
		if (c->want_code != MC_EC_NONE) {
			assert_int_equal(rc, -1);
			if (strstr(err.msg, c->want_msg) == NULL)
				fail_msg("%s: message \"%s\" lacks \"%s\"",
				    c->name, err.msg, c->want_msg);
			assert_int_equal(p.format, AMI_FORMAT__MAX);
			continue;
		}
		assert_int_equal(rc, 0);
		if (p.format != c->want_fmt || p.virtual_size != c->want_vsize)
			fail_msg("%s: got %s %llu", c->name,
			    ami_format_name(p.format),
			    (unsigned long long)p.virtual_size);
		assert_int_equal(p.file_size, c->file_size);
	}
}

/* A size that leaves the qcow2's data out of the head is still fine. */
static void
test_detect_ext_walk_bounded(void **state)
{
	unsigned char		head[AMI_FORMAT_HEAD];
	struct ami_probe	p;
	struct mc_err		err = { 0 };
	size_t			off;

	(void)state;
	memset(head, 0, sizeof(head));
	build_qcow2(head, &(struct qhdr){ .version = 3, .cluster_bits = 21 });
	/* Extensions of 0 length up to the end of the head: no end mark. */
	for (off = 104; off + 8 <= sizeof(head); off += 8)
		put32(head + off, 0x12345678);
	assert_int_equal(ami_format_detect(head, sizeof(head), 1 << 20, &p,
	    &err), 0);
	assert_int_equal(p.format, AMI_FORMAT_QCOW2);
	/* A huge length must not step out of the head either. */
	put32(head + 108, 0xfffffff0);
	assert_int_equal(ami_format_detect(head, sizeof(head), 1 << 20, &p,
	    &err), 0);
}

static void
run(const char *cmd)
{
	if (system(cmd) != 0)
		fail_msg("command failed: %s", cmd);
}

static void
test_probe_files(void **state)
{
	static const struct {
		const char	*make;		/* shell, in the scratch dir */
		const char	*file;
		enum mc_ec	 want_code;
		const char	*want_msg;
		enum ami_format	 want_fmt;
		uint64_t	 want_vsize;
	} pcases[] = {
		{ "qemu-img create -q -f qcow2 v3.qcow2 64M", "v3.qcow2",
		    MC_EC_NONE, NULL, AMI_FORMAT_QCOW2, 64 * MIB },
		{ "qemu-img create -q -f qcow2 -o compat=0.10 v2.qcow2 3M",
		    "v2.qcow2", MC_EC_NONE, NULL, AMI_FORMAT_QCOW2, 3 * MIB },
		{ "qemu-img create -q -f raw disk.raw 2M", "disk.raw",
		    MC_EC_NONE, NULL, AMI_FORMAT_RAW, 2 * MIB },
		{ "qemu-img create -q -f qcow2 -b v3.qcow2 -F qcow2 ov.qcow2",
		    "ov.qcow2", BAD, "backing file", 0, 0 },
		{ "qemu-img create -q -f qcow2 -o data_file=dd.raw dd.qcow2 1M",
		    "dd.qcow2", BAD, "external data file", 0, 0 },
		{ "qemu-img create -q -f vmdk d.vmdk 1M", "d.vmdk", BAD,
		    "format vmdk", 0, 0 },
		{ "qemu-img create -q -f vdi d.vdi 1M", "d.vdi", BAD,
		    "format vdi", 0, 0 },
		{ "qemu-img create -q -f vhdx d.vhdx 1M", "d.vhdx", BAD,
		    "format vhdx", 0, 0 },
		{ "qemu-img create -q -f qed d.qed 1M", "d.qed", BAD,
		    "format qed", 0, 0 },
		{ "qemu-img create -q -f vpc d.vpc 1M", "d.vpc", BAD,
		    "format vpc", 0, 0 },
		{ "head -c 1000 /dev/zero > odd.raw", "odd.raw", BAD,
		    "512-byte sectors", 0, 0 },
		{ ": > empty.raw", "empty.raw", BAD, "empty", 0, 0 },
		{ "mkdir dir", "dir", BAD, "not a regular file", 0, 0 },
		{ "true", "missing", MC_EC_INTERNAL_ERROR, "cannot open", 0,
		    0 },
	};
	char	*dir = mc_test_tmpdir();
	char	 cmd[1024], path[512];
	size_t	 i;

	(void)state;
	for (i = 0; i < MC_NELEMS(pcases); i++) {
		struct ami_probe	p;
		struct mc_err		err = { 0 };
		int			rc;

		(void)snprintf(cmd, sizeof(cmd), "cd %s && %s", dir,
		    pcases[i].make);
		run(cmd);
		(void)snprintf(path, sizeof(path), "%s/%s", dir,
		    pcases[i].file);
		rc = ami_format_probe(path, &p, &err);
		if (err.code != pcases[i].want_code)
			fail_msg("%s: code %d (%s)", pcases[i].file, err.code,
			    err.msg);
		if (rc < 0) {
			if (strstr(err.msg, pcases[i].want_msg) == NULL)
				fail_msg("%s: message \"%s\"", pcases[i].file,
				    err.msg);
			continue;
		}
		assert_int_equal(p.format, pcases[i].want_fmt);
		assert_int_equal(p.virtual_size, pcases[i].want_vsize);
	}
	mc_test_rmdir(dir);
	free(dir);
}

static void
test_names(void **state)
{
	static const struct {
		const char	*s;
		int		 want_rc;
		enum ami_format	 want;
	} ncases[] = {
		{ "raw", 0, AMI_FORMAT_RAW },
		{ "qcow2", 0, AMI_FORMAT_QCOW2 },
		{ "QCOW2", -1, 0 },
		{ "vmdk", -1, 0 },
		{ "", -1, 0 },
		{ NULL, -1, 0 },
	};
	enum ami_format	f;
	size_t		i;

	(void)state;
	for (i = 0; i < MC_NELEMS(ncases); i++) {
		f = AMI_FORMAT__MAX;
		assert_int_equal(ami_format_parse(ncases[i].s, &f),
		    ncases[i].want_rc);
		if (ncases[i].want_rc == 0) {
			assert_int_equal(f, ncases[i].want);
			assert_string_equal(ami_format_name(f), ncases[i].s);
		} else
			assert_int_equal(f, AMI_FORMAT__MAX);
	}
	assert_string_equal(ami_format_name(AMI_FORMAT__MAX), "unknown");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_detect_table),
		cmocka_unit_test(test_detect_ext_walk_bounded),
		cmocka_unit_test(test_probe_files),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

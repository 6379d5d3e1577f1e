/*
 * ami_format: tell qcow2 and raw disks from everything else by their
 * first bytes.  It reads headers only: it never follows a backing file
 * nor checks that a qcow2's tables are sound (QEMU does that, told the
 * format explicitly, so no probing happens at boot).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "mc_cleanup.h"
#include "mc_err.h"
#include "ami_format.h"

#define SECTOR			512
#define QCOW_MAGIC		"QFI\xfb"
#define QCOW2_V2_HDR_LEN	72	/* fixed header of version 2 */
#define QCOW2_V3_HDR_LEN	104	/* least header_length of version 3 */
#define QCOW2_MIN_CLUSTER_BITS	9
#define QCOW2_MAX_CLUSTER_BITS	21
#define QCOW2_MAX_REFCOUNT_ORDER 6
#define QCOW2_EXT_DATA_FILE	0x44415441u	/* "DATA": external data file */
#define QCOW2_INCOMPAT_CORRUPT	(1ull << 1)
#define QCOW2_INCOMPAT_DATA_FILE (1ull << 2)
#define QCOW2_INCOMPAT_KNOWN	0x1full	/* dirty ... extended L2 */

/* Offsets in the qcow2 header (big-endian fields). */
enum {
	Q_VERSION = 4, Q_BACKING_OFF = 8, Q_BACKING_LEN = 16,
	Q_CLUSTER_BITS = 20, Q_SIZE = 24, Q_CRYPT = 32,
	Q_INCOMPAT = 72, Q_REFCOUNT_ORDER = 96, Q_HDR_LEN = 100,
};

/*
 * Formats we refuse, by a magic at an offset.  QEMU knows more, but a
 * file that matches none of these is still only ever opened as raw.
 * A DMG is recognised by its trailer, which the head does not hold.
 */
static const struct {
	const char	*name;
	size_t		 off;
	const char	*magic;
	size_t		 len;
} refused[] = {
	{ "vmdk",	0,	"KDMV",				4 },
	{ "vmdk",	0,	"COWD",				4 },
	{ "vmdk",	0,	"# Disk DescriptorFile",	21 },
	{ "vdi",	64,	"\x7f\x10\xda\xbe",		4 },
	{ "vhdx",	0,	"vhdxfile",			8 },
	{ "qed",	0,	"QED\0",			4 },
	{ "vpc (vhd)",	0,	"conectix",			8 },
	{ "luks",	0,	"LUKS\xba\xbe",			6 },
	{ "cloop",	0,	"#!/bin/sh\n#V2.0 Format\n",	23 },
	{ "bochs",	0,	"Bochs Virtual HD Image",	22 },
	{ "parallels",	0,	"WithoutFreeSpace",		16 },
	{ "parallels",	0,	"WithouFreSpacExt",		16 },
};

static const char *const names[AMI_FORMAT__MAX] = {
	[AMI_FORMAT_RAW]	= "raw",
	[AMI_FORMAT_QCOW2]	= "qcow2",
};

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static uint64_t
be64(const unsigned char *p)
{
	return (uint64_t)be32(p) << 32 | be32(p + 4);
}

/*
 * Walk the header extensions that follow the header, as far as the head
 * goes, for an external data file: QEMU would open that host path.
 */
static int
qcow2_check_exts(const unsigned char *h, size_t n, size_t off,
    size_t cluster_size, struct mc_err *err)
{
	uint32_t type, len;

	/* Extensions live in the first cluster; 8 bytes each at least. */
	while (off <= n - 8 && off <= cluster_size - 8) {
		type = be32(h + off);
		len = be32(h + off + 4);
		if (type == 0)
			return 0;
		if (type == QCOW2_EXT_DATA_FILE)
			return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
			    "a qcow2 image with an external data file is not "
			    "accepted");
		if (len > cluster_size)
			break;
		off += 8 + (((size_t)len + 7) & ~(size_t)7);
	}
	return 0;
}

/* The fields only version 3 has: header length, features, refcounts. */
static int
qcow2_check_v3(const unsigned char *h, size_t n, size_t *ret_hdr_len,
    struct mc_err *err)
{
	uint64_t incompat;
	uint32_t hdr_len;

	if (n < QCOW2_V3_HDR_LEN)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "the qcow2 header is truncated");
	hdr_len = be32(h + Q_HDR_LEN);
	incompat = be64(h + Q_INCOMPAT);
	if (hdr_len < QCOW2_V3_HDR_LEN || be32(h + Q_REFCOUNT_ORDER) >
	    QCOW2_MAX_REFCOUNT_ORDER)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "the qcow2 header is not valid");
	if (incompat & QCOW2_INCOMPAT_DATA_FILE)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "a qcow2 image with an external data file is not "
		    "accepted");
	if (incompat & QCOW2_INCOMPAT_CORRUPT)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "the qcow2 image is marked corrupt");
	if (incompat & ~QCOW2_INCOMPAT_KNOWN)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "the qcow2 image uses unknown incompatible features");
	*ret_hdr_len = hdr_len;
	return 0;
}

static int
qcow2_detect(const unsigned char *h, size_t n, struct ami_probe *ret,
    struct mc_err *err)
{
	uint32_t	version, bits;
	size_t		hdr_len = QCOW2_V2_HDR_LEN;

	version = n >= Q_VERSION + 4 ? be32(h + Q_VERSION) : 0;
	if (version == 1)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "image format qcow (version 1) is not supported: "
		    "use qcow2 or raw");
	if (n < QCOW2_V2_HDR_LEN)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "the qcow2 header is truncated");
	if (version != 2 && version != 3)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "qcow2 version %u is not supported", version);
	if (be64(h + Q_BACKING_OFF) != 0 || be32(h + Q_BACKING_LEN) != 0)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "a qcow2 image with a backing file is not accepted");
	bits = be32(h + Q_CLUSTER_BITS);
	if (bits < QCOW2_MIN_CLUSTER_BITS || bits > QCOW2_MAX_CLUSTER_BITS ||
	    be64(h + Q_SIZE) == 0 || be64(h + Q_SIZE) > INT64_MAX)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "the qcow2 header is not valid");
	if (be32(h + Q_CRYPT) != 0)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "an encrypted qcow2 image is not accepted");
	if (version == 3 && qcow2_check_v3(h, n, &hdr_len, err) < 0)
		return -1;
	if (qcow2_check_exts(h, n, hdr_len, (size_t)1 << bits, err) < 0)
		return -1;
	ret->format = AMI_FORMAT_QCOW2;
	ret->virtual_size = be64(h + Q_SIZE);
	return 0;
}

int
ami_format_detect(const unsigned char *head, size_t n, uint64_t file_size,
    struct ami_probe *ret, struct mc_err *err)
{
	struct ami_probe	p = { .file_size = file_size };
	size_t			i;

	if (n > file_size)
		return mc_err_set(err, MC_EC_INTERNAL_ERROR,
		    "the image changed while it was read");
	if (file_size == 0)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "the image is empty");
	if (n >= 4 && memcmp(head, QCOW_MAGIC, 4) == 0) {
		if (qcow2_detect(head, n, &p, err) < 0)
			return -1;
		*ret = p;
		return 0;
	}
	for (i = 0; i < MC_NELEMS(refused); i++)
		if (n >= refused[i].off + refused[i].len &&
		    memcmp(head + refused[i].off, refused[i].magic,
		    refused[i].len) == 0)
			return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
			    "image format %s is not supported: use qcow2 or "
			    "raw", refused[i].name);
	if (file_size % SECTOR != 0)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "a raw image must be a whole number of 512-byte sectors "
		    "(size %llu)", (unsigned long long)file_size);
	p.format = AMI_FORMAT_RAW;
	p.virtual_size = file_size;
	*ret = p;
	return 0;
}

/* Read up to bufsz bytes from the start of fd, short only at the end. */
static ssize_t
read_head(int fd, unsigned char *buf, size_t bufsz)
{
	size_t	got = 0;
	ssize_t	r;

	while (got < bufsz) {
		r = pread(fd, buf + got, bufsz - got, (off_t)got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

int
ami_format_probe(const char *path, struct ami_probe *ret, struct mc_err *err)
{
	MC_AUTOCLOSE int	fd = -1;
	unsigned char		head[AMI_FORMAT_HEAD];
	struct stat		st;
	ssize_t			n;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return mc_err_sys(err, errno, "cannot open the image");
	if (fstat(fd, &st) < 0)
		return mc_err_sys(err, errno, "cannot read the image");
	if (!S_ISREG(st.st_mode))
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "the image is not a regular file");
	n = read_head(fd, head, sizeof(head));
	if (n < 0)
		return mc_err_sys(err, errno, "cannot read the image");
	return ami_format_detect(head, (size_t)n, (uint64_t)st.st_size, ret,
	    err);
}

const char *
ami_format_name(enum ami_format f)
{
	return f < AMI_FORMAT__MAX ? names[f] : "unknown";
}

int
ami_format_parse(const char *s, enum ami_format *ret)
{
	size_t i;

	for (i = 0; i < AMI_FORMAT__MAX; i++)
		if (s != NULL && strcmp(s, names[i]) == 0) {
			*ret = (enum ami_format)i;
			return 0;
		}
	return -1;
}

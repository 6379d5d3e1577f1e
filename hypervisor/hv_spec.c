/*
 * hv_spec: the checks a spec, and each of its disks, passes before it
 * becomes domain XML, a file name or a libvirt call.  One table row per
 * field; it does not look at the file system (whether a disk exists is
 * libvirt's to say).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "mc_cleanup.h"
#include "mc_err.h"
#include "mc_id.h"
#include "mc_utf8.h"
#include "hv_spec.h"
#include "hv_xml_priv.h"

#define ACCOUNT_DIGITS	12
#define TYPE_CHARS	"abcdefghijklmnopqrstuvwxyz0123456789.-"
#define UUID_HEX	"0123456789abcdef"
#define ALNUM		"abcdefghijklmnopqrstuvwxyz" \
			"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

struct field;
typedef int	field_check_fn(const char *, const struct field *,
		    const char *, struct mc_err *);

/* A string field; checks get the label of what holds it. */
struct field {
	const char	*name;
	size_t		 off;		/* offsetof(struct ..., name) */
	size_t		 size;		/* sizeof the array */
	field_check_fn	*check;
	int		 kind;		/* enum mc_id_kind for check_id */
	bool		 optional;	/* empty is fine */
	const char	*chars;		/* for check_chars */
};

static field_check_fn check_id, check_account, check_type, check_uuid,
    check_path, check_text, check_tap, check_mac, check_target,
    check_chars, check_protocol;

#define FIELD(f, fn, k, opt) \
	{ #f, offsetof(struct hv_spec, f), \
	  sizeof(((struct hv_spec *)0)->f), fn, k, opt, NULL }

static const struct field fields[] = {
	FIELD(instance_id, check_id, MC_ID_INSTANCE, false),
	FIELD(account_id, check_account, 0, false),
	FIELD(image_id, check_id, MC_ID_IMAGE, false),
	FIELD(reservation_id, check_id, MC_ID_RESERVATION, false),
	FIELD(instance_type, check_type, 0, false),
	FIELD(uuid, check_uuid, 0, false),
	FIELD(disk_path, check_path, 0, false),
	FIELD(console_path, check_path, 0, false),
	FIELD(kernel_path, check_path, 0, true),
	FIELD(initrd_path, check_path, 0, true),
	FIELD(cmdline, check_text, 0, true),
	FIELD(nic_tap, check_tap, 0, true),
	FIELD(nic_mac, check_mac, 0, true),
};

#define DFIELD(f, fn, k, opt, ch) \
	{ #f, offsetof(struct hv_disk, f), \
	  sizeof(((struct hv_disk *)0)->f), fn, k, opt, ch }

static const struct field disk_fields[] = {
	DFIELD(target, check_target, 0, false, NULL),
	DFIELD(serial, check_chars, 0, false, ALNUM "._-"),
	DFIELD(path, check_path, 0, true, NULL),
	DFIELD(protocol, check_protocol, 0, true, NULL),
	DFIELD(name, check_chars, 0, true, ALNUM "._/-"),
	DFIELD(auth_user, check_chars, 0, true, ALNUM "._-"),
	DFIELD(auth_secret, check_uuid, 1, true, NULL),
};

/* Network protocols a disk may use, and libvirt's secret type for each. */
static const struct {
	const char	*name;
	const char	*secret_type;
} protocols[] = {
	{ "rbd", "ceph" },
};

static const char *const format_names[HV_FORMAT__MAX] = {
	[HV_FORMAT_RAW] = "raw", [HV_FORMAT_QCOW2] = "qcow2",
};

static int
bad(const char *label, const struct field *f, const char *what,
    struct mc_err *err)
{
	return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
	    "invalid %s: %s %s", label, f->name, what);
}

static int
check_id(const char *label, const struct field *f, const char *v,
    struct mc_err *err)
{
	if (mc_id_check((enum mc_id_kind)f->kind, v, NULL) == 0)
		return 0;
	return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
	    "invalid %s: %s \"%.64s\" is malformed", label, f->name, v);
}

static int
check_account(const char *label, const struct field *f, const char *v,
    struct mc_err *err)
{
	if (strlen(v) == ACCOUNT_DIGITS &&
	    strspn(v, "0123456789") == ACCOUNT_DIGITS)
		return 0;
	return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
	    "invalid %s: %s \"%.64s\" is not 12 digits", label, f->name, v);
}

static int
check_type(const char *label, const struct field *f, const char *v,
    struct mc_err *err)
{
	if (strspn(v, TYPE_CHARS) == strlen(v))
		return 0;
	return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
	    "invalid %s: %s \"%.64s\" is not an instance type name", label,
	    f->name, v);
}

/* 8-4-4-4-12 lower-case hex digits; kind 0: ours, starting "ec2". */
static int
check_uuid(const char *label, const struct field *f, const char *v,
    struct mc_err *err)
{
	static const size_t	 dash[] = { 8, 13, 18, 23 };
	const char		*what = f->kind == 0 ?
				    "is not a UUID starting with \"ec2\"" :
				    "is not a lower-case UUID";
	size_t			 i, d = 0;

	if (strlen(v) != HV_UUID_LEN ||
	    (f->kind == 0 && strncmp(v, "ec2", 3) != 0))
		return bad(label, f, what, err);
	for (i = 0; i < HV_UUID_LEN; i++) {
		if (d < MC_NELEMS(dash) && i == dash[d]) {
			if (v[i] != '-')
				break;
			d++;
		} else if (strchr(UUID_HEX, v[i]) == NULL) {
			break;
		}
	}
	if (i < HV_UUID_LEN)
		return bad(label, f, what, err);
	return 0;
}

/* Well-formed UTF-8 with no C0 control character and no DEL. */
static bool
text_ok(const char *v)
{
	const unsigned char *s = (const unsigned char *)v;

	if (!mc_utf8_valid(v, strlen(v)))
		return false;
	for (; *s != '\0'; s++)
		if (*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

static int
check_path(const char *label, const struct field *f, const char *v,
    struct mc_err *err)
{
	/* The path itself stays out of the message: it is host detail. */
	if (v[0] != '/' || !text_ok(v))
		return bad(label, f, "is not an absolute path without control "
		    "characters", err);
	return 0;
}

static int
check_text(const char *label, const struct field *f, const char *v,
    struct mc_err *err)
{
	if (!text_ok(v))
		return bad(label, f, "is not UTF-8 text without control "
		    "characters", err);
	return 0;
}

/* The agent names its taps with a-z and 0-9 only: nothing to quote. */
static int
check_tap(const char *label, const struct field *f, const char *v,
    struct mc_err *err)
{
	if (strspn(v, "abcdefghijklmnopqrstuvwxyz0123456789") != strlen(v))
		return bad(label, f, "is not a link name of a-z and 0-9", err);
	return 0;
}

/* Six lower-case hex pairs with colons; unicast (bit 0 of byte 0 clear). */
static int
check_mac(const char *label, const struct field *f, const char *v,
    struct mc_err *err)
{
	size_t i;

	for (i = 0; i < HV_MAC_MAX; i++)
		if (i % 3 == 2 ? v[i] != ':' :
		    strchr("0123456789abcdef", v[i]) == NULL || v[i] == '\0')
			break;
	if (i < HV_MAC_MAX || v[HV_MAC_MAX] != '\0' ||
	    strchr("13579bdf", v[1]) != NULL)
		return bad(label, f, "is not a lower-case unicast MAC address",
		    err);
	return 0;
}

/* "vd" and a letter from b: vda is the root disk. */
static int
check_target(const char *label, const struct field *f, const char *v,
    struct mc_err *err)
{
	if (strlen(v) != 3 || strncmp(v, "vd", 2) != 0 || v[2] < 'b' ||
	    v[2] > 'z')
		return bad(label, f, "is not one of vdb..vdz", err);
	return 0;
}

/* Letters, digits and the punctuation after them in f->chars. */
static int
check_chars(const char *label, const struct field *f, const char *v,
    struct mc_err *err)
{
	if (strspn(v, f->chars) == strlen(v))
		return 0;
	return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
	    "invalid %s: %s may only have letters, digits and \"%s\"", label,
	    f->name, f->chars + strlen(ALNUM));
}

static int
check_protocol(const char *label, const struct field *f, const char *v,
    struct mc_err *err)
{
	if (hv_protocol_secret_type(v) == NULL)
		return bad(label, f, "is not a known protocol", err);
	return 0;
}

static int
check_field(const char *label, const void *base, const struct field *f,
    struct mc_err *err)
{
	const char *v = (const char *)base + f->off;

	/* A caller's array without its NUL must not be read past its end. */
	if (strnlen(v, f->size) == f->size)
		return bad(label, f, "is not terminated", err);
	if (v[0] == '\0')
		return f->optional ? 0 : bad(label, f, "is empty", err);
	return f->check(label, f, v, err);
}

static int
check_fields(const char *label, const void *base, const struct field *t,
    size_t n, struct mc_err *err)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (check_field(label, base, &t[i], err) < 0)
			return -1;
	return 0;
}

static int
disk_file_check(const char *label, const struct hv_disk *d,
    struct mc_err *err)
{
	if (d->path[0] == '\0')
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "invalid %s: a file disk needs a path", label);
	if (d->protocol[0] != '\0' || d->name[0] != '\0' || d->n_hosts != 0 ||
	    d->auth_user[0] != '\0' || d->auth_secret[0] != '\0')
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "invalid %s: a file disk has no network source", label);
	return 0;
}

static int
disk_host_check(const char *label, const struct hv_disk_host *h,
    struct mc_err *err)
{
	size_t n = strnlen(h->name, sizeof(h->name));

	if (n == 0 || n == sizeof(h->name) ||
	    strspn(h->name, ALNUM ".-:") != n || h->port > 65535)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "invalid %s: a host is not a name of letters, digits and "
		    "\".-:\" with a port up to 65535", label);
	return 0;
}

static int
disk_net_check(const char *label, const struct hv_disk *d,
    struct mc_err *err)
{
	size_t i;

	if (d->path[0] != '\0' || d->protocol[0] == '\0' || d->name[0] == '\0')
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "invalid %s: a network disk has a protocol and a name, "
		    "and no path", label);
	if (d->n_hosts < 1 || d->n_hosts > HV_DISK_HOSTS_MAX)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "invalid %s: a network disk has 1..%d hosts", label,
		    HV_DISK_HOSTS_MAX);
	for (i = 0; i < d->n_hosts; i++)
		if (disk_host_check(label, &d->hosts[i], err) < 0)
			return -1;
	if ((d->auth_user[0] == '\0') != (d->auth_secret[0] == '\0'))
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "invalid %s: auth_user and auth_secret go together", label);
	return 0;
}

static int
disk_check(const char *label, const struct hv_disk *d, struct mc_err *err)
{
	if (check_fields(label, d, disk_fields, MC_NELEMS(disk_fields),
	    err) < 0)
		return -1;
	if ((unsigned)d->type >= HV_DISK__MAX ||
	    (unsigned)d->format >= HV_FORMAT__MAX)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "invalid %s: unknown type or format", label);
	if (d->type == HV_DISK_FILE)
		return disk_file_check(label, d, err);
	return disk_net_check(label, d, err);
}

int
hv_disk_check(const struct hv_disk *d, struct mc_err *err)
{
	return disk_check("disk", d, err);
}

/* Every disk checked, and no two at one target or with one serial. */
static int
spec_disks_check(const struct hv_spec *spec, struct mc_err *err)
{
	const struct hv_disk	*d = spec->disks;
	char			 label[64];
	size_t			 i, k;

	if (spec->n_disks > HV_DISKS_MAX)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "invalid instance spec: more than %d disks", HV_DISKS_MAX);
	for (i = 0; i < spec->n_disks; i++) {
		(void)snprintf(label, sizeof(label), "instance spec: disk %zu",
		    i);
		if (disk_check(label, &d[i], err) < 0)
			return -1;
		for (k = 0; k < i; k++)
			if (strcmp(d[k].target, d[i].target) == 0 ||
			    strcmp(d[k].serial, d[i].serial) == 0)
				return mc_err_set(err,
				    MC_EC_INVALID_PARAMETER_VALUE, "invalid "
				    "%s: its target or serial is disk %zu's",
				    label, k);
	}
	return 0;
}

int
hv_spec_check(const struct hv_spec *spec, struct mc_err *err)
{
	if (check_fields("instance spec", spec, fields, MC_NELEMS(fields),
	    err) < 0)
		return -1;
	if (spec->vcpus < 1 || spec->vcpus > HV_VCPUS_MAX)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "invalid instance spec: vcpus %u is not in 1..%d",
		    spec->vcpus, HV_VCPUS_MAX);
	if (spec->mem_mib < HV_MEM_MIB_MIN || spec->mem_mib > HV_MEM_MIB_MAX)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "invalid instance spec: mem_mib %u is not in %d..%d",
		    spec->mem_mib, HV_MEM_MIB_MIN, HV_MEM_MIB_MAX);
	/* Without a kernel QEMU boots the disk and would ignore these. */
	if (spec->kernel_path[0] == '\0' &&
	    (spec->initrd_path[0] != '\0' || spec->cmdline[0] != '\0'))
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "invalid instance spec: initrd_path and cmdline need "
		    "kernel_path");
	if ((spec->nic_tap[0] == '\0') != (spec->nic_mac[0] == '\0'))
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "invalid instance spec: nic_tap and nic_mac go together");
	return spec_disks_check(spec, err);
}

int
hv_serial_for(const char *volume_id, char *buf, struct mc_err *err)
{
	if (mc_id_check(MC_ID_VOLUME, volume_id, err) < 0)
		return -1;
	(void)snprintf(buf, HV_SERIAL_MAX + 1, "vol%s", volume_id + 4);
	return 0;
}

const char *
hv_format_name(enum hv_format f)
{
	return (unsigned)f < HV_FORMAT__MAX ? format_names[f] : "?";
}

const char *
hv_protocol_secret_type(const char *protocol)
{
	size_t i;

	for (i = 0; i < MC_NELEMS(protocols); i++)
		if (strcmp(protocols[i].name, protocol) == 0)
			return protocols[i].secret_type;
	return NULL;
}

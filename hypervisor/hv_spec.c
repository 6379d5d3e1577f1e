/*
 * hv_spec: the checks a spec passes before it becomes domain XML, a file
 * name or a libvirt call.  One table row per field; it does not look at
 * the file system (whether the disk exists is libvirt's to say).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "mc_cleanup.h"
#include "mc_err.h"
#include "mc_id.h"
#include "mc_utf8.h"
#include "hv_spec.h"

#define ACCOUNT_DIGITS	12
#define TYPE_CHARS	"abcdefghijklmnopqrstuvwxyz0123456789.-"
#define UUID_HEX	"0123456789abcdef"

struct field;
typedef int	field_check_fn(const struct field *, const char *,
		    struct mc_err *);

struct field {
	const char	*name;
	size_t		 off;		/* offsetof(struct hv_spec, name) */
	size_t		 size;		/* sizeof the array */
	field_check_fn	*check;
	int		 kind;		/* enum mc_id_kind for check_id */
	bool		 optional;	/* empty is fine */
};

static field_check_fn check_id, check_account, check_type, check_uuid,
    check_path, check_text, check_tap, check_mac;

#define FIELD(f, fn, k, opt) \
	{ #f, offsetof(struct hv_spec, f), \
	  sizeof(((struct hv_spec *)0)->f), fn, k, opt }

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

static int
bad(const struct field *f, const char *what, struct mc_err *err)
{
	return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
	    "invalid instance spec: %s %s", f->name, what);
}

static int
check_id(const struct field *f, const char *v, struct mc_err *err)
{
	if (mc_id_check((enum mc_id_kind)f->kind, v, NULL) == 0)
		return 0;
	return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
	    "invalid instance spec: %s \"%.64s\" is malformed", f->name, v);
}

static int
check_account(const struct field *f, const char *v, struct mc_err *err)
{
	if (strlen(v) == ACCOUNT_DIGITS &&
	    strspn(v, "0123456789") == ACCOUNT_DIGITS)
		return 0;
	return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
	    "invalid instance spec: %s \"%.64s\" is not 12 digits", f->name,
	    v);
}

static int
check_type(const struct field *f, const char *v, struct mc_err *err)
{
	if (strspn(v, TYPE_CHARS) == strlen(v))
		return 0;
	return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
	    "invalid instance spec: %s \"%.64s\" is not an instance type name",
	    f->name, v);
}

/* "ec2" + 29 hex digits in the 8-4-4-4-12 form, lower case. */
static int
check_uuid(const struct field *f, const char *v, struct mc_err *err)
{
	static const size_t	dash[] = { 8, 13, 18, 23 };
	size_t			i, d = 0;

	if (strlen(v) != HV_UUID_LEN || strncmp(v, "ec2", 3) != 0)
		return bad(f, "is not a UUID starting with \"ec2\"", err);
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
		return bad(f, "is not a UUID starting with \"ec2\"", err);
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
check_path(const struct field *f, const char *v, struct mc_err *err)
{
	/* The path itself stays out of the message: it is host detail. */
	if (v[0] != '/' || !text_ok(v))
		return bad(f, "is not an absolute path without control "
		    "characters", err);
	return 0;
}

static int
check_text(const struct field *f, const char *v, struct mc_err *err)
{
	if (!text_ok(v))
		return bad(f, "is not UTF-8 text without control characters",
		    err);
	return 0;
}

/* The agent names its taps with a-z and 0-9 only: nothing to quote. */
static int
check_tap(const struct field *f, const char *v, struct mc_err *err)
{
	if (strspn(v, "abcdefghijklmnopqrstuvwxyz0123456789") != strlen(v))
		return bad(f, "is not a link name of a-z and 0-9", err);
	return 0;
}

/* Six lower-case hex pairs with colons; unicast (bit 0 of byte 0 clear). */
static int
check_mac(const struct field *f, const char *v, struct mc_err *err)
{
	size_t i;

	for (i = 0; i < HV_MAC_MAX; i++)
		if (i % 3 == 2 ? v[i] != ':' :
		    strchr("0123456789abcdef", v[i]) == NULL || v[i] == '\0')
			break;
	if (i < HV_MAC_MAX || v[HV_MAC_MAX] != '\0' ||
	    strchr("13579bdf", v[1]) != NULL)
		return bad(f, "is not a lower-case unicast MAC address", err);
	return 0;
}

static int
check_field(const struct hv_spec *spec, const struct field *f,
    struct mc_err *err)
{
	const char *v = (const char *)spec + f->off;

	/* A caller's array without its NUL must not be read past its end. */
	if (strnlen(v, f->size) == f->size)
		return bad(f, "is not terminated", err);
	if (v[0] == '\0')
		return f->optional ? 0 : bad(f, "is empty", err);
	return f->check(f, v, err);
}

int
hv_spec_check(const struct hv_spec *spec, struct mc_err *err)
{
	size_t i;

	for (i = 0; i < MC_NELEMS(fields); i++)
		if (check_field(spec, &fields[i], err) < 0)
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
	return 0;
}

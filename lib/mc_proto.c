/*
 * mc_proto: encode and decode the agents' protocol with json-c.  Every
 * field is read through one checked getter, so a message that is not
 * exactly what we expect is refused with the field's name.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "mc_err.h"
#include "mc_base64.h"
#include "mc_id.h"
#include "mc_ipv4.h"
#include "mc_proto.h"

#define HEX		"0123456789abcdef"
#define DIGITS		"0123456789"
#define NAME_CHARS	"abcdefghijklmnopqrstuvwxyz0123456789-."
#define TYPE_CHARS	"abcdefghijklmnopqrstuvwxyz0123456789-."

static const char *const want_names[MC_PROTO_WANT__MAX] = {
	[MC_PROTO_WANT_RUNNING] = "running",
	[MC_PROTO_WANT_STOPPED] = "stopped",
	[MC_PROTO_WANT_TERMINATED] = "terminated",
};

static const char *const actual_names[MC_PROTO_ACTUAL__MAX] = {
	[MC_PROTO_ACTUAL_NONE] = "none",
	[MC_PROTO_ACTUAL_PREPARING] = "preparing",
	[MC_PROTO_ACTUAL_SHUTOFF] = "shutoff",
	[MC_PROTO_ACTUAL_RUNNING] = "running",
	[MC_PROTO_ACTUAL_STOPPING] = "stopping",
	[MC_PROTO_ACTUAL_FAILED] = "failed",
};

static int
name_index(const char *const *names, int n, const char *s)
{
	int i;

	for (i = 0; s != NULL && i < n; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

const char *
mc_proto_want_name(enum mc_proto_want w)
{
	return w < MC_PROTO_WANT__MAX ? want_names[w] : "?";
}

int
mc_proto_want_parse(const char *s)
{
	return name_index(want_names, MC_PROTO_WANT__MAX, s);
}

const char *
mc_proto_actual_name(enum mc_proto_actual_state s)
{
	return s < MC_PROTO_ACTUAL__MAX ? actual_names[s] : "?";
}

int
mc_proto_actual_parse(const char *s)
{
	return name_index(actual_names, MC_PROTO_ACTUAL__MAX, s);
}

bool
mc_proto_host_name_ok(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= MC_PROTO_NAME_MAX && strspn(s, NAME_CHARS) == n &&
	    s[0] != '-' && s[0] != '.';
}

/* Field checks: each takes the value and says whether it may pass. */
enum check {
	C_ANY,		/* printable text */
	C_NAME,		/* host names */
	C_TYPE,		/* instance type names */
	C_HEX64,	/* sha256 */
	C_ACCOUNT,	/* 12 digits */
	C_INSTANCE, C_RESERVATION, C_IMAGE, C_KERNEL, C_RAMDISK,
	C_FORMAT,	/* raw, qcow2 */
	C_ACCEL,	/* kvm, tcg */
	C_STATE,	/* an EC2 instance state name */
	C_ENI, C_VPC, C_SUBNET,
	C_MAC,		/* 02:00:00:00:00:01, lower case */
	C_IPV4,		/* a dotted quad */
	C_IPV4_OPT,	/* one, or "" */
	C_CIDR,		/* 10.0.0.0/16 */
	C_DNS,		/* a DNS name */
	C_WORD,		/* a lower-case word: optional, enabled... */
};

static bool
printable(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

static bool
mac_ok(const char *s)
{
	int i;

	for (i = 0; i < 6; i++, s += 3)
		if (strspn(s, HEX) < 2 || (i < 5 && s[2] != ':'))
			return false;
	return true;
}

static bool
check_ok(enum check c, const char *s)
{
	struct mc_cidr	cidr;
	uint32_t	a;
	size_t		n = strlen(s);

	switch (c) {
	case C_ANY:	return printable(s);
	case C_NAME:	return mc_proto_host_name_ok(s);
	case C_TYPE:	return n > 0 && strspn(s, TYPE_CHARS) == n;
	case C_HEX64:	return n == MC_PROTO_SHA256 && strspn(s, HEX) == n;
	case C_ACCOUNT:	return n == 12 && strspn(s, DIGITS) == n;
	case C_INSTANCE: return mc_id_check(MC_ID_INSTANCE, s, NULL) == 0;
	case C_RESERVATION: return mc_id_check(MC_ID_RESERVATION, s, NULL) == 0;
	case C_IMAGE:	return mc_id_check(MC_ID_IMAGE, s, NULL) == 0;
	case C_KERNEL:	return n == 0 || mc_id_check(MC_ID_KERNEL, s, NULL) == 0;
	case C_RAMDISK:	return n == 0 || mc_id_check(MC_ID_RAMDISK, s, NULL) == 0;
	case C_FORMAT:	return strcmp(s, "raw") == 0 || strcmp(s, "qcow2") == 0;
	case C_ACCEL:	return strcmp(s, "kvm") == 0 || strcmp(s, "tcg") == 0;
	case C_STATE:
	case C_WORD:	return n > 0 && strspn(s, "abcdefghijklmnopqrstuvwxyz-") ==
			    n;
	case C_ENI:	return mc_id_check(MC_ID_ENI, s, NULL) == 0;
	case C_VPC:	return mc_id_check(MC_ID_VPC, s, NULL) == 0;
	case C_SUBNET:	return mc_id_check(MC_ID_SUBNET, s, NULL) == 0;
	case C_MAC:	return n == MC_PROTO_MAC_MAX && mac_ok(s);
	case C_IPV4:	return mc_ipv4_parse(s, &a);
	case C_IPV4_OPT: return n == 0 || mc_ipv4_parse(s, &a);
	case C_CIDR:	return mc_cidr_parse(s, &cidr);
	case C_DNS:	return n > 0 && strspn(s, NAME_CHARS) == n;
	}
	return false;
}

static int
bad_field(struct mc_err *err, const char *key)
{
	return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
	    "protocol message: field '%s' is missing or invalid", key);
}

/*
 * Each message is a table of fields: its JSON key, its kind, where it
 * lives in the struct and what it may hold.  The same table encodes and
 * decodes, so the two cannot drift apart.
 */
enum kind {
	K_STR,		/* char[size], passing check */
	K_U64,		/* uint64_t, at most max */
	K_UINT,		/* unsigned, at most max */
	K_BOOL,
	K_WANT,		/* enum mc_proto_want as its name */
	K_ACTUAL,	/* enum mc_proto_actual_state as its name */
	K_IMAGE,	/* struct mc_proto_image, an object */
	K_NIC,		/* struct mc_proto_nic, an object */
	K_MD,		/* struct mc_proto_md, an object (owns memory) */
};

struct field {
	const char	*key;
	enum kind	 kind;
	size_t		 off;
	size_t		 size;	/* K_STR: buffer size */
	uint64_t	 max;	/* K_U64, K_UINT */
	enum check	 check;	/* K_STR */
	bool		 required;
};

#define STR(st, k, m, c, req) \
	{ k, K_STR, offsetof(st, m), sizeof(((st *)0)->m), 0, c, req }
#define NUM(st, kind, k, m, mx, req) \
	{ k, kind, offsetof(st, m), 0, mx, C_ANY, req }
#define OTHER(st, kind, k, m, req) \
	{ k, kind, offsetof(st, m), 0, 0, C_ANY, req }

static const struct field host_fields[] = {
	STR(struct mc_proto_host, "name", name, C_NAME, true),
	STR(struct mc_proto_host, "zone", zone, C_NAME, true),
	NUM(struct mc_proto_host, K_UINT, "vcpus", vcpus, 65536, true),
	NUM(struct mc_proto_host, K_U64, "mem_mib", mem_mib, 1ULL << 40, true),
	NUM(struct mc_proto_host, K_U64, "disk_gib", disk_gib, 1ULL << 40, true),
	STR(struct mc_proto_host, "accel", accel, C_ACCEL, true),
	STR(struct mc_proto_host, "accel_why", accel_why, C_ANY, false),
	STR(struct mc_proto_host, "version", version, C_ANY, false),
};

static const struct field image_fields[] = {
	STR(struct mc_proto_image, "id", id, C_ANY, true),
	STR(struct mc_proto_image, "format", format, C_FORMAT, true),
	STR(struct mc_proto_image, "sha256", sha256, C_HEX64, true),
	NUM(struct mc_proto_image, K_U64, "size", size, 1ULL << 50, true),
};

static const struct field nic_fields[] = {
	STR(struct mc_proto_nic, "eni", eni, C_ENI, true),
	STR(struct mc_proto_nic, "mac", mac, C_MAC, true),
	STR(struct mc_proto_nic, "vpc", vpc, C_VPC, true),
	STR(struct mc_proto_nic, "subnet", subnet, C_SUBNET, true),
	NUM(struct mc_proto_nic, K_UINT, "vni", vni, 16777215, true),
	STR(struct mc_proto_nic, "ip", ip, C_IPV4, true),
	STR(struct mc_proto_nic, "subnet_cidr", subnet_cidr, C_CIDR, true),
	STR(struct mc_proto_nic, "vpc_cidr", vpc_cidr, C_CIDR, true),
	STR(struct mc_proto_nic, "public_ip", public_ip, C_IPV4_OPT, false),
	STR(struct mc_proto_nic, "dns_name", dns_name, C_DNS, true),
};

/* The fixed part of struct mc_proto_md; the rest is read by hand. */
static const struct field md_fields[] = {
	NUM(struct mc_proto_md, K_UINT, "launch_index", launch_index, 65535,
	    false),
	NUM(struct mc_proto_md, K_U64, "launch_ms", launch_ms, INT64_MAX,
	    false),
	STR(struct mc_proto_md, "key_name", key_name, C_ANY, false),
	STR(struct mc_proto_md, "tokens", tokens, C_WORD, true),
	NUM(struct mc_proto_md, K_UINT, "hop_limit", hop_limit, 64, true),
	STR(struct mc_proto_md, "endpoint", endpoint, C_WORD, true),
	OTHER(struct mc_proto_md, K_BOOL, "instance_tags", instance_tags,
	    false),
};

static const struct field inst_fields[] = {
	STR(struct mc_proto_inst, "id", id, C_INSTANCE, true),
	STR(struct mc_proto_inst, "account", account, C_ACCOUNT, true),
	STR(struct mc_proto_inst, "reservation", reservation, C_RESERVATION,
	    true),
	STR(struct mc_proto_inst, "type", type, C_TYPE, true),
	NUM(struct mc_proto_inst, K_UINT, "vcpus", vcpus, 256, true),
	NUM(struct mc_proto_inst, K_UINT, "mem_mib", mem_mib, 4194304, true),
	NUM(struct mc_proto_inst, K_U64, "root_bytes", root_bytes, 1ULL << 50,
	    false),
	OTHER(struct mc_proto_inst, K_IMAGE, "image", image, true),
	OTHER(struct mc_proto_inst, K_IMAGE, "kernel", kernel, false),
	OTHER(struct mc_proto_inst, K_IMAGE, "ramdisk", ramdisk, false),
	STR(struct mc_proto_inst, "cmdline", cmdline, C_ANY, false),
	OTHER(struct mc_proto_inst, K_WANT, "want", want, true),
	STR(struct mc_proto_inst, "state", state, C_STATE, true),
	OTHER(struct mc_proto_inst, K_BOOL, "force", force, false),
	NUM(struct mc_proto_inst, K_UINT, "reboot_seq", reboot_seq,
	    UINT32_MAX, false),
	STR(struct mc_proto_inst, "zone", zone, C_NAME, false),
	OTHER(struct mc_proto_inst, K_NIC, "nic", nic, false),
	OTHER(struct mc_proto_inst, K_MD, "md", md, false),
};

static const struct field actual_fields[] = {
	STR(struct mc_proto_actual, "id", id, C_INSTANCE, true),
	OTHER(struct mc_proto_actual, K_ACTUAL, "state", state, true),
	NUM(struct mc_proto_actual, K_UINT, "reboot_seq", reboot_seq,
	    UINT32_MAX, false),
	STR(struct mc_proto_actual, "error", error, C_ANY, false),
};

#define NFIELDS(t)	(sizeof(t) / sizeof((t)[0]))

/* Parse len bytes of text as one JSON object; *ret is new. */
static int
parse_object(const char *json, size_t len, json_object **ret,
    struct mc_err *err)
{
	json_tokener	*tok;
	json_object	*o;

	if (len > MC_PROTO_MAX_BYTES)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "protocol message larger than %u bytes", MC_PROTO_MAX_BYTES);
	if ((tok = json_tokener_new()) == NULL)
		return mc_err_sys(err, ENOMEM, "out of memory");
	o = json_tokener_parse_ex(tok, json, (int)len);
	if (o != NULL && json_tokener_get_parse_end(tok) != len) {
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	if (o == NULL || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "protocol message is not a JSON object");
	}
	*ret = o;
	return 0;
}

static int	get_fields(json_object *o, const struct field *f, size_t n,
		    void *dst, struct mc_err *err);
static int	get_md(json_object *o, struct mc_proto_md *md,
		    struct mc_err *err);

static int
get_str(json_object *v, const struct field *f, char *dst, struct mc_err *err)
{
	const char *s;

	if (!json_object_is_type(v, json_type_string))
		return bad_field(err, f->key);
	s = json_object_get_string(v);
	/* An optional field may be empty whatever its check says. */
	if (strlen(s) >= f->size || (f->required && s[0] == '\0') ||
	    (s[0] != '\0' && !check_ok(f->check, s)))
		return bad_field(err, f->key);
	memcpy(dst, s, strlen(s) + 1);
	return 0;
}

static int
get_num(json_object *v, const struct field *f, uint64_t *ret,
    struct mc_err *err)
{
	int64_t i;

	if (!json_object_is_type(v, json_type_int))
		return bad_field(err, f->key);
	errno = 0;
	i = json_object_get_int64(v);
	if (errno != 0 || i < 0 || (uint64_t)i > f->max)
		return bad_field(err, f->key);
	*ret = (uint64_t)i;
	return 0;
}

static int
get_name(json_object *v, const struct field *f, int (*parse)(const char *),
    int *ret, struct mc_err *err)
{
	int i;

	if (!json_object_is_type(v, json_type_string) ||
	    (i = parse(json_object_get_string(v))) < 0)
		return bad_field(err, f->key);
	*ret = i;
	return 0;
}

/* Read one present field v into its slot. */
static int
get_field(json_object *v, const struct field *f, void *slot,
    struct mc_err *err)
{
	uint64_t	u = 0;
	int		e = 0;

	switch (f->kind) {
	case K_STR:
		return get_str(v, f, slot, err);
	case K_U64:
		return get_num(v, f, slot, err);
	case K_UINT:
		if (get_num(v, f, &u, err) < 0)
			return -1;
		return *(unsigned *)slot = (unsigned)u, 0;
	case K_BOOL:
		if (!json_object_is_type(v, json_type_boolean))
			return bad_field(err, f->key);
		return *(bool *)slot = json_object_get_boolean(v), 0;
	case K_WANT:
		if (get_name(v, f, mc_proto_want_parse, &e, err) < 0)
			return -1;
		return *(enum mc_proto_want *)slot = (enum mc_proto_want)e, 0;
	case K_ACTUAL:
		if (get_name(v, f, mc_proto_actual_parse, &e, err) < 0)
			return -1;
		return *(enum mc_proto_actual_state *)slot =
		    (enum mc_proto_actual_state)e, 0;
	case K_IMAGE:
		if (!json_object_is_type(v, json_type_object))
			return bad_field(err, f->key);
		return get_fields(v, image_fields, NFIELDS(image_fields), slot,
		    err);
	case K_NIC:
		if (!json_object_is_type(v, json_type_object))
			return bad_field(err, f->key);
		return get_fields(v, nic_fields, NFIELDS(nic_fields), slot,
		    err);
	case K_MD:
		return get_md(v, slot, err);
	}
	return bad_field(err, f->key);
}

static int
get_fields(json_object *o, const struct field *f, size_t n, void *dst,
    struct mc_err *err)
{
	json_object	*v;
	size_t		 i;

	for (i = 0; i < n; i++) {
		if (!json_object_object_get_ex(o, f[i].key, &v)) {
			if (f[i].required)
				return bad_field(err, f[i].key);
			continue;
		}
		if (get_field(v, &f[i], (char *)dst + f[i].off, err) < 0)
			return -1;
	}
	return 0;
}

static json_object	*put_fields(const struct field *f, size_t n,
			    const void *src);
static json_object	*put_md(const struct mc_proto_md *md);

static json_object *
put_field(const struct field *f, const void *slot)
{
	switch (f->kind) {
	case K_STR:
		return json_object_new_string(slot);
	case K_U64:
		return json_object_new_int64((int64_t)*(const uint64_t *)slot);
	case K_UINT:
		return json_object_new_int64(*(const unsigned *)slot);
	case K_BOOL:
		return json_object_new_boolean(*(const bool *)slot);
	case K_WANT:
		return json_object_new_string(mc_proto_want_name(
		    *(const enum mc_proto_want *)slot));
	case K_ACTUAL:
		return json_object_new_string(mc_proto_actual_name(
		    *(const enum mc_proto_actual_state *)slot));
	case K_IMAGE:
		return put_fields(image_fields, NFIELDS(image_fields), slot);
	case K_NIC:
		return put_fields(nic_fields, NFIELDS(nic_fields), slot);
	case K_MD:
		return put_md(slot);
	}
	return NULL;
}

/* The fields of src as a new object; optional empty images are left out. */
static json_object *
put_fields(const struct field *f, size_t n, const void *src)
{
	json_object	*o = json_object_new_object();
	const char	*slot;
	size_t		 i;

	for (i = 0; o != NULL && i < n; i++) {
		slot = (const char *)src + f[i].off;
		/* An optional object whose leading id is empty is absent. */
		if ((f[i].kind == K_IMAGE || f[i].kind == K_NIC) &&
		    !f[i].required && slot[0] == '\0')
			continue;
		/* Metadata without its options was never filled in. */
		if (f[i].kind == K_MD &&
		    ((const struct mc_proto_md *)slot)->tokens[0] == '\0')
			continue;
		json_object_object_add(o, f[i].key, put_field(&f[i], slot));
	}
	return o;
}

/* o as a new string; o is released. */
static char *
finish(json_object *o)
{
	const char	*s;
	char		*out;

	if (o == NULL)
		return NULL;
	s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	out = s != NULL ? strdup(s) : NULL;
	json_object_put(o);
	return out;
}

void
mc_proto_md_clear(struct mc_proto_md *md)
{
	size_t i;

	free(md->key_openssh);
	free(md->user_data);
	for (i = 0; i < md->n_tags; i++) {
		free(md->tags[i].key);
		free(md->tags[i].value);
	}
	free(md->tags);
	memset(md, 0, sizeof(*md));
}

/* An optional printable string of at most max bytes under key, new. */
static int
get_dstr(json_object *o, const char *key, size_t max, bool empty_ok,
    char **ret, struct mc_err *err)
{
	json_object	*v;
	const char	*s;

	if (!json_object_object_get_ex(o, key, &v))
		return 0;
	if (!json_object_is_type(v, json_type_string))
		return bad_field(err, key);
	s = json_object_get_string(v);
	if (strlen(s) > max || !printable(s) || (!empty_ok && s[0] == '\0'))
		return bad_field(err, key);
	if ((*ret = strdup(s)) == NULL)
		return mc_err_sys(err, ENOMEM, "out of memory");
	return 0;
}

static int
get_tags(json_object *o, struct mc_proto_md *md, struct mc_err *err)
{
	json_object	*a, *t;
	size_t		 n, i;

	if (!json_object_object_get_ex(o, "tags", &a))
		return 0;
	if (!json_object_is_type(a, json_type_array) ||
	    (n = json_object_array_length(a)) > MC_PROTO_TAGS_MAX)
		return bad_field(err, "tags");
	if (n > 0 && (md->tags = calloc(n, sizeof(*md->tags))) == NULL)
		return mc_err_sys(err, ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		t = json_object_array_get_idx(a, i);
		md->n_tags = i + 1;
		if (!json_object_is_type(t, json_type_object) ||
		    get_dstr(t, "key", 512, false, &md->tags[i].key, err) < 0 ||
		    get_dstr(t, "value", 1024, true, &md->tags[i].value,
		    err) < 0 || md->tags[i].key == NULL ||
		    md->tags[i].value == NULL)
			return bad_field(err, "tags");
	}
	return 0;
}

static int
get_md(json_object *o, struct mc_proto_md *md, struct mc_err *err)
{
	char	*ud = NULL;
	int	 rc;

	if (!json_object_is_type(o, json_type_object))
		return bad_field(err, "md");
	rc = get_fields(o, md_fields, NFIELDS(md_fields), md, err);
	if (rc == 0)
		rc = get_dstr(o, "key_openssh", MC_PROTO_KEY_MAX, false,
		    &md->key_openssh, err);
	if (rc == 0)
		rc = get_dstr(o, "user_data", MC_PROTO_USER_DATA_MAX * 4 / 3 + 4,
		    true, &ud, err);
	if (rc == 0 && ud != NULL) {
		md->has_user_data = true;
		if (mc_base64_decode(ud, &md->user_data, &md->user_data_len,
		    NULL) < 0 || md->user_data_len > MC_PROTO_USER_DATA_MAX)
			rc = bad_field(err, "user_data");
	}
	free(ud);
	if (rc == 0)
		rc = get_tags(o, md, err);
	if (rc < 0)
		mc_proto_md_clear(md);
	return rc;
}

static json_object *
put_md(const struct mc_proto_md *md)
{
	json_object	*o = put_fields(md_fields, NFIELDS(md_fields), md);
	json_object	*a, *t;
	char		*ud;
	size_t		 i;

	if (o == NULL)
		return NULL;
	if (md->key_openssh != NULL)
		json_object_object_add(o, "key_openssh",
		    json_object_new_string(md->key_openssh));
	if (md->has_user_data &&
	    (ud = mc_base64_encode(md->user_data, md->user_data_len)) != NULL) {
		json_object_object_add(o, "user_data",
		    json_object_new_string(ud));
		free(ud);
	}
	if (md->n_tags > 0 && (a = json_object_new_array()) != NULL) {
		for (i = 0; i < md->n_tags; i++) {
			t = json_object_new_object();
			json_object_object_add(t, "key",
			    json_object_new_string(md->tags[i].key));
			json_object_object_add(t, "value",
			    json_object_new_string(md->tags[i].value));
			json_object_array_add(a, t);
		}
		json_object_object_add(o, "tags", a);
	}
	return o;
}

char *
mc_proto_host_json(const struct mc_proto_host *h)
{
	return finish(put_fields(host_fields, NFIELDS(host_fields), h));
}

int
mc_proto_host_parse(const char *json, size_t len, struct mc_proto_host *ret,
    struct mc_err *err)
{
	struct mc_proto_host	h;
	json_object		*o;
	int			 rc;

	memset(&h, 0, sizeof(h));
	if (parse_object(json, len, &o, err) < 0)
		return -1;
	rc = get_fields(o, host_fields, NFIELDS(host_fields), &h, err);
	json_object_put(o);
	if (rc == 0 && h.vcpus == 0)
		rc = bad_field(err, "vcpus");
	if (rc == 0)
		*ret = h;
	return rc;
}

/* Image ids by role: a machine image, a kernel, a ramdisk. */
static int
check_images(const struct mc_proto_inst *in, struct mc_err *err)
{
	if (mc_id_check(MC_ID_IMAGE, in->image.id, NULL) < 0)
		return bad_field(err, "image");
	if (in->kernel.id[0] != '\0' &&
	    mc_id_check(MC_ID_KERNEL, in->kernel.id, NULL) < 0)
		return bad_field(err, "kernel");
	if (in->ramdisk.id[0] != '\0' &&
	    mc_id_check(MC_ID_RAMDISK, in->ramdisk.id, NULL) < 0)
		return bad_field(err, "ramdisk");
	return 0;
}

/*
 * Decode the array under key in o into a new array of n structs of
 * elemsz bytes, each checked by the field table; on failure clear (if
 * not NULL) frees what the elements own.
 */
static int
get_list(json_object *o, const char *key, const struct field *f, size_t nf,
    size_t elemsz, void (*clear)(void *), void **ret, size_t *ret_n,
    struct mc_err *err)
{
	json_object	*a, *e;
	char		*v;
	size_t		 n, i;

	*ret = NULL;
	*ret_n = 0;
	if (!json_object_object_get_ex(o, key, &a))
		return 0;
	if (!json_object_is_type(a, json_type_array) ||
	    (n = json_object_array_length(a)) > MC_PROTO_MAX_INSTANCES)
		return bad_field(err, key);
	if (n == 0)
		return 0;
	if ((v = calloc(n, elemsz)) == NULL)
		return mc_err_sys(err, ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(a, i);
		if (!json_object_is_type(e, json_type_object) ||
		    get_fields(e, f, nf, v + i * elemsz, err) < 0) {
			for (n = 0; clear != NULL && n <= i; n++)
				clear(v + n * elemsz);
			free(v);
			return bad_field(err, key);
		}
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

static json_object *
put_list(const struct field *f, size_t nf, const void *v, size_t n,
    size_t elemsz)
{
	json_object	*a = json_object_new_array();
	size_t		 i;

	for (i = 0; a != NULL && i < n; i++)
		json_object_array_add(a, put_fields(f, nf,
		    (const char *)v + i * elemsz));
	return a;
}

static void
inst_clear(void *p)
{
	mc_proto_md_clear(&((struct mc_proto_inst *)p)->md);
}

char *
mc_proto_desired_json(const struct mc_proto_desired *d)
{
	json_object *o = json_object_new_object();

	if (o == NULL)
		return NULL;
	json_object_object_add(o, "generation",
	    json_object_new_int64((int64_t)d->generation));
	json_object_object_add(o, "stop_timeout_s",
	    json_object_new_int64(d->stop_timeout_s));
	json_object_object_add(o, "region", json_object_new_string(d->region));
	json_object_object_add(o, "instances", put_list(inst_fields,
	    NFIELDS(inst_fields), d->v, d->n, sizeof(*d->v)));
	return finish(o);
}

int
mc_proto_desired_parse(const char *json, size_t len,
    struct mc_proto_desired *ret, struct mc_err *err)
{
	static const struct field top[] = {
		NUM(struct mc_proto_desired, K_U64, "generation", generation,
		    INT64_MAX, true),
		NUM(struct mc_proto_desired, K_UINT, "stop_timeout_s",
		    stop_timeout_s, 86400, true),
		STR(struct mc_proto_desired, "region", region, C_NAME, false),
	};
	struct mc_proto_desired	 d;
	json_object		*o;
	void			*v = NULL;
	size_t			 i;
	int			 rc;

	memset(&d, 0, sizeof(d));
	if (parse_object(json, len, &o, err) < 0)
		return -1;
	rc = get_fields(o, top, NFIELDS(top), &d, err);
	if (rc == 0)
		rc = get_list(o, "instances", inst_fields, NFIELDS(inst_fields),
		    sizeof(*d.v), inst_clear, &v, &d.n, err);
	json_object_put(o);
	d.v = v;
	for (i = 0; rc == 0 && i < d.n; i++)
		rc = check_images(&d.v[i], err);
	if (rc < 0) {
		mc_proto_desired_clear(&d);
		return -1;
	}
	*ret = d;
	return 0;
}

void
mc_proto_desired_clear(struct mc_proto_desired *d)
{
	size_t i;

	for (i = 0; d->v != NULL && i < d->n; i++)
		mc_proto_md_clear(&d->v[i].md);
	free(d->v);
	d->v = NULL;
	d->n = 0;
}

char *
mc_proto_report_json(const struct mc_proto_report *r)
{
	json_object *o = json_object_new_object();

	if (o == NULL)
		return NULL;
	json_object_object_add(o, "generation",
	    json_object_new_int64((int64_t)r->generation));
	json_object_object_add(o, "instances", put_list(actual_fields,
	    NFIELDS(actual_fields), r->v, r->n, sizeof(*r->v)));
	return finish(o);
}

int
mc_proto_report_parse(const char *json, size_t len,
    struct mc_proto_report *ret, struct mc_err *err)
{
	static const struct field top[] = {
		NUM(struct mc_proto_report, K_U64, "generation", generation,
		    INT64_MAX, false),
	};
	struct mc_proto_report	 r;
	json_object		*o;
	void			*v = NULL;
	int			 rc;

	memset(&r, 0, sizeof(r));
	if (parse_object(json, len, &o, err) < 0)
		return -1;
	rc = get_fields(o, top, NFIELDS(top), &r, err);
	if (rc == 0)
		rc = get_list(o, "instances", actual_fields,
		    NFIELDS(actual_fields), sizeof(*r.v), NULL, &v, &r.n, err);
	json_object_put(o);
	if (rc < 0)
		return -1;
	r.v = v;
	*ret = r;
	return 0;
}

void
mc_proto_report_clear(struct mc_proto_report *r)
{
	free(r->v);
	r->v = NULL;
	r->n = 0;
}

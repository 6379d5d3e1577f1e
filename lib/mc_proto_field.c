/*
 * mc_proto_field: read and write the protocol's field tables with
 * json-c.  Every field goes through one checked getter, so that a
 * message that is not exactly what we expect is refused with the
 * field's name.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "mc_err.h"
#include "mc_id.h"
#include "mc_ipv4.h"
#include "mc_proto_priv.h"

#define HEX		MC_PROTO_HEX
#define DIGITS		"0123456789"
#define NAME_CHARS	MC_PROTO_NAME_CHARS
#define TYPE_CHARS	"abcdefghijklmnopqrstuvwxyz0123456789-."

bool
mc_proto_printable(const char *s)
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
	case C_ANY:	return mc_proto_printable(s);
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
	case C_SG:	return mc_id_check(MC_ID_SG, s, NULL) == 0;
	case C_SG_RULE:	return mc_id_check(MC_ID_SG_RULE, s, NULL) == 0;
	case C_VOLUME:	return mc_id_check(MC_ID_VOLUME, s, NULL) == 0;
	case C_DEVICE:	return mc_proto_device_ok(s);
	case C_SNAPSHOT_OPT: return n == 0 || mc_id_check(MC_ID_SNAPSHOT, s,
			    NULL) == 0;
	case C_SNAPSHOT: return mc_id_check(MC_ID_SNAPSHOT, s, NULL) == 0;
	case C_VOLUME_OPT: return n == 0 || mc_id_check(MC_ID_VOLUME, s,
			    NULL) == 0;
	case C_INSTANCE_OPT: return n == 0 || mc_id_check(MC_ID_INSTANCE, s,
			    NULL) == 0;
	}
	return false;
}

int
mc_proto_bad_field(struct mc_err *err, const char *key)
{
	return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
	    "protocol message: field '%s' is missing or invalid", key);
}

/* Parse len bytes of text as one JSON object; *ret is new. */
int
mc_proto_parse_object(const char *json, size_t len, json_object **ret,
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


static int
get_str(json_object *v, const struct field *f, char *dst, struct mc_err *err)
{
	const char *s;

	if (!json_object_is_type(v, json_type_string))
		return mc_proto_bad_field(err, f->key);
	s = json_object_get_string(v);
	/* An optional field may be empty whatever its check says. */
	if (strlen(s) >= f->size || (f->required && s[0] == '\0') ||
	    (s[0] != '\0' && !check_ok(f->check, s)))
		return mc_proto_bad_field(err, f->key);
	memcpy(dst, s, strlen(s) + 1);
	return 0;
}

static int
get_num(json_object *v, const struct field *f, uint64_t *ret,
    struct mc_err *err)
{
	int64_t i;

	if (!json_object_is_type(v, json_type_int))
		return mc_proto_bad_field(err, f->key);
	errno = 0;
	i = json_object_get_int64(v);
	if (errno != 0 || i < 0 || (uint64_t)i > f->max)
		return mc_proto_bad_field(err, f->key);
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
		return mc_proto_bad_field(err, f->key);
	*ret = i;
	return 0;
}

static int
get_int(json_object *v, const struct field *f, int *ret, struct mc_err *err)
{
	int64_t i;

	if (!json_object_is_type(v, json_type_int))
		return mc_proto_bad_field(err, f->key);
	errno = 0;
	i = json_object_get_int64(v);
	if (errno != 0 || i < -1 || i > (int64_t)f->max)
		return mc_proto_bad_field(err, f->key);
	*ret = (int)i;
	return 0;
}

/* An array of at most MC_PROTO_NIC_GROUPS distinct strings. */
static int
get_ids(json_object *v, const struct field *f, struct mc_proto_ids *ret,
    struct mc_err *err)
{
	struct mc_proto_ids	ids;
	const char		*s;
	size_t			 i, j;

	memset(&ids, 0, sizeof(ids));
	if (!json_object_is_type(v, json_type_array) ||
	    (ids.n = json_object_array_length(v)) > MC_PROTO_NIC_GROUPS)
		return mc_proto_bad_field(err, f->key);
	for (i = 0; i < ids.n; i++) {
		s = json_object_get_string(json_object_array_get_idx(v, i));
		if (!json_object_is_type(json_object_array_get_idx(v, i),
		    json_type_string) || strlen(s) > MC_PROTO_ID_MAX ||
		    !check_ok(f->check, s))
			return mc_proto_bad_field(err, f->key);
		for (j = 0; j < i; j++)
			if (strcmp(ids.v[j], s) == 0)
				return mc_proto_bad_field(err, f->key);
		strcpy(ids.v[i], s);
	}
	*ret = ids;
	return 0;
}

static json_object *
put_ids(const struct mc_proto_ids *ids)
{
	json_object	*a = json_object_new_array();
	size_t		 i;

	for (i = 0; a != NULL && i < ids->n; i++)
		json_object_array_add(a, json_object_new_string(ids->v[i]));
	return a;
}

/* A JSON array into a fixed array of structs and its count. */
static int
get_arr(json_object *v, const struct field *f, char *slot, struct mc_err *err)
{
	size_t	n, i;

	if (!json_object_is_type(v, json_type_array) ||
	    (n = json_object_array_length(v)) > f->max)
		return mc_proto_bad_field(err, f->key);
	for (i = 0; i < n; i++) {
		json_object *e = json_object_array_get_idx(v, i);

		if (!json_object_is_type(e, json_type_object) ||
		    mc_proto_get_fields(e, f->sub, f->n_sub, slot + i * f->size,
		    err) < 0)
			return mc_proto_bad_field(err, f->key);
	}
	*(size_t *)(slot - f->off + f->noff) = n;
	return 0;
}

static json_object *
put_arr(const struct field *f, const char *slot)
{
	size_t n = *(const size_t *)(slot - f->off + f->noff);

	return mc_proto_put_list(f->sub, f->n_sub, slot, n, f->size);
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
			return mc_proto_bad_field(err, f->key);
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
	case K_OBJ:
		if (!json_object_is_type(v, json_type_object))
			return mc_proto_bad_field(err, f->key);
		return mc_proto_get_fields(v, f->sub, f->n_sub, slot, err);
	case K_MD:
		return mc_proto_get_md(v, slot, err);
	case K_INT:
		return get_int(v, f, slot, err);
	case K_IDS:
		return get_ids(v, f, slot, err);
	case K_ARR:
		return get_arr(v, f, slot, err);
	}
	return mc_proto_bad_field(err, f->key);
}

int
mc_proto_get_fields(json_object *o, const struct field *f, size_t n, void *dst,
    struct mc_err *err)
{
	json_object	*v;
	size_t		 i;

	for (i = 0; i < n; i++) {
		if (!json_object_object_get_ex(o, f[i].key, &v)) {
			if (f[i].required)
				return mc_proto_bad_field(err, f[i].key);
			continue;
		}
		if (get_field(v, &f[i], (char *)dst + f[i].off, err) < 0)
			return -1;
	}
	return 0;
}


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
	case K_OBJ:
		return mc_proto_put_fields(f->sub, f->n_sub, slot);
	case K_MD:
		return mc_proto_put_md(slot);
	case K_INT:
		return json_object_new_int64(*(const int *)slot);
	case K_IDS:
		return put_ids(slot);
	case K_ARR:
		return put_arr(f, slot);
	}
	return NULL;
}

/* The fields of src as a new object; optional empty images are left out. */
json_object *
mc_proto_put_fields(const struct field *f, size_t n, const void *src)
{
	json_object	*o = json_object_new_object();
	const char	*slot;
	size_t		 i;

	for (i = 0; o != NULL && i < n; i++) {
		slot = (const char *)src + f[i].off;
		/* An optional object whose leading id is empty is absent. */
		if (f[i].kind == K_OBJ &&
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
char *
mc_proto_finish(json_object *o)
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

int
mc_proto_get_list(json_object *o, const char *key, const struct field *f, size_t nf,
    size_t elemsz, void (*clear)(void *), void **ret, size_t *ret_n,
    struct mc_err *err)
{
	return mc_proto_get_list_max(o, key, MC_PROTO_MAX_INSTANCES, f, nf,
	    elemsz, clear, ret, ret_n, err);
}

int
mc_proto_get_list_max(json_object *o, const char *key, size_t max,
    const struct field *f, size_t nf, size_t elemsz, void (*clear)(void *),
    void **ret, size_t *ret_n, struct mc_err *err)
{
	json_object	*a, *e;
	char		*v;
	size_t		 n, i;

	*ret = NULL;
	*ret_n = 0;
	if (!json_object_object_get_ex(o, key, &a))
		return 0;
	if (!json_object_is_type(a, json_type_array) ||
	    (n = json_object_array_length(a)) > max)
		return mc_proto_bad_field(err, key);
	if (n == 0)
		return 0;
	if ((v = calloc(n, elemsz)) == NULL)
		return mc_err_sys(err, ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(a, i);
		if (!json_object_is_type(e, json_type_object) ||
		    mc_proto_get_fields(e, f, nf, v + i * elemsz, err) < 0) {
			for (n = 0; clear != NULL && n <= i; n++)
				clear(v + n * elemsz);
			free(v);
			return mc_proto_bad_field(err, key);
		}
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

json_object *
mc_proto_put_list(const struct field *f, size_t nf, const void *v, size_t n,
    size_t elemsz)
{
	json_object	*a = json_object_new_array();
	size_t		 i;

	for (i = 0; a != NULL && i < n; i++)
		json_object_array_add(a, mc_proto_put_fields(f, nf,
		    (const char *)v + i * elemsz));
	return a;
}


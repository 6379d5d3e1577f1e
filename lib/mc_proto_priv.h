/*
 * mc_proto_priv: the field tables the protocol's messages are made of,
 * and the code that reads and writes them (mc_proto_field.c), shared by
 * mc_proto.c (the messages) and mc_proto_md.c (the instance metadata).
 */
#ifndef MC_PROTO_PRIV_H
#define MC_PROTO_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "mc_proto.h"

struct mc_err;

#define MC_PROTO_HEX		"0123456789abcdef"
#define MC_PROTO_NAME_CHARS	"abcdefghijklmnopqrstuvwxyz0123456789-."

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
	C_SG,		/* sg-... */
	C_SG_RULE,	/* sgr-... */
	C_VOLUME,	/* vol-... */
	C_DEVICE,	/* /dev/sdf */
	C_SNAPSHOT_OPT,	/* snap-..., or "" */
	C_SNAPSHOT,	/* snap-... */
	C_VOLUME_OPT,	/* vol-..., or "" */
	C_INSTANCE_OPT,	/* i-..., or "" */
};

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
	K_OBJ,		/* a struct, an object: its own field table */
	K_MD,		/* struct mc_proto_md, an object (owns memory) */
	K_INT,		/* int, -1 to max */
	K_IDS,		/* struct mc_proto_ids, an array of strings passing check */
	K_ARR,		/* a fixed array of structs (sub), its count at noff */
};

struct field {
	const char	*key;
	enum kind	 kind;
	size_t		 off;
	size_t		 size;	/* K_STR: buffer size */
	uint64_t	 max;	/* K_U64, K_UINT */
	enum check	 check;	/* K_STR */
	bool		 required;
	const struct field *sub;	/* K_OBJ, K_ARR: its fields */
	size_t		 n_sub;
	size_t		 noff;	/* K_ARR: offset of the size_t count */
};

#define NFIELDS(t)	(sizeof(t) / sizeof((t)[0]))
#define STR(st, k, m, c, req) \
	{ k, K_STR, offsetof(st, m), sizeof(((st *)0)->m), 0, c, req, NULL, 0, 0 }
#define NUM(st, kind, k, m, mx, req) \
	{ k, kind, offsetof(st, m), 0, mx, C_ANY, req, NULL, 0, 0 }
#define OTHER(st, kind, k, m, req) \
	{ k, kind, offsetof(st, m), 0, 0, C_ANY, req, NULL, 0, 0 }
/* An object, optional ones left out when their first byte is NUL. */
#define OBJ(st, k, m, tab, req) \
	{ k, K_OBJ, offsetof(st, m), 0, 0, C_ANY, req, tab, NFIELDS(tab), 0 }
/* An array m of structs, each read with tab; its count in member n. */
#define ARR(st, k, m, n, tab) \
	{ k, K_ARR, offsetof(st, m), sizeof(((st *)0)->m[0]), \
	    sizeof(((st *)0)->m) / sizeof(((st *)0)->m[0]), C_ANY, false, tab, \
	    NFIELDS(tab), offsetof(st, n) }

/* Printable text: no control characters. */
bool	mc_proto_printable(const char *s);

/* err says field key is missing or invalid.  Returns -1. */
int	mc_proto_bad_field(struct mc_err *err, const char *key);

/* Parse len bytes of json as one object; *ret is new.  0, or -1. */
int	mc_proto_parse_object(const char *json, size_t len, json_object **ret,
	    struct mc_err *err);

/* Read the n fields of f from o into dst, checking each.  0, or -1. */
int	mc_proto_get_fields(json_object *o, const struct field *f, size_t n,
	    void *dst, struct mc_err *err);

/* The fields of src as a new object (NULL when out of memory). */
json_object *mc_proto_put_fields(const struct field *f, size_t n,
	    const void *src);

/* o as a new string; o is released.  NULL when out of memory. */
char	*mc_proto_finish(json_object *o);

/*
 * Decode the array under key in o into a new array of structs of elemsz
 * bytes, each checked by the field table; on failure clear (if not
 * NULL) frees what the elements own.  0, or -1 with err set.
 */
int	mc_proto_get_list(json_object *o, const char *key,
	    const struct field *f, size_t nf, size_t elemsz,
	    void (*clear)(void *), void **ret, size_t *ret_n,
	    struct mc_err *err);

/* The same, for lists of at most max elements. */
int	mc_proto_get_list_max(json_object *o, const char *key, size_t max,
	    const struct field *f, size_t nf, size_t elemsz,
	    void (*clear)(void *), void **ret, size_t *ret_n,
	    struct mc_err *err);

/* n structs of elemsz bytes at v as a new array. */
json_object *mc_proto_put_list(const struct field *f, size_t nf,
	    const void *v, size_t n, size_t elemsz);

/* The instance metadata object (mc_proto_md.c). */
int	mc_proto_get_md(json_object *o, struct mc_proto_md *md,
	    struct mc_err *err);
json_object *mc_proto_put_md(const struct mc_proto_md *md);

/* The desired state's volumes (mc_proto_vol.c). */
int	mc_proto_get_vols(json_object *o, struct mc_proto_desired *d,
	    struct mc_err *err);
json_object *mc_proto_put_vols(const struct mc_proto_desired *d);

/* The desired state's snapshot jobs and the report's states (mc_proto_vol.c). */
int	mc_proto_get_snaps(json_object *o, struct mc_proto_desired *d,
	    struct mc_err *err);
json_object *mc_proto_put_snaps(const struct mc_proto_desired *d);
int	mc_proto_get_snap_states(json_object *o, struct mc_proto_report *r,
	    struct mc_err *err);
json_object *mc_proto_put_snap_states(const struct mc_proto_report *r);

/* The desired state's view of the host's VPCs (mc_proto_view.c). */
int	mc_proto_get_view(json_object *o, struct mc_proto_desired *d,
	    struct mc_err *err);
json_object *mc_proto_put_view(const struct mc_proto_desired *d);

/* The desired state's security groups (mc_proto_sg.c). */
int	mc_proto_get_sgs(json_object *o, struct mc_proto_desired *d,
	    struct mc_err *err);
json_object *mc_proto_put_sgs(const struct mc_proto_desired *d);

#endif /* MC_PROTO_PRIV_H */

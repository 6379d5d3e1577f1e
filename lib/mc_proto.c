/*
 * mc_proto: the agents' protocol messages: their field tables, and
 * encoding and decoding each one (the tables' machinery is in
 * mc_proto_field.c, the instance metadata in mc_proto_md.c).
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "mc_err.h"
#include "mc_id.h"
#include "mc_proto_priv.h"

#define NAME_CHARS	MC_PROTO_NAME_CHARS

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

static const struct field host_fields[] = {
	STR(struct mc_proto_host, "name", name, C_NAME, true),
	STR(struct mc_proto_host, "zone", zone, C_NAME, true),
	NUM(struct mc_proto_host, K_UINT, "vcpus", vcpus, 65536, true),
	NUM(struct mc_proto_host, K_U64, "mem_mib", mem_mib, 1ULL << 40, true),
	NUM(struct mc_proto_host, K_U64, "disk_gib", disk_gib, 1ULL << 40, true),
	STR(struct mc_proto_host, "accel", accel, C_ACCEL, true),
	STR(struct mc_proto_host, "accel_why", accel_why, C_ANY, false),
	STR(struct mc_proto_host, "version", version, C_ANY, false),
	STR(struct mc_proto_host, "underlay", underlay, C_IPV4_OPT, false),
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
	{ "groups", K_IDS, offsetof(struct mc_proto_nic, groups), 0, 0, C_SG,
	    false, NULL, 0, 0 },
};

static const struct field attach_fields[] = {
	STR(struct mc_proto_attach, "vol", vol, C_VOLUME, true),
	STR(struct mc_proto_attach, "device", device, C_DEVICE, true),
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
	OBJ(struct mc_proto_inst, "image", image, image_fields, true),
	OBJ(struct mc_proto_inst, "kernel", kernel, image_fields, false),
	OBJ(struct mc_proto_inst, "ramdisk", ramdisk, image_fields, false),
	STR(struct mc_proto_inst, "cmdline", cmdline, C_ANY, false),
	OTHER(struct mc_proto_inst, K_WANT, "want", want, true),
	STR(struct mc_proto_inst, "state", state, C_STATE, true),
	OTHER(struct mc_proto_inst, K_BOOL, "force", force, false),
	NUM(struct mc_proto_inst, K_UINT, "reboot_seq", reboot_seq,
	    UINT32_MAX, false),
	STR(struct mc_proto_inst, "zone", zone, C_NAME, false),
	OBJ(struct mc_proto_inst, "nic", nic, nic_fields, false),
	OTHER(struct mc_proto_inst, K_MD, "md", md, false),
	ARR(struct mc_proto_inst, "vols", vols, n_vols, attach_fields),
	STR(struct mc_proto_inst, "root_vol", root_vol, C_VOLUME_OPT, false),
};

static const struct field actual_fields[] = {
	STR(struct mc_proto_actual, "id", id, C_INSTANCE, true),
	OTHER(struct mc_proto_actual, K_ACTUAL, "state", state, true),
	NUM(struct mc_proto_actual, K_UINT, "reboot_seq", reboot_seq,
	    UINT32_MAX, false),
	STR(struct mc_proto_actual, "error", error, C_ANY, false),
	ARR(struct mc_proto_actual, "vols", vols, n_vols, attach_fields),
};

char *
mc_proto_host_json(const struct mc_proto_host *h)
{
	return mc_proto_finish(mc_proto_put_fields(host_fields, NFIELDS(host_fields), h));
}

int
mc_proto_host_parse(const char *json, size_t len, struct mc_proto_host *ret,
    struct mc_err *err)
{
	struct mc_proto_host	h;
	json_object		*o;
	int			 rc;

	memset(&h, 0, sizeof(h));
	if (mc_proto_parse_object(json, len, &o, err) < 0)
		return -1;
	rc = mc_proto_get_fields(o, host_fields, NFIELDS(host_fields), &h, err);
	json_object_put(o);
	if (rc == 0 && h.vcpus == 0)
		rc = mc_proto_bad_field(err, "vcpus");
	if (rc == 0)
		*ret = h;
	return rc;
}

/* Image ids by role: a machine image, a kernel, a ramdisk. */
static int
check_images(const struct mc_proto_inst *in, struct mc_err *err)
{
	if (mc_id_check(MC_ID_IMAGE, in->image.id, NULL) < 0)
		return mc_proto_bad_field(err, "image");
	if (in->kernel.id[0] != '\0' &&
	    mc_id_check(MC_ID_KERNEL, in->kernel.id, NULL) < 0)
		return mc_proto_bad_field(err, "kernel");
	if (in->ramdisk.id[0] != '\0' &&
	    mc_id_check(MC_ID_RAMDISK, in->ramdisk.id, NULL) < 0)
		return mc_proto_bad_field(err, "ramdisk");
	return 0;
}

static void
inst_clear(void *p)
{
	mc_proto_md_clear(&((struct mc_proto_inst *)p)->md);
}

const char **
mc_proto_desired_ids(const struct mc_proto_desired *d)
{
	const char	**ids;
	size_t		  i;

	if (d->n == 0 || (ids = calloc(d->n, sizeof(*ids))) == NULL)
		return NULL;
	for (i = 0; i < d->n; i++)
		ids[i] = d->v[i].id;
	return ids;
}

const struct mc_proto_inst *
mc_proto_desired_inst(const struct mc_proto_desired *d, const char *id)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (strcmp(d->v[i].id, id) == 0)
			return &d->v[i];
	return NULL;
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
	json_object_object_add(o, "instances", mc_proto_put_list(inst_fields,
	    NFIELDS(inst_fields), d->v, d->n, sizeof(*d->v)));
	if (d->n_groups > 0)
		json_object_object_add(o, "groups", mc_proto_put_sgs(d));
	if (d->n_volumes > 0)
		json_object_object_add(o, "volumes", mc_proto_put_vols(d));
	if (d->n_snaps > 0)
		json_object_object_add(o, "snapshots", mc_proto_put_snaps(d));
	json_object_object_add(o, "view", mc_proto_put_view(d));
	return mc_proto_finish(o);
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
	if (mc_proto_parse_object(json, len, &o, err) < 0)
		return -1;
	rc = mc_proto_get_fields(o, top, NFIELDS(top), &d, err);
	if (rc == 0)
		rc = mc_proto_get_list(o, "instances", inst_fields, NFIELDS(inst_fields),
		    sizeof(*d.v), inst_clear, &v, &d.n, err);
	d.v = v;
	if (rc == 0)
		rc = mc_proto_get_sgs(o, &d, err);
	if (rc == 0)
		rc = mc_proto_get_vols(o, &d, err);
	if (rc == 0)
		rc = mc_proto_get_snaps(o, &d, err);
	if (rc == 0)
		rc = mc_proto_get_view(o, &d, err);
	json_object_put(o);
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
	for (i = 0; d->groups != NULL && i < d->n_groups; i++)
		mc_proto_sg_clear(&d->groups[i]);
	free(d->groups);
	d->groups = NULL;
	d->n_groups = 0;
	free(d->volumes);
	d->volumes = NULL;
	d->n_volumes = 0;
	free(d->snaps);
	d->snaps = NULL;
	d->n_snaps = 0;
	free(d->peers);
	d->peers = NULL;
	d->n_peers = 0;
	mc_proto_view_clear(&d->view);
}

char *
mc_proto_report_json(const struct mc_proto_report *r)
{
	json_object *o = json_object_new_object();

	if (o == NULL)
		return NULL;
	json_object_object_add(o, "generation",
	    json_object_new_int64((int64_t)r->generation));
	json_object_object_add(o, "instances", mc_proto_put_list(actual_fields,
	    NFIELDS(actual_fields), r->v, r->n, sizeof(*r->v)));
	if (r->n_snaps > 0)
		json_object_object_add(o, "snapshots",
		    mc_proto_put_snap_states(r));
	return mc_proto_finish(o);
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
	if (mc_proto_parse_object(json, len, &o, err) < 0)
		return -1;
	rc = mc_proto_get_fields(o, top, NFIELDS(top), &r, err);
	if (rc == 0)
		rc = mc_proto_get_list(o, "instances", actual_fields,
		    NFIELDS(actual_fields), sizeof(*r.v), NULL, &v, &r.n, err);
	r.v = v;
	if (rc == 0)
		rc = mc_proto_get_snap_states(o, &r, err);
	json_object_put(o);
	if (rc < 0) {
		mc_proto_report_clear(&r);
		return -1;
	}
	*ret = r;
	return 0;
}

void
mc_proto_report_clear(struct mc_proto_report *r)
{
	free(r->v);
	r->v = NULL;
	r->n = 0;
	free(r->snaps);
	r->snaps = NULL;
	r->n_snaps = 0;
}

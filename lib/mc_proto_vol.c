/*
 * mc_proto_vol: the volumes in the desired state (every volume of the
 * host's zone, so that the agent keeps their files and removes the
 * rest), device names, and the check that ties instances to them: every
 * volume an instance wants attached is listed, once, at one device.
 * And snapshots: the jobs a host must do, and how far it got.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "mc_err.h"
#include "mc_proto_priv.h"

#define VOL_GIB_MAX	65536		/* 64 TiB, EC2's largest */

static const struct field source_fields[] = {
	STR(struct mc_proto_image, "id", id, C_SNAPSHOT_OPT, true),
	STR(struct mc_proto_image, "format", format, C_FORMAT, true),
	STR(struct mc_proto_image, "sha256", sha256, C_HEX64, true),
	NUM(struct mc_proto_image, K_U64, "size", size, 1ULL << 50, true),
};

static const struct field vol_fields[] = {
	STR(struct mc_proto_vol, "id", id, C_VOLUME, true),
	NUM(struct mc_proto_vol, K_U64, "size_gib", size_gib, VOL_GIB_MAX, true),
	STR(struct mc_proto_vol, "format", format, C_FORMAT, true),
	STR(struct mc_proto_vol, "zone", zone, C_NAME, true),
	OBJ(struct mc_proto_vol, "source", source, source_fields, false),
};

bool
mc_proto_device_ok(const char *s)
{
	static const char *const stems[] = { "/dev/sd", "/dev/xvd", "/dev/vd" };
	size_t i, n;

	for (i = 0; i < sizeof(stems) / sizeof(stems[0]); i++) {
		if (strncmp(s, stems[i], strlen(stems[i])) != 0)
			continue;
		s += strlen(stems[i]);
		/* One or two letters, then an optional partition 1..15. */
		n = strspn(s, "abcdefghijklmnopqrstuvwxyz");
		if (n < 1 || n > 2)
			return false;
		s += n;
		if (*s == '\0')
			return true;
		n = strspn(s, "0123456789");
		return n == strlen(s) && n <= 2 && s[0] != '0' &&
		    atoi(s) <= 15;
	}
	return false;
}

const struct mc_proto_vol *
mc_proto_desired_volume(const struct mc_proto_desired *d, const char *id)
{
	size_t i;

	for (i = 0; i < d->n_volumes; i++)
		if (strcmp(d->volumes[i].id, id) == 0)
			return &d->volumes[i];
	return NULL;
}

/* Each wanted attachment names a listed volume; no volume twice. */
static int
check_attachments(const struct mc_proto_desired *d, struct mc_err *err)
{
	size_t i, j, k, l;

	for (i = 0; i < d->n; i++)
		for (j = 0; j < d->v[i].n_vols; j++) {
			const struct mc_proto_attach *a = &d->v[i].vols[j];

			if (mc_proto_desired_volume(d, a->vol) == NULL)
				return mc_proto_bad_field(err, "vols");
			for (k = 0; k <= i; k++)
				for (l = 0; l < (k < i ? d->v[k].n_vols : j); l++)
					if (strcmp(d->v[k].vols[l].vol, a->vol) == 0 ||
					    (k == i && strcmp(d->v[k].vols[l].device,
					    a->device) == 0))
						return mc_proto_bad_field(err,
						    "vols");
		}
	return 0;
}

int
mc_proto_get_vols(json_object *o, struct mc_proto_desired *d,
    struct mc_err *err)
{
	void *v = NULL;

	if (mc_proto_get_list(o, "volumes", vol_fields, NFIELDS(vol_fields),
	    sizeof(*d->volumes), NULL, &v, &d->n_volumes, err) < 0)
		return -1;
	d->volumes = v;
	return check_attachments(d, err);
}

json_object *
mc_proto_put_vols(const struct mc_proto_desired *d)
{
	return mc_proto_put_list(vol_fields, NFIELDS(vol_fields), d->volumes,
	    d->n_volumes, sizeof(*d->volumes));
}

static const struct field snap_job_fields[] = {
	STR(struct mc_proto_snap_job, "id", id, C_SNAPSHOT, true),
	STR(struct mc_proto_snap_job, "vol", vol, C_VOLUME, true),
	STR(struct mc_proto_snap_job, "instance", instance, C_INSTANCE_OPT,
	    false),
	OTHER(struct mc_proto_snap_job, K_BOOL, "root", root, false),
	OTHER(struct mc_proto_snap_job, K_BOOL, "reboot", reboot, false),
};

static const struct field snap_state_fields[] = {
	STR(struct mc_proto_snap_state, "id", id, C_SNAPSHOT, true),
	NUM(struct mc_proto_snap_state, K_UINT, "progress", progress, 100,
	    true),
	OTHER(struct mc_proto_snap_state, K_BOOL, "failed", failed, false),
	STR(struct mc_proto_snap_state, "error", error, C_ANY, false),
};

const struct mc_proto_snap_job *
mc_proto_desired_snap(const struct mc_proto_desired *d, const char *id)
{
	size_t i;

	for (i = 0; i < d->n_snaps; i++)
		if (strcmp(d->snaps[i].id, id) == 0)
			return &d->snaps[i];
	return NULL;
}

/*
 * Each job once; a root or reboot job names its instance, which the
 * desired state lists.
 */
static int
check_snaps(const struct mc_proto_desired *d, struct mc_err *err)
{
	const struct mc_proto_snap_job	*j;
	size_t				 i;

	if (d->n_snaps > MC_PROTO_SNAP_JOBS)
		return mc_proto_bad_field(err, "snapshots");
	for (i = 0; i < d->n_snaps; i++) {
		j = &d->snaps[i];
		if ((j->root || j->reboot) && j->instance[0] == '\0')
			return mc_proto_bad_field(err, "snapshots");
		if ((j->instance[0] != '\0' &&
		    mc_proto_desired_inst(d, j->instance) == NULL) ||
		    mc_proto_desired_snap(d, j->id) != j)
			return mc_proto_bad_field(err, "snapshots");
	}
	return 0;
}

int
mc_proto_get_snaps(json_object *o, struct mc_proto_desired *d,
    struct mc_err *err)
{
	void *v = NULL;

	if (mc_proto_get_list(o, "snapshots", snap_job_fields,
	    NFIELDS(snap_job_fields), sizeof(*d->snaps), NULL, &v, &d->n_snaps,
	    err) < 0)
		return -1;
	d->snaps = v;
	return check_snaps(d, err);
}

json_object *
mc_proto_put_snaps(const struct mc_proto_desired *d)
{
	return mc_proto_put_list(snap_job_fields, NFIELDS(snap_job_fields),
	    d->snaps, d->n_snaps, sizeof(*d->snaps));
}

int
mc_proto_get_snap_states(json_object *o, struct mc_proto_report *r,
    struct mc_err *err)
{
	void *v = NULL;

	if (mc_proto_get_list(o, "snapshots", snap_state_fields,
	    NFIELDS(snap_state_fields), sizeof(*r->snaps), NULL, &v,
	    &r->n_snaps, err) < 0)
		return -1;
	r->snaps = v;
	return 0;
}

json_object *
mc_proto_put_snap_states(const struct mc_proto_report *r)
{
	return mc_proto_put_list(snap_state_fields, NFIELDS(snap_state_fields),
	    r->snaps, r->n_snaps, sizeof(*r->snaps));
}

/*
 * ctl_runbdm: BlockDeviceMapping.N of RunInstances, checked before the
 * launch (the snapshots named, against the store) and made into volumes
 * and attachments inside it.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "mc_cleanup.h"
#include "mc_err.h"
#include "mc_id.h"
#include "ctl_params.h"
#include "ctl_query.h"
#include "ctl_runbdm.h"
#include "ctl_snap.h"
#include "ctl_sql.h"
#include "ctl_tags.h"
#include "ctl_tagspec.h"
#include "ctl_vol.h"

#define KEY_MAX	96	/* "BlockDeviceMapping.N.Ebs.DeleteOnTermination" */

/* The value of BlockDeviceMapping.<i>.<field>, or NULL. */
static const char *
field(const struct ctl_query *q, unsigned i, const char *name, char *key)
{
	(void)snprintf(key, KEY_MAX, "BlockDeviceMapping.%u.%s", i, name);
	return ctl_query_get(q, key);
}

/* Optional count field (>= 0) into *ret; -1 when not given. */
static int
opt_count(const struct ctl_query *q, unsigned i, const char *name,
    long long *ret, struct mc_err *err)
{
	char	key[KEY_MAX];
	int	rc;

	(void)field(q, i, name, key);
	if ((rc = ctl_params_int(q, key, 0, LLONG_MAX, ret, err)) == 0)
		*ret = -1;
	return rc < 0 ? -1 : 0;
}

/* What this cloud cannot make: encrypted volumes. */
static int
ebs_refused(const struct ctl_query *q, unsigned i, struct mc_err *err)
{
	char	key[KEY_MAX];
	bool	enc = false;

	(void)field(q, i, "Ebs.Encrypted", key);
	if (ctl_params_bool(q, key, &enc, err) < 0)
		return -1;
	if (enc || field(q, i, "Ebs.KmsKeyId", key) != NULL)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE, "Encrypted "
		    "volumes are not supported by this cloud");
	return 0;
}

/*
 * Ebs.SnapshotId of mapping i into v->snapshot (NULL: none).  The root
 * device's volume is the image's disk: only the image's own snapshot
 * (image_snap, "" when it has none) may be named there.
 */
static int
snapshot_of(const struct ctl_query *q, unsigned i, bool root,
    const char *image_snap, struct ctl_runbdm_vol *v, struct mc_err *err)
{
	char		 key[KEY_MAX];
	const char	*snap = field(q, i, "Ebs.SnapshotId", key);

	v->snapshot = NULL;
	if (snap == NULL)
		return 0;
	if (mc_id_check(MC_ID_SNAPSHOT, snap, err) < 0)
		return -1;
	if (root && strcmp(snap, image_snap) != 0)
		return mc_err_set(err, MC_EC_INVALID_BLOCK_DEVICE_MAPPING,
		    "The root device's volume is made from the image: its "
		    "snapshot can only be the image's (%s)", image_snap[0] !=
		    '\0' ? image_snap : "it has none");
	if (!root)
		v->snapshot = snap;
	return 0;
}

/*
 * The Ebs of mapping i: its volume's spec and DeleteOnTermination.
 * root_gib > 0: the image's root device, of that size at least.
 */
static int
ebs_of(const struct ctl_query *q, unsigned i, long long root_gib,
    const char *snap, struct ctl_runbdm_vol *v, struct mc_err *err)
{
	char		 key[KEY_MAX];
	const char	*type = field(q, i, "Ebs.VolumeType", key);
	bool		 dot = true;	/* made at launch: EC2's default */
	int		 t = CTL_VT_DEFAULT;

	if (ebs_refused(q, i, err) < 0 ||
	    snapshot_of(q, i, root_gib > 0, snap, v, err) < 0)
		return -1;
	if (type != NULL && (t = ctl_vol_type_parse(type)) < 0)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE, "Value "
		    "(%.32s) for parameter volumeType is invalid. Valid types: "
		    "standard, io1, io2, gp2, sc1, st1, gp3.", type);
	v->spec.type = (enum ctl_vol_type)t;
	if (opt_count(q, i, "Ebs.VolumeSize", &v->spec.size_gib, err) < 0 ||
	    opt_count(q, i, "Ebs.Iops", &v->spec.iops, err) < 0 ||
	    opt_count(q, i, "Ebs.Throughput", &v->spec.throughput, err) < 0)
		return -1;
	if (v->spec.size_gib < 0 && root_gib > 0)
		v->spec.size_gib = root_gib;
	(void)field(q, i, "Ebs.DeleteOnTermination", key);
	if (ctl_params_bool(q, key, &dot, err) < 0)
		return -1;
	v->delete_on_termination = dot;
	/* The snapshot's size is known once it is found (resolve). */
	if (v->snapshot != NULL)
		return 0;
	if (v->spec.size_gib < 0)
		return mc_err_set(err, MC_EC_MISSING_PARAMETER, "The request "
		    "must contain the parameter BlockDeviceMapping.%u.Ebs."
		    "VolumeSize or SnapshotId", i);
	if (v->spec.size_gib < root_gib)
		return mc_err_set(err, MC_EC_INVALID_BLOCK_DEVICE_MAPPING,
		    "Volume of size %lldGB is smaller than %s%s, expect size "
		    ">= %lldGB", v->spec.size_gib, snap[0] != '\0' ? "snapshot "
		    : "the image's root disk", snap, root_gib);
	if (ctl_vol_spec_check(&v->spec, err) < 0)
		return -1;
	/* The root volume is the instance's disk: it goes with it. */
	if (root_gib > 0 && !dot)
		return mc_err_set(err, MC_EC_OPERATION_NOT_PERMITTED, "The root "
		    "volume cannot outlive its instance in this cloud: "
		    "DeleteOnTermination must be true for the root device");
	return 0;
}

/*
 * The device of mapping i: well formed, not mapped before; *ret_root
 * says whether it is the image's root device.
 */
static int
device_of(const struct ctl_query *q, unsigned i, const char *root,
    const struct ctl_runbdm *b, const char **ret, bool *ret_root,
    struct mc_err *err)
{
	char		 key[KEY_MAX];
	const char	*dev = field(q, i, "DeviceName", key);
	size_t		 k;

	if (dev == NULL)
		return mc_err_set(err, MC_EC_MISSING_PARAMETER, "The request "
		    "must contain the parameter %s", key);
	if (!ctl_vol_device_ok(dev))
		return mc_err_set(err, MC_EC_INVALID_BLOCK_DEVICE_MAPPING,
		    "Invalid device name %.64s", dev);
	*ret_root = root != NULL && ctl_vol_device_same(dev, root);
	for (k = 0; k <= b->n; k++)
		if (k < b->n ? ctl_vol_device_same(dev, b->v[k].device) :
		    *ret_root && b->root_mapped)
			return mc_err_set(err, MC_EC_INVALID_BLOCK_DEVICE_MAPPING,
			    "The device '%s' is used in more than one "
			    "block-device mapping", dev);
	*ret = dev;
	return 0;
}

int
ctl_runbdm_parse(const struct ctl_query *q, const char *root,
    long long root_gib, const char *snap, struct ctl_runbdm *ret,
    struct mc_err *err)
{
	unsigned		idx[CTL_RUNBDM_MAX + 1];
	char			key[KEY_MAX];
	struct ctl_runbdm_vol	v;
	size_t			n, i;
	bool			is_root = false;

	memset(ret, 0, sizeof(*ret));
	ret->root_device = root;
	ret->root_snapshot = snap;
	ret->root.type = CTL_VT_DEFAULT;
	ret->root.size_gib = root_gib;
	ret->root.iops = ret->root.throughput = -1;	/* not given */
	if (ctl_vol_spec_check(&ret->root, err) < 0)
		return -1;
	n = ctl_params_indices(q, "BlockDeviceMapping", idx, MC_NELEMS(idx));
	if (n > CTL_RUNBDM_MAX)
		return mc_err_set(err, MC_EC_ATTACHMENT_LIMIT_EXCEEDED, "An "
		    "instance can have at most %d block device mappings",
		    CTL_RUNBDM_MAX);
	for (i = 0; i < n; i++) {
		if (field(q, idx[i], "NoDevice", key) != NULL ||
		    field(q, idx[i], "VirtualName", key) != NULL)
			continue;	/* nothing to make */
		memset(&v, 0, sizeof(v));
		if (device_of(q, idx[i], root, ret, &v.device, &is_root,
		    err) < 0 || ebs_of(q, idx[i], is_root ? root_gib : 0, snap,
		    &v, err) < 0)
			return -1;
		if (is_root) {
			ret->root = v.spec;
			ret->root_mapped = true;
		} else
			ret->v[ret->n++] = v;
	}
	return 0;
}

int
ctl_runbdm_resolve(sqlite3 *db, const char *account, struct ctl_runbdm *b,
    struct mc_err *err)
{
	struct ctl_runbdm_vol	*v;
	struct ctl_snap		 snap;
	size_t			 i;

	for (i = 0; i < b->n; i++) {
		v = &b->v[i];
		if (v->snapshot == NULL)
			continue;
		if (ctl_snap_find(db, account, v->snapshot, false, &snap,
		    err) < 0 || ctl_snap_completed(&snap, err) < 0)
			return -1;
		if (v->spec.size_gib < 0)
			v->spec.size_gib = snap.volume_size;
		if (v->spec.size_gib < snap.volume_size)
			return mc_err_set(err, MC_EC_INVALID_BLOCK_DEVICE_MAPPING,
			    "Volume of size %lldGB is smaller than snapshot "
			    "'%s', expect size >= %lldGB", v->spec.size_gib,
			    snap.id, (long long)snap.volume_size);
		if (ctl_vol_spec_check(&v->spec, err) < 0)
			return -1;
	}
	return 0;
}

int
ctl_runbdm_attach(sqlite3 *db, const struct ctl_runbdm *b,
    const char *account, const char *id, const char *zone,
    const struct ctl_tagspec *tags, int64_t now_ms, struct mc_err *err)
{
	struct ctl_vol	vol;
	size_t		i;

	if (ctl_vol_create_root(db, account, zone, &b->root, now_ms, &vol,
	    err) < 0 || (b->root_snapshot[0] != '\0' && ctl_sql_run(db, err,
	    "UPDATE volumes SET snapshot_id = ? WHERE id = ?", "ss",
	    b->root_snapshot, vol.id) < 0) || (tags != NULL &&
	    ctl_tags_set(db, account, vol.id, tags->tags, tags->n_tags,
	    err) < 0) || ctl_vol_attach_root(db, vol.id, id, b->root_device,
	    now_ms, err) < 0)
		return -1;
	for (i = 0; i < b->n; i++) {
		if (ctl_vol_create(db, account, zone, &b->v[i].spec, NULL, "",
		    now_ms, &vol, err) < 0 || (b->v[i].snapshot != NULL &&
		    ctl_vol_set_snapshot(db, &vol, b->v[i].snapshot, err) < 0) ||
		    (tags != NULL &&
		    ctl_tags_set(db, account, vol.id, tags->tags, tags->n_tags,
		    err) < 0) || ctl_vol_attach_launch(db, vol.id, id,
		    b->v[i].device, b->v[i].delete_on_termination, now_ms,
		    err) < 0)
			return -1;
	}
	return b->n > 0 ? ctl_vol_bump_zone(db, zone, err) : 0;
}

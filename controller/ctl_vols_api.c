/*
 * ctl_vols_api: CreateVolume, DeleteVolume and ModifyVolume, the write
 * transaction every change of one volume runs in, and a Volume and a
 * VolumeModification as EC2 writes them.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_err.h"
#include "mc_id.h"
#include "ctl_api.h"
#include "ctl_conf.h"
#include "ctl_notify.h"
#include "ctl_params.h"
#include "ctl_query.h"
#include "ctl_snap.h"
#include "ctl_sql.h"
#include "ctl_store.h"
#include "ctl_tags.h"
#include "ctl_tagspec.h"
#include "ctl_vol.h"
#include "ctl_vols.h"
#include "ctl_xml.h"

#define TOKEN_MAX	64	/* ClientToken, as EC2 allows */

static const char *const vol_tag_types[] = { "volume", NULL };

int
ctl_vols_change(const struct ctl_req *req, int (*op)(const struct ctl_req *req,
    sqlite3 *db, const struct ctl_vol *v, void *ctx, struct mc_err *err),
    void *ctx, struct mc_err *err)
{
	const char	*id = ctl_query_get(req->params, "VolumeId");
	struct ctl_vol	 v;
	sqlite3		*db;
	int		 rc = -1;

	if (id == NULL)
		return mc_err_set(err, MC_EC_MISSING_PARAMETER, "The request "
		    "must contain the parameter VolumeId");
	if (mc_id_check(MC_ID_VOLUME, id, err) < 0 ||
	    (db = ctl_store_get(req->api->store, err)) == NULL)
		return -1;
	if (ctl_sql_begin(db, err) == 0) {
		if (ctl_vol_find(db, req->account_id, id, &v, err) == 0 &&
		    op(req, db, &v, ctx, err) == 0 &&
		    ctl_sql_commit(db, err) == 0)
			rc = 0;
		else
			ctl_sql_rollback(db);
	}
	ctl_store_put(req->api->store, db);
	if (rc == 0)
		ctl_notify_bump();
	return rc;
}

int
ctl_vols_opt_count(const struct ctl_req *req, const char *key,
    long long *ret, struct mc_err *err)
{
	long long	v = 0;
	int		rc;

	if ((rc = ctl_params_int(req->params, key, 0, LLONG_MAX, &v, err)) < 0)
		return -1;
	*ret = rc > 0 ? v : -1;
	return 0;
}

/* What CreateVolume asks for, checked before the store is touched. */
struct create {
	const char		*zone;		/* borrowed from the config */
	struct ctl_vol_spec	 spec;
	const char		*token;
	const char		*snap;		/* SnapshotId, or NULL */
	char			 hash[65];
	struct ctl_tagspecs	 tags;
};

/* AvailabilityZone or AvailabilityZoneId: a zone of ours. */
static int
zone_of(const struct ctl_req *req, const char **ret, struct mc_err *err)
{
	const char *name, *id;

	name = ctl_query_get(req->params, "AvailabilityZone");
	id = ctl_query_get(req->params, "AvailabilityZoneId");
	if (name != NULL && id != NULL)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_COMBINATION,
		    "Give AvailabilityZone or AvailabilityZoneId, not both");
	if (name == NULL && id == NULL)
		return mc_err_set(err, MC_EC_MISSING_PARAMETER, "The request "
		    "must contain the parameter AvailabilityZone");
	if ((*ret = ctl_conf_zone_find(req->api->conf, name, id)) != NULL)
		return 0;
	return mc_err_set(err, MC_EC_INVALID_ZONE_NOT_FOUND, "The zone "
	    "'%.64s' does not exist.", name != NULL ? name : id);
}

/* What this cloud cannot do: encryption, multi-attach. */
static int
refuse_unsupported(const struct ctl_req *req, struct mc_err *err)
{
	const char	*snap = ctl_query_get(req->params, "SnapshotId");
	bool		 enc = false, multi = false;

	if (ctl_params_bool(req->params, "Encrypted", &enc, err) < 0 ||
	    ctl_params_bool(req->params, "MultiAttachEnabled", &multi,
	    err) < 0)
		return -1;
	if (enc || ctl_query_get(req->params, "KmsKeyId") != NULL)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE, "Encrypted "
		    "volumes are not supported by this cloud");
	if (multi)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "Multi-Attach is not supported by this cloud");
	if (snap != NULL && mc_id_check(MC_ID_SNAPSHOT, snap, err) < 0)
		return -1;
	return 0;
}

/*
 * The type, size, IOPS and throughput asked for, checked; from a
 * snapshot (snap) Size may be missing (-1), and the spec is checked
 * once the snapshot's size is known (from_snapshot).
 */
static int
spec_of(const struct ctl_req *req, bool snap, struct ctl_vol_spec *s,
    struct mc_err *err)
{
	const char	*type = ctl_query_get(req->params, "VolumeType");
	int		 t = CTL_VT_DEFAULT, found;

	if (type != NULL && (t = ctl_vol_type_parse(type)) < 0)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE, "Value "
		    "(%.32s) for parameter volumeType is invalid. Valid types: "
		    "standard, io1, io2, gp2, sc1, st1, gp3.", type);
	s->type = (enum ctl_vol_type)t;
	if ((found = ctl_params_int(req->params, "Size", LLONG_MIN, LLONG_MAX,
	    &s->size_gib, err)) < 0)
		return -1;
	if (found == 0 && !snap)
		return mc_err_set(err, MC_EC_MISSING_PARAMETER, "The request "
		    "must contain the parameter size or snapshotId");
	if (found == 0)
		s->size_gib = -1;
	if (ctl_vols_opt_count(req, "Iops", &s->iops, err) < 0 ||
	    ctl_vols_opt_count(req, "Throughput", &s->throughput, err) < 0)
		return -1;
	return snap ? 0 : ctl_vol_spec_check(s, err);
}

/*
 * A volume of snapshot id: the caller must see it (InvalidSnapshot.
 * NotFound) and it must be completed (IncorrectState); the size is the
 * snapshot's unless given, and never smaller.  Checks the spec.
 */
static int
from_snapshot(const struct ctl_req *req, sqlite3 *db, const char *id,
    struct ctl_vol_spec *s, struct mc_err *err)
{
	struct ctl_snap snap;

	if (ctl_snap_find(db, req->account_id, id, false, &snap, err) < 0 ||
	    ctl_snap_completed(&snap, err) < 0)
		return -1;
	if (s->size_gib < 0)
		s->size_gib = snap.volume_size;
	if (s->size_gib < snap.volume_size)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE, "The "
		    "volume size is invalid for the snapshot '%s': it must be "
		    "at least %lld GiB, the snapshot's volume size.", snap.id,
		    snap.volume_size);
	return ctl_vol_spec_check(s, err);
}

static int
read_create(const struct ctl_req *req, struct create *c, struct mc_err *err)
{
	c->token = ctl_query_get(req->params, "ClientToken");
	if (c->token != NULL && (c->token[0] == '\0' ||
	    strlen(c->token) > TOKEN_MAX))
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE, "The "
		    "ClientToken must be 1 to %d characters", TOKEN_MAX);
	c->snap = ctl_query_get(req->params, "SnapshotId");
	if (zone_of(req, &c->zone, err) < 0 ||
	    refuse_unsupported(req, err) < 0 ||
	    spec_of(req, c->snap != NULL, &c->spec, err) < 0 ||
	    ctl_tagspecs_parse(req->params, vol_tag_types, &c->tags, err) < 0)
		return -1;
	ctl_params_hash(req->params, "ClientToken", c->hash);
	return 0;
}

/* A new volume as c asks (from its snapshot, if any) with its tags. */
static int
make_new(const struct ctl_req *req, sqlite3 *db, const struct create *c,
    struct ctl_vol *ret, struct mc_err *err)
{
	const struct ctl_tagspec	*tags = ctl_tagspecs_find(&c->tags,
					    "volume");
	struct ctl_vol_spec		 spec = c->spec;

	if ((c->snap != NULL && from_snapshot(req, db, c->snap, &spec,
	    err) < 0) || ctl_vol_create(db, req->account_id, c->zone, &spec,
	    c->token, c->hash, req->now_ms, ret, err) < 0 ||
	    (c->snap != NULL && ctl_vol_set_snapshot(db, ret, c->snap,
	    err) < 0) || (tags != NULL && ctl_tags_set(db, req->account_id,
	    ret->id, tags->tags, tags->n_tags, err) < 0))
		return -1;
	return ctl_vol_bump_zone(db, c->zone, err);
}

/* The volume (the one ClientToken made before, or a new one) and tags. */
static int
make(const struct ctl_req *req, sqlite3 *db, const struct create *c,
    struct ctl_vol *ret, struct mc_err *err)
{
	int found;

	if (ctl_sql_begin(db, err) < 0)
		return -1;
	if ((found = ctl_vol_by_token(db, req->account_id, c->token, c->hash,
	    ret, err)) < 0 || (found == 0 && make_new(req, db, c, ret,
	    err) < 0) || ctl_sql_commit(db, err) < 0) {
		ctl_sql_rollback(db);
		return -1;
	}
	if (found == 0)
		ctl_notify_bump();
	return 0;
}

int
ctl_vols_create(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	struct ctl_tagkv	*tags = NULL;
	struct create		 c;
	struct ctl_vol		 v;
	size_t			 n_tags = 0;
	sqlite3			*db;
	int			 rc = -1;

	memset(&c, 0, sizeof(c));
	if (read_create(req, &c, err) < 0 || ctl_req_dry_run(req, err) < 0 ||
	    (db = ctl_store_get(req->api->store, err)) == NULL)
		goto out;
	if (make(req, db, &c, &v, err) == 0 &&
	    ctl_tags_load(db, v.id, &tags, &n_tags, err) == 0) {
		ctl_vols_fields_xml(req, out, &v, tags, n_tags);
		rc = 0;
	}
	free(tags);
	ctl_store_put(req->api->store, db);
out:
	ctl_tagspecs_clear(&c.tags);
	return rc;
}

void
ctl_vols_fields_xml(const struct ctl_req *req, struct ctl_xml *x,
    const struct ctl_vol *v, const struct ctl_tagkv *tags, size_t n)
{
	char zid[80];

	ctl_xml_str(x, "volumeId", v->id);
	ctl_xml_int(x, "size", v->spec.size_gib);
	ctl_xml_str(x, "snapshotId", v->snapshot_id);
	ctl_xml_str(x, "availabilityZone", v->zone);
	ctl_conf_zone_id(req->api->conf, v->zone, zid, sizeof(zid));
	if (zid[0] != '\0')
		ctl_xml_str(x, "availabilityZoneId", zid);
	ctl_xml_str(x, "status", ctl_vol_status(v));
	ctl_xml_time(x, "createTime", v->created_ms);
	ctl_xml_open(x, "attachmentSet");
	if (v->attached) {
		ctl_xml_open(x, "item");
		ctl_vol_att_fields_xml(x, &v->att);
		ctl_xml_close(x);
	}
	ctl_xml_close(x);
	ctl_tags_xml(x, tags, n);
	ctl_xml_str(x, "volumeType", ctl_vol_type_name(v->spec.type));
	if (v->spec.iops > 0)
		ctl_xml_int(x, "iops", v->spec.iops);
	if (v->spec.throughput > 0)
		ctl_xml_int(x, "throughput", v->spec.throughput);
	ctl_xml_bool(x, "encrypted", false);
	ctl_xml_bool(x, "multiAttachEnabled", false);
}

void
ctl_vols_mod_xml(struct ctl_xml *x, const struct ctl_vol_mod *m)
{
	ctl_xml_str(x, "volumeId", m->volume_id);
	ctl_xml_str(x, "modificationState", m->state);
	ctl_xml_int(x, "targetSize", m->now.size_gib);
	ctl_xml_int(x, "targetIops", m->now.iops);
	ctl_xml_str(x, "targetVolumeType", ctl_vol_type_name(m->now.type));
	if (m->now.throughput > 0)
		ctl_xml_int(x, "targetThroughput", m->now.throughput);
	ctl_xml_bool(x, "targetMultiAttachEnabled", false);
	ctl_xml_int(x, "originalSize", m->old.size_gib);
	ctl_xml_int(x, "originalIops", m->old.iops);
	ctl_xml_str(x, "originalVolumeType", ctl_vol_type_name(m->old.type));
	if (m->old.throughput > 0)
		ctl_xml_int(x, "originalThroughput", m->old.throughput);
	ctl_xml_bool(x, "originalMultiAttachEnabled", false);
	ctl_xml_int(x, "progress", 100);
	ctl_xml_time(x, "startTime", m->start_ms);
	if (m->end_ms > 0)
		ctl_xml_time(x, "endTime", m->end_ms);
}

static int
delete_op(const struct ctl_req *req, sqlite3 *db, const struct ctl_vol *v,
    void *ctx, struct mc_err *err)
{
	(void)ctx;
	if (!v->attached && ctl_req_dry_run(req, err) < 0)
		return -1;
	return ctl_vol_delete(db, v, err);	/* VolumeInUse when attached */
}

int
ctl_vols_delete(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	if (ctl_vols_change(req, delete_op, NULL, err) < 0)
		return -1;
	ctl_xml_bool(out, "return", true);
	return 0;
}

/* ModifyVolume's wishes: -1 (or NULL) where a field is not given. */
struct modify {
	const char		*type;
	long long		 size_gib, iops, throughput;
	struct ctl_vol_mod	 done;
};

static int
modify_op(const struct ctl_req *req, sqlite3 *db, const struct ctl_vol *v,
    void *ctx, struct mc_err *err)
{
	struct modify		*m = ctx;
	struct ctl_vol_spec	 want = { v->spec.type, m->size_gib, m->iops,
	    m->throughput };

	if (m->type != NULL)
		want.type = (enum ctl_vol_type)ctl_vol_type_parse(m->type);
	if (m->size_gib < 0)
		want.size_gib = v->spec.size_gib;
	if (ctl_vol_spec_modify(&v->spec, &want, err) < 0 ||
	    ctl_req_dry_run(req, err) < 0)
		return -1;
	return ctl_vol_modify(db, v, &want, req->now_ms, &m->done, err);
}

int
ctl_vols_modify(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	struct modify	m;
	bool		multi = false;

	memset(&m, 0, sizeof(m));
	m.type = ctl_query_get(req->params, "VolumeType");
	if (ctl_vols_opt_count(req, "Size", &m.size_gib, err) < 0 ||
	    ctl_vols_opt_count(req, "Iops", &m.iops, err) < 0 ||
	    ctl_vols_opt_count(req, "Throughput", &m.throughput, err) < 0 ||
	    ctl_params_bool(req->params, "MultiAttachEnabled", &multi,
	    err) < 0)
		return -1;
	if (multi)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "Multi-Attach is not supported by this cloud");
	if (m.type != NULL && ctl_vol_type_parse(m.type) < 0)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE, "Value "
		    "(%.32s) for parameter volumeType is invalid.", m.type);
	if (m.type == NULL && m.size_gib < 0 && m.iops < 0 && m.throughput < 0)
		return mc_err_set(err, MC_EC_MISSING_PARAMETER, "The request "
		    "must contain at least one of Size, VolumeType, Iops and "
		    "Throughput");
	if (ctl_vols_change(req, modify_op, &m, err) < 0)
		return -1;
	ctl_xml_open(out, "volumeModification");
	ctl_vols_mod_xml(out, &m.done);
	ctl_xml_close(out);
	return 0;
}

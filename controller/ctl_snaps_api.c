/*
 * ctl_snaps_api: CreateSnapshot, CopySnapshot and DeleteSnapshot, and a
 * Snapshot as EC2 writes it.  Taking the copy is the agents' work: a new
 * snapshot is pending until its host uploads it (ctl_agents_snap.c).
 */
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
#include "ctl_snaps.h"
#include "ctl_sql.h"
#include "ctl_store.h"
#include "ctl_tags.h"
#include "ctl_tagspec.h"
#include "ctl_vol.h"
#include "ctl_vols.h"
#include "ctl_xml.h"

static const char *const snap_tag_types[] = { "snapshot", NULL };

void
ctl_snaps_fields_xml(struct ctl_xml *x, const struct ctl_snap *s,
    const struct ctl_tagkv *tags, size_t n)
{
	char progress[8];

	ctl_xml_str(x, "snapshotId", s->id);
	ctl_xml_str(x, "volumeId", s->volume_id);
	ctl_xml_str(x, "status", s->state);
	if (strcmp(s->state, "error") == 0)
		ctl_xml_str(x, "statusMessage", s->state_message);
	ctl_xml_time(x, "startTime", s->start_ms);
	(void)snprintf(progress, sizeof(progress), "%d%%", s->progress);
	ctl_xml_str(x, "progress", progress);
	ctl_xml_str(x, "ownerId", s->account_id);
	ctl_xml_int(x, "volumeSize", s->volume_size);
	ctl_xml_str(x, "description", s->description);
	ctl_xml_bool(x, "encrypted", false);
	ctl_xml_str(x, "storageTier", "standard");
	ctl_tags_xml(x, tags, n);
}

/* Description: at most CTL_SNAP_DESC_MAX characters (it is UTF-8). */
static int
desc_of(const struct ctl_req *req, const char **ret, struct mc_err *err)
{
	const char	*d = ctl_query_get(req->params, "Description");
	size_t		 chars = 0;

	for (const char *p = d; p != NULL && *p != '\0'; p++)
		chars += ((unsigned char)*p & 0xc0) != 0x80;
	if (chars > CTL_SNAP_DESC_MAX)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE, "The "
		    "description must be at most %d characters",
		    CTL_SNAP_DESC_MAX);
	*ret = d;
	return 0;
}

/* What CreateSnapshot and CopySnapshot share. */
struct make {
	const char		*desc;
	struct ctl_tagspecs	 tags;
	const struct ctl_snap	*src;		/* CopySnapshot */
	struct ctl_snap		 made;
};

/* The new snapshot's tags, then it as the response says it. */
static int
tag_made(const struct ctl_req *req, sqlite3 *db, struct make *m,
    struct mc_err *err)
{
	const struct ctl_tagspec *spec = ctl_tagspecs_find(&m->tags, "snapshot");

	if (spec == NULL)
		return 0;
	return ctl_tags_set(db, req->account_id, m->made.id, spec->tags,
	    spec->n_tags, err);
}

static int
create_op(const struct ctl_req *req, sqlite3 *db, const struct ctl_vol *v,
    void *ctx, struct mc_err *err)
{
	struct make *m = ctx;

	if (ctl_req_dry_run(req, err) < 0 ||
	    ctl_snap_create(db, v, m->desc, req->now_ms,
	    req->api->conf->host_timeout_s * 1000, &m->made, err) < 0)
		return -1;
	return tag_made(req, db, m, err);
}

/* Write the made snapshot with its tags (CreateSnapshot's response). */
static int
made_xml(const struct ctl_req *req, const struct make *m, bool whole,
    struct ctl_xml *out, struct mc_err *err)
{
	struct ctl_tagkv	*tags = NULL;
	size_t			 n = 0;
	sqlite3			*db;
	int			 rc;

	if ((db = ctl_store_get(req->api->store, err)) == NULL)
		return -1;
	rc = ctl_tags_load(db, m->made.id, &tags, &n, err);
	ctl_store_put(req->api->store, db);
	if (rc < 0)
		return -1;
	if (whole) {
		ctl_snaps_fields_xml(out, &m->made, tags, n);
	} else {
		ctl_xml_str(out, "snapshotId", m->made.id);
		ctl_tags_xml(out, tags, n);
	}
	free(tags);
	return 0;
}

int
ctl_snaps_create(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	struct make	m;
	int		rc = -1;

	memset(&m, 0, sizeof(m));
	if (desc_of(req, &m.desc, err) < 0 || ctl_tagspecs_parse(req->params,
	    snap_tag_types, &m.tags, err) < 0)
		goto out;
	if (ctl_vols_change(req, create_op, &m, err) == 0)
		rc = made_xml(req, &m, true, out, err);
out:
	ctl_tagspecs_clear(&m.tags);
	return rc;
}

/* CopySnapshot's refusals: another region, encryption. */
static int
copy_check(const struct ctl_req *req, struct mc_err *err)
{
	const char	*src = ctl_query_get(req->params, "SourceSnapshotId");
	const char	*region = ctl_query_get(req->params, "SourceRegion");
	const char	*dest = ctl_query_get(req->params, "DestinationRegion");
	bool		 enc = false;

	if (src == NULL || region == NULL)
		return mc_err_set(err, MC_EC_MISSING_PARAMETER, "The request "
		    "must contain the parameters SourceSnapshotId and "
		    "SourceRegion");
	if (strcmp(region, req->api->conf->region) != 0 ||
	    (dest != NULL && strcmp(dest, req->api->conf->region) != 0))
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE, "Copies "
		    "between regions are not supported by this cloud: the "
		    "only region is '%s'", req->api->conf->region);
	if (ctl_params_bool(req->params, "Encrypted", &enc, err) < 0)
		return -1;
	if (enc || ctl_query_get(req->params, "KmsKeyId") != NULL)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE, "Encrypted "
		    "snapshots are not supported by this cloud");
	return mc_id_check(MC_ID_SNAPSHOT, src, err);
}

/* The copy in one transaction; its link goes when the row cannot stay. */
static int
copy_tx(const struct ctl_req *req, sqlite3 *db, struct make *m,
    struct mc_err *err)
{
	const char	*dir = req->api->conf->state_dir;
	struct ctl_snap	 src;

	if (ctl_sql_begin(db, err) < 0)
		return -1;
	if (ctl_snap_find(db, req->account_id, ctl_query_get(req->params,
	    "SourceSnapshotId"), false, &src, err) < 0 ||
	    ctl_snap_completed(&src, err) < 0 || ctl_req_dry_run(req, err) < 0 ||
	    ctl_snap_copy(db, dir, &src, req->account_id, m->desc,
	    req->now_ms, &m->made, err) < 0 || tag_made(req, db, m, err) < 0 ||
	    ctl_sql_commit(db, err) < 0) {
		ctl_sql_rollback(db);
		if (m->made.id[0] != '\0')
			ctl_snap_file_remove(dir, m->made.id);
		return -1;
	}
	return 0;
}

int
ctl_snaps_copy(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	struct make	 m;
	sqlite3		*db;
	int		 rc = -1;

	memset(&m, 0, sizeof(m));
	if (copy_check(req, err) < 0 || desc_of(req, &m.desc, err) < 0 ||
	    ctl_tagspecs_parse(req->params, snap_tag_types, &m.tags, err) < 0 ||
	    (db = ctl_store_get(req->api->store, err)) == NULL)
		goto out;
	rc = copy_tx(req, db, &m, err);
	ctl_store_put(req->api->store, db);
	if (rc == 0)
		rc = made_xml(req, &m, false, out, err);
out:
	ctl_tagspecs_clear(&m.tags);
	return rc;
}

int
ctl_snaps_delete(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	const char	*id = ctl_query_get(req->params, "SnapshotId");
	struct ctl_snap	 s;
	sqlite3		*db;
	int		 rc = -1, kept = 0;

	if (id == NULL)
		return mc_err_set(err, MC_EC_MISSING_PARAMETER, "The request "
		    "must contain the parameter SnapshotId");
	if (mc_id_check(MC_ID_SNAPSHOT, id, err) < 0 ||
	    (db = ctl_store_get(req->api->store, err)) == NULL)
		return -1;
	if (ctl_sql_begin(db, err) == 0) {
		if (ctl_snap_find(db, req->account_id, id, true, &s, err) == 0 &&
		    ctl_req_dry_run(req, err) == 0 &&
		    (kept = ctl_snap_delete(db, &s, err)) >= 0 &&
		    ctl_sql_commit(db, err) == 0)
			rc = 0;
		else
			ctl_sql_rollback(db);
	}
	ctl_store_put(req->api->store, db);
	if (rc < 0)
		return -1;
	/* The row is gone: an upload in flight now meets 409. */
	if (kept == 0)
		ctl_snap_file_remove(req->api->conf->state_dir, id);
	ctl_notify_bump();
	ctl_xml_bool(out, "return", true);
	return 0;
}

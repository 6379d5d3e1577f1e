/*
 * ctl_snap_describe: DescribeSnapshots.  Walks the snapshots the caller
 * sees (its own, and those a createVolumePermission shares with it or
 * with all) by id: SnapshotId.N, Owner.N, RestorableBy.N, filters,
 * MaxResults/NextToken.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_cleanup.h"
#include "mc_err.h"
#include "mc_time.h"
#include "ctl_api.h"
#include "ctl_filter.h"
#include "ctl_page.h"
#include "ctl_params.h"
#include "ctl_sql.h"
#include "ctl_snap.h"
#include "ctl_snaps.h"
#include "ctl_store.h"
#include "ctl_tags.h"
#include "ctl_xml.h"

/* A snapshot as filters see it. */
struct snap_item {
	const struct ctl_snap	*s;
	struct ctl_tagkv	*tags;
	size_t			 n_tags;
};

/* One DescribeSnapshots call's listing and its selection. */
struct snap_walk {
	const struct ctl_req	 *req;
	sqlite3			 *db;
	struct ctl_snap		 *v;
	size_t			  n;
	const char		**ids, **owners, **restorable;
	size_t			  n_ids, n_owners, n_restorable;
	struct ctl_filters	  f;
};

enum {
	F_ID, F_VOL, F_STATUS, F_OWNER, F_DESC, F_PROGRESS, F_SIZE, F_START,
	F_ENC, F_TIER, F_ALIAS, F_TAG,
};

static const struct ctl_filter_def snap_filters[] = {
	{ "snapshot-id", F_ID }, { "volume-id", F_VOL }, { "status", F_STATUS },
	{ "owner-id", F_OWNER }, { "description", F_DESC },
	{ "progress", F_PROGRESS }, { "volume-size", F_SIZE },
	{ "start-time", F_START }, { "encrypted", F_ENC },
	{ "storage-tier", F_TIER }, { "owner-alias", F_ALIAS },
	CTL_TAGS_FILTERS(F_TAG),
};

static const struct ctl_page_rules snap_paging = {
	5, 1000, CTL_SNAP_PER_ACCOUNT_MAX
};

static void
snap_values(const void *res, const struct ctl_filter *f, struct ctl_fvals *fv)
{
	const struct snap_item	*it = res;
	const struct ctl_snap	*s = it->s;
	char			 t[MC_TIME_ISO_MAX];

	switch (f->field) {
	case F_ID:	ctl_fvals_add(fv, s->id); break;
	case F_VOL:	ctl_fvals_add(fv, s->volume_id); break;
	case F_STATUS:	ctl_fvals_add(fv, s->state); break;
	case F_OWNER:	ctl_fvals_add(fv, s->account_id); break;
	case F_DESC:	ctl_fvals_add(fv, s->description); break;
	case F_PROGRESS: ctl_fvals_addf(fv, "%d%%", s->progress); break;
	case F_SIZE:	ctl_fvals_addf(fv, "%lld", s->volume_size); break;
	case F_START:
		mc_time_iso8601(s->start_ms, t, sizeof(t));
		ctl_fvals_add(fv, t);
		break;
	case F_ENC:	ctl_fvals_add(fv, "false"); break;
	case F_TIER:	ctl_fvals_add(fv, "standard"); break;
	case F_TAG:	ctl_tags_fvals(it->tags, it->n_tags, f, fv); break;
	}
}

/* Owner.N: self, or an account id (no alias owns snapshots here). */
static bool
owner_selected(const struct snap_walk *w, const struct ctl_snap *s)
{
	size_t i;

	for (i = 0; i < w->n_owners; i++)
		if (strcmp(w->owners[i], s->account_id) == 0 ||
		    (strcmp(w->owners[i], "self") == 0 &&
		    strcmp(s->account_id, w->req->account_id) == 0))
			return true;
	return w->n_owners == 0;
}

/* RestorableBy.N: self, all, or an account that may make volumes of s. */
static int
restorable_selected(const struct snap_walk *w, const struct ctl_snap *s,
    bool *ret, struct mc_err *err)
{
	const char	*who;
	size_t		 i;

	*ret = w->n_restorable == 0;
	for (i = 0; i < w->n_restorable && !*ret; i++) {
		who = w->restorable[i];
		if (strcmp(who, "self") == 0)
			who = w->req->account_id;
		if (ctl_snap_restorable(w->db, s, who, ret, err) < 0)
			return -1;
	}
	return 0;
}

static const char *
snap_key(const void *ctx, size_t i)
{
	return ((const struct snap_walk *)ctx)->v[i].id;
}

static bool
snap_known(const void *ctx, const char *id)
{
	const struct snap_walk	*w = ctx;
	size_t			 i;

	for (i = 0; i < w->n; i++)
		if (strcmp(w->v[i].id, id) == 0)
			return true;
	return false;
}

/* Snapshot i: selected, filtered, written. */
static int
snap_show(void *ctx, size_t i, struct ctl_xml *out, struct mc_err *err)
{
	const struct snap_walk	*w = ctx;
	struct snap_item	 it = { &w->v[i], NULL, 0 };
	bool			 ok = false;
	int			 rc = 0;

	if (!ctl_params_selects(w->ids, w->n_ids, it.s->id) ||
	    !owner_selected(w, it.s))
		return 0;
	if (restorable_selected(w, it.s, &ok, err) < 0)
		return -1;
	if (!ok)
		return 0;
	if (ctl_tags_load(w->db, it.s->id, &it.tags, &it.n_tags, err) < 0)
		rc = -1;
	else if (ctl_filters_match(&w->f, snap_values, &it))
		rc = 1;
	if (rc == 1 && out != NULL) {
		ctl_xml_open(out, "item");
		ctl_snaps_fields_xml(out, it.s, it.tags, it.n_tags);
		ctl_xml_close(out);
	}
	free(it.tags);
	return rc;
}

static int
read_selection(const struct ctl_req *req, struct snap_walk *w,
    struct ctl_page *page, struct mc_err *err)
{
	if (ctl_params_strlist(req->params, "SnapshotId", &w->ids, &w->n_ids,
	    err) < 0 || ctl_params_strlist(req->params, "Owner", &w->owners,
	    &w->n_owners, err) < 0 || ctl_params_strlist(req->params,
	    "RestorableBy", &w->restorable, &w->n_restorable, err) < 0 ||
	    ctl_page_parse(req->params, &snap_paging, w->n_ids > 0, page,
	    err) < 0)
		return -1;
	return ctl_filters_parse(req->params, snap_filters,
	    MC_NELEMS(snap_filters), &w->f, err);
}

int
ctl_snaps_describe(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	struct snap_walk	w;
	struct ctl_page		page;
	int			rc = -1;

	memset(&w, 0, sizeof(w));
	w.req = req;
	if (read_selection(req, &w, &page, err) < 0 ||
	    ctl_req_dry_run(req, err) < 0 ||
	    (w.db = ctl_store_get(req->api->store, err)) == NULL)
		goto out;
	/* One snapshot of the store; every snapshot named must be seen. */
	if (sqlite3_exec(w.db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		rc = mc_err_set(err, MC_EC_INTERNAL_ERROR,
		    "cannot read the snapshots");
	else if (ctl_snap_list(w.db, req->account_id, &w.v, &w.n, err) == 0 &&
	    ctl_params_ids_known(w.ids, w.n_ids, MC_ID_SNAPSHOT, snap_known,
	    &w, MC_EC_INVALID_SNAPSHOT_NOT_FOUND, "The snapshot does not "
	    "exist: ", err) == 0)
		rc = ctl_page_walk(&page, "snapshotSet", w.n, snap_key,
		    snap_show, &w, out, err);
	ctl_sql_rollback(w.db);	/* read-only: ends the snapshot */
	ctl_store_put(req->api->store, w.db);
out:
	free(w.v);
	free(w.ids);
	free(w.owners);
	free(w.restorable);
	ctl_filters_clear(&w.f);
	return rc;
}

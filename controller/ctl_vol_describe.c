/*
 * ctl_vol_describe: DescribeVolumes, DescribeVolumeStatus and
 * DescribeVolumesModifications.  All three walk the caller's volumes by
 * id (VolumeId.N, filters, MaxResults/NextToken); they differ in their
 * filters and in what an item says.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_cleanup.h"
#include "mc_err.h"
#include "mc_time.h"
#include "ctl_api.h"
#include "ctl_conf.h"
#include "ctl_filter.h"
#include "ctl_page.h"
#include "ctl_params.h"
#include "ctl_sql.h"
#include "ctl_store.h"
#include "ctl_tags.h"
#include "ctl_vol.h"
#include "ctl_vols.h"
#include "ctl_xml.h"

/* A volume as filters and items see it. */
struct vol_item {
	const struct ctl_req		*req;
	const struct ctl_vol		*v;
	const struct ctl_vol_mod	*mod;	/* NULL: never modified */
	struct ctl_tagkv		*tags;
	size_t				 n_tags;
};

/* What differs between the three actions. */
struct vol_view {
	const char			*set_name;
	const struct ctl_filter_def	*filters;
	size_t				 n_filters;
	struct ctl_page_rules		 paging;
	void	(*values)(const void *res, const struct ctl_filter *f,
		    struct ctl_fvals *fv);
	bool	(*shown)(const struct vol_item *it);
	void	(*item)(struct ctl_xml *x, const struct vol_item *it);
};

/* One Describe call's listing and its selection. */
struct vol_walk {
	const struct ctl_req	 *req;
	const struct vol_view	 *view;
	sqlite3			 *db;
	struct ctl_vol		 *v;
	size_t			  n;
	struct ctl_vol_mod	 *mods;
	size_t			  n_mods;
	const char		**ids;
	size_t			  n_ids;
	struct ctl_filters	  f;
};

enum {
	F_ID, F_STATUS, F_SIZE, F_ZONE, F_TYPE, F_CREATE, F_SNAP, F_ENC,
	F_MULTI, F_TAG, F_ATT_INST, F_ATT_STATUS, F_ATT_DEVICE, F_ATT_TIME,
	F_ATT_DOT, F_VS_STATUS, F_VS_NAME, F_VS_DETAIL, F_NONE, F_MOD_STATE,
	F_MOD_START, F_TARGET, F_ORIGINAL = F_TARGET + 4,
};

enum { M_SIZE, M_IOPS, M_TYPE, M_TPUT };	/* after F_TARGET, F_ORIGINAL */

static const struct ctl_filter_def vol_filters[] = {
	{ "volume-id", F_ID }, { "status", F_STATUS }, { "size", F_SIZE },
	{ "availability-zone", F_ZONE }, { "volume-type", F_TYPE },
	{ "create-time", F_CREATE }, { "snapshot-id", F_SNAP },
	{ "encrypted", F_ENC }, { "multi-attach-enabled", F_MULTI },
	{ "attachment.instance-id", F_ATT_INST },
	{ "attachment.status", F_ATT_STATUS },
	{ "attachment.device", F_ATT_DEVICE },
	{ "attachment.attach-time", F_ATT_TIME },
	{ "attachment.delete-on-termination", F_ATT_DOT },
	CTL_TAGS_FILTERS(F_TAG),
};

/* Actions and events: a volume here never has any. */
static const struct ctl_filter_def status_filters[] = {
	{ "availability-zone", F_ZONE },
	{ "volume-status.status", F_VS_STATUS },
	{ "volume-status.details-name", F_VS_NAME },
	{ "volume-status.details-status", F_VS_DETAIL },
	{ "action.code", F_NONE }, { "action.description", F_NONE },
	{ "action.event-id", F_NONE }, { "event.description", F_NONE },
	{ "event.event-id", F_NONE }, { "event.event-type", F_NONE },
	{ "event.not-after", F_NONE }, { "event.not-before", F_NONE },
};

static const struct ctl_filter_def mod_filters[] = {
	{ "volume-id", F_ID }, { "modification-state", F_MOD_STATE },
	{ "start-time", F_MOD_START },
	{ "target-size", F_TARGET + M_SIZE },
	{ "target-iops", F_TARGET + M_IOPS },
	{ "target-volume-type", F_TARGET + M_TYPE },
	{ "target-throughput", F_TARGET + M_TPUT },
	{ "original-size", F_ORIGINAL + M_SIZE },
	{ "original-iops", F_ORIGINAL + M_IOPS },
	{ "original-volume-type", F_ORIGINAL + M_TYPE },
	{ "original-throughput", F_ORIGINAL + M_TPUT },
};

static void
time_value(struct ctl_fvals *fv, int64_t ms)
{
	char t[MC_TIME_ISO_MAX];

	mc_time_iso8601(ms, t, sizeof(t));
	ctl_fvals_addf(fv, "%s", t);
}

/* A spec's value for modification filter m. */
static void
spec_value(struct ctl_fvals *fv, const struct ctl_vol_spec *s, int m)
{
	if (m == M_TYPE)
		ctl_fvals_add(fv, ctl_vol_type_name(s->type));
	else
		ctl_fvals_addf(fv, "%lld", m == M_SIZE ? s->size_gib :
		    m == M_IOPS ? s->iops : s->throughput);
}

static void
att_values(const struct ctl_vol_att *a, int field, struct ctl_fvals *fv)
{
	switch (field) {
	case F_ATT_INST:	ctl_fvals_add(fv, a->instance_id); break;
	case F_ATT_STATUS:
		ctl_fvals_add(fv, ctl_vol_astate_name(a->state));
		break;
	case F_ATT_DEVICE:	ctl_fvals_add(fv, a->device); break;
	case F_ATT_TIME:	time_value(fv, a->attach_ms); break;
	case F_ATT_DOT:
		ctl_fvals_add(fv, a->delete_on_termination ? "true" : "false");
		break;
	}
}

static void
vol_values(const void *res, const struct ctl_filter *f, struct ctl_fvals *fv)
{
	const struct vol_item	*it = res;
	const struct ctl_vol	*v = it->v;

	switch (f->field) {
	case F_ID:	ctl_fvals_add(fv, v->id); return;
	case F_STATUS:	ctl_fvals_add(fv, ctl_vol_status(v)); return;
	case F_SIZE:	ctl_fvals_addf(fv, "%lld", v->spec.size_gib); return;
	case F_ZONE:	ctl_fvals_add(fv, v->zone); return;
	case F_TYPE:
		ctl_fvals_add(fv, ctl_vol_type_name(v->spec.type));
		return;
	case F_CREATE:	time_value(fv, v->created_ms); return;
	case F_SNAP:	ctl_fvals_add(fv, v->snapshot_id); return;
	case F_ENC:
	case F_MULTI:	ctl_fvals_add(fv, "false"); return;
	case F_TAG:	ctl_tags_fvals(it->tags, it->n_tags, f, fv); return;
	}
	if (v->attached)
		att_values(&v->att, f->field, fv);
}

static void
status_values(const void *res, const struct ctl_filter *f,
    struct ctl_fvals *fv)
{
	const struct vol_item *it = res;

	switch (f->field) {
	case F_ZONE:		ctl_fvals_add(fv, it->v->zone); break;
	case F_VS_STATUS:	ctl_fvals_add(fv, "ok"); break;
	case F_VS_NAME:
		ctl_fvals_add(fv, "io-enabled");
		ctl_fvals_add(fv, "io-performance");
		break;
	case F_VS_DETAIL:
		ctl_fvals_add(fv, "passed");
		ctl_fvals_add(fv, "not-applicable");
		break;
	}
}

static void
mod_values(const void *res, const struct ctl_filter *f, struct ctl_fvals *fv)
{
	const struct ctl_vol_mod *m = ((const struct vol_item *)res)->mod;

	if (f->field == F_ID)
		ctl_fvals_add(fv, m->volume_id);
	else if (f->field == F_MOD_STATE)
		ctl_fvals_add(fv, m->state);
	else if (f->field == F_MOD_START)
		time_value(fv, m->start_ms);
	else if (f->field >= F_ORIGINAL)
		spec_value(fv, &m->old, f->field - F_ORIGINAL);
	else if (f->field >= F_TARGET)
		spec_value(fv, &m->now, f->field - F_TARGET);
}

static void
vol_item_xml(struct ctl_xml *x, const struct vol_item *it)
{
	ctl_xml_open(x, "item");
	ctl_vols_fields_xml(it->req, x, it->v, it->tags, it->n_tags);
	ctl_xml_close(x);
}

/* EC2's checks of a volume we keep no health of: I/O is enabled. */
static void
status_item_xml(struct ctl_xml *x, const struct vol_item *it)
{
	static const char *const details[][2] = {
		{ "io-enabled", "passed" },
		{ "io-performance", "not-applicable" },
	};
	size_t i;

	ctl_xml_open(x, "item");
	ctl_xml_str(x, "volumeId", it->v->id);
	ctl_xml_str(x, "availabilityZone", it->v->zone);
	ctl_xml_open(x, "volumeStatus");
	ctl_xml_str(x, "status", "ok");
	ctl_xml_open(x, "details");
	for (i = 0; i < MC_NELEMS(details); i++) {
		ctl_xml_open(x, "item");
		ctl_xml_str(x, "name", details[i][0]);
		ctl_xml_str(x, "status", details[i][1]);
		ctl_xml_close(x);
	}
	ctl_xml_close(x);
	ctl_xml_close(x);
	ctl_xml_empty(x, "eventsSet");
	ctl_xml_empty(x, "actionsSet");
	ctl_xml_empty(x, "attachmentStatuses");
	ctl_xml_close(x);
}

static void
mod_item_xml(struct ctl_xml *x, const struct vol_item *it)
{
	ctl_xml_open(x, "item");
	ctl_vols_mod_xml(x, it->mod);
	ctl_xml_close(x);
}

static bool
any_volume(const struct vol_item *it)
{
	(void)it;
	return true;
}

static bool
modified(const struct vol_item *it)
{
	return it->mod != NULL;
}

static const struct vol_view views[] = {
	{ "volumeSet", vol_filters, MC_NELEMS(vol_filters),
	    { 5, 500, CTL_VOL_PER_ACCOUNT_MAX }, vol_values, any_volume,
	    vol_item_xml },
	{ "volumeStatusSet", status_filters, MC_NELEMS(status_filters),
	    { 5, 1000, CTL_VOL_PER_ACCOUNT_MAX }, status_values, any_volume,
	    status_item_xml },
	{ "volumeModificationSet", mod_filters, MC_NELEMS(mod_filters),
	    { 5, 500, CTL_VOL_PER_ACCOUNT_MAX }, mod_values, modified,
	    mod_item_xml },
};

static const char *
vol_key(const void *ctx, size_t i)
{
	return ((const struct vol_walk *)ctx)->v[i].id;
}

static bool
vol_known(const void *ctx, const char *id)
{
	const struct vol_walk	*w = ctx;
	size_t			 i;

	for (i = 0; i < w->n; i++)
		if (strcmp(w->v[i].id, id) == 0)
			return true;
	return false;
}

static const struct ctl_vol_mod *
mod_of(const struct vol_walk *w, const char *id)
{
	size_t i;

	for (i = 0; i < w->n_mods; i++)
		if (strcmp(w->mods[i].volume_id, id) == 0)
			return &w->mods[i];
	return NULL;
}

/* Volume i: selected, filtered, written. */
static int
vol_show(void *ctx, size_t i, struct ctl_xml *out, struct mc_err *err)
{
	const struct vol_walk	*w = ctx;
	struct vol_item		 it = { w->req, &w->v[i], NULL, NULL, 0 };
	int			 rc = 0;

	it.mod = mod_of(w, it.v->id);
	if (!ctl_params_selects(w->ids, w->n_ids, it.v->id) ||
	    !w->view->shown(&it))
		return 0;
	if (ctl_tags_load(w->db, it.v->id, &it.tags, &it.n_tags, err) < 0)
		rc = -1;
	else if (ctl_filters_match(&w->f, w->view->values, &it))
		rc = 1;
	if (rc == 1 && out != NULL)
		w->view->item(out, &it);
	free(it.tags);
	return rc;
}

/* The listing of w, read in one snapshot. */
static int
vol_load(struct vol_walk *w, struct mc_err *err)
{
	int rc;

	if (sqlite3_exec(w->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return mc_err_set(err, MC_EC_INTERNAL_ERROR,
		    "cannot read the volumes");
	rc = ctl_vol_list(w->db, w->req->account_id, &w->v, &w->n, err);
	if (rc == 0 && w->view->shown == modified)
		rc = ctl_vol_mods(w->db, w->req->account_id, &w->mods,
		    &w->n_mods, err);
	ctl_sql_rollback(w->db);	/* read-only: ends the snapshot */
	return rc;
}

static int
describe(const struct ctl_req *req, const struct vol_view *view,
    struct ctl_xml *out, struct mc_err *err)
{
	MC_AUTOFREE const char	**ids = NULL;
	struct vol_walk		  w;
	struct ctl_page		  page;
	int			  rc = -1;

	memset(&w, 0, sizeof(w));
	w.req = req;
	w.view = view;
	if (ctl_params_strlist(req->params, "VolumeId", &ids, &w.n_ids,
	    err) < 0 || ctl_page_parse(req->params, &view->paging,
	    w.n_ids > 0, &page, err) < 0 || ctl_filters_parse(req->params,
	    view->filters, view->n_filters, &w.f, err) < 0)
		goto out;
	w.ids = ids;
	if (ctl_req_dry_run(req, err) < 0 ||
	    (w.db = ctl_store_get(req->api->store, err)) == NULL)
		goto out;
	/* Every volume named must exist, as the waiters expect. */
	if (vol_load(&w, err) == 0 && ctl_params_ids_known(w.ids, w.n_ids,
	    MC_ID_VOLUME, vol_known, &w, MC_EC_INVALID_VOLUME_NOT_FOUND,
	    "The volume does not exist: ", err) == 0)
		rc = ctl_page_walk(&page, view->set_name, w.n, vol_key,
		    vol_show, &w, out, err);
	ctl_store_put(req->api->store, w.db);
out:
	free(w.v);
	free(w.mods);
	ctl_filters_clear(&w.f);
	return rc;
}

int
ctl_vols_describe(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	return describe(req, &views[0], out, err);
}

int
ctl_vols_status(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	return describe(req, &views[1], out, err);
}

int
ctl_vols_describe_mods(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	return describe(req, &views[2], out, err);
}

/*
 * ctl_vol_desired: the volumes in a host's desired state.  Every volume
 * of the host's zone is listed, attached or not, so that the agent keeps
 * its storage and removes the storage of volumes no longer listed; one
 * made from a snapshot names it as its source, which the agent fetches
 * like an image.  Each instance lists the volumes it should have,
 * attaching or attached (a detaching one is left out: the agent takes
 * it off the domain).  A root volume is the instance's own disk: named
 * (root_vol), never listed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_cleanup.h"
#include "mc_err.h"
#include "ctl_sql.h"
#include "ctl_vol.h"

/*
 * Two selects joined by UNION, not one with OR: each then takes its
 * index (the zone's volumes that are not roots, the host's
 * attachments), where an OR read every volume, roots and all.
 */
#define VOL_SELECT \
	"SELECT v.id, v.size_gib, v.format, v.zone, coalesce(s.id, ''), " \
	"coalesce(s.format, ''), coalesce(s.sha256, ''), " \
	"coalesce(s.size, 0) FROM volumes v LEFT JOIN snapshots s ON " \
	"s.id = v.snapshot_id AND s.state IN ('completed', 'deleted') "

static void
vol_row(sqlite3_stmt *st, void *p)
{
	struct mc_proto_vol *v = p;

	memset(v, 0, sizeof(*v));
	ctl_sql_text(st, 0, v->id, sizeof(v->id));
	v->size_gib = (uint64_t)sqlite3_column_int64(st, 1);
	ctl_sql_text(st, 2, v->format, sizeof(v->format));
	ctl_sql_text(st, 3, v->zone, sizeof(v->zone));
	ctl_sql_text(st, 4, v->source.id, sizeof(v->source.id));
	ctl_sql_text(st, 5, v->source.format, sizeof(v->source.format));
	ctl_sql_text(st, 6, v->source.sha256, sizeof(v->source.sha256));
	v->source.size = (uint64_t)sqlite3_column_int64(st, 7);
}

/* d's instance id (d->v is in id order), or NULL. */
static struct mc_proto_inst *
inst_of(struct mc_proto_desired *d, const char *id)
{
	size_t lo = 0, hi = d->n, mid;
	int    cmp;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((cmp = strcmp(d->v[mid].id, id)) == 0)
			return &d->v[mid];
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

struct root_size {
	char		instance[MC_ID_MAX];
	int64_t		gib;
};

static void
root_row(sqlite3_stmt *st, void *p)
{
	struct root_size *r = p;

	ctl_sql_text(st, 0, r->instance, sizeof(r->instance));
	r->gib = sqlite3_column_int64(st, 1);
}

/*
 * The wanted attachments of d's instances into each one's vols, and the
 * size of its root volume (the size of the disk the agent makes): one
 * query each for all the instances.
 */
static int
inst_vols(sqlite3 *db, struct mc_proto_desired *d, struct mc_err *err)
{
	MC_AUTOFREE const char		**ids = NULL;
	MC_AUTOFREE struct ctl_vol_att	 *v = NULL;
	MC_AUTOFREE struct root_size	 *r = NULL;
	struct mc_proto_inst		 *w;
	size_t				  n = 0, n_r = 0, i;

	if (d->n == 0)
		return 0;
	if ((ids = mc_proto_desired_ids(d)) == NULL)
		return mc_err_sys(err, ENOMEM, "out of memory");
	if (ctl_vol_atts_of_list(db, ids, d->n, &v, &n, err) < 0 ||
	    ctl_sql_rows_list(db, &r, &n_r, sizeof(*r), root_row, err,
	    "SELECT a.instance_id, v.size_gib FROM vol_attachments a JOIN "
	    "volumes v ON v.id = a.volume_id WHERE v.root = 1 AND "
	    "a.instance_id IN ", ids, d->n, "") < 0)
		return -1;
	for (i = 0; i < n; i++) {
		if ((w = inst_of(d, v[i].instance_id)) == NULL)
			continue;
		if (v[i].root)
			(void)snprintf(w->root_vol, sizeof(w->root_vol), "%s",
			    v[i].volume_id);
		if (v[i].root || !ctl_vol_astate_wanted(v[i].state) ||
		    w->n_vols == MC_PROTO_INST_VOLS)
			continue;
		(void)snprintf(w->vols[w->n_vols].vol, sizeof(w->vols[0].vol),
		    "%s", v[i].volume_id);
		(void)snprintf(w->vols[w->n_vols].device,
		    sizeof(w->vols[0].device), "%s", v[i].device);
		w->n_vols++;
	}
	for (i = 0; i < n_r; i++)
		if ((w = inst_of(d, r[i].instance)) != NULL)
			w->root_bytes = (uint64_t)r[i].gib << 30;
	return 0;
}

int
ctl_vol_desired_load(sqlite3 *db, const char *host, struct mc_proto_desired *d,
    struct mc_err *err)
{
	void	*v = NULL;
	size_t	 n = 0;

	/*
	 * The zone's volumes, and (should the host's zone ever change)
	 * those attached to its instances: every attachment must name a
	 * listed volume.
	 */
	if (ctl_sql_rows(db, &v, &n, sizeof(*d->volumes), vol_row, err,
	    VOL_SELECT "WHERE v.zone = (SELECT zone FROM hosts WHERE name = "
	    "?1) AND v.root = 0 UNION " VOL_SELECT "WHERE v.id IN (SELECT "
	    "a.volume_id FROM vol_attachments a JOIN instances i ON i.id = "
	    "a.instance_id WHERE i.host = ?1) AND v.root = 0 ORDER BY 1", "s",
	    host) < 0)
		return -1;
	free(d->volumes);
	d->volumes = v;
	d->n_volumes = n;
	return inst_vols(db, d, err);
}

/*
 * ctl_view: a host's view of its VPCs, whole or as the changes since
 * the sequence it holds.  One query for the interfaces and one for
 * their groups per VPC, both in interface order, merged here.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_err.h"
#include "mc_id.h"
#include "mc_ipv4.h"
#include "ctl_sql.h"
#include "ctl_view.h"

#define HELD_MAX	MC_PROTO_MAX_VPCS

/* The interfaces to send: every one of the VPC, or those changed. */
#define ALL	"(SELECT id AS eni_id FROM enis WHERE vpc_id = ?1)"
#define CHANGED	"(SELECT DISTINCT eni_id FROM view_log WHERE vpc_id = ?1 " \
	"AND seq > ?2)"

/* A row per interface of the set; the instance's state says if gone. */
#define ENIS(set) \
	"SELECT c.eni_id, e.ip, coalesce(i.state, 'terminated'), " \
	"coalesce(i.host, ''), coalesce(h.underlay, '') FROM " set " c " \
	"LEFT JOIN enis e ON e.id = c.eni_id AND e.vpc_id = ?1 " \
	"LEFT JOIN instances i ON i.id = e.instance_id " \
	"LEFT JOIN hosts h ON h.name = i.host ORDER BY c.eni_id"
#define GROUPS(set) \
	"SELECT eni_id, group_id FROM eni_groups WHERE eni_id IN " set \
	" ORDER BY eni_id, position"

void
ctl_view_held_clear(struct ctl_view_held *h)
{
	size_t i;

	for (i = 0; h->vpcs != NULL && i < h->n_vpcs; i++)
		free(h->vpcs[i]);
	free(h->vpcs);
	memset(h, 0, sizeof(*h));
}

static int
bad(struct mc_err *err)
{
	return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE, "view must be a "
	    "number and vpcs at most %d VPC ids separated by commas",
	    HELD_MAX);
}

int
ctl_view_held_parse(const char *seq, const char *vpcs,
    struct ctl_view_held *ret, struct mc_err *err)
{
	struct ctl_view_held	 h = { 0 };
	const char		*p, *comma;
	char			*end, **nv;
	size_t			 len;

	if (seq != NULL) {
		errno = 0;
		h.seq = strtoull(seq, &end, 10);
		if (*seq < '0' || *seq > '9' || *end != '\0' || errno != 0 ||
		    h.seq > INT64_MAX)
			return bad(err);
	}
	for (p = vpcs; p != NULL && *p != '\0'; p = *comma ? comma + 1 : comma) {
		if ((comma = strchr(p, ',')) == NULL)
			comma = p + strlen(p);
		len = (size_t)(comma - p);
		if (h.n_vpcs == HELD_MAX || len > MC_PROTO_ID_MAX || (*comma &&
		    comma[1] == '\0')) {
			ctl_view_held_clear(&h);
			return bad(err);
		}
		if ((nv = realloc(h.vpcs, (h.n_vpcs + 1) * sizeof(*nv))) ==
		    NULL || (nv[h.n_vpcs] = strndup(p, len)) == NULL) {
			if (nv != NULL)
				h.vpcs = nv;
			ctl_view_held_clear(&h);
			return mc_err_sys(err, ENOMEM, "out of memory");
		}
		h.vpcs = nv;
		if (mc_id_check(MC_ID_VPC, h.vpcs[h.n_vpcs++], NULL) < 0) {
			ctl_view_held_clear(&h);
			return bad(err);
		}
	}
	*ret = h;
	return 0;
}

static bool
held_has(const struct ctl_view_held *h, const char *vpc)
{
	size_t i;

	for (i = 0; h != NULL && i < h->n_vpcs; i++)
		if (strcmp(h->vpcs[i], vpc) == 0)
			return true;
	return false;
}

/* One interface row into e; host_ip only for another host's. */
static void
eni_row(sqlite3_stmt *st, const char *host, struct mc_proto_view_eni *e)
{
	char state[16], on[80];

	memset(e, 0, sizeof(*e));
	ctl_sql_text(st, 0, e->id, sizeof(e->id));
	ctl_sql_text(st, 2, state, sizeof(state));
	e->gone = sqlite3_column_type(st, 1) == SQLITE_NULL ||
	    strcmp(state, "terminated") == 0;
	if (e->gone)
		return;
	mc_ipv4_str((uint32_t)sqlite3_column_int64(st, 1), e->ip);
	ctl_sql_text(st, 3, on, sizeof(on));
	if (strcmp(on, host) != 0)
		ctl_sql_text(st, 4, e->host_ip, sizeof(e->host_ip));
}

/* The groups rows (interface order) into the entries of v. */
static int
add_groups(sqlite3_stmt *st, struct mc_proto_view_vpc *v)
{
	struct mc_proto_ids	*g;
	const char		*eni;
	size_t			 i = 0;
	int			 rc, cmp = 0;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		eni = (const char *)sqlite3_column_text(st, 0);
		while (i < v->n_enis && (cmp = strcmp(v->enis[i].id,
		    eni != NULL ? eni : "")) < 0)
			i++;
		if (i == v->n_enis)
			break;
		if (cmp != 0 || v->enis[i].gone)
			continue;
		g = &v->enis[i].groups;
		if (g->n < MC_PROTO_NIC_GROUPS)
			ctl_sql_text(st, 1, g->v[g->n++], sizeof(g->v[0]));
	}
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/* vpc's interfaces of the set (ALL or CHANGED since seq) into v. */
static int
load_set(sqlite3 *db, const char *host, bool all, uint64_t seq,
    struct mc_proto_view_vpc *v, struct mc_err *err)
{
	struct mc_proto_view_eni	*nv;
	sqlite3_stmt			*st;
	size_t				 cap = 0;
	int				 rc;

	rc = all ? ctl_sql_prepare(db, &st, err, ENIS(ALL), "s", v->id) :
	    ctl_sql_prepare(db, &st, err, ENIS(CHANGED), "si", v->id,
	    (int64_t)seq);
	if (rc < 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (v->n_enis == cap) {
			cap = cap == 0 ? 64 : cap * 2;
			if ((nv = realloc(v->enis, cap * sizeof(*nv))) == NULL) {
				rc = SQLITE_NOMEM;
				break;
			}
			v->enis = nv;
		}
		eni_row(st, host, &v->enis[v->n_enis]);
		/* A whole view lists only the live. */
		if (!all || !v->enis[v->n_enis].gone)
			v->n_enis++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return mc_err_set(err, MC_EC_INTERNAL_ERROR,
		    "cannot read the interfaces of %s", v->id);
	rc = all ? ctl_sql_prepare(db, &st, err, GROUPS(ALL), "s", v->id) :
	    ctl_sql_prepare(db, &st, err, GROUPS(CHANGED), "si", v->id,
	    (int64_t)seq);
	if (rc < 0)
		return -1;
	rc = add_groups(st, v);
	sqlite3_finalize(st);
	if (rc < 0)
		return mc_err_set(err, MC_EC_INTERNAL_ERROR,
		    "cannot read the interfaces' groups of %s", v->id);
	return 0;
}

/* One VPC: its changes when held at a sequence still logged, or whole. */
static int
load_vpc(sqlite3 *db, const char *host, const struct ctl_view_held *held,
    bool covered, struct mc_proto_view_vpc *v, struct mc_err *err)
{
	if (covered && held_has(held, v->id)) {
		if (load_set(db, host, false, held->seq, v, err) < 0)
			return -1;
		/* Gone entries pile up; past a /16 the whole is smaller. */
		if (v->n_enis <= MC_PROTO_MAX_VIEW)
			return 0;
		free(v->enis);
		v->enis = NULL;
		v->n_enis = 0;
	}
	v->full = true;
	return load_set(db, host, true, 0, v, err);
}

static void
vpc_row(sqlite3_stmt *st, void *p)
{
	struct mc_proto_view_vpc *v = p;

	memset(v, 0, sizeof(*v));
	ctl_sql_text(st, 0, v->id, sizeof(v->id));
}

static void
bounds_row(sqlite3_stmt *st, void *p)
{
	int64_t *b = p;

	b[0] = sqlite3_column_int64(st, 0);
	b[1] = sqlite3_column_int64(st, 1);
}

int
ctl_view_load(sqlite3 *db, const char *host, const struct ctl_view_held *held,
    struct mc_proto_view *ret, struct mc_err *err)
{
	struct mc_proto_view	 w = { 0 };
	void			*v = NULL;
	int64_t			 bounds[2] = { 0, 0 };	/* floor, newest */
	size_t			 i;
	bool			 covered;

	if (ctl_sql_row(db, bounds, bounds_row, err, "SELECT f.seq, "
	    "coalesce((SELECT max(seq) FROM view_log), f.seq) FROM "
	    "view_floor f", "") < 0 ||
	    ctl_sql_rows(db, &v, &w.n_vpcs, sizeof(*w.vpcs), vpc_row, err,
	    "SELECT DISTINCT e.vpc_id FROM enis e JOIN instances i ON i.id = "
	    "e.instance_id WHERE i.host = ? AND i.state <> 'terminated' "
	    "ORDER BY e.vpc_id", "s", host) < 0)
		return -1;
	w.vpcs = v;
	w.seq = (uint64_t)bounds[1];
	/* A sequence from before the floor, or another store, is not used. */
	covered = held != NULL && held->seq >= (uint64_t)bounds[0] &&
	    held->seq <= (uint64_t)bounds[1];
	for (i = 0; i < w.n_vpcs; i++)
		if (load_vpc(db, host, held, covered, &w.vpcs[i], err) < 0) {
			mc_proto_view_clear(&w);
			return -1;
		}
	*ret = w;
	return 0;
}

int
ctl_view_trim(sqlite3 *db, int64_t keep, struct mc_err *err)
{
	int64_t	cur = 0;
	int	n;

	if (ctl_sql_int(db, &cur, err, "SELECT coalesce(max(seq), 0) FROM "
	    "view_log", "") < 0)
		return -1;
	if (cur - keep <= 0)
		return 0;
	if (ctl_sql_begin(db, err) < 0)
		return -1;
	if ((n = ctl_sql_run(db, err, "DELETE FROM view_log WHERE seq <= ?",
	    "i", cur - keep)) < 0 || ctl_sql_run(db, err, "UPDATE view_floor "
	    "SET seq = max(seq, ?)", "i", cur - keep) < 0 ||
	    ctl_sql_commit(db, err) < 0) {
		ctl_sql_rollback(db);
		return -1;
	}
	return n;
}

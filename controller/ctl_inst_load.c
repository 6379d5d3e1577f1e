/*
 * ctl_inst_load: many instances at once, in a few queries whatever their
 * number.  A scan walks an account's instances a chunk at a time for
 * the Describe actions: a chunk's ids (narrowed by the page start and
 * the exact values of some filters), its rows by id, and one query each
 * for their tags, interfaces and volumes.  It does not filter: the
 * actions do, on what it returns.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mc_buf.h"
#include "mc_cleanup.h"
#include "mc_err.h"
#include "ctl_eni.h"
#include "ctl_inst.h"
#include "ctl_sql.h"
#include "ctl_store.h"
#include "ctl_tags.h"
#include "ctl_vol.h"

/*
 * What each column is in SQL: head, its values as an IN list, tail.  A
 * tag's key is bound before its values.  The host of an instance that
 * has none is NULL, which the filters see as "": a condition that looks
 * for "" there is left out, since IN would miss those instances.
 */
static const struct {
	const char	*head, *tail;
	bool		 keyed, null_is_empty;
} cols[CTL_INST_COL__MAX] = {
	[CTL_INST_COL_ID]	   = { "i.id IN ", "", false, false },
	[CTL_INST_COL_STATE]	   = { "i.state IN ", "", false, false },
	[CTL_INST_COL_HOST]	   = { "i.host IN ", "", false, true },
	[CTL_INST_COL_TYPE]	   = { "i.instance_type IN ", "", false, false },
	[CTL_INST_COL_ZONE]	   = { "i.zone IN ", "", false, false },
	[CTL_INST_COL_IMAGE]	   = { "i.image_id IN ", "", false, false },
	[CTL_INST_COL_RESERVATION] = { "i.reservation_id IN ", "", false,
	    false },
	[CTL_INST_COL_VPC] = { "i.id IN (SELECT instance_id FROM enis WHERE "
	    "device_index = 0 AND vpc_id IN ", ")", false, false },
	[CTL_INST_COL_SUBNET] = { "i.id IN (SELECT instance_id FROM enis "
	    "WHERE device_index = 0 AND subnet_id IN ", ")", false, false },
	[CTL_INST_COL_TAG] = { "i.id IN (SELECT resource_id FROM tags WHERE "
	    "key = ? AND value IN ", ")", true, false },
};

struct ctl_inst_scan {
	sqlite3		*db;		/* borrowed */
	sqlite3_stmt	*ids;		/* a chunk's ids (ids_sql) */
	bool		 details;	/* tags, interfaces, volumes too */
	bool		 done;		/* the last chunk came */
};

static void
inst_fill(sqlite3_stmt *st, void *elem)
{
	ctl_inst_row(st, elem);
}

static int
cmp_inst(const void *key, const void *elem)
{
	return strcmp(key, ((const struct ctl_inst *)elem)->id);
}

/* The instance of v (n, sorted by id) called id, or NULL. */
static struct ctl_inst *
find(struct ctl_inst *v, size_t n, const char *id)
{
	return bsearch(id, v, n, sizeof(*v), cmp_inst);
}

/* The most ids one list query binds: a chunk, or less if SQLite says. */
static size_t
list_max(sqlite3 *db)
{
	int limit = sqlite3_limit(db, SQLITE_LIMIT_VARIABLE_NUMBER, -1);

	if (limit > 0 && (size_t)limit < CTL_INST_CHUNK_MAX)
		return (size_t)limit;
	return CTL_INST_CHUNK_MAX;
}

/* Hand each instance of v its tags in t (nt, sorted by instance). */
static int
give_tags(struct ctl_inst *v, size_t n, const struct ctl_tag_of *t,
    size_t nt, struct mc_err *err)
{
	struct ctl_inst	*in;
	size_t		 i, j, k;

	for (i = 0; i < nt; i = j) {
		for (j = i; j < nt && strcmp(t[j].resource_id,
		    t[i].resource_id) == 0; j++)
			;
		if ((in = find(v, n, t[i].resource_id)) == NULL ||
		    in->tags != NULL)
			continue;
		if ((in->tags = calloc(j - i, sizeof(*in->tags))) == NULL)
			return mc_err_sys(err, ENOMEM, "out of memory");
		for (k = i; k < j; k++)
			in->tags[in->n_tags++] = t[k].kv;
	}
	return 0;
}

/* Hand each instance of v its volumes in a (na, sorted by instance). */
static int
give_vols(struct ctl_inst *v, size_t n, const struct ctl_vol_att *a,
    size_t na, struct mc_err *err)
{
	struct ctl_inst	*in;
	size_t		 i, j;

	for (i = 0; i < na; i = j) {
		for (j = i; j < na && strcmp(a[j].instance_id,
		    a[i].instance_id) == 0; j++)
			;
		if ((in = find(v, n, a[i].instance_id)) == NULL ||
		    in->vols != NULL)
			continue;
		if ((in->vols = calloc(j - i, sizeof(*in->vols))) == NULL)
			return mc_err_sys(err, ENOMEM, "out of memory");
		memcpy(in->vols, &a[i], (j - i) * sizeof(*a));
		in->n_vols = j - i;
	}
	return 0;
}

/* Hand each instance of v its primary interface in e (ne). */
static int
give_enis(struct ctl_inst *v, size_t n, const struct ctl_eni *e, size_t ne,
    struct mc_err *err)
{
	struct ctl_inst	*in;
	size_t		 i;

	for (i = 0; i < ne; i++) {
		if ((in = find(v, n, e[i].instance_id)) == NULL ||
		    in->eni != NULL)
			continue;
		if ((in->eni = malloc(sizeof(*in->eni))) == NULL)
			return mc_err_sys(err, ENOMEM, "out of memory");
		*in->eni = e[i];
	}
	return 0;
}

/* ctl_inst_details for at most list_max instances. */
static int
details_some(sqlite3 *db, struct ctl_inst *v, size_t n, struct mc_err *err)
{
	MC_AUTOFREE const char		**ids = calloc(n, sizeof(*ids));
	MC_AUTOFREE struct ctl_tag_of	 *t = NULL;
	MC_AUTOFREE struct ctl_eni	 *e = NULL;
	MC_AUTOFREE struct ctl_vol_att	 *a = NULL;
	size_t				  nt = 0, ne = 0, na = 0, i;

	if (ids == NULL)
		return mc_err_sys(err, ENOMEM, "out of memory");
	for (i = 0; i < n; i++)
		ids[i] = v[i].id;
	if (ctl_tags_load_of(db, ids, n, &t, &nt, err) < 0 ||
	    give_tags(v, n, t, nt, err) < 0 ||
	    ctl_eni_of_instances(db, ids, n, &e, &ne, err) < 0 ||
	    give_enis(v, n, e, ne, err) < 0 ||
	    ctl_vol_atts_of_list(db, ids, n, &a, &na, err) < 0 ||
	    give_vols(v, n, a, na, err) < 0)
		return -1;
	return 0;
}

int
ctl_inst_details(sqlite3 *db, struct ctl_inst *v, size_t n,
    struct mc_err *err)
{
	size_t off, k;

	for (off = 0; off < n; off += k) {
		k = n - off < list_max(db) ? n - off : list_max(db);
		if (details_some(db, v + off, k, err) < 0)
			return -1;
	}
	return 0;
}

int
ctl_inst_list(sqlite3 *db, const char *account, const char *reservation,
    struct ctl_inst **ret, size_t *ret_n, struct mc_err *err)
{
	struct ctl_inst	*v = NULL;
	size_t		 n = 0;

	if (ctl_sql_rows(db, &v, &n, sizeof(*v), inst_fill, err,
	    CTL_INST_SELECT "WHERE i.account_id = ? AND (? = '' OR "
	    "i.reservation_id = ?2) ORDER BY i.id", "ss", account,
	    reservation != NULL ? reservation : "") < 0)
		return -1;
	if (ctl_inst_details(db, v, n, err) < 0) {
		ctl_inst_free_all(v, n);
		return -1;
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

/* An instance id and its account, for ctl_inst_check_ids. */
struct owned {
	char	id[MC_ID_MAX];
	char	account[16];
};

static void
owned_fill(sqlite3_stmt *st, void *elem)
{
	struct owned *o = elem;

	ctl_sql_text(st, 0, o->id, sizeof(o->id));
	ctl_sql_text(st, 1, o->account, sizeof(o->account));
}

static int
cmp_owned(const void *key, const void *elem)
{
	return strcmp(key, ((const struct owned *)elem)->id);
}

/* Add to missing the ids (n) that are not instances of account. */
static int
add_missing(sqlite3 *db, const char *account, const char *const *ids,
    size_t n, struct mc_buf *missing, struct mc_err *err)
{
	MC_AUTOFREE struct owned	*o = NULL;
	const struct owned		*at;
	size_t				 n_o = 0, i;

	if (ctl_sql_rows_list(db, &o, &n_o, sizeof(*o), owned_fill, err,
	    "SELECT id, account_id FROM instances WHERE id IN ", ids, n,
	    " ORDER BY id") < 0)
		return -1;
	for (i = 0; i < n; i++) {
		at = n_o == 0 ? NULL : bsearch(ids[i], o, n_o, sizeof(*o),
		    cmp_owned);
		if (at == NULL || strcmp(at->account, account) != 0)
			mc_buf_addf(missing, "%s%s", missing->len > 0 ? ", " :
			    "", ids[i]);
	}
	return 0;
}

int
ctl_inst_check_ids(sqlite3 *db, const char *account, const char *const *ids,
    size_t n, struct mc_err *err)
{
	struct mc_buf	missing;
	size_t		off, k, i;
	int		rc = 0;

	for (i = 0; i < n; i++)
		if (mc_id_check(MC_ID_INSTANCE, ids[i], err) < 0)
			return -1;
	mc_buf_init(&missing, 512);
	for (off = 0; off < n && rc == 0; off += k) {
		k = n - off < list_max(db) ? n - off : list_max(db);
		rc = add_missing(db, account, ids + off, k, &missing, err);
	}
	if (rc == 0 && missing.len > 0)
		rc = mc_err_set(err, MC_EC_INVALID_INSTANCE_ID_NOT_FOUND,
		    "The instance ID%s '%s%s' do%s not exist",
		    strchr(missing.data, ',') != NULL ? "s" : "", missing.data,
		    missing.failed ? "..." : "",
		    strchr(missing.data, ',') != NULL ? "" : "es");
	mc_buf_clear(&missing);
	return rc;
}

/* Whether c can go into SQL within room more parameters. */
static bool
cond_fits(const struct ctl_inst_cond *c, size_t room)
{
	size_t i;

	if (c->col >= CTL_INST_COL__MAX || c->n_values == 0 ||
	    (cols[c->col].keyed && c->key == NULL) ||
	    c->n_values + cols[c->col].keyed > room)
		return false;
	for (i = 0; cols[c->col].null_is_empty && i < c->n_values; i++)
		if (c->values[i][0] == '\0')
			return false;
	return true;
}

/* Into used, the conds that fit in a statement's parameters. */
static size_t
conds_used(sqlite3 *db, const struct ctl_inst_cond *conds, size_t n,
    const struct ctl_inst_cond **used)
{
	int	limit = sqlite3_limit(db, SQLITE_LIMIT_VARIABLE_NUMBER, -1);
	size_t	room = limit > 3 ? (size_t)limit - 3 : 0;  /* 3 are ours */
	size_t	i, k = 0;

	for (i = 0; i < n; i++) {
		if (!cond_fits(&conds[i], room))
			continue;
		room -= conds[i].n_values + cols[conds[i].col].keyed;
		used[k++] = &conds[i];
	}
	return k;
}

/*
 * The query of a chunk's ids under the n conditions c: every parameter
 * a "?", in the order ids_bind binds them.  NULL: out of memory.
 */
static char *
ids_sql(const struct ctl_inst_cond *const *c, size_t n)
{
	struct mc_buf	b;
	size_t		i, j;

	mc_buf_init(&b, 0);
	mc_buf_adds(&b, "SELECT i.id FROM instances i WHERE i.account_id = ? "
	    "AND i.id > ?");
	for (i = 0; i < n; i++) {
		mc_buf_addf(&b, " AND %s(?", cols[c[i]->col].head);
		for (j = 1; j < c[i]->n_values; j++)
			mc_buf_adds(&b, ",?");
		mc_buf_addf(&b, ")%s", cols[c[i]->col].tail);
	}
	mc_buf_adds(&b, " ORDER BY i.id LIMIT ?");
	return mc_buf_steal(&b, NULL);
}

/* Bind text s to the next parameter *p of st, unless *rc failed already. */
static void
bind_next(sqlite3_stmt *st, int *p, const char *s, int *rc)
{
	if (*rc == SQLITE_OK)
		*rc = sqlite3_bind_text(st, (*p)++, s, -1, SQLITE_TRANSIENT);
}

/* Bind what ids_sql asks for but the limit, which each chunk binds. */
static int
ids_bind(sqlite3_stmt *st, const char *account, const char *after,
    const struct ctl_inst_cond *const *c, size_t n)
{
	int	p = 1, rc = SQLITE_OK;
	size_t	i, j;

	bind_next(st, &p, account, &rc);
	bind_next(st, &p, after, &rc);
	for (i = 0; i < n; i++) {
		if (cols[c[i]->col].keyed)
			bind_next(st, &p, c[i]->key, &rc);
		for (j = 0; j < c[i]->n_values; j++)
			bind_next(st, &p, c[i]->values[j], &rc);
	}
	return rc;
}

int
ctl_inst_scan_open(sqlite3 *db, const char *account, const char *after,
    const struct ctl_inst_cond *conds, size_t n_conds, bool details,
    struct ctl_inst_scan **ret, struct mc_err *err)
{
	MC_AUTOFREE const struct ctl_inst_cond	**used = NULL;
	MC_AUTOFREE char			 *sql = NULL;
	struct ctl_inst_scan			 *s;
	size_t					  n_used;

	if (n_conds > 0 && (used = calloc(n_conds, sizeof(*used))) == NULL)
		return mc_err_sys(err, ENOMEM, "out of memory");
	n_used = conds_used(db, conds, n_conds, used);
	if ((sql = ids_sql(used, n_used)) == NULL ||
	    (s = calloc(1, sizeof(*s))) == NULL)
		return mc_err_sys(err, ENOMEM, "out of memory");
	s->db = db;
	s->details = details;
	if (sqlite3_prepare_v2(db, sql, -1, &s->ids, NULL) != SQLITE_OK ||
	    ids_bind(s->ids, account, after, used, n_used) != SQLITE_OK) {
		ctl_store_err(db, "database query failed", err);
		ctl_inst_scan_free(s);
		return -1;
	}
	*ret = s;
	return 0;
}

void
ctl_inst_scan_free(struct ctl_inst_scan *s)
{
	if (s == NULL)
		return;
	sqlite3_finalize(s->ids);
	free(s);
}

/*
 * The next chunk's ids (at most limit) into a new array *ret; the walk
 * moves past them, and is done when there are fewer than limit.
 */
static int
chunk_ids(struct ctl_inst_scan *s, size_t limit, char (**ret)[MC_ID_MAX],
    size_t *ret_n, struct mc_err *err)
{
	MC_AUTOFREE char	(*v)[MC_ID_MAX] = calloc(limit, sizeof(*v));
	sqlite3_stmt		*st = s->ids;
	size_t			 n = 0;
	int			 rc, last = sqlite3_bind_parameter_count(st);

	if (v == NULL)
		return mc_err_sys(err, ENOMEM, "out of memory");
	rc = sqlite3_bind_int64(st, last, (sqlite3_int64)limit);
	while (rc == SQLITE_OK && n < limit &&
	    (rc = sqlite3_step(st)) == SQLITE_ROW) {
		ctl_sql_text(st, 0, v[n++], sizeof(*v));
		rc = SQLITE_OK;
	}
	if (rc != SQLITE_OK && rc != SQLITE_DONE)
		return ctl_store_err(s->db, "cannot list instances", err);
	(void)sqlite3_reset(st);
	s->done = n < limit;
	if (n > 0 && sqlite3_bind_text(st, 2, v[n - 1], -1,
	    SQLITE_TRANSIENT) != SQLITE_OK)
		return ctl_store_err(s->db, "cannot list instances", err);
	*ret = mc_steal_ptr(&v);
	*ret_n = n;
	return 0;
}

int
ctl_inst_scan_next(struct ctl_inst_scan *s, size_t limit,
    struct ctl_inst **ret, size_t *ret_n, struct mc_err *err)
{
	MC_AUTOFREE char	 (*ids)[MC_ID_MAX] = NULL;
	MC_AUTOFREE const char	 **p = NULL;
	struct ctl_inst		  *v = NULL;
	size_t			   n_ids = 0, n = 0, i;

	limit = limit < list_max(s->db) ? limit : list_max(s->db);
	if (!s->done && limit > 0 && chunk_ids(s, limit, &ids, &n_ids,
	    err) < 0)
		return -1;
	if (n_ids > 0 && (p = calloc(n_ids, sizeof(*p))) == NULL)
		return mc_err_sys(err, ENOMEM, "out of memory");
	for (i = 0; i < n_ids; i++)
		p[i] = ids[i];
	if (n_ids > 0 && (ctl_sql_rows_list(s->db, &v, &n, sizeof(*v),
	    inst_fill, err, CTL_INST_SELECT "WHERE i.id IN ", p, n_ids,
	    " ORDER BY i.id") < 0 || (s->details &&
	    ctl_inst_details(s->db, v, n, err) < 0))) {
		ctl_inst_free_all(v, n);
		return -1;
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

static void
prev_fill(sqlite3_stmt *st, void *elem)
{
	ctl_sql_text(st, 0, elem, MC_ID_MAX);
}

int
ctl_inst_prev_id(sqlite3 *db, const char *account, const char *id,
    char *ret, struct mc_err *err)
{
	char prev[MC_ID_MAX] = "";

	if (ctl_sql_row(db, prev, prev_fill, err, "SELECT max(id) FROM "
	    "instances WHERE account_id = ? AND id < ?", "ss", account,
	    id) < 0)
		return -1;
	memcpy(ret, prev, sizeof(prev));
	return 0;
}

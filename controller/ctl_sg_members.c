/*
 * ctl_sg_members: which groups an interface is in.  The list an
 * interface asks for is resolved and checked here; the rows keep its
 * order.  A change of members changes what every host running an
 * instance of the VPC must allow, so those hosts are bumped.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_err.h"
#include "ctl_filter.h"
#include "ctl_sg.h"
#include "ctl_sql.h"
#include "ctl_xml.h"

/* How many distinct strings v holds. */
static size_t
distinct(const char *const *v, size_t n)
{
	size_t i, j, count = 0;

	for (i = 0; i < n; i++) {
		for (j = 0; j < i && strcmp(v[i], v[j]) != 0; j++)
			;
		count += j == i;
	}
	return count;
}

/* Add g to s unless it is there already. */
static void
set_add(struct ctl_sg_set *s, const struct ctl_sg *g)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->v[i].id, g->id) == 0)
			return;
	assert(s->n < CTL_SG_PER_ENI_MAX);	/* the caller counted */
	(void)snprintf(s->v[s->n].id, sizeof(s->v[s->n].id), "%s", g->id);
	(void)snprintf(s->v[s->n].name, sizeof(s->v[s->n].name), "%s",
	    g->name);
	s->n++;
}

int
ctl_sg_resolve(sqlite3 *db, const char *account, const char *vpc_id,
    const char *const *ids, size_t n_ids, const char *const *names,
    size_t n_names, struct ctl_sg_set *ret, struct mc_err *err)
{
	struct ctl_sg_set	s;
	struct ctl_sg		g;
	size_t			i;

	/* Repeats aside, ids and names could still name a group twice. */
	if (distinct(ids, n_ids) + distinct(names, n_names) >
	    CTL_SG_PER_ENI_MAX)
		return mc_err_set(err, MC_EC_SGS_PER_INSTANCE_LIMIT_EXCEEDED,
		    "The maximum number of security groups per interface (%d) "
		    "has been reached.", CTL_SG_PER_ENI_MAX);
	memset(&s, 0, sizeof(s));
	for (i = 0; i < n_ids; i++) {
		if (ctl_sg_find(db, account, ids[i], &g, err) < 0)
			return -1;
		if (strcmp(g.vpc_id, vpc_id) != 0)
			return mc_err_set(err, MC_EC_INVALID_PARAMETER,
			    "Security group %s and the interface belong to "
			    "different networks (VPC %s, not %s).", g.id,
			    g.vpc_id, vpc_id);
		set_add(&s, &g);
	}
	for (i = 0; i < n_names; i++) {
		if (ctl_sg_find_name(db, account, vpc_id, names[i], &g,
		    err) < 0)
			return -1;
		set_add(&s, &g);
	}
	if (n_ids + n_names == 0) {
		if (ctl_sg_find_name(db, account, vpc_id, CTL_SG_DEFAULT_NAME,
		    &g, err) < 0)
			return -1;
		set_add(&s, &g);
	}
	*ret = s;
	return 0;
}

int
ctl_sg_eni_set(sqlite3 *db, const char *eni_id, const struct ctl_sg_set *s,
    struct mc_err *err)
{
	size_t	i;
	int	rc;

	if (ctl_sql_run(db, err, "DELETE FROM eni_groups WHERE eni_id = ?",
	    "s", eni_id) < 0)
		return -1;
	for (i = 0; i < s->n; i++) {
		rc = ctl_sql_run(db, err, "INSERT INTO eni_groups (eni_id, "
		    "group_id, position) VALUES (?, ?, ?)", "ssi", eni_id,
		    s->v[i].id, (int64_t)i);
		/* The group went since it was resolved. */
		if (rc == -2)
			return mc_err_set(err, MC_EC_INVALID_GROUP_NOT_FOUND,
			    "The security group '%s' does not exist",
			    s->v[i].id);
		if (rc < 0)
			return -1;
	}
	return 0;
}

int
ctl_sg_eni_replace(sqlite3 *db, const char *account, const char *eni_id,
    const char *vpc_id, const char *const *ids, size_t n, struct mc_err *err)
{
	struct ctl_sg_set	s;
	size_t			i;

	if (n == 0)
		return mc_err_set(err, MC_EC_MISSING_PARAMETER, "The request "
		    "must name at least one security group (GroupId.N)");
	for (i = 0; i < n; i++)
		if (mc_id_check(MC_ID_SG, ids[i], err) < 0)
			return -1;
	if (ctl_sg_resolve(db, account, vpc_id, ids, n, NULL, 0, &s, err) < 0 ||
	    ctl_sg_eni_set(db, eni_id, &s, err) < 0)
		return -1;
	return ctl_sg_bump_vpc(db, vpc_id, err);
}

int
ctl_sg_eni_groups(sqlite3 *db, const char *eni_id, struct ctl_sg_set *ret,
    struct mc_err *err)
{
	sqlite3_stmt	*st;
	size_t		 n = 0;
	int		 rc;

	memset(ret, 0, sizeof(*ret));
	if (ctl_sql_prepare(db, &st, err, "SELECT g.id, g.name FROM "
	    "eni_groups e JOIN security_groups g ON g.id = e.group_id WHERE "
	    "e.eni_id = ? ORDER BY e.position", "s", eni_id) < 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < CTL_SG_PER_ENI_MAX) {
		ctl_sql_text(st, 0, ret->v[n].id, sizeof(ret->v[n].id));
		ctl_sql_text(st, 1, ret->v[n].name, sizeof(ret->v[n].name));
		n++;
	}
	sqlite3_finalize(st);
	ret->n = n;
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return mc_err_set(err, MC_EC_INTERNAL_ERROR,
		    "cannot read the groups of %s", eni_id);
	return 0;
}

static int
cmp_id(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

int
ctl_sg_eni_groups_of(sqlite3 *db, const char *const *eni_ids, size_t n,
    struct ctl_sg_set *const *ret, struct mc_err *err)
{
	const char *const	*at;
	struct ctl_sg_set	*s;
	sqlite3_stmt		*st;
	char			 eni[MC_ID_MAX];
	size_t			 i;
	int			 rc;

	for (i = 0; i < n; i++)
		memset(ret[i], 0, sizeof(*ret[i]));
	if (ctl_sql_prepare_list(db, &st, err, "SELECT e.eni_id, g.id, "
	    "g.name FROM eni_groups e JOIN security_groups g ON g.id = "
	    "e.group_id WHERE e.eni_id IN ", eni_ids, n,
	    " ORDER BY e.eni_id, e.position") < 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ctl_sql_text(st, 0, eni, sizeof(eni));
		at = bsearch(eni, eni_ids, n, sizeof(*eni_ids), cmp_id);
		if (at == NULL || (s = ret[at - eni_ids])->n >=
		    CTL_SG_PER_ENI_MAX)
			continue;
		ctl_sql_text(st, 1, s->v[s->n].id, sizeof(s->v[s->n].id));
		ctl_sql_text(st, 2, s->v[s->n].name, sizeof(s->v[s->n].name));
		s->n++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return mc_err_set(err, MC_EC_INTERNAL_ERROR,
		    "cannot read the groups of interfaces");
	return 0;
}

int
ctl_sg_bump_vpc(sqlite3 *db, const char *vpc_id, struct mc_err *err)
{
	return ctl_sql_run(db, err, "UPDATE hosts SET generation = generation "
	    "+ 1 WHERE name IN (SELECT i.host FROM instances i JOIN enis e ON "
	    "e.instance_id = i.id WHERE e.vpc_id = ? AND i.host IS NOT NULL "
	    "AND i.state <> 'terminated')", "s", vpc_id) < 0 ? -1 : 0;
}

void
ctl_sg_set_xml(struct ctl_xml *x, const struct ctl_sg_set *s)
{
	size_t i;

	ctl_xml_open(x, "groupSet");
	for (i = 0; s != NULL && i < s->n; i++) {
		ctl_xml_open(x, "item");
		ctl_xml_str(x, "groupId", s->v[i].id);
		ctl_xml_str(x, "groupName", s->v[i].name);
		ctl_xml_close(x);
	}
	ctl_xml_close(x);
}

void
ctl_sg_set_fvals(const struct ctl_sg_set *s, bool names, struct ctl_fvals *fv)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		ctl_fvals_add(fv, names ? s->v[i].name : s->v[i].id);
}

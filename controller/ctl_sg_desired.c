/*
 * ctl_sg_desired: the security groups a host's agent needs, built as a
 * worklist: the groups of the host's interfaces first, then every group
 * a rule of a listed group names, until nothing new turns up (groups
 * only name groups of their own VPC, so the list stays small).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_cleanup.h"
#include "mc_err.h"
#include "mc_ipv4.h"
#include "ctl_sg_desired.h"
#include "ctl_sgr.h"
#include "ctl_sql.h"

/* Add group id to d unless it is there; its fields are filled later. */
static int
append(struct mc_proto_desired *d, const char *id, struct mc_err *err)
{
	struct mc_proto_sg *nv;

	if (mc_proto_desired_group(d, id) != NULL)
		return 0;
	if ((nv = realloc(d->groups, (d->n_groups + 1) * sizeof(*nv))) == NULL)
		return mc_err_sys(err, ENOMEM, "out of memory");
	d->groups = nv;
	memset(&nv[d->n_groups], 0, sizeof(*nv));
	(void)snprintf(nv[d->n_groups].id, sizeof(nv->id), "%s", id);
	d->n_groups++;
	return 0;
}

/* The group's name and VPC (its members are in the VPC's view). */
static int
fill_group(sqlite3 *db, struct mc_proto_sg *g, struct mc_err *err)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (ctl_sql_prepare(db, &st, err, "SELECT name, vpc_id FROM "
	    "security_groups WHERE id = ?", "s", g->id) < 0)
		return -1;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ctl_sql_text(st, 0, g->name, sizeof(g->name));
		ctl_sql_text(st, 1, g->vpc, sizeof(g->vpc));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return mc_err_set(err, MC_EC_INTERNAL_ERROR, "security group "
		    "%s is gone", g->id);
	return 0;
}

/* The rules of group gi; the groups they name join the list. */
static int
fill_rules(sqlite3 *db, struct mc_proto_desired *d, size_t gi,
    struct mc_err *err)
{
	MC_AUTOFREE struct ctl_sg_rule	*r = NULL;
	struct mc_proto_sg_rule		*w = NULL;
	size_t				 n = 0, i;

	if (ctl_sgr_load(db, d->groups[gi].id, &r, &n, err) < 0)
		return -1;
	if (n > MC_PROTO_SG_RULES)
		n = MC_PROTO_SG_RULES;	/* cannot happen: 60 each way */
	if (n > 0 && (w = calloc(n, sizeof(*w))) == NULL)
		return mc_err_sys(err, ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		(void)snprintf(w[i].id, sizeof(w[i].id), "%s", r[i].id);
		w[i].egress = r[i].egress;
		w[i].proto = r[i].proto;
		w[i].from = r[i].from;
		w[i].to = r[i].to;
		(void)snprintf(w[i].cidr, sizeof(w[i].cidr), "%s", r[i].cidr);
		(void)snprintf(w[i].group, sizeof(w[i].group), "%s",
		    r[i].ref_group);
	}
	if (n > 0) {
		d->groups[gi].rules = w;
		d->groups[gi].n_rules = n;
	}
	/* append() may move d->groups: nothing holds a pointer into it. */
	for (i = 0; i < n; i++)
		if (r[i].ref_group[0] != '\0' && append(d, r[i].ref_group,
		    err) < 0)
			return -1;
	return 0;
}

int
ctl_sg_desired_load(sqlite3 *db, struct mc_proto_desired *d,
    struct mc_err *err)
{
	size_t i, j;

	for (i = 0; i < d->n; i++)
		for (j = 0; j < d->v[i].nic.groups.n; j++)
			if (append(d, d->v[i].nic.groups.v[j], err) < 0)
				return -1;
	/* The list grows while it is walked. */
	for (i = 0; i < d->n_groups; i++)
		if (fill_group(db, &d->groups[i], err) < 0 ||
		    fill_rules(db, d, i, err) < 0)
			return -1;
	return 0;
}

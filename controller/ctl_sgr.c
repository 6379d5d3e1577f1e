/*
 * ctl_sgr: rule rows of security groups: reading, adding with EC2's
 * checks, revoking by value or by id, replacing one in place.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_cleanup.h"
#include "mc_err.h"
#include "ctl_sg.h"
#include "ctl_sgr.h"
#include "ctl_sql.h"

#define RULE_SELECT \
	"SELECT r.id, r.group_id, r.egress, r.proto, r.from_port, " \
	"r.to_port, coalesce(r.cidr, ''), coalesce(r.ref_group_id, ''), " \
	"r.description FROM sg_rules r "

#define RULE_TEXT_MAX	(MC_CIDR_STR_MAX + MC_ID_MAX + 80)

static void
rule_row(sqlite3_stmt *st, void *p)
{
	struct ctl_sg_rule *r = p;

	memset(r, 0, sizeof(*r));
	ctl_sql_text(st, 0, r->id, sizeof(r->id));
	ctl_sql_text(st, 1, r->group_id, sizeof(r->group_id));
	r->egress = sqlite3_column_int(st, 2) != 0;
	r->proto = sqlite3_column_int(st, 3);
	r->from = sqlite3_column_int(st, 4);
	r->to = sqlite3_column_int(st, 5);
	ctl_sql_text(st, 6, r->cidr, sizeof(r->cidr));
	ctl_sql_text(st, 7, r->ref_group, sizeof(r->ref_group));
	ctl_sql_text(st, 8, r->description, sizeof(r->description));
}

int
ctl_sgr_load(sqlite3 *db, const char *group_id, struct ctl_sg_rule **ret,
    size_t *ret_n, struct mc_err *err)
{
	return ctl_sql_rows(db, ret, ret_n, sizeof(**ret), rule_row, err,
	    RULE_SELECT "WHERE r.group_id = ? ORDER BY r.rowid", "s",
	    group_id);
}

int
ctl_sgr_list(sqlite3 *db, const char *account, struct ctl_sg_rule **ret,
    size_t *ret_n, struct mc_err *err)
{
	return ctl_sql_rows(db, ret, ret_n, sizeof(**ret), rule_row, err,
	    RULE_SELECT "JOIN security_groups g ON g.id = r.group_id "
	    "WHERE g.account_id = ? ORDER BY r.id", "s", account);
}

int
ctl_sgr_find(sqlite3 *db, const char *account, const char *id,
    struct ctl_sg_rule *ret, struct mc_err *err)
{
	MC_AUTOFREE struct ctl_sg_rule	*v = NULL;
	size_t				 n = 0;

	if (mc_id_check(MC_ID_SG_RULE, id, err) < 0 ||
	    ctl_sql_rows(db, &v, &n, sizeof(*v), rule_row, err, RULE_SELECT
	    "JOIN security_groups g ON g.id = r.group_id WHERE r.id = ? AND "
	    "g.account_id = ?", "ss", id, account) < 0)
		return -1;
	if (n == 0)
		return mc_err_set(err, MC_EC_INVALID_SG_RULE_ID_NOT_FOUND, "The "
		    "security group rule ID '%s' does not exist", id);
	*ret = v[0];
	return 0;
}

int
ctl_sgr_insert(sqlite3 *db, struct ctl_sg_rule *r, int64_t now_ms,
    struct mc_err *err)
{
	if (mc_id_new(MC_ID_SG_RULE, r->id, sizeof(r->id), err) < 0)
		return -1;
	return ctl_sql_run(db, err, "INSERT INTO sg_rules (id, group_id, "
	    "egress, proto, from_port, to_port, cidr, ref_group_id, "
	    "description, created_ms) VALUES (?, ?, ?, ?, ?, ?, nullif(?, ''), "
	    "nullif(?, ''), ?, ?)", "ssiiiisssi", r->id, r->group_id,
	    (int64_t)r->egress, (int64_t)r->proto, (int64_t)r->from,
	    (int64_t)r->to, r->cidr, r->ref_group, r->description,
	    now_ms) < 0 ? -1 : 0;
}

/* Delete rule id and its tags. */
static int
remove_rule(sqlite3 *db, const char *id, struct mc_err *err)
{
	if (ctl_sql_run(db, err, "DELETE FROM tags WHERE resource_id = ?",
	    "s", id) < 0 || ctl_sql_run(db, err, "DELETE FROM sg_rules WHERE "
	    "id = ?", "s", id) < 0)
		return -1;
	return 0;
}

/*
 * The peers of v named by GroupName get their ids; every peer must be a
 * group of g's account in g's VPC (rules never cross VPCs here).
 */
static int
resolve(sqlite3 *db, const struct ctl_sg *g, struct ctl_sg_rule *v, size_t n,
    struct mc_err *err)
{
	struct ctl_sg	peer;
	size_t		i;

	for (i = 0; i < n; i++) {
		if (v[i].ref_name[0] != '\0') {
			if (ctl_sg_find_name(db, g->account_id, g->vpc_id,
			    v[i].ref_name, &peer, err) < 0)
				return -1;
			(void)snprintf(v[i].ref_group, sizeof(v[i].ref_group),
			    "%s", peer.id);
			continue;
		}
		if (v[i].ref_group[0] == '\0')
			continue;
		if (ctl_sg_find(db, g->account_id, v[i].ref_group, &peer,
		    err) < 0)
			return -1;
		if (strcmp(peer.vpc_id, g->vpc_id) != 0)
			return mc_err_set(err, MC_EC_INVALID_GROUP_NOT_FOUND,
			    "The security group '%s' is in VPC '%s', not in "
			    "VPC '%s' of group '%s'", peer.id, peer.vpc_id,
			    g->vpc_id, g->id);
	}
	return 0;
}

/* The index of the rule of have[] equal to r, or n_have. */
static size_t
find_same(const struct ctl_sg_rule *have, size_t n_have,
    const struct ctl_sg_rule *r)
{
	size_t i;

	for (i = 0; i < n_have; i++)
		if (ctl_sg_rule_same(&have[i], r))
			break;
	return i;
}

static int
duplicate(const struct ctl_sg_rule *r, struct mc_err *err)
{
	char text[RULE_TEXT_MAX];

	ctl_sg_rule_text(r, text, sizeof(text));
	return mc_err_set(err, MC_EC_INVALID_PERMISSION_DUPLICATE, "the "
	    "specified rule \"%s\" already exists", text);
}

/* Would g hold more than CTL_SG_RULES_MAX rules one way with v added? */
static int
check_limit(const struct ctl_sg_rule *have, size_t n_have,
    const struct ctl_sg_rule *v, size_t n, struct mc_err *err)
{
	size_t	count[2] = { 0, 0 }, i;

	for (i = 0; i < n_have; i++)
		count[have[i].egress]++;
	for (i = 0; i < n; i++)
		count[v[i].egress]++;
	if (count[0] > CTL_SG_RULES_MAX || count[1] > CTL_SG_RULES_MAX)
		return mc_err_set(err, MC_EC_RULES_PER_SG_LIMIT_EXCEEDED, "The "
		    "maximum number of rules per security group (%d each way) "
		    "has been reached.", CTL_SG_RULES_MAX);
	return 0;
}

int
ctl_sgr_add(sqlite3 *db, const struct ctl_sg *g, struct ctl_sg_rule *v,
    size_t n, int64_t now_ms, struct mc_err *err)
{
	MC_AUTOFREE struct ctl_sg_rule	*have = NULL;
	size_t				 n_have = 0, i;

	if (resolve(db, g, v, n, err) < 0 || ctl_sg_rules_unique(v, n,
	    err) < 0 || ctl_sgr_load(db, g->id, &have, &n_have, err) < 0)
		return -1;
	for (i = 0; i < n; i++)
		if (find_same(have, n_have, &v[i]) < n_have)
			return duplicate(&v[i], err);
	if (check_limit(have, n_have, v, n, err) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		(void)snprintf(v[i].group_id, sizeof(v[i].group_id), "%s",
		    g->id);
		if (ctl_sgr_insert(db, &v[i], now_ms, err) < 0)
			return -1;
	}
	return ctl_sg_bump_vpc(db, g->vpc_id, err);
}

int
ctl_sgr_revoke(sqlite3 *db, const struct ctl_sg *g, struct ctl_sg_rule *v,
    size_t n, struct mc_err *err)
{
	MC_AUTOFREE struct ctl_sg_rule	*have = NULL;
	size_t				 n_have = 0, i, j;

	if (resolve(db, g, v, n, err) < 0 || ctl_sg_rules_unique(v, n,
	    err) < 0 || ctl_sgr_load(db, g->id, &have, &n_have, err) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		if ((j = find_same(have, n_have, &v[i])) == n_have)
			return mc_err_set(err, MC_EC_INVALID_PERMISSION_NOT_FOUND,
			    "The specified rule does not exist in this "
			    "security group.");
		v[i] = have[j];
	}
	for (i = 0; i < n; i++)
		if (remove_rule(db, v[i].id, err) < 0)
			return -1;
	return ctl_sg_bump_vpc(db, g->vpc_id, err);
}

int
ctl_sgr_revoke_ids(sqlite3 *db, const struct ctl_sg *g, bool egress,
    const char *const *ids, size_t n, struct ctl_sg_rule **ret,
    struct mc_err *err)
{
	MC_AUTOFREE struct ctl_sg_rule	*have = NULL, *out = NULL;
	size_t				 n_have = 0, n_out = 0, i, j;

	if (ctl_sgr_load(db, g->id, &have, &n_have, err) < 0)
		return -1;
	if (n > 0 && (out = calloc(n, sizeof(*out))) == NULL)
		return mc_err_sys(err, ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		if (mc_id_check(MC_ID_SG_RULE, ids[i], err) < 0)
			return -1;
		for (j = 0; j < i && strcmp(ids[i], ids[j]) != 0; j++)
			;
		if (j < i)
			continue;	/* named twice */
		for (j = 0; j < n_have; j++)
			if (strcmp(have[j].id, ids[i]) == 0 &&
			    have[j].egress == egress)
				break;
		if (j == n_have)
			return mc_err_set(err, MC_EC_INVALID_SG_RULE_ID_NOT_FOUND,
			    "The security group rule ID '%s' does not exist "
			    "in the %s rules of group '%s'", ids[i], egress ?
			    "egress" : "ingress", g->id);
		out[n_out++] = have[j];
	}
	for (i = 0; i < n_out; i++)
		if (remove_rule(db, out[i].id, err) < 0)
			return -1;
	if (ctl_sg_bump_vpc(db, g->vpc_id, err) < 0)
		return -1;
	*ret = mc_steal_ptr(&out);
	return (int)n_out;
}

int
ctl_sgr_modify(sqlite3 *db, const struct ctl_sg *g, struct ctl_sg_rule *r,
    struct mc_err *err)
{
	MC_AUTOFREE struct ctl_sg_rule	*have = NULL;
	size_t				 n_have = 0, i, j;

	if (ctl_sgr_load(db, g->id, &have, &n_have, err) < 0)
		return -1;
	for (i = 0; i < n_have; i++)
		if (strcmp(have[i].id, r->id) == 0)
			break;
	if (i == n_have)
		return mc_err_set(err, MC_EC_INVALID_SG_RULE_ID_NOT_FOUND, "The "
		    "security group rule ID '%s' does not exist in group '%s'",
		    r->id, g->id);
	r->egress = have[i].egress;
	(void)snprintf(r->group_id, sizeof(r->group_id), "%s", g->id);
	if (resolve(db, g, r, 1, err) < 0)
		return -1;
	for (j = 0; j < n_have; j++)
		if (j != i && ctl_sg_rule_same(&have[j], r))
			return duplicate(r, err);
	if (ctl_sql_run(db, err, "UPDATE sg_rules SET proto = ?, from_port = "
	    "?, to_port = ?, cidr = nullif(?, ''), ref_group_id = nullif(?, "
	    "''), description = ? WHERE id = ?", "iiissss", (int64_t)r->proto,
	    (int64_t)r->from, (int64_t)r->to, r->cidr, r->ref_group,
	    r->description, r->id) < 0)
		return -1;
	return ctl_sg_bump_vpc(db, g->vpc_id, err);
}

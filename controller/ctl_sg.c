/*
 * ctl_sg: security group rows: making them (a VPC's default group
 * included), finding them by id or by name, deleting them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mc_err.h"
#include "mc_log.h"
#include "ctl_sg.h"
#include "ctl_sgr.h"
#include "ctl_sql.h"
#include "ctl_vpc.h"

#define SG_SELECT \
	"SELECT id, account_id, vpc_id, name, description, created_ms " \
	"FROM security_groups "

static void
sg_row(sqlite3_stmt *st, void *p)
{
	struct ctl_sg *g = p;

	memset(g, 0, sizeof(*g));
	ctl_sql_text(st, 0, g->id, sizeof(g->id));
	ctl_sql_text(st, 1, g->account_id, sizeof(g->account_id));
	ctl_sql_text(st, 2, g->vpc_id, sizeof(g->vpc_id));
	ctl_sql_text(st, 3, g->name, sizeof(g->name));
	ctl_sql_text(st, 4, g->description, sizeof(g->description));
	g->created_ms = sqlite3_column_int64(st, 5);
}

/* A rule of group_id, for the rules every group starts with. */
static int
start_rule(sqlite3 *db, const char *group_id, bool egress, const char *cidr,
    const char *ref_group, int64_t now_ms, struct mc_err *err)
{
	struct ctl_sg_rule r;

	memset(&r, 0, sizeof(r));
	(void)snprintf(r.group_id, sizeof(r.group_id), "%s", group_id);
	r.egress = egress;
	r.proto = CTL_SG_PROTO_ALL;
	r.from = r.to = -1;
	(void)snprintf(r.cidr, sizeof(r.cidr), "%s", cidr);
	(void)snprintf(r.ref_group, sizeof(r.ref_group), "%s", ref_group);
	return ctl_sgr_insert(db, &r, now_ms, err);
}

/* Insert the row of g; -2 when its name is taken in its VPC. */
static int
insert(sqlite3 *db, const struct ctl_sg *g, struct mc_err *err)
{
	return ctl_sql_run(db, err, "INSERT INTO security_groups (id, "
	    "account_id, vpc_id, name, description, created_ms) VALUES "
	    "(?, ?, ?, ?, ?, ?)", "sssssi", g->id, g->account_id, g->vpc_id,
	    g->name, g->description, g->created_ms);
}

/* g with a new id and the given fields. */
static int
new_group(struct ctl_sg *g, const char *account, const char *vpc_id,
    const char *name, const char *description, int64_t now_ms,
    struct mc_err *err)
{
	memset(g, 0, sizeof(*g));
	(void)snprintf(g->account_id, sizeof(g->account_id), "%s", account);
	(void)snprintf(g->vpc_id, sizeof(g->vpc_id), "%s", vpc_id);
	(void)snprintf(g->name, sizeof(g->name), "%s", name);
	(void)snprintf(g->description, sizeof(g->description), "%s",
	    description);
	g->created_ms = now_ms;
	return mc_id_new(MC_ID_SG, g->id, sizeof(g->id), err);
}

int
ctl_sg_create(sqlite3 *db, const char *account, const char *vpc_id,
    const char *name, const char *description, int64_t now_ms,
    struct ctl_sg *ret, struct mc_err *err)
{
	struct ctl_sg	g;
	int64_t		n = 0;
	int		rc;

	if (ctl_sg_text_check("GroupName", name, true, err) < 0 ||
	    ctl_sg_text_check("GroupDescription", description, true, err) < 0)
		return -1;
	if (strncasecmp(name, "sg-", 3) == 0)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE, "Group "
		    "names may not be in the format sg-*.");
	if (strcasecmp(name, CTL_SG_DEFAULT_NAME) == 0)
		return mc_err_set(err, MC_EC_INVALID_GROUP_RESERVED, "The "
		    "security group name 'default' is reserved for the VPC's "
		    "default group");
	if (ctl_sql_int(db, &n, err, "SELECT count(*) FROM security_groups "
	    "WHERE vpc_id = ?", "s", vpc_id) < 0)
		return -1;
	if (n >= CTL_SG_PER_VPC_MAX)
		return mc_err_set(err, MC_EC_SG_LIMIT_EXCEEDED, "The maximum "
		    "number of security groups for VPC '%s' (%d) has been "
		    "reached.", vpc_id, CTL_SG_PER_VPC_MAX);
	if (new_group(&g, account, vpc_id, name, description, now_ms,
	    err) < 0 || (rc = insert(db, &g, err)) == -1)
		return -1;
	if (rc == -2)
		return mc_err_set(err, MC_EC_INVALID_GROUP_DUPLICATE, "The "
		    "security group '%.64s' already exists for VPC '%s'", name,
		    vpc_id);
	if (start_rule(db, g.id, true, "0.0.0.0/0", "", now_ms, err) < 0)
		return -1;
	*ret = g;
	return 0;
}

int
ctl_sg_create_default(sqlite3 *db, const char *account, const char *vpc_id,
    int64_t now_ms, struct mc_err *err)
{
	struct ctl_sg g;

	if (new_group(&g, account, vpc_id, CTL_SG_DEFAULT_NAME,
	    CTL_SG_DEFAULT_DESC, now_ms, err) < 0 ||
	    insert(db, &g, err) < 0 ||
	    start_rule(db, g.id, false, "", g.id, now_ms, err) < 0 ||
	    start_rule(db, g.id, true, "0.0.0.0/0", "", now_ms, err) < 0)
		return err->code != MC_EC_NONE ? -1 : mc_err_set(err,
		    MC_EC_INTERNAL_ERROR, "cannot make the default group");
	return 0;
}

int
ctl_sg_find(sqlite3 *db, const char *account, const char *id,
    struct ctl_sg *ret, struct mc_err *err)
{
	int found;

	if (mc_id_check(MC_ID_SG, id, err) < 0 || (found = ctl_sql_row(db, ret,
	    sg_row, err, SG_SELECT "WHERE id = ? AND account_id = ?", "ss", id,
	    account)) < 0)
		return -1;
	return found ? 0 : mc_err_set(err, MC_EC_INVALID_GROUP_NOT_FOUND,
	    "The security group '%s' does not exist", id);
}

int
ctl_sg_find_name(sqlite3 *db, const char *account, const char *vpc_id,
    const char *name, struct ctl_sg *ret, struct mc_err *err)
{
	struct ctl_vpc	vpc;
	int		found;

	if (vpc_id == NULL) {
		if ((found = ctl_vpc_default(db, account, &vpc, err)) < 0)
			return -1;
		if (found == 0)
			return mc_err_set(err, MC_EC_INVALID_GROUP_NOT_FOUND,
			    "The security group '%.64s' does not exist: there "
			    "is no default VPC", name);
	}
	if ((found = ctl_sql_row(db, ret, sg_row, err, SG_SELECT "WHERE "
	    "vpc_id = ? AND name = ?", "ss", vpc_id != NULL ? vpc_id : vpc.id,
	    name)) < 0)
		return -1;
	if (found && strcmp(ret->account_id, account) == 0)
		return 0;
	return mc_err_set(err, MC_EC_INVALID_GROUP_NOT_FOUND, "The security "
	    "group '%.64s' does not exist in %sVPC '%s'", name,
	    vpc_id == NULL ? "default " : "", vpc_id != NULL ? vpc_id : vpc.id);
}

int
ctl_sg_list(sqlite3 *db, const char *account, struct ctl_sg **ret,
    size_t *ret_n, struct mc_err *err)
{
	return ctl_sql_rows(db, ret, ret_n, sizeof(**ret), sg_row, err,
	    SG_SELECT "WHERE account_id = ? ORDER BY id", "s", account);
}

/* Remove group id, its rules and their tags. */
static int
drop(sqlite3 *db, const char *id, struct mc_err *err)
{
	if (ctl_sql_run(db, err, "DELETE FROM tags WHERE resource_id = ?1 OR "
	    "resource_id IN (SELECT id FROM sg_rules WHERE group_id = ?1)",
	    "s", id) < 0 ||
	    ctl_sql_run(db, err, "DELETE FROM sg_rules WHERE group_id = ?",
	    "s", id) < 0 ||
	    ctl_sql_run(db, err, "DELETE FROM security_groups WHERE id = ?",
	    "s", id) < 0)
		return -1;
	return 0;
}

int
ctl_sg_delete(sqlite3 *db, const struct ctl_sg *g, struct mc_err *err)
{
	int64_t users = 0, refs = 0;

	if (strcasecmp(g->name, CTL_SG_DEFAULT_NAME) == 0)
		return mc_err_set(err, MC_EC_CANNOT_DELETE, "the specified "
		    "group: \"%s\" name: \"default\" cannot be deleted by a "
		    "user", g->id);
	if (ctl_sql_int(db, &users, err, "SELECT count(*) FROM eni_groups "
	    "WHERE group_id = ?", "s", g->id) < 0 ||
	    ctl_sql_int(db, &refs, err, "SELECT count(*) FROM sg_rules WHERE "
	    "ref_group_id = ?1 AND group_id <> ?1", "s", g->id) < 0)
		return -1;
	if (users > 0 || refs > 0)
		return mc_err_set(err, MC_EC_DEPENDENCY_VIOLATION, "resource %s "
		    "has a dependent object (%s)", g->id, users > 0 ?
		    "an instance or interface is in it" :
		    "a rule of another group names it");
	if (drop(db, g->id, err) < 0)
		return -1;
	mc_log(MC_LOG_INFO, "security group deleted", "group=%s vpc=%s "
	    "account=%s", g->id, g->vpc_id, g->account_id);
	return 0;
}

int
ctl_sg_vpc_release(sqlite3 *db, const char *vpc_id, struct mc_err *err)
{
	sqlite3_stmt	*st;
	char		 id[MC_ID_MAX] = "";
	int64_t		 others = 0;
	int		 found;

	if (ctl_sql_int(db, &others, err, "SELECT count(*) FROM "
	    "security_groups WHERE vpc_id = ? AND name <> ?", "ss", vpc_id,
	    CTL_SG_DEFAULT_NAME) < 0)
		return -1;
	if (others > 0)
		return mc_err_set(err, MC_EC_DEPENDENCY_VIOLATION, "The vpc "
		    "'%s' has dependencies and cannot be deleted: it holds "
		    "%lld security group(s) besides its default",
		    vpc_id, (long long)others);
	if (ctl_sql_prepare(db, &st, err, "SELECT id FROM security_groups "
	    "WHERE vpc_id = ?", "s", vpc_id) < 0)
		return -1;
	if ((found = sqlite3_step(st) == SQLITE_ROW))
		ctl_sql_text(st, 0, id, sizeof(id));
	sqlite3_finalize(st);
	return found ? drop(db, id, err) : 0;
}

/*
 * ctl_snap_attr: DescribeSnapshotAttribute and ModifySnapshotAttribute:
 * createVolumePermission (accounts, or the group all) of a snapshot the
 * caller owns.  productCodes is always empty.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_cleanup.h"
#include "mc_err.h"
#include "ctl_api.h"
#include "ctl_params.h"
#include "ctl_query.h"
#include "ctl_snap.h"
#include "ctl_snaps.h"
#include "ctl_sql.h"
#include "ctl_store.h"
#include "ctl_xml.h"

#define PERM_CHANGES_MAX	100	/* accounts added or removed at once */

static int
perms_xml(sqlite3 *db, const char *id, struct ctl_xml *out,
    struct mc_err *err)
{
	char	(*acct)[16] = NULL;
	size_t	  n = 0, i;

	if (ctl_snap_perms(db, id, &acct, &n, err) < 0)
		return -1;
	ctl_xml_open(out, "createVolumePermission");
	for (i = 0; i < n; i++) {
		ctl_xml_open(out, "item");
		ctl_xml_str(out, strcmp(acct[i], "all") == 0 ? "group" :
		    "userId", acct[i]);
		ctl_xml_close(out);
	}
	ctl_xml_close(out);
	free(acct);
	return 0;
}

/* Attribute: createVolumePermission or productCodes. */
static int
attr_of(const struct ctl_req *req, bool need, const char **ret,
    struct mc_err *err)
{
	const char *a = ctl_query_get(req->params, "Attribute");

	if (a == NULL && need)
		return mc_err_set(err, MC_EC_MISSING_PARAMETER, "The request "
		    "must contain the parameter Attribute");
	if (a != NULL && strcmp(a, "createVolumePermission") != 0 &&
	    strcmp(a, "productCodes") != 0)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE, "Value "
		    "(%.64s) for parameter attribute is invalid", a);
	*ret = a != NULL ? a : "createVolumePermission";
	return 0;
}

int
ctl_snaps_describe_attr(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	struct ctl_snap	 s;
	const char	*attr;
	sqlite3		*db;
	int		 rc = -1;

	if (attr_of(req, true, &attr, err) < 0 ||
	    (db = ctl_store_get(req->api->store, err)) == NULL)
		return -1;
	if (ctl_snap_find(db, req->account_id, ctl_query_get(req->params,
	    "SnapshotId"), true, &s, err) == 0 &&
	    ctl_req_dry_run(req, err) == 0) {
		ctl_xml_str(out, "snapshotId", s.id);
		rc = 0;
		if (strcmp(attr, "productCodes") == 0)
			ctl_xml_empty(out, "productCodes");
		else
			rc = perms_xml(db, s.id, out, err);
	}
	ctl_store_put(req->api->store, db);
	return rc;
}

/* Permission changes, in either of EC2's two spellings. */
struct perm_change {
	const char	*who[PERM_CHANGES_MAX];	/* account id or "all" */
	bool		 add[PERM_CHANGES_MAX];
	size_t		 n;
};

static int
change_one(struct perm_change *pc, bool add, const char *user,
    const char *group, struct mc_err *err)
{
	const char *who = group != NULL ? group : user;

	if (who == NULL)
		return 0;
	if (group != NULL && strcmp(group, "all") != 0)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE, "Invalid "
		    "group \"%.32s\": only \"all\"", group);
	if (group == NULL && (strlen(user) != 12 ||
	    strspn(user, "0123456789") != 12))
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE, "Invalid "
		    "user id \"%.32s\"", user);
	if (pc->n >= PERM_CHANGES_MAX)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "Too many permission changes (at most %d)",
		    PERM_CHANGES_MAX);
	pc->who[pc->n] = who;
	pc->add[pc->n++] = add;
	return 0;
}

/* prefix.N.suffix (or prefix.N when suffix is NULL) of index i. */
static const char *
item(const struct ctl_req *req, const char *prefix, unsigned i,
    const char *suffix)
{
	char key[80];

	(void)snprintf(key, sizeof(key), suffix != NULL ? "%s.%u.%s" : "%s.%u",
	    prefix, i, suffix != NULL ? suffix : "");
	return ctl_query_get(req->params, key);
}

static int
changes_of(const struct ctl_req *req, struct perm_change *pc,
    struct mc_err *err)
{
	static const char *const ops[] = { "CreateVolumePermission.Add",
	    "CreateVolumePermission.Remove" };
	const char	*op = ctl_query_get(req->params, "OperationType");
	unsigned	 idx[PERM_CHANGES_MAX];
	size_t		 n, i, o;

	for (o = 0; o < 2; o++) {
		n = ctl_params_indices(req->params, ops[o], idx, MC_NELEMS(idx));
		for (i = 0; i < n; i++)
			if (change_one(pc, o == 0, item(req, ops[o], idx[i],
			    "UserId"), item(req, ops[o], idx[i], "Group"),
			    err) < 0)
				return -1;
	}
	if (op != NULL && strcmp(op, "add") != 0 && strcmp(op, "remove") != 0)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE, "Value "
		    "(%.32s) for parameter operationType is invalid", op);
	n = ctl_params_indices(req->params, "UserId", idx, MC_NELEMS(idx));
	for (i = 0; op != NULL && i < n; i++)
		if (change_one(pc, strcmp(op, "add") == 0, item(req, "UserId",
		    idx[i], NULL), NULL, err) < 0)
			return -1;
	n = ctl_params_indices(req->params, "UserGroup", idx, MC_NELEMS(idx));
	for (i = 0; op != NULL && i < n; i++)
		if (change_one(pc, strcmp(op, "add") == 0, NULL, item(req,
		    "UserGroup", idx[i], NULL), err) < 0)
			return -1;
	if (pc->n == 0)
		return mc_err_set(err, MC_EC_MISSING_PARAMETER, "The request "
		    "must contain CreateVolumePermission, or OperationType "
		    "with UserId or UserGroup");
	return 0;
}

int
ctl_snaps_modify_attr(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	struct perm_change	 pc;
	struct ctl_snap		 s;
	const char		*attr;
	sqlite3			*db;
	size_t			 i;
	int			 rc = -1;

	memset(&pc, 0, sizeof(pc));
	if (attr_of(req, false, &attr, err) < 0)
		return -1;
	if (strcmp(attr, "createVolumePermission") != 0)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE, "Only "
		    "createVolumePermission can be modified");
	if (changes_of(req, &pc, err) < 0 ||
	    (db = ctl_store_get(req->api->store, err)) == NULL)
		return -1;
	if (ctl_sql_begin(db, err) == 0) {
		rc = ctl_snap_find(db, req->account_id, ctl_query_get(
		    req->params, "SnapshotId"), true, &s, err);
		if (rc == 0)
			rc = ctl_req_dry_run(req, err);
		for (i = 0; rc == 0 && i < pc.n; i++)
			rc = ctl_snap_perm(db, s.id, pc.who[i], pc.add[i], err);
		if (rc == 0)
			rc = ctl_sql_commit(db, err);
		if (rc < 0)
			ctl_sql_rollback(db);
	}
	ctl_store_put(req->api->store, db);
	if (rc < 0)
		return -1;
	ctl_xml_bool(out, "return", true);
	return 0;
}

/*
 * ctl_images_attr: DescribeImageAttribute and ModifyImageAttribute:
 * launch permissions (per account, or public) and the description.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_cleanup.h"
#include "mc_err.h"
#include "ctl_api.h"
#include "ctl_images.h"
#include "ctl_params.h"
#include "ctl_query.h"
#include "ctl_sql.h"
#include "ctl_store.h"
#include "ctl_xml.h"

static int
launch_permission_xml(sqlite3 *db, const struct ctl_image *im,
    struct ctl_xml *out, struct mc_err *err)
{
	sqlite3_stmt	*st;
	char		 acct[16];
	int		 rc;

	if (ctl_sql_prepare(db, &st, err, "SELECT account_id FROM image_launch "
	    "WHERE image_id = ? ORDER BY account_id", "s", im->id) < 0)
		return -1;
	ctl_xml_open(out, "launchPermission");
	if (im->public) {
		ctl_xml_open(out, "item");
		ctl_xml_str(out, "group", "all");
		ctl_xml_close(out);
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ctl_sql_text(st, 0, acct, sizeof(acct));
		ctl_xml_open(out, "item");
		ctl_xml_str(out, "userId", acct);
		ctl_xml_close(out);
	}
	sqlite3_finalize(st);
	ctl_xml_close(out);
	return rc == SQLITE_DONE ? 0 :
	    mc_err_set(err, MC_EC_INTERNAL_ERROR, "cannot read permissions");
}

int
ctl_images_describe_attr(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	const char		*attr = ctl_query_get(req->params, "Attribute");
	struct ctl_image	 im;
	sqlite3			*db;
	int			 rc = -1;

	if (attr == NULL)
		return mc_err_set(err, MC_EC_MISSING_PARAMETER,
		    "The request must contain the parameter Attribute");
	if ((db = ctl_store_get(req->api->store, err)) == NULL)
		return -1;
	if (ctl_image_owned(db, req->account_id, ctl_query_get(req->params,
	    "ImageId"), &im, err) < 0 || ctl_req_dry_run(req, err) < 0)
		goto out;
	ctl_xml_str(out, "imageId", im.id);
	rc = 0;
	if (strcmp(attr, "launchPermission") == 0)
		rc = launch_permission_xml(db, &im, out, err);
	else if (strcmp(attr, "description") == 0)
		ctl_xml_value(out, "description", im.description);
	else if (strcmp(attr, "kernel") == 0)
		ctl_xml_value(out, "kernel", im.kernel_id);
	else if (strcmp(attr, "ramdisk") == 0)
		ctl_xml_value(out, "ramdisk", im.ramdisk_id);
	else if (strcmp(attr, "bootMode") == 0)
		ctl_xml_value(out, "bootMode", "legacy-bios");
	else
		rc = mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "Value (%.64s) for parameter attribute is invalid", attr);
out:
	ctl_store_put(req->api->store, db);
	return rc;
}

/* Launch permission changes, in either of EC2's two spellings. */
struct perm_change {
	const char	*users[CTL_LIST_MAX];
	bool		 add[CTL_LIST_MAX];
	size_t		 n_users;
	int		 public;	/* -1 unchanged, 0 remove, 1 add */
};

static int
perm_one(struct perm_change *pc, bool add, const char *user,
    const char *group, struct mc_err *err)
{
	if (group != NULL) {
		if (strcmp(group, "all") != 0)
			return mc_err_set(err,
			    MC_EC_INVALID_AMI_ATTRIBUTE_ITEM_VALUE,
			    "Invalid attribute item value \"%.32s\" for "
			    "group: only \"all\"", group);
		pc->public = add;
	}
	if (user == NULL)
		return 0;
	if (strlen(user) != 12 || strspn(user, "0123456789") != 12)
		return mc_err_set(err, MC_EC_INVALID_AMI_ATTRIBUTE_ITEM_VALUE,
		    "Invalid attribute item value \"%.32s\" for userId",
		    user);
	if (pc->n_users >= CTL_LIST_MAX)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "Too many launch permission changes");
	pc->users[pc->n_users] = user;
	pc->add[pc->n_users++] = add;
	return 0;
}

static int
perm_parse(const struct ctl_query *q, struct perm_change *pc,
    struct mc_err *err)
{
	static const char *const ops[] = { "Add", "Remove" };
	unsigned	idx[CTL_LIST_MAX];
	char		key[32], ukey[64], gkey[64];
	const char	*op = ctl_query_get(q, "OperationType");
	size_t		n, i, o;

	pc->public = -1;
	for (o = 0; o < 2; o++) {
		(void)snprintf(key, sizeof(key), "LaunchPermission.%s", ops[o]);
		n = ctl_params_indices(q, key, idx, CTL_LIST_MAX);
		for (i = 0; i < n; i++) {
			(void)snprintf(ukey, sizeof(ukey), "%s.%u.UserId", key,
			    idx[i]);
			(void)snprintf(gkey, sizeof(gkey), "%s.%u.Group", key,
			    idx[i]);
			if (perm_one(pc, o == 0, ctl_query_get(q, ukey),
			    ctl_query_get(q, gkey), err) < 0)
				return -1;
		}
	}
	/* The legacy form: OperationType with UserId.N / UserGroup.N. */
	n = ctl_params_indices(q, "UserId", idx, CTL_LIST_MAX);
	for (i = 0; op != NULL && i < n; i++) {
		(void)snprintf(ukey, sizeof(ukey), "UserId.%u", idx[i]);
		if (perm_one(pc, strcmp(op, "add") == 0, ctl_query_get(q, ukey),
		    NULL, err) < 0)
			return -1;
	}
	n = ctl_params_indices(q, "UserGroup", idx, CTL_LIST_MAX);
	for (i = 0; op != NULL && i < n; i++) {
		(void)snprintf(gkey, sizeof(gkey), "UserGroup.%u", idx[i]);
		if (perm_one(pc, strcmp(op, "add") == 0, NULL,
		    ctl_query_get(q, gkey), err) < 0)
			return -1;
	}
	if (op != NULL && strcmp(op, "add") != 0 && strcmp(op, "remove") != 0)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "OperationType must be add or remove");
	return 0;
}

static int
perm_apply(sqlite3 *db, const struct ctl_image *im,
    const struct perm_change *pc, const char *desc, struct mc_err *err)
{
	size_t i;

	if (pc->public >= 0 && ctl_sql_run(db, err, "UPDATE images SET "
	    "public = ? WHERE id = ?", "is", (int64_t)pc->public, im->id) < 0)
		return -1;
	if (desc != NULL && ctl_sql_run(db, err, "UPDATE images SET "
	    "description = ? WHERE id = ?", "ss", desc, im->id) < 0)
		return -1;
	for (i = 0; i < pc->n_users; i++)
		if (ctl_sql_run(db, err, pc->add[i] ?
		    "INSERT OR IGNORE INTO image_launch VALUES (?, ?)" :
		    "DELETE FROM image_launch WHERE image_id = ? AND "
		    "account_id = ?", "ss", im->id, pc->users[i]) < 0)
			return -1;
	return 0;
}

int
ctl_images_modify_attr(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	const struct ctl_query	*q = req->params;
	MC_AUTOFREE struct perm_change *pc = calloc(1, sizeof(*pc));
	const char		*desc = ctl_query_get(q, "Description.Value");
	const char		*attr = ctl_query_get(q, "Attribute");
	struct ctl_image	 im;
	sqlite3			*db;
	int			 rc = -1;

	if (pc == NULL)
		return mc_err_sys(err, ENOMEM, "out of memory");
	if (desc == NULL && attr != NULL && strcmp(attr, "description") == 0)
		desc = ctl_query_get(q, "Value");
	if (perm_parse(q, pc, err) < 0)
		return -1;
	if (desc != NULL && strlen(desc) > CTL_IMAGE_DESC_MAX)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "Description is longer than %d characters",
		    CTL_IMAGE_DESC_MAX);
	if (pc->public < 0 && pc->n_users == 0 && desc == NULL)
		return mc_err_set(err, MC_EC_MISSING_PARAMETER,
		    "Nothing to modify: give LaunchPermission or Description");
	if ((db = ctl_store_get(req->api->store, err)) == NULL)
		return -1;
	if (ctl_image_owned(db, req->account_id, ctl_query_get(req->params,
	    "ImageId"), &im, err) < 0 || ctl_req_dry_run(req, err) < 0 ||
	    ctl_sql_begin(db, err) < 0)
		goto out;
	if (perm_apply(db, &im, pc, desc, err) < 0 ||
	    ctl_sql_commit(db, err) < 0) {
		ctl_sql_rollback(db);
		goto out;
	}
	ctl_xml_bool(out, "return", true);
	rc = 0;
out:
	ctl_store_put(req->api->store, db);
	return rc;
}

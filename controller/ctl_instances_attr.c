/*
 * ctl_instances_attr: GetConsoleOutput, ModifyInstanceAttribute and
 * DescribeInstanceAttribute.  The type and the user data change only
 * while an instance is stopped, as on EC2; the security groups while it
 * is running or stopped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mc_base64.h"
#include "mc_cleanup.h"
#include "mc_err.h"
#include "mc_time.h"
#include "ctl_api.h"
#include "ctl_conf.h"
#include "ctl_eni.h"
#include "ctl_inst.h"
#include "ctl_instances.h"
#include "ctl_itypes.h"
#include "ctl_notify.h"
#include "ctl_params.h"
#include "ctl_query.h"
#include "ctl_sg.h"
#include "ctl_sql.h"
#include "ctl_store.h"
#include "ctl_vol.h"
#include "ctl_xml.h"

/* The one InstanceId of the call, which account must own. */
static int
the_instance(const struct ctl_req *req, sqlite3 *db, struct ctl_inst *ret,
    struct mc_err *err)
{
	const char *id = ctl_query_get(req->params, "InstanceId");

	if (id == NULL)
		return mc_err_set(err, MC_EC_MISSING_PARAMETER,
		    "The request must contain the parameter InstanceId");
	if (ctl_inst_check_ids(db, req->account_id, &id, 1, err) < 0 ||
	    ctl_inst_get(db, req->account_id, id, ret, err) <= 0)
		return err->code != MC_EC_NONE ? -1 :
		    mc_err_set(err, MC_EC_INVALID_INSTANCE_ID_NOT_FOUND,
		    "The instance ID '%s' does not exist", id);
	return 0;
}

/* A blob column of instance id, base64-encoded; "" when empty. */
static char *
blob_b64(sqlite3 *db, const char *id, const char *column, int64_t *ret_ms,
    struct mc_err *err)
{
	sqlite3_stmt	*st;
	char		 sql[128], *out = NULL;

	(void)snprintf(sql, sizeof(sql), "SELECT %s, %s FROM instances WHERE "
	    "id = ?", column, ret_ms != NULL ? "console_ms" : "0");
	if (ctl_sql_prepare(db, &st, err, sql, "s", id) < 0)
		return NULL;
	if (sqlite3_step(st) == SQLITE_ROW) {
		out = mc_base64_encode(sqlite3_column_blob(st, 0),
		    (size_t)sqlite3_column_bytes(st, 0));
		if (ret_ms != NULL)
			*ret_ms = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if (out == NULL)
		mc_err_set(err, MC_EC_INTERNAL_ERROR, "cannot read %s", column);
	return out;
}

int
ctl_instances_console(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	MC_AUTOFREE char	*b64 = NULL;
	struct ctl_inst		 in;
	int64_t			 ms = 0;
	bool			 latest = false;
	sqlite3			*db;
	int			 rc = -1;

	if (ctl_params_bool(req->params, "Latest", &latest, err) < 0 ||
	    (db = ctl_store_get(req->api->store, err)) == NULL)
		return -1;
	/* Latest or not, we keep the newest 64 KiB the host sent. */
	if (the_instance(req, db, &in, err) == 0 &&
	    ctl_req_dry_run(req, err) == 0 &&
	    (b64 = blob_b64(db, in.id, "console", &ms, err)) != NULL) {
		ctl_xml_str(out, "instanceId", in.id);
		ctl_xml_time(out, "timestamp", ms > 0 ? ms : req->now_ms);
		ctl_xml_str(out, "output", b64);
		rc = 0;
	}
	ctl_store_put(req->api->store, db);
	return rc;
}

/* The attribute a ModifyInstanceAttribute call changes, and its value. */
struct change {
	const char	*attr;
	const char	*value;
};

static int
which_change(const struct ctl_query *q, struct change *ret,
    struct mc_err *err)
{
	static const char *const attrs[] = {
		"instanceType", "userData", "disableApiTermination",
		"instanceInitiatedShutdownBehavior",
	};
	char		key[64];
	const char	*v;
	unsigned	idx[1];
	size_t		i, found = 0;

	memset(ret, 0, sizeof(*ret));
	for (i = 0; i < MC_NELEMS(attrs); i++) {
		(void)snprintf(key, sizeof(key), "%c%s.Value",
		    attrs[i][0] - 'a' + 'A', attrs[i] + 1);
		if ((v = ctl_query_get(q, key)) != NULL) {
			ret->attr = attrs[i];
			ret->value = v;
			found++;
		}
	}
	/* The groups are a list: GroupId.N. */
	if (ctl_params_indices(q, "GroupId", idx, 1) > 0) {
		ret->attr = "groupSet";
		ret->value = "";
		found++;
	}
	/* DeleteOnTermination of attachments: BlockDeviceMapping.N. */
	if (ctl_params_indices(q, "BlockDeviceMapping", idx, 1) > 0) {
		ret->attr = "blockDeviceMapping";
		ret->value = "";
		found++;
	}
	/* The legacy spelling: Attribute=name&Value=v. */
	if ((v = ctl_query_get(q, "Attribute")) != NULL) {
		ret->attr = v;
		ret->value = ctl_query_get(q, "Value");
		found++;
	}
	if (found > 1)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_COMBINATION,
		    "Only one attribute can be modified at a time");
	if (found == 0 || ret->value == NULL)
		return mc_err_set(err, MC_EC_MISSING_PARAMETER,
		    "The request must name an attribute and its value");
	return 0;
}

static int
need_stopped(const struct ctl_inst *in, struct mc_err *err)
{
	if (in->state != CTL_IS_STOPPED)
		return mc_err_set(err, MC_EC_INCORRECT_INSTANCE_STATE,
		    "The instance '%s' is not in the 'stopped' state.", in->id);
	return 0;
}

/* One setter per attribute; each checks, honours DryRun, writes. */
static int
set_type(const struct ctl_req *req, sqlite3 *db, const struct ctl_inst *in,
    const char *value, struct mc_err *err)
{
	const struct ctl_itype *t = ctl_itypes_find(&req->api->conf->itypes,
	    value);

	if (t == NULL)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "Invalid value '%.64s' for InstanceType.", value);
	if (need_stopped(in, err) < 0 || ctl_req_dry_run(req, err) < 0 ||
	    ctl_sql_run(db, err, "UPDATE instances SET instance_type = ?, "
	    "vcpus = ?, mem_mib = ? WHERE id = ?", "siis", t->name,
	    (int64_t)t->vcpus, (int64_t)t->mem_mib, in->id) < 0)
		return -1;
	return ctl_inst_bump_host(db, in->host, err);
}

static int
set_user_data(const struct ctl_req *req, sqlite3 *db,
    const struct ctl_inst *in, const char *value, struct mc_err *err)
{
	MC_AUTOFREE unsigned char	*ud = NULL;
	size_t				 n = 0;

	if (mc_base64_decode(value, &ud, &n, err) < 0)
		return -1;
	if (n > CTL_USER_DATA_MAX)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "User data is limited to %d bytes", CTL_USER_DATA_MAX);
	if (need_stopped(in, err) < 0 || ctl_req_dry_run(req, err) < 0)
		return -1;
	return ctl_sql_run(db, err, "UPDATE instances SET user_data = ? "
	    "WHERE id = ?", "bs", ud, n, in->id) < 0 ? -1 : 0;
}

static int
set_no_terminate(const struct ctl_req *req, sqlite3 *db,
    const struct ctl_inst *in, const char *value, struct mc_err *err)
{
	bool b = strcasecmp(value, "true") == 0;

	if (!b && strcasecmp(value, "false") != 0)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "disableApiTermination must be true or false");
	if (ctl_req_dry_run(req, err) < 0)
		return -1;
	return ctl_sql_run(db, err, "UPDATE instances SET no_terminate = ? "
	    "WHERE id = ?", "is", (int64_t)b, in->id) < 0 ? -1 : 0;
}

static int
set_behavior(const struct ctl_req *req, sqlite3 *db,
    const struct ctl_inst *in, const char *value, struct mc_err *err)
{
	if (strcmp(value, "stop") != 0 && strcmp(value, "terminate") != 0)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "InstanceInitiatedShutdownBehavior must be stop or "
		    "terminate");
	if (ctl_req_dry_run(req, err) < 0)
		return -1;
	return ctl_sql_run(db, err, "UPDATE instances SET shutdown_behavior = "
	    "? WHERE id = ?", "ss", value, in->id) < 0 ? -1 : 0;
}

/*
 * The groups of a running or stopped instance: GroupId.N (or the legacy
 * Value), replacing those of its primary interface.
 */
static int
set_groups(const struct ctl_req *req, sqlite3 *db, const struct ctl_inst *in,
    const char *value, struct mc_err *err)
{
	MC_AUTOFREE const char	**ids = NULL;
	const char *const	 *list;
	struct ctl_eni		  e;
	size_t			  n = 0;
	int			  found;

	if (ctl_params_strlist(req->params, "GroupId", &ids, &n, err) < 0)
		return -1;
	list = ids;
	if (n == 0 && value[0] != '\0') {
		list = &value;
		n = 1;
	}
	if (in->state != CTL_IS_RUNNING && in->state != CTL_IS_STOPPED)
		return mc_err_set(err, MC_EC_INCORRECT_INSTANCE_STATE, "The "
		    "instance '%s' is not in the 'running' or 'stopped' state.",
		    in->id);
	if ((found = ctl_eni_of_instance(db, in->id, &e, err)) <= 0)
		return found < 0 ? -1 : mc_err_set(err,
		    MC_EC_INCORRECT_INSTANCE_STATE, "The instance '%s' has no "
		    "network interface", in->id);
	if (ctl_req_dry_run(req, err) < 0)
		return -1;
	return ctl_sg_eni_replace(db, req->account_id, e.id, e.vpc_id, list, n,
	    err);
}

/*
 * BlockDeviceMapping.N.DeviceName with .Ebs.DeleteOnTermination: the
 * flag of in's attachment at that device.  Written, then DryRun
 * answered: the caller's rollback undoes it.
 */
static int
set_bdm(const struct ctl_req *req, sqlite3 *db, const struct ctl_inst *in,
    const char *value, struct mc_err *err)
{
	unsigned	 idx[CTL_VOL_ATTACH_MAX];
	char		 key[64];
	const char	*dev;
	bool		 dot = false;
	size_t		 n, i;

	(void)value;
	n = ctl_params_indices(req->params, "BlockDeviceMapping", idx,
	    MC_NELEMS(idx));
	for (i = 0; i < n; i++) {
		(void)snprintf(key, sizeof(key), "BlockDeviceMapping.%u."
		    "DeviceName", idx[i]);
		if ((dev = ctl_query_get(req->params, key)) == NULL)
			return mc_err_set(err, MC_EC_MISSING_PARAMETER, "The "
			    "request must contain the parameter %s", key);
		(void)snprintf(key, sizeof(key), "BlockDeviceMapping.%u.Ebs."
		    "DeleteOnTermination", idx[i]);
		if (ctl_params_bool(req->params, key, &dot, err) <= 0)
			return err->code != MC_EC_NONE ? -1 : mc_err_set(err,
			    MC_EC_MISSING_PARAMETER, "The request must "
			    "contain the parameter %s", key);
		if (ctl_vol_set_dot(db, in->id, dev, dot, err) < 0)
			return -1;
	}
	return ctl_req_dry_run(req, err);
}

static const struct {
	const char	*attr;
	int		(*set)(const struct ctl_req *, sqlite3 *,
			    const struct ctl_inst *, const char *,
			    struct mc_err *);
} setters[] = {
	{ "instanceType", set_type },
	{ "userData", set_user_data },
	{ "disableApiTermination", set_no_terminate },
	{ "instanceInitiatedShutdownBehavior", set_behavior },
	{ "groupSet", set_groups },
	{ "blockDeviceMapping", set_bdm },
};

/* Check ch against in and write it; in the caller's transaction. */
static int
apply_change(const struct ctl_req *req, sqlite3 *db,
    const struct ctl_inst *in, const struct change *ch, struct mc_err *err)
{
	size_t i;

	for (i = 0; i < MC_NELEMS(setters); i++)
		if (strcmp(setters[i].attr, ch->attr) == 0)
			return setters[i].set(req, db, in, ch->value, err);
	return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
	    "Value (%.64s) for parameter attribute is invalid", ch->attr);
}

int
ctl_instances_modify_attr(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	struct ctl_inst	 in;
	struct change	 ch;
	sqlite3		*db;
	int		 rc = -1;

	if (which_change(req->params, &ch, err) < 0 ||
	    (db = ctl_store_get(req->api->store, err)) == NULL)
		return -1;
	if (the_instance(req, db, &in, err) < 0 || ctl_sql_begin(db, err) < 0)
		goto out;
	if (apply_change(req, db, &in, &ch, err) < 0 ||
	    ctl_sql_commit(db, err) < 0) {
		ctl_sql_rollback(db);
		goto out;
	}
	ctl_notify_bump();
	ctl_xml_bool(out, "return", true);
	rc = 0;
out:
	ctl_store_put(req->api->store, db);
	return rc;
}

/* <groupSet> of in: its primary interface's groups. */
static int
groups_xml(sqlite3 *db, const struct ctl_inst *in, struct ctl_xml *out,
    struct mc_err *err)
{
	struct ctl_eni	e;
	int		found;

	if ((found = ctl_eni_of_instance(db, in->id, &e, err)) < 0)
		return -1;
	ctl_sg_set_xml(out, found ? &e.groups : NULL);
	return 0;
}

/* The volumes attached to in, as blockDeviceMapping. */
static int
bdm_xml(sqlite3 *db, const struct ctl_inst *in, struct ctl_xml *out,
    struct mc_err *err)
{
	struct ctl_vol_att	*v = NULL;
	size_t			 n = 0;

	if (ctl_vol_atts_of(db, in->id, &v, &n, err) < 0)
		return -1;
	ctl_vol_bdm_xml(out, v, n);
	free(v);
	return 0;
}

/* Write attribute attr of in; -1 with err set for an unknown one. */
static int
attr_xml(sqlite3 *db, const struct ctl_inst *in, const char *attr,
    struct ctl_xml *out, struct mc_err *err)
{
	MC_AUTOFREE char *ud = NULL;

	if (strcmp(attr, "instanceType") == 0)
		ctl_xml_value(out, "instanceType", in->type);
	else if (strcmp(attr, "disableApiTermination") == 0)
		ctl_xml_value(out, "disableApiTermination",
		    in->no_terminate ? "true" : "false");
	else if (strcmp(attr, "instanceInitiatedShutdownBehavior") == 0)
		ctl_xml_value(out, "instanceInitiatedShutdownBehavior",
		    in->shutdown_behavior);
	else if (strcmp(attr, "rootDeviceName") == 0)
		ctl_xml_value(out, "rootDeviceName", in->root_device);
	else if (strcmp(attr, "blockDeviceMapping") == 0)
		return bdm_xml(db, in, out, err);
	else if (strcmp(attr, "ebsOptimized") == 0)
		ctl_xml_value(out, "ebsOptimized", "false");
	else if (strcmp(attr, "groupSet") == 0)
		return groups_xml(db, in, out, err);
	else if (strcmp(attr, "userData") == 0) {
		if ((ud = blob_b64(db, in->id, "user_data", NULL, err)) == NULL)
			return -1;
		if (ud[0] == '\0')
			ctl_xml_empty(out, "userData");
		else
			ctl_xml_value(out, "userData", ud);
	} else
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "Value (%.64s) for parameter attribute is invalid", attr);
	return 0;
}

int
ctl_instances_describe_attr(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	const char	*attr = ctl_query_get(req->params, "Attribute");
	struct ctl_inst	 in;
	sqlite3		*db;
	int		 rc = -1;

	if (attr == NULL)
		return mc_err_set(err, MC_EC_MISSING_PARAMETER,
		    "The request must contain the parameter Attribute");
	if ((db = ctl_store_get(req->api->store, err)) == NULL)
		return -1;
	if (the_instance(req, db, &in, err) == 0 &&
	    ctl_req_dry_run(req, err) == 0) {
		ctl_xml_str(out, "instanceId", in.id);
		rc = attr_xml(db, &in, attr, out, err);
	}
	ctl_store_put(req->api->store, db);
	return rc;
}

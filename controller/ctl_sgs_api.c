/*
 * ctl_sgs_api: CreateSecurityGroup and DeleteSecurityGroup, and the
 * reading of the group a call names.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_err.h"
#include "ctl_api.h"
#include "ctl_conf.h"
#include "ctl_query.h"
#include "ctl_sg.h"
#include "ctl_sgs.h"
#include "ctl_sql.h"
#include "ctl_store.h"
#include "ctl_tags.h"
#include "ctl_tagspec.h"
#include "ctl_vpc.h"
#include "ctl_vpcs.h"
#include "ctl_xml.h"

#define ARN_MAX		160

static const char *const sg_tag_types[] = { "security-group", NULL };

void
ctl_sgs_arn(const struct ctl_req *req, const char *kind, const char *id,
    char *buf, size_t bufsz)
{
	(void)snprintf(buf, bufsz, "arn:aws:ec2:%s:%s:%s/%s",
	    req->api->conf->region, req->account_id, kind, id);
}

int
ctl_sgs_the_group(const struct ctl_req *req, sqlite3 *db, bool by_name,
    struct ctl_sg *ret, struct mc_err *err)
{
	const char *id = ctl_query_get(req->params, "GroupId");
	const char *name = ctl_query_get(req->params, "GroupName");

	if (id != NULL && name != NULL)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_COMBINATION,
		    "Give GroupId or GroupName, not both");
	if (id != NULL)
		return ctl_sg_find(db, req->account_id, id, ret, err);
	if (name != NULL && by_name)
		return ctl_sg_find_name(db, req->account_id, NULL, name, ret,
		    err);
	return mc_err_set(err, MC_EC_MISSING_PARAMETER, "The request must "
	    "contain the parameter %s", by_name ? "GroupId or GroupName" :
	    "GroupId");
}

/* The VPC of a new group: VpcId, or the default VPC. */
static int
vpc_of(const struct ctl_req *req, sqlite3 *db, struct ctl_vpc *ret,
    struct mc_err *err)
{
	const char	*id = ctl_query_get(req->params, "VpcId");
	int		 found;

	if (id != NULL)
		return ctl_vpc_find(db, req->account_id, id, ret, err);
	if ((found = ctl_vpc_default(db, req->account_id, ret, err)) < 0)
		return -1;
	return found ? 0 : mc_err_set(err, MC_EC_VPC_ID_NOT_SPECIFIED, "No "
	    "default VPC for this user: give a VpcId");
}

/* Make the group and its tags in one transaction. */
static int
create(const struct ctl_req *req, sqlite3 *db, const struct ctl_vpc *vpc,
    const struct ctl_tagspecs *ts, struct ctl_sg *ret, struct mc_err *err)
{
	const struct ctl_tagspec *spec = ctl_tagspecs_find(ts,
	    "security-group");

	if (ctl_sql_begin(db, err) < 0)
		return -1;
	if (ctl_sg_create(db, req->account_id, vpc->id, ctl_query_get(
	    req->params, "GroupName"), ctl_query_get(req->params,
	    "GroupDescription"), req->now_ms, ret, err) < 0 || (spec != NULL &&
	    ctl_tags_set(db, req->account_id, ret->id, spec->tags,
	    spec->n_tags, err) < 0) || ctl_sql_commit(db, err) < 0) {
		ctl_sql_rollback(db);
		return -1;
	}
	return 0;
}

int
ctl_sgs_create(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	struct ctl_tagspecs	 ts = { NULL, 0 };
	struct ctl_tagkv	*tags = NULL;
	struct ctl_vpc		 vpc;
	struct ctl_sg		 g;
	char			 arn[ARN_MAX];
	size_t			 n_tags = 0;
	sqlite3			*db;
	int			 rc = -1;

	if (ctl_query_get(req->params, "GroupName") == NULL ||
	    ctl_query_get(req->params, "GroupDescription") == NULL)
		return mc_err_set(err, MC_EC_MISSING_PARAMETER, "The request "
		    "must contain the parameters GroupName and "
		    "GroupDescription");
	if (ctl_tagspecs_parse(req->params, sg_tag_types, &ts, err) < 0)
		return -1;
	if ((db = ctl_vpcs_db(req, err)) == NULL)
		goto out;
	if (vpc_of(req, db, &vpc, err) == 0 && ctl_req_dry_run(req, err) == 0 &&
	    create(req, db, &vpc, &ts, &g, err) == 0 &&
	    ctl_tags_load(db, g.id, &tags, &n_tags, err) == 0) {
		ctl_xml_bool(out, "return", true);
		ctl_xml_str(out, "groupId", g.id);
		ctl_tags_xml(out, tags, n_tags);
		ctl_sgs_arn(req, "security-group", g.id, arn, sizeof(arn));
		ctl_xml_str(out, "securityGroupArn", arn);
		rc = 0;
	}
	free(tags);
	ctl_store_put(req->api->store, db);
out:
	ctl_tagspecs_clear(&ts);
	return rc;
}

int
ctl_sgs_delete(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	struct ctl_sg	 g;
	sqlite3		*db;
	int		 rc = -1;

	if ((db = ctl_vpcs_db(req, err)) == NULL)
		return -1;
	if (ctl_sgs_the_group(req, db, true, &g, err) == 0 &&
	    ctl_req_dry_run(req, err) == 0 && ctl_sql_begin(db, err) == 0) {
		if (ctl_sg_delete(db, &g, err) == 0 &&
		    ctl_sql_commit(db, err) == 0)
			rc = 0;
		else
			ctl_sql_rollback(db);
	}
	ctl_store_put(req->api->store, db);
	if (rc == 0) {
		ctl_xml_bool(out, "return", true);
		ctl_xml_str(out, "groupId", g.id);
	}
	return rc;
}

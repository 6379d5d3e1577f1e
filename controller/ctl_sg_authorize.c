/*
 * ctl_sg_authorize: AuthorizeSecurityGroupIngress/Egress and
 * RevokeSecurityGroupIngress/Egress.  Each call is one transaction: all
 * its rules are added (or removed), or none.  Ingress calls may name the
 * group by GroupName (default VPC); egress calls need GroupId, as on EC2.
 */
#include <stdlib.h>
#include <string.h>

#include "mc_cleanup.h"
#include "mc_err.h"
#include "mc_log.h"
#include "ctl_api.h"
#include "ctl_notify.h"
#include "ctl_params.h"
#include "ctl_sg.h"
#include "ctl_sg_perms.h"
#include "ctl_sgr.h"
#include "ctl_sgs.h"
#include "ctl_sql.h"
#include "ctl_store.h"
#include "ctl_tags.h"
#include "ctl_tagspec.h"
#include "ctl_vpcs.h"
#include "ctl_xml.h"

static const char *const rule_tag_types[] = { "security-group-rule", NULL };

/* The rules v of a call as <name>, each with its tags. */
static int
rules_xml(const struct ctl_req *req, sqlite3 *db, struct ctl_xml *out,
    const char *name, const struct ctl_sg_rule *v, size_t n, bool revoked,
    struct mc_err *err)
{
	struct ctl_tagkv	*tags = NULL;
	size_t			 n_tags = 0, i;

	ctl_xml_bool(out, "return", true);
	ctl_xml_open(out, name);
	for (i = 0; i < n; i++) {
		if (!revoked && ctl_tags_load(db, v[i].id, &tags, &n_tags,
		    err) < 0)
			return -1;
		ctl_sgs_rule_xml(req, out, &v[i], revoked, tags, n_tags);
		free(tags);
		tags = NULL;
		n_tags = 0;
	}
	ctl_xml_close(out);
	return 0;
}

/* Add v to g and tag the new rules. */
static int
add_rules(const struct ctl_req *req, sqlite3 *db, const struct ctl_sg *g,
    struct ctl_sg_rule *v, size_t n, const struct ctl_tagspecs *ts,
    struct mc_err *err)
{
	const struct ctl_tagspec	*spec = ctl_tagspecs_find(ts,
	    "security-group-rule");
	size_t				 i;

	if (ctl_sql_begin(db, err) < 0)
		return -1;
	if (ctl_sgr_add(db, g, v, n, req->now_ms, err) < 0)
		goto fail;
	for (i = 0; spec != NULL && i < n; i++)
		if (ctl_tags_set(db, req->account_id, v[i].id, spec->tags,
		    spec->n_tags, err) < 0)
			goto fail;
	if (ctl_sql_commit(db, err) < 0)
		return -1;
	ctl_notify_bump();
	mc_log(MC_LOG_INFO, "security group rules added", "group=%s "
	    "count=%zu", g->id, n);
	return 0;
fail:
	ctl_sql_rollback(db);
	return -1;
}

static int
authorize(const struct ctl_req *req, bool egress, struct ctl_xml *out,
    struct mc_err *err)
{
	MC_AUTOFREE struct ctl_sg_rule	*v = NULL;
	struct ctl_tagspecs		 ts = { NULL, 0 };
	struct ctl_sg			 g;
	size_t				 n = 0;
	sqlite3				*db = NULL;
	int				 rc = -1;

	if (ctl_sg_perms_parse(req->params, req->account_id, egress, &v, &n,
	    err) < 0 || ctl_tagspecs_parse(req->params, rule_tag_types, &ts,
	    err) < 0)
		goto out;
	if (n == 0) {
		mc_err_set(err, MC_EC_MISSING_PARAMETER, "The request must "
		    "contain the parameter IpPermissions");
		goto out;
	}
	if ((db = ctl_vpcs_db(req, err)) == NULL)
		goto out;
	if (ctl_sgs_the_group(req, db, !egress, &g, err) == 0 &&
	    ctl_req_dry_run(req, err) == 0 &&
	    add_rules(req, db, &g, v, n, &ts, err) == 0)
		rc = rules_xml(req, db, out, "securityGroupRuleSet", v, n,
		    false, err);
	ctl_store_put(req->api->store, db);
out:
	ctl_tagspecs_clear(&ts);
	return rc;
}

int
ctl_sgs_authorize_ingress(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	return authorize(req, false, out, err);
}

int
ctl_sgs_authorize_egress(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	return authorize(req, true, out, err);
}

/* What a Revoke call names: rules by value, or rule ids. */
struct revoke {
	struct ctl_sg_rule	 *v;	/* owned */
	size_t			  n;
	const char		**ids;	/* owned array */
	size_t			  n_ids;
};

/* Remove what rv names from g; rv->v becomes the rules removed. */
static int
remove_rules(const struct ctl_req *req, sqlite3 *db, const struct ctl_sg *g,
    bool egress, struct revoke *rv, struct mc_err *err)
{
	struct ctl_sg_rule	*gone = NULL;
	int			 n;

	if (ctl_sql_begin(db, err) < 0)
		return -1;
	if (rv->n_ids > 0) {
		if ((n = ctl_sgr_revoke_ids(db, g, egress, rv->ids, rv->n_ids,
		    &gone, err)) < 0)
			goto fail;
		free(rv->v);
		rv->v = gone;
		rv->n = (size_t)n;
	} else if (ctl_sgr_revoke(db, g, rv->v, rv->n, err) < 0) {
		goto fail;
	}
	if (ctl_sql_commit(db, err) < 0)
		return -1;
	ctl_notify_bump();
	mc_log(MC_LOG_INFO, "security group rules revoked", "group=%s "
	    "count=%zu account=%s", g->id, rv->n, req->account_id);
	return 0;
fail:
	ctl_sql_rollback(db);
	return -1;
}

static int
revoke_rules(const struct ctl_req *req, bool egress, struct ctl_xml *out,
    struct mc_err *err)
{
	struct revoke	 rv = { NULL, 0, NULL, 0 };
	struct ctl_sg	 g;
	sqlite3		*db = NULL;
	int		 rc = -1;

	if (ctl_sg_perms_parse(req->params, req->account_id, egress, &rv.v,
	    &rv.n, err) < 0 || ctl_params_strlist(req->params,
	    "SecurityGroupRuleId", &rv.ids, &rv.n_ids, err) < 0)
		goto out;
	if ((rv.n == 0) == (rv.n_ids == 0)) {
		mc_err_set(err, rv.n == 0 ? MC_EC_MISSING_PARAMETER :
		    MC_EC_INVALID_PARAMETER_COMBINATION, "The request must "
		    "contain either IpPermissions or SecurityGroupRuleId");
		goto out;
	}
	if ((db = ctl_vpcs_db(req, err)) == NULL)
		goto out;
	if (ctl_sgs_the_group(req, db, !egress, &g, err) == 0 &&
	    ctl_req_dry_run(req, err) == 0 &&
	    remove_rules(req, db, &g, egress, &rv, err) == 0)
		rc = rules_xml(req, db, out, "revokedSecurityGroupRuleSet",
		    rv.v, rv.n, true, err);
	ctl_store_put(req->api->store, db);
out:
	free(rv.v);
	free(rv.ids);
	return rc;
}

int
ctl_sgs_revoke_ingress(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	return revoke_rules(req, false, out, err);
}

int
ctl_sgs_revoke_egress(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	return revoke_rules(req, true, out, err);
}

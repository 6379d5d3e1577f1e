/*
 * ctl_sg_rules_api: DescribeSecurityGroupRules and
 * ModifySecurityGroupRules, the API of rules by their own ids (sgr-),
 * and EC2's SecurityGroupRule element every rule action writes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_cleanup.h"
#include "mc_err.h"
#include "ctl_api.h"
#include "ctl_filter.h"
#include "ctl_notify.h"
#include "ctl_page.h"
#include "ctl_params.h"
#include "ctl_query.h"
#include "ctl_sg.h"
#include "ctl_sg_perms.h"
#include "ctl_sgr.h"
#include "ctl_sgs.h"
#include "ctl_sql.h"
#include "ctl_store.h"
#include "ctl_tags.h"
#include "ctl_vpcs.h"
#include "ctl_xml.h"

#define MODIFY_MAX	(2 * CTL_SG_RULES_MAX)	/* rules in one call */

static const struct ctl_page_rules paging = { 5, 1000, 1000 };

void
ctl_sgs_rule_xml(const struct ctl_req *req, struct ctl_xml *x,
    const struct ctl_sg_rule *r, bool revoked, const struct ctl_tagkv *tags,
    size_t n_tags)
{
	char proto[CTL_SG_PROTO_STR_MAX], arn[160];

	ctl_xml_open(x, "item");
	ctl_xml_str(x, "securityGroupRuleId", r->id);
	ctl_xml_str(x, "groupId", r->group_id);
	if (!revoked)
		ctl_xml_str(x, "groupOwnerId", req->account_id);
	ctl_xml_bool(x, "isEgress", r->egress);
	ctl_xml_str(x, "ipProtocol", ctl_sg_proto_name(r->proto, proto));
	ctl_xml_int(x, "fromPort", r->from);
	ctl_xml_int(x, "toPort", r->to);
	if (r->cidr[0] != '\0') {
		ctl_xml_str(x, "cidrIpv4", r->cidr);
	} else if (revoked) {
		ctl_xml_str(x, "referencedGroupId", r->ref_group);
	} else {
		ctl_xml_open(x, "referencedGroupInfo");
		ctl_xml_str(x, "groupId", r->ref_group);
		ctl_xml_str(x, "userId", req->account_id);
		ctl_xml_close(x);
	}
	if (r->description[0] != '\0')
		ctl_xml_str(x, "description", r->description);
	if (!revoked) {
		ctl_tags_xml(x, tags, n_tags);
		ctl_sgs_arn(req, "security-group-rule", r->id, arn,
		    sizeof(arn));
		ctl_xml_str(x, "securityGroupRuleArn", arn);
	}
	ctl_xml_close(x);
}

enum { RF_ID, RF_GROUP, RF_TAG };

static const struct ctl_filter_def rule_filters[] = {
	{ "security-group-rule-id", RF_ID }, { "group-id", RF_GROUP },
	CTL_TAGS_FILTERS(RF_TAG),
};

struct rule_item {
	const struct ctl_sg_rule	*r;
	struct ctl_tagkv		*tags;
	size_t				 n_tags;
};

static void
rule_values(const void *res, const struct ctl_filter *f, struct ctl_fvals *fv)
{
	const struct rule_item *it = res;

	switch (f->field) {
	case RF_ID:	ctl_fvals_add(fv, it->r->id); break;
	case RF_GROUP:	ctl_fvals_add(fv, it->r->group_id); break;
	case RF_TAG:	ctl_tags_fvals(it->tags, it->n_tags, f, fv); break;
	}
}

/* The account's rules by id, what the request selects, the store. */
struct rule_walk {
	const struct ctl_req		 *req;
	sqlite3				 *db;
	struct ctl_sg_rule		 *v;
	size_t				  n;
	const char			**ids;
	size_t				  n_ids;
	const struct ctl_filters	 *f;
};

static bool
rule_known(const void *ctx, const char *id)
{
	const struct rule_walk	*w = ctx;
	size_t			 i;

	for (i = 0; i < w->n; i++)
		if (strcmp(w->v[i].id, id) == 0)
			return true;
	return false;
}

static const char *
rule_key(const void *ctx, size_t i)
{
	return ((const struct rule_walk *)ctx)->v[i].id;
}

static int
rule_show(void *ctx, size_t i, struct ctl_xml *out, struct mc_err *err)
{
	const struct rule_walk	*w = ctx;
	struct rule_item	 it = { &w->v[i], NULL, 0 };
	int			 rc;

	if (!ctl_params_selects(w->ids, w->n_ids, it.r->id))
		return 0;
	if (ctl_tags_load(w->db, it.r->id, &it.tags, &it.n_tags, err) < 0)
		return -1;
	rc = ctl_filters_match(w->f, rule_values, &it) ? 1 : 0;
	if (rc == 1 && out != NULL)
		ctl_sgs_rule_xml(w->req, out, it.r, false, it.tags, it.n_tags);
	free(it.tags);
	return rc;
}

int
ctl_sgs_describe_rules(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	MC_AUTOFREE const char	**ids = NULL;
	struct rule_walk	  w;
	struct ctl_filters	  f = { NULL, 0 };
	struct ctl_page		  page;
	size_t			  n_ids = 0;
	int			  rc = -1;

	memset(&w, 0, sizeof(w));
	if (ctl_params_strlist(req->params, "SecurityGroupRuleId", &ids,
	    &n_ids, err) < 0 || ctl_page_parse(req->params, &paging, n_ids > 0,
	    &page, err) < 0 || ctl_filters_parse(req->params, rule_filters,
	    MC_NELEMS(rule_filters), &f, err) < 0)
		goto out;
	w = (struct rule_walk){ req, NULL, NULL, 0, ids, n_ids, &f };
	if ((w.db = ctl_vpcs_db(req, err)) == NULL)
		goto out;
	if (ctl_req_dry_run(req, err) == 0 &&
	    ctl_sgr_list(w.db, req->account_id, &w.v, &w.n, err) == 0 &&
	    ctl_params_ids_known(ids, n_ids, MC_ID_SG_RULE, rule_known, &w,
	    MC_EC_INVALID_SG_RULE_ID_NOT_FOUND, "The security group rule ID "
	    "does not exist: ", err) == 0)
		rc = ctl_page_walk(&page, "securityGroupRuleSet", w.n, rule_key,
		    rule_show, &w, out, err);
	ctl_store_put(req->api->store, w.db);
out:
	free(w.v);
	ctl_filters_clear(&f);
	return rc;
}

/* SecurityGroupRule.N of the call into a new array *ret. */
static int
read_changes(const struct ctl_query *q, struct ctl_sg_rule **ret,
    size_t *ret_n, struct mc_err *err)
{
	MC_AUTOFREE struct ctl_sg_rule	*v = NULL;
	unsigned			 idx[MODIFY_MAX + 1];
	char				 key[96];
	const char			*id;
	size_t				 n, i;

	n = ctl_params_indices(q, "SecurityGroupRule", idx, MC_NELEMS(idx));
	if (n == 0 || n > MODIFY_MAX)
		return mc_err_set(err, n == 0 ? MC_EC_MISSING_PARAMETER :
		    MC_EC_INVALID_PARAMETER_VALUE, "The request must contain "
		    "1 to %d SecurityGroupRule entries", MODIFY_MAX);
	if ((v = calloc(n, sizeof(*v))) == NULL)
		return mc_err_set(err, MC_EC_INTERNAL_ERROR, "out of memory");
	for (i = 0; i < n; i++) {
		(void)snprintf(key, sizeof(key),
		    "SecurityGroupRule.%u.SecurityGroupRuleId", idx[i]);
		if ((id = ctl_query_get(q, key)) == NULL)
			return mc_err_set(err, MC_EC_MISSING_PARAMETER, "The "
			    "request must contain the parameter %s", key);
		if (mc_id_check(MC_ID_SG_RULE, id, err) < 0)
			return -1;
		(void)snprintf(v[i].id, sizeof(v[i].id), "%s", id);
		(void)snprintf(key, sizeof(key),
		    "SecurityGroupRule.%u.SecurityGroupRule", idx[i]);
		if (ctl_sg_rule_spec_parse(q, key, &v[i], err) < 0)
			return -1;
	}
	*ret = mc_steal_ptr(&v);
	*ret_n = n;
	return 0;
}

int
ctl_sgs_modify_rules(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	MC_AUTOFREE struct ctl_sg_rule	*v = NULL;
	struct ctl_sg			 g;
	size_t				 n = 0, i;
	sqlite3				*db;
	int				 rc = -1;

	if (read_changes(req->params, &v, &n, err) < 0 ||
	    (db = ctl_vpcs_db(req, err)) == NULL)
		return -1;
	if (ctl_sgs_the_group(req, db, false, &g, err) < 0 ||
	    ctl_req_dry_run(req, err) < 0 || ctl_sql_begin(db, err) < 0)
		goto out;
	for (i = 0, rc = 0; i < n && rc == 0; i++)
		rc = ctl_sgr_modify(db, &g, &v[i], err);
	if (rc == 0 && ctl_sql_commit(db, err) == 0) {
		ctl_notify_bump();
		ctl_xml_bool(out, "return", true);
	} else {
		ctl_sql_rollback(db);
		rc = -1;
	}
out:
	ctl_store_put(req->api->store, db);
	return rc;
}

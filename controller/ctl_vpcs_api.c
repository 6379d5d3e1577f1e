/*
 * ctl_vpcs_api: CreateVpc, DeleteVpc, DescribeVpcs, DescribeVpcAttribute,
 * ModifyVpcAttribute.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_cleanup.h"
#include "mc_err.h"
#include "mc_ipv4.h"
#include "ctl_api.h"
#include "ctl_filter.h"
#include "ctl_page.h"
#include "ctl_params.h"
#include "ctl_query.h"
#include "ctl_sql.h"
#include "ctl_store.h"
#include "ctl_tags.h"
#include "ctl_tagspec.h"
#include "ctl_vpc.h"
#include "ctl_vpcs.h"
#include "ctl_xml.h"

static const char *const vpc_tag_types[] = { "vpc", NULL };
static const struct ctl_page_rules paging = { 5, 1000, 1000 };

sqlite3 *
ctl_vpcs_db(const struct ctl_req *req, struct mc_err *err)
{
	sqlite3 *db;

	if ((db = ctl_store_get(req->api->store, err)) == NULL)
		return NULL;
	if (ctl_vpc_ensure_default(db, req->api->conf, req->account_id,
	    req->now_ms, err) < 0) {
		ctl_store_put(req->api->store, db);
		return NULL;
	}
	return db;
}

/* A VPC with its tags, for filters and XML. */
struct vpc_item {
	struct ctl_vpc		 v;
	struct ctl_tagkv	*tags;
	size_t			 n_tags;
};

static void
vpc_xml(struct ctl_xml *x, const char *el, const struct vpc_item *it)
{
	char cidr[MC_CIDR_STR_MAX], assoc[MC_ID_MAX + 16];

	ctl_xml_open(x, el);
	ctl_xml_str(x, "vpcId", it->v.id);
	ctl_xml_str(x, "ownerId", it->v.account_id);
	ctl_xml_str(x, "state", "available");
	ctl_xml_str(x, "cidrBlock", mc_cidr_str(&it->v.cidr, cidr));
	ctl_xml_open(x, "cidrBlockAssociationSet");
	ctl_xml_open(x, "item");
	ctl_xml_str(x, "cidrBlock", cidr);
	/* One block per VPC: its association is named after the VPC. */
	(void)snprintf(assoc, sizeof(assoc), "vpc-cidr-assoc-%s",
	    it->v.id + 4);
	ctl_xml_str(x, "associationId", assoc);
	ctl_xml_open(x, "cidrBlockState");
	ctl_xml_str(x, "state", "associated");
	ctl_xml_close(x);
	ctl_xml_close(x);
	ctl_xml_close(x);
	ctl_xml_empty(x, "ipv6CidrBlockAssociationSet");
	ctl_xml_str(x, "dhcpOptionsId", "default");
	ctl_xml_str(x, "instanceTenancy", "default");
	ctl_xml_bool(x, "isDefault", it->v.is_default);
	ctl_tags_xml(x, it->tags, it->n_tags);
	ctl_xml_close(x);
}

int
ctl_vpcs_create(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	struct ctl_tagspecs		 ts = { NULL, 0 };
	const struct ctl_tagspec	*spec;
	struct vpc_item			 it;
	struct mc_cidr			 cidr;
	const char			*s;
	sqlite3				*db;
	int				 rc = -1;

	memset(&it, 0, sizeof(it));
	if ((s = ctl_query_get(req->params, "CidrBlock")) == NULL)
		return mc_err_set(err, MC_EC_MISSING_PARAMETER, "The request "
		    "must contain the parameter CidrBlock");
	if (!mc_cidr_parse(s, &cidr))
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE, "Value "
		    "(%.64s) for parameter cidrBlock is invalid. This is not a "
		    "valid CIDR block.", s);
	if (ctl_tagspecs_parse(req->params, vpc_tag_types, &ts, err) < 0)
		return -1;
	if ((db = ctl_vpcs_db(req, err)) == NULL)
		goto out;
	if (ctl_req_dry_run(req, err) < 0 || ctl_sql_begin(db, err) < 0)
		goto put;
	spec = ctl_tagspecs_find(&ts, "vpc");
	if (ctl_vpc_create(db, req->api->conf, req->account_id, &cidr, false,
	    req->now_ms, &it.v, err) < 0 || (spec != NULL &&
	    ctl_tags_set(db, req->account_id, it.v.id, spec->tags,
	    spec->n_tags, err) < 0) || ctl_sql_commit(db, err) < 0) {
		ctl_sql_rollback(db);
		goto put;
	}
	if (ctl_tags_load(db, it.v.id, &it.tags, &it.n_tags, err) == 0) {
		vpc_xml(out, "vpc", &it);
		rc = 0;
	}
	free(it.tags);
put:
	ctl_store_put(req->api->store, db);
out:
	ctl_tagspecs_clear(&ts);
	return rc;
}

int
ctl_vpcs_delete(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	const char	*id = ctl_query_get(req->params, "VpcId");
	struct ctl_vpc	 v;
	sqlite3		*db;
	int		 rc = -1;

	if (id == NULL)
		return mc_err_set(err, MC_EC_MISSING_PARAMETER, "The request "
		    "must contain the parameter VpcId");
	if ((db = ctl_vpcs_db(req, err)) == NULL)
		return -1;
	if (ctl_vpc_find(db, req->account_id, id, &v, err) == 0 &&
	    ctl_req_dry_run(req, err) == 0 && ctl_sql_begin(db, err) == 0) {
		if (ctl_vpc_delete(db, req->account_id, id, err) == 0 &&
		    ctl_sql_commit(db, err) == 0)
			rc = 0;
		else
			ctl_sql_rollback(db);
	}
	ctl_store_put(req->api->store, db);
	if (rc == 0)
		ctl_xml_bool(out, "return", true);
	return rc;
}

enum { VF_ID, VF_CIDR, VF_DEFAULT, VF_STATE, VF_OWNER, VF_DHCP, VF_TAG };

static const struct ctl_filter_def vpc_filters[] = {
	{ "vpc-id", VF_ID }, { "cidr", VF_CIDR }, { "cidr-block", VF_CIDR },
	{ "cidr-block-association.cidr-block", VF_CIDR },
	{ "is-default", VF_DEFAULT }, { "state", VF_STATE },
	{ "owner-id", VF_OWNER }, { "dhcp-options-id", VF_DHCP },
	CTL_TAGS_FILTERS(VF_TAG),
};

static void
vpc_values(const void *res, const struct ctl_filter *f, struct ctl_fvals *fv)
{
	const struct vpc_item	*it = res;
	char			 c[MC_CIDR_STR_MAX];

	switch (f->field) {
	case VF_ID:	ctl_fvals_add(fv, it->v.id); break;
	case VF_CIDR:	ctl_fvals_addf(fv, "%s", mc_cidr_str(&it->v.cidr, c));
			break;
	case VF_DEFAULT: ctl_fvals_add(fv, it->v.is_default ? "true" : "false");
			break;
	case VF_STATE:	ctl_fvals_add(fv, "available"); break;
	case VF_OWNER:	ctl_fvals_add(fv, it->v.account_id); break;
	case VF_DHCP:	ctl_fvals_add(fv, "default"); break;
	case VF_TAG:	ctl_tags_fvals(it->tags, it->n_tags, f, fv); break;
	}
}

struct vpc_listing {
	struct ctl_vpc		*v;
	size_t			 n;
};

static bool
vpc_known(const void *ctx, const char *id)
{
	const struct vpc_listing	*l = ctx;
	size_t				 i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].id, id) == 0)
			return true;
	return false;
}

/* Check the ids, then write the page of l's VPCs that pass f. */
static int
vpcs_page(sqlite3 *db, const struct vpc_listing *l, const char **ids,
    size_t n_ids, const struct ctl_filters *f, const struct ctl_page *page,
    struct ctl_xml *out, struct mc_err *err)
{
	struct vpc_item	 it;
	size_t		 i, shown = 0;
	char		 token[CTL_PAGE_TOKEN_MAX] = "";

	for (i = 0; i < n_ids; i++)
		if (mc_id_check(MC_ID_VPC, ids[i], err) < 0)
			return -1;
	if (ctl_params_all_known(ids, n_ids, vpc_known, l,
	    MC_EC_INVALID_VPC_ID_NOT_FOUND, "The vpc ID does not exist: ",
	    err) < 0)
		return -1;
	ctl_xml_open(out, "vpcSet");
	for (i = 0; i < l->n; i++) {
		if (!ctl_params_selects(ids, n_ids, l->v[i].id) ||
		    !ctl_page_after(page, l->v[i].id))
			continue;
		memset(&it, 0, sizeof(it));
		it.v = l->v[i];
		if (ctl_tags_load(db, it.v.id, &it.tags, &it.n_tags, err) < 0)
			return -1;
		if (ctl_filters_match(f, vpc_values, &it)) {
			if (shown == page->max) {
				ctl_page_token(l->v[i - 1].id, token,
				    sizeof(token));
				free(it.tags);
				break;
			}
			vpc_xml(out, "item", &it);
			shown++;
		}
		free(it.tags);
	}
	ctl_xml_close(out);
	if (token[0] != '\0')
		ctl_xml_str(out, "nextToken", token);
	return 0;
}

int
ctl_vpcs_describe(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	MC_AUTOFREE const char	**ids = NULL;
	struct vpc_listing	  l = { NULL, 0 };
	struct ctl_filters	  f = { NULL, 0 };
	struct ctl_page		  page;
	size_t			  n_ids = 0;
	sqlite3			 *db = NULL;
	int			  rc = -1;

	if (ctl_params_strlist(req->params, "VpcId", &ids, &n_ids, err) < 0 ||
	    ctl_page_parse(req->params, &paging, n_ids > 0, &page, err) < 0 ||
	    ctl_filters_parse(req->params, vpc_filters,
	    MC_NELEMS(vpc_filters), &f, err) < 0)
		goto out;
	if ((db = ctl_vpcs_db(req, err)) == NULL)
		goto out;
	if (ctl_req_dry_run(req, err) == 0 &&
	    ctl_vpc_list(db, req->account_id, &l.v, &l.n, err) == 0)
		rc = vpcs_page(db, &l, ids, n_ids, &f, &page, out, err);
	ctl_store_put(req->api->store, db);
out:
	free(l.v);
	ctl_filters_clear(&f);
	return rc;
}

/* The VPC attributes: EC2's name, and where the value is kept. */
static const struct {
	const char	*name;		/* Attribute= and the XML element */
	const char	*modify_key;	/* ModifyVpcAttribute's parameter */
	const char	*column;
} vpc_attrs[] = {
	{ "enableDnsSupport", "EnableDnsSupport.Value", "dns_support" },
	{ "enableDnsHostnames", "EnableDnsHostnames.Value", "dns_hostnames" },
};

static bool
attr_value(const struct ctl_vpc *v, size_t i)
{
	return i == 0 ? v->dns_support : v->dns_hostnames;
}

int
ctl_vpcs_describe_attr(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	const char	*id = ctl_query_get(req->params, "VpcId");
	const char	*name = ctl_query_get(req->params, "Attribute");
	struct ctl_vpc	 v;
	sqlite3		*db;
	size_t		 i;
	int		 rc;

	if (id == NULL || name == NULL)
		return mc_err_set(err, MC_EC_MISSING_PARAMETER, "The request "
		    "must contain the parameters VpcId and Attribute");
	for (i = 0; i < MC_NELEMS(vpc_attrs); i++)
		if (strcmp(vpc_attrs[i].name, name) == 0)
			break;
	if (i == MC_NELEMS(vpc_attrs))
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE, "Value "
		    "(%.64s) for parameter attribute is invalid. Unknown "
		    "attribute.", name);
	if ((db = ctl_vpcs_db(req, err)) == NULL)
		return -1;
	rc = ctl_vpc_find(db, req->account_id, id, &v, err);
	ctl_store_put(req->api->store, db);
	if (rc < 0 || ctl_req_dry_run(req, err) < 0)
		return -1;
	ctl_xml_str(out, "vpcId", v.id);
	ctl_xml_open(out, name);
	ctl_xml_bool(out, "value", attr_value(&v, i));
	ctl_xml_close(out);
	return 0;
}

int
ctl_vpcs_modify_attr(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	const char	*id = ctl_query_get(req->params, "VpcId");
	struct ctl_vpc	 v;
	char		 sql[96];
	size_t		 i, which = MC_NELEMS(vpc_attrs), n = 0;
	bool		 value = false;
	sqlite3		*db;
	int		 rc = -1;

	for (i = 0; i < MC_NELEMS(vpc_attrs); i++)
		if (ctl_query_get(req->params, vpc_attrs[i].modify_key) !=
		    NULL) {
			which = i;
			n++;
		}
	if (id == NULL || n != 1)
		return mc_err_set(err, n > 1 ? MC_EC_INVALID_PARAMETER_COMBINATION
		    : MC_EC_MISSING_PARAMETER, "The request must contain "
		    "VpcId and exactly one attribute to modify");
	if (ctl_params_bool(req->params, vpc_attrs[which].modify_key, &value,
	    err) < 0 || (db = ctl_vpcs_db(req, err)) == NULL)
		return -1;
	(void)snprintf(sql, sizeof(sql), "UPDATE vpcs SET %s = ? WHERE id = ?",
	    vpc_attrs[which].column);
	if (ctl_vpc_find(db, req->account_id, id, &v, err) == 0 &&
	    ctl_req_dry_run(req, err) == 0 &&
	    ctl_sql_run(db, err, sql, "is", (int64_t)value, id) >= 0)
		rc = 0;
	ctl_store_put(req->api->store, db);
	if (rc == 0)
		ctl_xml_bool(out, "return", true);
	return rc;
}

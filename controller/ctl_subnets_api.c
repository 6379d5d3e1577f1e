/*
 * ctl_subnets_api: CreateSubnet, DeleteSubnet, DescribeSubnets,
 * ModifySubnetAttribute.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_cleanup.h"
#include "mc_err.h"
#include "mc_ipv4.h"
#include "ctl_api.h"
#include "ctl_conf.h"
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

static const char *const subnet_tag_types[] = { "subnet", NULL };
static const struct ctl_page_rules paging = { 5, 1000, 1000 };

struct subnet_item {
	struct ctl_subnet	 s;
	char			 zone_id[96];
	char			 arn[160];
	struct ctl_tagkv	*tags;
	size_t			 n_tags;
};

static void
item_init(const struct ctl_req *req, struct subnet_item *it)
{
	const struct ctl_conf *c = req->api->conf;

	ctl_conf_zone_id(c, it->s.zone, it->zone_id, sizeof(it->zone_id));
	(void)snprintf(it->arn, sizeof(it->arn), "arn:aws:ec2:%s:%s:subnet/%s",
	    c->region, it->s.account_id, it->s.id);
}

static void
subnet_xml(struct ctl_xml *x, const char *el, const struct subnet_item *it)
{
	char cidr[MC_CIDR_STR_MAX];

	ctl_xml_open(x, el);
	ctl_xml_str(x, "subnetId", it->s.id);
	ctl_xml_str(x, "subnetArn", it->arn);
	ctl_xml_str(x, "state", "available");
	ctl_xml_str(x, "ownerId", it->s.account_id);
	ctl_xml_str(x, "vpcId", it->s.vpc_id);
	ctl_xml_str(x, "cidrBlock", mc_cidr_str(&it->s.cidr, cidr));
	ctl_xml_empty(x, "ipv6CidrBlockAssociationSet");
	ctl_xml_int(x, "availableIpAddressCount",
	    (long long)(ctl_subnet_capacity(&it->s.cidr) - it->s.n_used));
	ctl_xml_str(x, "availabilityZone", it->s.zone);
	ctl_xml_str(x, "availabilityZoneId", it->zone_id);
	ctl_xml_bool(x, "defaultForAz", it->s.default_for_az);
	ctl_xml_bool(x, "mapPublicIpOnLaunch", it->s.map_public_ip);
	ctl_xml_bool(x, "assignIpv6AddressOnCreation", false);
	ctl_xml_bool(x, "mapCustomerOwnedIpOnLaunch", false);
	ctl_xml_bool(x, "enableDns64", false);
	ctl_xml_bool(x, "ipv6Native", false);
	ctl_xml_open(x, "privateDnsNameOptionsOnLaunch");
	ctl_xml_str(x, "hostnameType", "ip-name");
	ctl_xml_bool(x, "enableResourceNameDnsARecord", false);
	ctl_xml_bool(x, "enableResourceNameDnsAAAARecord", false);
	ctl_xml_close(x);
	ctl_tags_xml(x, it->tags, it->n_tags);
	ctl_xml_close(x);
}

/* The zone of CreateSubnet: AvailabilityZone or -Id, else the first. */
static int
subnet_zone(const struct ctl_req *req, const char **ret, struct mc_err *err)
{
	const struct ctl_conf	*c = req->api->conf;
	const char		*name, *id;

	name = ctl_query_get(req->params, "AvailabilityZone");
	id = ctl_query_get(req->params, "AvailabilityZoneId");
	if (name == NULL && id == NULL && c->zones.n > 0) {
		*ret = c->zones.v[0];
		return 0;
	}
	if ((*ret = ctl_conf_zone_find(c, name, id)) != NULL)
		return 0;
	return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE, "Value "
	    "(%.64s) for parameter availabilityZone is invalid. Subnets can "
	    "currently only be created in the following availability zones: "
	    "%.64s%s.", name != NULL ? name : id != NULL ? id : "",
	    c->zones.n > 0 ? c->zones.v[0] : "", c->zones.n > 1 ? ", ..." : "");
}

/* In its transaction: the subnet and its tags. */
static int
subnet_insert(const struct ctl_req *req, sqlite3 *db, const char *vpc_id,
    const struct mc_cidr *cidr, const char *zone,
    const struct ctl_tagspecs *ts, struct subnet_item *it, struct mc_err *err)
{
	const struct ctl_tagspec	*spec = ctl_tagspecs_find(ts, "subnet");
	struct ctl_vpc			 vpc;

	if (ctl_vpc_find(db, req->account_id, vpc_id, &vpc, err) < 0 ||
	    ctl_req_dry_run(req, err) < 0 || ctl_sql_begin(db, err) < 0)
		return -1;
	if (ctl_subnet_create(db, req->account_id, &vpc, cidr, zone, false,
	    false, req->now_ms, &it->s, err) < 0 || (spec != NULL &&
	    ctl_tags_set(db, req->account_id, it->s.id, spec->tags,
	    spec->n_tags, err) < 0) || ctl_sql_commit(db, err) < 0) {
		ctl_sql_rollback(db);
		return -1;
	}
	return ctl_tags_load(db, it->s.id, &it->tags, &it->n_tags, err);
}

int
ctl_subnets_create(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	struct ctl_tagspecs	 ts = { NULL, 0 };
	struct subnet_item	 it;
	struct mc_cidr		 cidr;
	const char		*vpc_id, *s, *zone = NULL;
	sqlite3			*db;
	int			 rc = -1;

	memset(&it, 0, sizeof(it));
	vpc_id = ctl_query_get(req->params, "VpcId");
	s = ctl_query_get(req->params, "CidrBlock");
	if (vpc_id == NULL || s == NULL)
		return mc_err_set(err, MC_EC_MISSING_PARAMETER, "The request "
		    "must contain the parameters VpcId and CidrBlock");
	if (!mc_cidr_parse(s, &cidr))
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE, "Value "
		    "(%.64s) for parameter cidrBlock is invalid. This is not a "
		    "valid CIDR block.", s);
	if (subnet_zone(req, &zone, err) < 0 ||
	    ctl_tagspecs_parse(req->params, subnet_tag_types, &ts, err) < 0)
		return -1;
	if ((db = ctl_vpcs_db(req, err)) != NULL) {
		rc = subnet_insert(req, db, vpc_id, &cidr, zone, &ts, &it, err);
		ctl_store_put(req->api->store, db);
	}
	if (rc == 0) {
		item_init(req, &it);
		subnet_xml(out, "subnet", &it);
	}
	free(it.tags);
	ctl_tagspecs_clear(&ts);
	return rc;
}

int
ctl_subnets_delete(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	const char		*id = ctl_query_get(req->params, "SubnetId");
	struct ctl_subnet	 s;
	sqlite3			*db;
	int			 rc = -1;

	if (id == NULL)
		return mc_err_set(err, MC_EC_MISSING_PARAMETER, "The request "
		    "must contain the parameter SubnetId");
	if ((db = ctl_vpcs_db(req, err)) == NULL)
		return -1;
	if (ctl_subnet_find(db, req->account_id, id, &s, err) == 0 &&
	    ctl_req_dry_run(req, err) == 0 && ctl_sql_begin(db, err) == 0) {
		if (ctl_subnet_delete(db, req->account_id, id, err) == 0 &&
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

enum {
	SF_ID, SF_VPC, SF_CIDR, SF_ZONE, SF_ZONE_ID, SF_DEFAULT, SF_MAP,
	SF_STATE, SF_OWNER, SF_COUNT, SF_ARN, SF_TAG,
};

static const struct ctl_filter_def subnet_filters[] = {
	{ "subnet-id", SF_ID }, { "vpc-id", SF_VPC }, { "cidr", SF_CIDR },
	{ "cidr-block", SF_CIDR }, { "cidrBlock", SF_CIDR },
	{ "availability-zone", SF_ZONE }, { "availabilityZone", SF_ZONE },
	{ "availability-zone-id", SF_ZONE_ID },
	{ "default-for-az", SF_DEFAULT }, { "defaultForAz", SF_DEFAULT },
	{ "map-public-ip-on-launch", SF_MAP }, { "state", SF_STATE },
	{ "owner-id", SF_OWNER }, { "available-ip-address-count", SF_COUNT },
	{ "subnet-arn", SF_ARN }, CTL_TAGS_FILTERS(SF_TAG),
};

static void
subnet_values(const void *res, const struct ctl_filter *f,
    struct ctl_fvals *fv)
{
	const struct subnet_item	*it = res;
	char				 c[MC_CIDR_STR_MAX];

	switch (f->field) {
	case SF_ID:	ctl_fvals_add(fv, it->s.id); break;
	case SF_VPC:	ctl_fvals_add(fv, it->s.vpc_id); break;
	case SF_CIDR:	ctl_fvals_addf(fv, "%s", mc_cidr_str(&it->s.cidr, c));
			break;
	case SF_ZONE:	ctl_fvals_add(fv, it->s.zone); break;
	case SF_ZONE_ID: ctl_fvals_add(fv, it->zone_id); break;
	case SF_DEFAULT: ctl_fvals_add(fv, it->s.default_for_az ? "true" :
			    "false"); break;
	case SF_MAP:	ctl_fvals_add(fv, it->s.map_public_ip ? "true" :
			    "false"); break;
	case SF_STATE:	ctl_fvals_add(fv, "available"); break;
	case SF_OWNER:	ctl_fvals_add(fv, it->s.account_id); break;
	case SF_COUNT:	ctl_fvals_addf(fv, "%llu", (unsigned long long)
			    (ctl_subnet_capacity(&it->s.cidr) - it->s.n_used));
			break;
	case SF_ARN:	ctl_fvals_add(fv, it->arn); break;
	case SF_TAG:	ctl_tags_fvals(it->tags, it->n_tags, f, fv); break;
	}
}

struct subnet_listing {
	struct ctl_subnet	*v;
	size_t			 n;
};

static bool
subnet_known(const void *ctx, const char *id)
{
	const struct subnet_listing	*l = ctx;
	size_t				 i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].id, id) == 0)
			return true;
	return false;
}

static int
subnets_page(const struct ctl_req *req, sqlite3 *db,
    const struct subnet_listing *l, const char **ids, size_t n_ids,
    const struct ctl_filters *f, const struct ctl_page *page,
    struct ctl_xml *out, struct mc_err *err)
{
	struct subnet_item	it;
	size_t			i, shown = 0;
	char			token[CTL_PAGE_TOKEN_MAX] = "";

	for (i = 0; i < n_ids; i++)
		if (mc_id_check(MC_ID_SUBNET, ids[i], err) < 0)
			return -1;
	if (ctl_params_all_known(ids, n_ids, subnet_known, l,
	    MC_EC_INVALID_SUBNET_ID_NOT_FOUND, "The subnet ID does not exist: ",
	    err) < 0)
		return -1;
	ctl_xml_open(out, "subnetSet");
	for (i = 0; i < l->n; i++) {
		if (!ctl_params_selects(ids, n_ids, l->v[i].id) ||
		    !ctl_page_after(page, l->v[i].id))
			continue;
		memset(&it, 0, sizeof(it));
		it.s = l->v[i];
		item_init(req, &it);
		if (ctl_tags_load(db, it.s.id, &it.tags, &it.n_tags, err) < 0)
			return -1;
		if (ctl_filters_match(f, subnet_values, &it)) {
			if (shown == page->max) {
				ctl_page_token(l->v[i - 1].id, token,
				    sizeof(token));
				free(it.tags);
				break;
			}
			subnet_xml(out, "item", &it);
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
ctl_subnets_describe(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	MC_AUTOFREE const char	**ids = NULL;
	struct subnet_listing	  l = { NULL, 0 };
	struct ctl_filters	  f = { NULL, 0 };
	struct ctl_page		  page;
	size_t			  n_ids = 0;
	sqlite3			 *db;
	int			  rc = -1;

	if (ctl_params_strlist(req->params, "SubnetId", &ids, &n_ids,
	    err) < 0 || ctl_page_parse(req->params, &paging, n_ids > 0, &page,
	    err) < 0 || ctl_filters_parse(req->params, subnet_filters,
	    MC_NELEMS(subnet_filters), &f, err) < 0)
		goto out;
	if ((db = ctl_vpcs_db(req, err)) == NULL)
		goto out;
	if (ctl_req_dry_run(req, err) == 0 &&
	    ctl_subnet_list(db, req->account_id, &l.v, &l.n, err) == 0)
		rc = subnets_page(req, db, &l, ids, n_ids, &f, &page, out, err);
	ctl_store_put(req->api->store, db);
out:
	free(l.v);
	ctl_filters_clear(&f);
	return rc;
}

int
ctl_subnets_modify_attr(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	const char		*id = ctl_query_get(req->params, "SubnetId");
	struct ctl_subnet	 s;
	bool			 map = false;
	sqlite3			*db;
	int			 rc = -1;

	if (id == NULL)
		return mc_err_set(err, MC_EC_MISSING_PARAMETER, "The request "
		    "must contain the parameter SubnetId");
	if (ctl_query_get(req->params, "MapPublicIpOnLaunch.Value") == NULL)
		return mc_err_set(err, MC_EC_MISSING_PARAMETER, "The request "
		    "must contain an attribute to modify "
		    "(MapPublicIpOnLaunch)");
	if (ctl_params_bool(req->params, "MapPublicIpOnLaunch.Value", &map,
	    err) < 0 || (db = ctl_vpcs_db(req, err)) == NULL)
		return -1;
	if (ctl_subnet_find(db, req->account_id, id, &s, err) == 0 &&
	    ctl_req_dry_run(req, err) == 0 &&
	    ctl_sql_run(db, err, "UPDATE subnets SET map_public_ip = ? WHERE "
	    "id = ?", "is", (int64_t)map, id) >= 0)
		rc = 0;
	ctl_store_put(req->api->store, db);
	if (rc == 0)
		ctl_xml_bool(out, "return", true);
	return rc;
}

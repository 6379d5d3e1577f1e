/*
 * ctl_enis_api: DescribeNetworkInterfaces and
 * ModifyNetworkInterfaceAttribute (its security groups, its
 * description).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_cleanup.h"
#include "mc_err.h"
#include "mc_ipv4.h"
#include "ctl_api.h"
#include "ctl_conf.h"
#include "ctl_eni.h"
#include "ctl_filter.h"
#include "ctl_notify.h"
#include "ctl_page.h"
#include "ctl_params.h"
#include "ctl_query.h"
#include "ctl_sg.h"
#include "ctl_sql.h"
#include "ctl_store.h"
#include "ctl_tags.h"
#include "ctl_vpcs.h"
#include "ctl_xml.h"

static const struct ctl_page_rules paging = { 5, 1000, 1000 };

struct eni_item {
	const struct ctl_eni	*e;
	char			 dns[300];
	char			 zone_id[96];
	struct ctl_tagkv	*tags;
	size_t			 n_tags;
};

static void
eni_xml(struct ctl_xml *x, const struct eni_item *it)
{
	const struct ctl_eni	*e = it->e;
	char			 ip[MC_IPV4_STR_MAX];

	mc_ipv4_str(e->ip, ip);
	ctl_xml_open(x, "item");
	ctl_xml_str(x, "networkInterfaceId", e->id);
	ctl_xml_str(x, "subnetId", e->subnet_id);
	ctl_xml_str(x, "vpcId", e->vpc_id);
	ctl_xml_str(x, "availabilityZone", e->zone);
	ctl_xml_str(x, "availabilityZoneId", it->zone_id);
	ctl_xml_str(x, "description", e->description);
	ctl_xml_str(x, "ownerId", e->account_id);
	ctl_xml_bool(x, "requesterManaged", false);
	ctl_xml_str(x, "status", e->instance_id[0] != '\0' ? "in-use" :
	    "available");
	ctl_xml_str(x, "macAddress", e->mac);
	ctl_xml_str(x, "privateIpAddress", ip);
	ctl_xml_str(x, "privateDnsName", it->dns);
	ctl_xml_bool(x, "sourceDestCheck", true);
	ctl_sg_set_xml(x, &e->groups);
	if (e->instance_id[0] != '\0') {
		ctl_xml_open(x, "attachment");
		ctl_xml_str(x, "attachmentId", e->attachment_id);
		ctl_xml_str(x, "instanceId", e->instance_id);
		ctl_xml_str(x, "instanceOwnerId", e->account_id);
		ctl_xml_int(x, "deviceIndex", e->device_index);
		ctl_xml_str(x, "status", "attached");
		ctl_xml_time(x, "attachTime", e->created_ms);
		ctl_xml_bool(x, "deleteOnTermination", true);
		ctl_xml_int(x, "networkCardIndex", 0);
		ctl_xml_close(x);
	}
	ctl_eni_association_xml(x, e);
	ctl_tags_xml(x, it->tags, it->n_tags);
	ctl_xml_open(x, "privateIpAddressesSet");
	ctl_xml_open(x, "item");
	ctl_xml_str(x, "privateIpAddress", ip);
	ctl_xml_str(x, "privateDnsName", it->dns);
	ctl_xml_bool(x, "primary", true);
	ctl_eni_association_xml(x, e);
	ctl_xml_close(x);
	ctl_xml_close(x);
	ctl_xml_empty(x, "ipv6AddressesSet");
	ctl_xml_str(x, "interfaceType", "interface");
	ctl_xml_close(x);
}

enum {
	EF_ID, EF_SUBNET, EF_VPC, EF_ZONE, EF_STATUS, EF_MAC, EF_IP, EF_DNS,
	EF_OWNER, EF_INSTANCE, EF_ATTACH, EF_PUBLIC, EF_TYPE, EF_TAG,
	EF_GROUP_ID, EF_GROUP_NAME,
};

static const struct ctl_filter_def eni_filters[] = {
	{ "network-interface-id", EF_ID }, { "subnet-id", EF_SUBNET },
	{ "vpc-id", EF_VPC }, { "availability-zone", EF_ZONE },
	{ "status", EF_STATUS }, { "mac-address", EF_MAC },
	{ "private-ip-address", EF_IP }, { "addresses.private-ip-address", EF_IP },
	{ "private-dns-name", EF_DNS }, { "owner-id", EF_OWNER },
	{ "attachment.instance-id", EF_INSTANCE },
	{ "attachment.attachment-id", EF_ATTACH },
	{ "association.public-ip", EF_PUBLIC },
	{ "interface-type", EF_TYPE }, { "group-id", EF_GROUP_ID },
	{ "group-name", EF_GROUP_NAME }, CTL_TAGS_FILTERS(EF_TAG),
};

static void
eni_values(const void *res, const struct ctl_filter *f, struct ctl_fvals *fv)
{
	const struct eni_item	*it = res;
	const struct ctl_eni	*e = it->e;
	char			 ip[MC_IPV4_STR_MAX];

	switch (f->field) {
	case EF_ID:	ctl_fvals_add(fv, e->id); break;
	case EF_SUBNET:	ctl_fvals_add(fv, e->subnet_id); break;
	case EF_VPC:	ctl_fvals_add(fv, e->vpc_id); break;
	case EF_ZONE:	ctl_fvals_add(fv, e->zone); break;
	case EF_STATUS:	ctl_fvals_add(fv, e->instance_id[0] != '\0' ?
			    "in-use" : "available"); break;
	case EF_MAC:	ctl_fvals_add(fv, e->mac); break;
	case EF_IP:	ctl_fvals_addf(fv, "%s", mc_ipv4_str(e->ip, ip)); break;
	case EF_DNS:	ctl_fvals_add(fv, it->dns); break;
	case EF_OWNER:	ctl_fvals_add(fv, e->account_id); break;
	case EF_INSTANCE: ctl_fvals_add(fv, e->instance_id); break;
	case EF_ATTACH:	ctl_fvals_add(fv, e->attachment_id); break;
	case EF_PUBLIC:
		if (e->public_ip != 0)
			ctl_fvals_addf(fv, "%s", mc_ipv4_str(e->public_ip, ip));
		break;
	case EF_TYPE:	ctl_fvals_add(fv, "interface"); break;
	case EF_TAG:	ctl_tags_fvals(it->tags, it->n_tags, f, fv); break;
	case EF_GROUP_ID:
	case EF_GROUP_NAME:
		ctl_sg_set_fvals(&e->groups, f->field == EF_GROUP_NAME, fv);
		break;
	}
}

struct eni_listing {
	struct ctl_eni	*v;
	size_t		 n;
};

static bool
eni_known(const void *ctx, const char *id)
{
	const struct eni_listing	*l = ctx;
	size_t				 i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].id, id) == 0)
			return true;
	return false;
}

static int
enis_page(const struct ctl_req *req, sqlite3 *db, const struct eni_listing *l,
    const char **ids, size_t n_ids, const struct ctl_filters *f,
    const struct ctl_page *page, struct ctl_xml *out, struct mc_err *err)
{
	struct eni_item	it;
	size_t		i, shown = 0;
	char		token[CTL_PAGE_TOKEN_MAX] = "";

	for (i = 0; i < n_ids; i++)
		if (mc_id_check(MC_ID_ENI, ids[i], err) < 0)
			return -1;
	if (ctl_params_all_known(ids, n_ids, eni_known, l,
	    MC_EC_INVALID_ENI_ID_NOT_FOUND, "The networkInterface ID does not "
	    "exist: ", err) < 0)
		return -1;
	ctl_xml_open(out, "networkInterfaceSet");
	for (i = 0; i < l->n; i++) {
		if (!ctl_params_selects(ids, n_ids, l->v[i].id) ||
		    !ctl_page_after(page, l->v[i].id))
			continue;
		memset(&it, 0, sizeof(it));
		it.e = &l->v[i];
		ctl_eni_dns_name(it.e->ip, req->api->conf->dns_domain, it.dns,
		    sizeof(it.dns));
		ctl_conf_zone_id(req->api->conf, it.e->zone, it.zone_id,
		    sizeof(it.zone_id));
		if (ctl_tags_load(db, it.e->id, &it.tags, &it.n_tags, err) < 0)
			return -1;
		if (ctl_filters_match(f, eni_values, &it)) {
			if (shown == page->max) {
				ctl_page_token(l->v[i - 1].id, token,
				    sizeof(token));
				free(it.tags);
				break;
			}
			eni_xml(out, &it);
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
ctl_enis_describe(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	MC_AUTOFREE const char	**ids = NULL;
	struct eni_listing	  l = { NULL, 0 };
	struct ctl_filters	  f = { NULL, 0 };
	struct ctl_page		  page;
	size_t			  n_ids = 0;
	sqlite3			 *db;
	int			  rc = -1;

	if (ctl_params_strlist(req->params, "NetworkInterfaceId", &ids, &n_ids,
	    err) < 0 || ctl_page_parse(req->params, &paging, n_ids > 0, &page,
	    err) < 0 || ctl_filters_parse(req->params, eni_filters,
	    MC_NELEMS(eni_filters), &f, err) < 0)
		goto out;
	if ((db = ctl_vpcs_db(req, err)) == NULL)
		goto out;
	if (ctl_req_dry_run(req, err) == 0 &&
	    ctl_eni_list(db, req->account_id, &l.v, &l.n, err) == 0)
		rc = enis_page(req, db, &l, ids, n_ids, &f, &page, out, err);
	ctl_store_put(req->api->store, db);
out:
	free(l.v);
	ctl_filters_clear(&f);
	return rc;
}

/* Change what the call names of e, in the caller's transaction. */
static int
modify_eni(const struct ctl_req *req, sqlite3 *db, const struct ctl_eni *e,
    const char *const *ids, size_t n_ids, const char *desc,
    struct mc_err *err)
{
	if (n_ids > 0)
		return ctl_sg_eni_replace(db, req->account_id, e->id,
		    e->vpc_id, ids, n_ids, err);
	if (strlen(desc) > 255)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE, "The "
		    "description of an interface is at most 255 characters");
	return ctl_sql_run(db, err, "UPDATE enis SET description = ? WHERE "
	    "id = ?", "ss", desc, e->id) < 0 ? -1 : 0;
}

int
ctl_enis_modify_attr(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	MC_AUTOFREE const char	**ids = NULL;
	const char		 *id, *desc;
	struct ctl_eni		  e;
	size_t			  n_ids = 0;
	sqlite3			 *db;
	int			  rc = -1;

	id = ctl_query_get(req->params, "NetworkInterfaceId");
	desc = ctl_query_get(req->params, "Description.Value");
	if (ctl_params_strlist(req->params, "SecurityGroupId", &ids, &n_ids,
	    err) < 0)
		return -1;
	if (id == NULL || (n_ids == 0) == (desc == NULL))
		return mc_err_set(err, id != NULL && desc != NULL ?
		    MC_EC_INVALID_PARAMETER_COMBINATION :
		    MC_EC_MISSING_PARAMETER, "The request must contain "
		    "NetworkInterfaceId and one attribute: SecurityGroupId.N "
		    "or Description.Value");
	if ((db = ctl_vpcs_db(req, err)) == NULL)
		return -1;
	if (ctl_eni_find(db, req->account_id, id, &e, err) < 0 ||
	    ctl_req_dry_run(req, err) < 0 || ctl_sql_begin(db, err) < 0)
		goto out;
	if (modify_eni(req, db, &e, ids, n_ids, desc, err) < 0 ||
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

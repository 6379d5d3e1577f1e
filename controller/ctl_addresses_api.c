/*
 * ctl_addresses_api: AllocateAddress, AssociateAddress,
 * DisassociateAddress, ReleaseAddress, DescribeAddresses.  A change that
 * moves an address between instances bumps their hosts' generations:
 * their agents rewire the translation at once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_cleanup.h"
#include "mc_err.h"
#include "mc_ipv4.h"
#include "mc_log.h"
#include "ctl_api.h"
#include "ctl_conf.h"
#include "ctl_eip.h"
#include "ctl_eni.h"
#include "ctl_filter.h"
#include "ctl_inst.h"
#include "ctl_notify.h"
#include "ctl_params.h"
#include "ctl_query.h"
#include "ctl_sql.h"
#include "ctl_store.h"
#include "ctl_tags.h"
#include "ctl_tagspec.h"
#include "ctl_vpcs.h"
#include "ctl_xml.h"

static const char *const eip_tag_types[] = { "elastic-ip", NULL };

int
ctl_addresses_allocate(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	const char			*domain, *addr;
	const struct ctl_tagspec	*spec;
	struct ctl_tagspecs		 ts = { NULL, 0 };
	struct ctl_eip			 eip;
	char				 ip[MC_IPV4_STR_MAX];
	sqlite3				*db;
	int				 rc = -1;

	domain = ctl_query_get(req->params, "Domain");
	if (domain != NULL && strcmp(domain, "vpc") != 0 &&
	    strcmp(domain, "standard") != 0)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE, "Domain "
		    "must be vpc, not '%.32s'", domain);
	if ((addr = ctl_query_get(req->params, "Address")) != NULL)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE, "This "
		    "cloud hands out public addresses from its pool: Address "
		    "cannot be chosen");
	if (ctl_tagspecs_parse(req->params, eip_tag_types, &ts, err) < 0)
		return -1;
	if ((db = ctl_store_get(req->api->store, err)) == NULL)
		goto out;
	if (ctl_req_dry_run(req, err) < 0 || ctl_sql_begin(db, err) < 0)
		goto put;
	spec = ctl_tagspecs_find(&ts, "elastic-ip");
	if (ctl_eip_allocate(db, req->api->conf, req->account_id, NULL,
	    req->now_ms, &eip, err) < 0 || (spec != NULL &&
	    ctl_tags_set(db, req->account_id, eip.id, spec->tags, spec->n_tags,
	    err) < 0) || ctl_sql_commit(db, err) < 0) {
		ctl_sql_rollback(db);
		goto put;
	}
	ctl_xml_str(out, "publicIp", mc_ipv4_str(eip.ip, ip));
	ctl_xml_str(out, "domain", "vpc");
	ctl_xml_str(out, "allocationId", eip.id);
	ctl_xml_str(out, "publicIpv4Pool", "minicloud");
	ctl_xml_str(out, "networkBorderGroup", req->api->conf->region);
	rc = 0;
put:
	ctl_store_put(req->api->store, db);
out:
	ctl_tagspecs_clear(&ts);
	return rc;
}

/* The address a call names: AllocationId, else PublicIp. */
static int
named_eip(const struct ctl_req *req, sqlite3 *db, struct ctl_eip *ret,
    struct mc_err *err)
{
	const char *id = ctl_query_get(req->params, "AllocationId");
	const char *ip = ctl_query_get(req->params, "PublicIp");

	if (id != NULL && ip != NULL)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_COMBINATION,
		    "Give AllocationId or PublicIp, not both");
	if (id != NULL)
		return ctl_eip_find(db, req->account_id, id, ret, err);
	if (ip != NULL)
		return ctl_eip_find_ip(db, req->account_id, ip, ret, err);
	return mc_err_set(err, MC_EC_MISSING_PARAMETER, "The request must "
	    "contain the parameter AllocationId or PublicIp");
}

/* The interface AssociateAddress targets: the instance's, or named. */
static int
target_eni(const struct ctl_req *req, sqlite3 *db, struct ctl_eni *ret,
    struct mc_err *err)
{
	const char	*iid = ctl_query_get(req->params, "InstanceId");
	const char	*eid = ctl_query_get(req->params, "NetworkInterfaceId");
	const char	*pip = ctl_query_get(req->params, "PrivateIpAddress");
	struct ctl_inst	 in;
	char		 a[MC_IPV4_STR_MAX];
	int		 found;

	if ((iid == NULL) == (eid == NULL))
		return mc_err_set(err, iid == NULL ? MC_EC_MISSING_PARAMETER :
		    MC_EC_INVALID_PARAMETER_COMBINATION, "Give InstanceId or "
		    "NetworkInterfaceId");
	if (eid != NULL && ctl_eni_find(db, req->account_id, eid, ret,
	    err) < 0)
		return -1;
	if (iid != NULL) {
		if (mc_id_check(MC_ID_INSTANCE, iid, err) < 0 ||
		    (found = ctl_inst_get(db, req->account_id, iid, &in,
		    err)) < 0)
			return -1;
		if (found == 0 || in.state == CTL_IS_TERMINATED)
			return mc_err_set(err, MC_EC_INVALID_INSTANCE_ID_NOT_FOUND,
			    "The instance ID '%s' does not exist", iid);
		if ((found = ctl_eni_of_instance(db, iid, ret, err)) <= 0)
			return found < 0 ? -1 : mc_err_set(err,
			    MC_EC_INVALID_INSTANCE_ID, "The instance '%s' has "
			    "no network interface", iid);
	}
	if (pip != NULL && strcmp(pip, mc_ipv4_str(ret->ip, a)) != 0)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE, "The "
		    "interface %s has no private address %.64s", ret->id, pip);
	return 0;
}

int
ctl_addresses_associate(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	struct ctl_eip	 eip;
	struct ctl_eni	 eni;
	char		 assoc[MC_ID_MAX];
	bool		 again = false;
	sqlite3		*db;
	int		 rc = -1;

	if (ctl_params_bool(req->params, "AllowReassociation", &again,
	    err) < 0 || (db = ctl_store_get(req->api->store, err)) == NULL)
		return -1;
	if (ctl_sql_begin(db, err) < 0)
		goto put;
	if (named_eip(req, db, &eip, err) < 0 ||
	    target_eni(req, db, &eni, err) < 0 ||
	    ctl_req_dry_run(req, err) < 0 ||
	    ctl_eip_associate(db, &eip, &eni, again, assoc, err) < 0 ||
	    ctl_sql_commit(db, err) < 0) {
		ctl_sql_rollback(db);
		goto put;
	}
	ctl_notify_bump();
	ctl_xml_bool(out, "return", true);
	ctl_xml_str(out, "associationId", assoc);
	rc = 0;
put:
	ctl_store_put(req->api->store, db);
	return rc;
}

int
ctl_addresses_disassociate(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	const char	*assoc = ctl_query_get(req->params, "AssociationId");
	const char	*ip = ctl_query_get(req->params, "PublicIp");
	struct ctl_eip	 eip;
	sqlite3		*db;
	int		 rc = -1;

	if ((assoc == NULL) == (ip == NULL))
		return mc_err_set(err, assoc == NULL ? MC_EC_MISSING_PARAMETER :
		    MC_EC_INVALID_PARAMETER_COMBINATION, "Give AssociationId "
		    "or PublicIp");
	if ((db = ctl_store_get(req->api->store, err)) == NULL)
		return -1;
	if (ctl_sql_begin(db, err) < 0)
		goto put;
	if ((assoc != NULL ? ctl_eip_find_assoc(db, req->account_id, assoc,
	    &eip, err) : ctl_eip_find_ip(db, req->account_id, ip, &eip,
	    err)) < 0 || ctl_req_dry_run(req, err) < 0 ||
	    (eip.eni_id[0] != '\0' && ctl_eip_disassociate(db, &eip,
	    err) < 0) || ctl_sql_commit(db, err) < 0) {
		ctl_sql_rollback(db);
		goto put;
	}
	ctl_notify_bump();
	ctl_xml_bool(out, "return", true);
	rc = 0;
put:
	ctl_store_put(req->api->store, db);
	return rc;
}

int
ctl_addresses_release(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	struct ctl_eip	 eip;
	sqlite3		*db;
	int		 rc = -1;

	if ((db = ctl_store_get(req->api->store, err)) == NULL)
		return -1;
	if (ctl_sql_begin(db, err) < 0)
		goto put;
	if (named_eip(req, db, &eip, err) < 0 ||
	    ctl_req_dry_run(req, err) < 0 ||
	    ctl_eip_release(db, &eip, err) < 0 || ctl_sql_commit(db, err) < 0) {
		ctl_sql_rollback(db);
		goto put;
	}
	ctl_xml_bool(out, "return", true);
	rc = 0;
put:
	ctl_store_put(req->api->store, db);
	return rc;
}

struct eip_item {
	const struct ctl_eip	*a;
	const char		*region;	/* the network border group */
	struct ctl_tagkv	*tags;
	size_t			 n_tags;
};

enum {
	AF_ALLOC, AF_ASSOC, AF_DOMAIN, AF_INSTANCE, AF_ENI, AF_ENI_OWNER,
	AF_PRIVATE, AF_PUBLIC, AF_BORDER, AF_TAG,
};

static const struct ctl_filter_def eip_filters[] = {
	{ "allocation-id", AF_ALLOC }, { "association-id", AF_ASSOC },
	{ "domain", AF_DOMAIN }, { "instance-id", AF_INSTANCE },
	{ "network-interface-id", AF_ENI },
	{ "network-interface-owner-id", AF_ENI_OWNER },
	{ "private-ip-address", AF_PRIVATE }, { "public-ip", AF_PUBLIC },
	{ "network-border-group", AF_BORDER }, CTL_TAGS_FILTERS(AF_TAG),
};

static void
eip_values(const void *res, const struct ctl_filter *f, struct ctl_fvals *fv)
{
	const struct eip_item	*it = res;
	const struct ctl_eip	*a = it->a;
	char			 ip[MC_IPV4_STR_MAX];

	switch (f->field) {
	case AF_ALLOC:	ctl_fvals_add(fv, a->id); break;
	case AF_ASSOC:	ctl_fvals_add(fv, a->assoc_id); break;
	case AF_DOMAIN:	ctl_fvals_add(fv, "vpc"); break;
	case AF_INSTANCE: ctl_fvals_add(fv, a->instance_id); break;
	case AF_ENI:	ctl_fvals_add(fv, a->eni_id); break;
	case AF_ENI_OWNER:
		if (a->eni_id[0] != '\0')
			ctl_fvals_add(fv, a->account_id);
		break;
	case AF_PRIVATE:
		if (a->private_ip != 0)
			ctl_fvals_addf(fv, "%s", mc_ipv4_str(a->private_ip, ip));
		break;
	case AF_PUBLIC:	ctl_fvals_addf(fv, "%s", mc_ipv4_str(a->ip, ip)); break;
	case AF_BORDER:	ctl_fvals_add(fv, it->region); break;
	case AF_TAG:	ctl_tags_fvals(it->tags, it->n_tags, f, fv); break;
	}
}

static void
eip_xml(struct ctl_xml *x, const struct eip_item *it)
{
	const struct ctl_eip	*a = it->a;
	char			 ip[MC_IPV4_STR_MAX];

	ctl_xml_open(x, "item");
	ctl_xml_str(x, "publicIp", mc_ipv4_str(a->ip, ip));
	ctl_xml_str(x, "allocationId", a->id);
	ctl_xml_str(x, "domain", "vpc");
	if (a->eni_id[0] != '\0') {
		ctl_xml_str(x, "associationId", a->assoc_id);
		ctl_xml_str(x, "networkInterfaceId", a->eni_id);
		ctl_xml_str(x, "networkInterfaceOwnerId", a->account_id);
		ctl_xml_str(x, "privateIpAddress", mc_ipv4_str(a->private_ip,
		    ip));
		if (a->instance_id[0] != '\0')
			ctl_xml_str(x, "instanceId", a->instance_id);
	}
	ctl_xml_str(x, "publicIpv4Pool", "minicloud");
	ctl_xml_str(x, "networkBorderGroup", it->region);
	ctl_tags_xml(x, it->tags, it->n_tags);
	ctl_xml_close(x);
}

struct eip_listing {
	struct ctl_eip	*v;
	size_t		 n;
};

static bool
alloc_known(const void *ctx, const char *id)
{
	const struct eip_listing	*l = ctx;
	size_t				 i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].id, id) == 0)
			return true;
	return false;
}

static bool
ip_known(const void *ctx, const char *s)
{
	const struct eip_listing	*l = ctx;
	uint32_t			 a;
	size_t				 i;

	if (!mc_ipv4_parse(s, &a))
		return false;
	for (i = 0; i < l->n; i++)
		if (l->v[i].ip == a)
			return true;
	return false;
}

/* Is item i selected by the ids and addresses asked for? */
static bool
selected(const struct ctl_eip *a, const char **ids, size_t n_ids,
    const char **ips, size_t n_ips)
{
	char ip[MC_IPV4_STR_MAX];

	return ctl_params_selects(ids, n_ids, a->id) &&
	    ctl_params_selects(ips, n_ips, mc_ipv4_str(a->ip, ip));
}

int
ctl_addresses_describe(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	MC_AUTOFREE const char	**ids = NULL, **ips = NULL;
	struct eip_listing	  l = { NULL, 0 };
	struct ctl_filters	  f = { NULL, 0 };
	struct eip_item		  it;
	size_t			  n_ids = 0, n_ips = 0, i;
	sqlite3			 *db;
	int			  rc = -1;

	if (ctl_params_strlist(req->params, "AllocationId", &ids, &n_ids,
	    err) < 0 || ctl_params_strlist(req->params, "PublicIp", &ips,
	    &n_ips, err) < 0 || ctl_filters_parse(req->params, eip_filters,
	    MC_NELEMS(eip_filters), &f, err) < 0)
		goto out;
	for (i = 0; i < n_ids; i++)
		if (mc_id_check(MC_ID_EIP_ALLOC, ids[i], err) < 0)
			goto out;
	if ((db = ctl_store_get(req->api->store, err)) == NULL)
		goto out;
	if (ctl_req_dry_run(req, err) < 0 ||
	    ctl_eip_list(db, req->account_id, &l.v, &l.n, err) < 0 ||
	    ctl_params_all_known(ids, n_ids, alloc_known, &l,
	    MC_EC_INVALID_ALLOCATION_ID_NOT_FOUND, "The allocation IDs do not "
	    "exist: ", err) < 0 || ctl_params_all_known(ips, n_ips, ip_known,
	    &l, MC_EC_INVALID_ADDRESS_NOT_FOUND, "Address not found: ",
	    err) < 0)
		goto put;
	ctl_xml_open(out, "addressesSet");
	for (i = 0, rc = 0; i < l.n && rc == 0; i++) {
		if (!selected(&l.v[i], ids, n_ids, ips, n_ips))
			continue;
		memset(&it, 0, sizeof(it));
		it.a = &l.v[i];
		it.region = req->api->conf->region;
		if ((rc = ctl_tags_load(db, it.a->id, &it.tags, &it.n_tags,
		    err)) == 0 && ctl_filters_match(&f, eip_values, &it))
			eip_xml(out, &it);
		free(it.tags);
	}
	ctl_xml_close(out);
put:
	ctl_store_put(req->api->store, db);
out:
	free(l.v);
	ctl_filters_clear(&f);
	return rc;
}

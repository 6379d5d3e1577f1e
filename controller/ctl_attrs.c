/*
 * ctl_attrs: account attributes.  Each row names an attribute and how
 * its value is found; the limits come from the controller's config.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_cleanup.h"
#include "mc_err.h"
#include "ctl_api.h"
#include "ctl_attrs.h"
#include "ctl_conf.h"
#include "ctl_params.h"
#include "ctl_store.h"
#include "ctl_vpc.h"
#include "ctl_vpcs.h"
#include "ctl_xml.h"

/* Security groups an interface may have, as on EC2. */
#define SG_PER_INTERFACE	5

static void
attr_platforms(const struct ctl_req *req, char *buf, size_t n)
{
	(void)req;
	(void)snprintf(buf, n, "VPC");
}

/* The account's default VPC, made now if EC2 would have it. */
static void
attr_default_vpc(const struct ctl_req *req, char *buf, size_t n)
{
	struct mc_err	 err = { MC_EC_NONE, 0, "" };
	struct ctl_vpc	*v = NULL;
	size_t		 nv = 0, i;
	sqlite3		*db;

	(void)snprintf(buf, n, "none");
	if ((db = ctl_vpcs_db(req, &err)) == NULL)
		return;
	if (ctl_vpc_list(db, req->account_id, &v, &nv, &err) == 0)
		for (i = 0; i < nv; i++)
			if (v[i].is_default)
				(void)snprintf(buf, n, "%s", v[i].id);
	ctl_store_put(req->api->store, db);
	free(v);
}

static void
attr_max_instances(const struct ctl_req *req, char *buf, size_t n)
{
	(void)snprintf(buf, n, "%lld", req->api->conf->max_instances);
}

static void
attr_sg_per_if(const struct ctl_req *req, char *buf, size_t n)
{
	(void)req;
	(void)snprintf(buf, n, "%d", SG_PER_INTERFACE);
}

static void
attr_max_eips(const struct ctl_req *req, char *buf, size_t n)
{
	(void)snprintf(buf, n, "%lld", req->api->conf->max_elastic_ips);
}

static const struct {
	const char	*name;
	void		(*value)(const struct ctl_req *, char *, size_t);
} attrs[] = {
	{ "supported-platforms",			attr_platforms },
	{ "default-vpc",				attr_default_vpc },
	{ "max-instances",				attr_max_instances },
	{ "vpc-max-security-groups-per-interface",	attr_sg_per_if },
	{ "max-elastic-ips",				attr_max_eips },
	{ "vpc-max-elastic-ips",			attr_max_eips },
};

static bool
known_attr(const void *ctx, const char *name)
{
	size_t i;

	(void)ctx;
	for (i = 0; i < MC_NELEMS(attrs); i++)
		if (strcmp(attrs[i].name, name) == 0)
			return true;
	return false;
}

int
ctl_attrs_describe(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	MC_AUTOFREE const char	**names = NULL;
	char			  value[64];
	size_t			  n = 0, j;

	if (ctl_params_strlist(req->params, "AttributeName", &names, &n,
	    err) < 0 ||
	    ctl_params_all_known(names, n, known_attr, NULL,
	    MC_EC_INVALID_PARAMETER_VALUE, "Invalid account attribute names: ",
	    err) < 0 ||
	    ctl_req_dry_run(req, err) < 0)
		return -1;
	ctl_xml_open(out, "accountAttributeSet");
	for (j = 0; j < MC_NELEMS(attrs); j++) {
		if (!ctl_params_selects(names, n, attrs[j].name))
			continue;
		attrs[j].value(req, value, sizeof(value));
		ctl_xml_open(out, "item");
		ctl_xml_str(out, "attributeName", attrs[j].name);
		ctl_xml_open(out, "attributeValueSet");
		ctl_xml_open(out, "item");
		ctl_xml_str(out, "attributeValue", value);
		ctl_xml_close(out);
		ctl_xml_close(out);
		ctl_xml_close(out);
	}
	ctl_xml_close(out);
	return 0;
}

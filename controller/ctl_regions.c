/*
 * ctl_regions: the region this controller serves and its zones, whose
 * state comes from their hosts (ctl_hstate).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_cleanup.h"
#include "mc_err.h"
#include "ctl_api.h"
#include "ctl_conf.h"
#include "ctl_filter.h"
#include "ctl_hosts.h"
#include "ctl_hstate.h"
#include "ctl_params.h"
#include "ctl_regions.h"
#include "ctl_store.h"
#include "ctl_xml.h"

#define OPT_IN		"opt-in-not-required"

enum { R_NAME, R_ENDPOINT, R_OPT_IN };

static const struct ctl_filter_def region_filters[] = {
	{ "region-name",	R_NAME },
	{ "endpoint",		R_ENDPOINT },
	{ "opt-in-status",	R_OPT_IN },
};

enum { Z_NAME, Z_ID, Z_STATE, Z_REGION, Z_TYPE, Z_GROUP, Z_OPT_IN };

static const struct ctl_filter_def zone_filters[] = {
	{ "zone-name",			Z_NAME },
	{ "zone-id",			Z_ID },
	{ "state",			Z_STATE },
	{ "region-name",		Z_REGION },
	{ "zone-type",			Z_TYPE },
	{ "group-name",			Z_GROUP },
	{ "network-border-group",	Z_GROUP },
	{ "opt-in-status",		Z_OPT_IN },
};

/* A zone as the filters and the XML see it. */
struct zone {
	const char	*name;
	const char	*region;
	char		 id[80];
	const char	*state;
	char		 msg[160];	/* "" : no message */
};

static const struct ctl_conf *
conf_of(const struct ctl_req *req)
{
	return req->api->conf;
}

static bool
known_region(const void *ctx, const char *name)
{
	return strcmp(((const struct ctl_conf *)ctx)->region, name) == 0;
}

static bool
known_zone(const void *ctx, const char *name)
{
	const struct ctl_conf	*c = ctx;
	size_t			 i;

	for (i = 0; i < c->zones.n; i++)
		if (strcmp(c->zones.v[i], name) == 0)
			return true;
	return false;
}

static void
region_values(const void *res, const struct ctl_filter *f,
    struct ctl_fvals *fv)
{
	const struct ctl_conf *c = res;

	switch (f->field) {
	case R_NAME:		ctl_fvals_add(fv, c->region); break;
	case R_ENDPOINT:	ctl_fvals_add(fv, c->public_url); break;
	case R_OPT_IN:		ctl_fvals_add(fv, OPT_IN); break;
	}
}

int
ctl_regions_describe(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	const struct ctl_conf	 *c = conf_of(req);
	MC_AUTOFREE const char	**names = NULL;
	struct ctl_filters	  f = { NULL, 0 };
	size_t			  n = 0;
	bool			  all = false;

	if (ctl_params_strlist(req->params, "RegionName", &names, &n, err) < 0 ||
	    ctl_params_all_known(names, n, known_region, c,
	    MC_EC_INVALID_PARAMETER_VALUE, "Invalid region names: ", err) < 0 ||
	    ctl_params_bool(req->params, "AllRegions", &all, err) < 0 ||
	    ctl_filters_parse(req->params, region_filters,
	    MC_NELEMS(region_filters), &f, err) < 0)
		return -1;
	if (ctl_req_dry_run(req, err) < 0) {
		ctl_filters_clear(&f);
		return -1;
	}
	ctl_xml_open(out, "regionInfo");
	if (ctl_params_selects(names, n, c->region) &&
	    ctl_filters_match(&f, region_values, c)) {
		ctl_xml_open(out, "item");
		ctl_xml_str(out, "regionName", c->region);
		ctl_xml_str(out, "regionEndpoint", c->public_url);
		ctl_xml_str(out, "optInStatus", OPT_IN);
		ctl_xml_close(out);
	}
	ctl_xml_close(out);
	ctl_filters_clear(&f);
	return 0;
}

static void
zone_values(const void *res, const struct ctl_filter *f, struct ctl_fvals *fv)
{
	const struct zone *z = res;

	switch (f->field) {
	case Z_NAME:	ctl_fvals_add(fv, z->name); break;
	case Z_ID:	ctl_fvals_add(fv, z->id); break;
	case Z_STATE:	ctl_fvals_add(fv, z->state); break;
	case Z_REGION:	/* FALLTHROUGH: a zone's group is its region */
	case Z_GROUP:	ctl_fvals_add(fv, z->region); break;
	case Z_TYPE:	ctl_fvals_add(fv, "availability-zone"); break;
	case Z_OPT_IN:	ctl_fvals_add(fv, OPT_IN); break;
	}
}

static void
zone_xml(struct ctl_xml *x, const struct zone *z)
{
	ctl_xml_open(x, "item");
	ctl_xml_str(x, "zoneName", z->name);
	ctl_xml_str(x, "zoneState", z->state);
	ctl_xml_str(x, "regionName", z->region);
	ctl_xml_str(x, "zoneId", z->id);
	ctl_xml_str(x, "zoneType", "availability-zone");
	ctl_xml_str(x, "optInStatus", OPT_IN);
	ctl_xml_str(x, "groupName", z->region);
	ctl_xml_str(x, "networkBorderGroup", z->region);
	if (z->msg[0] == '\0') {
		ctl_xml_empty(x, "messageSet");
	} else {
		ctl_xml_open(x, "messageSet");
		ctl_xml_open(x, "item");
		ctl_xml_str(x, "message", z->msg);
		ctl_xml_close(x);
		ctl_xml_close(x);
	}
	ctl_xml_close(x);
}

/*
 * Fill z for zone number i of the configuration; its state from hosts
 * v[0..n) (none given: not wanted).
 */
static void
zone_at(const struct ctl_conf *c, size_t i, const struct ctl_host *v,
    size_t n, struct zone *z)
{
	z->name = c->zones.v[i];
	z->region = c->region;
	ctl_conf_zone_id(c, z->name, z->id, sizeof(z->id));
	z->state = ctl_hstate_zone_name(ctl_hstate_zone(v, n, z->name,
	    z->msg, sizeof(z->msg)));
}

/* Every host, live as the API sees them. */
static int
load_hosts(const struct ctl_req *req, struct ctl_host **ret, size_t *ret_n,
    struct mc_err *err)
{
	sqlite3	*db;
	int	 rc;

	if ((db = ctl_store_get(req->api->store, err)) == NULL)
		return -1;
	rc = ctl_hosts_list(db, req->now_ms, conf_of(req)->host_timeout_s *
	    1000, ret, ret_n, err);
	ctl_store_put(req->api->store, db);
	return rc;
}

/* Zone IDs are derived, so check ZoneId.N against them one by one. */
static int
check_zone_ids(const struct ctl_conf *c, const char **ids, size_t n,
    struct mc_err *err)
{
	struct zone	z;
	size_t		i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < c->zones.n; j++) {
			zone_at(c, j, NULL, 0, &z);
			if (strcmp(z.id, ids[i]) == 0)
				break;
		}
		if (j == c->zones.n)
			return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
			    "Invalid availability zone ID: [%.64s]", ids[i]);
	}
	return 0;
}

int
ctl_zones_describe(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	const struct ctl_conf	 *c = conf_of(req);
	MC_AUTOFREE const char	**names = NULL;
	MC_AUTOFREE const char	**ids = NULL;
	MC_AUTOFREE struct ctl_host *hosts = NULL;
	struct ctl_filters	  f = { NULL, 0 };
	struct zone		  z;
	size_t			  n_names = 0, n_ids = 0, n_hosts = 0, i;
	bool			  all = false;

	if (ctl_params_strlist(req->params, "ZoneName", &names, &n_names,
	    err) < 0 ||
	    ctl_params_strlist(req->params, "ZoneId", &ids, &n_ids, err) < 0 ||
	    ctl_params_all_known(names, n_names, known_zone, c,
	    MC_EC_INVALID_PARAMETER_VALUE, "Invalid availability zone: ",
	    err) < 0 ||
	    check_zone_ids(c, ids, n_ids, err) < 0 ||
	    ctl_params_bool(req->params, "AllAvailabilityZones", &all,
	    err) < 0 ||
	    ctl_filters_parse(req->params, zone_filters,
	    MC_NELEMS(zone_filters), &f, err) < 0)
		return -1;
	if (ctl_req_dry_run(req, err) < 0 ||
	    load_hosts(req, &hosts, &n_hosts, err) < 0) {
		ctl_filters_clear(&f);
		return -1;
	}
	ctl_xml_open(out, "availabilityZoneInfo");
	for (i = 0; i < c->zones.n; i++) {
		zone_at(c, i, hosts, n_hosts, &z);
		if (ctl_params_selects(names, n_names, z.name) &&
		    ctl_params_selects(ids, n_ids, z.id) &&
		    ctl_filters_match(&f, zone_values, &z))
			zone_xml(out, &z);
	}
	ctl_xml_close(out);
	ctl_filters_clear(&f);
	return 0;
}

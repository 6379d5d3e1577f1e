/*
 * ctl_actions: every EC2 action this controller answers, with the
 * parameters each accepts.  A new action is a new row (kept sorted by
 * name: lookups are a binary search).  Action, Version, DryRun and the
 * presigned URL's X-Amz-* parameters are handled by the front door.
 */
#include <stdlib.h>
#include <string.h>

#include "mc_cleanup.h"
#include "ctl_api.h"
#include "ctl_attrs.h"
#include "ctl_itypes.h"
#include "ctl_regions.h"

#define FILTER_PARAMS \
	{ "Filter.N.Name", CTL_P_STR }, \
	{ "Filter.N.Value.N", CTL_P_STR }

static const struct ctl_pspec p_account_attributes[] = {
	{ "AttributeName.N", CTL_P_STR },
};

static const struct ctl_pspec p_availability_zones[] = {
	{ "ZoneName.N", CTL_P_STR },
	{ "ZoneId.N", CTL_P_STR },
	{ "AllAvailabilityZones", CTL_P_BOOL },
	FILTER_PARAMS,
};

static const struct ctl_pspec p_instance_types[] = {
	{ "InstanceType.N", CTL_P_STR },
	{ "IncludeUnsupportedInRegion", CTL_P_BOOL },
	{ "MaxResults", CTL_P_INT },
	{ "NextToken", CTL_P_STR },
	FILTER_PARAMS,
};

static const struct ctl_pspec p_regions[] = {
	{ "RegionName.N", CTL_P_STR },
	{ "AllRegions", CTL_P_BOOL },
	FILTER_PARAMS,
};

#define ACTION(name, fn, params) \
	{ name, fn, params, MC_NELEMS(params) }

const struct ctl_action ctl_actions[] = {
	ACTION("DescribeAccountAttributes", ctl_attrs_describe,
	    p_account_attributes),
	ACTION("DescribeAvailabilityZones", ctl_zones_describe,
	    p_availability_zones),
	ACTION("DescribeInstanceTypes", ctl_itypes_describe, p_instance_types),
	ACTION("DescribeRegions", ctl_regions_describe, p_regions),
};

const size_t ctl_n_actions = MC_NELEMS(ctl_actions);

static int
action_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct ctl_action *)elem)->name);
}

const struct ctl_action *
ctl_action_find(const char *name)
{
	return bsearch(name, ctl_actions, ctl_n_actions, sizeof(ctl_actions[0]),
	    action_cmp);
}

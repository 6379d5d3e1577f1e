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
#include "ctl_images.h"
#include "ctl_instances.h"
#include "ctl_itypes.h"
#include "ctl_keypairs.h"
#include "ctl_regions.h"
#include "ctl_tags.h"

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

#define TAGSPEC_PARAMS \
	{ "TagSpecification.N.ResourceType", CTL_P_STR }, \
	{ "TagSpecification.N.Tag.N.Key", CTL_P_STR }, \
	{ "TagSpecification.N.Tag.N.Value", CTL_P_STR }

#define PAGE_PARAMS \
	{ "MaxResults", CTL_P_INT }, \
	{ "NextToken", CTL_P_STR }

static const struct ctl_pspec p_instance_ids[] = {
	{ "InstanceId.N", CTL_P_STR },
};

static const struct ctl_pspec p_stop[] = {
	{ "InstanceId.N", CTL_P_STR },
	{ "Force", CTL_P_BOOL },
	{ "Hibernate", CTL_P_BOOL },
};

static const struct ctl_pspec p_terminate[] = {
	{ "InstanceId.N", CTL_P_STR },
};

static const struct ctl_pspec p_run[] = {
	{ "ImageId", CTL_P_STR },
	{ "InstanceType", CTL_P_STR },
	{ "MinCount", CTL_P_INT },
	{ "MaxCount", CTL_P_INT },
	{ "KeyName", CTL_P_STR },
	{ "UserData", CTL_P_STR },
	{ "ClientToken", CTL_P_STR },
	{ "Placement.AvailabilityZone", CTL_P_STR },
	{ "InstanceInitiatedShutdownBehavior", CTL_P_STR },
	{ "DisableApiTermination", CTL_P_BOOL },
	TAGSPEC_PARAMS,
};

static const struct ctl_pspec p_describe_instances[] = {
	{ "InstanceId.N", CTL_P_STR },
	PAGE_PARAMS,
	FILTER_PARAMS,
};

static const struct ctl_pspec p_instance_status[] = {
	{ "InstanceId.N", CTL_P_STR },
	{ "IncludeAllInstances", CTL_P_BOOL },
	PAGE_PARAMS,
	FILTER_PARAMS,
};

static const struct ctl_pspec p_console[] = {
	{ "InstanceId", CTL_P_STR },
	{ "Latest", CTL_P_BOOL },
};

static const struct ctl_pspec p_modify_instance[] = {
	{ "InstanceId", CTL_P_STR },
	{ "Attribute", CTL_P_STR },
	{ "Value", CTL_P_STR },
	{ "InstanceType.Value", CTL_P_STR },
	{ "UserData.Value", CTL_P_STR },
	{ "DisableApiTermination.Value", CTL_P_STR },
	{ "InstanceInitiatedShutdownBehavior.Value", CTL_P_STR },
};

static const struct ctl_pspec p_describe_instance_attr[] = {
	{ "InstanceId", CTL_P_STR },
	{ "Attribute", CTL_P_STR },
};

static const struct ctl_pspec p_register_image[] = {
	{ "Name", CTL_P_STR },
	{ "ImageLocation", CTL_P_STR },
	{ "Description", CTL_P_STR },
	{ "Architecture", CTL_P_STR },
	{ "RootDeviceName", CTL_P_STR },
	{ "KernelId", CTL_P_STR },
	{ "RamdiskId", CTL_P_STR },
	{ "VirtualizationType", CTL_P_STR },
	TAGSPEC_PARAMS,
};

static const struct ctl_pspec p_describe_images[] = {
	{ "ImageId.N", CTL_P_STR },
	{ "Owner.N", CTL_P_STR },
	{ "ExecutableBy.N", CTL_P_STR },
	{ "IncludeDeprecated", CTL_P_BOOL },
	{ "IncludeDisabled", CTL_P_BOOL },
	PAGE_PARAMS,
	FILTER_PARAMS,
};

static const struct ctl_pspec p_deregister_image[] = {
	{ "ImageId", CTL_P_STR },
	{ "DeleteAssociatedSnapshots", CTL_P_BOOL },
};

static const struct ctl_pspec p_describe_image_attr[] = {
	{ "ImageId", CTL_P_STR },
	{ "Attribute", CTL_P_STR },
};

static const struct ctl_pspec p_modify_image_attr[] = {
	{ "ImageId", CTL_P_STR },
	{ "Attribute", CTL_P_STR },
	{ "OperationType", CTL_P_STR },
	{ "Value", CTL_P_STR },
	{ "UserId.N", CTL_P_STR },
	{ "UserGroup.N", CTL_P_STR },
	{ "Description.Value", CTL_P_STR },
	{ "LaunchPermission.Add.N.UserId", CTL_P_STR },
	{ "LaunchPermission.Add.N.Group", CTL_P_STR },
	{ "LaunchPermission.Remove.N.UserId", CTL_P_STR },
	{ "LaunchPermission.Remove.N.Group", CTL_P_STR },
};

static const struct ctl_pspec p_tags[] = {
	{ "ResourceId.N", CTL_P_STR },
	{ "Tag.N.Key", CTL_P_STR },
	{ "Tag.N.Value", CTL_P_STR },
};

static const struct ctl_pspec p_describe_tags[] = {
	PAGE_PARAMS,
	FILTER_PARAMS,
};

static const struct ctl_pspec p_create_key_pair[] = {
	{ "KeyName", CTL_P_STR },
	{ "KeyType", CTL_P_STR },
	{ "KeyFormat", CTL_P_STR },
	TAGSPEC_PARAMS,
};

static const struct ctl_pspec p_import_key_pair[] = {
	{ "KeyName", CTL_P_STR },
	{ "PublicKeyMaterial", CTL_P_STR },
	TAGSPEC_PARAMS,
};

static const struct ctl_pspec p_describe_key_pairs[] = {
	{ "KeyName.N", CTL_P_STR },
	{ "KeyPairId.N", CTL_P_STR },
	{ "IncludePublicKey", CTL_P_BOOL },
	FILTER_PARAMS,
};

static const struct ctl_pspec p_delete_key_pair[] = {
	{ "KeyName", CTL_P_STR },
	{ "KeyPairId", CTL_P_STR },
};

#define ACTION(name, fn, params) \
	{ name, fn, params, MC_NELEMS(params) }

const struct ctl_action ctl_actions[] = {
	ACTION("CreateKeyPair", ctl_keypairs_create, p_create_key_pair),
	ACTION("CreateTags", ctl_tags_create, p_tags),
	ACTION("DeleteKeyPair", ctl_keypairs_delete, p_delete_key_pair),
	ACTION("DeleteTags", ctl_tags_delete, p_tags),
	ACTION("DeregisterImage", ctl_images_deregister, p_deregister_image),
	ACTION("DescribeAccountAttributes", ctl_attrs_describe,
	    p_account_attributes),
	ACTION("DescribeAvailabilityZones", ctl_zones_describe,
	    p_availability_zones),
	ACTION("DescribeImageAttribute", ctl_images_describe_attr,
	    p_describe_image_attr),
	ACTION("DescribeImages", ctl_images_describe, p_describe_images),
	ACTION("DescribeInstanceAttribute", ctl_instances_describe_attr,
	    p_describe_instance_attr),
	ACTION("DescribeInstanceStatus", ctl_instances_status,
	    p_instance_status),
	ACTION("DescribeInstanceTypes", ctl_itypes_describe, p_instance_types),
	ACTION("DescribeInstances", ctl_instances_describe,
	    p_describe_instances),
	ACTION("DescribeKeyPairs", ctl_keypairs_describe,
	    p_describe_key_pairs),
	ACTION("DescribeRegions", ctl_regions_describe, p_regions),
	ACTION("DescribeTags", ctl_tags_describe, p_describe_tags),
	ACTION("GetConsoleOutput", ctl_instances_console, p_console),
	ACTION("ImportKeyPair", ctl_keypairs_import, p_import_key_pair),
	ACTION("ModifyImageAttribute", ctl_images_modify_attr,
	    p_modify_image_attr),
	ACTION("ModifyInstanceAttribute", ctl_instances_modify_attr,
	    p_modify_instance),
	ACTION("RebootInstances", ctl_instances_reboot, p_instance_ids),
	ACTION("RegisterImage", ctl_images_register, p_register_image),
	ACTION("RunInstances", ctl_instances_run, p_run),
	ACTION("StartInstances", ctl_instances_start, p_instance_ids),
	ACTION("StopInstances", ctl_instances_stop, p_stop),
	ACTION("TerminateInstances", ctl_instances_terminate, p_terminate),
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

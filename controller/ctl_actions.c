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
#include "ctl_mdopts.h"
#include "ctl_keypairs.h"
#include "ctl_regions.h"
#include "ctl_sgs.h"
#include "ctl_snaps.h"
#include "ctl_tags.h"
#include "ctl_vols.h"
#include "ctl_vpcs.h"

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

#define MDOPTS_PARAMS(p) \
	{ p "HttpTokens", CTL_P_STR }, \
	{ p "HttpPutResponseHopLimit", CTL_P_INT }, \
	{ p "HttpEndpoint", CTL_P_STR }, \
	{ p "HttpProtocolIpv6", CTL_P_STR }, \
	{ p "InstanceMetadataTags", CTL_P_STR }

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
	{ "SubnetId", CTL_P_STR },
	{ "PrivateIpAddress", CTL_P_STR },
	{ "NetworkInterface.N.DeviceIndex", CTL_P_INT },
	{ "NetworkInterface.N.SubnetId", CTL_P_STR },
	{ "NetworkInterface.N.PrivateIpAddress", CTL_P_STR },
	{ "NetworkInterface.N.AssociatePublicIpAddress", CTL_P_BOOL },
	{ "NetworkInterface.N.DeleteOnTermination", CTL_P_BOOL },
	{ "NetworkInterface.N.SecurityGroupId.N", CTL_P_STR },
	{ "SecurityGroupId.N", CTL_P_STR },
	{ "SecurityGroup.N", CTL_P_STR },
	{ "BlockDeviceMapping.N.DeviceName", CTL_P_STR },
	{ "BlockDeviceMapping.N.NoDevice", CTL_P_STR },
	{ "BlockDeviceMapping.N.VirtualName", CTL_P_STR },
	{ "BlockDeviceMapping.N.Ebs.DeleteOnTermination", CTL_P_BOOL },
	{ "BlockDeviceMapping.N.Ebs.Encrypted", CTL_P_BOOL },
	{ "BlockDeviceMapping.N.Ebs.Iops", CTL_P_INT },
	{ "BlockDeviceMapping.N.Ebs.KmsKeyId", CTL_P_STR },
	{ "BlockDeviceMapping.N.Ebs.SnapshotId", CTL_P_STR },
	{ "BlockDeviceMapping.N.Ebs.Throughput", CTL_P_INT },
	{ "BlockDeviceMapping.N.Ebs.VolumeSize", CTL_P_INT },
	{ "BlockDeviceMapping.N.Ebs.VolumeType", CTL_P_STR },
	MDOPTS_PARAMS("MetadataOptions."),
	TAGSPEC_PARAMS,
};

static const struct ctl_pspec p_modify_mdopts[] = {
	{ "InstanceId", CTL_P_STR },
	MDOPTS_PARAMS(""),
};

static const struct ctl_pspec p_create_vpc[] = {
	{ "CidrBlock", CTL_P_STR },
	{ "InstanceTenancy", CTL_P_STR },
	{ "AmazonProvidedIpv6CidrBlock", CTL_P_BOOL },
	TAGSPEC_PARAMS,
};

static const struct ctl_pspec p_vpc_id[] = {
	{ "VpcId", CTL_P_STR },
};

static const struct ctl_pspec p_describe_vpcs[] = {
	{ "VpcId.N", CTL_P_STR },
	PAGE_PARAMS,
	FILTER_PARAMS,
};

static const struct ctl_pspec p_describe_vpc_attr[] = {
	{ "VpcId", CTL_P_STR },
	{ "Attribute", CTL_P_STR },
};

static const struct ctl_pspec p_modify_vpc_attr[] = {
	{ "VpcId", CTL_P_STR },
	{ "EnableDnsSupport.Value", CTL_P_BOOL },
	{ "EnableDnsHostnames.Value", CTL_P_BOOL },
};

static const struct ctl_pspec p_create_subnet[] = {
	{ "VpcId", CTL_P_STR },
	{ "CidrBlock", CTL_P_STR },
	{ "AvailabilityZone", CTL_P_STR },
	{ "AvailabilityZoneId", CTL_P_STR },
	TAGSPEC_PARAMS,
};

static const struct ctl_pspec p_subnet_id[] = {
	{ "SubnetId", CTL_P_STR },
};

static const struct ctl_pspec p_describe_subnets[] = {
	{ "SubnetId.N", CTL_P_STR },
	PAGE_PARAMS,
	FILTER_PARAMS,
};

static const struct ctl_pspec p_modify_subnet_attr[] = {
	{ "SubnetId", CTL_P_STR },
	{ "MapPublicIpOnLaunch.Value", CTL_P_BOOL },
};

static const struct ctl_pspec p_describe_enis[] = {
	{ "NetworkInterfaceId.N", CTL_P_STR },
	PAGE_PARAMS,
	FILTER_PARAMS,
};

static const struct ctl_pspec p_modify_eni_attr[] = {
	{ "NetworkInterfaceId", CTL_P_STR },
	{ "SecurityGroupId.N", CTL_P_STR },
	{ "Description.Value", CTL_P_STR },
};

static const struct ctl_pspec p_allocate_address[] = {
	{ "Domain", CTL_P_STR },
	{ "Address", CTL_P_STR },
	{ "NetworkBorderGroup", CTL_P_STR },
	TAGSPEC_PARAMS,
};

static const struct ctl_pspec p_associate_address[] = {
	{ "AllocationId", CTL_P_STR },
	{ "PublicIp", CTL_P_STR },
	{ "InstanceId", CTL_P_STR },
	{ "NetworkInterfaceId", CTL_P_STR },
	{ "PrivateIpAddress", CTL_P_STR },
	{ "AllowReassociation", CTL_P_BOOL },
};

static const struct ctl_pspec p_disassociate_address[] = {
	{ "AssociationId", CTL_P_STR },
	{ "PublicIp", CTL_P_STR },
};

static const struct ctl_pspec p_release_address[] = {
	{ "AllocationId", CTL_P_STR },
	{ "PublicIp", CTL_P_STR },
	{ "NetworkBorderGroup", CTL_P_STR },
};

static const struct ctl_pspec p_describe_addresses[] = {
	{ "AllocationId.N", CTL_P_STR },
	{ "PublicIp.N", CTL_P_STR },
	FILTER_PARAMS,
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
	{ "GroupId.N", CTL_P_STR },
	{ "BlockDeviceMapping.N.DeviceName", CTL_P_STR },
	{ "BlockDeviceMapping.N.Ebs.DeleteOnTermination", CTL_P_BOOL },
	{ "BlockDeviceMapping.N.Ebs.VolumeId", CTL_P_STR },
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

static const struct ctl_pspec p_create_image[] = {
	{ "InstanceId", CTL_P_STR },
	{ "Name", CTL_P_STR },
	{ "Description", CTL_P_STR },
	{ "NoReboot", CTL_P_BOOL },
	TAGSPEC_PARAMS,
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

static const struct ctl_pspec p_create_sg[] = {
	{ "GroupName", CTL_P_STR },
	{ "GroupDescription", CTL_P_STR },
	{ "VpcId", CTL_P_STR },
	TAGSPEC_PARAMS,
};

static const struct ctl_pspec p_delete_sg[] = {
	{ "GroupId", CTL_P_STR },
	{ "GroupName", CTL_P_STR },
};

static const struct ctl_pspec p_describe_sgs[] = {
	{ "GroupId.N", CTL_P_STR },
	{ "GroupName.N", CTL_P_STR },
	PAGE_PARAMS,
	FILTER_PARAMS,
};

/* IpPermissions.N and the legacy flat spelling of the same. */
#define SG_PERM_PARAMS \
	{ "GroupId", CTL_P_STR }, \
	{ "GroupName", CTL_P_STR }, \
	{ "IpPermissions.N.IpProtocol", CTL_P_STR }, \
	{ "IpPermissions.N.FromPort", CTL_P_INT }, \
	{ "IpPermissions.N.ToPort", CTL_P_INT }, \
	{ "IpPermissions.N.IpRanges.N.CidrIp", CTL_P_STR }, \
	{ "IpPermissions.N.IpRanges.N.Description", CTL_P_STR }, \
	{ "IpPermissions.N.Groups.N.GroupId", CTL_P_STR }, \
	{ "IpPermissions.N.Groups.N.GroupName", CTL_P_STR }, \
	{ "IpPermissions.N.Groups.N.UserId", CTL_P_STR }, \
	{ "IpPermissions.N.Groups.N.Description", CTL_P_STR }, \
	{ "IpPermissions.N.Ipv6Ranges.N.CidrIpv6", CTL_P_STR }, \
	{ "IpPermissions.N.Ipv6Ranges.N.Description", CTL_P_STR }, \
	{ "IpPermissions.N.PrefixListIds.N.PrefixListId", CTL_P_STR }, \
	{ "IpPermissions.N.PrefixListIds.N.Description", CTL_P_STR }, \
	{ "IpProtocol", CTL_P_STR }, \
	{ "FromPort", CTL_P_INT }, \
	{ "ToPort", CTL_P_INT }, \
	{ "CidrIp", CTL_P_STR }, \
	{ "SourceSecurityGroupName", CTL_P_STR }, \
	{ "SourceSecurityGroupOwnerId", CTL_P_STR }

static const struct ctl_pspec p_authorize_sg[] = {
	SG_PERM_PARAMS,
	TAGSPEC_PARAMS,
};

static const struct ctl_pspec p_revoke_sg[] = {
	SG_PERM_PARAMS,
	{ "SecurityGroupRuleId.N", CTL_P_STR },
};

static const struct ctl_pspec p_describe_sg_rules[] = {
	{ "SecurityGroupRuleId.N", CTL_P_STR },
	PAGE_PARAMS,
	FILTER_PARAMS,
};

#define SG_RULE_SPEC "SecurityGroupRule.N.SecurityGroupRule."

static const struct ctl_pspec p_modify_sg_rules[] = {
	{ "GroupId", CTL_P_STR },
	{ "SecurityGroupRule.N.SecurityGroupRuleId", CTL_P_STR },
	{ SG_RULE_SPEC "IpProtocol", CTL_P_STR },
	{ SG_RULE_SPEC "FromPort", CTL_P_INT },
	{ SG_RULE_SPEC "ToPort", CTL_P_INT },
	{ SG_RULE_SPEC "CidrIpv4", CTL_P_STR },
	{ SG_RULE_SPEC "ReferencedGroupId", CTL_P_STR },
	{ SG_RULE_SPEC "Description", CTL_P_STR },
};

static const struct ctl_pspec p_create_volume[] = {
	{ "AvailabilityZone", CTL_P_STR },
	{ "AvailabilityZoneId", CTL_P_STR },
	{ "Size", CTL_P_INT },
	{ "SnapshotId", CTL_P_STR },
	{ "VolumeType", CTL_P_STR },
	{ "Iops", CTL_P_INT },
	{ "Throughput", CTL_P_INT },
	{ "Encrypted", CTL_P_BOOL },
	{ "KmsKeyId", CTL_P_STR },
	{ "MultiAttachEnabled", CTL_P_BOOL },
	{ "VolumeInitializationRate", CTL_P_INT },	/* snapshots: unused */
	{ "ClientToken", CTL_P_STR },
	TAGSPEC_PARAMS,
};

static const struct ctl_pspec p_volume_id[] = {
	{ "VolumeId", CTL_P_STR },
};

static const struct ctl_pspec p_attach_volume[] = {
	{ "VolumeId", CTL_P_STR },
	{ "InstanceId", CTL_P_STR },
	{ "Device", CTL_P_STR },
	{ "EbsCardIndex", CTL_P_INT },		/* one card here: unused */
};

static const struct ctl_pspec p_detach_volume[] = {
	{ "VolumeId", CTL_P_STR },
	{ "InstanceId", CTL_P_STR },
	{ "Device", CTL_P_STR },
	{ "Force", CTL_P_BOOL },
};

static const struct ctl_pspec p_modify_volume[] = {
	{ "VolumeId", CTL_P_STR },
	{ "Size", CTL_P_INT },
	{ "VolumeType", CTL_P_STR },
	{ "Iops", CTL_P_INT },
	{ "Throughput", CTL_P_INT },
	{ "MultiAttachEnabled", CTL_P_BOOL },
};

static const struct ctl_pspec p_describe_volumes[] = {
	{ "VolumeId.N", CTL_P_STR },
	{ "IncludeManagedResources", CTL_P_BOOL },
	PAGE_PARAMS,
	FILTER_PARAMS,
};

static const struct ctl_pspec p_create_snapshot[] = {
	{ "VolumeId", CTL_P_STR },
	{ "Description", CTL_P_STR },
	TAGSPEC_PARAMS,
};

static const struct ctl_pspec p_copy_snapshot[] = {
	{ "SourceSnapshotId", CTL_P_STR },
	{ "SourceRegion", CTL_P_STR },
	{ "DestinationRegion", CTL_P_STR },
	{ "Description", CTL_P_STR },
	{ "Encrypted", CTL_P_BOOL },
	{ "KmsKeyId", CTL_P_STR },
	{ "PresignedUrl", CTL_P_STR },
	TAGSPEC_PARAMS,
};

static const struct ctl_pspec p_snapshot_id[] = {
	{ "SnapshotId", CTL_P_STR },
};

static const struct ctl_pspec p_describe_snapshots[] = {
	{ "SnapshotId.N", CTL_P_STR },
	{ "Owner.N", CTL_P_STR },
	{ "RestorableBy.N", CTL_P_STR },
	PAGE_PARAMS,
	FILTER_PARAMS,
};

static const struct ctl_pspec p_describe_snapshot_attr[] = {
	{ "SnapshotId", CTL_P_STR },
	{ "Attribute", CTL_P_STR },
};

static const struct ctl_pspec p_modify_snapshot_attr[] = {
	{ "SnapshotId", CTL_P_STR },
	{ "Attribute", CTL_P_STR },
	{ "OperationType", CTL_P_STR },
	{ "UserId.N", CTL_P_STR },
	{ "UserGroup.N", CTL_P_STR },
	{ "CreateVolumePermission.Add.N.UserId", CTL_P_STR },
	{ "CreateVolumePermission.Add.N.Group", CTL_P_STR },
	{ "CreateVolumePermission.Remove.N.UserId", CTL_P_STR },
	{ "CreateVolumePermission.Remove.N.Group", CTL_P_STR },
};

#define ACTION(name, fn, params) \
	{ name, fn, params, MC_NELEMS(params) }

const struct ctl_action ctl_actions[] = {
	ACTION("AllocateAddress", ctl_addresses_allocate, p_allocate_address),
	ACTION("AssociateAddress", ctl_addresses_associate,
	    p_associate_address),
	ACTION("AttachVolume", ctl_vols_attach, p_attach_volume),
	ACTION("AuthorizeSecurityGroupEgress", ctl_sgs_authorize_egress,
	    p_authorize_sg),
	ACTION("AuthorizeSecurityGroupIngress", ctl_sgs_authorize_ingress,
	    p_authorize_sg),
	ACTION("CopySnapshot", ctl_snaps_copy, p_copy_snapshot),
	ACTION("CreateImage", ctl_images_create, p_create_image),
	ACTION("CreateKeyPair", ctl_keypairs_create, p_create_key_pair),
	ACTION("CreateSecurityGroup", ctl_sgs_create, p_create_sg),
	ACTION("CreateSnapshot", ctl_snaps_create, p_create_snapshot),
	ACTION("CreateSubnet", ctl_subnets_create, p_create_subnet),
	ACTION("CreateTags", ctl_tags_create, p_tags),
	ACTION("CreateVolume", ctl_vols_create, p_create_volume),
	ACTION("CreateVpc", ctl_vpcs_create, p_create_vpc),
	ACTION("DeleteKeyPair", ctl_keypairs_delete, p_delete_key_pair),
	ACTION("DeleteSecurityGroup", ctl_sgs_delete, p_delete_sg),
	ACTION("DeleteSnapshot", ctl_snaps_delete, p_snapshot_id),
	ACTION("DeleteSubnet", ctl_subnets_delete, p_subnet_id),
	ACTION("DeleteTags", ctl_tags_delete, p_tags),
	ACTION("DeleteVolume", ctl_vols_delete, p_volume_id),
	ACTION("DeleteVpc", ctl_vpcs_delete, p_vpc_id),
	ACTION("DeregisterImage", ctl_images_deregister, p_deregister_image),
	ACTION("DescribeAccountAttributes", ctl_attrs_describe,
	    p_account_attributes),
	ACTION("DescribeAddresses", ctl_addresses_describe,
	    p_describe_addresses),
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
	ACTION("DescribeNetworkInterfaces", ctl_enis_describe,
	    p_describe_enis),
	ACTION("DescribeRegions", ctl_regions_describe, p_regions),
	ACTION("DescribeSecurityGroupRules", ctl_sgs_describe_rules,
	    p_describe_sg_rules),
	ACTION("DescribeSecurityGroups", ctl_sgs_describe, p_describe_sgs),
	ACTION("DescribeSnapshotAttribute", ctl_snaps_describe_attr,
	    p_describe_snapshot_attr),
	ACTION("DescribeSnapshots", ctl_snaps_describe,
	    p_describe_snapshots),
	ACTION("DescribeSubnets", ctl_subnets_describe, p_describe_subnets),
	ACTION("DescribeTags", ctl_tags_describe, p_describe_tags),
	ACTION("DescribeVolumeStatus", ctl_vols_status, p_describe_volumes),
	ACTION("DescribeVolumes", ctl_vols_describe, p_describe_volumes),
	ACTION("DescribeVolumesModifications", ctl_vols_describe_mods,
	    p_describe_volumes),
	ACTION("DescribeVpcAttribute", ctl_vpcs_describe_attr,
	    p_describe_vpc_attr),
	ACTION("DescribeVpcs", ctl_vpcs_describe, p_describe_vpcs),
	ACTION("DetachVolume", ctl_vols_detach, p_detach_volume),
	ACTION("DisassociateAddress", ctl_addresses_disassociate,
	    p_disassociate_address),
	ACTION("GetConsoleOutput", ctl_instances_console, p_console),
	ACTION("ImportKeyPair", ctl_keypairs_import, p_import_key_pair),
	ACTION("ModifyImageAttribute", ctl_images_modify_attr,
	    p_modify_image_attr),
	ACTION("ModifyInstanceAttribute", ctl_instances_modify_attr,
	    p_modify_instance),
	ACTION("ModifyInstanceMetadataOptions", ctl_mdopts_modify,
	    p_modify_mdopts),
	ACTION("ModifyNetworkInterfaceAttribute", ctl_enis_modify_attr,
	    p_modify_eni_attr),
	ACTION("ModifySecurityGroupRules", ctl_sgs_modify_rules,
	    p_modify_sg_rules),
	ACTION("ModifySnapshotAttribute", ctl_snaps_modify_attr,
	    p_modify_snapshot_attr),
	ACTION("ModifySubnetAttribute", ctl_subnets_modify_attr,
	    p_modify_subnet_attr),
	ACTION("ModifyVolume", ctl_vols_modify, p_modify_volume),
	ACTION("ModifyVpcAttribute", ctl_vpcs_modify_attr, p_modify_vpc_attr),
	ACTION("RebootInstances", ctl_instances_reboot, p_instance_ids),
	ACTION("RegisterImage", ctl_images_register, p_register_image),
	ACTION("ReleaseAddress", ctl_addresses_release, p_release_address),
	ACTION("RevokeSecurityGroupEgress", ctl_sgs_revoke_egress, p_revoke_sg),
	ACTION("RevokeSecurityGroupIngress", ctl_sgs_revoke_ingress,
	    p_revoke_sg),
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

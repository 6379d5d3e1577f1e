/*
 * mc_err: record the first failure of a call chain, and map each error
 * code to the name and HTTP status EC2 uses for it.
 */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>

#include "mc_err.h"

/* One row per code, indexed by enum mc_ec: EC2's name and HTTP status. */
static const struct {
	const char	*name;
	int		 status;
} codes[MC_EC__MAX] = {
	[MC_EC_NONE]			= { "None",			200 },
	[MC_EC_INTERNAL_ERROR]		= { "InternalError",		500 },
	[MC_EC_AUTH_FAILURE]		= { "AuthFailure",		401 },
	[MC_EC_SIGNATURE_DOES_NOT_MATCH] = { "SignatureDoesNotMatch",	403 },
	[MC_EC_INCOMPLETE_SIGNATURE]	= { "IncompleteSignature",	400 },
	[MC_EC_MISSING_AUTHENTICATION_TOKEN] =
	    { "MissingAuthenticationToken", 403 },
	[MC_EC_REQUEST_EXPIRED]		= { "RequestExpired",		400 },
	[MC_EC_INVALID_ACTION]		= { "InvalidAction",		400 },
	[MC_EC_MISSING_PARAMETER]	= { "MissingParameter",		400 },
	[MC_EC_INVALID_PARAMETER_VALUE]	= { "InvalidParameterValue",	400 },
	[MC_EC_INVALID_PARAMETER_COMBINATION] =
	    { "InvalidParameterCombination", 400 },
	[MC_EC_UNKNOWN_PARAMETER]	= { "UnknownParameter",		400 },
	[MC_EC_DRY_RUN_OPERATION]	= { "DryRunOperation",		412 },
	[MC_EC_UNAUTHORIZED_OPERATION]	= { "UnauthorizedOperation",	403 },
	/* EC2 throttles with 503; SDKs back off and retry on it. */
	[MC_EC_REQUEST_LIMIT_EXCEEDED]	= { "RequestLimitExceeded",	503 },
	/* No EC2 code names an oversized body; 413 says what happened. */
	[MC_EC_REQUEST_TOO_LARGE]	= { "InvalidParameterValue",	413 },
	[MC_EC_METHOD_NOT_ALLOWED]	= { "InvalidAction",		405 },
	[MC_EC_INVALID_INSTANCE_TYPE]	= { "InvalidInstanceType",	400 },
	[MC_EC_INVALID_INSTANCE_ID_MALFORMED] =
	    { "InvalidInstanceID.Malformed", 400 },
	[MC_EC_INVALID_AMI_ID_MALFORMED] = { "InvalidAMIID.Malformed",	400 },
	[MC_EC_INVALID_VOLUME_ID_MALFORMED] =
	    { "InvalidVolumeID.Malformed", 400 },
	[MC_EC_INVALID_INSTANCE_ID_NOT_FOUND] =
	    { "InvalidInstanceID.NotFound", 400 },
	[MC_EC_INVALID_AMI_ID_NOT_FOUND] = { "InvalidAMIID.NotFound",	400 },
	[MC_EC_INVALID_AMI_ID_UNAVAILABLE] =
	    { "InvalidAMIID.Unavailable", 400 },
	[MC_EC_INCORRECT_INSTANCE_STATE] = { "IncorrectInstanceState",	400 },
	/* A capacity shortage is the cloud's state, not a client mistake,
	 * but EC2 answers it with 500 and SDKs retry it: so do we. */
	[MC_EC_INSUFFICIENT_INSTANCE_CAPACITY] =
	    { "InsufficientInstanceCapacity", 500 },
	[MC_EC_INSTANCE_LIMIT_EXCEEDED]	= { "InstanceLimitExceeded",	400 },
	[MC_EC_IDEMPOTENT_PARAMETER_MISMATCH] =
	    { "IdempotentParameterMismatch", 400 },
	[MC_EC_OPERATION_NOT_PERMITTED]	= { "OperationNotPermitted",	400 },
	[MC_EC_INVALID_ID]		= { "InvalidID",		400 },
	[MC_EC_TAG_LIMIT_EXCEEDED]	= { "TagLimitExceeded",		400 },
	[MC_EC_INVALID_AMI_NAME_DUPLICATE] =
	    { "InvalidAMIName.Duplicate", 400 },
	[MC_EC_INVALID_AMI_ATTRIBUTE_ITEM_VALUE] =
	    { "InvalidAMIAttributeItemValue", 400 },
	[MC_EC_INVALID_VPC_ID_MALFORMED] = { "InvalidVpcID.Malformed", 400 },
	[MC_EC_INVALID_VPC_ID_NOT_FOUND] = { "InvalidVpcID.NotFound", 400 },
	[MC_EC_INVALID_SUBNET_ID_MALFORMED] = { "InvalidSubnetID.Malformed", 400 },
	[MC_EC_INVALID_SUBNET_ID_NOT_FOUND] = { "InvalidSubnetID.NotFound", 400 },
	[MC_EC_INVALID_VPC_RANGE] = { "InvalidVpc.Range", 400 },
	[MC_EC_INVALID_SUBNET_RANGE] = { "InvalidSubnet.Range", 400 },
	[MC_EC_INVALID_SUBNET_CONFLICT] = { "InvalidSubnet.Conflict", 400 },
	[MC_EC_DEPENDENCY_VIOLATION] = { "DependencyViolation", 400 },
	[MC_EC_INVALID_GROUP_ID_MALFORMED] = { "InvalidGroupId.Malformed", 400 },
	[MC_EC_INVALID_GROUP_NOT_FOUND] = { "InvalidGroup.NotFound", 400 },
	[MC_EC_INVALID_GROUP_DUPLICATE] = { "InvalidGroup.Duplicate", 400 },
	[MC_EC_INVALID_GROUP_RESERVED] = { "InvalidGroup.Reserved", 400 },
	[MC_EC_CANNOT_DELETE] = { "CannotDelete", 400 },
	[MC_EC_INVALID_PERMISSION_DUPLICATE] = { "InvalidPermission.Duplicate", 400 },
	[MC_EC_INVALID_PERMISSION_NOT_FOUND] = { "InvalidPermission.NotFound", 400 },
	[MC_EC_INVALID_PERMISSION_MALFORMED] = { "InvalidPermission.Malformed", 400 },
	[MC_EC_RULES_PER_SG_LIMIT_EXCEEDED] = { "RulesPerSecurityGroupLimitExceeded", 400 },
	[MC_EC_SG_LIMIT_EXCEEDED] = { "SecurityGroupLimitExceeded", 400 },
	[MC_EC_SGS_PER_INSTANCE_LIMIT_EXCEEDED] = { "SecurityGroupsPerInstanceLimitExceeded", 400 },
	[MC_EC_INVALID_SG_RULE_ID_MALFORMED] = { "InvalidSecurityGroupRuleId.Malformed", 400 },
	[MC_EC_INVALID_SG_RULE_ID_NOT_FOUND] = { "InvalidSecurityGroupRuleId.NotFound", 400 },
	[MC_EC_INVALID_VOLUME_NOT_FOUND] = { "InvalidVolume.NotFound", 400 },
	[MC_EC_INVALID_VOLUME_ZONE_MISMATCH] = { "InvalidVolume.ZoneMismatch", 400 },
	[MC_EC_VOLUME_IN_USE] = { "VolumeInUse", 400 },
	[MC_EC_INCORRECT_STATE] = { "IncorrectState", 400 },
	[MC_EC_INVALID_ATTACHMENT_NOT_FOUND] = { "InvalidAttachment.NotFound", 400 },
	[MC_EC_ATTACHMENT_LIMIT_EXCEEDED] = { "AttachmentLimitExceeded", 400 },
	[MC_EC_VOLUME_LIMIT_EXCEEDED] = { "VolumeLimitExceeded", 400 },
	[MC_EC_INVALID_SNAPSHOT_ID_MALFORMED] = { "InvalidSnapshotID.Malformed", 400 },
	[MC_EC_INVALID_SNAPSHOT_NOT_FOUND] = { "InvalidSnapshot.NotFound", 400 },
	[MC_EC_INVALID_SNAPSHOT_IN_USE] = { "InvalidSnapshot.InUse", 400 },
	[MC_EC_SNAPSHOT_LIMIT_EXCEEDED] = { "SnapshotLimitExceeded", 400 },
	[MC_EC_INVALID_ZONE_NOT_FOUND] = { "InvalidZone.NotFound", 400 },
	[MC_EC_INVALID_BLOCK_DEVICE_MAPPING] = { "InvalidBlockDeviceMapping", 400 },
	[MC_EC_INVALID_INSTANCE_ATTRIBUTE_VALUE] = {
	    "InvalidInstanceAttributeValue", 400 },
	[MC_EC_INVALID_PARAMETER] = { "InvalidParameter", 400 },
	[MC_EC_INVALID_IP_ADDRESS_IN_USE] = { "InvalidIPAddress.InUse", 400 },
	[MC_EC_INSUFFICIENT_FREE_ADDRESSES] = { "InsufficientFreeAddressesInSubnet", 400 },
	[MC_EC_INVALID_ENI_ID_MALFORMED] = { "InvalidNetworkInterfaceID.Malformed", 400 },
	[MC_EC_INVALID_ENI_ID_NOT_FOUND] = { "InvalidNetworkInterfaceID.NotFound", 400 },
	[MC_EC_INVALID_ALLOCATION_ID_MALFORMED] = { "InvalidAllocationID.Malformed", 400 },
	[MC_EC_INVALID_ALLOCATION_ID_NOT_FOUND] = { "InvalidAllocationID.NotFound", 400 },
	[MC_EC_INVALID_ASSOCIATION_ID_MALFORMED] = { "InvalidAssociationID.Malformed", 400 },
	[MC_EC_INVALID_ASSOCIATION_ID_NOT_FOUND] = { "InvalidAssociationID.NotFound", 400 },
	[MC_EC_INVALID_ADDRESS_NOT_FOUND] = { "InvalidAddress.NotFound", 400 },
	[MC_EC_INVALID_ADDRESS_MALFORMED] = { "InvalidAddress.Malformed", 400 },
	[MC_EC_RESOURCE_ALREADY_ASSOCIATED] = { "Resource.AlreadyAssociated", 400 },
	[MC_EC_ADDRESS_LIMIT_EXCEEDED] = { "AddressLimitExceeded", 400 },
	[MC_EC_VPC_LIMIT_EXCEEDED] = { "VpcLimitExceeded", 400 },
	[MC_EC_INVALID_INSTANCE_ID] = { "InvalidInstanceID", 400 },
	/* Like InsufficientInstanceCapacity: the pool is empty. */
	[MC_EC_INSUFFICIENT_ADDRESS_CAPACITY] =
	    { "InsufficientAddressCapacity", 500 },
	[MC_EC_VPC_ID_NOT_SPECIFIED] = { "VPCIdNotSpecified", 400 },
	[MC_EC_INVALID_KEY_PAIR_NOT_FOUND] =
	    { "InvalidKeyPair.NotFound", 400 },
	[MC_EC_INVALID_KEY_PAIR_DUPLICATE] =
	    { "InvalidKeyPair.Duplicate", 400 },
	[MC_EC_INVALID_KEY_FORMAT]	= { "InvalidKey.Format",	400 },
	[MC_EC_RESOURCE_LIMIT_EXCEEDED]	= { "ResourceLimitExceeded",	400 },
};

static int
err_vset(struct mc_err *err, enum mc_ec code, int errnum, const char *fmt,
    va_list ap)
{
	/* The first failure is the cause; later ones are its echoes. */
	if (err == NULL || err->code != MC_EC_NONE)
		return -1;
	err->code = code;
	err->sys_errno = errnum;
	(void)vsnprintf(err->msg, sizeof(err->msg), fmt, ap);	/* may truncate */
	return -1;
}

int
mc_err_set(struct mc_err *err, enum mc_ec code, const char *fmt, ...)
{
	va_list ap;

	assert(code > MC_EC_NONE && code < MC_EC__MAX);
	va_start(ap, fmt);
	(void)err_vset(err, code, 0, fmt, ap);
	va_end(ap);
	return -1;
}

int
mc_err_sys(struct mc_err *err, int errnum, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)err_vset(err, MC_EC_INTERNAL_ERROR, errnum, fmt, ap);
	va_end(ap);
	return -1;
}

const char *
mc_err_name(enum mc_ec code)
{
	if (code >= MC_EC__MAX)
		code = MC_EC_INTERNAL_ERROR;
	return codes[code].name;
}

int
mc_err_http_status(enum mc_ec code)
{
	if (code >= MC_EC__MAX)
		code = MC_EC_INTERNAL_ERROR;
	return codes[code].status;
}

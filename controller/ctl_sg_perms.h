/*
 * ctl_sg_perms: the rules of an Authorize, Revoke or
 * ModifySecurityGroupRules request, read into ctl_sg_rule structs and
 * checked as far as the request alone allows (ctl_sg_rules).
 */
#ifndef CTL_SG_PERMS_H
#define CTL_SG_PERMS_H

#include <stdbool.h>
#include <stddef.h>

#include "ctl_sg_rules.h"

struct ctl_query;
struct mc_err;

/*
 * Read the rules of an Authorize or Revoke call from q: IpPermissions.N
 * (IpProtocol, FromPort, ToPort, IpRanges.M.{CidrIp, Description},
 * Groups.M.{GroupId, GroupName, UserId, Description}), or the legacy
 * IpProtocol, FromPort, ToPort, CidrIp, SourceSecurityGroupName,
 * SourceSecurityGroupOwnerId.  Each permission gives one rule per block
 * and per group; a group named by GroupName has ref_name set and
 * ref_group empty.  A UserId other than account is InvalidGroup.NotFound
 * (groups of other accounts cannot be named).  On success *ret is a new
 * array the caller frees (NULL when the request holds no permission).
 */
int	ctl_sg_perms_parse(const struct ctl_query *q, const char *account,
	    bool egress, struct ctl_sg_rule **ret, size_t *ret_n,
	    struct mc_err *err);

/*
 * Read ModifySecurityGroupRules' prefix.{IpProtocol, FromPort, ToPort,
 * CidrIpv4, ReferencedGroupId, Description} into *r (direction, ids
 * untouched).  Exactly one of CidrIpv4 and ReferencedGroupId.
 */
int	ctl_sg_rule_spec_parse(const struct ctl_query *q, const char *prefix,
	    struct ctl_sg_rule *r, struct mc_err *err);

#endif /* CTL_SG_PERMS_H */

/*
 * ctl_sgs: the EC2 actions of security groups: CreateSecurityGroup,
 * DeleteSecurityGroup (ctl_sgs_api.c), DescribeSecurityGroups
 * (ctl_sg_describe.c), Authorize/RevokeSecurityGroupIngress/Egress
 * (ctl_sg_authorize.c), DescribeSecurityGroupRules and
 * ModifySecurityGroupRules (ctl_sg_rules_api.c), and what they share.
 */
#ifndef CTL_SGS_H
#define CTL_SGS_H

#include <stdbool.h>
#include <stddef.h>

#include <sqlite3.h>

struct ctl_req;
struct ctl_sg;
struct ctl_sg_rule;
struct ctl_tagkv;
struct ctl_xml;
struct mc_err;

int	ctl_sgs_create(const struct ctl_req *req, struct ctl_xml *out,
	    struct mc_err *err);
int	ctl_sgs_delete(const struct ctl_req *req, struct ctl_xml *out,
	    struct mc_err *err);
int	ctl_sgs_describe(const struct ctl_req *req, struct ctl_xml *out,
	    struct mc_err *err);
int	ctl_sgs_authorize_ingress(const struct ctl_req *req,
	    struct ctl_xml *out, struct mc_err *err);
int	ctl_sgs_authorize_egress(const struct ctl_req *req,
	    struct ctl_xml *out, struct mc_err *err);
int	ctl_sgs_revoke_ingress(const struct ctl_req *req, struct ctl_xml *out,
	    struct mc_err *err);
int	ctl_sgs_revoke_egress(const struct ctl_req *req, struct ctl_xml *out,
	    struct mc_err *err);
int	ctl_sgs_describe_rules(const struct ctl_req *req, struct ctl_xml *out,
	    struct mc_err *err);
int	ctl_sgs_modify_rules(const struct ctl_req *req, struct ctl_xml *out,
	    struct mc_err *err);

/*
 * The group a call names: GroupId, or (when by_name) GroupName in the
 * default VPC, as EC2 reads them.  0 and *ret, or -1 with err set.
 */
int	ctl_sgs_the_group(const struct ctl_req *req, sqlite3 *db, bool by_name,
	    struct ctl_sg *ret, struct mc_err *err);

/* EC2's ARN of a group or rule id of account in the region. */
void	ctl_sgs_arn(const struct ctl_req *req, const char *kind,
	    const char *id, char *buf, size_t bufsz);

/*
 * Write rule r of account as an <item>: EC2's SecurityGroupRule with
 * tags, or its RevokedSecurityGroupRule when revoked.
 */
void	ctl_sgs_rule_xml(const struct ctl_req *req, struct ctl_xml *x,
	    const struct ctl_sg_rule *r, bool revoked,
	    const struct ctl_tagkv *tags, size_t n_tags);

#endif /* CTL_SGS_H */

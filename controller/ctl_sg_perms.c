/*
 * ctl_sg_perms: read the rules of a request: IpPermissions.N, the legacy
 * flat parameters, ModifySecurityGroupRules' rule.  Nothing here reads
 * the store.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_cleanup.h"
#include "mc_err.h"
#include "ctl_params.h"
#include "ctl_query.h"
#include "ctl_sg_perms.h"

#define PFX_MAX		64	/* "SecurityGroupRule.1000.SecurityGroupRule." */
#define KEY_MAX		(PFX_MAX + 64)

/* The legacy flat parameters of Authorize and Revoke. */
static const char *const flat_keys[] = {
	"IpProtocol", "FromPort", "ToPort", "CidrIp",
	"SourceSecurityGroupName", "SourceSecurityGroupOwnerId",
};

/* A growing list of rules, at most CTL_SG_RULES_MAX. */
struct rlist {
	struct ctl_sg_rule	*v;
	size_t			 n;
};

/* Append a copy of t; the new rule, or NULL with err set. */
static struct ctl_sg_rule *
rlist_add(struct rlist *l, const struct ctl_sg_rule *t, struct mc_err *err)
{
	struct ctl_sg_rule *nv;

	if (l->n == CTL_SG_RULES_MAX) {
		mc_err_set(err, MC_EC_RULES_PER_SG_LIMIT_EXCEEDED, "The maximum "
		    "number of rules per security group (%d) has been reached.",
		    CTL_SG_RULES_MAX);
		return NULL;
	}
	if ((nv = realloc(l->v, (l->n + 1) * sizeof(*nv))) == NULL) {
		mc_err_sys(err, ENOMEM, "out of memory");
		return NULL;
	}
	l->v = nv;
	nv[l->n] = *t;
	return &nv[l->n++];
}

static int
missing(const char *key, struct mc_err *err)
{
	return mc_err_set(err, MC_EC_MISSING_PARAMETER, "The request must "
	    "contain the parameter %s", key);
}

/* The optional description at key into r. */
static int
read_description(const struct ctl_query *q, const char *key,
    struct ctl_sg_rule *r, struct mc_err *err)
{
	const char *s = ctl_query_get(q, key);

	if (s == NULL)
		return 0;
	if (ctl_sg_text_check("Description", s, false, err) < 0)
		return -1;
	(void)snprintf(r->description, sizeof(r->description), "%s", s);
	return 0;
}

/* IpProtocol, FromPort and ToPort under pfx into t. */
static int
read_proto_ports(const struct ctl_query *q, const char *pfx,
    struct ctl_sg_rule *t, struct mc_err *err)
{
	char		 key[KEY_MAX];
	const char	*s;
	long long	 from = 0, to = 0;
	int		 has_from, has_to;

	(void)snprintf(key, sizeof(key), "%sIpProtocol", pfx);
	if ((s = ctl_query_get(q, key)) == NULL)
		return missing(key, err);
	if (ctl_sg_proto_parse(s, &t->proto, err) < 0)
		return -1;
	(void)snprintf(key, sizeof(key), "%sFromPort", pfx);
	if ((has_from = ctl_params_int(q, key, INT_MIN, INT_MAX, &from,
	    err)) < 0)
		return -1;
	(void)snprintf(key, sizeof(key), "%sToPort", pfx);
	if ((has_to = ctl_params_int(q, key, INT_MIN, INT_MAX, &to, err)) < 0)
		return -1;
	return ctl_sg_rule_ports(t, has_from > 0, from, has_to > 0, to, err);
}

/* What EC2 has and this cloud has not: IPv6 and prefix lists. */
static int
unsupported(const struct ctl_query *q, const char *pfx, struct mc_err *err)
{
	static const char *const lists[] = { "Ipv6Ranges", "PrefixListIds" };
	char		key[KEY_MAX];
	unsigned	idx[1];
	size_t		i;

	for (i = 0; i < MC_NELEMS(lists); i++) {
		(void)snprintf(key, sizeof(key), "%s%s", pfx, lists[i]);
		if (ctl_params_indices(q, key, idx, 1) > 0)
			return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
			    "%s: IPv6 and prefix list rules are not supported "
			    "by this cloud", key);
	}
	return 0;
}

/* One rule per pfx.IpRanges.M. */
static int
read_ranges(const struct ctl_query *q, const char *pfx,
    const struct ctl_sg_rule *t, struct rlist *out, struct mc_err *err)
{
	unsigned		 idx[CTL_SG_RULES_MAX + 1];
	char			 key[KEY_MAX];
	struct ctl_sg_rule	*r;
	const char		*s;
	size_t			 n, i;

	(void)snprintf(key, sizeof(key), "%sIpRanges", pfx);
	n = ctl_params_indices(q, key, idx, MC_NELEMS(idx));
	for (i = 0; i < n; i++) {
		if ((r = rlist_add(out, t, err)) == NULL)
			return -1;
		(void)snprintf(key, sizeof(key), "%sIpRanges.%u.CidrIp", pfx,
		    idx[i]);
		if ((s = ctl_query_get(q, key)) == NULL)
			return missing(key, err);
		if (ctl_sg_cidr_parse(s, r->cidr, err) < 0)
			return -1;
		(void)snprintf(key, sizeof(key), "%sIpRanges.%u.Description",
		    pfx, idx[i]);
		if (read_description(q, key, r, err) < 0)
			return -1;
	}
	return 0;
}

/* A peer group by id or by name; the owner, if named, must be account. */
static int
read_peer(const char *id, const char *name, const char *owner,
    const char *account, struct ctl_sg_rule *r, struct mc_err *err)
{
	if (owner != NULL && strcmp(owner, account) != 0)
		return mc_err_set(err, MC_EC_INVALID_GROUP_NOT_FOUND, "The "
		    "security groups of account %.16s cannot be named here",
		    owner);
	if (id != NULL) {
		if (mc_id_check(MC_ID_SG, id, err) < 0)
			return -1;
		(void)snprintf(r->ref_group, sizeof(r->ref_group), "%s", id);
		return 0;
	}
	if (name == NULL || name[0] == '\0')
		return mc_err_set(err, MC_EC_MISSING_PARAMETER, "A group pair "
		    "must name a group: GroupId or GroupName");
	(void)snprintf(r->ref_name, sizeof(r->ref_name), "%s", name);
	return 0;
}

/* One rule per pfx.Groups.M (EC2's UserIdGroupPairs). */
static int
read_pairs(const struct ctl_query *q, const char *pfx, const char *account,
    const struct ctl_sg_rule *t, struct rlist *out, struct mc_err *err)
{
	unsigned		 idx[CTL_SG_RULES_MAX + 1];
	char			 key[3][KEY_MAX];
	struct ctl_sg_rule	*r;
	size_t			 n, i;

	(void)snprintf(key[0], sizeof(key[0]), "%sGroups", pfx);
	n = ctl_params_indices(q, key[0], idx, MC_NELEMS(idx));
	for (i = 0; i < n; i++) {
		if ((r = rlist_add(out, t, err)) == NULL)
			return -1;
		(void)snprintf(key[0], sizeof(key[0]), "%sGroups.%u.GroupId",
		    pfx, idx[i]);
		(void)snprintf(key[1], sizeof(key[1]), "%sGroups.%u.GroupName",
		    pfx, idx[i]);
		(void)snprintf(key[2], sizeof(key[2]), "%sGroups.%u.UserId",
		    pfx, idx[i]);
		if (read_peer(ctl_query_get(q, key[0]), ctl_query_get(q,
		    key[1]), ctl_query_get(q, key[2]), account, r, err) < 0)
			return -1;
		(void)snprintf(key[0], sizeof(key[0]),
		    "%sGroups.%u.Description", pfx, idx[i]);
		if (read_description(q, key[0], r, err) < 0)
			return -1;
	}
	return 0;
}

/* IpPermissions.N, named by pfx ("IpPermissions.3."). */
static int
read_perm(const struct ctl_query *q, const char *pfx, const char *account,
    bool egress, struct rlist *out, struct mc_err *err)
{
	struct ctl_sg_rule	t;
	size_t			before = out->n;

	memset(&t, 0, sizeof(t));
	t.egress = egress;
	if (read_proto_ports(q, pfx, &t, err) < 0 ||
	    unsupported(q, pfx, err) < 0 ||
	    read_ranges(q, pfx, &t, out, err) < 0 ||
	    read_pairs(q, pfx, account, &t, out, err) < 0)
		return -1;
	if (out->n == before)
		return mc_err_set(err, MC_EC_MISSING_PARAMETER, "Missing source "
		    "specification: include source security group or CIDR "
		    "information");
	return 0;
}

/* The legacy spelling: one permission, a block and/or a group by name. */
static int
read_flat(const struct ctl_query *q, const char *account, bool egress,
    struct rlist *out, struct mc_err *err)
{
	const char		*cidr = ctl_query_get(q, "CidrIp");
	const char		*name = ctl_query_get(q, "SourceSecurityGroupName");
	struct ctl_sg_rule	 t, *r;

	memset(&t, 0, sizeof(t));
	t.egress = egress;
	if (cidr == NULL && name == NULL)
		return mc_err_set(err, MC_EC_MISSING_PARAMETER, "Missing source "
		    "specification: include source security group or CIDR "
		    "information");
	/* A group alone, with no protocol, grants it everything. */
	if (cidr != NULL || ctl_query_get(q, "IpProtocol") != NULL) {
		if (read_proto_ports(q, "", &t, err) < 0)
			return -1;
	} else {
		t.proto = CTL_SG_PROTO_ALL;
		t.from = t.to = -1;
	}
	if (cidr != NULL && ((r = rlist_add(out, &t, err)) == NULL ||
	    ctl_sg_cidr_parse(cidr, r->cidr, err) < 0))
		return -1;
	if (name != NULL && ((r = rlist_add(out, &t, err)) == NULL ||
	    read_peer(NULL, name, ctl_query_get(q,
	    "SourceSecurityGroupOwnerId"), account, r, err) < 0))
		return -1;
	return 0;
}

int
ctl_sg_perms_parse(const struct ctl_query *q, const char *account,
    bool egress, struct ctl_sg_rule **ret, size_t *ret_n, struct mc_err *err)
{
	unsigned	idx[CTL_SG_RULES_MAX + 1];
	char		pfx[PFX_MAX];
	struct rlist	out = { NULL, 0 };
	size_t		n, i;
	bool		flat = false;
	int		rc = 0;

	n = ctl_params_indices(q, "IpPermissions", idx, MC_NELEMS(idx));
	for (i = 0; i < MC_NELEMS(flat_keys); i++)
		flat = flat || ctl_query_get(q, flat_keys[i]) != NULL;
	if (flat && n > 0)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_COMBINATION,
		    "The legacy parameters (IpProtocol, FromPort, ToPort, "
		    "CidrIp, SourceSecurityGroupName) cannot be combined with "
		    "IpPermissions");
	if (flat)
		rc = read_flat(q, account, egress, &out, err);
	for (i = 0; i < n && rc == 0; i++) {
		(void)snprintf(pfx, sizeof(pfx), "IpPermissions.%u.", idx[i]);
		rc = read_perm(q, pfx, account, egress, &out, err);
	}
	if (rc < 0) {
		free(out.v);
		return -1;
	}
	*ret = out.v;
	*ret_n = out.n;
	return 0;
}

int
ctl_sg_rule_spec_parse(const struct ctl_query *q, const char *prefix,
    struct ctl_sg_rule *r, struct mc_err *err)
{
	char		 pfx[PFX_MAX], key[KEY_MAX];
	const char	*cidr, *group;

	(void)snprintf(pfx, sizeof(pfx), "%s.", prefix);
	r->cidr[0] = r->ref_group[0] = r->ref_name[0] = '\0';
	r->description[0] = '\0';
	(void)snprintf(key, sizeof(key), "%sCidrIpv4", pfx);
	cidr = ctl_query_get(q, key);
	(void)snprintf(key, sizeof(key), "%sReferencedGroupId", pfx);
	group = ctl_query_get(q, key);
	if (read_proto_ports(q, pfx, r, err) < 0)
		return -1;
	if ((cidr == NULL) == (group == NULL))
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_COMBINATION,
		    "%s needs exactly one of CidrIpv4 and ReferencedGroupId "
		    "(IPv6 and prefix lists are not supported)", prefix);
	if (cidr != NULL && ctl_sg_cidr_parse(cidr, r->cidr, err) < 0)
		return -1;
	if (group != NULL) {
		if (mc_id_check(MC_ID_SG, group, err) < 0)
			return -1;
		(void)snprintf(r->ref_group, sizeof(r->ref_group), "%s", group);
	}
	(void)snprintf(key, sizeof(key), "%sDescription", pfx);
	return read_description(q, key, r, err);
}

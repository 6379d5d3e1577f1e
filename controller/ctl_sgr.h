/*
 * ctl_sgr: the rules of security groups in the store (sgr- ids), in the
 * order they were added.  Adding checks what only the store knows:
 * named groups exist in the same VPC, a rule is not there already
 * (InvalidPermission.Duplicate), the group keeps at most
 * CTL_SG_RULES_MAX rules each way.  Every change bumps the hosts that
 * have instances in the group's VPC.  Every function works in the
 * caller's transaction (or snapshot).
 */
#ifndef CTL_SGR_H
#define CTL_SGR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "ctl_sg_rules.h"

struct ctl_sg;
struct mc_err;

/* Rules of group_id, both ways, oldest first; *ret is new, caller frees. */
int	ctl_sgr_load(sqlite3 *db, const char *group_id,
	    struct ctl_sg_rule **ret, size_t *ret_n, struct mc_err *err);

/* Every rule of account's groups, by rule id; *ret new, caller frees. */
int	ctl_sgr_list(sqlite3 *db, const char *account,
	    struct ctl_sg_rule **ret, size_t *ret_n, struct mc_err *err);

/*
 * Rule id of account: 0 and *ret, or -1 with err set
 * (InvalidSecurityGroupRuleId.Malformed or .NotFound).
 */
int	ctl_sgr_find(sqlite3 *db, const char *account, const char *id,
	    struct ctl_sg_rule *ret, struct mc_err *err);

/*
 * Store rule r of group r->group_id as it is (no checks): r->id is set
 * to its new id.  For the rules a new group starts with.
 */
int	ctl_sgr_insert(sqlite3 *db, struct ctl_sg_rule *r, int64_t now_ms,
	    struct mc_err *err);

/*
 * Add the n rules v (from ctl_sg_perms_parse) to g: named groups are
 * resolved in g's VPC (InvalidGroup.NotFound), then the checks above.
 * On success each v[i] has its new id and g's id.
 */
int	ctl_sgr_add(sqlite3 *db, const struct ctl_sg *g, struct ctl_sg_rule *v,
	    size_t n, int64_t now_ms, struct mc_err *err);

/*
 * Remove from g the rules equal to v (InvalidPermission.NotFound when
 * one is not there).  On success each v[i] is the rule removed.
 */
int	ctl_sgr_revoke(sqlite3 *db, const struct ctl_sg *g,
	    struct ctl_sg_rule *v, size_t n, struct mc_err *err);

/*
 * Remove the rules ids of g in one direction (the rule must be one of
 * them, else InvalidSecurityGroupRuleId.NotFound).  Returns how many
 * were removed, *ret a new array of them the caller frees; or -1.
 */
int	ctl_sgr_revoke_ids(sqlite3 *db, const struct ctl_sg *g, bool egress,
	    const char *const *ids, size_t n, struct ctl_sg_rule **ret,
	    struct mc_err *err);

/*
 * Replace rule r->id of g by r (its direction and id kept): the rule
 * must be g's, the new one must not equal another of g's.
 */
int	ctl_sgr_modify(sqlite3 *db, const struct ctl_sg *g,
	    struct ctl_sg_rule *r, struct mc_err *err);

#endif /* CTL_SGR_H */

/*
 * ctl_sg: security groups in the store, and which interfaces are in
 * them (ctl_sg.c: the groups; ctl_sg_members.c: membership).  Every VPC
 * has a group named "default" from the moment it is made: all protocols
 * in from its own members, everything out.  It cannot be deleted and
 * its name cannot be taken; it goes with its VPC.  An instance's groups
 * are its primary interface's, as on EC2.  Rules are ctl_sgr's.  Every
 * function works in the caller's transaction (or snapshot).
 */
#ifndef CTL_SG_H
#define CTL_SG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "mc_id.h"
#include "mc_proto.h"
#include "ctl_sg_rules.h"

struct ctl_fvals;
struct ctl_xml;
struct mc_err;

#define CTL_SG_DEFAULT_NAME	"default"
#define CTL_SG_DEFAULT_DESC	"default VPC security group"
#define CTL_SG_PER_VPC_MAX	500	/* groups in one VPC */
#define CTL_SG_PER_ENI_MAX	MC_PROTO_NIC_GROUPS	/* 5, as EC2 */

struct ctl_sg {
	char	id[MC_ID_MAX];
	char	account_id[16];
	char	vpc_id[MC_ID_MAX];
	char	name[CTL_SG_TEXT_MAX + 1];
	char	description[CTL_SG_TEXT_MAX + 1];
	int64_t	created_ms;
};

/* The groups of one interface, in order: ids and names. */
struct ctl_sg_set {
	struct {
		char	id[MC_ID_MAX];
		char	name[CTL_SG_TEXT_MAX + 1];
	}	v[CTL_SG_PER_ENI_MAX];
	size_t	n;
};

/*
 * A new group of account in vpc_id, with EC2's one rule (all traffic
 * out to 0.0.0.0/0).  Checks name and description (InvalidParameterValue),
 * the reserved name "default" (InvalidGroup.Reserved), a name already
 * used in the VPC, in any case (InvalidGroup.Duplicate), and the
 * VPC's limit (SecurityGroupLimitExceeded).  Fills *ret.
 */
int	ctl_sg_create(sqlite3 *db, const char *account, const char *vpc_id,
	    const char *name, const char *description, int64_t now_ms,
	    struct ctl_sg *ret, struct mc_err *err);

/* The default group of a new VPC (ctl_vpc_create calls it). */
int	ctl_sg_create_default(sqlite3 *db, const char *account,
	    const char *vpc_id, int64_t now_ms, struct mc_err *err);

/*
 * Group id of account: 0 and *ret, or -1 with err set
 * (InvalidGroupId.Malformed, InvalidGroup.NotFound).
 */
int	ctl_sg_find(sqlite3 *db, const char *account, const char *id,
	    struct ctl_sg *ret, struct mc_err *err);

/*
 * The group called name in vpc_id (NULL: the account's default VPC), in
 * any case: 0 and *ret, or -1 with err set (InvalidGroup.NotFound).
 */
int	ctl_sg_find_name(sqlite3 *db, const char *account, const char *vpc_id,
	    const char *name, struct ctl_sg *ret, struct mc_err *err);

/* Every group of account by id; *ret is new, the caller frees it. */
int	ctl_sg_list(sqlite3 *db, const char *account, struct ctl_sg **ret,
	    size_t *ret_n, struct mc_err *err);

/*
 * Delete g with its rules and tags.  A VPC's default group is
 * CannotDelete; a group that an interface is in, or that a rule of
 * another group names, is DependencyViolation.
 */
int	ctl_sg_delete(sqlite3 *db, const struct ctl_sg *g, struct mc_err *err);

/*
 * VPC vpc_id is being deleted: DependencyViolation while it holds
 * groups other than its default, which goes with it.
 */
int	ctl_sg_vpc_release(sqlite3 *db, const char *vpc_id,
	    struct mc_err *err);

/*
 * The groups an interface in vpc_id asks for: ids (which must be the
 * account's, else InvalidGroup.NotFound, and in vpc_id, else
 * InvalidParameter) and names of groups in vpc_id.  Repeats count once;
 * more than CTL_SG_PER_ENI_MAX is SecurityGroupsPerInstanceLimitExceeded.
 * Neither ids nor names: the VPC's default group.  Fills *ret.
 */
int	ctl_sg_resolve(sqlite3 *db, const char *account, const char *vpc_id,
	    const char *const *ids, size_t n_ids, const char *const *names,
	    size_t n_names, struct ctl_sg_set *ret, struct mc_err *err);

/* Make s the groups of interface eni_id, replacing what it had. */
int	ctl_sg_eni_set(sqlite3 *db, const char *eni_id,
	    const struct ctl_sg_set *s, struct mc_err *err);

/*
 * Put interface eni_id of vpc_id in the n groups ids instead of its
 * own (ModifyInstanceAttribute, ModifyNetworkInterfaceAttribute): they
 * are checked as ctl_sg_resolve checks them, and the VPC's hosts are
 * bumped.  At least one id, else MissingParameter.
 */
int	ctl_sg_eni_replace(sqlite3 *db, const char *account,
	    const char *eni_id, const char *vpc_id, const char *const *ids,
	    size_t n, struct mc_err *err);

/* The groups of interface eni_id into *ret. */
int	ctl_sg_eni_groups(sqlite3 *db, const char *eni_id,
	    struct ctl_sg_set *ret, struct mc_err *err);

/*
 * The groups of the n interfaces eni_ids (borrowed, sorted by strcmp)
 * with one query: *ret[i] (the caller's) gets those of eni_ids[i].
 */
int	ctl_sg_eni_groups_of(sqlite3 *db, const char *const *eni_ids,
	    size_t n, struct ctl_sg_set *const *ret, struct mc_err *err);

/*
 * Bump the desired-state generation of every host with an instance in
 * vpc_id: their agents need the new rules or members.  The caller wakes
 * the long polls (ctl_notify_bump) after its commit.
 */
int	ctl_sg_bump_vpc(sqlite3 *db, const char *vpc_id, struct mc_err *err);

/* The ids (or names) of s, as values for a group-id filter. */
void	ctl_sg_set_fvals(const struct ctl_sg_set *s, bool names,
	    struct ctl_fvals *fv);

/* <groupSet> with an <item> (groupId, groupName) per group of s. */
void	ctl_sg_set_xml(struct ctl_xml *x, const struct ctl_sg_set *s);

#endif /* CTL_SG_H */

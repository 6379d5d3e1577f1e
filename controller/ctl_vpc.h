/*
 * ctl_vpc: VPCs and subnets in the store.  Each account gets a default
 * VPC (172.31.0.0/16, a default subnet per zone) the first time it uses
 * the network, as EC2 gives every account one; CIDR blocks are checked
 * as EC2 checks them.  Every function but ctl_vpc_ensure_default works
 * in the caller's transaction (or snapshot).
 */
#ifndef CTL_VPC_H
#define CTL_VPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "mc_id.h"
#include "mc_ipv4.h"
#include "mc_proto.h"

struct ctl_conf;
struct mc_err;

#define CTL_VPC_DEFAULT_CIDR	"172.31.0.0/16"
#define CTL_VPC_VNI_MAX		16383	/* see the agent's transit links */

struct ctl_vpc {
	char		id[MC_ID_MAX];
	char		account_id[16];
	struct mc_cidr	cidr;
	bool		is_default;
	bool		dns_support, dns_hostnames;
	unsigned	vni;		/* small number, unique in the cloud */
	int64_t		created_ms;
};

struct ctl_subnet {
	char		id[MC_ID_MAX];
	char		account_id[16];
	char		vpc_id[MC_ID_MAX];
	char		zone[MC_PROTO_ZONE_MAX + 1];
	struct mc_cidr	cidr;
	bool		default_for_az, map_public_ip;
	unsigned	n_used;		/* addresses its interfaces hold */
	int64_t		created_ms;
};

/*
 * Make account's default VPC and its default subnets (a /20 in each
 * configured zone) if it never had them: once per account, so that what
 * its owner deletes stays deleted, as on EC2.  Runs its own write
 * transaction when there is anything to do.
 */
int	ctl_vpc_ensure_default(sqlite3 *db, const struct ctl_conf *c,
	    const char *account, int64_t now_ms, struct mc_err *err);

/*
 * A new VPC of account with block cidr (/16../28, else InvalidVpc.Range;
 * within the account's limit, else VpcLimitExceeded) and its default
 * security group.  Fills *ret.
 */
int	ctl_vpc_create(sqlite3 *db, const struct ctl_conf *c,
	    const char *account, const struct mc_cidr *cidr, bool is_default,
	    int64_t now_ms, struct ctl_vpc *ret, struct mc_err *err);

/*
 * Find VPC id of account: 0 and *ret filled, or -1 with err set
 * (InvalidVpcID.Malformed or InvalidVpcID.NotFound).
 */
int	ctl_vpc_find(sqlite3 *db, const char *account, const char *id,
	    struct ctl_vpc *ret, struct mc_err *err);

/* The default VPC of account: 1 and *ret, 0 when it has none, -1. */
int	ctl_vpc_default(sqlite3 *db, const char *account, struct ctl_vpc *ret,
	    struct mc_err *err);

/* Every VPC of account by id; *ret is new, the caller frees it. */
int	ctl_vpc_list(sqlite3 *db, const char *account, struct ctl_vpc **ret,
	    size_t *ret_n, struct mc_err *err);

/*
 * Delete VPC id and its default security group; DependencyViolation
 * while it has subnets or other groups.
 */
int	ctl_vpc_delete(sqlite3 *db, const char *account, const char *id,
	    struct mc_err *err);

/*
 * A new subnet of vpc in zone: the block /16../28 inside the VPC's
 * (InvalidSubnet.Range), overlapping none of its subnets
 * (InvalidSubnet.Conflict).  Fills *ret.
 */
int	ctl_subnet_create(sqlite3 *db, const char *account,
	    const struct ctl_vpc *vpc, const struct mc_cidr *cidr,
	    const char *zone, bool default_for_az, bool map_public_ip,
	    int64_t now_ms, struct ctl_subnet *ret, struct mc_err *err);

/* Like ctl_vpc_find, for subnets (InvalidSubnetID.*). */
int	ctl_subnet_find(sqlite3 *db, const char *account, const char *id,
	    struct ctl_subnet *ret, struct mc_err *err);

/* Every subnet of account by id; *ret is new, the caller frees it. */
int	ctl_subnet_list(sqlite3 *db, const char *account,
	    struct ctl_subnet **ret, size_t *ret_n, struct mc_err *err);

/*
 * The default subnet of account in zone: 1 and *ret filled, 0 when
 * there is none, -1 with err set.
 */
int	ctl_subnet_default(sqlite3 *db, const char *account, const char *zone,
	    struct ctl_subnet *ret, struct mc_err *err);

/* Delete subnet id; DependencyViolation while interfaces use it. */
int	ctl_subnet_delete(sqlite3 *db, const char *account, const char *id,
	    struct mc_err *err);

/* The addresses of a subnet EC2 hands out: all but 4 first and last. */
uint64_t	ctl_subnet_capacity(const struct mc_cidr *cidr);

#endif /* CTL_VPC_H */

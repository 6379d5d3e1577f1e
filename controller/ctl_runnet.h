/*
 * ctl_runnet: the network side of RunInstances.  Reads where the
 * instances go (SubnetId, PrivateIpAddress, or NetworkInterface.1.*,
 * else the default subnet of each instance's zone), then, in the
 * launch's transaction, gives each instance its primary interface and,
 * when asked for or the subnet maps one, a public IP.
 */
#ifndef CTL_RUNNET_H
#define CTL_RUNNET_H

#include <stdbool.h>
#include <stdint.h>

#include <sqlite3.h>

#include "ctl_sg.h"
#include "ctl_vpc.h"

struct ctl_req;
struct mc_err;

struct ctl_runnet {
	const char		*subnet_id;	/* borrowed; NULL: default */
	uint32_t		 private_ip;	/* 0 : the lowest free */
	int			 public_ip;	/* -1 subnet decides, 0, 1 */
	struct ctl_subnet	 subnet;	/* when subnet_id is set */
	/* Security groups asked for: owned arrays of borrowed strings. */
	const char		**group_ids, **group_names;
	size_t			 n_group_ids, n_group_names;
	struct ctl_sg_set	 groups;	/* resolved by _prepare */
};

/*
 * Read and check the network parameters of req (MaxCount max): where,
 * which address, and the security groups (SecurityGroupId.N,
 * SecurityGroup.N, or NetworkInterface.1.SecurityGroupId.N).  Free
 * *ret with ctl_runnet_clear, also on failure.
 */
int	ctl_runnet_parse(const struct ctl_req *req, long long max,
	    struct ctl_runnet *ret, struct mc_err *err);

/* Free what ctl_runnet_parse allocated. */
void	ctl_runnet_clear(struct ctl_runnet *net);

/*
 * Before the launch's transaction: load the named subnet (its zone then
 * binds the launch: *zone is set to it, and a different
 * Placement.AvailabilityZone is refused) or make sure the account has
 * its default VPC; resolve the security groups in that VPC (none asked
 * for: its default group).
 */
int	ctl_runnet_prepare(const struct ctl_req *req, sqlite3 *db,
	    struct ctl_runnet *net, const char **zone, struct mc_err *err);

/*
 * In the launch's transaction: the interface of instance id in zone, in
 * its security groups.  The hosts of its VPC are bumped (its groups'
 * members change) unless vpc_bumped (MC_ID_MAX bytes, "" at first)
 * names that VPC already: once per launch, not once per instance.
 */
int	ctl_runnet_attach(const struct ctl_req *req, sqlite3 *db,
	    const struct ctl_runnet *net, const char *id, const char *zone,
	    char *vpc_bumped, struct mc_err *err);

#endif /* CTL_RUNNET_H */

/*
 * ctl_sg_desired: the security groups of a host's desired state: every
 * group an interface there is in, and every group their rules name (and
 * theirs, in turn), each with its rules and the private addresses of
 * all its members in the cloud, so that the agent can write rules that
 * name groups.
 */
#ifndef CTL_SG_DESIRED_H
#define CTL_SG_DESIRED_H

#include <sqlite3.h>

#include "mc_proto.h"

struct mc_err;

/*
 * Fill d->groups from the groups of d's interfaces (d->v[i].nic.groups,
 * already set), in the caller's snapshot.  Returns 0, or -1 with err
 * set; what was added is freed by mc_proto_desired_clear either way.
 */
int	ctl_sg_desired_load(sqlite3 *db, struct mc_proto_desired *d,
	    struct mc_err *err);

#endif /* CTL_SG_DESIRED_H */

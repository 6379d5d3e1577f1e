/*
 * ctl_desired: what the controller wants of one host, as the agents'
 * protocol carries it: every instance placed there (not terminated),
 * the image files each needs, its network interface and what its
 * metadata service must say, the security groups of those
 * interfaces (ctl_sg_desired), the volumes of the host's zone with
 * the ones each instance should have attached (ctl_vol_desired), the
 * snapshots the host must take (ctl_snap), and the view of its VPCs
 * (ctl_view).
 */
#ifndef CTL_DESIRED_H
#define CTL_DESIRED_H

#include <sqlite3.h>

#include "mc_proto.h"

struct ctl_conf;
struct ctl_view_held;
struct mc_err;

/*
 * Read host's desired state in one snapshot, with the changes to the
 * views of its VPCs since what the agent holds (held, NULL: nothing;
 * ctl_view).  Free *ret with mc_proto_desired_clear.  Returns 0, or -1
 * with err set.
 */
int	ctl_desired_load(sqlite3 *db, const struct ctl_conf *c,
	    const char *host, const struct ctl_view_held *held,
	    struct mc_proto_desired *ret, struct mc_err *err);

#endif /* CTL_DESIRED_H */

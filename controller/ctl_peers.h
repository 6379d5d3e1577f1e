/*
 * ctl_peers: the instances on other hosts of the VPCs a host serves,
 * for its overlay (the desired state's peers).
 */
#ifndef CTL_PEERS_H
#define CTL_PEERS_H

#include <sqlite3.h>

#include "mc_proto.h"

struct mc_err;

/*
 * Fill d->peers (replacing any) for host, in the caller's read
 * snapshot.  Returns 0, or -1 with err set.
 */
int	ctl_peers_load(sqlite3 *db, const char *host,
	    struct mc_proto_desired *d, struct mc_err *err);

#endif /* CTL_PEERS_H */

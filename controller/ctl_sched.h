/*
 * ctl_sched: where new instances go.  Filters first (host up and
 * enabled, in the zone asked for, room for the vCPUs, memory and disk
 * under the overcommit ratios), then a weight: spread (the most free
 * memory, the default) or pack (the least that still fits).  It runs
 * inside the caller's write transaction, so launches that race for the
 * last room see each other's placements and never over-commit a host.
 * Each decision is logged with its reason.
 */
#ifndef CTL_SCHED_H
#define CTL_SCHED_H

#include <stdbool.h>
#include <stdint.h>

#include <sqlite3.h>

#include "mc_proto.h"

struct mc_err;

struct ctl_sched_opts {
	unsigned	cpu_pct;	/* vCPUs sold per host CPU, in percent */
	unsigned	mem_pct;
	unsigned	disk_pct;
	bool		pack;		/* pack instead of spread */
	int64_t		now_ms;
	int64_t		timeout_ms;	/* a host silent longer is down */
};

/* One instance to place. */
struct ctl_sched_ask {
	const char	*zone;		/* "" : any */
	unsigned	 vcpus;
	unsigned	 mem_mib;
	unsigned	 disk_gib;
	/*
	 * NULL, or the only host to try: a stopped instance's own, which
	 * may be disabled (a disabled host keeps its instances).
	 */
	const char	*own_host;
};

/*
 * Place up to max instances like ask, at least min; write the chosen
 * host names to ret_hosts[i] (max entries of MC_PROTO_NAME_MAX + 1).
 * Returns how many were placed (>= min), or -1 with err set:
 * InsufficientInstanceCapacity (the message says what was missing) or
 * an internal error.
 */
int	ctl_sched_place(sqlite3 *db, const struct ctl_sched_opts *o,
	    const struct ctl_sched_ask *ask, unsigned min, unsigned max,
	    char (*ret_hosts)[MC_PROTO_NAME_MAX + 1], struct mc_err *err);

#endif /* CTL_SCHED_H */

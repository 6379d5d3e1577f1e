/*
 * ctl_hosts: the hypervisor hosts, as their agents describe them, and
 * what the controller wants of each: registration, liveness (a host is
 * down when it has not reported for the host timeout), capacity and use,
 * the desired state document an agent polls, and applying the actual
 * states an agent reports to the instances' lifecycle.
 */
#ifndef CTL_HOSTS_H
#define CTL_HOSTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "mc_proto.h"
#include "ctl_hstate.h"

struct mc_err;

struct ctl_host {
	char		name[MC_PROTO_NAME_MAX + 1];
	char		zone[MC_PROTO_ZONE_MAX + 1];
	unsigned	vcpus;
	uint64_t	mem_mib, disk_gib;
	char		accel[8];
	char		accel_why[MC_PROTO_WHY_MAX + 1];
	char		version[32];
	bool		enabled;	/* takes new instances */
	bool		drain;		/* disabled by `host drain` */
	bool		up;		/* reported within the timeout */
	uint64_t	generation;
	int64_t		registered_ms, last_seen_ms;
	/* What its instances take: vCPUs and memory of those that run or
	 * are about to, disk of all that are not terminated. */
	unsigned	used_vcpus;
	uint64_t	used_mem_mib, used_disk_gib;
	unsigned	n_instances;
};

/*
 * Register (or re-register) a host; returns its generation in *ret_gen.
 * A host keeps its admin state over re-registration.  A host that still
 * has instances cannot move to another zone (they are in the old one):
 * InvalidParameterValue.
 */
int	ctl_hosts_register(sqlite3 *db, const struct mc_proto_host *h,
	    int64_t now_ms, uint64_t *ret_gen, struct mc_err *err);

/*
 * Every host with its use, by name; up is decided with timeout_ms, or,
 * when it is negative, is what the controller last recorded (the admin
 * CLI's view: the controller's timeout may differ from the CLI's
 * configuration).  *ret is a new array the caller frees.
 */
int	ctl_hosts_list(sqlite3 *db, int64_t now_ms, int64_t timeout_ms,
	    struct ctl_host **ret, size_t *ret_n, struct mc_err *err);

/*
 * ctl_hosts_list without their use (used_* and n_instances are 0): what
 * each host is and whether it is up, without reading its instances.
 */
int	ctl_hosts_list_bare(sqlite3 *db, int64_t now_ms, int64_t timeout_ms,
	    struct ctl_host **ret, size_t *ret_n, struct mc_err *err);

/* The generation of host's desired state; 0 when the host is unknown. */
int	ctl_hosts_generation(sqlite3 *db, const char *host, uint64_t *ret,
	    struct mc_err *err);

/*
 * Apply host's report: record each instance's actual state and move
 * its lifecycle on, in one transaction; mark the host seen.  Reports
 * about instances that are not on host are ignored.  Returns 0, or -1
 * with err set.
 */
int	ctl_hosts_report(sqlite3 *db, const char *host,
	    const struct mc_proto_report *r, int64_t now_ms,
	    struct mc_err *err);

/*
 * Set host's admin state: CTL_HADMIN_ENABLED, _DISABLED or _DRAINING
 * (draining shows as drained once the host has no instance).  Returns 1,
 * 0 when no host has that name, or -1 with err set.
 */
int	ctl_hosts_set_admin(sqlite3 *db, const char *host, enum ctl_hadmin a,
	    struct mc_err *err);

/* Mark host seen at now_ms.  Returns 1, 0 for an unknown host, or -1. */
int	ctl_hosts_touch(sqlite3 *db, const char *host, int64_t now_ms,
	    struct mc_err *err);

#endif /* CTL_HOSTS_H */

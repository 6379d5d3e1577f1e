/*
 * ctl_hstate: the names the operator and EC2 clients see for hosts and
 * zones, decided from a host list alone: a host's admin state (enabled,
 * disabled, draining, drained) and a zone's state for
 * DescribeAvailabilityZones.  Pure: it reads no store and no clock.
 */
#ifndef CTL_HSTATE_H
#define CTL_HSTATE_H

#include <stddef.h>

struct ctl_host;

enum ctl_hadmin {
	CTL_HADMIN_ENABLED,	/* takes new instances */
	CTL_HADMIN_DISABLED,	/* takes none; keeps what it has */
	CTL_HADMIN_DRAINING,	/* disabled, until its last instance goes */
	CTL_HADMIN_DRAINED,	/* drain asked, and no instance left */
	CTL_HADMIN__MAX
};

enum ctl_zstate {
	CTL_ZSTATE_AVAILABLE,	/* a host is up and enabled */
	CTL_ZSTATE_CONSTRAINED,	/* hosts up, but none takes new instances */
	CTL_ZSTATE_IMPAIRED,	/* it has hosts, all of them down */
	CTL_ZSTATE_UNAVAILABLE,	/* no host at all */
	CTL_ZSTATE__MAX
};

/* The admin state of h (borrowed), from its flags and instance count. */
enum ctl_hadmin	ctl_hstate_admin(const struct ctl_host *h);

/* "enabled", "disabled", "draining", "drained"; "unknown" out of range. */
const char	*ctl_hstate_admin_name(enum ctl_hadmin a);

/*
 * The state of zone given every host v[0..n) (borrowed; hosts of other
 * zones are skipped).  Writes the message EC2 puts in messageSet to
 * msg (msgsz bytes, truncated to fit), "" when the zone is available.
 */
enum ctl_zstate	ctl_hstate_zone(const struct ctl_host *v, size_t n,
		    const char *zone, char *msg, size_t msgsz);

/* "available", "constrained", "impaired", "unavailable". */
const char	*ctl_hstate_zone_name(enum ctl_zstate z);

#endif /* CTL_HSTATE_H */

/*
 * ctl_hstate: host admin states and zone states, from host lists.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "ctl_hosts.h"
#include "ctl_hstate.h"

static const char *const admin_names[CTL_HADMIN__MAX] = {
	[CTL_HADMIN_ENABLED]	= "enabled",
	[CTL_HADMIN_DISABLED]	= "disabled",
	[CTL_HADMIN_DRAINING]	= "draining",
	[CTL_HADMIN_DRAINED]	= "drained",
};

/*
 * Each zone state with its message; every format takes the zone's name
 * and then a count of hosts (down ones for impaired, up ones otherwise).
 */
static const struct {
	const char	*name;
	const char	*fmt;
} zstates[CTL_ZSTATE__MAX] = {
	[CTL_ZSTATE_AVAILABLE]	 = { "available", "" },
	[CTL_ZSTATE_CONSTRAINED] = { "constrained", "%s takes no new "
	    "instances: its %u up host(s) are disabled or draining" },
	[CTL_ZSTATE_IMPAIRED]	 = { "impaired", "%s is impaired: all %u of "
	    "its hosts are down, and so are their instances" },
	[CTL_ZSTATE_UNAVAILABLE] = { "unavailable", "%s is unavailable: it "
	    "has no hosts" },
};

enum ctl_hadmin
ctl_hstate_admin(const struct ctl_host *h)
{
	if (h->enabled)
		return CTL_HADMIN_ENABLED;
	if (!h->drain)
		return CTL_HADMIN_DISABLED;
	return h->n_instances > 0 ? CTL_HADMIN_DRAINING : CTL_HADMIN_DRAINED;
}

const char *
ctl_hstate_admin_name(enum ctl_hadmin a)
{
	return a < CTL_HADMIN__MAX ? admin_names[a] : "unknown";
}

enum ctl_zstate
ctl_hstate_zone(const struct ctl_host *v, size_t n, const char *zone,
    char *msg, size_t msgsz)
{
	enum ctl_zstate	z;
	unsigned	up = 0, usable = 0, all = 0;
	size_t		i;

	for (i = 0; i < n; i++) {
		if (strcmp(v[i].zone, zone) != 0)
			continue;
		all++;
		up += v[i].up;
		usable += v[i].up && v[i].enabled;
	}
	/* 1. a host that takes launches; 2. hosts up; 3. hosts at all. */
	if (usable > 0)
		z = CTL_ZSTATE_AVAILABLE;
	else if (up > 0)
		z = CTL_ZSTATE_CONSTRAINED;
	else if (all > 0)
		z = CTL_ZSTATE_IMPAIRED;
	else
		z = CTL_ZSTATE_UNAVAILABLE;
	(void)snprintf(msg, msgsz, zstates[z].fmt, zone,
	    z == CTL_ZSTATE_IMPAIRED ? all : up);
	return z;
}

const char *
ctl_hstate_zone_name(enum ctl_zstate z)
{
	return z < CTL_ZSTATE__MAX ? zstates[z].name : "unknown";
}

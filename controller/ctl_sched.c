/*
 * ctl_sched: filter and weigh hosts for new instances.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_err.h"
#include "mc_log.h"
#include "ctl_hosts.h"
#include "ctl_sched.h"

/* Why hosts were passed over, counted for the error message and log. */
struct why {
	unsigned	down, disabled, zone, cpu, mem, disk;
};

/* Free room on h for the dimension, under the overcommit ratio. */
static int64_t
room(uint64_t total, unsigned pct, uint64_t used)
{
	return (int64_t)(total * pct / 100) - (int64_t)used;
}

/* Does h pass the filters for ask?  Counts why not in w. */
static bool
fits(const struct ctl_host *h, const struct ctl_sched_opts *o,
    const struct ctl_sched_ask *ask, struct why *w)
{
	if (!h->up)
		return w->down++, false;
	if ((ask->zone[0] != '\0' && strcmp(ask->zone, h->zone) != 0) ||
	    (ask->own_host != NULL && strcmp(ask->own_host, h->name) != 0))
		return w->zone++, false;
	if (!h->enabled && ask->own_host == NULL)
		return w->disabled++, false;
	if (room(h->vcpus, o->cpu_pct, h->used_vcpus) < ask->vcpus)
		return w->cpu++, false;
	if (room(h->mem_mib, o->mem_pct, h->used_mem_mib) < ask->mem_mib)
		return w->mem++, false;
	if (room(h->disk_gib, o->disk_pct, h->used_disk_gib) < ask->disk_gib)
		return w->disk++, false;
	return true;
}

/* Free memory after placing, as a share: spread takes the most. */
static double
weight(const struct ctl_host *h, const struct ctl_sched_opts *o,
    const struct ctl_sched_ask *ask)
{
	double cap = (double)h->mem_mib * o->mem_pct / 100.0;
	double free_share = (cap - (double)h->used_mem_mib - ask->mem_mib) /
	    (cap > 0 ? cap : 1);

	return o->pack ? -free_share : free_share;
}

/* Index of the best host for ask, or -1. */
static int
pick(const struct ctl_host *v, size_t n, const struct ctl_sched_opts *o,
    const struct ctl_sched_ask *ask, struct why *w)
{
	double	best_w = 0;
	int	best = -1;
	size_t	i;

	for (i = 0; i < n; i++) {
		if (!fits(&v[i], o, ask, w))
			continue;
		if (best < 0 || weight(&v[i], o, ask) > best_w) {
			best = (int)i;
			best_w = weight(&v[i], o, ask);
		}
	}
	return best;
}

static int
no_room(const struct why *w, size_t n_hosts, unsigned placed, unsigned min,
    struct mc_err *err)
{
	mc_log(MC_LOG_INFO, "scheduler found no host", "hosts=%zu placed=%u "
	    "wanted=%u down=%u disabled=%u other_zone=%u no_cpu=%u no_mem=%u "
	    "no_disk=%u", n_hosts, placed, min, w->down, w->disabled, w->zone,
	    w->cpu, w->mem, w->disk);
	return mc_err_set(err, MC_EC_INSUFFICIENT_INSTANCE_CAPACITY,
	    "We currently do not have sufficient capacity for %u instance%s "
	    "(placed %u; of %zu host%s, %u down, %u disabled, %u in another "
	    "zone, %u short of vCPUs, %u of memory, %u of disk)", min,
	    min == 1 ? "" : "s", placed, n_hosts, n_hosts == 1 ? "" : "s",
	    w->down, w->disabled, w->zone, w->cpu, w->mem, w->disk);
}

int
ctl_sched_place(sqlite3 *db, const struct ctl_sched_opts *o,
    const struct ctl_sched_ask *ask, unsigned min, unsigned max,
    char (*ret_hosts)[MC_PROTO_NAME_MAX + 1], struct mc_err *err)
{
	struct ctl_host	*v = NULL;
	struct why	 w;
	size_t		 n = 0;
	unsigned	 placed;
	int		 i;

	if (ctl_hosts_list(db, o->now_ms, o->timeout_ms, &v, &n, err) < 0)
		return -1;
	for (placed = 0; placed < max; placed++) {
		memset(&w, 0, sizeof(w));
		if ((i = pick(v, n, o, ask, &w)) < 0)
			break;
		/* Count it at once: the next pick sees it. */
		v[i].used_vcpus += ask->vcpus;
		v[i].used_mem_mib += ask->mem_mib;
		v[i].used_disk_gib += ask->disk_gib;
		memcpy(ret_hosts[placed], v[i].name, sizeof(v[i].name));
		mc_log(MC_LOG_INFO, "scheduler placed", "host=%s zone=%s "
		    "policy=%s vcpus_used=%u/%u mem_used_mib=%llu/%llu",
		    v[i].name, v[i].zone, o->pack ? "pack" : "spread",
		    v[i].used_vcpus, v[i].vcpus,
		    (unsigned long long)v[i].used_mem_mib,
		    (unsigned long long)v[i].mem_mib);
	}
	if (placed < min) {
		no_room(&w, n, placed, min, err);
		free(v);
		return -1;
	}
	free(v);
	return (int)placed;
}

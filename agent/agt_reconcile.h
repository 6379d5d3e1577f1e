/*
 * agt_reconcile: one round of the agent's level-triggered loop.  It
 * compares what the controller wants on this host with what libvirt
 * has, takes the steps that close the gap (fetch images, make disks,
 * define, start, ACPI stop then hard stop, reboot, remove), reports the
 * actual state of every instance when it changed (and as a heartbeat),
 * and uploads consoles and what it wired.  Rounds are cheap and safe to
 * repeat: the loop runs one on every event and once a second.
 */
#ifndef AGT_RECONCILE_H
#define AGT_RECONCILE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mc_proto.h"

struct agt_client;
struct agt_conf;
struct agt_images;
struct agt_imds;
struct agt_inst;
struct agt_md;
struct agt_net;
struct agt_snap;
struct hv_conn;
struct st_pool;

/* The agent's state, owned by its main loop. */
struct agt {
	const struct agt_conf	*conf;
	char			 cache_dir[PATH_MAX];
	struct hv_conn		*hv;
	bool			 kvm;
	struct agt_images	*images;
	struct agt_client	*client;
	struct agt_net		*net;		/* the instances' networks */
	struct st_pool		*pool;		/* the zone's volumes */
	int64_t			 pool_checked_ms;	/* last clean-up */
	struct agt_snap		*snaps;		/* snapshot jobs */
	struct agt_md		*md;		/* what the IMDS serves */
	struct agt_imds		*imds;
	struct agt_inst		*insts;		/* owned */
	size_t			 n_insts;
	struct mc_proto_desired	 desired;	/* the newest, owned */
	bool			 have_desired;
	int64_t			 last_report_ms;
	bool			 report_due;
	bool			 need_register;
};

/* One round at now_ms.  Logs what it does; never fails as a whole. */
void	agt_reconcile(struct agt *a, int64_t now_ms);

/* Free what the rounds accumulated (instances, desired state). */
void	agt_reconcile_clear(struct agt *a);

#endif /* AGT_RECONCILE_H */

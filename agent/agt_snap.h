/*
 * agt_snap: the snapshots this host must take (the desired state's
 * snaps[]), level-triggered like the rest of the agent.  Each job gets
 * a plain qcow2 copy of its disk in STATE_DIR/snapshots (live while
 * its instance runs here, else offline; after a shutdown for a reboot
 * job), uploaded to the controller; its progress or failure goes in
 * every report.  A job that leaves the desired state is cancelled.
 * Copies and uploads run in worker threads; the main loop owns the
 * table.  It does not decide what to snapshot: the controller does.
 */
#ifndef AGT_SNAP_H
#define AGT_SNAP_H

#include <stdbool.h>
#include <stdint.h>

#include "mc_proto.h"

struct agt;
struct agt_snap;
struct mc_err;

/*
 * A table whose copies go in STATE_DIR/snapshots, made here; what an
 * earlier agent left there is removed (its jobs simply start again).
 * auth is the header uploads send (copied); wake_fd (borrowed, open for
 * the agent's life) gets a byte when a worker ends.  Returns 0, or -1
 * with err set.
 */
int	agt_snap_new(const char *state_dir, const char *auth, int wake_fd,
	    struct agt_snap **ret, struct mc_err *err);

/* Let go of s (NULL is fine); running workers end on their own. */
void	agt_snap_free(struct agt_snap *s);

/*
 * One round: take on new jobs of a->desired, take the next step of
 * each, cancel those no longer listed.  Sets a->report_due when what
 * the report says changed.  Problems are logged, or reported as a
 * job's failure; it never fails as a whole.
 */
void	agt_snap_sync(struct agt *a, int64_t now_ms);

/*
 * True while a job needs instance id left alone by the reconcile loop
 * (stopped for a reboot job, or its disk being copied offline): the
 * loop then neither starts nor stops it and reports it as before.
 */
bool	agt_snap_holds(const struct agt_snap *s, const char *id);

/*
 * The state of each job still wanted into r->snaps (a new array that
 * mc_proto_report_clear frees) and r->n_snaps.  Returns 0, or -1 when
 * out of memory (r untouched).
 */
int	agt_snap_report(const struct agt_snap *s, struct mc_proto_report *r);

#endif /* AGT_SNAP_H */

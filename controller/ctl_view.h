/*
 * ctl_view: the views of their VPCs the hosts hold (struct
 * mc_proto_view): every live interface of a VPC with its address, its
 * groups and its host's underlay address.  A host gets a VPC's view
 * whole once, then the interfaces that changed since the sequence it
 * holds, read from the change log the schema's triggers write
 * (view_log).  Security-group members and overlay peers both come
 * from it, on the agent.
 */
#ifndef CTL_VIEW_H
#define CTL_VIEW_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "mc_proto.h"

struct mc_err;

/* What an agent says it holds: the views of vpcs, at seq. */
struct ctl_view_held {
	uint64_t	  seq;
	char		**vpcs;		/* owned, each owned */
	size_t		  n_vpcs;
};

/*
 * Parse the agent's query: seq (digits, NULL for 0) and vpcs (VPC ids
 * separated by commas, NULL or "" for none) into *ret.  Free it with
 * ctl_view_held_clear.  Returns 0, or -1 with err set
 * (InvalidParameterValue).
 */
int	ctl_view_held_parse(const char *seq, const char *vpcs,
	    struct ctl_view_held *ret, struct mc_err *err);
void	ctl_view_held_clear(struct ctl_view_held *h);

/*
 * The view host needs (the VPCs of its instances) into *ret, in the
 * caller's read snapshot: a VPC it holds at a sequence the log still
 * covers as its changes, any other whole.  held may be NULL (nothing
 * held).  Free *ret with mc_proto_view_clear.  Returns 0, or -1 with
 * err set.
 */
int	ctl_view_load(sqlite3 *db, const char *host,
	    const struct ctl_view_held *held, struct mc_proto_view *ret,
	    struct mc_err *err);

/*
 * Forget all but the newest keep rows of the change log; agents that
 * hold older views get them whole.  Returns the rows removed, or -1
 * with err set.
 */
int	ctl_view_trim(sqlite3 *db, int64_t keep, struct mc_err *err);

#endif /* CTL_VIEW_H */

/*
 * agt_view: the views of its VPCs this host holds (struct
 * mc_proto_view), kept from one desired state to the next and changed
 * by each one's view; from them it fills in what the rest of the agent
 * reads: each security group's members and the overlay's peers.  Owned
 * by the poll thread.
 */
#ifndef AGT_VIEW_H
#define AGT_VIEW_H

#include "mc_proto.h"

struct mc_err;
struct agt_view;

/* A new, empty view (asks for everything whole).  NULL: no memory. */
struct agt_view	*agt_view_new(void);
void		 agt_view_free(struct agt_view *v);

/* Forget everything held: the next answer must send it whole. */
void	agt_view_reset(struct agt_view *v);

/*
 * What the next poll says is held: "&view=SEQ&vpcs=ID,ID" as a new
 * string the caller frees (NULL when out of memory).
 */
char	*agt_view_query(const struct agt_view *v);

/*
 * Apply d->view to v (VPCs d does not list are dropped), then fill in
 * d's groups' members and d->peers from v, both sorted by address.
 * Returns 1 when the view changed, 0 when it did not, -1 with err set
 * when d does not fit what v holds (changes to a VPC not held): v is
 * then reset.
 */
int	agt_view_apply(struct agt_view *v, struct mc_proto_desired *d,
	    struct mc_err *err);

#endif /* AGT_VIEW_H */

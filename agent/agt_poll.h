/*
 * agt_poll: a thread that long-polls the controller for this host's
 * desired state and hands each new document to the main loop (which it
 * wakes through a pipe).  It never touches libvirt.
 */
#ifndef AGT_POLL_H
#define AGT_POLL_H

#include <stdbool.h>

#include "mc_proto.h"

struct agt_conf;
struct mc_err;
struct agt_poll;

/*
 * Start polling for conf's host; wake_fd (borrowed, kept open by the
 * caller) gets a byte for every new document.  Returns 0, or -1 with err.
 */
int	agt_poll_start(const struct agt_conf *conf, int wake_fd,
	    struct agt_poll **ret, struct mc_err *err);

/*
 * Move the newest document into *ret (which the caller owns and clears
 * first) if one came since the last take.  Returns true when it did.
 */
bool	agt_poll_take(struct agt_poll *p, struct mc_proto_desired *ret);

/* True once after the controller said it does not know this host. */
bool	agt_poll_unknown_host(struct agt_poll *p);

/* Stop the thread (cutting a poll short) and free p (NULL is fine). */
void	agt_poll_stop(struct agt_poll *p);

#endif /* AGT_POLL_H */

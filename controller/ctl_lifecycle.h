/*
 * ctl_lifecycle: EC2's instance state machine as one table.  Given an
 * instance's state and what just happened (an API call, or what its
 * agent saw), it says the next state, the next desired state for the
 * agent, and whether the call is refused.  Pure: the callers read and
 * write the store.
 */
#ifndef CTL_LIFECYCLE_H
#define CTL_LIFECYCLE_H

#include <stdbool.h>

#include "mc_err.h"
#include "mc_proto.h"

enum ctl_istate {
	CTL_IS_PENDING,
	CTL_IS_RUNNING,
	CTL_IS_SHUTTING_DOWN,
	CTL_IS_TERMINATED,
	CTL_IS_STOPPING,
	CTL_IS_STOPPED,
	CTL_IS__MAX
};

enum ctl_ievent {
	CTL_EV_START,		/* StartInstances */
	CTL_EV_STOP,		/* StopInstances */
	CTL_EV_REBOOT,		/* RebootInstances */
	CTL_EV_TERMINATE,	/* TerminateInstances */
	CTL_EV_RUNNING,		/* the agent: the domain runs */
	CTL_EV_SHUTOFF,		/* the agent: defined, not running */
	CTL_EV_GONE,		/* the agent: no domain, no files */
	CTL_EV_HALT_STOP,	/* the guest powered off; behaviour "stop" */
	CTL_EV_HALT_TERMINATE,	/* the guest powered off; "terminate" */
	CTL_EV_FAILED,		/* the agent cannot make it */
	CTL_EV__MAX
};

struct ctl_step {
	enum ctl_istate		state;		/* next state */
	enum mc_proto_want	want;		/* next desired state */
	bool			changed;	/* state or want moved */
	bool			reboot;		/* bump the reboot sequence */
	enum mc_ec		error;		/* MC_EC_NONE, or why refused */
};

/* The step from (state, want) on ev. */
void	ctl_lifecycle_step(enum ctl_istate state, enum mc_proto_want want,
	    enum ctl_ievent ev, struct ctl_step *ret);

/* EC2's name ("shutting-down") and code (32) of a state. */
const char	*ctl_istate_name(enum ctl_istate s);
int		 ctl_istate_code(enum ctl_istate s);

/* Parse a state name; -1 when unknown. */
int	ctl_istate_parse(const char *s);

#endif /* CTL_LIFECYCLE_H */

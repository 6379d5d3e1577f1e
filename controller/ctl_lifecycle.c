/*
 * ctl_lifecycle: the instance state machine.  Rows are events, columns
 * states; each cell says what happens.  A new rule is a changed cell.
 */
#include <string.h>

#include "ctl_lifecycle.h"

static const struct {
	const char	*name;
	int		 code;
} states[CTL_IS__MAX] = {
	[CTL_IS_PENDING]	= { "pending", 0 },
	[CTL_IS_RUNNING]	= { "running", 16 },
	[CTL_IS_SHUTTING_DOWN]	= { "shutting-down", 32 },
	[CTL_IS_TERMINATED]	= { "terminated", 48 },
	[CTL_IS_STOPPING]	= { "stopping", 64 },
	[CTL_IS_STOPPED]	= { "stopped", 80 },
};

/* What a cell does. */
enum act {
	KEEP,		/* nothing changes (an idempotent call) */
	BAD,		/* IncorrectInstanceState */
	REBOOT,		/* bump the reboot sequence */
	TO_PENDING, TO_RUNNING, TO_STOPPING, TO_STOPPED, TO_SHUTTING_DOWN,
	TO_TERMINATED,
};

#define P	CTL_IS_PENDING
#define R	CTL_IS_RUNNING
#define SD	CTL_IS_SHUTTING_DOWN
#define T	CTL_IS_TERMINATED
#define SG	CTL_IS_STOPPING
#define S	CTL_IS_STOPPED

static const enum act table[CTL_EV__MAX][CTL_IS__MAX] = {
	/*		      pending      running      shutting-down  terminated  stopping     stopped */
	[CTL_EV_START]	    = { [P] = KEEP, [R] = KEEP, [SD] = BAD, [T] = BAD, [SG] = BAD, [S] = TO_PENDING },
	[CTL_EV_STOP]	    = { [P] = TO_STOPPING, [R] = TO_STOPPING, [SD] = BAD, [T] = BAD, [SG] = KEEP, [S] = KEEP },
	[CTL_EV_REBOOT]	    = { [P] = KEEP, [R] = REBOOT, [SD] = BAD, [T] = BAD, [SG] = BAD, [S] = BAD },
	[CTL_EV_TERMINATE]  = { [P] = TO_SHUTTING_DOWN, [R] = TO_SHUTTING_DOWN, [SD] = KEEP, [T] = KEEP, [SG] = TO_SHUTTING_DOWN, [S] = TO_SHUTTING_DOWN },
	[CTL_EV_RUNNING]    = { [P] = TO_RUNNING, [R] = KEEP, [SD] = KEEP, [T] = KEEP, [SG] = KEEP, [S] = KEEP },
	[CTL_EV_SHUTOFF]    = { [P] = KEEP, [R] = KEEP, [SD] = KEEP, [T] = KEEP, [SG] = TO_STOPPED, [S] = KEEP },
	[CTL_EV_GONE]	    = { [P] = KEEP, [R] = KEEP, [SD] = TO_TERMINATED, [T] = KEEP, [SG] = TO_STOPPED, [S] = KEEP },
	[CTL_EV_HALT_STOP]  = { [P] = KEEP, [R] = TO_STOPPED, [SD] = KEEP, [T] = KEEP, [SG] = KEEP, [S] = KEEP },
	[CTL_EV_HALT_TERMINATE] = { [P] = KEEP, [R] = TO_SHUTTING_DOWN, [SD] = KEEP, [T] = KEEP, [SG] = KEEP, [S] = KEEP },
	[CTL_EV_FAILED]	    = { [P] = TO_SHUTTING_DOWN, [R] = KEEP, [SD] = KEEP, [T] = KEEP, [SG] = KEEP, [S] = KEEP },
};

/* Where each move goes: the state, and what the agent is to make of it. */
static const struct {
	enum ctl_istate		state;
	enum mc_proto_want	want;
} moves[] = {
	[TO_PENDING]		= { CTL_IS_PENDING, MC_PROTO_WANT_RUNNING },
	[TO_RUNNING]		= { CTL_IS_RUNNING, MC_PROTO_WANT_RUNNING },
	[TO_STOPPING]		= { CTL_IS_STOPPING, MC_PROTO_WANT_STOPPED },
	[TO_STOPPED]		= { CTL_IS_STOPPED, MC_PROTO_WANT_STOPPED },
	[TO_SHUTTING_DOWN]	= { CTL_IS_SHUTTING_DOWN, MC_PROTO_WANT_TERMINATED },
	[TO_TERMINATED]		= { CTL_IS_TERMINATED, MC_PROTO_WANT_TERMINATED },
};

void
ctl_lifecycle_step(enum ctl_istate state, enum mc_proto_want want,
    enum ctl_ievent ev, struct ctl_step *ret)
{
	enum act a = table[ev][state];

	memset(ret, 0, sizeof(*ret));
	ret->state = state;
	ret->want = want;
	ret->error = MC_EC_NONE;
	switch (a) {
	case KEEP:
		return;
	case BAD:
		ret->error = MC_EC_INCORRECT_INSTANCE_STATE;
		return;
	case REBOOT:
		ret->reboot = true;
		return;
	default:
		ret->state = moves[a].state;
		ret->want = moves[a].want;
		ret->changed = ret->state != state || ret->want != want;
	}
}

const char *
ctl_istate_name(enum ctl_istate s)
{
	return s < CTL_IS__MAX ? states[s].name : "unknown";
}

int
ctl_istate_code(enum ctl_istate s)
{
	return s < CTL_IS__MAX ? states[s].code : -1;
}

int
ctl_istate_parse(const char *s)
{
	int i;

	for (i = 0; i < CTL_IS__MAX; i++)
		if (strcmp(states[i].name, s) == 0)
			return i;
	return -1;
}

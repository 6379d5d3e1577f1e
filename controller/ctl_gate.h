/*
 * ctl_gate: how many desired states are built at once.  A launch in a
 * busy VPC wakes every host of it together; built all at once, a
 * thousand answers would each hold a store connection (opening new ones
 * past the pool) and share two cores, so that each took as long as all
 * of them.  Taken a few at a time they take no longer in all, and the
 * first hosts have theirs at once.  One per controller process.
 */
#ifndef CTL_GATE_H
#define CTL_GATE_H

/* Wait for a free place (at most CTL_GATE_WIDTH are inside). */
void	ctl_gate_enter(void);

/* Give the place back. */
void	ctl_gate_leave(void);

#define CTL_GATE_WIDTH	4

#endif /* CTL_GATE_H */

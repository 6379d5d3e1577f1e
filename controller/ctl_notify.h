/*
 * ctl_notify: wakes the agents' long-polls when desired state changes.
 * A counter with a condition variable: writers bump it after a commit
 * that changed some host's generation; each waiting poll re-reads its
 * host's generation from the store.  One per controller process.
 */
#ifndef CTL_NOTIFY_H
#define CTL_NOTIFY_H

#include <stdbool.h>
#include <stdint.h>

/* Wake every waiter (after a commit). */
void	ctl_notify_bump(void);

/* The counter now, to pass to ctl_notify_wait. */
uint64_t	ctl_notify_seen(void);

/*
 * Wait until the counter moves past seen or timeout_ms passes.  Returns
 * true when it moved.  Returns at once after ctl_notify_shutdown.
 */
bool	ctl_notify_wait(uint64_t seen, int64_t timeout_ms);

/* The process is stopping: wake every waiter for good. */
void	ctl_notify_shutdown(void);

/* True after ctl_notify_shutdown: long polls should answer now. */
bool	ctl_notify_stopping(void);

#endif /* CTL_NOTIFY_H */

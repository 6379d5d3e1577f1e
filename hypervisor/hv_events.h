/*
 * hv_events: libvirt domain lifecycle events, delivered to the agent's
 * main loop without polling: a thread runs libvirt's event loop, queues
 * each event, and makes an fd readable so the main loop wakes.
 */
#ifndef HV_EVENTS_H
#define HV_EVENTS_H

#include <stdbool.h>
#include <stddef.h>

#include "hv_domain.h"

struct mc_err;
struct hv_conn;
struct hv_events;

#define HV_EVENTS_QUEUE	256	/* events held before some are lost */

struct hv_event {
	char		name[HV_ID_MAX + 1];	/* the domain (instance id) */
	enum hv_state	state;			/* its state after the event */
	int		type;			/* libvirt's event type, for logs */
	int		detail;			/* libvirt's detail of that type */
};

/*
 * Watch lifecycle events of every domain on c whose name is an instance
 * id (others are not minicloud's and are dropped); hv_init must have run
 * before c was opened.  state is HV_STATE_OTHER when the event alone
 * does not say (a redefinition): ask hv_domain_state.  On success *ret
 * is new; free it with hv_events_free before c.  One per connection
 * (libvirt refuses the same callback twice).  Returns 0, or -1 with err
 * set (no pipe, libvirt refused the callback).
 */
int	hv_events_start(struct hv_conn *c, struct hv_events **ret,
	    struct mc_err *err);

/*
 * An fd that is readable exactly while events wait; poll it, then
 * drain.  Owned by ev: do not close it.
 */
int	hv_events_fd(const struct hv_events *ev);

/*
 * Take up to max queued events, oldest first, into out (room for max);
 * returns how many.  The fd stays readable while more wait.
 */
size_t	hv_events_drain(struct hv_events *ev, struct hv_event *out,
	    size_t max);

/*
 * True once after events were dropped because HV_EVENTS_QUEUE were
 * waiting: the caller must then re-read every domain (hv_domain_list)
 * instead of trusting the events.  Reading clears it.
 */
bool	hv_events_lost(struct hv_events *ev);

/* Stop watching and free ev (NULL is fine). */
void	hv_events_free(struct hv_events *ev);

#endif /* HV_EVENTS_H */

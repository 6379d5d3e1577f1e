/*
 * hv_events: libvirt domain lifecycle events, delivered to the agent's
 * main loop without polling: a thread runs libvirt's event loop, queues
 * each event, and makes an fd readable so the main loop wakes.
 */
#ifndef HV_EVENTS_H
#define HV_EVENTS_H

#include <stddef.h>

#include "hv_domain.h"

struct mc_err;
struct hv_conn;
struct hv_events;

struct hv_event {
	char		name[HV_ID_MAX + 1];	/* the domain (instance id) */
	enum hv_state	state;			/* its state after the event */
	int		detail;			/* libvirt's event type, for logs */
};

/*
 * Watch lifecycle events of every domain on c (hv_init must have run
 * before c was opened).  On success *ret is new; free it with
 * hv_events_free before c.  Returns 0, or -1 with err set.
 */
int	hv_events_start(struct hv_conn *c, struct hv_events **ret,
	    struct mc_err *err);

/* An fd that is readable while events wait; poll it, then drain. */
int	hv_events_fd(const struct hv_events *ev);

/* Take up to max queued events into out; returns how many. */
size_t	hv_events_drain(struct hv_events *ev, struct hv_event *out,
	    size_t max);

/* Stop watching and free ev (NULL is fine). */
void	hv_events_free(struct hv_events *ev);

#endif /* HV_EVENTS_H */

/*
 * hv_events: libvirt's lifecycle callback (on its event loop thread)
 * puts each event in a bounded ring under a mutex and writes a byte to a
 * self-pipe; the agent's loop polls the pipe and drains the ring.  It
 * does not call libvirt from the callback: a hung daemon must not stall
 * the event loop.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "mc_cleanup.h"
#include "mc_err.h"
#include "mc_id.h"
#include "hv_conn.h"
#include "hv_events.h"

struct hv_events {
	struct hv_conn	*conn;
	int		 cb_id;
	int		 pipe[2];	/* [0] hv_events_fd, [1] the callback's */
	atomic_int	 refs;		/* the caller's and libvirt's */
	pthread_mutex_t	 lock;		/* guards all below */
	bool		 stopped;	/* hv_events_free ran: pipe is closed */
	bool		 lost;
	size_t		 head, n;
	struct hv_event	 q[HV_EVENTS_QUEUE];
};

/* Indexed by virDomainEventType; DEFINED depends on its detail. */
static const enum hv_state event_states[] = {
	[VIR_DOMAIN_EVENT_DEFINED] = HV_STATE_OTHER,
	[VIR_DOMAIN_EVENT_UNDEFINED] = HV_STATE_NONE,
	[VIR_DOMAIN_EVENT_STARTED] = HV_STATE_RUNNING,
	[VIR_DOMAIN_EVENT_SUSPENDED] = HV_STATE_PAUSED,
	[VIR_DOMAIN_EVENT_RESUMED] = HV_STATE_RUNNING,
	[VIR_DOMAIN_EVENT_STOPPED] = HV_STATE_SHUTOFF,
	[VIR_DOMAIN_EVENT_SHUTDOWN] = HV_STATE_SHUTDOWN,
	[VIR_DOMAIN_EVENT_PMSUSPENDED] = HV_STATE_PAUSED,
	[VIR_DOMAIN_EVENT_CRASHED] = HV_STATE_CRASHED,
};

static enum hv_state
event_state(int type, int detail)
{
	/* A new definition is off; a changed one keeps its state. */
	if (type == VIR_DOMAIN_EVENT_DEFINED)
		return detail == VIR_DOMAIN_EVENT_DEFINED_ADDED ?
		    HV_STATE_SHUTOFF : HV_STATE_OTHER;
	if (type < 0 || (size_t)type >= MC_NELEMS(event_states))
		return HV_STATE_OTHER;
	return event_states[type];
}

static void
events_unref(struct hv_events *ev)
{
	if (atomic_fetch_sub(&ev->refs, 1) != 1)
		return;
	(void)pthread_mutex_destroy(&ev->lock);
	free(ev);
}

/* libvirt's free callback: it will not call on_event again. */
static void
events_release(void *opaque)
{
	events_unref(opaque);
}

/* Wake the reader.  A full pipe is already readable: EAGAIN is fine. */
static void
wake(struct hv_events *ev)
{
	ssize_t rc;

	do
		rc = write(ev->pipe[1], "e", 1);
	while (rc < 0 && errno == EINTR);
}

/* Runs on libvirt's event loop thread. */
static int
on_event(virConnectPtr virt, virDomainPtr dom, int type, int detail,
    void *opaque)
{
	struct hv_events	*ev = opaque;
	const char		*name = virDomainGetName(dom);
	struct hv_event		*e;

	(void)virt;
	if (name == NULL || mc_id_check(MC_ID_INSTANCE, name, NULL) < 0)
		return 0;
	(void)pthread_mutex_lock(&ev->lock);
	if (ev->stopped) {
		(void)pthread_mutex_unlock(&ev->lock);
		return 0;
	}
	if (ev->n == HV_EVENTS_QUEUE) {
		ev->lost = true;
	} else {
		e = &ev->q[(ev->head + ev->n++) % HV_EVENTS_QUEUE];
		(void)snprintf(e->name, sizeof(e->name), "%s", name);
		e->state = event_state(type, detail);
		e->type = type;
		e->detail = detail;
	}
	wake(ev);
	(void)pthread_mutex_unlock(&ev->lock);
	return 0;
}

int
hv_events_start(struct hv_conn *c, struct hv_events **ret,
    struct mc_err *err)
{
	struct hv_events *ev;

	if ((ev = calloc(1, sizeof(*ev))) == NULL)
		return mc_err_sys(err, errno, "out of memory");
	if (pipe2(ev->pipe, O_NONBLOCK | O_CLOEXEC) < 0) {
		free(ev);
		return mc_err_sys(err, errno, "cannot make the events pipe");
	}
	ev->conn = c;
	(void)pthread_mutex_init(&ev->lock, NULL);
	atomic_init(&ev->refs, 2);
	ev->cb_id = virConnectDomainEventRegisterAny(hv_conn_virt(c), NULL,
	    VIR_DOMAIN_EVENT_ID_LIFECYCLE, VIR_DOMAIN_EVENT_CALLBACK(on_event),
	    ev, events_release);
	if (ev->cb_id < 0) {
		/* libvirt did not keep ev, so it will not release it. */
		(void)mc_err_set(err, MC_EC_INTERNAL_ERROR,
		    "cannot watch domain events: %s", virGetLastErrorMessage());
		(void)close(ev->pipe[0]);
		(void)close(ev->pipe[1]);
		(void)pthread_mutex_destroy(&ev->lock);
		free(ev);
		return -1;
	}
	*ret = ev;
	return 0;
}

int
hv_events_fd(const struct hv_events *ev)
{
	return ev->pipe[0];
}

size_t
hv_events_drain(struct hv_events *ev, struct hv_event *out, size_t max)
{
	char	buf[64];
	size_t	k;

	/*
	 * The callback queues and writes under the lock, so emptying the
	 * pipe under it too keeps the fd readable exactly while events
	 * wait: no wake-up is lost, and none is spurious.
	 */
	(void)pthread_mutex_lock(&ev->lock);
	while (read(ev->pipe[0], buf, sizeof(buf)) > 0)
		;
	for (k = 0; k < max && ev->n > 0; k++) {
		out[k] = ev->q[ev->head];
		ev->head = (ev->head + 1) % HV_EVENTS_QUEUE;
		ev->n--;
	}
	if (ev->n > 0)
		wake(ev);
	(void)pthread_mutex_unlock(&ev->lock);
	return k;
}

bool
hv_events_lost(struct hv_events *ev)
{
	bool lost;

	(void)pthread_mutex_lock(&ev->lock);
	lost = ev->lost;
	ev->lost = false;
	(void)pthread_mutex_unlock(&ev->lock);
	return lost;
}

void
hv_events_free(struct hv_events *ev)
{
	if (ev == NULL)
		return;
	if (virConnectDomainEventDeregisterAny(hv_conn_virt(ev->conn),
	    ev->cb_id) < 0)
		virResetLastError();	/* a dead connection drops it anyway */
	/* A callback already running finishes before we close its pipe. */
	(void)pthread_mutex_lock(&ev->lock);
	ev->stopped = true;
	(void)close(ev->pipe[0]);
	(void)close(ev->pipe[1]);
	(void)pthread_mutex_unlock(&ev->lock);
	events_unref(ev);
}

/*
 * Tests of hv_events on libvirt's in-process test driver: which events
 * arrive with which state, that only instance-named domains are queued,
 * partial drains, overflow (the lost flag), and freeing with events
 * still queued.
 */
#include <poll.h>
#include <time.h>

#include <libvirt/libvirt.h>

#include "mc_test.h"

#include "mc_cleanup.h"
#include "mc_err.h"
#include "hv_conn.h"
#include "hv_domain.h"
#include "hv_events.h"

#define ID		"i-0e0e0e0e0e0e0e0e0"
#define WAIT_MS		5000

struct fixture {
	struct hv_conn		*c;
	struct hv_events	*ev;
};

static void
spec_fill(struct hv_spec *s)
{
	struct mc_err err = { 0 };

	memset(s, 0, sizeof(*s));
	strcpy(s->instance_id, ID);
	strcpy(s->account_id, "000000000042");
	strcpy(s->image_id, "ami-0000000000000c0de");
	strcpy(s->reservation_id, "r-0e0e0e0e0e0e0e0e0");
	strcpy(s->instance_type, "t3.nano");
	assert_int_equal(hv_uuid_for(ID, s->uuid, &err), 0);
	s->vcpus = 1;
	s->mem_mib = 128;
	strcpy(s->disk_path, "/nonexistent/disk.qcow2");
	strcpy(s->console_path, "/nonexistent/console.log");
}

static bool
readable(struct hv_events *ev, int timeout_ms)
{
	struct pollfd pfd = { .fd = hv_events_fd(ev), .events = POLLIN };

	return poll(&pfd, 1, timeout_ms) == 1;
}

/* The next event, waiting for it up to WAIT_MS. */
static void
next_event(struct hv_events *ev, struct hv_event *e)
{
	if (!readable(ev, WAIT_MS))
		fail_msg("no event within %d ms", WAIT_MS);
	assert_int_equal(hv_events_drain(ev, e, 1), 1);
}

/* Skip events until one of this type for ID. */
static void
skip_to(struct hv_events *ev, int type)
{
	struct hv_event e;

	do
		next_event(ev, &e);
	while (strcmp(e.name, ID) != 0 || e.type != type);
}

/*
 * The last test's teardown events may still be on their way: libvirt
 * keeps the test driver's state, and its queue, until the loop thread
 * has purged the old callback.  Events come in order, so once a define
 * and undefine of our own have come through, none is left.
 */
static void
settle(struct fixture *f)
{
	struct hv_spec	spec;
	struct mc_err	err = { 0 };

	spec_fill(&spec);
	assert_int_equal(hv_domain_define(f->c, &spec, &err), 0);
	assert_int_equal(hv_domain_undefine(f->c, ID, &err), 0);
	skip_to(f->ev, VIR_DOMAIN_EVENT_DEFINED);
	skip_to(f->ev, VIR_DOMAIN_EVENT_UNDEFINED);
	assert_false(readable(f->ev, 0));
}

static int
setup(void **state)
{
	struct fixture	*f = calloc(1, sizeof(*f));
	struct mc_err	 err = { 0 };

	assert_non_null(f);
	assert_int_equal(hv_init(&err), 0);
	assert_int_equal(hv_conn_open("test:///default", &f->c, &err), 0);
	assert_int_equal(hv_events_start(f->c, &f->ev, &err), 0);
	settle(f);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;
	struct mc_err	 err = { 0 };

	(void)hv_domain_destroy(f->c, ID, &err);
	(void)hv_domain_undefine(f->c, ID, &err);
	hv_events_free(f->ev);
	hv_conn_free(f->c);
	free(f);
	return 0;
}

static void
expect(struct hv_events *ev, int type, int detail, enum hv_state st)
{
	struct hv_event e;

	next_event(ev, &e);
	assert_string_equal(e.name, ID);
	if (e.type != type || e.detail != detail || e.state != st)
		fail_msg("got event %d/%d state %s, want %d/%d state %s",
		    e.type, e.detail, hv_state_name(e.state), type, detail,
		    hv_state_name(st));
}

static void
test_lifecycle(void **state)
{
	struct fixture	*f = *state;
	struct hv_spec	 spec;
	struct mc_err	 err = { 0 };
	virDomainPtr	 other;

	spec_fill(&spec);
	assert_int_equal(hv_domain_define(f->c, &spec, &err), 0);
	expect(f->ev, VIR_DOMAIN_EVENT_DEFINED, VIR_DOMAIN_EVENT_DEFINED_ADDED,
	    HV_STATE_SHUTOFF);
	/* The test driver's own domain "test" is not minicloud's. */
	other = virDomainLookupByName(hv_conn_virt(f->c), "test");
	assert_non_null(other);
	assert_int_equal(virDomainSuspend(other), 0);
	assert_int_equal(virDomainResume(other), 0);
	(void)virDomainFree(other);
	assert_int_equal(hv_domain_start(f->c, ID, &err), 0);
	expect(f->ev, VIR_DOMAIN_EVENT_STARTED, VIR_DOMAIN_EVENT_STARTED_BOOTED,
	    HV_STATE_RUNNING);
	/* Redefined while running: the event cannot tell the state. */
	assert_int_equal(hv_domain_define(f->c, &spec, &err), 0);
	expect(f->ev, VIR_DOMAIN_EVENT_DEFINED,
	    VIR_DOMAIN_EVENT_DEFINED_UPDATED, HV_STATE_OTHER);
	assert_int_equal(hv_domain_destroy(f->c, ID, &err), 0);
	expect(f->ev, VIR_DOMAIN_EVENT_STOPPED,
	    VIR_DOMAIN_EVENT_STOPPED_DESTROYED, HV_STATE_SHUTOFF);
	assert_int_equal(hv_domain_undefine(f->c, ID, &err), 0);
	expect(f->ev, VIR_DOMAIN_EVENT_UNDEFINED,
	    VIR_DOMAIN_EVENT_UNDEFINED_REMOVED, HV_STATE_NONE);
	assert_false(readable(f->ev, 100));
	assert_false(hv_events_lost(f->ev));
}

/* Suspend and resume n times: 2n events. */
static void
flap(struct hv_conn *c, int n)
{
	virDomainPtr	d = virDomainLookupByName(hv_conn_virt(c), ID);
	int		i;

	assert_non_null(d);
	for (i = 0; i < n; i++) {
		assert_int_equal(virDomainSuspend(d), 0);
		assert_int_equal(virDomainResume(d), 0);
	}
	(void)virDomainFree(d);
}

static void
start_running(struct fixture *f)
{
	struct hv_spec	spec;
	struct hv_event	e[2];
	struct mc_err	err = { 0 };

	spec_fill(&spec);
	assert_int_equal(hv_domain_define(f->c, &spec, &err), 0);
	assert_int_equal(hv_domain_start(f->c, ID, &err), 0);
	next_event(f->ev, &e[0]);
	next_event(f->ev, &e[1]);
	assert_int_equal(e[1].type, VIR_DOMAIN_EVENT_STARTED);
}

static void
test_partial_drain(void **state)
{
	struct fixture	*f = *state;
	struct hv_event	 out[HV_EVENTS_QUEUE];
	size_t		 n = 0, i;
	struct timespec	 pause = { 0, 10 * 1000 * 1000 };

	start_running(f);
	flap(f->c, 50);
	/* Collect all 100, at most 30 at a time; the fd stays readable. */
	for (i = 0; i < 1000 && n < 100; i++) {
		if (readable(f->ev, 0))
			n += hv_events_drain(f->ev, out + n, 30);
		else
			(void)nanosleep(&pause, NULL);
	}
	assert_int_equal(n, 100);
	for (i = 0; i < n; i++) {
		assert_int_equal(out[i].type, i % 2 == 0 ?
		    VIR_DOMAIN_EVENT_SUSPENDED : VIR_DOMAIN_EVENT_RESUMED);
		assert_int_equal(out[i].state, i % 2 == 0 ?
		    HV_STATE_PAUSED : HV_STATE_RUNNING);
	}
	assert_false(readable(f->ev, 100));
	assert_int_equal(hv_events_drain(f->ev, out, HV_EVENTS_QUEUE), 0);
}

static void
test_overflow(void **state)
{
	struct fixture	*f = *state;
	struct hv_event	 out[HV_EVENTS_QUEUE + 1];
	struct timespec	 pause = { 0, 10 * 1000 * 1000 };
	int		 i, quiet = 0;
	bool		 seen = false;

	start_running(f);
	flap(f->c, HV_EVENTS_QUEUE);
	/*
	 * The loop thread delivers them; each one past the 256th sets the
	 * flag again.  Wait for it to stay down for 200 ms: all delivered.
	 */
	for (i = 0; i < WAIT_MS / 10 && quiet < 20; i++) {
		if (hv_events_lost(f->ev)) {
			seen = true;
			quiet = 0;
		} else if (seen) {
			quiet++;
		}
		(void)nanosleep(&pause, NULL);
	}
	assert_true(seen);
	assert_int_equal(quiet, 20);
	assert_true(readable(f->ev, 0));
	assert_int_equal(hv_events_drain(f->ev, out, HV_EVENTS_QUEUE + 1),
	    HV_EVENTS_QUEUE);
	assert_int_equal(out[0].type, VIR_DOMAIN_EVENT_SUSPENDED);
	assert_int_equal(out[HV_EVENTS_QUEUE - 1].type,
	    VIR_DOMAIN_EVENT_RESUMED);
	assert_false(readable(f->ev, 100));
	/* Room again: the next event is queued as usual. */
	flap(f->c, 1);
	expect(f->ev, VIR_DOMAIN_EVENT_SUSPENDED,
	    VIR_DOMAIN_EVENT_SUSPENDED_PAUSED, HV_STATE_PAUSED);
}

/* Freed with events queued and a second watcher refused. */
static void
test_free_queued(void **state)
{
	struct fixture		*f = *state;
	struct hv_events	*second = NULL;
	struct mc_err		 err = { 0 };

	start_running(f);
	flap(f->c, 3);
	assert_true(readable(f->ev, WAIT_MS));
	assert_int_equal(hv_events_start(f->c, &second, &err), -1);
	assert_null(second);
	assert_non_null(strstr(err.msg, "cannot watch domain events"));
	hv_events_free(f->ev);
	f->ev = NULL;
	hv_events_free(NULL);
	/* Events after the free reach nobody. */
	flap(f->c, 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_lifecycle, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_partial_drain, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_overflow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_free_queued, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

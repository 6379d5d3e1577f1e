/*
 * Tests of hv_domain on one real instance on qemu:///system: the test
 * AMI on a qcow2 overlay boots under the host's accelerator, says its
 * instance id (read from SMBIOS) on the serial console, powers off on
 * ACPI, reboots, is destroyed and undefined, with events throughout.
 * Fixtures: hv_domain_test.h.
 */
#include <poll.h>
#include <pwd.h>

#include <libvirt/libvirt.h>

#include "hv_domain_test.h"

#include "mc_cleanup.h"
#include "mc_err.h"
#include "hv_xml.h"

#define STOP_MS		30000
#define EVENT_MS	10000

/* Wait for an event of type for ID; every event goes to r->log. */
static void
wait_event(struct real *r, int type, int timeout_ms)
{
	struct pollfd	pfd = { .fd = hv_events_fd(r->ev), .events = POLLIN };
	struct hv_event	e;
	long		end = now_ms() + timeout_ms;
	size_t		len;

	while (now_ms() < end) {
		if (poll(&pfd, 1, (int)(end - now_ms())) != 1)
			continue;
		while (hv_events_drain(r->ev, &e, 1) == 1) {
			len = strlen(r->log);
			(void)snprintf(r->log + len, sizeof(r->log) - len,
			    " %s:%d/%d:%s", e.name, e.type, e.detail,
			    hv_state_name(e.state));
			if (strcmp(e.name, ID) == 0 && e.type == type)
				return;
		}
	}
	fail_msg("no event %d within %d ms; saw:%s", type, timeout_ms, r->log);
}

/* qemu runs as libvirt-qemu: libvirt must have handed it the files. */
static void
check_relabelled(struct real *r)
{
	struct passwd *pw = getpwnam("libvirt-qemu");

	assert_non_null(pw);
	printf("    owners while running: overlay %u, AMI %u, console %u "
	    "(libvirt-qemu is %u)\n", (unsigned)owner(r->spec.disk_path),
	    (unsigned)owner(r->ami), (unsigned)owner(r->spec.console_path),
	    (unsigned)pw->pw_uid);
	assert_int_equal(owner(r->spec.disk_path), pw->pw_uid);
	/* The console is opened by libvirt and passed to qemu as an fd. */
	assert_int_equal(owner(r->spec.console_path), getuid());
}

static void
check_listed(struct real *r)
{
	MC_AUTOFREE struct hv_domain_info *list = NULL;
	struct mc_err	err = { 0 };
	size_t		n = 0, i;

	assert_int_equal(hv_domain_list(r->c, &list, &n, &err), 0);
	for (i = 0; i < n; i++)
		if (strcmp(list[i].meta.instance_id, ID) == 0)
			break;
	if (i == n)
		fail_msg("%s not in hv_domain_list", ID);
	assert_string_equal(list[i].meta.account_id, r->spec.account_id);
	assert_string_equal(list[i].meta.image_id, r->spec.image_id);
	assert_string_equal(list[i].meta.reservation_id,
	    r->spec.reservation_id);
	assert_int_equal(list[i].state, HV_STATE_RUNNING);
}

static void
boot_first(struct real *r)
{
	struct mc_err	err = { 0 };
	long		t0 = now_ms();

	assert_int_equal(hv_domain_define(r->c, &r->spec, &err), 0);
	wait_event(r, VIR_DOMAIN_EVENT_DEFINED, EVENT_MS);
	expect_state(r, HV_STATE_SHUTOFF);
	if (hv_domain_start(r->c, ID, &err) < 0)
		fail_msg("%s", err.msg);
	printf("    define + start: %ld ms\n", now_ms() - t0);
	wait_event(r, VIR_DOMAIN_EVENT_STARTED, EVENT_MS);
	expect_state(r, HV_STATE_RUNNING);
	check_listed(r);
	check_relabelled(r);
	/* The line carries the id the guest read from SMBIOS. */
	wait_up(r, 1, "first boot");
}

static void
power_cycle(struct real *r)
{
	struct mc_err	err = { 0 };
	long		t0 = now_ms();

	assert_int_equal(hv_domain_shutdown(r->c, ID, &err), 0);
	wait_event(r, VIR_DOMAIN_EVENT_STOPPED, STOP_MS);
	printf("    ACPI shutdown to SHUTOFF: %ld ms\n", now_ms() - t0);
	expect_state(r, HV_STATE_SHUTOFF);
	assert_int_equal(hv_domain_start(r->c, ID, &err), 0);
	wait_event(r, VIR_DOMAIN_EVENT_STARTED, EVENT_MS);
	wait_up(r, 2, "second start");
	assert_int_equal(hv_domain_reboot(r->c, ID, false, &err), 0);
	wait_up(r, 3, "ACPI reboot");
	expect_state(r, HV_STATE_RUNNING);
	assert_int_equal(hv_domain_reboot(r->c, ID, true, &err), 0);
	wait_up(r, 4, "hard reset");
	expect_state(r, HV_STATE_RUNNING);
}

static void
take_down(struct real *r)
{
	struct mc_err	err = { 0 };
	char		*xml = NULL;
	struct hv_meta	m;

	assert_int_equal(hv_domain_xml(r->c, ID, &xml, &err), 0);
	assert_int_equal(hv_xml_parse_meta(xml, &m, &err), 1);
	free(xml);
	assert_int_equal(hv_domain_destroy(r->c, ID, &err), 0);
	wait_event(r, VIR_DOMAIN_EVENT_STOPPED, EVENT_MS);
	expect_state(r, HV_STATE_SHUTOFF);
	/* Given back to root once qemu is gone. */
	assert_int_equal(owner(r->spec.disk_path), getuid());
	assert_int_equal(hv_domain_destroy(r->c, ID, &err), 0);
	assert_int_equal(hv_domain_undefine(r->c, ID, &err), 0);
	wait_event(r, VIR_DOMAIN_EVENT_UNDEFINED, EVENT_MS);
	expect_state(r, HV_STATE_NONE);
	assert_int_equal(hv_domain_undefine(r->c, ID, &err), 0);
	printf("    events:%s\n", r->log);
}

static void
test_real_instance(void **state)
{
	struct real	*r = *state;
	long		 t0 = now_ms();

	boot_first(r);
	power_cycle(r);
	take_down(r);
	printf("    whole cycle: %.1f s\n", (double)(now_ms() - t0) / 1000);
}

int
main(void)
{
	const struct CMUnitTest real[] = {
		cmocka_unit_test(test_real_instance),
	};

	return cmocka_run_group_tests_name("qemu:///system", real, real_setup,
	    real_teardown);
}

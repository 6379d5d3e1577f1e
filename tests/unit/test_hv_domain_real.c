/*
 * Tests of hv_domain on one real instance on qemu:///system: the test
 * AMI on a qcow2 overlay boots under the host's accelerator, says its
 * instance id (read from SMBIOS) on the serial console, powers off on
 * ACPI, reboots, is destroyed and undefined, with events throughout;
 * then, on the same connection, volumes made by st_dir: one
 * cold-attached to the shut-off domain, one hot-attached to the running
 * guest, both hot-unplugged; the hot one is copied live (hv_backup)
 * first.  One program, in this order: run alone, the volume test has
 * met QEMU still holding an unplugged disk's file for long after.
 * Fixtures: hv_domain_test.h.
 */
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>

#include <libvirt/libvirt.h>

#include "hv_domain_test.h"

#include "mc_cleanup.h"
#include "mc_err.h"
#include "ami_exec.h"
#include "hv_backup.h"
#include "hv_xml.h"
#include "st.h"

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

#define UNPLUG_MS	BOOT_MS		/* a guest in firmware lets go once up */

/* The hv_disk of volume vol in pool p, at target: what the agent does. */
static void
disk_from_pool(struct st_pool *p, const char *vol, const char *target,
    struct hv_disk *ret)
{
	struct st_disk	sd;
	struct mc_err	err = { 0 };

	assert_int_equal(st_vol_disk(p, vol, &sd, &err), 0);
	assert_int_equal(sd.type, ST_DISK_FILE);
	disk_of(ret, target, vol, sd.format == AMI_FORMAT_RAW ?
	    HV_FORMAT_RAW : HV_FORMAT_QCOW2, sd.path);
}

static struct st_pool *
make_pool(struct real *r, char *dir, size_t dirsz)
{
	struct st_pool_conf	 conf = { .backend = "dir", .dir = dir };
	struct st_pool		*p = NULL;
	struct st_vol		 v1 = { V1, 1, AMI_FORMAT_QCOW2, NULL, 0 };
	struct st_vol		 v2 = { V2, 2, AMI_FORMAT_RAW, NULL, 0 };
	struct mc_err		 err = { 0 };

	(void)snprintf(dir, dirsz, "%s/volumes", r->dir);
	assert_int_equal(mkdir(dir, 0755), 0);
	assert_int_equal(st_pool_open(&conf, &p, &err), 0);
	if (st_vol_ensure(p, &v1, &err) < 0 || st_vol_ensure(p, &v2, &err) < 0)
		fail_msg("%s", err.msg);
	return p;
}

/*
 * Detach which, calling again while the guest has not let go; returns
 * how long it took.  The first answer is usually "pending".
 */
static long
unplug(struct real *r, const char *which)
{
	struct timespec	pause = { 0, 100 * 1000 * 1000 };
	struct mc_err	err = { 0 };
	long		t0 = now_ms();
	int		rc, first = -2;

	while (now_ms() - t0 < UNPLUG_MS) {
		if ((rc = hv_domain_disk_detach(r->c, ID, which, &err)) < 0)
			fail_msg("%s", err.msg);
		if (first == -2)
			first = rc;
		if (rc == 0) {
			printf("    detach %s: %s at first, gone after %ld ms\n",
			    which, first == HV_DETACH_PENDING ? "pending" :
			    "gone", now_ms() - t0);
			return now_ms() - t0;
		}
		(void)nanosleep(&pause, NULL);
	}
	fail_msg("the guest kept %s for %d s", which, UNPLUG_MS / 1000);
	return -1;
}

/*
 * Attach d again soon after it was unplugged.  libvirt drops the disk
 * from the live XML before QEMU has closed its file, so the first try
 * may meet QEMU's own lock on it ("Failed to get \"write\" lock"); the
 * agent's next round tries again, and so does this, for up to 15 s (a
 * guest under TCG and the sanitizers lets go slowly).
 */
static void
reattach(struct real *r, const struct hv_disk *d)
{
	struct timespec	pause = { 0, 100 * 1000 * 1000 };
	struct mc_err	err;
	int		tries;

	for (tries = 1; tries <= 150; tries++) {
		memset(&err, 0, sizeof(err));
		if (hv_domain_disk_attach(r->c, ID, d, &err) == 0) {
			printf("    attach %s again: %d tries\n", d->target,
			    tries);
			return;
		}
		if (strstr(err.msg, "lock") == NULL)
			break;
		(void)nanosleep(&pause, NULL);
	}
	fail_msg("%s", err.msg);
}

/* Run argv; fail the test unless it exits 0. */
static void
run_ok(const char *const argv[])
{
	struct mc_err err = { 0 };

	if (ami_exec_ok(argv, 60000, 4096, NULL, &err) < 0)
		fail_msg("%s", err.msg);
}

/*
 * A live copy of volume disk d of the running guest: a plain qcow2
 * (no backing file) with the volume's content (the guest does not
 * write to it).
 */
static void
backup_live(struct real *r, const struct hv_disk *d)
{
	struct hv_backup_status	 st = { 0 };
	struct mc_err		 err = { 0 };
	struct timespec		 pause = { 0, 100 * 1000 * 1000 };
	MC_AUTOFREE char	*info = NULL;
	char			 copy[PATH_MAX];
	const char		*cmp[] = { "qemu-img", "compare", "-q", "-U", "-f",
				    hv_format_name(d->format), "-F", "qcow2",
				    d->path, copy, NULL };
	const char		*inf[] = { "qemu-img", "info", "-U",
				    "--output=json", copy, NULL };
	long			 t0 = now_ms();

	(void)snprintf(copy, sizeof(copy), "%s/copy.qcow2", r->dir);
	assert_int_equal(hv_backup_abort(r->c, ID, &err), 0);	/* none */
	assert_int_equal(hv_backup_begin(r->c, ID, "vdz", copy, &err), -1);
	err.code = MC_EC_NONE;
	if (hv_backup_begin(r->c, ID, d->target, copy, &err) < 0)
		fail_msg("%s", err.msg);
	while (st.state != HV_BACKUP_DONE && now_ms() - t0 < BOOT_MS) {
		assert_int_equal(hv_backup_poll(r->c, ID, &st, &err), 0);
		if (st.state == HV_BACKUP_FAILED)
			fail_msg("backup failed: %s", st.why);
		(void)nanosleep(&pause, NULL);
	}
	assert_int_equal(st.state, HV_BACKUP_DONE);
	assert_int_equal(st.percent, 100);
	/* Asked again, the finished job still answers. */
	assert_int_equal(hv_backup_poll(r->c, ID, &st, &err), 0);
	assert_int_equal(st.state, HV_BACKUP_DONE);
	printf("    live backup of %s: %.1f s\n", d->target,
	    (double)(now_ms() - t0) / 1000);
	run_ok(cmp);
	if (ami_exec_ok(inf, 60000, 65536, &info, &err) < 0)
		fail_msg("%s", err.msg);
	assert_non_null(strstr(info, "\"format\": \"qcow2\""));
	assert_null(strstr(info, "backing"));
	assert_int_equal(unlink(copy), 0);
}

/* Something for a copy to carry, at 1 MiB into volume file path. */
static void
write_pattern(const char *path)
{
	static const char	 text[] = "minicloud live backup";
	MC_AUTOCLOSE int	 fd = open(path, O_WRONLY | O_CLOEXEC);

	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, text, sizeof(text), 1 << 20),
	    (ssize_t)sizeof(text));
}

static void
test_real_disks(void **state)
{
	struct real	*r = *state;
	struct st_pool	*p;
	struct hv_disk	 d[2];
	struct mc_err	 err = { 0 };
	char		 dir[128];
	int		 ups = count_up_lines(r->spec.console_path);
	struct passwd	*pw = getpwnam("libvirt-qemu");

	assert_non_null(pw);
	p = make_pool(r, dir, sizeof(dir));
	disk_from_pool(p, V1, "vdb", &d[0]);
	disk_from_pool(p, V2, "vdc", &d[1]);
	write_pattern(d[1].path);
	r->spec.n_disks = 0;
	assert_int_equal(hv_domain_define(r->c, &r->spec, &err), 0);
	expect_disks(r->c, d, 0);
	/* Cold: into the definition of the shut-off domain. */
	assert_int_equal(hv_domain_disk_attach(r->c, ID, &d[0], &err), 0);
	assert_int_equal(hv_domain_disk_attach(r->c, ID, &d[0], &err), 0);
	expect_disks(r->c, d, 1);
	assert_int_equal(hv_domain_start(r->c, ID, &err), 0);
	wait_up(r, ups + 1, "boot with a volume");
	expect_disks(r->c, d, 1);
	/* Hot: into the running guest (and its definition). */
	if (hv_domain_disk_attach(r->c, ID, &d[1], &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(hv_domain_disk_attach(r->c, ID, &d[1], &err), 0);
	expect_disks(r->c, d, 2);
	assert_int_equal(owner(d[1].path), pw->pw_uid);
	backup_live(r, &d[1]);
	/* Unplug the hot one by serial, the cold one by target. */
	(void)unplug(r, d[1].serial);
	expect_disks(r->c, d, 1);
	assert_int_equal(hv_domain_disk_detach(r->c, ID, d[1].serial, &err),
	    0);
	(void)unplug(r, "vdb");
	expect_disks(r->c, d, 0);
	/*
	 * While the guest is in its firmware (here: just started) nothing
	 * handles the ACPI request and it is lost; one made once the
	 * kernel is up works: unplug() keeps asking.
	 */
	reattach(r, &d[0]);
	assert_int_equal(hv_domain_destroy(r->c, ID, &err), 0);
	expect_disks(r->c, d, 1);
	assert_int_equal(hv_domain_start(r->c, ID, &err), 0);
	(void)unplug(r, "vdb");
	expect_disks(r->c, d, 0);
	expect_state(r, HV_STATE_RUNNING);
	/* Gone from the definition too; the files are root's again. */
	assert_int_equal(hv_domain_destroy(r->c, ID, &err), 0);
	expect_disks(r->c, d, 0);
	assert_int_equal(owner(d[0].path), getuid());
	assert_int_equal(owner(d[1].path), getuid());
	assert_int_equal(hv_domain_undefine(r->c, ID, &err), 0);
	assert_int_equal(st_vol_remove(p, V1, &err), 0);
	assert_int_equal(st_vol_remove(p, V2, &err), 0);
	st_pool_free(p);
}

int
main(void)
{
	const struct CMUnitTest real[] = {
		cmocka_unit_test(test_real_instance),
		cmocka_unit_test(test_real_disks),
	};

	return cmocka_run_group_tests_name("qemu:///system", real, real_setup,
	    real_teardown);
}

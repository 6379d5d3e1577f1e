/*
 * Tests of hv_domain with volumes made by st_dir, on one real instance
 * on qemu:///system: one cold-attached to the shut-off domain, one
 * hot-attached to the running guest, both hot-unplugged; the hot one
 * is copied live (hv_backup) first.  Fixtures: hv_domain_test.h.
 */
#include <fcntl.h>
#include <pwd.h>

#include "hv_domain_test.h"

#include "mc_cleanup.h"
#include "mc_err.h"
#include "ami_exec.h"
#include "hv_backup.h"
#include "st.h"

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
		cmocka_unit_test(test_real_disks),
	};

	return cmocka_run_group_tests_name("qemu:///system", real, real_setup,
	    real_teardown);
}

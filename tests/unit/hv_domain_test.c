/*
 * hv_domain_test: specs and disks of the instance ID, the real instance
 * each qemu:///system test gets, and the waits for its guest.  No test
 * cases here: see test_hv_domain*.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hv_domain_test.h"

#include "mc_cleanup.h"
#include "mc_err.h"
#include "hv_xml.h"

#define AMI		"../../build/images/minicloud-test.qcow2"
#define DIR_PREFIX	"/tmp/mc-unit-hvdom-"
#define UP_LINE		"minicloud-test-ami: instance " ID " up"

void
spec_fill(struct hv_spec *s, const char *id, const char *dir, bool kvm)
{
	struct mc_err err = { 0 };

	memset(s, 0, sizeof(*s));
	strcpy(s->instance_id, id);
	strcpy(s->account_id, "000000000042");
	strcpy(s->image_id, "ami-0000000000000c0de");
	strcpy(s->reservation_id, "r-0f0f0f0f0f0f0f0f0");
	strcpy(s->instance_type, "t3.micro");
	assert_int_equal(hv_uuid_for(id, s->uuid, &err), 0);
	s->vcpus = 1;
	s->mem_mib = 256;
	s->kvm = kvm;
	(void)snprintf(s->disk_path, sizeof(s->disk_path), "%s/disk.qcow2",
	    dir);
	(void)snprintf(s->console_path, sizeof(s->console_path),
	    "%s/console.log", dir);
}

/* A file disk of volume vol at target. */
void
disk_of(struct hv_disk *d, const char *target, const char *vol,
    enum hv_format fmt, const char *path)
{
	struct mc_err err = { 0 };

	memset(d, 0, sizeof(*d));
	strcpy(d->target, target);
	assert_int_equal(hv_serial_for(vol, d->serial, &err), 0);
	d->type = HV_DISK_FILE;
	d->format = fmt;
	(void)snprintf(d->path, sizeof(d->path), "%s", path);
}

void
expect_disks(struct hv_conn *c, const struct hv_disk *want, size_t n)
{
	MC_AUTOFREE struct hv_disk	*got = NULL;
	struct mc_err			 err = { 0 };
	size_t				 n_got = 99, i;

	if (hv_domain_disks(c, ID, &got, &n_got, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(n_got, n);
	for (i = 0; i < n; i++) {
		assert_string_equal(got[i].target, want[i].target);
		assert_string_equal(got[i].serial, want[i].serial);
		assert_string_equal(got[i].path, want[i].path);
		assert_int_equal(got[i].format, want[i].format);
	}
}

static void
run(const char *cmd)
{
	if (system(cmd) != 0)
		fail_msg("failed: %s", cmd);
}

/* An earlier run that was killed may have left its domain and dir. */
static void
remove_leftovers(struct hv_conn *c)
{
	MC_AUTOFREE char	*xml = NULL;
	char			 dir[64];
	const char		*p;

	if (hv_domain_xml(c, ID, &xml, NULL) < 0)
		return;
	(void)hv_domain_destroy(c, ID, NULL);
	(void)hv_domain_undefine(c, ID, NULL);
	if ((p = strstr(xml, DIR_PREFIX)) != NULL &&
	    strcspn(p + strlen(DIR_PREFIX), "/'\"") == 6) {
		(void)snprintf(dir, sizeof(dir), "%.*s",
		    (int)strlen(DIR_PREFIX) + 6, p);
		mc_test_rmdir(dir);
	}
}

int
real_setup(void **state)
{
	struct real		*r = calloc(1, sizeof(*r));
	struct mc_err		 err = { 0 };
	struct hv_capacity	 cap;
	enum hv_accel		 accel;
	char			 cmd[PATH_MAX * 2 + 128];

	assert_non_null(r);
	if (realpath(AMI, r->ami) == NULL || stat(r->ami, &r->ami_st) < 0)
		fail_msg("no test AMI at %s: run scripts/build-test-ami.sh", AMI);
	assert_int_equal(hv_init(&err), 0);
	if (hv_conn_open("qemu:///system", &r->c, &err) < 0)
		fail_msg("%s (start it: virtlogd -d; libvirtd -d)", err.msg);
	assert_true(hv_conn_alive(r->c));
	assert_int_equal(hv_conn_capacity(r->c, &cap, &err), 0);
	assert_true(cap.vcpus > 0 && cap.mem_mib > 0);
	remove_leftovers(r->c);
	strcpy(r->dir, DIR_PREFIX "XXXXXX");
	assert_non_null(mkdtemp(r->dir));
	/* qemu runs as libvirt-qemu: it must reach the files inside. */
	assert_int_equal(chmod(r->dir, 0755), 0);
	assert_int_equal(hv_accel_choose("auto", "/proc/cpuinfo", "/dev/kvm",
	    &accel, NULL, 0, &err), 0);
	spec_fill(&r->spec, ID, r->dir, accel == HV_ACCEL_KVM);
	(void)snprintf(cmd, sizeof(cmd), "qemu-img create -q -f qcow2 "
	    "-F qcow2 -b '%s' '%s'", r->ami, r->spec.disk_path);
	run(cmd);
	assert_int_equal(hv_events_start(r->c, &r->ev, &err), 0);
	*state = r;
	return 0;
}

int
real_teardown(void **state)
{
	struct real *r = *state;

	if (r == NULL)
		return 0;
	(void)hv_domain_destroy(r->c, ID, NULL);
	(void)hv_domain_undefine(r->c, ID, NULL);
	hv_events_free(r->ev);
	hv_conn_free(r->c);
	mc_test_rmdir(r->dir);
	/*
	 * libvirt hands backing files to libvirt-qemu too, but never gives
	 * them back (they may be shared): leave the build's AMI as found.
	 */
	(void)chown(r->ami, r->ami_st.st_uid, r->ami_st.st_gid);
	free(r);
	return 0;
}

int
count_up_lines(const char *path)
{
	MC_AUTOFREE char	*text = mc_test_read(path, NULL);
	const char		*p = text;
	int			 n = 0;

	while (p != NULL && (p = strstr(p, UP_LINE)) != NULL) {
		n++;
		p++;
	}
	return n;
}

/* Wait until the console shows the guest's line n times. */
void
wait_up(struct real *r, int n, const char *what)
{
	long			 t0 = now_ms();
	struct timespec		 pause = { 0, 200 * 1000 * 1000 };
	MC_AUTOFREE char	*text = NULL;

	while (now_ms() - t0 < BOOT_MS) {
		if (count_up_lines(r->spec.console_path) >= n) {
			printf("    %s: guest up after %.1f s\n", what,
			    (double)(now_ms() - t0) / 1000);
			return;
		}
		(void)nanosleep(&pause, NULL);
	}
	text = mc_test_read(r->spec.console_path, NULL);
	fail_msg("%s: no \"%s\" #%d within %d s; console:\n%s", what, UP_LINE,
	    n, BOOT_MS / 1000, text != NULL ? text : "(none)");
}

void
expect_state(struct real *r, enum hv_state want)
{
	struct mc_err	err = { 0 };
	enum hv_state	st;

	assert_int_equal(hv_domain_state(r->c, ID, &st, &err), 0);
	if (st != want)
		fail_msg("state %s, want %s", hv_state_name(st),
		    hv_state_name(want));
}

uid_t
owner(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_uid;
}

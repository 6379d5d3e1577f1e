/*
 * Tests of hv_domain.  First its error paths, listing and the disk
 * logic that needs no guest on libvirt's in-process test driver; then
 * one real instance on qemu:///system: the test AMI on a qcow2 overlay
 * boots under the host's accelerator, says its instance id (read from
 * SMBIOS) on the serial console, powers off on ACPI, reboots, is
 * destroyed and undefined, with events throughout; then it gets
 * volumes made by st_dir: one cold-attached to the shut-off domain, one
 * hot-attached to the running guest, both hot-unplugged; the hot one is
 * copied live (hv_backup) first.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <time.h>

#include <libvirt/libvirt.h>

#include "mc_test.h"

#include "mc_cleanup.h"
#include "mc_err.h"
#include "ami_exec.h"
#include "hv_backup.h"
#include "hv_conn.h"
#include "hv_domain.h"
#include "hv_events.h"
#include "hv_xml.h"
#include "st.h"

#define ID		"i-0f0f0f0f0f0f0f0f0"
#define OTHER_ID	"i-0d0d0d0d0d0d0d0d0"
#define AMI		"../../build/images/minicloud-test.qcow2"
#define DIR_PREFIX	"/tmp/mc-unit-hvdom-"
#define UP_LINE		"minicloud-test-ami: instance " ID " up"
#define BOOT_MS		60000
#define STOP_MS		30000
#define EVENT_MS	10000
#define UNPLUG_MS	BOOT_MS		/* a guest in firmware lets go once up */
#define V1		"vol-0f0f0f0f0f0f0f0f1"
#define V2		"vol-0f0f0f0f0f0f0f0f2"

static void
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

static struct hv_conn *
open_test_driver(void)
{
	struct hv_conn	*c = NULL;
	struct mc_err	 err = { 0 };

	assert_int_equal(hv_init(&err), 0);
	assert_int_equal(hv_conn_open("test:///default", &c, &err), 0);
	return c;
}

/* Names that are not instance ids never reach libvirt. */
static void
test_bad_names(void **state)
{
	static const char *const names[] = {
		"test", "", "i-0F0F0F0F0F0F0F0F0", "i-0f0f0f0f0f0f0f0f0'", NULL,
	};
	struct hv_conn	*c = open_test_driver();
	enum hv_state	 st = HV_STATE__MAX;
	char		*xml = NULL;
	size_t		 i;

	(void)state;
	for (i = 0; i < MC_NELEMS(names); i++) {
		struct mc_err	err[7];
		const char	*n = names[i];

		memset(err, 0, sizeof(err));
		assert_int_equal(hv_domain_start(c, n, &err[0]), -1);
		assert_int_equal(hv_domain_shutdown(c, n, &err[1]), -1);
		assert_int_equal(hv_domain_destroy(c, n, &err[2]), -1);
		assert_int_equal(hv_domain_reboot(c, n, true, &err[3]), -1);
		assert_int_equal(hv_domain_undefine(c, n, &err[4]), -1);
		assert_int_equal(hv_domain_state(c, n, &st, &err[5]), -1);
		assert_int_equal(hv_domain_xml(c, n, &xml, &err[6]), -1);
		for (size_t k = 0; k < MC_NELEMS(err); k++)
			assert_int_equal(err[k].code,
			    MC_EC_INVALID_INSTANCE_ID_MALFORMED);
	}
	assert_int_equal(st, HV_STATE__MAX);
	assert_null(xml);
	hv_conn_free(c);
}

/* A missing domain: an error to act on, fine to stop or forget. */
static void
test_missing(void **state)
{
	struct hv_conn	*c = open_test_driver();
	struct mc_err	 err = { 0 };
	enum hv_state	 st = HV_STATE__MAX;
	char		*xml = NULL;

	(void)state;
	assert_int_equal(hv_domain_start(c, ID, &err), -1);
	assert_string_equal(err.msg, "domain " ID " does not exist");
	assert_int_equal(hv_domain_shutdown(c, ID, NULL), -1);
	assert_int_equal(hv_domain_reboot(c, ID, false, NULL), -1);
	assert_int_equal(hv_domain_xml(c, ID, &xml, NULL), -1);
	assert_null(xml);
	memset(&err, 0, sizeof(err));
	assert_int_equal(hv_domain_destroy(c, ID, &err), 0);
	assert_int_equal(hv_domain_undefine(c, ID, &err), 0);
	assert_int_equal(hv_domain_state(c, ID, &st, &err), 0);
	assert_int_equal(st, HV_STATE_NONE);
	assert_int_equal(err.code, MC_EC_NONE);
	hv_conn_free(c);
}

static void
test_define_list(void **state)
{
	struct hv_conn		*c = open_test_driver();
	struct hv_spec		 spec;
	struct mc_err		 err = { 0 };
	MC_AUTOFREE struct hv_domain_info *list = NULL;
	MC_AUTOFREE char	*xml = NULL;
	size_t			 n = 99;
	enum hv_state		 st;

	(void)state;
	/* The test driver's own domain "test" is not ours. */
	assert_int_equal(hv_domain_list(c, &list, &n, &err), 0);
	assert_null(list);
	assert_int_equal(n, 0);
	spec_fill(&spec, ID, "/nonexistent", false);
	spec.vcpus = 0;
	assert_int_equal(hv_domain_define(c, &spec, &err), -1);
	assert_int_equal(err.code, MC_EC_INVALID_PARAMETER_VALUE);
	memset(&err, 0, sizeof(err));
	spec.vcpus = 1;
	assert_int_equal(hv_domain_define(c, &spec, &err), 0);
	assert_int_equal(hv_domain_define(c, &spec, &err), 0);	/* again */
	assert_int_equal(hv_domain_start(c, ID, &err), 0);
	assert_int_equal(hv_domain_list(c, &list, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].meta.instance_id, ID);
	assert_string_equal(list[0].meta.account_id, "000000000042");
	assert_string_equal(list[0].meta.image_id, "ami-0000000000000c0de");
	assert_string_equal(list[0].meta.reservation_id, "r-0f0f0f0f0f0f0f0f0");
	assert_int_equal(list[0].state, HV_STATE_RUNNING);
	assert_int_equal(hv_domain_xml(c, ID, &xml, &err), 0);
	assert_non_null(strstr(xml, "<name>" ID "</name>"));
	/* A running domain is not undefined behind its back. */
	assert_int_equal(hv_domain_undefine(c, ID, &err), -1);
	assert_string_equal(err.msg,
	    "domain " ID ": cannot undefine it while it runs");
	memset(&err, 0, sizeof(err));
	assert_int_equal(hv_domain_destroy(c, ID, &err), 0);
	assert_int_equal(hv_domain_destroy(c, ID, &err), 0);	/* off: fine */
	assert_int_equal(hv_domain_state(c, ID, &st, &err), 0);
	assert_int_equal(st, HV_STATE_SHUTOFF);
	assert_int_equal(hv_domain_undefine(c, ID, &err), 0);
	hv_conn_free(c);
}

/* libvirt's refusals come back naming the domain. */
static void
test_libvirt_refuses(void **state)
{
	struct hv_conn	*c = open_test_driver();
	struct hv_spec	 spec;
	struct mc_err	 err = { 0 };

	(void)state;
	spec_fill(&spec, ID, "/nonexistent", false);
	assert_int_equal(hv_domain_define(c, &spec, &err), 0);
	/* Another name with the same UUID. */
	strcpy(spec.instance_id, OTHER_ID);
	assert_int_equal(hv_domain_define(c, &spec, &err), -1);
	assert_int_equal(err.code, MC_EC_INTERNAL_ERROR);
	assert_true(strncmp(err.msg, "domain " OTHER_ID ": cannot define it: ",
	    strlen("domain " OTHER_ID ": cannot define it: ")) == 0);
	assert_non_null(strstr(err.msg, "already"));
	assert_int_equal(hv_domain_undefine(c, ID, NULL), 0);
	hv_conn_free(c);
}

/* A file disk of volume vol at target. */
static void
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

static void
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
test_disk_bad_names(void **state)
{
	static const char *const names[] = { "test", "", NULL };
	struct hv_conn	*c = open_test_driver();
	struct hv_disk	 d, *list = NULL;
	size_t		 i, n = 99;

	(void)state;
	disk_of(&d, "vdb", V1, HV_FORMAT_QCOW2, "/v/1.qcow2");
	for (i = 0; i < MC_NELEMS(names); i++) {
		struct mc_err	err[3];

		memset(err, 0, sizeof(err));
		assert_int_equal(hv_domain_disk_attach(c, names[i], &d,
		    &err[0]), -1);
		assert_int_equal(hv_domain_disk_detach(c, names[i], "vdb",
		    &err[1]), -1);
		assert_int_equal(hv_domain_disks(c, names[i], &list, &n,
		    &err[2]), -1);
		for (size_t k = 0; k < MC_NELEMS(err); k++)
			assert_int_equal(err[k].code,
			    MC_EC_INVALID_INSTANCE_ID_MALFORMED);
	}
	assert_null(list);
	assert_int_equal(n, 99);
	hv_conn_free(c);
}

/* Attach, detach and list without a guest: what needs no libvirt call. */
static void
test_disk_logic(void **state)
{
	struct hv_conn		*c = open_test_driver();
	MC_AUTOFREE struct hv_spec *spec = calloc(1, sizeof(*spec));
	struct hv_disk		 other, *list = NULL;
	struct mc_err		 err = { 0 };
	size_t			 n;

	(void)state;
	assert_non_null(spec);
	spec_fill(spec, ID, "/nonexistent", false);
	disk_of(&spec->disks[0], "vdb", V1, HV_FORMAT_QCOW2, "/v/1.qcow2");
	disk_of(&spec->disks[1], "vdc", V2, HV_FORMAT_RAW, "/v/2.raw");
	spec->n_disks = 2;
	assert_int_equal(hv_domain_disk_attach(c, ID, &spec->disks[0], &err),
	    -1);
	assert_string_equal(err.msg, "domain " ID " does not exist");
	assert_int_equal(hv_domain_disk_detach(c, ID, "vdb", NULL), -1);
	assert_int_equal(hv_domain_disks(c, ID, &list, &n, NULL), -1);
	assert_null(list);
	memset(&err, 0, sizeof(err));
	assert_int_equal(hv_domain_define(c, spec, &err), 0);
	expect_disks(c, spec->disks, 2);
	/* There already: nothing to do. */
	assert_int_equal(hv_domain_disk_attach(c, ID, &spec->disks[1], &err),
	    0);
	/* Taken: another serial at vdb, V1's serial at vdd. */
	other = spec->disks[1];
	strcpy(other.target, "vdb");
	assert_int_equal(hv_domain_disk_attach(c, ID, &other, &err), -1);
	assert_string_equal(err.msg, "domain " ID ": cannot attach disk vdb "
	    "(vol0f0f0f0f0f0f0f0f2): its target is taken by disk vdb "
	    "(vol0f0f0f0f0f0f0f0f1)");
	other = spec->disks[0];
	strcpy(other.target, "vdd");
	memset(&err, 0, sizeof(err));
	assert_int_equal(hv_domain_disk_attach(c, ID, &other, &err), -1);
	assert_non_null(strstr(err.msg, "its serial is taken by disk vdb"));
	/* The same target and serial on another file is another disk. */
	other = spec->disks[0];
	strcpy(other.path, "/v/elsewhere.qcow2");
	assert_int_equal(hv_domain_disk_attach(c, ID, &other, NULL), -1);
	strcpy(other.target, "vda");
	memset(&err, 0, sizeof(err));
	assert_int_equal(hv_domain_disk_attach(c, ID, &other, &err), -1);
	assert_int_equal(err.code, MC_EC_INVALID_PARAMETER_VALUE);
	/* Not there: nothing to do; bad names of disks. */
	assert_int_equal(hv_domain_disk_detach(c, ID, "vdx", &err), 0);
	assert_int_equal(hv_domain_disk_detach(c, ID, "vda", &err), 0);
	assert_int_equal(hv_domain_disk_detach(c, ID, "vol00000000000000009",
	    &err), 0);
	assert_int_equal(hv_domain_disk_detach(c, ID, "", &err), -1);
	assert_int_equal(hv_domain_disk_detach(c, ID, NULL, NULL), -1);
	assert_int_equal(hv_domain_disk_detach(c, ID, "vol0f0f0f0f0f0f0f0f10",
	    NULL), -1);
	/* The test driver cannot detach: libvirt's refusal, named. */
	memset(&err, 0, sizeof(err));
	assert_int_equal(hv_domain_disk_detach(c, ID, "vdb", &err), -1);
	assert_true(strncmp(err.msg, "domain " ID ": cannot detach disk vdb: ",
	    strlen("domain " ID ": cannot detach disk vdb: ")) == 0);
	/* Running: the live XML, which has both too. */
	assert_int_equal(hv_domain_start(c, ID, NULL), 0);
	expect_disks(c, spec->disks, 2);
	assert_int_equal(hv_domain_disk_attach(c, ID, &spec->disks[0], NULL),
	    0);
	assert_int_equal(hv_domain_destroy(c, ID, NULL), 0);
	assert_int_equal(hv_domain_undefine(c, ID, NULL), 0);
	hv_conn_free(c);
}

/* A Ceph RBD volume passes libvirt's schema and reads back whole. */
static void
test_disk_rbd_defines(void **state)
{
	struct hv_conn		*c = open_test_driver();
	MC_AUTOFREE struct hv_spec *spec = calloc(1, sizeof(*spec));
	MC_AUTOFREE struct hv_disk *got = NULL;
	struct hv_disk		*d;
	struct mc_err		 err = { 0 };
	size_t			 n = 0;

	(void)state;
	assert_non_null(spec);
	spec_fill(spec, ID, "/nonexistent", false);
	d = &spec->disks[spec->n_disks++];
	disk_of(d, "vdb", V1, HV_FORMAT_RAW, "");
	d->type = HV_DISK_NETWORK;
	strcpy(d->protocol, "rbd");
	strcpy(d->name, "volumes/" V1);
	strcpy(d->hosts[0].name, "10.0.0.1");
	d->hosts[0].port = 6789;
	strcpy(d->hosts[1].name, "mon2.example");
	d->n_hosts = 2;
	strcpy(d->auth_user, "minicloud");
	strcpy(d->auth_secret, "0123abcd-0000-4000-8000-00000000beef");
	if (hv_domain_define(c, spec, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(hv_domain_disks(c, ID, &got, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(got[0].type, HV_DISK_NETWORK);
	assert_string_equal(got[0].name, d->name);
	assert_int_equal(got[0].n_hosts, 2);
	assert_int_equal(got[0].hosts[0].port, 6789);
	assert_string_equal(got[0].hosts[1].name, "mon2.example");
	assert_string_equal(got[0].auth_secret, d->auth_secret);
	assert_int_equal(hv_domain_undefine(c, ID, NULL), 0);
	hv_conn_free(c);
}

static void
test_state_names(void **state)
{
	static const char *const want[HV_STATE__MAX] = {
		"none", "shutoff", "running", "shutdown", "paused", "crashed",
		"other",
	};
	int i;

	(void)state;
	for (i = 0; i < HV_STATE__MAX; i++)
		assert_string_equal(hv_state_name((enum hv_state)i), want[i]);
	assert_string_equal(hv_state_name(HV_STATE__MAX), "?");
}

/* ---- one real instance on qemu:///system ---- */

struct real {
	struct hv_conn		*c;
	struct hv_events	*ev;
	char			 ami[PATH_MAX];
	struct stat		 ami_st;	/* its owner before the run */
	char			 dir[64];
	struct hv_spec		 spec;
	char			 log[4096];	/* events seen, for failures */
};

static long
now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
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

static int
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

static int
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

static int
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
static void
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

static void
expect_state(struct real *r, enum hv_state want)
{
	struct mc_err	err = { 0 };
	enum hv_state	st;

	assert_int_equal(hv_domain_state(r->c, ID, &st, &err), 0);
	if (st != want)
		fail_msg("state %s, want %s", hv_state_name(st),
		    hv_state_name(want));
}

static uid_t
owner(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_uid;
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

/* ---- volumes on the real instance ---- */

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
 * agent's next round tries again, and so does this.
 */
static void
reattach(struct real *r, const struct hv_disk *d)
{
	struct timespec	pause = { 0, 100 * 1000 * 1000 };
	struct mc_err	err;
	int		tries;

	for (tries = 1; tries <= 20; tries++) {
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
	const struct CMUnitTest driver[] = {
		cmocka_unit_test(test_bad_names),
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_define_list),
		cmocka_unit_test(test_libvirt_refuses),
		cmocka_unit_test(test_state_names),
		cmocka_unit_test(test_disk_bad_names),
		cmocka_unit_test(test_disk_logic),
		cmocka_unit_test(test_disk_rbd_defines),
	};
	const struct CMUnitTest real[] = {
		cmocka_unit_test(test_real_instance),
		cmocka_unit_test(test_real_disks),
	};
	int failed;

	failed = cmocka_run_group_tests_name("test driver", driver, NULL,
	    NULL);
	failed += cmocka_run_group_tests_name("qemu:///system", real,
	    real_setup, real_teardown);
	return failed;
}

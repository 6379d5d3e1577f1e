/*
 * Tests of agt_snap without a VM: the progress scale, the work
 * directory at start-up and the restart marks, what the reconcile loop
 * must leave alone, the report, bad jobs (reported failed, never a
 * crash), and a whole offline job of a pool volume: qemu-img copies
 * it, libcurl PUTs it to a real libmicrohttpd listener on 127.0.0.1
 * (2xx: done; 409: dropped), then its job leaves the desired state.
 * libvirt is its test driver: no domain runs, so every copy is offline.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <limits.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <microhttpd.h>

#include "mc_test.h"

#include "mc_cleanup.h"
#include "mc_err.h"
#include "ami_exec.h"
#include "hv_conn.h"
#include "st.h"
#include "agt_client.h"
#include "agt_conf.h"
#include "agt_reconcile.h"
#include "agt_snap.h"
#include "agt_snap_priv.h"

#define VOL		"vol-0123456789abcdef0"
#define SNAP1		"snap-0123456789abcdef1"
#define SNAP2		"snap-0123456789abcdef2"
#define SNAP3		"snap-0123456789abcdef3"
#define SNAP4		"snap-0123456789abcdef4"
#define INST		"i-0123456789abcdef0"
#define TOKEN		"t0ken"
#define JOB_MS		30000

static void
touch(const char *dir, const char *name)
{
	char path[PATH_MAX * 2];
	int fd;

	(void)snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_true((fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600)) >= 0);
	(void)close(fd);
}

static bool
exists(const char *dir, const char *name)
{
	char path[PATH_MAX * 2];

	(void)snprintf(path, sizeof(path), "%s/%s", dir, name);
	return access(path, F_OK) == 0;
}

static void
test_progress(void **state)
{
	static const struct {
		enum agt_snap_phase	phase;
		unsigned		pct, want;
	} cases[] = {
		{ AGT_SNAP_START, 50, 0 },	{ AGT_SNAP_STOPPING, 50, 0 },
		{ AGT_SNAP_LIVE, 0, 0 },	{ AGT_SNAP_LIVE, 50, 45 },
		{ AGT_SNAP_LIVE, 100, 90 },	{ AGT_SNAP_LIVE, 250, 90 },
		{ AGT_SNAP_COPY, 100, 90 },	{ AGT_SNAP_RESTART, 0, 90 },
		{ AGT_SNAP_UPLOAD_WAIT, 0, 90 }, { AGT_SNAP_UPLOAD, 0, 90 },
		{ AGT_SNAP_UPLOAD, 50, 95 },	{ AGT_SNAP_UPLOAD, 100, 100 },
		{ AGT_SNAP_DONE, 0, 100 },	{ AGT_SNAP_FAILED, 80, 0 },
		{ AGT_SNAP__MAX, 80, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < MC_NELEMS(cases); i++)
		assert_int_equal(agt_snap_progress(cases[i].phase,
		    cases[i].pct), cases[i].want);
	for (i = 0; i < AGT_SNAP__MAX; i++)
		assert_string_not_equal(agt_snap_phase_name(i), "?");
	assert_string_equal(agt_snap_phase_name(AGT_SNAP__MAX), "?");
}

/* Leftovers go at start-up; restart marks stay until used. */
static void
test_new_cleans(void **state)
{
	char		*dir = mc_test_tmpdir(), sd[PATH_MAX];
	struct agt_snap	*s = NULL;
	struct mc_err	 err = { 0 };

	(void)state;
	(void)snprintf(sd, sizeof(sd), "%s/snapshots", dir);
	assert_int_equal(mkdir(sd, 0700), 0);
	touch(sd, SNAP1 ".qcow2");
	touch(sd, "junk");
	touch(sd, SNAP2 ".restart");
	assert_int_equal(agt_snap_new(dir, "Authorization: Bearer x", -1, &s,
	    &err), 0);
	assert_false(exists(sd, SNAP1 ".qcow2"));
	assert_false(exists(sd, "junk"));
	assert_true(agt_snap_restart_saved(s, SNAP2));
	assert_false(agt_snap_restart_saved(s, SNAP1));
	agt_snap_restart_save(s, SNAP1);
	assert_true(agt_snap_restart_saved(s, SNAP1));
	agt_snap_restart_forget(s, SNAP1);
	agt_snap_restart_forget(s, SNAP2);
	assert_false(agt_snap_restart_saved(s, SNAP2));
	agt_snap_free(s);
	agt_snap_free(NULL);
	mc_test_rmdir(dir);
	free(dir);
}

static void
job_fill(struct agt_snap_job *jb, const char *id, const char *inst,
    enum agt_snap_phase phase, bool restart, bool cancelled)
{
	memset(jb, 0, sizeof(*jb));
	(void)snprintf(jb->j.id, sizeof(jb->j.id), "%s", id);
	(void)snprintf(jb->j.vol, sizeof(jb->j.vol), "%s", VOL);
	(void)snprintf(jb->j.instance, sizeof(jb->j.instance), "%s", inst);
	jb->phase = phase;
	jb->restart = restart;
	jb->cancelled = cancelled;
	jb->progress = agt_snap_progress(phase, 50);
	if (phase == AGT_SNAP_FAILED)
		(void)snprintf(jb->error, sizeof(jb->error), "It broke.");
}

/* Which jobs hold their instance, and which the report lists. */
static void
test_holds_report(void **state)
{
	static const struct {
		enum agt_snap_phase	 phase;
		bool			 restart, cancelled, holds, reported;
	} cases[] = {
		{ AGT_SNAP_START, false, false, false, true },
		{ AGT_SNAP_STOPPING, true, false, true, true },
		{ AGT_SNAP_LIVE, false, false, false, true },
		{ AGT_SNAP_RESTART, true, false, true, true },
		{ AGT_SNAP_RESTART, true, true, true, false },
		{ AGT_SNAP_UPLOAD_WAIT, false, false, false, true },
		{ AGT_SNAP_DONE, false, false, false, true },
		{ AGT_SNAP_FAILED, false, false, false, true },
		{ AGT_SNAP_DROPPED, false, false, false, false },
		{ AGT_SNAP_FAILED, false, true, false, false },
	};
	struct agt_snap		 s;
	struct agt_snap_job	 jb;
	struct mc_proto_report	 r;
	size_t			 i;

	(void)state;
	memset(&s, 0, sizeof(s));
	s.v = &jb;
	s.n = 1;
	assert_false(agt_snap_holds(NULL, INST));
	for (i = 0; i < MC_NELEMS(cases); i++) {
		job_fill(&jb, SNAP1, INST, cases[i].phase, cases[i].restart,
		    cases[i].cancelled);
		assert_int_equal(agt_snap_holds(&s, INST), cases[i].holds);
		assert_false(agt_snap_holds(&s, "i-0123456789abcdef9"));
		memset(&r, 0, sizeof(r));
		assert_int_equal(agt_snap_report(&s, &r), 0);
		assert_int_equal(r.n_snaps, cases[i].reported ? 1 : 0);
		if (r.n_snaps == 1) {
			assert_string_equal(r.snaps[0].id, SNAP1);
			assert_int_equal(r.snaps[0].failed,
			    cases[i].phase == AGT_SNAP_FAILED);
			assert_int_equal(r.snaps[0].progress, r.snaps[0].failed ?
			    0 : agt_snap_progress(cases[i].phase, 50));
			assert_string_equal(r.snaps[0].error, r.snaps[0].failed ?
			    "It broke." : "");
		}
		free(r.snaps);
	}
}

/* The controller's upload endpoint: keeps the body, answers status. */
struct srv {
	struct MHD_Daemon	*d;
	unsigned		 port;
	unsigned		 status;	/* to answer */
	char			 body_path[PATH_MAX];
	char			 url[256], auth[256];
	int			 puts;
};

static enum MHD_Result
srv_handle(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *data,
    size_t *data_size, void **con_cls)
{
	struct srv		*sv = cls;
	struct MHD_Response	*resp;
	const char		*h, *host;
	enum MHD_Result		 rc;
	FILE			*f;

	(void)version;
	if (*con_cls == NULL) {
		*con_cls = sv;
		h = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
		    "Authorization");
		host = MHD_lookup_connection_value(conn,
		    MHD_GET_ARGUMENT_KIND, "host");
		(void)snprintf(sv->auth, sizeof(sv->auth), "%s", h ? h : "");
		(void)snprintf(sv->url, sizeof(sv->url), "%s %s?host=%s",
		    method, url, host ? host : "");
		(void)unlink(sv->body_path);
		return MHD_YES;
	}
	if (*data_size > 0) {
		f = fopen(sv->body_path, "ab");
		assert_non_null(f);
		assert_int_equal(fwrite(data, 1, *data_size, f), *data_size);
		(void)fclose(f);
		*data_size = 0;
		return MHD_YES;
	}
	sv->puts++;
	resp = MHD_create_response_from_buffer(0, (void *)"",
	    MHD_RESPMEM_PERSISTENT);
	rc = MHD_queue_response(conn, sv->status, resp);
	MHD_destroy_response(resp);
	return rc;
}

/* An agent with a pool (holding VOL), the test driver and a listener. */
struct fix {
	char		*dir;
	char		 pool_dir[PATH_MAX], base[128];
	struct agt_conf	 conf;
	struct agt	 a;
	struct srv	 srv;
};

static int
fix_setup(void **state)
{
	struct fix		*f = calloc(1, sizeof(*f));
	struct st_pool_conf	 pc = { .backend = "dir" };
	struct st_vol		 v = { VOL, 1, AMI_FORMAT_QCOW2, NULL, 0 };
	struct mc_err		 err = { 0 };
	const union MHD_DaemonInfo *info;

	assert_non_null(f);
	f->dir = mc_test_tmpdir();
	f->conf.state_dir = f->dir;
	(void)snprintf(f->conf.name, sizeof(f->conf.name), "host1");
	f->conf.report_interval_s = 3600;
	f->a.conf = &f->conf;
	(void)snprintf(f->pool_dir, sizeof(f->pool_dir), "%s/volumes", f->dir);
	assert_int_equal(mkdir(f->pool_dir, 0700), 0);
	pc.dir = f->pool_dir;
	assert_int_equal(st_pool_open(&pc, &f->a.pool, &err), 0);
	assert_int_equal(st_vol_ensure(f->a.pool, &v, &err), 0);
	assert_int_equal(hv_init(&err), 0);
	assert_int_equal(hv_conn_open("test:///default", &f->a.hv, &err), 0);
	f->srv.status = 204;
	(void)snprintf(f->srv.body_path, sizeof(f->srv.body_path), "%s/got",
	    f->dir);
	f->srv.d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL,
	    NULL, srv_handle, &f->srv, MHD_OPTION_SOCK_ADDR, NULL,
	    MHD_OPTION_END);
	assert_non_null(f->srv.d);
	info = MHD_get_daemon_info(f->srv.d, MHD_DAEMON_INFO_BIND_PORT);
	(void)snprintf(f->base, sizeof(f->base), "http://127.0.0.1:%u",
	    (unsigned)info->port);
	assert_int_equal(agt_client_new(f->base, TOKEN, &f->a.client, &err), 0);
	assert_int_equal(agt_snap_new(f->dir, agt_client_auth(f->a.client), -1,
	    &f->a.snaps, &err), 0);
	f->a.have_desired = true;
	f->a.desired.stop_timeout_s = 5;
	*state = f;
	return 0;
}

static int
fix_teardown(void **state)
{
	struct fix *f = *state;

	agt_snap_free(f->a.snaps);
	agt_client_free(f->a.client);
	MHD_stop_daemon(f->srv.d);
	hv_conn_free(f->a.hv);
	st_pool_free(f->a.pool);
	free(f->a.desired.snaps);
	mc_test_rmdir(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

/* The desired state's jobs: n of them from jobs (copied). */
static void
want(struct fix *f, const struct mc_proto_snap_job *jobs, size_t n)
{
	free(f->a.desired.snaps);
	f->a.desired.snaps = NULL;
	if (n > 0) {
		f->a.desired.snaps = calloc(n, sizeof(*jobs));
		assert_non_null(f->a.desired.snaps);
		memcpy(f->a.desired.snaps, jobs, n * sizeof(*jobs));
	}
	f->a.desired.n_snaps = n;
}

/* Rounds until job id reaches phase, or fail. */
static struct agt_snap_job *
run_until(struct fix *f, const char *id, enum agt_snap_phase phase)
{
	struct timespec	pause = { 0, 20 * 1000 * 1000 };
	size_t		i;
	int		n;

	for (n = 0; n < JOB_MS / 20; n++) {
		agt_snap_sync(&f->a, n * 20);
		for (i = 0; i < f->a.snaps->n; i++)
			if (strcmp(f->a.snaps->v[i].j.id, id) == 0 &&
			    f->a.snaps->v[i].phase == phase)
				return &f->a.snaps->v[i];
		(void)nanosleep(&pause, NULL);
	}
	fail_msg("%s never reached %s", id, agt_snap_phase_name(phase));
	return NULL;
}

/* Bad jobs are reported failed, with a sentence and no host path. */
static void
test_bad_jobs(void **state)
{
	struct fix			*f = *state;
	struct mc_proto_snap_job	 jobs[2] = {
		{ SNAP1, "vol-0123456789abcdef9", "", false, false },
		{ SNAP2, VOL, INST, true, false },
	};
	struct mc_proto_report		 r;
	size_t				 i;

	want(f, jobs, 2);
	(void)run_until(f, SNAP1, AGT_SNAP_FAILED);
	(void)run_until(f, SNAP2, AGT_SNAP_FAILED);
	assert_true(f->a.report_due);
	memset(&r, 0, sizeof(r));
	assert_int_equal(agt_snap_report(f->a.snaps, &r), 0);
	assert_int_equal(r.n_snaps, 2);
	for (i = 0; i < 2; i++) {
		assert_true(r.snaps[i].failed);
		assert_null(strchr(r.snaps[i].error, '/'));
	}
	assert_string_equal(r.snaps[0].error, "Volume vol-0123456789abcdef9 is "
	    "not in this zone's storage pool.");
	assert_string_equal(r.snaps[1].error, "The instance has no disk on "
	    "this host.");
	free(r.snaps);
	assert_int_equal(f->srv.puts, 0);
	/* Gone from the desired state: gone from the table. */
	want(f, NULL, 0);
	agt_snap_sync(&f->a, 0);
	assert_int_equal(f->a.snaps->n, 0);
}

/* An offline copy of a pool volume, uploaded: 204 is done, 409 dropped. */
static void
test_offline_upload(void **state)
{
	struct fix			*f = *state;
	struct mc_proto_snap_job	 jobs[2] = {
		{ SNAP3, VOL, "", false, false },
		{ SNAP4, VOL, "", false, false },
	};
	struct agt_snap_job		*jb;
	struct mc_proto_report		 r;
	struct st_disk			 sd;
	struct mc_err			 err = { 0 };
	char				 url[256];
	const char			*cmp[] = { "qemu-img", "compare", "-q",
					    "-f", "qcow2", "-F", "qcow2", sd.path,
					    f->srv.body_path, NULL };

	assert_int_equal(st_vol_disk(f->a.pool, VOL, &sd, &err), 0);
	want(f, jobs, 1);
	jb = run_until(f, SNAP3, AGT_SNAP_DONE);
	assert_int_equal(jb->progress, 100);
	assert_int_equal(access(jb->file, F_OK), -1);
	assert_int_equal(f->srv.puts, 1);
	assert_string_equal(f->srv.auth, "Bearer " TOKEN);
	(void)snprintf(url, sizeof(url), "PUT /v1/snapshots/" SNAP3
	    "?host=host1");
	assert_string_equal(f->srv.url, url);
	if (ami_exec_ok(cmp, 60000, 4096, NULL, &err) < 0)
		fail_msg("%s", err.msg);
	memset(&r, 0, sizeof(r));
	assert_int_equal(agt_snap_report(f->a.snaps, &r), 0);
	assert_int_equal(r.n_snaps, 1);
	assert_int_equal(r.snaps[0].progress, 100);
	assert_false(r.snaps[0].failed);
	free(r.snaps);
	/* The controller no longer wants the second: dropped, unreported. */
	f->srv.status = 409;
	want(f, jobs, 2);
	jb = run_until(f, SNAP4, AGT_SNAP_DROPPED);
	assert_int_equal(access(jb->file, F_OK), -1);
	memset(&r, 0, sizeof(r));
	assert_int_equal(agt_snap_report(f->a.snaps, &r), 0);
	assert_int_equal(r.n_snaps, 1);
	free(r.snaps);
	want(f, NULL, 0);
	agt_snap_sync(&f->a, 0);
	assert_int_equal(f->a.snaps->n, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_progress),
		cmocka_unit_test(test_new_cleans),
		cmocka_unit_test(test_holds_report),
		cmocka_unit_test_setup_teardown(test_bad_jobs, fix_setup,
		    fix_teardown),
		cmocka_unit_test_setup_teardown(test_offline_upload, fix_setup,
		    fix_teardown),
	};
	int rc;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}

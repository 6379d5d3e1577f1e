/*
 * agt_snap_step: one snapshot job, one step per round of the main loop.
 * START decides how the copy is taken: live (hv_backup) when its
 * instance runs here with the disk, else offline (a worker's qemu-img
 * convert of the pool's file or the instance's overlay); a reboot job
 * first shuts the instance down and starts it again after the copy.
 * Then a worker uploads the copy.  Error strings kept in a job are for
 * the controller: no host paths; details go to the log.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "mc_cleanup.h"
#include "mc_err.h"
#include "mc_log.h"
#include "hv_backup.h"
#include "hv_domain.h"
#include "st.h"
#include "agt_client.h"
#include "agt_conf.h"
#include "agt_inst.h"
#include "agt_net.h"
#include "agt_reconcile.h"
#include "agt_snap.h"
#include "agt_snap_priv.h"

#define UPLOAD_TRIES	3
#define UPLOAD_PAUSE_MS	10000	/* between upload tries */
#define LIVE_TRIES	3	/* a live copy that fails is begun again */
#define COPY_SHARE	90	/* the copy is 0..90 %, the upload 90..100 */

static const char *const phase_names[AGT_SNAP__MAX] = {
	[AGT_SNAP_START] = "start",	[AGT_SNAP_STOPPING] = "stopping",
	[AGT_SNAP_LIVE] = "live",	[AGT_SNAP_COPY] = "copy",
	[AGT_SNAP_RESTART] = "restart",	[AGT_SNAP_UPLOAD_WAIT] = "upload-wait",
	[AGT_SNAP_UPLOAD] = "upload",	[AGT_SNAP_DONE] = "done",
	[AGT_SNAP_FAILED] = "failed",	[AGT_SNAP_DROPPED] = "dropped",
};

const char *
agt_snap_phase_name(enum agt_snap_phase p)
{
	return p < AGT_SNAP__MAX ? phase_names[p] : "?";
}

unsigned
agt_snap_progress(enum agt_snap_phase p, unsigned pct)
{
	if (pct > 100)
		pct = 100;
	switch (p) {
	case AGT_SNAP_LIVE:
	case AGT_SNAP_COPY:
		return pct * COPY_SHARE / 100;
	case AGT_SNAP_RESTART:
	case AGT_SNAP_UPLOAD_WAIT:
		return COPY_SHARE;
	case AGT_SNAP_UPLOAD:
		return COPY_SHARE + pct * (100 - COPY_SHARE) / 100;
	case AGT_SNAP_DONE:
		return 100;
	default:
		return 0;
	}
}

static void
go(struct agt_snap_job *jb, enum agt_snap_phase p, unsigned pct)
{
	mc_log(MC_LOG_DEBUG, "snapshot step", "snapshot=%s from=%s to=%s",
	    jb->j.id, agt_snap_phase_name(jb->phase), agt_snap_phase_name(p));
	jb->phase = p;
	jb->progress = agt_snap_progress(p, pct);
}

/* The job failed: why (one sentence, no paths) for the controller. */
static void
fail(struct agt_snap_job *jb, const char *why, const char *detail)
{
	mc_log(MC_LOG_WARN, "snapshot failed", "snapshot=%s volume=%s why=%s "
	    "detail=%s", jb->j.id, jb->j.vol, why, detail);
	(void)snprintf(jb->error, sizeof(jb->error), "%s", why);
	(void)unlink(jb->file);
	go(jb, AGT_SNAP_FAILED, 0);
}

static bool
is_up(enum hv_state st)
{
	return st == HV_STATE_RUNNING || st == HV_STATE_PAUSED ||
	    st == HV_STATE_SHUTDOWN;
}

static enum hv_state
state_of(struct agt *a, const char *id)
{
	enum hv_state	st = HV_STATE_NONE;
	struct mc_err	err = { 0 };

	if (id[0] == '\0' || hv_domain_state(a->hv, id, &st, &err) < 0)
		return HV_STATE_NONE;
	return st;
}

/* The target of volume vol's disk in domain id, or false. */
static bool
disk_target(struct agt *a, const char *id, const char *vol, char *buf,
    size_t bufsz)
{
	MC_AUTOFREE struct hv_disk	*disks = NULL;
	char				 serial[HV_SERIAL_MAX + 1];
	size_t				 n = 0, i;

	if (hv_serial_for(vol, serial, NULL) < 0 ||
	    hv_domain_disks(a->hv, id, &disks, &n, NULL) < 0)
		return false;
	for (i = 0; i < n; i++)
		if (strcmp(disks[i].serial, serial) == 0) {
			(void)snprintf(buf, bufsz, "%s", disks[i].target);
			return true;
		}
	return false;
}

/* Is another job of ours copying live from domain id? */
static bool
live_on(const struct agt_snap *s, const char *id)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->v[i].phase == AGT_SNAP_LIVE &&
		    strcmp(s->v[i].j.instance, id) == 0)
			return true;
	return false;
}

static void
begin_live(struct agt *a, struct agt_snap_job *jb)
{
	struct mc_err err = { 0 };

	(void)unlink(jb->file);
	/* A job an earlier agent left running would block ours. */
	if (hv_backup_abort(a->hv, jb->j.instance, &err) < 0 ||
	    hv_backup_begin(a->hv, jb->j.instance, jb->target, jb->file,
	    &err) < 0) {
		if (++jb->tries >= LIVE_TRIES)
			fail(jb, "The live copy of the disk could not begin.",
			    err.msg);
		else
			mc_log(MC_LOG_WARN, "live snapshot not begun, retrying",
			    "snapshot=%s detail=%s", jb->j.id, err.msg);
		return;
	}
	mc_log(MC_LOG_INFO, "live snapshot begun", "snapshot=%s volume=%s "
	    "instance=%s target=%s", jb->j.id, jb->j.vol, jb->j.instance,
	    jb->target);
	go(jb, AGT_SNAP_LIVE, 0);
}

/* The source of an offline copy: the instance's overlay or the pool's file. */
static int
offline_source(struct agt *a, struct agt_snap_job *jb,
    struct agt_snap_task_req *req, struct mc_err *err)
{
	struct st_disk	sd;
	struct stat	st;

	if (jb->j.root) {
		(void)snprintf(req->src_format, sizeof(req->src_format), "qcow2");
		if (agt_inst_path(a->conf->state_dir, jb->j.instance,
		    "disk.qcow2", req->src, sizeof(req->src), err) < 0 ||
		    stat(req->src, &st) < 0)
			return mc_err_set(err, MC_EC_INTERNAL_ERROR, "Instance "
			    "%s has no disk on this host.", jb->j.instance);
		return 0;
	}
	if (st_vol_disk(a->pool, jb->j.vol, &sd, err) < 0) {
		err->code = MC_EC_NONE;		/* ours says it without paths */
		return mc_err_set(err, MC_EC_INTERNAL_ERROR, "Volume %s is not "
		    "in this zone's storage pool.", jb->j.vol);
	}
	if (sd.type != ST_DISK_FILE)
		return mc_err_set(err, MC_EC_INTERNAL_ERROR, "Volume %s is not "
		    "a file: it cannot be copied here.", jb->j.vol);
	(void)snprintf(req->src, sizeof(req->src), "%s", sd.path);
	(void)snprintf(req->src_format, sizeof(req->src_format), "%s",
	    ami_format_name(sd.format));
	return 0;
}

static void
begin_copy(struct agt *a, struct agt_snap_job *jb)
{
	struct agt_snap_task_req	req;
	struct mc_err			err = { 0 };

	memset(&req, 0, sizeof(req));
	req.kind = AGT_SNAP_TASK_COPY;
	(void)snprintf(req.file, sizeof(req.file), "%s", jb->file);
	if (offline_source(a, jb, &req, &err) < 0) {
		fail(jb, err.msg, "");
		return;
	}
	if (agt_snap_task_start(&req, a->snaps->wake_fd, &jb->task, &err) < 0) {
		fail(jb, "The copy could not start.", err.msg);
		return;
	}
	mc_log(MC_LOG_INFO, "offline snapshot begun", "snapshot=%s volume=%s "
	    "root=%s", jb->j.id, jb->j.vol, jb->j.root ? "yes" : "no");
	go(jb, AGT_SNAP_COPY, 0);
}

/* Reboot: an ACPI shutdown now; the copy once the guest is off. */
static void
begin_stop(struct agt *a, struct agt_snap_job *jb, int64_t now_ms)
{
	struct mc_err err = { 0 };

	if (hv_domain_shutdown(a->hv, jb->j.instance, &err) < 0)
		mc_log(MC_LOG_WARN, "ACPI shutdown failed", "instance=%s "
		    "detail=%s", jb->j.instance, err.msg);
	mc_log(MC_LOG_INFO, "instance stopped for a snapshot", "snapshot=%s "
	    "instance=%s grace_s=%u", jb->j.id, jb->j.instance,
	    a->desired.stop_timeout_s);
	jb->restart = true;
	agt_snap_restart_save(a->snaps, jb->j.id);
	jb->since_ms = now_ms;
	go(jb, AGT_SNAP_STOPPING, 0);
}

/* START: live, offline, or stop first; each needs a free slot. */
static void
step_start(struct agt *a, struct agt_snap_job *jb, int64_t now_ms)
{
	enum hv_state	st = state_of(a, jb->j.instance);
	bool		up = is_up(st);

	if (agt_snap_busy(a->snaps) >= AGT_SNAP_BUSY_MAX)
		return;
	if (jb->j.root && st == HV_STATE_NONE) {
		fail(jb, "The instance has no disk on this host.", "");
		return;
	}
	if (up && jb->j.root)
		(void)snprintf(jb->target, sizeof(jb->target), "vda");
	else if (up && !disk_target(a, jb->j.instance, jb->j.vol, jb->target,
	    sizeof(jb->target)))
		up = false;	/* not attached there (any more): the pool's */
	/* An earlier agent stopped it for this job: it comes back after. */
	if (!up && jb->j.reboot && agt_snap_restart_saved(a->snaps, jb->j.id))
		jb->restart = true;
	if (up && jb->j.reboot)
		begin_stop(a, jb, now_ms);
	else if (up && !live_on(a->snaps, jb->j.instance))
		begin_live(a, jb);
	else if (!up)
		begin_copy(a, jb);
}

/* Returns true once the guest is off (destroyed after the grace time). */
static bool
stopped(struct agt *a, struct agt_snap_job *jb, int64_t now_ms)
{
	struct mc_err	err = { 0 };
	int64_t		grace = (int64_t)a->desired.stop_timeout_s * 1000;

	if (!is_up(state_of(a, jb->j.instance)))
		return true;
	if (now_ms - jb->since_ms >= grace &&
	    hv_domain_destroy(a->hv, jb->j.instance, &err) < 0)
		mc_log(MC_LOG_WARN, "hard stop failed, retrying", "instance=%s "
		    "detail=%s", jb->j.instance, err.msg);
	return false;
}

static void
step_live(struct agt *a, struct agt_snap_job *jb)
{
	struct hv_backup_status	st;
	struct mc_err		err = { 0 };

	if (hv_backup_poll(a->hv, jb->j.instance, &st, &err) < 0)
		st.state = HV_BACKUP_FAILED;
	switch (st.state) {
	case HV_BACKUP_RUNNING:
		jb->progress = agt_snap_progress(AGT_SNAP_LIVE, st.percent);
		return;
	case HV_BACKUP_DONE:
		mc_log(MC_LOG_INFO, "live snapshot taken", "snapshot=%s",
		    jb->j.id);
		go(jb, AGT_SNAP_UPLOAD_WAIT, 0);
		return;
	default:
		/* The guest stopped, or QEMU failed: begin again (offline?). */
		mc_log(MC_LOG_WARN, "live snapshot failed", "snapshot=%s "
		    "detail=%s", jb->j.id, err.msg[0] != '\0' ? err.msg :
		    st.state == HV_BACKUP_FAILED ? st.why : "the job is gone");
		(void)unlink(jb->file);
		if (++jb->tries >= LIVE_TRIES)
			fail(jb, "The live copy of the disk failed.", "");
		else
			go(jb, AGT_SNAP_START, 0);
	}
}

/* COPY or UPLOAD: what the worker did, once it is done. */
static bool
task_done(struct agt_snap_job *jb, struct agt_snap_task_result *res)
{
	agt_snap_task_peek(jb->task, res);
	if (!res->done) {
		jb->progress = agt_snap_progress(jb->phase, res->percent);
		return false;
	}
	agt_snap_task_free(jb->task);
	jb->task = NULL;
	return true;
}

static void
step_copy(struct agt_snap_job *jb)
{
	struct agt_snap_task_result res;

	if (!task_done(jb, &res))
		return;
	if (res.rc < 0) {
		fail(jb, "The copy of the disk failed.", res.why);
		if (jb->restart)	/* the instance still comes back */
			jb->phase = AGT_SNAP_RESTART;
		return;
	}
	mc_log(MC_LOG_INFO, "offline snapshot taken", "snapshot=%s", jb->j.id);
	go(jb, jb->restart ? AGT_SNAP_RESTART : AGT_SNAP_UPLOAD_WAIT, 0);
}

/*
 * Start the instance we stopped; true once it runs (or cannot).  Its
 * tap went with the guest: made again first, as a launch makes it.
 */
static bool
restarted(struct agt *a, struct agt_snap_job *jb)
{
	const struct mc_proto_inst	*w = mc_proto_desired_inst(&a->desired,
	    jb->j.instance);
	struct mc_err			 err = { 0 };

	if ((w != NULL && w->nic.eni[0] != '\0' &&
	    agt_net_tap_ready(a->net, w, &err) < 0) ||
	    (hv_domain_start(a->hv, jb->j.instance, &err) < 0 &&
	    !is_up(state_of(a, jb->j.instance)))) {
		mc_log(MC_LOG_WARN, "cannot start the instance again, retrying",
		    "snapshot=%s instance=%s detail=%s", jb->j.id,
		    jb->j.instance, err.msg);
		return false;
	}
	mc_log(MC_LOG_INFO, "instance started after its snapshot",
	    "snapshot=%s instance=%s", jb->j.id, jb->j.instance);
	jb->restart = false;
	agt_snap_restart_forget(a->snaps, jb->j.id);
	return true;
}

static void
step_upload_wait(struct agt *a, struct agt_snap_job *jb, int64_t now_ms)
{
	struct agt_snap_task_req	req;
	struct mc_err			err = { 0 };

	if (now_ms < jb->since_ms ||
	    agt_snap_busy(a->snaps) >= AGT_SNAP_BUSY_MAX)
		return;
	memset(&req, 0, sizeof(req));
	req.kind = AGT_SNAP_TASK_UPLOAD;
	(void)snprintf(req.file, sizeof(req.file), "%s", jb->file);
	(void)snprintf(req.auth, sizeof(req.auth), "%s", a->snaps->auth);
	agt_client_snapshot_url(a->client, jb->j.id, a->conf->name, req.url,
	    sizeof(req.url));
	if (agt_snap_task_start(&req, a->snaps->wake_fd, &jb->task, &err) < 0) {
		mc_log(MC_LOG_WARN, "cannot start an upload, retrying",
		    "snapshot=%s detail=%s", jb->j.id, err.msg);
		return;
	}
	go(jb, AGT_SNAP_UPLOAD, 0);
}

static void
step_upload(struct agt_snap_job *jb, int64_t now_ms)
{
	struct agt_snap_task_result res;

	if (!task_done(jb, &res))
		return;
	if (res.rc == 0 && res.status >= 200 && res.status < 300) {
		mc_log(MC_LOG_INFO, "snapshot uploaded", "snapshot=%s", jb->j.id);
		(void)unlink(jb->file);
		go(jb, AGT_SNAP_DONE, 0);
	} else if (res.rc == 0 && res.status == 409) {
		mc_log(MC_LOG_INFO, "snapshot no longer wanted", "snapshot=%s",
		    jb->j.id);
		(void)unlink(jb->file);
		go(jb, AGT_SNAP_DROPPED, 0);
	} else if (++jb->tries >= UPLOAD_TRIES) {
		fail(jb, "The snapshot could not be uploaded.", res.rc < 0 ?
		    res.why : "HTTP error");
	} else {
		mc_log(MC_LOG_WARN, "snapshot upload failed, retrying",
		    "snapshot=%s status=%ld detail=%s", jb->j.id, res.status,
		    res.why);
		jb->since_ms = now_ms + UPLOAD_PAUSE_MS;
		go(jb, AGT_SNAP_UPLOAD_WAIT, 0);
	}
}

bool
agt_snap_step(struct agt *a, struct agt_snap_job *jb, int64_t now_ms)
{
	enum agt_snap_phase	was = jb->phase;
	unsigned		pct = jb->progress;

	switch (jb->phase) {
	case AGT_SNAP_START:
		step_start(a, jb, now_ms);
		break;
	case AGT_SNAP_STOPPING:
		if (stopped(a, jb, now_ms))
			begin_copy(a, jb);
		break;
	case AGT_SNAP_LIVE:
		step_live(a, jb);
		break;
	case AGT_SNAP_COPY:
		step_copy(jb);
		break;
	case AGT_SNAP_RESTART:
		if (restarted(a, jb) && jb->error[0] == '\0')
			go(jb, AGT_SNAP_UPLOAD_WAIT, 0);
		else if (!jb->restart)
			jb->phase = AGT_SNAP_FAILED;
		break;
	case AGT_SNAP_UPLOAD_WAIT:
		step_upload_wait(a, jb, now_ms);
		break;
	case AGT_SNAP_UPLOAD:
		step_upload(jb, now_ms);
		break;
	default:
		break;
	}
	/* The phase, and progress in steps of 10 %, are worth a report. */
	return jb->phase != was || jb->progress / 10 != pct / 10;
}

bool
agt_snap_step_cancelled(struct agt *a, struct agt_snap_job *jb,
    int64_t now_ms)
{
	struct mc_err err = { 0 };

	if (jb->task != NULL) {
		struct agt_snap_task_result res;

		/* A copy reads the instance's disk: wait before starting it. */
		if (jb->restart && !task_done(jb, &res))
			return false;
		agt_snap_task_free(jb->task);	/* an upload stops at once */
		jb->task = NULL;
	}
	if (jb->phase == AGT_SNAP_LIVE) {
		if (hv_backup_abort(a->hv, jb->j.instance, &err) < 0)
			mc_log(MC_LOG_WARN, "cannot abort a live snapshot",
			    "snapshot=%s detail=%s", jb->j.id, err.msg);
		jb->phase = AGT_SNAP_FAILED;
	}
	if (jb->phase == AGT_SNAP_STOPPING && !stopped(a, jb, now_ms))
		return false;
	if (jb->restart && !restarted(a, jb))
		return false;
	(void)unlink(jb->file);
	return true;
}

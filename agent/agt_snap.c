/*
 * agt_snap: the table of snapshot jobs, owned by the main loop: new
 * jobs from the desired state, cancelled ones, what the reconcile loop
 * must leave alone, and what the report says.  One job's steps are in
 * agt_snap_step.c, the worker threads in agt_snap_work.c.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mc_err.h"
#include "mc_fs.h"
#include "mc_log.h"
#include "agt_reconcile.h"
#include "agt_snap.h"
#include "agt_snap_priv.h"

#define RESTART_SUFFIX	".restart"

/* Remove what an earlier agent left, but its restart marks. */
static void
remove_leftovers(const char *dir)
{
	DIR		*d = opendir(dir);
	struct dirent	*e;
	size_t		 n;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		n = strlen(e->d_name);
		if (e->d_name[0] == '.' || (n > strlen(RESTART_SUFFIX) &&
		    strcmp(e->d_name + n - strlen(RESTART_SUFFIX),
		    RESTART_SUFFIX) == 0))
			continue;
		(void)unlinkat(dirfd(d), e->d_name, 0);
	}
	(void)closedir(d);
}

int
agt_snap_new(const char *state_dir, const char *auth, int wake_fd,
    struct agt_snap **ret, struct mc_err *err)
{
	struct agt_snap	*s = calloc(1, sizeof(*s));
	int		 n;

	if (s == NULL)
		return mc_err_sys(err, ENOMEM, "out of memory");
	n = snprintf(s->dir, sizeof(s->dir), "%s/snapshots", state_dir);
	/* 0711: libvirt hands the copy to QEMU's user, who must reach it. */
	if (n < 0 || (size_t)n >= sizeof(s->dir) - 64 ||
	    mc_fs_mkdirs(s->dir, 0711, err) < 0) {
		free(s);
		return mc_err_set(err, MC_EC_INTERNAL_ERROR, "cannot make the "
		    "snapshot directory");
	}
	remove_leftovers(s->dir);
	(void)snprintf(s->auth, sizeof(s->auth), "%s", auth);
	s->wake_fd = wake_fd;
	*ret = s;
	return 0;
}

void
agt_snap_free(struct agt_snap *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n; i++)
		agt_snap_task_free(s->v[i].task);
	free(s->v);
	free(s);
}

/* dir leaves room for a name (agt_snap_new checks): no truncation. */
static void
marker(const struct agt_snap *s, const char *id, char *buf, size_t bufsz)
{
	if (snprintf(buf, bufsz, "%s/%s" RESTART_SUFFIX, s->dir, id) < 0)
		buf[0] = '\0';
}

void
agt_snap_restart_save(const struct agt_snap *s, const char *id)
{
	char		path[PATH_MAX];
	struct mc_err	err = { 0 };

	marker(s, id, path, sizeof(path));
	if (mc_fs_write_atomic(path, "", 0, 0600, &err) < 0)
		mc_log(MC_LOG_WARN, "cannot save a restart mark", "snapshot=%s "
		    "detail=%s", id, err.msg);
}

bool
agt_snap_restart_saved(const struct agt_snap *s, const char *id)
{
	char path[PATH_MAX];

	marker(s, id, path, sizeof(path));
	return access(path, F_OK) == 0;
}

void
agt_snap_restart_forget(const struct agt_snap *s, const char *id)
{
	char path[PATH_MAX];

	marker(s, id, path, sizeof(path));
	(void)unlink(path);
}

unsigned
agt_snap_busy(const struct agt_snap *s)
{
	unsigned	n = 0;
	size_t		i;

	for (i = 0; i < s->n; i++)
		n += s->v[i].task != NULL || s->v[i].phase == AGT_SNAP_LIVE ||
		    s->v[i].phase == AGT_SNAP_STOPPING;
	return n;
}

bool
agt_snap_holds(const struct agt_snap *s, const char *id)
{
	const struct agt_snap_job	*jb;
	size_t				 i;

	for (i = 0; s != NULL && i < s->n; i++) {
		jb = &s->v[i];
		if (strcmp(jb->j.instance, id) == 0 && (jb->restart ||
		    jb->phase == AGT_SNAP_STOPPING ||
		    (jb->phase == AGT_SNAP_COPY && jb->task != NULL)))
			return true;
	}
	return false;
}

static struct agt_snap_job *
find(struct agt_snap *s, const char *id)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->v[i].j.id, id) == 0)
			return &s->v[i];
	return NULL;
}

/* Take on job j (borrowed) of the desired state. */
static void
add(struct agt_snap *s, const struct mc_proto_snap_job *j)
{
	struct agt_snap_job *nv = realloc(s->v, (s->n + 1) * sizeof(*nv));

	if (nv == NULL)
		return;		/* next round */
	s->v = nv;
	nv = &s->v[s->n++];
	memset(nv, 0, sizeof(*nv));
	nv->j = *j;
	nv->phase = AGT_SNAP_START;
	if (snprintf(nv->file, sizeof(nv->file), "%s/%s.qcow2", s->dir,
	    j->id) < 0)
		nv->file[0] = '\0';
	mc_log(MC_LOG_INFO, "snapshot job taken", "snapshot=%s volume=%s "
	    "instance=%s root=%s reboot=%s", j->id, j->vol, j->instance,
	    j->root ? "yes" : "no", j->reboot ? "yes" : "no");
}

/* Restart marks of jobs the controller no longer lists are stale. */
static void
forget_stale_marks(struct agt *a)
{
	DIR		*d;
	struct dirent	*e;
	char		 id[MC_PROTO_ID_MAX + 1];
	size_t		 n;

	if (a->snaps->marks_checked || (d = opendir(a->snaps->dir)) == NULL)
		return;
	a->snaps->marks_checked = true;
	while ((e = readdir(d)) != NULL) {
		n = strlen(e->d_name);
		if (n <= strlen(RESTART_SUFFIX) || n - strlen(RESTART_SUFFIX) >=
		    sizeof(id) || strcmp(e->d_name + n - strlen(RESTART_SUFFIX),
		    RESTART_SUFFIX) != 0)
			continue;
		(void)snprintf(id, sizeof(id), "%.*s",
		    (int)(n - strlen(RESTART_SUFFIX)), e->d_name);
		if (mc_proto_desired_snap(&a->desired, id) != NULL)
			continue;
		mc_log(MC_LOG_WARN, "instance stopped by an earlier agent's "
		    "snapshot left as is", "snapshot=%s", id);
		(void)unlinkat(dirfd(d), e->d_name, 0);
	}
	(void)closedir(d);
}

void
agt_snap_sync(struct agt *a, int64_t now_ms)
{
	struct agt_snap	*s = a->snaps;
	size_t		 i, o;

	if (s == NULL || !a->have_desired)
		return;
	forget_stale_marks(a);
	for (i = 0; i < a->desired.n_snaps; i++)
		if (find(s, a->desired.snaps[i].id) == NULL)
			add(s, &a->desired.snaps[i]);
	for (i = 0; i < s->n; i++) {
		if (!s->v[i].cancelled && mc_proto_desired_snap(&a->desired,
		    s->v[i].j.id) == NULL) {
			mc_log(MC_LOG_INFO, "snapshot job cancelled",
			    "snapshot=%s phase=%s", s->v[i].j.id,
			    agt_snap_phase_name(s->v[i].phase));
			s->v[i].cancelled = true;
			a->report_due = true;
		}
		if (!s->v[i].cancelled && agt_snap_step(a, &s->v[i], now_ms))
			a->report_due = true;
	}
	for (i = o = 0; i < s->n; i++)
		if (!s->v[i].cancelled || !agt_snap_step_cancelled(a, &s->v[i],
		    now_ms))
			s->v[o++] = s->v[i];
	s->n = o;
}

int
agt_snap_report(const struct agt_snap *s, struct mc_proto_report *r)
{
	struct mc_proto_snap_state	*v;
	size_t				 i, n = 0;

	if (s == NULL || s->n == 0)
		return 0;
	if ((v = calloc(s->n, sizeof(*v))) == NULL)
		return -1;
	for (i = 0; i < s->n; i++) {
		if (s->v[i].cancelled || s->v[i].phase == AGT_SNAP_DROPPED)
			continue;
		(void)snprintf(v[n].id, sizeof(v[n].id), "%s", s->v[i].j.id);
		v[n].failed = s->v[i].phase == AGT_SNAP_FAILED;
		v[n].progress = v[n].failed ? 0 : s->v[i].progress;
		(void)snprintf(v[n].error, sizeof(v[n].error), "%s",
		    v[n].failed ? s->v[i].error : "");
		n++;
	}
	r->snaps = v;
	r->n_snaps = n;
	return 0;
}

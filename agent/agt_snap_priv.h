/*
 * agt_snap_priv: what agt_snap.c (the job table, in the main loop)
 * shares with agt_snap_step.c (one job's steps) and agt_snap_work.c
 * (the worker threads that copy and upload), and with the unit test.
 */
#ifndef AGT_SNAP_PRIV_H
#define AGT_SNAP_PRIV_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "mc_proto.h"

struct agt;
struct mc_err;

#define AGT_SNAP_BUSY_MAX	2	/* copies and uploads at once: 2 cores */
#define AGT_SNAP_URL_MAX	2048
#define AGT_SNAP_AUTH_MAX	512

/* A worker's job: copy a disk to a plain qcow2, or upload a file. */
enum agt_snap_task_kind {
	AGT_SNAP_TASK_COPY,
	AGT_SNAP_TASK_UPLOAD,
};

struct agt_snap_task_req {
	enum agt_snap_task_kind	kind;
	char			src[PATH_MAX];	/* COPY: the disk */
	char			src_format[8];	/* COPY: "qcow2", "raw" */
	char			file[PATH_MAX];	/* COPY: made; UPLOAD: sent */
	char			url[AGT_SNAP_URL_MAX];	/* UPLOAD: PUT there */
	char			auth[AGT_SNAP_AUTH_MAX]; /* UPLOAD: header */
};

/* How a worker's job stands. */
struct agt_snap_task_result {
	bool		done;
	int		rc;		/* done: 0, or -1 (transport, qemu-img) */
	long		status;		/* UPLOAD done with rc 0: HTTP status */
	unsigned	percent;	/* 0..100 of the job */
	char		why[MC_PROTO_WHY_MAX + 1];	/* rc -1: for the log */
};

struct agt_snap_task;

/*
 * Start req (copied) in a new thread; wake_fd (borrowed) gets a byte
 * when it ends.  *ret is the main loop's handle: read it with _peek,
 * let go of it with _free.  Returns 0, or -1 with err set.
 */
int	agt_snap_task_start(const struct agt_snap_task_req *req, int wake_fd,
	    struct agt_snap_task **ret, struct mc_err *err);

/* Where t stands, into *ret. */
void	agt_snap_task_peek(struct agt_snap_task *t,
	    struct agt_snap_task_result *ret);

/*
 * Let go of t (NULL is fine).  A job still running is asked to stop (an
 * upload stops at once; a copy runs to its end) and frees itself; it
 * then wakes nobody.
 */
void	agt_snap_task_free(struct agt_snap_task *t);

enum agt_snap_phase {
	AGT_SNAP_START,		/* not begun: decide how */
	AGT_SNAP_STOPPING,	/* reboot: waiting for the guest to stop */
	AGT_SNAP_LIVE,		/* QEMU copies while the guest runs */
	AGT_SNAP_COPY,		/* a worker converts the file */
	AGT_SNAP_RESTART,	/* reboot: start the instance again */
	AGT_SNAP_UPLOAD_WAIT,	/* copy taken: upload when a slot frees */
	AGT_SNAP_UPLOAD,	/* a worker uploads it */
	AGT_SNAP_DONE,
	AGT_SNAP_FAILED,
	AGT_SNAP_DROPPED,	/* the controller answered 409 */
	AGT_SNAP__MAX
};

/* One snapshot job as the agent carries it out. */
struct agt_snap_job {
	struct mc_proto_snap_job j;
	enum agt_snap_phase	 phase;
	bool			 cancelled;	/* left the desired state */
	bool			 restart;	/* we stopped its instance */
	char			 target[8];	/* LIVE: the disk copied */
	unsigned		 progress;	/* 0..100 */
	char			 error[MC_PROTO_WHY_MAX + 1];
	int64_t			 since_ms;	/* stop asked; next upload */
	int			 tries;		/* live copies, uploads */
	struct agt_snap_task	*task;		/* COPY, UPLOAD: owned */
	char			 file[PATH_MAX];	/* the copy */
};

/* The table, owned by the main loop. */
struct agt_snap {
	char			 dir[PATH_MAX];	/* STATE_DIR/snapshots */
	char			 auth[AGT_SNAP_AUTH_MAX];
	int			 wake_fd;
	struct agt_snap_job	*v;		/* owned */
	size_t			 n;
	bool			 marks_checked;	/* stale restart marks gone */
};

/* One round of job jb; true when its reported state changed. */
bool	agt_snap_step(struct agt *a, struct agt_snap_job *jb, int64_t now_ms);

/*
 * One round of cancelled job jb: stop what runs, start its instance
 * again if we stopped it, remove its files.  True once nothing is left
 * and jb may be forgotten.
 */
bool	agt_snap_step_cancelled(struct agt *a, struct agt_snap_job *jb,
	    int64_t now_ms);

/*
 * A reboot job's mark that it stopped its instance, kept across agent
 * restarts (STATE_DIR/snapshots/<id>.restart) so that the next agent
 * starts the instance again: save, ask, forget.
 */
void	agt_snap_restart_save(const struct agt_snap *s, const char *id);
bool	agt_snap_restart_saved(const struct agt_snap *s, const char *id);
void	agt_snap_restart_forget(const struct agt_snap *s, const char *id);

/* Jobs that hold a slot (a worker or a live copy) now. */
unsigned	agt_snap_busy(const struct agt_snap *s);

/* "start", "live"... (a static string). */
const char	*agt_snap_phase_name(enum agt_snap_phase p);

/* The progress to report for a phase's own percent pct (0..100). */
unsigned	agt_snap_progress(enum agt_snap_phase p, unsigned pct);

#endif /* AGT_SNAP_PRIV_H */

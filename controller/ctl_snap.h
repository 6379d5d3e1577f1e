/*
 * ctl_snap: snapshots in the store (ctl_snap.c: the rows, who sees them;
 * ctl_snap_host.c: which host takes one, the jobs in a desired state and
 * what agents report; ctl_snap_file.c: the files, whole plain qcow2s in
 * STATE_DIR/snapshots/<id>).  A snapshot is pending until the host it is
 * given to uploads its copy, then completed (or error, with the
 * reason).  Snapshots are immutable: a copy is a hard link.  Every
 * function works in the caller's transaction and bumps the generation
 * of the hosts whose desired state it changes; the caller wakes them
 * (ctl_notify_bump) after its commit.
 */
#ifndef CTL_SNAP_H
#define CTL_SNAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "mc_id.h"
#include "mc_proto.h"

struct ctl_vol;
struct mc_err;

#define CTL_SNAP_DESC_MAX	255	/* characters of a description */
#define CTL_SNAP_PER_ACCOUNT_MAX 10000
#define CTL_SNAP_DIR		"snapshots"	/* under the state directory */
#define CTL_SNAP_TMP_SUFFIX	".upload"	/* an upload in progress */

struct ctl_snap {
	char		id[MC_ID_MAX];
	char		account_id[16];
	char		volume_id[MC_ID_MAX];
	long long	volume_size;			/* GiB */
	char		description[CTL_SNAP_DESC_MAX * 4 + 1];
	char		state[16];		/* pending completed error */
	char		state_message[MC_PROTO_WHY_MAX + 1];
	int		progress;		/* percent */
	char		host[MC_PROTO_NAME_MAX + 1];	/* "": waiting */
	char		instance_id[MC_ID_MAX];
	bool		root, reboot;
	char		source_id[MC_ID_MAX];	/* CopySnapshot's source */
	char		format[8];
	uint64_t	size;				/* bytes stored */
	char		sha256[65];
	int64_t		start_ms;
};

/*
 * Snapshot id as account sees it: its own, or one a createVolumePermission
 * shows it (own_only: its own only).  0 and *ret, or -1 with err set
 * (InvalidSnapshotID.Malformed, InvalidSnapshot.NotFound).
 */
int	ctl_snap_find(sqlite3 *db, const char *account, const char *id,
	    bool own_only, struct ctl_snap *ret, struct mc_err *err);

/*
 * Every snapshot account sees (its own, those shared with it or with
 * all), by id; *ret is new, the caller frees it.
 */
int	ctl_snap_list(sqlite3 *db, const char *account, struct ctl_snap **ret,
	    size_t *ret_n, struct mc_err *err);

/* 0 when s is completed, else -1 with err set (IncorrectState). */
int	ctl_snap_completed(const struct ctl_snap *s, struct mc_err *err);

/* May account make volumes of s (its owner, or a permission says so)? */
int	ctl_snap_restorable(sqlite3 *db, const struct ctl_snap *s,
	    const char *account, bool *ret, struct mc_err *err);

/*
 * A new pending snapshot of volume v (the caller's), described by desc
 * (borrowed, checked), given to a host (ctl_snap_assign).  More than
 * CTL_SNAP_PER_ACCOUNT_MAX is SnapshotLimitExceeded.  Fills *ret.
 */
int	ctl_snap_create(sqlite3 *db, const struct ctl_vol *v,
	    const char *desc, int64_t now_ms, int64_t host_timeout_ms,
	    struct ctl_snap *ret, struct mc_err *err);

/*
 * A completed copy of completed snapshot src for account, its file a
 * hard link of src's (state_dir borrowed).  Fills *ret.  The link is
 * made before the row: on failure the caller removes *ret's file
 * (ctl_snap_file_remove), which is harmless when there is none.
 */
int	ctl_snap_copy(sqlite3 *db, const char *state_dir,
	    const struct ctl_snap *src, const char *account, const char *desc,
	    int64_t now_ms, struct ctl_snap *ret, struct mc_err *err);

/*
 * Delete s with its tags and permissions: InvalidSnapshot.InUse while an
 * image that is not deregistered uses it.  A pending snapshot leaves its
 * host's desired state.  Returns 0: the row is gone, the caller removes
 * the file after its commit; 1: volumes made from it may not have their
 * storage yet, so the row stays, hidden (state 'deleted'), with its
 * file, until ctl_snap_forget_unused; -1 with err set.
 */
int	ctl_snap_forget_unused(sqlite3 *db, const char *state_dir,
	    struct mc_err *err);

int	ctl_snap_delete(sqlite3 *db, const struct ctl_snap *s,
	    struct mc_err *err);

/* Add (add) or remove account ("all": everyone) to s's permissions. */
int	ctl_snap_perm(sqlite3 *db, const char *id, const char *account,
	    bool add, struct mc_err *err);

/* The accounts ("all" too) s's permissions name, by id; caller frees. */
int	ctl_snap_perms(sqlite3 *db, const char *id, char (**ret)[16],
	    size_t *ret_n, struct mc_err *err);

/*
 * Give pending snapshot id a host: the host of the instance its volume
 * is attached to (instance and root filled), else the up and enabled
 * host of the volume's zone with the fewest jobs; none: it waits
 * (ctl_snap_assign_waiting).  The host chosen is bumped.
 */
int	ctl_snap_assign(sqlite3 *db, const char *id, int64_t now_ms,
	    int64_t host_timeout_ms, struct mc_err *err);

/*
 * Host is up: give it the waiting snapshots of its zone, in a
 * transaction of its own, bumping it when it gets any.  *ret_n says how
 * many it got.
 */
int	ctl_snap_assign_waiting(sqlite3 *db, const char *host, size_t *ret_n,
	    struct mc_err *err);

/*
 * Fill the snapshot jobs of host's desired state d (whose instances are
 * loaded): its pending snapshots.  A job names its instance only when d
 * lists it; a root or reboot job whose instance d does not list waits.
 */
int	ctl_snap_desired_load(sqlite3 *db, const char *host,
	    struct mc_proto_desired *d, struct mc_err *err);

/*
 * Apply the snapshot states of host's report r: progress (shown at most
 * 99 until the upload completes it), or error with the agent's reason.
 * Jobs that are not host's pending ones are ignored.  *ret_bumped is set
 * when a job left host's desired state.
 */
int	ctl_snap_report(sqlite3 *db, const char *host,
	    const struct mc_proto_report *r, bool *ret_bumped,
	    struct mc_err *err);

/*
 * Is id pending on host?  1 yes, 0 no (not host's, or no longer
 * pending, or gone), -1 with err set.  *ret_gib is its volume size.
 */
int	ctl_snap_pending_on(sqlite3 *db, const char *id, const char *host,
	    long long *ret_gib, struct mc_err *err);

/* Mark pending id completed with its stored file's size and sha256. */
int	ctl_snap_complete(sqlite3 *db, const char *id, uint64_t size,
	    const char *sha256, struct mc_err *err);

/* Mark pending id error with msg (borrowed), bumping its host. */
int	ctl_snap_fail(sqlite3 *db, const char *id, const char *msg,
	    struct mc_err *err);

/*
 * Files.  The path of snapshot id's file into buf (bufsz bytes); the id
 * is checked first.  Returns 0, or -1 with err set.
 */
int	ctl_snap_file_path(const char *state_dir, const char *id, char *buf,
	    size_t bufsz, struct mc_err *err);

/*
 * Make STATE_DIR/snapshots (0700) and remove the uploads an earlier run
 * left unfinished (*CTL_SNAP_TMP_SUFFIX): call it at start-up.
 */
int	ctl_snap_file_init(const char *state_dir, struct mc_err *err);

/* Hard-link src's file as dst's. */
int	ctl_snap_file_link(const char *state_dir, const char *src,
	    const char *dst, struct mc_err *err);

/* Remove id's file; none is not an error. */
void	ctl_snap_file_remove(const char *state_dir, const char *id);

#endif /* CTL_SNAP_H */

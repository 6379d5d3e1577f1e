/*
 * ctl_snap_host: snapshots and the hosts that take them.  Which host a
 * pending snapshot goes to, the jobs a host's desired state lists, and
 * what its agent reports (progress, failure) or uploads (completion).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_err.h"
#include "mc_log.h"
#include "ctl_images.h"
#include "ctl_snap.h"
#include "ctl_sql.h"

static int
bump(sqlite3 *db, const char *host, struct mc_err *err)
{
	return ctl_sql_run(db, err, "UPDATE hosts SET generation = generation "
	    "+ 1 WHERE name = ?", "s", host) < 0 ? -1 : 0;
}

/* Where volume vol is attached: instance, its host, and the root flag. */
struct place {
	char	instance[MC_ID_MAX];
	char	host[MC_PROTO_NAME_MAX + 1];
	int	root;
};

static void
place_row(sqlite3_stmt *st, void *p)
{
	struct place *pl = p;

	ctl_sql_text(st, 0, pl->instance, sizeof(pl->instance));
	ctl_sql_text(st, 1, pl->host, sizeof(pl->host));
	pl->root = sqlite3_column_int(st, 2);
}

static void
name_row(sqlite3_stmt *st, void *p)
{
	ctl_sql_text(st, 0, p, MC_PROTO_NAME_MAX + 1);
}

int
ctl_snap_assign(sqlite3 *db, const char *id, int64_t now_ms,
    int64_t host_timeout_ms, struct mc_err *err)
{
	struct place	pl;
	int		found;

	memset(&pl, 0, sizeof(pl));
	/* Attached: only the instance's host can read a disk in use. */
	if ((found = ctl_sql_row(db, &pl, place_row, err, "SELECT i.id, "
	    "i.host, v.root FROM snapshots s JOIN volumes v ON v.id = "
	    "s.volume_id JOIN vol_attachments a ON a.volume_id = v.id JOIN "
	    "instances i ON i.id = a.instance_id WHERE s.id = ? AND "
	    "i.host <> ''", "s", id)) < 0)
		return -1;
	if (found == 0 && (found = ctl_sql_row(db, pl.host, name_row, err,
	    "SELECT h.name FROM hosts h JOIN volumes v ON v.zone = h.zone "
	    "JOIN snapshots s ON s.volume_id = v.id WHERE s.id = ? AND "
	    "h.enabled = 1 AND h.down = 0 AND h.last_seen_ms >= ? ORDER BY "
	    "(SELECT count(*) FROM snapshots j WHERE j.host = h.name AND "
	    "j.state = 'pending'), h.name LIMIT 1", "si", id,
	    now_ms - host_timeout_ms)) < 0)
		return -1;
	if (found == 0)
		return 0;	/* no host of its zone is up: it waits */
	if (ctl_sql_run(db, err, "UPDATE snapshots SET host = ?, instance_id "
	    "= ?, root = ? WHERE id = ?", "ssis", pl.host, pl.instance,
	    (int64_t)pl.root, id) < 0)
		return -1;
	return bump(db, pl.host, err);
}

int
ctl_snap_assign_waiting(sqlite3 *db, const char *host, size_t *ret_n,
    struct mc_err *err)
{
	int64_t	waiting = 0;
	int	n;

	/*
	 * Every desired-state poll asks: a read first, so that the write
	 * lock (which launches and reports wait for) is taken only when
	 * there is something to assign.
	 */
	*ret_n = 0;
	if (ctl_sql_int(db, &waiting, err, "SELECT count(*) FROM snapshots "
	    "WHERE state = 'pending' AND host = ''", "") < 0)
		return -1;
	if (waiting == 0)
		return 0;
	if (ctl_sql_begin(db, err) < 0)
		return -1;
	n = ctl_sql_run(db, err, "UPDATE snapshots SET host = ?1 WHERE state "
	    "= 'pending' AND host = '' AND volume_id IN (SELECT v.id FROM "
	    "volumes v JOIN hosts h ON h.zone = v.zone WHERE h.name = ?1 AND "
	    "h.enabled = 1)", "s", host);
	if (n < 0 || (n > 0 && bump(db, host, err) < 0) ||
	    ctl_sql_commit(db, err) < 0) {
		ctl_sql_rollback(db);
		return -1;
	}
	if (n > 0)
		mc_log(MC_LOG_INFO, "snapshots assigned", "host=%s n=%d", host,
		    n);
	*ret_n = (size_t)n;
	return 0;
}

static void
job_row(sqlite3_stmt *st, void *p)
{
	struct mc_proto_snap_job *j = p;

	memset(j, 0, sizeof(*j));
	ctl_sql_text(st, 0, j->id, sizeof(j->id));
	ctl_sql_text(st, 1, j->vol, sizeof(j->vol));
	ctl_sql_text(st, 2, j->instance, sizeof(j->instance));
	j->root = sqlite3_column_int(st, 3) != 0;
	j->reboot = sqlite3_column_int(st, 4) != 0;
}

static bool
lists_instance(const struct mc_proto_desired *d, const char *id)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (strcmp(d->v[i].id, id) == 0)
			return true;
	return false;
}

int
ctl_snap_desired_load(sqlite3 *db, const char *host,
    struct mc_proto_desired *d, struct mc_err *err)
{
	struct mc_proto_snap_job	*v = NULL;
	size_t				 n = 0, i, k = 0;

	if (ctl_sql_rows(db, &v, &n, sizeof(*v), job_row, err, "SELECT id, "
	    "volume_id, instance_id, root, reboot FROM snapshots WHERE host = "
	    "? AND state = 'pending' ORDER BY start_ms, id LIMIT ?", "si",
	    host, (int64_t)MC_PROTO_SNAP_JOBS) < 0)
		return -1;
	/* The protocol lets a job name only an instance d lists. */
	for (i = 0; i < n; i++) {
		if (v[i].instance[0] != '\0' && !lists_instance(d, v[i].instance))
			v[i].instance[0] = '\0';
		if ((v[i].root || v[i].reboot) && v[i].instance[0] == '\0')
			continue;
		v[k++] = v[i];
	}
	free(d->snaps);
	d->snaps = v;
	d->n_snaps = k;
	return 0;
}

int
ctl_snap_report(sqlite3 *db, const char *host, const struct mc_proto_report *r,
    bool *ret_bumped, struct mc_err *err)
{
	const struct mc_proto_snap_state	*s;
	size_t					 i;
	int					 n;

	for (i = 0; i < r->n_snaps; i++) {
		s = &r->snaps[i];
		if (!s->failed) {
			if (ctl_sql_run(db, err, "UPDATE snapshots SET progress = "
			    "min(?, 99) WHERE id = ? AND host = ? AND state = "
			    "'pending'", "iss", (int64_t)s->progress, s->id,
			    host) < 0)
				return -1;
			continue;
		}
		if ((n = ctl_sql_run(db, err, "UPDATE snapshots SET state = "
		    "'error', state_message = ? WHERE id = ? AND host = ? AND "
		    "state = 'pending'", "sss", s->error[0] != '\0' ? s->error :
		    "the host could not take the snapshot", s->id, host)) < 0)
			return -1;
		if (n > 0) {
			mc_log(MC_LOG_WARN, "snapshot failed", "snapshot=%s "
			    "host=%s error=%s", s->id, host, s->error);
			*ret_bumped = true;
			if (ctl_images_snap_failed(db, s->id, s->error[0] != '\0'
			    ? s->error : "the host could not take the snapshot",
			    err) < 0)
				return -1;
		}
	}
	if (*ret_bumped && bump(db, host, err) < 0)
		return -1;
	return 0;
}

int
ctl_snap_pending_on(sqlite3 *db, const char *id, const char *host,
    long long *ret_gib, struct mc_err *err)
{
	int64_t	gib = 0;
	int	found;

	if ((found = ctl_sql_int(db, &gib, err, "SELECT volume_size FROM "
	    "snapshots WHERE id = ? AND host = ? AND state = 'pending'", "ss",
	    id, host)) <= 0)
		return found;
	*ret_gib = gib;
	return 1;
}

/* The host of id, to bump: its desired state no longer lists the job. */
static int
bump_of(sqlite3 *db, const char *id, struct mc_err *err)
{
	return ctl_sql_run(db, err, "UPDATE hosts SET generation = generation "
	    "+ 1 WHERE name = (SELECT host FROM snapshots WHERE id = ?)", "s",
	    id) < 0 ? -1 : 0;
}

int
ctl_snap_complete(sqlite3 *db, const char *id, uint64_t size,
    const char *sha256, struct mc_err *err)
{
	if (ctl_sql_run(db, err, "UPDATE snapshots SET state = 'completed', "
	    "progress = 100, size = ?, sha256 = ?, format = 'qcow2' WHERE id "
	    "= ? AND state = 'pending'", "iss", (int64_t)size, sha256, id) < 0 ||
	    bump_of(db, id, err) < 0)
		return -1;
	mc_log(MC_LOG_INFO, "snapshot completed", "snapshot=%s size=%llu",
	    id, (unsigned long long)size);
	return 0;
}

int
ctl_snap_fail(sqlite3 *db, const char *id, const char *msg,
    struct mc_err *err)
{
	if (ctl_sql_run(db, err, "UPDATE snapshots SET state = 'error', "
	    "state_message = ? WHERE id = ? AND state = 'pending'", "ss", msg,
	    id) < 0 || bump_of(db, id, err) < 0 ||
	    ctl_images_snap_failed(db, id, msg, err) < 0)
		return -1;
	mc_log(MC_LOG_WARN, "snapshot failed", "snapshot=%s error=%s", id, msg);
	return 0;
}

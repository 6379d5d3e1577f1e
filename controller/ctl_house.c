/*
 * ctl_house: host liveness transitions, the purge of terminated
 * instances, deleted snapshots no volume needs any more, and the old
 * part of the VPC views' change log.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "mc_err.h"
#include "mc_log.h"
#include "ctl_conf.h"
#include "ctl_house.h"
#include "ctl_notify.h"
#include "ctl_snap.h"
#include "ctl_sql.h"
#include "ctl_store.h"
#include "ctl_view.h"

/*
 * Changes of VPC views kept: a launch of 10,000 instances writes about
 * twice that, and an agent further behind gets its views whole.
 */
#define VIEW_LOG_KEEP	200000

/* Log and record each host whose liveness changed since last time. */
static int
hosts_liveness(sqlite3 *db, int64_t now_ms, int64_t timeout_ms,
    struct mc_err *err)
{
	sqlite3_stmt	*st;
	char		 name[80];
	int64_t		 seen;
	bool		 down, was;
	int		 rc;

	if (ctl_sql_prepare(db, &st, err, "SELECT name, last_seen_ms, down "
	    "FROM hosts", "") < 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ctl_sql_text(st, 0, name, sizeof(name));
		seen = sqlite3_column_int64(st, 1);
		was = sqlite3_column_int(st, 2) != 0;
		down = now_ms - seen > timeout_ms;
		if (down == was)
			continue;
		mc_log(down ? MC_LOG_WARN : MC_LOG_INFO,
		    down ? "host down" : "host up", "host=%s silent_ms=%lld",
		    name, (long long)(now_ms - seen));
		if (ctl_sql_run(db, err, "UPDATE hosts SET down = ? WHERE "
		    "name = ?", "is", (int64_t)down, name) < 0)
			break;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
purge_terminated(sqlite3 *db, int64_t before_ms, struct mc_err *err)
{
	int n;

	if (ctl_sql_begin(db, err) < 0)
		return -1;
	if (ctl_sql_run(db, err, "DELETE FROM tags WHERE resource_id IN "
	    "(SELECT id FROM instances WHERE state = 'terminated' AND "
	    "terminated_ms < ?)", "i", before_ms) < 0 ||
	    (n = ctl_sql_run(db, err, "DELETE FROM instances WHERE state = "
	    "'terminated' AND terminated_ms < ?", "i", before_ms)) < 0 ||
	    ctl_sql_run(db, err, "DELETE FROM reservations WHERE id NOT IN "
	    "(SELECT reservation_id FROM instances)", "") < 0 ||
	    ctl_sql_commit(db, err) < 0) {
		ctl_sql_rollback(db);
		return -1;
	}
	if (n > 0)
		mc_log(MC_LOG_INFO, "terminated instances forgotten", "count=%d",
		    n);
	return 0;
}

int
ctl_house_tick(struct ctl_store *store, const struct ctl_conf *conf,
    int64_t now_ms, struct mc_err *err)
{
	sqlite3	*db;
	int	 rc;

	if ((db = ctl_store_get(store, err)) == NULL)
		return -1;
	rc = hosts_liveness(db, now_ms, conf->host_timeout_s * 1000, err);
	if (rc == 0)
		rc = purge_terminated(db, now_ms -
		    conf->terminated_retention_s * 1000, err);
	if (rc == 0)
		rc = ctl_snap_forget_unused(db, conf->state_dir, err);
	if (rc == 0 && ctl_view_trim(db, VIEW_LOG_KEEP, err) < 0)
		rc = -1;
	ctl_store_put(store, db);
	return rc;
}

/*
 * ctl_hosts: hosts in the store, the desired state they poll and the
 * actual state they report.
 */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_err.h"
#include "mc_log.h"
#include "ctl_hosts.h"
#include "ctl_inst.h"
#include "ctl_notify.h"
#include "ctl_snap.h"
#include "ctl_sql.h"
#include "ctl_vol.h"

/* Refuse to move a host that has instances to another zone. */
static int
zone_kept(sqlite3 *db, const struct mc_proto_host *h, struct mc_err *err)
{
	int64_t	n = 0;
	int	rc;

	rc = ctl_sql_int(db, &n, err, "SELECT count(*) FROM instances i JOIN "
	    "hosts h ON i.host = h.name WHERE h.name = ?1 AND h.zone <> ?2 "
	    "AND i.state <> 'terminated'", "ss", h->name, h->zone);
	if (rc < 0)
		return -1;
	if (n > 0)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE, "host %s "
		    "has %lld instance(s) in its old zone: it cannot move to "
		    "%s", h->name, (long long)n, h->zone);
	return 0;
}

int
ctl_hosts_register(sqlite3 *db, const struct mc_proto_host *h,
    int64_t now_ms, uint64_t *ret_gen, struct mc_err *err)
{
	int64_t gen = 0;

	if (zone_kept(db, h, err) < 0 || ctl_sql_run(db, err, "INSERT INTO hosts (name, zone, vcpus, "
	    "mem_mib, disk_gib, accel, accel_why, version, registered_ms, "
	    "last_seen_ms, underlay) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
	    "?9, ?9, ?10) ON CONFLICT (name) DO UPDATE SET zone = ?2, "
	    "vcpus = ?3, mem_mib = ?4, disk_gib = ?5, accel = ?6, "
	    "accel_why = ?7, version = ?8, last_seen_ms = ?9, underlay = ?10, "
	    "generation = generation + 1", "ssiiisssis", h->name, h->zone,
	    (int64_t)h->vcpus, (int64_t)h->mem_mib, (int64_t)h->disk_gib,
	    h->accel, h->accel_why, h->version, now_ms, h->underlay) < 0 ||
	    ctl_sql_int(db, &gen, err, "SELECT generation FROM hosts WHERE "
	    "name = ?", "s", h->name) < 0)
		return -1;
	*ret_gen = (uint64_t)gen;
	return 0;
}

int
ctl_hosts_set_admin(sqlite3 *db, const char *host, enum ctl_hadmin a,
    struct mc_err *err)
{
	int n;

	assert(a == CTL_HADMIN_ENABLED || a == CTL_HADMIN_DISABLED ||
	    a == CTL_HADMIN_DRAINING);
	n = ctl_sql_run(db, err, "UPDATE hosts SET enabled = ?, drain = ? "
	    "WHERE name = ?", "iis", (int64_t)(a == CTL_HADMIN_ENABLED),
	    (int64_t)(a == CTL_HADMIN_DRAINING), host);
	return n < 0 ? -1 : n > 0;
}

int
ctl_hosts_touch(sqlite3 *db, const char *host, int64_t now_ms,
    struct mc_err *err)
{
	int n = ctl_sql_run(db, err, "UPDATE hosts SET last_seen_ms = ? "
	    "WHERE name = ?", "is", now_ms, host);

	return n < 0 ? -1 : n > 0;
}

int
ctl_hosts_generation(sqlite3 *db, const char *host, uint64_t *ret,
    struct mc_err *err)
{
	int64_t	gen = 0;
	int	rc;

	rc = ctl_sql_int(db, &gen, err, "SELECT generation FROM hosts WHERE "
	    "name = ?", "s", host);
	if (rc < 0)
		return -1;
	*ret = rc > 0 ? (uint64_t)gen : 0;
	return 0;
}

/* The columns host_row reads, before those of the host's use. */
#define HOST_COLS \
	"SELECT h.name, h.zone, h.vcpus, h.mem_mib, h.disk_gib, h.accel, " \
	"h.accel_why, h.version, h.enabled, h.generation, h.registered_ms, " \
	"h.last_seen_ms, h.down, h.drain, "

#define HOST_SELECT HOST_COLS \
	"coalesce(sum(CASE WHEN i.state IN ('pending','running','stopping') " \
	"THEN i.vcpus END), 0), " \
	"coalesce(sum(CASE WHEN i.state IN ('pending','running','stopping') " \
	"THEN i.mem_mib END), 0), " \
	"coalesce(sum(i.disk_gib), 0), count(i.id) " \
	"FROM hosts h LEFT JOIN instances i ON i.host = h.name AND " \
	"i.state <> 'terminated' GROUP BY h.name ORDER BY h.name"

#define HOST_SELECT_BARE HOST_COLS "0, 0, 0, 0 FROM hosts h ORDER BY h.name"

static void
host_row(sqlite3_stmt *st, int64_t now_ms, int64_t timeout_ms,
    struct ctl_host *h)
{
	memset(h, 0, sizeof(*h));
	ctl_sql_text(st, 0, h->name, sizeof(h->name));
	ctl_sql_text(st, 1, h->zone, sizeof(h->zone));
	h->vcpus = (unsigned)sqlite3_column_int(st, 2);
	h->mem_mib = (uint64_t)sqlite3_column_int64(st, 3);
	h->disk_gib = (uint64_t)sqlite3_column_int64(st, 4);
	ctl_sql_text(st, 5, h->accel, sizeof(h->accel));
	ctl_sql_text(st, 6, h->accel_why, sizeof(h->accel_why));
	ctl_sql_text(st, 7, h->version, sizeof(h->version));
	h->enabled = sqlite3_column_int(st, 8) != 0;
	h->generation = (uint64_t)sqlite3_column_int64(st, 9);
	h->registered_ms = sqlite3_column_int64(st, 10);
	h->last_seen_ms = sqlite3_column_int64(st, 11);
	h->drain = sqlite3_column_int(st, 13) != 0;
	h->used_vcpus = (unsigned)sqlite3_column_int(st, 14);
	h->used_mem_mib = (uint64_t)sqlite3_column_int64(st, 15);
	h->used_disk_gib = (uint64_t)sqlite3_column_int64(st, 16);
	h->n_instances = (unsigned)sqlite3_column_int(st, 17);
	if (timeout_ms < 0)
		h->up = sqlite3_column_int(st, 12) == 0;
	else
		h->up = now_ms - h->last_seen_ms <= timeout_ms;
}

/* Every row of sql (HOST_SELECT or HOST_SELECT_BARE) into a new array. */
static int
hosts_select(sqlite3 *db, const char *sql, int64_t now_ms,
    int64_t timeout_ms, struct ctl_host **ret, size_t *ret_n,
    struct mc_err *err)
{
	struct ctl_host	*v = NULL, *nv;
	sqlite3_stmt	*st;
	size_t		 n = 0;
	int		 rc;

	if (ctl_sql_prepare(db, &st, err, sql, "") < 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((nv = realloc(v, (n + 1) * sizeof(*v))) == NULL) {
			rc = SQLITE_NOMEM;
			break;
		}
		v = nv;
		host_row(st, now_ms, timeout_ms, &v[n++]);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(v);
		return mc_err_set(err, MC_EC_INTERNAL_ERROR,
		    "cannot list hosts");
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

int
ctl_hosts_list(sqlite3 *db, int64_t now_ms, int64_t timeout_ms,
    struct ctl_host **ret, size_t *ret_n, struct mc_err *err)
{
	return hosts_select(db, HOST_SELECT, now_ms, timeout_ms, ret, ret_n,
	    err);
}

int
ctl_hosts_list_bare(sqlite3 *db, int64_t now_ms, int64_t timeout_ms,
    struct ctl_host **ret, size_t *ret_n, struct mc_err *err)
{
	return hosts_select(db, HOST_SELECT_BARE, now_ms, timeout_ms, ret,
	    ret_n, err);
}

/*
 * Which lifecycle event an agent's word is, for an instance in.  A guest
 * that is off while it should run has powered itself off: its shutdown
 * behaviour decides.  Returns -1 when the word moves nothing.
 */
static int
event_of(const struct ctl_inst *in, enum mc_proto_actual_state a)
{
	bool halted = in->state == CTL_IS_RUNNING &&
	    in->want == MC_PROTO_WANT_RUNNING;

	switch (a) {
	case MC_PROTO_ACTUAL_RUNNING:
		return CTL_EV_RUNNING;
	case MC_PROTO_ACTUAL_SHUTOFF:
	case MC_PROTO_ACTUAL_NONE:
		if (halted)
			return strcmp(in->shutdown_behavior, "terminate") == 0 ?
			    CTL_EV_HALT_TERMINATE : CTL_EV_HALT_STOP;
		return a == MC_PROTO_ACTUAL_NONE ? CTL_EV_GONE : CTL_EV_SHUTOFF;
	case MC_PROTO_ACTUAL_FAILED:
		return CTL_EV_FAILED;
	default:
		return -1;
	}
}

/* The stateReason an event leaves, if any. */
static void
reason_of(enum ctl_ievent ev, const struct mc_proto_actual *a,
    const char **code, const char **msg, char *buf, size_t bufsz)
{
	*code = *msg = NULL;
	if (ev == CTL_EV_HALT_STOP || ev == CTL_EV_HALT_TERMINATE) {
		*code = "Client.InstanceInitiatedShutdown";
		*msg = "Client.InstanceInitiatedShutdown: Instance initiated "
		    "shutdown";
	} else if (ev == CTL_EV_FAILED) {
		(void)snprintf(buf, bufsz, "Server.InternalError: %.200s",
		    a->error[0] != '\0' ? a->error : "the host could not "
		    "launch the instance");
		*code = "Server.InternalError";
		*msg = buf;
	}
}

static int
report_one(sqlite3 *db, const char *host, const struct mc_proto_actual *a,
    int64_t now_ms, bool *ret_bumped, struct mc_err *err)
{
	struct ctl_inst	 in;
	struct ctl_step	 step;
	const char	*code, *msg;
	char		 buf[CTL_INST_REASON_MAX + 1];
	bool		 moved = false;	/* attachments: nothing new to want */
	int		 found, ev;

	if ((found = ctl_inst_get(db, NULL, a->id, &in, err)) < 0)
		return -1;
	if (found == 0 || strcmp(in.host, host) != 0)
		return 0;	/* not this host's: the agent will drop it */
	if (ctl_sql_run(db, err, "UPDATE instances SET actual = ?, "
	    "actual_error = ? WHERE id = ?", "sss",
	    mc_proto_actual_name(a->state), a->error, a->id) < 0 ||
	    ctl_vol_report(db, &in, a, &moved, err) < 0)
		return -1;
	if ((ev = event_of(&in, a->state)) < 0)
		return 0;
	reason_of((enum ctl_ievent)ev, a, &code, &msg, buf, sizeof(buf));
	if (ctl_inst_apply(db, &in, (enum ctl_ievent)ev, false, code, msg,
	    now_ms, &step, err) < 0)
		return -1;
	if (step.changed) {
		*ret_bumped = true;
		mc_log(MC_LOG_INFO, "instance state", "instance=%s host=%s "
		    "from=%s to=%s agent=%s", in.id, host,
		    ctl_istate_name(in.state), ctl_istate_name(step.state),
		    mc_proto_actual_name(a->state));
	}
	return 0;
}

int
ctl_hosts_report(sqlite3 *db, const char *host,
    const struct mc_proto_report *r, int64_t now_ms, struct mc_err *err)
{
	bool	bumped = false;
	size_t	i;

	if (ctl_sql_begin(db, err) < 0)
		return -1;
	for (i = 0; i < r->n; i++) {
		if (report_one(db, host, &r->v[i], now_ms, &bumped, err) < 0) {
			ctl_sql_rollback(db);
			return -1;
		}
	}
	if (ctl_snap_report(db, host, r, &bumped, err) < 0 ||
	    ctl_hosts_touch(db, host, now_ms, err) < 0 ||
	    ctl_sql_commit(db, err) < 0) {
		ctl_sql_rollback(db);
		return -1;
	}
	if (bumped)
		ctl_notify_bump();
	return 0;
}

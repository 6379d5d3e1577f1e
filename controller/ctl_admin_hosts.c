/*
 * ctl_admin_hosts: `minicloud host list|enable|disable|drain|
 * stop-instances` and `minicloud explain i-...`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_cleanup.h"
#include "mc_err.h"
#include "mc_id.h"
#include "mc_time.h"
#include "ctl_admin.h"
#include "ctl_conf.h"
#include "ctl_hosts.h"
#include "ctl_hstate.h"
#include "ctl_inst.h"
#include "ctl_sql.h"
#include "ctl_store.h"

/* An error naming a host nobody registered. */
static int
unknown_host(const char *name, struct mc_err *err)
{
	return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE, "no host called "
	    "'%.64s' (`minicloud host list` shows the hosts)", name);
}

/*
 * Every host, up or down as the controller last recorded it (this
 * CLI's host-timeout may not be the controller's).
 */
static int
load_hosts(const struct ctl_admin_args *a, struct ctl_host **ret,
    size_t *ret_n, struct mc_err *err)
{
	sqlite3	*db;
	int	 rc;

	if ((db = ctl_store_get(a->store, err)) == NULL)
		return -1;
	rc = ctl_hosts_list(db, mc_time_now_ms(), -1, ret, ret_n, err);
	ctl_store_put(a->store, db);
	return rc;
}

/* The host called name in v[0..n), or NULL with err set. */
static const struct ctl_host *
find_host(const struct ctl_host *v, size_t n, const char *name,
    struct mc_err *err)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0)
			return &v[i];
	unknown_host(name, err);
	return NULL;
}

/* 0 when a host is called name, else -1 with err set. */
static int
host_known(const struct ctl_admin_args *a, const char *name,
    struct mc_err *err)
{
	MC_AUTOFREE struct ctl_host	*v = NULL;
	size_t				 n = 0;

	if (load_hosts(a, &v, &n, err) < 0 ||
	    find_host(v, n, name, err) == NULL)
		return -1;
	return 0;
}

int
ctl_admin_host_list(const struct ctl_admin_args *a, struct mc_err *err)
{
	MC_AUTOFREE struct ctl_host	*v = NULL;
	int64_t				 now = mc_time_now_ms();
	size_t				 n = 0, i;

	if (load_hosts(a, &v, &n, err) < 0)
		return -1;
	printf("%-16s %-10s %-5s %-8s %-5s %9s %15s %11s %5s %s\n", "HOST",
	    "ZONE", "STATE", "ADMIN", "ACCEL", "VCPUS", "MEMORY_MIB",
	    "DISK_GIB", "INST", "LAST_SEEN");
	for (i = 0; i < n; i++) {
		char vcpus[24], mem[40], disk[32];

		(void)snprintf(vcpus, sizeof(vcpus), "%u/%u", v[i].used_vcpus,
		    v[i].vcpus);
		(void)snprintf(mem, sizeof(mem), "%llu/%llu",
		    (unsigned long long)v[i].used_mem_mib,
		    (unsigned long long)v[i].mem_mib);
		(void)snprintf(disk, sizeof(disk), "%llu/%llu",
		    (unsigned long long)v[i].used_disk_gib,
		    (unsigned long long)v[i].disk_gib);
		printf("%-16s %-10s %-5s %-8s %-5s %9s %15s %11s %5u %llds "
		    "ago\n", v[i].name, v[i].zone, v[i].up ? "up" : "down",
		    ctl_hstate_admin_name(ctl_hstate_admin(&v[i])), v[i].accel,
		    vcpus, mem, disk, v[i].n_instances,
		    (long long)((now - v[i].last_seen_ms) / 1000));
		if (strcmp(v[i].accel, "tcg") == 0 && v[i].accel_why[0] != '\0')
			printf("%16s  (tcg: %s)\n", "", v[i].accel_why);
	}
	return 0;
}

/* What each admin state means for the host's instances, for people. */
static const char *const admin_notes[CTL_HADMIN__MAX] = {
	[CTL_HADMIN_ENABLED] = "it takes new instances",
	[CTL_HADMIN_DISABLED] = "it takes no new instances; its instances "
	    "stay and can still be stopped and started there",
	[CTL_HADMIN_DRAINING] = "it takes no new instances, and shows "
	    "drained once none is left.  Its instances are NOT moved "
	    "(minicloud has no live migration): stop and terminate them, or "
	    "ask their owners to",
	[CTL_HADMIN_DRAINED] = "it takes no new instances and has none left",
};

/* Set argv[0]'s admin state to want and say what that means now. */
static int
host_set(const struct ctl_admin_args *a, enum ctl_hadmin want,
    struct mc_err *err)
{
	MC_AUTOFREE struct ctl_host	*v = NULL;
	const struct ctl_host		*h;
	enum ctl_hadmin			 now;
	size_t				 n = 0;
	sqlite3				*db;
	int				 rc;

	if ((db = ctl_store_get(a->store, err)) == NULL)
		return -1;
	rc = ctl_hosts_set_admin(db, a->argv[0], want, err);
	ctl_store_put(a->store, db);
	if (rc <= 0)
		return rc < 0 ? -1 : unknown_host(a->argv[0], err);
	if (load_hosts(a, &v, &n, err) < 0 ||
	    (h = find_host(v, n, a->argv[0], err)) == NULL)
		return -1;
	now = ctl_hstate_admin(h);
	printf("host %s %s (%u instance%s): %s\n", h->name,
	    ctl_hstate_admin_name(now), h->n_instances,
	    h->n_instances == 1 ? "" : "s", admin_notes[now]);
	return 0;
}

int
ctl_admin_host_enable(const struct ctl_admin_args *a, struct mc_err *err)
{
	return host_set(a, CTL_HADMIN_ENABLED, err);
}

int
ctl_admin_host_disable(const struct ctl_admin_args *a, struct mc_err *err)
{
	return host_set(a, CTL_HADMIN_DISABLED, err);
}

int
ctl_admin_host_drain(const struct ctl_admin_args *a, struct mc_err *err)
{
	return host_set(a, CTL_HADMIN_DRAINING, err);
}

/* What the agent last uploaded for the instance, or a note why not. */
static int
print_explain(sqlite3 *db, const char *id, struct mc_err *err)
{
	sqlite3_stmt	*st;
	char		 ts[MC_TIME_ISO_MAX];
	int		 rc;

	if (ctl_sql_prepare(db, &st, err, "SELECT explain, explain_ms FROM "
	    "instances WHERE id = ?", "s", id) < 0)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) > 0) {
		mc_time_iso8601(sqlite3_column_int64(st, 1), ts, sizeof(ts));
		printf("\n# What the host wired (reported %s)\n\n%s\n", ts,
		    (const char *)sqlite3_column_text(st, 0));
	} else if (rc == SQLITE_ROW) {
		printf("\n# The host has not reported what it wired yet.\n");
	}
	sqlite3_finalize(st);
	return 0;
}

int
ctl_admin_explain(const struct ctl_admin_args *a, struct mc_err *err)
{
	struct ctl_inst	 in;
	char		 launch[MC_TIME_ISO_MAX], since[MC_TIME_ISO_MAX];
	sqlite3		*db;
	int		 found;

	if (mc_id_check(MC_ID_INSTANCE, a->argv[0], err) < 0 ||
	    (db = ctl_store_get(a->store, err)) == NULL)
		return -1;
	if ((found = ctl_inst_get(db, NULL, a->argv[0], &in, err)) <= 0) {
		ctl_store_put(a->store, db);
		return found < 0 ? -1 : mc_err_set(err,
		    MC_EC_INVALID_INSTANCE_ID_NOT_FOUND, "no instance %s",
		    a->argv[0]);
	}
	mc_time_iso8601(in.launch_ms, launch, sizeof(launch));
	mc_time_iso8601(in.state_ms, since, sizeof(since));
	printf("instance     %s (account %s, reservation %s)\n"
	    "state        %s since %s; the host is asked for: %s; it last "
	    "said: %s\n"
	    "placement    host %s, zone %s\n"
	    "type         %s: %u vCPUs, %u MiB; root disk %u GiB\n"
	    "image        %s\nlaunched     %s\n", in.id, in.account_id,
	    in.reservation_id, ctl_istate_name(in.state), since,
	    mc_proto_want_name(in.want), in.actual,
	    in.host[0] != '\0' ? in.host : "(none)", in.zone, in.type,
	    in.vcpus, in.mem_mib, in.disk_gib, in.image_id, launch);
	if (in.reason_code[0] != '\0')
		printf("reason       %s\n", in.reason_msg);
	found = print_explain(db, in.id, err);
	ctl_store_put(a->store, db);
	return found;
}

/*
 * Stop every running instance of a host at once (hard), as a host is
 * taken down; they show as stopped and can be started again.
 */
int
ctl_admin_host_stop_instances(const struct ctl_admin_args *a,
    struct mc_err *err)
{
	struct ctl_inst	*v = NULL;
	struct ctl_step	 step;
	sqlite3_stmt	*st;
	size_t		 n = 0, i, stopped = 0;
	sqlite3		*db;
	int		 rc = -1;

	if (host_known(a, a->argv[0], err) < 0 ||
	    (db = ctl_store_get(a->store, err)) == NULL)
		return -1;
	if (ctl_sql_begin(db, err) < 0 ||
	    ctl_sql_prepare(db, &st, err, CTL_INST_SELECT "WHERE i.host = ? "
	    "AND i.state IN ('pending', 'running')", "s", a->argv[0]) < 0)
		goto out;
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct ctl_inst *nv = realloc(v, (n + 1) * sizeof(*v));

		if (nv == NULL)
			break;
		v = nv;
		ctl_inst_row(st, &v[n++]);
	}
	sqlite3_finalize(st);
	for (i = 0; i < n; i++) {
		if (ctl_inst_apply(db, &v[i], CTL_EV_STOP, true,
		    "Server.ScheduledStop", "Server.ScheduledStop: Stopped "
		    "because its host was taken down", mc_time_now_ms(), &step,
		    err) < 0)
			break;
		stopped += step.changed;
	}
	if (i < n || ctl_sql_commit(db, err) < 0) {
		ctl_sql_rollback(db);
		goto out;
	}
	printf("%zu instance%s of host %s asked to stop\n", stopped,
	    stopped == 1 ? "" : "s", a->argv[0]);
	rc = 0;
out:
	free(v);
	ctl_store_put(a->store, db);
	return rc;
}

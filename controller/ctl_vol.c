/*
 * ctl_vol: volume rows: making them (with the account's and the zone's
 * limits, and ClientToken), finding, listing, deleting and modifying
 * them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_err.h"
#include "mc_log.h"
#include "ctl_sql.h"
#include "ctl_tags.h"
#include "ctl_vol.h"
#include "ctl_vol_priv.h"

#define VOL_SELECT \
	"SELECT v.id, v.account_id, v.zone, v.size_gib, v.type, v.iops, " \
	"v.throughput, v.format, v.snapshot_id, v.state, v.created_ms, " \
	"a.volume_id IS NOT NULL, " CTL_VOL_ATT_COLS " " \
	"FROM volumes v LEFT JOIN vol_attachments a ON a.volume_id = v.id "

void
ctl_vol_att_row(sqlite3_stmt *st, int col, struct ctl_vol_att *a)
{
	char	s[16];
	int	k;

	memset(a, 0, sizeof(*a));
	ctl_sql_text(st, col, a->volume_id, sizeof(a->volume_id));
	ctl_sql_text(st, col + 1, a->instance_id, sizeof(a->instance_id));
	ctl_sql_text(st, col + 2, a->device, sizeof(a->device));
	ctl_sql_text(st, col + 3, s, sizeof(s));
	k = ctl_vol_astate_parse(s);
	a->state = k < 0 ? CTL_VA_ATTACHING : (enum ctl_vol_astate)k;
	a->attach_ms = sqlite3_column_int64(st, col + 4);
	a->delete_on_termination = sqlite3_column_int(st, col + 5) != 0;
	a->root = sqlite3_column_int(st, col + 6) != 0;
}

/* A spec from its four columns (size, type, IOPS, throughput) at col. */
static void
spec_cols(sqlite3_stmt *st, int col, struct ctl_vol_spec *s)
{
	char	type[16];
	int	t;

	s->size_gib = sqlite3_column_int64(st, col);
	ctl_sql_text(st, col + 1, type, sizeof(type));
	t = ctl_vol_type_parse(type);
	s->type = t < 0 ? CTL_VT_DEFAULT : (enum ctl_vol_type)t;
	s->iops = sqlite3_column_int64(st, col + 2);
	s->throughput = sqlite3_column_int64(st, col + 3);
}

static void
vol_row(sqlite3_stmt *st, void *p)
{
	struct ctl_vol *v = p;

	memset(v, 0, sizeof(*v));
	ctl_sql_text(st, 0, v->id, sizeof(v->id));
	ctl_sql_text(st, 1, v->account_id, sizeof(v->account_id));
	ctl_sql_text(st, 2, v->zone, sizeof(v->zone));
	spec_cols(st, 3, &v->spec);
	ctl_sql_text(st, 7, v->format, sizeof(v->format));
	ctl_sql_text(st, 8, v->snapshot_id, sizeof(v->snapshot_id));
	ctl_sql_text(st, 9, v->state, sizeof(v->state));
	v->created_ms = sqlite3_column_int64(st, 10);
	v->attached = sqlite3_column_int(st, 11) != 0;
	if (v->attached)
		ctl_vol_att_row(st, 12, &v->att);
}

const char *
ctl_vol_status(const struct ctl_vol *v)
{
	return v->attached ? "in-use" : v->state;
}

int
ctl_vol_by_token(sqlite3 *db, const char *account, const char *token,
    const char *hash, struct ctl_vol *ret, struct mc_err *err)
{
	int64_t	same = 0;
	int	found;

	if (token == NULL)
		return 0;
	if ((found = ctl_sql_int(db, &same, err, "SELECT request_hash = ? "
	    "FROM volumes WHERE account_id = ? AND client_token = ?", "sss",
	    hash, account, token)) <= 0)
		return found;
	if (!same)
		return mc_err_set(err, MC_EC_IDEMPOTENT_PARAMETER_MISMATCH, "The "
		    "client token '%.64s' was used with other parameters",
		    token);
	return ctl_sql_row(db, ret, vol_row, err, VOL_SELECT "WHERE "
	    "v.account_id = ? AND v.client_token = ?", "ss", account, token);
}

/* Refuse a volume past the account's or the zone's limit. */
static int
room_for_one(sqlite3 *db, const char *account, const char *zone,
    struct mc_err *err)
{
	int64_t mine = 0, zone_n = 0;

	/* Root volumes are bounded by the instances, and not in a zone's
	 * desired state: only the others count. */
	if (ctl_sql_int(db, &mine, err, "SELECT count(*) FROM volumes WHERE "
	    "account_id = ? AND root = 0", "s", account) < 0 ||
	    ctl_sql_int(db, &zone_n, err, "SELECT count(*) FROM volumes WHERE "
	    "zone = ? AND root = 0", "s", zone) < 0)
		return -1;
	if (mine >= CTL_VOL_PER_ACCOUNT_MAX)
		return mc_err_set(err, MC_EC_VOLUME_LIMIT_EXCEEDED, "You have "
		    "reached the maximum number of volumes for this account "
		    "(%d).", CTL_VOL_PER_ACCOUNT_MAX);
	/* One desired state carries the zone's volumes: it has a limit. */
	if (zone_n >= CTL_VOL_PER_ZONE_MAX)
		return mc_err_set(err, MC_EC_VOLUME_LIMIT_EXCEEDED, "The zone "
		    "'%s' holds the most volumes it can (%d).", zone,
		    CTL_VOL_PER_ZONE_MAX);
	return 0;
}

static int
insert_vol(sqlite3 *db, const char *account, const char *zone,
    const struct ctl_vol_spec *spec, const char *token, const char *hash,
    bool root, int64_t now_ms, struct ctl_vol *ret, struct mc_err *err)
{
	struct ctl_vol v;

	memset(&v, 0, sizeof(v));
	if (mc_id_new(MC_ID_VOLUME, v.id, sizeof(v.id), err) < 0)
		return -1;
	(void)snprintf(v.account_id, sizeof(v.account_id), "%s", account);
	(void)snprintf(v.zone, sizeof(v.zone), "%s", zone);
	(void)snprintf(v.format, sizeof(v.format), "%s", CTL_VOL_FORMAT);
	(void)snprintf(v.state, sizeof(v.state), "available");
	v.spec = *spec;
	v.created_ms = now_ms;
	/* A NULL token binds NULL: UNIQUE lets any number of those be. */
	if (ctl_sql_run(db, err, "INSERT INTO volumes (id, account_id, zone, "
	    "size_gib, type, iops, throughput, format, state, client_token, "
	    "request_hash, created_ms, root) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
	    "?, ?, ?, ?, ?)", "sssisiissssii",
	    v.id, account, zone, (int64_t)spec->size_gib,
	    ctl_vol_type_name(spec->type), (int64_t)spec->iops,
	    (int64_t)spec->throughput, v.format, v.state, token, hash,
	    now_ms, (int64_t)root) != 1)
		return mc_err_set(err, MC_EC_INTERNAL_ERROR,
		    "cannot store the volume");
	mc_log(MC_LOG_INFO, "volume created", "volume=%s zone=%s size_gib=%lld "
	    "type=%s account=%s", v.id, zone, spec->size_gib,
	    ctl_vol_type_name(spec->type), account);
	*ret = v;
	return 0;
}

int
ctl_vol_create(sqlite3 *db, const char *account, const char *zone,
    const struct ctl_vol_spec *spec, const char *token, const char *hash,
    int64_t now_ms, struct ctl_vol *ret, struct mc_err *err)
{
	if (room_for_one(db, account, zone, err) < 0)
		return -1;
	return insert_vol(db, account, zone, spec, token, hash, false, now_ms,
	    ret, err);
}

int
ctl_vol_create_root(sqlite3 *db, const char *account, const char *zone,
    const struct ctl_vol_spec *spec, int64_t now_ms, struct ctl_vol *ret,
    struct mc_err *err)
{
	return insert_vol(db, account, zone, spec, NULL, "", true, now_ms, ret,
	    err);
}

int
ctl_vol_set_snapshot(sqlite3 *db, struct ctl_vol *v, const char *id,
    struct mc_err *err)
{
	if (ctl_sql_run(db, err, "UPDATE volumes SET snapshot_id = ? WHERE "
	    "id = ?", "ss", id, v->id) < 0)
		return -1;
	(void)snprintf(v->snapshot_id, sizeof(v->snapshot_id), "%s", id);
	return 0;
}

int
ctl_vol_find(sqlite3 *db, const char *account, const char *id,
    struct ctl_vol *ret, struct mc_err *err)
{
	int found;

	if (mc_id_check(MC_ID_VOLUME, id, err) < 0 || (found = ctl_sql_row(db,
	    ret, vol_row, err, VOL_SELECT "WHERE v.id = ? AND v.account_id = ?",
	    "ss", id, account)) < 0)
		return -1;
	return found ? 0 : mc_err_set(err, MC_EC_INVALID_VOLUME_NOT_FOUND,
	    "The volume '%s' does not exist.", id);
}

int
ctl_vol_list(sqlite3 *db, const char *account, struct ctl_vol **ret,
    size_t *ret_n, struct mc_err *err)
{
	return ctl_sql_rows(db, ret, ret_n, sizeof(**ret), vol_row, err,
	    VOL_SELECT "WHERE v.account_id = ? ORDER BY v.id", "s", account);
}

int
ctl_vol_bump_zone(sqlite3 *db, const char *zone, struct mc_err *err)
{
	return ctl_sql_run(db, err, "UPDATE hosts SET generation = "
	    "generation + 1 WHERE zone = ?", "s", zone) < 0 ? -1 : 0;
}

int
ctl_vol_drop(sqlite3 *db, const char *id, struct mc_err *err)
{
	if (ctl_sql_run(db, err, "UPDATE hosts SET generation = generation + "
	    "1 WHERE zone = (SELECT zone FROM volumes WHERE id = ?)", "s",
	    id) < 0 || ctl_tags_drop(db, id, err) < 0 ||
	    ctl_sql_run(db, err, "DELETE FROM volumes WHERE id = ?", "s",
	    id) < 0)
		return -1;
	/* A snapshot no host took yet cannot be taken any more. */
	return ctl_sql_run(db, err, "UPDATE snapshots SET state = 'error', "
	    "state_message = 'The volume was deleted before a host could take "
	    "the snapshot.' WHERE volume_id = ? AND state = 'pending' AND "
	    "host = ''", "s", id) < 0 ? -1 : 0;
}

int
ctl_vol_delete(sqlite3 *db, const struct ctl_vol *v, struct mc_err *err)
{
	if (v->attached)
		return mc_err_set(err, MC_EC_VOLUME_IN_USE, "Volume %s is "
		    "currently attached to %s", v->id, v->att.instance_id);
	if (ctl_vol_drop(db, v->id, err) < 0)
		return -1;
	mc_log(MC_LOG_INFO, "volume deleted", "volume=%s zone=%s account=%s",
	    v->id, v->zone, v->account_id);
	return 0;
}

static void
mod_row(sqlite3_stmt *st, void *p)
{
	struct ctl_vol_mod *m = p;

	memset(m, 0, sizeof(*m));
	ctl_sql_text(st, 0, m->volume_id, sizeof(m->volume_id));
	ctl_sql_text(st, 1, m->state, sizeof(m->state));
	spec_cols(st, 2, &m->old);
	spec_cols(st, 6, &m->now);
	m->start_ms = sqlite3_column_int64(st, 10);
	m->end_ms = sqlite3_column_int64(st, 11);
}

int
ctl_vol_mods(sqlite3 *db, const char *account, struct ctl_vol_mod **ret,
    size_t *ret_n, struct mc_err *err)
{
	return ctl_sql_rows(db, ret, ret_n, sizeof(**ret), mod_row, err,
	    "SELECT m.volume_id, m.state, m.old_size_gib, m.old_type, "
	    "m.old_iops, m.old_throughput, m.size_gib, m.type, m.iops, "
	    "m.throughput, m.start_ms, m.end_ms FROM vol_modifications m "
	    "JOIN volumes v ON v.id = m.volume_id WHERE v.account_id = ? "
	    "ORDER BY m.volume_id", "s", account);
}

int
ctl_vol_modify(sqlite3 *db, const struct ctl_vol *v,
    const struct ctl_vol_spec *want, int64_t now_ms, struct ctl_vol_mod *ret,
    struct mc_err *err)
{
	struct ctl_vol_mod m;

	/* The agents grow pool files; an instance's own disk is not one. */
	if (v->attached && v->att.root && want->size_gib != v->spec.size_gib)
		return mc_err_set(err, MC_EC_OPERATION_NOT_PERMITTED, "Volume "
		    "'%s' is the root volume of '%s': its size is set at "
		    "launch (BlockDeviceMapping) and cannot be changed here.",
		    v->id, v->att.instance_id);
	memset(&m, 0, sizeof(m));
	(void)snprintf(m.volume_id, sizeof(m.volume_id), "%s", v->id);
	(void)snprintf(m.state, sizeof(m.state), "completed");
	m.old = v->spec;
	m.now = *want;
	m.start_ms = m.end_ms = now_ms;
	if (ctl_sql_run(db, err, "UPDATE volumes SET size_gib = ?, type = ?, "
	    "iops = ?, throughput = ? WHERE id = ?", "isiis",
	    (int64_t)want->size_gib, ctl_vol_type_name(want->type),
	    (int64_t)want->iops, (int64_t)want->throughput, v->id) < 0 ||
	    ctl_sql_run(db, err, "INSERT OR REPLACE INTO vol_modifications "
	    "(volume_id, state, old_size_gib, old_type, old_iops, "
	    "old_throughput, size_gib, type, iops, throughput, start_ms, "
	    "end_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	    "ssisiiisiiii", v->id, m.state, (int64_t)m.old.size_gib,
	    ctl_vol_type_name(m.old.type), (int64_t)m.old.iops,
	    (int64_t)m.old.throughput, (int64_t)m.now.size_gib,
	    ctl_vol_type_name(m.now.type), (int64_t)m.now.iops,
	    (int64_t)m.now.throughput, now_ms, now_ms) < 0 ||
	    ctl_vol_bump_zone(db, v->zone, err) < 0)
		return -1;
	mc_log(MC_LOG_INFO, "volume modified", "volume=%s size_gib=%lld "
	    "type=%s old_size_gib=%lld", v->id, want->size_gib,
	    ctl_vol_type_name(want->type), v->spec.size_gib);
	*ret = m;
	return 0;
}

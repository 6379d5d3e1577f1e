/*
 * ctl_snap: snapshot rows: making them (of a volume, or as a copy),
 * finding and listing what an account sees, deleting them, and their
 * createVolumePermission.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_err.h"
#include "mc_log.h"
#include "ctl_snap.h"
#include "ctl_sql.h"
#include "ctl_tags.h"
#include "ctl_vol.h"

#define SNAP_SELECT \
	"SELECT s.id, s.account_id, s.volume_id, s.volume_size, " \
	"s.description, s.state, s.state_message, s.progress, s.host, " \
	"s.instance_id, s.root, s.reboot, s.source_id, s.format, s.size, " \
	"s.sha256, s.start_ms FROM snapshots s "

/*
 * Seen by account parameter a: its own, or shared with it or with all;
 * never one deleted but kept as the source of a volume (ctl_snap_delete).
 */
#define SNAP_SEEN(a) \
	"(s.state <> 'deleted' AND (s.account_id = " a " OR EXISTS (SELECT " \
	"1 FROM snapshot_perms p WHERE p.snapshot_id = s.id AND " \
	"p.account_id IN (" a ", 'all'))))"

static void
snap_row(sqlite3_stmt *st, void *p)
{
	struct ctl_snap *s = p;

	memset(s, 0, sizeof(*s));
	ctl_sql_text(st, 0, s->id, sizeof(s->id));
	ctl_sql_text(st, 1, s->account_id, sizeof(s->account_id));
	ctl_sql_text(st, 2, s->volume_id, sizeof(s->volume_id));
	s->volume_size = sqlite3_column_int64(st, 3);
	ctl_sql_text(st, 4, s->description, sizeof(s->description));
	ctl_sql_text(st, 5, s->state, sizeof(s->state));
	ctl_sql_text(st, 6, s->state_message, sizeof(s->state_message));
	s->progress = sqlite3_column_int(st, 7);
	ctl_sql_text(st, 8, s->host, sizeof(s->host));
	ctl_sql_text(st, 9, s->instance_id, sizeof(s->instance_id));
	s->root = sqlite3_column_int(st, 10) != 0;
	s->reboot = sqlite3_column_int(st, 11) != 0;
	ctl_sql_text(st, 12, s->source_id, sizeof(s->source_id));
	ctl_sql_text(st, 13, s->format, sizeof(s->format));
	s->size = (uint64_t)sqlite3_column_int64(st, 14);
	ctl_sql_text(st, 15, s->sha256, sizeof(s->sha256));
	s->start_ms = sqlite3_column_int64(st, 16);
}

int
ctl_snap_find(sqlite3 *db, const char *account, const char *id,
    bool own_only, struct ctl_snap *ret, struct mc_err *err)
{
	int found;

	if (mc_id_check(MC_ID_SNAPSHOT, id, err) < 0)
		return -1;
	found = ctl_sql_row(db, ret, snap_row, err, own_only ?
	    SNAP_SELECT "WHERE s.id = ?1 AND s.account_id = ?2 AND s.state "
	    "<> 'deleted'" :
	    SNAP_SELECT "WHERE s.id = ?1 AND " SNAP_SEEN("?2"), "ss", id, account);
	if (found < 0)
		return -1;
	return found ? 0 : mc_err_set(err, MC_EC_INVALID_SNAPSHOT_NOT_FOUND,
	    "The snapshot '%s' does not exist.", id);
}

int
ctl_snap_list(sqlite3 *db, const char *account, struct ctl_snap **ret,
    size_t *ret_n, struct mc_err *err)
{
	return ctl_sql_rows(db, ret, ret_n, sizeof(**ret), snap_row, err,
	    SNAP_SELECT "WHERE " SNAP_SEEN("?1") " ORDER BY s.id", "s",
	    account);
}

int
ctl_snap_completed(const struct ctl_snap *s, struct mc_err *err)
{
	if (strcmp(s->state, "completed") == 0)
		return 0;
	return mc_err_set(err, MC_EC_INCORRECT_STATE, "Snapshot '%s' is not "
	    "completed: it is %s", s->id, s->state);
}

int
ctl_snap_restorable(sqlite3 *db, const struct ctl_snap *s,
    const char *account, bool *ret, struct mc_err *err)
{
	int64_t	one = 0;
	int	found;

	if (strcmp(s->account_id, account) == 0) {
		*ret = true;
		return 0;
	}
	if ((found = ctl_sql_int(db, &one, err, "SELECT 1 FROM snapshot_perms "
	    "WHERE snapshot_id = ? AND account_id IN (?, 'all')", "ss", s->id,
	    account)) < 0)
		return -1;
	*ret = found > 0;
	return 0;
}

/* A new row from s, the limit of s's account checked. */
static int
insert(sqlite3 *db, const struct ctl_snap *s, struct mc_err *err)
{
	int64_t mine = 0;

	if (ctl_sql_int(db, &mine, err, "SELECT count(*) FROM snapshots WHERE "
	    "account_id = ? AND state <> 'deleted'", "s", s->account_id) < 0)
		return -1;
	if (mine >= CTL_SNAP_PER_ACCOUNT_MAX)
		return mc_err_set(err, MC_EC_SNAPSHOT_LIMIT_EXCEEDED, "You have "
		    "reached the maximum number of snapshots for this account "
		    "(%d).", CTL_SNAP_PER_ACCOUNT_MAX);
	if (ctl_sql_run(db, err, "INSERT INTO snapshots (id, account_id, "
	    "volume_id, volume_size, description, state, progress, "
	    "source_id, format, size, sha256, start_ms) VALUES (?, ?, ?, ?, "
	    "?, ?, ?, ?, ?, ?, ?, ?)", "sssississisi", s->id, s->account_id,
	    s->volume_id, (int64_t)s->volume_size, s->description, s->state,
	    (int64_t)s->progress, s->source_id, s->format, (int64_t)s->size,
	    s->sha256, s->start_ms) != 1)
		return mc_err_set(err, MC_EC_INTERNAL_ERROR,
		    "cannot store the snapshot");
	return 0;
}

/* The fields every new snapshot starts with. */
static int
snap_init(struct ctl_snap *s, const char *account, const char *desc,
    int64_t now_ms, struct mc_err *err)
{
	memset(s, 0, sizeof(*s));
	if (mc_id_new(MC_ID_SNAPSHOT, s->id, sizeof(s->id), err) < 0)
		return -1;
	(void)snprintf(s->account_id, sizeof(s->account_id), "%s", account);
	(void)snprintf(s->description, sizeof(s->description), "%s",
	    desc != NULL ? desc : "");
	(void)snprintf(s->format, sizeof(s->format), "qcow2");
	s->start_ms = now_ms;
	return 0;
}

int
ctl_snap_create(sqlite3 *db, const struct ctl_vol *v, const char *desc,
    int64_t now_ms, int64_t host_timeout_ms, struct ctl_snap *ret,
    struct mc_err *err)
{
	struct ctl_snap s;

	if (snap_init(&s, v->account_id, desc, now_ms, err) < 0)
		return -1;
	(void)snprintf(s.volume_id, sizeof(s.volume_id), "%s", v->id);
	(void)snprintf(s.state, sizeof(s.state), "pending");
	s.volume_size = v->spec.size_gib;
	if (insert(db, &s, err) < 0 ||
	    ctl_snap_assign(db, s.id, now_ms, host_timeout_ms, err) < 0 ||
	    ctl_snap_find(db, v->account_id, s.id, true, ret, err) < 0)
		return -1;
	mc_log(MC_LOG_INFO, "snapshot created", "snapshot=%s volume=%s "
	    "host=%s account=%s", s.id, v->id, ret->host, v->account_id);
	return 0;
}

int
ctl_snap_copy(sqlite3 *db, const char *state_dir, const struct ctl_snap *src,
    const char *account, const char *desc, int64_t now_ms,
    struct ctl_snap *ret, struct mc_err *err)
{
	struct ctl_snap s;

	if (snap_init(&s, account, desc, now_ms, err) < 0)
		return -1;
	(void)snprintf(s.volume_id, sizeof(s.volume_id), "%s", src->volume_id);
	(void)snprintf(s.state, sizeof(s.state), "completed");
	(void)snprintf(s.source_id, sizeof(s.source_id), "%s", src->id);
	(void)snprintf(s.format, sizeof(s.format), "%s", src->format);
	(void)snprintf(s.sha256, sizeof(s.sha256), "%s", src->sha256);
	s.volume_size = src->volume_size;
	s.size = src->size;
	s.progress = 100;
	*ret = s;	/* so that the caller can remove the link on failure */
	if (ctl_snap_file_link(state_dir, src->id, s.id, err) < 0 ||
	    insert(db, &s, err) < 0)
		return -1;
	mc_log(MC_LOG_INFO, "snapshot copied", "snapshot=%s source=%s "
	    "account=%s", s.id, src->id, account);
	return 0;
}

static void
id_row(sqlite3_stmt *st, void *p)
{
	ctl_sql_text(st, 0, p, MC_ID_MAX);
}

int
ctl_snap_delete(sqlite3 *db, const struct ctl_snap *s, struct mc_err *err)
{
	char	image[MC_ID_MAX] = "";
	int64_t	sources = 0;
	int	found;

	if ((found = ctl_sql_row(db, image, id_row, err, "SELECT id FROM images "
	    "WHERE snapshot_id = ? AND state <> 'deregistered' ORDER BY id "
	    "LIMIT 1", "s", s->id)) < 0)
		return -1;
	if (found)
		return mc_err_set(err, MC_EC_INVALID_SNAPSHOT_IN_USE, "The "
		    "snapshot %s is currently in use by %s", s->id, image);
	/*
	 * A volume made from it whose storage a host has not made yet
	 * still needs its file: the snapshot is then only hidden, and
	 * forgotten once no volume names it (ctl_snap_forget_unused).
	 */
	if (strcmp(s->state, "completed") == 0 && ctl_sql_int(db, &sources,
	    err, "SELECT count(*) FROM volumes WHERE snapshot_id = ? AND "
	    "root = 0", "s", s->id) < 0)
		return -1;
	if ((s->host[0] != '\0' && strcmp(s->state, "pending") == 0 &&
	    ctl_sql_run(db, err, "UPDATE hosts SET generation = generation "
	    "+ 1 WHERE name = ?", "s", s->host) < 0) ||
	    ctl_tags_drop(db, s->id, err) < 0 ||
	    ctl_sql_run(db, err, "DELETE FROM snapshot_perms WHERE "
	    "snapshot_id = ?", "s", s->id) < 0 ||
	    ctl_sql_run(db, err, sources > 0 ? "UPDATE snapshots SET state = "
	    "'deleted' WHERE id = ?" : "DELETE FROM snapshots WHERE id = ?",
	    "s", s->id) < 0)
		return -1;
	mc_log(MC_LOG_INFO, "snapshot deleted", "snapshot=%s account=%s "
	    "kept_for_volumes=%lld", s->id, s->account_id, (long long)sources);
	return sources > 0 ? 1 : 0;
}

int
ctl_snap_forget_unused(sqlite3 *db, const char *state_dir, struct mc_err *err)
{
	char	(*ids)[MC_ID_MAX] = NULL;
	size_t	 n = 0, i;

	if (ctl_sql_rows(db, &ids, &n, sizeof(*ids), id_row, err, "SELECT id "
	    "FROM snapshots s WHERE state = 'deleted' AND NOT EXISTS (SELECT "
	    "1 FROM volumes v WHERE v.snapshot_id = s.id AND v.root = 0)",
	    "") < 0)
		return -1;
	for (i = 0; i < n; i++) {
		/* Row first: a file without a row is only wasted space. */
		if (ctl_sql_run(db, err, "DELETE FROM snapshots WHERE id = ? "
		    "AND state = 'deleted'", "s", ids[i]) < 0)
			break;
		ctl_snap_file_remove(state_dir, ids[i]);
		mc_log(MC_LOG_INFO, "deleted snapshot forgotten", "snapshot=%s",
		    ids[i]);
	}
	free(ids);
	return i < n ? -1 : 0;
}

int
ctl_snap_perm(sqlite3 *db, const char *id, const char *account, bool add,
    struct mc_err *err)
{
	return ctl_sql_run(db, err, add ? "INSERT OR IGNORE INTO "
	    "snapshot_perms (snapshot_id, account_id) VALUES (?, ?)" :
	    "DELETE FROM snapshot_perms WHERE snapshot_id = ? AND "
	    "account_id = ?", "ss", id, account) < 0 ? -1 : 0;
}

static void
perm_row(sqlite3_stmt *st, void *p)
{
	ctl_sql_text(st, 0, p, 16);
}

int
ctl_snap_perms(sqlite3 *db, const char *id, char (**ret)[16], size_t *ret_n,
    struct mc_err *err)
{
	return ctl_sql_rows(db, ret, ret_n, sizeof(**ret), perm_row, err,
	    "SELECT account_id FROM snapshot_perms WHERE snapshot_id = ? "
	    "ORDER BY account_id", "s", id);
}

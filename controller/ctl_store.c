/*
 * ctl_store: open the controller's SQLite database, migrate it, and pool
 * its connections.
 */
#include <sys/stat.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_cleanup.h"
#include "mc_err.h"
#include "ctl_store.h"
#include "ctl_store_priv.h"

#define POOL_MAX	64	/* idle connections kept */
/*
 * Wait this long for a writer to finish: under a burst of launches the
 * writers queue here, and a request that gives up answers InternalError.
 */
#define BUSY_MS		30000

struct ctl_store {
	char		*path;		/* of the database file */
	pthread_mutex_t	 lock;		/* guards idle[] */
	sqlite3		*idle[POOL_MAX];
	int		 n_idle;
};

int
ctl_store_schema_latest(void)
{
	return (int)ctl_store_n_migrations;
}

int
ctl_store_err(sqlite3 *db, const char *doing, struct mc_err *err)
{
	return mc_err_set(err, MC_EC_INTERNAL_ERROR, "%s: %s", doing,
	    db != NULL ? sqlite3_errmsg(db) : "no database");
}

static int
exec(sqlite3 *db, const char *sql, const char *doing, struct mc_err *err)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return ctl_store_err(db, doing, err);
	return 0;
}

/* Open a new connection with the settings every connection needs. */
static sqlite3 *
store_connect(const char *path, struct mc_err *err)
{
	sqlite3	*db = NULL;
	int	 rc;

	rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		mc_err_set(err, MC_EC_INTERNAL_ERROR, "cannot open %s: %s",
		    path, db != NULL ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
		sqlite3_close_v2(db);
		return NULL;
	}
	(void)sqlite3_busy_timeout(db, BUSY_MS);
	if (exec(db, "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;",
	    "cannot configure the database", err) < 0) {
		sqlite3_close_v2(db);
		return NULL;
	}
	return db;
}

static int
user_version(sqlite3 *db, int *ret, struct mc_err *err)
{
	sqlite3_stmt	*st = NULL;
	int		 rc;

	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) !=
	    SQLITE_OK)
		return ctl_store_err(db, "cannot read the schema version", err);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*ret = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return ctl_store_err(db, "cannot read the schema version", err);
	return 0;
}

/* Apply the migrations db lacks, all in one transaction. */
static int
migrate(sqlite3 *db, struct mc_err *err)
{
	char	sql[64];
	int	v = 0;
	size_t	i;

	if (exec(db, "BEGIN IMMEDIATE", "cannot lock the database", err) < 0)
		return -1;
	if (user_version(db, &v, err) < 0)
		goto rollback;
	if (v > (int)ctl_store_n_migrations) {
		mc_err_set(err, MC_EC_INTERNAL_ERROR, "the database has schema "
		    "version %d, newer than this minicloud's %zu; upgrade "
		    "minicloud", v, ctl_store_n_migrations);
		goto rollback;
	}
	for (i = (size_t)v; i < ctl_store_n_migrations; i++) {
		if (exec(db, ctl_store_migrations[i], "schema migration failed",
		    err) < 0)
			goto rollback;
	}
	(void)snprintf(sql, sizeof(sql), "PRAGMA user_version = %zu",
	    ctl_store_n_migrations);
	if (exec(db, sql, "cannot set the schema version", err) < 0 ||
	    exec(db, "COMMIT", "cannot commit the migration", err) < 0)
		goto rollback;
	return 0;
rollback:
	(void)sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

int
ctl_store_open(const char *state_dir, struct ctl_store **ret,
    struct mc_err *err)
{
	struct ctl_store	*s;
	sqlite3			*db;
	mode_t			 old;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return mc_err_sys(err, ENOMEM, "out of memory");
	(void)pthread_mutex_init(&s->lock, NULL);
	if (asprintf(&s->path, "%s/%s", state_dir, CTL_STORE_FILE) < 0) {
		s->path = NULL;
		ctl_store_free(s);
		return mc_err_sys(err, ENOMEM, "out of memory");
	}
	/* The database holds secret keys: only its owner may read it. */
	old = umask(077);
	db = store_connect(s->path, err);
	if (db != NULL && (exec(db, "PRAGMA journal_mode = WAL",
	    "cannot switch the database to WAL", err) < 0 ||
	    migrate(db, err) < 0)) {
		sqlite3_close_v2(db);
		db = NULL;
	}
	(void)umask(old);
	if (db == NULL) {
		ctl_store_free(s);
		return -1;
	}
	ctl_store_put(s, db);
	*ret = s;
	return 0;
}

void
ctl_store_free(struct ctl_store *s)
{
	int i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n_idle; i++)
		sqlite3_close_v2(s->idle[i]);
	(void)pthread_mutex_destroy(&s->lock);
	free(s->path);
	free(s);
}

sqlite3 *
ctl_store_get(struct ctl_store *s, struct mc_err *err)
{
	sqlite3 *db = NULL;

	(void)pthread_mutex_lock(&s->lock);
	if (s->n_idle > 0)
		db = s->idle[--s->n_idle];
	(void)pthread_mutex_unlock(&s->lock);
	if (db == NULL)
		db = store_connect(s->path, err);
	return db;
}

void
ctl_store_put(struct ctl_store *s, sqlite3 *db)
{
	if (db == NULL)
		return;
	(void)pthread_mutex_lock(&s->lock);
	if (s->n_idle < POOL_MAX) {
		s->idle[s->n_idle++] = db;
		db = NULL;
	}
	(void)pthread_mutex_unlock(&s->lock);
	sqlite3_close_v2(db);	/* the pool is full: let this one go */
}

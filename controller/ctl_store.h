/*
 * ctl_store: the controller's state in SQLite (WAL) under the state
 * directory, with versioned schema migrations.  Hands out connections
 * from a small pool so that API threads and the main loop each use their
 * own; SQLite serialises writers.  Knows the schema, not the resources:
 * each area's queries live with that area.
 */
#ifndef CTL_STORE_H
#define CTL_STORE_H

#include <sqlite3.h>

struct mc_err;
struct ctl_store;

#define CTL_STORE_FILE	"controller.db"

/*
 * Open (creating it if needed) the database in state_dir, which must
 * exist, and bring its schema up to date.  On success *ret is a new
 * store the caller frees with ctl_store_free.  Returns 0, or -1 with err
 * set (a message fit for the operator: unwritable directory, a database
 * from a newer minicloud, corruption).
 */
int	ctl_store_open(const char *state_dir, struct ctl_store **ret,
	    struct mc_err *err);

/* Close every connection and free s (NULL is fine). */
void	ctl_store_free(struct ctl_store *s);

/* Schema version this build writes. */
int	ctl_store_schema_latest(void);

/*
 * Take a connection for this thread's use; give it back with
 * ctl_store_put.  Returns NULL with err set when none can be opened.
 */
sqlite3	*ctl_store_get(struct ctl_store *s, struct mc_err *err);

/* Return db (NULL is fine) to the pool. */
void	ctl_store_put(struct ctl_store *s, sqlite3 *db);

/*
 * Map a failed SQLite call on db to err as an internal error that names
 * what was being done.  Returns -1.
 */
int	ctl_store_err(sqlite3 *db, const char *doing, struct mc_err *err);

#endif /* CTL_STORE_H */

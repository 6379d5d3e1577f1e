/*
 * ctl_sql: the few SQLite patterns every area of the controller uses,
 * so that each query reads as one line: prepare with typed bindings,
 * run a statement, transactions, copy a text column into a buffer.
 * Binding types: 's' text (const char *), 'i' integer (int64_t),
 * 'b' blob (const void *, size_t), 'n' NULL.
 */
#ifndef CTL_SQL_H
#define CTL_SQL_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

struct mc_err;

/*
 * Prepare sql on db and bind the arguments described by types.  On
 * success *ret is a statement the caller finalizes.  Returns 0, or -1
 * with err set (an internal error naming the statement's purpose).
 */
int	ctl_sql_prepare(sqlite3 *db, sqlite3_stmt **ret, struct mc_err *err,
	    const char *sql, const char *types, ...);

/*
 * Run a statement that returns no rows.  Returns the number of rows it
 * changed, or -1 with err set.  A constraint violation is reported as
 * -2 (err untouched) so that callers can map it to an EC2 error.
 */
int	ctl_sql_run(sqlite3 *db, struct mc_err *err, const char *sql,
	    const char *types, ...);

/*
 * Run a query expected to return at most one integer.  Returns 1 and
 * sets *ret, 0 when there is no row, -1 with err set.
 */
int	ctl_sql_int(sqlite3 *db, int64_t *ret, struct mc_err *err,
	    const char *sql, const char *types, ...);

/*
 * Run a query and collect its rows: fill(st, elem) writes each row into
 * a new element of sz bytes.  On success *(void **)ret is a new array
 * the caller frees (NULL when there is no row) and *ret_n its length.
 * Returns 0, or -1 with err set.
 */
int	ctl_sql_rows(sqlite3 *db, void *ret, size_t *ret_n, size_t sz,
	    void (*fill)(sqlite3_stmt *st, void *elem), struct mc_err *err,
	    const char *sql, const char *types, ...);

/*
 * Prepare head "(?,?,...)" tail: a query on a list of n strings (ids),
 * bound in order.  list is borrowed and must outlive the statement.
 * An empty list is "()", an IN list that holds nothing.  On success *ret
 * is a statement the caller finalizes; -1 with err set otherwise.
 */
int	ctl_sql_prepare_list(sqlite3 *db, sqlite3_stmt **ret,
	    struct mc_err *err, const char *head, const char *const *list,
	    size_t n, const char *tail);

/* ctl_sql_rows on a query of ctl_sql_prepare_list. */
int	ctl_sql_rows_list(sqlite3 *db, void *ret, size_t *ret_n, size_t sz,
	    void (*fill)(sqlite3_stmt *st, void *elem), struct mc_err *err,
	    const char *head, const char *const *list, size_t n,
	    const char *tail);

/*
 * Run a query expected to return at most one row: fill(st, ret) writes
 * it.  Returns 1, 0 when there is no row (*ret untouched), -1 with err
 * set.
 */
int	ctl_sql_row(sqlite3 *db, void *ret,
	    void (*fill)(sqlite3_stmt *st, void *elem), struct mc_err *err,
	    const char *sql, const char *types, ...);

/* BEGIN IMMEDIATE, COMMIT, ROLLBACK (rollback cannot fail usefully). */
int	ctl_sql_begin(sqlite3 *db, struct mc_err *err);
/* BEGIN (deferred): reads see one snapshot until ctl_sql_rollback. */
int	ctl_sql_begin_read(sqlite3 *db, struct mc_err *err);
int	ctl_sql_commit(sqlite3 *db, struct mc_err *err);
void	ctl_sql_rollback(sqlite3 *db);

/* Copy text column col of st into buf (always NUL-terminated, cut). */
void	ctl_sql_text(sqlite3_stmt *st, int col, char *buf, size_t bufsz);

#endif /* CTL_SQL_H */

/*
 * ctl_sql: typed bindings and small helpers over SQLite.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_buf.h"
#include "mc_cleanup.h"
#include "mc_err.h"
#include "ctl_sql.h"
#include "ctl_store.h"

static int
bind_all(sqlite3_stmt *st, const char *types, va_list ap)
{
	const void	*p;
	size_t		 n;
	int		 i, rc = SQLITE_OK;

	for (i = 1; rc == SQLITE_OK && *types != '\0'; types++, i++) {
		switch (*types) {
		case 's':
			rc = sqlite3_bind_text(st, i, va_arg(ap, const char *),
			    -1, SQLITE_TRANSIENT);
			break;
		case 'i':
			rc = sqlite3_bind_int64(st, i, va_arg(ap, int64_t));
			break;
		case 'b':
			p = va_arg(ap, const void *);
			n = va_arg(ap, size_t);
			rc = sqlite3_bind_blob64(st, i, p, n, SQLITE_TRANSIENT);
			break;
		case 'n':
			rc = sqlite3_bind_null(st, i);
			break;
		default:
			rc = SQLITE_MISUSE;
		}
	}
	return rc;
}

static int
vprepare(sqlite3 *db, sqlite3_stmt **ret, struct mc_err *err,
    const char *sql, const char *types, va_list ap)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK ||
	    bind_all(st, types, ap) != SQLITE_OK) {
		ctl_store_err(db, "database query failed", err);
		sqlite3_finalize(st);
		return -1;
	}
	*ret = st;
	return 0;
}

int
ctl_sql_prepare(sqlite3 *db, sqlite3_stmt **ret, struct mc_err *err,
    const char *sql, const char *types, ...)
{
	va_list	ap;
	int	rc;

	va_start(ap, types);
	rc = vprepare(db, ret, err, sql, types, ap);
	va_end(ap);
	return rc;
}

int
ctl_sql_run(sqlite3 *db, struct mc_err *err, const char *sql,
    const char *types, ...)
{
	sqlite3_stmt	*st;
	va_list		 ap;
	int		 rc;

	va_start(ap, types);
	rc = vprepare(db, &st, err, sql, types, ap);
	va_end(ap);
	if (rc < 0)
		return -1;
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE || rc == SQLITE_ROW)
		return sqlite3_changes(db);
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return -2;
	return ctl_store_err(db, "database update failed", err);
}

/* At most one row of sql, written by fill into ret: 1, 0 or -1. */
static int
vrow(sqlite3 *db, void *ret, void (*fill)(sqlite3_stmt *, void *),
    struct mc_err *err, const char *sql, const char *types, va_list ap)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (vprepare(db, &st, err, sql, types, ap) < 0)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		fill(st, ret);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return ctl_store_err(db, "database query failed", err);
}

static void
int_col(sqlite3_stmt *st, void *ret)
{
	*(int64_t *)ret = sqlite3_column_int64(st, 0);
}

int
ctl_sql_int(sqlite3 *db, int64_t *ret, struct mc_err *err, const char *sql,
    const char *types, ...)
{
	va_list	ap;
	int	rc;

	va_start(ap, types);
	rc = vrow(db, ret, int_col, err, sql, types, ap);
	va_end(ap);
	return rc;
}

int
ctl_sql_row(sqlite3 *db, void *ret, void (*fill)(sqlite3_stmt *, void *),
    struct mc_err *err, const char *sql, const char *types, ...)
{
	va_list	ap;
	int	rc;

	va_start(ap, types);
	rc = vrow(db, ret, fill, err, sql, types, ap);
	va_end(ap);
	return rc;
}

/* Collect every row of st (finalized here) into a new array. */
static int
collect(sqlite3 *db, sqlite3_stmt *st, void *ret, size_t *ret_n, size_t sz,
    void (*fill)(sqlite3_stmt *, void *), struct mc_err *err)
{
	char	*v = NULL, *nv;
	size_t	 n = 0, cap = 0;
	int	 rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap == 0 ? 8 : cap * 2;
			if ((nv = realloc(v, cap * sz)) == NULL) {
				rc = SQLITE_NOMEM;
				break;
			}
			v = nv;
		}
		fill(st, v + n++ * sz);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(v);
		return ctl_store_err(db, "database query failed", err);
	}
	*(void **)ret = v;
	*ret_n = n;
	return 0;
}

int
ctl_sql_rows(sqlite3 *db, void *ret, size_t *ret_n, size_t sz,
    void (*fill)(sqlite3_stmt *, void *), struct mc_err *err,
    const char *sql, const char *types, ...)
{
	sqlite3_stmt	*st;
	va_list		 ap;
	int		 rc;

	va_start(ap, types);
	rc = vprepare(db, &st, err, sql, types, ap);
	va_end(ap);
	if (rc < 0)
		return -1;
	return collect(db, st, ret, ret_n, sz, fill, err);
}

int
ctl_sql_prepare_list(sqlite3 *db, sqlite3_stmt **ret, struct mc_err *err,
    const char *head, const char *const *list, size_t n, const char *tail)
{
	MC_AUTOFREE char	*sql = NULL;
	struct mc_buf		 b;
	sqlite3_stmt		*st = NULL;
	size_t			 i;
	int			 rc = SQLITE_OK;

	mc_buf_init(&b, 0);
	mc_buf_adds(&b, head);
	mc_buf_addc(&b, '(');
	for (i = 0; i < n; i++)
		mc_buf_adds(&b, i == 0 ? "?" : ",?");
	mc_buf_addc(&b, ')');
	mc_buf_adds(&b, tail);
	if ((sql = mc_buf_steal(&b, NULL)) == NULL)
		return mc_err_sys(err, ENOMEM, "out of memory");
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		rc = SQLITE_ERROR;
	for (i = 0; rc == SQLITE_OK && i < n; i++)
		rc = sqlite3_bind_text(st, (int)i + 1, list[i], -1,
		    SQLITE_STATIC);
	if (rc != SQLITE_OK) {
		ctl_store_err(db, "database query failed", err);
		sqlite3_finalize(st);
		return -1;
	}
	*ret = st;
	return 0;
}

int
ctl_sql_rows_list(sqlite3 *db, void *ret, size_t *ret_n, size_t sz,
    void (*fill)(sqlite3_stmt *, void *), struct mc_err *err,
    const char *head, const char *const *list, size_t n, const char *tail)
{
	sqlite3_stmt *st;

	if (ctl_sql_prepare_list(db, &st, err, head, list, n, tail) < 0)
		return -1;
	return collect(db, st, ret, ret_n, sz, fill, err);
}

int
ctl_sql_begin(sqlite3 *db, struct mc_err *err)
{
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return ctl_store_err(db, "cannot lock the database", err);
	return 0;
}

int
ctl_sql_begin_read(sqlite3 *db, struct mc_err *err)
{
	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return ctl_store_err(db, "cannot read the database", err);
	return 0;
}

int
ctl_sql_commit(sqlite3 *db, struct mc_err *err)
{
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		ctl_store_err(db, "cannot commit", err);
		ctl_sql_rollback(db);
		return -1;
	}
	return 0;
}

void
ctl_sql_rollback(sqlite3 *db)
{
	(void)sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
}

void
ctl_sql_text(sqlite3_stmt *st, int col, char *buf, size_t bufsz)
{
	const unsigned char *s = sqlite3_column_text(st, col);

	(void)snprintf(buf, bufsz, "%s", s != NULL ? (const char *)s : "");
}

/*
 * ctl_test: helpers for the controller's unit tests.
 */
#ifndef CTL_TEST_H
#define CTL_TEST_H

#include "mc_test.h"

#include <sqlite3.h>

#include "mc_err.h"
#include "ctl_query.h"
#include "ctl_store.h"

/* Decode form text s into q (which the caller clears); must succeed. */
static inline void
ctl_test_query(struct ctl_query *q, const char *s)
{
	struct mc_err err = { 0 };

	ctl_query_init(q);
	assert_int_equal(ctl_query_add(q, s, strlen(s), &err), 0);
	assert_int_equal(ctl_query_finish(q, &err), 0);
}

/* A new store in a new temporary directory, and a connection to it. */
struct ctl_test_db {
	char			*dir;
	struct ctl_store	*store;
	sqlite3			*db;
};

static inline void
ctl_test_db_open(struct ctl_test_db *t)
{
	struct mc_err err = { 0 };

	t->dir = mc_test_tmpdir();
	assert_int_equal(ctl_store_open(t->dir, &t->store, &err), 0);
	t->db = ctl_store_get(t->store, &err);
	assert_non_null(t->db);
}

/* Close the store and remove its directory. */
static inline void
ctl_test_db_close(struct ctl_test_db *t)
{
	ctl_store_put(t->store, t->db);
	ctl_store_free(t->store);
	mc_test_rmdir(t->dir);
	free(t->dir);
}

#endif /* CTL_TEST_H */

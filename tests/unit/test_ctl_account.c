/*
 * Tests of ctl_store and ctl_account against a real SQLite database in
 * a scratch directory: migrations, accounts, keys, and bad input.
 */
#include <sqlite3.h>

#include "mc_test.h"

#include "mc_cleanup.h"
#include "mc_err.h"
#include "ctl_account.h"
#include "ctl_store.h"

struct fixture {
	char			*dir;
	struct ctl_store	*store;
};

static int
setup(void **state)
{
	struct fixture	*f = calloc(1, sizeof(*f));
	struct mc_err	 err = { 0 };

	f->dir = mc_test_tmpdir();
	assert_int_equal(ctl_store_open(f->dir, &f->store, &err), 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	ctl_store_free(f->store);
	mc_test_rmdir(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

static void
test_account_and_keys(void **state)
{
	struct fixture		*f = *state;
	struct ctl_account	 a, found;
	struct ctl_key		 k, k2, got;
	struct mc_err		 err = { 0 };
	MC_AUTOFREE struct ctl_account *list = NULL;
	MC_AUTOFREE struct ctl_key *keys = NULL;
	size_t			 n = 0;

	assert_int_equal(ctl_account_create(f->store, "alice", &a, &k, &err), 0);
	assert_int_equal(strlen(a.id), 12);
	assert_int_equal(strspn(a.id, "0123456789"), 12);
	assert_int_equal(strncmp(k.id, "AKIA", 4), 0);
	assert_int_equal(strlen(k.id), 20);
	assert_int_equal(strlen(k.secret), 40);
	assert_string_equal(k.account_id, a.id);

	assert_int_equal(ctl_key_lookup(f->store, k.id, &got, &err), 1);
	assert_string_equal(got.secret, k.secret);
	assert_string_equal(got.account_id, a.id);
	assert_int_equal(ctl_key_lookup(f->store, "AKIANOSUCHKEY0000000", &got,
	    &err), 0);

	assert_int_equal(ctl_key_create(f->store, "alice", &k2, &err), 0);
	assert_string_not_equal(k2.id, k.id);
	assert_int_equal(ctl_key_list(f->store, a.id, &keys, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(keys[0].secret, "");	/* never listed */

	assert_int_equal(ctl_account_find(f->store, a.id, &found, &err), 1);
	assert_string_equal(found.name, "alice");
	assert_int_equal(found.n_keys, 2);
	assert_int_equal(ctl_account_find(f->store, "bob", &found, &err), 0);

	assert_int_equal(ctl_key_delete(f->store, k.id, &err), 1);
	assert_int_equal(ctl_key_delete(f->store, k.id, &err), 0);
	assert_int_equal(ctl_key_lookup(f->store, k.id, &got, &err), 0);
	assert_int_equal(ctl_key_lookup(f->store, k2.id, &got, &err), 1);

	assert_int_equal(ctl_account_create(f->store, "bob", &a, &k, &err), 0);
	assert_int_equal(ctl_account_list(f->store, &list, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].name, "alice");
	assert_string_equal(list[1].name, "bob");
}

static void
test_bad_input(void **state)
{
	static const char *const bad_names[] = {
		"", "-dash", ".dot", "with space", "semi;colon", "quote'",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	};
	struct fixture		*f = *state;
	struct ctl_account	 a;
	struct ctl_key		 k;
	size_t			 i;
	int			 n;

	for (i = 0; i < sizeof(bad_names) / sizeof(bad_names[0]); i++) {
		struct mc_err err = { 0 };

		assert_int_equal(ctl_account_create(f->store, bad_names[i], &a,
		    &k, &err), -1);
		assert_int_equal(err.code, MC_EC_INVALID_PARAMETER_VALUE);
	}
	{
		struct mc_err err = { 0 };

		assert_int_equal(ctl_account_create(f->store, "carol", &a, &k,
		    &err), 0);
		assert_int_equal(ctl_account_create(f->store, "carol", &a, &k,
		    &err), -1);
		assert_non_null(strstr(err.msg, "exists"));
	}
	{
		struct mc_err err = { 0 };

		assert_int_equal(ctl_key_create(f->store, "nobody", &k, &err),
		    -1);
		assert_non_null(strstr(err.msg, "no account"));
	}
	/* The key limit per account holds. */
	for (n = 1; n < CTL_KEYS_PER_ACCOUNT; n++) {
		struct mc_err err = { 0 };

		assert_int_equal(ctl_key_create(f->store, "carol", &k, &err), 0);
	}
	{
		struct mc_err err = { 0 };

		assert_int_equal(ctl_key_create(f->store, "carol", &k, &err), -1);
	}
}

static void
test_migrations(void **state)
{
	struct fixture		*f = *state;
	struct ctl_store	*s2 = NULL;
	struct mc_err		 err = { 0 };
	sqlite3			*db;
	char			 sql[64];

	/* Opening again migrates nothing and keeps the data. */
	assert_int_equal(ctl_store_open(f->dir, &s2, &err), 0);
	ctl_store_free(s2);
	s2 = NULL;
	/* A database from a newer minicloud is refused. */
	db = ctl_store_get(f->store, &err);
	assert_non_null(db);
	(void)snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
	    ctl_store_schema_latest() + 1);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	ctl_store_put(f->store, db);
	assert_int_equal(ctl_store_open(f->dir, &s2, &err), -1);
	assert_non_null(strstr(err.msg, "newer"));
	assert_null(s2);
}

static void
test_unwritable(void **state)
{
	struct ctl_store	*s = NULL;
	struct mc_err		 err = { 0 };

	(void)state;
	assert_int_equal(ctl_store_open("/proc/nonexistent", &s, &err), -1);
	assert_null(s);
	assert_non_null(strstr(err.msg, "cannot open"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_account_and_keys, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bad_input, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migrations, setup,
		    teardown),
		cmocka_unit_test(test_unwritable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

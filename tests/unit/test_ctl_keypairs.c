/*
 * Tests of ctl_keypairs' store functions on a real database: names,
 * lookups (what RunInstances uses), duplicates, accounts kept apart,
 * listing with tags, and the per-account limit.
 */
#include <sqlite3.h>

#include "ctl_test.h"

#include "mc_cleanup.h"
#include "mc_err.h"
#include "ctl_keypairs.h"
#include "ctl_sql.h"
#include "ctl_store.h"
#include "ctl_tags.h"

struct fixture {
	struct ctl_test_db	t;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	ctl_test_db_open(&f->t);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	ctl_test_db_close(&f->t);
	free(f);
	return 0;
}

/* A row for account and name with made-up key material. */
static void
make(struct ctl_keypair *kp, const char *account, const char *name,
    unsigned n)
{
	memset(kp, 0, sizeof(*kp));
	(void)snprintf(kp->id, sizeof(kp->id), "key-%017x", n);
	(void)snprintf(kp->account, sizeof(kp->account), "%s", account);
	(void)snprintf(kp->name, sizeof(kp->name), "%s", name);
	kp->type = n % 2 == 0 ? CTL_KEYTYPE_RSA : CTL_KEYTYPE_ED25519;
	(void)snprintf(kp->fingerprint, sizeof(kp->fingerprint), "fp%u", n);
	(void)snprintf(kp->public_key, sizeof(kp->public_key),
	    "ssh-ed25519 AAAA%u %s", n, name);
	kp->created_ms = 1700000000000LL + n;
}

static void
test_name_check(void **state)
{
	static const struct {
		const char	*name;
		enum mc_ec	 want;
	} cases[] = {
		{ "my-key", MC_EC_NONE },
		{ "with space and !@#$%^&*()", MC_EC_NONE },
		{ "~", MC_EC_NONE },
		{ NULL, MC_EC_MISSING_PARAMETER },
		{ "", MC_EC_INVALID_PARAMETER_VALUE },
		{ "tab\t", MC_EC_INVALID_PARAMETER_VALUE },
		{ "nl\n", MC_EC_INVALID_PARAMETER_VALUE },
		{ "del\x7f", MC_EC_INVALID_PARAMETER_VALUE },
		{ "\xc3\xa9t\xc3\xa9", MC_EC_INVALID_PARAMETER_VALUE },
	};
	char	long_name[CTL_KEYPAIR_NAME_MAX + 2];
	size_t	i;

	(void)state;
	for (i = 0; i < MC_NELEMS(cases); i++) {
		struct mc_err err = { 0 };

		assert_int_equal(ctl_keypair_name_check(cases[i].name, &err),
		    cases[i].want == MC_EC_NONE ? 0 : -1);
		assert_int_equal(err.code, cases[i].want);
	}
	memset(long_name, 'k', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	assert_int_equal(ctl_keypair_name_check(long_name, NULL), -1);
	long_name[CTL_KEYPAIR_NAME_MAX] = '\0';
	assert_int_equal(ctl_keypair_name_check(long_name, NULL), 0);
}

static void
test_insert_find(void **state)
{
	struct fixture		*f = *state;
	struct ctl_keypair	 kp, got;
	struct mc_err		 err = { 0 };

	make(&kp, "111111111111", "web", 1);
	assert_int_equal(ctl_keypair_insert(f->t.db, &kp, &err), 0);
	assert_int_equal(ctl_keypair_find(f->t.db, "111111111111", "web", &got,
	    &err), 0);
	assert_string_equal(got.id, kp.id);
	assert_string_equal(got.public_key, kp.public_key);
	assert_string_equal(got.fingerprint, "fp1");
	assert_int_equal(got.type, CTL_KEYTYPE_ED25519);
	assert_int_equal(got.created_ms, kp.created_ms);
	assert_null(got.tags);
	assert_int_equal(ctl_keypair_get(f->t.db, "111111111111",
	    CTL_KEYPAIR_BY_ID, kp.id, &got, &err), 1);
	assert_string_equal(got.name, "web");

	/* Another account sees nothing of it, and may use the name. */
	assert_int_equal(ctl_keypair_find(f->t.db, "222222222222", "web", &got,
	    &err), -1);
	assert_int_equal(err.code, MC_EC_INVALID_KEY_PAIR_NOT_FOUND);
	assert_string_equal(err.msg, "The key pair 'web' does not exist");
	assert_int_equal(ctl_keypair_get(f->t.db, "222222222222",
	    CTL_KEYPAIR_BY_ID, kp.id, &got, NULL), 0);
	make(&kp, "222222222222", "web", 2);
	assert_int_equal(ctl_keypair_insert(f->t.db, &kp, NULL), 0);

	/* The same name twice in one account. */
	make(&kp, "111111111111", "web", 3);
	memset(&err, 0, sizeof(err));
	assert_int_equal(ctl_keypair_insert(f->t.db, &kp, &err), -1);
	assert_int_equal(err.code, MC_EC_INVALID_KEY_PAIR_DUPLICATE);
	assert_string_equal(err.msg, "The keypair 'web' already exists.");
}

static void
test_list_with_tags(void **state)
{
	static const struct ctl_tag tags[] = { { "team", "a" }, { "env", "" } };
	struct fixture		*f = *state;
	struct ctl_keypair	 kp, *v = NULL;
	struct mc_err		 err = { 0 };
	size_t			 n = 0;

	make(&kp, "111111111111", "zeta", 10);
	assert_int_equal(ctl_keypair_insert(f->t.db, &kp, &err), 0);
	assert_int_equal(ctl_tags_set(f->t.db, "111111111111", kp.id, tags, 2,
	    &err), 0);
	make(&kp, "111111111111", "alpha", 11);
	assert_int_equal(ctl_keypair_insert(f->t.db, &kp, &err), 0);
	make(&kp, "333333333333", "beta", 12);
	assert_int_equal(ctl_keypair_insert(f->t.db, &kp, &err), 0);

	assert_int_equal(ctl_keypairs_list(f->t.db, "111111111111", &v, &n,
	    &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].name, "alpha");
	assert_int_equal(v[0].n_tags, 0);
	assert_string_equal(v[1].name, "zeta");
	assert_int_equal(v[1].n_tags, 2);
	assert_string_equal(v[1].tags[0].key, "env");
	assert_string_equal(v[1].tags[1].value, "a");
	ctl_keypairs_free(v, n);
	assert_int_equal(ctl_keypairs_list(f->t.db, "444444444444", &v, &n,
	    &err), 0);
	assert_int_equal(n, 0);
	ctl_keypairs_free(v, n);
}

static void
test_limit(void **state)
{
	struct fixture		*f = *state;
	struct ctl_keypair	 kp;
	struct mc_err		 err = { 0 };
	char			 name[32];
	unsigned		 i;

	assert_int_equal(ctl_sql_begin(f->t.db, &err), 0);
	for (i = 0; i < CTL_KEYPAIRS_MAX; i++) {
		(void)snprintf(name, sizeof(name), "k%u", i);
		make(&kp, "555555555555", name, 1000 + i);
		assert_int_equal(ctl_keypair_insert(f->t.db, &kp, &err), 0);
	}
	make(&kp, "555555555555", "one-too-many", 999999);
	assert_int_equal(ctl_keypair_insert(f->t.db, &kp, &err), -1);
	assert_int_equal(err.code, MC_EC_RESOURCE_LIMIT_EXCEEDED);
	assert_int_equal(ctl_sql_commit(f->t.db, NULL), 0);
	/* Other accounts have their own allowance. */
	make(&kp, "666666666666", "one-too-many", 999999);
	assert_int_equal(ctl_keypair_insert(f->t.db, &kp, NULL), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_check),
		cmocka_unit_test_setup_teardown(test_insert_find, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_list_with_tags, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_limit, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Tests of ctl_gens: the hosts' generations read once and shared; a
 * bump (ctl_notify) or a second makes the answer stale; an unknown
 * host is 0; a host registered after the read is seen after a bump.
 */
#include "ctl_test.h"

#include <unistd.h>

#include "mc_proto.h"
#include "ctl_gens.h"
#include "ctl_hosts.h"
#include "ctl_notify.h"
#include "ctl_sql.h"

static void
reg(sqlite3 *db, const char *name)
{
	struct mc_proto_host	h;
	struct mc_err		err = { 0 };
	uint64_t		gen = 0;

	memset(&h, 0, sizeof(h));
	(void)snprintf(h.name, sizeof(h.name), "%s", name);
	(void)snprintf(h.zone, sizeof(h.zone), "mc-1a");
	(void)snprintf(h.accel, sizeof(h.accel), "tcg");
	h.vcpus = 1;
	assert_int_equal(ctl_hosts_register(db, &h, 1, &gen, &err), 0);
}

static uint64_t
gen_of(struct ctl_store *s, const char *host)
{
	struct mc_err	err = { 0 };
	uint64_t	gen = 99;

	assert_int_equal(ctl_gens_get(s, host, &gen, &err), 0);
	return gen;
}

static void
test_shared_answer(void **state)
{
	struct ctl_test_db	t;
	struct mc_err		err = { 0 };
	uint64_t		g1;

	(void)state;
	ctl_test_db_open(&t);
	ctl_gens_reset();
	reg(t.db, "h1");
	g1 = gen_of(t.store, "h1");
	assert_true(g1 > 0);
	assert_int_equal(gen_of(t.store, "nobody"), 0);
	/* Written without a bump: the shared answer stands for a while. */
	assert_int_equal(ctl_sql_run(t.db, &err, "UPDATE hosts SET "
	    "generation = generation + 5 WHERE name = 'h1'", ""), 1);
	reg(t.db, "h2");
	assert_int_equal(gen_of(t.store, "h1"), g1);
	assert_int_equal(gen_of(t.store, "h2"), 0);
	/* After a bump it is read again. */
	ctl_notify_bump();
	assert_int_equal(gen_of(t.store, "h1"), g1 + 5);
	assert_true(gen_of(t.store, "h2") > 0);
	/* And after a second, bump or not (the admin CLI writes too). */
	assert_int_equal(ctl_sql_run(t.db, &err, "UPDATE hosts SET "
	    "generation = generation + 1 WHERE name = 'h1'", ""), 1);
	(void)usleep((CTL_GENS_MAX_AGE_MS + 50) * 1000);
	assert_int_equal(gen_of(t.store, "h1"), g1 + 6);
	ctl_gens_reset();
	ctl_test_db_close(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shared_answer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

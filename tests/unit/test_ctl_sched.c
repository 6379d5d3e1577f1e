/*
 * Tests of ctl_sched against a real store: the filters and weights, and
 * two launches racing for the last room from two threads: exactly one
 * gets it.
 */
#include <pthread.h>
#include <sqlite3.h>

#include "mc_test.h"

#include "mc_err.h"
#include "mc_proto.h"
#include "ctl_hosts.h"
#include "ctl_sched.h"
#include "ctl_sql.h"
#include "ctl_store.h"

static char			*dir;
static struct ctl_store		*store;

static const struct ctl_sched_opts opts = { 100, 100, 100, false, 1000000,
    30000 };

static void
add_host(const char *name, const char *zone, unsigned vcpus, uint64_t mem,
    int64_t seen_ms)
{
	struct mc_proto_host	 h;
	struct mc_err		 err = { 0 };
	uint64_t		 gen;
	sqlite3			*db = ctl_store_get(store, &err);

	memset(&h, 0, sizeof(h));
	(void)snprintf(h.name, sizeof(h.name), "%s", name);
	(void)snprintf(h.zone, sizeof(h.zone), "%s", zone);
	h.vcpus = vcpus;
	h.mem_mib = mem;
	h.disk_gib = 100;
	(void)snprintf(h.accel, sizeof(h.accel), "tcg");
	assert_int_equal(ctl_hosts_register(db, &h, seen_ms, &gen, &err), 0);
	ctl_store_put(store, db);
}

static int
setup(void **state)
{
	struct mc_err err = { 0 };

	(void)state;
	dir = mc_test_tmpdir();
	assert_int_equal(ctl_store_open(dir, &store, &err), 0);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	ctl_store_free(store);
	mc_test_rmdir(dir);
	free(dir);
	return 0;
}

static void
test_filters_and_weights(void **state)
{
	struct ctl_sched_ask	 ask = { "", 1, 1000, 1, NULL };
	struct ctl_sched_opts	 pack = opts;
	char			 hosts[4][MC_PROTO_NAME_MAX + 1];
	struct mc_err		 err = { 0 };
	sqlite3			*db;

	(void)state;
	add_host("big", "z1", 8, 8000, 1000000);
	add_host("small", "z1", 8, 3000, 1000000);
	add_host("other", "z2", 8, 9000, 1000000);
	add_host("gone", "z1", 8, 9999, 1000);		/* silent: down */
	db = ctl_store_get(store, &err);
	/* spread: the most free memory, in the zone asked */
	ask.zone = "z1";
	assert_int_equal(ctl_sched_place(db, &opts, &ask, 1, 1, hosts, &err), 1);
	assert_string_equal(hosts[0], "big");
	/* pack: the least that fits */
	pack.pack = true;
	assert_int_equal(ctl_sched_place(db, &pack, &ask, 1, 1, hosts, &err), 1);
	assert_string_equal(hosts[0], "small");
	/* any zone: "other" has the most room */
	ask.zone = "";
	assert_int_equal(ctl_sched_place(db, &opts, &ask, 1, 1, hosts, &err), 1);
	assert_string_equal(hosts[0], "other");
	/* MaxCount 4 over what fits: as many as fit (8+3+9 GB for 5 GB) */
	ask.mem_mib = 5000;
	assert_int_equal(ctl_sched_place(db, &opts, &ask, 1, 4, hosts, &err), 2);
	/* MinCount over what fits: capacity error naming the reasons */
	assert_int_equal(ctl_sched_place(db, &opts, &ask, 3, 3, hosts, &err), -1);
	assert_int_equal(err.code, MC_EC_INSUFFICIENT_INSTANCE_CAPACITY);
	assert_non_null(strstr(err.msg, "1 down"));
	ctl_store_put(store, db);
}

/*
 * Spread alternates equal hosts, pack fills one; a disabled host takes
 * nothing new but may restart its own instance; an unknown host cannot
 * be disabled.
 */
static void
test_spread_pack_and_disabled(void **state)
{
	struct ctl_sched_ask	 ask = { "", 1, 1000, 1, NULL };
	struct ctl_sched_opts	 pack = opts;
	char			 hosts[4][MC_PROTO_NAME_MAX + 1];
	struct mc_err		 err = { 0 };
	sqlite3			*db;

	(void)state;
	add_host("h1", "z1", 8, 8000, 1000000);
	add_host("h2", "z1", 8, 8000, 1000000);
	db = ctl_store_get(store, &err);
	assert_int_equal(ctl_sched_place(db, &opts, &ask, 4, 4, hosts, &err), 4);
	assert_string_not_equal(hosts[0], hosts[1]);
	assert_string_not_equal(hosts[1], hosts[2]);
	assert_string_not_equal(hosts[2], hosts[3]);
	pack.pack = true;
	assert_int_equal(ctl_sched_place(db, &pack, &ask, 4, 4, hosts, &err), 4);
	assert_string_equal(hosts[0], hosts[3]);
	assert_string_equal(hosts[1], hosts[2]);
	assert_string_equal(hosts[0], hosts[1]);

	assert_int_equal(ctl_hosts_set_admin(db, "h1", CTL_HADMIN_DISABLED,
	    &err), 1);
	assert_int_equal(ctl_hosts_set_admin(db, "h2", CTL_HADMIN_DRAINING,
	    &err), 1);
	assert_int_equal(ctl_hosts_set_admin(db, "nope", CTL_HADMIN_DISABLED,
	    &err), 0);
	assert_int_equal(ctl_sched_place(db, &opts, &ask, 1, 1, hosts, &err),
	    -1);
	assert_int_equal(err.code, MC_EC_INSUFFICIENT_INSTANCE_CAPACITY);
	assert_non_null(strstr(err.msg, "2 disabled"));
	ask.own_host = "h2";
	assert_int_equal(ctl_sched_place(db, &opts, &ask, 1, 1, hosts, &err), 1);
	assert_string_equal(hosts[0], "h2");
	ctl_store_put(store, db);
}

/* One racing launch: place 3000 MiB and record it, in one transaction. */
static void *
racer(void *arg)
{
	struct ctl_sched_ask	 ask = { "", 1, 3000, 1, NULL };
	char			 hosts[1][MC_PROTO_NAME_MAX + 1];
	struct mc_err		 err = { 0 };
	sqlite3			*db = ctl_store_get(store, &err);
	int			 placed = -1;
	static int		 seq;
	char			 id[32];

	(void)arg;
	if (ctl_sql_begin(db, &err) == 0) {
		placed = ctl_sched_place(db, &opts, &ask, 1, 1, hosts, &err);
		if (placed == 1) {
			(void)snprintf(id, sizeof(id), "i-%017d",
			    __atomic_add_fetch(&seq, 1, __ATOMIC_SEQ_CST));
			assert_true(ctl_sql_run(db, &err, "INSERT INTO "
			    "reservations (id, account_id, created_ms) VALUES "
			    "(?1, 'a', 0)", "s", id) >= 0);
			assert_true(ctl_sql_run(db, &err, "INSERT INTO instances "
			    "(id, account_id, reservation_id, launch_index, "
			    "image_id, instance_type, vcpus, mem_mib, disk_gib, "
			    "zone, host, state, desired, launch_ms, state_ms) "
			    "VALUES (?1, 'a', ?1, 0, 'ami-1', 't', 1, 3000, 1, "
			    "'z', ?2, 'pending', 'running', 0, 0)", "ss", id,
			    hosts[0]) >= 0);
			assert_int_equal(ctl_sql_commit(db, &err), 0);
		} else {
			ctl_sql_rollback(db);
		}
	}
	ctl_store_put(store, db);
	return (void *)(intptr_t)placed;
}

static void
test_race_for_the_last_room(void **state)
{
	pthread_t	t[4];
	void		*rc;
	int		i, won = 0;

	(void)state;
	add_host("one", "z", 8, 4000, 1000000);
	for (i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, racer, NULL), 0);
	for (i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(t[i], &rc), 0);
		won += (intptr_t)rc == 1;
	}
	assert_int_equal(won, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_filters_and_weights, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_spread_pack_and_disabled,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_race_for_the_last_room,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Tests of snapshots in the store (ctl_snap) on a real database: which
 * host takes one (the attached instance's, the least busy up host of
 * the zone, or none yet), the jobs of a desired state, agents' reports,
 * who sees a snapshot, deleting one an image uses, and the start-up
 * sweep of unfinished uploads.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctl_test.h"

#include "mc_err.h"
#include "mc_proto.h"
#include "ctl_snap.h"
#include "ctl_sql.h"
#include "ctl_vol.h"

#define ACCOUNT	"111111111111"
#define OTHER	"222222222222"
#define NOW	1700000000000LL
#define TIMEOUT	60000LL

static void
sql(sqlite3 *db, const char *s)
{
	assert_int_equal(sqlite3_exec(db, s, NULL, NULL, NULL), SQLITE_OK);
}

static int
setup(void **state)
{
	struct ctl_test_db *t = calloc(1, sizeof(*t));
	char q[1200];

	ctl_test_db_open(t);
	/* h1 and h2 up in mc-1a (h2 already busy), h3 down in mc-1b. */
	(void)snprintf(q, sizeof(q), "INSERT INTO hosts (name, zone, vcpus, "
	    "mem_mib, disk_gib, accel, registered_ms, last_seen_ms, down) "
	    "VALUES ('h1', 'mc-1a', 4, 4096, 100, 'tcg', 1, %lld, 0), "
	    "('h2', 'mc-1a', 4, 4096, 100, 'tcg', 1, %lld, 0), "
	    "('h3', 'mc-1b', 4, 4096, 100, 'tcg', 1, 1, 1);"
	    "INSERT INTO volumes (id, account_id, zone, size_gib, type, state, "
	    "created_ms) VALUES "
	    "('vol-00000000000000001', '" ACCOUNT "', 'mc-1a', 8, 'gp2', "
	    "'available', 1), "
	    "('vol-00000000000000002', '" ACCOUNT "', 'mc-1b', 4, 'gp2', "
	    "'available', 1);"
	    "INSERT INTO snapshots (id, account_id, volume_id, volume_size, "
	    "state, host, start_ms) VALUES ('snap-0000000000000000f', '"
	    ACCOUNT "', 'vol-00000000000000009', 1, 'pending', 'h1', 1);",
	    NOW, NOW);
	sql(t->db, q);
	*state = t;
	return 0;
}

static int
teardown(void **state)
{
	struct ctl_test_db *t = *state;

	ctl_test_db_close(t);
	free(t);
	return 0;
}

static void
make(sqlite3 *db, const char *vol, struct ctl_snap *ret)
{
	struct mc_err	err = { 0 };
	struct ctl_vol	v;

	assert_int_equal(ctl_vol_find(db, ACCOUNT, vol, &v, &err), 0);
	assert_int_equal(ctl_snap_create(db, &v, "d", NOW, TIMEOUT, ret, &err),
	    0);
	assert_string_equal(ret->state, "pending");
	assert_int_equal(ret->volume_size, v.spec.size_gib);
}

static void
test_assign(void **state)
{
	struct ctl_test_db	*t = *state;
	struct ctl_snap		 s, far;
	struct mc_err		 err = { 0 };
	size_t			 n = 0;

	/* h2 has a job already: the least busy up host of mc-1a is h1... */
	sql(t->db, "UPDATE snapshots SET host = 'h2'");
	make(t->db, "vol-00000000000000001", &s);
	assert_string_equal(s.host, "h1");
	assert_string_equal(s.instance_id, "");
	/* ...and mc-1b's only host is down: the snapshot waits. */
	make(t->db, "vol-00000000000000002", &far);
	assert_string_equal(far.host, "");
	assert_int_equal(ctl_snap_assign_waiting(t->db, "h1", &n, &err), 0);
	assert_int_equal(n, 0);
	assert_int_equal(ctl_snap_assign_waiting(t->db, "h3", &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ctl_snap_find(t->db, ACCOUNT, far.id, true, &far,
	    &err), 0);
	assert_string_equal(far.host, "h3");
}

static void
test_desired_and_report(void **state)
{
	struct ctl_test_db		*t = *state;
	struct mc_proto_desired		 d;
	struct mc_proto_snap_state	 st[2];
	struct mc_proto_report		 r = { 0, NULL, 0, st, 2 };
	struct ctl_snap			 s;
	struct mc_err			 err = { 0 };
	bool				 bumped = false;

	memset(&d, 0, sizeof(d));
	memset(st, 0, sizeof(st));
	/* An instance the desired state does not list is not named. */
	sql(t->db, "UPDATE snapshots SET instance_id = 'i-00000000000000001'");
	assert_int_equal(ctl_snap_desired_load(t->db, "h1", &d, &err), 0);
	assert_int_equal(d.n_snaps, 1);
	assert_string_equal(d.snaps[0].id, "snap-0000000000000000f");
	assert_string_equal(d.snaps[0].instance, "");
	mc_proto_desired_clear(&d);

	static const struct {
		unsigned	 progress;
		bool		 failed;
		const char	*host;
		const char	*want_state;
		int		 want_progress;
	} cases[] = {
		{ 40, false, "h2", "pending", 0 },	/* not h2's: ignored */
		{ 40, false, "h1", "pending", 40 },
		{ 100, false, "h1", "pending", 99 },	/* the upload completes */
		{ 50, true, "h1", "error", 99 },
		{ 60, false, "h1", "error", 99 },	/* no longer pending */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		(void)snprintf(st[0].id, sizeof(st[0].id), "%s",
		    "snap-0000000000000000f");
		st[0].progress = cases[i].progress;
		st[0].failed = cases[i].failed;
		(void)snprintf(st[0].error, sizeof(st[0].error), "disk gone");
		/* A job nobody knows is ignored too. */
		(void)snprintf(st[1].id, sizeof(st[1].id), "%s",
		    "snap-00000000000000077");
		r.n_snaps = 2;
		assert_int_equal(ctl_snap_report(t->db, cases[i].host, &r,
		    &bumped, &err), 0);
		assert_int_equal(ctl_snap_find(t->db, ACCOUNT,
		    "snap-0000000000000000f", true, &s, &err), 0);
		assert_string_equal(s.state, cases[i].want_state);
		assert_int_equal(s.progress, cases[i].want_progress);
	}
	assert_true(bumped);
	assert_string_equal(s.state_message, "disk gone");
	assert_int_equal(ctl_snap_desired_load(t->db, "h1", &d, &err), 0);
	assert_int_equal(d.n_snaps, 0);
	mc_proto_desired_clear(&d);
}

static void
test_visibility(void **state)
{
	struct ctl_test_db	*t = *state;
	static const struct {
		const char	*account, *id;
		bool		 own_only, shared;
		enum mc_ec	 want;
	} cases[] = {
		{ ACCOUNT, "snap-0000000000000000f", true, false, MC_EC_NONE },
		{ OTHER, "snap-0000000000000000f", false, false,
		    MC_EC_INVALID_SNAPSHOT_NOT_FOUND },
		{ OTHER, "snap-0000000000000000f", false, true, MC_EC_NONE },
		{ OTHER, "snap-0000000000000000f", true, true,
		    MC_EC_INVALID_SNAPSHOT_NOT_FOUND },
		{ ACCOUNT, "snap-nope", false, false,
		    MC_EC_INVALID_SNAPSHOT_ID_MALFORMED },
		{ ACCOUNT, NULL, false, false,
		    MC_EC_INVALID_SNAPSHOT_ID_MALFORMED },
	};
	struct ctl_snap s;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mc_err err = { 0 };

		assert_int_equal(ctl_snap_perm(t->db, "snap-0000000000000000f",
		    "all", cases[i].shared, &err), 0);
		assert_int_equal(ctl_snap_find(t->db, cases[i].account,
		    cases[i].id, cases[i].own_only, &s, &err),
		    cases[i].want == MC_EC_NONE ? 0 : -1);
		assert_int_equal(err.code, cases[i].want);
	}
}

static void
test_delete_in_use(void **state)
{
	struct ctl_test_db	*t = *state;
	struct ctl_snap		 s;
	struct mc_err		 err = { 0 };

	sql(t->db, "INSERT INTO images (id, owner, name, state, format, "
	    "sha256, size, root_device, created_ms, snapshot_id) VALUES "
	    "('ami-0123456789abcdef0', '" ACCOUNT "', 'i', 'available', "
	    "'qcow2', '', 1, '/dev/xvda', 1, 'snap-0000000000000000f')");
	assert_int_equal(ctl_snap_find(t->db, ACCOUNT, "snap-0000000000000000f",
	    true, &s, &err), 0);
	assert_int_equal(ctl_snap_delete(t->db, &s, &err), -1);
	assert_int_equal(err.code, MC_EC_INVALID_SNAPSHOT_IN_USE);
	assert_non_null(strstr(err.msg, "ami-0123456789abcdef0"));
	sql(t->db, "UPDATE images SET state = 'deregistered'");
	memset(&err, 0, sizeof(err));
	assert_int_equal(ctl_snap_delete(t->db, &s, &err), 0);
	assert_int_equal(ctl_snap_find(t->db, ACCOUNT, s.id, true, &s, &err),
	    -1);
}

static void
test_sweep_uploads(void **state)
{
	struct ctl_test_db	*t = *state;
	struct mc_err		 err = { 0 };
	char			 up[1024], keep[1024];
	FILE			*f;

	assert_int_equal(ctl_snap_file_init(t->dir, &err), 0);
	(void)snprintf(up, sizeof(up), "%s/snapshots/snap-0000000000000000f"
	    ".abc123.upload", t->dir);
	assert_int_equal(ctl_snap_file_path(t->dir, "snap-0000000000000000f",
	    keep, sizeof(keep), &err), 0);
	assert_non_null(f = fopen(up, "w"));
	fclose(f);
	assert_non_null(f = fopen(keep, "w"));
	fclose(f);
	assert_int_equal(ctl_snap_file_init(t->dir, &err), 0);
	assert_int_equal(access(up, F_OK), -1);
	assert_int_equal(access(keep, F_OK), 0);
	ctl_snap_file_remove(t->dir, "snap-0000000000000000f");
	assert_int_equal(access(keep, F_OK), -1);
	assert_int_equal(ctl_snap_file_path(t->dir, "../x", keep, sizeof(keep),
	    &err), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_assign, setup, teardown),
		cmocka_unit_test_setup_teardown(test_desired_and_report, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_visibility, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_delete_in_use, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_sweep_uploads, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

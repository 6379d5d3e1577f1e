/*
 * Tests of volumes in the store (ctl_vol) on a real database: the
 * account's and the zone's limits, ClientToken, finding and deleting;
 * attachments from attach to gone (running, stopped with and without a
 * domain, pending, another zone), what agents' reports move, a
 * terminated instance's volumes, the desired state of each host, and
 * which hosts a change wakes.
 */
#include <sqlite3.h>

#include "ctl_test.h"

#include "mc_cleanup.h"
#include "mc_err.h"
#include "mc_proto.h"
#include "ctl_conf.h"
#include "ctl_desired.h"
#include "ctl_hosts.h"
#include "ctl_inst.h"
#include "ctl_sql.h"
#include "ctl_store.h"
#include "ctl_vol.h"

#define ACCOUNT	"111111111111"
#define OTHER	"222222222222"
#define NOW	1700000000000LL
#define SHA	"0123456789abcdef0123456789abcdef" \
		"0123456789abcdef0123456789abcdef"
#define I_RUN	"i-00000000000000001"	/* running on h1 (mc-1a) */
#define I_STOP	"i-00000000000000002"	/* stopped on h1, domain defined */
#define I_BARE	"i-00000000000000003"	/* stopped on h1, no domain */
#define I_PEND	"i-00000000000000004"	/* pending on h1 */
#define I_FAR	"i-00000000000000005"	/* running on h3 (mc-1b) */

struct fixture {
	struct ctl_test_db	t;
	struct ctl_conf		conf;
};

static void
sql(sqlite3 *db, const char *s)
{
	assert_int_equal(sqlite3_exec(db, s, NULL, NULL, NULL), SQLITE_OK);
}

static void
instance(struct fixture *f, const char *id, const char *host,
    const char *zone, const char *state, const char *actual)
{
	char q[600];

	(void)snprintf(q, sizeof(q), "INSERT INTO instances (id, account_id, "
	    "reservation_id, launch_index, image_id, instance_type, vcpus, "
	    "mem_mib, disk_gib, zone, host, state, desired, actual, "
	    "launch_ms, state_ms) VALUES ('%s', '" ACCOUNT "', "
	    "'r-0123456789abcdef0', 0, 'ami-0123456789abcdef0', 't3.micro', 2, "
	    "1024, 1, '%s', '%s', '%s', 'running', '%s', 1, 1)", id, zone, host,
	    state, actual);
	sql(f->t.db, q);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	f->conf.region = "mc-1";
	f->conf.stop_timeout_s = 60;
	ctl_test_db_open(&f->t);
	sql(f->t.db, "INSERT INTO hosts (name, zone, vcpus, mem_mib, disk_gib, "
	    "accel, registered_ms, last_seen_ms) VALUES "
	    "('h1', 'mc-1a', 4, 4096, 100, 'tcg', 1, 1), "
	    "('h2', 'mc-1a', 4, 4096, 100, 'tcg', 1, 1), "
	    "('h3', 'mc-1b', 4, 4096, 100, 'tcg', 1, 1);"
	    "INSERT INTO images (id, owner, name, state, format, sha256, size, "
	    "root_device, created_ms) VALUES ('ami-0123456789abcdef0', '"
	    ACCOUNT "', 'i', 'available', 'raw', '" SHA "', 1048576, "
	    "'/dev/sda1', 1);"
	    "INSERT INTO reservations (id, account_id, created_ms) VALUES "
	    "('r-0123456789abcdef0', '" ACCOUNT "', 1);");
	instance(f, I_RUN, "h1", "mc-1a", "running", "running");
	instance(f, I_STOP, "h1", "mc-1a", "stopped", "shutoff");
	instance(f, I_BARE, "h1", "mc-1a", "stopped", "none");
	instance(f, I_PEND, "h1", "mc-1a", "pending", "none");
	instance(f, I_FAR, "h3", "mc-1b", "running", "running");
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

static uint64_t
generation(struct fixture *f, const char *host)
{
	uint64_t g = 0;

	assert_int_equal(ctl_hosts_generation(f->t.db, host, &g, NULL), 0);
	return g;
}

static void
make(struct fixture *f, const char *zone, struct ctl_vol *ret)
{
	struct ctl_vol_spec	s = { CTL_VT_GP3, 10, -1, -1 };
	struct mc_err		err = { 0 };

	assert_int_equal(ctl_vol_spec_check(&s, &err), 0);
	assert_int_equal(ctl_vol_create(f->t.db, ACCOUNT, zone, &s, NULL, "h",
	    NOW, ret, &err), 0);
}

/* Volume id as the store has it now. */
static struct ctl_vol
reload(struct fixture *f, const char *id)
{
	struct ctl_vol	v;
	struct mc_err	err = { 0 };

	assert_int_equal(ctl_vol_find(f->t.db, ACCOUNT, id, &v, &err), 0);
	return v;
}

static struct ctl_inst
inst(struct fixture *f, const char *id)
{
	struct ctl_inst in;

	assert_int_equal(ctl_inst_get(f->t.db, NULL, id, &in, NULL), 1);
	return in;
}

static void
test_create_find_limits(void **state)
{
	struct fixture		*f = *state;
	struct ctl_vol_spec	 s = { CTL_VT_GP2, 1, 100, 0 };
	struct ctl_vol		 v, w;
	struct mc_err		 err = { 0 };
	char			 q[300];

	assert_int_equal(ctl_vol_create(f->t.db, ACCOUNT, "mc-1a", &s, "tok",
	    "hash-1", NOW, &v, &err), 0);
	assert_string_equal(v.state, "available");
	assert_string_equal(ctl_vol_status(&v), "available");
	assert_string_equal(v.format, "qcow2");
	w = reload(f, v.id);
	assert_int_equal(w.spec.size_gib, 1);
	assert_int_equal(w.spec.type, CTL_VT_GP2);
	assert_false(w.attached);
	/* The same token: the same volume, or a mismatch. */
	assert_int_equal(ctl_vol_by_token(f->t.db, ACCOUNT, "tok", "hash-1", &w,
	    &err), 1);
	assert_string_equal(w.id, v.id);
	assert_int_equal(ctl_vol_by_token(f->t.db, OTHER, "tok", "hash-1", &w,
	    &err), 0);
	assert_int_equal(ctl_vol_by_token(f->t.db, ACCOUNT, NULL, "x", &w,
	    &err), 0);
	assert_int_equal(ctl_vol_by_token(f->t.db, ACCOUNT, "tok", "hash-2", &w,
	    &err), -1);
	assert_int_equal(err.code, MC_EC_IDEMPOTENT_PARAMETER_MISMATCH);
	/* Found only by its account, and only when well formed. */
	memset(&err, 0, sizeof(err));
	assert_int_equal(ctl_vol_find(f->t.db, OTHER, v.id, &w, &err), -1);
	assert_int_equal(err.code, MC_EC_INVALID_VOLUME_NOT_FOUND);
	memset(&err, 0, sizeof(err));
	assert_int_equal(ctl_vol_find(f->t.db, ACCOUNT, "vol-x", &w, &err), -1);
	assert_int_equal(err.code, MC_EC_INVALID_VOLUME_ID_MALFORMED);
	/* The zone fills up first (one desired state carries it)... */
	(void)snprintf(q, sizeof(q), "WITH RECURSIVE n(k) AS (SELECT 1 UNION "
	    "ALL SELECT k + 1 FROM n WHERE k < %d) INSERT INTO volumes (id, "
	    "account_id, zone, size_gib, type, state, created_ms) SELECT "
	    "printf('vol-%%017d', k), '" OTHER "', 'mc-1b', 1, 'gp2', "
	    "'available', 1 FROM n", CTL_VOL_PER_ZONE_MAX);
	sql(f->t.db, q);
	memset(&err, 0, sizeof(err));
	assert_int_equal(ctl_vol_create(f->t.db, ACCOUNT, "mc-1b", &s, NULL,
	    "h", NOW, &w, &err), -1);
	assert_int_equal(err.code, MC_EC_VOLUME_LIMIT_EXCEEDED);
	/* ...then the account, in any zone. */
	(void)snprintf(q, sizeof(q), "WITH RECURSIVE n(k) AS (SELECT 1 UNION "
	    "ALL SELECT k + 1 FROM n WHERE k < %d) INSERT INTO volumes (id, "
	    "account_id, zone, size_gib, type, state, created_ms) SELECT "
	    "printf('vol-1%%016d', k), '" ACCOUNT "', 'mc-1c', 1, 'gp2', "
	    "'available', 1 FROM n", CTL_VOL_PER_ACCOUNT_MAX - 2);
	sql(f->t.db, q);
	assert_int_equal(ctl_vol_create(f->t.db, ACCOUNT, "mc-1a", &s, NULL,
	    "h", NOW, &w, &err), 0);
	memset(&err, 0, sizeof(err));
	assert_int_equal(ctl_vol_create(f->t.db, ACCOUNT, "mc-1a", &s, NULL,
	    "h", NOW, &w, &err), -1);
	assert_int_equal(err.code, MC_EC_VOLUME_LIMIT_EXCEEDED);
	assert_int_equal(ctl_vol_create(f->t.db, OTHER, "mc-1a", &s, NULL,
	    "h", NOW, &w, NULL), 0);
}

static void
test_attach_refusals(void **state)
{
	static const struct {
		const char	*inst, *dev;
		bool		 far_vol;	/* the volume of mc-1b */
		enum mc_ec	 want;
	} cases[] = {
		{ I_PEND, "/dev/sdg", false, MC_EC_INCORRECT_INSTANCE_STATE },
		{ I_RUN, "/dev/sdf", false, MC_EC_INVALID_PARAMETER_VALUE },
		{ I_RUN, "/dev/xvdf1", false, MC_EC_INVALID_PARAMETER_VALUE },
		{ I_RUN, "/dev/sda1", false, MC_EC_INVALID_PARAMETER_VALUE },
		{ I_RUN, "/dev/xvda", false, MC_EC_INVALID_PARAMETER_VALUE },
		{ I_RUN, "/dev/sdg", true, MC_EC_INVALID_VOLUME_ZONE_MISMATCH },
		{ I_FAR, "/dev/sdg", false, MC_EC_INVALID_VOLUME_ZONE_MISMATCH },
		{ I_RUN, "/dev/sdg", false, MC_EC_NONE },
	};
	struct fixture		*f = *state;
	struct ctl_vol		 used, v, far;
	struct ctl_vol_att	 a;
	struct ctl_inst		 in;
	struct mc_err		 err = { 0 };
	size_t			 i;

	make(f, "mc-1a", &used);
	make(f, "mc-1a", &v);
	make(f, "mc-1b", &far);
	in = inst(f, I_RUN);
	assert_string_equal(in.root_device, "/dev/sda1");
	assert_int_equal(ctl_vol_attach(f->t.db, &used, &in, "/dev/sdf", NOW,
	    &a, &err), 0);
	for (i = 0; i < MC_NELEMS(cases); i++) {
		struct mc_err	e = { 0 };
		struct ctl_inst	target = inst(f, cases[i].inst);

		assert_int_equal(ctl_vol_attach(f->t.db, cases[i].far_vol ?
		    &far : &v, &target, cases[i].dev, NOW, &a, &e),
		    cases[i].want == MC_EC_NONE ? 0 : -1);
		if (e.code != cases[i].want)
			fail_msg("case %zu: %s (%s)", i, mc_err_name(e.code),
			    e.msg);
	}
	/* Attached now: in use, on any instance and to delete. */
	v = reload(f, v.id);
	assert_string_equal(ctl_vol_status(&v), "in-use");
	assert_int_equal(ctl_vol_attach(f->t.db, &v, &in, "/dev/sdh", NOW, &a,
	    &err), -1);
	assert_int_equal(err.code, MC_EC_VOLUME_IN_USE);
	memset(&err, 0, sizeof(err));
	assert_int_equal(ctl_vol_delete(f->t.db, &v, &err), -1);
	assert_int_equal(err.code, MC_EC_VOLUME_IN_USE);
}

static void
test_attach_report_detach(void **state)
{
	struct fixture		*f = *state;
	struct ctl_vol		 v, w;
	struct ctl_vol_att	 a;
	struct ctl_inst		 in = inst(f, I_RUN);
	struct mc_proto_actual	 act;
	struct mc_err		 err = { 0 };
	uint64_t		 g1 = generation(f, "h1"), g3;
	bool			 moved = false;

	make(f, "mc-1a", &v);
	make(f, "mc-1a", &w);
	g3 = generation(f, "h3");
	assert_int_equal(ctl_vol_attach(f->t.db, &v, &in, "/dev/sdf", NOW, &a,
	    &err), 0);
	assert_int_equal(a.state, CTL_VA_ATTACHING);
	assert_false(a.delete_on_termination);
	assert_true(generation(f, "h1") > g1);
	assert_int_equal(generation(f, "h3"), g3);
	/* The domain lacks it: still attaching; then has it: attached. */
	memset(&act, 0, sizeof(act));
	(void)snprintf(act.id, sizeof(act.id), "%s", I_RUN);
	act.state = MC_PROTO_ACTUAL_RUNNING;
	assert_int_equal(ctl_vol_report(f->t.db, &in, &act, &moved, &err), 0);
	assert_false(moved);
	/* A volume the controller does not want is the agent's to drop. */
	(void)snprintf(act.vols[0].vol, sizeof(act.vols[0].vol), "%s", w.id);
	(void)snprintf(act.vols[1].vol, sizeof(act.vols[1].vol), "%s", v.id);
	act.n_vols = 2;
	assert_int_equal(ctl_vol_report(f->t.db, &in, &act, &moved, &err), 0);
	assert_true(moved);
	assert_int_equal(reload(f, v.id).att.state, CTL_VA_ATTACHED);
	assert_false(reload(f, w.id).attached);
	/* Detach: only the matching attachment, then detaching, then gone. */
	v = reload(f, v.id);
	assert_int_equal(ctl_vol_detach(f->t.db, &v, I_STOP, NULL, &a, &err),
	    -1);
	assert_int_equal(err.code, MC_EC_INVALID_ATTACHMENT_NOT_FOUND);
	memset(&err, 0, sizeof(err));
	assert_int_equal(ctl_vol_detach(f->t.db, &v, NULL, "/dev/sdg", &a, &err),
	    -1);
	assert_int_equal(err.code, MC_EC_INVALID_ATTACHMENT_NOT_FOUND);
	memset(&err, 0, sizeof(err));
	assert_int_equal(ctl_vol_detach(f->t.db, &w, NULL, NULL, &a, &err), -1);
	assert_int_equal(err.code, MC_EC_INCORRECT_STATE);
	memset(&err, 0, sizeof(err));
	assert_int_equal(ctl_vol_detach(f->t.db, &v, I_RUN, "/dev/sdf", &a,
	    &err), 0);
	assert_int_equal(a.state, CTL_VA_DETACHING);
	assert_int_equal(ctl_vol_report(f->t.db, &in, &act, &moved, &err), 0);
	assert_int_equal(reload(f, v.id).att.state, CTL_VA_DETACHING);
	act.n_vols = 0;
	assert_int_equal(ctl_vol_report(f->t.db, &in, &act, &moved, &err), 0);
	v = reload(f, v.id);
	assert_false(v.attached);
	assert_string_equal(ctl_vol_status(&v), "available");
	assert_int_equal(ctl_vol_delete(f->t.db, &v, &err), 0);
	assert_int_equal(ctl_vol_find(f->t.db, ACCOUNT, v.id, &w, &err), -1);
}

static void
test_stopped_and_terminated(void **state)
{
	struct fixture		*f = *state;
	struct ctl_vol		 a, b, c;
	struct ctl_vol_att	 att;
	struct ctl_inst		 stop = inst(f, I_STOP), bare = inst(f, I_BARE);
	struct mc_err		 err = { 0 };

	make(f, "mc-1a", &a);
	make(f, "mc-1a", &b);
	make(f, "mc-1a", &c);
	/* A defined domain is cold-attached by the agent; none: at once. */
	assert_int_equal(ctl_vol_attach(f->t.db, &a, &stop, "/dev/sdf", NOW,
	    &att, &err), 0);
	assert_int_equal(att.state, CTL_VA_ATTACHING);
	assert_int_equal(ctl_vol_attach(f->t.db, &b, &bare, "/dev/sdf", NOW,
	    &att, &err), 0);
	assert_int_equal(att.state, CTL_VA_ATTACHED);
	b = reload(f, b.id);
	assert_int_equal(ctl_vol_detach(f->t.db, &b, NULL, NULL, &att, &err), 0);
	assert_int_equal(att.state, CTL_VA_DETACHED);
	assert_false(reload(f, b.id).attached);
	/* An agent that finds no domain: attaching ones are attached. */
	assert_int_equal(ctl_vol_report(f->t.db, &stop, NULL, &(bool){ false },
	    &err), 0);
	assert_int_equal(reload(f, a.id).att.state, CTL_VA_ATTACHED);
	/* Terminated: every volume is free, delete-on-termination gone. */
	assert_int_equal(ctl_vol_attach(f->t.db, &c, &stop, "/dev/sdg", NOW,
	    &att, &err), 0);
	sql(f->t.db, "UPDATE vol_attachments SET delete_on_termination = 1 "
	    "WHERE device = '/dev/sdg'");
	assert_int_equal(ctl_vol_release_instance(f->t.db, I_STOP, &err), 0);
	assert_false(reload(f, a.id).attached);
	assert_int_equal(ctl_vol_find(f->t.db, ACCOUNT, c.id, &b, &err), -1);
	assert_int_equal(err.code, MC_EC_INVALID_VOLUME_NOT_FOUND);
}

static void
test_desired_and_modify(void **state)
{
	struct fixture			*f = *state;
	struct ctl_vol			 a, b, far, root;
	struct ctl_vol_att		 att;
	struct ctl_vol_spec		 want;
	struct ctl_vol_mod		 m;
	struct ctl_inst			 in = inst(f, I_RUN);
	struct mc_proto_desired		 d, back;
	MC_AUTOFREE char		*json = NULL;
	struct mc_err			 err = { 0 };
	uint64_t			 g2, g3;
	size_t				 i;

	make(f, "mc-1a", &a);
	make(f, "mc-1a", &b);
	make(f, "mc-1b", &far);
	assert_int_equal(ctl_vol_attach(f->t.db, &a, &in, "/dev/sdf", NOW, &att,
	    &err), 0);
	assert_int_equal(ctl_vol_attach(f->t.db, &b, &in, "/dev/sdg", NOW, &att,
	    &err), 0);
	b = reload(f, b.id);
	assert_int_equal(ctl_vol_detach(f->t.db, &b, NULL, NULL, &att, &err), 0);
	/* A root volume: named as the instance's disk, its size the disk's. */
	want = a.spec;
	want.size_gib = 3;
	assert_int_equal(ctl_vol_create_root(f->t.db, ACCOUNT, "mc-1a", &want,
	    NOW, &root, &err), 0);
	assert_int_equal(ctl_vol_attach_root(f->t.db, root.id, I_RUN,
	    "/dev/xvda", NOW, &err), 0);
	assert_int_equal(ctl_desired_load(f->t.db, &f->conf, "h1", NULL, &d,
	    &err), 0);
	assert_int_equal(d.n_volumes, 2);	/* the zone's, not mc-1b's */
	assert_non_null(mc_proto_desired_volume(&d, a.id));
	assert_non_null(mc_proto_desired_volume(&d, b.id));
	for (i = 0; i < d.n; i++)
		if (strcmp(d.v[i].id, I_RUN) == 0)
			break;
	assert_true(i < d.n);
	assert_int_equal(d.v[i].n_vols, 1);	/* b is detaching */
	assert_string_equal(d.v[i].vols[0].vol, a.id);
	assert_string_equal(d.v[i].vols[0].device, "/dev/sdf");
	assert_string_equal(d.v[i].root_vol, root.id);
	assert_int_equal(d.v[i].root_bytes, 3ULL << 30);
	/* What the agent's parser makes of it. */
	assert_non_null(json = mc_proto_desired_json(&d));
	assert_int_equal(mc_proto_desired_parse(json, strlen(json), &back,
	    &err), 0);
	assert_int_equal(back.n_volumes, 2);
	assert_int_equal(mc_proto_desired_volume(&back, a.id)->size_gib, 10);
	mc_proto_desired_clear(&back);
	mc_proto_desired_clear(&d);
	/* A bigger volume: its zone's hosts hear, the other zone's not. */
	g2 = generation(f, "h2");
	g3 = generation(f, "h3");
	want = a.spec;
	want.size_gib = 20;
	assert_int_equal(ctl_vol_modify(f->t.db, &a, &want, NOW, &m, &err), 0);
	assert_int_equal(m.old.size_gib, 10);
	assert_int_equal(m.now.size_gib, 20);
	assert_string_equal(m.state, "completed");
	assert_true(generation(f, "h2") > g2);
	assert_int_equal(generation(f, "h3"), g3);
	assert_int_equal(ctl_desired_load(f->t.db, &f->conf, "h3", NULL, &d,
	    &err), 0);
	assert_int_equal(d.n_volumes, 1);
	assert_string_equal(d.volumes[0].id, far.id);
	mc_proto_desired_clear(&d);
	assert_int_equal(ctl_desired_load(f->t.db, &f->conf, "h2", NULL, &d,
	    &err), 0);
	assert_int_equal(mc_proto_desired_volume(&d, a.id)->size_gib, 20);
	mc_proto_desired_clear(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create_find_limits, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_attach_refusals, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_attach_report_detach, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_stopped_and_terminated,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_desired_and_modify, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

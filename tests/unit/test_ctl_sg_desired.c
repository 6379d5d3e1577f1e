/*
 * Tests of the security groups in a host's desired state: the groups of
 * its interfaces and, in turn, every group their rules name; members
 * from every host, through the VPC's view as the agent holds it (whole
 * once, then changes; ctl_view, agt_view); the overlay's peers; what
 * the agent's own parser makes of the message; and the hosts a change
 * of rules wakes.
 */
#include <sqlite3.h>

#include "ctl_test.h"

#include "mc_cleanup.h"
#include "mc_err.h"
#include "mc_proto.h"
#include "ctl_conf.h"
#include "ctl_desired.h"
#include "ctl_eni.h"
#include "ctl_hosts.h"
#include "ctl_sg.h"
#include "ctl_sgr.h"
#include "ctl_sql.h"
#include "ctl_store.h"
#include "ctl_view.h"
#include "ctl_vpc.h"
#include "agt_view.h"

#define ACCOUNT	"111111111111"
#define NOW	1700000000000LL
#define SHA	"0123456789abcdef0123456789abcdef" \
		"0123456789abcdef0123456789abcdef"

struct fixture {
	struct ctl_test_db	 t;
	struct ctl_conf		 conf;
	struct ctl_subnet	 subnet;
	struct ctl_vpc		 vpc;
};

static void
sql(sqlite3 *db, const char *s)
{
	assert_int_equal(sqlite3_exec(db, s, NULL, NULL, NULL), SQLITE_OK);
}

static int
setup(void **state)
{
	struct fixture	*f = calloc(1, sizeof(*f));
	struct mc_cidr	 cidr;
	struct mc_err	 err = { 0 };

	f->conf.max_vpcs = 5;
	f->conf.region = "mc-1";
	f->conf.stop_timeout_s = 60;
	(void)snprintf(f->conf.dns_domain, sizeof(f->conf.dns_domain),
	    "mc-1.compute.internal");
	ctl_test_db_open(&f->t);
	assert_true(mc_cidr_parse("10.0.0.0/16", &cidr));
	assert_int_equal(ctl_vpc_create(f->t.db, &f->conf, ACCOUNT, &cidr, false,
	    NOW, &f->vpc, &err), 0);
	assert_true(mc_cidr_parse("10.0.1.0/24", &cidr));
	assert_int_equal(ctl_subnet_create(f->t.db, ACCOUNT, &f->vpc, &cidr,
	    "mc-1a", false, false, NOW, &f->subnet, &err), 0);
	sql(f->t.db, "INSERT INTO hosts (name, zone, vcpus, mem_mib, disk_gib, "
	    "accel, registered_ms, last_seen_ms) VALUES "
	    "('h1', 'mc-1a', 4, 4096, 100, 'tcg', 1, 1), "
	    "('h2', 'mc-1a', 4, 4096, 100, 'tcg', 1, 1), "
	    "('h3', 'mc-1a', 4, 4096, 100, 'tcg', 1, 1);"
	    "INSERT INTO images (id, owner, name, state, format, sha256, size, "
	    "created_ms) VALUES ('ami-0123456789abcdef0', '" ACCOUNT "', 'i', "
	    "'available', 'raw', '" SHA "', 1048576, 1);"
	    "INSERT INTO reservations (id, account_id, created_ms) VALUES "
	    "('r-0123456789abcdef0', '" ACCOUNT "', 1);");
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

/* Instance id on host, with an interface in the groups ids. */
static void
instance(struct fixture *f, const char *id, const char *host,
    const char *const *ids, size_t n, struct ctl_eni *ret)
{
	struct ctl_sg_set	s;
	char			q[512];

	(void)snprintf(q, sizeof(q), "INSERT INTO instances (id, account_id, "
	    "reservation_id, launch_index, image_id, instance_type, vcpus, "
	    "mem_mib, disk_gib, zone, host, state, desired, launch_ms, "
	    "state_ms) VALUES ('%s', '" ACCOUNT "', 'r-0123456789abcdef0', 0, "
	    "'ami-0123456789abcdef0', 't3.micro', 2, 1024, 1, 'mc-1a', '%s', "
	    "'running', 'running', 1, 1)", id, host);
	sql(f->t.db, q);
	assert_int_equal(ctl_eni_create(f->t.db, ACCOUNT, &f->subnet, 0, id,
	    false, NOW, ret, NULL), 0);
	assert_int_equal(ctl_sg_resolve(f->t.db, ACCOUNT, f->vpc.id, ids, n,
	    NULL, 0, &s, NULL), 0);
	assert_int_equal(ctl_sg_eni_set(f->t.db, ret->id, &s, NULL), 0);
}

/* A new group of the VPC whose one ingress rule names peer (or none). */
static void
group(struct fixture *f, const char *name, const char *peer,
    struct ctl_sg *ret)
{
	struct ctl_sg_rule r;

	assert_int_equal(ctl_sg_create(f->t.db, ACCOUNT, f->vpc.id, name, name,
	    NOW, ret, NULL), 0);
	if (peer == NULL)
		return;
	memset(&r, 0, sizeof(r));
	r.proto = 6;
	r.from = r.to = 5432;
	(void)snprintf(r.ref_group, sizeof(r.ref_group), "%s", peer);
	assert_int_equal(ctl_sgr_add(f->t.db, ret, &r, 1, NOW, NULL), 0);
}

static uint64_t
generation(struct fixture *f, const char *host)
{
	uint64_t g = 0;

	assert_int_equal(ctl_hosts_generation(f->t.db, host, &g, NULL), 0);
	return g;
}

/*
 * host's desired state as its agent gets it: asked with what v holds,
 * through the wire, and applied to v (which fills in the members).
 * *ret_view (when not NULL) gets the view as sent.
 */
static void
agent_load(struct fixture *f, const char *host, struct agt_view *v,
    struct mc_proto_desired *ret, struct mc_proto_view *ret_view)
{
	struct ctl_view_held	 held;
	struct mc_proto_desired	 d;
	struct mc_err		 err = { 0 };
	MC_AUTOFREE char	*q = agt_view_query(v), *json = NULL;
	char			*seq, *vpcs;

	/* q is "&view=SEQ&vpcs=LIST", as the agent's URL ends. */
	assert_non_null(q);
	assert_non_null(seq = strstr(q, "&view="));
	assert_non_null(vpcs = strstr(q, "&vpcs="));
	*vpcs = '\0';
	assert_int_equal(ctl_view_held_parse(seq + 6, vpcs + 6, &held, &err),
	    0);
	assert_int_equal(ctl_desired_load(f->t.db, &f->conf, host, &held, &d,
	    &err), 0);
	ctl_view_held_clear(&held);
	assert_non_null(json = mc_proto_desired_json(&d));
	mc_proto_desired_clear(&d);
	assert_int_equal(mc_proto_desired_parse(json, strlen(json), ret,
	    &err), 0);
	if (ret_view != NULL)
		assert_int_equal(mc_proto_desired_parse(json, strlen(json), &d,
		    &err), 0);
	assert_true(agt_view_apply(v, ret, &err) >= 0);
	if (ret_view != NULL) {
		*ret_view = d.view;
		memset(&d.view, 0, sizeof(d.view));
		mc_proto_desired_clear(&d);
	}
}

static void
test_closure_and_members(void **state)
{
	struct fixture			*f = *state;
	struct ctl_sg			 a, b, c;
	struct ctl_eni			 e1, e2;
	struct mc_proto_desired		 d;
	struct mc_proto_view		 sent;
	const struct mc_proto_sg	*g;
	struct agt_view			*v = agt_view_new();
	const char			*ids[2];
	char				 ip[MC_IPV4_STR_MAX];

	/* a names b, b names c: a host with a member of a needs all three. */
	group(f, "c", NULL, &c);
	group(f, "b", c.id, &b);
	group(f, "a", b.id, &a);
	ids[0] = a.id;
	instance(f, "i-00000000000000001", "h1", ids, 1, &e1);
	ids[0] = b.id;
	ids[1] = a.id;
	instance(f, "i-00000000000000002", "h2", ids, 2, &e2);

	agent_load(f, "h1", v, &d, &sent);
	assert_int_equal(sent.n_vpcs, 1);
	assert_true(sent.vpcs[0].full);
	assert_int_equal(sent.vpcs[0].n_enis, 2);
	mc_proto_view_clear(&sent);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.v[0].nic.groups.n, 1);
	assert_string_equal(d.v[0].nic.groups.v[0], a.id);
	assert_int_equal(d.n_groups, 3);
	assert_non_null(g = mc_proto_desired_group(&d, a.id));
	assert_string_equal(g->name, "a");
	assert_string_equal(g->vpc, f->vpc.id);
	assert_int_equal(g->n_rules, 2);	/* all out, 5432 from b */
	assert_true(g->rules[0].egress);
	assert_string_equal(g->rules[0].cidr, "0.0.0.0/0");
	assert_string_equal(g->rules[1].group, b.id);
	assert_int_equal(g->rules[1].proto, 6);
	assert_int_equal(g->rules[1].from, 5432);
	/* Members on every host, in address order. */
	assert_int_equal(g->n_members, 2);
	assert_string_equal(g->members[0].ip, mc_ipv4_str(e1.ip, ip));
	assert_string_equal(g->members[1].ip, mc_ipv4_str(e2.ip, ip));
	assert_non_null(g = mc_proto_desired_group(&d, b.id));
	assert_int_equal(g->n_members, 1);
	assert_string_equal(g->members[0].ip, mc_ipv4_str(e2.ip, ip));
	assert_non_null(g = mc_proto_desired_group(&d, c.id));
	assert_int_equal(g->n_members, 0);
	mc_proto_desired_clear(&d);

	/* Nothing changed: nothing of the view is sent again. */
	agent_load(f, "h1", v, &d, &sent);
	assert_false(sent.vpcs[0].full);
	assert_int_equal(sent.vpcs[0].n_enis, 0);
	assert_int_equal(mc_proto_desired_group(&d, a.id)->n_members, 2);
	mc_proto_view_clear(&sent);
	mc_proto_desired_clear(&d);

	/* Gone: its interface leaves the groups, sent as the one change. */
	assert_int_equal(ctl_eni_release_instance(f->t.db, "i-00000000000000002",
	    NULL), 0);
	agent_load(f, "h1", v, &d, &sent);
	assert_false(sent.vpcs[0].full);
	assert_int_equal(sent.vpcs[0].n_enis, 1);
	assert_true(sent.vpcs[0].enis[0].gone);
	assert_string_equal(sent.vpcs[0].enis[0].id, e2.id);
	assert_int_equal(mc_proto_desired_group(&d, a.id)->n_members, 1);
	assert_int_equal(mc_proto_desired_group(&d, b.id)->n_members, 0);
	mc_proto_view_clear(&sent);
	mc_proto_desired_clear(&d);
	agt_view_free(v);
}

static void
test_view_peers_groups_and_trim(void **state)
{
	struct fixture		*f = *state;
	struct ctl_sg		 a;
	struct ctl_eni		 e1, e2;
	struct mc_proto_desired	 d;
	struct mc_proto_view	 sent;
	struct agt_view		*v = agt_view_new();
	struct mc_err		 err = { 0 };
	const char		*ids[1];

	group(f, "a", NULL, &a);
	sql(f->t.db, "UPDATE hosts SET underlay = '192.0.2.2' WHERE name = "
	    "'h2'");
	instance(f, "i-00000000000000001", "h1", NULL, 0, &e1);
	instance(f, "i-00000000000000002", "h2", NULL, 0, &e2);
	/* The instance on h2 is h1's peer; its own is not. */
	agent_load(f, "h1", v, &d, NULL);
	assert_int_equal(d.n_peers, 1);
	assert_string_equal(d.peers[0].host_ip, "192.0.2.2");
	assert_string_equal(d.peers[0].vpc, f->vpc.id);
	mc_proto_desired_clear(&d);

	/* A host's new address and an interface's new groups: changes. */
	sql(f->t.db, "UPDATE hosts SET underlay = '192.0.2.9' WHERE name = "
	    "'h2'");
	ids[0] = a.id;
	assert_int_equal(ctl_sg_eni_replace(f->t.db, ACCOUNT, e1.id, f->vpc.id,
	    ids, 1, &err), 0);
	agent_load(f, "h1", v, &d, &sent);
	assert_false(sent.vpcs[0].full);
	assert_int_equal(sent.vpcs[0].n_enis, 2);
	assert_string_equal(d.peers[0].host_ip, "192.0.2.9");
	assert_int_equal(mc_proto_desired_group(&d, a.id)->n_members, 1);
	mc_proto_view_clear(&sent);
	mc_proto_desired_clear(&d);

	/* Trimmed past what the agent holds: sent whole again. */
	sql(f->t.db, "UPDATE hosts SET underlay = '192.0.2.10' WHERE name = "
	    "'h2'");
	assert_true(ctl_view_trim(f->t.db, 0, &err) > 0);
	agent_load(f, "h1", v, &d, &sent);
	assert_true(sent.vpcs[0].full);
	assert_int_equal(sent.vpcs[0].n_enis, 2);
	assert_string_equal(d.peers[0].host_ip, "192.0.2.10");
	mc_proto_view_clear(&sent);
	mc_proto_desired_clear(&d);
	/* At the floor itself, nothing is missing. */
	agent_load(f, "h1", v, &d, &sent);
	assert_false(sent.vpcs[0].full);
	mc_proto_view_clear(&sent);
	mc_proto_desired_clear(&d);

	/* Its last instance gone, the host drops the VPC. */
	sql(f->t.db, "UPDATE instances SET state = 'terminated' WHERE id = "
	    "'i-00000000000000001'");
	agent_load(f, "h1", v, &d, &sent);
	assert_int_equal(sent.n_vpcs, 0);
	assert_int_equal(d.n_peers, 0);
	mc_proto_desired_clear(&d);
	agt_view_free(v);
}

static void
test_view_bad_input(void **state)
{
	static const char *const bad_seq[] = { "", "-1", "1x", " 1",
	    "99999999999999999999", "9223372036854775808" };
	static const char *const bad_vpcs[] = { ",", "vpc-0123456789abcdef0,",
	    ",vpc-0123456789abcdef0", "vpc-0123456789abcdef0,,x", "sg-1",
	    "vpc-0123456789abcdef0123456789abcdef0123" };
	struct fixture		*f = *state;
	struct ctl_view_held	 h;
	struct mc_proto_desired	 d;
	struct mc_err		 err = { 0 };
	struct agt_view		*v = agt_view_new();
	const char		*json;
	size_t			 i;

	for (i = 0; i < sizeof(bad_seq) / sizeof(bad_seq[0]); i++) {
		assert_int_equal(ctl_view_held_parse(bad_seq[i], NULL, &h, &err),
		    -1);
		assert_int_equal(err.code, MC_EC_INVALID_PARAMETER_VALUE);
	}
	for (i = 0; i < sizeof(bad_vpcs) / sizeof(bad_vpcs[0]); i++)
		assert_int_equal(ctl_view_held_parse("1", bad_vpcs[i], &h,
		    &err), -1);
	assert_int_equal(ctl_view_held_parse(NULL, "", &h, &err), 0);
	assert_int_equal(h.n_vpcs, 0);
	assert_int_equal(ctl_view_held_parse("7", "vpc-0123456789abcdef0,"
	    "vpc-0123456789abcdef1", &h, &err), 0);
	assert_int_equal(h.seq, 7);
	assert_int_equal(h.n_vpcs, 2);
	/* A VPC the host does not need is no error: it is not sent. */
	assert_int_equal(ctl_desired_load(f->t.db, &f->conf, "h1", &h, &d,
	    &err), 0);
	assert_int_equal(d.view.n_vpcs, 0);
	mc_proto_desired_clear(&d);
	ctl_view_held_clear(&h);

	/* The agent refuses malformed views ... */
	json = "{\"generation\":1,\"stop_timeout_s\":1,\"view\":{\"seq\":1,"
	    "\"vpcs\":[{\"id\":\"vpc-0123456789abcdef0\",\"full\":true,"
	    "\"enis\":[{\"id\":\"eni-0123456789abcdef0\",\"gone\":true}]}]}}";
	assert_int_equal(mc_proto_desired_parse(json, strlen(json), &d, &err),
	    -1);
	json = "{\"generation\":1,\"stop_timeout_s\":1,\"view\":{\"seq\":1,"
	    "\"vpcs\":[{\"id\":\"vpc-0123456789abcdef0\",\"enis\":[{\"id\":"
	    "\"eni-0123456789abcdef0\"}]}]}}";
	assert_int_equal(mc_proto_desired_parse(json, strlen(json), &d, &err),
	    -1);
	json = "{\"generation\":1,\"stop_timeout_s\":1,\"view\":{\"seq\":1,"
	    "\"vpcs\":[{\"id\":\"vpc-0123456789abcdef0\"},{\"id\":"
	    "\"vpc-0123456789abcdef0\"}]}}";
	assert_int_equal(mc_proto_desired_parse(json, strlen(json), &d, &err),
	    -1);
	/* ... and changes to a VPC it does not hold (then asks whole). */
	json = "{\"generation\":1,\"stop_timeout_s\":1,\"view\":{\"seq\":1,"
	    "\"vpcs\":[{\"id\":\"vpc-0123456789abcdef0\",\"enis\":[{\"id\":"
	    "\"eni-0123456789abcdef0\",\"ip\":\"10.0.1.4\",\"host_ip\":\"\","
	    "\"groups\":[]}]}]}}";
	assert_int_equal(mc_proto_desired_parse(json, strlen(json), &d, &err),
	    0);
	assert_int_equal(agt_view_apply(v, &d, &err), -1);
	mc_proto_desired_clear(&d);
	agt_view_free(v);
}

static void
test_rule_change_bumps_the_vpcs_hosts(void **state)
{
	struct fixture		*f = *state;
	struct ctl_sg		 a;
	struct ctl_sg_rule	 r;
	struct ctl_eni		 e;
	const char		*ids[1];
	uint64_t		 h1, h2, h3;

	group(f, "a", NULL, &a);
	ids[0] = a.id;
	instance(f, "i-00000000000000001", "h1", ids, 1, &e);
	instance(f, "i-00000000000000002", "h2", NULL, 0, &e);
	h1 = generation(f, "h1");
	h2 = generation(f, "h2");
	h3 = generation(f, "h3");
	memset(&r, 0, sizeof(r));
	r.proto = -1;
	r.from = r.to = -1;
	(void)snprintf(r.cidr, sizeof(r.cidr), "10.0.0.0/8");
	assert_int_equal(ctl_sgr_add(f->t.db, &a, &r, 1, NOW, NULL), 0);
	/* Both hosts of the VPC, not the one without instances there. */
	assert_true(generation(f, "h1") > h1);
	assert_true(generation(f, "h2") > h2);
	assert_int_equal(generation(f, "h3"), h3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_closure_and_members,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_view_peers_groups_and_trim, setup, teardown),
		cmocka_unit_test_setup_teardown(test_view_bad_input, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_rule_change_bumps_the_vpcs_hosts, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

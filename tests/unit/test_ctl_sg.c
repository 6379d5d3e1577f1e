/*
 * Tests of the security groups in the store (ctl_sg, ctl_sgr) on a real
 * database: the default group of every VPC, EC2's checks on names,
 * rules added, found duplicate, limited, revoked and modified, the
 * groups of an interface, what may and may not be deleted, and the
 * migration that gives existing VPCs their default group.
 */
#include <sqlite3.h>

#include "ctl_test.h"

#include "mc_cleanup.h"
#include "mc_err.h"
#include "ctl_conf.h"
#include "ctl_eni.h"
#include "ctl_sg.h"
#include "ctl_sgr.h"
#include "ctl_sql.h"
#include "ctl_store.h"
#include "ctl_store_priv.h"
#include "ctl_vpc.h"

#define ACCOUNT	"111111111111"
#define NOW	1700000000000LL

struct fixture {
	struct ctl_test_db	t;
	struct ctl_vpc		vpc, other;	/* two VPCs of ACCOUNT */
};

static int
setup(void **state)
{
	struct fixture	*f = calloc(1, sizeof(*f));
	struct ctl_conf	 c;
	struct mc_cidr	 cidr;
	struct mc_err	 err = { 0 };

	memset(&c, 0, sizeof(c));
	c.max_vpcs = 5;
	ctl_test_db_open(&f->t);
	assert_true(mc_cidr_parse("10.0.0.0/16", &cidr));
	assert_int_equal(ctl_vpc_create(f->t.db, &c, ACCOUNT, &cidr, false, NOW,
	    &f->vpc, &err), 0);
	assert_int_equal(ctl_vpc_create(f->t.db, &c, ACCOUNT, &cidr, false, NOW,
	    &f->other, &err), 0);
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

/* A rule of the tests: proto, ports, a block or a group. */
static struct ctl_sg_rule
rule(bool egress, int proto, int from, int to, const char *cidr,
    const char *group)
{
	struct ctl_sg_rule r;

	memset(&r, 0, sizeof(r));
	r.egress = egress;
	r.proto = proto;
	r.from = from;
	r.to = to;
	(void)snprintf(r.cidr, sizeof(r.cidr), "%s", cidr);
	(void)snprintf(r.ref_group, sizeof(r.ref_group), "%s", group);
	return r;
}

static void
test_default_group(void **state)
{
	struct fixture			*f = *state;
	struct ctl_sg			 g, g2;
	MC_AUTOFREE struct ctl_sg_rule	*r = NULL;
	struct mc_err			 err = { 0 };
	size_t				 n = 0;

	assert_int_equal(ctl_sg_find_name(f->t.db, ACCOUNT, f->vpc.id,
	    "default", &g, &err), 0);
	assert_string_equal(g.description, "default VPC security group");
	assert_string_equal(g.vpc_id, f->vpc.id);
	assert_int_equal(ctl_sg_find_name(f->t.db, ACCOUNT, f->vpc.id,
	    "DEFAULT", &g2, &err), 0);
	assert_string_equal(g2.id, g.id);
	assert_int_equal(ctl_sg_find(f->t.db, ACCOUNT, g.id, &g2, &err), 0);
	assert_int_equal(ctl_sg_find(f->t.db, "222222222222", g.id, &g2, &err),
	    -1);
	assert_int_equal(err.code, MC_EC_INVALID_GROUP_NOT_FOUND);

	/* All protocols in from its members, everything out. */
	assert_int_equal(ctl_sgr_load(f->t.db, g.id, &r, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_false(r[0].egress);
	assert_int_equal(r[0].proto, -1);
	assert_string_equal(r[0].ref_group, g.id);
	assert_true(r[1].egress);
	assert_string_equal(r[1].cidr, "0.0.0.0/0");
	assert_non_null(strstr(r[0].id, "sgr-"));

	err.code = MC_EC_NONE;
	assert_int_equal(ctl_sg_delete(f->t.db, &g, &err), -1);
	assert_int_equal(err.code, MC_EC_CANNOT_DELETE);
}

static void
test_create_checks(void **state)
{
	static const struct {
		const char	*name, *desc;
		enum mc_ec	 want;
	} cases[] = {
		{ "web", "web servers", MC_EC_NONE },
		{ "WEB", "same name, other case", MC_EC_INVALID_GROUP_DUPLICATE },
		{ "default", "x", MC_EC_INVALID_GROUP_RESERVED },
		{ "Default", "x", MC_EC_INVALID_GROUP_RESERVED },
		{ "sg-123", "x", MC_EC_INVALID_PARAMETER_VALUE },
		{ "", "x", MC_EC_INVALID_PARAMETER_VALUE },
		{ "db", "", MC_EC_INVALID_PARAMETER_VALUE },
		{ "caf\xc3\xa9", "x", MC_EC_INVALID_PARAMETER_VALUE },
		{ "db", "bad\nline", MC_EC_INVALID_PARAMETER_VALUE },
	};
	struct fixture			*f = *state;
	struct ctl_sg			 g;
	MC_AUTOFREE struct ctl_sg_rule	*r = NULL;
	size_t				 i, n = 0;

	for (i = 0; i < MC_NELEMS(cases); i++) {
		struct mc_err err = { 0 };

		assert_int_equal(ctl_sg_create(f->t.db, ACCOUNT, f->vpc.id,
		    cases[i].name, cases[i].desc, NOW, &g, &err),
		    cases[i].want == MC_EC_NONE ? 0 : -1);
		assert_int_equal(err.code, cases[i].want);
	}
	/* A name is per VPC. */
	assert_int_equal(ctl_sg_create(f->t.db, ACCOUNT, f->other.id, "web",
	    "web", NOW, &g, NULL), 0);
	/* One rule: everything out. */
	assert_int_equal(ctl_sgr_load(f->t.db, g.id, &r, &n, NULL), 0);
	assert_int_equal(n, 1);
	assert_true(r[0].egress);
	assert_int_equal(r[0].proto, -1);
	assert_string_equal(r[0].cidr, "0.0.0.0/0");
}

static void
test_rules(void **state)
{
	struct fixture			*f = *state;
	struct ctl_sg			 web, db, far;
	struct ctl_sg_rule		 v[2], one;
	MC_AUTOFREE struct ctl_sg_rule	*r = NULL;
	struct mc_err			 err = { 0 };
	size_t				 n = 0;

	assert_int_equal(ctl_sg_create(f->t.db, ACCOUNT, f->vpc.id, "web", "w",
	    NOW, &web, &err), 0);
	assert_int_equal(ctl_sg_create(f->t.db, ACCOUNT, f->vpc.id, "db", "d",
	    NOW, &db, &err), 0);
	assert_int_equal(ctl_sg_create(f->t.db, ACCOUNT, f->other.id, "far",
	    "f", NOW, &far, &err), 0);
	v[0] = rule(false, 6, 22, 22, "0.0.0.0/0", "");
	v[1] = rule(false, 6, 5432, 5432, "", "");
	(void)snprintf(v[1].ref_name, sizeof(v[1].ref_name), "web");
	assert_int_equal(ctl_sgr_add(f->t.db, &db, v, 2, NOW, &err), 0);
	assert_string_equal(v[1].ref_group, web.id);
	assert_non_null(strstr(v[0].id, "sgr-"));

	/* The same again, alone or twice in one request. */
	one = rule(false, 6, 22, 22, "0.0.0.0/0", "");
	assert_int_equal(ctl_sgr_add(f->t.db, &db, &one, 1, NOW, &err), -1);
	assert_int_equal(err.code, MC_EC_INVALID_PERMISSION_DUPLICATE);
	assert_non_null(strstr(err.msg, "peer: 0.0.0.0/0, TCP, from port: 22"));
	err.code = MC_EC_NONE;
	v[0] = v[1] = rule(false, 17, 53, 53, "10.0.0.0/8", "");
	assert_int_equal(ctl_sgr_add(f->t.db, &db, v, 2, NOW, &err), -1);
	assert_int_equal(err.code, MC_EC_INVALID_PARAMETER_VALUE);

	/* Peers must be in the same VPC. */
	err.code = MC_EC_NONE;
	one = rule(false, -1, -1, -1, "", far.id);
	assert_int_equal(ctl_sgr_add(f->t.db, &db, &one, 1, NOW, &err), -1);
	assert_int_equal(err.code, MC_EC_INVALID_GROUP_NOT_FOUND);
	err.code = MC_EC_NONE;
	one = rule(false, -1, -1, -1, "", "sg-00000000000000000");
	assert_int_equal(ctl_sgr_add(f->t.db, &db, &one, 1, NOW, &err), -1);
	assert_int_equal(err.code, MC_EC_INVALID_GROUP_NOT_FOUND);

	/* Referenced by db's rule: web cannot go. */
	err.code = MC_EC_NONE;
	assert_int_equal(ctl_sg_delete(f->t.db, &web, &err), -1);
	assert_int_equal(err.code, MC_EC_DEPENDENCY_VIOLATION);

	/* Revoke by value: absent, then present. */
	err.code = MC_EC_NONE;
	one = rule(false, 6, 23, 23, "0.0.0.0/0", "");
	assert_int_equal(ctl_sgr_revoke(f->t.db, &db, &one, 1, &err), -1);
	assert_int_equal(err.code, MC_EC_INVALID_PERMISSION_NOT_FOUND);
	one = rule(false, 6, 5432, 5432, "", web.id);
	assert_int_equal(ctl_sgr_revoke(f->t.db, &db, &one, 1, NULL), 0);
	assert_non_null(strstr(one.id, "sgr-"));
	assert_int_equal(ctl_sg_delete(f->t.db, &web, NULL), 0);

	/* db now holds tcp/22 in and everything out. */
	assert_int_equal(ctl_sgr_load(f->t.db, db.id, &r, &n, NULL), 0);
	assert_int_equal(n, 2);
	assert_true(r[0].egress && !r[1].egress);
}

static void
test_limit_and_ids(void **state)
{
	struct fixture			*f = *state;
	struct ctl_sg			 g;
	struct ctl_sg_rule		 v[CTL_SG_RULES_MAX], one;
	MC_AUTOFREE struct ctl_sg_rule	*gone = NULL;
	struct mc_err			 err = { 0 };
	const char			*ids[2];
	size_t				 i;
	char				 cidr[MC_CIDR_STR_MAX];

	assert_int_equal(ctl_sg_create(f->t.db, ACCOUNT, f->vpc.id, "many", "m",
	    NOW, &g, &err), 0);
	for (i = 0; i < CTL_SG_RULES_MAX; i++) {
		(void)snprintf(cidr, sizeof(cidr), "10.%zu.0.0/16", i);
		v[i] = rule(false, 6, 80, 80, cidr, "");
	}
	assert_int_equal(ctl_sgr_add(f->t.db, &g, v, CTL_SG_RULES_MAX, NOW,
	    &err), 0);
	one = rule(false, 6, 81, 81, "0.0.0.0/0", "");
	assert_int_equal(ctl_sgr_add(f->t.db, &g, &one, 1, NOW, &err), -1);
	assert_int_equal(err.code, MC_EC_RULES_PER_SG_LIMIT_EXCEEDED);
	/* The other way still has room. */
	one = rule(true, 6, 81, 81, "0.0.0.0/0", "");
	assert_int_equal(ctl_sgr_add(f->t.db, &g, &one, 1, NOW, NULL), 0);

	/* By id: an ingress id is not an egress rule. */
	err.code = MC_EC_NONE;
	ids[0] = v[0].id;
	assert_int_equal(ctl_sgr_revoke_ids(f->t.db, &g, true, ids, 1, &gone,
	    &err), -1);
	assert_int_equal(err.code, MC_EC_INVALID_SG_RULE_ID_NOT_FOUND);
	ids[1] = v[0].id;
	assert_int_equal(ctl_sgr_revoke_ids(f->t.db, &g, false, ids, 2, &gone,
	    NULL), 1);
	assert_string_equal(gone[0].cidr, "10.0.0.0/16");
	err.code = MC_EC_NONE;
	assert_int_equal(ctl_sgr_find(f->t.db, ACCOUNT, v[0].id, &one, &err),
	    -1);
	assert_int_equal(err.code, MC_EC_INVALID_SG_RULE_ID_NOT_FOUND);

	/* Modify keeps the id; it may not become a copy of another. */
	one = rule(false, 6, 8080, 8081, "10.1.0.0/16", "");
	(void)snprintf(one.id, sizeof(one.id), "%s", v[1].id);
	assert_int_equal(ctl_sgr_modify(f->t.db, &g, &one, NULL), 0);
	assert_int_equal(ctl_sgr_find(f->t.db, ACCOUNT, v[1].id, &one, NULL), 0);
	assert_int_equal(one.from, 8080);
	one = rule(false, 6, 80, 80, "10.2.0.0/16", "");
	(void)snprintf(one.id, sizeof(one.id), "%s", v[1].id);
	err.code = MC_EC_NONE;
	assert_int_equal(ctl_sgr_modify(f->t.db, &g, &one, &err), -1);
	assert_int_equal(err.code, MC_EC_INVALID_PERMISSION_DUPLICATE);
}

static void
test_members(void **state)
{
	struct fixture		*f = *state;
	struct ctl_sg		 a, b, far;
	struct ctl_sg_set	 s, got;
	struct ctl_subnet	 sub;
	struct ctl_eni		 eni;
	struct mc_cidr		 cidr;
	struct mc_err		 err = { 0 };
	const char		*ids[6], *names[2];

	assert_int_equal(ctl_sg_create(f->t.db, ACCOUNT, f->vpc.id, "a", "a",
	    NOW, &a, &err), 0);
	assert_int_equal(ctl_sg_create(f->t.db, ACCOUNT, f->vpc.id, "b", "b",
	    NOW, &b, &err), 0);
	assert_int_equal(ctl_sg_create(f->t.db, ACCOUNT, f->other.id, "far",
	    "f", NOW, &far, &err), 0);

	/* Nothing asked: the default group. */
	assert_int_equal(ctl_sg_resolve(f->t.db, ACCOUNT, f->vpc.id, NULL, 0,
	    NULL, 0, &s, &err), 0);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.v[0].name, "default");
	/* Ids and names, in order, repeats once. */
	ids[0] = b.id;
	ids[1] = b.id;
	names[0] = "a";
	assert_int_equal(ctl_sg_resolve(f->t.db, ACCOUNT, f->vpc.id, ids, 2,
	    names, 1, &s, &err), 0);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.v[0].id, b.id);
	assert_string_equal(s.v[1].name, "a");
	/* Another VPC's group, an unknown one, too many. */
	ids[0] = far.id;
	assert_int_equal(ctl_sg_resolve(f->t.db, ACCOUNT, f->vpc.id, ids, 1,
	    NULL, 0, &got, &err), -1);
	assert_int_equal(err.code, MC_EC_INVALID_PARAMETER);
	err.code = MC_EC_NONE;
	ids[0] = "sg-0000000000000dead";
	assert_int_equal(ctl_sg_resolve(f->t.db, ACCOUNT, f->vpc.id, ids, 1,
	    NULL, 0, &got, &err), -1);
	assert_int_equal(err.code, MC_EC_INVALID_GROUP_NOT_FOUND);
	err.code = MC_EC_NONE;
	ids[0] = "sg-00000000000000001";
	ids[1] = "sg-00000000000000002";
	ids[2] = "sg-00000000000000003";
	ids[3] = "sg-00000000000000004";
	ids[4] = "sg-00000000000000005";
	ids[5] = "sg-00000000000000006";
	assert_int_equal(ctl_sg_resolve(f->t.db, ACCOUNT, f->vpc.id, ids, 6,
	    NULL, 0, &got, &err), -1);
	assert_int_equal(err.code, MC_EC_SGS_PER_INSTANCE_LIMIT_EXCEEDED);

	/* An interface in b and a: neither can go while it is. */
	assert_true(mc_cidr_parse("10.0.1.0/24", &cidr));
	assert_int_equal(ctl_subnet_create(f->t.db, ACCOUNT, &f->vpc, &cidr,
	    "mc-1a", false, false, NOW, &sub, NULL), 0);
	assert_int_equal(ctl_eni_create(f->t.db, ACCOUNT, &sub, 0,
	    "i-0123456789abcdef0", false, NOW, &eni, NULL), 0);
	assert_int_equal(ctl_sg_eni_set(f->t.db, eni.id, &s, NULL), 0);
	assert_int_equal(ctl_sg_eni_groups(f->t.db, eni.id, &got, NULL), 0);
	assert_int_equal(got.n, 2);
	assert_string_equal(got.v[0].id, b.id);
	assert_string_equal(got.v[1].id, a.id);
	err.code = MC_EC_NONE;
	assert_int_equal(ctl_sg_delete(f->t.db, &a, &err), -1);
	assert_int_equal(err.code, MC_EC_DEPENDENCY_VIOLATION);
	/* The interface goes with its instance, and the groups are free. */
	assert_int_equal(ctl_eni_release_instance(f->t.db, "i-0123456789abcdef0",
	    NULL), 0);
	assert_int_equal(ctl_sg_delete(f->t.db, &a, NULL), 0);
	assert_int_equal(ctl_sg_delete(f->t.db, &b, NULL), 0);
}

static void
test_vpc_delete(void **state)
{
	struct fixture	*f = *state;
	struct ctl_sg	 g;
	struct mc_err	 err = { 0 };
	int64_t		 n = -1;

	assert_int_equal(ctl_sg_create(f->t.db, ACCOUNT, f->vpc.id, "x", "x",
	    NOW, &g, &err), 0);
	assert_int_equal(ctl_vpc_delete(f->t.db, ACCOUNT, f->vpc.id, &err), -1);
	assert_int_equal(err.code, MC_EC_DEPENDENCY_VIOLATION);
	assert_int_equal(ctl_sg_delete(f->t.db, &g, NULL), 0);
	assert_int_equal(ctl_vpc_delete(f->t.db, ACCOUNT, f->vpc.id, NULL), 0);
	/* Its default group and rules went with it. */
	assert_int_equal(ctl_sql_int(f->t.db, &n, NULL, "SELECT count(*) FROM "
	    "security_groups WHERE vpc_id = ?", "s", f->vpc.id), 1);
	assert_int_equal(n, 0);
	assert_int_equal(ctl_sql_int(f->t.db, &n, NULL, "SELECT count(*) FROM "
	    "sg_rules r LEFT JOIN security_groups g ON g.id = r.group_id "
	    "WHERE g.id IS NULL", ""), 1);
	assert_int_equal(n, 0);
}

/*
 * A database of schema 4 (before groups) with a VPC and an interface:
 * migration 5 gives the VPC its default group and puts the interface
 * in it.
 */
static void
test_migration(void **state)
{
	char				*dir = mc_test_tmpdir(), *path = NULL;
	struct ctl_store		*store = NULL;
	struct ctl_sg			 g;
	struct ctl_sg_set		 set;
	MC_AUTOFREE struct ctl_sg_rule	*r = NULL;
	struct mc_err			 err = { 0 };
	sqlite3				*db;
	size_t				 i, n = 0;

	(void)state;
	assert_true(asprintf(&path, "%s/%s", dir, CTL_STORE_FILE) > 0);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	for (i = 0; i < 4; i++)
		assert_int_equal(sqlite3_exec(db, ctl_store_migrations[i], NULL,
		    NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 4;"
	    "INSERT INTO vpcs (id, account_id, net, prefix, vni, created_ms) "
	    "VALUES ('vpc-0123456789abcdef0', '" ACCOUNT "', 167772160, 16, 1, "
	    "1);"
	    "INSERT INTO subnets (id, account_id, vpc_id, net, prefix, zone, "
	    "created_ms) VALUES ('subnet-0123456789abcdef0', '" ACCOUNT "', "
	    "'vpc-0123456789abcdef0', 167772416, 24, 'mc-1a', 1);"
	    "INSERT INTO enis (id, account_id, vpc_id, subnet_id, ip, mac, "
	    "instance_id, created_ms) VALUES ('eni-0123456789abcdef0', "
	    "'" ACCOUNT "', 'vpc-0123456789abcdef0', "
	    "'subnet-0123456789abcdef0', 167772420, '02:00:00:00:00:01', "
	    "'i-0123456789abcdef0', 1);", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	assert_int_equal(ctl_store_open(dir, &store, &err), 0);
	db = ctl_store_get(store, &err);
	assert_non_null(db);
	assert_int_equal(ctl_sg_find_name(db, ACCOUNT, "vpc-0123456789abcdef0",
	    "default", &g, &err), 0);
	assert_int_equal(mc_id_check(MC_ID_SG, g.id, NULL), 0);
	assert_int_equal(ctl_sgr_load(db, g.id, &r, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(mc_id_check(MC_ID_SG_RULE, r[0].id, NULL), 0);
	assert_string_equal(r[0].ref_group, g.id);
	assert_true(r[1].egress);
	assert_string_equal(r[1].cidr, "0.0.0.0/0");
	assert_int_equal(ctl_sg_eni_groups(db, "eni-0123456789abcdef0", &set,
	    &err), 0);
	assert_int_equal(set.n, 1);
	assert_string_equal(set.v[0].id, g.id);
	ctl_store_put(store, db);
	ctl_store_free(store);
	mc_test_rmdir(dir);
	free(dir);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_default_group, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_create_checks, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_limit_and_ids, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_members, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vpc_delete, setup,
		    teardown),
		cmocka_unit_test(test_migration),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Tests of loading many instances at once (ctl_inst_load.c) on a real
 * database of 2,500 instances, and of DescribeInstances and
 * DescribeInstanceStatus over it: chunks of every size against the one
 * instance loaders, the conditions SQL narrows on (and those it must
 * leave out), pages that end exactly at a chunk's edge, tokens, filters
 * that SQL cannot narrow on spanning chunks, id lists with unknown ids,
 * an empty account.
 *
 * Instance k (1..N) is i-%017x of k: account B's when k is a multiple
 * of 10, else A's; stopped when k % 4 == 0, else running; on no host
 * when k % 7 == 0, else on h1 (up) when even, h2 (down) when odd; of
 * reservation k / 100; tagged n=k%3 (and five=yes when k % 5 == 0)
 * when A's; with an interface when even and A's; with a volume when
 * k % 50 == 25.
 */
#include <sqlite3.h>

#include "ctl_test.h"

#include "mc_cleanup.h"
#include "mc_err.h"
#include "mc_hex.h"
#include "ctl_api.h"
#include "ctl_conf.h"
#include "ctl_eni.h"
#include "ctl_inst.h"
#include "ctl_instances.h"
#include "ctl_page.h"
#include "ctl_query.h"
#include "ctl_store.h"
#include "ctl_vol.h"
#include "ctl_xml.h"

#define N	2500
#define A	"111111111111"
#define B	"222222222222"
#define EMPTY	"333333333333"
#define NOW	1700000000000LL
#define MAXK	(N + 1)

static struct ctl_test_db	t;
static struct ctl_conf		conf;
static struct ctl_api		api;

static void
sql(const char *s)
{
	assert_int_equal(sqlite3_exec(t.db, s, NULL, NULL, NULL), SQLITE_OK);
}

static void
id_of(int k, char *buf)
{
	(void)snprintf(buf, MC_ID_MAX, "i-%017x", k);
}

/* The k of an instance id, or -1. */
static int
k_of(const char *id)
{
	return (int)strtol(id + 2, NULL, 16);
}

static bool
in_a(int k)
{
	return k % 10 != 0;
}

static int
group_setup(void **state)
{
	char q[2048];

	(void)state;
	ctl_test_db_open(&t);
	conf.dns_domain[0] = '\0';
	(void)snprintf(conf.dns_domain, sizeof(conf.dns_domain), "mc-1.internal");
	conf.host_timeout_s = 30;
	api.conf = &conf;
	api.store = t.store;
	sql("INSERT INTO hosts (name, zone, vcpus, mem_mib, disk_gib, accel, "
	    "registered_ms, last_seen_ms) VALUES "
	    "('h1', 'mc-1a', 4, 4096, 100, 'tcg', 1, 1700000000000), "
	    "('h2', 'mc-1a', 4, 4096, 100, 'tcg', 1, 1600000000000);"
	    "INSERT INTO vpcs (id, account_id, net, prefix, vni, created_ms) "
	    "VALUES ('vpc-00000000000000001', '" A "', 167772160, 8, 7, 1);"
	    "INSERT INTO subnets (id, account_id, vpc_id, net, prefix, zone, "
	    "created_ms) VALUES ('subnet-00000000000000001', '" A "', "
	    "'vpc-00000000000000001', 167772160, 16, 'mc-1a', 1);"
	    "INSERT INTO security_groups (id, account_id, vpc_id, name, "
	    "description, created_ms) VALUES ('sg-00000000000000001', '" A
	    "', 'vpc-00000000000000001', 'web', 'd', 1), "
	    "('sg-00000000000000002', '" A "', 'vpc-00000000000000001', "
	    "'db', 'd', 1);");
	(void)snprintf(q, sizeof(q),
	    "WITH RECURSIVE c(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM c "
	    "WHERE k < %d) INSERT INTO reservations (id, account_id, "
	    "created_ms) SELECT printf('r-%%017x', k), '" A "', 1 FROM c;"
	    "WITH RECURSIVE c(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM c "
	    "WHERE k < %d) INSERT INTO instances (id, account_id, "
	    "reservation_id, launch_index, image_id, instance_type, vcpus, "
	    "mem_mib, disk_gib, zone, host, state, desired, launch_ms, "
	    "state_ms) SELECT printf('i-%%017x', k), CASE WHEN k %% 10 = 0 "
	    "THEN '" B "' ELSE '" A "' END, printf('r-%%017x', k / 100), 0, "
	    "'ami-00000000000000001', CASE WHEN k %% 2 = 0 THEN 't2.nano' "
	    "ELSE 't2.micro' END, 1, 512, 1, 'mc-1a', CASE WHEN k %% 7 = 0 "
	    "THEN NULL WHEN k %% 2 = 0 THEN 'h1' ELSE 'h2' END, CASE WHEN "
	    "k %% 4 = 0 THEN 'stopped' ELSE 'running' END, 'running', k, k "
	    "FROM c;", N / 100, N);
	sql(q);
	(void)snprintf(q, sizeof(q),
	    "WITH RECURSIVE c(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM c "
	    "WHERE k < %d) INSERT INTO tags (resource_id, account_id, key, "
	    "value) SELECT printf('i-%%017x', k), '" A "', 'n', k %% 3 FROM "
	    "c WHERE k %% 10 <> 0 UNION ALL SELECT printf('i-%%017x', k), '"
	    A "', 'five', 'yes' FROM c WHERE k %% 10 <> 0 AND k %% 5 = 0;"
	    "WITH RECURSIVE c(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM c "
	    "WHERE k < %d) INSERT INTO enis (id, account_id, vpc_id, "
	    "subnet_id, ip, mac, instance_id, device_index, created_ms) "
	    "SELECT printf('eni-%%017x', k), '" A "', "
	    "'vpc-00000000000000001', 'subnet-00000000000000001', "
	    "167772160 + k, printf('02:00:00:00:%%02x:%%02x', k / 256, "
	    "k %% 256), printf('i-%%017x', k), 0, 1 FROM c WHERE k %% 2 = 0 "
	    "AND k %% 10 <> 0;"
	    "INSERT INTO eni_groups (eni_id, group_id, position) SELECT id, "
	    "'sg-00000000000000002', 0 FROM enis;"
	    "INSERT INTO eni_groups (eni_id, group_id, position) SELECT id, "
	    "'sg-00000000000000001', 1 FROM enis;"
	    "WITH RECURSIVE c(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM c "
	    "WHERE k < %d) INSERT INTO volumes (id, account_id, zone, "
	    "size_gib, type, state, created_ms) SELECT printf('vol-%%017x', "
	    "k), '" A "', 'mc-1a', 1, 'gp3', 'available', 1 FROM c WHERE "
	    "k %% 50 = 25;"
	    "INSERT INTO vol_attachments (volume_id, instance_id, device, "
	    "state, attach_ms) SELECT id, 'i-' || substr(id, 5), '/dev/sdf', "
	    "'attached', 1 FROM volumes;", N, N, N);
	sql(q);
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	ctl_test_db_close(&t);
	return 0;
}

/* Each instance's details equal what the one-instance loaders give. */
static void
assert_details(const struct ctl_inst *in)
{
	MC_AUTOFREE struct ctl_tagkv	*tags = NULL;
	MC_AUTOFREE struct ctl_vol_att	*vols = NULL;
	struct ctl_eni			 e;
	size_t				 n_tags = 0, n_vols = 0, i;
	int				 found;

	assert_int_equal(ctl_tags_load(t.db, in->id, &tags, &n_tags, NULL), 0);
	assert_int_equal(in->n_tags, n_tags);
	for (i = 0; i < n_tags; i++) {
		assert_string_equal(in->tags[i].key, tags[i].key);
		assert_string_equal(in->tags[i].value, tags[i].value);
	}
	found = ctl_eni_of_instance(t.db, in->id, &e, NULL);
	assert_true(found >= 0);
	assert_int_equal(in->eni != NULL, found);
	if (found)
		assert_memory_equal(in->eni, &e, sizeof(e));
	assert_int_equal(ctl_vol_atts_of(t.db, in->id, &vols, &n_vols, NULL),
	    0);
	assert_int_equal(in->n_vols, n_vols);
	if (n_vols > 0)
		assert_memory_equal(in->vols, vols, n_vols * sizeof(*vols));
}

/*
 * Walk account's instances after after with conds in chunks of limit
 * and check what comes: chunks no bigger than asked, by id, of the
 * account, with their details; exactly the k > after_k that want
 * selects, or at least them when superset.  Returns how many came.
 */
static size_t
walk(const char *account, int after_k, const struct ctl_inst_cond *conds,
    size_t n_conds, size_t limit, bool details, bool (*want)(int),
    bool superset)
{
	static bool		 seen[MAXK];
	struct ctl_inst_scan	*s = NULL;
	struct ctl_inst		*v;
	struct mc_err		 err = { 0 };
	char			 after[MC_ID_MAX] = "";
	size_t			 n, i, total = 0;
	int			 k, last = 0;

	memset(seen, 0, sizeof(seen));
	if (after_k > 0)
		id_of(after_k, after);
	assert_int_equal(ctl_inst_scan_open(t.db, account, after, conds,
	    n_conds, details, &s, &err), 0);
	do {
		v = NULL;
		assert_int_equal(ctl_inst_scan_next(s, limit, &v, &n, &err), 0);
		assert_true(n <= limit && n <= CTL_INST_CHUNK_MAX);
		for (i = 0; i < n; i++, total++) {
			k = k_of(v[i].id);
			assert_true(k > last && k > after_k && k <= N);
			assert_string_equal(v[i].account_id, account);
			if (details)
				assert_details(&v[i]);
			seen[k] = true;
			last = k;
		}
		ctl_inst_free_all(v, n);
	} while (n > 0);
	ctl_inst_scan_free(s);
	for (k = after_k + 1; k <= N; k++)
		if (want(k) || !superset)
			assert_int_equal(seen[k], want(k));
	return total;
}

/* How many k in (after_k, N] want selects. */
static size_t
count(int after_k, bool (*want)(int))
{
	size_t	n = 0;
	int	k;

	for (k = after_k + 1; k <= N; k++)
		n += want(k);
	return n;
}

static bool
is_a(int k)
{
	return in_a(k);
}

static bool w_running(int k) { return in_a(k) && k % 4 != 0; }
static bool w_h1(int k) { return in_a(k) && k % 7 != 0 && k % 2 == 0; }
static bool w_micro(int k) { return in_a(k) && k % 2 != 0; }
static bool w_n1(int k) { return in_a(k) && k % 3 == 1; }
static bool w_five(int k) { return in_a(k) && k % 5 == 0; }
static bool w_eni(int k) { return in_a(k) && k % 2 == 0; }
static bool w_listed(int k) { return k == 3 || k == 1001 || k == 2499; }
static bool w_none(int k) { (void)k; return false; }
static bool w_run_h1(int k) { return w_running(k) && w_h1(k); }
static bool w_h1_or_none(int k) { return in_a(k) && (k % 7 == 0 || k % 2 == 0); }
static bool w_n0_run(int k) { return in_a(k) && k % 3 == 0 && k % 4 != 0; }

static void
test_scan_chunks(void **state)
{
	static const size_t limits[] = { 1, 3, 1000, 1001, 5000 };
	size_t i;

	(void)state;
	for (i = 0; i < MC_NELEMS(limits); i++)
		assert_int_equal(walk(A, 0, NULL, 0, limits[i],
		    limits[i] > 3, is_a, false), count(0, is_a));
	assert_int_equal(walk(EMPTY, 0, NULL, 0, 10, true, w_none, false), 0);
	assert_int_equal(walk(A, N, NULL, 0, 10, true, w_none, false), 0);
	assert_int_equal(walk(A, 1000, NULL, 0, 1001, false, is_a, false),
	    count(1000, is_a));
}


static void
test_scan_conds(void **state)
{
	static const char *const running[] = { "running" };
	static const char *const h1[] = { "h1" };
	static const char *const h1_or_none[] = { "h1", "" };
	static const char *const micro[] = { "t2.micro" };
	static const char *const one[] = { "1" };
	static const char *const yes[] = { "yes" };
	static const char *const vpc[] = { "vpc-00000000000000001" };
	static const char *const subnet[] = { "subnet-00000000000000001" };
	static const char *const ids[] = { "i-00000000000000003",
	    "i-000000000000003e9", "i-000000000000009c3",
	    "i-0000000000000000a", "i-0123456789abcdef0" };
	static const char *const nothing[] = { "nope" };
	static const struct {
		struct ctl_inst_cond	 c[2];
		size_t			 n;
		bool			 (*want)(int);
		bool			 superset;
	} cases[] = {
		{ { { CTL_INST_COL_STATE, NULL, running, 1 } }, 1, w_running,
		    false },
		{ { { CTL_INST_COL_HOST, NULL, h1, 1 } }, 1, w_h1, false },
		/* "" is no host, which SQL's IN misses: left out. */
		{ { { CTL_INST_COL_HOST, NULL, h1_or_none, 2 } }, 1, is_a,
		    true },
		{ { { CTL_INST_COL_TYPE, NULL, micro, 1 } }, 1, w_micro, false },
		{ { { CTL_INST_COL_TAG, "n", one, 1 } }, 1, w_n1, false },
		{ { { CTL_INST_COL_TAG, "five", yes, 1 } }, 1, w_five, false },
		{ { { CTL_INST_COL_TAG, "n", yes, 1 } }, 1, w_none, false },
		{ { { CTL_INST_COL_TAG, NULL, yes, 1 } }, 1, is_a, true },
		{ { { CTL_INST_COL_VPC, NULL, vpc, 1 } }, 1, w_eni, false },
		{ { { CTL_INST_COL_SUBNET, NULL, subnet, 1 } }, 1, w_eni, false },
		/* B's 10 and an unknown id are not A's. */
		{ { { CTL_INST_COL_ID, NULL, ids, 5 } }, 1, w_listed, false },
		{ { { CTL_INST_COL_ZONE, NULL, nothing, 1 } }, 1, w_none,
		    false },
		{ { { CTL_INST_COL_STATE, NULL, running, 1 },
		    { CTL_INST_COL_HOST, NULL, h1, 1 } }, 2, w_run_h1, false },
		{ { { CTL_INST_COL__MAX, NULL, running, 1 } }, 1, is_a, true },
		{ { { CTL_INST_COL_STATE, NULL, running, 0 } }, 1, is_a, true },
	};
	size_t i;

	(void)state;
	for (i = 0; i < MC_NELEMS(cases); i++) {
		size_t got = walk(A, 0, cases[i].c, cases[i].n, 1001, i < 3,
		    cases[i].want, cases[i].superset);

		if (!cases[i].superset)
			assert_int_equal(got, count(0, cases[i].want));
		else
			assert_int_equal(got, count(0, is_a));
	}
	/* A page start and a condition together. */
	assert_int_equal(walk(A, 1000, cases[0].c, 1, 7,
	    false, w_running, false), count(1000, w_running));
}

/* A condition with more values than a statement may bind is left out. */
static void
test_scan_too_many_values(void **state)
{
	static const char *const many[] = { "running", "a", "b", "c", "d",
	    "e", "f", "g", "h", "i" };
	static const char *const h1[] = { "h1" };
	struct ctl_inst_cond c[] = {
		{ CTL_INST_COL_STATE, NULL, many, MC_NELEMS(many) },
		{ CTL_INST_COL_HOST, NULL, h1, 1 },
	};
	int old = sqlite3_limit(t.db, SQLITE_LIMIT_VARIABLE_NUMBER, 8);

	(void)state;
	assert_int_equal(walk(A, 0, c, 2, 1001, false, w_h1, false),
	    count(0, w_h1));
	(void)sqlite3_limit(t.db, SQLITE_LIMIT_VARIABLE_NUMBER, old);
	assert_int_equal(walk(A, 0, c, 2, 1001, false, w_run_h1, false),
	    count(0, w_run_h1));
}

static void
test_prev_id(void **state)
{
	static const struct {
		const char	*account, *id, *want;
	} cases[] = {
		{ A, "i-00000000000000002", "i-00000000000000001" },
		/* 10 is B's: A's before 11 is 9. */
		{ A, "i-0000000000000000b", "i-00000000000000009" },
		{ B, "i-00000000000000015", "i-00000000000000014" },
		{ A, "i-00000000000000001", "" },
		{ A, "i-", "" },
		{ A, "z", "i-000000000000009c3" },
		{ EMPTY, "z", "" },
	};
	char	got[MC_ID_MAX];
	size_t	i;

	(void)state;
	for (i = 0; i < MC_NELEMS(cases); i++) {
		assert_int_equal(ctl_inst_prev_id(t.db, cases[i].account,
		    cases[i].id, got, NULL), 0);
		assert_string_equal(got, cases[i].want);
	}
}

static void
test_check_ids(void **state)
{
	static const struct {
		const char	*ids[4];
		size_t		 n;
		enum mc_ec	 want;
		const char	*msg;
	} cases[] = {
		{ { NULL }, 0, MC_EC_NONE, "" },
		{ { "i-00000000000000001", "i-00000000000000001" }, 2,
		    MC_EC_NONE, "" },
		{ { "i-00000000000000001", "i-0000000000000000a" }, 2,
		    MC_EC_INVALID_INSTANCE_ID_NOT_FOUND,
		    "The instance ID 'i-0000000000000000a' does not exist" },
		{ { "i-0123456789abcdef0", "i-00000000000000002",
		    "i-12345678", "i-0123456789abcdef0" }, 4,
		    MC_EC_INVALID_INSTANCE_ID_NOT_FOUND, "The instance IDs "
		    "'i-0123456789abcdef0, i-12345678, i-0123456789abcdef0' "
		    "do not exist" },
		{ { "i-00000000000000001", "i-XYZ" }, 2,
		    MC_EC_INVALID_INSTANCE_ID_MALFORMED, "Invalid id: \"i-XYZ\"" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < MC_NELEMS(cases); i++) {
		struct mc_err err = { 0 };

		assert_int_equal(ctl_inst_check_ids(t.db, A, cases[i].ids,
		    cases[i].n, &err), cases[i].want == MC_EC_NONE ? 0 : -1);
		assert_int_equal(err.code, cases[i].want);
		assert_string_equal(err.msg, cases[i].msg);
	}
}

static void
test_list_details(void **state)
{
	struct ctl_inst	*v = NULL;
	size_t		 n = 0, i;

	(void)state;
	assert_int_equal(ctl_inst_list(t.db, A, "r-00000000000000002", &v, &n,
	    NULL), 0);
	assert_int_equal(n, 90);	/* 200..299 but B's ten */
	for (i = 0; i < n; i++)
		assert_details(&v[i]);
	ctl_inst_free_all(v, n);
}

/*
 * Run action fn for account with the form query; on success the
 * document into *ret_xml.  Returns the error's code, its message in
 * ret_msg (CTL_TEST_MSG_MAX bytes, may be NULL).
 */
#define CTL_TEST_MSG_MAX	256

static enum mc_ec
act_msg(int (*fn)(const struct ctl_req *, struct ctl_xml *,
    struct mc_err *), const char *account, const char *query,
    char **ret_xml, char *ret_msg)
{
	struct ctl_query	q;
	struct ctl_xml		x;
	struct ctl_req		req = { &api, "req", account, "Describe", &q,
	    false, NOW };
	struct mc_err		err = { 0 };

	ctl_test_query(&q, query);
	req.dry_run = strstr(query, "DryRun=true") != NULL;
	ctl_xml_init(&x, 0);
	if (fn(&req, &x, &err) == 0) {
		*ret_xml = ctl_xml_steal(&x, NULL);
		assert_non_null(*ret_xml);
	}
	ctl_xml_clear(&x);
	ctl_query_clear(&q);
	if (ret_msg != NULL)
		(void)snprintf(ret_msg, CTL_TEST_MSG_MAX, "%s", err.msg);
	return err.code;
}

static enum mc_ec
act(int (*fn)(const struct ctl_req *, struct ctl_xml *, struct mc_err *),
    const char *account, const char *query, char **ret_xml)
{
	return act_msg(fn, account, query, ret_xml, NULL);
}

/* The k of each instanceId of xml, in order, into v; their number. */
static size_t
ks_of(const char *xml, int *v, size_t max)
{
	const char	*p = xml;
	size_t		 n = 0;

	while ((p = strstr(p, "<instanceId>")) != NULL && n < max) {
		p += strlen("<instanceId>");
		v[n++] = k_of(p);
	}
	return n;
}

/* The page start a token names, as k ("" token: 0). */
static int
token_k(const char *xml)
{
	const char	*p = strstr(xml, "<nextToken>mc1.");
	char		 key[MC_ID_MAX] = "";
	size_t		 i;

	if (p == NULL)
		return 0;
	p += strlen("<nextToken>mc1.");
	for (i = 0; i + 1 < sizeof(key) && p[2 * i] != '<'; i++)
		key[i] = (char)(mc_hex_value(p[2 * i]) << 4 |
		    mc_hex_value(p[2 * i + 1]));
	key[i] = '\0';
	return k_of(key);
}

/*
 * Walk every page of fn's listing with query (MaxResults and filters)
 * from the instance after after_k, and check each page against want:
 * its instances in order, and the token after it, which names the
 * account's instance just before the first one that did not fit.
 */
static void
assert_pages(int (*fn)(const struct ctl_req *, struct ctl_xml *,
    struct mc_err *), const char *query, size_t max, int after_k,
    bool (*want)(int))
{
	static int	got[CTL_INST_CHUNK_MAX + 1];
	char		q[512], id[MC_ID_MAX], hex[2 * MC_ID_MAX + 1];
	char		*xml;
	size_t		n, i;
	int		k = after_k, pages = 0;

	for (;;) {
		hex[0] = '\0';
		if (k > 0) {
			id_of(k, id);
			mc_hex_encode(id, strlen(id), hex);
		}
		(void)snprintf(q, sizeof(q), "%s%s%s", query, k > 0 ?
		    "&NextToken=mc1." : "", hex);
		assert_int_equal(act(fn, A, q, &xml), MC_EC_NONE);
		n = ks_of(xml, got, MC_NELEMS(got));
		assert_true(n <= max);
		for (i = 0; i < n; i++) {
			for (k++; !want(k); k++)
				assert_true(k < got[i]);
			assert_int_equal(got[i], k);
		}
		if (token_k(xml) == 0) {
			for (k++; k <= N; k++)
				assert_false(want(k));
			free(xml);
			break;
		}
		/* The token is the account's instance before the next. */
		assert_int_equal(n, max);
		for (k++; !want(k); k++)
			assert_true(k <= N);
		for (k--; !in_a(k); k--)
			;
		assert_int_equal(token_k(xml), k);
		free(xml);
		pages++;
	}
	assert_true(pages < N);
}


static void
test_describe_pages(void **state)
{
	static const char *q = "Action=DescribeInstances";
	int	k, n, edge[3] = { 1000, 1001, 1002 }, i;

	(void)state;
	assert_pages(ctl_instances_describe, "Action=DescribeInstances", 1000,
	    0, is_a);
	assert_pages(ctl_instances_describe,
	    "Action=DescribeInstances&MaxResults=1000", 1000, 0, is_a);
	/* Pages that end exactly at a chunk's edge, or one either side. */
	for (i = 0; i < 3; i++) {
		for (k = N, n = 0; n < edge[i]; k--)
			n += in_a(k);
		for (k--; !in_a(k); k--)
			;
		assert_pages(ctl_instances_describe, q, 1000, k, is_a);
	}
	assert_pages(ctl_instances_describe,
	    "Action=DescribeInstances&MaxResults=5", 5, 2200, is_a);
	assert_pages(ctl_instances_describe,
	    "Action=DescribeInstances&MaxResults=999&Filter.1.Name="
	    "instance-state-name&Filter.1.Value.1=running", 999, 0,
	    w_running);
	/* Wildcards: SQL does not narrow, the filter spans chunks. */
	assert_pages(ctl_instances_describe,
	    "Action=DescribeInstances&MaxResults=300&Filter.1.Name=tag:n&"
	    "Filter.1.Value.1=0*&Filter.2.Name=instance-state-name&"
	    "Filter.2.Value.1=r?nning", 300, 0, w_n0_run);
	assert_pages(ctl_instances_describe,
	    "Action=DescribeInstances&MaxResults=1000&Filter.1.Name=tag-key&"
	    "Filter.1.Value.1=five", 1000, 0, w_five);
	assert_pages(ctl_instances_describe,
	    "Action=DescribeInstances&Filter.1.Name=host-id&"
	    "Filter.1.Value.1=h1&Filter.1.Value.2=", 1000, 0, w_h1_or_none);
	assert_pages(ctl_instances_status,
	    "Action=DescribeInstanceStatus&MaxResults=100", 100, 0,
	    w_running);
	assert_pages(ctl_instances_status,
	    "Action=DescribeInstanceStatus&IncludeAllInstances=true", 1000,
	    0, is_a);
}

static void
test_describe_ids(void **state)
{
	static const struct {
		const char	*account, *query;
		int		 want[4];	/* k, 0-terminated */
	} cases[] = {
		{ A, "InstanceId.1=i-000000000000009c3&InstanceId.2="
		    "i-00000000000000003&InstanceId.3=i-00000000000000003",
		    { 3, 2499 } },
		{ B, "InstanceId.1=i-0000000000000000a", { 10 } },
		{ A, "InstanceId.1=i-000000000000009c3&InstanceId.2="
		    "i-00000000000000003&NextToken=mc1."
		    "692d3030303030303030303030303030303033", { 2499 } },
		{ A, "InstanceId.1=i-00000000000000001&Filter.1.Name=tag:n&"
		    "Filter.1.Value.1=2", { 0 } },
	};
	char	q[512], *xml;
	int	got[8];
	size_t	i, j, n;

	(void)state;
	for (i = 0; i < MC_NELEMS(cases); i++) {
		(void)snprintf(q, sizeof(q), "Action=DescribeInstances&%s",
		    cases[i].query);
		assert_int_equal(act(ctl_instances_describe, cases[i].account,
		    q, &xml), MC_EC_NONE);
		n = ks_of(xml, got, MC_NELEMS(got));
		for (j = 0; cases[i].want[j] != 0; j++)
			assert_int_equal(got[j], cases[i].want[j]);
		assert_int_equal(n, j);
		assert_null(strstr(xml, "<nextToken>"));
		free(xml);
	}
}

static void
test_describe_errors(void **state)
{
	static const struct {
		bool		 status;
		const char	*account, *query;
		enum mc_ec	 want;
		const char	*msg;
	} cases[] = {
		{ false, A, "InstanceId.1=i-0123456789abcdef0",
		    MC_EC_INVALID_INSTANCE_ID_NOT_FOUND, "The instance ID "
		    "'i-0123456789abcdef0' does not exist" },
		{ true, A, "InstanceId.1=i-00000000000000001&InstanceId.2="
		    "i-0000000000000000a&InstanceId.3=i-1234abcd",
		    MC_EC_INVALID_INSTANCE_ID_NOT_FOUND, "The instance IDs "
		    "'i-0000000000000000a, i-1234abcd' do not exist" },
		{ false, EMPTY, "InstanceId.1=i-00000000000000001",
		    MC_EC_INVALID_INSTANCE_ID_NOT_FOUND, NULL },
		{ false, A, "InstanceId.1=i-XYZ",
		    MC_EC_INVALID_INSTANCE_ID_MALFORMED, NULL },
		{ false, A, "InstanceId.1=i-00000000000000001&MaxResults=5",
		    MC_EC_INVALID_PARAMETER_COMBINATION, NULL },
		{ true, A, "NextToken=bogus", MC_EC_INVALID_PARAMETER_VALUE,
		    NULL },
		{ false, A, "MaxResults=4", MC_EC_INVALID_PARAMETER_VALUE,
		    NULL },
		{ false, A, "MaxResults=1001", MC_EC_INVALID_PARAMETER_VALUE,
		    NULL },
		{ false, A, "Filter.1.Name=nope&Filter.1.Value.1=x",
		    MC_EC_INVALID_PARAMETER_VALUE, NULL },
		{ true, A, "Filter.1.Name=host-id&Filter.1.Value.1=h1",
		    MC_EC_INVALID_PARAMETER_VALUE, NULL },
		{ true, A, "IncludeAllInstances=maybe",
		    MC_EC_INVALID_PARAMETER_VALUE, NULL },
		{ false, A, "DryRun=true", MC_EC_DRY_RUN_OPERATION, NULL },
		{ true, A, "DryRun=true&InstanceId.1=i-0123456789abcdef0",
		    MC_EC_INVALID_INSTANCE_ID_NOT_FOUND, NULL },
	};
	char	q[512], msg[CTL_TEST_MSG_MAX], *xml = NULL;
	size_t	i;

	(void)state;
	for (i = 0; i < MC_NELEMS(cases); i++) {
		(void)snprintf(q, sizeof(q), "Action=Describe&%s",
		    cases[i].query);
		assert_int_equal(act_msg(cases[i].status ?
		    ctl_instances_status : ctl_instances_describe,
		    cases[i].account, q, &xml, msg), cases[i].want);
		assert_null(xml);
		if (cases[i].msg != NULL)
			assert_string_equal(msg, cases[i].msg);
	}
}

/* Each instance's checks, from its host's liveness. */
static void
test_status_checks(void **state)
{
	static const struct {
		int		 k;
		const char	*system, *instance;
	} cases[] = {
		{ 2, "ok", "ok" },			/* h1 is up */
		{ 1, "impaired", "impaired" },		/* h2 is down */
		{ 4, "ok", "not-applicable" },		/* stopped */
		{ 7, "ok", "ok" },			/* no host */
	};
	char	q[256], id[MC_ID_MAX], want[128], *xml;
	size_t	i;

	(void)state;
	for (i = 0; i < MC_NELEMS(cases); i++) {
		id_of(cases[i].k, id);
		(void)snprintf(q, sizeof(q), "Action=DescribeInstanceStatus&"
		    "IncludeAllInstances=true&InstanceId.1=%s", id);
		assert_int_equal(act(ctl_instances_status, A, q, &xml),
		    MC_EC_NONE);
		(void)snprintf(want, sizeof(want), "<systemStatus><status>%s<",
		    cases[i].system);
		assert_non_null(strstr(xml, want));
		(void)snprintf(want, sizeof(want),
		    "<instanceStatus><status>%s<", cases[i].instance);
		assert_non_null(strstr(xml, want));
		assert_int_equal(strstr(xml, "<impairedSince>") != NULL,
		    strcmp(cases[i].system, "impaired") == 0);
		free(xml);
	}
}

static void
test_describe_empty(void **state)
{
	char *xml;

	(void)state;
	assert_int_equal(act(ctl_instances_describe, EMPTY,
	    "Action=DescribeInstances&MaxResults=5", &xml), MC_EC_NONE);
	assert_null(strstr(xml, "<instanceId>"));
	assert_null(strstr(xml, "<nextToken>"));
	free(xml);
	assert_int_equal(act(ctl_instances_status, EMPTY,
	    "Action=DescribeInstanceStatus&IncludeAllInstances=true", &xml),
	    MC_EC_NONE);
	assert_null(strstr(xml, "<instanceId>"));
	free(xml);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scan_chunks),
		cmocka_unit_test(test_scan_conds),
		cmocka_unit_test(test_scan_too_many_values),
		cmocka_unit_test(test_prev_id),
		cmocka_unit_test(test_check_ids),
		cmocka_unit_test(test_list_details),
		cmocka_unit_test(test_describe_pages),
		cmocka_unit_test(test_describe_ids),
		cmocka_unit_test(test_describe_errors),
		cmocka_unit_test(test_status_checks),
		cmocka_unit_test(test_describe_empty),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

/*
 * Tests of net_fw, as root on the real kernel, in scratch namespaces
 * "mcut-<pid>-...": the table of a small model against a golden listing,
 * and against what nft itself makes of the same ruleset written as text;
 * later applies sending only the difference (nothing for the same model,
 * one chain for one rule, one element for one member...), each checked
 * against a whole apply of the same model; a new handle replacing the
 * table (a restarted agent); bad models refused with the table as it
 * was; a kernel refusal reported and healed by the next apply; a
 * namespace made anew under its name; delete; a large model; and real
 * packets through the chains.
 */
#include <sys/socket.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>

#include <fcntl.h>
#include <time.h>

#include "net_test.h"

#include "mc_cleanup.h"
#include "net_fw.h"
#include "net_nft.h"

#define TABLE		"mcut_fw"
#define GOLDEN		"data/net_fw/golden.out"
#define GOLDEN_NFT	"data/net_fw/golden.nft"
#define RULES_MAX	8		/* per group and direction, here */
#define NO_WAIT_MS	300		/* how long a dropped packet is awaited */
#define IP4(a, b, c, d)	((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))

enum { WEB, SSH, N_GROUPS };
enum { P_TAPB, P_TAPA, N_PORTS };	/* tapb first: order must not matter */

/* The model of the golden file, in storage a test may change. */
struct model {
	struct net_fw_rule	rules[N_GROUPS][NET_FW_DIR__MAX][RULES_MAX];
	uint32_t		members[N_GROUPS][RULES_MAX];
	struct net_fw_group	groups[N_GROUPS];
	struct net_fw_port	ports[N_PORTS];
	struct net_fw_model	m;
};

struct fixture {
	char	ns[NET_NAME_NS_MAX], ref[NET_NAME_NS_MAX];
	char	a[NET_NAME_NS_MAX], b[NET_NAME_NS_MAX];
};

static const struct {
	int			 group, dir;
	struct net_fw_rule	 rule;
} golden_rules[] = {
	{ WEB, NET_FW_IN, { "sgr-web1", 6, 8000, 8080, 0, 0, "" } },
	{ WEB, NET_FW_IN, { "sgr-web2", 17, 53, 53, IP4(10, 0, 0, 0), 8, "" } },
	{ WEB, NET_FW_IN, { "sgr-web3", 1, 8, 0, IP4(192, 168, 0, 0), 20,
	    "" } },
	{ WEB, NET_FW_IN, { "sgr-web4", 47, -1, -1, 0, 0, "sg-ssh" } },
	{ WEB, NET_FW_OUT, { "sgr-web5", -1, -1, -1, 0, 0, "" } },
	{ SSH, NET_FW_IN, { "sgr-ssh1", 6, 22, 22, 0, 0, "sg-web" } },
	{ SSH, NET_FW_IN, { "sgr-ssh2", 1, 3, -1, IP4(10, 0, 1, 0), 24, "" } },
	{ SSH, NET_FW_IN, { "sgr-ssh3", 1, -1, -1, 0, 0, "" } },
	{ SSH, NET_FW_OUT, { "sgr-ssh4", 6, -1, -1, IP4(10, 0, 0, 0), 16,
	    "" } },
	{ SSH, NET_FW_OUT, { "sgr-ssh5", -1, -1, -1, IP4(10, 1, 2, 3), 32,
	    "" } },
	{ SSH, NET_FW_OUT, { "sgr-ssh6", 17, 1024, 65535, 0, 0, "sg-ssh" } },
	{ SSH, NET_FW_OUT, { "sgr-ssh7", 1, -1, 4, 0, 0, "" } },
};

static const struct net_fw_port golden_ports[N_PORTS] = {
	[P_TAPB] = { "tapb", { 2, 0, 0, 0, 0, 0x0b }, IP4(10, 0, 1, 11),
	    { "sg-ssh" }, 1 },
	[P_TAPA] = { "tapa", { 2, 0, 0, 0, 0, 0x0a }, IP4(10, 0, 1, 10),
	    { "sg-web", "sg-ssh" }, 2 },
};

static void
model_init(struct model *mb)
{
	static const char *const ids[N_GROUPS] = { "sg-web", "sg-ssh" };
	size_t i, g, d;

	memset(mb, 0, sizeof(*mb));
	for (g = 0; g < N_GROUPS; g++) {
		(void)snprintf(mb->groups[g].id, NET_FW_ID_MAX, "%s", ids[g]);
		for (d = 0; d < NET_FW_DIR__MAX; d++)
			mb->groups[g].rules[d] = mb->rules[g][d];
		mb->groups[g].members = mb->members[g];
	}
	for (i = 0; i < MC_NELEMS(golden_rules); i++) {
		g = (size_t)golden_rules[i].group;
		d = (size_t)golden_rules[i].dir;
		mb->rules[g][d][mb->groups[g].n_rules[d]++] =
		    golden_rules[i].rule;
	}
	/* A duplicate member, which the table holds once. */
	mb->members[WEB][mb->groups[WEB].n_members++] = IP4(10, 0, 1, 10);
	mb->members[SSH][mb->groups[SSH].n_members++] = IP4(10, 0, 1, 11);
	mb->members[SSH][mb->groups[SSH].n_members++] = IP4(10, 0, 1, 10);
	mb->members[SSH][mb->groups[SSH].n_members++] = IP4(10, 0, 1, 11);
	memcpy(mb->ports, golden_ports, sizeof(mb->ports));
	mb->m = (struct net_fw_model){ mb->ports, N_PORTS, mb->groups,
	    N_GROUPS };
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	nt_sweep(false);
	nt_ns_new(f->ns, "n");
	nt_ns_new(f->ref, "r");
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	free(*state);
	nt_sweep(true);
	return 0;
}

static char *
listing(const char *ns)
{
	struct mc_err	 err = { 0 };
	char		*text = NULL;

	NT_OK(net_nft_table_text(ns, "inet", TABLE, &text, &err), err);
	return text;
}

static int
block_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The listing with its sets and chains sorted: a table changed step by
 * step lists new chains last, one made whole in the batch's order.
 */
static char *
canon(const char *text)
{
	MC_AUTOFREE char	*copy = strdup(text);
	char			*blocks[256], *p, *out;
	size_t			 n = 0, i, len = strlen(text) + 1;

	assert_non_null(copy);
	for (p = copy; (p = strstr(p, "\n\n")) != NULL; p += 2)
		*p = '\f';
	for (p = strtok(copy, "\f"); p != NULL && n < MC_NELEMS(blocks);
	    p = strtok(NULL, "\f"))
		blocks[n++] = p;
	qsort(blocks, n, sizeof(*blocks), block_cmp);
	out = calloc(1, len + n);
	assert_non_null(out);
	for (i = 0; i < n; i++) {
		strcat(out, blocks[i]);
		strcat(out, "\n");
	}
	return out;
}

static void
apply_ok(struct net_fw *fw, const struct model *mb)
{
	struct mc_err err = { 0 };

	NT_OK(net_fw_apply(fw, &mb->m, &err), err);
}

static struct net_fw *
fw_new(const char *ns)
{
	struct mc_err	 err = { 0 };
	struct net_fw	*fw = net_fw_new(ns, TABLE, &err);

	if (fw == NULL)
		fail_msg("%s", err.msg);
	return fw;
}

/* The table of ns is what a whole apply of mb makes (in f->ref). */
static void
same_as_whole(struct fixture *f, const struct model *mb)
{
	struct net_fw	*fw = fw_new(f->ref);
	char		*got = listing(f->ns), *want;
	char		*cg, *cw;

	apply_ok(fw, mb);
	want = listing(f->ref);
	cg = canon(got);
	cw = canon(want);
	if (strcmp(cg, cw) != 0)
		fail_msg("step by step:\n%s\nwhole:\n%s", got, want);
	free(cg);
	free(cw);
	free(got);
	free(want);
	net_fw_free(fw);
}

static void
stats_are(struct net_fw *fw, bool full, size_t chains, size_t elements)
{
	struct net_fw_stats st;

	net_fw_stats(fw, &st);
	if (st.full != full || st.chains_written != chains ||
	    st.elements_changed != elements)
		fail_msg("stats: full %d chains %zu elements %zu messages %zu; "
		    "want %d %zu %zu", st.full, st.chains_written,
		    st.elements_changed, st.messages, full, chains, elements);
}

/* The golden listing; nft's own table from the same text lists alike. */
static void
test_golden(void **state)
{
	struct fixture	*f = *state;
	struct model	 mb;
	struct net_fw	*fw = fw_new(f->ns);
	struct mc_err	 err = { 0 };
	MC_AUTOFREE char *text = NULL, *again = NULL, *script = NULL;
	MC_AUTOFREE char *nft = NULL;
	struct net_fw_stats st;

	model_init(&mb);
	apply_ok(fw, &mb);
	/* 4 base chains, 2 per group and port; 10 port elements, 3 members. */
	stats_are(fw, true, 12, 13);
	text = listing(f->ns);
	mc_test_golden(GOLDEN, text);
	script = mc_test_read(GOLDEN_NFT, NULL);
	assert_non_null(script);
	NT_OK(net_nft_apply(f->ref, script, &err), err);
	nft = listing(f->ref);
	assert_string_equal(nft, text);
	/* Once more: nothing is sent at all. */
	apply_ok(fw, &mb);
	net_fw_stats(fw, &st);
	assert_false(st.full);
	assert_int_equal(st.chains_written + st.elements_changed +
	    st.messages, 0);
	again = listing(f->ns);
	assert_string_equal(again, text);
	net_fw_free(fw);
}

/* Each change sends only itself, and ends where a whole apply would. */
static void
test_diffs(void **state)
{
	struct fixture	*f = *state;
	struct model	 mb;
	struct net_fw	*fw = fw_new(f->ns);
	MC_AUTOFREE char *text = NULL;

	model_init(&mb);
	apply_ok(fw, &mb);
	/* One rule: one chain. */
	mb.rules[WEB][NET_FW_IN][1].from = mb.rules[WEB][NET_FW_IN][1].to =
	    5353;
	apply_ok(fw, &mb);
	stats_are(fw, false, 1, 0);
	same_as_whole(f, &mb);
	/* One member: one element. */
	mb.members[WEB][mb.groups[WEB].n_members++] = IP4(10, 0, 1, 12);
	apply_ok(fw, &mb);
	stats_are(fw, false, 0, 1);
	same_as_whole(f, &mb);
	/* A port gone: its 2 vmap, 1 ports and 2 src_ok elements, chains. */
	mb.m.n_ports = 1;
	mb.ports[0] = golden_ports[P_TAPA];
	apply_ok(fw, &mb);
	stats_are(fw, false, 0, 5);
	text = listing(f->ns);
	assert_null(strstr(text, "tapb"));
	same_as_whole(f, &mb);
	/* The port back with another address and one group fewer. */
	mb.m.n_ports = 2;
	mb.ports[1] = golden_ports[P_TAPB];
	mb.ports[1].ip = IP4(10, 0, 1, 21);
	mb.ports[0].n_groups = 1;
	(void)snprintf(mb.ports[0].groups[0], NET_FW_ID_MAX, "sg-ssh");
	apply_ok(fw, &mb);
	stats_are(fw, false, 4, 5);
	same_as_whole(f, &mb);
	/* Readdressed: its src_ok elements out and in. */
	mb.ports[1].mac[5] = 0x1b;
	apply_ok(fw, &mb);
	stats_are(fw, false, 0, 4);
	same_as_whole(f, &mb);
	/* A group gone: nothing may refer to it any more. */
	mb.rules[SSH][NET_FW_IN][0].group[0] = '\0';
	mb.m.groups = &mb.groups[SSH];
	mb.m.n_groups = 1;
	apply_ok(fw, &mb);
	stats_are(fw, false, 1, 0);
	same_as_whole(f, &mb);
	/* Everything gone. */
	mb.m.n_ports = mb.m.n_groups = 0;
	apply_ok(fw, &mb);
	same_as_whole(f, &mb);
	/* And all of it back. */
	model_init(&mb);
	apply_ok(fw, &mb);
	stats_are(fw, false, 8, 13);
	same_as_whole(f, &mb);
	net_fw_free(fw);
}

/* A new handle (a restarted agent) replaces what the old one left. */
static void
test_restart(void **state)
{
	struct fixture	*f = *state;
	struct model	 mb, other;
	struct net_fw	*fw = fw_new(f->ns), *fw2 = fw_new(f->ns);
	MC_AUTOFREE char *text = NULL;

	model_init(&other);
	other.m.n_ports = 1;
	other.rules[WEB][NET_FW_IN][0].id[5] = 'X';
	apply_ok(fw, &other);
	model_init(&mb);
	apply_ok(fw2, &mb);
	stats_are(fw2, true, 12, 13);
	text = listing(f->ns);
	mc_test_golden(GOLDEN, text);
	net_fw_free(fw);
	net_fw_free(fw2);
}

/*
 * A table made step by step (chains and sets in the order they came)
 * is adopted as it is by a new handle with the same model: nothing is
 * sent, and the listing stays the same to the byte.
 */
static void
test_restart_adopts(void **state)
{
	struct fixture	*f = *state;
	struct model	 mb, one;
	struct net_fw	*fw = fw_new(f->ns), *fw2 = fw_new(f->ns);
	MC_AUTOFREE char *before = NULL, *after = NULL;

	model_init(&one);
	one.m.n_ports = 1;
	apply_ok(fw, &one);
	model_init(&mb);
	apply_ok(fw, &mb);
	before = listing(f->ns);
	apply_ok(fw2, &mb);
	stats_are(fw2, false, 0, 0);
	after = listing(f->ns);
	assert_string_equal(after, before);
	net_fw_free(fw);
	net_fw_free(fw2);
}

static void
bad_tap_long(struct model *mb)
{
	memset(mb->ports[0].tap, 'a', sizeof(mb->ports[0].tap));
}

static void
bad_tap_char(struct model *mb)
{
	(void)snprintf(mb->ports[0].tap, NET_NAME_LINK_MAX, "ta p");
}

static void
bad_tap_twice(struct model *mb)
{
	mb->ports[1] = mb->ports[0];
}

static void
bad_tap_is_group(struct model *mb)
{
	(void)snprintf(mb->ports[0].tap, NET_NAME_LINK_MAX, "sg-web");
}

static void
bad_port_groups(struct model *mb)
{
	mb->ports[0].n_groups = NET_FW_PORT_GROUPS + 1;
}

static void
bad_port_group_empty(struct model *mb)
{
	mb->ports[1].groups[1][0] = '\0';
}

static void
bad_port_group_unknown(struct model *mb)
{
	(void)snprintf(mb->ports[1].groups[1], NET_FW_ID_MAX, "sg-nope");
}

static void
bad_group_id_long(struct model *mb)
{
	memset(mb->groups[WEB].id, 'g', NET_FW_ID_MAX);
}

static void
bad_group_twice(struct model *mb)
{
	(void)snprintf(mb->groups[WEB].id, NET_FW_ID_MAX, "sg-ssh");
}

static void
bad_rule_ref(struct model *mb)
{
	(void)snprintf(mb->rules[WEB][NET_FW_IN][3].group, NET_FW_ID_MAX,
	    "sg-nope");
}

static void
bad_rule_id_empty(struct model *mb)
{
	mb->rules[SSH][NET_FW_OUT][0].id[0] = '\0';
}

static void
bad_rule_id_char(struct model *mb)
{
	(void)snprintf(mb->rules[SSH][NET_FW_OUT][1].id, NET_FW_ID_MAX,
	    "sgr x");
}

static void
bad_group_id_digit(struct model *mb)
{
	(void)snprintf(mb->groups[SSH].id, NET_FW_ID_MAX, "1sg");
}

static void
bad_too_many_rules(struct model *mb)
{
	static struct net_fw_rule many[NET_FW_GROUP_RULES + 1];
	size_t i;

	for (i = 0; i < MC_NELEMS(many); i++)
		many[i] = (struct net_fw_rule){ "sgr-many", -1, -1, -1, 0, 0,
		    "" };
	mb->groups[SSH].rules[NET_FW_OUT] = many;
	mb->groups[SSH].n_rules[NET_FW_OUT] = MC_NELEMS(many);
}

static void
bad_rules_null(struct model *mb)
{
	mb->groups[SSH].rules[NET_FW_IN] = NULL;
}

static void
bad_members_null(struct model *mb)
{
	mb->groups[SSH].members = NULL;
}

static void
bad_prefix(struct model *mb)
{
	mb->rules[WEB][NET_FW_IN][1].prefix_len = 33;
}

static void
bad_host_bits(struct model *mb)
{
	mb->rules[WEB][NET_FW_IN][1].net = IP4(10, 0, 0, 1);
}

static void
bad_proto_high(struct model *mb)
{
	mb->rules[WEB][NET_FW_IN][3].proto = 256;
}

static void
bad_proto_low(struct model *mb)
{
	mb->rules[WEB][NET_FW_IN][3].proto = -2;
}

static void
bad_port_range(struct model *mb)
{
	mb->rules[WEB][NET_FW_IN][0].from = 8081;
}

static void
bad_port_high(struct model *mb)
{
	mb->rules[WEB][NET_FW_IN][0].to = 65536;
}

static void
bad_port_half(struct model *mb)
{
	mb->rules[WEB][NET_FW_IN][0].from = -1;
}

static void
bad_icmp_type(struct model *mb)
{
	mb->rules[WEB][NET_FW_IN][2].from = 256;
}

static void
bad_icmp_code(struct model *mb)
{
	mb->rules[WEB][NET_FW_IN][2].to = -2;
}

static void
bad_ports_null(struct model *mb)
{
	mb->m.ports = NULL;
}

/* Bad models: refused with a clear message, the table untouched. */
static void
test_bad_models(void **state)
{
	static const struct {
		void		(*mutate)(struct model *);
		const char	*want;
	} cases[] = {
		{ bad_tap_long,		"invalid tap name" },
		{ bad_tap_char,		"invalid tap name \"ta p\"" },
		{ bad_tap_twice,	"port tapb given twice" },
		{ bad_tap_is_group,	"port sg-web has the name of a group" },
		{ bad_port_groups,	"port tapb: 6 groups, at most 5" },
		{ bad_port_group_empty,	"empty group id" },
		{ bad_port_group_unknown, "port tapa: group sg-nope is not" },
		{ bad_group_id_long,	"group id \"gggggggggggggggg...\" is "
					"longer than 31" },
		{ bad_group_twice,	"group sg-ssh given twice" },
		{ bad_rule_ref,		"rule sgr-web4 of group sg-web: group "
					"sg-nope is not in the model" },
		{ bad_rule_id_empty,	"empty rule id" },
		{ bad_rule_id_char,	"invalid rule id \"sgr x\"" },
		{ bad_group_id_digit,	"invalid group id \"1sg\"" },
		{ bad_too_many_rules,	"group sg-ssh: 61 egress rules, at "
					"most 60" },
		{ bad_rules_null,	"group sg-ssh: no ingress rules" },
		{ bad_members_null,	"group sg-ssh: no members given" },
		{ bad_prefix,		"rule sgr-web2: prefix length 33" },
		{ bad_host_bits,	"10.0.0.1/8 has host bits set" },
		{ bad_proto_high,	"rule sgr-web4: invalid protocol 256" },
		{ bad_proto_low,	"invalid protocol -2" },
		{ bad_port_range,	"sgr-web1: invalid port range "
					"8081-8080" },
		{ bad_port_high,	"invalid port range 8000-65536" },
		{ bad_port_half,	"invalid port range -1-8080" },
		{ bad_icmp_type,	"sgr-web3: invalid icmp type 256" },
		{ bad_icmp_code,	"invalid icmp type 8 code -2" },
		{ bad_ports_null,	"no ports or groups given" },
	};
	struct fixture	*f = *state;
	struct model	 mb;
	struct net_fw	*fw = fw_new(f->ns);
	MC_AUTOFREE char *before = NULL;
	size_t		 i;

	model_init(&mb);
	apply_ok(fw, &mb);
	before = listing(f->ns);
	for (i = 0; i < MC_NELEMS(cases); i++) {
		struct mc_err	 err = { 0 };
		char		*now;

		model_init(&mb);
		cases[i].mutate(&mb);
		assert_int_equal(net_fw_apply(fw, &mb.m, &err), -1);
		assert_int_equal(err.code, MC_EC_INVALID_PARAMETER_VALUE);
		if (strstr(err.msg, cases[i].want) == NULL)
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err.msg,
			    cases[i].want);
		now = listing(f->ns);
		assert_string_equal(now, before);
		free(now);
	}
	assert_int_equal(net_fw_apply(fw, NULL, NULL), -1);
	/*
	 * A failure forgets: the next apply starts from the kernel's table,
	 * which already is this model, so nothing is sent.
	 */
	model_init(&mb);
	apply_ok(fw, &mb);
	stats_are(fw, false, 0, 0);
	net_fw_free(fw);
}

/* The kernel refuses (the table changed behind our back): named, healed. */
static void
test_kernel_refusal(void **state)
{
	struct fixture	*f = *state;
	struct model	 mb;
	struct net_fw	*fw = fw_new(f->ns);
	struct mc_err	 err = { 0 };
	MC_AUTOFREE char *before = NULL, *after = NULL;

	model_init(&mb);
	apply_ok(fw, &mb);
	NT_OK(net_nft_apply(f->ns, "delete element inet " TABLE " m-sg-web "
	    "{ 10.0.1.10 }\n", &err), err);
	before = listing(f->ns);
	/* Also a rule change, so that the batch has more to undo. */
	mb.rules[SSH][NET_FW_IN][2].proto = 58;
	mb.groups[WEB].n_members = 0;
	assert_int_equal(net_fw_apply(fw, &mb.m, &err), -1);
	assert_int_equal(err.sys_errno, ENOENT);
	if (strstr(err.msg, "the kernel refused message ") == NULL ||
	    strstr(err.msg, ", delete elements from m-sg-web: No such file "
	    "or directory") == NULL || strstr(err.msg, "firewall table "
	    TABLE " in mcut-") == NULL)
		fail_msg("%s", err.msg);
	after = listing(f->ns);
	assert_string_equal(after, before);
	apply_ok(fw, &mb);
	stats_are(fw, true, 12, 12);
	same_as_whole(f, &mb);
	net_fw_free(fw);
}

/* A namespace made anew under the same name gets the whole table. */
static void
test_ns_recreated(void **state)
{
	struct fixture	*f = *state;
	struct model	 mb;
	struct net_fw	*fw = fw_new(f->ns);
	struct mc_err	 err = { 0 };
	MC_AUTOFREE char *text = NULL;

	model_init(&mb);
	apply_ok(fw, &mb);
	NT_OK(net_ns_delete(f->ns, &err), err);
	NT_OK(net_ns_create(f->ns, &err), err);
	apply_ok(fw, &mb);
	stats_are(fw, true, 12, 13);
	text = listing(f->ns);
	mc_test_golden(GOLDEN, text);
	net_fw_free(fw);
}

static void
test_delete(void **state)
{
	struct fixture	*f = *state;
	struct model	 mb;
	struct net_fw	*fw = fw_new(f->ns);
	struct mc_err	 err = { 0 };
	char		*text = NULL;

	NT_OK(net_fw_delete(fw, &err), err);	/* absent: fine */
	model_init(&mb);
	apply_ok(fw, &mb);
	NT_OK(net_fw_delete(fw, &err), err);
	assert_int_equal(net_nft_table_text(f->ns, "inet", TABLE, &text, &err),
	    -1);
	assert_int_equal(err.sys_errno, ENOENT);
	memset(&err, 0, sizeof(err));
	apply_ok(fw, &mb);
	stats_are(fw, true, 12, 13);
	net_fw_free(fw);
	/* Bad names, and a namespace that is not there. */
	assert_null(net_fw_new(f->ns, "1bad", &err));
	assert_int_equal(err.code, MC_EC_INVALID_PARAMETER_VALUE);
	assert_null(net_fw_new("no/such", TABLE, NULL));
	fw = fw_new("mcut-0-nosuch");
	memset(&err, 0, sizeof(err));
	assert_int_equal(net_fw_apply(fw, &mb.m, &err), -1);
	assert_int_equal(err.sys_errno, ENOENT);
	net_fw_free(fw);
}

/* 1000 ports, each with its own group of 50 ingress rules. */
struct big {
	struct net_fw_port	 ports[1000];
	struct net_fw_group	 groups[1000];
	struct net_fw_rule	 rules[1000][50];
	uint32_t		 members[1000];
	struct net_fw_model	 m;
};

static struct big *
big_new(void)
{
	struct big	*bg = calloc(1, sizeof(*bg));
	size_t		 i, j;

	assert_non_null(bg);
	for (i = 0; i < 1000; i++) {
		struct net_fw_port *p = &bg->ports[i];

		(void)snprintf(p->tap, sizeof(p->tap), "tap%zu", i);
		p->mac[0] = 2;
		p->mac[5] = (uint8_t)i;
		p->ip = IP4(10, 1, i / 250, i % 250 + 2);
		(void)snprintf(p->groups[0], NET_FW_ID_MAX, "sg-%zu", i);
		p->n_groups = 1;
		(void)snprintf(bg->groups[i].id, NET_FW_ID_MAX, "sg-%zu", i);
		bg->groups[i].rules[NET_FW_IN] = bg->rules[i];
		bg->groups[i].n_rules[NET_FW_IN] = 50;
		bg->members[i] = p->ip;
		bg->groups[i].members = &bg->members[i];
		bg->groups[i].n_members = 1;
		for (j = 0; j < 50; j++)
			bg->rules[i][j] = (struct net_fw_rule){ "sgr-x", 6,
			    (int)(1000 + j), (int)(1000 + j), IP4(10, 2, 0, 0),
			    16, "" };
		(void)snprintf(bg->rules[i][49].group, NET_FW_ID_MAX,
		    "sg-%zu", (i + 1) % 1000);
	}
	bg->m = (struct net_fw_model){ bg->ports, 1000, bg->groups, 1000 };
	return bg;
}

static void
test_large(void **state)
{
	struct fixture		*f = *state;
	struct big		*bg = big_new();
	struct net_fw		*fw = fw_new(f->ns);
	struct mc_err		 err = { 0 };
	struct net_fw_stats	 st;

	NT_OK(net_fw_apply(fw, &bg->m, &err), err);
	net_fw_stats(fw, &st);
	assert_true(st.full);
	assert_int_equal(st.chains_written, 4 + 4 * 1000);
	/* Many pages, one transaction. */
	assert_true(st.messages > 50000);
	bg->rules[500][7].to = 2000;
	NT_OK(net_fw_apply(fw, &bg->m, &err), err);
	stats_are(fw, false, 1, 0);
	bg->m.n_ports = 999;
	NT_OK(net_fw_apply(fw, &bg->m, &err), err);
	stats_are(fw, false, 0, 5);
	net_fw_free(fw);
	free(bg);
}

/* 1000 ports all in the same 5 groups of 50 ingress rules each. */
static void
test_large_shared(void **state)
{
	struct fixture		*f = *state;
	struct big		*bg = big_new();
	struct net_fw		*fw = fw_new(f->ns);
	struct mc_err		 err = { 0 };
	size_t			 i, j;

	for (i = 0; i < 1000; i++) {
		bg->ports[i].n_groups = NET_FW_PORT_GROUPS;
		for (j = 0; j < NET_FW_PORT_GROUPS; j++)
			(void)snprintf(bg->ports[i].groups[j], NET_FW_ID_MAX,
			    "sg-%zu", j);
	}
	bg->m.n_groups = NET_FW_PORT_GROUPS;
	for (j = 0; j < NET_FW_PORT_GROUPS; j++)
		(void)snprintf(bg->rules[j][49].group, NET_FW_ID_MAX, "sg-%zu",
		    (j + 1) % NET_FW_PORT_GROUPS);
	NT_OK(net_fw_apply(fw, &bg->m, &err), err);
	stats_are(fw, true, 4 + 2 * 1000 + 2 * NET_FW_PORT_GROUPS,
	    5 * 1000 + NET_FW_PORT_GROUPS);
	/* One rule of a group all ports share: still one chain. */
	bg->rules[3][0].from = bg->rules[3][0].to = 999;
	NT_OK(net_fw_apply(fw, &bg->m, &err), err);
	stats_are(fw, false, 1, 0);
	net_fw_free(fw);
	free(bg);
}

/* An ICMP echo from ns to dst; true when its reply comes in time. */
static bool
pings(const char *ns, const char *dst, int wait_ms)
{
	struct icmphdr		 h = { .type = ICMP_ECHO };
	struct sockaddr_in	 sin = nt_sin(dst, 0);
	struct mc_err		 err = { 0 };
	struct pollfd		 pfd = { .events = POLLIN };
	uint8_t			 buf[256];
	uint32_t		 sum = 0;
	const uint16_t		*w = (const uint16_t *)&h;
	size_t			 i;
	bool			 got = false;

	NT_OK(net_ns_socket(ns, AF_INET, SOCK_RAW, IPPROTO_ICMP, &pfd.fd,
	    &err), err);
	h.un.echo.id = htons((uint16_t)getpid());
	for (i = 0; i < sizeof(h) / 2; i++)
		sum += w[i];
	sum = (sum & 0xffff) + (sum >> 16);
	h.checksum = (uint16_t)~(sum + (sum >> 16));
	assert_int_equal(sendto(pfd.fd, &h, sizeof(h), 0,
	    (struct sockaddr *)&sin, sizeof(sin)), sizeof(h));
	while (!got && poll(&pfd, 1, wait_ms) == 1) {
		ssize_t			 n = recv(pfd.fd, buf, sizeof(buf), 0);
		const struct icmphdr	*r;
		size_t			 hl = (size_t)(buf[0] & 0x0f) * 4;

		if (n < (ssize_t)(hl + sizeof(*r)))
			continue;
		r = (const struct icmphdr *)(buf + hl);
		got = r->type == ICMP_ECHOREPLY && r->un.echo.id == h.un.echo.id;
	}
	(void)close(pfd.fd);
	return got;
}

/*
 * A TCP connection from src in ns to dst:port; true when it is made in
 * time, and then a byte goes each way through the listener lfd.
 */
static bool
connects(const char *ns, const char *src, const char *dst, uint16_t port,
    int lfd, int wait_ms)
{
	MC_AUTOCLOSE int	 fd = nt_bound(ns, SOCK_STREAM, src, 0, NULL);
	MC_AUTOCLOSE int	 afd = -1;
	struct sockaddr_in	 sin = nt_sin(dst, port);
	struct pollfd		 pfd = { .fd = fd, .events = POLLOUT };
	int			 e = 0;
	socklen_t		 len = sizeof(e);
	char			 c;

	assert_int_equal(fcntl(fd, F_SETFL, O_NONBLOCK), 0);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		assert_int_equal(errno, EINPROGRESS);
	if (poll(&pfd, 1, wait_ms) != 1 ||
	    getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) < 0 || e != 0)
		return false;
	afd = accept(lfd, NULL, NULL);
	assert_true(afd >= 0);
	assert_int_equal(write(fd, "q", 1), 1);
	assert_true(nt_readable(afd));
	assert_int_equal(read(afd, &c, 1), 1);
	/* The answer has no rule of its own: conntrack lets it back. */
	assert_int_equal(write(afd, "r", 1), 1);
	pfd.events = POLLIN;
	assert_int_equal(poll(&pfd, 1, NT_WAIT_MS), 1);
	assert_int_equal(read(fd, &c, 1), 1);
	return c == 'r';
}

/* A UDP datagram from src in ns reaches rfd (bound in the far end). */
static bool
udp_passes(const char *ns, const char *src, const char *dst, uint16_t port,
    int rfd)
{
	MC_AUTOCLOSE int	fd = nt_bound(ns, SOCK_DGRAM, src, 0, NULL);
	struct pollfd		pfd = { .fd = rfd, .events = POLLIN };
	char			buf[16];

	nt_sendto(fd, "u", dst, port);
	if (poll(&pfd, 1, NO_WAIT_MS) != 1)
		return false;
	return recv(rfd, buf, sizeof(buf), 0) == 1;
}

static void
packet_port(const char *ns, const char *dev, const char *tap, uint32_t ip,
    const char *group, struct net_fw_port *ret)
{
	struct net_nl_link	 link;
	struct mc_err		 err = { 0 };
	struct net_nl		*nl = NULL;

	NT_OK(net_nl_open(ns, &nl, &err), err);
	NT_OK(net_nl_link_get(nl, dev, &link, &err), err);
	net_nl_close(nl);
	memset(ret, 0, sizeof(*ret));
	(void)snprintf(ret->tap, sizeof(ret->tap), "%s", tap);
	memcpy(ret->mac, link.mac, sizeof(ret->mac));
	ret->ip = ip;
	(void)snprintf(ret->groups[0], NET_FW_ID_MAX, "%s", group);
	ret->n_groups = 1;
}

/*
 * a (10.60.1.2) -- ns, the firewall (tapa | tapb) -- b (10.60.2.2).
 * sg-a may send anything and receive nothing; sg-b may send nothing
 * and receive TCP 5001 from sg-a, UDP 5003 from 10.60.1.0/24 and pings.
 */
static void
packet_wire(struct fixture *f, struct net_fw_port ports[2])
{
	struct mc_err	 err = { 0 };
	struct net_nl	*nl = NULL;

	nt_ns_new(f->a, "a");
	nt_ns_new(f->b, "b");
	nt_wire(f->ns, "tapa", "10.60.1.1", f->a, "eth0", "10.60.1.2", 24);
	nt_wire(f->ns, "tapb", "10.60.2.1", f->b, "eth0", "10.60.2.2", 24);
	nt_route_via(f->a, "0.0.0.0", 0, "10.60.1.1");
	nt_route_via(f->b, "0.0.0.0", 0, "10.60.2.1");
	/* A second address on a, which the firewall does not know. */
	NT_OK(net_nl_open(f->a, &nl, &err), err);
	NT_OK(net_nl_addr_add(nl, "eth0", nt_in4("10.60.1.99"), 24, 0, &err),
	    err);
	net_nl_close(nl);
	NT_OK(net_ns_sysctl_set(f->ns, "net/ipv4/ip_forward", "1", &err), err);
	packet_port(f->a, "eth0", "tapa", IP4(10, 60, 1, 2), "sg-a", &ports[0]);
	packet_port(f->b, "eth0", "tapb", IP4(10, 60, 2, 2), "sg-b", &ports[1]);
}

static void
test_packets(void **state)
{
	static struct net_fw_rule a_out[] = {
		{ "sgr-a1", -1, -1, -1, 0, 0, "" },
	};
	static struct net_fw_rule b_in[] = {
		{ "sgr-b1", 6, 5001, 5001, 0, 0, "sg-a" },
		{ "sgr-b2", 17, 5003, 5003, IP4(10, 60, 1, 0), 24, "" },
		{ "sgr-b3", 1, 8, -1, 0, 0, "" },
		{ "sgr-b4", 6, 5002, 5002, 0, 0, "" },
	};
	static uint32_t		 a_members[] = { IP4(10, 60, 1, 2) };
	struct fixture		*f = *state;
	struct net_fw_port	 ports[2];
	struct net_fw_group	 groups[2] = {
		{ .id = "sg-a", .rules[NET_FW_OUT] = a_out, .n_rules[NET_FW_OUT]
		    = 1, .members = a_members, .n_members = 1 },
		{ .id = "sg-b", .rules[NET_FW_IN] = b_in, .n_rules[NET_FW_IN]
		    = 3 },
	};
	struct net_fw_model	 m = { ports, 2, groups, 2 };
	struct net_fw		*fw = fw_new(f->ns);
	struct mc_err		 err = { 0 };
	MC_AUTOCLOSE int	 l1 = -1, l2 = -1, u3 = -1;

	packet_wire(f, ports);
	l1 = nt_bound(f->b, SOCK_STREAM, "10.60.2.2", 5001, NULL);
	l2 = nt_bound(f->b, SOCK_STREAM, "10.60.2.2", 5002, NULL);
	u3 = nt_bound(f->b, SOCK_DGRAM, "10.60.2.2", 5003, NULL);
	assert_int_equal(listen(l1, 4), 0);
	assert_int_equal(listen(l2, 4), 0);
	/* Without the table everything passes. */
	assert_true(pings(f->b, "10.60.1.2", NT_WAIT_MS));
	NT_OK(net_fw_apply(fw, &m, &err), err);
	assert_true(connects(f->a, "10.60.1.2", "10.60.2.2", 5001, l1,
	    NT_WAIT_MS));
	assert_false(connects(f->a, "10.60.1.2", "10.60.2.2", 5002, l2,
	    NO_WAIT_MS));
	assert_true(pings(f->a, "10.60.2.2", NT_WAIT_MS));
	assert_false(pings(f->b, "10.60.1.2", NO_WAIT_MS));
	assert_true(udp_passes(f->a, "10.60.1.2", "10.60.2.2", 5003, u3));
	/* A forged source: dropped before any rule could let it pass. */
	assert_false(udp_passes(f->a, "10.60.1.99", "10.60.2.2", 5003, u3));
	/* A rule added: the next connection passes. */
	groups[1].n_rules[NET_FW_IN] = 4;
	NT_OK(net_fw_apply(fw, &m, &err), err);
	stats_are(fw, false, 1, 0);
	assert_true(connects(f->a, "10.60.1.2", "10.60.2.2", 5002, l2,
	    NT_WAIT_MS));
	net_fw_free(fw);
}

int
main(void)
{
#define T(fn)	cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_golden),
		T(test_diffs),
		T(test_restart),
		T(test_restart_adopts),
		T(test_bad_models),
		T(test_kernel_refusal),
		T(test_ns_recreated),
		T(test_delete),
		T(test_large),
		T(test_large_shared),
		T(test_packets),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}

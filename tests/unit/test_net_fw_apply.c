/*
 * Tests of net_fw applying models, as root on the real kernel, in
 * scratch namespaces "mcut-<pid>-...": the table of a small model
 * against a golden listing, and against what nft itself makes of the
 * same ruleset written as text; later applies sending only the
 * difference (nothing for the same model, one chain for one rule, one
 * element for one member...), each checked against a whole apply of
 * the same model; a new handle replacing the table (a restarted agent);
 * a namespace made anew under its name; delete; large models.
 * Fixtures: net_fw_test.h.
 */
#include <errno.h>
#include <stdlib.h>

#include "net_fw_test.h"

#include "mc_cleanup.h"
#include "net_nft.h"

#define GOLDEN		"data/net_fw/golden.out"
#define GOLDEN_NFT	"data/net_fw/golden.nft"

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

int
main(void)
{
#define T(fn)	cmocka_unit_test_setup_teardown(fn, fw_setup, fw_teardown)
	const struct CMUnitTest tests[] = {
		T(test_golden),
		T(test_diffs),
		T(test_restart),
		T(test_restart_adopts),
		T(test_ns_recreated),
		T(test_delete),
		T(test_large),
		T(test_large_shared),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}

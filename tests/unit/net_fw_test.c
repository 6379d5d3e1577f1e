/*
 * net_fw_test: the golden model, the scratch namespaces of each net_fw
 * test, and the checks the tests share (listings, a table compared with
 * a whole apply, stats).  No test cases here: see test_net_fw_*.c.
 */
#include <stdlib.h>
#include <string.h>

#include "net_fw_test.h"

#include "mc_cleanup.h"
#include "net_nft.h"

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

const struct net_fw_port golden_ports[N_PORTS] = {
	[P_TAPB] = { "tapb", { 2, 0, 0, 0, 0, 0x0b }, IP4(10, 0, 1, 11),
	    { "sg-ssh" }, 1 },
	[P_TAPA] = { "tapa", { 2, 0, 0, 0, 0, 0x0a }, IP4(10, 0, 1, 10),
	    { "sg-web", "sg-ssh" }, 2 },
};

void
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

int
fw_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	nt_sweep(false);
	nt_ns_new(f->ns, "n");
	nt_ns_new(f->ref, "r");
	*state = f;
	return 0;
}

int
fw_teardown(void **state)
{
	free(*state);
	nt_sweep(true);
	return 0;
}

char *
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

void
apply_ok(struct net_fw *fw, const struct model *mb)
{
	struct mc_err err = { 0 };

	NT_OK(net_fw_apply(fw, &mb->m, &err), err);
}

struct net_fw *
fw_new(const char *ns)
{
	struct mc_err	 err = { 0 };
	struct net_fw	*fw = net_fw_new(ns, TABLE, &err);

	if (fw == NULL)
		fail_msg("%s", err.msg);
	return fw;
}

/* The table of ns is what a whole apply of mb makes (in f->ref). */
void
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

void
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

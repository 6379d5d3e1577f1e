/*
 * sg_bench_model: the bench's models, and the same rules written as a
 * classic linear ruleset (one chain per direction, every rule qualified
 * by its port's interface name) in nft text: the baseline.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_buf.h"
#include "mc_err.h"
#include "mc_ipv4.h"
#include "net_nft.h"
#include "sg_bench.h"

#define IP4(a, b, c, d)	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | \
	(uint32_t)(c) << 8 | (uint32_t)(d))
#define RULES_PER_GROUP	(SG_RULES + 1)		/* ingress, then egress */
#define FIRST_PORT	1000			/* tcp ports the rules allow */
#define FLIP_RULE	10
#define FLIP_BY		1000
#define SCRIPT_ROOM	(NET_NFT_SCRIPT_MAX - 4096)	/* then a new script */

/* Group i of port i: SG_RULES - 1 rules that miss, then the last one. */
static void
group_fill(struct sg_model *sm, size_t i, uint32_t last_peer)
{
	struct net_fw_group	*g = &sm->groups[i];
	struct net_fw_rule	*r = &sm->rules[i * RULES_PER_GROUP];
	size_t			 j;

	(void)snprintf(g->id, sizeof(g->id), "sg-%u", (unsigned)i & 0xffff);
	for (j = 0; j < SG_RULES; j++) {
		(void)snprintf(r[j].id, sizeof(r[j].id), "sgr-%u-%u",
		    (unsigned)i & 0xffff, (unsigned)j & 0xff);
		r[j].proto = 6;
		r[j].from = r[j].to = (int)(FIRST_PORT + j);
		r[j].net = IP4(10, 202, i >> 8, i & 0xff);
		r[j].prefix_len = 32;
	}
	r[SG_RULES - 1].proto = 17;
	r[SG_RULES - 1].from = r[SG_RULES - 1].to = SG_FLOW_PORT;
	r[SG_RULES - 1].net = last_peer;
	(void)snprintf(r[SG_RULES].id, sizeof(r[SG_RULES].id), "sgr-%u-out",
	    (unsigned)i & 0xffff);
	r[SG_RULES].proto = r[SG_RULES].from = r[SG_RULES].to = -1;
	g->rules[NET_FW_IN] = r;
	g->n_rules[NET_FW_IN] = SG_RULES;
	g->rules[NET_FW_OUT] = &r[SG_RULES];
	g->n_rules[NET_FW_OUT] = 1;
	g->members = &sm->members[i];
	g->n_members = 1;
}

/* Port i: a name only, or (test) the receiver's port. */
static void
port_fill(struct sg_model *sm, size_t i, const struct sg_net *net, bool test)
{
	struct net_fw_port *p = &sm->ports[i];

	if (test) {
		(void)snprintf(p->tap, sizeof(p->tap), "%s", SG_TEST_TAP);
		memcpy(p->mac, net->rcv_mac, sizeof(p->mac));
		p->ip = net->rcv_ip;
	} else {
		(void)snprintf(p->tap, sizeof(p->tap), "d%u", (unsigned)i & 0xffff);
		p->mac[0] = 2;
		p->mac[4] = (uint8_t)(i >> 8);
		p->mac[5] = (uint8_t)i;
		p->ip = IP4(10, 200, i >> 8, i & 0xff);
	}
	sm->members[i] = p->ip;
	(void)snprintf(p->groups[0], sizeof(p->groups[0]), "sg-%u",
	    (unsigned)i & 0xffff);
	p->n_groups = 1;
	group_fill(sm, i, test ? net->snd_ip : IP4(10, 203, i >> 8, i & 0xff));
}

int
sg_model_new(size_t n, const struct sg_net *net, struct sg_model **ret,
    struct mc_err *err)
{
	struct sg_model	*sm = calloc(1, sizeof(*sm));
	size_t		 i, cap = n + 1;

	if (sm == NULL || (sm->ports = calloc(cap, sizeof(*sm->ports))) == NULL ||
	    (sm->groups = calloc(cap, sizeof(*sm->groups))) == NULL ||
	    (sm->rules = calloc(cap * RULES_PER_GROUP,
	    sizeof(*sm->rules))) == NULL ||
	    (sm->members = calloc(cap, sizeof(*sm->members))) == NULL) {
		sg_model_free(sm);
		return mc_err_sys(err, ENOMEM, "out of memory");
	}
	for (i = 0; i < cap; i++)
		port_fill(sm, i, net, i == n - 1);
	/* The spare's name says what it is. */
	(void)snprintf(sm->ports[n].tap, sizeof(sm->ports[n].tap), "dspare");
	sm->n = n;
	sm->m = (struct net_fw_model){ sm->ports, n, sm->groups, n };
	*ret = sm;
	return 0;
}

void
sg_model_free(struct sg_model *sm)
{
	if (sm == NULL)
		return;
	free(sm->ports);
	free(sm->groups);
	free(sm->rules);
	free(sm->members);
	free(sm);
}

void
sg_model_grow(struct sg_model *sm, bool grow)
{
	sm->m.n_ports = sm->m.n_groups = sm->n + (grow ? 1 : 0);
}

void
sg_model_flip(struct sg_model *sm)
{
	struct net_fw_rule *r = &sm->rules[sm->n / 2 * RULES_PER_GROUP +
	    FLIP_RULE];

	r->from = r->to = r->from == FIRST_PORT + FLIP_RULE ?
	    FIRST_PORT + FLIP_RULE + FLIP_BY : FIRST_PORT + FLIP_RULE;
}

/* One rule as nft text: "<if>name "P" [ip xaddr A] [proto] accept". */
static int
linear_rule(struct mc_buf *b, const char *table, enum net_fw_dir dir,
    const char *tap, const struct net_fw_rule *r, struct mc_err *err)
{
	struct mc_cidr	c = { r->net, r->prefix_len };
	char		buf[MC_CIDR_STR_MAX];

	if (r->group[0] != '\0')
		return mc_err_set(err, MC_EC_INTERNAL_ERROR, "the linear "
		    "baseline has no group references");
	mc_buf_addf(b, "add rule inet %s %s %s \"%s\" ", table,
	    dir == NET_FW_IN ? "ingress" : "egress",
	    dir == NET_FW_IN ? "oifname" : "iifname", tap);
	if (r->prefix_len > 0)
		mc_buf_addf(b, "ip %s %s ", dir == NET_FW_IN ? "saddr" : "daddr",
		    mc_cidr_str(&c, buf));
	if ((r->proto == 6 || r->proto == 17) && r->from >= 0 &&
	    r->from == r->to)
		mc_buf_addf(b, "%s dport %d ", r->proto == 6 ? "tcp" : "udp",
		    r->from);
	else if ((r->proto == 6 || r->proto == 17) && r->from >= 0)
		mc_buf_addf(b, "%s dport %d-%d ", r->proto == 6 ? "tcp" : "udp",
		    r->from, r->to);
	else if (r->proto >= 0)
		mc_buf_addf(b, "meta l4proto %d ", r->proto);
	mc_buf_adds(b, "accept\n");
	return 0;
}

/* Hand b over as the next script of *v. */
static int
script_push(struct mc_buf *b, char ***v, size_t *n, struct mc_err *err)
{
	char	**nv = reallocarray(*v, *n + 1, sizeof(**v));
	char	 *s;

	if (nv == NULL)
		return mc_err_sys(err, ENOMEM, "out of memory");
	*v = nv;
	if ((s = mc_buf_steal(b, NULL)) == NULL)
		return mc_err_sys(err, ENOMEM, "out of memory");
	nv[(*n)++] = s;
	return 0;
}

/* A port's rules in both chains, then its drops. */
static int
linear_port(struct mc_buf *b, const char *table, const struct net_fw_port *p,
    const struct net_fw_group *g, struct mc_err *err)
{
	size_t	d, i;

	for (d = 0; d < NET_FW_DIR__MAX; d++) {
		for (i = 0; i < g->n_rules[d]; i++)
			if (linear_rule(b, table, d, p->tap, &g->rules[d][i],
			    err) < 0)
				return -1;
		mc_buf_addf(b, "add rule inet %s %s %s \"%s\" drop\n", table,
		    d == NET_FW_IN ? "ingress" : "egress",
		    d == NET_FW_IN ? "oifname" : "iifname", p->tap);
	}
	return 0;
}

int
sg_linear_scripts(const struct sg_model *sm, const char *table,
    char ***ret_v, size_t *ret_n, struct mc_err *err)
{
	struct mc_buf	 b;
	char		**v = NULL;
	size_t		 n = 0, i;
	int		 rc = 0;

	mc_buf_init(&b, 0);
	mc_buf_addf(&b, "add table inet %s\n"
	    "add chain inet %s egress { type filter hook forward priority 0; "
	    "policy accept; }\n"
	    "add chain inet %s ingress { type filter hook forward priority 10; "
	    "policy accept; }\n"
	    "add rule inet %s egress ct state established,related accept\n"
	    "add rule inet %s egress ct state invalid drop\n"
	    "add rule inet %s ingress ct state established,related accept\n",
	    table, table, table, table, table, table);
	for (i = 0; rc == 0 && i < sm->m.n_ports; i++) {
		rc = linear_port(&b, table, &sm->ports[i], &sm->groups[i], err);
		if (rc == 0 && b.len > SCRIPT_ROOM)
			rc = script_push(&b, &v, &n, err);
	}
	if (rc == 0 && b.len > 0)
		rc = script_push(&b, &v, &n, err);
	mc_buf_clear(&b);
	if (rc < 0) {
		for (i = 0; i < n; i++)
			free(v[i]);
		free(v);
		return -1;
	}
	*ret_v = v;
	*ret_n = n;
	return 0;
}

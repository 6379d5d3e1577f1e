/*
 * agt_net_fw: a VPC's security groups on this host.  The desired state
 * says which groups each interface is in, the groups' rules and their
 * members; this turns that into net_fw's model for the VPC's namespace
 * and applies it (net_fw sends only what changed), before any tap is
 * plugged, so that no port is ever up without its rules.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_buf.h"
#include "mc_cleanup.h"
#include "mc_err.h"
#include "mc_ipv4.h"
#include "net_fw.h"
#include "net_nft.h"
#include "agt_conf.h"
#include "agt_net.h"
#include "agt_net_priv.h"

/* Storage behind one round's model; everything is freed together. */
struct fw_build {
	struct net_fw_port	*ports;
	size_t			 n_ports;
	struct net_fw_group	*groups;
	size_t			 n_groups;
	struct net_fw_rule	*rules;		/* all groups' */
	uint32_t		*members;	/* all groups' */
};

static void
fw_build_clear(struct fw_build *b)
{
	free(b->ports);
	free(b->groups);
	free(b->rules);
	free(b->members);
	memset(b, 0, sizeof(*b));
}

/* The protocol checked every id; the precision only says so. */
#define COPY(dst, src)	(void)snprintf(dst, sizeof(dst), "%.*s", \
	(int)sizeof(dst) - 1, src)

static bool
mac_parse(const char *s, uint8_t *mac)
{
	unsigned	x[6];
	int		i;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x", &x[0], &x[1], &x[2], &x[3],
	    &x[4], &x[5]) != 6)
		return false;
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)x[i];
	return true;
}

static bool
in_vpc(const struct agt_vpc *v, const struct mc_proto_inst *w)
{
	return w->nic.eni[0] != '\0' && w->want != MC_PROTO_WANT_TERMINATED &&
	    strcmp(w->nic.vpc, v->id) == 0;
}

static int
build_ports(const struct agt_net *n, const struct agt_vpc *v,
    const struct mc_proto_desired *d, struct fw_build *b)
{
	struct net_fw_port	*p;
	size_t			 i, j;

	if (d->n > 0 && (b->ports = calloc(d->n, sizeof(*b->ports))) == NULL)
		return -1;
	for (i = 0; i < d->n; i++) {
		const struct mc_proto_inst *w = &d->v[i];

		if (!in_vpc(v, w))
			continue;
		p = &b->ports[b->n_ports];
		agt_net_tap_name(n, w->id, p->tap);
		if (!mac_parse(w->nic.mac, p->mac) ||
		    !mc_ipv4_parse(w->nic.ip, &p->ip))
			continue;	/* the protocol checked both */
		for (j = 0; j < w->nic.groups.n && j < NET_FW_PORT_GROUPS; j++)
			COPY(p->groups[j], w->nic.groups.v[j]);
		p->n_groups = j;
		b->n_ports++;
	}
	return 0;
}

/* Room for every rule and member of d's groups in v's VPC. */
static int
build_alloc(const struct agt_vpc *v, const struct mc_proto_desired *d,
    struct fw_build *b)
{
	size_t i, n_rules = 0, n_members = 0;

	for (i = 0; i < d->n_groups; i++)
		if (strcmp(d->groups[i].vpc, v->id) == 0) {
			n_rules += d->groups[i].n_rules;
			n_members += d->groups[i].n_members;
		}
	if (d->n_groups > 0 &&
	    (b->groups = calloc(d->n_groups, sizeof(*b->groups))) == NULL)
		return -1;
	if (n_rules > 0 &&
	    (b->rules = calloc(n_rules, sizeof(*b->rules))) == NULL)
		return -1;
	if (n_members > 0 &&
	    (b->members = calloc(n_members, sizeof(*b->members))) == NULL)
		return -1;
	return 0;
}

static void
rule_of(const struct mc_proto_sg_rule *r, struct net_fw_rule *f)
{
	struct mc_cidr c = { 0, 0 };

	COPY(f->id, r->id);
	f->proto = r->proto;
	f->from = r->from;
	f->to = r->to;
	if (r->group[0] != '\0')
		COPY(f->group, r->group);
	else
		(void)mc_cidr_parse(r->cidr, &c);
	f->net = c.net;
	f->prefix_len = c.prefix;
}

/*
 * One group: its rules, ingress first then egress (so each direction
 * is one run of the array), and its members.
 */
static void
build_group(const struct mc_proto_sg *g, struct fw_build *b,
    size_t *rule_at, size_t *member_at)
{
	struct net_fw_group	*f = &b->groups[b->n_groups++];
	int			 dir;
	size_t			 i;

	COPY(f->id, g->id);
	for (dir = 0; dir < NET_FW_DIR__MAX; dir++) {
		f->rules[dir] = &b->rules[*rule_at];
		for (i = 0; i < g->n_rules; i++)
			if (g->rules[i].egress == (dir == NET_FW_OUT)) {
				rule_of(&g->rules[i], &b->rules[(*rule_at)++]);
				f->n_rules[dir]++;
			}
	}
	f->members = &b->members[*member_at];
	for (i = 0; i < g->n_members; i++)
		if (mc_ipv4_parse(g->members[i].ip, &b->members[*member_at]))
			(*member_at)++, f->n_members++;
}

static int
build(const struct agt_net *n, const struct agt_vpc *v,
    const struct mc_proto_desired *d, struct fw_build *b)
{
	size_t i, rule_at = 0, member_at = 0;

	if (build_ports(n, v, d, b) < 0 || build_alloc(v, d, b) < 0)
		return -1;
	for (i = 0; i < d->n_groups; i++)
		if (strcmp(d->groups[i].vpc, v->id) == 0)
			build_group(&d->groups[i], b, &rule_at, &member_at);
	return 0;
}

int
agt_net_vpc_firewall(struct agt_net *n, struct agt_vpc *v,
    const struct mc_proto_desired *d, struct mc_err *err)
{
	struct fw_build		b;
	struct net_fw_model	m;
	char			table[NET_NAME_NFT_MAX];
	int			rc;

	if (v->fw == NULL) {
		(void)snprintf(table, sizeof(table), "%sfw",
		    n->conf->net_prefix);
		if ((v->fw = net_fw_new(v->ns, table, err)) == NULL)
			return -1;
	}
	memset(&b, 0, sizeof(b));
	if (build(n, v, d, &b) < 0) {
		fw_build_clear(&b);
		return mc_err_sys(err, ENOMEM, "out of memory");
	}
	m.ports = b.ports;
	m.n_ports = b.n_ports;
	m.groups = b.groups;
	m.n_groups = b.n_groups;
	rc = net_fw_apply(v->fw, &m, err);
	fw_build_clear(&b);
	return rc;
}

/* One chain, set or map of a table's listing: its lines [start, end). */
struct block {
	const char	*name;
	size_t		 len;
	const char	*start, *end;
	bool		 keep;
};

#define MAX_BLOCKS	8192

/* The top-level blocks of a table's listing, in order. */
static size_t
split_blocks(const char *text, struct block *v, size_t max)
{
	const char	*line, *end;
	size_t		 n = 0;

	for (line = text; *line != '\0' && n < max; line = end) {
		end = strchr(line, '\n');
		end = end != NULL ? end + 1 : line + strlen(line);
		if (strncmp(line, "\tchain ", 7) == 0 ||
		    strncmp(line, "\tset ", 5) == 0 ||
		    strncmp(line, "\tmap ", 5) == 0) {
			v[n].name = strchr(line + 1, ' ') + 1;
			v[n].len = strcspn(v[n].name, " {\n");
			v[n].start = line;
			v[n].keep = false;
		} else if (strncmp(line, "\t}", 2) == 0) {
			v[n++].end = end;
		}
	}
	return n;
}

static bool
named(const struct block *k, const char *name)
{
	return strlen(name) == k->len && strncmp(k->name, name, k->len) == 0;
}

/* Keep w's port chains and its groups' chains. */
static void
mark_chains(const struct agt_net *n, const struct mc_proto_inst *w,
    struct block *v, size_t nb)
{
	char	tap[AGT_NET_TAP_MAX], want[NET_FW_ID_MAX + 8];
	size_t	i, k;

	agt_net_tap_name(n, w->id, tap);
	for (i = 0; i < 2 + 2 * w->nic.groups.n; i++) {
		(void)snprintf(want, sizeof(want), "%s-%s", i % 2 ? "out" :
		    "in", i < 2 ? tap : w->nic.groups.v[i / 2 - 1]);
		for (k = 0; k < nb; k++)
			v[k].keep |= named(&v[k], want);
	}
}

/* Keep the member sets that kept chains look up. */
static void
mark_sets(struct block *v, size_t nb)
{
	const char	*at;
	size_t		 i, k;

	for (i = 0; i < nb; i++) {
		if (!v[i].keep || strncmp(v[i].start, "\tchain ", 7) != 0)
			continue;
		for (k = 0; k < nb; k++)
			for (at = v[i].start; !v[k].keep && (at = strstr(at,
			    "@m-")) != NULL && at < v[i].end; at++)
				v[k].keep = strncmp(at + 1, v[k].name,
				    v[k].len) == 0 && strchr(" \n",
				    at[1 + v[k].len]) != NULL;
	}
}

/*
 * Of a shared set or map, its first line and its elements that name
 * tap (the others are other ports').
 */
static void
add_lines_naming(const struct block *k, const char *tap, struct mc_buf *out)
{
	const char	*at, *end, *open;
	size_t		 n = 0, len;

	if ((open = strstr(k->start, "elements = { ")) == NULL ||
	    open >= k->end)
		return;
	for (at = open + strlen("elements = { "); at < k->end; at = end + 1) {
		at += strspn(at, " \t\n");
		len = strcspn(at, ",}");
		end = at + len;
		while (len > 0 && strchr(" \t\n", at[len - 1]) != NULL)
			len--;
		if (memmem(at, len, tap, strlen(tap)) != NULL) {
			if (n++ == 0)
				mc_buf_addf(out, "%.*s\t\telements = { ",
				    (int)(strchr(k->start, '\n') + 1 -
				    k->start), k->start);
			else
				mc_buf_adds(out, ", ");
			mc_buf_add(out, at, len);
		}
		if (*end != ',')
			break;
	}
	if (n > 0)
		mc_buf_adds(out, " }\t# and the other ports'\n\t}\n");
}

void
agt_net_fw_explain(struct agt_net *n, struct agt_vpc *v,
    const struct mc_proto_inst *w, struct mc_buf *b)
{
	MC_AUTOFREE char	*text = NULL;
	MC_AUTOFREE struct block *blocks = NULL;
	struct mc_err		 err = { 0 };
	char			 table[NET_NAME_NFT_MAX], tap[AGT_NET_TAP_MAX];
	size_t			 nb, i;

	(void)snprintf(table, sizeof(table), "%sfw", n->conf->net_prefix);
	agt_net_tap_name(n, w->id, tap);
	if (net_nft_table_text(v->ns, "inet", table, &text, &err) < 0) {
		mc_buf_addf(b, "\n## security groups: no table inet %s in %s "
		    "(%s)\n", table, v->ns, err.msg);
		return;
	}
	if ((blocks = calloc(MAX_BLOCKS, sizeof(*blocks))) == NULL)
		return;
	nb = split_blocks(text, blocks, MAX_BLOCKS);
	mark_chains(n, w, blocks, nb);
	mark_sets(blocks, nb);
	mc_buf_addf(b, "\n## security groups: what of `nft -n %s list table "
	    "inet %s` is about %s (each group rule's id is its comment)\n\n"
	    "table inet %s {\n", v->ns, table, tap, table);
	for (i = 0; i < nb; i++) {
		if (blocks[i].keep)
			mc_buf_add(b, blocks[i].start,
			    (size_t)(blocks[i].end - blocks[i].start));
		else if (strncmp(blocks[i].start, "\tchain ", 7) != 0)
			add_lines_naming(&blocks[i], tap, b);
	}
	mc_buf_adds(b, "}\n");
}

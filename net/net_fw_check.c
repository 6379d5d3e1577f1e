/*
 * net_fw_check: the checks a model passes before anything is sent.
 * First its shapes (sizes, names, ranges) on the caller's model, then,
 * on the sorted copy, duplicates and references to groups.  Every
 * failure is InvalidParameterValue naming the port, group or rule.
 */
#include <netinet/in.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "mc_cleanup.h"
#include "mc_err.h"
#include "mc_ipv4.h"
#include "net_fw_priv.h"
#include "net_name.h"

#define BAD	MC_EC_INVALID_PARAMETER_VALUE
#define PORT_MAX	65535
#define ICMP_MAX	255
#define PROTO_MAX	255

static const char *const dir_names[NET_FW_DIR__MAX] = {
	[NET_FW_IN] = "ingress",
	[NET_FW_OUT] = "egress",
};

static bool
is_letter(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/*
 * The characters net_name_check allows an nft name: a letter, then
 * letters, digits, '_', '-' and '.'.  Checked here by hand because a
 * model has tens of thousands of ids and strspn() is slow at it.
 */
static bool
id_chars_ok(const char *id)
{
	const char *p;

	if (!is_letter(id[0]))
		return false;
	for (p = id + 1; *p != '\0'; p++)
		if (!is_letter(*p) && !(*p >= '0' && *p <= '9') &&
		    *p != '_' && *p != '-' && *p != '.')
			return false;
	return true;
}

/*
 * An id of what (for the message: "group", "rule"): not empty, NUL
 * within NET_FW_ID_MAX, and a name nft and a log line take as it is.
 */
static int
id_check(const char *what, const char *id, struct mc_err *err)
{
	size_t n = strnlen(id, NET_FW_ID_MAX);

	if (n == 0)
		return mc_err_set(err, BAD, "firewall: empty %s id", what);
	if (n == NET_FW_ID_MAX)
		return mc_err_set(err, BAD, "firewall: %s id \"%.*s...\" is "
		    "longer than %d characters", what, 16, id,
		    NET_FW_ID_MAX - 1);
	if (!id_chars_ok(id))
		return mc_err_set(err, BAD, "firewall: invalid %s id \"%s\"",
		    what, id);
	return 0;
}

static int
port_check(const struct net_fw_port *p, struct mc_err *err)
{
	size_t i;

	if (strnlen(p->tap, sizeof(p->tap)) == sizeof(p->tap) ||
	    net_name_check(NET_NAME_LINK, p->tap, NULL) < 0)
		return mc_err_set(err, BAD, "firewall: invalid tap name "
		    "\"%.*s\"", (int)sizeof(p->tap), p->tap);
	if (p->n_groups > NET_FW_PORT_GROUPS)
		return mc_err_set(err, BAD, "firewall port %s: %zu groups, "
		    "at most %d", p->tap, p->n_groups, NET_FW_PORT_GROUPS);
	for (i = 0; i < p->n_groups; i++)
		if (id_check("group", p->groups[i], err) < 0)
			return -1;
	return 0;
}

/* tcp, udp: from..to a port range, or both -1 for all ports. */
static int
ports_check(const struct net_fw_rule *r, struct mc_err *err)
{
	if ((r->from == -1 && r->to == -1) ||
	    (r->from >= 0 && r->from <= r->to && r->to <= PORT_MAX))
		return 0;
	return mc_err_set(err, BAD, "firewall rule %s: invalid port range "
	    "%d-%d", r->id, r->from, r->to);
}

/* icmp: a type and a code, each 0..255 or -1 for any. */
static int
icmp_check(const struct net_fw_rule *r, struct mc_err *err)
{
	if (r->from < -1 || r->from > ICMP_MAX || r->to < -1 ||
	    r->to > ICMP_MAX)
		return mc_err_set(err, BAD, "firewall rule %s: invalid icmp "
		    "type %d code %d", r->id, r->from, r->to);
	return 0;
}

static const struct {
	int	proto;
	int	(*check)(const struct net_fw_rule *, struct mc_err *);
} proto_checks[] = {
	{ IPPROTO_TCP,	ports_check },
	{ IPPROTO_UDP,	ports_check },
	{ IPPROTO_ICMP,	icmp_check },
};

/* The peer: a group id, or a CIDR with no host bits. */
static int
peer_check(const struct net_fw_rule *r, struct mc_err *err)
{
	struct mc_cidr	c = { .net = r->net, .prefix = r->prefix_len };
	char		buf[MC_IPV4_STR_MAX];

	if (strnlen(r->group, sizeof(r->group)) > 0)
		return id_check("group", r->group, err);
	if (r->prefix_len > 32)
		return mc_err_set(err, BAD, "firewall rule %s: prefix length "
		    "%u, at most 32", r->id, r->prefix_len);
	if ((r->net & ~mc_cidr_mask(c.prefix)) != 0)
		return mc_err_set(err, BAD, "firewall rule %s: %s/%u has host "
		    "bits set", r->id, mc_ipv4_str(r->net, buf), c.prefix);
	return 0;
}

static int
rule_check(const struct net_fw_rule *r, struct mc_err *err)
{
	size_t i;

	if (id_check("rule", r->id, err) < 0 || peer_check(r, err) < 0)
		return -1;
	if (r->proto < -1 || r->proto > PROTO_MAX)
		return mc_err_set(err, BAD, "firewall rule %s: invalid "
		    "protocol %d", r->id, r->proto);
	for (i = 0; i < MC_NELEMS(proto_checks); i++)
		if (proto_checks[i].proto == r->proto)
			return proto_checks[i].check(r, err);
	return 0;
}

static int
group_check(const struct net_fw_group *g, struct mc_err *err)
{
	size_t d, i;

	if (id_check("group", g->id, err) < 0)
		return -1;
	for (d = 0; d < NET_FW_DIR__MAX; d++) {
		if (g->n_rules[d] > NET_FW_GROUP_RULES)
			return mc_err_set(err, BAD, "firewall group %s: %zu "
			    "%s rules, at most %d", g->id, g->n_rules[d],
			    dir_names[d], NET_FW_GROUP_RULES);
		if (g->n_rules[d] > 0 && g->rules[d] == NULL)
			return mc_err_set(err, BAD, "firewall group %s: no "
			    "%s rules given", g->id, dir_names[d]);
		for (i = 0; i < g->n_rules[d]; i++)
			if (rule_check(&g->rules[d][i], err) < 0)
				return -1;
	}
	if (g->n_members > NET_FW_MEMBERS_MAX)
		return mc_err_set(err, BAD, "firewall group %s: %zu members, "
		    "at most %d", g->id, g->n_members, NET_FW_MEMBERS_MAX);
	if (g->n_members > 0 && g->members == NULL)
		return mc_err_set(err, BAD, "firewall group %s: no members "
		    "given", g->id);
	return 0;
}

int
net_fw_check_model(const struct net_fw_model *m, struct mc_err *err)
{
	size_t i;

	if (m == NULL)
		return mc_err_set(err, BAD, "firewall: no model");
	if (m->n_ports > NET_FW_PORTS_MAX)
		return mc_err_set(err, BAD, "firewall: %zu ports, at most %d",
		    m->n_ports, NET_FW_PORTS_MAX);
	if (m->n_groups > NET_FW_GROUPS_MAX)
		return mc_err_set(err, BAD, "firewall: %zu groups, at most %d",
		    m->n_groups, NET_FW_GROUPS_MAX);
	if ((m->n_ports > 0 && m->ports == NULL) ||
	    (m->n_groups > 0 && m->groups == NULL))
		return mc_err_set(err, BAD, "firewall: no ports or groups "
		    "given");
	for (i = 0; i < m->n_ports; i++)
		if (port_check(&m->ports[i], err) < 0)
			return -1;
	for (i = 0; i < m->n_groups; i++)
		if (group_check(&m->groups[i], err) < 0)
			return -1;
	return 0;
}

/* Every group the rules of g refer to is in c. */
static int
refs_check(const struct net_fw_copy *c, const struct net_fw_group *g,
    struct mc_err *err)
{
	const struct net_fw_rule	*r;
	size_t				 d, i;

	for (d = 0; d < NET_FW_DIR__MAX; d++)
		for (i = 0; i < g->n_rules[d]; i++) {
			r = &g->rules[d][i];
			if (r->group[0] != '\0' &&
			    net_fw_copy_group(c, r->group) == NULL)
				return mc_err_set(err, BAD, "firewall rule %s "
				    "of group %s: group %s is not in the model",
				    r->id, g->id, r->group);
		}
	return 0;
}

int
net_fw_check_copy(const struct net_fw_copy *c, struct mc_err *err)
{
	size_t i, j;

	for (i = 1; i < c->n_groups; i++)
		if (strcmp(c->groups[i - 1].id, c->groups[i].id) == 0)
			return mc_err_set(err, BAD, "firewall: group %s given "
			    "twice", c->groups[i].id);
	for (i = 0; i < c->n_ports; i++) {
		if (i > 0 && strcmp(c->ports[i - 1].tap, c->ports[i].tap) == 0)
			return mc_err_set(err, BAD, "firewall: port %s given "
			    "twice", c->ports[i].tap);
		/* out-X and in-X would name both the port's and the group's. */
		if (net_fw_copy_group(c, c->ports[i].tap) != NULL)
			return mc_err_set(err, BAD, "firewall: port %s has the "
			    "name of a group", c->ports[i].tap);
		for (j = 0; j < c->ports[i].n_groups; j++)
			if (net_fw_copy_group(c, c->ports[i].groups[j]) == NULL)
				return mc_err_set(err, BAD, "firewall port %s: "
				    "group %s is not in the model",
				    c->ports[i].tap, c->ports[i].groups[j]);
	}
	for (i = 0; i < c->n_groups; i++)
		if (refs_check(c, &c->groups[i], err) < 0)
			return -1;
	return 0;
}

/*
 * net_fw_model: the copy of a model a net_fw handle keeps, sorted so
 * that two copies are compared by walking them side by side, and the
 * comparisons the diff needs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_cleanup.h"
#include "mc_err.h"
#include "net_fw_priv.h"

static int
port_cmp(const void *a, const void *b)
{
	const struct net_fw_port *pa = a, *pb = b;

	return strcmp(pa->tap, pb->tap);
}

static int
group_cmp(const void *a, const void *b)
{
	const struct net_fw_group *ga = a, *gb = b;

	return strcmp(ga->id, gb->id);
}

static int
member_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* A new copy of n elements of size bytes at src (NULL when n is 0). */
static void *
dup_array(const void *src, size_t n, size_t size, bool *failed)
{
	void *p;

	if (n == 0)
		return NULL;
	if ((p = calloc(n, size)) == NULL) {
		*failed = true;
		return NULL;
	}
	memcpy(p, src, n * size);
	return p;
}

/* Copy g into dst: its own rules, its members sorted and unique. */
static bool
group_copy(struct net_fw_group *dst, const struct net_fw_group *g)
{
	bool	failed = false;
	size_t	d, i, n = 0;

	memcpy(dst->id, g->id, sizeof(dst->id));
	for (d = 0; d < NET_FW_DIR__MAX; d++) {
		dst->rules[d] = dup_array(g->rules[d], g->n_rules[d],
		    sizeof(*g->rules[d]), &failed);
		dst->n_rules[d] = failed ? 0 : g->n_rules[d];
	}
	dst->members = dup_array(g->members, g->n_members,
	    sizeof(*g->members), &failed);
	if (failed)
		return false;
	if (g->n_members > 0)	/* qsort wants an array, even an empty one */
		qsort(dst->members, g->n_members, sizeof(*dst->members),
		    member_cmp);
	for (i = 0; i < g->n_members; i++)
		if (n == 0 || dst->members[n - 1] != dst->members[i])
			dst->members[n++] = dst->members[i];
	dst->n_members = n;
	return true;
}

static void
copy_freep(struct net_fw_copy **cp)
{
	net_fw_copy_free(*cp);
}

int
net_fw_copy_new(const struct net_fw_model *m, struct net_fw_copy **ret,
    struct mc_err *err)
{
	MC_CLEANUP(copy_freep) struct net_fw_copy *c = calloc(1, sizeof(*c));
	bool	failed = c == NULL;
	size_t	i;

	if (!failed)
		c->ports = dup_array(m->ports, m->n_ports, sizeof(*m->ports),
		    &failed);
	if (!failed && m->n_groups > 0 &&
	    (c->groups = calloc(m->n_groups, sizeof(*c->groups))) == NULL)
		failed = true;
	if (failed)
		return mc_err_sys(err, ENOMEM, "out of memory");
	c->n_ports = m->n_ports;
	if (c->n_ports > 0)
		qsort(c->ports, c->n_ports, sizeof(*c->ports), port_cmp);
	for (i = 0; i < m->n_groups; i++) {
		c->n_groups = i + 1;	/* so that free finds it */
		if (!group_copy(&c->groups[i], &m->groups[i]))
			return mc_err_sys(err, ENOMEM, "out of memory");
	}
	if (c->n_groups > 0)
		qsort(c->groups, c->n_groups, sizeof(*c->groups), group_cmp);
	*ret = mc_steal_ptr(&c);
	return 0;
}

void
net_fw_copy_free(struct net_fw_copy *c)
{
	size_t i, d;

	if (c == NULL)
		return;
	for (i = 0; i < c->n_groups; i++) {
		for (d = 0; d < NET_FW_DIR__MAX; d++)
			free(c->groups[i].rules[d]);
		free(c->groups[i].members);
	}
	free(c->groups);
	free(c->ports);
	free(c);
}

const struct net_fw_group *
net_fw_copy_group(const struct net_fw_copy *c, const char *id)
{
	struct net_fw_group key;

	if (c->n_groups == 0 || strlen(id) >= sizeof(key.id))
		return NULL;
	memcpy(key.id, id, strlen(id) + 1);
	return bsearch(&key, c->groups, c->n_groups, sizeof(*c->groups),
	    group_cmp);
}

static bool
rule_eq(const struct net_fw_rule *a, const struct net_fw_rule *b)
{
	return strcmp(a->id, b->id) == 0 && a->proto == b->proto &&
	    a->from == b->from && a->to == b->to && a->net == b->net &&
	    a->prefix_len == b->prefix_len && strcmp(a->group, b->group) == 0;
}

bool
net_fw_rules_eq(const struct net_fw_group *a, const struct net_fw_group *b,
    enum net_fw_dir dir)
{
	size_t i;

	if (a->n_rules[dir] != b->n_rules[dir])
		return false;
	for (i = 0; i < a->n_rules[dir]; i++)
		if (!rule_eq(&a->rules[dir][i], &b->rules[dir][i]))
			return false;
	return true;
}

bool
net_fw_port_groups_eq(const struct net_fw_port *a, const struct net_fw_port *b)
{
	size_t i;

	if (a->n_groups != b->n_groups)
		return false;
	for (i = 0; i < a->n_groups; i++)
		if (strcmp(a->groups[i], b->groups[i]) != 0)
			return false;
	return true;
}

char *
net_fw_name(char *buf, const char *prefix, const char *id)
{
	/* Checked ids and taps are short enough: this cannot truncate. */
	(void)snprintf(buf, NET_FW_OBJ_MAX, "%s%s", prefix, id);
	return buf;
}

const char *
net_fw_dir_prefix(enum net_fw_dir dir)
{
	static const char *const prefixes[NET_FW_DIR__MAX] = {
		[NET_FW_IN] = "in-",
		[NET_FW_OUT] = "out-",
	};

	return prefixes[dir];
}

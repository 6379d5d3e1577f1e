/*
 * net_fw_diff: what a batch must hold to turn the table of one model
 * into that of another.  A whole replacement is the difference from an
 * empty model, after the table itself, its fixed sets and base chains.
 * The order within the batch is what the kernel needs: a set or chain
 * exists before a rule or element refers to it, and nothing refers to
 * a chain or set any more when it is deleted.
 */
#include <arpa/inet.h>

#include <string.h>

#include "mc_cleanup.h"
#include "net_fw_priv.h"

/*
 * Two copies walked side by side in their sorted order: each step
 * yields the old and the new port (or group) of one name, either NULL
 * when that copy lacks it.
 */
struct walk {
	const struct net_fw_copy	*old, *new;
	size_t				 i, j;
};

/* Which the step takes: < 0 the old one only, > 0 the new, 0 both. */
static int
walk_side(const char *a, const char *b)
{
	if (a == NULL)
		return 1;
	if (b == NULL)
		return -1;
	return strcmp(a, b);
}

static bool
port_next(struct walk *w, const struct net_fw_port **ret_old,
    const struct net_fw_port **ret_new)
{
	const struct net_fw_copy	*o = w->old, *n = w->new;
	int				 c;

	if (w->i == o->n_ports && w->j == n->n_ports)
		return false;
	c = walk_side(w->i < o->n_ports ? o->ports[w->i].tap : NULL,
	    w->j < n->n_ports ? n->ports[w->j].tap : NULL);
	*ret_old = c <= 0 ? &o->ports[w->i++] : NULL;
	*ret_new = c >= 0 ? &n->ports[w->j++] : NULL;
	return true;
}

static bool
group_next(struct walk *w, const struct net_fw_group **ret_old,
    const struct net_fw_group **ret_new)
{
	const struct net_fw_copy	*o = w->old, *n = w->new;
	int				 c;

	if (w->i == o->n_groups && w->j == n->n_groups)
		return false;
	c = walk_side(w->i < o->n_groups ? o->groups[w->i].id : NULL,
	    w->j < n->n_groups ? n->groups[w->j].id : NULL);
	*ret_old = c <= 0 ? &o->groups[w->i++] : NULL;
	*ret_new = c >= 0 ? &n->groups[w->j++] : NULL;
	return true;
}

/* The sets every port has elements in. */
enum pset {
	PSET_PORTS,
	PSET_SRC_OK,
	PSET_OUT_VMAP,
	PSET_IN_VMAP,
	PSET__MAX
};

static const char *const pset_names[PSET__MAX] = {
	[PSET_PORTS] = "ports",
	[PSET_SRC_OK] = "src_ok",
	[PSET_OUT_VMAP] = "out_vmap",
	[PSET_IN_VMAP] = "in_vmap",
};

/* p's elements in set s: add them, or delete them (e->del). */
static void
port_elems(struct net_fw_elems *e, const struct net_fw_port *p,
    enum pset s)
{
	struct net_fw_key_src	key = { 0 };
	char			chain[NET_FW_OBJ_MAX];
	enum net_fw_dir		dir = s == PSET_OUT_VMAP ? NET_FW_OUT : NET_FW_IN;

	memcpy(key.ifname, p->tap, strlen(p->tap));
	if (s == PSET_PORTS)
		net_fw_elems_add(e, key.ifname, sizeof(key.ifname), NULL);
	else if (s == PSET_OUT_VMAP || s == PSET_IN_VMAP)
		/* A deletion names the key only. */
		net_fw_elems_add(e, key.ifname, sizeof(key.ifname), e->del ?
		    NULL : net_fw_name(chain, net_fw_dir_prefix(dir), p->tap));
	else {
		/* Its address, and 0.0.0.0 for DHCP before it has one. */
		memcpy(key.mac, p->mac, sizeof(key.mac));
		key.ip = htonl(p->ip);
		net_fw_elems_add(e, &key, sizeof(key), NULL);
		key.ip = 0;
		if (p->ip != 0)
			net_fw_elems_add(e, &key, sizeof(key), NULL);
	}
}

static bool
readdressed(const struct net_fw_port *a, const struct net_fw_port *b)
{
	return memcmp(a->mac, b->mac, sizeof(a->mac)) != 0 || a->ip != b->ip;
}

/* 1. New groups: their chains (filled in 3), member set and members. */
static void
groups_new(struct net_fw_batch *b, const struct net_fw_copy *old,
    const struct net_fw_copy *new)
{
	const struct net_fw_group	*go, *gn;
	struct net_fw_elems		 e;
	struct walk			 w;
	char				 name[NET_FW_OBJ_MAX];
	size_t				 d, i;

	w = (struct walk){ old, new, 0, 0 };
	while (group_next(&w, &go, &gn)) {
		if (go != NULL)
			continue;
		for (d = 0; d < NET_FW_DIR__MAX; d++)
			net_fw_put_chain(b, net_fw_name(name,
			    net_fw_dir_prefix(d), gn->id));
		net_fw_put_set(b, net_fw_name(name, "m-", gn->id),
		    NET_FW_SET_ADDRS);
		net_fw_elems_start(&e, b, name, false);
		for (i = 0; i < gn->n_members; i++) {
			uint32_t ip = htonl(gn->members[i]);

			net_fw_elems_add(&e, &ip, sizeof(ip), NULL);
		}
		net_fw_elems_end(&e);
	}
}

/* 2. New ports: their two chains, empty for now (filled in 5). */
static void
ports_new(struct net_fw_batch *b, const struct net_fw_copy *old,
    const struct net_fw_copy *new)
{
	const struct net_fw_port	*po, *pn;
	struct walk			 w;
	char				 name[NET_FW_OBJ_MAX];
	size_t				 d;

	w = (struct walk){ old, new, 0, 0 };
	while (port_next(&w, &po, &pn))
		for (d = 0; po == NULL && d < NET_FW_DIR__MAX; d++)
			net_fw_put_chain(b, net_fw_name(name,
			    net_fw_dir_prefix(d), pn->tap));
}

/* 3. Rules of new groups, and of each changed direction of a group. */
static void
groups_rules(struct net_fw_batch *b, const struct net_fw_copy *old,
    const struct net_fw_copy *new)
{
	const struct net_fw_group	*go, *gn;
	struct walk			 w;
	char				 name[NET_FW_OBJ_MAX];
	size_t				 d;

	w = (struct walk){ old, new, 0, 0 };
	while (group_next(&w, &go, &gn))
		for (d = 0; gn != NULL && d < NET_FW_DIR__MAX; d++) {
			if (go != NULL && net_fw_rules_eq(go, gn, d))
				continue;
			if (go != NULL)
				net_fw_put_chain_flush(b, net_fw_name(name,
				    net_fw_dir_prefix(d), gn->id));
			net_fw_put_group_rules(b, gn, d);
		}
}

/* Add (del false) or delete the members of a that b lacks, into e. */
static void
members_missing(struct net_fw_elems *e, const struct net_fw_group *a,
    const struct net_fw_group *b)
{
	size_t i, j = 0;

	for (i = 0; i < a->n_members; i++) {
		uint32_t ip = htonl(a->members[i]);

		while (j < b->n_members && b->members[j] < a->members[i])
			j++;
		if (j == b->n_members || b->members[j] != a->members[i])
			net_fw_elems_add(e, &ip, sizeof(ip), NULL);
	}
}

/* 4. Members of groups that stay: gone ones out, new ones in. */
static void
groups_members(struct net_fw_batch *b, const struct net_fw_copy *old,
    const struct net_fw_copy *new)
{
	const struct net_fw_group	*go, *gn;
	struct net_fw_elems		 e;
	struct walk			 w;
	char				 set[NET_FW_OBJ_MAX];

	w = (struct walk){ old, new, 0, 0 };
	while (group_next(&w, &go, &gn)) {
		if (go == NULL || gn == NULL)
			continue;
		(void)net_fw_name(set, "m-", gn->id);
		net_fw_elems_start(&e, b, set, true);
		members_missing(&e, go, gn);
		net_fw_elems_end(&e);
		net_fw_elems_start(&e, b, set, false);
		members_missing(&e, gn, go);
		net_fw_elems_end(&e);
	}
}

/* 5. Jumps of new ports, and of ports whose groups changed. */
static void
ports_rules(struct net_fw_batch *b, const struct net_fw_copy *old,
    const struct net_fw_copy *new)
{
	const struct net_fw_port	*po, *pn;
	struct walk			 w;
	char				 name[NET_FW_OBJ_MAX];
	size_t				 d;

	w = (struct walk){ old, new, 0, 0 };
	while (port_next(&w, &po, &pn)) {
		if (pn == NULL || (po != NULL && net_fw_port_groups_eq(po, pn)))
			continue;
		for (d = 0; d < NET_FW_DIR__MAX; d++) {
			if (po != NULL)
				net_fw_put_chain_flush(b, net_fw_name(name,
				    net_fw_dir_prefix(d), pn->tap));
			net_fw_put_port_rules(b, pn, d);
		}
	}
}

/*
 * 6. Elements of new ports; for a port with a new MAC or address, its
 * old src_ok elements out first.  The vmaps' jumps come after the
 * chains they jump to.
 */
static void
ports_elems(struct net_fw_batch *b, const struct net_fw_copy *old,
    const struct net_fw_copy *new)
{
	const struct net_fw_port	*po, *pn;
	struct net_fw_elems		 e;
	struct walk			 w;
	size_t				 s;

	net_fw_elems_start(&e, b, pset_names[PSET_SRC_OK], true);
	w = (struct walk){ old, new, 0, 0 };
	while (port_next(&w, &po, &pn))
		if (po != NULL && pn != NULL && readdressed(po, pn))
			port_elems(&e, po, PSET_SRC_OK);
	net_fw_elems_end(&e);
	for (s = 0; s < PSET__MAX; s++) {
		net_fw_elems_start(&e, b, pset_names[s], false);
		w = (struct walk){ old, new, 0, 0 };
		while (port_next(&w, &po, &pn))
			if (pn != NULL && (po == NULL || (s == PSET_SRC_OK &&
			    readdressed(po, pn))))
				port_elems(&e, pn, s);
		net_fw_elems_end(&e);
	}
}

/* 7. Ports gone: the vmaps' jumps first, then the rest, then chains. */
static void
ports_gone(struct net_fw_batch *b, const struct net_fw_copy *old,
    const struct net_fw_copy *new)
{
	static const enum pset order[] = {
		PSET_OUT_VMAP, PSET_IN_VMAP, PSET_PORTS, PSET_SRC_OK,
	};
	const struct net_fw_port	*po, *pn;
	struct net_fw_elems		 e;
	struct walk			 w;
	char				 name[NET_FW_OBJ_MAX];
	size_t				 s, d;

	for (s = 0; s < MC_NELEMS(order); s++) {
		net_fw_elems_start(&e, b, pset_names[order[s]], true);
		w = (struct walk){ old, new, 0, 0 };
		while (port_next(&w, &po, &pn))
			if (pn == NULL)
				port_elems(&e, po, order[s]);
		net_fw_elems_end(&e);
	}
	w = (struct walk){ old, new, 0, 0 };
	while (port_next(&w, &po, &pn))
		for (d = 0; pn == NULL && d < NET_FW_DIR__MAX; d++)
			net_fw_put_chain_del(b, net_fw_name(name,
			    net_fw_dir_prefix(d), po->tap));
}

/*
 * 8. Groups gone: nothing jumps to their chains any more (5, 7), and
 * once all their chains are gone no rule looks up their member sets.
 */
static void
groups_gone(struct net_fw_batch *b, const struct net_fw_copy *old,
    const struct net_fw_copy *new)
{
	const struct net_fw_group	*go, *gn;
	struct walk			 w;
	char				 name[NET_FW_OBJ_MAX];
	size_t				 d;

	w = (struct walk){ old, new, 0, 0 };
	while (group_next(&w, &go, &gn))
		for (d = 0; gn == NULL && d < NET_FW_DIR__MAX; d++)
			net_fw_put_chain_del(b, net_fw_name(name,
			    net_fw_dir_prefix(d), go->id));
	w = (struct walk){ old, new, 0, 0 };
	while (group_next(&w, &go, &gn))
		if (gn == NULL)
			net_fw_put_set_del(b, net_fw_name(name, "m-", go->id));
}

void
net_fw_plan_diff(struct net_fw_batch *b, const struct net_fw_copy *old,
    const struct net_fw_copy *new)
{
	groups_new(b, old, new);
	ports_new(b, old, new);
	groups_rules(b, old, new);
	groups_members(b, old, new);
	ports_rules(b, old, new);
	ports_elems(b, old, new);
	ports_gone(b, old, new);
	groups_gone(b, old, new);
}

void
net_fw_plan_full(struct net_fw_batch *b, const struct net_fw_copy *c)
{
	static const struct net_fw_copy	none;
	static const struct {
		const char		*name;
		enum net_fw_set_kind	 kind;
	} sets[] = {
		{ "src_ok",	NET_FW_SET_SRC_OK },
		{ "ports",	NET_FW_SET_IFNAMES },
		{ "out_vmap",	NET_FW_SET_VMAP },
		{ "in_vmap",	NET_FW_SET_VMAP },
	};
	size_t i;

	/* Created if absent, so that the delete cannot fail; then anew. */
	net_fw_put_table(b);
	net_fw_put_table_del(b);
	net_fw_put_table(b);
	for (i = 0; i < MC_NELEMS(sets); i++)
		net_fw_put_set(b, sets[i].name, sets[i].kind);
	for (i = 0; i < NET_FW_BASE__MAX; i++)
		net_fw_put_base_chain(b, i);
	for (i = 0; i < NET_FW_BASE__MAX; i++)
		net_fw_put_base_rules(b, i);
	net_fw_plan_diff(b, &none, c);
	b->stats->full = true;
}

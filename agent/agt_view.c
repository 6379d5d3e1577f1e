/*
 * agt_view: each VPC's live interfaces, sorted by id so that a change
 * list (sorted the same way) merges in one pass.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_buf.h"
#include "mc_err.h"
#include "mc_ipv4.h"
#include "agt_view.h"

struct held_vpc {
	char				 id[MC_PROTO_ID_MAX + 1];
	struct mc_proto_view_eni	*enis;	/* owned, live, by id */
	size_t				 n;
};

struct agt_view {
	uint64_t	 seq;
	struct held_vpc	*vpcs;		/* owned */
	size_t		 n;
};

struct agt_view *
agt_view_new(void)
{
	return calloc(1, sizeof(struct agt_view));
}

void
agt_view_reset(struct agt_view *v)
{
	size_t i;

	for (i = 0; v->vpcs != NULL && i < v->n; i++)
		free(v->vpcs[i].enis);
	free(v->vpcs);
	memset(v, 0, sizeof(*v));
}

void
agt_view_free(struct agt_view *v)
{
	if (v == NULL)
		return;
	agt_view_reset(v);
	free(v);
}

char *
agt_view_query(const struct agt_view *v)
{
	struct mc_buf	b;
	size_t		i;

	mc_buf_init(&b, 0);
	mc_buf_addf(&b, "&view=%" PRIu64 "&vpcs=", v->seq);
	for (i = 0; i < v->n; i++)
		mc_buf_addf(&b, "%s%s", i > 0 ? "," : "", v->vpcs[i].id);
	return mc_buf_steal(&b, NULL);
}

static int
by_id(const void *a, const void *b)
{
	return strcmp(((const struct mc_proto_view_eni *)a)->id,
	    ((const struct mc_proto_view_eni *)b)->id);
}

static const struct held_vpc *
held_find(const struct agt_view *v, const char *id)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		if (strcmp(v->vpcs[i].id, id) == 0)
			return &v->vpcs[i];
	return NULL;
}

/*
 * The held interfaces old (NULL: none) changed by ch (sorted, sorted
 * here) into out: a changed one replaces the held one, gone ones
 * leave.  Returns 0, or -1 when out of memory.
 */
static int
merge(const struct held_vpc *old, struct mc_proto_view_vpc *ch,
    struct held_vpc *out)
{
	size_t	i = 0, j = 0, n_old = old != NULL ? old->n : 0;
	int	cmp;

	if (ch->n_enis > 0)
		qsort(ch->enis, ch->n_enis, sizeof(*ch->enis), by_id);
	if (n_old + ch->n_enis > 0 && (out->enis = calloc(n_old + ch->n_enis,
	    sizeof(*out->enis))) == NULL)
		return -1;
	while (i < n_old || j < ch->n_enis) {
		if (i == n_old)
			cmp = 1;
		else if (j == ch->n_enis)
			cmp = -1;
		else
			cmp = strcmp(old->enis[i].id, ch->enis[j].id);
		if (cmp < 0) {
			out->enis[out->n++] = old->enis[i++];
			continue;
		}
		if (cmp == 0)
			i++;
		/* The same interface twice in one list: the last one counts. */
		if (j + 1 < ch->n_enis &&
		    strcmp(ch->enis[j].id, ch->enis[j + 1].id) == 0) {
			j++;
			continue;
		}
		if (!ch->enis[j].gone)
			out->enis[out->n++] = ch->enis[j];
		j++;
	}
	return 0;
}

/* The view's new VPCs into *ret (v untouched).  1 changed, 0, -1. */
static int
next_vpcs(const struct agt_view *v, struct mc_proto_view *w,
    struct held_vpc **ret, struct mc_err *err)
{
	struct held_vpc		*nv;
	const struct held_vpc	*old;
	size_t			 i;
	int			 changed = w->seq != v->seq || w->n_vpcs != v->n;

	if (w->n_vpcs > 0 && (nv = calloc(w->n_vpcs, sizeof(*nv))) == NULL)
		return mc_err_sys(err, ENOMEM, "out of memory");
	if (w->n_vpcs == 0)
		nv = NULL;
	for (i = 0; i < w->n_vpcs; i++) {
		struct mc_proto_view_vpc *ch = &w->vpcs[i];

		old = held_find(v, ch->id);
		changed |= old == NULL || ch->full || ch->n_enis > 0;
		(void)snprintf(nv[i].id, sizeof(nv[i].id), "%s", ch->id);
		if (old == NULL && !ch->full) {
			(void)mc_err_set(err, MC_EC_INTERNAL_ERROR, "the "
			    "controller sent changes to %s, which this host "
			    "does not hold", ch->id);
			break;
		}
		if (merge(ch->full ? NULL : old, ch, &nv[i]) < 0) {
			(void)mc_err_sys(err, ENOMEM, "out of memory");
			break;
		}
	}
	if (i < w->n_vpcs) {
		while (i > 0)
			free(nv[--i].enis);
		free(nv);
		return -1;
	}
	*ret = nv;
	return changed;
}

static int
by_ip(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static bool
has_group(const struct mc_proto_view_eni *e, const char *group)
{
	size_t i;

	for (i = 0; i < e->groups.n; i++)
		if (strcmp(e->groups.v[i], group) == 0)
			return true;
	return false;
}

/* g's members: the addresses of the interfaces of its VPC in it. */
static int
fill_members(const struct agt_view *v, struct mc_proto_sg *g)
{
	const struct held_vpc	*h = held_find(v, g->vpc);
	uint32_t		*ips;
	size_t			 i, n = 0;

	free(g->members);
	g->members = NULL;
	g->n_members = 0;
	if (h == NULL || h->n == 0)
		return 0;
	if ((ips = calloc(h->n, sizeof(*ips))) == NULL)
		return -1;
	for (i = 0; i < h->n; i++)
		if (has_group(&h->enis[i], g->id) &&
		    mc_ipv4_parse(h->enis[i].ip, &ips[n]))
			n++;
	qsort(ips, n, sizeof(*ips), by_ip);
	if (n > 0 && (g->members = calloc(n, sizeof(*g->members))) == NULL) {
		free(ips);
		return -1;
	}
	for (i = 0; i < n; i++)
		mc_ipv4_str(ips[i], g->members[i].ip);
	g->n_members = n;
	free(ips);
	return 0;
}

static int
by_vpc_ip(const void *a, const void *b)
{
	const struct mc_proto_peer	*x = a, *y = b;
	uint32_t			 i = 0, j = 0;
	int				 c = strcmp(x->vpc, y->vpc);

	if (c != 0)
		return c;
	(void)mc_ipv4_parse(x->ip, &i);
	(void)mc_ipv4_parse(y->ip, &j);
	return by_ip(&i, &j);
}

/* The interfaces on other hosts with an underlay address. */
static int
fill_peers(const struct agt_view *v, struct mc_proto_desired *d)
{
	struct mc_proto_peer	*p;
	size_t			 i, j, n = 0;

	free(d->peers);
	d->peers = NULL;
	d->n_peers = 0;
	for (i = 0; i < v->n; i++)
		for (j = 0; j < v->vpcs[i].n; j++)
			n += v->vpcs[i].enis[j].host_ip[0] != '\0';
	if (n == 0)
		return 0;
	if ((p = calloc(n, sizeof(*p))) == NULL)
		return -1;
	for (i = 0; i < v->n; i++) {
		for (j = 0; j < v->vpcs[i].n; j++) {
			const struct mc_proto_view_eni *e = &v->vpcs[i].enis[j];

			if (e->host_ip[0] == '\0')
				continue;
			(void)snprintf(p[d->n_peers].vpc, sizeof(p->vpc), "%s",
			    v->vpcs[i].id);
			(void)snprintf(p[d->n_peers].ip, sizeof(p->ip), "%s",
			    e->ip);
			(void)snprintf(p[d->n_peers].host_ip,
			    sizeof(p->host_ip), "%s", e->host_ip);
			d->n_peers++;
		}
	}
	qsort(p, d->n_peers, sizeof(*p), by_vpc_ip);
	d->peers = p;
	return 0;
}

int
agt_view_apply(struct agt_view *v, struct mc_proto_desired *d,
    struct mc_err *err)
{
	struct held_vpc	*nv = NULL;
	size_t		 i;
	int		 changed;

	if ((changed = next_vpcs(v, &d->view, &nv, err)) < 0) {
		agt_view_reset(v);
		return -1;
	}
	for (i = 0; i < v->n; i++)
		free(v->vpcs[i].enis);
	free(v->vpcs);
	v->vpcs = nv;
	v->n = d->view.n_vpcs;
	v->seq = d->view.seq;
	for (i = 0; i < d->n_groups; i++)
		if (fill_members(v, &d->groups[i]) < 0)
			return mc_err_sys(err, ENOMEM, "out of memory");
	if (fill_peers(v, d) < 0)
		return mc_err_sys(err, ENOMEM, "out of memory");
	return changed;
}

/*
 * agt_net_overlay: a VPC's traffic to its instances on other hosts.  In
 * the VPC's namespace a VXLAN link (the VPC's vni; its UDP socket on
 * this host's underlay address) carries it.  Each remote instance is a
 * /32 route through that link with a permanent neighbour entry: its
 * address is at the VTEP MAC of its host, and a forwarding entry sends
 * that MAC to the host's underlay address.  So packets between hosts
 * are routed at both ends, like those between two taps of one host,
 * and the same firewall (port chains on the taps) filters them.  Every
 * entry comes from the desired state: no learning, no flooding.
 */
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_buf.h"
#include "mc_err.h"
#include "mc_ipv4.h"
#include "mc_log.h"
#include "net_nft.h"
#include "net_nl.h"
#include "agt_conf.h"
#include "agt_net.h"
#include "agt_net_priv.h"

/* The VTEP MAC of the host at underlay address a: 02:4d and a. */
static void
vtep_mac(uint32_t a, uint8_t mac[NET_NL_MAC_LEN])
{
	mac[0] = 0x02;
	mac[1] = 0x4d;
	mac[2] = (uint8_t)(a >> 24);
	mac[3] = (uint8_t)(a >> 16);
	mac[4] = (uint8_t)(a >> 8);
	mac[5] = (uint8_t)a;
}

static struct in_addr
in4(uint32_t a)
{
	struct in_addr r = { htonl(a) };

	return r;
}

/*
 * The VXLAN link inside, made if missing (and, the first time in this
 * process, made afresh, so that no entry of an earlier agent stays).
 * Returns 1 when it was made, 0 when it was there, -1 with err set.
 */
static int
ensure_link(struct agt_net *n, struct agt_vpc *v, uint32_t local,
    struct mc_err *err)
{
	struct net_nl_vxlan	x;
	struct net_nl_link	l;
	struct mc_err		e = { 0 };

	if (net_nl_link_get(v->nl, v->vxlan, &l, &e) == 0) {
		if (v->overlay_ready)
			return 0;
		if (net_nl_link_del(v->nl, v->vxlan, err) < 0)
			return -1;
	} else if (e.sys_errno != ENODEV)
		return mc_err_set(err, e.code, "%s", e.msg);
	/* Made out here, so its socket is on the underlay; then moved. */
	memset(&x, 0, sizeof(x));
	x.name = v->vxlan;
	x.vni = v->vni;
	x.local = in4(local);
	x.mtu = (unsigned)n->conf->mtu;
	vtep_mac(local, x.mac);
	(void)net_nl_link_del(n->root, v->vxlan, NULL);
	if (net_nl_vxlan_add(n->root, &x, err) < 0 ||
	    net_nl_link_move(n->root, v->vxlan, v->ns, NULL, err) < 0 ||
	    net_nl_link_set_up(v->nl, v->vxlan, true, err) < 0)
		return -1;
	mc_log(MC_LOG_INFO, "VPC overlay ready", "vpc=%s link=%s vni=%u",
	    v->id, v->vxlan, v->vni);
	v->overlay_ready = true;
	return 1;
}

/*
 * Is ip (at host, unless 0) in p?  p is sorted by address (wanted), so
 * a VPC of thousands costs a search, not a scan.
 */
static bool
peer_in(const struct agt_peer *p, size_t n, uint32_t ip, uint32_t host)
{
	size_t lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (p[mid].ip < ip)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && p[lo].ip == ip && (host == 0 || p[lo].host == host);
}

/* Route, neighbour and forwarding entry for p: its packets go to p.host. */
static int
peer_add(struct agt_vpc *v, const struct agt_peer *p, struct mc_err *err)
{
	struct net_nl_route	r;
	uint8_t			mac[NET_NL_MAC_LEN];

	vtep_mac(p->host, mac);
	memset(&r, 0, sizeof(r));
	r.dst = in4(p->ip);
	r.dst_len = 32;
	r.dev = v->vxlan;
	return net_nl_fdb_set(v->nl, v->vxlan, mac, in4(p->host), err) < 0 ||
	    net_nl_route_replace(v->nl, &r, err) < 0 ||
	    net_nl_neigh_set(v->nl, v->vxlan, r.dst, mac, err) < 0 ? -1 : 0;
}

/* Remove what peer_add made for p; its host's entry if no peer needs it. */
static int
peer_del(struct agt_vpc *v, const struct agt_peer *p,
    const struct agt_peer *keep, size_t n_keep, struct mc_err *err)
{
	struct net_nl_route	r;
	uint8_t			mac[NET_NL_MAC_LEN];
	size_t			i;

	memset(&r, 0, sizeof(r));
	r.dst = in4(p->ip);
	r.dst_len = 32;
	r.dev = v->vxlan;
	if (net_nl_route_del(v->nl, &r, err) < 0 ||
	    net_nl_neigh_del(v->nl, v->vxlan, r.dst, err) < 0)
		return -1;
	for (i = 0; i < n_keep; i++)
		if (keep[i].host == p->host)
			return 0;
	vtep_mac(p->host, mac);
	return net_nl_fdb_del(v->nl, v->vxlan, mac, in4(p->host), err);
}

static int
by_ip(const void *a, const void *b)
{
	uint32_t x = ((const struct agt_peer *)a)->ip;
	uint32_t y = ((const struct agt_peer *)b)->ip;

	return x < y ? -1 : x > y;
}

/*
 * The VPC's peers in d, as numbers, by address; *ret is new (NULL when
 * none).
 */
static int
wanted(const struct agt_vpc *v, const struct mc_proto_desired *d,
    struct agt_peer **ret, size_t *ret_n, struct mc_err *err)
{
	struct agt_peer	*w = NULL;
	size_t		 i, n = 0;

	*ret = NULL;
	*ret_n = 0;
	for (i = 0; i < d->n_peers; i++)
		n += strcmp(d->peers[i].vpc, v->id) == 0;
	if (n > 0 && (w = calloc(n, sizeof(*w))) == NULL)
		return mc_err_sys(err, ENOMEM, "out of memory");
	for (i = 0, n = 0; i < d->n_peers; i++) {
		if (strcmp(d->peers[i].vpc, v->id) != 0 ||
		    !mc_ipv4_parse(d->peers[i].ip, &w[n].ip) ||
		    !mc_ipv4_parse(d->peers[i].host_ip, &w[n].host))
			continue;
		n++;
	}
	if (n > 0)
		qsort(w, n, sizeof(*w), by_ip);
	*ret = w;
	*ret_n = n;
	return 0;
}

int
agt_net_vpc_overlay(struct agt_net *n, struct agt_vpc *v,
    const struct mc_proto_desired *d, struct mc_err *err)
{
	struct agt_peer	*want = NULL;
	size_t		 n_want = 0, i;
	uint32_t	 local;
	int		 made, rc = 0;

	if (n->conf->underlay_ip[0] == '\0' ||
	    !mc_ipv4_parse(n->conf->underlay_ip, &local))
		return 0;
	(void)snprintf(v->vxlan, sizeof(v->vxlan), "%sx%u",
	    n->conf->net_prefix, v->vni);
	if ((made = ensure_link(n, v, local, err)) < 0 ||
	    wanted(v, d, &want, &n_want, err) < 0)
		return -1;
	if (made) {	/* a new link holds none of the old entries */
		free(v->peers);
		v->peers = NULL;
		v->n_peers = 0;
	}
	for (i = 0; rc == 0 && i < v->n_peers; i++)
		if (!peer_in(want, n_want, v->peers[i].ip, v->peers[i].host))
			rc = peer_del(v, &v->peers[i], want, n_want, err);
	for (i = 0; rc == 0 && i < n_want; i++)
		if (!peer_in(v->peers, v->n_peers, want[i].ip, want[i].host))
			rc = peer_add(v, &want[i], err);
	if (rc < 0) {	/* start again from scratch next round */
		v->overlay_ready = false;
		free(want);
		return -1;
	}
	free(v->peers);
	v->peers = want;
	v->n_peers = n_want;
	return 0;
}

void
agt_net_overlay_explain(const struct agt_net *n, const struct agt_vpc *v,
    struct mc_buf *b)
{
	char	ip[MC_IPV4_STR_MAX], host[MC_IPV4_STR_MAX];
	size_t	i;

	if (n->conf->underlay_ip[0] == '\0') {
		mc_buf_adds(b, "\n## overlay: none (this host has no underlay "
		    "address: the VPC lives on this host alone)\n");
		return;
	}
	mc_buf_addf(b, "\n## overlay: %s, VXLAN vni %u from %s (UDP %u), "
	    "VTEP MAC 02:4d + the host's address; instances of the VPC on "
	    "other hosts (a /32 route and a neighbour through %s, a "
	    "forwarding entry to their host):\n\n", v->vxlan, v->vni,
	    n->conf->underlay_ip, NET_NL_VXLAN_PORT, v->vxlan);
	for (i = 0; i < v->n_peers; i++)
		mc_buf_addf(b, "%s on host %s\n", mc_ipv4_str(v->peers[i].ip,
		    ip), mc_ipv4_str(v->peers[i].host, host));
	if (v->n_peers == 0)
		mc_buf_adds(b, "(none)\n");
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

int
agt_net_vteps_sync(struct agt_net *n, struct mc_err *err)
{
	uint32_t	*hosts = NULL;
	size_t		 cap = 0, k = 0, i, j;
	char		*script;
	int		 rc;

	if (n->conf->underlay_ip[0] == '\0')
		return 0;
	for (i = 0; i < n->n_vpcs; i++)
		cap += n->vpcs[i].n_peers;
	if (cap > 0 && (hosts = calloc(cap, sizeof(*hosts))) == NULL)
		return mc_err_sys(err, ENOMEM, "out of memory");
	for (i = 0; i < n->n_vpcs; i++)
		for (j = 0; j < n->vpcs[i].n_peers; j++)
			hosts[k++] = n->vpcs[i].peers[j].host;
	if (k > 0)
		qsort(hosts, k, sizeof(*hosts), cmp_u32);
	for (i = j = 0; i < k; i++)
		if (j == 0 || hosts[j - 1] != hosts[i])
			hosts[j++] = hosts[i];
	script = agt_netcfg_vteps_nft(n->conf->net_prefix, hosts, j);
	free(hosts);
	if (script == NULL)
		return mc_err_sys(err, ENOMEM, "out of memory");
	if (n->vteps != NULL && strcmp(n->vteps, script) == 0) {
		free(script);
		return 0;
	}
	if ((rc = net_nft_apply(NULL, script, err)) < 0) {
		free(script);
		return -1;
	}
	free(n->vteps);
	n->vteps = script;
	return rc;
}

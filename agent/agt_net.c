/*
 * agt_net: the host side of the data plane and each round's work:
 * which VPCs and ports the desired state needs, the public addresses
 * the host answers for, and the removal of everything nothing needs.
 */
#include <arpa/inet.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_buf.h"
#include "mc_err.h"
#include "mc_fs.h"
#include "mc_log.h"
#include "net_nft.h"
#include "net_nl.h"
#include "net_ns.h"
#include "net_tap.h"
#include "agt_conf.h"
#include "agt_net.h"
#include "agt_net_priv.h"

#define TAP_DIGITS_MAX	12

void
agt_net_tap_name(const struct agt_net *n, const char *id, char *buf)
{
	const char	*hex = strchr(id, '-') != NULL ? strchr(id, '-') + 1 : id;
	size_t		 room = AGT_NET_TAP_MAX - 1 - strlen(n->conf->net_prefix) -
	    1;

	(void)snprintf(buf, AGT_NET_TAP_MAX, "%st%.*s", n->conf->net_prefix,
	    (int)(room < TAP_DIGITS_MAX ? room : TAP_DIGITS_MAX), hex);
}

/* The link of the default route, from the kernel's own table file. */
static void
default_link(char *buf, size_t bufsz)
{
	char	line[256], name[NET_NAME_LINK_MAX];
	unsigned long dst;
	FILE	*f;

	buf[0] = '\0';
	if ((f = fopen("/proc/net/route", "re")) == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "%15s %lx", name, &dst) == 2 && dst == 0) {
			(void)snprintf(buf, bufsz, "%s", name);
			break;
		}
	fclose(f);
}

/* The resolvers dnsmasq forwards to: the config's, else the host's. */
static int
upstream_dns(struct agt_net *n, struct mc_err *err)
{
	static char	 found[4][MC_IPV4_STR_MAX];
	char		 line[256], addr[MC_IPV4_STR_MAX];
	uint32_t	 a;
	size_t		 i;
	FILE		*f;

	if (n->conf->dns_servers.n > 0) {
		n->dns = (const char **)n->conf->dns_servers.v;
		n->n_dns = n->conf->dns_servers.n;
		return 0;
	}
	if ((n->dns = calloc(4, sizeof(*n->dns))) == NULL)
		return mc_err_sys(err, ENOMEM, "out of memory");
	if ((f = fopen("/etc/resolv.conf", "re")) == NULL)
		return 0;
	/* A loopback resolver is not reachable from a namespace. */
	while (n->n_dns < 4 && fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "nameserver %15s", addr) == 1 &&
		    mc_ipv4_parse(addr, &a) && a >> 24 != 127) {
			i = n->n_dns++;
			(void)snprintf(found[i], sizeof(found[i]), "%s", addr);
			n->dns[i] = found[i];
		}
	fclose(f);
	return 0;
}

int
agt_net_new(const struct agt_conf *c, struct agt_imds *imds,
    struct agt_net **ret, struct mc_err *err)
{
	struct agt_net	*n;
	char		*script;
	int		 rc;

	if ((n = calloc(1, sizeof(*n))) == NULL)
		return mc_err_sys(err, ENOMEM, "out of memory");
	n->conf = c;
	n->imds = imds;
	(void)snprintf(n->dir, sizeof(n->dir), "%s/net", c->state_dir);
	if (c->uplink[0] != '\0')
		(void)snprintf(n->uplink, sizeof(n->uplink), "%s", c->uplink);
	else
		default_link(n->uplink, sizeof(n->uplink));
	if (mc_fs_mkdirs(n->dir, 0755, err) < 0 || upstream_dns(n, err) < 0 ||
	    net_nl_open(NULL, &n->root, err) < 0) {
		agt_net_free(n);
		return -1;
	}
	/* A cloud host routes: its instances' traffic crosses it. */
	if (net_ns_sysctl_set(NULL, "net/ipv4/ip_forward", "1", err) < 0 ||
	    (script = agt_netcfg_host_nft(c->net_prefix)) == NULL) {
		agt_net_free(n);
		return err->code != MC_EC_NONE ? -1 :
		    mc_err_sys(err, ENOMEM, "out of memory");
	}
	rc = net_nft_apply(NULL, script, err);
	free(script);
	if (rc < 0) {
		agt_net_free(n);
		return -1;
	}
	mc_log(MC_LOG_INFO, "host network ready", "uplink=%s prefix=%s "
	    "dns_upstreams=%zu", n->uplink[0] != '\0' ? n->uplink : "(none)",
	    c->net_prefix, n->n_dns);
	*ret = n;
	return 0;
}

void
agt_net_free(struct agt_net *n)
{
	size_t i;

	if (n == NULL)
		return;
	/* Its dnsmasqs go with the agent (the next one starts them again);
	 * leases last an hour, so running guests do not notice. */
	for (i = 0; i < n->n_vpcs; i++) {
		agt_dnsmasq_stop(&n->vpcs[i].dnsmasq);
		agt_net_vpc_clear(&n->vpcs[i]);
	}
	free(n->vpcs);
	free(n->eips);
	free(n->vteps);
	if (n->dns != (const char **)n->conf->dns_servers.v)
		free(n->dns);
	net_nl_close(n->root);
	free(n);
}

int
agt_net_tap_ready(struct agt_net *n, const struct mc_proto_inst *w,
    struct mc_err *err)
{
	struct agt_vpc	*v = NULL;
	char		 tap[AGT_NET_TAP_MAX];
	size_t		 i;

	if (w->nic.eni[0] == '\0')
		return 0;
	agt_net_tap_name(n, w->id, tap);
	/* Left in its VPC by an earlier run of the domain: start afresh. */
	for (i = 0; i < n->n_vpcs; i++)
		if (strcmp(n->vpcs[i].id, w->nic.vpc) == 0)
			v = &n->vpcs[i];
	if (v != NULL) {
		if (net_tap_delete(tap, v->ns, err) < 0)
			return -1;
		for (i = 0; i < v->plugged.n; i++)
			if (strcmp(v->plugged.v[i], tap) == 0)
				v->plugged.v[i][0] = '\0';
	}
	return net_tap_create(tap, NET_TAP_NO_OWNER, NET_TAP_NO_GROUP, err);
}

/* The VPC record of w's interface, made on first sight. */
static struct agt_vpc *
vpc_of(struct agt_net *n, const struct mc_proto_nic *nic)
{
	struct agt_vpc	*v;
	size_t		 i;

	for (i = 0; i < n->n_vpcs; i++)
		if (strcmp(n->vpcs[i].id, nic->vpc) == 0)
			return &n->vpcs[i];
	if ((v = realloc(n->vpcs, (n->n_vpcs + 1) * sizeof(*v))) == NULL)
		return NULL;
	n->vpcs = v;
	v = &n->vpcs[n->n_vpcs++];
	memset(v, 0, sizeof(*v));
	(void)snprintf(v->id, sizeof(v->id), "%s", nic->vpc);
	v->vni = nic->vni;
	(void)mc_cidr_parse(nic->vpc_cidr, &v->cidr);
	(void)snprintf(v->domain, sizeof(v->domain), "%s",
	    strchr(nic->dns_name, '.') != NULL ? strchr(nic->dns_name, '.') +
	    1 : "internal");
	agt_net_vpc_names(n, v);
	return v;
}

/* w's port, as agt_netcfg describes it. */
static void
port_of(const struct agt_net *n, const struct mc_proto_inst *w,
    struct agt_netcfg_port *p)
{
	memset(p, 0, sizeof(*p));
	agt_net_tap_name(n, w->id, p->tap);
	(void)snprintf(p->mac, sizeof(p->mac), "%s", w->nic.mac);
	(void)mc_ipv4_parse(w->nic.ip, &p->ip);
	if (w->nic.public_ip[0] != '\0')
		(void)mc_ipv4_parse(w->nic.public_ip, &p->public_ip);
	(void)snprintf(p->hostname, sizeof(p->hostname), "%.*s",
	    (int)(strcspn(w->nic.dns_name, ".") & 63), w->nic.dns_name);
	(void)mc_cidr_parse(w->nic.subnet_cidr, &p->subnet);
	(void)snprintf(p->subnet_id, sizeof(p->subnet_id), "%.31s",
	    w->nic.subnet);
}

static bool
wired_here(const struct mc_proto_inst *w)
{
	return w->nic.eni[0] != '\0' && w->want != MC_PROTO_WANT_TERMINATED;
}

/* Mark the VPCs d needs and gather each one's ports. */
static void
gather(struct agt_net *n, const struct mc_proto_desired *d)
{
	struct agt_netcfg_port	*p;
	struct agt_vpc		*v;
	size_t			 i;

	for (i = 0; i < n->n_vpcs; i++) {
		n->vpcs[i].seen = false;
		n->vpcs[i].n_ports = 0;
	}
	for (i = 0; i < d->n; i++) {
		if (!wired_here(&d->v[i]) || (v = vpc_of(n, &d->v[i].nic)) ==
		    NULL)
			continue;
		v->seen = true;
		if ((p = realloc(v->ports, (v->n_ports + 1) * sizeof(*p))) ==
		    NULL)
			continue;
		v->ports = p;
		port_of(n, &d->v[i], &v->ports[v->n_ports++]);
	}
}

/* Public addresses: routed to their VPC, proxied on the uplink. */
static void
eips_sync(struct agt_net *n, int64_t now_ms)
{
	struct agt_eip	*want = NULL, *nw;
	struct net_nl_route r;
	struct mc_err	 err = { 0 };
	size_t		 n_want = 0, i, j;
	bool		 recheck = now_ms - n->eips_checked_ms >=
	    AGT_NET_RECHECK_MS;

	for (i = 0; i < n->n_vpcs; i++)
		for (j = 0; n->vpcs[i].wired && j < n->vpcs[i].n_ports; j++) {
			if (n->vpcs[i].ports[j].public_ip == 0 ||
			    (nw = realloc(want, (n_want + 1) *
			    sizeof(*nw))) == NULL)
				continue;
			want = nw;
			want[n_want].ip = n->vpcs[i].ports[j].public_ip;
			want[n_want].vni = n->vpcs[i].vni;
			(void)snprintf(want[n_want].veth, sizeof(want[0].veth),
			    "%s", n->vpcs[i].veth);
			n_want++;
		}
	for (i = 0; i < n->n_eips; i++) {	/* gone: unroute, unproxy */
		for (j = 0; j < n_want && (want[j].ip != n->eips[i].ip ||
		    want[j].vni != n->eips[i].vni); j++)
			;
		if (j < n_want)
			continue;
		memset(&r, 0, sizeof(r));
		r.dst.s_addr = htonl(n->eips[i].ip);
		r.dst_len = 32;
		(void)net_nl_route_del(n->root, &r, &err);
		if (n->uplink[0] != '\0')
			(void)net_nl_neigh_proxy_del(n->root, n->uplink, r.dst,
			    &err);
	}
	for (i = 0; i < n_want; i++) {		/* new, or checked again */
		for (j = 0; !recheck && j < n->n_eips &&
		    (n->eips[j].ip != want[i].ip ||
		    n->eips[j].vni != want[i].vni); j++)
			;
		if (!recheck && j < n->n_eips)
			continue;
		memset(&r, 0, sizeof(r));
		r.dst.s_addr = htonl(want[i].ip);
		r.dst_len = 32;
		r.gw.s_addr = htonl(agt_netcfg_transit(want[i].vni) + 1);
		r.dev = want[i].veth;
		if (net_nl_route_replace(n->root, &r, &err) < 0 ||
		    (n->uplink[0] != '\0' && net_nl_neigh_proxy_add(n->root,
		    n->uplink, r.dst, &err) < 0))
			mc_log(MC_LOG_WARN, "cannot route a public address, "
			    "retrying", "detail=%s", err.msg);
		err.code = MC_EC_NONE;
	}
	if (recheck)
		n->eips_checked_ms = now_ms;
	free(n->eips);
	n->eips = want;
	n->n_eips = n_want;
}

/* Links of ours in the host namespace that nothing needs any more. */
static void
remove_strays(struct agt_net *n, const struct mc_proto_desired *d)
{
	struct net_name_list	 links = { NULL, 0 };
	struct mc_err		 err = { 0 };
	char			 pfx[8], tap[AGT_NET_TAP_MAX];
	size_t			 i, j, k;

	(void)snprintf(pfx, sizeof(pfx), "%st", n->conf->net_prefix);
	if (net_nl_link_list(n->root, pfx, &links, &err) == 0)
		for (i = 0; i < links.n; i++) {
			for (j = 0; j < d->n; j++) {
				agt_net_tap_name(n, d->v[j].id, tap);
				if (d->v[j].want != MC_PROTO_WANT_TERMINATED &&
				    strcmp(tap, links.v[i]) == 0)
					break;
			}
			if (j < d->n)
				continue;
			mc_log(MC_LOG_INFO, "removing a tap nobody wants",
			    "tap=%s", links.v[i]);
			(void)net_tap_delete(links.v[i], NULL, &err);
		}
	net_name_list_clear(&links);
	(void)snprintf(pfx, sizeof(pfx), "%sv", n->conf->net_prefix);
	if (net_nl_link_list(n->root, pfx, &links, &err) == 0)
		for (i = 0; i < links.n; i++) {
			for (k = 0; k < n->n_vpcs; k++)
				if (strcmp(n->vpcs[k].veth, links.v[i]) == 0)
					break;
			if (k < n->n_vpcs)
				continue;
			mc_log(MC_LOG_INFO, "removing a VPC link nobody wants",
			    "link=%s", links.v[i]);
			(void)net_nl_link_del(n->root, links.v[i], &err);
		}
	net_name_list_clear(&links);
}

/* Namespaces of ours no VPC record holds (an earlier agent's). */
static void
remove_stray_namespaces(struct agt_net *n)
{
	struct net_name_list	names = { NULL, 0 };
	struct mc_err		err = { 0 };
	struct agt_vpc		v;
	char			pfx[16];
	size_t			i, k;

	(void)snprintf(pfx, sizeof(pfx), "%s-vpc-", n->conf->net_prefix);
	if (net_ns_list(pfx, &names, &err) < 0)
		return;
	for (i = 0; i < names.n; i++) {
		for (k = 0; k < n->n_vpcs; k++)
			if (strcmp(n->vpcs[k].ns, names.v[i]) == 0)
				break;
		if (k < n->n_vpcs)
			continue;
		/* A record just for the removal: its id is in the name. */
		memset(&v, 0, sizeof(v));
		(void)snprintf(v.id, sizeof(v.id), "%s", names.v[i] +
		    strlen(n->conf->net_prefix) + 1);
		agt_net_vpc_names(n, &v);
		v.veth[0] = '\0';	/* its vni is unknown: strays go above */
		mc_log(MC_LOG_INFO, "removing a VPC nobody wants", "ns=%s",
		    names.v[i]);
		agt_net_vpc_unwire(n, &v);
		agt_net_vpc_clear(&v);
	}
	net_name_list_clear(&names);
}

void
agt_net_sync(struct agt_net *n, const struct mc_proto_desired *d,
    bool (*running)(void *arg, const char *id), void *arg, int64_t now_ms)
{
	struct mc_err	err = { 0 };
	struct agt_vpc	*v;
	size_t		 i, j, o;

	gather(n, d);
	for (i = 0; i < n->n_vpcs; i++) {
		v = &n->vpcs[i];
		if (!v->seen)
			continue;
		err.code = MC_EC_NONE;
		if (agt_net_vpc_wire(n, v, now_ms, &err) < 0) {
			mc_log(MC_LOG_WARN, "cannot wire a VPC, retrying",
			    "vpc=%s detail=%s", v->id, err.msg);
			continue;
		}
		err.code = MC_EC_NONE;
		if (agt_net_vpc_overlay(n, v, d, &err) < 0)
			mc_log(MC_LOG_WARN, "cannot wire a VPC's overlay, "
			    "retrying", "vpc=%s detail=%s", v->id, err.msg);
		/* No port goes up without its security groups. */
		err.code = MC_EC_NONE;
		if (agt_net_vpc_firewall(n, v, d, &err) < 0) {
			mc_log(MC_LOG_WARN, "cannot apply a VPC's security "
			    "groups, retrying", "vpc=%s detail=%s", v->id,
			    err.msg);
			continue;
		}
		for (j = 0; j < d->n; j++) {
			err.code = MC_EC_NONE;
			if (wired_here(&d->v[j]) &&
			    strcmp(d->v[j].nic.vpc, v->id) == 0 &&
			    running(arg, d->v[j].id) &&
			    agt_net_vpc_plug(n, v, &d->v[j], &err) < 0)
				mc_log(MC_LOG_WARN, "cannot plug an instance, "
				    "retrying", "instance=%s detail=%s",
				    d->v[j].id, err.msg);
		}
		err.code = MC_EC_NONE;
		if (agt_net_vpc_apply(n, v, now_ms, &err) < 0)
			mc_log(MC_LOG_WARN, "cannot configure a VPC, retrying",
			    "vpc=%s detail=%s", v->id, err.msg);
	}
	eips_sync(n, now_ms);
	err.code = MC_EC_NONE;
	if (agt_net_vteps_sync(n, &err) < 0)
		mc_log(MC_LOG_WARN, "cannot set the overlay's hosts, retrying",
		    "detail=%s", err.msg);
	for (i = o = 0; i < n->n_vpcs; i++) {
		if (n->vpcs[i].seen) {
			n->vpcs[o++] = n->vpcs[i];
			continue;
		}
		mc_log(MC_LOG_INFO, "VPC leaves this host", "vpc=%s",
		    n->vpcs[i].id);
		agt_net_vpc_unwire(n, &n->vpcs[i]);
		agt_net_vpc_clear(&n->vpcs[i]);
	}
	n->n_vpcs = o;
	remove_stray_namespaces(n);
	remove_strays(n, d);
}

void
agt_net_explain(struct agt_net *n, const struct mc_proto_inst *w,
    struct mc_buf *b)
{
	struct agt_vpc	*v = NULL;
	struct mc_err	 err = { 0 };
	char		*text = NULL, tap[AGT_NET_TAP_MAX];
	static const char *const tables[][2] = { { "ip", "nat" },
	    { "arp", "arp" } };
	char		 name[32], gw[MC_IPV4_STR_MAX];
	struct mc_cidr	 subnet;
	size_t		 i;

	if (w->nic.eni[0] == '\0')
		return;
	for (i = 0; i < n->n_vpcs; i++)
		if (strcmp(n->vpcs[i].id, w->nic.vpc) == 0)
			v = &n->vpcs[i];
	agt_net_tap_name(n, w->id, tap);
	if (!mc_cidr_parse(w->nic.subnet_cidr, &subnet))
		return;
	mc_buf_addf(b, "\n## network: interface %s, MAC %s, address %s in "
	    "subnet %s (%s) of VPC %s (%s)\n\ntap %s, a routed port of the "
	    "VPC's namespace %s; gateway %s is the namespace's address on "
	    "it\npublic address: %s\n", w->nic.eni, w->nic.mac, w->nic.ip,
	    w->nic.subnet, w->nic.subnet_cidr, w->nic.vpc, w->nic.vpc_cidr,
	    tap, v != NULL ? v->ns : "(not wired)",
	    mc_ipv4_str(agt_netcfg_gateway(&subnet), gw),
	    w->nic.public_ip[0] != '\0' ? w->nic.public_ip : "none");
	if (v == NULL || v->nl == NULL)
		return;
	if (net_nl_describe(v->nl, &text, &err) == 0)
		mc_buf_addf(b, "\n## the VPC's namespace (ip -n %s addr; ip -n "
		    "%s route; ip -n %s neigh)\n\n%s", v->ns, v->ns, v->ns, text);
	free(text);
	agt_net_overlay_explain(n, v, b);
	agt_net_fw_explain(n, v, w, b);
	for (i = 0; i < 2; i++) {
		text = NULL;
		(void)snprintf(name, sizeof(name), "%s%s", n->conf->net_prefix,
		    tables[i][1]);
		if (net_nft_table_text(v->ns, tables[i][0], name, &text,
		    &err) == 0)
			mc_buf_addf(b, "\n## nft -n %s list table %s %s\n\n%s",
			    v->ns, tables[i][0], name, text);
		free(text);
	}
	if (w->nic.public_ip[0] != '\0')
		mc_buf_addf(b, "\n## the host: %s is routed to %s via %s and "
		    "answered for (proxy ARP) on %s\n", w->nic.public_ip, v->veth,
		    "the namespace's transit address", n->uplink);
}

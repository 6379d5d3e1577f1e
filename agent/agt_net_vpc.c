/*
 * agt_net_vpc: one VPC's namespace on this host: its links, addresses
 * and routes, its ports (the instances' taps), its rules, its dnsmasq and
 * its metadata listener.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mc_err.h"
#include "mc_fs.h"
#include "mc_log.h"
#include "net_fw.h"
#include "net_nft.h"
#include "net_nl.h"
#include "net_ns.h"
#include "net_tap.h"
#include "agt_conf.h"
#include "agt_imds.h"
#include "agt_net.h"
#include "agt_net_priv.h"

#define IMDS_PORT	80
#define IMDS_BACKLOG	128
#define DNSMASQ_BACKOFF	2000	/* ms between restarts */

static struct in_addr
in4(uint32_t a)
{
	struct in_addr r = { htonl(a) };

	return r;
}

void
agt_net_vpc_names(const struct agt_net *n, struct agt_vpc *v)
{
	(void)snprintf(v->ns, sizeof(v->ns), "%s-%s", n->conf->net_prefix,
	    v->id);
	(void)snprintf(v->veth, sizeof(v->veth), "%sv%u", n->conf->net_prefix,
	    v->vni);
	(void)snprintf(v->dir, sizeof(v->dir), "%.4000s/%.32s", n->dir, v->id);
}

/* The host's end of the veth pair, up with its transit address. */
static int
wire_host_end(struct agt_net *n, struct agt_vpc *v, struct mc_err *err)
{
	struct net_nl_link	l;
	struct mc_err		e = { 0 };
	uint32_t		t = agt_netcfg_transit(v->vni);

	if (net_nl_link_get(n->root, v->veth, &l, &e) < 0) {
		if (e.sys_errno != ENODEV)
			return mc_err_set(err, e.code, "%s", e.msg);
		if (net_nl_veth_add(n->root, v->veth, AGT_NETCFG_UPLINK, v->ns,
		    err) < 0)
			return -1;
	}
	return net_nl_addr_add(n->root, v->veth, in4(t), 31, 0, err) < 0 ||
	    net_nl_link_set_up(n->root, v->veth, true, err) < 0 ? -1 : 0;
}

/* Inside: lo with the metadata and resolver addresses, the veth's end,
 * the default route out of it and nowhere else inside the VPC. */
static int
wire_inside(struct agt_vpc *v, struct mc_err *err)
{
	struct net_nl_route	r;
	uint32_t		t = agt_netcfg_transit(v->vni);

	if (net_ns_sysctl_set(v->ns, "net/ipv4/ip_forward", "1", err) < 0 ||
	    net_nl_link_set_up(v->nl, "lo", true, err) < 0 ||
	    net_nl_addr_add(v->nl, "lo", in4(AGT_NETCFG_IMDS_ADDR), 32, 0,
	    err) < 0 || net_nl_addr_add(v->nl, "lo",
	    in4(agt_netcfg_resolver(&v->cidr)), 32, 0, err) < 0 ||
	    net_nl_addr_add(v->nl, AGT_NETCFG_UPLINK, in4(t + 1), 31, 0,
	    err) < 0 || net_nl_link_set_up(v->nl, AGT_NETCFG_UPLINK, true,
	    err) < 0)
		return -1;
	memset(&r, 0, sizeof(r));
	r.gw = in4(t);
	r.dev = AGT_NETCFG_UPLINK;
	if (net_nl_route_replace(v->nl, &r, err) < 0)
		return -1;
	/* Addresses of the VPC without a port here go nowhere (and are not
	 * answered for by proxy ARP). */
	memset(&r, 0, sizeof(r));
	r.type = NET_NL_ROUTE_UNREACHABLE;
	r.dst = in4(v->cidr.net);
	r.dst_len = v->cidr.prefix;
	return net_nl_route_replace(v->nl, &r, err);
}

int
agt_net_vpc_wire(struct agt_net *n, struct agt_vpc *v, int64_t now_ms,
    struct mc_err *err)
{
	if (v->wired && now_ms - v->checked_ms < AGT_NET_RECHECK_MS)
		return 0;
	if (mc_fs_mkdirs(v->dir, 0755, err) < 0 ||
	    net_ns_create(v->ns, err) < 0 ||
	    (v->nl == NULL && net_nl_open(v->ns, &v->nl, err) < 0) ||
	    wire_host_end(n, v, err) < 0 || wire_inside(v, err) < 0)
		return -1;
	if (!v->wired)
		mc_log(MC_LOG_INFO, "VPC wired", "vpc=%s ns=%s link=%s", v->id,
		    v->ns, v->veth);
	v->wired = true;
	v->checked_ms = now_ms;
	/*
	 * Ports and rules are checked again with it.  A new firewall
	 * handle compares the table with the model and sends nothing when
	 * they agree, so a table edited or deleted by hand comes back.
	 */
	net_name_list_clear(&v->plugged);
	free(v->nft);
	v->nft = NULL;
	net_fw_free(v->fw);
	v->fw = NULL;
	return 0;
}

static const struct agt_netcfg_port *
port_named(const struct agt_vpc *v, const char *tap)
{
	size_t i;

	for (i = 0; i < v->n_ports; i++)
		if (strcmp(v->ports[i].tap, tap) == 0)
			return &v->ports[i];
	return NULL;
}

/* The tap of a running domain into the namespace, if still outside. */
static int
tap_inside(struct agt_net *n, struct agt_vpc *v, const char *tap,
    struct mc_err *err)
{
	struct net_nl_link	l;
	struct mc_err		e = { 0 };

	if (net_nl_link_get(v->nl, tap, &l, &e) == 0)
		return 0;
	if (e.sys_errno != ENODEV)
		return mc_err_set(err, e.code, "%s", e.msg);
	return net_nl_link_move(n->root, tap, v->ns, NULL, err);
}

int
agt_net_vpc_plug(struct agt_net *n, struct agt_vpc *v,
    const struct mc_proto_inst *w, struct mc_err *err)
{
	const struct agt_netcfg_port	*p;
	struct net_nl_route		 r;
	uint8_t				 mac[NET_NL_MAC_LEN];
	char				 tap[AGT_NET_TAP_MAX], key[80];
	size_t				 i;

	agt_net_tap_name(n, w->id, tap);
	for (i = 0; i < v->plugged.n; i++)
		if (strcmp(v->plugged.v[i], tap) == 0)
			return 0;
	if ((p = port_named(v, tap)) == NULL)
		return 0;
	(void)snprintf(key, sizeof(key), "net/ipv4/neigh/%s/proxy_delay", tap);
	(void)sscanf(p->mac, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &mac[0],
	    &mac[1], &mac[2], &mac[3], &mac[4], &mac[5]);
	memset(&r, 0, sizeof(r));
	r.dst = in4(p->ip);
	r.dst_len = 32;
	r.dev = tap;
	/* A routed port: the gateway on the tap, proxy ARP for the rest of
	 * the VPC (at once), strict reverse-path checks. */
	if (tap_inside(n, v, tap, err) < 0 ||
	    net_nl_link_set_mtu(v->nl, tap, (unsigned)n->conf->mtu, err) < 0 ||
	    net_nl_link_set_ipv4(v->nl, tap, NET_NL_IPV4_PROXY_ARP, 1,
	    err) < 0 || net_nl_link_set_ipv4(v->nl, tap,
	    NET_NL_IPV4_RP_FILTER, 1, err) < 0 ||
	    net_ns_sysctl_set(v->ns, key, "0", err) < 0 ||
	    net_nl_addr_add(v->nl, tap, in4(agt_netcfg_gateway(&p->subnet)),
	    p->subnet.prefix, NET_NL_ADDR_NOPREFIXROUTE, err) < 0 ||
	    net_nl_link_set_up(v->nl, tap, true, err) < 0 ||
	    net_nl_route_replace(v->nl, &r, err) < 0 ||
	    net_nl_neigh_set(v->nl, tap, r.dst, mac, err) < 0)
		return -1;
	mc_log(MC_LOG_INFO, "instance plugged", "instance=%s vpc=%s tap=%s",
	    w->id, v->id, tap);
	return net_name_list_add(&v->plugged, tap, err);
}

/* Write file name of the VPC's directory when text changed; 1 if so. */
static int
write_if_changed(struct agt_vpc *v, const char *name, char **last,
    char *text, struct mc_err *err)
{
	char path[PATH_MAX + 32];

	if (*last != NULL && strcmp(*last, text) == 0) {
		free(text);
		return 0;
	}
	(void)snprintf(path, sizeof(path), "%s/%s", v->dir, name);
	if (mc_fs_write_atomic(path, text, strlen(text), 0644, err) < 0) {
		free(text);
		return -1;
	}
	free(*last);
	*last = text;
	return 1;
}

/* dnsmasq's files, then dnsmasq: started, restarted or told to reread. */
static int
apply_dnsmasq(struct agt_net *n, struct agt_vpc *v,
    const struct agt_netcfg_vpc *c, int64_t now_ms, struct mc_err *err)
{
	char	*conf = agt_netcfg_dnsmasq_conf(c);
	char	*hosts = agt_netcfg_dnsmasq_hosts(c);
	char	*names = agt_netcfg_dnsmasq_names(c);
	int	 conf_new, lists_new;
	bool	 dropped;

	if (conf == NULL || hosts == NULL || names == NULL) {
		free(conf);
		free(hosts);
		free(names);
		return mc_err_sys(err, ENOMEM, "out of memory");
	}
	dropped = v->hosts != NULL && agt_netcfg_lines_dropped(v->hosts,
	    hosts);
	/* Each write takes its text, whatever happens. */
	if ((lists_new = write_if_changed(v, "hosts", &v->hosts, hosts,
	    err)) < 0) {
		free(names);
		free(conf);
		return -1;
	}
	if ((conf_new = write_if_changed(v, "names", &v->names, names,
	    err)) < 0) {
		free(conf);
		return -1;
	}
	lists_new |= conf_new;
	if ((conf_new = write_if_changed(v, "dnsmasq.conf", &v->conf, conf,
	    err)) < 0)
		return -1;
	if (conf_new || dropped) {
		agt_dnsmasq_stop(&v->dnsmasq);
		v->dnsmasq_next_ms = 0;	/* forget leases: start again now */
	}
	if (agt_dnsmasq_alive(&v->dnsmasq)) {
		if (lists_new)
			agt_dnsmasq_reload(&v->dnsmasq);
		return 0;
	}
	if (now_ms < v->dnsmasq_next_ms)
		return 0;
	v->dnsmasq_next_ms = now_ms + DNSMASQ_BACKOFF;
	return agt_dnsmasq_start(&v->dnsmasq, n->conf->dnsmasq, v->ns, v->dir,
	    now_ms, err);
}

/* The metadata service's socket at 169.254.169.254:80 inside. */
static int
apply_imds(struct agt_net *n, struct agt_vpc *v, struct mc_err *err)
{
	struct sockaddr_in	sa;
	int			fd, one = 1;

	if (v->listening || n->imds == NULL)
		return 0;
	if (net_ns_socket(v->ns, AF_INET, SOCK_STREAM, 0, &fd, err) < 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons(IMDS_PORT);
	sa.sin_addr = in4(AGT_NETCFG_IMDS_ADDR);
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(fd, IMDS_BACKLOG) < 0) {
		int e = errno;

		(void)close(fd);
		return mc_err_sys(err, e, "cannot listen on 169.254.169.254:80 "
		    "in %s", v->ns);
	}
	if (agt_imds_listen(n->imds, fd, v->id, err) < 0) {
		(void)close(fd);
		return -1;
	}
	v->listening = true;
	return 0;
}

int
agt_net_vpc_apply(struct agt_net *n, struct agt_vpc *v, int64_t now_ms,
    struct mc_err *err)
{
	struct agt_netcfg_vpc	 c;
	char			 hosts[PATH_MAX + 8], names[PATH_MAX + 8];
	char			*nft;

	(void)snprintf(hosts, sizeof(hosts), "%s/hosts", v->dir);
	(void)snprintf(names, sizeof(names), "%s/names", v->dir);
	memset(&c, 0, sizeof(c));
	c.prefix = n->conf->net_prefix;
	c.cidr = v->cidr;
	c.vni = v->vni;
	c.domain = v->domain;
	c.mtu = (unsigned)n->conf->mtu;
	c.dns_servers = n->dns;
	c.n_dns = n->n_dns;
	c.hosts_path = hosts;
	c.names_path = names;
	c.ports = v->ports;
	c.n_ports = v->n_ports;
	if ((nft = agt_netcfg_vpc_nft(&c)) == NULL)
		return mc_err_sys(err, ENOMEM, "out of memory");
	if (v->nft == NULL || strcmp(v->nft, nft) != 0) {
		if (net_nft_apply(v->ns, nft, err) < 0) {
			free(nft);
			return -1;
		}
		free(v->nft);
		v->nft = nft;
	} else {
		free(nft);
	}
	if (apply_imds(n, v, err) < 0)
		return -1;
	return apply_dnsmasq(n, v, &c, now_ms, err);
}

/* The files a VPC's directory holds (and only those), then it. */
static void
remove_files(const char *dir)
{
	static const char *const files[] = { "dnsmasq.conf", "hosts", "names",
	    "dnsmasq.log", "dnsmasq.pid", "dnsmasq.conf.tmp", "hosts.tmp",
	    "names.tmp", "dnsmasq.pid.tmp" };
	char	path[PATH_MAX + 32];
	size_t	i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		(void)snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		(void)unlink(path);
	}
	if (rmdir(dir) < 0 && errno != ENOENT)
		mc_log(MC_LOG_WARN, "cannot remove a VPC's directory", "dir=%s "
		    "errno=%d", dir, errno);
}

void
agt_net_vpc_unwire(struct agt_net *n, struct agt_vpc *v)
{
	struct net_name_list	 taps = { NULL, 0 };
	struct mc_err		 err = { 0 };
	char			 pfx[8];
	size_t			 i;

	if (v->listening)
		agt_imds_unlisten(n->imds, v->id);
	v->listening = false;
	agt_dnsmasq_stop(&v->dnsmasq);
	agt_dnsmasq_kill_stale(v->dir);
	(void)snprintf(pfx, sizeof(pfx), "%st", n->conf->net_prefix);
	if (v->nl == NULL)
		(void)net_nl_open(v->ns, &v->nl, &err);
	if (v->nl != NULL && net_nl_link_list(v->nl, pfx, &taps, &err) == 0)
		for (i = 0; i < taps.n; i++)
			(void)net_tap_delete(taps.v[i], v->ns, &err);
	net_name_list_clear(&taps);
	net_nl_close(v->nl);
	v->nl = NULL;
	if (v->veth[0] != '\0')
		(void)net_nl_link_del(n->root, v->veth, &err);
	if (net_ns_delete(v->ns, &err) < 0)
		mc_log(MC_LOG_WARN, "cannot remove a VPC namespace", "ns=%s "
		    "detail=%s", v->ns, err.msg);
	remove_files(v->dir);
	v->wired = false;
}

void
agt_net_vpc_clear(struct agt_vpc *v)
{
	net_nl_close(v->nl);
	v->nl = NULL;
	net_fw_free(v->fw);
	v->fw = NULL;
	free(v->nft);
	free(v->conf);
	free(v->hosts);
	free(v->names);
	free(v->ports);
	net_name_list_clear(&v->plugged);
	free(v->peers);
	v->peers = NULL;
	v->n_peers = 0;
	v->overlay_ready = false;
	v->nft = v->conf = v->hosts = v->names = NULL;
	v->ports = NULL;
	v->n_ports = 0;
}

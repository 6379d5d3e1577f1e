/*
 * agt_netcfg: the VPC's rules and DHCP/DNS configuration as text.
 */
#include <stdio.h>
#include <string.h>

#include "mc_buf.h"
#include "agt_netcfg.h"

#define TEXT_MAX	(1024 * 1024)

uint32_t
agt_netcfg_transit(unsigned vni)
{
	return AGT_NETCFG_TRANSIT + 2 * vni;
}

uint32_t
agt_netcfg_resolver(const struct mc_cidr *vpc)
{
	return vpc->net + 2;
}

uint32_t
agt_netcfg_gateway(const struct mc_cidr *subnet)
{
	return subnet->net + 1;
}

static char *
finish(struct mc_buf *b)
{
	if (b->failed) {
		mc_buf_clear(b);
		return NULL;
	}
	return mc_buf_steal(b, NULL);
}

/* Public addresses: DNAT in, SNAT out; the rest leaves as the transit. */
static void
nat_table(struct mc_buf *b, const struct agt_netcfg_vpc *v)
{
	char	a[MC_IPV4_STR_MAX], p[MC_IPV4_STR_MAX], c[MC_CIDR_STR_MAX];
	size_t	i;

	mc_buf_addf(b, "table ip %snat {\n", v->prefix);
	mc_buf_adds(b, "\tchain prerouting {\n\t\ttype nat hook prerouting "
	    "priority dstnat; policy accept;\n");
	for (i = 0; i < v->n_ports; i++)
		if (v->ports[i].public_ip != 0)
			mc_buf_addf(b, "\t\tiifname \"%s\" ip daddr %s dnat to %s\n",
			    AGT_NETCFG_UPLINK, mc_ipv4_str(v->ports[i].public_ip,
			    a), mc_ipv4_str(v->ports[i].ip, p));
	mc_buf_adds(b, "\t}\n\tchain postrouting {\n\t\ttype nat hook "
	    "postrouting priority srcnat; policy accept;\n");
	for (i = 0; i < v->n_ports; i++)
		if (v->ports[i].public_ip != 0)
			mc_buf_addf(b, "\t\toifname \"%s\" ip saddr %s snat to %s\n",
			    AGT_NETCFG_UPLINK, mc_ipv4_str(v->ports[i].ip, p),
			    mc_ipv4_str(v->ports[i].public_ip, a));
	mc_buf_addf(b, "\t\toifname \"%s\" ip saddr %s snat to %s\n\t}\n}\n",
	    AGT_NETCFG_UPLINK, mc_cidr_str(&v->cidr, c),
	    mc_ipv4_str(agt_netcfg_transit(v->vni) + 1, a));
}

/*
 * A port claims by ARP only its own MAC and address (0.0.0.0 while it
 * asks DHCP for one).  The IPv4 side of this, and the security groups,
 * are the firewall table's (net_fw); ARP never reaches inet chains.
 */
static void
arp_table(struct mc_buf *b, const struct agt_netcfg_vpc *v)
{
	char	ip[MC_IPV4_STR_MAX];
	size_t	i;

	mc_buf_addf(b, "table arp %sarp {\n\tchain input {\n\t\ttype filter "
	    "hook input priority filter; policy accept;\n", v->prefix);
	for (i = 0; i < v->n_ports; i++) {
		const struct agt_netcfg_port *p = &v->ports[i];

		mc_buf_addf(b, "\t\tiifname \"%s\" arp saddr ether != %s counter drop\n",
		    p->tap, p->mac);
		mc_buf_addf(b, "\t\tiifname \"%s\" arp saddr ip != { %s, "
		    "0.0.0.0 } counter drop\n", p->tap, mc_ipv4_str(p->ip, ip));
	}
	mc_buf_adds(b, "\t}\n}\n");
}

char *
agt_netcfg_vpc_nft(const struct agt_netcfg_vpc *v)
{
	static const char *const tables[] = { "ip %snat", "inet %sfilter",
	    "arp %sarp" };
	struct mc_buf	b;
	size_t		i;

	mc_buf_init(&b, TEXT_MAX);
	/*
	 * Declare, delete, define: a replacement in one transaction.  The
	 * filter table is only deleted: it was an older agent's.
	 */
	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		mc_buf_adds(&b, "table ");
		mc_buf_addf(&b, tables[i], v->prefix);
		mc_buf_adds(&b, "\ndelete table ");
		mc_buf_addf(&b, tables[i], v->prefix);
		mc_buf_adds(&b, "\n");
	}
	nat_table(&b, v);
	arp_table(&b, v);
	return finish(&b);
}

char *
agt_netcfg_host_nft(const char *prefix)
{
	struct mc_buf	b;
	char		t[MC_IPV4_STR_MAX];

	mc_buf_init(&b, TEXT_MAX);
	/* The overlay's VXLAN packets only from the known hosts (vteps). */
	mc_buf_addf(&b, "table ip %s\ndelete table ip %s\ntable ip %s {\n"
	    "\tset vteps {\n\t\ttype ipv4_addr\n\t}\n"
	    "\tchain input {\n\t\ttype filter hook input priority filter; "
	    "policy accept;\n\t\tudp dport %u ip saddr != @vteps drop\n\t}\n"
	    "\tchain postrouting {\n\t\ttype nat hook postrouting priority "
	    "srcnat; policy accept;\n\t\tip saddr %s/%d oifname != \"%sv*\" "
	    "masquerade\n\t}\n}\n", prefix, prefix, prefix,
	    AGT_NETCFG_VXLAN_PORT, mc_ipv4_str(AGT_NETCFG_TRANSIT, t),
	    AGT_NETCFG_TRANSIT_LEN, prefix);
	return finish(&b);
}

char *
agt_netcfg_vteps_nft(const char *prefix, const uint32_t *hosts, size_t n)
{
	struct mc_buf	b;
	char		t[MC_IPV4_STR_MAX];
	size_t		i;

	mc_buf_init(&b, TEXT_MAX);
	mc_buf_addf(&b, "flush set ip %s vteps\n", prefix);
	for (i = 0; i < n; i++)
		if (i == 0)
			mc_buf_addf(&b, "add element ip %s vteps { %s", prefix,
			    mc_ipv4_str(hosts[i], t));
		else
			mc_buf_addf(&b, ", %s", mc_ipv4_str(hosts[i], t));
	if (n > 0)
		mc_buf_adds(&b, " }\n");
	return finish(&b);
}

char *
agt_netcfg_dnsmasq_conf(const struct agt_netcfg_vpc *v)
{
	struct mc_buf	b;
	char		a[MC_IPV4_STR_MAX], m[MC_IPV4_STR_MAX];
	size_t		i, j;

	mc_buf_init(&b, TEXT_MAX);
	mc_buf_addf(&b, "# dnsmasq of one VPC, in its namespace; made by "
	    "minicloud-agent\nkeep-in-foreground\nlog-facility=-\npid-file=\n"
	    "no-hosts\nno-resolv\nno-ping\nleasefile-ro\ndhcp-authoritative\n"
	    "interface=%st*\ninterface=lo\nno-dhcp-interface=lo\n"
	    "except-interface=%s\n", v->prefix, AGT_NETCFG_UPLINK);
	for (i = 0; i < v->n_dns; i++)
		mc_buf_addf(&b, "server=%s\n", v->dns_servers[i]);
	mc_buf_addf(&b, "domain=%s\nlocal=/%s/\n", v->domain, v->domain);
	/* One static range per subnet with a port here; none else. */
	for (i = 0; i < v->n_ports; i++) {
		for (j = 0; j < i; j++)
			if (v->ports[j].subnet.net == v->ports[i].subnet.net)
				break;
		if (j < i)
			continue;
		mc_buf_addf(&b, "dhcp-range=set:%s,%s,static,%s,3600\n",
		    v->ports[i].subnet_id, mc_ipv4_str(v->ports[i].subnet.net,
		    a), mc_ipv4_str(mc_cidr_mask(v->ports[i].subnet.prefix),
		    m));
	}
	mc_buf_addf(&b, "dhcp-option=option:dns-server,%s\n"
	    "dhcp-option=option:domain-name,%s\ndhcp-option=option:mtu,%u\n"
	    "dhcp-ignore=tag:!known\ndhcp-hostsfile=%s\naddn-hosts=%s\n",
	    mc_ipv4_str(agt_netcfg_resolver(&v->cidr), a), v->domain, v->mtu,
	    v->hosts_path, v->names_path);
	return finish(&b);
}

char *
agt_netcfg_dnsmasq_hosts(const struct agt_netcfg_vpc *v)
{
	struct mc_buf	b;
	char		a[MC_IPV4_STR_MAX];
	size_t		i;

	mc_buf_init(&b, TEXT_MAX);
	mc_buf_adds(&b, "");
	for (i = 0; i < v->n_ports; i++)
		mc_buf_addf(&b, "%s,%s,%s\n", v->ports[i].mac,
		    mc_ipv4_str(v->ports[i].ip, a), v->ports[i].hostname);
	return finish(&b);
}

char *
agt_netcfg_dnsmasq_names(const struct agt_netcfg_vpc *v)
{
	struct mc_buf	b;
	char		a[MC_IPV4_STR_MAX];
	size_t		i;

	mc_buf_init(&b, TEXT_MAX);
	mc_buf_adds(&b, "");
	for (i = 0; i < v->n_ports; i++)
		mc_buf_addf(&b, "%s %s.%s %s\n", mc_ipv4_str(v->ports[i].ip, a),
		    v->ports[i].hostname, v->domain, v->ports[i].hostname);
	return finish(&b);
}

/* Is the line at l (len bytes, no newline) one of the lines of text? */
static bool
has_line(const char *text, const char *l, size_t len)
{
	const char	*p = text, *e;

	while (*p != '\0') {
		e = strchr(p, '\n');
		if ((size_t)((e != NULL ? e : p + strlen(p)) - p) == len &&
		    strncmp(p, l, len) == 0)
			return true;
		if (e == NULL)
			break;
		p = e + 1;
	}
	return false;
}

bool
agt_netcfg_lines_dropped(const char *old, const char *now)
{
	const char	*p = old, *e;
	size_t		 len;

	while (p != NULL && *p != '\0') {
		e = strchr(p, '\n');
		len = e != NULL ? (size_t)(e - p) : strlen(p);
		if (len > 0 && !has_line(now, p, len))
			return true;
		p = e != NULL ? e + 1 : NULL;
	}
	return false;
}

/*
 * agt_netcfg: the text of what the agent installs for a VPC on its host,
 * made from plain data and nothing else, so that it can be read, diffed
 * and tested: the namespace's nftables script (NAT for public addresses
 * and outbound traffic, per-port ARP anti-spoofing; the security groups
 * are net_fw's), the host's nftables script (masquerade out of the uplink) and
 * dnsmasq's configuration (DHCP with fixed leases, the VPC's resolver).
 * agt_net applies them.
 */
#ifndef AGT_NETCFG_H
#define AGT_NETCFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mc_ipv4.h"

#define AGT_NETCFG_UPLINK	"up0"	/* the namespace's end of its veth */
#define AGT_NETCFG_IMDS_ADDR	0xa9fea9feu	/* 169.254.169.254 */
#define AGT_NETCFG_TRANSIT	0xa9fe0000u	/* 169.254.0.0/17: a /31 */
#define AGT_NETCFG_TRANSIT_LEN	17		/*   per VPC, by its vni */
#define AGT_NETCFG_VXLAN_PORT	4789		/* the overlay's UDP port */

/* One instance's port on the VPC. */
struct agt_netcfg_port {
	char		tap[16];
	char		mac[18];
	uint32_t	ip;
	uint32_t	public_ip;	/* 0 : none */
	char		hostname[64];	/* short: ip-10-0-1-5 */
	struct mc_cidr	subnet;
	char		subnet_id[32];
};

/* A VPC as wired on one host. */
struct agt_netcfg_vpc {
	const char			*prefix;	/* the agent's net-prefix */
	struct mc_cidr			 cidr;
	unsigned			 vni;
	const char			*domain;	/* of private names */
	unsigned			 mtu;
	const char *const		*dns_servers;	/* upstream */
	size_t				 n_dns;
	const char			*hosts_path;	/* dnsmasq's files */
	const char			*names_path;
	const struct agt_netcfg_port	*ports;
	size_t				 n_ports;
};

/* The transit /31 of vni: the host's end, the namespace's is +1. */
uint32_t	agt_netcfg_transit(unsigned vni);

/* The VPC's resolver address (its base + 2, as on EC2). */
uint32_t	agt_netcfg_resolver(const struct mc_cidr *vpc);

/* A subnet's gateway (its base + 1). */
uint32_t	agt_netcfg_gateway(const struct mc_cidr *subnet);

/*
 * The namespace's nftables script: replaces the prefix's tables there
 * in one transaction.  A new string the caller frees; NULL when out of
 * memory.
 */
char	*agt_netcfg_vpc_nft(const struct agt_netcfg_vpc *v);

/* The host's nftables script (masquerade of the transit block). */
char	*agt_netcfg_host_nft(const char *prefix);

/*
 * The host table's set of the other hosts' underlay addresses (hosts[]
 * in host order, n of them), the only ones the overlay takes VXLAN
 * packets from: replaced in one transaction.
 */
char	*agt_netcfg_vteps_nft(const char *prefix, const uint32_t *hosts,
	    size_t n);

/* dnsmasq's configuration file for the VPC. */
char	*agt_netcfg_dnsmasq_conf(const struct agt_netcfg_vpc *v);

/* Its dhcp-hostsfile (MAC, address, name per port), re-read on SIGHUP. */
char	*agt_netcfg_dnsmasq_hosts(const struct agt_netcfg_vpc *v);

/*
 * Does a line of old (a hosts file as written before) miss from now?
 * Then dnsmasq must start afresh rather than re-read it: it keeps the
 * lease of a port that left and will not give its address to the next
 * port given it ("not using configured address ... because it is
 * leased to ..."); a new dnsmasq has no leases and, authoritative,
 * acknowledges the renewals of the ports that stay.
 */
bool	agt_netcfg_lines_dropped(const char *old, const char *now);

/* Its addn-hosts file (address and names per port), re-read on SIGHUP. */
char	*agt_netcfg_dnsmasq_names(const struct agt_netcfg_vpc *v);

#endif /* AGT_NETCFG_H */

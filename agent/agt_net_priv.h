/*
 * agt_net_priv: what agt_net.c (the host side and the round) and
 * agt_net_vpc.c (one VPC's namespace) share.
 */
#ifndef AGT_NET_PRIV_H
#define AGT_NET_PRIV_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "mc_ipv4.h"
#include "mc_proto.h"
#include "net_name.h"
#include "agt_dnsmasq.h"
#include "agt_netcfg.h"

struct agt_conf;
struct agt_imds;
struct mc_buf;
struct net_fw;
struct net_nl;

#define AGT_NET_RECHECK_MS	30000	/* re-verify what was wired */

/* An instance of a VPC on another host, and that host's underlay address. */
struct agt_peer {
	uint32_t	ip, host;
};

/* One VPC wired on this host. */
struct agt_vpc {
	char			 id[MC_PROTO_ID_MAX + 1];
	unsigned		 vni;
	struct mc_cidr		 cidr;
	char			 domain[MC_PROTO_DNS_MAX + 1];
	char			 ns[NET_NAME_NS_MAX];
	char			 veth[NET_NAME_LINK_MAX];	/* host end */
	char			 dir[PATH_MAX];		/* its files */
	struct net_nl		*nl;			/* in ns */
	bool			 wired;
	int64_t			 checked_ms;
	bool			 listening;		/* the IMDS */
	struct agt_dnsmasq	 dnsmasq;
	int64_t			 dnsmasq_next_ms;	/* restart backoff */
	char			*nft, *conf, *hosts, *names;	/* applied */
	struct net_name_list	 plugged;		/* taps done */
	bool			 seen;
	struct agt_netcfg_port	*ports;			/* this round's */
	size_t			 n_ports;
	struct net_fw		*fw;			/* its security groups */
	/* The overlay to other hosts (agt_net_overlay.c). */
	char			 vxlan[NET_NAME_LINK_MAX];
	bool			 overlay_ready;
	struct agt_peer		*peers;			/* installed */
	size_t			 n_peers;
};

/* A public address routed to a VPC's namespace and proxied on the LAN. */
struct agt_eip {
	uint32_t	ip;
	unsigned	vni;
	char		veth[NET_NAME_LINK_MAX];
};

struct agt_net {
	const struct agt_conf	*conf;
	struct agt_imds		*imds;
	struct net_nl		*root;		/* the host's namespace */
	char			 uplink[NET_NAME_LINK_MAX];	/* "": none */
	const char		**dns;		/* upstream resolvers */
	size_t			 n_dns;
	char			 dir[PATH_MAX];	/* STATE_DIR/net */
	struct agt_vpc		*vpcs;
	size_t			 n_vpcs;
	struct agt_eip		*eips;		/* installed */
	size_t			 n_eips;
	int64_t			 eips_checked_ms;
	char			*vteps;		/* the set's script, applied */
};

/* The namespace and host link names of a VPC. */
void	agt_net_vpc_names(const struct agt_net *n, struct agt_vpc *v);

/* Make (or check) the VPC's namespace, links, addresses and routes. */
int	agt_net_vpc_wire(struct agt_net *n, struct agt_vpc *v, int64_t now_ms,
	    struct mc_err *err);

/* Move w's tap into the VPC and give it its addresses and routes. */
int	agt_net_vpc_plug(struct agt_net *n, struct agt_vpc *v,
	    const struct mc_proto_inst *w, struct mc_err *err);

/* Rules, DHCP and metadata of the VPC's ports this round. */
int	agt_net_vpc_apply(struct agt_net *n, struct agt_vpc *v,
	    int64_t now_ms, struct mc_err *err);

/*
 * The security groups of the VPC's ports in d, applied before any of
 * them is plugged (agt_net_fw.c).  Returns 0, or -1 with err set.
 */
int	agt_net_vpc_firewall(struct agt_net *n, struct agt_vpc *v,
	    const struct mc_proto_desired *d, struct mc_err *err);

/*
 * The VPC's overlay to its instances on other hosts in d (nothing
 * without an underlay address).  Returns 0, or -1 with err set.
 */
int	agt_net_vpc_overlay(struct agt_net *n, struct agt_vpc *v,
	    const struct mc_proto_desired *d, struct mc_err *err);

/*
 * The host table's set of the hosts the overlay takes packets from: the
 * hosts of every VPC's peers.  Returns 0, or -1 with err set.
 */
int	agt_net_vteps_sync(struct agt_net *n, struct mc_err *err);

/* The VPC's overlay, for `minicloud explain`. */
void	agt_net_overlay_explain(const struct agt_net *n,
	    const struct agt_vpc *v, struct mc_buf *b);

/* What the VPC's firewall holds about w, for `minicloud explain`. */
void	agt_net_fw_explain(struct agt_net *n, struct agt_vpc *v,
	    const struct mc_proto_inst *w, struct mc_buf *b);

/* Remove the VPC from the host: dnsmasq, listener, taps, links, files. */
void	agt_net_vpc_unwire(struct agt_net *n, struct agt_vpc *v);

/* Free what v owns (not what it wired). */
void	agt_net_vpc_clear(struct agt_vpc *v);

#endif /* AGT_NET_PRIV_H */

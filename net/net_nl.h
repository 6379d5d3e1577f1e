/*
 * net_nl: rtnetlink (through libmnl) on a socket that belongs to one
 * network namespace: links (veth pairs, up/down, MTU, MAC, moves between
 * namespaces, IPv4 devconf), IPv4 addresses, routes and neighbour
 * entries, and a readable description of it all for `minicloud explain`.
 * Every request waits for the kernel's ACK; a refusal becomes an mc_err
 * naming the object ("cannot add address 10.0.1.1/24 to tap0: File
 * exists"), with the kernel's extended-ACK text when it gives one.
 * Taps are made by net_tap, nft tables by net_nft.
 *
 * A namespace name NULL means the namespace of the calling thread at
 * the time of the call.  Link names are checked (net_name) before use.
 * A struct net_nl is used by one thread at a time.
 */
#ifndef NET_NL_H
#define NET_NL_H

#include <netinet/in.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mc_err;
struct net_name_list;
struct net_nl;

#define NET_NL_MAC_LEN		6
#define NET_NL_KIND_MAX		16	/* "veth", "tun", "dummy"... */

/*
 * Open an rtnetlink socket inside namespace ns (NULL: the calling
 * thread's); every call on it acts in that namespace, whichever thread
 * makes it.  Returns 0 and *ret_nl (free it with net_nl_close), or -1
 * with err set.
 */
int	net_nl_open(const char *ns, struct net_nl **ret_nl, struct mc_err *err);

/* Close the socket and free nl; NULL is fine. */
void	net_nl_close(struct net_nl *nl);

/* Links. */

/* What net_nl_link_get tells about one link. */
struct net_nl_link {
	int		index;
	unsigned	mtu;
	uint8_t		mac[NET_NL_MAC_LEN];	/* zero when it has none */
	bool		up;			/* administratively (IFF_UP) */
	bool		carrier;		/* IFF_LOWER_UP */
	char		kind[NET_NL_KIND_MAX];	/* "" for a plain device */
};

/*
 * Look up the link name.  Returns 0 and *ret, or -1 with err set; an
 * absent link gives err->sys_errno ENODEV ("no link NAME").
 */
int	net_nl_link_get(struct net_nl *nl, const char *name,
	    struct net_nl_link *ret, struct mc_err *err);

/*
 * Create a veth pair: name here, its peer named peer created directly in
 * namespace peer_ns (NULL: the calling thread's).  Both ends start down.
 * Not idempotent: an existing name is an error (EEXIST).  Returns 0, or
 * -1 with err set.
 */
int	net_nl_veth_add(struct net_nl *nl, const char *name, const char *peer,
	    const char *peer_ns, struct mc_err *err);

/*
 * Delete the link name (for a veth, both ends go).  Absent is fine.
 * Returns 0, or -1 with err set.
 */
int	net_nl_link_del(struct net_nl *nl, const char *name, struct mc_err *err);

/* Set the link administratively up or down.  Returns 0, or -1 with err. */
int	net_nl_link_set_up(struct net_nl *nl, const char *name, bool up,
	    struct mc_err *err);

/* Set the link's MTU (68..65535 here).  Returns 0, or -1 with err set. */
int	net_nl_link_set_mtu(struct net_nl *nl, const char *name, unsigned mtu,
	    struct mc_err *err);

/* Set the link's MAC address.  Returns 0, or -1 with err set. */
int	net_nl_link_set_mac(struct net_nl *nl, const char *name,
	    const uint8_t mac[NET_NL_MAC_LEN], struct mc_err *err);

/*
 * Move the link name into namespace ns (NULL: the calling thread's),
 * renamed to new_name there unless new_name is NULL.  The kernel takes
 * a moved link down: set it up again in its new namespace.  An open tap
 * stays usable by the process holding it.  Returns 0, or -1 with err.
 */
int	net_nl_link_move(struct net_nl *nl, const char *name, const char *ns,
	    const char *new_name, struct mc_err *err);

/*
 * Append to *ret_names (owned by the caller) the names of the links that
 * start with prefix (borrowed; "" for all), sorted.  Returns 0, or -1
 * with err set (*ret_names may then hold some names).
 */
int	net_nl_link_list(struct net_nl *nl, const char *prefix,
	    struct net_name_list *ret_names, struct mc_err *err);

/* The per-link IPv4 settings net_nl_link_set_ipv4 can change. */
enum net_nl_ipv4_conf {
	NET_NL_IPV4_PROXY_ARP,		/* answer ARP for what we route */
	NET_NL_IPV4_FORWARDING,
	NET_NL_IPV4_RP_FILTER,		/* 0 off, 1 strict, 2 loose */
	NET_NL_IPV4__MAX
};

/*
 * Set one IPv4 setting of link name through netlink (IFLA_AF_SPEC), the
 * same value /proc/sys/net/ipv4/conf/NAME/... shows.  For "all" and
 * "default", which are not links, use net_ns_sysctl_set.  Returns 0, or
 * -1 with err set.
 */
int	net_nl_link_set_ipv4(struct net_nl *nl, const char *name,
	    enum net_nl_ipv4_conf conf, uint32_t value, struct mc_err *err);

/* IPv4 addresses. */

/* Address flags; any other bit is refused. */
#define NET_NL_ADDR_NOPREFIXROUTE	0x1	/* no connected route for it */

/*
 * Put addr/prefix_len on link dev, with NET_NL_ADDR_ flags.
 * NOPREFIXROUTE lets the same gateway address sit on several links
 * without one connected route each.  Idempotent: an address already
 * there with that prefix length and these flags is kept; with other
 * flags it is taken off and put back (the kernel cannot change them in
 * place).  Returns 0, or -1 with err set.
 */
int	net_nl_addr_add(struct net_nl *nl, const char *dev, struct in_addr addr,
	    unsigned prefix_len, unsigned flags, struct mc_err *err);

/* Remove addr/prefix_len from dev.  Absent is fine.  0, or -1 with err. */
int	net_nl_addr_del(struct net_nl *nl, const char *dev, struct in_addr addr,
	    unsigned prefix_len, struct mc_err *err);

/* IPv4 routes. */

enum net_nl_route_type {
	NET_NL_ROUTE_UNICAST,		/* via a gateway and/or out of a link */
	NET_NL_ROUTE_BLACKHOLE,		/* drop silently */
	NET_NL_ROUTE_UNREACHABLE,	/* drop with ICMP host unreachable */
	NET_NL_ROUTE__MAX
};

/* One IPv4 route; addresses in network order. */
struct net_nl_route {
	enum net_nl_route_type	 type;
	struct in_addr		 dst;		/* no bits past dst_len */
	unsigned		 dst_len;	/* 0..32; 0 with dst 0: default */
	struct in_addr		 gw;		/* INADDR_ANY: no gateway */
	const char		*dev;		/* borrowed; NULL: no link */
	struct in_addr		 src;		/* preferred source, or ANY */
	uint32_t		 metric;	/* 0: none */
	uint32_t		 table;		/* 0: main */
	bool			 onlink;	/* gw is on dev without a subnet */
};

/*
 * Add the route r (borrowed).  A unicast route needs a gateway or a
 * device (dev alone: scope link); blackhole and unreachable take
 * neither.  net_nl_route_add fails if the same destination and metric
 * exist in the table (EEXIST); net_nl_route_replace puts r in its place
 * (idempotent).  Returns 0, or -1 with err set.
 */
int	net_nl_route_add(struct net_nl *nl, const struct net_nl_route *r,
	    struct mc_err *err);
int	net_nl_route_replace(struct net_nl *nl, const struct net_nl_route *r,
	    struct mc_err *err);

/*
 * Delete the route matching r: dst/dst_len and table, and also the
 * gateway, device, source and metric when they are set, and the type
 * unless it is NET_NL_ROUTE_UNICAST (which matches any type).  Absent
 * is fine.  Returns 0, or -1 with err set.
 */
int	net_nl_route_del(struct net_nl *nl, const struct net_nl_route *r,
	    struct mc_err *err);

/* Neighbour entries. */

/*
 * Answer ARP for addr on dev (a proxy entry, `ip neigh add proxy ADDR
 * dev DEV`).  Idempotent.  The kernel answers only when IPv4 forwarding
 * is on for dev and addr is routed out of another link, and waits up to
 * net/ipv4/neigh/DEV/proxy_delay (0.8 s by default) before answering a
 * broadcast request: set that to 0.  Returns 0, or -1 with err set.
 */
int	net_nl_neigh_proxy_add(struct net_nl *nl, const char *dev,
	    struct in_addr addr, struct mc_err *err);

/* Remove that proxy entry.  Absent is fine.  0, or -1 with err set. */
int	net_nl_neigh_proxy_del(struct net_nl *nl, const char *dev,
	    struct in_addr addr, struct mc_err *err);

/*
 * Set a permanent neighbour entry: addr is at mac on dev (no ARP asked).
 * Idempotent (replaces).  Returns 0, or -1 with err set.
 */
int	net_nl_neigh_set(struct net_nl *nl, const char *dev, struct in_addr addr,
	    const uint8_t mac[NET_NL_MAC_LEN], struct mc_err *err);

/* Remove the neighbour entry for addr on dev.  Absent is fine. */
int	net_nl_neigh_del(struct net_nl *nl, const char *dev, struct in_addr addr,
	    struct mc_err *err);

/* The VXLAN overlay between hosts (net_nl_vxlan.c). */

#define NET_NL_VNI_MAX		16777215
#define NET_NL_VXLAN_PORT	4789		/* IANA's */

/* A VXLAN link to make. */
struct net_nl_vxlan {
	const char	*name;
	unsigned	 vni;			/* 1..NET_NL_VNI_MAX */
	struct in_addr	 local;			/* the underlay address */
	unsigned	 mtu;
	uint8_t		 mac[NET_NL_MAC_LEN];	/* unicast */
};

/*
 * Make the VXLAN link v in the calling namespace, down, learning
 * nothing: its UDP socket stays in this namespace if the link moves.
 * Not idempotent (EEXIST).  Returns 0, or -1 with err set.
 */
int	net_nl_vxlan_add(struct net_nl *nl, const struct net_nl_vxlan *v,
	    struct mc_err *err);

/*
 * Frames to mac leave VXLAN link dev for the VTEP at dst (`bridge fdb
 * replace MAC dev DEV dst DST self permanent`).  Idempotent.  Returns
 * 0, or -1 with err set.
 */
int	net_nl_fdb_set(struct net_nl *nl, const char *dev,
	    const uint8_t mac[NET_NL_MAC_LEN], struct in_addr dst,
	    struct mc_err *err);

/* Remove that entry.  Absent is fine.  Returns 0, or -1 with err set. */
int	net_nl_fdb_del(struct net_nl *nl, const char *dev,
	    const uint8_t mac[NET_NL_MAC_LEN], struct in_addr dst,
	    struct mc_err *err);

/*
 * Describe the namespace for a person: its links (name, state, MTU,
 * MAC, flags, kind, master), IPv4 addresses, IPv4 routes of the main
 * table, proxy ARP entries and permanent neighbours, in a form close to
 * `ip`'s.  Returns 0 and *ret_text (a new string the caller frees), or
 * -1 with err set.
 */
int	net_nl_describe(struct net_nl *nl, char **ret_text, struct mc_err *err);

#endif /* NET_NL_H */

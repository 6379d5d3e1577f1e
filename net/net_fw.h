/*
 * net_fw: the security-group firewall of one network namespace, as one
 * nftables table of family inet programmed through libnftnl and libmnl
 * in batch transactions.  The caller describes what it wants (ports,
 * groups with their rules and member addresses) and net_fw makes the
 * table so, changing only what differs from what it applied before:
 * the chains of the groups whose rules changed, and set and map
 * elements.  Nothing outside the table is flushed or edited.
 *
 * Layout (names are the table's; P is a port's tap name, G a group id):
 *   set   src_ok   ifname . ether_addr . ipv4_addr  what a port may send from
 *   set   ports    ifname                           our taps
 *   map   out_vmap ifname : verdict   P -> jump out-P
 *   map   in_vmap  ifname : verdict   P -> jump in-P
 *   set   m-G      ipv4_addr          the members of G (for references)
 *   chain spoof    prerouting, raw: a port sends only from its MAC and
 *                  address (0.0.0.0 while on DHCP), and no IPv6
 *   chain local    input: from a port only DHCP, DNS, the metadata
 *                  service and ICMP reach the namespace itself; from
 *                  elsewhere (the uplink) only replies, lo aside
 *   chain egress   forward, filter: established and related pass,
 *                  invalid drops, then iifname vmap @out_vmap
 *   chain ingress  forward, filter + 10: established and related pass,
 *                  then oifname vmap @in_vmap
 *   chain out-P    jump out-G for each of P's groups, then drop
 *   chain in-P     jump in-G  for each of P's groups, then drop
 *   chain out-G    one rule per egress rule of G: match, accept
 *   chain in-G     one rule per ingress rule of G: match, accept
 * Each rule of a group chain carries the rule's id as its comment, so
 * `nft list table` shows which rule came from which group rule.  A
 * packet to a port is thus checked once for its sender's egress (when
 * the sender is a port) and once for the receiver's ingress; either
 * accept lets it on to the next base chain, a drop is final.
 */
#ifndef NET_FW_H
#define NET_FW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net_name.h"

struct mc_err;

#define NET_FW_ID_MAX		32	/* "sg-" + 17 hex, "sgr-" + 17 hex, NUL */
#define NET_FW_PORT_GROUPS	5	/* groups per port, as on EC2 */
#define NET_FW_GROUP_RULES	60	/* rules per group and direction */
/* Bounds on what one model may hold, so that no input is unbounded. */
#define NET_FW_PORTS_MAX	8192	/* ports of one namespace */
#define NET_FW_GROUPS_MAX	8192	/* groups of one model */
#define NET_FW_MEMBERS_MAX	65536	/* member addresses of one group */

enum net_fw_dir {
	NET_FW_IN,
	NET_FW_OUT,
	NET_FW_DIR__MAX
};

/*
 * One rule of a group.  proto is an IP protocol number, or -1 for all
 * (ports then ignored).  For tcp (6) and udp (17) from..to is the port
 * range (-1..-1: all); for icmp (1) from is the type and to the code
 * (-1: any).  The peer is a CIDR (net, prefix_len) or, when group is
 * not empty, the members of that group (which must be in the model).
 */
struct net_fw_rule {
	char		id[NET_FW_ID_MAX];	/* "sgr-..." */
	int		proto;
	int		from, to;
	uint32_t	net;			/* host order */
	unsigned	prefix_len;		/* 0..32 */
	char		group[NET_FW_ID_MAX];	/* "" : the CIDR */
};

struct net_fw_group {
	char			 id[NET_FW_ID_MAX];	/* "sg-..." */
	struct net_fw_rule	*rules[NET_FW_DIR__MAX];	/* borrowed */
	size_t			 n_rules[NET_FW_DIR__MAX];
	uint32_t		*members;	/* host order; borrowed */
	size_t			 n_members;
};

struct net_fw_port {
	char		tap[NET_NAME_LINK_MAX];
	uint8_t		mac[6];
	uint32_t	ip;				/* host order */
	char		groups[NET_FW_PORT_GROUPS][NET_FW_ID_MAX];
	size_t		n_groups;
};

/* What the table should hold.  Everything is borrowed. */
struct net_fw_model {
	const struct net_fw_port	*ports;
	size_t				 n_ports;
	const struct net_fw_group	*groups;
	size_t				 n_groups;
};

struct net_fw;

/*
 * A handle on table name (family inet) in namespace ns (NULL: the
 * calling thread's), holding a copy of what it last applied.  Nothing
 * is touched until net_fw_apply.  Returns a new handle (net_fw_free),
 * or NULL with err set.
 */
struct net_fw	*net_fw_new(const char *ns, const char *table,
		    struct mc_err *err);
void		 net_fw_free(struct net_fw *fw);

/*
 * Make the table hold model (borrowed; copied).  The first apply of a
 * handle leaves a table of that name alone when it already holds
 * exactly the model (a restarted agent: nothing changes, not even the
 * listing's order), and otherwise replaces it in one transaction (so a
 * restarted agent neither duplicates nor leaves a stale chain, and no
 * port is unfiltered in between); later applies
 * send only the difference from the previous model, also in one
 * transaction.  The model is checked first (groups referenced exist,
 * names fit, at most NET_FW_GROUP_RULES rules per direction): a bad
 * model changes nothing.  On failure the kernel's table is as before
 * and the next apply replaces it whole.  Returns 0, or -1 with err set.
 */
int	net_fw_apply(struct net_fw *fw, const struct net_fw_model *model,
	    struct mc_err *err);

/*
 * Delete the table.  Absent is fine.  Returns 0, or -1 with err set.
 */
int	net_fw_delete(struct net_fw *fw, struct mc_err *err);

/* Counters of the last apply, for tests and the bench. */
struct net_fw_stats {
	size_t	chains_written;		/* chains created or rewritten */
	size_t	elements_changed;	/* set and map elements added or removed */
	size_t	messages;		/* netlink messages in the batch */
	bool	full;			/* a whole replacement */
};
void	net_fw_stats(const struct net_fw *fw, struct net_fw_stats *ret);

#endif /* NET_FW_H */

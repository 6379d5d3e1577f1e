/*
 * net_fw_rule: the rules of a net_fw table: the base chains', a port's
 * jumps, a group's rules.  Each is the bytecode nft itself makes for the
 * same text, its protocol dependencies included (meta nfproto, meta
 * l4proto, the ethertype), so that `nft list table` prints that text.
 */
#include <netinet/in.h>
#include <arpa/inet.h>
#include <net/if_arp.h>
#include <net/ethernet.h>

#include <string.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netlink.h>

#include "mc_cleanup.h"
#include "mc_ipv4.h"
#include "net_fw_priv.h"

#define METADATA_ADDR	0xa9fea9feU	/* 169.254.169.254 */
#define OFF_ETHER_SRC	6		/* in the link header */
#define OFF_ETHERTYPE	12
#define OFF_IP_SRC	12		/* in the network header */
#define OFF_IP_DST	16
#define OFF_DPORT	2		/* in the transport header */
#define OFF_ICMP_TYPE	0
#define OFF_ICMP_CODE	1
#define CT_ESTABLISHED_RELATED	(NF_CT_STATE_BIT(IP_CT_ESTABLISHED) | \
	NF_CT_STATE_BIT(IP_CT_RELATED))
#define CT_INVALID	NF_CT_STATE_INVALID_BIT

/*
 * Registers of the src_ok concatenation, as nft lays it out: each part
 * starts on a 4-byte register; ifname takes 16 bytes, the MAC 8.
 */
#define REG_CONCAT_MAC	NFT_REG_2
#define REG_CONCAT_IP	NFT_REG32_06

/* iifname @ports meta nfproto ipv6 drop */
static void
spoof_ipv6(struct net_fw_rb *x)
{
	static const uint8_t v = NFPROTO_IPV6;

	net_fw_rb_ifname(x, false);
	net_fw_rb_lookup(x, "ports", false, false);
	net_fw_rb_meta_is(x, NFT_META_NFPROTO, &v, sizeof(v));
	net_fw_rb_verdict(x, NF_DROP, NULL);
}

/* iifname @ports iifname . ether saddr . ip saddr != @src_ok drop */
static void
spoof_src(struct net_fw_rb *x)
{
	static const uint16_t	ether = ARPHRD_ETHER;
	uint16_t		type = htons(ETHERTYPE_IP);

	net_fw_rb_ifname(x, false);
	net_fw_rb_lookup(x, "ports", false, false);
	/* nft's dependencies: an Ethernet link, an IPv4 ethertype. */
	net_fw_rb_meta_is(x, NFT_META_IIFTYPE, &ether, sizeof(ether));
	net_fw_rb_payload(x, NFT_PAYLOAD_LL_HEADER, OFF_ETHERTYPE, sizeof(type),
	    NFT_REG_1);
	net_fw_rb_cmp(x, NFT_CMP_EQ, &type, sizeof(type));
	net_fw_rb_ifname(x, false);
	net_fw_rb_payload(x, NFT_PAYLOAD_LL_HEADER, OFF_ETHER_SRC, 6, REG_CONCAT_MAC);
	net_fw_rb_payload(x, NFT_PAYLOAD_NETWORK_HEADER, OFF_IP_SRC, sizeof(uint32_t),
	    REG_CONCAT_IP);
	net_fw_rb_lookup(x, "src_ok", false, true);
	net_fw_rb_verdict(x, NF_DROP, NULL);
}

/* What a port may reach in the namespace itself (0: any address/port). */
static const struct {
	uint8_t		proto;
	uint16_t	dport;
	uint32_t	daddr;
} local_allow[] = {
	{ IPPROTO_UDP,	67,	0 },			/* DHCP */
	{ IPPROTO_UDP,	53,	0 },			/* DNS */
	{ IPPROTO_TCP,	53,	0 },
	{ IPPROTO_TCP,	80,	METADATA_ADDR },	/* metadata service */
	{ IPPROTO_ICMP,	0,	0 },
};

/* The local chain: a port's few services, then replies only. */
static void
local_rules(struct net_fw_batch *b)
{
	static const uint32_t	lo = 1;		/* lo's index, everywhere */
	struct net_fw_rb		x;
	size_t			i;

	for (i = 0; i < MC_NELEMS(local_allow); i++) {
		uint32_t daddr = htonl(local_allow[i].daddr);
		uint16_t dport = htons(local_allow[i].dport);

		net_fw_rb_start(&x, b, "local");
		net_fw_rb_ifname(&x, false);
		net_fw_rb_lookup(&x, "ports", false, false);
		if (daddr != 0) {
			net_fw_rb_ipv4(&x);
			net_fw_rb_payload(&x, NFT_PAYLOAD_NETWORK_HEADER, OFF_IP_DST,
			    sizeof(daddr), NFT_REG_1);
			net_fw_rb_cmp(&x, NFT_CMP_EQ, &daddr, sizeof(daddr));
		}
		net_fw_rb_l4proto(&x, local_allow[i].proto);
		if (dport != 0) {
			net_fw_rb_payload(&x, NFT_PAYLOAD_TRANSPORT_HEADER, OFF_DPORT,
			    sizeof(dport), NFT_REG_1);
			net_fw_rb_cmp(&x, NFT_CMP_EQ, &dport, sizeof(dport));
		}
		net_fw_rb_verdict(&x, NF_ACCEPT, NULL);
		net_fw_rb_end(&x);
	}
	net_fw_rb_start(&x, b, "local");
	net_fw_rb_ifname(&x, false);
	net_fw_rb_lookup(&x, "ports", false, false);
	net_fw_rb_verdict(&x, NF_DROP, NULL);
	net_fw_rb_end(&x);
	net_fw_rb_start(&x, b, "local");
	net_fw_rb_meta_is(&x, NFT_META_IIF, &lo, sizeof(lo));
	net_fw_rb_verdict(&x, NF_ACCEPT, NULL);
	net_fw_rb_end(&x);
	net_fw_rb_start(&x, b, "local");
	net_fw_rb_ct_state(&x, CT_ESTABLISHED_RELATED);
	net_fw_rb_verdict(&x, NF_ACCEPT, NULL);
	net_fw_rb_end(&x);
	net_fw_rb_start(&x, b, "local");
	net_fw_rb_verdict(&x, NF_DROP, NULL);
	net_fw_rb_end(&x);
}

/* egress and ingress: conntrack first, then the port's own chain. */
static void
forward_rules(struct net_fw_batch *b, bool out)
{
	const char	*chain = out ? "egress" : "ingress";
	struct net_fw_rb	 x;

	net_fw_rb_start(&x, b, chain);
	net_fw_rb_ct_state(&x, CT_ESTABLISHED_RELATED);
	net_fw_rb_verdict(&x, NF_ACCEPT, NULL);
	net_fw_rb_end(&x);
	if (out) {
		net_fw_rb_start(&x, b, chain);
		net_fw_rb_ct_state(&x, CT_INVALID);
		net_fw_rb_verdict(&x, NF_DROP, NULL);
		net_fw_rb_end(&x);
	}
	net_fw_rb_start(&x, b, chain);
	net_fw_rb_ifname(&x, !out);
	net_fw_rb_lookup(&x, out ? "out_vmap" : "in_vmap", true, false);
	net_fw_rb_end(&x);
}

void
net_fw_put_base_rules(struct net_fw_batch *b, enum net_fw_base base)
{
	struct net_fw_rb x;

	switch (base) {
	case NET_FW_BASE_SPOOF:
		net_fw_rb_start(&x, b, "spoof");
		spoof_ipv6(&x);
		net_fw_rb_end(&x);
		net_fw_rb_start(&x, b, "spoof");
		spoof_src(&x);
		net_fw_rb_end(&x);
		break;
	case NET_FW_BASE_LOCAL:
		local_rules(b);
		break;
	case NET_FW_BASE_EGRESS:
	case NET_FW_BASE_INGRESS:
		forward_rules(b, base == NET_FW_BASE_EGRESS);
		break;
	case NET_FW_BASE__MAX:
		break;
	}
}

void
net_fw_put_port_rules(struct net_fw_batch *b, const struct net_fw_port *p,
    enum net_fw_dir dir)
{
	char		chain[NET_FW_OBJ_MAX], target[NET_FW_OBJ_MAX];
	struct net_fw_rb	x;
	size_t		i;

	(void)net_fw_name(chain, net_fw_dir_prefix(dir), p->tap);
	for (i = 0; i < p->n_groups; i++) {
		net_fw_rb_start(&x, b, chain);
		net_fw_rb_verdict(&x, NFT_JUMP, net_fw_name(target,
		    net_fw_dir_prefix(dir), p->groups[i]));
		net_fw_rb_end(&x);
	}
	net_fw_rb_start(&x, b, chain);
	net_fw_rb_verdict(&x, NF_DROP, NULL);
	net_fw_rb_end(&x);
}

/* ip daddr (egress) or ip saddr (ingress): the CIDR or the group. */
static void
peer(struct net_fw_rb *x, const struct net_fw_rule *r, enum net_fw_dir dir)
{
	uint32_t	off = dir == NET_FW_OUT ? OFF_IP_DST : OFF_IP_SRC;
	uint32_t	net = htonl(r->net), bits;
	char		set[NET_FW_OBJ_MAX];

	if (r->group[0] == '\0' && r->prefix_len == 0)
		return;			/* 0.0.0.0/0: anyone */
	net_fw_rb_ipv4(x);
	if (r->group[0] != '\0') {
		net_fw_rb_payload(x, NFT_PAYLOAD_NETWORK_HEADER, off, sizeof(net),
		    NFT_REG_1);
		net_fw_rb_lookup(x, net_fw_name(set, "m-", r->group), false, false);
	} else if (r->prefix_len % 8 == 0) {
		/* As nft does: whole bytes need no mask. */
		net_fw_rb_payload(x, NFT_PAYLOAD_NETWORK_HEADER, off, r->prefix_len / 8,
		    NFT_REG_1);
		net_fw_rb_cmp(x, NFT_CMP_EQ, &net, r->prefix_len / 8);
	} else {
		bits = htonl(mc_cidr_mask(r->prefix_len));
		net_fw_rb_payload(x, NFT_PAYLOAD_NETWORK_HEADER, off, sizeof(net),
		    NFT_REG_1);
		net_fw_rb_mask(x, &bits, sizeof(bits));
		net_fw_rb_cmp(x, NFT_CMP_EQ, &net, sizeof(net));
	}
}

/* tcp/udp: the protocol, and the destination port or range if any. */
static void
proto_ports(struct net_fw_rb *x, const struct net_fw_rule *r)
{
	uint16_t from = htons((uint16_t)r->from), to = htons((uint16_t)r->to);

	net_fw_rb_l4proto(x, (uint8_t)r->proto);
	if (r->from < 0)
		return;
	net_fw_rb_payload(x, NFT_PAYLOAD_TRANSPORT_HEADER, OFF_DPORT, sizeof(from),
	    NFT_REG_1);
	if (r->from == r->to)
		net_fw_rb_cmp(x, NFT_CMP_EQ, &from, sizeof(from));
	else
		net_fw_rb_range(x, &from, &to, sizeof(from));
}

/* icmp: the protocol, and the type and the code if given. */
static void
proto_icmp(struct net_fw_rb *x, const struct net_fw_rule *r)
{
	uint8_t type = (uint8_t)r->from, code = (uint8_t)r->to;

	if (r->from >= 0 || r->to >= 0)
		net_fw_rb_ipv4(x);		/* icmp's header: an IPv4 packet */
	net_fw_rb_l4proto(x, IPPROTO_ICMP);
	if (r->from >= 0) {
		net_fw_rb_payload(x, NFT_PAYLOAD_TRANSPORT_HEADER, OFF_ICMP_TYPE, 1,
		    NFT_REG_1);
		net_fw_rb_cmp(x, NFT_CMP_EQ, &type, 1);
	}
	if (r->to >= 0) {
		net_fw_rb_payload(x, NFT_PAYLOAD_TRANSPORT_HEADER, OFF_ICMP_CODE, 1,
		    NFT_REG_1);
		net_fw_rb_cmp(x, NFT_CMP_EQ, &code, 1);
	}
}

/* Any other protocol number: just that protocol. */
static void
proto_other(struct net_fw_rb *x, const struct net_fw_rule *r)
{
	net_fw_rb_l4proto(x, (uint8_t)r->proto);
}

static const struct {
	int	proto;
	void	(*match)(struct net_fw_rb *, const struct net_fw_rule *);
} protos[] = {
	{ IPPROTO_TCP,	proto_ports },
	{ IPPROTO_UDP,	proto_ports },
	{ IPPROTO_ICMP,	proto_icmp },
};

static void
proto(struct net_fw_rb *x, const struct net_fw_rule *r)
{
	size_t i;

	if (r->proto < 0)
		return;			/* all protocols */
	for (i = 0; i < MC_NELEMS(protos); i++)
		if (protos[i].proto == r->proto) {
			protos[i].match(x, r);
			return;
		}
	proto_other(x, r);
}

void
net_fw_put_group_rules(struct net_fw_batch *b, const struct net_fw_group *g,
    enum net_fw_dir dir)
{
	char		chain[NET_FW_OBJ_MAX];
	struct net_fw_rb	x;
	size_t		i;

	(void)net_fw_name(chain, net_fw_dir_prefix(dir), g->id);
	for (i = 0; i < g->n_rules[dir]; i++) {
		net_fw_rb_start(&x, b, chain);
		peer(&x, &g->rules[dir][i], dir);
		proto(&x, &g->rules[dir][i]);
		net_fw_rb_verdict(&x, NF_ACCEPT, NULL);
		net_fw_rb_comment(&x, g->rules[dir][i].id);
		net_fw_rb_end(&x);
	}
}

/*
 * net_nl links: look up, create (veth), delete, set up/down, MTU, MAC,
 * move between namespaces, list, and per-link IPv4 settings.  Requests
 * name the link by IFLA_IFNAME, which the kernel looks up itself, except
 * where a new name travels in that attribute (moves).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/if_tun.h>
#include <linux/ip.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

#include "mc_cleanup.h"
#include "mc_err.h"
#include "net_name.h"
#include "net_nl.h"
#include "net_nl_priv.h"
#include "net_ns.h"

#define MTU_MIN		68	/* what IPv4 needs */
#define MTU_MAX		65535

/* A tun device's kind is "tun" for taps too; IFLA_TUN_TYPE tells them. */
static void
link_kind(const struct nlattr *linkinfo, char kind[NET_NL_KIND_MAX])
{
	const struct nlattr	*tb[NET_NL_ATTR_MAX + 1];
	const struct nlattr	*data[NET_NL_ATTR_MAX + 1];
	const char		*k;

	kind[0] = '\0';
	if (linkinfo == NULL)
		return;
	net_nl_attrs_nested(linkinfo, tb);
	if ((k = net_nl_attr_str(tb[IFLA_INFO_KIND])) == NULL)
		return;
	(void)snprintf(kind, NET_NL_KIND_MAX, "%s", k);
	if (strcmp(k, "tun") != 0 || tb[IFLA_INFO_DATA] == NULL)
		return;
	net_nl_attrs_nested(tb[IFLA_INFO_DATA], data);
	if (data[IFLA_TUN_TYPE] != NULL &&
	    mnl_attr_get_payload_len(data[IFLA_TUN_TYPE]) >= 1 &&
	    mnl_attr_get_u8(data[IFLA_TUN_TYPE]) == IFF_TAP)
		(void)snprintf(kind, NET_NL_KIND_MAX, "tap");
}

bool
net_nl_link_parse(const struct nlmsghdr *nlh, struct net_nl_link_msg *ret)
{
	const struct nlattr	*tb[NET_NL_ATTR_MAX + 1];
	const struct ifinfomsg	*ifi = mnl_nlmsg_get_payload(nlh);
	uint32_t		 u;

	if (nlh->nlmsg_type != RTM_NEWLINK ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifi))
		return false;
	net_nl_attrs(nlh, sizeof(*ifi), tb);
	memset(ret, 0, sizeof(*ret));
	if ((ret->name = net_nl_attr_str(tb[IFLA_IFNAME])) == NULL)
		return false;
	ret->link.index = ifi->ifi_index;
	ret->flags = ifi->ifi_flags;
	ret->link.up = (ifi->ifi_flags & IFF_UP) != 0;
	ret->link.carrier = (ifi->ifi_flags & IFF_LOWER_UP) != 0;
	if (net_nl_attr_u32(tb[IFLA_MTU], &u))
		ret->link.mtu = u;
	if (net_nl_attr_u32(tb[IFLA_MASTER], &u))
		ret->master = (int)u;
	if (tb[IFLA_OPERSTATE] != NULL &&
	    mnl_attr_get_payload_len(tb[IFLA_OPERSTATE]) >= 1)
		ret->operstate = mnl_attr_get_u8(tb[IFLA_OPERSTATE]);
	if (tb[IFLA_ADDRESS] != NULL &&
	    mnl_attr_get_payload_len(tb[IFLA_ADDRESS]) == NET_NL_MAC_LEN)
		memcpy(ret->link.mac, mnl_attr_get_payload(tb[IFLA_ADDRESS]),
		    NET_NL_MAC_LEN);
	link_kind(tb[IFLA_LINKINFO], ret->link.kind);
	return true;
}

struct get_ctx {
	struct net_nl_link_msg	m;
	bool			found;
};

static void
get_fn(const struct nlmsghdr *nlh, void *arg)
{
	struct get_ctx *ctx = arg;

	if (net_nl_link_parse(nlh, &ctx->m))
		ctx->found = true;
}

/* A request on link name, named by IFLA_IFNAME. */
static struct nlmsghdr *
link_msg(void *buf, uint16_t type, uint16_t flags, const char *name,
    struct ifinfomsg **ret_ifi)
{
	struct nlmsghdr	*nlh;
	void		*hdr;

	nlh = net_nl_msg(buf, type, flags, sizeof(**ret_ifi), &hdr);
	*ret_ifi = hdr;
	(*ret_ifi)->ifi_family = AF_UNSPEC;
	if (name != NULL)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return nlh;
}

/* Check name, then start a request on it as link_msg does; NULL: bad. */
static struct nlmsghdr *
link_start(void *buf, uint16_t type, const char *name,
    struct ifinfomsg **ret_ifi, struct mc_err *err)
{
	if (net_name_check(NET_NAME_LINK, name, err) < 0)
		return NULL;
	return link_msg(buf, type, 0, name, ret_ifi);
}

int
net_nl_link_get(struct net_nl *nl, const char *name, struct net_nl_link *ret,
    struct mc_err *err)
{
	_Alignas(struct nlmsghdr) char	 buf[NET_NL_MSG_MAX];
	struct nlmsghdr			*nlh;
	struct ifinfomsg		*ifi;
	struct get_ctx			 ctx = { .found = false };
	int				 rc;

	if ((nlh = link_start(buf, RTM_GETLINK, name, &ifi, err)) == NULL)
		return -1;
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	rc = net_nl_talk(nl, nlh, get_fn, &ctx);
	if (rc == ENODEV || (rc == 0 && !ctx.found))
		return mc_err_sys(err, ENODEV, "no link %s", name);
	if (rc != 0)
		return net_nl_fail(nl, err, rc, "cannot look up link %s", name);
	*ret = ctx.m.link;
	return 0;
}

int
net_nl_ifindex(struct net_nl *nl, const char *name, int *ret_index,
    struct mc_err *err)
{
	struct net_nl_link link;

	if (net_nl_link_get(nl, name, &link, err) < 0)
		return -1;
	*ret_index = link.index;
	return 0;
}

int
net_nl_veth_add(struct net_nl *nl, const char *name, const char *peer,
    const char *peer_ns, struct mc_err *err)
{
	_Alignas(struct nlmsghdr) char	 buf[NET_NL_MSG_MAX];
	MC_AUTOCLOSE int		 fd = -1;
	struct nlmsghdr			*nlh;
	struct ifinfomsg		*ifi;
	struct nlattr			*info, *data, *pe;

	if (net_name_check(NET_NAME_LINK, name, err) < 0 ||
	    net_name_check(NET_NAME_LINK, peer, err) < 0 ||
	    net_ns_open(peer_ns, &fd, err) < 0)
		return -1;
	nlh = link_msg(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, name, &ifi);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	/* The peer is a link message of its own: a header, then attributes. */
	pe = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	(void)mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, peer);
	mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)fd);
	mnl_attr_nest_end(nlh, pe);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return net_nl_do(nl, nlh, 0, err, "cannot add veth %s (peer %s in %s)",
	    name, peer, net_ns_label(peer_ns));
}

int
net_nl_link_del(struct net_nl *nl, const char *name, struct mc_err *err)
{
	_Alignas(struct nlmsghdr) char	 buf[NET_NL_MSG_MAX];
	struct nlmsghdr			*nlh;
	struct ifinfomsg		*ifi;

	if ((nlh = link_start(buf, RTM_DELLINK, name, &ifi, err)) == NULL)
		return -1;
	return net_nl_do(nl, nlh, ENODEV, err, "cannot delete link %s", name);
}

int
net_nl_link_set_up(struct net_nl *nl, const char *name, bool up,
    struct mc_err *err)
{
	_Alignas(struct nlmsghdr) char	 buf[NET_NL_MSG_MAX];
	struct nlmsghdr			*nlh;
	struct ifinfomsg		*ifi;

	if ((nlh = link_start(buf, RTM_SETLINK, name, &ifi, err)) == NULL)
		return -1;
	ifi->ifi_change = IFF_UP;
	ifi->ifi_flags = up ? IFF_UP : 0;
	return net_nl_do(nl, nlh, 0, err, "cannot set link %s %s", name,
	    up ? "up" : "down");
}

int
net_nl_link_set_mtu(struct net_nl *nl, const char *name, unsigned mtu,
    struct mc_err *err)
{
	_Alignas(struct nlmsghdr) char	 buf[NET_NL_MSG_MAX];
	struct nlmsghdr			*nlh;
	struct ifinfomsg		*ifi;

	if (mtu < MTU_MIN || mtu > MTU_MAX)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "MTU %u is not within %u..%u", mtu, MTU_MIN, MTU_MAX);
	if ((nlh = link_start(buf, RTM_SETLINK, name, &ifi, err)) == NULL)
		return -1;
	mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	return net_nl_do(nl, nlh, 0, err, "cannot set MTU %u on link %s", mtu,
	    name);
}

int
net_nl_link_set_mac(struct net_nl *nl, const char *name,
    const uint8_t mac[NET_NL_MAC_LEN], struct mc_err *err)
{
	_Alignas(struct nlmsghdr) char	 buf[NET_NL_MSG_MAX];
	static const uint8_t		 zero[NET_NL_MAC_LEN];
	struct nlmsghdr			*nlh;
	struct ifinfomsg		*ifi;

	/* A link's own address is neither all zero nor multicast. */
	if (mac == NULL || (mac[0] & 1) != 0 ||
	    memcmp(mac, zero, sizeof(zero)) == 0)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "invalid MAC address for a link");
	if ((nlh = link_start(buf, RTM_SETLINK, name, &ifi, err)) == NULL)
		return -1;
	mnl_attr_put(nlh, IFLA_ADDRESS, NET_NL_MAC_LEN, mac);
	return net_nl_do(nl, nlh, 0, err,
	    "cannot set MAC %02x:%02x:%02x:%02x:%02x:%02x on link %s",
	    mac[0], mac[1], mac[2], mac[3], mac[4], mac[5], name);
}

int
net_nl_link_move(struct net_nl *nl, const char *name, const char *ns,
    const char *new_name, struct mc_err *err)
{
	_Alignas(struct nlmsghdr) char	 buf[NET_NL_MSG_MAX];
	MC_AUTOCLOSE int		 fd = -1;
	struct nlmsghdr			*nlh;
	struct ifinfomsg		*ifi;
	int				 index;

	if ((new_name != NULL &&
	    net_name_check(NET_NAME_LINK, new_name, err) < 0) ||
	    net_nl_ifindex(nl, name, &index, err) < 0 ||
	    net_ns_open(ns, &fd, err) < 0)
		return -1;
	/* By index: IFLA_IFNAME carries the name it gets over there. */
	nlh = link_msg(buf, RTM_SETLINK, 0, new_name, &ifi);
	ifi->ifi_index = index;
	mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)fd);
	return net_nl_do(nl, nlh, 0, err, "cannot move link %s to %s%s%s",
	    name, net_ns_label(ns),
	    new_name != NULL ? " as " : "", new_name != NULL ? new_name : "");
}

struct list_ctx {
	const char		*prefix;
	struct net_name_list	*names;
	struct mc_err		 err;	/* the first failure to keep a name */
};

static void
list_fn(const struct nlmsghdr *nlh, void *arg)
{
	struct list_ctx		*ctx = arg;
	struct net_nl_link_msg	 m;

	if (net_nl_link_parse(nlh, &m) &&
	    strncmp(m.name, ctx->prefix, strlen(ctx->prefix)) == 0)
		(void)net_name_list_add(ctx->names, m.name, &ctx->err);
}

int
net_nl_link_list(struct net_nl *nl, const char *prefix,
    struct net_name_list *ret_names, struct mc_err *err)
{
	_Alignas(struct nlmsghdr) char	 buf[NET_NL_MSG_MAX];
	struct nlmsghdr			*nlh;
	struct ifinfomsg		*ifi;
	struct list_ctx			 ctx = { prefix != NULL ? prefix : "",
					    ret_names, { 0 } };
	int				 rc;

	nlh = link_msg(buf, RTM_GETLINK, NLM_F_DUMP, NULL, &ifi);
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	rc = net_nl_talk(nl, nlh, list_fn, &ctx);
	net_name_list_sort(ret_names);
	if (rc != 0)
		return net_nl_fail(nl, err, rc, "cannot list links");
	if (ctx.err.code != MC_EC_NONE)
		return mc_err_sys(err, ctx.err.sys_errno, "%s", ctx.err.msg);
	return 0;
}

/* One row per setting, indexed by enum net_nl_ipv4_conf. */
static const struct {
	const char	*name;		/* as in /proc/sys/net/ipv4/conf/X/ */
	int		 devconf;	/* IPV4_DEVCONF_ */
	uint32_t	 max;
} ipv4_confs[NET_NL_IPV4__MAX] = {
	[NET_NL_IPV4_PROXY_ARP]	= { "proxy_arp", IPV4_DEVCONF_PROXY_ARP, 1 },
	[NET_NL_IPV4_FORWARDING] = { "forwarding", IPV4_DEVCONF_FORWARDING,
	    1 },
	[NET_NL_IPV4_RP_FILTER]	= { "rp_filter", IPV4_DEVCONF_RP_FILTER, 2 },
};

int
net_nl_link_set_ipv4(struct net_nl *nl, const char *name,
    enum net_nl_ipv4_conf conf, uint32_t value, struct mc_err *err)
{
	_Alignas(struct nlmsghdr) char	 buf[NET_NL_MSG_MAX];
	struct nlmsghdr			*nlh;
	struct ifinfomsg		*ifi;
	struct nlattr			*spec, *inet, *cf;

	if (conf >= NET_NL_IPV4__MAX || value > ipv4_confs[conf].max)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "invalid IPv4 link setting");
	if ((nlh = link_start(buf, RTM_SETLINK, name, &ifi, err)) == NULL)
		return -1;
	spec = mnl_attr_nest_start(nlh, IFLA_AF_SPEC);
	inet = mnl_attr_nest_start(nlh, AF_INET);
	cf = mnl_attr_nest_start(nlh, IFLA_INET_CONF);
	mnl_attr_put_u32(nlh, ipv4_confs[conf].devconf, value);
	mnl_attr_nest_end(nlh, cf);
	mnl_attr_nest_end(nlh, inet);
	mnl_attr_nest_end(nlh, spec);
	return net_nl_do(nl, nlh, 0, err, "cannot set %s=%u on link %s",
	    ipv4_confs[conf].name, value, name);
}

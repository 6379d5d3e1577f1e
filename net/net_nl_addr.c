/*
 * net_nl addresses, routes and neighbours: IPv4 only.  Each call checks
 * its input, resolves the link name to an index, builds one request and
 * waits for the kernel's ACK.  Deletes treat an absent object, or an
 * absent link (which took its objects with it), as done.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/if_addr.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "mc_buf.h"
#include "mc_err.h"
#include "net_nl.h"
#include "net_nl_priv.h"

/* The mask of a prefix length (0..32), in network order. */
static uint32_t
prefix_mask(unsigned len)
{
	return len == 0 ? 0 : htonl(~(uint32_t)0 << (32 - len));
}

/* For a delete: the link's index, or 0 when the link is gone. */
static int
ifindex_or_gone(struct net_nl *nl, const char *dev, int *ret_index,
    struct mc_err *err)
{
	struct mc_err mine = { 0 };

	if (net_nl_ifindex(nl, dev, ret_index, &mine) == 0)
		return 0;
	if (mine.sys_errno == ENODEV) {
		*ret_index = 0;
		return 0;
	}
	if (mine.code == MC_EC_INTERNAL_ERROR)
		return mc_err_sys(err, mine.sys_errno, "%s", mine.msg);
	return mc_err_set(err, mine.code, "%s", mine.msg);
}

static struct nlmsghdr *
addr_msg(void *buf, uint16_t type, uint16_t flags, int index,
    struct in_addr addr, unsigned prefix_len)
{
	struct nlmsghdr		*nlh;
	struct ifaddrmsg	*ifa;
	void			*hdr;

	nlh = net_nl_msg(buf, type, flags, sizeof(*ifa), &hdr);
	ifa = hdr;
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = (uint8_t)prefix_len;
	ifa->ifa_index = (uint32_t)index;
	mnl_attr_put(nlh, IFA_LOCAL, sizeof(addr), &addr);
	mnl_attr_put(nlh, IFA_ADDRESS, sizeof(addr), &addr);
	return nlh;
}

/* One address on one link: what addr_find_fn looks for and finds. */
struct addr_query {
	int		index;
	struct in_addr	addr;
	unsigned	prefix_len;
	bool		found;
	uint32_t	flags;		/* IFA_F_ */
};

static void
addr_find_fn(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr	*tb[NET_NL_ATTR_MAX + 1];
	const struct ifaddrmsg	*ifa = mnl_nlmsg_get_payload(nlh);
	struct addr_query	*q = arg;
	struct in_addr		 a;

	if (nlh->nlmsg_type != RTM_NEWADDR ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifa) ||
	    ifa->ifa_family != AF_INET || (int)ifa->ifa_index != q->index ||
	    ifa->ifa_prefixlen != q->prefix_len)
		return;
	net_nl_attrs(nlh, sizeof(*ifa), tb);
	if (!net_nl_attr_in4(tb[IFA_LOCAL], &a) || a.s_addr != q->addr.s_addr)
		return;
	q->found = true;
	if (!net_nl_attr_u32(tb[IFA_FLAGS], &q->flags))
		q->flags = ifa->ifa_flags;
}

/* Look q's address up; 0 (q->found says if it is there) or an errno. */
static int
addr_find(struct net_nl *nl, struct addr_query *q)
{
	_Alignas(struct nlmsghdr) char	 buf[NET_NL_MSG_MAX];
	struct nlmsghdr			*nlh;
	struct ifaddrmsg		*ifa;
	void				*hdr;

	nlh = net_nl_msg(buf, RTM_GETADDR, NLM_F_DUMP, sizeof(*ifa), &hdr);
	ifa = hdr;
	ifa->ifa_family = AF_INET;
	q->found = false;
	return net_nl_talk(nl, nlh, addr_find_fn, q);
}

/* Create (type RTM_NEWADDR, EXCL) or delete q's address; 0 or an errno. */
static int
addr_send(struct net_nl *nl, uint16_t type, const struct addr_query *q,
    uint32_t ifa_flags)
{
	_Alignas(struct nlmsghdr) char	 buf[NET_NL_MSG_MAX];
	struct nlmsghdr			*nlh;

	nlh = addr_msg(buf, type, type == RTM_NEWADDR ?
	    NLM_F_CREATE | NLM_F_EXCL : 0, q->index, q->addr, q->prefix_len);
	/* IFA_FLAGS, as the u8 ifa_flags cannot hold NOPREFIXROUTE. */
	if (type == RTM_NEWADDR)
		mnl_attr_put_u32(nlh, IFA_FLAGS, ifa_flags);
	return net_nl_talk(nl, nlh, NULL, NULL);
}

/*
 * Make q's address be there with ifa_flags.  The kernel does not change
 * the flags of an address in place (NLM_F_REPLACE keeps them), so one
 * with other flags is taken off and put back.  0 or an errno.
 */
static int
addr_converge(struct net_nl *nl, struct addr_query *q, uint32_t ifa_flags)
{
	int rc, tries;

	for (tries = 0; tries < 2; tries++) {
		rc = addr_send(nl, RTM_NEWADDR, q, ifa_flags);
		if (rc != EEXIST || (rc = addr_find(nl, q)) != 0)
			return rc;
		if (q->found && (q->flags & IFA_F_NOPREFIXROUTE) == ifa_flags)
			return 0;
		rc = addr_send(nl, RTM_DELADDR, q, 0);
		if (rc != 0 && rc != EADDRNOTAVAIL)
			return rc;
	}
	return EEXIST;
}

int
net_nl_addr_add(struct net_nl *nl, const char *dev, struct in_addr addr,
    unsigned prefix_len, unsigned flags, struct mc_err *err)
{
	struct addr_query	q = { .addr = addr, .prefix_len = prefix_len };
	char			a[INET_ADDRSTRLEN];
	int			rc;

	if (prefix_len > 32 || (flags & ~NET_NL_ADDR_NOPREFIXROUTE) != 0)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "invalid address %s/%u", net_nl_in4_str(addr, a),
		    prefix_len);
	if (net_nl_ifindex(nl, dev, &q.index, err) < 0)
		return -1;
	rc = addr_converge(nl, &q, (flags & NET_NL_ADDR_NOPREFIXROUTE) != 0 ?
	    IFA_F_NOPREFIXROUTE : 0);
	if (rc != 0)
		return net_nl_fail(nl, err, rc, "cannot add address %s/%u to %s",
		    net_nl_in4_str(addr, a), prefix_len, dev);
	return 0;
}

int
net_nl_addr_del(struct net_nl *nl, const char *dev, struct in_addr addr,
    unsigned prefix_len, struct mc_err *err)
{
	_Alignas(struct nlmsghdr) char	 buf[NET_NL_MSG_MAX];
	char				 a[INET_ADDRSTRLEN];
	struct nlmsghdr			*nlh;
	int				 index;

	if (prefix_len > 32)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "invalid address %s/%u", net_nl_in4_str(addr, a),
		    prefix_len);
	if (ifindex_or_gone(nl, dev, &index, err) < 0)
		return -1;
	if (index == 0)
		return 0;
	nlh = addr_msg(buf, RTM_DELADDR, 0, index, addr, prefix_len);
	return net_nl_do(nl, nlh, EADDRNOTAVAIL, err,
	    "cannot delete address %s/%u from %s", net_nl_in4_str(addr, a),
	    prefix_len, dev);
}

/* One row per route type, indexed by enum net_nl_route_type. */
static const struct {
	uint8_t		 rtn;		/* RTN_ */
	const char	*name;		/* as `ip route` writes it */
} route_types[NET_NL_ROUTE__MAX] = {
	[NET_NL_ROUTE_UNICAST]		= { RTN_UNICAST,	"" },
	[NET_NL_ROUTE_BLACKHOLE]	= { RTN_BLACKHOLE,	"blackhole " },
	[NET_NL_ROUTE_UNREACHABLE]	= { RTN_UNREACHABLE,	"unreachable " },
};

void
net_nl_route_text(struct mc_buf *b, const struct net_nl_route *r)
{
	char a[INET_ADDRSTRLEN];

	if (r->dst_len == 0 && r->dst.s_addr == INADDR_ANY)
		mc_buf_adds(b, "default");
	else
		mc_buf_adds(b, net_nl_in4_str(r->dst, a));
	if (r->dst_len != 32 && r->dst_len != 0)
		mc_buf_addf(b, "/%u", r->dst_len);
	if (r->gw.s_addr != INADDR_ANY)
		mc_buf_addf(b, " via %s", net_nl_in4_str(r->gw, a));
	if (r->dev != NULL)
		mc_buf_addf(b, " dev %s", r->dev);
	if (r->src.s_addr != INADDR_ANY)
		mc_buf_addf(b, " src %s", net_nl_in4_str(r->src, a));
	if (r->metric != 0)
		mc_buf_addf(b, " metric %u", r->metric);
	if (r->onlink)
		mc_buf_adds(b, " onlink");
}

/*
 * Fail naming the route r ("cannot add route ..."): with reason, as an
 * invalid parameter; else as net_nl_fail with errnum.
 */
static int
route_fail(struct net_nl *nl, struct mc_err *err, int errnum,
    const char *reason, const char *verb, const struct net_nl_route *r)
{
	struct mc_buf	b;
	char		what[160];

	mc_buf_init(&b, sizeof(what));
	net_nl_route_text(&b, r);
	(void)snprintf(what, sizeof(what), "cannot %s route %s%s", verb,
	    r->type < NET_NL_ROUTE__MAX ? route_types[r->type].name : "",
	    b.data != NULL ? b.data : "");
	mc_buf_clear(&b);
	if (reason != NULL)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE, "%s: %s",
		    what, reason);
	return net_nl_fail(nl, err, errnum, "%s", what);
}

/*
 * What the kernel would refuse, as a plain reason; NULL when r is good.
 * A delete may name the destination alone.
 */
static const char *
route_bad(const struct net_nl_route *r, bool del)
{
	bool has_gw = r->gw.s_addr != INADDR_ANY, has_dev = r->dev != NULL;

	if (r->type >= NET_NL_ROUTE__MAX)
		return "unknown route type";
	if (r->dst_len > 32)
		return "prefix length over 32";
	if ((r->dst.s_addr & ~prefix_mask(r->dst_len)) != 0)
		return "address bits set past the prefix length";
	if (r->onlink && (!has_gw || !has_dev))
		return "onlink needs a gateway and a device";
	if (r->type == NET_NL_ROUTE_UNICAST && !has_gw && !has_dev && !del)
		return "needs a gateway or a device";
	if (r->type != NET_NL_ROUTE_UNICAST && (has_gw || has_dev))
		return "takes no gateway and no device";
	return NULL;
}

/* Build the request for r; *ret_nlh, or -1 with err set. */
static int
route_msg(struct net_nl *nl, void *buf, uint16_t type, uint16_t flags,
    const struct net_nl_route *r, struct nlmsghdr **ret_nlh,
    struct mc_err *err)
{
	struct nlmsghdr	*nlh;
	struct rtmsg	*rtm;
	void		*hdr;
	uint32_t	 table = r->table != 0 ? r->table : RT_TABLE_MAIN;
	bool		 del = type == RTM_DELROUTE;
	int		 index = 0;

	if (r->dev != NULL && (del ? ifindex_or_gone(nl, r->dev, &index, err) :
	    net_nl_ifindex(nl, r->dev, &index, err)) < 0)
		return -1;
	if (r->dev != NULL && index == 0) {
		*ret_nlh = NULL;	/* deleting through a gone link: done */
		return 0;
	}
	nlh = net_nl_msg(buf, type, flags, sizeof(*rtm), &hdr);
	rtm = hdr;
	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = (uint8_t)r->dst_len;
	rtm->rtm_table = table < 256 ? (uint8_t)table : RT_TABLE_UNSPEC;
	/* A delete matches any protocol and scope; unicast: any type. */
	rtm->rtm_protocol = del ? RTPROT_UNSPEC : RTPROT_STATIC;
	rtm->rtm_scope = del ? RT_SCOPE_NOWHERE :
	    r->type == NET_NL_ROUTE_UNICAST && r->gw.s_addr == INADDR_ANY ?
	    RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
	rtm->rtm_type = del && r->type == NET_NL_ROUTE_UNICAST ? RTN_UNSPEC :
	    route_types[r->type].rtn;
	rtm->rtm_flags = r->onlink ? RTNH_F_ONLINK : 0;
	mnl_attr_put_u32(nlh, RTA_TABLE, table);
	if (r->dst_len > 0)
		mnl_attr_put(nlh, RTA_DST, sizeof(r->dst), &r->dst);
	if (r->gw.s_addr != INADDR_ANY)
		mnl_attr_put(nlh, RTA_GATEWAY, sizeof(r->gw), &r->gw);
	if (index != 0)
		mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)index);
	if (r->src.s_addr != INADDR_ANY)
		mnl_attr_put(nlh, RTA_PREFSRC, sizeof(r->src), &r->src);
	if (r->metric != 0)
		mnl_attr_put_u32(nlh, RTA_PRIORITY, r->metric);
	*ret_nlh = nlh;
	return 0;
}

/* Send r as a type request; ok_errno is an answer that counts as done. */
static int
route_do(struct net_nl *nl, uint16_t type, uint16_t flags, int ok_errno,
    const char *verb, const struct net_nl_route *r, struct mc_err *err)
{
	_Alignas(struct nlmsghdr) char	 buf[NET_NL_MSG_MAX];
	struct nlmsghdr			*nlh;
	const char			*bad;
	int				 rc;

	if (r == NULL)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "no route");
	if ((bad = route_bad(r, type == RTM_DELROUTE)) != NULL)
		return route_fail(nl, err, 0, bad, verb, r);
	if (route_msg(nl, buf, type, flags, r, &nlh, err) < 0)
		return -1;
	if (nlh == NULL)
		return 0;
	rc = net_nl_talk(nl, nlh, NULL, NULL);
	if (rc == 0 || rc == ok_errno)
		return 0;
	return route_fail(nl, err, rc, NULL, verb, r);
}

int
net_nl_route_add(struct net_nl *nl, const struct net_nl_route *r,
    struct mc_err *err)
{
	return route_do(nl, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, 0, "add",
	    r, err);
}

int
net_nl_route_replace(struct net_nl *nl, const struct net_nl_route *r,
    struct mc_err *err)
{
	return route_do(nl, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, 0,
	    "replace", r, err);
}

int
net_nl_route_del(struct net_nl *nl, const struct net_nl_route *r,
    struct mc_err *err)
{
	return route_do(nl, RTM_DELROUTE, 0, ESRCH, "delete", r, err);
}

/*
 * One neighbour request: proxy entries carry NTF_PROXY and no state;
 * entries with a MAC are permanent; NTF_SELF makes it a VXLAN
 * forwarding entry (family AF_BRIDGE: mac is behind the VTEP addr).
 * Deletes pass ok_errno ENOENT.
 */
static int
neigh_do(struct net_nl *nl, uint16_t type, const char *dev,
    struct in_addr addr, uint8_t ntf, const uint8_t *mac, struct mc_err *err)
{
	_Alignas(struct nlmsghdr) char	 buf[NET_NL_MSG_MAX];
	char				 a[INET_ADDRSTRLEN];
	struct nlmsghdr			*nlh;
	struct ndmsg			*ndm;
	void				*hdr;
	bool				 del = type == RTM_DELNEIGH;
	int				 index;

	if ((del ? ifindex_or_gone(nl, dev, &index, err) :
	    net_nl_ifindex(nl, dev, &index, err)) < 0)
		return -1;
	if (index == 0)
		return 0;
	nlh = net_nl_msg(buf, type, del ? 0 : NLM_F_CREATE | NLM_F_REPLACE,
	    sizeof(*ndm), &hdr);
	ndm = hdr;
	ndm->ndm_family = ntf == NTF_SELF ? AF_BRIDGE : AF_INET;
	ndm->ndm_ifindex = index;
	ndm->ndm_flags = ntf;
	ndm->ndm_state = NUD_PERMANENT;
	mnl_attr_put(nlh, NDA_DST, sizeof(addr), &addr);
	if (mac != NULL)
		mnl_attr_put(nlh, NDA_LLADDR, NET_NL_MAC_LEN, mac);
	return net_nl_do(nl, nlh, del ? ENOENT : 0, err,
	    "cannot %s %s %s on %s", del ? "delete" : "add",
	    ntf == NTF_PROXY ? "proxy ARP entry" : ntf == NTF_SELF ?
	    "the forwarding entry to" : "neighbour",
	    net_nl_in4_str(addr, a), dev);
}

int
net_nl_neigh_proxy_add(struct net_nl *nl, const char *dev,
    struct in_addr addr, struct mc_err *err)
{
	return neigh_do(nl, RTM_NEWNEIGH, dev, addr, NTF_PROXY, NULL, err);
}

int
net_nl_neigh_proxy_del(struct net_nl *nl, const char *dev,
    struct in_addr addr, struct mc_err *err)
{
	return neigh_do(nl, RTM_DELNEIGH, dev, addr, NTF_PROXY, NULL, err);
}

int
net_nl_neigh_set(struct net_nl *nl, const char *dev, struct in_addr addr,
    const uint8_t mac[NET_NL_MAC_LEN], struct mc_err *err)
{
	char a[INET_ADDRSTRLEN];

	if (mac == NULL || (mac[0] & 1) != 0)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "invalid MAC address for neighbour %s",
		    net_nl_in4_str(addr, a));
	return neigh_do(nl, RTM_NEWNEIGH, dev, addr, 0, mac, err);
}

int
net_nl_neigh_del(struct net_nl *nl, const char *dev, struct in_addr addr,
    struct mc_err *err)
{
	return neigh_do(nl, RTM_DELNEIGH, dev, addr, 0, NULL, err);
}

/* The VXLAN forwarding entries (net_nl_vxlan.c makes the links). */
static int
fdb_do(struct net_nl *nl, uint16_t type, const char *dev,
    const uint8_t mac[NET_NL_MAC_LEN], struct in_addr dst,
    struct mc_err *err)
{
	if (mac == NULL || (mac[0] & 1) != 0)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "invalid MAC address for a forwarding entry on %s", dev);
	return neigh_do(nl, type, dev, dst, NTF_SELF, mac, err);
}

int
net_nl_fdb_set(struct net_nl *nl, const char *dev,
    const uint8_t mac[NET_NL_MAC_LEN], struct in_addr dst,
    struct mc_err *err)
{
	return fdb_do(nl, RTM_NEWNEIGH, dev, mac, dst, err);
}

int
net_nl_fdb_del(struct net_nl *nl, const char *dev,
    const uint8_t mac[NET_NL_MAC_LEN], struct in_addr dst,
    struct mc_err *err)
{
	return fdb_do(nl, RTM_DELNEIGH, dev, mac, dst, err);
}

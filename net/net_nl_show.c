/*
 * net_nl_describe: what a namespace holds, for a person to read (it is
 * what `minicloud explain` shows): one dump per section, written close
 * to `ip`'s own forms so that what a student reads here they can type.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "mc_buf.h"
#include "mc_cleanup.h"
#include "mc_err.h"
#include "net_name.h"
#include "net_nl.h"
#include "net_nl_priv.h"

#define TEXT_MAX	(1024 * 1024)	/* a namespace we describe is small */

/* One link, copied out of its message. */
struct show_link {
	struct net_nl_link	link;
	char			name[NET_NAME_LINK_MAX];
	unsigned		flags;
	uint8_t			operstate;
	int			master;
};

struct show {
	struct mc_buf		 b;
	struct show_link	*links;
	size_t			 n_links;
	size_t			 n_lines;	/* in the current section */
	bool			 oom;
};

/* Names for the values the kernel sends; NULL rows print as numbers. */
static const char *const operstates[] = {
	[IF_OPER_UNKNOWN] = "UNKNOWN",	[IF_OPER_NOTPRESENT] = "NOTPRESENT",
	[IF_OPER_DOWN] = "DOWN",	[IF_OPER_LOWERLAYERDOWN] = "LOWERDOWN",
	[IF_OPER_TESTING] = "TESTING",	[IF_OPER_DORMANT] = "DORMANT",
	[IF_OPER_UP] = "UP",
};

static const struct {
	unsigned	 flag;
	const char	*name;
} link_flags[] = {
	{ IFF_LOOPBACK, "LOOPBACK" },	{ IFF_BROADCAST, "BROADCAST" },
	{ IFF_POINTOPOINT, "POINTOPOINT" }, { IFF_MULTICAST, "MULTICAST" },
	{ IFF_NOARP, "NOARP" },		{ IFF_PROMISC, "PROMISC" },
	{ IFF_UP, "UP" },		{ IFF_LOWER_UP, "LOWER_UP" },
}, addr_flags[] = {
	{ IFA_F_SECONDARY, "secondary" },
	{ IFA_F_NOPREFIXROUTE, "noprefixroute" },
	{ IFA_F_DEPRECATED, "deprecated" },
	{ IFA_F_TENTATIVE, "tentative" },
};

static const char *const route_types[] = {
	[RTN_UNICAST] = "",		[RTN_LOCAL] = "local ",
	[RTN_BROADCAST] = "broadcast ",	[RTN_ANYCAST] = "anycast ",
	[RTN_MULTICAST] = "multicast ",	[RTN_BLACKHOLE] = "blackhole ",
	[RTN_UNREACHABLE] = "unreachable ", [RTN_PROHIBIT] = "prohibit ",
	[RTN_THROW] = "throw ",		[RTN_NAT] = "nat ",
};

static const char *const route_protos[] = {
	[RTPROT_UNSPEC] = "unspec",	[RTPROT_REDIRECT] = "redirect",
	[RTPROT_KERNEL] = "kernel",	[RTPROT_BOOT] = "boot",
	[RTPROT_STATIC] = "static",	[RTPROT_DHCP] = "dhcp",
};

/* A name from a table indexed by value, or NULL past its end. */
#define TABLE_NAME(t, v)	((size_t)(v) < MC_NELEMS(t) ? (t)[v] : NULL)

static const char *
link_name(const struct show *s, int index)
{
	size_t i;

	for (i = 0; i < s->n_links; i++)
		if (s->links[i].link.index == index)
			return s->links[i].name;
	return NULL;
}

static void
links_fn(const struct nlmsghdr *nlh, void *arg)
{
	struct show		*s = arg;
	struct net_nl_link_msg	 m;
	struct show_link	*v, *l;

	if (!net_nl_link_parse(nlh, &m))
		return;
	v = reallocarray(s->links, s->n_links + 1, sizeof(*v));
	if (v == NULL) {
		s->oom = true;
		return;
	}
	s->links = v;
	l = &v[s->n_links++];
	l->link = m.link;
	(void)snprintf(l->name, sizeof(l->name), "%s", m.name);
	l->flags = m.flags;
	l->operstate = m.operstate;
	l->master = m.master;
}

static void
link_write(struct show *s, const struct show_link *l)
{
	const char	*state = TABLE_NAME(operstates, l->operstate);
	const uint8_t	*mac = l->link.mac;
	const char	*sep = "";
	char		 idx[16];
	size_t		 i;

	(void)snprintf(idx, sizeof(idx), "%d:", l->link.index);
	mc_buf_addf(&s->b, "%4s %-15s %-8s mtu %-5u ", idx, l->name,
	    state != NULL ? state : "?", l->link.mtu);
	mc_buf_addf(&s->b, "%02x:%02x:%02x:%02x:%02x:%02x <", mac[0], mac[1],
	    mac[2], mac[3], mac[4], mac[5]);
	for (i = 0; i < MC_NELEMS(link_flags); i++) {
		if ((l->flags & link_flags[i].flag) == 0)
			continue;
		mc_buf_addf(&s->b, "%s%s", sep, link_flags[i].name);
		sep = ",";
	}
	mc_buf_addc(&s->b, '>');
	if (l->link.kind[0] != '\0')
		mc_buf_addf(&s->b, " %s", l->link.kind);
	if (l->master != 0)
		mc_buf_addf(&s->b, " master %s", link_name(s, l->master) ?
		    link_name(s, l->master) : "?");
	mc_buf_addc(&s->b, '\n');
}

static void
addrs_fn(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr	*tb[NET_NL_ATTR_MAX + 1];
	const struct ifaddrmsg	*ifa = mnl_nlmsg_get_payload(nlh);
	struct show		*s = arg;
	struct in_addr		 a;
	char			 txt[INET_ADDRSTRLEN];
	const char		*dev;
	uint32_t		 flags;
	size_t			 i;

	if (nlh->nlmsg_type != RTM_NEWADDR ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifa) ||
	    ifa->ifa_family != AF_INET)
		return;
	net_nl_attrs(nlh, sizeof(*ifa), tb);
	if (!net_nl_attr_in4(tb[IFA_LOCAL], &a) &&
	    !net_nl_attr_in4(tb[IFA_ADDRESS], &a))
		return;
	if (!net_nl_attr_u32(tb[IFA_FLAGS], &flags))
		flags = ifa->ifa_flags;
	dev = link_name(s, (int)ifa->ifa_index);
	mc_buf_addf(&s->b, "  %-15s %s/%u", dev != NULL ? dev : "?",
	    net_nl_in4_str(a, txt), ifa->ifa_prefixlen);
	for (i = 0; i < MC_NELEMS(addr_flags); i++)
		if ((flags & addr_flags[i].flag) != 0)
			mc_buf_addf(&s->b, " %s", addr_flags[i].name);
	mc_buf_addc(&s->b, '\n');
	s->n_lines++;
}

/* The route in nlh as a net_nl_route; false for one we do not show. */
static bool
route_read(const struct show *s, const struct nlmsghdr *nlh,
    const struct nlattr *tb[NET_NL_ATTR_MAX + 1], struct net_nl_route *r)
{
	const struct rtmsg	*rtm = mnl_nlmsg_get_payload(nlh);
	uint32_t		 table = rtm->rtm_table, oif;

	memset(r, 0, sizeof(*r));
	(void)net_nl_attr_u32(tb[RTA_TABLE], &table);
	if (table != RT_TABLE_MAIN || (rtm->rtm_flags & RTM_F_CLONED) != 0)
		return false;
	r->dst_len = rtm->rtm_dst_len;
	(void)net_nl_attr_in4(tb[RTA_DST], &r->dst);
	(void)net_nl_attr_in4(tb[RTA_GATEWAY], &r->gw);
	(void)net_nl_attr_in4(tb[RTA_PREFSRC], &r->src);
	(void)net_nl_attr_u32(tb[RTA_PRIORITY], &r->metric);
	if (net_nl_attr_u32(tb[RTA_OIF], &oif))
		r->dev = link_name(s, (int)oif);
	r->onlink = (rtm->rtm_flags & RTNH_F_ONLINK) != 0;
	return true;
}

static void
routes_fn(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr	*tb[NET_NL_ATTR_MAX + 1];
	const struct rtmsg	*rtm = mnl_nlmsg_get_payload(nlh);
	struct show		*s = arg;
	struct net_nl_route	 r;
	const char		*type, *proto;

	if (nlh->nlmsg_type != RTM_NEWROUTE ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*rtm) ||
	    rtm->rtm_family != AF_INET)
		return;
	net_nl_attrs(nlh, sizeof(*rtm), tb);
	if (!route_read(s, nlh, tb, &r))
		return;
	type = TABLE_NAME(route_types, rtm->rtm_type);
	proto = TABLE_NAME(route_protos, rtm->rtm_protocol);
	mc_buf_addf(&s->b, "  %s", type != NULL ? type : "? ");
	net_nl_route_text(&s->b, &r);
	if (proto != NULL)
		mc_buf_addf(&s->b, " proto %s", proto);
	else
		mc_buf_addf(&s->b, " proto %u", rtm->rtm_protocol);
	if (rtm->rtm_scope == RT_SCOPE_LINK)
		mc_buf_adds(&s->b, " scope link");
	else if (rtm->rtm_scope == RT_SCOPE_HOST)
		mc_buf_adds(&s->b, " scope host");
	mc_buf_addc(&s->b, '\n');
	s->n_lines++;
}

/* Proxy entries and permanent neighbours; the request chose which. */
static void
neighs_fn(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr	*tb[NET_NL_ATTR_MAX + 1];
	const struct ndmsg	*ndm = mnl_nlmsg_get_payload(nlh);
	struct show		*s = arg;
	const uint8_t		*mac;
	struct in_addr		 a;
	const char		*dev;
	char			 txt[INET_ADDRSTRLEN];

	if (nlh->nlmsg_type != RTM_NEWNEIGH ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*ndm) ||
	    ndm->ndm_family != AF_INET)
		return;
	net_nl_attrs(nlh, sizeof(*ndm), tb);
	if (!net_nl_attr_in4(tb[NDA_DST], &a))
		return;
	dev = link_name(s, ndm->ndm_ifindex);
	if ((ndm->ndm_flags & NTF_PROXY) != 0) {
		mc_buf_addf(&s->b, "  %s dev %s\n", net_nl_in4_str(a, txt),
		    dev != NULL ? dev : "?");
	} else if ((ndm->ndm_state & NUD_PERMANENT) != 0 &&
	    tb[NDA_LLADDR] != NULL &&
	    mnl_attr_get_payload_len(tb[NDA_LLADDR]) == NET_NL_MAC_LEN) {
		mac = mnl_attr_get_payload(tb[NDA_LLADDR]);
		mc_buf_addf(&s->b, "  %s lladdr %02x:%02x:%02x:%02x:%02x:%02x "
		    "dev %s\n", net_nl_in4_str(a, txt), mac[0], mac[1], mac[2],
		    mac[3], mac[4], mac[5], dev != NULL ? dev : "?");
	} else {
		return;
	}
	s->n_lines++;
}

/* One dump of type with a family header hdrlen long, then fn per line. */
struct section {
	const char	*title;
	uint16_t	 type;
	size_t		 hdrlen;
	uint8_t		 ntf;		/* ndm_flags of a neighbour dump */
	void		(*fn)(const struct nlmsghdr *, void *);
};

static const struct section sections[] = {
	{ "IPv4 addresses", RTM_GETADDR, sizeof(struct ifaddrmsg), 0,
	    addrs_fn },
	{ "IPv4 routes (main table)", RTM_GETROUTE, sizeof(struct rtmsg), 0,
	    routes_fn },
	{ "proxy ARP entries", RTM_GETNEIGH, sizeof(struct ndmsg), NTF_PROXY,
	    neighs_fn },
	{ "permanent neighbours", RTM_GETNEIGH, sizeof(struct ndmsg), 0,
	    neighs_fn },
};

/*
 * Dump type with every family header's first byte AF_INET (each of
 * ifaddrmsg, rtmsg, ndmsg starts with its family).
 */
static int
dump(struct net_nl *nl, struct show *s, uint16_t type, size_t hdrlen,
    uint8_t ntf, void (*fn)(const struct nlmsghdr *, void *))
{
	_Alignas(struct nlmsghdr) char	 buf[NET_NL_MSG_MAX];
	struct nlmsghdr			*nlh;
	void				*hdr;

	nlh = net_nl_msg(buf, type, NLM_F_DUMP, hdrlen, &hdr);
	*(uint8_t *)hdr = type == RTM_GETLINK ? AF_UNSPEC : AF_INET;
	if (type == RTM_GETNEIGH)
		((struct ndmsg *)hdr)->ndm_flags = ntf;
	if (type == RTM_GETLINK)
		mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	return net_nl_talk(nl, nlh, fn, s);
}

static int
describe(struct net_nl *nl, struct show *s, struct mc_err *err)
{
	size_t	i;
	int	rc;

	rc = dump(nl, s, RTM_GETLINK, sizeof(struct ifinfomsg), 0, links_fn);
	if (rc != 0)
		return net_nl_fail(nl, err, rc, "cannot list links");
	mc_buf_adds(&s->b, "links:\n");
	for (i = 0; i < s->n_links; i++)
		link_write(s, &s->links[i]);
	for (i = 0; i < MC_NELEMS(sections); i++) {
		mc_buf_addf(&s->b, "%s:\n", sections[i].title);
		s->n_lines = 0;
		rc = dump(nl, s, sections[i].type, sections[i].hdrlen,
		    sections[i].ntf, sections[i].fn);
		if (rc != 0)
			return net_nl_fail(nl, err, rc, "cannot list %s",
			    sections[i].title);
		if (s->n_lines == 0)
			mc_buf_adds(&s->b, "  (none)\n");
	}
	return 0;
}

int
net_nl_describe(struct net_nl *nl, char **ret_text, struct mc_err *err)
{
	struct show	 s = { .oom = false };
	char		*text;
	int		 rc;

	mc_buf_init(&s.b, TEXT_MAX);
	rc = describe(nl, &s, err);
	free(s.links);
	text = mc_buf_steal(&s.b, NULL);
	if (rc < 0) {
		free(text);
		return -1;
	}
	if (text == NULL || s.oom) {
		free(text);
		return mc_err_sys(err, ENOMEM, "namespace description too "
		    "large or out of memory");
	}
	*ret_text = text;
	return 0;
}

/*
 * net_nl_vxlan: the pieces of a VPC's overlay between hosts.  A VXLAN
 * link made in the host's namespace keeps its UDP socket there (on the
 * underlay) when it moves into the VPC's namespace; its forwarding
 * entries say which host's underlay address a remote host's VTEP MAC
 * is behind.  No learning and no multicast: every entry comes from
 * what the controller knows.  The entries are neighbour requests
 * (net_nl_addr.c: net_nl_fdb_set, net_nl_fdb_del).
 */
#include <net/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include <stdio.h>
#include <string.h>

#include "mc_err.h"
#include "net_name.h"
#include "net_nl.h"
#include "net_nl_priv.h"

int
net_nl_vxlan_add(struct net_nl *nl, const struct net_nl_vxlan *v,
    struct mc_err *err)
{
	_Alignas(struct nlmsghdr) char	 buf[NET_NL_MSG_MAX];
	char				 a[INET_ADDRSTRLEN];
	struct nlmsghdr			*nlh;
	struct ifinfomsg		*ifi;
	struct nlattr			*info, *data;
	void				*hdr;

	if (net_name_check(NET_NAME_LINK, v->name, err) < 0)
		return -1;
	if (v->vni == 0 || v->vni > NET_NL_VNI_MAX || v->mtu < 68 ||
	    (v->mac[0] & 1) != 0)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "cannot add vxlan %s: vni %u, MTU %u or its MAC is invalid",
		    v->name, v->vni, v->mtu);
	nlh = net_nl_msg(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL,
	    sizeof(*ifi), &hdr);
	ifi = hdr;
	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, v->name);
	mnl_attr_put_u32(nlh, IFLA_MTU, v->mtu);
	mnl_attr_put(nlh, IFLA_ADDRESS, NET_NL_MAC_LEN, v->mac);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "vxlan");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	mnl_attr_put_u32(nlh, IFLA_VXLAN_ID, v->vni);
	mnl_attr_put(nlh, IFLA_VXLAN_LOCAL, sizeof(v->local), &v->local);
	mnl_attr_put_u16(nlh, IFLA_VXLAN_PORT, htons(NET_NL_VXLAN_PORT));
	mnl_attr_put_u8(nlh, IFLA_VXLAN_LEARNING, 0);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return net_nl_do(nl, nlh, 0, err, "cannot add vxlan %s (vni %u from "
	    "%s)", v->name, v->vni, net_nl_in4_str(v->local, a));
}

/*
 * net_tap: TUNSETIFF on /dev/net/tun then TUNSETPERSIST, so the device
 * stays when our fd closes; deletion goes through rtnetlink, which works
 * in whatever namespace the tap was moved to.
 */
#include <sys/ioctl.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <linux/if.h>
#include <linux/if_tun.h>

#include "mc_cleanup.h"
#include "mc_err.h"
#include "net_name.h"
#include "net_nl.h"
#include "net_tap.h"

#define TUN_DEV		"/dev/net/tun"

/* The ioctls after TUNSETIFF, as a table: skipped rows have skip set. */
struct tap_step {
	unsigned long	 req;
	unsigned long	 arg;
	int		 skip;
	const char	*what;
};

int
net_tap_create(const char *name, uid_t uid, gid_t gid, struct mc_err *err)
{
	MC_AUTOCLOSE int	fd = -1;
	struct ifreq		ifr;
	const struct tap_step	steps[] = {
		{ TUNSETOWNER, uid, uid == NET_TAP_NO_OWNER, "set owner of" },
		{ TUNSETGROUP, gid, gid == NET_TAP_NO_GROUP, "set group of" },
		{ TUNSETPERSIST, 1, 0, "make persistent" },
	};
	size_t			i;

	if (net_name_check(NET_NAME_LINK, name, err) < 0)
		return -1;
	fd = open(TUN_DEV, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return mc_err_sys(err, errno, "cannot open %s: %s", TUN_DEV,
		    strerror(errno));
	memset(&ifr, 0, sizeof(ifr));
	/* One queue and no packet info: what libvirt asks for, or it fails. */
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	(void)snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0)
		return mc_err_sys(err, errno, "cannot create tap %s: %s%s",
		    name, strerror(errno), errno == EBUSY ? " (in use)" :
		    errno == EINVAL ? " (a link of another kind?)" : "");
	for (i = 0; i < MC_NELEMS(steps); i++)
		if (!steps[i].skip && ioctl(fd, steps[i].req, steps[i].arg) < 0)
			return mc_err_sys(err, errno, "cannot %s tap %s: %s",
			    steps[i].what, name, strerror(errno));
	return 0;
}

/* Delete name through nl unless it is absent; refuse any other kind. */
static int
tap_del(struct net_nl *nl, const char *name, struct mc_err *err)
{
	struct net_nl_link	link;
	struct mc_err		mine = { 0 };

	if (net_nl_link_get(nl, name, &link, &mine) < 0) {
		if (mine.sys_errno == ENODEV)
			return 0;
		return mc_err_sys(err, mine.sys_errno, "%s", mine.msg);
	}
	if (strcmp(link.kind, "tap") != 0)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "link %s is not a tap", name);
	return net_nl_link_del(nl, name, err);
}

int
net_tap_delete(const char *name, const char *ns, struct mc_err *err)
{
	struct net_nl	*nl = NULL;
	int		 rc;

	if (net_name_check(NET_NAME_LINK, name, err) < 0 ||
	    net_nl_open(ns, &nl, err) < 0)
		return -1;
	rc = tap_del(nl, name, err);
	net_nl_close(nl);
	return rc;
}

/*
 * net_tap: persistent TAP devices for instances.  A tap made here
 * outlives our fd: libvirt opens it later by name (<interface
 * type='ethernet'><target dev='NAME' managed='no'/>), and it may then be
 * moved into a VPC's namespace (net_nl_link_move) while QEMU holds it.
 * Addresses, routes and up/down are net_nl's business.
 */
#ifndef NET_TAP_H
#define NET_TAP_H

#include <sys/types.h>

struct mc_err;

#define NET_TAP_NO_OWNER	((uid_t)-1)
#define NET_TAP_NO_GROUP	((gid_t)-1)

/*
 * Create the persistent tap name (IFF_TAP | IFF_NO_PI, one queue, as
 * libvirt opens it) in the calling thread's namespace, owned by uid and
 * gid unless they are NET_TAP_NO_OWNER / NET_TAP_NO_GROUP (then only
 * root may attach to it).  It starts down.  Idempotent: an existing
 * persistent tap of that name in this namespace is kept and gets this
 * owner; a tap in use by a process fails with EBUSY, another kind of
 * link of that name with EINVAL.  Returns 0, or -1 with err set.
 */
int	net_tap_create(const char *name, uid_t uid, gid_t gid,
	    struct mc_err *err);

/*
 * Delete the tap name in namespace ns (NULL: the calling thread's), the
 * one it lives in by now.  A process holding it loses it.  Absent is
 * fine; a link of that name that is not a tap is refused.  Returns 0,
 * or -1 with err set.
 */
int	net_tap_delete(const char *name, const char *ns, struct mc_err *err);

#endif /* NET_TAP_H */

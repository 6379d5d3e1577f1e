/*
 * net_test: helpers for the net_ tests, which run as root against the
 * real kernel.  Names for this run's namespaces ("mcut-<pid>-<tag>") and
 * root-namespace links ("mcut<pid><tag>"); removal of what this run, or
 * an interrupted earlier one, left; and wiring namespaces with veths to
 * pass real UDP and TCP traffic.  Header-only, like mc_test.h.
 */
#ifndef NET_TEST_H
#define NET_TEST_H

#include <sys/socket.h>
#include <sys/types.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include "mc_test.h"

#include "mc_err.h"
#include "net_name.h"
#include "net_nl.h"
#include "net_ns.h"

#define NT_PREFIX	"mcut"		/* links; namespaces add a '-' */
#define NT_WAIT_MS	3000		/* for a datagram or a connection */

/* Fail the test with err's message when rc is not 0. */
#define NT_OK(rc, err)							\
	do {								\
		if ((rc) != 0)						\
			fail_msg("%s:%d: %s", __FILE__, __LINE__,	\
			    (err).msg);					\
	} while (0)

/* "mcut-<pid>-<tag>": a namespace of this run. */
static inline void
nt_ns(char buf[NET_NAME_NS_MAX], const char *tag)
{
	(void)snprintf(buf, NET_NAME_NS_MAX, NT_PREFIX "-%d-%s", (int)getpid(),
	    tag);
}

/* nt_ns(buf, tag), and that namespace made. */
static inline void
nt_ns_new(char buf[NET_NAME_NS_MAX], const char *tag)
{
	struct mc_err err = { 0 };

	nt_ns(buf, tag);
	NT_OK(net_ns_create(buf, &err), err);
}

/* "mcut<pid><tag>": a link of this run; tag starts with a letter. */
static inline void
nt_link(char buf[NET_NAME_LINK_MAX], const char *tag)
{
	int n = snprintf(buf, NET_NAME_LINK_MAX, NT_PREFIX "%d%s",
	    (int)getpid(), tag);

	assert_true(n > 0 && n < NET_NAME_LINK_MAX);
}

static inline struct in_addr
nt_in4(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

/* The pid in a test name, or 0 when there is none. */
static inline pid_t
nt_owner(const char *name)
{
	const char *p = name + strlen(NT_PREFIX);

	if (*p == '-')
		p++;
	return (pid_t)strtol(p, NULL, 10);
}

/* Ours to remove: made by this run (mine), else by a run that is gone. */
static inline bool
nt_stale(const char *name, bool mine)
{
	pid_t pid = nt_owner(name);

	if (mine)
		return pid == getpid();
	/* No pid (never signal 0: that is our whole process group). */
	return pid <= 0 || (pid != getpid() && kill(pid, 0) < 0 &&
	    errno == ESRCH);
}

/*
 * Remove the test namespaces and root-namespace test links of this run
 * (mine) or of runs that are no longer alive (!mine).  Links inside a
 * namespace go with it.
 */
static inline void
nt_sweep(bool mine)
{
	struct net_name_list	 names = { 0 };
	struct mc_err		 err = { 0 };
	struct net_nl		*nl = NULL;
	size_t			 i;

	NT_OK(net_ns_list(NT_PREFIX "-", &names, &err), err);
	for (i = 0; i < names.n; i++)
		if (nt_stale(names.v[i], mine))
			NT_OK(net_ns_delete(names.v[i], &err), err);
	net_name_list_clear(&names);
	NT_OK(net_nl_open(NULL, &nl, &err), err);
	NT_OK(net_nl_link_list(nl, NT_PREFIX, &names, &err), err);
	for (i = 0; i < names.n; i++)
		if (nt_stale(names.v[i], mine))
			NT_OK(net_nl_link_del(nl, names.v[i], &err), err);
	net_name_list_clear(&names);
	net_nl_close(nl);
}

/* Set lo up in ns: sockets on 127.0.0.1 and local addresses need it. */
static inline void
nt_lo_up(const char *ns)
{
	struct mc_err	 err = { 0 };
	struct net_nl	*nl = NULL;

	NT_OK(net_nl_open(ns, &nl, &err), err);
	NT_OK(net_nl_link_set_up(nl, "lo", true, &err), err);
	net_nl_close(nl);
}

/* Give link dev of ns the address addr/len and set it up. */
static inline void
nt_addr_up(const char *ns, const char *dev, const char *addr, unsigned len)
{
	struct mc_err	 err = { 0 };
	struct net_nl	*nl = NULL;

	NT_OK(net_nl_open(ns, &nl, &err), err);
	NT_OK(net_nl_addr_add(nl, dev, nt_in4(addr), len, 0, &err), err);
	NT_OK(net_nl_link_set_up(nl, dev, true, &err), err);
	net_nl_close(nl);
}

/*
 * A veth from a_dev in ns_a (address a_addr/len) to b_dev in ns_b
 * (b_addr/len), both ends and both lo up.
 */
static inline void
nt_wire(const char *ns_a, const char *a_dev, const char *a_addr,
    const char *ns_b, const char *b_dev, const char *b_addr, unsigned len)
{
	struct mc_err	 err = { 0 };
	struct net_nl	*nl = NULL;

	NT_OK(net_nl_open(ns_a, &nl, &err), err);
	NT_OK(net_nl_veth_add(nl, a_dev, b_dev, ns_b, &err), err);
	net_nl_close(nl);
	nt_lo_up(ns_a);
	nt_lo_up(ns_b);
	nt_addr_up(ns_a, a_dev, a_addr, len);
	nt_addr_up(ns_b, b_dev, b_addr, len);
}

/* Add the route "dst/len via gw" in ns. */
static inline void
nt_route_via(const char *ns, const char *dst, unsigned len, const char *gw)
{
	struct net_nl_route	 r = { .dst_len = len };
	struct mc_err		 err = { 0 };
	struct net_nl		*nl = NULL;

	r.dst = nt_in4(dst);
	r.gw = nt_in4(gw);
	NT_OK(net_nl_open(ns, &nl, &err), err);
	NT_OK(net_nl_route_replace(nl, &r, &err), err);
	net_nl_close(nl);
}

static inline struct sockaddr_in
nt_sin(const char *addr, uint16_t port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };

	sin.sin_addr = nt_in4(addr);
	sin.sin_port = htons(port);
	return sin;
}

/*
 * A socket of type made in ns and bound to addr:port (port 0: any);
 * *ret_port gets the port bound.
 */
static inline int
nt_bound(const char *ns, int type, const char *addr, uint16_t port,
    uint16_t *ret_port)
{
	struct sockaddr_in	sin = nt_sin(addr, port);
	socklen_t		len = sizeof(sin);
	struct mc_err		err = { 0 };
	int			fd = -1;

	NT_OK(net_ns_socket(ns, AF_INET, type, 0, &fd, &err), err);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		fail_msg("bind %s:%u in %s: %s", addr, port, ns,
		    strerror(errno));
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	if (ret_port != NULL)
		*ret_port = ntohs(sin.sin_port);
	return fd;
}

/* Wait until fd is readable; false after NT_WAIT_MS. */
static inline bool
nt_readable(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	return poll(&pfd, 1, NT_WAIT_MS) == 1;
}

/* Send msg on fd to addr:port. */
static inline void
nt_sendto(int fd, const char *msg, const char *addr, uint16_t port)
{
	struct sockaddr_in sin = nt_sin(addr, port);

	assert_int_equal(sendto(fd, msg, strlen(msg), 0,
	    (struct sockaddr *)&sin, sizeof(sin)), (ssize_t)strlen(msg));
}

/*
 * Receive one datagram on fd into buf (NUL-terminated) within
 * NT_WAIT_MS; the sender's address goes to peer (INET_ADDRSTRLEN bytes)
 * and its port to *ret_port.  Returns the length, or -1 if none came.
 */
static inline ssize_t
nt_recv(int fd, char *buf, size_t n, char *peer, uint16_t *ret_port)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof(sin);
	ssize_t			r;

	if (!nt_readable(fd))
		return -1;
	r = recvfrom(fd, buf, n - 1, 0, (struct sockaddr *)&sin, &len);
	if (r < 0)
		return -1;
	buf[r] = '\0';
	(void)inet_ntop(AF_INET, &sin.sin_addr, peer, INET_ADDRSTRLEN);
	if (ret_port != NULL)
		*ret_port = ntohs(sin.sin_port);
	return r;
}

#endif /* NET_TEST_H */

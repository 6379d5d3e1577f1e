/*
 * sg_bench_net: the bench's namespaces and its packet pump.  The sender
 * reaches the receiver only through the firewall namespace, which
 * forwards from its uplink (not a port: no egress rules apply) out of
 * SG_TEST_TAP, whose ingress rules decide.  A second thread counts what
 * arrives while the sender sends as fast as it can for a fixed time.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mc_cleanup.h"
#include "mc_err.h"
#include "net_name.h"
#include "net_nl.h"
#include "net_ns.h"
#include "sg_bench.h"

#define BATCH		32		/* datagrams per sendmmsg/recvmmsg */
#define DGRAM_BYTES	64
#define RCVBUF_BYTES	(4 * 1024 * 1024)
#define RX_TICK_MS	50		/* how often the counter looks up */
#define FIRST_WAIT_MS	2000		/* for the first datagram */
#define DRAIN_US	100000		/* for those still on their way */

double
sg_now(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
sg_net_teardown(void)
{
	struct net_name_list	names = { 0 };
	size_t			i;

	(void)net_ns_list(SG_PREFIX, &names, NULL);
	for (i = 0; i < names.n; i++)
		(void)net_ns_delete(names.v[i], NULL);
	net_name_list_clear(&names);
}

/* Put addr/24 on dev of ns and set it and lo up. */
static int
addr_up(const char *ns, const char *dev, const char *addr, struct mc_err *err)
{
	struct net_nl	*nl = NULL;
	struct in_addr	 a;
	int		 rc;

	(void)inet_pton(AF_INET, addr, &a);
	if (net_nl_open(ns, &nl, err) < 0)
		return -1;
	rc = net_nl_addr_add(nl, dev, a, 24, 0, err);
	if (rc == 0)
		rc = net_nl_link_set_up(nl, dev, true, err);
	if (rc == 0)
		rc = net_nl_link_set_up(nl, "lo", true, err);
	net_nl_close(nl);
	return rc;
}

/* A veth a_dev (a_addr) in ns_a to b_dev (b_addr) in ns_b. */
static int
wire(const char *ns_a, const char *a_dev, const char *a_addr,
    const char *ns_b, const char *b_dev, const char *b_addr,
    struct mc_err *err)
{
	struct net_nl	*nl = NULL;
	int		 rc;

	if (net_nl_open(ns_a, &nl, err) < 0)
		return -1;
	rc = net_nl_veth_add(nl, a_dev, b_dev, ns_b, err);
	net_nl_close(nl);
	if (rc < 0 || addr_up(ns_a, a_dev, a_addr, err) < 0)
		return -1;
	return addr_up(ns_b, b_dev, b_addr, err);
}

static int
default_via(const char *ns, const char *gw, struct mc_err *err)
{
	struct net_nl_route	 r = { .type = NET_NL_ROUTE_UNICAST };
	struct net_nl		*nl = NULL;
	int			 rc;

	(void)inet_pton(AF_INET, gw, &r.gw);
	if (net_nl_open(ns, &nl, err) < 0)
		return -1;
	rc = net_nl_route_replace(nl, &r, err);
	net_nl_close(nl);
	return rc;
}

static int
rcv_mac(struct sg_net *net, struct mc_err *err)
{
	struct net_nl_link	 link;
	struct net_nl		*nl = NULL;
	int			 rc;

	if (net_nl_open(net->rcv, &nl, err) < 0)
		return -1;
	rc = net_nl_link_get(nl, "eth0", &link, err);
	net_nl_close(nl);
	if (rc == 0)
		memcpy(net->rcv_mac, link.mac, sizeof(net->rcv_mac));
	return rc;
}

int
sg_net_setup(struct sg_net *net, struct mc_err *err)
{
	sg_net_teardown();
	(void)snprintf(net->fw, sizeof(net->fw), SG_PREFIX "fw");
	(void)snprintf(net->snd, sizeof(net->snd), SG_PREFIX "snd");
	(void)snprintf(net->rcv, sizeof(net->rcv), SG_PREFIX "rcv");
	net->snd_ip = 0x0a460102;	/* 10.70.1.2 */
	net->rcv_ip = 0x0a460202;	/* 10.70.2.2 */
	if (net_ns_create(net->fw, err) < 0 ||
	    net_ns_create(net->snd, err) < 0 ||
	    net_ns_create(net->rcv, err) < 0 ||
	    wire(net->snd, "eth0", "10.70.1.2", net->fw, "up0", "10.70.1.1",
	    err) < 0 ||
	    wire(net->fw, SG_TEST_TAP, "10.70.2.1", net->rcv, "eth0",
	    "10.70.2.2", err) < 0 ||
	    default_via(net->snd, "10.70.1.1", err) < 0 ||
	    default_via(net->rcv, "10.70.2.1", err) < 0 ||
	    net_ns_sysctl_set(net->fw, "net/ipv4/ip_forward", "1", err) < 0)
		return -1;
	return rcv_mac(net, err);
}

/* The counting side. */
struct rx {
	int		 fd;
	atomic_bool	 stop;
	uint64_t	 count;
};

static void *
rx_loop(void *arg)
{
	struct rx	*rx = arg;
	struct mmsghdr	 v[BATCH];
	struct iovec	 iov[BATCH];
	char		 bufs[BATCH][DGRAM_BYTES];
	size_t		 i;
	int		 n;

	for (i = 0; i < BATCH; i++) {
		iov[i] = (struct iovec){ bufs[i], sizeof(bufs[i]) };
		v[i] = (struct mmsghdr){ .msg_hdr = { .msg_iov = &iov[i],
		    .msg_iovlen = 1 } };
	}
	while (!atomic_load(&rx->stop))
		if ((n = recvmmsg(rx->fd, v, BATCH, 0, NULL)) > 0)
			rx->count += (uint64_t)n;
	return NULL;
}

/* A UDP socket in ns bound to (bind) or connected to ip:port. */
static int
udp_socket(const char *ns, uint32_t ip, bool bind_it, int *ret_fd,
    struct mc_err *err)
{
	struct sockaddr_in	sin = { .sin_family = AF_INET };
	struct timeval		tick = { 0, RX_TICK_MS * 1000 };
	int			fd = -1, big = RCVBUF_BYTES;

	sin.sin_addr.s_addr = htonl(ip);
	sin.sin_port = htons(SG_FLOW_PORT);
	if (net_ns_socket(ns, AF_INET, SOCK_DGRAM, 0, &fd, err) < 0)
		return -1;
	if (bind_it) {
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big,
		    sizeof(big));
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tick,
		    sizeof(tick));
	}
	if ((bind_it ? bind(fd, (struct sockaddr *)&sin, sizeof(sin)) :
	    connect(fd, (struct sockaddr *)&sin, sizeof(sin))) < 0) {
		(void)close(fd);
		return mc_err_sys(err, errno, "udp socket in %s: %s", ns,
		    strerror(errno));
	}
	*ret_fd = fd;
	return 0;
}

/* One datagram through, so that ARP is done and the path is open. */
static int
first_through(int tx, int rx, struct mc_err *err)
{
	struct pollfd	pfd = { .fd = rx, .events = POLLIN };
	char		buf[DGRAM_BYTES] = { 0 };

	(void)send(tx, buf, sizeof(buf), 0);
	if (poll(&pfd, 1, FIRST_WAIT_MS) != 1)
		return mc_err_sys(err, ETIMEDOUT, "the flow does not pass the "
		    "firewall");
	(void)recv(rx, buf, sizeof(buf), 0);
	return 0;
}

/* Send for seconds; returns the seconds it took. */
static double
blast(int tx, double seconds)
{
	static char	payload[DGRAM_BYTES];
	struct mmsghdr	v[BATCH];
	struct iovec	iov = { payload, sizeof(payload) };
	double		t0 = sg_now(), t;
	size_t		i;

	for (i = 0; i < BATCH; i++)
		v[i] = (struct mmsghdr){ .msg_hdr = { .msg_iov = &iov,
		    .msg_iovlen = 1 } };
	do {
		(void)sendmmsg(tx, v, BATCH, 0);	/* drops are the point */
		t = sg_now();
	} while (t - t0 < seconds);
	return t - t0;
}

int
sg_net_pps(const struct sg_net *net, double seconds, double *ret_pps,
    struct mc_err *err)
{
	MC_AUTOCLOSE int	 tx = -1;
	struct rx		 rx = { .fd = -1 };
	pthread_t		 t;
	double			 took;
	int			 rc;

	if (udp_socket(net->rcv, net->rcv_ip, true, &rx.fd, err) < 0)
		return -1;
	rc = udp_socket(net->snd, net->rcv_ip, false, &tx, err);
	if (rc == 0)
		rc = first_through(tx, rx.fd, err);
	if (rc == 0 && (rc = pthread_create(&t, NULL, rx_loop, &rx)) != 0)
		rc = mc_err_sys(err, rc, "cannot start a thread");
	if (rc == 0) {
		took = blast(tx, seconds);
		(void)usleep(DRAIN_US);
		atomic_store(&rx.stop, true);
		(void)pthread_join(t, NULL);
		*ret_pps = (double)rx.count / took;
	}
	(void)close(rx.fd);
	return rc;
}

/*
 * Tests of net_fw with real packets, as root on the real kernel: two
 * guests' namespaces wired through the firewall's, and pings, TCP
 * connections and UDP datagrams that the chains let through or drop,
 * a forged source among them, before and after a rule is added.
 * Fixtures: net_fw_test.h.
 */
#include <sys/socket.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>

#include <fcntl.h>

#include "net_fw_test.h"

#include "mc_cleanup.h"

#define NO_WAIT_MS	300		/* how long a dropped packet is awaited */

/* An ICMP echo from ns to dst; true when its reply comes in time. */
static bool
pings(const char *ns, const char *dst, int wait_ms)
{
	struct icmphdr		 h = { .type = ICMP_ECHO };
	struct sockaddr_in	 sin = nt_sin(dst, 0);
	struct mc_err		 err = { 0 };
	struct pollfd		 pfd = { .events = POLLIN };
	uint8_t			 buf[256];
	uint32_t		 sum = 0;
	const uint16_t		*w = (const uint16_t *)&h;
	size_t			 i;
	bool			 got = false;

	NT_OK(net_ns_socket(ns, AF_INET, SOCK_RAW, IPPROTO_ICMP, &pfd.fd,
	    &err), err);
	h.un.echo.id = htons((uint16_t)getpid());
	for (i = 0; i < sizeof(h) / 2; i++)
		sum += w[i];
	sum = (sum & 0xffff) + (sum >> 16);
	h.checksum = (uint16_t)~(sum + (sum >> 16));
	assert_int_equal(sendto(pfd.fd, &h, sizeof(h), 0,
	    (struct sockaddr *)&sin, sizeof(sin)), sizeof(h));
	while (!got && poll(&pfd, 1, wait_ms) == 1) {
		ssize_t			 n = recv(pfd.fd, buf, sizeof(buf), 0);
		const struct icmphdr	*r;
		size_t			 hl = (size_t)(buf[0] & 0x0f) * 4;

		if (n < (ssize_t)(hl + sizeof(*r)))
			continue;
		r = (const struct icmphdr *)(buf + hl);
		got = r->type == ICMP_ECHOREPLY && r->un.echo.id == h.un.echo.id;
	}
	(void)close(pfd.fd);
	return got;
}

/*
 * A TCP connection from src in ns to dst:port; true when it is made in
 * time, and then a byte goes each way through the listener lfd.
 */
static bool
connects(const char *ns, const char *src, const char *dst, uint16_t port,
    int lfd, int wait_ms)
{
	MC_AUTOCLOSE int	 fd = nt_bound(ns, SOCK_STREAM, src, 0, NULL);
	MC_AUTOCLOSE int	 afd = -1;
	struct sockaddr_in	 sin = nt_sin(dst, port);
	struct pollfd		 pfd = { .fd = fd, .events = POLLOUT };
	int			 e = 0;
	socklen_t		 len = sizeof(e);
	char			 c;

	assert_int_equal(fcntl(fd, F_SETFL, O_NONBLOCK), 0);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		assert_int_equal(errno, EINPROGRESS);
	if (poll(&pfd, 1, wait_ms) != 1 ||
	    getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) < 0 || e != 0)
		return false;
	afd = accept(lfd, NULL, NULL);
	assert_true(afd >= 0);
	assert_int_equal(write(fd, "q", 1), 1);
	assert_true(nt_readable(afd));
	assert_int_equal(read(afd, &c, 1), 1);
	/* The answer has no rule of its own: conntrack lets it back. */
	assert_int_equal(write(afd, "r", 1), 1);
	pfd.events = POLLIN;
	assert_int_equal(poll(&pfd, 1, NT_WAIT_MS), 1);
	assert_int_equal(read(fd, &c, 1), 1);
	return c == 'r';
}

/* A UDP datagram from src in ns reaches rfd (bound in the far end). */
static bool
udp_passes(const char *ns, const char *src, const char *dst, uint16_t port,
    int rfd)
{
	MC_AUTOCLOSE int	fd = nt_bound(ns, SOCK_DGRAM, src, 0, NULL);
	struct pollfd		pfd = { .fd = rfd, .events = POLLIN };
	char			buf[16];

	nt_sendto(fd, "u", dst, port);
	if (poll(&pfd, 1, NO_WAIT_MS) != 1)
		return false;
	return recv(rfd, buf, sizeof(buf), 0) == 1;
}

static void
packet_port(const char *ns, const char *dev, const char *tap, uint32_t ip,
    const char *group, struct net_fw_port *ret)
{
	struct net_nl_link	 link;
	struct mc_err		 err = { 0 };
	struct net_nl		*nl = NULL;

	NT_OK(net_nl_open(ns, &nl, &err), err);
	NT_OK(net_nl_link_get(nl, dev, &link, &err), err);
	net_nl_close(nl);
	memset(ret, 0, sizeof(*ret));
	(void)snprintf(ret->tap, sizeof(ret->tap), "%s", tap);
	memcpy(ret->mac, link.mac, sizeof(ret->mac));
	ret->ip = ip;
	(void)snprintf(ret->groups[0], NET_FW_ID_MAX, "%s", group);
	ret->n_groups = 1;
}

/*
 * a (10.60.1.2) -- ns, the firewall (tapa | tapb) -- b (10.60.2.2).
 * sg-a may send anything and receive nothing; sg-b may send nothing
 * and receive TCP 5001 from sg-a, UDP 5003 from 10.60.1.0/24 and pings.
 */
static void
packet_wire(struct fixture *f, struct net_fw_port ports[2])
{
	struct mc_err	 err = { 0 };
	struct net_nl	*nl = NULL;

	nt_ns_new(f->a, "a");
	nt_ns_new(f->b, "b");
	nt_wire(f->ns, "tapa", "10.60.1.1", f->a, "eth0", "10.60.1.2", 24);
	nt_wire(f->ns, "tapb", "10.60.2.1", f->b, "eth0", "10.60.2.2", 24);
	nt_route_via(f->a, "0.0.0.0", 0, "10.60.1.1");
	nt_route_via(f->b, "0.0.0.0", 0, "10.60.2.1");
	/* A second address on a, which the firewall does not know. */
	NT_OK(net_nl_open(f->a, &nl, &err), err);
	NT_OK(net_nl_addr_add(nl, "eth0", nt_in4("10.60.1.99"), 24, 0, &err),
	    err);
	net_nl_close(nl);
	NT_OK(net_ns_sysctl_set(f->ns, "net/ipv4/ip_forward", "1", &err), err);
	packet_port(f->a, "eth0", "tapa", IP4(10, 60, 1, 2), "sg-a", &ports[0]);
	packet_port(f->b, "eth0", "tapb", IP4(10, 60, 2, 2), "sg-b", &ports[1]);
}

static void
test_packets(void **state)
{
	static struct net_fw_rule a_out[] = {
		{ "sgr-a1", -1, -1, -1, 0, 0, "" },
	};
	static struct net_fw_rule b_in[] = {
		{ "sgr-b1", 6, 5001, 5001, 0, 0, "sg-a" },
		{ "sgr-b2", 17, 5003, 5003, IP4(10, 60, 1, 0), 24, "" },
		{ "sgr-b3", 1, 8, -1, 0, 0, "" },
		{ "sgr-b4", 6, 5002, 5002, 0, 0, "" },
	};
	static uint32_t		 a_members[] = { IP4(10, 60, 1, 2) };
	struct fixture		*f = *state;
	struct net_fw_port	 ports[2];
	struct net_fw_group	 groups[2] = {
		{ .id = "sg-a", .rules[NET_FW_OUT] = a_out, .n_rules[NET_FW_OUT]
		    = 1, .members = a_members, .n_members = 1 },
		{ .id = "sg-b", .rules[NET_FW_IN] = b_in, .n_rules[NET_FW_IN]
		    = 3 },
	};
	struct net_fw_model	 m = { ports, 2, groups, 2 };
	struct net_fw		*fw = fw_new(f->ns);
	struct mc_err		 err = { 0 };
	MC_AUTOCLOSE int	 l1 = -1, l2 = -1, u3 = -1;

	packet_wire(f, ports);
	l1 = nt_bound(f->b, SOCK_STREAM, "10.60.2.2", 5001, NULL);
	l2 = nt_bound(f->b, SOCK_STREAM, "10.60.2.2", 5002, NULL);
	u3 = nt_bound(f->b, SOCK_DGRAM, "10.60.2.2", 5003, NULL);
	assert_int_equal(listen(l1, 4), 0);
	assert_int_equal(listen(l2, 4), 0);
	/* Without the table everything passes. */
	assert_true(pings(f->b, "10.60.1.2", NT_WAIT_MS));
	NT_OK(net_fw_apply(fw, &m, &err), err);
	assert_true(connects(f->a, "10.60.1.2", "10.60.2.2", 5001, l1,
	    NT_WAIT_MS));
	assert_false(connects(f->a, "10.60.1.2", "10.60.2.2", 5002, l2,
	    NO_WAIT_MS));
	assert_true(pings(f->a, "10.60.2.2", NT_WAIT_MS));
	assert_false(pings(f->b, "10.60.1.2", NO_WAIT_MS));
	assert_true(udp_passes(f->a, "10.60.1.2", "10.60.2.2", 5003, u3));
	/* A forged source: dropped before any rule could let it pass. */
	assert_false(udp_passes(f->a, "10.60.1.99", "10.60.2.2", 5003, u3));
	/* A rule added: the next connection passes. */
	groups[1].n_rules[NET_FW_IN] = 4;
	NT_OK(net_fw_apply(fw, &m, &err), err);
	stats_are(fw, false, 1, 0);
	assert_true(connects(f->a, "10.60.1.2", "10.60.2.2", 5002, l2,
	    NT_WAIT_MS));
	net_fw_free(fw);
}

int
main(void)
{
#define T(fn)	cmocka_unit_test_setup_teardown(fn, fw_setup, fw_teardown)
	const struct CMUnitTest tests[] = {
		T(test_packets),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}

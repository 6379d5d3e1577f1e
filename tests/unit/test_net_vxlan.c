/*
 * Tests of net_nl's VXLAN pieces, as root on the real kernel, in
 * scratch namespaces: two "hosts" joined by an underlay veth, each
 * with a "VPC" namespace holding a VXLAN link made in the host's
 * namespace and moved in (its socket stays on the underlay), routes
 * and permanent neighbours through it and forwarding entries to the
 * other host: a datagram crosses from one VPC namespace to the other,
 * and stops once the entry is gone.  And bad input.
 */
#include <sys/socket.h>

#include "net_test.h"

#include "mc_cleanup.h"

#define VNI	4242

struct side {
	char		 host[NET_NAME_NS_MAX], vpc[NET_NAME_NS_MAX];
	struct net_nl	*nlh, *nlv;
	const char	*underlay, *ip;
	uint8_t		 mac[NET_NL_MAC_LEN];
};

static struct side sides[2] = {
	{ .underlay = "198.18.250.1", .ip = "10.9.0.1",
	    .mac = { 0x02, 0x4d, 198, 18, 250, 1 } },
	{ .underlay = "198.18.250.2", .ip = "10.9.0.2",
	    .mac = { 0x02, 0x4d, 198, 18, 250, 2 } },
};

static int
setup(void **state)
{
	struct mc_err	err = { 0 };
	size_t		i;

	(void)state;
	nt_sweep(false);
	for (i = 0; i < 2; i++) {
		nt_ns_new(sides[i].host, i == 0 ? "ha" : "hb");
		nt_ns_new(sides[i].vpc, i == 0 ? "va" : "vb");
		NT_OK(net_nl_open(sides[i].host, &sides[i].nlh, &err), err);
		NT_OK(net_nl_open(sides[i].vpc, &sides[i].nlv, &err), err);
	}
	nt_wire(sides[0].host, "u0", sides[0].underlay, sides[1].host, "u0",
	    sides[1].underlay, 24);
	return 0;
}

static int
teardown(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < 2; i++) {
		net_nl_close(sides[i].nlh);
		net_nl_close(sides[i].nlv);
	}
	nt_sweep(true);
	return 0;
}

/* Side s as the agent wires a VPC: the link, its address, the route. */
static void
overlay(struct side *s, const struct side *peer)
{
	struct net_nl_vxlan	 x = { "vx1", VNI, { 0 }, 1450, { 0 } };
	struct mc_err		 err = { 0 };

	x.local = nt_in4(s->underlay);
	memcpy(x.mac, s->mac, sizeof(x.mac));
	NT_OK(net_nl_vxlan_add(s->nlh, &x, &err), err);
	NT_OK(net_nl_link_move(s->nlh, "vx1", s->vpc, NULL, &err), err);
	NT_OK(net_nl_link_set_up(s->nlv, "vx1", true, &err), err);
	nt_lo_up(s->vpc);
	NT_OK(net_nl_addr_add(s->nlv, "lo", nt_in4(s->ip), 32, 0, &err), err);
	NT_OK(net_nl_route_replace(s->nlv, &(struct net_nl_route){
	    .dst = nt_in4(peer->ip), .dst_len = 32, .dev = "vx1" }, &err),
	    err);
	NT_OK(net_nl_neigh_set(s->nlv, "vx1", nt_in4(peer->ip), peer->mac,
	    &err), err);
	NT_OK(net_nl_fdb_set(s->nlv, "vx1", peer->mac,
	    nt_in4(peer->underlay), &err), err);
	/* Again: idempotent. */
	NT_OK(net_nl_fdb_set(s->nlv, "vx1", peer->mac,
	    nt_in4(peer->underlay), &err), err);
}

static void
test_crossing(void **state)
{
	MC_AUTOCLOSE int	 rx = -1;
	MC_AUTOCLOSE int	 tx = -1;
	struct mc_err		 err = { 0 };
	struct net_nl_link	 l;
	char			 buf[64], peer[INET_ADDRSTRLEN];
	uint16_t		 port;

	(void)state;
	overlay(&sides[0], &sides[1]);
	overlay(&sides[1], &sides[0]);
	NT_OK(net_nl_link_get(sides[0].nlv, "vx1", &l, &err), err);
	assert_string_equal(l.kind, "vxlan");
	assert_int_equal(l.mtu, 1450);
	assert_memory_equal(l.mac, sides[0].mac, NET_NL_MAC_LEN);
	rx = nt_bound(sides[1].vpc, SOCK_DGRAM, sides[1].ip, 0, &port);
	tx = nt_bound(sides[0].vpc, SOCK_DGRAM, sides[0].ip, 0, NULL);
	nt_sendto(tx, "over the underlay", sides[1].ip, port);
	assert_int_equal(nt_recv(rx, buf, sizeof(buf), peer, NULL), 17);
	assert_string_equal(buf, "over the underlay");
	assert_string_equal(peer, sides[0].ip);
	/* Without the forwarding entry nothing crosses (no flooding). */
	NT_OK(net_nl_fdb_del(sides[0].nlv, "vx1", sides[1].mac,
	    nt_in4(sides[1].underlay), &err), err);
	NT_OK(net_nl_fdb_del(sides[0].nlv, "vx1", sides[1].mac,
	    nt_in4(sides[1].underlay), &err), err);
	nt_sendto(tx, "lost", sides[1].ip, port);
	assert_int_equal(nt_recv(rx, buf, sizeof(buf), peer, NULL), -1);
}

static void
test_bad_input(void **state)
{
	struct net_nl_vxlan	 x = { "vx1", VNI, { 0 }, 1450,
	    { 0x02, 0, 0, 0, 0, 1 } };
	const uint8_t		 multicast[NET_NL_MAC_LEN] = { 0x01, 0, 0, 0,
	    0, 1 };
	struct mc_err		 err;

	(void)state;
	x.local = nt_in4(sides[0].underlay);
	x.vni = 0;
	memset(&err, 0, sizeof(err));
	assert_int_equal(net_nl_vxlan_add(sides[0].nlh, &x, &err), -1);
	assert_non_null(strstr(err.msg, "vni 0"));
	x.vni = NET_NL_VNI_MAX + 1;
	assert_int_equal(net_nl_vxlan_add(sides[0].nlh, &x, &err), -1);
	x.vni = VNI;
	x.name = "a/b";
	memset(&err, 0, sizeof(err));
	assert_int_equal(net_nl_vxlan_add(sides[0].nlh, &x, &err), -1);
	x.name = "vx1";
	NT_OK(net_nl_vxlan_add(sides[0].nlh, &x, &err), err);
	memset(&err, 0, sizeof(err));
	assert_int_equal(net_nl_vxlan_add(sides[0].nlh, &x, &err), -1);
	assert_non_null(strstr(err.msg, "cannot add vxlan vx1"));
	memset(&err, 0, sizeof(err));
	assert_int_equal(net_nl_fdb_set(sides[0].nlh, "vx1", multicast,
	    nt_in4("198.18.250.9"), &err), -1);
	memset(&err, 0, sizeof(err));
	assert_int_equal(net_nl_fdb_set(sides[0].nlh, "nosuch", x.mac,
	    nt_in4("198.18.250.9"), &err), -1);
}

int
main(void)
{
#define T(fn)	cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_crossing),
		T(test_bad_input),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}

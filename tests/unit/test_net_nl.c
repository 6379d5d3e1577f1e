/*
 * Tests of net_nl, as root on the real kernel, inside scratch namespaces
 * "mcut-<pid>-a/b/c": bad input and absent objects; veth pairs across
 * namespaces, up/down, MTU, MAC, moves, lists, IPv4 devconf; addresses,
 * routes and neighbour entries with the kernel's own error messages; the
 * description checked against a golden file; and real traffic: a VPC-like
 * path where the middle namespace routes two "instances" that share a
 * gateway address and answers ARP for each other (proxy entries), plus a
 * TCP service on 169.254.169.254 reached through it.
 */
#include <sys/socket.h>

#include <time.h>

#include "net_test.h"

#include "mc_cleanup.h"

#define GOLDEN		"data/net_nl/describe.out"

struct fixture {
	char		 a[NET_NAME_NS_MAX], b[NET_NAME_NS_MAX];
	char		 c[NET_NAME_NS_MAX];
	struct net_nl	*nla, *nlb;
};

static int
setup(void **state)
{
	struct fixture	*f = calloc(1, sizeof(*f));
	struct mc_err	 err = { 0 };

	assert_non_null(f);
	nt_sweep(false);
	nt_ns_new(f->a, "a");
	nt_ns_new(f->b, "b");
	nt_ns_new(f->c, "c");
	NT_OK(net_nl_open(f->a, &f->nla, &err), err);
	NT_OK(net_nl_open(f->b, &f->nlb, &err), err);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	net_nl_close(f->nla);
	net_nl_close(f->nlb);
	free(f);
	nt_sweep(true);
	return 0;
}

/* A veth va0 in a, vb0 in b, both up. */
static void
veth_ab(struct fixture *f)
{
	struct mc_err err = { 0 };

	NT_OK(net_nl_veth_add(f->nla, "va0", "vb0", f->b, &err), err);
	NT_OK(net_nl_link_set_up(f->nla, "va0", true, &err), err);
	NT_OK(net_nl_link_set_up(f->nlb, "vb0", true, &err), err);
}

static void
test_bad_input(void **state)
{
	static const uint8_t	 mcast[NET_NL_MAC_LEN] = { 1, 0, 0, 0, 0, 1 };
	static const uint8_t	 zero[NET_NL_MAC_LEN];
	const char		*big = "0123456789abcdef";	/* 16 */
	struct fixture		*f = *state;
	struct net_nl		*nl = f->nla;
	struct in_addr		 a = nt_in4("10.77.0.1");
	struct net_nl_link	 link;
	struct net_name_list	 names = { 0 };
	struct mc_err		 e[24];
	size_t			 i;

	memset(e, 0, sizeof(e));
	assert_int_equal(net_nl_link_get(nl, big, &link, &e[0]), -1);
	assert_int_equal(net_nl_veth_add(nl, big, "x", NULL, &e[1]), -1);
	assert_int_equal(net_nl_veth_add(nl, "x", big, NULL, &e[2]), -1);
	assert_int_equal(net_nl_link_del(nl, big, &e[3]), -1);
	assert_int_equal(net_nl_link_set_up(nl, big, true, &e[4]), -1);
	assert_int_equal(net_nl_link_set_mtu(nl, big, 1500, &e[5]), -1);
	assert_int_equal(net_nl_link_set_mac(nl, "lo", mcast, &e[6]), -1);
	assert_int_equal(net_nl_link_move(nl, "lo", NULL, big, &e[7]), -1);
	assert_int_equal(net_nl_link_set_ipv4(nl, "lo", NET_NL_IPV4_RP_FILTER,
	    3, &e[8]), -1);
	assert_int_equal(net_nl_link_set_ipv4(nl, "lo", NET_NL_IPV4__MAX, 0,
	    &e[9]), -1);
	assert_int_equal(net_nl_addr_add(nl, "lo", a, 33, 0, &e[10]), -1);
	assert_int_equal(net_nl_addr_add(nl, "lo", a, 24, 0x80, &e[11]), -1);
	assert_int_equal(net_nl_addr_del(nl, "lo", a, 40, &e[12]), -1);
	assert_int_equal(net_nl_link_set_mtu(nl, "lo", 67, &e[13]), -1);
	assert_int_equal(net_nl_link_set_mtu(nl, "lo", 65536, &e[14]), -1);
	assert_int_equal(net_nl_link_set_mac(nl, "lo", zero, &e[15]), -1);
	assert_int_equal(net_nl_link_set_mac(nl, "lo", NULL, &e[16]), -1);
	assert_int_equal(net_nl_neigh_set(nl, "lo", a, mcast, &e[17]), -1);
	assert_int_equal(net_nl_neigh_proxy_add(nl, big, a, &e[18]), -1);
	assert_int_equal(net_nl_route_add(nl, NULL, &e[19]), -1);
	assert_int_equal(net_nl_veth_add(nl, "x", "y", "mcut-no/such", &e[20]),
	    -1);
	assert_int_equal(net_nl_link_move(nl, "lo", "../x", NULL, &e[21]), -1);
	assert_int_equal(net_nl_addr_add(nl, "a b", a, 24, 0, &e[22]), -1);
	assert_int_equal(net_nl_neigh_del(nl, "", a, &e[23]), -1);
	for (i = 0; i < MC_NELEMS(e); i++)
		if (e[i].code != MC_EC_INVALID_PARAMETER_VALUE)
			fail_msg("case %zu: code %d (%s)", i, e[i].code,
			    e[i].msg);
	assert_string_equal(e[0].msg, "link name \"0123456789abcdef...\" is "
	    "longer than 15 characters");
	/* Nothing was made. */
	NT_OK(net_nl_link_list(nl, "", &names, &e[0]), e[0]);
	assert_int_equal(names.n, 1);
	assert_string_equal(names.v[0], "lo");
	net_name_list_clear(&names);
}

static void
test_bad_routes(void **state)
{
	static const struct {
		struct net_nl_route	 r;
		const char		*dst, *gw, *want;
	} cases[] = {
		{ { .dst_len = 33 }, "10.0.0.0", NULL, "prefix length" },
		{ { .dst_len = 16 }, "10.1.2.0", "10.77.0.2", "address bits" },
		{ { .dst_len = 24 }, "10.1.2.0", NULL, "a gateway or a device" },
		{ { .dst_len = 24, .type = NET_NL_ROUTE_BLACKHOLE }, "10.1.2.0",
		    "10.77.0.2", "no gateway and no device" },
		{ { .dst_len = 24, .onlink = true }, "10.1.2.0", "10.77.0.2",
		    "onlink needs" },
		{ { .dst_len = 24, .type = NET_NL_ROUTE__MAX }, "10.1.2.0",
		    NULL, "unknown route type" },
	};
	struct fixture	*f = *state;
	size_t		 i;

	for (i = 0; i < MC_NELEMS(cases); i++) {
		struct net_nl_route	r = cases[i].r;
		struct mc_err		err = { 0 };

		r.dst = nt_in4(cases[i].dst);
		if (cases[i].gw != NULL)
			r.gw = nt_in4(cases[i].gw);
		assert_int_equal(net_nl_route_add(f->nla, &r, &err), -1);
		assert_int_equal(err.code, MC_EC_INVALID_PARAMETER_VALUE);
		if (strstr(err.msg, cases[i].want) == NULL)
			fail_msg("case %zu: %s", i, err.msg);
	}
}

/* Absent objects: errors to act on, or fine where "absent" is the goal. */
static void
test_absent(void **state)
{
	struct fixture		*f = *state;
	struct net_nl		*nl = f->nla;
	struct in_addr		 a = nt_in4("10.77.0.1");
	struct net_nl_route	 r = { .dst_len = 24, .dev = "nosuch" };
	struct net_nl_link	 link;
	struct mc_err		 err = { 0 };

	r.dst = nt_in4("10.77.9.0");
	assert_int_equal(net_nl_link_get(nl, "nosuch", &link, &err), -1);
	assert_int_equal(err.sys_errno, ENODEV);
	assert_string_equal(err.msg, "no link nosuch");
	memset(&err, 0, sizeof(err));
	assert_int_equal(net_nl_link_set_up(nl, "nosuch", true, &err), -1);
	assert_string_equal(err.msg, "cannot set link nosuch up: No such "
	    "device");
	memset(&err, 0, sizeof(err));
	assert_int_equal(net_nl_addr_add(nl, "nosuch", a, 24, 0, &err), -1);
	assert_string_equal(err.msg, "no link nosuch");
	assert_int_equal(net_nl_route_add(nl, &r, NULL), -1);
	assert_int_equal(net_nl_link_move(nl, "nosuch", f->b, NULL, NULL), -1);
	memset(&err, 0, sizeof(err));
	NT_OK(net_nl_link_del(nl, "nosuch", &err), err);
	NT_OK(net_nl_addr_del(nl, "nosuch", a, 24, &err), err);
	NT_OK(net_nl_addr_del(nl, "lo", a, 24, &err), err);
	NT_OK(net_nl_route_del(nl, &r, &err), err);
	r.dev = "lo";
	NT_OK(net_nl_route_del(nl, &r, &err), err);
	NT_OK(net_nl_neigh_del(nl, "lo", a, &err), err);
	NT_OK(net_nl_neigh_proxy_del(nl, "lo", a, &err), err);
	NT_OK(net_nl_neigh_proxy_del(nl, "nosuch", a, &err), err);
}

static void
test_links(void **state)
{
	static const uint8_t	 mac[NET_NL_MAC_LEN] = { 2, 0, 0, 0, 0, 0xaa };
	struct fixture		*f = *state;
	struct net_name_list	 names = { 0 };
	struct net_nl_link	 link;
	struct mc_err		 err = { 0 };

	NT_OK(net_nl_veth_add(f->nla, "va0", "vb0", f->b, &err), err);
	NT_OK(net_nl_link_get(f->nla, "va0", &link, &err), err);
	assert_string_equal(link.kind, "veth");
	assert_false(link.up);
	assert_true(link.index > 1);
	NT_OK(net_nl_link_get(f->nlb, "vb0", &link, &err), err);
	assert_int_equal(net_nl_link_get(f->nla, "vb0", &link, NULL), -1);
	/* Up, MTU, MAC, and back down. */
	NT_OK(net_nl_link_set_up(f->nla, "va0", true, &err), err);
	NT_OK(net_nl_link_set_mtu(f->nla, "va0", 1400, &err), err);
	NT_OK(net_nl_link_set_mac(f->nla, "va0", mac, &err), err);
	NT_OK(net_nl_link_get(f->nla, "va0", &link, &err), err);
	assert_true(link.up);
	assert_int_equal(link.mtu, 1400);
	assert_memory_equal(link.mac, mac, NET_NL_MAC_LEN);
	NT_OK(net_nl_link_set_up(f->nla, "va0", false, &err), err);
	NT_OK(net_nl_link_get(f->nla, "va0", &link, &err), err);
	assert_false(link.up);
	/* The same name again: the kernel's EEXIST, named. */
	assert_int_equal(net_nl_veth_add(f->nla, "va0", "vb9", f->b, &err), -1);
	{
		char want[128];

		(void)snprintf(want, sizeof(want), "cannot add veth va0 (peer "
		    "vb9 in %s): File exists", f->b);
		assert_string_equal(err.msg, want);
	}
	memset(&err, 0, sizeof(err));
	/* A second pair, listed by prefix, sorted. */
	NT_OK(net_nl_veth_add(f->nla, "va1", "vb1", f->b, &err), err);
	NT_OK(net_nl_link_list(f->nla, "va", &names, &err), err);
	assert_int_equal(names.n, 2);
	assert_string_equal(names.v[0], "va0");
	assert_string_equal(names.v[1], "va1");
	net_name_list_clear(&names);
	/* Moved to b and renamed there; gone from a. */
	NT_OK(net_nl_link_move(f->nla, "va1", f->b, "moved", &err), err);
	assert_int_equal(net_nl_link_get(f->nla, "va1", &link, NULL), -1);
	NT_OK(net_nl_link_get(f->nlb, "moved", &link, &err), err);
	assert_false(link.up);
	/* Deleting one end takes the other. */
	NT_OK(net_nl_link_del(f->nla, "va0", &err), err);
	assert_int_equal(net_nl_link_get(f->nlb, "vb0", &link, NULL), -1);
	NT_OK(net_nl_link_del(f->nla, "va0", &err), err);
	NT_OK(net_nl_link_del(f->nlb, "moved", &err), err);
	NT_OK(net_nl_link_list(f->nlb, "", &names, &err), err);
	assert_int_equal(names.n, 1);
	net_name_list_clear(&names);
}

/* Settings made through netlink show in /proc/sys of the namespace. */
static void
test_ipv4_conf(void **state)
{
	static const struct {
		enum net_nl_ipv4_conf	 conf;
		uint32_t		 value;
		const char		*key;
	} cases[] = {
		{ NET_NL_IPV4_PROXY_ARP, 1, "proxy_arp" },
		{ NET_NL_IPV4_FORWARDING, 1, "forwarding" },
		{ NET_NL_IPV4_RP_FILTER, 2, "rp_filter" },
		{ NET_NL_IPV4_RP_FILTER, 0, "rp_filter" },
	};
	struct fixture	*f = *state;
	struct mc_err	 err = { 0 };
	char		 key[128], v[16], want[16];
	size_t		 i;

	NT_OK(net_nl_veth_add(f->nla, "va0", "vb0", f->b, &err), err);
	for (i = 0; i < MC_NELEMS(cases); i++) {
		NT_OK(net_nl_link_set_ipv4(f->nla, "va0", cases[i].conf,
		    cases[i].value, &err), err);
		(void)snprintf(key, sizeof(key), "net/ipv4/conf/va0/%s",
		    cases[i].key);
		NT_OK(net_ns_sysctl_get(f->a, key, v, sizeof(v), &err), err);
		(void)snprintf(want, sizeof(want), "%u", cases[i].value);
		assert_string_equal(v, want);
	}
}

static char *
describe(struct net_nl *nl)
{
	struct mc_err	 err = { 0 };
	char		*text = NULL;

	NT_OK(net_nl_describe(nl, &text, &err), err);
	return text;
}

static bool
described(struct net_nl *nl, const char *line)
{
	char *text = describe(nl);
	bool found = strstr(text, line) != NULL;

	free(text);
	return found;
}

static void
test_addresses(void **state)
{
	struct fixture	*f = *state;
	struct in_addr	 gw = nt_in4("10.77.1.1");
	struct mc_err	 err = { 0 };

	NT_OK(net_nl_veth_add(f->nla, "va0", "vb0", f->b, &err), err);
	NT_OK(net_nl_veth_add(f->nla, "va1", "vb1", f->b, &err), err);
	/* The same gateway on two links, twice: no clash, no error. */
	NT_OK(net_nl_addr_add(f->nla, "va0", gw, 24, NET_NL_ADDR_NOPREFIXROUTE,
	    &err), err);
	NT_OK(net_nl_addr_add(f->nla, "va1", gw, 24, NET_NL_ADDR_NOPREFIXROUTE,
	    &err), err);
	NT_OK(net_nl_addr_add(f->nla, "va0", gw, 24, NET_NL_ADDR_NOPREFIXROUTE,
	    &err), err);
	NT_OK(net_nl_link_set_up(f->nla, "va0", true, &err), err);
	assert_true(described(f->nla, "  va0             10.77.1.1/24 "
	    "noprefixroute\n  va1             10.77.1.1/24 noprefixroute\n"));
	/* No connected route came with them. */
	assert_false(described(f->nla, "10.77.1.0/24"));
	/* A plain address does bring one. */
	NT_OK(net_nl_addr_add(f->nla, "va0", nt_in4("10.77.0.1"), 24, 0, &err),
	    err);
	assert_true(described(f->nla, "  10.77.0.0/24 dev va0 src 10.77.0.1 "
	    "proto kernel scope link\n"));
	/* Other flags on an address already there: they change. */
	NT_OK(net_nl_addr_add(f->nla, "va0", nt_in4("10.77.0.1"), 24,
	    NET_NL_ADDR_NOPREFIXROUTE, &err), err);
	assert_true(described(f->nla, "  va0             10.77.0.1/24 "
	    "noprefixroute\n"));
	assert_false(described(f->nla, "10.77.0.0/24"));
	NT_OK(net_nl_addr_add(f->nla, "va0", nt_in4("10.77.0.1"), 24, 0, &err),
	    err);
	assert_true(described(f->nla, "  va0             10.77.0.1/24\n"));
	assert_true(described(f->nla, "10.77.0.0/24 dev va0"));
	NT_OK(net_nl_addr_del(f->nla, "va0", gw, 24, &err), err);
	NT_OK(net_nl_addr_del(f->nla, "va0", gw, 24, &err), err);
	assert_false(described(f->nla, "  va0             10.77.1.1/24"));
	assert_true(described(f->nla, "  va1             10.77.1.1/24"));
}

static void
test_routes(void **state)
{
	struct fixture		*f = *state;
	struct net_nl_route	 r = { .dst_len = 24, .dev = "va0" };
	struct net_nl_route	 bh = { .dst_len = 16 };
	struct net_nl_route	 t = { .dst_len = 0, .table = 100 };
	struct mc_err		 err = { 0 };

	veth_ab(f);
	NT_OK(net_nl_addr_add(f->nla, "va0", nt_in4("10.77.0.1"), 24, 0, &err),
	    err);
	r.dst = nt_in4("10.77.5.0");
	r.gw = nt_in4("10.77.0.2");
	NT_OK(net_nl_route_add(f->nla, &r, &err), err);
	assert_int_equal(net_nl_route_add(f->nla, &r, &err), -1);
	assert_string_equal(err.msg, "cannot add route 10.77.5.0/24 via "
	    "10.77.0.2 dev va0: File exists");
	memset(&err, 0, sizeof(err));
	r.metric = 7;
	NT_OK(net_nl_route_replace(f->nla, &r, &err), err);
	NT_OK(net_nl_route_replace(f->nla, &r, &err), err);
	assert_true(described(f->nla, "  10.77.5.0/24 via 10.77.0.2 dev va0 "
	    "metric 7 proto static\n"));
	/* A gateway off every subnet: the kernel says why, in words. */
	r.gw = nt_in4("10.88.0.1");
	assert_int_equal(net_nl_route_add(f->nla, &r, &err), -1);
	assert_true(strncmp(err.msg, "cannot add route 10.77.5.0/24 via "
	    "10.88.0.1 dev va0 metric 7: Network is unreachable", 80) == 0);
	assert_true(strstr(err.msg, "(Nexthop has invalid gateway)") != NULL);
	memset(&err, 0, sizeof(err));
	/* ...unless it is on the link. */
	r.onlink = true;
	NT_OK(net_nl_route_replace(f->nla, &r, &err), err);
	assert_true(described(f->nla, "via 10.88.0.1 dev va0 metric 7 onlink "
	    "proto static\n"));
	bh.dst = nt_in4("10.99.0.0");
	bh.type = NET_NL_ROUTE_BLACKHOLE;
	NT_OK(net_nl_route_add(f->nla, &bh, &err), err);
	assert_true(described(f->nla, "  blackhole 10.99.0.0/16 proto "
	    "static\n"));
	NT_OK(net_nl_route_del(f->nla, &bh, &err), err);
	bh.type = NET_NL_ROUTE_UNREACHABLE;
	NT_OK(net_nl_route_add(f->nla, &bh, &err), err);
	assert_true(described(f->nla, "  unreachable 10.99.0.0/16 proto "
	    "static\n"));
	/* Another table: not in the description of main. */
	t.gw = nt_in4("10.77.0.2");
	NT_OK(net_nl_route_add(f->nla, &t, &err), err);
	assert_false(described(f->nla, "default"));
	NT_OK(net_nl_route_del(f->nla, &t, &err), err);
	NT_OK(net_nl_route_del(f->nla, &t, &err), err);
	/* Delete, then delete again: fine.  Metric 7 and the first one. */
	NT_OK(net_nl_route_del(f->nla, &r, &err), err);
	NT_OK(net_nl_route_del(f->nla, &r, &err), err);
	assert_true(described(f->nla, "10.77.5.0/24 via 10.77.0.2 dev va0 "
	    "proto static\n"));
	r = (struct net_nl_route){ .dst = r.dst, .dst_len = 24 };
	NT_OK(net_nl_route_del(f->nla, &r, &err), err);
	NT_OK(net_nl_route_del(f->nla, &bh, &err), err);
	assert_false(described(f->nla, "10.77.5.0"));
	assert_false(described(f->nla, "10.99.0.0"));
}

static void
test_neighbours(void **state)
{
	static const uint8_t	 mac[NET_NL_MAC_LEN] = { 2, 0, 0, 0, 0, 9 };
	struct fixture		*f = *state;
	struct in_addr		 a = nt_in4("10.77.0.5");
	struct mc_err		 err = { 0 };

	veth_ab(f);
	NT_OK(net_nl_neigh_proxy_add(f->nla, "va0", a, &err), err);
	NT_OK(net_nl_neigh_proxy_add(f->nla, "va0", a, &err), err);
	NT_OK(net_nl_neigh_set(f->nla, "va0", nt_in4("10.77.0.9"), mac, &err),
	    err);
	NT_OK(net_nl_neigh_set(f->nla, "va0", nt_in4("10.77.0.9"), mac, &err),
	    err);
	assert_true(described(f->nla, "proxy ARP entries:\n  10.77.0.5 dev "
	    "va0\npermanent neighbours:\n  10.77.0.9 lladdr 02:00:00:00:00:09 "
	    "dev va0\n"));
	NT_OK(net_nl_neigh_proxy_del(f->nla, "va0", a, &err), err);
	NT_OK(net_nl_neigh_proxy_del(f->nla, "va0", a, &err), err);
	NT_OK(net_nl_neigh_del(f->nla, "va0", nt_in4("10.77.0.9"), &err), err);
	NT_OK(net_nl_neigh_del(f->nla, "va0", nt_in4("10.77.0.9"), &err), err);
	assert_true(described(f->nla, "proxy ARP entries:\n  (none)\n"
	    "permanent neighbours:\n  (none)\n"));
}

/* Wait for the kernel's link watcher to call va0 UP (it runs late). */
static char *
describe_when_up(struct net_nl *nl)
{
	struct timespec	 ts = { 0, 50 * 1000 * 1000 };
	char		*text = NULL;
	int		 i;

	for (i = 0; i < 60; i++) {
		free(text);
		text = describe(nl);
		if (strstr(text, "va0             UP ") != NULL)
			break;
		(void)nanosleep(&ts, NULL);
	}
	return text;
}

/* A namespace with one of everything, described: see the golden file. */
static void
test_describe(void **state)
{
	static const uint8_t	 mac[NET_NL_MAC_LEN] = { 2, 0, 0, 0, 0, 0xa };
	static const uint8_t	 nmac[NET_NL_MAC_LEN] = { 2, 0, 0, 0, 0, 9 };
	struct fixture		*f = *state;
	struct net_nl_route	 rs[] = {
		{ .dst_len = 0, .dev = "va0", .metric = 10 },
		{ .dst_len = 32, .dev = "va0" },
		{ .dst_len = 24, .dev = "va0", .onlink = true, .metric = 5 },
		{ .dst_len = 16, .type = NET_NL_ROUTE_BLACKHOLE },
		{ .dst_len = 16, .type = NET_NL_ROUTE_UNREACHABLE },
	};
	const char		*dst[] = { "0.0.0.0", "10.77.1.5", "10.77.2.0",
	    "10.99.0.0", "10.98.0.0" };
	struct mc_err		 err = { 0 };
	char			*text;
	size_t			 i;

	NT_OK(net_nl_veth_add(f->nla, "va0", "vb0", f->b, &err), err);
	NT_OK(net_nl_link_set_mac(f->nla, "va0", mac, &err), err);
	NT_OK(net_nl_link_set_mtu(f->nla, "va0", 1400, &err), err);
	NT_OK(net_nl_link_set_up(f->nla, "va0", true, &err), err);
	NT_OK(net_nl_link_set_up(f->nlb, "vb0", true, &err), err);
	NT_OK(net_nl_addr_add(f->nla, "va0", nt_in4("10.77.0.1"), 24, 0, &err),
	    err);
	NT_OK(net_nl_addr_add(f->nla, "va0", nt_in4("10.77.1.1"), 24,
	    NET_NL_ADDR_NOPREFIXROUTE, &err), err);
	for (i = 0; i < MC_NELEMS(rs); i++) {
		rs[i].dst = nt_in4(dst[i]);
		if (i == 0 || i == 2)
			rs[i].gw = nt_in4("10.77.0.2");
		NT_OK(net_nl_route_add(f->nla, &rs[i], &err), err);
	}
	NT_OK(net_nl_neigh_proxy_add(f->nla, "va0", nt_in4("10.77.1.5"), &err),
	    err);
	NT_OK(net_nl_neigh_set(f->nla, "va0", nt_in4("10.77.0.9"), nmac, &err),
	    err);
	text = describe_when_up(f->nla);
	mc_test_golden(GOLDEN, text);
	free(text);
}

/*
 * A VPC in miniature.  b routes: two "instances" a (10.77.0.5 on vb0)
 * and c (10.77.0.6 on vb1) share the gateway 10.77.0.1 on both links
 * without connected routes; /32 routes send each to its link; proxy
 * entries make b answer a's ARP for c and c's for a.  A TCP service
 * listens in b on 169.254.169.254:80 through a socket made there.
 */
static void
vpc_wire(struct fixture *f)
{
	static const char *const links[] = { "vb0", "vb1" };
	static const char *const peers[] = { "10.77.0.5", "10.77.0.6" };
	struct in_addr	 gw = nt_in4("10.77.0.1");
	struct mc_err	 err = { 0 };
	char		 key[64];
	size_t		 i;

	NT_OK(net_nl_veth_add(f->nlb, "vb0", "va0", f->a, &err), err);
	NT_OK(net_nl_veth_add(f->nlb, "vb1", "vc0", f->c, &err), err);
	nt_lo_up(f->b);
	NT_OK(net_ns_sysctl_set(f->b, "net/ipv4/ip_forward", "1", &err), err);
	for (i = 0; i < MC_NELEMS(links); i++) {
		NT_OK(net_nl_addr_add(f->nlb, links[i], gw, 24,
		    NET_NL_ADDR_NOPREFIXROUTE, &err), err);
		NT_OK(net_nl_link_set_up(f->nlb, links[i], true, &err), err);
		NT_OK(net_nl_route_add(f->nlb, &(struct net_nl_route){
		    .dst = nt_in4(peers[i]), .dst_len = 32, .dev = links[i] },
		    &err), err);
		/* Each link answers for the instance on the other one. */
		NT_OK(net_nl_neigh_proxy_add(f->nlb, links[i],
		    nt_in4(peers[1 - i]), &err), err);
		(void)snprintf(key, sizeof(key), "net/ipv4/neigh/%s/proxy_delay",
		    links[i]);
		NT_OK(net_ns_sysctl_set(f->b, key, "0", &err), err);
	}
	NT_OK(net_nl_addr_add(f->nlb, "lo", nt_in4("169.254.169.254"), 32, 0,
	    &err), err);
	nt_lo_up(f->a);
	nt_lo_up(f->c);
	nt_addr_up(f->a, "va0", "10.77.0.5", 24);
	nt_addr_up(f->c, "vc0", "10.77.0.6", 24);
	nt_route_via(f->a, "0.0.0.0", 0, "10.77.0.1");
}

static void
test_vpc_traffic(void **state)
{
	MC_AUTOCLOSE int	 rx = -1;
	MC_AUTOCLOSE int	 tx = -1;
	MC_AUTOCLOSE int	 srv = -1;
	MC_AUTOCLOSE int	 cli = -1;
	MC_AUTOCLOSE int	 conn = -1;
	struct fixture		*f = *state;
	struct sockaddr_in	 sin = nt_sin("169.254.169.254", 80);
	char			 buf[64], peer[INET_ADDRSTRLEN];
	uint16_t		 port;

	vpc_wire(f);
	/* a to c, same subnet: b answers ARP for c and routes it. */
	rx = nt_bound(f->c, SOCK_DGRAM, "10.77.0.6", 0, &port);
	tx = nt_bound(f->a, SOCK_DGRAM, "0.0.0.0", 0, NULL);
	nt_sendto(tx, "hello c", "10.77.0.6", port);
	assert_int_equal(nt_recv(rx, buf, sizeof(buf), peer, NULL), 7);
	assert_string_equal(buf, "hello c");
	assert_string_equal(peer, "10.77.0.5");
	/* The metadata address, over TCP, from a listening socket in b. */
	srv = nt_bound(f->b, SOCK_STREAM, "169.254.169.254", 80, NULL);
	assert_int_equal(listen(srv, 4), 0);
	cli = nt_bound(f->a, SOCK_STREAM, "0.0.0.0", 0, NULL);
	assert_int_equal(connect(cli, (struct sockaddr *)&sin, sizeof(sin)),
	    0);
	assert_true(nt_readable(srv));
	conn = accept4(srv, NULL, NULL, SOCK_CLOEXEC);
	assert_true(conn >= 0);
	assert_int_equal(write(cli, "GET /", 5), 5);
	assert_true(nt_readable(conn));
	assert_int_equal(read(conn, buf, sizeof(buf)), 5);
	assert_memory_equal(buf, "GET /", 5);
}

int
main(void)
{
#define T(fn)	cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_bad_input),
		T(test_bad_routes),
		T(test_absent),
		T(test_links),
		T(test_ipv4_conf),
		T(test_addresses),
		T(test_routes),
		T(test_neighbours),
		T(test_describe),
		T(test_vpc_traffic),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Tests of agt_netcfg: the text of a VPC's rules and DHCP/DNS set-up
 * against golden files, and each checked by the real tools: nft parses
 * and checks the scripts against this kernel (nft -c, which changes
 * nothing), dnsmasq --test reads the configuration.
 */
#include <sys/wait.h>

#include <unistd.h>

#include "mc_test.h"

#include "agt_netcfg.h"

#define DATA	"data/agt_netcfg"

static const struct agt_netcfg_port ports[] = {
	{ "mct0123456789a", "02:00:00:00:00:01", 0x0a000104, 0xc6336407,
	    "ip-10-0-1-4", { 0x0a000100, 24 }, "subnet-0123456789abcdef0" },
	{ "mct0123456789b", "02:00:00:00:00:02", 0x0a000105, 0,
	    "ip-10-0-1-5", { 0x0a000100, 24 }, "subnet-0123456789abcdef0" },
	{ "mct0123456789c", "02:00:00:00:00:03", 0x0a000204, 0,
	    "ip-10-0-2-4", { 0x0a000200, 24 }, "subnet-00000000000000002" },
};

static const char *const dns[] = { "192.0.2.53" };

static const struct agt_netcfg_vpc vpc = {
	"mc", { 0x0a000000, 16 }, 7, "mc-1.compute.internal", 1500, dns, 1,
	"/var/lib/minicloud-agent/net/vpc-1/hosts",
	"/var/lib/minicloud-agent/net/vpc-1/names", ports, 3,
};

/* Write text to a scratch file and run argv on it; its exit status. */
static int
run_on(const char *text, const char *tool, const char *arg)
{
	char	path[] = "/tmp/mc-unit-netcfg-XXXXXX";
	char	cmd[512];
	int	fd, st;

	assert_true((fd = mkstemp(path)) >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	(void)snprintf(cmd, sizeof(cmd), "%s %s%s >/dev/null 2>&1", tool, arg,
	    path);
	st = system(cmd);
	unlink(path);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static bool
have(const char *prog)
{
	char cmd[256];

	(void)snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null", prog);
	return system(cmd) == 0;
}

static void
test_addresses(void **state)
{
	struct mc_cidr c = { 0x0a000100, 24 };

	(void)state;
	assert_int_equal(agt_netcfg_transit(0), 0xa9fe0000);
	assert_int_equal(agt_netcfg_transit(7), 0xa9fe000e);
	/* The highest vni's pair stays below 169.254.128.0. */
	assert_int_equal(agt_netcfg_transit(16383) + 1, 0xa9fe7fff);
	assert_int_equal(agt_netcfg_gateway(&c), 0x0a000101);
	assert_int_equal(agt_netcfg_resolver(&vpc.cidr), 0x0a000002);
}

static void
test_vpc_nft(void **state)
{
	char			*s = agt_netcfg_vpc_nft(&vpc);
	struct agt_netcfg_vpc	 empty = vpc;

	(void)state;
	assert_non_null(s);
	mc_test_golden(DATA "/vpc.nft", s);
	if (have("nft") && geteuid() == 0)
		assert_int_equal(run_on(s, "nft -c -f", ""), 0);
	free(s);
	empty.n_ports = 0;
	s = agt_netcfg_vpc_nft(&empty);
	assert_non_null(s);
	mc_test_golden(DATA "/vpc-empty.nft", s);
	if (have("nft") && geteuid() == 0)
		assert_int_equal(run_on(s, "nft -c -f", ""), 0);
	free(s);
}

static void
test_host_nft(void **state)
{
	const uint32_t	 hosts[] = { 0xc6120000u | 11, 0xc6120000u | 12 };
	char		*s = agt_netcfg_host_nft("mcx");
	char		*none = agt_netcfg_vteps_nft("mcx", hosts, 0);
	char		*two = agt_netcfg_vteps_nft("mcx", hosts, 2);
	char		*both;

	(void)state;
	assert_non_null(s);
	mc_test_golden(DATA "/host.nft", s);
	assert_string_equal(none, "flush set ip mcx vteps\n");
	assert_string_equal(two, "flush set ip mcx vteps\nadd element ip mcx "
	    "vteps { 198.18.0.11, 198.18.0.12 }\n");
	/* The set's updates are valid on the table as made. */
	assert_true(asprintf(&both, "%s%s%s", s, none, two) > 0);
	if (have("nft") && geteuid() == 0)
		assert_int_equal(run_on(both, "nft -c -f", ""), 0);
	free(both);
	free(none);
	free(two);
	free(s);
}

static void
test_dnsmasq(void **state)
{
	char *conf = agt_netcfg_dnsmasq_conf(&vpc);
	char *hosts = agt_netcfg_dnsmasq_hosts(&vpc);
	char *names = agt_netcfg_dnsmasq_names(&vpc);

	(void)state;
	assert_non_null(conf);
	assert_non_null(hosts);
	assert_non_null(names);
	mc_test_golden(DATA "/dnsmasq.conf", conf);
	mc_test_golden(DATA "/dnsmasq.hosts", hosts);
	mc_test_golden(DATA "/dnsmasq.names", names);
	if (have("dnsmasq"))
		assert_int_equal(run_on(conf, "dnsmasq --test", "--conf-file="),
		    0);
	free(conf);
	free(hosts);
	free(names);
}

/* A port that leaves (or changes address) makes dnsmasq start afresh. */
static void
test_lines_dropped(void **state)
{
	static const struct {
		const char	*old, *now;
		bool		 want;
	} cases[] = {
		{ "", "a,1\n", false },
		{ "a,1\n", "a,1\nb,2\n", false },		/* one came */
		{ "a,1\nb,2\n", "b,2\na,1\n", false },	/* reordered */
		{ "a,1\nb,2\n", "a,1\n", true },		/* one left */
		{ "a,1\n", "a,10\n", true },			/* not a prefix */
		{ "a,10\n", "a,1\n", true },
		{ "a,1", "a,1\n", false },			/* no last newline */
		{ "a,1\n", "", true },
		{ "\n\n", "", false },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (agt_netcfg_lines_dropped(cases[i].old, cases[i].now) !=
		    cases[i].want)
			fail_msg("case %zu: %s -> %s", i, cases[i].old,
			    cases[i].now);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_vpc_nft),
		cmocka_unit_test(test_host_nft),
		cmocka_unit_test(test_dnsmasq),
		cmocka_unit_test(test_lines_dropped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

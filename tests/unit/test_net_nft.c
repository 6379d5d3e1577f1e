/*
 * Tests of net_nft, as root on the real kernel, in scratch namespaces
 * "mcut-<pid>-...": bad input; scripts applied in the namespace asked
 * for (and not in ours), all or nothing, with nft's complaint and its
 * line in the error and nothing printed; a table listed, found by
 * prefix and deleted (also when absent); and NAT seen from the far end:
 * masquerade and DNAT in a middle namespace between a client and a
 * server that has no route back to the client.
 */
#include <sys/socket.h>

#include <fcntl.h>

#include "net_test.h"

#include "mc_cleanup.h"
#include "net_nft.h"

#define TABLE		"mcut_t"

#define GOOD_SCRIPT							\
	"table inet " TABLE " {\n"					\
	"	chain input {\n"					\
	"		type filter hook input priority 0; policy accept;\n" \
	"		ip saddr 192.0.2.7 counter drop\n"		\
	"	}\n"							\
	"}\n"

/* Line 5 is wrong (no such port); lines 1 to 4 alone would be fine. */
#define BAD_SCRIPT							\
	"add table inet " TABLE "\n"					\
	"add chain inet " TABLE " input { type filter hook input "	\
	"priority 0; }\n"						\
	"add rule inet " TABLE " input ip saddr 192.0.2.7 drop\n"	\
	"\n"								\
	"add rule inet " TABLE " input tcp dport 99999 accept\n"

struct fixture {
	char	ns[NET_NAME_NS_MAX], cli[NET_NAME_NS_MAX];
	char	srv[NET_NAME_NS_MAX];
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	nt_sweep(false);
	nt_ns_new(f->ns, "n");
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	free(*state);
	nt_sweep(true);
	return 0;
}

static bool
has_table(const char *ns, const char *prefix, const char *name)
{
	struct net_nft_table	*v = NULL;
	struct mc_err		 err = { 0 };
	size_t			 n = 0, i;
	bool			 found = false;

	NT_OK(net_nft_table_list(ns, prefix, &v, &n, &err), err);
	for (i = 0; i < n; i++) {
		assert_int_equal(strncmp(v[i].name, prefix, strlen(prefix)), 0);
		found = found || (strcmp(v[i].name, name) == 0 &&
		    strcmp(v[i].family, "inet") == 0);
	}
	free(v);
	return found;
}

static void
test_bad_input(void **state)
{
	static const struct {
		const char	*family, *name;
	} cases[] = {
		{ "inet6", TABLE }, { "", TABLE }, { NULL, TABLE },
		{ "inet", "1abc" }, { "inet", "a;b" }, { "inet", "" },
		{ "inet", NULL }, { "ip", "a b" },
		{ "inet", "a123456789012345678901234567890123456789"
		    "012345678901234567890123" },		/* 64 */
	};
	struct fixture	*f = *state;
	char		*text = NULL, *big;
	size_t		 i;

	for (i = 0; i < MC_NELEMS(cases); i++) {
		struct mc_err err[2];

		memset(err, 0, sizeof(err));
		assert_int_equal(net_nft_table_text(f->ns, cases[i].family,
		    cases[i].name, &text, &err[0]), -1);
		assert_int_equal(net_nft_table_delete(f->ns, cases[i].family,
		    cases[i].name, &err[1]), -1);
		assert_int_equal(err[0].code, MC_EC_INVALID_PARAMETER_VALUE);
		assert_int_equal(err[1].code, MC_EC_INVALID_PARAMETER_VALUE);
	}
	assert_null(text);
	assert_int_equal(net_nft_apply(f->ns, NULL, NULL), -1);
	big = malloc(NET_NFT_SCRIPT_MAX + 2);
	assert_non_null(big);
	memset(big, '#', NET_NFT_SCRIPT_MAX + 1);
	big[NET_NFT_SCRIPT_MAX + 1] = '\0';
	assert_int_equal(net_nft_apply(f->ns, big, NULL), -1);
	free(big);
	assert_int_equal(net_nft_apply("mcut-no/such", GOOD_SCRIPT, NULL), -1);
	assert_int_equal(net_nft_apply("mcut-nosuch", GOOD_SCRIPT, NULL), -1);
}

static void
test_apply_list_delete(void **state)
{
	struct fixture	*f = *state;
	struct mc_err	 err = { 0 };
	char		*text = NULL;

	NT_OK(net_nft_apply(f->ns, GOOD_SCRIPT, &err), err);
	/* Again: a table statement adds to what is there, no error. */
	NT_OK(net_nft_apply(f->ns, GOOD_SCRIPT, &err), err);
	NT_OK(net_nft_table_text(f->ns, "inet", TABLE, &text, &err), err);
	assert_non_null(strstr(text, "table inet " TABLE " {"));
	assert_non_null(strstr(text, "ip saddr 192.0.2.7 counter packets 0 "
	    "bytes 0 drop"));
	free(text);
	text = NULL;
	assert_true(has_table(f->ns, "mcut", TABLE));
	assert_true(has_table(f->ns, "", TABLE));
	assert_false(has_table(f->ns, "other", TABLE));
	/* It went into the namespace, not into the caller's. */
	assert_false(has_table(NULL, TABLE, TABLE));
	NT_OK(net_nft_table_delete(f->ns, "inet", TABLE, &err), err);
	assert_false(has_table(f->ns, "", TABLE));
	NT_OK(net_nft_table_delete(f->ns, "inet", TABLE, &err), err);
	assert_int_equal(net_nft_table_text(f->ns, "inet", TABLE, &text, &err),
	    -1);
	assert_null(text);
	assert_int_equal(err.sys_errno, ENOENT);
	assert_string_equal(err.msg, "cannot list nft table inet " TABLE ": "
	    "No such file or directory");
}

/* Run fn(arg) with fds 1 and 2 on a scratch file; return its size. */
static off_t
quiet_size(void (*fn)(void *), void *arg)
{
	FILE	*tmp = tmpfile();
	int	 saved[2], i;
	off_t	 size;

	assert_non_null(tmp);
	fflush(stdout);
	fflush(stderr);
	for (i = 0; i < 2; i++) {
		saved[i] = dup(1 + i);
		assert_true(saved[i] >= 0);
		assert_true(dup2(fileno(tmp), 1 + i) >= 0);
	}
	fn(arg);
	fflush(stdout);
	fflush(stderr);
	for (i = 0; i < 2; i++) {
		assert_true(dup2(saved[i], 1 + i) >= 0);
		(void)close(saved[i]);
	}
	size = lseek(fileno(tmp), 0, SEEK_END);
	(void)fclose(tmp);
	return size;
}

struct bad_run {
	const char	*ns;
	struct mc_err	 err;
	int		 rc;
};

static void
apply_bad(void *arg)
{
	struct bad_run *r = arg;

	r->rc = net_nft_apply(r->ns, BAD_SCRIPT, &r->err);
}

/* A bad line: nothing applied, nothing printed, the line named. */
static void
test_bad_script(void **state)
{
	struct fixture	*f = *state;
	struct bad_run	 r = { .ns = f->ns };
	struct mc_err	 err = { 0 };

	assert_int_equal(quiet_size(apply_bad, &r), 0);
	assert_int_equal(r.rc, -1);
	assert_string_equal(r.err.msg, "nft script line 5: Service out of "
	    "range: add rule inet " TABLE " input tcp dport 99999 accept");
	assert_false(has_table(f->ns, "", TABLE));
	/* Syntax, and a reference to a chain that is not there. */
	assert_int_equal(net_nft_apply(f->ns, "add table inet x\njunk\n",
	    &err), -1);
	assert_string_equal(err.msg, "nft script line 2: syntax error, "
	    "unexpected newline, expecting string: junk");
	memset(&err, 0, sizeof(err));
	assert_int_equal(net_nft_apply(f->ns, "add table inet x\nadd chain "
	    "inet x c\nadd rule inet x c jump nowhere\n", &err), -1);
	if (strncmp(err.msg, "nft script line 3: Could not process rule: ",
	    43) != 0)
		fail_msg("%s", err.msg);
	assert_false(has_table(f->ns, "", "x"));
}

/*
 * cli (10.55.1.2) -- ns, the router (10.55.1.1 | 10.55.2.1) -- srv
 * (10.55.2.2).  srv has no route to 10.55.1.0/24: only masquerade lets
 * it answer.  DNAT maps 10.55.1.1:8080 to the server's port.
 */
static void
nat_wire(struct fixture *f, uint16_t srv_port)
{
	struct mc_err	err = { 0 };
	char		script[1024];

	nt_wire(f->cli, "c0", "10.55.1.2", f->ns, "r0", "10.55.1.1", 24);
	nt_wire(f->ns, "r1", "10.55.2.1", f->srv, "s0", "10.55.2.2", 24);
	nt_route_via(f->cli, "0.0.0.0", 0, "10.55.1.1");
	NT_OK(net_ns_sysctl_set(f->ns, "net/ipv4/ip_forward", "1", &err), err);
	(void)snprintf(script, sizeof(script),
	    "table ip " TABLE " {\n"
	    "	chain pre {\n"
	    "		type nat hook prerouting priority dstnat;\n"
	    "		iifname \"r0\" udp dport 8080 dnat to 10.55.2.2:%u\n"
	    "	}\n"
	    "	chain post {\n"
	    "		type nat hook postrouting priority srcnat;\n"
	    "		oifname \"r1\" masquerade\n"
	    "	}\n"
	    "}\n", srv_port);
	NT_OK(net_nft_apply(f->ns, script, &err), err);
}

static void
test_nat(void **state)
{
	MC_AUTOCLOSE int	 srv = -1;
	MC_AUTOCLOSE int	 cli = -1;
	struct fixture		*f = *state;
	char			 buf[64], peer[INET_ADDRSTRLEN];
	uint16_t		 srv_port, cli_port, from_port = 0;

	nt_ns_new(f->cli, "cli");
	nt_ns_new(f->srv, "srv");
	srv = nt_bound(f->srv, SOCK_DGRAM, "10.55.2.2", 0, &srv_port);
	nat_wire(f, srv_port);
	cli = nt_bound(f->cli, SOCK_DGRAM, "10.55.1.2", 0, &cli_port);
	/* Straight to the server: it sees the router, not the client. */
	nt_sendto(cli, "ping", "10.55.2.2", srv_port);
	assert_int_equal(nt_recv(srv, buf, sizeof(buf), peer, &from_port), 4);
	assert_string_equal(peer, "10.55.2.1");
	/* Its answer finds the way back through conntrack. */
	nt_sendto(srv, "pong", peer, from_port);
	assert_int_equal(nt_recv(cli, buf, sizeof(buf), peer, NULL), 4);
	assert_string_equal(buf, "pong");
	assert_string_equal(peer, "10.55.2.2");
	/* Through the DNAT port on the router's near address. */
	nt_sendto(cli, "dnat", "10.55.1.1", 8080);
	assert_int_equal(nt_recv(srv, buf, sizeof(buf), peer, &from_port), 4);
	assert_string_equal(buf, "dnat");
	assert_string_equal(peer, "10.55.2.1");
	nt_sendto(srv, "back", peer, from_port);
	assert_int_equal(nt_recv(cli, buf, sizeof(buf), peer, &from_port), 4);
	assert_string_equal(peer, "10.55.1.1");
	assert_int_equal(from_port, 8080);
}

int
main(void)
{
#define T(fn)	cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_bad_input),
		T(test_apply_list_delete),
		T(test_bad_script),
		T(test_nat),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}

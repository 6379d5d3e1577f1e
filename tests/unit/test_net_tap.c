/*
 * Tests of net_tap, as root on the real kernel: bad names; a persistent
 * tap made (twice), with its owner, flags and kind, then deleted (twice);
 * a name taken by another kind of link; and what the agent relies on: a
 * real QEMU opens the tap by name as libvirt does, the tap moves into a
 * namespace while QEMU holds it, and a frame sent there still comes out
 * of QEMU (whose other end is a UDP socket on 127.0.0.1).
 */
#include <sys/socket.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <signal.h>
#include <time.h>

#include "net_test.h"

#include "mc_cleanup.h"
#include "net_tap.h"

#define QEMU		"/usr/bin/qemu-system-x86_64"
#define NOBODY		65534
#define ATTACH_MS	20000	/* QEMU's start, on a loaded machine */
#define PAYLOAD		"through qemu"

struct fixture {
	char		 ns[NET_NAME_NS_MAX];
	char		 tap[NET_NAME_LINK_MAX];
	struct net_nl	*root, *in_ns;
	pid_t		 qemu;		/* timeout(1) running QEMU, or 0 */
};

static int
setup(void **state)
{
	struct fixture	*f = calloc(1, sizeof(*f));
	struct mc_err	 err = { 0 };

	assert_non_null(f);
	nt_sweep(false);
	nt_ns_new(f->ns, "t");
	nt_link(f->tap, "t0");
	NT_OK(net_nl_open(NULL, &f->root, &err), err);
	NT_OK(net_nl_open(f->ns, &f->in_ns, &err), err);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	if (f->qemu > 0) {
		/* timeout(1) passes SIGTERM on to QEMU and waits for it. */
		(void)kill(f->qemu, SIGTERM);
		(void)waitpid(f->qemu, NULL, 0);
	}
	net_nl_close(f->root);
	net_nl_close(f->in_ns);
	free(f);
	nt_sweep(true);
	return 0;
}

static void
test_bad_names(void **state)
{
	static const char *const names[] = {
		"0123456789abcdef", "", "a/b", "a b", "..", NULL,
	};
	size_t i;

	(void)state;
	for (i = 0; i < MC_NELEMS(names); i++) {
		struct mc_err err[2];

		memset(err, 0, sizeof(err));
		assert_int_equal(net_tap_create(names[i], NET_TAP_NO_OWNER,
		    NET_TAP_NO_GROUP, &err[0]), -1);
		assert_int_equal(net_tap_delete(names[i], NULL, &err[1]), -1);
		assert_int_equal(err[0].code, MC_EC_INVALID_PARAMETER_VALUE);
		assert_int_equal(err[1].code, MC_EC_INVALID_PARAMETER_VALUE);
	}
}

/* The first line of /sys/class/net/<dev>/<attr>. */
static void
sys_attr(const char *dev, const char *attr, char *buf, size_t n)
{
	char	path[128];
	FILE	*fp;

	(void)snprintf(path, sizeof(path), "/sys/class/net/%s/%s", dev, attr);
	fp = fopen(path, "re");
	assert_non_null(fp);
	assert_non_null(fgets(buf, (int)n, fp));
	buf[strcspn(buf, "\n")] = '\0';
	(void)fclose(fp);
}

static void
test_create_delete(void **state)
{
	struct fixture		*f = *state;
	struct net_nl_link	 link;
	struct mc_err		 err = { 0 };
	char			 v[32];

	NT_OK(net_tap_create(f->tap, NOBODY, NOBODY, &err), err);
	NT_OK(net_tap_create(f->tap, NOBODY, NOBODY, &err), err);
	NT_OK(net_nl_link_get(f->root, f->tap, &link, &err), err);
	assert_string_equal(link.kind, "tap");
	assert_false(link.up);
	sys_attr(f->tap, "owner", v, sizeof(v));
	assert_string_equal(v, "65534");
	sys_attr(f->tap, "group", v, sizeof(v));
	assert_string_equal(v, "65534");
	sys_attr(f->tap, "tun_flags", v, sizeof(v));
	/* IFF_TAP, IFF_NO_PI, IFF_PERSIST; no IFF_MULTI_QUEUE */
	assert_string_equal(v, "0x1802");
	NT_OK(net_tap_delete(f->tap, NULL, &err), err);
	assert_int_equal(net_nl_link_get(f->root, f->tap, &link, NULL), -1);
	NT_OK(net_tap_delete(f->tap, NULL, &err), err);
	/* Without an owner: nobody but root may attach. */
	NT_OK(net_tap_create(f->tap, NET_TAP_NO_OWNER, NET_TAP_NO_GROUP, &err),
	    err);
	sys_attr(f->tap, "owner", v, sizeof(v));
	assert_string_equal(v, "-1");
	NT_OK(net_tap_delete(f->tap, NULL, &err), err);
}

/* A veth called vx0 in the namespace: not a tap to make or delete. */
static void
test_other_kind(void **state)
{
	struct fixture	*f = *state;
	struct mc_err	 err = { 0 };
	int		 prev = -1;

	NT_OK(net_nl_veth_add(f->in_ns, "vx0", "vx1", f->ns, &err), err);
	/* net_tap_create works in the calling thread's namespace. */
	NT_OK(net_ns_enter(f->ns, &prev, &err), err);
	assert_int_equal(net_tap_create("vx0", NET_TAP_NO_OWNER,
	    NET_TAP_NO_GROUP, &err), -1);
	NT_OK(net_ns_leave(prev, NULL), err);
	assert_string_equal(err.msg, "cannot create tap vx0: Invalid argument "
	    "(a link of another kind?)");
	memset(&err, 0, sizeof(err));
	assert_int_equal(net_tap_delete("vx0", f->ns, &err), -1);
	assert_string_equal(err.msg, "link vx0 is not a tap");
	assert_int_equal(net_tap_delete("vx0", "mcut-no-such-ns", NULL), -1);
}

/* A free UDP port on 127.0.0.1 (free now; fine for a test). */
static uint16_t
free_port(void)
{
	uint16_t	port;
	int		fd = nt_bound(NULL, SOCK_DGRAM, "127.0.0.1", 0, &port);

	(void)close(fd);
	return port;
}

/*
 * QEMU without a machine, its tap backend (opened by name, like libvirt
 * does) joined by a hub to a UDP socket backend: frames the tap carries
 * arrive on 127.0.0.1:rx_port as datagrams.
 */
static void
qemu_start(struct fixture *f, uint16_t rx_port)
{
	struct mc_err	err = { 0 };
	char		tap[96], udp[96];
	const char	*argv[] = { "timeout", "120", QEMU, "-machine", "none",
	    "-nodefaults", "-display", "none", "-monitor", "none", "-serial",
	    "none", "-netdev", tap, "-netdev", udp, "-netdev",
	    "hubport,id=h0,hubid=0,netdev=t0", "-netdev",
	    "hubport,id=h1,hubid=0,netdev=s0", NULL };

	(void)snprintf(tap, sizeof(tap), "tap,id=t0,ifname=%s,script=no,"
	    "downscript=no", f->tap);
	(void)snprintf(udp, sizeof(udp), "socket,id=s0,udp=127.0.0.1:%u,"
	    "localaddr=127.0.0.1:%u", rx_port, free_port());
	NT_OK(net_ns_spawn(NULL, argv, -1, &f->qemu, &err), err);
}

/* Wait until QEMU holds the tap (its carrier comes on). */
static void
wait_carrier(struct fixture *f)
{
	struct timespec		ts = { 0, 50 * 1000 * 1000 };
	struct net_nl_link	link = { .carrier = false };
	struct mc_err		err = { 0 };
	int			i;

	for (i = 0; i < ATTACH_MS / 50 && !link.carrier; i++) {
		if (waitpid(f->qemu, NULL, WNOHANG) == f->qemu) {
			f->qemu = 0;
			fail_msg("QEMU exited before opening %s", f->tap);
		}
		(void)nanosleep(&ts, NULL);
		NT_OK(net_nl_link_get(f->root, f->tap, &link, &err), err);
	}
	assert_true(link.carrier);
}

/* Datagrams on fd until one carries PAYLOAD (others: IPv6 chatter). */
static bool
saw_payload(int fd)
{
	char	frame[2048];
	ssize_t	n;

	while (nt_readable(fd)) {
		n = recv(fd, frame, sizeof(frame), 0);
		if (n > 0 && memmem(frame, (size_t)n, PAYLOAD,
		    strlen(PAYLOAD)) != NULL)
			return true;
	}
	return false;
}

static void
test_qemu_keeps_moved_tap(void **state)
{
	static const uint8_t	 mac[NET_NL_MAC_LEN] = { 2, 0, 0, 0, 0, 2 };
	MC_AUTOCLOSE int	 rx = -1;
	MC_AUTOCLOSE int	 tx = -1;
	struct fixture		*f = *state;
	struct net_nl_link	 link;
	struct mc_err		 err = { 0 };
	uint16_t		 rx_port;

	if (access(QEMU, X_OK) != 0)
		skip();
	NT_OK(net_tap_create(f->tap, NET_TAP_NO_OWNER, NET_TAP_NO_GROUP, &err),
	    err);
	NT_OK(net_nl_link_set_up(f->root, f->tap, true, &err), err);
	rx = nt_bound(NULL, SOCK_DGRAM, "127.0.0.1", 0, &rx_port);
	qemu_start(f, rx_port);
	wait_carrier(f);
	/* Moved while held; the move takes it down, so up again there. */
	NT_OK(net_nl_link_move(f->root, f->tap, f->ns, NULL, &err), err);
	assert_int_equal(net_nl_link_get(f->root, f->tap, &link, NULL), -1);
	NT_OK(net_nl_link_set_up(f->in_ns, f->tap, true, &err), err);
	NT_OK(net_nl_link_get(f->in_ns, f->tap, &link, &err), err);
	assert_true(link.up);
	assert_true(link.carrier);		/* QEMU still attached */
	assert_int_equal(waitpid(f->qemu, NULL, WNOHANG), 0);
	/* A frame sent out of the tap in the namespace reaches QEMU. */
	NT_OK(net_nl_addr_add(f->in_ns, f->tap, nt_in4("10.66.0.1"), 24, 0,
	    &err), err);
	NT_OK(net_nl_neigh_set(f->in_ns, f->tap, nt_in4("10.66.0.2"), mac,
	    &err), err);
	tx = nt_bound(f->ns, SOCK_DGRAM, "10.66.0.1", 0, NULL);
	nt_sendto(tx, PAYLOAD, "10.66.0.2", 9);
	assert_true(saw_payload(rx));
	/* Deleted where it lives now; QEMU loses it but keeps running. */
	NT_OK(net_tap_delete(f->tap, f->ns, &err), err);
	assert_int_equal(net_nl_link_get(f->in_ns, f->tap, &link, NULL), -1);
}

int
main(void)
{
#define T(fn)	cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_names),
		T(test_create_delete),
		T(test_other_kind),
		T(test_qemu_keeps_moved_tap),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}

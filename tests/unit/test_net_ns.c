/*
 * Tests of net_name and net_ns, as root on the real kernel: name checks;
 * namespaces made, found, listed and removed (also twice, also over an
 * empty file an interrupted create left); the calling thread in and
 * out; sysctls that stay in their namespace; sockets and programs that
 * start inside one.  Namespaces are "mcut-<pid>-..."; every test removes
 * its own, and the first removes those of interrupted runs.
 */
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <limits.h>

#include <linux/sockios.h>

#include "net_test.h"

#include "mc_cleanup.h"

#define LONG_NS		"mcut-0123456789012345678901234567890123456789" \
			"0123456789012345678"	/* 64 characters */

/* The inode of a namespace file: equal inodes, same namespace. */
static ino_t
ns_ino(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_ino;
}

static ino_t
fd_ino(int fd)
{
	struct stat st;

	assert_int_equal(fstat(fd, &st), 0);
	return st.st_ino;
}

static int
setup(void **state)
{
	(void)state;
	nt_sweep(false);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	nt_sweep(true);
	return 0;
}

static void
test_name_check(void **state)
{
	static const struct {
		enum net_name_kind	 kind;
		const char		*name;
		bool			 ok;
	} cases[] = {
		{ NET_NAME_LINK, "eth0", true },
		{ NET_NAME_LINK, "a.b-c_d", true },
		{ NET_NAME_LINK, "0123456789abcde", true },	/* 15 */
		{ NET_NAME_LINK, "0123456789abcdef", false },	/* 16 */
		{ NET_NAME_LINK, "", false },
		{ NET_NAME_LINK, NULL, false },
		{ NET_NAME_LINK, ".", false },
		{ NET_NAME_LINK, "..", false },
		{ NET_NAME_LINK, "a/b", false },
		{ NET_NAME_LINK, "a b", false },
		{ NET_NAME_LINK, "a:b", false },
		{ NET_NAME_LINK, "t\xc3\xa9", false },
		{ NET_NAME_NS, "mcut-1-a", true },
		{ NET_NAME_NS, LONG_NS, false },
		{ NET_NAME_NS, "../etc", false },
		{ NET_NAME_NS, "a\nb", false },
		{ NET_NAME_NFT, "mc_nat-1", true },
		{ NET_NAME_NFT, "1abc", false },
		{ NET_NAME_NFT, "a.b", false },
		{ NET_NAME_NFT, "a;b", false },
		{ NET_NAME_NFT, "a\"b", false },
	};
	size_t i;

	(void)state;
	for (i = 0; i < MC_NELEMS(cases); i++) {
		struct mc_err	err = { 0 };
		int		rc;

		rc = net_name_check(cases[i].kind, cases[i].name, &err);
		if (rc != (cases[i].ok ? 0 : -1))
			fail_msg("case %zu: rc %d", i, rc);
		assert_int_equal(err.code, cases[i].ok ? MC_EC_NONE :
		    MC_EC_INVALID_PARAMETER_VALUE);
	}
}

/* Bad names and keys never reach the kernel. */
static void
test_bad_input(void **state)
{
	static const char *const bad_ns[] = { LONG_NS, "", "a/b", "..", NULL };
	static const char *const bad_keys[] = {
		"kernel/hostname", "net/../kernel/hostname", "net//ipv4",
		"net/ipv4/", "net/ipv4/./ip_forward", "net/ip v4", "/net/ipv4",
		"net", NULL,
		"net/ipv4/conf/0123456789012345678901234567890123456789"
		"0123456789012345678901234567890123456789012345678901234567890"
		"0123456789012345678901234567890123456789/x",	/* 158 */
	};
	static const char *const bad_values[] = { "1\n", "a\tb", NULL,
		"0123456789012345678901234567890123456789"
		"012345678901234567890123",		/* 64 characters */
	};
	const char	*argv0[] = { NULL };
	struct mc_err	 e = { 0 };
	char		 buf[64], ns[NET_NAME_NS_MAX];
	size_t		 i;
	int		 fd = -1, prev = -2;
	pid_t		 pid = 0;

	(void)state;
	/* Were a check to let a key through, it would land in a scratch
	 * namespace, not the host's. */
	nt_ns(ns, "b");
	NT_OK(net_ns_create(ns, &e), e);
	for (i = 0; i < MC_NELEMS(bad_ns); i++) {
		struct mc_err err[5];

		memset(err, 0, sizeof(err));
		assert_int_equal(net_ns_create(bad_ns[i], &err[0]), -1);
		assert_int_equal(net_ns_delete(bad_ns[i], &err[1]), -1);
		if (bad_ns[i] != NULL) {	/* NULL means "this thread's" */
			assert_int_equal(net_ns_open(bad_ns[i], &fd, &err[2]),
			    -1);
			assert_int_equal(net_ns_enter(bad_ns[i], &prev,
			    &err[3]), -1);
			assert_int_equal(net_ns_socket(bad_ns[i], AF_INET,
			    SOCK_DGRAM, 0, &fd, &err[4]), -1);
		}
		assert_int_equal(err[0].code, MC_EC_INVALID_PARAMETER_VALUE);
		assert_int_equal(err[1].code, MC_EC_INVALID_PARAMETER_VALUE);
	}
	for (i = 0; i < MC_NELEMS(bad_keys); i++) {
		struct mc_err err = { 0 };

		assert_int_equal(net_ns_sysctl_set(ns, bad_keys[i], "1",
		    &err), -1);
		assert_int_equal(err.code, MC_EC_INVALID_PARAMETER_VALUE);
		assert_int_equal(net_ns_sysctl_get(ns, bad_keys[i], buf,
		    sizeof(buf), NULL), -1);
	}
	for (i = 0; i < MC_NELEMS(bad_values); i++) {
		struct mc_err err = { 0 };

		assert_int_equal(net_ns_sysctl_set(ns, "net/ipv4/ip_forward",
		    bad_values[i], &err), -1);
		assert_int_equal(err.code, MC_EC_INVALID_PARAMETER_VALUE);
	}
	assert_int_equal(net_ns_spawn(NULL, NULL, -1, &pid, NULL), -1);
	assert_int_equal(net_ns_spawn(NULL, argv0, -1, &pid, NULL), -1);
	/* Nothing was handed back. */
	assert_int_equal(fd, -1);
	assert_int_equal(prev, -2);
	assert_int_equal(pid, 0);
}

/* Absent namespaces: an error to open or enter, fine to delete. */
static void
test_absent(void **state)
{
	struct mc_err	err = { 0 };
	char		ns[NET_NAME_NS_MAX], buf[16];
	int		fd = -1;

	(void)state;
	nt_ns(ns, "absent");
	assert_int_equal(net_ns_open(ns, &fd, &err), -1);
	assert_int_equal(err.sys_errno, ENOENT);
	assert_true(strstr(err.msg, "no network namespace mcut-") != NULL);
	assert_int_equal(net_ns_enter(ns, &fd, NULL), -1);
	assert_int_equal(net_ns_sysctl_get(ns, "net/ipv4/ip_forward", buf,
	    sizeof(buf), NULL), -1);
	assert_int_equal(net_ns_socket(ns, AF_INET, SOCK_DGRAM, 0, &fd, NULL),
	    -1);
	assert_int_equal(fd, -1);
	memset(&err, 0, sizeof(err));
	assert_int_equal(net_ns_delete(ns, &err), 0);
}

static bool
listed(const char *prefix, const char *name)
{
	struct net_name_list	names = { 0 };
	struct mc_err		err = { 0 };
	bool			found = false;
	size_t			i;

	NT_OK(net_ns_list(prefix, &names, &err), err);
	for (i = 0; i < names.n; i++) {
		assert_int_equal(strncmp(names.v[i], prefix, strlen(prefix)),
		    0);
		found = found || strcmp(names.v[i], name) == 0;
	}
	net_name_list_clear(&names);
	return found;
}

static void
test_create_delete(void **state)
{
	MC_AUTOCLOSE int	fd = -1;
	struct mc_err		err = { 0 };
	char			ns[NET_NAME_NS_MAX], path[PATH_MAX];
	char			prefix[NET_NAME_NS_MAX];
	ino_t			ino;

	(void)state;
	nt_ns(ns, "a");
	nt_ns(prefix, "");
	(void)snprintf(path, sizeof(path), "%s/%s", NET_NS_DIR, ns);
	NT_OK(net_ns_create(ns, &err), err);
	ino = ns_ino(path);
	assert_int_not_equal(ino, ns_ino("/proc/thread-self/ns/net"));
	/* Again: the same namespace, kept. */
	NT_OK(net_ns_create(ns, &err), err);
	assert_int_equal(ns_ino(path), ino);
	assert_true(listed(prefix, ns));
	assert_false(listed("mcut-nomatch-", ns));
	NT_OK(net_ns_open(ns, &fd, &err), err);
	assert_int_equal(fd_ino(fd), ino);
	/* Our namespace is one `ip netns` knows. */
	{
		char cmd[128];

		(void)snprintf(cmd, sizeof(cmd),
		    "ip netns list | grep -qx '%s\\( (id: [0-9]*)\\)\\?'", ns);
		assert_int_equal(system(cmd), 0);
	}
	NT_OK(net_ns_delete(ns, &err), err);
	assert_false(listed(prefix, ns));
	assert_int_equal(access(path, F_OK), -1);
	NT_OK(net_ns_delete(ns, &err), err);
	/* The fd still holds the namespace, which is simply unnamed now. */
	assert_int_equal(fd_ino(fd), ino);
}

/* An empty file where a namespace should be: refused, then reused. */
static void
test_leftover_file(void **state)
{
	struct mc_err	err = { 0 };
	char		ns[NET_NAME_NS_MAX], path[PATH_MAX];
	int		fd = -1;

	(void)state;
	nt_ns(ns, "left");
	(void)snprintf(path, sizeof(path), "%s/%s", NET_NS_DIR, ns);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
	assert_true(fd >= 0);
	(void)close(fd);
	fd = -1;
	assert_int_equal(net_ns_open(ns, &fd, &err), -1);
	assert_true(strstr(err.msg, "is not a network namespace") != NULL);
	assert_true(listed(ns, ns));
	memset(&err, 0, sizeof(err));
	NT_OK(net_ns_create(ns, &err), err);
	NT_OK(net_ns_open(ns, &fd, &err), err);
	(void)close(fd);
}

static void
test_enter_leave(void **state)
{
	struct mc_err	err = { 0 };
	char		ns[NET_NAME_NS_MAX], path[PATH_MAX];
	ino_t		home;
	int		prev = -2;

	(void)state;
	nt_ns(ns, "e");
	(void)snprintf(path, sizeof(path), "%s/%s", NET_NS_DIR, ns);
	NT_OK(net_ns_create(ns, &err), err);
	home = ns_ino("/proc/thread-self/ns/net");
	NT_OK(net_ns_enter(ns, &prev, &err), err);
	assert_true(prev >= 0);
	assert_int_equal(ns_ino("/proc/thread-self/ns/net"), ns_ino(path));
	NT_OK(net_ns_leave(prev, &err), err);
	assert_int_equal(ns_ino("/proc/thread-self/ns/net"), home);
	/* NULL: stay, and nothing to go back to. */
	NT_OK(net_ns_enter(NULL, &prev, &err), err);
	assert_int_equal(prev, -1);
	NT_OK(net_ns_leave(prev, &err), err);
	assert_int_equal(ns_ino("/proc/thread-self/ns/net"), home);
}

/* A sysctl set in a namespace is that namespace's alone. */
static void
test_sysctl(void **state)
{
	struct mc_err	err = { 0 };
	char		ns[NET_NAME_NS_MAX], before[16], v[16], key[128];

	(void)state;
	nt_ns(ns, "s");
	NT_OK(net_ns_create(ns, &err), err);
	NT_OK(net_ns_sysctl_get(NULL, "net/ipv4/ip_forward", before,
	    sizeof(before), &err), err);
	/* A new namespace may inherit the host's value: flip it both ways. */
	NT_OK(net_ns_sysctl_set(ns, "net/ipv4/ip_forward", "0", &err), err);
	NT_OK(net_ns_sysctl_get(ns, "net/ipv4/ip_forward", v, sizeof(v), &err),
	    err);
	assert_string_equal(v, "0");
	NT_OK(net_ns_sysctl_set(ns, "net/ipv4/ip_forward", "1", &err), err);
	NT_OK(net_ns_sysctl_get(ns, "net/ipv4/ip_forward", v, sizeof(v), &err),
	    err);
	assert_string_equal(v, "1");
	NT_OK(net_ns_sysctl_get(NULL, "net/ipv4/ip_forward", v, sizeof(v),
	    &err), err);
	assert_string_equal(v, before);
	NT_OK(net_ns_sysctl_set(ns, "net/ipv4/conf/all/rp_filter", "2", &err),
	    err);
	NT_OK(net_ns_sysctl_set(ns, "net/ipv4/tcp_fwmark_accept", "1", &err),
	    err);
	NT_OK(net_ns_sysctl_set(ns, "net/ipv4/conf/lo/proxy_arp", "1", &err),
	    err);
	NT_OK(net_ns_sysctl_get(ns, "net/ipv4/conf/lo/proxy_arp", v, sizeof(v),
	    &err), err);
	assert_string_equal(v, "1");
	/* Too small a buffer, a missing key, a value the kernel refuses. */
	assert_int_equal(net_ns_sysctl_get(ns, "net/ipv4/ip_forward", v, 1,
	    NULL), -1);
	(void)snprintf(key, sizeof(key), "net/ipv4/conf/nosuchlink/proxy_arp");
	assert_int_equal(net_ns_sysctl_set(ns, key, "1", &err), -1);
	{
		char want[256];

		(void)snprintf(want, sizeof(want), "no sysctl %s in %s", key,
		    ns);
		assert_string_equal(err.msg, want);
	}
	memset(&err, 0, sizeof(err));
	assert_int_equal(net_ns_sysctl_set(ns, "net/ipv4/ip_forward", "x",
	    &err), -1);
	assert_true(strstr(err.msg, "Invalid argument") != NULL);
}

/* A socket made in a namespace belongs to it (SIOCGSKNS says which). */
static void
test_socket(void **state)
{
	MC_AUTOCLOSE int	sock = -1;
	MC_AUTOCLOSE int	nsfd = -1;
	struct mc_err		err = { 0 };
	char			ns[NET_NAME_NS_MAX], path[PATH_MAX];

	(void)state;
	nt_ns(ns, "k");
	(void)snprintf(path, sizeof(path), "%s/%s", NET_NS_DIR, ns);
	NT_OK(net_ns_create(ns, &err), err);
	NT_OK(net_ns_socket(ns, AF_INET, SOCK_STREAM, 0, &sock, &err), err);
	assert_true((fcntl(sock, F_GETFD) & FD_CLOEXEC) != 0);
	nsfd = ioctl(sock, SIOCGSKNS);
	assert_true(nsfd >= 0);
	assert_int_equal(fd_ino(nsfd), ns_ino(path));
	/* And the thread is back home. */
	assert_int_not_equal(ns_ino("/proc/thread-self/ns/net"), ns_ino(path));
}

static int
reap(pid_t pid)
{
	int status;

	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* A program started in a namespace runs there, its output on our fd. */
static void
test_spawn(void **state)
{
	const char	*argv[] = { "sh", "-c",
	    "readlink /proc/self/ns/net; echo oops >&2; exit 3", NULL };
	const char	*missing[] = { "/nonexistent/prog", NULL };
	struct mc_err	err = { 0 };
	char		ns[NET_NAME_NS_MAX], path[PATH_MAX], want[64], out[128];
	int		p[2];
	pid_t		pid = 0;
	ssize_t		n;
	size_t		len;

	(void)state;
	nt_ns(ns, "p");
	(void)snprintf(path, sizeof(path), "%s/%s", NET_NS_DIR, ns);
	NT_OK(net_ns_create(ns, &err), err);
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	NT_OK(net_ns_spawn(ns, argv, p[1], &pid, &err), err);
	(void)close(p[1]);
	/* Read to EOF: the program's two writes may come apart. */
	for (len = 0; (n = read(p[0], out + len, sizeof(out) - 1 - len)) > 0;)
		len += (size_t)n;
	(void)close(p[0]);
	out[len] = '\0';
	(void)snprintf(want, sizeof(want), "net:[%lu]\noops\n",
	    (unsigned long)ns_ino(path));
	assert_string_equal(out, want);
	assert_int_equal(reap(pid), 3);
	assert_int_equal(net_ns_spawn(ns, missing, -1, &pid, &err), -1);
	assert_true(strstr(err.msg, "cannot run /nonexistent/prog in mcut-")
	    != NULL);
	assert_int_equal(err.sys_errno, ENOENT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_check),
		cmocka_unit_test_setup_teardown(test_bad_input, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_absent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_delete, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_leftover_file, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_enter_leave, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_sysctl, setup, teardown),
		cmocka_unit_test_setup_teardown(test_socket, setup, teardown),
		cmocka_unit_test_setup_teardown(test_spawn, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

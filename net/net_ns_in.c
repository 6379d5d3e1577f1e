/*
 * net_ns: doing things inside a namespace: sysctls, sockets, programs.
 * Each moves the calling thread in and straight back (enter ... leave),
 * because sockets, /proc/sys/net files and children belong to the
 * namespace of the thread that makes or opens them.
 */
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "mc_cleanup.h"
#include "mc_err.h"
#include "net_ns.h"

#define SYSCTL_DIR	"/proc/sys/"

extern char **environ;

/* True when key[0..n) is "." or "..": a path step we refuse. */
static bool
is_dot_step(const char *s, size_t n)
{
	return (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.');
}

/*
 * A sysctl key is a relative path under /proc/sys/net: words of letters,
 * digits, '_', '-', '.' joined by single slashes, none of them . or ..
 */
static int
sysctl_check(const char *key, struct mc_err *err)
{
	const char	*p;
	size_t		 n;

	if (key == NULL || strncmp(key, "net/", 4) != 0 ||
	    strnlen(key, NET_NS_SYSCTL_MAX) >= NET_NS_SYSCTL_MAX)
		goto bad;
	for (p = key; *p != '\0'; p += n + (p[n] == '/')) {
		n = strspn(p, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.");
		if (n == 0 || (p[n] != '/' && p[n] != '\0') ||
		    is_dot_step(p, n) || (p[n] == '/' && p[n + 1] == '\0'))
			goto bad;
	}
	return 0;
bad:
	return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
	    "invalid sysctl key \"%.64s\" (want net/...)", key ? key : "");
}

static int
sysctl_value_check(const char *value, struct mc_err *err)
{
	size_t i;

	for (i = 0; value[i] != '\0'; i++)
		if (i + 1 >= NET_NS_SYSCTL_VALUE_MAX ||
		    value[i] < 0x20 || value[i] > 0x7e)
			return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
			    "invalid sysctl value");
	return 0;
}

/* Open /proc/sys/key inside ns: the file keeps that namespace. */
static int
sysctl_open(const char *ns, const char *key, int flags, int *ret_fd,
    struct mc_err *err)
{
	char	path[sizeof(SYSCTL_DIR) + NET_NS_SYSCTL_MAX];
	int	prev, fd, errnum;

	if (sysctl_check(key, err) < 0 || net_ns_enter(ns, &prev, err) < 0)
		return -1;
	(void)snprintf(path, sizeof(path), "%s%s", SYSCTL_DIR, key);
	fd = open(path, flags | O_CLOEXEC);
	errnum = errno;
	if (net_ns_leave(prev, err) < 0) {
		if (fd >= 0)
			(void)close(fd);
		return -1;
	}
	if (fd < 0 && errnum == ENOENT)
		return mc_err_sys(err, errnum, "no sysctl %s in %s", key,
		    net_ns_label(ns));
	if (fd < 0)
		return mc_err_sys(err, errnum, "cannot open sysctl %s in %s: "
		    "%s", key, net_ns_label(ns), strerror(errnum));
	*ret_fd = fd;
	return 0;
}

int
net_ns_sysctl_set(const char *ns, const char *key, const char *value,
    struct mc_err *err)
{
	MC_AUTOCLOSE int	fd = -1;
	size_t			n;

	if (value == NULL)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "no sysctl value");
	if (sysctl_value_check(value, err) < 0)
		return -1;
	if (sysctl_open(ns, key, O_WRONLY, &fd, err) < 0)
		return -1;
	n = strlen(value);
	if (write(fd, value, n) != (ssize_t)n)
		return mc_err_sys(err, errno, "cannot set %s=%s in %s: %s",
		    key, value, net_ns_label(ns), strerror(errno));
	return 0;
}

int
net_ns_sysctl_get(const char *ns, const char *key, char *buf, size_t bufsz,
    struct mc_err *err)
{
	MC_AUTOCLOSE int	fd = -1;
	char			tmp[NET_NS_SYSCTL_VALUE_MAX];
	ssize_t			n;

	if (sysctl_open(ns, key, O_RDONLY, &fd, err) < 0)
		return -1;
	n = read(fd, tmp, sizeof(tmp));
	if (n < 0)
		return mc_err_sys(err, errno, "cannot read sysctl %s in %s: %s",
		    key, net_ns_label(ns), strerror(errno));
	while (n > 0 && tmp[n - 1] == '\n')
		n--;
	if ((size_t)n >= bufsz || (size_t)n == sizeof(tmp))
		return mc_err_sys(err, ENOBUFS, "sysctl %s in %s is too long",
		    key, net_ns_label(ns));
	memcpy(buf, tmp, (size_t)n);
	buf[n] = '\0';
	return 0;
}

int
net_ns_socket(const char *ns, int domain, int type, int protocol,
    int *ret_fd, struct mc_err *err)
{
	int prev, fd, errnum;

	if (net_ns_enter(ns, &prev, err) < 0)
		return -1;
	fd = socket(domain, type | SOCK_CLOEXEC, protocol);
	errnum = errno;
	if (net_ns_leave(prev, err) < 0) {
		if (fd >= 0)
			(void)close(fd);
		return -1;
	}
	if (fd < 0)
		return mc_err_sys(err, errnum, "cannot make a socket in %s: %s",
		    net_ns_label(ns), strerror(errnum));
	*ret_fd = fd;
	return 0;
}

/* posix_spawn's settings for a child that shares nothing odd with us. */
static int
spawn_setup(posix_spawn_file_actions_t *fa, posix_spawnattr_t *attr,
    int out_fd)
{
	sigset_t	none, all;
	int		rc;

	(void)sigemptyset(&none);
	(void)sigfillset(&all);
	rc = posix_spawn_file_actions_addopen(fa, 0, "/dev/null", O_RDONLY, 0);
	if (rc == 0 && out_fd < 0)
		rc = posix_spawn_file_actions_addopen(fa, 1, "/dev/null",
		    O_WRONLY, 0);
	else if (rc == 0)
		rc = posix_spawn_file_actions_adddup2(fa, out_fd, 1);
	if (rc == 0)
		rc = posix_spawn_file_actions_adddup2(fa, 1, 2);
	/* The agent blocks signals for its main loop: the child must not. */
	if (rc == 0)
		rc = posix_spawnattr_setsigmask(attr, &none);
	if (rc == 0)
		rc = posix_spawnattr_setsigdefault(attr, &all);
	if (rc == 0)
		rc = posix_spawnattr_setflags(attr,
		    POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	return rc;
}

/* Start the child from inside ns: it gets this thread's namespaces. */
static int
spawn_in(const char *ns, const char *const argv[],
    const posix_spawn_file_actions_t *fa, const posix_spawnattr_t *attr,
    pid_t *ret_pid, struct mc_err *err)
{
	pid_t	pid;
	int	prev, rc;

	if (net_ns_enter(ns, &prev, err) < 0)
		return -1;
	rc = posix_spawnp(&pid, argv[0], fa, attr, (char *const *)argv,
	    environ);
	if (net_ns_leave(prev, err) < 0) {
		if (rc == 0) {
			(void)kill(pid, SIGKILL);
			(void)waitpid(pid, NULL, 0);
		}
		return -1;
	}
	if (rc != 0)
		return mc_err_sys(err, rc, "cannot run %s in %s: %s", argv[0],
		    net_ns_label(ns), strerror(rc));
	*ret_pid = pid;
	return 0;
}

/* posix_spawn, not fork: the agent is threaded. */
int
net_ns_spawn(const char *ns, const char *const argv[], int out_fd,
    pid_t *ret_pid, struct mc_err *err)
{
	posix_spawn_file_actions_t	fa;
	posix_spawnattr_t		attr;
	int				rc;

	if (argv == NULL || argv[0] == NULL || argv[0][0] == '\0')
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "no program to run");
	if ((rc = posix_spawn_file_actions_init(&fa)) != 0)
		return mc_err_sys(err, rc, "cannot start %s", argv[0]);
	if ((rc = posix_spawnattr_init(&attr)) != 0) {
		(void)posix_spawn_file_actions_destroy(&fa);
		return mc_err_sys(err, rc, "cannot start %s", argv[0]);
	}
	rc = spawn_setup(&fa, &attr, out_fd);
	if (rc != 0)
		rc = mc_err_sys(err, rc, "cannot start %s", argv[0]);
	else
		rc = spawn_in(ns, argv, &fa, &attr, ret_pid, err);
	(void)posix_spawnattr_destroy(&attr);
	(void)posix_spawn_file_actions_destroy(&fa);
	return rc;
}

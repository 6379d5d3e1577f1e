/*
 * net_ns: named network namespaces kept the way iproute2 keeps them (a
 * namespace bind-mounted on /run/netns/NAME, so `ip netns` sees ours and
 * we see its), and doing things inside one: moving the calling thread
 * in and back, making a socket, setting a sysctl, starting a program.
 * It does not configure what is inside (net_nl, net_nft do).
 *
 * Wherever a namespace name may be NULL, NULL means the namespace the
 * calling thread is in at the time of the call (for the agent's main
 * thread: the host's root namespace).
 */
#ifndef NET_NS_H
#define NET_NS_H

#include <sys/types.h>

#include <stddef.h>

struct mc_err;
struct net_name_list;

#define NET_NS_DIR		"/run/netns"
#define NET_NS_SYSCTL_MAX	128	/* bytes of a sysctl key with its NUL */
#define NET_NS_SYSCTL_VALUE_MAX	64	/* bytes of a value with its NUL */

/* For messages: ns, or "the current namespace" when ns is NULL. */
const char	*net_ns_label(const char *ns);

/*
 * Create the namespace name (a new, empty network namespace with only
 * a down "lo") and pin it at NET_NS_DIR/name, making NET_NS_DIR a shared
 * mount point first as iproute2 does.  The calling thread's namespace is
 * not changed (the namespace is made on a short-lived thread).
 * Idempotent: an existing namespace of that name is kept as it is, and
 * an empty file left there by an interrupted create is reused.  Not safe
 * against a concurrent create of the same name.  Returns 0, or -1 with
 * err set.
 */
int	net_ns_create(const char *name, struct mc_err *err);

/*
 * Unpin the namespace name: unmount and unlink NET_NS_DIR/name.  Absent
 * is fine.  The namespace itself goes away (and with it its links,
 * routes, nft tables) once no process and no open fd or socket holds it
 * any more: kill what net_ns_spawn started in it first.  Returns 0, or
 * -1 with err set.
 */
int	net_ns_delete(const char *name, struct mc_err *err);

/*
 * Open the namespace name (NULL: the calling thread's) read-only,
 * O_CLOEXEC, for setns() or IFLA_NET_NS_FD.  Fails for an absent name
 * and for a file there that is not a network namespace.  Returns 0 and
 * *ret_fd (the caller closes it), or -1 with err set.
 */
int	net_ns_open(const char *name, int *ret_fd, struct mc_err *err);

/*
 * Append to *ret_names (an empty or existing list the caller owns and
 * clears) the names in NET_NS_DIR that start with prefix (borrowed; ""
 * for all), including leftovers that are not namespaces, so that they
 * can be deleted.  Returns 0, or -1 with err set (*ret_names may then
 * hold some names).
 */
int	net_ns_list(const char *prefix, struct net_name_list *ret_names,
	    struct mc_err *err);

/*
 * Move the calling thread (only it: namespaces are per thread) into the
 * namespace name.  *ret_prev receives an fd of the namespace it was in,
 * to hand to net_ns_leave; with name NULL the thread stays and *ret_prev
 * is -1.  Sockets and /proc/sys/net files opened in between belong to
 * the namespace entered, and keep it after leaving.  Returns 0, or -1
 * with err set and the thread where it was.
 */
int	net_ns_enter(const char *name, int *ret_prev, struct mc_err *err);

/*
 * Move the calling thread back to prev (from net_ns_enter; -1: nothing
 * to do) and close prev, also on failure.  A failure leaves the thread
 * in the wrong namespace: the caller should treat it as fatal.  Returns
 * 0, or -1 with err set.
 */
int	net_ns_leave(int prev, struct mc_err *err);

/*
 * Write value to the sysctl key inside namespace ns: key is the path
 * under /proc/sys and must start with "net/" (say
 * "net/ipv4/conf/all/rp_filter"), since other sysctls are the host's,
 * not the namespace's.  value is at most NET_NS_SYSCTL_VALUE_MAX - 1
 * printable characters.  Returns 0, or -1 with err set naming the key.
 */
int	net_ns_sysctl_set(const char *ns, const char *key, const char *value,
	    struct mc_err *err);

/*
 * Read the sysctl key (checked as above) inside namespace ns into buf
 * (bufsz bytes), without its trailing newline.  Returns 0, or -1 with
 * err set (also when the value does not fit).
 */
int	net_ns_sysctl_get(const char *ns, const char *key, char *buf,
	    size_t bufsz, struct mc_err *err);

/*
 * socket(domain, type | SOCK_CLOEXEC, protocol) made inside namespace
 * ns: it stays there for its whole life (bind, listen, connect all act
 * in ns), whichever thread uses it later.  Returns 0 and *ret_fd (the
 * caller closes it), or -1 with err set.
 */
int	net_ns_socket(const char *ns, int domain, int type, int protocol,
	    int *ret_fd, struct mc_err *err);

/*
 * Start argv[0] (looked up in PATH; argv borrowed, NULL-terminated)
 * inside namespace ns, with stdin from /dev/null, stdout and stderr on
 * out_fd (borrowed; -1: /dev/null), an empty signal mask and default
 * signal dispositions.  Returns 0 and *ret_pid once the program runs
 * (an exec failure is an error here); the caller reaps it.  -1 with err
 * set otherwise.
 */
int	net_ns_spawn(const char *ns, const char *const argv[], int out_fd,
	    pid_t *ret_pid, struct mc_err *err);

#endif /* NET_NS_H */

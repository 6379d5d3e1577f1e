/*
 * net_ns: named network namespaces with unshare(2), setns(2) and bind
 * mounts, never by running `ip`, and moving the calling thread in and
 * out.  Sysctls, sockets and programs inside one are in net_ns_in.c.
 */
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <linux/nsfs.h>

#include "mc_cleanup.h"
#include "mc_err.h"
#include "net_name.h"
#include "net_ns.h"

#define SELF_NS		"/proc/thread-self/ns/net"
#define UMOUNT_MAX	8	/* stacked mounts we undo on one name */

static void
ns_path(const char *name, char buf[PATH_MAX])
{
	/* A checked name is short: this cannot truncate. */
	(void)snprintf(buf, PATH_MAX, "%s/%s", NET_NS_DIR, name);
}

/* True when fd is a network namespace (and not, say, an empty file). */
static bool
fd_is_netns(int fd)
{
	return ioctl(fd, NS_GET_NSTYPE) == CLONE_NEWNET;
}

static bool
path_is_netns(const char *path)
{
	MC_AUTOCLOSE int fd = open(path, O_RDONLY | O_CLOEXEC);

	return fd >= 0 && fd_is_netns(fd);
}

/*
 * Make NET_NS_DIR exist and be a shared mount point, as iproute2 does:
 * a namespace pinned there then shows in every mount namespace that
 * shares it (one made by `ip netns exec`, say), and so does its unmount.
 */
static int
dir_prepare(struct mc_err *err)
{
	if (mkdir(NET_NS_DIR, 0755) < 0 && errno != EEXIST)
		goto fail;
	if (mount("", NET_NS_DIR, "none", MS_SHARED | MS_REC, NULL) == 0)
		return 0;
	if (errno != EINVAL)
		goto fail;
	/* Not a mount point yet: bind it onto itself, then share it. */
	if (mount(NET_NS_DIR, NET_NS_DIR, "none", MS_BIND | MS_REC, NULL) < 0 ||
	    mount("", NET_NS_DIR, "none", MS_SHARED | MS_REC, NULL) < 0)
		goto fail;
	return 0;
fail:
	return mc_err_sys(err, errno, "cannot prepare %s: %s", NET_NS_DIR,
	    strerror(errno));
}

/* What the pinning thread did. */
struct pin_job {
	const char	*path;
	const char	*step;		/* the step that failed, or NULL */
	int		 errnum;
};

/*
 * Runs on its own thread so that the caller's thread never changes
 * namespace: unshare moves this thread into a new namespace, the bind
 * mount pins it, and the thread then ends.
 */
static void *
pin_thread(void *arg)
{
	struct pin_job *job = arg;

	if (unshare(CLONE_NEWNET) < 0)
		job->step = "unshare";
	else if (mount(SELF_NS, job->path, "none", MS_BIND, NULL) < 0)
		job->step = "mount";
	if (job->step != NULL)
		job->errnum = errno;
	return NULL;
}

static int
pin(const char *name, const char *path, struct mc_err *err)
{
	struct pin_job	job = { .path = path };
	pthread_t	t;
	int		rc;

	rc = pthread_create(&t, NULL, pin_thread, &job);
	if (rc != 0)
		return mc_err_sys(err, rc, "cannot create network namespace "
		    "%s: %s", name, strerror(rc));
	(void)pthread_join(t, NULL);
	if (job.step != NULL)
		return mc_err_sys(err, job.errnum, "cannot create network "
		    "namespace %s: %s: %s", name, job.step,
		    strerror(job.errnum));
	return 0;
}

const char *
net_ns_label(const char *ns)
{
	return ns != NULL ? ns : "the current namespace";
}

int
net_ns_create(const char *name, struct mc_err *err)
{
	char	path[PATH_MAX];
	int	fd;

	if (net_name_check(NET_NAME_NS, name, err) < 0 ||
	    dir_prepare(err) < 0)
		return -1;
	ns_path(name, path);
	if (path_is_netns(path))
		return 0;
	/* No O_EXCL: an empty file there is what an interrupted create left. */
	fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC, 0);
	if (fd < 0)
		return mc_err_sys(err, errno, "cannot create network namespace "
		    "%s: %s", name, strerror(errno));
	(void)close(fd);
	if (pin(name, path, err) < 0) {
		(void)unlink(path);
		return -1;
	}
	return 0;
}

int
net_ns_delete(const char *name, struct mc_err *err)
{
	char	path[PATH_MAX];
	int	i;

	if (net_name_check(NET_NAME_NS, name, err) < 0)
		return -1;
	ns_path(name, path);
	/* Undo every mount stacked there; EINVAL: no (more) mount. */
	for (i = 0; i < UMOUNT_MAX; i++)
		if (umount2(path, MNT_DETACH) < 0)
			break;
	if (i == UMOUNT_MAX || (errno != EINVAL && errno != ENOENT))
		return mc_err_sys(err, errno, "cannot unmount network "
		    "namespace %s: %s", name, strerror(errno));
	if (unlink(path) < 0 && errno != ENOENT)
		return mc_err_sys(err, errno, "cannot remove network "
		    "namespace %s: %s", name, strerror(errno));
	return 0;
}

int
net_ns_open(const char *name, int *ret_fd, struct mc_err *err)
{
	MC_AUTOCLOSE int	fd = -1;
	char			path[PATH_MAX];

	if (name == NULL)
		(void)snprintf(path, sizeof(path), "%s", SELF_NS);
	else if (net_name_check(NET_NAME_NS, name, err) < 0)
		return -1;
	else
		ns_path(name, path);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return mc_err_sys(err, errno, "no network namespace %s",
		    net_ns_label(name));
	if (fd < 0)
		return mc_err_sys(err, errno, "cannot open network namespace "
		    "%s: %s", net_ns_label(name), strerror(errno));
	if (!fd_is_netns(fd))
		return mc_err_sys(err, EINVAL, "%s is not a network namespace "
		    "(left by an interrupted create?)", name);
	*ret_fd = mc_steal_fd(&fd);
	return 0;
}

int
net_ns_list(const char *prefix, struct net_name_list *ret_names,
    struct mc_err *err)
{
	DIR		*d;
	struct dirent	*de;
	size_t		 plen = strlen(prefix);
	int		 rc = 0;

	d = opendir(NET_NS_DIR);
	if (d == NULL && errno == ENOENT)
		return 0;	/* no namespace was ever named here */
	if (d == NULL)
		return mc_err_sys(err, errno, "cannot list %s: %s",
		    NET_NS_DIR, strerror(errno));
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0 ||
		    strncmp(de->d_name, prefix, plen) != 0)
			continue;
		rc = net_name_list_add(ret_names, de->d_name, err);
	}
	(void)closedir(d);
	net_name_list_sort(ret_names);
	return rc;
}

int
net_ns_enter(const char *name, int *ret_prev, struct mc_err *err)
{
	MC_AUTOCLOSE int	prev = -1;
	MC_AUTOCLOSE int	fd = -1;

	if (name == NULL) {
		*ret_prev = -1;
		return 0;
	}
	if (net_ns_open(name, &fd, err) < 0)
		return -1;
	prev = open(SELF_NS, O_RDONLY | O_CLOEXEC);
	if (prev < 0)
		return mc_err_sys(err, errno, "cannot open the current "
		    "network namespace: %s", strerror(errno));
	if (setns(fd, CLONE_NEWNET) < 0)
		return mc_err_sys(err, errno, "cannot enter network namespace "
		    "%s: %s", name, strerror(errno));
	*ret_prev = mc_steal_fd(&prev);
	return 0;
}

int
net_ns_leave(int prev, struct mc_err *err)
{
	MC_AUTOCLOSE int fd = prev;

	if (fd >= 0 && setns(fd, CLONE_NEWNET) < 0)
		return mc_err_sys(err, errno, "cannot return to the previous "
		    "network namespace: %s", strerror(errno));
	return 0;
}


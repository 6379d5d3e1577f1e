/*
 * st_dir: the "dir" back end.  Volume vol-X is the file DIR/vol-X.qcow2
 * or DIR/vol-X.raw, made by qemu-img (run without a shell, on absolute
 * paths only).  DIR may be shared by the hosts of a zone (NFS, the same
 * path on each): a volume is built under a hidden temporary name made
 * with O_EXCL and published with link(2), which, unlike rename(2), never
 * replaces what another host published first; only names made from
 * checked volume ids are ever removed.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mc_cleanup.h"
#include "mc_err.h"
#include "mc_id.h"
#include "ami_exec.h"
#include "st_priv.h"

#define QEMU_IMG	"qemu-img"
#define STDERR_CAP	4096		/* qemu-img complaints kept */
#define GIB		(1ULL << 30)
#define SIZE_LEN	24		/* a uint64_t in decimal and a NUL */
#define TMP_SUFFIX	".XXXXXX"	/* mkostemps' part of a temp name */

struct dir_pool {
	char	dir[PATH_MAX];
	int	timeout_ms;
};

static int
dir_open(const struct st_pool_conf *conf, void **ret_be, struct mc_err *err)
{
	MC_AUTOFREE struct dir_pool	*d = NULL;
	const char			*dir = conf->dir;
	struct stat			 st;

	if (dir == NULL || dir[0] != '/' || strlen(dir) > PATH_MAX / 2)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "the volume directory must be absolute");
	if (stat(dir, &st) < 0 || access(dir, W_OK | X_OK) < 0)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "the volume directory %s: %s", dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "the volume directory %s is not a directory", dir);
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return mc_err_sys(err, errno, "out of memory");
	(void)snprintf(d->dir, sizeof(d->dir), "%s", dir);
	d->timeout_ms = conf->timeout_ms > 0 ? conf->timeout_ms :
	    ST_TIMEOUT_MS;
	*ret_be = mc_steal_ptr(&d);
	return 0;
}

static void
dir_free(void *be)
{
	free(be);
}

/* DIR/<id>.<format> into buf (PATH_MAX bytes); the id is checked. */
static void
vol_path(const struct dir_pool *d, const char *id, enum ami_format fmt,
    char *buf)
{
	int n = snprintf(buf, PATH_MAX, "%s/%s.%s", d->dir, id,
	    ami_format_name(fmt));

	/* The directory is at most PATH_MAX / 2 and the rest is short. */
	assert(n > 0 && n < PATH_MAX);
}

/*
 * Which file holds volume id.  Returns 1 with *ret_fmt and path
 * (PATH_MAX bytes) set, 0 when none does, -1 with err set when both do
 * or one is not a regular file.
 */
static int
vol_find(const struct dir_pool *d, const char *id, enum ami_format *ret_fmt,
    char *path, struct mc_err *err)
{
	char		p[PATH_MAX];
	struct stat	st;
	int		f, found = 0;

	for (f = 0; f < AMI_FORMAT__MAX; f++) {
		vol_path(d, id, (enum ami_format)f, p);
		if (lstat(p, &st) < 0) {
			if (errno == ENOENT)
				continue;
			return mc_err_sys(err, errno, "volume %s: cannot "
			    "look at %s: %s", id, p, strerror(errno));
		}
		if (!S_ISREG(st.st_mode) || found++ > 0)
			return mc_err_set(err, MC_EC_INTERNAL_ERROR, "volume "
			    "%s: %s is not its only regular file", id, p);
		*ret_fmt = (enum ami_format)f;
		memcpy(path, p, sizeof(p));
	}
	return found;
}

/* The size the guest sees of the volume file at path, of format fmt. */
static int
file_vsize(const char *path, enum ami_format fmt, uint64_t *ret,
    struct mc_err *err)
{
	struct ami_probe	pr;
	struct stat		st;

	/* Raw is taken as raw: its content is the guest's, not a header. */
	if (fmt == AMI_FORMAT_RAW) {
		if (stat(path, &st) < 0)
			return mc_err_sys(err, errno, "cannot stat %s: %s",
			    path, strerror(errno));
		*ret = (uint64_t)st.st_size;
		return 0;
	}
	if (ami_format_probe(path, &pr, err) < 0)
		return -1;
	if (pr.format != AMI_FORMAT_QCOW2)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "%s is not a qcow2 image", path);
	*ret = pr.virtual_size;
	return 0;
}

/* Grow the file at path to gib GiB when it is smaller; never shrink. */
static int
vol_grow(const struct dir_pool *d, const char *path, enum ami_format fmt,
    uint64_t gib, struct mc_err *err)
{
	char		 size[SIZE_LEN];
	const char	*argv[] = { QEMU_IMG, "resize", "-q", "-f",
			    ami_format_name(fmt), path, size, NULL };
	uint64_t	 now;

	if (file_vsize(path, fmt, &now, err) < 0)
		return -1;
	if (now >= gib * GIB)
		return 0;
	(void)snprintf(size, sizeof(size), "%llu",
	    (unsigned long long)(gib * GIB));
	/* qemu-img takes QEMU's image locks: a volume in use is refused. */
	return ami_exec_ok(argv, d->timeout_ms, STDERR_CAP, NULL, err);
}

/* Fill the (empty) temporary file tmp with v's content at v's size. */
static int
vol_fill(const struct dir_pool *d, const struct st_vol *v, const char *tmp,
    struct mc_err *err)
{
	char		 size[SIZE_LEN];
	const char	*fmt = ami_format_name(v->format);
	const char	*create[] = { QEMU_IMG, "create", "-q", "-f", fmt, tmp,
			    size, NULL };
	const char	*convert[] = { QEMU_IMG, "convert", "-q", "-f",
			    ami_format_name(v->source_format), "-O", fmt,
			    v->source, tmp, NULL };
	uint64_t	 src_size;

	(void)snprintf(size, sizeof(size), "%llu",
	    (unsigned long long)(v->size_gib * GIB));
	if (v->source == NULL)
		return ami_exec_ok(create, d->timeout_ms, STDERR_CAP, NULL,
		    err);
	if (file_vsize(v->source, v->source_format, &src_size, err) < 0)
		return -1;
	if (src_size > v->size_gib * GIB)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "volume %s: %llu GiB is smaller than its snapshot", v->id,
		    (unsigned long long)v->size_gib);
	if (ami_exec_ok(convert, d->timeout_ms, STDERR_CAP, NULL, err) < 0)
		return -1;
	return vol_grow(d, tmp, v->format, v->size_gib, err);
}

static int
fsync_path(const char *path, int flags, struct mc_err *err)
{
	MC_AUTOCLOSE int fd = open(path, flags | O_CLOEXEC);

	if (fd < 0 || fsync(fd) < 0)
		return mc_err_sys(err, errno, "cannot sync %s: %s", path,
		    strerror(errno));
	return 0;
}

/*
 * Give tmp the name final unless final exists (then another host or
 * thread made the volume first: theirs stays).  tmp goes either way.
 */
static int
vol_publish(const struct dir_pool *d, const char *tmp, const char *final,
    struct mc_err *err)
{
	if (fsync_path(tmp, O_RDONLY, err) < 0)
		return -1;
	if (link(tmp, final) < 0 && errno != EEXIST)
		return mc_err_sys(err, errno, "cannot publish %s: %s", final,
		    strerror(errno));
	(void)unlink(tmp);
	return fsync_path(d->dir, O_RDONLY | O_DIRECTORY, err);
}

/* Build volume v under a temporary name and publish it as final. */
static int
vol_build(const struct dir_pool *d, const struct st_vol *v, const char *final,
    struct mc_err *err)
{
	char	tmp[PATH_MAX];
	int	n, fd;

	/* Hidden and not named like a volume: never listed or removed. */
	n = snprintf(tmp, sizeof(tmp), "%s/.%s.%s" TMP_SUFFIX, d->dir, v->id,
	    ami_format_name(v->format));
	assert(n > 0 && (size_t)n < sizeof(tmp));
	if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0)
		return mc_err_sys(err, errno, "volume %s: cannot make a "
		    "temporary file: %s", v->id, strerror(errno));
	(void)close(fd);
	if (vol_fill(d, v, tmp, err) < 0 ||
	    vol_publish(d, tmp, final, err) < 0)
		goto undo_tmp;
	return 0;
undo_tmp:
	(void)unlink(tmp);
	return -1;
}

static int
dir_ensure(void *be, const struct st_vol *v, struct mc_err *err)
{
	const struct dir_pool	*d = be;
	char			 path[PATH_MAX];
	enum ami_format		 fmt;
	int			 rc;

	if ((rc = vol_find(d, v->id, &fmt, path, err)) < 0)
		return -1;
	if (rc == 1 && fmt != v->format)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "volume %s exists as %s, not %s", v->id,
		    ami_format_name(fmt), ami_format_name(v->format));
	if (rc == 0) {
		vol_path(d, v->id, v->format, path);
		if (vol_build(d, v, path, err) < 0)
			return -1;
	}
	return vol_grow(d, path, v->format, v->size_gib, err);
}

/*
 * Does a QEMU hold the file open?  It takes OFD locks on bytes of every
 * image it opens (NFS v4 carries them to the server); a probe for a
 * whole-file write lock meets any of them.
 */
static bool
in_use(const char *path)
{
	MC_AUTOCLOSE int	fd = open(path, O_RDONLY | O_CLOEXEC);
	struct flock		fl = { .l_type = F_WRLCK,
				    .l_whence = SEEK_SET };

	if (fd < 0 || fcntl(fd, F_OFD_GETLK, &fl) < 0)
		return false;
	return fl.l_type != F_UNLCK;
}

static int
dir_remove(void *be, const char *id, struct mc_err *err)
{
	const struct dir_pool	*d = be;
	char			 path[PATH_MAX];
	int			 f;

	for (f = 0; f < AMI_FORMAT__MAX; f++) {
		vol_path(d, id, (enum ami_format)f, path);
		if (in_use(path))
			return mc_err_set(err, MC_EC_VOLUME_IN_USE,
			    "volume %s is in use", id);
		if (unlink(path) < 0 && errno != ENOENT)
			return mc_err_sys(err, errno, "cannot remove %s: %s",
			    path, strerror(errno));
	}
	return 0;
}

/* The volume id a directory entry names, or -1: "<vol id>.<format>". */
static int
entry_id(DIR *dp, const struct dirent *e, struct st_vol_id *ret)
{
	const char	*dot = strrchr(e->d_name, '.');
	enum ami_format	 fmt;
	struct stat	 st;
	size_t		 n;

	if (dot == NULL || ami_format_parse(dot + 1, &fmt) < 0)
		return -1;
	n = (size_t)(dot - e->d_name);
	if (n > ST_VOL_ID_MAX)
		return -1;
	memcpy(ret->id, e->d_name, n);
	ret->id[n] = '\0';
	if (mc_id_check(MC_ID_VOLUME, ret->id, NULL) < 0)
		return -1;
	if (e->d_type == DT_REG)
		return 0;
	if (e->d_type != DT_UNKNOWN || fstatat(dirfd(dp), e->d_name, &st,
	    AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
		return -1;
	return 0;
}

/* Append one to ids (*n used of *cap). */
static int
ids_add(struct st_vol_id **ids, size_t *n, size_t *cap,
    const struct st_vol_id *one, struct mc_err *err)
{
	struct st_vol_id *grown;

	if (*n == ST_LIST_MAX)
		return mc_err_set(err, MC_EC_INTERNAL_ERROR, "the volume "
		    "directory holds more than %d volumes", ST_LIST_MAX);
	if (*n == *cap) {
		grown = reallocarray(*ids, *cap * 2 + 16, sizeof(**ids));
		if (grown == NULL)
			return mc_err_sys(err, errno, "out of memory");
		*ids = grown;
		*cap = *cap * 2 + 16;
	}
	(*ids)[(*n)++] = *one;
	return 0;
}

static int
dir_list(void *be, struct st_vol_id **ret, size_t *ret_n, struct mc_err *err)
{
	const struct dir_pool		*d = be;
	MC_AUTOFREE struct st_vol_id	*ids = NULL;
	DIR				*dp;
	struct dirent			*e;
	struct st_vol_id		 one;
	size_t				 n = 0, cap = 0;
	int				 rc = 0;

	if ((dp = opendir(d->dir)) == NULL)
		return mc_err_sys(err, errno, "cannot read %s: %s", d->dir,
		    strerror(errno));
	while ((errno = 0, e = readdir(dp)) != NULL)
		if (entry_id(dp, e, &one) == 0 &&
		    (rc = ids_add(&ids, &n, &cap, &one, err)) < 0)
			break;
	if (rc == 0 && errno != 0)
		rc = mc_err_sys(err, errno, "cannot read %s: %s", d->dir,
		    strerror(errno));
	(void)closedir(dp);
	if (rc < 0)
		return -1;
	*ret = mc_steal_ptr(&ids);
	*ret_n = n;
	return 0;
}

/* Like vol_find, but a missing volume is InvalidVolume.NotFound. */
static int
vol_get(const struct dir_pool *d, const char *id, enum ami_format *ret_fmt,
    char *path, struct mc_err *err)
{
	int rc = vol_find(d, id, ret_fmt, path, err);

	if (rc == 0)
		return mc_err_set(err, MC_EC_INVALID_VOLUME_NOT_FOUND,
		    "The volume '%s' does not exist.", id);
	return rc < 0 ? -1 : 0;
}

static int
dir_size(void *be, const char *id, uint64_t *ret_bytes, struct mc_err *err)
{
	char		path[PATH_MAX];
	enum ami_format	fmt;

	if (vol_get(be, id, &fmt, path, err) < 0)
		return -1;
	return file_vsize(path, fmt, ret_bytes, err);
}

static int
dir_disk(void *be, const char *id, struct st_disk *ret, struct mc_err *err)
{
	char		path[PATH_MAX];
	enum ami_format	fmt;

	if (vol_get(be, id, &fmt, path, err) < 0)
		return -1;
	memset(ret, 0, sizeof(*ret));
	ret->type = ST_DISK_FILE;
	ret->format = fmt;
	memcpy(ret->path, path, sizeof(path));
	return 0;
}

const struct st_ops st_dir_ops = {
	.name = "dir",
	.open = dir_open,
	.free = dir_free,
	.ensure = dir_ensure,
	.remove = dir_remove,
	.list = dir_list,
	.size = dir_size,
	.disk = dir_disk,
};

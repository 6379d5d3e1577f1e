/*
 * ami_cache: a host's image files and the overlays on them.  A download
 * grows <id>.part (kept across failures, so the next try resumes) and
 * becomes <id> only once its size and SHA-256 match; a .part that turns
 * out wrong is deleted.  Overlays are made by qemu-img, run without a
 * shell on absolute paths only.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "mc_cleanup.h"
#include "mc_err.h"
#include "mc_id.h"
#include "ami_cache.h"
#include "ami_exec.h"
#include "ami_http.h"

#define PART_SUFFIX		".part"
#define QEMU_IMG		"qemu-img"
#define CREATE_TIMEOUT_MS	60000
#define INFO_TIMEOUT_MS		30000
#define INFO_CAP		(64 * 1024)	/* qemu-img info text kept */
#define STDERR_CAP		4096	/* qemu-img complaints kept */
#define SIZE_LEN		24	/* a uint64_t in decimal and a NUL */

/*
 * An image's id, or a snapshot's: volumes made from a snapshot fetch
 * its file into the same cache.
 */
static int
cache_id_check(const char *id, struct mc_err *err)
{
	if (mc_id_check(MC_ID_SNAPSHOT, id, NULL) == 0)
		return 0;
	return ami_id_check(id, err);
}

int
ami_cache_path(const char *cache_dir, const char *image_id, char *buf,
    size_t bufsz, struct mc_err *err)
{
	int n;

	if (cache_id_check(image_id, err) < 0)
		return -1;
	n = snprintf(buf, bufsz, "%s/%s", cache_dir, image_id);
	if (n < 0 || (size_t)n >= bufsz)
		return mc_err_set(err, MC_EC_INTERNAL_ERROR,
		    "a path is too long");
	return 0;
}

/* The final path of image_id and the path it is downloaded to. */
static int
fetch_paths(const char *cache_dir, const char *image_id,
    char final[PATH_MAX], char part[PATH_MAX], struct mc_err *err)
{
	int n;

	if (ami_cache_path(cache_dir, image_id, final, PATH_MAX, err) < 0)
		return -1;
	n = snprintf(part, PATH_MAX, "%s%s", final, PART_SUFFIX);
	if (n < 0 || n >= PATH_MAX)
		return mc_err_set(err, MC_EC_INTERNAL_ERROR,
		    "a path is too long");
	return 0;
}

bool
ami_cache_has(const char *cache_dir, const char *image_id, uint64_t size)
{
	char		path[PATH_MAX];
	struct stat	st;

	if (ami_cache_path(cache_dir, image_id, path, sizeof(path), NULL) < 0)
		return false;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    (uint64_t)st.st_size == size;
}

/* Open the .part; *ret_have is how much of it a resume can keep. */
static int
part_open(const char *part, uint64_t size, uint64_t *ret_have,
    struct mc_err *err)
{
	MC_AUTOCLOSE int	fd = open(part, O_RDWR | O_CREAT | O_CLOEXEC,
				    0644);
	struct stat		st;

	if (fd < 0 || fstat(fd, &st) < 0)
		return mc_err_sys(err, errno, "cannot open a partial image: "
		    "%s", strerror(errno));
	/* Longer than the image can be: it is not a prefix of it. */
	if ((uint64_t)st.st_size > size) {
		if (ftruncate(fd, 0) < 0)
			return mc_err_sys(err, errno, "cannot truncate a "
			    "partial image: %s", strerror(errno));
		st.st_size = 0;
	}
	*ret_have = (uint64_t)st.st_size;
	return mc_steal_fd(&fd);
}

/*
 * The download is over: 1. check size, 2. check the SHA-256 (either
 * failing deletes the .part: resuming it cannot help), 3. rename.
 */
static int
part_finish(int fd, const char *part, const char *final, uint64_t size,
    const char *sha256, struct mc_err *err)
{
	char		hex[AMI_SHA256_HEX + 1];
	struct stat	st;

	if (fsync(fd) < 0 || fstat(fd, &st) < 0)
		return mc_err_sys(err, errno, "cannot sync a partial image: "
		    "%s", strerror(errno));
	if ((uint64_t)st.st_size != size) {
		(void)unlink(part);
		return mc_err_set(err, MC_EC_INTERNAL_ERROR, "the image has "
		    "%llu bytes, not %llu", (unsigned long long)st.st_size,
		    (unsigned long long)size);
	}
	if (ami_sha256_file(part, hex, err) < 0)
		return -1;
	if (strcasecmp(hex, sha256) != 0) {
		(void)unlink(part);
		return mc_err_set(err, MC_EC_INTERNAL_ERROR, "the image's "
		    "SHA-256 does not match: got %s", hex);
	}
	if (rename(part, final) < 0)
		return mc_err_sys(err, errno, "cannot rename an image: %s",
		    strerror(errno));
	return 0;
}

static int
fetch_check(uint64_t size, const char *sha256, struct mc_err *err)
{
	if (size == 0 || size > INT64_MAX)
		return mc_err_set(err, MC_EC_INTERNAL_ERROR,
		    "bad image size %llu", (unsigned long long)size);
	if (sha256 == NULL || strlen(sha256) != AMI_SHA256_HEX ||
	    strspn(sha256, "0123456789abcdefABCDEF") != AMI_SHA256_HEX)
		return mc_err_set(err, MC_EC_INTERNAL_ERROR,
		    "bad image SHA-256");
	return 0;
}

int
ami_cache_fetch(const char *cache_dir, const char *image_id,
    const char *url, const char *header, uint64_t size,
    const char *sha256, long timeout_s, struct mc_err *err)
{
	char			final[PATH_MAX], part[PATH_MAX];
	MC_AUTOCLOSE int	fd = -1;
	struct ami_http_req	req = { .url = url, .header = header,
				    .max_bytes = size, .timeout_s = timeout_s,
				    .code = MC_EC_INTERNAL_ERROR };
	struct stat		st;
	uint64_t		got;

	if (fetch_paths(cache_dir, image_id, final, part, err) < 0 ||
	    fetch_check(size, sha256, err) < 0)
		return -1;
	if (ami_cache_has(cache_dir, image_id, size))
		return 0;
	if ((fd = part_open(part, size, &req.offset, err)) < 0)
		return -1;
	/* A whole .part from an earlier try only needs checking. */
	if (req.offset < size && ami_http_get(&req, fd, &got, err) < 0) {
		/* Keep what came for a resume; an empty file is no help. */
		if (fstat(fd, &st) == 0 && st.st_size == 0)
			(void)unlink(part);
		return -1;
	}
	return part_finish(fd, part, final, size, sha256, err);
}

int
ami_cache_remove(const char *cache_dir, const char *image_id,
    struct mc_err *err)
{
	char final[PATH_MAX], part[PATH_MAX];

	if (fetch_paths(cache_dir, image_id, final, part, err) < 0)
		return -1;
	if ((unlink(final) < 0 && errno != ENOENT) ||
	    (unlink(part) < 0 && errno != ENOENT))
		return mc_err_sys(err, errno, "cannot remove a cached image: "
		    "%s", strerror(errno));
	return 0;
}

/*
 * Absolute, so that qemu-img reads neither an option ("-...") nor a
 * protocol or json: filename ("nbd:...") in it.
 */
static int
check_abs(const char *path, const char *what, struct mc_err *err)
{
	if (path == NULL || path[0] != '/')
		return mc_err_set(err, MC_EC_INTERNAL_ERROR,
		    "the %s path must be absolute", what);
	return 0;
}

int
ami_overlay_create(const char *path, const char *backing,
    enum ami_format fmt, uint64_t size_bytes, struct mc_err *err)
{
	char		 size[SIZE_LEN];
	const char	*argv[] = { QEMU_IMG, "create", "-q", "-f", "qcow2",
			    "-F", ami_format_name(fmt), "-b", backing, path,
			    size_bytes > 0 ? size : NULL, NULL };
	int		 fd;

	if (check_abs(path, "overlay", err) < 0 ||
	    check_abs(backing, "backing", err) < 0)
		return -1;
	if (fmt >= AMI_FORMAT__MAX)
		return mc_err_set(err, MC_EC_INTERNAL_ERROR,
		    "bad backing format");
	(void)snprintf(size, sizeof(size), "%llu",
	    (unsigned long long)size_bytes);
	/*
	 * Create the file first: O_EXCL says it was not there, so
	 * removing it on failure removes nothing of anyone else's.
	 */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return mc_err_sys(err, errno, "cannot create an overlay: %s",
		    strerror(errno));
	(void)close(fd);
	if (ami_exec_ok(argv, CREATE_TIMEOUT_MS, STDERR_CAP, NULL, err) < 0)
		goto undo_file;
	return 0;
undo_file:
	(void)unlink(path);
	return -1;
}

int
ami_overlay_info(const char *path, char **ret_text, struct mc_err *err)
{
	/* -U: a running guest holds the image's lock; we only read. */
	const char *argv[] = { QEMU_IMG, "info", "-U", "--backing-chain",
	    path, NULL };

	if (check_abs(path, "image", err) < 0)
		return -1;
	return ami_exec_ok(argv, INFO_TIMEOUT_MS, INFO_CAP, ret_text, err);
}

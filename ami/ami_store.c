/*
 * ami_store: the controller's image files.  An add writes <id>.tmp
 * (O_EXCL), hashes it as it goes, fsyncs, probes, then renames it to
 * <id> without replacing anything; any failure unlinks the .tmp.  Ids
 * are checked before they touch a path; import paths are resolved and
 * kept inside the import directory.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "mc_cleanup.h"
#include "mc_err.h"
#include "mc_fs.h"
#include "mc_hex.h"
#include "ami_http.h"
#include "ami_store.h"

#define IMAGES_DIR	"images"
#define IMPORT_DIR	"images/import"
#define TMP_SUFFIX	".tmp"
#define ID_DIGITS	17
#define COPY_CHUNK	(256 * 1024)
#define LOCATION_MAX	1024	/* longest ImageLocation path we take */

static const char *const id_prefixes[] = { "ami-", "aki-", "ari-" };

static void
md_freep(EVP_MD_CTX **p)
{
	EVP_MD_CTX_free(*p);
}

int
ami_id_check(const char *id, struct mc_err *err)
{
	size_t i, plen;

	for (i = 0; id != NULL && i < MC_NELEMS(id_prefixes); i++) {
		plen = strlen(id_prefixes[i]);
		if (strncmp(id, id_prefixes[i], plen) == 0 &&
		    strspn(id + plen, "0123456789abcdef") == ID_DIGITS &&
		    id[plen + ID_DIGITS] == '\0')
			return 0;
	}
	return mc_err_set(err, MC_EC_INVALID_AMI_ID_MALFORMED,
	    "Invalid id: \"%.64s\"", id != NULL ? id : "");
}

/* snprintf a path into buf; a path that does not fit is an error. */
static int __attribute__((format(printf, 4, 5)))
path_fmt(char *buf, size_t bufsz, struct mc_err *err, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(buf, bufsz, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= bufsz)
		return mc_err_set(err, MC_EC_INTERNAL_ERROR,
		    "a path is too long");
	return 0;
}

/* Delete the <id>.tmp files of adds that a crash interrupted. */
static int
sweep_tmp(const char *dir, struct mc_err *err)
{
	char		 id[PATH_MAX];
	DIR		*d;
	struct dirent	*e;
	size_t		 n;

	if ((d = opendir(dir)) == NULL)
		return mc_err_sys(err, errno, "cannot read the image store");
	while ((e = readdir(d)) != NULL) {
		n = strlen(e->d_name);
		if (n <= strlen(TMP_SUFFIX) || n >= sizeof(id) ||
		    strcmp(e->d_name + n - strlen(TMP_SUFFIX), TMP_SUFFIX) != 0)
			continue;
		memcpy(id, e->d_name, n - strlen(TMP_SUFFIX));
		id[n - strlen(TMP_SUFFIX)] = '\0';
		if (ami_id_check(id, NULL) == 0)
			(void)unlinkat(dirfd(d), e->d_name, 0);
	}
	(void)closedir(d);
	return 0;
}

int
ami_store_init(const char *state_dir, struct mc_err *err)
{
	char images[PATH_MAX], import[PATH_MAX];

	if (path_fmt(images, sizeof(images), err, "%s/%s", state_dir,
	    IMAGES_DIR) < 0 ||
	    path_fmt(import, sizeof(import), err, "%s/%s", state_dir,
	    IMPORT_DIR) < 0)
		return -1;
	if (mc_fs_mkdirs(images, 0755, err) < 0 ||
	    mc_fs_mkdirs(import, 0700, err) < 0)
		return -1;
	return sweep_tmp(images, err);
}

int
ami_store_path(const char *state_dir, const char *image_id, char *buf,
    size_t bufsz, struct mc_err *err)
{
	if (ami_id_check(image_id, err) < 0)
		return -1;
	return path_fmt(buf, bufsz, err, "%s/%s/%s", state_dir, IMAGES_DIR,
	    image_id);
}

int
ami_store_import_dir(const char *state_dir, char *buf, size_t bufsz,
    struct mc_err *err)
{
	return path_fmt(buf, bufsz, err, "%s/%s", state_dir, IMPORT_DIR);
}

/* The shape of a location, before any file-system call sees it. */
static int
location_check(const char *loc, struct mc_err *err)
{
	const char	*p;
	size_t		 n;

	if (loc == NULL || loc[0] == '\0')
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "ImageLocation is empty");
	if (strlen(loc) > LOCATION_MAX)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "ImageLocation is longer than %d bytes", LOCATION_MAX);
	if (loc[0] == '/')
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "ImageLocation must be relative to the import directory");
	for (p = loc; *p != '\0'; p += n + (p[n] == '/')) {
		n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
			    "ImageLocation may not contain \"..\"");
	}
	return 0;
}

int
ami_store_import_path(const char *state_dir, const char *location,
    char *buf, size_t bufsz, struct mc_err *err)
{
	char	dir[PATH_MAX], joined[PATH_MAX], real_dir[PATH_MAX];
	char	real[PATH_MAX];
	size_t	n;

	if (location_check(location, err) < 0 ||
	    ami_store_import_dir(state_dir, dir, sizeof(dir), err) < 0 ||
	    path_fmt(joined, sizeof(joined), err, "%s/%s", dir, location) < 0)
		return -1;
	if (realpath(dir, real_dir) == NULL)
		return mc_err_sys(err, errno, "cannot resolve the import "
		    "directory");
	if (realpath(joined, real) == NULL)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "ImageLocation \"%.64s\" cannot be read: %s", location,
		    strerror(errno));
	/* Symlinks are resolved now: what is left must be under the dir. */
	n = strlen(real_dir);
	if (strncmp(real, real_dir, n) != 0 || real[n] != '/')
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "ImageLocation \"%.64s\" is outside the import directory",
		    location);
	return path_fmt(buf, bufsz, err, "%s", real);
}

/* One read(); EINTR retried.  Returns bytes, 0 at EOF, -1 on error. */
static ssize_t
read_some(int fd, void *p, size_t n)
{
	ssize_t r;

	while ((r = read(fd, p, n)) < 0 && errno == EINTR)
		;
	return r;
}

static int
write_all(int fd, const unsigned char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, p, n)) < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * Read in to its end, hashing, and copy it to out unless out is -1.
 * More than max bytes is an error: a file can grow after its fstat.
 */
static int
pump(int in, int out, uint64_t max, char hex[AMI_SHA256_HEX + 1],
    struct mc_err *err)
{
	MC_CLEANUP(md_freep) EVP_MD_CTX	*md = EVP_MD_CTX_new();
	MC_AUTOFREE unsigned char	*chunk = malloc(COPY_CHUNK);
	unsigned char			 digest[EVP_MAX_MD_SIZE];
	unsigned int			 dlen = 0;
	uint64_t			 total = 0;
	ssize_t				 r;

	if (md == NULL || chunk == NULL ||
	    EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1)
		return mc_err_sys(err, ENOMEM, "cannot start a SHA-256");
	while ((r = read_some(in, chunk, COPY_CHUNK)) > 0) {
		total += (uint64_t)r;
		if (total > max)
			return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
			    "the image is larger than the limit of %llu bytes",
			    (unsigned long long)max);
		if (EVP_DigestUpdate(md, chunk, (size_t)r) != 1)
			return mc_err_set(err, MC_EC_INTERNAL_ERROR,
			    "SHA-256 failed");
		if (out >= 0 && write_all(out, chunk, (size_t)r) < 0)
			return mc_err_sys(err, errno, "cannot write the image: "
			    "%s", strerror(errno));
	}
	if (r < 0)
		return mc_err_sys(err, errno, "cannot read the image: %s",
		    strerror(errno));
	if (EVP_DigestFinal_ex(md, digest, &dlen) != 1 ||
	    dlen * 2 != AMI_SHA256_HEX)
		return mc_err_set(err, MC_EC_INTERNAL_ERROR, "SHA-256 failed");
	mc_hex_encode(digest, dlen, hex);
	return 0;
}

int
ami_sha256_file(const char *path, char hex[AMI_SHA256_HEX + 1],
    struct mc_err *err)
{
	MC_AUTOCLOSE int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return mc_err_sys(err, errno, "cannot open a file to hash: %s",
		    strerror(errno));
	return pump(fd, -1, UINT64_MAX, hex, err);
}

/* The final and the temporary path of an image being added. */
static int
add_paths(const char *state_dir, const char *image_id, char final[PATH_MAX],
    char tmp[PATH_MAX], struct mc_err *err)
{
	if (ami_store_path(state_dir, image_id, final, PATH_MAX, err) < 0)
		return -1;
	return path_fmt(tmp, PATH_MAX, err, "%s%s", final, TMP_SUFFIX);
}

static int
open_tmp(const char *tmp, struct mc_err *err)
{
	int fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

	if (fd < 0 && errno == EEXIST)
		return mc_err_set(err, MC_EC_INTERNAL_ERROR,
		    "this image is being added already");
	if (fd < 0)
		return mc_err_sys(err, errno, "cannot create an image file: %s",
		    strerror(errno));
	return fd;
}

/* Make a rename in dir (a path) durable. */
static int
sync_dir(const char *dir, struct mc_err *err)
{
	MC_AUTOCLOSE int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0 || fsync(fd) < 0)
		return mc_err_sys(err, errno, "cannot sync the image store");
	return 0;
}

/* Kernels (aki-) and ramdisks (ari-) are files, not disks. */
static bool
is_disk(const char *image_id)
{
	return strncmp(image_id, "aki-", 4) != 0 &&
	    strncmp(image_id, "ari-", 4) != 0;
}

/* A kernel or ramdisk: any file, passed to QEMU as it is. */
static int
probe_blob(int fd, struct ami_probe *ret, struct mc_err *err)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return mc_err_sys(err, errno, "cannot read an image file");
	if (st.st_size == 0)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "a kernel or ramdisk cannot be empty");
	ret->format = AMI_FORMAT_RAW;
	ret->file_size = ret->virtual_size = (uint64_t)st.st_size;
	return 0;
}

/*
 * The data of tmp (open as fd) is all there: 1. put it on disk,
 * 2. probe it (a disk) or size it (a kernel or ramdisk), 3. give it its
 * final name, never over another image, 4. make that name durable.
 */
static int
commit(const char *state_dir, const char *image_id, int fd, const char *tmp,
    const char *final, struct ami_probe *ret, struct mc_err *err)
{
	char dir[PATH_MAX];

	if (path_fmt(dir, sizeof(dir), err, "%s/%s", state_dir,
	    IMAGES_DIR) < 0)
		return -1;
	if (fsync(fd) < 0)
		return mc_err_sys(err, errno, "cannot sync an image: %s",
		    strerror(errno));
	if (is_disk(image_id) ? ami_format_probe(tmp, ret, err) < 0 :
	    probe_blob(fd, ret, err) < 0)
		return -1;
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, final, RENAME_NOREPLACE) < 0)
		return mc_err_sys(err, errno, "cannot store an image: %s",
		    strerror(errno));
	if (sync_dir(dir, err) < 0) {
		/* Not surely on disk: then not there at all. */
		(void)unlink(final);
		return -1;
	}
	return 0;
}

/* Open the source of an add: a regular file within the size limit. */
static int
open_src(const char *src, uint64_t max_bytes, struct mc_err *err)
{
	MC_AUTOCLOSE int	fd = open(src, O_RDONLY | O_CLOEXEC);
	struct stat		st;

	if (fd < 0)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "the image file cannot be opened: %s", strerror(errno));
	if (fstat(fd, &st) < 0)
		return mc_err_sys(err, errno, "cannot read the image file");
	if (!S_ISREG(st.st_mode))
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "the image is not a regular file");
	if ((uint64_t)st.st_size > max_bytes)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "the image is larger than the limit of %llu bytes",
		    (unsigned long long)max_bytes);
	return mc_steal_fd(&fd);
}

int
ami_store_add_file(const char *state_dir, const char *image_id,
    const char *src, uint64_t max_bytes, struct ami_file *ret,
    struct mc_err *err)
{
	char			final[PATH_MAX], tmp[PATH_MAX];
	MC_AUTOCLOSE int	in = -1;
	MC_AUTOCLOSE int	out = -1;
	struct ami_file		f;

	if (add_paths(state_dir, image_id, final, tmp, err) < 0 ||
	    (in = open_src(src, max_bytes, err)) < 0 ||
	    (out = open_tmp(tmp, err)) < 0)
		return -1;
	/* Hash what we copy: one pass over the source, not two. */
	if (pump(in, out, max_bytes, f.sha256, err) < 0 ||
	    commit(state_dir, image_id, out, tmp, final, &f.probe, err) < 0)
		goto undo_tmp;
	*ret = f;
	return 0;
undo_tmp:
	(void)unlink(tmp);
	return -1;
}

int
ami_store_add_url(const char *state_dir, const char *image_id,
    const char *url, uint64_t max_bytes, long timeout_s,
    struct ami_file *ret, struct mc_err *err)
{
	char			final[PATH_MAX], tmp[PATH_MAX];
	MC_AUTOCLOSE int	fd = -1;
	struct ami_file		f;
	struct ami_http_req	req = { .url = url, .max_bytes = max_bytes,
				    .timeout_s = timeout_s,
				    .code = MC_EC_INVALID_PARAMETER_VALUE };
	uint64_t		size;

	if (add_paths(state_dir, image_id, final, tmp, err) < 0 ||
	    (fd = open_tmp(tmp, err)) < 0)
		return -1;
	/* pwrite() left the offset at 0: pump() reads back from the start. */
	if (ami_http_get(&req, fd, &size, err) < 0 ||
	    pump(fd, -1, max_bytes, f.sha256, err) < 0 ||
	    commit(state_dir, image_id, fd, tmp, final, &f.probe, err) < 0)
		goto undo_tmp;
	*ret = f;
	return 0;
undo_tmp:
	(void)unlink(tmp);
	return -1;
}

int
ami_store_remove(const char *state_dir, const char *image_id,
    struct mc_err *err)
{
	char path[PATH_MAX];

	if (ami_store_path(state_dir, image_id, path, sizeof(path), err) < 0)
		return -1;
	if (unlink(path) < 0 && errno != ENOENT)
		return mc_err_sys(err, errno, "cannot remove an image: %s",
		    strerror(errno));
	return 0;
}

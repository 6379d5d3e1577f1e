/*
 * mc_fs: small file-system helpers the daemons and tools share.
 */
#ifndef MC_FS_H
#define MC_FS_H

#include <sys/types.h>

#include <stddef.h>

struct mc_err;

/*
 * Make directory path and its missing parents with mode (like mkdir -p),
 * then check that path is a directory this process can write.  Returns
 * 0, or -1 with err set to a message naming the path and the reason.
 */
int	mc_fs_mkdirs(const char *path, mode_t mode, struct mc_err *err);

#define MC_FS_TOKEN_MIN	16	/* characters of a secret token */
#define MC_FS_TOKEN_MAX	128

/*
 * Read a secret token from the first line of file path into buf (at
 * least MC_FS_TOKEN_MAX + 2 bytes): 16 to 128 of letters, digits and
 * -_.+/=.  Returns 0, or -1 with err set naming the file.
 */
int	mc_fs_read_token(const char *path, char *buf, size_t bufsz,
	    struct mc_err *err);

/*
 * Read the start of file path into buf (bufsz bytes, NUL-terminated; a
 * longer file is cut).  Returns the bytes read, or -1 with err set.
 */
ssize_t	mc_fs_read_small(const char *path, char *buf, size_t bufsz,
	    struct mc_err *err);

/*
 * Replace file path with len bytes of data, mode mode, atomically (a
 * temporary file renamed over it): readers see the old or the new file,
 * never a part.  Returns 0, or -1 with err set.
 */
int	mc_fs_write_atomic(const char *path, const void *data, size_t len,
	    mode_t mode, struct mc_err *err);

#endif /* MC_FS_H */

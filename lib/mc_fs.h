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

#endif /* MC_FS_H */

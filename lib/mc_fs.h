/*
 * mc_fs: small file-system helpers the daemons and tools share.
 */
#ifndef MC_FS_H
#define MC_FS_H

#include <sys/types.h>

struct mc_err;

/*
 * Make directory path and its missing parents with mode (like mkdir -p),
 * then check that path is a directory this process can write.  Returns
 * 0, or -1 with err set to a message naming the path and the reason.
 */
int	mc_fs_mkdirs(const char *path, mode_t mode, struct mc_err *err);

#endif /* MC_FS_H */

/*
 * ctl_snap_file: the snapshot store, STATE_DIR/snapshots/<id>, one
 * plain qcow2 per completed snapshot.  Uploads are written beside, as
 * <id>.XXXXXX.upload, and renamed once checked; a run that stopped
 * mid-upload leaves such files, which start-up removes.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "mc_err.h"
#include "mc_fs.h"
#include "mc_id.h"
#include "ctl_snap.h"

int
ctl_snap_file_path(const char *state_dir, const char *id, char *buf,
    size_t bufsz, struct mc_err *err)
{
	int n;

	if (mc_id_check(MC_ID_SNAPSHOT, id, err) < 0)
		return -1;
	n = snprintf(buf, bufsz, "%s/%s/%s", state_dir, CTL_SNAP_DIR, id);
	if (n < 0 || (size_t)n >= bufsz)
		return mc_err_set(err, MC_EC_INTERNAL_ERROR,
		    "the state directory's path is too long");
	return 0;
}

/* Is name an unfinished upload: "snap-...<suffix>"? */
static bool
stale_upload(const char *name)
{
	size_t n = strlen(name), k = strlen(CTL_SNAP_TMP_SUFFIX);

	return n > k && strncmp(name, "snap-", 5) == 0 &&
	    strcmp(name + n - k, CTL_SNAP_TMP_SUFFIX) == 0;
}

int
ctl_snap_file_init(const char *state_dir, struct mc_err *err)
{
	char		 dir[PATH_MAX];
	struct dirent	*e;
	DIR		*d;
	int		 n;

	n = snprintf(dir, sizeof(dir), "%s/%s", state_dir, CTL_SNAP_DIR);
	if (n < 0 || (size_t)n >= sizeof(dir))
		return mc_err_set(err, MC_EC_INTERNAL_ERROR,
		    "the state directory's path is too long");
	if (mc_fs_mkdirs(dir, 0700, err) < 0)
		return -1;
	if ((d = opendir(dir)) == NULL)
		return mc_err_sys(err, errno, "cannot read the snapshot store");
	while ((e = readdir(d)) != NULL)
		if (stale_upload(e->d_name))
			(void)unlinkat(dirfd(d), e->d_name, 0);
	(void)closedir(d);
	return 0;
}

int
ctl_snap_file_link(const char *state_dir, const char *src, const char *dst,
    struct mc_err *err)
{
	char from[PATH_MAX], to[PATH_MAX];

	if (ctl_snap_file_path(state_dir, src, from, sizeof(from), err) < 0 ||
	    ctl_snap_file_path(state_dir, dst, to, sizeof(to), err) < 0)
		return -1;
	if (link(from, to) < 0)
		return mc_err_sys(err, errno, "cannot link the snapshot's file");
	return 0;
}

void
ctl_snap_file_remove(const char *state_dir, const char *id)
{
	char path[PATH_MAX];

	if (ctl_snap_file_path(state_dir, id, path, sizeof(path), NULL) == 0)
		(void)unlink(path);
}

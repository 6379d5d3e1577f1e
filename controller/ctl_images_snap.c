/*
 * ctl_images_snap: images made from instances follow their root
 * snapshot.  Stored: each image waiting on it becomes available, its
 * file in the image store a hard link of the snapshot's (both are
 * immutable, so they share the bytes, and deleting either leaves the
 * other whole).  Failed: they fail with the snapshot's reason.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mc_err.h"
#include "mc_id.h"
#include "mc_log.h"
#include "ami_store.h"
#include "ctl_images.h"
#include "ctl_sql.h"

struct waiting {
	char id[MC_ID_MAX];
};

static void
waiting_row(sqlite3_stmt *st, void *p)
{
	ctl_sql_text(st, 0, ((struct waiting *)p)->id, MC_ID_MAX);
}

static int
waiting_on(sqlite3 *db, const char *snap, struct waiting **ret, size_t *ret_n,
    struct mc_err *err)
{
	return ctl_sql_rows(db, ret, ret_n, sizeof(**ret), waiting_row, err,
	    "SELECT id FROM images WHERE snapshot_id = ? AND state = "
	    "'pending' ORDER BY id", "s", snap);
}

/* Give image id the file at path (a snapshot's) in the image store. */
static int
link_file(const char *state_dir, const char *id, const char *path,
    struct mc_err *err)
{
	char dst[PATH_MAX];

	if (ami_store_path(state_dir, id, dst, sizeof(dst), err) < 0)
		return -1;
	if (link(path, dst) < 0 && errno != EEXIST)
		return mc_err_set(err, MC_EC_INTERNAL_ERROR, "cannot give image "
		    "%s its snapshot's file: %s", id, strerror(errno));
	return 0;
}

int
ctl_images_snap_done(sqlite3 *db, const char *state_dir, const char *snap,
    const char *path, uint64_t size, const char *sha256, struct mc_err *err)
{
	struct waiting	*v = NULL;
	size_t		 n = 0, i;
	int		 rc = 0;

	if (waiting_on(db, snap, &v, &n, err) < 0)
		return -1;
	for (i = 0; i < n && rc == 0; i++) {
		rc = link_file(state_dir, v[i].id, path, err);
		if (rc == 0)
			rc = ctl_sql_run(db, err, "UPDATE images SET state = "
			    "'available', size = ?, sha256 = ?, format = 'qcow2' "
			    "WHERE id = ?", "iss", (int64_t)size, sha256,
			    v[i].id) < 0 ? -1 : 0;
		if (rc == 0)
			mc_log(MC_LOG_INFO, "image available", "image=%s "
			    "snapshot=%s size=%llu", v[i].id, snap,
			    (unsigned long long)size);
	}
	free(v);
	return rc;
}

int
ctl_images_snap_failed(sqlite3 *db, const char *snap, const char *why,
    struct mc_err *err)
{
	if (ctl_sql_run(db, err, "UPDATE images SET state = 'failed', "
	    "state_reason = ? WHERE snapshot_id = ? AND state = 'pending'",
	    "ss", why, snap) < 0)
		return -1;
	return 0;
}

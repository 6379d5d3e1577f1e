/*
 * ctl_images_snap: images backed by snapshots (CreateImage), and what
 * happens to them when their snapshot completes.  For now no image
 * waits on a snapshot, so a completed snapshot changes no image.
 */
#include "ctl_images.h"

int
ctl_images_snap_done(sqlite3 *db, const struct ctl_conf *conf,
    const char *snap_id, int64_t now_ms, struct mc_err *err)
{
	(void)db;
	(void)conf;
	(void)snap_id;
	(void)now_ms;
	(void)err;
	return 0;
}

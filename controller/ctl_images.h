/*
 * ctl_images: machine images (ami-), kernels (aki-) and ramdisks (ari-)
 * in the store, who may launch them, and their import.  Files live in
 * the image store (ami_store); a registered image is "pending" until the
 * import worker has copied (or downloaded) and checked its file, then
 * "available", or "failed" with the reason.  The EC2 actions are in
 * ctl_images_api.c.
 */
#ifndef CTL_IMAGES_H
#define CTL_IMAGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "mc_id.h"
#include "ctl_tags.h"

struct ctl_conf;
struct ctl_req;
struct ctl_xml;
struct mc_err;

/* The owner of images that belong to the cloud, not to an account. */
#define CTL_SYSTEM_OWNER	"000000000000"
#define CTL_SYSTEM_ALIAS	"minicloud"
#define CTL_IMAGE_NAME_MAX	128
#define CTL_IMAGE_DESC_MAX	255

struct ctl_image {
	char		 id[MC_ID_MAX];
	char		 owner[16];
	char		 name[CTL_IMAGE_NAME_MAX * 4 + 1];
	char		 description[CTL_IMAGE_DESC_MAX * 4 + 1];
	char		 state[16];		/* pending available failed */
	char		 state_reason[256];
	char		 location[1024];
	char		 format[8];
	uint64_t	 size, virtual_size;
	char		 sha256[65];
	char		 architecture[16];
	char		 root_device[32];
	char		 kernel_id[MC_ID_MAX];
	char		 ramdisk_id[MC_ID_MAX];
	char		 cmdline[1024];
	bool		 public;
	int64_t		 created_ms;
	struct ctl_tagkv *tags;			/* owned; loaded on demand */
	size_t		 n_tags;
};

/* "machine", "kernel" or "ramdisk", from the id. */
const char	*ctl_image_type(const char *id);

/*
 * Check an image name as EC2 does (3-128 of letters, digits and
 * ( ) [ ] space . / - ' @ _).  Returns 0, or -1 with err set.
 */
int	ctl_image_name_check(const char *name, struct mc_err *err);

/*
 * Load image id.  Returns 1 and fills *ret, 0 when there is none, -1
 * with err set.
 */
int	ctl_image_get(sqlite3 *db, const char *id, struct ctl_image *ret,
	    struct mc_err *err);

/* May account launch (and see) image im? */
int	ctl_image_can_launch(sqlite3 *db, const struct ctl_image *im,
	    const char *account, bool *ret, struct mc_err *err);

/*
 * The image id (borrowed; may be NULL: MissingParameter) that account
 * owns, into *ret.  Malformed, NotFound (also when account cannot see
 * it) or UnauthorizedOperation (it sees it but does not own it).
 */
int	ctl_image_owned(sqlite3 *db, const char *account, const char *id,
	    struct ctl_image *ret, struct mc_err *err);

/*
 * Insert a new image row (id, owner, name... from im).  A name the
 * owner already uses is InvalidAMIName.Duplicate.
 */
int	ctl_image_insert(sqlite3 *db, const struct ctl_image *im,
	    struct mc_err *err);

/*
 * Import what a pending image's location names into the store and mark
 * it available (or failed, with the reason).  Slow: the import worker
 * and the admin CLI call it, never a request handler.  Returns 0 when
 * the image is available, -1 with err set otherwise.
 */
int	ctl_image_import(sqlite3 *db, const struct ctl_conf *conf,
	    const char *id, struct mc_err *err);

/* The import worker: a thread that imports pending images in turn. */
struct ctl_importer;

int	ctl_importer_start(const struct ctl_conf *conf,
	    struct ctl_importer **ret, struct mc_err *err);
/* Wake it (an image was registered). */
void	ctl_importer_wake(struct ctl_importer *imp);
/* Stop it; an import in progress may take up to its timeout. */
void	ctl_importer_stop(struct ctl_importer *imp);

/*
 * Snapshot snap_id has just completed (its file is in the snapshot
 * store): images waiting on it become available (ctl_images_snap.c).
 * Runs in the caller's transaction, the one that marked it completed.
 * Returns 0, or -1 with err set (the caller rolls back).
 */
int	ctl_images_snap_done(sqlite3 *db, const struct ctl_conf *conf,
	    const char *snap_id, int64_t now_ms, struct mc_err *err);

/* EC2 actions (ctl_images_api.c). */
int	ctl_images_register(const struct ctl_req *req, struct ctl_xml *out,
	    struct mc_err *err);
int	ctl_images_describe(const struct ctl_req *req, struct ctl_xml *out,
	    struct mc_err *err);
int	ctl_images_deregister(const struct ctl_req *req, struct ctl_xml *out,
	    struct mc_err *err);
int	ctl_images_describe_attr(const struct ctl_req *req,
	    struct ctl_xml *out, struct mc_err *err);
int	ctl_images_modify_attr(const struct ctl_req *req, struct ctl_xml *out,
	    struct mc_err *err);

#endif /* CTL_IMAGES_H */

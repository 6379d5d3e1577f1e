/*
 * ami_store: the controller's image store, STATE_DIR/images/<id> (the
 * disk as imported, qcow2 or raw) beside STATE_DIR/images/import/, the
 * directory that RegisterImage's ImageLocation paths are relative to.
 * Adding a file copies it in, probes it and hashes it; a half-added file
 * never shows under its final name.  Knows files, not the database.
 */
#ifndef AMI_STORE_H
#define AMI_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "ami_format.h"

struct mc_err;

#define AMI_SHA256_HEX	64

/* What the store knows of one stored file. */
struct ami_file {
	struct ami_probe	probe;
	char			sha256[AMI_SHA256_HEX + 1];
};

/*
 * Check that id (borrowed, may be NULL) is an image id: "ami-", "aki-"
 * or "ari-" and 17 lower-case hex digits, the shape we issue.  Every
 * function here that takes an id checks it before it becomes a path.
 * Returns 0, or -1 with err set (InvalidAMIID.Malformed).
 */
int	ami_id_check(const char *id, struct mc_err *err);

/*
 * Make STATE_DIR/images and images/import (0755 and 0700), and delete
 * the <id>.tmp files an interrupted add left behind: call it at start,
 * before any add runs.
 */
int	ami_store_init(const char *state_dir, struct mc_err *err);

/*
 * Path of image id's file into buf ("STATE_DIR/images/<id>", bufsz
 * bytes).  Returns 0, or -1 with err set: InvalidAMIID.Malformed for a
 * bad id, InternalError when buf is too small.
 */
int	ami_store_path(const char *state_dir, const char *image_id, char *buf,
	    size_t bufsz, struct mc_err *err);

/* Path of the import directory into buf.  Returns 0, or -1 (too long). */
int	ami_store_import_dir(const char *state_dir, char *buf, size_t bufsz,
	    struct mc_err *err);

/*
 * Resolve an ImageLocation path relative to the import directory into
 * buf (the real path, symlinks resolved), refusing empty and absolute
 * paths, any ".." component, paths that do not exist and anything whose
 * real path is not inside the import directory.  Returns 0, or -1 with
 * err set (InvalidParameterValue).  The check is only as good as the
 * import directory's permissions: it is the admin's (0700).
 */
int	ami_store_import_path(const char *state_dir, const char *location,
	    char *buf, size_t bufsz, struct mc_err *err);

/*
 * Copy src (borrowed path, a regular file) into the store as image_id,
 * probe and hash it; at most max_bytes.  A kernel (aki-) or ramdisk
 * (ari-) is any non-empty file: only disks (ami-) are probed.  Returns 0 and fills *ret, or
 * -1 with err set: InvalidParameterValue for what is wrong with the
 * source (missing, too big, a refused format), InternalError for the
 * store's own failures (also when image_id is there already or being
 * added).  On failure nothing is left in the store.
 */
int	ami_store_add_file(const char *state_dir, const char *image_id,
	    const char *src, uint64_t max_bytes, struct ami_file *ret,
	    struct mc_err *err);

/*
 * Fetch url (http or https) with libcurl into the store as image_id,
 * then probe and hash it like ami_store_add_file.  At most max_bytes;
 * gives up after timeout_s.  Slow: call it from a worker, never from a
 * request handler, after curl_global_init().  Errors as for
 * ami_store_add_file; what the server or the URL causes (HTTP >= 400,
 * another protocol, too big, unreachable) is InvalidParameterValue.
 */
int	ami_store_add_url(const char *state_dir, const char *image_id,
	    const char *url, uint64_t max_bytes, long timeout_s,
	    struct ami_file *ret, struct mc_err *err);

/* Remove image_id's file; a missing file is not an error. */
int	ami_store_remove(const char *state_dir, const char *image_id,
	    struct mc_err *err);

/*
 * SHA-256 of the file at path (borrowed) as 64 lower-case hex digits
 * and a NUL into hex.  Returns 0, or -1 with err set (InternalError).
 */
int	ami_sha256_file(const char *path, char hex[AMI_SHA256_HEX + 1],
	    struct mc_err *err);

#endif /* AMI_STORE_H */

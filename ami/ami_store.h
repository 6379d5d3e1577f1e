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

/* Make STATE_DIR/images and images/import (0755 and 0700). */
int	ami_store_init(const char *state_dir, struct mc_err *err);

/* Path of image id's file into buf ("STATE_DIR/images/<id>"). */
int	ami_store_path(const char *state_dir, const char *image_id, char *buf,
	    size_t bufsz, struct mc_err *err);

/* Path of the import directory into buf. */
int	ami_store_import_dir(const char *state_dir, char *buf, size_t bufsz,
	    struct mc_err *err);

/*
 * Resolve an ImageLocation path relative to the import directory into
 * buf, refusing absolute paths, "..", and anything whose real path is
 * not inside the import directory (symlinks included).  Returns 0, or
 * -1 with err set (InvalidParameterValue).
 */
int	ami_store_import_path(const char *state_dir, const char *location,
	    char *buf, size_t bufsz, struct mc_err *err);

/*
 * Copy src (borrowed path) into the store as image_id, probe and hash
 * it; at most max_bytes.  Returns 0 and fills *ret, or -1 with err set;
 * on failure nothing is left in the store.
 */
int	ami_store_add_file(const char *state_dir, const char *image_id,
	    const char *src, uint64_t max_bytes, struct ami_file *ret,
	    struct mc_err *err);

/*
 * Fetch url (http or https) with libcurl into the store as image_id,
 * then probe and hash it like ami_store_add_file.  At most max_bytes;
 * gives up after timeout_s.  Slow: call it from a worker, never from a
 * request handler.
 */
int	ami_store_add_url(const char *state_dir, const char *image_id,
	    const char *url, uint64_t max_bytes, long timeout_s,
	    struct ami_file *ret, struct mc_err *err);

/* Remove image_id's file; a missing file is not an error. */
int	ami_store_remove(const char *state_dir, const char *image_id,
	    struct mc_err *err);

/* SHA-256 of the file at path as 64 hex digits into hex. */
int	ami_sha256_file(const char *path, char hex[AMI_SHA256_HEX + 1],
	    struct mc_err *err);

#endif /* AMI_STORE_H */

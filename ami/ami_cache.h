/*
 * ami_cache: a host's cache of images, CACHE_DIR/<id>, downloaded from
 * the controller with libcurl: resumable (a partial <id>.part continues
 * with a Range request), verified against the image's SHA-256, renamed
 * into place only when whole.  And the instance overlays made on them
 * with qemu-img.  Making sure one image downloads once when many
 * launches want it is the caller's job (the agent's image table).
 */
#ifndef AMI_CACHE_H
#define AMI_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ami_format.h"
#include "ami_store.h"

struct mc_err;

/*
 * Path of image_id in the cache into buf (bufsz bytes).  image_id is an
 * image's id or a snapshot's ("snap-...": the file a volume is made
 * from); every call below takes either.  Returns 0, or -1 with err set:
 * InvalidAMIID.Malformed for an id that is neither (see ami_id_check),
 * InternalError when buf is too small.
 */
int	ami_cache_path(const char *cache_dir, const char *image_id, char *buf,
	    size_t bufsz, struct mc_err *err);

/*
 * True when image_id is in the cache, whole (its size matches); false
 * for a malformed id.
 */
bool	ami_cache_has(const char *cache_dir, const char *image_id,
	    uint64_t size);

/*
 * Download image_id from url into the cache unless it is there, sending
 * header (e.g. "Authorization: Bearer ...", borrowed, may be NULL) with
 * each request.  Resumes a partial download; verifies size and sha256
 * (hex, either case) before the file takes its final name; a file that
 * fails the check is deleted.  After a transfer failure the partial
 * <id>.part stays for the next call to resume.  Blocking: run it in a
 * worker thread, after curl_global_init().  Returns 0, or -1 with err
 * set (InternalError; InvalidAMIID.Malformed for a bad id).
 */
int	ami_cache_fetch(const char *cache_dir, const char *image_id,
	    const char *url, const char *header, uint64_t size,
	    const char *sha256, long timeout_s, struct mc_err *err);

/* Remove image_id from the cache (and any partial download). */
int	ami_cache_remove(const char *cache_dir, const char *image_id,
	    struct mc_err *err);

/*
 * Create the qcow2 overlay at path on backing (format fmt), of
 * size_bytes (0: the backing file's size), with qemu-img.  Both paths
 * are absolute (borrowed); path must not exist yet and is made 0600.
 * Returns 0, or -1 with err set (InternalError, with qemu-img's first
 * line of complaint, which names paths: log it, do not show it to an
 * API client) and no file left behind.
 */
int	ami_overlay_create(const char *path, const char *backing,
	    enum ami_format fmt, uint64_t size_bytes, struct mc_err *err);

/*
 * `qemu-img info -U --backing-chain` of path (absolute, borrowed), for
 * `minicloud explain`; -U so that it works while a guest runs on it.
 * *ret_text is a new string the caller frees, at most 64 KiB of the
 * output.  Returns 0, or -1 with err set as for ami_overlay_create.
 */
int	ami_overlay_info(const char *path, char **ret_text, struct mc_err *err);

#endif /* AMI_CACHE_H */

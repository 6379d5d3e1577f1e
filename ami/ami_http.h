/*
 * ami_http: one HTTP(S) GET into a file descriptor with libcurl, for the
 * image store (ImageLocation URLs) and the hosts' cache (images from the
 * controller).  Bounded in size and time, resumable with a Range
 * request.  It does not open, hash or rename files: its callers do.
 */
#ifndef AMI_HTTP_H
#define AMI_HTTP_H

#include <stdint.h>

#include "mc_err.h"

/* One download. */
struct ami_http_req {
	const char	*url;		/* http:// or https:// only */
	const char	*header;	/* one extra header line, or NULL */
	uint64_t	 offset;	/* bytes of fd already downloaded */
	uint64_t	 max_bytes;	/* most bytes fd may end up holding */
	long		 timeout_s;	/* for the whole transfer */
	enum mc_ec	 code;		/* for what the far side causes */
};

/*
 * GET req->url (borrowed, like all of *req) and write the body into fd
 * (borrowed, open for writing) from req->offset on; when offset > 0 ask
 * for the rest with a Range request, and should the server answer with
 * the whole file instead (200), truncate fd and write it from byte 0.
 * Follows up to a few redirects (http and https only); an HTTP status
 * >= 400, a body that would take fd past max_bytes, a Content-Range
 * that does not start at offset, or the time running out fail.  Returns
 * 0 and the bytes fd now holds in *ret_size; -1 with err set (req->code
 * for what the server or URL caused, InternalError for local failures),
 * fd then holding what arrived so far for a later resume, or truncated
 * to 0 when that cannot be resumed from (too big, a wrong range).  The
 * caller calls curl_global_init() once before any thread uses this.
 */
int	ami_http_get(const struct ami_http_req *req, int fd,
	    uint64_t *ret_size, struct mc_err *err);

#endif /* AMI_HTTP_H */

/*
 * ami_http: libcurl easy transfer whose write callback pwrite()s into
 * the caller's fd, enforcing the size limit as bytes arrive (a server's
 * Content-Length is only a hint) and deciding, at the first byte,
 * whether the answer continues the file or replaces it.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <curl/curl.h>

#include "mc_err.h"
#include "ami_http.h"

#define MAX_REDIRS	5
#define CONNECT_S	30
#define STALL_S		60	/* give up when under 1 byte/s this long */
#define LINE_MAX_LEN	256	/* longest header line we look into */
#define PROTOCOLS	"http,https"
#define RANGE_LEN	24	/* "18446744073709551615-" */

enum xfer_fail {
	XF_NONE,
	XF_TOO_BIG,
	XF_BAD_RANGE,
	XF_WRITE,
};

/* State shared by the callbacks of one transfer. */
struct xfer {
	CURL			*c;
	int			 fd;
	const struct ami_http_req *req;
	uint64_t		 pos;		/* where the next byte goes */
	bool			 started;	/* the answer has been judged */
	int64_t			 range_start;	/* Content-Range start, or -1 */
	enum xfer_fail		 fail;
	int			 sys_errno;
};

/* Headers arrive for every answer of a redirect chain: keep the last. */
static size_t
on_header(char *p, size_t size, size_t nmemb, void *arg)
{
	struct xfer	*x = arg;
	size_t		 n = size * nmemb;
	char		 line[LINE_MAX_LEN];
	unsigned long long start;

	if (n >= sizeof(line))
		return n;		/* too long to be a Content-Range */
	memcpy(line, p, n);
	line[n] = '\0';
	if (strncmp(line, "HTTP/", 5) == 0)
		x->range_start = -1;
	else if (strncasecmp(line, "Content-Range:", 14) == 0 &&
	    sscanf(line + 14, " bytes %llu-", &start) == 1 &&
	    start <= INT64_MAX)
		x->range_start = (int64_t)start;
	return n;
}

/* Judge the answer once: continue at offset, or start the file over. */
static int
xfer_start(struct xfer *x)
{
	long status = 0;

	x->started = true;
	(void)curl_easy_getinfo(x->c, CURLINFO_RESPONSE_CODE, &status);
	if (status == 206) {
		if (x->range_start != (int64_t)x->req->offset) {
			x->fail = XF_BAD_RANGE;
			return -1;
		}
		return 0;
	}
	if (x->pos != 0) {
		if (ftruncate(x->fd, 0) < 0) {
			x->fail = XF_WRITE;
			x->sys_errno = errno;
			return -1;
		}
		x->pos = 0;
	}
	return 0;
}

static size_t
on_body(char *p, size_t size, size_t nmemb, void *arg)
{
	struct xfer	*x = arg;
	size_t		 n = size * nmemb, done = 0;
	ssize_t		 w;

	if (!x->started && xfer_start(x) < 0)
		return 0;
	if (n > x->req->max_bytes - x->pos) {
		x->fail = XF_TOO_BIG;
		return 0;
	}
	while (done < n) {
		w = pwrite(x->fd, p + done, n - done, (off_t)(x->pos + done));
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			x->fail = XF_WRITE;
			x->sys_errno = errno;
			return 0;
		}
		done += (size_t)w;
	}
	x->pos += n;
	return n;
}

/* Turn a failed transfer into one error, the callbacks' reason first. */
static int
xfer_error(const struct xfer *x, CURLcode rc, struct mc_err *err)
{
	long status = 0;

	switch (x->fail) {
	case XF_TOO_BIG:
		return mc_err_set(err, x->req->code, "the image is larger "
		    "than the limit of %llu bytes",
		    (unsigned long long)x->req->max_bytes);
	case XF_BAD_RANGE:
		return mc_err_set(err, x->req->code, "the server answered "
		    "with the wrong range");
	case XF_WRITE:
		return mc_err_sys(err, x->sys_errno, "cannot write the "
		    "image: %s", strerror(x->sys_errno));
	case XF_NONE:
		break;
	}
	(void)curl_easy_getinfo(x->c, CURLINFO_RESPONSE_CODE, &status);
	if (rc == CURLE_HTTP_RETURNED_ERROR)
		return mc_err_set(err, x->req->code, "the download failed: "
		    "HTTP %ld", status);
	if (rc == CURLE_FILESIZE_EXCEEDED)
		return mc_err_set(err, x->req->code, "the image is larger "
		    "than the limit of %llu bytes",
		    (unsigned long long)x->req->max_bytes);
	if (rc == CURLE_UNSUPPORTED_PROTOCOL)
		return mc_err_set(err, x->req->code, "only http and https "
		    "URLs are accepted");
	return mc_err_set(err, x->req->code, "the download failed: %s",
	    curl_easy_strerror(rc));
}

static int
setup(struct xfer *x, struct curl_slist *hdrs, const char *range)
{
	const struct ami_http_req *r = x->req;
	CURL	*c = x->c;
	int	 bad = 0;

	bad |= curl_easy_setopt(c, CURLOPT_URL, r->url);
	bad |= curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, PROTOCOLS);
	bad |= curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, PROTOCOLS);
	bad |= curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	bad |= curl_easy_setopt(c, CURLOPT_MAXREDIRS, (long)MAX_REDIRS);
	bad |= curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
	bad |= curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	bad |= curl_easy_setopt(c, CURLOPT_TIMEOUT, r->timeout_s);
	bad |= curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)CONNECT_S);
	bad |= curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	bad |= curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, (long)STALL_S);
	bad |= curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)r->max_bytes);
	bad |= curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	bad |= curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	bad |= curl_easy_setopt(c, CURLOPT_HEADERDATA, x);
	bad |= curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	bad |= curl_easy_setopt(c, CURLOPT_WRITEDATA, x);
	/*
	 * CURLOPT_RANGE, not RESUME_FROM: with the latter curl fails a 200
	 * answer outright, where we want to take it as the whole file.
	 */
	if (r->offset > 0)
		bad |= curl_easy_setopt(c, CURLOPT_RANGE, range);
	return bad != 0 ? -1 : 0;
}

/* The extra header must stay one line: no CR or LF sneaks in another. */
static int
check_req(const struct ami_http_req *r, struct mc_err *err)
{
	if (r->url == NULL || r->url[0] == '\0')
		return mc_err_set(err, r->code, "no URL to download");
	if (r->header != NULL && strpbrk(r->header, "\r\n") != NULL)
		return mc_err_set(err, MC_EC_INTERNAL_ERROR,
		    "a request header holds a line break");
	if (r->offset > r->max_bytes || r->max_bytes > INT64_MAX)
		return mc_err_set(err, MC_EC_INTERNAL_ERROR,
		    "bad download bounds");
	return 0;
}

int
ami_http_get(const struct ami_http_req *req, int fd, uint64_t *ret_size,
    struct mc_err *err)
{
	struct xfer		 x = { .fd = fd, .req = req, .pos = req->offset,
				       .range_start = -1 };
	struct curl_slist	*hdrs = NULL;
	char			 range[RANGE_LEN];
	CURLcode		 rc;
	int			 ret = -1;

	if (check_req(req, err) < 0)
		return -1;
	/* Copied by curl_easy_setopt; 20 digits and a dash always fit. */
	(void)snprintf(range, sizeof(range), "%llu-",
	    (unsigned long long)req->offset);
	if (req->header != NULL &&
	    (hdrs = curl_slist_append(NULL, req->header)) == NULL)
		return mc_err_sys(err, ENOMEM, "out of memory");
	if ((x.c = curl_easy_init()) == NULL || setup(&x, hdrs, range) < 0) {
		(void)mc_err_set(err, MC_EC_INTERNAL_ERROR,
		    "cannot set up the download");
		goto out;
	}
	rc = curl_easy_perform(x.c);
	/* An empty body never reached on_body: judge the answer now. */
	if (rc == CURLE_OK && !x.started && xfer_start(&x) < 0)
		rc = CURLE_WRITE_ERROR;
	if (rc != CURLE_OK) {
		/* What is in fd cannot be resumed from: leave nothing. */
		if (x.fail == XF_TOO_BIG || x.fail == XF_BAD_RANGE ||
		    rc == CURLE_FILESIZE_EXCEEDED)
			(void)ftruncate(fd, 0);
		(void)xfer_error(&x, rc, err);
		goto out;
	}
	*ret_size = x.pos;
	ret = 0;
out:
	curl_easy_cleanup(x.c);
	curl_slist_free_all(hdrs);
	return ret;
}

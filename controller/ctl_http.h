/*
 * ctl_http: an HTTP/1.1 listener on libmicrohttpd with a thread pool.
 * Collects a request (method, raw path and query, headers, body up to a
 * limit) and hands it to one handler function, which fills a response.
 * It knows nothing of EC2; the API, the agents' listener and the bench
 * baseline all sit on it.
 */
#ifndef CTL_HTTP_H
#define CTL_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mc_conf.h"

struct mc_err;
struct ctl_http;

#define CTL_HTTP_MAX_HEADERS	64	/* more are dropped */

struct ctl_http_hdr {
	const char	*name;		/* as received */
	const char	*value;
};

/* One request; every pointer is borrowed for the handler's call only. */
struct ctl_http_req {
	const char			*method;
	const char			*path;	/* raw, without the query */
	const char			*query;	/* raw, after '?'; "" if none */
	const struct ctl_http_hdr	*hdrs;
	size_t				 n_hdrs;
	const char			*body;	/* NULL when there is none */
	size_t				 body_len;
	bool				 too_large; /* body over the limit */
	void				*stream; /* the sink's ctx: body streamed */
	const char			*peer;	/* client address */
};

#define CTL_HTTP_RESP_HEADERS	4	/* extra response headers */

/* What the handler answers. */
struct ctl_http_resp {
	int		 status;
	const char	*content_type;	/* a static string */
	char		*body;		/* malloc'd; ctl_http frees it */
	size_t		 body_len;
	/* Or a file: fd >= 0 sends fd_len bytes from fd_offset, and closes. */
	int		 fd;
	uint64_t	 fd_offset, fd_len;
	char		 request_id[64]; /* sent as x-amzn-RequestId if set */
	struct {
		const char	*name;	/* static */
		char		 value[128];
	}		 headers[CTL_HTTP_RESP_HEADERS];
	int		 n_headers;
};

/* Add header name (static) with a formatted value to resp. */
void	ctl_http_resp_header(struct ctl_http_resp *resp, const char *name,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/*
 * Where a streamed body goes (an upload of any size): write gets each
 * piece as it arrives and returns 0, or -1 to drop the connection; end
 * is called once the request is over, complete when the handler ran.
 * Both are called from the connection's thread.
 */
struct ctl_http_sink {
	void	*ctx;
	int	(*write)(void *ctx, const char *data, size_t len);
	void	(*end)(void *ctx, bool complete);
};

struct ctl_http_opts {
	struct mc_addr	addr;
	size_t		body_limit;	/* bytes */
	unsigned	threads;
	unsigned	conn_limit;	/* open connections */
	unsigned	timeout_s;	/* idle connection timeout */
	/* One thread per connection, for handlers that block (long polls). */
	bool		thread_per_conn;
	/*
	 * Optional: called once a request's head has arrived (req->body is
	 * NULL).  Returns 1 with *ret filled to stream the body into it
	 * (body_limit does not apply; req->stream is ret->ctx for the
	 * handler), 0 to collect the body as usual, or -1 with resp filled
	 * to answer at once without reading the body.
	 */
	int		(*stream)(void *arg, const struct ctl_http_req *req,
			    struct ctl_http_sink *ret,
			    struct ctl_http_resp *resp);
};

/*
 * Listen on opts->addr and serve every request with handle(arg, ...),
 * called from the pool's threads.  On success *ret is a new listener the
 * caller frees with ctl_http_free.  Returns 0, or -1 with err set
 * ("cannot listen on ADDR: Address already in use").
 */
int	ctl_http_start(const struct ctl_http_opts *opts,
	    void (*handle)(void *arg, const struct ctl_http_req *req,
	    struct ctl_http_resp *resp), void *arg, struct ctl_http **ret,
	    struct mc_err *err);

/* The first value of header name (any case) in req, borrowed, or NULL. */
const char	*ctl_http_header(const struct ctl_http_req *req, const char *name);

/* The port actually bound (useful with port 0). */
uint16_t	ctl_http_port(const struct ctl_http *h);

/* Stop serving (waits for requests in progress) and free h (NULL ok). */
void	ctl_http_free(struct ctl_http *h);

#endif /* CTL_HTTP_H */

/*
 * ctl_http: libmicrohttpd glue.  We make the listening socket ourselves
 * so that a taken port is reported with its errno, and read the raw URI
 * through the URI log callback because SigV4 hashes the query string as
 * sent, which MHD would otherwise only give us decoded.
 */
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <microhttpd.h>

#include "mc_buf.h"
#include "mc_cleanup.h"
#include "mc_err.h"
#include "mc_log.h"
#include "ctl_http.h"

struct ctl_http {
	struct MHD_Daemon	*mhd;
	int			 fd;
	uint16_t		 port;
	size_t			 body_limit;
	void			(*handle)(void *, const struct ctl_http_req *,
				    struct ctl_http_resp *);
	void			*arg;
	int			(*stream)(void *, const struct ctl_http_req *,
				    struct ctl_http_sink *,
				    struct ctl_http_resp *);
};

/* Per-request state, from the URI callback to the completion callback. */
struct call {
	char			*uri;		/* raw request target */
	const char		*query;		/* in uri, after the split */
	bool			 started;
	bool			 streaming;	/* body goes to sink */
	bool			 handled;	/* the handler ran */
	struct ctl_http_sink	 sink;
	bool			 too_large;
	struct mc_buf		 body;
	struct ctl_http_hdr	 hdrs[CTL_HTTP_MAX_HEADERS];
	size_t			 n_hdrs;
};

static void *
on_uri(void *cls, const char *uri, struct MHD_Connection *con)
{
	struct ctl_http	*h = cls;
	struct call	*c = calloc(1, sizeof(*c));

	(void)con;
	if (c == NULL)
		return NULL;
	mc_buf_init(&c->body, h->body_limit);
	c->uri = strdup(uri != NULL ? uri : "/");
	return c;
}

static void
on_done(void *cls, struct MHD_Connection *con, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct call *c = *con_cls;

	(void)cls;
	(void)con;
	(void)toe;
	if (c == NULL)
		return;
	if (c->streaming)
		c->sink.end(c->sink.ctx, c->handled);
	mc_buf_clear(&c->body);
	free(c->uri);
	free(c);
	*con_cls = NULL;
}

static enum MHD_Result
collect_header(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	struct call *c = cls;

	(void)kind;
	if (c->n_hdrs < CTL_HTTP_MAX_HEADERS) {
		c->hdrs[c->n_hdrs].name = key;
		c->hdrs[c->n_hdrs].value = value != NULL ? value : "";
		c->n_hdrs++;
	}
	return MHD_YES;
}

static void
peer_name(struct MHD_Connection *con, char *buf, size_t bufsz)
{
	const union MHD_ConnectionInfo	*ci;
	const struct sockaddr		*sa;
	char				 ip[INET6_ADDRSTRLEN] = "?";

	ci = MHD_get_connection_info(con, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	sa = ci != NULL ? ci->client_addr : NULL;
	if (sa != NULL && sa->sa_family == AF_INET)
		(void)inet_ntop(AF_INET,
		    &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
		    ip, sizeof(ip));
	else if (sa != NULL && sa->sa_family == AF_INET6)
		(void)inet_ntop(AF_INET6,
		    &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
		    ip, sizeof(ip));
	(void)snprintf(buf, bufsz, "%s", ip);
}

/*
 * The request as handlers see it (peer is the caller's buffer).  The
 * raw target is split in place, once: the path, then the query.
 */
static void
request_of(struct MHD_Connection *con, struct call *c, const char *method,
    char *peer, struct ctl_http_req *req)
{
	char *q;

	memset(req, 0, sizeof(*req));
	if (c->query == NULL) {
		(void)MHD_get_connection_values(con, MHD_HEADER_KIND,
		    collect_header, c);
		q = strchr(c->uri, '?');
		if (q != NULL)
			*q++ = '\0';
		c->query = q != NULL ? q : "";
	}
	peer_name(con, peer, INET6_ADDRSTRLEN);
	req->method = method;
	req->path = c->uri;
	req->query = c->query;
	req->hdrs = c->hdrs;
	req->n_hdrs = c->n_hdrs;
	req->peer = peer;
}

/* Queue resp (whose body or fd it takes) on con. */
static enum MHD_Result
queue(struct MHD_Connection *con, struct ctl_http_resp *resp)
{
	struct MHD_Response	*r;
	enum MHD_Result		 rc;

	if (resp->fd >= 0) {
		free(resp->body);
		/* MHD owns the fd from here, even when this fails. */
		r = MHD_create_response_from_fd_at_offset64(resp->fd_len,
		    resp->fd, resp->fd_offset);
	} else {
		r = MHD_create_response_from_buffer(resp->body_len, resp->body,
		    MHD_RESPMEM_MUST_FREE);
		if (r == NULL)
			free(resp->body);
	}
	if (r == NULL)
		return MHD_NO;
	for (int i = 0; i < resp->n_headers; i++)
		(void)MHD_add_response_header(r, resp->headers[i].name,
		    resp->headers[i].value);
	if (resp->content_type != NULL)
		(void)MHD_add_response_header(r, "Content-Type",
		    resp->content_type);
	if (resp->request_id[0] != '\0')
		(void)MHD_add_response_header(r, "x-amzn-RequestId",
		    resp->request_id);
	rc = MHD_queue_response(con, (unsigned)resp->status, r);
	MHD_destroy_response(r);
	return rc;
}

/* Run the handler on the complete request and queue its response. */
static enum MHD_Result
respond(struct ctl_http *h, struct MHD_Connection *con, struct call *c,
    const char *method)
{
	struct ctl_http_req	 req;
	struct ctl_http_resp	 resp;
	char			 peer[INET6_ADDRSTRLEN];

	memset(&resp, 0, sizeof(resp));
	resp.fd = -1;
	request_of(con, c, method, peer, &req);
	req.too_large = c->too_large || c->body.failed;
	req.body = req.too_large || c->streaming ? NULL : c->body.data;
	req.body_len = req.too_large || c->streaming ? 0 : c->body.len;
	req.stream = c->streaming ? c->sink.ctx : NULL;
	h->handle(h->arg, &req, &resp);
	c->handled = true;
	return queue(con, &resp);
}

/*
 * Ask the stream hook about a request whose head just arrived: 1 the
 * body is streamed, 0 collected, -1 answered (the response is queued,
 * or MHD_NO is in *ret).
 */
static int
stream_start(struct ctl_http *h, struct MHD_Connection *con, struct call *c,
    const char *method, enum MHD_Result *ret)
{
	struct ctl_http_req	 req;
	struct ctl_http_resp	 resp;
	char			 peer[INET6_ADDRSTRLEN];
	int			 rc;

	if (h->stream == NULL)
		return 0;
	memset(&resp, 0, sizeof(resp));
	resp.fd = -1;
	request_of(con, c, method, peer, &req);
	rc = h->stream(h->arg, &req, &c->sink, &resp);
	if (rc > 0)
		c->streaming = true;
	if (rc < 0)
		*ret = queue(con, &resp);
	return rc;
}

/* True when the declared Content-Length is over the limit. */
static bool
declared_too_large(struct ctl_http *h, struct MHD_Connection *con)
{
	const char		*cl;
	unsigned long long	 n;
	char			*end;

	cl = MHD_lookup_connection_value(con, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (cl == NULL)
		return false;
	errno = 0;
	n = strtoull(cl, &end, 10);
	return errno != 0 || *end != '\0' || n > h->body_limit;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *con, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **con_cls)
{
	struct ctl_http	*h = cls;
	struct call	*c = *con_cls;

	(void)url;
	(void)version;
	if (c == NULL || c->uri == NULL)
		return MHD_NO;	/* out of memory: drop the connection */
	if (!c->started) {
		enum MHD_Result	 answered = MHD_NO;
		int		 k;

		c->started = true;
		if ((k = stream_start(h, con, c, method, &answered)) != 0)
			return k > 0 ? MHD_YES : answered;
		/* Refuse a declared oversize body before reading any of it. */
		if (declared_too_large(h, con)) {
			c->too_large = true;
			return respond(h, con, c, method);
		}
		return MHD_YES;
	}
	if (*upload_size > 0 && c->streaming) {
		if (c->sink.write(c->sink.ctx, upload, *upload_size) < 0)
			return MHD_NO;	/* the sink says why, at its end */
		*upload_size = 0;
		return MHD_YES;
	}
	if (*upload_size > 0) {
		mc_buf_add(&c->body, upload, *upload_size);
		*upload_size = 0;
		/*
		 * A body without Content-Length (chunked) that outgrows the
		 * limit: MHD cannot answer before the upload ends, so drop
		 * the connection rather than read an endless stream.
		 */
		if (c->body.failed) {
			mc_log(MC_LOG_INFO, "request body over the limit, "
			    "connection closed", "limit=%zu", h->body_limit);
			return MHD_NO;
		}
		return MHD_YES;
	}
	return respond(h, con, c, method);
}

static void
on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];

	(void)cls;
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	msg[strcspn(msg, "\n")] = '\0';
	mc_log(MC_LOG_WARN, "http server", "detail=%s", msg);
}

/* Make, bind and listen on a socket for addr.  Returns the fd or -1. */
static int
listen_on(const struct mc_addr *addr, uint16_t *ret_port, struct mc_err *err)
{
	MC_AUTOCLOSE int	 fd = -1;
	struct sockaddr_storage	 ss;
	socklen_t		 len;
	char			 name[80];
	int			 one = 1, af;

	memset(&ss, 0, sizeof(ss));
	af = strchr(addr->host, ':') != NULL ? AF_INET6 : AF_INET;
	if (af == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(addr->port);
		(void)inet_pton(AF_INET6, addr->host, &s6->sin6_addr);
		len = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(addr->port);
		(void)inet_pton(AF_INET, addr->host, &s4->sin_addr);
		len = sizeof(*s4);
	}
	mc_addr_format(addr, name, sizeof(name));
	if ((fd = socket(af, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, 512) < 0)
		return mc_err_set(err, MC_EC_INTERNAL_ERROR,
		    "cannot listen on %s: %s", name, strerror(errno));
	len = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return mc_err_set(err, MC_EC_INTERNAL_ERROR,
		    "cannot read the address of %s: %s", name, strerror(errno));
	*ret_port = ntohs(af == AF_INET6 ?
	    ((struct sockaddr_in6 *)&ss)->sin6_port :
	    ((struct sockaddr_in *)&ss)->sin_port);
	return mc_steal_fd(&fd);
}

int
ctl_http_start(const struct ctl_http_opts *opts,
    void (*handle)(void *, const struct ctl_http_req *,
    struct ctl_http_resp *), void *arg, struct ctl_http **ret,
    struct mc_err *err)
{
	struct ctl_http *h;

	if ((h = calloc(1, sizeof(*h))) == NULL)
		return mc_err_sys(err, ENOMEM, "out of memory");
	h->body_limit = opts->body_limit;
	h->handle = handle;
	h->arg = arg;
	h->stream = opts->stream;
	if ((h->fd = listen_on(&opts->addr, &h->port, err)) < 0) {
		free(h);
		return -1;
	}
	h->mhd = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD |
	    (opts->thread_per_conn ? MHD_USE_THREAD_PER_CONNECTION |
	    MHD_USE_POLL : MHD_USE_EPOLL) | MHD_USE_ERROR_LOG, 0, NULL, NULL,
	    on_request, h,
	    MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, h,
	    MHD_OPTION_LISTEN_SOCKET, h->fd,
	    MHD_OPTION_THREAD_POOL_SIZE,
	    opts->thread_per_conn ? 0u : opts->threads,
	    MHD_OPTION_CONNECTION_LIMIT, opts->conn_limit,
	    MHD_OPTION_CONNECTION_TIMEOUT, opts->timeout_s,
	    MHD_OPTION_URI_LOG_CALLBACK, on_uri, h,
	    MHD_OPTION_NOTIFY_COMPLETED, on_done, h,
	    MHD_OPTION_END);
	if (h->mhd == NULL) {
		(void)close(h->fd);
		free(h);
		return mc_err_set(err, MC_EC_INTERNAL_ERROR,
		    "cannot start the HTTP server");
	}
	*ret = h;
	return 0;
}

void
ctl_http_resp_header(struct ctl_http_resp *resp, const char *name,
    const char *fmt, ...)
{
	va_list ap;

	if (resp->n_headers >= CTL_HTTP_RESP_HEADERS)
		return;	/* our bug; a missing header shows in tests */
	resp->headers[resp->n_headers].name = name;
	va_start(ap, fmt);
	(void)vsnprintf(resp->headers[resp->n_headers].value,
	    sizeof(resp->headers[0].value), fmt, ap);
	va_end(ap);
	resp->n_headers++;
}

const char *
ctl_http_header(const struct ctl_http_req *req, const char *name)
{
	size_t i;

	for (i = 0; i < req->n_hdrs; i++)
		if (strcasecmp(req->hdrs[i].name, name) == 0)
			return req->hdrs[i].value;
	return NULL;
}

uint16_t
ctl_http_port(const struct ctl_http *h)
{
	return h->port;
}

void
ctl_http_free(struct ctl_http *h)
{
	if (h == NULL)
		return;
	MHD_stop_daemon(h->mhd);	/* closes h->fd too */
	free(h);
}

/*
 * agt_imds: libmicrohttpd glue and the listeners.  One daemon with its
 * own thread per listening socket (a host has few networks); each
 * request becomes a lookup by (label, peer address), an answer from
 * agt_imds_req, and the IP TTL that answer asks for.
 */
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/ip.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "mc_err.h"
#include "mc_hex.h"
#include "mc_log.h"
#include "mc_time.h"
#include "agt_imds_priv.h"

#define CONN_LIMIT	128	/* open connections per listener */
#define IDLE_S		30	/* an idle keep-alive connection closes */
#define MEMORY_LIMIT	(16 * 1024)	/* request line and headers */
#define BODY_LIMIT	4096	/* requests carry no body; tolerate a small one */

struct listener {
	struct agt_imds		*m;
	char			 label[AGT_IMDS_LABEL_MAX + 1];
	struct MHD_Daemon	*mhd;
	struct listener		*next;
};

struct agt_imds {
	struct agt_imds_conf	 conf;
	struct listener		*listeners;
};

/* Per request, from its headers to its end. */
struct call {
	size_t	body_bytes;
};

static int64_t
now_ms(const struct agt_imds *m)
{
	return m->conf.clock_ms != NULL ? m->conf.clock_ms(m->conf.arg) :
	    mc_time_now_ms();
}

/* The peer's IPv4 address; -1 for anything else. */
static int
peer_addr(struct MHD_Connection *con, struct in_addr *ret)
{
	const union MHD_ConnectionInfo	*ci;
	const struct sockaddr		*sa;

	ci = MHD_get_connection_info(con, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	sa = ci != NULL ? ci->client_addr : NULL;
	if (sa == NULL || sa->sa_family != AF_INET)
		return -1;
	*ret = ((const struct sockaddr_in *)(const void *)sa)->sin_addr;
	return 0;
}

/*
 * Set the IP TTL of what the connection sends next; -1 is the system's
 * default.  MHD answers one request at a time per connection, so a
 * keep-alive connection gets its TTL back with the next request.
 */
static void
set_ip_ttl(struct MHD_Connection *con, int ttl)
{
	const union MHD_ConnectionInfo *ci;

	ci = MHD_get_connection_info(con, MHD_CONNECTION_INFO_CONNECTION_FD);
	if (ci != NULL)
		(void)setsockopt(ci->connect_fd, IPPROTO_IP, IP_TTL, &ttl,
		    sizeof(ttl));
}

static const char *
header(struct MHD_Connection *con, const char *name)
{
	return MHD_lookup_connection_value(con, MHD_HEADER_KIND, name);
}

static enum MHD_Result
queue(struct MHD_Connection *con, struct agt_imds_reply *rp)
{
	static char		 oom[] = "500 - Internal Server Error\n";
	struct MHD_Response	*r;
	char			*body;
	size_t			 len = 0;
	enum MHD_Result		 rc;
	char			 ttl[24];

	if ((body = mc_buf_steal(&rp->body, &len)) == NULL) {
		rp->status = 500;
		rp->content_type = "text/plain";
		rp->ttl_s = 0;
		r = MHD_create_response_from_buffer(sizeof(oom) - 1, oom,
		    MHD_RESPMEM_PERSISTENT);
	} else {
		r = MHD_create_response_from_buffer(len, body,
		    MHD_RESPMEM_MUST_FREE);
		if (r == NULL)
			free(body);
	}
	if (r == NULL)
		return MHD_NO;
	(void)MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
	    rp->content_type);
	if (rp->allow != NULL)
		(void)MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW,
		    rp->allow);
	if (rp->ttl_s > 0) {
		(void)snprintf(ttl, sizeof(ttl), "%lld", (long long)rp->ttl_s);
		(void)MHD_add_response_header(r,
		    "X-Aws-Ec2-Metadata-Token-Ttl-Seconds", ttl);
	}
	rc = MHD_queue_response(con, (unsigned)rp->status, r);
	MHD_destroy_response(r);
	return rc;
}

/* Answer the complete request for the guest at the connection's peer. */
static enum MHD_Result
serve(struct listener *l, struct MHD_Connection *con, const char *url,
    const char *method)
{
	struct agt_imds		*m = l->m;
	struct agt_imds_inst	 in;
	struct agt_imds_req	 req;
	struct agt_imds_reply	 rp;
	struct in_addr		 peer = { 0 };
	char			 ip[INET_ADDRSTRLEN] = "?";
	bool			 found;
	enum MHD_Result		 rc;

	memset(&in, 0, sizeof(in));
	found = peer_addr(con, &peer) == 0 &&
	    m->conf.lookup(m->conf.arg, l->label, peer, &in) == 0 &&
	    agt_imds_inst_check(&in) == 0;
	req.method = method;
	req.path = url;
	req.ttl = header(con, "X-aws-ec2-metadata-token-ttl-seconds");
	req.token = header(con, "X-aws-ec2-metadata-token");
	req.forwarded = header(con, "X-Forwarded-For") != NULL;
	agt_imds_answer(&m->conf, found ? &in : NULL, &req, now_ms(m), &rp);
	agt_imds_inst_clear(&in);
	set_ip_ttl(con, rp.ip_ttl);
	rc = queue(con, &rp);
	mc_buf_clear(&rp.body);
	(void)inet_ntop(AF_INET, &peer, ip, sizeof(ip));
	mc_log(MC_LOG_DEBUG, "imds request", "label=%s peer=%s method=%s "
	    "path=%s status=%d", l->label, ip, method, url, rp.status);
	return rc;
}

/* True when the declared Content-Length is over BODY_LIMIT. */
static bool
declared_too_large(struct MHD_Connection *con)
{
	const char		*cl = header(con, MHD_HTTP_HEADER_CONTENT_LENGTH);
	unsigned long long	 n;
	char			*end;

	if (cl == NULL)
		return false;
	errno = 0;
	n = strtoull(cl, &end, 10);
	return errno != 0 || *end != '\0' || n > BODY_LIMIT;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *con, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **con_cls)
{
	struct listener		*l = cls;
	struct call		*c = *con_cls;
	struct agt_imds_reply	 rp;

	(void)version;
	(void)upload;
	if (c == NULL) {
		/* Headers are in; wait for the end of any body. */
		if ((*con_cls = c = calloc(1, sizeof(*c))) == NULL)
			return MHD_NO;
		if (!declared_too_large(con))
			return MHD_YES;
		/* Answered before the body is read: MHD then closes. */
		memset(&rp, 0, sizeof(rp));
		mc_buf_init(&rp.body, 0);
		rp.status = 413;
		rp.content_type = "text/plain";
		mc_buf_adds(&rp.body, "413 - Request Entity Too Large\n");
		return queue(con, &rp);
	}
	if (*upload_size > 0) {
		/* Nothing reads a body; a chunked one that grows is cut. */
		c->body_bytes += *upload_size;
		*upload_size = 0;
		return c->body_bytes <= BODY_LIMIT ? MHD_YES : MHD_NO;
	}
	return serve(l, con, url, method);
}

static void
on_done(void *cls, struct MHD_Connection *con, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)con;
	(void)toe;
	free(*con_cls);
	*con_cls = NULL;
}

/*
 * Decode %XX in the path in place, except %00: a NUL would cut the path
 * short and make "ami-id%00junk" answer as "ami-id".  Returns the length.
 */
static size_t
on_unescape(void *cls, struct MHD_Connection *con, char *s)
{
	char	*r = s, *w = s;
	int	 hi, lo;

	(void)cls;
	(void)con;
	while (*r != '\0') {
		if (r[0] == '%' && (hi = mc_hex_value(r[1])) >= 0 &&
		    (lo = mc_hex_value(r[2])) >= 0 && (hi | lo) != 0) {
			*w++ = (char)(hi << 4 | lo);
			r += 3;
		} else
			*w++ = *r++;
	}
	*w = '\0';
	return (size_t)(w - s);
}

/* MHD's own messages are mostly about guests' bad requests: debug. */
static void
on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[256];

	(void)cls;
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	msg[strcspn(msg, "\n")] = '\0';
	mc_log(MC_LOG_DEBUG, "imds http server", "detail=%s", msg);
}

struct agt_imds *
agt_imds_new(const struct agt_imds_conf *c, struct mc_err *err)
{
	static const unsigned char	 zero[sizeof(c->secret)];
	struct agt_imds			*m;

	if (c->lookup == NULL) {
		mc_err_set(err, MC_EC_INTERNAL_ERROR, "IMDS without a lookup");
		return NULL;
	}
	/* An unset secret would make every agent's tokens the same. */
	if (memcmp(c->secret, zero, sizeof(zero)) == 0) {
		mc_err_set(err, MC_EC_INTERNAL_ERROR,
		    "IMDS token secret is not set");
		return NULL;
	}
	if ((m = calloc(1, sizeof(*m))) == NULL) {
		mc_err_sys(err, ENOMEM, "out of memory");
		return NULL;
	}
	m->conf = *c;
	m->conf.domain[sizeof(m->conf.domain) - 1] = '\0';
	m->conf.partition[sizeof(m->conf.partition) - 1] = '\0';
	return m;
}

static struct listener **
find_listener(struct agt_imds *m, const char *label)
{
	struct listener **lp;

	for (lp = &m->listeners; *lp != NULL; lp = &(*lp)->next)
		if (strcmp((*lp)->label, label) == 0)
			return lp;
	return NULL;
}

static bool
label_ok(const char *label)
{
	size_t	n = label != NULL ? strnlen(label, AGT_IMDS_LABEL_MAX + 1) : 0;
	size_t	i;

	for (i = 0; i < n; i++)
		if ((unsigned char)label[i] <= ' ' || label[i] == 0x7f)
			return false;
	return n > 0 && n <= AGT_IMDS_LABEL_MAX;
}

/* fd must be an IPv4 TCP socket that listens already. */
static int
check_socket(int fd, struct mc_err *err)
{
	int		domain = 0, type = 0, listening = 0;
	socklen_t	len = sizeof(int);

	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) < 0 ||
	    getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0 ||
	    getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) < 0)
		return mc_err_sys(err, errno, "IMDS socket: %s",
		    strerror(errno));
	if (domain != AF_INET || type != SOCK_STREAM || !listening)
		return mc_err_set(err, MC_EC_INTERNAL_ERROR,
		    "IMDS socket is not a listening IPv4 TCP socket");
	return 0;
}

static struct MHD_Daemon *
start_daemon(struct listener *l, int fd)
{
	/* MHD makes fd non-blocking, and closes it only when stopped. */
	return MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD |
	    MHD_USE_EPOLL | MHD_USE_ERROR_LOG, 0, NULL, NULL,
	    on_request, l,
	    MHD_OPTION_LISTEN_SOCKET, fd,
	    MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, l,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)CONN_LIMIT,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)AGT_IMDS_CONN_PER_IP,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)IDLE_S,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)MEMORY_LIMIT,
	    MHD_OPTION_UNESCAPE_CALLBACK, on_unescape, l,
	    MHD_OPTION_NOTIFY_COMPLETED, on_done, l,
	    MHD_OPTION_END);
}

int
agt_imds_listen(struct agt_imds *m, int fd, const char *label,
    struct mc_err *err)
{
	struct listener *l;

	if (!label_ok(label))
		return mc_err_set(err, MC_EC_INTERNAL_ERROR,
		    "IMDS listener label must be 1-%d printable bytes",
		    AGT_IMDS_LABEL_MAX);
	if (find_listener(m, label) != NULL)
		return mc_err_set(err, MC_EC_INTERNAL_ERROR,
		    "IMDS listener %s exists already", label);
	if (check_socket(fd, err) < 0)
		return -1;
	if ((l = calloc(1, sizeof(*l))) == NULL)
		return mc_err_sys(err, ENOMEM, "out of memory");
	l->m = m;
	(void)snprintf(l->label, sizeof(l->label), "%s", label);
	if ((l->mhd = start_daemon(l, fd)) == NULL) {
		free(l);
		return mc_err_set(err, MC_EC_INTERNAL_ERROR,
		    "cannot start the IMDS server for %s", label);
	}
	l->next = m->listeners;
	m->listeners = l;
	return 0;
}

void
agt_imds_unlisten(struct agt_imds *m, const char *label)
{
	struct listener **lp, *l;

	if (m == NULL || label == NULL || (lp = find_listener(m, label)) == NULL)
		return;
	l = *lp;
	*lp = l->next;
	MHD_stop_daemon(l->mhd);	/* waits for its thread, closes fd */
	free(l);
}

void
agt_imds_free(struct agt_imds *m)
{
	if (m == NULL)
		return;
	while (m->listeners != NULL)
		agt_imds_unlisten(m, m->listeners->label);
	free(m);
}

/*
 * net_nl: the rtnetlink socket and one exchange with the kernel: send a
 * request, read its answer to the end (ACK, error with the kernel's
 * extended-ACK text, or a dump's messages up to NLMSG_DONE).  The link,
 * address/route/neighbour and description calls are in net_nl_link.c,
 * net_nl_addr.c and net_nl_show.c.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netlink.h>

#include "mc_err.h"
#include "net_nl.h"
#include "net_nl_priv.h"
#include "net_ns.h"

/*
 * Dumps come in messages the kernel sizes from our receive buffer; 32
 * KiB holds any one link message with its statistics.
 */
#define RECV_BUF	32768
#define TALK_MORE	(-1)	/* the answer goes on in the next datagram */

static int
sock_open(const char *ns, struct net_nl *nl, struct mc_err *err)
{
	int prev, errnum, one = 1;

	if (net_ns_enter(ns, &prev, err) < 0)
		return -1;
	nl->sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	errnum = errno;
	if (net_ns_leave(prev, err) < 0)
		return -1;
	if (nl->sock == NULL)
		return mc_err_sys(err, errnum, "cannot open rtnetlink: %s",
		    strerror(errnum));
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0)
		return mc_err_sys(err, errno, "cannot bind rtnetlink: %s",
		    strerror(errno));
	/*
	 * Extended ACKs carry the kernel's reason in words ("Nexthop has
	 * invalid gateway"); capped ACKs leave our request out of them.
	 * Both are best effort: without them we still get the errno.
	 */
	(void)mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one,
	    sizeof(one));
	(void)mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &one,
	    sizeof(one));
	nl->portid = mnl_socket_get_portid(nl->sock);
	return 0;
}

int
net_nl_open(const char *ns, struct net_nl **ret_nl, struct mc_err *err)
{
	struct net_nl *nl;

	nl = calloc(1, sizeof(*nl));
	if (nl == NULL || (nl->rbuf = malloc(RECV_BUF)) == NULL) {
		free(nl);
		return mc_err_sys(err, errno, "out of memory");
	}
	if (sock_open(ns, nl, err) < 0) {
		net_nl_close(nl);
		return -1;
	}
	*ret_nl = nl;
	return 0;
}

void
net_nl_close(struct net_nl *nl)
{
	if (nl == NULL)
		return;
	if (nl->sock != NULL)
		(void)mnl_socket_close(nl->sock);
	free(nl->rbuf);
	free(nl);
}

struct nlmsghdr *
net_nl_msg(void *buf, uint16_t type, uint16_t flags, size_t hdrlen,
    void **ret_hdr)
{
	struct nlmsghdr *nlh;

	memset(buf, 0, NET_NL_MSG_MAX);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	*ret_hdr = mnl_nlmsg_put_extra_header(nlh, hdrlen);
	return nlh;
}

static int
ext_attr(const struct nlattr *attr, void *arg)
{
	struct net_nl *nl = arg;

	if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
	    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
		(void)snprintf(nl->ext, sizeof(nl->ext), "%s",
		    mnl_attr_get_str(attr));
	return MNL_CB_OK;
}

/* NLMSG_ERROR: 0 for an ACK, else the errno, keeping the kernel's text. */
static int
talk_error(struct net_nl *nl, const struct nlmsghdr *nlh)
{
	const struct nlmsgerr	*e = mnl_nlmsg_get_payload(nlh);
	size_t			 off = sizeof(*e);

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e)))
		return EBADMSG;
	if (e->error == 0)
		return 0;
	/* The TLVs follow the echoed request, unless it was capped. */
	if ((nlh->nlmsg_flags & NLM_F_CAPPED) == 0)
		off += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
	if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) != 0 &&
	    off < mnl_nlmsg_get_payload_len(nlh))
		(void)mnl_attr_parse(nlh, off, ext_attr, nl);
	return e->error < 0 ? -e->error : e->error;
}

/* NLMSG_DONE ends a dump; newer kernels put the dump's error in it. */
static int
talk_done(const struct nlmsghdr *nlh)
{
	int rc = 0;

	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(rc))
		memcpy(&rc, mnl_nlmsg_get_payload(nlh), sizeof(rc));
	return rc < 0 ? -rc : 0;
}

/* Walk one datagram: 0 or an errno when the answer ends, else TALK_MORE. */
static int
talk_batch(struct net_nl *nl, size_t n,
    void (*fn)(const struct nlmsghdr *, void *), void *arg)
{
	const struct nlmsghdr	*nlh = (const struct nlmsghdr *)nl->rbuf;
	int			 left = (int)n;

	for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
		/* Not the answer to this request: a leftover, skip it. */
		if (nlh->nlmsg_seq != nl->seq ||
		    !mnl_nlmsg_portid_ok(nlh, nl->portid))
			continue;
		if (nlh->nlmsg_type == NLMSG_ERROR)
			return talk_error(nl, nlh);
		if (nlh->nlmsg_type == NLMSG_DONE)
			return talk_done(nlh);
		if (nlh->nlmsg_type == NLMSG_OVERRUN)
			return EOVERFLOW;
		if (nlh->nlmsg_type >= NLMSG_MIN_TYPE && fn != NULL)
			fn(nlh, arg);
	}
	return TALK_MORE;
}

int
net_nl_talk(struct net_nl *nl, struct nlmsghdr *nlh,
    void (*fn)(const struct nlmsghdr *, void *), void *arg)
{
	ssize_t	n;
	int	rc = TALK_MORE;

	nl->ext[0] = '\0';
	nlh->nlmsg_seq = ++nl->seq;
	/* A dump ends with NLMSG_DONE; anything else, ask for an ACK. */
	if ((nlh->nlmsg_flags & NLM_F_DUMP) != NLM_F_DUMP)
		nlh->nlmsg_flags |= NLM_F_ACK;
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return errno;
	do {
		n = mnl_socket_recvfrom(nl->sock, nl->rbuf, RECV_BUF);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno;
		if (n == 0)
			return EPIPE;
		rc = talk_batch(nl, (size_t)n, fn, arg);
	} while (n < 0 || rc == TALK_MORE);
	return rc;
}

static int
vfail(struct net_nl *nl, struct mc_err *err, int errnum, const char *fmt,
    va_list ap)
{
	char what[160];

	(void)vsnprintf(what, sizeof(what), fmt, ap);
	if (nl->ext[0] != '\0')
		return mc_err_sys(err, errnum, "%s: %s (%s)", what,
		    strerror(errnum), nl->ext);
	return mc_err_sys(err, errnum, "%s: %s", what, strerror(errnum));
}

int
net_nl_fail(struct net_nl *nl, struct mc_err *err, int errnum,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vfail(nl, err, errnum, fmt, ap);
	va_end(ap);
	return -1;
}

int
net_nl_do(struct net_nl *nl, struct nlmsghdr *nlh, int ok_errno,
    struct mc_err *err, const char *fmt, ...)
{
	va_list	ap;
	int	rc;

	rc = net_nl_talk(nl, nlh, NULL, NULL);
	if (rc == 0 || rc == ok_errno)
		return 0;
	va_start(ap, fmt);
	(void)vfail(nl, err, rc, fmt, ap);
	va_end(ap);
	return -1;
}

struct attrs_ctx {
	const struct nlattr **tb;
};

static int
attrs_store(const struct nlattr *attr, void *arg)
{
	struct attrs_ctx	*ctx = arg;
	uint16_t		 type = mnl_attr_get_type(attr);

	if (type <= NET_NL_ATTR_MAX)
		ctx->tb[type] = attr;
	return MNL_CB_OK;
}

void
net_nl_attrs(const struct nlmsghdr *nlh, size_t hdrlen,
    const struct nlattr *tb[NET_NL_ATTR_MAX + 1])
{
	struct attrs_ctx ctx = { tb };

	memset(tb, 0, sizeof(*tb) * (NET_NL_ATTR_MAX + 1));
	(void)mnl_attr_parse(nlh, hdrlen, attrs_store, &ctx);
}

void
net_nl_attrs_nested(const struct nlattr *attr,
    const struct nlattr *tb[NET_NL_ATTR_MAX + 1])
{
	struct attrs_ctx ctx = { tb };

	memset(tb, 0, sizeof(*tb) * (NET_NL_ATTR_MAX + 1));
	(void)mnl_attr_parse_nested(attr, attrs_store, &ctx);
}

bool
net_nl_attr_u32(const struct nlattr *attr, uint32_t *ret)
{
	if (attr == NULL || mnl_attr_get_payload_len(attr) < sizeof(*ret))
		return false;
	memcpy(ret, mnl_attr_get_payload(attr), sizeof(*ret));
	return true;
}

const char *
net_nl_attr_str(const struct nlattr *attr)
{
	if (attr == NULL || mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0)
		return NULL;
	return mnl_attr_get_str(attr);
}

bool
net_nl_attr_in4(const struct nlattr *attr, struct in_addr *ret)
{
	if (attr == NULL || mnl_attr_get_payload_len(attr) != sizeof(*ret))
		return false;
	memcpy(ret, mnl_attr_get_payload(attr), sizeof(*ret));
	return true;
}

const char *
net_nl_in4_str(struct in_addr a, char *buf)
{
	(void)inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
	return buf;
}

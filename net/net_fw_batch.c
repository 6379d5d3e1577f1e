/*
 * net_fw_batch: one nf_tables transaction.  Messages are written into
 * libnftnl's batch pages and go to the kernel in ONE sendmsg, the pages
 * as an iovec: nfnetlink runs a transaction only when BEGIN and END come
 * in the same datagram.  No message asks for an ACK: the kernel answers
 * only what it refused, and it has answered by the time sendmsg returns
 * (netlink hands a datagram to nfnetlink inside the sender's call), so
 * the answers are read without waiting until the socket is empty.
 */
#include <sys/socket.h>
#include <sys/uio.h>

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netlink.h>

#include <libmnl/libmnl.h>
#include <libnftnl/batch.h>
#include <libnftnl/common.h>
#include <libnftnl/udata.h>

#include "mc_cleanup.h"
#include "mc_err.h"
#include "net_fw_priv.h"
#include "net_ns.h"

/*
 * Pages of 256 KiB; a message starts before a page's end and may run
 * into its overrun.  Ours stay well under 64 KiB (elements are sent in
 * bounded groups), the largest a netlink attribute can describe anyway.
 */
#define PAGE_BYTES	(256 * 1024)
#define OVERRUN_BYTES	(64 * 1024 + 4096)
#define RECV_BYTES	(128 * 1024)		/* one answer with its echo */
#define RCVBUF_BYTES	(8 * 1024 * 1024)	/* answers to a bad batch */
#define SNDBUF_SLACK	4096
#define WHAT_MAX	112			/* "add rule to chain ..." */
#define EXT_MAX		128			/* the kernel's own words */

/* What the kernel said about the batch. */
struct answer {
	int		errnum;		/* first refusal; 0: none */
	uint32_t	seq;		/* of the refused message */
	char		what[WHAT_MAX];	/* what that message did */
	char		ext[EXT_MAX];	/* the kernel's text, or "" */
	bool		lost;		/* answers overflowed the socket */
};

int
net_fw_batch_init(struct net_fw_batch *b, const char *table,
    struct net_fw_stats *stats, struct mc_err *err)
{
	memset(b, 0, sizeof(*b));
	memset(stats, 0, sizeof(*stats));
	b->nb = nftnl_batch_alloc(PAGE_BYTES, OVERRUN_BYTES);
	if (b->nb == NULL)
		return mc_err_sys(err, ENOMEM, "out of memory");
	b->table = table;
	b->stats = stats;
	b->seq_begin = b->seq = 1;
	(void)nftnl_batch_begin(nftnl_batch_buffer(b->nb), b->seq++);
	net_fw_batch_next(b);
	return 0;
}

void
net_fw_batch_clear(struct net_fw_batch *b)
{
	if (b->nb != NULL)
		nftnl_batch_free(b->nb);
	b->nb = NULL;
}

struct nlmsghdr *
net_fw_batch_msg(struct net_fw_batch *b, uint16_t type, uint16_t flags)
{
	return nftnl_nlmsg_build_hdr(nftnl_batch_buffer(b->nb), type,
	    NFPROTO_INET, flags, b->seq++);
}

void
net_fw_batch_next(struct net_fw_batch *b)
{
	if (nftnl_batch_update(b->nb) < 0)
		net_fw_batch_fail(b, ENOMEM);
}

void
net_fw_batch_fail(struct net_fw_batch *b, int errnum)
{
	if (b->errnum == 0)
		b->errnum = errnum;
}

bool
net_fw_batch_empty(const struct net_fw_batch *b)
{
	return b->seq == b->seq_begin + 1;
}

/* Set a socket buffer with the FORCE option (root), else the plain one. */
static void
sock_buf(int fd, int force, int plain, size_t bytes)
{
	int v = bytes > INT_MAX / 2 ? INT_MAX / 2 : (int)bytes;

	if (setsockopt(fd, SOL_SOCKET, force, &v, sizeof(v)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, plain, &v, sizeof(v));
}

int
net_fw_sock_open(const char *ns, struct mnl_socket **ret, struct mc_err *err)
{
	struct mnl_socket	*sock;
	int			 fd = -1, one = 1;

	if (net_ns_socket(ns[0] != '\0' ? ns : NULL, AF_NETLINK,
	    SOCK_RAW | SOCK_NONBLOCK, NETLINK_NETFILTER, &fd, err) < 0)
		return -1;
	sock = mnl_socket_fdopen(fd);
	if (sock == NULL) {
		(void)close(fd);
		return mc_err_sys(err, errno, "cannot open netfilter socket: "
		    "%s", strerror(errno));
	}
	if (mnl_socket_bind(sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		(void)mnl_socket_close(sock);
		return mc_err_sys(err, errno, "cannot bind netfilter socket: "
		    "%s", strerror(errno));
	}
	/* Best effort: without it we still get the errno. */
	(void)mnl_socket_setsockopt(sock, NETLINK_EXT_ACK, &one, sizeof(one));
	/* Room for the answers to a batch that goes wrong. */
	sock_buf(fd, SO_RCVBUFFORCE, SO_RCVBUF, RCVBUF_BYTES);
	*ret = sock;
	return 0;
}

/* What a message type does, and which attribute names its object. */
static const struct {
	uint16_t	 type;
	const char	*verb;
	uint16_t	 name_attr;
} kinds[] = {
	{ NFT_MSG_NEWTABLE,	"add table",		NFTA_TABLE_NAME },
	{ NFT_MSG_DELTABLE,	"delete table",		NFTA_TABLE_NAME },
	{ NFT_MSG_NEWCHAIN,	"add chain",		NFTA_CHAIN_NAME },
	{ NFT_MSG_DELCHAIN,	"delete chain",		NFTA_CHAIN_NAME },
	{ NFT_MSG_NEWRULE,	"add rule to chain",	NFTA_RULE_CHAIN },
	{ NFT_MSG_DELRULE,	"flush chain",		NFTA_RULE_CHAIN },
	{ NFT_MSG_NEWSET,	"add set",		NFTA_SET_NAME },
	{ NFT_MSG_DELSET,	"delete set",		NFTA_SET_NAME },
	{ NFT_MSG_NEWSETELEM,	"add elements to",	NFTA_SET_ELEM_LIST_SET },
	{ NFT_MSG_DELSETELEM,	"delete elements from",	NFTA_SET_ELEM_LIST_SET },
};

#define ATTR_MAX	16	/* above every attribute we look at */

static int
attr_keep(const struct nlattr *a, void *arg)
{
	const struct nlattr **tb = arg;

	if (mnl_attr_get_type(a) < ATTR_MAX)
		tb[mnl_attr_get_type(a)] = a;
	return MNL_CB_OK;
}

static int
udata_comment(const struct nftnl_udata *u, void *arg)
{
	const char **ret = arg;

	if (nftnl_udata_type(u) == NFTNL_UDATA_RULE_COMMENT &&
	    nftnl_udata_len(u) > 0 &&
	    ((const char *)nftnl_udata_get(u))[nftnl_udata_len(u) - 1] == '\0')
		*ret = nftnl_udata_get(u);
	return 0;
}

/* The attribute as a string, when it is a NUL-terminated one. */
static const char *
attr_str(const struct nlattr *a)
{
	if (a == NULL || mnl_attr_validate(a, MNL_TYPE_NUL_STRING) < 0)
		return NULL;
	return mnl_attr_get_str(a);
}

/*
 * Describe the refused message m (the kernel's echo of it, len bytes
 * there) for a person: "add rule to chain in-sg-1 (sgr-5)".
 */
static void
describe(const struct nlmsghdr *m, size_t len, char *buf, size_t bufsz)
{
	const struct nlattr	*tb[ATTR_MAX] = { 0 };
	const char		*name, *comment = NULL;
	size_t			 i;

	for (i = 0; i < MC_NELEMS(kinds); i++)
		if (NFNL_MSG_TYPE(m->nlmsg_type) == kinds[i].type)
			break;
	if (i == MC_NELEMS(kinds) || len < sizeof(*m) || m->nlmsg_len > len ||
	    m->nlmsg_len < mnl_nlmsg_size(sizeof(struct nfgenmsg)) ||
	    mnl_attr_parse(m, sizeof(struct nfgenmsg), attr_keep, tb) < 0) {
		(void)snprintf(buf, bufsz, "message type %u",
		    (unsigned)NFNL_MSG_TYPE(m->nlmsg_type));
		return;
	}
	name = attr_str(tb[kinds[i].name_attr]);
	if (kinds[i].type == NFT_MSG_NEWRULE && tb[NFTA_RULE_USERDATA] != NULL)
		(void)nftnl_udata_parse(mnl_attr_get_payload(
		    tb[NFTA_RULE_USERDATA]), mnl_attr_get_payload_len(
		    tb[NFTA_RULE_USERDATA]), udata_comment, &comment);
	(void)snprintf(buf, bufsz, "%s %.40s%s%.32s%s", kinds[i].verb,
	    name != NULL ? name : "?", comment != NULL ? " (" : "",
	    comment != NULL ? comment : "", comment != NULL ? ")" : "");
}

static int
ext_attr(const struct nlattr *a, void *arg)
{
	struct answer *ans = arg;

	if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG &&
	    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
		(void)snprintf(ans->ext, sizeof(ans->ext), "%s",
		    mnl_attr_get_str(a));
	return MNL_CB_OK;
}

/* One NLMSG_ERROR: keep the first refusal, what it was and why. */
static void
answer_error(struct answer *ans, const struct nlmsghdr *nlh,
    const struct net_fw_batch *b)
{
	const struct nlmsgerr	*e = mnl_nlmsg_get_payload(nlh);
	size_t			 payload = mnl_nlmsg_get_payload_len(nlh);
	size_t			 off;

	if (payload < sizeof(*e) || e->error == 0 || ans->errnum != 0)
		return;
	ans->errnum = e->error < 0 ? -e->error : e->error;
	ans->seq = e->msg.nlmsg_seq;
	if (e->msg.nlmsg_seq == b->seq_begin)
		(void)snprintf(ans->what, sizeof(ans->what), "commit");
	else
		describe(&e->msg, payload - offsetof(struct nlmsgerr, msg),
		    ans->what, sizeof(ans->what));
	/* The kernel's TLVs follow the echoed message. */
	off = offsetof(struct nlmsgerr, msg) + e->msg.nlmsg_len;
	if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) != 0 &&
	    e->msg.nlmsg_len >= sizeof(struct nlmsghdr) && off < payload)
		(void)mnl_attr_parse(nlh, MNL_ALIGN(off), ext_attr, ans);
}

/* Read every answer queued on sock.  0, or -1 with err set. */
static int
answers_read(struct mnl_socket *sock, const struct net_fw_batch *b,
    struct answer *ans, struct mc_err *err)
{
	MC_AUTOFREE char	*buf = malloc(RECV_BYTES);
	const struct nlmsghdr	*nlh;
	ssize_t			 n;
	int			 left;

	if (buf == NULL)
		return mc_err_sys(err, ENOMEM, "out of memory");
	for (;;) {
		n = mnl_socket_recvfrom(sock, buf, RECV_BYTES);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == ENOBUFS) {
			ans->lost = true;	/* some refusals were dropped */
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n < 0)
			return mc_err_sys(err, errno, "cannot read the kernel's "
			    "answer: %s", strerror(errno));
		left = (int)n;
		for (nlh = (const struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, left);
		    nlh = mnl_nlmsg_next(nlh, &left))
			if (nlh->nlmsg_type == NLMSG_ERROR)
				answer_error(ans, nlh, b);
	}
}

/* Turn a refusal into err. */
static int
answer_fail(const struct answer *ans, const struct net_fw_batch *b,
    const char *ns, struct mc_err *err)
{
	const char *where = ns[0] != '\0' ? ns : net_ns_label(NULL);

	if (ans->errnum == 0)	/* only lost ones: say so */
		return mc_err_sys(err, ENOBUFS, "firewall table %s in %s: "
		    "the kernel refused the batch (answers lost)", b->table,
		    where);
	return mc_err_sys(err, ans->errnum, "firewall table %s in %s: the "
	    "kernel refused message %u of %u, %s: %s%s%s", b->table, where,
	    ans->seq - b->seq_begin + 1, b->seq - b->seq_begin, ans->what,
	    strerror(ans->errnum), ans->ext[0] != '\0' ? ": " : "", ans->ext);
}

/* Send the pages of b as one datagram on sock. */
static int
send_pages(struct mnl_socket *sock, const struct net_fw_batch *b,
    struct iovec *iov, int n_iov, struct mc_err *err)
{
	struct sockaddr_nl	 snl = { .nl_family = AF_NETLINK };
	struct msghdr		 msg = {
		.msg_name = &snl, .msg_namelen = sizeof(snl),
		.msg_iov = iov, .msg_iovlen = (size_t)n_iov,
	};
	ssize_t			 n;

	do
		n = sendmsg(mnl_socket_get_fd(sock), &msg, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return mc_err_sys(err, errno, "firewall table %s: cannot send "
		    "the batch: %s", b->table, strerror(errno));
	return 0;
}

int
net_fw_batch_send(struct net_fw_batch *b, struct mnl_socket *sock,
    const char *ns, struct mc_err *err)
{
	MC_AUTOFREE struct iovec	*iov = NULL;
	struct answer			 ans = { 0 };
	size_t				 bytes = 0;
	int				 n_iov, i;

	(void)nftnl_batch_end(nftnl_batch_buffer(b->nb), b->seq++);
	net_fw_batch_next(b);
	if (b->errnum != 0)
		return mc_err_sys(err, b->errnum, "firewall table %s: cannot "
		    "build the batch: %s", b->table, strerror(b->errnum));
	b->stats->messages = b->seq - b->seq_begin;
	n_iov = nftnl_batch_iovec_len(b->nb);
	if (n_iov > IOV_MAX)
		return mc_err_sys(err, E2BIG, "firewall table %s: the batch "
		    "is larger than %d MiB", b->table,
		    IOV_MAX * (PAGE_BYTES / 1024) / 1024);
	if ((iov = calloc((size_t)n_iov, sizeof(*iov))) == NULL)
		return mc_err_sys(err, ENOMEM, "out of memory");
	nftnl_batch_iovec(b->nb, iov, (uint32_t)n_iov);
	for (i = 0; i < n_iov; i++)
		bytes += iov[i].iov_len;
	/* The kernel takes a datagram only when sndbuf is above its size. */
	sock_buf(mnl_socket_get_fd(sock), SO_SNDBUFFORCE, SO_SNDBUF,
	    bytes + SNDBUF_SLACK);
	if (send_pages(sock, b, iov, n_iov, err) < 0 ||
	    answers_read(sock, b, &ans, err) < 0)
		return -1;
	if (ans.errnum != 0 || ans.lost)
		return answer_fail(&ans, b, ns, err);
	return 0;
}

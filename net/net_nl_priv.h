/*
 * net_nl_priv: what the files of net_nl share and nothing else uses: the
 * handle, one request/answer exchange with the kernel, reading a
 * message's attributes, and error messages that name the object.
 */
#ifndef NET_NL_PRIV_H
#define NET_NL_PRIV_H

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libmnl/libmnl.h>

#include "net_nl.h"

struct mc_err;

#define NET_NL_EXT_MAX		128	/* kernel's extended-ACK text kept */
#define NET_NL_MSG_MAX		1024	/* our requests are smaller */
#define NET_NL_ATTR_MAX		64	/* highest attribute type we read */

struct net_nl {
	struct mnl_socket	*sock;
	uint32_t		 portid;
	uint32_t		 seq;
	char			*rbuf;			/* receive buffer */
	char			 ext[NET_NL_EXT_MAX];	/* "" or the kernel's
							 * text for the last
							 * failure */
};

/*
 * Start a request of this type in buf (NET_NL_MSG_MAX bytes, zeroed
 * here) with flags, its family header of hdrlen bytes zeroed.  Returns
 * the message; *ret_hdr points at the family header.
 */
struct nlmsghdr	*net_nl_msg(void *buf, uint16_t type, uint16_t flags,
		    size_t hdrlen, void **ret_hdr);

/*
 * Send nlh and read the whole answer: for a request, its ACK; for a
 * dump (NLM_F_DUMP), every message, each handed to fn (may be NULL)
 * with arg, until the end.  Returns 0, or the positive errno of the
 * kernel's refusal or of the socket, with nl->ext set when the kernel
 * said more.
 */
int	net_nl_talk(struct net_nl *nl, struct nlmsghdr *nlh,
	    void (*fn)(const struct nlmsghdr *, void *), void *arg);

/*
 * Record in err "<what>: <strerror(errnum)>" plus the kernel's own
 * words when it gave some, where what is formatted from fmt.  Returns -1.
 */
int	net_nl_fail(struct net_nl *nl, struct mc_err *err, int errnum,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * Send nlh as a request and wait for its ACK; on a refusal other than
 * ok_errno (0: none is fine), fail as net_nl_fail with what.
 */
int	net_nl_do(struct net_nl *nl, struct nlmsghdr *nlh, int ok_errno,
	    struct mc_err *err, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));

/* One link as the kernel describes it in an RTM_NEWLINK message. */
struct net_nl_link_msg {
	struct net_nl_link	 link;
	const char		*name;		/* points into the message */
	unsigned		 flags;		/* IFF_ */
	uint8_t			 operstate;	/* IF_OPER_ */
	int			 master;	/* index; 0: none */
};

/* Read nlh (RTM_NEWLINK) into *ret; false when it is malformed. */
bool	net_nl_link_parse(const struct nlmsghdr *nlh,
	    struct net_nl_link_msg *ret);

/* The index of link name, or -1 with err set (ENODEV: "no link NAME"). */
int	net_nl_ifindex(struct net_nl *nl, const char *name, int *ret_index,
	    struct mc_err *err);

/*
 * Fill tb[0..NET_NL_ATTR_MAX] (zeroed here) with the attributes that
 * follow the family header (hdrlen bytes) of nlh; later ones win.
 */
void	net_nl_attrs(const struct nlmsghdr *nlh, size_t hdrlen,
	    const struct nlattr *tb[NET_NL_ATTR_MAX + 1]);

/* The same for the attributes nested in attr. */
void	net_nl_attrs_nested(const struct nlattr *attr,
	    const struct nlattr *tb[NET_NL_ATTR_MAX + 1]);

/* attr as a u32, or false when it is absent or too short. */
bool	net_nl_attr_u32(const struct nlattr *attr, uint32_t *ret);

/* attr as a NUL-terminated string, or NULL when absent or malformed. */
const char	*net_nl_attr_str(const struct nlattr *attr);

/* attr as an IPv4 address, or false when absent or not 4 bytes. */
bool	net_nl_attr_in4(const struct nlattr *attr, struct in_addr *ret);

struct mc_buf;

/*
 * Append r as text: "DST [via GW] [dev DEV] [src SRC] [metric N]
 * [onlink]", DST being "default" or A.B.C.D[/LEN] (no /32).  The type
 * and table are the caller's to write.
 */
void	net_nl_route_text(struct mc_buf *b, const struct net_nl_route *r);

/* a in dotted form; buf holds INET_ADDRSTRLEN bytes.  Returns buf. */
const char	*net_nl_in4_str(struct in_addr a, char *buf);

#endif /* NET_NL_PRIV_H */

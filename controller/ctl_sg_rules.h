/*
 * ctl_sg_rules: security group rules as EC2 checks them, without the
 * store: IP protocols by name or number, ports and ICMP codes, CIDR
 * blocks, the text EC2 allows in names and descriptions, and when two
 * rules are the same.  Reading them from a request is ctl_sg_perms';
 * whether a named group exists is the store's business (ctl_sg).
 */
#ifndef CTL_SG_RULES_H
#define CTL_SG_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "mc_id.h"
#include "mc_ipv4.h"

struct mc_err;

#define CTL_SG_TEXT_MAX		255	/* group names, descriptions */
#define CTL_SG_RULES_MAX	60	/* per group and direction, as EC2 */
#define CTL_SG_PROTO_ALL	(-1)
#define CTL_SG_PROTO_ICMP	1
#define CTL_SG_PROTO_TCP	6
#define CTL_SG_PROTO_UDP	17
#define CTL_SG_PROTO_STR_MAX	8	/* "icmp", "255", "-1" and NUL */

/*
 * One rule: a direction, what it lets through and from (or to) whom.
 * For tcp and udp from..to is a port range (0..65535), for icmp the
 * type and code (-1 for all); other protocols have no ports (-1, -1).
 */
struct ctl_sg_rule {
	char	id[MC_ID_MAX];			/* sgr-; "" until stored */
	char	group_id[MC_ID_MAX];		/* the group it belongs to */
	bool	egress;
	int	proto;				/* -1 all, or 0..255 */
	int	from, to;
	char	cidr[MC_CIDR_STR_MAX];		/* "" : a group */
	char	ref_group[MC_ID_MAX];		/* "" : a block */
	char	ref_name[CTL_SG_TEXT_MAX + 1];	/* a GroupName to resolve */
	char	description[CTL_SG_TEXT_MAX + 1];
};

/*
 * Parse an IP protocol: tcp, udp, icmp, all (any case), -1, or a
 * number 0..255.  Returns 0 and *ret, or -1 with err set
 * (InvalidParameterValue "Unknown protocol").
 */
int	ctl_sg_proto_parse(const char *s, int *ret, struct mc_err *err);

/* EC2's name of proto: "tcp", "udp", "icmp", "-1", or its number. */
const char	*ctl_sg_proto_name(int proto, char buf[CTL_SG_PROTO_STR_MAX]);

/* Whether rules of proto carry ports (tcp, udp) or ICMP type/code. */
bool	ctl_sg_proto_has_ports(int proto);

/*
 * Set r's ports from the request (has_from/has_to: given at all) after
 * r->proto is set: tcp and udp need both, 0..65535, from <= to; icmp
 * takes -1..255 for each (-1 when not given; all codes when the type is
 * -1); other protocols ignore them, as EC2 does.  Returns 0, or -1 with
 * err set (InvalidParameterValue).
 */
int	ctl_sg_rule_ports(struct ctl_sg_rule *r, bool has_from, long long from,
	    bool has_to, long long to, struct mc_err *err);

/*
 * Parse an IPv4 CIDR block into its canonical text in buf
 * (MC_CIDR_STR_MAX bytes).  Host bits are cleared, as EC2 does for
 * group rules ("10.0.0.5/8" is stored as "10.0.0.0/8").  Returns 0, or
 * -1 with err set (InvalidParameterValue "CIDR block ... is malformed").
 */
int	ctl_sg_cidr_parse(const char *s, char *buf, struct mc_err *err);

/*
 * Check text EC2 allows in a VPC group's name or description and in a
 * rule's description: at most 255 of a-z A-Z 0-9 space ._-:/()#,@[]+=&;{}!$*
 * and, when required, not empty.  what names the parameter in the
 * message.  Returns 0, or -1 with err set (InvalidParameterValue).
 */
int	ctl_sg_text_check(const char *what, const char *s, bool required,
	    struct mc_err *err);

/* Do a and b let the same traffic through (descriptions aside)? */
bool	ctl_sg_rule_same(const struct ctl_sg_rule *a,
	    const struct ctl_sg_rule *b);

/*
 * Refuse a list that holds the same rule twice, as EC2 does
 * (InvalidParameterValue "The same permission must not appear multiple
 * times").  Returns 0 or -1.
 */
int	ctl_sg_rules_unique(const struct ctl_sg_rule *v, size_t n,
	    struct mc_err *err);

/*
 * EC2's words for a rule in messages: "peer: 0.0.0.0/0, TCP, from port:
 * 22, to port: 22, ALLOW".  Writes into buf (always terminated).
 */
void	ctl_sg_rule_text(const struct ctl_sg_rule *r, char *buf, size_t bufsz);

#endif /* CTL_SG_RULES_H */

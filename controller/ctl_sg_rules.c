/*
 * ctl_sg_rules: check security group rules as EC2 does.  Nothing here
 * reads the request or the store.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mc_cleanup.h"
#include "mc_err.h"
#include "ctl_sg_rules.h"

#define PORT_MAX	65535
#define ICMP_MAX	255
#define TEXT_CHARS \
	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789" \
	" ._-:/()#,@[]+=&;{}!$*"

/* Names first by protocol: the first row of a number names it. */
static const struct {
	const char	*name;
	const char	*upper;		/* in EC2's messages */
	int		 proto;
} protos[] = {
	{ "tcp", "TCP", CTL_SG_PROTO_TCP },
	{ "udp", "UDP", CTL_SG_PROTO_UDP },
	{ "icmp", "ICMP", CTL_SG_PROTO_ICMP },
	{ "-1", "ALL", CTL_SG_PROTO_ALL },
	{ "all", "ALL", CTL_SG_PROTO_ALL },
};

int
ctl_sg_proto_parse(const char *s, int *ret, struct mc_err *err)
{
	size_t	i, n = strspn(s, "0123456789");
	long	v;

	for (i = 0; i < MC_NELEMS(protos); i++)
		if (strcasecmp(s, protos[i].name) == 0) {
			*ret = protos[i].proto;
			return 0;
		}
	/* A number 0..255: decimal, no sign, no leading zero. */
	if (n > 0 && n <= 3 && s[n] == '\0' && (s[0] != '0' || n == 1) &&
	    (v = strtol(s, NULL, 10)) <= 255) {
		*ret = (int)v;
		return 0;
	}
	return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE, "Invalid value "
	    "'%.64s' for IP protocol. Unknown protocol.", s);
}

const char *
ctl_sg_proto_name(int proto, char buf[CTL_SG_PROTO_STR_MAX])
{
	size_t i;

	for (i = 0; i < MC_NELEMS(protos); i++)
		if (protos[i].proto == proto)
			return protos[i].name;
	(void)snprintf(buf, CTL_SG_PROTO_STR_MAX, "%d", proto);
	return buf;
}

bool
ctl_sg_proto_has_ports(int proto)
{
	return proto == CTL_SG_PROTO_TCP || proto == CTL_SG_PROTO_UDP ||
	    proto == CTL_SG_PROTO_ICMP;
}

static int
icmp_codes(struct ctl_sg_rule *r, long long type, long long code,
    struct mc_err *err)
{
	if (type < -1 || type > ICMP_MAX || code < -1 || code > ICMP_MAX)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE, "Invalid "
		    "ICMP type %lld or code %lld: each is -1 (all) or 0 to %d",
		    type, code, ICMP_MAX);
	r->from = (int)type;
	r->to = type == -1 ? -1 : (int)code;	/* all types: all codes */
	return 0;
}

int
ctl_sg_rule_ports(struct ctl_sg_rule *r, bool has_from, long long from,
    bool has_to, long long to, struct mc_err *err)
{
	if (r->proto == CTL_SG_PROTO_ICMP)
		return icmp_codes(r, has_from ? from : -1, has_to ? to : -1,
		    err);
	if (!ctl_sg_proto_has_ports(r->proto)) {
		r->from = r->to = -1;	/* EC2 ignores them: all ports */
		return 0;
	}
	if (!has_from || !has_to)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE, "Invalid "
		    "value for portRange. Must specify both from and to ports "
		    "with TCP/UDP.");
	if (from < 0 || from > PORT_MAX || to < 0 || to > PORT_MAX)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE, "Invalid "
		    "value for portRange %lld-%lld. Ports are 0 to %d.", from,
		    to, PORT_MAX);
	if (from > to)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE, "Invalid "
		    "value for portRange %lld-%lld. The from port must not be "
		    "greater than the to port.", from, to);
	r->from = (int)from;
	r->to = (int)to;
	return 0;
}

int
ctl_sg_cidr_parse(const char *s, char *buf, struct mc_err *err)
{
	struct mc_cidr c;

	if (!mc_cidr_parse_masked(s, &c))
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "CIDR block %.64s is malformed", s);
	mc_cidr_str(&c, buf);
	return 0;
}

int
ctl_sg_text_check(const char *what, const char *s, bool required,
    struct mc_err *err)
{
	size_t n = strlen(s);

	if (required && n == 0)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE, "Value () "
		    "for parameter %s is invalid. The value cannot be empty",
		    what);
	if (n > CTL_SG_TEXT_MAX)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE, "Value for "
		    "parameter %s is invalid. Length exceeds maximum of %d",
		    what, CTL_SG_TEXT_MAX);
	if (strspn(s, TEXT_CHARS) != n)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE, "Value "
		    "(%.64s) for parameter %s is invalid. Allowed characters are "
		    "a-z, A-Z, 0-9, spaces, and ._-:/()#,@[]+=&;{}!$*", s, what);
	return 0;
}

bool
ctl_sg_rule_same(const struct ctl_sg_rule *a, const struct ctl_sg_rule *b)
{
	return a->egress == b->egress && a->proto == b->proto &&
	    a->from == b->from && a->to == b->to &&
	    strcmp(a->cidr, b->cidr) == 0 &&
	    strcmp(a->ref_group, b->ref_group) == 0;
}

int
ctl_sg_rules_unique(const struct ctl_sg_rule *v, size_t n, struct mc_err *err)
{
	size_t i, j;

	for (i = 0; i < n; i++)
		for (j = 0; j < i; j++)
			if (ctl_sg_rule_same(&v[i], &v[j]))
				return mc_err_set(err,
				    MC_EC_INVALID_PARAMETER_VALUE, "The same "
				    "permission must not appear multiple times");
	return 0;
}

void
ctl_sg_rule_text(const struct ctl_sg_rule *r, char *buf, size_t bufsz)
{
	const char	*proto = NULL;
	char		 num[CTL_SG_PROTO_STR_MAX];
	size_t		 i;

	for (i = 0; i < MC_NELEMS(protos) && proto == NULL; i++)
		if (protos[i].proto == r->proto)
			proto = protos[i].upper;
	if (proto == NULL)
		proto = ctl_sg_proto_name(r->proto, num);
	if (ctl_sg_proto_has_ports(r->proto))
		(void)snprintf(buf, bufsz, "peer: %s, %s, from port: %d, to "
		    "port: %d, ALLOW", r->cidr[0] != '\0' ? r->cidr :
		    r->ref_group, proto, r->from, r->to);
	else
		(void)snprintf(buf, bufsz, "peer: %s, %s, ALLOW",
		    r->cidr[0] != '\0' ? r->cidr : r->ref_group, proto);
}

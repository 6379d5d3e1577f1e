/*
 * ctl_attrs: DescribeAccountAttributes, the limits and platform facts of
 * the caller's account.
 */
#ifndef CTL_ATTRS_H
#define CTL_ATTRS_H

struct ctl_req;
struct ctl_xml;
struct mc_err;

int	ctl_attrs_describe(const struct ctl_req *req, struct ctl_xml *out,
	    struct mc_err *err);

#endif /* CTL_ATTRS_H */

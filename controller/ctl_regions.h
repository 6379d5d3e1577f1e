/*
 * ctl_regions: DescribeRegions and DescribeAvailabilityZones.  This
 * controller serves one region; its zones are the configured ones, each
 * in the state its hosts make (available while one is up and enabled).
 */
#ifndef CTL_REGIONS_H
#define CTL_REGIONS_H

struct ctl_req;
struct ctl_xml;
struct mc_err;

int	ctl_regions_describe(const struct ctl_req *req, struct ctl_xml *out,
	    struct mc_err *err);
int	ctl_zones_describe(const struct ctl_req *req, struct ctl_xml *out,
	    struct mc_err *err);

#endif /* CTL_REGIONS_H */

/*
 * ctl_vpcs: the EC2 actions of the network: VPCs, subnets, network
 * interfaces and public addresses (ctl_vpcs_api.c, ctl_subnets_api.c,
 * ctl_enis_api.c, ctl_addresses_api.c).
 */
#ifndef CTL_VPCS_H
#define CTL_VPCS_H

#include <sqlite3.h>

struct ctl_req;
struct ctl_xml;
struct mc_err;

/*
 * A store connection for a network action of req's account, its default
 * VPC made if EC2 would have it by now; NULL with err set.  Give it back
 * with ctl_store_put.
 */
sqlite3	*ctl_vpcs_db(const struct ctl_req *req, struct mc_err *err);

int	ctl_vpcs_create(const struct ctl_req *req, struct ctl_xml *out,
	    struct mc_err *err);
int	ctl_vpcs_delete(const struct ctl_req *req, struct ctl_xml *out,
	    struct mc_err *err);
int	ctl_vpcs_describe(const struct ctl_req *req, struct ctl_xml *out,
	    struct mc_err *err);
int	ctl_vpcs_describe_attr(const struct ctl_req *req, struct ctl_xml *out,
	    struct mc_err *err);
int	ctl_vpcs_modify_attr(const struct ctl_req *req, struct ctl_xml *out,
	    struct mc_err *err);

int	ctl_subnets_create(const struct ctl_req *req, struct ctl_xml *out,
	    struct mc_err *err);
int	ctl_subnets_delete(const struct ctl_req *req, struct ctl_xml *out,
	    struct mc_err *err);
int	ctl_subnets_describe(const struct ctl_req *req, struct ctl_xml *out,
	    struct mc_err *err);
int	ctl_subnets_modify_attr(const struct ctl_req *req, struct ctl_xml *out,
	    struct mc_err *err);

int	ctl_enis_describe(const struct ctl_req *req, struct ctl_xml *out,
	    struct mc_err *err);
int	ctl_enis_modify_attr(const struct ctl_req *req, struct ctl_xml *out,
	    struct mc_err *err);

int	ctl_addresses_allocate(const struct ctl_req *req, struct ctl_xml *out,
	    struct mc_err *err);
int	ctl_addresses_associate(const struct ctl_req *req,
	    struct ctl_xml *out, struct mc_err *err);
int	ctl_addresses_disassociate(const struct ctl_req *req,
	    struct ctl_xml *out, struct mc_err *err);
int	ctl_addresses_release(const struct ctl_req *req, struct ctl_xml *out,
	    struct mc_err *err);
int	ctl_addresses_describe(const struct ctl_req *req, struct ctl_xml *out,
	    struct mc_err *err);

#endif /* CTL_VPCS_H */

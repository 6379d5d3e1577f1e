/*
 * ctl_instances: the EC2 instance actions.  RunInstances
 * (ctl_instances_run.c), DescribeInstances and DescribeInstanceStatus
 * (ctl_instances_describe.c), Start/Stop/Reboot/TerminateInstances
 * (ctl_instances_ops.c), and the instance attributes and console
 * (ctl_instances_attr.c).  The lifecycle itself is ctl_lifecycle and
 * ctl_inst; the agents carry it out.
 */
#ifndef CTL_INSTANCES_H
#define CTL_INSTANCES_H

struct ctl_req;
struct ctl_xml;
struct mc_err;

#define CTL_USER_DATA_MAX	16384	/* bytes, decoded, as on EC2 */

int	ctl_instances_run(const struct ctl_req *req, struct ctl_xml *out,
	    struct mc_err *err);
int	ctl_instances_describe(const struct ctl_req *req, struct ctl_xml *out,
	    struct mc_err *err);
int	ctl_instances_status(const struct ctl_req *req, struct ctl_xml *out,
	    struct mc_err *err);
int	ctl_instances_start(const struct ctl_req *req, struct ctl_xml *out,
	    struct mc_err *err);
int	ctl_instances_stop(const struct ctl_req *req, struct ctl_xml *out,
	    struct mc_err *err);
int	ctl_instances_reboot(const struct ctl_req *req, struct ctl_xml *out,
	    struct mc_err *err);
int	ctl_instances_terminate(const struct ctl_req *req, struct ctl_xml *out,
	    struct mc_err *err);
int	ctl_instances_console(const struct ctl_req *req, struct ctl_xml *out,
	    struct mc_err *err);
int	ctl_instances_modify_attr(const struct ctl_req *req,
	    struct ctl_xml *out, struct mc_err *err);
int	ctl_instances_describe_attr(const struct ctl_req *req,
	    struct ctl_xml *out, struct mc_err *err);

#endif /* CTL_INSTANCES_H */

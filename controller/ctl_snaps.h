/*
 * ctl_snaps: the EC2 snapshot actions.  CreateSnapshot, CopySnapshot and
 * DeleteSnapshot (ctl_snaps_api.c), DescribeSnapshots
 * (ctl_snap_describe.c), Describe/ModifySnapshotAttribute
 * (ctl_snap_attr.c).  The snapshots themselves are ctl_snap's.
 */
#ifndef CTL_SNAPS_H
#define CTL_SNAPS_H

#include <stddef.h>

struct ctl_req;
struct ctl_snap;
struct ctl_tagkv;
struct ctl_xml;
struct mc_err;

int	ctl_snaps_create(const struct ctl_req *req, struct ctl_xml *out,
	    struct mc_err *err);
int	ctl_snaps_copy(const struct ctl_req *req, struct ctl_xml *out,
	    struct mc_err *err);
int	ctl_snaps_delete(const struct ctl_req *req, struct ctl_xml *out,
	    struct mc_err *err);
int	ctl_snaps_describe(const struct ctl_req *req, struct ctl_xml *out,
	    struct mc_err *err);
int	ctl_snaps_describe_attr(const struct ctl_req *req, struct ctl_xml *out,
	    struct mc_err *err);
int	ctl_snaps_modify_attr(const struct ctl_req *req, struct ctl_xml *out,
	    struct mc_err *err);

/*
 * The fields of Snapshot s (with its n tags) inside the open element:
 * CreateSnapshot's response and an item of DescribeSnapshots.
 */
void	ctl_snaps_fields_xml(struct ctl_xml *x, const struct ctl_snap *s,
	    const struct ctl_tagkv *tags, size_t n);

#endif /* CTL_SNAPS_H */

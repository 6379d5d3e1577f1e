/*
 * ctl_runbdm: the block device mappings of RunInstances
 * (BlockDeviceMapping.N).  Each mapping with Ebs becomes, for every
 * instance of the launch and in the launch's transaction, a new volume
 * in the instance's zone attached at its DeviceName.  NoDevice and
 * VirtualName (instance store, which no instance type here has) are
 * accepted and ignored, as EC2 ignores them for types without instance
 * store.  Every instance also gets its root volume, of the image's size
 * or the larger VolumeSize a mapping of the image's root device asks
 * for (and that mapping's VolumeType): it is the instance's own disk.
 */
#ifndef CTL_RUNBDM_H
#define CTL_RUNBDM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "ctl_vol_rules.h"

struct ctl_query;
struct ctl_tagspec;
struct mc_err;

#define CTL_RUNBDM_MAX	CTL_VOL_ATTACH_MAX	/* mappings in one call */

/* One volume each instance gets. */
struct ctl_runbdm_vol {
	const char		*device;	/* borrowed from the query */
	const char		*snapshot;	/* borrowed; NULL: empty */
	struct ctl_vol_spec	 spec;		/* checked (resolved) */
	bool			 delete_on_termination;
};

struct ctl_runbdm {
	struct ctl_runbdm_vol	v[CTL_RUNBDM_MAX];
	size_t			n;
	struct ctl_vol_spec	root;		/* the root volume's, checked */
	const char		*root_device;	/* borrowed: the image's */
	const char		*root_snapshot;	/* borrowed: "" or the image's */
	bool			 root_mapped;	/* a mapping named it */
};

/*
 * Read and check the BlockDeviceMapping.N of q (which must outlive
 * ret) for an image whose root device is root (borrowed, kept), of
 * root_gib GiB, whose root snapshot is snap ("" : none; borrowed,
 * kept).  Returns 0, or -1 with err set: MissingParameter (no
 * DeviceName, no VolumeSize), InvalidBlockDeviceMapping (a malformed or
 * repeated device name, a root volume smaller than the image),
 * OperationNotPermitted (a root volume kept after termination),
 * InvalidParameterValue (encryption, a size, type, IOPS or throughput
 * CreateVolume refuses), InvalidSnapshotID.Malformed,
 * InvalidBlockDeviceMapping (a root device's snapshot that is not the
 * image's), or AttachmentLimitExceeded past CTL_RUNBDM_MAX.  A volume
 * from a snapshot is checked by ctl_runbdm_resolve.
 */
int	ctl_runbdm_parse(const struct ctl_query *q, const char *root,
	    long long root_gib, const char *snap, struct ctl_runbdm *ret,
	    struct mc_err *err);

/*
 * Find the snapshots b's volumes are made from, as account sees them,
 * and settle those volumes' sizes (the snapshot's unless larger).
 * Errors: InvalidSnapshot.NotFound, IncorrectState (not completed),
 * InvalidBlockDeviceMapping (smaller than the snapshot), and what
 * CreateVolume refuses of a size.
 */
int	ctl_runbdm_resolve(sqlite3 *db, const char *account,
	    struct ctl_runbdm *b, struct mc_err *err);

/*
 * In the launch's transaction: the root volume (attached) and the
 * volumes of b (attaching) for instance id of account in zone, tagged
 * with tags (may be NULL).  Bumps the zone's hosts.
 */
int	ctl_runbdm_attach(sqlite3 *db, const struct ctl_runbdm *b,
	    const char *account, const char *id, const char *zone,
	    const struct ctl_tagspec *tags, int64_t now_ms,
	    struct mc_err *err);

#endif /* CTL_RUNBDM_H */

/*
 * ctl_vol_rules: EC2's rules for block volumes that need no store: the
 * volume types with their sizes, IOPS and throughput, the device names
 * an attachment may take (and when two name the same disk), and how an
 * attachment's state moves with what the instance's agent reports.
 * Pure functions; ctl_vol keeps the rows.
 */
#ifndef CTL_VOL_RULES_H
#define CTL_VOL_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "mc_proto.h"

struct mc_err;

#define CTL_VOL_PER_ACCOUNT_MAX	5000	/* volumes, as EC2's default quota */
#define CTL_VOL_PER_ZONE_MAX	MC_PROTO_MAX_INSTANCES	/* one desired state */
#define CTL_VOL_ATTACH_MAX	MC_PROTO_INST_VOLS	/* 24 per instance */
#define CTL_VOL_FORMAT		"qcow2"		/* what the agents make */

/* EC2's volume types, in the model's order. */
enum ctl_vol_type {
	CTL_VT_STANDARD,
	CTL_VT_IO1,
	CTL_VT_IO2,
	CTL_VT_GP2,
	CTL_VT_SC1,
	CTL_VT_ST1,
	CTL_VT_GP3,
	CTL_VT__MAX
};

/* CreateVolume without VolumeType, as the EC2 model documents. */
#define CTL_VT_DEFAULT	CTL_VT_GP2

/* What a volume is made of; -1 in iops or throughput: not given. */
struct ctl_vol_spec {
	enum ctl_vol_type	type;
	long long		size_gib;
	long long		iops;		/* 0: the type has none */
	long long		throughput;	/* MiB/s; 0: none */
};

/* "gp3", ...; and back (-1 when unknown). */
const char	*ctl_vol_type_name(enum ctl_vol_type t);
int		 ctl_vol_type_parse(const char *s);

/*
 * Check s against its type's ranges and fill in what was not given:
 * gp3's default IOPS and throughput, gp2's baseline IOPS (3 per GiB,
 * 100 to 16000).  Returns 0, or -1 with err set: InvalidParameterValue
 * for a size, IOPS or throughput out of range, InvalidParameterCombination
 * for IOPS or throughput the type does not take, MissingParameter for
 * io1/io2 without IOPS.
 */
int	ctl_vol_spec_check(struct ctl_vol_spec *s, struct mc_err *err);

/*
 * ModifyVolume: want (sizes and type already set; -1 where not given)
 * against the volume's old spec.  A size below the old one is
 * InvalidParameterValue; IOPS and throughput not given are kept when
 * the type stays, else the new type's defaults.  Then as
 * ctl_vol_spec_check.
 */
int	ctl_vol_spec_modify(const struct ctl_vol_spec *old,
	    struct ctl_vol_spec *want, struct mc_err *err);

/*
 * Is dev a device name an attachment may take?  mc_proto_device_ok's
 * names: /dev/sd, /dev/xvd or /dev/vd, one or two letters, an optional
 * partition.
 */
bool	ctl_vol_device_ok(const char *dev);

/*
 * Do a and b name the same disk?  /dev/sdf, /dev/xvdf and /dev/sdf1
 * all do (the letters decide); names of another form only when equal.
 */
bool	ctl_vol_device_same(const char *a, const char *b);

/*
 * May an attachment take dev on an instance whose root device is root
 * and whose other attachments use the n_used devices used?  Returns 0,
 * or -1 with err set: InvalidParameterValue for a malformed name or one
 * in use, AttachmentLimitExceeded when the instance has CTL_VOL_ATTACH_MAX.
 */
int	ctl_vol_device_check(const char *dev, const char *root,
	    const char *const *used, size_t n_used, struct mc_err *err);

/* An attachment's state; DETACHED means it is gone. */
enum ctl_vol_astate {
	CTL_VA_ATTACHING,
	CTL_VA_ATTACHED,
	CTL_VA_DETACHING,
	CTL_VA_DETACHED,
	CTL_VA__MAX
};

/* What the controller knows of the volume on the instance's domain. */
enum ctl_vol_seen {
	CTL_VS_PRESENT,		/* the agent reports it on the domain */
	CTL_VS_ABSENT,		/* the agent reports the domain without it */
	CTL_VS_NO_DOMAIN,	/* there is no domain to attach it to */
	CTL_VS__MAX
};

/* EC2's name of a state ("attaching"), and back (-1 when unknown). */
const char	*ctl_vol_astate_name(enum ctl_vol_astate s);
int		 ctl_vol_astate_parse(const char *s);

/* The state an attachment in s moves to on seen. */
enum ctl_vol_astate	ctl_vol_astate_next(enum ctl_vol_astate s,
	    enum ctl_vol_seen seen);

/* Does the agent want the volume on the domain in state s? */
bool	ctl_vol_astate_wanted(enum ctl_vol_astate s);

#endif /* CTL_VOL_RULES_H */

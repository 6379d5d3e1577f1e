/*
 * ctl_vol: block volumes in the store (ctl_vol.c: the volumes and their
 * modifications; ctl_vol_att.c: attachments, moved on by what agents
 * report; ctl_vol_desired.c: what a host's agent is told).  A volume
 * lives in one zone; its storage is made by the agents of that zone
 * when first needed.  Every function works in the caller's transaction
 * (or snapshot), and bumps the generation of the hosts whose desired
 * state it changes: the caller wakes them (ctl_notify_bump) after its
 * commit.
 */
#ifndef CTL_VOL_H
#define CTL_VOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "mc_id.h"
#include "mc_proto.h"
#include "ctl_vol_rules.h"

struct ctl_inst;
struct ctl_xml;
struct mc_err;

/* A volume's attachment to an instance. */
struct ctl_vol_att {
	char			volume_id[MC_ID_MAX];
	char			instance_id[MC_ID_MAX];
	char			device[MC_PROTO_DEVICE_MAX + 1];
	enum ctl_vol_astate	state;
	int64_t			attach_ms;
	bool			delete_on_termination;
	bool			root;	/* the instance's own disk */
};

struct ctl_vol {
	char			id[MC_ID_MAX];
	char			account_id[16];
	char			zone[MC_PROTO_ZONE_MAX + 1];
	struct ctl_vol_spec	spec;
	char			format[8];
	char			snapshot_id[MC_ID_MAX];	/* "" : empty */
	char			state[16];	/* the row's: available */
	int64_t			created_ms;
	bool			attached;	/* att holds its attachment */
	struct ctl_vol_att	att;
};

/* The last ModifyVolume of a volume. */
struct ctl_vol_mod {
	char			volume_id[MC_ID_MAX];
	char			state[16];	/* completed */
	struct ctl_vol_spec	old, now;
	int64_t			start_ms, end_ms;
};

/* EC2's status of v: in-use while attached, else its row's state. */
const char	*ctl_vol_status(const struct ctl_vol *v);

/*
 * The volume ClientToken token of account made: 1 and *ret when hash
 * (of the request's parameters) is the one it was made with, 0 when no
 * volume has the token, -1 with err set (IdempotentParameterMismatch).
 */
int	ctl_vol_by_token(sqlite3 *db, const char *account, const char *token,
	    const char *hash, struct ctl_vol *ret, struct mc_err *err);

/*
 * A new available volume of account in zone, of the checked spec (the
 * zone is the caller's to check).  token (may be NULL) and hash are
 * kept for ctl_vol_by_token.  More than CTL_VOL_PER_ACCOUNT_MAX in the
 * account, or CTL_VOL_PER_ZONE_MAX in the zone, is VolumeLimitExceeded.
 * Fills *ret.
 */
int	ctl_vol_create(sqlite3 *db, const char *account, const char *zone,
	    const struct ctl_vol_spec *spec, const char *token,
	    const char *hash, int64_t now_ms, struct ctl_vol *ret,
	    struct mc_err *err);

/*
 * A launch's root volume: as ctl_vol_create without a client token and
 * outside the volume limits (root volumes are bounded by the instances,
 * and are not in a zone's desired state).
 */
int	ctl_vol_create_root(sqlite3 *db, const char *account,
	    const char *zone, const struct ctl_vol_spec *spec, int64_t now_ms,
	    struct ctl_vol *ret, struct mc_err *err);

/* v was made from snapshot id: say so in its row and in *v. */
int	ctl_vol_set_snapshot(sqlite3 *db, struct ctl_vol *v, const char *id,
	    struct mc_err *err);

/*
 * Volume id of account: 0 and *ret, or -1 with err set
 * (InvalidVolumeID.Malformed, InvalidVolume.NotFound).
 */
int	ctl_vol_find(sqlite3 *db, const char *account, const char *id,
	    struct ctl_vol *ret, struct mc_err *err);

/* Every volume of account by id; *ret is new, the caller frees it. */
int	ctl_vol_list(sqlite3 *db, const char *account, struct ctl_vol **ret,
	    size_t *ret_n, struct mc_err *err);

/*
 * Delete v with its tags: VolumeInUse while it has an attachment.  Its
 * zone's hosts are bumped so that their agents remove its storage.
 */
int	ctl_vol_delete(sqlite3 *db, const struct ctl_vol *v,
	    struct mc_err *err);

/*
 * Give v the spec want (checked by ctl_vol_spec_modify) and record the
 * modification, completed at now_ms: the agents grow the storage from
 * the size in their desired state.  Fills *ret.
 */
int	ctl_vol_modify(sqlite3 *db, const struct ctl_vol *v,
	    const struct ctl_vol_spec *want, int64_t now_ms,
	    struct ctl_vol_mod *ret, struct mc_err *err);

/* Every modification of account's volumes, by volume id; caller frees. */
int	ctl_vol_mods(sqlite3 *db, const char *account, struct ctl_vol_mod **ret,
	    size_t *ret_n, struct mc_err *err);

/* Bump the generation of every host of zone. */
int	ctl_vol_bump_zone(sqlite3 *db, const char *zone, struct mc_err *err);

/*
 * Attach v to instance in at device (AttachVolume).  In order: the
 * volume must be free (VolumeInUse) and available (IncorrectState), the
 * instance running or stopped (IncorrectInstanceState) and in v's zone
 * (InvalidVolume.ZoneMismatch), the device well formed, not the root
 * device nor another attachment's (InvalidParameterValue), and the
 * instance under CTL_VOL_ATTACH_MAX (AttachmentLimitExceeded).  The
 * attachment is attaching, or attached at once when the instance has
 * no domain.  Fills *ret.
 */
int	ctl_vol_attach(sqlite3 *db, const struct ctl_vol *v,
	    const struct ctl_inst *in, const char *device, int64_t now_ms,
	    struct ctl_vol_att *ret, struct mc_err *err);

/*
 * Attach the new volume to the instance being launched (RunInstances'
 * block device mappings; the caller checked the device): attaching,
 * with delete_on_termination.
 */
int	ctl_vol_attach_launch(sqlite3 *db, const char *volume,
	    const char *instance, const char *device,
	    bool delete_on_termination, int64_t now_ms, struct mc_err *err);

/*
 * Attach the new root volume (ctl_vol_create_root) to the instance
 * being launched: attached at device from the start (its storage is the instance's own
 * disk, which the agent makes with the domain), deleted on termination.
 */
int	ctl_vol_attach_root(sqlite3 *db, const char *volume,
	    const char *instance, const char *device, int64_t now_ms,
	    struct mc_err *err);

/*
 * Set delete-on-termination of instance's attachment at device
 * (ModifyInstanceAttribute); no such attachment is
 * InvalidInstanceAttributeValue.
 */
int	ctl_vol_set_dot(sqlite3 *db, const char *instance, const char *device,
	    bool delete_on_termination, struct mc_err *err);

/*
 * Detach v (DetachVolume); instance and device (may be NULL) must match
 * its attachment when given (else InvalidAttachment.NotFound).  A
 * volume without attachment is IncorrectState.  The attachment goes
 * detaching (one already detaching stays so), or at once when the
 * instance has no domain.  Fills *ret with the attachment as it is now.
 */
int	ctl_vol_detach(sqlite3 *db, const struct ctl_vol *v,
	    const char *instance, const char *device, struct ctl_vol_att *ret,
	    struct mc_err *err);

/* The attachments of instance, by device; *ret is new (caller frees). */
int	ctl_vol_atts_of(sqlite3 *db, const char *instance,
	    struct ctl_vol_att **ret, size_t *ret_n, struct mc_err *err);

/*
 * The attachments of the n instances ids (borrowed), by instance, then
 * device: one query for many instances; *ret is new (caller frees).
 */
int	ctl_vol_atts_of_list(sqlite3 *db, const char *const *ids, size_t n,
	    struct ctl_vol_att **ret, size_t *ret_n, struct mc_err *err);

/*
 * Move the attachments of instance in on its agent's report a (NULL:
 * the instance has no domain).  Volumes the agent has that are not
 * wanted are left to the agent.  *ret_changed tells whether any moved.
 */
int	ctl_vol_report(sqlite3 *db, const struct ctl_inst *in,
	    const struct mc_proto_actual *a, bool *ret_changed,
	    struct mc_err *err);

/*
 * Instance id is terminated: its attachments go (the volumes become
 * available), and the volumes marked delete-on-termination with them.
 */
int	ctl_vol_release_instance(sqlite3 *db, const char *id,
	    struct mc_err *err);

/*
 * Fill the volumes of host's desired state d: every volume of the
 * host's zone (and any attached to an instance there), and each
 * instance's wanted attachments.
 */
int	ctl_vol_desired_load(sqlite3 *db, const char *host,
	    struct mc_proto_desired *d, struct mc_err *err);

/* The attachment's fields (VolumeAttachment) inside the open element. */
void	ctl_vol_att_fields_xml(struct ctl_xml *x, const struct ctl_vol_att *a);

/* <blockDeviceMapping> with an item per attachment (Instance's view). */
void	ctl_vol_bdm_xml(struct ctl_xml *x, const struct ctl_vol_att *v,
	    size_t n);

#endif /* CTL_VOL_H */

/*
 * ctl_vols: the EC2 volume actions.  CreateVolume, DeleteVolume and
 * ModifyVolume (ctl_vols_api.c), AttachVolume and DetachVolume
 * (ctl_vol_attach.c), DescribeVolumes, DescribeVolumeStatus and
 * DescribeVolumesModifications (ctl_vol_describe.c).  The volumes
 * themselves are ctl_vol's.
 */
#ifndef CTL_VOLS_H
#define CTL_VOLS_H

#include <stddef.h>

#include <sqlite3.h>

struct ctl_req;
struct ctl_tagkv;
struct ctl_vol;
struct ctl_vol_mod;
struct ctl_xml;
struct mc_err;

int	ctl_vols_create(const struct ctl_req *req, struct ctl_xml *out,
	    struct mc_err *err);
int	ctl_vols_delete(const struct ctl_req *req, struct ctl_xml *out,
	    struct mc_err *err);
int	ctl_vols_modify(const struct ctl_req *req, struct ctl_xml *out,
	    struct mc_err *err);
int	ctl_vols_attach(const struct ctl_req *req, struct ctl_xml *out,
	    struct mc_err *err);
int	ctl_vols_detach(const struct ctl_req *req, struct ctl_xml *out,
	    struct mc_err *err);
int	ctl_vols_describe(const struct ctl_req *req, struct ctl_xml *out,
	    struct mc_err *err);
int	ctl_vols_status(const struct ctl_req *req, struct ctl_xml *out,
	    struct mc_err *err);
int	ctl_vols_describe_mods(const struct ctl_req *req, struct ctl_xml *out,
	    struct mc_err *err);

/*
 * The fields of Volume v (with its n tags) inside the open element:
 * CreateVolume's response and an item of DescribeVolumes.
 */
void	ctl_vols_fields_xml(const struct ctl_req *req, struct ctl_xml *x,
	    const struct ctl_vol *v, const struct ctl_tagkv *tags, size_t n);

/*
 * Run op on the volume VolumeId of the caller in one write transaction:
 * VolumeId is required (MissingParameter), well formed and the
 * caller's (InvalidVolume.NotFound).  op checks what it needs, answers
 * DryRun (ctl_req_dry_run) and makes its change; then the change is
 * committed and the agents are woken.  Returns 0, or -1 with err set
 * (nothing changed).
 */
int	ctl_vols_change(const struct ctl_req *req, int (*op)(
	    const struct ctl_req *req, sqlite3 *db, const struct ctl_vol *v,
	    void *ctx, struct mc_err *err), void *ctx, struct mc_err *err);

/*
 * Integer parameter key, at least 0: its value in *ret, or -1 when it
 * is not given.  Returns 0, or -1 with err set (InvalidParameterValue).
 */
int	ctl_vols_opt_count(const struct ctl_req *req, const char *key,
	    long long *ret, struct mc_err *err);

/* The fields of a VolumeModification inside the open element. */
void	ctl_vols_mod_xml(struct ctl_xml *x, const struct ctl_vol_mod *m);

#endif /* CTL_VOLS_H */

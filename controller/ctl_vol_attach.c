/*
 * ctl_vol_attach: AttachVolume and DetachVolume.  Both answer at once
 * with the attachment attaching or detaching; the instance's agent
 * changes the domain and its report moves the attachment on
 * (ctl_vol_report).  Force on DetachVolume is accepted: the agent
 * takes a disk off without the guest's help anyway, and the
 * attachment only goes once the agent no longer reports it, so that a
 * volume is never on two domains.
 */
#include <stdio.h>
#include <string.h>

#include "mc_err.h"
#include "mc_id.h"
#include "ctl_api.h"
#include "ctl_inst.h"
#include "ctl_params.h"
#include "ctl_query.h"
#include "ctl_vol.h"
#include "ctl_vols.h"
#include "ctl_xml.h"

/* An Attach or DetachVolume call: what it names, what it did. */
struct att_call {
	const char		*instance;	/* may be NULL on detach */
	const char		*device;	/* may be NULL on detach */
	struct ctl_vol_att	 done;
};

static int
attach_op(const struct ctl_req *req, sqlite3 *db, const struct ctl_vol *v,
    void *ctx, struct mc_err *err)
{
	struct att_call	*c = ctx;
	struct ctl_inst	 in;
	int		 found;

	if (mc_id_check(MC_ID_INSTANCE, c->instance, err) < 0 ||
	    (found = ctl_inst_get(db, req->account_id, c->instance, &in,
	    err)) < 0)
		return -1;
	if (found == 0)
		return mc_err_set(err, MC_EC_INVALID_INSTANCE_ID_NOT_FOUND, "The "
		    "instance ID '%s' does not exist", c->instance);
	if (ctl_req_dry_run(req, err) < 0)
		return -1;
	return ctl_vol_attach(db, v, &in, c->device, req->now_ms, &c->done,
	    err);
}

int
ctl_vols_attach(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	struct att_call c;

	memset(&c, 0, sizeof(c));
	c.instance = ctl_query_get(req->params, "InstanceId");
	c.device = ctl_query_get(req->params, "Device");
	if (ctl_query_get(req->params, "VolumeId") == NULL ||
	    c.instance == NULL || c.device == NULL)
		return mc_err_set(err, MC_EC_MISSING_PARAMETER, "The request "
		    "must contain the parameters VolumeId, InstanceId and "
		    "Device");
	if (!ctl_vol_device_ok(c.device))
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE, "Value "
		    "(%.64s) for parameter device is invalid. %.64s is not a "
		    "valid EBS device name.", c.device, c.device);
	if (ctl_vols_change(req, attach_op, &c, err) < 0)
		return -1;
	ctl_vol_att_fields_xml(out, &c.done);
	return 0;
}

static int
detach_op(const struct ctl_req *req, sqlite3 *db, const struct ctl_vol *v,
    void *ctx, struct mc_err *err)
{
	struct att_call *c = ctx;

	if (c->instance != NULL &&
	    mc_id_check(MC_ID_INSTANCE, c->instance, err) < 0)
		return -1;
	if (ctl_req_dry_run(req, err) < 0)
		return -1;
	return ctl_vol_detach(db, v, c->instance, c->device, &c->done, err);
}

int
ctl_vols_detach(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	struct att_call	c;
	bool		force = false;

	memset(&c, 0, sizeof(c));
	c.instance = ctl_query_get(req->params, "InstanceId");
	c.device = ctl_query_get(req->params, "Device");
	if (ctl_params_bool(req->params, "Force", &force, err) < 0 ||
	    ctl_vols_change(req, detach_op, &c, err) < 0)
		return -1;
	ctl_vol_att_fields_xml(out, &c.done);
	return 0;
}

/*
 * ctl_vol_att: attachments of volumes to instances.  An attachment is
 * attaching until the instance's agent reports the disk on its domain,
 * detaching until it reports it gone; an instance without a domain
 * (stopped, never defined) takes or gives a volume at once, since the
 * next domain is defined from the desired state.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_err.h"
#include "mc_log.h"
#include "ctl_inst.h"
#include "ctl_sql.h"
#include "ctl_vol.h"
#include "ctl_vol_priv.h"
#include "ctl_xml.h"

#define ATT_SELECT	"SELECT " CTL_VOL_ATT_COLS " FROM vol_attachments a "

/* No domain to change: the volume follows the desired state at once. */
static bool
no_domain(const struct ctl_inst *in)
{
	return in->host[0] == '\0' || (in->state == CTL_IS_STOPPED &&
	    strcmp(in->actual, mc_proto_actual_name(MC_PROTO_ACTUAL_NONE)) == 0);
}

static void
att_row(sqlite3_stmt *st, void *p)
{
	ctl_vol_att_row(st, 0, p);
}

int
ctl_vol_atts_of(sqlite3 *db, const char *instance, struct ctl_vol_att **ret,
    size_t *ret_n, struct mc_err *err)
{
	return ctl_sql_rows(db, ret, ret_n, sizeof(**ret), att_row, err,
	    ATT_SELECT "WHERE a.instance_id = ? ORDER BY a.device", "s",
	    instance);
}

int
ctl_vol_atts_of_list(sqlite3 *db, const char *const *ids, size_t n,
    struct ctl_vol_att **ret, size_t *ret_n, struct mc_err *err)
{
	return ctl_sql_rows_list(db, ret, ret_n, sizeof(**ret), att_row, err,
	    ATT_SELECT "WHERE a.instance_id IN ", ids, n,
	    " ORDER BY a.instance_id, a.device");
}

/* May v go on in at all (before its device is looked at)? */
static int
attachable(const struct ctl_vol *v, const struct ctl_inst *in,
    struct mc_err *err)
{
	if (v->attached)
		return mc_err_set(err, MC_EC_VOLUME_IN_USE, "%s is already "
		    "attached to an instance (%s)", v->id, v->att.instance_id);
	if (strcmp(v->state, "available") != 0)
		return mc_err_set(err, MC_EC_INCORRECT_STATE, "Volume '%s' is "
		    "in the '%s' state.", v->id, v->state);
	if (in->state != CTL_IS_RUNNING && in->state != CTL_IS_STOPPED)
		return mc_err_set(err, MC_EC_INCORRECT_INSTANCE_STATE, "Instance "
		    "'%s' is %s: volumes attach to running or stopped "
		    "instances.", in->id, ctl_istate_name(in->state));
	if (strcmp(in->zone, v->zone) != 0)
		return mc_err_set(err, MC_EC_INVALID_VOLUME_ZONE_MISMATCH, "The "
		    "volume '%s' is not in the same availability zone as "
		    "instance '%s' (%s, %s).", v->id, in->id, v->zone, in->zone);
	return 0;
}

/* The device may be taken on in: not its root's, not in use, room left. */
static int
device_free(sqlite3 *db, const struct ctl_inst *in, const char *device,
    struct mc_err *err)
{
	const char		*used[CTL_VOL_ATTACH_MAX];
	struct ctl_vol_att	*v = NULL;
	size_t			 n = 0, i, k = 0;
	int			 rc;

	if (ctl_vol_atts_of(db, in->id, &v, &n, err) < 0)
		return -1;
	/* The root volume is vda, outside the limit; its device is root. */
	for (i = 0; i < n && k < CTL_VOL_ATTACH_MAX; i++)
		if (!v[i].root)
			used[k++] = v[i].device;
	rc = ctl_vol_device_check(device, in->root_device, used, k, err);
	free(v);
	return rc;
}

/* Store a: 0, -2 when its volume or device is taken, -1 with err set. */
static int
att_insert(sqlite3 *db, const struct ctl_vol_att *a, struct mc_err *err)
{
	int rc;

	rc = ctl_sql_run(db, err, "INSERT INTO vol_attachments (volume_id, "
	    "instance_id, device, state, attach_ms, delete_on_termination) "
	    "VALUES (?, ?, ?, ?, ?, ?)", "ssssii", a->volume_id,
	    a->instance_id, a->device, ctl_vol_astate_name(a->state),
	    a->attach_ms, (int64_t)a->delete_on_termination);
	return rc < 0 ? rc : 0;
}

int
ctl_vol_attach_launch(sqlite3 *db, const char *volume, const char *instance,
    const char *device, bool delete_on_termination, int64_t now_ms,
    struct mc_err *err)
{
	struct ctl_vol_att	a;
	int			rc;

	memset(&a, 0, sizeof(a));
	(void)snprintf(a.volume_id, sizeof(a.volume_id), "%s", volume);
	(void)snprintf(a.instance_id, sizeof(a.instance_id), "%s", instance);
	(void)snprintf(a.device, sizeof(a.device), "%s", device);
	a.state = CTL_VA_ATTACHING;
	a.attach_ms = now_ms;
	a.delete_on_termination = delete_on_termination;
	if ((rc = att_insert(db, &a, err)) == -2)
		return mc_err_set(err, MC_EC_INTERNAL_ERROR, "cannot store the "
		    "attachment of %s", volume);
	return rc;
}

int
ctl_vol_attach_root(sqlite3 *db, const char *volume, const char *instance,
    const char *device, int64_t now_ms, struct mc_err *err)
{
	if (ctl_vol_attach_launch(db, volume, instance, device, true, now_ms,
	    err) < 0)
		return -1;
	return ctl_sql_run(db, err, "UPDATE vol_attachments SET state = ? "
	    "WHERE volume_id = ?", "ss", ctl_vol_astate_name(CTL_VA_ATTACHED),
	    volume) < 0 ? -1 : 0;
}

int
ctl_vol_set_dot(sqlite3 *db, const char *instance, const char *device,
    bool delete_on_termination, struct mc_err *err)
{
	int64_t	root = 0;
	int	rc;

	if (!delete_on_termination && ctl_sql_int(db, &root, err, "SELECT "
	    "count(*) FROM vol_attachments a JOIN volumes v ON v.id = "
	    "a.volume_id WHERE a.instance_id = ? AND a.device = ? AND "
	    "v.root = 1", "ss", instance, device) < 0)
		return -1;
	if (root > 0)
		return mc_err_set(err, MC_EC_OPERATION_NOT_PERMITTED, "The root "
		    "volume cannot outlive its instance in this cloud: "
		    "DeleteOnTermination must stay true for %.64s", device);
	if ((rc = ctl_sql_run(db, err, "UPDATE vol_attachments SET "
	    "delete_on_termination = ? WHERE instance_id = ? AND device = ?",
	    "iss", (int64_t)delete_on_termination, instance, device)) < 0)
		return -1;
	if (rc == 0)
		return mc_err_set(err, MC_EC_INVALID_INSTANCE_ATTRIBUTE_VALUE,
		    "No device is currently mapped at %.64s", device);
	return 0;
}

int
ctl_vol_attach(sqlite3 *db, const struct ctl_vol *v, const struct ctl_inst *in,
    const char *device, int64_t now_ms, struct ctl_vol_att *ret,
    struct mc_err *err)
{
	struct ctl_vol_att	a;
	int			rc;

	if (attachable(v, in, err) < 0 || device_free(db, in, device, err) < 0)
		return -1;
	memset(&a, 0, sizeof(a));
	(void)snprintf(a.volume_id, sizeof(a.volume_id), "%s", v->id);
	(void)snprintf(a.instance_id, sizeof(a.instance_id), "%s", in->id);
	(void)snprintf(a.device, sizeof(a.device), "%s", device);
	a.state = no_domain(in) ? ctl_vol_astate_next(CTL_VA_ATTACHING,
	    CTL_VS_NO_DOMAIN) : CTL_VA_ATTACHING;
	a.attach_ms = now_ms;
	if ((rc = att_insert(db, &a, err)) == -1)
		return -1;
	if (rc == -2)	/* the volume or the device: taken meanwhile */
		return mc_err_set(err, MC_EC_VOLUME_IN_USE, "%s or %s on %s is "
		    "already in use", v->id, device, in->id);
	if (ctl_inst_bump_host(db, in->host, err) < 0)
		return -1;
	mc_log(MC_LOG_INFO, "volume attach", "volume=%s instance=%s device=%s "
	    "state=%s", v->id, in->id, device, ctl_vol_astate_name(a.state));
	*ret = a;
	return 0;
}

/* Write a's new state (DETACHED: remove it); log the move from old. */
static int
att_move(sqlite3 *db, const struct ctl_vol_att *a, enum ctl_vol_astate to,
    const char *why, struct mc_err *err)
{
	int rc;

	if (to == CTL_VA_DETACHED)
		rc = ctl_sql_run(db, err, "DELETE FROM vol_attachments WHERE "
		    "volume_id = ?", "s", a->volume_id);
	else
		rc = ctl_sql_run(db, err, "UPDATE vol_attachments SET state = ? "
		    "WHERE volume_id = ?", "ss", ctl_vol_astate_name(to),
		    a->volume_id);
	if (rc < 0)
		return -1;
	mc_log(MC_LOG_INFO, "volume attachment", "volume=%s instance=%s "
	    "device=%s from=%s to=%s by=%s", a->volume_id, a->instance_id,
	    a->device, ctl_vol_astate_name(a->state), ctl_vol_astate_name(to),
	    why);
	return 0;
}

int
ctl_vol_detach(sqlite3 *db, const struct ctl_vol *v, const char *instance,
    const char *device, struct ctl_vol_att *ret, struct mc_err *err)
{
	struct ctl_vol_att	a = v->att;
	struct ctl_inst		in;
	int			found;

	if (!v->attached)
		return mc_err_set(err, MC_EC_INCORRECT_STATE, "Volume '%s' is "
		    "in the '%s' state.", v->id, ctl_vol_status(v));
	if (a.root)
		return mc_err_set(err, MC_EC_OPERATION_NOT_PERMITTED, "Volume "
		    "'%s' is the root volume of '%s', which is its instance's "
		    "own disk here: it cannot be detached.", v->id,
		    a.instance_id);
	if ((instance != NULL && strcmp(instance, a.instance_id) != 0) ||
	    (device != NULL && strcmp(device, a.device) != 0))
		return mc_err_set(err, MC_EC_INVALID_ATTACHMENT_NOT_FOUND, "The "
		    "volume '%s' is not attached to instance '%.32s' at "
		    "'%.32s'.", v->id, instance != NULL ? instance :
		    a.instance_id, device != NULL ? device : a.device);
	*ret = a;
	if (a.state == CTL_VA_DETACHING)
		return 0;	/* asked again: it is on its way */
	if ((found = ctl_inst_get(db, NULL, a.instance_id, &in, err)) < 0)
		return -1;
	ret->state = found && !no_domain(&in) ? CTL_VA_DETACHING :
	    ctl_vol_astate_next(CTL_VA_DETACHING, CTL_VS_NO_DOMAIN);
	if (att_move(db, &a, ret->state, "DetachVolume", err) < 0)
		return -1;
	return found ? ctl_inst_bump_host(db, in.host, err) : 0;
}

/* Is vol among the volumes the agent reports on the domain? */
static bool
reported(const struct mc_proto_actual *a, const char *vol)
{
	size_t i;

	for (i = 0; i < a->n_vols && i < MC_PROTO_INST_VOLS; i++)
		if (strcmp(a->vols[i].vol, vol) == 0)
			return true;
	return false;
}

int
ctl_vol_report(sqlite3 *db, const struct ctl_inst *in,
    const struct mc_proto_actual *a, bool *ret_changed, struct mc_err *err)
{
	struct ctl_vol_att	*v = NULL;
	enum ctl_vol_seen	 seen;
	enum ctl_vol_astate	 to;
	size_t			 n = 0, i;
	int			 rc = 0;

	if (ctl_vol_atts_of(db, in->id, &v, &n, err) < 0)
		return -1;
	for (i = 0; i < n && rc == 0; i++) {
		if (v[i].root)
			continue;	/* the domain's own disk: not reported */
		if (a == NULL || a->state == MC_PROTO_ACTUAL_NONE)
			seen = CTL_VS_NO_DOMAIN;
		else
			seen = reported(a, v[i].volume_id) ? CTL_VS_PRESENT :
			    CTL_VS_ABSENT;
		if ((to = ctl_vol_astate_next(v[i].state, seen)) == v[i].state)
			continue;
		rc = att_move(db, &v[i], to, "agent", err);
		*ret_changed = true;
	}
	free(v);
	return rc;
}

int
ctl_vol_release_instance(sqlite3 *db, const char *id, struct mc_err *err)
{
	struct ctl_vol_att	*v = NULL;
	size_t			 n = 0, i;
	int			 rc = 0;

	if (ctl_vol_atts_of(db, id, &v, &n, err) < 0)
		return -1;
	for (i = 0; i < n && rc == 0; i++) {
		rc = att_move(db, &v[i], CTL_VA_DETACHED, "termination", err);
		if (rc == 0 && v[i].delete_on_termination)
			rc = ctl_vol_drop(db, v[i].volume_id, err);
	}
	free(v);
	return rc;
}

void
ctl_vol_att_fields_xml(struct ctl_xml *x, const struct ctl_vol_att *a)
{
	ctl_xml_str(x, "volumeId", a->volume_id);
	ctl_xml_str(x, "instanceId", a->instance_id);
	ctl_xml_str(x, "device", a->device);
	ctl_xml_str(x, "status", ctl_vol_astate_name(a->state));
	ctl_xml_time(x, "attachTime", a->attach_ms);
	ctl_xml_bool(x, "deleteOnTermination", a->delete_on_termination);
}

void
ctl_vol_bdm_xml(struct ctl_xml *x, const struct ctl_vol_att *v, size_t n)
{
	size_t i;

	ctl_xml_open(x, "blockDeviceMapping");
	for (i = 0; i < n; i++) {
		ctl_xml_open(x, "item");
		ctl_xml_str(x, "deviceName", v[i].device);
		ctl_xml_open(x, "ebs");
		ctl_xml_str(x, "volumeId", v[i].volume_id);
		ctl_xml_str(x, "status", ctl_vol_astate_name(v[i].state));
		ctl_xml_time(x, "attachTime", v[i].attach_ms);
		ctl_xml_bool(x, "deleteOnTermination",
		    v[i].delete_on_termination);
		ctl_xml_close(x);
		ctl_xml_close(x);
	}
	ctl_xml_close(x);
}

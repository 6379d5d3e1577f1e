/*
 * ctl_instances_ops: StartInstances, StopInstances, RebootInstances and
 * TerminateInstances.  Each moves the named instances' lifecycle in one
 * transaction; the agents carry the change out and report back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_cleanup.h"
#include "mc_err.h"
#include "mc_log.h"
#include "ctl_api.h"
#include "ctl_conf.h"
#include "ctl_inst.h"
#include "ctl_instances.h"
#include "ctl_notify.h"
#include "ctl_params.h"
#include "ctl_sched.h"
#include "ctl_sql.h"
#include "ctl_store.h"
#include "ctl_xml.h"

#define OPS_MAX		1000	/* instances in one call */

/* The change made to one instance, for the reply. */
struct change {
	char		id[MC_ID_MAX];
	enum ctl_istate	before, after;
};

/* A started instance goes back on its own host, which needs the room. */
static int
room_to_start(const struct ctl_req *req, sqlite3 *db,
    const struct ctl_inst *in, struct mc_err *err)
{
	const struct ctl_conf	*c = req->api->conf;
	struct ctl_sched_opts	 o = { (unsigned)c->cpu_overcommit,
	    (unsigned)c->mem_overcommit, (unsigned)c->disk_overcommit, false,
	    req->now_ms, c->host_timeout_s * 1000 };
	struct ctl_sched_ask	 ask = { "", in->vcpus, in->mem_mib, 0,
	    in->host };
	char			 host[1][MC_PROTO_NAME_MAX + 1];

	if (in->state != CTL_IS_STOPPED)
		return 0;
	return ctl_sched_place(db, &o, &ask, 1, 1, host, err) < 0 ? -1 : 0;
}

static int
one(const struct ctl_req *req, sqlite3 *db, const char *id, enum ctl_ievent ev,
    bool force, struct change *ch, bool *ret_bumped, struct mc_err *err)
{
	static const char stop_code[] = "Client.UserInitiatedShutdown";
	static const char stop_msg[] =
	    "Client.UserInitiatedShutdown: User initiated shutdown";
	static const char *const verbs[CTL_EV__MAX] = {
		[CTL_EV_START] = "started", [CTL_EV_STOP] = "stopped",
		[CTL_EV_REBOOT] = "rebooted", [CTL_EV_TERMINATE] = "terminated",
	};
	struct ctl_inst	in;
	struct ctl_step	step;
	bool		user_stop = ev == CTL_EV_STOP || ev == CTL_EV_TERMINATE;

	if (ctl_inst_get(db, req->account_id, id, &in, err) <= 0)
		return mc_err_set(err, MC_EC_INVALID_INSTANCE_ID_NOT_FOUND,
		    "The instance ID '%s' does not exist", id);
	if (ev == CTL_EV_TERMINATE && in.no_terminate)
		return mc_err_set(err, MC_EC_OPERATION_NOT_PERMITTED,
		    "The instance '%s' may not be terminated. Modify its "
		    "'disableApiTermination' instance attribute and try again.",
		    id);
	if (ev == CTL_EV_START && room_to_start(req, db, &in, err) < 0)
		return -1;
	if (ctl_inst_apply(db, &in, ev, force, user_stop ? stop_code : NULL,
	    user_stop ? stop_msg : NULL, req->now_ms, &step, err) < 0)
		return -1;
	if (step.error != MC_EC_NONE)
		return mc_err_set(err, step.error, "The instance '%s' is not in "
		    "a state from which it can be %s (it is %s).", id,
		    verbs[ev], ctl_istate_name(in.state));
	if (step.changed || step.reboot || force)
		*ret_bumped = true;
	(void)snprintf(ch->id, sizeof(ch->id), "%s", id);
	ch->before = in.state;
	ch->after = step.state;
	if (step.changed)
		mc_log(MC_LOG_INFO, "instance state", "instance=%s host=%s "
		    "from=%s to=%s by=%s", id, in.host,
		    ctl_istate_name(in.state), ctl_istate_name(step.state),
		    req->action);
	return 0;
}

static void
changes_xml(struct ctl_xml *out, const struct change *ch, size_t n)
{
	size_t i;

	ctl_xml_open(out, "instancesSet");
	for (i = 0; i < n; i++) {
		ctl_xml_open(out, "item");
		ctl_xml_str(out, "instanceId", ch[i].id);
		ctl_inst_state_xml(out, "currentState", ch[i].after);
		ctl_inst_state_xml(out, "previousState", ch[i].before);
		ctl_xml_close(out);
	}
	ctl_xml_close(out);
}

/* Apply ev to every InstanceId.N; write what changed unless bare. */
static int
apply_all(const struct ctl_req *req, enum ctl_ievent ev, bool bare,
    struct ctl_xml *out, struct mc_err *err)
{
	MC_AUTOFREE const char	**ids = NULL;
	MC_AUTOFREE struct change *ch = NULL;
	size_t			  n = 0, i;
	bool			  force = false, bumped = false;
	sqlite3			 *db;
	int			  rc = -1;

	if (ctl_params_strlist(req->params, "InstanceId", &ids, &n, err) < 0 ||
	    (ev == CTL_EV_STOP &&
	    ctl_params_bool(req->params, "Force", &force, err) < 0))
		return -1;
	if (n == 0)
		return mc_err_set(err, MC_EC_MISSING_PARAMETER,
		    "The request must contain the parameter InstanceId");
	if (n > OPS_MAX || (ch = calloc(n, sizeof(*ch))) == NULL)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "At most %d instances in one call", OPS_MAX);
	if ((db = ctl_store_get(req->api->store, err)) == NULL)
		return -1;
	if (ctl_inst_check_ids(db, req->account_id, ids, n, err) < 0 ||
	    ctl_req_dry_run(req, err) < 0 || ctl_sql_begin(db, err) < 0)
		goto out;
	for (i = 0; i < n; i++)
		if (one(req, db, ids[i], ev, force, &ch[i], &bumped, err) < 0)
			break;
	if (i < n || ctl_sql_commit(db, err) < 0) {
		ctl_sql_rollback(db);
		goto out;
	}
	if (bumped)
		ctl_notify_bump();
	if (bare)
		ctl_xml_bool(out, "return", true);
	else
		changes_xml(out, ch, n);
	rc = 0;
out:
	ctl_store_put(req->api->store, db);
	return rc;
}

int
ctl_instances_start(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	return apply_all(req, CTL_EV_START, false, out, err);
}

int
ctl_instances_stop(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	return apply_all(req, CTL_EV_STOP, false, out, err);
}

int
ctl_instances_reboot(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	return apply_all(req, CTL_EV_REBOOT, true, out, err);
}

int
ctl_instances_terminate(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	return apply_all(req, CTL_EV_TERMINATE, false, out, err);
}

/*
 * ctl_instances_run: RunInstances.  Checks everything first, honours
 * ClientToken, then places and records the whole launch in one write
 * transaction: the agents of the chosen hosts see it at their next poll.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_base64.h"
#include "mc_cleanup.h"
#include "mc_err.h"
#include "mc_id.h"
#include "mc_log.h"
#include "ctl_api.h"
#include "ctl_conf.h"
#include "ctl_images.h"
#include "ctl_inst.h"
#include "ctl_instances.h"
#include "ctl_itypes.h"
#include "ctl_keypairs.h"
#include "ctl_mdopts.h"
#include "ctl_notify.h"
#include "ctl_params.h"
#include "ctl_query.h"
#include "ctl_runbdm.h"
#include "ctl_runnet.h"
#include "ctl_sched.h"
#include "ctl_sql.h"
#include "ctl_store.h"
#include "ctl_tags.h"
#include "ctl_tagspec.h"
#include "ctl_xml.h"

#define RUN_MAX		100	/* instances in one call */
#define TOKEN_MAX	64	/* ClientToken characters, as on EC2 */

static const char *const run_tag_types[] = { "instance", "volume", NULL };

/* A checked RunInstances request. */
struct run {
	const char		*image_id, *key_name, *zone, *token;
	const char		*behavior;
	long long		 min, max;
	bool			 no_terminate;
	unsigned char		*user_data;	/* owned */
	size_t			 user_data_len;
	const struct ctl_itype	*type;
	struct ctl_image	 image;
	unsigned		 disk_gib;
	struct ctl_tagspecs	 tags;
	struct ctl_runnet	 net;
	struct ctl_runbdm	 bdm;		/* volumes of each instance */
	struct ctl_mdopts	 md;
	struct ctl_keypair	 key;		/* when key_name is set */
	char			 hash[65];	/* of the parameters */
};

static void
run_clear(struct run *r)
{
	free(r->user_data);
	ctl_tagspecs_clear(&r->tags);
	ctl_runnet_clear(&r->net);
}

static bool
zone_known(const struct ctl_conf *c, const char *zone)
{
	size_t i;

	for (i = 0; i < c->zones.n; i++)
		if (strcmp(c->zones.v[i], zone) == 0)
			return true;
	return false;
}

/* Counts, type, zone, behaviour, user data, tags: no store needed. */
static int
parse_simple(const struct ctl_req *req, struct run *r, struct mc_err *err)
{
	const struct ctl_query	*q = req->params;
	const struct ctl_conf	*c = req->api->conf;
	const char		*type, *ud;
	bool			 b = false;

	if (ctl_params_int(q, "MinCount", 1, RUN_MAX, &r->min, err) == 0 ||
	    ctl_params_int(q, "MaxCount", 1, RUN_MAX, &r->max, err) == 0)
		return mc_err_set(err, MC_EC_MISSING_PARAMETER, "The request "
		    "must contain the parameters MinCount and MaxCount");
	if (err->code != MC_EC_NONE)
		return -1;
	if (r->min > r->max)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "MinCount (%lld) is more than MaxCount (%lld)", r->min,
		    r->max);
	type = ctl_query_get(q, "InstanceType");
	if (type == NULL)
		type = c->default_instance_type;
	if ((r->type = ctl_itypes_find(&c->itypes, type)) == NULL)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "Invalid value '%.64s' for InstanceType.", type);
	r->zone = ctl_query_get(q, "Placement.AvailabilityZone");
	if (r->zone != NULL && !zone_known(c, r->zone))
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "Invalid availability zone: [%.64s]", r->zone);
	r->behavior = ctl_query_get(q, "InstanceInitiatedShutdownBehavior");
	if (r->behavior == NULL)
		r->behavior = "stop";
	if (strcmp(r->behavior, "stop") != 0 &&
	    strcmp(r->behavior, "terminate") != 0)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "InstanceInitiatedShutdownBehavior must be stop or "
		    "terminate");
	if (ctl_params_bool(q, "DisableApiTermination", &b, err) < 0)
		return -1;
	r->no_terminate = b;
	r->key_name = ctl_query_get(q, "KeyName");
	if (r->key_name != NULL && (r->key_name[0] == '\0' ||
	    strlen(r->key_name) > 255))
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "KeyName must be 1 to 255 characters");
	r->token = ctl_query_get(q, "ClientToken");
	if (r->token != NULL && strlen(r->token) > TOKEN_MAX)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "ClientToken is longer than %d characters", TOKEN_MAX);
	if ((ud = ctl_query_get(q, "UserData")) != NULL) {
		if (mc_base64_decode(ud, &r->user_data, &r->user_data_len,
		    err) < 0)
			return -1;
		if (r->user_data_len > CTL_USER_DATA_MAX)
			return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
			    "User data is limited to %d bytes",
			    CTL_USER_DATA_MAX);
	}
	ctl_params_hash(q, "ClientToken", r->hash);
	if (ctl_runnet_parse(req, r->max, &r->net, err) < 0 ||
	    ctl_mdopts_parse(q, "MetadataOptions.", &r->md, err) < 0)
		return -1;
	ctl_mdopts_defaults(&r->md);
	return ctl_tagspecs_parse(q, run_tag_types, &r->tags, err);
}

/*
 * The image: well formed, visible, a machine image, available; then the
 * block device mappings, which must keep off its root device.
 */
static int
parse_image(const struct ctl_req *req, sqlite3 *db, struct run *r,
    struct mc_err *err)
{
	bool	ok = false;
	int	found;

	r->image_id = ctl_query_get(req->params, "ImageId");
	if (r->image_id == NULL)
		return mc_err_set(err, MC_EC_MISSING_PARAMETER,
		    "The request must contain the parameter ImageId");
	if (mc_id_check(MC_ID_IMAGE, r->image_id, err) < 0)
		return -1;
	if ((found = ctl_image_get(db, r->image_id, &r->image, err)) < 0 ||
	    (found > 0 && ctl_image_can_launch(db, &r->image, req->account_id,
	    &ok, err) < 0))
		return -1;
	if (!ok)
		return mc_err_set(err, MC_EC_INVALID_AMI_ID_NOT_FOUND,
		    "The image id '[%s]' does not exist", r->image_id);
	if (strcmp(r->image.state, "available") != 0)
		return mc_err_set(err, MC_EC_INVALID_AMI_ID_UNAVAILABLE,
		    "The image '%s' is %s, not available", r->image_id,
		    r->image.state);
	/* The root disk takes the image's virtual size, in whole GiB. */
	r->disk_gib = (unsigned)((r->image.virtual_size + (1ULL << 30) - 1) >>
	    30);
	if (r->disk_gib == 0)
		r->disk_gib = 1;
	if (ctl_runbdm_parse(req->params, r->image.root_device, r->disk_gib,
	    r->image.snapshot_id, &r->bdm, err) < 0 ||
	    ctl_runbdm_resolve(db, req->account_id, &r->bdm, err) < 0)
		return -1;
	r->disk_gib = (unsigned)r->bdm.root.size_gib;	/* maybe larger */
	return 0;
}

/*
 * A launch with this ClientToken happened already?  Returns 1 and puts
 * its reservation in rid when the parameters match, 0 when the token is
 * new (or absent), -1 with err set (IdempotentParameterMismatch).
 */
static int
earlier_launch(sqlite3 *db, const char *account, const struct run *r,
    char *rid, size_t ridsz, struct mc_err *err)
{
	sqlite3_stmt	*st;
	char		 hash[65];
	int		 rc;

	if (r->token == NULL)
		return 0;
	if (ctl_sql_prepare(db, &st, err, "SELECT id, request_hash FROM "
	    "reservations WHERE account_id = ? AND client_token = ?", "ss",
	    account, r->token) < 0)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		ctl_sql_text(st, 0, rid, ridsz);
		ctl_sql_text(st, 1, hash, sizeof(hash));
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return mc_err_set(err, MC_EC_INTERNAL_ERROR,
		    "cannot read reservations");
	if (strcmp(hash, r->hash) != 0)
		return mc_err_set(err, MC_EC_IDEMPOTENT_PARAMETER_MISMATCH,
		    "Arguments on this idempotent request are inconsistent "
		    "with arguments used in previous request(s).");
	return 1;
}

static int
check_limit(const struct ctl_req *req, sqlite3 *db, const struct run *r,
    struct mc_err *err)
{
	int64_t live = 0;

	if (ctl_sql_int(db, &live, err, "SELECT count(*) FROM instances WHERE "
	    "account_id = ? AND state <> 'terminated'", "s",
	    req->account_id) < 0)
		return -1;
	if (live + r->min > req->api->conf->max_instances)
		return mc_err_set(err, MC_EC_INSTANCE_LIMIT_EXCEEDED,
		    "Your quota allows for %lld more running instance(s). You "
		    "requested at least %lld", req->api->conf->max_instances -
		    live > 0 ? req->api->conf->max_instances - live : 0, r->min);
	return 0;
}

/* The zone of host, from the hosts table. */
static void
host_zone(sqlite3 *db, const char *host, char *zone, size_t zonesz)
{
	sqlite3_stmt *st;

	zone[0] = '\0';
	if (ctl_sql_prepare(db, &st, NULL, "SELECT zone FROM hosts WHERE "
	    "name = ?", "s", host) < 0)
		return;
	if (sqlite3_step(st) == SQLITE_ROW)
		ctl_sql_text(st, 0, zone, zonesz);
	sqlite3_finalize(st);
}

static int
insert_instance(const struct ctl_req *req, sqlite3 *db, const struct run *r,
    const char *rid, int index, const char *host, char *vpc_bumped,
    char *ret_id, struct mc_err *err)
{
	const struct ctl_tagspec	*spec = ctl_tagspecs_find(&r->tags,
	    "instance");
	char				 zone[MC_PROTO_ZONE_MAX + 1];

	if (mc_id_new(MC_ID_INSTANCE, ret_id, MC_ID_MAX, err) < 0)
		return -1;
	host_zone(db, host, zone, sizeof(zone));
	if (ctl_sql_run(db, err, "INSERT INTO instances (id, account_id, "
	    "reservation_id, launch_index, image_id, instance_type, vcpus, "
	    "mem_mib, disk_gib, zone, host, state, desired, launch_ms, "
	    "state_ms, key_name, user_data, shutdown_behavior, no_terminate, "
	    "md_tokens, md_hop_limit, md_endpoint, md_tags, key_material) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 'running', ?, "
	    "?12, ?, ?, ?, ?, ?, ?, ?, ?, ?)", "sssissiiissisbsisisss", ret_id,
	    req->account_id, rid, (int64_t)index, r->image_id, r->type->name,
	    (int64_t)r->type->vcpus, (int64_t)r->type->mem_mib,
	    (int64_t)r->disk_gib, zone, host, req->now_ms,
	    r->key_name != NULL ? r->key_name : "", r->user_data,
	    r->user_data_len, r->behavior, (int64_t)r->no_terminate,
	    r->md.tokens, (int64_t)r->md.hop_limit, r->md.endpoint,
	    r->md.tags, r->key_name != NULL ? r->key.public_key : "") < 0 ||
	    ctl_runnet_attach(req, db, &r->net, ret_id, zone, vpc_bumped,
	    err) < 0 ||
	    ctl_runbdm_attach(db, &r->bdm, req->account_id, ret_id, zone,
	    ctl_tagspecs_find(&r->tags, "volume"), req->now_ms, err) < 0)
		return -1;
	if (spec != NULL && ctl_tags_set(db, req->account_id, ret_id,
	    spec->tags, spec->n_tags, err) < 0)
		return -1;
	return ctl_inst_bump_host(db, host, err);
}

/* Place and record the launch; fills rid.  In one transaction. */
static int
launch(const struct ctl_req *req, sqlite3 *db, const struct run *r,
    char *rid, size_t ridsz, struct mc_err *err)
{
	const struct ctl_conf	*c = req->api->conf;
	struct ctl_sched_opts	 o = { (unsigned)c->cpu_overcommit,
	    (unsigned)c->mem_overcommit, (unsigned)c->disk_overcommit,
	    strcmp(c->placement, "pack") == 0, req->now_ms,
	    c->host_timeout_s * 1000 };
	struct ctl_sched_ask	 ask = { r->zone != NULL ? r->zone : "",
	    r->type->vcpus, r->type->mem_mib, r->disk_gib, NULL };
	char			 hosts[RUN_MAX][MC_PROTO_NAME_MAX + 1];
	char			 id[MC_ID_MAX], vpc_bumped[MC_ID_MAX] = "";
	int			 placed, i;

	if (mc_id_new(MC_ID_RESERVATION, rid, ridsz, err) < 0 ||
	    ctl_sql_begin(db, err) < 0)
		return -1;
	if ((placed = ctl_sched_place(db, &o, &ask, (unsigned)r->min,
	    (unsigned)r->max, hosts, err)) < 0)
		goto fail;
	/* No token binds NULL ('n' would take no argument and shift). */
	if (ctl_sql_run(db, err, "INSERT INTO reservations (id, account_id, "
	    "client_token, request_hash, created_ms) VALUES (?, ?, ?, ?, ?)",
	    "ssssi", rid, req->account_id, r->token, r->hash,
	    req->now_ms) != 1) {
		mc_err_set(err, MC_EC_INTERNAL_ERROR, "cannot store the "
		    "reservation");
		goto fail;
	}
	for (i = 0; i < placed; i++)
		if (insert_instance(req, db, r, rid, i, hosts[i], vpc_bumped,
		    id, err) < 0)
			goto fail;
	if (ctl_sql_commit(db, err) < 0)
		return -1;
	ctl_notify_bump();
	mc_log(MC_LOG_INFO, "instances launched", "reservation=%s count=%d "
	    "image=%s type=%s", rid, placed, r->image_id, r->type->name);
	return 0;
fail:
	ctl_sql_rollback(db);
	return -1;
}

/* <reservationId>, <ownerId>, <groupSet/>, <instancesSet> of rid. */
static int
reservation_xml(sqlite3 *db, const char *account, const char *rid,
    const char *dns_domain, struct ctl_xml *out, struct mc_err *err)
{
	struct ctl_inst	*v = NULL;
	size_t		 n = 0, i;

	if (ctl_inst_list(db, account, rid, &v, &n, err) < 0)
		return -1;
	ctl_xml_str(out, "reservationId", rid);
	ctl_xml_str(out, "ownerId", account);
	ctl_xml_empty(out, "groupSet");
	ctl_xml_open(out, "instancesSet");
	for (i = 0; i < n; i++)
		ctl_inst_xml(out, &v[i], dns_domain);
	ctl_xml_close(out);
	ctl_inst_free_all(v, n);
	return 0;
}

int
ctl_instances_run(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	struct run	 r;
	char		 rid[MC_ID_MAX];
	sqlite3		*db = NULL;
	int		 rc = -1, again;

	memset(&r, 0, sizeof(r));
	if (parse_simple(req, &r, err) < 0 ||
	    (db = ctl_store_get(req->api->store, err)) == NULL ||
	    parse_image(req, db, &r, err) < 0 || (r.key_name != NULL &&
	    ctl_keypair_find(db, req->account_id, r.key_name, &r.key,
	    err) < 0) ||
	    (again = earlier_launch(db, req->account_id, &r, rid,
	    sizeof(rid), err)) < 0)
		goto out;
	if (again == 0 && (check_limit(req, db, &r, err) < 0 ||
	    ctl_runnet_prepare(req, db, &r.net, &r.zone, err) < 0 ||
	    ctl_req_dry_run(req, err) < 0 ||
	    launch(req, db, &r, rid, sizeof(rid), err) < 0))
		goto out;
	if (again > 0 && ctl_req_dry_run(req, err) < 0)
		goto out;
	rc = reservation_xml(db, req->account_id, rid,
	    req->api->conf->dns_domain, out, err);
out:
	ctl_store_put(req->api->store, db);
	run_clear(&r);
	return rc;
}

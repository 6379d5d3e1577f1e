/*
 * ctl_images_create: CreateImage.  An image made from an instance is a
 * snapshot of its root volume taken by the instance's host (after a
 * clean shutdown unless NoReboot, as EC2 does), and an AMI that stays
 * pending until that snapshot is stored; then it is an ordinary image
 * whose file is the snapshot's (ctl_images_snap.c).
 */
#include <stdio.h>
#include <string.h>

#include "mc_err.h"
#include "mc_id.h"
#include "mc_log.h"
#include "ctl_api.h"
#include "ctl_images.h"
#include "ctl_inst.h"
#include "ctl_notify.h"
#include "ctl_params.h"
#include "ctl_query.h"
#include "ctl_sql.h"
#include "ctl_store.h"
#include "ctl_tags.h"
#include "ctl_tagspec.h"
#include "ctl_xml.h"

static const char *const create_tag_types[] = { "image", "snapshot", NULL };

/* What CreateImage makes, checked. */
struct create {
	struct ctl_inst		in;
	struct ctl_image	im;
	char			root_vol[MC_ID_MAX];
	int64_t			root_gib;
	char			snap[MC_ID_MAX];
	bool			reboot;
};

/* The instance's root volume and its size; none is an error. */
static int
root_of(sqlite3 *db, struct create *c, struct mc_err *err)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (ctl_sql_prepare(db, &st, err, "SELECT v.id, v.size_gib FROM "
	    "vol_attachments a JOIN volumes v ON v.id = a.volume_id WHERE "
	    "a.instance_id = ? AND v.root = 1", "s", c->in.id) < 0)
		return -1;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ctl_sql_text(st, 0, c->root_vol, sizeof(c->root_vol));
		c->root_gib = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc != SQLITE_DONE)
		return mc_err_set(err, MC_EC_INTERNAL_ERROR,
		    "cannot read the root volume of %s", c->in.id);
	return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE, "Instance '%s' "
	    "has no root volume to image (it was launched before root "
	    "volumes existed)", c->in.id);
}

/* The instance, running or stopped, of the caller. */
static int
instance_of(const struct ctl_req *req, sqlite3 *db, struct create *c,
    struct mc_err *err)
{
	const char	*id = ctl_query_get(req->params, "InstanceId");
	int		 found;

	if (id == NULL)
		return mc_err_set(err, MC_EC_MISSING_PARAMETER,
		    "The request must contain the parameter InstanceId");
	if (mc_id_check(MC_ID_INSTANCE, id, err) < 0)
		return -1;
	if ((found = ctl_inst_get(db, req->account_id, id, &c->in, err)) < 0)
		return -1;
	if (found == 0 || c->in.state == CTL_IS_TERMINATED)
		return mc_err_set(err, MC_EC_INVALID_INSTANCE_ID_NOT_FOUND,
		    "The instance ID '%.32s' does not exist", id);
	if ((c->in.state != CTL_IS_RUNNING && c->in.state != CTL_IS_STOPPED) ||
	    c->in.host[0] == '\0')
		return mc_err_set(err, MC_EC_INCORRECT_INSTANCE_STATE, "Instance "
		    "'%s' is %s: images are made of running or stopped "
		    "instances.", c->in.id, ctl_istate_name(c->in.state));
	return root_of(db, c, err);
}

/* The image to be: the source image's boot settings, the instance's root. */
static int
image_of(const struct ctl_req *req, sqlite3 *db, struct create *c,
    struct mc_err *err)
{
	const char		*name = ctl_query_get(req->params, "Name");
	const char		*desc = ctl_query_get(req->params, "Description");
	struct ctl_image	*im = &c->im, src;
	int			 found;

	if (name == NULL)
		return mc_err_set(err, MC_EC_MISSING_PARAMETER,
		    "The request must contain the parameter Name");
	if (ctl_image_name_check(name, err) < 0)
		return -1;
	if (desc != NULL && strlen(desc) > CTL_IMAGE_DESC_MAX)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "Description is longer than %d characters",
		    CTL_IMAGE_DESC_MAX);
	if ((found = ctl_image_get(db, c->in.image_id, &src, err)) < 0)
		return -1;
	memset(im, 0, sizeof(*im));
	if (found > 0) {	/* kept even if the source is deregistered */
		(void)snprintf(im->kernel_id, sizeof(im->kernel_id), "%s",
		    src.kernel_id);
		(void)snprintf(im->ramdisk_id, sizeof(im->ramdisk_id), "%s",
		    src.ramdisk_id);
		(void)snprintf(im->cmdline, sizeof(im->cmdline), "%s",
		    src.cmdline);
	}
	(void)snprintf(im->owner, sizeof(im->owner), "%s", req->account_id);
	(void)snprintf(im->name, sizeof(im->name), "%s", name);
	(void)snprintf(im->description, sizeof(im->description), "%s",
	    desc != NULL ? desc : "");
	(void)snprintf(im->location, sizeof(im->location), "%s/%s",
	    req->account_id, name);
	(void)snprintf(im->state, sizeof(im->state), "pending");
	(void)snprintf(im->format, sizeof(im->format), "qcow2");
	(void)snprintf(im->architecture, sizeof(im->architecture), "x86_64");
	(void)snprintf(im->root_device, sizeof(im->root_device), "%s",
	    c->in.root_device[0] != '\0' ? c->in.root_device : "/dev/xvda");
	(void)snprintf(im->source_instance, sizeof(im->source_instance), "%s",
	    c->in.id);
	im->virtual_size = (uint64_t)c->root_gib << 30;
	im->created_ms = req->now_ms;
	if (mc_id_new(MC_ID_IMAGE, im->id, sizeof(im->id), err) < 0 ||
	    mc_id_new(MC_ID_SNAPSHOT, c->snap, sizeof(c->snap), err) < 0)
		return -1;
	(void)snprintf(im->snapshot_id, sizeof(im->snapshot_id), "%s",
	    c->snap);
	return 0;
}

/* In one transaction: the snapshot job for the host, then the image. */
static int
store(const struct ctl_req *req, sqlite3 *db, const struct create *c,
    const struct ctl_tagspecs *ts, struct mc_err *err)
{
	const struct ctl_tagspec	*is = ctl_tagspecs_find(ts, "image");
	const struct ctl_tagspec	*ss = ctl_tagspecs_find(ts, "snapshot");
	char				 desc[160];

	(void)snprintf(desc, sizeof(desc), "Created by CreateImage(%s) for %s",
	    c->in.id, c->im.id);
	if (ctl_sql_run(db, err, "INSERT INTO snapshots (id, account_id, "
	    "volume_id, volume_size, description, state, host, instance_id, "
	    "root, reboot, start_ms) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, "
	    "1, ?, ?)", "sssisssii", c->snap, req->account_id, c->root_vol,
	    c->root_gib, desc, c->in.host, c->in.id, (int64_t)c->reboot,
	    req->now_ms) < 0 || ctl_image_insert(db, &c->im, err) < 0)
		return -1;
	if ((is != NULL && ctl_tags_set(db, req->account_id, c->im.id,
	    is->tags, is->n_tags, err) < 0) || (ss != NULL &&
	    ctl_tags_set(db, req->account_id, c->snap, ss->tags, ss->n_tags,
	    err) < 0))
		return -1;
	return ctl_inst_bump_host(db, c->in.host, err);
}

int
ctl_images_create(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	struct ctl_tagspecs	 ts = { NULL, 0 };
	struct create		 c;
	bool			 no_reboot = false;
	sqlite3			*db;
	int			 rc = -1;

	memset(&c, 0, sizeof(c));
	if (ctl_tagspecs_parse(req->params, create_tag_types, &ts, err) < 0)
		return -1;
	if (ctl_params_bool(req->params, "NoReboot", &no_reboot, err) < 0 ||
	    (db = ctl_store_get(req->api->store, err)) == NULL)
		goto out;
	if (ctl_sql_begin(db, err) < 0)
		goto put;
	if (instance_of(req, db, &c, err) < 0 || image_of(req, db, &c,
	    err) < 0 || ctl_req_dry_run(req, err) < 0)
		goto rollback;
	/* A stopped instance's disk is still: nothing to reboot. */
	c.reboot = !no_reboot && c.in.state == CTL_IS_RUNNING;
	if (store(req, db, &c, &ts, err) < 0 || ctl_sql_commit(db, err) < 0)
		goto rollback;
	ctl_notify_bump();
	mc_log(MC_LOG_INFO, "image from instance", "image=%s instance=%s "
	    "snapshot=%s volume=%s reboot=%d host=%s", c.im.id, c.in.id,
	    c.snap, c.root_vol, (int)c.reboot, c.in.host);
	ctl_xml_str(out, "imageId", c.im.id);
	rc = 0;
	goto put;
rollback:
	ctl_sql_rollback(db);
put:
	ctl_store_put(req->api->store, db);
out:
	ctl_tagspecs_clear(&ts);
	return rc;
}

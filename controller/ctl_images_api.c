/*
 * ctl_images_api: RegisterImage, DescribeImages, DeregisterImage,
 * DescribeImageAttribute and ModifyImageAttribute.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_cleanup.h"
#include "mc_err.h"
#include "mc_id.h"
#include "mc_log.h"
#include "ami_store.h"
#include "ctl_api.h"
#include "ctl_conf.h"
#include "ctl_filter.h"
#include "ctl_images.h"
#include "ctl_page.h"
#include "ctl_params.h"
#include "ctl_query.h"
#include "ctl_sql.h"
#include "ctl_store.h"
#include "ctl_tags.h"
#include "ctl_tagspec.h"
#include "ctl_xml.h"

static const char *const image_tag_types[] = { "image", NULL };

/* A kernel or ramdisk reference must exist and be launchable. */
static int
check_part(sqlite3 *db, const char *account, const char *id,
    enum mc_id_kind kind, struct mc_err *err)
{
	struct ctl_image	part;
	bool			ok = false;
	int			found;

	if (id == NULL || id[0] == '\0')
		return 0;
	if (mc_id_check(kind, id, err) < 0)
		return -1;
	if ((found = ctl_image_get(db, id, &part, err)) < 0 ||
	    (found > 0 && ctl_image_can_launch(db, &part, account, &ok,
	    err) < 0))
		return -1;
	if (!ok)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "The %s '%s' does not exist", kind == MC_ID_KERNEL ?
		    "kernel" : "ramdisk", id);
	return 0;
}

/* Fill im from RegisterImage's parameters, checking each. */
static int
register_params(const struct ctl_req *req, sqlite3 *db, struct ctl_image *im,
    struct mc_err *err)
{
	const struct ctl_query	*q = req->params;
	const char		*name = ctl_query_get(q, "Name");
	const char		*loc = ctl_query_get(q, "ImageLocation");
	const char		*arch = ctl_query_get(q, "Architecture");
	const char		*root = ctl_query_get(q, "RootDeviceName");
	const char		*desc = ctl_query_get(q, "Description");
	char			 path[4096];

	if (name == NULL)
		return mc_err_set(err, MC_EC_MISSING_PARAMETER,
		    "The request must contain the parameter Name");
	if (loc == NULL || loc[0] == '\0')
		return mc_err_set(err, MC_EC_MISSING_PARAMETER, "The request "
		    "must contain the parameter ImageLocation (a path under "
		    "the image store's import directory, or an http(s) URL)");
	if (ctl_image_name_check(name, err) < 0)
		return -1;
	if (strlen(loc) >= sizeof(im->location))
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "ImageLocation is too long");
	if (strncmp(loc, "http://", 7) != 0 && strncmp(loc, "https://", 8) != 0 &&
	    ami_store_import_path(req->api->conf->state_dir, loc, path,
	    sizeof(path), err) < 0)
		return -1;
	if (arch != NULL && strcmp(arch, "x86_64") != 0)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "Architecture '%.32s' is not supported here: x86_64 only",
		    arch);
	if (desc != NULL && strlen(desc) > CTL_IMAGE_DESC_MAX)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "Description is longer than %d characters",
		    CTL_IMAGE_DESC_MAX);
	if (root != NULL && (strncmp(root, "/dev/", 5) != 0 ||
	    strlen(root) >= sizeof(im->root_device)))
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "RootDeviceName '%.32s' is not a device name", root);
	if (check_part(db, req->account_id, ctl_query_get(q, "KernelId"),
	    MC_ID_KERNEL, err) < 0 || check_part(db, req->account_id,
	    ctl_query_get(q, "RamdiskId"), MC_ID_RAMDISK, err) < 0)
		return -1;
	memset(im, 0, sizeof(*im));
	(void)snprintf(im->owner, sizeof(im->owner), "%s", req->account_id);
	(void)snprintf(im->name, sizeof(im->name), "%s", name);
	(void)snprintf(im->description, sizeof(im->description), "%s",
	    desc != NULL ? desc : "");
	(void)snprintf(im->location, sizeof(im->location), "%s", loc);
	(void)snprintf(im->architecture, sizeof(im->architecture), "x86_64");
	(void)snprintf(im->root_device, sizeof(im->root_device), "%s",
	    root != NULL ? root : "/dev/xvda");
	(void)snprintf(im->kernel_id, sizeof(im->kernel_id), "%s",
	    ctl_query_get(q, "KernelId") ? ctl_query_get(q, "KernelId") : "");
	(void)snprintf(im->ramdisk_id, sizeof(im->ramdisk_id), "%s",
	    ctl_query_get(q, "RamdiskId") ? ctl_query_get(q, "RamdiskId") : "");
	(void)snprintf(im->state, sizeof(im->state), "pending");
	im->created_ms = req->now_ms;
	return mc_id_new(MC_ID_IMAGE, im->id, sizeof(im->id), err);
}

int
ctl_images_register(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	const struct ctl_tagspec	*spec;
	struct ctl_tagspecs		 ts = { NULL, 0 };
	struct ctl_image		 im;
	sqlite3				*db;
	int				 rc = -1;

	if (ctl_tagspecs_parse(req->params, image_tag_types, &ts, err) < 0)
		return -1;
	if ((db = ctl_store_get(req->api->store, err)) == NULL)
		goto out;
	if (register_params(req, db, &im, err) < 0 ||
	    ctl_req_dry_run(req, err) < 0 || ctl_sql_begin(db, err) < 0)
		goto put;
	spec = ctl_tagspecs_find(&ts, "image");
	if (ctl_image_insert(db, &im, err) < 0 || (spec != NULL &&
	    ctl_tags_set(db, req->account_id, im.id, spec->tags, spec->n_tags,
	    err) < 0) || ctl_sql_commit(db, err) < 0) {
		ctl_sql_rollback(db);
		goto put;
	}
	ctl_importer_wake(req->api->importer);
	mc_log(MC_LOG_INFO, "image registered", "image=%s account=%s "
	    "location=%s", im.id, req->account_id, im.location);
	ctl_xml_str(out, "imageId", im.id);
	rc = 0;
put:
	ctl_store_put(req->api->store, db);
out:
	ctl_tagspecs_clear(&ts);
	return rc;
}

/* Images account may see, by id, with their tags.  *ret is new. */
static int
visible_images(sqlite3 *db, const char *account, struct ctl_image **ret,
    size_t *ret_n, struct mc_err *err)
{
	struct ctl_image	*v = NULL, *nv;
	sqlite3_stmt		*st;
	size_t			 n = 0, i;
	int			 rc;

	if (ctl_sql_prepare(db, &st, err, "SELECT id FROM images WHERE "
	    "owner = ?1 OR public = 1 OR id IN (SELECT image_id FROM "
	    "image_launch WHERE account_id = ?1) ORDER BY id", "s",
	    account) < 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char id[MC_ID_MAX];

		if ((nv = realloc(v, (n + 1) * sizeof(*v))) == NULL) {
			rc = SQLITE_NOMEM;
			break;
		}
		v = nv;
		ctl_sql_text(st, 0, id, sizeof(id));
		if (ctl_image_get(db, id, &v[n], err) <= 0 ||
		    ctl_tags_load(db, id, &v[n].tags, &v[n].n_tags, err) < 0) {
			rc = SQLITE_ERROR;
			break;
		}
		n++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		for (i = 0; i < n; i++)
			free(v[i].tags);
		free(v);
		return mc_err_set(err, MC_EC_INTERNAL_ERROR,
		    "cannot list images");
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

static void
free_images(struct ctl_image *v, size_t n)
{
	size_t i;

	for (i = 0; v != NULL && i < n; i++)
		free(v[i].tags);
	free(v);
}

enum {
	IF_ID, IF_NAME, IF_STATE, IF_ARCH, IF_OWNER, IF_ALIAS, IF_PUBLIC,
	IF_TYPE, IF_KERNEL, IF_RAMDISK, IF_ROOT_NAME, IF_ROOT_TYPE, IF_VIRT,
	IF_DESC, IF_TAG,
};

static const struct ctl_filter_def image_filters[] = {
	{ "image-id", IF_ID }, { "name", IF_NAME }, { "state", IF_STATE },
	{ "architecture", IF_ARCH }, { "owner-id", IF_OWNER },
	{ "owner-alias", IF_ALIAS }, { "is-public", IF_PUBLIC },
	{ "image-type", IF_TYPE }, { "kernel-id", IF_KERNEL },
	{ "ramdisk-id", IF_RAMDISK }, { "root-device-name", IF_ROOT_NAME },
	{ "root-device-type", IF_ROOT_TYPE },
	{ "virtualization-type", IF_VIRT }, { "description", IF_DESC },
	CTL_TAGS_FILTERS(IF_TAG),
};

static void
image_values(const void *res, const struct ctl_filter *f,
    struct ctl_fvals *fv)
{
	const struct ctl_image *im = res;

	switch (f->field) {
	case IF_ID:		ctl_fvals_add(fv, im->id); break;
	case IF_NAME:		ctl_fvals_add(fv, im->name); break;
	case IF_STATE:		ctl_fvals_add(fv, im->state); break;
	case IF_ARCH:		ctl_fvals_add(fv, im->architecture); break;
	case IF_OWNER:		ctl_fvals_add(fv, im->owner); break;
	case IF_ALIAS:
		if (strcmp(im->owner, CTL_SYSTEM_OWNER) == 0)
			ctl_fvals_add(fv, CTL_SYSTEM_ALIAS);
		break;
	case IF_PUBLIC:	ctl_fvals_add(fv, im->public ? "true" : "false"); break;
	case IF_TYPE:		ctl_fvals_add(fv, ctl_image_type(im->id)); break;
	case IF_KERNEL:		ctl_fvals_add(fv, im->kernel_id); break;
	case IF_RAMDISK:	ctl_fvals_add(fv, im->ramdisk_id); break;
	case IF_ROOT_NAME:	ctl_fvals_add(fv, im->root_device); break;
	case IF_ROOT_TYPE:	ctl_fvals_add(fv, "ebs"); break;
	case IF_VIRT:		ctl_fvals_add(fv, "hvm"); break;
	case IF_DESC:		ctl_fvals_add(fv, im->description); break;
	case IF_TAG:
		ctl_tags_fvals(im->tags, im->n_tags, f, fv);
		break;
	}
}

static void
image_xml(struct ctl_xml *x, const struct ctl_image *im)
{
	ctl_xml_open(x, "item");
	ctl_xml_str(x, "imageId", im->id);
	ctl_xml_str(x, "imageLocation", im->location);
	ctl_xml_str(x, "imageState", im->state);
	ctl_xml_str(x, "imageOwnerId", im->owner);
	if (strcmp(im->owner, CTL_SYSTEM_OWNER) == 0)
		ctl_xml_str(x, "imageOwnerAlias", CTL_SYSTEM_ALIAS);
	ctl_xml_time(x, "creationDate", im->created_ms);
	ctl_xml_bool(x, "isPublic", im->public);
	ctl_xml_str(x, "architecture", im->architecture);
	ctl_xml_str(x, "imageType", ctl_image_type(im->id));
	if (im->kernel_id[0] != '\0')
		ctl_xml_str(x, "kernelId", im->kernel_id);
	if (im->ramdisk_id[0] != '\0')
		ctl_xml_str(x, "ramdiskId", im->ramdisk_id);
	ctl_xml_str(x, "name", im->name);
	ctl_xml_str(x, "description", im->description);
	ctl_xml_str(x, "rootDeviceType", "ebs");
	ctl_xml_str(x, "rootDeviceName", im->root_device);
	if (im->snapshot_id[0] != '\0') {
		ctl_xml_open(x, "blockDeviceMapping");
		ctl_xml_open(x, "item");
		ctl_xml_str(x, "deviceName", im->root_device);
		ctl_xml_open(x, "ebs");
		ctl_xml_str(x, "snapshotId", im->snapshot_id);
		ctl_xml_int(x, "volumeSize", (int64_t)((im->virtual_size +
		    (1ULL << 30) - 1) >> 30));
		ctl_xml_bool(x, "deleteOnTermination", true);
		ctl_xml_str(x, "volumeType", "gp2");
		ctl_xml_bool(x, "encrypted", false);
		ctl_xml_close(x);
		ctl_xml_close(x);
		ctl_xml_close(x);
	} else
		ctl_xml_empty(x, "blockDeviceMapping");
	ctl_xml_str(x, "virtualizationType", "hvm");
	ctl_xml_str(x, "platformDetails", "Linux/UNIX");
	ctl_xml_str(x, "usageOperation", "RunInstances");
	ctl_xml_str(x, "bootMode", "legacy-bios");
	if (strcmp(im->state, "failed") == 0) {
		ctl_xml_open(x, "stateReason");
		ctl_xml_str(x, "code", "Client.InvalidImage");
		ctl_xml_str(x, "message", im->state_reason);
		ctl_xml_close(x);
	}
	ctl_tags_xml(x, im->tags, im->n_tags);
	ctl_xml_close(x);
}

/* What DescribeImages selects, besides the filters. */
struct image_sel {
	const char	**ids, **owners, **exec;
	size_t		  n_ids, n_owners, n_exec;
	const char	 *account;
};

static bool
owner_selected(const struct image_sel *s, const struct ctl_image *im)
{
	size_t i;

	for (i = 0; i < s->n_owners; i++) {
		const char *o = s->owners[i];

		if ((strcmp(o, "self") == 0 && strcmp(im->owner,
		    s->account) == 0) || strcmp(o, im->owner) == 0 ||
		    (strcmp(o, CTL_SYSTEM_ALIAS) == 0 &&
		    strcmp(im->owner, CTL_SYSTEM_OWNER) == 0))
			return true;
	}
	return s->n_owners == 0;
}

static int
exec_selected(sqlite3 *db, const struct image_sel *s,
    const struct ctl_image *im, bool *ret, struct mc_err *err)
{
	bool	ok;
	size_t	i;

	*ret = s->n_exec == 0;
	for (i = 0; i < s->n_exec && !*ret; i++) {
		const char *who = s->exec[i];

		if (strcmp(who, "all") == 0)
			ok = im->public;
		else if (ctl_image_can_launch(db, im, strcmp(who, "self") == 0 ?
		    s->account : who, &ok, err) < 0)
			return -1;
		*ret = ok;
	}
	return 0;
}

/* Explicit ImageId.N must all be well formed and visible. */
static int
check_ids(const struct image_sel *s, const struct ctl_image *v, size_t n,
    struct mc_err *err)
{
	size_t i, j;

	for (i = 0; i < s->n_ids; i++) {
		if (mc_id_check(MC_ID_IMAGE, s->ids[i], NULL) < 0 &&
		    mc_id_check(MC_ID_KERNEL, s->ids[i], NULL) < 0 &&
		    mc_id_check(MC_ID_RAMDISK, s->ids[i], NULL) < 0)
			return mc_err_set(err, MC_EC_INVALID_AMI_ID_MALFORMED,
			    "Invalid id: \"%.64s\"", s->ids[i]);
		for (j = 0; j < n && strcmp(v[j].id, s->ids[i]) != 0; j++)
			;
		if (j == n)
			return mc_err_set(err, MC_EC_INVALID_AMI_ID_NOT_FOUND,
			    "The image id '[%.64s]' does not exist", s->ids[i]);
	}
	return 0;
}

static int
write_images(sqlite3 *db, const struct image_sel *s,
    const struct ctl_image *v, size_t n, const struct ctl_filters *f,
    const struct ctl_page *page, struct ctl_xml *out, struct mc_err *err)
{
	char	token[CTL_PAGE_TOKEN_MAX];
	size_t	i, shown = 0;
	bool	ok;

	token[0] = '\0';
	ctl_xml_open(out, "imagesSet");
	for (i = 0; i < n; i++) {
		if (!ctl_params_selects(s->ids, s->n_ids, v[i].id) ||
		    !owner_selected(s, &v[i]) || !ctl_page_after(page, v[i].id) ||
		    !ctl_filters_match(f, image_values, &v[i]))
			continue;
		if (exec_selected(db, s, &v[i], &ok, err) < 0)
			return -1;
		if (!ok)
			continue;
		if (shown == page->max) {
			ctl_page_token(v[i - 1].id, token, sizeof(token));
			break;
		}
		image_xml(out, &v[i]);
		shown++;
	}
	ctl_xml_close(out);
	if (token[0] != '\0')
		ctl_xml_str(out, "nextToken", token);
	return 0;
}

int
ctl_images_describe(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	static const struct ctl_page_rules paging = { 5, 1000, 1000 };
	struct image_sel	 s;
	struct ctl_filters	 f = { NULL, 0 };
	struct ctl_page		 page;
	struct ctl_image	*v = NULL;
	size_t			 n = 0;
	sqlite3			*db = NULL;
	int			 rc = -1;

	memset(&s, 0, sizeof(s));
	s.account = req->account_id;
	if (ctl_params_strlist(req->params, "ImageId", &s.ids, &s.n_ids,
	    err) < 0 || ctl_params_strlist(req->params, "Owner", &s.owners,
	    &s.n_owners, err) < 0 || ctl_params_strlist(req->params,
	    "ExecutableBy", &s.exec, &s.n_exec, err) < 0 ||
	    ctl_page_parse(req->params, &paging, s.n_ids > 0, &page, err) < 0 ||
	    ctl_filters_parse(req->params, image_filters,
	    MC_NELEMS(image_filters), &f, err) < 0)
		goto out;
	if ((db = ctl_store_get(req->api->store, err)) == NULL ||
	    visible_images(db, req->account_id, &v, &n, err) < 0 ||
	    check_ids(&s, v, n, err) < 0 || ctl_req_dry_run(req, err) < 0)
		goto out;
	rc = write_images(db, &s, v, n, &f, &page, out, err);
out:
	ctl_store_put(req->api->store, db);
	free_images(v, n);
	ctl_filters_clear(&f);
	free(s.ids);
	free(s.owners);
	free(s.exec);
	return rc;
}

int
ctl_images_deregister(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	struct ctl_image	 im;
	struct mc_err		 e = { 0 };
	sqlite3			*db;
	int			 rc = -1;

	if ((db = ctl_store_get(req->api->store, err)) == NULL)
		return -1;
	if (ctl_image_owned(db, req->account_id, ctl_query_get(req->params,
	    "ImageId"), &im, err) < 0 || ctl_req_dry_run(req, err) < 0 ||
	    ctl_sql_begin(db, err) < 0)
		goto out;
	if (ctl_sql_run(db, err, "DELETE FROM images WHERE id = ?", "s",
	    im.id) < 0 || ctl_tags_drop(db, im.id, err) < 0 ||
	    ctl_sql_commit(db, err) < 0) {
		ctl_sql_rollback(db);
		goto out;
	}
	/* Hosts keep their cached copies for the instances that use them. */
	if (ami_store_remove(req->api->conf->state_dir, im.id, &e) < 0)
		mc_log(MC_LOG_WARN, "image file not removed", "image=%s "
		    "detail=%s", im.id, e.msg);
	mc_log(MC_LOG_INFO, "image deregistered", "image=%s", im.id);
	ctl_xml_bool(out, "return", true);
	rc = 0;
out:
	ctl_store_put(req->api->store, db);
	return rc;
}


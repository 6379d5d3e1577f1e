/*
 * ctl_admin_images: `minicloud image import` and `minicloud image list`.
 * An import runs here, in the CLI's process: the file is copied into
 * the store and checked before the image becomes available.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_cleanup.h"
#include "mc_err.h"
#include "mc_id.h"
#include "mc_time.h"
#include "ami_store.h"
#include "ctl_account.h"
#include "ctl_admin.h"
#include "ctl_conf.h"
#include "ctl_images.h"
#include "ctl_sql.h"
#include "ctl_store.h"

/* What `image import` was asked. */
struct import_opts {
	const char	*location, *name, *kernel, *ramdisk, *cmdline;
	const char	*description, *account;
	bool		 public;
};

static int
parse_opts(const struct ctl_admin_args *a, struct import_opts *o,
    struct mc_err *err)
{
	static const char *const keys[] = { "--name", "--kernel", "--ramdisk",
	    "--cmdline", "--description", "--account" };
	const char	**slots[] = { &o->name, &o->kernel, &o->ramdisk,
	    &o->cmdline, &o->description, &o->account };
	int		 i;
	size_t		 k;

	memset(o, 0, sizeof(*o));
	o->location = a->argv[0];
	for (i = 1; i < a->argc; i++) {
		if (strcmp(a->argv[i], "--public") == 0) {
			o->public = true;
			continue;
		}
		for (k = 0; k < MC_NELEMS(keys) && strcmp(a->argv[i], keys[k]);
		    k++)
			;
		if (k == MC_NELEMS(keys) || i + 1 >= a->argc)
			return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
			    "image import: unexpected '%.64s'", a->argv[i]);
		*slots[k] = a->argv[++i];
	}
	if (o->name == NULL)
		return mc_err_set(err, MC_EC_MISSING_PARAMETER,
		    "image import: --name is required");
	if (o->public == (o->account != NULL))
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "image import: give --account A or --public (owned by "
		    "the cloud, launchable by all)");
	return ctl_image_name_check(o->name, err);
}

/* A local path as absolute; URLs pass as they are. */
static int
location_of(const char *loc, char *buf, size_t bufsz, struct mc_err *err)
{
	if (strncmp(loc, "http://", 7) == 0 || strncmp(loc, "https://", 8) == 0) {
		(void)snprintf(buf, bufsz, "%s", loc);
		return 0;
	}
	if (realpath(loc, buf) == NULL)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "cannot use %.200s", loc);
	return 0;
}

/* Insert one image (kind from id_kind) and import its file. */
static int
import_one(const struct ctl_admin_args *a, sqlite3 *db, enum mc_id_kind kind,
    const char *owner, const struct import_opts *o, const char *loc,
    const char *name, const char *kernel, const char *ramdisk,
    char *ret_id, struct mc_err *err)
{
	struct ctl_image im;

	memset(&im, 0, sizeof(im));
	if (mc_id_new(kind, im.id, sizeof(im.id), err) < 0 ||
	    location_of(loc, im.location, sizeof(im.location), err) < 0)
		return -1;
	(void)snprintf(im.owner, sizeof(im.owner), "%s", owner);
	(void)snprintf(im.name, sizeof(im.name), "%s", name);
	(void)snprintf(im.description, sizeof(im.description), "%s",
	    o->description != NULL ? o->description : "");
	(void)snprintf(im.state, sizeof(im.state), "pending");
	(void)snprintf(im.architecture, sizeof(im.architecture), "x86_64");
	(void)snprintf(im.root_device, sizeof(im.root_device), "/dev/xvda");
	(void)snprintf(im.kernel_id, sizeof(im.kernel_id), "%s", kernel);
	(void)snprintf(im.ramdisk_id, sizeof(im.ramdisk_id), "%s", ramdisk);
	(void)snprintf(im.cmdline, sizeof(im.cmdline), "%s",
	    kind == MC_ID_IMAGE && o->cmdline != NULL ? o->cmdline : "");
	im.public = o->public;
	im.created_ms = mc_time_now_ms();
	if (ctl_image_insert(db, &im, err) < 0)
		return -1;
	if (ctl_image_import(db, a->conf, im.id, err) < 0) {
		(void)ctl_sql_run(db, NULL, "DELETE FROM images WHERE id = ?",
		    "s", im.id);
		return -1;
	}
	memcpy(ret_id, im.id, MC_ID_MAX);
	return 0;
}

int
ctl_admin_image_import(const struct ctl_admin_args *a, struct mc_err *err)
{
	struct import_opts	 o;
	struct ctl_account	 acct;
	char			 owner[16], name[CTL_IMAGE_NAME_MAX + 16];
	char			 kid[MC_ID_MAX] = "", rid[MC_ID_MAX] = "";
	char			 id[MC_ID_MAX];
	sqlite3			*db;
	int			 rc = -1, found;

	if (parse_opts(a, &o, err) < 0 ||
	    ami_store_init(a->conf->state_dir, err) < 0)
		return -1;
	(void)snprintf(owner, sizeof(owner), "%s", CTL_SYSTEM_OWNER);
	if ((db = ctl_store_get(a->store, err)) == NULL)
		return -1;
	if (o.account != NULL) {
		if ((found = ctl_account_find(a->store, o.account, &acct,
		    err)) <= 0) {
			if (found == 0)
				mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
				    "no account '%.64s'", o.account);
			goto out;
		}
		(void)snprintf(owner, sizeof(owner), "%s", acct.id);
	}
	(void)snprintf(name, sizeof(name), "%s-kernel", o.name);
	if (o.kernel != NULL && import_one(a, db, MC_ID_KERNEL, owner, &o,
	    o.kernel, name, "", "", kid, err) < 0)
		goto out;
	(void)snprintf(name, sizeof(name), "%s-ramdisk", o.name);
	if (o.ramdisk != NULL && import_one(a, db, MC_ID_RAMDISK, owner, &o,
	    o.ramdisk, name, "", "", rid, err) < 0)
		goto out;
	if (import_one(a, db, MC_ID_IMAGE, owner, &o, o.location, o.name, kid,
	    rid, id, err) < 0)
		goto out;
	printf("%s\n", id);
	rc = 0;
out:
	ctl_store_put(a->store, db);
	return rc;
}

int
ctl_admin_image_list(const struct ctl_admin_args *a, struct mc_err *err)
{
	sqlite3_stmt	*st;
	char		 id[MC_ID_MAX], owner[16], state[16], name[600];
	sqlite3		*db;
	int		 rc;

	if ((db = ctl_store_get(a->store, err)) == NULL)
		return -1;
	if (ctl_sql_prepare(db, &st, err, "SELECT id, owner, state, public, "
	    "size, name FROM images ORDER BY name, id", "") < 0) {
		ctl_store_put(a->store, db);
		return -1;
	}
	printf("%-22s %-12s %-9s %-6s %10s %s\n", "IMAGE", "OWNER", "STATE",
	    "PUBLIC", "BYTES", "NAME");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ctl_sql_text(st, 0, id, sizeof(id));
		ctl_sql_text(st, 1, owner, sizeof(owner));
		ctl_sql_text(st, 2, state, sizeof(state));
		ctl_sql_text(st, 5, name, sizeof(name));
		printf("%-22s %-12s %-9s %-6s %10lld %s\n", id, owner, state,
		    sqlite3_column_int(st, 3) ? "yes" : "no",
		    (long long)sqlite3_column_int64(st, 4), name);
	}
	sqlite3_finalize(st);
	ctl_store_put(a->store, db);
	return rc == SQLITE_DONE ? 0 : mc_err_set(err, MC_EC_INTERNAL_ERROR,
	    "cannot list images");
}

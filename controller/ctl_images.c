/*
 * ctl_images: image rows, launch permissions, and the import of an
 * image's file into the store (by the import worker or the admin CLI).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mc_err.h"
#include "mc_log.h"
#include "mc_time.h"
#include "ami_store.h"
#include "ctl_conf.h"
#include "ctl_images.h"
#include "ctl_sql.h"
#include "ctl_store.h"

#define NAME_CHARS	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" \
			"0123456789()[] ./-'@_"

const char *
ctl_image_type(const char *id)
{
	if (strncmp(id, "aki-", 4) == 0)
		return "kernel";
	if (strncmp(id, "ari-", 4) == 0)
		return "ramdisk";
	return "machine";
}

int
ctl_image_name_check(const char *name, struct mc_err *err)
{
	size_t n = strlen(name);

	if (n < 3 || n > CTL_IMAGE_NAME_MAX || strspn(name, NAME_CHARS) != n)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "Image names are 3 to 128 of letters, digits and "
		    "( ) [ ] space . / - ' @ _: '%.64s' is not one", name);
	return 0;
}

#define IMAGE_SELECT \
	"SELECT id, owner, name, description, state, state_reason, location, " \
	"format, size, virtual_size, sha256, architecture, root_device, " \
	"kernel_id, ramdisk_id, cmdline, public, created_ms, snapshot_id, " \
	"source_instance FROM images "

static void
image_row(sqlite3_stmt *st, struct ctl_image *im)
{
	memset(im, 0, sizeof(*im));
	ctl_sql_text(st, 0, im->id, sizeof(im->id));
	ctl_sql_text(st, 1, im->owner, sizeof(im->owner));
	ctl_sql_text(st, 2, im->name, sizeof(im->name));
	ctl_sql_text(st, 3, im->description, sizeof(im->description));
	ctl_sql_text(st, 4, im->state, sizeof(im->state));
	ctl_sql_text(st, 5, im->state_reason, sizeof(im->state_reason));
	ctl_sql_text(st, 6, im->location, sizeof(im->location));
	ctl_sql_text(st, 7, im->format, sizeof(im->format));
	im->size = (uint64_t)sqlite3_column_int64(st, 8);
	im->virtual_size = (uint64_t)sqlite3_column_int64(st, 9);
	ctl_sql_text(st, 10, im->sha256, sizeof(im->sha256));
	ctl_sql_text(st, 11, im->architecture, sizeof(im->architecture));
	ctl_sql_text(st, 12, im->root_device, sizeof(im->root_device));
	ctl_sql_text(st, 13, im->kernel_id, sizeof(im->kernel_id));
	ctl_sql_text(st, 14, im->ramdisk_id, sizeof(im->ramdisk_id));
	ctl_sql_text(st, 15, im->cmdline, sizeof(im->cmdline));
	im->public = sqlite3_column_int(st, 16) != 0;
	im->created_ms = sqlite3_column_int64(st, 17);
	ctl_sql_text(st, 18, im->snapshot_id, sizeof(im->snapshot_id));
	ctl_sql_text(st, 19, im->source_instance, sizeof(im->source_instance));
}

int
ctl_image_get(sqlite3 *db, const char *id, struct ctl_image *ret,
    struct mc_err *err)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (ctl_sql_prepare(db, &st, err, IMAGE_SELECT "WHERE id = ?", "s",
	    id) < 0)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		image_row(st, ret);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return mc_err_set(err, MC_EC_INTERNAL_ERROR, "cannot read image %s",
	    id);
}

int
ctl_image_can_launch(sqlite3 *db, const struct ctl_image *im,
    const char *account, bool *ret, struct mc_err *err)
{
	int64_t	one;
	int	found;

	if (im->public || strcmp(im->owner, account) == 0) {
		*ret = true;
		return 0;
	}
	found = ctl_sql_int(db, &one, err, "SELECT 1 FROM image_launch WHERE "
	    "image_id = ? AND account_id = ?", "ss", im->id, account);
	if (found < 0)
		return -1;
	*ret = found > 0;
	return 0;
}

int
ctl_image_owned(sqlite3 *db, const char *account, const char *id,
    struct ctl_image *ret, struct mc_err *err)
{
	bool		 visible = false;
	int		 found;

	if (id == NULL)
		return mc_err_set(err, MC_EC_MISSING_PARAMETER,
		    "The request must contain the parameter ImageId");
	if (mc_id_check(MC_ID_IMAGE, id, NULL) < 0 &&
	    mc_id_check(MC_ID_KERNEL, id, NULL) < 0 &&
	    mc_id_check(MC_ID_RAMDISK, id, NULL) < 0)
		return mc_err_set(err, MC_EC_INVALID_AMI_ID_MALFORMED,
		    "Invalid id: \"%.64s\"", id);
	if ((found = ctl_image_get(db, id, ret, err)) < 0 ||
	    (found > 0 && ctl_image_can_launch(db, ret, account,
	    &visible, err) < 0))
		return -1;
	if (!visible)
		return mc_err_set(err, MC_EC_INVALID_AMI_ID_NOT_FOUND,
		    "The image id '[%.64s]' does not exist", id);
	if (strcmp(ret->owner, account) != 0)
		return mc_err_set(err, MC_EC_UNAUTHORIZED_OPERATION,
		    "You are not authorized to change image %s, which "
		    "account %s owns", id, ret->owner);
	return 0;
}

int
ctl_image_insert(sqlite3 *db, const struct ctl_image *im, struct mc_err *err)
{
	int n = ctl_sql_run(db, err, "INSERT INTO images (id, owner, name, "
	    "description, state, location, format, size, virtual_size, sha256, "
	    "architecture, root_device, kernel_id, ramdisk_id, cmdline, public, "
	    "created_ms, snapshot_id, source_instance) VALUES (?, ?, ?, ?, ?, "
	    "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", "sssssssiissssssiiss",
	    im->id, im->owner, im->name, im->description, im->state,
	    im->location, im->format, (int64_t)im->size,
	    (int64_t)im->virtual_size, im->sha256, im->architecture,
	    im->root_device, im->kernel_id, im->ramdisk_id, im->cmdline,
	    (int64_t)im->public, im->created_ms, im->snapshot_id,
	    im->source_instance);

	if (n == -2)
		return mc_err_set(err, MC_EC_INVALID_AMI_NAME_DUPLICATE,
		    "AMI name %.128s is already in use by AMI of this owner",
		    im->name);
	return n < 0 ? -1 : 0;
}

/* Put the file that im's location names into the store. */
static int
import_file(const struct ctl_conf *conf, const struct ctl_image *im,
    struct ami_file *ret, struct mc_err *err)
{
	uint64_t	max = (uint64_t)conf->max_image_mib * 1024 * 1024;
	char		src[4096];

	if (strncmp(im->location, "http://", 7) == 0 ||
	    strncmp(im->location, "https://", 8) == 0)
		return ami_store_add_url(conf->state_dir, im->id, im->location,
		    max, (long)conf->image_timeout_s, ret, err);
	/* The admin CLI imports absolute paths; the API, import-relative. */
	if (im->location[0] == '/')
		(void)snprintf(src, sizeof(src), "%s", im->location);
	else if (ami_store_import_path(conf->state_dir, im->location, src,
	    sizeof(src), err) < 0)
		return -1;
	return ami_store_add_file(conf->state_dir, im->id, src, max, ret, err);
}

int
ctl_image_import(sqlite3 *db, const struct ctl_conf *conf, const char *id,
    struct mc_err *err)
{
	struct ctl_image	im;
	struct ami_file		f;
	struct mc_err		e = { 0 };
	int			found;

	if ((found = ctl_image_get(db, id, &im, err)) <= 0)
		return found < 0 ? -1 : mc_err_set(err, MC_EC_INTERNAL_ERROR,
		    "image %s is gone", id);
	if (import_file(conf, &im, &f, &e) < 0) {
		(void)ctl_sql_run(db, NULL, "UPDATE images SET state = 'failed', "
		    "state_reason = ? WHERE id = ?", "ss", e.msg, id);
		*err = e;
		return -1;
	}
	if (ctl_sql_run(db, err, "UPDATE images SET state = 'available', "
	    "format = ?, size = ?, virtual_size = ?, sha256 = ? WHERE id = ?",
	    "siiss", ami_format_name(f.probe.format),
	    (int64_t)f.probe.file_size, (int64_t)f.probe.virtual_size,
	    f.sha256, id) < 0)
		return -1;
	return 0;
}

struct ctl_importer {
	const struct ctl_conf	*conf;
	struct ctl_store	*store;		/* its own connections */
	pthread_t		 thread;
	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;
	bool			 stop, wake;
};

/* The oldest pending image, into id; returns 1, 0 when none, -1. */
static int
next_pending(sqlite3 *db, char *id, size_t idsz, struct mc_err *err)
{
	sqlite3_stmt	*st;
	int		 rc;

	/* Images made from instances wait for their snapshot instead. */
	if (ctl_sql_prepare(db, &st, err, "SELECT id FROM images WHERE "
	    "state = 'pending' AND snapshot_id = '' ORDER BY created_ms "
	    "LIMIT 1", "") < 0)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		ctl_sql_text(st, 0, id, idsz);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* Import every pending image; the decider, so it logs. */
static void
import_pending(struct ctl_importer *imp)
{
	struct mc_err	 err = { 0 };
	char		 id[MC_ID_MAX];
	sqlite3		*db;

	if ((db = ctl_store_get(imp->store, &err)) == NULL)
		return;
	while (!imp->stop && next_pending(db, id, sizeof(id), &err) > 0) {
		int64_t t0 = mc_time_now_ms();

		err = (struct mc_err){ 0 };
		if (ctl_image_import(db, imp->conf, id, &err) < 0)
			mc_log(MC_LOG_WARN, "image import failed", "image=%s "
			    "detail=%s", id, err.msg);
		else
			mc_log(MC_LOG_INFO, "image available", "image=%s ms=%lld",
			    id, (long long)(mc_time_now_ms() - t0));
	}
	ctl_store_put(imp->store, db);
}

static void *
importer_main(void *arg)
{
	struct ctl_importer	*imp = arg;
	struct timespec		 until;

	for (;;) {
		import_pending(imp);
		(void)pthread_mutex_lock(&imp->lock);
		(void)clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 5;	/* also catch imports of a crashed run */
		while (!imp->stop && !imp->wake &&
		    pthread_cond_timedwait(&imp->cond, &imp->lock, &until) == 0)
			;
		imp->wake = false;
		if (imp->stop) {
			(void)pthread_mutex_unlock(&imp->lock);
			return NULL;
		}
		(void)pthread_mutex_unlock(&imp->lock);
	}
}

int
ctl_importer_start(const struct ctl_conf *conf, struct ctl_importer **ret,
    struct mc_err *err)
{
	struct ctl_importer *imp = calloc(1, sizeof(*imp));

	if (imp == NULL)
		return mc_err_sys(err, ENOMEM, "out of memory");
	imp->conf = conf;
	(void)pthread_mutex_init(&imp->lock, NULL);
	(void)pthread_cond_init(&imp->cond, NULL);
	if (ami_store_init(conf->state_dir, err) < 0 ||
	    ctl_store_open(conf->state_dir, &imp->store, err) < 0) {
		free(imp);
		return -1;
	}
	if (pthread_create(&imp->thread, NULL, importer_main, imp) != 0) {
		ctl_store_free(imp->store);
		free(imp);
		return mc_err_sys(err, errno, "cannot start the import worker");
	}
	*ret = imp;
	return 0;
}

void
ctl_importer_wake(struct ctl_importer *imp)
{
	if (imp == NULL)
		return;
	(void)pthread_mutex_lock(&imp->lock);
	imp->wake = true;
	(void)pthread_cond_signal(&imp->cond);
	(void)pthread_mutex_unlock(&imp->lock);
}

void
ctl_importer_stop(struct ctl_importer *imp)
{
	if (imp == NULL)
		return;
	(void)pthread_mutex_lock(&imp->lock);
	imp->stop = true;
	(void)pthread_cond_signal(&imp->cond);
	(void)pthread_mutex_unlock(&imp->lock);
	(void)pthread_join(imp->thread, NULL);
	ctl_store_free(imp->store);
	free(imp);
}

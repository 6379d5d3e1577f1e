/*
 * ctl_agents_snap: snapshots over the agents' API.  The host a snapshot
 * is given to uploads its copy (PUT /v1/snapshots/ID?host=NAME), a plain
 * qcow2 of any size: the body is streamed to a temporary file in the
 * snapshot store and hashed as it comes, then probed, renamed and the
 * snapshot completed in one transaction.  Hosts download completed
 * snapshots (the sources of volumes) like images.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "mc_err.h"
#include "mc_hex.h"
#include "mc_id.h"
#include "mc_log.h"
#include "mc_time.h"
#include "ami_format.h"
#include "ctl_agents_priv.h"
#include "ctl_api.h"
#include "ctl_conf.h"
#include "ctl_http.h"
#include "ctl_images.h"
#include "ctl_notify.h"
#include "ctl_snap.h"
#include "ctl_sql.h"
#include "ctl_store.h"

/*
 * The most a snapshot of a volume of N GiB may take: the disk, its
 * qcow2 tables (well under 1/64 of it) and a margin.
 */
#define UPLOAD_MAX(gib) \
	(((uint64_t)(gib) << 30) + ((uint64_t)(gib) << 24) + (64u << 20))

/* One upload in progress. */
struct upload {
	const struct ctl_api	*api;
	char			 id[MC_ID_MAX];
	char			 tmp[PATH_MAX];	/* "" once renamed */
	int			 fd;
	uint64_t		 n, max;
	EVP_MD_CTX		*md;
	bool			 over;		/* more than max came */
};

void
ctl_agents_snap_get(struct ctl_agents_call *c)
{
	struct mc_err	 err = { 0 };
	char		 path[PATH_MAX];
	int64_t		 ok = 0;
	sqlite3		*db;
	int		 found;

	if ((db = ctl_agents_db(c)) == NULL)
		return;
	/* A deleted one is still the source of volumes not yet made. */
	found = ctl_sql_int(db, &ok, &err, "SELECT 1 FROM snapshots WHERE id "
	    "= ? AND state IN ('completed', 'deleted')", "s", c->seg);
	ctl_store_put(c->api->store, db);
	if (found < 0)
		return ctl_agents_fail(c, &err);
	if (found == 0 || ctl_snap_file_path(c->api->conf->state_dir, c->seg,
	    path, sizeof(path), &err) < 0)
		return ctl_agents_error(c, 404, "NotFound", "no such snapshot");
	ctl_agents_send_file(c, path);
}

/* Make snapshot id error with msg, in a transaction of its own. */
static void
fail_snap(const struct ctl_api *api, const char *id, const char *msg)
{
	struct mc_err	 err = { 0 };
	sqlite3		*db;

	if ((db = ctl_store_get(api->store, &err)) == NULL)
		return;
	if (ctl_sql_begin(db, &err) == 0 && (ctl_snap_fail(db, id, msg,
	    &err) < 0 || ctl_sql_commit(db, &err) < 0))
		ctl_sql_rollback(db);
	ctl_store_put(api->store, db);
	if (err.code != MC_EC_NONE)
		mc_log(MC_LOG_ERROR, "cannot mark the snapshot failed",
		    "snapshot=%s error=%s", id, err.msg);
	else
		ctl_notify_bump();
}

static int
upload_write(void *ctx, const char *data, size_t len)
{
	struct upload	*u = ctx;
	ssize_t		 w;
	size_t		 off;

	if (len > u->max - u->n) {
		u->over = true;
		return -1;
	}
	for (off = 0; off < len; off += (size_t)w)
		if ((w = write(u->fd, data + off, len - off)) < 0 &&
		    errno != EINTR) {
			mc_log(MC_LOG_ERROR, "cannot store a snapshot upload",
			    "snapshot=%s errno=%d", u->id, errno);
			return -1;
		} else if (w < 0) {
			w = 0;
		}
	u->n += len;
	return EVP_DigestUpdate(u->md, data, len) == 1 ? 0 : -1;
}

static void
upload_end(void *ctx, bool complete)
{
	struct upload	*u = ctx;
	char		 msg[128];

	if (!complete && u->over) {
		(void)snprintf(msg, sizeof(msg), "the upload was larger than "
		    "a snapshot of this volume can be (%" PRIu64 " bytes)",
		    u->max);
		fail_snap(u->api, u->id, msg);
	}
	if (u->fd >= 0)
		(void)close(u->fd);
	if (u->tmp[0] != '\0')
		(void)unlink(u->tmp);
	EVP_MD_CTX_free(u->md);
	free(u);
}

/* 403 for another host's snapshot, else 409 (gone, or not pending). */
static int
refuse(struct ctl_agents_call *c, sqlite3 *db)
{
	int64_t	pending = 0;
	int	found;

	found = ctl_sql_int(db, &pending, NULL, "SELECT state = 'pending' "
	    "FROM snapshots WHERE id = ?", "s", c->seg);
	if (found > 0 && pending)
		ctl_agents_error(c, 403, "Forbidden", "this snapshot is "
		    "another host's to take");
	else
		ctl_agents_error(c, 409, "Conflict", "this snapshot is no "
		    "longer pending");
	return -1;
}

/* A new upload into a temporary file of the store. */
static struct upload *
upload_new(const struct ctl_api *api, const char *id, long long gib)
{
	struct upload	*u = calloc(1, sizeof(*u));
	int		 n;

	if (u == NULL)
		return NULL;
	u->api = api;
	u->fd = -1;
	(void)snprintf(u->id, sizeof(u->id), "%.*s", MC_ID_MAX - 1, id);
	u->max = UPLOAD_MAX(gib);
	n = snprintf(u->tmp, sizeof(u->tmp), "%s/%s/%s.XXXXXX%s",
	    api->conf->state_dir, CTL_SNAP_DIR, id, CTL_SNAP_TMP_SUFFIX);
	if (n < 0 || (size_t)n >= sizeof(u->tmp) ||
	    (u->fd = mkostemps(u->tmp, (int)strlen(CTL_SNAP_TMP_SUFFIX),
	    O_CLOEXEC)) < 0)
		u->tmp[0] = '\0';
	if (u->fd < 0 || (u->md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(u->md, EVP_sha256(), NULL) != 1) {
		upload_end(u, true);
		return NULL;
	}
	return u;
}

int
ctl_agents_snap_open(struct ctl_agents_call *c, struct ctl_http_sink *ret)
{
	const char	*host = ctl_query_get(&c->q, "host");
	struct mc_err	 err = { 0 };
	struct upload	*u;
	long long	 gib = 0;
	sqlite3		*db;
	int		 found;

	if (mc_id_check(MC_ID_SNAPSHOT, c->seg, NULL) < 0 || host == NULL) {
		ctl_agents_error(c, 400, "InvalidParameterValue",
		    "a snapshot id and ?host= are needed");
		return -1;
	}
	if ((db = ctl_agents_db(c)) == NULL)
		return -1;
	if ((found = ctl_snap_pending_on(db, c->seg, host, &gib, &err)) <= 0) {
		if (found < 0)
			ctl_agents_fail(c, &err);
		else
			(void)refuse(c, db);
		ctl_store_put(c->api->store, db);
		return -1;
	}
	ctl_store_put(c->api->store, db);
	if ((u = upload_new(c->api, c->seg, gib)) == NULL) {
		ctl_agents_error(c, 500, "InternalError",
		    "cannot store the upload");
		return -1;
	}
	ret->ctx = u;
	ret->write = upload_write;
	ret->end = upload_end;
	return 1;
}

/*
 * The upload must be a plain qcow2 (no backing file: ami_format
 * refuses one); else the snapshot is error.  Returns 0, or -1 answered.
 */
static int
check_body(struct ctl_agents_call *c, struct upload *u)
{
	struct ami_probe	p;
	struct mc_err		err = { 0 };
	char			msg[300];

	if (fsync(u->fd) < 0) {
		ctl_agents_error(c, 500, "InternalError",
		    "cannot store the upload");
		return -1;
	}
	if (ami_format_probe(u->tmp, &p, &err) == 0 &&
	    p.format != AMI_FORMAT_QCOW2)
		mc_err_set(&err, MC_EC_INVALID_PARAMETER_VALUE,
		    "the file is %s, not qcow2", ami_format_name(p.format));
	if (err.code == MC_EC_NONE)
		return 0;
	(void)snprintf(msg, sizeof(msg), "the host uploaded a bad copy: %s",
	    err.msg);
	fail_snap(c->api, u->id, msg);
	ctl_agents_error(c, 400, "InvalidParameterValue", "the body is not a "
	    "plain qcow2 file; the snapshot is now error");
	return -1;
}

/* Rename the upload into the store and complete the snapshot: 1, 0 gone. */
static int
store(struct ctl_agents_call *c, sqlite3 *db, struct upload *u,
    const char *host, const char *sha, struct mc_err *err)
{
	char	path[PATH_MAX];
	long long gib = 0;
	int	found;

	if (ctl_snap_file_path(c->api->conf->state_dir, u->id, path,
	    sizeof(path), err) < 0 || ctl_sql_begin(db, err) < 0)
		return -1;
	if ((found = ctl_snap_pending_on(db, u->id, host, &gib, err)) <= 0) {
		ctl_sql_rollback(db);
		return found;
	}
	if (rename(u->tmp, path) < 0) {
		ctl_sql_rollback(db);
		return mc_err_sys(err, errno, "cannot store the snapshot");
	}
	u->tmp[0] = '\0';
	if (ctl_snap_complete(db, u->id, u->n, sha, err) < 0 ||
	    ctl_images_snap_done(db, c->api->conf->state_dir, u->id, path,
	    u->n, sha, err) < 0 || ctl_sql_commit(db, err) < 0) {
		ctl_sql_rollback(db);
		(void)unlink(path);
		return -1;
	}
	return 1;
}

void
ctl_agents_snap_put(struct ctl_agents_call *c)
{
	struct upload	*u = c->req->stream;
	struct mc_err	 err = { 0 };
	unsigned char	 dig[EVP_MAX_MD_SIZE];
	unsigned	 dlen = 0;
	char		 sha[65], *body = NULL;
	sqlite3		*db;
	int		 rc;

	if (u == NULL)	/* the stream hook always opens one: our bug */
		return ctl_agents_error(c, 500, "InternalError",
		    "the upload was not streamed");
	if (check_body(c, u) < 0)
		return;
	if (EVP_DigestFinal_ex(u->md, dig, &dlen) != 1 || dlen != 32)
		return ctl_agents_error(c, 500, "InternalError",
		    "cannot hash the upload");
	mc_hex_encode(dig, dlen, sha);
	if ((db = ctl_agents_db(c)) == NULL)
		return;
	rc = store(c, db, u, ctl_query_get(&c->q, "host"), sha, &err);
	if (rc == 0)
		(void)refuse(c, db);
	ctl_store_put(c->api->store, db);
	if (rc < 0)
		return ctl_agents_fail(c, &err);
	if (rc == 0)
		return;
	ctl_notify_bump();
	if (asprintf(&body, "{\"id\":\"%s\",\"size\":%" PRIu64 ",\"sha256\":"
	    "\"%s\"}\n", u->id, u->n, sha) < 0)
		body = NULL;
	ctl_agents_reply(c, 200, body);
}

/*
 * ctl_agents: the agents' API.  A route table maps method and path (one
 * '*' segment, passed to the handler) to a handler; each handler
 * answers JSON.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>
#include <openssl/crypto.h>

#include "mc_cleanup.h"
#include "mc_err.h"
#include "mc_id.h"
#include "mc_log.h"
#include "mc_proto.h"
#include "mc_time.h"
#include "ami_store.h"
#include "ctl_agents.h"
#include "ctl_agents_priv.h"
#include "ctl_api.h"
#include "ctl_conf.h"
#include "ctl_desired.h"
#include "ctl_gate.h"
#include "ctl_gens.h"
#include "ctl_hosts.h"
#include "ctl_http.h"
#include "ctl_notify.h"
#include "ctl_snap.h"
#include "ctl_query.h"
#include "ctl_sql.h"
#include "ctl_store.h"
#include "ctl_view.h"

#define JSON		"application/json"

void
ctl_agents_reply(struct ctl_agents_call *c, int status, char *body)
{
	c->resp->status = status;
	c->resp->content_type = JSON;
	c->resp->body = body;
	c->resp->body_len = body != NULL ? strlen(body) : 0;
}

void
ctl_agents_error(struct ctl_agents_call *c, int status, const char *code,
    const char *msg)
{
	json_object	*o = json_object_new_object();
	char		*body = NULL;

	/* Messages may quote what was asked: json-c escapes them. */
	if (o != NULL) {
		json_object_object_add(o, "error", json_object_new_string(code));
		json_object_object_add(o, "message",
		    json_object_new_string(msg));
		if (asprintf(&body, "%s\n", json_object_to_json_string_ext(o,
		    JSON_C_TO_STRING_PLAIN)) < 0)
			body = NULL;
		json_object_put(o);
	}
	ctl_agents_reply(c, status, body);
	mc_log(status >= 500 ? MC_LOG_ERROR : MC_LOG_INFO, "agent api refused",
	    "peer=%s method=%s path=%s status=%d detail=%s", c->req->peer,
	    c->req->method, c->req->path, status, msg);
}

void
ctl_agents_fail(struct ctl_agents_call *c, const struct mc_err *err)
{
	int status = err->code == MC_EC_INTERNAL_ERROR ? 500 : 400;

	ctl_agents_error(c, status, mc_err_name(err->code), err->msg);
}

bool
ctl_agents_authorized(const struct ctl_agents_call *c)
{
	const char	*tok = c->api->conf->cluster_token;
	const char	*h = ctl_http_header(c->req, "Authorization");
	size_t		 n = strlen(tok);

	if (n == 0 || h == NULL || strncmp(h, "Bearer ", 7) != 0)
		return false;
	h += 7;
	return strlen(h) == n && CRYPTO_memcmp(h, tok, n) == 0;
}

sqlite3 *
ctl_agents_db(struct ctl_agents_call *c)
{
	struct mc_err	 err = { 0 };
	sqlite3		*db = ctl_store_get(c->api->store, &err);

	if (db == NULL)
		ctl_agents_fail(c, &err);
	return db;
}

static void
on_health(struct ctl_agents_call *c)
{
	char *body = NULL;

	if (asprintf(&body, "{\"status\":\"ok\",\"schema\":%d}\n",
	    ctl_store_schema_latest()) < 0)
		body = NULL;
	ctl_agents_reply(c, 200, body);
}

static void
on_register(struct ctl_agents_call *c)
{
	struct mc_proto_host	 h;
	struct mc_err		 err = { 0 };
	uint64_t		 gen = 0;
	char			*body = NULL;
	sqlite3			*db;

	if (mc_proto_host_parse(c->req->body != NULL ? c->req->body : "",
	    c->req->body_len, &h, &err) < 0)
		return ctl_agents_fail(c, &err);
	/* Zones are the operator's: a host cannot make one up. */
	if (ctl_conf_zone_find(c->api->conf, h.zone, NULL) == NULL) {
		(void)mc_err_set(&err, MC_EC_INVALID_PARAMETER_VALUE, "zone %s "
		    "is not one of the controller's zones (its zone settings)",
		    h.zone);
		return ctl_agents_fail(c, &err);
	}
	if ((db = ctl_agents_db(c)) == NULL)
		return;
	if (ctl_hosts_register(db, &h, mc_time_now_ms(), &gen, &err) < 0) {
		ctl_store_put(c->api->store, db);
		return ctl_agents_fail(c, &err);
	}
	ctl_store_put(c->api->store, db);
	ctl_notify_bump();
	mc_log(MC_LOG_INFO, "host registered", "host=%s zone=%s vcpus=%u "
	    "mem_mib=%llu disk_gib=%llu accel=%s why=%s", h.name, h.zone,
	    h.vcpus, (unsigned long long)h.mem_mib,
	    (unsigned long long)h.disk_gib, h.accel, h.accel_why);
	if (asprintf(&body, "{\"generation\":%" PRIu64 "}\n", gen) < 0)
		body = NULL;
	ctl_agents_reply(c, 200, body);
}

/* An unsigned query parameter, def when absent; -1 when malformed. */
static int
query_u64(const struct ctl_agents_call *c, const char *key, uint64_t def,
    uint64_t max,    uint64_t *ret)
{
	const char		*s = ctl_query_get(&c->q, key);
	char			*end;
	unsigned long long	 v;

	if (s == NULL) {
		*ret = def;
		return 0;
	}
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*s < '0' || *s > '9' || *end != '\0' || errno != 0 || v > max)
		return -1;
	*ret = v;
	return 0;
}

/*
 * The answer of on_desired, once the wait is over (gen: 0 unknown), with
 * the views the agent holds.
 */
static void
on_desired_load(struct ctl_agents_call *c, uint64_t gen,
    const struct ctl_view_held *held)
{
	struct mc_proto_desired	 d;
	struct mc_err		 err = { 0 };
	sqlite3			*db;

	if ((db = ctl_agents_db(c)) == NULL)
		return;
	/* Registered since the shared answer was read?  Ask the store. */
	if (gen == 0 && ctl_hosts_generation(db, c->seg, &gen, &err) < 0) {
		ctl_store_put(c->api->store, db);
		return ctl_agents_fail(c, &err);
	}
	if (gen == 0) {
		ctl_store_put(c->api->store, db);
		return ctl_agents_error(c, 404, "UnknownHost",
		    "this host has not registered");
	}
	if (ctl_desired_load(db, c->api->conf, c->seg, held, &d, &err) < 0) {
		ctl_store_put(c->api->store, db);
		return ctl_agents_fail(c, &err);
	}
	ctl_store_put(c->api->store, db);
	ctl_agents_reply(c, 200, mc_proto_desired_json(&d));
	mc_proto_desired_clear(&d);
}

/*
 * Long-poll: answer when the host's generation passes "after", or when
 * "wait" seconds are up, whichever comes first.
 */
static void
on_desired(struct ctl_agents_call *c)
{
	struct ctl_view_held	 held;
	struct mc_err		 err = { 0 };
	uint64_t		 after, wait_s, gen = 0, seen;
	size_t			 assigned = 0;
	int64_t			 deadline, left;
	sqlite3			*db;

	if (query_u64(c, "after", 0, INT64_MAX, &after) < 0 ||
	    query_u64(c, "wait", 0, CTL_AGENTS_WAIT_MAX_S, &wait_s) < 0)
		return ctl_agents_error(c, 400, "InvalidParameterValue",
		    "after and wait must be numbers (wait at most 60)");
	/* Checked before the wait: a bad query is answered at once. */
	if (ctl_view_held_parse(ctl_query_get(&c->q, "view"),
	    ctl_query_get(&c->q, "vpcs"), &held, &err) < 0)
		return ctl_agents_fail(c, &err);
	deadline = mc_time_now_ms() + (int64_t)wait_s * 1000;
	if ((db = ctl_agents_db(c)) == NULL) {
		ctl_view_held_clear(&held);
		return;
	}
	/* A host that polls is up: it takes its zone's waiting snapshots. */
	if (ctl_snap_assign_waiting(db, c->seg, &assigned, &err) < 0) {
		ctl_view_held_clear(&held);
		ctl_store_put(c->api->store, db);
		return ctl_agents_fail(c, &err);
	}
	/*
	 * A thousand waiting hosts must not hold a thousand connections
	 * (and their page caches), nor each query the store when woken:
	 * the wait reads the shared generations (ctl_gens).
	 */
	ctl_store_put(c->api->store, db);
	for (;;) {
		seen = ctl_notify_seen();
		if (ctl_gens_get(c->api->store, c->seg, &gen, &err) < 0)
			break;
		left = deadline - mc_time_now_ms();
		if (gen == 0 || gen > after || left <= 0 ||
		    ctl_notify_stopping())
			break;
		(void)ctl_notify_wait(seen, left < 1000 ? left : 1000);
	}
	if (err.code == MC_EC_NONE) {
		ctl_gate_enter();
		on_desired_load(c, gen, &held);
		ctl_gate_leave();
	} else {
		ctl_agents_fail(c, &err);
	}
	ctl_view_held_clear(&held);
}

static void
on_report(struct ctl_agents_call *c)
{
	struct mc_proto_report	 r;
	struct mc_err		 err = { 0 };
	sqlite3			*db;

	if (mc_proto_report_parse(c->req->body != NULL ? c->req->body : "",
	    c->req->body_len, &r, &err) < 0)
		return ctl_agents_fail(c, &err);
	if ((db = ctl_agents_db(c)) == NULL) {
		mc_proto_report_clear(&r);
		return;
	}
	if (ctl_hosts_touch(db, c->seg, mc_time_now_ms(), &err) == 0) {
		ctl_store_put(c->api->store, db);
		mc_proto_report_clear(&r);
		return ctl_agents_error(c, 404, "UnknownHost",
		    "this host has not registered");
	}
	if (ctl_hosts_report(db, c->seg, &r, mc_time_now_ms(), &err) < 0) {
		ctl_store_put(c->api->store, db);
		mc_proto_report_clear(&r);
		return ctl_agents_fail(c, &err);
	}
	ctl_store_put(c->api->store, db);
	mc_proto_report_clear(&r);
	ctl_agents_reply(c, 200, strdup("{}\n"));
}

/* Is id an image id (any kind)? */
static bool
image_id_ok(const char *id)
{
	return mc_id_check(MC_ID_IMAGE, id, NULL) == 0 ||
	    mc_id_check(MC_ID_KERNEL, id, NULL) == 0 ||
	    mc_id_check(MC_ID_RAMDISK, id, NULL) == 0;
}

uint64_t
ctl_agents_range_start(const struct ctl_agents_call *c)
{
	const char		*r = ctl_http_header(c->req, "Range");
	char			*end;
	unsigned long long	 v;

	if (r == NULL || strncmp(r, "bytes=", 6) != 0 || r[6] < '0' ||
	    r[6] > '9')
		return 0;
	errno = 0;
	v = strtoull(r + 6, &end, 10);
	if (errno != 0 || strcmp(end, "-") != 0)
		return 0;
	return v;
}

void
ctl_agents_send_file(struct ctl_agents_call *c, const char *path)
{
	MC_AUTOCLOSE int fd = -1;
	struct stat	 sb;
	uint64_t	 from;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &sb) < 0)
		return ctl_agents_error(c, 404, "NotFound", "no such image");
	from = ctl_agents_range_start(c);
	if (from > (uint64_t)sb.st_size)
		return ctl_agents_error(c, 416, "InvalidRange",
		    "range past the end");
	c->resp->status = from > 0 ? 206 : 200;
	c->resp->content_type = "application/octet-stream";
	c->resp->fd_offset = from;
	c->resp->fd_len = (uint64_t)sb.st_size - from;
	ctl_http_resp_header(c->resp, "Accept-Ranges", "bytes");
	if (from > 0)
		ctl_http_resp_header(c->resp, "Content-Range",
		    "bytes %" PRIu64 "-%" PRIu64 "/%" PRIu64, from,
		    (uint64_t)sb.st_size - 1, (uint64_t)sb.st_size);
	c->resp->fd = mc_steal_fd(&fd);
}

/* An image file, or a completed snapshot's (a volume's source). */
static void
on_image(struct ctl_agents_call *c)
{
	struct mc_err	 err = { 0 };
	char		 path[4096];
	int64_t		 ok = 0;
	sqlite3		*db;
	int		 found;

	if (mc_id_check(MC_ID_SNAPSHOT, c->seg, NULL) == 0)
		return ctl_agents_snap_get(c);
	if (!image_id_ok(c->seg))
		return ctl_agents_error(c, 404, "NotFound", "no such image");
	if ((db = ctl_agents_db(c)) == NULL)
		return;
	found = ctl_sql_int(db, &ok, &err, "SELECT 1 FROM images WHERE id = ? "
	    "AND state = 'available'", "s", c->seg);
	ctl_store_put(c->api->store, db);
	if (found < 0)
		return ctl_agents_fail(c, &err);
	if (found == 0 || ami_store_path(c->api->conf->state_dir, c->seg, path,
	    sizeof(path), &err) < 0)
		return ctl_agents_error(c, 404, "NotFound", "no such image");
	ctl_agents_send_file(c, path);
}

/*
 * PUT the console tail or the explain text of an instance, which must
 * be placed on the host named in ?host=.
 */
static void
put_instance_text(struct ctl_agents_call *c, const char *column, size_t max)
{
	struct mc_err	 err = { 0 };
	const char	*host = ctl_query_get(&c->q, "host");
	const char	*body = c->req->body != NULL ? c->req->body : "";
	size_t		 len = c->req->body_len;
	char		 sql[160];
	sqlite3		*db;
	int		 n;

	if (mc_id_check(MC_ID_INSTANCE, c->seg, NULL) < 0 || host == NULL)
		return ctl_agents_error(c, 400, "InvalidParameterValue",
		    "an instance id and ?host= are needed");
	/* Keep the end: a console's newest lines are what users want. */
	if (len > max) {
		body += len - max;
		len = max;
	}
	if ((db = ctl_agents_db(c)) == NULL)
		return;
	(void)snprintf(sql, sizeof(sql), "UPDATE instances SET %s = ?, "
	    "%s_ms = ? WHERE id = ? AND host = ?", column, column);
	n = ctl_sql_run(db, &err, sql, "biss", body, len, mc_time_now_ms(),
	    c->seg, host);
	ctl_store_put(c->api->store, db);
	if (n < 0)
		return ctl_agents_fail(c, &err);
	if (n == 0)
		return ctl_agents_error(c, 404, "NotFound",
		    "no such instance on this host");
	ctl_agents_reply(c, 204, NULL);
}

static void
on_console(struct ctl_agents_call *c)
{
	put_instance_text(c, "console", CTL_CONSOLE_MAX);
}

static void
on_explain(struct ctl_agents_call *c)
{
	put_instance_text(c, "explain", CTL_EXPLAIN_MAX);
}

static const struct {
	const char	*method;
	const char	*pattern;	/* one '*' segment at most */
	void		(*fn)(struct ctl_agents_call *);
	bool		 auth;
	/* Uploads: take the body as a stream (ctl_agents_stream). */
	int		(*open)(struct ctl_agents_call *,
			    struct ctl_http_sink *);
} routes[] = {
	{ "GET", "/v1/health", on_health, false, NULL },
	{ "POST", "/v1/hosts/register", on_register, true, NULL },
	{ "GET", "/v1/hosts/*/desired", on_desired, true, NULL },
	{ "POST", "/v1/hosts/*/report", on_report, true, NULL },
	{ "GET", "/v1/images/*", on_image, true, NULL },
	{ "PUT", "/v1/instances/*/console", on_console, true, NULL },
	{ "PUT", "/v1/instances/*/explain", on_explain, true, NULL },
	{ "PUT", "/v1/snapshots/*", ctl_agents_snap_put, true,
	    ctl_agents_snap_open },
};

/* Match path against pattern, capturing the '*' segment into seg. */
static bool
match(const char *pattern, const char *path, char *seg, size_t segsz)
{
	const char	*star = strchr(pattern, '*');
	size_t		 pre, n;

	if (star == NULL)
		return strcmp(pattern, path) == 0;
	pre = (size_t)(star - pattern);
	if (strncmp(pattern, path, pre) != 0)
		return false;
	path += pre;
	n = strcspn(path, "/");
	if (n == 0 || n >= segsz || strcmp(path + n, star + 1) != 0)
		return false;
	memcpy(seg, path, n);
	seg[n] = '\0';
	/* Segments name hosts and ids: nothing else may pass. */
	return strspn(seg, "abcdefghijklmnopqrstuvwxyz0123456789-.") == n;
}

/*
 * Set c up for req and find its route: its index, or -1 when c has been
 * answered (unknown path, no token, too large, a bad query).
 */
static int
route_of(struct ctl_agents_call *c, void *arg, const struct ctl_http_req *req,
    struct ctl_http_resp *resp)
{
	struct mc_err	err = { 0 };
	size_t		i;

	memset(c, 0, sizeof(*c));
	c->api = arg;
	c->req = req;
	c->resp = resp;
	ctl_query_init(&c->q);
	for (i = 0; i < MC_NELEMS(routes); i++)
		if (strcmp(routes[i].method, req->method) == 0 &&
		    match(routes[i].pattern, req->path, c->seg, sizeof(c->seg)))
			break;
	if (i == MC_NELEMS(routes))
		ctl_agents_error(c, 404, "NotFound", "no such agent API path");
	else if (routes[i].auth && !ctl_agents_authorized(c))
		ctl_agents_error(c, 401, "AuthFailure", "a valid cluster token "
		    "is needed (Authorization: Bearer ...)");
	else if (req->too_large)
		ctl_agents_error(c, 413, "TooLarge", "the body is too large");
	else if (ctl_query_add(&c->q, req->query, strlen(req->query),
	    &err) < 0 || ctl_query_finish(&c->q, &err) < 0)
		ctl_agents_fail(c, &err);
	else
		return (int)i;
	return -1;
}

void
ctl_agents_serve(void *arg, const struct ctl_http_req *req,
    struct ctl_http_resp *resp)
{
	struct ctl_agents_call	c;
	int			i;

	if ((i = route_of(&c, arg, req, resp)) >= 0)
		routes[i].fn(&c);
	ctl_query_clear(&c.q);
}

int
ctl_agents_stream(void *arg, const struct ctl_http_req *req,
    struct ctl_http_sink *ret, struct ctl_http_resp *resp)
{
	struct ctl_agents_call	c;
	size_t			i;
	int			k, rc = -1;

	for (i = 0; i < MC_NELEMS(routes); i++)
		if (routes[i].open != NULL &&
		    strcmp(routes[i].method, req->method) == 0 &&
		    match(routes[i].pattern, req->path, c.seg, sizeof(c.seg)))
			break;
	if (i == MC_NELEMS(routes))
		return 0;	/* not an upload: the body is collected */
	if ((k = route_of(&c, arg, req, resp)) >= 0)
		rc = routes[k].open(&c, ret);
	ctl_query_clear(&c.q);
	return rc;
}

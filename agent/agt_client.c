/*
 * agt_client: HTTP calls to the controller's agents' API with libcurl.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "mc_buf.h"
#include "mc_err.h"
#include "mc_proto.h"
#include "agt_client.h"

#define CALL_TIMEOUT_S	10	/* a call that is not a long poll */
#define URL_MAX		1024

struct agt_client {
	CURL		*curl;
	const volatile int *abort;	/* NULL: never */
	char	 base[URL_MAX];
	char	 auth[MC_PROTO_WHY_MAX + 32];
};

int
agt_client_new(const char *base, const char *token, struct agt_client **ret,
    struct mc_err *err)
{
	struct agt_client *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return mc_err_sys(err, ENOMEM, "out of memory");
	if ((c->curl = curl_easy_init()) == NULL) {
		free(c);
		return mc_err_sys(err, ENOMEM, "cannot make a curl handle");
	}
	(void)snprintf(c->base, sizeof(c->base), "%s", base);
	c->base[strcspn(c->base, "\n")] = '\0';
	if (c->base[0] != '\0' && c->base[strlen(c->base) - 1] == '/')
		c->base[strlen(c->base) - 1] = '\0';
	(void)snprintf(c->auth, sizeof(c->auth), "Authorization: Bearer %s",
	    token);
	*ret = c;
	return 0;
}

void
agt_client_free(struct agt_client *c)
{
	if (c == NULL)
		return;
	curl_easy_cleanup(c->curl);
	free(c);
}

void
agt_client_abort_on(struct agt_client *c, const volatile int *flag)
{
	c->abort = flag;
}

/* libcurl's progress callback: non-zero aborts the transfer. */
static int
progress(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
    curl_off_t ulnow)
{
	const struct agt_client *c = arg;

	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	return c->abort != NULL && *c->abort != 0;
}

const char *
agt_client_auth(const struct agt_client *c)
{
	return c->auth;
}

void
agt_client_image_url(const struct agt_client *c, const char *id, char *buf,
    size_t bufsz)
{
	(void)snprintf(buf, bufsz, "%s/v1/images/%s", c->base, id);
}

void
agt_client_snapshot_url(const struct agt_client *c, const char *id,
    const char *host, char *buf, size_t bufsz)
{
	(void)snprintf(buf, bufsz, "%s/v1/snapshots/%s?host=%s", c->base, id,
	    host);
}

static size_t
collect(char *p, size_t size, size_t n, void *arg)
{
	struct mc_buf *b = arg;

	mc_buf_add(b, p, size * n);
	return b->failed ? 0 : size * n;	/* 0 aborts an oversized reply */
}

/*
 * One call: method on path with an optional body.  On success
 * *ret_status is the HTTP status and *ret_body the reply (a string the
 * caller frees).  Returns 0, or -1 with err set (transport failure).
 */
static int
call(struct agt_client *c, const char *method, const char *path,
    const void *body, size_t len, long timeout_s, long *ret_status,
    char **ret_body, struct mc_err *err)
{
	struct curl_slist	*h = NULL;
	struct mc_buf		 reply;
	char			 url[URL_MAX * 2];
	CURLcode		 rc;

	mc_buf_init(&reply, AGT_CLIENT_REPLY_MAX);
	(void)snprintf(url, sizeof(url), "%s%s", c->base, path);
	h = curl_slist_append(h, c->auth);
	h = curl_slist_append(h, "Content-Type: application/json");
	h = curl_slist_append(h, "Expect:");
	curl_easy_reset(c->curl);
	curl_easy_setopt(c->curl, CURLOPT_URL, url);
	curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c->curl, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c->curl, CURLOPT_TIMEOUT, timeout_s);
	curl_easy_setopt(c->curl, CURLOPT_CONNECTTIMEOUT, 5L);
	curl_easy_setopt(c->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, &reply);
	if (c->abort != NULL) {
		curl_easy_setopt(c->curl, CURLOPT_NOPROGRESS, 0L);
		curl_easy_setopt(c->curl, CURLOPT_XFERINFOFUNCTION, progress);
		curl_easy_setopt(c->curl, CURLOPT_XFERINFODATA, c);
	}
	if (body != NULL) {
		curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c->curl, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)len);
	}
	rc = curl_easy_perform(c->curl);
	curl_slist_free_all(h);
	if (rc != CURLE_OK) {
		mc_buf_clear(&reply);
		return mc_err_set(err, MC_EC_INTERNAL_ERROR, "%s %s: %s",
		    method, path, curl_easy_strerror(rc));
	}
	curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, ret_status);
	if ((*ret_body = mc_buf_steal(&reply, NULL)) == NULL)
		return mc_err_sys(err, ENOMEM, "out of memory");
	return 0;
}

/* An HTTP status that is not 2xx, as an error naming the call. */
static int
http_error(const char *what, long status, const char *body,
    struct mc_err *err)
{
	return mc_err_set(err, MC_EC_INTERNAL_ERROR, "%s: HTTP %ld: %.160s",
	    what, status, body);
}

int
agt_client_register(struct agt_client *c, const struct mc_proto_host *h,
    uint64_t *ret_gen, struct mc_err *err)
{
	char		*json = mc_proto_host_json(h), *reply = NULL;
	const char	*g;
	long		 status = 0;
	int		 rc;

	if (json == NULL)
		return mc_err_sys(err, ENOMEM, "out of memory");
	rc = call(c, "POST", "/v1/hosts/register", json, strlen(json),
	    CALL_TIMEOUT_S, &status, &reply, err);
	free(json);
	if (rc == 0 && status != 200)
		rc = http_error("register", status, reply, err);
	if (rc == 0) {
		g = strstr(reply, "\"generation\":");
		*ret_gen = g != NULL ? strtoull(g + 13, NULL, 10) : 0;
	}
	free(reply);
	return rc;
}

int
agt_client_desired(struct agt_client *c, const char *host, uint64_t after,
    const char *query, unsigned wait_s, struct mc_proto_desired *ret,
    struct mc_err *err)
{
	char	*path = NULL, *reply = NULL;
	long	 status = 0;
	int	 rc;

	if (asprintf(&path, "/v1/hosts/%s/desired?after=%" PRIu64 "&wait=%u%s",
	    host, after, wait_s, query != NULL ? query : "") < 0)
		return mc_err_sys(err, ENOMEM, "out of memory");
	rc = call(c, "GET", path, NULL, 0, (long)wait_s + CALL_TIMEOUT_S,
	    &status, &reply, err);
	free(path);
	if (rc == 0 && status == 404)
		rc = 1;
	else if (rc == 0 && status != 200)
		rc = http_error("desired state", status, reply, err);
	else if (rc == 0)
		rc = mc_proto_desired_parse(reply, strlen(reply), ret, err);
	free(reply);
	return rc;
}

int
agt_client_report(struct agt_client *c, const char *host,
    const struct mc_proto_report *r, struct mc_err *err)
{
	char	*json = mc_proto_report_json(r), *reply = NULL, path[256];
	long	 status = 0;
	int	 rc;

	if (json == NULL)
		return mc_err_sys(err, ENOMEM, "out of memory");
	(void)snprintf(path, sizeof(path), "/v1/hosts/%s/report", host);
	rc = call(c, "POST", path, json, strlen(json), CALL_TIMEOUT_S, &status,
	    &reply, err);
	free(json);
	if (rc == 0 && status == 404)
		rc = 1;
	else if (rc == 0 && status != 200)
		rc = http_error("report", status, reply, err);
	free(reply);
	return rc;
}

int
agt_client_put_text(struct agt_client *c, const char *host, const char *id,
    const char *what, const void *body, size_t len, struct mc_err *err)
{
	char	*reply = NULL, path[256];
	long	 status = 0;
	int	 rc;

	(void)snprintf(path, sizeof(path), "/v1/instances/%s/%s?host=%s", id,
	    what, host);
	rc = call(c, "PUT", path, body, len, CALL_TIMEOUT_S, &status, &reply,
	    err);
	if (rc == 0 && status != 204)
		rc = http_error(what, status, reply, err);
	free(reply);
	return rc;
}

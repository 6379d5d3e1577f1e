/*
 * ctl_api: the EC2 Query API front door.  Every request goes through the
 * same steps (numbered in api_run); an action only ever sees a request
 * that is well-formed, authenticated and within its parameter list.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <uuid/uuid.h>

#include "mc_err.h"
#include "mc_log.h"
#include "mc_time.h"
#include "ctl_account.h"
#include "ctl_api.h"
#include "ctl_auth.h"
#include "ctl_conf.h"
#include "ctl_http.h"
#include "ctl_query.h"
#include "ctl_rate.h"
#include "ctl_xml.h"

#define CONTENT_TYPE_XML	"text/xml;charset=UTF-8"
#define FORM_TYPE		"application/x-www-form-urlencoded"
#define RESPONSE_MAX		(64u * 1024 * 1024)	/* bytes of one reply */
#define ROOT_MAX		96	/* "<Action>Response" */

/* One request on its way through the front door. */
struct call {
	const struct ctl_api		*api;
	const struct ctl_http_req	*hreq;
	struct ctl_query		 uq;	/* the URL's query, for SigV4 */
	struct ctl_query		 params;
	struct ctl_key			 key;	/* who signed it */
	const struct ctl_action		*action;
	char				 action_name[64]; /* as asked, cut */
	char				 request_id[37];
	char				 root[ROOT_MAX];
	struct ctl_xml			 out;
};

int
ctl_req_dry_run(const struct ctl_req *req, struct mc_err *err)
{
	if (!req->dry_run)
		return 0;
	return mc_err_set(err, MC_EC_DRY_RUN_OPERATION,
	    "Request would have succeeded, but DryRun flag is set.");
}

/* Steps 1-2: what HTTP itself must get right. */
static int
check_transport(const struct ctl_http_req *r, size_t limit, struct mc_err *err)
{
	const char *ct;

	if (r->too_large)
		return mc_err_set(err, MC_EC_REQUEST_TOO_LARGE,
		    "The request body is larger than the limit of %zu bytes",
		    limit);
	if (strcmp(r->method, "POST") != 0 && strcmp(r->method, "GET") != 0)
		return mc_err_set(err, MC_EC_METHOD_NOT_ALLOWED,
		    "The EC2 API takes POST and GET requests, not %.16s",
		    r->method);
	if (strcmp(r->path, "/") != 0)
		return mc_err_set(err, MC_EC_INVALID_ACTION,
		    "The EC2 API is served at '/', not '%.64s'", r->path);
	ct = ctl_http_header(r, "Content-Type");
	if (r->body_len > 0 && (ct == NULL ||
	    strncasecmp(ct, FORM_TYPE, strlen(FORM_TYPE)) != 0))
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "The request body must be " FORM_TYPE);
	return 0;
}

/* Step 3: decode the URL's query and the body into the parameters. */
static int
decode_params(struct call *c, struct mc_err *err)
{
	const struct ctl_http_req *r = c->hreq;

	if (ctl_query_add(&c->uq, r->query, strlen(r->query), err) < 0 ||
	    ctl_query_finish(&c->uq, err) < 0 ||
	    ctl_query_add(&c->params, r->query, strlen(r->query), err) < 0 ||
	    (r->body != NULL &&
	    ctl_query_add(&c->params, r->body, r->body_len, err) < 0) ||
	    ctl_query_finish(&c->params, err) < 0)
		return -1;
	return 0;
}

/* Step 6: the action and the API version. */
static int
find_action(struct call *c, struct mc_err *err)
{
	const char *version = ctl_query_get(&c->params, "Version");
	const char *action = ctl_query_get(&c->params, "Action");

	if (action == NULL || action[0] == '\0')
		return mc_err_set(err, MC_EC_MISSING_PARAMETER,
		    "The request must contain the parameter Action");
	/* Kept for the log line: the parameter itself is dropped later. */
	(void)snprintf(c->action_name, sizeof(c->action_name), "%s", action);
	if ((c->action = ctl_action_find(action)) == NULL)
		return mc_err_set(err, MC_EC_INVALID_ACTION,
		    "The action %.64s is not valid for this web service.",
		    action);
	if (version == NULL || version[0] == '\0')
		return mc_err_set(err, MC_EC_MISSING_PARAMETER,
		    "The request must contain the parameter Version");
	if (strcmp(version, CTL_API_VERSION) != 0)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "The API version '%.32s' is not supported; this endpoint "
		    "speaks " CTL_API_VERSION, version);
	return 0;
}

/* Step 7: keep only the action's own parameters, and check them. */
static int
action_params(struct call *c, bool *ret_dry_run, struct mc_err *err)
{
	size_t i;

	if (ctl_params_bool(&c->params, "DryRun", ret_dry_run, err) < 0)
		return -1;
	ctl_query_remove(&c->params, "Action");
	ctl_query_remove(&c->params, "Version");
	ctl_query_remove(&c->params, "DryRun");
	for (i = 0; i < c->params.n;) {
		if (ctl_auth_is_presign_key(c->params.v[i].key))
			ctl_query_remove(&c->params, c->params.v[i].key);
		else
			i++;
	}
	return ctl_params_check(&c->params, c->action->params,
	    c->action->n_params, err);
}

static int
api_run(struct call *c, struct mc_err *err)
{
	const struct ctl_conf	*conf = c->api->conf;
	struct ctl_req		 req;
	int64_t			 now_ms = mc_time_now_ms();

	memset(&req, 0, sizeof(req));
	/* 1-2. transport, 3. parameters, 4. signature, 5. rate limit */
	if (check_transport(c->hreq, (size_t)conf->max_body_bytes, err) < 0 ||
	    decode_params(c, err) < 0 ||
	    ctl_auth_check(c->api->store, conf->region, c->hreq, &c->uq,
	    (time_t)(now_ms / 1000), &c->key, err) < 0)
		return -1;
	if (!ctl_rate_take(c->api->rate, c->key.account_id, now_ms))
		return mc_err_set(err, MC_EC_REQUEST_LIMIT_EXCEEDED,
		    "Request limit exceeded.");
	/* 6. action and version, 7. its parameters */
	if (find_action(c, err) < 0 || action_params(c, &req.dry_run, err) < 0)
		return -1;
	/* 8. the action writes the children of <ActionResponse>. */
	req.api = c->api;
	req.request_id = c->request_id;
	req.account_id = c->key.account_id;
	req.action = c->action->name;
	req.params = &c->params;
	req.now_ms = now_ms;
	(void)snprintf(c->root, sizeof(c->root), "%sResponse", c->action->name);
	ctl_xml_prolog(&c->out);
	ctl_xml_open_ns(&c->out, c->root, CTL_API_XMLNS);
	ctl_xml_str(&c->out, "requestId", c->request_id);
	if (c->action->fn(&req, &c->out, err) < 0)
		return -1;
	ctl_xml_close(&c->out);
	return 0;
}

/* The EC2 error document for err. */
static char *
error_body(const struct call *c, const struct mc_err *err, size_t *ret_len)
{
	struct ctl_xml	 x;
	const char	*msg = err->msg;

	/* An internal failure's details are for the log, not the client. */
	if (err->code == MC_EC_INTERNAL_ERROR)
		msg = "An internal error has occurred";
	ctl_xml_init(&x, 0);
	ctl_xml_prolog(&x);
	ctl_xml_open(&x, "Response");
	ctl_xml_open(&x, "Errors");
	ctl_xml_open(&x, "Error");
	ctl_xml_str(&x, "Code", mc_err_name(err->code));
	ctl_xml_str(&x, "Message", msg);
	ctl_xml_close(&x);
	ctl_xml_close(&x);
	ctl_xml_str(&x, "RequestID", c->request_id);
	ctl_xml_close(&x);
	return ctl_xml_steal(&x, ret_len);
}

static void
log_call(const struct call *c, int status, const struct mc_err *err,
    int64_t ms)
{
	const char *account = c->key.account_id[0] != '\0' ?
	    c->key.account_id : "-";
	const char *action = c->action_name[0] != '\0' ? c->action_name : "-";

	if (status < 400) {
		mc_log(MC_LOG_INFO, "api request", "peer=%s account=%s "
		    "action=%s status=%d ms=%lld", c->hreq->peer, account,
		    action, status, (long long)ms);
		return;
	}
	mc_log(err->code == MC_EC_INTERNAL_ERROR ? MC_LOG_ERROR : MC_LOG_INFO,
	    "api request",
	    "peer=%s account=%s action=%s status=%d ms=%lld code=%s "
	    "detail=%s errno=%d", c->hreq->peer, account, action, status,
	    (long long)ms, mc_err_name(err->code), err->msg, err->sys_errno);
}

void
ctl_api_serve(void *arg, const struct ctl_http_req *hreq,
    struct ctl_http_resp *resp)
{
	struct call	c;
	struct mc_err	err = { 0 };
	uuid_t		uu;
	int64_t		t0 = mc_time_now_ms();

	memset(&c, 0, sizeof(c));
	c.api = arg;
	c.hreq = hreq;
	uuid_generate_random(uu);
	uuid_unparse_lower(uu, c.request_id);
	mc_log_set_req(c.request_id);
	ctl_query_init(&c.uq);
	ctl_query_init(&c.params);
	ctl_xml_init(&c.out, RESPONSE_MAX);

	resp->status = 200;
	if (api_run(&c, &err) < 0 ||
	    (resp->body = ctl_xml_steal(&c.out, &resp->body_len)) == NULL) {
		if (err.code == MC_EC_NONE)
			mc_err_set(&err, MC_EC_INTERNAL_ERROR,
			    "cannot build the response");
		resp->status = mc_err_http_status(err.code);
		resp->body = error_body(&c, &err, &resp->body_len);
	}
	resp->content_type = CONTENT_TYPE_XML;
	(void)snprintf(resp->request_id, sizeof(resp->request_id), "%s",
	    c.request_id);
	log_call(&c, resp->status, &err, mc_time_now_ms() - t0);

	ctl_xml_clear(&c.out);
	ctl_query_clear(&c.uq);
	ctl_query_clear(&c.params);
	mc_log_set_req(NULL);
}

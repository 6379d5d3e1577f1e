/*
 * ctl_agents: the agents' listener.  Answers a health check; every
 * other path is a JSON 404.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_log.h"
#include "ctl_agents.h"
#include "ctl_http.h"
#include "ctl_store.h"

#define JSON	"application/json"

void
ctl_agents_serve(void *arg, const struct ctl_http_req *req,
    struct ctl_http_resp *resp)
{
	int n;

	(void)arg;
	resp->content_type = JSON;
	if (strcmp(req->method, "GET") == 0 &&
	    strcmp(req->path, "/v1/health") == 0) {
		resp->status = 200;
		n = asprintf(&resp->body, "{\"status\":\"ok\","
		    "\"schema\":%d}\n", ctl_store_schema_latest());
	} else {
		resp->status = 404;
		n = asprintf(&resp->body, "{\"error\":\"NotFound\","
		    "\"message\":\"no such agent API path\"}\n");
	}
	if (n < 0) {
		resp->body = NULL;
		resp->status = 500;
		n = 0;
	}
	resp->body_len = (size_t)n;
	mc_log(MC_LOG_DEBUG, "agent api request", "peer=%s method=%s path=%s "
	    "status=%d", req->peer, req->method, req->path, resp->status);
}

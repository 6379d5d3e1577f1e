/*
 * ctl_agents: the agents' API, a separate listener from the EC2 API.
 * JSON over HTTP.  For now it answers GET /v1/health, so that operators
 * and tests can see the listener; registration and the desired-state
 * long-poll arrive with the agent (TODO(#3)).
 */
#ifndef CTL_AGENTS_H
#define CTL_AGENTS_H

struct ctl_http_req;
struct ctl_http_resp;

/* ctl_http handler of the agents' listener; arg is unused. */
void	ctl_agents_serve(void *arg, const struct ctl_http_req *req,
	    struct ctl_http_resp *resp);

#endif /* CTL_AGENTS_H */

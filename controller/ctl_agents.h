/*
 * ctl_agents: the agents' API, JSON over HTTP on its own listener.  Every
 * call but the health check carries the cluster token
 * ("Authorization: Bearer ...").  An agent registers its host, long-polls
 * the desired state of its instances, reports their actual state, and
 * downloads images and snapshots (with Range, to resume); it also
 * uploads the snapshots it takes, each instance's console tail and, for
 * `minicloud explain`, what it wired.
 */
#ifndef CTL_AGENTS_H
#define CTL_AGENTS_H

struct ctl_http_req;
struct ctl_http_resp;
struct ctl_http_sink;

#define CTL_AGENTS_WAIT_MAX_S	60	/* longest long-poll */
#define CTL_CONSOLE_MAX		(64 * 1024)	/* console bytes kept */
#define CTL_EXPLAIN_MAX		(512 * 1024)

/* ctl_http handler of the agents' listener; arg is the struct ctl_api. */
void	ctl_agents_serve(void *arg, const struct ctl_http_req *req,
	    struct ctl_http_resp *resp);

/*
 * ctl_http stream hook of the agents' listener: uploads (PUT
 * /v1/snapshots/ID) are streamed to disk, checked before their body is
 * read (token, host, state); other requests are collected as usual.
 */
int	ctl_agents_stream(void *arg, const struct ctl_http_req *req,
	    struct ctl_http_sink *ret, struct ctl_http_resp *resp);

#endif /* CTL_AGENTS_H */

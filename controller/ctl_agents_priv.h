/*
 * ctl_agents_priv: what the files of the agents' API share: one call
 * (request, response, the route's '*' segment, the URL's query) and the
 * ways to answer it.  ctl_agents.c routes; ctl_agents_snap.c serves the
 * snapshot uploads and downloads.
 */
#ifndef CTL_AGENTS_PRIV_H
#define CTL_AGENTS_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include <sqlite3.h>

#include "ctl_query.h"

struct ctl_api;
struct ctl_http_req;
struct ctl_http_resp;
struct ctl_http_sink;
struct mc_err;

#define CTL_AGENTS_SEG_MAX	64

struct ctl_agents_call {
	const struct ctl_api		*api;
	const struct ctl_http_req	*req;
	struct ctl_http_resp		*resp;
	char				 seg[CTL_AGENTS_SEG_MAX + 1];
	struct ctl_query		 q;		/* URL query */
};

/* Answer status with body (a JSON string, taken; NULL: none). */
void	ctl_agents_reply(struct ctl_agents_call *c, int status, char *body);

/* Answer status with {"error":code,"message":msg} and log it. */
void	ctl_agents_error(struct ctl_agents_call *c, int status,
	    const char *code, const char *msg);

/* Answer err: 500 for internal errors, else 400. */
void	ctl_agents_fail(struct ctl_agents_call *c, const struct mc_err *err);

/* Does the request carry the cluster token (compared in constant time)? */
bool	ctl_agents_authorized(const struct ctl_agents_call *c);

/* A store connection (the caller puts it back), or NULL: answered 500. */
sqlite3	*ctl_agents_db(struct ctl_agents_call *c);

/* "Range: bytes=N-" gives N; anything else (or none) is 0. */
uint64_t	ctl_agents_range_start(const struct ctl_agents_call *c);

/* Send the file at path (borrowed), from the Range start; 404 if none. */
void	ctl_agents_send_file(struct ctl_agents_call *c, const char *path);

/* GET /v1/images/snap-...: a completed snapshot's file. */
void	ctl_agents_snap_get(struct ctl_agents_call *c);

/*
 * PUT /v1/snapshots/ID?host=NAME, before the body: 403 when ID is not
 * NAME's, 409 when it is no longer pending; else a sink writing to a
 * temporary file in the snapshot store.  Returns 1 (*ret filled) or -1
 * (answered).
 */
int	ctl_agents_snap_open(struct ctl_agents_call *c,
	    struct ctl_http_sink *ret);

/* The same, once the body is in: check it, store it, complete it. */
void	ctl_agents_snap_put(struct ctl_agents_call *c);

#endif /* CTL_AGENTS_PRIV_H */

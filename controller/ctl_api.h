/*
 * ctl_api: the EC2 Query API front door.  Takes a parsed HTTP request,
 * decodes the parameters, authenticates the SigV4 signature, applies the
 * rate limit, finds the action, checks its parameters and hands it a
 * ctl_req; renders what the action wrote, or its error, as EC2 XML.
 * Actions live in one file per EC2 area and are listed in ctl_actions.c.
 */
#ifndef CTL_API_H
#define CTL_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctl_params.h"

struct ctl_conf;
struct ctl_importer;
struct ctl_http_req;
struct ctl_http_resp;
struct ctl_itypes;
struct ctl_query;
struct ctl_rate;
struct ctl_store;
struct ctl_xml;
struct mc_err;

#define CTL_API_VERSION		"2016-11-15"
#define CTL_API_XMLNS		"http://ec2.amazonaws.com/doc/2016-11-15/"
#define CTL_API_SERVICE		"ec2"

/* What every action may read; all of it outlives the listener. */
struct ctl_api {
	const struct ctl_conf	*conf;
	struct ctl_store	*store;
	struct ctl_rate		*rate;
	const struct ctl_itypes	*itypes;
	struct ctl_importer	*importer;	/* wakes on RegisterImage */
};

/* One authenticated request, as an action sees it. */
struct ctl_req {
	const struct ctl_api	*api;
	const char		*request_id;
	const char		*account_id;	/* the caller's account */
	const char		*action;
	const struct ctl_query	*params;	/* checked against the specs */
	bool			 dry_run;
	int64_t			 now_ms;
};

/*
 * An action writes its response's children into out (the root element
 * and requestId are written for it) and returns 0, or returns -1 with
 * err set, in which case out is discarded.
 */
struct ctl_action {
	const char		*name;
	int			(*fn)(const struct ctl_req *req,
				    struct ctl_xml *out, struct mc_err *err);
	const struct ctl_pspec	*params;
	size_t			 n_params;
};

/* The action table (ctl_actions.c), sorted by name. */
extern const struct ctl_action	ctl_actions[];
extern const size_t		ctl_n_actions;

/* The action called name, or NULL. */
const struct ctl_action	*ctl_action_find(const char *name);

/*
 * For an action to call once its input is known to be valid and before
 * it changes anything: with DryRun=true it returns -1 with err set to
 * DryRunOperation, else 0.
 */
int	ctl_req_dry_run(const struct ctl_req *req, struct mc_err *err);

/*
 * Serve one HTTP request (the ctl_http handler; arg is a struct ctl_api).
 * Always fills resp with an EC2 response; logs one line.
 */
void	ctl_api_serve(void *arg, const struct ctl_http_req *req,
	    struct ctl_http_resp *resp);

#endif /* CTL_API_H */

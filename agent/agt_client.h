/*
 * agt_client: the agent's side of the agents' API, over libcurl.  One
 * client per thread (a curl handle is not shared).  Every call carries
 * the cluster token and has a timeout; a transport failure or an HTTP
 * error is returned, never retried here: the reconcile loop retries.
 */
#ifndef AGT_CLIENT_H
#define AGT_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "mc_proto.h"

struct mc_err;
struct agt_client;

#define AGT_CLIENT_REPLY_MAX	(16u * 1024 * 1024)	/* bytes of a reply */

/*
 * A client for base ("http://127.0.0.1:8774") with token.  Both strings
 * are copied.  Returns 0, or -1 with err set.  Call curl_global_init once
 * per process first.
 */
int	agt_client_new(const char *base, const char *token,
	    struct agt_client **ret, struct mc_err *err);

/* Free c (NULL is fine). */
void	agt_client_free(struct agt_client *c);

/*
 * Make every call of c give up soon after *flag (borrowed; it must
 * outlive c) becomes non-zero: how a long poll is cut short at exit.
 */
void	agt_client_abort_on(struct agt_client *c, const volatile int *flag);

/* "Authorization: Bearer ..." (borrowed from c), for image downloads. */
const char	*agt_client_auth(const struct agt_client *c);

/* The URL of image id's file into buf. */
void	agt_client_image_url(const struct agt_client *c, const char *id,
	    char *buf, size_t bufsz);

/* The URL a snapshot's copy is PUT to, from host, into buf. */
void	agt_client_snapshot_url(const struct agt_client *c, const char *id,
	    const char *host, char *buf, size_t bufsz);

/*
 * Register host; *ret_gen gets the desired-state generation.  Returns
 * 0, or -1 with err set.
 */
int	agt_client_register(struct agt_client *c, const struct mc_proto_host *h,
	    uint64_t *ret_gen, struct mc_err *err);

/*
 * Long-poll the desired state of host newer than after, waiting at most
 * wait_s at the controller; query (NULL: none) is added to the URL's
 * (agt_view_query).  Returns 0 with *ret filled (free with
 * mc_proto_desired_clear), 1 when the controller does not know host
 * (register again), or -1 with err set.
 */
int	agt_client_desired(struct agt_client *c, const char *host,
	    uint64_t after, const char *query, unsigned wait_s,
	    struct mc_proto_desired *ret, struct mc_err *err);

/* Report actual states; 1 when the controller does not know host. */
int	agt_client_report(struct agt_client *c, const char *host,
	    const struct mc_proto_report *r, struct mc_err *err);

/*
 * PUT len bytes of text about instance id ("console" or "explain").
 * Returns 0, or -1 with err set.
 */
int	agt_client_put_text(struct agt_client *c, const char *host,
	    const char *id, const char *what, const void *body, size_t len,
	    struct mc_err *err);

#endif /* AGT_CLIENT_H */

/*
 * ctl_auth: who sent an API request.  Finds the SigV4 signature (header
 * or presigned URL), checks its scope and time, looks the access key up
 * in the store and verifies the signature with its secret.  On success
 * the request belongs to the key's account.
 */
#ifndef CTL_AUTH_H
#define CTL_AUTH_H

#include <time.h>

#include "ctl_account.h"
#include "ctl_sigv4.h"

struct ctl_http_req;
struct ctl_query;
struct ctl_store;
struct mc_err;

/*
 * Authenticate hreq, whose URL query string was decoded into url_query
 * (finished), against region at time now.  On success fills *ret_key
 * (the key's id and account; the secret is wiped) and returns 0; else
 * returns -1 with err set: MissingAuthenticationToken,
 * IncompleteSignature, AuthFailure, SignatureDoesNotMatch or
 * RequestExpired.
 */
int	ctl_auth_check(struct ctl_store *store, const char *region,
	    const struct ctl_http_req *hreq, const struct ctl_query *url_query,
	    time_t now, struct ctl_key *ret_key, struct mc_err *err);

/* True when key (borrowed) is one of the presigned URL's X-Amz-* keys. */
bool	ctl_auth_is_presign_key(const char *key);

#endif /* CTL_AUTH_H */

/*
 * ctl_auth: authenticate an API request with SigV4 against the access
 * keys in the store.
 */
#include <string.h>

#include <openssl/crypto.h>

#include "mc_err.h"
#include "ctl_account.h"
#include "ctl_auth.h"
#include "ctl_http.h"
#include "ctl_query.h"
#include "ctl_sigv4.h"

#define SERVICE		"ec2"
#define HDR_MAX		CTL_HTTP_MAX_HEADERS

static const char *const presign_keys[] = {
	"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires",
	"X-Amz-SignedHeaders", "X-Amz-Signature", "X-Amz-Security-Token",
};

bool
ctl_auth_is_presign_key(const char *key)
{
	size_t i;

	for (i = 0; i < sizeof(presign_keys) / sizeof(presign_keys[0]); i++)
		if (strcmp(key, presign_keys[i]) == 0)
			return true;
	return false;
}

/* Find and parse the signature, wherever the request carries it. */
static int
read_cred(const struct ctl_http_req *hreq, const struct ctl_query *uq,
    struct ctl_sigv4_cred *c, struct mc_err *err)
{
	const char *authz = ctl_http_header(hreq, "Authorization"), *date;

	if (authz != NULL) {
		if (ctl_sigv4_parse_header(authz, c, err) < 0)
			return -1;
		date = ctl_http_header(hreq, "X-Amz-Date");
		if (date == NULL || strlen(date) != sizeof(c->amz_date) - 1)
			return mc_err_set(err, MC_EC_INCOMPLETE_SIGNATURE,
			    "The request must carry an X-Amz-Date header of "
			    "the form YYYYMMDDTHHMMSSZ");
		memcpy(c->amz_date, date, sizeof(c->amz_date));
		return 0;
	}
	if (ctl_query_get(uq, "X-Amz-Algorithm") != NULL ||
	    ctl_query_get(uq, "X-Amz-Signature") != NULL)
		return ctl_sigv4_parse_query(uq, c, err);
	return mc_err_set(err, MC_EC_MISSING_AUTHENTICATION_TOKEN,
	    "The request must contain a valid (registered) access key ID, "
	    "signed with AWS Signature Version 4");
}

int
ctl_auth_check(struct ctl_store *store, const char *region,
    const struct ctl_http_req *hreq, const struct ctl_query *url_query,
    time_t now, struct ctl_key *ret_key, struct mc_err *err)
{
	struct ctl_sigv4_cred	c;
	struct ctl_sigv4_hdr	hdrs[HDR_MAX];
	struct ctl_sigv4_msg	m;
	struct ctl_key		k;
	size_t			i;
	int			found, rc;

	if (read_cred(hreq, url_query, &c, err) < 0 ||
	    ctl_sigv4_check_scope(&c, SERVICE, region, now, err) < 0)
		return -1;
	if (ctl_query_get(url_query, "X-Amz-Security-Token") != NULL ||
	    ctl_http_header(hreq, "X-Amz-Security-Token") != NULL)
		return mc_err_set(err, MC_EC_AUTH_FAILURE,
		    "Temporary credentials (security tokens) are not "
		    "supported; sign with an account's access key");
	if ((found = ctl_key_lookup(store, c.akid, &k, err)) < 0)
		return -1;
	if (found == 0)
		return mc_err_set(err, MC_EC_AUTH_FAILURE,
		    "AWS was not able to validate the provided access "
		    "credentials");
	for (i = 0; i < hreq->n_hdrs && i < HDR_MAX; i++) {
		hdrs[i].name = hreq->hdrs[i].name;
		hdrs[i].value = hreq->hdrs[i].value;
	}
	m.method = hreq->method;
	m.path = hreq->path;
	m.query = url_query;
	m.hdrs = hdrs;
	m.n_hdrs = i;
	m.body = hreq->body;
	m.body_len = hreq->body_len;
	rc = ctl_sigv4_verify(&m, &c, k.secret, err);
	OPENSSL_cleanse(k.secret, sizeof(k.secret));
	if (rc < 0)
		return -1;
	*ret_key = k;
	return 0;
}

/*
 * ctl_sigv4_parse: read what a request claims about its signature, from
 * the Authorization header or a presigned URL, and check its scope and
 * time.  Strict: anything that is not exactly SigV4 is refused before a
 * key is looked up.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_err.h"
#include "mc_time.h"
#include "ctl_query.h"
#include "ctl_sigv4.h"

#define DIGITS		"0123456789"
#define LOWER_HEX	"0123456789abcdef"
#define AKID_CHARS	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" \
			DIGITS
#define SCOPE_CHARS	"abcdefghijklmnopqrstuvwxyz-" DIGITS
#define HEADER_CHARS	"abcdefghijklmnopqrstuvwxyz-_." DIGITS

static int
incomplete(struct mc_err *err, const char *what)
{
	return mc_err_set(err, MC_EC_INCOMPLETE_SIGNATURE,
	    "The request signature does not conform to AWS standards: %s",
	    what);
}

/* Copy the n bytes at s into dst[dstsz] if all are in charset. */
static int
take(char *dst, size_t dstsz, const char *s, size_t n, const char *charset)
{
	if (n == 0 || n >= dstsz || strspn(s, charset) < n)
		return -1;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return 0;
}

/* "AKID/YYYYMMDD/region/service/aws4_request" */
static int
parse_credential(const char *s, size_t len, struct ctl_sigv4_cred *c,
    struct mc_err *err)
{
	const char	*part[5], *end = s + len, *p = s;
	size_t		 plen[5];
	int		 i;

	for (i = 0; i < 5; i++) {
		const char *slash = memchr(p, '/', (size_t)(end - p));

		if (slash == NULL)
			slash = end;
		part[i] = p;
		plen[i] = (size_t)(slash - p);
		if (slash == end && i < 4)
			return incomplete(err, "malformed Credential");
		p = slash + 1;
	}
	if (p <= end || plen[4] != strlen("aws4_request") ||
	    memcmp(part[4], "aws4_request", plen[4]) != 0)
		return incomplete(err, "malformed Credential");
	if (take(c->akid, sizeof(c->akid), part[0], plen[0], AKID_CHARS) < 0 ||
	    plen[1] != 8 ||
	    take(c->date, sizeof(c->date), part[1], plen[1], DIGITS) < 0 ||
	    take(c->region, sizeof(c->region), part[2], plen[2],
	    SCOPE_CHARS) < 0 ||
	    take(c->service, sizeof(c->service), part[3], plen[3],
	    SCOPE_CHARS) < 0)
		return incomplete(err, "malformed Credential");
	return 0;
}

static int
name_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	int r = memcmp(a, b, an < bn ? an : bn);

	return r != 0 ? r : (an > bn) - (an < bn);
}

/* Lower-case names joined by ';', ascending, each once, "host" among them. */
static int
parse_signed_headers(const char *s, size_t len, struct ctl_sigv4_cred *c,
    struct mc_err *err)
{
	const char	*p, *prev = NULL;
	size_t		 n, prevn = 0;
	bool		 host = false;

	if (take(c->signed_headers, sizeof(c->signed_headers), s, len,
	    HEADER_CHARS ";") < 0)
		return incomplete(err, "malformed SignedHeaders");
	for (p = c->signed_headers;; p += n + 1) {
		n = strcspn(p, ";");
		if (n == 0)
			return incomplete(err, "malformed SignedHeaders");
		if (prev != NULL && name_cmp(prev, prevn, p, n) >= 0)
			return incomplete(err, "SignedHeaders must be sorted "
			    "and name each header once");
		if (n == 4 && memcmp(p, "host", 4) == 0)
			host = true;
		prev = p;
		prevn = n;
		if (p[n] == '\0')
			break;
	}
	if (!host)
		return incomplete(err, "the host header must be signed");
	return 0;
}

static int
parse_signature(const char *s, size_t len, struct ctl_sigv4_cred *c,
    struct mc_err *err)
{
	if (len != 64 ||
	    take(c->signature, sizeof(c->signature), s, len, LOWER_HEX) < 0)
		return incomplete(err, "malformed Signature");
	return 0;
}

int
ctl_sigv4_parse_header(const char *authz, struct ctl_sigv4_cred *ret,
    struct mc_err *err)
{
	struct ctl_sigv4_cred	 c;
	const char		*p = authz, *end;
	size_t			 alen = strlen(CTL_SIGV4_ALGORITHM), n;
	unsigned		 seen = 0;

	memset(&c, 0, sizeof(c));
	if (strncmp(p, CTL_SIGV4_ALGORITHM, alen) != 0 || p[alen] != ' ')
		return incomplete(err, "the algorithm must be "
		    CTL_SIGV4_ALGORITHM);
	p += alen;
	/* Three "Name=value" parts, comma-separated, in any order. */
	while (*p != '\0') {
		p += strspn(p, " ");
		end = p + strcspn(p, ",");
		n = (size_t)(end - p);
		while (n > 0 && p[n - 1] == ' ')
			n--;
		if (n > 11 && strncmp(p, "Credential=", 11) == 0 &&
		    !(seen & 1)) {
			if (parse_credential(p + 11, n - 11, &c, err) < 0)
				return -1;
			seen |= 1;
		} else if (n > 14 && strncmp(p, "SignedHeaders=", 14) == 0 &&
		    !(seen & 2)) {
			if (parse_signed_headers(p + 14, n - 14, &c, err) < 0)
				return -1;
			seen |= 2;
		} else if (n > 10 && strncmp(p, "Signature=", 10) == 0 &&
		    !(seen & 4)) {
			if (parse_signature(p + 10, n - 10, &c, err) < 0)
				return -1;
			seen |= 4;
		} else {
			return incomplete(err, "unexpected part in the "
			    "Authorization header");
		}
		p = *end == ',' ? end + 1 : end;
	}
	if (seen != 7)
		return incomplete(err, "Authorization needs Credential, "
		    "SignedHeaders and Signature");
	*ret = c;
	return 0;
}

int
ctl_sigv4_parse_query(const struct ctl_query *q, struct ctl_sigv4_cred *ret,
    struct mc_err *err)
{
	struct ctl_sigv4_cred	 c;
	const char		*algo, *cred, *date, *exp, *sh, *sig;
	char			*end;

	memset(&c, 0, sizeof(c));
	algo = ctl_query_get(q, "X-Amz-Algorithm");
	cred = ctl_query_get(q, "X-Amz-Credential");
	date = ctl_query_get(q, "X-Amz-Date");
	exp = ctl_query_get(q, "X-Amz-Expires");
	sh = ctl_query_get(q, "X-Amz-SignedHeaders");
	sig = ctl_query_get(q, "X-Amz-Signature");
	if (algo == NULL || cred == NULL || date == NULL || exp == NULL ||
	    sh == NULL || sig == NULL)
		return incomplete(err, "a presigned URL needs X-Amz-Algorithm, "
		    "-Credential, -Date, -Expires, -SignedHeaders and "
		    "-Signature");
	if (strcmp(algo, CTL_SIGV4_ALGORITHM) != 0)
		return incomplete(err, "the algorithm must be "
		    CTL_SIGV4_ALGORITHM);
	if (parse_credential(cred, strlen(cred), &c, err) < 0 ||
	    parse_signed_headers(sh, strlen(sh), &c, err) < 0 ||
	    parse_signature(sig, strlen(sig), &c, err) < 0)
		return -1;
	if (strlen(date) != sizeof(c.amz_date) - 1)
		return incomplete(err, "malformed X-Amz-Date");
	memcpy(c.amz_date, date, sizeof(c.amz_date));
	errno = 0;
	c.expires_s = strtol(exp, &end, 10);
	if (*exp < '0' || *exp > '9' || *end != '\0' || errno != 0 ||
	    c.expires_s < 1 || c.expires_s > CTL_SIGV4_EXPIRES_MAX)
		return incomplete(err, "X-Amz-Expires must be 1 to 604800");
	c.presigned = true;
	*ret = c;
	return 0;
}

int
ctl_sigv4_check_scope(const struct ctl_sigv4_cred *c, const char *service,
    const char *region, time_t now, struct mc_err *err)
{
	time_t t;

	if (strcmp(c->service, service) != 0)
		return mc_err_set(err, MC_EC_AUTH_FAILURE,
		    "Credential should be scoped to the service '%s'", service);
	if (strcmp(c->region, region) != 0)
		return mc_err_set(err, MC_EC_AUTH_FAILURE,
		    "Credential should be scoped to a valid region, not "
		    "'%.64s'; this endpoint serves '%s'", c->region, region);
	if (mc_time_parse_amz(c->amz_date, &t) < 0)
		return incomplete(err, "X-Amz-Date must be YYYYMMDDTHHMMSSZ");
	if (strncmp(c->amz_date, c->date, 8) != 0)
		return mc_err_set(err, MC_EC_SIGNATURE_DOES_NOT_MATCH,
		    "Date in Credential scope does not match YYYYMMDD from "
		    "X-Amz-Date");
	if (t > now + CTL_SIGV4_SKEW_S)
		return mc_err_set(err, MC_EC_REQUEST_EXPIRED,
		    "Request is more than 15 minutes in the future "
		    "(X-Amz-Date %s)", c->amz_date);
	if (c->presigned ? now > t + c->expires_s :
	    now > t + CTL_SIGV4_SKEW_S)
		return mc_err_set(err, MC_EC_REQUEST_EXPIRED,
		    "Request has expired (X-Amz-Date %s)", c->amz_date);
	return 0;
}

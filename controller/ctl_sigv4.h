/*
 * ctl_sigv4: AWS Signature Version 4 as a server checks it.  Parses the
 * two places a signature travels (the Authorization header, or the
 * X-Amz-* parameters of a presigned URL), rebuilds the canonical request
 * and string to sign from the request as received, and compares
 * signatures in constant time.  It knows no keys: the caller looks the
 * secret up and injects the clock.
 */
#ifndef CTL_SIGV4_H
#define CTL_SIGV4_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct ctl_query;
struct mc_buf;
struct mc_err;

#define CTL_SIGV4_ALGORITHM	"AWS4-HMAC-SHA256"
#define CTL_SIGV4_AKID_MAX	128
#define CTL_SIGV4_REGION_MAX	64
#define CTL_SIGV4_SERVICE_MAX	32
#define CTL_SIGV4_SECRET_MAX	128	/* bytes of a secret key */
#define CTL_SIGV4_SIGNED_MAX	1024	/* bytes of SignedHeaders */
#define CTL_SIGV4_SKEW_S	(15 * 60)	/* allowed clock difference */
#define CTL_SIGV4_EXPIRES_MAX	604800	/* a presigned URL's longest life */

/* What a request claims about its signature. */
struct ctl_sigv4_cred {
	char	akid[CTL_SIGV4_AKID_MAX + 1];
	char	date[9];			/* YYYYMMDD of the scope */
	char	region[CTL_SIGV4_REGION_MAX + 1];
	char	service[CTL_SIGV4_SERVICE_MAX + 1];
	char	signed_headers[CTL_SIGV4_SIGNED_MAX + 1];
	char	signature[65];			/* 64 lower-case hex digits */
	char	amz_date[17];			/* YYYYMMDDTHHMMSSZ */
	long	expires_s;			/* presigned only, else 0 */
	bool	presigned;
};

/* One request header as received (both strings borrowed). */
struct ctl_sigv4_hdr {
	const char	*name;
	const char	*value;
};

/* A request as the client signed it; everything borrowed. */
struct ctl_sigv4_msg {
	const char			*method;
	const char			*path;
	const struct ctl_query		*query;	/* the URL's, finished */
	const struct ctl_sigv4_hdr	*hdrs;
	size_t				 n_hdrs;
	const char			*body;
	size_t				 body_len;
};

/*
 * Parse an Authorization header value (borrowed) into *ret; amz_date is
 * left empty for the caller to fill from X-Amz-Date.  Returns 0, or -1
 * with err set (IncompleteSignature) when it is not a well-formed SigV4
 * header.
 */
int	ctl_sigv4_parse_header(const char *authz, struct ctl_sigv4_cred *ret,
	    struct mc_err *err);

/*
 * Parse the X-Amz-* parameters of a presigned URL from q (finished) into
 * *ret.  Returns 0, or -1 with err set (IncompleteSignature).
 */
int	ctl_sigv4_parse_query(const struct ctl_query *q,
	    struct ctl_sigv4_cred *ret, struct mc_err *err);

/*
 * Check what c claims against this server: the scope's service and
 * region, its date against amz_date, and amz_date against now (or a
 * presigned URL's expiry).  Returns 0, or -1 with err set: AuthFailure,
 * SignatureDoesNotMatch, IncompleteSignature or RequestExpired.
 */
int	ctl_sigv4_check_scope(const struct ctl_sigv4_cred *c,
	    const char *service, const char *region, time_t now,
	    struct mc_err *err);

/*
 * Append the canonical request of m under c's SignedHeaders to out.
 * Returns 0, or -1 with err set (IncompleteSignature when a signed
 * header is missing from the request).
 */
int	ctl_sigv4_canonical_request(const struct ctl_sigv4_msg *m,
	    const struct ctl_sigv4_cred *c, struct mc_buf *out,
	    struct mc_err *err);

/* Append the string to sign for canonical request creq to out. */
void	ctl_sigv4_string_to_sign(const struct ctl_sigv4_cred *c,
	    const char *creq, size_t creq_len, struct mc_buf *out);

/* Derive the signing key for secret and the scope's date/region/service. */
void	ctl_sigv4_signing_key(const char *secret, const char *date,
	    const char *region, const char *service, unsigned char key[32]);

/* Hex HMAC-SHA256 of sts under key into hex (65 bytes with the NUL). */
void	ctl_sigv4_sign(const unsigned char key[32], const char *sts,
	    size_t sts_len, char hex[65]);

/*
 * Recompute the signature of m with secret (borrowed) and compare it with
 * c's in constant time.  Returns 0 when they match, or -1 with err set
 * (SignatureDoesNotMatch, or the canonical request's error).
 */
int	ctl_sigv4_verify(const struct ctl_sigv4_msg *m,
	    const struct ctl_sigv4_cred *c, const char *secret,
	    struct mc_err *err);

/* Append s to out URI-encoded as SigV4 wants (unreserved kept, %XX). */
void	ctl_sigv4_uri_encode(struct mc_buf *out, const char *s);

#endif /* CTL_SIGV4_H */

/*
 * ctl_sigv4: rebuild the canonical request and string to sign of a
 * received request and compare its signature.  Follows the steps of
 * AWS's SigV4 specification; hashing and HMAC come from libcrypto.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "mc_buf.h"
#include "mc_cleanup.h"
#include "mc_err.h"
#include "mc_hex.h"
#include "ctl_query.h"
#include "ctl_sigv4.h"

#define UNRESERVED	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" \
			"0123456789-_.~"

static void
sha256_hex(const void *p, size_t n, char hex[65])
{
	unsigned char	md[EVP_MAX_MD_SIZE];
	unsigned int	mdlen = 0;

	(void)EVP_Digest(p, n, md, &mdlen, EVP_sha256(), NULL);
	mc_hex_encode(md, 32, hex);
}

static void
hmac256(const void *key, size_t keylen, const void *msg, size_t n,
    unsigned char out[32])
{
	unsigned int len = 32;

	(void)HMAC(EVP_sha256(), key, (int)keylen, msg, n, out, &len);
}

void
ctl_sigv4_uri_encode(struct mc_buf *out, const char *s)
{
	for (; *s != '\0'; s++) {
		if (strchr(UNRESERVED, *s) != NULL)
			mc_buf_addc(out, *s);
		else
			mc_buf_addf(out, "%%%02X", (unsigned char)*s);
	}
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Canonical query string: every URL parameter but the signature, names
 * and values URI-encoded, sorted by the encoded form.
 */
static int
canonical_query(const struct ctl_query *q, struct mc_buf *out,
    struct mc_err *err)
{
	MC_AUTOFREE char	**pairs = NULL;
	struct mc_buf		  b;
	size_t			  i, n = 0;
	int			  rc = 0;

	if (q == NULL || q->n == 0)
		return 0;
	if ((pairs = calloc(q->n, sizeof(*pairs))) == NULL)
		return mc_err_sys(err, ENOMEM, "out of memory");
	for (i = 0; i < q->n; i++) {
		if (strcmp(q->v[i].key, "X-Amz-Signature") == 0)
			continue;
		mc_buf_init(&b, 0);
		ctl_sigv4_uri_encode(&b, q->v[i].key);
		mc_buf_addc(&b, '=');
		ctl_sigv4_uri_encode(&b, q->v[i].value);
		if ((pairs[n] = mc_buf_steal(&b, NULL)) == NULL) {
			rc = mc_err_sys(err, ENOMEM, "out of memory");
			break;
		}
		n++;
	}
	if (rc == 0) {
		qsort(pairs, n, sizeof(*pairs), str_cmp);
		for (i = 0; i < n; i++) {
			if (i > 0)
				mc_buf_addc(out, '&');
			mc_buf_adds(out, pairs[i]);
		}
	}
	for (i = 0; i < n; i++)
		free(pairs[i]);
	return rc;
}

/* Append value trimmed, with inner runs of spaces made one space. */
static void
add_trimmed(struct mc_buf *out, const char *v)
{
	bool space = false;

	v += strspn(v, " \t");
	for (; *v != '\0'; v++) {
		if (*v == ' ' || *v == '\t') {
			space = true;
			continue;
		}
		if (space)
			mc_buf_addc(out, ' ');
		space = false;
		mc_buf_addc(out, *v);
	}
}

/* "name:value1,value2\n" for one signed header name of n bytes. */
static int
canonical_header(const struct ctl_sigv4_msg *m, const char *name, size_t n,
    struct mc_buf *out, struct mc_err *err)
{
	size_t	i, found = 0;

	mc_buf_add(out, name, n);
	mc_buf_addc(out, ':');
	for (i = 0; i < m->n_hdrs; i++) {
		if (strlen(m->hdrs[i].name) != n ||
		    strncasecmp(m->hdrs[i].name, name, n) != 0)
			continue;
		if (found++ > 0)
			mc_buf_addc(out, ',');
		add_trimmed(out, m->hdrs[i].value);
	}
	if (found == 0)
		return mc_err_set(err, MC_EC_INCOMPLETE_SIGNATURE,
		    "The signed header '%.*s' is not in the request", (int)n,
		    name);
	mc_buf_addc(out, '\n');
	return 0;
}

int
ctl_sigv4_canonical_request(const struct ctl_sigv4_msg *m,
    const struct ctl_sigv4_cred *c, struct mc_buf *out, struct mc_err *err)
{
	const char	*p;
	size_t		 n;
	char		 hash[65];

	mc_buf_adds(out, m->method);
	mc_buf_addc(out, '\n');
	mc_buf_adds(out, m->path);
	mc_buf_addc(out, '\n');
	if (canonical_query(m->query, out, err) < 0)
		return -1;
	mc_buf_addc(out, '\n');
	for (p = c->signed_headers; *p != '\0'; p += n + (p[n] == ';')) {
		n = strcspn(p, ";");
		if (canonical_header(m, p, n, out, err) < 0)
			return -1;
	}
	mc_buf_addc(out, '\n');
	mc_buf_adds(out, c->signed_headers);
	mc_buf_addc(out, '\n');
	sha256_hex(m->body != NULL ? m->body : "", m->body_len, hash);
	mc_buf_adds(out, hash);
	if (out->failed)
		return mc_err_sys(err, ENOMEM, "out of memory");
	return 0;
}

void
ctl_sigv4_string_to_sign(const struct ctl_sigv4_cred *c, const char *creq,
    size_t creq_len, struct mc_buf *out)
{
	char hash[65];

	sha256_hex(creq, creq_len, hash);
	mc_buf_addf(out, "%s\n%s\n%s/%s/%s/aws4_request\n%s",
	    CTL_SIGV4_ALGORITHM, c->amz_date, c->date, c->region, c->service,
	    hash);
}

void
ctl_sigv4_signing_key(const char *secret, const char *date,
    const char *region, const char *service, unsigned char key[32])
{
	char		k[4 + CTL_SIGV4_SECRET_MAX + 1];
	unsigned char	a[32], b[32];
	int		n;

	/* A longer secret is cut and so never verifies; ours are 40 bytes. */
	n = snprintf(k, sizeof(k), "AWS4%s", secret);
	if (n < 0 || (size_t)n >= sizeof(k))
		n = (int)sizeof(k) - 1;
	hmac256(k, (size_t)n, date, strlen(date), a);
	hmac256(a, sizeof(a), region, strlen(region), b);
	hmac256(b, sizeof(b), service, strlen(service), a);
	hmac256(a, sizeof(a), "aws4_request", strlen("aws4_request"), key);
	OPENSSL_cleanse(k, sizeof(k));
	OPENSSL_cleanse(a, sizeof(a));
	OPENSSL_cleanse(b, sizeof(b));
}

void
ctl_sigv4_sign(const unsigned char key[32], const char *sts, size_t sts_len,
    char hex[65])
{
	unsigned char mac[32];

	hmac256(key, 32, sts, sts_len, mac);
	mc_hex_encode(mac, sizeof(mac), hex);
}

int
ctl_sigv4_verify(const struct ctl_sigv4_msg *m,
    const struct ctl_sigv4_cred *c, const char *secret, struct mc_err *err)
{
	struct mc_buf	creq, sts;
	unsigned char	key[32];
	char		mine[65];
	int		rc = 0;

	mc_buf_init(&creq, 0);
	mc_buf_init(&sts, 0);
	if (ctl_sigv4_canonical_request(m, c, &creq, err) < 0) {
		rc = -1;
		goto out;
	}
	ctl_sigv4_string_to_sign(c, creq.data, creq.len, &sts);
	if (sts.failed) {
		rc = mc_err_sys(err, ENOMEM, "out of memory");
		goto out;
	}
	ctl_sigv4_signing_key(secret, c->date, c->region, c->service, key);
	ctl_sigv4_sign(key, sts.data, sts.len, mine);
	OPENSSL_cleanse(key, sizeof(key));
	/* Constant time: the time taken must not tell how much matched. */
	if (CRYPTO_memcmp(mine, c->signature, 64) != 0)
		rc = mc_err_set(err, MC_EC_SIGNATURE_DOES_NOT_MATCH,
		    "The request signature we calculated does not match the "
		    "signature you provided. Check your AWS Secret Access Key "
		    "and signing method.");
out:
	mc_buf_clear(&creq);
	mc_buf_clear(&sts);
	return rc;
}

/*
 * ctl_params: match request keys against an action's declared patterns
 * and read typed values.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "mc_buf.h"
#include "mc_cleanup.h"
#include "mc_err.h"
#include "mc_hex.h"
#include "ctl_params.h"
#include "ctl_query.h"

/*
 * Parse a list index of len bytes at s: decimal, no sign, no leading
 * zero, 1..CTL_LIST_MAX.  Returns it, or 0 when it is not one.
 */
static unsigned
parse_index(const char *s, size_t len)
{
	unsigned	v = 0;
	size_t		i;

	if (len == 0 || len > 4 || s[0] == '0')
		return 0;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	return v <= CTL_LIST_MAX ? v : 0;
}

bool
ctl_params_match(const char *pattern, const char *key)
{
	size_t pl, kl;

	for (;;) {
		pl = strcspn(pattern, ".");
		kl = strcspn(key, ".");
		if (pl == 1 && pattern[0] == 'N') {
			if (parse_index(key, kl) == 0)
				return false;
		} else if (pl != kl || strncmp(pattern, key, pl) != 0) {
			return false;
		}
		if (pattern[pl] == '\0' || key[kl] == '\0')
			return pattern[pl] == key[kl];
		pattern += pl + 1;
		key += kl + 1;
	}
}

static int
parse_ll(const char *s, long long *ret)
{
	char		*end;
	long long	 v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (*s == '\0' || *s == ' ' || *s == '+' || *end != '\0' || errno != 0)
		return -1;
	*ret = v;
	return 0;
}

static int
parse_bool(const char *s, bool *ret)
{
	if (strcasecmp(s, "true") == 0)
		return *ret = true, 0;
	if (strcasecmp(s, "false") == 0)
		return *ret = false, 0;
	return -1;
}

static int
check_type(const struct ctl_param *p, enum ctl_ptype type, struct mc_err *err)
{
	long long	v;
	bool		b;

	if (type == CTL_P_INT && parse_ll(p->value, &v) < 0)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "Value (%.64s) for parameter %.64s is invalid. "
		    "Expected an integer.", p->value, p->key);
	if (type == CTL_P_BOOL && parse_bool(p->value, &b) < 0)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "Value (%.64s) for parameter %.64s is invalid. "
		    "Expected 'true' or 'false'.", p->value, p->key);
	return 0;
}

int
ctl_params_check(const struct ctl_query *q, const struct ctl_pspec *specs,
    size_t n_specs, struct mc_err *err)
{
	size_t i, j;

	for (i = 0; i < q->n; i++) {
		for (j = 0; j < n_specs; j++)
			if (ctl_params_match(specs[j].pattern, q->v[i].key))
				break;
		if (j == n_specs)
			return mc_err_set(err, MC_EC_UNKNOWN_PARAMETER,
			    "The parameter %.64s is not recognized",
			    q->v[i].key);
		if (check_type(&q->v[i], specs[j].type, err) < 0)
			return -1;
	}
	return 0;
}

int
ctl_params_int(const struct ctl_query *q, const char *key, long long min,
    long long max, long long *ret, struct mc_err *err)
{
	const char	*s = ctl_query_get(q, key);
	long long	 v;

	if (s == NULL)
		return 0;
	if (parse_ll(s, &v) < 0 || v < min || v > max)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "Value (%.64s) for parameter %s is invalid. "
		    "Expected an integer from %lld to %lld.", s, key, min, max);
	*ret = v;
	return 1;
}

int
ctl_params_bool(const struct ctl_query *q, const char *key, bool *ret,
    struct mc_err *err)
{
	const char *s = ctl_query_get(q, key);

	if (s == NULL)
		return 0;
	if (parse_bool(s, ret) < 0)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "Value (%.64s) for parameter %s is invalid. "
		    "Expected 'true' or 'false'.", s, key);
	return 1;
}

static int
uint_cmp(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;

	return (x > y) - (x < y);
}

size_t
ctl_params_indices(const struct ctl_query *q, const char *prefix,
    unsigned *ret, size_t max)
{
	size_t		plen = strlen(prefix), i, n = 0, out = 0;
	const char	*rest;
	unsigned	idx;

	/*
	 * The keys of one index sit together in the sorted map ('.' sorts
	 * before every digit), so a repeat is always the previous index.
	 */
	for (i = 0; i < q->n && n < max; i++) {
		if (strncmp(q->v[i].key, prefix, plen) != 0 ||
		    q->v[i].key[plen] != '.')
			continue;
		rest = q->v[i].key + plen + 1;
		idx = parse_index(rest, strcspn(rest, "."));
		if (idx != 0 && (n == 0 || ret[n - 1] != idx))
			ret[n++] = idx;
	}
	if (n == 0)
		return 0;
	qsort(ret, n, sizeof(*ret), uint_cmp);
	for (i = 0; i < n; i++)
		if (out == 0 || ret[out - 1] != ret[i])
			ret[out++] = ret[i];
	return out;
}

int
ctl_params_strlist(const struct ctl_query *q, const char *prefix,
    const char ***ret, size_t *ret_n, struct mc_err *err)
{
	MC_AUTOFREE unsigned	 *idx = calloc(CTL_LIST_MAX, sizeof(*idx));
	MC_AUTOFREE const char	**v = NULL;
	char			  key[CTL_QUERY_MAX_KEY + 16];
	size_t			  n, i, o = 0;
	const char		 *s;

	if (idx == NULL)
		return mc_err_sys(err, ENOMEM, "out of memory");
	n = ctl_params_indices(q, prefix, idx, CTL_LIST_MAX);
	if (n > 0 && (v = calloc(n, sizeof(*v))) == NULL)
		return mc_err_sys(err, ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		(void)snprintf(key, sizeof(key), "%s.%u", prefix, idx[i]);
		if ((s = ctl_query_get(q, key)) != NULL)
			v[o++] = s;
	}
	*ret = o > 0 ? mc_steal_ptr(&v) : NULL;
	*ret_n = o;
	return 0;
}

bool
ctl_params_selects(const char *const *names, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return n == 0;
}

int
ctl_params_all_known(const char *const *names, size_t n,
    bool (*known)(const void *, const char *), const void *ctx,
    enum mc_ec code, const char *prefix, struct mc_err *err)
{
	struct mc_buf	bad;
	size_t		i;
	int		rc = 0;

	mc_buf_init(&bad, 200);	/* enough to name the culprits */
	for (i = 0; i < n; i++) {
		if (known(ctx, names[i]))
			continue;
		mc_buf_addf(&bad, "%s%s", bad.len > 0 ? ", " : "", names[i]);
		rc = -1;
	}
	if (rc < 0)
		mc_err_set(err, code, "%s[%s%s]", prefix,
		    bad.data != NULL ? bad.data : "", bad.failed ? "..." : "");
	mc_buf_clear(&bad);
	return rc;
}

int
ctl_params_ids_known(const char *const *ids, size_t n, enum mc_id_kind kind,
    bool (*known)(const void *, const char *), const void *ctx,
    enum mc_ec code, const char *prefix, struct mc_err *err)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (mc_id_check(kind, ids[i], err) < 0)
			return -1;
	return ctl_params_all_known(ids, n, known, ctx, code, prefix, err);
}

void
ctl_params_hash(const struct ctl_query *q, const char *skip, char hex[65])
{
	unsigned char	md[EVP_MAX_MD_SIZE];
	unsigned	mdlen = 0;
	EVP_MD_CTX	*ctx = EVP_MD_CTX_new();
	size_t		i;

	(void)EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	for (i = 0; i < q->n; i++) {
		if (strcmp(q->v[i].key, skip) == 0)
			continue;
		/* Each string with its NUL: "ab"+"c" differs from "a"+"bc". */
		(void)EVP_DigestUpdate(ctx, q->v[i].key, strlen(q->v[i].key) + 1);
		(void)EVP_DigestUpdate(ctx, q->v[i].value,
		    strlen(q->v[i].value) + 1);
	}
	(void)EVP_DigestFinal_ex(ctx, md, &mdlen);
	EVP_MD_CTX_free(ctx);
	mc_hex_encode(md, 32, hex);
}

/*
 * ctl_query: decode form-encoded request parameters into a sorted map.
 * Decoding is strict because the same bytes are hashed for SigV4: a
 * sloppy decoder would act on parameters the signature did not cover.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mc_cleanup.h"
#include "mc_err.h"
#include "mc_hex.h"
#include "mc_utf8.h"
#include "ctl_query.h"

void
ctl_query_init(struct ctl_query *q)
{
	memset(q, 0, sizeof(*q));
}

void
ctl_query_clear(struct ctl_query *q)
{
	size_t i;

	for (i = 0; i < q->n; i++) {
		free(q->v[i].key);
		free(q->v[i].value);
	}
	free(q->v);
	ctl_query_init(q);
}

/*
 * Decode s[0..len) into a new string (*ret, caller frees).  Returns 0,
 * or -1 with err set.
 */
static int
decode(const char *s, size_t len, char **ret, struct mc_err *err)
{
	MC_AUTOFREE char	*out = malloc(len + 1);
	size_t			 i, o = 0;
	int			 hi, lo;

	if (out == NULL)
		return mc_err_sys(err, ENOMEM, "out of memory");
	for (i = 0; i < len; i++) {
		if (s[i] == '+') {
			out[o++] = ' ';
		} else if (s[i] == '%') {
			if (i + 2 >= len)
				goto bad;
			hi = mc_hex_value(s[i + 1]);
			lo = mc_hex_value(s[i + 2]);
			if (hi < 0 || lo < 0)
				goto bad;
			out[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else {
			out[o++] = s[i];
		}
	}
	if (memchr(out, '\0', o) != NULL)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "Request parameters must not contain NUL bytes");
	if (!mc_utf8_valid(out, o))
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "Request parameters must be UTF-8 text");
	out[o] = '\0';
	*ret = mc_steal_ptr(&out);
	return 0;
bad:
	return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
	    "Malformed percent-encoding in the request parameters");
}

static int
query_push(struct ctl_query *q, char *key, char *value, struct mc_err *err)
{
	struct ctl_param *nv;

	if (q->n >= CTL_QUERY_MAX_PARAMS) {
		free(key);
		free(value);
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "Too many request parameters (the limit is %d)",
		    CTL_QUERY_MAX_PARAMS);
	}
	if (q->n == q->cap) {
		size_t cap = q->cap == 0 ? 16 : q->cap * 2;

		if ((nv = realloc(q->v, cap * sizeof(*nv))) == NULL) {
			free(key);
			free(value);
			return mc_err_sys(err, ENOMEM, "out of memory");
		}
		q->v = nv;
		q->cap = cap;
	}
	q->v[q->n].key = key;
	q->v[q->n].value = value;
	q->n++;
	return 0;
}

/* Decode one "key=value" segment of len bytes. */
static int
query_segment(struct ctl_query *q, const char *seg, size_t len,
    struct mc_err *err)
{
	MC_AUTOFREE char	*key = NULL;
	MC_AUTOFREE char	*value = NULL;
	const char		*eq = memchr(seg, '=', len);
	size_t			 klen = eq != NULL ? (size_t)(eq - seg) : len;

	if (decode(seg, klen, &key, err) < 0)
		return -1;
	if (key[0] == '\0')
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "A request parameter has an empty name");
	if (strlen(key) > CTL_QUERY_MAX_KEY)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "A request parameter name is longer than %d bytes",
		    CTL_QUERY_MAX_KEY);
	if (eq != NULL) {
		if (decode(eq + 1, len - klen - 1, &value, err) < 0)
			return -1;
	} else if ((value = strdup("")) == NULL) {
		return mc_err_sys(err, ENOMEM, "out of memory");
	}
	return query_push(q, mc_steal_ptr(&key), mc_steal_ptr(&value), err);
}

int
ctl_query_add(struct ctl_query *q, const char *s, size_t len,
    struct mc_err *err)
{
	const char	*end = s + len, *amp;

	while (s < end) {
		amp = memchr(s, '&', (size_t)(end - s));
		if (amp == NULL)
			amp = end;
		/* Empty segments ("a=1&&b=2") carry nothing; skip them. */
		if (amp > s && query_segment(q, s, (size_t)(amp - s), err) < 0)
			return -1;
		s = amp + 1;
	}
	return 0;
}

static int
param_cmp(const void *a, const void *b)
{
	return strcmp(((const struct ctl_param *)a)->key,
	    ((const struct ctl_param *)b)->key);
}

int
ctl_query_finish(struct ctl_query *q, struct mc_err *err)
{
	size_t i;

	if (q->n > 1)
		qsort(q->v, q->n, sizeof(q->v[0]), param_cmp);
	for (i = 1; i < q->n; i++)
		if (strcmp(q->v[i - 1].key, q->v[i].key) == 0)
			return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
			    "The parameter %.64s is given more than once",
			    q->v[i].key);
	return 0;
}

static struct ctl_param *
query_find(const struct ctl_query *q, const char *key)
{
	struct ctl_param k = { (char *)key, NULL };

	if (q->n == 0)
		return NULL;
	return bsearch(&k, q->v, q->n, sizeof(q->v[0]), param_cmp);
}

const char *
ctl_query_get(const struct ctl_query *q, const char *key)
{
	struct ctl_param *p = query_find(q, key);

	return p != NULL ? p->value : NULL;
}

void
ctl_query_remove(struct ctl_query *q, const char *key)
{
	struct ctl_param	*p = query_find(q, key);
	size_t			 i;

	if (p == NULL)
		return;
	i = (size_t)(p - q->v);
	free(p->key);
	free(p->value);
	memmove(&q->v[i], &q->v[i + 1], (q->n - i - 1) * sizeof(q->v[0]));
	q->n--;
}

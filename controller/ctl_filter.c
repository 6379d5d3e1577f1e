/*
 * ctl_filter: parse EC2 filters and match resources against them.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_cleanup.h"
#include "mc_err.h"
#include "ctl_filter.h"
#include "ctl_params.h"
#include "ctl_query.h"

#define FILTER_KEY_MAX	(CTL_QUERY_MAX_KEY + 32)

bool
ctl_filter_glob(const char *p, const char *s)
{
	const char *star = NULL, *resume = NULL;

	/*
	 * Greedy match with one backtrack point.  A backslash makes the
	 * next pattern character literal, as EC2's filters allow.
	 */
	while (*s != '\0') {
		if (*p == '*') {
			star = p++;
			resume = s;
			continue;
		}
		if (*p == '\\' && p[1] != '\0') {
			if (p[1] == *s) {
				p += 2;
				s++;
				continue;
			}
		} else if (*p == '?' || *p == *s) {
			p++;
			s++;
			continue;
		}
		if (star == NULL)
			return false;
		p = star + 1;
		s = ++resume;
	}
	while (*p == '*')
		p++;
	return *p == '\0';
}

static const struct ctl_filter_def *
def_find(const char *name, const struct ctl_filter_def *defs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(defs[i].name, "tag:*") == 0 &&
		    strncmp(name, "tag:", 4) == 0 && name[4] != '\0')
			return &defs[i];
		if (strcmp(defs[i].name, name) == 0)
			return &defs[i];
	}
	return NULL;
}

void
ctl_filters_clear(struct ctl_filters *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		free(f->v[i].values);
	free(f->v);
	f->v = NULL;
	f->n = 0;
}

/* Parse filter number idx into *out. */
static int
filter_one(const struct ctl_query *q, unsigned idx,
    const struct ctl_filter_def *defs, size_t n_defs, struct ctl_filter *out,
    struct mc_err *err)
{
	const struct ctl_filter_def	*def;
	char				 key[FILTER_KEY_MAX];
	const char			*name;

	(void)snprintf(key, sizeof(key), "Filter.%u.Name", idx);
	if ((name = ctl_query_get(q, key)) == NULL || name[0] == '\0')
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "Filter.%u has no Name", idx);
	if ((def = def_find(name, defs, n_defs)) == NULL)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "The filter '%.64s' is invalid", name);
	out->name = name;
	out->field = def->field;
	(void)snprintf(key, sizeof(key), "Filter.%u.Value", idx);
	if (ctl_params_strlist(q, key, &out->values, &out->n_values, err) < 0)
		return -1;
	if (out->n_values == 0)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "The filter '%.64s' has no values", name);
	if (out->n_values > CTL_FILTER_VALUES_MAX)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "The filter '%.64s' has more than %d values", name,
		    CTL_FILTER_VALUES_MAX);
	return 0;
}

int
ctl_filters_parse(const struct ctl_query *q, const struct ctl_filter_def *defs,
    size_t n_defs, struct ctl_filters *ret, struct mc_err *err)
{
	unsigned		idx[CTL_FILTER_MAX + 1];
	struct ctl_filters	f = { NULL, 0 };
	size_t			n, i;

	n = ctl_params_indices(q, "Filter", idx, MC_NELEMS(idx));
	if (n > CTL_FILTER_MAX)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "More than %d filters", CTL_FILTER_MAX);
	if (n > 0 && (f.v = calloc(n, sizeof(*f.v))) == NULL)
		return mc_err_sys(err, ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		f.n = i + 1;	/* so that clear frees what was made */
		if (filter_one(q, idx[i], defs, n_defs, &f.v[i], err) < 0) {
			ctl_filters_clear(&f);
			return -1;
		}
	}
	*ret = f;
	return 0;
}

bool
ctl_filter_exact(const struct ctl_filter *f)
{
	size_t i;

	for (i = 0; i < f->n_values; i++)
		if (strpbrk(f->values[i], "*?\\") != NULL)
			return false;
	return true;
}

void
ctl_fvals_add(struct ctl_fvals *fv, const char *value)
{
	if (fv->n < CTL_FVALS_MAX && value != NULL)
		fv->v[fv->n++] = value;
}

void
ctl_fvals_addf(struct ctl_fvals *fv, const char *fmt, ...)
{
	size_t	room = sizeof(fv->scratch) - fv->used;
	va_list	ap;
	int	n;

	if (fv->n >= CTL_FVALS_MAX || room == 0)
		return;
	va_start(ap, fmt);
	n = vsnprintf(fv->scratch + fv->used, room, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= room)
		return;	/* a value that does not fit matches nothing */
	fv->v[fv->n++] = fv->scratch + fv->used;
	fv->used += (size_t)n + 1;
}

static bool
filter_match(const struct ctl_filter *f,
    void (*get)(const void *, const struct ctl_filter *, struct ctl_fvals *),
    const void *res)
{
	struct ctl_fvals	fv;
	size_t			i, j;

	fv.n = fv.used = 0;
	get(res, f, &fv);
	for (i = 0; i < f->n_values; i++)
		for (j = 0; j < fv.n; j++)
			if (ctl_filter_glob(f->values[i], fv.v[j]))
				return true;
	return false;
}

bool
ctl_filters_match(const struct ctl_filters *f,
    void (*get)(const void *, const struct ctl_filter *, struct ctl_fvals *),
    const void *res)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (!filter_match(&f->v[i], get, res))
			return false;
	return true;
}

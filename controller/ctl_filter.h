/*
 * ctl_filter: EC2 filters (Filter.N.Name, Filter.N.Value.M).  The values
 * of one filter are ORed, filters are ANDed, values may use the * and ?
 * wildcards, and "tag:KEY", "tag-key" and "tag-value" look at tags.  A
 * resource hands its values for a filter name to a callback; this module
 * knows no resource.
 */
#ifndef CTL_FILTER_H
#define CTL_FILTER_H

#include <stdbool.h>
#include <stddef.h>

struct ctl_query;
struct mc_err;

#define CTL_FILTER_MAX		50	/* filters in one request */
#define CTL_FILTER_VALUES_MAX	200	/* values of one filter */
#define CTL_FVALS_MAX		64	/* values a resource gives per name */
#define CTL_FVALS_SCRATCH	1024	/* bytes for formatted values */

/* One filter name an action accepts, and what it means to that action. */
struct ctl_filter_def {
	const char	*name;		/* "tag:*" admits every "tag:KEY" */
	int		 field;		/* the action's own code for it */
};

struct ctl_filter {
	const char	 *name;		/* borrowed from the query */
	int		  field;	/* from the matching ctl_filter_def */
	const char	**values;	/* owned array of borrowed strings */
	size_t		  n_values;
};

struct ctl_filters {
	struct ctl_filter	*v;	/* owned */
	size_t			 n;
};

/* A resource's values for one filter name, filled by its callback. */
struct ctl_fvals {
	const char	*v[CTL_FVALS_MAX];	/* borrowed, or in scratch */
	size_t		 n;
	char		 scratch[CTL_FVALS_SCRATCH];
	size_t		 used;
};

/*
 * Parse the Filter.N keys of q (which must outlive ret) against the
 * n_defs names an action accepts.  Returns 0, or -1 with err set:
 * InvalidParameterValue for an unknown name, a filter without a name or
 * values, or too many.
 */
int	ctl_filters_parse(const struct ctl_query *q,
	    const struct ctl_filter_def *defs, size_t n_defs,
	    struct ctl_filters *ret, struct mc_err *err);

/* Free what ctl_filters_parse made. */
void	ctl_filters_clear(struct ctl_filters *f);

/*
 * True when res passes every filter.  get fills fv (empty at the call)
 * with res's values for filter f; a resource with no value for a filter
 * does not match it.
 */
bool	ctl_filters_match(const struct ctl_filters *f,
	    void (*get)(const void *res, const struct ctl_filter *f,
	    struct ctl_fvals *fv), const void *res);

/*
 * True when f's values have no wildcard nor escape, so that a value
 * matches f exactly when it equals one of them (for narrowing in SQL).
 */
bool	ctl_filter_exact(const struct ctl_filter *f);

/* Add a borrowed value to fv (ignored when fv is full). */
void	ctl_fvals_add(struct ctl_fvals *fv, const char *value);

/* Add a formatted value, kept in fv's scratch space. */
void	ctl_fvals_addf(struct ctl_fvals *fv, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* EC2 wildcard match: * any run, ? any one character (byte). */
bool	ctl_filter_glob(const char *pattern, const char *s);

#endif /* CTL_FILTER_H */

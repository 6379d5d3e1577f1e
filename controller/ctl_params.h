/*
 * ctl_params: what an action accepts.  Each action declares its keys as
 * patterns ("Filter.N.Value.N": N is a 1-based list index) with a type;
 * ctl_params_check refuses keys no pattern matches and values of the
 * wrong type, so handlers read typed values without re-checking them.
 */
#ifndef CTL_PARAMS_H
#define CTL_PARAMS_H

#include <stdbool.h>
#include <stddef.h>

#include "mc_err.h"
#include "mc_id.h"

struct ctl_query;

#define CTL_LIST_MAX	1000	/* largest .N index accepted */

enum ctl_ptype {
	CTL_P_STR,
	CTL_P_INT,		/* decimal, fits a long long */
	CTL_P_BOOL,		/* "true" or "false", any case */
};

struct ctl_pspec {
	const char	*pattern;
	enum ctl_ptype	 type;
};

/*
 * Check every key of q against specs.  Returns 0, or -1 with err set:
 * UnknownParameter for a key no pattern matches, InvalidParameterValue
 * for a value not of its pattern's type.
 */
int	ctl_params_check(const struct ctl_query *q,
	    const struct ctl_pspec *specs, size_t n_specs, struct mc_err *err);

/* True when key matches pattern ("Tag.N.Key" matches "Tag.3.Key"). */
bool	ctl_params_match(const char *pattern, const char *key);

/*
 * Read integer key into *ret when present, within [min, max].  Returns
 * 1 when present, 0 when absent (*ret untouched), -1 with err set
 * (InvalidParameterValue) when malformed or out of range.
 */
int	ctl_params_int(const struct ctl_query *q, const char *key,
	    long long min, long long max, long long *ret, struct mc_err *err);

/* Same for a boolean key. */
int	ctl_params_bool(const struct ctl_query *q, const char *key, bool *ret,
	    struct mc_err *err);

/*
 * The distinct list indices i for which a key "prefix.i" or
 * "prefix.i.<anything>" exists, ascending, at most max of them.  Returns
 * how many were written to ret.
 */
size_t	ctl_params_indices(const struct ctl_query *q, const char *prefix,
	    unsigned *ret, size_t max);

/*
 * The values of the scalar list prefix.N, in index order.  On success
 * *ret is a new array the caller frees (the strings stay borrowed from
 * q; NULL when the list is empty) and *ret_n its length.  Returns 0, or
 * -1 with err set.
 */
int	ctl_params_strlist(const struct ctl_query *q, const char *prefix,
	    const char ***ret, size_t *ret_n, struct mc_err *err);

/* True when the list names selects name: it is empty, or holds name. */
bool	ctl_params_selects(const char *const *names, size_t n,
	    const char *name);

/*
 * Check that known(ctx, name) holds for each of the n names.  When some
 * do not, returns -1 with err set to code and the message prefix
 * followed by the unknown names in brackets; else 0.
 */
int	ctl_params_all_known(const char *const *names, size_t n,
	    bool (*known)(const void *ctx, const char *name), const void *ctx,
	    enum mc_ec code, const char *prefix, struct mc_err *err);

/*
 * The same for ids, which must first be well formed ids of kind (else
 * that kind's ...Malformed error).
 */
int	ctl_params_ids_known(const char *const *ids, size_t n,
	    enum mc_id_kind kind, bool (*known)(const void *ctx,
	    const char *id), const void *ctx, enum mc_ec code,
	    const char *prefix, struct mc_err *err);

/*
 * The hex SHA-256 of every parameter of q but skip (a ClientToken):
 * "the same request" for idempotent actions.  hex holds 65 bytes.
 */
void	ctl_params_hash(const struct ctl_query *q, const char *skip,
	    char hex[65]);

#endif /* CTL_PARAMS_H */

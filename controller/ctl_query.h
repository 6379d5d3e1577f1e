/*
 * ctl_query: the parameters of an EC2 Query API request, decoded from
 * application/x-www-form-urlencoded text (a POST body or a URL's query
 * string) into a map sorted by key.  It checks encoding, UTF-8 and size
 * limits; it does not know which keys an action takes (see ctl_params).
 */
#ifndef CTL_QUERY_H
#define CTL_QUERY_H

#include <stddef.h>

struct mc_err;

#define CTL_QUERY_MAX_PARAMS	4096	/* pairs in one request */
#define CTL_QUERY_MAX_KEY	256	/* bytes in one decoded key */

struct ctl_param {
	char	*key;		/* decoded, owned */
	char	*value;		/* decoded, owned; "" when absent */
};

struct ctl_query {
	struct ctl_param	*v;	/* owned; sorted by key after finish */
	size_t			 n;
	size_t			 cap;
};

/* Set up an empty map the caller owns. */
void	ctl_query_init(struct ctl_query *q);

/* Free the contents; q may be reused after ctl_query_init. */
void	ctl_query_clear(struct ctl_query *q);

/*
 * Decode the len bytes of form-encoded text at s (borrowed; need not be
 * NUL-terminated) and add its pairs to q.  "+" is a space.  Returns 0, or
 * -1 with err set (InvalidParameterValue) on broken percent-encoding, a
 * NUL byte, text that is not UTF-8, an empty key or too many pairs; q
 * then holds the pairs added so far.
 */
int	ctl_query_add(struct ctl_query *q, const char *s, size_t len,
	    struct mc_err *err);

/*
 * Sort q by key so that lookups work.  Returns 0, or -1 with err set
 * (InvalidParameterValue) when a key was given more than once.
 */
int	ctl_query_finish(struct ctl_query *q, struct mc_err *err);

/* The value of key (borrowed from q), or NULL.  q must be finished. */
const char	*ctl_query_get(const struct ctl_query *q, const char *key);

/* Remove key from a finished q if present (it stays sorted). */
void	ctl_query_remove(struct ctl_query *q, const char *key);

#endif /* CTL_QUERY_H */

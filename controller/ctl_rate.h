/*
 * ctl_rate: per-account request rate limits (a token bucket each), the
 * reason behind RequestLimitExceeded.  Thread-safe; forgets accounts
 * that have been idle long enough to have a full bucket.
 */
#ifndef CTL_RATE_H
#define CTL_RATE_H

#include <stdbool.h>
#include <stdint.h>

struct ctl_rate;

/*
 * A new limiter allowing per_s requests a second with bursts of burst;
 * per_s 0 allows everything.  Returns NULL when out of memory.
 */
struct ctl_rate	*ctl_rate_new(double per_s, double burst);

/* Free r (NULL is fine). */
void	ctl_rate_free(struct ctl_rate *r);

/* Take one token for account (borrowed) at now_ms; false: over the limit. */
bool	ctl_rate_take(struct ctl_rate *r, const char *account, int64_t now_ms);

#endif /* CTL_RATE_H */

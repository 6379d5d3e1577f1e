/*
 * mc_log: one key=value line per event on stderr, written with a single
 * write(2) so lines from several threads never interleave:
 *   ts=... level=info msg="request" req=... k=v ...
 * Values substituted into the key format are quoted and escaped when they
 * need it; the phrase is constant so that grep finds it.
 */
#ifndef MC_LOG_H
#define MC_LOG_H

#include <stddef.h>

enum mc_log_level {
	MC_LOG_DEBUG,
	MC_LOG_INFO,
	MC_LOG_WARN,
	MC_LOG_ERROR,
	MC_LOG__MAX
};

/* Lines below level are dropped.  Call before threads start. */
void	mc_log_set_level(enum mc_log_level level);

/* Parse "debug", "info", "warn" or "error".  Returns 0, or -1. */
int	mc_log_level_parse(const char *s, enum mc_log_level *ret_level);

struct mc_err;

/*
 * A config-table check: 0 when s names a level, else -1 with err set
 * (InvalidParameterValue).
 */
int	mc_log_level_check(const char *s, struct mc_err *err);

/*
 * Set the request id that this thread's lines carry (copied; NULL or ""
 * clears it).  HTTP handlers set it for the duration of a request.
 */
void	mc_log_set_req(const char *req_id);

/*
 * Log msg with the keys in kvfmt ("action=%s status=%d"), which takes
 * printf conversions d i u x s c with h, l, ll, z length modifiers.
 * kvfmt may be NULL.  Never fails; a line that does not fit is cut.
 */
void	mc_log(enum mc_log_level level, const char *msg, const char *kvfmt,
	    ...) __attribute__((format(printf, 3, 4)));

/* Quote and escape value for a key=value line into buf (always NUL-ended). */
void	mc_log_quote(const char *value, char *buf, size_t bufsz);

#endif /* MC_LOG_H */

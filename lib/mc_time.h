/*
 * mc_time: the timestamp formats the EC2 API speaks.  ISO 8601 with
 * milliseconds for responses, and the compact "20261122T130652Z" form
 * of SigV4.  Pure functions of their arguments: the clock is read by the
 * caller, so tests can pin it.
 */
#ifndef MC_TIME_H
#define MC_TIME_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define MC_TIME_ISO_MAX	sizeof("2026-11-22T13:00:00.000Z")
#define MC_TIME_AMZ_MAX	sizeof("20261122T130652Z")

/* Current time in milliseconds since the epoch (CLOCK_REALTIME). */
int64_t	mc_time_now_ms(void);

/* Write ms as "2026-11-22T13:00:00.000Z" into buf (>= MC_TIME_ISO_MAX). */
void	mc_time_iso8601(int64_t ms, char *buf, size_t bufsz);

/*
 * Parse a SigV4 date "YYYYMMDDTHHMMSSZ" (borrowed) into seconds since the
 * epoch.  Returns 0, or -1 when s is not exactly that form or names a
 * date that does not exist.
 */
int	mc_time_parse_amz(const char *s, time_t *ret_t);

#endif /* MC_TIME_H */

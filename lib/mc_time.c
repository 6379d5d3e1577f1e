/*
 * mc_time: format and parse the timestamps of the EC2 API.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "mc_time.h"

int64_t
mc_time_now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
mc_time_iso8601(int64_t ms, char *buf, size_t bufsz)
{
	time_t		t = (time_t)(ms / 1000);
	struct tm	tm;

	(void)gmtime_r(&t, &tm);
	(void)snprintf(buf, bufsz, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (int)(ms % 1000));
}

/* Read n decimal digits at s.  Returns -1 if any is not a digit. */
static int
digits(const char *s, int n)
{
	int v = 0;

	while (n-- > 0) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s++ - '0');
	}
	return v;
}

int
mc_time_parse_amz(const char *s, time_t *ret_t)
{
	struct tm	tm, back;
	time_t		t;

	if (s == NULL || strlen(s) != MC_TIME_AMZ_MAX - 1 || s[8] != 'T' ||
	    s[15] != 'Z')
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = digits(s, 4) - 1900;
	tm.tm_mon = digits(s + 4, 2) - 1;
	tm.tm_mday = digits(s + 6, 2);
	tm.tm_hour = digits(s + 9, 2);
	tm.tm_min = digits(s + 11, 2);
	tm.tm_sec = digits(s + 13, 2);
	if (tm.tm_year < 70 || tm.tm_mon < 0 || tm.tm_mday < 1 ||
	    tm.tm_hour < 0 || tm.tm_min < 0 || tm.tm_sec < 0)
		return -1;
	back = tm;
	t = timegm(&tm);
	/* timegm normalises 31 Feb into March: refuse what it changed. */
	if (t == (time_t)-1 || tm.tm_mday != back.tm_mday ||
	    tm.tm_mon != back.tm_mon || tm.tm_hour != back.tm_hour ||
	    tm.tm_min != back.tm_min || tm.tm_sec != back.tm_sec)
		return -1;
	*ret_t = t;
	return 0;
}

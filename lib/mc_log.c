/*
 * mc_log: key=value log lines.  Formats the caller's key format one
 * conversion at a time so that each substituted value can be quoted.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mc_err.h"
#include "mc_log.h"

#define LINE_MAX_BYTES	4096	/* longer lines are cut */
#define VALUE_MAX	1024	/* one substituted value, before quoting */
#define REQ_ID_MAX	64

static enum mc_log_level min_level = MC_LOG_INFO;
static __thread char tl_req[REQ_ID_MAX];

static const char *const level_names[MC_LOG__MAX] = {
	[MC_LOG_DEBUG] = "debug",
	[MC_LOG_INFO] = "info",
	[MC_LOG_WARN] = "warn",
	[MC_LOG_ERROR] = "error",
};

void
mc_log_set_level(enum mc_log_level level)
{
	min_level = level;
}

int
mc_log_level_parse(const char *s, enum mc_log_level *ret_level)
{
	int	i;

	for (i = 0; i < MC_LOG__MAX; i++) {
		if (strcmp(s, level_names[i]) == 0) {
			*ret_level = (enum mc_log_level)i;
			return 0;
		}
	}
	return -1;
}

int
mc_log_level_check(const char *s, struct mc_err *err)
{
	enum mc_log_level l;

	if (mc_log_level_parse(s, &l) < 0)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "'%.64s' is not debug, info, warn or error", s);
	return 0;
}

void
mc_log_set_req(const char *req_id)
{
	(void)snprintf(tl_req, sizeof(tl_req), "%s",
	    req_id != NULL ? req_id : "");
}

static bool
needs_quotes(const char *s)
{
	if (*s == '\0')
		return true;
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c <= ' ' || c == '"' || c == '=' || c == '\\' || c == 0x7f)
			return true;
	}
	return false;
}

void
mc_log_quote(const char *value, char *buf, size_t bufsz)
{
	size_t	 o = 0;
	const unsigned char *s = (const unsigned char *)value;
	char	 esc[8];

	if (bufsz == 0)
		return;
	if (!needs_quotes(value)) {
		(void)snprintf(buf, bufsz, "%s", value);
		return;
	}
	/* Leave room for the closing quote and the NUL at every step. */
	if (o + 2 < bufsz)
		buf[o++] = '"';
	for (; *s != '\0'; s++) {
		size_t n;

		if (*s == '"' || *s == '\\')
			n = (size_t)snprintf(esc, sizeof(esc), "\\%c", *s);
		else if (*s == '\n')
			n = (size_t)snprintf(esc, sizeof(esc), "\\n");
		else if (*s < ' ' || *s == 0x7f)
			n = (size_t)snprintf(esc, sizeof(esc), "\\x%02x", *s);
		else
			n = (size_t)snprintf(esc, sizeof(esc), "%c", *s);
		if (o + n + 2 > bufsz)
			break;
		memcpy(buf + o, esc, n);
		o += n;
	}
	buf[o++] = '"';
	buf[o] = '\0';
}

/*
 * Format the single conversion spec[0..speclen) with the next argument
 * into out.  Returns false for a conversion we do not support.
 */
static bool
format_one(const char *spec, size_t speclen, va_list *ap, char *out,
    size_t outsz)
{
	char	 f[32];
	char	 conv = spec[speclen - 1];
	bool	 ll = false, l = false, z = false;
	size_t	 i;

	if (speclen >= sizeof(f))
		return false;
	memcpy(f, spec, speclen);
	f[speclen] = '\0';
	for (i = 1; i + 1 < speclen; i++) {
		if (spec[i] == 'l')
			ll = l, l = true;
		else if (spec[i] == 'z')
			z = true;
	}
	switch (conv) {
	case 'd': case 'i':
		if (ll)
			(void)snprintf(out, outsz, f, va_arg(*ap, long long));
		else if (l)
			(void)snprintf(out, outsz, f, va_arg(*ap, long));
		else if (z)
			(void)snprintf(out, outsz, f, va_arg(*ap, ssize_t));
		else
			(void)snprintf(out, outsz, f, va_arg(*ap, int));
		return true;
	case 'u': case 'x':
		if (ll)
			(void)snprintf(out, outsz, f,
			    va_arg(*ap, unsigned long long));
		else if (l)
			(void)snprintf(out, outsz, f, va_arg(*ap, unsigned long));
		else if (z)
			(void)snprintf(out, outsz, f, va_arg(*ap, size_t));
		else
			(void)snprintf(out, outsz, f, va_arg(*ap, unsigned));
		return true;
	case 'c':
		(void)snprintf(out, outsz, f, va_arg(*ap, int));
		return true;
	case 's': {
		const char *s = va_arg(*ap, const char *);

		(void)snprintf(out, outsz, f, s != NULL ? s : "(null)");
		return true;
	}
	default:
		return false;
	}
}

/* Append the caller's keys, quoting each substituted value. */
static size_t
append_keys(char *line, size_t o, const char *kvfmt, va_list *ap)
{
	char	 val[VALUE_MAX], quoted[VALUE_MAX * 2];
	size_t	 n;

	while (*kvfmt != '\0' && o + 1 < LINE_MAX_BYTES) {
		if (*kvfmt != '%' || kvfmt[1] == '%') {
			line[o++] = *kvfmt;
			kvfmt += (*kvfmt == '%') ? 2 : 1;
			continue;
		}
		n = 1 + strspn(kvfmt + 1, "-+ #0123456789.hlz");
		if (kvfmt[n] == '\0' ||
		    !format_one(kvfmt, n + 1, ap, val, sizeof(val)))
			break;	/* our bug: the format attribute should catch it */
		mc_log_quote(val, quoted, sizeof(quoted));
		o += (size_t)snprintf(line + o, LINE_MAX_BYTES - o, "%s",
		    quoted);
		if (o >= LINE_MAX_BYTES)
			o = LINE_MAX_BYTES - 1;
		kvfmt += n + 1;
	}
	return o;
}

void
mc_log(enum mc_log_level level, const char *msg, const char *kvfmt, ...)
{
	char		 line[LINE_MAX_BYTES + 1];
	char		 qmsg[512];
	struct timespec	 ts;
	struct tm	 tm;
	size_t		 o;
	va_list		 ap;

	if (level < min_level || level >= MC_LOG__MAX)
		return;
	(void)clock_gettime(CLOCK_REALTIME, &ts);
	(void)gmtime_r(&ts.tv_sec, &tm);
	mc_log_quote(msg, qmsg, sizeof(qmsg));
	o = strftime(line, sizeof(line), "ts=%Y-%m-%dT%H:%M:%S", &tm);
	o += (size_t)snprintf(line + o, LINE_MAX_BYTES - o,
	    ".%03ldZ level=%s msg=%s", ts.tv_nsec / 1000000L,
	    level_names[level], qmsg);
	if (tl_req[0] != '\0' && o < LINE_MAX_BYTES)
		o += (size_t)snprintf(line + o, LINE_MAX_BYTES - o, " req=%s",
		    tl_req);
	if (o >= LINE_MAX_BYTES)
		o = LINE_MAX_BYTES - 1;
	if (kvfmt != NULL && *kvfmt != '\0' && o + 2 < LINE_MAX_BYTES) {
		line[o++] = ' ';
		va_start(ap, kvfmt);
		o = append_keys(line, o, kvfmt, &ap);
		va_end(ap);
	}
	line[o++] = '\n';
	/* One write per line: concurrent lines stay whole. */
	(void)!write(STDERR_FILENO, line, o);
}

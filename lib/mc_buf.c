/*
 * mc_buf: growable, NUL-terminated byte buffer with a sticky failure
 * flag and an optional size limit.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_buf.h"

#define MIN_CAP	64

void
mc_buf_init(struct mc_buf *b, size_t limit)
{
	memset(b, 0, sizeof(*b));
	b->limit = limit;
}

void
mc_buf_clear(struct mc_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
	b->failed = false;
}

void
mc_buf_reset(struct mc_buf *b)
{
	b->len = 0;
	b->failed = false;
	if (b->data != NULL)
		b->data[0] = '\0';
}

/* Make room for n more bytes plus the NUL.  Returns false on failure. */
static bool
buf_reserve(struct mc_buf *b, size_t n)
{
	size_t	 want, cap;
	char	*p;

	if (b->failed)
		return false;
	if (n > SIZE_MAX / 2 - b->len ||
	    (b->limit != 0 && b->len + n > b->limit)) {
		b->failed = true;
		return false;
	}
	want = b->len + n + 1;
	if (want <= b->cap)
		return true;
	cap = b->cap < MIN_CAP ? MIN_CAP : b->cap;
	while (cap < want)
		cap *= 2;
	if ((p = realloc(b->data, cap)) == NULL) {
		b->failed = true;
		return false;
	}
	b->data = p;
	b->cap = cap;
	return true;
}

void
mc_buf_add(struct mc_buf *b, const void *p, size_t n)
{
	if (!buf_reserve(b, n))
		return;
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
mc_buf_adds(struct mc_buf *b, const char *s)
{
	mc_buf_add(b, s, strlen(s));
}

void
mc_buf_addc(struct mc_buf *b, char c)
{
	/* The common case, room already there, without the general path. */
	if (!b->failed && b->len + 2 <= b->cap &&
	    (b->limit == 0 || b->len < b->limit)) {
		b->data[b->len++] = c;
		b->data[b->len] = '\0';
		return;
	}
	mc_buf_add(b, &c, 1);
}

void
mc_buf_addf(struct mc_buf *b, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = true;
		return;
	}
	if (!buf_reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	(void)vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

char *
mc_buf_steal(struct mc_buf *b, size_t *ret_len)
{
	char	*p;
	size_t	 len = b->len;

	if (b->failed) {
		mc_buf_clear(b);
		return NULL;
	}
	p = b->data != NULL ? b->data : strdup("");
	b->data = NULL;
	b->len = b->cap = 0;
	if (p != NULL && ret_len != NULL)
		*ret_len = len;
	return p;
}

/*
 * ctl_xml: write well-formed XML for EC2 responses.
 */
#include <stdio.h>
#include <string.h>

#include "mc_time.h"
#include "mc_utf8.h"
#include "ctl_xml.h"

#define REPLACEMENT	"\xef\xbf\xbd"	/* U+FFFD in UTF-8 */

void
ctl_xml_init(struct ctl_xml *x, size_t limit)
{
	memset(x, 0, sizeof(*x));
	mc_buf_init(&x->buf, limit);
}

void
ctl_xml_clear(struct ctl_xml *x)
{
	mc_buf_clear(&x->buf);
	x->depth = 0;
	x->failed = false;
}

void
ctl_xml_prolog(struct ctl_xml *x)
{
	mc_buf_adds(&x->buf, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
}

/* XML 1.0 Char production, minus what we choose to replace. */
static bool
xml_char_ok(uint32_t cp)
{
	if (cp < 0x20)
		return cp == '\t' || cp == '\n' || cp == '\r';
	if (cp == 0x7f || cp == 0xfffe || cp == 0xffff)
		return false;
	return true;
}

/* ASCII bytes that go out as they are: printable, not markup. */
static bool
plain_byte(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '&' && c != '<' && c != '>' &&
	    c != '"' && c != '\'';
}

void
ctl_xml_escape(struct mc_buf *b, const char *text)
{
	const unsigned char	*s = (const unsigned char *)text;
	size_t			 left = strlen(text), n;
	uint32_t		 cp;

	while (left > 0) {
		/* Most text is plain ASCII: copy each run in one go. */
		for (n = 0; n < left && plain_byte(s[n]); n++)
			;
		if (n > 0) {
			mc_buf_add(b, s, n);
			s += n;
			left -= n;
			continue;
		}
		n = mc_utf8_next(s, left, &cp);
		if (n == 0 || !xml_char_ok(cp)) {
			mc_buf_adds(b, REPLACEMENT);
			n = n == 0 ? 1 : n;	/* skip one bad byte */
		} else if (cp == '&') {
			mc_buf_adds(b, "&amp;");
		} else if (cp == '<') {
			mc_buf_adds(b, "&lt;");
		} else if (cp == '>') {
			mc_buf_adds(b, "&gt;");
		} else if (cp == '"') {
			mc_buf_adds(b, "&quot;");
		} else if (cp == '\'') {
			mc_buf_adds(b, "&apos;");
		} else if (cp == '\r') {
			/* A parser would turn a raw CR into LF. */
			mc_buf_adds(b, "&#13;");
		} else {
			mc_buf_add(b, s, n);
		}
		s += n;
		left -= n;
	}
}

void
ctl_xml_open_ns(struct ctl_xml *x, const char *name, const char *xmlns)
{
	if (x->depth >= CTL_XML_DEPTH) {
		x->failed = true;
		return;
	}
	x->open[x->depth++] = name;
	mc_buf_addc(&x->buf, '<');
	mc_buf_adds(&x->buf, name);
	if (xmlns != NULL) {
		mc_buf_adds(&x->buf, " xmlns=\"");
		ctl_xml_escape(&x->buf, xmlns);
		mc_buf_addc(&x->buf, '"');
	}
	mc_buf_addc(&x->buf, '>');
}

void
ctl_xml_open(struct ctl_xml *x, const char *name)
{
	ctl_xml_open_ns(x, name, NULL);
}

void
ctl_xml_close(struct ctl_xml *x)
{
	if (x->depth == 0) {
		x->failed = true;
		return;
	}
	x->depth--;
	mc_buf_adds(&x->buf, "</");
	mc_buf_adds(&x->buf, x->open[x->depth]);
	mc_buf_addc(&x->buf, '>');
}

void
ctl_xml_str(struct ctl_xml *x, const char *name, const char *text)
{
	if (text == NULL)
		return;
	mc_buf_addc(&x->buf, '<');
	mc_buf_adds(&x->buf, name);
	mc_buf_addc(&x->buf, '>');
	ctl_xml_escape(&x->buf, text);
	mc_buf_adds(&x->buf, "</");
	mc_buf_adds(&x->buf, name);
	mc_buf_addc(&x->buf, '>');
}

void
ctl_xml_int(struct ctl_xml *x, const char *name, long long v)
{
	char num[24];

	(void)snprintf(num, sizeof(num), "%lld", v);
	ctl_xml_str(x, name, num);
}

void
ctl_xml_bool(struct ctl_xml *x, const char *name, bool v)
{
	ctl_xml_str(x, name, v ? "true" : "false");
}

void
ctl_xml_time(struct ctl_xml *x, const char *name, int64_t ms)
{
	char ts[MC_TIME_ISO_MAX];

	mc_time_iso8601(ms, ts, sizeof(ts));
	ctl_xml_str(x, name, ts);
}

void
ctl_xml_value(struct ctl_xml *x, const char *name, const char *text)
{
	ctl_xml_open(x, name);
	ctl_xml_str(x, "value", text);
	ctl_xml_close(x);
}

void
ctl_xml_empty(struct ctl_xml *x, const char *name)
{
	mc_buf_addc(&x->buf, '<');
	mc_buf_adds(&x->buf, name);
	mc_buf_adds(&x->buf, "/>");
}

char *
ctl_xml_steal(struct ctl_xml *x, size_t *ret_len)
{
	if (x->failed || x->depth != 0) {
		ctl_xml_clear(x);
		return NULL;
	}
	return mc_buf_steal(&x->buf, ret_len);
}

/*
 * ctl_page: parse and make paging tokens, and walk a listing one page at
 * a time.  A token is "mc1." and the hex of the last key returned:
 * opaque enough, and checkable.
 */
#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "mc_err.h"
#include "mc_hex.h"
#include "ctl_page.h"
#include "ctl_params.h"
#include "ctl_query.h"
#include "ctl_xml.h"

#define TOKEN_PREFIX	"mc1."

/* Decode token into key (CTL_PAGE_KEY_MAX + 1 bytes).  Returns 0 or -1. */
static int
token_decode(const char *token, char *key)
{
	size_t	plen = strlen(TOKEN_PREFIX), n, i;
	int	hi, lo;

	if (strncmp(token, TOKEN_PREFIX, plen) != 0)
		return -1;
	token += plen;
	n = strlen(token);
	if (n == 0 || n % 2 != 0 || n / 2 > CTL_PAGE_KEY_MAX)
		return -1;
	for (i = 0; i < n / 2; i++) {
		hi = mc_hex_value(token[2 * i]);
		lo = mc_hex_value(token[2 * i + 1]);
		/* Keys are printable ASCII: anything else is forged. */
		if (hi < 0 || lo < 0 || (hi << 4 | lo) < 0x21 ||
		    (hi << 4 | lo) > 0x7e)
			return -1;
		key[i] = (char)(hi << 4 | lo);
	}
	key[n / 2] = '\0';
	return 0;
}

int
ctl_page_parse(const struct ctl_query *q, const struct ctl_page_rules *rules,
    bool has_ids, struct ctl_page *ret, struct mc_err *err)
{
	struct ctl_page	 p;
	long long	 max = rules->def;
	const char	*token = ctl_query_get(q, "NextToken");
	int		 given;

	memset(&p, 0, sizeof(p));
	given = ctl_params_int(q, "MaxResults", rules->min, rules->max, &max,
	    err);
	if (given < 0)
		return -1;
	if (given > 0 && has_ids)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_COMBINATION,
		    "The parameter MaxResults cannot be used with the "
		    "parameter naming resources explicitly");
	p.max = (size_t)max;
	if (token != NULL && token[0] != '\0') {
		if (token_decode(token, p.after) < 0)
			return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
			    "The NextToken value is invalid");
		p.has_after = true;
	}
	*ret = p;
	return 0;
}

bool
ctl_page_after(const struct ctl_page *p, const char *key)
{
	return !p->has_after || strcmp(key, p->after) > 0;
}

void
ctl_page_token(const char *key, char *buf, size_t bufsz)
{
	size_t	o, i;

	o = (size_t)snprintf(buf, bufsz, "%s", TOKEN_PREFIX);
	for (i = 0; key[i] != '\0' && i < CTL_PAGE_KEY_MAX &&
	    o + 3 <= bufsz; i++)
		o += (size_t)snprintf(buf + o, bufsz - o, "%02x",
		    (unsigned char)key[i]);
}

int
ctl_page_walk(const struct ctl_page *page, const char *set_name, size_t n,
    const char *(*key)(const void *, size_t),
    int (*show)(void *, size_t, struct ctl_xml *, struct mc_err *),
    void *ctx, struct ctl_xml *out, struct mc_err *err)
{
	char	token[CTL_PAGE_TOKEN_MAX] = "";
	size_t	i, shown = 0;
	int	rc = 0;

	assert(page->max > 0);		/* ctl_page_parse's rules say so */
	ctl_xml_open(out, set_name);
	for (i = 0; i < n && token[0] == '\0'; i++) {
		if (!ctl_page_after(page, key(ctx, i)))
			continue;
		if ((rc = show(ctx, i, shown < page->max ? out : NULL,
		    err)) < 0)
			break;
		/* One more than fits: the next page starts here. */
		if (rc == 1 && shown++ == page->max)
			ctl_page_token(key(ctx, i - 1), token, sizeof(token));
	}
	ctl_xml_close(out);
	if (token[0] != '\0')
		ctl_xml_str(out, "nextToken", token);
	return rc < 0 ? -1 : 0;
}

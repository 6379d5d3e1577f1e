/*
 * ctl_page: MaxResults / NextToken paging for Describe actions.  A
 * listing is sorted by a unique key (an ID or a name); the token names
 * the last key already returned, so paging stays right while resources
 * come and go between pages.  The token is opaque to clients.
 */
#ifndef CTL_PAGE_H
#define CTL_PAGE_H

#include <stdbool.h>
#include <stddef.h>

struct ctl_query;
struct ctl_xml;
struct mc_err;

#define CTL_PAGE_KEY_MAX	128	/* bytes of a listing key */
#define CTL_PAGE_TOKEN_MAX	(4 + 2 * CTL_PAGE_KEY_MAX + 1)

struct ctl_page {
	size_t	max;			/* items on this page */
	bool	has_after;		/* a NextToken was given */
	char	after[CTL_PAGE_KEY_MAX + 1]; /* return keys after this */
};

/* Paging rules of one action. */
struct ctl_page_rules {
	long long	min, max;	/* bounds of MaxResults */
	long long	def;		/* page size without MaxResults */
};

/*
 * Read MaxResults and NextToken from q.  has_ids tells whether the
 * request names resources explicitly, which EC2 does not combine with
 * MaxResults.  Returns 0, or -1 with err set: InvalidParameterValue for
 * a bad size or token, InvalidParameterCombination with explicit IDs.
 */
int	ctl_page_parse(const struct ctl_query *q,
	    const struct ctl_page_rules *rules, bool has_ids,
	    struct ctl_page *ret, struct mc_err *err);

/* True when key (of the listing's order) belongs after the page start. */
bool	ctl_page_after(const struct ctl_page *p, const char *key);

/* Write the token that continues after key into buf (CTL_PAGE_TOKEN_MAX). */
void	ctl_page_token(const char *key, char *buf, size_t bufsz);

/*
 * One page of a listing of n items sorted by key(ctx, i), written as
 * the list element set_name, then <nextToken> when more follow.  Each
 * item after the page start goes to show(ctx, i, out, err), which
 * returns 1 when the item is selected and passes the filters (and then
 * writes it to out, unless out is NULL: the page is full), 0 when it
 * does not, -1 with err set.  Returns 0 or -1.
 */
int	ctl_page_walk(const struct ctl_page *page, const char *set_name,
	    size_t n, const char *(*key)(const void *ctx, size_t i),
	    int (*show)(void *ctx, size_t i, struct ctl_xml *out,
	    struct mc_err *err), void *ctx, struct ctl_xml *out,
	    struct mc_err *err);

#endif /* CTL_PAGE_H */

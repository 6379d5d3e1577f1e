/*
 * mc_ipv4: strict parsing and formatting of IPv4 addresses and CIDR
 * blocks.  Strict because what a client writes ends up in routes and
 * firewall rules: "010.1.1.1" or "10.1.1" mean different things to
 * different parsers, so they are refused.
 */
#include <stdio.h>
#include <string.h>

#include "mc_ipv4.h"

/* One decimal part 0..max at *s; advances *s.  No sign, no leading 0. */
static bool
decimal(const char **s, unsigned max, unsigned *ret)
{
	const char	*p = *s;
	unsigned	 v = 0;
	size_t		 n = 0;

	while (*p >= '0' && *p <= '9') {
		if (n > 0 && v == 0)
			return false;	/* a leading zero */
		v = v * 10 + (unsigned)(*p - '0');
		if (v > max || ++n > 3)
			return false;
		p++;
	}
	if (n == 0)
		return false;
	*s = p;
	*ret = v;
	return true;
}

/* Parse a dotted quad at *s, leaving *s after it. */
static bool
quad(const char **s, uint32_t *ret)
{
	uint32_t	a = 0;
	unsigned	part, i;

	for (i = 0; i < 4; i++) {
		if (i > 0 && *(*s)++ != '.')
			return false;
		if (!decimal(s, 255, &part))
			return false;
		a = a << 8 | part;
	}
	*ret = a;
	return true;
}

bool
mc_ipv4_parse(const char *s, uint32_t *ret)
{
	uint32_t a;

	if (s == NULL || !quad(&s, &a) || *s != '\0')
		return false;
	*ret = a;
	return true;
}

char *
mc_ipv4_str(uint32_t a, char *buf)
{
	(void)snprintf(buf, MC_IPV4_STR_MAX, "%u.%u.%u.%u", a >> 24,
	    a >> 16 & 0xff, a >> 8 & 0xff, a & 0xff);
	return buf;
}

uint32_t
mc_cidr_mask(unsigned prefix)
{
	return prefix == 0 ? 0 : 0xffffffffu << (32 - prefix);
}

/* "a.b.c.d/n" into *ret; host bits are an error unless mask is set. */
static bool
cidr_parse(const char *s, bool mask, struct mc_cidr *ret)
{
	uint32_t	a;
	unsigned	prefix;

	if (s == NULL || !quad(&s, &a) || *s++ != '/' ||
	    !decimal(&s, 32, &prefix) || *s != '\0')
		return false;
	if (!mask && (a & ~mc_cidr_mask(prefix)) != 0)
		return false;
	ret->net = a & mc_cidr_mask(prefix);
	ret->prefix = prefix;
	return true;
}

bool
mc_cidr_parse(const char *s, struct mc_cidr *ret)
{
	return cidr_parse(s, false, ret);
}

bool
mc_cidr_parse_masked(const char *s, struct mc_cidr *ret)
{
	return cidr_parse(s, true, ret);
}

char *
mc_cidr_str(const struct mc_cidr *c, char *buf)
{
	char a[MC_IPV4_STR_MAX];

	(void)snprintf(buf, MC_CIDR_STR_MAX, "%s/%u", mc_ipv4_str(c->net, a),
	    c->prefix);
	return buf;
}

uint64_t
mc_cidr_size(const struct mc_cidr *c)
{
	return 1ULL << (32 - c->prefix);
}

uint32_t
mc_cidr_last(const struct mc_cidr *c)
{
	return c->net | ~mc_cidr_mask(c->prefix);
}

bool
mc_cidr_has(const struct mc_cidr *c, uint32_t a)
{
	return (a & mc_cidr_mask(c->prefix)) == c->net;
}

bool
mc_cidr_within(const struct mc_cidr *outer, const struct mc_cidr *inner)
{
	return inner->prefix >= outer->prefix && mc_cidr_has(outer, inner->net);
}

bool
mc_cidr_overlap(const struct mc_cidr *a, const struct mc_cidr *b)
{
	return mc_cidr_within(a, b) || mc_cidr_within(b, a);
}

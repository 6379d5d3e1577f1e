/*
 * mc_ipv4: IPv4 addresses and CIDR blocks as the API and the agents'
 * protocol write them ("10.0.1.5", "10.0.0.0/16").  Addresses are
 * uint32_t in host byte order, so that ranges are arithmetic.
 */
#ifndef MC_IPV4_H
#define MC_IPV4_H

#include <stdbool.h>
#include <stdint.h>

#define MC_IPV4_STR_MAX		16	/* "255.255.255.255" and NUL */
#define MC_CIDR_STR_MAX		19	/* and "/32" */

struct mc_cidr {
	uint32_t	net;		/* host bits are zero */
	unsigned	prefix;		/* 0..32 */
};

/* Parse a dotted quad (exactly four decimal parts, no leading zeros). */
bool	mc_ipv4_parse(const char *s, uint32_t *ret);

/* Write a into buf (MC_IPV4_STR_MAX bytes). Returns buf. */
char	*mc_ipv4_str(uint32_t a, char *buf);

/*
 * Parse "a.b.c.d/n".  A block with host bits set is refused, as EC2
 * refuses it.
 */
bool	mc_cidr_parse(const char *s, struct mc_cidr *ret);

/* Same, but the block holding an address: "10.0.0.5/8" is 10.0.0.0/8. */
bool	mc_cidr_parse_masked(const char *s, struct mc_cidr *ret);

/* Write c into buf (MC_CIDR_STR_MAX bytes). Returns buf. */
char	*mc_cidr_str(const struct mc_cidr *c, char *buf);

/* The netmask of a prefix length, e.g. 24 -> 0xffffff00. */
uint32_t	mc_cidr_mask(unsigned prefix);

/* The number of addresses in c (2^(32-prefix)). */
uint64_t	mc_cidr_size(const struct mc_cidr *c);

/* The last address of c. */
uint32_t	mc_cidr_last(const struct mc_cidr *c);

bool	mc_cidr_has(const struct mc_cidr *c, uint32_t a);

/* inner lies wholly inside outer. */
bool	mc_cidr_within(const struct mc_cidr *outer,
	    const struct mc_cidr *inner);

bool	mc_cidr_overlap(const struct mc_cidr *a, const struct mc_cidr *b);

#endif /* MC_IPV4_H */

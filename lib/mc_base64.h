/*
 * mc_base64: standard base64 (RFC 4648, with padding), both ways.  The
 * EC2 API carries UserData and console output in it.
 */
#ifndef MC_BASE64_H
#define MC_BASE64_H

#include <stddef.h>

struct mc_err;

/*
 * Encode n bytes at p.  Returns a new NUL-terminated string the caller
 * frees, or NULL when out of memory.
 */
char	*mc_base64_encode(const void *p, size_t n);

/*
 * Decode the NUL-terminated text s (whitespace is skipped, padding
 * optional).  On success *ret is a new buffer of *ret_n bytes (plus a
 * NUL) the caller frees.  Returns 0, or -1 with err set
 * (InvalidParameterValue) for a character outside the alphabet or a
 * length that cannot be base64.
 */
int	mc_base64_decode(const char *s, unsigned char **ret, size_t *ret_n,
	    struct mc_err *err);

#endif /* MC_BASE64_H */

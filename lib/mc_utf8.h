/*
 * mc_utf8: strict UTF-8 decoding (no overlongs, no surrogates, nothing
 * above U+10FFFF), for checking client text at the API boundary and for
 * writing only well-formed XML.
 */
#ifndef MC_UTF8_H
#define MC_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Decode the code point at s (len > 0 bytes available).  Returns its
 * length in bytes (1-4) and sets *ret_cp, or 0 when the bytes there are
 * not well-formed UTF-8 (*ret_cp untouched).
 */
size_t	mc_utf8_next(const unsigned char *s, size_t len, uint32_t *ret_cp);

/* True when the n bytes at s are well-formed UTF-8. */
bool	mc_utf8_valid(const char *s, size_t n);

#endif /* MC_UTF8_H */

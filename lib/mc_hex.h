/*
 * mc_hex: hexadecimal digits, both ways.
 */
#ifndef MC_HEX_H
#define MC_HEX_H

#include <stddef.h>

/* The value of hex digit c (either case), or -1. */
int	mc_hex_value(char c);

/* Write the n bytes at p as 2n lower-case hex digits and a NUL to out. */
void	mc_hex_encode(const void *p, size_t n, char *out);

#endif /* MC_HEX_H */

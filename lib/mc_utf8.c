/*
 * mc_utf8: decode UTF-8 one code point at a time, refusing every
 * ill-formed sequence of RFC 3629.
 */
#include "mc_utf8.h"

size_t
mc_utf8_next(const unsigned char *s, size_t len, uint32_t *ret_cp)
{
	uint32_t	cp, min;
	size_t		n, i;

	if (len == 0)
		return 0;
	if (s[0] < 0x80) {
		*ret_cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0)
		n = 2, cp = s[0] & 0x1f, min = 0x80;
	else if ((s[0] & 0xf0) == 0xe0)
		n = 3, cp = s[0] & 0x0f, min = 0x800;
	else if ((s[0] & 0xf8) == 0xf0)
		n = 4, cp = s[0] & 0x07, min = 0x10000;
	else
		return 0;
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, UTF-16 surrogates and beyond Unicode are errors. */
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	*ret_cp = cp;
	return n;
}

bool
mc_utf8_valid(const char *s, size_t n)
{
	const unsigned char	*p = (const unsigned char *)s;
	uint32_t		 cp;
	size_t			 k;

	while (n > 0) {
		if ((k = mc_utf8_next(p, n, &cp)) == 0)
			return false;
		p += k;
		n -= k;
	}
	return true;
}

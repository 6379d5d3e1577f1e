/*
 * mc_base64: base64 with the standard alphabet.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mc_base64.h"
#include "mc_err.h"

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *
mc_base64_encode(const void *p, size_t n)
{
	const unsigned char	*b = p;
	char			*out, *o;
	size_t			 i;
	unsigned		 v;

	if (n > (SIZE_MAX - 1) / 4 * 3 || (out = malloc((n + 2) / 3 * 4 + 1)) ==
	    NULL)
		return NULL;
	o = out;
	for (i = 0; i + 2 < n; i += 3) {
		v = (unsigned)b[i] << 16 | (unsigned)b[i + 1] << 8 | b[i + 2];
		*o++ = alphabet[v >> 18];
		*o++ = alphabet[(v >> 12) & 63];
		*o++ = alphabet[(v >> 6) & 63];
		*o++ = alphabet[v & 63];
	}
	if (i < n) {
		v = (unsigned)b[i] << 16 | (i + 1 < n ? (unsigned)b[i + 1] << 8 : 0);
		*o++ = alphabet[v >> 18];
		*o++ = alphabet[(v >> 12) & 63];
		*o++ = i + 1 < n ? alphabet[(v >> 6) & 63] : '=';
		*o++ = '=';
	}
	*o = '\0';
	return out;
}

static int
value_of(char c)
{
	const char *p;

	if (c == '\0' || (p = strchr(alphabet, c)) == NULL)
		return -1;
	return (int)(p - alphabet);
}

int
mc_base64_decode(const char *s, unsigned char **ret, size_t *ret_n,
    struct mc_err *err)
{
	unsigned char	*out;
	size_t		 o = 0, pad = 0, k = 0;
	unsigned	 acc = 0;
	int		 v;

	if ((out = malloc(strlen(s) / 4 * 3 + 4)) == NULL)
		return mc_err_sys(err, ENOMEM, "out of memory");
	for (; *s != '\0'; s++) {
		if (strchr(" \t\r\n", *s) != NULL)
			continue;
		if (*s == '=') {
			pad++;
			continue;
		}
		if (pad > 0 || (v = value_of(*s)) < 0) {
			free(out);
			return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
			    "Invalid BASE64 encoding");
		}
		acc = acc << 6 | (unsigned)v;
		if (++k % 4 == 0) {
			out[o++] = (unsigned char)(acc >> 16);
			out[o++] = (unsigned char)(acc >> 8);
			out[o++] = (unsigned char)acc;
			acc = 0;
		}
	}
	/* 2 or 3 leftover characters carry 1 or 2 bytes; 1 cannot be. */
	if (k % 4 == 1 || pad > 2) {
		free(out);
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "Invalid BASE64 encoding");
	}
	if (k % 4 == 2)
		out[o++] = (unsigned char)(acc >> 4);
	if (k % 4 == 3) {
		out[o++] = (unsigned char)(acc >> 10);
		out[o++] = (unsigned char)(acc >> 2);
	}
	out[o] = '\0';
	*ret = out;
	*ret_n = o;
	return 0;
}

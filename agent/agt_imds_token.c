/*
 * agt_imds_token: IMDSv2 session tokens without server state.  A token
 * carries its expiry and an HMAC-SHA256, keyed with the agent's secret,
 * over the expiry and the instance id: it is only good for the instance
 * it was made for, and stays good across an agent restart with the
 * same secret.  Nothing is stored, so nothing can fill up.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "mc_base64.h"
#include "mc_cleanup.h"
#include "agt_imds_priv.h"

#define TOKEN_VERSION	1
#define MAC_LEN		32
#define RAW_LEN		(1 + 8 + MAC_LEN)	/* version, expiry, mac */
#define ID_MAX		64
#define B64_CHARS	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" \
			"0123456789+/="
/* Sets the MAC apart from any other use the secret might get one day. */
#define MAC_CONTEXT	"minicloud imds token"

/* The MAC of version and expiry (raw[0..9)) for id into mac. */
static int
token_mac(const unsigned char key[32], const char *id,
    const unsigned char *head, unsigned char mac[MAC_LEN])
{
	unsigned char	msg[sizeof(MAC_CONTEXT) + 9 + ID_MAX];
	size_t		idlen = strlen(id), n = 0;
	unsigned	maclen = 0;

	if (idlen > ID_MAX)
		return -1;
	memcpy(msg, MAC_CONTEXT, sizeof(MAC_CONTEXT));	/* with its NUL */
	n += sizeof(MAC_CONTEXT);
	memcpy(msg + n, head, 9);
	n += 9;
	memcpy(msg + n, id, idlen);
	n += idlen;
	if (HMAC(EVP_sha256(), key, 32, msg, n, mac, &maclen) == NULL ||
	    maclen != MAC_LEN)
		return -1;
	return 0;
}

static void
put_be64(unsigned char *p, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)v;
}

static uint64_t
get_be64(const unsigned char *p)
{
	uint64_t	v = 0;
	int		i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

int
agt_imds_token_make(const unsigned char key[32], const char *id,
    int64_t expires_ms, char *buf, size_t bufsz)
{
	unsigned char		raw[RAW_LEN];
	MC_AUTOFREE char	*s = NULL;

	raw[0] = TOKEN_VERSION;
	put_be64(raw + 1, (uint64_t)expires_ms);
	if (token_mac(key, id, raw, raw + 9) < 0 ||
	    (s = mc_base64_encode(raw, sizeof(raw))) == NULL ||
	    strlen(s) >= bufsz)
		return -1;
	memcpy(buf, s, strlen(s) + 1);
	return 0;
}

/* Decode token into raw; -1 unless it is exactly RAW_LEN bytes of base64. */
static int
token_decode(const char *token, unsigned char raw[RAW_LEN])
{
	MC_AUTOFREE unsigned char	*p = NULL;
	size_t				 len, n = 0;

	len = strnlen(token, AGT_IMDS_TOKEN_MAX + 1);
	/* mc_base64 skips whitespace; a token is one unbroken word. */
	if (len == 0 || len > AGT_IMDS_TOKEN_MAX ||
	    strspn(token, B64_CHARS) != len ||
	    mc_base64_decode(token, &p, &n, NULL) < 0 || n != RAW_LEN)
		return -1;
	memcpy(raw, p, RAW_LEN);
	return 0;
}

int
agt_imds_token_check(const unsigned char key[32], const char *id,
    const char *token, int64_t now_ms, int64_t *ret_left_s)
{
	unsigned char	raw[RAW_LEN], mac[MAC_LEN];
	int64_t		expires_ms, left_ms;

	if (token == NULL || token_decode(token, raw) < 0 ||
	    raw[0] != TOKEN_VERSION || token_mac(key, id, raw, mac) < 0 ||
	    CRYPTO_memcmp(mac, raw + 9, MAC_LEN) != 0)
		return -1;
	expires_ms = (int64_t)get_be64(raw + 1);
	left_ms = expires_ms - now_ms;
	/*
	 * No token we make lives longer than the maximum; one that claims
	 * to was made before the clock was set back: refuse it too.
	 */
	if (expires_ms < 0 || left_ms <= 0 ||
	    left_ms > (int64_t)AGT_IMDS_TTL_MAX_S * 1000)
		return -1;
	*ret_left_s = (left_ms + 999) / 1000;
	return 0;
}

/*
 * ctl_sshwire: SSH wire encoding and public key blobs.  Reading is
 * strict: a blob must hold exactly its fields, nothing after them.
 */
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>

#include "mc_buf.h"
#include "mc_cleanup.h"
#include "mc_err.h"
#include "ctl_sshwire.h"

#define ED25519_PUB_LEN	32

/*
 * Key types by SSH name.  evp_type 0 rows are refused, with a reason;
 * a row whose name ends in '-' matches every name it begins.
 */
static const struct {
	const char	*name;
	int		 evp_type;
	const char	*refusal;
} types[] = {
	{ "ssh-rsa",		EVP_PKEY_RSA,		NULL },
	{ "ssh-ed25519",	EVP_PKEY_ED25519,	NULL },
	{ "ssh-dss", 0, "DSA keys are not supported: use RSA or ED25519" },
	{ "ecdsa-", 0, "ECDSA keys are not supported: use RSA or ED25519" },
	{ "sk-", 0, "Security key (FIDO) keys are not supported: use RSA or "
	    "ED25519" },
};

/* A blob being read: what is left of it. */
struct rd {
	const unsigned char	*p;
	size_t			 n;
};

void
ctl_sshwire_put_u32(struct mc_buf *b, uint32_t v)
{
	unsigned char be[4] = { (unsigned char)(v >> 24),
	    (unsigned char)(v >> 16), (unsigned char)(v >> 8), (unsigned char)v };

	mc_buf_add(b, be, sizeof(be));
}

void
ctl_sshwire_put_string(struct mc_buf *b, const void *p, size_t n)
{
	if (n > UINT32_MAX) {
		b->failed = true;
		return;
	}
	ctl_sshwire_put_u32(b, (uint32_t)n);
	mc_buf_add(b, p, n);
}

/* An mpint: big-endian, a leading zero byte when the top bit is set. */
static int
put_mpint(struct mc_buf *b, const BIGNUM *bn, struct mc_err *err)
{
	unsigned char	 buf[CTL_SSHWIRE_RSA_BITS_MAX / 8 + 1];
	int		 n = BN_num_bytes(bn);

	if (BN_is_negative(bn) || n < 0 || (size_t)n >= sizeof(buf))
		return mc_err_set(err, MC_EC_INVALID_KEY_FORMAT,
		    "RSA numbers must be positive and at most %d bits",
		    CTL_SSHWIRE_RSA_BITS_MAX);
	buf[0] = 0;
	(void)BN_bn2bin(bn, buf + 1);
	if (n > 0 && (buf[1] & 0x80) != 0)
		ctl_sshwire_put_string(b, buf, (size_t)n + 1);
	else
		ctl_sshwire_put_string(b, buf + 1, (size_t)n);
	return 0;
}

static const char *
name_of(int evp_type)
{
	size_t i;

	for (i = 0; i < MC_NELEMS(types); i++)
		if (types[i].evp_type != 0 && types[i].evp_type == evp_type)
			return types[i].name;
	return NULL;
}

const char *
ctl_sshwire_type_name(const EVP_PKEY *pk)
{
	return name_of(EVP_PKEY_get_base_id(pk));
}

static int
put_rsa(struct mc_buf *b, const EVP_PKEY *pk, struct mc_err *err)
{
	BIGNUM	*n = NULL, *e = NULL;
	int	 rc = -1;

	if (EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_N, &n) != 1 ||
	    EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_E, &e) != 1) {
		mc_err_set(err, MC_EC_INTERNAL_ERROR, "cannot read an RSA key");
		goto out;
	}
	ctl_sshwire_put_string(b, "ssh-rsa", 7);
	/* RFC 4253 6.6: e before n. */
	if (put_mpint(b, e, err) == 0 && put_mpint(b, n, err) == 0)
		rc = 0;
out:
	BN_free(n);
	BN_free(e);
	return rc;
}

int
ctl_sshwire_put_pubkey(struct mc_buf *b, const EVP_PKEY *pk,
    struct mc_err *err)
{
	unsigned char	pub[ED25519_PUB_LEN];
	size_t		n = sizeof(pub);

	switch (EVP_PKEY_get_base_id(pk)) {
	case EVP_PKEY_RSA:
		return put_rsa(b, pk, err);
	case EVP_PKEY_ED25519:
		if (EVP_PKEY_get_raw_public_key(pk, pub, &n) != 1 ||
		    n != sizeof(pub))
			return mc_err_set(err, MC_EC_INTERNAL_ERROR,
			    "cannot read an ED25519 key");
		ctl_sshwire_put_string(b, "ssh-ed25519", 11);
		ctl_sshwire_put_string(b, pub, n);
		return 0;
	}
	return mc_err_set(err, MC_EC_INVALID_KEY_FORMAT,
	    "Only RSA and ED25519 keys are supported");
}

/* The types row for the n bytes at name, or -1. */
static int
type_row(const char *name, size_t n)
{
	size_t i, len;

	for (i = 0; i < MC_NELEMS(types); i++) {
		len = strlen(types[i].name);
		if (types[i].name[len - 1] == '-' ? n >= len &&
		    memcmp(name, types[i].name, len) == 0 : n == len &&
		    memcmp(name, types[i].name, len) == 0)
			return (int)i;
	}
	return -1;
}

int
ctl_sshwire_type_check(const void *name, size_t n, struct mc_err *err)
{
	int row = type_row(name, n);

	if (row < 0)
		return mc_err_set(err, MC_EC_INVALID_KEY_FORMAT,
		    "Unknown key type '%.*s': use RSA (ssh-rsa) or ED25519 "
		    "(ssh-ed25519)", (int)(n > 32 ? 32 : n), (const char *)name);
	if (types[row].refusal != NULL)
		return mc_err_set(err, MC_EC_INVALID_KEY_FORMAT, "%s",
		    types[row].refusal);
	return 0;
}

static int
rd_string(struct rd *r, const unsigned char **ret, size_t *ret_n)
{
	uint32_t len;

	if (r->n < 4)
		return -1;
	len = (uint32_t)r->p[0] << 24 | (uint32_t)r->p[1] << 16 |
	    (uint32_t)r->p[2] << 8 | r->p[3];
	if (len > r->n - 4)
		return -1;
	*ret = r->p + 4;
	*ret_n = len;
	r->p += 4 + (size_t)len;
	r->n -= 4 + (size_t)len;
	return 0;
}

/* A positive, minimally encoded mpint of at most the bits we allow. */
static int
rd_mpint(struct rd *r, BIGNUM **ret)
{
	const unsigned char	*p;
	size_t			 n;

	if (rd_string(r, &p, &n) < 0 || n == 0 || (p[0] & 0x80) != 0 ||
	    (p[0] == 0 && (n == 1 || (p[1] & 0x80) == 0)) ||
	    n > CTL_SSHWIRE_RSA_BITS_MAX / 8 + 1)
		return -1;
	return (*ret = BN_bin2bn(p, (int)n, NULL)) != NULL ? 0 : -1;
}

static int
rsa_from(const BIGNUM *n, const BIGNUM *e, EVP_PKEY **ret, struct mc_err *err)
{
	OSSL_PARAM_BLD	*bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM	*params = NULL;
	EVP_PKEY_CTX	*ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	int		 rc = -1;

	if (bld == NULL || ctx == NULL ||
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) != 1 ||
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) != 1 ||
	    (params = OSSL_PARAM_BLD_to_param(bld)) == NULL ||
	    EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, ret, EVP_PKEY_PUBLIC_KEY, params) != 1)
		mc_err_set(err, MC_EC_INTERNAL_ERROR, "cannot build an RSA key");
	else
		rc = 0;
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	EVP_PKEY_CTX_free(ctx);
	return rc;
}

static int
parse_rsa(struct rd *r, EVP_PKEY **ret, struct mc_err *err)
{
	BIGNUM	*e = NULL, *n = NULL;
	int	 rc = -1;

	if (rd_mpint(r, &e) < 0 || rd_mpint(r, &n) < 0 || r->n != 0)
		mc_err_set(err, MC_EC_INVALID_KEY_FORMAT, "The ssh-rsa key is "
		    "truncated, has extra bytes or badly encoded numbers");
	/* Even numbers cannot be an RSA modulus or exponent. */
	else if (!BN_is_odd(n) || !BN_is_odd(e) || BN_is_one(e) ||
	    BN_cmp(e, n) >= 0)
		mc_err_set(err, MC_EC_INVALID_KEY_FORMAT,
		    "The ssh-rsa key's numbers are not an RSA public key");
	else
		rc = rsa_from(n, e, ret, err);
	BN_free(e);
	BN_free(n);
	return rc;
}

static int
parse_ed25519(struct rd *r, EVP_PKEY **ret, struct mc_err *err)
{
	const unsigned char	*p;
	size_t			 n;

	if (rd_string(r, &p, &n) < 0 || n != ED25519_PUB_LEN || r->n != 0)
		return mc_err_set(err, MC_EC_INVALID_KEY_FORMAT, "The "
		    "ssh-ed25519 key is truncated or has extra bytes");
	if ((*ret = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, p,
	    n)) == NULL)
		return mc_err_set(err, MC_EC_INTERNAL_ERROR,
		    "cannot build an ED25519 key");
	return 0;
}

int
ctl_sshwire_parse_pubkey(const void *p, size_t n, EVP_PKEY **ret,
    struct mc_err *err)
{
	struct rd		 r = { p, n };
	const unsigned char	*name;
	size_t			 len;

	if (rd_string(&r, &name, &len) < 0)
		return mc_err_set(err, MC_EC_INVALID_KEY_FORMAT,
		    "The key blob is truncated");
	if (ctl_sshwire_type_check(name, len, err) < 0)
		return -1;
	if (len == 7 && memcmp(name, "ssh-rsa", 7) == 0)
		return parse_rsa(&r, ret, err);
	return parse_ed25519(&r, ret, err);
}

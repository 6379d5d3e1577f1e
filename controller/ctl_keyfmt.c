/*
 * ctl_keyfmt: make key pairs, take imported public keys, and compute
 * EC2's fingerprints.  Private keys are secrets: every buffer that held
 * one is wiped before it is freed.
 */
#include <assert.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "mc_base64.h"
#include "mc_buf.h"
#include "mc_cleanup.h"
#include "mc_err.h"
#include "ctl_keyfmt.h"
#include "ctl_keyimport.h"
#include "ctl_sshwire.h"

#define ED25519_LEN	32	/* bytes of a seed, and of a public key */
#define OPENSSH_MAGIC	"openssh-key-v1"	/* written with its NUL */
#define OPENSSH_BLOCK	8	/* block size of cipher "none", for padding */
#define OPENSSH_COLS	70	/* base64 characters a line, as OpenSSH */
#define OPENSSH_BEGIN	"-----BEGIN OPENSSH PRIVATE KEY-----\n"
#define OPENSSH_END	"-----END OPENSSH PRIVATE KEY-----\n"

_Static_assert(CTL_KEYFMT_COMMENT_MAX == CTL_KEYIMPORT_COMMENT_MAX,
    "an imported comment must fit where a created one does");

static const char *const type_names[CTL_KEYTYPE__MAX] = {
	[CTL_KEYTYPE_RSA]	= "rsa",
	[CTL_KEYTYPE_ED25519]	= "ed25519",
};

const char *
ctl_keytype_name(enum ctl_keytype t)
{
	assert(t < CTL_KEYTYPE__MAX);
	return type_names[t];
}

int
ctl_keytype_parse(const char *name, enum ctl_keytype *ret, struct mc_err *err)
{
	int t;

	for (t = 0; t < CTL_KEYTYPE__MAX; t++)
		if (strcmp(name, type_names[t]) == 0) {
			*ret = (enum ctl_keytype)t;
			return 0;
		}
	return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
	    "Invalid KeyType '%.32s': use rsa or ed25519", name);
}

/*
 * Buffers for secrets take all their room at once, and that room is
 * their limit: they never move, since a realloc would leave a copy of
 * the secret in freed memory.  secret_clear wipes them.
 */
static int
secret_init(struct mc_buf *b, size_t room, struct mc_err *err)
{
	mc_buf_init(b, room);
	if ((b->data = calloc(1, room + 1)) == NULL)
		return mc_err_sys(err, ENOMEM, "out of memory");
	b->cap = room + 1;
	return 0;
}

static void
secret_clear(struct mc_buf *b)
{
	if (b->data != NULL)
		OPENSSL_cleanse(b->data, b->cap);
	mc_buf_clear(b);
}

static void
secret_free(char *s)
{
	if (s != NULL) {
		OPENSSL_cleanse(s, strlen(s));
		free(s);
	}
}

/* "1f:51:ae:..." as EC2 and `openssl dgst -c` write a digest. */
static void
colon_hex(const unsigned char *md, unsigned n, char *out, size_t outsz)
{
	static const char	hex[] = "0123456789abcdef";
	unsigned		i;

	assert(outsz >= 3 * (size_t)n);
	for (i = 0; i < n; i++) {
		out[3 * i] = hex[md[i] >> 4];
		out[3 * i + 1] = hex[md[i] & 0x0f];
		out[3 * i + 2] = i + 1 < n ? ':' : '\0';
	}
}

/* SHA-1 of the DER PKCS#8 (PrivateKeyInfo) private key: EC2's own keys. */
static int
fp_sha1_pkcs8(const EVP_PKEY *pk, char *out, size_t outsz,
    struct mc_err *err)
{
	PKCS8_PRIV_KEY_INFO	*p8 = EVP_PKEY2PKCS8(pk);
	unsigned char		*der = NULL, md[EVP_MAX_MD_SIZE];
	unsigned		 mdlen;
	int			 n, rc = -1;

	n = p8 != NULL ? i2d_PKCS8_PRIV_KEY_INFO(p8, &der) : -1;
	if (n <= 0 || EVP_Digest(der, (size_t)n, md, &mdlen, EVP_sha1(),
	    NULL) != 1)
		mc_err_set(err, MC_EC_INTERNAL_ERROR,
		    "cannot fingerprint the private key");
	else {
		colon_hex(md, mdlen, out, outsz);
		rc = 0;
	}
	if (n > 0)
		OPENSSL_clear_free(der, (size_t)n);
	PKCS8_PRIV_KEY_INFO_free(p8);
	return rc;
}

/* MD5 of the DER SubjectPublicKeyInfo: imported RSA keys. */
static int
fp_md5_spki(const EVP_PKEY *pk, char *out, size_t outsz, struct mc_err *err)
{
	unsigned char	*der = NULL, md[EVP_MAX_MD_SIZE];
	unsigned	 mdlen;
	int		 n = i2d_PUBKEY(pk, &der);

	if (n <= 0 || EVP_Digest(der, (size_t)n, md, &mdlen, EVP_md5(),
	    NULL) != 1) {
		OPENSSL_free(der);
		return mc_err_set(err, MC_EC_INTERNAL_ERROR,
		    "cannot fingerprint the public key");
	}
	OPENSSL_free(der);
	colon_hex(md, mdlen, out, outsz);
	return 0;
}

/*
 * Base64 SHA-256 of the public key blob: ED25519 keys.  It is what
 * `ssh-keygen -l` prints after "SHA256:", but EC2 keeps the base64
 * padding ('=') that ssh-keygen drops.
 */
static int
fp_sha256_b64(const struct mc_buf *blob, char *out, size_t outsz,
    struct mc_err *err)
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned	 mdlen;
	char		*b64;

	if (EVP_Digest(blob->data, blob->len, md, &mdlen, EVP_sha256(),
	    NULL) != 1 || (b64 = mc_base64_encode(md, mdlen)) == NULL)
		return mc_err_set(err, MC_EC_INTERNAL_ERROR,
		    "cannot fingerprint the public key");
	(void)snprintf(out, outsz, "%s", b64);
	free(b64);
	return 0;
}

/* Fill ret's type, OpenSSH line and fingerprint (created: EC2 made pk). */
static int
describe(const EVP_PKEY *pk, const char *comment, bool created,
    struct ctl_keymat *ret, struct mc_err *err)
{
	struct mc_buf	 blob;
	char		*b64 = NULL;
	int		 rc = -1, len;

	mc_buf_init(&blob, 0);
	if (ctl_sshwire_put_pubkey(&blob, pk, err) < 0)
		goto out;
	if (blob.failed || (b64 = mc_base64_encode(blob.data, blob.len)) ==
	    NULL) {
		mc_err_sys(err, ENOMEM, "out of memory");
		goto out;
	}
	len = snprintf(ret->public_key, sizeof(ret->public_key), "%s %s%s%s",
	    ctl_sshwire_type_name(pk), b64, comment[0] != '\0' ? " " : "",
	    comment);
	if (len < 0 || (size_t)len >= sizeof(ret->public_key)) {
		mc_err_set(err, MC_EC_INVALID_KEY_FORMAT, "The key is too long");
		goto out;
	}
	if (EVP_PKEY_get_base_id(pk) == EVP_PKEY_ED25519) {
		ret->type = CTL_KEYTYPE_ED25519;
		rc = fp_sha256_b64(&blob, ret->fingerprint,
		    sizeof(ret->fingerprint), err);
	} else {
		ret->type = CTL_KEYTYPE_RSA;
		rc = (created ? fp_sha1_pkcs8 : fp_md5_spki)(pk,
		    ret->fingerprint, sizeof(ret->fingerprint), err);
	}
out:
	free(b64);
	mc_buf_clear(&blob);
	return rc;
}

/* An RSA private key as EC2 returns it: PKCS#1 PEM ("RSA PRIVATE KEY"). */
static char *
pem_pkcs1(const EVP_PKEY *pk, struct mc_err *err)
{
	BIO	*bio = BIO_new(BIO_s_secmem());	/* wiped when freed */
	char	*data, *out = NULL;
	long	 n;

	if (bio == NULL || PEM_write_bio_PrivateKey_traditional(bio, pk, NULL,
	    NULL, 0, NULL, NULL) != 1 || (n = BIO_get_mem_data(bio, &data)) <= 0 ||
	    (out = malloc((size_t)n + 1)) == NULL)
		mc_err_set(err, MC_EC_INTERNAL_ERROR,
		    "cannot write the private key");
	else {
		memcpy(out, data, (size_t)n);
		out[n] = '\0';
	}
	BIO_free(bio);
	return out;
}

/* Base64 of bin, OPENSSH_COLS a line, between the BEGIN and END lines. */
static char *
armor(const struct mc_buf *bin, struct mc_err *err)
{
	struct mc_buf	 out;
	char		*b64 = mc_base64_encode(bin->data, bin->len);
	size_t		 n, i;

	if (b64 == NULL) {
		mc_err_sys(err, ENOMEM, "out of memory");
		return NULL;
	}
	n = strlen(b64);
	if (secret_init(&out, strlen(OPENSSH_BEGIN) + n + n / OPENSSH_COLS +
	    1 + strlen(OPENSSH_END), err) < 0) {
		secret_free(b64);
		return NULL;
	}
	mc_buf_adds(&out, OPENSSH_BEGIN);
	for (i = 0; i < n; i += OPENSSH_COLS) {
		mc_buf_add(&out, b64 + i, n - i < OPENSSH_COLS ? n - i :
		    OPENSSH_COLS);
		mc_buf_addc(&out, '\n');
	}
	mc_buf_adds(&out, OPENSSH_END);
	secret_free(b64);
	if (out.failed) {
		secret_clear(&out);
		mc_err_set(err, MC_EC_INTERNAL_ERROR, "private key overflow");
		return NULL;
	}
	return mc_buf_steal(&out, NULL);
}

/*
 * The private section of an OpenSSH private key (PROTOCOL.key): the
 * same random check number twice (a reader tells a wrong passphrase by
 * them), the key (type, public key, seed followed by public key), its
 * comment, then padding bytes 1, 2, 3... to a whole cipher block.
 */
static void
private_section(struct mc_buf *b, const unsigned char *seed_pub,
    uint32_t check, const char *comment)
{
	unsigned char pad;

	ctl_sshwire_put_u32(b, check);
	ctl_sshwire_put_u32(b, check);
	ctl_sshwire_put_string(b, "ssh-ed25519", 11);
	ctl_sshwire_put_string(b, seed_pub + ED25519_LEN, ED25519_LEN);
	ctl_sshwire_put_string(b, seed_pub, 2 * ED25519_LEN);
	ctl_sshwire_put_string(b, comment, strlen(comment));
	for (pad = 1; b->len % OPENSSH_BLOCK != 0; pad++)
		mc_buf_add(b, &pad, 1);
}

/*
 * An ED25519 private key in the OpenSSH format, unencrypted: magic,
 * cipher "none", KDF "none" without options, one key, its public blob,
 * the private section; then armored.
 */
static char *
openssh_private(const EVP_PKEY *pk, const char *comment, struct mc_err *err)
{
	unsigned char	 key[2 * ED25519_LEN];	/* seed, public key */
	size_t		 slen = ED25519_LEN, plen = ED25519_LEN;
	uint32_t	 check;
	struct mc_buf	 pub, priv, file;
	char		*out = NULL;

	mc_buf_init(&pub, 0);
	mc_buf_init(&priv, 0);
	mc_buf_init(&file, 0);
	if (EVP_PKEY_get_raw_private_key(pk, key, &slen) != 1 ||
	    EVP_PKEY_get_raw_public_key(pk, key + ED25519_LEN, &plen) != 1 ||
	    slen != ED25519_LEN || plen != ED25519_LEN ||
	    RAND_bytes((unsigned char *)&check, sizeof(check)) != 1 ||
	    ctl_sshwire_put_pubkey(&pub, pk, err) < 0) {
		mc_err_set(err, MC_EC_INTERNAL_ERROR, "cannot read the new key");
		goto out;
	}
	if (secret_init(&priv, 256 + strlen(comment), err) < 0 ||
	    secret_init(&file, 512 + strlen(comment), err) < 0)
		goto out;
	private_section(&priv, key, check, comment);
	mc_buf_add(&file, OPENSSH_MAGIC, sizeof(OPENSSH_MAGIC));
	ctl_sshwire_put_string(&file, "none", 4);
	ctl_sshwire_put_string(&file, "none", 4);
	ctl_sshwire_put_string(&file, "", 0);
	ctl_sshwire_put_u32(&file, 1);
	ctl_sshwire_put_string(&file, pub.data, pub.len);
	ctl_sshwire_put_string(&file, priv.data, priv.len);
	if (pub.failed || priv.failed || file.failed)
		mc_err_set(err, MC_EC_INTERNAL_ERROR, "private key overflow");
	else
		out = armor(&file, err);
out:
	OPENSSL_cleanse(key, sizeof(key));
	mc_buf_clear(&pub);
	secret_clear(&priv);
	secret_clear(&file);
	return out;
}

/* What EC2 allows in a key name, our created keys' comment. */
static bool
comment_ok(const char *s)
{
	size_t n = strlen(s), i;

	for (i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return false;
	return n <= CTL_KEYFMT_COMMENT_MAX;
}

int
ctl_keyfmt_create(enum ctl_keytype t, const char *comment,
    struct ctl_keymat *ret, struct mc_err *err)
{
	EVP_PKEY	*pk;
	char		*priv;
	int		 rc = -1;

	assert(t < CTL_KEYTYPE__MAX);
	memset(ret, 0, sizeof(*ret));
	if (!comment_ok(comment))
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE, "A key's "
		    "comment must be at most %d printable ASCII characters",
		    CTL_KEYFMT_COMMENT_MAX);
	pk = t == CTL_KEYTYPE_RSA ? EVP_PKEY_Q_keygen(NULL, NULL, "RSA",
	    (size_t)CTL_KEYFMT_RSA_BITS) : EVP_PKEY_Q_keygen(NULL, NULL,
	    "ED25519");
	if (pk == NULL)
		return mc_err_set(err, MC_EC_INTERNAL_ERROR,
		    "cannot make a key pair");
	priv = t == CTL_KEYTYPE_RSA ? pem_pkcs1(pk, err) :
	    openssh_private(pk, comment, err);
	if (priv != NULL && describe(pk, comment, true, ret, err) == 0) {
		ret->private_key = mc_steal_ptr(&priv);
		rc = 0;
	}
	secret_free(priv);
	EVP_PKEY_free(pk);
	return rc;
}

int
ctl_keyfmt_import(const void *p, size_t n, struct ctl_keymat *ret,
    struct mc_err *err)
{
	char		 comment[CTL_KEYFMT_COMMENT_MAX + 1];
	EVP_PKEY	*pk = NULL;
	int		 bits, rc = -1;

	memset(ret, 0, sizeof(*ret));
	if (ctl_keyimport_parse(p, n, &pk, comment, sizeof(comment), err) < 0)
		return -1;
	bits = EVP_PKEY_get_bits(pk);
	if (EVP_PKEY_get_base_id(pk) == EVP_PKEY_RSA &&
	    (bits < CTL_KEYFMT_RSA_MIN_BITS || bits > CTL_KEYFMT_RSA_MAX_BITS))
		mc_err_set(err, MC_EC_INVALID_KEY_FORMAT, "RSA keys must have "
		    "%d to %d bits; this one has %d", CTL_KEYFMT_RSA_MIN_BITS,
		    CTL_KEYFMT_RSA_MAX_BITS, bits);
	else
		rc = describe(pk, comment, false, ret, err);
	EVP_PKEY_free(pk);
	return rc;
}

void
ctl_keymat_clear(struct ctl_keymat *k)
{
	secret_free(k->private_key);
	k->private_key = NULL;
}

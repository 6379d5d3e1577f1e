/*
 * ctl_keyfmt: SSH key pairs as EC2 hands them out and takes them in.
 * Makes new RSA and ED25519 key pairs, with the private key as EC2
 * returns it (PKCS#1 PEM for RSA, the OpenSSH format for ED25519), takes
 * imported public keys (ctl_keyimport reads the formats) under EC2's
 * rules, and gives each EC2's fingerprint and an OpenSSH public key
 * line.  It knows neither the store nor the API.
 */
#ifndef CTL_KEYFMT_H
#define CTL_KEYFMT_H

#include <stddef.h>

struct mc_err;

enum ctl_keytype {
	CTL_KEYTYPE_RSA,
	CTL_KEYTYPE_ED25519,
	CTL_KEYTYPE__MAX
};

#define CTL_KEYFMT_RSA_BITS	2048	/* what CreateKeyPair makes */
#define CTL_KEYFMT_RSA_MIN_BITS	1024	/* what ImportKeyPair takes */
#define CTL_KEYFMT_RSA_MAX_BITS	4096
#define CTL_KEYFMT_COMMENT_MAX	255	/* bytes of a public key's comment */
#define CTL_KEYFMT_LINE_MAX	2048	/* an OpenSSH public key line, NUL */
#define CTL_KEYFMT_FP_MAX	64	/* a fingerprint, NUL */

/* A key pair's public half, and for a new one its private half. */
struct ctl_keymat {
	enum ctl_keytype	 type;
	char			 public_key[CTL_KEYFMT_LINE_MAX]; /* OpenSSH */
	char			 fingerprint[CTL_KEYFMT_FP_MAX];  /* EC2's */
	char			*private_key;	/* owned, secret; or NULL */
};

/* EC2's name of type t: "rsa", "ed25519". */
const char	*ctl_keytype_name(enum ctl_keytype t);

/*
 * The type EC2 calls name (borrowed) into *ret.  Returns 0, or -1 with
 * err set (InvalidParameterValue) for a name EC2 does not know.
 */
int	ctl_keytype_parse(const char *name, enum ctl_keytype *ret,
	    struct mc_err *err);

/*
 * Make a new key pair of type t into *ret, which the caller clears with
 * ctl_keymat_clear.  comment (borrowed: printable ASCII, at most
 * CTL_KEYFMT_COMMENT_MAX bytes, "" for none; EC2 puts the key name
 * there) ends the public key line and is the OpenSSH private key's
 * comment.  The fingerprint is EC2's for keys it made: the SHA-1 of the
 * DER PKCS#8 private key for RSA, the base64 SHA-256 of the public key
 * blob for ED25519.  Returns 0, or -1 with err set (an internal error;
 * InvalidParameterValue for a bad comment).
 */
int	ctl_keyfmt_create(enum ctl_keytype t, const char *comment,
	    struct ctl_keymat *ret, struct mc_err *err);

/*
 * Take the public key in the n bytes at p (borrowed; any format of
 * ctl_keyimport) into *ret (private_key NULL), keeping an OpenSSH
 * line's comment.  RSA keys must have 1024 to 4096 bits.  The
 * fingerprint is EC2's for imported keys: the MD5 of the DER public key
 * (SubjectPublicKeyInfo) for RSA, as for ED25519 above.  Returns 0, or
 * -1 with err set (InvalidKey.Format saying what is wrong).
 */
int	ctl_keyfmt_import(const void *p, size_t n, struct ctl_keymat *ret,
	    struct mc_err *err);

/* Wipe and free k's private key; k may be used again. */
void	ctl_keymat_clear(struct ctl_keymat *k);

#endif /* CTL_KEYFMT_H */

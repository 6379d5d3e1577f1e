/*
 * ctl_sshwire: the SSH wire encoding (RFC 4251: uint32, string, mpint)
 * and the public key blobs built from it ("ssh-rsa", RFC 4253;
 * "ssh-ed25519", RFC 8709), to and from OpenSSL keys.  It knows no text
 * format (OpenSSH lines, PEM): see ctl_keyfmt.
 */
#ifndef CTL_SSHWIRE_H
#define CTL_SSHWIRE_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

struct mc_buf;
struct mc_err;

/* Most bits of an RSA modulus a blob may carry (as OpenSSH allows). */
#define CTL_SSHWIRE_RSA_BITS_MAX	16384

/* Append v as a big-endian uint32 to b. */
void	ctl_sshwire_put_u32(struct mc_buf *b, uint32_t v);

/* Append n bytes at p (borrowed) as an SSH string: length, then bytes. */
void	ctl_sshwire_put_string(struct mc_buf *b, const void *p, size_t n);

/*
 * Append the public key blob of pk (borrowed: RSA or ED25519) to b.
 * Returns 0, or -1 with err set (InvalidKey.Format for another type of
 * key, an internal error when OpenSSL fails).  An append that runs out
 * of room shows in b's failed flag.
 */
int	ctl_sshwire_put_pubkey(struct mc_buf *b, const EVP_PKEY *pk,
	    struct mc_err *err);

/* The SSH name of pk's type ("ssh-rsa", "ssh-ed25519"), or NULL. */
const char	*ctl_sshwire_type_name(const EVP_PKEY *pk);

/*
 * Check the n bytes at name (borrowed; need not be NUL-terminated) as an
 * SSH key type.  Returns 0 for "ssh-rsa" and "ssh-ed25519", or -1 with
 * err set (InvalidKey.Format, saying why: DSA, ECDSA and security keys
 * are refused by name).
 */
int	ctl_sshwire_type_check(const void *name, size_t n, struct mc_err *err);

/*
 * Parse the public key blob of n bytes at p (borrowed), all of it, into
 * *ret, a new key the caller frees with EVP_PKEY_free.  mpints must be
 * positive and minimal, as OpenSSH requires.  Returns 0, or -1 with err
 * set (InvalidKey.Format saying what is wrong).
 */
int	ctl_sshwire_parse_pubkey(const void *p, size_t n, EVP_PKEY **ret,
	    struct mc_err *err);

#endif /* CTL_SSHWIRE_H */

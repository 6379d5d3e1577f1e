/*
 * ctl_keyimport: read a public key in the formats EC2's ImportKeyPair
 * accepts: an OpenSSH public key line ("ssh-rsa|ssh-ed25519 BASE64
 * [comment]"), the SSH2 format of RFC 4716, and a SubjectPublicKeyInfo
 * in PEM, as base64 DER text or as raw DER (an RSA key also as PKCS#1
 * "RSA PUBLIC KEY").  It checks the format, not EC2's rules on key
 * sizes (see ctl_keyfmt).
 */
#ifndef CTL_KEYIMPORT_H
#define CTL_KEYIMPORT_H

#include <stddef.h>

#include <openssl/evp.h>

struct mc_err;

#define CTL_KEYIMPORT_MAX	16384	/* bytes of key material */
#define CTL_KEYIMPORT_COMMENT_MAX 255	/* bytes of an OpenSSH line's comment */

/*
 * Read the n bytes at p (borrowed).  On success *ret is a new RSA or
 * ED25519 key the caller frees with EVP_PKEY_free, and comment (of
 * comment_sz > CTL_KEYIMPORT_COMMENT_MAX bytes) holds the OpenSSH
 * line's comment, or "" (other formats carry none we keep).  Returns 0,
 * or -1 with err set to InvalidKey.Format and a message saying what is
 * wrong (DSA and ECDSA keys are refused by name).
 */
int	ctl_keyimport_parse(const void *p, size_t n, EVP_PKEY **ret,
	    char *comment, size_t comment_sz, struct mc_err *err);

#endif /* CTL_KEYIMPORT_H */

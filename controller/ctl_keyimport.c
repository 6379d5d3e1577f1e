/*
 * ctl_keyimport: public key formats in, OpenSSL keys out.  Text formats
 * are told apart by their first line; a line holding a blank is an
 * OpenSSH line, other text base64 DER.  Whatever the format, the key
 * must be all there is (no second key, no trailing bytes).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509.h>

#include "mc_base64.h"
#include "mc_cleanup.h"
#include "mc_err.h"
#include "mc_utf8.h"
#include "ctl_keyimport.h"
#include "ctl_sshwire.h"

#define BLANKS		" \t"
#define WHITESPACE	" \t\r\n"
#define DER_SEQUENCE	0x30	/* the first byte of every DER key */

static int	parse_rfc4716(char *body, EVP_PKEY **ret, struct mc_err *err);
static int	parse_spki(char *body, EVP_PKEY **ret, struct mc_err *err);
static int	parse_pkcs1(char *body, EVP_PKEY **ret, struct mc_err *err);

/* Armored formats: first line, last line, and the parser of between. */
static const struct {
	const char	*begin;
	const char	*end;
	int		(*parse)(char *body, EVP_PKEY **ret, struct mc_err *err);
} armors[] = {
	{ "---- BEGIN SSH2 PUBLIC KEY ----", "---- END SSH2 PUBLIC KEY ----",
	    parse_rfc4716 },
	{ "-----BEGIN PUBLIC KEY-----", "-----END PUBLIC KEY-----",
	    parse_spki },
	{ "-----BEGIN RSA PUBLIC KEY-----", "-----END RSA PUBLIC KEY-----",
	    parse_pkcs1 },
};

static int
bad(struct mc_err *err, const char *what)
{
	return mc_err_set(err, MC_EC_INVALID_KEY_FORMAT, "%s", what);
}

/* Decode base64 text s into a new buffer, which must not be empty. */
static int
unbase64(const char *s, unsigned char **ret, size_t *ret_n, const char *what,
    struct mc_err *err)
{
	unsigned char	*p;
	size_t		 n;

	if (mc_base64_decode(s, &p, &n, NULL) < 0)
		return mc_err_set(err, MC_EC_INVALID_KEY_FORMAT,
		    "The %s is not valid base64", what);
	if (n == 0) {
		free(p);
		return mc_err_set(err, MC_EC_INVALID_KEY_FORMAT,
		    "The %s is empty", what);
	}
	*ret = p;
	*ret_n = n;
	return 0;
}

/* Refuse a DER key of a type other than RSA and ED25519, by name. */
static int
check_der_type(const EVP_PKEY *pk, struct mc_err *err)
{
	const char *name;

	switch (EVP_PKEY_get_base_id(pk)) {
	case EVP_PKEY_EC:	name = "ecdsa-"; break;
	case EVP_PKEY_DSA:	name = "ssh-dss"; break;
	default:		name = ctl_sshwire_type_name(pk); break;
	}
	if (name == NULL)
		return bad(err, "Only RSA and ED25519 keys are supported");
	return ctl_sshwire_type_check(name, strlen(name), err);
}

/* A SubjectPublicKeyInfo, or with pkcs1 an RSAPublicKey, all of p. */
static int
parse_der(const unsigned char *p, size_t n, bool pkcs1, EVP_PKEY **ret,
    struct mc_err *err)
{
	const unsigned char	*q = p;
	EVP_PKEY		*pk;

	pk = pkcs1 ? d2i_PublicKey(EVP_PKEY_RSA, NULL, &q, (long)n) :
	    d2i_PUBKEY(NULL, &q, (long)n);
	if (pk == NULL)
		return bad(err, "The DER public key cannot be read");
	if (q != p + n) {
		EVP_PKEY_free(pk);
		return bad(err, "There are extra bytes after the DER public key");
	}
	if (check_der_type(pk, err) < 0) {
		EVP_PKEY_free(pk);
		return -1;
	}
	*ret = pk;
	return 0;
}

static int
parse_base64_der(const char *s, bool pkcs1, EVP_PKEY **ret, struct mc_err *err)
{
	MC_AUTOFREE unsigned char	*der = NULL;
	size_t				 n;

	if (unbase64(s, &der, &n, "DER public key", err) < 0)
		return -1;
	return parse_der(der, n, pkcs1, ret, err);
}

static int
parse_spki(char *body, EVP_PKEY **ret, struct mc_err *err)
{
	return parse_base64_der(body, false, ret, err);
}

static int
parse_pkcs1(char *body, EVP_PKEY **ret, struct mc_err *err)
{
	return parse_base64_der(body, true, ret, err);
}

static int
parse_blob_b64(const char *s, EVP_PKEY **ret, struct mc_err *err)
{
	MC_AUTOFREE unsigned char	*blob = NULL;
	size_t				 n;

	if (unbase64(s, &blob, &n, "key data", err) < 0)
		return -1;
	return ctl_sshwire_parse_pubkey(blob, n, ret, err);
}

/*
 * RFC 4716: header lines ("Tag: value", continued by a final '\') come
 * before the base64 body.  They are blanked out in place, since the
 * base64 decoder skips blanks; we keep none of them.
 */
static int
parse_rfc4716(char *body, EVP_PKEY **ret, struct mc_err *err)
{
	char	*line;
	size_t	 len, end;
	bool	 cont = false, in_body = false;

	for (line = body; *line != '\0'; line += len + (line[len] == '\n')) {
		len = strcspn(line, "\n");
		end = len > 0 && line[len - 1] == '\r' ? len - 1 : len;
		if (cont || (!in_body && memchr(line, ':', len) != NULL)) {
			cont = end > 0 && line[end - 1] == '\\';
			memset(line, ' ', len);
		} else if (strspn(line, WHITESPACE) < len) {
			in_body = true;
		}
	}
	if (cont)
		return bad(err, "The SSH2 public key's last header line is "
		    "continued, but nothing follows");
	return parse_blob_b64(body, ret, err);
}

/* A comment we can keep: printable, UTF-8, not too long. */
static bool
comment_ok(const char *s)
{
	const unsigned char *p;

	if (strlen(s) > CTL_KEYIMPORT_COMMENT_MAX)
		return false;
	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			return false;
	return mc_utf8_valid(s, strlen(s));
}

/* "type BASE64 [comment]" on one line (s is trimmed and holds a blank). */
static int
parse_line(char *s, EVP_PKEY **ret, char *comment, size_t comment_sz,
    struct mc_err *err)
{
	char		*data, *rest;
	size_t		 tlen = strcspn(s, BLANKS), dlen;
	EVP_PKEY	*pk = NULL;

	if (strchr(s, '\n') != NULL)
		return bad(err, "The public key has more than one line");
	if (ctl_sshwire_type_check(s, tlen, err) < 0)
		return -1;
	s[tlen] = '\0';
	data = s + tlen + 1;
	data += strspn(data, BLANKS);
	dlen = strcspn(data, BLANKS);
	rest = data + dlen;
	if (*rest != '\0') {
		*rest++ = '\0';
		rest += strspn(rest, BLANKS);
	}
	if (!comment_ok(rest))
		return mc_err_set(err, MC_EC_INVALID_KEY_FORMAT, "The key's "
		    "comment must be printable UTF-8 of at most %d bytes",
		    CTL_KEYIMPORT_COMMENT_MAX);
	if (parse_blob_b64(data, &pk, err) < 0)
		return -1;
	if (strcmp(ctl_sshwire_type_name(pk), s) != 0) {
		mc_err_set(err, MC_EC_INVALID_KEY_FORMAT, "The line says %s but "
		    "its key data is %s", s, ctl_sshwire_type_name(pk));
		EVP_PKEY_free(pk);
		return -1;
	}
	(void)snprintf(comment, comment_sz, "%s", rest);
	*ret = pk;
	return 0;
}

/* Text without blanks: base64 DER, or not a key at all. */
static int
parse_bare(const char *s, EVP_PKEY **ret, struct mc_err *err)
{
	MC_AUTOFREE unsigned char	*der = NULL;
	size_t				 n;

	if (mc_base64_decode(s, &der, &n, NULL) < 0 || n == 0 ||
	    der[0] != DER_SEQUENCE)
		return bad(err, "The public key is not in a format EC2 accepts: "
		    "an OpenSSH public key line (ssh-rsa or ssh-ed25519, base64, "
		    "comment), RFC 4716, or a PEM or DER public key");
	return parse_der(der, n, false, ret, err);
}

/* The body of s framed by the lines begin and end, or NULL. */
static char *
framed(char *s, const char *begin, const char *end)
{
	size_t blen = strlen(begin), elen = strlen(end), n = strlen(s);

	if (n < blen + elen + 2 || strncmp(s, begin, blen) != 0 ||
	    strcmp(s + n - elen, end) != 0 || strchr("\r\n", s[blen]) == NULL ||
	    s[n - elen - 1] != '\n')
		return NULL;
	s[n - elen] = '\0';
	return s + blen;
}

/* Dispatch the trimmed, NUL-free text s on its first line. */
static int
parse_text(char *s, EVP_PKEY **ret, char *comment, size_t comment_sz,
    struct mc_err *err)
{
	char	*body;
	size_t	 i;

	if (*s == '\0')
		return bad(err, "The public key is empty");
	for (i = 0; i < MC_NELEMS(armors); i++) {
		if (strncmp(s, armors[i].begin, strlen(armors[i].begin)) != 0)
			continue;
		if ((body = framed(s, armors[i].begin, armors[i].end)) == NULL)
			return mc_err_set(err, MC_EC_INVALID_KEY_FORMAT,
			    "The key must follow the line '%s' on lines of its "
			    "own and end with the line '%s', nothing after it",
			    armors[i].begin, armors[i].end);
		return armors[i].parse(body, ret, err);
	}
	if (strncmp(s, "-----BEGIN ", 11) == 0)
		return bad(err, "This PEM block is not a public key: give the "
		    "public key (BEGIN PUBLIC KEY), never the private key");
	if (strpbrk(s, BLANKS) != NULL)
		return parse_line(s, ret, comment, comment_sz, err);
	return parse_bare(s, ret, err);
}

int
ctl_keyimport_parse(const void *p, size_t n, EVP_PKEY **ret, char *comment,
    size_t comment_sz, struct mc_err *err)
{
	MC_AUTOFREE char	*text = NULL;
	char			*s;
	size_t			 len;
	int			 rc;

	comment[0] = '\0';
	if (n == 0)
		return bad(err, "The public key is empty");
	if (n > CTL_KEYIMPORT_MAX)
		return mc_err_set(err, MC_EC_INVALID_KEY_FORMAT, "The public "
		    "key is larger than %d bytes", CTL_KEYIMPORT_MAX);
	if (*(const unsigned char *)p == DER_SEQUENCE)
		rc = parse_der(p, n, false, ret, err);
	else if (memchr(p, '\0', n) != NULL)
		rc = bad(err, "The public key is neither text nor DER");
	else if ((text = malloc(n + 1)) == NULL)
		rc = mc_err_set(err, MC_EC_INTERNAL_ERROR, "out of memory");
	else {
		memcpy(text, p, n);
		text[n] = '\0';
		s = text + strspn(text, WHITESPACE);
		for (len = strlen(s); len > 0 && strchr(WHITESPACE,
		    s[len - 1]) != NULL; len--)
			s[len - 1] = '\0';
		rc = parse_text(s, ret, comment, comment_sz, err);
	}
	/* Leave no failed parse in this thread's OpenSSL error queue. */
	if (rc < 0)
		ERR_clear_error();
	return rc;
}

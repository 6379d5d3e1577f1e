/*
 * Tests of ctl_keyimport: one RSA and one ED25519 key written in every
 * format it reads (with the variations real files have: comments,
 * blanks, CRLF, RFC 4716 headers) must come back as the same key;
 * broken framing and trailing bytes must be refused.
 */
#include <openssl/x509.h>

#include "mc_test.h"

#include "mc_base64.h"
#include "mc_buf.h"
#include "mc_cleanup.h"
#include "mc_err.h"
#include "ctl_keyimport.h"
#include "ctl_sshwire.h"

struct keys {
	EVP_PKEY	*pk;
	char		*blob64;	/* base64 of the SSH blob */
	char		*der64;		/* base64 of the SubjectPublicKeyInfo */
	unsigned char	*der;
	int		 der_len;
};

static void
keys_make(struct keys *k, EVP_PKEY *pk)
{
	struct mc_buf	b;
	struct mc_err	err = { 0 };

	k->pk = pk;
	assert_non_null(pk);
	mc_buf_init(&b, 0);
	assert_int_equal(ctl_sshwire_put_pubkey(&b, pk, &err), 0);
	k->blob64 = mc_base64_encode(b.data, b.len);
	mc_buf_clear(&b);
	k->der = NULL;
	k->der_len = i2d_PUBKEY(pk, &k->der);
	assert_true(k->der_len > 0);
	k->der64 = mc_base64_encode(k->der, (size_t)k->der_len);
}

static void
keys_free(struct keys *k)
{
	EVP_PKEY_free(k->pk);
	free(k->blob64);
	free(k->der64);
	OPENSSL_free(k->der);
}

static int
setup(void **state)
{
	struct keys *k = calloc(2, sizeof(*k));

	keys_make(&k[0], EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024));
	keys_make(&k[1], EVP_PKEY_Q_keygen(NULL, NULL, "ED25519"));
	*state = k;
	return 0;
}

static int
teardown(void **state)
{
	struct keys *k = *state;

	keys_free(&k[0]);
	keys_free(&k[1]);
	free(k);
	return 0;
}

/* printf-like text; the caller frees it. */
static char *
text(const char *fmt, ...)
{
	char	*s;
	va_list	 ap;

	va_start(ap, fmt);
	assert_true(vasprintf(&s, fmt, ap) >= 0);
	va_end(ap);
	return s;
}

static void
expect_key(const void *p, size_t n, const struct keys *k,
    const char *want_comment)
{
	struct mc_err	 err = { 0 };
	char		 comment[CTL_KEYIMPORT_COMMENT_MAX + 1];
	EVP_PKEY	*pk = NULL;

	if (ctl_keyimport_parse(p, n, &pk, comment, sizeof(comment), &err) < 0)
		fail_msg("refused (%s): %.*s", err.msg, (int)n,
		    (const char *)p);
	assert_int_equal(EVP_PKEY_eq(pk, k->pk), 1);
	assert_string_equal(comment, want_comment);
	EVP_PKEY_free(pk);
}

static void
expect_refused(const char *s, const char *want)
{
	struct mc_err	 err = { 0 };
	char		 comment[CTL_KEYIMPORT_COMMENT_MAX + 1];
	EVP_PKEY	*pk = NULL;

	if (ctl_keyimport_parse(s, strlen(s), &pk, comment, sizeof(comment),
	    &err) == 0)
		fail_msg("accepted: %s", s);
	assert_null(pk);
	assert_int_equal(err.code, MC_EC_INVALID_KEY_FORMAT);
	if (strstr(err.msg, want) == NULL)
		fail_msg("'%s' lacks '%s' for: %s", err.msg, want, s);
}

static void
test_formats(void **state)
{
	struct keys	*keys = *state;
	const char	*name[2] = { "ssh-rsa", "ssh-ed25519" };
	char		*s;
	int		 i;

	for (i = 0; i < 2; i++) {
		struct keys *k = &keys[i];

		s = text("%s %s", name[i], k->blob64);
		expect_key(s, strlen(s), k, "");
		free(s);
		s = text("  %s\t %s  user@host with  spaces \r\n\n", name[i],
		    k->blob64);
		expect_key(s, strlen(s), k, "user@host with  spaces");
		free(s);
		s = text("---- BEGIN SSH2 PUBLIC KEY ----\r\nComment: \"a b\"\r\n"
		    "x-Long: one\\\r\ntwo: three\r\n%.40s\r\n%s\r\n"
		    "---- END SSH2 PUBLIC KEY ----\r\n", k->blob64,
		    k->blob64 + 40);
		expect_key(s, strlen(s), k, "");
		free(s);
		s = text("-----BEGIN PUBLIC KEY-----\n%.64s\n%s\n"
		    "-----END PUBLIC KEY-----\n", k->der64, strlen(k->der64) > 64 ?
		    k->der64 + 64 : "");
		expect_key(s, strlen(s), k, "");
		free(s);
		s = text("%s\n", k->der64);
		expect_key(s, strlen(s), k, "");
		free(s);
		expect_key(k->der, (size_t)k->der_len, k, "");
	}
}

static void
test_pkcs1(void **state)
{
	struct keys	*k = *state;
	unsigned char	*der = NULL;
	char		*b64, *s;
	int		 n = i2d_PublicKey(k->pk, &der);

	assert_true(n > 0);
	b64 = mc_base64_encode(der, (size_t)n);
	s = text("-----BEGIN RSA PUBLIC KEY-----\n%s\n-----END RSA PUBLIC KEY-----",
	    b64);
	expect_key(s, strlen(s), k, "");
	free(s);
	/* ED25519 has no PKCS#1 form. */
	s = text("-----BEGIN RSA PUBLIC KEY-----\n%s\n-----END RSA PUBLIC KEY-----",
	    k[1].der64);
	expect_refused(s, "cannot be read");
	free(s);
	free(b64);
	OPENSSL_free(der);
}

static void
test_refused(void **state)
{
	struct keys	*k = *state;
	unsigned char	*der;
	char		*s, long_comment[CTL_KEYIMPORT_COMMENT_MAX + 2];
	struct mc_err	 err = { 0 };
	EVP_PKEY	*pk = NULL;
	char		 comment[CTL_KEYIMPORT_COMMENT_MAX + 1];

	/* Raw DER with one byte too many. */
	der = malloc((size_t)k->der_len + 1);
	memcpy(der, k->der, (size_t)k->der_len);
	der[k->der_len] = 0;
	assert_int_equal(ctl_keyimport_parse(der, (size_t)k->der_len + 1, &pk,
	    comment, sizeof(comment), &err), -1);
	assert_non_null(strstr(err.msg, "extra bytes"));
	free(der);

	s = text("-----BEGIN PUBLIC KEY-----\n%s\n-----END PUBLIC KEY-----\n"
	    "more", k->der64);
	expect_refused(s, "end with the line");
	free(s);
	s = text("-----BEGIN PUBLIC KEY-----\nProc-Type: 4,ENCRYPTED\n%s\n"
	    "-----END PUBLIC KEY-----", k->der64);
	expect_refused(s, "not valid base64");
	free(s);
	s = text("-----BEGIN PUBLIC KEY-----%s\n-----END PUBLIC KEY-----",
	    k->der64);
	expect_refused(s, "end with the line");
	free(s);
	s = text("---- BEGIN SSH2 PUBLIC KEY ----\n%s\n---- END SSH2 PUBLIC KEY "
	    "----\nssh-rsa %s", k->blob64, k->blob64);
	expect_refused(s, "end with the line");
	free(s);
	s = text("ssh-rsa %s\n\nssh-rsa %s", k->blob64, k->blob64);
	expect_refused(s, "more than one line");
	free(s);
	s = text("%sAAAA", k->der64);
	expect_refused(s, "extra bytes");
	free(s);
	memset(long_comment, 'c', sizeof(long_comment) - 1);
	long_comment[sizeof(long_comment) - 1] = '\0';
	s = text("ssh-rsa %s %s", k->blob64, long_comment);
	expect_refused(s, "at most 255 bytes");
	long_comment[sizeof(long_comment) - 2] = '\0';
	free(s);
	s = text("ssh-rsa %s %s", k->blob64, long_comment);
	expect_key(s, strlen(s), k, long_comment);
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_formats),
		cmocka_unit_test(test_pkcs1),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

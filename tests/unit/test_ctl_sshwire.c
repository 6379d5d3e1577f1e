/*
 * Tests of ctl_sshwire: the wire encoding byte by byte, key blobs that
 * round-trip through OpenSSL keys, and a table of malformed blobs.
 */
#include <openssl/evp.h>

#include "mc_test.h"

#include "mc_buf.h"
#include "mc_cleanup.h"
#include "mc_err.h"
#include "ctl_sshwire.h"

static void
test_encoding(void **state)
{
	static const unsigned char want[] = {
		0x01, 0x02, 0x03, 0x04,
		0x00, 0x00, 0x00, 0x03, 'a', 'b', 'c',
		0x00, 0x00, 0x00, 0x00,
	};
	struct mc_buf b;

	(void)state;
	mc_buf_init(&b, 0);
	ctl_sshwire_put_u32(&b, 0x01020304);
	ctl_sshwire_put_string(&b, "abc", 3);
	ctl_sshwire_put_string(&b, "", 0);
	assert_false(b.failed);
	assert_int_equal(b.len, sizeof(want));
	assert_memory_equal(b.data, want, sizeof(want));
	mc_buf_clear(&b);
}

/* Blob of pk, parsed back, written again: the same bytes and key. */
static void
round_trip(EVP_PKEY *pk, const char *name)
{
	struct mc_buf	 a, b;
	struct mc_err	 err = { 0 };
	EVP_PKEY	*back = NULL;

	mc_buf_init(&a, 0);
	mc_buf_init(&b, 0);
	assert_string_equal(ctl_sshwire_type_name(pk), name);
	assert_int_equal(ctl_sshwire_put_pubkey(&a, pk, &err), 0);
	assert_int_equal(ctl_sshwire_parse_pubkey(a.data, a.len, &back, &err),
	    0);
	assert_int_equal(EVP_PKEY_eq(pk, back), 1);
	assert_int_equal(ctl_sshwire_put_pubkey(&b, back, &err), 0);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.data, b.data, a.len);
	EVP_PKEY_free(back);
	mc_buf_clear(&a);
	mc_buf_clear(&b);
}

static void
test_round_trips(void **state)
{
	EVP_PKEY	*pk;
	int		 i;

	(void)state;
	/* Moduli with the top bit of their first byte set need a 0 byte. */
	for (i = 0; i < 4; i++) {
		pk = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024 + 8 * i);
		assert_non_null(pk);
		round_trip(pk, "ssh-rsa");
		EVP_PKEY_free(pk);
	}
	pk = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	round_trip(pk, "ssh-ed25519");
	EVP_PKEY_free(pk);
}

static void
test_other_keys_refused(void **state)
{
	EVP_PKEY	*pk = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	struct mc_buf	 b;
	struct mc_err	 err = { 0 };

	(void)state;
	assert_non_null(pk);
	mc_buf_init(&b, 0);
	assert_null(ctl_sshwire_type_name(pk));
	assert_int_equal(ctl_sshwire_put_pubkey(&b, pk, &err), -1);
	assert_int_equal(err.code, MC_EC_INVALID_KEY_FORMAT);
	mc_buf_clear(&b);
	EVP_PKEY_free(pk);
}

static void
test_type_check(void **state)
{
	static const struct {
		const char	*name;
		const char	*want;	/* NULL: accepted */
	} cases[] = {
		{ "ssh-rsa", NULL },
		{ "ssh-ed25519", NULL },
		{ "ssh-dss", "DSA" },
		{ "ecdsa-sha2-nistp256", "ECDSA" },
		{ "ecdsa-sha2-nistp521", "ECDSA" },
		{ "sk-ssh-ed25519@openssh.com", "FIDO" },
		{ "ssh-rsa-cert-v01@openssh.com", "Unknown key type" },
		{ "ssh-rs", "Unknown key type" },
		{ "ssh-rsaa", "Unknown key type" },
		{ "ecdsa", "Unknown key type" },
		{ "", "Unknown key type" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < MC_NELEMS(cases); i++) {
		struct mc_err	err = { 0 };
		int		rc = ctl_sshwire_type_check(cases[i].name,
				    strlen(cases[i].name), &err);

		if (cases[i].want == NULL) {
			assert_int_equal(rc, 0);
			continue;
		}
		assert_int_equal(rc, -1);
		assert_int_equal(err.code, MC_EC_INVALID_KEY_FORMAT);
		assert_non_null(strstr(err.msg, cases[i].want));
	}
}

/* A blob: each part is written as an SSH string, then raw bytes. */
struct part {
	const char	*bytes;
	size_t		 len;
};

#define S(lit)	{ lit, sizeof(lit) - 1 }

static void
test_bad_blobs(void **state)
{
	static const struct {
		struct part	 parts[4];
		const char	*raw;		/* appended as is */
		size_t		 raw_len;
		const char	*want;
	} cases[] = {
		{ { S("ssh-rsa") }, NULL, 0, "badly encoded" },
		{ { S("ssh-dss"), S("\x01") }, NULL, 0, "DSA" },
		{ { S("ecdsa-sha2-nistp256") }, NULL, 0, "ECDSA" },
		{ { S("ssh-rsa"), S("\x00\x03"), S("\x00\xc3") }, NULL, 0,
		    "badly encoded" },		/* needless zero in e */
		{ { S("ssh-rsa"), S("\x83"), S("\x00\xc3") }, NULL, 0,
		    "badly encoded" },		/* negative e */
		{ { S("ssh-rsa"), S(""), S("\x00\xc3") }, NULL, 0,
		    "badly encoded" },		/* empty e */
		{ { S("ssh-rsa"), S("\x00"), S("\x00\xc3") }, NULL, 0,
		    "badly encoded" },		/* zero written as 00 */
		{ { S("ssh-rsa"), S("\x03"), S("\x00\xc4") }, NULL, 0,
		    "not an RSA public key" },	/* even n */
		{ { S("ssh-rsa"), S("\x01"), S("\x00\xc3") }, NULL, 0,
		    "not an RSA public key" },	/* e = 1 */
		{ { S("ssh-rsa"), S("\x04"), S("\x00\xc3") }, NULL, 0,
		    "not an RSA public key" },	/* even e */
		{ { S("ssh-rsa"), S("\x00\xc5"), S("\x00\xc3") }, NULL, 0,
		    "not an RSA public key" },	/* e > n */
		{ { S("ssh-rsa"), S("\x03"), S("\x00\xc3") }, "\x00", 1,
		    "extra bytes" },
		{ { S("ssh-ed25519"), S("0123456789abcdef0123456789abcde") },
		    NULL, 0, "truncated" },
		{ { S("ssh-ed25519"), S("0123456789abcdef0123456789abcdef0") },
		    NULL, 0, "truncated" },
		{ { S("ssh-ed25519"), S("0123456789abcdef0123456789abcdef") },
		    "\x00", 1, "extra bytes" },
		{ { S("ssh-ed25519") }, "\x00\x00\x00\x20" "0123", 8,
		    "truncated" },
		{ { { NULL, 0 } }, "\x00\x00\x01", 3, "truncated" },
		{ { { NULL, 0 } }, "\xff\xff\xff\xff" "ssh-rsa", 11,
		    "truncated" },
	};
	size_t i, j;

	(void)state;
	for (i = 0; i < MC_NELEMS(cases); i++) {
		struct mc_buf	 b;
		struct mc_err	 err = { 0 };
		EVP_PKEY	*pk = NULL;

		mc_buf_init(&b, 0);
		for (j = 0; j < 4 && cases[i].parts[j].bytes != NULL; j++)
			ctl_sshwire_put_string(&b, cases[i].parts[j].bytes,
			    cases[i].parts[j].len);
		if (cases[i].raw != NULL)
			mc_buf_add(&b, cases[i].raw, cases[i].raw_len);
		assert_int_equal(ctl_sshwire_parse_pubkey(b.data != NULL ?
		    b.data : "", b.len, &pk, &err), -1);
		assert_null(pk);
		assert_int_equal(err.code, MC_EC_INVALID_KEY_FORMAT);
		if (strstr(err.msg, cases[i].want) == NULL)
			fail_msg("case %zu: '%s' lacks '%s'", i, err.msg,
			    cases[i].want);
		mc_buf_clear(&b);
	}
}

/* A modulus past what OpenSSH takes is refused before any arithmetic. */
static void
test_huge_modulus(void **state)
{
	static unsigned char	 n[CTL_SSHWIRE_RSA_BITS_MAX / 8 + 2];
	struct mc_buf		 b;
	struct mc_err		 err = { 0 };
	EVP_PKEY		*pk = NULL;

	(void)state;
	memset(n, 0x11, sizeof(n));
	mc_buf_init(&b, 0);
	ctl_sshwire_put_string(&b, "ssh-rsa", 7);
	ctl_sshwire_put_string(&b, "\x03", 1);
	ctl_sshwire_put_string(&b, n, sizeof(n));
	assert_int_equal(ctl_sshwire_parse_pubkey(b.data, b.len, &pk, &err),
	    -1);
	assert_int_equal(err.code, MC_EC_INVALID_KEY_FORMAT);
	mc_buf_clear(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encoding),
		cmocka_unit_test(test_round_trips),
		cmocka_unit_test(test_other_keys_refused),
		cmocka_unit_test(test_type_check),
		cmocka_unit_test(test_bad_blobs),
		cmocka_unit_test(test_huge_modulus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

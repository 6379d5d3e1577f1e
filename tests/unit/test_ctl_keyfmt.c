/*
 * Tests of ctl_keyfmt against the tools EC2's documentation names: new
 * private keys must load in ssh-keygen and give back our public key,
 * fingerprints must be what `openssl ... | openssl sha1 -c`, `openssl
 * ... | openssl md5 -c` and `ssh-keygen -l` print, keys made by
 * ssh-keygen and openssl import in every format, and bad keys are
 * refused with InvalidKey.Format.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <unistd.h>

#include "mc_test.h"

#include "mc_base64.h"
#include "mc_buf.h"
#include "mc_cleanup.h"
#include "mc_err.h"
#include "ctl_keyfmt.h"
#include "ctl_sshwire.h"

#define OUT_MAX	8192

struct fixture {
	char	*dir;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->dir = mc_test_tmpdir();
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	mc_test_rmdir(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

/* Run the shell command fmt in f's directory; its stdout, trimmed. */
static char *
run(struct fixture *f, const char *fmt, ...)
{
	char	 cmd[2048], *out = calloc(1, OUT_MAX);
	FILE	*p;
	size_t	 n;
	va_list	 ap;
	int	 len;

	assert_non_null(out);
	len = snprintf(cmd, sizeof(cmd), "cd '%s' && ", f->dir);
	va_start(ap, fmt);
	(void)vsnprintf(cmd + len, sizeof(cmd) - (size_t)len, fmt, ap);
	va_end(ap);
	p = popen(cmd, "r");
	assert_non_null(p);
	n = fread(out, 1, OUT_MAX - 1, p);
	if (pclose(p) != 0)
		fail_msg("command failed: %s", cmd);
	while (n > 0 && strchr(" \r\n", out[n - 1]) != NULL)
		n--;
	out[n] = '\0';
	return out;
}

/* Write text to name in f's directory, mode 0600 as ssh-keygen wants. */
static void
put_file(struct fixture *f, const char *name, const void *p, size_t n)
{
	char	path[512];
	int	fd;

	(void)snprintf(path, sizeof(path), "%s/%s", f->dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, p, n), (ssize_t)n);
	close(fd);
}

static char *
get_file(struct fixture *f, const char *name, size_t *ret_n)
{
	char path[512], *s;

	(void)snprintf(path, sizeof(path), "%s/%s", f->dir, name);
	s = mc_test_read(path, ret_n);
	assert_non_null(s);
	return s;
}

/* The digest after "= " in openssl's "SHA1(stdin)= 1f:51:...". */
static const char *
after_eq(const char *s)
{
	const char *p = strstr(s, "= ");

	assert_non_null(p);
	return p + 2;
}

/* "type base64" of an OpenSSH line, without its comment. */
static void
key_part(const char *line, char *out, size_t outsz)
{
	const char *sp = strchr(line, ' ');

	assert_non_null(sp);
	sp = strchr(sp + 1, ' ');
	(void)snprintf(out, outsz, "%.*s", sp != NULL ? (int)(sp - line) :
	    (int)strlen(line), line);
}

static void
test_create_rsa(void **state)
{
	struct fixture		*f = *state;
	struct ctl_keymat	 k;
	struct mc_err		 err = { 0 };
	char			*pub, *fp, *bits, mine[CTL_KEYFMT_LINE_MAX];

	assert_int_equal(ctl_keyfmt_create(CTL_KEYTYPE_RSA, "my key", &k,
	    &err), 0);
	assert_int_equal(k.type, CTL_KEYTYPE_RSA);
	assert_true(strncmp(k.private_key, "-----BEGIN RSA PRIVATE KEY-----\n",
	    32) == 0);
	put_file(f, "rsa.pem", k.private_key, strlen(k.private_key));

	/* The private key gives back our public key; the name is its comment. */
	pub = run(f, "ssh-keygen -y -f rsa.pem");
	key_part(k.public_key, mine, sizeof(mine));
	assert_string_equal(pub, mine);
	assert_string_equal(k.public_key + strlen(mine), " my key");

	/* EC2's documented check of a key it made. */
	fp = run(f, "openssl pkcs8 -in rsa.pem -inform PEM -outform DER "
	    "-topk8 -nocrypt | openssl sha1 -c");
	assert_string_equal(k.fingerprint, after_eq(fp));
	bits = run(f, "openssl rsa -in rsa.pem -noout -text | head -1");
	assert_non_null(strstr(bits, "(2048 bit"));
	free(pub);
	free(fp);
	free(bits);
	ctl_keymat_clear(&k);
	assert_null(k.private_key);
}

static void
test_create_ed25519(void **state)
{
	struct fixture		*f = *state;
	struct ctl_keymat	 k, k2;
	struct mc_err		 err = { 0 };
	char			*pub, *fp, want[128];

	assert_int_equal(ctl_keyfmt_create(CTL_KEYTYPE_ED25519, "e2 key",
	    &k, &err), 0);
	assert_int_equal(k.type, CTL_KEYTYPE_ED25519);
	assert_true(strncmp(k.private_key, "-----BEGIN OPENSSH PRIVATE KEY-----"
	    "\n", 36) == 0);
	put_file(f, "ed", k.private_key, strlen(k.private_key));

	/* ssh-keygen checks the check numbers and the padding as it loads. */
	pub = run(f, "ssh-keygen -y -f ed");
	assert_string_equal(pub, k.public_key);
	assert_non_null(strstr(k.public_key, " e2 key"));

	/* ssh-keygen -l prints "256 SHA256:<base64 without '='> e2 key". */
	fp = run(f, "ssh-keygen -l -E sha256 -f ed | cut -d' ' -f2");
	(void)snprintf(want, sizeof(want), "SHA256:%s", k.fingerprint);
	assert_int_equal(strlen(k.fingerprint), 44);
	assert_int_equal(k.fingerprint[43], '=');
	want[strlen(want) - 1] = '\0';
	assert_string_equal(fp, want);

	/* Each call makes a new key. */
	assert_int_equal(ctl_keyfmt_create(CTL_KEYTYPE_ED25519, "", &k2, &err),
	    0);
	assert_string_not_equal(k.fingerprint, k2.fingerprint);
	assert_null(strchr(strchr(k2.public_key, ' ') + 1, ' '));
	free(pub);
	free(fp);
	ctl_keymat_clear(&k);
	ctl_keymat_clear(&k2);
}

static void
test_create_bad_comment(void **state)
{
	static const char *const bad[] = { "tab\there", "nl\n", "\x7f",
	    "caf\xc3\xa9" };
	struct ctl_keymat	 k;
	size_t			 i;
	char			 big[CTL_KEYFMT_COMMENT_MAX + 2];

	(void)state;
	for (i = 0; i < MC_NELEMS(bad); i++) {
		struct mc_err err = { 0 };

		assert_int_equal(ctl_keyfmt_create(CTL_KEYTYPE_ED25519, bad[i],
		    &k, &err), -1);
		assert_int_equal(err.code, MC_EC_INVALID_PARAMETER_VALUE);
		assert_null(k.private_key);
	}
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(ctl_keyfmt_create(CTL_KEYTYPE_ED25519, big, &k,
	    NULL), -1);
}

/* Import the file name of f's directory; must succeed. */
static void
import_file(struct fixture *f, const char *name, struct ctl_keymat *k)
{
	struct mc_err	 err = { 0 };
	size_t		 n;
	char		*s = get_file(f, name, &n);

	if (ctl_keyfmt_import(s, n, k, &err) != 0)
		fail_msg("import of %s: %s", name, err.msg);
	free(s);
}

/*
 * An RSA key made by ssh-keygen, imported as the OpenSSH line and in
 * every other format: the same key and EC2's MD5 fingerprint each time.
 */
static void
check_rsa_import(struct fixture *f, int bits)
{
	static const char *const others[] = { "k.rfc4716", "k.pkcs8",
	    "k.pkcs1", "k.der", "k.der64" };
	struct ctl_keymat	 k, o;
	char			*line, *fp, mine[CTL_KEYFMT_LINE_MAX];
	size_t			 i;

	free(run(f, "rm -f k k.pub && ssh-keygen -q -t rsa -b %d -m PEM "
	    "-N '' -C 'me@host x' -f k && ssh-keygen -e -f k.pub > k.rfc4716 "
	    "&& ssh-keygen -e -m PKCS8 -f k.pub > k.pkcs8 && "
	    "ssh-keygen -e -m PEM -f k.pub > k.pkcs1 && "
	    "openssl pkey -pubin -in k.pkcs8 -outform DER -out k.der && "
	    "base64 k.der > k.der64", bits));
	import_file(f, "k.pub", &k);
	line = run(f, "cat k.pub");
	assert_string_equal(k.public_key, line);
	assert_int_equal(k.type, CTL_KEYTYPE_RSA);
	assert_null(k.private_key);

	/* EC2's documented check of an imported key. */
	fp = run(f, "openssl rsa -in k -pubout -outform DER 2>/dev/null | "
	    "openssl md5 -c");
	assert_string_equal(k.fingerprint, after_eq(fp));

	key_part(k.public_key, mine, sizeof(mine));
	for (i = 0; i < MC_NELEMS(others); i++) {
		import_file(f, others[i], &o);
		assert_string_equal(o.public_key, mine);
		assert_string_equal(o.fingerprint, k.fingerprint);
	}
	free(line);
	free(fp);
}

static void
test_import_rsa(void **state)
{
	check_rsa_import(*state, 1024);
	check_rsa_import(*state, 2048);
	check_rsa_import(*state, 3072);
	check_rsa_import(*state, 4096);
}

static void
test_import_ed25519(void **state)
{
	struct fixture		*f = *state;
	struct ctl_keymat	 k, o;
	struct mc_buf		 blob;
	char			*line, *fp, *der, *b64, want[128];
	size_t			 n;

	free(run(f, "rm -f e e.pub && ssh-keygen -q -t ed25519 -N '' -C "
	    "'a comment' -f e && ssh-keygen -e -f e.pub > e.rfc4716"));
	import_file(f, "e.pub", &k);
	line = run(f, "cat e.pub");
	assert_string_equal(k.public_key, line);
	assert_int_equal(k.type, CTL_KEYTYPE_ED25519);
	fp = run(f, "ssh-keygen -l -E sha256 -f e.pub | cut -d' ' -f2");
	(void)snprintf(want, sizeof(want), "SHA256:%.43s", k.fingerprint);
	assert_string_equal(fp, want);
	import_file(f, "e.rfc4716", &o);
	assert_string_equal(o.fingerprint, k.fingerprint);
	free(line);
	free(fp);

	/* OpenSSL's DER of an ED25519 key ends with the 32 key bytes. */
	free(run(f, "openssl genpkey -algorithm ED25519 -out o.pem && "
	    "openssl pkey -in o.pem -pubout -outform DER -out o.der"));
	import_file(f, "o.der", &o);
	assert_int_equal(o.type, CTL_KEYTYPE_ED25519);
	der = get_file(f, "o.der", &n);
	assert_int_equal(n, 44);
	mc_buf_init(&blob, 0);
	ctl_sshwire_put_string(&blob, "ssh-ed25519", 11);
	ctl_sshwire_put_string(&blob, der + 12, 32);
	b64 = mc_base64_encode(blob.data, blob.len);
	(void)snprintf(want, sizeof(want), "ssh-ed25519 %s", b64);
	assert_string_equal(o.public_key, want);
	free(b64);
	free(der);
	mc_buf_clear(&blob);
}

/* An ssh-rsa line with e = 65537 and an odd modulus of bits bits. */
static char *
rsa_line(int bits)
{
	static const unsigned char	 e[] = { 1, 0, 1 };
	unsigned char			 n[1024], *m = n;
	struct mc_buf			 b;
	size_t				 nbytes = (size_t)(bits + 7) / 8, len;
	char				*b64, *line;

	/* A minimal mpint: a zero byte first only when the top bit is set. */
	len = nbytes + (bits % 8 == 0);
	if (bits % 8 == 0)
		*m++ = 0;
	memset(m, 0x5a, nbytes);
	m[0] = (unsigned char)(1u << ((bits - 1) % 8));
	m[nbytes - 1] |= 1;
	mc_buf_init(&b, 0);
	ctl_sshwire_put_string(&b, "ssh-rsa", 7);
	ctl_sshwire_put_string(&b, e, sizeof(e));
	ctl_sshwire_put_string(&b, n, len);
	b64 = mc_base64_encode(b.data, b.len);
	assert_true(asprintf(&line, "ssh-rsa %s x", b64) > 0);
	free(b64);
	mc_buf_clear(&b);
	return line;
}

static void
expect_refused(const void *p, size_t n, const char *want_msg)
{
	struct ctl_keymat	k;
	struct mc_err		err = { 0 };

	if (ctl_keyfmt_import(p, n, &k, &err) == 0)
		fail_msg("accepted: %.*s", (int)(n > 80 ? 80 : n),
		    (const char *)p);
	assert_int_equal(err.code, MC_EC_INVALID_KEY_FORMAT);
	if (strstr(err.msg, want_msg) == NULL)
		fail_msg("message '%s' lacks '%s'", err.msg, want_msg);
}

static void
test_import_bad_sizes(void **state)
{
	char *line;

	(void)state;
	line = rsa_line(1023);
	expect_refused(line, strlen(line), "this one has 1023");
	free(line);
	line = rsa_line(4097);
	expect_refused(line, strlen(line), "this one has 4097");
	free(line);
	line = rsa_line(1024);
	{
		struct ctl_keymat	k;
		struct mc_err		err = { 0 };

		assert_int_equal(ctl_keyfmt_import(line, strlen(line), &k,
		    &err), 0);
	}
	free(line);
}

/* Keys of the types EC2 refuses, made by the real tools. */
static void
test_import_refused_types(void **state)
{
	static const struct {
		const char	*make;
		const char	*file;
		const char	*want;
	} cases[] = {
		{ "ssh-keygen -q -t dsa -N '' -f t", "t.pub", "DSA keys" },
		{ "ssh-keygen -q -t ecdsa -N '' -f t", "t.pub", "ECDSA keys" },
		{ "ssh-keygen -q -t ecdsa -N '' -f t && ssh-keygen -e -m PKCS8 "
		    "-f t.pub > t.pem", "t.pem", "ECDSA keys" },
		{ "openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:512 "
		    "-out t.key 2>/dev/null && openssl pkey -in t.key -pubout "
		    "-outform DER -out t.der", "t.der", "this one has 512" },
		{ "openssl genpkey -algorithm ED448 -out t.key && openssl pkey "
		    "-in t.key -pubout -out t.pem", "t.pem", "Only RSA and "
		    "ED25519" },
		{ "ssh-keygen -q -t ed25519 -N '' -f t && cp t t.priv",
		    "t.priv", "not a public key" },
		{ "openssl genpkey -algorithm RSA -out t.key 2>/dev/null",
		    "t.key", "not a public key" },
	};
	struct fixture	*f = *state;
	size_t		 i, n;
	char		*s;

	for (i = 0; i < MC_NELEMS(cases); i++) {
		free(run(f, "rm -f t t.*; %s", cases[i].make));
		s = get_file(f, cases[i].file, &n);
		expect_refused(s, n, cases[i].want);
		free(s);
	}
}

#define ED_B64	"AAAAC3NzaC1lZDI1NTE5AAAAIDL865HeM3pzh+ROb" \
		"U9gXkJS9qN/lQvm2Nl8N+ht0aR/"

/* Malformed text, table-driven: each must be refused with its reason. */
static void
test_import_bad_text(void **state)
{
	static const struct {
		const char	*text;
		const char	*want;
	} cases[] = {
		{ "", "empty" },
		{ " \n\t\r\n", "empty" },
		{ "ssh-ed25519 " ED_B64 "\nssh-ed25519 " ED_B64,
		    "more than one line" },
		{ "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDL865HeM3pzh+RO",
		    "truncated" },
		{ "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDL865HeM3pzh+ROb"
		    "U9gXkJS9qN/lQvm2Nl8N+ht0aR/AAAA", "extra bytes" },
		{ "ssh-ed25519 " ED_B64 "@@@", "not valid base64" },
		{ "ssh-ed25519 ", "not in a format" },
		{ "ssh-ed25519 !!!!", "not valid base64" },
		{ "ssh-rsa " ED_B64, "says ssh-rsa but its key data is "
		    "ssh-ed25519" },
		{ "ssh-foo " ED_B64, "Unknown key type 'ssh-foo'" },
		{ "ssh-dss AAAAB3NzaC1kc3MAAACBAP", "DSA keys" },
		{ "ecdsa-sha2-nistp256 AAAAE2VjZHNh", "ECDSA keys" },
		{ "sk-ssh-ed25519@openssh.com AAAA", "FIDO" },
		{ "from=\"10.0.0.1\" ssh-ed25519 " ED_B64, "Unknown key type" },
		{ "ssh-ed25519 " ED_B64 " bad\x01" "comment", "comment" },
		{ "ssh-ed25519 " ED_B64 " bad\xff" "utf8", "comment" },
		{ "AAAA", "not in a format" },
		{ "hello", "not in a format" },
		{ "-----BEGIN PUBLIC KEY-----\nMFAw\n", "end with the line" },
		{ "-----BEGIN PUBLIC KEY-----\nMFAw\n-----END PUBLIC KEY-----",
		    "cannot be read" },
		{ "-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----",
		    "end with the line" },
		{ "-----BEGIN PUBLIC KEY-----\n\n-----END PUBLIC KEY-----",
		    "empty" },
		{ "-----BEGIN CERTIFICATE-----\nMFAw\n-----END CERTIFICATE-----",
		    "not a public key" },
		{ "---- BEGIN SSH2 PUBLIC KEY ----\n" ED_B64 "\n", "end with the line" },
		{ "---- BEGIN SSH2 PUBLIC KEY ----\nComment: x\\\n"
		    "---- END SSH2 PUBLIC KEY ----", "continued" },
		{ "---- BEGIN SSH2 PUBLIC KEY ----\n" ED_B64 "\nx: y\n"
		    "---- END SSH2 PUBLIC KEY ----", "not valid base64" },
		{ "\x30\x03\x02\x01\x00", "cannot be read" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < MC_NELEMS(cases); i++)
		expect_refused(cases[i].text, strlen(cases[i].text),
		    cases[i].want);
	expect_refused("ssh-ed25519 \0AAAA", 17, "neither text nor DER");
}

static void
test_import_too_big(void **state)
{
	char *big = malloc(20000);

	(void)state;
	assert_non_null(big);
	memset(big, 'A', 20000);
	expect_refused(big, 20000, "larger than");
	free(big);
}

static void
test_keytype_names(void **state)
{
	enum ctl_keytype	 t;
	struct mc_err		 err = { 0 };

	(void)state;
	assert_int_equal(ctl_keytype_parse("rsa", &t, &err), 0);
	assert_int_equal(t, CTL_KEYTYPE_RSA);
	assert_int_equal(ctl_keytype_parse("ed25519", &t, &err), 0);
	assert_int_equal(t, CTL_KEYTYPE_ED25519);
	assert_string_equal(ctl_keytype_name(CTL_KEYTYPE_ED25519), "ed25519");
	assert_int_equal(ctl_keytype_parse("RSA", &t, &err), -1);
	assert_int_equal(err.code, MC_EC_INVALID_PARAMETER_VALUE);
	assert_int_equal(ctl_keytype_parse("", &t, NULL), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create_rsa, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_create_ed25519, setup,
		    teardown),
		cmocka_unit_test(test_create_bad_comment),
		cmocka_unit_test_setup_teardown(test_import_rsa, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_import_ed25519, setup,
		    teardown),
		cmocka_unit_test(test_import_bad_sizes),
		cmocka_unit_test_setup_teardown(test_import_refused_types,
		    setup, teardown),
		cmocka_unit_test(test_import_bad_text),
		cmocka_unit_test(test_import_too_big),
		cmocka_unit_test(test_keytype_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

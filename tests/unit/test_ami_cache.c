/*
 * Tests of ami_cache: downloads from a real libmicrohttpd server on
 * 127.0.0.1 (whole, resumed, restarted when Range is ignored, refused
 * on a bad size or checksum, 404, already cached) and overlays made by
 * the real qemu-img.
 */
#include <curl/curl.h>

#include "ami_test.h"

#include "mc_cleanup.h"
#include "mc_err.h"
#include "ami_cache.h"

#define ID		"ami-0123456789abcdef0"
#define IMG_SIZE	(300 * 1024 + 7)	/* several reads, not round */
#define PREFIX		100000			/* bytes of a partial .part */
#define AUTH		"Authorization: Bearer t0ken"

struct fixture {
	char			*dir;
	char			 src[512], cache[512], final[600], part[700];
	char			 url[128];
	char			 sha[AMI_SHA256_HEX + 1];
	struct ami_test_srv	*srv;
};

static int
setup(void **state)
{
	struct fixture	*f = calloc(1, sizeof(*f));
	struct mc_err	 err = { 0 };

	assert_non_null(f);
	f->dir = mc_test_tmpdir();
	(void)snprintf(f->src, sizeof(f->src), "%s/src.img", f->dir);
	(void)snprintf(f->cache, sizeof(f->cache), "%s/cache", f->dir);
	(void)snprintf(f->final, sizeof(f->final), "%s/%s", f->cache, ID);
	(void)snprintf(f->part, sizeof(f->part), "%s.part", f->final);
	assert_int_equal(mkdir(f->cache, 0755), 0);
	ami_test_write_file(f->src, IMG_SIZE);
	assert_int_equal(ami_sha256_file(f->src, f->sha, &err), 0);
	f->srv = ami_test_srv_start(f->src);
	ami_test_url(f->srv, "/file", f->url, sizeof(f->url));
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	ami_test_srv_stop(f->srv);
	mc_test_rmdir(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

static bool
exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/* path holds the first n bytes of the image, or n bytes of junk. */
static void
write_prefix(const struct fixture *f, const char *path, size_t n, bool junk)
{
	MC_AUTOFREE char	*img = mc_test_read(f->src, NULL);
	FILE			*out = fopen(path, "wb");

	assert_non_null(out);
	if (junk)
		memset(img, 'x', n);
	assert_int_equal(fwrite(img, 1, n, out), n);
	assert_int_equal(fclose(out), 0);
}

/* The cached file is the image, byte for byte, and no .part is left. */
static void
assert_cached(const struct fixture *f)
{
	MC_AUTOFREE char	*want = mc_test_read(f->src, NULL);
	MC_AUTOFREE char	*got = NULL;
	size_t			 n = 0;

	got = mc_test_read(f->final, &n);
	assert_non_null(got);
	assert_int_equal(n, IMG_SIZE);
	assert_memory_equal(got, want, IMG_SIZE);
	assert_false(exists(f->part));
	assert_true(ami_cache_has(f->cache, ID, IMG_SIZE));
}

static int
fetch(struct fixture *f, uint64_t size, const char *sha, struct mc_err *err)
{
	return ami_cache_fetch(f->cache, ID, f->url, AUTH, size, sha, 10, err);
}

static void
test_fetch_whole(void **state)
{
	struct fixture	*f = *state;
	struct mc_err	 err = { 0 };
	char		 range[64];

	assert_int_equal(fetch(f, IMG_SIZE, f->sha, &err), 0);
	assert_int_equal(err.code, MC_EC_NONE);
	assert_cached(f);
	assert_int_equal(ami_test_requests(f->srv, range), 1);
	assert_string_equal(range, "");
	assert_string_equal(f->srv->auth, "Bearer t0ken");
}

static void
test_fetch_resume(void **state)
{
	struct fixture	*f = *state;
	struct mc_err	 err = { 0 };
	char		 range[64];

	write_prefix(f, f->part, PREFIX, false);
	assert_int_equal(fetch(f, IMG_SIZE, f->sha, &err), 0);
	assert_cached(f);
	assert_int_equal(ami_test_requests(f->srv, range), 1);
	assert_string_equal(range, "bytes=100000-");
}

/* A 200 to a Range request is the whole file: the junk .part goes. */
static void
test_fetch_range_ignored(void **state)
{
	struct fixture	*f = *state;
	struct mc_err	 err = { 0 };
	char		 range[64];

	f->srv->mode = AMI_TEST_IGNORE_RANGE;
	write_prefix(f, f->part, PREFIX, true);
	assert_int_equal(fetch(f, IMG_SIZE, f->sha, &err), 0);
	assert_cached(f);
	assert_int_equal(ami_test_requests(f->srv, range), 1);
	assert_string_equal(range, "bytes=100000-");
}

static void
test_fetch_cached(void **state)
{
	struct fixture	*f = *state;
	struct mc_err	 err = { 0 };

	write_prefix(f, f->final, IMG_SIZE, false);
	assert_int_equal(fetch(f, IMG_SIZE, f->sha, &err), 0);
	assert_int_equal(ami_test_requests(f->srv, NULL), 0);
	/* A whole .part from an earlier try is only checked, then kept. */
	assert_int_equal(unlink(f->final), 0);
	write_prefix(f, f->part, IMG_SIZE, false);
	assert_int_equal(fetch(f, IMG_SIZE, f->sha, &err), 0);
	assert_int_equal(ami_test_requests(f->srv, NULL), 0);
	assert_cached(f);
}

/* A .part longer than the image is no prefix of it: start over. */
static void
test_fetch_part_too_long(void **state)
{
	struct fixture	*f = *state;
	struct mc_err	 err = { 0 };
	char		 range[64];

	ami_test_write_file(f->part, IMG_SIZE + 4096);
	assert_int_equal(fetch(f, IMG_SIZE, f->sha, &err), 0);
	assert_cached(f);
	assert_int_equal(ami_test_requests(f->srv, range), 1);
	assert_string_equal(range, "");
}

/* Failures: nothing takes the final name; what is wrong is deleted. */
static void
test_fetch_failures(void **state)
{
	static const char bad_sha[] =
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
	static const struct {
		const char		*name;
		enum ami_test_mode	 mode;
		int64_t			 size_delta;
		bool			 wrong_sha;
		size_t			 junk_part;	/* bytes, 0: none */
		const char		*want_msg;
		bool			 want_part;	/* kept for a resume */
	} cases[] = {
		{ "checksum", AMI_TEST_SERVE, 0, true, 0, "does not match",
		    false },
		{ "junk prefix", AMI_TEST_SERVE, 0, false, PREFIX,
		    "does not match", false },
		{ "short", AMI_TEST_SERVE, 512, false, 0, "bytes, not",
		    false },
		{ "long", AMI_TEST_SERVE, -512, false, 0, "larger than the "
		    "limit", false },
		{ "long, no length", AMI_TEST_CHUNKED, -512, false, 0,
		    "larger than the limit", false },
		{ "404", AMI_TEST_FAIL, 0, false, 0, "HTTP 404", false },
		{ "404 resuming", AMI_TEST_FAIL, 0, false, PREFIX, "HTTP 404",
		    true },
		{ "wrong range", AMI_TEST_WRONG_RANGE, 0, false, PREFIX,
		    "wrong range", false },
	};
	struct fixture	*f = *state;
	size_t		 i;

	for (i = 0; i < MC_NELEMS(cases); i++) {
		struct mc_err err = { 0 };

		(void)unlink(f->part);
		f->srv->mode = cases[i].mode;
		if (cases[i].junk_part > 0)
			write_prefix(f, f->part, cases[i].junk_part,
			    cases[i].mode == AMI_TEST_SERVE);
		assert_int_equal(fetch(f, IMG_SIZE + cases[i].size_delta,
		    cases[i].wrong_sha ? bad_sha : f->sha, &err), -1);
		if (err.code != MC_EC_INTERNAL_ERROR ||
		    strstr(err.msg, cases[i].want_msg) == NULL)
			fail_msg("%s: %d %s", cases[i].name, err.code, err.msg);
		assert_false(exists(f->final));
		if (exists(f->part) != cases[i].want_part)
			fail_msg("%s: .part %s", cases[i].name,
			    cases[i].want_part ? "deleted" : "left");
	}
}

static void
test_fetch_bad_args(void **state)
{
	static const char sha63[] =
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a";
	struct fixture	*f = *state;
	struct mc_err	 err = { 0 };

	assert_int_equal(ami_cache_fetch(f->cache, "ami-../../etc", f->url,
	    NULL, IMG_SIZE, f->sha, 10, &err), -1);
	assert_int_equal(err.code, MC_EC_INVALID_AMI_ID_MALFORMED);
	memset(&err, 0, sizeof(err));
	assert_int_equal(fetch(f, IMG_SIZE, sha63, &err), -1);
	assert_non_null(strstr(err.msg, "SHA-256"));
	memset(&err, 0, sizeof(err));
	assert_int_equal(fetch(f, 0, f->sha, &err), -1);
	memset(&err, 0, sizeof(err));
	assert_int_equal(ami_cache_fetch(f->cache, ID, f->url,
	    "X: 1\r\nHost: evil", IMG_SIZE, f->sha, 10, &err), -1);
	assert_non_null(strstr(err.msg, "line break"));
	assert_int_equal(ami_test_requests(f->srv, NULL), 0);
	assert_false(exists(f->final));
}

static void
test_paths_has_remove(void **state)
{
	struct fixture	*f = *state;
	struct mc_err	 err = { 0 };
	char		 buf[600], tiny[8];

	assert_int_equal(ami_cache_path(f->cache, ID, buf, sizeof(buf), &err),
	    0);
	assert_string_equal(buf, f->final);
	assert_int_equal(ami_cache_path(f->cache, ID, tiny, sizeof(tiny),
	    &err), -1);
	assert_int_equal(err.code, MC_EC_INTERNAL_ERROR);
	memset(&err, 0, sizeof(err));
	assert_int_equal(ami_cache_path(f->cache, "ami-1", buf, sizeof(buf),
	    &err), -1);
	assert_int_equal(err.code, MC_EC_INVALID_AMI_ID_MALFORMED);

	assert_false(ami_cache_has(f->cache, ID, IMG_SIZE));
	write_prefix(f, f->final, PREFIX, false);
	write_prefix(f, f->part, PREFIX, false);
	assert_false(ami_cache_has(f->cache, ID, IMG_SIZE));
	assert_true(ami_cache_has(f->cache, ID, PREFIX));
	assert_false(ami_cache_has(f->cache, "../cache/" ID, PREFIX));
	memset(&err, 0, sizeof(err));
	assert_int_equal(ami_cache_remove(f->cache, ID, &err), 0);
	assert_false(exists(f->final));
	assert_false(exists(f->part));
	assert_int_equal(ami_cache_remove(f->cache, ID, &err), 0);
	assert_int_equal(ami_cache_remove(f->cache, "ami-x", &err), -1);
	assert_int_equal(err.code, MC_EC_INVALID_AMI_ID_MALFORMED);
}

/* Snapshot ids name cache files too; other shapes never do. */
static void
test_path_ids(void **state)
{
	static const struct {
		const char	*id;
		enum mc_ec	 want;
	} cases[] = {
		{ "ami-0123456789abcdef0", MC_EC_NONE },
		{ "aki-0123456789abcdef0", MC_EC_NONE },
		{ "snap-0123456789abcdef0", MC_EC_NONE },
		{ "snap-0123456789abcdef", MC_EC_INVALID_AMI_ID_MALFORMED },
		{ "snap-0123456789ABCDEF0", MC_EC_INVALID_AMI_ID_MALFORMED },
		{ "snap-../../etc/passwd", MC_EC_INVALID_AMI_ID_MALFORMED },
		{ "vol-0123456789abcdef0", MC_EC_INVALID_AMI_ID_MALFORMED },
		{ "", MC_EC_INVALID_AMI_ID_MALFORMED },
	};
	struct fixture	*f = *state;
	char		 buf[600];
	size_t		 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mc_err err = { 0 };
		int rc = ami_cache_path(f->cache, cases[i].id, buf, sizeof(buf),
		    &err);

		assert_int_equal(rc, cases[i].want == MC_EC_NONE ? 0 : -1);
		assert_int_equal(err.code, cases[i].want);
	}
}

static void
run(const char *dir, const char *cmd)
{
	char line[1024];

	(void)snprintf(line, sizeof(line), "cd %s && %s", dir, cmd);
	if (system(line) != 0)
		fail_msg("command failed: %s", cmd);
}

static void
test_overlay(void **state)
{
	static const struct {
		const char	*make;
		const char	*backing;
		enum ami_format	 fmt;
		uint64_t	 size;
		const char	*want[3];	/* in `qemu-img info` */
	} cases[] = {
		{ "qemu-img create -q -f raw b.raw 4M", "b.raw",
		    AMI_FORMAT_RAW, 0, { "virtual size: 4 MiB",
		    "backing file format: raw", "file format: raw" } },
		{ "qemu-img create -q -f qcow2 b.qcow2 4M", "b.qcow2",
		    AMI_FORMAT_QCOW2, 8 << 20, { "virtual size: 8 MiB",
		    "backing file format: qcow2", "virtual size: 4 MiB" } },
	};
	struct fixture	*f = *state;
	char		 ov[600], backing[600];
	size_t		 i, j;

	for (i = 0; i < MC_NELEMS(cases); i++) {
		MC_AUTOFREE char	*info = NULL;
		struct mc_err		 err = { 0 };

		run(f->dir, cases[i].make);
		(void)snprintf(backing, sizeof(backing), "%s/%s", f->dir,
		    cases[i].backing);
		(void)snprintf(ov, sizeof(ov), "%s/ov%zu.qcow2", f->dir, i);
		if (ami_overlay_create(ov, backing, cases[i].fmt,
		    cases[i].size, &err) < 0)
			fail_msg("%s: %s", cases[i].backing, err.msg);
		assert_int_equal(ami_overlay_info(ov, &info, &err), 0);
		assert_non_null(strstr(info, backing));
		for (j = 0; j < 3; j++)
			if (strstr(info, cases[i].want[j]) == NULL)
				fail_msg("%s lacks \"%s\":\n%s",
				    cases[i].backing, cases[i].want[j], info);
	}
}

static void
test_overlay_failures(void **state)
{
	struct fixture		*f = *state;
	struct mc_err		 err = { 0 };
	char			 ov[600], backing[600], *info = NULL;
	MC_AUTOFREE char	*kept = NULL;

	(void)snprintf(ov, sizeof(ov), "%s/ov.qcow2", f->dir);
	(void)snprintf(backing, sizeof(backing), "%s/nope.raw", f->dir);
	assert_int_equal(ami_overlay_create(ov, backing, AMI_FORMAT_RAW, 0,
	    &err), -1);
	assert_non_null(strstr(err.msg, "qemu-img create failed"));
	assert_non_null(strstr(err.msg, "nope.raw"));
	assert_false(exists(ov));

	/* An existing file is not overwritten, nor removed. */
	memset(&err, 0, sizeof(err));
	assert_int_equal(ami_overlay_create(f->src, f->src, AMI_FORMAT_RAW, 0,
	    &err), -1);
	assert_non_null(strstr(err.msg, "File exists"));
	kept = mc_test_read(f->src, NULL);
	assert_non_null(kept);

	memset(&err, 0, sizeof(err));
	assert_int_equal(ami_overlay_create("ov.qcow2", f->src,
	    AMI_FORMAT_RAW, 0, &err), -1);
	assert_non_null(strstr(err.msg, "absolute"));
	memset(&err, 0, sizeof(err));
	assert_int_equal(ami_overlay_create(ov, "json:{}", AMI_FORMAT_RAW, 0,
	    &err), -1);
	assert_non_null(strstr(err.msg, "absolute"));
	assert_false(exists(ov));

	memset(&err, 0, sizeof(err));
	assert_int_equal(ami_overlay_info(ov, &info, &err), -1);
	assert_null(info);
	assert_non_null(strstr(err.msg, "qemu-img info failed"));
	memset(&err, 0, sizeof(err));
	assert_int_equal(ami_overlay_info("-h", &info, &err), -1);
	assert_null(info);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fetch_whole, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_fetch_resume, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_fetch_range_ignored,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_fetch_cached, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_fetch_part_too_long,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_fetch_failures, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_fetch_bad_args, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_paths_has_remove, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_path_ids, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overlay, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overlay_failures, setup,
		    teardown),
	};
	int rc;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}

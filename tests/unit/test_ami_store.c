/*
 * Tests of ami_store in a scratch STATE_DIR: ids, layout, ImageLocation
 * traversal with real symlinks, adding files (raw, qcow2, refused,
 * too big, twice) and URLs from a real libmicrohttpd server, removal and
 * SHA-256.  After every failed add the store holds nothing new.
 */
#include <dirent.h>

#include <curl/curl.h>

#include "ami_test.h"

#include "mc_cleanup.h"
#include "mc_err.h"
#include "ami_store.h"

#define ID		"ami-0123456789abcdef0"
#define ID2		"ami-00000000000000001"
#define MIB		(1024 * 1024)
#define BAD		MC_EC_INVALID_PARAMETER_VALUE

struct fixture {
	char	*dir;		/* STATE_DIR */
	char	 images[512], import[512];
};

static int
setup(void **state)
{
	struct fixture	*f = calloc(1, sizeof(*f));
	struct mc_err	 err = { 0 };

	assert_non_null(f);
	f->dir = mc_test_tmpdir();
	(void)snprintf(f->images, sizeof(f->images), "%s/images", f->dir);
	(void)snprintf(f->import, sizeof(f->import), "%s/images/import",
	    f->dir);
	assert_int_equal(ami_store_init(f->dir, &err), 0);
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

static void
sh(const char *dir, const char *cmd)
{
	char line[2048];

	(void)snprintf(line, sizeof(line), "cd '%s' && %s", dir, cmd);
	if (system(line) != 0)
		fail_msg("command failed: %s", cmd);
}

/* Names in images/ besides import/: what the store holds. */
static int
n_stored(const struct fixture *f)
{
	DIR		*d = opendir(f->images);
	struct dirent	*e;
	int		 n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.' && strcmp(e->d_name, "import") != 0)
			n++;
	closedir(d);
	return n;
}

static void
test_id_check(void **state)
{
	static const struct {
		const char	*id;
		int		 want;
	} cases[] = {
		{ "ami-0123456789abcdef0", 0 },
		{ "aki-0123456789abcdef0", 0 },
		{ "ari-0123456789abcdef0", 0 },
		{ "ami-12345678", -1 },
		{ "ami-0123456789ABCDEF0", -1 },
		{ "ami-0123456789abcdef", -1 },
		{ "ami-0123456789abcdef01", -1 },
		{ "ami-0123456789abcdef0/", -1 },
		{ "ami-../../../etc/passwd", -1 },
		{ "i-0123456789abcdef0", -1 },
		{ "vol-0123456789abcdef0", -1 },
		{ "AMI-0123456789abcdef0", -1 },
		{ "", -1 },
		{ NULL, -1 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < MC_NELEMS(cases); i++) {
		struct mc_err err = { 0 };

		assert_int_equal(ami_id_check(cases[i].id, &err),
		    cases[i].want);
		assert_int_equal(err.code, cases[i].want == 0 ? MC_EC_NONE :
		    MC_EC_INVALID_AMI_ID_MALFORMED);
	}
}

static void
test_init_and_paths(void **state)
{
	struct fixture	*f = *state;
	struct mc_err	 err = { 0 };
	struct stat	 st;
	char		 buf[600], tiny[16];

	assert_int_equal(stat(f->import, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	/* An interrupted add's .tmp goes at init; other files stay. */
	sh(f->images, "touch " ID ".tmp other.tmp " ID2);
	assert_int_equal(ami_store_init(f->dir, &err), 0);
	sh(f->images, "! test -e " ID ".tmp");
	assert_int_equal(n_stored(f), 2);

	assert_int_equal(ami_store_path(f->dir, ID, buf, sizeof(buf), &err),
	    0);
	assert_true(strcmp(buf + strlen(f->dir), "/images/" ID) == 0);
	assert_int_equal(ami_store_import_dir(f->dir, buf, sizeof(buf), &err),
	    0);
	assert_string_equal(buf, f->import);
	assert_int_equal(ami_store_path(f->dir, ID, tiny, sizeof(tiny), &err),
	    -1);
	assert_int_equal(err.code, MC_EC_INTERNAL_ERROR);
	memset(&err, 0, sizeof(err));
	assert_int_equal(ami_store_path(f->dir, "ami-x/../..", buf,
	    sizeof(buf), &err), -1);
	assert_int_equal(err.code, MC_EC_INVALID_AMI_ID_MALFORMED);
}

static void
test_import_path(void **state)
{
	static const struct {
		const char	*loc;
		const char	*want;	/* under import/; NULL: refused */
		const char	*want_msg;
	} cases[] = {
		{ "disk.raw", "disk.raw", NULL },
		{ "sub/disk2.raw", "sub/disk2.raw", NULL },
		{ "./sub//disk2.raw", "sub/disk2.raw", NULL },
		{ "link-in", "disk.raw", NULL },
		{ "sub/up/disk.raw", "disk.raw", NULL },
		{ "..dots", "..dots", NULL },
		{ "link-out", NULL, "outside" },
		{ "dir-out/passwd", NULL, "outside" },
		{ "up2/import/disk.raw", "disk.raw", NULL },
		{ "up2/other", NULL, "outside" },
		{ "link-store", NULL, "outside" },
		{ ".", NULL, "outside" },
		{ "sub", "sub", NULL },
		{ "..", NULL, "\"..\"" },
		{ "../images/import/disk.raw", NULL, "\"..\"" },
		{ "sub/../disk.raw", NULL, "\"..\"" },
		{ "sub/..", NULL, "\"..\"" },
		{ "/etc/passwd", NULL, "relative" },
		{ "", NULL, "empty" },
		{ NULL, NULL, "empty" },
		{ "missing.raw", NULL, "cannot be read" },
		{ "dangling", NULL, "cannot be read" },
	};
	struct fixture	*f = *state;
	char		 buf[1024], want[2100], real_import[1024];
	size_t		 i;

	sh(f->import, "touch disk.raw ..dots && mkdir sub && "
	    "touch sub/disk2.raw ../other && ln -s disk.raw link-in && "
	    "ln -s /etc/passwd link-out && ln -s /etc dir-out && "
	    "ln -s .. sub/up && ln -s .. up2 && ln -s ../other link-store && "
	    "ln -s nowhere dangling");
	assert_non_null(realpath(f->import, real_import));
	for (i = 0; i < MC_NELEMS(cases); i++) {
		struct mc_err	err = { 0 };
		int		rc;

		rc = ami_store_import_path(f->dir, cases[i].loc, buf,
		    sizeof(buf), &err);
		if (cases[i].want != NULL) {
			if (rc != 0)
				fail_msg("%s: %s", cases[i].loc, err.msg);
			(void)snprintf(want, sizeof(want), "%s/%s",
			    real_import, cases[i].want);
			assert_string_equal(buf, want);
			continue;
		}
		if (rc != -1 || err.code != BAD ||
		    strstr(err.msg, cases[i].want_msg) == NULL)
			fail_msg("%s: rc %d, %s", cases[i].loc, rc, err.msg);
	}
}

static void
test_import_path_too_long(void **state)
{
	struct fixture	*f = *state;
	struct mc_err	 err = { 0 };
	char		 loc[1100], buf[1024];

	memset(loc, 'a', sizeof(loc) - 1);
	loc[sizeof(loc) - 1] = '\0';
	assert_int_equal(ami_store_import_path(f->dir, loc, buf, sizeof(buf),
	    &err), -1);
	assert_int_equal(err.code, BAD);
}

static void
test_add_file(void **state)
{
	static const struct {
		const char	*make;		/* shell, in import/ */
		const char	*src;
		const char	*id;
		uint64_t	 max_bytes;
		enum mc_ec	 want_code;
		const char	*want_msg;
		enum ami_format	 want_fmt;
		uint64_t	 want_vsize;
	} cases[] = {
		{ "qemu-img create -q -f raw a.raw 1M", "a.raw", ID, MIB,
		    MC_EC_NONE, NULL, AMI_FORMAT_RAW, MIB },
		{ "qemu-img create -q -f qcow2 a.qcow2 64M", "a.qcow2", ID2,
		    MIB, MC_EC_NONE, NULL, AMI_FORMAT_QCOW2, 64 * MIB },
		{ "qemu-img create -q -f raw b.raw 2M", "b.raw",
		    "ami-00000000000000002", MIB, BAD, "larger than", 0, 0 },
		{ "qemu-img create -q -f vmdk c.vmdk 1M", "c.vmdk",
		    "ami-00000000000000003", MIB, BAD, "format vmdk", 0, 0 },
		{ "head -c 1000 /dev/zero > odd", "odd",
		    "ami-00000000000000004", MIB, BAD, "512-byte", 0, 0 },
		/* A kernel is a file, not a disk: any size will do. */
		{ "true", "odd", "aki-00000000000000007", MIB, MC_EC_NONE,
		    NULL, AMI_FORMAT_RAW, 1000 },
		{ "touch empty", "empty", "ari-00000000000000008", MIB, BAD,
		    "cannot be empty", 0, 0 },
		{ "mkdir d", "d", "ami-00000000000000005", MIB, BAD,
		    "not a regular file", 0, 0 },
		{ "true", "missing", "ami-00000000000000006", MIB, BAD,
		    "cannot be opened", 0, 0 },
		{ "true", "a.raw", "ami-bad", MIB,
		    MC_EC_INVALID_AMI_ID_MALFORMED, "Invalid id", 0, 0 },
		/* Already stored: refused, and the first copy stays. */
		{ "true", "a.raw", ID, MIB, MC_EC_INTERNAL_ERROR, "cannot "
		    "store", 0, 0 },
	};
	struct fixture	*f = *state;
	char		 src[600], dst[600], sha[AMI_SHA256_HEX + 1];
	size_t		 i;
	int		 stored = 0;

	for (i = 0; i < MC_NELEMS(cases); i++) {
		struct ami_file	got = { .probe.format = AMI_FORMAT__MAX };
		struct mc_err	err = { 0 };
		int		rc;

		sh(f->import, cases[i].make);
		(void)snprintf(src, sizeof(src), "%s/%s", f->import,
		    cases[i].src);
		rc = ami_store_add_file(f->dir, cases[i].id, src,
		    cases[i].max_bytes, &got, &err);
		if (err.code != cases[i].want_code)
			fail_msg("%s: %d %s", cases[i].src, err.code, err.msg);
		if (rc < 0) {
			if (strstr(err.msg, cases[i].want_msg) == NULL)
				fail_msg("%s: %s", cases[i].src, err.msg);
			assert_int_equal(got.probe.format, AMI_FORMAT__MAX);
			assert_int_equal(n_stored(f), stored);
			continue;
		}
		stored++;
		assert_int_equal(n_stored(f), stored);
		assert_int_equal(got.probe.format, cases[i].want_fmt);
		assert_int_equal(got.probe.virtual_size, cases[i].want_vsize);
		assert_int_equal(ami_store_path(f->dir, cases[i].id, dst,
		    sizeof(dst), &err), 0);
		assert_int_equal(ami_sha256_file(src, sha, &err), 0);
		assert_string_equal(got.sha256, sha);
		assert_int_equal(ami_sha256_file(dst, sha, &err), 0);
		assert_string_equal(got.sha256, sha);
	}
}

/* Another add of the same id is under way: its .tmp is not ours. */
static void
test_add_file_busy(void **state)
{
	struct fixture	*f = *state;
	struct ami_file	 got;
	struct mc_err	 err = { 0 };
	char		 src[600];

	sh(f->import, "qemu-img create -q -f raw a.raw 1M");
	sh(f->images, "touch " ID ".tmp");
	(void)snprintf(src, sizeof(src), "%s/a.raw", f->import);
	assert_int_equal(ami_store_add_file(f->dir, ID, src, MIB, &got, &err),
	    -1);
	assert_non_null(strstr(err.msg, "being added"));
	sh(f->images, "test -e " ID ".tmp && ! test -e " ID);
}

static void
test_add_url(void **state)
{
	static const struct {
		const char		*path;
		enum ami_test_mode	 mode;
		uint64_t		 max_bytes;
		const char		*want_msg;	/* NULL: success */
	} cases[] = {
		{ "/file", AMI_TEST_SERVE, MIB, NULL },
		{ "/redirect", AMI_TEST_CHUNKED, MIB, NULL },
		{ "/file", AMI_TEST_FAIL, MIB, "HTTP 404" },
		{ "/file", AMI_TEST_SERVE, MIB - 512, "larger than" },
		{ "/file", AMI_TEST_CHUNKED, MIB - 512, "larger than" },
		{ "/tofile", AMI_TEST_SERVE, MIB, "only http and https" },
	};
	struct fixture		*f = *state;
	struct ami_test_srv	*srv;
	char			 src[600], url[256], id[32];
	char			 sha[AMI_SHA256_HEX + 1];
	size_t			 i;
	int			 stored = 0;

	sh(f->dir, "qemu-img create -q -f raw src.raw 1M && "
	    "printf 'not a disk' > odd");
	(void)snprintf(src, sizeof(src), "%s/src.raw", f->dir);
	srv = ami_test_srv_start(src);
	for (i = 0; i < MC_NELEMS(cases); i++) {
		struct ami_file	got;
		struct mc_err	err = { 0 };
		int		rc;

		srv->mode = cases[i].mode;
		ami_test_url(srv, cases[i].path, url, sizeof(url));
		(void)snprintf(id, sizeof(id), "ami-%017zx", i);
		rc = ami_store_add_url(f->dir, id, url, cases[i].max_bytes, 10,
		    &got, &err);
		if (cases[i].want_msg != NULL) {
			if (rc != -1 || err.code != BAD ||
			    strstr(err.msg, cases[i].want_msg) == NULL)
				fail_msg("%s: %s", cases[i].path, err.msg);
			assert_int_equal(n_stored(f), stored);
			continue;
		}
		if (rc != 0)
			fail_msg("%s: %s", cases[i].path, err.msg);
		assert_int_equal(n_stored(f), ++stored);
		assert_int_equal(got.probe.format, AMI_FORMAT_RAW);
		assert_int_equal(got.probe.virtual_size, MIB);
		assert_int_equal(ami_sha256_file(src, sha, &err), 0);
		assert_string_equal(got.sha256, sha);
	}
	ami_test_srv_stop(srv);

	/* What arrives must be an image too. */
	(void)snprintf(src, sizeof(src), "%s/odd", f->dir);
	srv = ami_test_srv_start(src);
	ami_test_url(srv, "/file", url, sizeof(url));
	{
		struct ami_file	got;
		struct mc_err	err = { 0 };

		assert_int_equal(ami_store_add_url(f->dir, ID, url, MIB, 10,
		    &got, &err), -1);
		assert_non_null(strstr(err.msg, "512-byte"));
		assert_int_equal(n_stored(f), stored);
	}
	ami_test_srv_stop(srv);
}

static void
test_remove(void **state)
{
	struct fixture	*f = *state;
	struct mc_err	 err = { 0 };

	sh(f->images, "touch " ID " " ID2);
	assert_int_equal(ami_store_remove(f->dir, ID, &err), 0);
	assert_int_equal(n_stored(f), 1);
	assert_int_equal(ami_store_remove(f->dir, ID, &err), 0);
	assert_int_equal(ami_store_remove(f->dir, "ami-*", &err), -1);
	assert_int_equal(err.code, MC_EC_INVALID_AMI_ID_MALFORMED);
	assert_int_equal(n_stored(f), 1);
}

static void
test_sha256(void **state)
{
	static const struct {
		const char	*content;
		const char	*want;
	} cases[] = {
		{ "", "e3b0c44298fc1c149afbf4c8996fb924"
		    "27ae41e4649b934ca495991b7852b855" },
		{ "abc", "ba7816bf8f01cfea414140de5dae2223"
		    "b00361a396177a9cb410ff61f20015ad" },
	};
	struct fixture	*f = *state;
	char		 path[600], hex[AMI_SHA256_HEX + 1];
	struct mc_err	 err = { 0 };
	size_t		 i;
	FILE		*out;

	(void)snprintf(path, sizeof(path), "%s/h", f->dir);
	for (i = 0; i < MC_NELEMS(cases); i++) {
		out = fopen(path, "wb");
		assert_non_null(out);
		fputs(cases[i].content, out);
		assert_int_equal(fclose(out), 0);
		assert_int_equal(ami_sha256_file(path, hex, &err), 0);
		assert_string_equal(hex, cases[i].want);
	}
	(void)snprintf(path, sizeof(path), "%s/missing", f->dir);
	assert_int_equal(ami_sha256_file(path, hex, &err), -1);
	assert_int_equal(err.code, MC_EC_INTERNAL_ERROR);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_id_check),
		cmocka_unit_test_setup_teardown(test_init_and_paths, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_import_path, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_import_path_too_long,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_add_file, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_add_file_busy, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_add_url, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remove, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sha256, setup, teardown),
	};
	int rc;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}

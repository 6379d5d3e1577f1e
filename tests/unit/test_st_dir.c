/*
 * Tests of st (the back-end table and its checks) and st_dir, with the
 * real qemu-img in a scratch directory: empty volumes of both formats,
 * growing and never shrinking, volumes from snapshots (checked with
 * qemu-img compare and by reading the bytes back), what list shows and
 * what remove leaves, bad ids and sizes, a volume in use, two builders
 * racing for one volume, and qemu-img missing.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <unistd.h>

#include "mc_test.h"

#include "mc_cleanup.h"
#include "mc_err.h"
#include "st.h"

#define V1	"vol-0123456789abcdef0"
#define V2	"vol-0123456789abcdef1"
#define V3	"vol-1a2b3c4d"
#define GIB	(1ULL << 30)
#define SRC_LEN	(3 * 1024 * 1024 + 4096)	/* not a whole MiB */
#define ID_LEN	(sizeof(V1) - 1)

struct fx {
	char		*top;
	char		 pool[256];
	char		 raw[300], qcow2[300];	/* the same content */
	struct st_pool	*p;
};

/* Byte i of source number k: no two sources, and no two MiBs, alike. */
static unsigned char
pattern(int k, size_t i)
{
	return (unsigned char)((i * (7 + (size_t)k) + i / 4096) % 251 + 1);
}

static void
sh(const char *fmt, ...)
{
	char	cmd[2048];
	va_list	ap;

	va_start(ap, fmt);
	(void)vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (system(cmd) != 0)
		fail_msg("failed: %s", cmd);
}

static void
write_source(const char *path, int k)
{
	FILE	*f = fopen(path, "wb");
	size_t	 i;

	assert_non_null(f);
	for (i = 0; i < SRC_LEN; i++)
		assert_int_not_equal(fputc(pattern(k, i), f), EOF);
	assert_int_equal(fclose(f), 0);
}

static int
setup(void **state)
{
	struct fx		*f = calloc(1, sizeof(*f));
	struct mc_err		 err = { 0 };
	struct st_pool_conf	 conf = { .backend = "dir" };

	assert_non_null(f);
	f->top = mc_test_tmpdir();
	(void)snprintf(f->pool, sizeof(f->pool), "%s/pool", f->top);
	(void)snprintf(f->raw, sizeof(f->raw), "%s/snap.raw", f->top);
	(void)snprintf(f->qcow2, sizeof(f->qcow2), "%s/snap.qcow2", f->top);
	assert_int_equal(mkdir(f->pool, 0700), 0);
	write_source(f->raw, 1);
	sh("qemu-img convert -q -f raw -O qcow2 '%s' '%s'", f->raw, f->qcow2);
	conf.dir = f->pool;
	assert_int_equal(st_pool_open(&conf, &f->p, &err), 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	st_pool_free(f->p);
	mc_test_rmdir(f->top);
	free(f->top);
	free(f);
	return 0;
}

static void
vol_file(const struct fx *f, const char *id, const char *fmt, char *buf)
{
	(void)snprintf(buf, PATH_MAX, "%s/%s.%s", f->pool, id, fmt);
}

/* What qemu-img itself says of the file's size. */
static uint64_t
qemu_img_vsize(const char *path)
{
	char		 cmd[PATH_MAX + 64], line[256];
	FILE		*p;
	uint64_t	 v = 0;

	(void)snprintf(cmd, sizeof(cmd), "qemu-img info -U --output=json '%s'",
	    path);
	assert_non_null(p = popen(cmd, "r"));
	while (fgets(line, sizeof(line), p) != NULL)
		if (strstr(line, "\"virtual-size\":") != NULL)
			v = strtoull(strchr(line, ':') + 1, NULL, 10);
	assert_int_equal(pclose(p), 0);
	return v;
}

static void
ensure_ok(struct fx *f, const char *id, uint64_t gib, enum ami_format fmt,
    const char *source, enum ami_format source_fmt)
{
	struct st_vol	v = { id, gib, fmt, source, source_fmt };
	struct mc_err	err = { 0 };
	uint64_t	size = 0;

	if (st_vol_ensure(f->p, &v, &err) < 0)
		fail_msg("ensure %s: %s", id, err.msg);
	assert_int_equal(st_vol_size(f->p, id, &size, &err), 0);
	assert_true(size >= gib * GIB);
}

/* Files in the pool other than . and .. */
static int
count_files(const struct fx *f)
{
	DIR		*d = opendir(f->pool);
	struct dirent	*e;
	int		 n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n;
}

static void
test_open_table(void **state)
{
	struct fx *f = *state;
	static const struct {
		const char	*backend, *dir;
		const char	*want;		/* message start; NULL: opens */
	} cases[] = {
		{ "dir", "@pool", NULL },
		{ NULL, "@pool", "unknown storage back end" },
		{ "rbd", "@pool", "unknown storage back end \"rbd\"" },
		{ "dir", NULL, "the volume directory must be absolute" },
		{ "dir", "pool", "the volume directory must be absolute" },
		{ "dir", "/nonexistent/pool", "the volume directory /nonex" },
		{ "dir", "@snap.raw", "the volume directory" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < MC_NELEMS(cases); i++) {
		char			 dir[300];
		struct st_pool_conf	 conf = { cases[i].backend, cases[i].dir,
					    0 };
		struct st_pool		*p = NULL;
		struct mc_err		 err = { 0 };
		int			 rc;

		if (conf.dir != NULL && conf.dir[0] == '@') {
			(void)snprintf(dir, sizeof(dir), "%s/%s", f->top,
			    conf.dir + 1);
			conf.dir = dir;
		}
		rc = st_pool_open(&conf, &p, &err);
		if (cases[i].want == NULL) {
			assert_int_equal(rc, 0);
			st_pool_free(p);
			continue;
		}
		assert_int_equal(rc, -1);
		assert_null(p);
		assert_int_equal(err.code, MC_EC_INVALID_PARAMETER_VALUE);
		if (strncmp(err.msg, cases[i].want, strlen(cases[i].want)) != 0)
			fail_msg("case %zu: %s", i, err.msg);
	}
	st_pool_free(NULL);
}

/* Empty qcow2: made at its size, grown in place, never shrunk. */
static void
test_qcow2_grow(void **state)
{
	struct fx	*f = *state;
	char		 path[PATH_MAX];
	struct stat	 st0, st1;

	ensure_ok(f, V1, 1, AMI_FORMAT_QCOW2, NULL, 0);
	vol_file(f, V1, "qcow2", path);
	assert_int_equal(stat(path, &st0), 0);
	assert_int_equal(st0.st_mode & 07777, 0600);
	assert_true(qemu_img_vsize(path) == GIB);
	sh("qemu-io -f qcow2 -c 'write -q -P 0x5a 0 64k' "
	    "-c 'write -q -P 0xa5 1023M 64k' '%s'", path);
	ensure_ok(f, V1, 1, AMI_FORMAT_QCOW2, NULL, 0);		/* again */
	ensure_ok(f, V1, 3, AMI_FORMAT_QCOW2, NULL, 0);		/* grow */
	assert_true(qemu_img_vsize(path) == 3 * GIB);
	ensure_ok(f, V1, 2, AMI_FORMAT_QCOW2, NULL, 0);		/* no shrink */
	assert_true(qemu_img_vsize(path) == 3 * GIB);
	assert_int_equal(stat(path, &st1), 0);
	assert_true(st1.st_ino == st0.st_ino);
	sh("qemu-io -f qcow2 -c 'read -q -P 0x5a 0 64k' "
	    "-c 'read -q -P 0xa5 1023M 64k' -c 'read -q -P 0 1G 64k' '%s'",
	    path);
	assert_int_equal(count_files(f), 1);
}

/* Empty raw: sparse, grown, never shrunk. */
static void
test_raw_grow(void **state)
{
	struct fx	*f = *state;
	char		 path[PATH_MAX];
	struct stat	 st;
	uint64_t	 size = 0;

	ensure_ok(f, V3, 2, AMI_FORMAT_RAW, NULL, 0);
	vol_file(f, V3, "raw", path);
	assert_int_equal(stat(path, &st), 0);
	assert_true((uint64_t)st.st_size == 2 * GIB);
	assert_true(st.st_blocks * 512 < 1024 * 1024);		/* sparse */
	ensure_ok(f, V3, 5, AMI_FORMAT_RAW, NULL, 0);
	ensure_ok(f, V3, 1, AMI_FORMAT_RAW, NULL, 0);
	assert_int_equal(stat(path, &st), 0);
	assert_true((uint64_t)st.st_size == 5 * GIB);
	assert_int_equal(st_vol_size(f->p, V3, &size, NULL), 0);
	assert_true(size == 5 * GIB);
}

/* Read the first n bytes of path and check them against source k. */
static void
check_bytes(const char *path, int k, size_t n)
{
	MC_AUTOFREE unsigned char	*buf = malloc(n);
	MC_AUTOCLOSE int		 fd = open(path, O_RDONLY);
	size_t				 i;

	assert_non_null(buf);
	assert_true(fd >= 0);
	assert_int_equal(pread(fd, buf, n, 0), (ssize_t)n);
	for (i = 0; i < n; i++)
		if (buf[i] != pattern(k, i))
			fail_msg("%s: byte %zu is %u, not %u", path, i, buf[i],
			    pattern(k, i));
}

/* From a snapshot, in each format to each format. */
static void
test_from_source(void **state)
{
	struct fx	*f = *state;
	char		 path[PATH_MAX];

	ensure_ok(f, V1, 1, AMI_FORMAT_QCOW2, f->qcow2, AMI_FORMAT_QCOW2);
	vol_file(f, V1, "qcow2", path);
	assert_true(qemu_img_vsize(path) == GIB);
	/* compare: the larger image's extra bytes must be zeros. */
	sh("qemu-img compare -q -f qcow2 -F raw '%s' '%s'", path, f->raw);
	ensure_ok(f, V2, 2, AMI_FORMAT_RAW, f->qcow2, AMI_FORMAT_QCOW2);
	vol_file(f, V2, "raw", path);
	assert_true(qemu_img_vsize(path) == 2 * GIB);
	check_bytes(path, 1, SRC_LEN);
	sh("qemu-img compare -q -f raw -F raw '%s' '%s'", path, f->raw);
	ensure_ok(f, V3, 1, AMI_FORMAT_QCOW2, f->raw, AMI_FORMAT_RAW);
	vol_file(f, V3, "qcow2", path);
	sh("qemu-img compare -q -f qcow2 -F raw '%s' '%s'", path, f->raw);
	/* Made once: a later source is not copied over it. */
	ensure_ok(f, V3, 1, AMI_FORMAT_QCOW2, f->qcow2, AMI_FORMAT_QCOW2);
	assert_int_equal(count_files(f), 3);
}

/* A raw source is copied as raw even when it looks like a qcow2. */
static void
test_raw_source_not_probed(void **state)
{
	struct fx		*f = *state;
	char			 path[PATH_MAX];
	MC_AUTOFREE char	*qcow2 = NULL, *copy = NULL;
	MC_AUTOCLOSE int	 fd = -1;
	size_t			 n = 0;
	struct stat		 st;

	ensure_ok(f, V1, 1, AMI_FORMAT_RAW, f->qcow2, AMI_FORMAT_RAW);
	vol_file(f, V1, "raw", path);
	assert_non_null(qcow2 = mc_test_read(f->qcow2, &n));
	assert_non_null(copy = malloc(n));
	assert_true((fd = open(path, O_RDONLY)) >= 0);
	assert_int_equal(pread(fd, copy, n, 0), (ssize_t)n);
	assert_memory_equal(copy, "QFI\xfb", 4);
	assert_memory_equal(copy, qcow2, n);
	assert_int_equal(fstat(fd, &st), 0);
	assert_true((uint64_t)st.st_size == GIB);
}

static void
test_bad_sources(void **state)
{
	struct fx *f = *state;
	char backed[300], big[300];
	const struct {
		const char	*source;
		enum ami_format	 fmt;
		uint64_t	 gib;
		const char	*want;		/* in the message */
	} cases[] = {
		{ backed, AMI_FORMAT_QCOW2, 1, "backing file" },
		{ f->raw, AMI_FORMAT_QCOW2, 1, "not a qcow2" },
		{ big, AMI_FORMAT_RAW, 1, "smaller than its snapshot" },
		{ "snap.raw", AMI_FORMAT_RAW, 1, "absolute path" },
		{ "/x\n", AMI_FORMAT_RAW, 1, "absolute path" },
		{ "/nonexistent/snap", AMI_FORMAT_QCOW2, 1, "" },
		{ "/nonexistent/snap", AMI_FORMAT_RAW, 1, "" },
	};
	size_t i;

	(void)snprintf(backed, sizeof(backed), "%s/backed.qcow2", f->top);
	(void)snprintf(big, sizeof(big), "%s/big.raw", f->top);
	sh("qemu-img create -q -f qcow2 -F raw -b '%s' '%s'", f->raw, backed);
	sh("truncate -s %llu '%s'", GIB + 512, big);
	for (i = 0; i < MC_NELEMS(cases); i++) {
		struct st_vol	v = { V1, cases[i].gib, AMI_FORMAT_QCOW2,
				    cases[i].source, cases[i].fmt };
		struct mc_err	err = { 0 };

		assert_int_equal(st_vol_ensure(f->p, &v, &err), -1);
		if (strstr(err.msg, cases[i].want) == NULL)
			fail_msg("case %zu: %s", i, err.msg);
		/* Nothing left behind, not even the temporary file. */
		assert_int_equal(count_files(f), 0);
	}
}

static void
test_bad_input(void **state)
{
	struct fx *f = *state;
	static const char *const ids[] = {
		NULL, "", "vol-", "vol-0123456789ABCDEF0", "../etc/passwd",
		"vol-0123456789abcdef0/../../x", "i-0123456789abcdef0",
		"vol-0123456789abcdef0.qcow2", "vol-0123456789abcdef01",
	};
	static const struct {
		uint64_t	gib;
		int		fmt;
	} sizes[] = {
		{ 0, AMI_FORMAT_RAW }, { ST_VOL_GIB_MAX + 1, AMI_FORMAT_RAW },
		{ UINT64_MAX, AMI_FORMAT_QCOW2 }, { 1, AMI_FORMAT__MAX },
		{ 1, -1 },
	};
	struct st_disk	disk = { .n_hosts = 7 };
	uint64_t	size = 7;
	size_t		i;

	for (i = 0; i < MC_NELEMS(ids); i++) {
		struct st_vol	v = { ids[i], 1, AMI_FORMAT_QCOW2, NULL, 0 };
		struct mc_err	err[4];

		memset(err, 0, sizeof(err));
		assert_int_equal(st_vol_ensure(f->p, &v, &err[0]), -1);
		assert_int_equal(st_vol_remove(f->p, ids[i], &err[1]), -1);
		assert_int_equal(st_vol_size(f->p, ids[i], &size, &err[2]), -1);
		assert_int_equal(st_vol_disk(f->p, ids[i], &disk, &err[3]), -1);
		for (size_t k = 0; k < MC_NELEMS(err); k++)
			assert_int_equal(err[k].code,
			    MC_EC_INVALID_VOLUME_ID_MALFORMED);
	}
	for (i = 0; i < MC_NELEMS(sizes); i++) {
		struct st_vol	v = { V1, sizes[i].gib,
				    (enum ami_format)sizes[i].fmt, NULL, 0 };
		struct mc_err	err = { 0 };

		assert_int_equal(st_vol_ensure(f->p, &v, &err), -1);
		assert_int_equal(err.code, MC_EC_INVALID_PARAMETER_VALUE);
	}
	assert_int_equal(count_files(f), 0);
	assert_true(size == 7 && disk.n_hosts == 7);	/* untouched */
}

/* Missing volumes; a volume asked for in the format it does not have. */
static void
test_missing_and_mismatch(void **state)
{
	struct fx	*f = *state;
	struct st_vol	 raw = { V1, 1, AMI_FORMAT_RAW, NULL, 0 };
	struct st_disk	 disk;
	struct mc_err	 err = { 0 };
	uint64_t	 size;
	char		 path[PATH_MAX];

	assert_int_equal(st_vol_size(f->p, V1, &size, &err), -1);
	assert_int_equal(err.code, MC_EC_INVALID_VOLUME_NOT_FOUND);
	memset(&err, 0, sizeof(err));
	assert_int_equal(st_vol_disk(f->p, V1, &disk, &err), -1);
	assert_int_equal(err.code, MC_EC_INVALID_VOLUME_NOT_FOUND);
	assert_int_equal(st_vol_remove(f->p, V1, &err), 0);	/* none: ok */
	ensure_ok(f, V1, 1, AMI_FORMAT_QCOW2, NULL, 0);
	memset(&err, 0, sizeof(err));
	assert_int_equal(st_vol_ensure(f->p, &raw, &err), -1);
	assert_string_equal(err.msg, "volume " V1 " exists as qcow2, not raw");
	/* Two files for one volume: a human must look. */
	vol_file(f, V1, "raw", path);
	sh("touch '%s'", path);
	memset(&err, 0, sizeof(err));
	assert_int_equal(st_vol_disk(f->p, V1, &disk, &err), -1);
	assert_non_null(strstr(err.msg, "is not its only regular file"));
}

static void
test_disk(void **state)
{
	struct fx	*f = *state;
	struct st_disk	 disk;
	struct mc_err	 err = { 0 };
	char		 path[PATH_MAX];

	ensure_ok(f, V1, 1, AMI_FORMAT_QCOW2, NULL, 0);
	ensure_ok(f, V2, 1, AMI_FORMAT_RAW, NULL, 0);
	assert_int_equal(st_vol_disk(f->p, V1, &disk, &err), 0);
	assert_int_equal(disk.type, ST_DISK_FILE);
	assert_int_equal(disk.format, AMI_FORMAT_QCOW2);
	vol_file(f, V1, "qcow2", path);
	assert_string_equal(disk.path, path);
	assert_int_equal(disk.n_hosts, 0);
	assert_string_equal(disk.protocol, "");
	assert_int_equal(st_vol_disk(f->p, V2, &disk, &err), 0);
	assert_int_equal(disk.format, AMI_FORMAT_RAW);
	vol_file(f, V2, "raw", path);
	assert_string_equal(disk.path, path);
}

/* Only regular files named like volumes are listed, and removed. */
static void
test_list_remove(void **state)
{
	struct fx *f = *state;
	static const char *const junk[] = {
		"notes.txt", "vol-xyz.qcow2",
		".vol-0123456789abcdef2.qcow2.a1B2c3",
		"vol-0123456789abcdef2.qcow2.part", "vol-0123456789abcdef2.vmdk",
		"vol-0123456789abcdef2", "i-0123456789abcdef2.raw",
	};
	MC_AUTOFREE struct st_vol_id	*ids = NULL;
	struct mc_err			 err = { 0 };
	size_t				 n = 99, i;

	assert_int_equal(st_vol_list(f->p, &ids, &n, &err), 0);
	assert_null(ids);
	assert_int_equal(n, 0);
	for (i = 0; i < MC_NELEMS(junk); i++)
		sh("echo x > '%s/%s'", f->pool, junk[i]);
	sh("mkdir '%s/vol-0123456789abcdef3.raw'", f->pool);
	sh("ln -s /etc/passwd '%s/vol-0123456789abcdef4.qcow2'", f->pool);
	ensure_ok(f, V2, 1, AMI_FORMAT_QCOW2, NULL, 0);
	ensure_ok(f, V3, 1, AMI_FORMAT_RAW, NULL, 0);
	ensure_ok(f, V1, 1, AMI_FORMAT_QCOW2, NULL, 0);
	assert_int_equal(st_vol_list(f->p, &ids, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_string_equal(ids[0].id, V1);
	assert_string_equal(ids[1].id, V2);
	assert_string_equal(ids[2].id, V3);
	assert_int_equal(st_vol_remove(f->p, V1, &err), 0);
	assert_int_equal(st_vol_remove(f->p, V1, &err), 0);
	assert_int_equal(st_vol_remove(f->p, V2, &err), 0);
	assert_int_equal(st_vol_remove(f->p, V3, &err), 0);
	free(ids);
	assert_int_equal(st_vol_list(f->p, &ids, &n, &err), 0);
	assert_int_equal(n, 0);
	/* Every other file is still there. */
	assert_int_equal(count_files(f), (int)MC_NELEMS(junk) + 2);
}

/* A QEMU's lock on the file (here our own) keeps it. */
static void
test_remove_in_use(void **state)
{
	struct fx		*f = *state;
	struct mc_err		 err = { 0 };
	char			 path[PATH_MAX];
	MC_AUTOCLOSE int	 fd = -1;
	struct flock		 fl = { .l_type = F_RDLCK, .l_whence = SEEK_SET,
				    .l_start = 100, .l_len = 1 };

	ensure_ok(f, V1, 1, AMI_FORMAT_QCOW2, NULL, 0);
	vol_file(f, V1, "qcow2", path);
	assert_true((fd = open(path, O_RDONLY)) >= 0);
	assert_int_equal(fcntl(fd, F_OFD_SETLK, &fl), 0);
	assert_int_equal(st_vol_remove(f->p, V1, &err), -1);
	assert_int_equal(err.code, MC_EC_VOLUME_IN_USE);
	assert_int_equal(access(path, F_OK), 0);
	(void)close(mc_steal_fd(&fd));
	assert_int_equal(st_vol_remove(f->p, V1, &err), 0);
	assert_int_equal(access(path, F_OK), -1);
}

/*
 * Two builders (two hosts on one NFS directory) make one volume from
 * different snapshots at once: both succeed, one whole copy stays.
 */
static void
test_race(void **state)
{
	struct fx	*f = *state;
	char		 src2[300], path[PATH_MAX];
	int		 go[2], k, status;
	pid_t		 pid[2];
	char		 c;

	(void)snprintf(src2, sizeof(src2), "%s/snap2.raw", f->top);
	write_source(src2, 2);
	assert_int_equal(pipe(go), 0);
	for (k = 0; k < 2; k++) {
		if ((pid[k] = fork()) == 0) {
			struct st_vol v = { V1, 1, AMI_FORMAT_RAW,
			    k == 0 ? f->raw : src2, AMI_FORMAT_RAW };

			(void)close(go[1]);
			(void)read(go[0], &c, 1);	/* both at once */
			_exit(st_vol_ensure(f->p, &v, NULL) == 0 ? 0 : 1);
		}
		assert_true(pid[k] > 0);
	}
	(void)close(go[0]);
	(void)close(go[1]);
	for (k = 0; k < 2; k++) {
		assert_int_equal(waitpid(pid[k], &status, 0), pid[k]);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	assert_int_equal(count_files(f), 1);
	vol_file(f, V1, "raw", path);
	sh("qemu-img compare -q -f raw -F raw '%s' '%s' || "
	    "qemu-img compare -q -f raw -F raw '%s' '%s'", path, f->raw, path,
	    src2);
}

/* Without qemu-img: an error, and nothing left behind. */
static void
test_no_qemu_img(void **state)
{
	struct fx	*f = *state;
	struct st_vol	 v = { V1, 1, AMI_FORMAT_QCOW2, NULL, 0 };
	struct mc_err	 err = { 0 };
	char		*path = strdup(getenv("PATH"));

	assert_non_null(path);
	assert_int_equal(setenv("PATH", "/nonexistent", 1), 0);
	assert_int_equal(st_vol_ensure(f->p, &v, &err), -1);
	assert_int_equal(setenv("PATH", path, 1), 0);
	free(path);
	assert_int_equal(err.code, MC_EC_INTERNAL_ERROR);
	assert_non_null(strstr(err.msg, "qemu-img"));
	assert_int_equal(count_files(f), 0);
}

#define T(fn)	cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_open_table),
		T(test_qcow2_grow),
		T(test_raw_grow),
		T(test_from_source),
		T(test_raw_source_not_probed),
		T(test_bad_sources),
		T(test_bad_input),
		T(test_missing_and_mismatch),
		T(test_disk),
		T(test_list_remove),
		T(test_remove_in_use),
		T(test_race),
		T(test_no_qemu_img),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

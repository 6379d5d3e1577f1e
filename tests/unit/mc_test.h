/*
 * mc_test: helpers the unit tests share: reading fixtures, golden files
 * (MC_GOLDEN_WRITE=1 rewrites them; `make golden`), and scratch
 * directories.  Header-only so that each test stays one .c file.
 */
#ifndef MC_TEST_H
#define MC_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

/* Read a whole file into a new NUL-terminated buffer; NULL if missing. */
static inline char *
mc_test_read(const char *path, size_t *ret_len)
{
	FILE	*f = fopen(path, "rb");
	char	*buf;
	long	 n;

	if (f == NULL)
		return NULL;
	(void)fseek(f, 0, SEEK_END);
	n = ftell(f);
	(void)fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	if (ret_len != NULL)
		*ret_len = (size_t)n;
	return buf;
}

/* Compare got with the golden file path, or rewrite it when asked. */
static inline void
mc_test_golden(const char *path, const char *got)
{
	char *want;

	if (getenv("MC_GOLDEN_WRITE") != NULL) {
		FILE *f = fopen(path, "wb");

		assert_non_null(f);
		fputs(got, f);
		fclose(f);
		return;
	}
	want = mc_test_read(path, NULL);
	if (want == NULL)
		fail_msg("golden file %s is missing (make golden)", path);
	if (strcmp(want, got) != 0)
		fail_msg("%s differs:\n--- want\n%s\n--- got\n%s", path, want,
		    got);
	free(want);
}

/* A new empty directory under /tmp; the caller removes it. */
static inline char *
mc_test_tmpdir(void)
{
	char *d = strdup("/tmp/mc-unit-XXXXXX");

	assert_non_null(d);
	assert_non_null(mkdtemp(d));
	return d;
}

/* rm -rf dir (our own scratch directory only). */
static inline void
mc_test_rmdir(const char *dir)
{
	char cmd[512];

	assert_true(strncmp(dir, "/tmp/mc-unit-", 13) == 0);
	(void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

#endif /* MC_TEST_H */

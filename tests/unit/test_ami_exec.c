/*
 * Tests of ami_exec with real programs: exit status, both streams, the
 * output cap, signals, a blocked signal not passed on, the time limit,
 * a program that does not exist, and ami_exec_ok's view of the status.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <time.h>

#include "mc_test.h"

#include "mc_cleanup.h"
#include "mc_err.h"
#include "ami_exec.h"

#define CAP	1000

static void
test_run_table(void **state)
{
	static const struct {
		const char	*script;	/* for sh -c */
		int		 want_status;
		const char	*want_out;
		const char	*want_err;
		bool		 want_trunc;
	} cases[] = {
		{ "echo out; echo err >&2; exit 3", 3, "out\n", "err\n",
		    false },
		{ "cat", 0, "", "", false },	/* stdin is /dev/null */
		{ "kill -9 $$", 128 + 9, "", "", false },
		/* The caller blocks SIGTERM; the program must not. */
		{ "kill -TERM $$; sleep 1", 128 + 15, "", "", false },
		{ "head -c 100000 /dev/zero | tr '\\0' a", 0, NULL, "", true },
		{ "head -c 5000 /dev/zero | tr '\\0' b >&2; echo x", 0, "x\n",
		    NULL, true },
	};
	sigset_t	term, old;
	size_t		i;

	(void)state;
	(void)sigemptyset(&term);
	(void)sigaddset(&term, SIGTERM);
	assert_int_equal(pthread_sigmask(SIG_BLOCK, &term, &old), 0);
	for (i = 0; i < MC_NELEMS(cases); i++) {
		const char *argv[] = { "sh", "-c", cases[i].script, NULL };
		struct ami_exec_result	r = { 0 };
		struct mc_err		err = { 0 };

		if (ami_exec_run(argv, 10000, CAP, &r, &err) < 0)
			fail_msg("%s: %s", cases[i].script, err.msg);
		if (r.status != cases[i].want_status)
			fail_msg("%s: status %d", cases[i].script, r.status);
		if (cases[i].want_out != NULL)
			assert_string_equal(r.out, cases[i].want_out);
		else
			assert_int_equal(strlen(r.out), CAP);
		if (cases[i].want_err != NULL)
			assert_string_equal(r.errout, cases[i].want_err);
		else
			assert_int_equal(strlen(r.errout), CAP);
		assert_int_equal(r.truncated, cases[i].want_trunc);
		ami_exec_result_clear(&r);
	}
	assert_int_equal(pthread_sigmask(SIG_SETMASK, &old, NULL), 0);
}

/*
 * The program has 0, 1, 2 and whatever this process has without
 * FD_CLOEXEC (the test runner's own): none of our pipes.
 */
static void
test_no_fd_leak(void **state)
{
	const char		*argv[] = { "sh", "-c", "ls /proc/$$/fd",
				    NULL };
	struct ami_exec_result	 r = { 0 };
	struct mc_err		 err = { 0 };
	char			*p, *end;
	long			 fd;
	int			 n = 0, flags;

	(void)state;
	assert_int_equal(ami_exec_run(argv, 10000, CAP, &r, &err), 0);
	for (p = r.out; *p != '\0'; p = end + (*end != '\0'), n++) {
		fd = strtol(p, &end, 10);
		assert_true(end > p);
		if (fd <= 2)
			continue;
		flags = fcntl((int)fd, F_GETFD);
		if (flags < 0 || (flags & FD_CLOEXEC))
			fail_msg("fd %ld leaked into the program", fd);
	}
	assert_true(n >= 3);
	ami_exec_result_clear(&r);
}

static void
test_timeout(void **state)
{
	const char		*argv[] = { "sleep", "10", NULL };
	struct ami_exec_result	 r = { .status = -7 };
	struct mc_err		 err = { 0 };
	time_t			 t0 = time(NULL);

	(void)state;
	assert_int_equal(ami_exec_run(argv, 200, CAP, &r, &err), -1);
	assert_true(time(NULL) - t0 < 5);
	assert_non_null(strstr(err.msg, "did not finish"));
	assert_int_equal(r.status, -7);		/* untouched */
	assert_null(r.out);
}

static void
test_not_found(void **state)
{
	const char		*argv[] = { "/nonexistent/prog", NULL };
	const char		*argv2[] = { "no-such-program-here", NULL };
	struct ami_exec_result	 r = { 0 };
	struct mc_err		 err = { 0 };

	(void)state;
	assert_int_equal(ami_exec_run(argv, 1000, CAP, &r, &err), -1);
	assert_int_equal(err.code, MC_EC_INTERNAL_ERROR);
	assert_non_null(strstr(err.msg, "No such file"));
	memset(&err, 0, sizeof(err));
	assert_int_equal(ami_exec_run(argv2, 1000, CAP, &r, &err), -1);
	assert_null(r.out);
	ami_exec_result_clear(&r);
}

static void
test_ok_table(void **state)
{
	static const struct {
		const char	*script;	/* for sh -c */
		int		 want_rc;
		const char	*want;		/* stdout, or the message */
	} cases[] = {
		{ "echo out; echo err >&2", 0, "out\n" },
		{ "echo out; printf 'no\\nmore' >&2; exit 2", -1,
		    "sh -c failed (status 2): no" },
		{ "kill -9 $$", -1, "sh -c failed (status 137): " },
	};
	size_t i;

	(void)state;
	for (i = 0; i < MC_NELEMS(cases); i++) {
		const char	*argv[] = { "sh", "-c", cases[i].script, NULL };
		struct mc_err	 err = { 0 };
		char		*out = NULL;
		int		 rc = ami_exec_ok(argv, 10000, CAP, &out, &err);

		if (rc != cases[i].want_rc)
			fail_msg("%s: %d %s", cases[i].script, rc, err.msg);
		if (rc == 0) {
			assert_string_equal(out, cases[i].want);
			free(out);
		} else {
			assert_null(out);
			assert_int_equal(err.code, MC_EC_INTERNAL_ERROR);
			assert_string_equal(err.msg, cases[i].want);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_run_table),
		cmocka_unit_test(test_no_fd_leak),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_not_found),
		cmocka_unit_test(test_ok_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

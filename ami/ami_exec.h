/*
 * ami_exec: run a program (no shell) and capture a bounded amount of
 * its stdout and stderr, with a time limit.  For qemu-img; it knows
 * nothing of what it runs.  Candidate for lib/ (mc_exec) once another
 * module needs it.
 */
#ifndef AMI_EXEC_H
#define AMI_EXEC_H

#include <stdbool.h>
#include <stddef.h>

struct mc_err;

/* What a finished program left. */
struct ami_exec_result {
	int	 status;	/* exit status, or 128 + signal number */
	char	*out;		/* stdout, NUL-terminated, owned */
	char	*errout;	/* stderr, NUL-terminated, owned */
	bool	 truncated;	/* stdout or stderr outgrew the cap */
};

/*
 * Run argv[0] (looked up in PATH) with argv (borrowed, NULL-terminated),
 * stdin from /dev/null, the signal mask and dispositions reset.  Keeps at
 * most cap bytes of each of stdout and stderr (the rest is read and
 * dropped).  Kills the program after timeout_ms.  Returns 0 once it has
 * exited, whatever its status, with *ret filled (clear it with
 * ami_exec_result_clear); -1 with err set when it cannot be started or
 * was killed for time, *ret then untouched.
 */
int	ami_exec_run(const char *const argv[], int timeout_ms, size_t cap,
	    struct ami_exec_result *ret, struct mc_err *err);

/*
 * Run argv as ami_exec_run does and require exit status 0.  On success
 * *ret_out (may be NULL: not wanted) is a new string holding stdout,
 * which the caller frees.  Returns 0, or -1 with err set: as
 * ami_exec_run, or InternalError "<prog> <first arg> failed (status N):
 * <first line of stderr>" (which may name paths: log it, do not show it
 * to an API client).
 */
int	ami_exec_ok(const char *const argv[], int timeout_ms, size_t cap,
	    char **ret_out, struct mc_err *err);

/* Free what *r holds; r may be all zero. */
void	ami_exec_result_clear(struct ami_exec_result *r);

#endif /* AMI_EXEC_H */

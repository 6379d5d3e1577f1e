/*
 * ami_exec: posix_spawnp plus a poll loop over two pipes.  posix_spawn,
 * not fork: the agent calls this from worker threads, and between fork
 * and exec a threaded child may only make async-signal-safe calls.
 * The caller must not ignore SIGCHLD (the child is reaped here).
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mc_buf.h"
#include "mc_cleanup.h"
#include "mc_err.h"
#include "ami_exec.h"

#define READ_CHUNK	4096

extern char **environ;

/* One end of a pipe we read, with what we keep of it. */
struct sink {
	int		fd;		/* -1 once at EOF */
	struct mc_buf	buf;
	size_t		cap;
	bool		truncated;
};

static int
spawn(const char *const argv[], int out_w, int err_w, pid_t *ret_pid,
    struct mc_err *err)
{
	posix_spawn_file_actions_t	fa;
	posix_spawnattr_t		attr;
	sigset_t			none, all;
	int				rc;

	/* The agent blocks signals for its loop; the child must not. */
	(void)sigemptyset(&none);
	(void)sigfillset(&all);
	if ((rc = posix_spawn_file_actions_init(&fa)) != 0)
		return mc_err_sys(err, rc, "cannot start a program");
	if ((rc = posix_spawnattr_init(&attr)) != 0) {
		(void)posix_spawn_file_actions_destroy(&fa);
		return mc_err_sys(err, rc, "cannot start a program");
	}
	rc = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (rc == 0)
		rc = posix_spawn_file_actions_adddup2(&fa, out_w, 1);
	if (rc == 0)
		rc = posix_spawn_file_actions_adddup2(&fa, err_w, 2);
	if (rc == 0)
		rc = posix_spawnattr_setsigmask(&attr, &none);
	if (rc == 0)
		rc = posix_spawnattr_setsigdefault(&attr, &all);
	if (rc == 0)
		rc = posix_spawnattr_setflags(&attr,
		    POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	if (rc == 0)
		rc = posix_spawnp(ret_pid, argv[0], &fa, &attr,
		    (char *const *)argv, environ);
	(void)posix_spawnattr_destroy(&attr);
	(void)posix_spawn_file_actions_destroy(&fa);
	if (rc != 0)
		return mc_err_sys(err, rc, "cannot run %s: %s", argv[0],
		    strerror(rc));
	return 0;
}

static long long
now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Read what is there; keep up to the cap, drop the rest. */
static int
sink_read(struct sink *s)
{
	char	chunk[READ_CHUNK];
	ssize_t	r;
	size_t	keep;

	r = read(s->fd, chunk, sizeof(chunk));
	if (r < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : -1;
	if (r == 0) {
		(void)close(s->fd);
		s->fd = -1;
		return 0;
	}
	keep = s->cap - s->buf.len < (size_t)r ? s->cap - s->buf.len :
	    (size_t)r;
	mc_buf_add(&s->buf, chunk, keep);
	if (keep < (size_t)r)
		s->truncated = true;
	return 0;
}

/* Drain both sinks until EOF on both or the deadline.  -1: timed out. */
static int
drain(struct sink s[2], long long deadline)
{
	struct pollfd	pfd[2];
	long long	left;
	int		i, r;

	while (s[0].fd >= 0 || s[1].fd >= 0) {
		left = deadline - now_ms();
		if (left <= 0)
			return -1;
		for (i = 0; i < 2; i++)
			pfd[i] = (struct pollfd){ .fd = s[i].fd,
			    .events = POLLIN };
		r = poll(pfd, 2, left > 1000 ? 1000 : (int)left);
		if (r < 0 && errno != EINTR)
			return -1;
		for (i = 0; r > 0 && i < 2; i++)
			if (pfd[i].revents != 0 && sink_read(&s[i]) < 0) {
				(void)close(s[i].fd);
				s[i].fd = -1;
			}
	}
	return 0;
}

static int
reap(pid_t pid, bool kill_first)
{
	int status;

	if (kill_first)
		(void)kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

static void
sinks_clear(struct sink s[2])
{
	int i;

	for (i = 0; i < 2; i++) {
		if (s[i].fd >= 0)
			(void)close(s[i].fd);
		mc_buf_clear(&s[i].buf);
	}
}

/* Pipes for stdout and stderr: read ends into s, write ends into w. */
static int
open_pipes(struct sink s[2], int w[2], size_t cap, struct mc_err *err)
{
	int i, p[2];

	for (i = 0; i < 2; i++) {
		if (pipe2(p, O_CLOEXEC) < 0)
			return mc_err_sys(err, errno, "cannot make a pipe");
		s[i].fd = p[0];
		w[i] = p[1];
		s[i].cap = cap;
	}
	return 0;
}

int
ami_exec_run(const char *const argv[], int timeout_ms, size_t cap,
    struct ami_exec_result *ret, struct mc_err *err)
{
	struct sink	s[2] = { { .fd = -1 }, { .fd = -1 } };
	int		w[2] = { -1, -1 };
	long long	deadline = now_ms() + timeout_ms;
	pid_t		pid;
	int		rc = -1, status = 0;

	if (open_pipes(s, w, cap, err) == 0 &&
	    spawn(argv, w[0], w[1], &pid, err) == 0) {
		/* Our copies of the write ends go, or EOF never comes. */
		(void)close(w[0]);
		(void)close(w[1]);
		w[0] = w[1] = -1;
		rc = drain(s, deadline);
		status = reap(pid, rc < 0);
		if (rc < 0)
			(void)mc_err_set(err, MC_EC_INTERNAL_ERROR,
			    "%s did not finish within %d ms", argv[0],
			    timeout_ms);
		else if (status < 0)
			rc = mc_err_sys(err, errno, "cannot wait for %s",
			    argv[0]);
	}
	if (rc == 0) {
		struct ami_exec_result r = {
			.status = status,
			.truncated = s[0].truncated || s[1].truncated,
			.out = mc_buf_steal(&s[0].buf, NULL),
			.errout = mc_buf_steal(&s[1].buf, NULL),
		};

		if (r.out == NULL || r.errout == NULL) {
			ami_exec_result_clear(&r);
			rc = mc_err_sys(err, ENOMEM, "out of memory");
		} else
			*ret = r;
	}
	if (w[0] >= 0)
		(void)close(w[0]);
	if (w[1] >= 0)
		(void)close(w[1]);
	sinks_clear(s);
	return rc;
}

int
ami_exec_ok(const char *const argv[], int timeout_ms, size_t cap,
    char **ret_out, struct mc_err *err)
{
	struct ami_exec_result	r = { 0 };
	size_t			n;

	if (ami_exec_run(argv, timeout_ms, cap, &r, err) < 0)
		return -1;
	if (r.status != 0) {
		n = strcspn(r.errout, "\n");
		(void)mc_err_set(err, MC_EC_INTERNAL_ERROR, "%s %s failed "
		    "(status %d): %.*s", argv[0], argv[1] != NULL ? argv[1] :
		    "", r.status, (int)n, r.errout);
		ami_exec_result_clear(&r);
		return -1;
	}
	if (ret_out != NULL)
		*ret_out = mc_steal_ptr(&r.out);
	ami_exec_result_clear(&r);
	return 0;
}

void
ami_exec_result_clear(struct ami_exec_result *r)
{
	free(r->out);
	free(r->errout);
	r->out = r->errout = NULL;
}

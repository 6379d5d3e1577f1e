/*
 * agt_dnsmasq: start, signal, reap and replace a VPC's dnsmasq.
 */
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mc_err.h"
#include "mc_fs.h"
#include "mc_log.h"
#include "net_ns.h"
#include "agt_dnsmasq.h"

#define STOP_WAIT_MS	1000

static void
path_in(const char *dir, const char *name, char *buf, size_t bufsz)
{
	(void)snprintf(buf, bufsz, "%s/%s", dir, name);
}

/* Is pid a dnsmasq of ours, started with dir's configuration? */
static bool
ours(pid_t pid, const char *dir)
{
	char	path[64], cmd[PATH_MAX + 64], conf[PATH_MAX + 16];
	ssize_t	n;
	int	fd;

	(void)snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return false;
	n = read(fd, cmd, sizeof(cmd) - 1);
	(void)close(fd);
	if (n <= 0)
		return false;
	cmd[n] = '\0';
	for (ssize_t i = 0; i < n; i++)
		if (cmd[i] == '\0')
			cmd[i] = ' ';
	(void)snprintf(conf, sizeof(conf), "--conf-file=%s/dnsmasq.conf", dir);
	return strstr(cmd, conf) != NULL;
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	(void)nanosleep(&ts, NULL);
}

void
agt_dnsmasq_kill_stale(const char *dir)
{
	char	path[PATH_MAX + 16], buf[32];
	long	pid;
	int	i;

	path_in(dir, "dnsmasq.pid", path, sizeof(path));
	if (mc_fs_read_small(path, buf, sizeof(buf), NULL) < 0)
		return;
	pid = strtol(buf, NULL, 10);
	if (pid <= 1 || !ours((pid_t)pid, dir))
		return;
	mc_log(MC_LOG_INFO, "replacing the dnsmasq of an earlier agent",
	    "pid=%ld dir=%s", pid, dir);
	(void)kill((pid_t)pid, SIGTERM);
	for (i = 0; i < STOP_WAIT_MS / 50 && ours((pid_t)pid, dir); i++)
		sleep_ms(50);
	if (ours((pid_t)pid, dir))
		(void)kill((pid_t)pid, SIGKILL);
}

int
agt_dnsmasq_start(struct agt_dnsmasq *d, const char *prog, const char *ns,
    const char *dir, int64_t now_ms, struct mc_err *err)
{
	char		 conf[PATH_MAX + 32], log[PATH_MAX + 16];
	char		 pidfile[PATH_MAX + 16], buf[32];
	const char	*argv[] = { prog, conf, NULL };
	int		 fd, rc;

	(void)snprintf(d->dir, sizeof(d->dir), "%s", dir);
	agt_dnsmasq_kill_stale(dir);
	(void)snprintf(conf, sizeof(conf), "--conf-file=%s/dnsmasq.conf", dir);
	path_in(dir, "dnsmasq.log", log, sizeof(log));
	if ((fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
	    0640)) < 0)
		return mc_err_sys(err, errno, "cannot open dnsmasq's log");
	rc = net_ns_spawn(ns, argv, fd, &d->pid, err);
	(void)close(fd);
	if (rc < 0)
		return -1;
	d->started_ms = now_ms;
	path_in(dir, "dnsmasq.pid", pidfile, sizeof(pidfile));
	(void)snprintf(buf, sizeof(buf), "%d\n", (int)d->pid);
	(void)mc_fs_write_atomic(pidfile, buf, strlen(buf), 0644, NULL);
	mc_log(MC_LOG_INFO, "dnsmasq started", "ns=%s pid=%d", ns, (int)d->pid);
	return 0;
}

void
agt_dnsmasq_reload(struct agt_dnsmasq *d)
{
	if (d->pid > 0)
		(void)kill(d->pid, SIGHUP);
}

bool
agt_dnsmasq_alive(struct agt_dnsmasq *d)
{
	int st;

	if (d->pid <= 0)
		return false;
	if (waitpid(d->pid, &st, WNOHANG) == 0)
		return true;
	mc_log(MC_LOG_WARN, "dnsmasq exited", "pid=%d status=%d dir=%s",
	    (int)d->pid, WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st),
	    d->dir);
	d->pid = 0;
	return false;
}

void
agt_dnsmasq_stop(struct agt_dnsmasq *d)
{
	char	pidfile[PATH_MAX + 16];
	int	i, st;

	if (d->pid <= 0)
		return;
	(void)kill(d->pid, SIGTERM);
	for (i = 0; i < STOP_WAIT_MS / 50; i++) {
		if (waitpid(d->pid, &st, WNOHANG) != 0)
			break;
		sleep_ms(50);
	}
	if (i == STOP_WAIT_MS / 50) {
		(void)kill(d->pid, SIGKILL);
		(void)waitpid(d->pid, &st, 0);
	}
	d->pid = 0;
	path_in(d->dir, "dnsmasq.pid", pidfile, sizeof(pidfile));
	(void)unlink(pidfile);
}

/*
 * agt_dnsmasq: one dnsmasq per VPC namespace, started and watched by
 * the agent: DHCP with fixed leases for the VPC's ports, and the VPC's
 * resolver.  The agent keeps its pid in a file beside its configuration
 * so that a restarted agent finds the one it left and replaces it.
 */
#ifndef AGT_DNSMASQ_H
#define AGT_DNSMASQ_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct mc_err;

struct agt_dnsmasq {
	pid_t		pid;			/* 0 : not running */
	char		dir[PATH_MAX];		/* its files */
	int64_t		started_ms;
};

/*
 * Start prog in namespace ns with DIR/dnsmasq.conf, its output appended
 * to DIR/dnsmasq.log; a dnsmasq an earlier agent left for dir is killed
 * first.  Returns 0, or -1 with err set.
 */
int	agt_dnsmasq_start(struct agt_dnsmasq *d, const char *prog,
	    const char *ns, const char *dir, int64_t now_ms,
	    struct mc_err *err);

/* Re-read the hosts files (SIGHUP). */
void	agt_dnsmasq_reload(struct agt_dnsmasq *d);

/* Still running?  Reaps it when it is not. */
bool	agt_dnsmasq_alive(struct agt_dnsmasq *d);

/* Stop it (SIGTERM, then SIGKILL after a second) and reap it. */
void	agt_dnsmasq_stop(struct agt_dnsmasq *d);

/* Kill what an earlier agent started for dir, if it still runs. */
void	agt_dnsmasq_kill_stale(const char *dir);

#endif /* AGT_DNSMASQ_H */

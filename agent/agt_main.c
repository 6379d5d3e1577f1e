/*
 * minicloud-agent: one per hypervisor host.  Wires the config, libvirt
 * (with its domain events), the image table, the desired-state poller
 * and the reconcile loop, then runs the loop until SIGTERM or SIGINT.
 * Instances keep running when the agent stops; the next agent adopts
 * them.
 */
#include <sys/random.h>
#include <sys/signalfd.h>
#include <sys/statvfs.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "mc_err.h"
#include "mc_fs.h"
#include "mc_log.h"
#include "mc_proto.h"
#include "mc_time.h"
#include "hv_conn.h"
#include "hv_domain.h"
#include "hv_events.h"
#include "agt_client.h"
#include "agt_conf.h"
#include "agt_images.h"
#include "agt_imds.h"
#include "agt_md.h"
#include "agt_net.h"
#include "agt_poll.h"
#include "agt_reconcile.h"
#include "agt_snap.h"
#include "st.h"

#define PROG		"minicloud-agent"
#define VERSION		"0.3"
#define TICK_MS		1000

/* Everything main owns, torn down in reverse by agent_stop. */
struct agent {
	struct agt_conf		 conf;
	struct agt		 a;
	struct hv_events	*events;
	struct agt_poll		*poll;
	int			 wake[2];	/* poller, downloads, snapshots */
	int			 sig_fd;
	char			 accel_why[MC_PROTO_WHY_MAX + 1];
	struct hv_capacity	 cap;
};

static int
make_dirs(struct agent *g, struct mc_err *err)
{
	char	path[PATH_MAX];
	int	n;

	/* 0711: QEMU runs as another user and must reach the disks. */
	if (mc_fs_mkdirs(g->conf.state_dir, 0711, err) < 0)
		return -1;
	n = snprintf(g->a.cache_dir, sizeof(g->a.cache_dir), "%s/images",
	    g->conf.state_dir);
	if (n < 0 || (size_t)n >= sizeof(g->a.cache_dir))
		return mc_err_set(err, MC_EC_INTERNAL_ERROR, "state-dir too long");
	(void)snprintf(path, sizeof(path), "%s/instances", g->conf.state_dir);
	if (mc_fs_mkdirs(g->a.cache_dir, 0711, err) < 0 ||
	    mc_fs_mkdirs(path, 0711, err) < 0)
		return -1;
	return 0;
}

/*
 * The volume pool: STATE_DIR/volumes, made here; a volume-dir given
 * must exist already (a missing NFS mount must not become a local
 * directory).
 */
static int
open_pool(struct agent *g, struct mc_err *err)
{
	struct st_pool_conf	c;
	char			dir[PATH_MAX];

	memset(&c, 0, sizeof(c));
	c.backend = "dir";
	if (g->conf.volume_dir[0] != '\0') {
		c.dir = g->conf.volume_dir;
	} else {
		(void)snprintf(dir, sizeof(dir), "%s/volumes",
		    g->conf.state_dir);
		if (mc_fs_mkdirs(dir, 0711, err) < 0)
			return -1;
		c.dir = dir;
	}
	return st_pool_open(&c, &g->a.pool, err);
}

/* What this host offers, as the controller needs it. */
static void
host_info(const struct agent *g, struct mc_proto_host *h)
{
	struct statvfs	vfs;

	memset(h, 0, sizeof(*h));
	(void)snprintf(h->name, sizeof(h->name), "%s", g->conf.name);
	(void)snprintf(h->zone, sizeof(h->zone), "%s", g->conf.zone);
	h->vcpus = g->cap.vcpus;
	h->mem_mib = g->cap.mem_mib;
	if (statvfs(g->conf.state_dir, &vfs) == 0)
		h->disk_gib = (uint64_t)vfs.f_blocks * vfs.f_frsize >> 30;
	(void)snprintf(h->accel, sizeof(h->accel), "%s", g->a.kvm ? "kvm" :
	    "tcg");
	(void)snprintf(h->accel_why, sizeof(h->accel_why), "%s", g->accel_why);
	(void)snprintf(h->version, sizeof(h->version), "%s", VERSION);
	(void)snprintf(h->underlay, sizeof(h->underlay), "%s",
	    g->conf.underlay_ip);
}

static void
register_host(struct agent *g)
{
	struct mc_proto_host	h;
	struct mc_err		err = { 0 };
	uint64_t		gen = 0;

	host_info(g, &h);
	if (agt_client_register(g->a.client, &h, &gen, &err) < 0) {
		mc_log(MC_LOG_WARN, "cannot register, retrying", "controller=%s "
		    "detail=%s", g->conf.controller, err.msg);
		return;
	}
	g->a.need_register = false;
	g->a.report_due = true;
	mc_log(MC_LOG_INFO, "registered", "host=%s zone=%s controller=%s "
	    "accel=%s vcpus=%u mem_mib=%llu disk_gib=%llu", h.name, h.zone,
	    g->conf.controller, h.accel, h.vcpus,
	    (unsigned long long)h.mem_mib, (unsigned long long)h.disk_gib);
}

static int
open_hv(struct agent *g, struct mc_err *err)
{
	enum hv_accel acc;

	if (hv_init(err) < 0 ||
	    hv_conn_open(g->conf.libvirt_uri, &g->a.hv, err) < 0 ||
	    hv_conn_capacity(g->a.hv, &g->cap, err) < 0 ||
	    hv_accel_choose(g->conf.accel, "/proc/cpuinfo", "/dev/kvm", &acc,
	    g->accel_why, sizeof(g->accel_why), err) < 0 ||
	    hv_events_start(g->a.hv, &g->events, err) < 0)
		return -1;
	g->a.kvm = acc == HV_ACCEL_KVM;
	mc_log(MC_LOG_INFO, "accelerator chosen", "accel=%s why=%s",
	    hv_accel_name(acc), g->accel_why);
	return 0;
}

/*
 * The metadata service's token key: kept in the state directory, so
 * that tokens outlive an agent restart.
 */
static int
imds_secret(const char *state_dir, unsigned char *key, size_t n,
    struct mc_err *err)
{
	char	path[PATH_MAX], buf[64];

	(void)snprintf(path, sizeof(path), "%s/imds.secret", state_dir);
	/* One byte more than the key: a longer file is not ours. */
	if (n < sizeof(buf) && mc_fs_read_small(path, buf, n + 2, NULL) ==
	    (ssize_t)n) {
		memcpy(key, buf, n);
		explicit_bzero(buf, sizeof(buf));
		return 0;
	}
	if (getrandom(key, n, 0) != (ssize_t)n)
		return mc_err_sys(err, errno, "cannot make the IMDS key");
	return mc_fs_write_atomic(path, key, n, 0600, err);
}

static int
start_network(struct agent *g, struct mc_err *err)
{
	struct agt_imds_conf ic;

	memset(&ic, 0, sizeof(ic));
	if ((g->a.md = agt_md_new()) == NULL)
		return mc_err_sys(err, ENOMEM, "out of memory");
	ic.lookup = agt_md_lookup;
	ic.arg = g->a.md;
	if (imds_secret(g->conf.state_dir, ic.secret, sizeof(ic.secret),
	    err) < 0 || (g->a.imds = agt_imds_new(&ic, err)) == NULL)
		return -1;
	explicit_bzero(ic.secret, sizeof(ic.secret));
	return agt_net_new(&g->conf, g->a.imds, &g->a.net, err);
}

static int
agent_start(struct agent *g, struct mc_err *err)
{
	enum mc_log_level	level = MC_LOG_INFO;
	sigset_t		sigs;

	(void)mc_log_level_parse(g->conf.log_level, &level);
	mc_log_set_level(level);
	g->a.conf = &g->conf;
	g->a.need_register = true;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	if ((g->sig_fd = signalfd(-1, &sigs, SFD_CLOEXEC | SFD_NONBLOCK)) < 0 ||
	    pipe2(g->wake, O_CLOEXEC | O_NONBLOCK) < 0)
		return mc_err_sys(err, errno, "cannot make the wake-up fds");
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
		return mc_err_set(err, MC_EC_INTERNAL_ERROR, "libcurl failed");
	if (make_dirs(g, err) < 0 || open_pool(g, err) < 0 || open_hv(g, err) < 0 ||
	    agt_client_new(g->conf.controller, g->conf.token, &g->a.client,
	    err) < 0 || agt_images_new(g->a.cache_dir,
	    agt_client_auth(g->a.client), g->wake[1], &g->a.images, err) < 0 ||
	    agt_snap_new(g->conf.state_dir, agt_client_auth(g->a.client),
	    g->wake[1], &g->a.snaps, err) < 0 ||
	    start_network(g, err) < 0)
		return -1;
	return agt_poll_start(&g->conf, g->wake[1], &g->poll, err);
}

static void
agent_stop(struct agent *g)
{
	int i;

	agt_poll_stop(g->poll);
	hv_events_free(g->events);
	agt_images_free(g->a.images);
	agt_snap_free(g->a.snaps);
	agt_reconcile_clear(&g->a);
	agt_net_free(g->a.net);
	st_pool_free(g->a.pool);
	agt_imds_free(g->a.imds);
	agt_md_free(g->a.md);
	agt_client_free(g->a.client);
	hv_conn_free(g->a.hv);
	agt_conf_clear(&g->conf);
	for (i = 0; i < 2; i++)
		if (g->wake[i] >= 0)
			(void)close(g->wake[i]);
	if (g->sig_fd >= 0)
		(void)close(g->sig_fd);
}

/*
 * libvirtd went away (a restart, an upgrade): connect again, events
 * too.  Until then rounds are skipped; the VMs keep running meanwhile.
 */
static void
reconnect(struct agent *g)
{
	struct mc_err err = { 0 };

	hv_events_free(g->events);
	g->events = NULL;
	hv_conn_free(g->a.hv);
	g->a.hv = NULL;
	if (hv_conn_open(g->conf.libvirt_uri, &g->a.hv, &err) < 0 ||
	    hv_events_start(g->a.hv, &g->events, &err) < 0) {
		mc_log(MC_LOG_WARN, "libvirt unreachable, retrying",
		    "uri=%s detail=%s", g->conf.libvirt_uri, err.msg);
		hv_conn_free(g->a.hv);
		g->a.hv = NULL;
		return;
	}
	mc_log(MC_LOG_INFO, "reconnected to libvirt", "uri=%s",
	    g->conf.libvirt_uri);
}

/* Empty the wake pipe and log the domain events; true to stop. */
static bool
drain(struct agent *g, const struct pollfd *fds)
{
	struct hv_event	ev[64];
	char		buf[256];
	size_t		n, i;

	if (fds[0].revents != 0)
		return true;
	while (read(g->wake[0], buf, sizeof(buf)) > 0)
		;
	while (g->events != NULL && (n = hv_events_drain(g->events, ev,
	    64)) > 0)
		for (i = 0; i < n; i++)
			mc_log(MC_LOG_INFO, "domain event", "instance=%s "
			    "state=%s type=%d detail=%d", ev[i].name,
			    hv_state_name(ev[i].state), ev[i].type,
			    ev[i].detail);
	return false;
}

static void
main_loop(struct agent *g)
{
	struct mc_proto_desired	 d;
	struct pollfd		 fds[3] = {
		{ g->sig_fd, POLLIN, 0 }, { g->wake[0], POLLIN, 0 },
		{ -1, POLLIN, 0 },
	};

	for (;;) {
		if (g->a.hv == NULL || !hv_conn_alive(g->a.hv))
			reconnect(g);
		fds[2].fd = g->events != NULL ? hv_events_fd(g->events) : -1;
		if (g->a.need_register)
			register_host(g);
		if (agt_poll_unknown_host(g->poll))
			g->a.need_register = true;
		memset(&d, 0, sizeof(d));
		if (agt_poll_take(g->poll, &d)) {
			struct mc_err err = { 0 };

			if (agt_md_set(g->a.md, &d, &err) < 0)
				mc_log(MC_LOG_WARN, "metadata not updated",
				    "detail=%s", err.msg);
			mc_proto_desired_clear(&g->a.desired);
			g->a.desired = d;
			g->a.have_desired = true;
		}
		if (g->a.hv != NULL)
			agt_reconcile(&g->a, mc_time_now_ms());
		if (poll(fds, 3, TICK_MS) < 0 && errno != EINTR)
			return;
		if (drain(g, fds))
			return;
	}
}

int
main(int argc, char *argv[])
{
	struct agent		 g;
	struct mc_err		 err = { 0 };
	enum mc_conf_verb	 verb;
	sigset_t		 sigs;

	memset(&g, 0, sizeof(g));
	g.sig_fd = g.wake[0] = g.wake[1] = -1;
	if (agt_conf_load(&g.conf, argc, argv, &verb, &err) < 0) {
		fprintf(stderr, PROG ": %s\n", err.msg);
		agt_conf_clear(&g.conf);
		return 1;
	}
	if (verb != MC_CONF_RUN) {
		if (verb == MC_CONF_HELP)
			agt_conf_usage(PROG, stdout);
		else
			printf("configuration OK\n");
		agt_conf_clear(&g.conf);
		return 0;
	}
	/* Blocked in every thread; taken by the main loop's signalfd. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	(void)pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	(void)signal(SIGPIPE, SIG_IGN);
	if (agent_start(&g, &err) < 0) {
		fprintf(stderr, PROG ": %s\n", err.msg);
		agent_stop(&g);
		return 1;
	}
	mc_log(MC_LOG_INFO, "agent started", "host=%s zone=%s state_dir=%s "
	    "libvirt=%s", g.conf.name, g.conf.zone, g.conf.state_dir,
	    g.conf.libvirt_uri);
	main_loop(&g);
	mc_log(MC_LOG_INFO, "agent stopping", "note=%s",
	    "instances keep running");
	agent_stop(&g);
	return 0;
}

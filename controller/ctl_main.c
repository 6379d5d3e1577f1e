/*
 * minicloud-controller: wires the config, the store, the catalog and
 * the two HTTP listeners together, then waits for SIGTERM or SIGINT.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mc_conf.h"
#include "mc_err.h"
#include "mc_fs.h"
#include "mc_log.h"
#include "ctl_agents.h"
#include "ctl_api.h"
#include "ctl_conf.h"
#include "ctl_house.h"
#include "ctl_http.h"
#include "ctl_images.h"
#include "ctl_notify.h"
#include "ctl_rate.h"
#include "ctl_snap.h"
#include "ctl_store.h"
#include "mc_time.h"

#define PROG		"minicloud-controller"
#define CONN_LIMIT	1024
#define IDLE_S		60
#define AGENT_BODY_MAX	(1024 * 1024)	/* a report, a console tail */

/* Everything main owns; torn down in reverse by controller_stop. */
struct controller {
	struct ctl_conf		 conf;
	struct ctl_store	*store;
	struct ctl_rate		*rate;
	struct ctl_api		 api;
	struct ctl_http		*api_http;
	struct ctl_http		*agent_http;
	struct ctl_importer	*importer;
};

static int
start_listeners(struct controller *c, struct mc_err *err)
{
	struct ctl_http_opts o;

	memset(&o, 0, sizeof(o));
	o.addr = c->conf.listen;
	o.body_limit = (size_t)c->conf.max_body_bytes;
	o.threads = (unsigned)c->conf.api_threads;
	o.conn_limit = CONN_LIMIT;
	o.timeout_s = IDLE_S;
	if (ctl_http_start(&o, ctl_api_serve, &c->api, &c->api_http, err) < 0)
		return -1;
	/* Long polls block: one thread per agent connection. */
	o.addr = c->conf.agent_listen;
	o.body_limit = AGENT_BODY_MAX;
	o.thread_per_conn = true;
	o.stream = ctl_agents_stream;	/* snapshot uploads: any size */
	o.timeout_s = IDLE_S + 30;	/* longer than a long poll */
	return ctl_http_start(&o, ctl_agents_serve, &c->api, &c->agent_http,
	    err);
}

static int
controller_start(struct controller *c, struct mc_err *err)
{
	enum mc_log_level level = MC_LOG_INFO;

	(void)mc_log_level_parse(c->conf.log_level, &level);
	mc_log_set_level(level);
	if (mc_fs_mkdirs(c->conf.state_dir, 0700, err) < 0 ||
	    ctl_store_open(c->conf.state_dir, &c->store, err) < 0 ||
	    ctl_snap_file_init(c->conf.state_dir, err) < 0)
		return -1;
	c->rate = ctl_rate_new((double)c->conf.api_rate,
	    (double)c->conf.api_burst);
	if (c->rate == NULL)
		return mc_err_sys(err, ENOMEM, "out of memory");
	c->api.conf = &c->conf;
	c->api.store = c->store;
	c->api.rate = c->rate;
	c->api.itypes = &c->conf.itypes;
	if (ctl_importer_start(&c->conf, &c->importer, err) < 0)
		return -1;
	c->api.importer = c->importer;
	return start_listeners(c, err);
}

static void
controller_stop(struct controller *c)
{
	ctl_notify_shutdown();	/* long polls answer now */
	ctl_http_free(c->agent_http);
	ctl_http_free(c->api_http);
	ctl_importer_stop(c->importer);
	ctl_rate_free(c->rate);
	ctl_store_free(c->store);
	ctl_conf_clear(&c->conf);
}

/* Say where we listen; with port 0 in the config, the port we got. */
static void
log_started(const struct controller *c)
{
	struct mc_addr	a = c->conf.listen, g = c->conf.agent_listen;
	char		api[80], agent[80];

	a.port = ctl_http_port(c->api_http);
	g.port = ctl_http_port(c->agent_http);
	mc_addr_format(&a, api, sizeof(api));
	mc_addr_format(&g, agent, sizeof(agent));
	mc_log(MC_LOG_INFO, "controller started", "api=%s agents=%s region=%s "
	    "state_dir=%s schema=%d", api, agent, c->conf.region,
	    c->conf.state_dir, ctl_store_schema_latest());
}

/*
 * The main loop: housekeeping once a second until SIGTERM or SIGINT.
 * Signals are blocked in every thread and taken here with sigtimedwait,
 * so no code runs in a signal handler.
 */
static void
main_loop(struct controller *c, const sigset_t *stop)
{
	struct timespec	tick = { 1, 0 };
	struct mc_err	err;
	int		sig;

	for (;;) {
		sig = sigtimedwait(stop, NULL, &tick);
		if (sig == SIGTERM || sig == SIGINT) {
			mc_log(MC_LOG_INFO, "stopping", "signal=%d", sig);
			return;
		}
		err = (struct mc_err){ 0 };
		if (ctl_house_tick(c->store, &c->conf, mc_time_now_ms(),
		    &err) < 0)
			mc_log(MC_LOG_WARN, "housekeeping failed, retrying",
			    "detail=%s", err.msg);
	}
}

int
main(int argc, char *argv[])
{
	struct controller	c;
	struct mc_err		err = { 0 };
	enum mc_conf_verb	verb;
	sigset_t		stop;

	memset(&c, 0, sizeof(c));
	if (ctl_conf_load(&c.conf, argc, argv, &verb, NULL, &err) < 0) {
		fprintf(stderr, PROG ": %s\n", err.msg);
		ctl_conf_clear(&c.conf);
		return 1;
	}
	if (verb != MC_CONF_RUN) {
		if (verb == MC_CONF_HELP)
			ctl_conf_usage(PROG, stdout);
		else
			printf("configuration OK\n");
		ctl_conf_clear(&c.conf);
		return 0;
	}
	/* Block before any thread starts, so that all inherit the mask. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	(void)pthread_sigmask(SIG_BLOCK, &stop, NULL);
	(void)signal(SIGPIPE, SIG_IGN);
	if (controller_start(&c, &err) < 0) {
		fprintf(stderr, PROG ": %s\n", err.msg);
		controller_stop(&c);
		return 1;
	}
	log_started(&c);
	main_loop(&c, &stop);
	controller_stop(&c);
	mc_log(MC_LOG_INFO, "controller stopped", NULL);
	return 0;
}

/*
 * agt_poll: the desired-state long-poll thread.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mc_err.h"
#include "mc_log.h"
#include "agt_client.h"
#include "agt_conf.h"
#include "agt_poll.h"
#include "agt_view.h"

struct agt_poll {
	const struct agt_conf	*conf;
	struct agt_client	*client;
	int			 wake_fd;
	pthread_t		 thread;
	pthread_mutex_t		 lock;
	volatile int		 stop;
	struct agt_view		*view;		/* the poll thread's */
	struct mc_proto_desired	 doc;		/* newest, untaken */
	bool			 fresh;
	bool			 unknown;
	uint64_t		 generation;	/* last seen */
	bool			 view_reset;	/* asked by unknown_host */
};

static void
pause_s(struct agt_poll *p, int s)
{
	struct timespec ts = { 0, 100 * 1000 * 1000 };

	for (int i = 0; i < s * 10 && !p->stop; i++)
		(void)nanosleep(&ts, NULL);
}

static void *
poll_main(void *arg)
{
	struct agt_poll		*p = arg;
	struct mc_proto_desired	 d;
	struct mc_err		 err;
	uint64_t		 after;
	char			*query;
	int			 rc, changed;

	while (!p->stop) {
		err = (struct mc_err){ 0 };
		memset(&d, 0, sizeof(d));
		changed = 0;
		(void)pthread_mutex_lock(&p->lock);
		if (p->view_reset)
			agt_view_reset(p->view);
		p->view_reset = false;
		after = p->generation;
		(void)pthread_mutex_unlock(&p->lock);
		query = agt_view_query(p->view);
		rc = query == NULL ? mc_err_sys(&err, ENOMEM, "out of memory") :
		    agt_client_desired(p->client, p->conf->name, after, query,
		    (unsigned)p->conf->poll_wait_s, &d, &err);
		free(query);
		if (p->stop) {
			mc_proto_desired_clear(&d);
			break;
		}
		/* A view that cannot be applied is asked for whole. */
		if (rc == 0 && (changed = agt_view_apply(p->view, &d,
		    &err)) < 0)
			rc = -1;
		(void)pthread_mutex_lock(&p->lock);
		if (rc < 0 && changed < 0)
			p->generation = 0;
		if (rc == 0 && (d.generation != p->generation || changed)) {
			mc_proto_desired_clear(&p->doc);
			p->doc = d;
			p->fresh = true;
			p->generation = d.generation;
		} else {
			mc_proto_desired_clear(&d);
		}
		if (rc == 1)
			p->unknown = true;
		(void)pthread_mutex_unlock(&p->lock);
		if (rc >= 0)
			(void)!write(p->wake_fd, "p", 1);
		if (rc < 0)
			mc_log(MC_LOG_WARN, "desired state poll failed, retrying",
			    "detail=%s", err.msg);
		if (rc != 0)
			pause_s(p, 2);
	}
	return NULL;
}

int
agt_poll_start(const struct agt_conf *conf, int wake_fd,
    struct agt_poll **ret, struct mc_err *err)
{
	struct agt_poll *p = calloc(1, sizeof(*p));

	if (p == NULL)
		return mc_err_sys(err, ENOMEM, "out of memory");
	p->conf = conf;
	p->wake_fd = wake_fd;
	(void)pthread_mutex_init(&p->lock, NULL);
	if (agt_client_new(conf->controller, conf->token, &p->client, err) < 0) {
		free(p);
		return -1;
	}
	agt_client_abort_on(p->client, &p->stop);
	if ((p->view = agt_view_new()) == NULL) {
		agt_client_free(p->client);
		free(p);
		return mc_err_sys(err, ENOMEM, "out of memory");
	}
	if (pthread_create(&p->thread, NULL, poll_main, p) != 0) {
		agt_view_free(p->view);
		agt_client_free(p->client);
		free(p);
		return mc_err_sys(err, errno, "cannot start the poll thread");
	}
	*ret = p;
	return 0;
}

bool
agt_poll_take(struct agt_poll *p, struct mc_proto_desired *ret)
{
	bool fresh;

	(void)pthread_mutex_lock(&p->lock);
	fresh = p->fresh;
	if (fresh) {
		*ret = p->doc;
		memset(&p->doc, 0, sizeof(p->doc));
		p->fresh = false;
	}
	(void)pthread_mutex_unlock(&p->lock);
	return fresh;
}

bool
agt_poll_unknown_host(struct agt_poll *p)
{
	bool u;

	(void)pthread_mutex_lock(&p->lock);
	u = p->unknown;
	p->unknown = false;
	/* After registering again, everything is new: ask from the start. */
	if (u) {
		p->generation = 0;
		p->view_reset = true;
	}
	(void)pthread_mutex_unlock(&p->lock);
	return u;
}

void
agt_poll_stop(struct agt_poll *p)
{
	if (p == NULL)
		return;
	p->stop = 1;
	(void)pthread_join(p->thread, NULL);
	agt_client_free(p->client);
	agt_view_free(p->view);
	mc_proto_desired_clear(&p->doc);
	(void)pthread_mutex_destroy(&p->lock);
	free(p);
}

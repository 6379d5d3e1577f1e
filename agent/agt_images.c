/*
 * agt_images: single-flight image downloads.  The table is shared by
 * the main loop and the download threads, so it is reference-counted:
 * whoever lets go last frees it.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mc_err.h"
#include "mc_log.h"
#include "mc_time.h"
#include "ami_cache.h"
#include "agt_images.h"

#define RETRY_MS	30000	/* after a failed download */
#define FETCH_TIMEOUT_S	1800
#define MAX_ENTRIES	1024

struct entry {
	struct mc_proto_image	img;
	enum agt_img_state	state;
	char			why[MC_PROTO_WHY_MAX + 1];
	int64_t			failed_ms;
	char			url[1024];
};

struct agt_images {
	pthread_mutex_t	 lock;
	int		 refs;
	char		 dir[4096];
	char		 auth[512];
	int		 wake_fd;
	struct entry	 v[MAX_ENTRIES];
	size_t		 n;
};

/* A download thread's argument: the table and which entry. */
struct job {
	struct agt_images	*t;
	size_t			 i;
};

int
agt_images_new(const char *cache_dir, const char *auth, int wake_fd,
    struct agt_images **ret, struct mc_err *err)
{
	struct agt_images *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return mc_err_sys(err, ENOMEM, "out of memory");
	(void)pthread_mutex_init(&t->lock, NULL);
	t->refs = 1;
	(void)snprintf(t->dir, sizeof(t->dir), "%s", cache_dir);
	(void)snprintf(t->auth, sizeof(t->auth), "%s", auth);
	t->wake_fd = wake_fd;
	*ret = t;
	return 0;
}

static void
unref(struct agt_images *t)
{
	bool last;

	(void)pthread_mutex_lock(&t->lock);
	last = --t->refs == 0;
	(void)pthread_mutex_unlock(&t->lock);
	if (last) {
		(void)pthread_mutex_destroy(&t->lock);
		free(t);
	}
}

void
agt_images_free(struct agt_images *t)
{
	if (t == NULL)
		return;
	(void)pthread_mutex_lock(&t->lock);
	t->wake_fd = -1;	/* the main loop is gone: wake nobody */
	(void)pthread_mutex_unlock(&t->lock);
	unref(t);
}

static void *
fetch_main(void *arg)
{
	struct job		*j = arg;
	struct agt_images	*t = j->t;
	struct entry		 e;
	struct mc_err		 err = { 0 };
	int64_t			 t0 = mc_time_now_ms();
	int			 rc;

	(void)pthread_mutex_lock(&t->lock);
	e = t->v[j->i];
	(void)pthread_mutex_unlock(&t->lock);
	rc = ami_cache_fetch(t->dir, e.img.id, e.url, t->auth, e.img.size,
	    e.img.sha256, FETCH_TIMEOUT_S, &err);
	if (rc < 0)
		mc_log(MC_LOG_WARN, "image download failed, retrying later",
		    "image=%s detail=%s", e.img.id, err.msg);
	else
		mc_log(MC_LOG_INFO, "image cached", "image=%s bytes=%llu ms=%lld",
		    e.img.id, (unsigned long long)e.img.size,
		    (long long)(mc_time_now_ms() - t0));
	(void)pthread_mutex_lock(&t->lock);
	t->v[j->i].state = rc < 0 ? AGT_IMG_FAILED : AGT_IMG_READY;
	(void)snprintf(t->v[j->i].why, sizeof(t->v[j->i].why), "%s", err.msg);
	t->v[j->i].failed_ms = mc_time_now_ms();
	if (t->wake_fd >= 0)
		(void)!write(t->wake_fd, "i", 1);
	(void)pthread_mutex_unlock(&t->lock);
	free(j);
	unref(t);
	return NULL;
}

/* Start the download of entry i; the caller holds the lock. */
static void
start_fetch(struct agt_images *t, size_t i)
{
	struct job	*j = malloc(sizeof(*j));
	pthread_t	 tid;

	t->v[i].state = AGT_IMG_FETCHING;
	if (j == NULL)
		goto fail;
	j->t = t;
	j->i = i;
	t->refs++;
	if (pthread_create(&tid, NULL, fetch_main, j) == 0) {
		(void)pthread_detach(tid);
		return;
	}
	t->refs--;
	free(j);
fail:
	t->v[i].state = AGT_IMG_FAILED;
	t->v[i].failed_ms = mc_time_now_ms();
	(void)snprintf(t->v[i].why, sizeof(t->v[i].why),
	    "cannot start a download thread");
}

static size_t
find(struct agt_images *t, const char *id)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (strcmp(t->v[i].img.id, id) == 0)
			return i;
	return t->n;
}

enum agt_img_state
agt_images_ensure(struct agt_images *t, const struct mc_proto_image *img,
    const char *url, char *why, size_t whysz)
{
	enum agt_img_state	st;
	size_t			i;

	if (ami_cache_has(t->dir, img->id, img->size))
		return AGT_IMG_READY;
	(void)pthread_mutex_lock(&t->lock);
	if ((i = find(t, img->id)) == t->n) {
		if (t->n == MAX_ENTRIES) {
			(void)pthread_mutex_unlock(&t->lock);
			(void)snprintf(why, whysz, "too many images at once");
			return AGT_IMG_FAILED;
		}
		memset(&t->v[i], 0, sizeof(t->v[i]));
		t->v[i].img = *img;
		(void)snprintf(t->v[i].url, sizeof(t->v[i].url), "%s", url);
		t->n++;
		start_fetch(t, i);
	} else if (t->v[i].state == AGT_IMG_FAILED &&
	    mc_time_now_ms() - t->v[i].failed_ms > RETRY_MS) {
		t->v[i].img = *img;
		start_fetch(t, i);
	} else if (t->v[i].state == AGT_IMG_READY) {
		/* Cached once but gone now (removed by hand): fetch again. */
		start_fetch(t, i);
	}
	st = t->v[i].state;
	if (st == AGT_IMG_FAILED)
		(void)snprintf(why, whysz, "%s", t->v[i].why);
	(void)pthread_mutex_unlock(&t->lock);
	return st;
}

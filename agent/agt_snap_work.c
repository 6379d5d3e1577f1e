/*
 * agt_snap_work: the worker threads of snapshot jobs.  A copy is
 * `qemu-img convert` to a plain qcow2 (which flattens an overlay onto
 * its image); an upload is a streamed libcurl PUT.  A task is shared by
 * the main loop and its thread, so it is reference-counted: whoever
 * lets go last frees it.
 */
#include <sys/stat.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "mc_cleanup.h"
#include "mc_err.h"
#include "ami_exec.h"
#include "st.h"
#include "agt_snap_priv.h"

#define STDERR_CAP		4096
#define CONNECT_TIMEOUT_S	5L
#define STALL_S			60L	/* an upload this long below 1 B/s ends */

struct agt_snap_task {
	struct agt_snap_task_req	req;
	struct agt_snap_task_result	res;	/* under lock */
	int				wake_fd;	/* -1: nobody */
	int				refs;
	volatile int			cancel;
};

/* One lock for every task: they change a few times a second at most. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void
unref(struct agt_snap_task *t)
{
	bool last;

	(void)pthread_mutex_lock(&lock);
	last = --t->refs == 0;
	(void)pthread_mutex_unlock(&lock);
	if (last)
		free(t);
}

static int
copy_run(struct agt_snap_task *t, struct mc_err *err)
{
	const char *argv[] = { "qemu-img", "convert", "-q", "-f",
	    t->req.src_format, "-O", "qcow2", t->req.src, t->req.file, NULL };

	(void)unlink(t->req.file);
	return ami_exec_ok(argv, ST_TIMEOUT_MS, STDERR_CAP, NULL, err);
}

/* libcurl's progress callback: the upload's percent; non-zero aborts. */
static int
up_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow,
    curl_off_t ultotal, curl_off_t ulnow)
{
	struct agt_snap_task *t = arg;

	(void)dltotal;
	(void)dlnow;
	if (ultotal > 0) {
		(void)pthread_mutex_lock(&lock);
		t->res.percent = (unsigned)(ulnow * 100 / ultotal);
		(void)pthread_mutex_unlock(&lock);
	}
	return t->cancel;
}

/* The reply's body is not wanted: read and drop it. */
static size_t
up_discard(char *p, size_t size, size_t n, void *arg)
{
	(void)p;
	(void)arg;
	return size * n;
}

static void
file_closep(FILE **fp)
{
	if (*fp != NULL)
		(void)fclose(*fp);
}

static int
upload_run(struct agt_snap_task *t, long *ret_status, struct mc_err *err)
{
	MC_CLEANUP(file_closep) FILE	*f = fopen(t->req.file, "rbe");
	struct curl_slist		*h = NULL;
	struct stat			 st;
	CURL				*c;
	CURLcode			 rc;

	if (f == NULL || fstat(fileno(f), &st) < 0)
		return mc_err_sys(err, errno, "cannot open the copy: %s",
		    strerror(errno));
	if ((c = curl_easy_init()) == NULL)
		return mc_err_sys(err, ENOMEM, "cannot make a curl handle");
	h = curl_slist_append(h, t->req.auth);
	h = curl_slist_append(h, "Content-Type: application/octet-stream");
	h = curl_slist_append(h, "Expect:");
	curl_easy_setopt(c, CURLOPT_URL, t->req.url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_READDATA, f);
	curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)st.st_size);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT_S);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, STALL_S);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, up_progress);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, t);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, up_discard);
	rc = curl_easy_perform(c);
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, ret_status);
	curl_easy_cleanup(c);
	curl_slist_free_all(h);
	if (rc != CURLE_OK)
		return mc_err_set(err, MC_EC_INTERNAL_ERROR, "upload: %s",
		    curl_easy_strerror(rc));
	return 0;
}

static void *
task_main(void *arg)
{
	struct agt_snap_task	*t = arg;
	struct mc_err		 err = { 0 };
	long			 status = 0;
	int			 rc;

	if (t->req.kind == AGT_SNAP_TASK_COPY)
		rc = copy_run(t, &err);
	else
		rc = upload_run(t, &status, &err);
	(void)pthread_mutex_lock(&lock);
	t->res.done = true;
	t->res.rc = rc;
	t->res.status = status;
	if (rc == 0)
		t->res.percent = 100;
	(void)snprintf(t->res.why, sizeof(t->res.why), "%s", err.msg);
	if (t->wake_fd >= 0)
		(void)!write(t->wake_fd, "s", 1);
	(void)pthread_mutex_unlock(&lock);
	unref(t);
	return NULL;
}

int
agt_snap_task_start(const struct agt_snap_task_req *req, int wake_fd,
    struct agt_snap_task **ret, struct mc_err *err)
{
	struct agt_snap_task	*t = calloc(1, sizeof(*t));
	pthread_t		 tid;
	int			 e;

	if (t == NULL)
		return mc_err_sys(err, ENOMEM, "out of memory");
	t->req = *req;
	t->wake_fd = wake_fd;
	t->refs = 2;		/* the main loop's and the thread's */
	if ((e = pthread_create(&tid, NULL, task_main, t)) != 0) {
		free(t);
		return mc_err_sys(err, e, "cannot start a worker thread");
	}
	(void)pthread_detach(tid);
	*ret = t;
	return 0;
}

void
agt_snap_task_peek(struct agt_snap_task *t, struct agt_snap_task_result *ret)
{
	(void)pthread_mutex_lock(&lock);
	*ret = t->res;
	(void)pthread_mutex_unlock(&lock);
}

void
agt_snap_task_free(struct agt_snap_task *t)
{
	if (t == NULL)
		return;
	(void)pthread_mutex_lock(&lock);
	t->wake_fd = -1;
	t->cancel = 1;
	(void)pthread_mutex_unlock(&lock);
	unref(t);
}

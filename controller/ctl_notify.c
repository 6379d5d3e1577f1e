/*
 * ctl_notify: a process-wide change counter and condition variable.
 */
#include <errno.h>
#include <pthread.h>
#include <time.h>

#include "ctl_notify.h"

static pthread_mutex_t	lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	cond;
static pthread_once_t	once = PTHREAD_ONCE_INIT;
static uint64_t		counter;
static bool		stopping;

/* The condition waits on CLOCK_MONOTONIC: wall clock jumps do not matter. */
static void
init_cond(void)
{
	pthread_condattr_t a;

	(void)pthread_condattr_init(&a);
	(void)pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	(void)pthread_cond_init(&cond, &a);
	(void)pthread_condattr_destroy(&a);
}

void
ctl_notify_bump(void)
{
	(void)pthread_once(&once, init_cond);
	(void)pthread_mutex_lock(&lock);
	counter++;
	(void)pthread_cond_broadcast(&cond);
	(void)pthread_mutex_unlock(&lock);
}

uint64_t
ctl_notify_seen(void)
{
	uint64_t v;

	(void)pthread_mutex_lock(&lock);
	v = counter;
	(void)pthread_mutex_unlock(&lock);
	return v;
}

bool
ctl_notify_wait(uint64_t seen, int64_t timeout_ms)
{
	struct timespec	until;
	bool		moved;
	int		rc = 0;

	(void)pthread_once(&once, init_cond);
	(void)clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += timeout_ms / 1000;
	until.tv_nsec += (timeout_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	(void)pthread_mutex_lock(&lock);
	while (counter == seen && !stopping && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&cond, &lock, &until);
	moved = counter != seen;
	(void)pthread_mutex_unlock(&lock);
	return moved;
}

void
ctl_notify_shutdown(void)
{
	(void)pthread_once(&once, init_cond);
	(void)pthread_mutex_lock(&lock);
	stopping = true;
	(void)pthread_cond_broadcast(&cond);
	(void)pthread_mutex_unlock(&lock);
}

bool
ctl_notify_stopping(void)
{
	bool s;

	(void)pthread_mutex_lock(&lock);
	s = stopping;
	(void)pthread_mutex_unlock(&lock);
	return s;
}

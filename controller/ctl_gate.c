/*
 * ctl_gate: a counting semaphore (a count under a mutex, and a
 * condition variable to wait on it).
 */
#include <pthread.h>

#include "ctl_gate.h"

static pthread_mutex_t	lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	freed = PTHREAD_COND_INITIALIZER;
static int		inside;

void
ctl_gate_enter(void)
{
	(void)pthread_mutex_lock(&lock);
	while (inside >= CTL_GATE_WIDTH)
		(void)pthread_cond_wait(&freed, &lock);
	inside++;
	(void)pthread_mutex_unlock(&lock);
}

void
ctl_gate_leave(void)
{
	(void)pthread_mutex_lock(&lock);
	inside--;
	(void)pthread_cond_signal(&freed);
	(void)pthread_mutex_unlock(&lock);
}

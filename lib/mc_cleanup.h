/*
 * Scope-bound release of memory and file descriptors.  A variable
 * declared MC_AUTOFREE or MC_AUTOCLOSE is released when its scope ends;
 * mc_steal_ptr() / mc_steal_fd() hand it to someone else first.
 * Initialise such variables on the line that declares them.
 */
#ifndef MC_CLEANUP_H
#define MC_CLEANUP_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define MC_CLEANUP(fn)	__attribute__((cleanup(fn)))
#define MC_AUTOFREE	MC_CLEANUP(mc_freep)
#define MC_AUTOCLOSE	MC_CLEANUP(mc_closep)

#define MC_NELEMS(a)	(sizeof(a) / sizeof((a)[0]))

static inline void
mc_freep(void *pp)
{
	free(*(void **)pp);
}

static inline void
mc_closep(int *fdp)
{
	if (*fdp >= 0)
		(void)close(*fdp);
}

static inline void
mc_fclosep(FILE **fp)
{
	if (*fp != NULL)
		(void)fclose(*fp);
}

/* Return the pointer in *pp and clear *pp: ownership moves to the caller. */
static inline void *
mc_steal_ptr(void *pp)
{
	void *p = *(void **)pp;

	*(void **)pp = NULL;
	return p;
}

/* Return the fd in *fdp and set *fdp to -1: ownership moves to the caller. */
static inline int
mc_steal_fd(int *fdp)
{
	int fd = *fdp;

	*fdp = -1;
	return fd;
}

#endif /* MC_CLEANUP_H */

/*
 * ctl_gens: the hosts' generations, read once for all the waiting long
 * polls.  Each poll checks its host's generation when woken (after any
 * commit that bumped some host) and every second (the admin CLI writes
 * the store from another process); with a thousand hosts that would be
 * a thousand queries a wake-up.  Instead one query reads every host's,
 * and the others share its answer until the next bump or second.
 */
#ifndef CTL_GENS_H
#define CTL_GENS_H

#include <stdint.h>

struct ctl_store;
struct mc_err;

#define CTL_GENS_MAX_AGE_MS	1000	/* then read again anyway */

/*
 * The generation of host into *ret (0: not registered), from an answer
 * read after every bump seen so far and at most CTL_GENS_MAX_AGE_MS ago.
 * Thread-safe.  Returns 0, or -1 with err set.
 */
int	ctl_gens_get(struct ctl_store *store, const char *host, uint64_t *ret,
	    struct mc_err *err);

/* Forget the cached answer (tests: each opens a store of its own). */
void	ctl_gens_reset(void);

#endif /* CTL_GENS_H */

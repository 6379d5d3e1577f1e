/*
 * ctl_gens: one read of every host's generation, shared by the polls.
 * The notify counter is read before the query, so a bump that races
 * with it makes the answer stale at once and the next poll reads again.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_err.h"
#include "mc_time.h"
#include "mc_proto.h"
#include "ctl_gens.h"
#include "ctl_notify.h"
#include "ctl_sql.h"
#include "ctl_store.h"

struct gen {
	char		name[MC_PROTO_NAME_MAX + 1];
	uint64_t	gen;
};

static pthread_mutex_t	 lock = PTHREAD_MUTEX_INITIALIZER;
static struct gen	*cache;		/* sorted by name */
static size_t		 n_cache;
static uint64_t		 cache_seq;	/* the notify counter it follows */
static int64_t		 cache_ms;	/* 0: none */

static void
gen_row(sqlite3_stmt *st, void *p)
{
	struct gen *g = p;

	memset(g, 0, sizeof(*g));
	ctl_sql_text(st, 0, g->name, sizeof(g->name));
	g->gen = (uint64_t)sqlite3_column_int64(st, 1);
}

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(((const struct gen *)a)->name,
	    ((const struct gen *)b)->name);
}

/* Read every host's generation; under the lock. */
static int
refresh(struct ctl_store *store, uint64_t seq, int64_t now_ms,
    struct mc_err *err)
{
	sqlite3	*db;
	void	*v = NULL;
	size_t	 n = 0;
	int	 rc;

	if ((db = ctl_store_get(store, err)) == NULL)
		return -1;
	rc = ctl_sql_rows(db, &v, &n, sizeof(struct gen), gen_row, err,
	    "SELECT name, generation FROM hosts ORDER BY name", "");
	ctl_store_put(store, db);
	if (rc < 0)
		return -1;
	free(cache);
	cache = v;
	n_cache = n;
	cache_seq = seq;
	cache_ms = now_ms;
	return 0;
}

int
ctl_gens_get(struct ctl_store *store, const char *host, uint64_t *ret,
    struct mc_err *err)
{
	struct gen	 key, *g;
	uint64_t	 seq = ctl_notify_seen();
	int64_t		 now_ms = mc_time_now_ms();
	int		 rc = 0;

	memset(&key, 0, sizeof(key));
	(void)snprintf(key.name, sizeof(key.name), "%s", host);
	(void)pthread_mutex_lock(&lock);
	if (cache_ms == 0 || cache_seq != seq ||
	    now_ms - cache_ms >= CTL_GENS_MAX_AGE_MS)
		rc = refresh(store, seq, now_ms, err);
	if (rc == 0) {
		g = n_cache > 0 ? bsearch(&key, cache, n_cache, sizeof(*cache),
		    cmp_name) : NULL;
		*ret = g != NULL ? g->gen : 0;
	}
	(void)pthread_mutex_unlock(&lock);
	return rc;
}

void
ctl_gens_reset(void)
{
	(void)pthread_mutex_lock(&lock);
	free(cache);
	cache = NULL;
	n_cache = 0;
	cache_ms = 0;
	(void)pthread_mutex_unlock(&lock);
}

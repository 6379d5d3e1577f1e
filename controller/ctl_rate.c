/*
 * ctl_rate: token buckets in a fixed open-addressed table.  When the
 * probes for a new account find no free slot, the least recently used
 * bucket among them is given up: that account starts full again, which
 * errs on the side of serving.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_rate.h"

#define SLOTS	4096	/* accounts tracked at once */
#define PROBES	8
#define KEY_MAX	16

struct bucket {
	char	account[KEY_MAX];	/* "" when free */
	double	tokens;
	int64_t	last_ms;
};

struct ctl_rate {
	pthread_mutex_t	lock;
	double		per_ms, burst;
	struct bucket	slot[SLOTS];
};

struct ctl_rate *
ctl_rate_new(double per_s, double burst)
{
	struct ctl_rate *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	(void)pthread_mutex_init(&r->lock, NULL);
	r->per_ms = per_s / 1000.0;
	r->burst = burst < 1 ? 1 : burst;
	return r;
}

void
ctl_rate_free(struct ctl_rate *r)
{
	if (r == NULL)
		return;
	(void)pthread_mutex_destroy(&r->lock);
	free(r);
}

static uint32_t
hash(const char *s)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* The bucket of account, claiming or recycling a slot for a new one. */
static struct bucket *
find(struct ctl_rate *r, const char *account, int64_t now_ms)
{
	uint32_t	 h = hash(account);
	struct bucket	*b, *free_b = NULL, *lru = NULL;
	int		 i;

	for (i = 0; i < PROBES; i++) {
		b = &r->slot[(h + (uint32_t)i) % SLOTS];
		if (strcmp(b->account, account) == 0)
			return b;
		if (b->account[0] == '\0') {
			if (free_b == NULL)
				free_b = b;
		} else if (lru == NULL || b->last_ms < lru->last_ms) {
			lru = b;
		}
	}
	b = free_b != NULL ? free_b : lru;
	(void)snprintf(b->account, sizeof(b->account), "%s", account);
	b->tokens = r->burst;
	b->last_ms = now_ms;
	return b;
}

bool
ctl_rate_take(struct ctl_rate *r, const char *account, int64_t now_ms)
{
	struct bucket	*b;
	bool		 ok;

	if (r->per_ms <= 0)
		return true;
	(void)pthread_mutex_lock(&r->lock);
	b = find(r, account, now_ms);
	if (now_ms > b->last_ms) {
		b->tokens += (double)(now_ms - b->last_ms) * r->per_ms;
		if (b->tokens > r->burst)
			b->tokens = r->burst;
		b->last_ms = now_ms;
	}
	ok = b->tokens >= 1.0;
	if (ok)
		b->tokens -= 1.0;
	(void)pthread_mutex_unlock(&r->lock);
	return ok;
}

/*
 * net_fw_adopt: before a handle's first apply, whether the table is
 * already exactly what the model makes (an agent restarted over its own
 * table).  Then nothing is sent: a restart changes nothing that `nft
 * list table` shows, not even the order in which chains and sets were
 * made.  The model is written, whole, into a scratch network namespace
 * that lives only as long as the thread that made it; the two listings
 * are compared with the chains, sets and set elements sorted, since the
 * order in which they were added says nothing about what filters.
 */
#include <sched.h>

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>

#include "mc_buf.h"
#include "mc_cleanup.h"
#include "mc_err.h"
#include "net_fw_priv.h"
#include "net_nft.h"

#define CANON_MAX	(256u * 1024 * 1024)

struct scratch {
	const struct net_fw_copy	*c;
	const char			*table;
	char				*text;		/* the listing, new */
	struct mc_err			 err;
	int				 rc;
};

/* On its own thread: a new namespace, the whole table, its listing. */
static void *
scratch_run(void *arg)
{
	struct scratch		*s = arg;
	struct mnl_socket	*sock = NULL;
	struct net_fw_batch	 b;
	struct net_fw_stats	 st;

	s->rc = -1;
	if (unshare(CLONE_NEWNET) < 0) {
		(void)mc_err_sys(&s->err, errno, "cannot make a scratch "
		    "network namespace: %s", strerror(errno));
		return NULL;
	}
	if (net_fw_sock_open("", &sock, &s->err) < 0)
		return NULL;
	if (net_fw_batch_init(&b, s->table, &st, &s->err) == 0) {
		net_fw_plan_full(&b, s->c);
		if (net_fw_batch_send(&b, sock, "a scratch namespace",
		    &s->err) == 0 && net_nft_table_text(NULL, "inet",
		    s->table, &s->text, &s->err) == 0)
			s->rc = 0;
		net_fw_batch_clear(&b);
	}
	(void)mnl_socket_close(sock);
	return NULL;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Split s in place at each sep; *ret_v new (pointers into s). */
static size_t
split(char *s, const char *sep, char ***ret_v)
{
	char	**v = NULL, **nv, *at;
	size_t	  n = 0;

	for (at = s; at != NULL; ) {
		if ((nv = realloc(v, (n + 1) * sizeof(*v))) == NULL)
			break;
		v = nv;
		v[n++] = at;
		if ((at = strstr(at, sep)) != NULL) {
			*at = '\0';
			at += strlen(sep);
		}
	}
	*ret_v = v;
	return n;
}

/* A block's text with its element list sorted (one string, new). */
static char *
canon_block(const char *block)
{
	MC_AUTOFREE char	*copy = strdup(block);
	MC_AUTOFREE char	**v = NULL;
	char			*open, *close, *p;
	struct mc_buf		 b;
	size_t			 n, i;

	if (copy == NULL)
		return NULL;
	if ((open = strstr(copy, "elements = { ")) == NULL ||
	    (close = strstr(open, " }")) == NULL)
		return mc_steal_ptr(&copy);
	*open = '\0';
	*close = '\0';
	n = split(open + strlen("elements = { "), ",", &v);
	for (i = 0; i < n; i++) {	/* drop the wrapping whitespace */
		for (p = v[i]; *p == ' ' || *p == '\t' || *p == '\n'; p++)
			;
		v[i] = p;
	}
	qsort(v, n, sizeof(*v), cmp_str);
	mc_buf_init(&b, CANON_MAX);
	mc_buf_adds(&b, copy);
	mc_buf_adds(&b, "elements = {");
	for (i = 0; i < n; i++)
		mc_buf_addf(&b, " %s,", v[i]);
	mc_buf_adds(&b, close + 1);
	return b.failed ? (mc_buf_clear(&b), NULL) : mc_buf_steal(&b, NULL);
}

/* text with its top-level blocks and their elements sorted; new. */
static char *
canon(const char *text)
{
	MC_AUTOFREE char	*copy = strdup(text);
	MC_AUTOFREE char	**v = NULL;
	struct mc_buf		 b;
	size_t			 n, i;

	if (copy == NULL)
		return NULL;
	/* Top-level blocks end with a tab and a brace on their own line. */
	n = split(copy, "\n\t}\n", &v);
	for (i = 0; i < n; i++)
		if ((v[i] = canon_block(v[i])) == NULL)
			break;
	if (i == n)
		qsort(v, n, sizeof(*v), cmp_str);
	mc_buf_init(&b, CANON_MAX);
	for (size_t k = 0; k < i; k++) {
		mc_buf_adds(&b, v[k]);
		mc_buf_adds(&b, "\n\t}\n");
		free(v[k]);
	}
	if (i < n || b.failed) {
		mc_buf_clear(&b);
		return NULL;
	}
	return mc_buf_steal(&b, NULL);
}

int
net_fw_adopt_check(const struct net_fw *fw, const struct net_fw_copy *c,
    bool *ret_same, struct mc_err *err)
{
	MC_AUTOFREE char	*have = NULL, *want = NULL;
	MC_AUTOFREE char	*a = NULL, *b = NULL;
	struct scratch		 s = { c, fw->table, NULL, { 0 }, -1 };
	struct mc_err		 none = { 0 };
	pthread_t		 t;

	*ret_same = false;
	/* No table (or none we can read): nothing to adopt. */
	if (net_nft_table_text(fw->ns[0] != '\0' ? fw->ns : NULL, "inet",
	    fw->table, &have, &none) < 0)
		return 0;
	if ((errno = pthread_create(&t, NULL, scratch_run, &s)) != 0)
		return mc_err_sys(err, errno, "cannot start a thread: %s",
		    strerror(errno));
	(void)pthread_join(t, NULL);
	want = s.text;
	if (s.rc < 0)
		return mc_err_set(err, s.err.code, "%s", s.err.msg);
	a = canon(have);
	b = canon(want);
	if (a == NULL || b == NULL)
		return mc_err_sys(err, ENOMEM, "out of memory");
	*ret_same = strcmp(a, b) == 0;
	return 0;
}

/*
 * net_name: name checks driven by a table of kinds, and the name list.
 */
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "mc_err.h"
#include "net_name.h"

#define ALNUM	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

/* One row per kind, indexed by enum net_name_kind. */
static const struct {
	const char	*what;		/* for messages */
	size_t		 max;		/* bytes with the NUL */
	const char	*chars;		/* allowed characters */
	bool		 letter_first;
} kinds[NET_NAME__MAX] = {
	[NET_NAME_LINK]	= { "link name", NET_NAME_LINK_MAX, ALNUM "_-.", false },
	[NET_NAME_NS]	= { "namespace name", NET_NAME_NS_MAX, ALNUM "_-.",
	    false },
	/* nft's scanner reads a name as a word that starts with a letter. */
	[NET_NAME_NFT]	= { "nft name", NET_NAME_NFT_MAX, ALNUM "_-", true },
};

int
net_name_check(enum net_name_kind kind, const char *name, struct mc_err *err)
{
	size_t n;

	assert(kind < NET_NAME__MAX);
	if (name == NULL || name[0] == '\0')
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "%s is empty", kinds[kind].what);
	n = strnlen(name, kinds[kind].max);
	if (n >= kinds[kind].max)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "%s \"%.*s...\" is longer than %zu characters",
		    kinds[kind].what, 20, name, kinds[kind].max - 1);
	/* "." and ".." would name a directory, not a file in it. */
	if (name[strspn(name, kinds[kind].chars)] != '\0' ||
	    strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
	    (kinds[kind].letter_first && !isalpha((unsigned char)name[0])))
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "%s \"%.*s\" has characters that are not allowed",
		    kinds[kind].what, (int)n, name);
	return 0;
}

int
net_name_list_add(struct net_name_list *l, const char *s, struct mc_err *err)
{
	char	**v;
	char	 *copy;

	copy = strdup(s);
	if (copy == NULL)
		return mc_err_sys(err, errno, "out of memory");
	v = reallocarray(l->v, l->n + 1, sizeof(*v));
	if (v == NULL) {
		free(copy);
		return mc_err_sys(err, errno, "out of memory");
	}
	v[l->n++] = copy;
	l->v = v;
	return 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
net_name_list_sort(struct net_name_list *l)
{
	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), cmp_str);
}

void
net_name_list_clear(struct net_name_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/*
 * net_name: the checks every name passes before the net_ library hands
 * it to the kernel (links, namespaces, nftables tables), and a small
 * owned list of names for the calls that list things.  Checks are
 * stricter than the kernel: a name we accept is also safe in a path, in
 * an nft script and in a log line.
 */
#ifndef NET_NAME_H
#define NET_NAME_H

#include <stddef.h>

struct mc_err;

enum net_name_kind {
	NET_NAME_LINK,		/* network interface: IFNAMSIZ - 1 chars */
	NET_NAME_NS,		/* network namespace: a file in /run/netns */
	NET_NAME_NFT,		/* nftables table, chain or set */
	NET_NAME__MAX
};

#define NET_NAME_LINK_MAX	16	/* IFNAMSIZ: 15 characters + NUL */
#define NET_NAME_NS_MAX		64	/* 63 characters + NUL */
#define NET_NAME_NFT_MAX	64	/* 63 characters + NUL */

/*
 * Check that name (borrowed, may be NULL) is a good name of this kind:
 * not empty, shorter than its _MAX, letters, digits, '_', '-' and (not
 * for nft) '.', but not "." or ".."; an nft name starts with a letter.
 * Returns 0, or -1 with err set (InvalidParameterValue) quoting it.
 */
int	net_name_check(enum net_name_kind kind, const char *name,
	    struct mc_err *err);

/* An owned list of strings; all zero is an empty list. */
struct net_name_list {
	char	**v;		/* n owned strings */
	size_t	  n;
};

/* Append a copy of s (borrowed).  Returns 0, or -1 with err set. */
int	net_name_list_add(struct net_name_list *l, const char *s,
	    struct mc_err *err);

/* Sort the list by strcmp, for output that reads the same every time. */
void	net_name_list_sort(struct net_name_list *l);

/* Free the strings and the array; l is then an empty list. */
void	net_name_list_clear(struct net_name_list *l);

#endif /* NET_NAME_H */

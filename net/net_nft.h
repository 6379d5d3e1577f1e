/*
 * net_nft: nftables through libnftables, inside a network namespace.
 * We keep nft's own text form on purpose: the rules the agent applies
 * are a script a student can read, and `nft list table` shows them back.
 * A script is applied as one transaction: all of it or none of it.
 * Nothing is printed; nft's complaints come back in mc_err.
 *
 * A namespace name NULL means the calling thread's namespace.  Family
 * names are nft's: ip, ip6, inet, arp, bridge, netdev.
 */
#ifndef NET_NFT_H
#define NET_NFT_H

#include <stddef.h>

#include "net_name.h"

struct mc_err;

#define NET_NFT_SCRIPT_MAX	(1024 * 1024)	/* bytes of one script */
#define NET_NFT_FAMILY_MAX	8		/* "bridge" + NUL */

/*
 * Apply script (borrowed, nft syntax, at most NET_NFT_SCRIPT_MAX bytes)
 * in namespace ns, atomically.  On a refusal nothing changed and err
 * holds nft's first error with its line and the offending text:
 * "nft script line 4: Service out of range: tcp dport 99999 accept".
 * Returns 0, or -1 with err set.
 */
int	net_nft_apply(const char *ns, const char *script, struct mc_err *err);

/*
 * The table family/name of namespace ns as nft prints it.  Returns 0
 * and *ret_text (a new string the caller frees), or -1 with err set
 * (ENOENT as sys_errno when there is no such table).
 */
int	net_nft_table_text(const char *ns, const char *family, const char *name,
	    char **ret_text, struct mc_err *err);

/*
 * Delete the table family/name of namespace ns, with everything in it.
 * Absent is fine.  Returns 0, or -1 with err set.
 */
int	net_nft_table_delete(const char *ns, const char *family,
	    const char *name, struct mc_err *err);

/* One table, as net_nft_table_list reports it. */
struct net_nft_table {
	char	family[NET_NFT_FAMILY_MAX];
	char	name[NET_NAME_NFT_MAX];
};

/*
 * The tables of namespace ns whose names start with prefix (borrowed;
 * "" for all), in nft's order.  Returns 0 with *ret_tables (a new array
 * the caller frees; NULL when *ret_n is 0) and *ret_n, or -1 with err.
 */
int	net_nft_table_list(const char *ns, const char *prefix,
	    struct net_nft_table **ret_tables, size_t *ret_n,
	    struct mc_err *err);

#endif /* NET_NFT_H */

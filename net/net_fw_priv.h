/*
 * net_fw_priv: what the files of net_fw share and nothing else uses: the
 * handle, the model copy it keeps, the batch being written and the calls
 * that put tables, sets, chains, rules and elements into it.
 *   net_fw.c        handle, apply, delete, stats
 *   net_fw_check.c  the model checks
 *   net_fw_model.c  the owned, sorted copy of a model
 *   net_fw_diff.c   what to send: all of it, or the difference
 *   net_fw_adopt.c  whether a table found there is the model already
 *   net_fw_obj.c    table, set, chain and element messages
 *   net_fw_expr.c   one rule's expressions
 *   net_fw_rule.c   the rules of the layout
 *   net_fw_batch.c  the batch, its socket and the kernel's answers
 */
#ifndef NET_FW_PRIV_H
#define NET_FW_PRIV_H

#include <sys/types.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net_fw.h"
#include "net_name.h"

struct mc_err;
struct mnl_socket;
struct nftnl_batch;
struct nftnl_rule;
struct nftnl_set;
struct nlmsghdr;

/* "out-" or "in-" and an id or tap; "m-" and a group id. */
#define NET_FW_OBJ_MAX		(4 + NET_FW_ID_MAX)

/*
 * A model as the handle keeps it: every array and string owned, ports
 * sorted by tap, groups by id, each group's members sorted and without
 * duplicates.  Rules keep the caller's order (it is the chain's).
 */
struct net_fw_copy {
	struct net_fw_port	*ports;
	size_t			 n_ports;
	struct net_fw_group	*groups;	/* rules and members owned */
	size_t			 n_groups;
};

struct net_fw {
	char			 ns[NET_NAME_NS_MAX];	/* "": the caller's */
	char			 table[NET_NAME_NFT_MAX];
	struct net_fw_copy	*applied;	/* NULL: next apply is whole */
	struct mnl_socket	*sock;		/* NULL: none open yet */
	dev_t			 ns_dev;	/* the namespace sock is in */
	ino_t			 ns_ino;
	struct net_fw_stats	 stats;		/* of the last apply */
};

/* One transaction being written: BEGIN, messages, END. */
struct net_fw_batch {
	struct nftnl_batch	*nb;
	const char		*table;		/* borrowed */
	uint32_t		 seq_begin;	/* seq of BEGIN */
	uint32_t		 seq;		/* the next message's */
	uint32_t		 set_id;	/* the last new set's */
	struct net_fw_stats	*stats;		/* borrowed; counts go here */
	int			 errnum;	/* first failure to build: 0 */
};

/* net_fw_check.c */

/* Shapes and ranges of everything in m.  0, or -1 with err set. */
int	net_fw_check_model(const struct net_fw_model *m, struct mc_err *err);

/* Duplicates and references, on a copy of a model that passed above. */
int	net_fw_check_copy(const struct net_fw_copy *c, struct mc_err *err);

/* net_fw_model.c */

/*
 * A new copy of m (which passed net_fw_check_model).  Returns 0 and
 * *ret (net_fw_copy_free), or -1 with err set.
 */
int	net_fw_copy_new(const struct net_fw_model *m, struct net_fw_copy **ret,
	    struct mc_err *err);
void	net_fw_copy_free(struct net_fw_copy *c);

/* The group id of c, or NULL. */
const struct net_fw_group *net_fw_copy_group(const struct net_fw_copy *c,
	    const char *id);

bool	net_fw_rules_eq(const struct net_fw_group *a,
	    const struct net_fw_group *b, enum net_fw_dir dir);
bool	net_fw_port_groups_eq(const struct net_fw_port *a,
	    const struct net_fw_port *b);

/* Write "<prefix><id>" into buf (NET_FW_OBJ_MAX bytes); returns buf. */
char	*net_fw_name(char *buf, const char *prefix, const char *id);

/* "out-" or "in-": the prefix of dir's chains. */
const char *net_fw_dir_prefix(enum net_fw_dir dir);

/* net_fw_diff.c */

/* Write the whole table for c (old table deleted first) into b. */
void	net_fw_plan_full(struct net_fw_batch *b, const struct net_fw_copy *c);

/* Write what turns old into new into b (nothing when they agree). */
void	net_fw_plan_diff(struct net_fw_batch *b, const struct net_fw_copy *old,
	    const struct net_fw_copy *new);

/* net_fw_adopt.c */

/*
 * Whether the table fw names already holds exactly what a whole apply
 * of c makes (as nft lists them, the order of chains, sets and elements
 * aside).  Returns 0 and *ret_same, or -1 with err set.
 */
int	net_fw_adopt_check(const struct net_fw *fw, const struct net_fw_copy *c,
	    bool *ret_same, struct mc_err *err);

/* net_fw_batch.c */

/*
 * Start a transaction on table (borrowed) counting into stats (zeroed
 * here).  Returns 0, or -1 with err set.
 */
int	net_fw_batch_init(struct net_fw_batch *b, const char *table,
	    struct net_fw_stats *stats, struct mc_err *err);
void	net_fw_batch_clear(struct net_fw_batch *b);

/* Where the next message goes: its header is written, type and flags. */
struct nlmsghdr *net_fw_batch_msg(struct net_fw_batch *b, uint16_t type,
	    uint16_t flags);

/* The message just written is complete. */
void	net_fw_batch_next(struct net_fw_batch *b);

/* Building failed (errnum, say ENOMEM): send will refuse the batch. */
void	net_fw_batch_fail(struct net_fw_batch *b, int errnum);

/* True when nothing but BEGIN is in the batch. */
bool	net_fw_batch_empty(const struct net_fw_batch *b);

/*
 * A netfilter socket made in namespace ns ("": the caller's), bound,
 * non-blocking, with room for the answers to a bad batch.  Returns 0
 * and *ret (mnl_socket_close), or -1 with err set.
 */
int	net_fw_sock_open(const char *ns, struct mnl_socket **ret,
	    struct mc_err *err);

/*
 * End the batch and send it on sock (borrowed; ns names its namespace
 * in messages), then read every answer.  Returns 0 when the kernel took
 * the whole transaction, or -1 with err set naming the first message it
 * refused and why.
 */
int	net_fw_batch_send(struct net_fw_batch *b, struct mnl_socket *sock,
	    const char *ns, struct mc_err *err);

/* net_fw_obj.c */

void	net_fw_put_table(struct net_fw_batch *b);
void	net_fw_put_table_del(struct net_fw_batch *b);

/* Sets of the layout. */
enum net_fw_set_kind {
	NET_FW_SET_SRC_OK,	/* ifname . ether_addr . ipv4_addr */
	NET_FW_SET_IFNAMES,	/* ifname */
	NET_FW_SET_VMAP,	/* ifname : verdict */
	NET_FW_SET_ADDRS,	/* ipv4_addr */
	NET_FW_SET__MAX
};

void	net_fw_put_set(struct net_fw_batch *b, const char *name,
	    enum net_fw_set_kind kind);
void	net_fw_put_set_del(struct net_fw_batch *b, const char *name);

/* Base chains of the layout. */
enum net_fw_base {
	NET_FW_BASE_SPOOF,
	NET_FW_BASE_LOCAL,
	NET_FW_BASE_EGRESS,
	NET_FW_BASE_INGRESS,
	NET_FW_BASE__MAX
};

const char *net_fw_base_name(enum net_fw_base base);
void	net_fw_put_base_chain(struct net_fw_batch *b, enum net_fw_base base);
/* A regular chain; counted as written. */
void	net_fw_put_chain(struct net_fw_batch *b, const char *name);
/* Delete every rule of chain name; counted as written. */
void	net_fw_put_chain_flush(struct net_fw_batch *b, const char *name);
void	net_fw_put_chain_del(struct net_fw_batch *b, const char *name);

/*
 * Set elements, gathered into messages of a bounded size: start, add
 * any number, end.  del: delete rather than add.
 */
struct net_fw_elems {
	struct net_fw_batch	*b;
	const char		*set;		/* borrowed */
	bool			 del;
	struct nftnl_set	*s;		/* the message being gathered */
	size_t			 n;
};

void	net_fw_elems_start(struct net_fw_elems *e, struct net_fw_batch *b,
	    const char *set, bool del);
/* key: len bytes (borrowed); chain: NULL, or a map element's jump. */
void	net_fw_elems_add(struct net_fw_elems *e, const void *key, size_t len,
	    const char *chain);
void	net_fw_elems_end(struct net_fw_elems *e);

/* The element keys of the layout; all network order where it applies. */
struct net_fw_key_src {
	char		ifname[NET_NAME_LINK_MAX];
	uint8_t		mac[6];
	uint8_t		pad[2];		/* concatenations pad to 4 bytes */
	uint32_t	ip;
};

/* net_fw_expr.c */

/* One rule being built; failed once anything could not be allocated. */
struct net_fw_rb {
	struct net_fw_batch	*b;
	struct nftnl_rule	*r;
	bool			 ipv4;		/* meta nfproto ipv4 matched */
	bool			 failed;
};

/* Start a rule appended to chain (borrowed); end writes and frees it. */
void	net_fw_rb_start(struct net_fw_rb *x, struct net_fw_batch *b,
	    const char *chain);
void	net_fw_rb_end(struct net_fw_rb *x);

/* Loads: meta key into reg 1; len bytes of a header at off into dreg. */
void	net_fw_rb_meta(struct net_fw_rb *x, uint32_t key);
void	net_fw_rb_payload(struct net_fw_rb *x, uint32_t base, uint32_t off,
	    uint32_t len, uint32_t dreg);
/* iifname, or oifname when out, into reg 1. */
void	net_fw_rb_ifname(struct net_fw_rb *x, bool out);

/* Matches on reg 1; data in the packet's byte order, borrowed. */
void	net_fw_rb_cmp(struct net_fw_rb *x, uint32_t op, const void *data,
	    uint32_t len);
void	net_fw_rb_mask(struct net_fw_rb *x, const void *bits, uint32_t len);
void	net_fw_rb_range(struct net_fw_rb *x, const void *from, const void *to,
	    uint32_t len);
/* reg 1 in set; a map's verdict is the rule's; inv: not in the set. */
void	net_fw_rb_lookup(struct net_fw_rb *x, const char *set, bool map,
	    bool inv);

/* Shorthands: meta key == value; nfproto ipv4 (once); l4proto. */
void	net_fw_rb_meta_is(struct net_fw_rb *x, uint32_t key, const void *value,
	    uint32_t len);
void	net_fw_rb_ipv4(struct net_fw_rb *x);
void	net_fw_rb_l4proto(struct net_fw_rb *x, uint8_t proto);
/* ct state & bits != 0. */
void	net_fw_rb_ct_state(struct net_fw_rb *x, uint32_t bits);

/* accept, drop, or NFT_JUMP to chain (borrowed). */
void	net_fw_rb_verdict(struct net_fw_rb *x, int v, const char *chain);
/* The rule's comment (borrowed), which `nft list` shows. */
void	net_fw_rb_comment(struct net_fw_rb *x, const char *text);

/* net_fw_rule.c */

/* The rules of one base chain. */
void	net_fw_put_base_rules(struct net_fw_batch *b, enum net_fw_base base);

/* out-P or in-P: a jump per group of p, then drop. */
void	net_fw_put_port_rules(struct net_fw_batch *b,
	    const struct net_fw_port *p, enum net_fw_dir dir);

/* out-G or in-G: one rule per rule of g in dir. */
void	net_fw_put_group_rules(struct net_fw_batch *b,
	    const struct net_fw_group *g, enum net_fw_dir dir);

#endif /* NET_FW_PRIV_H */

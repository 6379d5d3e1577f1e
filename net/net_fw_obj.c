/*
 * net_fw_obj: the table, set, chain and element messages of a net_fw
 * batch.  Each call writes one message (elements: one per bounded group)
 * or, when libnftnl cannot allocate, marks the batch failed.  Objects
 * are created with NLM_F_EXCL: one that is already there means the
 * kernel's table is not what we think, and the failure makes the next
 * apply replace it whole.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netlink.h>

#include <libnftnl/chain.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>

#include "mc_cleanup.h"
#include "net_fw_priv.h"

/*
 * nftables' data type ids, so that `nft list` names the key types; a
 * concatenation's id is its parts' ids, 6 bits each, first part highest.
 */
#define TYPE_VERDICT	1
#define TYPE_IPV4	7
#define TYPE_ETHER	9
#define TYPE_IFNAME	41
#define TYPE_BITS	6
#define TYPE_CONCAT3(a, b, c) \
	((((uint32_t)(a) << TYPE_BITS | (b)) << TYPE_BITS) | (c))

/*
 * nft's byte order of a set's key, which it keeps in the set's user
 * data: without it nft prints an interface name as "".  A
 * concatenation says it part by part through its type.
 */
enum key_order {
	KEY_ORDER_NONE,			/* not said */
	KEY_ORDER_HOST,
	KEY_ORDER_BIG,
};

/* Elements per message: a vmap element is under 100 bytes. */
#define ELEMS_PER_MSG	256
#define UDATA_BYTES	16	/* one u32 TLV and room */

static const struct {
	uint32_t	flags;
	uint32_t	key_type;
	uint32_t	key_len;
	uint32_t	data_type;	/* 0: a plain set */
	enum key_order	order;
} set_kinds[NET_FW_SET__MAX] = {
	[NET_FW_SET_SRC_OK] = { 0,
	    TYPE_CONCAT3(TYPE_IFNAME, TYPE_ETHER, TYPE_IPV4),
	    sizeof(struct net_fw_key_src), 0, KEY_ORDER_NONE },
	[NET_FW_SET_IFNAMES] = { 0, TYPE_IFNAME, NET_NAME_LINK_MAX, 0,
	    KEY_ORDER_HOST },
	[NET_FW_SET_VMAP] = { NFT_SET_MAP, TYPE_IFNAME, NET_NAME_LINK_MAX,
	    NFT_DATA_VERDICT, KEY_ORDER_HOST },
	[NET_FW_SET_ADDRS] = { 0, TYPE_IPV4, sizeof(uint32_t), 0,
	    KEY_ORDER_BIG },
};

static const struct {
	const char	*name;
	uint32_t	 hook;
	int32_t		 prio;
} bases[NET_FW_BASE__MAX] = {
	[NET_FW_BASE_SPOOF]	= { "spoof",	NF_INET_PRE_ROUTING,	-300 },
	[NET_FW_BASE_LOCAL]	= { "local",	NF_INET_LOCAL_IN,	0 },
	[NET_FW_BASE_EGRESS]	= { "egress",	NF_INET_FORWARD,	0 },
	[NET_FW_BASE_INGRESS]	= { "ingress",	NF_INET_FORWARD,	10 },
};

const char *
net_fw_base_name(enum net_fw_base base)
{
	return bases[base].name;
}

static void
table_msg(struct net_fw_batch *b, uint16_t type, uint16_t flags)
{
	struct nftnl_table *t = nftnl_table_alloc();

	if (t == NULL || nftnl_table_set_str(t, NFTNL_TABLE_NAME, b->table) < 0)
		net_fw_batch_fail(b, ENOMEM);
	else {
		nftnl_table_nlmsg_build_payload(net_fw_batch_msg(b, type,
		    flags), t);
		net_fw_batch_next(b);
	}
	if (t != NULL)
		nftnl_table_free(t);
}

void
net_fw_put_table(struct net_fw_batch *b)
{
	table_msg(b, NFT_MSG_NEWTABLE, NLM_F_CREATE);
}

void
net_fw_put_table_del(struct net_fw_batch *b)
{
	table_msg(b, NFT_MSG_DELTABLE, 0);
}

/* A set object naming table and set, or NULL with b failed. */
static struct nftnl_set *
set_obj(struct net_fw_batch *b, const char *name)
{
	struct nftnl_set *s = nftnl_set_alloc();

	if (s == NULL || nftnl_set_set_str(s, NFTNL_SET_TABLE, b->table) < 0 ||
	    nftnl_set_set_str(s, NFTNL_SET_NAME, name) < 0) {
		if (s != NULL)
			nftnl_set_free(s);
		net_fw_batch_fail(b, ENOMEM);
		return NULL;
	}
	return s;
}

/* The set's user data: its key's byte order.  0, or -1 when out of memory. */
static int
set_udata(struct nftnl_set *s, enum key_order order)
{
	struct nftnl_udata_buf	*u;
	int			 rc = -1;

	if (order == KEY_ORDER_NONE)
		return 0;
	if ((u = nftnl_udata_buf_alloc(UDATA_BYTES)) == NULL)
		return -1;
	if (nftnl_udata_put_u32(u, NFTNL_UDATA_SET_KEYBYTEORDER, order))
		rc = nftnl_set_set_data(s, NFTNL_SET_USERDATA,
		    nftnl_udata_buf_data(u), nftnl_udata_buf_len(u));
	nftnl_udata_buf_free(u);
	return rc;
}

void
net_fw_put_set(struct net_fw_batch *b, const char *name,
    enum net_fw_set_kind kind)
{
	struct nftnl_set *s = set_obj(b, name);

	if (s == NULL)
		return;
	if (set_udata(s, set_kinds[kind].order) < 0) {
		nftnl_set_free(s);
		net_fw_batch_fail(b, ENOMEM);
		return;
	}
	/* The kernel wants an id unique within the batch for a new set. */
	nftnl_set_set_u32(s, NFTNL_SET_ID, ++b->set_id);
	nftnl_set_set_u32(s, NFTNL_SET_FLAGS, set_kinds[kind].flags);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_TYPE, set_kinds[kind].key_type);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_LEN, set_kinds[kind].key_len);
	if (set_kinds[kind].data_type != 0) {
		nftnl_set_set_u32(s, NFTNL_SET_DATA_TYPE,
		    set_kinds[kind].data_type);
		nftnl_set_set_u32(s, NFTNL_SET_DATA_LEN, 0);
	}
	nftnl_set_nlmsg_build_payload(net_fw_batch_msg(b, NFT_MSG_NEWSET,
	    NLM_F_CREATE | NLM_F_EXCL), s);
	net_fw_batch_next(b);
	nftnl_set_free(s);
}

void
net_fw_put_set_del(struct net_fw_batch *b, const char *name)
{
	struct nftnl_set *s = set_obj(b, name);

	if (s == NULL)
		return;
	nftnl_set_nlmsg_build_payload(net_fw_batch_msg(b, NFT_MSG_DELSET, 0),
	    s);
	net_fw_batch_next(b);
	nftnl_set_free(s);
}

/* A chain object naming table and chain, or NULL with b failed. */
static struct nftnl_chain *
chain_obj(struct net_fw_batch *b, const char *name)
{
	struct nftnl_chain *c = nftnl_chain_alloc();

	if (c == NULL || nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE,
	    b->table) < 0 || nftnl_chain_set_str(c, NFTNL_CHAIN_NAME,
	    name) < 0) {
		if (c != NULL)
			nftnl_chain_free(c);
		net_fw_batch_fail(b, ENOMEM);
		return NULL;
	}
	return c;
}

static void
chain_msg(struct net_fw_batch *b, struct nftnl_chain *c, uint16_t type,
    uint16_t flags)
{
	nftnl_chain_nlmsg_build_payload(net_fw_batch_msg(b, type, flags), c);
	net_fw_batch_next(b);
	nftnl_chain_free(c);
}

void
net_fw_put_base_chain(struct net_fw_batch *b, enum net_fw_base base)
{
	struct nftnl_chain *c = chain_obj(b, bases[base].name);

	if (c == NULL)
		return;
	nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, bases[base].hook);
	nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, bases[base].prio);
	nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	if (nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, "filter") < 0) {
		nftnl_chain_free(c);
		net_fw_batch_fail(b, ENOMEM);
		return;
	}
	chain_msg(b, c, NFT_MSG_NEWCHAIN, NLM_F_CREATE | NLM_F_EXCL);
	b->stats->chains_written++;
}

void
net_fw_put_chain(struct net_fw_batch *b, const char *name)
{
	struct nftnl_chain *c = chain_obj(b, name);

	if (c == NULL)
		return;
	chain_msg(b, c, NFT_MSG_NEWCHAIN, NLM_F_CREATE | NLM_F_EXCL);
	b->stats->chains_written++;
}

void
net_fw_put_chain_del(struct net_fw_batch *b, const char *name)
{
	struct nftnl_chain *c = chain_obj(b, name);

	/* The chain's rules go with it; nothing may jump to it any more. */
	if (c != NULL)
		chain_msg(b, c, NFT_MSG_DELCHAIN, 0);
}

void
net_fw_put_chain_flush(struct net_fw_batch *b, const char *name)
{
	struct nftnl_rule *r = nftnl_rule_alloc();

	/* DELRULE naming a chain and no rule: every rule of the chain. */
	if (r == NULL || nftnl_rule_set_str(r, NFTNL_RULE_TABLE, b->table) < 0 ||
	    nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, name) < 0)
		net_fw_batch_fail(b, ENOMEM);
	else {
		nftnl_rule_nlmsg_build_payload(net_fw_batch_msg(b,
		    NFT_MSG_DELRULE, 0), r);
		net_fw_batch_next(b);
		b->stats->chains_written++;
	}
	if (r != NULL)
		nftnl_rule_free(r);
}

void
net_fw_elems_start(struct net_fw_elems *e, struct net_fw_batch *b,
    const char *set, bool del)
{
	memset(e, 0, sizeof(*e));
	e->b = b;
	e->set = set;
	e->del = del;
}

/* Send what is gathered as one message. */
static void
elems_flush(struct net_fw_elems *e)
{
	uint16_t type = e->del ? NFT_MSG_DELSETELEM : NFT_MSG_NEWSETELEM;

	if (e->s == NULL)
		return;
	nftnl_set_elems_nlmsg_build_payload(net_fw_batch_msg(e->b, type,
	    e->del ? 0 : NLM_F_CREATE | NLM_F_EXCL), e->s);
	net_fw_batch_next(e->b);
	nftnl_set_free(e->s);
	e->s = NULL;
	e->n = 0;
}

/* A new element with key and, for a map, a jump to chain. */
static struct nftnl_set_elem *
elem_new(const void *key, size_t len, const char *chain)
{
	struct nftnl_set_elem *el = nftnl_set_elem_alloc();

	if (el == NULL)
		return NULL;
	if (nftnl_set_elem_set(el, NFTNL_SET_ELEM_KEY, key, (uint32_t)len) < 0)
		goto fail;
	if (chain != NULL) {
		nftnl_set_elem_set_u32(el, NFTNL_SET_ELEM_VERDICT, NFT_JUMP);
		if (nftnl_set_elem_set_str(el, NFTNL_SET_ELEM_CHAIN, chain) < 0)
			goto fail;
	}
	return el;
fail:
	nftnl_set_elem_free(el);
	return NULL;
}

void
net_fw_elems_add(struct net_fw_elems *e, const void *key, size_t len,
    const char *chain)
{
	struct nftnl_set_elem *el;

	if (e->s == NULL && (e->s = set_obj(e->b, e->set)) == NULL)
		return;
	if ((el = elem_new(key, len, chain)) == NULL) {
		net_fw_batch_fail(e->b, ENOMEM);
		return;
	}
	nftnl_set_elem_add(e->s, el);
	e->b->stats->elements_changed++;
	if (++e->n == ELEMS_PER_MSG)
		elems_flush(e);
}

void
net_fw_elems_end(struct net_fw_elems *e)
{
	elems_flush(e);
}

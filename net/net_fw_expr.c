/*
 * net_fw_expr: building one rule of a net_fw batch, an expression at a
 * time, the way nft lays them out (reg 1 for a match; a comparison
 * against reg 1).  A builder that could not allocate marks itself
 * failed, and ending it marks the batch failed instead of writing.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netlink.h>

#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/udata.h>

#include "net_fw_priv.h"

#define UDATA_MAX	(NET_FW_ID_MAX + 8)	/* one comment TLV */

void
net_fw_rb_start(struct net_fw_rb *x, struct net_fw_batch *b,
    const char *chain)
{
	memset(x, 0, sizeof(*x));
	x->b = b;
	x->r = nftnl_rule_alloc();
	if (x->r == NULL ||
	    nftnl_rule_set_str(x->r, NFTNL_RULE_TABLE, b->table) < 0 ||
	    nftnl_rule_set_str(x->r, NFTNL_RULE_CHAIN, chain) < 0)
		x->failed = true;
}

/* Write the rule (appended to its chain) and free it. */
void
net_fw_rb_end(struct net_fw_rb *x)
{
	if (x->failed)
		net_fw_batch_fail(x->b, ENOMEM);
	else {
		nftnl_rule_nlmsg_build_payload(net_fw_batch_msg(x->b,
		    NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND), x->r);
		net_fw_batch_next(x->b);
	}
	if (x->r != NULL)
		nftnl_rule_free(x->r);
	x->r = NULL;
}

/* A new expression appended to the rule, or NULL once it failed. */
static struct nftnl_expr *
expr(struct net_fw_rb *x, const char *name)
{
	struct nftnl_expr *e;

	if (x->failed)
		return NULL;
	if ((e = nftnl_expr_alloc(name)) == NULL) {
		x->failed = true;
		return NULL;
	}
	nftnl_rule_add_expr(x->r, e);
	return e;
}

void
net_fw_rb_meta(struct net_fw_rb *x, uint32_t key)
{
	struct nftnl_expr *e = expr(x, "meta");

	if (e == NULL)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
}

void
net_fw_rb_payload(struct net_fw_rb *x, uint32_t base, uint32_t off,
    uint32_t len, uint32_t dreg)
{
	struct nftnl_expr *e = expr(x, "payload");

	if (e == NULL)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, off);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, dreg);
}

void
net_fw_rb_cmp(struct net_fw_rb *x, uint32_t op, const void *data, uint32_t len)
{
	struct nftnl_expr *e = expr(x, "cmp");

	if (e == NULL)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
	(void)nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
}

/* reg 1 = reg 1 & mask (len bytes). */
void
net_fw_rb_mask(struct net_fw_rb *x, const void *bits, uint32_t len)
{
	struct nftnl_expr	*e = expr(x, "bitwise");
	static const uint8_t	 zero[sizeof(uint32_t)];

	if (e == NULL)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, len);
	(void)nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, bits, len);
	(void)nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, zero, len);
}

/* reg 1 between from and to (len bytes, network order), inclusive. */
void
net_fw_rb_range(struct net_fw_rb *x, const void *from, const void *to,
    uint32_t len)
{
	struct nftnl_expr *e = expr(x, "range");

	if (e == NULL)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_RANGE_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_RANGE_OP, NFT_RANGE_EQ);
	(void)nftnl_expr_set(e, NFTNL_EXPR_RANGE_FROM_DATA, from, len);
	(void)nftnl_expr_set(e, NFTNL_EXPR_RANGE_TO_DATA, to, len);
}

/* Look reg 1 up in set; a map's verdict goes to the verdict register. */
void
net_fw_rb_lookup(struct net_fw_rb *x, const char *set, bool map, bool inv)
{
	struct nftnl_expr *e = expr(x, "lookup");

	if (e == NULL)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SREG, NFT_REG_1);
	if (map)
		nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_DREG, NFT_REG_VERDICT);
	if (inv)
		nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_FLAGS,
		    NFT_LOOKUP_F_INV);
	if (nftnl_expr_set_str(e, NFTNL_EXPR_LOOKUP_SET, set) < 0)
		x->failed = true;
}

/* accept, drop, or a jump to chain. */
void
net_fw_rb_verdict(struct net_fw_rb *x, int v, const char *chain)
{
	struct nftnl_expr *e = expr(x, "immediate");

	if (e == NULL)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, (uint32_t)v);
	if (chain != NULL &&
	    nftnl_expr_set_str(e, NFTNL_EXPR_IMM_CHAIN, chain) < 0)
		x->failed = true;
}

/* meta key == value, value len bytes. */
void
net_fw_rb_meta_is(struct net_fw_rb *x, uint32_t key, const void *value,
    uint32_t len)
{
	net_fw_rb_meta(x, key);
	net_fw_rb_cmp(x, NFT_CMP_EQ, value, len);
}

/* meta nfproto ipv4, once per rule. */
void
net_fw_rb_ipv4(struct net_fw_rb *x)
{
	static const uint8_t v = NFPROTO_IPV4;

	if (!x->ipv4)
		net_fw_rb_meta_is(x, NFT_META_NFPROTO, &v, sizeof(v));
	x->ipv4 = true;
}

void
net_fw_rb_l4proto(struct net_fw_rb *x, uint8_t proto)
{
	net_fw_rb_meta_is(x, NFT_META_L4PROTO, &proto, sizeof(proto));
}

/* ct state & bits != 0. */
void
net_fw_rb_ct_state(struct net_fw_rb *x, uint32_t bits)
{
	struct nftnl_expr	*e = expr(x, "ct");
	static const uint32_t	 zero;

	if (e != NULL) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_CT_KEY, NFT_CT_STATE);
		nftnl_expr_set_u32(e, NFTNL_EXPR_CT_DREG, NFT_REG_1);
	}
	net_fw_rb_mask(x, &bits, sizeof(bits));
	net_fw_rb_cmp(x, NFT_CMP_NEQ, &zero, sizeof(zero));
}

/* iifname (or oifname) into reg 1. */
void
net_fw_rb_ifname(struct net_fw_rb *x, bool out)
{
	net_fw_rb_meta(x, out ? NFT_META_OIFNAME : NFT_META_IIFNAME);
}

/* The rule's comment, as nft keeps it: a TLV in the rule's user data. */
void
net_fw_rb_comment(struct net_fw_rb *x, const char *text)
{
	struct nftnl_udata_buf *u;

	if (x->failed)
		return;
	u = nftnl_udata_buf_alloc(UDATA_MAX);
	if (u == NULL ||
	    !nftnl_udata_put_strz(u, NFTNL_UDATA_RULE_COMMENT, text) ||
	    nftnl_rule_set_data(x->r, NFTNL_RULE_USERDATA,
	    nftnl_udata_buf_data(u), nftnl_udata_buf_len(u)) < 0)
		x->failed = true;
	if (u != NULL)
		nftnl_udata_buf_free(u);
}

/*
 * sg_bench: the security-group bench (bench/secgroups), never part of
 * the product.  Models of N ports with one group of SG_RULES ingress
 * rules each, the same rules as a classic linear ruleset in nft text
 * (the baseline), and three namespaces that push UDP through the
 * firewall namespace to count what passes.
 */
#ifndef SG_BENCH_H
#define SG_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net_fw.h"

struct mc_err;

#define SG_PREFIX	"mcbench-"	/* every namespace we make */
#define SG_RULES	50		/* ingress rules of each group */
#define SG_FLOW_PORT	9000		/* the UDP port the flow goes to */
#define SG_TEST_TAP	"ptest"		/* the port the flow goes out of */

/* The namespaces: sender -- firewall (uplink | SG_TEST_TAP) -- receiver. */
struct sg_net {
	char		fw[64], snd[64], rcv[64];
	uint8_t		rcv_mac[6];
	uint32_t	snd_ip, rcv_ip;		/* host order */
};

/*
 * A model of n ports: n - 1 named "dK" that exist only as names, then
 * SG_TEST_TAP (the receiver's MAC and address) whose last ingress rule
 * lets the flow in.  Each port has its own group "sg-K" of SG_RULES
 * ingress rules and one egress rule.  Room is kept for one port more
 * (sg_model_grow).
 */
struct sg_model {
	struct net_fw_port	*ports;
	struct net_fw_group	*groups;
	struct net_fw_rule	*rules;		/* SG_RULES + 1 per group */
	uint32_t		*members;	/* one per group */
	size_t			 n;		/* ports in the model */
	struct net_fw_model	 m;
};

int	sg_model_new(size_t n, const struct sg_net *net, struct sg_model **ret,
	    struct mc_err *err);
void	sg_model_free(struct sg_model *sm);

/* Add (grow true) or take away the spare port and its group. */
void	sg_model_grow(struct sg_model *sm, bool grow);

/* Flip one rule of the group in the middle between two port numbers. */
void	sg_model_flip(struct sg_model *sm);

/*
 * The same rules as one linear chain per direction in table (borrowed)
 * of family inet, as nft scripts of at most NET_NFT_SCRIPT_MAX bytes
 * each.  Returns 0 with *ret_v (n scripts, each and the array freed by
 * the caller) and *ret_n, or -1 with err set.
 */
int	sg_linear_scripts(const struct sg_model *sm, const char *table,
	    char ***ret_v, size_t *ret_n, struct mc_err *err);

/* Make the namespaces (after removing leftovers) and wire them. */
int	sg_net_setup(struct sg_net *net, struct mc_err *err);
/* Remove every namespace starting with SG_PREFIX. */
void	sg_net_teardown(void);

/*
 * Send UDP from the sender to the receiver for seconds, as fast as the
 * sender can; *ret_pps gets the datagrams received per second.
 */
int	sg_net_pps(const struct sg_net *net, double seconds, double *ret_pps,
	    struct mc_err *err);

/* Seconds on the monotonic clock. */
double	sg_now(void);

#endif /* SG_BENCH_H */

/*
 * net_fw_test: the fixtures the net_fw tests share.  Each test gets two
 * scratch namespaces (fw_setup; fw_teardown removes what the run left):
 * ns, where the test's firewall is, and ref, where a whole apply of the
 * same model is made to compare with.  The model is the golden file's,
 * in storage a test may change.  Runs as root: see net_test.h.
 */
#ifndef NET_FW_TEST_H
#define NET_FW_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net_test.h"

#include "net_fw.h"

#define TABLE		"mcut_fw"
#define RULES_MAX	8		/* per group and direction, here */
#define IP4(a, b, c, d)	((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))

enum { WEB, SSH, N_GROUPS };
enum { P_TAPB, P_TAPA, N_PORTS };	/* tapb first: order must not matter */

/* The model of the golden file, in storage a test may change. */
struct model {
	struct net_fw_rule	rules[N_GROUPS][NET_FW_DIR__MAX][RULES_MAX];
	uint32_t		members[N_GROUPS][RULES_MAX];
	struct net_fw_group	groups[N_GROUPS];
	struct net_fw_port	ports[N_PORTS];
	struct net_fw_model	m;
};

/* A test's namespaces: ns and ref always, a and b for packet tests. */
struct fixture {
	char	ns[NET_NAME_NS_MAX], ref[NET_NAME_NS_MAX];
	char	a[NET_NAME_NS_MAX], b[NET_NAME_NS_MAX];
};

/* The golden file's ports. */
extern const struct net_fw_port golden_ports[N_PORTS];

/* Fill mb with the golden model. */
void	model_init(struct model *mb);

/* cmocka setup and teardown: *state is a new struct fixture. */
int	fw_setup(void **state);
int	fw_teardown(void **state);

/* The listing of TABLE in ns; a new string the caller frees. */
char	*listing(const char *ns);
/* Apply mb with fw; fails the test if it cannot. */
void	apply_ok(struct net_fw *fw, const struct model *mb);
/* A new handle on TABLE in ns; fails the test if there is none. */
struct net_fw *fw_new(const char *ns);
/* The table of f->ns is what a whole apply of mb makes (in f->ref). */
void	same_as_whole(struct fixture *f, const struct model *mb);
/* The stats of fw's last apply are these. */
void	stats_are(struct net_fw *fw, bool full, size_t chains,
	    size_t elements);

#endif /* NET_FW_TEST_H */

/*
 * mc-bench-secgroups: the security-group firewall at scale, against a
 * classic linear ruleset, never part of the product.  In namespaces of
 * its own ("mcbench-*", removed first and at the end):
 * 1. the time to load 1000 ports with one group of 50 rules each, then
 *    to apply one changed rule and one new port (medians);
 * 2. the cost of a packet through the firewall as ports grow, with the
 *    flow's port's match last, against the same rules as one linear
 *    chain per direction (built as nft text through net_nft).
 * Usage: mc-bench-secgroups [SECONDS per packet run, default 1]; each
 * packet figure is the best of PKT_RUNS runs, the least disturbed by
 * whatever else the machine does.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mc_err.h"
#include "net_fw.h"
#include "net_nft.h"
#include "sg_bench.h"

#define PROG		"mc-bench-secgroups"
#define FW_TABLE	"mcbench_fw"
#define LIN_TABLE	"mcbench_lin"
#define SCALE_PORTS	1000
#define REPS		7
#define SECONDS		1.0
#define PKT_RUNS	3

static const size_t pkt_ports[] = { 1, 10, 100, 1000 };

static int
fail(const struct mc_err *err)
{
	fprintf(stderr, PROG ": %s\n", err->msg);
	return -1;
}

static int
dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double
median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), dbl_cmp);
	return v[n / 2];
}

/* Apply and time it; seconds, or -1 with err set. */
static double
timed_apply(struct net_fw *fw, const struct sg_model *sm, struct mc_err *err)
{
	double t = sg_now();

	if (net_fw_apply(fw, &sm->m, err) < 0)
		return -1;
	return sg_now() - t;
}

/* Load the linear baseline of sm; seconds, or -1 with err set. */
static double
linear_load(const char *ns, const struct sg_model *sm, struct mc_err *err)
{
	char	**v = NULL;
	size_t	  n = 0, i;
	double	  t = sg_now();
	int	  rc = 0;

	if (sg_linear_scripts(sm, LIN_TABLE, &v, &n, err) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (rc == 0)
			rc = net_nft_apply(ns, v[i], err);
		free(v[i]);
	}
	free(v);
	return rc < 0 ? -1 : sg_now() - t;
}

/* Step 1: load, one rule, one port. */
static int
scale(const struct sg_net *net, struct net_fw *fw, struct mc_err *err)
{
	struct sg_model		*sm = NULL;
	struct net_fw_stats	 st;
	double			 full, lin, rule[REPS], port[REPS];
	size_t			 r;

	if (sg_model_new(SCALE_PORTS, net, &sm, err) < 0 ||
	    (full = timed_apply(fw, sm, err)) < 0 ||
	    (lin = linear_load(net->fw, sm, err)) < 0 ||
	    net_nft_table_delete(net->fw, "inet", LIN_TABLE, err) < 0)
		goto fail;
	net_fw_stats(fw, &st);
	printf("load %d ports x %d rules    fw: %.3f s (%zu messages, "
	    "one batch)    linear (nft text): %.3f s\n", SCALE_PORTS,
	    SG_RULES, full, st.messages, lin);
	for (r = 0; r < REPS; r++) {
		sg_model_flip(sm);
		if ((rule[r] = timed_apply(fw, sm, err)) < 0)
			goto fail;
	}
	for (r = 0; r < REPS; r++) {
		sg_model_grow(sm, true);
		if ((port[r] = timed_apply(fw, sm, err)) < 0)
			goto fail;
		sg_model_grow(sm, false);
		if (timed_apply(fw, sm, err) < 0)
			goto fail;
	}
	printf("one rule changed          fw: %.2f ms (median of %d)    "
	    "whole reload: %.0f ms\n", median(rule, REPS) * 1e3, REPS,
	    full * 1e3);
	printf("one port added            fw: %.2f ms (median of %d)    "
	    "whole reload: %.0f ms\n", median(port, REPS) * 1e3, REPS,
	    full * 1e3);
	sg_model_free(sm);
	return 0;
fail:
	sg_model_free(sm);
	return fail(err);
}

/* The best of PKT_RUNS runs, in datagrams a second. */
static int
best_pps(const struct sg_net *net, double seconds, double *ret_pps,
    struct mc_err *err)
{
	double	pps, best = 0;
	int	i;

	for (i = 0; i < PKT_RUNS; i++) {
		if (sg_net_pps(net, seconds, &pps, err) < 0)
			return -1;
		if (pps > best)
			best = pps;
	}
	*ret_pps = best;
	return 0;
}

static double
us_per_pkt(double pps)
{
	return pps > 0 ? 1e6 / pps : 0;
}

/* Step 2, one size: the firewall, then the linear baseline. */
static int
per_packet(const struct sg_net *net, struct net_fw *fw, size_t n,
    double seconds, struct mc_err *err)
{
	struct sg_model	*sm = NULL;
	double		 fw_pps, lin_pps;

	if (sg_model_new(n, net, &sm, err) < 0 ||
	    net_fw_apply(fw, &sm->m, err) < 0 ||
	    best_pps(net, seconds, &fw_pps, err) < 0 ||
	    net_fw_delete(fw, err) < 0 ||
	    linear_load(net->fw, sm, err) < 0 ||
	    best_pps(net, seconds, &lin_pps, err) < 0 ||
	    net_nft_table_delete(net->fw, "inet", LIN_TABLE, err) < 0) {
		sg_model_free(sm);
		return fail(err);
	}
	printf("ports=%-5zu fw: %7.2f us/pkt    linear: %8.2f us/pkt\n", n,
	    us_per_pkt(fw_pps), us_per_pkt(lin_pps));
	sg_model_free(sm);
	return 0;
}

static int
packets(const struct sg_net *net, struct net_fw *fw, double seconds,
    struct mc_err *err)
{
	double	pps;
	size_t	i;

	if (net_fw_delete(fw, err) < 0 || best_pps(net, seconds, &pps,
	    err) < 0)
		return fail(err);
	printf("no firewall      %7.2f us/pkt (64-byte UDP over veths, best "
	    "of %d runs of %.1f s)\n", us_per_pkt(pps), PKT_RUNS, seconds);
	for (i = 0; i < sizeof(pkt_ports) / sizeof(pkt_ports[0]); i++)
		if (per_packet(net, fw, pkt_ports[i], seconds, err) < 0)
			return -1;
	return 0;
}

int
main(int argc, char **argv)
{
	struct sg_net	 net;
	struct mc_err	 err = { 0 };
	struct net_fw	*fw = NULL;
	double		 seconds = argc > 1 ? strtod(argv[1], NULL) : SECONDS;
	int		 rc = 1;

	if (geteuid() != 0 || seconds <= 0 || argc > 2) {
		fprintf(stderr, "usage: " PROG " [seconds] (as root)\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (sg_net_setup(&net, &err) < 0)
		(void)fail(&err);
	else if ((fw = net_fw_new(net.fw, FW_TABLE, &err)) == NULL)
		(void)fail(&err);
	else if (scale(&net, fw, &err) == 0 &&
	    packets(&net, fw, seconds, &err) == 0)
		rc = 0;
	net_fw_free(fw);
	sg_net_teardown();
	return rc;
}

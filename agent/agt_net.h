/*
 * agt_net: the host's data plane for instances.  Each VPC with an
 * instance on this host is a network namespace (so that VPCs whose
 * blocks overlap stay apart); each instance's tap is a routed port in
 * it (the host side holds the subnet's gateway address, answers ARP for
 * the rest of the VPC, and routes between ports, so that every packet
 * between two instances crosses the namespace's netfilter hooks); a
 * veth pair joins it to the host, where traffic leaves by NAT and
 * public addresses arrive.  dnsmasq serves DHCP and DNS inside, and the
 * metadata service listens inside at 169.254.169.254.  Everything it
 * makes carries the net-prefix; it touches nothing else.
 *
 * Level-triggered like the rest of the agent: each round makes what the
 * desired state needs and removes what it no longer needs.
 */
#ifndef AGT_NET_H
#define AGT_NET_H

#include <stdbool.h>
#include <stdint.h>

#include "mc_proto.h"

struct agt_conf;
struct agt_imds;
struct agt_net;
struct mc_buf;
struct mc_err;

#define AGT_NET_TAP_MAX	16	/* IFNAMSIZ */

/*
 * Set up the host side (IPv4 forwarding, the masquerade of the VPCs'
 * transit block out of the uplink) and remember where things go.
 * Returns 0 and *ret, or -1 with err set.
 */
int	agt_net_new(const struct agt_conf *c, struct agt_imds *imds,
	    struct agt_net **ret, struct mc_err *err);

/*
 * Free n and stop the dnsmasqs it started; the rest of what it wired
 * stays (the instances keep running).
 */
void	agt_net_free(struct agt_net *n);

/* The tap of instance id (AGT_NET_TAP_MAX bytes). */
void	agt_net_tap_name(const struct agt_net *n, const char *id, char *buf);

/*
 * Before w's domain starts: its tap exists, down, in the host's
 * namespace, where libvirt opens it.  Returns 0, or -1 with err set.
 */
int	agt_net_tap_ready(struct agt_net *n, const struct mc_proto_inst *w,
	    struct mc_err *err);

/*
 * One round for desired state d: wire each VPC an instance needs, plug
 * the taps of the instances whose domains run (running(arg, id)), keep
 * the VPC's rules, DHCP and metadata listener up to date, route public
 * addresses, and remove what nothing needs.  Never fails as a whole:
 * each problem is logged and tried again next round.
 */
void	agt_net_sync(struct agt_net *n, const struct mc_proto_desired *d,
	    bool (*running)(void *arg, const char *id), void *arg,
	    int64_t now_ms);

/* What was wired for w, for `minicloud explain`, appended to b. */
void	agt_net_explain(struct agt_net *n, const struct mc_proto_inst *w,
	    struct mc_buf *b);

#endif /* AGT_NET_H */

/*
 * agt_conf: the agent's settings, listed once in a table that drives its
 * config file (/etc/minicloud/agent.conf), --flags, --help and
 * --check-config.  Read-only once loaded.
 */
#ifndef AGT_CONF_H
#define AGT_CONF_H

#include <stdio.h>

#include "mc_conf.h"
#include "mc_fs.h"
#include "mc_proto.h"

struct mc_err;

#define AGT_CONF_DEFAULT_PATH	"/etc/minicloud/agent.conf"
#define AGT_CONF_PREFIX_MAX	4	/* net-prefix: names must fit IFNAMSIZ */

struct agt_conf {
	char		*controller;		/* http://host:port of the agents' API */
	char		*host_name;		/* "" : this machine's name */
	char		*zone;
	char		*state_dir;
	char		*libvirt_uri;
	char		*cluster_token_file;
	char		*accel;			/* auto, kvm, tcg */
	long long	 report_interval_s;
	long long	 poll_wait_s;
	char		*log_level;
	char		*net_prefix;		/* of every link, netns, table */
	char		*uplink;		/* "" : the default route's link */
	long long	 mtu;			/* of instance networks */
	struct mc_strv	 dns_servers;		/* upstream of the VPC resolvers */
	char		*dnsmasq;		/* the program */
	char		*volume_dir;		/* "" : STATE_DIR/volumes */
	char		*underlay_ip;		/* "" : no overlay */
	/* Derived by agt_conf_load. */
	char		 name[MC_PROTO_NAME_MAX + 1];
	char		 token[MC_FS_TOKEN_MAX + 2];
};

/* VXLAN's headers on a 1500-byte underlay leave instances this much. */
#define AGT_CONF_OVERLAY_MTU	1450

/* Load from argv and the config file; see mc_conf_load. */
int	agt_conf_load(struct agt_conf *conf, int argc, char *const argv[],
	    enum mc_conf_verb *ret_verb, struct mc_err *err);

/* Free what agt_conf_load stored. */
void	agt_conf_clear(struct agt_conf *conf);

/* Print --help. */
void	agt_conf_usage(const char *prog, FILE *out);

#endif /* AGT_CONF_H */

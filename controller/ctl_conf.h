/*
 * ctl_conf: the controller's settings, listed once in a table that
 * drives the config file, the --flags, --help and --check-config.  The
 * parsed config is read-only once loaded and passed by pointer.
 */
#ifndef CTL_CONF_H
#define CTL_CONF_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "mc_conf.h"
#include "mc_fs.h"
#include "ctl_itypes.h"

struct mc_err;

#define CTL_CONF_DEFAULT_PATH	"/etc/minicloud/controller.conf"
#define CTL_REGION_MAX		32
#define CTL_TOKEN_MAX		MC_FS_TOKEN_MAX

/* A range of public addresses, host byte order, both ends included. */
struct ctl_iprange {
	uint32_t	first, last;
};

struct ctl_conf {
	char		*state_dir;
	struct mc_addr	 listen;		/* EC2 API */
	struct mc_addr	 agent_listen;		/* agents' API */
	char		*region;
	struct mc_strv	 zones;			/* availability zone names */
	char		*public_url;		/* "" : derived from listen */
	struct mc_strv	 instance_types;	/* "NAME VCPUS MEMORY_MIB" */
	char		*default_instance_type;
	long long	 max_body_bytes;
	long long	 api_threads;
	long long	 api_rate;		/* requests/s per account; 0 off */
	long long	 api_burst;
	long long	 max_instances;		/* per account */
	long long	 max_elastic_ips;	/* per account */
	long long	 max_vpcs;		/* per account */
	struct mc_strv	 public_ips;		/* "A-B" ranges or CIDR blocks */
	char		*log_level;
	char		*cluster_token_file;	/* "" : agents refused */
	long long	 host_timeout_s;
	long long	 stop_timeout_s;
	long long	 cpu_overcommit;	/* percent */
	long long	 mem_overcommit;
	long long	 disk_overcommit;
	char		*placement;		/* spread, pack */
	long long	 terminated_retention_s;
	long long	 max_image_mib;
	long long	 image_timeout_s;
	/* Derived from the settings above by ctl_conf_load. */
	struct ctl_itypes itypes;		/* built-ins + instance_types */
	char		 cluster_token[CTL_TOKEN_MAX + 2];
	struct ctl_iprange *ip_pool;		/* public_ips, parsed */
	size_t		 n_ip_pool;
	char		 dns_domain[CTL_REGION_MAX + 32];	/* private names */
};

/*
 * Load the controller's config from argv and the config file (see
 * mc_conf_load) and fill in what derives from other settings (default
 * zone, public URL, the instance type catalog).  With
 * ret_argi not NULL, parsing stops at the first argument that is not a
 * flag (the admin CLI's command).  Returns 0 with *ret_verb set, or -1
 * with err set; free with ctl_conf_clear.
 */
int	ctl_conf_load(struct ctl_conf *conf, int argc, char *const argv[],
	    enum mc_conf_verb *ret_verb, int *ret_argi, struct mc_err *err);

/* Free what ctl_conf_load stored. */
void	ctl_conf_clear(struct ctl_conf *conf);

/*
 * Parse a public address range, "A.B.C.D-E.F.G.H" or a CIDR block (its
 * network and broadcast addresses excluded when it is larger than /31).
 */
int	ctl_conf_iprange_parse(const char *s, struct ctl_iprange *ret,
	    struct mc_err *err);

/*
 * The zone id of a configured zone ("REGION-azN", N its place in the
 * list), or "" when zone is not configured.
 */
void	ctl_conf_zone_id(const struct ctl_conf *c, const char *zone, char *buf,
	    size_t bufsz);

/*
 * The configured zone called name or, when name is NULL, whose zone id
 * is id (NULL: none), as the configuration spells it (borrowed); NULL
 * when no zone matches.
 */
const char	*ctl_conf_zone_find(const struct ctl_conf *c, const char *name,
	    const char *id);

/* Print --help. */
void	ctl_conf_usage(const char *prog, FILE *out);

#endif /* CTL_CONF_H */

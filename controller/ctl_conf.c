/*
 * ctl_conf: the controller's settings table and the checks of values
 * that mean something to the controller (region, zones, types).
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_cleanup.h"
#include "mc_err.h"
#include "mc_fs.h"
#include "mc_ipv4.h"
#include "mc_log.h"
#include "ctl_conf.h"
#include "ctl_itypes.h"

#define NAME_CHARS	"abcdefghijklmnopqrstuvwxyz0123456789-"
#define ZONE_MAX	64

static int
check_region(const char *v, struct mc_err *err)
{
	size_t n = strlen(v);

	if (n == 0 || n > CTL_REGION_MAX || strspn(v, NAME_CHARS) != n)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "'%.64s' is not a region name (1-%d of a-z 0-9 -)", v,
		    CTL_REGION_MAX);
	return 0;
}

static int
check_zone(const char *v, struct mc_err *err)
{
	size_t n = strlen(v);

	if (n == 0 || n > ZONE_MAX || strspn(v, NAME_CHARS) != n)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "'%.64s' is not a zone name (1-%d of a-z 0-9 -)", v,
		    ZONE_MAX);
	return 0;
}

static int
check_itype(const char *v, struct mc_err *err)
{
	struct ctl_itype t;

	return ctl_itype_parse(v, &t, err);
}

/* The public URL may be empty: it is then derived from listen. */
static int
check_url(const char *v, struct mc_err *err)
{
	return *v == '\0' ? 0 : mc_conf_check_url(v, err);
}

static int
check_placement(const char *v, struct mc_err *err)
{
	if (strcmp(v, "spread") != 0 && strcmp(v, "pack") != 0)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "'%.64s' is not spread or pack", v);
	return 0;
}

int
ctl_conf_iprange_parse(const char *s, struct ctl_iprange *ret,
    struct mc_err *err)
{
	struct mc_cidr	 c;
	const char	*dash = strchr(s, '-');
	char		 first[MC_IPV4_STR_MAX];
	struct ctl_iprange r;

	if (dash != NULL && (size_t)(dash - s) < sizeof(first)) {
		memcpy(first, s, (size_t)(dash - s));
		first[dash - s] = '\0';
		if (mc_ipv4_parse(first, &r.first) &&
		    mc_ipv4_parse(dash + 1, &r.last) && r.first <= r.last) {
			*ret = r;
			return 0;
		}
	} else if (dash == NULL && mc_cidr_parse(s, &c)) {
		r.first = c.net;
		r.last = mc_cidr_last(&c);
		if (c.prefix < 31) {
			r.first++;
			r.last--;
		}
		*ret = r;
		return 0;
	}
	return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE, "'%.64s' is not "
	    "an address range (A.B.C.D-E.F.G.H, or a CIDR block)", s);
}

static int
check_iprange(const char *v, struct mc_err *err)
{
	struct ctl_iprange r;

	return ctl_conf_iprange_parse(v, &r, err);
}

#define OFF(f)	offsetof(struct ctl_conf, f)

static const struct mc_conf_setting settings[] = {
	{ "state-dir", MC_CONF_STR, "/var/lib/minicloud",
	    "directory of the controller's state (its SQLite database)",
	    OFF(state_dir), 0, 0, NULL },
	{ "listen", MC_CONF_ADDR, "127.0.0.1:8773",
	    "address of the EC2 API", OFF(listen), 0, 0, NULL },
	{ "agent-listen", MC_CONF_ADDR, "127.0.0.1:8774",
	    "address of the agents' API", OFF(agent_listen), 0, 0, NULL },
	{ "region", MC_CONF_STR, "mc-1", "name of the region this controller "
	    "serves", OFF(region), 0, 0, check_region },
	{ "zone", MC_CONF_LIST, NULL, "an availability zone (default: the "
	    "region's name followed by 'a')", OFF(zones), 0, 0, check_zone },
	{ "public-url", MC_CONF_STR, "", "EC2 endpoint URL as clients reach "
	    "it (default: http://LISTEN)", OFF(public_url), 0, 0, check_url },
	{ "instance-type", MC_CONF_LIST, NULL, "an instance type 'NAME VCPUS "
	    "MEMORY_MIB' added to (or replacing one of) the built-in catalog",
	    OFF(instance_types), 0, 0, check_itype },
	{ "default-instance-type", MC_CONF_STR, "t3.micro", "instance type of "
	    "RunInstances without InstanceType", OFF(default_instance_type),
	    0, 0, NULL },
	{ "max-body-bytes", MC_CONF_INT, "262144", "largest API request body",
	    OFF(max_body_bytes), 1024, 16 * 1024 * 1024, NULL },
	{ "api-threads", MC_CONF_INT, "4", "threads serving the EC2 API",
	    OFF(api_threads), 1, 256, NULL },
	{ "api-rate", MC_CONF_INT, "200", "API requests a second allowed per "
	    "account (0: no limit)", OFF(api_rate), 0, 1000000, NULL },
	{ "api-burst", MC_CONF_INT, "400", "API requests an account may send "
	    "at once above the rate", OFF(api_burst), 1, 10000000, NULL },
	{ "max-instances", MC_CONF_INT, "20", "instances an account may run",
	    OFF(max_instances), 0, 1000000, NULL },
	{ "max-elastic-ips", MC_CONF_INT, "5", "Elastic IPs an account may "
	    "hold", OFF(max_elastic_ips), 0, 1000000, NULL },
	{ "max-vpcs", MC_CONF_INT, "5", "VPCs an account may have (its "
	    "default VPC included)", OFF(max_vpcs), 1, 100000, NULL },
	{ "public-ips", MC_CONF_LIST, NULL, "public addresses on the hosts' "
	    "LAN that Elastic IPs and public IPs on launch come from: a range "
	    "A.B.C.D-E.F.G.H or a CIDR block (repeatable; none: no public "
	    "addresses)", OFF(public_ips), 0, 0, check_iprange },
	{ "log-level", MC_CONF_STR, "info", "debug, info, warn or error",
	    OFF(log_level), 0, 0, mc_log_level_check },
	{ "cluster-token-file", MC_CONF_STR, "", "file holding the token "
	    "agents must present (the same in every agent's config; empty: "
	    "no agent is accepted)", OFF(cluster_token_file), 0, 0, NULL },
	{ "host-timeout", MC_CONF_INT, "30", "seconds without a report after "
	    "which a host is down", OFF(host_timeout_s), 2, 86400, NULL },
	{ "stop-timeout", MC_CONF_INT, "60", "seconds a guest has to shut "
	    "down on ACPI before it is stopped hard", OFF(stop_timeout_s), 0,
	    3600, NULL },
	{ "cpu-overcommit", MC_CONF_INT, "400", "vCPUs placed per host CPU, "
	    "in percent", OFF(cpu_overcommit), 1, 100000, NULL },
	{ "mem-overcommit", MC_CONF_INT, "100", "memory placed per MiB of a "
	    "host's memory, in percent", OFF(mem_overcommit), 1, 10000, NULL },
	{ "disk-overcommit", MC_CONF_INT, "100", "root disk placed per GiB of "
	    "a host's disk, in percent", OFF(disk_overcommit), 1, 100000,
	    NULL },
	{ "placement", MC_CONF_STR, "spread", "spread instances over hosts, "
	    "or pack them", OFF(placement), 0, 0, check_placement },
	{ "terminated-retention", MC_CONF_INT, "3600", "seconds terminated "
	    "instances stay visible", OFF(terminated_retention_s), 0, 604800,
	    NULL },
	{ "max-image-mib", MC_CONF_INT, "65536", "largest image file "
	    "accepted", OFF(max_image_mib), 1, 16777216, NULL },
	{ "image-timeout", MC_CONF_INT, "3600", "seconds an image download "
	    "(RegisterImage from a URL) may take", OFF(image_timeout_s), 10,
	    86400, NULL },
};

/* The public address ranges, parsed; overlapping ranges are refused. */
static int
conf_ip_pool(struct ctl_conf *c, struct mc_err *err)
{
	size_t i, j;

	if (c->public_ips.n == 0)
		return 0;
	if ((c->ip_pool = calloc(c->public_ips.n, sizeof(*c->ip_pool))) ==
	    NULL)
		return mc_err_sys(err, ENOMEM, "out of memory");
	for (i = 0; i < c->public_ips.n; i++) {
		if (ctl_conf_iprange_parse(c->public_ips.v[i], &c->ip_pool[i],
		    err) < 0)
			return -1;
		for (j = 0; j < i; j++)
			if (c->ip_pool[i].first <= c->ip_pool[j].last &&
			    c->ip_pool[j].first <= c->ip_pool[i].last)
				return mc_err_set(err,
				    MC_EC_INVALID_PARAMETER_VALUE,
				    "public-ips: '%.64s' overlaps '%.64s'",
				    c->public_ips.v[i], c->public_ips.v[j]);
	}
	c->n_ip_pool = c->public_ips.n;
	return 0;
}

/* Settings whose defaults derive from others. */
static int
conf_derive(struct ctl_conf *c, struct mc_err *err)
{
	if (c->cluster_token_file[0] != '\0' &&
	    mc_fs_read_token(c->cluster_token_file, c->cluster_token,
	    sizeof(c->cluster_token), err) < 0)
		return -1;
	char	*zone, addr[80];

	if (c->zones.n == 0) {
		if (asprintf(&zone, "%sa", c->region) < 0)
			return mc_err_sys(err, ENOMEM, "out of memory");
		if ((c->zones.v = malloc(sizeof(char *))) == NULL) {
			free(zone);
			return mc_err_sys(err, ENOMEM, "out of memory");
		}
		c->zones.v[0] = zone;
		c->zones.n = 1;
	}
	if (c->public_url[0] == '\0') {
		mc_addr_format(&c->listen, addr, sizeof(addr));
		free(c->public_url);
		if (asprintf(&c->public_url, "http://%s", addr) < 0) {
			c->public_url = NULL;
			return mc_err_sys(err, ENOMEM, "out of memory");
		}
	}
	if (conf_ip_pool(c, err) < 0)
		return -1;
	/* EC2's private DNS names: ip-10-0-1-5.<region>.compute.internal. */
	(void)snprintf(c->dns_domain, sizeof(c->dns_domain), "%s%s",
	    strcmp(c->region, "us-east-1") == 0 ? "ec2" : c->region,
	    strcmp(c->region, "us-east-1") == 0 ? ".internal" :
	    ".compute.internal");
	if (ctl_itypes_build(&c->instance_types, &c->itypes, err) < 0)
		return -1;
	if (ctl_itypes_find(&c->itypes, c->default_instance_type) == NULL)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "default-instance-type: '%.64s' is not in the catalog",
		    c->default_instance_type);
	return 0;
}

int
ctl_conf_load(struct ctl_conf *conf, int argc, char *const argv[],
    enum mc_conf_verb *ret_verb, int *ret_argi, struct mc_err *err)
{
	memset(conf, 0, sizeof(*conf));
	if (mc_conf_load(settings, MC_NELEMS(settings), conf, argc, argv,
	    CTL_CONF_DEFAULT_PATH, ret_verb, ret_argi, err) < 0)
		return -1;
	if (*ret_verb == MC_CONF_HELP)
		return 0;
	return conf_derive(conf, err);
}

void
ctl_conf_clear(struct ctl_conf *conf)
{
	mc_conf_clear(settings, MC_NELEMS(settings), conf);
	ctl_itypes_clear(&conf->itypes);
	free(conf->ip_pool);
}

void
ctl_conf_zone_id(const struct ctl_conf *c, const char *zone, char *buf,
    size_t bufsz)
{
	size_t i;

	buf[0] = '\0';
	for (i = 0; i < c->zones.n; i++)
		if (strcmp(c->zones.v[i], zone) == 0)
			(void)snprintf(buf, bufsz, "%s-az%zu", c->region, i + 1);
}

const char *
ctl_conf_zone_find(const struct ctl_conf *c, const char *name,
    const char *id)
{
	char	zid[96];
	size_t	i;

	for (i = 0; i < c->zones.n; i++) {
		ctl_conf_zone_id(c, c->zones.v[i], zid, sizeof(zid));
		if ((name != NULL && strcmp(name, c->zones.v[i]) == 0) ||
		    (name == NULL && id != NULL && strcmp(id, zid) == 0))
			return c->zones.v[i];
	}
	return NULL;
}

void
ctl_conf_usage(const char *prog, FILE *out)
{
	mc_conf_usage(prog, settings, MC_NELEMS(settings), out);
}

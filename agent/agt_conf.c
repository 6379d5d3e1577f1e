/*
 * agt_conf: the agent's settings table.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "mc_cleanup.h"
#include "mc_err.h"
#include "mc_ipv4.h"
#include "mc_log.h"
#include "agt_conf.h"

static int
check_name(const char *v, struct mc_err *err)
{
	if (v[0] != '\0' && !mc_proto_host_name_ok(v))
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "'%.64s' is not a host name (1-63 of a-z 0-9 - .)", v);
	return 0;
}

static int
check_accel(const char *v, struct mc_err *err)
{
	if (strcmp(v, "auto") != 0 && strcmp(v, "kvm") != 0 &&
	    strcmp(v, "tcg") != 0)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "'%.64s' is not auto, kvm or tcg", v);
	return 0;
}

/* Short, a-z 0-9 and starting with a letter: it begins link names. */
static int
check_prefix(const char *v, struct mc_err *err)
{
	size_t n = strlen(v);

	if (n < 2 || n > AGT_CONF_PREFIX_MAX || v[0] < 'a' || v[0] > 'z' ||
	    strspn(v, "abcdefghijklmnopqrstuvwxyz0123456789") != n)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "'%.64s' is not 2-%d of a-z 0-9 starting with a letter", v,
		    AGT_CONF_PREFIX_MAX);
	return 0;
}

static int
check_ipv4(const char *v, struct mc_err *err)
{
	uint32_t a;

	if (!mc_ipv4_parse(v, &a))
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "'%.64s' is not an IPv4 address", v);
	return 0;
}

static int
check_ipv4_opt(const char *v, struct mc_err *err)
{
	return v[0] == '\0' ? 0 : check_ipv4(v, err);
}

static int
check_link(const char *v, struct mc_err *err)
{
	size_t n = strlen(v);

	if (n >= 16 || strpbrk(v, "/ \t\n") != NULL)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "'%.64s' is not a network interface name", v);
	return 0;
}

#define OFF(f)	offsetof(struct agt_conf, f)

static const struct mc_conf_setting settings[] = {
	{ "controller", MC_CONF_STR, "http://127.0.0.1:8774", "URL of the "
	    "controller's agents' API", OFF(controller), 0, 0, mc_conf_check_url },
	{ "host-name", MC_CONF_STR, "", "this host's name in the cloud "
	    "(default: the machine's host name)", OFF(host_name), 0, 0,
	    check_name },
	{ "zone", MC_CONF_STR, "mc-1a", "availability zone of this host",
	    OFF(zone), 0, 0, check_name },
	{ "state-dir", MC_CONF_STR, "/var/lib/minicloud-agent", "directory of "
	    "the image cache and the instances' disks and consoles",
	    OFF(state_dir), 0, 0, NULL },
	{ "libvirt-uri", MC_CONF_STR, "qemu:///system", "libvirt connection",
	    OFF(libvirt_uri), 0, 0, NULL },
	{ "cluster-token-file", MC_CONF_STR, "/etc/minicloud/cluster.token",
	    "file holding the token the controller expects",
	    OFF(cluster_token_file), 0, 0, NULL },
	{ "accel", MC_CONF_STR, "auto", "auto (KVM where the CPU has vmx/svm "
	    "and /dev/kvm opens, else TCG), kvm or tcg", OFF(accel), 0, 0,
	    check_accel },
	{ "report-interval", MC_CONF_INT, "5", "seconds between reports when "
	    "nothing changes", OFF(report_interval_s), 1, 300, NULL },
	{ "poll-wait", MC_CONF_INT, "30", "seconds a desired-state poll may "
	    "wait at the controller", OFF(poll_wait_s), 1, 60, NULL },
	{ "log-level", MC_CONF_STR, "info", "debug, info, warn or error",
	    OFF(log_level), 0, 0, mc_log_level_check },
	{ "volume-dir", MC_CONF_STR, "", "directory of the zone's volumes "
	    "(default: STATE_DIR/volumes; for volumes that move between the "
	    "hosts of a zone, a directory they all mount at this path)",
	    OFF(volume_dir), 0, 0, NULL },
	{ "net-prefix", MC_CONF_STR, "mc", "first letters of the name of "
	    "every link, namespace and nftables table the agent makes (2-4 "
	    "of a-z 0-9); it touches nothing else", OFF(net_prefix), 0, 0,
	    check_prefix },
	{ "uplink", MC_CONF_STR, "", "the link to the LAN that public "
	    "addresses live on and NAT goes out of (default: the link of "
	    "the default route)", OFF(uplink), 0, 0, check_link },
	{ "mtu", MC_CONF_INT, "1500", "MTU of instance networks (given by "
	    "DHCP)", OFF(mtu), 576, 9000, NULL },
	{ "dns-server", MC_CONF_LIST, NULL, "a DNS server the VPC resolvers "
	    "forward to (default: the non-loopback ones of /etc/resolv.conf)",
	    OFF(dns_servers), 0, 0, check_ipv4 },
	{ "dnsmasq", MC_CONF_STR, "dnsmasq", "the dnsmasq program that "
	    "serves DHCP and DNS in each VPC", OFF(dnsmasq), 0, 0, NULL },
	{ "underlay-ip", MC_CONF_STR, "", "this host's address on the network "
	    "between hosts: VPC traffic to instances on other hosts goes "
	    "over VXLAN (UDP 4789) from it; instance MTU is then at most "
	    "1450 (default: none, a single host)", OFF(underlay_ip), 0, 0,
	    check_ipv4_opt },
};

int
agt_conf_load(struct agt_conf *conf, int argc, char *const argv[],
    enum mc_conf_verb *ret_verb, struct mc_err *err)
{
	char host[256];

	memset(conf, 0, sizeof(*conf));
	if (mc_conf_load(settings, MC_NELEMS(settings), conf, argc, argv,
	    AGT_CONF_DEFAULT_PATH, ret_verb, NULL, err) < 0)
		return -1;
	if (*ret_verb == MC_CONF_HELP)
		return 0;
	if (conf->host_name[0] == '\0') {
		if (gethostname(host, sizeof(host)) < 0)
			host[0] = '\0';
		host[sizeof(host) - 1] = '\0';
		/* Only the first label, in lower case, is a valid name. */
		host[strcspn(host, ".")] = '\0';
		for (char *p = host; *p != '\0'; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
		if (!mc_proto_host_name_ok(host))
			return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
			    "host-name: this machine's name '%.64s' will not "
			    "do; set host-name", host);
		(void)snprintf(conf->name, sizeof(conf->name), "%.63s", host);
	} else {
		(void)snprintf(conf->name, sizeof(conf->name), "%s",
		    conf->host_name);
	}
	if (conf->underlay_ip[0] != '\0' && conf->mtu > AGT_CONF_OVERLAY_MTU)
		conf->mtu = AGT_CONF_OVERLAY_MTU;
	return mc_fs_read_token(conf->cluster_token_file, conf->token,
	    sizeof(conf->token), err);
}

void
agt_conf_clear(struct agt_conf *conf)
{
	mc_conf_clear(settings, MC_NELEMS(settings), conf);
}

void
agt_conf_usage(const char *prog, FILE *out)
{
	mc_conf_usage(prog, settings, MC_NELEMS(settings), out);
}

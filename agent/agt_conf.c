/*
 * agt_conf: the agent's settings table.
 */
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include "mc_cleanup.h"
#include "mc_err.h"
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

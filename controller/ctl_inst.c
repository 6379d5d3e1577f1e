/*
 * ctl_inst: instance rows, their lifecycle in the store, and their XML.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_cleanup.h"
#include "mc_err.h"
#include "mc_ipv4.h"
#include "mc_time.h"
#include "ctl_eni.h"
#include "ctl_inst.h"
#include "ctl_sg.h"
#include "ctl_sql.h"
#include "ctl_tags.h"
#include "ctl_vol.h"
#include "ctl_xml.h"

void
ctl_inst_row(sqlite3_stmt *st, struct ctl_inst *in)
{
	char	s[32];
	int	v;

	memset(in, 0, sizeof(*in));
	ctl_sql_text(st, 0, in->id, sizeof(in->id));
	ctl_sql_text(st, 1, in->account_id, sizeof(in->account_id));
	ctl_sql_text(st, 2, in->reservation_id, sizeof(in->reservation_id));
	in->launch_index = sqlite3_column_int(st, 3);
	ctl_sql_text(st, 4, in->image_id, sizeof(in->image_id));
	ctl_sql_text(st, 5, in->type, sizeof(in->type));
	in->vcpus = (unsigned)sqlite3_column_int(st, 6);
	in->mem_mib = (unsigned)sqlite3_column_int(st, 7);
	in->disk_gib = (unsigned)sqlite3_column_int(st, 8);
	ctl_sql_text(st, 9, in->zone, sizeof(in->zone));
	ctl_sql_text(st, 10, in->host, sizeof(in->host));
	ctl_sql_text(st, 11, s, sizeof(s));
	v = ctl_istate_parse(s);
	in->state = v < 0 ? CTL_IS_PENDING : (enum ctl_istate)v;
	ctl_sql_text(st, 12, s, sizeof(s));
	v = mc_proto_want_parse(s);
	in->want = v < 0 ? MC_PROTO_WANT_RUNNING : (enum mc_proto_want)v;
	in->force_stop = sqlite3_column_int(st, 13) != 0;
	in->reboot_seq = (unsigned)sqlite3_column_int64(st, 14);
	ctl_sql_text(st, 15, in->actual, sizeof(in->actual));
	in->launch_ms = sqlite3_column_int64(st, 16);
	in->state_ms = sqlite3_column_int64(st, 17);
	in->running_ms = sqlite3_column_int64(st, 18);
	in->terminated_ms = sqlite3_column_int64(st, 19);
	ctl_sql_text(st, 20, in->reason_code, sizeof(in->reason_code));
	ctl_sql_text(st, 21, in->reason_msg, sizeof(in->reason_msg));
	ctl_sql_text(st, 22, in->transition, sizeof(in->transition));
	ctl_sql_text(st, 23, in->key_name, sizeof(in->key_name));
	ctl_sql_text(st, 24, in->shutdown_behavior,
	    sizeof(in->shutdown_behavior));
	in->no_terminate = sqlite3_column_int(st, 25) != 0;
	ctl_sql_text(st, 26, in->client_token, sizeof(in->client_token));
	ctl_sql_text(st, 27, in->md_tokens, sizeof(in->md_tokens));
	in->md_hop_limit = (unsigned)sqlite3_column_int(st, 28);
	ctl_sql_text(st, 29, in->md_endpoint, sizeof(in->md_endpoint));
	ctl_sql_text(st, 30, in->md_tags, sizeof(in->md_tags));
	ctl_sql_text(st, 31, in->root_device, sizeof(in->root_device));
}

int
ctl_inst_get(sqlite3 *db, const char *account, const char *id,
    struct ctl_inst *ret, struct mc_err *err)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (ctl_sql_prepare(db, &st, err, CTL_INST_SELECT
	    "WHERE i.id = ?1 AND (?2 = '' OR i.account_id = ?2)", "ss", id,
	    account != NULL ? account : "") < 0)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		ctl_inst_row(st, ret);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return mc_err_set(err, MC_EC_INTERNAL_ERROR, "cannot read instance %s",
	    id);
}

void
ctl_inst_free_all(struct ctl_inst *v, size_t n)
{
	size_t i;

	for (i = 0; v != NULL && i < n; i++) {
		free(v[i].tags);
		free(v[i].eni);
		free(v[i].vols);
	}
	free(v);
}

int
ctl_inst_bump_host(sqlite3 *db, const char *host, struct mc_err *err)
{
	if (host == NULL || host[0] == '\0')
		return 0;
	return ctl_sql_run(db, err, "UPDATE hosts SET generation = "
	    "generation + 1 WHERE name = ?", "s", host) < 0 ? -1 : 0;
}

/* "User initiated (2026-11-22 13:00:00 GMT)", as EC2 writes it. */
static void
user_initiated(int64_t now_ms, char *buf, size_t bufsz)
{
	char iso[MC_TIME_ISO_MAX];

	mc_time_iso8601(now_ms, iso, sizeof(iso));
	iso[10] = ' ';
	iso[19] = '\0';
	(void)snprintf(buf, bufsz, "User initiated (%s GMT)", iso);
}

int
ctl_inst_apply(sqlite3 *db, const struct ctl_inst *in, enum ctl_ievent ev,
    bool force, const char *reason_code, const char *reason_msg,
    int64_t now_ms, struct ctl_step *ret, struct mc_err *err)
{
	struct ctl_step	 s;
	char		 transition[128];
	bool		 force_stop, moved, fresh;

	ctl_lifecycle_step(in->state, in->want, ev, &s);
	*ret = s;
	force_stop = s.want == MC_PROTO_WANT_RUNNING ? false :
	    (force && ev == CTL_EV_STOP) || in->force_stop;
	if (s.error != MC_EC_NONE || (!s.changed && !s.reboot &&
	    force_stop == in->force_stop))
		return 0;
	moved = s.state != in->state;
	/* A start begins a new life: the old reason no longer applies. */
	fresh = s.state == CTL_IS_PENDING;
	(void)snprintf(transition, sizeof(transition), "%s",
	    fresh ? "" : in->transition);
	if (ev <= CTL_EV_TERMINATE && s.changed && !fresh)
		user_initiated(now_ms, transition, sizeof(transition));
	if (reason_code == NULL)
		reason_code = fresh ? "" : in->reason_code;
	if (reason_msg == NULL)
		reason_msg = fresh ? "" : in->reason_msg;
	if (ctl_sql_run(db, err, "UPDATE instances SET state = ?, desired = ?, "
	    "force_stop = ?, reboot_seq = reboot_seq + ?, state_ms = ?, "
	    "running_ms = ?, terminated_ms = ?, transition = ?, "
	    "reason_code = ?, reason_msg = ? WHERE id = ?", "ssiiiiissss",
	    ctl_istate_name(s.state), mc_proto_want_name(s.want),
	    (int64_t)force_stop, (int64_t)s.reboot,
	    moved ? now_ms : in->state_ms,
	    moved && s.state == CTL_IS_RUNNING ? now_ms : in->running_ms,
	    s.state == CTL_IS_TERMINATED ? now_ms : in->terminated_ms,
	    transition, reason_code, reason_msg, in->id) < 0)
		return -1;
	if (moved && s.state == CTL_IS_TERMINATED &&
	    (ctl_eni_release_instance(db, in->id, err) < 0 ||
	    ctl_vol_release_instance(db, in->id, err) < 0))
		return -1;
	return ctl_inst_bump_host(db, in->host, err);
}

void
ctl_inst_state_xml(struct ctl_xml *x, const char *el, enum ctl_istate s)
{
	ctl_xml_open(x, el);
	ctl_xml_int(x, "code", ctl_istate_code(s));
	ctl_xml_str(x, "name", ctl_istate_name(s));
	ctl_xml_close(x);
}

/* The fields EC2 always shows for an instance, and its volumes. */
static void
fixed_xml(struct ctl_xml *x, const struct ctl_inst *in)
{
	ctl_xml_empty(x, "productCodes");
	ctl_xml_open(x, "monitoring");
	ctl_xml_str(x, "state", "disabled");
	ctl_xml_close(x);
	ctl_xml_str(x, "architecture", "x86_64");
	ctl_xml_str(x, "rootDeviceType", "ebs");
	ctl_xml_str(x, "rootDeviceName", in->root_device);
	ctl_vol_bdm_xml(x, in->vols, in->n_vols);
	ctl_xml_str(x, "virtualizationType", "hvm");
	ctl_xml_bool(x, "ebsOptimized", false);
	ctl_xml_bool(x, "enaSupport", false);
	ctl_xml_str(x, "platformDetails", "Linux/UNIX");
	ctl_xml_str(x, "bootMode", "legacy-bios");
	ctl_xml_str(x, "currentInstanceBootMode", "legacy-bios");
}

/* The instance's addresses and interface, when it has one. */
static void
net_xml(struct ctl_xml *x, const struct ctl_inst *in, const char *dns_domain)
{
	const struct ctl_eni	*e = in->eni;
	char			 ip[MC_IPV4_STR_MAX];

	if (e == NULL) {
		ctl_xml_empty(x, "networkInterfaceSet");
		return;
	}
	ctl_xml_str(x, "subnetId", e->subnet_id);
	ctl_xml_str(x, "vpcId", e->vpc_id);
	ctl_xml_str(x, "privateIpAddress", mc_ipv4_str(e->ip, ip));
	if (e->public_ip != 0)
		ctl_xml_str(x, "ipAddress", mc_ipv4_str(e->public_ip, ip));
	ctl_xml_bool(x, "sourceDestCheck", true);
	ctl_xml_open(x, "networkInterfaceSet");
	ctl_eni_instance_xml(x, e, dns_domain);
	ctl_xml_close(x);
	ctl_xml_open(x, "privateDnsNameOptions");
	ctl_xml_str(x, "hostnameType", "ip-name");
	ctl_xml_bool(x, "enableResourceNameDnsARecord", false);
	ctl_xml_bool(x, "enableResourceNameDnsAAAARecord", false);
	ctl_xml_close(x);
}

static void
metadata_xml(struct ctl_xml *x, const struct ctl_inst *in)
{
	ctl_xml_open(x, "metadataOptions");
	ctl_xml_str(x, "state", "applied");
	ctl_xml_str(x, "httpTokens", in->md_tokens);
	ctl_xml_int(x, "httpPutResponseHopLimit", in->md_hop_limit);
	ctl_xml_str(x, "httpEndpoint", in->md_endpoint);
	ctl_xml_str(x, "httpProtocolIpv6", "disabled");
	ctl_xml_str(x, "instanceMetadataTags", in->md_tags);
	ctl_xml_close(x);
}

void
ctl_inst_xml(struct ctl_xml *x, const struct ctl_inst *in,
    const char *dns_domain)
{
	char dns[300] = "";

	if (in->eni != NULL)
		ctl_eni_dns_name(in->eni->ip, dns_domain, dns, sizeof(dns));
	ctl_xml_open(x, "item");
	ctl_xml_str(x, "instanceId", in->id);
	ctl_xml_str(x, "imageId", in->image_id);
	ctl_inst_state_xml(x, "instanceState", in->state);
	ctl_xml_str(x, "privateDnsName", dns);
	ctl_xml_str(x, "dnsName", "");
	ctl_xml_str(x, "reason", in->transition);
	if (in->key_name[0] != '\0')
		ctl_xml_str(x, "keyName", in->key_name);
	ctl_xml_int(x, "amiLaunchIndex", in->launch_index);
	ctl_xml_str(x, "instanceType", in->type);
	ctl_xml_time(x, "launchTime", in->launch_ms);
	ctl_xml_open(x, "placement");
	ctl_xml_str(x, "availabilityZone", in->zone);
	ctl_xml_str(x, "groupName", "");
	ctl_xml_str(x, "tenancy", "default");
	/* Which host runs it: EC2's field for dedicated hosts. */
	if (in->host[0] != '\0')
		ctl_xml_str(x, "hostId", in->host);
	ctl_xml_close(x);
	if (in->reason_code[0] != '\0') {
		ctl_xml_open(x, "stateReason");
		ctl_xml_str(x, "code", in->reason_code);
		ctl_xml_str(x, "message", in->reason_msg);
		ctl_xml_close(x);
	}
	fixed_xml(x, in);
	ctl_sg_set_xml(x, in->eni != NULL ? &in->eni->groups : NULL);
	net_xml(x, in, dns_domain);
	metadata_xml(x, in);
	if (in->client_token[0] != '\0')
		ctl_xml_str(x, "clientToken", in->client_token);
	ctl_tags_xml(x, in->tags, in->n_tags);
	ctl_xml_close(x);
}

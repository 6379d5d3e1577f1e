/*
 * ctl_instances_describe: DescribeInstances and DescribeInstanceStatus,
 * answered from the store with EC2's filters and paging (by instance
 * id, grouped into reservations).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_cleanup.h"
#include "mc_err.h"
#include "mc_ipv4.h"
#include "mc_time.h"
#include "ctl_api.h"
#include "ctl_conf.h"
#include "ctl_eni.h"
#include "ctl_filter.h"
#include "ctl_hosts.h"
#include "ctl_inst.h"
#include "ctl_instances.h"
#include "ctl_page.h"
#include "ctl_params.h"
#include "ctl_query.h"
#include "ctl_sg.h"
#include "ctl_store.h"
#include "ctl_vol.h"
#include "ctl_xml.h"

static const struct ctl_page_rules paging = { 5, 1000, 1000 };

enum {
	F_ID, F_STATE, F_CODE, F_IMAGE, F_TYPE, F_ZONE, F_LAUNCH, F_TAG,
	F_RESERVATION, F_OWNER, F_KEY, F_HOST, F_ARCH, F_ROOT, F_TOKEN,
	F_ISTATUS, F_SSTATUS, F_VPC, F_SUBNET, F_PRIVATE_IP, F_PUBLIC_IP,
	F_PRIVATE_DNS, F_ENI, F_MAC, F_MD_TOKENS, F_GROUP_ID, F_GROUP_NAME,
	F_ROOT_NAME, F_BDM_DEVICE, F_BDM_VOLUME, F_BDM_STATUS, F_BDM_TIME,
	F_BDM_DOT,
};

static const struct ctl_filter_def inst_filters[] = {
	{ "instance-id", F_ID }, { "instance-state-name", F_STATE },
	{ "instance-state-code", F_CODE }, { "image-id", F_IMAGE },
	{ "instance-type", F_TYPE }, { "availability-zone", F_ZONE },
	{ "launch-time", F_LAUNCH }, { "reservation-id", F_RESERVATION },
	{ "owner-id", F_OWNER }, { "key-name", F_KEY }, { "host-id", F_HOST },
	{ "architecture", F_ARCH }, { "root-device-type", F_ROOT },
	{ "client-token", F_TOKEN }, { "vpc-id", F_VPC },
	{ "subnet-id", F_SUBNET }, { "private-ip-address", F_PRIVATE_IP },
	{ "network-interface.addresses.private-ip-address", F_PRIVATE_IP },
	{ "ip-address", F_PUBLIC_IP }, { "private-dns-name", F_PRIVATE_DNS },
	{ "network-interface.network-interface-id", F_ENI },
	{ "network-interface.mac-address", F_MAC },
	{ "metadata-options.http-tokens", F_MD_TOKENS },
	{ "instance.group-id", F_GROUP_ID }, { "group-id", F_GROUP_ID },
	{ "network-interface.group-id", F_GROUP_ID },
	{ "instance.group-name", F_GROUP_NAME }, { "group-name", F_GROUP_NAME },
	{ "network-interface.group-name", F_GROUP_NAME },
	{ "root-device-name", F_ROOT_NAME },
	{ "block-device-mapping.device-name", F_BDM_DEVICE },
	{ "block-device-mapping.volume-id", F_BDM_VOLUME },
	{ "block-device-mapping.status", F_BDM_STATUS },
	{ "block-device-mapping.attach-time", F_BDM_TIME },
	{ "block-device-mapping.delete-on-termination", F_BDM_DOT },
	CTL_TAGS_FILTERS(F_TAG),
};

static const struct ctl_filter_def status_filters[] = {
	{ "instance-id", F_ID }, { "instance-state-name", F_STATE },
	{ "instance-state-code", F_CODE }, { "availability-zone", F_ZONE },
	{ "instance-status.status", F_ISTATUS },
	{ "system-status.status", F_SSTATUS },
};

/* An instance with what its status says, for filters and XML. */
struct row {
	const struct ctl_inst	*in;
	const char		*dns_domain;	/* of private names */
	const char		*system;	/* ok, impaired */
	const char		*instance;	/* ok, initializing, ... */
	int64_t			 impaired_ms;	/* its host's last report */
};

/* The filters on the instance's primary interface, if it has one. */
static void
net_values(const struct row *r, const struct ctl_filter *f,
    struct ctl_fvals *fv)
{
	const struct ctl_eni	*e = r->in->eni;
	char			 buf[300];

	if (e == NULL)
		return;
	switch (f->field) {
	case F_GROUP_ID:
	case F_GROUP_NAME:
		ctl_sg_set_fvals(&e->groups, f->field == F_GROUP_NAME, fv);
		break;
	case F_VPC:	ctl_fvals_add(fv, e->vpc_id); break;
	case F_SUBNET:	ctl_fvals_add(fv, e->subnet_id); break;
	case F_ENI:	ctl_fvals_add(fv, e->id); break;
	case F_MAC:	ctl_fvals_add(fv, e->mac); break;
	case F_PRIVATE_IP:
		ctl_fvals_addf(fv, "%s", mc_ipv4_str(e->ip, buf));
		break;
	case F_PUBLIC_IP:
		if (e->public_ip != 0)
			ctl_fvals_addf(fv, "%s", mc_ipv4_str(e->public_ip, buf));
		break;
	case F_PRIVATE_DNS:
		ctl_eni_dns_name(e->ip, r->dns_domain, buf, sizeof(buf));
		ctl_fvals_addf(fv, "%s", buf);
		break;
	}
}

/* The filters on the instance's attached volumes. */
static void
bdm_values(const struct ctl_inst *in, const struct ctl_filter *f,
    struct ctl_fvals *fv)
{
	const struct ctl_vol_att	*a;
	char				 t[MC_TIME_ISO_MAX];
	size_t				 i;

	for (i = 0; i < in->n_vols; i++) {
		a = &in->vols[i];
		if (f->field == F_BDM_DEVICE)
			ctl_fvals_add(fv, a->device);
		else if (f->field == F_BDM_VOLUME)
			ctl_fvals_add(fv, a->volume_id);
		else if (f->field == F_BDM_STATUS)
			ctl_fvals_add(fv, ctl_vol_astate_name(a->state));
		else if (f->field == F_BDM_DOT)
			ctl_fvals_add(fv, a->delete_on_termination ? "true" :
			    "false");
		else if (f->field == F_BDM_TIME) {
			mc_time_iso8601(a->attach_ms, t, sizeof(t));
			ctl_fvals_addf(fv, "%s", t);
		}
	}
}

static void
inst_values(const void *res, const struct ctl_filter *f, struct ctl_fvals *fv)
{
	const struct row	*r = res;
	const struct ctl_inst	*in = r->in;
	char			 t[MC_TIME_ISO_MAX];

	switch (f->field) {
	case F_ID:		ctl_fvals_add(fv, in->id); break;
	case F_STATE:		ctl_fvals_add(fv, ctl_istate_name(in->state)); break;
	case F_CODE:	ctl_fvals_addf(fv, "%d", ctl_istate_code(in->state)); break;
	case F_IMAGE:		ctl_fvals_add(fv, in->image_id); break;
	case F_TYPE:		ctl_fvals_add(fv, in->type); break;
	case F_ZONE:		ctl_fvals_add(fv, in->zone); break;
	case F_LAUNCH:
		mc_time_iso8601(in->launch_ms, t, sizeof(t));
		ctl_fvals_addf(fv, "%s", t);
		break;
	case F_RESERVATION:	ctl_fvals_add(fv, in->reservation_id); break;
	case F_OWNER:		ctl_fvals_add(fv, in->account_id); break;
	case F_KEY:		ctl_fvals_add(fv, in->key_name); break;
	case F_HOST:		ctl_fvals_add(fv, in->host); break;
	case F_ARCH:		ctl_fvals_add(fv, "x86_64"); break;
	case F_ROOT:		ctl_fvals_add(fv, "ebs"); break;
	case F_TOKEN:		ctl_fvals_add(fv, in->client_token); break;
	case F_TAG:
		ctl_tags_fvals(in->tags, in->n_tags, f, fv);
		break;
	case F_ISTATUS:		ctl_fvals_add(fv, r->instance); break;
	case F_SSTATUS:		ctl_fvals_add(fv, r->system); break;
	case F_MD_TOKENS:	ctl_fvals_add(fv, in->md_tokens); break;
	case F_ROOT_NAME:	ctl_fvals_add(fv, in->root_device); break;
	case F_BDM_DEVICE:
	case F_BDM_VOLUME:
	case F_BDM_STATUS:
	case F_BDM_TIME:
	case F_BDM_DOT:		bdm_values(in, f, fv); break;
	default:		net_values(r, f, fv); break;
	}
}

/*
 * What the instance and system checks say, from the host's liveness: a
 * host that stopped reporting fails both checks of its instances since
 * its last report.
 */
static void
status_of(struct row *r, const struct ctl_host *hosts, size_t n_hosts)
{
	size_t i;

	r->system = "ok";
	for (i = 0; i < n_hosts; i++) {
		if (strcmp(hosts[i].name, r->in->host) == 0 && !hosts[i].up) {
			r->system = "impaired";
			r->impaired_ms = hosts[i].last_seen_ms;
		}
	}
	if (r->in->state != CTL_IS_RUNNING)
		r->instance = "not-applicable";
	else
		r->instance = strcmp(r->system, "ok") == 0 ? "ok" : "impaired";
}

/* Everything both actions need: the account's instances and hosts. */
struct listing {
	struct ctl_inst		*v;
	size_t			 n;
	struct ctl_host		*hosts;
	size_t			 n_hosts;
	struct row		*rows;
	const char		**ids;
	size_t			 n_ids;
	struct ctl_filters	 f;
	struct ctl_page		 page;
};

static void
listing_clear(struct listing *l)
{
	ctl_inst_free_all(l->v, l->n);
	free(l->hosts);
	free(l->rows);
	free(l->ids);
	ctl_filters_clear(&l->f);
}

static int
listing_load(const struct ctl_req *req, const struct ctl_filter_def *defs,
    size_t n_defs, struct listing *l, struct mc_err *err)
{
	sqlite3	*db;
	size_t	 i;
	int	 rc = -1;

	memset(l, 0, sizeof(*l));
	if (ctl_params_strlist(req->params, "InstanceId", &l->ids, &l->n_ids,
	    err) < 0 || ctl_page_parse(req->params, &paging, l->n_ids > 0,
	    &l->page, err) < 0 || ctl_filters_parse(req->params, defs, n_defs,
	    &l->f, err) < 0)
		return -1;
	if ((db = ctl_store_get(req->api->store, err)) == NULL)
		return -1;
	if (ctl_inst_check_ids(db, req->account_id, l->ids, l->n_ids,
	    err) == 0 && ctl_req_dry_run(req, err) == 0 &&
	    ctl_inst_list(db, req->account_id, NULL, &l->v, &l->n, err) == 0 &&
	    ctl_hosts_list(db, req->now_ms, req->api->conf->host_timeout_s *
	    1000, &l->hosts, &l->n_hosts, err) == 0)
		rc = 0;
	ctl_store_put(req->api->store, db);
	if (rc == 0 && l->n > 0 &&
	    (l->rows = calloc(l->n, sizeof(*l->rows))) == NULL)
		rc = mc_err_sys(err, ENOMEM, "out of memory");
	for (i = 0; rc == 0 && i < l->n; i++) {
		l->rows[i].in = &l->v[i];
		l->rows[i].dns_domain = req->api->conf->dns_domain;
		status_of(&l->rows[i], l->hosts, l->n_hosts);
	}
	return rc;
}

/*
 * The indices of the rows on this page into sel (capacity l->n); the
 * token to continue, if any, into token.
 */
static size_t
select_page(const struct listing *l, bool (*extra)(const struct row *),
    size_t *sel, char *token, size_t tokensz)
{
	size_t i, n = 0;

	token[0] = '\0';
	for (i = 0; i < l->n; i++) {
		const struct row *r = &l->rows[i];

		if (!ctl_params_selects(l->ids, l->n_ids, r->in->id) ||
		    !ctl_page_after(&l->page, r->in->id) ||
		    (extra != NULL && !extra(r)) ||
		    !ctl_filters_match(&l->f, inst_values, r))
			continue;
		if (n == l->page.max) {
			ctl_page_token(l->v[i - 1].id, token, tokensz);
			break;
		}
		sel[n++] = i;
	}
	return n;
}

/* Write the page's instances under their reservations, in order. */
static void
reservations_xml(const struct listing *l, const size_t *sel, size_t n,
    const char *dns_domain, struct ctl_xml *out)
{
	size_t i, j;

	ctl_xml_open(out, "reservationSet");
	for (i = 0; i < n; i++) {
		const struct ctl_inst *in = &l->v[sel[i]];

		for (j = 0; j < i && strcmp(l->v[sel[j]].reservation_id,
		    in->reservation_id) != 0; j++)
			;
		if (j < i)
			continue;	/* written with its first instance */
		ctl_xml_open(out, "item");
		ctl_xml_str(out, "reservationId", in->reservation_id);
		ctl_xml_str(out, "ownerId", in->account_id);
		ctl_xml_empty(out, "groupSet");
		ctl_xml_open(out, "instancesSet");
		for (j = i; j < n; j++)
			if (strcmp(l->v[sel[j]].reservation_id,
			    in->reservation_id) == 0)
				ctl_inst_xml(out, &l->v[sel[j]],
				    dns_domain);
		ctl_xml_close(out);
		ctl_xml_close(out);
	}
	ctl_xml_close(out);
}

int
ctl_instances_describe(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	struct listing	 l;
	char		 token[CTL_PAGE_TOKEN_MAX];
	size_t		*sel = NULL, n;

	if (listing_load(req, inst_filters, MC_NELEMS(inst_filters), &l,
	    err) < 0) {
		listing_clear(&l);
		return -1;
	}
	if (l.n > 0 && (sel = calloc(l.n, sizeof(*sel))) == NULL) {
		listing_clear(&l);
		return mc_err_sys(err, ENOMEM, "out of memory");
	}
	n = select_page(&l, NULL, sel, token, sizeof(token));
	reservations_xml(&l, sel, n, req->api->conf->dns_domain, out);
	if (token[0] != '\0')
		ctl_xml_str(out, "nextToken", token);
	free(sel);
	listing_clear(&l);
	return 0;
}

/* A check's summary; not-applicable has no details, as in EC2. */
static void
check_xml(struct ctl_xml *out, const char *el, const char *status,
    int64_t impaired_ms)
{
	bool failed = strcmp(status, "impaired") == 0;

	ctl_xml_open(out, el);
	ctl_xml_str(out, "status", status);
	if (strcmp(status, "not-applicable") == 0) {
		ctl_xml_close(out);
		return;
	}
	ctl_xml_open(out, "details");
	ctl_xml_open(out, "item");
	ctl_xml_str(out, "name", "reachability");
	ctl_xml_str(out, "status", strcmp(status, "ok") == 0 ? "passed" :
	    failed ? "failed" : "initializing");
	if (failed)
		ctl_xml_time(out, "impairedSince", impaired_ms);
	ctl_xml_close(out);
	ctl_xml_close(out);
	ctl_xml_close(out);
}

static bool
is_running(const struct row *r)
{
	return r->in->state == CTL_IS_RUNNING;
}

int
ctl_instances_status(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	struct listing	 l;
	char		 token[CTL_PAGE_TOKEN_MAX];
	size_t		*sel = NULL, n, i;
	bool		 all = false;

	if (ctl_params_bool(req->params, "IncludeAllInstances", &all, err) < 0)
		return -1;
	if (listing_load(req, status_filters, MC_NELEMS(status_filters), &l,
	    err) < 0 || (l.n > 0 && (sel = calloc(l.n, sizeof(*sel))) == NULL)) {
		listing_clear(&l);
		return err->code != MC_EC_NONE ? -1 :
		    mc_err_sys(err, ENOMEM, "out of memory");
	}
	n = select_page(&l, all ? NULL : is_running, sel, token, sizeof(token));
	ctl_xml_open(out, "instanceStatusSet");
	for (i = 0; i < n; i++) {
		const struct row *r = &l.rows[sel[i]];

		ctl_xml_open(out, "item");
		ctl_xml_str(out, "instanceId", r->in->id);
		ctl_xml_str(out, "availabilityZone", r->in->zone);
		ctl_inst_state_xml(out, "instanceState", r->in->state);
		check_xml(out, "systemStatus", r->system, r->impaired_ms);
		check_xml(out, "instanceStatus", r->instance, r->impaired_ms);
		ctl_xml_empty(out, "eventsSet");
		ctl_xml_close(out);
	}
	ctl_xml_close(out);
	if (token[0] != '\0')
		ctl_xml_str(out, "nextToken", token);
	free(sel);
	listing_clear(&l);
	return 0;
}

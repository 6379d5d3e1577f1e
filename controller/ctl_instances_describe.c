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
#include "ctl_sql.h"
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

static int
cmp_host(const void *key, const void *elem)
{
	return strcmp(key, ((const struct ctl_host *)elem)->name);
}

/*
 * The row of instance in: what the instance and system checks say, from
 * its host's liveness (hosts sorted by name): a host that stopped
 * reporting fails both checks of its instances since its last report.
 */
static void
row_of(const struct ctl_inst *in, const char *dns_domain,
    const struct ctl_host *hosts, size_t n_hosts, struct row *r)
{
	const struct ctl_host *h = n_hosts == 0 ? NULL : bsearch(in->host,
	    hosts, n_hosts, sizeof(*hosts), cmp_host);

	memset(r, 0, sizeof(*r));
	r->in = in;
	r->dns_domain = dns_domain;
	r->system = "ok";
	if (h != NULL && !h->up) {
		r->system = "impaired";
		r->impaired_ms = h->last_seen_ms;
	}
	if (in->state != CTL_IS_RUNNING)
		r->instance = "not-applicable";
	else
		r->instance = strcmp(r->system, "ok") == 0 ? "ok" : "impaired";
}

/* The filters that SQL narrows a walk on, and the column each reads. */
static const struct {
	int			field;
	enum ctl_inst_col	col;
} sql_cols[] = {
	{ F_ID, CTL_INST_COL_ID }, { F_STATE, CTL_INST_COL_STATE },
	{ F_HOST, CTL_INST_COL_HOST }, { F_TYPE, CTL_INST_COL_TYPE },
	{ F_ZONE, CTL_INST_COL_ZONE }, { F_IMAGE, CTL_INST_COL_IMAGE },
	{ F_RESERVATION, CTL_INST_COL_RESERVATION },
	{ F_VPC, CTL_INST_COL_VPC }, { F_SUBNET, CTL_INST_COL_SUBNET },
	{ F_TAG, CTL_INST_COL_TAG },
};

/* What one action lists, and how. */
struct how {
	const struct ctl_filter_def	*defs;
	size_t				 n_defs;
	bool				 running;	/* only running ones */
	bool				 details;	/* tags, ENI, volumes */
};

/* The page being gathered, and what gathering it takes. */
struct listing {
	const struct ctl_req	*req;
	struct ctl_inst		*v;		/* the page, by id; owned */
	struct row		*rows;		/* of v */
	size_t			 n, cap;
	struct ctl_host		*hosts;		/* by name */
	size_t			 n_hosts;
	const char		**ids;
	size_t			 n_ids;
	struct ctl_filters	 f;
	struct ctl_page		 page;
	char			 token[CTL_PAGE_TOKEN_MAX];	/* "": last page */
};

static void
listing_clear(struct listing *l)
{
	ctl_inst_free_all(l->v, l->n);
	free(l->rows);
	free(l->hosts);
	free(l->ids);
	ctl_filters_clear(&l->f);
}

/*
 * What SQL can narrow the walk on, into c (room for CTL_FILTER_MAX + 2,
 * values borrowed from l and *running): the instance ids asked for,
 * running instances only, and the filters of sql_cols whose values are
 * exact.  The filters are still applied to every instance.
 */
static size_t
conds_of(const struct listing *l, const struct how *how,
    const char *const *running, struct ctl_inst_cond *c)
{
	const struct ctl_filter	*f;
	size_t			 i, j, n = 0;

	if (l->n_ids > 0)
		c[n++] = (struct ctl_inst_cond){ CTL_INST_COL_ID, NULL,
		    l->ids, l->n_ids };
	if (how->running)
		c[n++] = (struct ctl_inst_cond){ CTL_INST_COL_STATE, NULL,
		    running, 1 };
	for (i = 0; i < l->f.n; i++) {
		f = &l->f.v[i];
		for (j = 0; j < MC_NELEMS(sql_cols) &&
		    sql_cols[j].field != f->field; j++)
			;
		/* tag-key and tag-value are F_TAG too, but not one column. */
		if (j == MC_NELEMS(sql_cols) || !ctl_filter_exact(f) ||
		    (f->field == F_TAG && strncmp(f->name, "tag:", 4) != 0))
			continue;
		c[n++] = (struct ctl_inst_cond){ sql_cols[j].col,
		    f->field == F_TAG ? f->name + 4 : NULL, f->values,
		    f->n_values };
	}
	return n;
}

/* Does in belong on the page, as far as its content goes? */
static bool
passes(const struct listing *l, const struct how *how,
    const struct ctl_inst *in)
{
	struct row r;

	row_of(in, l->req->api->conf->dns_domain, l->hosts, l->n_hosts, &r);
	return ctl_params_selects(l->ids, l->n_ids, in->id) &&
	    ctl_page_after(&l->page, in->id) &&
	    (!how->running || in->state == CTL_IS_RUNNING) &&
	    ctl_filters_match(&l->f, inst_values, &r);
}

/*
 * Take the instances of the chunk v (n) that pass onto the page, theirs
 * from then on.  Returns 1 when one passes that the page has no room
 * for (its id into next), 0 when all were seen, -1 with err set.
 */
static int
take(struct listing *l, const struct how *how, struct ctl_inst *v,
    size_t n, char *next, struct mc_err *err)
{
	struct ctl_inst	*nv;
	size_t		 i;

	for (i = 0; i < n; i++) {
		if (!passes(l, how, &v[i]))
			continue;
		if (l->n == l->page.max) {
			memcpy(next, v[i].id, sizeof(v[i].id));
			return 1;
		}
		if (l->n == l->cap) {
			l->cap = l->cap == 0 ? 64 : l->cap * 2;
			if ((nv = realloc(l->v, l->cap * sizeof(*nv))) == NULL)
				return mc_err_sys(err, ENOMEM, "out of memory");
			l->v = nv;
		}
		l->v[l->n++] = v[i];
		memset(&v[i], 0, sizeof(v[i]));	/* what it owns moved */
	}
	return 0;
}

/*
 * Walk the account's instances from the page start, a chunk at a time,
 * and take those that pass until the page is full and one more passes:
 * then the token names the instance before that one, whether it passed
 * or not.
 */
static int
gather(struct listing *l, sqlite3 *db, const struct how *how,
    struct mc_err *err)
{
	struct ctl_inst_cond	 c[CTL_FILTER_MAX + 2];
	const char		*running = ctl_istate_name(CTL_IS_RUNNING);
	struct ctl_inst_scan	*s = NULL;
	struct ctl_inst		*v;
	char			 next[MC_ID_MAX], prev[MC_ID_MAX];
	size_t			 n, limit = l->page.max + 1;
	int			 rc;

	if (ctl_inst_scan_open(db, l->req->account_id, l->page.has_after ?
	    l->page.after : "", c, conds_of(l, how, &running, c),
	    how->details, &s, err) < 0)
		return -1;
	do {
		v = NULL;
		n = 0;
		rc = ctl_inst_scan_next(s, limit, &v, &n, err);
		if (rc == 0)
			rc = take(l, how, v, n, next, err);
		ctl_inst_free_all(v, n);
		/* The first chunk holds the page unless filters thin it. */
		limit = CTL_INST_CHUNK_MAX;
	} while (rc == 0 && n > 0);
	ctl_inst_scan_free(s);
	if (rc <= 0)
		return rc;
	if (ctl_inst_prev_id(db, l->req->account_id, next, prev, err) < 0)
		return -1;
	ctl_page_token(prev, l->token, sizeof(l->token));
	return 0;
}

/* The hosts, then the page, from one snapshot of the store. */
static int
listing_read(struct listing *l, const struct how *how, struct mc_err *err)
{
	const struct ctl_req	*req = l->req;
	sqlite3			*db;
	int			 rc = -1;

	if ((db = ctl_store_get(req->api->store, err)) == NULL)
		return -1;
	if (ctl_sql_begin_read(db, err) == 0) {
		if (ctl_inst_check_ids(db, req->account_id, l->ids, l->n_ids,
		    err) == 0 && ctl_req_dry_run(req, err) == 0 &&
		    ctl_hosts_list_bare(db, req->now_ms,
		    req->api->conf->host_timeout_s * 1000, &l->hosts,
		    &l->n_hosts, err) == 0 && gather(l, db, how, err) == 0)
			rc = 0;
		ctl_sql_rollback(db);
	}
	ctl_store_put(req->api->store, db);
	return rc;
}

/* The page an action asks for, with the rows of its instances. */
static int
listing_load(const struct ctl_req *req, const struct how *how,
    struct listing *l, struct mc_err *err)
{
	size_t i;

	memset(l, 0, sizeof(*l));
	l->req = req;
	if (ctl_params_strlist(req->params, "InstanceId", &l->ids, &l->n_ids,
	    err) < 0 || ctl_page_parse(req->params, &paging, l->n_ids > 0,
	    &l->page, err) < 0 || ctl_filters_parse(req->params, how->defs,
	    how->n_defs, &l->f, err) < 0 || listing_read(l, how, err) < 0)
		return -1;
	if (l->n > 0 && (l->rows = calloc(l->n, sizeof(*l->rows))) == NULL)
		return mc_err_sys(err, ENOMEM, "out of memory");
	for (i = 0; i < l->n; i++)
		row_of(&l->v[i], req->api->conf->dns_domain, l->hosts,
		    l->n_hosts, &l->rows[i]);
	return 0;
}

/* Write the page's instances under their reservations, in order. */
static void
reservations_xml(const struct ctl_inst *v, size_t n, const char *dns_domain,
    struct ctl_xml *out)
{
	size_t i, j;

	ctl_xml_open(out, "reservationSet");
	for (i = 0; i < n; i++) {
		for (j = 0; j < i && strcmp(v[j].reservation_id,
		    v[i].reservation_id) != 0; j++)
			;
		if (j < i)
			continue;	/* written with its first instance */
		ctl_xml_open(out, "item");
		ctl_xml_str(out, "reservationId", v[i].reservation_id);
		ctl_xml_str(out, "ownerId", v[i].account_id);
		ctl_xml_empty(out, "groupSet");
		ctl_xml_open(out, "instancesSet");
		for (j = i; j < n; j++)
			if (strcmp(v[j].reservation_id,
			    v[i].reservation_id) == 0)
				ctl_inst_xml(out, &v[j], dns_domain);
		ctl_xml_close(out);
		ctl_xml_close(out);
	}
	ctl_xml_close(out);
}

int
ctl_instances_describe(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	static const struct how how = { inst_filters,
	    MC_NELEMS(inst_filters), false, true };
	struct listing l;

	if (listing_load(req, &how, &l, err) < 0) {
		listing_clear(&l);
		return -1;
	}
	reservations_xml(l.v, l.n, req->api->conf->dns_domain, out);
	if (l.token[0] != '\0')
		ctl_xml_str(out, "nextToken", l.token);
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

int
ctl_instances_status(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	struct how	how = { status_filters, MC_NELEMS(status_filters),
	    true, false };
	struct listing	l;
	bool		all = false;
	size_t		i;

	if (ctl_params_bool(req->params, "IncludeAllInstances", &all, err) < 0)
		return -1;
	how.running = !all;
	if (listing_load(req, &how, &l, err) < 0) {
		listing_clear(&l);
		return -1;
	}
	ctl_xml_open(out, "instanceStatusSet");
	for (i = 0; i < l.n; i++) {
		const struct row *r = &l.rows[i];

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
	if (l.token[0] != '\0')
		ctl_xml_str(out, "nextToken", l.token);
	listing_clear(&l);
	return 0;
}

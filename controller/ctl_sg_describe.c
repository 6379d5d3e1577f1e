/*
 * ctl_sg_describe: DescribeSecurityGroups.  A group's rules are shown as
 * EC2 shows them: one IpPermission per protocol and port range, holding
 * every block (ipRanges) and group (groups) it lets in or out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mc_cleanup.h"
#include "mc_err.h"
#include "ctl_api.h"
#include "ctl_filter.h"
#include "ctl_page.h"
#include "ctl_params.h"
#include "ctl_sg.h"
#include "ctl_sgr.h"
#include "ctl_sgs.h"
#include "ctl_store.h"
#include "ctl_tags.h"
#include "ctl_vpc.h"
#include "ctl_vpcs.h"
#include "ctl_xml.h"

static const struct ctl_page_rules paging = { 5, 1000, 1000 };

/* The account's groups, and what GroupId.N and GroupName.N select. */
struct sg_listing {
	struct ctl_sg	 *v;
	size_t		  n;
	const char	**ids, **names;
	size_t		  n_ids, n_names;
	char		  default_vpc[MC_ID_MAX];	/* "" : none */
};

/* A group with its rules and tags, for filters and XML. */
struct sg_item {
	const struct sg_listing	*l;
	const struct ctl_sg	*g;
	struct ctl_sg_rule	*rules;
	size_t			 n_rules;
	struct ctl_tagkv	*tags;
	size_t			 n_tags;
};

/* Same protocol and ports: the rules of one IpPermission. */
static bool
same_perm(const struct ctl_sg_rule *a, const struct ctl_sg_rule *b)
{
	return a->egress == b->egress && a->proto == b->proto &&
	    a->from == b->from && a->to == b->to;
}

/* The peers of the permission of rules[first], blocks or groups. */
static void
peers_xml(struct ctl_xml *x, const struct sg_item *it, size_t first,
    bool blocks)
{
	const struct ctl_sg_rule	*r;
	size_t				 i;

	ctl_xml_open(x, blocks ? "ipRanges" : "groups");
	for (i = first; i < it->n_rules; i++) {
		r = &it->rules[i];
		if (!same_perm(r, &it->rules[first]) ||
		    (r->cidr[0] != '\0') != blocks)
			continue;
		ctl_xml_open(x, "item");
		if (blocks) {
			ctl_xml_str(x, "cidrIp", r->cidr);
		} else {
			ctl_xml_str(x, "userId", it->g->account_id);
			ctl_xml_str(x, "groupId", r->ref_group);
		}
		if (r->description[0] != '\0')
			ctl_xml_str(x, "description", r->description);
		ctl_xml_close(x);
	}
	ctl_xml_close(x);
}

static void
perms_xml(struct ctl_xml *x, const char *el, const struct sg_item *it,
    bool egress)
{
	const struct ctl_sg_rule	*r;
	char				 proto[CTL_SG_PROTO_STR_MAX];
	size_t				 i, j;

	ctl_xml_open(x, el);
	for (i = 0; i < it->n_rules; i++) {
		r = &it->rules[i];
		for (j = 0; j < i && !same_perm(&it->rules[j], r); j++)
			;
		if (r->egress != egress || j < i)
			continue;	/* the other way, or shown already */
		ctl_xml_open(x, "item");
		ctl_xml_str(x, "ipProtocol", ctl_sg_proto_name(r->proto,
		    proto));
		if (ctl_sg_proto_has_ports(r->proto)) {
			ctl_xml_int(x, "fromPort", r->from);
			ctl_xml_int(x, "toPort", r->to);
		}
		peers_xml(x, it, i, false);
		peers_xml(x, it, i, true);
		ctl_xml_empty(x, "ipv6Ranges");
		ctl_xml_empty(x, "prefixListIds");
		ctl_xml_close(x);
	}
	ctl_xml_close(x);
}

static void
sg_xml(const struct ctl_req *req, struct ctl_xml *x, const struct sg_item *it)
{
	char arn[160];

	ctl_xml_open(x, "item");
	ctl_xml_str(x, "ownerId", it->g->account_id);
	ctl_xml_str(x, "groupId", it->g->id);
	ctl_xml_str(x, "groupName", it->g->name);
	ctl_xml_str(x, "groupDescription", it->g->description);
	ctl_xml_str(x, "vpcId", it->g->vpc_id);
	perms_xml(x, "ipPermissions", it, false);
	perms_xml(x, "ipPermissionsEgress", it, true);
	ctl_tags_xml(x, it->tags, it->n_tags);
	ctl_sgs_arn(req, "security-group", it->g->id, arn, sizeof(arn));
	ctl_xml_str(x, "securityGroupArn", arn);
	ctl_xml_close(x);
}

enum { F_ID, F_NAME, F_VPC, F_DESC, F_OWNER, F_TAG, F_PERM };
enum { P_PROTO, P_FROM, P_TO, P_CIDR, P_GROUP, P_GROUP_NAME, P_USER, P__MAX };

/* A filter on ingress rules, and the same on egress rules. */
#define PERM_FILTER(name, p) \
	{ "ip-permission." name, F_PERM + (p) }, \
	{ "egress.ip-permission." name, F_PERM + P__MAX + (p) }

static const struct ctl_filter_def sg_filters[] = {
	{ "group-id", F_ID }, { "group-name", F_NAME }, { "vpc-id", F_VPC },
	{ "description", F_DESC }, { "owner-id", F_OWNER },
	CTL_TAGS_FILTERS(F_TAG),
	PERM_FILTER("protocol", P_PROTO), PERM_FILTER("from-port", P_FROM),
	PERM_FILTER("to-port", P_TO), PERM_FILTER("cidr", P_CIDR),
	PERM_FILTER("group-id", P_GROUP),
	PERM_FILTER("group-name", P_GROUP_NAME),
	PERM_FILTER("user-id", P_USER),
};

/*
 * Add s to fv unless it holds it (a group may give one value often):
 * s stays borrowed, or is copied into fv's scratch when copy is set.
 */
static void
add_once(struct ctl_fvals *fv, const char *s, bool copy)
{
	size_t i;

	for (i = 0; i < fv->n; i++)
		if (strcmp(fv->v[i], s) == 0)
			return;
	if (copy)
		ctl_fvals_addf(fv, "%s", s);
	else
		ctl_fvals_add(fv, s);
}

/* The name of group id in the listing ("" when not there). */
static const char *
name_of(const struct sg_listing *l, const char *id)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].id, id) == 0)
			return l->v[i].name;
	return "";
}

/* The values of rule r for the ip-permission filter p. */
static void
rule_value(const struct sg_item *it, const struct ctl_sg_rule *r, int p,
    struct ctl_fvals *fv)
{
	char buf[CTL_SG_PROTO_STR_MAX];

	switch (p) {
	case P_PROTO:
		add_once(fv, ctl_sg_proto_name(r->proto, buf), true);
		return;
	case P_FROM:
	case P_TO:
		(void)snprintf(buf, sizeof(buf), "%d", p == P_FROM ? r->from :
		    r->to);
		add_once(fv, buf, true);
		return;
	case P_CIDR:
		if (r->cidr[0] != '\0')
			add_once(fv, r->cidr, false);
		return;
	}
	if (r->ref_group[0] == '\0')
		return;
	add_once(fv, p == P_GROUP ? r->ref_group : p == P_GROUP_NAME ?
	    name_of(it->l, r->ref_group) : it->g->account_id, false);
}

static void
sg_values(const void *res, const struct ctl_filter *f, struct ctl_fvals *fv)
{
	const struct sg_item	*it = res;
	int			 p = f->field - F_PERM;
	bool			 egress = p >= P__MAX;
	size_t			 i;

	switch (f->field) {
	case F_ID:	ctl_fvals_add(fv, it->g->id); return;
	case F_NAME:	ctl_fvals_add(fv, it->g->name); return;
	case F_VPC:	ctl_fvals_add(fv, it->g->vpc_id); return;
	case F_DESC:	ctl_fvals_add(fv, it->g->description); return;
	case F_OWNER:	ctl_fvals_add(fv, it->g->account_id); return;
	case F_TAG:	ctl_tags_fvals(it->tags, it->n_tags, f, fv); return;
	}
	for (i = 0; i < it->n_rules; i++)
		if (it->rules[i].egress == egress)
			rule_value(it, &it->rules[i], p % P__MAX, fv);
}

/* Is g selected by GroupId.N / GroupName.N (all when neither)? */
static bool
selected(const struct sg_listing *l, const struct ctl_sg *g)
{
	size_t i;

	if (l->n_ids + l->n_names == 0)
		return true;
	for (i = 0; i < l->n_names; i++)
		if (strcasecmp(l->names[i], g->name) == 0 &&
		    strcmp(g->vpc_id, l->default_vpc) == 0)
			return true;
	return l->n_ids > 0 && ctl_params_selects(l->ids, l->n_ids, g->id);
}

static bool
id_known(const void *ctx, const char *id)
{
	const struct sg_listing	*l = ctx;
	size_t			 i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].id, id) == 0)
			return true;
	return false;
}

static bool
name_known(const void *ctx, const char *name)
{
	const struct sg_listing	*l = ctx;
	size_t			 i;

	for (i = 0; i < l->n; i++)
		if (strcasecmp(l->v[i].name, name) == 0 &&
		    strcmp(l->v[i].vpc_id, l->default_vpc) == 0)
			return true;
	return false;
}

/* Every group named explicitly must exist, as the waiter expects. */
static int
check_named(const struct sg_listing *l, struct mc_err *err)
{
	if (ctl_params_ids_known(l->ids, l->n_ids, MC_ID_SG, id_known, l,
	    MC_EC_INVALID_GROUP_NOT_FOUND, "The security group ID does not "
	    "exist: ", err) < 0)
		return -1;
	return ctl_params_all_known(l->names, l->n_names, name_known, l,
	    MC_EC_INVALID_GROUP_NOT_FOUND, "The security group does not exist "
	    "in the default VPC: ", err);
}

/* What the page walk needs: the request, the store, the listing. */
struct sg_walk {
	const struct ctl_req		*req;
	sqlite3				*db;
	const struct sg_listing		*l;
	const struct ctl_filters	*f;
};

static const char *
sg_key(const void *ctx, size_t i)
{
	return ((const struct sg_walk *)ctx)->l->v[i].id;
}

/* Group i with its rules and tags: selected, filtered, written. */
static int
sg_show(void *ctx, size_t i, struct ctl_xml *out, struct mc_err *err)
{
	const struct sg_walk	*w = ctx;
	struct sg_item		 it;
	int			 rc = 0;

	if (!selected(w->l, &w->l->v[i]))
		return 0;
	memset(&it, 0, sizeof(it));
	it.l = w->l;
	it.g = &w->l->v[i];
	if (ctl_sgr_load(w->db, it.g->id, &it.rules, &it.n_rules, err) < 0 ||
	    ctl_tags_load(w->db, it.g->id, &it.tags, &it.n_tags, err) < 0)
		rc = -1;
	else if (ctl_filters_match(w->f, sg_values, &it))
		rc = 1;
	if (rc == 1 && out != NULL)
		sg_xml(w->req, out, &it);
	free(it.rules);
	free(it.tags);
	return rc;
}

int
ctl_sgs_describe(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	MC_AUTOFREE const char	**ids = NULL, **names = NULL;
	struct sg_listing	  l;
	struct ctl_filters	  f = { NULL, 0 };
	struct sg_walk		  w = { req, NULL, &l, &f };
	struct ctl_page		  page;
	struct ctl_vpc		  vpc;
	int			  rc = -1, found;

	memset(&l, 0, sizeof(l));
	if (ctl_params_strlist(req->params, "GroupId", &ids, &l.n_ids,
	    err) < 0 || ctl_params_strlist(req->params, "GroupName", &names,
	    &l.n_names, err) < 0 || ctl_page_parse(req->params, &paging,
	    l.n_ids + l.n_names > 0, &page, err) < 0 ||
	    ctl_filters_parse(req->params, sg_filters, MC_NELEMS(sg_filters),
	    &f, err) < 0)
		goto out;
	l.ids = ids;
	l.names = names;
	if ((w.db = ctl_vpcs_db(req, err)) == NULL)
		goto out;
	if (ctl_req_dry_run(req, err) == 0 &&
	    (found = ctl_vpc_default(w.db, req->account_id, &vpc, err)) >= 0 &&
	    ctl_sg_list(w.db, req->account_id, &l.v, &l.n, err) == 0) {
		if (found)
			(void)snprintf(l.default_vpc, sizeof(l.default_vpc),
			    "%s", vpc.id);
		if (check_named(&l, err) == 0)
			rc = ctl_page_walk(&page, "securityGroupInfo", l.n,
			    sg_key, sg_show, &w, out, err);
	}
	ctl_store_put(req->api->store, w.db);
out:
	free(l.v);
	ctl_filters_clear(&f);
	return rc;
}

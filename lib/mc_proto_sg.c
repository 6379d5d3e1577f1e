/*
 * mc_proto_sg: the security groups in the desired state: each group's
 * fixed fields and rules through the field tables (its members come
 * from the view), and the checks that tie them together (a rule names
 * a CIDR or a group, never both; every group an interface or a rule
 * names is in the message).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "mc_err.h"
#include "mc_ipv4.h"
#include "mc_proto_priv.h"

#define INT(st, k, m, mx) \
	{ k, K_INT, offsetof(st, m), 0, mx, C_ANY, true, NULL, 0, 0 }

static const struct field rule_fields[] = {
	STR(struct mc_proto_sg_rule, "id", id, C_SG_RULE, true),
	OTHER(struct mc_proto_sg_rule, K_BOOL, "egress", egress, true),
	INT(struct mc_proto_sg_rule, "proto", proto, 255),
	INT(struct mc_proto_sg_rule, "from", from, 65535),
	INT(struct mc_proto_sg_rule, "to", to, 65535),
	STR(struct mc_proto_sg_rule, "cidr", cidr, C_CIDR, false),
	STR(struct mc_proto_sg_rule, "group", group, C_SG, false),
};

static const struct field sg_fields[] = {
	STR(struct mc_proto_sg, "id", id, C_SG, true),
	STR(struct mc_proto_sg, "name", name, C_ANY, true),
	STR(struct mc_proto_sg, "vpc", vpc, C_VPC, true),
};

void
mc_proto_sg_clear(struct mc_proto_sg *g)
{
	free(g->rules);
	free(g->members);
	memset(g, 0, sizeof(*g));
}

const struct mc_proto_sg *
mc_proto_desired_group(const struct mc_proto_desired *d, const char *id)
{
	size_t i;

	for (i = 0; i < d->n_groups; i++)
		if (strcmp(d->groups[i].id, id) == 0)
			return &d->groups[i];
	return NULL;
}

/* A rule's own sense: one peer; ports or ICMP codes that can be. */
static bool
rule_ok(const struct mc_proto_sg_rule *r)
{
	if ((r->cidr[0] == '\0') == (r->group[0] == '\0'))
		return false;
	if ((r->from == -1) != (r->to == -1) && r->proto != 1)
		return false;
	if (r->proto == 1)
		return r->from <= 255 && r->to <= 255;
	return r->from <= r->to;
}

static int
get_sg(json_object *o, struct mc_proto_sg *g, struct mc_err *err)
{
	void	*v = NULL;
	size_t	 i;

	if (!json_object_is_type(o, json_type_object) ||
	    mc_proto_get_fields(o, sg_fields, NFIELDS(sg_fields), g, err) < 0)
		return mc_proto_bad_field(err, "groups");
	if (mc_proto_get_list(o, "rules", rule_fields, NFIELDS(rule_fields),
	    sizeof(*g->rules), NULL, &v, &g->n_rules, err) < 0)
		return -1;
	g->rules = v;
	if (g->n_rules > MC_PROTO_SG_RULES)
		return mc_proto_bad_field(err, "rules");
	for (i = 0; i < g->n_rules; i++)
		if (!rule_ok(&g->rules[i]))
			return mc_proto_bad_field(err, "rules");
	return 0;
}

/* Every group named by an interface or a rule is in d. */
static int
check_refs(const struct mc_proto_desired *d, struct mc_err *err)
{
	size_t i, j;

	for (i = 0; i < d->n; i++)
		for (j = 0; j < d->v[i].nic.groups.n; j++)
			if (mc_proto_desired_group(d, d->v[i].nic.groups.v[j]) ==
			    NULL)
				return mc_proto_bad_field(err, "groups");
	for (i = 0; i < d->n_groups; i++) {
		for (j = 0; j < i; j++)
			if (strcmp(d->groups[i].id, d->groups[j].id) == 0)
				return mc_proto_bad_field(err, "groups");
		for (j = 0; j < d->groups[i].n_rules; j++)
			if (d->groups[i].rules[j].group[0] != '\0' &&
			    mc_proto_desired_group(d,
			    d->groups[i].rules[j].group) == NULL)
				return mc_proto_bad_field(err, "rules");
	}
	return 0;
}

int
mc_proto_get_sgs(json_object *o, struct mc_proto_desired *d,
    struct mc_err *err)
{
	json_object	*a;
	size_t		 n, i;

	if (!json_object_object_get_ex(o, "groups", &a))
		return check_refs(d, err);
	if (!json_object_is_type(a, json_type_array) ||
	    (n = json_object_array_length(a)) > MC_PROTO_MAX_INSTANCES)
		return mc_proto_bad_field(err, "groups");
	if (n == 0)
		return check_refs(d, err);
	if ((d->groups = calloc(n, sizeof(*d->groups))) == NULL)
		return mc_err_sys(err, ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		d->n_groups = i + 1;
		if (get_sg(json_object_array_get_idx(a, i), &d->groups[i],
		    err) < 0)
			return -1;
	}
	return check_refs(d, err);
}

json_object *
mc_proto_put_sgs(const struct mc_proto_desired *d)
{
	json_object	*a = json_object_new_array(), *g;
	size_t		 i;

	for (i = 0; a != NULL && i < d->n_groups; i++) {
		const struct mc_proto_sg *s = &d->groups[i];

		if ((g = mc_proto_put_fields(sg_fields, NFIELDS(sg_fields),
		    s)) == NULL)
			continue;
		json_object_object_add(g, "rules", mc_proto_put_list(
		    rule_fields, NFIELDS(rule_fields), s->rules, s->n_rules,
		    sizeof(*s->rules)));
		json_object_array_add(a, g);
	}
	return a;
}

/*
 * mc_proto_view: the view of the host's VPCs in the desired state (its
 * sequence, each VPC whole or its changed interfaces) through the
 * field tables, and the checks that tie an entry together: a gone
 * interface carries nothing else, a live one its address.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "mc_err.h"
#include "mc_proto_priv.h"

static const struct field eni_fields[] = {
	STR(struct mc_proto_view_eni, "id", id, C_ENI, true),
	OTHER(struct mc_proto_view_eni, K_BOOL, "gone", gone, false),
	STR(struct mc_proto_view_eni, "ip", ip, C_IPV4_OPT, false),
	STR(struct mc_proto_view_eni, "host_ip", host_ip, C_IPV4_OPT, false),
	{ "groups", K_IDS, offsetof(struct mc_proto_view_eni, groups), 0, 0,
	    C_SG, false, NULL, 0, 0 },
};

/* Only what each kind of entry needs goes on the wire. */
static const struct field live_fields[] = {
	STR(struct mc_proto_view_eni, "id", id, C_ENI, true),
	STR(struct mc_proto_view_eni, "ip", ip, C_IPV4, true),
	STR(struct mc_proto_view_eni, "host_ip", host_ip, C_IPV4_OPT, true),
	{ "groups", K_IDS, offsetof(struct mc_proto_view_eni, groups), 0, 0,
	    C_SG, true, NULL, 0, 0 },
};

static const struct field gone_fields[] = {
	STR(struct mc_proto_view_eni, "id", id, C_ENI, true),
	OTHER(struct mc_proto_view_eni, K_BOOL, "gone", gone, true),
};

static const struct field vpc_fields[] = {
	STR(struct mc_proto_view_vpc, "id", id, C_VPC, true),
	OTHER(struct mc_proto_view_vpc, K_BOOL, "full", full, false),
};

void
mc_proto_view_clear(struct mc_proto_view *v)
{
	size_t i;

	for (i = 0; v->vpcs != NULL && i < v->n_vpcs; i++)
		free(v->vpcs[i].enis);
	free(v->vpcs);
	memset(v, 0, sizeof(*v));
}

static bool
eni_ok(const struct mc_proto_view_eni *e)
{
	if (e->gone)
		return e->ip[0] == '\0' && e->host_ip[0] == '\0' &&
		    e->groups.n == 0;
	return e->ip[0] != '\0';
}

static int
get_vpc(json_object *o, struct mc_proto_view_vpc *v, struct mc_err *err)
{
	void	*a = NULL;
	size_t	 i;

	if (!json_object_is_type(o, json_type_object) ||
	    mc_proto_get_fields(o, vpc_fields, NFIELDS(vpc_fields), v, err) < 0)
		return mc_proto_bad_field(err, "view");
	if (mc_proto_get_list_max(o, "enis", MC_PROTO_MAX_VIEW, eni_fields,
	    NFIELDS(eni_fields), sizeof(*v->enis), NULL, &a, &v->n_enis,
	    err) < 0)
		return -1;
	v->enis = a;
	for (i = 0; i < v->n_enis; i++)
		if (!eni_ok(&v->enis[i]) || (v->full && v->enis[i].gone))
			return mc_proto_bad_field(err, "enis");
	return 0;
}

int
mc_proto_get_view(json_object *o, struct mc_proto_desired *d,
    struct mc_err *err)
{
	static const struct field top[] = {
		NUM(struct mc_proto_view, K_U64, "seq", seq, INT64_MAX, true),
	};
	json_object	*v, *a;
	size_t		 n, i, j;

	if (!json_object_object_get_ex(o, "view", &v))
		return 0;
	if (!json_object_is_type(v, json_type_object) ||
	    mc_proto_get_fields(v, top, NFIELDS(top), &d->view, err) < 0)
		return mc_proto_bad_field(err, "view");
	if (!json_object_object_get_ex(v, "vpcs", &a))
		return 0;
	if (!json_object_is_type(a, json_type_array) ||
	    (n = json_object_array_length(a)) > MC_PROTO_MAX_VPCS)
		return mc_proto_bad_field(err, "view");
	if (n == 0)
		return 0;
	if ((d->view.vpcs = calloc(n, sizeof(*d->view.vpcs))) == NULL)
		return mc_err_sys(err, ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		d->view.n_vpcs = i + 1;
		if (get_vpc(json_object_array_get_idx(a, i), &d->view.vpcs[i],
		    err) < 0)
			return -1;
		for (j = 0; j < i; j++)
			if (strcmp(d->view.vpcs[i].id, d->view.vpcs[j].id) == 0)
				return mc_proto_bad_field(err, "view");
	}
	return 0;
}

static json_object *
put_vpc(const struct mc_proto_view_vpc *v)
{
	json_object	*o, *a;
	size_t		 i;

	if ((o = mc_proto_put_fields(vpc_fields, NFIELDS(vpc_fields), v)) ==
	    NULL || (a = json_object_new_array()) == NULL)
		return o;
	for (i = 0; i < v->n_enis; i++) {
		const struct mc_proto_view_eni *e = &v->enis[i];

		json_object_array_add(a, e->gone ? mc_proto_put_fields(
		    gone_fields, NFIELDS(gone_fields), e) : mc_proto_put_fields(
		    live_fields, NFIELDS(live_fields), e));
	}
	json_object_object_add(o, "enis", a);
	return o;
}

json_object *
mc_proto_put_view(const struct mc_proto_desired *d)
{
	json_object	*o = json_object_new_object(), *a;
	size_t		 i;

	if (o == NULL)
		return NULL;
	json_object_object_add(o, "seq",
	    json_object_new_int64((int64_t)d->view.seq));
	if ((a = json_object_new_array()) != NULL)
		for (i = 0; i < d->view.n_vpcs; i++)
			json_object_array_add(a, put_vpc(&d->view.vpcs[i]));
	json_object_object_add(o, "vpcs", a);
	return o;
}

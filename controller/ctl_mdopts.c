/*
 * ctl_mdopts: MetadataOptions and ModifyInstanceMetadataOptions.  The
 * agent of the instance's host serves the metadata, so a change bumps
 * the host's generation: the next answer of the IMDS follows it.
 */
#include <stdio.h>
#include <string.h>

#include "mc_err.h"
#include "ctl_api.h"
#include "ctl_inst.h"
#include "ctl_mdopts.h"
#include "ctl_notify.h"
#include "ctl_params.h"
#include "ctl_query.h"
#include "ctl_sql.h"
#include "ctl_store.h"
#include "ctl_xml.h"

#define HOP_MAX		64

/* One of two words, or NULL when absent. */
static int
word(const struct ctl_query *q, const char *prefix, const char *name,
    const char *a, const char *b, const char **ret, struct mc_err *err)
{
	char		 key[96];
	const char	*v;

	(void)snprintf(key, sizeof(key), "%s%s", prefix, name);
	if ((v = ctl_query_get(q, key)) != NULL && strcmp(v, a) != 0 &&
	    strcmp(v, b) != 0)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE, "%s must "
		    "be %s or %s, not '%.32s'", name, a, b, v);
	*ret = v;
	return 0;
}

int
ctl_mdopts_parse(const struct ctl_query *q, const char *prefix,
    struct ctl_mdopts *ret, struct mc_err *err)
{
	struct ctl_mdopts	o = { NULL, 0, NULL, NULL };
	const char		*v6 = NULL;
	char			 key[96];

	(void)snprintf(key, sizeof(key), "%sHttpPutResponseHopLimit", prefix);
	if (word(q, prefix, "HttpTokens", "optional", "required", &o.tokens,
	    err) < 0 || word(q, prefix, "HttpEndpoint", "enabled", "disabled",
	    &o.endpoint, err) < 0 || word(q, prefix, "InstanceMetadataTags",
	    "enabled", "disabled", &o.tags, err) < 0 ||
	    word(q, prefix, "HttpProtocolIpv6", "enabled", "disabled", &v6,
	    err) < 0 || ctl_params_int(q, key, 1, HOP_MAX, &o.hop_limit,
	    err) < 0)
		return -1;
	if (v6 != NULL && strcmp(v6, "enabled") == 0)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE, "This "
		    "cloud's instance networks are IPv4 only: HttpProtocolIpv6 "
		    "cannot be enabled");
	*ret = o;
	return 0;
}

void
ctl_mdopts_defaults(struct ctl_mdopts *o)
{
	if (o->tokens == NULL)
		o->tokens = "optional";
	if (o->hop_limit == 0)
		o->hop_limit = 1;
	if (o->endpoint == NULL)
		o->endpoint = "enabled";
	if (o->tags == NULL)
		o->tags = "disabled";
}

/* Apply o to in, in one transaction, and tell its host. */
static int
apply(sqlite3 *db, const struct ctl_inst *in, const struct ctl_mdopts *o,
    struct mc_err *err)
{
	if (ctl_sql_begin(db, err) < 0)
		return -1;
	if (ctl_sql_run(db, err, "UPDATE instances SET md_tokens = ?, "
	    "md_hop_limit = ?, md_endpoint = ?, md_tags = ? WHERE id = ?",
	    "sisss", o->tokens != NULL ? o->tokens : in->md_tokens,
	    o->hop_limit != 0 ? o->hop_limit : (long long)in->md_hop_limit,
	    o->endpoint != NULL ? o->endpoint : in->md_endpoint,
	    o->tags != NULL ? o->tags : in->md_tags, in->id) < 0 ||
	    ctl_inst_bump_host(db, in->host, err) < 0 ||
	    ctl_sql_commit(db, err) < 0) {
		ctl_sql_rollback(db);
		return -1;
	}
	ctl_notify_bump();
	return 0;
}

int
ctl_mdopts_modify(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	const char		*id = ctl_query_get(req->params, "InstanceId");
	struct ctl_mdopts	 o;
	struct ctl_inst		 in;
	sqlite3			*db;
	int			 rc = -1;

	if (id == NULL)
		return mc_err_set(err, MC_EC_MISSING_PARAMETER, "The request "
		    "must contain the parameter InstanceId");
	if (ctl_mdopts_parse(req->params, "", &o, err) < 0 ||
	    mc_id_check(MC_ID_INSTANCE, id, err) < 0 ||
	    (db = ctl_store_get(req->api->store, err)) == NULL)
		return -1;
	if (ctl_inst_get(db, req->account_id, id, &in, err) <= 0) {
		if (err->code == MC_EC_NONE)
			(void)mc_err_set(err, MC_EC_INVALID_INSTANCE_ID_NOT_FOUND,
			    "The instance ID '%s' does not exist", id);
	} else if (in.state == CTL_IS_TERMINATED ||
	    in.state == CTL_IS_SHUTTING_DOWN) {
		(void)mc_err_set(err, MC_EC_INCORRECT_INSTANCE_STATE, "The "
		    "instance '%s' is not in a state from which it can be "
		    "modified.", id);
	} else if (ctl_req_dry_run(req, err) == 0 &&
	    apply(db, &in, &o, err) == 0 &&
	    ctl_inst_get(db, req->account_id, id, &in, err) > 0) {
		rc = 0;
	}
	ctl_store_put(req->api->store, db);
	if (rc < 0)
		return -1;
	ctl_xml_str(out, "instanceId", id);
	ctl_xml_open(out, "instanceMetadataOptions");
	ctl_xml_str(out, "state", "pending");
	ctl_xml_str(out, "httpTokens", in.md_tokens);
	ctl_xml_int(out, "httpPutResponseHopLimit", in.md_hop_limit);
	ctl_xml_str(out, "httpEndpoint", in.md_endpoint);
	ctl_xml_str(out, "httpProtocolIpv6", "disabled");
	ctl_xml_str(out, "instanceMetadataTags", in.md_tags);
	ctl_xml_close(out);
	return 0;
}

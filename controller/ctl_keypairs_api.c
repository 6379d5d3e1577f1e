/*
 * ctl_keypairs_api: CreateKeyPair, ImportKeyPair, DescribeKeyPairs and
 * DeleteKeyPair.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_base64.h"
#include "mc_cleanup.h"
#include "mc_err.h"
#include "mc_id.h"
#include "mc_log.h"
#include "ctl_api.h"
#include "ctl_filter.h"
#include "ctl_keyfmt.h"
#include "ctl_keypairs.h"
#include "ctl_params.h"
#include "ctl_query.h"
#include "ctl_sql.h"
#include "ctl_store.h"
#include "ctl_tags.h"
#include "ctl_tagspec.h"
#include "ctl_xml.h"

static const char *const keypair_tag_types[] = { "key-pair", NULL };

/* KeyType and KeyFormat of CreateKeyPair. */
static int
create_params(const struct ctl_query *q, enum ctl_keytype *ret,
    struct mc_err *err)
{
	const char *type = ctl_query_get(q, "KeyType");
	const char *format = ctl_query_get(q, "KeyFormat");

	*ret = CTL_KEYTYPE_RSA;
	if (type != NULL && ctl_keytype_parse(type, ret, err) < 0)
		return -1;
	if (format == NULL || strcmp(format, "pem") == 0)
		return 0;
	if (strcmp(format, "ppk") == 0)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "KeyFormat ppk (PuTTY) is not supported here: use pem, "
		    "and PuTTYgen can convert the key");
	return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
	    "Invalid KeyFormat '%.32s': use pem", format);
}

/*
 * Store kp with the tags of ts in one transaction, then write what
 * Create and ImportKeyPair answer in common.
 */
static int
store_keypair(const struct ctl_req *req, const struct ctl_keypair *kp,
    const struct ctl_tagspecs *ts, struct ctl_xml *out, struct mc_err *err)
{
	const struct ctl_tagspec	*spec = ctl_tagspecs_find(ts, "key-pair");
	struct ctl_tagkv		*tags = NULL;
	size_t				 n_tags = 0;
	sqlite3				*db;
	int				 rc = -1;

	if ((db = ctl_store_get(req->api->store, err)) == NULL)
		return -1;
	if (ctl_sql_begin(db, err) < 0)
		goto out;
	if (ctl_keypair_insert(db, kp, err) < 0 || (spec != NULL &&
	    ctl_tags_set(db, req->account_id, kp->id, spec->tags, spec->n_tags,
	    err) < 0) || ctl_tags_load(db, kp->id, &tags, &n_tags, err) < 0 ||
	    ctl_sql_commit(db, err) < 0) {
		ctl_sql_rollback(db);
		goto out;
	}
	mc_log(MC_LOG_INFO, "key pair stored", "key_pair=%s account=%s "
	    "type=%s fingerprint=%s", kp->id, kp->account,
	    ctl_keytype_name(kp->type), kp->fingerprint);
	ctl_xml_str(out, "keyName", kp->name);
	ctl_xml_str(out, "keyFingerprint", kp->fingerprint);
	ctl_xml_str(out, "keyPairId", kp->id);
	ctl_tags_xml(out, tags, n_tags);
	rc = 0;
out:
	free(tags);
	ctl_store_put(req->api->store, db);
	return rc;
}

/* A new row for km under name; its id is new. */
static int
new_keypair(const struct ctl_req *req, const char *name,
    const struct ctl_keymat *km, struct ctl_keypair *kp, struct mc_err *err)
{
	memset(kp, 0, sizeof(*kp));
	(void)snprintf(kp->account, sizeof(kp->account), "%s",
	    req->account_id);
	(void)snprintf(kp->name, sizeof(kp->name), "%s", name);
	kp->type = km->type;
	(void)snprintf(kp->fingerprint, sizeof(kp->fingerprint), "%s",
	    km->fingerprint);
	(void)snprintf(kp->public_key, sizeof(kp->public_key), "%s",
	    km->public_key);
	kp->created_ms = req->now_ms;
	return mc_id_new(MC_ID_KEY_PAIR, kp->id, sizeof(kp->id), err);
}

/* A name the account uses already, checked before a slow key is made. */
static int
check_unused(const struct ctl_req *req, const char *name, struct mc_err *err)
{
	struct ctl_keypair	 kp;
	sqlite3			*db;
	int			 found;

	if ((db = ctl_store_get(req->api->store, err)) == NULL)
		return -1;
	found = ctl_keypair_get(db, req->account_id, CTL_KEYPAIR_BY_NAME, name,
	    &kp, err);
	ctl_store_put(req->api->store, db);
	if (found > 0)
		return mc_err_set(err, MC_EC_INVALID_KEY_PAIR_DUPLICATE,
		    "The keypair '%.255s' already exists.", name);
	return found < 0 ? -1 : 0;
}

int
ctl_keypairs_create(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	const char		*name = ctl_query_get(req->params, "KeyName");
	struct ctl_tagspecs	 ts = { NULL, 0 };
	struct ctl_keymat	 km = { .private_key = NULL };
	struct ctl_keypair	 kp;
	enum ctl_keytype	 type;
	int			 rc = -1;

	if (ctl_keypair_name_check(name, err) < 0 ||
	    create_params(req->params, &type, err) < 0 ||
	    ctl_tagspecs_parse(req->params, keypair_tag_types, &ts, err) < 0)
		goto out;
	if (check_unused(req, name, err) < 0 || ctl_req_dry_run(req, err) < 0)
		goto out;
	/* EC2 writes the key name as the public key's comment. */
	if (ctl_keyfmt_create(type, name, &km, err) < 0 ||
	    new_keypair(req, name, &km, &kp, err) < 0 ||
	    store_keypair(req, &kp, &ts, out, err) < 0)
		goto out;
	ctl_xml_str(out, "keyMaterial", km.private_key);
	rc = 0;
out:
	ctl_keymat_clear(&km);
	ctl_tagspecs_clear(&ts);
	return rc;
}

int
ctl_keypairs_import(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	const char			*name = ctl_query_get(req->params,
					    "KeyName");
	const char			*b64 = ctl_query_get(req->params,
					    "PublicKeyMaterial");
	MC_AUTOFREE unsigned char	*material = NULL;
	size_t				 n;
	struct ctl_tagspecs		 ts = { NULL, 0 };
	struct ctl_keymat		 km;
	struct ctl_keypair		 kp;
	int				 rc = -1;

	if (ctl_keypair_name_check(name, err) < 0)
		return -1;
	if (b64 == NULL)
		return mc_err_set(err, MC_EC_MISSING_PARAMETER, "The request "
		    "must contain the parameter PublicKeyMaterial");
	/* The API carries the key's bytes in base64; SDKs encode them. */
	if (mc_base64_decode(b64, &material, &n, NULL) < 0)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "PublicKeyMaterial must be base64 (of the public key)");
	if (ctl_keyfmt_import(material, n, &km, err) < 0 ||
	    ctl_tagspecs_parse(req->params, keypair_tag_types, &ts, err) < 0)
		goto out;
	if (check_unused(req, name, err) < 0 || ctl_req_dry_run(req, err) < 0 ||
	    new_keypair(req, name, &km, &kp, err) < 0 ||
	    store_keypair(req, &kp, &ts, out, err) < 0)
		goto out;
	rc = 0;
out:
	ctl_tagspecs_clear(&ts);
	return rc;
}

enum { KF_ID, KF_NAME, KF_FINGERPRINT, KF_TYPE, KF_TAG };

static const struct ctl_filter_def keypair_filters[] = {
	{ "key-pair-id", KF_ID },
	{ "key-name", KF_NAME },
	{ "fingerprint", KF_FINGERPRINT },
	{ "key-type", KF_TYPE },
	CTL_TAGS_FILTERS(KF_TAG),
};

static void
keypair_values(const void *res, const struct ctl_filter *f,
    struct ctl_fvals *fv)
{
	const struct ctl_keypair *kp = res;

	switch (f->field) {
	case KF_ID:		ctl_fvals_add(fv, kp->id); break;
	case KF_NAME:		ctl_fvals_add(fv, kp->name); break;
	case KF_FINGERPRINT:	ctl_fvals_add(fv, kp->fingerprint); break;
	case KF_TYPE:		ctl_fvals_add(fv, ctl_keytype_name(kp->type));
				break;
	case KF_TAG:
		ctl_tags_fvals(kp->tags, kp->n_tags, f, fv);
		break;
	}
}

static void
keypair_xml(struct ctl_xml *x, const struct ctl_keypair *kp, bool with_public)
{
	ctl_xml_open(x, "item");
	ctl_xml_str(x, "keyPairId", kp->id);
	ctl_xml_str(x, "keyType", ctl_keytype_name(kp->type));
	ctl_tags_xml(x, kp->tags, kp->n_tags);
	if (with_public)
		ctl_xml_str(x, "publicKey", kp->public_key);
	ctl_xml_time(x, "createTime", kp->created_ms);
	ctl_xml_str(x, "keyName", kp->name);
	ctl_xml_str(x, "keyFingerprint", kp->fingerprint);
	ctl_xml_close(x);
}

/* What DescribeKeyPairs selects besides the filters. */
struct keypair_sel {
	const char	**names, **ids;
	size_t		  n_names, n_ids;
};

/* Named by KeyName.N or KeyPairId.N, or neither list is given. */
static bool
selected(const struct keypair_sel *s, const struct ctl_keypair *kp)
{
	if (s->n_names == 0 && s->n_ids == 0)
		return true;
	return (s->n_names > 0 && ctl_params_selects(s->names, s->n_names,
	    kp->name)) || (s->n_ids > 0 && ctl_params_selects(s->ids, s->n_ids,
	    kp->id));
}

/* The first of the n keys that names none of v (by id or name), or NULL. */
static const char *
first_unknown(const char **keys, size_t n, bool by_id,
    const struct ctl_keypair *v, size_t nv)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < nv && strcmp(by_id ? v[j].id : v[j].name,
		    keys[i]) != 0; j++)
			;
		if (j == nv)
			return keys[i];
	}
	return NULL;
}

/* Every key pair named explicitly must exist (waiters rely on it). */
static int
check_named(const struct keypair_sel *s, const struct ctl_keypair *v,
    size_t n, struct mc_err *err)
{
	const char *unknown;

	if ((unknown = first_unknown(s->names, s->n_names, false, v, n)) !=
	    NULL)
		return mc_err_set(err, MC_EC_INVALID_KEY_PAIR_NOT_FOUND,
		    "The key pair '%.200s' does not exist", unknown);
	if ((unknown = first_unknown(s->ids, s->n_ids, true, v, n)) != NULL)
		return mc_err_set(err, MC_EC_INVALID_KEY_PAIR_NOT_FOUND,
		    "The key pair ID '%.64s' does not exist", unknown);
	return 0;
}

int
ctl_keypairs_describe(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	struct keypair_sel	 s = { NULL, NULL, 0, 0 };
	struct ctl_filters	 f = { NULL, 0 };
	struct ctl_keypair	*v = NULL;
	size_t			 n = 0, i;
	bool			 with_public = false;
	sqlite3			*db = NULL;
	int			 rc = -1;

	if (ctl_params_strlist(req->params, "KeyName", &s.names, &s.n_names,
	    err) < 0 || ctl_params_strlist(req->params, "KeyPairId", &s.ids,
	    &s.n_ids, err) < 0 || ctl_params_bool(req->params,
	    "IncludePublicKey", &with_public, err) < 0 ||
	    ctl_filters_parse(req->params, keypair_filters,
	    MC_NELEMS(keypair_filters), &f, err) < 0)
		goto out;
	if ((db = ctl_store_get(req->api->store, err)) == NULL ||
	    ctl_keypairs_list(db, req->account_id, &v, &n, err) < 0 ||
	    check_named(&s, v, n, err) < 0 || ctl_req_dry_run(req, err) < 0)
		goto out;
	ctl_xml_open(out, "keySet");
	for (i = 0; i < n; i++)
		if (selected(&s, &v[i]) &&
		    ctl_filters_match(&f, keypair_values, &v[i]))
			keypair_xml(out, &v[i], with_public);
	ctl_xml_close(out);
	rc = 0;
out:
	ctl_store_put(req->api->store, db);
	ctl_keypairs_free(v, n);
	ctl_filters_clear(&f);
	free(s.names);
	free(s.ids);
	return rc;
}

static int
delete_row(sqlite3 *db, const struct ctl_keypair *kp, struct mc_err *err)
{
	if (ctl_sql_begin(db, err) < 0)
		return -1;
	if (ctl_sql_run(db, err, "DELETE FROM key_pairs WHERE id = ?", "s",
	    kp->id) < 0 || ctl_tags_drop(db, kp->id, err) < 0 ||
	    ctl_sql_commit(db, err) < 0) {
		ctl_sql_rollback(db);
		return -1;
	}
	mc_log(MC_LOG_INFO, "key pair deleted", "key_pair=%s account=%s",
	    kp->id, kp->account);
	return 0;
}

/* The key pair DeleteKeyPair names: 1, 0 when none, -1 with err set. */
static int
delete_lookup(sqlite3 *db, const char *account, const char *name,
    const char *id, struct ctl_keypair *ret, struct mc_err *err)
{
	/* A malformed id names nothing, as an unknown one. */
	if (id != NULL && mc_id_check(MC_ID_KEY_PAIR, id, NULL) < 0)
		return 0;
	return ctl_keypair_get(db, account, id != NULL ? CTL_KEYPAIR_BY_ID :
	    CTL_KEYPAIR_BY_NAME, id != NULL ? id : name, ret, err);
}

/*
 * EC2 answers true for a KeyName it does not know (deleting is
 * idempotent), but InvalidKeyPair.NotFound for an unknown KeyPairId.
 */
int
ctl_keypairs_delete(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	const char		*name = ctl_query_get(req->params, "KeyName");
	const char		*id = ctl_query_get(req->params, "KeyPairId");
	struct ctl_keypair	 kp;
	sqlite3			*db;
	int			 found, rc = -1;

	if (name == NULL && id == NULL)
		return mc_err_set(err, MC_EC_MISSING_PARAMETER, "The request "
		    "must contain the parameter KeyName or KeyPairId");
	if (name != NULL && id != NULL)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_COMBINATION,
		    "Give KeyName or KeyPairId, not both");
	if ((db = ctl_store_get(req->api->store, err)) == NULL)
		return -1;
	if ((found = delete_lookup(db, req->account_id, name, id, &kp,
	    err)) < 0)
		goto out;
	if (found == 0 && id != NULL) {
		mc_err_set(err, MC_EC_INVALID_KEY_PAIR_NOT_FOUND,
		    "The key pair ID '%.64s' does not exist", id);
		goto out;
	}
	if (ctl_req_dry_run(req, err) < 0 ||
	    (found > 0 && delete_row(db, &kp, err) < 0))
		goto out;
	ctl_xml_bool(out, "return", true);
	if (found > 0)
		ctl_xml_str(out, "keyPairId", kp.id);
	rc = 0;
out:
	ctl_store_put(req->api->store, db);
	return rc;
}

/*
 * ctl_tags: tag storage and the tag actions.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_cleanup.h"
#include "mc_err.h"
#include "ctl_api.h"
#include "ctl_filter.h"
#include "ctl_page.h"
#include "ctl_params.h"
#include "ctl_query.h"
#include "ctl_sql.h"
#include "ctl_store.h"
#include "ctl_tags.h"
#include "ctl_xml.h"

#define TAG_KEY_MAX	(CTL_QUERY_MAX_KEY + 16)
#define RESOURCES_MAX	1000	/* ResourceId.N in one call */

/* Taggable resources: id prefix, EC2's resource type, who owns one. */
static const struct {
	const char	*prefix;
	const char	*type;
	enum mc_ec	 not_found;
	const char	*owned_sql;	/* 1 row when account owns id */
} kinds[] = {
	{ "i-", "instance", MC_EC_INVALID_INSTANCE_ID_NOT_FOUND,
	    "SELECT 1 FROM instances WHERE id = ?1 AND account_id = ?2 AND "
	    "state <> 'terminated'" },
	{ "ami-", "image", MC_EC_INVALID_AMI_ID_NOT_FOUND,
	    "SELECT 1 FROM images WHERE id = ?1 AND owner = ?2" },
	{ "aki-", "kernel", MC_EC_INVALID_ID,
	    "SELECT 1 FROM images WHERE id = ?1 AND owner = ?2" },
	{ "ari-", "ramdisk", MC_EC_INVALID_ID,
	    "SELECT 1 FROM images WHERE id = ?1 AND owner = ?2" },
	{ "vpc-", "vpc", MC_EC_INVALID_VPC_ID_NOT_FOUND,
	    "SELECT 1 FROM vpcs WHERE id = ?1 AND account_id = ?2" },
	{ "subnet-", "subnet", MC_EC_INVALID_SUBNET_ID_NOT_FOUND,
	    "SELECT 1 FROM subnets WHERE id = ?1 AND account_id = ?2" },
	{ "eni-", "network-interface", MC_EC_INVALID_ENI_ID_NOT_FOUND,
	    "SELECT 1 FROM enis WHERE id = ?1 AND account_id = ?2" },
	{ "eipalloc-", "elastic-ip", MC_EC_INVALID_ALLOCATION_ID_NOT_FOUND,
	    "SELECT 1 FROM addresses WHERE id = ?1 AND account_id = ?2" },
	{ "key-", "key-pair", MC_EC_INVALID_KEY_PAIR_NOT_FOUND,
	    "SELECT 1 FROM key_pairs WHERE id = ?1 AND account_id = ?2" },
	{ "sg-", "security-group", MC_EC_INVALID_GROUP_NOT_FOUND,
	    "SELECT 1 FROM security_groups WHERE id = ?1 AND account_id = ?2" },
	{ "vol-", "volume", MC_EC_INVALID_VOLUME_NOT_FOUND,
	    "SELECT 1 FROM volumes WHERE id = ?1 AND account_id = ?2" },
	{ "snap-", "snapshot", MC_EC_INVALID_SNAPSHOT_NOT_FOUND,
	    "SELECT 1 FROM snapshots WHERE id = ?1 AND account_id = ?2" },
	{ "sgr-", "security-group-rule", MC_EC_INVALID_SG_RULE_ID_NOT_FOUND,
	    "SELECT 1 FROM sg_rules r JOIN security_groups g ON g.id = "
	    "r.group_id WHERE r.id = ?1 AND g.account_id = ?2" },
};

static int
kind_of(const char *id)
{
	size_t i;

	for (i = 0; i < MC_NELEMS(kinds); i++)
		if (strncmp(id, kinds[i].prefix, strlen(kinds[i].prefix)) == 0)
			return (int)i;
	return -1;
}

int
ctl_tags_load(sqlite3 *db, const char *resource_id, struct ctl_tagkv **ret,
    size_t *ret_n, struct mc_err *err)
{
	struct ctl_tagkv	*v = NULL, *nv;
	sqlite3_stmt		*st;
	size_t			 n = 0;
	int			 rc;

	if (ctl_sql_prepare(db, &st, err, "SELECT key, value FROM tags WHERE "
	    "resource_id = ? ORDER BY key", "s", resource_id) < 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((nv = realloc(v, (n + 1) * sizeof(*v))) == NULL) {
			rc = SQLITE_NOMEM;
			break;
		}
		v = nv;
		ctl_sql_text(st, 0, v[n].key, sizeof(v[n].key));
		ctl_sql_text(st, 1, v[n].value, sizeof(v[n].value));
		n++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(v);
		return mc_err_set(err, MC_EC_INTERNAL_ERROR, "cannot read tags");
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

static void
tag_of_row(sqlite3_stmt *st, void *p)
{
	struct ctl_tag_of *t = p;

	ctl_sql_text(st, 0, t->resource_id, sizeof(t->resource_id));
	ctl_sql_text(st, 1, t->kv.key, sizeof(t->kv.key));
	ctl_sql_text(st, 2, t->kv.value, sizeof(t->kv.value));
}

int
ctl_tags_load_of(sqlite3 *db, const char *const *ids, size_t n,
    struct ctl_tag_of **ret, size_t *ret_n, struct mc_err *err)
{
	return ctl_sql_rows_list(db, ret, ret_n, sizeof(**ret), tag_of_row,
	    err, "SELECT resource_id, key, value FROM tags WHERE "
	    "resource_id IN ", ids, n, " ORDER BY resource_id, key");
}

int
ctl_tags_set(sqlite3 *db, const char *account, const char *resource_id,
    const struct ctl_tag *tags, size_t n, struct mc_err *err)
{
	int64_t	count = 0;
	size_t	i;

	for (i = 0; i < n; i++)
		if (ctl_sql_run(db, err, "INSERT INTO tags (resource_id, "
		    "account_id, key, value) VALUES (?, ?, ?, ?) ON CONFLICT "
		    "(resource_id, key) DO UPDATE SET value = excluded.value",
		    "ssss", resource_id, account, tags[i].key,
		    tags[i].value) < 0)
			return -1;
	if (ctl_sql_int(db, &count, err, "SELECT count(*) FROM tags WHERE "
	    "resource_id = ?", "s", resource_id) < 0)
		return -1;
	if (count > CTL_TAGS_MAX)
		return mc_err_set(err, MC_EC_TAG_LIMIT_EXCEEDED, "The maximum "
		    "number of tags (%d) for resource '%s' has been reached",
		    CTL_TAGS_MAX, resource_id);
	return 0;
}

void
ctl_tags_xml(struct ctl_xml *x, const struct ctl_tagkv *tags, size_t n)
{
	size_t i;

	ctl_xml_open(x, "tagSet");
	for (i = 0; i < n; i++) {
		ctl_xml_open(x, "item");
		ctl_xml_str(x, "key", tags[i].key);
		ctl_xml_str(x, "value", tags[i].value);
		ctl_xml_close(x);
	}
	ctl_xml_close(x);
}

int
ctl_tags_drop(sqlite3 *db, const char *resource_id, struct mc_err *err)
{
	return ctl_sql_run(db, err, "DELETE FROM tags WHERE resource_id = ?",
	    "s", resource_id) < 0 ? -1 : 0;
}

void
ctl_tags_fvals(const struct ctl_tagkv *tags, size_t n,
    const struct ctl_filter *f, struct ctl_fvals *fv)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(f->name, "tag-key") == 0)
			ctl_fvals_add(fv, tags[i].key);
		else if (strcmp(f->name, "tag-value") == 0)
			ctl_fvals_add(fv, tags[i].value);
		else if (strcmp(f->name + 4, tags[i].key) == 0)
			ctl_fvals_add(fv, tags[i].value);
	}
}

/* An id's digits: EC2's 8 or 17 lower-case hex digits. */
static bool
digits_ok(const char *s)
{
	size_t n = strlen(s);

	return (n == 8 || n == 17) && strspn(s, "0123456789abcdef") == n;
}

/* Every ResourceId.N must be a resource of the caller's. */
static int
check_resources(sqlite3 *db, const char *account, const char **ids, size_t n,
    struct mc_err *err)
{
	int64_t	one;
	size_t	i;
	int	k, found;

	if (n == 0)
		return mc_err_set(err, MC_EC_MISSING_PARAMETER,
		    "The request must contain the parameter ResourceId");
	if (n > RESOURCES_MAX)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "At most %d resources per call", RESOURCES_MAX);
	for (i = 0; i < n; i++) {
		if ((k = kind_of(ids[i])) < 0 ||
		    !digits_ok(ids[i] + strlen(kinds[k].prefix)))
			return mc_err_set(err, MC_EC_INVALID_ID,
			    "The ID '%.64s' is not valid", ids[i]);
		found = ctl_sql_int(db, &one, err, kinds[k].owned_sql, "ss",
		    ids[i], account);
		if (found < 0)
			return -1;
		if (found == 0)
			return mc_err_set(err, kinds[k].not_found,
			    "The %s ID '%.64s' does not exist", kinds[k].type,
			    ids[i]);
	}
	return 0;
}

/* Tag.N.Key / Tag.N.Value into a new array (strings borrowed from q). */
static int
read_tags(const struct ctl_query *q, bool need_key, struct ctl_tag **ret,
    size_t *ret_n, struct mc_err *err)
{
	unsigned	 idx[CTL_TAGS_MAX + 1];
	char		 key[TAG_KEY_MAX];
	struct ctl_tag	*v = NULL;
	size_t		 n, i;

	n = ctl_params_indices(q, "Tag", idx, MC_NELEMS(idx));
	if (n > CTL_TAGS_MAX)
		return mc_err_set(err, MC_EC_TAG_LIMIT_EXCEEDED,
		    "More than %d tags in one request", CTL_TAGS_MAX);
	if (n > 0 && (v = calloc(n, sizeof(*v))) == NULL)
		return mc_err_sys(err, ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		(void)snprintf(key, sizeof(key), "Tag.%u.Key", idx[i]);
		v[i].key = ctl_query_get(q, key);
		(void)snprintf(key, sizeof(key), "Tag.%u.Value", idx[i]);
		v[i].value = ctl_query_get(q, key);
		if ((need_key || v[i].key != NULL) &&
		    ctl_tag_check(v[i].key, v[i].value, err) < 0) {
			free(v);
			return -1;
		}
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

/* Shared set-up of CreateTags and DeleteTags: resources and tags. */
static int
tag_call(const struct ctl_req *req, bool create, struct ctl_xml *out,
    struct mc_err *err)
{
	MC_AUTOFREE const char	**ids = NULL;
	MC_AUTOFREE struct ctl_tag *tags = NULL;
	size_t			  n_ids = 0, n_tags = 0, i, j;
	sqlite3			 *db;
	int			  rc = -1;

	if (ctl_params_strlist(req->params, "ResourceId", &ids, &n_ids,
	    err) < 0 || read_tags(req->params, create, &tags, &n_tags, err) < 0)
		return -1;
	if (create && n_tags == 0)
		return mc_err_set(err, MC_EC_MISSING_PARAMETER,
		    "The request must contain the parameter Tag");
	if ((db = ctl_store_get(req->api->store, err)) == NULL)
		return -1;
	if (check_resources(db, req->account_id, ids, n_ids, err) < 0 ||
	    ctl_req_dry_run(req, err) < 0 || ctl_sql_begin(db, err) < 0)
		goto out;
	for (i = 0, rc = 0; i < n_ids && rc == 0; i++) {
		if (create) {
			rc = ctl_tags_set(db, req->account_id, ids[i], tags,
			    n_tags, err);
			continue;
		}
		if (n_tags == 0)
			rc = ctl_tags_drop(db, ids[i], err);
		for (j = 0; j < n_tags && rc == 0; j++)
			rc = ctl_sql_run(db, err, "DELETE FROM tags WHERE "
			    "resource_id = ? AND key = ? AND (? IS NULL OR "
			    "value = ?3)", tags[j].value != NULL ? "sss" : "ssn",
			    ids[i], tags[j].key, tags[j].value) < 0 ? -1 : 0;
	}
	if (rc == 0)
		rc = ctl_sql_commit(db, err);
	else
		ctl_sql_rollback(db);
	if (rc == 0)
		ctl_xml_bool(out, "return", true);
out:
	ctl_store_put(req->api->store, db);
	return rc;
}

int
ctl_tags_create(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	return tag_call(req, true, out, err);
}

int
ctl_tags_delete(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	return tag_call(req, false, out, err);
}

enum { TF_KEY, TF_VALUE, TF_ID, TF_TYPE };

static const struct ctl_filter_def tag_filters[] = {
	{ "key", TF_KEY },
	{ "value", TF_VALUE },
	{ "resource-id", TF_ID },
	{ "resource-type", TF_TYPE },
};

struct tag_row {
	char	id[64];
	char	key[CTL_TAG_KEY_MAX * 4 + 1];
	char	value[CTL_TAG_VALUE_MAX * 4 + 1];
};

static void
tag_values(const void *res, const struct ctl_filter *f, struct ctl_fvals *fv)
{
	const struct tag_row	*t = res;
	int			 k;

	switch (f->field) {
	case TF_KEY:	ctl_fvals_add(fv, t->key); break;
	case TF_VALUE:	ctl_fvals_add(fv, t->value); break;
	case TF_ID:	ctl_fvals_add(fv, t->id); break;
	case TF_TYPE:
		if ((k = kind_of(t->id)) >= 0)
			ctl_fvals_add(fv, kinds[k].type);
		break;
	}
}

static void
tag_row_xml(struct ctl_xml *x, const struct tag_row *t)
{
	int k = kind_of(t->id);

	ctl_xml_open(x, "item");
	ctl_xml_str(x, "resourceId", t->id);
	ctl_xml_str(x, "resourceType", k >= 0 ? kinds[k].type : "");
	ctl_xml_str(x, "key", t->key);
	ctl_xml_str(x, "value", t->value);
	ctl_xml_close(x);
}

/* Write the page of the account's tags that passes f. */
static int
tags_page(sqlite3 *db, const char *account, const struct ctl_filters *f,
    const struct ctl_page *page, struct ctl_xml *out, struct mc_err *err)
{
	struct tag_row	 t;
	sqlite3_stmt	*st;
	char		 token[CTL_PAGE_TOKEN_MAX], last[24];
	size_t		 shown = 0;
	int		 rc;

	token[0] = last[0] = '\0';
	/* Rows go by rowid, so that a token is simply the last rowid. */
	if (ctl_sql_prepare(db, &st, err, "SELECT printf('%020d', rowid), "
	    "resource_id, key, value FROM tags WHERE account_id = ? "
	    "ORDER BY rowid", "s", account) < 0)
		return -1;
	ctl_xml_open(out, "tagSet");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char rowid[24];

		ctl_sql_text(st, 0, rowid, sizeof(rowid));
		ctl_sql_text(st, 1, t.id, sizeof(t.id));
		ctl_sql_text(st, 2, t.key, sizeof(t.key));
		ctl_sql_text(st, 3, t.value, sizeof(t.value));
		if (!ctl_page_after(page, rowid) ||
		    !ctl_filters_match(f, tag_values, &t))
			continue;
		if (shown == page->max) {
			ctl_page_token(last, token, sizeof(token));
			break;
		}
		tag_row_xml(out, &t);
		(void)snprintf(last, sizeof(last), "%s", rowid);
		shown++;
	}
	sqlite3_finalize(st);
	ctl_xml_close(out);
	if (token[0] != '\0')
		ctl_xml_str(out, "nextToken", token);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 :
	    mc_err_set(err, MC_EC_INTERNAL_ERROR, "cannot list tags");
}

int
ctl_tags_describe(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	static const struct ctl_page_rules paging = { 5, 1000, 1000 };
	struct ctl_filters	f = { NULL, 0 };
	struct ctl_page		page;
	sqlite3			*db;
	int			 rc = -1;

	if (ctl_page_parse(req->params, &paging, false, &page, err) < 0 ||
	    ctl_filters_parse(req->params, tag_filters,
	    MC_NELEMS(tag_filters), &f, err) < 0)
		return -1;
	if (ctl_req_dry_run(req, err) == 0 &&
	    (db = ctl_store_get(req->api->store, err)) != NULL) {
		rc = tags_page(db, req->account_id, &f, &page, out, err);
		ctl_store_put(req->api->store, db);
	}
	ctl_filters_clear(&f);
	return rc;
}

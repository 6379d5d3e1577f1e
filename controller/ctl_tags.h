/*
 * ctl_tags: tags on resources (instances, images, key pairs): storage,
 * the tag filters every Describe action shares, and the CreateTags,
 * DeleteTags and DescribeTags actions.  A resource's tags belong to its
 * account; the kind of resource is known from its id's prefix.
 */
#ifndef CTL_TAGS_H
#define CTL_TAGS_H

#include <stddef.h>

#include <sqlite3.h>

#include "mc_id.h"
#include "ctl_tagspec.h"

struct ctl_filter;
struct ctl_fvals;
struct ctl_req;
struct ctl_xml;
struct mc_err;

/* One tag as stored (bytes: 128 and 256 characters of UTF-8). */
struct ctl_tagkv {
	char	key[CTL_TAG_KEY_MAX * 4 + 1];
	char	value[CTL_TAG_VALUE_MAX * 4 + 1];
};

/*
 * The tags of resource_id, by key.  *ret is a new array the caller
 * frees (NULL when none).
 */
int	ctl_tags_load(sqlite3 *db, const char *resource_id,
	    struct ctl_tagkv **ret, size_t *ret_n, struct mc_err *err);

/* A tag with the resource it is on. */
struct ctl_tag_of {
	char			resource_id[MC_ID_MAX];
	struct ctl_tagkv	kv;
};

/*
 * The tags of the n resources ids (borrowed), by resource id, then key:
 * one query for many resources.  *ret is a new array the caller frees
 * (NULL when none).
 */
int	ctl_tags_load_of(sqlite3 *db, const char *const *ids, size_t n,
	    struct ctl_tag_of **ret, size_t *ret_n, struct mc_err *err);

/*
 * Set (add or overwrite) n tags on resource_id of account, in the
 * caller's transaction; more than CTL_TAGS_MAX on the resource is
 * TagLimitExceeded.
 */
int	ctl_tags_set(sqlite3 *db, const char *account, const char *resource_id,
	    const struct ctl_tag *tags, size_t n, struct mc_err *err);

/* Remove every tag of resource_id (it is going away). */
int	ctl_tags_drop(sqlite3 *db, const char *resource_id, struct mc_err *err);

/*
 * Values of a resource's tags for the tag filters: "tag:KEY" gives the
 * value of KEY, "tag-key" every key, "tag-value" every value.
 */
void	ctl_tags_fvals(const struct ctl_tagkv *tags, size_t n,
	    const struct ctl_filter *f, struct ctl_fvals *fv);

/* Write <tagSet> with an <item> (key, value) per tag to x. */
void	ctl_tags_xml(struct ctl_xml *x, const struct ctl_tagkv *tags,
	    size_t n);

/* The filter names above, for an action's filter table (field = code). */
#define CTL_TAGS_FILTERS(code) \
	{ "tag:*", code }, { "tag-key", code }, { "tag-value", code }

int	ctl_tags_create(const struct ctl_req *req, struct ctl_xml *out,
	    struct mc_err *err);
int	ctl_tags_delete(const struct ctl_req *req, struct ctl_xml *out,
	    struct mc_err *err);
int	ctl_tags_describe(const struct ctl_req *req, struct ctl_xml *out,
	    struct mc_err *err);

#endif /* CTL_TAGS_H */

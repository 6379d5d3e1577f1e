/*
 * ctl_tagspec: parse and check TagSpecification parameters.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mc_cleanup.h"
#include "mc_err.h"
#include "ctl_params.h"
#include "ctl_query.h"
#include "ctl_tagspec.h"

#define TS_KEY_MAX	(CTL_QUERY_MAX_KEY + 32)
#define TS_SPECS_MAX	32	/* resource types in one request */

/* Length in characters (code points) of valid UTF-8 text s. */
static size_t
utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

int
ctl_tag_check(const char *key, const char *value, struct mc_err *err)
{
	if (key == NULL || key[0] == '\0')
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "Tag keys must not be empty");
	if (utf8_chars(key) > CTL_TAG_KEY_MAX)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "Tag key exceeds the maximum length of %d characters",
		    CTL_TAG_KEY_MAX);
	if (strncasecmp(key, "aws:", 4) == 0)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "Tag keys starting with 'aws:' are reserved for internal "
		    "use");
	if (value != NULL && utf8_chars(value) > CTL_TAG_VALUE_MAX)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "Tag value exceeds the maximum length of %d characters",
		    CTL_TAG_VALUE_MAX);
	return 0;
}

static bool
type_allowed(const char *type, const char *const *allowed)
{
	for (; *allowed != NULL; allowed++)
		if (strcmp(*allowed, type) == 0)
			return true;
	return false;
}

/* Parse the tags of TagSpecification.<si> into spec. */
static int
spec_tags(const struct ctl_query *q, unsigned si, struct ctl_tagspec *spec,
    struct mc_err *err)
{
	unsigned	idx[CTL_TAGS_MAX + 1];
	char		key[TS_KEY_MAX];
	size_t		n, i, j;

	(void)snprintf(key, sizeof(key), "TagSpecification.%u.Tag", si);
	n = ctl_params_indices(q, key, idx, MC_NELEMS(idx));
	if (n > CTL_TAGS_MAX)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "More than %d tags for resource type '%.32s'", CTL_TAGS_MAX,
		    spec->resource_type);
	if (n > 0 && (spec->tags = calloc(n, sizeof(*spec->tags))) == NULL)
		return mc_err_sys(err, ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		struct ctl_tag *t = &spec->tags[i];

		(void)snprintf(key, sizeof(key),
		    "TagSpecification.%u.Tag.%u.Key", si, idx[i]);
		t->key = ctl_query_get(q, key);
		(void)snprintf(key, sizeof(key),
		    "TagSpecification.%u.Tag.%u.Value", si, idx[i]);
		t->value = ctl_query_get(q, key);
		if (t->value == NULL)
			t->value = "";
		spec->n_tags = i + 1;
		if (ctl_tag_check(t->key, t->value, err) < 0)
			return -1;
		for (j = 0; j < i; j++)
			if (strcmp(spec->tags[j].key, t->key) == 0)
				return mc_err_set(err,
				    MC_EC_INVALID_PARAMETER_VALUE,
				    "The tag key '%.128s' is given more than "
				    "once", t->key);
	}
	return 0;
}

static int
spec_one(const struct ctl_query *q, unsigned si,
    const char *const *allowed_types, const struct ctl_tagspecs *done,
    struct ctl_tagspec *spec, struct mc_err *err)
{
	char	key[TS_KEY_MAX];

	(void)snprintf(key, sizeof(key), "TagSpecification.%u.ResourceType",
	    si);
	if ((spec->resource_type = ctl_query_get(q, key)) == NULL)
		return mc_err_set(err, MC_EC_MISSING_PARAMETER,
		    "The request must contain the parameter %s", key);
	if (!type_allowed(spec->resource_type, allowed_types))
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "'%.64s' is not a valid taggable resource type for this "
		    "operation", spec->resource_type);
	if (ctl_tagspecs_find(done, spec->resource_type) != NULL)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "The resource type '%.64s' is given in more than one "
		    "TagSpecification", spec->resource_type);
	return spec_tags(q, si, spec, err);
}

int
ctl_tagspecs_parse(const struct ctl_query *q,
    const char *const *allowed_types, struct ctl_tagspecs *ret,
    struct mc_err *err)
{
	unsigned		idx[TS_SPECS_MAX + 1];
	struct ctl_tagspecs	ts = { NULL, 0 };
	size_t			n, i;

	n = ctl_params_indices(q, "TagSpecification", idx, MC_NELEMS(idx));
	if (n > TS_SPECS_MAX)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "More than %d TagSpecification entries", TS_SPECS_MAX);
	if (n > 0 && (ts.v = calloc(n, sizeof(*ts.v))) == NULL)
		return mc_err_sys(err, ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		struct ctl_tagspecs done = { ts.v, i };

		ts.n = i + 1;
		if (spec_one(q, idx[i], allowed_types, &done, &ts.v[i],
		    err) < 0) {
			ctl_tagspecs_clear(&ts);
			return -1;
		}
	}
	*ret = ts;
	return 0;
}

const struct ctl_tagspec *
ctl_tagspecs_find(const struct ctl_tagspecs *ts, const char *resource_type)
{
	size_t i;

	for (i = 0; i < ts->n; i++)
		if (ts->v[i].resource_type != NULL &&
		    strcmp(ts->v[i].resource_type, resource_type) == 0)
			return &ts->v[i];
	return NULL;
}

void
ctl_tagspecs_clear(struct ctl_tagspecs *ts)
{
	size_t i;

	for (i = 0; i < ts->n; i++)
		free(ts->v[i].tags);
	free(ts->v);
	ts->v = NULL;
	ts->n = 0;
}

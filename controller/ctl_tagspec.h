/*
 * ctl_tagspec: TagSpecification.N.ResourceType / .Tag.M.Key / .Value of
 * the actions that create resources, parsed and checked against EC2's
 * tag rules.  Storing tags is the job of the action that creates the
 * resource.
 */
#ifndef CTL_TAGSPEC_H
#define CTL_TAGSPEC_H

#include <stddef.h>

struct ctl_query;
struct mc_err;

#define CTL_TAGS_MAX		50	/* tags on one resource */
#define CTL_TAG_KEY_MAX		128	/* characters in a key */
#define CTL_TAG_VALUE_MAX	256	/* characters in a value */

struct ctl_tag {
	const char	*key;		/* borrowed from the query */
	const char	*value;		/* borrowed; "" when not given */
};

struct ctl_tagspec {
	const char	*resource_type;	/* borrowed: "instance", "volume"... */
	struct ctl_tag	*tags;		/* owned */
	size_t		 n_tags;
};

struct ctl_tagspecs {
	struct ctl_tagspec	*v;	/* owned */
	size_t			 n;
};

/*
 * Parse the TagSpecification.N keys of q (which must outlive ret).
 * allowed_types is a NULL-terminated list of the resource types the
 * action makes.  Returns 0, or -1 with err set (InvalidParameterValue,
 * or MissingParameter for a spec without ResourceType).
 */
int	ctl_tagspecs_parse(const struct ctl_query *q,
	    const char *const *allowed_types, struct ctl_tagspecs *ret,
	    struct mc_err *err);

/* The spec for resource_type, or NULL. */
const struct ctl_tagspec *ctl_tagspecs_find(const struct ctl_tagspecs *ts,
	    const char *resource_type);

/* Free what ctl_tagspecs_parse made. */
void	ctl_tagspecs_clear(struct ctl_tagspecs *ts);

/*
 * Check one tag against EC2's rules: key 1-128 characters and not
 * starting with "aws:", value at most 256 characters.  Returns 0, or -1
 * with err set (InvalidParameterValue).
 */
int	ctl_tag_check(const char *key, const char *value, struct mc_err *err);

#endif /* CTL_TAGSPEC_H */

/*
 * ctl_itypes: the instance type catalog (EC2's names, vCPUs and memory,
 * t2.nano to r5.2xlarge built in, plus types from the config) and the
 * DescribeInstanceTypes action.  The catalog is built once at start and
 * is read-only after.
 */
#ifndef CTL_ITYPES_H
#define CTL_ITYPES_H

#include <stdbool.h>
#include <stddef.h>

struct ctl_req;
struct ctl_xml;
struct mc_err;
struct mc_strv;

#define CTL_ITYPE_NAME_MAX	64
#define CTL_ITYPE_VCPUS_MAX	256
#define CTL_ITYPE_MEM_MIN	64		/* MiB */
#define CTL_ITYPE_MEM_MAX	4194304		/* MiB: 4 TiB */

struct ctl_itype {
	char		name[CTL_ITYPE_NAME_MAX + 1];
	unsigned	vcpus;
	unsigned	mem_mib;
	bool		current;	/* currentGeneration */
	bool		free_tier;
	bool		burstable;
};

struct ctl_itypes {
	struct ctl_itype	*v;	/* owned, sorted by name */
	size_t			 n;
};

/*
 * Parse "NAME VCPUS MEMORY_MIB" (borrowed) into *ret.  Returns 0, or -1
 * with err set (InvalidParameterValue).
 */
int	ctl_itype_parse(const char *line, struct ctl_itype *ret,
	    struct mc_err *err);

/*
 * Build the catalog: the built-in types, then each line of extra (which
 * adds a type or replaces a built-in one of the same name).  Returns 0
 * and fills *ret (free with ctl_itypes_clear), or -1 with err set.
 */
int	ctl_itypes_build(const struct mc_strv *extra, struct ctl_itypes *ret,
	    struct mc_err *err);

/* Free the catalog. */
void	ctl_itypes_clear(struct ctl_itypes *c);

/* The type called name (borrowed from c), or NULL. */
const struct ctl_itype *ctl_itypes_find(const struct ctl_itypes *c,
	    const char *name);

/* The DescribeInstanceTypes action. */
int	ctl_itypes_describe(const struct ctl_req *req, struct ctl_xml *out,
	    struct mc_err *err);

#endif /* CTL_ITYPES_H */

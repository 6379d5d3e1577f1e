/*
 * ctl_mdopts: an instance's MetadataOptions (IMDS tokens, hop limit,
 * endpoint, tags), as RunInstances and ModifyInstanceMetadataOptions
 * take them, and the ModifyInstanceMetadataOptions action.
 */
#ifndef CTL_MDOPTS_H
#define CTL_MDOPTS_H

#include <stdbool.h>

struct ctl_query;
struct ctl_req;
struct ctl_xml;
struct mc_err;

struct ctl_mdopts {
	const char	*tokens;	/* "optional", "required"; NULL: keep */
	long long	 hop_limit;	/* 1..64; 0: keep */
	const char	*endpoint;	/* "enabled", "disabled"; NULL: keep */
	const char	*tags;		/* "enabled", "disabled"; NULL: keep */
};

/*
 * Read the options under prefix ("MetadataOptions." or "") of q into
 * *ret (strings borrowed from q), checking each value as EC2 does.
 */
int	ctl_mdopts_parse(const struct ctl_query *q, const char *prefix,
	    struct ctl_mdopts *ret, struct mc_err *err);

/* Fill what *o leaves unset with EC2's defaults for a launch. */
void	ctl_mdopts_defaults(struct ctl_mdopts *o);

int	ctl_mdopts_modify(const struct ctl_req *req, struct ctl_xml *out,
	    struct mc_err *err);

#endif /* CTL_MDOPTS_H */

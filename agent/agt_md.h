/*
 * agt_md: what the metadata service knows, as a table the agent's main
 * loop rebuilds from each desired state and the IMDS listeners read
 * from their threads.  An instance is found by its VPC (the label of
 * the listener in that VPC's namespace) and its private address.
 */
#ifndef AGT_MD_H
#define AGT_MD_H

#include <netinet/in.h>

#include "mc_proto.h"

struct agt_imds_inst;
struct agt_md;
struct mc_err;

/* An empty table; NULL when out of memory. */
struct agt_md	*agt_md_new(void);

/* Free m (NULL ok); no lookup may run any more. */
void		 agt_md_free(struct agt_md *m);

/*
 * Replace the table with the instances of d that have an interface and
 * are not being terminated.  On failure the old table stays.  Returns
 * 0, or -1 with err set.
 */
int	agt_md_set(struct agt_md *m, const struct mc_proto_desired *d,
	    struct mc_err *err);

/*
 * The IMDS lookup (struct agt_imds_conf): arg is the table, label the
 * VPC id.  Fills *ret with a copy the caller clears.  Thread-safe.
 * Returns 0, or -1 when no instance of that VPC has address peer.
 */
int	agt_md_lookup(void *arg, const char *label, struct in_addr peer,
	    struct agt_imds_inst *ret);

#endif /* AGT_MD_H */

/*
 * agt_vol: the volumes of the instances on this host: their storage in
 * the zone's pool (st), their disks in the domains (hv), and what the
 * agent reports of them.  libvirt's view of each domain is the record.
 */
#ifndef AGT_VOL_H
#define AGT_VOL_H

#include <stdbool.h>
#include <stdint.h>

#include "mc_proto.h"

struct agt;
struct agt_inst;
struct hv_spec;
struct mc_err;

/*
 * The disks of w's wanted volumes into spec (for a domain defined with
 * them: a cold attach), their storage made first.  Returns 0, or -1
 * with err set.
 */
int	agt_vol_spec(struct agt *a, const struct mc_proto_inst *w,
	    struct hv_spec *spec, struct mc_err *err);

/*
 * One round for w's domain: attach what it wants and lacks, detach what
 * it has and no longer wants, and record in in->vols what it has now.
 * Returns true when that changed (a report is due).  Problems are
 * logged and tried again next round.
 */
bool	agt_vol_sync(struct agt *a, const struct mc_proto_inst *w,
	    struct agt_inst *in);

/*
 * Every POOL_CHECK_MS: remove the pool's storage of volumes the desired
 * state no longer lists (deleted), unless a QEMU still holds it.
 */
void	agt_vol_clean(struct agt *a, int64_t now_ms);

#endif /* AGT_VOL_H */

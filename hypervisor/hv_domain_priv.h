/*
 * hv_domain_priv: what hv_domain.c shares with hv_domain_disk.c: domain
 * lookup by instance id and libvirt's errors as mc_err.
 */
#ifndef HV_DOMAIN_PRIV_H
#define HV_DOMAIN_PRIV_H

#include <libvirt/libvirt.h>

#include "mc_cleanup.h"

struct mc_err;
struct hv_conn;

/* Free *dp (NULL is fine), for MC_AUTODOMAIN. */
void	hv_dom_freep(virDomainPtr *dp);

#define MC_AUTODOMAIN	MC_CLEANUP(hv_dom_freep)

/*
 * err = "domain NAME: cannot WHAT: <libvirt's last error>", as
 * InternalError.  Returns -1.
 */
int	hv_dom_err(struct mc_err *err, const char *name, const char *what);

/*
 * Find domain name.  Returns 1 and sets *ret (the caller frees it), 0
 * when there is no such domain (err untouched), or -1 with err set.
 * Names must be instance ids (else InvalidInstanceID.Malformed): this
 * module touches no other domain.
 */
int	hv_dom_find(struct hv_conn *c, const char *name, virDomainPtr *ret,
	    struct mc_err *err);

/* Same, but a missing domain is an error.  Returns 0 or -1. */
int	hv_dom_get(struct hv_conn *c, const char *name, virDomainPtr *ret,
	    struct mc_err *err);

#endif /* HV_DOMAIN_PRIV_H */

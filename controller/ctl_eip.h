/*
 * ctl_eip: public addresses from the configured pool (public-ips):
 * Elastic IPs (eipalloc-, held by an account until released) and public
 * IPs on launch (no id, given back when their interface goes).  Both
 * live in one table keyed by the address, so that one is never handed
 * out twice.  All in the caller's transaction.
 */
#ifndef CTL_EIP_H
#define CTL_EIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "mc_id.h"

struct ctl_conf;
struct ctl_eni;
struct mc_err;

struct ctl_eip {
	uint32_t	ip;
	char		id[MC_ID_MAX];		/* "" : a public IP on launch */
	char		account_id[16];
	char		eni_id[MC_ID_MAX];	/* "" : not associated */
	char		assoc_id[MC_ID_MAX];
	char		instance_id[MC_ID_MAX];	/* of eni_id, if any */
	uint32_t	private_ip;		/* of eni_id, if any */
	char		host[64];		/* that runs instance_id */
	int64_t		created_ms;
};

/*
 * Take the lowest free address of the pool for account: an Elastic IP
 * (within the account's limit, else AddressLimitExceeded), or with
 * eni_id a public IP on launch for that interface.  An empty pool is
 * InsufficientAddressCapacity.  Fills *ret.
 */
int	ctl_eip_allocate(sqlite3 *db, const struct ctl_conf *c,
	    const char *account, const char *eni_id, int64_t now_ms,
	    struct ctl_eip *ret, struct mc_err *err);

/* The Elastic IP with this allocation id (InvalidAllocationID.*). */
int	ctl_eip_find(sqlite3 *db, const char *account, const char *alloc_id,
	    struct ctl_eip *ret, struct mc_err *err);

/* The Elastic IP with this public address (InvalidAddress.NotFound). */
int	ctl_eip_find_ip(sqlite3 *db, const char *account, const char *ip,
	    struct ctl_eip *ret, struct mc_err *err);

/* The Elastic IP with this association id (InvalidAssociationID.*). */
int	ctl_eip_find_assoc(sqlite3 *db, const char *account,
	    const char *assoc_id, struct ctl_eip *ret, struct mc_err *err);

/* The account's Elastic IPs by address; the caller frees *ret. */
int	ctl_eip_list(sqlite3 *db, const char *account, struct ctl_eip **ret,
	    size_t *ret_n, struct mc_err *err);

/*
 * Associate eip with interface eni: an address already elsewhere needs
 * reassociate (else Resource.AlreadyAssociated); the interface's public
 * IP on launch is given back and an Elastic IP it had is disassociated,
 * as on EC2.  Writes the new association id into ret_assoc (MC_ID_MAX).
 */
int	ctl_eip_associate(sqlite3 *db, const struct ctl_eip *eip,
	    const struct ctl_eni *eni, bool reassociate, char *ret_assoc,
	    struct mc_err *err);

/* Disassociate eip (it stays allocated). */
int	ctl_eip_disassociate(sqlite3 *db, const struct ctl_eip *eip,
	    struct mc_err *err);

/* Release eip: not while associated (InvalidIPAddress.InUse). */
int	ctl_eip_release(sqlite3 *db, const struct ctl_eip *eip,
	    struct mc_err *err);

#endif /* CTL_EIP_H */

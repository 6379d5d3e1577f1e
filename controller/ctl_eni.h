/*
 * ctl_eni: network interfaces in the store.  An instance gets its
 * primary interface (eni-) in the launch's transaction: a MAC and a
 * private address of its subnet that no other interface of the VPC holds
 * (the UNIQUE constraint stands behind the search, so that racing
 * launches cannot share one).  The interface goes with its instance.
 */
#ifndef CTL_ENI_H
#define CTL_ENI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "mc_id.h"
#include "mc_ipv4.h"
#include "mc_proto.h"
#include "ctl_sg.h"

struct ctl_subnet;
struct ctl_xml;
struct mc_err;

#define CTL_ENI_MAC_MAX		18	/* "02:00:00:00:00:01" */

struct ctl_eni {
	char		id[MC_ID_MAX];
	char		account_id[16];
	char		vpc_id[MC_ID_MAX];
	char		subnet_id[MC_ID_MAX];
	char		instance_id[MC_ID_MAX];		/* "" : detached */
	char		attachment_id[MC_ID_MAX];
	char		mac[CTL_ENI_MAC_MAX];
	char		description[256];
	uint32_t	ip;
	unsigned	device_index;
	bool		public_on_launch;
	int64_t		created_ms;
	/* Its public address, if any. */
	uint32_t	public_ip;			/* 0 : none */
	char		alloc_id[MC_ID_MAX];		/* "" : on launch */
	char		assoc_id[MC_ID_MAX];
	/* From its subnet and VPC. */
	char		zone[MC_PROTO_ZONE_MAX + 1];
	struct mc_cidr	subnet_cidr, vpc_cidr;
	unsigned	vni;
	/* Its security groups, in order. */
	struct ctl_sg_set groups;
};

/*
 * A new interface in subnet s for instance_id, device 0, with address
 * want_ip, or the lowest free one when want_ip is 0.  Errors: an address
 * outside the subnet or reserved (InvalidParameterValue), taken
 * (InvalidIPAddress.InUse), none left (InsufficientFreeAddressesInSubnet).
 * In the caller's transaction; fills *ret.
 */
int	ctl_eni_create(sqlite3 *db, const char *account,
	    const struct ctl_subnet *s, uint32_t want_ip,
	    const char *instance_id, bool public_on_launch, int64_t now_ms,
	    struct ctl_eni *ret, struct mc_err *err);

/* The primary interface of an instance: 1 and *ret, 0 none, -1. */
int	ctl_eni_of_instance(sqlite3 *db, const char *instance_id,
	    struct ctl_eni *ret, struct mc_err *err);

/*
 * The primary interfaces of the n instances ids (borrowed), with their
 * groups, by interface id: one query for the interfaces, one for their
 * groups.  *ret is a new array the caller frees (NULL when none).
 */
int	ctl_eni_of_instances(sqlite3 *db, const char *const *ids, size_t n,
	    struct ctl_eni **ret, size_t *ret_n, struct mc_err *err);

/* Interface id of account: 0 and *ret, or -1 (...ID.Malformed/NotFound). */
int	ctl_eni_find(sqlite3 *db, const char *account, const char *id,
	    struct ctl_eni *ret, struct mc_err *err);

/* Every interface of account (all accounts: NULL), by id; caller frees. */
int	ctl_eni_list(sqlite3 *db, const char *account, struct ctl_eni **ret,
	    size_t *ret_n, struct mc_err *err);

/*
 * The instance has gone: delete its interfaces, give back their public
 * addresses on launch, and disassociate their Elastic IPs (which stay
 * allocated); their groups lose a member, so the hosts of the VPC are
 * bumped.  In the caller's transaction.
 */
int	ctl_eni_release_instance(sqlite3 *db, const char *instance_id,
	    struct mc_err *err);

/*
 * Write e as an <item> of an instance's networkInterfaceSet; dns_domain
 * names its private address.
 */
void	ctl_eni_instance_xml(struct ctl_xml *x, const struct ctl_eni *e,
	    const char *dns_domain);

/* <association> of e's public address, if it has one. */
void	ctl_eni_association_xml(struct ctl_xml *x, const struct ctl_eni *e);

/* EC2's private DNS name of ip: "ip-10-0-1-5.DOMAIN". */
void	ctl_eni_dns_name(uint32_t ip, const char *domain, char *buf,
	    size_t bufsz);

#endif /* CTL_ENI_H */

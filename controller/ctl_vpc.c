/*
 * ctl_vpc: VPC and subnet rows, the default VPC, and EC2's rules for
 * CIDR blocks.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_err.h"
#include "mc_log.h"
#include "ctl_conf.h"
#include "ctl_sg.h"
#include "ctl_sql.h"
#include "ctl_vpc.h"

#define BLOCK_MIN	16	/* EC2's largest VPC or subnet: /16 */
#define BLOCK_MAX	28	/* and smallest: /28 */
#define DEFAULT_SUBNET	20	/* default subnets are /20s */

#define VPC_SELECT \
	"SELECT id, account_id, net, prefix, is_default, dns_support, " \
	"dns_hostnames, vni, created_ms FROM vpcs "

#define SUBNET_SELECT \
	"SELECT s.id, s.account_id, s.vpc_id, s.zone, s.net, s.prefix, " \
	"s.default_for_az, s.map_public_ip, s.created_ms, " \
	"(SELECT count(*) FROM enis e WHERE e.subnet_id = s.id) " \
	"FROM subnets s "

static void
vpc_row(sqlite3_stmt *st, struct ctl_vpc *v)
{
	memset(v, 0, sizeof(*v));
	ctl_sql_text(st, 0, v->id, sizeof(v->id));
	ctl_sql_text(st, 1, v->account_id, sizeof(v->account_id));
	v->cidr.net = (uint32_t)sqlite3_column_int64(st, 2);
	v->cidr.prefix = (unsigned)sqlite3_column_int(st, 3);
	v->is_default = sqlite3_column_int(st, 4) != 0;
	v->dns_support = sqlite3_column_int(st, 5) != 0;
	v->dns_hostnames = sqlite3_column_int(st, 6) != 0;
	v->vni = (unsigned)sqlite3_column_int(st, 7);
	v->created_ms = sqlite3_column_int64(st, 8);
}

static void
subnet_row(sqlite3_stmt *st, struct ctl_subnet *s)
{
	memset(s, 0, sizeof(*s));
	ctl_sql_text(st, 0, s->id, sizeof(s->id));
	ctl_sql_text(st, 1, s->account_id, sizeof(s->account_id));
	ctl_sql_text(st, 2, s->vpc_id, sizeof(s->vpc_id));
	ctl_sql_text(st, 3, s->zone, sizeof(s->zone));
	s->cidr.net = (uint32_t)sqlite3_column_int64(st, 4);
	s->cidr.prefix = (unsigned)sqlite3_column_int(st, 5);
	s->default_for_az = sqlite3_column_int(st, 6) != 0;
	s->map_public_ip = sqlite3_column_int(st, 7) != 0;
	s->created_ms = sqlite3_column_int64(st, 8);
	s->n_used = (unsigned)sqlite3_column_int(st, 9);
}

/* Run sql (binding account, then id when not NULL) and collect rows. */
static int
collect(sqlite3 *db, const char *sql, const char *account, const char *id,
    void (*fill)(sqlite3_stmt *, void *), size_t sz, void **ret,
    size_t *ret_n, struct mc_err *err)
{
	return ctl_sql_rows(db, ret, ret_n, sz, fill, err, sql,
	    id != NULL ? "ss" : "s", account, id);
}

static void
fill_vpc(sqlite3_stmt *st, void *p)
{
	vpc_row(st, p);
}

static void
fill_subnet(sqlite3_stmt *st, void *p)
{
	subnet_row(st, p);
}

int
ctl_vpc_list(sqlite3 *db, const char *account, struct ctl_vpc **ret,
    size_t *ret_n, struct mc_err *err)
{
	return collect(db, VPC_SELECT "WHERE account_id = ? ORDER BY id",
	    account, NULL, fill_vpc, sizeof(**ret), (void **)ret, ret_n, err);
}

int
ctl_subnet_list(sqlite3 *db, const char *account, struct ctl_subnet **ret,
    size_t *ret_n, struct mc_err *err)
{
	return collect(db, SUBNET_SELECT "WHERE s.account_id = ? ORDER BY "
	    "s.id", account, NULL, fill_subnet, sizeof(**ret), (void **)ret,
	    ret_n, err);
}

int
ctl_vpc_find(sqlite3 *db, const char *account, const char *id,
    struct ctl_vpc *ret, struct mc_err *err)
{
	struct ctl_vpc	*v = NULL;
	size_t		 n = 0;

	if (mc_id_check(MC_ID_VPC, id, err) < 0 ||
	    collect(db, VPC_SELECT "WHERE account_id = ? AND id = ?", account,
	    id, fill_vpc, sizeof(*v), (void **)&v, &n, err) < 0)
		return -1;
	if (n == 1)
		*ret = v[0];
	free(v);
	return n == 1 ? 0 : mc_err_set(err, MC_EC_INVALID_VPC_ID_NOT_FOUND,
	    "The vpc ID '%s' does not exist", id);
}

int
ctl_vpc_default(sqlite3 *db, const char *account, struct ctl_vpc *ret,
    struct mc_err *err)
{
	struct ctl_vpc	*v = NULL;
	size_t		 n = 0;

	if (collect(db, VPC_SELECT "WHERE account_id = ? AND is_default = 1",
	    account, NULL, fill_vpc, sizeof(*v), (void **)&v, &n, err) < 0)
		return -1;
	if (n > 0)
		*ret = v[0];
	free(v);
	return n > 0;
}

int
ctl_subnet_find(sqlite3 *db, const char *account, const char *id,
    struct ctl_subnet *ret, struct mc_err *err)
{
	struct ctl_subnet	*v = NULL;
	size_t			 n = 0;

	if (mc_id_check(MC_ID_SUBNET, id, err) < 0 ||
	    collect(db, SUBNET_SELECT "WHERE s.account_id = ? AND s.id = ?",
	    account, id, fill_subnet, sizeof(*v), (void **)&v, &n, err) < 0)
		return -1;
	if (n == 1)
		*ret = v[0];
	free(v);
	return n == 1 ? 0 : mc_err_set(err, MC_EC_INVALID_SUBNET_ID_NOT_FOUND,
	    "The subnet ID '%s' does not exist", id);
}

int
ctl_subnet_default(sqlite3 *db, const char *account, const char *zone,
    struct ctl_subnet *ret, struct mc_err *err)
{
	struct ctl_subnet	*v = NULL;
	size_t			 n = 0;

	if (collect(db, SUBNET_SELECT "WHERE s.account_id = ? AND s.zone = ? "
	    "AND s.default_for_az = 1", account, zone, fill_subnet,
	    sizeof(*v), (void **)&v, &n, err) < 0)
		return -1;
	if (n > 0)
		*ret = v[0];
	free(v);
	return n > 0 ? 1 : 0;
}

uint64_t
ctl_subnet_capacity(const struct mc_cidr *cidr)
{
	return mc_cidr_size(cidr) - 5;
}

/* The lowest VXLAN-style number no VPC holds. */
static int
free_vni(sqlite3 *db, unsigned *ret, struct mc_err *err)
{
	int64_t	v = 0;

	if (ctl_sql_int(db, &v, err, "SELECT min(x) FROM (SELECT 1 AS x "
	    "UNION ALL SELECT vni + 1 FROM vpcs) WHERE x NOT IN (SELECT vni "
	    "FROM vpcs)", "") < 0)
		return -1;
	if (v < 1 || v > CTL_VPC_VNI_MAX)
		return mc_err_set(err, MC_EC_VPC_LIMIT_EXCEEDED, "The cloud "
		    "holds the most VPCs it can (%d)", CTL_VPC_VNI_MAX);
	*ret = (unsigned)v;
	return 0;
}

int
ctl_vpc_create(sqlite3 *db, const struct ctl_conf *c, const char *account,
    const struct mc_cidr *cidr, bool is_default, int64_t now_ms,
    struct ctl_vpc *ret, struct mc_err *err)
{
	struct ctl_vpc	v;
	char		buf[MC_CIDR_STR_MAX];
	int64_t		n = 0;

	if (cidr->prefix < BLOCK_MIN || cidr->prefix > BLOCK_MAX)
		return mc_err_set(err, MC_EC_INVALID_VPC_RANGE, "The CIDR "
		    "'%s' is invalid: a VPC is a /%d to a /%d block",
		    mc_cidr_str(cidr, buf), BLOCK_MIN, BLOCK_MAX);
	if (ctl_sql_int(db, &n, err, "SELECT count(*) FROM vpcs WHERE "
	    "account_id = ?", "s", account) < 0)
		return -1;
	if (n >= c->max_vpcs)
		return mc_err_set(err, MC_EC_VPC_LIMIT_EXCEEDED, "The maximum "
		    "number of VPCs (%lld) has been reached.", c->max_vpcs);
	memset(&v, 0, sizeof(v));
	if (mc_id_new(MC_ID_VPC, v.id, sizeof(v.id), err) < 0 ||
	    free_vni(db, &v.vni, err) < 0)
		return -1;
	(void)snprintf(v.account_id, sizeof(v.account_id), "%s", account);
	v.cidr = *cidr;
	v.is_default = is_default;
	v.dns_support = true;
	v.dns_hostnames = is_default;	/* as EC2 sets them */
	v.created_ms = now_ms;
	if (ctl_sql_run(db, err, "INSERT INTO vpcs (id, account_id, net, "
	    "prefix, is_default, dns_support, dns_hostnames, vni, created_ms) "
	    "VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?)", "ssiiiiii", v.id, account,
	    (int64_t)cidr->net, (int64_t)cidr->prefix, (int64_t)is_default,
	    (int64_t)v.dns_hostnames, (int64_t)v.vni, now_ms) < 0 ||
	    ctl_sg_create_default(db, account, v.id, now_ms, err) < 0)
		return -1;
	*ret = v;
	return 0;
}

int
ctl_vpc_delete(sqlite3 *db, const char *account, const char *id,
    struct mc_err *err)
{
	struct ctl_vpc	v;
	int64_t		n = 0;

	if (ctl_vpc_find(db, account, id, &v, err) < 0 ||
	    ctl_sql_int(db, &n, err, "SELECT count(*) FROM subnets WHERE "
	    "vpc_id = ?", "s", id) < 0)
		return -1;
	if (n > 0)
		return mc_err_set(err, MC_EC_DEPENDENCY_VIOLATION, "The vpc "
		    "'%s' has dependencies and cannot be deleted.", id);
	if (ctl_sg_vpc_release(db, id, err) < 0 ||
	    ctl_sql_run(db, err, "DELETE FROM tags WHERE resource_id = ?",
	    "s", id) < 0 || ctl_sql_run(db, err, "DELETE FROM vpcs WHERE id "
	    "= ?", "s", id) < 0)
		return -1;
	mc_log(MC_LOG_INFO, "vpc deleted", "vpc=%s account=%s", id, account);
	return 0;
}

/* Does cidr overlap a subnet of vpc? */
static int
subnet_conflict(sqlite3 *db, const char *vpc, const struct mc_cidr *cidr,
    bool *ret, struct mc_err *err)
{
	int64_t n = 0;

	/* Two aligned blocks overlap when either holds the other's start. */
	if (ctl_sql_int(db, &n, err, "SELECT count(*) FROM subnets WHERE "
	    "vpc_id = ?1 AND ((?2 & ((0xffffffff << (32 - prefix)) & "
	    "0xffffffff)) = net OR (net & ((0xffffffff << (32 - ?3)) & "
	    "0xffffffff)) = ?2)", "sii", vpc, (int64_t)cidr->net,
	    (int64_t)cidr->prefix) < 0)
		return -1;
	*ret = n > 0;
	return 0;
}

int
ctl_subnet_create(sqlite3 *db, const char *account, const struct ctl_vpc *vpc,
    const struct mc_cidr *cidr, const char *zone, bool default_for_az,
    bool map_public_ip, int64_t now_ms, struct ctl_subnet *ret,
    struct mc_err *err)
{
	struct ctl_subnet	s;
	char			buf[MC_CIDR_STR_MAX];
	bool			conflict = false;

	if (cidr->prefix < BLOCK_MIN || cidr->prefix > BLOCK_MAX ||
	    !mc_cidr_within(&vpc->cidr, cidr))
		return mc_err_set(err, MC_EC_INVALID_SUBNET_RANGE, "The CIDR "
		    "'%s' is invalid: a subnet is a /%d to /%d block inside "
		    "its VPC's", mc_cidr_str(cidr, buf), BLOCK_MIN, BLOCK_MAX);
	if (subnet_conflict(db, vpc->id, cidr, &conflict, err) < 0)
		return -1;
	if (conflict)
		return mc_err_set(err, MC_EC_INVALID_SUBNET_CONFLICT, "The CIDR "
		    "'%s' conflicts with another subnet", mc_cidr_str(cidr, buf));
	memset(&s, 0, sizeof(s));
	if (mc_id_new(MC_ID_SUBNET, s.id, sizeof(s.id), err) < 0)
		return -1;
	(void)snprintf(s.account_id, sizeof(s.account_id), "%s", account);
	(void)snprintf(s.vpc_id, sizeof(s.vpc_id), "%s", vpc->id);
	(void)snprintf(s.zone, sizeof(s.zone), "%s", zone);
	s.cidr = *cidr;
	s.default_for_az = default_for_az;
	s.map_public_ip = map_public_ip;
	s.created_ms = now_ms;
	if (ctl_sql_run(db, err, "INSERT INTO subnets (id, account_id, vpc_id, "
	    "net, prefix, zone, default_for_az, map_public_ip, created_ms) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", "sssiisiii", s.id, account,
	    vpc->id, (int64_t)cidr->net, (int64_t)cidr->prefix, zone,
	    (int64_t)default_for_az, (int64_t)map_public_ip, now_ms) < 0)
		return -1;
	*ret = s;
	return 0;
}

int
ctl_subnet_delete(sqlite3 *db, const char *account, const char *id,
    struct mc_err *err)
{
	struct ctl_subnet s;

	if (ctl_subnet_find(db, account, id, &s, err) < 0)
		return -1;
	if (s.n_used > 0)
		return mc_err_set(err, MC_EC_DEPENDENCY_VIOLATION, "The subnet "
		    "'%s' has dependencies and cannot be deleted.", id);
	if (ctl_sql_run(db, err, "DELETE FROM tags WHERE resource_id = ?",
	    "s", id) < 0 || ctl_sql_run(db, err, "DELETE FROM subnets WHERE "
	    "id = ?", "s", id) < 0)
		return -1;
	mc_log(MC_LOG_INFO, "subnet deleted", "subnet=%s account=%s", id,
	    account);
	return 0;
}

/* A default subnet in zone: the lowest free /20 of the default VPC. */
static int
default_subnet(sqlite3 *db, const struct ctl_vpc *vpc, const char *zone,
    int64_t now_ms, struct mc_err *err)
{
	struct ctl_subnet	s;
	struct mc_cidr		c = { vpc->cidr.net, DEFAULT_SUBNET };
	bool			conflict = true;

	for (; mc_cidr_within(&vpc->cidr, &c); c.net += 1u << (32 -
	    DEFAULT_SUBNET)) {
		if (subnet_conflict(db, vpc->id, &c, &conflict, err) < 0)
			return -1;
		if (!conflict)
			return ctl_subnet_create(db, vpc->account_id, vpc, &c,
			    zone, true, true, now_ms, &s, err);
	}
	mc_log(MC_LOG_WARN, "no room for a default subnet", "vpc=%s zone=%s",
	    vpc->id, zone);
	return 0;
}

/* In the write transaction: the VPC and a default subnet per zone. */
static int
make_default(sqlite3 *db, const struct ctl_conf *c, const char *account,
    int64_t now_ms, struct mc_err *err)
{
	struct ctl_vpc	vpc;
	struct mc_cidr	cidr;
	int64_t		made = 0;
	size_t		i;

	if (ctl_sql_int(db, &made, err, "SELECT default_vpc_made FROM "
	    "accounts WHERE id = ?", "s", account) < 0)
		return -1;
	if (made != 0)
		return 0;	/* another request was first */
	(void)mc_cidr_parse(CTL_VPC_DEFAULT_CIDR, &cidr);
	if (ctl_vpc_create(db, c, account, &cidr, true, now_ms, &vpc,
	    err) < 0 || ctl_sql_run(db, err, "UPDATE accounts SET "
	    "default_vpc_made = 1 WHERE id = ?", "s", account) < 0)
		return -1;
	for (i = 0; i < c->zones.n; i++)
		if (default_subnet(db, &vpc, c->zones.v[i], now_ms, err) < 0)
			return -1;
	mc_log(MC_LOG_INFO, "default vpc made", "vpc=%s account=%s", vpc.id,
	    account);
	return 0;
}

int
ctl_vpc_ensure_default(sqlite3 *db, const struct ctl_conf *c,
    const char *account, int64_t now_ms, struct mc_err *err)
{
	int64_t	made = 0;

	/*
	 * Once per account, like EC2's: what its owner deletes later stays
	 * deleted.  The common case reads only, without the write lock.
	 */
	if (ctl_sql_int(db, &made, err, "SELECT default_vpc_made FROM "
	    "accounts WHERE id = ?", "s", account) < 0)
		return -1;
	if (made != 0)
		return 0;
	if (ctl_sql_begin(db, err) < 0)
		return -1;
	if (make_default(db, c, account, now_ms, err) < 0) {
		ctl_sql_rollback(db);
		return -1;
	}
	return ctl_sql_commit(db, err);
}

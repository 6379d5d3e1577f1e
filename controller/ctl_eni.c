/*
 * ctl_eni: interface rows, private address allocation and release.
 */
#include <sys/random.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_cleanup.h"
#include "mc_err.h"
#include "mc_log.h"
#include "ctl_eni.h"
#include "ctl_sql.h"
#include "ctl_vpc.h"
#include "ctl_xml.h"

#define RESERVED_LOW	4	/* network, router, DNS, future use */
#define MAC_TRIES	8

#define ENI_SELECT \
	"SELECT e.id, e.account_id, e.vpc_id, e.subnet_id, " \
	"coalesce(e.instance_id, ''), coalesce(e.attachment_id, ''), e.mac, " \
	"e.description, e.ip, e.device_index, e.public_on_launch, " \
	"e.created_ms, coalesce(a.ip, 0), coalesce(a.id, ''), " \
	"coalesce(a.association_id, ''), s.zone, s.net, s.prefix, v.net, " \
	"v.prefix, v.vni " \
	"FROM enis e JOIN subnets s ON s.id = e.subnet_id " \
	"JOIN vpcs v ON v.id = e.vpc_id " \
	"LEFT JOIN addresses a ON a.eni_id = e.id "

static void
eni_row(sqlite3_stmt *st, struct ctl_eni *e)
{
	memset(e, 0, sizeof(*e));
	ctl_sql_text(st, 0, e->id, sizeof(e->id));
	ctl_sql_text(st, 1, e->account_id, sizeof(e->account_id));
	ctl_sql_text(st, 2, e->vpc_id, sizeof(e->vpc_id));
	ctl_sql_text(st, 3, e->subnet_id, sizeof(e->subnet_id));
	ctl_sql_text(st, 4, e->instance_id, sizeof(e->instance_id));
	ctl_sql_text(st, 5, e->attachment_id, sizeof(e->attachment_id));
	ctl_sql_text(st, 6, e->mac, sizeof(e->mac));
	ctl_sql_text(st, 7, e->description, sizeof(e->description));
	e->ip = (uint32_t)sqlite3_column_int64(st, 8);
	e->device_index = (unsigned)sqlite3_column_int(st, 9);
	e->public_on_launch = sqlite3_column_int(st, 10) != 0;
	e->created_ms = sqlite3_column_int64(st, 11);
	e->public_ip = (uint32_t)sqlite3_column_int64(st, 12);
	ctl_sql_text(st, 13, e->alloc_id, sizeof(e->alloc_id));
	ctl_sql_text(st, 14, e->assoc_id, sizeof(e->assoc_id));
	ctl_sql_text(st, 15, e->zone, sizeof(e->zone));
	e->subnet_cidr.net = (uint32_t)sqlite3_column_int64(st, 16);
	e->subnet_cidr.prefix = (unsigned)sqlite3_column_int(st, 17);
	e->vpc_cidr.net = (uint32_t)sqlite3_column_int64(st, 18);
	e->vpc_cidr.prefix = (unsigned)sqlite3_column_int(st, 19);
	e->vni = (unsigned)sqlite3_column_int(st, 20);
}

/* Rows of sql with one bound text parameter (none when arg is NULL). */
static int
eni_rows(sqlite3 *db, const char *sql, const char *arg, struct ctl_eni **ret,
    size_t *ret_n, struct mc_err *err)
{
	struct ctl_eni	*v = NULL, *nv;
	sqlite3_stmt	*st;
	size_t		 n = 0, i;
	int		 rc;

	if (ctl_sql_prepare(db, &st, err, sql, arg != NULL ? "s" : "",
	    arg) < 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((nv = realloc(v, (n + 1) * sizeof(*v))) == NULL) {
			rc = SQLITE_NOMEM;
			break;
		}
		v = nv;
		eni_row(st, &v[n++]);
	}
	sqlite3_finalize(st);
	for (i = 0; rc == SQLITE_DONE && i < n; i++)
		if (ctl_sg_eni_groups(db, v[i].id, &v[i].groups, err) < 0)
			rc = SQLITE_ERROR;
	if (rc != SQLITE_DONE) {
		free(v);
		return mc_err_set(err, MC_EC_INTERNAL_ERROR,
		    "cannot read network interfaces");
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

int
ctl_eni_list(sqlite3 *db, const char *account, struct ctl_eni **ret,
    size_t *ret_n, struct mc_err *err)
{
	if (account == NULL)
		return eni_rows(db, ENI_SELECT "ORDER BY e.id", NULL, ret,
		    ret_n, err);
	return eni_rows(db, ENI_SELECT "WHERE e.account_id = ? ORDER BY e.id",
	    account, ret, ret_n, err);
}

/* The one row sql selects: 1 and *ret, 0 none, -1. */
static int
eni_one(sqlite3 *db, const char *sql, const char *arg, struct ctl_eni *ret,
    struct mc_err *err)
{
	struct ctl_eni	*v = NULL;
	size_t		 n = 0;

	if (eni_rows(db, sql, arg, &v, &n, err) < 0)
		return -1;
	if (n > 0)
		*ret = v[0];
	free(v);
	return n > 0;
}

int
ctl_eni_of_instance(sqlite3 *db, const char *instance_id, struct ctl_eni *ret,
    struct mc_err *err)
{
	return eni_one(db, ENI_SELECT "WHERE e.instance_id = ? AND "
	    "e.device_index = 0", instance_id, ret, err);
}

static void
eni_fill(sqlite3_stmt *st, void *p)
{
	eni_row(st, p);
}

static int
cmp_eni(const void *a, const void *b)
{
	return strcmp(((const struct ctl_eni *)a)->id,
	    ((const struct ctl_eni *)b)->id);
}

int
ctl_eni_of_instances(sqlite3 *db, const char *const *ids, size_t n,
    struct ctl_eni **ret, size_t *ret_n, struct mc_err *err)
{
	MC_AUTOFREE struct ctl_eni	 *v = NULL;
	MC_AUTOFREE const char		**eni_ids = NULL;
	MC_AUTOFREE struct ctl_sg_set	**sets = NULL;
	size_t				  n_v = 0, i;

	/* By instance, so that SQLite looks them up by instance; then by id. */
	if (ctl_sql_rows_list(db, &v, &n_v, sizeof(*v), eni_fill, err,
	    ENI_SELECT "WHERE e.device_index = 0 AND e.instance_id IN ", ids,
	    n, " ORDER BY e.instance_id") < 0)
		return -1;
	if (n_v > 0)
		qsort(v, n_v, sizeof(*v), cmp_eni);
	if (n_v > 0 && ((eni_ids = calloc(n_v, sizeof(*eni_ids))) == NULL ||
	    (sets = calloc(n_v, sizeof(*sets))) == NULL))
		return mc_err_sys(err, ENOMEM, "out of memory");
	for (i = 0; i < n_v; i++) {
		eni_ids[i] = v[i].id;
		sets[i] = &v[i].groups;
	}
	if (ctl_sg_eni_groups_of(db, eni_ids, n_v, sets, err) < 0)
		return -1;
	*ret = mc_steal_ptr(&v);
	*ret_n = n_v;
	return 0;
}

int
ctl_eni_find(sqlite3 *db, const char *account, const char *id,
    struct ctl_eni *ret, struct mc_err *err)
{
	struct ctl_eni	e;
	int		found;

	if (mc_id_check(MC_ID_ENI, id, err) < 0 ||
	    (found = eni_one(db, ENI_SELECT "WHERE e.id = ?", id, &e,
	    err)) < 0)
		return -1;
	if (found == 0 || strcmp(e.account_id, account) != 0)
		return mc_err_set(err, MC_EC_INVALID_ENI_ID_NOT_FOUND, "The "
		    "networkInterface ID '%s' does not exist", id);
	*ret = e;
	return 0;
}

void
ctl_eni_dns_name(uint32_t ip, const char *domain, char *buf, size_t bufsz)
{
	(void)snprintf(buf, bufsz, "ip-%u-%u-%u-%u.%s", ip >> 24,
	    ip >> 16 & 0xff, ip >> 8 & 0xff, ip & 0xff, domain);
}

static void
span_row(sqlite3_stmt *st, void *p)
{
	int64_t *v = p;

	v[0] = sqlite3_column_int64(st, 0);
	v[1] = sqlite3_column_int64(st, 1);
}

/*
 * The lowest address of s that no interface holds, after the reserved
 * ones and before the broadcast address.
 */
static int
lowest_free(sqlite3 *db, const struct ctl_subnet *s, uint32_t *ret,
    struct mc_err *err)
{
	sqlite3_stmt	*st;
	uint32_t	 next = s->cidr.net + RESERVED_LOW, used;
	int64_t		 span[2] = { 0, 0 };	/* addresses held, highest */
	int		 rc;

	/*
	 * Without a gap, the next one is after the highest: counted in the
	 * index, not walked row by row (a launch into a subnet of 10,000).
	 */
	if (ctl_sql_row(db, span, span_row, err, "SELECT count(*), "
	    "coalesce(max(ip), 0) FROM enis WHERE subnet_id = ?", "s",
	    s->id) < 0)
		return -1;
	if (span[0] == 0 || span[1] - span[0] + 1 == (int64_t)next) {
		next = span[0] == 0 ? next : (uint32_t)span[1] + 1;
		goto found;
	}
	if (ctl_sql_prepare(db, &st, err, "SELECT ip FROM enis WHERE "
	    "subnet_id = ? ORDER BY ip", "s", s->id) < 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		used = (uint32_t)sqlite3_column_int64(st, 0);
		if (used > next)
			break;		/* a gap before this one */
		if (used == next)
			next++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return mc_err_set(err, MC_EC_INTERNAL_ERROR,
		    "cannot read addresses");
found:
	if (next >= mc_cidr_last(&s->cidr))
		return mc_err_set(err, MC_EC_INSUFFICIENT_FREE_ADDRESSES,
		    "There are not enough free addresses in subnet '%s' to "
		    "satisfy the requested number of instances.", s->id);
	*ret = next;
	return 0;
}

/* Is want usable in s: inside, not reserved, not taken? */
static int
check_wanted(sqlite3 *db, const struct ctl_subnet *s, uint32_t want,
    struct mc_err *err)
{
	char	a[MC_IPV4_STR_MAX], c[MC_CIDR_STR_MAX];
	int64_t	one;
	int	found;

	if (!mc_cidr_has(&s->cidr, want))
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE, "Address "
		    "%s does not fall within the subnet's address range (%s)",
		    mc_ipv4_str(want, a), mc_cidr_str(&s->cidr, c));
	if (want < s->cidr.net + RESERVED_LOW || want == mc_cidr_last(&s->cidr))
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE, "Address "
		    "%s is reserved in subnet %s (the first four and the last "
		    "address are)", mc_ipv4_str(want, a),
		    mc_cidr_str(&s->cidr, c));
	if ((found = ctl_sql_int(db, &one, err, "SELECT 1 FROM enis WHERE "
	    "vpc_id = ? AND ip = ?", "si", s->vpc_id, (int64_t)want)) < 0)
		return -1;
	if (found > 0)
		return mc_err_set(err, MC_EC_INVALID_IP_ADDRESS_IN_USE,
		    "Address %s is in use.", mc_ipv4_str(want, a));
	return 0;
}

/* A random locally administered unicast MAC, as EC2's start with 02/06/0a. */
static int
new_mac(char *buf, struct mc_err *err)
{
	unsigned char b[5];

	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
		return mc_err_sys(err, errno, "cannot make a MAC address");
	(void)snprintf(buf, CTL_ENI_MAC_MAX, "02:%02x:%02x:%02x:%02x:%02x",
	    b[0], b[1], b[2], b[3], b[4]);
	return 0;
}

int
ctl_eni_create(sqlite3 *db, const char *account, const struct ctl_subnet *s,
    uint32_t want_ip, const char *instance_id, bool public_on_launch,
    int64_t now_ms, struct ctl_eni *ret, struct mc_err *err)
{
	char		id[MC_ID_MAX], attach[MC_ID_MAX], mac[CTL_ENI_MAC_MAX];
	uint32_t	ip = want_ip;
	int		tries, found;

	if ((want_ip != 0 ? check_wanted(db, s, want_ip, err) :
	    lowest_free(db, s, &ip, err)) < 0 ||
	    mc_id_new(MC_ID_ENI, id, sizeof(id), err) < 0 ||
	    mc_id_new(MC_ID_ENI_ATTACH, attach, sizeof(attach), err) < 0)
		return -1;
	for (tries = 0; tries < MAC_TRIES; tries++) {
		int64_t one;

		if (new_mac(mac, err) < 0 || (found = ctl_sql_int(db, &one,
		    err, "SELECT 1 FROM enis WHERE mac = ?", "s", mac)) < 0)
			return -1;
		if (found == 0)
			break;
	}
	if (ctl_sql_run(db, err, "INSERT INTO enis (id, account_id, vpc_id, "
	    "subnet_id, ip, mac, instance_id, device_index, attachment_id, "
	    "public_on_launch, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, "
	    "?, ?)", "ssssissiii", id, account, s->vpc_id, s->id, (int64_t)ip,
	    mac, instance_id, attach, (int64_t)public_on_launch, now_ms) < 0)
		return -1;
	return eni_one(db, ENI_SELECT "WHERE e.id = ?", id, ret, err) == 1 ?
	    0 : -1;
}

int
ctl_eni_release_instance(sqlite3 *db, const char *instance_id,
    struct mc_err *err)
{
	const char	*in_enis = "(SELECT id FROM enis WHERE instance_id = ?)";
	char		 sql[160];
	struct ctl_eni	 e;
	int		 found;

	/* Its VPC's other hosts lose a member of its groups. */
	if ((found = ctl_eni_of_instance(db, instance_id, &e, err)) < 0)
		return -1;
	(void)snprintf(sql, sizeof(sql), "DELETE FROM addresses WHERE id IS "
	    "NULL AND eni_id IN %s", in_enis);
	if (ctl_sql_run(db, err, sql, "s", instance_id) < 0)
		return -1;
	(void)snprintf(sql, sizeof(sql), "UPDATE addresses SET eni_id = NULL, "
	    "association_id = NULL WHERE eni_id IN %s", in_enis);
	if (ctl_sql_run(db, err, sql, "s", instance_id) < 0)
		return -1;
	(void)snprintf(sql, sizeof(sql), "DELETE FROM tags WHERE resource_id "
	    "IN %s", in_enis);
	if (ctl_sql_run(db, err, sql, "s", instance_id) < 0)
		return -1;
	if (ctl_sql_run(db, err, "DELETE FROM enis WHERE instance_id = ?",
	    "s", instance_id) < 0)
		return -1;
	return found ? ctl_sg_bump_vpc(db, e.vpc_id, err) : 0;
}

void
ctl_eni_association_xml(struct ctl_xml *x, const struct ctl_eni *e)
{
	char ip[MC_IPV4_STR_MAX];

	if (e->public_ip == 0)
		return;
	ctl_xml_open(x, "association");
	ctl_xml_str(x, "publicIp", mc_ipv4_str(e->public_ip, ip));
	ctl_xml_str(x, "publicDnsName", "");
	/* EC2 says "amazon" for a public IP it lent on launch. */
	ctl_xml_str(x, "ipOwnerId", e->alloc_id[0] != '\0' ? e->account_id :
	    "amazon");
	if (e->alloc_id[0] != '\0') {
		ctl_xml_str(x, "allocationId", e->alloc_id);
		ctl_xml_str(x, "associationId", e->assoc_id);
	}
	ctl_xml_close(x);
}

void
ctl_eni_instance_xml(struct ctl_xml *x, const struct ctl_eni *e,
    const char *dns_domain)
{
	char ip[MC_IPV4_STR_MAX], dns[300];

	mc_ipv4_str(e->ip, ip);
	ctl_eni_dns_name(e->ip, dns_domain, dns, sizeof(dns));
	ctl_xml_open(x, "item");
	ctl_xml_str(x, "networkInterfaceId", e->id);
	ctl_xml_str(x, "subnetId", e->subnet_id);
	ctl_xml_str(x, "vpcId", e->vpc_id);
	ctl_xml_str(x, "description", e->description);
	ctl_xml_str(x, "ownerId", e->account_id);
	ctl_xml_str(x, "status", "in-use");
	ctl_xml_str(x, "macAddress", e->mac);
	ctl_xml_str(x, "privateIpAddress", ip);
	ctl_xml_str(x, "privateDnsName", dns);
	ctl_xml_bool(x, "sourceDestCheck", true);
	ctl_sg_set_xml(x, &e->groups);
	ctl_xml_open(x, "attachment");
	ctl_xml_str(x, "attachmentId", e->attachment_id);
	ctl_xml_int(x, "deviceIndex", e->device_index);
	ctl_xml_str(x, "status", "attached");
	ctl_xml_time(x, "attachTime", e->created_ms);
	ctl_xml_bool(x, "deleteOnTermination", true);
	ctl_xml_int(x, "networkCardIndex", 0);
	ctl_xml_close(x);
	ctl_eni_association_xml(x, e);
	ctl_xml_open(x, "privateIpAddressesSet");
	ctl_xml_open(x, "item");
	ctl_xml_str(x, "privateIpAddress", ip);
	ctl_xml_str(x, "privateDnsName", dns);
	ctl_xml_bool(x, "primary", true);
	ctl_eni_association_xml(x, e);
	ctl_xml_close(x);
	ctl_xml_close(x);
	ctl_xml_empty(x, "ipv6AddressesSet");
	ctl_xml_str(x, "interfaceType", "interface");
	ctl_xml_close(x);
}

/*
 * ctl_eip: the public address pool and its rows.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_err.h"
#include "mc_ipv4.h"
#include "mc_log.h"
#include "ctl_conf.h"
#include "ctl_eip.h"
#include "ctl_eni.h"
#include "ctl_inst.h"
#include "ctl_sql.h"

#define EIP_SELECT \
	"SELECT a.ip, coalesce(a.id, ''), a.account_id, " \
	"coalesce(a.eni_id, ''), coalesce(a.association_id, ''), " \
	"coalesce(e.instance_id, ''), coalesce(e.ip, 0), " \
	"coalesce(i.host, ''), a.created_ms FROM addresses a " \
	"LEFT JOIN enis e ON e.id = a.eni_id " \
	"LEFT JOIN instances i ON i.id = e.instance_id "

static void
eip_row(sqlite3_stmt *st, struct ctl_eip *a)
{
	memset(a, 0, sizeof(*a));
	a->ip = (uint32_t)sqlite3_column_int64(st, 0);
	ctl_sql_text(st, 1, a->id, sizeof(a->id));
	ctl_sql_text(st, 2, a->account_id, sizeof(a->account_id));
	ctl_sql_text(st, 3, a->eni_id, sizeof(a->eni_id));
	ctl_sql_text(st, 4, a->assoc_id, sizeof(a->assoc_id));
	ctl_sql_text(st, 5, a->instance_id, sizeof(a->instance_id));
	a->private_ip = (uint32_t)sqlite3_column_int64(st, 6);
	ctl_sql_text(st, 7, a->host, sizeof(a->host));
	a->created_ms = sqlite3_column_int64(st, 8);
}

/* Rows of sql bound with account and arg (both text). */
static int
eip_rows(sqlite3 *db, const char *sql, const char *account, const char *arg,
    struct ctl_eip **ret, size_t *ret_n, struct mc_err *err)
{
	struct ctl_eip	*v = NULL, *nv;
	sqlite3_stmt	*st;
	size_t		 n = 0;
	int		 rc;

	if (ctl_sql_prepare(db, &st, err, sql, arg != NULL ? "ss" : "s",
	    account, arg) < 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((nv = realloc(v, (n + 1) * sizeof(*v))) == NULL) {
			rc = SQLITE_NOMEM;
			break;
		}
		v = nv;
		eip_row(st, &v[n++]);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(v);
		return mc_err_set(err, MC_EC_INTERNAL_ERROR,
		    "cannot read addresses");
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

int
ctl_eip_list(sqlite3 *db, const char *account, struct ctl_eip **ret,
    size_t *ret_n, struct mc_err *err)
{
	return eip_rows(db, EIP_SELECT "WHERE a.account_id = ? AND a.id IS "
	    "NOT NULL ORDER BY a.ip", account, NULL, ret, ret_n, err);
}

/* The one row of sql: 0 and *ret, else -1 with code and msg. */
static int
eip_one(sqlite3 *db, const char *sql, const char *account, const char *arg,
    struct ctl_eip *ret, enum mc_ec code, const char *what,
    struct mc_err *err)
{
	struct ctl_eip	*v = NULL;
	size_t		 n = 0;

	if (eip_rows(db, sql, account, arg, &v, &n, err) < 0)
		return -1;
	if (n > 0)
		*ret = v[0];
	free(v);
	return n > 0 ? 0 : mc_err_set(err, code, "The %s '%.64s' does not "
	    "exist", what, arg);
}

int
ctl_eip_find(sqlite3 *db, const char *account, const char *alloc_id,
    struct ctl_eip *ret, struct mc_err *err)
{
	if (mc_id_check(MC_ID_EIP_ALLOC, alloc_id, err) < 0)
		return -1;
	return eip_one(db, EIP_SELECT "WHERE a.account_id = ? AND a.id = ?",
	    account, alloc_id, ret, MC_EC_INVALID_ALLOCATION_ID_NOT_FOUND,
	    "allocation ID", err);
}

int
ctl_eip_find_assoc(sqlite3 *db, const char *account, const char *assoc_id,
    struct ctl_eip *ret, struct mc_err *err)
{
	if (mc_id_check(MC_ID_EIP_ASSOC, assoc_id, err) < 0)
		return -1;
	return eip_one(db, EIP_SELECT "WHERE a.account_id = ? AND "
	    "a.association_id = ?", account, assoc_id, ret,
	    MC_EC_INVALID_ASSOCIATION_ID_NOT_FOUND, "association ID", err);
}

int
ctl_eip_find_ip(sqlite3 *db, const char *account, const char *ip,
    struct ctl_eip *ret, struct mc_err *err)
{
	char		num[24];
	uint32_t	a;

	if (!mc_ipv4_parse(ip, &a))
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "'%.64s' is not an IPv4 address", ip);
	(void)snprintf(num, sizeof(num), "%u", a);
	/* Bound as text, compared as a number: SQLite's affinity does it. */
	if (eip_one(db, EIP_SELECT "WHERE a.account_id = ? AND a.ip = "
	    "CAST(? AS INTEGER) AND a.id IS NOT NULL", account, num, ret,
	    MC_EC_INVALID_ADDRESS_NOT_FOUND, "address", err) == 0)
		return 0;
	err->code = MC_EC_NONE;
	return mc_err_set(err, MC_EC_INVALID_ADDRESS_NOT_FOUND, "Address "
	    "'%.64s' not found.", ip);
}

/* The lowest free address of range r: 1 and *ret, 0 when it is full. */
static int
range_free(sqlite3 *db, const struct ctl_iprange *r, uint32_t *ret,
    struct mc_err *err)
{
	sqlite3_stmt	*st;
	uint64_t	 next = r->first;
	int		 rc;

	if (ctl_sql_prepare(db, &st, err, "SELECT ip FROM addresses WHERE "
	    "ip BETWEEN ? AND ? ORDER BY ip", "ii", (int64_t)r->first,
	    (int64_t)r->last) < 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW &&
	    (uint64_t)sqlite3_column_int64(st, 0) == next)
		next++;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return mc_err_set(err, MC_EC_INTERNAL_ERROR,
		    "cannot read addresses");
	if (next > r->last)
		return 0;
	*ret = (uint32_t)next;
	return 1;
}

int
ctl_eip_allocate(sqlite3 *db, const struct ctl_conf *c, const char *account,
    const char *eni_id, int64_t now_ms, struct ctl_eip *ret,
    struct mc_err *err)
{
	char		id[MC_ID_MAX] = "", buf[MC_IPV4_STR_MAX];
	uint32_t	ip = 0;
	int64_t		held = 0;
	size_t		i;
	int		found = 0;

	if (eni_id == NULL) {
		if (ctl_sql_int(db, &held, err, "SELECT count(*) FROM "
		    "addresses WHERE account_id = ? AND id IS NOT NULL", "s",
		    account) < 0)
			return -1;
		if (held >= c->max_elastic_ips)
			return mc_err_set(err, MC_EC_ADDRESS_LIMIT_EXCEEDED,
			    "The maximum number of addresses (%lld) has been "
			    "reached.", c->max_elastic_ips);
		if (mc_id_new(MC_ID_EIP_ALLOC, id, sizeof(id), err) < 0)
			return -1;
	}
	for (i = 0; i < c->n_ip_pool && found == 0; i++)
		if ((found = range_free(db, &c->ip_pool[i], &ip, err)) < 0)
			return -1;
	if (found == 0)
		return mc_err_set(err, MC_EC_INSUFFICIENT_ADDRESS_CAPACITY,
		    c->n_ip_pool == 0 ? "This cloud has no public addresses "
		    "(public-ips is not configured)" : "All %zu public address "
		    "range(s) are in use", c->n_ip_pool);
	if (ctl_sql_run(db, err, "INSERT INTO addresses (ip, id, account_id, "
	    "eni_id, created_ms) VALUES (?, ?, ?, ?, ?)", "isssi", (int64_t)ip,
	    eni_id == NULL ? id : NULL, account, eni_id, now_ms) < 0)
		return -1;
	memset(ret, 0, sizeof(*ret));
	ret->ip = ip;
	(void)snprintf(ret->id, sizeof(ret->id), "%s", id);
	(void)snprintf(ret->account_id, sizeof(ret->account_id), "%s", account);
	if (eni_id != NULL)
		(void)snprintf(ret->eni_id, sizeof(ret->eni_id), "%s", eni_id);
	ret->created_ms = now_ms;
	mc_log(MC_LOG_INFO, "public address taken", "ip=%s account=%s "
	    "kind=%s", mc_ipv4_str(ip, buf), account, eni_id == NULL ?
	    "elastic" : "on-launch");
	return 0;
}

/* Tell the host of the instance behind eni_id that its wiring changed. */
static int
bump_eni_host(sqlite3 *db, const char *eni_id, struct mc_err *err)
{
	sqlite3_stmt	*st;
	char		 host[64] = "";

	if (eni_id[0] == '\0')
		return 0;
	if (ctl_sql_prepare(db, &st, err, "SELECT coalesce(i.host, '') FROM "
	    "enis e JOIN instances i ON i.id = e.instance_id WHERE e.id = ?",
	    "s", eni_id) < 0)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		ctl_sql_text(st, 0, host, sizeof(host));
	sqlite3_finalize(st);
	return host[0] == '\0' ? 0 : ctl_inst_bump_host(db, host, err);
}

int
ctl_eip_associate(sqlite3 *db, const struct ctl_eip *eip,
    const struct ctl_eni *eni, bool reassociate, char *ret_assoc,
    struct mc_err *err)
{
	char assoc[MC_ID_MAX];

	if (eip->eni_id[0] != '\0' && strcmp(eip->eni_id, eni->id) != 0 &&
	    !reassociate)
		return mc_err_set(err, MC_EC_RESOURCE_ALREADY_ASSOCIATED,
		    "resource %s is already associated with associate-id %s",
		    eip->id, eip->assoc_id);
	if (mc_id_new(MC_ID_EIP_ASSOC, assoc, sizeof(assoc), err) < 0 ||
	    bump_eni_host(db, eip->eni_id, err) < 0 ||
	    ctl_sql_run(db, err, "DELETE FROM addresses WHERE eni_id = ? AND "
	    "id IS NULL", "s", eni->id) < 0 ||
	    ctl_sql_run(db, err, "UPDATE addresses SET eni_id = NULL, "
	    "association_id = NULL WHERE eni_id = ?", "s", eni->id) < 0 ||
	    ctl_sql_run(db, err, "UPDATE addresses SET eni_id = ?, "
	    "association_id = ? WHERE ip = ?", "ssi", eni->id, assoc,
	    (int64_t)eip->ip) < 0 || bump_eni_host(db, eni->id, err) < 0)
		return -1;
	memcpy(ret_assoc, assoc, sizeof(assoc));
	return 0;
}

int
ctl_eip_disassociate(sqlite3 *db, const struct ctl_eip *eip,
    struct mc_err *err)
{
	if (bump_eni_host(db, eip->eni_id, err) < 0)
		return -1;
	return ctl_sql_run(db, err, "UPDATE addresses SET eni_id = NULL, "
	    "association_id = NULL WHERE ip = ?", "i", (int64_t)eip->ip) < 0 ?
	    -1 : 0;
}

int
ctl_eip_release(sqlite3 *db, const struct ctl_eip *eip, struct mc_err *err)
{
	char buf[MC_IPV4_STR_MAX];

	if (eip->eni_id[0] != '\0')
		return mc_err_set(err, MC_EC_INVALID_IP_ADDRESS_IN_USE,
		    "Address %s is in use (associated with %s)",
		    mc_ipv4_str(eip->ip, buf), eip->assoc_id);
	if (ctl_sql_run(db, err, "DELETE FROM tags WHERE resource_id = ?",
	    "s", eip->id) < 0 || ctl_sql_run(db, err, "DELETE FROM addresses "
	    "WHERE ip = ?", "i", (int64_t)eip->ip) < 0)
		return -1;
	mc_log(MC_LOG_INFO, "elastic ip released", "ip=%s allocation=%s",
	    mc_ipv4_str(eip->ip, buf), eip->id);
	return 0;
}

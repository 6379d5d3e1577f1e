/*
 * ctl_keypairs: key pair rows.  Names are unique per account (the
 * table's UNIQUE constraint decides races); ids are unique everywhere.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_err.h"
#include "ctl_keypairs.h"
#include "ctl_sql.h"
#include "ctl_tags.h"

#define KP_SELECT \
	"SELECT id, account_id, name, key_type, fingerprint, public_key, " \
	"created_ms FROM key_pairs "

/* The lookups of ctl_keypair_get, indexed by enum ctl_keypair_by. */
static const char *const get_sql[CTL_KEYPAIR_BY__MAX] = {
	[CTL_KEYPAIR_BY_NAME]	= KP_SELECT "WHERE account_id = ? AND name = ?",
	[CTL_KEYPAIR_BY_ID]	= KP_SELECT "WHERE account_id = ? AND id = ?",
};

int
ctl_keypair_name_check(const char *name, struct mc_err *err)
{
	size_t n, i;

	if (name == NULL)
		return mc_err_set(err, MC_EC_MISSING_PARAMETER,
		    "The request must contain the parameter KeyName");
	n = strlen(name);
	for (i = 0; i < n; i++)
		if (name[i] < 0x20 || name[i] > 0x7e)
			break;
	if (n == 0 || n > CTL_KEYPAIR_NAME_MAX || i < n)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "Key names are 1 to %d printable ASCII characters: "
		    "'%.64s' is not one", CTL_KEYPAIR_NAME_MAX, name);
	return 0;
}

static void
kp_row(sqlite3_stmt *st, struct ctl_keypair *kp)
{
	char type[16];

	memset(kp, 0, sizeof(*kp));
	ctl_sql_text(st, 0, kp->id, sizeof(kp->id));
	ctl_sql_text(st, 1, kp->account, sizeof(kp->account));
	ctl_sql_text(st, 2, kp->name, sizeof(kp->name));
	ctl_sql_text(st, 3, type, sizeof(type));
	/* Only this file writes the column: a bad value is our bug. */
	if (ctl_keytype_parse(type, &kp->type, NULL) < 0)
		kp->type = CTL_KEYTYPE_RSA;
	ctl_sql_text(st, 4, kp->fingerprint, sizeof(kp->fingerprint));
	ctl_sql_text(st, 5, kp->public_key, sizeof(kp->public_key));
	kp->created_ms = sqlite3_column_int64(st, 6);
}

int
ctl_keypair_get(sqlite3 *db, const char *account, enum ctl_keypair_by by,
    const char *key, struct ctl_keypair *ret, struct mc_err *err)
{
	sqlite3_stmt	*st;
	int		 rc;

	assert(by < CTL_KEYPAIR_BY__MAX);
	if (ctl_sql_prepare(db, &st, err, get_sql[by], "ss", account, key) < 0)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		kp_row(st, ret);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return mc_err_set(err, MC_EC_INTERNAL_ERROR, "cannot read key pairs");
}

int
ctl_keypair_find(sqlite3 *db, const char *account, const char *name,
    struct ctl_keypair *ret, struct mc_err *err)
{
	int found = ctl_keypair_get(db, account, CTL_KEYPAIR_BY_NAME, name,
	    ret, err);

	if (found == 0)
		return mc_err_set(err, MC_EC_INVALID_KEY_PAIR_NOT_FOUND,
		    "The key pair '%.255s' does not exist", name);
	return found > 0 ? 0 : -1;
}

int
ctl_keypair_insert(sqlite3 *db, const struct ctl_keypair *kp,
    struct mc_err *err)
{
	int64_t	n = 0;
	int	rc;

	if (ctl_sql_int(db, &n, err, "SELECT count(*) FROM key_pairs WHERE "
	    "account_id = ?", "s", kp->account) < 0)
		return -1;
	if (n >= CTL_KEYPAIRS_MAX)
		return mc_err_set(err, MC_EC_RESOURCE_LIMIT_EXCEEDED,
		    "You have reached the limit of %d key pairs; delete one "
		    "first", CTL_KEYPAIRS_MAX);
	rc = ctl_sql_run(db, err, "INSERT INTO key_pairs (id, account_id, "
	    "name, key_type, fingerprint, public_key, created_ms) VALUES "
	    "(?, ?, ?, ?, ?, ?, ?)", "ssssssi", kp->id, kp->account, kp->name,
	    ctl_keytype_name(kp->type), kp->fingerprint, kp->public_key,
	    kp->created_ms);
	if (rc == -2)
		return mc_err_set(err, MC_EC_INVALID_KEY_PAIR_DUPLICATE,
		    "The keypair '%.255s' already exists.", kp->name);
	return rc < 0 ? -1 : 0;
}

void
ctl_keypairs_free(struct ctl_keypair *v, size_t n)
{
	size_t i;

	for (i = 0; v != NULL && i < n; i++)
		free(v[i].tags);
	free(v);
}

int
ctl_keypairs_list(sqlite3 *db, const char *account, struct ctl_keypair **ret,
    size_t *ret_n, struct mc_err *err)
{
	struct ctl_keypair	*v = NULL, *nv;
	sqlite3_stmt		*st;
	size_t			 n = 0;
	int			 rc;

	if (ctl_sql_prepare(db, &st, err, KP_SELECT "WHERE account_id = ? "
	    "ORDER BY name", "s", account) < 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((nv = realloc(v, (n + 1) * sizeof(*v))) == NULL) {
			rc = SQLITE_NOMEM;
			break;
		}
		v = nv;
		kp_row(st, &v[n]);
		n++;
		if (ctl_tags_load(db, v[n - 1].id, &v[n - 1].tags,
		    &v[n - 1].n_tags, err) < 0) {
			rc = SQLITE_ERROR;
			break;
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		ctl_keypairs_free(v, n);
		return mc_err_set(err, MC_EC_INTERNAL_ERROR,
		    "cannot list key pairs");
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

/*
 * ctl_account: accounts and access keys in the store.  IDs and secrets
 * come from getrandom(2).
 */
#include <sys/random.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_err.h"
#include "mc_time.h"
#include "ctl_account.h"
#include "ctl_store.h"

#define NAME_CHARS	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" \
			"0123456789._-"
#define KEY_ALPHABET	"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"	/* base32 */
#define SECRET_ALPHABET	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" \
			"0123456789+/"
#define ID_TRIES	8	/* new random IDs tried on a collision */

/* Fill buf[0..n) from alphabet with uniform random picks, NUL at n. */
static int
random_text(char *buf, size_t n, const char *alphabet, struct mc_err *err)
{
	unsigned char	rnd[64];
	size_t		alen = strlen(alphabet), i;

	if (n > sizeof(rnd))
		return mc_err_sys(err, EINVAL, "random text too long");
	if (getrandom(rnd, n, 0) != (ssize_t)n)
		return mc_err_sys(err, errno, "no random bytes");
	/* Every alphabet here has a length dividing 256: no modulo bias. */
	for (i = 0; i < n; i++)
		buf[i] = alphabet[rnd[i] % alen];
	buf[n] = '\0';
	return 0;
}

int
ctl_account_name_check(const char *name, struct mc_err *err)
{
	size_t n = strlen(name);

	if (n == 0 || n > CTL_ACCOUNT_NAME_MAX || strspn(name, NAME_CHARS) != n ||
	    strchr("._-", name[0]) != NULL)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "account names are 1-%d of A-Z a-z 0-9 . _ - and start "
		    "with a letter or digit", CTL_ACCOUNT_NAME_MAX);
	return 0;
}

/* Run one statement with text bindings; returns the sqlite3_step code. */
static int
run(sqlite3 *db, const char *sql, const char *const *binds, int n_binds)
{
	sqlite3_stmt	*st = NULL;
	int		 rc, i;

	if ((rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL)) != SQLITE_OK)
		return rc;
	for (i = 0; i < n_binds; i++)
		(void)sqlite3_bind_text(st, i + 1, binds[i], -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc;
}

/* Insert a new key for account_id into db, retrying ID collisions. */
static int
key_insert(sqlite3 *db, const char *account_id, struct ctl_key *k,
    struct mc_err *err)
{
	char	ms[24];
	int	tries, rc = SQLITE_CONSTRAINT;

	memset(k, 0, sizeof(*k));
	k->created_ms = mc_time_now_ms();
	(void)snprintf(ms, sizeof(ms), "%lld", (long long)k->created_ms);
	(void)snprintf(k->account_id, sizeof(k->account_id), "%s", account_id);
	for (tries = 0; tries < ID_TRIES && rc == SQLITE_CONSTRAINT; tries++) {
		const char *b[4] = { k->id, account_id, k->secret, ms };

		memcpy(k->id, "AKIA", 4);
		if (random_text(k->id + 4, CTL_KEY_ID_LEN - 4, KEY_ALPHABET,
		    err) < 0 || random_text(k->secret, CTL_KEY_SECRET_LEN,
		    SECRET_ALPHABET, err) < 0)
			return -1;
		rc = run(db, "INSERT INTO access_keys (id, account_id, secret, "
		    "created_ms) VALUES (?, ?, ?, CAST(? AS INTEGER))", b, 4);
	}
	if (rc != SQLITE_DONE)
		return ctl_store_err(db, "cannot store the access key", err);
	return 0;
}

static int
account_insert(sqlite3 *db, const char *name, struct ctl_account *a,
    struct mc_err *err)
{
	char	ms[24];
	int	tries, rc = SQLITE_CONSTRAINT;

	memset(a, 0, sizeof(*a));
	(void)snprintf(a->name, sizeof(a->name), "%s", name);
	a->created_ms = mc_time_now_ms();
	(void)snprintf(ms, sizeof(ms), "%lld", (long long)a->created_ms);
	if (run(db, "SELECT 1 FROM accounts WHERE name = ?",
	    (const char *[]){ name }, 1) == SQLITE_ROW)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "an account named '%s' exists", name);
	for (tries = 0; tries < ID_TRIES && rc == SQLITE_CONSTRAINT; tries++) {
		const char *b[3] = { a->id, name, ms };

		if (random_text(a->id, CTL_ACCOUNT_ID_LEN, "0123456789", err) <
		    0)
			return -1;
		rc = run(db, "INSERT INTO accounts (id, name, created_ms) "
		    "VALUES (?, ?, CAST(? AS INTEGER))", b, 3);
	}
	if (rc != SQLITE_DONE)
		return ctl_store_err(db, "cannot store the account", err);
	a->n_keys = 1;
	return 0;
}

int
ctl_account_create(struct ctl_store *s, const char *name,
    struct ctl_account *ret, struct ctl_key *ret_key, struct mc_err *err)
{
	struct ctl_account	a;
	struct ctl_key		k;
	sqlite3			*db;
	int			 rc = -1;

	if (ctl_account_name_check(name, err) < 0)
		return -1;
	if ((db = ctl_store_get(s, err)) == NULL)
		return -1;
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
		ctl_store_err(db, "cannot lock the database", err);
		goto out;
	}
	if (account_insert(db, name, &a, err) < 0 ||
	    key_insert(db, a.id, &k, err) < 0 ||
	    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		ctl_store_err(db, "cannot create the account", err);
		(void)sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		goto out;
	}
	*ret = a;
	*ret_key = k;
	rc = 0;
out:
	ctl_store_put(s, db);
	return rc;
}

static void
row_account(sqlite3_stmt *st, struct ctl_account *a)
{
	memset(a, 0, sizeof(*a));
	(void)snprintf(a->id, sizeof(a->id), "%s",
	    (const char *)sqlite3_column_text(st, 0));
	(void)snprintf(a->name, sizeof(a->name), "%s",
	    (const char *)sqlite3_column_text(st, 1));
	a->created_ms = sqlite3_column_int64(st, 2);
	a->n_keys = sqlite3_column_int(st, 3);
}

#define ACCOUNT_COLS \
	"SELECT a.id, a.name, a.created_ms, " \
	"(SELECT count(*) FROM access_keys k WHERE k.account_id = a.id) " \
	"FROM accounts a "

int
ctl_account_list(struct ctl_store *s, struct ctl_account **ret,
    size_t *ret_n, struct mc_err *err)
{
	struct ctl_account	*v = NULL, *nv;
	size_t			 n = 0;
	sqlite3_stmt		*st = NULL;
	sqlite3			*db;
	int			 rc;

	if ((db = ctl_store_get(s, err)) == NULL)
		return -1;
	rc = sqlite3_prepare_v2(db, ACCOUNT_COLS "ORDER BY a.name", -1, &st,
	    NULL);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((nv = realloc(v, (n + 1) * sizeof(*v))) == NULL) {
			rc = SQLITE_NOMEM;
			break;
		}
		v = nv;
		row_account(st, &v[n++]);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(v);
		ctl_store_err(db, "cannot list accounts", err);
		ctl_store_put(s, db);
		return -1;
	}
	ctl_store_put(s, db);
	*ret = v;
	*ret_n = n;
	return 0;
}

/* Find by id or name on db.  Returns 1, 0 or -1 like ctl_account_find. */
static int
account_find(sqlite3 *db, const char *id_or_name, struct ctl_account *ret,
    struct mc_err *err)
{
	sqlite3_stmt	*st = NULL;
	int		 rc;

	if (sqlite3_prepare_v2(db, ACCOUNT_COLS
	    "WHERE a.id = ?1 OR a.name = ?1", -1, &st, NULL) != SQLITE_OK)
		return ctl_store_err(db, "cannot read accounts", err);
	(void)sqlite3_bind_text(st, 1, id_or_name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		row_account(st, ret);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return ctl_store_err(db, "cannot read accounts", err);
}

int
ctl_account_find(struct ctl_store *s, const char *id_or_name,
    struct ctl_account *ret, struct mc_err *err)
{
	sqlite3	*db;
	int	 rc;

	if ((db = ctl_store_get(s, err)) == NULL)
		return -1;
	rc = account_find(db, id_or_name, ret, err);
	ctl_store_put(s, db);
	return rc;
}

int
ctl_key_create(struct ctl_store *s, const char *account, struct ctl_key *ret,
    struct mc_err *err)
{
	struct ctl_account	 a;
	struct ctl_key		 k;
	sqlite3			*db;
	int			 rc = -1, found;

	if ((db = ctl_store_get(s, err)) == NULL)
		return -1;
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
		ctl_store_err(db, "cannot lock the database", err);
		goto out;
	}
	if ((found = account_find(db, account, &a, err)) == 0)
		mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "no account '%.64s'", account);
	else if (found > 0 && a.n_keys >= CTL_KEYS_PER_ACCOUNT)
		mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "account '%s' has %d keys, the most it may have; delete "
		    "one first", a.name, a.n_keys);
	else if (found > 0 && key_insert(db, a.id, &k, err) == 0 &&
	    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK)
		rc = 0;
	if (rc < 0) {
		ctl_store_err(db, "cannot create the key", err);
		(void)sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	} else {
		*ret = k;
	}
out:
	ctl_store_put(s, db);
	return rc;
}

int
ctl_key_delete(struct ctl_store *s, const char *key_id, struct mc_err *err)
{
	sqlite3	*db;
	int	 rc;

	if ((db = ctl_store_get(s, err)) == NULL)
		return -1;
	rc = run(db, "DELETE FROM access_keys WHERE id = ?",
	    (const char *[]){ key_id }, 1);
	if (rc == SQLITE_DONE)
		rc = sqlite3_changes(db) > 0 ? 1 : 0;
	else
		rc = ctl_store_err(db, "cannot delete the key", err);
	ctl_store_put(s, db);
	return rc;
}

static void
row_key(sqlite3_stmt *st, struct ctl_key *k, bool with_secret)
{
	memset(k, 0, sizeof(*k));
	(void)snprintf(k->id, sizeof(k->id), "%s",
	    (const char *)sqlite3_column_text(st, 0));
	(void)snprintf(k->account_id, sizeof(k->account_id), "%s",
	    (const char *)sqlite3_column_text(st, 1));
	if (with_secret)
		(void)snprintf(k->secret, sizeof(k->secret), "%s",
		    (const char *)sqlite3_column_text(st, 2));
	k->created_ms = sqlite3_column_int64(st, 3);
}

int
ctl_key_list(struct ctl_store *s, const char *account, struct ctl_key **ret,
    size_t *ret_n, struct mc_err *err)
{
	struct ctl_account	 a;
	struct ctl_key		*v = NULL, *nv;
	sqlite3_stmt		*st = NULL;
	sqlite3			*db;
	size_t			 n = 0;
	int			 rc, found;

	if ((db = ctl_store_get(s, err)) == NULL)
		return -1;
	if ((found = account_find(db, account, &a, err)) <= 0) {
		ctl_store_put(s, db);
		if (found == 0)
			mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
			    "no account '%.64s'", account);
		return -1;
	}
	rc = sqlite3_prepare_v2(db, "SELECT id, account_id, '', created_ms "
	    "FROM access_keys WHERE account_id = ? ORDER BY created_ms, id",
	    -1, &st, NULL);
	if (rc == SQLITE_OK)
		(void)sqlite3_bind_text(st, 1, a.id, -1, SQLITE_STATIC);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((nv = realloc(v, (n + 1) * sizeof(*v))) == NULL) {
			rc = SQLITE_NOMEM;
			break;
		}
		v = nv;
		row_key(st, &v[n++], false);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(v);
		ctl_store_err(db, "cannot list keys", err);
		ctl_store_put(s, db);
		return -1;
	}
	ctl_store_put(s, db);
	*ret = v;
	*ret_n = n;
	return 0;
}

int
ctl_key_lookup(struct ctl_store *s, const char *key_id, struct ctl_key *ret,
    struct mc_err *err)
{
	sqlite3_stmt	*st = NULL;
	sqlite3		*db;
	int		 rc;

	if ((db = ctl_store_get(s, err)) == NULL)
		return -1;
	rc = sqlite3_prepare_v2(db, "SELECT id, account_id, secret, "
	    "created_ms FROM access_keys WHERE id = ?", -1, &st, NULL);
	if (rc == SQLITE_OK) {
		(void)sqlite3_bind_text(st, 1, key_id, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW)
			row_key(st, ret, true);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		ctl_store_err(db, "cannot look up the access key", err);
	ctl_store_put(s, db);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

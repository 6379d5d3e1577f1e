/*
 * ctl_account: accounts and their access keys.  An account owns every
 * resource made with its keys; the API front door maps a request's key
 * to its account and nothing crosses accounts.  Used by the admin CLI
 * (create, list, delete) and by authentication (lookup).
 */
#ifndef CTL_ACCOUNT_H
#define CTL_ACCOUNT_H

#include <stddef.h>
#include <stdint.h>

struct mc_err;
struct ctl_store;

#define CTL_ACCOUNT_ID_LEN	12	/* digits */
#define CTL_ACCOUNT_NAME_MAX	64
#define CTL_KEY_ID_LEN		20	/* "AKIA" + 16 */
#define CTL_KEY_SECRET_LEN	40
#define CTL_KEYS_PER_ACCOUNT	10

struct ctl_account {
	char	id[CTL_ACCOUNT_ID_LEN + 1];
	char	name[CTL_ACCOUNT_NAME_MAX + 1];
	int64_t	created_ms;
	int	n_keys;
};

struct ctl_key {
	char	id[CTL_KEY_ID_LEN + 1];
	char	account_id[CTL_ACCOUNT_ID_LEN + 1];
	char	secret[CTL_KEY_SECRET_LEN + 1];
	int64_t	created_ms;
};

/*
 * Check an account name: 1-64 of A-Z a-z 0-9 . _ -, starting with a
 * letter or digit.  Returns 0, or -1 with err set.
 */
int	ctl_account_name_check(const char *name, struct mc_err *err);

/*
 * Create account name with its first access key, in one transaction.
 * Returns 0 and fills *ret and *ret_key, or -1 with err set (a name in
 * use, a bad name, a store failure).
 */
int	ctl_account_create(struct ctl_store *s, const char *name,
	    struct ctl_account *ret, struct ctl_key *ret_key,
	    struct mc_err *err);

/*
 * All accounts, by name.  On success *ret is a new array the caller
 * frees (NULL when there are none) and *ret_n its length.
 */
int	ctl_account_list(struct ctl_store *s, struct ctl_account **ret,
	    size_t *ret_n, struct mc_err *err);

/*
 * Find an account by id or name (borrowed).  Returns 1 and fills *ret,
 * 0 when there is none, or -1 with err set.
 */
int	ctl_account_find(struct ctl_store *s, const char *id_or_name,
	    struct ctl_account *ret, struct mc_err *err);

/*
 * Make a new access key for the account with this id or name.  Returns 0
 * and fills *ret, or -1 with err set (no such account, too many keys).
 */
int	ctl_key_create(struct ctl_store *s, const char *account,
	    struct ctl_key *ret, struct mc_err *err);

/* Delete access key key_id.  Returns 1, 0 when there was none, or -1. */
int	ctl_key_delete(struct ctl_store *s, const char *key_id,
	    struct mc_err *err);

/*
 * Keys of one account (by id or name), oldest first, secrets blanked.
 * *ret is a new array the caller frees (NULL when none).
 */
int	ctl_key_list(struct ctl_store *s, const char *account,
	    struct ctl_key **ret, size_t *ret_n, struct mc_err *err);

/*
 * Look up access key key_id for authentication.  Returns 1 and fills
 * *ret (with the secret), 0 when there is no such key, or -1 with err.
 */
int	ctl_key_lookup(struct ctl_store *s, const char *key_id,
	    struct ctl_key *ret, struct mc_err *err);

#endif /* CTL_ACCOUNT_H */

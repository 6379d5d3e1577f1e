/*
 * ctl_keypairs: EC2 key pairs (key-): the public keys of each account in
 * the store, the lookup RunInstances needs for KeyName, and the
 * CreateKeyPair, ImportKeyPair, DescribeKeyPairs and DeleteKeyPair
 * actions (ctl_keypairs_api.c).  A private key is returned once by
 * CreateKeyPair and never stored.  Key formats are ctl_keyfmt's job.
 */
#ifndef CTL_KEYPAIRS_H
#define CTL_KEYPAIRS_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "mc_id.h"
#include "ctl_keyfmt.h"
#include "ctl_tags.h"

struct ctl_req;
struct ctl_xml;
struct mc_err;

#define CTL_KEYPAIR_NAME_MAX	255	/* characters of a key name */
#define CTL_KEYPAIRS_MAX	5000	/* per account, as EC2 per region */

struct ctl_keypair {
	char			 id[MC_ID_MAX];
	char			 account[16];
	char			 name[CTL_KEYPAIR_NAME_MAX + 1];
	enum ctl_keytype	 type;
	char			 fingerprint[CTL_KEYFMT_FP_MAX];
	/* "ssh-rsa AAAA... comment": what goes in authorized_keys. */
	char			 public_key[CTL_KEYFMT_LINE_MAX];
	int64_t			 created_ms;
	struct ctl_tagkv	*tags;		/* owned; loaded on demand */
	size_t			 n_tags;
};

/*
 * Check a key name as EC2 does: 1 to 255 ASCII characters (printable
 * ones: a control character would not survive the XML).  name is
 * borrowed; NULL is MissingParameter.  Returns 0, or -1 with err set.
 */
int	ctl_keypair_name_check(const char *name, struct mc_err *err);

/*
 * The key pair of account called name (both borrowed), into *ret, tags
 * not loaded.  Returns 0, or -1 with err set: InvalidKeyPair.NotFound
 * ("The key pair 'NAME' does not exist", as EC2 words it) when account
 * has none of that name, an internal error otherwise.  RunInstances
 * checks its KeyName with it and copies ret->public_key.
 */
int	ctl_keypair_find(sqlite3 *db, const char *account, const char *name,
	    struct ctl_keypair *ret, struct mc_err *err);

/* What ctl_keypair_get looks a key pair up by. */
enum ctl_keypair_by {
	CTL_KEYPAIR_BY_NAME,
	CTL_KEYPAIR_BY_ID,
	CTL_KEYPAIR_BY__MAX
};

/*
 * The key pair of account whose name or id (as by says) is key, into
 * *ret, tags not loaded.  Returns 1, 0 when there is none, or -1 with
 * err set.
 */
int	ctl_keypair_get(sqlite3 *db, const char *account,
	    enum ctl_keypair_by by, const char *key, struct ctl_keypair *ret,
	    struct mc_err *err);

/*
 * Insert kp (borrowed) in the caller's transaction.  A name the account
 * already uses is InvalidKeyPair.Duplicate, more than CTL_KEYPAIRS_MAX
 * key pairs ResourceLimitExceeded.
 */
int	ctl_keypair_insert(sqlite3 *db, const struct ctl_keypair *kp,
	    struct mc_err *err);

/*
 * Every key pair of account by name, with tags.  *ret is a new array the
 * caller frees with ctl_keypairs_free (NULL when none).
 */
int	ctl_keypairs_list(sqlite3 *db, const char *account,
	    struct ctl_keypair **ret, size_t *ret_n, struct mc_err *err);

/* Free what ctl_keypairs_list made (NULL is fine). */
void	ctl_keypairs_free(struct ctl_keypair *v, size_t n);

/* EC2 actions (ctl_keypairs_api.c). */
int	ctl_keypairs_create(const struct ctl_req *req, struct ctl_xml *out,
	    struct mc_err *err);
int	ctl_keypairs_import(const struct ctl_req *req, struct ctl_xml *out,
	    struct mc_err *err);
int	ctl_keypairs_describe(const struct ctl_req *req, struct ctl_xml *out,
	    struct mc_err *err);
int	ctl_keypairs_delete(const struct ctl_req *req, struct ctl_xml *out,
	    struct mc_err *err);

#endif /* CTL_KEYPAIRS_H */

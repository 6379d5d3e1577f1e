/*
 * ctl_admin_accounts: the admin CLI's account and key commands.
 */
#include <stdio.h>
#include <stdlib.h>

#include "mc_cleanup.h"
#include "mc_err.h"
#include "mc_time.h"
#include "ctl_account.h"
#include "ctl_admin.h"

int
ctl_admin_account_create(const struct ctl_admin_args *a, struct mc_err *err)
{
	struct ctl_account	acct;
	struct ctl_key		k;

	if (ctl_account_create(a->store, a->argv[0], &acct, &k, err) < 0)
		return -1;
	printf("MINICLOUD_ACCOUNT_ID=%s\nAWS_ACCESS_KEY_ID=%s\n"
	    "AWS_SECRET_ACCESS_KEY=%s\n", acct.id, k.id, k.secret);
	return 0;
}

int
ctl_admin_account_list(const struct ctl_admin_args *a, struct mc_err *err)
{
	MC_AUTOFREE struct ctl_account	*v = NULL;
	char				 ts[MC_TIME_ISO_MAX];
	size_t				 n = 0, i;

	if (ctl_account_list(a->store, &v, &n, err) < 0)
		return -1;
	printf("%-12s  %-24s  %4s  %s\n", "ACCOUNT", "NAME", "KEYS", "CREATED");
	for (i = 0; i < n; i++) {
		mc_time_iso8601(v[i].created_ms, ts, sizeof(ts));
		printf("%-12s  %-24s  %4d  %s\n", v[i].id, v[i].name,
		    v[i].n_keys, ts);
	}
	return 0;
}

int
ctl_admin_key_create(const struct ctl_admin_args *a, struct mc_err *err)
{
	struct ctl_key k;

	if (ctl_key_create(a->store, a->argv[0], &k, err) < 0)
		return -1;
	printf("MINICLOUD_ACCOUNT_ID=%s\nAWS_ACCESS_KEY_ID=%s\n"
	    "AWS_SECRET_ACCESS_KEY=%s\n", k.account_id, k.id, k.secret);
	return 0;
}

int
ctl_admin_key_delete(const struct ctl_admin_args *a, struct mc_err *err)
{
	int rc = ctl_key_delete(a->store, a->argv[0], err);

	if (rc == 0)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "no access key '%.64s'", a->argv[0]);
	return rc < 0 ? -1 : 0;
}

int
ctl_admin_key_list(const struct ctl_admin_args *a, struct mc_err *err)
{
	MC_AUTOFREE struct ctl_key	*v = NULL;
	char				 ts[MC_TIME_ISO_MAX];
	size_t				 n = 0, i;

	if (ctl_key_list(a->store, a->argv[0], &v, &n, err) < 0)
		return -1;
	printf("%-20s  %-12s  %s\n", "ACCESS KEY", "ACCOUNT", "CREATED");
	for (i = 0; i < n; i++) {
		mc_time_iso8601(v[i].created_ms, ts, sizeof(ts));
		printf("%-20s  %-12s  %s\n", v[i].id, v[i].account_id, ts);
	}
	return 0;
}


/*
 * minicloud: the admin CLI.  Works on the controller's state directory
 * directly (SQLite serialises it against a running controller), so it
 * needs the same access to that directory as the controller, and takes
 * the controller's flags and config file to find it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_cleanup.h"
#include "mc_err.h"
#include "mc_fs.h"
#include "mc_time.h"
#include "ctl_account.h"
#include "ctl_conf.h"
#include "ctl_store.h"

#define PROG	"minicloud"

struct command {
	const char	*noun, *verb, *args;
	int		 n_args;
	int		(*fn)(struct ctl_store *s, char **argv,
			    struct mc_err *err);
	const char	*help;
};

static int
account_create(struct ctl_store *s, char **argv, struct mc_err *err)
{
	struct ctl_account	a;
	struct ctl_key		k;

	if (ctl_account_create(s, argv[0], &a, &k, err) < 0)
		return -1;
	printf("MINICLOUD_ACCOUNT_ID=%s\nAWS_ACCESS_KEY_ID=%s\n"
	    "AWS_SECRET_ACCESS_KEY=%s\n", a.id, k.id, k.secret);
	return 0;
}

static int
account_list(struct ctl_store *s, char **argv, struct mc_err *err)
{
	MC_AUTOFREE struct ctl_account	*v = NULL;
	char				 ts[MC_TIME_ISO_MAX];
	size_t				 n = 0, i;

	(void)argv;
	if (ctl_account_list(s, &v, &n, err) < 0)
		return -1;
	printf("%-12s  %-24s  %4s  %s\n", "ACCOUNT", "NAME", "KEYS", "CREATED");
	for (i = 0; i < n; i++) {
		mc_time_iso8601(v[i].created_ms, ts, sizeof(ts));
		printf("%-12s  %-24s  %4d  %s\n", v[i].id, v[i].name,
		    v[i].n_keys, ts);
	}
	return 0;
}

static int
key_create(struct ctl_store *s, char **argv, struct mc_err *err)
{
	struct ctl_key k;

	if (ctl_key_create(s, argv[0], &k, err) < 0)
		return -1;
	printf("MINICLOUD_ACCOUNT_ID=%s\nAWS_ACCESS_KEY_ID=%s\n"
	    "AWS_SECRET_ACCESS_KEY=%s\n", k.account_id, k.id, k.secret);
	return 0;
}

static int
key_delete(struct ctl_store *s, char **argv, struct mc_err *err)
{
	int rc = ctl_key_delete(s, argv[0], err);

	if (rc == 0)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "no access key '%.64s'", argv[0]);
	return rc < 0 ? -1 : 0;
}

static int
key_list(struct ctl_store *s, char **argv, struct mc_err *err)
{
	MC_AUTOFREE struct ctl_key	*v = NULL;
	char				 ts[MC_TIME_ISO_MAX];
	size_t				 n = 0, i;

	if (ctl_key_list(s, argv[0], &v, &n, err) < 0)
		return -1;
	printf("%-20s  %-12s  %s\n", "ACCESS KEY", "ACCOUNT", "CREATED");
	for (i = 0; i < n; i++) {
		mc_time_iso8601(v[i].created_ms, ts, sizeof(ts));
		printf("%-20s  %-12s  %s\n", v[i].id, v[i].account_id, ts);
	}
	return 0;
}

static const struct command commands[] = {
	{ "account", "create", "NAME", 1, account_create,
	    "make an account and its first access key (shell assignments)" },
	{ "account", "list", "", 0, account_list, "list accounts" },
	{ "key", "create", "ACCOUNT", 1, key_create,
	    "make another access key for ACCOUNT (id or name)" },
	{ "key", "delete", "KEYID", 1, key_delete, "delete an access key" },
	{ "key", "list", "ACCOUNT", 1, key_list,
	    "list the access keys of ACCOUNT" },
};

static void
usage(FILE *out)
{
	size_t i;

	fprintf(out, "usage: " PROG " [--state-dir DIR] [--config FILE] "
	    "COMMAND...\n\ncommands:\n");
	for (i = 0; i < MC_NELEMS(commands); i++)
		fprintf(out, "  %s %s %-8s %s\n", commands[i].noun,
		    commands[i].verb, commands[i].args, commands[i].help);
	fprintf(out, "\nThe state directory is the controller's: --state-dir, "
	    "else state-dir in\nthe config file (default "
	    CTL_CONF_DEFAULT_PATH "), else /var/lib/minicloud.\n");
}

static const struct command *
find_command(int argc, char **argv)
{
	size_t i;

	if (argc < 2)
		return NULL;
	for (i = 0; i < MC_NELEMS(commands); i++)
		if (strcmp(argv[0], commands[i].noun) == 0 &&
		    strcmp(argv[1], commands[i].verb) == 0 &&
		    argc - 2 == commands[i].n_args)
			return &commands[i];
	return NULL;
}

static int
run(const struct ctl_conf *conf, const struct command *cmd, char **argv,
    struct mc_err *err)
{
	struct ctl_store	*s = NULL;
	int			 rc;

	if (mc_fs_mkdirs(conf->state_dir, 0700, err) < 0 ||
	    ctl_store_open(conf->state_dir, &s, err) < 0)
		return -1;
	rc = cmd->fn(s, argv, err);
	ctl_store_free(s);
	return rc;
}

int
main(int argc, char *argv[])
{
	struct ctl_conf		 conf;
	struct mc_err		 err = { 0 };
	enum mc_conf_verb	 verb;
	const struct command	*cmd;
	int			 argi = argc, rc = 1;

	if (ctl_conf_load(&conf, argc, argv, &verb, &argi, &err) < 0) {
		fprintf(stderr, PROG ": %s\n", err.msg);
		goto out;
	}
	if (verb == MC_CONF_HELP) {
		usage(stdout);
		rc = 0;
		goto out;
	}
	if ((cmd = find_command(argc - argi, argv + argi)) == NULL) {
		usage(stderr);
		goto out;
	}
	if (run(&conf, cmd, argv + argi + 2, &err) < 0)
		fprintf(stderr, PROG ": %s\n", err.msg);
	else
		rc = 0;
out:
	ctl_conf_clear(&conf);
	return rc;
}

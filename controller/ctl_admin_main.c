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
#include "ctl_admin.h"
#include "ctl_conf.h"
#include "ctl_store.h"

#define PROG	"minicloud"

struct command {
	const char	*noun, *verb, *args;
	int		 min_args, max_args;
	int		(*fn)(const struct ctl_admin_args *a,
			    struct mc_err *err);
	const char	*help;
};

static const struct command commands[] = {
	{ "account", "create", "NAME", 1, 1, ctl_admin_account_create,
	    "make an account and its first access key (shell assignments)" },
	{ "account", "list", "", 0, 0, ctl_admin_account_list,
	    "list accounts" },
	{ "key", "create", "ACCOUNT", 1, 1, ctl_admin_key_create,
	    "make another access key for ACCOUNT (id or name)" },
	{ "key", "delete", "KEYID", 1, 1, ctl_admin_key_delete,
	    "delete an access key" },
	{ "key", "list", "ACCOUNT", 1, 1, ctl_admin_key_list,
	    "list the access keys of ACCOUNT" },
	{ "host", "list", "", 0, 0, ctl_admin_host_list,
	    "list hosts: zone, up/down, admin state, accelerator, capacity "
	    "and use" },
	{ "host", "enable", "HOST", 1, 1, ctl_admin_host_enable,
	    "let HOST take new instances again" },
	{ "host", "disable", "HOST", 1, 1, ctl_admin_host_disable,
	    "place no new instance on HOST (its own stay, and can stop and "
	    "start)" },
	{ "host", "drain", "HOST", 1, 1, ctl_admin_host_drain,
	    "disable HOST, shown draining until its instances are gone\n"
	    "      (they are not moved: there is no live migration)" },
	{ "host", "stop-instances", "HOST", 1, 1,
	    ctl_admin_host_stop_instances,
	    "stop (hard) every running instance of HOST" },
	{ "image", "import", "PATH|URL --name NAME [--kernel F --ramdisk F "
	    "--cmdline S] [--description D] [--account A|--public]", 3, 13,
	    ctl_admin_image_import, "\n      import an image file into the "
	    "store; prints its id" },
	{ "image", "list", "", 0, 0, ctl_admin_image_list,
	    "list every image: id, owner, state, name" },
	{ "explain", "INSTANCE", "", 0, 0, ctl_admin_explain,
	    "what the cloud did for an instance: host, domain XML, disks" },
};

static void
usage(FILE *out)
{
	size_t i;

	fprintf(out, "usage: " PROG " [--state-dir DIR] [--config FILE] "
	    "COMMAND...\n\ncommands:\n");
	for (i = 0; i < MC_NELEMS(commands); i++)
		fprintf(out, "  %s %s %s  %s\n", commands[i].noun,
		    commands[i].verb, commands[i].args, commands[i].help);
	fprintf(out, "\nThe state directory is the controller's: --state-dir, "
	    "else state-dir in\nthe config file (default "
	    CTL_CONF_DEFAULT_PATH "), else /var/lib/minicloud.\n");
}

/*
 * The command argv names, with its arguments in range.  "explain" takes
 * the instance id where other commands have a verb.
 */
static const struct command *
find_command(int argc, char **argv)
{
	size_t i;

	if (argc >= 2 && strcmp(argv[0], "explain") == 0 && argc == 2)
		return &commands[MC_NELEMS(commands) - 1];
	if (argc < 2)
		return NULL;
	for (i = 0; i < MC_NELEMS(commands); i++)
		if (strcmp(argv[0], commands[i].noun) == 0 &&
		    strcmp(argv[1], commands[i].verb) == 0 &&
		    argc - 2 >= commands[i].min_args &&
		    argc - 2 <= commands[i].max_args)
			return &commands[i];
	return NULL;
}

static int
run(const struct ctl_conf *conf, const struct command *cmd, int argc,
    char **argv, struct mc_err *err)
{
	struct ctl_admin_args	a = { conf, NULL, argc, argv };
	int			rc;

	if (mc_fs_mkdirs(conf->state_dir, 0700, err) < 0 ||
	    ctl_store_open(conf->state_dir, &a.store, err) < 0)
		return -1;
	rc = cmd->fn(&a, err);
	ctl_store_free(a.store);
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
	/* explain's argument is its "verb". */
	if (strcmp(cmd->noun, "explain") == 0)
		argi--;
	if (run(&conf, cmd, argc - argi - 2, argv + argi + 2, &err) < 0)
		fprintf(stderr, PROG ": %s\n", err.msg);
	else
		rc = 0;
out:
	ctl_conf_clear(&conf);
	return rc;
}

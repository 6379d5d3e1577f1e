/*
 * ctl_admin: the commands of the admin CLI (bin/minicloud).  Each works
 * on the controller's store directly and prints for people (lists) or
 * for shells (NAME=value lines).  Errors are returned, not printed.
 */
#ifndef CTL_ADMIN_H
#define CTL_ADMIN_H

struct ctl_conf;
struct ctl_store;
struct mc_err;

/* A command's arguments: what follows "NOUN VERB" on the command line. */
struct ctl_admin_args {
	const struct ctl_conf	*conf;
	struct ctl_store	*store;
	int			 argc;
	char			**argv;
};

int	ctl_admin_account_create(const struct ctl_admin_args *a,
	    struct mc_err *err);
int	ctl_admin_account_list(const struct ctl_admin_args *a,
	    struct mc_err *err);
int	ctl_admin_key_create(const struct ctl_admin_args *a,
	    struct mc_err *err);
int	ctl_admin_key_delete(const struct ctl_admin_args *a,
	    struct mc_err *err);
int	ctl_admin_key_list(const struct ctl_admin_args *a, struct mc_err *err);
int	ctl_admin_host_list(const struct ctl_admin_args *a, struct mc_err *err);
/* enable, disable, drain: set HOST's admin state; unknown: an error. */
int	ctl_admin_host_enable(const struct ctl_admin_args *a,
	    struct mc_err *err);
int	ctl_admin_host_disable(const struct ctl_admin_args *a,
	    struct mc_err *err);
int	ctl_admin_host_drain(const struct ctl_admin_args *a,
	    struct mc_err *err);
int	ctl_admin_host_stop_instances(const struct ctl_admin_args *a,
	    struct mc_err *err);
int	ctl_admin_image_import(const struct ctl_admin_args *a,
	    struct mc_err *err);
int	ctl_admin_image_list(const struct ctl_admin_args *a,
	    struct mc_err *err);
int	ctl_admin_explain(const struct ctl_admin_args *a, struct mc_err *err);

#endif /* CTL_ADMIN_H */

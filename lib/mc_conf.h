/*
 * mc_conf: settings of a daemon from a config file and --flags, driven
 * by one table per daemon (name, type, default, help).  The same table
 * makes --help.  It parses and checks values; it does not know what a
 * setting means.  Errors read "FILE:LINE: message" or "--flag: message".
 */
#ifndef MC_CONF_H
#define MC_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct mc_err;

enum mc_conf_type {
	MC_CONF_STR,		/* char *, owned by the parsed struct */
	MC_CONF_INT,		/* long long, within [min, max] */
	MC_CONF_BOOL,		/* bool: true/false, yes/no, on/off, 1/0 */
	MC_CONF_ADDR,		/* struct mc_addr: "IP:PORT" or "[IPv6]:PORT" */
	MC_CONF_LIST,		/* struct mc_strv: the setting may repeat */
	MC_CONF__MAX
};

#define MC_ADDR_HOST_MAX	46	/* INET6_ADDRSTRLEN */

struct mc_addr {
	char		host[MC_ADDR_HOST_MAX];	/* numeric address */
	uint16_t	port;			/* 0: any free port */
};

struct mc_strv {
	char	**v;		/* owned strings */
	size_t	  n;
};

struct mc_conf_setting {
	const char		*name;	/* key in the file; --name as a flag */
	enum mc_conf_type	 type;
	const char		*def;	/* default as text; NULL: unset */
	const char		*help;
	size_t			 offset; /* of the value in the daemon's struct */
	long long		 min, max; /* MC_CONF_INT bounds */
	/* Optional extra check of one value; 0, or -1 with err set. */
	int			(*check)(const char *value, struct mc_err *err);
};

enum mc_conf_verb {
	MC_CONF_RUN,		/* start the program */
	MC_CONF_HELP,		/* --help was given */
	MC_CONF_CHECK,		/* --check-config: the config is good, stop */
};

/*
 * Fill dst (zeroed by the caller) from tab: defaults first, then the
 * config file (--config FILE, else default_path when that file exists),
 * then flags, which win.  With ret_argi NULL, arguments that are not
 * flags are an error; otherwise parsing stops at the first of them and
 * *ret_argi is its index.  Returns 0 and sets *ret_verb, or -1 with err
 * set (dst may then hold some values: free it with mc_conf_clear).
 */
int	mc_conf_load(const struct mc_conf_setting *tab, size_t n, void *dst,
	    int argc, char *const argv[], const char *default_path,
	    enum mc_conf_verb *ret_verb, int *ret_argi, struct mc_err *err);

/* Free what mc_conf_load stored in dst. */
void	mc_conf_clear(const struct mc_conf_setting *tab, size_t n, void *dst);

/* Print --help text for tab to out. */
void	mc_conf_usage(const char *prog, const struct mc_conf_setting *tab,
	    size_t n, FILE *out);

/* Parse "IP:PORT" or "[IPv6]:PORT" (borrowed).  Returns 0, or -1 with err. */
int	mc_addr_parse(const char *s, struct mc_addr *ret_addr,
	    struct mc_err *err);

/* A config-table check: s is an http:// or https:// URL. */
int	mc_conf_check_url(const char *s, struct mc_err *err);

/* Format addr as "IP:PORT" or "[IPv6]:PORT" into buf. */
void	mc_addr_format(const struct mc_addr *addr, char *buf, size_t bufsz);

#endif /* MC_CONF_H */

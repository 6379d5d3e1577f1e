/*
 * mc_conf: table-driven settings from a file and flags.  Each setting
 * is parsed by the row for its type; a new type is a new row.
 */
#include <arpa/inet.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mc_cleanup.h"
#include "mc_conf.h"
#include "mc_err.h"

#define CONF_LINE_MAX	4096
#define CONF_LIST_MAX	1024	/* values of one repeatable setting */

struct conf_src {
	const char	*file;	/* NULL: a flag */
	int		 line;
};

static int
set_err(struct mc_err *err, const struct conf_src *src, const char *name,
    const char *msg)
{
	if (src->file != NULL)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "%s:%d: %s: %s", src->file, src->line, name, msg);
	return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE, "--%s: %s", name,
	    msg);
}

int
mc_addr_parse(const char *s, struct mc_addr *ret_addr, struct mc_err *err)
{
	struct mc_addr	 a;
	const char	*colon, *host = s;
	size_t		 hlen;
	char		*end;
	unsigned char	 bin[16];
	long		 port;
	int		 af = AF_INET;

	memset(&a, 0, sizeof(a));
	if ((colon = strrchr(s, ':')) == NULL)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "'%.64s' is not ADDR:PORT", s);
	hlen = (size_t)(colon - s);
	if (s[0] == '[') {
		if (hlen < 2 || s[hlen - 1] != ']')
			return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
			    "'%.64s' is not [IPv6]:PORT", s);
		host = s + 1;
		hlen -= 2;
		af = AF_INET6;
	}
	if (hlen == 0 || hlen >= sizeof(a.host))
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "'%.64s' has no valid address", s);
	memcpy(a.host, host, hlen);
	if (inet_pton(af, a.host, bin) != 1)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "'%.64s' is not a numeric IP address", a.host);
	errno = 0;
	port = strtol(colon + 1, &end, 10);
	if (colon[1] == '\0' || *end != '\0' || errno != 0 || port < 0 ||
	    port > 65535)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "'%.64s' has no valid port (0-65535)", s);
	a.port = (uint16_t)port;
	*ret_addr = a;
	return 0;
}

int
mc_conf_check_url(const char *s, struct mc_err *err)
{
	if (strncmp(s, "http://", 7) != 0 && strncmp(s, "https://", 8) != 0)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "'%.64s' is not an http:// or https:// URL", s);
	return 0;
}

void
mc_addr_format(const struct mc_addr *addr, char *buf, size_t bufsz)
{
	if (strchr(addr->host, ':') != NULL)
		(void)snprintf(buf, bufsz, "[%s]:%u", addr->host, addr->port);
	else
		(void)snprintf(buf, bufsz, "%s:%u", addr->host, addr->port);
}

static int
parse_bool(const char *v, bool *ret)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };
	size_t i;

	for (i = 0; i < MC_NELEMS(yes); i++) {
		if (strcasecmp(v, yes[i]) == 0)
			return *ret = true, 0;
		if (strcasecmp(v, no[i]) == 0)
			return *ret = false, 0;
	}
	return -1;
}

/*
 * One setter per type: store value (borrowed) in slot.  Returns 0, or -1
 * with a reason in msg (or err for a system failure).
 */
static int
set_str(const struct mc_conf_setting *s, void *slot, const char *value,
    char *msg, size_t msgsz, struct mc_err *err)
{
	char *copy = strdup(value);

	(void)s;
	(void)msg;
	(void)msgsz;
	if (copy == NULL)
		return mc_err_sys(err, errno, "out of memory");
	free(*(char **)slot);
	*(char **)slot = copy;
	return 0;
}

static int
set_int(const struct mc_conf_setting *s, void *slot, const char *value,
    char *msg, size_t msgsz, struct mc_err *err)
{
	char		*end;
	long long	 v;

	(void)err;
	errno = 0;
	v = strtoll(value, &end, 10);
	if (*value == '\0' || *end != '\0' || errno != 0 || v < s->min ||
	    v > s->max) {
		(void)snprintf(msg, msgsz, "'%.64s' is not an integer from "
		    "%lld to %lld", value, s->min, s->max);
		return -1;
	}
	*(long long *)slot = v;
	return 0;
}

static int
set_bool(const struct mc_conf_setting *s, void *slot, const char *value,
    char *msg, size_t msgsz, struct mc_err *err)
{
	(void)s;
	(void)err;
	if (parse_bool(value, (bool *)slot) == 0)
		return 0;
	(void)snprintf(msg, msgsz, "'%.64s' is not true or false", value);
	return -1;
}

static int
set_addr(const struct mc_conf_setting *s, void *slot, const char *value,
    char *msg, size_t msgsz, struct mc_err *err)
{
	struct mc_err e = { 0 };

	(void)s;
	(void)err;
	if (mc_addr_parse(value, (struct mc_addr *)slot, &e) == 0)
		return 0;
	(void)snprintf(msg, msgsz, "%s", e.msg);
	return -1;
}

static int
set_list(const struct mc_conf_setting *s, void *slot, const char *value,
    char *msg, size_t msgsz, struct mc_err *err)
{
	struct mc_strv	 *sv = slot;
	char		**nv;

	(void)s;
	if (sv->n >= CONF_LIST_MAX) {
		(void)snprintf(msg, msgsz, "too many values");
		return -1;
	}
	if ((nv = realloc(sv->v, (sv->n + 1) * sizeof(*nv))) == NULL)
		return mc_err_sys(err, errno, "out of memory");
	sv->v = nv;
	if ((sv->v[sv->n] = strdup(value)) == NULL)
		return mc_err_sys(err, errno, "out of memory");
	sv->n++;
	return 0;
}

static int (*const setters[MC_CONF__MAX])(const struct mc_conf_setting *,
    void *, const char *, char *, size_t, struct mc_err *) = {
	[MC_CONF_STR] = set_str,
	[MC_CONF_INT] = set_int,
	[MC_CONF_BOOL] = set_bool,
	[MC_CONF_ADDR] = set_addr,
	[MC_CONF_LIST] = set_list,
};

/* Check value (borrowed) and store it into the setting's slot in dst. */
static int
conf_set(const struct mc_conf_setting *s, void *dst, const char *value,
    const struct conf_src *src, struct mc_err *err)
{
	struct mc_err	e = { 0 };
	char		msg[200] = "";

	if (s->check != NULL && s->check(value, &e) < 0)
		return set_err(err, src, s->name, e.msg);
	if (setters[s->type](s,
	    (char *)dst + s->offset, value, msg, sizeof(msg), &e) < 0)
		return msg[0] != '\0' ? set_err(err, src, s->name, msg) :
		    mc_err_sys(err, e.sys_errno, "%s", e.msg);
	return 0;
}

static const struct mc_conf_setting *
conf_find(const struct mc_conf_setting *tab, size_t n, const char *name,
    size_t len)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strlen(tab[i].name) == len &&
		    strncmp(tab[i].name, name, len) == 0)
			return &tab[i];
	return NULL;
}

static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' ||
	    e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/* Apply one "name = value" line of a config file. */
static int
conf_line(const struct mc_conf_setting *tab, size_t n, void *dst, char *line,
    const struct conf_src *src, struct mc_err *err)
{
	const struct mc_conf_setting	*s;
	char				*p = trim(line), *eq, *name;

	if (*p == '\0' || *p == '#')
		return 0;
	if ((eq = strchr(p, '=')) == NULL)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "%s:%d: expected 'name = value'", src->file, src->line);
	*eq = '\0';
	name = trim(p);
	if ((s = conf_find(tab, n, name, strlen(name))) == NULL)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "%s:%d: unknown setting '%.64s'", src->file, src->line,
		    name);
	return conf_set(s, dst, trim(eq + 1), src, err);
}

static int
conf_file(const struct mc_conf_setting *tab, size_t n, void *dst,
    const char *path, bool must_exist, struct mc_err *err)
{
	MC_CLEANUP(mc_fclosep) FILE *f = NULL;
	char			 line[CONF_LINE_MAX];
	struct conf_src		 src = { path, 0 };

	if ((f = fopen(path, "re")) == NULL) {
		if (errno == ENOENT && !must_exist)
			return 0;
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "%s: cannot read config: %s", path, strerror(errno));
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		src.line++;
		if (strchr(line, '\n') == NULL && !feof(f))
			return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
			    "%s:%d: line too long", path, src.line);
		if (conf_line(tab, n, dst, line, &src, err) < 0)
			return -1;
	}
	if (ferror(f))
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "%s: read error: %s", path, strerror(errno));
	return 0;
}

static int
conf_defaults(const struct mc_conf_setting *tab, size_t n, void *dst,
    struct mc_err *err)
{
	struct conf_src	src = { "(default)", 0 };
	size_t		i;

	for (i = 0; i < n; i++)
		if (tab[i].def != NULL &&
		    conf_set(&tab[i], dst, tab[i].def, &src, err) < 0)
			return -1;
	return 0;
}

/*
 * Walk the flags.  First pass (apply false): only --config and the verbs.
 * Second pass (apply true): every setting, after the file was read.
 */
static int
conf_flags(const struct mc_conf_setting *tab, size_t n, void *dst, int argc,
    char *const argv[], bool apply, const char **ret_config,
    enum mc_conf_verb *verb, int *ret_argi, struct mc_err *err)
{
	const struct mc_conf_setting	*s;
	struct conf_src			 src = { NULL, 0 };
	const char			*a, *val, *eq;
	size_t				 len;
	int				 i;

	for (i = 1; i < argc; i++) {
		a = argv[i];
		if (strncmp(a, "--", 2) != 0 || a[2] == '\0') {
			if (ret_argi != NULL)
				break;
			return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
			    "unexpected argument '%.64s' (see --help)", a);
		}
		a += 2;
		eq = strchr(a, '=');
		len = eq != NULL ? (size_t)(eq - a) : strlen(a);
		if (len == 4 && strncmp(a, "help", 4) == 0) {
			*verb = MC_CONF_HELP;
			continue;
		}
		if (len == 12 && strncmp(a, "check-config", 12) == 0) {
			*verb = MC_CONF_CHECK;
			continue;
		}
		s = conf_find(tab, n, a, len);
		if (s == NULL && !(len == 6 && strncmp(a, "config", 6) == 0))
			return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
			    "unknown option '--%.*s' (see --help)", (int)len,
			    a);
		if (eq != NULL)
			val = eq + 1;
		else if (s != NULL && s->type == MC_CONF_BOOL)
			val = "true";
		else if (i + 1 < argc)
			val = argv[++i];
		else
			return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
			    "option '--%.*s' needs a value", (int)len, a);
		if (s == NULL)
			*ret_config = val;
		else if (apply && conf_set(s, dst, val, &src, err) < 0)
			return -1;
	}
	if (ret_argi != NULL)
		*ret_argi = i;
	return 0;
}

int
mc_conf_load(const struct mc_conf_setting *tab, size_t n, void *dst,
    int argc, char *const argv[], const char *default_path,
    enum mc_conf_verb *ret_verb, int *ret_argi, struct mc_err *err)
{
	const char		*path = NULL;
	enum mc_conf_verb	 verb = MC_CONF_RUN;

	if (conf_defaults(tab, n, dst, err) < 0 ||
	    conf_flags(tab, n, dst, argc, argv, false, &path, &verb, ret_argi,
	    err) < 0)
		return -1;
	if (verb == MC_CONF_HELP) {
		*ret_verb = verb;
		return 0;
	}
	if (path != NULL) {
		if (conf_file(tab, n, dst, path, true, err) < 0)
			return -1;
	} else if (default_path != NULL &&
	    conf_file(tab, n, dst, default_path, false, err) < 0)
		return -1;
	if (conf_flags(tab, n, dst, argc, argv, true, &path, &verb, ret_argi,
	    err) < 0)
		return -1;
	*ret_verb = verb;
	return 0;
}

void
mc_conf_clear(const struct mc_conf_setting *tab, size_t n, void *dst)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		void *slot = (char *)dst + tab[i].offset;

		if (tab[i].type == MC_CONF_STR) {
			free(*(char **)slot);
			*(char **)slot = NULL;
		} else if (tab[i].type == MC_CONF_LIST) {
			struct mc_strv *sv = slot;

			for (j = 0; j < sv->n; j++)
				free(sv->v[j]);
			free(sv->v);
			sv->v = NULL;
			sv->n = 0;
		}
	}
}

void
mc_conf_usage(const char *prog, const struct mc_conf_setting *tab, size_t n,
    FILE *out)
{
	static const char *const type_names[MC_CONF__MAX] = {
		[MC_CONF_STR] = "STRING", [MC_CONF_INT] = "N",
		[MC_CONF_BOOL] = "BOOL", [MC_CONF_ADDR] = "ADDR:PORT",
		[MC_CONF_LIST] = "VALUE",
	};
	size_t i;

	fprintf(out, "usage: %s [--config FILE] [--check-config] [--OPTION "
	    "VALUE]...\n\nEvery option can also be set in the config file as "
	    "'OPTION = VALUE'.\n\n", prog);
	for (i = 0; i < n; i++) {
		fprintf(out, "  --%s %s\n      %s", tab[i].name,
		    type_names[tab[i].type], tab[i].help);
		if (tab[i].def != NULL && tab[i].def[0] != '\0')
			fprintf(out, " (default: %s)", tab[i].def);
		if (tab[i].type == MC_CONF_LIST)
			fprintf(out, " (may repeat)");
		fputc('\n', out);
	}
}

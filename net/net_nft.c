/*
 * net_nft: every call is one libnftables run inside the namespace: the
 * calling thread enters it, makes a fresh context (whose netlink socket
 * then belongs to that namespace), runs, and leaves.  Scripts are run
 * from a memfd rather than a string, because only for files does nft
 * say on which line an error is.
 */
#include <sys/mman.h>

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <nftables/libnftables.h>

#include "mc_cleanup.h"
#include "mc_err.h"
#include "net_name.h"
#include "net_nft.h"
#include "net_ns.h"

#define ERR_WORD	"Error: "
#define SOURCE_MAX	80	/* characters of the offending line we quote */

/*
 * libnftables keeps some process-wide state (its caches of names, the
 * big-number library) that we do not trust with two threads at once.
 */
static pthread_mutex_t nft_lock = PTHREAD_MUTEX_INITIALIZER;

static const char *const families[] = {
	"ip", "ip6", "inet", "arp", "bridge", "netdev",
};

/* What one run of nft left. */
struct run {
	int	 rc;		/* nft's: 0 or -1 */
	char	*out;		/* its output, owned */
	char	*errs;		/* its error text, owned */
	char	 path[32];	/* how nft named the script in errors */
};

static void
run_clear(struct run *r)
{
	free(r->out);
	free(r->errs);
}

/* A memfd holding script: nft reads it as /proc/self/fd/N. */
static int
script_fd(const char *script, struct mc_err *err)
{
	size_t	len = strlen(script), off;
	ssize_t	n;
	int	fd;

	fd = memfd_create("nft-script", MFD_CLOEXEC);
	if (fd < 0)
		return mc_err_sys(err, errno, "cannot hold nft script: %s",
		    strerror(errno));
	for (off = 0; off < len; off += (size_t)n) {
		n = write(fd, script + off, len - off);
		if (n < 0 && errno == EINTR)
			n = 0;
		else if (n < 0) {
			(void)mc_err_sys(err, errno, "cannot hold nft script: "
			    "%s", strerror(errno));
			(void)close(fd);
			return -1;
		}
	}
	return fd;
}

static char *
dup_or_empty(const char *s)
{
	return strdup(s != NULL ? s : "");
}

/* Run the script at r->path with a fresh context in this namespace. */
static int
run_here(struct run *r, struct mc_err *err)
{
	struct nft_ctx *ctx;

	ctx = nft_ctx_new(NFT_CTX_DEFAULT);
	if (ctx == NULL)
		return mc_err_sys(err, ENOMEM, "cannot start libnftables");
	/* Buffered: nothing of nft's reaches our stdout or stderr. */
	if (nft_ctx_buffer_output(ctx) != 0 || nft_ctx_buffer_error(ctx) != 0) {
		nft_ctx_free(ctx);
		return mc_err_sys(err, ENOMEM, "cannot start libnftables");
	}
	r->rc = nft_run_cmd_from_filename(ctx, r->path);
	r->out = dup_or_empty(nft_ctx_get_output_buffer(ctx));
	r->errs = dup_or_empty(nft_ctx_get_error_buffer(ctx));
	nft_ctx_free(ctx);
	if (r->out == NULL || r->errs == NULL)
		return mc_err_sys(err, ENOMEM, "out of memory");
	return 0;
}

/* Run script in ns; 0 with *r filled (r->rc says how nft took it). */
static int
run(const char *ns, const char *script, struct run *r, struct mc_err *err)
{
	MC_AUTOCLOSE int	fd = -1;
	int			prev, rc;

	memset(r, 0, sizeof(*r));
	if ((fd = script_fd(script, err)) < 0)
		return -1;
	(void)snprintf(r->path, sizeof(r->path), "/proc/self/fd/%d", fd);
	(void)pthread_mutex_lock(&nft_lock);
	rc = net_ns_enter(ns, &prev, err);
	if (rc == 0) {
		rc = run_here(r, err);
		if (net_ns_leave(prev, err) < 0)
			rc = -1;
	}
	(void)pthread_mutex_unlock(&nft_lock);
	return rc;
}

/*
 * nft writes each error as "PATH:LINE:COLS: Error: MESSAGE", then the
 * source line, then a line of carets.  Find the first: its message,
 * line number (0 when not given) and source line.
 */
static void
first_error(const struct run *r, char *msg, size_t msgsz, unsigned long *line,
    char *src, size_t srcsz)
{
	const char	*e = strstr(r->errs, ERR_WORD), *bol, *eol, *s;
	size_t		 plen = strlen(r->path);

	*line = 0;
	src[0] = '\0';
	if (e == NULL) {
		/* Not the usual form: the first line is all we have. */
		(void)snprintf(msg, msgsz, "%.*s",
		    (int)strcspn(r->errs, "\n"), r->errs);
		return;
	}
	for (bol = e; bol > r->errs && bol[-1] != '\n'; bol--)
		;
	if (strncmp(bol, r->path, plen) == 0 && bol[plen] == ':')
		*line = strtoul(bol + plen + 1, NULL, 10);
	e += strlen(ERR_WORD);
	(void)snprintf(msg, msgsz, "%.*s", (int)strcspn(e, "\n"), e);
	if ((eol = strchr(e, '\n')) == NULL)
		return;
	s = eol + 1 + strspn(eol + 1, " \t");
	(void)snprintf(src, srcsz, "%.*s", (int)strcspn(s, "\n"), s);
}

static int
family_check(const char *family, struct mc_err *err)
{
	size_t i;

	for (i = 0; family != NULL && i < MC_NELEMS(families); i++)
		if (strcmp(family, families[i]) == 0)
			return 0;
	return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
	    "unknown nft family \"%.16s\"", family != NULL ? family : "");
}

int
net_nft_apply(const char *ns, const char *script, struct mc_err *err)
{
	struct run	r;
	char		msg[128], src[SOURCE_MAX + 1];
	unsigned long	line;
	int		rc;

	if (script == NULL ||
	    strnlen(script, NET_NFT_SCRIPT_MAX + 1) > NET_NFT_SCRIPT_MAX)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "nft script missing or longer than %d bytes",
		    NET_NFT_SCRIPT_MAX);
	if (run(ns, script, &r, err) < 0) {
		run_clear(&r);
		return -1;
	}
	rc = r.rc;
	if (rc != 0) {
		first_error(&r, msg, sizeof(msg), &line, src, sizeof(src));
		if (line != 0)
			(void)mc_err_sys(err, EINVAL, "nft script line %lu: "
			    "%s%s%s", line, msg, src[0] != '\0' ? ": " : "",
			    src);
		else
			(void)mc_err_sys(err, EINVAL, "nft script: %s", msg);
	}
	run_clear(&r);
	return rc == 0 ? 0 : -1;
}

/*
 * Run one command of ours; nft's first error becomes "<what>: MESSAGE".
 * On success *ret_out (may be NULL) receives nft's output.
 */
static int
command(const char *ns, const char *cmd, char **ret_out, const char *what,
    struct mc_err *err)
{
	struct run	r;
	char		msg[128], src[2];
	unsigned long	line;

	if (run(ns, cmd, &r, err) < 0) {
		run_clear(&r);
		return -1;
	}
	if (r.rc != 0) {
		first_error(&r, msg, sizeof(msg), &line, src, sizeof(src));
		/* nft names no errno; a missing object reads as ENOENT's text. */
		(void)mc_err_sys(err, strstr(msg, strerror(ENOENT)) != NULL ?
		    ENOENT : EINVAL, "%s: %s", what, msg);
		run_clear(&r);
		return -1;
	}
	if (ret_out != NULL)
		*ret_out = mc_steal_ptr(&r.out);
	run_clear(&r);
	return 0;
}

/* Check family and name, and write "family name" into buf. */
static int
table_ref(const char *family, const char *name, char *buf, size_t bufsz,
    struct mc_err *err)
{
	if (family_check(family, err) < 0 ||
	    net_name_check(NET_NAME_NFT, name, err) < 0)
		return -1;
	(void)snprintf(buf, bufsz, "%s %s", family, name);
	return 0;
}

int
net_nft_table_text(const char *ns, const char *family, const char *name,
    char **ret_text, struct mc_err *err)
{
	char	ref[NET_NFT_FAMILY_MAX + NET_NAME_NFT_MAX];
	char	cmd[sizeof(ref) + 32], what[sizeof(ref) + 48];

	if (table_ref(family, name, ref, sizeof(ref), err) < 0)
		return -1;
	(void)snprintf(cmd, sizeof(cmd), "list table %s\n", ref);
	(void)snprintf(what, sizeof(what), "cannot list nft table %s", ref);
	return command(ns, cmd, ret_text, what, err);
}

int
net_nft_table_delete(const char *ns, const char *family, const char *name,
    struct mc_err *err)
{
	char	ref[NET_NFT_FAMILY_MAX + NET_NAME_NFT_MAX];
	char	cmd[2 * sizeof(ref) + 32], what[sizeof(ref) + 48];

	if (table_ref(family, name, ref, sizeof(ref), err) < 0)
		return -1;
	/*
	 * "add" then "delete" in one transaction: absent or not, the table
	 * is gone after it (nft's "destroy" is newer than Debian 12's nft).
	 */
	(void)snprintf(cmd, sizeof(cmd), "add table %s\ndelete table %s\n",
	    ref, ref);
	(void)snprintf(what, sizeof(what), "cannot delete nft table %s", ref);
	return command(ns, cmd, NULL, what, err);
}

/* Add the table named on line ("table FAMILY NAME") if it matches. */
static int
list_line(const char *line, const char *prefix, struct net_nft_table **v,
    size_t *n, struct mc_err *err)
{
	struct net_nft_table	 t;
	struct net_nft_table	*nv;
	char			 fam[NET_NFT_FAMILY_MAX + 1];
	char			 name[NET_NAME_NFT_MAX + 1];

	/* Anything else (an odd family, an odd name) is not ours: skip. */
	if (sscanf(line, "table %8s %64s", fam, name) != 2 ||
	    family_check(fam, NULL) < 0 ||
	    net_name_check(NET_NAME_NFT, name, NULL) < 0 ||
	    strncmp(name, prefix, strlen(prefix)) != 0)
		return 0;
	/* Both fit: the checks above bound their lengths. */
	memcpy(t.family, fam, strlen(fam) + 1);
	memcpy(t.name, name, strlen(name) + 1);
	nv = reallocarray(*v, *n + 1, sizeof(**v));
	if (nv == NULL)
		return mc_err_sys(err, errno, "out of memory");
	nv[(*n)++] = t;
	*v = nv;
	return 0;
}

int
net_nft_table_list(const char *ns, const char *prefix,
    struct net_nft_table **ret_tables, size_t *ret_n, struct mc_err *err)
{
	MC_AUTOFREE char	*out = NULL;
	struct net_nft_table	*v = NULL;
	size_t			 n = 0;
	char			*line, *save = NULL;

	if (command(ns, "list tables\n", &out, "cannot list nft tables",
	    err) < 0)
		return -1;
	for (line = strtok_r(out, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save))
		if (list_line(line, prefix != NULL ? prefix : "", &v, &n,
		    err) < 0) {
			free(v);
			return -1;
		}
	*ret_tables = v;
	*ret_n = n;
	return 0;
}

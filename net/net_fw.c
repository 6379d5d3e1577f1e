/*
 * net_fw: the handle on one firewall table, and its apply: check the
 * model, copy it, write the whole table or the difference from the copy
 * applied last into one batch, send it on the handle's socket.  Any
 * failure forgets the copy and the socket, so that the next apply
 * replaces the table whole; so does a namespace made anew under the
 * same name.  The socket stays open between applies: closing a
 * netfilter socket waits for the kernel to free what the last commit
 * removed (an RCU grace period), which would double a small apply.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>

#include "mc_cleanup.h"
#include "mc_err.h"
#include "net_fw.h"
#include "net_fw_priv.h"
#include "net_name.h"
#include "net_ns.h"

struct net_fw *
net_fw_new(const char *ns, const char *table, struct mc_err *err)
{
	struct net_fw *fw;

	if ((ns != NULL && net_name_check(NET_NAME_NS, ns, err) < 0) ||
	    net_name_check(NET_NAME_NFT, table, err) < 0)
		return NULL;
	if ((fw = calloc(1, sizeof(*fw))) == NULL) {
		(void)mc_err_sys(err, ENOMEM, "out of memory");
		return NULL;
	}
	/* Both checked: they fit. */
	(void)snprintf(fw->ns, sizeof(fw->ns), "%s", ns != NULL ? ns : "");
	(void)snprintf(fw->table, sizeof(fw->table), "%s", table);
	return fw;
}

void
net_fw_free(struct net_fw *fw)
{
	if (fw == NULL)
		return;
	net_fw_copy_free(fw->applied);
	if (fw->sock != NULL)
		(void)mnl_socket_close(fw->sock);
	free(fw);
}

/*
 * The table is no longer known to match a copy: replace it next time,
 * on a new socket (this one may be in a namespace that is gone).
 */
static int
forget(struct net_fw *fw)
{
	net_fw_copy_free(fw->applied);
	fw->applied = NULL;
	if (fw->sock != NULL)
		(void)mnl_socket_close(fw->sock);
	fw->sock = NULL;
	memset(&fw->stats, 0, sizeof(fw->stats));
	return -1;
}

static void
copy_freep(struct net_fw_copy **cp)
{
	net_fw_copy_free(*cp);
}

/* Which namespace fw's name stands for now. */
static int
ns_identity(const struct net_fw *fw, struct stat *ret, struct mc_err *err)
{
	MC_AUTOCLOSE int fd = -1;

	if (net_ns_open(fw->ns[0] != '\0' ? fw->ns : NULL, &fd, err) < 0)
		return -1;
	if (fstat(fd, ret) < 0)
		return mc_err_sys(err, errno, "cannot stat network namespace "
		    "%s: %s", net_ns_label(fw->ns[0] != '\0' ? fw->ns : NULL),
		    strerror(errno));
	return 0;
}

/*
 * Have fw->sock in the namespace fw's name stands for now.  A namespace
 * made anew under the same name holds nothing of ours: then, as for the
 * first socket, the copy is forgotten.  0, or -1 with err set.
 */
static int
sock_ready(struct net_fw *fw, struct mc_err *err)
{
	struct stat ns;

	if (ns_identity(fw, &ns, err) < 0)
		return -1;
	if (fw->sock != NULL && ns.st_dev == fw->ns_dev &&
	    ns.st_ino == fw->ns_ino)
		return 0;
	(void)forget(fw);
	if (net_fw_sock_open(fw->ns, &fw->sock, err) < 0)
		return -1;
	fw->ns_dev = ns.st_dev;
	fw->ns_ino = ns.st_ino;
	return 0;
}

/* Write and send what turns the table into new's; 0 or -1 with err. */
static int
send_model(struct net_fw *fw, const struct net_fw_copy *new,
    struct net_fw_stats *st, struct mc_err *err)
{
	struct net_fw_batch	b;
	bool			same;
	int			rc = 0;

	memset(st, 0, sizeof(*st));
	/* A restarted agent's table, already as wanted, is left alone. */
	if (fw->applied == NULL) {
		if (net_fw_adopt_check(fw, new, &same, err) < 0)
			return -1;
		if (same)
			return 0;
	}
	if (net_fw_batch_init(&b, fw->table, st, err) < 0)
		return -1;
	if (fw->applied == NULL)
		net_fw_plan_full(&b, new);
	else
		net_fw_plan_diff(&b, fw->applied, new);
	/* Nothing changed: no batch at all. */
	if (st->full || !net_fw_batch_empty(&b))
		rc = net_fw_batch_send(&b, fw->sock, fw->ns, err);
	net_fw_batch_clear(&b);
	return rc;
}

int
net_fw_apply(struct net_fw *fw, const struct net_fw_model *model,
    struct mc_err *err)
{
	MC_CLEANUP(copy_freep) struct net_fw_copy *new = NULL;
	struct net_fw_stats st;

	if (net_fw_check_model(model, err) < 0 ||
	    net_fw_copy_new(model, &new, err) < 0 ||
	    net_fw_check_copy(new, err) < 0 ||
	    sock_ready(fw, err) < 0 ||
	    send_model(fw, new, &st, err) < 0)
		return forget(fw);
	net_fw_copy_free(fw->applied);
	fw->applied = mc_steal_ptr(&new);
	fw->stats = st;
	return 0;
}

int
net_fw_delete(struct net_fw *fw, struct mc_err *err)
{
	struct net_fw_batch	b;
	struct net_fw_stats	st;
	int			rc;

	if (sock_ready(fw, err) < 0 ||
	    net_fw_batch_init(&b, fw->table, &st, err) < 0)
		return forget(fw);
	/* Added first, so that an absent table is no error. */
	net_fw_put_table(&b);
	net_fw_put_table_del(&b);
	rc = net_fw_batch_send(&b, fw->sock, fw->ns, err);
	net_fw_batch_clear(&b);
	/* Whatever came of it, the next apply starts from nothing. */
	net_fw_copy_free(fw->applied);
	fw->applied = NULL;
	memset(&fw->stats, 0, sizeof(fw->stats));
	return rc < 0 ? forget(fw) : 0;
}

void
net_fw_stats(const struct net_fw *fw, struct net_fw_stats *ret)
{
	*ret = fw->stats;
}

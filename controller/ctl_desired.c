/*
 * ctl_desired: a host's desired state from the store.  One snapshot, so
 * that the generation and the rows agree.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_cleanup.h"
#include "mc_err.h"
#include "mc_ipv4.h"
#include "ctl_conf.h"
#include "ctl_desired.h"
#include "ctl_eni.h"
#include "ctl_hosts.h"
#include "ctl_sg_desired.h"
#include "ctl_snap.h"
#include "ctl_sql.h"
#include "ctl_tags.h"
#include "ctl_view.h"
#include "ctl_vol.h"

/* Fill img from an image row's id, format, sha256 and size columns. */
static void
image_cols(sqlite3_stmt *st, int col, struct mc_proto_image *img)
{
	ctl_sql_text(st, col, img->id, sizeof(img->id));
	ctl_sql_text(st, col + 1, img->format, sizeof(img->format));
	ctl_sql_text(st, col + 2, img->sha256, sizeof(img->sha256));
	img->size = (uint64_t)sqlite3_column_int64(st, col + 3);
}

#define DESIRED_SELECT \
	"SELECT i.id, i.account_id, i.reservation_id, i.instance_type, " \
	"i.vcpus, i.mem_mib, i.desired, i.force_stop, i.reboot_seq, " \
	"i.state, " \
	"m.cmdline, m.id, m.format, m.sha256, m.size, " \
	"coalesce(k.id, ''), coalesce(k.format, ''), coalesce(k.sha256, ''), " \
	"coalesce(k.size, 0), coalesce(r.id, ''), coalesce(r.format, ''), " \
	"coalesce(r.sha256, ''), coalesce(r.size, 0), " \
	"i.zone, i.launch_index, i.launch_ms, i.key_name, i.key_material, " \
	"i.user_data, i.md_tokens, i.md_hop_limit, i.md_endpoint, i.md_tags " \
	"FROM instances i JOIN images m ON m.id = i.image_id " \
	"LEFT JOIN images k ON k.id = m.kernel_id AND m.kernel_id <> '' " \
	"LEFT JOIN images r ON r.id = m.ramdisk_id AND m.ramdisk_id <> '' " \
	"WHERE i.host = ? AND i.state <> 'terminated' ORDER BY i.id"

/* The metadata columns from col on; key and user data are copied. */
static void
md_cols(sqlite3_stmt *st, int col, struct mc_proto_md *md)
{
	const void	*ud;
	char		 tags[16];

	md->launch_index = (unsigned)sqlite3_column_int(st, col);
	md->launch_ms = (uint64_t)sqlite3_column_int64(st, col + 1);
	ctl_sql_text(st, col + 2, md->key_name, sizeof(md->key_name));
	if (sqlite3_column_bytes(st, col + 3) > 0)
		md->key_openssh = strdup((const char *)
		    sqlite3_column_text(st, col + 3));
	if (sqlite3_column_type(st, col + 4) != SQLITE_NULL) {
		md->has_user_data = true;
		md->user_data_len = (size_t)sqlite3_column_bytes(st, col + 4);
		ud = sqlite3_column_blob(st, col + 4);
		if ((md->user_data = malloc(md->user_data_len + 1)) != NULL &&
		    md->user_data_len > 0)
			memcpy(md->user_data, ud, md->user_data_len);
	}
	ctl_sql_text(st, col + 5, md->tokens, sizeof(md->tokens));
	md->hop_limit = (unsigned)sqlite3_column_int(st, col + 6);
	ctl_sql_text(st, col + 7, md->endpoint, sizeof(md->endpoint));
	ctl_sql_text(st, col + 8, tags, sizeof(tags));
	md->instance_tags = strcmp(tags, "enabled") == 0;
}

static void
desired_row(sqlite3_stmt *st, struct mc_proto_inst *w)
{
	char want[16];
	int  v;

	memset(w, 0, sizeof(*w));
	ctl_sql_text(st, 0, w->id, sizeof(w->id));
	ctl_sql_text(st, 1, w->account, sizeof(w->account));
	ctl_sql_text(st, 2, w->reservation, sizeof(w->reservation));
	ctl_sql_text(st, 3, w->type, sizeof(w->type));
	w->vcpus = (unsigned)sqlite3_column_int(st, 4);
	w->mem_mib = (unsigned)sqlite3_column_int(st, 5);
	ctl_sql_text(st, 6, want, sizeof(want));
	v = mc_proto_want_parse(want);
	w->want = v < 0 ? MC_PROTO_WANT_STOPPED : (enum mc_proto_want)v;
	w->force = sqlite3_column_int(st, 7) != 0;
	w->reboot_seq = (unsigned)sqlite3_column_int64(st, 8);
	ctl_sql_text(st, 9, w->state, sizeof(w->state));
	ctl_sql_text(st, 10, w->cmdline, sizeof(w->cmdline));
	image_cols(st, 11, &w->image);
	image_cols(st, 15, &w->kernel);
	image_cols(st, 19, &w->ramdisk);
	ctl_sql_text(st, 23, w->zone, sizeof(w->zone));
	md_cols(st, 24, &w->md);
}

/* The interface e of w, as the agent wires it. */
static void
nic_of(const struct ctl_conf *c, const struct ctl_eni *e,
    struct mc_proto_inst *w)
{
	struct mc_proto_nic	*n = &w->nic;
	size_t			 i;

	(void)snprintf(n->eni, sizeof(n->eni), "%s", e->id);
	(void)snprintf(n->mac, sizeof(n->mac), "%s", e->mac);
	(void)snprintf(n->vpc, sizeof(n->vpc), "%s", e->vpc_id);
	(void)snprintf(n->subnet, sizeof(n->subnet), "%s", e->subnet_id);
	n->vni = e->vni;
	mc_ipv4_str(e->ip, n->ip);
	mc_cidr_str(&e->subnet_cidr, n->subnet_cidr);
	mc_cidr_str(&e->vpc_cidr, n->vpc_cidr);
	if (e->public_ip != 0)
		mc_ipv4_str(e->public_ip, n->public_ip);
	ctl_eni_dns_name(e->ip, c->dns_domain, n->dns_name,
	    sizeof(n->dns_name));
	for (i = 0; i < e->groups.n && i < MC_PROTO_NIC_GROUPS; i++)
		(void)snprintf(n->groups.v[i], sizeof(n->groups.v[i]), "%s",
		    e->groups.v[i].id);
	n->groups.n = i;
}

static int
by_instance(const void *a, const void *b)
{
	return strcmp(((const struct ctl_eni *)a)->instance_id,
	    ((const struct ctl_eni *)b)->instance_id);
}

/* bsearch: an instance id against an interface. */
static int
is_instance(const void *key, const void *elem)
{
	return strcmp(key, ((const struct ctl_eni *)elem)->instance_id);
}

/* Every instance's interface, read with one query for all of them. */
static int
nics_of(sqlite3 *db, const struct ctl_conf *c, struct mc_proto_desired *d,
    struct mc_err *err)
{
	MC_AUTOFREE const char	**ids = NULL;
	MC_AUTOFREE struct ctl_eni *e = NULL;
	const struct ctl_eni	 *at;
	size_t			  n = 0, i;

	if (d->n == 0)
		return 0;
	if ((ids = mc_proto_desired_ids(d)) == NULL)
		return mc_err_sys(err, ENOMEM, "out of memory");
	if (ctl_eni_of_instances(db, ids, d->n, &e, &n, err) < 0)
		return -1;
	if (n == 0)
		return 0;
	qsort(e, n, sizeof(*e), by_instance);
	for (i = 0; i < d->n; i++)
		if ((at = bsearch(d->v[i].id, e, n, sizeof(*e),
		    is_instance)) != NULL)
			nic_of(c, at, &d->v[i]);
	return 0;
}

/* The instance's tags, when its metadata service shows them. */
static int
tags_of(sqlite3 *db, struct mc_proto_inst *w, struct mc_err *err)
{
	struct ctl_tagkv	*t = NULL;
	struct mc_proto_md	*md = &w->md;
	size_t			 n = 0, i;

	if (!md->instance_tags)
		return 0;
	if (ctl_tags_load(db, w->id, &t, &n, err) < 0)
		return -1;
	if (n > 0 && (md->tags = calloc(n, sizeof(*md->tags))) == NULL) {
		free(t);
		return mc_err_sys(err, ENOMEM, "out of memory");
	}
	for (i = 0; i < n; i++) {
		md->tags[i].key = strdup(t[i].key);
		md->tags[i].value = strdup(t[i].value);
		md->n_tags = i + 1;
		if (md->tags[i].key == NULL || md->tags[i].value == NULL) {
			free(t);
			return mc_err_sys(err, ENOMEM, "out of memory");
		}
	}
	free(t);
	return 0;
}

int
ctl_desired_load(sqlite3 *db, const struct ctl_conf *c, const char *host,
    const struct ctl_view_held *held, struct mc_proto_desired *ret,
    struct mc_err *err)
{
	struct mc_proto_desired	 d;
	struct mc_proto_inst	*nv;
	sqlite3_stmt		*st;
	size_t			 i;
	int			 rc;

	memset(&d, 0, sizeof(d));
	d.stop_timeout_s = (unsigned)c->stop_timeout_s;
	(void)snprintf(d.region, sizeof(d.region), "%s", c->region);
	/* Read the generation and the rows in one snapshot. */
	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
	    ctl_hosts_generation(db, host, &d.generation, err) < 0 ||
	    ctl_sql_prepare(db, &st, err, DESIRED_SELECT, "s", host) < 0) {
		ctl_sql_rollback(db);
		return mc_err_set(err, MC_EC_INTERNAL_ERROR,
		    "cannot read the desired state");
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((nv = realloc(d.v, (d.n + 1) * sizeof(*nv))) == NULL) {
			rc = SQLITE_NOMEM;
			break;
		}
		d.v = nv;
		desired_row(st, &d.v[d.n++]);
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE && nics_of(db, c, &d, err) < 0)
		rc = SQLITE_ERROR;
	for (i = 0; rc == SQLITE_DONE && i < d.n; i++)
		if (tags_of(db, &d.v[i], err) < 0)
			rc = SQLITE_ERROR;
	if (rc == SQLITE_DONE && (ctl_sg_desired_load(db, &d, err) < 0 ||
	    ctl_vol_desired_load(db, host, &d, err) < 0 ||
	    ctl_snap_desired_load(db, host, &d, err) < 0 ||
	    ctl_view_load(db, host, held, &d.view, err) < 0))
		rc = SQLITE_ERROR;
	ctl_sql_rollback(db);	/* read-only: ends the snapshot */
	if (rc != SQLITE_DONE) {
		mc_proto_desired_clear(&d);
		return mc_err_set(err, MC_EC_INTERNAL_ERROR,
		    "cannot read the desired state");
	}
	*ret = d;
	return 0;
}

